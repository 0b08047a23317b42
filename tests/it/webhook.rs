//! Webhook mode (issue 15): the bot sets its webhook with a secret token
//! and serves the updates the loopback Bot API server posts, like Telegram:
//! 200 only once an update is kept, 401 for a post without the secret (not
//! kept), 413 for an oversized body, a repeated delivery kept once; going
//! back to long polling deletes the webhook.

use std::sync::Arc;

use factquiz::config::{SendLimits, Webhook};
use serde_json::json;

use crate::bot::{Running, config};
use crate::botapi::{BOT_USERNAME, BotApi, Chat, User};
use crate::helpers::query;

const SECRET: &str = "loopback-secret_42";

/// A free loopback port (bound, then let go).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Starts the bot in webhook mode on a new server and database.
async fn start_webhook() -> (Running, Arc<tempfile::TempDir>) {
    let api = Arc::new(BotApi::start().await);
    let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
    let db = crate::helpers::TestDb::fresh(dir.path(), "bot.db");
    let port = free_port();
    let mut settings = config(&api, SendLimits::Off, 30, None);
    settings.webhook = Some(Webhook {
        url: url::Url::parse(&format!("http://127.0.0.1:{port}/telegram/hook")).expect("url"),
        listen: format!("127.0.0.1:{port}"),
        secret: factquiz::config::Secret::new(SECRET),
    });
    let bot = Running::start_configured(api, db, dir.clone(), settings).await;
    // The webhook is set once the bot is ready to keep what is posted.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while bot.api.webhook().is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "the webhook is never set"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    (bot, dir)
}

#[tokio::test]
async fn updates_posted_with_the_secret_are_served_and_nothing_polls() {
    let (bot, _dir) = start_webhook().await;
    let api = &bot.api;
    let set = api.calls_to("setWebhook");
    assert_eq!(set.len(), 1);
    let body = &set[0].body;
    assert_eq!(body["secret_token"], SECRET);
    assert!(
        body["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("/telegram/hook"))
    );
    let kinds: Vec<&str> = body["allowed_updates"]
        .as_array()
        .expect("allowed_updates")
        .iter()
        .filter_map(|k| k.as_str())
        .collect();
    for kind in ["message", "callback_query", "poll_answer", "inline_query"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }

    // A private quiz, answered through the webhook.
    let user = User::new(9101, "Wafa", "ar");
    let chat = Chat::private(&user);
    let mark = api.mark();
    api.message(&chat, &user, "/quiz 2");
    let q = crate::bot::question(api, mark, chat.id).await;
    let choice = crate::bot::right_option(&bot, &q);
    let (answer, _) = crate::bot::press(api, &user, &q, choice).await;
    assert!(
        answer.body["text"]
            .as_str()
            .is_some_and(|t| t.contains('✅'))
    );
    assert!(
        api.calls_to("getUpdates").is_empty(),
        "webhook mode never polls"
    );
    assert!(
        api.webhook_posts().iter().all(|(_, status)| *status == 200),
        "{:?}",
        api.webhook_posts()
    );
    api.assert_valid();
}

#[tokio::test]
async fn a_post_without_the_secret_or_too_big_or_repeated_is_refused_or_kept_once() {
    let (bot, _dir) = start_webhook().await;
    let api = &bot.api;
    let user = User::new(9201, "Omar", "en");
    let update = |id: u64| {
        serde_json::to_vec(&json!({
            "update_id": id,
            "message": {
                "message_id": 5, "date": 0, "text": "/start",
                "chat": {"id": 9201, "type": "private", "first_name": "Omar"},
                "from": user.json(),
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            }
        }))
        .expect("json")
    };

    // Not Telegram's: no secret, a wrong one, one of another length.
    assert_eq!(api.post_to_webhook(update(900), None).await, 401);
    assert_eq!(
        api.post_to_webhook(update(900), Some("loopback-secret_43"))
            .await,
        401
    );
    assert_eq!(api.post_to_webhook(update(900), Some("x")).await, 401);
    // Telegram's secret, but not an update, or far too big.
    assert_eq!(
        api.post_to_webhook(b"{not json".to_vec(), Some(SECRET))
            .await,
        400
    );
    let huge = vec![b' '; factquiz::telegram::webhook::MAX_BODY + 1];
    assert_eq!(api.post_to_webhook(huge, Some(SECRET)).await, 413);
    let seen: i64 = query(&bot.db, "SELECT count(*) FROM pushed_updates");
    let inbox: i64 = query(&bot.db, "SELECT count(*) FROM inbox");
    assert_eq!((seen, inbox), (0, 0), "nothing refused is kept");

    // The same update posted twice (Telegram got no 200 the first time):
    // both answered 200, handled once.
    let mark = api.mark();
    assert_eq!(api.post_to_webhook(update(901), Some(SECRET)).await, 200);
    assert_eq!(api.post_to_webhook(update(901), Some(SECRET)).await, 200);
    api.wait_for(mark, "the welcome", |c| c.method == "sendmessage")
        .await;
    // A later update goes through the same lane: once it is answered, the
    // repeated one would have been too.
    assert_eq!(api.post_to_webhook(update(902), Some(SECRET)).await, 200);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while api.calls_to("sendMessage").len() < 2 {
        assert!(std::time::Instant::now() < deadline, "{}", api.transcript());
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        api.calls_to("sendMessage").len(),
        2,
        "901 once and 902: {}",
        api.transcript()
    );
    api.assert_valid();
}

/// Waits until `sql` (one count) reads `want`.
async fn until_count(bot: &Running, sql: &str, want: i64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let n: i64 = query(&bot.db, sql);
        if n == want {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{sql}: {n}, not {want}: {}",
            bot.api.transcript()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_vote_posted_again_after_it_was_scored_counts_once() {
    let (bot, _dir) = start_webhook().await;
    let api = &bot.api;
    let group = Chat::supergroup(-100_930);
    let member = User::new(9301, "Huda", "ar");
    let mark = api.mark();
    api.message(&group, &member, &format!("/quiz@{BOT_USERNAME} 1"));
    let poll = api
        .wait_for(mark, "a poll", |c| {
            c.method == "sendpoll" && c.chat() == group.id
        })
        .await;
    let vote = serde_json::to_vec(&json!({
        "update_id": 930_001,
        "poll_answer": {
            "poll_id": api.poll_id_of(&poll),
            "user": member.json(),
            "option_ids": [0],
        }
    }))
    .expect("json");
    assert_eq!(api.post_to_webhook(vote.clone(), Some(SECRET)).await, 200);
    // Scored while the round is open (the leader looks every second), and
    // taken out of the votes.
    until_count(&bot, "SELECT count(*) FROM answers", 1).await;
    until_count(&bot, "SELECT count(*) FROM votes", 0).await;
    // Telegram posts it again (it got no 200, say), twice: its id is
    // remembered, so it is not kept again.
    for _ in 0..2 {
        assert_eq!(api.post_to_webhook(vote.clone(), Some(SECRET)).await, 200);
    }
    let remembered: i64 = query(
        &bot.db,
        "SELECT count(*) FROM pushed_updates WHERE update_id = 930001",
    );
    let waiting: i64 = query(&bot.db, "SELECT count(*) FROM votes");
    assert_eq!((remembered, waiting), (1, 0));
    // Past the leader's next looks (every second) nothing more is scored.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let answers: i64 = query(&bot.db, "SELECT count(*) FROM answers");
    let answered: i64 = query(
        &bot.db,
        "SELECT s.answered FROM standings s JOIN players p ON p.id = s.player_id
         WHERE p.external_id = '9301' AND s.scope = 0 AND s.period = 0 AND s.article = ''",
    );
    assert_eq!((answers, answered), (1, 1), "{}", api.transcript());
}

#[tokio::test]
async fn going_back_to_long_polling_deletes_the_webhook() {
    let (bot, dir) = start_webhook().await;
    let db = bot.db.clone();
    let api = bot.stop().await;
    assert!(api.webhook().is_some());
    let bot = Running::restart(api, db, dir).await;
    let api = &bot.api;
    let user = User::new(9301, "Rim", "ar");
    let mark = api.mark();
    api.message(&Chat::private(&user), &user, "/start");
    api.wait_for(mark, "the welcome", |c| c.method == "sendmessage")
        .await;
    assert!(api.webhook().is_none(), "deleteWebhook was called");
    assert!(!api.calls_to("getUpdates").is_empty(), "and it polls");
}
