//! Inline claim checks: the claims offered, who checked each (once), and
//! the messages that show a claim's counts, edited a few seconds apart.

use super::sql::{Connection, OptionalExtension, params};
use anyhow::Context;

/// A claim as offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClaim<'a> {
    pub article: &'a str,
    pub fact: &'a str,
    pub statement: &'a str,
    pub truth: bool,
    pub answer: &'a str,
    pub quote: &'a str,
}

/// A claim as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRow {
    pub id: i64,
    pub article: String,
    pub fact: String,
    pub statement: String,
    pub truth: bool,
    pub answer: String,
    pub quote: String,
}

/// How many checked a claim, and how many of them were right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClaimCounts {
    pub checked: i64,
    pub right: i64,
}

/// A person's check of a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckRow {
    pub said_true: bool,
    pub correct: bool,
}

/// Keeps a claim (the same statement of the same fact is kept once) and
/// returns its id.
pub fn put_claim(conn: &Connection, claim: &NewClaim<'_>, now: i64) -> anyhow::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO inline_claims (article, fact, statement, truth, answer, quote, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (article, fact, statement)
         DO UPDATE SET truth = excluded.truth, answer = excluded.answer, quote = excluded.quote
         RETURNING id",
    )?
    .query_row(
        params![
            claim.article,
            claim.fact,
            claim.statement,
            claim.truth,
            claim.answer,
            claim.quote,
            now
        ],
        |r| r.get(0),
    )
    .context("cannot keep a claim")
}

/// A claim by its id.
pub fn claim(conn: &Connection, id: i64) -> anyhow::Result<Option<ClaimRow>> {
    conn.prepare_cached(
        "SELECT id, article, fact, statement, truth, answer, quote FROM inline_claims WHERE id = ?1",
    )?
    .query_row([id], |r| {
        Ok(ClaimRow {
            id: r.get(0)?,
            article: r.get(1)?,
            fact: r.get(2)?,
            statement: r.get(3)?,
            truth: r.get(4)?,
            answer: r.get(5)?,
            quote: r.get(6)?,
        })
    })
    .optional()
    .context("cannot read a claim")
}

/// Records a person's check of a claim, unless they checked it before:
/// `None` when recorded now, their first check otherwise (which stays).
pub fn check_claim(
    conn: &Connection,
    claim_id: i64,
    user_id: i64,
    check: CheckRow,
    now: i64,
) -> anyhow::Result<Option<CheckRow>> {
    let inserted = conn
        .prepare_cached(
            "INSERT INTO inline_checks (claim_id, user_id, said_true, correct, at)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
        )?
        .execute(params![
            claim_id,
            user_id,
            check.said_true,
            check.correct,
            now
        ])
        .context("cannot record a check")?;
    if inserted == 1 {
        return Ok(None);
    }
    conn.prepare_cached(
        "SELECT said_true, correct FROM inline_checks WHERE claim_id = ?1 AND user_id = ?2",
    )?
    .query_row([claim_id, user_id], |r| {
        Ok(CheckRow {
            said_true: r.get(0)?,
            correct: r.get(1)?,
        })
    })
    .map(Some)
    .context("cannot read a check")
}

/// How many checked a claim, and how many were right.
pub fn claim_counts(conn: &Connection, claim_id: i64) -> anyhow::Result<ClaimCounts> {
    conn.prepare_cached(
        "SELECT count(*), coalesce(sum(correct), 0) FROM inline_checks WHERE claim_id = ?1",
    )?
    .query_row([claim_id], |r| {
        Ok(ClaimCounts {
            checked: r.get(0)?,
            right: r.get(1)?,
        })
    })
    .context("cannot count the checks of a claim")
}

/// Notes a message that shows a claim (once: a message shows one claim).
pub fn note_inline_message(
    conn: &Connection,
    inline_message_id: &str,
    claim_id: i64,
) -> anyhow::Result<()> {
    conn.prepare_cached(
        "INSERT INTO inline_messages (inline_message_id, claim_id) VALUES (?1, ?2)
         ON CONFLICT DO NOTHING",
    )?
    .execute(params![inline_message_id, claim_id])
    .context("cannot note an inline message")?;
    Ok(())
}

/// The counts of a claim changed: every message showing it is to be edited.
pub fn claim_changed(conn: &Connection, claim_id: i64) -> anyhow::Result<()> {
    conn.prepare_cached("UPDATE inline_messages SET dirty = 1 WHERE claim_id = ?1")?
        .execute([claim_id])
        .context("cannot mark the messages of a claim")?;
    Ok(())
}

/// Whether a message waits for an edit that may go now (last edited at or
/// before `before`).
pub fn inline_edit_due(conn: &Connection, before: i64) -> anyhow::Result<bool> {
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM inline_messages WHERE dirty = 1 AND edited_at <= ?1)",
    )?
    .query_row([before], |r| r.get(0))
    .context("cannot read the inline messages")
}

/// Up to `limit` messages whose edit may go now (longest waiting first),
/// marked as edited at `now`, with their claims and counts.
pub fn take_inline_edits(
    conn: &Connection,
    before: i64,
    now: i64,
    limit: usize,
) -> anyhow::Result<Vec<(String, ClaimRow, ClaimCounts)>> {
    let due: Vec<(String, i64)> = conn
        .prepare_cached(
            "SELECT inline_message_id, claim_id FROM inline_messages
             WHERE dirty = 1 AND edited_at <= ?1 ORDER BY edited_at LIMIT ?2",
        )?
        .rows(
            params![before, i64::try_from(limit).unwrap_or(i64::MAX)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .context("cannot read the inline messages due")?;
    let mut out = Vec::with_capacity(due.len());
    for (message, claim_id) in due {
        conn.prepare_cached(
            "UPDATE inline_messages SET dirty = 0, edited_at = ?2 WHERE inline_message_id = ?1",
        )?
        .execute(params![message, now])
        .context("cannot mark an inline message edited")?;
        if let Some(row) = claim(conn, claim_id)? {
            let counts = claim_counts(conn, claim_id)?;
            out.push((message, row, counts));
        }
    }
    Ok(out)
}

/// Deletes a person's checks; the messages of the claims they checked
/// show the counts without them.
pub fn forget_checks(conn: &Connection, user_id: i64) -> anyhow::Result<()> {
    conn.prepare_cached(
        "UPDATE inline_messages SET dirty = 1
         WHERE claim_id IN (SELECT claim_id FROM inline_checks WHERE user_id = ?1)",
    )?
    .execute([user_id])
    .context("cannot mark the messages of the claims checked")?;
    conn.prepare_cached("DELETE FROM inline_checks WHERE user_id = ?1")?
        .execute([user_id])
        .context("cannot forget the checks")?;
    Ok(())
}
