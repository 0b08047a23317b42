//! A newcomer's first hour, through the real binary: each rough edge they
//! hit (a closed pipe, a database file copied alone, database errors, a
//! leaderboard away from the questions, an article with no facts, a quiz
//! longer than the bank, Ctrl-C, drafts, the English gloss, help and names).

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use crate::helpers::{
    SMALL_ARTICLE as ARTICLE, factquiz, lines_of, questions_dir, run, run_with_input, wait_line,
};

/// One reviewed fact with an English gloss, and one awaiting review.
const FACTS: &str = r#"
[[fact]]
id = "arrival-day"
kind = "date"
type = "date"
answer = "الثلاثاء"
quote = 'إلى كوريا الشمالية، الثلاثاء'
question = "في أي يوم وصل بوتين؟"
question_en = "On which day did Putin arrive?"
answer_en = "Tuesday"

[[fact]]
id = "until-day"
kind = "date"
type = "date"
answer = "الأربعاء"
quote = 'حتى يوم غد الأربعاء'
question = "حتى أي يوم تستمر الزيارة؟"
review = true
"#;

/// A questions folder of one small article.
fn small_folder(dir: &Path, facts: &str) -> std::path::PathBuf {
    let questions = dir.join("questions");
    let article = questions.join("small-article");
    fs::create_dir_all(&article).expect("mkdir");
    fs::write(article.join("article.txt"), ARTICLE).expect("write article");
    fs::write(article.join("facts.toml"), facts).expect("write facts");
    questions
}

/// The lines `questions export` prints for `questions` with `args`.
fn export_lines(questions: &Path, args: &[&str]) -> Vec<String> {
    let (code, out, err) = run(factquiz()
        .args(["questions", "export"])
        .args(args)
        .env("FACTQUIZ_QUESTIONS", questions));
    assert_eq!(code, 0, "{err}");
    out.lines().map(str::to_owned).collect()
}

/// `play` with the given input, in `dir`, on `questions`.
fn play_in(
    dir: &Path,
    questions: &Path,
    args: &[&str],
    input: &str,
    env: &[(&str, &str)],
) -> (i32, String, String) {
    run_with_input(
        factquiz()
            .arg("play")
            .args(args)
            .current_dir(dir)
            .env("FACTQUIZ_QUESTIONS", questions)
            .envs(env.iter().copied()),
        input,
    )
}

#[test]
fn a_closed_pipe_ends_a_command_quietly_with_exit_0() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The reading end is closed before the command writes anything: every
    // write meets a closed pipe (`| head` that has read its lines).
    for args in [
        &["questions", "export", "--seed", "1"][..],
        &["play", "--name", "Sam", "--questions", "2"][..],
    ] {
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        let out = factquiz()
            .args(args)
            .current_dir(dir.path())
            .env("FACTQUIZ_QUESTIONS", questions_dir())
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("Broken pipe"), "{args:?}: {err}");
    }
}

#[test]
fn after_play_the_database_file_alone_holds_the_scores() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, err) = play_in(
        dir.path(),
        &questions_dir(),
        &["--name", "Copyist", "--questions", "2"],
        "1\n1\n",
        &[],
    );
    assert_eq!(code, 0, "{err}");
    // The README's backup: copy the one file.
    let copy = dir.path().join("copy");
    fs::create_dir(&copy).expect("mkdir");
    fs::copy(dir.path().join("factquiz.db"), copy.join("factquiz.db")).expect("copy");
    let (code, out, err) = run(factquiz().arg("leaderboard").current_dir(&copy));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Copyist"),
        "an empty board from the copy: {out}"
    );
}

#[test]
fn database_errors_say_what_is_wrong_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let garbage = dir.path().join("garbage.db");
    fs::write(
        &garbage,
        "this is not a database, it is a text file\n".repeat(200),
    )
    .expect("write");
    let cases = [
        ("/nonexistent/dir/x.db".to_owned(), "does not exist"),
        (garbage.display().to_string(), "is not an SQLite database"),
        (
            "postgres://u:hunter2@127.0.0.1:1/db".to_owned(),
            "cannot connect to PostgreSQL",
        ),
    ];
    for (url, words) in cases {
        let (code, _, err) = run(factquiz()
            .arg("leaderboard")
            .current_dir(dir.path())
            .env("DATABASE_URL", &url));
        assert_ne!(code, 0, "{url}");
        assert_eq!(err.matches(words).count(), 1, "{url}: {err}");
        assert!(!err.contains("code: "), "raw SQLite codes: {err}");
        assert!(!err.contains("hunter2"), "a password in a message: {err}");
    }
}

#[test]
fn the_leaderboard_needs_no_questions_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, out, err) = run(factquiz()
        .arg("leaderboard")
        .current_dir(dir.path())
        .env("FACTQUIZ_QUESTIONS", "/nonexistent/questions"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("🏆"), "{out}");
}

#[test]
fn an_article_with_no_facts_says_there_is_nothing_to_play() {
    let dir = tempfile::tempdir().expect("tempdir");
    // extract on a text it cannot read: no draft, a reason.
    let english = dir.path().join("english.txt");
    fs::write(&english, "The weather was fine and nobody went anywhere.\n").expect("write");
    let (code, out, err) = run(factquiz().args(["questions", "extract"]).arg(&english));
    assert_ne!(code, 0);
    assert!(out.is_empty(), "a draft with no facts was printed: {out}");
    assert!(err.contains("nothing to play"), "{err}");

    // check and play on an article whose facts file has none.
    let questions = small_folder(dir.path(), "[article]\ntitle = \"t\"\n");
    let (code, out, err) = run(factquiz().args(["questions", "check"]).arg(&questions));
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("no facts: nothing to play"), "{out}");
    let (code, _, err) = play_in(dir.path(), &questions, &["--name", "Sam"], "1\n", &[]);
    assert_ne!(code, 0);
    assert!(err.contains("nothing to play"), "{err}");
    assert!(!err.contains("CHECK constraint"), "{err}");
}

#[test]
fn a_quiz_longer_than_the_bank_says_how_many_it_asks_and_drafts_are_never_served() {
    let dir = tempfile::tempdir().expect("tempdir");
    let questions = small_folder(dir.path(), FACTS);
    let (code, out, err) = play_in(
        dir.path(),
        &questions,
        &["--name", "Sam", "--questions", "20"],
        "1\n1\n1\n",
        &[],
    );
    assert_eq!(code, 0, "{err}");
    // One reviewed fact: the draft («الأربعاء» awaiting review) is left out.
    assert!(out.contains("عدد الأسئلة: 1."), "{out}");
    assert!(out.contains("السؤال 1 من 1"), "{out}");
    assert!(!out.contains("السؤال 1 من 2"), "{out}");
    assert!(!out.contains("حتى أي يوم"), "a draft was served: {out}");
    // The bank exported is the bank served; `--drafts` adds what awaits
    // review, for its editor.
    let export = |args: &[&str]| export_lines(&questions, args);
    let fact_ids = |lines: &[String]| -> Vec<String> {
        lines
            .iter()
            .map(|line| {
                let v: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
                v["fact_id"].as_str().expect("fact_id").to_owned()
            })
            .collect()
    };
    assert_eq!(fact_ids(&export(&[])), ["arrival-day"]);
    assert_eq!(
        fact_ids(&export(&["--drafts"])),
        ["arrival-day", "until-day"]
    );
    // The drafts add lines and change none, claims included, with the
    // draft first in the file.
    let second = FACTS.rfind("[[fact]]").expect("two facts");
    let draft_first = format!("{}\n{}", &FACTS[second..], &FACTS[..second]);
    let other = tempfile::tempdir().expect("tempdir");
    let questions = small_folder(other.path(), &draft_first);
    let export = |args: &[&str]| export_lines(&questions, args);
    let served = export(&["--claims", "--seed", "3"]);
    let all = export(&["--claims", "--drafts", "--seed", "3"]);
    assert_eq!(fact_ids(&served), ["arrival-day", "arrival-day"]);
    assert_eq!(all.len(), 4, "{all:?}");
    for line in &served {
        assert!(all.contains(line), "{line} changed with --drafts: {all:?}");
    }
}

#[test]
fn in_english_a_wrong_answer_shows_the_right_one_with_its_gloss() {
    let dir = tempfile::tempdir().expect("tempdir");
    let questions = small_folder(dir.path(), FACTS);
    // Each quiz draws and shuffles anew: play one-question quizzes,
    // answering the first option, until one is a wrong answer to the choice
    // question (not its true-or-false claim). All right in 60 tries has a
    // chance below 1 in 2^60.
    let mut wrong = None;
    for _ in 0..60 {
        let (code, out, err) = play_in(
            dir.path(),
            &questions,
            &["--name", "Sam", "--questions", "1", "--lang", "en"],
            "1\n",
            &[],
        );
        assert_eq!(code, 0, "{err}");
        if out.contains("❌") && !out.contains("True or false") {
            wrong = Some(out);
            break;
        }
    }
    let out = wrong.expect("a wrong answer to the choice question");
    assert!(out.contains("The right answer: الثلاثاء (Tuesday)"), "{out}");
}

#[test]
fn ctrl_c_ends_the_quiz_like_the_end_of_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = factquiz()
        .args(["play", "--name", "Interrupted", "--questions", "3"])
        .current_dir(dir.path())
        .env("FACTQUIZ_QUESTIONS", questions_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"1\n").expect("write");
    stdin.flush().expect("flush");
    // Wait for the second question, then press Ctrl-C.
    let seen = lines_of(child.stdout.take().expect("stdout"));
    let mut out = Vec::new();
    let second = wait_line(&seen, &mut out, "second question", |l| {
        l.contains("السؤال 2 من 3")
    });
    out.push(second);
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let code = child.wait().expect("wait").code();
    out.extend(seen.iter());
    let out = out.join("\n");
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("أُوقف الاختبار"), "stopped, answers kept: {out}");
    assert!(out.contains("🏁"), "the score: {out}");
    let (_, board, _) = run(factquiz().arg("leaderboard").current_dir(dir.path()));
    assert!(board.contains("Interrupted"), "{board}");
    drop(stdin);
}

#[test]
fn help_lists_the_environment_and_names_fall_back_to_the_login() {
    let (code, out, _) = run(factquiz().args(["bot", "--help"]));
    assert_eq!(code, 0);
    for var in [
        "TELOXIDE_TOKEN",
        "TELOXIDE_API_URL",
        "FACTQUIZ_ROUND_SECONDS",
        "FACTQUIZ_SEND_LIMITS",
        "FACTQUIZ_METRICS_ADDR",
        "DATABASE_URL",
        "FACTQUIZ_QUESTIONS",
    ] {
        assert!(out.contains(var), "{var} not in bot --help:\n{out}");
    }
    let (_, out, _) = run(factquiz().args(["play", "--help"]));
    let lang = out
        .lines()
        .skip_while(|l| !l.contains("--lang"))
        .take(2)
        .collect::<String>();
    assert_eq!(lang.matches("default").count(), 1, "{lang}");

    // An empty name is a usage error, like the others.
    let (code, _, err) = run(factquiz().args(["play", "--name", ""]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("the player name is empty"), "{err}");

    // No $USER: the system's login name.
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, err) = play_in(
        dir.path(),
        &questions_dir(),
        &["--questions", "1"],
        "1\n",
        &[("USER", ""), ("LOGNAME", ""), ("USERNAME", "")],
    );
    assert_eq!(code, 0, "{err}");
    let login = whoami::username().expect("a login name");
    let (_, board, _) = run(factquiz().arg("leaderboard").current_dir(dir.path()));
    assert!(board.contains(&login), "{login} not on {board}");
}

#[test]
fn an_unreachable_bot_api_is_named_with_its_cause_and_settings_are_checked_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let token = "123456:TESTTOKENsecret";
    // Nothing listens on port 9: the log says where and why, never the token.
    let mut child = factquiz()
        .arg("bot")
        .current_dir(dir.path())
        .env("TELOXIDE_TOKEN", token)
        .env("TELOXIDE_API_URL", "http://127.0.0.1:9")
        .env("FACTQUIZ_QUESTIONS", questions_dir())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let log = lines_of(child.stderr.take().expect("stderr"));
    let line = wait_line(&log, &mut Vec::new(), "word of the Bot API", |l| {
        l.contains("Bot API") && l.contains("127.0.0.1:9")
    });
    let _ = child.kill();
    let _ = child.wait();
    assert!(line.contains("connection refused"), "{line}");
    assert!(
        !line.contains(token) && !line.contains("TESTTOKEN"),
        "{line}"
    );

    // A wrong metrics address fails at once, before any request.
    let (code, _, err) = run(factquiz()
        .arg("bot")
        .current_dir(dir.path())
        .env("TELOXIDE_TOKEN", token)
        .env("TELOXIDE_API_URL", "http://127.0.0.1:9")
        .env("FACTQUIZ_METRICS_ADDR", "not an address")
        .env("FACTQUIZ_QUESTIONS", questions_dir()));
    assert_ne!(code, 0, "{err}");
    assert!(err.contains("FACTQUIZ_METRICS_ADDR"), "{err}");
    assert!(
        !err.contains("Bot API"),
        "it asked the Bot API first: {err}"
    );
}
