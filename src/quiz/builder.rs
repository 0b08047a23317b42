//! Builds a multiple-choice question from each fact.
//!
//! Wrong options come, in this order, from the article's other facts of the
//! same type (and, for dates and numbers, the same surface form), then from
//! type-aware alternatives (the built-in list, and for dates and numbers the
//! answer's own values changed), then, for an unqualified type, from every
//! qualified list of its base. A candidate is refused when its value is the
//! answer's, one of the fact's `also_true`, or the answer of another fact that
//! asks the same question, so no wrong option is true according to the
//! article.
//!
//! A candidate must also fit the question: a date inside the fact's window
//! (`earliest`, `latest`), the answer's gender where the fact gives one, and
//! the answer's shape (opening with a preposition as the answer does or
//! does not, and of a comparable length), so that no option stands out.

use std::collections::HashSet;

use rand::Rng;
use rand::seq::SliceRandom;

use super::surface::{Reading, Script, Surface};
use super::{
    Alternatives, Bank, Candidate, ClaimTemplate, Form, Question, QuestionGloss, kind_icon,
};
use crate::arabic;
use crate::facts::{AnswerType, ArticleFacts, Corpus, Fact, LoadError, LoadErrors, Problem};
use crate::quiz::shape;

/// How many wrong options a choice question has.
pub const WRONG_OPTIONS: usize = 3;

/// The groups candidates are taken from, in order: the editor's own wrong
/// options, the article's other facts, alternatives, broader lists. Three
/// of the editor's own or more are the only ones.
const GROUPS: usize = 4;

/// Builds the bank of a corpus, one choice question per fact, reporting every
/// fact for which three wrong options cannot be found.
pub fn build(
    corpus: &Corpus,
    alternatives: &Alternatives,
    rng: &mut impl Rng,
) -> Result<Bank, LoadErrors> {
    Ok(Builder::new(corpus, alternatives)?.build(rng))
}

/// The seed-independent half of building: every fact's candidates, checked
/// and keyed once, so that building a bank per seed only shuffles and picks.
pub struct Builder<'a> {
    corpus: &'a Corpus,
    plans: Vec<Plan<'a>>,
    /// Drafts (`review = true`) that cannot be a question yet, and why.
    unbuilt: Vec<LoadError>,
}

/// What is known about one fact before any random choice.
struct Plan<'a> {
    article: &'a ArticleFacts,
    fact: &'a Fact,
    groups: [Vec<Keyed>; GROUPS],
    truths: HashSet<String>,
    /// Whether three wrong options with an English rendering exist.
    glossable: bool,
}

/// A candidate with the keys it is compared by.
#[derive(Clone)]
struct Keyed {
    candidate: Candidate,
    value: String,
    text: String,
    en: Option<String>,
}

impl<'a> Builder<'a> {
    /// Prepares every fact; fails with every fact that lacks wrong options.
    pub fn new(corpus: &'a Corpus, alternatives: &Alternatives) -> Result<Self, LoadErrors> {
        let mut plans = Vec::with_capacity(corpus.fact_count());
        let mut errors = Vec::new();
        let mut unbuilt = Vec::new();
        for article in &corpus.articles {
            let shapes: Vec<Option<String>> = article
                .facts
                .iter()
                .map(|f| shape_of(&f.answer_type, &f.answer))
                .collect();
            let year = article_year(article);
            for (index, fact) in article.facts.iter().enumerate() {
                if !within_window(fact, year, &fact.answer) {
                    errors.push(LoadError {
                        file: article.facts_path.clone(),
                        fact: Some(fact.id.to_string()),
                        problem: Problem::AnswerOutsideWindow(fact.answer.clone()),
                    });
                    continue;
                }
                // An editor's own wrong options come first, as they are.
                let editor: Vec<Keyed> = fact
                    .wrong
                    .iter()
                    .map(|(text, en)| {
                        keyed(
                            fact,
                            Candidate {
                                text: text.clone(),
                                en: en.clone(),
                                gender: fact.gender,
                            },
                        )
                    })
                    .collect();
                let [from_article, outside, broader] =
                    candidate_groups(article, index, &shapes, alternatives).map(|group| {
                        group
                            .into_iter()
                            .filter(|c| fits(fact, year, c))
                            .map(|c| keyed(fact, c))
                            .collect()
                    });
                let truths = truths(article, fact);
                // An editor who wrote three wrong options or more chose them
                // all: the builder adds none of its own, and a lint reads
                // the claim with those alone.
                let own = editor.len() >= WRONG_OPTIONS
                    && count_usable(
                        &[editor.clone(), Vec::new(), Vec::new(), Vec::new()],
                        &truths,
                        fact,
                        false,
                    ) >= WRONG_OPTIONS;
                let groups = if own {
                    [editor, Vec::new(), Vec::new(), Vec::new()]
                } else {
                    [editor, from_article, outside, broader]
                };
                let usable = count_usable(&groups, &truths, fact, false);
                if usable < WRONG_OPTIONS {
                    let error = LoadError {
                        file: article.facts_path.clone(),
                        fact: Some(fact.id.to_string()),
                        problem: Problem::NotEnoughDistractors {
                            answer_type: fact.answer_type.to_string(),
                            found: usable,
                        },
                    };
                    // A draft is never served: until its reader gives it
                    // wrong options, it waits, and `questions check` says why.
                    if fact.review {
                        unbuilt.push(error);
                    } else {
                        errors.push(error);
                    }
                    continue;
                }
                let glossable = fact.gloss.is_some()
                    && count_usable(&groups, &truths, fact, true) >= WRONG_OPTIONS;
                plans.push(Plan {
                    article,
                    fact,
                    groups,
                    truths,
                    glossable,
                });
            }
        }
        if errors.is_empty() {
            Ok(Builder {
                corpus,
                plans,
                unbuilt,
            })
        } else {
            Err(LoadErrors(errors))
        }
    }

    /// Every fact prepared, with every wrong option any seed may draw for
    /// it (in the builder's order, each once): what a lint reads claims with.
    pub fn candidates(
        &self,
    ) -> impl Iterator<Item = (&'a ArticleFacts, &'a Fact, Vec<&Candidate>)> {
        self.plans.iter().map(|plan| {
            let answer = text_key(&plan.fact.answer);
            let mut seen = HashSet::new();
            let options = plan
                .groups
                .iter()
                .flatten()
                .filter(|k| {
                    !k.text.is_empty()
                        && k.text != answer
                        && !plan.truths.contains(&k.value)
                        && seen.insert(k.text.as_str())
                })
                .map(|k| &k.candidate)
                .collect();
            (plan.article, plan.fact, options)
        })
    }

    /// Builds a bank: the same rng state gives the same bank.
    pub fn build(&self, rng: &mut impl Rng) -> Bank {
        let mut questions = Vec::with_capacity(self.corpus.fact_count());
        for plan in &self.plans {
            questions.push(plan.question(rng));
        }
        Bank {
            questions,
            unbuilt_drafts: self.unbuilt.clone(),
        }
    }
}

/// The key under which two answers count as the same value: for dates and
/// numbers the values they hold («يوم الأربعاء» = «الأربعاء», «عام 2000» =
/// «2000»), otherwise the normalised text without punctuation.
pub fn value_key(answer_type: &AnswerType, text: &str) -> String {
    if let Some(reading) = reading_of(answer_type) {
        let surface = Surface::read(text, Script::Arabic, reading);
        if surface.has_values() {
            return surface.key();
        }
    }
    text_key(text)
}

fn text_key(text: &str) -> String {
    let kept: String = arabic::normalize(text)
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn reading_of(answer_type: &AnswerType) -> Option<Reading> {
    match answer_type.base() {
        "date" => Some(Reading::Date),
        "number" => Some(Reading::Number),
        _ => None,
    }
}

/// The year of the article's own date, if it has one.
fn article_year(article: &ArticleFacts) -> Option<u32> {
    article.meta.date.as_deref()?.get(..4)?.parse().ok()
}

/// Words that place a month relative to the article («الماضي», «المقبل»)
/// or in a year of its own: such a month is not read as the article's year.
const RELATIVE: [&str; 4] = ["الماضي", "المقبل", "القادم", "العام"];

/// Whether a date option falls in the fact's window (`earliest`, `latest`):
/// every year it names, with its month when it has one; a month without a
/// year («20 يونيو») is read in the article's year. An option that names no
/// year (a weekday, «أكتوبر الماضي») is not judged.
pub fn within_window(fact: &Fact, article_year: Option<u32>, text: &str) -> bool {
    let Some(window) = fact.window else {
        return true;
    };
    dates_of(article_year, text)
        .into_iter()
        .all(|(year, month)| window.admits(year, month))
}

/// The years (with their months) a date option names, a bare month read in
/// the article's year: what a window judges.
pub(super) fn dates_of(article_year: Option<u32>, text: &str) -> Vec<(u32, Option<u8>)> {
    let normalized = arabic::normalize(text);
    let bare_year = article_year.filter(|_| !RELATIVE.iter().any(|w| normalized.contains(w)));
    Surface::read(text, Script::Arabic, Reading::Date).dates(bare_year)
}

/// Whether a candidate may stand beside the fact's answer: inside its
/// window, of its gender when it has one, and of its shape.
fn fits(fact: &Fact, article_year: Option<u32>, c: &Candidate) -> bool {
    within_window(fact, article_year, &c.text)
        && fact.gender.is_none_or(|g| c.gender == Some(g))
        && shape::alike(&fact.answer, &c.text)
}

/// The shape two answers must share to stand side by side (dates, numbers).
fn shape_of(answer_type: &AnswerType, text: &str) -> Option<String> {
    reading_of(answer_type).map(|r| Surface::read(text, Script::Arabic, r).shape())
}

impl Plan<'_> {
    fn question(&self, rng: &mut impl Rng) -> Question {
        let (fact, article) = (self.fact, self.article);
        let glossed = if self.glossable {
            pick(&self.groups, &self.truths, fact, true, rng)
        } else {
            None
        };
        let with_gloss = glossed.is_some();
        let wrong = glossed
            .or_else(|| pick(&self.groups, &self.truths, fact, false, rng))
            .expect("Builder::new checked that three wrong options exist");
        let answer = Candidate {
            text: fact.answer.clone(),
            en: fact.gloss.as_ref().map(|g| g.answer.clone()),
            gender: fact.gender,
        };
        let mut options: Vec<(Candidate, bool)> = std::iter::once((answer, true))
            .chain(wrong.into_iter().map(|c| (c, false)))
            .collect();
        options.shuffle(rng);
        let correct = options
            .iter()
            .position(|(_, right)| *right)
            .expect("the answer is an option");
        let icon = kind_icon(fact.kind);
        let gloss = fact
            .gloss
            .as_ref()
            .filter(|_| with_gloss)
            .map(|g| QuestionGloss {
                stem: format!("{icon} {}", g.question),
                options: options
                    .iter()
                    .map(|(c, _)| c.en.clone().unwrap_or_default())
                    .collect(),
            });
        Question {
            id: format!("{}/{}", article.article.slug(), fact.id),
            article: article.article.slug().to_owned(),
            fact_id: fact.id.to_string(),
            kind: fact.kind,
            form: Form::Choice,
            lang: article.meta.lang.clone(),
            stem: format!("{icon} {}", fact.question),
            options: options.into_iter().map(|(c, _)| c.text).collect(),
            correct,
            key: fact.answer.clone(),
            quote: fact.quote.text.clone(),
            span: fact.quote.span,
            paragraph: fact.quote.paragraph,
            gloss,
            claim: Some(ClaimTemplate {
                text: fact.claim.clone(),
                en: fact.gloss.as_ref().and_then(|g| g.claim.clone()),
                question: fact.question.clone(),
                question_en: fact.gloss.as_ref().map(|g| g.question.clone()),
            }),
        }
    }
}

fn keyed(fact: &Fact, candidate: Candidate) -> Keyed {
    Keyed {
        value: value_key(&fact.answer_type, &candidate.text),
        text: text_key(&candidate.text),
        en: candidate.en.as_ref().map(|e| e.to_lowercase()),
        candidate,
    }
}

/// Value keys never offered as wrong options: true for the fact's question,
/// or ruled out by an editor (`never`).
fn truths(article: &ArticleFacts, fact: &Fact) -> HashSet<String> {
    let question = arabic::normalize(&fact.question);
    let same_question = article
        .facts
        .iter()
        .filter(|f| f.id != fact.id && arabic::normalize(&f.question) == question)
        .map(|f| f.answer.as_str());
    std::iter::once(fact.answer.as_str())
        .chain(fact.also_true.iter().map(String::as_str))
        .chain(fact.never.iter().map(String::as_str))
        .chain(same_question)
        .map(|t| value_key(&fact.answer_type, t))
        .collect()
}

/// The candidates, in the three groups of the module doc, in a fixed order.
fn candidate_groups(
    article: &ArticleFacts,
    index: usize,
    shapes: &[Option<String>],
    alternatives: &Alternatives,
) -> [Vec<Candidate>; 3] {
    let fact = &article.facts[index];
    let shape = &shapes[index];
    let of_fact = |f: &Fact| Candidate {
        text: f.answer.clone(),
        en: f.gloss.as_ref().map(|g| g.answer.clone()),
        gender: f.gender,
    };
    let others = || {
        article
            .facts
            .iter()
            .zip(shapes)
            .enumerate()
            .filter(move |(i, (_, s))| *i != index && *s == shape)
            .map(|(_, (f, _))| f)
    };
    let from_article: Vec<Candidate> = others()
        .filter(|f| f.answer_type == fact.answer_type)
        .map(of_fact)
        .collect();

    let mut outside: Vec<Candidate> = alternatives.exact(&fact.answer_type).to_vec();
    if let Some(reading) = reading_of(&fact.answer_type) {
        let surface = Surface::read(&fact.answer, Script::Arabic, reading);
        let en = fact
            .gloss
            .as_ref()
            .map(|g| Surface::read(&g.answer, Script::English, reading));
        let max_year = article
            .meta
            .date
            .as_deref()
            .and_then(|d| d.get(..4)?.parse().ok());
        for change in surface.changes(max_year) {
            let Some(text) = surface.apply(change) else {
                continue;
            };
            // The gloss must say the same values, or it is not offered.
            let key = Surface::read(&text, Script::Arabic, reading).key();
            let en = en
                .as_ref()
                .and_then(|s| s.apply(change))
                .filter(|e| Surface::read(e, Script::English, reading).key() == key);
            outside.push(Candidate {
                text,
                en,
                gender: None,
            });
        }
    }

    let mut broader = Vec::new();
    if !fact.answer_type.as_str().contains('.') {
        let base = fact.answer_type.base();
        broader.extend(
            others()
                .filter(|f| f.answer_type.base() == base && f.answer_type != fact.answer_type)
                .map(of_fact),
        );
        broader.extend(alternatives.qualified_of(base).cloned());
    }
    [from_article, outside, broader]
}

/// The keys already used by the answer, the truths and the options taken.
struct Taken<'a> {
    keys: HashSet<&'a str>,
    texts: HashSet<&'a str>,
    en: HashSet<&'a str>,
}

impl<'a> Taken<'a> {
    fn new(truths: &'a HashSet<String>, answer_text: &'a str, answer_en: Option<&'a str>) -> Self {
        Taken {
            keys: truths.iter().map(String::as_str).collect(),
            texts: HashSet::from([answer_text]),
            en: answer_en.into_iter().collect(),
        }
    }

    /// Whether the candidate clashes with nothing taken.
    fn would_take(&self, c: &Keyed, need_en: bool) -> bool {
        if c.text.is_empty()
            || self.keys.contains(c.value.as_str())
            || self.texts.contains(c.text.as_str())
        {
            return false;
        }
        match c.en.as_deref() {
            Some(en) => !self.en.contains(en),
            None => !need_en,
        }
    }

    /// Takes the candidate if it clashes with nothing taken.
    fn take(&mut self, c: &'a Keyed, need_en: bool) -> bool {
        if !self.would_take(c, need_en) {
            return false;
        }
        self.keys.insert(&c.value);
        self.texts.insert(&c.text);
        self.en.extend(c.en.as_deref());
        true
    }
}

/// Three wrong options, each group shuffled and used before the next. The
/// last one taken must leave the answer not standing out by its length
/// among the four ([`shape::lone_length`]) nor by a mark of form only it
/// has or lacks ([`shape::isolating_mark`], in English too when the
/// question is glossed); when no candidate can, the first that fits is
/// taken.
fn pick(
    groups: &[Vec<Keyed>; GROUPS],
    truths: &HashSet<String>,
    fact: &Fact,
    need_en: bool,
    rng: &mut impl Rng,
) -> Option<Vec<Candidate>> {
    let answer_text = text_key(&fact.answer);
    let answer_en = fact.gloss.as_ref().map(|g| g.answer.to_lowercase());
    let mut order: Vec<&Keyed> = Vec::new();
    for group in groups {
        let start = order.len();
        order.extend(group.iter());
        order[start..].shuffle(rng);
    }
    let mut taken = Taken::new(truths, &answer_text, answer_en.as_deref());
    let mut chosen: Vec<&Keyed> = Vec::with_capacity(WRONG_OPTIONS);
    let mut fallback = None;
    for candidate in order {
        if chosen.len() == WRONG_OPTIONS {
            break;
        }
        if chosen.len() == WRONG_OPTIONS - 1 {
            if !taken.would_take(candidate, need_en) {
                continue;
            }
            let three = || chosen.iter().chain([&candidate]);
            let texts = three().map(|c| c.candidate.text.as_str());
            // Nor the only one of a form: with the article «ال», say, or,
            // in English, the only one without "of".
            let english_apart = need_en
                && fact.gloss.as_ref().is_some_and(|g| {
                    let ens = three().filter_map(|c| c.candidate.en.as_deref());
                    shape::isolating_mark(&g.answer, ens, true).is_some()
                });
            if shape::lone_length(&fact.answer, texts.clone())
                || shape::isolating_mark(&fact.answer, texts, false).is_some()
                || english_apart
            {
                fallback.get_or_insert(candidate);
                continue;
            }
        }
        if taken.take(candidate, need_en) {
            chosen.push(candidate);
        }
    }
    if chosen.len() < WRONG_OPTIONS
        && let Some(last) = fallback
    {
        chosen.push(last);
    }
    (chosen.len() == WRONG_OPTIONS)
        .then(|| chosen.into_iter().map(|c| c.candidate.clone()).collect())
}

/// How many wrong options can stand together, taking them in list order.
fn count_usable(
    groups: &[Vec<Keyed>; GROUPS],
    truths: &HashSet<String>,
    fact: &Fact,
    need_en: bool,
) -> usize {
    let answer_text = text_key(&fact.answer);
    let answer_en = fact.gloss.as_ref().map(|g| g.answer.to_lowercase());
    let mut taken = Taken::new(truths, &answer_text, answer_en.as_deref());
    groups
        .iter()
        .flatten()
        .filter(|c| taken.take(c, need_en))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_keys_see_through_phrasing() {
        let date = AnswerType::parse("date").expect("type");
        assert_eq!(
            value_key(&date, "يوم غد الأربعاء"),
            value_key(&date, "الأربعاء")
        );
        assert_eq!(value_key(&date, "عام 2000"), value_key(&date, "2000"));
        assert_ne!(value_key(&date, "2000"), value_key(&date, "2001"));
        let city = AnswerType::parse("city").expect("type");
        assert_eq!(value_key(&city, "«هانوي»"), value_key(&city, "هانوي"));
    }
}
