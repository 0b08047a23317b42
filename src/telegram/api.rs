//! A thin Bot API client: posts a JSON body to a method and reads back only
//! what the caller needs.
//!
//! Why not teloxide's requester: the outbox keeps each request as the JSON
//! it will post, so the sender posts it as it is, and teloxide would parse
//! every answer into a full `Message` the bot never reads (about 6 µs a
//! message, on every edit of every answer card). teloxide's types still
//! describe what comes in (updates) and its payloads what goes out.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::config::BotConfig;

/// The longest a request may take (a long poll takes its timeout on top).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The Bot API of one bot.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    /// `<server>/bot<token>/`: holds the token, so it is never printed.
    base: String,
    /// The server, without the token, for messages.
    server: String,
}

impl fmt::Debug for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Api")
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

/// Why a request did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// 429: wait this long before trying again.
    #[error("Telegram asks to wait {} s", .0.as_secs())]
    RetryAfter(Duration),
    /// Telegram answered and refused.
    #[error("Telegram refused the request ({code}): {description}")]
    Refused { code: u16, description: String },
    /// The request or its answer was lost on the way.
    #[error("cannot reach the Bot API at {server}: {cause}")]
    Network { server: String, cause: String },
    /// An answer that is not the Bot API's JSON.
    #[error("the Bot API at {server} answered something unexpected (HTTP {status}): {what}")]
    Garbled {
        server: String,
        status: u16,
        what: String,
    },
}

impl ApiError {
    /// Worth trying again later: the network, or Telegram's side (5xx).
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Network { .. } | ApiError::RetryAfter(_) => true,
            ApiError::Refused { code, .. } | ApiError::Garbled { status: code, .. } => *code >= 500,
        }
    }

    fn description(&self) -> &str {
        match self {
            ApiError::Refused { description, .. } => description,
            _ => "",
        }
    }

    /// An edit that changes nothing (a double tap): as good as done.
    pub fn is_not_modified(&self) -> bool {
        self.description().contains("message is not modified")
    }

    /// A callback query answered after Telegram's deadline, or unknown.
    pub fn is_query_too_old(&self) -> bool {
        let d = self.description();
        d.contains("query is too old") || d.contains("query ID is invalid")
    }

    /// The message to edit is gone or can no longer be edited.
    pub fn is_edit_target_gone(&self) -> bool {
        let d = self.description();
        d.contains("message to edit not found")
            || d.contains("message can't be edited")
            || d.contains("MESSAGE_ID_INVALID")
    }

    /// The token was refused.
    pub fn is_unauthorized(&self) -> bool {
        matches!(
            self,
            ApiError::Refused {
                code: 401 | 404,
                ..
            }
        )
    }
}

/// The envelope of every Bot API answer.
#[derive(Deserialize)]
struct Envelope<T> {
    ok: bool,
    result: Option<T>,
    error_code: Option<u16>,
    description: Option<String>,
    parameters: Option<Parameters>,
}

#[derive(Deserialize)]
struct Parameters {
    retry_after: Option<u64>,
}

impl Api {
    /// The Bot API of the configured bot and server.
    pub fn new(config: &BotConfig) -> anyhow::Result<Api> {
        let server = config
            .api_url
            .as_ref()
            .map_or_else(
                || "https://api.telegram.org".to_owned(),
                |u| u.as_str().to_owned(),
            )
            .trim_end_matches('/')
            .to_owned();
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| anyhow::anyhow!("cannot set up the HTTP client: {e}"))?;
        Ok(Api {
            http,
            base: format!("{server}/bot{}/", config.token.expose()),
            server,
        })
    }

    /// The server, for messages (never the token).
    pub fn server(&self) -> &str {
        &self.server
    }

    /// Posts `body` (JSON) to `method` and returns the answer's bytes, or
    /// why it failed. `wait` is how long the server may hold the request on
    /// top of the usual timeout (a long poll).
    pub async fn post(
        &self,
        method: &str,
        body: String,
        wait: Duration,
    ) -> Result<Bytes, ApiError> {
        let response = self
            .http
            .post(format!("{}{method}", self.base))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .timeout(REQUEST_TIMEOUT + wait)
            .body(body)
            .send()
            .await
            .map_err(|e| self.network(&e))?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(|e| self.network(&e))?;
        if status == 200 {
            return Ok(bytes);
        }
        Err(self.refusal(status, &bytes))
    }

    /// Posts and reads `result` as `T`.
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        body: &impl serde::Serialize,
    ) -> Result<T, ApiError> {
        let body = serde_json::to_string(body).map_err(|e| ApiError::Garbled {
            server: self.server.clone(),
            status: 0,
            what: format!("cannot encode the request: {e}"),
        })?;
        let bytes = self.post(method, body, Duration::ZERO).await?;
        self.result(&bytes)
    }

    /// Reads the `result` of a successful answer.
    pub fn result<'a, T: Deserialize<'a>>(&self, bytes: &'a [u8]) -> Result<T, ApiError> {
        match serde_json::from_slice::<Envelope<T>>(bytes) {
            Ok(Envelope {
                ok: true,
                result: Some(result),
                ..
            }) => Ok(result),
            Ok(_) => Err(self.refusal(200, bytes)),
            Err(e) => Err(self.garbled(200, &e.to_string())),
        }
    }

    fn refusal(&self, status: u16, bytes: &[u8]) -> ApiError {
        let Ok(envelope) = serde_json::from_slice::<Envelope<serde::de::IgnoredAny>>(bytes) else {
            let text = String::from_utf8_lossy(bytes);
            return self.garbled(status, &crate::telegram::render::cut(text.trim(), 120));
        };
        let parameters = envelope.parameters;
        if let Some(seconds) = parameters.as_ref().and_then(|p| p.retry_after) {
            return ApiError::RetryAfter(Duration::from_secs(seconds));
        }
        ApiError::Refused {
            code: envelope.error_code.unwrap_or(status),
            description: envelope.description.unwrap_or_default(),
        }
    }

    fn garbled(&self, status: u16, what: &str) -> ApiError {
        ApiError::Garbled {
            server: self.server.clone(),
            status,
            what: what.to_owned(),
        }
    }

    /// A transport error in words, without the URL (it holds the token).
    fn network(&self, e: &reqwest::Error) -> ApiError {
        ApiError::Network {
            server: self.server.clone(),
            cause: transport_cause(e),
        }
    }
}

/// What went wrong under a request, said plainly: refused, DNS, TLS,
/// timeout… (reqwest's own message names the URL, which holds the token).
fn transport_cause(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        return "the request timed out".to_owned();
    }
    let mut causes = Vec::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        causes.push(s.to_string());
        source = s.source();
    }
    let all = causes.join(": ").to_lowercase();
    let plain = if all.contains("connection refused") {
        "connection refused (is the server running?)"
    } else if all.contains("dns")
        || all.contains("failed to lookup")
        || all.contains("name or service")
    {
        "the server's name could not be resolved (DNS)"
    } else if all.contains("certificate") || all.contains("tls") || all.contains("handshake") {
        "the TLS handshake failed"
    } else if all.contains("reset") || all.contains("closed") || all.contains("broken pipe") {
        "the connection was closed"
    } else if e.is_connect() {
        "the connection failed"
    } else {
        ""
    };
    match (plain.is_empty(), causes.last()) {
        (false, _) => plain.to_owned(),
        (true, Some(last)) => last.clone(),
        (true, None) => "the request failed".to_owned(),
    }
}
