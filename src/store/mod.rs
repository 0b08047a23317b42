//! SQLite: opening and migrating the database, the one writer that commits
//! many jobs per transaction, and the queries, a file per family: players
//! and chats, quizzes and their questions, answers and standings, and the
//! delivery queues (inbox, votes, outbox).
//!
//! Every use case is a job: a closure over the connection that reads, decides
//! and writes, run by [`Store::write`] inside the writer's transaction. Rows
//! are read with `Row::get`, which returns an error (never panics) when a
//! column does not fit its type; states, modes, origins and languages are
//! stored by name and read back checked ([`stored_by_name`]), so nothing
//! above the store sees a string where an enum belongs.

mod answers;
mod delivery;
mod inline;
mod players;
mod quizzes;
mod schedules;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{M, Migrations};
use tokio::sync::mpsc;

pub use answers::*;
pub use delivery::*;
pub use inline::*;
pub use players::*;
pub use quizzes::*;
pub use schedules::*;

/// Stores enums by their names (`as_str`) and reads them back with
/// `FromStr`: a name that is not one of the enum's is an error, not a guess.
macro_rules! stored_by_name {
    ($($ty:ty),+) => {$(
        impl rusqlite::types::ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.as_str()))
            }
        }

        impl rusqlite::types::FromSql for $ty {
            fn column_result(
                value: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                value
                    .as_str()?
                    .parse()
                    .map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
            }
        }
    )+};
}

stored_by_name!(
    crate::game::QuizState,
    crate::game::Mode,
    crate::game::Origin,
    crate::i18n::Lang
);

/// The database when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE: &str = "sqlite://factquiz.db";

/// The migrations, in order. A database remembers how many it has applied in
/// `PRAGMA user_version`.
fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("../../migrations/20261129000001_init.sql")),
        M::up(include_str!("../../migrations/20261201000001_delivery.sql")),
        M::up(include_str!(
            "../../migrations/20261202000001_chat_lang.sql"
        )),
        M::up(include_str!("../../migrations/20261203000001_articles.sql")),
        M::up(include_str!(
            "../../migrations/20261203000002_schedules.sql"
        )),
        M::up(include_str!(
            "../../migrations/20261203000003_inline_claims.sql"
        )),
        M::up(include_str!("../../migrations/20261203000004_webhook.sql")),
    ])
}

/// The database: a writer thread that commits jobs in batches.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    jobs: mpsc::Sender<Box<dyn writer::Job>>,
    thread: std::sync::Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if missing) and migrates the database at `url`: a
    /// `sqlite:` URL or a plain file path.
    pub async fn open(url: &str) -> anyhow::Result<Store> {
        let path = database_path(url)?;
        let opened = {
            let path = path.clone();
            tokio::task::spawn_blocking(move || open_file(&path))
                .await
                .context("the database could not be opened")?
        };
        let conn = opened.with_context(|| format!("cannot open the database `{url}`"))?;
        let (jobs, receiver) = mpsc::channel(writer::QUEUE);
        let thread = std::thread::Builder::new()
            .name("factquiz-db".into())
            .spawn(move || writer::run(conn, receiver))
            .context("cannot start the database thread")?;
        Ok(Store {
            inner: Arc::new(Inner {
                path,
                jobs,
                thread: std::sync::Mutex::new(Some(thread)),
            }),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `f` in the writer's next transaction and returns its result once
    /// that transaction is committed. If `f` fails, nothing it wrote is kept;
    /// the other jobs of the batch are not affected.
    pub async fn write<T, F>(&self, f: F) -> anyhow::Result<T>
    where
        F: FnOnce(&Connection) -> anyhow::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let (task, done) = writer::Task::new(f);
        self.inner
            .jobs
            .send(Box::new(task))
            .await
            .map_err(|_| anyhow::anyhow!("the database is closed"))?;
        done.await
            .map_err(|_| anyhow::anyhow!("the database stopped before the job ran"))?
    }

    /// Runs a read-only `f`, in the writer's order: it sees every write
    /// committed before it.
    pub async fn read<T, F>(&self, f: F) -> anyhow::Result<T>
    where
        F: FnOnce(&Connection) -> anyhow::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        self.write(f).await
    }

    /// Runs the jobs queued, checkpoints the WAL into the database file (so
    /// that copying the file alone copies everything) and closes it. Writing
    /// fails after this.
    pub async fn close(&self) {
        if self.inner.jobs.send(Box::new(writer::Stop)).await.is_err() {
            return;
        }
        let thread = self
            .inner
            .thread
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(thread) = thread {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
    }
}

/// The file a `DATABASE_URL` names: `sqlite://x.db`, `sqlite:x.db` or a
/// plain path; anything after `?` is ignored.
pub fn database_path(url: &str) -> anyhow::Result<PathBuf> {
    let url = url.trim();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        anyhow::bail!(
            "DATABASE_URL is a PostgreSQL URL: this version of factquiz stores its data in SQLite only. Use a file path or a `sqlite://` URL."
        );
    }
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let rest = rest.split_once('?').map_or(rest, |(path, _)| path);
    if let Some((scheme, _)) = rest.split_once("://") {
        anyhow::bail!("DATABASE_URL `{url}`: `{scheme}://` is not a database factquiz can use");
    }
    anyhow::ensure!(
        !rest.is_empty() && rest != ":memory:",
        "DATABASE_URL `{url}` names no file"
    );
    Ok(PathBuf::from(rest))
}

/// Opens the file, sets it up and migrates it; errors in words.
fn open_file(path: &Path) -> anyhow::Result<Connection> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.is_dir()
    {
        anyhow::bail!("the folder `{}` does not exist", dir.display());
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| explain(path, e))?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(|e| explain(path, e))?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Statement journals and sorts in memory, not in temporary files; a
    // page cache of 8 MiB (the default is 2).
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.pragma_update(None, "cache_size", -8192)?;
    conn.set_prepared_statement_cache_capacity(128);
    adopt_sqlx_history(&conn)?;
    let mut conn = conn;
    migrations()
        .to_latest(&mut conn)
        .map_err(|e| anyhow::anyhow!("cannot migrate the database: {e}"))?;
    Ok(conn)
}

/// A database made by an earlier factquiz (sqlx kept its own table of
/// migrations): what it applied counts as applied.
fn adopt_sqlx_history(conn: &Connection) -> anyhow::Result<()> {
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
        let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
            .expect("the migrations folder")
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql"))
            })
            .count();
        let mut conn = Connection::open_in_memory().expect("memory");
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
        for bad in ["postgres://u@h/db", "mysql://h/db", "sqlite::memory:", ""] {
            assert!(database_path(bad).is_err(), "{bad}");
        }
    }
}
