//! The three stages apart: a chat that floods the bot, or whose messages
//! Telegram holds back with 429, delays only itself; the flooder still gets
//! its replies, in order and paced.

use std::time::Duration;

use factquiz::config::SendLimits;

use crate::bot::{Running, question, right_option_in};
use crate::botapi::{BotApi, Chat, User};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_and_a_throttled_chat_delay_only_themselves() {
    let bot = Running::start_with(BotApi::start().await, SendLimits::Telegram, 30, None).await;
    let api = bot.api.clone();
    // A chat whose every message Telegram answers with 429 for 30 s.
    let stuck = User::new(60_001, "Stuck", "ar");
    api.throttle_chat(60_001, 30);
    api.message(&Chat::private(&stuck), &stuck, "/help");
    // A chat that sends 60 messages at once; its replies say which was which
    // (English, Arabic, English…).
    let flooder = User::new(60_002, "Flood", "ar");
    for i in 0..60 {
        let lang = if i % 2 == 0 { "en" } else { "ar" };
        api.message(&Chat::private(&flooder), &flooder, &format!("/lang {lang}"));
    }
    // Meanwhile five players go through a quiz of three.
    let mut players = Vec::new();
    for i in 0..5 {
        let api = api.clone();
        let db = bot.db.clone();
        players.push(tokio::spawn(async move {
            let user = User::new(61_000 + i, "p", "ar");
            let chat = Chat::private(&user);
            let mark = api.mark();
            api.message(&chat, &user, "/quiz 3");
            let mut q = question(&api, mark, chat.id).await;
            let mut slowest = Duration::ZERO;
            for _ in 0..3 {
                let right = right_option_in(&db, &q);
                let after = api.mark();
                let update = api.press(&user, &q, &q.buttons()[right]);
                let card = api
                    .wait_for(after, "the card", |c| {
                        c.method == "editmessagetext" && c.chat() == chat.id
                    })
                    .await;
                let pressed = api.delivered_at(update).expect("delivered");
                slowest = slowest.max(card.at.duration_since(pressed));
                q = card;
            }
            slowest
        }));
    }
    for p in players {
        let slowest = p.await.expect("a player finished");
        // Generous: unthrottled, a press's card comes in milliseconds; behind
        // the flood it would wait a second per flood message.
        assert!(
            slowest < Duration::from_secs(5),
            "a press waited {slowest:?} for its card"
        );
    }
    // The flooder's replies: in order, a second apart.
    let mut after = 0;
    let mut replies = Vec::new();
    for n in 0..4 {
        let r = api
            .wait_for(after, &format!("reply {n} to the flood"), |c| {
                c.method == "sendmessage" && c.chat() == 60_002
            })
            .await;
        after = r.seq + 1;
        replies.push(r);
    }
    for (i, r) in replies.iter().enumerate() {
        let english = r.text().contains("English");
        assert_eq!(english, i % 2 == 0, "reply {i} out of order: {}", r.text());
    }
    for pair in replies.windows(2) {
        let gap = pair[1].at.duration_since(pair[0].at);
        assert!(
            gap >= Duration::from_millis(900),
            "two replies {gap:?} apart"
        );
    }
    // The throttled chat got nothing through, and was not given up.
    assert!(
        api.calls_to("sendmessage")
            .iter()
            .filter(|c| c.chat() == 60_001)
            .count()
            <= 2,
        "its retries wait for retry_after"
    );
    api.assert_valid();
    bot.stop().await;
}

/// The loopback server refuses a late answer to a press, as Telegram does
/// (the crash tests rely on it to catch late answers).
#[tokio::test]
async fn the_test_server_refuses_a_callback_answered_after_the_deadline() {
    let api = BotApi::start().await;
    api.set_callback_deadline(Duration::from_millis(200));
    let user = User::new(62_000, "p", "ar");
    let chat = Chat::private(&user);
    let http = reqwest::Client::new();
    let answer = |id: String| {
        let http = http.clone();
        let url = format!(
            "{}/bot{}/answerCallbackQuery",
            api.url,
            crate::botapi::TOKEN
        );
        async move {
            http.post(url)
                .header("content-type", "application/json")
                .body(serde_json::json!({"callback_query_id": id}).to_string())
                .send()
                .await
                .expect("the server answers")
                .status()
                .as_u16()
        }
    };
    api.press_raw(&user, &chat, 1, "a:1:0");
    let id = api.last_callback_id().expect("a press");
    assert_eq!(answer(id).await, 200, "in time");
    api.press_raw(&user, &chat, 1, "a:1:0");
    let id = api.last_callback_id().expect("a press");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(answer(id.clone()).await, 400, "too late");
    assert!(api.refused().iter().any(|r| r.contains(&id)));
}
