//! Answers, and the running totals (standings) that leaderboards read.

use super::sql::{Connection, OptionalExtension, Value, params};
use anyhow::Context;
use std::sync::LazyLock;

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
    /// The slug of the question's article: its own boards count it too.
    pub article: String,
}

/// Which totals: a scope (0 global, else a chat's row id), a period (0 all
/// time, else a week, see [`crate::game::week_of`]) and an article (`""`
/// for every article together, else its slug).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Board<'a> {
    pub scope: i64,
    pub period: i64,
    pub article: &'a str,
}

impl Board<'_> {
    /// Every player's all-time totals over every article.
    pub const GLOBAL: Board<'static> = Board {
        scope: 0,
        period: 0,
        article: "",
    };
}

/// Records the answer of a player who, as this transaction has read, had
/// not answered that question, and adds it to the standings and the
/// player's streak. On PostgreSQL nothing here waits for the server: the
/// statements go with the next one that does. If the player had answered
/// after all (which only another writer could have done since the read),
/// the job fails, at once on SQLite and by its end on PostgreSQL, and
/// changes nothing; tried again, it reads that they had.
///
/// On PostgreSQL the quiz must still be running, or the job fails the same
/// way: what a solo answer was judged on may have been read ahead of the
/// batch's other jobs (see `Store::write_read_ahead`), one of which may
/// have stopped the quiz.
pub fn record_answer(conn: &Connection, a: &NewAnswer) -> anyhow::Result<()> {
    const RECORDED: &str = "the answer was recorded before, or its quiz ended";
    if let Connection::Postgres(_) = conn {
        // One statement: the streak moves only if the answer was new (no
        // row updated otherwise, and the job fails as below).
        static RECORD: LazyLock<String> = LazyLock::new(|| {
            format!(
                "WITH new AS (
                     INSERT INTO answers (served_id, player_id, quiz_id, choice, is_correct, points, answered_at, elapsed_ms)
                     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8
                     WHERE EXISTS (SELECT 1 FROM quizzes WHERE id = ?3 AND state = 'running')
                     ON CONFLICT (served_id, player_id) DO NOTHING
                     RETURNING player_id)
                 UPDATE players SET {} FROM new WHERE players.id = new.player_id",
                streak_moves("?5 = 1")
            )
        });
        conn.defer_expecting(&RECORD, answer_params(a), 1, RECORDED)
            .context("cannot save the answer")?;
    } else {
        conn.defer_expecting(INSERT_ANSWER, answer_params(a), 1, RECORDED)
            .context("cannot save the answer")?;
        update_streak(conn, a)?;
    }
    add_to_standings(conn, std::slice::from_ref(a))
}

/// Records an answer and the player's streak, not the standings (see
/// [`add_to_standings`]). Returns false, changing nothing, if the player had
/// answered already.
pub fn insert_answer(conn: &Connection, a: &NewAnswer) -> anyhow::Result<bool> {
    let inserted = conn
        .prepare_cached(INSERT_ANSWER)?
        .execute(answer_params(a))
        .context("cannot save the answer")?;
    if inserted == 0 {
        return Ok(false);
    }
    update_streak(conn, a)?;
    Ok(true)
}

/// Records answers and their players' streaks, not the standings (see
/// [`add_to_standings`]), in the order given; returns which were new (a
/// player who had answered that question already changes nothing).
///
/// On PostgreSQL each run of answers by different players is one
/// statement, the answers passed as one JSON text, where each answer was a
/// round trip of its own (a group round's votes are counted a few hundred
/// at a time). A player twice in a batch starts a new run: a statement
/// moves a player's streak once.
pub fn insert_answers(conn: &Connection, answers: &[NewAnswer]) -> anyhow::Result<Vec<bool>> {
    if let Connection::Sqlite(_) = conn {
        return answers.iter().map(|a| insert_answer(conn, a)).collect();
    }
    static INSERT_RUN: LazyLock<String> = LazyLock::new(|| {
        format!(
            "WITH new AS (
                 INSERT INTO answers (served_id, player_id, quiz_id, choice, is_correct, points, answered_at, elapsed_ms)
                 SELECT served_id, player_id, quiz_id, choice, is_correct, points, answered_at, elapsed_ms
                 FROM json_to_recordset(?1::TEXT::JSON) AS x(served_id BIGINT, player_id BIGINT,
                     quiz_id BIGINT, choice BIGINT, is_correct SMALLINT, points INTEGER,
                     answered_at BIGINT, elapsed_ms BIGINT)
                 ON CONFLICT (served_id, player_id) DO NOTHING
                 RETURNING served_id, player_id, is_correct
             ), moved AS (
                 UPDATE players SET {} FROM new WHERE players.id = new.player_id
             )
             SELECT served_id, player_id FROM new",
            streak_moves("new.is_correct = 1")
        )
    });
    let mut new = Vec::with_capacity(answers.len());
    let mut rest = answers;
    while !rest.is_empty() {
        let mut players = std::collections::HashSet::new();
        let end = rest
            .iter()
            .position(|a| !players.insert(a.player_id))
            .unwrap_or(rest.len());
        let (run, after) = rest.split_at(end);
        let rows: Vec<serde_json::Value> = run
            .iter()
            .map(|a| {
                let [
                    served_id,
                    player_id,
                    quiz_id,
                    choice,
                    is_correct,
                    points,
                    answered_at,
                    elapsed_ms,
                ] = answer_params(a);
                serde_json::json!({
                    "served_id": served_id, "player_id": player_id, "quiz_id": quiz_id,
                    "choice": choice, "is_correct": is_correct, "points": points,
                    "answered_at": answered_at, "elapsed_ms": elapsed_ms,
                })
            })
            .collect();
        let inserted: std::collections::HashSet<(i64, i64)> = conn
            .prepare_cached(&INSERT_RUN)?
            .rows(params![serde_json::Value::Array(rows).to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .context("cannot save the answers")?
            .into_iter()
            .collect();
        new.extend(
            run.iter()
                .map(|a| inserted.contains(&(a.served_id, a.player_id))),
        );
        rest = after;
    }
    Ok(new)
}

const INSERT_ANSWER: &str = "INSERT INTO answers (served_id, player_id, quiz_id, choice, is_correct, points, answered_at, elapsed_ms)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
     ON CONFLICT (served_id, player_id) DO NOTHING";

fn answer_params(a: &NewAnswer) -> [i64; 8] {
    [
        a.served_id,
        a.player_id,
        a.quiz_id,
        a.choice,
        i64::from(a.is_correct),
        a.points,
        a.answered_at,
        a.elapsed_ms,
    ]
}

fn update_streak(conn: &Connection, a: &NewAnswer) -> anyhow::Result<()> {
    static UPDATE: LazyLock<String> =
        LazyLock::new(|| format!("UPDATE players SET {} WHERE id = ?2", streak_moves("?1")));
    conn.defer(&UPDATE, params![a.is_correct, a.player_id])
        .context("cannot update the streak")
}

/// The SET list that moves a player's streak by one answer, right when
/// `correct` (an SQL condition) holds.
fn streak_moves(correct: &str) -> String {
    format!(
        "streak = CASE WHEN {correct} THEN streak + 1 ELSE 0 END,
         best_streak = CASE WHEN {correct} AND streak + 1 > best_streak
             THEN streak + 1 ELSE best_streak END"
    )
}

/// Adds answers to their players' totals: global and the chat's (a
/// terminal answer has no chat), all time and this week (triggers keep the
/// number of players on each score).
///
/// On SQLite they are written at once. On PostgreSQL they wait on the
/// connection and are written together when the writer's batch commits, or
/// before anything reads the standings (see [`Pending`]): an upsert of
/// four rows with its triggers was the largest single cost of an answer
/// there (0.36 ms of the server's time, a round trip more), and one upsert
/// for a whole batch costs little more than one for a single answer.
pub fn add_to_standings(conn: &Connection, answers: &[NewAnswer]) -> anyhow::Result<()> {
    match conn {
        Connection::Postgres(pg) => {
            pg.standings.borrow_mut().add(answers);
            Ok(())
        }
        Connection::Sqlite(_) => {
            let mut totals = Totals::new();
            add(&mut totals, answers);
            write_standings(conn, totals)
        }
    }
}

/// Writes the standings waiting on a PostgreSQL connection (see
/// [`add_to_standings`]); nothing on SQLite. Whatever reads or deletes
/// standings calls this first (the writer, before it commits, calls
/// [`write_waiting_standings`]).
pub fn flush_standings(conn: &Connection) -> anyhow::Result<()> {
    let Connection::Postgres(pg) = conn else {
        return Ok(());
    };
    let totals = pg.standings.borrow_mut().take();
    write_standings(conn, totals)
}

/// Writes every standing waiting on a PostgreSQL connection as its
/// transaction ends (no job runs: nothing to take back any more).
pub(super) fn write_waiting_standings(conn: &Connection) -> anyhow::Result<()> {
    let Connection::Postgres(pg) = conn else {
        return Ok(());
    };
    let totals = std::mem::take(&mut *pg.standings.borrow_mut()).all();
    write_standings(conn, totals)
}

/// (scope, period, article, player) → (points, answered, correct) to add.
type Totals = std::collections::BTreeMap<(i64, i64, String, i64), (i64, i64, i64)>;

fn add(totals: &mut Totals, answers: &[NewAnswer]) {
    for a in answers {
        let scopes = [Some(0), a.chat_id];
        for scope in scopes.into_iter().flatten() {
            for period in [0, a.week] {
                for article in ["", a.article.as_str()] {
                    let t = totals
                        .entry((scope, period, article.to_owned(), a.player_id))
                        .or_default();
                    t.0 += a.points;
                    t.1 += 1;
                    t.2 += i64::from(a.is_correct);
                }
            }
        }
    }
}

/// Adds `from` into `into`. The smaller of the two is the one gone through
/// (the sums are the same either way): a job that scored a burst's batch
/// of votes adds thousands of rows to a batch that usually holds none,
/// and each row looked up again costs comparisons of its article's id.
fn merge(into: &mut Totals, mut from: Totals) {
    if from.len() > into.len() {
        std::mem::swap(into, &mut from);
    }
    for (key, (points, answered, correct)) in from {
        let t = into.entry(key).or_default();
        t.0 += points;
        t.1 += answered;
        t.2 += correct;
    }
}

/// Standings added on a PostgreSQL connection and not written yet, kept
/// apart by the job that added them, so that a job the writer rolls back
/// (to its savepoint) takes back exactly what it added.
#[derive(Debug, Default)]
pub struct Pending {
    /// Added by the jobs of this transaction that succeeded.
    batch: Totals,
    /// Added by the job running.
    job: Totals,
    /// What `batch` held when the running job wrote the standings: those
    /// rows were written inside the job's savepoint, so if the job is
    /// rolled back they are unwritten again and go back to `batch`.
    written_by_job: Totals,
}

impl Pending {
    fn add(&mut self, answers: &[NewAnswer]) {
        add(&mut self.job, answers);
    }

    /// Everything waiting, to write at the transaction's end.
    fn all(mut self) -> Totals {
        merge(&mut self.batch, self.job);
        self.batch
    }

    /// Everything waiting, to write now, inside the running job.
    fn take(&mut self) -> Totals {
        let mut all = std::mem::take(&mut self.batch);
        merge(&mut self.written_by_job, all.clone());
        merge(&mut all, std::mem::take(&mut self.job));
        all
    }

    /// The running job ended: what it added is kept (`ok`) or taken back
    /// with its savepoint.
    pub fn job_done(&mut self, ok: bool) {
        if ok {
            merge(&mut self.batch, std::mem::take(&mut self.job));
            self.written_by_job.clear();
        } else {
            self.job.clear();
            merge(&mut self.batch, std::mem::take(&mut self.written_by_job));
        }
    }

    /// A transaction begins: nothing is waiting (what a transaction that
    /// did not commit added went with it).
    pub fn clear(&mut self) {
        *self = Pending::default();
    }
}

/// Adds `totals` to the standings. However many the rows, this is a few
/// statements of at most [`STANDINGS_CHUNK`] rows each, their sizes powers
/// of two so that a connection prepares at most a dozen of them: a
/// statement copies each page it changes once into SQLite's statement
/// journal, so a statement per answer would copy the same pages over and
/// over (it was a third of the cost of scoring a burst of votes).
fn write_standings(conn: &Connection, totals: Totals) -> anyhow::Result<()> {
    let rows: Vec<_> = totals.into_iter().collect();
    let mut rest = rows.as_slice();
    while !rest.is_empty() {
        let size = STANDINGS_CHUNK.min(1 << rest.len().ilog2());
        let (chunk, after) = rest.split_at(size);
        rest = after;
        let values = vec!["(?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        let sql = format!(
            "INSERT INTO standings (scope, period, article, player_id, points, answered, correct) VALUES {values}
             ON CONFLICT (scope, period, article, player_id) DO UPDATE SET
                 points = standings.points + excluded.points,
                 answered = standings.answered + excluded.answered,
                 correct = standings.correct + excluded.correct"
        );
        let params = chunk.iter().flat_map(
            |((scope, period, article, player), (points, answered, correct))| {
                [
                    Value::Int(*scope),
                    Value::Int(*period),
                    Value::Text(article),
                    Value::Int(*player),
                    Value::Int(*points),
                    Value::Int(*answered),
                    Value::Int(*correct),
                ]
            },
        );
        // Nothing is read from it: on PostgreSQL its answer comes with the
        // next statement or the commit.
        conn.defer(&sql, params.collect::<Vec<_>>())
            .context("cannot update the standings")?;
    }
    Ok(())
}

/// Most rows per statement of [`write_standings`], a power of two (seven
/// parameters a row, under SQLite's 32,766).
const STANDINGS_CHUNK: usize = 1024;

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
             GROUP BY a.player_id, p.display_name
             ORDER BY points DESC, correct DESC, a.player_id",
        )?
        .rows([quiz_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
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
        .rows([quiz_id, player_id], |r| r.get(0))
        .context("cannot read the quiz's answers")?;
    let streak = rows.iter().rev().take_while(|&&c| c).count();
    Ok((
        u32::try_from(rows.len()).unwrap_or(u32::MAX),
        u32::try_from(streak).unwrap_or(u32::MAX),
    ))
}

/// A player's totals on a board: (points, answered, correct).
pub fn standing(
    conn: &Connection,
    board: Board<'_>,
    player_id: i64,
) -> anyhow::Result<Option<(i64, i64, i64)>> {
    flush_standings(conn)?;
    conn.prepare_cached(
        "SELECT points, answered, correct FROM standings
         WHERE scope = ?1 AND period = ?2 AND article = ?3 AND player_id = ?4",
    )?
    .query_row(
        params![board.scope, board.period, board.article, player_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()
    .context("cannot read the standings")
}

/// 1 + the number of players with more points on the board.
pub fn rank_of(conn: &Connection, board: Board<'_>, points: i64) -> anyhow::Result<i64> {
    flush_standings(conn)?;
    let above: i64 = conn
        .prepare_cached(
            "SELECT COALESCE(SUM(players), 0) FROM standing_points
             WHERE scope = ?1 AND period = ?2 AND article = ?3 AND points > ?4",
        )?
        .query_row(
            params![board.scope, board.period, board.article, points],
            |r| r.get(0),
        )
        .context("cannot rank the player")?;
    Ok(above + 1)
}

/// How many players have a standing on the board.
pub fn players_in(conn: &Connection, board: Board<'_>) -> anyhow::Result<i64> {
    flush_standings(conn)?;
    conn.prepare_cached(
        "SELECT COALESCE(SUM(players), 0) FROM standing_points
         WHERE scope = ?1 AND period = ?2 AND article = ?3",
    )?
    .query_row(params![board.scope, board.period, board.article], |r| {
        r.get(0)
    })
    .context("cannot count the players")
}

/// The top `limit` of a board; players with equal points share a rank
/// (1, 2, 2, 4).
pub fn top(conn: &Connection, board: Board<'_>, limit: i64) -> anyhow::Result<Vec<Standing>> {
    flush_standings(conn)?;
    conn.prepare_cached(
        "SELECT s.player_id, p.display_name, s.points, s.answered, s.correct,
                (SELECT COALESCE(SUM(players), 0) FROM standing_points o
                 WHERE o.scope = s.scope AND o.period = s.period AND o.article = s.article
                   AND o.points > s.points) + 1
         FROM standings s JOIN players p ON p.id = s.player_id
         WHERE s.scope = ?1 AND s.period = ?2 AND s.article = ?3
         ORDER BY s.points DESC, s.correct DESC, s.player_id
         LIMIT ?4",
    )?
    .rows(
        params![board.scope, board.period, board.article, limit],
        |r| {
            Ok(Standing {
                player_id: r.get(0)?,
                name: r.get(1)?,
                points: r.get(2)?,
                answered: r.get(3)?,
                correct: r.get(4)?,
                rank: r.get(5)?,
            })
        },
    )
    .context("cannot read the leaderboard")
}

/// When a player last answered each fact (`article/fact`, Unix ms): what a
/// new quiz of theirs asks last.
pub fn seen_by_player(conn: &Connection, player_id: i64) -> anyhow::Result<crate::game::Seen> {
    seen(
        conn,
        "SELECT sv.question_id, MAX(a.answered_at)
         FROM answers a JOIN served sv ON sv.id = a.served_id
         WHERE a.player_id = ?1
         GROUP BY sv.question_id",
        player_id,
    )
}

/// When a group was last asked each fact (`article/fact`, Unix ms), by the
/// group's Telegram id.
pub fn seen_by_chat(conn: &Connection, telegram_id: i64) -> anyhow::Result<crate::game::Seen> {
    seen(
        conn,
        "SELECT sv.question_id, MAX(sv.served_at)
         FROM chats c
         JOIN quizzes q ON q.chat_id = c.id
         JOIN served sv ON sv.quiz_id = q.id
         WHERE c.telegram_id = ?1 AND sv.served_at IS NOT NULL
         GROUP BY sv.question_id",
        telegram_id,
    )
}

fn seen(conn: &Connection, sql: &str, id: i64) -> anyhow::Result<crate::game::Seen> {
    let mut out = crate::game::Seen::new();
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .rows([id], |r| Ok((r.get::<String>(0)?, r.get::<i64>(1)?)))
        .context("cannot read what was asked before")?;
    for (question, at) in rows {
        // A fact asked as a claim and as a choice is one fact.
        let key = crate::game::plan::fact_key(&question).to_owned();
        let last = out.entry(key).or_insert(at);
        *last = (*last).max(at);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{Totals, merge};

    /// (scope, article, player, (points, answered, correct)), all time.
    type Row<'a> = (i64, &'a str, i64, (i64, i64, i64));

    fn totals(rows: &[Row<'_>]) -> Totals {
        rows.iter()
            .map(|&(scope, article, player, t)| ((scope, 0, article.to_owned(), player), t))
            .collect()
    }

    #[test]
    fn merging_adds_the_rows_both_hold_whichever_is_larger() {
        let small = totals(&[(0, "a", 1, (10, 1, 1)), (5, "", 2, (0, 1, 0))]);
        let large = totals(&[
            (0, "a", 1, (7, 2, 1)),
            (0, "a", 3, (4, 1, 1)),
            (0, "", 1, (7, 2, 1)),
        ]);
        let expected = totals(&[
            (0, "a", 1, (17, 3, 2)),
            (0, "a", 3, (4, 1, 1)),
            (0, "", 1, (7, 2, 1)),
            (5, "", 2, (0, 1, 0)),
        ]);
        let mut into_small = small.clone();
        merge(&mut into_small, large.clone());
        assert_eq!(into_small, expected);
        let mut into_large = large;
        merge(&mut into_large, small);
        assert_eq!(into_large, expected);
        let mut into_empty = Totals::new();
        merge(&mut into_empty, expected.clone());
        assert_eq!(into_empty, expected);
    }
}
