//! Group quizzes: timed rounds that every member answers through a native
//! quiz poll. The rounds are driven by the adapter's timer; the rules (one
//! answer per member per round, nothing after the close, faster is worth
//! more) live here.

use anyhow::Context;
use rusqlite::Connection;

use super::{ChatRef, Identity, Question, Service, save_chat, save_plan, snapshot};
use crate::game;
use crate::store::{self, NewAnswer, StandingRow};

/// Result of `/quiz` in a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupStart {
    /// `fresh` is false when the same command was handled before.
    Started {
        quiz_id: i64,
        total: i64,
        fresh: bool,
    },
    /// The group already has a quiz running: one at a time.
    AlreadyRunning { quiz_id: i64 },
}

/// A round about to be asked.
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    pub served_id: i64,
    pub quiz_id: i64,
    /// 0-based.
    pub position: i64,
    pub total: i64,
    pub question: Question,
    pub round_seconds: i64,
    /// When the round was shown, if it was (a round resumed after a restart).
    pub served_at: Option<i64>,
    pub closes_at: Option<i64>,
    pub message_id: Option<i64>,
}

/// How a round went, for the message that closes it.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundResult {
    pub round: Round,
    pub answered: i64,
    pub right: i64,
    /// The quiz's standings so far, best first.
    pub standings: Vec<StandingRow>,
}

/// A player of a finished group quiz and their place in the group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Podium {
    /// This quiz's standings, best first.
    pub standings: Vec<StandingRow>,
    /// For each player of the quiz: (player, rank on the group's all-time board).
    pub group_ranks: Vec<(i64, i64)>,
    /// The group's all-time board after the quiz, its top five.
    pub group_board: Vec<StandingRow>,
    pub state: String,
}

/// The result of a member's poll answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollAnswer {
    Recorded {
        correct: bool,
        points: i64,
    },
    /// The member had answered this round: nothing changed.
    AlreadyAnswered,
    /// After the round closed, or to a stopped quiz.
    Closed,
    /// Not a poll of ours, or not open yet.
    Unknown,
    InvalidChoice,
}

/// Result of `/stop` in a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupStop {
    /// Stopped; the round that was open, if any (to close its poll).
    Stopped {
        quiz_id: i64,
        open_message: Option<i64>,
    },
    NotRunning,
    /// Only the member who started it or an admin may stop it.
    NotAllowed,
}

impl Service {
    /// Starts a group quiz of `n` questions with rounds of `round_seconds`.
    pub async fn start_group(
        &self,
        chat: &ChatRef,
        player_id: i64,
        n: u8,
        round_seconds: u32,
        origin: Option<(i64, i64)>,
    ) -> anyhow::Result<GroupStart> {
        let plan = self.plan(n);
        let chat = chat.clone();
        self.run(move |conn, now| start(conn, now, &chat, player_id, &plan, round_seconds, origin))
            .await
    }

    /// The round a running group quiz is at: the one shown and not closed
    /// (after a restart), else the next one not shown. `None` when every
    /// round is closed, or the quiz is not running.
    pub async fn current_round(&self, quiz_id: i64) -> anyhow::Result<Option<Round>> {
        self.run(move |conn, _| current_round(conn, quiz_id)).await
    }

    /// Records that a round's poll is on screen: from now, answers count
    /// until `now + round_seconds`. Returns when the round closes (ms).
    pub async fn round_shown(
        &self,
        round: &Round,
        message_id: i64,
        poll_id: &str,
    ) -> anyhow::Result<i64> {
        let (served_id, seconds, poll_id) =
            (round.served_id, round.round_seconds, poll_id.to_owned());
        self.run(move |conn, now| {
            let closes_at = now + seconds * 1000;
            store::set_message(conn, served_id, message_id, Some(&poll_id))?;
            store::mark_served(conn, served_id, now, Some(closes_at))?;
            Ok(closes_at)
        })
        .await
    }

    /// Records a member's answer to a round's poll; the member, who may
    /// never have talked to the bot, is saved in the same transaction.
    /// Answers after the round closed, to a stopped quiz, or a second one
    /// from the same member do not count.
    pub async fn group_answer(
        &self,
        poll_id: &str,
        who: &Identity,
        choice: usize,
    ) -> anyhow::Result<PollAnswer> {
        let (poll_id, who) = (poll_id.to_owned(), who.clone());
        self.run(move |conn, now| group_answer(conn, now, &poll_id, &who, choice))
            .await
    }

    /// Closes a round (once: `None` if it was closed already) and returns how
    /// it went.
    pub async fn close_round(&self, round: &Round) -> anyhow::Result<Option<RoundResult>> {
        let round = round.clone();
        self.run(move |conn, now| {
            if !store::close_round(conn, round.served_id, now)? {
                return Ok(None);
            }
            let (answered, right) = store::round_counts(conn, round.served_id)?;
            let standings = store::quiz_scores(conn, round.quiz_id)?;
            Ok(Some(RoundResult {
                round,
                answered,
                right,
                standings,
            }))
        })
        .await
    }

    /// Ends a group quiz (`finished`, or `stopped`) and returns its podium.
    pub async fn end_group(&self, quiz_id: i64, state: &'static str) -> anyhow::Result<Podium> {
        self.run(move |conn, now| end(conn, now, quiz_id, state))
            .await
    }

    /// `/stop` in a group: by the member who started the quiz, or an admin.
    pub async fn stop_group(
        &self,
        chat_telegram_id: i64,
        player_id: i64,
        is_admin: bool,
    ) -> anyhow::Result<GroupStop> {
        self.run(move |conn, now| stop(conn, now, chat_telegram_id, player_id, is_admin))
            .await
    }

    /// Every running group quiz, with its chat's Telegram id.
    pub async fn running_group_quizzes(&self) -> anyhow::Result<Vec<(i64, i64)>> {
        self.run(|conn, _| store::running_group_chats(conn)).await
    }
}

/// Starts a group quiz of the planned questions with rounds of
/// `round_seconds`; one at a time per group.
pub fn start(
    conn: &Connection,
    now: i64,
    chat: &ChatRef,
    player_id: i64,
    plan: &[Question],
    round_seconds: u32,
    origin: Option<(i64, i64)>,
) -> anyhow::Result<GroupStart> {
    if let Some((c, m)) = origin
        && let Some(existing) = store::quiz_by_origin(conn, c, m)?
    {
        return Ok(GroupStart::Started {
            quiz_id: existing.id,
            total: existing.total,
            fresh: false,
        });
    }
    let chat_id = save_chat(conn, chat, now)?;
    if let Some(running) = store::running_group(conn, chat_id)? {
        return Ok(GroupStart::AlreadyRunning {
            quiz_id: running.id,
        });
    }
    let total = i64::try_from(plan.len()).context("quiz size")?;
    let quiz = store::NewQuiz {
        mode: "group",
        chat_id: Some(chat_id),
        started_by: player_id,
        total,
        round_seconds: Some(i64::from(round_seconds)),
        now,
        origin,
    };
    let quiz_id = store::insert_quiz(conn, &quiz)?;
    save_plan(conn, quiz_id, plan)?;
    Ok(GroupStart::Started {
        quiz_id,
        total,
        fresh: true,
    })
}

fn current_round(conn: &Connection, quiz_id: i64) -> anyhow::Result<Option<Round>> {
    let Some(quiz) = store::quiz(conn, quiz_id)? else {
        return Ok(None);
    };
    if quiz.state != "running" {
        return Ok(None);
    }
    let rows = store::served_of_quiz(conn, quiz_id)?;
    let Some(row) = rows.into_iter().find(|r| r.closed_at.is_none()) else {
        return Ok(None);
    };
    Ok(Some(Round {
        served_id: row.id,
        quiz_id,
        position: row.position,
        total: quiz.total,
        question: snapshot(&row.snapshot)?,
        round_seconds: quiz.round_seconds.unwrap_or(30),
        served_at: row.served_at,
        closes_at: row.closes_at,
        message_id: row.message_id,
    }))
}

fn group_answer(
    conn: &Connection,
    now: i64,
    poll_id: &str,
    who: &Identity,
    choice: usize,
) -> anyhow::Result<PollAnswer> {
    let player_id = super::enter(conn, who, now)?.id;
    let Some(store::AnswerContext {
        served: row,
        quiz,
        answered,
    }) = store::answer_context_by_poll(conn, poll_id, player_id)?
    else {
        return Ok(PollAnswer::Unknown);
    };
    let (Some(served_at), Some(closes_at)) = (row.served_at, row.closes_at) else {
        return Ok(PollAnswer::Unknown);
    };
    if answered {
        return Ok(PollAnswer::AlreadyAnswered);
    }
    if quiz.state != "running" || row.closed_at.is_some() || now > closes_at {
        return Ok(PollAnswer::Closed);
    }
    let question = snapshot(&row.snapshot)?;
    if choice >= question.options.len() {
        return Ok(PollAnswer::InvalidChoice);
    }
    let correct = choice == question.correct;
    let elapsed = (now - served_at).max(0);
    let points = game::group_points(correct, elapsed, closes_at - served_at);
    let recorded = store::record_answer(
        conn,
        &NewAnswer {
            served_id: row.id,
            player_id,
            quiz_id: quiz.id,
            chat_id: quiz.chat_id,
            choice: i64::try_from(choice).context("choice")?,
            is_correct: correct,
            points,
            answered_at: now,
            elapsed_ms: elapsed,
            week: game::week_of(now),
        },
    )?;
    if !recorded {
        return Ok(PollAnswer::AlreadyAnswered);
    }
    Ok(PollAnswer::Recorded { correct, points })
}

/// Ends a group quiz (`finished`, or `stopped`) and returns its podium.
pub fn end(conn: &Connection, now: i64, quiz_id: i64, state: &str) -> anyhow::Result<Podium> {
    store::end_quiz(conn, quiz_id, state, now)?;
    let quiz = store::quiz(conn, quiz_id)?.context("no such quiz")?;
    let standings = store::quiz_scores(conn, quiz_id)?;
    let mut group_ranks = Vec::new();
    let mut group_board = Vec::new();
    if let Some(chat) = quiz.chat_id {
        for s in &standings {
            if let Some((points, _, _)) = store::standing(conn, chat, 0, s.player_id)? {
                group_ranks.push((s.player_id, store::rank_of(conn, chat, 0, points)?));
            }
        }
        group_board = store::top(conn, chat, 0, 5)?;
    }
    Ok(Podium {
        standings,
        group_ranks,
        group_board,
        state: quiz.state,
    })
}

/// `/stop` in a group: by the member who started the quiz, or an admin.
pub fn stop(
    conn: &Connection,
    now: i64,
    chat_telegram_id: i64,
    player_id: i64,
    is_admin: bool,
) -> anyhow::Result<GroupStop> {
    let Some(chat) = store::chat_by_telegram_id(conn, chat_telegram_id)? else {
        return Ok(GroupStop::NotRunning);
    };
    let Some(quiz) = store::running_group(conn, chat)? else {
        return Ok(GroupStop::NotRunning);
    };
    if quiz.started_by != player_id && !is_admin {
        return Ok(GroupStop::NotAllowed);
    }
    store::end_quiz(conn, quiz.id, "stopped", now)?;
    let open = store::served_of_quiz(conn, quiz.id)?
        .into_iter()
        .find(|r| r.served_at.is_some() && r.closed_at.is_none());
    if let Some(round) = &open {
        store::close_round(conn, round.id, now)?;
    }
    Ok(GroupStop::Stopped {
        quiz_id: quiz.id,
        open_message: open.and_then(|r| r.message_id),
    })
}
