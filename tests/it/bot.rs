//! The Telegram bot in private chats, end to end over HTTP: the real runner
//! and handler tree against the loopback Bot API server.

use std::path::PathBuf;
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
    pub db: PathBuf,
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
        let db = dir.path().join("bot.db");
        Self::start_on(Arc::new(api), db, dir, limits, round_seconds, metrics).await
    }

    async fn start_on(
        api: Arc<BotApi>,
        db: PathBuf,
        dir: Arc<tempfile::TempDir>,
        limits: SendLimits,
        round_seconds: u32,
        metrics: Option<String>,
    ) -> Running {
        let store = Store::open(db.to_str().expect("path"))
            .await
            .expect("store");
        let service = service_on(store, Arc::new(SystemClock));
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(factquiz::telegram::run(
            config(&api, limits, round_seconds, metrics),
            service,
            shutdown.clone(),
        ));
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

    /// Kills the bot as a crash would: no draining, no confirming.
    pub async fn crash(mut self) -> (Arc<BotApi>, PathBuf, Arc<tempfile::TempDir>) {
        let task = self.task.take().expect("running");
        task.abort();
        let _ = task.await;
        (self.api.clone(), self.db.clone(), self._dir.clone())
    }

    /// Starts again on the same database and server.
    pub async fn restart(api: Arc<BotApi>, db: PathBuf, dir: Arc<tempfile::TempDir>) -> Running {
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

/// The index of the right option of the question shown by `message`.
pub async fn right_option(bot: &Running, message: &Call) -> usize {
    let id = bot.api.message_id_of(message);
    let mut tries = 0;
    loop {
        let correct: Option<i64> = crate::helpers::query_with(
            &bot.db,
            "SELECT MAX(correct) FROM served WHERE message_id = ?1",
            [id],
        );
        if let Some(c) = correct {
            return usize::try_from(c).expect("index");
        }
        // The message id is saved just after the send returns.
        tries += 1;
        assert!(tries < 100, "no served question for message {id}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits for the next question message to `chat` after `after`.
pub async fn question(api: &BotApi, after: usize, chat: i64) -> Call {
    api.wait_for(after, "a question", |c| {
        c.method == "sendmessage" && c.chat() == chat && !c.buttons().is_empty()
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
        let correct = right_option(&bot, &q).await;
        let choice = if round == 1 {
            (correct + 1) % q.buttons().len()
        } else {
            correct
        };
        let after = api.mark();
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
        assert!(
            card.body.get("reply_markup").is_none(),
            "the buttons are gone"
        );
        if round < 2 {
            q = question(api, after, chat.id).await;
        } else {
            let end = api
                .wait_for(after, "the final score", |c| {
                    c.method == "sendmessage" && c.text().contains("🏁")
                })
                .await;
            assert!(
                end.text().contains("الإجابات الصحيحة: 2 من 3"),
                "{}",
                end.text()
            );
            assert!(
                end.text().contains("ترتيبك العام: 1 من 1"),
                "{}",
                end.text()
            );
        }
    }
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
    let correct = right_option(&bot, &q).await;
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
    let correct = right_option(&bot, &q).await;
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
async fn a_crash_mid_quiz_loses_nothing_and_counts_nothing_twice() {
    let bot = Running::start().await;
    let user = User::new(510, "Karim", "ar");
    let chat = Chat::private(&user);
    let mark = bot.api.mark();
    let quiz_update = bot.api.message(&chat, &user, "/quiz 3");
    let q = question(&bot.api, mark, chat.id).await;
    let correct = right_option(&bot, &q).await;
    let mark = bot.api.mark();
    let first_press = bot.api.press(&user, &q, &q.buttons()[correct]);
    let q2 = question(&bot.api, mark, chat.id).await;
    bot.api.wait_confirmed(first_press).await;
    assert!(quiz_update < first_press);

    // A press arrives and is handled, and the bot dies before Telegram
    // hears of it: the press stays unconfirmed.
    let correct2 = right_option(&bot, &q2).await;
    // The poll after the press fails, so the bot cannot confirm it for a
    // second (its backoff): the crash falls between handling and confirming.
    bot.api.fail_next("getUpdates", Failure::Drop);
    let mark = bot.api.mark();
    let second_press = bot.api.press(&user, &q2, &q2.buttons()[correct2]);
    bot.api
        .wait_for(mark, "the second card", |c| c.method == "editmessagetext")
        .await;
    // Once the third question is on screen and saved as such.
    let q3 = question(&bot.api, mark, chat.id).await;
    right_option(&bot, &q3).await;
    let (api, db, dir) = bot.crash().await;
    assert!(
        api.confirmed() <= second_press,
        "a dead bot confirmed nothing more"
    );

    // Restarted, the bot is handed the press again: nothing changes, and
    // the quiz goes on from where it was.
    let mark = api.mark();
    let bot = Running::restart(api, db, dir).await;
    let api = &bot.api;
    api.wait_confirmed(second_press).await;
    let answers: i64 = crate::helpers::query(&bot.db, "SELECT COUNT(*) FROM answers");
    assert_eq!(answers, 2, "both presses, each once");
    let answered: i64 = crate::helpers::query(
        &bot.db,
        "SELECT answered FROM standings WHERE scope = 0 AND period = 0",
    );
    assert_eq!(answered, 2);
    let redelivered = api
        .wait_for(mark, "the repeat's notice", |c| {
            c.method == "answercallbackquery"
        })
        .await;
    assert!(
        redelivered.body["text"]
            .as_str()
            .unwrap_or_default()
            .contains("لقد أجبت")
    );
    // The third question was sent before the crash: it is not sent again.
    let thirds = api
        .calls_to("sendmessage")
        .into_iter()
        .filter(|c| c.text().contains("السؤال 3 من 3"))
        .count();
    assert_eq!(thirds, 1, "{}", api.transcript());
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
    let limits = factquiz::telegram::limits(SendLimits::Telegram);
    assert_eq!(
        (
            limits.messages_per_sec_chat,
            limits.messages_per_min_channel_or_supergroup,
            limits.messages_per_sec_overall
        ),
        (1, 20, 30)
    );
    bot.stop().await;
}

#[tokio::test]
async fn an_update_that_cannot_be_handled_gets_an_apology_and_the_bot_goes_on() {
    let bot = Running::start().await;
    let api = &bot.api;
    let user = User::new(513, "Mona", "ar");
    let chat = Chat::private(&user);
    // Telegram refuses the reply: the handler fails.
    api.fail_next(
        "sendMessage",
        Failure::Status(400, "Bad Request: something unexpected"),
    );
    let mark = api.mark();
    api.message(&chat, &user, "/help");
    let apology = api
        .wait_for(mark, "the apology", |c| {
            c.method == "sendmessage" && c.text().contains("عذراً")
        })
        .await;
    assert_eq!(apology.chat(), chat.id);
    let mark = api.mark();
    api.message(&chat, &user, "/help");
    let help = api
        .wait_for(mark, "the next reply", |c| c.method == "sendmessage")
        .await;
    assert!(help.text().contains("/quiz"), "{}", help.text());
    api.assert_valid();
    bot.stop().await;
}
