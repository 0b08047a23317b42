//! Properties of the question bank over many seeds: four distinct options and
//! one right one; a verbatim quote holding the answer; wrong options of the
//! answer's type that the article does not make true, inside the fact's
//! window, of its gender and of its shape.

use std::collections::{HashMap, HashSet};

use factquiz::arabic::{self, Normalized};
use factquiz::facts::{Corpus, Fact, Gender, Kind};
use factquiz::quiz::surface::{Reading, Script, Surface};
use factquiz::quiz::{self, Alternatives, Builder, Form, Question, shape, value_key};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::helpers::questions_dir;

const SEEDS: u64 = 200;

fn corpus() -> Corpus {
    Corpus::load(&questions_dir()).unwrap_or_else(|e| panic!("the seed questions load:\n{e}"))
}

fn builder(corpus: &Corpus) -> Builder<'_> {
    Builder::new(corpus, Alternatives::builtin())
        .unwrap_or_else(|e| panic!("the bank builds:\n{e}"))
}

fn bank(builder: &Builder<'_>, seed: u64) -> quiz::Bank {
    builder.build(&mut ChaCha8Rng::seed_from_u64(seed))
}

fn fact_of<'a>(corpus: &'a Corpus, q: &Question) -> &'a Fact {
    corpus
        .articles
        .iter()
        .find(|a| a.article.slug() == q.article)
        .and_then(|a| a.facts.iter().find(|f| f.id.as_str() == q.fact_id))
        .expect("every question has its fact")
}

/// Everything a wrong option may be drawn from, computed here independently
/// of the builder: same-base-type answers of the article, the built-in
/// alternatives of the base, and for dates and numbers any text of the same
/// surface shape.
fn allowed(corpus: &Corpus, fact: &Fact, option: &str) -> bool {
    let base = fact.answer_type.base();
    let from_article = corpus.articles.iter().flat_map(|a| &a.facts).any(|f| {
        f.answer_type.base() == base && arabic::normalize(&f.answer) == arabic::normalize(option)
    });
    let from_list = Alternatives::builtin()
        .types()
        .filter(|(t, _)| t.split('.').next() == Some(base))
        .flat_map(|(_, list)| list)
        .any(|c| arabic::normalize(&c.text) == arabic::normalize(option));
    let reading = match base {
        "date" => Some(Reading::Date),
        "number" => Some(Reading::Number),
        _ => None,
    };
    let same_shape = reading.is_some_and(|r| {
        let a = Surface::read(&fact.answer, Script::Arabic, r);
        let o = Surface::read(option, Script::Arabic, r);
        o.has_values() && a.shape() == o.shape()
    });
    let editors = fact
        .wrong
        .iter()
        .any(|(w, _)| arabic::normalize(w) == arabic::normalize(option));
    from_article || from_list || same_shape || editors
}

/// The value keys that are true for a fact's question.
fn truths(corpus: &Corpus, fact: &Fact) -> HashSet<String> {
    let same_question = corpus
        .articles
        .iter()
        .flat_map(|a| &a.facts)
        .filter(|f| arabic::normalize(&f.question) == arabic::normalize(&fact.question))
        .map(|f| f.answer.clone());
    std::iter::once(fact.answer.clone())
        .chain(fact.also_true.iter().cloned())
        .chain(same_question)
        .map(|t| value_key(&fact.answer_type, &t))
        .collect()
}

#[test]
fn every_question_over_many_seeds_keeps_the_promises() {
    let corpus = corpus();
    let builder = builder(&corpus);
    // What each fact allows, computed once: the checks below are per option.
    let mut verdicts: HashMap<(String, String), bool> = HashMap::new();
    let mut truth_sets: HashMap<String, HashSet<String>> = HashMap::new();
    let mut checked = 0;
    for seed in 0..SEEDS {
        let bank = bank(&builder, seed);
        assert_eq!(
            bank.len() + bank.unbuilt_drafts.len(),
            corpus.fact_count(),
            "one question per fact, but for drafts that wait for their wrong options"
        );
        for q in &bank.questions {
            let fact = fact_of(&corpus, q);
            let article = &corpus
                .articles
                .iter()
                .find(|a| a.article.slug() == q.article)
                .expect("article")
                .article;
            assert_eq!(q.form, Form::Choice);
            assert_eq!(q.options.len(), 4, "{}: four options", q.id);
            assert!(q.correct < 4);
            assert_eq!(
                q.answer(),
                fact.answer,
                "{}: the right option is the fact's answer",
                q.id
            );
            let distinct: HashSet<String> =
                q.options.iter().map(|o| arabic::normalize(o)).collect();
            assert_eq!(
                distinct.len(),
                4,
                "{}: options distinct after normalisation: {:?}",
                q.id,
                q.options
            );
            assert_eq!(
                article.slice(q.span),
                q.quote,
                "{}: the quote is the article's text at its span",
                q.id
            );
            assert!(
                Normalized::new(&q.quote).contains(q.answer()),
                "{}: the quote holds the answer",
                q.id
            );
            let truths = truth_sets
                .entry(q.id.clone())
                .or_insert_with(|| truths(&corpus, fact));
            let mut keys = HashSet::new();
            for (i, option) in q.options.iter().enumerate() {
                let key = value_key(&fact.answer_type, option);
                assert!(
                    keys.insert(key.clone()),
                    "{}: two options of one value",
                    q.id
                );
                if i == q.correct {
                    continue;
                }
                // Three or more of an editor's own: those alone are offered.
                if fact.wrong.len() >= 3 {
                    assert!(
                        fact.wrong
                            .iter()
                            .any(|(w, _)| arabic::normalize(w) == arabic::normalize(option)),
                        "{}: «{option}» is not one of the editor's own",
                        q.id
                    );
                }
                let typed = *verdicts
                    .entry((q.id.clone(), option.clone()))
                    .or_insert_with(|| allowed(&corpus, fact, option));
                assert!(
                    typed,
                    "{}: «{option}» is not of type {}",
                    q.id, fact.answer_type
                );
                assert!(
                    !truths.contains(&key),
                    "{}: «{option}» is true according to the article",
                    q.id
                );
            }
            // What an editor ruled out (`never`) is never offered.
            for ruled_out in &fact.never {
                let key = value_key(&fact.answer_type, ruled_out);
                assert!(
                    q.options
                        .iter()
                        .all(|o| value_key(&fact.answer_type, o) != key),
                    "{}: seed {seed}: «{ruled_out}» is offered though ruled out",
                    q.id
                );
            }
            // A date option falls in the fact's window (earliest/latest).
            if let Some(window) = fact.window {
                for option in &q.options {
                    // A bare month («20 يونيو») is of the article's year.
                    let relative = ["الماضي", "المقبل", "القادم", "العام"]
                        .iter()
                        .any(|w| arabic::normalize(option).contains(w));
                    let year = corpus
                        .articles
                        .iter()
                        .find(|a| a.article.slug() == q.article)
                        .and_then(|a| a.meta.date.as_deref()?.get(..4)?.parse().ok())
                        .filter(|_| !relative);
                    let dates = Surface::read(option, Script::Arabic, Reading::Date).dates(year);
                    assert!(
                        dates.iter().all(|&(y, m)| window.admits(y, m)),
                        "{}: seed {seed}: «{option}» is outside the fact's window",
                        q.id
                    );
                }
            }
            // A fact with an English gloss has it on every question built
            // from it, whatever the seed: `--lang en` never falls back to
            // Arabic alone.
            assert_eq!(
                q.gloss.is_some(),
                fact.gloss.is_some(),
                "{}: seed {seed}: the English gloss is missing",
                q.id
            );
            if let Some(gloss) = &q.gloss {
                let en: HashSet<String> = gloss.options.iter().map(|o| o.to_lowercase()).collect();
                assert_eq!(
                    en.len(),
                    4,
                    "{}: English options distinct: {:?}",
                    q.id,
                    gloss.options
                );
                let expected = &fact
                    .gloss
                    .as_ref()
                    .expect("a gloss comes from the fact")
                    .answer;
                assert_eq!(
                    &gloss.options[q.correct], expected,
                    "{}: English answer",
                    q.id
                );
            }
            assert_no_option_stands_out(&corpus, fact, q, seed);
            checked += 1;
        }
    }
    assert_eq!(checked, SEEDS as usize * corpus.fact_count());
}

/// The letters and digits of an option, counted here apart from the builder.
fn letters(text: &str) -> usize {
    text.chars().filter(|c| c.is_alphanumeric()).count()
}

/// The gender of a wrong option where the article or the built-in list gives
/// one.
fn gender_of(corpus: &Corpus, fact: &Fact, option: &str) -> Option<Gender> {
    let key = arabic::normalize(option);
    // An editor writes their own wrong options in the answer's gender.
    if fact.wrong.iter().any(|(w, _)| arabic::normalize(w) == key) {
        return fact.gender;
    }
    corpus
        .articles
        .iter()
        .flat_map(|a| &a.facts)
        .find(|f| arabic::normalize(&f.answer) == key)
        .and_then(|f| f.gender)
        .or_else(|| {
            Alternatives::builtin()
                .types()
                .flat_map(|(_, list)| list)
                .find(|c| arabic::normalize(&c.text) == key)
                .and_then(|c| c.gender)
        })
}

/// The right option never stands out by its form: it opens with a
/// preposition only beside options that do too; no option is more than
/// twice as long as it or half as long; it is neither the only long one nor
/// the only short one; and where the fact's stem or claim agrees with the
/// answer (its `gender`), every option has that gender.
fn assert_no_option_stands_out(corpus: &Corpus, fact: &Fact, q: &Question, seed: u64) {
    let answer = q.answer();
    let others: Vec<&str> = q
        .options
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != q.correct)
        .map(|(_, o)| o.as_str())
        .collect();
    for option in &others {
        assert_eq!(
            shape::opener(option).is_some(),
            shape::opener(answer).is_some(),
            "{}: seed {seed}: «{option}» and «{answer}» differ in opening with a preposition",
            q.id
        );
        let (a, o) = (letters(answer), letters(option));
        assert!(
            o <= 2 * a && a <= 2 * o,
            "{}: seed {seed}: «{option}» ({o}) beside «{answer}» ({a}) stands out by length",
            q.id
        );
        if let Some(g) = fact.gender {
            assert_eq!(
                gender_of(corpus, fact, option),
                Some(g),
                "{}: seed {seed}: «{option}» does not agree with the stem",
                q.id
            );
        }
    }
    let a = letters(answer) as f64;
    let longest = others.iter().map(|o| letters(o)).max().unwrap_or(0) as f64;
    let shortest = others.iter().map(|o| letters(o)).min().unwrap_or(0) as f64;
    assert!(
        a <= longest * 1.5 && a * 1.5 >= shortest,
        "{}: seed {seed}: the answer «{answer}» alone is long or short among {:?}",
        q.id,
        q.options
    );
}

#[test]
fn date_options_keep_the_answers_surface_form_in_both_languages() {
    let corpus = corpus();
    let builder = builder(&corpus);
    for seed in 0..SEEDS {
        for q in bank(&builder, seed).questions {
            let fact = fact_of(&corpus, &q);
            if fact.answer_type.base() != "date" {
                continue;
            }
            let shape = Surface::read(&fact.answer, Script::Arabic, Reading::Date).shape();
            for option in &q.options {
                assert_eq!(
                    Surface::read(option, Script::Arabic, Reading::Date).shape(),
                    shape,
                    "{}: {option}",
                    q.id
                );
            }
            if let Some(gloss) = &q.gloss {
                for (ar, en) in q.options.iter().zip(&gloss.options) {
                    let ar_key = Surface::read(ar, Script::Arabic, Reading::Date).key();
                    let en_key = Surface::read(en, Script::English, Reading::Date).key();
                    assert_eq!(ar_key, en_key, "{}: «{ar}» is glossed «{en}»", q.id);
                }
            }
        }
    }
}

#[test]
fn the_same_seed_builds_the_same_bank_and_another_seed_shuffles() {
    let corpus = corpus();
    let builder = builder(&corpus);
    let a = bank(&builder, 7);
    let b = quiz::build(
        &corpus,
        Alternatives::builtin(),
        &mut ChaCha8Rng::seed_from_u64(7),
    )
    .expect("builds");
    let c = bank(&builder, 8);
    assert_eq!(a.questions, b.questions);
    assert_ne!(a.questions, c.questions);
    let positions: HashSet<usize> = (0..SEEDS)
        .map(|s| bank(&builder, s).questions[0].correct)
        .collect();
    assert_eq!(
        positions.len(),
        4,
        "the right option moves between all four places"
    );
}

#[test]
fn a_claim_is_true_exactly_when_it_states_the_answer() {
    let corpus = corpus();
    let bank = bank(&builder(&corpus), 3);
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let (mut true_claims, mut false_claims) = (0, 0);
    for _ in 0..5 {
        for q in &bank.questions {
            let claim = quiz::claim_check(q, &mut rng).expect("every choice question has a claim");
            assert_eq!(claim.form, Form::Claim);
            assert_eq!(claim.options, ["صحيح", "خطأ"]);
            assert_eq!(claim.quote, q.quote, "explained by the same quote");
            let shown: Vec<&String> = q
                .options
                .iter()
                .filter(|o| claim.stem.contains(o.as_str()))
                .collect();
            assert!(
                !shown.is_empty(),
                "{}: the claim states one of the options: {}",
                q.id,
                claim.stem
            );
            if claim.correct == 0 {
                true_claims += 1;
                assert!(
                    claim.stem.contains(q.answer()),
                    "{}: a true claim states the answer",
                    q.id
                );
            } else {
                false_claims += 1;
                let wrong = q
                    .options
                    .iter()
                    .enumerate()
                    .any(|(i, o)| i != q.correct && claim.stem.contains(o.as_str()));
                assert!(
                    wrong,
                    "{}: a false claim states a wrong option: {}",
                    q.id, claim.stem
                );
            }
            if let Some(g) = &claim.gloss {
                assert_eq!(g.options, ["True", "False"]);
                assert!(g.stem.starts_with("⚖️ True or false?"));
            }
        }
    }
    assert!(
        true_claims > 50 && false_claims > 50,
        "{true_claims} true, {false_claims} false"
    );
}

/// The facts the seed article must yield, by answer: the coverage the product
/// promises, pinned so that a facts edit cannot drop one silently.
#[test]
fn the_seed_article_covers_what_the_product_promises() {
    let corpus = corpus();
    let article = &corpus.articles[0];
    assert_eq!(article.article.slug(), "putin-north-korea-visit");
    assert!(article.facts.len() >= 45, "{} facts", article.facts.len());
    let answers: HashSet<String> = article
        .facts
        .iter()
        .map(|f| arabic::normalize(&f.answer))
        .collect();
    for expected in [
        "الثلاثاء",
        "الأربعاء",
        "الاثنين",
        "18 و19 يونيو",
        "20 يونيو/حزيران",
        "في ساعة متأخرة من مساء يوم غد",
        "سيرغي لافروف",
        "النائب الأول لرئيس الوزراء",
        "نائب رئيس الوزراء",
        "أندريه بيلاوسوف",
        "أليكسي كريفوروتشكو",
        "يوري بوريسوف",
        "هانوي",
        "زيارة دولة",
        "2017",
        "كنيسة ثالوث واهب الحياة",
        "معاهدة شراكة استراتيجية شاملة",
        "التعاون الأمني",
        "1961 و2000 و2001",
        "يوليو/تموز 2000",
        "مارس/آذار 1949",
        "اتفاقية التعاون الاقتصادي والثقافي",
        // (The years of the Second World War, the army Putin laid a wreath
        // for, the leader he met in 2000, the anniversary and the Kremlin's
        // website were dropped by the editors: common knowledge, or given
        // away by other questions.)
        "1950 - 1953",
        "منتصف سبتمبر/أيلول 2023",
        "فوستوتشني",
        "يوليو/تموز 2023",
        "أكتوبر/تشرين الأول الماضي",
        "مارس/آذار الماضي",
        "فرانس برس",
        "رويترز",
        "نودون سينمون",
        "آفاق الصداقة والتعاون عبر سنوات",
        // What a reader expects besides names and dates: what was affirmed,
        // why, what the sanctions are over, what the Soviet help was, and
        // what is to happen at the close of the talks.
        "أنها لن تكون موجهة ضد دول ثالثة",
        "الظروف الجيوسياسية الجديدة",
        "برنامجها الصاروخي النووي",
        "إعداد الكوادر الإدارية والفنية",
        "في ختام المحادثات",
    ] {
        assert!(
            answers.contains(&arabic::normalize(expected)),
            "no fact answers «{expected}»"
        );
    }
    let kinds: HashSet<Kind> = article.facts.iter().map(|f| f.kind).collect();
    assert_eq!(kinds.len(), Kind::ALL.len(), "every kind has facts");
    assert!(
        article.facts.iter().all(|f| f.gloss.is_some()),
        "every seed fact has an English gloss"
    );
}

#[test]
fn every_poll_explanation_fits_telegram_and_holds_the_answer() {
    let corpus = corpus();
    let builder = builder(&corpus);
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for seed in 0..20 {
        for q in bank(&builder, seed).questions {
            let claim = quiz::claim_check(&q, &mut rng).expect("a claim");
            for q in [&q, &claim] {
                let e = factquiz::telegram::render::poll_explanation(q);
                assert!(
                    e.chars().count() <= 200,
                    "{}: {} chars",
                    q.id,
                    e.chars().count()
                );
                assert!(e.matches('\n').count() <= 2, "{}", q.id);
                assert!(
                    Normalized::new(&e).contains(&q.key),
                    "{}: «{}» not in {e}",
                    q.id,
                    q.key
                );
            }
        }
    }
    // A long quote is cut around its answer, on word boundaries.
    let mut long = bank(&builder, 0).questions[0].clone();
    long.quote = format!("{} {} {}", "كلمة ".repeat(60), "الجواب", "نص ".repeat(60));
    long.key = "الجواب".into();
    let e = factquiz::telegram::render::poll_explanation(&long);
    assert!(
        e.starts_with("«…") && e.ends_with("…»") && e.contains("الجواب"),
        "{e}"
    );
    assert!(e.chars().count() <= 200);
}
