//! Solo quizzes: one player, questions one after the other, a streak bonus
//! for right answers in a row.

use anyhow::Context;
use rusqlite::Connection;

use super::{
    AnswerOutcome, Asked, ChatRef, QuizSummary, Recorded, Step, save_chat, save_plan, snapshot,
    summary,
};
use crate::game;
use crate::quiz::Question;
use crate::store::{self, NewAnswer};

/// A solo quiz just started.
#[derive(Debug, Clone, PartialEq)]
pub struct Started {
    pub quiz_id: i64,
    /// The player's quiz that was running and is now stopped, if any.
    pub replaced: Option<QuizSummary>,
    /// False when the same Telegram message asked before: the quiz it
    /// started is returned, nothing new is started.
    pub fresh: bool,
}

/// Starts a solo quiz of the planned questions. A solo quiz the player had
/// running is stopped first; its summary is returned. With an `origin` (the
/// Telegram message that asked), a message delivered again finds the quiz it
/// started instead of starting another.
pub fn start(
    conn: &Connection,
    now: i64,
    player_id: i64,
    chat: Option<&ChatRef>,
    plan: &[Question],
    origin: Option<(i64, i64)>,
) -> anyhow::Result<Started> {
    if let Some((chat, message)) = origin
        && let Some(existing) = store::quiz_by_origin(conn, chat, message)?
    {
        return Ok(Started {
            quiz_id: existing.id,
            replaced: None,
            fresh: false,
        });
    }
    // A group's answers count on its board; a private chat has none (its
    // board would be its one player), so its answers count only globally.
    let chat_id = chat
        .filter(|c| c.group)
        .map(|c| save_chat(conn, c, now))
        .transpose()?;
    let replaced = match store::running_solo(conn, player_id)? {
        Some(old) => {
            store::end_quiz(conn, old.id, "stopped", now)?;
            Some(summary(
                conn, old.id, player_id, old.total, "stopped", true,
            )?)
        }
        None => None,
    };
    let quiz = store::NewQuiz {
        mode: "solo",
        chat_id,
        started_by: player_id,
        total: i64::try_from(plan.len()).context("quiz size")?,
        round_seconds: None,
        now,
        origin,
    };
    let quiz_id = store::insert_quiz(conn, &quiz)?;
    save_plan(conn, quiz_id, plan)?;
    Ok(Started {
        quiz_id,
        replaced,
        fresh: true,
    })
}

/// The next step of a solo quiz: the question shown but not answered yet
/// (again), or the next one, or the end (the quiz is then finished).
pub fn next(conn: &Connection, now: i64, quiz_id: i64, player_id: i64) -> anyhow::Result<Step> {
    let quiz = store::quiz(conn, quiz_id)?.context("no such quiz")?;
    if quiz.state != "running" {
        let s = summary(conn, quiz_id, player_id, quiz.total, &quiz.state, false)?;
        return Ok(Step::Over(s));
    }
    step(conn, &quiz, player_id, now)
}

/// Records a solo answer: option `choice` (0-based) of served question
/// `served_id`, by `player_id`, given at `at`. What comes next is decided in
/// the same transaction.
pub fn answer(
    conn: &Connection,
    at: i64,
    served_id: i64,
    player_id: i64,
    choice: usize,
) -> anyhow::Result<AnswerOutcome> {
    let Some(store::AnswerContext {
        served: row,
        quiz,
        answered,
    }) = store::answer_context(conn, served_id, player_id)?
    else {
        return Ok(AnswerOutcome::Unknown);
    };
    let Some(served_at) = row.served_at else {
        return Ok(AnswerOutcome::Unknown);
    };
    if quiz.mode != "solo" {
        return Ok(AnswerOutcome::Unknown);
    }
    if quiz.started_by != player_id {
        return Ok(AnswerOutcome::NotYours);
    }
    if answered {
        return Ok(AnswerOutcome::AlreadyAnswered { quiz_id: quiz.id });
    }
    if quiz.state != "running" {
        return Ok(AnswerOutcome::QuizOver);
    }
    let question = snapshot(&row.snapshot)?;
    if choice >= question.options.len() {
        return Ok(AnswerOutcome::InvalidChoice);
    }
    let correct = choice == question.correct;
    let (_, streak_before) = store::solo_progress(conn, quiz.id, player_id)?;
    let points = game::solo_points(correct, streak_before);
    let recorded = store::record_answer(
        conn,
        &NewAnswer {
            served_id,
            player_id,
            quiz_id: quiz.id,
            chat_id: quiz.chat_id,
            choice: i64::try_from(choice).context("choice")?,
            is_correct: correct,
            points,
            answered_at: at,
            elapsed_ms: (at - served_at).max(0),
            week: game::week_of(at),
        },
    )?;
    if !recorded {
        return Ok(AnswerOutcome::AlreadyAnswered { quiz_id: quiz.id });
    }
    let next = step(conn, &quiz, player_id, at)?;
    Ok(AnswerOutcome::Recorded(Box::new(Recorded {
        quiz_id: quiz.id,
        served_id,
        position: row.position,
        total: quiz.total,
        question,
        choice,
        correct,
        points,
        streak: if correct { streak_before + 1 } else { 0 },
        message_id: row.message_id,
        next,
    })))
}

/// Stops the player's running solo quiz; what was answered is kept.
pub fn stop(conn: &Connection, now: i64, player_id: i64) -> anyhow::Result<Option<QuizSummary>> {
    let Some(quiz) = store::running_solo(conn, player_id)? else {
        return Ok(None);
    };
    store::end_quiz(conn, quiz.id, "stopped", now)?;
    summary(conn, quiz.id, player_id, quiz.total, "stopped", true).map(Some)
}

/// The step a running solo quiz is at: the first question not yet shown
/// (now marked shown), or the first shown but unanswered one (again), or,
/// when all are answered, the end (the quiz is then finished).
fn step(
    conn: &Connection,
    quiz: &store::QuizRow,
    player_id: i64,
    now: i64,
) -> anyhow::Result<Step> {
    let Some(row) = store::next_solo_question(conn, quiz.id, player_id)? else {
        store::end_quiz(conn, quiz.id, "finished", now)?;
        return Ok(Step::Over(summary(
            conn, quiz.id, player_id, quiz.total, "finished", true,
        )?));
    };
    let again = row.served_at.is_some();
    if !again {
        store::mark_served(conn, row.id, now, None)?;
    }
    Ok(Step::Ask(Box::new(Asked {
        served_id: row.id,
        quiz_id: quiz.id,
        position: row.position,
        total: quiz.total,
        question: snapshot(&row.snapshot)?,
        again,
        message_id: row.message_id,
    })))
}
