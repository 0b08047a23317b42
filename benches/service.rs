//! Throughput of the service on a real SQLite file (or the PostgreSQL
//! database `BENCH_DATABASE_URL` names, which must be empty), and the cost
//! of a leaderboard with the caller's rank among a million players.
//!
//! `cargo bench --bench service` (release build); `BENCH=answers` runs one
//! part. Figures are printed, not
//! asserted: these machines are shared, so compare runs, not thresholds.

#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "the counts, ids and times the tests make are small and positive"
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use factquiz::facts::Corpus;
use factquiz::i18n::Lang;
use factquiz::quiz::{self, Alternatives};
use factquiz::service::Origin;
use factquiz::service::{AnswerOutcome, Identity, Period, Scope, Service, Step, SystemClock};
use factquiz::store::Store;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

const PLAYERS: usize = 200;
const QUESTIONS: u8 = 10;
const MILLION: i64 = 1_000_000;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("bench.db");
    let url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| db.to_str().expect("utf-8 path").to_owned());
    let service = Arc::new(service(&url).await?);

    let only = std::env::var("BENCH").unwrap_or_default();
    if only.is_empty() || only.contains("votes") {
        votes(&service, 20_000).await?;
    }
    if only.is_empty() || only.contains("answers") {
        answers_per_second(&service, 1).await?;
        answers_per_second(&service, 16).await?;
    }
    if only.is_empty() || only.contains("leaderboard") {
        leaderboard_with_a_million_players(&service).await?;
    }
    Ok(())
}

async fn service(url: &str) -> anyhow::Result<Service> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("questions");
    let corpus = Corpus::load(&dir).map_err(|e| anyhow::anyhow!("{e}"))?;
    let bank = quiz::build(
        &corpus,
        Alternatives::builtin(),
        &mut ChaCha8Rng::seed_from_u64(1),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let store = Store::open(url).await?;
    Ok(Service::new(
        store,
        &corpus,
        bank,
        Arc::new(SystemClock),
        Some(1),
    ))
}

/// `PLAYERS` players each play a quiz of `QUESTIONS`, `tasks` at a time;
/// only `answer` calls are timed.
async fn answers_per_second(service: &Arc<Service>, tasks: usize) -> anyhow::Result<()> {
    let mut players = Vec::with_capacity(PLAYERS);
    for i in 0..PLAYERS {
        let who = Identity {
            origin: Origin::Terminal,
            external_id: format!("bench-{tasks}-{i}"),
            name: format!("bench {i}"),
            lang: Lang::Ar,
        };
        players.push(service.enter(&who).await?.id);
    }
    let chunks: Vec<Vec<i64>> = players
        .chunks(PLAYERS.div_ceil(tasks))
        .map(<[i64]>::to_vec)
        .collect();
    let mut handles = Vec::new();
    for chunk in chunks {
        let service = service.clone();
        handles.push(tokio::spawn(async move {
            let mut timed = Duration::ZERO;
            let mut recorded = 0usize;
            for player in chunk {
                let (quiz, _) = service
                    .start_solo(player, None, QUESTIONS, None, None)
                    .await?;
                let mut step = service.next(quiz, player).await?;
                while let Step::Ask(asked) = step {
                    let started = Instant::now();
                    let outcome = service
                        .answer(asked.served_id, player, asked.question.correct)
                        .await?;
                    timed += started.elapsed();
                    // The answer's transaction also shows the next question.
                    let AnswerOutcome::Recorded(r) = outcome else {
                        anyhow::bail!("not recorded: {outcome:?}");
                    };
                    recorded += 1;
                    step = r.next;
                }
            }
            anyhow::Ok((recorded, timed))
        }));
    }
    let wall = Instant::now();
    let (mut recorded, mut timed) = (0, Duration::ZERO);
    for h in handles {
        let (r, t) = h.await??;
        recorded += r;
        timed += t;
    }
    let wall = wall.elapsed();
    println!(
        "answers, {tasks:>2} task(s): {recorded} recorded in {:.2} s wall ({:.0} answers/s, with a share of start_solo()); answer() itself, which also shows the next question: mean {:.3} ms",
        wall.as_secs_f64(),
        recorded as f64 / wall.as_secs_f64(),
        timed.as_secs_f64() * 1000.0 / recorded as f64,
    );
    Ok(())
}

/// A million players with standings, then the top 10 with the caller's own
/// rank, for callers at the top, the middle and the bottom.
async fn leaderboard_with_a_million_players(service: &Service) -> anyhow::Result<()> {
    let started = Instant::now();
    let (players, ids) = service
        .store()
        .write(|conn| {
            conn.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
                 INSERT INTO players (origin, external_id, display_name, created_at)
                 SELECT 'terminal', 'million-' || i, 'player ' || i, 0 FROM n",
                [MILLION],
            )?;
            // Points spread over 0..50,000 with many ties, as real boards have.
            conn.execute(
                "INSERT INTO standings (scope, period, article, player_id, points, answered, correct)
                 SELECT 0, 0, '', id, (id * 7919) % 50000, 10, (id % 10) FROM players WHERE external_id LIKE 'million-%'",
                (),
            )?;
            let players: i64 = conn.query_row(
                "SELECT COUNT(*) FROM standings WHERE scope = 0 AND period = 0",
                (),
                |r| r.get(0),
            )?;
            let mut ids = Vec::new();
            for (label, sql) in [
                (
                    "top",
                    "SELECT player_id FROM standings WHERE scope = 0 AND period = 0 ORDER BY points DESC LIMIT 1",
                ),
                (
                    "middle",
                    "SELECT player_id FROM standings WHERE scope = 0 AND period = 0 AND points = 25000 LIMIT 1",
                ),
                (
                    "bottom",
                    "SELECT player_id FROM standings WHERE scope = 0 AND period = 0 ORDER BY points ASC LIMIT 1",
                ),
            ] {
                let id: i64 = conn.query_row(sql, (), |r| r.get(0))?;
                ids.push((label.to_owned(), id));
            }
            Ok((players, ids))
        })
        .await?;
    println!(
        "leaderboard: {players} players with standings, seeded in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    for (label, id) in ids {
        let mut times = Vec::new();
        let mut rank = 0;
        for _ in 0..21 {
            let started = Instant::now();
            let board = service
                .boards()
                .leaderboard(Scope::Global, Period::AllTime, None, 10, Some(id))
                .await?;
            times.push(started.elapsed());
            rank = board.me.map_or(0, |m| m.rank);
        }
        times.sort();
        println!(
            "leaderboard top 10 + my rank ({label}, rank {rank}): median {:.2} ms, max {:.2} ms over 21 runs",
            times[10].as_secs_f64() * 1000.0,
            times[20].as_secs_f64() * 1000.0
        );
    }
    Ok(())
}

/// A group round's votes: kept as the receiver keeps them (a hundred per
/// transaction), then scored as the counter scores them; CPU per vote of
/// each, in this process (the database work only, no HTTP).
async fn votes(service: &Service, n: usize) -> anyhow::Result<()> {
    use factquiz::service::{ChatRef, group};
    use factquiz::store::{self, NewVote};
    let plan = service.plan(
        &service.catalog().newest().expect("an article").slug.clone(),
        &Default::default(),
        1,
    );
    let poll = format!("bench-poll-{n}");
    let poll_id = poll.clone();
    service
        .store()
        .write(move |conn| {
            let chat = ChatRef {
                telegram_id: -1,
                group: true,
                title: None,
            };
            let starter = factquiz::service::enter(
                conn,
                &Identity {
                    origin: Origin::Telegram,
                    external_id: "starter".into(),
                    name: "s".into(),
                    lang: Lang::Ar,
                },
                0,
            )?;
            let group::GroupStart::Started { first, .. } =
                group::start(conn, 0, &chat, starter.id, &plan, 600, None)?
            else {
                anyhow::bail!("no quiz");
            };
            group::open_round(conn, first.served_id, 1, &poll_id, 0)?;
            Ok(())
        })
        .await?;
    let cpu0 = cpu_seconds();
    let started = Instant::now();
    for batch in 0..n / 100 {
        let votes: Vec<NewVote> = (0..100)
            .map(|i| NewVote {
                poll_id: poll.clone(),
                user_id: i64::try_from(5_000_000 + batch * 100 + i).unwrap_or(0),
                name: "m".into(),
                lang: factquiz::i18n::Lang::Ar,
                choice: i64::try_from(i % 2).unwrap_or(0),
            })
            .collect();
        let offset = i64::try_from(batch).unwrap_or(0);
        service
            .store()
            .write(move |conn| store::receive(conn, &[], &votes, offset, 1))
            .await?;
    }
    let kept = started.elapsed();
    let cpu1 = cpu_seconds();
    let mut scored = 0;
    loop {
        let c = service
            .store()
            .write(|conn| group::count_votes(conn, 1, None, 2000))
            .await?;
        scored += c.recorded;
        if c.taken < 2000 {
            break;
        }
    }
    let cpu2 = cpu_seconds();
    let per = |cpu: f64| cpu * 1e6 / n as f64;
    println!(
        "votes: {n} kept in {:.2} s ({:.1} µs CPU each), {scored} scored ({:.1} µs CPU each) in {:.2} s",
        kept.as_secs_f64(),
        per(cpu1 - cpu0),
        per(cpu2 - cpu1),
        started.elapsed().as_secs_f64() - kept.as_secs_f64(),
    );
    Ok(())
}

/// CPU seconds this process used so far.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(") ").map(|(_, r)| r).unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}
