//! Group quizzes: timed rounds that every member answers through a native
//! quiz poll.
//!
//! A round opens when its poll is sent ([`open_round`]) and closes when
//! Telegram says the poll closed, or its time is well past ([`close`]).
//! Every member's answer counts once, whenever it reaches the bot: Telegram
//! only delivers votes cast while the poll was open. Votes wait in the
//! inbox until their poll is known and are counted many at a time
//! ([`count_votes`]); a round is closed only after the votes received
//! before its closing are counted. The faster a right answer reached the
//! bot, the more it is worth.

use std::collections::HashMap;

use anyhow::Context;
use rusqlite::Connection;

use super::{ChatRef, Question, save_chat, save_plan, snapshot};
use crate::game;
use crate::store::{self, NewAnswer, StandingRow};

/// A round whose closing time is further back than this when the bot
/// closes it (the bot was down): the quiz stops instead of going on.
pub const STALE_MS: i64 = 10 * 60 * 1000;

/// Result of `/quiz` in a group.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupStart {
    /// A new quiz and its first round, to show.
    Started { quiz_id: i64, first: Box<Round> },
    /// The same command was handled before: nothing new.
    Repeated { quiz_id: i64 },
    /// The group already has a quiz running: one at a time.
    AlreadyRunning { quiz_id: i64 },
}

/// A round to show.
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    pub served_id: i64,
    pub quiz_id: i64,
    /// 0-based.
    pub position: i64,
    pub total: i64,
    pub question: Question,
    pub round_seconds: i64,
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

/// A round just closed, and what comes after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Closed {
    /// The group's Telegram id.
    pub chat: Option<i64>,
    pub result: RoundResult,
    pub then: Then,
}

/// What follows a closed round.
#[derive(Debug, Clone, PartialEq)]
pub enum Then {
    Next(Box<Round>),
    /// That was the last round.
    Podium(Podium),
    /// The round closed long after its time (the bot was down): the quiz
    /// is stopped.
    Interrupted(Podium),
    /// The quiz had been stopped.
    Nothing,
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

/// Who is asking to stop a group's quiz.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopRight {
    NotRunning,
    /// The member who started it: may stop it.
    Starter,
    /// Anyone else: only if an admin.
    Other,
}

/// Result of `/stop` in a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupStop {
    /// Stopped: the round that was open (to close its poll), the podium.
    Stopped {
        open_message: Option<i64>,
        podium: Podium,
    },
    NotRunning,
    /// Only the member who started it or an admin may stop it.
    NotAllowed,
}

/// Votes taken from the queue and answers recorded from them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counted {
    pub taken: usize,
    pub recorded: usize,
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
        return Ok(GroupStart::Repeated {
            quiz_id: existing.id,
        });
    }
    let chat_id = save_chat(conn, chat, now)?;
    if let Some(running) = store::running_group(conn, chat_id)? {
        return Ok(GroupStart::AlreadyRunning {
            quiz_id: running.id,
        });
    }
    let quiz = store::NewQuiz {
        mode: "group",
        chat_id: Some(chat_id),
        started_by: player_id,
        total: i64::try_from(plan.len()).context("quiz size")?,
        round_seconds: Some(i64::from(round_seconds)),
        now,
        origin,
    };
    let quiz_id = store::insert_quiz(conn, &quiz)?;
    save_plan(conn, quiz_id, plan)?;
    let first = next_round(conn, quiz_id)?.context("a new quiz has a first round")?;
    Ok(GroupStart::Started {
        quiz_id,
        first: Box::new(first),
    })
}

/// The next round of a running quiz not shown yet, if any.
pub fn next_round(conn: &Connection, quiz_id: i64) -> anyhow::Result<Option<Round>> {
    let Some(quiz) = store::quiz(conn, quiz_id)? else {
        return Ok(None);
    };
    if quiz.state != "running" {
        return Ok(None);
    }
    let rows = store::served_of_quiz(conn, quiz_id)?;
    let Some(row) = rows.into_iter().find(|r| r.served_at.is_none()) else {
        return Ok(None);
    };
    Ok(Some(Round {
        served_id: row.id,
        quiz_id,
        position: row.position,
        total: quiz.total,
        question: snapshot(&row.snapshot)?,
        round_seconds: quiz.round_seconds.unwrap_or(30),
    }))
}

/// A round's poll is on screen since `sent_at`: records its message and
/// poll, and returns when the round's time is up (Unix ms). `None` if the
/// round was shown already (the same send recorded twice).
pub fn open_round(
    conn: &Connection,
    served_id: i64,
    message_id: i64,
    poll_id: &str,
    sent_at: i64,
) -> anyhow::Result<Option<i64>> {
    let (row, quiz) = store::served_with_quiz(conn, served_id)?.context("no such round")?;
    if row.served_at.is_some() {
        return Ok(None);
    }
    let closes_at = sent_at + quiz.round_seconds.unwrap_or(30) * 1000;
    store::set_message(conn, served_id, message_id, Some(poll_id))?;
    store::mark_served(conn, served_id, sent_at, Some(closes_at))?;
    Ok(Some(closes_at))
}

/// Scores up to `limit` votes whose poll is known (one poll's, or any),
/// oldest first: each becomes its member's answer (saving the member, who
/// may never have talked to the bot), with points from when the vote
/// reached the bot. A member's first answer to a round counts.
pub fn count_votes(
    conn: &Connection,
    now: i64,
    poll_id: Option<&str>,
    limit: usize,
) -> anyhow::Result<Counted> {
    let votes = store::ready_votes(conn, poll_id, limit)?;
    let mut rounds: HashMap<i64, Option<RoundRules>> = HashMap::new();
    let mut counted = Counted {
        taken: votes.len(),
        recorded: 0,
    };
    let ids: Vec<i64> = votes.iter().map(|v| v.id).collect();
    store::votes_scored(conn, &ids)?;
    let voters: Vec<(i64, &str, &str)> = votes
        .iter()
        .map(|v| (v.user_id, v.name.as_str(), v.lang.as_str()))
        .collect();
    let players = store::upsert_telegram_players(conn, &voters, now)?;
    let mut scored = Vec::with_capacity(votes.len());
    for v in &votes {
        let rules = match rounds.get(&v.served_id) {
            Some(r) => r.clone(),
            None => {
                let r = RoundRules::of(conn, v.served_id)?;
                rounds.insert(v.served_id, r.clone());
                r
            }
        };
        let Some(rules) = rules else { continue };
        let Ok(choice) = usize::try_from(v.choice) else {
            continue;
        };
        if choice >= rules.options {
            continue;
        }
        let Some(&player_id) = players.get(&v.user_id) else {
            continue;
        };
        let correct = choice == rules.correct;
        let elapsed = (v.received_at - rules.served_at).max(0);
        let answer = NewAnswer {
            served_id: v.served_id,
            player_id,
            quiz_id: rules.quiz_id,
            chat_id: rules.chat_id,
            choice: v.choice,
            is_correct: correct,
            points: game::group_points(correct, elapsed, rules.round_ms),
            answered_at: v.received_at,
            elapsed_ms: elapsed,
            week: game::week_of(v.received_at),
        };
        if store::insert_answer(conn, &answer)? {
            scored.push(answer);
        }
    }
    store::add_to_standings(conn, &scored)?;
    counted.recorded = scored.len();
    Ok(counted)
}

/// What judging a vote needs, read once per round.
#[derive(Debug, Clone)]
struct RoundRules {
    quiz_id: i64,
    chat_id: Option<i64>,
    served_at: i64,
    round_ms: i64,
    options: usize,
    correct: usize,
}

impl RoundRules {
    fn of(conn: &Connection, served_id: i64) -> anyhow::Result<Option<RoundRules>> {
        let Some((row, quiz)) = store::served_with_quiz(conn, served_id)? else {
            return Ok(None);
        };
        let (Some(served_at), Some(closes_at)) = (row.served_at, row.closes_at) else {
            return Ok(None);
        };
        let question = snapshot(&row.snapshot)?;
        Ok(Some(RoundRules {
            quiz_id: quiz.id,
            chat_id: quiz.chat_id,
            served_at,
            round_ms: closes_at - served_at,
            options: question.options.len(),
            correct: question.correct,
        }))
    }
}

/// Closes the round shown by `poll_id` (Telegram says its poll closed).
pub fn close_by_poll(conn: &Connection, now: i64, poll_id: &str) -> anyhow::Result<Option<Closed>> {
    match store::served_by_poll(conn, poll_id)? {
        Some(served_id) => close(conn, now, served_id),
        None => Ok(None),
    }
}

/// Closes a round once (`None` if it was closed already or never shown):
/// counts the votes waiting for it, then says how it went and what comes
/// next (the next round, or the podium).
pub fn close(conn: &Connection, now: i64, served_id: i64) -> anyhow::Result<Option<Closed>> {
    let Some((row, quiz)) = store::served_with_quiz(conn, served_id)? else {
        return Ok(None);
    };
    let Some(closes_at) = row.closes_at else {
        return Ok(None);
    };
    if row.closed_at.is_some() {
        return Ok(None);
    }
    count_round_votes(conn, now, served_id)?;
    store::close_round(conn, served_id, now)?;
    let (answered, right) = store::round_counts(conn, served_id)?;
    let standings = store::quiz_scores(conn, quiz.id)?;
    let round = Round {
        served_id,
        quiz_id: quiz.id,
        position: row.position,
        total: quiz.total,
        question: snapshot(&row.snapshot)?,
        round_seconds: quiz.round_seconds.unwrap_or(30),
    };
    let then = if quiz.state != "running" {
        Then::Nothing
    } else if now - closes_at > STALE_MS {
        Then::Interrupted(end(conn, now, quiz.id, "stopped")?)
    } else {
        match next_round(conn, quiz.id)? {
            Some(next) => Then::Next(Box::new(next)),
            None => Then::Podium(end(conn, now, quiz.id, "finished")?),
        }
    };
    let chat = match quiz.chat_id {
        Some(id) => store::chat_telegram_id(conn, id)?,
        None => None,
    };
    Ok(Some(Closed {
        chat,
        result: RoundResult {
            round,
            answered,
            right,
            standings,
        },
        then,
    }))
}

/// Counts every vote waiting for a round.
fn count_round_votes(conn: &Connection, now: i64, served_id: i64) -> anyhow::Result<usize> {
    let Some(poll_id) = store::poll_of(conn, served_id)? else {
        return Ok(0);
    };
    let mut recorded = 0;
    loop {
        let c = count_votes(conn, now, Some(&poll_id), 1000)?;
        recorded += c.recorded;
        if c.taken < 1000 {
            return Ok(recorded);
        }
    }
}

/// A round's poll could not be sent: the quiz cannot go on and is stopped.
pub fn abandon(conn: &Connection, now: i64, served_id: i64) -> anyhow::Result<Option<Podium>> {
    let Some((_, quiz)) = store::served_with_quiz(conn, served_id)? else {
        return Ok(None);
    };
    if quiz.state != "running" {
        return Ok(None);
    }
    end(conn, now, quiz.id, "stopped").map(Some)
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

/// Whether a member (`None`: one the bot never saw) may stop the group's
/// running quiz without being an admin.
pub fn stop_right(
    conn: &Connection,
    chat_telegram_id: i64,
    player_id: Option<i64>,
) -> anyhow::Result<StopRight> {
    let Some(chat) = store::chat_by_telegram_id(conn, chat_telegram_id)? else {
        return Ok(StopRight::NotRunning);
    };
    Ok(match store::running_group(conn, chat)? {
        None => StopRight::NotRunning,
        Some(q) if Some(q.started_by) == player_id => StopRight::Starter,
        Some(_) => StopRight::Other,
    })
}

/// `/stop` in a group: by the member who started the quiz, or an admin.
/// The open round's waiting votes are counted before it closes.
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
    let open = store::served_of_quiz(conn, quiz.id)?
        .into_iter()
        .find(|r| r.served_at.is_some() && r.closed_at.is_none());
    if let Some(round) = &open {
        count_round_votes(conn, now, round.id)?;
        store::close_round(conn, round.id, now)?;
    }
    let podium = end(conn, now, quiz.id, "stopped")?;
    Ok(GroupStop::Stopped {
        open_message: open.and_then(|r| r.message_id),
        podium,
    })
}

/// What a group quiz left running by an earlier process needs at start.
#[derive(Debug, Clone, PartialEq)]
pub enum Resume {
    /// A round on screen: close it at this time (Unix ms).
    CloseAt { served_id: i64, closes_at: i64 },
    /// Between rounds with no poll on its way: show this round.
    Show { chat: i64, round: Box<Round> },
}

/// The running group quizzes and what each needs to go on.
pub fn resume(conn: &Connection, now: i64) -> anyhow::Result<Vec<Resume>> {
    let mut out = Vec::new();
    for (served_id, closes_at) in store::open_rounds(conn)? {
        out.push(Resume::CloseAt {
            served_id,
            closes_at,
        });
    }
    for (quiz_id, chat) in store::running_group_chats(conn)? {
        let has_open = store::served_of_quiz(conn, quiz_id)?
            .iter()
            .any(|r| r.served_at.is_some() && r.closed_at.is_none());
        if has_open || store::round_poll_queued(conn, quiz_id)? {
            continue;
        }
        match next_round(conn, quiz_id)? {
            Some(round) => out.push(Resume::Show {
                chat,
                round: Box::new(round),
            }),
            // Every round closed and the quiz still running (left so by an
            // earlier version): it is over.
            None => {
                end(conn, now, quiz_id, "finished")?;
            }
        }
    }
    Ok(out)
}
