//! Private chats: commands, answer buttons, and the hint for anything else.

use std::sync::Arc;

use anyhow::Context;
use teloxide::prelude::*;
use teloxide::types::{ChatId, ParseMode};

use super::callback::AnswerButton;
use super::commands::{self, Command};
use super::{App, TgBot, render, send};
use crate::i18n::Lang;
use crate::service::{AnswerOutcome, ChatRef, Period, Player, Scope, Step};

/// A command in a private chat.
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
        Command::Start => {
            let welcome = lang.pick(
                "👋 أهلاً بك في <b>factquiz</b>: اختبارات من الأخبار، وكل إجابة مثبتة باقتباس حرفي من المقال.",
                "👋 Welcome to <b>factquiz</b>: quizzes from the news, every answer proven by a verbatim quote from the article.",
            );
            let text = format!(
                "{welcome}\n\n{}",
                teloxide::utils::html::escape(&commands::help(lang))
            );
            reply(&bot, chat, text).await?;
        }
        Command::Help => {
            reply(
                &bot,
                chat,
                teloxide::utils::html::escape(&commands::help(lang)),
            )
            .await?
        }
        Command::Quiz(arg) => {
            let Ok(n) = commands::quiz_size(&arg) else {
                return reply(&bot, chat, lang.quiz_size_hint().to_owned()).await;
            };
            let here = ChatRef {
                telegram_id: chat.0,
                group: false,
                title: None,
            };
            let origin = Some((chat.0, i64::from(msg.id.0)));
            let (quiz_id, replaced) = app
                .service
                .start_solo(player.id, Some(&here), n, origin)
                .await?;
            if replaced.is_some() {
                let text = lang.pick(
                    "⏹ أوقفنا اختبارك السابق (احتُفظ بإجاباتك) وبدأنا اختباراً جديداً.",
                    "⏹ Your previous quiz was stopped (answers kept); here is a new one.",
                );
                reply(&bot, chat, text.to_owned()).await?;
            }
            advance(&bot, &app, chat, quiz_id, &player).await?;
        }
        Command::Me => {
            let stats = app.service.stats(player.id).await?;
            reply(&bot, chat, render::stats(lang, &stats)).await?;
        }
        Command::Top => {
            let board = app
                .service
                .leaderboard(Scope::Global, Period::AllTime, 10, Some(player.id))
                .await?;
            let text = render::leaderboard(
                lang,
                lang.leaderboard_title(false, false),
                &board,
                Some(player.id),
            );
            reply(&bot, chat, text).await?;
        }
        Command::Stop => match app.service.stop(player.id).await? {
            Some(summary) => reply(&bot, chat, render::summary(lang, &summary)).await?,
            None => {
                let text = lang.pick(
                    "لا يوجد اختبار جارٍ. اكتب /quiz لتبدأ.",
                    "No quiz is running. Send /quiz to start one.",
                );
                reply(&bot, chat, text.to_owned()).await?;
            }
        },
        Command::Lang(arg) => match Lang::parse(&arg) {
            Some(chosen) => {
                app.choose_lang(user.id.0, player.id, chosen).await?;
                reply(&bot, chat, chosen.lang_set().to_owned()).await?;
            }
            None => {
                let text = lang.pick(
                    "اكتب /lang ar للعربية أو /lang en للإنجليزية.",
                    "Send /lang ar for Arabic or /lang en for English.",
                );
                reply(&bot, chat, text.to_owned()).await?;
            }
        },
    }
    Ok(())
}

/// Anything else in a private chat: a one-line hint.
pub async fn on_other(bot: TgBot, app: Arc<App>, msg: Message) -> anyhow::Result<()> {
    let lang = match msg.from.as_ref() {
        Some(user) => app.player(user).await?.lang,
        None => Lang::Ar,
    };
    let text = lang.pick(
        "💡 اكتب /quiz لبدء اختبار، أو /help لقائمة الأوامر.",
        "💡 Send /quiz to start a quiz, or /help for the commands.",
    );
    reply(&bot, msg.chat.id, text.to_owned()).await
}

/// A press on an answer button. The callback is always answered; the card,
/// the score and the next question follow only a recorded answer.
pub async fn on_callback(bot: TgBot, app: Arc<App>, q: CallbackQuery) -> anyhow::Result<()> {
    let player = app.player(&q.from).await?;
    let lang = player.lang;
    let stale = lang.pick("هذا الزر لم يعد صالحاً.", "This button is no longer valid.");
    let Some(button) = q.data.as_deref().and_then(AnswerButton::parse) else {
        return notice(&bot, &q, stale).await;
    };
    let outcome = app
        .service
        .answer(button.served_id, player.id, button.choice)
        .await?;
    match outcome {
        AnswerOutcome::Recorded(r) => {
            app.metrics.answers_recorded.inc();
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
            notice(&bot, &q, &short).await?;
            let card = render::answer_card(lang, &r, &app.service.article(&r.question.article));
            // The question message becomes the answer card; if it cannot be
            // reached (too old, deleted), the card comes as a new message.
            let edited = match q.regular_message() {
                Some(m) => send::edited(
                    send::retrying(|| {
                        bot.edit_message_text(m.chat.id, m.id, card.clone())
                            .parse_mode(ParseMode::Html)
                            .send()
                    })
                    .await,
                )
                .map_err(|e| tracing::warn!(error = %e, "the answer card could not replace the question"))
                .is_ok(),
                None => false,
            };
            let chat = chat_of(&q);
            if !edited {
                reply(&bot, chat, card).await?;
            }
            show(&bot, &app, chat, &player, r.next).await
        }
        AnswerOutcome::AlreadyAnswered { quiz_id } => {
            notice(
                &bot,
                &q,
                lang.pick(
                    "لقد أجبت عن هذا السؤال.",
                    "You have answered this question.",
                ),
            )
            .await?;
            // A delivery repeated after a crash: show the next question if
            // it never reached the chat.
            advance(&bot, &app, chat_of(&q), quiz_id, &player).await
        }
        AnswerOutcome::NotYours => {
            notice(
                &bot,
                &q,
                lang.pick("هذا السؤال ليس لك.", "This question is not yours."),
            )
            .await
        }
        AnswerOutcome::QuizOver => {
            let text = lang.pick(
                "انتهى هذا الاختبار. اكتب /quiz لاختبار جديد.",
                "This quiz is over. Send /quiz for a new one.",
            );
            notice(&bot, &q, text).await
        }
        AnswerOutcome::Unknown | AnswerOutcome::InvalidChoice => notice(&bot, &q, stale).await,
    }
}

/// Shows the quiz's current question if it is not on screen yet, or the
/// final score if the quiz just ended.
async fn advance(
    bot: &TgBot,
    app: &App,
    chat: ChatId,
    quiz_id: i64,
    player: &Player,
) -> anyhow::Result<()> {
    let step = app.service.next(quiz_id, player.id).await?;
    show(bot, app, chat, player, step).await
}

/// Sends a step of a quiz: a question not on screen yet (its message id is
/// then saved), or the final score of a quiz that just ended.
async fn show(
    bot: &TgBot,
    app: &App,
    chat: ChatId,
    player: &Player,
    step: Step,
) -> anyhow::Result<()> {
    match step {
        Step::Ask(asked) => {
            if asked.message_id.is_some() {
                return Ok(());
            }
            let (text, keyboard) = render::question(player.lang, &asked);
            let sent = bot
                .send_message(chat, text)
                .parse_mode(ParseMode::Html)
                .reply_markup(keyboard)
                .await
                .context("cannot send the question")?;
            app.service
                .set_message(asked.served_id, i64::from(sent.id.0), None)
                .await
        }
        Step::Over(summary) if summary.ended_now => {
            reply(bot, chat, render::summary(player.lang, &summary)).await
        }
        Step::Over(_) => Ok(()),
    }
}

/// Where to answer a callback: the chat of its message, or the user.
fn chat_of(q: &CallbackQuery) -> ChatId {
    q.message.as_ref().map_or(
        ChatId(i64::try_from(q.from.id.0).unwrap_or_default()),
        |m| m.chat().id,
    )
}

async fn notice(bot: &TgBot, q: &CallbackQuery, text: &str) -> anyhow::Result<()> {
    let text = render::cut(text, render::MAX_CALLBACK_TEXT);
    send::retrying(|| {
        bot.answer_callback_query(q.id.clone())
            .text(text.clone())
            .send()
    })
    .await
    .context("cannot answer the button press")?;
    Ok(())
}

/// Sends an HTML message to a chat.
pub(super) async fn reply(bot: &TgBot, chat: ChatId, text: String) -> anyhow::Result<()> {
    bot.send_message(chat, text)
        .parse_mode(ParseMode::Html)
        .await
        .context("cannot send a message")?;
    Ok(())
}
