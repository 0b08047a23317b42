//! Answers, and the running totals (standings) that leaderboards read.

use anyhow::Context;
use rusqlite::{Connection, OptionalExtension, params};

use crate::game::scoring::Standing;

/// A new answer, to record.
#[derive(Debug, Clone)]
pub struct NewAnswer {
    pub served_id: i64,
    pub player_id: i64,
    pub quiz_id: i64,
    pub chat_id: Option<i64>,
    pub choice: i64,
    pub is_correct: bool,
    pub points: i64,
    pub answered_at: i64,
    pub elapsed_ms: i64,
    pub week: i64,
}

/// Records an answer and adds it to the standings and the player's streak.
/// Returns false, changing nothing, if the player had answered already.
pub fn record_answer(conn: &Connection, a: &NewAnswer) -> anyhow::Result<bool> {
    if !insert_answer(conn, a)? {
        return Ok(false);
    }
    add_to_standings(conn, std::slice::from_ref(a))?;
    Ok(true)
}

/// Records an answer and the player's streak, not the standings (see
/// [`add_to_standings`]). Returns false, changing nothing, if the player had
/// answered already.
pub fn insert_answer(conn: &Connection, a: &NewAnswer) -> anyhow::Result<bool> {
    let inserted = conn
        .prepare_cached(
            "INSERT INTO answers (served_id, player_id, quiz_id, choice, is_correct, points, answered_at, elapsed_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (served_id, player_id) DO NOTHING",
        )?
        .execute(params![
            a.served_id,
            a.player_id,
            a.quiz_id,
            a.choice,
            a.is_correct,
            a.points,
            a.answered_at,
            a.elapsed_ms
        ])
        .context("cannot save the answer")?;
    if inserted == 0 {
        return Ok(false);
    }
    conn.prepare_cached(
        "UPDATE players SET
             streak = CASE WHEN ?1 THEN streak + 1 ELSE 0 END,
             best_streak = MAX(best_streak, CASE WHEN ?1 THEN streak + 1 ELSE 0 END)
         WHERE id = ?2",
    )?
    .execute(params![a.is_correct, a.player_id])
    .context("cannot update the streak")?;
    Ok(true)
}

/// Adds answers to their players' totals: global and the chat's (a
/// terminal answer has no chat), all time and this week (triggers keep the
/// number of players on each score). However many the answers, this is one
/// statement per thousand rows: a statement copies each page it changes
/// once into its statement journal, so a statement per answer would copy
/// the same pages over and over (it was a third of the cost of scoring a
/// burst of votes).
pub fn add_to_standings(conn: &Connection, answers: &[NewAnswer]) -> anyhow::Result<()> {
    // (scope, period, player) → (points, answered, correct) to add
    let mut totals: std::collections::BTreeMap<(i64, i64, i64), (i64, i64, i64)> =
        std::collections::BTreeMap::new();
    for a in answers {
        let scopes = [Some(0), a.chat_id];
        for scope in scopes.into_iter().flatten() {
            for period in [0, a.week] {
                let t = totals.entry((scope, period, a.player_id)).or_default();
                t.0 += a.points;
                t.1 += 1;
                t.2 += i64::from(a.is_correct);
            }
        }
    }
    let rows: Vec<[i64; 6]> = totals
        .into_iter()
        .map(|((scope, period, player), (points, answered, correct))| {
            [scope, period, player, points, answered, correct]
        })
        .collect();
    for chunk in rows.chunks(STANDINGS_CHUNK) {
        let values = vec!["(?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        let sql = format!(
            "INSERT INTO standings (scope, period, player_id, points, answered, correct) VALUES {values}
             ON CONFLICT (scope, period, player_id) DO UPDATE SET
                 points = points + excluded.points,
                 answered = answered + excluded.answered,
                 correct = correct + excluded.correct"
        );
        conn.prepare_cached(&sql)?
            .execute(rusqlite::params_from_iter(chunk.iter().flatten()))
            .context("cannot update the standings")?;
    }
    Ok(())
}

/// Rows per statement of [`add_to_standings`] (six parameters a row, under
/// SQLite's 32,766).
const STANDINGS_CHUNK: usize = 1000;

/// How many answered a served question, and how many were right.
pub fn round_counts(conn: &Connection, served_id: i64) -> anyhow::Result<(i64, i64)> {
    conn.prepare_cached(
        "SELECT COUNT(*), COALESCE(SUM(is_correct), 0) FROM answers WHERE served_id = ?1",
    )?
    .query_row([served_id], |r| Ok((r.get(0)?, r.get(1)?)))
    .context("cannot count the round's answers")
}

/// In one quiz, per player: points, answered, correct, best first; equal
/// points share a rank.
pub fn quiz_scores(conn: &Connection, quiz_id: i64) -> anyhow::Result<Vec<Standing>> {
    let rows: Vec<(i64, String, i64, i64, i64)> = conn
        .prepare_cached(
            "SELECT a.player_id, p.display_name, SUM(a.points) AS points, COUNT(*), SUM(a.is_correct) AS correct
             FROM answers a JOIN players p ON p.id = a.player_id
             WHERE a.quiz_id = ?1
             GROUP BY a.player_id
             ORDER BY points DESC, correct DESC, a.player_id",
        )?
        .query_map([quiz_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()
        .context("cannot read the quiz's scores")?;
    let mut out: Vec<Standing> = Vec::with_capacity(rows.len());
    for (i, (player_id, name, points, answered, correct)) in rows.into_iter().enumerate() {
        let rank = match out.last() {
            Some(prev) if prev.points == points => prev.rank,
            _ => i64::try_from(i).unwrap_or(i64::MAX) + 1,
        };
        out.push(Standing {
            rank,
            player_id,
            name,
            points,
            answered,
            correct,
        });
    }
    Ok(out)
}

/// How many served questions of a quiz a player answered, and their streak
/// of right answers at the end (for solo scoring).
pub fn solo_progress(
    conn: &Connection,
    quiz_id: i64,
    player_id: i64,
) -> anyhow::Result<(u32, u32)> {
    let rows: Vec<bool> = conn
        .prepare_cached(
            "SELECT a.is_correct FROM answers a JOIN served s ON s.id = a.served_id
             WHERE a.quiz_id = ?1 AND a.player_id = ?2 ORDER BY s.position",
        )?
        .query_map([quiz_id, player_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()
        .context("cannot read the quiz's answers")?;
    let streak = rows.iter().rev().take_while(|&&c| c).count();
    Ok((
        u32::try_from(rows.len()).unwrap_or(u32::MAX),
        u32::try_from(streak).unwrap_or(u32::MAX),
    ))
}

/// A player's totals in a scope and period: (points, answered, correct).
pub fn standing(
    conn: &Connection,
    scope: i64,
    period: i64,
    player_id: i64,
) -> anyhow::Result<Option<(i64, i64, i64)>> {
    conn.prepare_cached(
        "SELECT points, answered, correct FROM standings WHERE scope = ?1 AND period = ?2 AND player_id = ?3",
    )?
    .query_row([scope, period, player_id], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })
    .optional()
    .context("cannot read the standings")
}

/// 1 + the number of players with more points in the scope and period.
pub fn rank_of(conn: &Connection, scope: i64, period: i64, points: i64) -> anyhow::Result<i64> {
    let above: i64 = conn
        .prepare_cached(
            "SELECT COALESCE(SUM(players), 0) FROM standing_points WHERE scope = ?1 AND period = ?2 AND points > ?3",
        )?
        .query_row([scope, period, points], |r| r.get(0))
        .context("cannot rank the player")?;
    Ok(above + 1)
}

/// How many players have a standing in the scope and period.
pub fn players_in(conn: &Connection, scope: i64, period: i64) -> anyhow::Result<i64> {
    conn.prepare_cached(
        "SELECT COALESCE(SUM(players), 0) FROM standing_points WHERE scope = ?1 AND period = ?2",
    )?
    .query_row([scope, period], |r| r.get(0))
    .context("cannot count the players")
}

/// The top `limit` of a scope and period; players with equal points share a
/// rank (1, 2, 2, 4).
pub fn top(
    conn: &Connection,
    scope: i64,
    period: i64,
    limit: i64,
) -> anyhow::Result<Vec<Standing>> {
    conn.prepare_cached(
        "SELECT s.player_id, p.display_name, s.points, s.answered, s.correct,
                (SELECT COALESCE(SUM(players), 0) FROM standing_points o
                 WHERE o.scope = s.scope AND o.period = s.period AND o.points > s.points) + 1
         FROM standings s JOIN players p ON p.id = s.player_id
         WHERE s.scope = ?1 AND s.period = ?2
         ORDER BY s.points DESC, s.correct DESC, s.player_id
         LIMIT ?3",
    )?
    .query_map([scope, period, limit], |r| {
        Ok(Standing {
            player_id: r.get(0)?,
            name: r.get(1)?,
            points: r.get(2)?,
            answered: r.get(3)?,
            correct: r.get(4)?,
            rank: r.get(5)?,
        })
    })?
    .collect::<rusqlite::Result<_>>()
    .context("cannot read the leaderboard")
}
