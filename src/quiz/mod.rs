//! The question bank: a multiple-choice question for every fact, with three
//! wrong options of the answer's type that the article does not make true,
//! and fact-check claims derived from those questions.
//!
//! Everything random goes through the `Rng` the caller passes, so a seed
//! reproduces a bank byte for byte.

mod alternatives;
mod builder;
pub mod export;
pub mod lint;
pub mod shape;
pub mod surface;

use serde::{Deserialize, Serialize};

pub use alternatives::{Alternatives, Candidate};
pub use builder::{Builder, build, value_key, within_window};

use crate::article::Span;
use crate::facts::Kind;

/// How a question asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Form {
    /// Four options, one right.
    Choice,
    /// A statement to judge: true or false.
    Claim,
}

/// An English rendering of a question, shown to players who read English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionGloss {
    pub stem: String,
    pub options: Vec<String>,
}

/// The statement templates of a fact, kept with its question so that a claim
/// can be derived from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimTemplate {
    /// A statement with `{answer}` where an option goes.
    pub text: Option<String>,
    pub en: Option<String>,
    /// The fact's question, paired with the option when there is no template.
    pub question: String,
    pub question_en: Option<String>,
}

/// A question as served: everything needed to ask it and to explain it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// `<article>/<fact>`, plus `/claim` for a claim.
    pub id: String,
    pub article: String,
    pub fact_id: String,
    pub kind: Kind,
    pub form: Form,
    /// Language of stem, options and quote: the article's.
    pub lang: String,
    pub stem: String,
    pub options: Vec<String>,
    pub correct: usize,
    /// The fact's answer, which the quote holds (for a claim, not an option).
    #[serde(default)]
    pub key: String,
    /// Verbatim text of the article.
    pub quote: String,
    pub span: Span,
    /// 1-based paragraph of the article where the quote starts.
    pub paragraph: usize,
    pub gloss: Option<QuestionGloss>,
    #[serde(skip)]
    pub claim: Option<ClaimTemplate>,
}

impl Question {
    pub fn answer(&self) -> &str {
        &self.options[self.correct]
    }
}

/// Every question built from a corpus, in article and fact order.
#[derive(Debug, Clone, Default)]
pub struct Bank {
    pub questions: Vec<Question>,
    /// Drafts (`review = true`) that cannot be a question yet (too few
    /// wrong options): never served, listed by `questions check`.
    pub unbuilt_drafts: Vec<crate::facts::LoadError>,
}

impl Bank {
    pub fn len(&self) -> usize {
        self.questions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.questions.is_empty()
    }

    /// The bank without the questions of facts marked `review = true`: a
    /// fact awaiting review is never served.
    pub fn without_drafts(mut self, corpus: &crate::facts::Corpus) -> Bank {
        let drafts: std::collections::HashSet<(&str, &str)> = corpus
            .articles
            .iter()
            .flat_map(|a| {
                a.facts
                    .iter()
                    .filter(|f| f.review)
                    .map(move |f| (a.article.slug(), f.id.as_str()))
            })
            .collect();
        self.questions
            .retain(|q| !drafts.contains(&(q.article.as_str(), q.fact_id.as_str())));
        self
    }
}

/// Interface words of a claim check, in the article's language and English.
pub const TRUE_AR: &str = "صحيح";
pub const FALSE_AR: &str = "خطأ";
pub const TRUE_EN: &str = "True";
pub const FALSE_EN: &str = "False";

/// The stem template of a kind: an icon that says what the question is about.
pub fn kind_icon(kind: Kind) -> &'static str {
    match kind {
        Kind::Date => "📅",
        Kind::Role => "👤",
        Kind::Place => "📍",
        Kind::Number => "🔢",
        Kind::Document => "📜",
        Kind::Source => "📰",
        Kind::Event => "🔎",
    }
}

/// Derives a fact-check claim from a choice question: the fact's statement
/// with either the right option (a true claim) or one of the wrong ones
/// swapped in (a false claim), explained by the same quote.
pub fn claim_check(question: &Question, rng: &mut impl rand::Rng) -> Option<Question> {
    use rand::RngExt;
    let template = question.claim.as_ref()?;
    if question.form != Form::Choice || question.options.len() < 2 {
        return None;
    }
    let truthful = rng.random_bool(0.5);
    let shown = if truthful {
        question.correct
    } else {
        let pick = rng.random_range(0..question.options.len() - 1);
        if pick >= question.correct {
            pick + 1
        } else {
            pick
        }
    };
    let statement = claim_statement(question, shown)?;
    let gloss = question
        .gloss
        .as_ref()
        .zip(template.question_en.as_ref())
        .map(|(g, q)| QuestionGloss {
            stem: format!(
                "{CLAIM_ICON} True or false?\n{}",
                fill(template.en.as_deref(), q, &g.options[shown], "Answer")
            ),
            options: vec![TRUE_EN.to_owned(), FALSE_EN.to_owned()],
        });
    Some(Question {
        id: format!("{}/claim", question.id),
        form: Form::Claim,
        stem: format!("{CLAIM_ICON} صحيح أم خطأ؟\n{statement}"),
        options: vec![TRUE_AR.to_owned(), FALSE_AR.to_owned()],
        correct: if truthful { 0 } else { 1 },
        gloss,
        claim: None,
        ..question.clone()
    })
}

/// The statement of a fact's claim with option `shown` in it: true if and
/// only if `shown` is the right option. `None` for a fact with no claim or
/// an option it does not have.
pub fn claim_statement(question: &Question, shown: usize) -> Option<String> {
    let template = question.claim.as_ref()?;
    let option = question.options.get(shown)?;
    Some(fill(
        template.text.as_deref(),
        &template.question,
        option,
        "الجواب",
    ))
}

/// The icon of a claim check's stem.
pub const CLAIM_ICON: &str = "⚖️";

/// Puts `option` into a claim template, or, without one, pairs the question
/// with the proposed answer.
fn fill(template: Option<&str>, question: &str, option: &str, answer_word: &str) -> String {
    match template {
        Some(t) => t.replacen(crate::facts::ANSWER_PLACEHOLDER, option, 1),
        None => format!("{question}\n{answer_word}: {option}"),
    }
}
