//! The delivery queues: the inbox of received updates, the votes of group
//! rounds waiting to be counted, where receiving stands, and the outbox of
//! requests to send.

use super::sql::{Connection, Later, OptionalExtension, params};
use anyhow::Context;

/// An update to keep until it is handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUpdate {
    pub update_id: i64,
    pub lane: i64,
    pub payload: String,
}

/// An update kept in the inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxRow {
    pub id: i64,
    pub update_id: i64,
    pub lane: i64,
    pub received_at: i64,
    pub payload: String,
}

/// A poll answer to count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVote {
    pub poll_id: String,
    /// The voter's Telegram user id.
    pub user_id: i64,
    pub name: String,
    pub lang: crate::i18n::Lang,
    pub choice: i64,
}

/// A vote whose poll is known, with what counting it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadyVote {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub lang: crate::i18n::Lang,
    pub choice: i64,
    pub received_at: i64,
    pub served_id: i64,
}

/// Makes a batch of received updates and votes durable, with the offset
/// that confirms them; returns the inbox ids of `updates`, in order (known
/// once the job is committed: see [`Later`]), and how many votes were new
/// (a member's second vote to a poll is ignored).
pub fn receive(
    conn: &Connection,
    updates: &[NewUpdate],
    votes: &[NewVote],
    next_offset: i64,
    now: i64,
) -> anyhow::Result<(Vec<Later<i64>>, usize)> {
    let kept = keep(conn, updates, votes, now)?;
    conn.defer(
        "INSERT INTO receiver (id, next_offset, updated_at) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET next_offset = excluded.next_offset, updated_at = excluded.updated_at",
        params![next_offset, now],
    )
    .context("cannot keep the offset")?;
    Ok(kept)
}

/// How long a pushed update's id is remembered: Telegram keeps an update
/// no longer than a day.
pub const PUSHED_MEMORY_MS: i64 = 25 * 60 * 60 * 1000;

/// What Telegram posted (webhook mode), as it is kept.
#[derive(Debug, Clone, Copy)]
pub enum Pushed<'a> {
    /// An update for the inbox.
    Update(&'a NewUpdate),
    /// A poll answer.
    Vote(&'a NewVote),
    /// Neither: only remembered.
    Neither,
}

/// Makes an update Telegram posted durable, unless it was kept before (a
/// delivery repeated). Known once the job is committed: the update's inbox
/// id, or for a vote `Some` if it was new (not kept before, nor a member's
/// second vote to the poll); `None` otherwise. On PostgreSQL this is one
/// statement, not waited for.
pub fn receive_pushed(
    conn: &Connection,
    update_id: i64,
    pushed: Pushed<'_>,
    now: i64,
) -> anyhow::Result<Later<Option<i64>>> {
    const REMEMBER: &str = "INSERT INTO pushed_updates (update_id, received_at) VALUES (?1, ?2)
         ON CONFLICT DO NOTHING";
    if let Connection::Postgres(_) = conn {
        // The id is remembered and the update kept in one statement. An
        // update kept is announced to the leader once committed, outside
        // this transaction (see `Store::announce_kept`).
        let kept = match pushed {
            Pushed::Update(u) => {
                debug_assert_eq!(u.update_id, update_id, "one update, one id");
                conn.lock_for_transaction(INBOX_LOCK)?;
                conn.defer_query_optional(
                    &format!(
                        "WITH new AS ({REMEMBER} RETURNING update_id)
                         INSERT INTO inbox (update_id, lane, received_at, payload)
                         SELECT update_id, ?3::BIGINT, ?2, ?4::TEXT FROM new RETURNING id"
                    ),
                    params![update_id, now, u.lane, u.payload],
                    |r| r.get(0),
                )
            }
            Pushed::Vote(v) => conn.defer_query_optional(
                &format!(
                    "WITH new AS ({REMEMBER} RETURNING update_id)
                     INSERT INTO votes (poll_id, user_id, name, lang, choice, received_at)
                     SELECT ?3::TEXT, ?4::BIGINT, ?5::TEXT, ?6::TEXT, ?7::BIGINT, ?2 FROM new
                     ON CONFLICT DO NOTHING RETURNING 1"
                ),
                params![
                    update_id, now, v.poll_id, v.user_id, v.name, v.lang, v.choice
                ],
                |r| r.get::<i64>(0),
            ),
            Pushed::Neither => conn
                .defer(REMEMBER, params![update_id, now])
                .map(|()| Later::ready(None)),
        };
        return kept.context("cannot keep an update");
    }
    let new = conn
        .prepare_cached(REMEMBER)?
        .execute(params![update_id, now])
        .context("cannot remember an update")?;
    if new == 0 {
        return Ok(Later::ready(None));
    }
    Ok(Later::ready(match pushed {
        Pushed::Update(u) => {
            let (ids, _) = keep(conn, std::slice::from_ref(u), &[], now)?;
            Later::all(&ids)?.first().copied()
        }
        Pushed::Vote(v) => {
            let (_, new_votes) = keep(conn, &[], std::slice::from_ref(v), now)?;
            (new_votes > 0).then_some(1)
        }
        Pushed::Neither => None,
    }))
}

/// Forgets the ids of updates pushed longer ago than Telegram could
/// repeat them (its ids may start afresh after a week without updates).
pub fn prune_pushed(conn: &Connection, now: i64) -> anyhow::Result<usize> {
    conn.prepare_cached("DELETE FROM pushed_updates WHERE received_at < ?1")?
        .execute([now - PUSHED_MEMORY_MS])
        .context("cannot prune the updates remembered")
}

/// The number all factquiz processes agree on for keeping updates (see
/// [`keep`]).
const INBOX_LOCK: i64 = 0x0066_7169_6e62_6f78; // "fqinbox"

/// Keeps updates in the inbox and votes; returns the updates' inbox ids
/// (deferred) and how many votes were new.
fn keep(
    conn: &Connection,
    updates: &[NewUpdate],
    votes: &[NewVote],
    now: i64,
) -> anyhow::Result<(Vec<Later<i64>>, usize)> {
    let mut ids = Vec::with_capacity(updates.len());
    if !updates.is_empty() {
        // Processes sharing the database keep updates one transaction at a
        // time, so that the inbox's ids are in the order of commit: whoever
        // reads the inbox and sees an update has seen every one before it.
        conn.lock_for_transaction(INBOX_LOCK)?;
    }
    for u in updates {
        ids.push(
            conn.defer_query_row(
                "INSERT INTO inbox (update_id, lane, received_at, payload) VALUES (?1, ?2, ?3, ?4) RETURNING id",
                params![u.update_id, u.lane, now, u.payload],
                |r| r.get(0),
            )
            .context("cannot keep an update")?,
        );
    }
    let mut insert = conn.prepare_cached(
        "INSERT INTO votes (poll_id, user_id, name, lang, choice, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT DO NOTHING",
    )?;
    let mut new_votes = 0;
    for v in votes {
        new_votes += insert
            .execute(params![v.poll_id, v.user_id, v.name, v.lang, v.choice, now])
            .context("cannot keep a poll answer")?;
    }
    Ok((ids, new_votes))
}

/// The offset that confirms everything received, and when it was kept.
pub fn next_offset(conn: &Connection) -> anyhow::Result<Option<(i64, i64)>> {
    conn.prepare_cached("SELECT next_offset, updated_at FROM receiver WHERE id = 1")?
        .query_row((), |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .context("cannot read the offset")
}

/// An update is handled: it leaves the inbox, in the transaction that
/// holds its effects. If it had left already (handled before, by a try
/// that failed only after its commit), the job fails with an error that
/// [`handled_before`] recognises: at once on SQLite, and on PostgreSQL by
/// the job's end (the statement is deferred, answered with the job's next
/// one). Where the writer runs a PostgreSQL batch without savepoints, the
/// update waits instead to leave with the other updates of the batch, in
/// one statement as the transaction ends (or before the inbox is read);
/// if any of them had left already, the batch runs again, each job in a
/// savepoint of its own and its update leaving as above, so that the
/// failure is the job's own.
pub fn handled(conn: &Connection, inbox_id: i64) -> anyhow::Result<()> {
    if let Connection::Postgres(pg) = conn
        && pg.batching.get()
    {
        pg.handled.borrow_mut().push(inbox_id);
        return Ok(());
    }
    conn.defer_expecting(
        "DELETE FROM inbox WHERE id = ?1",
        [inbox_id],
        1,
        HANDLED_BEFORE,
    )
    .context("cannot mark the update handled")
}

/// Takes the updates waiting to leave the inbox (see [`handled`]) out of
/// it: one statement, deferred, that fails as `handled` says if any of
/// them had left already.
pub(super) fn write_handled(conn: &Connection) -> anyhow::Result<()> {
    let Connection::Postgres(pg) = conn else {
        return Ok(());
    };
    let ids = std::mem::take(&mut *pg.handled.borrow_mut());
    if ids.is_empty() {
        return Ok(());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    conn.defer_expecting(
        "DELETE FROM inbox WHERE id = ANY (string_to_array(?1, ',')::bigint[])",
        [list],
        u64::try_from(ids.len()).unwrap_or(u64::MAX),
        HANDLED_BEFORE,
    )
    .context("cannot mark the updates handled")
}

const HANDLED_BEFORE: &str = "the update was handled before";

/// Whether `e` says that an update was handled before (see [`handled`]).
pub fn handled_before(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<super::sql::Error>(),
            Some(super::sql::Error::Unexpected(what)) if *what == HANDLED_BEFORE
        )
    })
}

/// Up to `limit` updates of a lane from inbox id `from` on, in order.
pub fn lane(
    conn: &Connection,
    lane: i64,
    from: i64,
    limit: usize,
) -> anyhow::Result<Vec<InboxRow>> {
    write_handled(conn)?;
    conn.prepare_cached(
        "SELECT id, update_id, lane, received_at, payload FROM inbox
         WHERE lane = ?1 AND id >= ?2 ORDER BY id LIMIT ?3",
    )?
    .rows(params![lane, from, limit_param(limit)], inbox_row)
    .context("cannot read the inbox")
}

/// Up to `limit` updates of any lane with an inbox id above `after`, in
/// order.
pub fn inbox_after(conn: &Connection, after: i64, limit: usize) -> anyhow::Result<Vec<InboxRow>> {
    write_handled(conn)?;
    conn.prepare_cached(
        "SELECT id, update_id, lane, received_at, payload FROM inbox
         WHERE id > ?1 ORDER BY id LIMIT ?2",
    )?
    .rows(params![after, limit_param(limit)], inbox_row)
    .context("cannot read the inbox")
}

fn inbox_row(r: &super::sql::Row<'_>) -> super::sql::Result<InboxRow> {
    Ok(InboxRow {
        id: r.get(0)?,
        update_id: r.get(1)?,
        lane: r.get(2)?,
        received_at: r.get(3)?,
        payload: r.get(4)?,
    })
}

fn limit_param(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

/// Every lane with updates waiting: (lane, first inbox id, last inbox id).
pub fn lanes(conn: &Connection) -> anyhow::Result<Vec<(i64, i64, i64)>> {
    write_handled(conn)?;
    conn.prepare_cached("SELECT lane, MIN(id), MAX(id) FROM inbox GROUP BY lane ORDER BY MIN(id)")?
        .rows((), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .context("cannot read the inbox")
}

/// Whether any vote waits; on PostgreSQL, answered with the next statement
/// that is waited for. (Not how many: counting the rows of a burst, read
/// every few tens of milliseconds while it is scored, costs the server
/// what finding one does not.)
pub fn votes_waiting(conn: &Connection) -> anyhow::Result<super::Later<bool>> {
    conn.defer_query_row("SELECT EXISTS (SELECT 1 FROM votes)", (), |r| r.get(0))
        .context("cannot look for votes")
}

/// How many updates and votes wait.
pub fn depth(conn: &Connection) -> anyhow::Result<(i64, i64)> {
    write_handled(conn)?;
    conn.prepare_cached("SELECT (SELECT COUNT(*) FROM inbox), (SELECT COUNT(*) FROM votes)")?
        .query_row((), |r| Ok((r.get(0)?, r.get(1)?)))
        .context("cannot measure the inbox")
}

/// Up to `limit` votes whose poll is known (of one poll, or of any), oldest
/// first.
pub fn ready_votes(
    conn: &Connection,
    poll_id: Option<&str>,
    limit: usize,
) -> anyhow::Result<Vec<ReadyVote>> {
    let limit = limit_param(limit);
    let map = |r: &super::sql::Row<'_>| {
        Ok(ReadyVote {
            id: r.get(0)?,
            user_id: r.get(1)?,
            name: r.get(2)?,
            lang: r.get(3)?,
            choice: r.get(4)?,
            received_at: r.get(5)?,
            served_id: r.get(6)?,
        })
    };
    const COLUMNS: &str = "v.id, v.user_id, v.name, v.lang, v.choice, v.received_at, s.id";
    match poll_id {
        Some(poll) => conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM votes v JOIN served s ON s.poll_id = v.poll_id
                 WHERE v.poll_id = ?1 ORDER BY v.id LIMIT ?2"
            ))?
            .rows(params![poll, limit], map),
        None => conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM votes v JOIN served s ON s.poll_id = v.poll_id
                 ORDER BY v.id LIMIT ?1"
            ))?
            .rows([limit], map),
    }
    .context("cannot read the votes")
}

/// Votes are scored (or refused): they leave the queue (see
/// [`delete_ids`]).
pub fn votes_scored(conn: &Connection, vote_ids: &[i64]) -> anyhow::Result<()> {
    delete_ids(conn, "votes", vote_ids).context("cannot mark the votes scored")
}

/// Deletes the rows of `table` with these ids, in one statement for up to
/// [`IDS_CHUNK`] of them (each statement is a round trip on PostgreSQL).
/// The lists are padded to a power of two with their last id, so that a
/// handful of statements is prepared and planned, not one per count.
fn delete_ids(conn: &Connection, table: &str, ids: &[i64]) -> anyhow::Result<()> {
    for chunk in ids.chunks(IDS_CHUNK) {
        let Some(&last) = chunk.last() else { continue };
        let width = chunk.len().next_power_of_two();
        let marks = vec!["?"; width].join(", ");
        let padded: Vec<i64> = chunk
            .iter()
            .copied()
            .chain(std::iter::repeat_n(last, width - chunk.len()))
            .collect();
        conn.prepare_cached(&format!("DELETE FROM {table} WHERE id IN ({marks})"))?
            .execute(padded)?;
    }
    Ok(())
}

/// Ids per statement of [`delete_ids`]: within both databases' limits on
/// parameters.
const IDS_CHUNK: usize = 256;

/// Drops votes for polls that are not the bot's, received before `before`:
/// a poll of the bot is known a moment after it is sent. Returns how many.
pub fn drop_stray_votes(conn: &Connection, before: i64) -> anyhow::Result<usize> {
    conn.prepare_cached(
        "DELETE FROM votes WHERE received_at < ?1
         AND NOT EXISTS (SELECT 1 FROM served s WHERE s.poll_id = votes.poll_id)",
    )?
    .execute([before])
    .context("cannot drop stray votes")
}

/// A request to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest<'a> {
    pub chat_id: i64,
    pub method: &'a str,
    pub body: &'a str,
    pub purpose: i64,
    pub ref_id: Option<i64>,
}

/// A request in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: i64,
    pub chat_id: i64,
    pub method: String,
    pub body: String,
    pub purpose: i64,
    pub ref_id: Option<i64>,
    pub created_at: i64,
}

/// Queues a request; its outbox id is known once the job is committed
/// (the statement is deferred: see `Connection::defer_query_row`).
pub fn push_request(conn: &Connection, r: &NewRequest<'_>, now: i64) -> anyhow::Result<Later<i64>> {
    conn.defer_query_row(
        "INSERT INTO outbox (chat_id, method, body, purpose, ref_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         RETURNING id",
        params![r.chat_id, r.method, r.body, r.purpose, r.ref_id, now],
        |row| row.get(0),
    )
    .context("cannot queue a message")
}

/// Requests are sent (or given up): they leave the outbox (see
/// [`delete_ids`]).
pub fn requests_done(conn: &Connection, outbox_ids: &[i64]) -> anyhow::Result<()> {
    delete_ids(conn, "outbox", outbox_ids).context("cannot mark a message sent")
}

/// Every request waiting, in order.
pub fn requests(conn: &Connection) -> anyhow::Result<Vec<OutboxRow>> {
    conn.prepare_cached(
        "SELECT id, chat_id, method, body, purpose, ref_id, created_at FROM outbox ORDER BY id",
    )?
    .rows((), |r| {
        Ok(OutboxRow {
            id: r.get(0)?,
            chat_id: r.get(1)?,
            method: r.get(2)?,
            body: r.get(3)?,
            purpose: r.get(4)?,
            ref_id: r.get(5)?,
            created_at: r.get(6)?,
        })
    })
    .context("cannot read the outbox")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outbox(n: usize) -> (Connection, Vec<i64>) {
        let mut raw = rusqlite::Connection::open_in_memory().expect("memory");
        super::super::migrations()
            .to_latest(&mut raw)
            .expect("migrates");
        let conn = Connection::Sqlite(raw);
        let ids = (0..n)
            .map(|i| {
                push_request(
                    &conn,
                    &NewRequest {
                        chat_id: 1,
                        method: "sendMessage",
                        body: "{}",
                        purpose: 0,
                        ref_id: Some(i64::try_from(i).expect("small")),
                    },
                    0,
                )
                .expect("queued")
                .get()
                .copied()
                .expect("answered at once on SQLite")
            })
            .collect();
        (conn, ids)
    }

    fn left(conn: &Connection) -> Vec<i64> {
        requests(conn)
            .expect("read")
            .into_iter()
            .map(|r| r.id)
            .collect()
    }

    #[test]
    fn requests_done_removes_exactly_those_named_whatever_their_number() {
        // Counts around the padding (3 → 4) and the chunks (256 a statement).
        for n in [0, 1, 3, 4, 255, 256, 257, 600] {
            let (conn, ids) = outbox(n + 5);
            let (done, kept) = ids.split_at(n);
            requests_done(&conn, done).expect("done");
            assert_eq!(left(&conn), kept, "{n} done");
        }
    }
}
