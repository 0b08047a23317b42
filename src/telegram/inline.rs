//! Inline mode: `@bot` in any chat offers claim checks; the message sent
//! carries «صحيح» / «خطأ» buttons that anyone may press, whether or not
//! they ever wrote to the bot (the press names the message by its
//! `inline_message_id`, not by a chat). The verdict comes privately, as
//! the press's answer; the message's counts are edited by a job of their
//! own ([`super::App::edit_claim_cards`]), coalesced.

use std::sync::Arc;

use teloxide::types::{CallbackQuery, ChosenInlineResult, InlineQuery};

use super::callback::ClaimButton;
use super::dispatch::Received;
use super::{App, render};
use crate::i18n::Lang;

/// An inline query: the claims it asks for, kept, then offered.
pub async fn on_query(app: &Arc<App>, update: &Received, q: InlineQuery) -> anyhow::Result<()> {
    let lang = Lang::from_code(q.from.language_code.as_deref().unwrap_or(""));
    let app2 = app.clone();
    let query = q.query.clone();
    let offered = app
        .commit(update, move |conn, now| {
            Ok((app2.service.offer_claims(conn, now, &query)?, Vec::new()))
        })
        .await?;
    if let Some(offered) = offered {
        app.answer_inline(
            &q.id,
            update.received_at,
            render::inline_results(lang, &offered),
        )
        .await;
    }
    Ok(())
}

/// A claim was sent (Telegram says so when inline feedback is on): its
/// message is noted, to show the counts when they change.
pub async fn on_chosen(
    app: &Arc<App>,
    update: &Received,
    r: ChosenInlineResult,
) -> anyhow::Result<()> {
    let (Ok(claim_id), Some(message)) = (r.result_id.parse::<i64>(), r.inline_message_id) else {
        return app.done(update).await;
    };
    let app2 = app.clone();
    app.commit(update, move |conn, _| {
        app2.service.claim_sent(conn, claim_id, &message)?;
        Ok(((), Vec::new()))
    })
    .await
    .map(drop)
}

/// A press on a claim's button: the check is recorded (once per person)
/// and the verdict, with the quote, comes back as an alert only the
/// presser sees.
pub async fn on_press(
    app: &Arc<App>,
    update: &Received,
    q: CallbackQuery,
    button: ClaimButton,
) -> anyhow::Result<()> {
    let lang = Lang::from_code(q.from.language_code.as_deref().unwrap_or(""));
    let user = i64::try_from(q.from.id.0).unwrap_or(i64::MAX);
    let message = q.inline_message_id.clone();
    let app2 = app.clone();
    let checked = app
        .commit(update, move |conn, now| {
            let check = app2.service.check_claim(
                conn,
                now,
                user,
                button.claim_id,
                button.says_true,
                message.as_deref(),
            )?;
            Ok((check, Vec::new()))
        })
        .await?;
    if let Some(check) = checked {
        if matches!(
            check,
            crate::service::inline::ClaimCheck::Checked { first: true, .. }
        ) {
            app.metrics.answers_recorded.inc();
        }
        let text = render::claim_verdict(lang, &check, &app.username);
        app.answer_press(&q.id, update.received_at, &text, true)
            .await;
    }
    Ok(())
}
