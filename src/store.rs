//! SQLite through sqlx: opening the database, and the queries of the service.
//!
//! Queries are checked at run time and every one of them is exercised by the
//! storage tests (no `.sqlx/` to keep in step, no database at build time).
//! Every transaction that writes starts with `BEGIN IMMEDIATE`: a deferred
//! one that upgrades from reading to writing fails with "database is locked"
//! under concurrency instead of waiting for the busy timeout.

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqliteConnection, SqlitePool, Transaction};

/// The database when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE: &str = "sqlite://factquiz.db";

/// Where a player comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Telegram,
    Terminal,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Telegram => "telegram",
            Origin::Terminal => "terminal",
        }
    }
}

/// A player as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayerRow {
    pub id: i64,
    pub display_name: String,
    pub lang: String,
    pub lang_chosen: bool,
    pub streak: i64,
    pub best_streak: i64,
}

/// A quiz as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizRow {
    pub id: i64,
    pub mode: String,
    pub chat_id: Option<i64>,
    pub started_by: i64,
    pub state: String,
    pub total: i64,
    pub round_seconds: Option<i64>,
    pub started_at: i64,
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

/// One line of a leaderboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandingRow {
    pub rank: i64,
    pub player_id: i64,
    pub name: String,
    pub points: i64,
    pub answered: i64,
    pub correct: i64,
}

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

/// The database: one connection that writes, a few that read.
///
/// SQLite allows one writer at a time. With several writing connections, a
/// transaction that finds the database locked waits in SQLite's busy
/// handler, which sleeps in steps of up to 100 ms; with a single writing
/// connection, writers queue in the pool instead, first come first served,
/// and wake the moment the writer is free. Readers use their own
/// connections and are never blocked (WAL).
#[derive(Debug, Clone)]
pub struct Store {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl Store {
    /// Opens (creating if missing) and migrates the database at `url`: a
    /// `sqlite:` URL or a plain file path.
    pub async fn open(url: &str) -> anyhow::Result<Store> {
        let options = if url.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(url)
                .with_context(|| format!("DATABASE_URL `{url}` is not a SQLite URL"))?
        } else {
            SqliteConnectOptions::new().filename(url)
        };
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .with_context(|| format!("cannot open the database `{url}`"))?;
        sqlx::migrate!()
            .run(&writer)
            .await
            .with_context(|| format!("cannot migrate the database `{url}`"))?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.create_if_missing(false).read_only(true))
            .await
            .with_context(|| format!("cannot open the database `{url}` for reading"))?;
        Ok(Store { writer, reader })
    }

    /// The reading connections.
    pub fn pool(&self) -> &SqlitePool {
        &self.reader
    }

    /// A reading connection.
    pub async fn read(&self) -> anyhow::Result<sqlx::pool::PoolConnection<sqlx::Sqlite>> {
        self.reader
            .acquire()
            .await
            .context("no database connection")
    }

    /// A write transaction (`BEGIN IMMEDIATE`: another process writing the
    /// same file makes it wait in the busy timeout, never fail half-way).
    pub async fn write(&self) -> anyhow::Result<Transaction<'static, sqlx::Sqlite>> {
        self.writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .context("cannot start a write transaction")
    }

    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}

// ── players and chats ──────────────────────────────────────────────────────

/// Finds or creates a player and refreshes the display name.
pub async fn upsert_player(
    conn: &mut SqliteConnection,
    origin: Origin,
    external_id: &str,
    display_name: &str,
    lang: &str,
    now: i64,
) -> anyhow::Result<PlayerRow> {
    let row = sqlx::query(
        "INSERT INTO players (origin, external_id, display_name, lang, created_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (origin, external_id) DO UPDATE SET
             display_name = excluded.display_name,
             lang = CASE WHEN players.lang_chosen = 1 THEN players.lang ELSE excluded.lang END
         RETURNING id, display_name, lang, lang_chosen, streak, best_streak",
    )
    .bind(origin.as_str())
    .bind(external_id)
    .bind(display_name)
    .bind(lang)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .context("cannot save the player")?;
    Ok(player_row(&row))
}

fn player_row(row: &sqlx::sqlite::SqliteRow) -> PlayerRow {
    PlayerRow {
        id: row.get("id"),
        display_name: row.get("display_name"),
        lang: row.get("lang"),
        lang_chosen: row.get::<i64, _>("lang_chosen") != 0,
        streak: row.get("streak"),
        best_streak: row.get("best_streak"),
    }
}

pub async fn player(conn: &mut SqliteConnection, id: i64) -> anyhow::Result<Option<PlayerRow>> {
    let row = sqlx::query(
        "SELECT id, display_name, lang, lang_chosen, streak, best_streak FROM players WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .context("cannot read the player")?;
    Ok(row.as_ref().map(player_row))
}

/// Records a language the player chose: it wins over Telegram's from now on.
pub async fn choose_lang(
    conn: &mut SqliteConnection,
    player_id: i64,
    lang: &str,
) -> anyhow::Result<()> {
    sqlx::query("UPDATE players SET lang = ?, lang_chosen = 1 WHERE id = ?")
        .bind(lang)
        .bind(player_id)
        .execute(&mut *conn)
        .await
        .context("cannot save the language")?;
    Ok(())
}

/// Finds or creates a chat by its Telegram id; returns its row id.
pub async fn upsert_chat(
    conn: &mut SqliteConnection,
    telegram_id: i64,
    kind: &str,
    title: Option<&str>,
    now: i64,
) -> anyhow::Result<i64> {
    let id = sqlx::query_scalar(
        "INSERT INTO chats (telegram_id, kind, title, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (telegram_id) DO UPDATE SET kind = excluded.kind, title = COALESCE(excluded.title, chats.title)
         RETURNING id",
    )
    .bind(telegram_id)
    .bind(kind)
    .bind(title)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .context("cannot save the chat")?;
    Ok(id)
}

/// The row id of a chat known by its Telegram id.
pub async fn chat_by_telegram_id(
    conn: &mut SqliteConnection,
    telegram_id: i64,
) -> anyhow::Result<Option<i64>> {
    sqlx::query_scalar("SELECT id FROM chats WHERE telegram_id = ?")
        .bind(telegram_id)
        .fetch_optional(&mut *conn)
        .await
        .context("cannot read the chat")
}

// ── quizzes and served questions ───────────────────────────────────────────

const QUIZ_COLUMNS: &str = "id, mode, chat_id, started_by, state, total, round_seconds, started_at";

fn quiz_row(row: &sqlx::sqlite::SqliteRow) -> QuizRow {
    QuizRow {
        id: row.get("id"),
        mode: row.get("mode"),
        chat_id: row.get("chat_id"),
        started_by: row.get("started_by"),
        state: row.get("state"),
        total: row.get("total"),
        round_seconds: row.get("round_seconds"),
        started_at: row.get("started_at"),
    }
}

/// A quiz to create.
#[derive(Debug, Clone)]
pub struct NewQuiz<'a> {
    pub mode: &'a str,
    pub chat_id: Option<i64>,
    pub started_by: i64,
    pub total: i64,
    pub round_seconds: Option<i64>,
    pub now: i64,
    /// The message that asked for it: (Telegram chat, message id).
    pub origin: Option<(i64, i64)>,
}

/// Creates a running quiz; returns its id.
pub async fn insert_quiz(conn: &mut SqliteConnection, q: &NewQuiz<'_>) -> anyhow::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO quizzes (mode, chat_id, started_by, state, total, round_seconds, started_at, origin_chat, origin_message)
         VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(q.mode)
    .bind(q.chat_id)
    .bind(q.started_by)
    .bind(q.total)
    .bind(q.round_seconds)
    .bind(q.now)
    .bind(q.origin.map(|o| o.0))
    .bind(q.origin.map(|o| o.1))
    .fetch_one(&mut *conn)
    .await
    .context("cannot save the quiz")
}

pub async fn insert_served(
    conn: &mut SqliteConnection,
    quiz_id: i64,
    position: i64,
    question_id: &str,
    snapshot: &str,
    correct: i64,
) -> anyhow::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO served (quiz_id, position, question_id, snapshot, correct) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(quiz_id)
    .bind(position)
    .bind(question_id)
    .bind(snapshot)
    .bind(correct)
    .fetch_one(&mut *conn)
    .await
    .context("cannot save a question of the quiz")
}

pub async fn quiz(conn: &mut SqliteConnection, id: i64) -> anyhow::Result<Option<QuizRow>> {
    let sql = format!("SELECT {QUIZ_COLUMNS} FROM quizzes WHERE id = ?");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .context("cannot read the quiz")?;
    Ok(row.as_ref().map(quiz_row))
}

/// The quiz a Telegram message asked for, if it was handled before.
pub async fn quiz_by_origin(
    conn: &mut SqliteConnection,
    chat: i64,
    message: i64,
) -> anyhow::Result<Option<QuizRow>> {
    let sql =
        format!("SELECT {QUIZ_COLUMNS} FROM quizzes WHERE origin_chat = ? AND origin_message = ?");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(chat)
        .bind(message)
        .fetch_optional(&mut *conn)
        .await
        .context("cannot read the quiz")?;
    Ok(row.as_ref().map(quiz_row))
}

/// The running solo quiz a player started, if any.
pub async fn running_solo(
    conn: &mut SqliteConnection,
    player_id: i64,
) -> anyhow::Result<Option<QuizRow>> {
    let sql = format!(
        "SELECT {QUIZ_COLUMNS} FROM quizzes WHERE started_by = ? AND mode = 'solo' AND state = 'running'"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(player_id)
        .fetch_optional(&mut *conn)
        .await
        .context("cannot read the running quiz")?;
    Ok(row.as_ref().map(quiz_row))
}

/// The running group quiz of a chat, if any.
pub async fn running_group(
    conn: &mut SqliteConnection,
    chat_id: i64,
) -> anyhow::Result<Option<QuizRow>> {
    let sql = format!(
        "SELECT {QUIZ_COLUMNS} FROM quizzes WHERE chat_id = ? AND mode = 'group' AND state = 'running'"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(chat_id)
        .fetch_optional(&mut *conn)
        .await
        .context("cannot read the running quiz")?;
    Ok(row.as_ref().map(quiz_row))
}

/// Every running group quiz, oldest first, with its chat's Telegram id.
pub async fn running_group_chats(conn: &mut SqliteConnection) -> anyhow::Result<Vec<(i64, i64)>> {
    let rows = sqlx::query(
        "SELECT q.id, c.telegram_id FROM quizzes q JOIN chats c ON c.id = q.chat_id
         WHERE q.mode = 'group' AND q.state = 'running' ORDER BY q.id",
    )
    .fetch_all(&mut *conn)
    .await
    .context("cannot read the running group quizzes")?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// Stops solo quizzes with no question shown or started since `before`.
pub async fn stop_idle_solo(
    conn: &mut SqliteConnection,
    before: i64,
    now: i64,
) -> anyhow::Result<u64> {
    let done = sqlx::query(
        "UPDATE quizzes SET state = 'stopped', ended_at = ?
         WHERE mode = 'solo' AND state = 'running' AND started_at < ?
           AND NOT EXISTS (SELECT 1 FROM served s WHERE s.quiz_id = quizzes.id AND s.served_at >= ?)",
    )
    .bind(now)
    .bind(before)
    .bind(before)
    .execute(&mut *conn)
    .await
    .context("cannot stop idle quizzes")?;
    Ok(done.rows_affected())
}

/// How many answered a served question, and how many were right.
pub async fn round_counts(
    conn: &mut SqliteConnection,
    served_id: i64,
) -> anyhow::Result<(i64, i64)> {
    let row = sqlx::query("SELECT COUNT(*) AS n, COALESCE(SUM(is_correct), 0) AS right FROM answers WHERE served_id = ?")
        .bind(served_id)
        .fetch_one(&mut *conn)
        .await
        .context("cannot count the round's answers")?;
    Ok((row.get("n"), row.get("right")))
}

/// Ends a running quiz (`finished` or `stopped`); returns false if it was
/// not running.
pub async fn end_quiz(
    conn: &mut SqliteConnection,
    quiz_id: i64,
    state: &str,
    now: i64,
) -> anyhow::Result<bool> {
    let done = sqlx::query(
        "UPDATE quizzes SET state = ?, ended_at = ? WHERE id = ? AND state = 'running'",
    )
    .bind(state)
    .bind(now)
    .bind(quiz_id)
    .execute(&mut *conn)
    .await
    .context("cannot end the quiz")?;
    Ok(done.rows_affected() == 1)
}

const SERVED_COLUMNS: &str =
    "id, quiz_id, position, snapshot, correct, served_at, closes_at, closed_at, message_id";

fn served_row(row: &sqlx::sqlite::SqliteRow) -> ServedRow {
    ServedRow {
        id: row.get("id"),
        quiz_id: row.get("quiz_id"),
        position: row.get("position"),
        snapshot: row.get("snapshot"),
        correct: row.get("correct"),
        served_at: row.get("served_at"),
        closes_at: row.get("closes_at"),
        closed_at: row.get("closed_at"),
        message_id: row.get("message_id"),
    }
}

/// The questions of a quiz in order.
pub async fn served_of_quiz(
    conn: &mut SqliteConnection,
    quiz_id: i64,
) -> anyhow::Result<Vec<ServedRow>> {
    let sql = format!("SELECT {SERVED_COLUMNS} FROM served WHERE quiz_id = ? ORDER BY position");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(quiz_id)
        .fetch_all(&mut *conn)
        .await
        .context("cannot read the questions of the quiz")?;
    Ok(rows.iter().map(served_row).collect())
}

/// The questions of a solo quiz in order, each with whether the player
/// answered it.
pub async fn solo_questions(
    conn: &mut SqliteConnection,
    quiz_id: i64,
    player_id: i64,
) -> anyhow::Result<Vec<(ServedRow, bool)>> {
    let sql = format!(
        "SELECT {SERVED_COLUMNS},
                EXISTS (SELECT 1 FROM answers a WHERE a.served_id = served.id AND a.player_id = ?) AS answered
         FROM served WHERE quiz_id = ? ORDER BY position"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(player_id)
        .bind(quiz_id)
        .fetch_all(&mut *conn)
        .await
        .context("cannot read the questions of the quiz")?;
    Ok(rows
        .iter()
        .map(|r| (served_row(r), r.get::<i64, _>("answered") != 0))
        .collect())
}

/// Marks a question shown (and, for a group round, when it closes).
pub async fn mark_served(
    conn: &mut SqliteConnection,
    served_id: i64,
    now: i64,
    closes_at: Option<i64>,
) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE served SET served_at = ?, closes_at = ? WHERE id = ? AND served_at IS NULL",
    )
    .bind(now)
    .bind(closes_at)
    .bind(served_id)
    .execute(&mut *conn)
    .await
    .context("cannot mark the question shown")?;
    Ok(())
}

/// Remembers the Telegram message (and poll) that shows a question.
pub async fn set_message(
    conn: &mut SqliteConnection,
    served_id: i64,
    message_id: i64,
    poll_id: Option<&str>,
) -> anyhow::Result<()> {
    sqlx::query("UPDATE served SET message_id = ?, poll_id = COALESCE(?, poll_id) WHERE id = ?")
        .bind(message_id)
        .bind(poll_id)
        .bind(served_id)
        .execute(&mut *conn)
        .await
        .context("cannot save the question's message")?;
    Ok(())
}

/// Closes a group round; returns false if it was closed already.
pub async fn close_round(
    conn: &mut SqliteConnection,
    served_id: i64,
    now: i64,
) -> anyhow::Result<bool> {
    let done = sqlx::query("UPDATE served SET closed_at = ? WHERE id = ? AND closed_at IS NULL")
        .bind(now)
        .bind(served_id)
        .execute(&mut *conn)
        .await
        .context("cannot close the round")?;
    Ok(done.rows_affected() == 1)
}

/// What judging an answer needs, read in one query: the served question,
/// its quiz, and whether the player answered it already.
#[derive(Debug, Clone)]
pub struct AnswerContext {
    pub served: ServedRow,
    pub quiz: QuizRow,
    pub answered: bool,
}

async fn answer_context_where(
    conn: &mut SqliteConnection,
    filter: &'static str,
    key: impl for<'q> sqlx::Encode<'q, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite> + Send,
    player_id: i64,
) -> anyhow::Result<Option<AnswerContext>> {
    let sql = format!(
        "SELECT s.id, s.quiz_id, s.position, s.snapshot, s.correct, s.served_at, s.closes_at, s.closed_at, s.message_id,
                q.mode, q.chat_id, q.started_by, q.state, q.total, q.round_seconds, q.started_at,
                EXISTS (SELECT 1 FROM answers a WHERE a.served_id = s.id AND a.player_id = ?) AS answered
         FROM served s JOIN quizzes q ON q.id = s.quiz_id WHERE {filter}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(player_id)
        .bind(key)
        .fetch_optional(&mut *conn)
        .await
        .context("cannot read the question")?;
    Ok(row.map(|r| AnswerContext {
        served: served_row(&r),
        quiz: QuizRow {
            id: r.get("quiz_id"),
            mode: r.get("mode"),
            chat_id: r.get("chat_id"),
            started_by: r.get("started_by"),
            state: r.get("state"),
            total: r.get("total"),
            round_seconds: r.get("round_seconds"),
            started_at: r.get("started_at"),
        },
        answered: r.get::<i64, _>("answered") != 0,
    }))
}

/// The context of an answer to served question `served_id`.
pub async fn answer_context(
    conn: &mut SqliteConnection,
    served_id: i64,
    player_id: i64,
) -> anyhow::Result<Option<AnswerContext>> {
    answer_context_where(conn, "s.id = ?", served_id, player_id).await
}

/// The context of an answer to the group round shown by poll `poll_id`.
pub async fn answer_context_by_poll(
    conn: &mut SqliteConnection,
    poll_id: &str,
    player_id: i64,
) -> anyhow::Result<Option<AnswerContext>> {
    answer_context_where(conn, "s.poll_id = ?", poll_id.to_owned(), player_id).await
}

// ── answers and standings ──────────────────────────────────────────────────

/// Records an answer and adds it to the standings and the player's streak.
/// Returns false, changing nothing, if the player had answered already.
pub async fn record_answer(conn: &mut SqliteConnection, a: &NewAnswer) -> anyhow::Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO answers (served_id, player_id, quiz_id, choice, is_correct, points, answered_at, elapsed_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (served_id, player_id) DO NOTHING",
    )
    .bind(a.served_id)
    .bind(a.player_id)
    .bind(a.quiz_id)
    .bind(a.choice)
    .bind(i64::from(a.is_correct))
    .bind(a.points)
    .bind(a.answered_at)
    .bind(a.elapsed_ms)
    .execute(&mut *conn)
    .await
    .context("cannot save the answer")?;
    if inserted.rows_affected() == 0 {
        return Ok(false);
    }
    // Global and chat, all time and this week; a terminal answer has no chat.
    macro_rules! add_to_standings {
        ($values:literal) => {
            concat!(
                "INSERT INTO standings (scope, period, player_id, points, answered, correct) VALUES ",
                $values,
                " ON CONFLICT (scope, period, player_id) DO UPDATE SET
                    points = points + excluded.points,
                    answered = answered + 1,
                    correct = correct + excluded.correct"
            )
        };
    }
    let query = match a.chat_id {
        Some(chat) => sqlx::query(add_to_standings!(
            "(0, 0, ?1, ?2, 1, ?3), (0, ?4, ?1, ?2, 1, ?3), (?5, 0, ?1, ?2, 1, ?3), (?5, ?4, ?1, ?2, 1, ?3)"
        ))
        .bind(a.player_id)
        .bind(a.points)
        .bind(i64::from(a.is_correct))
        .bind(a.week)
        .bind(chat),
        None => sqlx::query(add_to_standings!("(0, 0, ?1, ?2, 1, ?3), (0, ?4, ?1, ?2, 1, ?3)"))
            .bind(a.player_id)
            .bind(a.points)
            .bind(i64::from(a.is_correct))
            .bind(a.week),
    };
    query
        .execute(&mut *conn)
        .await
        .context("cannot update the standings")?;
    let right = i64::from(a.is_correct);
    sqlx::query(
        "UPDATE players SET
             streak = CASE WHEN ? = 1 THEN streak + 1 ELSE 0 END,
             best_streak = MAX(best_streak, CASE WHEN ? = 1 THEN streak + 1 ELSE 0 END)
         WHERE id = ?",
    )
    .bind(right)
    .bind(right)
    .bind(a.player_id)
    .execute(&mut *conn)
    .await
    .context("cannot update the streak")?;
    Ok(true)
}

/// In one quiz, per player: (player, points, answered, correct), best first.
pub async fn quiz_scores(
    conn: &mut SqliteConnection,
    quiz_id: i64,
) -> anyhow::Result<Vec<StandingRow>> {
    let rows = sqlx::query(
        "SELECT a.player_id, p.display_name, SUM(a.points) AS points, COUNT(*) AS answered, SUM(a.is_correct) AS correct
         FROM answers a JOIN players p ON p.id = a.player_id
         WHERE a.quiz_id = ?
         GROUP BY a.player_id
         ORDER BY points DESC, correct DESC, a.player_id",
    )
    .bind(quiz_id)
    .fetch_all(&mut *conn)
    .await
    .context("cannot read the quiz's scores")?;
    let mut out: Vec<StandingRow> = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let points: i64 = r.get("points");
        let rank = match out.last() {
            Some(prev) if prev.points == points => prev.rank,
            _ => i64::try_from(i).unwrap_or(i64::MAX) + 1,
        };
        out.push(StandingRow {
            rank,
            player_id: r.get("player_id"),
            name: r.get("display_name"),
            points,
            answered: r.get("answered"),
            correct: r.get("correct"),
        });
    }
    Ok(out)
}

/// How many served questions of a quiz a player answered, and their streak
/// of right answers at the end (for solo scoring).
pub async fn solo_progress(
    conn: &mut SqliteConnection,
    quiz_id: i64,
    player_id: i64,
) -> anyhow::Result<(i64, u32)> {
    let rows: Vec<i64> = sqlx::query_scalar(
        "SELECT a.is_correct FROM answers a JOIN served s ON s.id = a.served_id
         WHERE a.quiz_id = ? AND a.player_id = ? ORDER BY s.position",
    )
    .bind(quiz_id)
    .bind(player_id)
    .fetch_all(&mut *conn)
    .await
    .context("cannot read the quiz's answers")?;
    let streak = rows.iter().rev().take_while(|&&c| c == 1).count();
    Ok((
        i64::try_from(rows.len()).unwrap_or(i64::MAX),
        u32::try_from(streak).unwrap_or(u32::MAX),
    ))
}

/// A player's totals in a scope and period: (points, answered, correct).
pub async fn standing(
    conn: &mut SqliteConnection,
    scope: i64,
    period: i64,
    player_id: i64,
) -> anyhow::Result<Option<(i64, i64, i64)>> {
    let row = sqlx::query(
        "SELECT points, answered, correct FROM standings WHERE scope = ? AND period = ? AND player_id = ?",
    )
    .bind(scope)
    .bind(period)
    .bind(player_id)
    .fetch_optional(&mut *conn)
    .await
    .context("cannot read the standings")?;
    Ok(row.map(|r| (r.get("points"), r.get("answered"), r.get("correct"))))
}

/// 1 + the number of players with more points in the scope and period.
pub async fn rank_of(
    conn: &mut SqliteConnection,
    scope: i64,
    period: i64,
    points: i64,
) -> anyhow::Result<i64> {
    let above: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(players), 0) FROM standing_points WHERE scope = ? AND period = ? AND points > ?",
    )
    .bind(scope)
    .bind(period)
    .bind(points)
    .fetch_one(&mut *conn)
    .await
    .context("cannot rank the player")?;
    Ok(above + 1)
}

/// How many players have a standing in the scope and period.
pub async fn players_in(
    conn: &mut SqliteConnection,
    scope: i64,
    period: i64,
) -> anyhow::Result<i64> {
    sqlx::query_scalar(
        "SELECT COALESCE(SUM(players), 0) FROM standing_points WHERE scope = ? AND period = ?",
    )
    .bind(scope)
    .bind(period)
    .fetch_one(&mut *conn)
    .await
    .context("cannot count the players")
}

/// The top `limit` of a scope and period; players with equal points share a
/// rank (1, 2, 2, 4).
pub async fn top(
    conn: &mut SqliteConnection,
    scope: i64,
    period: i64,
    limit: i64,
) -> anyhow::Result<Vec<StandingRow>> {
    let rows = sqlx::query(
        "SELECT s.player_id, p.display_name, s.points, s.answered, s.correct,
                (SELECT COALESCE(SUM(players), 0) FROM standing_points o
                 WHERE o.scope = s.scope AND o.period = s.period AND o.points > s.points) + 1 AS rank
         FROM standings s JOIN players p ON p.id = s.player_id
         WHERE s.scope = ? AND s.period = ?
         ORDER BY s.points DESC, s.correct DESC, s.player_id
         LIMIT ?",
    )
    .bind(scope)
    .bind(period)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await
    .context("cannot read the leaderboard")?;
    Ok(rows
        .iter()
        .map(|r| StandingRow {
            rank: r.get("rank"),
            player_id: r.get("player_id"),
            name: r.get("display_name"),
            points: r.get("points"),
            answered: r.get("answered"),
            correct: r.get("correct"),
        })
        .collect())
}
