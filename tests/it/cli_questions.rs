//! `factquiz questions check` and `questions export` through the real binary.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::helpers::{factquiz, questions_dir, run};

const ARTICLE: &str = crate::helpers::SMALL_ARTICLE;

const GOOD_FACT: &str = r#"
[[fact]]
id = "arrival-day"
kind = "date"
type = "date"
answer = "الثلاثاء"
quote = 'إلى كوريا الشمالية، الثلاثاء'
question = "في أي يوم وصل بوتين؟"
"#;

/// Writes a one-article questions folder with the given facts file.
fn folder(dir: &Path, facts: &str) {
    let article = dir.join("test-article");
    fs::create_dir_all(&article).expect("mkdir");
    fs::write(article.join("article.txt"), ARTICLE).expect("write article");
    fs::write(article.join("facts.toml"), facts).expect("write facts");
}

fn check(dir: &Path) -> (i32, String) {
    let (code, out, err) = run(factquiz().args(["questions", "check"]).arg(dir));
    (code, out + &err)
}

#[test]
fn the_questions_folder_passes_the_check_with_any_number_of_articles() {
    // The repository's folder, whatever articles an operator added.
    let (code, out) = check(&questions_dir());
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("ok: "), "{out}");
    // A folder of the seed alone, and one with a second article beside it.
    let dir = tempfile::tempdir().expect("tempdir");
    let seed = seed_folder(dir.path());
    let (code, out) = check(&seed);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("ok: 1 article, "), "{out}");
    folder(&seed, GOOD_FACT);
    let (code, out) = check(&seed);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("ok: 2 articles, "), "{out}");
}

/// A questions folder holding a copy of the seed article alone.
fn seed_folder(dir: &Path) -> std::path::PathBuf {
    let questions = dir.join("questions");
    let seed = questions.join("putin-north-korea-visit");
    fs::create_dir_all(&seed).expect("mkdir");
    for file in ["article.txt", "facts.toml"] {
        fs::copy(
            questions_dir().join("putin-north-korea-visit").join(file),
            seed.join(file),
        )
        .expect("copy the seed");
    }
    questions
}

#[test]
fn each_broken_fact_gets_its_own_clear_error() {
    let cases = [
        (
            GOOD_FACT.replace("'إلى كوريا الشمالية، الثلاثاء'", "'وصل بوتين إلى كوريا'"),
            "the quote does not occur verbatim in article.txt",
        ),
        (
            GOOD_FACT.replace("answer = \"الثلاثاء\"", "answer = \"الخميس\""),
            "the answer «الخميس» is not in the quote",
        ),
        (
            format!("{GOOD_FACT}{GOOD_FACT}"),
            "the id is used by an earlier fact too",
        ),
        (
            GOOD_FACT.replace("kind = \"date\"", "kind = \"weather\""),
            "unknown kind `weather`",
        ),
        (
            GOOD_FACT.replace("answer = \"الثلاثاء\"", "answer = \"\""),
            "the answer is empty",
        ),
        (
            GOOD_FACT.replace(
                "'إلى كوريا الشمالية، الثلاثاء'",
                "'الى كوريا الشمالية، الثلاثاء'",
            ),
            "the article has it as «إلى كوريا الشمالية، الثلاثاء»",
        ),
    ];
    for (facts, reason) in cases {
        let tmp = tempfile::tempdir().expect("tempdir");
        folder(tmp.path(), &facts);
        let (code, out) = check(tmp.path());
        assert_eq!(code, 1, "{reason}: {out}");
        let expected_file = tmp.path().join("test-article").join("facts.toml");
        let line = out.lines().next().expect("a problem line");
        assert!(
            line.starts_with(&format!(
                "{}: fact `arrival-day`: ",
                expected_file.display()
            )),
            "{line}"
        );
        assert!(line.contains(reason), "expected «{reason}» in: {line}");
        assert!(out.trim_end().ends_with("1 problem found"), "{out}");
    }
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let second = GOOD_FACT
        .replace("arrival-day", "until-day")
        .replace("answer = \"الثلاثاء\"", "answer = \"الخميس\"");
    let third = GOOD_FACT
        .replace("arrival-day", "third")
        .replace("kind = \"date\"", "kind = \"\"");
    folder(tmp.path(), &format!("{GOOD_FACT}{second}{third}"));
    let (code, out) = check(tmp.path());
    assert_eq!(code, 1);
    assert!(
        out.contains("fact `until-day`: the answer «الخميس» is not in the quote"),
        "{out}"
    );
    assert!(out.contains("fact `third`: unknown kind ``"), "{out}");
    assert!(out.trim_end().ends_with("2 problems found"), "{out}");
}

#[test]
fn a_fact_without_enough_wrong_options_is_reported() {
    let tmp = tempfile::tempdir().expect("tempdir");
    folder(
        tmp.path(),
        &GOOD_FACT
            .replace("type = \"date\"", "type = \"fruit\"")
            .replace("answer = \"الثلاثاء\"", "answer = \"كوريا\""),
    );
    let (code, out) = check(tmp.path());
    assert_eq!(code, 1);
    assert!(
        out.contains("only 0 wrong options of type `fruit` can be found"),
        "{out}"
    );
}

/// A fact of a type with no pool: three wrong options from an editor.
fn fruit(extra: &str) -> String {
    GOOD_FACT
        .replace("type = \"date\"", "type = \"fruit\"")
        .replace("answer = \"الثلاثاء\"", "answer = \"كوريا\"")
        + extra
}

#[test]
fn an_editors_wrong_options_come_first_and_a_draft_without_enough_waits_for_review() {
    // The editor's three: the fact builds, and every seed offers exactly them.
    let tmp = tempfile::tempdir().expect("tempdir");
    folder(
        tmp.path(),
        &fruit(
            "wrong = ['اليابان', 'الصين', 'فيتنام']\nwrong_en = ['Japan', 'China', 'Vietnam']\n",
        ),
    );
    let (code, out) = check(tmp.path());
    assert_eq!(code, 0, "{out}");
    let lines = export_from(tmp.path(), &["--seed", "3", "--english"]);
    let mut seen = 0;
    for line in lines.lines() {
        let q: Value = serde_json::from_str(line).expect("json");
        let mut options: Vec<&str> = q["options"]
            .as_array()
            .expect("options")
            .iter()
            .map(|o| o.as_str().expect("text"))
            .collect();
        options.sort_unstable();
        let expected: &[&str] = if q["lang"] == "en" {
            &["", "China", "Japan", "Vietnam"]
        } else {
            &["الصين", "اليابان", "فيتنام", "كوريا"]
        };
        if q["lang"] == "ar" {
            assert_eq!(options, expected, "{line}");
            seen += 1;
        }
    }
    assert_eq!(seen, 1, "{lines}");

    // An editor's option that is true is refused, naming it; so is a count
    // of English glosses that does not match.
    for (extra, reason) in [
        (
            "wrong = ['اليابان', 'كوريا', 'فيتنام']\n",
            "the wrong option «كوريا» is the answer or one of also_true",
        ),
        (
            "wrong = ['اليابان', 'الصين', 'فيتنام']\nwrong_en = ['Japan']\n",
            "wrong_en has 1 entries for 3 wrong options",
        ),
    ] {
        let tmp = tempfile::tempdir().expect("tempdir");
        folder(tmp.path(), &fruit(extra));
        let (code, out) = check(tmp.path());
        assert_eq!(code, 1, "{out}");
        assert!(out.contains(reason), "expected «{reason}» in: {out}");
    }

    // A draft with too few is no problem: it is never served, and the
    // review list says what it still needs.
    let tmp = tempfile::tempdir().expect("tempdir");
    folder(
        tmp.path(),
        &format!(
            "{GOOD_FACT}{}",
            fruit("review = true\n").replace("arrival-day", "fruit")
        ),
    );
    let (code, out) = check(tmp.path());
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("fact `fruit`: needs review, and only 0 wrong options of type `fruit` can be found (3 are needed): write them in `wrong`"),
        "{out}"
    );
}

#[test]
fn bad_toml_and_missing_files_name_the_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    folder(tmp.path(), "[[fact]\nid = ");
    let (code, out) = check(tmp.path());
    assert_eq!(code, 1);
    assert!(out.contains("facts.toml: not valid TOML"), "{out}");

    // Valid TOML whose facts are not all facts: each is named, and the
    // others are still checked.
    let tmp = tempfile::tempdir().expect("tempdir");
    let no_answer = GOOD_FACT
        .replace("arrival-day", "no-answer")
        .replace("answer = \"الثلاثاء\"\n", "");
    let misspelt = GOOD_FACT
        .replace("arrival-day", "misspelt")
        .replace("question =", "qestion =");
    let not_quoted = GOOD_FACT
        .replace("arrival-day", "not-quoted")
        .replace("الشمالية، الثلاثاء", "الجنوبية، الثلاثاء");
    folder(
        tmp.path(),
        &format!("{GOOD_FACT}{no_answer}{misspelt}{not_quoted}"),
    );
    let (code, out) = check(tmp.path());
    assert_eq!(code, 1, "{out}");
    for (fact, reason) in [
        (
            "no-answer",
            "fact number 2 is not a fact as written: missing field `answer`",
        ),
        (
            "misspelt",
            "fact number 3 is not a fact as written: unknown field `qestion`",
        ),
        ("not-quoted", "the quote does not occur verbatim"),
    ] {
        assert!(
            out.lines()
                .any(|l| l.contains(&format!("facts.toml: fact `{fact}`: ")) && l.contains(reason)),
            "expected fact `{fact}` and «{reason}» in: {out}"
        );
    }
    assert!(!out.contains("arrival-day"), "{out}");
    // A TOML date where text belongs would pass for text fact by fact: the
    // parser's own message, with its line, is given instead.
    let tmp = tempfile::tempdir().expect("tempdir");
    let dated = GOOD_FACT
        .replace("arrival-day", "dated")
        .replace("question =", "answer_en = 2024-06-18\nquestion =");
    folder(tmp.path(), &format!("{no_answer}{dated}"));
    let (code, out) = check(tmp.path());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("facts.toml: not valid TOML"), "{out}");

    let tmp = tempfile::tempdir().expect("tempdir");
    fs::create_dir_all(tmp.path().join("only-text")).expect("mkdir");
    fs::write(tmp.path().join("only-text").join("article.txt"), ARTICLE).expect("write");
    let (code, out) = check(tmp.path());
    assert_eq!(code, 1);
    assert!(
        out.contains("only-text/facts.toml: the file is missing"),
        "{out}"
    );

    let (code, out) = check(&tmp.path().join("nowhere"));
    assert_eq!(code, 1);
    assert!(
        out.contains("nowhere: there is no such folder: set FACTQUIZ_QUESTIONS"),
        "{out}"
    );
}

fn export(args: &[&str]) -> String {
    export_from(&questions_dir(), args)
}

fn export_from(questions: &Path, args: &[&str]) -> String {
    let (code, out, err) = run(factquiz()
        .args(["questions", "export"])
        .args(args)
        .env("FACTQUIZ_QUESTIONS", questions));
    assert_eq!(code, 0, "{err}");
    out
}

#[test]
fn export_prints_exactly_the_contract_fields_with_char_offsets() {
    // The repository's folder, and one with a second article beside the seed.
    let dir = tempfile::tempdir().expect("tempdir");
    let two = seed_folder(dir.path());
    folder(&two, GOOD_FACT);
    for questions in [questions_dir(), two] {
        let out = export_from(&questions, &["--seed", "42"]);
        assert_export_lines(&questions, &out);
    }
}

/// Every line has the contract's fields in order, and its offsets find its
/// quote in its own article.
fn assert_export_lines(questions: &Path, out: &str) {
    let mut count = 0;
    for line in out.lines() {
        let v: Value = serde_json::from_str(line).expect("JSON");
        let slug = v["article"].as_str().expect("article");
        let article =
            fs::read_to_string(questions.join(slug).join("article.txt")).expect("article");
        let chars: Vec<char> = article.chars().collect();
        let fields = [
            "id",
            "article",
            "fact_id",
            "kind",
            "lang",
            "question",
            "options",
            "correct",
            "quote",
            "quote_start",
            "quote_end",
        ];
        let obj = v.as_object().expect("an object");
        assert_eq!(obj.len(), fields.len(), "{line}");
        let positions: Vec<usize> = fields
            .iter()
            .map(|f| {
                line.find(&format!("\"{f}\":"))
                    .unwrap_or_else(|| panic!("no {f} in {line}"))
            })
            .collect();
        assert!(positions.is_sorted(), "fields in contract order: {line}");
        let start = v["quote_start"].as_u64().expect("start") as usize;
        let end = v["quote_end"].as_u64().expect("end") as usize;
        let quote: String = chars[start..end].iter().collect();
        assert_eq!(quote, v["quote"].as_str().expect("quote"));
        assert_eq!(v["lang"], "ar");
        assert_eq!(v["options"].as_array().expect("options").len(), 4);
        count += 1;
    }
    assert!(count >= 45, "{count} questions");
}

#[test]
fn export_is_byte_for_byte_reproducible() {
    assert_eq!(export(&["--seed", "5"]), export(&["--seed", "5"]));
    assert_ne!(export(&["--seed", "5"]), export(&["--seed", "6"]));
    assert_eq!(
        export(&[]),
        export(&["--seed", "0"]),
        "no seed means seed 0"
    );
    let with_extras = export(&["--seed", "5", "--english", "--claims"]);
    assert!(with_extras.starts_with(export(&["--seed", "5"]).lines().next().expect("a line")));
    assert!(with_extras.contains("\"lang\":\"en\""));
    assert!(with_extras.contains("/claim\""));
}

#[test]
fn a_date_window_is_checked_and_keeps_wrong_dates_inside_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let article = dir.path().join("visit");
    fs::create_dir_all(&article).expect("mkdir");
    fs::write(
        article.join("article.txt"),
        "زار بوتين كوريا الشمالية في يوليو/تموز 2000، وعاد إليها الثلاثاء.\n",
    )
    .expect("write");
    let fact = |extra: &str| {
        format!(
            "[article]\ndate = \"2024-06-18\"\n\n[[fact]]\nid = \"visit\"\nkind = \"date\"\ntype = \"date\"\nanswer = \"يوليو/تموز 2000\"\nquote = 'في يوليو/تموز 2000'\nquestion = \"متى زار بوتين كوريا الشمالية؟\"\n{extra}"
        )
    };
    let cases = [
        (
            "earliest = \"2000-13\"\n",
            "the earliest `2000-13` is not YYYY or YYYY-MM",
        ),
        (
            "latest = \"July\"\n",
            "the latest `July` is not YYYY or YYYY-MM",
        ),
        (
            "earliest = \"2010\"\nlatest = \"2001\"\n",
            "earliest `2010` is after latest `2001`",
        ),
        (
            "earliest = \"2001\"\n",
            "the answer «يوليو/تموز 2000» falls outside the fact's own earliest/latest",
        ),
    ];
    for (extra, expected) in cases {
        fs::write(article.join("facts.toml"), fact(extra)).expect("write");
        let (code, out) = check(dir.path());
        assert_eq!(code, 1, "{extra}: {out}");
        assert!(out.contains(expected), "{extra}: {out}");
        assert!(out.contains("fact `visit`"), "{out}");
    }
    // A window on a fact that is no date.
    fs::write(
        article.join("facts.toml"),
        fact("earliest = \"2000\"\n").replace("type = \"date\"", "type = \"person\""),
    )
    .expect("write");
    let (code, out) = check(dir.path());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("earliest and latest are for dates"), "{out}");

    // A good window: every wrong option of every seed falls inside it.
    fs::write(
        article.join("facts.toml"),
        fact("earliest = \"2000-01\"\nlatest = \"2001-12\"\n"),
    )
    .expect("write");
    let (code, out) = check(dir.path());
    assert_eq!(code, 0, "{out}");
    for seed in 0..20 {
        let out = export_from(dir.path(), &["--seed", &seed.to_string()]);
        let v: Value = serde_json::from_str(out.lines().next().expect("a line")).expect("JSON");
        for option in v["options"].as_array().expect("options") {
            let option = option.as_str().expect("text");
            assert!(
                option.ends_with("2000") || option.ends_with("2001"),
                "seed {seed}: «{option}» is outside 2000-2001"
            );
        }
    }
}

#[test]
fn editorial_warnings_name_the_fact_and_strict_makes_them_problems() {
    // The bundled bank passes strict.
    let (code, out, err) = run(factquiz()
        .args(["questions", "check", "--strict"])
        .arg(questions_dir()));
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("warning"), "{out}");

    // A fact with no English gloss and no claim: warned, not refused…
    let dir = tempfile::tempdir().expect("tempdir");
    folder(dir.path(), GOOD_FACT);
    let (code, out) = check(dir.path());
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("fact `arrival-day`: warning: no English gloss"),
        "{out}"
    );
    assert!(
        out.contains("fact `arrival-day`: warning: no claim"),
        "{out}"
    );
    // …unless strict.
    let (code, out, _) = run(factquiz()
        .args(["questions", "check", "--strict"])
        .arg(dir.path()));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("2 warnings (--strict: each is a problem)"),
        "{out}"
    );

    // A claim glossed without its English claim.
    let glossed = format!(
        "{GOOD_FACT}claim = \"وصل بوتين يوم {{answer}}.\"\nquestion_en = \"On which day did Putin arrive?\"\nanswer_en = \"Tuesday\"\n"
    );
    folder(dir.path(), &glossed);
    let (code, out, _) = run(factquiz()
        .args(["questions", "check", "--strict"])
        .arg(dir.path()));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("a claim without claim_en"), "{out}");
    assert!(!out.contains("no English gloss"), "{out}");
}

/// An article for the lints: each fact below is glossed and has a claim, so
/// that it trips only the lint it is written for.
const LINT_ARTICLE: &str = "زار وزير الخارجية سيرغي لافروف بيونغ يانغ في أكتوبر/تشرين الأول 2023.\nوزار بوتين كنيسة الثالوث، وهي الكنيسة الأرثوذكسية الوحيدة في المدينة، ونقلت ذلك وكالة رويترز.\n";

const LINT_FACTS: &str = r#"
[article]
date = "2024-06-18"

[[fact]]
id = "lavrov"
kind = "role"
type = "person.ru"
gender = "m"
answer = "سيرغي لافروف"
quote = 'زار وزير الخارجية سيرغي لافروف بيونغ يانغ'
question = "من الوزير الروسي الذي زار بيونغ يانغ؟"
claim = "زار الوزير الروسي {answer} بيونغ يانغ."
question_en = "Which Russian minister visited Pyongyang?"
answer_en = "Sergei Lavrov"
claim_en = "Minister {answer} visited Pyongyang."

[[fact]]
id = "visit-date"
kind = "date"
type = "date"
answer = "أكتوبر/تشرين الأول 2023"
quote = 'زار وزير الخارجية سيرغي لافروف بيونغ يانغ في أكتوبر/تشرين الأول 2023'
question = "متى زار سيرغي لافروف بيونغ يانغ؟"
claim = "زار الوزير الروسي بيونغ يانغ في {answer}."
question_en = "When did the Russian minister visit Pyongyang?"
answer_en = "October 2023"
claim_en = "The Russian minister visited Pyongyang in {answer}."

[[fact]]
id = "role"
kind = "role"
type = "role"
answer = "وزير الخارجية"
quote = 'زار وزير الخارجية سيرغي لافروف'
question = "ما منصب لافروف؟"
claim = "لافروف هو {answer}."
question_en = "What is Lavrov's post?"
answer_en = "the Foreign Minister"
claim_en = "Lavrov is Russia's {answer}."

[[fact]]
id = "denomination"
kind = "place"
type = "denomination"
answer = "الأرثوذكسية"
quote = 'وهي الكنيسة الأرثوذكسية الوحيدة في المدينة'
question = "كنيسة الثالوث هي الكنيسة الوحيدة في المدينة من أي طائفة؟"
claim = "كنيسة الثالوث هي الكنيسة {answer} الوحيدة في المدينة."
question_en = "The Trinity church is the city's only church of which denomination?"
answer_en = "Orthodox"
claim_en = "The Trinity church is the city's only {answer} church."

[[fact]]
id = "agency"
kind = "source"
type = "agency"
answer = "وكالة رويترز"
quote = 'ونقلت ذلك وكالة رويترز'
question = "أي وكالة نقلت زيارة بوتين للكنيسة؟"
claim = "نقلت وكالة {answer} زيارة بوتين للكنيسة."
question_en = "Which agency reported Putin's visit to the church?"
answer_en = "Reuters"
claim_en = "{answer} reported Putin's visit to the church."
"#;

#[test]
fn each_lint_names_the_fact_and_the_reason_and_a_fix_clears_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let article = dir.path().join("lints");
    fs::create_dir_all(&article).expect("mkdir");
    fs::write(article.join("article.txt"), LINT_ARTICLE).expect("write");
    fs::write(article.join("facts.toml"), LINT_FACTS).expect("write");
    let (code, out) = check(dir.path());
    assert_eq!(code, 0, "lints warn, they do not refuse: {out}");
    let expected = [
        ("visit-date", "a date with no earliest/latest"),
        (
            "visit-date",
            "the question holds «سيرغي لافروف», the answer of fact `lavrov`",
        ),
        (
            "role",
            "the claim_en does not read with every option: «Lavrov is Russia's the Foreign Minister.»",
        ),
        (
            "role",
            "in English, whichever three wrong options are drawn, the answer alone has or lacks an article (a, an, the)",
        ),
        (
            "role",
            "the question holds «سيرغي لافروف», the answer of fact `lavrov`",
        ),
        (
            "denomination",
            "the claim has «الوحيدة» after {answer}, which must agree with every option",
        ),
        (
            "agency",
            "the claim does not read with every option: «نقلت وكالة وكالة رويترز زيارة بوتين للكنيسة.»",
        ),
    ];
    for (fact, reason) in expected {
        assert!(
            out.lines()
                .any(|l| l.contains(&format!("fact `{fact}`: warning: {reason}"))),
            "no warning `{reason}` for `{fact}`:\n{out}"
        );
    }
    let warnings = out.lines().filter(|l| l.contains(": warning: ")).count();
    assert_eq!(warnings, expected.len(), "{out}");
    let (code, out, _) = run(factquiz()
        .args(["questions", "check", "--strict"])
        .arg(dir.path()));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("7 warnings (--strict: each is a problem)"),
        "{out}"
    );

    // Each fixed as the warning says: strict passes.
    let fixed = LINT_FACTS
        .replace(
            "answer_en = \"October 2023\"",
            "answer_en = \"October 2023\"\nearliest = \"2012\"\nlatest = \"2024-05\"",
        )
        .replace(
            "متى زار سيرغي لافروف بيونغ يانغ؟",
            "متى زار الوزير الروسي بيونغ يانغ؟",
        )
        .replace("ما منصب لافروف؟", "ما منصب الروسي الذي زار بيونغ يانغ؟")
        .replace(
            "claim = \"لافروف هو {answer}.\"",
            "claim = \"منصبه {answer}.\"",
        )
        .replace(
            "question_en = \"What is Lavrov's post?\"",
            "question_en = \"What is the visitor's post?\"",
        )
        .replace("Lavrov is Russia's {answer}.", "The visitor is {answer}.")
        .replace(
            "answer_en = \"the Foreign Minister\"",
            "answer_en = \"Foreign Minister\"",
        )
        .replace(
            "answer = \"الأرثوذكسية\"",
            "answer = \"الأرثوذكسية\"\ngender = \"f\"",
        )
        .replace("نقلت وكالة {answer} زيارة", "نقلت {answer} زيارة");
    fs::write(article.join("facts.toml"), &fixed).expect("write");
    let (code, out, _) = run(factquiz()
        .args(["questions", "check", "--strict"])
        .arg(dir.path()));
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("warning"), "{out}");

    // A gender that is neither m nor f is refused.
    fs::write(
        article.join("facts.toml"),
        fixed.replace("gender = \"f\"", "gender = \"x\""),
    )
    .expect("write");
    let (code, out) = check(dir.path());
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("fact `denomination`: the gender `x` is not m or f"),
        "{out}"
    );
}

#[test]
fn an_editors_own_wrong_options_are_linted_for_shape_and_window() {
    let dir = tempfile::tempdir().expect("tempdir");
    let article = dir.path().join("lints");
    fs::create_dir_all(&article).expect("mkdir");
    fs::write(article.join("article.txt"), LINT_ARTICLE).expect("write");
    let fact = |wrong: &str| {
        format!(
            r#"
[article]
date = "2024-06-18"

[[fact]]
id = "visit-date"
kind = "date"
type = "date"
answer = "أكتوبر/تشرين الأول 2023"
quote = 'زار وزير الخارجية سيرغي لافروف بيونغ يانغ في أكتوبر/تشرين الأول 2023'
question = "متى زار الوزير الروسي بيونغ يانغ؟"
claim = "زار الوزير الروسي بيونغ يانغ في {{answer}}."
question_en = "When did the Russian minister visit Pyongyang?"
answer_en = "October 2023"
claim_en = "The Russian minister visited Pyongyang in {{answer}}."
earliest = "2012"
latest = "2024-05"
wrong = [{wrong}]
"#
        )
    };
    // A date after the window, and one that opens with a preposition.
    fs::write(
        article.join("facts.toml"),
        fact("'مارس/آذار 2025', 'في مايو/أيار 2023', 'يوليو/تموز 2022'"),
    )
    .expect("write");
    let (code, out) = check(dir.path());
    assert_eq!(code, 0, "lints warn, they do not refuse: {out}");
    for reason in [
        "the wrong option «مارس/آذار 2025» falls outside the fact's earliest/latest",
        "the wrong option «في مايو/أيار 2023» stands out beside the answer",
        // The claim is read with the editor's options too.
        "the claim does not read with every option: «بيونغ يانغ في في مايو/أيار 2023.»",
    ] {
        assert!(
            out.lines()
                .any(|l| l.contains(&format!("fact `visit-date`: warning: {reason}"))),
            "no warning `{reason}`:\n{out}"
        );
    }
    assert_eq!(out.matches(": warning: ").count(), 3, "{out}");
    // Three that are each alike the answer, but together leave it the only
    // long one, whichever three are drawn.
    fs::write(
        article.join("facts.toml"),
        fact("'مايو/أيار 2023', 'آذار/مارس 2023', 'أيار/مايو 2022'"),
    )
    .expect("write");
    let (code, out) = check(dir.path());
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("fact `visit-date`: warning: in Arabic, whichever three wrong options are drawn, the answer is the only long (or short) one"),
        "{out}"
    );
    // An answer that alone lacks the article, whichever three are drawn.
    fs::write(
        article.join("facts.toml"),
        fact("'الخريف الماضي', 'الصيف الماضي', 'الشتاء الماضي'"),
    )
    .expect("write");
    let (_, out) = check(dir.path());
    assert!(
        out.contains("whichever three wrong options are drawn, the answer alone has or lacks the article «ال»"),
        "{out}"
    );
    // Options of the answer's shape, inside its window: strict passes.
    fs::write(
        article.join("facts.toml"),
        fact("'مارس/آذار 2023', 'يونيو/حزيران 2023', 'يوليو/تموز 2022'"),
    )
    .expect("write");
    let (code, out, _) = run(factquiz()
        .args(["questions", "check", "--strict"])
        .arg(dir.path()));
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_title_that_names_an_answer_needs_a_label_for_the_question_cards() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let with = |meta: &str| format!("[article]\n{meta}\n{GOOD_FACT}");
    folder(
        tmp.path(),
        &with("title = \"بوتين يصل إلى كوريا الشمالية الثلاثاء\""),
    );
    let (code, out) = check(tmp.path());
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("fact `arrival-day`: warning: the article's title, which every question card shows, holds this fact's answer"),
        "{out}"
    );
    folder(
        tmp.path(),
        &with("title = \"بوتين يصل إلى كوريا الشمالية الثلاثاء\"\nlabel = \"زيارة بوتين\""),
    );
    let (_, out) = check(tmp.path());
    assert!(!out.contains("which every question card shows"), "{out}");
}
