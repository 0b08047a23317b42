//! Prometheus metrics of the bot, served as text at `/metrics`, with a
//! readiness check at `/healthz` (the database answers).

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
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::store::Store;

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
    /// From an update reaching the bot to its effects committed.
    pub handling_seconds: Histogram,
    /// From a message handed to the sender to Telegram's answer.
    pub sending_seconds: Histogram,
    /// Updates and poll answers kept and not handled yet.
    pub inbox_depth: Gauge,
    /// Requests waiting to be sent or in flight.
    pub outbox_depth: Gauge,
    /// Chats whose next request waits for a limit or a retry.
    pub sends_waiting_on_limits: Gauge,
    /// Updates being handled now.
    pub handling_now: Gauge,
    /// Telegram's `429 Too Many Requests` answers.
    pub too_many_requests: Counter,
    /// 1 while this instance leads (handles and sends), 0 while it stands
    /// by (it only receives; PostgreSQL with several instances).
    pub leading: Gauge,
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
        let sending_seconds = Histogram::new(exponential_buckets(0.001, 2.0, 15));
        let inbox_depth = Gauge::default();
        let outbox_depth = Gauge::default();
        let sends_waiting_on_limits = Gauge::default();
        let handling_now = Gauge::default();
        let too_many_requests = Counter::default();
        let leading = Gauge::default();
        registry.register(
            "factquiz_leading",
            "1 while this instance handles and sends, 0 while it stands by",
            leading.clone(),
        );
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
            "From an update reaching the bot to its effects committed",
            handling_seconds.clone(),
        );
        registry.register(
            "factquiz_send_seconds",
            "From a message handed to the sender to Telegram's answer",
            sending_seconds.clone(),
        );
        registry.register(
            "factquiz_inbox_depth",
            "Updates and poll answers kept and not handled yet",
            inbox_depth.clone(),
        );
        registry.register(
            "factquiz_outbox_depth",
            "Requests waiting to be sent or in flight",
            outbox_depth.clone(),
        );
        registry.register(
            "factquiz_sends_waiting_on_limits",
            "Chats whose next request waits for a limit or a retry",
            sends_waiting_on_limits.clone(),
        );
        registry.register(
            "factquiz_updates_handling",
            "Updates being handled now",
            handling_now.clone(),
        );
        registry.register(
            "factquiz_telegram_429",
            "Telegram's 429 Too Many Requests answers",
            too_many_requests.clone(),
        );
        Metrics {
            registry,
            updates,
            answers_recorded,
            update_errors,
            handling_seconds,
            sending_seconds,
            inbox_depth,
            outbox_depth,
            sends_waiting_on_limits,
            handling_now,
            too_many_requests,
            leading,
        }
    }

    /// An update handled `took` after it reached the bot.
    pub fn observe_handling(&self, took: Duration) {
        self.handling_seconds.observe(took.as_secs_f64());
    }

    /// A request answered `took` after it was handed to the sender.
    pub fn observe_sending(&self, took: Duration) {
        self.sending_seconds.observe(took.as_secs_f64());
    }

    /// The metrics in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

/// What the routes read.
#[derive(Clone)]
struct Probe {
    metrics: Arc<Metrics>,
    /// Where the inbox is measured, at most once a second (counting it
    /// reads every row waiting: a scrape must not slow a flood down).
    store: Option<Store>,
    measured: Arc<std::sync::Mutex<Option<std::time::Instant>>>,
}

/// The HTTP routes: `/metrics` and `/healthz`.
pub fn router(metrics: Arc<Metrics>, store: Option<Store>) -> Router {
    Router::new()
        .route("/metrics", get(serve_metrics))
        .route("/healthz", get(healthz))
        .with_state(Probe {
            metrics,
            store,
            measured: Arc::default(),
        })
}

async fn serve_metrics(State(probe): State<Probe>) -> impl IntoResponse {
    let metrics = probe.metrics;
    let due = {
        let mut last = probe
            .measured
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let due = last.is_none_or(|t| t.elapsed() >= Duration::from_secs(1));
        if due {
            *last = Some(std::time::Instant::now());
        }
        due
    };
    if due
        && let Some(store) = probe.store
        && let Ok((updates, votes)) = store.read(crate::store::depth).await
    {
        metrics.inbox_depth.set(updates + votes);
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        metrics.render(),
    )
}

/// Ready (`200 ok`) only when the database answers a read within two
/// seconds, on the writer's connection and on the one that keeps received
/// updates; `503` otherwise.
async fn healthz(State(probe): State<Probe>) -> impl IntoResponse {
    let Some(store) = probe.store else {
        return (axum::http::StatusCode::OK, "ok\n");
    };
    fn ping(conn: &crate::store::Connection) -> anyhow::Result<i64> {
        conn.query_row("SELECT 1", (), |r| r.get::<i64>(0))
            .map_err(anyhow::Error::from)
    }
    // Both ways in: the writer's, and (on PostgreSQL) the connection that
    // keeps what Telegram posts.
    let read = async { tokio::try_join!(store.read(ping), store.keep(ping)) };
    match tokio::time::timeout(Duration::from_secs(2), read).await {
        Ok(Ok(_)) => (axum::http::StatusCode::OK, "ok\n"),
        _ => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "the database does not answer\n",
        ),
    }
}

/// Binds `addr` and serves the routes until `shutdown` completes.
pub async fn serve(
    addr: &str,
    metrics: Arc<Metrics>,
    store: Option<Store>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("FACTQUIZ_METRICS_ADDR `{addr}`: cannot listen there"))?;
    tracing::info!(addr = %listener.local_addr()?, "serving /metrics and /healthz");
    let app = router(metrics, store);
    Ok(tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(error = %e, "the metrics server stopped");
        }
    }))
}

/// A count as a gauge's value (saturating: no count comes near `i64::MAX`).
pub fn gauge(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A duration in whole milliseconds, for a log line (saturating).
pub fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
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
