//! Group quizzes against the loopback Bot API server: native quiz polls,
//! answers from members at different times, round messages, the podium,
//! /stop rights, one quiz at a time, a restart mid-quiz, many groups at once.

use std::time::Duration;

use factquiz::config::SendLimits;
use factquiz::store::Store;

use crate::bot::Running;
use crate::botapi::{BOT_USERNAME, BotApi, Call, Chat, User};

const ROUND: u32 = 5;

async fn start() -> Running {
    Running::start_with(BotApi::start().await, SendLimits::Off, ROUND, None).await
}

async fn poll(api: &BotApi, after: usize, chat: i64) -> Call {
    api.wait_for(after, "a poll", |c| {
        c.method == "sendpoll" && c.chat() == chat
    })
    .await
}

async fn group_message(api: &BotApi, after: usize, chat: i64, marker: &'static str) -> Call {
    api.wait_for(after, marker, |c| {
        c.method == "sendmessage" && c.chat() == chat && c.text().contains(marker)
    })
    .await
}

fn right_of(poll: &Call) -> usize {
    usize::try_from(
        poll.body["correct_option_id"]
            .as_u64()
            .expect("a quiz poll has its answer"),
    )
    .expect("index")
}

#[tokio::test]
async fn a_full_group_quiz_with_members_answering_at_different_times() {
    let bot = start().await;
    let api = &bot.api;
    let group = Chat::supergroup(-100_777);
    let (amal, badr, chadi, dana) = (
        User::new(701, "Amal", "ar"),
        User::new(702, "Badr", "ar"),
        User::new(703, "Chadi", "ar"),
        User::new(704, "Dana", "en"),
    );
    let mark = api.mark();
    api.message(&group, &amal, &format!("/quiz@{BOT_USERNAME} 2"));
    group_message(api, mark, group.id, "اختبار جماعي").await;

    // Round 1: Badr right at once, Chadi wrong, Amal right later, Badr again.
    let p1 = poll(api, mark, group.id).await;
    assert_eq!(p1.body["type"], "quiz");
    assert_eq!(p1.body["is_anonymous"], false);
    assert_eq!(p1.body["open_period"], ROUND);
    let explanation = p1.body["explanation"].as_str().expect("an explanation");
    assert!(explanation.chars().count() <= 200 && explanation.matches('\n').count() <= 2);
    let id1 = api.poll_id_of(&p1);
    let right = right_of(&p1);
    let wrong = (right + 1) % p1.body["options"].as_array().expect("options").len();
    api.poll_answer(&id1, &badr, right);
    tokio::time::sleep(Duration::from_millis(300)).await;
    api.poll_answer(&id1, &chadi, wrong);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    api.poll_answer(&id1, &amal, right);
    api.poll_answer(&id1, &badr, wrong); // a second answer does not count
    let r1 = group_message(api, p1.seq, group.id, "انتهى السؤال 1 من 2").await;
    let waited = r1.at.duration_since(p1.at);
    assert!(
        waited >= Duration::from_secs(u64::from(ROUND)),
        "the round lasted {waited:?}"
    );
    assert!(r1.text().contains("أجاب: 3 · أصاب: 2"), "{}", r1.text());
    assert!(r1.text().contains("<blockquote>"), "{}", r1.text());
    let badr_line = r1.text().find("Badr").expect("Badr in the standings");
    let amal_line = r1.text().find("Amal").expect("Amal in the standings");
    assert!(
        badr_line < amal_line,
        "the faster right answer earns more: {}",
        r1.text()
    );

    // Round 2: Dana, who never talked to the bot, answers right.
    let p2 = poll(api, r1.seq, group.id).await;
    let id2 = api.poll_id_of(&p2);
    api.poll_answer(&id2, &dana, right_of(&p2));
    let r2 = group_message(api, p2.seq, group.id, "انتهى السؤال 2 من 2").await;
    assert!(r2.text().contains("أجاب: 1 · أصاب: 1"), "{}", r2.text());
    let podium = group_message(api, r2.seq, group.id, "النتيجة النهائية").await;
    assert!(podium.text().contains("🥇"), "{}", podium.text());
    assert!(
        podium.text().contains("في المجموعة"),
        "group ranks: {}",
        podium.text()
    );

    let points: Vec<i64> = crate::helpers::query_all(
        &bot.db,
        "SELECT a.points FROM answers a ORDER BY a.answered_at",
    );
    assert_eq!(
        points.len(),
        4,
        "Badr, Chadi, Amal, then Dana in round 2: {points:?}"
    );
    assert!(
        points[0] > points[2] && points[2] >= 100,
        "faster is more: {points:?}"
    );
    assert_eq!(points[1], 0);

    let mark = api.mark();
    api.message(&group, &chadi, "/top");
    let top = group_message(api, mark, group.id, "ترتيب المجموعة").await;
    for name in ["Amal", "Badr", "Chadi", "Dana"] {
        assert!(
            top.text().contains(name),
            "{name} on the group board: {}",
            top.text()
        );
    }
    // One message per round: the group got the start, two polls, two round
    // messages, the podium and /top: no per-answer message.
    let to_group = api
        .calls()
        .iter()
        .filter(|c| c.chat() == group.id && c.method.starts_with("send"))
        .count();
    assert_eq!(to_group, 7, "{}", api.transcript());
    api.assert_valid();
    bot.stop().await;
}

#[tokio::test]
async fn one_quiz_at_a_time_and_only_the_starter_or_an_admin_may_stop_it() {
    let bot = start().await;
    let api = &bot.api;
    let group = Chat::supergroup(-100_888);
    let (starter, member, admin) = (
        User::new(711, "Starter", "ar"),
        User::new(712, "Member", "en"),
        User::new(713, "Admin", "ar"),
    );
    api.set_admins(group.id, &[713]);
    let mark = api.mark();
    api.message(&group, &starter, "/quiz 3");
    let p = poll(api, mark, group.id).await;

    let mark = api.mark();
    api.message(&group, &member, "/quiz");
    let busy = api
        .wait_for(mark, "the refusal", |c| {
            c.method == "sendmessage" && c.chat() == group.id
        })
        .await;
    // The group's language, Arabic until an admin chooses, whatever the
    // member's own.
    assert!(busy.text().contains("هناك اختبار جارٍ"), "{}", busy.text());

    let mark = api.mark();
    api.message(&group, &member, "/stop");
    let refused = api
        .wait_for(mark, "a polite refusal", |c| {
            c.method == "sendmessage" && c.chat() == group.id
        })
        .await;
    assert!(
        refused.text().contains("لا يوقف الاختبار إلا من بدأه"),
        "{}",
        refused.text()
    );
    assert!(
        api.calls_to("getchatmember")
            .iter()
            .any(|c| c.body["user_id"] == 712)
    );

    let mark = api.mark();
    api.message(&group, &admin, "/stop");
    let stopped = group_message(api, mark, group.id, "أوقف").await;
    assert!(stopped.text().contains("Admin"), "{}", stopped.text());
    let closed = api.calls_to("stoppoll");
    assert_eq!(closed.len(), 1, "the open poll is closed");
    assert_eq!(closed[0].body["message_id"], api.message_id_of(&p));

    // Nothing more comes from the stopped quiz.
    tokio::time::sleep(Duration::from_secs(u64::from(ROUND) + 1)).await;
    assert_eq!(api.calls_to("sendpoll").len(), 1, "{}", api.transcript());

    // The starter may stop their own quiz; then nothing is running.
    let mark = api.mark();
    api.message(&group, &starter, "/quiz 2");
    poll(api, mark, group.id).await;
    let mark = api.mark();
    api.message(&group, &starter, "/stop");
    group_message(api, mark, group.id, "أوقف").await;
    let mark = api.mark();
    api.message(&group, &starter, "/stop");
    group_message(api, mark, group.id, "لا يوجد اختبار جارٍ").await;
    api.assert_valid();
    bot.stop().await;
}

#[tokio::test]
async fn a_groups_language_is_chosen_by_its_admins_and_every_group_message_uses_it() {
    let bot = start().await;
    let api = &bot.api;
    let group = Chat::supergroup(-100_999);
    let (admin, member) = (
        User::new(721, "Admin", "ar"),
        User::new(722, "Member", "ar"),
    );
    api.set_admins(group.id, &[721]);

    let mark = api.mark();
    api.message(&group, &member, "/lang en");
    group_message(api, mark, group.id, "لا يغيّر لغة المجموعة إلا مشرفوها").await;

    let mark = api.mark();
    api.message(&group, &admin, "/lang en");
    group_message(api, mark, group.id, "The group's language is now English").await;

    // A member whose own language is Arabic: the group's messages are in English.
    let mark = api.mark();
    api.message(&group, &member, "/quiz 1");
    group_message(api, mark, group.id, "Group quiz").await;
    let p = poll(api, mark, group.id).await;
    api.poll_answer(&api.poll_id_of(&p), &member, right_of(&p));
    let result = group_message(api, mark, group.id, "Question 1 of 1 is over").await;
    assert!(
        result.text().contains("Answered: 1 · right: 1"),
        "{}",
        result.text()
    );
    assert!(result.text().contains("<blockquote>"), "{}", result.text());
    let podium = group_message(api, mark, group.id, "Final result").await;
    assert!(podium.text().contains("Member"), "{}", podium.text());
    let mark = api.mark();
    api.message(&group, &member, "/me");
    group_message(api, mark, group.id, "Your stats").await;

    // The member's private chat keeps the member's own language.
    let private = Chat::private(&member);
    let mark = api.mark();
    api.message(&private, &member, "/me");
    api.wait_for(mark, "private stats", |c| {
        c.chat() == private.id && c.text().contains("إحصاءاتك")
    })
    .await;

    let mark = api.mark();
    api.message(&group, &admin, "/lang ar");
    group_message(api, mark, group.id, "لغة المجموعة الآن: العربية").await;
    api.assert_valid();
    bot.stop().await;
}

#[tokio::test]
async fn a_quiz_left_running_long_ago_is_closed_cleanly_at_start() {
    let api = BotApi::start().await;
    let dir = std::sync::Arc::new(tempfile::tempdir().expect("tempdir"));
    let db = crate::helpers::TestDb::fresh(dir.path(), "bot.db");
    {
        // A quiz whose first round was shown an hour ago, by a process long gone.
        let store = Store::open(db.url()).await.expect("store");
        let service =
            crate::helpers::service_on(store, std::sync::Arc::new(factquiz::service::SystemClock));
        let p = service
            .enter(&factquiz::service::Identity {
                origin: factquiz::service::Origin::Telegram,
                external_id: "731".into(),
                name: "Old".into(),
                lang: factquiz::i18n::Lang::Ar,
            })
            .await
            .expect("player");
        let chat = factquiz::service::ChatRef {
            telegram_id: -100_555,
            group: true,
            title: None,
        };
        let plan = service.plan(
            &service.catalog().newest().expect("an article").slug.clone(),
            &Default::default(),
            3,
        );
        service
            .store()
            .write(move |conn| {
                factquiz::service::group::start(conn, 1000, &chat, p.id, &plan, ROUND, None)?;
                conn.execute(
                    "UPDATE served SET served_at = 1000, closes_at = 6000, poll_id = 'gone' WHERE position = 0",
                    (),
                )?;
                Ok(())
            })
            .await
            .expect("an old quiz");
        service.store().close().await;
    }
    let bot = Running::restart(std::sync::Arc::new(api), db, dir).await;
    let api = &bot.api;
    let closed = group_message(api, 0, -100_555, "توقف الاختبار").await;
    assert!(
        closed.text().contains("النتيجة النهائية"),
        "{}",
        closed.text()
    );
    assert!(api.calls_to("sendpoll").is_empty());
    bot.stop().await;
}

/// A hundred groups play at once: every round closes on time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_groups_at_once_close_their_rounds_on_time() {
    let bot = start().await;
    let api = &bot.api;
    let player = User::new(741, "Many", "ar");
    for g in 0..100 {
        api.message(&Chat::supergroup(-200_000 - g), &player, "/quiz 1");
    }
    let mut seen = 0;
    let mut after = 0;
    while seen < 100 {
        let podium = api
            .wait_for(after, "a podium", |c| {
                c.method == "sendmessage" && c.text().contains("النتيجة النهائية")
            })
            .await;
        after = podium.seq + 1;
        seen += 1;
    }
    let late: Vec<i64> = crate::helpers::query_all(
        &bot.db,
        "SELECT closed_at - closes_at FROM served WHERE closed_at IS NOT NULL",
    );
    assert_eq!(late.len(), 100);
    let worst = late.iter().copied().max().unwrap_or_default();
    let mut sorted = late.clone();
    sorted.sort_unstable();
    println!(
        "100 groups: rounds closed {} ms late at the median, {worst} ms at worst",
        sorted[50]
    );
    assert!(
        late.iter().all(|l| *l >= 0),
        "no round closes early: {late:?}"
    );
    // Generous: the point is that none waits on another group's round.
    assert!(worst < 3_000, "a round closed {worst} ms late");
    api.assert_valid();
    bot.stop().await;
}

/// Telegram delivers late what was cast in time: answers that reach the bot
/// after the poll's period all count, and the round's message comes after
/// them, once Telegram says the poll closed.
#[tokio::test]
async fn answers_that_arrive_after_the_period_all_count_before_the_round_message() {
    let api = BotApi::start().await;
    api.keep_polls_open();
    let bot = Running::start_with(api, SendLimits::Off, ROUND, None).await;
    let api = &bot.api;
    let group = Chat::supergroup(-100_444);
    let starter = User::new(751, "Starter", "ar");
    let mark = api.mark();
    api.message(&group, &starter, "/quiz 1");
    let p = poll(api, mark, group.id).await;
    let id = api.poll_id_of(&p);
    let right = right_of(&p);
    let options = p.body["options"].as_array().map_or(2, Vec::len);
    // Two answers in time, forty after the period (the bot's link was slow).
    for i in 0..2 {
        api.poll_answer(&id, &User::new(7_600 + i, "early", "ar"), right);
    }
    tokio::time::sleep(Duration::from_secs(u64::from(ROUND) + 1)).await;
    for i in 0..40 {
        let choice = if i % 4 == 0 {
            (right + 1) % options
        } else {
            right
        };
        api.poll_answer(&id, &User::new(7_700 + i, "late", "ar"), choice);
    }
    api.close_poll(&id);
    let result = group_message(api, p.seq, group.id, "انتهى السؤال 1 من 1").await;
    assert!(
        result.text().contains("أجاب: 42 · أصاب: 32"),
        "every answer counts, the late ones too: {}",
        result.text()
    );
    let answers: i64 = crate::helpers::query(&bot.db, "SELECT COUNT(*) FROM answers");
    assert_eq!(answers, 42);
    let late_points: i64 = crate::helpers::query(
        &bot.db,
        "SELECT MIN(points) FROM answers a JOIN players p ON p.id = a.player_id WHERE p.display_name = 'late' AND a.is_correct = 1",
    );
    assert_eq!(
        late_points, 100,
        "a right answer that came late earns the base points"
    );
    api.assert_valid();
    bot.stop().await;
}

/// A podium shows the first ten players, each with a place on the group's
/// board; the others are counted but not listed (nor ranked).
#[tokio::test]
async fn a_podium_lists_the_first_ten_with_their_places_on_the_group_board() {
    let bot = start().await;
    let api = &bot.api;
    let group = Chat::supergroup(-100_888);
    let members: Vec<User> = (0..12)
        .map(|i| User::new(900 + i, &format!("Member{i:02}"), "en"))
        .collect();
    let mark = api.mark();
    api.message(&group, &members[0], &format!("/quiz@{BOT_USERNAME} 1"));
    let p = poll(api, mark, group.id).await;
    let id = api.poll_id_of(&p);
    let right = right_of(&p);
    // One after the other: the earlier, the more points.
    for m in &members {
        api.poll_answer(&id, m, right);
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    let podium = group_message(api, p.seq, group.id, "النتيجة النهائية").await;
    let text = podium.text();
    let placed: Vec<&str> = text.lines().filter(|l| l.contains("في المجموعة")).collect();
    assert_eq!(placed.len(), 10, "{text}");
    // Earlier is more points, or as many when two answers were received
    // together (then they share a place, 1, 2, 2, 4).
    let mut last = 0;
    for (i, line) in placed.iter().enumerate() {
        assert!(
            line.contains(&format!("Member{i:02}")),
            "row {i} is Member{i:02}: {text}"
        );
        let place: usize = line
            .split("المركز ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("a place on row {i}: {text}"));
        assert!(
            place == last || place == i + 1,
            "Member{i:02} is #{} in the group, or shares the place above: {text}",
            i + 1
        );
        last = place;
    }
    assert!(
        !text.contains("Member10") && !text.contains("Member11"),
        "{text}"
    );
    api.assert_valid();
    bot.stop().await;
}
