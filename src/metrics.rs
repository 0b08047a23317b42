//! Prometheus metrics of the bot, served as text at `/metrics`, with a
//! liveness check at `/healthz`.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// The bot's metrics.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// Updates received from Telegram and handed to the handlers.
    pub updates: Counter,
    /// Answers recorded, counted once committed to the database.
    pub answers_recorded: Counter,
    /// Updates whose handling failed (the user got an apology).
    pub update_errors: Counter,
    /// Time from taking an update to finishing with it.
    pub handling_seconds: Histogram,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let updates = Counter::default();
        let answers_recorded = Counter::default();
        let update_errors = Counter::default();
        // 1 ms … about 16 s
        let handling_seconds = Histogram::new(exponential_buckets(0.001, 2.0, 15));
        registry.register(
            "factquiz_updates",
            "Updates received from Telegram",
            updates.clone(),
        );
        registry.register(
            "factquiz_answers_recorded",
            "Answers recorded (counted after the commit)",
            answers_recorded.clone(),
        );
        registry.register(
            "factquiz_update_errors",
            "Updates whose handling failed",
            update_errors.clone(),
        );
        registry.register(
            "factquiz_update_handling_seconds",
            "Time to handle one update",
            handling_seconds.clone(),
        );
        Metrics {
            registry,
            updates,
            answers_recorded,
            update_errors,
            handling_seconds,
        }
    }

    pub fn observe_handling(&self, took: Duration) {
        self.handling_seconds.observe(took.as_secs_f64());
    }

    /// The metrics in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

/// The HTTP routes: `/metrics` and `/healthz`.
pub fn router(metrics: Arc<Metrics>) -> Router {
    Router::new()
        .route("/metrics", get(serve_metrics))
        .route("/healthz", get(|| async { "ok\n" }))
        .with_state(metrics)
}

async fn serve_metrics(State(metrics): State<Arc<Metrics>>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        metrics.render(),
    )
}

/// Binds `addr` and serves the routes until `shutdown` completes.
pub async fn serve(
    addr: &str,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("FACTQUIZ_METRICS_ADDR `{addr}`: cannot listen there"))?;
    tracing::info!(addr = %listener.local_addr()?, "serving /metrics and /healthz");
    let app = router(metrics);
    Ok(tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(error = %e, "the metrics server stopped");
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_contract_counters() {
        let m = Metrics::new();
        m.updates.inc();
        m.answers_recorded.inc_by(3);
        m.observe_handling(Duration::from_millis(5));
        let text = m.render();
        assert!(text.contains("factquiz_updates_total 1"), "{text}");
        assert!(text.contains("factquiz_answers_recorded_total 3"), "{text}");
        assert!(
            text.contains("factquiz_update_handling_seconds_count 1"),
            "{text}"
        );
    }
}
