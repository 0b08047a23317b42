//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's own questions folder.
pub fn questions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("questions")
}

/// The built `factquiz` binary, with a clean environment for the settings it reads.
pub fn factquiz() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_factquiz"));
    for var in [
        "TELOXIDE_TOKEN",
        "TELOXIDE_API_URL",
        "DATABASE_URL",
        "FACTQUIZ_QUESTIONS",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs a command and returns (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    decoded(cmd.output().expect("the binary runs"))
}

/// (exit code, stdout, stderr) of a finished command.
fn decoded(out: Output) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = out;
    (
        status.code().unwrap_or(-1),
        String::from_utf8(stdout).expect("stdout is UTF-8"),
        String::from_utf8(stderr).expect("stderr is UTF-8"),
    )
}

/// [`run`] with `input` written to standard input (then closed).
pub fn run_with_input(cmd: &mut Command, input: &str) -> (i32, String, String) {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write the input");
    decoded(child.wait_with_output().expect("the binary ends"))
}

/// The lines of a child's output as they come, read on a thread of their own.
pub fn lines_of(reader: impl std::io::Read + Send + 'static) -> std::sync::mpsc::Receiver<String> {
    use std::io::BufRead;
    let (lines, seen) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(reader)
            .lines()
            .map_while(Result::ok)
        {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    seen
}

/// Waits (a minute at most) for a line that `wanted` accepts; returns it,
/// and keeps the lines before it in `seen`.
pub fn wait_line(
    lines: &std::sync::mpsc::Receiver<String>,
    seen: &mut Vec<String>,
    what: &str,
    wanted: impl Fn(&str) -> bool,
) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let line = lines
            .recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
            .unwrap_or_else(|_| panic!("no {what}: {seen:?}"));
        if wanted(&line) {
            return line;
        }
        seen.push(line);
    }
}

/// A two-sentence article for the tests that write their own questions folder.
pub const SMALL_ARTICLE: &str = "وصل الرئيس الروسي فلاديمير بوتين إلى كوريا الشمالية، الثلاثاء.\nوتستمر الزيارة حتى يوم غد الأربعاء.\n";

use std::sync::Arc;

use factquiz::facts::Corpus;
use factquiz::i18n::Lang;
use factquiz::quiz::{self, Alternatives};
use factquiz::service::Origin;
use factquiz::service::{Identity, ManualClock, Player, Service};
use factquiz::store::Store;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// A service on a fresh SQLite file, with a clock the test moves.
pub struct TestApp {
    pub service: Service,
    pub clock: Arc<ManualClock>,
    pub db: PathBuf,
    _dir: tempfile::TempDir,
}

/// 2024-06-18 09:00 UTC, a Tuesday.
pub const T0: i64 = 1_718_701_200_000;

impl TestApp {
    pub async fn new() -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("test.db");
        let store = Store::open(db.to_str().expect("utf-8 path"))
            .await
            .expect("store opens");
        let clock = Arc::new(ManualClock::new(T0));
        let service = service_on(store, clock.clone());
        TestApp {
            service,
            clock,
            db,
            _dir: dir,
        }
    }

    /// A terminal player called `name`.
    pub async fn player(&self, name: &str) -> Player {
        self.service
            .enter(&Identity {
                origin: Origin::Terminal,
                external_id: name.to_owned(),
                name: name.to_owned(),
                lang: Lang::Ar,
            })
            .await
            .expect("player saved")
    }
}

/// A seeded service over `store` and the repository's questions.
pub fn service_on(store: Store, clock: Arc<dyn factquiz::service::Clock>) -> Service {
    let corpus = Corpus::load(&questions_dir()).expect("questions load");
    let bank = quiz::build(
        &corpus,
        Alternatives::builtin(),
        &mut ChaCha8Rng::seed_from_u64(1),
    )
    .expect("bank builds");
    Service::new(store, &corpus, bank, clock, Some(7))
}

/// Reads one value from a test database, through a connection of its own
/// (as another process would).
pub fn query<T: rusqlite::types::FromSql>(db: &Path, sql: &str) -> T {
    query_with(db, sql, [])
}

/// [`query`] with parameters.
pub fn query_with<T: rusqlite::types::FromSql>(
    db: &Path,
    sql: &str,
    params: impl rusqlite::Params,
) -> T {
    let conn = rusqlite::Connection::open(db).expect("the test database opens");
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .expect("busy timeout");
    conn.query_row(sql, params, |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Every value of the first column of a query.
pub fn query_all<T: rusqlite::types::FromSql>(db: &Path, sql: &str) -> Vec<T> {
    let conn = rusqlite::Connection::open(db).expect("the test database opens");
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .expect("busy timeout");
    let mut stmt = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    stmt.query_map([], |r| r.get(0))
        .and_then(Iterator::collect)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Changes a test database behind the bot's back (as another process would).
pub fn execute(db: &Path, sql: &str, params: impl rusqlite::Params) {
    let conn = rusqlite::Connection::open(db).expect("the test database opens");
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .expect("busy timeout");
    conn.execute(sql, params)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// The per-score counts the triggers keep agree with the standings.
pub fn assert_score_counts_agree(db: &std::path::Path) {
    let wrong: i64 = query(
        db,
        "SELECT COUNT(*) FROM (
             SELECT scope, period, article, points, COUNT(*) AS n FROM standings
             GROUP BY scope, period, article, points
         ) s FULL OUTER JOIN standing_points p USING (scope, period, article, points)
         WHERE s.n IS NOT p.players",
    );
    assert_eq!(wrong, 0, "standing_points disagrees with standings");
}
