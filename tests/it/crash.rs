//! Crashes of the real binary (SIGKILL: nothing of it survives) in the
//! middle of the work, and shutdowns in the middle of a flood: after a
//! restart every answer counts exactly once, every quiz goes on, nothing is
//! sent twice beyond the documented window, and no press is told it failed.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::bot::{question, right_option_in, served_of};
use crate::botapi::{BotApi, Call, Chat, User};
use crate::helpers::query;
use crate::process::spawn;

/// Plays a solo quiz of `n` to its end, pressing the right option of each
/// question as soon as it shows; a question shown again (a send repeated
/// after a crash) is not pressed twice. Returns the final card.
pub async fn play(
    api: Arc<BotApi>,
    db: &crate::helpers::TestDb,
    user: User,
    n: usize,
    presses: Arc<AtomicUsize>,
) -> Call {
    let chat = Chat::private(&user);
    let mark = api.mark();
    api.message(&chat, &user, &format!("/quiz {n}"));
    let mut after = mark;
    let mut last_served = 0;
    loop {
        let shown = api
            .wait_for(after, "the next question or the end", |c| {
                c.chat() == chat.id
                    && (c.method == "sendmessage" || c.method == "editmessagetext")
                    && (c.text().contains("🏁") || !c.buttons().is_empty())
            })
            .await;
        after = shown.seq + 1;
        if shown.buttons().is_empty() {
            return shown;
        }
        let served = served_of(&shown);
        if served <= last_served {
            continue;
        }
        last_served = served;
        let right = right_option_in(db, &shown);
        api.press(&user, &shown, &shown.buttons()[right]);
        presses.fetch_add(1, Ordering::SeqCst);
    }
}

pub async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Private players, each playing a solo quiz to its end at once (see
/// [`play`]).
pub struct Players {
    presses: Arc<AtomicUsize>,
    games: Vec<tokio::task::JoinHandle<Call>>,
    questions: usize,
}

impl Players {
    /// `n` players, Telegram ids from `first` on, `questions` each.
    pub fn start(
        api: &Arc<BotApi>,
        db: &crate::helpers::TestDb,
        first: u64,
        n: u64,
        questions: usize,
    ) -> Players {
        let presses = Arc::new(AtomicUsize::new(0));
        let games = (0..n)
            .map(|i| {
                let (api, db, presses) = (api.clone(), db.clone(), presses.clone());
                tokio::spawn(async move {
                    play(
                        api,
                        &db,
                        User::new(first + i, "p", "ar"),
                        questions,
                        presses,
                    )
                    .await
                })
            })
            .collect();
        Players {
            presses,
            games,
            questions,
        }
    }

    /// Returns once about a third of all their presses are made.
    pub async fn a_third_pressed(&self) {
        let third = self.games.len() * self.questions / 3;
        until("a third of the presses", || {
            self.presses.load(Ordering::SeqCst) >= third
        })
        .await;
    }

    /// Waits for every player's last card, which must count every answer
    /// of theirs right, once.
    pub async fn finish(self) {
        let q = self.questions;
        for game in self.games {
            let end = game.await.expect("a player finished");
            assert!(
                end.text().contains(&format!("الإجابات الصحيحة: {q} من {q}")),
                "every answer counted once: {}",
                end.text()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_amid_a_hundred_private_players_loses_nothing_and_counts_nothing_twice() {
    const PLAYERS: u64 = 100;
    const QUESTIONS: usize = 5;
    let api = Arc::new(BotApi::start().await);
    let dir = tempfile::tempdir().expect("tempdir");
    let db = crate::helpers::TestDb::fresh(dir.path(), "bot.db");
    let bot = spawn(&api, &db, dir.path().join("first.log"), &[]);
    let players = Players::start(&api, &db, 20_000, PLAYERS, QUESTIONS);
    // Mid-game: about a third of the presses made.
    players.a_third_pressed().await;
    let first_log = bot.kill().await;
    let bot = spawn(&api, &db, dir.path().join("second.log"), &[]);
    players.finish().await;
    let answers: i64 = query(&db, "SELECT COUNT(*) FROM answers");
    assert_eq!(answers, (PLAYERS as usize * QUESTIONS) as i64);
    let most: i64 = query(
        &db,
        "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM answers GROUP BY player_id) AS per_player",
    );
    assert_eq!(most, QUESTIONS as i64);
    let answered: i64 = query(
        &db,
        "SELECT CAST(SUM(answered) AS BIGINT) FROM standings WHERE scope = 0 AND period = 0 AND article = ''",
    );
    assert_eq!(answered, answers, "the standings agree");
    // One message per quiz and one edit per answer, but for the documented
    // window: a request in flight when the bot died may go twice (one per
    // chat at most, since a chat has one in flight at a time).
    let mut per_chat: HashMap<i64, usize> = HashMap::new();
    for c in api.calls() {
        if (c.method == "sendmessage" || c.method == "editmessagetext") && c.chat() > 0 {
            *per_chat.entry(c.chat()).or_default() += 1;
        }
    }
    for (chat, n) in &per_chat {
        assert!(
            (1 + QUESTIONS..=2 + QUESTIONS).contains(n),
            "chat {chat}: {n} messages and edits for a quiz of {QUESTIONS}"
        );
    }
    let repeats: usize = per_chat.values().map(|n| n - (1 + QUESTIONS)).sum();
    let visible = api
        .refused()
        .iter()
        .filter(|r| r.starts_with("editmessagetext"))
        .count();
    println!(
        "SIGKILL amid {PLAYERS} players: {repeats} requests sent twice, {visible} of them edits Telegram found unchanged"
    );
    assert!(
        api.calls_to("sendmessage")
            .iter()
            .all(|c| !c.text().contains("عذراً")),
        "nobody is told something failed"
    );
    let (code, second_log) = {
        bot.signal("-TERM");
        bot.wait().await
    };
    assert_eq!(code, 0, "{second_log}");
    assert!(!first_log.contains("panicked") && !second_log.contains("panicked"));
    api.assert_valid();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_amid_a_burst_of_five_thousand_votes_counts_each_once() {
    const VOTES: u64 = 5_000;
    let api = Arc::new(BotApi::start().await);
    api.keep_polls_open();
    let dir = tempfile::tempdir().expect("tempdir");
    let db = crate::helpers::TestDb::fresh(dir.path(), "bot.db");
    let env = [("FACTQUIZ_ROUND_SECONDS", "600")];
    let bot = spawn(&api, &db, dir.path().join("first.log"), &env);
    let group = Chat::supergroup(-100_321);
    let starter = User::new(1, "Starter", "ar");
    api.message(&group, &starter, "/quiz 1");
    let poll = api
        .wait_for(0, "the poll", |c| c.method == "sendpoll")
        .await;
    let poll_id = api.poll_id_of(&poll);
    let options = poll.body["options"].as_array().map_or(2, Vec::len);
    // The round opens once its poll is recorded.
    until("the round to open", || {
        query::<i64>(&db, "SELECT COUNT(*) FROM served WHERE poll_id IS NOT NULL") == 1
    })
    .await;
    for i in 0..VOTES {
        let member = User::new(3_000_000 + i, "m", "ar");
        api.poll_answer(&poll_id, &member, usize::try_from(i).unwrap_or(0) % options);
    }
    until("a part of the burst recorded", || {
        query::<i64>(&db, "SELECT COUNT(*) FROM answers") >= 500
    })
    .await;
    bot.kill().await;
    let at_kill: i64 = query(&db, "SELECT COUNT(*) FROM answers");
    let bot = spawn(&api, &db, dir.path().join("second.log"), &env);
    until("every vote counted", || {
        query::<i64>(&db, "SELECT COUNT(*) FROM answers") >= VOTES as i64
    })
    .await;
    let mark = api.mark();
    api.close_poll(&poll_id);
    let result = api
        .wait_for(mark, "the round's message", |c| {
            c.method == "sendmessage" && c.text().contains("انتهى السؤال")
        })
        .await;
    assert!(
        result.text().contains(&format!("أجاب: {VOTES}")),
        "{}",
        result.text()
    );
    println!("SIGKILL amid {VOTES} votes: {at_kill} recorded before the kill, the rest after");
    assert!(at_kill < VOTES as i64, "the kill fell amid the burst");
    assert_eq!(
        query::<i64>(&db, "SELECT COUNT(*) FROM answers"),
        VOTES as i64
    );
    assert_eq!(query::<i64>(&db, "SELECT COUNT(*) FROM votes"), 0);
    assert_eq!(
        query::<i64>(&db, "SELECT COUNT(DISTINCT player_id) FROM answers"),
        VOTES as i64
    );
    bot.signal("-TERM");
    assert_eq!(bot.wait().await.0, 0);
    api.assert_valid();
}

/// Presses that a crash left unhandled until after Telegram's deadline:
/// they count, their cards come and the quiz goes on, and no request is
/// refused for being late, nor anyone told something failed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presses_a_crash_left_past_the_deadline_still_count_with_no_refusal_and_no_apology() {
    const PLAYERS: u64 = 5;
    let api = Arc::new(BotApi::start().await);
    let dir = tempfile::tempdir().expect("tempdir");
    let db = crate::helpers::TestDb::fresh(dir.path(), "bot.db");
    let bot = spawn(&api, &db, dir.path().join("first.log"), &[]);
    let mut shown = Vec::new();
    for i in 0..PLAYERS {
        let user = User::new(40_000 + i, "p", "ar");
        let chat = Chat::private(&user);
        let mark = api.mark();
        api.message(&chat, &user, "/quiz 3");
        shown.push((user, question(&api, mark, chat.id).await));
    }
    // Telegram holds back everything to these chats, so their presses wait
    // behind their unsent messages (a chat's backlog holds its next update
    // in the inbox)…
    for (user, q) in &shown {
        api.throttle_chat(i64::try_from(user.id).expect("id"), 600);
        for _ in 0..4 {
            api.message(&Chat::private(user), user, "/help");
        }
        let right = right_option_in(&db, q);
        api.press(user, q, &q.buttons()[right]);
    }
    // …and the bot dies with the presses kept but not handled.
    let last = api.message(&Chat::private(&shown[0].0), &shown[0].0, "/help");
    api.wait_confirmed(last).await;
    let unhandled: i64 = query(
        &db,
        "SELECT COUNT(*) FROM inbox WHERE payload LIKE '%callback_query%'",
    );
    bot.kill().await;
    assert_eq!(unhandled, PLAYERS as i64, "the presses waited in the inbox");
    // Past Telegram's deadline; then Telegram lets the chats through again.
    tokio::time::sleep(Duration::from_secs(16)).await;
    for (user, _) in &shown {
        api.throttle_chat(i64::try_from(user.id).expect("id"), 0);
    }
    let mark = api.mark();
    let bot = spawn(&api, &db, dir.path().join("second.log"), &[]);
    for (user, q) in &shown {
        let chat = i64::try_from(user.id).expect("id");
        let card = api
            .wait_for(mark, "the card and the next question", |c| {
                c.method == "editmessagetext"
                    && c.chat() == chat
                    && c.text().contains("السؤال 2 من 3")
                    && !c.buttons().is_empty()
            })
            .await;
        assert_ne!(served_of(&card), served_of(q));
    }
    assert_eq!(
        query::<i64>(&db, "SELECT COUNT(*) FROM answers"),
        PLAYERS as i64
    );
    let refused: Vec<String> = api
        .refused()
        .into_iter()
        .filter(|r| r.starts_with("answercallbackquery"))
        .collect();
    assert!(refused.is_empty(), "late answers sent: {refused:?}");
    assert!(
        api.calls_to("sendmessage")
            .iter()
            .all(|c| !c.text().contains("عذراً")),
        "no apology for presses that counted"
    );
    assert!(
        api.calls_to("answercallbackquery")
            .iter()
            .all(|c| !c.body["text"].as_str().unwrap_or_default().contains("عذراً"))
    );
    bot.signal("-TERM");
    assert_eq!(bot.wait().await.0, 0);
    api.assert_valid();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_quiz_goes_on_after_a_sigkill_with_the_answers_before_it() {
    let api = Arc::new(BotApi::start().await);
    let dir = tempfile::tempdir().expect("tempdir");
    let db = crate::helpers::TestDb::fresh(dir.path(), "bot.db");
    let env = [("FACTQUIZ_ROUND_SECONDS", "5")];
    let bot = spawn(&api, &db, dir.path().join("first.log"), &env);
    let group = Chat::supergroup(-100_999);
    let player = User::new(721, "Rami", "ar");
    let mark = api.mark();
    api.message(&group, &player, "/quiz 2");
    let p1 = api
        .wait_for(mark, "a poll", |c| c.method == "sendpoll")
        .await;
    let right = |p: &Call| {
        usize::try_from(p.body["correct_option_id"].as_u64().expect("quiz")).expect("index")
    };
    let answer = api.poll_answer(&api.poll_id_of(&p1), &player, right(&p1));
    api.wait_confirmed(answer).await;
    bot.kill().await;
    // The round's poll closes while the bot is down; the bot hears of it
    // when it is back, with the answer given before.
    let mark = api.mark();
    let bot = spawn(&api, &db, dir.path().join("second.log"), &env);
    let r1 = api
        .wait_for(mark, "round 1's message", |c| {
            c.method == "sendmessage" && c.text().contains("انتهى السؤال 1 من 2")
        })
        .await;
    assert!(r1.text().contains("أجاب: 1 · أصاب: 1"), "{}", r1.text());
    let p2 = api
        .wait_for(r1.seq, "round 2's poll", |c| c.method == "sendpoll")
        .await;
    api.poll_answer(&api.poll_id_of(&p2), &player, right(&p2));
    api.wait_for(p2.seq, "the podium", |c| {
        c.method == "sendmessage" && c.text().contains("النتيجة النهائية")
    })
    .await;
    assert_eq!(
        query::<i64>(&db, "SELECT COUNT(*) FROM quizzes WHERE state = 'running'"),
        0
    );
    assert_eq!(query::<i64>(&db, "SELECT COUNT(*) FROM answers"), 2);
    bot.signal("-TERM");
    assert_eq!(bot.wait().await.0, 0);
    api.assert_valid();
}

/// SIGTERM while a chat floods the bot under Telegram's limits (its replies
/// go one a second): the bot exits 0 within five seconds, and what it had
/// not sent is sent after the restart, none lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_a_flood_exits_within_five_seconds_and_loses_nothing() {
    const FLOOD: u64 = 60;
    let api = Arc::new(BotApi::start().await);
    let dir = tempfile::tempdir().expect("tempdir");
    let db = crate::helpers::TestDb::fresh(dir.path(), "bot.db");
    let bot = spawn(
        &api,
        &db,
        dir.path().join("first.log"),
        &[("FACTQUIZ_SEND_LIMITS", "telegram")],
    );
    let flooder = User::new(50_000, "Flood", "ar");
    let chat = Chat::private(&flooder);
    let mut last = 0;
    for _ in 0..FLOOD {
        last = api.message(&chat, &flooder, "hello");
    }
    api.wait_confirmed(last).await;
    api.wait_for(0, "the first replies", |c| {
        c.method == "sendmessage" && c.chat() == chat.id
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let stopping = Instant::now();
    bot.signal("-TERM");
    let (code, log) = bot.wait().await;
    let took = stopping.elapsed();
    assert_eq!(code, 0, "{log}");
    assert!(
        took < Duration::from_secs(5),
        "SIGTERM to exit took {took:?}"
    );
    let before: usize = replies(&api, chat.id);
    assert!(
        before < FLOOD as usize,
        "the flood was not over at the stop ({before} replies)"
    );
    let left: i64 = query(
        &db,
        "SELECT (SELECT COUNT(*) FROM inbox) + (SELECT COUNT(*) FROM outbox)",
    );
    assert!(left > 0, "what was not done is kept");

    let bot = spawn(&api, &db, dir.path().join("second.log"), &[]);
    until("every reply", || replies(&api, chat.id) >= FLOOD as usize).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let total = replies(&api, chat.id);
    assert!(
        (FLOOD as usize..=FLOOD as usize + 1).contains(&total),
        "{total} replies to {FLOOD} messages (one may repeat: in flight at the stop)"
    );
    assert_eq!(query::<i64>(&db, "SELECT COUNT(*) FROM inbox"), 0);
    bot.signal("-TERM");
    assert_eq!(bot.wait().await.0, 0);
    api.assert_valid();
}

fn replies(api: &BotApi, chat: i64) -> usize {
    api.calls_to("sendmessage")
        .iter()
        .filter(|c| c.chat() == chat && c.text().starts_with("💡"))
        .count()
}
