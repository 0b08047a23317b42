//! The Telegram bot in private chats, end to end over HTTP: the real stages
//! and handlers against the loopback Bot API server.

use std::sync::Arc;
use std::time::Duration;

use factquiz::config::{BotConfig, Secret, SendLimits};
use factquiz::service::SystemClock;
use factquiz::store::Store;
use tokio_util::sync::CancellationToken;

use crate::botapi::{BotApi, Call, Chat, Failure, TOKEN, User};
use crate::helpers::service_on;

/// The bot running in this process against a loopback server.
pub struct Running {
    pub api: Arc<BotApi>,
    pub db: crate::helpers::TestDb,
    shutdown: CancellationToken,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _dir: Arc<tempfile::TempDir>,
}

pub fn config(
    api: &BotApi,
    limits: SendLimits,
    round_seconds: u32,
    metrics: Option<String>,
) -> BotConfig {
    BotConfig {
        token: Secret::new(TOKEN),
        api_url: Some(url::Url::parse(&api.url).expect("url")),
        round_seconds,
        send_limits: limits,
        metrics_addr: metrics,
        webhook: None,
    }
}

impl Running {
    pub async fn start() -> Running {
        Self::start_with(BotApi::start().await, SendLimits::Off, 30, None).await
    }

    pub async fn start_with(
        api: BotApi,
        limits: SendLimits,
        round_seconds: u32,
        metrics: Option<String>,
    ) -> Running {
        let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
        let db = crate::helpers::TestDb::fresh(dir.path(), "bot.db");
        Self::start_on(Arc::new(api), db, dir, limits, round_seconds, metrics).await
    }

    async fn start_on(
        api: Arc<BotApi>,
        db: crate::helpers::TestDb,
        dir: Arc<tempfile::TempDir>,
        limits: SendLimits,
        round_seconds: u32,
        metrics: Option<String>,
    ) -> Running {
        Self::start_clocked(
            api,
            db,
            dir,
            (limits, round_seconds, metrics),
            Arc::new(SystemClock),
        )
        .await
    }

    /// Starts on a clock of the test's (a manual one, for schedules).
    pub async fn start_clocked(
        api: Arc<BotApi>,
        db: crate::helpers::TestDb,
        dir: Arc<tempfile::TempDir>,
        (limits, round_seconds, metrics): (SendLimits, u32, Option<String>),
        clock: Arc<dyn factquiz::service::Clock>,
    ) -> Running {
        let config = config(&api, limits, round_seconds, metrics);
        Self::launch(api, db, dir, config, clock).await
    }

    /// Starts with these settings (webhook mode, say).
    pub async fn start_configured(
        api: Arc<BotApi>,
        db: crate::helpers::TestDb,
        dir: Arc<tempfile::TempDir>,
        config: BotConfig,
    ) -> Running {
        Self::launch(api, db, dir, config, Arc::new(SystemClock)).await
    }

    async fn launch(
        api: Arc<BotApi>,
        db: crate::helpers::TestDb,
        dir: Arc<tempfile::TempDir>,
        config: BotConfig,
        clock: Arc<dyn factquiz::service::Clock>,
    ) -> Running {
        let store = Store::open(db.url()).await.expect("store");
        let service = service_on(store, clock);
        if std::env::var_os("TEST_LOG").is_some() {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new("debug"))
                .with_test_writer()
                .try_init();
        }
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(factquiz::telegram::run(config, service, shutdown.clone()));
        Running {
            api,
            db,
            shutdown,
            task: Some(task),
            _dir: dir,
        }
    }

    /// Stops gracefully and waits for the bot to return.
    pub async fn stop(mut self) -> Arc<BotApi> {
        self.shutdown.cancel();
        let task = self.task.take().expect("running");
        tokio::time::timeout(Duration::from_secs(20), task)
            .await
            .expect("the bot stops in time")
            .expect("the task ends")
            .expect("the bot ends without error");
        self.api.clone()
    }

    /// Starts again on the same database and server.
    pub async fn restart(
        api: Arc<BotApi>,
        db: crate::helpers::TestDb,
        dir: Arc<tempfile::TempDir>,
    ) -> Running {
        Self::start_on(api, db, dir, SendLimits::Off, 30, None).await
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// The index of the right option of the question `message` shows (its
/// buttons name the served question).
pub fn right_option(bot: &Running, message: &Call) -> usize {
    right_option_in(&bot.db, message)
}

/// [`right_option`] for the bot's database at `db`.
pub fn right_option_in(db: &crate::helpers::TestDb, message: &Call) -> usize {
    let served = served_of(message);
    let correct: i64 =
        crate::helpers::query_with(db, "SELECT correct FROM served WHERE id = ?1", [served]);
    usize::try_from(correct).expect("index")
}

/// The served question whose buttons a message shows.
pub fn served_of(message: &Call) -> i64 {
    message.buttons()[0]
        .split(':')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("answer buttons name their question")
}

/// Waits for the next question shown to `chat` after `after`: a message
/// with buttons, or the quiz's message edited into the next question.
pub async fn question(api: &BotApi, after: usize, chat: i64) -> Call {
    api.wait_for(after, "a question", |c| {
        (c.method == "sendmessage" || c.method == "editmessagetext")
            && c.chat() == chat
            && !c.buttons().is_empty()
    })
    .await
}

/// Presses option `choice` of a question; returns the callback answer and the edit.
pub async fn press(api: &BotApi, user: &User, q: &Call, choice: usize) -> (Call, Call) {
    let after = api.mark();
    let data = &q.buttons()[choice];
    api.press(user, q, data);
    let answered = api
        .wait_for(after, "the callback answer", |c| {
            c.method == "answercallbackquery"
        })
        .await;
    let message_id = api.message_id_of(q);
    let edit = api
        .wait_for(after, "the answer card", |c| {
            c.method == "editmessagetext" && c.body["message_id"] == message_id
        })
        .await;
    (answered, edit)
}

fn first_verdict(text: &str) -> Option<char> {
    text.chars().find(|c| *c == '✅' || *c == '❌')
}

#[tokio::test]
async fn a_full_private_quiz_then_exact_stats() {
    let bot = Running::start().await;
    let api = &bot.api;
    let user = User::new(501, "Amal", "ar");
    let chat = Chat::private(&user);

    api.message(&chat, &user, "/start");
    let welcome = api
        .wait_for(0, "the welcome", |c| c.method == "sendmessage")
        .await;
    assert!(
        welcome.text().contains("factquiz") && welcome.text().contains("/quiz"),
        "{}",
        welcome.text()
    );

    let mark = api.mark();
    api.message(&chat, &user, "/quiz 3");
    let mut q = question(api, mark, chat.id).await;
    let (mut right, mut wrong) = (0, 0);
    for round in 0..3 {
        assert!(
            q.text().contains(&format!("السؤال {} من 3", round + 1)),
            "{}",
            q.text()
        );
        let correct = right_option(&bot, &q);
        let choice = if round == 1 {
            (correct + 1) % q.buttons().len()
        } else {
            correct
        };
        let (answered, card) = press(api, &user, &q, choice).await;
        let text = card.text();
        if choice == correct {
            right += 1;
            assert_eq!(first_verdict(text), Some('✅'), "{text}");
            assert!(
                answered.body["text"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with('✅')
            );
        } else {
            wrong += 1;
            assert_eq!(first_verdict(text), Some('❌'), "{text}");
        }
        assert!(
            text.contains("<blockquote>") && text.contains("</blockquote>"),
            "{text}"
        );
        assert!(
            text.contains("الفقرة"),
            "where the quote comes from: {text}"
        );
        if round < 2 {
            // The card and the next question are one edit of the quiz's
            // one message: the card first, then the question and its buttons.
            let next = format!("السؤال {} من 3", round + 2);
            let at = text
                .find(&next)
                .expect("the next question follows the card");
            assert!(text.find("<blockquote>").is_some_and(|b| b < at), "{text}");
            assert_ne!(served_of(&card), served_of(&q), "new buttons");
            q = card;
        } else {
            assert!(
                card.body.get("reply_markup").is_none(),
                "after the last answer the buttons are gone"
            );
            assert!(
                text.contains("🏁") && text.contains("الإجابات الصحيحة: 2 من 3"),
                "the final score ends the card: {text}"
            );
            assert!(text.contains("ترتيبك العام: 1 من 1"), "{text}");
        }
    }
    let sends = api
        .calls()
        .iter()
        .filter(|c| {
            c.chat() == chat.id && (c.method == "sendmessage" || c.method == "editmessagetext")
        })
        .count();
    assert_eq!(
        sends,
        1 + 1 + 3,
        "the welcome, the quiz message, one edit per answer"
    );
    assert_eq!((right, wrong), (2, 1));

    let mark = api.mark();
    api.message(&chat, &user, "/me");
    let me = api
        .wait_for(mark, "the stats", |c| {
            c.method == "sendmessage" && c.text().contains("إحصاءاتك")
        })
        .await;
    assert!(me.text().contains("الأسئلة المجاب عنها: 3"), "{}", me.text());
    assert!(me.text().contains("الإجابات الصحيحة: 2"), "{}", me.text());
    assert!(me.text().contains("الدقة: 67%"), "{}", me.text());
    assert!(me.text().contains("الترتيب: 1 / 1"), "{}", me.text());
    let menus = api.calls_to("setmycommands");
    assert_eq!(menus.len(), 2, "Arabic and English menus");
    assert!(menus.iter().any(|c| c.body["language_code"] == "en"));
    api.assert_valid();
    bot.stop().await;
}

#[tokio::test]
async fn a_double_tap_and_a_stale_button_change_nothing() {
    let bot = Running::start().await;
    let api = &bot.api;
    let user = User::new(502, "Omar", "ar");
    let chat = Chat::private(&user);
    let mark = api.mark();
    api.message(&chat, &user, "/quiz 2");
    let q = question(api, mark, chat.id).await;
    let correct = right_option(&bot, &q);
    let after = api.mark();
    // Two presses before the first is handled: the second is a double tap.
    api.press(&user, &q, &q.buttons()[correct]);
    api.press(&user, &q, &q.buttons()[(correct + 1) % q.buttons().len()]);
    let second = api
        .wait_for(after, "the second callback answer", |c| {
            c.method == "answercallbackquery"
                && c.body["text"].as_str().is_some_and(|t| t.contains("أجبت"))
        })
        .await;
    assert!(
        second.body["text"]
            .as_str()
            .unwrap_or_default()
            .contains("لقد أجبت عن هذا السؤال")
    );
    let q2 = question(api, after, chat.id).await;
    assert_eq!(
        api.calls_to("editmessagetext").len(),
        1,
        "one card for two presses"
    );

    // /stop, then a press on the question left on screen.
    let mark = api.mark();
    api.message(&chat, &user, "/stop");
    let stopped = api
        .wait_for(mark, "the stop", |c| c.method == "sendmessage")
        .await;
    assert!(
        stopped.text().contains("أُوقف الاختبار"),
        "{}",
        stopped.text()
    );
    assert!(
        stopped.text().contains("الإجابات الصحيحة: 1 من 1"),
        "{}",
        stopped.text()
    );
    let mark = api.mark();
    api.press(&user, &q2, &q2.buttons()[0]);
    let stale = api
        .wait_for(mark, "the stale notice", |c| {
            c.method == "answercallbackquery"
        })
        .await;
    assert!(
        stale.body["text"]
            .as_str()
            .unwrap_or_default()
            .contains("انتهى هذا الاختبار")
    );

    let answers: i64 = crate::helpers::query(&bot.db, "SELECT COUNT(*) FROM answers");
    assert_eq!(answers, 1);
    api.assert_valid();
    bot.stop().await;
}

#[tokio::test]
async fn forged_and_garbled_buttons_get_a_notice_and_change_nothing() {
    let bot = Running::start().await;
    let api = &bot.api;
    let owner = User::new(503, "Huda", "ar");
    let intruder = User::new(504, "Eve", "en");
    let mark = api.mark();
    api.message(&Chat::private(&owner), &owner, "/quiz 1");
    let q = question(api, mark, 503).await;
    let data = q.buttons()[0].clone();

    let served: i64 = data
        .split(':')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("served id");
    let owners_own_bad_choice = format!("a:{served}:9");
    for (user, raw, expected) in [
        (&intruder, data.as_str(), "This question is not yours."),
        (&intruder, "a:999999:1", "This button is no longer valid."),
        (&intruder, "garbage", "This button is no longer valid."),
        (
            &owner,
            owners_own_bad_choice.as_str(),
            "هذا الزر لم يعد صالحاً.",
        ),
    ] {
        let mark = api.mark();
        api.press_raw(user, &Chat::private(user), 77, raw);
        let notice = api
            .wait_for(mark, "a notice", |c| c.method == "answercallbackquery")
            .await;
        assert_eq!(notice.body["text"], expected, "{raw}");
    }
    let answers: i64 = crate::helpers::query(&bot.db, "SELECT COUNT(*) FROM answers");
    assert_eq!(answers, 0);
    assert!(api.calls_to("editmessagetext").is_empty());
    api.assert_valid();
    bot.stop().await;
}

#[tokio::test]
async fn a_429_on_send_message_is_waited_out_and_delivered() {
    let bot = Running::start().await;
    let api = &bot.api;
    let user = User::new(505, "Sami", "ar");
    api.fail_next("sendMessage", Failure::RetryAfter(1));
    let mark = api.mark();
    api.message(&Chat::private(&user), &user, "/help");
    let refused = api
        .wait_for(mark, "the refused message", |c| c.method == "sendmessage")
        .await;
    let sends = api
        .wait_for(refused.seq + 1, "the retried message", |c| {
            c.method == "sendmessage"
        })
        .await;
    assert_eq!(sends.body, refused.body, "the same message, sent again");
    let attempts = api.calls_to("sendmessage");
    assert_eq!(attempts.len(), 2, "one refused, one delivered");
    let waited = sends.at.duration_since(attempts[0].at);
    assert!(
        waited >= Duration::from_millis(900),
        "retry_after honoured: waited {waited:?}"
    );
    api.assert_valid();
    bot.stop().await;
}

#[tokio::test]
async fn get_updates_failures_are_retried() {
    let api = BotApi::start().await;
    api.fail_next("getUpdates", Failure::Status(500, "Internal Server Error"));
    api.fail_next("getUpdates", Failure::Drop);
    let bot = Running::start_with(api, SendLimits::Off, 30, None).await;
    let api = &bot.api;
    let user = User::new(506, "Nour", "ar");
    api.message(&Chat::private(&user), &user, "/help");
    let help = api
        .wait_for(0, "the help after two failed polls", |c| {
            c.method == "sendmessage"
        })
        .await;
    assert!(help.text().contains("/lang"));
    assert!(api.calls_to("getupdates").len() >= 3);
    bot.stop().await;
}

#[tokio::test]
async fn english_and_arabic_users_get_their_language_and_can_switch() {
    let bot = Running::start().await;
    let api = &bot.api;
    let ann = User::new(507, "Ann", "en-GB");
    let ali = User::new(508, "علي", "ar");
    let mark = api.mark();
    api.message(&Chat::private(&ann), &ann, "/quiz 1");
    let q = question(api, mark, 507).await;
    assert!(
        q.text().starts_with("<b>Question 1 of 1</b>"),
        "{}",
        q.text()
    );
    assert!(q.text().contains("<i>"), "the English gloss: {}", q.text());

    let mark = api.mark();
    api.message(&Chat::private(&ali), &ali, "hello");
    let hint = api
        .wait_for(mark, "a hint", |c| {
            c.method == "sendmessage" && c.chat() == 508
        })
        .await;
    assert!(hint.text().starts_with("💡 اكتب /quiz"), "{}", hint.text());
    assert_eq!(hint.text().lines().count(), 1, "one line");

    let mark = api.mark();
    api.message(&Chat::private(&ali), &ali, "/lang en");
    let switched = api
        .wait_for(mark, "the switch", |c| {
            c.method == "sendmessage" && c.chat() == 508
        })
        .await;
    assert!(switched.text().contains("English"), "{}", switched.text());
    let mark = api.mark();
    api.message(&Chat::private(&ali), &ali, "/me");
    let me = api
        .wait_for(mark, "stats", |c| {
            c.method == "sendmessage" && c.chat() == 508
        })
        .await;
    assert!(
        me.text().contains("Your stats"),
        "the chosen language sticks: {}",
        me.text()
    );
    let mark = api.mark();
    api.message(&Chat::private(&ali), &ali, "/lang xx");
    let usage = api
        .wait_for(mark, "usage", |c| {
            c.method == "sendmessage" && c.chat() == 508
        })
        .await;
    assert!(usage.text().contains("/lang ar"), "{}", usage.text());
    let mark = api.mark();
    api.message(&Chat::private(&ali), &ali, "/quiz 50");
    let refused = api
        .wait_for(mark, "refusal", |c| {
            c.method == "sendmessage" && c.chat() == 508
        })
        .await;
    assert!(refused.text().contains("1 to 20"), "{}", refused.text());
    api.assert_valid();
    bot.stop().await;
}

#[tokio::test]
async fn names_with_html_and_bidi_controls_cannot_break_the_leaderboard() {
    let bot = Running::start().await;
    let api = &bot.api;
    let evil = User::new(509, "\u{202E}<b>Mallory</b> & co\u{2066}", "ar");
    let mark = api.mark();
    api.message(&Chat::private(&evil), &evil, "/quiz 1");
    let q = question(api, mark, 509).await;
    let correct = right_option(&bot, &q);
    press(api, &evil, &q, correct).await;
    let mark = api.mark();
    api.message(&Chat::private(&evil), &evil, "/top");
    let top = api
        .wait_for(mark, "the leaderboard", |c| {
            c.method == "sendmessage" && c.text().contains("🏆 الترتيب العام")
        })
        .await;
    let text = top.text();
    assert!(
        text.contains("\u{2068}&lt;b&gt;Mallory&lt;/b&gt; &amp; co\u{2069}"),
        "escaped and isolated: {text:?}"
    );
    assert!(
        !text.contains('\u{202E}') && !text.contains('\u{2066}'),
        "no bidi controls of the user's"
    );
    api.assert_valid();
    bot.stop().await;
}

#[tokio::test]
async fn a_quiz_command_delivered_twice_starts_one_quiz() {
    let bot = Running::start().await;
    let api = &bot.api;
    let user = User::new(511, "Rana", "ar");
    let chat = Chat::private(&user);
    let mark = api.mark();
    let first = api.message(&chat, &user, "/quiz 2");
    let q = question(api, mark, chat.id).await;
    api.wait_confirmed(first).await;
    // Telegram delivers the same message again.
    let mark = api.mark();
    let repeat = api.redeliver(first);
    api.wait_confirmed(repeat).await;
    let quizzes: i64 = crate::helpers::query(&bot.db, "SELECT COUNT(*) FROM quizzes");
    assert_eq!(quizzes, 1);
    assert!(
        api.calls()
            .iter()
            .filter(|c| c.seq >= mark)
            .all(|c| c.method == "getupdates"),
        "nothing is sent again: {}",
        api.transcript()
    );
    let _ = q;
    bot.stop().await;
}

#[tokio::test]
async fn with_telegram_limits_a_chat_gets_at_most_one_message_a_second() {
    let bot = Running::start_with(BotApi::start().await, SendLimits::Telegram, 30, None).await;
    let api = &bot.api;
    let user = User::new(512, "Lina", "ar");
    for _ in 0..3 {
        api.message(&Chat::private(&user), &user, "/help");
    }
    let mut after = 0;
    for n in 1..=3 {
        let sent = api
            .wait_for(after, &format!("message {n}"), |c| {
                c.method == "sendmessage"
            })
            .await;
        after = sent.seq + 1;
    }
    let sends = api.calls_to("sendmessage");
    assert_eq!(sends.len(), 3);
    for pair in sends.windows(2) {
        let gap = pair[1].at.duration_since(pair[0].at);
        assert!(
            gap >= Duration::from_millis(900),
            "two messages to one chat {gap:?} apart"
        );
    }
    use factquiz::telegram::send::{OVERALL, PER_CHAT, PER_GROUP};
    assert_eq!((PER_CHAT, PER_GROUP, OVERALL), (1, 20, 30));
    bot.stop().await;
}

#[tokio::test]
async fn an_update_that_cannot_be_handled_gets_an_apology_and_the_bot_goes_on() {
    let bot = Running::start().await;
    let api = &bot.api;
    let user = User::new(513, "Mona", "ar");
    let chat = Chat::private(&user);
    let mark = api.mark();
    api.message(&chat, &user, "/quiz 2");
    let q = question(api, mark, chat.id).await;
    // The question as stored is damaged: the press cannot be judged.
    crate::helpers::execute(
        &bot.db,
        "UPDATE served SET snapshot = 'not a question' WHERE id = ?1",
        [served_of(&q)],
    );
    let mark = api.mark();
    api.press(&user, &q, &q.buttons()[0]);
    let notice = api
        .wait_for(mark, "the press's apology", |c| {
            c.method == "answercallbackquery"
        })
        .await;
    assert!(
        notice.body["text"]
            .as_str()
            .is_some_and(|t| t.contains("عذراً")),
        "{}",
        notice.body
    );
    let apology = api
        .wait_for(mark, "the apology", |c| {
            c.method == "sendmessage" && c.text().contains("عذراً")
        })
        .await;
    assert_eq!(apology.chat(), chat.id);
    assert!(
        api.calls_to("editmessagetext").is_empty(),
        "no card for a press that failed"
    );
    assert_eq!(
        crate::helpers::query::<i64>(&bot.db, "SELECT COUNT(*) FROM inbox"),
        0,
        "the update given up leaves the inbox"
    );
    let mark = api.mark();
    api.message(&chat, &user, "/help");
    let help = api
        .wait_for(mark, "the next reply", |c| c.method == "sendmessage")
        .await;
    assert!(help.text().contains("/quiz"), "{}", help.text());
    api.assert_valid();
    bot.stop().await;
}

/// PostgreSQL, long polling: an update in the inbox that no receiver of
/// this process kept (a former leader kept it in the moment before it
/// learnt it had lost the lead) is read from the inbox and handled.
#[tokio::test]
async fn a_polling_leader_handles_what_another_process_left_in_the_inbox() {
    let bot = Running::start().await;
    if !bot.db.is_postgres() {
        eprintln!("on PostgreSQL only (.ci/with-postgres)");
        bot.stop().await;
        return;
    }
    let api = &bot.api;
    // The bot runs (it answered someone), then the update appears.
    let user = User::new(514, "Sami", "ar");
    let chat = Chat::private(&user);
    let mark = api.mark();
    api.message(&chat, &user, "/help");
    api.wait_for(mark, "the first reply", |c| c.method == "sendmessage")
        .await;
    let orphan = User::new(515, "Orphan", "ar");
    let lane = i64::try_from(orphan.id).expect("small");
    let payload = serde_json::json!({
        "update_id": 900_001,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": orphan.id, "type": "private", "first_name": "Orphan"},
            "from": {"id": orphan.id, "is_bot": false, "first_name": "Orphan", "language_code": "ar"},
            "text": "/help"
        }
    })
    .to_string();
    let mark = api.mark();
    crate::helpers::execute(
        &bot.db,
        "INSERT INTO inbox (update_id, lane, received_at, payload) VALUES (?1, ?2, ?3, ?4)",
        [
            factquiz::store::sql::Value::Int(900_001),
            factquiz::store::sql::Value::Int(lane),
            factquiz::store::sql::Value::Int(0),
            factquiz::store::sql::Value::Text(&payload),
        ],
    );
    let reply = api
        .wait_for(mark, "the reply to the update left in the inbox", |c| {
            c.method == "sendmessage" && c.chat() == lane
        })
        .await;
    assert!(reply.text().contains("/quiz"), "{}", reply.text());
    assert_eq!(
        crate::helpers::query::<i64>(&bot.db, "SELECT COUNT(*) FROM inbox"),
        0,
        "handled, it leaves the inbox"
    );
    bot.stop().await;
}
