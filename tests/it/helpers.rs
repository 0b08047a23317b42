//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use factquiz::store::Connection;
use factquiz::store::sql::{FromSql, Params};

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
    pub db: TestDb,
    _dir: tempfile::TempDir,
}

/// 2024-06-18 09:00 UTC, a Tuesday.
pub const T0: i64 = 1_718_701_200_000;

impl TestApp {
    pub async fn new() -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = TestDb::fresh(dir.path(), "test.db");
        let store = Store::open(db.url()).await.expect("store opens");
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

/// The database a test runs on: a file in the test's folder or, when
/// `FACTQUIZ_TEST_POSTGRES` names a PostgreSQL server (`.ci/with-postgres`
/// starts one), a database of the test's own on it.
#[derive(Debug, Clone)]
pub struct TestDb {
    url: String,
    file: Option<PathBuf>,
    /// A PostgreSQL database is dropped once the last clone goes.
    _dropped: Option<Arc<Dropped>>,
}

/// Drops a test's PostgreSQL database (and ends whatever is still connected
/// to it), so that a developer's long-lived server does not collect one
/// database per test run.
#[derive(Debug)]
struct Dropped {
    server: String,
    name: String,
}

impl Drop for Dropped {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("the test failed: its database {} is kept", self.name);
            return;
        }
        let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let server = self.server.clone();
        let dropped = on_thread(move || {
            let mut config: postgres::Config = server.parse()?;
            config.connect_timeout(std::time::Duration::from_secs(10));
            config.connect(postgres::NoTls)?.batch_execute(&drop)
        });
        if let Err(e) = dropped {
            eprintln!("could not drop the test database {}: {e}", self.name);
        }
    }
}

impl TestDb {
    /// A new, empty database: `name` in `dir`, or on the test server.
    pub fn fresh(dir: &Path, name: &str) -> TestDb {
        match std::env::var("FACTQUIZ_TEST_POSTGRES") {
            Ok(server) if !server.is_empty() => TestDb::postgres(&server),
            _ => TestDb::sqlite(dir.join(name)),
        }
    }

    /// An SQLite file, whatever the test server (for what only SQLite has).
    pub fn sqlite(file: PathBuf) -> TestDb {
        TestDb {
            url: file.to_str().expect("a UTF-8 path").to_owned(),
            file: Some(file),
            _dropped: None,
        }
    }

    /// A new database on the PostgreSQL server at `server`.
    fn postgres(server: &str) -> TestDb {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let name = format!("factquiz_test_{}_{n}", std::process::id());
        let create = format!("CREATE DATABASE {name}");
        let admin = server.to_owned();
        on_thread(move || {
            let mut admin = postgres::Client::connect(&admin, postgres::NoTls)
                .expect("the test PostgreSQL server answers");
            admin
                .batch_execute(&create)
                .expect("a database for the test");
        });
        let mut url = url::Url::parse(server).expect("a PostgreSQL URL");
        url.set_path(&name);
        TestDb {
            url: url.to_string(),
            file: None,
            _dropped: Some(Arc::new(Dropped {
                server: server.to_owned(),
                name,
            })),
        }
    }

    /// The `DATABASE_URL` of this database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The SQLite file, if it is one.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// Whether this database is on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.file.is_none()
    }

    /// Runs `f` on a connection of its own (as another process would), on
    /// a thread of its own (the PostgreSQL client blocks).
    pub fn with<T: Send>(&self, f: impl FnOnce(&Connection) -> T + Send) -> T {
        let url = self.url.clone();
        let file = self.file.clone();
        on_thread(move || {
            let conn = match file {
                Some(file) => {
                    let conn = rusqlite::Connection::open(file).expect("the test database opens");
                    conn.busy_timeout(std::time::Duration::from_secs(10))
                        .expect("busy timeout");
                    Connection::Sqlite(conn)
                }
                None => Connection::Postgres(Box::new(
                    factquiz::store::sql::Postgres::connect(
                        &url.parse().expect("a PostgreSQL URL"),
                        None,
                    )
                    .expect("the test database answers"),
                )),
            };
            f(&conn)
        })
    }
}

fn on_thread<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| s.spawn(f).join().expect("the database thread"))
}

/// Reads one value from a test database, through a connection of its own
/// (as another process would).
pub fn query<T: FromSql + Send>(db: &TestDb, sql: &str) -> T {
    query_with(db, sql, ())
}

/// [`query`] with parameters.
pub fn query_with<T: FromSql + Send>(db: &TestDb, sql: &str, params: impl Params + Send) -> T {
    db.with(|conn| {
        conn.query_row(sql, params, |r| r.get(0))
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    })
}

/// Every value of the first column of a query.
pub fn query_all<T: FromSql + Send>(db: &TestDb, sql: &str) -> Vec<T> {
    db.with(|conn| {
        conn.prepare_cached(sql)
            .and_then(|mut s| s.rows((), |r| r.get(0)))
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    })
}

/// Changes a test database behind the bot's back (as another process would).
pub fn execute(db: &TestDb, sql: &str, params: impl Params + Send) {
    db.with(|conn| {
        conn.execute(sql, params)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    });
}

/// The per-score counts the triggers keep agree with the standings.
pub fn assert_score_counts_agree(db: &TestDb) {
    let wrong: i64 = query(
        db,
        "SELECT COUNT(*) FROM (
             SELECT scope, period, article, points, COUNT(*) AS n FROM standings
             GROUP BY scope, period, article, points
         ) s FULL OUTER JOIN standing_points p USING (scope, period, article, points)
         WHERE s.n IS DISTINCT FROM p.players",
    );
    assert_eq!(wrong, 0, "standing_points disagrees with standings");
}
