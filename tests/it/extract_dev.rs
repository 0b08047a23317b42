//! The extraction scorer: `questions extract`'s rules on the development set
//! in `tests/data/extract-dev/` (six real articles with a hand-made key; see
//! its README) and on the four of `tests/data/extract-holdout/`, scored as
//! the development set's README says. It prints, per article, recall,
//! precision against the key, kind agreement, and the lengths of quotes and
//! questions, and fails below the floors reached so far, so that a
//! regression shows. Run it alone with
//! `cargo test --test it extract_dev -- --nocapture`.

use std::fs;
use std::path::{Path, PathBuf};

use factquiz::arabic;
use factquiz::article::Article;
use factquiz::facts::RawFact;
use serde::Deserialize;

#[derive(Deserialize)]
struct Gold {
    article: GoldArticle,
    fact: Vec<GoldFact>,
}

#[derive(Deserialize)]
struct GoldArticle {
    date: String,
}

#[derive(Deserialize)]
struct GoldFact {
    id: String,
    kind: String,
    answers: Vec<String>,
    evidence: String,
    #[serde(default)]
    also_true: Vec<String>,
}

fn data_dir(set: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(set)
}

/// The key's match normalisation (its `check_gold.py`): the project's
/// Arabic normalisation, with ؤ and ئ folded too and spaces collapsed.
fn normalise(s: &str) -> String {
    let folded: String = arabic::normalize(s)
        .chars()
        .map(|c| match c {
            'ؤ' => 'و',
            'ئ' => 'ي',
            c => c,
        })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Equal after normalisation, or, when the shorter has at least three
/// characters, one holds the other.
fn answers_match(a: &str, b: &str) -> bool {
    let (a, b) = (normalise(a), normalise(b));
    if a == b {
        return true;
    }
    let (short, long) = if a.chars().count() <= b.chars().count() {
        (a, b)
    } else {
        (b, a)
    };
    short.chars().count() >= 3 && long.contains(&short)
}

fn matches(article: &Article, gold: &GoldFact, draft: &RawFact) -> bool {
    let answer = gold
        .answers
        .iter()
        .chain(&gold.also_true)
        .any(|a| answers_match(a, &draft.answer));
    let (Some(evidence), Some(quote)) =
        (article.locate(&gold.evidence), article.locate(&draft.quote))
    else {
        return false;
    };
    answer && evidence.overlaps(quote)
}

/// What the scorer measures of one article.
#[derive(Default)]
struct Score {
    gold: usize,
    found: usize,
    drafts: usize,
    matching: usize,
    same_kind: usize,
    not_verbatim: usize,
    quote_lengths: Vec<usize>,
    long_quotes: usize,
    long_questions: usize,
    missed: Vec<String>,
}

fn median(v: &[usize]) -> usize {
    let mut v = v.to_vec();
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or(0)
}

fn score(set: &str, slug: &str) -> Score {
    let dir = data_dir(set);
    let text = fs::read_to_string(dir.join("articles").join(format!("{slug}.txt")))
        .expect("an article of the set");
    let gold: Gold = toml::from_str(
        &fs::read_to_string(dir.join("gold").join(format!("{slug}.toml"))).expect("its key"),
    )
    .expect("the key parses");
    let article = Article::new(slug, &text);
    let draft = factquiz::extract::extract(&text, Some(&gold.article.date));
    let mut s = Score {
        gold: gold.fact.len(),
        drafts: draft.facts.len(),
        ..Score::default()
    };
    for g in &gold.fact {
        if draft.facts.iter().any(|d| matches(&article, g, d)) {
            s.found += 1;
        } else {
            s.missed.push(g.id.clone());
        }
    }
    for d in &draft.facts {
        if article.locate(&d.quote).is_none() {
            s.not_verbatim += 1;
        }
        let chars = d.quote.chars().count();
        s.quote_lengths.push(chars);
        s.long_quotes += usize::from(chars > 250);
        s.long_questions += usize::from(d.question.chars().count() > 200);
        if let Some(g) = gold.fact.iter().find(|g| matches(&article, g, d)) {
            s.matching += 1;
            s.same_kind += usize::from(g.kind == d.kind);
        }
    }
    s
}

const SLUGS: [&str; 6] = [
    "municipal-election-calendar",
    "ghannouchi-libya-interview",
    "machrou-bloc-withdraws-support",
    "trump-paris-climate-withdrawal",
    "manchester-attack-army-deployed",
    "imf-mission-tunisia-outlook",
];

/// The four articles keyed after most rules were written (see its README).
const HOLDOUT: [&str; 4] = [
    "al-hoceima-fish-seller-protests",
    "essebsi-italian-senate-speech",
    "stb-restructuring-2020-targets",
    "us-visa-questionnaire-tightened",
];

/// Scores every article of a set, printing a line each and the total:
/// (recall, precision against the key, the totals).
fn report(set: &str, slugs: &[&str]) -> (f64, f64, Score) {
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    let mut total = Score::default();
    println!(
        "{set}\n{:<32} {:>7} {:>9} {:>6} {:>7} {:>6} {:>6} {:>6}",
        "article", "recall", "precision", "kinds", "quote½", ">250", "q>200", "drafts"
    );
    for slug in slugs {
        let s = score(set, slug);
        println!(
            "{slug:<32} {:>3}/{:<3} {:>8.0}% {:>5.0}% {:>7} {:>6} {:>6} {:>6}",
            s.found,
            s.gold,
            pct(s.matching, s.drafts),
            pct(s.same_kind, s.matching),
            median(&s.quote_lengths),
            s.long_quotes,
            s.long_questions,
            s.drafts
        );
        println!("  missed: {}", s.missed.join(", "));
        total.gold += s.gold;
        total.found += s.found;
        total.drafts += s.drafts;
        total.matching += s.matching;
        total.same_kind += s.same_kind;
        total.not_verbatim += s.not_verbatim;
        total.long_quotes += s.long_quotes;
        total.long_questions += s.long_questions;
        total.quote_lengths.extend(s.quote_lengths);
    }
    let recall = total.found as f64 / total.gold as f64;
    let precision = total.matching as f64 / total.drafts.max(1) as f64;
    println!(
        "total: recall {}/{} ({:.0}%), precision {}/{} ({:.0}%), kinds {:.0}%, median quote {} chars, {} quotes over 250, {} questions over 200, {} not verbatim",
        total.found,
        total.gold,
        recall * 100.0,
        total.matching,
        total.drafts,
        precision * 100.0,
        pct(total.same_kind, total.matching),
        median(&total.quote_lengths),
        total.long_quotes,
        total.long_questions,
        total.not_verbatim
    );
    (recall, precision, total)
}

/// Checks a set's totals against its floors.
fn holds(set: &str, (recall, precision, total): (f64, f64, Score), floors: (f64, f64)) {
    assert_eq!(total.not_verbatim, 0, "{set}: every quote is verbatim");
    assert_eq!(
        total.long_quotes, 0,
        "{set}: every quote is 250 characters at most"
    );
    assert_eq!(
        total.long_questions, 0,
        "{set}: every question is 200 characters at most"
    );
    assert!(
        recall >= floors.0,
        "{set}: recall {:.1}% is below its floor {:.0}%",
        recall * 100.0,
        floors.0 * 100.0
    );
    assert!(
        precision >= floors.1,
        "{set}: precision {:.1}% is below its floor {:.0}%",
        precision * 100.0,
        floors.1 * 100.0
    );
}

/// Floors: what the rules reach today, to be raised as they improve.
/// Precision counts drafts that match a keyed fact; a draft that matches
/// none may still be true and fair (the key lists what a quiz editor would
/// ask, not every true statement): the purposes and the countries read
/// since the last raise are such drafts, so the precision floors came down
/// a point on the development set and two on the holdout set while recall
/// went up; the purposes of the simple verb's nouns (لدخول الولايات المتحدة)
/// and the objects of plural verbs (أطلقوا عدة حملات) took both down one
/// more: of the nine drafts new since then that match no keyed fact, eight
/// were judged true and fair, one a fragment («ضمان حصولنا»). The
/// concessions, nationalities, restructurings («إعادة هيكلة …») and
/// meetings named for a place raised holdout recall three points and took
/// its precision floor down two: of the seven new drafts that match no
/// keyed fact, six were judged true and fair (four restructurings, «الصحفي
/// المغربي», «الرئيس الإيطالي»), one says too little («اعادة هيكلة» cut
/// before «هذه الديون»). One draft is left of two over the same words (a
/// number over the event around it, the longer of two names): that took
/// 17 drafts off each set, and one keyed fact off the holdout set, found
/// only by a run-on answer («جلسة إفصاح مالي عقدت الجمعة بمقر بورصة»,
/// whose day and place are asked on their own), so its recall floor came
/// down a point. The rules against giveaways and repeats (the headline's
/// country, a document or a source asked twice, a topic that frames
/// nothing, an answer ending on a pronoun) took drafts only: precision rose
/// to 76 % and 70 %, the new floors, with recall unchanged.
#[test]
fn extraction_on_the_development_set_holds_its_floors() {
    let result = report("extract-dev", &SLUGS);
    assert_eq!(result.2.gold, 174, "the key has 174 facts");
    holds("extract-dev", result, (0.89, 0.76));
}

#[test]
fn extraction_on_the_holdout_set_holds_its_floors() {
    let result = report("extract-holdout", &HOLDOUT);
    assert_eq!(result.2.gold, 127, "the key has 127 facts");
    holds("extract-holdout", result, (0.82, 0.70));
}

#[test]
fn the_scorer_matches_as_the_key_says() {
    assert!(
        answers_match("الاثنين 19 جوان 2017", "19 جوان 2017"),
        "one holds the other"
    );
    assert!(
        answers_match("مؤسسة", "موسسه"),
        "hamza and taa marbuta fold"
    );
    assert!(
        !answers_match("في", "في تونس"),
        "two characters are too few to hold"
    );
    assert!(!answers_match("تونس", "ليبيا"));
}
