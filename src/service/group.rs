//! Group quizzes: the store's rounds read into [`game::round`]'s state, the
//! rules applied, what changed written back.
//!
//! A round opens when its poll is sent ([`open_round`]) and closes when
//! Telegram says the poll closed, or its time is well past ([`close`]).
//! Votes wait in the inbox until their poll is known and are counted many
//! at a time ([`count_votes`]); a round is closed only after the votes
//! received before its closing are counted.

use std::collections::BTreeMap;

use crate::store::Connection;
use anyhow::Context;

use super::{ArticleInfo, Catalog, ChatRef, Question, Standing, save_chat, save_plan, snapshot};
use crate::game::round::{self as rules, Close, GroupQuiz, Opened, Then, Vote};
use crate::game::{self, Mode, QuizState};
use crate::i18n::Lang;
use crate::store::{self, NewAnswer, QuizRow, ServedRow};

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
    pub standings: Vec<Standing>,
    /// The article the question is about, for the quote's source.
    pub article: ArticleInfo,
}

/// A round just closed, and what comes after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Closed {
    /// The group's Telegram id.
    pub chat: Option<i64>,
    /// The group's language.
    pub lang: Lang,
    pub result: RoundResult,
    pub after: After,
}

/// What follows a closed round.
#[derive(Debug, Clone, PartialEq)]
pub enum After {
    Next(Box<Round>),
    /// That was the last round.
    Podium(Podium),
    /// The round closed long after its time (the bot was down): the quiz
    /// is stopped.
    Interrupted(Podium),
    /// The quiz had been stopped.
    Nothing,
}

/// The end of a group quiz: its standings and the group's board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Podium {
    /// This quiz's standings, best first.
    pub standings: Vec<Standing>,
    /// For each of the first [`PODIUM_ROWS`] players of the quiz: (player,
    /// rank on the group's all-time board).
    pub group_ranks: Vec<(i64, i64)>,
    /// The group's all-time board after the quiz, its top five.
    pub group_board: Vec<Standing>,
    pub state: QuizState,
    /// The group's language.
    pub lang: Lang,
}

/// The players a podium shows, and ranks on the group's board: a quiz of
/// twenty thousand players ranks ten, not twenty thousand (two queries
/// each, in the writer's transaction, while every chat waits).
pub const PODIUM_ROWS: usize = 10;

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
        mode: Mode::Group,
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
    if quiz.state != QuizState::Running {
        return Ok(None);
    }
    let rows = store::served_of_quiz(conn, quiz_id)?;
    let Some(row) = rows.into_iter().find(|r| r.served_at.is_none()) else {
        return Ok(None);
    };
    round_of(&row, &quiz).map(Some)
}

fn round_of(row: &ServedRow, quiz: &QuizRow) -> anyhow::Result<Round> {
    Ok(Round {
        served_id: row.id,
        quiz_id: quiz.id,
        position: row.position,
        total: quiz.total,
        question: snapshot(&row.snapshot)?,
        round_seconds: quiz.round_seconds.unwrap_or(30),
    })
}

/// The game's view of a stored round.
fn rules_of(row: &ServedRow, question: &Question) -> rules::Round {
    rules::Round {
        opened: match (row.served_at, row.closes_at) {
            (Some(at), Some(closes_at)) => Some(Opened { at, closes_at }),
            _ => None,
        },
        closed_at: row.closed_at,
        options: question.options.len(),
        correct: question.correct,
    }
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
    let question = snapshot(&row.snapshot)?;
    let round_ms = quiz.round_seconds.unwrap_or(30) * 1000;
    let Some(opened) = rules_of(&row, &question)
        .open(sent_at, round_ms)
        .and_then(|r| r.opened)
    else {
        return Ok(None);
    };
    store::set_message(conn, served_id, message_id, Some(poll_id))?;
    store::mark_served(conn, served_id, opened.at, Some(opened.closes_at))?;
    Ok(Some(opened.closes_at))
}

/// Scores up to `limit` votes whose poll is known (one poll's, or any),
/// oldest first: each member's first vote for a round becomes their answer
/// (saving the member, who may never have talked to the bot), with points
/// from when the vote reached the bot. A member's vote counted in an earlier
/// batch is refused by the store's one answer per member and round.
pub fn count_votes(
    conn: &Connection,
    now: i64,
    poll_id: Option<&str>,
    limit: usize,
) -> anyhow::Result<Counted> {
    let votes = store::ready_votes(conn, poll_id, limit)?;
    let ids: Vec<i64> = votes.iter().map(|v| v.id).collect();
    store::votes_scored(conn, &ids)?;
    let voters: Vec<(i64, &str, Lang)> = votes
        .iter()
        .map(|v| (v.user_id, v.name.as_str(), v.lang))
        .collect();
    let players = store::upsert_telegram_players(conn, &voters, now)?;
    // The votes of each round, in the order they came.
    // In round order, so that a member's streak moves in the order they
    // answered when a batch holds two rounds.
    let mut by_round: BTreeMap<i64, Vec<Vote>> = BTreeMap::new();
    for v in &votes {
        if let Some(&voter) = players.get(&v.user_id) {
            by_round.entry(v.served_id).or_default().push(Vote {
                voter,
                choice: v.choice,
                received_at: v.received_at,
            });
        }
    }
    let mut answers = Vec::with_capacity(votes.len());
    for (served_id, votes) in by_round {
        let Some((row, quiz)) = store::served_with_quiz(conn, served_id)? else {
            continue;
        };
        let question = snapshot(&row.snapshot)?;
        for (vote, outcome) in rules_of(&row, &question).votes(&votes) {
            let (rules::VoteOutcome::Right { elapsed_ms, .. }
            | rules::VoteOutcome::Wrong { elapsed_ms }) = outcome
            else {
                continue;
            };
            let answer = NewAnswer {
                served_id,
                player_id: vote.voter,
                quiz_id: quiz.id,
                chat_id: quiz.chat_id,
                choice: vote.choice,
                is_correct: matches!(outcome, rules::VoteOutcome::Right { .. }),
                points: outcome.points(),
                answered_at: vote.received_at,
                elapsed_ms,
                week: game::week_of(vote.received_at),
                article: question.article.clone(),
            };
            answers.push(answer);
        }
    }
    let new = store::insert_answers(conn, &answers)?;
    let scored: Vec<NewAnswer> = answers
        .into_iter()
        .zip(new)
        .filter_map(|(answer, new)| new.then_some(answer))
        .collect();
    store::add_to_standings(conn, &scored)?;
    Ok(Counted {
        taken: votes.len(),
        recorded: scored.len(),
    })
}

/// Closes the round shown by `poll_id` (Telegram says its poll closed).
pub fn close_by_poll(
    conn: &Connection,
    catalog: &Catalog,
    now: i64,
    poll_id: &str,
) -> anyhow::Result<Option<Closed>> {
    match store::served_by_poll(conn, poll_id)? {
        Some(served_id) => close(conn, catalog, now, served_id),
        None => Ok(None),
    }
}

/// Closes a round once (`None` if it was closed already or never shown):
/// counts the votes waiting for it, then says how it went and what comes
/// next (the next round, or the podium).
pub fn close(
    conn: &Connection,
    catalog: &Catalog,
    now: i64,
    served_id: i64,
) -> anyhow::Result<Option<Closed>> {
    let Some((row, quiz)) = store::served_with_quiz(conn, served_id)? else {
        return Ok(None);
    };
    let round = round_of(&row, &quiz)?;
    let rules = rules_of(&row, &round.question);
    let game_quiz = GroupQuiz {
        state: quiz.state,
        started_by: quiz.started_by,
    };
    // A round is closed twice (Telegram's closed poll, and its timer): the
    // second time costs no more than this.
    if !matches!(rules.close(game_quiz, now, false).0, Close::Closed(_)) {
        return Ok(None);
    }
    let next = next_round(conn, quiz.id)?;
    let (close, _, state) = rules.close(game_quiz, now, next.is_some());
    let Close::Closed(then) = close else {
        return Ok(None);
    };
    count_round_votes(conn, now, served_id)?;
    store::close_round(conn, served_id, now)?;
    let (answered, right) = store::round_counts(conn, served_id)?;
    let standings = store::quiz_scores(conn, quiz.id)?;
    let after = match (then, next) {
        (Then::Next, Some(next)) => After::Next(Box::new(next)),
        (Then::Podium | Then::Next, _) => After::Podium(end(conn, now, quiz.id, state)?),
        (Then::Interrupted, _) => After::Interrupted(end(conn, now, quiz.id, state)?),
        (Then::Nothing, _) => After::Nothing,
    };
    let chat = match quiz.chat_id {
        Some(id) => store::chat_telegram_id(conn, id)?,
        None => None,
    };
    let lang = match chat {
        Some(chat) => store::chat_lang(conn, chat)?,
        None => Lang::default(),
    };
    let article = catalog.article(&round.question.article);
    Ok(Some(Closed {
        chat,
        lang,
        result: RoundResult {
            round,
            answered,
            right,
            standings,
            article,
        },
        after,
    }))
}

/// The poll that shows a round, once sent.
pub fn poll_of(conn: &Connection, served_id: i64) -> anyhow::Result<Option<String>> {
    store::poll_of(conn, served_id)
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
    if quiz.state != QuizState::Running {
        return Ok(None);
    }
    end(conn, now, quiz.id, QuizState::Stopped).map(Some)
}

/// Ends a group quiz (finished, or stopped) and returns its podium.
pub fn end(conn: &Connection, now: i64, quiz_id: i64, state: QuizState) -> anyhow::Result<Podium> {
    store::end_quiz(conn, quiz_id, state, now)?;
    let quiz = store::quiz(conn, quiz_id)?.context("no such quiz")?;
    let standings = store::quiz_scores(conn, quiz_id)?;
    let mut group_ranks = Vec::new();
    let mut group_board = Vec::new();
    let mut lang = Lang::default();
    if let Some(chat) = quiz.chat_id {
        for s in standings.iter().take(PODIUM_ROWS) {
            let board = store::Board {
                scope: chat,
                ..store::Board::GLOBAL
            };
            if let Some((points, _, _)) = store::standing(conn, board, s.player_id)? {
                group_ranks.push((s.player_id, store::rank_of(conn, board, points)?));
            }
        }
        group_board = store::top(
            conn,
            store::Board {
                scope: chat,
                ..store::Board::GLOBAL
            },
            5,
        )?;
        if let Some(telegram_id) = store::chat_telegram_id(conn, chat)? {
            lang = store::chat_lang(conn, telegram_id)?;
        }
    }
    Ok(Podium {
        standings,
        group_ranks,
        group_board,
        state: quiz.state,
        lang,
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
    let game_quiz = GroupQuiz {
        state: quiz.state,
        started_by: quiz.started_by,
    };
    let stopped = match game_quiz.stop(player_id, is_admin) {
        Ok(stopped) => stopped,
        Err(rules::StopRight::NotRunning) => return Ok(GroupStop::NotRunning),
        Err(_) => return Ok(GroupStop::NotAllowed),
    };
    let open = store::served_of_quiz(conn, quiz.id)?
        .into_iter()
        .find(|r| r.served_at.is_some() && r.closed_at.is_none());
    if let Some(round) = &open {
        count_round_votes(conn, now, round.id)?;
        store::close_round(conn, round.id, now)?;
    }
    let podium = end(conn, now, quiz.id, stopped.state)?;
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
                end(conn, now, quiz_id, QuizState::Finished)?;
            }
        }
    }
    Ok(out)
}
