//! Private chats: commands, answer buttons, and the hint for anything else.
//!
//! A solo quiz is one message: each answer edits it into the answer card
//! followed by the next question (or the final score), so an answer costs
//! one message, and the press gets its short answer (✅/❌) at once.
//!
//! Each handler parses the update, makes one call to the service inside the
//! update's transaction, and renders the view it gets back.

use std::sync::Arc;

use teloxide::types::{CallbackQuery, Message};

use super::callback::{AnswerButton, ArticleButton, ClaimButton, ForgetButton};
use super::commands::action_of;
use super::dispatch::Received;
use super::{App, render};
use crate::service::{Action, DEFAULT_QUIZ, QuizAsk, Service};

/// A message in a private chat: a command, or anything else (a hint).
pub async fn on_message(app: &Arc<App>, update: &Received, msg: Message) -> anyhow::Result<()> {
    let Some(user) = msg.from.as_ref() else {
        return app.done(update).await;
    };
    let who = App::identity(user);
    let chat = msg.chat.id.0;
    let origin = (chat, Some(i64::from(msg.id.0)));
    let action = action_of(msg.text(), &app.username);
    let app2 = app.clone();
    let bot = app.username.clone();
    app.commit(update, move |conn, now| {
        let reply = app2
            .service
            .private(conn, now, &who, origin, action.clone())?;
        Ok(((), render::private_reply(chat, &reply, &bot)))
    })
    .await
    .map(drop)
}

/// A press on an answer button. The press is answered once the answer is
/// committed; the card and the next question come in one edit.
pub async fn on_press(app: &Arc<App>, update: &Received, q: CallbackQuery) -> anyhow::Result<()> {
    // A verdict on a claim sent inline.
    if let Some(button) = q.data.as_deref().and_then(ClaimButton::parse) {
        return super::inline::on_press(app, update, q, button).await;
    }
    let who = App::identity(&q.from);
    // An article of the catalogue: a quiz on it, as `/quiz <slug>` would.
    if let Some(article) = q.data.as_deref().and_then(ArticleButton::parse) {
        let chat = chat_of(&q);
        let action = Action::Quiz(Some(QuizAsk {
            n: DEFAULT_QUIZ,
            article: Some(article.slug),
        }));
        let app2 = app.clone();
        let bot = app.username.clone();
        return app
            .commit_press(update, &q.id, move |conn, now| {
                let reply = app2
                    .service
                    .private(conn, now, &who, (chat, None), action.clone())?;
                Ok((
                    (String::new(), false),
                    render::private_reply(chat, &reply, &bot),
                ))
            })
            .await;
    }
    // The answer to `/forget`'s question.
    if let Some(button) = q.data.as_deref().and_then(ForgetButton::parse) {
        let chat = chat_of(&q);
        let message_id = q.message.as_ref().map(|m| m.id().0);
        let app2 = app.clone();
        return app
            .commit_press(update, &q.id, move |conn, now| {
                let reply = app2
                    .service
                    .forget(conn, now, &who, button == ForgetButton::Yes)?;
                Ok((
                    (String::new(), false),
                    render::forget_answer(chat, message_id, &reply),
                ))
            })
            .await;
    }
    let button = q
        .data
        .as_deref()
        .and_then(AnswerButton::parse)
        .map(|b| (b.served_id, b.choice));
    let chat = chat_of(&q);
    let message_id = q.message.as_ref().map(|m| m.id().0);
    let at = update.received_at;
    let app2 = app.clone();
    let reader = who.clone();
    app.commit_press_read_ahead(
        update,
        &q.id,
        move |conn| Service::read_press(conn, &reader, button),
        move |conn, _, read| {
            let pressed = app2.service.press(conn, at, &who, button, read)?;
            let (notice, recorded, requests) = render::press(&pressed, chat, message_id);
            Ok(((notice, recorded), requests))
        },
    )
    .await
}

/// Where to answer a callback: the chat of its message, or the user.
fn chat_of(q: &CallbackQuery) -> i64 {
    q.message
        .as_ref()
        .map_or(i64::try_from(q.from.id.0).unwrap_or_default(), |m| {
            m.chat().id.0
        })
}
