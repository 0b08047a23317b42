//! Inline claim checks (issue 14): `@bot` in any chat offers claims of the
//! newest article (or of what the query names); the message sent carries
//! «صحيح» / «خطأ» buttons that people who never wrote to the bot press; each
//! gets a private verdict with the quote, counted once per claim, and the
//! message shows how many checked and were right, its edits coalesced.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::bot::Running;
use crate::botapi::{BotApi, Call, Chat, User};
use crate::helpers::{query, query_with};

const SEED: &str = "putin-north-korea-visit";
const PARIS: &str = "trump-paris-climate-withdrawal";

/// Asks `@bot <text>` as `user` and returns the bot's answer.
async fn ask(api: &BotApi, user: &User, text: &str) -> Call {
    let mark = api.mark();
    api.inline_query(user, text);
    api.wait_for(mark, "the inline answer", |c| {
        c.method == "answerinlinequery"
    })
    .await
}

fn results(answer: &Call) -> Vec<Value> {
    answer.body["results"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The claim of an inline result, by its id.
fn claim_of(result: &Value) -> i64 {
    result["id"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .expect("a result's id is its claim's")
}

/// Presses a button of an inline message and returns the callback answer.
async fn press(api: &BotApi, user: &User, message: &str, data: &str) -> Call {
    let mark = api.mark();
    api.press_inline(user, message, data);
    api.wait_for(mark, "the verdict", |c| c.method == "answercallbackquery")
        .await
}

/// Waits for an edit of an inline message whose text holds `needle`.
async fn edit_with(api: &BotApi, after: usize, message: &str, needle: &str) -> Call {
    api.wait_for(after, needle, |c| {
        c.method == "editmessagetext"
            && c.body["inline_message_id"] == message
            && c.text().contains(needle)
    })
    .await
}

fn first_mark(text: &str) -> Option<char> {
    text.chars().find(|c| *c == '✅' || *c == '❌')
}

#[tokio::test]
async fn strangers_check_a_claim_once_each_privately_and_the_message_counts_them() {
    let bot = Running::start().await;
    let api = &bot.api;
    let (sharer, b, c) = (
        User::new(7001, "Sami", "ar"),
        User::new(7002, "Beth", "en"),
        User::new(7003, "Chadi", "ar"),
    );

    let answer = ask(api, &sharer, "").await;
    let offered = results(&answer);
    assert!(
        (3..=10).contains(&offered.len()),
        "a handful of claims: {}",
        answer.body
    );
    for r in &offered {
        let claim = claim_of(r);
        let article: String = query_with(
            &bot.db,
            "SELECT article FROM inline_claims WHERE id = ?1",
            [claim],
        );
        assert_eq!(article, SEED, "an empty query: the newest article");
        let text = r["input_message_content"]["message_text"]
            .as_str()
            .expect("a card");
        assert!(text.contains("صحيح أم خطأ"), "{text}");
        let labels: Vec<&str> = r["reply_markup"]["inline_keyboard"][0]
            .as_array()
            .expect("a row of buttons")
            .iter()
            .filter_map(|b| b["text"].as_str())
            .collect();
        assert_eq!(labels, ["صحيح", "خطأ"]);
        let data: Vec<String> = r["reply_markup"]["inline_keyboard"][0]
            .as_array()
            .expect("buttons")
            .iter()
            .filter_map(|b| b["callback_data"].as_str().map(str::to_owned))
            .collect();
        assert_eq!(data, [format!("c:{claim}:1"), format!("c:{claim}:0")]);
    }

    // The sharer sends the first claim; Telegram says so.
    let result = &offered[0];
    let claim = claim_of(result);
    let truth: bool = query_with(
        &bot.db,
        "SELECT truth FROM inline_claims WHERE id = ?1",
        [claim],
    );
    let quote: String = query_with(
        &bot.db,
        "SELECT quote FROM inline_claims WHERE id = ?1",
        [claim],
    );
    let message = api.choose_inline(&sharer, result, "", true);

    // Two strangers press: B says true, C says false. Each verdict is an
    // alert for them alone, with the start of the quote.
    let start = api.mark();
    let verdict_b = press(api, &b, &message, &format!("c:{claim}:1")).await;
    assert_eq!(verdict_b.body["show_alert"], true);
    let text_b = verdict_b.body["text"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        first_mark(&text_b),
        Some(if truth { '✅' } else { '❌' }),
        "{text_b}"
    );
    let quote_start: String = quote.chars().take(15).collect();
    assert!(text_b.contains(&quote_start), "{text_b} / {quote}");
    assert!(text_b.contains("claim is"), "in B's language: {text_b}");
    let verdict_c = press(api, &c, &message, &format!("c:{claim}:0")).await;
    let text_c = verdict_c.body["text"].as_str().unwrap_or_default();
    assert_eq!(
        first_mark(text_c),
        Some(if truth { '❌' } else { '✅' }),
        "{text_c}"
    );

    // B presses again, the other way: their first check stands.
    let again = press(api, &b, &message, &format!("c:{claim}:0")).await;
    let again_text = again.body["text"].as_str().unwrap_or_default();
    assert!(again_text.contains("before"), "{again_text}");
    assert_eq!(first_mark(again_text), first_mark(&text_b));
    let checked: i64 = query_with(
        &bot.db,
        "SELECT count(*) FROM inline_checks WHERE claim_id = ?1",
        [claim],
    );
    assert_eq!(checked, 2, "once per person");

    // The message shows two checks, one right, edited in place.
    let edit = edit_with(api, start, &message, "تحقّق 2").await;
    assert!(edit.text().contains("أصاب 1"), "{}", edit.text());
    assert!(
        api.inline_message(&message)["text"]
            .as_str()
            .unwrap_or_default()
            .contains("تحقّق 2")
    );
    assert_eq!(edit.buttons().len(), 2, "the buttons stay");

    // Nobody was written to: they never started the bot.
    assert!(
        api.calls_to("sendMessage").is_empty(),
        "{}",
        api.transcript()
    );

    // B forgets: their check goes and the message counts one.
    let mark = api.mark();
    api.message(&Chat::private(&b), &b, "/forget");
    let ask_forget = api
        .wait_for(mark, "the confirmation", |c| c.method == "sendmessage")
        .await;
    let yes = ask_forget.buttons()[0].clone();
    api.press(&b, &ask_forget, &yes);
    edit_with(api, mark, &message, "تحقّق 1").await;
    let left: i64 = query(
        &bot.db,
        "SELECT count(*) FROM inline_checks WHERE user_id = 7002",
    );
    assert_eq!(left, 0);

    api.assert_valid();
    assert!(api.refused().is_empty(), "{:?}", api.refused());
}

#[tokio::test]
async fn a_query_picks_its_article_or_what_it_mentions_and_a_forged_claim_is_refused() {
    let bot = Running::start().await;
    let api = &bot.api;
    let user = User::new(7101, "Lina", "en");

    for query in ["باريس", "paris", PARIS] {
        let answer = ask(api, &user, query).await;
        let offered = results(&answer);
        assert!(!offered.is_empty(), "{query}: {}", answer.body);
        for r in &offered {
            let article: String = query_with(
                &bot.db,
                "SELECT article FROM inline_claims WHERE id = ?1",
                [claim_of(r)],
            );
            assert_eq!(article, PARIS, "{query}");
            let description = r["description"].as_str().unwrap_or_default();
            assert!(description.contains("true or false"), "{description}");
        }
    }

    let nothing = ask(api, &user, "zzzz no such thing").await;
    assert!(results(&nothing).is_empty(), "{}", nothing.body);

    // A press on a claim the bot never offered: a notice, nothing kept.
    let answer = press(api, &user, "AAE-forged", "c:999999:1").await;
    let text = answer.body["text"].as_str().unwrap_or_default();
    assert!(text.contains("no longer available"), "{text}");
    let kept: i64 = query(&bot.db, "SELECT count(*) FROM inline_checks");
    assert_eq!(kept, 0);
    api.assert_valid();
}

#[tokio::test]
async fn a_burst_of_presses_comes_to_few_edits_of_the_message() {
    let bot = Running::start().await;
    let api = &bot.api;
    let sharer = User::new(7201, "Rami", "ar");
    let answer = ask(api, &sharer, "").await;
    let result = results(&answer).into_iter().next().expect("a claim");
    let claim = claim_of(&result);
    // Without inline feedback: the bot learns of the message from a press.
    let message = api.choose_inline(&sharer, &result, "", false);

    let start = api.mark();
    const PRESSES: u64 = 30;
    // In waves over a few seconds: each wave would be an edit of its own.
    for i in 0..PRESSES {
        let user = User::new(8000 + i, "Player", "ar");
        api.press_inline(&user, &message, &format!("c:{claim}:{}", i % 2));
        if i % 5 == 4 {
            tokio::time::sleep(Duration::from_millis(700)).await;
        }
    }
    edit_with(api, start, &message, &format!("تحقّق {PRESSES}")).await;
    let verdicts = api.calls_to("answerCallbackQuery");
    assert_eq!(verdicts.len() as u64, PRESSES, "every press answered");

    let edits: Vec<Instant> = api
        .calls_to("editMessageText")
        .into_iter()
        .filter(|c| c.body["inline_message_id"] == message.as_str())
        .map(|c| c.at)
        .collect();
    eprintln!(
        "{PRESSES} presses in waves: {} edits of the message",
        edits.len()
    );
    assert!(
        edits.len() < 10,
        "{} presses came to {} edits",
        PRESSES,
        edits.len()
    );
    // Edits of one message are a few seconds apart (bounded generously).
    for pair in edits.windows(2) {
        assert!(
            pair[1] - pair[0] >= Duration::from_secs(2),
            "two edits {:?} apart",
            pair[1] - pair[0]
        );
    }
    api.assert_valid();
}
