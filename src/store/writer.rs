//! The writer: a thread that owns a database connection and commits many
//! jobs per transaction (group commit), on SQLite and on PostgreSQL alike.
//! A store has one; on PostgreSQL a second one, on a connection of its own,
//! keeps received updates (see [`super::Store::keep`]).
//!
//! A job is a closure over the connection. The writer takes every job that
//! is waiting (up to [`MAX_BATCH`]), runs them in one `BEGIN IMMEDIATE` …
//! `COMMIT` so that a job that fails (or panics) undoes only itself (each
//! in a savepoint of its own on SQLite; on PostgreSQL, see
//! [`run_transaction`]), and hands each job its result once the commit is
//! done: a caller never sees a result that could still be rolled back.
//!
//! Why a thread and not an async driver: every statement through sqlx's
//! SQLite worker is a round trip between threads, about 50 µs of CPU on
//! these machines, while a statement run in place costs well under 1 µs. A
//! job crosses threads once, and when many are waiting, not even that: the
//! writer drains the queue without sleeping. On PostgreSQL the same batching
//! turns a commit (a round trip and a flush of the server's log) per job
//! into one per batch; the intake's writer gives the threads that receive
//! a moment first, so that its batches hold more (see [`run`]).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;

use super::Target;
use super::sql::Connection;
use tokio::sync::{mpsc, oneshot};

/// At most this many jobs share one transaction.
pub const MAX_BATCH: usize = 512;
/// Jobs waiting for the writer before a caller has to wait to add one.
pub const QUEUE: usize = 4096;
/// How many times at most a gathering writer gives way to the threads
/// that bring its jobs before it begins a batch (see [`run`]).
const GATHER_YIELDS: usize = 3;

/// How a writer makes its batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Batching {
    /// Of the jobs waiting when it is free.
    AsQueued,
    /// Of those, and of those the threads that bring them are about to
    /// add (see [`run`]).
    Gathered,
}

/// Work for the writer.
pub(super) trait Job: Send {
    /// Runs inside the batch's transaction; returns false if it failed (its
    /// savepoint is then rolled back). It may run twice: see
    /// [`run_transaction`]. With `settle`, the answers to the statements it
    /// deferred are read before it ends, and fail it if they fail.
    fn run(&mut self, conn: &Connection, settle: bool) -> bool;
    /// Sends what the job reads first, without waiting for the answers,
    /// before the batch's jobs run (on PostgreSQL, when they run without
    /// savepoints): the reads of a whole batch then take one round trip.
    /// What is read so sees nothing the jobs before it in the batch write;
    /// a job that reads ahead checks, where it writes, that what it read
    /// still holds, and fails otherwise (the batch then runs again, each
    /// job reading as it runs).
    fn read_ahead(&mut self, _conn: &Connection) {}
    /// Called once the batch is committed (`Ok`) or rolled back (`Err`).
    fn finish(self: Box<Self>, committed: Result<(), Arc<anyhow::Error>>);
    /// The writer stops after the batch that holds this job.
    fn stops(&self) -> bool {
        false
    }
}

/// Asks the writer to stop once the jobs before it are done.
pub(super) struct Stop;

impl Job for Stop {
    fn run(&mut self, _: &Connection, _: bool) -> bool {
        true
    }

    fn finish(self: Box<Self>, _: Result<(), Arc<anyhow::Error>>) {}

    fn stops(&self) -> bool {
        true
    }
}

/// A closure and where its result goes: `read` runs first (ahead, if the
/// writer reads ahead; see [`Job::read_ahead`]), then `f` with what it read.
pub(super) struct Task<R, P, F, T> {
    read: R,
    /// What `read` sent ahead, for the next run.
    ahead: Option<anyhow::Result<P>>,
    f: F,
    result: Option<anyhow::Result<T>>,
    reply: oneshot::Sender<anyhow::Result<T>>,
}

impl<R, P, F, T> Task<R, P, F, T>
where
    R: FnMut(&Connection) -> anyhow::Result<P> + Send,
    P: Send,
    F: FnMut(&Connection, P) -> anyhow::Result<T> + Send,
    T: Send,
{
    pub(super) fn new(read: R, f: F) -> (Self, oneshot::Receiver<anyhow::Result<T>>) {
        let (reply, rx) = oneshot::channel();
        (
            Task {
                read,
                ahead: None,
                f,
                result: None,
                reply,
            },
            rx,
        )
    }
}

impl<R, P, F, T> Job for Task<R, P, F, T>
where
    R: FnMut(&Connection) -> anyhow::Result<P> + Send,
    P: Send,
    F: FnMut(&Connection, P) -> anyhow::Result<T> + Send,
    T: Send,
{
    fn run(&mut self, conn: &Connection, settle: bool) -> bool {
        // Read ahead only for a run without savepoints: a run with them
        // (the batch again, after a failure) reads afresh.
        let ahead = self.ahead.take().filter(|_| !settle);
        let (read, f) = (&mut self.read, &mut self.f);
        let run = || {
            let read = match ahead {
                Some(read) => read?,
                None => read(conn)?,
            };
            let value = f(conn, read)?;
            if settle {
                conn.flush()?;
            }
            Ok(value)
        };
        let result = caught(run);
        let ok = result.is_ok();
        self.result = Some(result);
        ok
    }

    fn read_ahead(&mut self, conn: &Connection) {
        let read = &mut self.read;
        self.ahead = Some(caught(|| read(conn)));
    }

    fn finish(self: Box<Self>, committed: Result<(), Arc<anyhow::Error>>) {
        let Task {
            read,
            ahead,
            f,
            result,
            reply,
        } = *self;
        // What the closures hold is let go before the caller hears back, so
        // that the caller finds itself the only owner of what it shared.
        drop((read, ahead, f));
        let result = match (committed, result) {
            (Ok(()), Some(r)) => r,
            (Err(e), Some(Ok(_))) => Err(anyhow::anyhow!("the transaction did not commit: {e:#}")),
            (_, Some(Err(e))) => Err(e),
            (Err(e), None) => Err(anyhow::anyhow!("{e:#}")),
            (Ok(()), None) => Err(anyhow::anyhow!("the job never ran")),
        };
        // The caller may have stopped waiting: the work is done all the same.
        let _ = reply.send(result);
    }
}

/// What `f` returns, or its panic as an error: a job that panics fails,
/// the writer goes on.
fn caught<T>(f: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        Err(anyhow::anyhow!(
            "a database job panicked: {}",
            crate::panic_message(panic.as_ref())
        ))
    })
}

/// The number all factquiz processes agree on for the bot's lead (see
/// `Store::lead`): a PostgreSQL advisory lock.
pub const LEAD_LOCK: i64 = 0x6671_6c65_6164; // "fqlead"

/// Takes the lead if no other process holds it; true if this connection
/// holds it (now or already). Always true on SQLite.
pub(super) fn try_lead(conn: &Connection) -> anyhow::Result<bool> {
    let Connection::Postgres(pg) = conn else {
        return Ok(true);
    };
    if pg.leading.get() {
        return Ok(true);
    }
    let got: bool = conn.query_row("SELECT pg_try_advisory_lock(?1)", [LEAD_LOCK], |r| r.get(0))?;
    pg.leading.set(got);
    Ok(got)
}

/// Whether this process lost the lead, and who waits to hear it.
#[derive(Debug, Default)]
pub(super) struct Deposed {
    set: std::sync::atomic::AtomicBool,
    notify: tokio::sync::Notify,
}

impl Deposed {
    fn depose(&self) {
        self.set.store(true, std::sync::atomic::Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    pub(super) fn is_set(&self) -> bool {
        self.set.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub(super) async fn wait(&self) {
        loop {
            let notified = self.notify.notified();
            if self.is_set() {
                return;
            }
            notified.await;
        }
    }
}

/// Runs the writer until every sender is gone, then checkpoints SQLite's WAL
/// into the database file, so that the file alone holds everything. A
/// PostgreSQL connection that broke is made again before the next batch.
///
/// [`Batching::Gathered`] (the intake's writer) gives way to the other
/// threads before each batch: once, then again while each time brings it
/// jobs, [`GATHER_YIELDS`] times at most. Several instances on one
/// machine, each receiving a share of a flood of votes, committed three
/// or four votes at a time (a round trip, a flush of the server's log and
/// a wake-up of each side for every few votes); giving way cut the CPU
/// three instances spend on a burst by about a tenth (see BENCHMARKS.md).
/// Idle, a yield returns at once.
pub(super) fn run(
    mut conn: Connection,
    target: Target,
    mut jobs: mpsc::Receiver<Box<dyn Job>>,
    deposed: &Deposed,
    batching: Batching,
) {
    let mut batch: Vec<Box<dyn Job>> = Vec::with_capacity(MAX_BATCH);
    let mut stop = false;
    while !stop && let Some(first) = jobs.blocking_recv() {
        stop = first.stops();
        batch.push(first);
        take_waiting(&mut jobs, &mut batch, &mut stop);
        if batching == Batching::Gathered {
            // The threads that receive may be waiting for a core behind
            // this one, each with a job about to come: they run first, and
            // their jobs join this batch, as long as they bring some.
            for _ in 0..GATHER_YIELDS {
                if stop || batch.len() == MAX_BATCH {
                    break;
                }
                std::thread::yield_now();
                if !take_waiting(&mut jobs, &mut batch, &mut stop) {
                    break;
                }
            }
        }
        let committed = if deposed.is_set() {
            Err(Arc::new(anyhow::anyhow!(
                "another instance took the lead: this one handles nothing more"
            )))
        } else {
            run_transaction(&mut conn, &target, deposed, &mut batch).map_err(Arc::new)
        };
        for job in batch.drain(..) {
            job.finish(committed.clone());
        }
    }
    // Whatever comes after a stop finds the database closed.
    jobs.close();
    while let Ok(job) = jobs.try_recv() {
        job.finish(Err(Arc::new(anyhow::anyhow!("the database is closed"))));
    }
    if let Connection::Sqlite(sqlite) = conn {
        if let Err(e) = sqlite.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)") {
            tracing::warn!(error = %e, "could not checkpoint the database on the way out");
        }
        if let Err((_, e)) = sqlite.close() {
            tracing::warn!(error = %e, "could not close the database");
        }
    }
}

/// Takes the jobs waiting into `batch`, up to [`MAX_BATCH`] or a stop;
/// whether there were any.
fn take_waiting(
    jobs: &mut mpsc::Receiver<Box<dyn Job>>,
    batch: &mut Vec<Box<dyn Job>>,
    stop: &mut bool,
) -> bool {
    let before = batch.len();
    while !*stop && batch.len() < MAX_BATCH {
        match jobs.try_recv() {
            Ok(job) => {
                *stop = job.stops();
                batch.push(job);
            }
            Err(_) => break,
        }
    }
    batch.len() > before
}

/// Starts the batch's transaction. On PostgreSQL, a connection found broken
/// (the server restarted, a proxy dropped it) is made again first, before
/// any job of the batch ran, so that the batch loses nothing (a leader
/// takes its lead again, or is deposed); if it cannot be, the batch fails
/// and the next one tries again. On SQLite, `BEGIN
/// IMMEDIATE`, waiting while another process holds the database (its busy
/// timeout runs out after ten seconds; then once more, then an error).
///
/// With `optimistic`, on a PostgreSQL connection not known to be broken,
/// `BEGIN` is deferred: it goes to the server with the batch's first
/// statement, in the same round trip. Should the connection turn out
/// broken then, [`run_transaction`] rolls back and begins again, without.
fn begin(
    conn: &mut Connection,
    target: &Target,
    deposed: &Deposed,
    optimistic: bool,
) -> anyhow::Result<()> {
    match conn {
        Connection::Postgres(pg) if optimistic && !pg.is_closed() => conn.defer_batch("BEGIN")?,
        _ => start(conn, target, deposed)?,
    }
    conn.transaction_begun();
    Ok(())
}

/// Starts the transaction as [`begin`] says; `begin` then forgets what the
/// last transaction left on the connection.
fn start(conn: &mut Connection, target: &Target, deposed: &Deposed) -> anyhow::Result<()> {
    if let Connection::Postgres(pg) = conn {
        let leading = pg.leading.get();
        let began = (!pg.is_closed()).then(|| exec(conn, "BEGIN"));
        return match began {
            Some(Ok(())) => Ok(()),
            Some(Err(e)) if !conn.is_broken() && !e.is_disconnection() => {
                Err(anyhow::Error::new(e).context("cannot start a transaction"))
            }
            _ => {
                tracing::warn!("the connection to PostgreSQL broke; connecting again");
                *conn = target.connect()?;
                // The lead went with the old connection: take it again
                // before any job runs, or stop leading for good. A retake
                // that fails for any reason counts as lost: the new
                // connection does not hold the lock, and no later batch
                // would know it should.
                if leading {
                    match try_lead(conn) {
                        Ok(true) => {}
                        Ok(false) => {
                            tracing::error!(
                                "another instance took the lead while the connection was down"
                            );
                            deposed.depose();
                            anyhow::bail!(
                                "another instance took the lead: this one handles nothing more"
                            );
                        }
                        Err(e) => {
                            tracing::error!(error = %format!("{e:#}"), "cannot take the lead again");
                            deposed.depose();
                            anyhow::bail!(
                                "the lead could not be taken again: this one handles nothing more"
                            );
                        }
                    }
                }
                exec(conn, "BEGIN").context("cannot start a transaction")
            }
        };
    }
    let started = Instant::now();
    loop {
        match exec(conn, "BEGIN IMMEDIATE") {
            Ok(()) => return Ok(()),
            Err(e) if is_busy(&e) && started.elapsed() < Duration::from_secs(20) => {
                tracing::warn!("the database is held by another process; waiting");
            }
            Err(e) => return Err(anyhow::Error::new(e).context("cannot start a transaction")),
        }
    }
}

/// Runs a batch in one transaction and commits it. On PostgreSQL the jobs
/// first run one after the other with nothing between them, and the
/// answers to the statements they deferred (see
/// [`Connection::defer`](super::sql::Connection::defer)) are read with the
/// commit. Only if one of them fails is the transaction rolled back and
/// the batch run again, each job in a savepoint of its own and with its
/// deferred statements answered before it ends, so that a failure is its
/// own. A savepoint per job costs a round trip, and a subtransaction on
/// the server: once a transaction has more than 64 of them, every snapshot
/// taken on the server looks them up, and private play on PostgreSQL ran
/// about a fifth slower with them. Jobs rarely fail, and a job has no
/// effect but on the database, so running it again is safe (see
/// [`Store::write`](super::Store::write)). A lone job that fails by itself
/// is not run again: its failure is known to be its own.
fn run_transaction(
    conn: &mut Connection,
    target: &Target,
    deposed: &Deposed,
    batch: &mut [Box<dyn Job>],
) -> anyhow::Result<()> {
    if matches!(conn, Connection::Postgres(_)) {
        begin(conn, target, deposed, true)?;
        conn.set_batching(true);
        for job in batch.iter_mut() {
            job.read_ahead(conn);
        }
        let all_ran = batch.iter_mut().all(|job| {
            let ok = job.run(conn, false);
            conn.job_done(ok);
            ok
        });
        conn.set_batching(false);
        if all_ran {
            match commit(conn) {
                Committed::Yes => return Ok(()),
                Committed::No(e) => return Err(e),
                Committed::DeferredFailed(e) => {
                    tracing::debug!(error = %format!("{e:#}"), "a deferred statement failed; the batch runs again");
                }
            }
        } else {
            match exec(conn, "ROLLBACK") {
                // A lone job's failure is its own.
                Ok(()) if batch.len() == 1 => return Ok(()),
                Ok(()) => {}
                // The connection broke (perhaps before the deferred BEGIN):
                // `begin` below connects again, and the batch runs there.
                Err(e) if conn.is_broken() || e.is_disconnection() => {}
                Err(e) => {
                    return Err(anyhow::Error::new(e).context("cannot roll back a failed batch"));
                }
            }
        }
    }
    begin(conn, target, deposed, false)?;
    run_batch(conn, batch)
}

/// Runs the jobs in the transaction [`begin`] started, each in a savepoint
/// of its own when there are several, and commits.
fn run_batch(conn: &Connection, batch: &mut [Box<dyn Job>]) -> anyhow::Result<()> {
    if let [job] = batch {
        // Alone in its transaction, a job needs no savepoint (which would
        // copy every page it changes into a statement journal): if it
        // fails, the transaction is rolled back.
        let ok = job.run(conn, true);
        conn.job_done(ok);
        if !ok {
            let _ = exec(conn, "ROLLBACK");
            return Ok(());
        }
    } else if let Connection::Postgres(_) = conn {
        // Each statement is a round trip to the server: ending one job's
        // savepoint and opening the next go together, and the last one is
        // ended by the commit.
        let mut open = "SAVEPOINT job";
        for job in batch.iter_mut() {
            if let Err(e) = exec(conn, open) {
                let _ = exec(conn, "ROLLBACK");
                return Err(anyhow::Error::new(e).context("a savepoint failed"));
            }
            let ok = job.run(conn, true);
            conn.job_done(ok);
            open = if ok {
                "RELEASE job; SAVEPOINT job"
            } else {
                "ROLLBACK TO job; RELEASE job; SAVEPOINT job"
            };
        }
        if open.starts_with("ROLLBACK")
            && let Err(e) = exec(conn, "ROLLBACK TO job")
        {
            let _ = exec(conn, "ROLLBACK");
            return Err(anyhow::Error::new(e).context("a savepoint failed"));
        }
    } else {
        for job in batch.iter_mut() {
            let step = exec(conn, "SAVEPOINT job").and_then(|()| {
                if job.run(conn, true) {
                    exec(conn, "RELEASE job")
                } else {
                    exec(conn, "ROLLBACK TO job").and_then(|()| exec(conn, "RELEASE job"))
                }
            });
            if let Err(e) = step {
                let _ = exec(conn, "ROLLBACK");
                return Err(anyhow::Error::new(e).context("a savepoint failed"));
            }
        }
    }
    match commit(conn) {
        Committed::Yes => Ok(()),
        Committed::No(e) => Err(e),
        Committed::DeferredFailed(e) => Err(e),
    }
}

/// How a commit went.
enum Committed {
    Yes,
    /// Nothing was kept.
    No(anyhow::Error),
    /// A statement deferred by a job, or the standings, failed: nothing
    /// was kept.
    DeferredFailed(anyhow::Error),
}

/// Writes what the jobs left waiting, once for them all (see
/// `answers::add_to_standings`), reads the answers to every deferred
/// statement, and commits. Should the standings fail, no job of the
/// batch is kept: which one's rows broke them cannot be told. (Their
/// statement may also be where a job's deferred statement is found to have
/// failed: writing them can wait for the server.)
fn commit(conn: &Connection) -> Committed {
    if let Err(e) = super::answers::write_waiting_standings(conn) {
        let _ = exec(conn, "ROLLBACK");
        return Committed::DeferredFailed(e.context("cannot write the standings of the batch"));
    }
    if let Err(e) = super::delivery::write_handled(conn) {
        let _ = exec(conn, "ROLLBACK");
        return Committed::DeferredFailed(e);
    }
    // A deferred statement whose answer is checked on this side (the rows
    // it changed, the row it returned) fails where the server would commit
    // it: the answers are read before the COMMIT goes, so that a failed
    // job is never kept.
    if let Err(e) = conn.flush() {
        let _ = exec(conn, "ROLLBACK");
        return Committed::DeferredFailed(
            anyhow::Error::new(e).context("a statement of the batch failed"),
        );
    }
    match conn.settle_then("COMMIT") {
        (Ok(()), Ok(())) => Committed::Yes,
        // COMMIT in a transaction that a failure aborted rolls it back.
        (Err(e), _) => {
            let _ = exec(conn, "ROLLBACK");
            Committed::DeferredFailed(
                anyhow::Error::new(e).context("a statement of the batch failed"),
            )
        }
        (Ok(()), Err(e)) => {
            let _ = exec(conn, "ROLLBACK");
            Committed::No(anyhow::Error::new(e).context("cannot commit"))
        }
    }
}

/// Runs a statement of the writer's own: prepared once on SQLite, in the
/// simple protocol (one round trip, nothing to prepare) on PostgreSQL.
/// What a failed job deferred is answered first, and its failure, which
/// is the job's, ignored (its savepoint or transaction is being rolled
/// back; a job that ended well read its answers already).
fn exec(conn: &Connection, sql: &str) -> super::sql::Result<()> {
    match conn {
        Connection::Sqlite(c) => c
            .prepare_cached(sql)?
            .execute([])
            .map(|_| ())
            .map_err(Into::into),
        Connection::Postgres(_) => conn.settle_then(sql).1,
    }
}

fn is_busy(e: &super::sql::Error) -> bool {
    let super::sql::Error::Sqlite(e) = e else {
        return false;
    };
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}
