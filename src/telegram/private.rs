//! Private chats: commands, answer buttons, and the hint for anything else.
//!
//! A solo quiz is one message: each answer edits it into the answer card
//! followed by the next question (or the final score), so an answer costs
//! one message, and the press gets its short answer (✅/❌) at once.

use std::sync::Arc;

use teloxide::types::{CallbackQuery, Message};
use teloxide::utils::command::BotCommands;
use teloxide::utils::html::escape;

use super::callback::AnswerButton;
use super::commands::{self, Command};
use super::dispatch::Received;
use super::request::Request;
use super::{App, render};
use crate::i18n::Lang;
use crate::service::{self, AnswerOutcome, ChatRef, Period, Scope, Step, boards, solo};
use crate::store;

/// A message in a private chat: a command, or anything else (a hint).
pub async fn on_message(app: &Arc<App>, update: &Received, msg: Message) -> anyhow::Result<()> {
    let Some(user) = msg.from.as_ref() else {
        return app.done(update).await;
    };
    let who = App::identity(user);
    let chat = msg.chat.id.0;
    let origin = (chat, i64::from(msg.id.0));
    let command = msg
        .text()
        .and_then(|t| Command::parse(t, &app.username).ok());
    // The questions of a quiz are drawn before the transaction.
    let plan = match &command {
        Some(Command::Quiz(arg)) => commands::quiz_size(arg).ok().map(|n| app.service.plan(n)),
        _ => None,
    };
    app.commit(update, move |conn, now| {
        let player = service::enter(conn, &who, now)?;
        let lang = player.lang;
        let say = |text: String| vec![Request::message(chat, text, None)];
        let requests = match command {
            None => say(lang.hint().to_owned()),
            Some(Command::Start) => say(format!(
                "{}\n\n{}",
                lang.welcome(),
                escape(&commands::help(lang))
            )),
            Some(Command::Help) => say(escape(&commands::help(lang))),
            Some(Command::Quiz(_)) => match plan {
                None => say(lang.quiz_size_hint().to_owned()),
                Some(plan) => {
                    let here = ChatRef {
                        telegram_id: chat,
                        group: false,
                        title: None,
                    };
                    let started =
                        solo::start(conn, now, player.id, Some(&here), &plan, Some(origin))?;
                    if !started.fresh {
                        // The same /quiz delivered again: its quiz is on screen.
                        Vec::new()
                    } else {
                        match solo::next(conn, now, started.quiz_id, player.id)? {
                            Step::Ask(asked) => {
                                let (mut text, keyboard) = render::question(lang, &asked);
                                if started.replaced.is_some() {
                                    text = format!("{}\n\n{text}", lang.previous_quiz_stopped());
                                }
                                vec![Request::message(chat, text, Some(keyboard))]
                            }
                            Step::Over(_) => Vec::new(),
                        }
                    }
                }
            },
            Some(Command::Me) => say(render::stats(lang, &boards::stats(conn, player.id)?)),
            Some(Command::Top) => {
                let board = boards::leaderboard(
                    conn,
                    now,
                    Scope::Global,
                    Period::AllTime,
                    10,
                    Some(player.id),
                )?;
                say(render::leaderboard(
                    lang,
                    lang.leaderboard_title(false, false),
                    &board,
                    Some(player.id),
                ))
            }
            Some(Command::Stop) => match solo::stop(conn, now, player.id)? {
                Some(summary) => say(render::summary(lang, &summary)),
                None => say(lang.no_quiz_running().to_owned()),
            },
            Some(Command::Lang(arg)) => match Lang::parse(&arg) {
                Some(chosen) => {
                    store::choose_lang(conn, player.id, chosen.code())?;
                    say(chosen.lang_set().to_owned())
                }
                None => say(lang.lang_usage().to_owned()),
            },
        };
        Ok(((), requests))
    })
    .await
    .map(drop)
}

/// A press on an answer button. The press is answered once the answer is
/// committed; the card and the next question come in one edit.
pub async fn on_press(app: &Arc<App>, update: &Received, q: CallbackQuery) -> anyhow::Result<()> {
    let who = App::identity(&q.from);
    let button = q.data.as_deref().and_then(AnswerButton::parse);
    let chat = chat_of(&q);
    let message_id = q.message.as_ref().map(|m| m.id().0);
    let at = update.received_at;
    let app2 = app.clone();
    let Some((notice, recorded)) = app
        .commit(update, move |conn, now| {
            let player = service::enter(conn, &who, now)?;
            let lang = player.lang;
            let Some(button) = button else {
                return Ok(((lang.stale_button().to_owned(), false), Vec::new()));
            };
            let outcome = solo::answer(conn, at, button.served_id, player.id, button.choice)?;
            Ok(match outcome {
                AnswerOutcome::Recorded(r) => {
                    let short = if r.correct {
                        lang.right(r.points)
                    } else {
                        format!(
                            "{} {} {}",
                            lang.wrong(),
                            lang.right_answer(),
                            r.question.answer()
                        )
                    };
                    let article = app2.service.article(&r.question.article);
                    let (text, keyboard) = render::answer_and_next(lang, &r, &article);
                    let request = match message_id {
                        Some(id) => Request::edit(chat, id, text, keyboard),
                        None => Request::message(chat, text, keyboard),
                    };
                    ((short, true), vec![request])
                }
                AnswerOutcome::AlreadyAnswered { .. } => {
                    ((lang.already_answered().to_owned(), false), Vec::new())
                }
                AnswerOutcome::NotYours => ((lang.not_yours().to_owned(), false), Vec::new()),
                AnswerOutcome::QuizOver => ((lang.quiz_over().to_owned(), false), Vec::new()),
                AnswerOutcome::Unknown | AnswerOutcome::InvalidChoice => {
                    ((lang.stale_button().to_owned(), false), Vec::new())
                }
            })
        })
        .await?
    else {
        return Ok(());
    };
    if recorded {
        app.metrics.answers_recorded.inc();
    }
    app.answer_press(&q.id, update.received_at, &notice).await;
    Ok(())
}

/// Where to answer a callback: the chat of its message, or the user.
fn chat_of(q: &CallbackQuery) -> i64 {
    q.message
        .as_ref()
        .map_or(i64::try_from(q.from.id.0).unwrap_or_default(), |m| {
            m.chat().id.0
        })
}
