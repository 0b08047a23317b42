//! Quizzes and the questions they serve.

use super::sql::{Connection, Later, OptionalExtension, Owned, Row, params};
use anyhow::Context;

use crate::game::{Mode, QuizState};

/// A quiz as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizRow {
    pub id: i64,
    pub mode: Mode,
    pub chat_id: Option<i64>,
    pub started_by: i64,
    pub state: QuizState,
    pub total: i64,
    pub round_seconds: Option<i64>,
    pub started_at: i64,
}

const QUIZ_COLUMNS: &str =
    "q.id, q.mode, q.chat_id, q.started_by, q.state, q.total, q.round_seconds, q.started_at";

fn quiz_row(row: &Row<'_>) -> super::sql::Result<QuizRow> {
    quiz_row_at(row, 0)
}

/// A quiz read from `QUIZ_COLUMNS` starting at column `at`.
fn quiz_row_at(row: &Row<'_>, at: usize) -> super::sql::Result<QuizRow> {
    Ok(QuizRow {
        id: row.get(at)?,
        mode: row.get(at + 1)?,
        chat_id: row.get(at + 2)?,
        started_by: row.get(at + 3)?,
        state: row.get(at + 4)?,
        total: row.get(at + 5)?,
        round_seconds: row.get(at + 6)?,
        started_at: row.get(at + 7)?,
    })
}

/// A served question as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedRow {
    pub id: i64,
    pub quiz_id: i64,
    pub position: i64,
    pub snapshot: String,
    pub correct: i64,
    pub served_at: Option<i64>,
    pub closes_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub message_id: Option<i64>,
}

const SERVED_COLUMNS: &str = "s.id, s.quiz_id, s.position, s.snapshot, s.correct, s.served_at, s.closes_at, s.closed_at, s.message_id";
/// How many columns `SERVED_COLUMNS` has.
const SERVED_WIDTH: usize = 9;

fn served_row(row: &Row<'_>) -> super::sql::Result<ServedRow> {
    served_row_at(row, 0)
}

/// A served question read from `SERVED_COLUMNS` starting at column `at`.
fn served_row_at(row: &Row<'_>, at: usize) -> super::sql::Result<ServedRow> {
    Ok(ServedRow {
        id: row.get(at)?,
        quiz_id: row.get(at + 1)?,
        position: row.get(at + 2)?,
        snapshot: row.get(at + 3)?,
        correct: row.get(at + 4)?,
        served_at: row.get(at + 5)?,
        closes_at: row.get(at + 6)?,
        closed_at: row.get(at + 7)?,
        message_id: row.get(at + 8)?,
    })
}

/// A quiz to create.
#[derive(Debug, Clone)]
pub struct NewQuiz {
    pub mode: Mode,
    pub chat_id: Option<i64>,
    pub started_by: i64,
    pub total: i64,
    pub round_seconds: Option<i64>,
    pub now: i64,
    /// The message that asked for it: (Telegram chat, message id).
    pub origin: Option<(i64, i64)>,
}

/// Creates a running quiz; returns its id.
pub fn insert_quiz(conn: &Connection, q: &NewQuiz) -> anyhow::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO quizzes (mode, chat_id, started_by, state, total, round_seconds, started_at, origin_chat, origin_message)
         VALUES (?1, ?2, ?3, 'running', ?4, ?5, ?6, ?7, ?8) RETURNING id",
    )?
    .query_row(
        params![
            q.mode,
            q.chat_id,
            q.started_by,
            q.total,
            q.round_seconds,
            q.now,
            q.origin.map(|o| o.0),
            q.origin.map(|o| o.1)
        ],
        |r| r.get(0),
    )
    .context("cannot save the quiz")
}

/// A question planned for a quiz: its place, its id, the question as it
/// will be shown (JSON) and the index of the right choice.
pub struct NewServed<'a> {
    pub position: i64,
    pub question_id: &'a str,
    pub snapshot: String,
    pub correct: i64,
}

/// Saves the questions planned for a quiz: one statement, not waited for
/// (on PostgreSQL it goes with the job's next one).
pub fn insert_served(
    conn: &Connection,
    quiz_id: i64,
    planned: &[NewServed<'_>],
) -> anyhow::Result<()> {
    // Kept well below SQLite's limit on parameters.
    for chunk in planned.chunks(200) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p = 1 + 4 * i;
                format!(
                    "(?{}, ?{p}, ?{}, ?{}, ?{})",
                    4 * chunk.len() + 1,
                    p + 1,
                    p + 2,
                    p + 3
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO served (quiz_id, position, question_id, snapshot, correct) VALUES {}",
            rows.join(", ")
        );
        let mut values: Vec<Owned> = Vec::with_capacity(4 * chunk.len() + 1);
        for s in chunk {
            values.extend([
                Owned::Int(s.position),
                Owned::Text(s.question_id.to_owned()),
                Owned::Text(s.snapshot.clone()),
                Owned::Int(s.correct),
            ]);
        }
        values.push(Owned::Int(quiz_id));
        conn.defer(&sql, values)
            .context("cannot save the questions of the quiz")?;
    }
    Ok(())
}

fn one_quiz(
    conn: &Connection,
    filter: &str,
    args: impl super::sql::Params,
) -> anyhow::Result<Option<QuizRow>> {
    conn.prepare_cached(&format!(
        "SELECT {QUIZ_COLUMNS} FROM quizzes q WHERE {filter}"
    ))?
    .query_row(args, quiz_row)
    .optional()
    .context("cannot read the quiz")
}

pub fn quiz(conn: &Connection, id: i64) -> anyhow::Result<Option<QuizRow>> {
    one_quiz(conn, "q.id = ?1", [id])
}

/// The quiz a Telegram message asked for, if it was handled before.
pub fn quiz_by_origin(
    conn: &Connection,
    chat: i64,
    message: i64,
) -> anyhow::Result<Option<QuizRow>> {
    one_quiz(
        conn,
        "q.origin_chat = ?1 AND q.origin_message = ?2",
        [chat, message],
    )
}

/// The running solo quiz a player started, if any.
pub fn running_solo(conn: &Connection, player_id: i64) -> anyhow::Result<Option<QuizRow>> {
    one_quiz(
        conn,
        "q.started_by = ?1 AND q.mode = 'solo' AND q.state = 'running'",
        [player_id],
    )
}

/// The running group quiz of a chat, if any.
pub fn running_group(conn: &Connection, chat_id: i64) -> anyhow::Result<Option<QuizRow>> {
    one_quiz(
        conn,
        "q.chat_id = ?1 AND q.mode = 'group' AND q.state = 'running'",
        [chat_id],
    )
}

/// Stops solo quizzes with no question shown or started since `before`.
pub fn stop_idle_solo(conn: &Connection, before: i64, now: i64) -> anyhow::Result<usize> {
    conn.prepare_cached(
        "UPDATE quizzes SET state = 'stopped', ended_at = ?1
         WHERE mode = 'solo' AND state = 'running' AND started_at < ?2
           AND NOT EXISTS (SELECT 1 FROM served s WHERE s.quiz_id = quizzes.id AND s.served_at >= ?2)",
    )?
    .execute(params![now, before])
    .context("cannot stop idle quizzes")
}

/// Ends a running quiz (finished or stopped); returns false if it was not
/// running.
pub fn end_quiz(
    conn: &Connection,
    quiz_id: i64,
    state: QuizState,
    now: i64,
) -> anyhow::Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE quizzes SET state = ?1, ended_at = ?2 WHERE id = ?3 AND state = 'running'",
        )?
        .execute(params![state, now, quiz_id])
        .context("cannot end the quiz")?;
    Ok(n == 1)
}

/// The questions of a quiz in order.
pub fn served_of_quiz(conn: &Connection, quiz_id: i64) -> anyhow::Result<Vec<ServedRow>> {
    conn.prepare_cached(&format!(
        "SELECT {SERVED_COLUMNS} FROM served s WHERE s.quiz_id = ?1 ORDER BY s.position"
    ))?
    .rows([quiz_id], served_row)
    .context("cannot read the questions of the quiz")
}

/// The question a solo quiz is at for its player: the first, in order,
/// that is not shown yet or not answered yet; `None` when all are answered.
pub fn next_solo_question(
    conn: &Connection,
    quiz_id: i64,
    player_id: i64,
) -> anyhow::Result<Option<ServedRow>> {
    conn.prepare_cached(&format!(
        "SELECT {SERVED_COLUMNS} FROM served s
         WHERE s.quiz_id = ?1
           AND (s.served_at IS NULL
                OR NOT EXISTS (SELECT 1 FROM answers a WHERE a.served_id = s.id AND a.player_id = ?2))
         ORDER BY s.position LIMIT 1"
    ))?
    .query_row([quiz_id, player_id], served_row)
    .optional()
    .context("cannot read the questions of the quiz")
}

/// Marks a question shown (and, for a group round, when it closes).
pub fn mark_served(
    conn: &Connection,
    served_id: i64,
    now: i64,
    closes_at: Option<i64>,
) -> anyhow::Result<()> {
    conn.defer(
        "UPDATE served SET served_at = ?1, closes_at = ?2 WHERE id = ?3 AND served_at IS NULL",
        params![now, closes_at, served_id],
    )
    .context("cannot mark the question shown")?;
    Ok(())
}

/// Remembers the Telegram message (and poll) that shows a question.
pub fn set_message(
    conn: &Connection,
    served_id: i64,
    message_id: i64,
    poll_id: Option<&str>,
) -> anyhow::Result<()> {
    conn.prepare_cached(
        "UPDATE served SET message_id = ?1, poll_id = COALESCE(?2, poll_id) WHERE id = ?3",
    )?
    .execute(params![message_id, poll_id, served_id])
    .context("cannot save the question's message")?;
    Ok(())
}

/// Closes a group round; returns false if it was closed already.
pub fn close_round(conn: &Connection, served_id: i64, now: i64) -> anyhow::Result<bool> {
    let n = conn
        .prepare_cached("UPDATE served SET closed_at = ?1 WHERE id = ?2 AND closed_at IS NULL")?
        .execute(params![now, served_id])
        .context("cannot close the round")?;
    Ok(n == 1)
}

/// Group rounds on screen and not closed: (served id, closes at).
pub fn open_rounds(conn: &Connection) -> anyhow::Result<Vec<(i64, i64)>> {
    conn.prepare_cached(
        "SELECT s.id, s.closes_at FROM served s JOIN quizzes q ON q.id = s.quiz_id
         WHERE q.mode = 'group' AND s.closes_at IS NOT NULL AND s.closed_at IS NULL
         ORDER BY s.closes_at",
    )?
    .rows((), |r| Ok((r.get(0)?, r.get(1)?)))
    .context("cannot read the open rounds")
}

/// The served question a poll shows.
pub fn served_by_poll(conn: &Connection, poll_id: &str) -> anyhow::Result<Option<i64>> {
    conn.prepare_cached("SELECT id FROM served WHERE poll_id = ?1")?
        .query_row([poll_id], |r| r.get(0))
        .optional()
        .context("cannot read the round of a poll")
}

/// A served question and its quiz.
pub fn served_with_quiz(
    conn: &Connection,
    served_id: i64,
) -> anyhow::Result<Option<(ServedRow, QuizRow)>> {
    conn.prepare_cached(&format!(
        "SELECT {SERVED_COLUMNS}, {QUIZ_COLUMNS} FROM served s JOIN quizzes q ON q.id = s.quiz_id WHERE s.id = ?1"
    ))?
    .query_row([served_id], |r| {
        Ok((served_row(r)?, quiz_row_at(r, SERVED_WIDTH)?))
    })
    .optional()
    .context("cannot read the question")
}

/// What judging a solo answer needs, read in one query: the served
/// question, its quiz, and, for the quiz's starter (the one player whose
/// answers count in a solo quiz), whether they answered it already, how
/// far they are, and the question they will be at once it is answered.
#[derive(Debug, Clone)]
pub struct AnswerContext {
    pub served: ServedRow,
    pub quiz: QuizRow,
    /// Whether the starter answered the question already.
    pub answered: bool,
    /// The starter's answers in this quiz, and their streak of right ones
    /// at the end: what [`super::solo_progress`] says for the starter.
    pub progress: (u32, u32),
    /// The question the quiz is at once the starter has answered this
    /// one (as [`next_solo_question`] would find it then): the first, in
    /// order, other than this one, not shown yet or not answered yet.
    pub next: Option<ServedRow>,
}

/// The context of an answer to served question `served_id`; `None` if
/// there is no such question.
pub fn answer_context(conn: &Connection, served_id: i64) -> anyhow::Result<Option<AnswerContext>> {
    answer_context_later(conn, served_id)?
        .wait(conn)
        .context("cannot read the question")
}

/// [`answer_context`], asked now and read later: on PostgreSQL the query
/// is sent now and answered with the next statement waited for.
pub fn answer_context_later(
    conn: &Connection,
    served_id: i64,
) -> anyhow::Result<Later<Option<AnswerContext>>> {
    // `SERVED_COLUMNS` of the question after, in the same order.
    const NEXT_COLUMNS: &str = "n.id, n.quiz_id, n.position, n.snapshot, n.correct, n.served_at, n.closes_at, n.closed_at, n.message_id";
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "SELECT {SERVED_COLUMNS}, {QUIZ_COLUMNS},
                    EXISTS (SELECT 1 FROM answers a WHERE a.served_id = s.id AND a.player_id = q.started_by),
                    (SELECT COUNT(*) FROM answers a WHERE a.quiz_id = q.id AND a.player_id = q.started_by),
                    (SELECT COUNT(*) FROM answers a JOIN served x ON x.id = a.served_id
                     WHERE a.quiz_id = q.id AND a.player_id = q.started_by
                       AND x.position > COALESCE(
                           (SELECT MAX(y.position) FROM answers b JOIN served y ON y.id = b.served_id
                            WHERE b.quiz_id = q.id AND b.player_id = q.started_by AND b.is_correct = 0),
                           -1)),
                    {NEXT_COLUMNS}
             FROM served s JOIN quizzes q ON q.id = s.quiz_id
             LEFT JOIN served n ON n.id = (
                 SELECT x.id FROM served x
                 WHERE x.quiz_id = s.quiz_id AND x.id <> s.id
                   AND (x.served_at IS NULL
                        OR NOT EXISTS (SELECT 1 FROM answers a WHERE a.served_id = x.id AND a.player_id = q.started_by))
                 ORDER BY x.position LIMIT 1)
             WHERE s.id = ?1"
        )
    });
    // One query where it took three (on PostgreSQL each is a round trip).
    conn.defer_query_optional(&SQL, [served_id], |r| {
        let count = |i: usize| -> Result<u32, _> {
            r.get::<i64>(i)
                .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
        };
        let next_at = SERVED_WIDTH + 11;
        Ok(AnswerContext {
            served: served_row(r)?,
            quiz: quiz_row_at(r, SERVED_WIDTH)?,
            answered: r.get(SERVED_WIDTH + 8)?,
            progress: (count(SERVED_WIDTH + 9)?, count(SERVED_WIDTH + 10)?),
            next: match r.get::<Option<i64>>(next_at)? {
                Some(_) => Some(served_row_at(r, next_at)?),
                None => None,
            },
        })
    })
    .context("cannot read the question")
}

/// Every running group quiz, oldest first, with its chat's Telegram id.
pub fn running_group_chats(conn: &Connection) -> anyhow::Result<Vec<(i64, i64)>> {
    conn.prepare_cached(
        "SELECT q.id, c.telegram_id FROM quizzes q JOIN chats c ON c.id = q.chat_id
         WHERE q.mode = 'group' AND q.state = 'running' ORDER BY q.id",
    )?
    .rows((), |r| Ok((r.get(0)?, r.get(1)?)))
    .context("cannot read the running group quizzes")
}

/// The poll that shows a served question, once sent.
pub fn poll_of(conn: &Connection, served_id: i64) -> anyhow::Result<Option<String>> {
    conn.prepare_cached("SELECT poll_id FROM served WHERE id = ?1")?
        .query_row([served_id], |r| r.get(0))
        .optional()
        .map(Option::flatten)
        .context("cannot read the poll of a round")
}

/// Whether a poll of one of the quiz's rounds waits in the outbox.
pub fn round_poll_queued(conn: &Connection, quiz_id: i64) -> anyhow::Result<bool> {
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM outbox o JOIN served s ON s.id = o.ref_id
                        WHERE o.purpose = 1 AND s.quiz_id = ?1)",
    )?
    .query_row([quiz_id], |r| r.get(0))
    .context("cannot read the outbox")
}
