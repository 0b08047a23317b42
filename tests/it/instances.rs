//! Several `factquiz bot` processes in webhook mode on one PostgreSQL
//! database, behind a round-robin balancer, behave as one bot (issue 15):
//! all of them receive, the one that leads handles and sends, and when it
//! is killed another takes over with nothing lost and nothing done twice.
//! PostgreSQL only (`.ci/with-postgres`): SQLite is one process's database.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use crate::bot::served_of;
use crate::botapi::{BotApi, Chat, User, balancer};
use crate::crash::Players;
use crate::helpers::{TestDb, query};
use crate::process::{BotProcess, spawn};

/// `n` free addresses, all different (each held until all are found).
fn free_addrs(n: usize) -> Vec<SocketAddr> {
    let held: Vec<std::net::TcpListener> = (0..n)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").expect("a free port"))
        .collect();
    held.iter()
        .map(|l| l.local_addr().expect("its address"))
        .collect()
}

fn log_of(dir: &std::path::Path, i: usize) -> std::path::PathBuf {
    dir.join(format!("instance-{i}.log"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_behind_a_balancer_play_as_one_bot_through_a_sigkill() {
    const PLAYERS: u64 = 100;
    const QUESTIONS: usize = 5;
    const ROUNDS: usize = 3;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = TestDb::fresh(dir.path(), "bot.db");
    if !db.is_postgres() {
        eprintln!("on PostgreSQL only (.ci/with-postgres)");
        return;
    }
    let api = Arc::new(BotApi::start().await);
    let mut listens = free_addrs(6);
    let metrics = listens.split_off(3);
    let (front, taken) = balancer(listens.clone()).await;
    let url = format!("http://{front}/telegram/hook");
    let mut instances: Vec<Option<BotProcess>> = listens
        .iter()
        .enumerate()
        .map(|(i, listen)| {
            let (listen, metrics) = (listen.to_string(), metrics[i].to_string());
            Some(spawn(
                &api,
                &db,
                log_of(dir.path(), i),
                &[
                    ("FACTQUIZ_WEBHOOK_URL", url.as_str()),
                    ("FACTQUIZ_LISTEN", listen.as_str()),
                    ("FACTQUIZ_METRICS_ADDR", metrics.as_str()),
                    ("FACTQUIZ_ROUND_SECONDS", "5"),
                ],
            ))
        })
        .collect();

    // A group quiz, its three members answering every round right.
    let group = Chat::supergroup(-100_777);
    let members: Vec<User> = (0..3).map(|i| User::new(31_000 + i, "m", "ar")).collect();
    let group_quiz = {
        let api = api.clone();
        let (members, group) = (members.clone(), group.clone());
        tokio::spawn(async move {
            let mark = api.mark();
            api.message(&group, &members[0], &format!("/quiz {ROUNDS}"));
            let mut after = mark;
            for _ in 0..ROUNDS {
                let poll = api
                    .wait_for(after, "a round's poll", |c| {
                        c.method == "sendpoll" && c.chat() == group.id
                    })
                    .await;
                after = poll.seq + 1;
                let right = usize::try_from(
                    poll.body["correct_option_id"]
                        .as_u64()
                        .expect("a quiz poll"),
                )
                .expect("an index");
                for m in &members {
                    api.poll_answer(&api.poll_id_of(&poll), m, right);
                }
            }
            api.wait_for(after, "the podium", |c| {
                c.chat() == group.id && c.text().contains("النتيجة النهائية")
            })
            .await
        })
    };
    // A hundred private players at once.
    let players = Players::start(&api, &db, 30_000, PLAYERS, QUESTIONS);

    // Mid-run, the leader dies.
    players.a_third_pressed().await;
    let leader = (0..3)
        .find(|&i| {
            std::fs::read_to_string(log_of(dir.path(), i))
                .is_ok_and(|log| log.contains("leading: handling and sending"))
        })
        .expect("one instance leads");
    let killed_log = instances[leader].take().expect("running").kill().await;

    players.finish().await;
    let podium = group_quiz.await.expect("the group quiz finished");
    let took_over = (0..3)
        .filter(|&i| i != leader)
        .filter(|&i| {
            std::fs::read_to_string(log_of(dir.path(), i))
                .is_ok_and(|log| log.contains("leading: handling and sending"))
        })
        .count();
    assert_eq!(took_over, 1, "one instance took the lead over");
    // And says so: of the two left, one leads and one stands by.
    let mut leading = Vec::new();
    for (i, addr) in metrics.iter().enumerate().filter(|&(i, _)| i != leader) {
        let text = crate::bot_binary::http_get(addr.port(), "/metrics").await;
        let value = text
            .lines()
            .find_map(|l| l.strip_prefix("factquiz_leading "))
            .unwrap_or_else(|| panic!("instance {i} has no factquiz_leading: {text}"))
            .trim()
            .to_owned();
        leading.push(value);
    }
    leading.sort();
    assert_eq!(leading, ["0", "1"]);
    assert!(
        podium.text().contains("النتيجة النهائية"),
        "{}",
        podium.text()
    );

    // Every answer counted exactly once.
    let solo: i64 = query(
        &db,
        "SELECT COUNT(*) FROM answers a JOIN quizzes q ON q.id = a.quiz_id WHERE q.mode = 'solo'",
    );
    assert_eq!(solo, (PLAYERS as usize * QUESTIONS) as i64);
    let in_group: i64 = query(
        &db,
        "SELECT COUNT(*) FROM answers a JOIN quizzes q ON q.id = a.quiz_id WHERE q.mode = 'group'",
    );
    assert_eq!(in_group, (ROUNDS * members.len()) as i64);
    let most: i64 = query(
        &db,
        "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM answers GROUP BY served_id, player_id) AS each",
    );
    assert_eq!(most, 1);
    // Every quiz finished; every round closed, and announced, once.
    assert_eq!(
        query::<i64>(
            &db,
            "SELECT COUNT(*) FROM quizzes WHERE state <> 'finished'"
        ),
        0
    );
    let calls = api.calls();
    for round in 1..=ROUNDS {
        let said = calls
            .iter()
            .filter(|c| {
                c.method == "sendmessage"
                    && c.chat() == group.id
                    && c.text()
                        .contains(&format!("انتهى السؤال {round} من {ROUNDS}"))
            })
            .count();
        assert_eq!(said, 1, "round {round} announced {said} times");
    }
    // No chat's messages out of order: each private chat's questions come
    // in the order of its quiz (a request in flight when the leader died
    // may come twice, never before one it follows).
    let mut last_served: HashMap<i64, i64> = HashMap::new();
    for c in calls
        .iter()
        .filter(|c| c.chat() > 0 && !c.buttons().is_empty())
    {
        let served = served_of(c);
        let last = last_served.entry(c.chat()).or_default();
        assert!(
            served >= *last,
            "chat {}: question {served} after {last}",
            c.chat()
        );
        *last = served;
    }
    // The balancer spread the posts over the three, and no update was
    // refused for good.
    let spread: Vec<usize> = taken.iter().map(|n| n.load(Ordering::Relaxed)).collect();
    assert!(
        spread.iter().all(|&n| n > 0),
        "posts per instance: {spread:?}"
    );
    println!("posts per instance {spread:?}; instance {leader} (the leader) killed mid-run");

    for bot in instances.iter_mut().filter_map(Option::take) {
        bot.signal("-TERM");
        let (code, log) = bot.wait().await;
        assert_eq!(code, 0, "{log}");
        assert!(!log.contains("panicked"), "{log}");
    }
    assert!(!killed_log.contains("panicked"));
    api.assert_valid();
}
