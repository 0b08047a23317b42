//! What a player asks of the bot in a chat, answered in one call: the
//! player is entered, the action applied (by [`super::solo`],
//! [`super::group`] or [`super::boards`]), and one view comes back, in the
//! language to say it in. The Telegram adapter parses commands into
//! [`Action`]s and renders the views; it decides nothing.

use rusqlite::Connection;

use super::group::{self, GroupStart, GroupStop, Podium, Round};
use super::{
    AnswerOutcome, Asked, ChatRef, Identity, Leaderboard, Period, Player, Question, QuizSummary,
    Scope, Service, Stats, Step, boards, enter, save_chat, solo,
};
use crate::i18n::Lang;
use crate::store;

/// What a player asks, as an adapter parsed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Start,
    Help,
    /// `/quiz [n]`: `None` when n is not 1-20.
    Quiz(Option<u8>),
    Me,
    Top,
    Stop,
    /// `/lang x`: `None` when x is no language.
    Lang(Option<Lang>),
    /// Any other message.
    Other,
}

impl Action {
    /// In a group, whether the member's being an admin matters: it is
    /// asked of Telegram for these actions only.
    pub fn needs_admin(&self) -> bool {
        matches!(self, Action::Stop | Action::Lang(Some(_)))
    }

    /// The size of the quiz it starts, if it starts one.
    pub fn quiz_size(&self) -> Option<u8> {
        match self {
            Action::Quiz(n) => *n,
            _ => None,
        }
    }
}

/// The answer to an action: what to say, to whom, in which language (the
/// player's in a private chat, the group's in a group).
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub lang: Lang,
    pub player: Player,
    pub said: Said,
}

/// What the bot says.
#[derive(Debug, Clone, PartialEq)]
pub enum Said {
    Welcome,
    Help,
    /// The answer to a message that is no command.
    Hint,
    QuizSizeHint,
    /// A solo quiz's first question; `replaced` when it stopped a running
    /// quiz of the player's.
    Asked {
        asked: Box<Asked>,
        replaced: bool,
    },
    /// The same message was handled before: nothing to say.
    Nothing,
    Stats(Stats),
    Top(Leaderboard),
    /// The player's quiz, stopped.
    Stopped(QuizSummary),
    NoQuiz,
    /// A language set: the reply's language is the new one.
    LangSet,
    LangUsage,
    /// A group quiz started: its first round.
    GroupStarted {
        first: Box<Round>,
        round_seconds: u32,
    },
    AlreadyRunning,
    /// A group quiz stopped: the poll of the round that was open, and the
    /// podium.
    GroupStopped {
        open_message: Option<i64>,
        podium: Podium,
    },
    GroupNotRunning,
    StopNotAllowed,
    /// Only a group's admins set its language.
    LangAdminsOnly,
}

/// A press on an answer button: the outcome, in the player's language.
#[derive(Debug, Clone, PartialEq)]
pub struct Pressed {
    pub lang: Lang,
    pub outcome: AnswerOutcome,
}

impl Service {
    /// The questions a `/quiz` will ask, drawn before its transaction (so
    /// that the writer never waits on the bank's shuffle).
    pub fn plan_for(&self, action: &Action) -> Vec<Question> {
        action.quiz_size().map(|n| self.plan(n)).unwrap_or_default()
    }

    /// An action in a private chat, with the questions [`Service::plan_for`]
    /// drew for it. `origin` is the message (chat, id): a `/quiz` delivered
    /// again finds the quiz it started.
    pub fn private(
        &self,
        conn: &Connection,
        now: i64,
        who: &Identity,
        origin: (i64, i64),
        (action, plan): (Action, Vec<Question>),
    ) -> anyhow::Result<Reply> {
        let mut player = enter(conn, who, now)?;
        let said = match action {
            Action::Start => Said::Welcome,
            Action::Help => Said::Help,
            Action::Other => Said::Hint,
            Action::Quiz(None) => Said::QuizSizeHint,
            Action::Quiz(Some(_)) => {
                let here = ChatRef {
                    telegram_id: origin.0,
                    group: false,
                    title: None,
                };
                let started = solo::start(conn, now, player.id, Some(&here), &plan, Some(origin))?;
                match started.fresh {
                    false => Said::Nothing,
                    true => match solo::next(conn, now, started.quiz_id, player.id)? {
                        Step::Ask(asked) => Said::Asked {
                            asked,
                            replaced: started.replaced.is_some(),
                        },
                        Step::Over(_) => Said::Nothing,
                    },
                }
            }
            Action::Me => Said::Stats(boards::stats(conn, player.id)?),
            Action::Top => Said::Top(boards::leaderboard(
                conn,
                now,
                Scope::Global,
                Period::AllTime,
                10,
                Some(player.id),
            )?),
            Action::Stop => match solo::stop(conn, now, player.id)? {
                Some(summary) => Said::Stopped(summary),
                None => Said::NoQuiz,
            },
            Action::Lang(None) => Said::LangUsage,
            Action::Lang(Some(chosen)) => {
                store::choose_lang(conn, player.id, chosen)?;
                player.lang = chosen;
                Said::LangSet
            }
        };
        Ok(Reply {
            lang: player.lang,
            player,
            said,
        })
    }

    /// An action in a group, said in the group's language. `is_admin`: the
    /// member is one of the group's admins (asked of Telegram for `/stop`
    /// and `/lang` only).
    #[allow(clippy::too_many_arguments)]
    pub fn group(
        &self,
        conn: &Connection,
        now: i64,
        who: &Identity,
        chat: &ChatRef,
        origin: (i64, i64),
        (action, plan): (Action, Vec<Question>),
        is_admin: bool,
        round_seconds: u32,
    ) -> anyhow::Result<Reply> {
        let player = enter(conn, who, now)?;
        let mut lang = store::chat_lang(conn, chat.telegram_id)?;
        let said = match action {
            Action::Start | Action::Help => Said::Help,
            Action::Other => Said::Nothing,
            Action::Quiz(None) => Said::QuizSizeHint,
            Action::Quiz(Some(_)) => {
                match group::start(
                    conn,
                    now,
                    chat,
                    player.id,
                    &plan,
                    round_seconds,
                    Some(origin),
                )? {
                    GroupStart::Started { first, .. } => Said::GroupStarted {
                        first,
                        round_seconds,
                    },
                    GroupStart::Repeated { .. } => Said::Nothing,
                    GroupStart::AlreadyRunning { .. } => Said::AlreadyRunning,
                }
            }
            Action::Me => Said::Stats(boards::stats(conn, player.id)?),
            Action::Top => Said::Top(boards::leaderboard(
                conn,
                now,
                Scope::Chat(chat.telegram_id),
                Period::AllTime,
                10,
                Some(player.id),
            )?),
            Action::Stop => match group::stop(conn, now, chat.telegram_id, player.id, is_admin)? {
                GroupStop::Stopped {
                    open_message,
                    podium,
                } => Said::GroupStopped {
                    open_message,
                    podium,
                },
                GroupStop::NotRunning => Said::GroupNotRunning,
                GroupStop::NotAllowed => Said::StopNotAllowed,
            },
            // As before: a `/lang` that names no language is left alone in
            // a group, where it may be meant for another bot.
            Action::Lang(None) => Said::Nothing,
            Action::Lang(Some(_)) if !is_admin => Said::LangAdminsOnly,
            Action::Lang(Some(chosen)) => {
                let id = save_chat(conn, chat, now)?;
                store::set_chat_lang(conn, id, chosen)?;
                lang = chosen;
                Said::LangSet
            }
        };
        Ok(Reply { lang, player, said })
    }

    /// A press on an answer button (`None`: a button the bot cannot read),
    /// at `at`.
    pub fn press(
        &self,
        conn: &Connection,
        at: i64,
        who: &Identity,
        button: Option<(i64, usize)>,
    ) -> anyhow::Result<Pressed> {
        let player = enter(conn, who, at)?;
        let outcome = match button {
            None => AnswerOutcome::Unknown,
            Some((served_id, choice)) => {
                solo::answer(conn, self.catalog(), at, served_id, player.id, choice)?
            }
        };
        Ok(Pressed {
            lang: player.lang,
            outcome,
        })
    }

    /// Closes a round (its poll closed, or its time is well past); see
    /// [`group::close`].
    pub fn close_round(
        &self,
        conn: &Connection,
        now: i64,
        round: RoundRef<'_>,
    ) -> anyhow::Result<Option<group::Closed>> {
        match round {
            RoundRef::Served(id) => group::close(conn, self.catalog(), now, id),
            RoundRef::Poll(poll) => group::close_by_poll(conn, self.catalog(), now, poll),
        }
    }
}

/// A round, by its served question or by its poll.
#[derive(Debug, Clone, Copy)]
pub enum RoundRef<'a> {
    Served(i64),
    Poll(&'a str),
}
