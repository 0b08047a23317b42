//! One way to run SQL on SQLite and on PostgreSQL.
//!
//! The store's queries are written once, in the SQL both databases accept
//! (`?1`-style parameters, `ON CONFLICT`, `RETURNING`, integers for flags),
//! and run through this module: [`Connection::prepare_cached`], then
//! [`Statement::execute`], [`Statement::query_row`] or [`Statement::rows`].
//! On SQLite every call goes straight to rusqlite, in place. On PostgreSQL
//! the parameters are renumbered (`?1` → `$1`), the statement is prepared
//! once per connection, and values are converted to the column types the
//! server infers (an integer to `smallint`, `integer`, `bigint` or
//! `boolean`), so that the same `i64`s and `bool`s bind on both.
//!
//! A statement whose answer the caller does not need at once can be
//! [deferred](Connection::defer): on PostgreSQL it is sent at once and its
//! answer read together with the next statement that is waited for, so that
//! several statements share one round trip to the server (tokio-postgres
//! pipelines them on its connection, which a runtime of the connection's
//! own drives while a statement is waited for: the blocking `postgres`
//! crate, a wrapper of the same client, cannot send a statement before the
//! last one is answered). On SQLite a deferred statement runs at once.
//!
//! Why not sqlx's `Any` driver: its SQLite side is the round trip between
//! threads that the writer exists to avoid (see `writer.rs`), and a query
//! would still need two dialects. Why not a trait per backend: the queries
//! are the same text; only binding and reading differ, and that is here.

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

/// What went wrong running a statement or reading a value.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    /// The server's own words when it refused a statement (postgres's
    /// `Display` says only "db error").
    #[error("{}", described(.0))]
    Postgres(tokio_postgres::Error),
    #[error("the query returned no row")]
    NoRows,
    /// A deferred statement did not change the rows it was expected to
    /// (see [`Connection::defer_expecting`]); the words are its caller's.
    #[error("{0}")]
    Unexpected(&'static str),
    #[error("column {column}: {message}")]
    Column { column: usize, message: String },
}

impl From<tokio_postgres::Error> for Error {
    fn from(e: tokio_postgres::Error) -> Error {
        Error::Postgres(e)
    }
}

impl Error {
    /// Whether the server ended the connection: it went away, or said so
    /// before closing (an administrator ended the session, the server is
    /// shutting down). The client may hand over that last word before it
    /// sees the connection closed.
    pub fn is_disconnection(&self) -> bool {
        let Error::Postgres(e) = self else {
            return false;
        };
        e.is_closed()
            || e.code().is_some_and(|code| {
                let code = code.code();
                code.starts_with("08") || code.starts_with("57P")
            })
    }
}

fn described(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {} ({})", db.severity(), db.message(), db.code().code()),
        None => match std::error::Error::source(e) {
            Some(cause) => format!("{e}: {cause}"),
            None => e.to_string(),
        },
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A value bound to a statement or read from a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
}

/// What can be bound as a parameter.
pub trait ToSql {
    fn value(&self) -> Value<'_>;
}

/// What can be read from a column.
pub trait FromSql: Sized {
    fn from_value(value: Value<'_>) -> Result<Self, String>;
}

impl ToSql for Value<'_> {
    fn value(&self) -> Value<'_> {
        *self
    }
}

impl ToSql for i64 {
    fn value(&self) -> Value<'_> {
        Value::Int(*self)
    }
}

impl ToSql for u16 {
    fn value(&self) -> Value<'_> {
        Value::Int(i64::from(*self))
    }
}

impl ToSql for bool {
    fn value(&self) -> Value<'_> {
        Value::Int(i64::from(*self))
    }
}

impl ToSql for f64 {
    fn value(&self) -> Value<'_> {
        Value::Real(*self)
    }
}

impl ToSql for str {
    fn value(&self) -> Value<'_> {
        Value::Text(self)
    }
}

impl ToSql for String {
    fn value(&self) -> Value<'_> {
        Value::Text(self)
    }
}

impl<T: ToSql + ?Sized> ToSql for &T {
    fn value(&self) -> Value<'_> {
        (**self).value()
    }
}

impl<T: ToSql> ToSql for Option<T> {
    fn value(&self) -> Value<'_> {
        self.as_ref().map_or(Value::Null, ToSql::value)
    }
}

impl FromSql for i64 {
    fn from_value(value: Value<'_>) -> Result<Self, String> {
        match value {
            Value::Int(v) => Ok(v),
            other => Err(format!("expected an integer, found {other:?}")),
        }
    }
}

impl FromSql for u16 {
    fn from_value(value: Value<'_>) -> Result<Self, String> {
        let v = i64::from_value(value)?;
        u16::try_from(v).map_err(|_| format!("{v} is out of range"))
    }
}

impl FromSql for bool {
    fn from_value(value: Value<'_>) -> Result<Self, String> {
        Ok(i64::from_value(value)? != 0)
    }
}

impl FromSql for f64 {
    fn from_value(value: Value<'_>) -> Result<Self, String> {
        match value {
            Value::Real(v) => Ok(v),
            // An integer read as a real: exact up to 2^53, far past any count.
            #[allow(clippy::cast_precision_loss)]
            Value::Int(v) => Ok(v as f64),
            other => Err(format!("expected a number, found {other:?}")),
        }
    }
}

impl FromSql for String {
    fn from_value(value: Value<'_>) -> Result<Self, String> {
        match value {
            Value::Text(s) => Ok(s.to_owned()),
            other => Err(format!("expected text, found {other:?}")),
        }
    }
}

impl<T: FromSql> FromSql for Option<T> {
    fn from_value(value: Value<'_>) -> Result<Self, String> {
        match value {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// Stores enums by their names (`as_str`) and reads them back with
/// `FromStr`: a name that is not one of the enum's is an error, not a guess.
macro_rules! stored_by_name {
    ($($ty:ty),+) => {$(
        impl $crate::store::sql::ToSql for $ty {
            fn value(&self) -> $crate::store::sql::Value<'_> {
                $crate::store::sql::Value::Text(self.as_str())
            }
        }

        impl $crate::store::sql::FromSql for $ty {
            fn from_value(value: $crate::store::sql::Value<'_>) -> Result<Self, String> {
                match value {
                    $crate::store::sql::Value::Text(s) => s.parse().map_err(|e| format!("{e}")),
                    other => Err(format!("expected a name, found {other:?}")),
                }
            }
        }
    )+};
}
pub(crate) use stored_by_name;

/// The parameters of one execution.
pub trait Params {
    fn values(&self) -> Vec<Value<'_>>;
}

impl Params for () {
    fn values(&self) -> Vec<Value<'_>> {
        Vec::new()
    }
}

impl<T: ToSql, const N: usize> Params for [T; N] {
    fn values(&self) -> Vec<Value<'_>> {
        self.iter().map(ToSql::value).collect()
    }
}

impl<T: ToSql> Params for [T] {
    fn values(&self) -> Vec<Value<'_>> {
        self.iter().map(ToSql::value).collect()
    }
}

impl<T: ToSql> Params for Vec<T> {
    fn values(&self) -> Vec<Value<'_>> {
        self.iter().map(ToSql::value).collect()
    }
}

impl<P: Params + ?Sized> Params for &P {
    fn values(&self) -> Vec<Value<'_>> {
        (**self).values()
    }
}

/// Parameters of different types: `params![id, name, lang]`.
macro_rules! params {
    ($($p:expr),* $(,)?) => {
        &[$(&$p as &dyn $crate::store::sql::ToSql),*][..]
    };
}
pub(crate) use params;

/// `Ok(None)` for a query that found no row.
pub trait OptionalExtension<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(Error::NoRows | Error::Sqlite(rusqlite::Error::QueryReturnedNoRows)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// A connection to either database, owned by the store's writer.
pub enum Connection {
    Sqlite(rusqlite::Connection),
    Postgres(Box<Postgres>),
}

/// A statement sent to PostgreSQL whose answer is read later (see
/// [`Connection::defer`]).
type Deferred = Pin<Box<dyn Future<Output = Result<()>> + Send>>;

/// A PostgreSQL connection and the statements prepared on it.
///
/// The fields are dropped in this order: what waits for the server first,
/// then the client, whose going tells the connection to say goodbye to
/// the server, then the runtime that lets it.
pub struct Postgres {
    /// Statements sent whose answers nobody has read yet, in the order
    /// they were sent.
    deferred: RefCell<Vec<Deferred>>,
    client: Arc<tokio_postgres::Client>,
    driver: Driver,
    prepared: RefCell<HashMap<String, tokio_postgres::Statement>>,
    /// This connection holds the bot's lock: its process leads (see
    /// `Store::lead`).
    pub(super) leading: std::cell::Cell<bool>,
    /// Standings added in this transaction and not written yet (see
    /// `answers::add_to_standings`).
    pub(super) standings: RefCell<super::answers::Pending>,
    /// The writer runs a batch without savepoints: handled updates wait
    /// to leave the inbox together (see `delivery::handled`).
    pub(super) batching: std::cell::Cell<bool>,
    /// Updates handled in this transaction that have not left the inbox
    /// yet (see `delivery::handled`).
    pub(super) handled: RefCell<Vec<i64>>,
    /// The transaction-level advisory locks this transaction holds (see
    /// [`Connection::lock_for_transaction`]).
    locks: RefCell<Vec<i64>>,
}

/// What drives one connection: a runtime on the thread that uses the
/// connection, which runs only while that thread waits for the server,
/// and the connection itself, polled in place by whatever waits (as the
/// blocking `postgres` crate does: no task to schedule and wake).
struct Driver {
    runtime: tokio::runtime::Runtime,
    /// `None` once it ended (the client then reports itself closed).
    connection: RefCell<Option<Pin<Box<PgConnection>>>>,
}

/// A connection to PostgreSQL, with TLS or without: what drives it ends
/// when it does.
type PgConnection = dyn Future<Output = std::result::Result<(), tokio_postgres::Error>> + Send;

impl Driver {
    /// Runs `future` to its end, driving the connection meanwhile.
    fn run<T>(&self, future: impl Future<Output = T>) -> T {
        let mut future = std::pin::pin!(future);
        let mut connection = self.connection.borrow_mut();
        self.runtime.block_on(std::future::poll_fn(|cx| {
            if let Some(conn) = connection.as_mut()
                && let Poll::Ready(ended) = conn.as_mut().poll(cx)
            {
                if let Err(e) = ended {
                    tracing::debug!(error = %Error::from(e), "the connection to PostgreSQL ended");
                }
                *connection = None;
            }
            future.as_mut().poll(cx)
        }))
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The client is gone: the connection tells the server and ends,
        // if it is given the moment to. Not from async code, which must
        // not block (the server then sees the socket close).
        if tokio::runtime::Handle::try_current().is_ok() {
            return;
        }
        if let Some(connection) = self.connection.get_mut().take() {
            let _ = self
                .runtime
                .block_on(async { tokio::time::timeout(Duration::from_secs(1), connection).await });
        }
    }
}

/// Statements kept prepared per PostgreSQL connection; past this the cache
/// starts afresh (the store has about 120 distinct statements, and a few
/// more for lists of different lengths).
const PREPARED: usize = 512;

impl Postgres {
    /// Connects, with `tls` if given (else without), on a runtime of the
    /// connection's own: call it from a thread that may block, never from
    /// async code.
    pub fn connect(
        config: &tokio_postgres::Config,
        tls: Option<&rustls::ClientConfig>,
    ) -> anyhow::Result<Postgres> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (client, connection): (_, Pin<Box<PgConnection>>) = match tls {
            None => {
                let (client, connection) = runtime
                    .block_on(config.connect(tokio_postgres::NoTls))
                    .map_err(Error::from)?;
                (client, Box::pin(connection))
            }
            Some(tls) => {
                let tls = tokio_postgres_rustls::MakeRustlsConnect::new(tls.clone());
                let (client, connection) =
                    runtime.block_on(config.connect(tls)).map_err(Error::from)?;
                (client, Box::pin(connection))
            }
        };
        // Polled by whoever waits (see `Driver::run`), never spawned.
        Ok(Postgres {
            deferred: RefCell::default(),
            client: Arc::new(client),
            driver: Driver {
                runtime,
                connection: RefCell::new(Some(connection)),
            },
            prepared: RefCell::new(HashMap::new()),
            leading: std::cell::Cell::new(false),
            standings: RefCell::default(),
            batching: std::cell::Cell::new(false),
            handled: RefCell::default(),
            locks: RefCell::default(),
        })
    }

    /// Whether the server went away (the writer then connects again).
    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// Runs `now` to its end; before it, reads the answers to every
    /// statement sent earlier, in the same round trip. Returns the first
    /// earlier failure, if any (the transaction is then aborted), and the
    /// result of `now`.
    fn settle_with<T>(&self, now: impl Future<Output = Result<T>>) -> (Result<()>, Result<T>) {
        let deferred = std::mem::take(&mut *self.deferred.borrow_mut());
        if deferred.is_empty() {
            return (Ok(()), self.driver.run(now));
        }
        // Every deferred statement was sent when it was deferred, so the
        // server answers them in that order, then `now`.
        self.driver.run(async {
            let (earlier, now) = tokio::join!(futures::future::join_all(deferred), now);
            (earlier.into_iter().collect(), now)
        })
    }

    /// [`Postgres::settle_with`], failing with the first failure.
    fn wait<T>(&self, now: impl Future<Output = Result<T>>) -> Result<T> {
        let (earlier, now) = self.settle_with(now);
        earlier?;
        now
    }

    /// Sends what `f` makes of the client now, and reads its answer later.
    fn defer<F, Fut>(&self, f: F)
    where
        F: FnOnce(Arc<tokio_postgres::Client>) -> Fut,
        Fut: Future<Output = Result<()>> + Send + 'static,
    {
        let mut future: Deferred = Box::pin(f(self.client.clone()));
        // The first poll encodes the statement and hands it to the
        // connection; it goes out with the next round trip, and its answer
        // is read then.
        let mut cx = Context::from_waker(futures::task::noop_waker_ref());
        if let Poll::Ready(done) = future.as_mut().poll(&mut cx) {
            future = Box::pin(std::future::ready(done));
        }
        self.deferred.borrow_mut().push(future);
    }
}

/// The answer to a statement sent before it was needed (see
/// [`Connection::defer_query_row`]): there once the next statement waited
/// for is answered, or [`Later::wait`] waited, and at the latest once the
/// writer's job is committed (on SQLite, at once).
#[derive(Debug)]
pub struct Later<T>(Arc<OnceLock<T>>);

impl<T> Later<T> {
    /// The answer, if it came.
    pub fn get(&self) -> Option<&T> {
        self.0.get()
    }

    pub(super) fn ready(value: T) -> Later<T> {
        Later(Arc::new(OnceLock::from(value)))
    }
}

impl<T: Clone> Later<T> {
    /// The answer, waited for if it has not come yet: on PostgreSQL every
    /// statement sent before it is answered too, and the first of them
    /// that failed fails this.
    pub fn wait(self, conn: &Connection) -> anyhow::Result<T> {
        if self.0.get().is_none() {
            conn.flush()?;
        }
        match Arc::try_unwrap(self.0) {
            Ok(answer) => answer.into_inner(),
            Err(shared) => shared.get().cloned(),
        }
        .ok_or_else(|| anyhow::anyhow!("a deferred query was never answered"))
    }
}

impl<T: Copy> Later<T> {
    /// The answers to the deferred queries of a committed job, in order.
    pub fn all(laters: &[Later<T>]) -> anyhow::Result<Vec<T>> {
        laters
            .iter()
            .map(|later| {
                later
                    .get()
                    .copied()
                    .ok_or_else(|| anyhow::anyhow!("a deferred query was never answered"))
            })
            .collect()
    }
}

/// A value that outlives the row it was read from or the caller that
/// bound it: a deferred statement's parameter, a row `db copy` carries
/// from one database to the other.
#[derive(Debug, Clone, PartialEq)]
pub enum Owned {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl Owned {
    fn of(values: &[Value<'_>]) -> Vec<Owned> {
        values.iter().map(|v| Owned::from(*v)).collect()
    }
}

impl From<Value<'_>> for Owned {
    fn from(value: Value<'_>) -> Owned {
        match value {
            Value::Null => Owned::Null,
            Value::Int(i) => Owned::Int(i),
            Value::Real(r) => Owned::Real(r),
            Value::Text(t) => Owned::Text(t.to_owned()),
        }
    }
}

impl ToSql for Owned {
    fn value(&self) -> Value<'_> {
        match self {
            Owned::Null => Value::Null,
            Owned::Int(i) => Value::Int(*i),
            Owned::Real(r) => Value::Real(*r),
            Owned::Text(t) => Value::Text(t),
        }
    }
}

impl FromSql for Owned {
    fn from_value(value: Value<'_>) -> Result<Self, String> {
        Ok(Owned::from(value))
    }
}

impl Connection {
    /// Prepares `sql` (once per connection) for running.
    pub fn prepare_cached(&self, sql: &str) -> Result<Statement<'_>> {
        match self {
            Connection::Sqlite(c) => Ok(Statement::Sqlite(c.prepare_cached(sql)?)),
            Connection::Postgres(pg) => pg_prepare(pg, sql).map(|s| Statement::Postgres(pg, s)),
        }
    }

    /// Runs `sql` once and reads its first row.
    pub fn query_row<T, P, F>(&self, sql: &str, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        self.prepare_cached(sql)?.query_row(params, f)
    }

    /// Runs `sql` once; returns how many rows it changed.
    pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }

    /// Runs `sql`, whose answer its caller does not read: on SQLite at
    /// once; on PostgreSQL it is sent now and answered with the next
    /// statement waited for (or the commit), in the same round trip. A
    /// failure then fails that statement, or the commit, and the writer
    /// runs the batch again, each job on its own (see
    /// `writer::run_transaction`).
    pub fn defer<P: Params>(&self, sql: &str, params: P) -> Result<()> {
        self.defer_checked(sql, params, None)
    }

    /// [`Connection::defer`] for a statement that must change exactly
    /// `rows` rows: if it changes any other number, it fails (on PostgreSQL
    /// later, as `defer` says) with [`Error::Unexpected`] and `otherwise`.
    pub fn defer_expecting<P: Params>(
        &self,
        sql: &str,
        params: P,
        rows: u64,
        otherwise: &'static str,
    ) -> Result<()> {
        self.defer_checked(sql, params, Some((rows, otherwise)))
    }

    fn defer_checked<P: Params>(
        &self,
        sql: &str,
        params: P,
        expect: Option<(u64, &'static str)>,
    ) -> Result<()> {
        let check = move |n: u64| match expect {
            Some((rows, otherwise)) if n != rows => Err(Error::Unexpected(otherwise)),
            _ => Ok(()),
        };
        match self {
            Connection::Sqlite(_) => {
                let n = self.prepare_cached(sql)?.execute(params)?;
                check(u64::try_from(n).unwrap_or(u64::MAX))
            }
            Connection::Postgres(pg) => {
                let statement = pg_prepare(pg, sql)?;
                let values = Owned::of(&params.values());
                pg.defer(|client| async move {
                    let n = client.execute(&statement, &owned_params(&values)).await?;
                    check(n)
                });
                Ok(())
            }
        }
    }

    /// Runs a query whose first row its caller reads later (see
    /// [`Later`]): on SQLite at once; on PostgreSQL it is deferred as
    /// [`Connection::defer`] says, and the row read with its answer.
    pub fn defer_query_row<T, P, F>(&self, sql: &str, params: P, f: F) -> Result<Later<T>>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T> + Send + 'static,
        T: Send + Sync + 'static,
    {
        self.defer_first_row(sql, params, f, |row| row.ok_or(Error::NoRows))
    }

    /// [`Connection::defer_query_row`] for a query that may return no
    /// row: `None` then, not a failure.
    pub fn defer_query_optional<T, P, F>(
        &self,
        sql: &str,
        params: P,
        f: F,
    ) -> Result<Later<Option<T>>>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T> + Send + 'static,
        T: Send + Sync + 'static,
    {
        self.defer_first_row(sql, params, f, Ok)
    }

    /// The first row of `sql` read by `f`, if there is one, then `finish`ed
    /// (a missing row made an error, or kept as `None`).
    fn defer_first_row<T, U, P, F>(
        &self,
        sql: &str,
        params: P,
        f: F,
        finish: fn(Option<T>) -> Result<U>,
    ) -> Result<Later<U>>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T> + Send + 'static,
        T: Send + 'static,
        U: Send + Sync + 'static,
    {
        match self {
            Connection::Sqlite(_) => {
                finish(self.query_row(sql, params, f).optional()?).map(Later::ready)
            }
            Connection::Postgres(pg) => {
                let statement = pg_prepare(pg, sql)?;
                let values = Owned::of(&params.values());
                let later = Later(Arc::new(OnceLock::new()));
                let slot = later.0.clone();
                pg.defer(|client| async move {
                    let rows = client.query(&statement, &owned_params(&values)).await?;
                    let row = rows.first().map(|row| f(&Row::Postgres(row))).transpose()?;
                    let _ = slot.set(finish(row)?);
                    Ok(())
                });
                Ok(later)
            }
        }
    }

    /// Runs statements without parameters or results as
    /// [`Connection::execute_batch`] does, deferred as
    /// [`Connection::defer`] says.
    pub fn defer_batch(&self, sql: &str) -> Result<()> {
        match self {
            Connection::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Connection::Postgres(pg) => {
                let sql = sql.to_owned();
                pg.defer(|client| async move { Ok(client.batch_execute(&sql).await?) });
                Ok(())
            }
        }
    }

    /// Reads the answers to every deferred statement; the first failure
    /// among them, if any.
    pub fn flush(&self) -> Result<()> {
        match self {
            Connection::Sqlite(_) => Ok(()),
            Connection::Postgres(pg) => pg.wait(async { Ok(()) }),
        }
    }

    /// Runs statements without parameters or results (transaction control,
    /// migrations), in one round trip.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        let (earlier, now) = self.settle_then(sql);
        earlier?;
        now
    }

    /// Reads the answers to every deferred statement, then runs `sql` as
    /// [`Connection::execute_batch`] does, in the same round trip. Returns
    /// the first deferred failure, if any (`sql` ran all the same, in a
    /// transaction that failure aborted), and the result of `sql`.
    pub fn settle_then(&self, sql: &str) -> (Result<()>, Result<()>) {
        match self {
            Connection::Sqlite(c) => (Ok(()), c.execute_batch(sql).map_err(Into::into)),
            Connection::Postgres(pg) => {
                pg.settle_with(async { pg.client.batch_execute(sql).await.map_err(Into::into) })
            }
        }
    }

    /// Takes PostgreSQL's transaction-level advisory lock `key`, waiting
    /// while another transaction holds it, unless this transaction took it
    /// already (a round trip saved for every job of a batch but the
    /// first). Nothing on SQLite, whose writer holds the whole database.
    pub fn lock_for_transaction(&self, key: i64) -> Result<()> {
        let Connection::Postgres(pg) = self else {
            return Ok(());
        };
        if pg.locks.borrow().contains(&key) {
            return Ok(());
        }
        // Deferred: whatever follows is run by the server once it has it.
        self.defer("SELECT pg_advisory_xact_lock(?1)", [key])?;
        pg.locks.borrow_mut().push(key);
        Ok(())
    }

    /// The writer began a transaction: nothing of the last one is held or
    /// waiting.
    pub(super) fn transaction_begun(&self) {
        if let Connection::Postgres(pg) = self {
            pg.locks.borrow_mut().clear();
            pg.standings.borrow_mut().clear();
            pg.handled.borrow_mut().clear();
        }
    }

    /// The writer's job ended, kept (`ok`) or rolled back to its savepoint,
    /// which releases the locks it took (which they are is not tracked:
    /// all are taken again when next needed) and takes back the standings
    /// it added and the updates it handled. (A job that fails where the
    /// batch runs without savepoints fails the batch, which runs again:
    /// what the jobs before it left waiting goes with it.)
    pub(super) fn job_done(&self, ok: bool) {
        if let Connection::Postgres(pg) = self {
            if !ok {
                pg.locks.borrow_mut().clear();
                pg.handled.borrow_mut().clear();
            }
            pg.standings.borrow_mut().job_done(ok);
        }
    }

    /// The writer starts (`true`) or ends running a batch without
    /// savepoints (see `delivery::handled`).
    pub(super) fn set_batching(&self, on: bool) {
        if let Connection::Postgres(pg) = self {
            pg.batching.set(on);
        }
    }

    /// Whether this is a PostgreSQL connection that broke.
    pub fn is_broken(&self) -> bool {
        matches!(self, Connection::Postgres(pg) if pg.is_closed())
    }
}

/// Prepares `sql` on `pg`, once per connection.
fn pg_prepare(pg: &Postgres, sql: &str) -> Result<tokio_postgres::Statement> {
    if let Some(stmt) = pg.prepared.borrow().get(sql) {
        return Ok(stmt.clone());
    }
    let numbered = numbered(sql);
    let stmt = pg.wait(async { Ok(pg.client.prepare(&numbered).await?) })?;
    let mut prepared = pg.prepared.borrow_mut();
    if prepared.len() >= PREPARED {
        prepared.clear();
    }
    prepared.insert(sql.to_owned(), stmt.clone());
    Ok(stmt)
}

/// A prepared statement.
pub enum Statement<'c> {
    Sqlite(rusqlite::CachedStatement<'c>),
    Postgres(&'c Postgres, tokio_postgres::Statement),
}

impl Statement<'_> {
    /// Runs the statement; returns how many rows it changed.
    pub fn execute<P: Params>(&mut self, params: P) -> Result<usize> {
        let values = params.values();
        match self {
            Statement::Sqlite(s) => Ok(s.execute(rusqlite::params_from_iter(values.iter()))?),
            Statement::Postgres(pg, s) => {
                let n =
                    pg.wait(async { Ok(pg.client.execute(&*s, &pg_params(&values)).await?) })?;
                Ok(usize::try_from(n).unwrap_or(usize::MAX))
            }
        }
    }

    /// Runs the statement and reads its first row; [`Error::NoRows`] if it
    /// returned none.
    pub fn query_row<T, P, F>(&mut self, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        let values = params.values();
        match self {
            Statement::Sqlite(s) => {
                let mut rows = s.query(rusqlite::params_from_iter(values.iter()))?;
                match rows.next()? {
                    Some(row) => f(&Row::Sqlite(row)),
                    None => Err(Error::NoRows),
                }
            }
            Statement::Postgres(pg, s) => {
                let rows =
                    pg.wait(async { Ok(pg.client.query(&*s, &pg_params(&values)).await?) })?;
                match rows.first() {
                    Some(row) => f(&Row::Postgres(row)),
                    None => Err(Error::NoRows),
                }
            }
        }
    }

    /// Runs the statement and reads every row with `f`.
    pub fn rows<T, P, F>(&mut self, params: P, mut f: F) -> Result<Vec<T>>
    where
        P: Params,
        F: FnMut(&Row<'_>) -> Result<T>,
    {
        let values = params.values();
        match self {
            Statement::Sqlite(s) => {
                let mut rows = s.query(rusqlite::params_from_iter(values.iter()))?;
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    out.push(f(&Row::Sqlite(row))?);
                }
                Ok(out)
            }
            Statement::Postgres(pg, s) => {
                let rows =
                    pg.wait(async { Ok(pg.client.query(&*s, &pg_params(&values)).await?) })?;
                rows.iter().map(|row| f(&Row::Postgres(row))).collect()
            }
        }
    }
}

/// A row being read.
pub enum Row<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Postgres(&'r tokio_postgres::Row),
}

impl Row<'_> {
    /// The value of column `column` (from 0).
    pub fn get<T: FromSql>(&self, column: usize) -> Result<T> {
        let fail = |message: String| Error::Column { column, message };
        match self {
            Row::Sqlite(r) => {
                use rusqlite::types::ValueRef;
                let value = match r.get_ref(column)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(v) => Value::Int(v),
                    ValueRef::Real(v) => Value::Real(v),
                    ValueRef::Text(t) => {
                        Value::Text(std::str::from_utf8(t).map_err(|e| fail(e.to_string()))?)
                    }
                    ValueRef::Blob(_) => return Err(fail("a blob where a value belongs".into())),
                };
                T::from_value(value).map_err(fail)
            }
            Row::Postgres(r) => T::from_value(pg_value(r, column)?).map_err(fail),
        }
    }
}

/// Reads a PostgreSQL column by its type.
fn pg_value<'r>(row: &'r tokio_postgres::Row, column: usize) -> Result<Value<'r>> {
    use tokio_postgres::types::Type;
    let Some(col) = row.columns().get(column) else {
        return Err(Error::Column {
            column,
            message: "no such column".into(),
        });
    };
    let ty = col.type_();
    let value = if *ty == Type::INT8 {
        row.try_get::<_, Option<i64>>(column)?.map(Value::Int)
    } else if *ty == Type::INT4 {
        row.try_get::<_, Option<i32>>(column)?
            .map(|v| Value::Int(v.into()))
    } else if *ty == Type::INT2 {
        row.try_get::<_, Option<i16>>(column)?
            .map(|v| Value::Int(v.into()))
    } else if *ty == Type::BOOL {
        row.try_get::<_, Option<bool>>(column)?
            .map(|v| Value::Int(v.into()))
    } else if *ty == Type::FLOAT8 {
        row.try_get::<_, Option<f64>>(column)?.map(Value::Real)
    } else if *ty == Type::FLOAT4 {
        row.try_get::<_, Option<f32>>(column)?
            .map(|v| Value::Real(v.into()))
    } else if <&str as tokio_postgres::types::FromSql>::accepts(ty) {
        row.try_get::<_, Option<&str>>(column)?.map(Value::Text)
    } else {
        return Err(Error::Column {
            column,
            message: format!("a value of type {ty} (cast it in the query)"),
        });
    };
    Ok(value.unwrap_or(Value::Null))
}

fn pg_params<'a>(values: &'a [Value<'a>]) -> Vec<&'a (dyn tokio_postgres::types::ToSql + Sync)> {
    values
        .iter()
        .map(|v| v as &(dyn tokio_postgres::types::ToSql + Sync))
        .collect()
}

fn owned_params(values: &[Owned]) -> Vec<&(dyn tokio_postgres::types::ToSql + Sync)> {
    values
        .iter()
        .map(|v| v as &(dyn tokio_postgres::types::ToSql + Sync))
        .collect()
}

impl tokio_postgres::types::ToSql for Owned {
    fn to_sql(
        &self,
        ty: &tokio_postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> Result<tokio_postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        self.value().to_sql(ty, out)
    }

    fn accepts(_: &tokio_postgres::types::Type) -> bool {
        true
    }

    tokio_postgres::types::to_sql_checked!();
}

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match *self {
            Value::Null => ValueRef::Null,
            Value::Int(v) => ValueRef::Integer(v),
            Value::Real(v) => ValueRef::Real(v),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
        }))
    }
}

impl tokio_postgres::types::ToSql for Value<'_> {
    fn to_sql(
        &self,
        ty: &tokio_postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> Result<tokio_postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use tokio_postgres::types::{IsNull, Type};
        match *self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(v) if *ty == Type::INT8 => v.to_sql(ty, out),
            Value::Int(v) if *ty == Type::INT4 => i32::try_from(v)?.to_sql(ty, out),
            Value::Int(v) if *ty == Type::INT2 => i16::try_from(v)?.to_sql(ty, out),
            Value::Int(v) if *ty == Type::BOOL => (v != 0).to_sql(ty, out),
            Value::Real(v) if *ty == Type::FLOAT8 => v.to_sql(ty, out),
            Value::Text(s) if <&str as tokio_postgres::types::ToSql>::accepts(ty) => {
                s.to_sql(ty, out)
            }
            other => Err(format!("cannot bind {other:?} as {ty}").into()),
        }
    }

    fn accepts(_: &tokio_postgres::types::Type) -> bool {
        true
    }

    tokio_postgres::types::to_sql_checked!();
}

/// `?1`-style (and bare `?`) parameters as PostgreSQL's `$1`, outside
/// quoted text.
pub fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut next = 1;
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                out.push(c);
            }
            (Some(_), c) => out.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                out.push(c);
            }
            (None, '?') => {
                out.push('$');
                if chars.peek().is_some_and(char::is_ascii_digit) {
                    while let Some(d) = chars.next_if(char::is_ascii_digit) {
                        out.push(d);
                    }
                } else {
                    out.push_str(&next.to_string());
                    next += 1;
                }
            }
            (None, c) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_numbered_for_postgres() {
        assert_eq!(
            numbered("SELECT ?1, ?2 WHERE a = ?1"),
            "SELECT $1, $2 WHERE a = $1"
        );
        assert_eq!(
            numbered("VALUES (?, ?), (?, ?)"),
            "VALUES ($1, $2), ($3, $4)"
        );
        assert_eq!(
            numbered("SELECT '?' || ?1, \"a?\""),
            "SELECT '?' || $1, \"a?\""
        );
    }

    #[test]
    fn sqlite_reads_and_binds_through_the_same_calls() {
        let conn = Connection::Sqlite(rusqlite::Connection::open_in_memory().expect("memory"));
        conn.execute_batch("CREATE TABLE t (a INTEGER, b TEXT, c INTEGER)")
            .expect("table");
        let n = conn
            .prepare_cached("INSERT INTO t (a, b, c) VALUES (?1, ?2, ?3)")
            .expect("prepared")
            .execute(params![7_i64, "نص", true])
            .expect("inserted");
        assert_eq!(n, 1);
        let row: (i64, String, bool, Option<i64>) = conn
            .query_row("SELECT a, b, c, NULL FROM t", (), |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .expect("read");
        assert_eq!(row, (7, "نص".to_owned(), true, None));
        let none = conn
            .query_row("SELECT a FROM t WHERE a = ?1", [8_i64], |r| r.get::<i64>(0))
            .optional()
            .expect("read");
        assert_eq!(none, None);
        let wrong = conn.query_row("SELECT b FROM t", (), |r| r.get::<i64>(0));
        assert!(matches!(wrong, Err(Error::Column { column: 0, .. })));
    }
}
