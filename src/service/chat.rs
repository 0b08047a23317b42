//! What a player asks of the bot in a chat, answered in one call: the
//! player is entered, the action applied (by [`super::solo`],
//! [`super::group`] or [`super::boards`]), and one view comes back, in the
//! language to say it in. The Telegram adapter parses commands into
//! [`Action`]s and renders the views; it decides nothing.

use anyhow::Context;

use crate::store::Connection;

use super::group::{self, GroupStart, GroupStop, Podium, Round};
use super::schedule::ScheduleAsk;
use super::{
    AnswerOutcome, ArticleEntry, Asked, ChatRef, Identity, Leaderboard, Period, Player,
    QuizSummary, Scope, Service, Stats, Step, boards, enter, enter_looked_up, save_chat, solo,
};
use crate::i18n::Lang;
use crate::store;

/// What a player asks, as an adapter parsed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// `/start`, or `/start <slug>` from a shared link: a quiz on it.
    Start(Option<String>),
    Help,
    /// `/quiz [slug] [n]`: `None` when n is not 1-20.
    Quiz(Option<QuizAsk>),
    /// `/articles`.
    Articles,
    Me,
    /// `/top`, `/top week`, `/top <slug>`.
    Top(TopAsk),
    Stop,
    /// `/lang x`: `None` when x is no language.
    Lang(Option<Lang>),
    /// `/share [slug]`: links to a quiz on an article (the newest).
    Share(Option<String>),
    /// `/forget`: delete everything of the player, once confirmed.
    Forget,
    /// `/schedule …`: a group's daily quiz.
    Schedule(ScheduleAsk),
    /// Any other message.
    Other,
}

/// What a `/quiz` asks for: how many questions, about which article (the
/// newest unless named).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizAsk {
    pub n: u8,
    pub article: Option<String>,
}

/// Which board a `/top` asks for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TopAsk {
    pub week: bool,
    pub article: Option<String>,
}

/// The questions of a quiz when no number is given.
pub const DEFAULT_QUIZ: u8 = 5;

impl Action {
    /// In a group, whether the member's being an admin matters: it is
    /// asked of Telegram for these actions only.
    pub fn needs_admin(&self) -> bool {
        match self {
            Action::Stop | Action::Lang(Some(_)) => true,
            Action::Schedule(ask) => ask.changes(),
            _ => false,
        }
    }
}

/// A published article as a player sees it in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleLine {
    pub entry: ArticleEntry,
    /// Facts of it the player has answered.
    pub answered: usize,
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
    /// A leaderboard, and what it ranks: this week only, one article only.
    Top {
        board: Leaderboard,
        week: bool,
        article: Option<ArticleEntry>,
    },
    /// `/articles`: the catalogue, newest first.
    Articles(Vec<ArticleLine>),
    /// A slug the catalogue does not have: the articles it has.
    UnknownArticle(Vec<ArticleLine>),
    /// Nothing is published: no quiz to play.
    NoArticles,
    /// Links that start a quiz on an article, privately or in a group.
    Share(ArticleEntry),
    /// `/forget`: are you sure? (buttons)
    ForgetAsk,
    /// The player's data is deleted.
    Forgotten,
    /// The player chose to keep it.
    ForgetKept,
    /// Said in a group, done only in a private chat.
    PrivateOnly,
    /// Said in a private chat, done only in a group.
    GroupOnly,
    /// Only a group's admins may do this.
    AdminsOnly,
    /// The group's schedule: its time (none: off) and time zone.
    Schedule {
        minutes: Option<u16>,
        tz: String,
    },
    ScheduleSet {
        minutes: u16,
        tz: String,
    },
    ScheduleOff,
    ScheduleTz(String),
    /// A time zone the database does not have.
    BadTz(String),
    ScheduleUsage,
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
        /// Started by the group's daily schedule, not by a member.
        scheduled: bool,
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

/// What judging a press reads: the player and the question (see
/// [`Service::read_press`]).
pub struct PressReads {
    player: store::PlayerLookup,
    context: Option<store::Later<Option<store::AnswerContext>>>,
}

impl Service {
    /// The catalogue as a player sees it: how many facts of each article
    /// they have answered.
    fn articles(&self, conn: &Connection, player_id: i64) -> anyhow::Result<Vec<ArticleLine>> {
        let seen = store::seen_by_player(conn, player_id)?;
        Ok(self
            .catalog()
            .list()
            .iter()
            .map(|entry| {
                let prefix = format!("{}/", entry.slug);
                ArticleLine {
                    answered: seen.keys().filter(|k| k.starts_with(&prefix)).count(),
                    entry: entry.clone(),
                }
            })
            .collect())
    }

    /// The article a `/quiz` or a `/top` names, or the newest; `Err` says
    /// what to answer instead (the list, for a slug it does not have).
    fn article_of(
        &self,
        conn: &Connection,
        player_id: i64,
        slug: Option<&str>,
    ) -> anyhow::Result<Result<ArticleEntry, Said>> {
        let found = match slug {
            Some(slug) => self.catalog().find(slug),
            None => self.catalog().newest(),
        };
        Ok(match found {
            Some(entry) => Ok(entry.clone()),
            None if self.catalog().list().is_empty() => Err(Said::NoArticles),
            None => Err(Said::UnknownArticle(self.articles(conn, player_id)?)),
        })
    }

    /// A leaderboard: of a scope, this week or all time, every article or
    /// one (a slug the catalogue does not have gets the list instead).
    fn top(
        &self,
        conn: &Connection,
        now: i64,
        scope: Scope,
        player_id: i64,
        ask: &TopAsk,
    ) -> anyhow::Result<Said> {
        let article = match &ask.article {
            Some(slug) => match self.article_of(conn, player_id, Some(slug))? {
                Ok(entry) => Some(entry),
                Err(said) => return Ok(said),
            },
            None => None,
        };
        let period = if ask.week {
            Period::ThisWeek
        } else {
            Period::AllTime
        };
        let board = boards::leaderboard(
            conn,
            now,
            (scope, period, article.as_ref().map(|a| a.slug.as_str())),
            10,
            Some(player_id),
        )?;
        Ok(Said::Top {
            board,
            week: ask.week,
            article,
        })
    }

    /// A solo quiz on an article for a player, the facts they have not
    /// answered first.
    fn solo_quiz(
        &self,
        conn: &Connection,
        now: i64,
        player_id: i64,
        here: &ChatRef,
        ask: &QuizAsk,
        origin: Option<(i64, i64)>,
    ) -> anyhow::Result<Said> {
        let article = match self.article_of(conn, player_id, ask.article.as_deref())? {
            Ok(entry) => entry,
            Err(said) => return Ok(said),
        };
        let seen = store::seen_by_player(conn, player_id)?;
        let plan = self.plan(&article.slug, &seen, ask.n);
        let started = solo::start(conn, now, player_id, Some(here), &plan, origin)?;
        Ok(match started.fresh {
            false => Said::Nothing,
            true => match solo::next(conn, self.catalog(), now, started.quiz_id, player_id)? {
                Step::Ask(asked) => Said::Asked {
                    asked,
                    replaced: started.replaced.is_some(),
                },
                Step::Over(_) => Said::Nothing,
            },
        })
    }

    /// An action in a private chat. `origin` is the message (chat, id): a
    /// `/quiz` delivered again finds the quiz it started; `None` for an
    /// action that comes from a button.
    pub fn private(
        &self,
        conn: &Connection,
        now: i64,
        who: &Identity,
        origin: (i64, Option<i64>),
        action: Action,
    ) -> anyhow::Result<Reply> {
        let mut player = enter(conn, who, now)?;
        let here = ChatRef {
            telegram_id: origin.0,
            group: false,
            title: None,
        };
        let from = origin.1.map(|message| (origin.0, message));
        let said = match action {
            Action::Start(None) => Said::Welcome,
            Action::Start(Some(slug)) => {
                let ask = QuizAsk {
                    n: DEFAULT_QUIZ,
                    article: Some(slug),
                };
                self.solo_quiz(conn, now, player.id, &here, &ask, from)?
            }
            Action::Help => Said::Help,
            Action::Other => Said::Hint,
            Action::Quiz(None) => Said::QuizSizeHint,
            Action::Quiz(Some(ask)) => self.solo_quiz(conn, now, player.id, &here, &ask, from)?,
            Action::Articles => match self.articles(conn, player.id)? {
                list if list.is_empty() => Said::NoArticles,
                list => Said::Articles(list),
            },
            Action::Me => Said::Stats(boards::stats(conn, player.id)?),
            Action::Top(ask) => self.top(conn, now, Scope::Global, player.id, &ask)?,
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
            Action::Share(slug) => match self.article_of(conn, player.id, slug.as_deref())? {
                Ok(entry) => Said::Share(entry),
                Err(said) => said,
            },
            Action::Forget => Said::ForgetAsk,
            Action::Schedule(_) => Said::GroupOnly,
        };
        Ok(Reply {
            lang: player.lang,
            player,
            said,
        })
    }

    /// The answer to `/forget`'s question: `yes` deletes the player's
    /// answers, their place on every leaderboard and their profile.
    pub fn forget(
        &self,
        conn: &Connection,
        now: i64,
        who: &Identity,
        yes: bool,
    ) -> anyhow::Result<Reply> {
        let player = enter(conn, who, now)?;
        let said = if yes {
            store::forget_player(conn, player.id, now)?;
            Said::Forgotten
        } else {
            Said::ForgetKept
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
        action: Action,
        is_admin: bool,
        round_seconds: u32,
    ) -> anyhow::Result<Reply> {
        let player = enter(conn, who, now)?;
        let mut lang = store::chat_lang(conn, chat.telegram_id)?;
        let said = match action {
            Action::Start(None) | Action::Help => Said::Help,
            Action::Start(Some(slug)) => {
                let ask = QuizAsk {
                    n: DEFAULT_QUIZ,
                    article: Some(slug),
                };
                self.group_quiz(conn, now, chat, player.id, &ask, origin, round_seconds)?
            }
            Action::Other => Said::Nothing,
            Action::Quiz(None) => Said::QuizSizeHint,
            Action::Quiz(Some(ask)) => {
                self.group_quiz(conn, now, chat, player.id, &ask, origin, round_seconds)?
            }
            Action::Articles => match self.articles(conn, player.id)? {
                list if list.is_empty() => Said::NoArticles,
                list => Said::Articles(list),
            },
            Action::Me => Said::Stats(boards::stats(conn, player.id)?),
            Action::Top(ask) => {
                self.top(conn, now, Scope::Chat(chat.telegram_id), player.id, &ask)?
            }
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
            Action::Share(slug) => match self.article_of(conn, player.id, slug.as_deref())? {
                Ok(entry) => Said::Share(entry),
                Err(said) => said,
            },
            Action::Forget => Said::PrivateOnly,
            Action::Schedule(ask) => self.schedule(conn, now, chat, &player, ask, is_admin)?,
        };
        Ok(Reply { lang, player, said })
    }

    /// A group quiz on an article, the facts the group has not had first.
    #[allow(clippy::too_many_arguments)]
    fn group_quiz(
        &self,
        conn: &Connection,
        now: i64,
        chat: &ChatRef,
        player_id: i64,
        ask: &QuizAsk,
        origin: (i64, i64),
        round_seconds: u32,
    ) -> anyhow::Result<Said> {
        let article = match self.article_of(conn, player_id, ask.article.as_deref())? {
            Ok(entry) => entry,
            Err(said) => return Ok(said),
        };
        let seen = store::seen_by_chat(conn, chat.telegram_id)?;
        let plan = self.plan(&article.slug, &seen, ask.n);
        Ok(
            match group::start(
                conn,
                now,
                chat,
                player_id,
                &plan,
                round_seconds,
                Some(origin),
            )? {
                GroupStart::Started { first, .. } => Said::GroupStarted {
                    first,
                    round_seconds,
                    scheduled: false,
                },
                GroupStart::Repeated { .. } => Said::Nothing,
                GroupStart::AlreadyRunning { .. } => Said::AlreadyRunning,
            },
        )
    }

    /// Asks for what judging a press on an answer button (`None`: a button
    /// the bot cannot read) reads, without waiting for it: the player and
    /// the question, in one round trip, which the writer may send ahead of
    /// the other jobs of its batch (see `Store::write_read_ahead`). What
    /// the press writes checks that the quiz still runs (an update of
    /// another chat may have stopped it: `/stop` in private while the quiz
    /// runs in a group, `/quiz` elsewhere, an idle stop); the rest (the
    /// player's answers in it, the question after) only presses in the
    /// quiz's own chat change, which are handled one at a time. A player's
    /// language changed in another chat in the same batch is seen by the
    /// next press.
    pub fn read_press(
        conn: &Connection,
        who: &Identity,
        button: Option<(i64, usize)>,
    ) -> anyhow::Result<PressReads> {
        Ok(PressReads {
            player: store::look_up_player(conn, who.origin, &who.external_id)?,
            context: button
                .map(|(served_id, _)| store::answer_context_later(conn, served_id))
                .transpose()?,
        })
    }

    /// A press on an answer button (`None`: a button the bot cannot read),
    /// at `at`, judged on what [`Service::read_press`] read.
    pub fn press(
        &self,
        conn: &Connection,
        at: i64,
        who: &Identity,
        button: Option<(i64, usize)>,
        read: PressReads,
    ) -> anyhow::Result<Pressed> {
        let player = enter_looked_up(conn, who, at, read.player)?;
        let outcome = match (button, read.context) {
            (Some((_, choice)), Some(context)) => {
                let context = context.wait(conn).context("cannot read the question")?;
                solo::answer_in(conn, self.catalog(), at, context, player.id, choice)?
            }
            _ => AnswerOutcome::Unknown,
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
