//! Group quizzes: each round is a native Telegram quiz poll that every
//! member answers. A round opens when its poll is sent, and closes when
//! Telegram's `poll` update says the poll closed (or, if that never comes,
//! a moment after its time once nothing waits at Telegram); then the group
//! gets one message with the answer, the quote and the standings, and the
//! next poll, or the podium. The group's messages wait their turn in the
//! sender, never in a handler.

use std::sync::Arc;
use std::time::Duration;

use teloxide::types::{Message, Poll};
use teloxide::utils::command::BotCommands;
use teloxide::utils::html::escape;

use super::commands::{self, Command};
use super::dispatch::Received;
use super::request::Request;
use super::{App, ROUND_GRACE, render};
use crate::i18n::Lang;
use crate::service::group::{self as rounds, GroupStart, GroupStop, Resume, StopRight, Then};
use crate::service::{self, ChatRef, Closed, Period, Scope, boards};
use crate::store;

/// The longest a round's close waits for Telegram's updates to catch up
/// after its time (the bot is behind on a flood).
const MAX_CATCH_UP: Duration = Duration::from_secs(60);
/// Votes for a poll the bot does not know are dropped after this.
const STRAY_VOTE_MS: i64 = 5 * 60 * 1000;

/// A message in a group: only commands addressed to the bot count.
pub async fn on_message(app: &Arc<App>, update: &Received, msg: Message) -> anyhow::Result<()> {
    let command = msg
        .text()
        .and_then(|t| Command::parse(t, &app.username).ok());
    let (Some(user), Some(command)) = (msg.from.as_ref(), command) else {
        return app.done(update).await;
    };
    let who = App::identity(user);
    let chat = msg.chat.id.0;
    let title = msg.chat.title().map(str::to_owned);
    let origin = (chat, i64::from(msg.id.0));
    if command == Command::Stop {
        return stop(app, update, &msg, who).await;
    }
    let plan = match &command {
        Command::Quiz(arg) => commands::quiz_size(arg).ok().map(|n| app.service.plan(n)),
        _ => None,
    };
    let round_seconds = app.round_seconds;
    app.commit(update, move |conn, now| {
        let player = service::enter(conn, &who, now)?;
        let lang = player.lang;
        let say = |text: String| vec![Request::message(chat, text, None)];
        let requests = match command {
            Command::Quiz(_) => match plan {
                None => say(lang.quiz_size_hint().to_owned()),
                Some(plan) => {
                    let here = ChatRef {
                        telegram_id: chat,
                        group: true,
                        title,
                    };
                    match rounds::start(conn, now, &here, player.id, &plan, round_seconds, Some(origin))? {
                        GroupStart::Started { first, .. } => vec![
                            Request::message(
                                chat,
                                format!(
                                    "🎯 <b>اختبار جماعي</b> بدأه {}: الأسئلة: {} · لكل سؤال {round_seconds} ثانية.\nأجيبوا في الاستطلاع؛ الأسرع يكسب نقاطاً أكثر.",
                                    render::name_html(&player.name),
                                    first.total,
                                ),
                                None,
                            ),
                            Request::round_poll(chat, first.served_id, render::round_poll(&first)),
                        ],
                        // The same /quiz delivered again: the quiz is under way.
                        GroupStart::Repeated { .. } => Vec::new(),
                        GroupStart::AlreadyRunning { .. } => say(
                            lang.pick(
                                "⏳ هناك اختبار جارٍ في هذه المجموعة: انتظروا انتهاءه، أو يوقفه من بدأه أو أحد المشرفين بـ /stop.",
                                "⏳ A quiz is already running in this group: wait for it to end, or its starter or an admin can /stop it.",
                            )
                            .to_owned(),
                        ),
                    }
                }
            },
            Command::Top => {
                let board = boards::leaderboard(conn, now, Scope::Chat(chat), Period::AllTime, 10, Some(player.id))?;
                say(render::leaderboard(
                    lang,
                    lang.leaderboard_title(true, false),
                    &board,
                    Some(player.id),
                ))
            }
            Command::Me => say(format!(
                "{}\n{}",
                render::name_html(&player.name),
                render::stats(lang, &boards::stats(conn, player.id)?)
            )),
            Command::Lang(arg) => match Lang::parse(&arg) {
                Some(chosen) => {
                    store::choose_lang(conn, player.id, chosen.code())?;
                    say(chosen.lang_set().to_owned())
                }
                None => Vec::new(),
            },
            Command::Start | Command::Help => say(escape(&commands::help(lang))),
            Command::Stop => Vec::new(),
        };
        Ok(((), requests))
    })
    .await
    .map(drop)
}

/// `/stop`: by the member who started the quiz, or a group admin (asked of
/// Telegram only for someone else); anyone else gets a polite refusal.
async fn stop(
    app: &Arc<App>,
    update: &Received,
    msg: &Message,
    who: service::Identity,
) -> anyhow::Result<()> {
    let chat = msg.chat.id.0;
    let name = who.name.clone();
    let right = {
        let external_id = who.external_id.clone();
        app.service
            .store()
            .read(move |conn| {
                let player = store::player_id(conn, store::Origin::Telegram, &external_id)?;
                rounds::stop_right(conn, chat, player)
            })
            .await?
    };
    let is_admin = match (right, msg.from.as_ref()) {
        (StopRight::Other, Some(user)) => is_admin(app, chat, user.id.0).await?,
        _ => false,
    };
    app.commit(update, move |conn, now| {
        let player = service::enter(conn, &who, now)?;
        let lang = player.lang;
        let say = |text: &str| vec![Request::message(chat, text.to_owned(), None)];
        let requests = match rounds::stop(conn, now, chat, player.id, is_admin)? {
            GroupStop::Stopped {
                open_message,
                podium,
            } => {
                let mut out = Vec::new();
                if let Some(id) = open_message.and_then(|id| i32::try_from(id).ok()) {
                    out.push(Request::stop_poll(chat, id));
                }
                out.push(Request::message(
                    chat,
                    format!(
                        "⏹ أوقف {} الاختبار.\n\n{}",
                        render::name_html(&name),
                        render::podium(&podium)
                    ),
                    None,
                ));
                out
            }
            GroupStop::NotRunning => say(lang.pick(
                "لا يوجد اختبار جارٍ في هذه المجموعة.",
                "No quiz is running in this group.",
            )),
            GroupStop::NotAllowed => say(lang.pick(
                "🙏 عذراً، لا يوقف الاختبار إلا من بدأه أو أحد مشرفي المجموعة.",
                "🙏 Sorry, only the member who started the quiz or a group admin can stop it.",
            )),
        };
        Ok(((), requests))
    })
    .await
    .map(drop)
}

/// Whether a member is an administrator of a chat (asked of Telegram).
async fn is_admin(app: &App, chat: i64, user: u64) -> anyhow::Result<bool> {
    #[derive(serde::Deserialize)]
    struct Member {
        status: String,
    }
    let request = serde_json::json!({ "chat_id": chat, "user_id": user });
    let mut attempt = 0;
    loop {
        attempt += 1;
        match app.api.call::<Member>("getChatMember", &request).await {
            Ok(m) => return Ok(matches!(m.status.as_str(), "creator" | "administrator")),
            Err(e) if e.is_transient() && attempt < 3 => {
                let wait = match &e {
                    super::api::ApiError::RetryAfter(w) => *w,
                    _ => Duration::from_millis(500),
                };
                tokio::time::sleep(wait).await;
            }
            Err(e) => {
                return Err(
                    anyhow::Error::new(e).context("cannot check whether the member is an admin")
                );
            }
        }
    }
}

/// A poll's new state: a closed poll of a round closes the round, once the
/// votes received before it are counted.
pub async fn on_poll(app: &Arc<App>, update: &Received, poll: Poll) -> anyhow::Result<()> {
    if !poll.is_closed {
        return app.done(update).await;
    }
    let poll_id = poll.id.0;
    // Most of its votes are scored first, a batch at a time; the close
    // scores what is left.
    app.score_votes(Some(poll_id.clone())).await;
    let app2 = app.clone();
    app.commit(update, move |conn, now| {
        let closed = rounds::close_by_poll(conn, now, &poll_id)?;
        let requests = closed
            .as_ref()
            .map(|c| after_round(&app2, c))
            .unwrap_or_default();
        Ok(((), requests))
    })
    .await
    .map(drop)
}

/// Closes a round a moment after `closes_at` (Unix ms) unless Telegram's
/// closed poll came first; while updates wait at Telegram (the bot is
/// behind), it waits for them, up to a minute.
pub fn close_later(app: &Arc<App>, served_id: i64, closes_at: i64) {
    let app = app.clone();
    tokio::spawn(async move {
        let left = closes_at - app.service.now_ms();
        let wait = Duration::from_millis(u64::try_from(left).unwrap_or(0)) + ROUND_GRACE;
        tokio::time::sleep(wait).await;
        let mut extra = Duration::ZERO;
        while !app.receiving.caught_up() && extra < MAX_CATCH_UP {
            tokio::time::sleep(Duration::from_secs(1)).await;
            extra += Duration::from_secs(1);
        }
        let poll = app
            .service
            .store()
            .read(move |conn| store::poll_of(conn, served_id))
            .await;
        if let Ok(Some(poll)) = poll {
            app.score_votes(Some(poll)).await;
        }
        let app2 = app.clone();
        let closed = app
            .apply(move |conn, now| {
                let closed = rounds::close(conn, now, served_id)?;
                let requests = closed
                    .as_ref()
                    .map(|c| after_round(&app2, c))
                    .unwrap_or_default();
                Ok(((), requests))
            })
            .await;
        if let Err(e) = closed {
            tracing::error!(served_id, error = format!("{e:#}"), "cannot close a round");
        }
    });
}

/// The group's messages after a round: its result, then the next poll or
/// the podium.
fn after_round(app: &App, closed: &Closed) -> Vec<Request> {
    let round = &closed.result.round;
    let Some(chat) = closed.chat else {
        return Vec::new();
    };
    let article = app.service.article(&round.question.article);
    let mut out = vec![Request::message(
        chat,
        render::round_result(&closed.result, &article),
        None,
    )];
    match &closed.then {
        Then::Next(next) => out.push(Request::round_poll(
            chat,
            next.served_id,
            render::round_poll(next),
        )),
        Then::Podium(podium) => out.push(Request::message(chat, render::podium(podium), None)),
        Then::Interrupted(podium) => out.push(Request::message(
            chat,
            format!(
                "⏹ توقف الاختبار بسبب انقطاع الخدمة.\n\n{}",
                render::podium(podium)
            ),
            None,
        )),
        Then::Nothing => {}
    }
    out
}

/// At start: rounds left open get their closing time, quizzes left between
/// rounds get their next poll.
pub async fn resume(app: &Arc<App>) -> anyhow::Result<()> {
    let open = app
        .apply(|conn, now| {
            let mut open = Vec::new();
            let mut polls = Vec::new();
            for r in rounds::resume(conn, now)? {
                match r {
                    Resume::CloseAt {
                        served_id,
                        closes_at,
                    } => open.push((served_id, closes_at)),
                    Resume::Show { chat, round } => polls.push(Request::round_poll(
                        chat,
                        round.served_id,
                        render::round_poll(&round),
                    )),
                }
            }
            Ok((open, polls))
        })
        .await?;
    for (served_id, closes_at) in open {
        tracing::info!(served_id, "a round left open closes at its time");
        close_later(app, served_id, closes_at);
    }
    Ok(())
}

/// Votes for polls that are not the bot's go after a while.
pub async fn drop_stray_votes(app: &App) {
    let dropped = app
        .apply(|conn, now| {
            Ok((
                store::drop_stray_votes(conn, now - STRAY_VOTE_MS)?,
                Vec::new(),
            ))
        })
        .await;
    match dropped {
        Ok(0) => {}
        Ok(n) => {
            tracing::info!(
                dropped = n,
                "votes for polls that are not the bot's were dropped"
            );
        }
        Err(e) => tracing::warn!(error = format!("{e:#}"), "cannot drop stray votes"),
    }
}
