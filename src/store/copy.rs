//! `factquiz db copy`: everything one database holds, into another that is
//! empty, between SQLite and PostgreSQL in either direction.
//!
//! Tables are copied in the order their references need, each in chunks
//! read by key (`WHERE (key) > (last) ORDER BY key LIMIT n`, so a large
//! table is never held whole) and written in one transaction per chunk; a
//! copy that fails part way deletes what it wrote. The target is marked
//! while a copy runs (see [`Mark`]): one killed part way leaves its part
//! marked, which nothing opens but the same copy, run again.
//! The per-score counts (`standing_points`) are not copied: the target's
//! triggers count them again as the standings arrive. On PostgreSQL the
//! identity columns then continue after the highest id copied.

use anyhow::Context;

use super::Store;
use super::sql::{Connection, OptionalExtension, Owned, params};

/// A table to copy: its name, its key and its other columns.
struct Table {
    name: &'static str,
    key: &'static [&'static str],
    columns: &'static [&'static str],
    /// Its key is an identity column on PostgreSQL.
    identity: bool,
}

/// Every table with rows of its own, parents before children.
const TABLES: &[Table] = &[
    Table {
        name: "players",
        key: &["id"],
        columns: &[
            "origin",
            "external_id",
            "display_name",
            "lang",
            "lang_chosen",
            "streak",
            "best_streak",
            "created_at",
        ],
        identity: true,
    },
    Table {
        name: "chats",
        key: &["id"],
        columns: &["telegram_id", "kind", "title", "created_at", "lang"],
        identity: true,
    },
    Table {
        name: "quizzes",
        key: &["id"],
        columns: &[
            "mode",
            "chat_id",
            "started_by",
            "state",
            "total",
            "round_seconds",
            "started_at",
            "ended_at",
            "origin_chat",
            "origin_message",
        ],
        identity: true,
    },
    Table {
        name: "served",
        key: &["id"],
        columns: &[
            "quiz_id",
            "position",
            "question_id",
            "snapshot",
            "correct",
            "served_at",
            "closes_at",
            "closed_at",
            "message_id",
            "poll_id",
        ],
        identity: true,
    },
    Table {
        name: "answers",
        key: &["id"],
        columns: &[
            "served_id",
            "player_id",
            "quiz_id",
            "choice",
            "is_correct",
            "points",
            "answered_at",
            "elapsed_ms",
        ],
        identity: true,
    },
    Table {
        name: "standings",
        key: &["scope", "period", "article", "player_id"],
        columns: &["points", "answered", "correct"],
        identity: false,
    },
    Table {
        name: "schedules",
        key: &["chat_id"],
        columns: &["minutes", "tz", "set_by", "last_day"],
        identity: false,
    },
    Table {
        name: "inline_claims",
        key: &["id"],
        columns: &[
            "article",
            "fact",
            "statement",
            "truth",
            "answer",
            "quote",
            "created_at",
        ],
        identity: true,
    },
    Table {
        name: "inline_checks",
        key: &["claim_id", "user_id"],
        columns: &["said_true", "correct", "at"],
        identity: false,
    },
    Table {
        name: "inline_messages",
        key: &["inline_message_id"],
        columns: &["claim_id", "dirty", "edited_at"],
        identity: false,
    },
    Table {
        name: "inbox",
        key: &["id"],
        columns: &["update_id", "lane", "received_at", "payload"],
        identity: true,
    },
    Table {
        name: "votes",
        key: &["id"],
        columns: &[
            "poll_id",
            "user_id",
            "name",
            "lang",
            "choice",
            "received_at",
        ],
        identity: true,
    },
    Table {
        name: "receiver",
        key: &["id"],
        columns: &["next_offset", "updated_at"],
        identity: false,
    },
    Table {
        name: "outbox",
        key: &["id"],
        columns: &[
            "chat_id",
            "method",
            "body",
            "purpose",
            "ref_id",
            "created_at",
        ],
        identity: true,
    },
    Table {
        name: "pushed_updates",
        key: &["update_id"],
        columns: &["received_at"],
        identity: false,
    },
];

/// Rows read and written at a time.
const CHUNK: usize = 500;

/// What a copy did.
#[derive(Debug)]
pub struct Copied {
    /// How many rows of each table were copied.
    pub tables: Vec<(&'static str, usize)>,
    /// An earlier copy from the same source into the target that did not
    /// finish, whose part was taken out first.
    pub restarted: Option<Mark>,
}

/// The mark of a copy into a database that has not finished: running, or
/// stopped part way (see
/// `migrations/sqlite/20261207000001_copy_unfinished.sql`).
#[derive(Debug, Clone)]
pub struct Mark {
    pub source: String,
    pub started_at: i64,
    token: i64,
}

impl std::fmt::Display for Mark {
    /// "a copy from `…` begun at 2026-12-05T08:09:11Z".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a copy from `{}` begun at ", self.source)?;
        match jiff::Timestamp::from_millisecond(self.started_at) {
            Ok(t) => write!(f, "{}", t.round(jiff::Unit::Second).unwrap_or(t)),
            Err(_) => write!(f, "an unknown time"),
        }
    }
}

/// The mark of a copy into this database that has not finished, if any.
pub fn unfinished_copy(conn: &Connection) -> anyhow::Result<Option<Mark>> {
    // One row at most (its id is 1).
    conn.prepare_cached("SELECT source, started_at, token FROM copy_unfinished")?
        .query_row((), |r| {
            Ok(Mark {
                source: r.get(0)?,
                started_at: r.get(1)?,
                token: r.get(2)?,
            })
        })
        .optional()
        .context("cannot look for a copy that did not finish")
}

/// Refuses a database that holds part of a copy: nothing but the same
/// copy, run again, may use it.
pub async fn refuse_unfinished(store: &Store) -> anyhow::Result<()> {
    if let Some(mark) = store.read(unfinished_copy).await? {
        anyhow::bail!(
            "`{}` holds only part of {mark}, which is running or was stopped: once none runs, run that copy again (it starts afresh)",
            store.name()
        );
    }
    Ok(())
}

/// Another copy into the same database began meanwhile and took it over.
#[derive(Debug, thiserror::Error)]
#[error(
    "another copy from the same source into this database began meanwhile and took it over: this one stops"
)]
struct TakenOver;

/// Fails with [`TakenOver`] unless the mark in the target is still the
/// copy's own: another copy into the same database that began meanwhile
/// took it over. On PostgreSQL the mark is locked until the chunk
/// commits, so that a copy taking over (which takes the mark out first)
/// waits for the chunk and then takes it out too; SQLite writes one
/// transaction at a time anyway.
fn still_ours(conn: &Connection, token: i64) -> anyhow::Result<()> {
    let sql = match conn {
        Connection::Postgres(_) => {
            "SELECT COUNT(*) FROM (SELECT 1 FROM copy_unfinished WHERE token = ?1 FOR UPDATE) mine"
        }
        Connection::Sqlite(_) => "SELECT COUNT(*) FROM copy_unfinished WHERE token = ?1",
    };
    let ours: i64 = conn.prepare_cached(sql)?.query_row([token], |r| r.get(0))?;
    if ours != 1 {
        return Err(TakenOver.into());
    }
    Ok(())
}

/// A copy's source as its mark holds it: an SQLite file by its full path,
/// so that `a.db`, `./a.db` and `sqlite://a.db` are one source; a
/// PostgreSQL database as [`Store::name`] gives it.
fn source_name(from: &Store) -> anyhow::Result<String> {
    match &from.inner.target {
        super::Target::Sqlite(path) => std::fs::canonicalize(path)
            .map(|full| full.display().to_string())
            .with_context(|| format!("cannot find the full path of `{}`", from.name())),
        super::Target::Postgres(_) => Ok(from.name().to_owned()),
    }
}

/// Copies every row of `from` into `to`, which must hold none, or only
/// the part of an earlier copy from the same source that did not finish
/// (taken out first).
pub async fn copy(from: &Store, to: &Store) -> anyhow::Result<Copied> {
    let source = source_name(from)?;
    let restarted = to.read(unfinished_copy).await?;
    if let Some(mark) = &restarted {
        anyhow::ensure!(
            mark.source == source,
            "`{}` holds only part of {mark}, which is running or was stopped: only that copy, run again, takes it out (if that source is gone, empty the database by hand, `copy_unfinished` too)",
            to.name()
        );
        let token = mark.token;
        to.write(move |conn| {
            // The mark read, or nothing: a copy that finished (or took
            // over) meanwhile is left alone.
            let taken = conn.execute("DELETE FROM copy_unfinished WHERE token = ?1", [token])?;
            anyhow::ensure!(
                taken == 1,
                "the copy into this database finished or changed hands meanwhile: nothing was taken out"
            );
            empty(conn)
        })
        .await
        .context("cannot take out the part of the copy that did not finish")?;
    }
    let held: Vec<&'static str> = to
        .read(|conn| {
            let mut held = Vec::new();
            for table in TABLES {
                let sql = format!("SELECT EXISTS (SELECT 1 FROM {})", table.name);
                if conn.query_row(&sql, (), |r| r.get::<bool>(0))? {
                    held.push(table.name);
                }
            }
            Ok(held)
        })
        .await?;
    anyhow::ensure!(
        held.is_empty(),
        "`{}` is not empty (it has {}): copy into a new database",
        to.name(),
        held.join(", ")
    );
    // Marked before the first chunk, unmarked with the last step: a copy
    // stopped between leaves the mark. Each chunk goes in only while the
    // mark is still this copy's.
    let started_at = jiff::Timestamp::now().as_millisecond();
    let token = rand::random::<i64>();
    to.write(move |conn| {
        conn.execute(
            "INSERT INTO copy_unfinished (id, source, started_at, token) VALUES (1, ?1, ?2, ?3)",
            params![source, started_at, token],
        )?;
        Ok(())
    })
    .await
    .context("cannot mark the copy begun")?;
    let copying = async move {
        let mut copied = Vec::with_capacity(TABLES.len());
        for (i, table) in TABLES.iter().enumerate() {
            let mut after: Option<Vec<Owned>> = None;
            let mut n = 0;
            loop {
                let rows = from
                    .read(move |conn| read_chunk(conn, i, after.as_deref()))
                    .await?;
                let Some(last) = rows.last() else { break };
                after = Some(last[..table.key.len()].to_vec());
                n += rows.len();
                let full = rows.len() == CHUNK;
                to.write(move |conn| {
                    still_ours(conn, token)?;
                    write_chunk(conn, i, &rows)
                })
                .await
                .with_context(|| format!("cannot copy the rows of `{}`", table.name))?;
                if !full {
                    break;
                }
            }
            copied.push((table.name, n));
        }
        to.write(move |conn| {
            still_ours(conn, token)?;
            if let Connection::Postgres(_) = conn {
                for table in TABLES.iter().filter(|t| t.identity) {
                    let sql = format!(
                        "SELECT setval(pg_get_serial_sequence('{0}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {0}",
                        table.name
                    );
                    conn.query_row(&sql, (), |r| r.get::<i64>(0))?;
                }
            }
            conn.execute("DELETE FROM copy_unfinished WHERE token = ?1", [token])?;
            Ok(())
        })
        .await
        .context("cannot finish the copy (set where the ids continue)")?;
        anyhow::Ok(copied)
    };
    // One transaction per chunk, so that a large table is never held whole:
    // a copy that fails part way takes what it wrote out again, leaving
    // the target as empty as it found it. A kill leaves the part and the
    // mark: the next copy takes the part out and starts again, and nothing
    // else opens the database meanwhile.
    let failed = match copying.await {
        Ok(tables) => return Ok(Copied { tables, restarted }),
        Err(e) => e,
    };
    if failed.chain().any(|e| e.is::<TakenOver>()) {
        // The target is the other copy's now: nothing to take out.
        return Err(failed.context(format!("the copy into `{}` stopped part way", to.name())));
    }
    match to
        .write(move |conn| {
            still_ours(conn, token)?;
            empty(conn)
        })
        .await
    {
        Ok(()) => Err(failed.context(format!(
            "the copy stopped part way, and what it had written to `{}` was taken out again: copy again once the cause is mended",
            to.name()
        ))),
        Err(cleaning) => {
            tracing::warn!(error = %format!("{cleaning:#}"), "cannot take a part copy out again");
            Err(failed.context(format!(
                "the copy stopped part way, and `{}` is left as it is: what it holds is marked as part of a copy, which nothing but that copy, run again, opens",
                to.name()
            )))
        }
    }
}

/// Deletes the copy's mark, then every row [`copy`] writes, children
/// first, and the per-score counts the standings' triggers kept meanwhile.
/// The mark goes first: on PostgreSQL that waits for a chunk another copy
/// is writing (see [`still_ours`]), whose rows then go too.
fn empty(conn: &Connection) -> anyhow::Result<()> {
    conn.execute("DELETE FROM copy_unfinished", ())?;
    for table in TABLES.iter().rev() {
        conn.execute(&format!("DELETE FROM {}", table.name), ())?;
    }
    conn.execute("DELETE FROM standing_points", ())?;
    Ok(())
}

/// Up to [`CHUNK`] rows of table `i` whose key comes after `after`.
fn read_chunk(
    conn: &Connection,
    i: usize,
    after: Option<&[Owned]>,
) -> anyhow::Result<Vec<Vec<Owned>>> {
    let table = &TABLES[i];
    let key = table.key.join(", ");
    let columns = table.key.iter().chain(table.columns).count();
    let all = [table.key, table.columns].concat().join(", ");
    let filter = match &after {
        None => String::new(),
        Some(_) => {
            let marks = vec!["?"; table.key.len()].join(", ");
            format!("WHERE ({key}) > ({marks})")
        }
    };
    let sql = format!(
        "SELECT {all} FROM {} {filter} ORDER BY {key} LIMIT {CHUNK}",
        table.name
    );
    let params: &[Owned] = after.unwrap_or_default();
    conn.prepare_cached(&sql)?
        .rows(params, |r| {
            (0..columns).map(|c| r.get::<Owned>(c)).collect()
        })
        .with_context(|| format!("cannot read the rows of `{}`", table.name))
}

/// Writes rows of table `i`, as read by [`read_chunk`].
fn write_chunk(conn: &Connection, i: usize, rows: &[Vec<Owned>]) -> anyhow::Result<()> {
    let table = &TABLES[i];
    let width = table.key.len() + table.columns.len();
    let all = [table.key, table.columns].concat().join(", ");
    let row = format!("({})", vec!["?"; width].join(", "));
    let values = vec![row.as_str(); rows.len()].join(", ");
    // An identity column that is `GENERATED ALWAYS` takes a value only when
    // told to.
    let overriding = match conn {
        Connection::Postgres(_) if table.identity => "OVERRIDING SYSTEM VALUE",
        _ => "",
    };
    let sql = format!(
        "INSERT INTO {} ({all}) {overriding} VALUES {values}",
        table.name
    );
    let params: Vec<&Owned> = rows.iter().flatten().collect();
    conn.execute(&sql, params)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lists above name every column of every table of a migrated
    /// database: a migration that adds a column must add it here too.
    #[test]
    fn every_table_and_column_is_copied() {
        let mut sqlite = rusqlite::Connection::open_in_memory().expect("memory");
        super::super::migrations()
            .to_latest(&mut sqlite)
            .expect("migrates");
        let conn = Connection::Sqlite(sqlite);
        let tables: Vec<String> = conn
            .prepare_cached(
                "SELECT name FROM sqlite_master WHERE type = 'table'
                 AND name NOT LIKE 'sqlite_%' AND name NOT IN ('standing_points', 'copy_unfinished')
                 ORDER BY name",
            )
            .and_then(|mut s| s.rows((), |r| r.get(0)))
            .expect("tables");
        let mut listed: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
        listed.sort_unstable();
        assert_eq!(tables, listed);
        for table in TABLES {
            let mut columns: Vec<String> = conn
                .prepare_cached(&format!(
                    "SELECT name FROM pragma_table_info('{}')",
                    table.name
                ))
                .and_then(|mut s| s.rows((), |r| r.get(0)))
                .expect("columns");
            columns.sort();
            let mut mine: Vec<&str> = [table.key, table.columns].concat();
            mine.sort_unstable();
            assert_eq!(columns, mine, "{}", table.name);
        }
    }
}
