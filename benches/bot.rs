//! Time from a button press reaching the bot to the bot answering it
//! (`answerCallbackQuery`), over many presses, against the loopback Bot API
//! server of the tests. Players press as soon as each question arrives.
//!
//! `cargo bench --bench bot`. Figures are printed, not asserted.

#[path = "../tests/it/botapi.rs"]
#[allow(
    dead_code,
    unused_imports,
    reason = "the server has more than this benchmark uses"
)]
mod botapi;

use std::sync::Arc;
use std::time::{Duration, Instant};

use botapi::{BotApi, Chat, TOKEN, User};
use factquiz::config::{BotConfig, Secret, SendLimits};
use factquiz::facts::Corpus;
use factquiz::quiz::{self, Alternatives};
use factquiz::service::{Service, SystemClock};
use factquiz::store::Store;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use tokio_util::sync::CancellationToken;

/// Players at once (`BENCH_PLAYERS`, default 50), each answering `QUESTIONS`.
fn player_count() -> u64 {
    std::env::var("BENCH_PLAYERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50)
}
const QUESTIONS: usize = 20;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let api = Arc::new(BotApi::start().await);
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("bench.db");
    let store = Store::open(db.to_str().expect("utf-8 path")).await?;
    let questions = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("questions");
    let corpus = Corpus::load(&questions).map_err(|e| anyhow::anyhow!("{e}"))?;
    let bank = quiz::build(
        &corpus,
        Alternatives::builtin(),
        &mut ChaCha8Rng::seed_from_u64(1),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let service = Service::new(store, &corpus, bank, Arc::new(SystemClock), Some(1));
    let config = BotConfig {
        token: Secret::new(TOKEN),
        api_url: Some(url::Url::parse(&api.url)?),
        round_seconds: 30,
        send_limits: SendLimits::Off,
        metrics_addr: None,
    };
    let shutdown = CancellationToken::new();
    let bot = tokio::spawn(factquiz::telegram::run(config, service, shutdown.clone()));

    let started = Instant::now();
    let mut players = Vec::new();
    let count = player_count();
    for i in 0..count {
        let api = api.clone();
        players.push(tokio::spawn(async move {
            let user = User::new(10_000 + i, "p", "ar");
            let chat = Chat::private(&user);
            let mut after = api.mark();
            api.message(&chat, &user, &format!("/quiz {QUESTIONS}"));
            let mut presses = Vec::new();
            for _ in 0..QUESTIONS {
                let q = api
                    .wait_for(after, "a question", |c| {
                        c.method == "sendmessage" && c.chat() == chat.id && !c.buttons().is_empty()
                    })
                    .await;
                after = q.seq + 1;
                presses.push(api.press(&user, &q, &q.buttons()[0]));
            }
            presses
        }));
    }
    let mut presses = Vec::new();
    for p in players {
        presses.extend(p.await?);
    }
    // Every press answered?
    let deadline = Instant::now() + Duration::from_secs(60);
    while api.calls_to("answerCallbackQuery").len() < presses.len() {
        anyhow::ensure!(Instant::now() < deadline, "not every press was answered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let wall = started.elapsed();
    let mut latencies: Vec<Duration> = Vec::new();
    for answer in api.calls_to("answerCallbackQuery") {
        let id = answer.body["callback_query_id"]
            .as_str()
            .unwrap_or_default();
        let update = api.update_of_callback(id).expect("a pushed press");
        let delivered = api.delivered_at(update).expect("delivered");
        latencies.push(answer.at.duration_since(delivered));
    }
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{} presses by {count} players in {:.2} s: press → answerCallbackQuery median {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        latencies.len(),
        wall.as_secs_f64(),
        pct(0.5).as_secs_f64() * 1000.0,
        pct(0.9).as_secs_f64() * 1000.0,
        pct(0.99).as_secs_f64() * 1000.0,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
    );
    api.assert_valid();
    shutdown.cancel();
    bot.await??;
    Ok(())
}
