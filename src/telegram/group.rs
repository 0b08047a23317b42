//! Group quizzes: each round is a native Telegram quiz poll that every
//! member answers; when it closes, one message with the answer, the quote
//! and the standings; after the last, a podium. One task per running quiz
//! drives the rounds; it can be stopped, and it resumes after a restart.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use teloxide::prelude::*;
use teloxide::types::{ChatId, InputPollOption, ParseMode, PollType};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::commands::{self, Command};
use super::{App, TgBot, render, send};
use crate::i18n::Lang;
use crate::service::{ChatRef, GroupStart, GroupStop, Period, PollAnswer, Round, Scope};

/// At most this many messages…
pub const GROUP_MESSAGES: usize = 20;
/// …in this window, to one group.
pub const GROUP_WINDOW: Duration = Duration::from_secs(60);
/// A quiz found running at start whose last round was shown longer ago than
/// this is closed, not resumed.
const STALE: Duration = Duration::from_secs(10 * 60);

/// The running group quizzes and the pace of what is sent to groups.
#[derive(Default)]
pub struct Groups {
    running: Mutex<HashMap<i64, CancellationToken>>,
    pacer: Pacer,
}

/// Keeps what is sent to each group to [`GROUP_MESSAGES`] per [`GROUP_WINDOW`],
/// whatever the round length: a send waits for its turn.
#[derive(Debug)]
pub struct Pacer {
    max: usize,
    window: Duration,
    sent: Mutex<HashMap<i64, VecDeque<Instant>>>,
}

impl Default for Pacer {
    fn default() -> Self {
        Pacer::new(GROUP_MESSAGES, GROUP_WINDOW)
    }
}

impl Pacer {
    pub fn new(max: usize, window: Duration) -> Self {
        Pacer {
            max,
            window,
            sent: Mutex::new(HashMap::new()),
        }
    }

    /// Waits until one more message may go to `chat`, and counts it.
    pub async fn turn(&self, chat: i64) {
        loop {
            let wait = {
                let mut sent = self
                    .sent
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let now = Instant::now();
                let times = sent.entry(chat).or_default();
                while times
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= self.window)
                {
                    times.pop_front();
                }
                if times.len() < self.max {
                    times.push_back(now);
                    return;
                }
                times.front().map(|t| *t + self.window - now)
            };
            if let Some(wait) = wait {
                tokio::time::sleep(wait).await;
            }
        }
    }
}

impl Groups {
    fn register(&self, quiz_id: i64) -> Option<CancellationToken> {
        let mut running = self
            .running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if running.contains_key(&quiz_id) {
            return None;
        }
        let token = CancellationToken::new();
        running.insert(quiz_id, token.clone());
        Some(token)
    }

    fn finish(&self, quiz_id: i64) {
        self.running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&quiz_id);
    }

    fn cancel(&self, quiz_id: i64) {
        if let Some(token) = self
            .running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&quiz_id)
        {
            token.cancel();
        }
    }

    /// Stops every round task (the process is going down; the quizzes stay
    /// running in the database and resume on the next start).
    pub fn stop_all(&self) {
        for (_, token) in self
            .running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .drain()
        {
            token.cancel();
        }
    }
}

/// A command in a group or supergroup.
pub async fn on_command(
    bot: TgBot,
    app: Arc<App>,
    msg: Message,
    cmd: Command,
) -> anyhow::Result<()> {
    let Some(user) = msg.from.as_ref() else {
        return Ok(());
    };
    let player = app.player(user).await?;
    let lang = player.lang;
    let chat = msg.chat.id;
    match cmd {
        Command::Quiz(arg) => {
            let Ok(n) = commands::quiz_size(&arg) else {
                return say(&bot, &app, chat, lang.quiz_size_hint().to_owned()).await;
            };
            let here = ChatRef {
                telegram_id: chat.0,
                group: true,
                title: msg.chat.title().map(str::to_owned),
            };
            let origin = Some((chat.0, i64::from(msg.id.0)));
            match app
                .service
                .start_group(&here, player.id, n, app.round_seconds, origin)
                .await?
            {
                GroupStart::AlreadyRunning { .. } => {
                    let text = lang.pick(
                        "⏳ هناك اختبار جارٍ في هذه المجموعة: انتظروا انتهاءه، أو يوقفه من بدأه أو أحد المشرفين بـ /stop.",
                        "⏳ A quiz is already running in this group: wait for it to end, or its starter or an admin can /stop it.",
                    );
                    say(&bot, &app, chat, text.to_owned()).await?;
                }
                GroupStart::Started {
                    quiz_id,
                    fresh: false,
                    ..
                } => {
                    // The same /quiz delivered again: the quiz is under way.
                    spawn(bot.clone(), app.clone(), chat, quiz_id);
                }
                GroupStart::Started {
                    quiz_id,
                    total,
                    fresh: true,
                } => {
                    let text = format!(
                        "🎯 <b>اختبار جماعي</b> بدأه {}: الأسئلة: {total} · لكل سؤال {} ثانية.\nأجيبوا في الاستطلاع؛ الأسرع يكسب نقاطاً أكثر.",
                        render::name_html(&player.name),
                        app.round_seconds
                    );
                    say(&bot, &app, chat, text).await?;
                    spawn(bot.clone(), app.clone(), chat, quiz_id);
                }
            }
        }
        Command::Stop => stop(&bot, &app, &msg, user, player.id, lang).await?,
        Command::Top => {
            let board = app
                .service
                .leaderboard(Scope::Chat(chat.0), Period::AllTime, 10, Some(player.id))
                .await?;
            let text = render::leaderboard(
                lang,
                lang.leaderboard_title(true, false),
                &board,
                Some(player.id),
            );
            say(&bot, &app, chat, text).await?;
        }
        Command::Me => {
            let stats = app.service.stats(player.id).await?;
            let text = format!(
                "{}\n{}",
                render::name_html(&player.name),
                render::stats(lang, &stats)
            );
            say(&bot, &app, chat, text).await?;
        }
        Command::Lang(arg) => {
            if let Some(chosen) = Lang::parse(&arg) {
                app.choose_lang(user.id.0, player.id, chosen).await?;
                say(&bot, &app, chat, chosen.lang_set().to_owned()).await?;
            }
        }
        Command::Start | Command::Help => {
            say(
                &bot,
                &app,
                chat,
                teloxide::utils::html::escape(&commands::help(lang)),
            )
            .await?;
        }
    }
    Ok(())
}

async fn stop(
    bot: &TgBot,
    app: &App,
    msg: &Message,
    user: &teloxide::types::User,
    player_id: i64,
    lang: Lang,
) -> anyhow::Result<()> {
    let chat = msg.chat.id;
    let mut outcome = app.service.stop_group(chat.0, player_id, false).await?;
    if outcome == GroupStop::NotAllowed {
        let member = send::retrying(|| bot.get_chat_member(chat, user.id).send())
            .await
            .context("cannot check whether the member is an admin")?;
        if member.is_privileged() {
            outcome = app.service.stop_group(chat.0, player_id, true).await?;
        }
    }
    match outcome {
        GroupStop::Stopped {
            quiz_id,
            open_message,
        } => {
            app.groups.cancel(quiz_id);
            if let Some(id) = open_message {
                close_poll(bot, chat, id).await;
            }
            let podium = app.service.end_group(quiz_id, "stopped").await?;
            let name = render::display_name(user);
            let text = format!(
                "⏹ أوقف {} الاختبار.\n\n{}",
                render::name_html(&name),
                render::podium(&podium)
            );
            say(bot, app, chat, text).await
        }
        GroupStop::NotRunning => {
            let text = lang.pick(
                "لا يوجد اختبار جارٍ في هذه المجموعة.",
                "No quiz is running in this group.",
            );
            say(bot, app, chat, text.to_owned()).await
        }
        GroupStop::NotAllowed => {
            let text = lang.pick(
                "🙏 عذراً، لا يوقف الاختبار إلا من بدأه أو أحد مشرفي المجموعة.",
                "🙏 Sorry, only the member who started the quiz or a group admin can stop it.",
            );
            say(bot, app, chat, text.to_owned()).await
        }
    }
}

/// A member's answer to a round's poll.
pub async fn on_poll_answer(
    app: Arc<App>,
    answer: teloxide::types::PollAnswer,
) -> anyhow::Result<()> {
    // Anonymous chat votes and retracted votes do not count.
    let (Some(user), Some(&option)) = (answer.voter.user(), answer.option_ids.first()) else {
        return Ok(());
    };
    let who = App::identity(user);
    let poll = answer.poll_id.0.as_str();
    let mut outcome = app
        .service
        .group_answer(poll, &who, usize::from(option))
        .await?;
    // The poll may be so new that its id is still being saved.
    for _ in 0..20 {
        if outcome != PollAnswer::Unknown {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        outcome = app
            .service
            .group_answer(poll, &who, usize::from(option))
            .await?;
    }
    if let PollAnswer::Recorded { .. } = outcome {
        app.metrics.answers_recorded.inc();
    } else {
        tracing::debug!(?outcome, poll, "a poll answer that does not count");
    }
    Ok(())
}

/// Starts the task that drives a quiz's rounds.
pub fn spawn(bot: TgBot, app: Arc<App>, chat: ChatId, quiz_id: i64) {
    let Some(token) = app.groups.register(quiz_id) else {
        return;
    };
    tokio::spawn(async move {
        tokio::select! {
            result = rounds(&bot, &app, chat, quiz_id) => {
                if let Err(e) = result {
                    tracing::error!(quiz_id, chat = chat.0, error = format!("{e:#}"), "a group quiz failed; it is stopped");
                    let _ = fail(&bot, &app, chat, quiz_id).await;
                }
            }
            () = token.cancelled() => {}
        }
        app.groups.finish(quiz_id);
    });
}

/// At start: quizzes left running by the last process resume, or, when too
/// old, end with a message.
pub async fn resume_all(bot: &TgBot, app: &Arc<App>) -> anyhow::Result<()> {
    let now = app.service.now_ms();
    for (quiz_id, chat) in app.service.running_group_quizzes().await? {
        let chat = ChatId(chat);
        let round = app.service.current_round(quiz_id).await?;
        let last = round.as_ref().and_then(|r| r.served_at).unwrap_or(now);
        let stale = now - last > i64::try_from(STALE.as_millis()).unwrap_or(i64::MAX);
        if stale {
            tracing::info!(quiz_id, "closing a group quiz left running too long");
            if let Some(id) = round.and_then(|r| r.message_id) {
                close_poll(bot, chat, id).await;
            }
            let podium = app.service.end_group(quiz_id, "stopped").await?;
            let text = format!(
                "⏹ توقف الاختبار بسبب انقطاع الخدمة.\n\n{}",
                render::podium(&podium)
            );
            say(bot, app, chat, text).await?;
        } else {
            tracing::info!(quiz_id, "resuming a group quiz");
            spawn(bot.clone(), app.clone(), chat, quiz_id);
        }
    }
    Ok(())
}

/// The rounds of a quiz, from where it stands to the podium.
async fn rounds(bot: &TgBot, app: &App, chat: ChatId, quiz_id: i64) -> anyhow::Result<()> {
    while let Some(round) = app.service.current_round(quiz_id).await? {
        let closes_at = match round.closes_at {
            Some(at) => at, // shown before a restart
            None => open(bot, app, chat, &round).await?,
        };
        let left = closes_at - app.service.now_ms();
        if left > 0 {
            tokio::time::sleep(Duration::from_millis(u64::try_from(left).unwrap_or(0))).await;
        }
        if let Some(result) = app.service.close_round(&round).await? {
            let text = render::round_result(&result, &app.service.article(&round.question.article));
            say(bot, app, chat, text).await?;
        }
    }
    let podium = app.service.end_group(quiz_id, "finished").await?;
    if podium.state == "finished" {
        say(bot, app, chat, render::podium(&podium)).await?;
    }
    Ok(())
}

/// Sends a round's poll and opens the round; returns when it closes.
async fn open(bot: &TgBot, app: &App, chat: ChatId, round: &Round) -> anyhow::Result<i64> {
    let q = &round.question;
    let question = render::cut(
        &format!("{}/{} · {}", round.position + 1, round.total, q.stem),
        300,
    );
    let options: Vec<InputPollOption> = q
        .options
        .iter()
        .map(|o| InputPollOption::new(render::cut(o, 100)))
        .collect();
    let correct = u8::try_from(q.correct).context("option index")?;
    let period = u16::try_from(round.round_seconds).context("round length")?;
    app.groups.pacer.turn(chat.0).await;
    let message = bot
        .send_poll(chat, question, options)
        .type_(PollType::Quiz)
        .is_anonymous(false)
        .correct_option_id(correct)
        .explanation(render::poll_explanation(q))
        .open_period(period)
        .await
        .context("cannot send the round's poll")?;
    let poll = message.poll().context("the sent message has no poll")?;
    app.service
        .round_shown(round, i64::from(message.id.0), &poll.id.0)
        .await
}

/// Ends a quiz whose rounds cannot go on, telling the group.
async fn fail(bot: &TgBot, app: &App, chat: ChatId, quiz_id: i64) -> anyhow::Result<()> {
    let podium = app.service.end_group(quiz_id, "stopped").await?;
    let text = format!(
        "⚠️ عذراً، تعذّر إكمال الاختبار.\n\n{}",
        render::podium(&podium)
    );
    say(bot, app, chat, text).await
}

/// Closes a poll in Telegram (best effort: it may have closed by itself).
async fn close_poll(bot: &TgBot, chat: ChatId, message_id: i64) {
    let Ok(id) = i32::try_from(message_id) else {
        return;
    };
    let message = teloxide::types::MessageId(id);
    if let Err(e) = send::retrying(|| bot.stop_poll(chat, message).send()).await {
        tracing::debug!(error = %e, "the poll could not be closed");
    }
}

/// Sends an HTML message to a group, at the group's pace.
async fn say(bot: &TgBot, app: &App, chat: ChatId, text: String) -> anyhow::Result<()> {
    app.groups.pacer.turn(chat.0).await;
    bot.send_message(chat, text)
        .parse_mode(ParseMode::Html)
        .await
        .context("cannot send a message to the group")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_group_gets_at_most_twenty_messages_a_minute() {
        let pacer = Pacer::default();
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..45 {
            pacer.turn(-100).await;
            times.push(start.elapsed());
        }
        for (i, t) in times.iter().enumerate() {
            let earlier = times
                .iter()
                .filter(|u| **u > t.saturating_sub(GROUP_WINDOW) && *u <= t)
                .count();
            assert!(
                earlier <= GROUP_MESSAGES,
                "message {i}: {earlier} in the minute up to it"
            );
        }
        assert_eq!(times[19], Duration::ZERO, "the first twenty go at once");
        assert_eq!(times[20], GROUP_WINDOW, "the 21st waits for the minute");
        assert_eq!(times[44], 2 * GROUP_WINDOW);
        // Another group is not held up.
        let other = Instant::now();
        pacer.turn(-200).await;
        assert_eq!(other.elapsed(), Duration::ZERO);
    }
}
