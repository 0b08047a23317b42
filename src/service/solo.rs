//! Solo quizzes: the store's quiz read into [`game::solo`]'s state, the
//! rules applied, what changed written back.

use crate::store::Connection;
use anyhow::Context;

use super::{
    AnswerOutcome, Asked, Catalog, ChatRef, QuizSummary, Recorded, Step, save_chat, save_plan,
    snapshot, summary,
};
use crate::game::solo::{Outcome, Shown, SoloQuiz};
use crate::game::{self, Mode, QuizState};
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
            store::end_quiz(conn, old.id, QuizState::Stopped, now)?;
            Some(summary(
                conn,
                old.id,
                player_id,
                old.total,
                QuizState::Stopped,
                true,
            )?)
        }
        None => None,
    };
    let quiz = store::NewQuiz {
        mode: Mode::Solo,
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
pub fn next(
    conn: &Connection,
    catalog: &Catalog,
    now: i64,
    quiz_id: i64,
    player_id: i64,
) -> anyhow::Result<Step> {
    let quiz = store::quiz(conn, quiz_id)?.context("no such quiz")?;
    if quiz.state != QuizState::Running {
        let s = summary(conn, quiz_id, player_id, quiz.total, quiz.state, false)?;
        return Ok(Step::Over(s));
    }
    step(conn, catalog, &quiz, player_id, now)
}

/// Records a solo answer: option `choice` (0-based) of served question
/// `served_id`, by `player_id`, given at `at`. What comes next is decided in
/// the same transaction.
pub fn answer(
    conn: &Connection,
    catalog: &Catalog,
    at: i64,
    served_id: i64,
    player_id: i64,
    choice: usize,
) -> anyhow::Result<AnswerOutcome> {
    let context = store::answer_context(conn, served_id)?;
    answer_in(conn, catalog, at, context, player_id, choice)
}

/// [`answer`], its context read already ([`store::answer_context`]; `None`
/// when there is no such question).
pub fn answer_in(
    conn: &Connection,
    catalog: &Catalog,
    at: i64,
    context: Option<store::AnswerContext>,
    player_id: i64,
    choice: usize,
) -> anyhow::Result<AnswerOutcome> {
    let Some(store::AnswerContext {
        served: row,
        quiz,
        answered,
        progress: (done, streak),
        next: next_row,
    }) = context
    else {
        return Ok(AnswerOutcome::Unknown);
    };
    let Some(served_at) = row.served_at else {
        return Ok(AnswerOutcome::Unknown);
    };
    if quiz.mode != Mode::Solo {
        return Ok(AnswerOutcome::Unknown);
    }
    // Refused before the question is read. `answered` is the starter's:
    // anyone else is refused as not the quiz's player first.
    if let Some(refused) = SoloQuiz::refusal(quiz.started_by, quiz.state, player_id, answered) {
        return Ok(refusal(refused, quiz.id));
    }
    let question = snapshot(&row.snapshot)?;
    let state = SoloQuiz {
        owner: quiz.started_by,
        state: quiz.state,
        total: u32::try_from(quiz.total).context("quiz size")?,
        answered: done,
        streak,
    };
    let shown = Shown {
        options: question.options.len(),
        correct: question.correct,
        answered,
    };
    let (outcome, after) = state.answer(player_id, shown, choice);
    if !outcome.counts() {
        return Ok(refusal(outcome, quiz.id));
    }
    let correct = matches!(outcome, Outcome::Right { .. });
    // Not answered before, as read above in this transaction.
    store::record_answer(
        conn,
        &NewAnswer {
            served_id: row.id,
            player_id,
            quiz_id: quiz.id,
            chat_id: quiz.chat_id,
            choice: i64::try_from(choice).context("choice")?,
            is_correct: correct,
            points: outcome.points(),
            answered_at: at,
            elapsed_ms: game::scoring::elapsed(served_at, at),
            week: game::week_of(at),
            article: question.article.clone(),
        },
    )?;
    let next = if after.state == QuizState::Running {
        step_to(conn, catalog, &quiz, player_id, at, next_row)?
    } else {
        store::end_quiz(conn, quiz.id, after.state, at)?;
        Step::Over(summary(
            conn,
            quiz.id,
            player_id,
            quiz.total,
            after.state,
            true,
        )?)
    };
    let article = catalog.article(&question.article);
    Ok(AnswerOutcome::Recorded(Box::new(Recorded {
        quiz_id: quiz.id,
        served_id: row.id,
        position: row.position,
        total: quiz.total,
        question,
        choice,
        correct,
        points: outcome.points(),
        streak: after.streak,
        message_id: row.message_id,
        next,
        article,
    })))
}

/// The view of an outcome that does not count.
fn refusal(outcome: Outcome, quiz_id: i64) -> AnswerOutcome {
    match outcome {
        Outcome::AlreadyAnswered => AnswerOutcome::AlreadyAnswered { quiz_id },
        Outcome::NotYours => AnswerOutcome::NotYours,
        Outcome::QuizOver => AnswerOutcome::QuizOver,
        Outcome::InvalidChoice | Outcome::Right { .. } | Outcome::Wrong => {
            AnswerOutcome::InvalidChoice
        }
    }
}

/// Stops the player's running solo quiz; what was answered is kept.
pub fn stop(conn: &Connection, now: i64, player_id: i64) -> anyhow::Result<Option<QuizSummary>> {
    let Some(quiz) = store::running_solo(conn, player_id)? else {
        return Ok(None);
    };
    let (answered, streak) = store::solo_progress(conn, quiz.id, player_id)?;
    let state = SoloQuiz {
        owner: player_id,
        state: quiz.state,
        total: u32::try_from(quiz.total).context("quiz size")?,
        answered,
        streak,
    };
    let Some(stopped) = state.stop() else {
        return Ok(None);
    };
    store::end_quiz(conn, quiz.id, stopped.state, now)?;
    summary(conn, quiz.id, player_id, quiz.total, stopped.state, true).map(Some)
}

/// The step a running solo quiz is at: the first question not yet shown
/// (now marked shown), or the first shown but unanswered one (again), or,
/// when all are answered, the end (the quiz is then finished).
fn step(
    conn: &Connection,
    catalog: &Catalog,
    quiz: &store::QuizRow,
    player_id: i64,
    now: i64,
) -> anyhow::Result<Step> {
    let row = store::next_solo_question(conn, quiz.id, player_id)?;
    step_to(conn, catalog, quiz, player_id, now, row)
}

/// [`step`], to `row`: the question the quiz is at, if any.
fn step_to(
    conn: &Connection,
    catalog: &Catalog,
    quiz: &store::QuizRow,
    player_id: i64,
    now: i64,
    row: Option<store::ServedRow>,
) -> anyhow::Result<Step> {
    let Some(row) = row else {
        store::end_quiz(conn, quiz.id, QuizState::Finished, now)?;
        return Ok(Step::Over(summary(
            conn,
            quiz.id,
            player_id,
            quiz.total,
            QuizState::Finished,
            true,
        )?));
    };
    let again = row.served_at.is_some();
    if !again {
        store::mark_served(conn, row.id, now, None)?;
    }
    let question = snapshot(&row.snapshot)?;
    Ok(Step::Ask(Box::new(Asked {
        served_id: row.id,
        quiz_id: quiz.id,
        position: row.position,
        total: quiz.total,
        article: catalog.article(&question.article),
        question,
        again,
        message_id: row.message_id,
    })))
}
