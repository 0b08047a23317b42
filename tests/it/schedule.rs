//! Scheduled group quizzes (issue 14): set by admins only, in the group's
//! time zone; a quiz on the newest article at that time, once a day, across
//! a restart and across midnight, and not on a day a quiz is running. The
//! bot runs on a manual clock that the test moves.

use std::sync::Arc;
use std::time::Duration;

use factquiz::config::SendLimits;
use factquiz::service::{Clock, ManualClock};

use crate::bot::Running;
use crate::botapi::{BOT_USERNAME, BotApi, Call, Chat, User};
use crate::helpers::query;

/// 2026-12-03 19:58 UTC: 20:58 in Tunis (UTC+1, no summer time).
const START_MS: i64 = 1_796_327_880_000;
const MINUTE: i64 = 60_000;
const DAY: i64 = 24 * 60 * MINUTE;

async fn reply(api: &BotApi, after: usize, chat: i64) -> Call {
    api.wait_for(after, "a reply", |c| {
        c.method == "sendmessage" && c.chat() == chat
    })
    .await
}

fn group_quizzes(bot: &Running) -> i64 {
    query(&bot.db, "SELECT COUNT(*) FROM quizzes WHERE mode = 'group'")
}

/// Waits long enough for the scheduler (every 2 s) to have looked twice.
async fn let_the_scheduler_look() {
    tokio::time::sleep(Duration::from_millis(4500)).await;
}

#[tokio::test]
async fn a_daily_quiz_starts_once_a_day_in_the_groups_time_zone_across_restarts_and_midnight() {
    let api = Arc::new(BotApi::start().await);
    let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
    let db = crate::helpers::TestDb::fresh(dir.path(), "bot.db");
    let clock = Arc::new(ManualClock::new(START_MS));
    let settings = || (SendLimits::Off, 5, None);
    let mut bot = Running::start_clocked(
        api.clone(),
        db.clone(),
        dir.clone(),
        settings(),
        clock.clone(),
    )
    .await;
    let group = Chat::supergroup(-100_950);
    let (admin, member) = (User::new(950, "Rania", "ar"), User::new(951, "Sami", "ar"));
    api.set_admins(group.id, &[admin.id]);

    // Only an admin sets it; anyone may see it.
    let mark = api.mark();
    api.message(
        &group,
        &member,
        &format!("/schedule@{BOT_USERNAME} daily 21:00"),
    );
    let refused = reply(&api, mark, group.id).await;
    assert!(
        refused.text().contains("مشرفو المجموعة"),
        "{}",
        refused.text()
    );
    let mark = api.mark();
    api.message(
        &group,
        &admin,
        &format!("/schedule@{BOT_USERNAME} tz Africa/Tunis"),
    );
    assert!(
        reply(&api, mark, group.id)
            .await
            .text()
            .contains("Africa/Tunis")
    );
    let mark = api.mark();
    api.message(
        &group,
        &admin,
        &format!("/schedule@{BOT_USERNAME} daily 21:00"),
    );
    let set = reply(&api, mark, group.id).await;
    assert!(
        set.text().contains("21:00") && set.text().contains("Africa/Tunis"),
        "{}",
        set.text()
    );
    let mark = api.mark();
    api.message(&group, &member, &format!("/schedule@{BOT_USERNAME}"));
    assert!(reply(&api, mark, group.id).await.text().contains("21:00"));
    let mark = api.mark();
    api.message(
        &group,
        &admin,
        &format!("/schedule@{BOT_USERNAME} tz Mars/Olympus"),
    );
    assert!(
        reply(&api, mark, group.id)
            .await
            .text()
            .contains("Mars/Olympus")
    );

    // 20:58 in Tunis: not yet.
    let_the_scheduler_look().await;
    assert_eq!(group_quizzes(&bot), 0);

    // 21:01: the daily quiz, on the newest article.
    clock.advance(3 * MINUTE);
    let mark = api.mark();
    let started = api
        .wait_for(mark, "the daily quiz", |c| {
            c.method == "sendmessage"
                && c.chat() == group.id
                && c.text().contains("اختبار المجموعة اليومي")
        })
        .await;
    api.wait_for(started.seq, "its first poll", |c| {
        c.method == "sendpoll" && c.chat() == group.id
    })
    .await;
    assert_eq!(group_quizzes(&bot), 1);
    let mut articles: Vec<String> =
        crate::helpers::query_all::<String>(&bot.db, "SELECT question_id FROM served")
            .iter()
            .map(|id| id.split('/').next().unwrap_or_default().to_owned())
            .collect();
    articles.dedup();
    assert_eq!(articles, ["putin-north-korea-visit"]);

    // A restart at 21:02 does not start it again.
    let stopped = bot.stop().await;
    clock.advance(MINUTE);
    bot = Running::start_clocked(stopped, db.clone(), dir.clone(), settings(), clock.clone()).await;
    let_the_scheduler_look().await;
    assert_eq!(group_quizzes(&bot), 1, "one quiz a day, across a restart");

    // The quiz ends; past midnight nothing starts until 21:00 comes again.
    let mark = api.mark();
    api.message(&group, &admin, &format!("/stop@{BOT_USERNAME}"));
    reply(&api, mark, group.id).await;
    clock.advance(3 * 60 * MINUTE); // 00:02, the 4th
    let_the_scheduler_look().await;
    assert_eq!(group_quizzes(&bot), 1, "not at midnight");
    clock.advance(DAY - 3 * 60 * MINUTE); // 21:02, the 4th
    let mark = api.mark();
    api.wait_for(mark, "the next day's quiz", |c| {
        c.method == "sendmessage"
            && c.chat() == group.id
            && c.text().contains("اختبار المجموعة اليومي")
    })
    .await;
    assert_eq!(group_quizzes(&bot), 2);
    let mark = api.mark();
    api.message(&group, &admin, &format!("/stop@{BOT_USERNAME}"));
    reply(&api, mark, group.id).await;

    // The 5th: a member's quiz is running at 21:00, so the day passes.
    clock.advance(DAY - 10 * MINUTE); // 20:52, the 5th
    let mark = api.mark();
    api.message(&group, &member, &format!("/quiz@{BOT_USERNAME} 2"));
    api.wait_for(mark, "the member's quiz", |c| {
        c.method == "sendpoll" && c.chat() == group.id
    })
    .await;
    clock.advance(10 * MINUTE); // 21:02
    let_the_scheduler_look().await;
    assert_eq!(
        group_quizzes(&bot),
        3,
        "the member's, and none of the schedule's"
    );
    let day: String = query(&bot.db, "SELECT last_day FROM schedules");
    assert_eq!(day, "2026-12-05", "the day passed, and counts as done");

    // Off: nothing more.
    let mark = api.mark();
    api.message(&group, &admin, &format!("/schedule@{BOT_USERNAME} off"));
    reply(&api, mark, group.id).await;
    let minutes: Option<i64> = query(&bot.db, "SELECT minutes FROM schedules");
    assert_eq!(minutes, None);
    assert!(clock.now_ms() > START_MS);
    api.assert_valid();
    bot.stop().await;
}
