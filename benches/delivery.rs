//! Delivery benchmarks: each contestant runs as a process of its own
//! against the loopback Bot API server of the tests, and is measured from
//! outside, in the same run:
//!
//! - **the wall**: this benchmark re-run as a minimal consumer (the same
//!   HTTP client as the bot) that only counts what the server delivers
//!   (burst), or answers each press with one canned edit and no database
//!   (private play): the floor;
//! - **the baseline**: the binary named by `FACTQUIZ_BASELINE`, if set
//!   (build it from the commit before a change);
//! - **factquiz**: the binary of this tree.
//!
//! Scenarios (`BENCH=burst,private,isolation`, all by default):
//! - burst: `BENCH_VOTES` (20,000) poll answers from distinct members in one
//!   5-second round, all queued at once: how many recorded, the rate from
//!   the first queued to the last recorded, CPU per 1000, peak RSS;
//! - private: `BENCH_PLAYERS` (300) players × 10 answers at once with
//!   `FACTQUIZ_SEND_LIMITS=off`: press → feedback (the edit of the pressed
//!   message) and press → `answerCallbackQuery`, messages per answer, CPU
//!   per 1000 answers, peak RSS;
//! - isolation: 20 players × 5 answers under Telegram's limits, without and
//!   then with one chat sending 60 messages at once: the others' p99;
//! - instances (only when asked: `BENCH=instances`, under
//!   `.ci/with-postgres`): private play and the burst in webhook mode
//!   (Telegram posting on up to 40 connections at once) on SQLite, on
//!   PostgreSQL with one instance, and with three behind a round-robin
//!   balancer: answers/s, p99, CPU per 1000 answers of the bots and the
//!   database server together (`BENCH_SETUPS=sqlite,pg1,pg3` picks some;
//!   `BENCH_ROUNDS=n` runs them all n times over and adds the medians).
//!
//! `cargo bench --bench delivery`. Figures are printed, not asserted.

#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "the counts, ids and times the tests make are small and positive"
)]

#[path = "../tests/it/botapi.rs"]
#[allow(
    dead_code,
    unused_imports,
    reason = "the server has more than this benchmark uses"
)]
mod botapi;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use botapi::{BotApi, Chat, TOKEN, User};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    if let Ok(mode) = std::env::var("FACTQUIZ_BENCH_WALL") {
        return wall::run(&mode).await;
    }
    let which = std::env::var("BENCH").unwrap_or_else(|_| "burst,private,isolation".into());
    let mut contestants = vec![Contestant::Wall];
    if let Some(path) = std::env::var_os("FACTQUIZ_BASELINE") {
        contestants.push(Contestant::Bot("baseline", PathBuf::from(path)));
    }
    contestants.push(Contestant::Bot(
        "factquiz",
        PathBuf::from(env!("CARGO_BIN_EXE_factquiz")),
    ));
    if which.contains("burst") {
        let votes = env_number("BENCH_VOTES", 20_000);
        println!(
            "\n## burst: {votes} poll answers from distinct members in one 5 s round, queued at once"
        );
        let mut wall = None;
        for c in &contestants {
            let f = burst(c, votes).await?;
            let w = *wall.get_or_insert(f);
            println!(
                "{:<9} recorded {:>6} of {votes} ({:>5.1} %) · {:>8.0} answers/s ({:.2}× the wall) · CPU per 1000: {:.3} s to the last recorded, {:.3} s to all scored ({:.2}× the wall) · peak RSS {:.1} MiB",
                c.name(),
                f.recorded,
                f.recorded as f64 * 100.0 / votes as f64,
                f.rate,
                f.rate / w.rate,
                f.cpu_recorded_per_1000,
                f.cpu_per_1000,
                f.cpu_per_1000 / w.cpu_per_1000,
                f.peak_mib
            );
        }
    }
    if which.contains("private") {
        let players = env_number("BENCH_PLAYERS", 300);
        println!("\n## private: {players} players × 10 answers at once, FACTQUIZ_SEND_LIMITS=off");
        let mut wall = None;
        for c in &contestants {
            let f = private(c, players, 10, "off", 0).await?;
            let w = wall.get_or_insert(f.clone()).clone();
            println!(
                "{:<9} {} answers in {:.2} s ({:.0}/s) · press→feedback p50 {:.0} ms p99 {:.0} ms ({:.2}× the wall) · press→answerCallbackQuery p99 {} · {:.2} messages per answer · CPU {:.3} s per 1000 ({:.2}× the wall) · peak RSS {:.1} MiB",
                c.name(),
                f.answers,
                f.took,
                f.answers as f64 / f.took,
                f.feedback_p50,
                f.feedback_p99,
                f.feedback_p99 / w.feedback_p99,
                f.callback_p99
                    .map_or("—".to_owned(), |p| format!("{p:.0} ms")),
                f.messages_per_answer,
                f.cpu_per_1000,
                f.cpu_per_1000 / w.cpu_per_1000,
                f.peak_mib
            );
        }
    }
    if which.contains("instances") {
        let bots: Vec<(&str, &Path)> = contestants
            .iter()
            .filter_map(|c| match c {
                Contestant::Bot(name, path) => Some((*name, path.as_path())),
                Contestant::Wall => None,
            })
            .collect();
        instances::run(
            env_number("BENCH_PLAYERS", 300),
            env_number("BENCH_VOTES", 20_000),
            &bots,
        )
        .await?;
    }
    if which.contains("isolation") {
        println!(
            "\n## isolation: 20 players × 5 answers, Telegram's limits, without and with a chat sending 60 messages at once"
        );
        for c in contestants
            .iter()
            .filter(|c| !matches!(c, Contestant::Wall))
        {
            let calm = private(c, 20, 5, "telegram", 0).await?;
            let flood = private(c, 20, 5, "telegram", 60).await?;
            println!(
                "{:<9} others' press→feedback p99: {:.0} ms without the flood, {:.0} ms with it ({:+.0} ms); answers without feedback within 20 s: {}",
                c.name(),
                calm.feedback_p99,
                flood.feedback_p99,
                flood.feedback_p99 - calm.feedback_p99,
                flood.missing
            );
        }
    }
    Ok(())
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

enum Contestant {
    Wall,
    Bot(&'static str, PathBuf),
}

impl Contestant {
    fn name(&self) -> &'static str {
        match self {
            Contestant::Wall => "wall",
            Contestant::Bot(name, _) => name,
        }
    }

    /// Starts the contestant against `api`, with these settings.
    fn spawn(&self, api: &BotApi, dir: &Path, env: &[(&str, String)]) -> anyhow::Result<Child> {
        let mut cmd = match self {
            Contestant::Wall => {
                let mut c = Command::new(std::env::current_exe()?);
                c.env("FACTQUIZ_BENCH_WALL", "on");
                c
            }
            Contestant::Bot(_, path) => {
                let mut c = Command::new(path);
                c.arg("bot");
                c
            }
        };
        cmd.env("TELOXIDE_TOKEN", TOKEN)
            .env("TELOXIDE_API_URL", &api.url)
            .env("DATABASE_URL", dir.join("bench.db"))
            .env(
                "FACTQUIZ_QUESTIONS",
                Path::new(env!("CARGO_MANIFEST_DIR")).join("questions"),
            )
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("bot.log"))?);
        for (k, v) in env {
            cmd.env(k, v);
        }
        Ok(cmd.spawn()?)
    }
}

/// Waits until the contestant polls the server.
async fn ready(api: &BotApi) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while api.calls_to("getUpdates").is_empty() {
        anyhow::ensure!(Instant::now() < deadline, "the contestant never polled");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

fn stop(mut child: Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[derive(Debug, Clone, Copy)]
struct Burst {
    recorded: u64,
    rate: f64,
    /// CPU until the last answer was recorded…
    cpu_recorded_per_1000: f64,
    /// …and until everything recorded was scored.
    cpu_per_1000: f64,
    peak_mib: f64,
}

async fn burst(c: &Contestant, votes: u64) -> anyhow::Result<Burst> {
    let api = BotApi::start().await;
    let dir = tempfile::tempdir()?;
    let port = free_port()?;
    let env = [
        ("FACTQUIZ_ROUND_SECONDS", "5".to_owned()),
        ("FACTQUIZ_SEND_LIMITS", "off".to_owned()),
        ("FACTQUIZ_METRICS_ADDR", format!("127.0.0.1:{port}")),
    ];
    let child = c.spawn(&api, dir.path(), &env)?;
    let pid = child.id();
    ready(&api).await?;
    let poll_id = match c {
        Contestant::Wall => "wall-poll".to_owned(),
        Contestant::Bot(..) => open_round(&api).await,
    };
    let last = queue_burst(&api, &poll_id, votes);
    let (cpu_before, _) = usage(pid)?;
    let started = Instant::now();
    api.hold_updates(false);
    let (recorded, took) = match c {
        Contestant::Wall => {
            // The wall has everything once it asks for what comes after it.
            api.wait_confirmed(last).await;
            (votes, started.elapsed())
        }
        Contestant::Bot(..) => recorded_by(&[port], votes, started).await,
    };
    let (cpu_recorded, _) = usage(pid)?;
    // A bot may score what it recorded later: its CPU is counted until
    // nothing waits (the votes are all scored).
    if matches!(c, Contestant::Bot(..)) {
        let db = dir.path().join("bench.db");
        let deadline = Instant::now() + Duration::from_secs(60);
        while waiting_votes(&db) > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let (cpu_after, peak_kib) = usage(pid)?;
    stop(child);
    Ok(Burst {
        recorded,
        rate: recorded as f64 / took.as_secs_f64(),
        cpu_recorded_per_1000: (cpu_recorded - cpu_before) * 1000.0 / recorded.max(1) as f64,
        cpu_per_1000: (cpu_after - cpu_before) * 1000.0 / recorded.max(1) as f64,
        peak_mib: peak_kib as f64 / 1024.0,
    })
}

#[derive(Debug, Clone)]
struct Private {
    answers: usize,
    took: f64,
    feedback_p50: f64,
    feedback_p99: f64,
    callback_p99: Option<f64>,
    messages_per_answer: f64,
    cpu_per_1000: f64,
    peak_mib: f64,
    /// Presses with no feedback within 20 s.
    missing: usize,
}

/// `players` players play `questions` each at once; `flood` messages come
/// at the same time from one more chat.
async fn private(
    c: &Contestant,
    players: u64,
    questions: usize,
    limits: &str,
    flood: u64,
) -> anyhow::Result<Private> {
    let api = Arc::new(BotApi::start().await);
    let dir = tempfile::tempdir()?;
    let env = [("FACTQUIZ_SEND_LIMITS", limits.to_owned())];
    let child = c.spawn(&api, dir.path(), &env)?;
    let pid = child.id();
    ready(&api).await?;
    let (cpu_before, _) = usage(pid)?;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..players {
        let api = api.clone();
        tasks.push(tokio::spawn(async move {
            play(&api, 10_000 + i, questions).await
        }));
    }
    if flood > 0 {
        let flooder = User::new(9_999, "flood", "ar");
        for _ in 0..flood {
            api.message(&Chat::private(&flooder), &flooder, "hello");
        }
    }
    let mut feedback = Vec::new();
    let mut missing = 0;
    for t in tasks {
        let played = t.await?;
        feedback.extend(played.delivered);
        missing += played.lost;
    }
    let took = started.elapsed().as_secs_f64();
    let (cpu_after, peak_kib) = usage(pid)?;
    let mut callbacks = Vec::new();
    for answer in api.calls_to("answerCallbackQuery") {
        let id = answer.body["callback_query_id"]
            .as_str()
            .unwrap_or_default();
        if let Some(at) = api.update_of_callback(id).and_then(|u| api.delivered_at(u)) {
            callbacks.push(answer.at.duration_since(at));
        }
    }
    let messages = api
        .calls()
        .iter()
        .filter(|c| {
            c.chat() != 9_999
                && matches!(
                    c.method.as_str(),
                    "sendmessage" | "editmessagetext" | "sendpoll"
                )
        })
        .count();
    stop(child);
    let answers = feedback.len();
    Ok(Private {
        answers,
        took,
        feedback_p50: percentile(&mut feedback, 0.5),
        feedback_p99: percentile(&mut feedback, 0.99),
        callback_p99: (!callbacks.is_empty()).then(|| percentile(&mut callbacks, 0.99)),
        messages_per_answer: messages as f64 / answers.max(1) as f64,
        cpu_per_1000: (cpu_after - cpu_before) * 1000.0 / answers.max(1) as f64,
        peak_mib: peak_kib as f64 / 1024.0,
        missing,
    })
}

/// One player: `/quiz n`, then a press as soon as each question shows.
/// Returns press → feedback for each answer, and how many got none in 20 s.
/// What a player saw: press → feedback from when the press was posted to
/// the bot, and from when the player pressed (which also counts the time
/// Telegram holds a press the bot has not taken yet); answers without
/// feedback.
struct Played {
    delivered: Vec<Duration>,
    pressed: Vec<Duration>,
    lost: usize,
}

async fn play(api: &BotApi, id: u64, questions: usize) -> Played {
    let user = User::new(id, "p", "ar");
    let chat = Chat::private(&user);
    let mut calls = api.subscribe(chat.id);
    api.message(&chat, &user, &format!("/quiz {questions}"));
    let mut feedback = Vec::new();
    let mut from_press = Vec::new();
    let mut pressed: Option<(i64, u64, Instant)> = None;
    let mut seen: Vec<String> = Vec::new();
    let mut answered = 0;
    while answered < questions {
        let call = match tokio::time::timeout(Duration::from_secs(20), calls.recv()).await {
            Ok(Some(call)) => call,
            _ => {
                return Played {
                    delivered: feedback,
                    pressed: from_press,
                    lost: questions - answered,
                };
            }
        };
        if !matches!(call.method.as_str(), "sendmessage" | "editmessagetext") {
            continue;
        }
        let message = api.message_id_of(&call);
        // The edit of the pressed message is its feedback.
        if let Some((target, update, at_press)) = pressed
            && call.method == "editmessagetext"
            && message == target
        {
            if let Some(at) = api.delivered_at(update) {
                feedback.push(call.at.duration_since(at));
            }
            from_press.push(call.at.duration_since(at_press));
            pressed = None;
            answered += 1;
        }
        let buttons = call.buttons();
        if pressed.is_none()
            && answered < questions
            && let Some(first) = buttons.first()
            && !seen.contains(first)
        {
            seen.push(first.clone());
            let at = Instant::now();
            pressed = Some((message, api.press(&user, &call, first), at));
        }
    }
    Played {
        delivered: feedback,
        pressed: from_press,
        lost: 0,
    }
}

/// Starts a one-question group quiz and returns its round's poll, once
/// the round is open.
async fn open_round(api: &BotApi) -> String {
    api.message(
        &Chat::supergroup(-100_123_456),
        &User::new(1, "Starter", "ar"),
        "/quiz 1",
    );
    let poll = api
        .wait_for(0, "the poll", |c| c.method == "sendpoll")
        .await;
    // The round opens once its poll is recorded: a moment.
    tokio::time::sleep(Duration::from_millis(300)).await;
    api.poll_id_of(&poll)
}

/// Queues `votes` answers to the poll from distinct members, held back
/// until the caller lets them go; returns the last update's id.
fn queue_burst(api: &BotApi, poll_id: &str, votes: u64) -> u64 {
    api.hold_updates(true);
    let mut last = 0;
    for i in 0..votes {
        let member = User::new(1_000_000 + i, "m", "ar");
        last = api.poll_answer(poll_id, &member, usize::try_from(i % 2).unwrap_or(0));
    }
    last
}

/// Waits until the bots at these metrics ports have recorded `votes`
/// answers between them (or nothing more comes for 15 s); returns how many
/// and when the last came, from `started`.
async fn recorded_by(ports: &[u16], votes: u64, started: Instant) -> (u64, Duration) {
    let mut recorded = 0;
    let mut at = started.elapsed();
    let mut still = Instant::now();
    while recorded < votes && still.elapsed() < Duration::from_secs(15) {
        tokio::time::sleep(Duration::from_millis(10)).await;
        let mut now = 0;
        for port in ports {
            now += counter(*port, "factquiz_answers_recorded_total")
                .await
                .unwrap_or(0);
        }
        if now > recorded {
            recorded = now;
            at = started.elapsed();
            still = Instant::now();
        }
    }
    (recorded, at)
}

fn percentile(values: &mut [Duration], p: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort();
    let i = ((values.len() as f64 - 1.0) * p).round() as usize;
    values[i].as_secs_f64() * 1000.0
}

/// Votes kept and not scored yet (0 for a database without such a table).
fn waiting_votes(db: &Path) -> i64 {
    rusqlite::Connection::open(db)
        .and_then(|c| {
            c.busy_timeout(Duration::from_secs(5))?;
            c.query_row("SELECT COUNT(*) FROM votes", [], |r| r.get(0))
        })
        .unwrap_or(0)
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// CPU seconds used by a process so far, and its peak resident memory (KiB).
fn usage(pid: u32) -> anyhow::Result<(f64, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name (which may hold spaces) start at ") ".
    let after = stat.rsplit_once(") ").map(|(_, r)| r).unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>()? + fields[12].parse::<f64>()?;
    let hz: f64 = String::from_utf8(Command::new("getconf").arg("CLK_TCK").output()?.stdout)?
        .trim()
        .parse()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let peak = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    Ok((ticks / hz, peak))
}

/// A counter from a bot's /metrics.
async fn counter(port: u16, name: &str) -> anyhow::Result<u64> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await?;
    let mut out = String::new();
    stream.read_to_string(&mut out).await?;
    Ok(out
        .lines()
        .find_map(|l| l.strip_prefix(name).map(str::trim))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

/// The wall: a consumer with the bot's HTTP client and nothing else.
mod wall {
    use serde::Deserialize;
    use serde_json::json;
    use serde_json::value::RawValue;

    #[derive(Deserialize)]
    struct Answer<'a> {
        #[serde(borrow)]
        result: Vec<&'a RawValue>,
    }

    #[derive(Deserialize)]
    struct Head {
        update_id: i64,
        message: Option<Message>,
        callback_query: Option<Press>,
    }

    #[derive(Deserialize)]
    struct Message {
        chat: Id,
    }

    #[derive(Deserialize)]
    struct Press {
        message: Option<PressMessage>,
        data: Option<String>,
    }

    #[derive(Deserialize)]
    struct PressMessage {
        message_id: i64,
        chat: Id,
    }

    #[derive(Deserialize)]
    struct Id {
        id: i64,
    }

    fn keyboard(n: usize) -> serde_json::Value {
        let rows: Vec<_> = (0..4)
            .map(
                |i| json!([{"text": format!("option {i}"), "callback_data": format!("w:{n}:{i}")}]),
            )
            .collect();
        json!({ "inline_keyboard": rows })
    }

    /// Polls and counts; answers `/quiz` with a question and each press
    /// with one edit (the next question, or the end after ten).
    pub async fn run(_mode: &str) -> anyhow::Result<()> {
        let base = std::env::var("TELOXIDE_API_URL")?;
        let token = std::env::var("TELOXIDE_TOKEN")?;
        let url = format!("{}/bot{token}/", base.trim_end_matches('/'));
        let http = reqwest::Client::builder().tcp_nodelay(true).build()?;
        let mut offset: Option<i64> = None;
        loop {
            let body = json!({"offset": offset, "timeout": 10, "limit": 100});
            let Ok(response) = http
                .post(format!("{url}getUpdates"))
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
                .await
            else {
                continue;
            };
            let bytes = response.bytes().await?;
            let answer: Answer<'_> = serde_json::from_slice(&bytes)?;
            for raw in answer.result {
                let head: Head = serde_json::from_str(raw.get())?;
                offset = Some(offset.map_or(head.update_id + 1, |o| o.max(head.update_id + 1)));
                let request = if let Some(m) = head.message {
                    Some((
                        "sendMessage",
                        json!({"chat_id": m.chat.id, "text": "question 1", "reply_markup": keyboard(1)}),
                    ))
                } else if let Some(p) = head.callback_query
                    && let Some(m) = p.message
                {
                    let n: usize = p
                        .data
                        .as_deref()
                        .and_then(|d| d.split(':').nth(1))
                        .and_then(|n| n.parse().ok())
                        .unwrap_or(1);
                    let mut edit = json!({"chat_id": m.chat.id, "message_id": m.message_id, "text": format!("card {n}, question {}", n + 1)});
                    if n < 10 {
                        edit["reply_markup"] = keyboard(n + 1);
                    }
                    Some(("editMessageText", edit))
                } else {
                    None
                };
                if let Some((method, body)) = request {
                    let (http, url) = (http.clone(), format!("{url}{method}"));
                    tokio::spawn(async move {
                        let _ = http
                            .post(url)
                            .header("content-type", "application/json")
                            .body(body.to_string())
                            .send()
                            .await;
                    });
                }
            }
        }
    }
}

/// Several instances on PostgreSQL, next to SQLite, all in webhook mode.
mod instances {
    use std::net::SocketAddr;
    use std::path::Path;
    use std::process::{Child, Command, Stdio};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use super::botapi::{BotApi, TOKEN, balancer};
    use super::{free_port, open_round, percentile, play, queue_burst, recorded_by, stop, usage};

    #[derive(Debug, Clone, Copy)]
    enum Setup {
        Sqlite,
        Postgres(usize),
    }

    impl Setup {
        fn name(self) -> String {
            match self {
                Setup::Sqlite => "SQLite, 1 instance".into(),
                Setup::Postgres(n) => {
                    format!("PostgreSQL, {n} instance{}", if n > 1 { "s" } else { "" })
                }
            }
        }
    }

    /// Each setup with each binary (`bots`: the baseline, if any, and this
    /// tree's), one after the other.
    pub async fn run(players: u64, votes: u64, bots: &[(&str, &Path)]) -> anyhow::Result<()> {
        let Ok(server) = std::env::var("FACTQUIZ_TEST_POSTGRES") else {
            println!(
                "\n## instances: needs PostgreSQL (.ci/with-postgres cargo bench --bench delivery)"
            );
            return Ok(());
        };
        // BENCH_SETUPS=sqlite,pg1,pg3 (all by default) runs some of them.
        let only = std::env::var("BENCH_SETUPS").unwrap_or_default();
        let setups: Vec<Setup> = [
            ("sqlite", Setup::Sqlite),
            ("pg1", Setup::Postgres(1)),
            ("pg3", Setup::Postgres(3)),
        ]
        .into_iter()
        .filter(|(name, _)| only.is_empty() || only.split(',').any(|o| o.trim() == *name))
        .map(|(_, setup)| setup)
        .collect();
        println!(
            "\n## instances, private: {players} players × 10 answers at once, webhook mode, FACTQUIZ_SEND_LIMITS=off"
        );
        // BENCH_ROUNDS=n runs every setup with every binary n times, round
        // after round, and ends with the medians: this machine's speed
        // drifts by a quarter within minutes, more than most changes move.
        let rounds: usize = std::env::var("BENCH_ROUNDS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(1)
            .max(1);
        let runs: Vec<(Setup, &str, &Path)> = (0..rounds)
            .flat_map(|_| {
                setups
                    .iter()
                    .flat_map(|setup| bots.iter().map(move |(name, bin)| (*setup, *name, *bin)))
            })
            .collect();
        let mut private_cpu = Medians::default();
        let mut private_p99 = Medians::default();
        let mut burst_cpu = Medians::default();
        for (round, (setup, name, bin)) in runs.iter().enumerate() {
            let bots = Bots::start(*setup, bin, &server, round).await?;
            let cpu_before = bots.cpu_split()?;
            let started = Instant::now();
            let tasks: Vec<_> = (0..players)
                .map(|i| {
                    let api = bots.api.clone();
                    tokio::spawn(async move { play(&api, 10_000 + i, 10).await })
                })
                .collect();
            let mut feedback = Vec::new();
            let mut from_press = Vec::new();
            let mut missing = 0;
            for t in tasks {
                let played = t.await?;
                feedback.extend(played.delivered);
                from_press.extend(played.pressed);
                missing += played.lost;
            }
            let took = started.elapsed().as_secs_f64();
            let cpu_after = bots.cpu_split()?;
            let per_1000 =
                |before: f64, after: f64| (after - before) * 1000.0 / feedback.len().max(1) as f64;
            let (in_bots, in_server) = (
                per_1000(cpu_before.0, cpu_after.0),
                per_1000(cpu_before.1, cpu_after.1),
            );
            let answers = feedback.len();
            private_cpu.add(*setup, name, in_bots + in_server);
            private_p99.add(*setup, name, percentile(&mut feedback.clone(), 0.99));
            println!(
                "{:<24} {name:<9} {answers} answers in {took:.2} s ({:.0}/s) · posted→feedback p50 {:.0} ms p99 {:.0} ms · pressed→feedback p50 {:.0} ms p99 {:.0} ms · CPU {:.3} s per 1000 (bots {in_bots:.3} + PostgreSQL {in_server:.3}) · without feedback: {missing}",
                setup.name(),
                answers as f64 / took,
                percentile(&mut feedback, 0.5),
                percentile(&mut feedback, 0.99),
                percentile(&mut from_press, 0.5),
                percentile(&mut from_press, 0.99),
                in_bots + in_server,
            );
            drop(bots);
        }
        println!("\n## instances, burst: {votes} poll answers in one 5 s round, webhook mode");
        for (round, (setup, name, bin)) in runs.iter().enumerate() {
            let bots = Bots::start(*setup, bin, &server, 100 + round).await?;
            let api = &bots.api;
            let poll_id = open_round(api).await;
            queue_burst(api, &poll_id, votes);
            let cpu_before = bots.cpu_split()?;
            let started = Instant::now();
            api.hold_updates(false);
            let (recorded, at) = recorded_by(&bots.metrics, votes, started).await;
            let deadline = Instant::now() + Duration::from_secs(60);
            while bots.waiting_votes() > 0 && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let cpu_after = bots.cpu_split()?;
            let per_1000 =
                |before: f64, after: f64| (after - before) * 1000.0 / recorded.max(1) as f64;
            let (in_bots, in_server) = (
                per_1000(cpu_before.0, cpu_after.0),
                per_1000(cpu_before.1, cpu_after.1),
            );
            burst_cpu.add(*setup, name, in_bots + in_server);
            println!(
                "{:<24} {name:<9} recorded {recorded} of {votes} · {:.0} answers/s · CPU {:.3} s per 1000 to all scored (bots {in_bots:.3} + PostgreSQL {in_server:.3})",
                setup.name(),
                recorded as f64 / at.as_secs_f64(),
                in_bots + in_server,
            );
            drop(bots);
        }
        if rounds > 1 {
            println!("\n## instances: medians of {rounds} rounds");
            for (what, medians) in [
                ("private, CPU s per 1000", &private_cpu),
                ("private, posted→feedback p99 ms", &private_p99),
                ("burst, CPU s per 1000", &burst_cpu),
            ] {
                medians.print(what);
            }
        }
        Ok(())
    }

    /// Figures of each setup and binary over the rounds.
    #[derive(Default)]
    struct Medians(Vec<(String, String, Vec<f64>)>);

    impl Medians {
        fn add(&mut self, setup: Setup, name: &str, value: f64) {
            let setup = setup.name();
            match self.0.iter_mut().find(|(s, n, _)| *s == setup && n == name) {
                Some((_, _, values)) => values.push(value),
                None => self.0.push((setup, name.to_owned(), vec![value])),
            }
        }

        fn median(&self, setup: Setup, name: &str) -> Option<f64> {
            let setup = setup.name();
            let (_, _, values) = self.0.iter().find(|(s, n, _)| *s == setup && n == name)?;
            let mut values = values.clone();
            values.sort_by(f64::total_cmp);
            let mid = values.len() / 2;
            Some(if values.len() % 2 == 0 {
                f64::midpoint(values[mid - 1], values[mid])
            } else {
                values[mid]
            })
        }

        /// Each setup's median per binary, and three instances' against
        /// one's.
        fn print(&self, what: &str) {
            let names: Vec<&str> = self.0.iter().fold(Vec::new(), |mut names, (_, n, _)| {
                if !names.contains(&n.as_str()) {
                    names.push(n);
                }
                names
            });
            for name in names {
                let line: Vec<String> = [Setup::Sqlite, Setup::Postgres(1), Setup::Postgres(3)]
                    .into_iter()
                    .filter_map(|setup| {
                        self.median(setup, name)
                            .map(|m| format!("{} {m:.3}", setup.name()))
                    })
                    .collect();
                let ratio = self
                    .median(Setup::Postgres(3), name)
                    .zip(self.median(Setup::Postgres(1), name))
                    .map_or(String::new(), |(three, one)| {
                        format!(" · 3 / 1: {:.2}×", three / one)
                    });
                println!("{what:<32} {name:<9} {}{ratio}", line.join(" · "));
            }
        }
    }

    /// The instances of one setup, their Bot API server and their database.
    struct Bots {
        api: Arc<BotApi>,
        children: Vec<Child>,
        metrics: Vec<u16>,
        database: String,
        /// The PostgreSQL server the database is on, to drop it from.
        server: Option<String>,
        _dir: tempfile::TempDir,
    }

    impl Bots {
        async fn start(
            setup: Setup,
            bin: &Path,
            server: &str,
            round: usize,
        ) -> anyhow::Result<Bots> {
            let api = Arc::new(BotApi::start().await);
            api.webhook_connections(40);
            let dir = tempfile::tempdir()?;
            let (database, n) = match setup {
                Setup::Sqlite => (dir.path().join("bench.db").display().to_string(), 1),
                Setup::Postgres(n) => (fresh_database(server, round)?, n),
            };
            let listens: Vec<SocketAddr> = (0..n)
                .map(|_| Ok(SocketAddr::from(([127, 0, 0, 1], free_port()?))))
                .collect::<anyhow::Result<_>>()?;
            let (front, _) = balancer(listens.clone()).await;
            let url = format!("http://{front}/hook");
            let mut children = Vec::new();
            let mut metrics = Vec::new();
            for (i, listen) in listens.iter().enumerate() {
                let port = free_port()?;
                metrics.push(port);
                children.push(
                    Command::new(bin)
                        .arg("bot")
                        .env("TELOXIDE_TOKEN", TOKEN)
                        .env("TELOXIDE_API_URL", &api.url)
                        .env("DATABASE_URL", &database)
                        .env(
                            "FACTQUIZ_QUESTIONS",
                            Path::new(env!("CARGO_MANIFEST_DIR")).join("questions"),
                        )
                        .env("FACTQUIZ_SEND_LIMITS", "off")
                        .env("FACTQUIZ_ROUND_SECONDS", "5")
                        .env("FACTQUIZ_WEBHOOK_URL", &url)
                        .env("FACTQUIZ_LISTEN", listen.to_string())
                        .env("FACTQUIZ_METRICS_ADDR", format!("127.0.0.1:{port}"))
                        .env("RUST_LOG", "warn")
                        .stdin(Stdio::null())
                        .stdout(Stdio::null())
                        .stderr(std::fs::File::create(
                            dir.path().join(format!("bot-{i}.log")),
                        )?)
                        .spawn()?,
                );
                // The first one leads: the others stand by from the start.
                if i == 0 {
                    let deadline = Instant::now() + Duration::from_secs(30);
                    while api.calls_to("setWebhook").is_empty() {
                        anyhow::ensure!(Instant::now() < deadline, "the bot never set its webhook");
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
            }
            let deadline = Instant::now() + Duration::from_secs(30);
            while api.calls_to("setWebhook").len() < n {
                anyhow::ensure!(
                    Instant::now() < deadline,
                    "an instance never set the webhook"
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Ok(Bots {
                api,
                children,
                metrics,
                database,
                server: matches!(setup, Setup::Postgres(_)).then(|| server.to_owned()),
                _dir: dir,
            })
        }

        /// CPU seconds so far: the instances', and the PostgreSQL server's
        /// (every process called `postgres` on the machine).
        fn cpu_split(&self) -> anyhow::Result<(f64, f64)> {
            let mut bots = 0.0;
            for c in &self.children {
                bots += usage(c.id())?.0;
            }
            let mut total = 0.0;
            if self.server.is_some() {
                for entry in std::fs::read_dir("/proc")?.flatten() {
                    let Some(pid) = entry
                        .file_name()
                        .to_str()
                        .and_then(|p| p.parse::<u32>().ok())
                    else {
                        continue;
                    };
                    let comm =
                        std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
                    if comm.trim() == "postgres" {
                        total += usage(pid).map_or(0.0, |u| u.0);
                    }
                }
            }
            Ok((bots, total))
        }

        fn waiting_votes(&self) -> i64 {
            if self.server.is_none() {
                return super::waiting_votes(Path::new(&self.database));
            }
            let url = self.database.clone();
            std::thread::spawn(move || {
                postgres::Client::connect(&url, postgres::NoTls)
                    .and_then(|mut c| c.query_one("SELECT COUNT(*) FROM votes", &[]))
                    .map_or(0, |r| r.get::<_, i64>(0))
            })
            .join()
            .unwrap_or(0)
        }
    }

    impl Drop for Bots {
        /// Stops the instances and drops their PostgreSQL database (on the
        /// way out of an error too): a server that keeps every run's
        /// database spends more and more time vacuuming them (its
        /// autovacuum visits each in turn), and counts it in the next
        /// runs' CPU.
        fn drop(&mut self) {
            for c in self.children.drain(..) {
                stop(c);
            }
            let Some(server) = self.server.take() else {
                return;
            };
            let Some(name) = url::Url::parse(&self.database)
                .ok()
                .map(|u| u.path().trim_start_matches('/').to_owned())
            else {
                return;
            };
            let dropped = std::thread::spawn(move || {
                postgres::Client::connect(&server, postgres::NoTls)?
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            })
            .join();
            if !matches!(dropped, Ok(Ok(()))) {
                eprintln!("could not drop a benchmark database: {dropped:?}");
            }
        }
    }

    /// A new database on the server, for one setup.
    fn fresh_database(server: &str, round: usize) -> anyhow::Result<String> {
        let name = format!("factquiz_bench_{}_{round}", std::process::id());
        let admin = server.to_owned();
        let create = format!("CREATE DATABASE {name}");
        std::thread::spawn(move || {
            postgres::Client::connect(&admin, postgres::NoTls)?.batch_execute(&create)
        })
        .join()
        .map_err(|_| anyhow::anyhow!("the database thread panicked"))??;
        let mut url = url::Url::parse(server)?;
        url.set_path(&name);
        Ok(url.to_string())
    }
}
