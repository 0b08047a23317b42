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

use std::collections::HashSet;

use rand::Rng;
use rand::seq::SliceRandom;

use super::surface::{Lang, Reading, Surface};
use super::{
    Alternatives, Bank, Candidate, ClaimTemplate, Form, Question, QuestionGloss, kind_icon,
};
use crate::arabic;
use crate::facts::{AnswerType, ArticleFacts, Corpus, Fact, LoadError, LoadErrors, Problem};

/// How many wrong options a choice question has.
pub const WRONG_OPTIONS: usize = 3;

/// Builds the bank of a corpus, one choice question per fact, reporting every
/// fact for which three wrong options cannot be found.
pub fn build(
    corpus: &Corpus,
    alternatives: &Alternatives,
    rng: &mut impl Rng,
) -> Result<Bank, LoadErrors> {
    let mut questions = Vec::with_capacity(corpus.fact_count());
    let mut errors = Vec::new();
    for article in &corpus.articles {
        for fact in &article.facts {
            match choice_question(article, fact, alternatives, rng) {
                Ok(q) => questions.push(q),
                Err(problem) => errors.push(LoadError {
                    file: article.facts_path.clone(),
                    fact: Some(fact.id.to_string()),
                    problem,
                }),
            }
        }
    }
    if errors.is_empty() {
        Ok(Bank { questions })
    } else {
        Err(LoadErrors(errors))
    }
}

/// The key under which two answers count as the same value: for dates and
/// numbers the values they hold («يوم الأربعاء» = «الأربعاء», «عام 2000» =
/// «2000»), otherwise the normalised text without punctuation.
pub fn value_key(answer_type: &AnswerType, text: &str) -> String {
    if let Some(reading) = reading_of(answer_type) {
        let surface = Surface::read(text, Lang::Arabic, reading);
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

/// The shape two answers must share to stand side by side (dates, numbers).
fn shape_of(answer_type: &AnswerType, text: &str) -> Option<String> {
    reading_of(answer_type).map(|r| Surface::read(text, Lang::Arabic, r).shape())
}

fn choice_question(
    article: &ArticleFacts,
    fact: &Fact,
    alternatives: &Alternatives,
    rng: &mut impl Rng,
) -> Result<Question, Problem> {
    let groups = candidate_groups(article, fact, alternatives);
    let truths = truths(article, fact);
    let mut wrong = None;
    if fact.gloss.is_some() {
        wrong = pick(&groups, &truths, fact, true, rng);
    }
    let with_gloss = wrong.is_some();
    let wrong = match wrong {
        Some(w) => w,
        None => pick(&groups, &truths, fact, false, rng).ok_or_else(|| {
            Problem::NotEnoughDistractors {
                answer_type: fact.answer_type.to_string(),
                found: count_usable(&groups, &truths, fact),
            }
        })?,
    };
    let answer = Candidate {
        text: fact.answer.clone(),
        en: fact.gloss.as_ref().map(|g| g.answer.clone()),
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
    Ok(Question {
        id: format!("{}/{}", article.article.slug(), fact.id),
        article: article.article.slug().to_owned(),
        fact_id: fact.id.to_string(),
        kind: fact.kind,
        form: Form::Choice,
        lang: article.meta.lang.clone(),
        stem: format!("{icon} {}", fact.question),
        options: options.into_iter().map(|(c, _)| c.text).collect(),
        correct,
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
    })
}

/// Value keys that are true for the fact's question.
fn truths(article: &ArticleFacts, fact: &Fact) -> HashSet<String> {
    let question = arabic::normalize(&fact.question);
    let same_question = article
        .facts
        .iter()
        .filter(|f| f.id != fact.id && arabic::normalize(&f.question) == question)
        .map(|f| f.answer.as_str());
    std::iter::once(fact.answer.as_str())
        .chain(fact.also_true.iter().map(String::as_str))
        .chain(same_question)
        .map(|t| value_key(&fact.answer_type, t))
        .collect()
}

/// The candidates, in the three groups of the module doc, in a fixed order.
fn candidate_groups(
    article: &ArticleFacts,
    fact: &Fact,
    alternatives: &Alternatives,
) -> [Vec<Candidate>; 3] {
    let shape = shape_of(&fact.answer_type, &fact.answer);
    let of_fact = |f: &Fact| Candidate {
        text: f.answer.clone(),
        en: f.gloss.as_ref().map(|g| g.answer.clone()),
    };
    let others = article.facts.iter().filter(|f| f.id != fact.id);
    let from_article: Vec<Candidate> = others
        .clone()
        .filter(|f| {
            f.answer_type == fact.answer_type && shape_of(&f.answer_type, &f.answer) == shape
        })
        .map(of_fact)
        .collect();

    let mut outside: Vec<Candidate> = alternatives.exact(&fact.answer_type).to_vec();
    if let Some(reading) = reading_of(&fact.answer_type) {
        let surface = Surface::read(&fact.answer, Lang::Arabic, reading);
        let en = fact
            .gloss
            .as_ref()
            .map(|g| Surface::read(&g.answer, Lang::English, reading));
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
            let key = Surface::read(&text, Lang::Arabic, reading).key();
            let en = en
                .as_ref()
                .and_then(|s| s.apply(change))
                .filter(|e| Surface::read(e, Lang::English, reading).key() == key);
            outside.push(Candidate { text, en });
        }
    }

    let mut broader = Vec::new();
    if !fact.answer_type.as_str().contains('.') {
        let base = fact.answer_type.base();
        broader.extend(
            others
                .filter(|f| f.answer_type.base() == base && f.answer_type != fact.answer_type)
                .filter(|f| shape_of(&f.answer_type, &f.answer) == shape)
                .map(of_fact),
        );
        broader.extend(alternatives.qualified_of(base).cloned());
    }
    [from_article, outside, broader]
}

/// Whether a candidate can stand as a wrong option beside those taken.
struct Taken {
    keys: HashSet<String>,
    texts: HashSet<String>,
    en: HashSet<String>,
}

impl Taken {
    fn new(fact: &Fact, truths: &HashSet<String>) -> Taken {
        Taken {
            keys: truths.clone(),
            texts: HashSet::from([text_key(&fact.answer)]),
            en: fact.gloss.iter().map(|g| g.answer.to_lowercase()).collect(),
        }
    }

    fn take(&mut self, fact: &Fact, candidate: &Candidate, need_en: bool) -> bool {
        let key = value_key(&fact.answer_type, &candidate.text);
        let text = text_key(&candidate.text);
        if text.is_empty() || self.keys.contains(&key) || self.texts.contains(&text) {
            return false;
        }
        let en = candidate.en.as_ref().map(|e| e.to_lowercase());
        if need_en {
            match &en {
                Some(e) if !self.en.contains(e) => {}
                _ => return false,
            }
        }
        self.keys.insert(key);
        self.texts.insert(text);
        self.en.extend(en);
        true
    }
}

/// Three wrong options, each group shuffled and used before the next.
fn pick(
    groups: &[Vec<Candidate>; 3],
    truths: &HashSet<String>,
    fact: &Fact,
    need_en: bool,
    rng: &mut impl Rng,
) -> Option<Vec<Candidate>> {
    let mut taken = Taken::new(fact, truths);
    let mut chosen = Vec::with_capacity(WRONG_OPTIONS);
    for group in groups {
        let mut order: Vec<&Candidate> = group.iter().collect();
        order.shuffle(rng);
        for candidate in order {
            if chosen.len() == WRONG_OPTIONS {
                break;
            }
            if taken.take(fact, candidate, need_en) {
                chosen.push(candidate.clone());
            }
        }
    }
    (chosen.len() == WRONG_OPTIONS).then_some(chosen)
}

/// How many usable wrong options exist, for the error message.
fn count_usable(groups: &[Vec<Candidate>; 3], truths: &HashSet<String>, fact: &Fact) -> usize {
    let mut taken = Taken::new(fact, truths);
    groups
        .iter()
        .flatten()
        .filter(|c| taken.take(fact, c, false))
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
