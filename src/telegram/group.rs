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

use super::commands::action_of;
use super::dispatch::Received;
use super::request::Request;
use super::{App, ROUND_GRACE, render};
use crate::service::group::{self as rounds, Resume};
use crate::service::{Action, ChatRef, RoundRef};
use crate::store;

/// The longest a round's close waits for Telegram's updates to catch up
/// after its time (the bot is behind on a flood).
const MAX_CATCH_UP: Duration = Duration::from_secs(60);
/// Votes for a poll the bot does not know are dropped after this.
const STRAY_VOTE_MS: i64 = 5 * 60 * 1000;

/// A message in a group: only commands addressed to the bot count. For
/// `/stop` and `/lang`, Telegram is asked first whether the member is an
/// admin.
pub async fn on_message(app: &Arc<App>, update: &Received, msg: Message) -> anyhow::Result<()> {
    let action = action_of(msg.text(), &app.username);
    let Some(user) = msg.from.as_ref().filter(|_| action != Action::Other) else {
        return app.done(update).await;
    };
    let who = App::identity(user);
    let here = ChatRef {
        telegram_id: msg.chat.id.0,
        group: true,
        title: msg.chat.title().map(str::to_owned),
    };
    let origin = (here.telegram_id, i64::from(msg.id.0));
    // An anonymous admin speaks as the group itself.
    let is_admin = action.needs_admin()
        && (msg
            .sender_chat
            .as_ref()
            .is_some_and(|c| c.id == msg.chat.id)
            || is_admin(app, here.telegram_id, user.id.0).await?);
    let round_seconds = app.round_seconds;
    let app2 = app.clone();
    let bot = app.username.clone();
    app.commit(update, move |conn, now| {
        let reply = app2.service.group(
            conn,
            now,
            &who,
            &here,
            origin,
            action.clone(),
            is_admin,
            round_seconds,
        )?;
        Ok(((), render::group_reply(here.telegram_id, &reply, &bot)))
    })
    .await
    .map(drop)
}

/// Whether a member is an administrator of a chat, asked of Telegram (three
/// tries; then the update fails, is tried again, and at worst gets an
/// apology: an admin is never told they are not one).
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
        let closed = app2
            .service
            .close_round(conn, now, RoundRef::Poll(&poll_id))?;
        Ok((
            (),
            closed.as_ref().map(render::after_round).unwrap_or_default(),
        ))
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
            .read(move |conn| rounds::poll_of(conn, served_id))
            .await;
        if let Ok(Some(poll)) = poll {
            app.score_votes(Some(poll)).await;
        }
        let app2 = app.clone();
        let closed = app
            .apply(move |conn, now| {
                let closed = app2
                    .service
                    .close_round(conn, now, RoundRef::Served(served_id))?;
                Ok((
                    (),
                    closed.as_ref().map(render::after_round).unwrap_or_default(),
                ))
            })
            .await;
        if let Err(e) = closed {
            tracing::error!(served_id, error = format!("{e:#}"), "cannot close a round");
        }
    });
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
