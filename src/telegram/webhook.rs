//! Webhook mode: Telegram posts each update to the bot instead of the bot
//! polling for it. The receiving stage is the same as polling's: an update
//! is answered 200 only once it is durable in the inbox (Telegram delivers
//! it again after any other answer), and an update delivered twice is kept
//! once.
//!
//! A request is Telegram's only if it carries the secret token given to
//! `setWebhook` in `X-Telegram-Bot-Api-Secret-Token` (compared in constant
//! time); anything else gets 401 before its body is read, and nothing of it
//! is kept. A body over [`MAX_BODY`] gets 413.

use std::sync::Arc;

use anyhow::Context;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::routing::post;
use subtle::ConstantTimeEq;
use tokio_util::sync::CancellationToken;

use super::api::Api;
use super::receive::{ALLOWED_UPDATES, PushError, Receiver};
use crate::config::{Secret, Webhook};

/// The largest update body taken (Telegram's are a few kilobytes).
pub const MAX_BODY: usize = 1 << 20;
/// Connections Telegram may open at once to deliver updates.
const MAX_CONNECTIONS: u32 = 40;
/// The header that carries the secret token.
const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

struct Hook {
    receiver: Receiver,
    secret: Secret,
}

/// Tells Telegram where to post the updates (with the secret it must send
/// back, the kinds of updates, and how many connections at once). A
/// refusal (an URL Telegram does not take) ends the start with its reason.
pub async fn set(api: &Api, hook: &Webhook) -> anyhow::Result<()> {
    let body = serde_json::json!({
        "url": hook.url.as_str(),
        "secret_token": hook.secret.expose(),
        "allowed_updates": ALLOWED_UPDATES,
        "max_connections": MAX_CONNECTIONS,
    });
    api.call::<bool>("setWebhook", &body)
        .await
        .map_err(|e| anyhow::anyhow!("Telegram refused the webhook {}: {e}", hook.url))?;
    Ok(())
}

/// Serves the webhook on `hook.listen` until `shutdown`; the updates go to
/// `receiver`.
pub async fn serve(
    hook: &Webhook,
    receiver: Receiver,
    shutdown: CancellationToken,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let listener = tokio::net::TcpListener::bind(&hook.listen)
        .await
        .with_context(|| format!("FACTQUIZ_LISTEN `{}`: cannot listen there", hook.listen))?;
    let path = match hook.url.path() {
        "" => "/",
        p => p,
    };
    tracing::info!(addr = %listener.local_addr()?, path, "serving the webhook");
    let app = axum::Router::new()
        .route(path, post(on_post))
        .with_state(Arc::new(Hook {
            receiver,
            secret: hook.secret.clone(),
        }));
    Ok(tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown.cancelled_owned())
            .await
        {
            tracing::error!(error = %e, "the webhook server stopped");
        }
    }))
}

/// One update posted by Telegram.
async fn on_post(State(hook): State<Arc<Hook>>, request: Request) -> StatusCode {
    let given = request
        .headers()
        .get(SECRET_HEADER)
        .map(axum::http::HeaderValue::as_bytes)
        .unwrap_or_default();
    if !bool::from(given.ct_eq(hook.secret.expose().as_bytes())) {
        tracing::debug!("a post without the webhook's secret was refused");
        return StatusCode::UNAUTHORIZED;
    }
    let Ok(body) = axum::body::to_bytes(request.into_body(), MAX_BODY).await else {
        return StatusCode::PAYLOAD_TOO_LARGE;
    };
    match hook.receiver.keep_pushed(&body).await {
        Ok(()) => StatusCode::OK,
        Err(PushError::Unreadable) => {
            tracing::warn!("a post with the webhook's secret is not an update; not kept");
            StatusCode::BAD_REQUEST
        }
        Err(PushError::Store(e)) => {
            tracing::error!(
                error = format!("{e:#}"),
                "cannot keep an update posted; Telegram will post it again"
            );
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}
