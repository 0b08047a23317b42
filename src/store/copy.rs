//! `factquiz db copy`: everything one database holds, into another that is
//! empty, between SQLite and PostgreSQL in either direction.
//!
//! Tables are copied in the order their references need, each in chunks
//! read by key (`WHERE (key) > (last) ORDER BY key LIMIT n`, so a large
//! table is never held whole) and written in one transaction per chunk; a
//! copy that fails part way deletes what it wrote.
//! The per-score counts (`standing_points`) are not copied: the target's
//! triggers count them again as the standings arrive. On PostgreSQL the
//! identity columns then continue after the highest id copied.

use anyhow::Context;

use super::Store;
use super::sql::{Connection, Owned};

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

/// Copies every row of `from` into `to`, which must hold none; returns
/// how many rows of each table were copied.
pub async fn copy(from: &Store, to: &Store) -> anyhow::Result<Vec<(&'static str, usize)>> {
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
    let copying = async {
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
                to.write(move |conn| write_chunk(conn, i, &rows))
                    .await
                    .with_context(|| format!("cannot copy the rows of `{}`", table.name))?;
                if !full {
                    break;
                }
            }
            copied.push((table.name, n));
        }
        to.write(|conn| {
            if let Connection::Postgres(_) = conn {
                for table in TABLES.iter().filter(|t| t.identity) {
                    let sql = format!(
                        "SELECT setval(pg_get_serial_sequence('{0}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {0}",
                        table.name
                    );
                    conn.query_row(&sql, (), |r| r.get::<i64>(0))?;
                }
            }
            Ok(())
        })
        .await
        .context("cannot set where the ids continue")?;
        anyhow::Ok(copied)
    };
    // One transaction per chunk, so that a large table is never held whole:
    // a copy that fails part way takes what it wrote out again, leaving
    // the target as empty as it found it (a kill leaves it behind: the
    // next copy then refuses the target, which is not empty).
    let failed = match copying.await {
        Ok(copied) => return Ok(copied),
        Err(e) => e,
    };
    match to.write(empty).await {
        Ok(()) => Err(failed.context(format!(
            "the copy stopped part way, and what it had written to `{}` was taken out again: copy again once the cause is mended",
            to.name()
        ))),
        Err(cleaning) => {
            tracing::warn!(error = %format!("{cleaning:#}"), "cannot take a part copy out again");
            Err(failed.context(format!(
                "the copy stopped part way: `{}` holds part of it; drop it and create it empty before copying again",
                to.name()
            )))
        }
    }
}

/// Deletes every row [`copy`] writes, children first, and the per-score
/// counts the standings' triggers kept meanwhile.
fn empty(conn: &Connection) -> anyhow::Result<()> {
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
                 AND name NOT LIKE 'sqlite_%' AND name <> 'standing_points' ORDER BY name",
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
