//! The database, SQLite (the default) or PostgreSQL: opening and migrating
//! it, the one writer that commits many jobs per transaction, and the
//! queries, a file per family: players and chats, quizzes and their
//! questions, answers and standings, and the delivery queues (inbox, votes,
//! outbox). The queries are written once for both databases (`sql.rs`).
//!
//! Every use case is a job: a closure over the connection that reads, decides
//! and writes, run by [`Store::write`] inside the writer's transaction. Rows
//! are read with `Row::get`, which returns an error (never panics) when a
//! column does not fit its type; states, modes, origins and languages are
//! stored by name and read back checked ([`stored_by_name`]), so nothing
//! above the store sees a string where an enum belongs.

mod answers;
pub mod copy;
mod delivery;
mod inline;
mod players;
mod quizzes;
mod schedules;
pub mod sql;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use rusqlite::OpenFlags;
use rusqlite_migration::{M, Migrations};
use tokio::sync::mpsc;

pub use sql::{Connection, Later};
pub use writer::LEAD_LOCK;

pub use answers::*;
pub use delivery::*;
pub use inline::*;
pub use players::*;
pub use quizzes::*;
pub use schedules::*;

sql::stored_by_name!(
    crate::game::QuizState,
    crate::game::Mode,
    crate::game::Origin,
    crate::i18n::Lang
);

/// The database when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE: &str = "sqlite://factquiz.db";

/// The SQLite migrations, in order. A database remembers how many it has
/// applied in `PRAGMA user_version`.
fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!(
            "../../migrations/sqlite/20261129000001_init.sql"
        )),
        M::up(include_str!(
            "../../migrations/sqlite/20261201000001_delivery.sql"
        )),
        M::up(include_str!(
            "../../migrations/sqlite/20261202000001_chat_lang.sql"
        )),
        M::up(include_str!(
            "../../migrations/sqlite/20261203000001_articles.sql"
        )),
        M::up(include_str!(
            "../../migrations/sqlite/20261203000002_schedules.sql"
        )),
        M::up(include_str!(
            "../../migrations/sqlite/20261203000003_inline_claims.sql"
        )),
        M::up(include_str!(
            "../../migrations/sqlite/20261203000004_webhook.sql"
        )),
        M::up(include_str!(
            "../../migrations/sqlite/20261207000001_copy_unfinished.sql"
        )),
    ])
}

/// The PostgreSQL migrations, in order: (version, SQL). A database
/// remembers those it applied in `factquiz_migrations`.
const PG_MIGRATIONS: &[(i64, &str)] = &[
    (
        20261204000001,
        include_str!("../../migrations/postgres/20261204000001_init.sql"),
    ),
    (
        20261205000001,
        include_str!("../../migrations/postgres/20261205000001_standings_by_statement.sql"),
    ),
    (
        20261206000001,
        include_str!("../../migrations/postgres/20261206000001_standings_moves_without_join.sql"),
    ),
    (
        20261207000001,
        include_str!("../../migrations/postgres/20261207000001_copy_unfinished.sql"),
    ),
];

/// Any number that all factquiz processes agree on: the advisory lock under
/// which one of them migrates a PostgreSQL database while the others wait.
const PG_MIGRATION_LOCK: i64 = 0x6661_6374_7175_697a; // "factquiz"

/// The database: a writer thread that commits jobs in batches.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    /// The database, for messages (a PostgreSQL URL without its password).
    name: String,
    /// Where it is, for connections of their own (see
    /// [`Store::listen_for_kept`]).
    target: Target,
    /// On PostgreSQL several processes may share the database.
    shared: bool,
    /// Set, and notified, when this process lost the lead (see
    /// [`Store::lead`]): every job fails from then on.
    deposed: Arc<writer::Deposed>,
    /// The writer: every job but the keeping of received updates.
    writer: Writer,
    /// On PostgreSQL, a second writer on a connection of its own that only
    /// keeps received updates (see [`Store::keep`]).
    intake: Option<Writer>,
}

/// A writer thread and its queue of jobs.
struct Writer {
    jobs: mpsc::Sender<Box<dyn writer::Job>>,
    thread: std::sync::Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl Writer {
    fn start(
        conn: Connection,
        target: Target,
        deposed: Arc<writer::Deposed>,
        name: &str,
        batching: writer::Batching,
    ) -> anyhow::Result<Writer> {
        let (jobs, receiver) = mpsc::channel(writer::QUEUE);
        let thread = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || writer::run(conn, target, receiver, &deposed, batching))
            .context("cannot start the database thread")?;
        Ok(Writer {
            jobs,
            thread: std::sync::Mutex::new(Some(thread)),
        })
    }

    async fn run<R, P, T, F>(&self, read: R, f: F) -> anyhow::Result<T>
    where
        R: FnMut(&Connection) -> anyhow::Result<P> + Send + 'static,
        P: Send + 'static,
        F: FnMut(&Connection, P) -> anyhow::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let (task, done) = writer::Task::new(read, f);
        self.jobs
            .send(Box::new(task))
            .await
            .map_err(|_| anyhow::anyhow!("the database is closed"))?;
        done.await
            .map_err(|_| anyhow::anyhow!("the database stopped before the job ran"))?
    }

    /// Runs the jobs queued, then stops the thread and waits for it.
    async fn close(&self) {
        if self.jobs.send(Box::new(writer::Stop)).await.is_err() {
            return;
        }
        let thread = self
            .thread
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(thread) = thread {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("database", &self.inner.name)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if missing) and migrates the database at `url`: a
    /// `sqlite:` URL or a plain file path, or a `postgres://` URL.
    pub async fn open(url: &str) -> anyhow::Result<Store> {
        let target = Target::parse(url)?;
        // As the operator wrote it, less a PostgreSQL password.
        let name = match &target {
            Target::Sqlite(_) => url.trim().to_owned(),
            Target::Postgres(_) => target.to_string(),
        };
        let opened = {
            let target = target.clone();
            tokio::task::spawn_blocking(move || target.connect())
                .await
                .context("the database could not be opened")?
        };
        let conn = opened.with_context(|| format!("cannot open the database `{name}`"))?;
        let shared = matches!(target, Target::Postgres(_));
        let deposed = Arc::new(writer::Deposed::default());
        let intake = if shared {
            let again = target.clone();
            let conn = tokio::task::spawn_blocking(move || again.connect())
                .await
                .context("the database could not be opened")?
                .with_context(|| format!("cannot open the database `{name}`"))?;
            // The intake holds no lead (it keeps for any process), but a
            // process that lost the lead keeps nothing more either: what
            // it would take from Telegram goes to the one that leads.
            Some(Writer::start(
                conn,
                target.clone(),
                deposed.clone(),
                "factquiz-db-in",
                // Its jobs come from requests served at once, many of them
                // while it commits (see `writer::run`).
                writer::Batching::Gathered,
            )?)
        } else {
            None
        };
        let writer = Writer::start(
            conn,
            target.clone(),
            deposed.clone(),
            "factquiz-db",
            writer::Batching::AsQueued,
        )?;
        Ok(Store {
            inner: Arc::new(Inner {
                name,
                target,
                shared,
                deposed,
                writer,
                intake,
            }),
        })
    }

    /// The database, for messages: a file, or a PostgreSQL URL without its
    /// password.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// Runs `f` in the writer's next transaction and returns its result once
    /// that transaction is committed. If `f` fails, nothing it wrote is kept;
    /// the other jobs of the batch are not affected.
    ///
    /// `f` may run more than once: on PostgreSQL, when another job of its
    /// batch fails, the batch is rolled back and run again (see
    /// `writer::run_transaction`). Whatever it does besides running SQL on
    /// the connection it is given must be harmless to repeat; what it
    /// returns is that of its last run.
    pub async fn write<T, F>(&self, mut f: F) -> anyhow::Result<T>
    where
        F: FnMut(&Connection) -> anyhow::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        self.inner
            .writer
            .run(|_| Ok(()), move |conn, ()| f(conn))
            .await
    }

    /// [`Store::write`], `read` first: on PostgreSQL, when the batch runs
    /// without savepoints, `read` runs for every job of the batch before
    /// any of them, so that their reads take one round trip. It should only
    /// send queries whose answers come later (`Connection::defer_query_row`
    /// and the like), and what they read does not see what the jobs before
    /// it in the batch write: `f` must check, where it writes, that what
    /// it read and another chat's update could change still holds, and
    /// fail if not (the batch then runs again, each job reading as it
    /// runs). What only its own chat's updates change cannot be stale: a
    /// chat's updates are handled one at a time, so no two share a batch.
    /// On SQLite `read` runs right before `f`.
    pub async fn write_read_ahead<R, P, T, F>(&self, read: R, f: F) -> anyhow::Result<T>
    where
        R: FnMut(&Connection) -> anyhow::Result<P> + Send + 'static,
        P: Send + 'static,
        F: FnMut(&Connection, P) -> anyhow::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        self.inner.writer.run(read, f).await
    }

    /// Runs `f`, which keeps received updates, the way [`Store::write`]
    /// does. On PostgreSQL it runs on a connection of its own, so that
    /// receiving never waits behind handling, nor handling behind receiving
    /// (each statement is a round trip to the server; SQLite, which has one
    /// writer and statements that cost no round trip, runs it on the
    /// writer). It is committed before it returns, so that whatever runs on
    /// the writer afterwards sees it; it sees what the writer committed
    /// before it was called. Like every job, it fails once this process is
    /// [deposed](Store::deposed).
    pub async fn keep<T, F>(&self, mut f: F) -> anyhow::Result<T>
    where
        F: FnMut(&Connection) -> anyhow::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let writer = self.inner.intake.as_ref().unwrap_or(&self.inner.writer);
        writer.run(|_| Ok(()), move |conn, ()| f(conn)).await
    }

    /// Runs a read-only `f`, in the writer's order: it sees every write
    /// committed before it.
    pub async fn read<T, F>(&self, f: F) -> anyhow::Result<T>
    where
        F: FnMut(&Connection) -> anyhow::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        self.write(f).await
    }

    /// Listens, on a connection of its own, for what the other processes
    /// on this PostgreSQL database keep (updates, announced by
    /// [`Store::announce_kept`]), and wakes `wake` for each announcement
    /// that is not this store's own, so that the leader reads them back
    /// from the inbox at once instead of at its next look. `listening` says whether it listens now: a
    /// connection that breaks is made again a second later (what was
    /// announced meanwhile is found by the leader's looks, which go on,
    /// less often, while it listens). Returns once `stop` is cancelled; at
    /// once on SQLite, where one process keeps and handles.
    pub async fn listen_for_kept(
        &self,
        wake: &tokio::sync::Notify,
        listening: &std::sync::atomic::AtomicBool,
        stop: &tokio_util::sync::CancellationToken,
    ) {
        let Target::Postgres(pg) = &self.inner.target else {
            return;
        };
        // Said once until it listens again: a server that never lets it
        // (a pooler that does not pass LISTEN on) would say it every second.
        let said = std::sync::atomic::AtomicBool::new(false);
        again_each_second(
            stop,
            &said,
            "cannot listen for what other instances keep; looking every 50 ms meanwhile",
            || async {
                let listened = listen(pg, wake, listening, stop).await;
                if listening.swap(false, std::sync::atomic::Ordering::SeqCst) {
                    said.store(false, std::sync::atomic::Ordering::SeqCst);
                }
                listened
            },
        )
        .await;
    }

    /// Announces that this process kept updates to the process that
    /// [listens](Store::listen_for_kept) (votes are not announced: the
    /// leader counts them at its next look, and a round's close counts all
    /// of them), each time `wanted` is notified, on a connection of its
    /// own: at most once per
    /// [`ANNOUNCE_GAP`], requests within a gap going as one at its end. A
    /// connection that breaks is made again a second later (the leader
    /// finds what was not announced meanwhile at its next look). Returns
    /// once `stop` is cancelled; at once on SQLite.
    ///
    /// Why not announce in the transaction that keeps: a `NOTIFY` takes a
    /// lock that PostgreSQL holds for the whole server until its
    /// transaction's commit is flushed to disk, so that instances that
    /// each announced as they kept committed one at a time, none sharing
    /// another's flush. An announcement on its own keeps nothing, so it
    /// commits without waiting for the flush (`synchronous_commit` off)
    /// and holds that lock for a moment only.
    pub async fn announce_kept(
        &self,
        wanted: &tokio::sync::Notify,
        stop: &tokio_util::sync::CancellationToken,
    ) {
        let Target::Postgres(pg) = &self.inner.target else {
            return;
        };
        let said = std::sync::atomic::AtomicBool::new(false);
        again_each_second(
            stop,
            &said,
            "cannot announce what this instance keeps; the leader finds it within a second meanwhile",
            || announce(pg, wanted, stop, &said),
        )
        .await;
    }

    /// Whether other processes may use this database at the same time
    /// (PostgreSQL): then only the one that [leads](Store::lead) handles
    /// updates and sends.
    pub fn is_shared(&self) -> bool {
        self.inner.shared
    }

    /// Makes this process the one that handles updates, sends and keeps
    /// time (group rounds, schedules) for the bot, waiting while another
    /// does; returns false if `stop` came first. On SQLite (one process)
    /// it returns at once.
    ///
    /// The lead is a PostgreSQL advisory lock held by the writer's own
    /// connection, so every job of a leader runs on the connection that
    /// holds it: a leader whose connection drops has lost it, and the
    /// writer takes it again with its new connection before any job runs;
    /// if another process took it meanwhile, this one is
    /// [deposed](Store::deposed) and every later job fails, so that two
    /// processes never handle at once. A leader that dies releases it with
    /// its connection, and a process waiting here takes over within
    /// [`LEAD_RETRY`].
    pub async fn lead(&self, stop: &tokio_util::sync::CancellationToken) -> anyhow::Result<bool> {
        if !self.inner.shared {
            return Ok(true);
        }
        let mut said = false;
        loop {
            match self.write(writer::try_lead).await {
                Ok(true) => return Ok(true),
                Ok(false) => {}
                // The database away for a moment (a restart, a failover):
                // stand by until it is back, as before.
                Err(e) if !self.is_deposed() => {
                    tracing::warn!(error = %format!("{e:#}"), "cannot reach the database to take the lead; trying again");
                }
                Err(e) => return Err(e),
            }
            if !said {
                tracing::info!("another instance leads: standing by (receiving only)");
                said = true;
            }
            tokio::select! {
                () = stop.cancelled() => return Ok(false),
                () = tokio::time::sleep(LEAD_RETRY) => {}
            }
        }
    }

    /// Resolves once this process lost the lead it held (see
    /// [`Store::lead`]); never on SQLite.
    pub async fn deposed(&self) {
        self.inner.deposed.wait().await;
    }

    /// Whether this process lost the lead it held.
    pub fn is_deposed(&self) -> bool {
        self.inner.deposed.is_set()
    }

    /// Runs the jobs queued, checkpoints the WAL into the database file (so
    /// that copying the file alone copies everything) and closes it. Writing
    /// fails after this.
    pub async fn close(&self) {
        if let Some(intake) = &self.inner.intake {
            intake.close().await;
        }
        self.inner.writer.close().await;
    }
}

/// How often a process standing by tries to take the lead.
pub const LEAD_RETRY: Duration = Duration::from_millis(500);

/// A database a `DATABASE_URL` names.
#[derive(Clone)]
pub enum Target {
    Sqlite(PathBuf),
    Postgres(Box<PgTarget>),
}

/// A PostgreSQL database: where it is, and, with `sslmode=require`, the
/// TLS that the connection must use.
#[derive(Clone)]
pub struct PgTarget {
    pub config: tokio_postgres::Config,
    /// How the server's certificate is checked, when TLS is required: by
    /// the certificates of `sslrootcert`, or else by the web's roots.
    pub tls: Option<Arc<rustls::ClientConfig>>,
    /// This store's name among the processes that share the database, in
    /// what it announces (see [`Store::announce_kept`]): drawn at random.
    pub instance: String,
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Sqlite(path) => write!(f, "{}", path.display()),
            Target::Postgres(pg) => {
                let config = &pg.config;
                // Never the password.
                let user = config.get_user().unwrap_or("");
                let host = config
                    .get_hosts()
                    .first()
                    .map_or(String::new(), |h| match h {
                        tokio_postgres::config::Host::Tcp(h) => h.clone(),
                        tokio_postgres::config::Host::Unix(p) => p.display().to_string(),
                    });
                let port = config.get_ports().first().copied().unwrap_or(5432);
                let db = config.get_dbname().unwrap_or("");
                write!(f, "postgres://{user}@{host}:{port}/{db}")
            }
        }
    }
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self}")
    }
}

impl Target {
    /// Reads a `DATABASE_URL`: a `postgres://` (or `postgresql://`) URL, or
    /// an SQLite file ([`database_path`]).
    pub fn parse(url: &str) -> anyhow::Result<Target> {
        let url = url.trim();
        let scheme = url
            .split_once("://")
            .map(|(scheme, _)| scheme.to_ascii_lowercase());
        // libpq's other form, `host=… user=… password=… dbname=…`, is a
        // PostgreSQL database too, never the name of an SQLite file.
        let key_value = scheme.is_none()
            && ["host=", "dbname=", "user=", "password="]
                .iter()
                .any(|k| url.contains(k));
        if key_value || matches!(scheme.as_deref(), Some("postgres" | "postgresql")) {
            let normalized = match (&scheme, url.split_once("://")) {
                (Some(scheme), Some((_, rest))) => format!("{scheme}://{rest}"),
                _ => url.to_owned(),
            };
            let (normalized, root_cert) = tls_options(&normalized)?;
            let mut config: tokio_postgres::Config = normalized.parse().map_err(|e| {
                anyhow::anyhow!("DATABASE_URL is not a PostgreSQL URL factquiz can read: {e}")
            })?;
            let tls = match config.get_ssl_mode() {
                tokio_postgres::config::SslMode::Require => {
                    Some(Arc::new(tls_config(root_cert.as_deref())?))
                }
                _ if root_cert.is_some() => {
                    anyhow::bail!("DATABASE_URL names an `sslrootcert` without `sslmode=require`")
                }
                _ => None,
            };
            // A server that does not answer must not hold the writer (and
            // every job behind it) for the minutes a TCP connect can take;
            // and a peer gone silent is noticed within a minute or so, not
            // after the system's two hours.
            if config.get_connect_timeout().is_none() {
                config.connect_timeout(Duration::from_secs(5));
            }
            if !url.contains("keepalives_idle") {
                config.keepalives_idle(Duration::from_secs(30));
            }
            if config.get_application_name().is_none() {
                config.application_name("factquiz");
            }
            return Ok(Target::Postgres(Box::new(PgTarget {
                config,
                tls,
                instance: format!("{:016x}", rand::random::<u64>()),
            })));
        }
        database_path(url).map(Target::Sqlite)
    }

    /// Connects, sets the database up and migrates it.
    pub(crate) fn connect(&self) -> anyhow::Result<Connection> {
        match self {
            Target::Sqlite(path) => open_file(path).map(Connection::Sqlite),
            Target::Postgres(pg) => open_postgres(pg),
        }
    }
}

/// Takes out of a PostgreSQL `DATABASE_URL` (either form) what factquiz
/// reads itself: `sslrootcert`, the file of the certificates that sign the
/// server's; and `sslmode=verify-full`, which is what `require` does here
/// (the server's certificate and name are always checked), made `require`
/// for the driver. The rest is left as it was written, byte for byte.
fn tls_options(url: &str) -> anyhow::Result<(String, Option<PathBuf>)> {
    let mut root_cert = None;
    if url.contains("://") {
        let Some((base, query)) = url.split_once('?') else {
            return Ok((url.to_owned(), None));
        };
        let mut kept = Vec::new();
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some(("sslrootcert", path)) => {
                    let path = percent_encoding::percent_decode_str(path)
                        .decode_utf8()
                        .map_err(|_| anyhow::anyhow!("`sslrootcert` is not UTF-8 text"))?;
                    root_cert = Some(PathBuf::from(path.as_ref()));
                }
                Some(("sslmode", "verify-full")) => kept.push("sslmode=require"),
                _ => kept.push(pair),
            }
        }
        let url = if kept.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        return Ok((url, root_cert));
    }
    // libpq's key=value form: the two are words of their own, unquoted.
    let mut rest = url.to_owned();
    for word in url.split_whitespace() {
        match word.split_once('=') {
            Some(("sslrootcert", path)) => {
                anyhow::ensure!(
                    !path.is_empty() && !path.starts_with('\''),
                    "write `sslrootcert=` followed by the path, unquoted and without spaces"
                );
                root_cert = Some(PathBuf::from(path));
                rest = rest.replacen(word, "", 1);
            }
            Some(("sslmode", "verify-full")) => rest = rest.replacen(word, "sslmode=require", 1),
            _ => {}
        }
    }
    Ok((rest, root_cert))
}

/// The TLS of a connection that requires it: the server's certificate must
/// be signed by one in `root_cert` (a PEM file), or else by one of the
/// web's roots (those a browser trusts), and name the host connected to.
fn tls_config(root_cert: Option<&Path>) -> anyhow::Result<rustls::ClientConfig> {
    use rustls::pki_types::{CertificateDer, pem::PemObject};
    let mut roots = rustls::RootCertStore::empty();
    match root_cert {
        Some(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .and_then(Iterator::collect::<Result<Vec<_>, _>>)
                .map_err(|e| {
                    anyhow::anyhow!(
                        "cannot read the certificates of `sslrootcert` ({}): {e}",
                        path.display()
                    )
                })?;
            let (added, _) = roots.add_parsable_certificates(certs);
            anyhow::ensure!(
                added > 0,
                "`sslrootcert` ({}) holds no certificate factquiz can use",
                path.display()
            );
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("cannot set TLS up")?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// The file a `DATABASE_URL` names: `sqlite://x.db`, `sqlite:x.db` or a
/// plain path; anything after `?` is ignored.
pub fn database_path(url: &str) -> anyhow::Result<PathBuf> {
    let url = url.trim();
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let rest = rest.split_once('?').map_or(rest, |(path, _)| path);
    if let Some((scheme, _)) = rest.split_once("://") {
        // Only the scheme: the rest may hold a password.
        anyhow::bail!(
            "DATABASE_URL: `{scheme}://` is not a database factquiz can use (a file path, sqlite://… or postgres://…)"
        );
    }
    anyhow::ensure!(
        !rest.is_empty() && rest != ":memory:",
        "DATABASE_URL `{url}` names no file"
    );
    Ok(PathBuf::from(rest))
}

/// Connects to PostgreSQL and migrates the database, under an advisory
/// lock: instances started together migrate it once.
fn open_postgres(target: &PgTarget) -> anyhow::Result<Connection> {
    let pg = sql::Postgres::connect(&target.config, target.tls.as_deref())
        .context("cannot connect to PostgreSQL")?;
    let conn = Connection::Postgres(Box::new(pg));
    conn.execute_batch("BEGIN")?;
    let migrated = migrate_postgres(&conn).and_then(|()| {
        conn.execute_batch("COMMIT")
            .context("cannot migrate the database")
    });
    if let Err(e) = migrated {
        let _ = conn.execute_batch("ROLLBACK");
        return Err(e);
    }
    // Every statement is prepared once per connection and run thousands of
    // times with keys that all select a row or a few: planning it again for
    // each run's values (PostgreSQL's first five runs, and after them
    // whenever it guesses a custom plan cheaper) cost about a tenth of the
    // database's time per answer. Servers before 12 have no such setting
    // and plan as they always did. The price: a plan made while a table
    // is nearly empty stays until the table is analyzed (autovacuum does,
    // a minute or so after it fills), and may pick a poorer index until
    // then (a player's row in `standings` read through the ranking index,
    // 300 pages instead of 3 among 20,000 players), which costs most where
    // a query runs once per player (a podium ranks ten, not every player).
    if let Err(e) = conn.execute_batch("SET plan_cache_mode = force_generic_plan") {
        tracing::debug!("PostgreSQL plans each run of a statement: {e}");
    }
    Ok(conn)
}

/// Runs `attempt` until it ends well (or `stop` is cancelled), again a
/// second after each failure. The first failure is a warning (`warning`,
/// with its cause), the next ones only debug lines, until an attempt
/// clears `said` once it works.
async fn again_each_second<F, Fut>(
    stop: &tokio_util::sync::CancellationToken,
    said: &std::sync::atomic::AtomicBool,
    warning: &str,
    mut attempt: F,
) where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    loop {
        match attempt().await {
            Ok(()) => return,
            Err(e) if !said.swap(true, std::sync::atomic::Ordering::SeqCst) => {
                tracing::warn!(error = %format!("{e:#}"), "{warning}");
            }
            Err(e) => tracing::debug!(error = %format!("{e:#}"), "{warning}"),
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}

/// Listens until `stop` (see [`Store::listen_for_kept`]), on a connection
/// made for it: `LISTEN`, then every announcement that is not this store's
/// own wakes `wake`. An error if it cannot connect or the connection ends.
async fn listen(
    pg: &PgTarget,
    wake: &tokio::sync::Notify,
    listening: &std::sync::atomic::AtomicBool,
    stop: &tokio_util::sync::CancellationToken,
) -> anyhow::Result<()> {
    let (client, mut notifications) = connect_async(pg)
        .await
        .context("cannot connect to listen")?;
    let sql = format!("LISTEN {KEPT_CHANNEL}");
    tokio::select! {
        () = stop.cancelled() => return Ok(()),
        done = client.batch_execute(&sql) => done.context("cannot listen")?,
    }
    listening.store(true, std::sync::atomic::Ordering::SeqCst);
    // What was kept before the LISTEN took is looked for now.
    wake.notify_one();
    loop {
        tokio::select! {
            () = stop.cancelled() => return Ok(()),
            heard = notifications.recv() => match heard {
                Some(Ok(n)) => {
                    if n.payload() != pg.instance {
                        wake.notify_one();
                    }
                }
                Some(Err(e)) => return Err(e.into()),
                None => anyhow::bail!("the connection ended"),
            },
        }
    }
}

/// The least time between two announcements of one process (see
/// [`Store::announce_kept`]). A lone update is announced at once; in a
/// burst, each announcement costs a commit, a wake of the leader's
/// listening connection and a read of the inbox. One every 20 ms rather
/// than every 5 ms spent less CPU per vote on three instances in four of
/// five interleaved pairs of runs (means 0.675 and 0.719 s per 1000, a
/// difference within this machine's noise), for at most 20 ms more before
/// the leader hears of an update in a burst.
pub const ANNOUNCE_GAP: Duration = Duration::from_millis(20);

/// Announces until `stop` (see [`Store::announce_kept`]), on a connection
/// made for it; an error if it cannot connect, the connection ends (found
/// at once, not at the next announcement) or an announcement fails (it is
/// then asked for again, for the next connection). `said` is cleared once
/// an announcement went.
async fn announce(
    pg: &PgTarget,
    wanted: &tokio::sync::Notify,
    stop: &tokio_util::sync::CancellationToken,
    said: &std::sync::atomic::AtomicBool,
) -> anyhow::Result<()> {
    let (client, mut ended) = connect_async(pg)
        .await
        .context("cannot connect to announce")?;
    // Asynchronous commit for this statement's transaction alone (a
    // session setting would not survive a pooler that hands each
    // transaction another connection).
    let notify = client
        .prepare("SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, $2)")
        .await
        .context("cannot set up the connection that announces")?;
    loop {
        tokio::select! {
            () = stop.cancelled() => return Ok(()),
            () = wanted.notified() => {}
            // Nothing is heard on this connection but its end.
            end = ended.recv() => return Err(match end {
                Some(Err(e)) => anyhow::Error::new(e).context("the connection that announces failed"),
                _ => anyhow::anyhow!("the connection that announces ended"),
            }),
        }
        let sent = tokio::time::timeout(
            Duration::from_secs(5),
            client.execute(&notify, &[&KEPT_CHANNEL, &pg.instance]),
        )
        .await;
        match sent {
            Ok(Ok(_)) => said.store(false, std::sync::atomic::Ordering::SeqCst),
            failed => {
                // Announced by the next connection, in a second.
                wanted.notify_one();
                return Err(match failed {
                    Ok(Err(e)) => anyhow::Error::new(e).context("cannot announce"),
                    _ => anyhow::anyhow!("announcing took over 5 s"),
                });
            }
        }
        tokio::select! {
            () = stop.cancelled() => return Ok(()),
            () = tokio::time::sleep(ANNOUNCE_GAP) => {}
        }
    }
}

/// What a connection for async code hears from the server unasked: its
/// notifications, then its error if it fails; the channel closes when the
/// connection ends.
type Heard = tokio::sync::mpsc::UnboundedReceiver<Result<tokio_postgres::Notification, sql::Error>>;

/// A connection to `pg` for async code (with TLS if its URL asks), driven
/// by a task of its own, which ends with the connection: when the client
/// is dropped, or the connection fails.
async fn connect_async(pg: &PgTarget) -> anyhow::Result<(tokio_postgres::Client, Heard)> {
    let (to, heard) = tokio::sync::mpsc::unbounded_channel();
    let client = match &pg.tls {
        None => {
            let (client, connection) = pg.config.connect(tokio_postgres::NoTls).await?;
            tokio::spawn(drive(connection, to));
            client
        }
        Some(tls) => {
            let tls = tokio_postgres_rustls::MakeRustlsConnect::new((**tls).clone());
            let (client, connection) = pg.config.connect(tls).await?;
            tokio::spawn(drive(connection, to));
            client
        }
    };
    Ok((client, heard))
}

/// Drives `connection` to its end, passing on what it hears (see
/// [`connect_async`]).
async fn drive<S, T>(
    mut connection: tokio_postgres::Connection<S, T>,
    to: tokio::sync::mpsc::UnboundedSender<Result<tokio_postgres::Notification, sql::Error>>,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    loop {
        // Whoever hears may be gone while the client is not: the
        // connection is driven all the same.
        match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
            Some(Ok(tokio_postgres::AsyncMessage::Notification(n))) => {
                let _ = to.send(Ok(n));
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => {
                let _ = to.send(Err(e.into()));
                return;
            }
            None => return,
        }
    }
}

/// The channel on which processes announce what they keep (see
/// [`Store::listen_for_kept`]).
pub(crate) const KEPT_CHANNEL: &str = "factquiz_kept";

/// Applies the migrations `factquiz_migrations` does not list, in the
/// transaction the caller began.
fn migrate_postgres(conn: &Connection) -> anyhow::Result<()> {
    conn.query_row(
        "SELECT pg_advisory_xact_lock(?1)",
        [PG_MIGRATION_LOCK],
        |_| Ok(()),
    )?;
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS factquiz_migrations (
             version    BIGINT PRIMARY KEY,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         )",
    )?;
    let applied: Vec<i64> = conn
        .prepare_cached("SELECT version FROM factquiz_migrations")?
        .rows((), |r| r.get(0))?;
    if let Some(newer) = applied
        .iter()
        .find(|v| !PG_MIGRATIONS.iter().any(|(known, _)| known == *v))
    {
        anyhow::bail!(
            "the database was migrated by a newer factquiz (migration {newer} is not one this version knows)"
        );
    }
    for (version, sql) in PG_MIGRATIONS {
        if applied.contains(version) {
            continue;
        }
        conn.execute_batch(sql)
            .with_context(|| format!("cannot apply migration {version}"))?;
        conn.execute(
            "INSERT INTO factquiz_migrations (version) VALUES (?1)",
            [*version],
        )?;
    }
    Ok(())
}

/// Opens the file, sets it up and migrates it; errors in words.
fn open_file(path: &Path) -> anyhow::Result<rusqlite::Connection> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.is_dir()
    {
        anyhow::bail!("the folder `{}` does not exist", dir.display());
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = rusqlite::Connection::open_with_flags(path, flags).map_err(|e| explain(path, e))?;
    conn.busy_timeout(Duration::from_secs(10))?;
    // Turning a new file to WAL takes its lock without waiting for it: a
    // process that opens the file at the same moment as another waits here.
    let started = std::time::Instant::now();
    while let Err(e) = conn.pragma_update(None, "journal_mode", "WAL") {
        let busy = e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy);
        if !busy || started.elapsed() > Duration::from_secs(10) {
            return Err(explain(path, e));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Statement journals and sorts in memory, not in temporary files; a
    // page cache of 8 MiB (the default is 2).
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.pragma_update(None, "cache_size", -8192)?;
    conn.set_prepared_statement_cache_capacity(128);
    adopt_sqlx_history(&conn)?;
    let mut conn = conn;
    // Processes opening a new file at once: each migration transaction
    // takes the write lock first (the others wait for it), and one that
    // finds its work done by another (it read the version before waiting)
    // checks that nothing is left to do.
    conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
    let migrations = migrations();
    if let Err(e) = migrations.to_latest(&mut conn)
        && migrations.pending_migrations(&conn).ok() != Some(0)
    {
        anyhow::bail!("cannot migrate the database: {e}");
    }
    conn.set_transaction_behavior(rusqlite::TransactionBehavior::Deferred);
    Ok(conn)
}

/// A database made by an earlier factquiz (sqlx kept its own table of
/// migrations): what it applied counts as applied.
fn adopt_sqlx_history(conn: &rusqlite::Connection) -> anyhow::Result<()> {
    let has_table: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')",
        [],
        |r| r.get(0),
    )?;
    if !has_table {
        return Ok(());
    }
    let applied: i64 = conn.query_row(
        "SELECT COUNT(*) FROM _sqlx_migrations WHERE success",
        [],
        |r| r.get(0),
    )?;
    conn.execute_batch(&format!(
        "BEGIN; PRAGMA user_version = {applied}; DROP TABLE _sqlx_migrations; COMMIT;"
    ))?;
    Ok(())
}

/// An SQLite error, said for a person.
fn explain(path: &Path, e: rusqlite::Error) -> anyhow::Error {
    use rusqlite::ErrorCode::*;
    let what = match e.sqlite_error_code() {
        Some(NotADatabase) => format!("`{}` is not an SQLite database", path.display()),
        Some(CannotOpen) => format!(
            "`{}` cannot be opened (check that it is a file you may write)",
            path.display()
        ),
        Some(ReadOnly | PermissionDenied) => {
            format!("`{}` cannot be written (permissions)", path.display())
        }
        _ => return anyhow::Error::new(e),
    };
    anyhow::anyhow!(what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_file_is_applied() {
        let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
            .expect("the migrations folder")
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql"))
            })
            .count();
        let mut conn = rusqlite::Connection::open_in_memory().expect("memory");
        migrations().to_latest(&mut conn).expect("migrates");
        let applied: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(
            usize::try_from(applied).ok(),
            Some(files),
            "a file in migrations/ that is not listed"
        );
    }

    #[test]
    fn every_postgres_migration_file_is_listed_in_order() {
        let mut files: Vec<String> =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"))
                .expect("the migrations folder")
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|name| name.ends_with(".sql"))
                .collect();
        files.sort();
        let listed: Vec<String> = PG_MIGRATIONS
            .iter()
            .map(|(version, sql)| {
                let name = files
                    .iter()
                    .find(|f| f.starts_with(&version.to_string()))
                    .unwrap_or_else(|| panic!("no file for migration {version}"));
                let text = std::fs::read_to_string(format!(
                    "{}/migrations/postgres/{name}",
                    env!("CARGO_MANIFEST_DIR")
                ))
                .expect("readable");
                assert_eq!(&text, sql, "{name}");
                name.clone()
            })
            .collect();
        assert_eq!(
            listed, files,
            "a file in migrations/postgres/ that is not listed"
        );
    }

    #[test]
    fn database_urls_name_files_or_say_why_not() {
        assert_eq!(
            database_path("sqlite://factquiz.db").expect("ok"),
            PathBuf::from("factquiz.db")
        );
        assert_eq!(
            database_path("sqlite:/tmp/x.db?mode=rwc").expect("ok"),
            PathBuf::from("/tmp/x.db")
        );
        assert_eq!(
            database_path("data/x.db").expect("ok"),
            PathBuf::from("data/x.db")
        );
        for bad in ["mysql://h/db", "sqlite::memory:", ""] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
        let pg = Target::parse("postgres://quiz:secret@db.internal:5433/factquiz").expect("ok");
        assert_eq!(pg.to_string(), "postgres://quiz@db.internal:5433/factquiz");
        // Any case of the scheme, and libpq's key=value form, are PostgreSQL;
        // an unknown scheme is refused without showing the rest.
        for url in [
            "POSTGRES://quiz:hunter2@db.internal/factquiz",
            "host=db.internal user=quiz password=hunter2 dbname=factquiz",
        ] {
            let target = Target::parse(url).expect("PostgreSQL");
            assert!(matches!(target, Target::Postgres(_)), "{url}");
            assert!(!target.to_string().contains("hunter2"));
        }
        let err = Target::parse("pg://quiz:hunter2@db/x").expect_err("unknown");
        assert!(!format!("{err:#}").contains("hunter2"), "{err:#}");
        assert!(Target::parse("postgres://h/db?sslmode=bogus").is_err());
        // TLS: required only when asked, with the certificates named, or
        // the web's roots; a file that is not there is said before any
        // connection.
        let tls = |url: &str| match Target::parse(url) {
            Ok(Target::Postgres(pg)) => Ok(pg.tls.is_some()),
            Ok(Target::Sqlite(_)) => Err("SQLite".to_owned()),
            Err(e) => Err(format!("{e:#}")),
        };
        assert_eq!(tls("postgres://h/db"), Ok(false));
        assert_eq!(tls("postgres://h/db?sslmode=disable"), Ok(false));
        assert_eq!(tls("postgres://h/db?sslmode=require"), Ok(true));
        assert_eq!(
            tls("postgres://h/db?sslmode=verify-full&application_name=x"),
            Ok(true)
        );
        assert_eq!(tls("host=h dbname=db sslmode=verify-full"), Ok(true));
        // Everything else is read by the driver as it was written: several
        // hosts, escapes, a `+`.
        let kept = |url: &str| tls_options(url).expect("read").0;
        for url in [
            "postgres://quiz@a:5432,b:5433/db",
            "postgres://quiz@h/db?options=-c%20statement_timeout%3D5000&application_name=fact+quiz",
            "host=h password='a  b' dbname=db",
        ] {
            assert_eq!(kept(url), url);
            assert!(Target::parse(url).is_ok(), "{url}");
        }
        assert_eq!(
            tls_options("postgres://h/db?sslrootcert=%2Fetc%2Fca%20x.pem&sslmode=verify-full&a=b")
                .expect("read"),
            (
                "postgres://h/db?sslmode=require&a=b".to_owned(),
                Some(PathBuf::from("/etc/ca x.pem"))
            )
        );
        let missing = tls("postgres://h/db?sslmode=require&sslrootcert=/nonexistent/ca.pem");
        assert!(
            missing
                .as_ref()
                .is_err_and(|e| e.contains("sslrootcert") && e.contains("/nonexistent/ca.pem")),
            "{missing:?}"
        );
        let alone = tls("host=h dbname=db sslrootcert=/etc/ca.pem");
        assert!(
            alone.as_ref().is_err_and(|e| e.contains("sslmode=require")),
            "{alone:?}"
        );
        let timeout = |url: &str| match Target::parse(url) {
            Ok(Target::Postgres(pg)) => pg.config.get_connect_timeout().copied(),
            _ => None,
        };
        assert_eq!(timeout("postgres://h/db"), Some(Duration::from_secs(5)));
        assert_eq!(
            timeout("postgres://h/db?connect_timeout=2"),
            Some(Duration::from_secs(2)),
            "the operator's own wins"
        );
    }
}
