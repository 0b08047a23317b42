//! The catalogue of articles (issue 14): `/articles`, a quiz about one
//! article that never mixes two, facts a player has not answered first, a
//! group that gets facts it has not had, and leaderboards of one article or
//! of this week; `play --article` and `leaderboard --article` too. The
//! repository's folder holds two articles: the seed (2024) and the Paris
//! agreement (2017).

use std::collections::HashSet;

use factquiz::config::SendLimits;

use crate::bot::{Running, press, question, right_option};
use crate::botapi::{BOT_USERNAME, BotApi, Call, Chat, User};
use crate::helpers::{factquiz, query_all, query_with, run_with_input};

const SEED: &str = "putin-north-korea-visit";
const PARIS: &str = "trump-paris-climate-withdrawal";

/// The articles of the questions a quiz serves.
fn articles_of_quiz(bot: &Running, quiz: i64) -> HashSet<String> {
    query_all::<String>(
        &bot.db,
        &format!("SELECT question_id FROM served WHERE quiz_id = {quiz}"),
    )
    .into_iter()
    .map(|id| id.split('/').next().unwrap_or_default().to_owned())
    .collect()
}

/// The facts (`article/fact`) a quiz serves.
fn facts_of_quiz(bot: &Running, quiz: i64) -> HashSet<String> {
    query_all::<String>(
        &bot.db,
        &format!("SELECT question_id FROM served WHERE quiz_id = {quiz}"),
    )
    .into_iter()
    .map(|id| id.trim_end_matches("/claim").to_owned())
    .collect()
}

/// The quiz a question message belongs to.
fn quiz_of(bot: &Running, q: &Call) -> i64 {
    query_with(
        &bot.db,
        "SELECT quiz_id FROM served WHERE id = ?1",
        [crate::bot::served_of(q)],
    )
}

/// Answers every question of a private quiz, right.
async fn play_through(bot: &Running, user: &User, mut q: Call) {
    loop {
        let choice = right_option(bot, &q);
        let (_, card) = press(&bot.api, user, &q, choice).await;
        if card.buttons().is_empty() {
            return;
        }
        q = card;
    }
}

#[tokio::test]
async fn articles_newest_first_and_a_quiz_never_mixes_them() {
    let bot = Running::start().await;
    let api = &bot.api;
    let user = User::new(901, "Hana", "ar");
    let chat = Chat::private(&user);

    let mark = api.mark();
    api.message(&chat, &user, "/articles");
    let list = api
        .wait_for(mark, "the catalogue", |c| c.method == "sendmessage")
        .await;
    let text = list.text();
    let (seed_at, paris_at) = (
        text.find("زيارة بوتين إلى كوريا الشمالية")
            .expect("the seed is listed"),
        text.find("ترامب واتفاقية باريس")
            .expect("the Paris article is listed"),
    );
    assert!(seed_at < paris_at, "newest first: {text}");
    assert!(
        text.contains("2024-06-18") && text.contains("أجبت عن 0"),
        "{text}"
    );
    assert_eq!(
        list.buttons(),
        [format!("q:{SEED}"), format!("q:{PARIS}")],
        "a button per article"
    );

    // A press on the Paris button: a quiz on it, its card naming it.
    let mark = api.mark();
    api.press(&user, &list, &format!("q:{PARIS}"));
    let q = question(api, mark, chat.id).await;
    assert!(
        q.text().contains("📰 «ترامب واتفاقية باريس للمناخ»"),
        "{}",
        q.text()
    );
    assert_eq!(
        articles_of_quiz(&bot, quiz_of(&bot, &q)),
        [PARIS.to_owned()].into()
    );
    play_through(&bot, &user, q).await;

    // `/quiz` alone is the newest article; `/quiz <slug> n` the one named.
    let mark = api.mark();
    api.message(&chat, &user, "/quiz 4");
    let q = question(api, mark, chat.id).await;
    assert_eq!(
        articles_of_quiz(&bot, quiz_of(&bot, &q)),
        [SEED.to_owned()].into()
    );
    assert!(
        q.text().contains("📰 «زيارة بوتين إلى كوريا الشمالية»"),
        "{}",
        q.text()
    );
    let mark = api.mark();
    api.message(&chat, &user, &format!("/quiz {PARIS} 3"));
    let q = question(api, mark, chat.id).await;
    let quiz = quiz_of(&bot, &q);
    assert_eq!(articles_of_quiz(&bot, quiz), [PARIS.to_owned()].into());
    assert_eq!(facts_of_quiz(&bot, quiz).len(), 3);

    // A name the catalogue does not have: the list, politely.
    let mark = api.mark();
    api.message(&chat, &user, "/quiz no-such-article");
    let reply = api
        .wait_for(mark, "the list", |c| c.method == "sendmessage")
        .await;
    assert!(
        reply.text().contains("لا يوجد مقال بهذا الاسم"),
        "{}",
        reply.text()
    );
    assert!(reply.text().contains(PARIS) && reply.text().contains(SEED));

    // The catalogue counts what was answered.
    let mark = api.mark();
    api.message(&chat, &user, "/articles");
    let list = api
        .wait_for(mark, "the catalogue again", |c| c.method == "sendmessage")
        .await;
    assert!(list.text().contains("أجبت عن 5"), "{}", list.text());
    api.assert_valid();
    bot.stop().await;
}

#[tokio::test]
async fn a_player_gets_the_facts_they_have_not_answered_first() {
    let bot = Running::start().await;
    let api = &bot.api;
    let user = User::new(902, "Iyad", "en");
    let chat = Chat::private(&user);
    let corpus = factquiz::facts::Corpus::load(&crate::helpers::questions_dir()).expect("load");
    let all: HashSet<String> = corpus
        .articles
        .iter()
        .filter(|a| a.article.slug() == PARIS)
        .flat_map(|a| a.facts.iter().filter(|f| !f.review))
        .map(|f| format!("{PARIS}/{}", f.id))
        .collect();
    let mut seen: HashSet<String> = HashSet::new();
    // Until every fact has been asked once, each quiz asks only new ones;
    // the one that runs out asks every fact left, then some again.
    for round in 0..all.len().div_ceil(5) + 1 {
        let mark = api.mark();
        api.message(&chat, &user, &format!("/quiz {PARIS} 5"));
        let q = question(api, mark, chat.id).await;
        let facts = facts_of_quiz(&bot, quiz_of(&bot, &q));
        assert_eq!(facts.len(), 5.min(all.len()));
        let left: HashSet<String> = all.difference(&seen).cloned().collect();
        if left.len() >= 5 {
            assert!(
                facts.is_disjoint(&seen),
                "quiz {round}: asked again {:?} though unanswered facts remain",
                facts.intersection(&seen).collect::<Vec<_>>()
            );
        } else {
            assert!(
                facts.is_superset(&left),
                "quiz {round}: the facts left first"
            );
        }
        seen.extend(facts);
        play_through(&bot, &user, q).await;
    }
    assert_eq!(seen, all, "every fact asked");
    bot.stop().await;
}

#[tokio::test]
async fn a_group_gets_the_facts_it_has_not_had_and_its_boards_by_article_and_week() {
    let bot = Running::start_with(BotApi::start().await, SendLimits::Off, 5, None).await;
    let api = &bot.api;
    let group = Chat::supergroup(-100_901);
    let member = User::new(903, "Jad", "ar");
    let mut had: HashSet<String> = HashSet::new();
    for round in 0..2 {
        let mark = api.mark();
        api.message(&group, &member, &format!("/quiz@{BOT_USERNAME} {PARIS} 2"));
        for _ in 0..2 {
            let poll = api
                .wait_for(mark, "a poll", |c| {
                    c.method == "sendpoll"
                        && c.chat() == group.id
                        && !had.contains(&c.body["question"].to_string())
                })
                .await;
            had.insert(poll.body["question"].to_string());
            let right = usize::try_from(poll.body["correct_option_id"].as_u64().expect("quiz"))
                .expect("index");
            api.poll_answer(&api.poll_id_of(&poll), &member, right);
        }
        api.wait_for(mark, "the podium", |c| {
            c.method == "sendmessage" && c.chat() == group.id && c.text().contains("🏆")
        })
        .await;
        let quizzes: Vec<i64> = query_all(
            &bot.db,
            "SELECT id FROM quizzes WHERE mode = 'group' ORDER BY id",
        );
        assert_eq!(quizzes.len(), round + 1);
        let facts = facts_of_quiz(&bot, quizzes[round]);
        assert!(articles_of_quiz(&bot, quizzes[round]) == [PARIS.to_owned()].into());
        if round == 1 {
            let first = facts_of_quiz(&bot, quizzes[0]);
            assert!(
                facts.is_disjoint(&first),
                "the group had {first:?}, got {facts:?}"
            );
        }
    }

    // The group's board of this article, and of this week.
    let mark = api.mark();
    api.message(&group, &member, &format!("/top@{BOT_USERNAME} {PARIS}"));
    let board = api
        .wait_for(mark, "the article's board", |c| {
            c.method == "sendmessage" && c.chat() == group.id
        })
        .await;
    assert!(
        board.text().contains("ترامب واتفاقية باريس"),
        "{}",
        board.text()
    );
    assert!(board.text().contains("Jad"), "{}", board.text());
    let mark = api.mark();
    api.message(&group, &member, &format!("/top@{BOT_USERNAME} {SEED}"));
    let empty = api
        .wait_for(mark, "the other article's board", |c| {
            c.method == "sendmessage" && c.chat() == group.id
        })
        .await;
    assert!(
        !empty.text().contains("Jad"),
        "nobody played it: {}",
        empty.text()
    );
    let mark = api.mark();
    api.message(&group, &member, &format!("/top@{BOT_USERNAME} week"));
    let week = api
        .wait_for(mark, "this week's board", |c| {
            c.method == "sendmessage" && c.chat() == group.id
        })
        .await;
    assert!(
        week.text().contains("هذا الأسبوع") && week.text().contains("Jad"),
        "{}",
        week.text()
    );
    api.assert_valid();
    bot.stop().await;
}

#[test]
fn play_and_leaderboard_take_an_article() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = crate::helpers::TestDb::fresh(dir.path(), "cli.db");
    let url = db.url();
    let (code, out, err) = run_with_input(
        factquiz().env("DATABASE_URL", url).args([
            "play",
            "--name",
            "Kamal",
            "--questions",
            "2",
            "--article",
            PARIS,
        ]),
        "1\n1\n",
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("📰"), "the question names its article: {out}");
    let mut articles: Vec<String> = query_all::<String>(&db, "SELECT question_id FROM served")
        .iter()
        .map(|id| id.split('/').next().unwrap_or_default().to_owned())
        .collect();
    articles.dedup();
    assert_eq!(articles, [PARIS]);
    let (code, out, _) = run_with_input(
        factquiz()
            .env("DATABASE_URL", url)
            .args(["leaderboard", "--article", PARIS]),
        "",
    );
    assert_eq!(code, 0);
    assert!(out.contains("Kamal"), "{out}");
    let (code, out, _) = run_with_input(
        factquiz()
            .env("DATABASE_URL", url)
            .args(["leaderboard", "--article", SEED]),
        "",
    );
    assert_eq!(code, 0);
    assert!(!out.contains("Kamal"), "{out}");
    // The newsroom's view of what Kamal answered.
    let (code, out, err) = run_with_input(
        factquiz()
            .env("DATABASE_URL", url)
            .args(["stats", "--article", PARIS, "--json"]),
        "",
    );
    assert_eq!(code, 0, "{err}");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 2, "{out}");
    for fact in &lines {
        assert_eq!(fact["article"], PARIS);
        assert_eq!(
            (fact["asked"].as_i64(), fact["answers"].as_i64()),
            (Some(1), Some(1))
        );
        let right = fact["right_share"].as_f64().expect("a share");
        assert!(right == 0.0 || right == 1.0, "{fact}");
        assert_eq!(fact["top_wrong"].is_null(), right == 1.0, "{fact}");
        assert!(fact["median_ms"].as_i64().is_some(), "{fact}");
    }
    let (code, out, _) = run_with_input(
        factquiz()
            .env("DATABASE_URL", url)
            .args(["stats", "--lang", "en"]),
        "",
    );
    assert_eq!(code, 0);
    assert!(out.starts_with("fact · asked · answers"), "{out}");
    assert!(out.contains(&format!("{PARIS}/")), "{out}");
    let (code, _, err) = run_with_input(
        factquiz().env("DATABASE_URL", url).args([
            "play",
            "--name",
            "Kamal",
            "--article",
            "nowhere",
        ]),
        "",
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("there is no article `nowhere`") && err.contains(PARIS),
        "{err}"
    );
}

#[tokio::test]
async fn a_shared_link_starts_a_quiz_on_its_article_privately_or_in_a_group() {
    let bot = Running::start_with(BotApi::start().await, SendLimits::Off, 5, None).await;
    let api = &bot.api;
    let user = User::new(904, "Lina", "en");
    let chat = Chat::private(&user);

    let mark = api.mark();
    api.message(&chat, &user, &format!("/share {PARIS}"));
    let links = api
        .wait_for(mark, "the links", |c| c.method == "sendmessage")
        .await;
    let text = links.text();
    assert!(
        text.contains(&format!("https://t.me/{BOT_USERNAME}?start={PARIS}"))
            && text.contains(&format!("https://t.me/{BOT_USERNAME}?startgroup={PARIS}")),
        "{text}"
    );
    let mark = api.mark();
    api.message(&chat, &user, "/share");
    let newest = api
        .wait_for(mark, "the newest article's links", |c| {
            c.method == "sendmessage"
        })
        .await;
    assert!(
        newest.text().contains(&format!("?start={SEED}")),
        "{}",
        newest.text()
    );

    // What Telegram sends when the link is opened: `/start <slug>`.
    let mark = api.mark();
    api.message(&chat, &user, &format!("/start {PARIS}"));
    let q = question(api, mark, chat.id).await;
    assert_eq!(
        articles_of_quiz(&bot, quiz_of(&bot, &q)),
        [PARIS.to_owned()].into()
    );

    // A payload the catalogue does not have: the list.
    let mark = api.mark();
    api.message(&chat, &user, "/start nothing-here");
    let list = api
        .wait_for(mark, "the list", |c| c.method == "sendmessage")
        .await;
    assert!(
        list.text().contains("There is no article by that name"),
        "{}",
        list.text()
    );

    // In a group the bot was added to by the link: a group quiz on it.
    let group = Chat::supergroup(-100_904);
    let mark = api.mark();
    api.message(&group, &user, &format!("/start@{BOT_USERNAME} {PARIS}"));
    api.wait_for(mark, "a poll", |c| {
        c.method == "sendpoll" && c.chat() == group.id
    })
    .await;
    let quiz: i64 = query_with(
        &bot.db,
        "SELECT id FROM quizzes WHERE mode = 'group' AND chat_id = (SELECT id FROM chats WHERE telegram_id = ?1)",
        [group.id],
    );
    assert_eq!(articles_of_quiz(&bot, quiz), [PARIS.to_owned()].into());
    api.assert_valid();
    bot.stop().await;
}

#[tokio::test]
async fn forget_deletes_a_players_answers_and_place_after_a_confirmation() {
    let bot = Running::start().await;
    let api = &bot.api;
    let (mona, nour) = (User::new(905, "Mona", "en"), User::new(906, "Nour", "en"));
    for user in [&mona, &nour] {
        let chat = Chat::private(user);
        let mark = api.mark();
        api.message(&chat, user, "/quiz 2");
        let q = question(api, mark, chat.id).await;
        play_through(&bot, user, q).await;
    }
    let chat = Chat::private(&mona);
    let mark = api.mark();
    api.message(&chat, &mona, "/forget");
    let ask = api
        .wait_for(mark, "the confirmation", |c| c.method == "sendmessage")
        .await;
    assert_eq!(ask.buttons(), ["f:yes", "f:no"]);

    // «No»: nothing changes.
    let mark = api.mark();
    api.press(&mona, &ask, "f:no");
    let kept = api
        .wait_for(mark, "kept", |c| c.method == "editmessagetext")
        .await;
    assert!(
        kept.text().contains("Nothing was deleted"),
        "{}",
        kept.text()
    );
    assert_eq!(
        query_with::<i64>(
            &bot.db,
            "SELECT COUNT(*) FROM answers a JOIN players p ON p.id = a.player_id WHERE p.external_id = ?1",
            ["905"]
        ),
        2
    );

    // «Yes»: answers, standings and profile go; /me starts from zero, and
    // /top no longer has her.
    let mark = api.mark();
    api.press(&mona, &ask, "f:yes");
    let gone = api
        .wait_for(mark, "forgotten", |c| c.method == "editmessagetext")
        .await;
    assert!(gone.text().contains("deleted"), "{}", gone.text());
    let left: i64 = query_with(
        &bot.db,
        "SELECT COUNT(*) FROM players WHERE external_id = ?1",
        ["905"],
    );
    assert_eq!(left, 0);
    let mark = api.mark();
    api.message(&chat, &mona, "/me");
    let me = api
        .wait_for(mark, "the stats", |c| c.method == "sendmessage")
        .await;
    assert!(me.text().contains("Questions answered: 0"), "{}", me.text());
    let mark = api.mark();
    api.message(&chat, &mona, "/top");
    let top = api
        .wait_for(mark, "the board", |c| c.method == "sendmessage")
        .await;
    assert!(
        top.text().contains("Nour") && !top.text().contains("Mona"),
        "{}",
        top.text()
    );
    crate::helpers::assert_score_counts_agree(&bot.db);
    api.assert_valid();
    bot.stop().await;
}
