//! One group round flooded with poll answers from distinct members, as fast
//! as the bot takes them: `factquiz bot` runs as its own process against the
//! loopback Bot API server of the tests, so its CPU time and peak memory can
//! be read from /proc.
//!
//! `cargo bench --bench group` (BENCH_ANSWERS, default 20000). Figures are
//! printed, not asserted.

#[path = "../tests/it/botapi.rs"]
#[allow(
    dead_code,
    unused_imports,
    reason = "the server has more than this benchmark uses"
)]
mod botapi;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use botapi::{BotApi, Chat, TOKEN, User};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let answers: u64 = std::env::var("BENCH_ANSWERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let api = BotApi::start().await;
    let dir = tempfile::tempdir()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut bot = Command::new(env!("CARGO_BIN_EXE_factquiz"))
        .arg("bot")
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", &api.url)
        .env("DATABASE_URL", dir.path().join("load.db"))
        .env(
            "FACTQUIZ_QUESTIONS",
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("questions"),
        )
        .env("FACTQUIZ_ROUND_SECONDS", "600")
        .env("FACTQUIZ_SEND_LIMITS", "off")
        .env("FACTQUIZ_METRICS_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()?;
    let pid = bot.id();

    let group = Chat::supergroup(-100_123_456);
    let starter = User::new(1, "Starter", "ar");
    api.message(&group, &starter, "/quiz 1");
    let poll = api
        .wait_for(0, "the poll", |c| c.method == "sendpoll")
        .await;
    let poll_id = api.poll_id_of(&poll);
    let options = poll.body["options"].as_array().map_or(4, Vec::len);

    let (cpu_before, _) = usage(pid)?;
    let started = Instant::now();
    for i in 0..answers {
        let member = User::new(1_000_000 + i, "m", "ar");
        api.poll_answer(&poll_id, &member, usize::try_from(i).unwrap_or(0) % options);
    }
    let mut recorded = 0;
    let deadline = Instant::now() + Duration::from_secs(600);
    while recorded < answers {
        anyhow::ensure!(
            Instant::now() < deadline,
            "only {recorded} of {answers} recorded"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
        recorded = counter(port, "factquiz_answers_recorded_total").await?;
    }
    let took = started.elapsed();
    let (cpu_after, peak_kib) = usage(pid)?;
    let cpu = cpu_after - cpu_before;
    println!(
        "{answers} poll answers from distinct members in one round: recorded in {:.2} s = {:.0} answers/s; bot CPU {:.2} s = {:.3} CPU s per 1000 answers; bot peak memory (VmHWM) {:.1} MiB",
        took.as_secs_f64(),
        answers as f64 / took.as_secs_f64(),
        cpu,
        cpu * 1000.0 / answers as f64,
        peak_kib as f64 / 1024.0
    );
    Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()?;
    bot.wait()?;
    Ok(())
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

/// A counter from the bot's /metrics.
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
