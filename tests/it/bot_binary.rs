//! `factquiz bot`, the built binary, pointed at the loopback Bot API server
//! with `TELOXIDE_API_URL`: a quiz, SIGKILL and restart, SIGTERM, metrics,
//! a missing token, and a token that never reaches the logs.

use std::sync::Arc;

use crate::bot::question;
use crate::botapi::{BotApi, Chat, TOKEN, User};
use crate::helpers::{factquiz, run};
use crate::process::{BotProcess, spawn};

/// A free loopback port (bound, read, released).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn spawn_bot(
    api: &BotApi,
    db: &crate::helpers::TestDb,
    log: std::path::PathBuf,
    metrics: Option<u16>,
) -> BotProcess {
    let addr = metrics.map(|port| format!("127.0.0.1:{port}"));
    let mut env = vec![("RUST_LOG", "trace")];
    if let Some(addr) = &addr {
        env.push(("FACTQUIZ_METRICS_ADDR", addr.as_str()));
    }
    spawn(api, db, log, &env)
}

async fn count(db: &crate::helpers::TestDb, sql: &'static str) -> i64 {
    crate::helpers::query(db, sql)
}

#[tokio::test]
async fn the_binary_plays_survives_sigkill_and_stops_on_sigterm_without_leaking_the_token() {
    let api = Arc::new(BotApi::start().await);
    let dir = tempfile::tempdir().expect("tempdir");
    let db = crate::helpers::TestDb::fresh(dir.path(), "bot.db");
    let port = free_port();
    let user = User::new(601, "Salma", "ar");
    let chat = Chat::private(&user);

    let bot = spawn_bot(&api, &db, dir.path().join("first.log"), Some(port));
    let mark = api.mark();
    api.message(&chat, &user, "/quiz 3");
    let q = question(&api, mark, chat.id).await;
    let mark = api.mark();
    let press = api.press(&user, &q, &q.buttons()[0]);
    api.wait_for(mark, "the card", |c| c.method == "editmessagetext")
        .await;
    question(&api, mark, chat.id).await;
    api.wait_confirmed(press).await;

    // Metrics, counted after the commit.
    let metrics = http_get(port, "/metrics").await;
    assert!(
        metrics.contains("factquiz_answers_recorded_total 1"),
        "{metrics}"
    );
    assert!(metrics.contains("factquiz_updates_total 2"), "{metrics}");
    assert!(
        metrics.contains("factquiz_update_handling_seconds_bucket"),
        "{metrics}"
    );
    assert_eq!(http_get(port, "/healthz").await.trim(), "ok");

    // SIGKILL mid-quiz: the recorded answer is there after a restart.
    bot.signal("-KILL");
    let (_, first_log) = bot.wait().await;
    assert_eq!(count(&db, "SELECT COUNT(*) FROM answers").await, 1);

    let bot = spawn_bot(&api, &db, dir.path().join("second.log"), None);
    let mark = api.mark();
    api.message(&chat, &user, "/me");
    let me = api
        .wait_for(mark, "the stats after the restart", |c| {
            c.method == "sendmessage" && c.text().contains("إحصاءاتك")
        })
        .await;
    assert!(me.text().contains("الأسئلة المجاب عنها: 1"), "{}", me.text());

    // SIGTERM: stop taking updates, finish, confirm, exit 0.
    let last = api.message(&chat, &user, "/help");
    api.wait_for(mark, "the help", |c| {
        c.method == "sendmessage" && c.text().contains("/lang")
    })
    .await;
    bot.signal("-TERM");
    let (code, second_log) = bot.wait().await;
    assert_eq!(code, 0, "{second_log}");
    assert!(
        api.confirmed() > last,
        "the handled updates are confirmed on the way out"
    );

    for log in [&first_log, &second_log] {
        assert!(
            log.contains("TRACE") && log.contains(&api.url[7..]),
            "trace logs of the HTTP client were on"
        );
        assert!(!log.contains('\u{1b}'), "no colour codes in a log file");
        assert!(!log.contains(TOKEN), "the token appears in a log line");
        let secret_part = TOKEN.split(':').nth(1).expect("token");
        assert!(
            !log.contains(secret_part),
            "part of the token appears in a log line"
        );
    }
    api.assert_valid();
}

pub async fn http_get(port: u16, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut out = String::new();
    stream.read_to_string(&mut out).await.expect("read");
    let (head, body) = out.split_once("\r\n\r\n").expect("a response");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    body.to_owned()
}

#[test]
fn without_a_token_the_bot_says_how_to_get_one() {
    let (code, out, err) = run(factquiz().arg("bot"));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("TELOXIDE_TOKEN is not set"), "{err}");
    assert!(err.contains("@BotFather"), "{err}");
    assert!(err.contains("factquiz play"), "{err}");

    let (code, _, err) = run(factquiz()
        .arg("bot")
        .env("TELOXIDE_TOKEN", "1:x")
        .env("FACTQUIZ_ROUND_SECONDS", "3"));
    assert_eq!(code, 2);
    assert!(err.contains("FACTQUIZ_ROUND_SECONDS `3` must be"), "{err}");
}

#[tokio::test]
async fn the_binary_in_webhook_mode_plays_survives_sigkill_and_keeps_its_secret_out_of_the_logs() {
    let api = Arc::new(BotApi::start().await);
    let dir = tempfile::tempdir().expect("tempdir");
    let db = crate::helpers::TestDb::fresh(dir.path(), "bot.db");
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let url = format!("http://{listen}/hook");
    let env = [
        ("RUST_LOG", "trace"),
        ("FACTQUIZ_WEBHOOK_URL", url.as_str()),
        ("FACTQUIZ_LISTEN", listen.as_str()),
    ];
    let user = User::new(602, "Nour", "en");
    let chat = Chat::private(&user);

    let bot = spawn(&api, &db, dir.path().join("first.log"), &env);
    let mark = api.mark();
    api.message(&chat, &user, "/quiz 3");
    let q = question(&api, mark, chat.id).await;
    let (_, secret) = api.webhook().expect("the webhook is set");
    let secret = secret.expect("with a secret token");
    assert!(secret.len() >= 32, "a derived secret: {}", secret.len());
    let mark = api.mark();
    api.press(&user, &q, &q.buttons()[0]);
    api.wait_for(mark, "the card", |c| c.method == "editmessagetext")
        .await;
    bot.signal("-KILL");
    let (_, first_log) = bot.wait().await;
    assert_eq!(count(&db, "SELECT COUNT(*) FROM answers").await, 1);

    // Started again, it sets the same webhook (the same derived secret).
    let bot = spawn(&api, &db, dir.path().join("second.log"), &env);
    let mark = api.mark();
    api.message(&chat, &user, "/me");
    let me = api
        .wait_for(mark, "the stats after the restart", |c| {
            c.method == "sendmessage" && c.text().contains("Questions answered")
        })
        .await;
    assert!(me.text().contains("Questions answered: 1"), "{}", me.text());
    assert_eq!(api.webhook().and_then(|(_, s)| s), Some(secret.clone()));
    assert!(api.calls_to("getUpdates").is_empty(), "it never polls");
    bot.signal("-TERM");
    let (code, second_log) = bot.wait().await;
    assert_eq!(code, 0, "{second_log}");
    for log in [&first_log, &second_log] {
        assert!(!log.contains(TOKEN), "the token appears in a log line");
        assert!(
            !log.contains(&secret),
            "the webhook's secret appears in a log line"
        );
    }
    api.assert_valid();
}
