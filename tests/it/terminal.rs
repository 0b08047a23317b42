//! The terminal quiz end to end through the real binary, piped: junk input,
//! early end of input, the leaderboard, and an answer that survives SIGKILL.

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::time::{Duration, Instant};

use factquiz::store::Store;

use crate::helpers::{factquiz, questions_dir, run, run_with_input};

fn play(
    db: &crate::helpers::TestDb,
    name: &str,
    questions: &str,
    input: &str,
) -> (i32, String, String) {
    run_with_input(
        factquiz()
            .args(["play", "--name", name, "--questions", questions])
            .env("DATABASE_URL", db.url())
            .env("FACTQUIZ_QUESTIONS", questions_dir()),
        input,
    )
}

fn verdicts(out: &str) -> usize {
    out.lines()
        .filter(|l| l.starts_with('✅') || l.starts_with('❌'))
        .count()
}

#[test]
fn a_piped_quiz_asks_again_on_junk_and_finishes_with_score_and_rank() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = crate::helpers::TestDb::fresh(tmp.path(), "play.db");
    // Valid for a claim (2 options) and a choice (4) alike.
    let (code, out, err) = play(&db, "Layla", "3", "x\n0\n5\n1\n٢\n2\n");
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.matches("أدخل رقماً من 1 إلى ").count(),
        3,
        "junk, 0 and 5 are asked again:\n{out}"
    );
    assert_eq!(verdicts(&out), 3, "{out}");
    assert!(out.contains("🏁 انتهى الاختبار"), "{out}");
    assert!(out.contains("🏆 ترتيبك العام: 1 من 1"), "{out}");
    assert!(
        out.contains("📖 من المقال"),
        "the source of the quote:\n{out}"
    );
    // Whatever articles the folder holds, each quote is one's verbatim text.
    let articles: Vec<String> = std::fs::read_dir(questions_dir())
        .expect("the questions folder")
        .map(|e| e.expect("an entry").path().join("article.txt"))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    for line in out.lines().filter(|l| l.starts_with('«')) {
        let quote = line.trim_start_matches('«').trim_end_matches('»');
        assert!(
            articles.iter().any(|a| a.contains(quote)),
            "a verbatim quote: {quote}"
        );
    }
    assert!(
        db.file().is_none_or(std::path::Path::exists),
        "the database file is created"
    );
}

#[test]
fn the_end_of_input_ends_the_quiz_and_keeps_what_was_answered() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = crate::helpers::TestDb::fresh(tmp.path(), "play.db");
    let (code, out, err) = play(&db, "Sami", "5", "2\n1\n");
    assert_eq!(code, 0, "{err}");
    assert_eq!(verdicts(&out), 2, "{out}");
    assert!(out.contains("⏹ أُوقف الاختبار"), "{out}");
    assert!(
        out.contains(" من 2 · الأسئلة: 5"),
        "two answered of five:\n{out}"
    );

    let (code, board, err) = run(factquiz()
        .args(["leaderboard", "--lang", "en"])
        .env("DATABASE_URL", db.url())
        .env("FACTQUIZ_QUESTIONS", questions_dir()));
    assert_eq!(code, 0, "{err}");
    assert!(
        board.starts_with("🏆 Overall leaderboard\n1. Sami — "),
        "{board}"
    );
    assert!(board.contains("/2)"), "two answered: {board}");
}

#[test]
fn an_english_player_sees_the_gloss() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = crate::helpers::TestDb::fresh(tmp.path(), "play.db");
    let mut cmd = factquiz();
    cmd.args(["play", "--name", "Ann", "--questions", "1", "--lang", "en"])
        .env("DATABASE_URL", db.url())
        .env("FACTQUIZ_QUESTIONS", questions_dir());
    let (code, out, err) = run(cmd.stdin(Stdio::null()));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("Welcome, Ann!"), "{out}");
    assert!(out.contains("Question 1 of 1"), "{out}");
    assert!(
        out.contains(" — "),
        "options carry their English gloss:\n{out}"
    );
}

#[test]
fn bad_arguments_are_refused_before_anything_runs() {
    let (code, _, err) = run(factquiz().args(["play", "--questions", "0"]));
    assert_eq!(code, 2);
    assert!(err.contains("--questions"), "{err}");
    let (code, _, err) = run(factquiz().args(["play", "--name", "  "]));
    assert_eq!(code, 2, "a usage error like the others");
    assert!(err.contains("the player name is empty"), "{err}");
    let tmp = tempfile::tempdir().expect("tempdir");
    let (code, _, err) = run(factquiz()
        .args(["play", "--name", "x"])
        .env("FACTQUIZ_QUESTIONS", tmp.path().join("none")));
    assert_eq!(code, 1);
    assert!(err.contains("cannot load the questions from"), "{err}");
    assert!(err.contains("set FACTQUIZ_QUESTIONS"), "{err}");
}

/// An answer acknowledged on screen is in the database after SIGKILL.
#[tokio::test]
async fn an_acknowledged_answer_survives_sigkill() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = crate::helpers::TestDb::fresh(tmp.path(), "kill.db");
    let mut child = factquiz()
        .args(["play", "--name", "Killed", "--questions", "5"])
        .env("DATABASE_URL", db.url())
        .env("FACTQUIZ_QUESTIONS", questions_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    stdin.write_all(b"1\n").expect("write");
    stdin.flush().expect("flush");
    // Read until the verdict is printed: the answer is committed by then.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line.starts_with('✅') || line.starts_with('❌') {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(30))
        .expect("a verdict is printed");
    let started = Instant::now();
    child.kill().expect("SIGKILL"); // Child::kill sends SIGKILL on Unix
    child.wait().expect("reaped");
    drop(stdin);
    assert!(started.elapsed() < Duration::from_secs(5));

    // The database opens after a kill: nothing is half-written.
    Store::open(db.url())
        .await
        .expect("reopens after a kill")
        .close()
        .await;
    let answers: i64 = crate::helpers::query(&db, "SELECT COUNT(*) FROM answers");
    assert_eq!(answers, 1);
    let answered: i64 = crate::helpers::query(
        &db,
        "SELECT answered FROM standings WHERE scope = 0 AND period = 0 AND article = ''",
    );
    assert_eq!(answered, 1);
    let running: String = crate::helpers::query(&db, "SELECT state FROM quizzes");
    assert_eq!(running, "running", "killed mid-quiz: a new quiz stops it");
}
