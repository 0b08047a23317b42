//! What `questions check` warns an editor of, though the bank builds: what a
//! machine can judge of a fact's fairness. Each lint names the fact and the
//! reason; `--strict` makes every one a problem.

use std::fmt;

use super::{Builder, Candidate};
use crate::arabic;
use crate::facts::{ANSWER_PLACEHOLDER, ArticleFacts, Fact};

/// One warning about one fact.
#[derive(Debug, Clone)]
pub struct Lint<'a> {
    pub article: &'a ArticleFacts,
    pub fact: &'a Fact,
    pub reason: Reason,
}

/// Why a fact is warned of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// No `question_en` and `answer_en`.
    NoGloss,
    /// No `claim`.
    NoClaim,
    /// A `claim` but no `claim_en`.
    ClaimWithoutEn,
    /// A date answer that names a year or a month, with no window.
    NoWindow,
    /// A claim template that reads badly with one of the options.
    Seam {
        template: &'static str,
        reads: String,
    },
    /// A word after the answer's place that must agree with every option,
    /// in a fact that gives no gender.
    Agrees {
        template: &'static str,
        word: String,
    },
    /// One of the editor's own wrong options stands out beside the answer
    /// (a lone preposition, twice as long or half as long).
    OwnShape(String),
    /// One of the editor's own wrong dates falls outside the fact's window.
    OwnOutsideWindow(String),
    /// Whichever three of the editor's own wrong options are drawn, the
    /// answer is the only long (or short) one, in `lang`.
    OwnLeaveAnswerAlone { lang: &'static str },
    /// Whichever three wrong options are drawn, the answer alone has (or
    /// lacks) a mark of form, in `lang`.
    MarkSetsApart {
        lang: &'static str,
        mark: &'static str,
    },
    /// The article's label (its title, when it has none), which every
    /// question card shows, holds the fact's answer.
    LabelNamesAnswer { field: &'static str },
    /// The fact's stem or claim holds another fact's answer.
    NamesAnswer {
        field: &'static str,
        other: String,
        answer: String,
    },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::NoGloss => f.write_str(
                "no English gloss (question_en and answer_en): English players see it in Arabic only",
            ),
            Reason::NoClaim => f.write_str("no claim: it is never asked as true or false"),
            Reason::ClaimWithoutEn => f.write_str(
                "a claim without claim_en: English players see the claim in Arabic only",
            ),
            Reason::NoWindow => f.write_str(
                "a date with no earliest/latest: its wrong dates are not checked against what the fact is about (give the years or months it could have been)",
            ),
            Reason::Seam { template, reads } => write!(
                f,
                "the {template} does not read with every option: «{reads}» (reword it so the option stands alone)"
            ),
            Reason::Agrees { template, word } => write!(
                f,
                "the {template} has «{word}» after {ANSWER_PLACEHOLDER}, which must agree with every option: give the fact a gender (m or f), or reword so the option ends its phrase"
            ),
            Reason::OwnShape(option) => write!(
                f,
                "the wrong option «{option}» stands out beside the answer (a preposition one has and the other not, or twice the length): write one of the answer's shape"
            ),
            Reason::OwnOutsideWindow(option) => write!(
                f,
                "the wrong option «{option}» falls outside the fact's earliest/latest: a reader rules it out at once"
            ),
            Reason::MarkSetsApart { lang, mark } => write!(
                f,
                "in {lang}, whichever three wrong options are drawn, the answer alone has or lacks {mark}: give the options one form"
            ),
            Reason::OwnLeaveAnswerAlone { lang } => write!(
                f,
                "in {lang}, whichever three wrong options are drawn, the answer is the only long (or short) one: write options of its length"
            ),
            Reason::LabelNamesAnswer { field } => write!(
                f,
                "the article's {field}, which every question card shows, holds this fact's answer: give the article a `label` (and `label_en`) that names it without giving answers away"
            ),
            Reason::NamesAnswer {
                field,
                other,
                answer,
            } => write!(
                f,
                "the {field} holds «{answer}», the answer of fact `{other}`: reword it, or the two can give each other away"
            ),
        }
    }
}

/// Every lint of the facts the builder prepared, in file order.
pub fn lints<'a>(builder: &Builder<'a>) -> Vec<Lint<'a>> {
    let mut out = Vec::new();
    for (article, fact, options) in builder.candidates() {
        let mut say = |reason| {
            out.push(Lint {
                article,
                fact,
                reason,
            })
        };
        if fact.gloss.is_none() {
            say(Reason::NoGloss);
        }
        match &fact.claim {
            None => say(Reason::NoClaim),
            Some(_) if fact.gloss.as_ref().is_some_and(|g| g.claim.is_none()) => {
                say(Reason::ClaimWithoutEn);
            }
            Some(_) => {}
        }
        if needs_window(article, fact) {
            say(Reason::NoWindow);
        }
        for reason in claim_lints(fact, &options) {
            say(reason);
        }
        // The builder checks its own options; the editor's are taken as
        // they are, so they are checked here.
        let year = article
            .meta
            .date
            .as_deref()
            .and_then(|d| d.get(..4)?.parse().ok());
        let arabic_own: Vec<&str> = fact.wrong.iter().map(|(w, _)| w.as_str()).collect();
        let english_own: Vec<&str> = fact
            .wrong
            .iter()
            .filter_map(|(_, e)| e.as_deref())
            .collect();
        let answer_en = fact.gloss.as_ref().map(|g| g.answer.as_str());
        for (lang, answer, own) in [
            ("Arabic", Some(fact.answer.as_str()), &arabic_own),
            ("English", answer_en, &english_own),
        ] {
            if let Some(answer) = answer
                && own.len() >= super::builder::WRONG_OPTIONS
                && threes(own).all(|three| super::shape::lone_length(answer, three))
            {
                say(Reason::OwnLeaveAnswerAlone { lang });
            }
        }
        // A mark of form the answer alone has, in every three the seeds can
        // draw (the builder avoids it where it can).
        let pool_ar: Vec<&str> = options.iter().map(|c| c.text.as_str()).take(12).collect();
        let pool_en: Vec<&str> = options
            .iter()
            .filter_map(|c| c.en.as_deref())
            .take(12)
            .collect();
        for (lang, answer, pool, english) in [
            ("Arabic", Some(fact.answer.as_str()), &pool_ar, false),
            ("English", answer_en, &pool_en, true),
        ] {
            let Some(answer) = answer else { continue };
            if pool.len() < super::builder::WRONG_OPTIONS {
                continue;
            }
            let marks: Vec<Option<&'static str>> = threes(pool)
                .map(|three| super::shape::isolating_mark(answer, three, english))
                .collect();
            if let Some(Some(mark)) = marks.first()
                && marks.iter().all(|m| m.is_some())
            {
                say(Reason::MarkSetsApart { lang, mark });
            }
        }
        for (own, _) in &fact.wrong {
            if !super::shape::alike(&fact.answer, own) {
                say(Reason::OwnShape(own.clone()));
            }
            if !super::within_window(fact, year, own) {
                say(Reason::OwnOutsideWindow(own.clone()));
            }
        }
        for reason in names_answers(article, fact) {
            say(reason);
        }
        if let Some(field) = label_names(article, fact) {
            say(Reason::LabelNamesAnswer { field });
        }
    }
    out
}

/// Which of the article's names a question card shows (its label, else its
/// title; in English too) holds the fact's answer, if one does.
fn label_names(article: &ArticleFacts, fact: &Fact) -> Option<&'static str> {
    let meta = &article.meta;
    let (ar_field, ar) = match &meta.label {
        Some(label) => ("label", label.as_str()),
        None => ("title", meta.title.as_str()),
    };
    let answer = arabic::normalize(&fact.answer);
    if answer.chars().count() >= 2 && arabic::normalize(ar).contains(&answer) {
        return Some(ar_field);
    }
    let (en_field, en) = match (&meta.label_en, &meta.title_en) {
        (Some(label), _) => ("label_en", label.as_str()),
        (None, Some(title)) => ("title_en", title.as_str()),
        (None, None) => return None,
    };
    let answer_en = fact.gloss.as_ref()?.answer.to_lowercase();
    (answer_en.chars().count() >= 2 && en.to_lowercase().contains(&answer_en)).then_some(en_field)
}

/// Every three of `options`, in order.
fn threes<'a>(options: &'a [&'a str]) -> impl Iterator<Item = [&'a str; 3]> + 'a {
    let n = options.len();
    (0..n).flat_map(move |i| {
        (i + 1..n).flat_map(move |j| (j + 1..n).map(move |k| [options[i], options[j], options[k]]))
    })
}

/// Whether a date fact names a year or a month the builder could move, and
/// has nothing to keep the moved ones inside what the fact is about.
fn needs_window(article: &ArticleFacts, fact: &Fact) -> bool {
    if fact.window.is_some() || fact.answer_type.base() != "date" {
        return false;
    }
    // A fully relative date («أكتوبر الماضي») says when without a year.
    let year = article
        .meta
        .date
        .as_deref()
        .and_then(|d| d.get(..4)?.parse().ok());
    !super::builder::dates_of(year, &fact.answer).is_empty()
}

/// The lints of a fact's claim templates against the answer and every
/// option: a seam that reads badly, or a word that must agree.
fn claim_lints(fact: &Fact, options: &[&Candidate]) -> Vec<Reason> {
    let mut out = Vec::new();
    let answer = Candidate {
        text: fact.answer.clone(),
        en: fact.gloss.as_ref().map(|g| g.answer.clone()),
        gender: fact.gender,
    };
    let all: Vec<&Candidate> = std::iter::once(&answer)
        .chain(options.iter().copied())
        .collect();
    if let Some(claim) = &fact.claim {
        if let Some(reads) = all.iter().find_map(|c| seam_ar(claim, &c.text)) {
            out.push(Reason::Seam {
                template: "claim",
                reads,
            });
        }
        if fact.gender.is_none()
            && let Some(word) = agreeing_word(claim)
        {
            out.push(Reason::Agrees {
                template: "claim",
                word,
            });
        }
    }
    if let Some(claim_en) = fact.gloss.as_ref().and_then(|g| g.claim.as_deref())
        && let Some(reads) = all
            .iter()
            .filter_map(|c| c.en.as_deref())
            .find_map(|en| seam_en(claim_en, en))
    {
        out.push(Reason::Seam {
            template: "claim_en",
            reads,
        });
    }
    out
}

/// The words of a text, normalised, without punctuation.
fn words(text: &str) -> Vec<String> {
    arabic::normalize(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A few words either side of the seam, for the message.
fn excerpt(before: &str, option: &str, after: &str) -> String {
    let head: Vec<&str> = before.split_whitespace().rev().take(3).collect();
    let tail: Vec<&str> = after.split_whitespace().take(3).collect();
    let head: Vec<&str> = head.into_iter().rev().collect();
    format!("{}{option}{}", with_space(&head.join(" "), before), {
        let t = tail.join(" ");
        if after.starts_with(char::is_whitespace) {
            format!(" {t}")
        } else {
            t
        }
    })
    .trim()
    .to_owned()
}

fn with_space(head: &str, before: &str) -> String {
    if before.ends_with(char::is_whitespace) {
        format!("{head} ")
    } else {
        head.to_owned()
    }
}

/// How an Arabic claim reads badly with `option`, if it does: the word
/// before the option repeated as its first («وكالة وكالة …»), the word
/// after it repeated as its last, or a glued prefix before an option that
/// opens with a preposition or an article already there («ال» + «الجيش»).
pub fn seam_ar(template: &str, option: &str) -> Option<String> {
    let (before, after) = template.split_once(ANSWER_PLACEHOLDER)?;
    let option_words = words(option);
    let (first, last) = (option_words.first()?, option_words.last()?);
    let doubled_before = words(before).last() == Some(first);
    let doubled_after = words(after).first() == Some(last);
    let glued = before.ends_with(|c: char| c.is_alphabetic()).then(|| {
        let tail: String = before
            .chars()
            .rev()
            .take_while(|c| c.is_alphabetic())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        arabic::normalize(&tail)
    });
    let bad_glue = glued.is_some_and(|tail| {
        (tail.ends_with("ال") && first.starts_with("ال")) || super::shape::opener(option).is_some()
    });
    (doubled_before || doubled_after || bad_glue).then(|| excerpt(before, option, after))
}

/// How an English claim reads badly with `option`, if it does: a word
/// repeated at the seam, or an option that opens with an article after a
/// word that already determines it («the», «its», «Russia's», or an
/// adjective such as «Soviet»).
pub fn seam_en(template: &str, option: &str) -> Option<String> {
    let (before, after) = template.split_once(ANSWER_PLACEHOLDER)?;
    let lower = |s: &str| {
        s.trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase()
    };
    let option_words: Vec<&str> = option.split_whitespace().collect();
    let (first, last) = (option_words.first()?, option_words.last()?);
    let before_words: Vec<&str> = before.split_whitespace().collect();
    let prev = before_words.last().copied();
    let next = after.split_whitespace().next();
    let doubled = prev.is_some_and(|p| lower(p) == lower(first))
        || next.is_some_and(|n| lower(n) == lower(last));
    let opens_with_article = matches!(lower(first).as_str(), "the" | "a" | "an");
    let determined = prev.is_some_and(|p| {
        let word = lower(p);
        let sentence_start = before_words.len() == 1
            || before_words
                .get(before_words.len().wrapping_sub(2))
                .is_some_and(|w| w.ends_with(['.', ':', '“', '"']));
        matches!(
            word.as_str(),
            "the" | "a" | "an" | "its" | "his" | "her" | "their" | "our" | "your" | "my"
        ) || p.ends_with("'s")
            || p.ends_with("’s")
            || (p.starts_with(char::is_uppercase)
                && !p.ends_with([',', ':', ';', '“', '"'])
                && !sentence_start)
    });
    (doubled || (opens_with_article && determined)).then(|| excerpt(before, option, after))
}

/// A definite word right after the answer's place («الوحيدة» in «الكنيسة
/// {answer} الوحيدة»): an adjective that must agree with every option.
pub fn agreeing_word(template: &str) -> Option<String> {
    let (_, after) = template.split_once(ANSWER_PLACEHOLDER)?;
    if !after.starts_with(char::is_whitespace) {
        return None;
    }
    let word = after.split_whitespace().next()?;
    let bare: String = word.chars().filter(|c| c.is_alphabetic()).collect();
    // The article as written: «إلى» normalises to «الي» but is none, and a
    // relative pronoun («التي») agrees with nothing of the option's form.
    let not_definite = [
        "الى",
        "الي",
        "التي",
        "الذي",
        "الذين",
        "اللذين",
        "اللتين",
        "اللواتي",
    ];
    (word.chars().next().is_some_and(char::is_alphabetic)
        && bare.starts_with("ال")
        && !not_definite.contains(&bare.as_str()))
    .then_some(bare)
}

/// The other facts of the article whose answer the fact's stem or claim
/// holds, in Arabic or in English.
fn names_answers(article: &ArticleFacts, fact: &Fact) -> Vec<Reason> {
    let mut out = Vec::new();
    let gloss = fact.gloss.as_ref();
    let fields: [(&'static str, Option<&str>, bool); 4] = [
        ("question", Some(fact.question.as_str()), false),
        ("claim", fact.claim.as_deref(), false),
        ("question_en", gloss.map(|g| g.question.as_str()), true),
        ("claim_en", gloss.and_then(|g| g.claim.as_deref()), true),
    ];
    for other in article.facts.iter().filter(|f| f.id != fact.id) {
        for &(field, text, english) in &fields {
            let Some(text) = text else { continue };
            let answer = if english {
                other.gloss.as_ref().map(|g| g.answer.as_str())
            } else {
                Some(other.answer.as_str())
            };
            let Some(answer) = answer else { continue };
            let person = other.answer_type.base() == "person";
            if holds(text, answer, english, person) {
                out.push(Reason::NamesAnswer {
                    field,
                    other: other.id.to_string(),
                    answer: answer.to_owned(),
                });
                break;
            }
        }
    }
    out
}

/// Whether `text` holds `answer`: as normalised text (as the planner reads
/// it), as a run of whole words in English, and for a person also by the
/// family name alone («شويغو» for «سيرغي شويغو»).
pub fn holds(text: &str, answer: &str, english: bool, person: bool) -> bool {
    let text = text.replace(ANSWER_PLACEHOLDER, " ");
    if english {
        let t: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let a: Vec<String> = answer
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .filter(|w| !matches!(w.as_str(), "the" | "a" | "an"))
            .collect();
        if a.is_empty() || a.iter().map(String::len).sum::<usize>() < 3 {
            return false;
        }
        let run = t.windows(a.len()).any(|w| w == a.as_slice());
        let family =
            person && a.len() > 1 && a.last().is_some_and(|w| w.len() >= 4 && t.contains(w));
        return run || family;
    }
    let answer_key = arabic::normalize(answer);
    if answer_key.chars().count() < 2 {
        return false;
    }
    if arabic::normalize(&text).contains(&answer_key) {
        return true;
    }
    let answer_words = words(answer);
    person
        && answer_words.len() > 1
        && answer_words
            .last()
            .is_some_and(|w| w.chars().count() >= 4 && words(&text).contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arabic_seam_that_repeats_a_word_or_an_article_is_found() {
        assert!(seam_ar("نقلت وكالة {answer} المشاهد.", "وكالة الأناضول").is_some());
        assert!(seam_ar("نقلت وكالة {answer} المشاهد.", "الأناضول").is_none());
        assert!(seam_ar("وصل يوم {answer} إلى بيونغ يانغ.", "الثلاثاء").is_none());
        assert!(seam_ar("وضعا إكليلاً على نصب {answer} السوفييتي.", "الجيش السوفييتي").is_some());
        assert!(seam_ar("زار ال{answer} أمس.", "الوفد").is_some(), "«الال»");
        assert!(
            seam_ar("سيبدأ زيارته ب{answer}.", "في ساعة متأخرة").is_some(),
            "«بفي»"
        );
        assert!(seam_ar("ستجري المحادثات {answer}.", "في ساعة متأخرة").is_none());
    }

    #[test]
    fn an_english_seam_with_a_doubled_article_is_found() {
        let reads = seam_en("a monument to the Soviet {answer}.", "the Red Army").expect("bad");
        assert_eq!(reads, "to the Soviet the Red Army.");
        assert!(seam_en("a monument to the soldiers of {answer}.", "the Red Army").is_none());
        assert!(seam_en("Putin visited the {answer} church.", "the Orthodox").is_some());
        assert!(seam_en("It was Russia's {answer}.", "a treaty").is_some());
        assert!(seam_en("Putin met Foreign Minister {answer}.", "Sergei Lavrov").is_none());
        assert!(seam_en("{answer} relayed the footage.", "the Associated Press").is_none());
        assert!(seam_en("It covers security, said {answer}.", "Reuters").is_none());
        assert!(
            seam_en("In Moscow: {answer} was signed.", "a treaty").is_none(),
            "after a colon"
        );
        assert!(seam_en("“Russia and the DPRK: {answer}”.", "a history").is_none());
    }

    #[test]
    fn a_definite_word_after_the_answer_must_agree() {
        assert_eq!(
            agreeing_word("هي الكنيسة {answer} الوحيدة في البلاد.").as_deref(),
            Some("الوحيدة")
        );
        assert_eq!(agreeing_word("زار {answer} أمس."), None);
        assert_eq!(agreeing_word("كتب عليها «{answer}»."), None);
        assert_eq!(agreeing_word("عاد إلى {answer}."), None);
        // «إلى» normalises like a word with the article, but is a preposition.
        assert_eq!(agreeing_word("تشير بيانات {answer} إلى تراجع."), None);
        assert_eq!(agreeing_word("تشير بيانات {answer} الى تراجع."), None);
    }

    #[test]
    fn a_stem_holds_an_answer_by_its_words_or_a_family_name() {
        assert!(holds(
            "متى زار كيم إل سونغ موسكو؟",
            "كيم إل سونغ",
            false,
            true
        ));
        assert!(holds("حضر شويغو الاحتفال", "سيرغي شويغو", false, true));
        assert!(!holds("حضر الوزير الاحتفال", "سيرغي شويغو", false, true));
        assert!(
            !holds("بحث التعاون", "كيم جونغ أون", false, true),
            "«أون» is short"
        );
        assert!(holds(
            "When did Kim Il Sung visit Moscow?",
            "Kim Il Sung",
            true,
            true
        ));
        assert!(holds("the visit in 2000?", "2000", true, false));
        assert!(
            holds("Putin arrived once more", "the once", true, false),
            "articles aside"
        );
        assert!(
            !holds("Which treaty did he sign?", "tea", true, false),
            "whole words"
        );
    }
}
