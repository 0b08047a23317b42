//! Facts: claims about an article, each with the quote that proves it, loaded
//! from `questions/<slug>/facts.toml` and checked against `article.txt`.
//!
//! Loading parses raw TOML into validated types: a [`Fact`] that exists has a
//! quote found verbatim in its article and an answer inside that quote. Every
//! problem is collected, not just the first, so `questions check` can list
//! them all.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::arabic::{self, Normalized};
use crate::article::{Article, Span};

/// The file names inside an article's folder.
pub const ARTICLE_FILE: &str = "article.txt";
pub const FACTS_FILE: &str = "facts.toml";
/// The placeholder a claim template uses for the answer.
pub const ANSWER_PLACEHOLDER: &str = "{answer}";

/// What a fact is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Days, dates, years, times.
    Date,
    /// Who holds which office.
    Role,
    /// Cities, countries, venues, routes.
    Place,
    /// Counts, durations, anniversaries.
    Number,
    /// Treaties, agreements, orders, titles of texts.
    Document,
    /// Who reported or published what.
    Source,
    /// What happened or will happen.
    Event,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Date,
        Kind::Role,
        Kind::Place,
        Kind::Number,
        Kind::Document,
        Kind::Source,
        Kind::Event,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Date => "date",
            Kind::Role => "role",
            Kind::Place => "place",
            Kind::Number => "number",
            Kind::Document => "document",
            Kind::Source => "source",
            Kind::Event => "event",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The type of an answer, which wrong options must share: a base (`person`,
/// `date`, `city` …) and an optional qualifier (`person.ru`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AnswerType(String);

impl AnswerType {
    /// Parses `base` or `base.qualifier`, each of `[a-z_]+`.
    pub fn parse(s: &str) -> Option<AnswerType> {
        let ok_part =
            |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        let mut parts = s.split('.');
        let valid = parts.next().is_some_and(ok_part)
            && parts.next().is_none_or(ok_part)
            && parts.next().is_none();
        valid.then(|| AnswerType(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the dot.
    pub fn base(&self) -> &str {
        self.0.split('.').next().unwrap_or(&self.0)
    }
}

impl fmt::Display for AnswerType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A fact id: `[a-z0-9-]+`, unique within its article.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FactId(String);

impl FactId {
    pub fn parse(s: &str) -> Option<FactId> {
        let valid = !s.is_empty()
            && s.len() <= 48
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        valid.then(|| FactId(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FactId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A verbatim part of an article, located in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub text: String,
    pub span: Span,
    /// 1-based paragraph of the article where the quote starts.
    pub paragraph: usize,
}

/// An English rendering of a fact's question, answer and claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gloss {
    pub question: String,
    pub answer: String,
    pub claim: Option<String>,
}

/// A validated fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub id: FactId,
    pub kind: Kind,
    pub answer_type: AnswerType,
    pub answer: String,
    pub quote: Quote,
    pub question: String,
    /// A statement with [`ANSWER_PLACEHOLDER`] where the answer goes.
    pub claim: Option<String>,
    /// Other answers the article makes true for the same question: never
    /// offered as wrong options.
    pub also_true: Vec<String>,
    /// Wrong options an editor rules out for this question (impossible, or
    /// a giveaway): never offered.
    pub never: Vec<String>,
    /// Wrong options an editor wrote, each with its English if given:
    /// offered first, as they are.
    pub wrong: Vec<(String, Option<String>)>,
    pub gloss: Option<Gloss>,
    /// Set by extraction when a rule was unsure: a person should look first.
    pub review: bool,
    /// When a date option may fall, from what the fact is about.
    pub window: Option<Window>,
    /// The answer's grammatical gender, when the stem or the claim agrees
    /// with it: every wrong option must then share it.
    pub gender: Option<Gender>,
}

/// The grammatical gender of an option, for stems and claims that agree
/// with it («وقال فيه» after «أمراً», «الكنيسة … الوحيدة»).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    Masculine,
    Feminine,
}

impl Gender {
    /// Reads `m` or `f`.
    pub fn parse(s: &str) -> Option<Gender> {
        match s {
            "m" => Some(Gender::Masculine),
            "f" => Some(Gender::Feminine),
            _ => None,
        }
    }
}

/// The months a date option may fall in, both ends included, counted as
/// `year * 12 + month - 1`: from `earliest` and `latest` in `facts.toml`
/// (`YYYY` or `YYYY-MM`). A visit in 2023 cannot be offered as July 2024 in
/// an article of June 2024; a leader who died in 1994 made no visit in 2000.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub earliest: Option<u32>,
    pub latest: Option<u32>,
}

impl Window {
    /// Whether a date of `year` (and `month`, 1-12, when it names one)
    /// falls in the window; a year alone counts if any of its months does.
    pub fn admits(&self, year: u32, month: Option<u8>) -> bool {
        let (first, last) = match month {
            Some(m) => {
                let at = year * 12 + u32::from(m.clamp(1, 12)) - 1;
                (at, at)
            }
            None => (year * 12, year * 12 + 11),
        };
        self.earliest.is_none_or(|e| last >= e) && self.latest.is_none_or(|l| first <= l)
    }

    /// Reads one end: `YYYY` (its first month for `earliest`, its last for
    /// `latest`) or `YYYY-MM`.
    fn end(text: &str, latest: bool) -> Option<u32> {
        let (year, month) = match text.trim().split_once('-') {
            Some((y, m)) => (y, Some(m)),
            None => (text.trim(), None),
        };
        if year.len() != 4 {
            return None;
        }
        let year: u32 = year.parse().ok()?;
        match month {
            None => Some(year * 12 + if latest { 11 } else { 0 }),
            Some(m) if m.len() == 2 => {
                let m: u32 = m.parse().ok().filter(|m| (1..=12).contains(m))?;
                Some(year * 12 + m - 1)
            }
            Some(_) => None,
        }
    }
}

/// Metadata of an article, from the `[article]` table of its facts file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleMeta {
    /// Headline in the article's language.
    #[serde(default)]
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    /// A short name for the article that gives no answer away (a headline
    /// often does: «… الأولى منذ عام 2000»): what a question card and the
    /// catalogue show; the title when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_en: Option<String>,
    /// Language of the article and of its questions (BCP 47), `ar` by default.
    #[serde(default = "default_lang")]
    pub lang: String,
    /// The article's own date (`YYYY-MM-DD`), against which relative dates
    /// such as «يوم غد» are read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Where the article was published, for the reader.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

fn default_lang() -> String {
    "ar".to_owned()
}

/// A facts file without an `[article]` table: an Arabic article.
impl Default for ArticleMeta {
    fn default() -> Self {
        ArticleMeta {
            title: String::new(),
            title_en: None,
            label: None,
            label_en: None,
            lang: default_lang(),
            date: None,
            source: None,
        }
    }
}

/// A fact as written in `facts.toml`, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFact {
    pub id: String,
    pub kind: String,
    #[serde(rename = "type")]
    pub answer_type: String,
    pub answer: String,
    pub quote: String,
    pub question: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_true: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub never: Vec<String>,
    /// Wrong options an editor wrote for this question, offered before any
    /// the builder finds: false according to the article, and plausible.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wrong: Vec<String>,
    /// The English of each of `wrong`, in the same order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wrong_en: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question_en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_en: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub review: bool,
    /// A reviewer's note; not shown to players.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Dates only: the earliest and latest a wrong option may be (`YYYY` or
    /// `YYYY-MM`), from what the fact is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earliest: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest: Option<String>,
    /// `m` or `f`: the answer's gender, when the stem or claim agrees with
    /// it; wrong options are then of the same gender.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
}

/// The whole of a `facts.toml` file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactsFile {
    #[serde(default)]
    pub article: ArticleMeta,
    #[serde(default, rename = "fact")]
    pub facts: Vec<RawFact>,
}

/// Why a file or fact was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("cannot read the file: {0}")]
    Unreadable(String),
    #[error("the file is missing")]
    Missing,
    #[error("not valid TOML: {0}")]
    Toml(String),
    /// A `[[fact]]` table that is valid TOML but not a fact: a field
    /// missing, unknown or of the wrong type.
    #[error("the file's fact number {number} is not a fact as written: {message}")]
    BadFact { number: usize, message: String },
    #[error("no article folders (each holds {ARTICLE_FILE} and {FACTS_FILE})")]
    NoArticles,
    #[error(
        "there is no such folder: set FACTQUIZ_QUESTIONS to the questions folder, or run from the project's folder"
    )]
    NoFolder,
    #[error("the article text is empty")]
    EmptyArticle,
    #[error("the article date `{0}` is not YYYY-MM-DD")]
    BadDate(String),
    #[error("the id is not of the form [a-z0-9-]+ (at most 48 characters)")]
    BadId,
    #[error("the id is used by an earlier fact too")]
    DuplicateId,
    #[error("unknown kind `{0}` (known: date, role, place, number, document, source, event)")]
    UnknownKind(String),
    #[error("the type `{0}` is not of the form base or base.qualifier, in [a-z_]")]
    BadType(String),
    #[error("the {0} is empty")]
    Empty(&'static str),
    #[error("the quote does not occur verbatim in {ARTICLE_FILE}")]
    QuoteNotFound,
    #[error(
        "the quote does not occur verbatim in {ARTICLE_FILE}; the article has it as «{0}» (it differs in diacritics, hamza, spaces or invisible marks)"
    )]
    QuoteOnlyNormalized(String),
    #[error("the answer «{0}» is not in the quote (even after Arabic normalisation)")]
    AnswerNotInQuote(String),
    #[error("the {0} must contain {ANSWER_PLACEHOLDER} exactly once")]
    ClaimPlaceholder(&'static str),
    #[error("an also_true entry repeats the answer")]
    AlsoTrueRepeatsAnswer,
    #[error("the {0} `{1}` is not YYYY or YYYY-MM")]
    BadWindowEnd(&'static str, String),
    #[error("earliest `{0}` is after latest `{1}`")]
    EmptyWindow(String, String),
    #[error("earliest and latest are for dates; this fact's type is `{0}`")]
    WindowNotADate(String),
    #[error("the gender `{0}` is not m or f")]
    BadGender(String),
    #[error("the wrong option «{0}» is the answer or one of also_true")]
    WrongIsTrue(String),
    #[error("wrong_en has {0} entries for {1} wrong options: give one for each, in order")]
    WrongEnCount(usize, usize),
    #[error("the answer «{0}» falls outside the fact's own earliest/latest")]
    AnswerOutsideWindow(String),
    #[error(
        "only {found} wrong options of type `{answer_type}` can be found (3 are needed): write them in `wrong`, or add facts or alternatives of that type"
    )]
    NotEnoughDistractors { answer_type: String, found: usize },
}

/// A problem, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub file: PathBuf,
    pub fact: Option<String>,
    pub problem: Problem,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(fact) = &self.fact {
            write!(f, ": fact `{fact}`")?;
        }
        write!(f, ": {}", self.problem)
    }
}

/// Every problem found while loading, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadErrors(pub Vec<LoadError>);

impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadErrors {}

/// An article with its validated facts.
#[derive(Debug, Clone)]
pub struct ArticleFacts {
    pub article: Article,
    pub meta: ArticleMeta,
    pub facts: Vec<Fact>,
    /// The facts file, for error messages.
    pub facts_path: PathBuf,
}

/// Every article of a questions folder.
#[derive(Debug, Clone)]
pub struct Corpus {
    pub articles: Vec<ArticleFacts>,
}

impl Corpus {
    /// Loads every `<slug>/` folder of `dir` (in name order) that holds an
    /// article or a facts file.
    pub fn load(dir: &Path) -> Result<Corpus, LoadErrors> {
        let mut errors = Vec::new();
        let mut slugs = Vec::new();
        match std::fs::read_dir(dir) {
            Ok(entries) => {
                for entry in entries.flatten() {
                    let path = entry.path();
                    if path.is_dir()
                        && (path.join(ARTICLE_FILE).exists() || path.join(FACTS_FILE).exists())
                    {
                        slugs.push(entry.file_name().to_string_lossy().into_owned());
                    }
                }
            }
            Err(e) => {
                let problem = if e.kind() == std::io::ErrorKind::NotFound {
                    Problem::NoFolder
                } else {
                    Problem::Unreadable(e.to_string())
                };
                return Err(LoadErrors(vec![LoadError {
                    file: dir.to_owned(),
                    fact: None,
                    problem,
                }]));
            }
        }
        slugs.sort();
        if slugs.is_empty() {
            return Err(LoadErrors(vec![LoadError {
                file: dir.to_owned(),
                fact: None,
                problem: Problem::NoArticles,
            }]));
        }
        let mut articles = Vec::new();
        for slug in slugs {
            match load_article(&dir.join(&slug), &slug) {
                Ok(a) => articles.push(a),
                Err(mut e) => errors.append(&mut e),
            }
        }
        if errors.is_empty() {
            Ok(Corpus { articles })
        } else {
            Err(LoadErrors(errors))
        }
    }

    /// Number of facts in all articles.
    pub fn fact_count(&self) -> usize {
        self.articles.iter().map(|a| a.facts.len()).sum()
    }
}

/// Loads one article folder.
pub fn load_article(dir: &Path, slug: &str) -> Result<ArticleFacts, Vec<LoadError>> {
    let article_path = dir.join(ARTICLE_FILE);
    let facts_path = dir.join(FACTS_FILE);
    let at = |file: &Path, problem| LoadError {
        file: file.to_owned(),
        fact: None,
        problem,
    };
    let read = |file: &Path| match std::fs::read_to_string(file) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(at(file, Problem::Missing)),
        Err(e) => Err(at(file, Problem::Unreadable(e.to_string()))),
    };
    let (text, facts_text) = match (read(&article_path), read(&facts_path)) {
        (Ok(a), Ok(f)) => (a, f),
        (a, f) => return Err([a.err(), f.err()].into_iter().flatten().collect()),
    };
    if text.trim().is_empty() {
        return Err(vec![at(&article_path, Problem::EmptyArticle)]);
    }
    let article = Article::new(slug, text);
    match toml::from_str::<FactsFile>(&facts_text) {
        Ok(file) => parse_facts(article, file, &facts_path),
        Err(e) => {
            let Some((file, mut errors)) = bad_facts_apart(&facts_text, &facts_path) else {
                return Err(vec![at(&facts_path, Problem::Toml(e.to_string()))]);
            };
            // The other facts are checked too: every problem at once.
            if let Err(more) = parse_facts(article, file, &facts_path) {
                errors.extend(more);
            }
            Err(errors)
        }
    }
}

/// For a facts file that is valid TOML but not a valid facts file because
/// of some of its `[[fact]]` tables: a problem for each of those, named by
/// its id, and the file without them. `None` if the fault is elsewhere
/// (the `[article]` table, a key of its own), which the parser's own
/// message, with its line, says best.
fn bad_facts_apart(text: &str, path: &Path) -> Option<(FactsFile, Vec<LoadError>)> {
    let mut table: toml::Table = text.parse().ok()?;
    // A TOML date is read from a `Value` as text, which the parser itself
    // refuses: with one anywhere, only the parser's message is right.
    fn has_date(value: &toml::Value) -> bool {
        match value {
            toml::Value::Datetime(_) => true,
            toml::Value::Array(values) => values.iter().any(has_date),
            toml::Value::Table(table) => table.values().any(has_date),
            _ => false,
        }
    }
    if table.values().any(has_date) {
        return None;
    }
    let facts = match table.remove("fact") {
        None => Vec::new(),
        Some(toml::Value::Array(facts)) => facts,
        Some(_) => return None,
    };
    let mut kept = Vec::new();
    let mut errors = Vec::new();
    for (i, value) in facts.into_iter().enumerate() {
        let label = value
            .get("id")
            .and_then(toml::Value::as_str)
            .filter(|id| !id.is_empty())
            .map_or_else(|| "(no id)".to_owned(), str::to_owned);
        match value.try_into::<RawFact>() {
            Ok(fact) => kept.push(fact),
            Err(e) => errors.push(LoadError {
                file: path.to_owned(),
                fact: Some(label),
                problem: Problem::BadFact {
                    number: i + 1,
                    message: e.message().to_owned(),
                },
            }),
        }
    }
    if errors.is_empty() {
        return None;
    }
    let rest: FactsFile = toml::Value::Table(table).try_into().ok()?;
    Some((
        FactsFile {
            facts: kept,
            ..rest
        },
        errors,
    ))
}

/// Validates a parsed facts file against its article.
pub fn parse_facts(
    article: Article,
    file: FactsFile,
    facts_path: &Path,
) -> Result<ArticleFacts, Vec<LoadError>> {
    let mut errors = Vec::new();
    if let Some(date) = &file.article.date
        && !is_iso_date(date)
    {
        errors.push(LoadError {
            file: facts_path.to_owned(),
            fact: None,
            problem: Problem::BadDate(date.clone()),
        });
    }
    let mut seen = HashSet::new();
    let mut facts = Vec::new();
    for raw in file.facts {
        let label = if raw.id.is_empty() {
            "(no id)".to_owned()
        } else {
            raw.id.clone()
        };
        let fresh = seen.insert(raw.id.clone());
        let mut problems = match Fact::parse(&raw, &article) {
            Ok(fact) => {
                if fresh {
                    facts.push(fact);
                }
                Vec::new()
            }
            Err(p) => p,
        };
        if !fresh {
            problems.insert(0, Problem::DuplicateId);
        }
        errors.extend(problems.into_iter().map(|problem| LoadError {
            file: facts_path.to_owned(),
            fact: Some(label.clone()),
            problem,
        }));
    }
    if errors.is_empty() {
        Ok(ArticleFacts {
            article,
            meta: file.article,
            facts,
            facts_path: facts_path.to_owned(),
        })
    } else {
        Err(errors)
    }
}

impl Fact {
    /// Checks a raw fact against its article; returns every problem found.
    pub fn parse(raw: &RawFact, article: &Article) -> Result<Fact, Vec<Problem>> {
        let mut problems = Vec::new();
        let id = FactId::parse(&raw.id);
        if id.is_none() {
            problems.push(Problem::BadId);
        }
        let kind = Kind::parse(&raw.kind);
        if kind.is_none() {
            problems.push(Problem::UnknownKind(raw.kind.clone()));
        }
        let answer_type = AnswerType::parse(&raw.answer_type);
        if answer_type.is_none() {
            problems.push(Problem::BadType(raw.answer_type.clone()));
        }
        for (name, value) in [
            ("answer", &raw.answer),
            ("quote", &raw.quote),
            ("question", &raw.question),
        ] {
            if value.trim().is_empty() {
                problems.push(Problem::Empty(name));
            }
        }
        for (name, value) in [
            ("answer_en", &raw.answer_en),
            ("question_en", &raw.question_en),
        ] {
            if value.as_ref().is_some_and(|v| v.trim().is_empty()) {
                problems.push(Problem::Empty(name));
            }
        }
        for (name, claim) in [("claim", &raw.claim), ("claim_en", &raw.claim_en)] {
            if claim
                .as_ref()
                .is_some_and(|c| c.matches(ANSWER_PLACEHOLDER).count() != 1)
            {
                problems.push(Problem::ClaimPlaceholder(name));
            }
        }
        let mut window = Window {
            earliest: None,
            latest: None,
        };
        for (name, text, latest) in [
            ("earliest", &raw.earliest, false),
            ("latest", &raw.latest, true),
        ] {
            let Some(text) = text else { continue };
            match Window::end(text, latest) {
                Some(at) if latest => window.latest = Some(at),
                Some(at) => window.earliest = Some(at),
                None => problems.push(Problem::BadWindowEnd(name, text.clone())),
            }
        }
        if let (Some(e), Some(l)) = (window.earliest, window.latest)
            && e > l
        {
            problems.push(Problem::EmptyWindow(
                raw.earliest.clone().unwrap_or_default(),
                raw.latest.clone().unwrap_or_default(),
            ));
        }
        let window = (window.earliest.is_some() || window.latest.is_some()).then_some(window);
        if window.is_some() && raw.answer_type.split('.').next() != Some("date") {
            problems.push(Problem::WindowNotADate(raw.answer_type.clone()));
        }
        let gender = raw.gender.as_deref().map(|g| (g, Gender::parse(g)));
        if let Some((text, None)) = gender {
            problems.push(Problem::BadGender(text.to_owned()));
        }
        let gender = gender.and_then(|(_, g)| g);
        let answer_key = arabic::normalize(&raw.answer);
        if raw
            .also_true
            .iter()
            .any(|t| arabic::normalize(t) == answer_key)
        {
            problems.push(Problem::AlsoTrueRepeatsAnswer);
        }
        let true_keys: Vec<String> = std::iter::once(&raw.answer)
            .chain(&raw.also_true)
            .map(|t| arabic::normalize(t))
            .collect();
        for w in &raw.wrong {
            if w.trim().is_empty() {
                problems.push(Problem::Empty("wrong"));
            } else if true_keys.contains(&arabic::normalize(w)) {
                problems.push(Problem::WrongIsTrue(w.clone()));
            }
        }
        if !raw.wrong_en.is_empty() && raw.wrong_en.len() != raw.wrong.len() {
            problems.push(Problem::WrongEnCount(raw.wrong_en.len(), raw.wrong.len()));
        }
        let mut quote = None;
        if !raw.quote.is_empty() {
            match article.locate(&raw.quote) {
                Some(span) => {
                    if !raw.answer.trim().is_empty()
                        && !Normalized::new(&raw.quote).contains(&raw.answer)
                    {
                        problems.push(Problem::AnswerNotInQuote(raw.answer.clone()));
                    }
                    quote = Some(Quote {
                        text: raw.quote.clone(),
                        span,
                        paragraph: article.paragraph_of(span),
                    });
                }
                None => problems.push(match near_miss(article, &raw.quote) {
                    Some(found) => Problem::QuoteOnlyNormalized(found),
                    None => Problem::QuoteNotFound,
                }),
            }
        }
        let (Some(id), Some(kind), Some(answer_type), Some(quote), true) =
            (id, kind, answer_type, quote, problems.is_empty())
        else {
            return Err(problems);
        };
        let gloss = match (&raw.question_en, &raw.answer_en) {
            (Some(question), Some(answer)) => Some(Gloss {
                question: question.trim().to_owned(),
                answer: answer.trim().to_owned(),
                claim: raw.claim_en.clone(),
            }),
            _ => None,
        };
        Ok(Fact {
            id,
            kind,
            answer_type,
            answer: raw.answer.trim().to_owned(),
            quote,
            question: raw.question.trim().to_owned(),
            claim: raw.claim.clone(),
            also_true: raw.also_true.clone(),
            never: raw.never.clone(),
            wrong: raw
                .wrong
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    (
                        w.trim().to_owned(),
                        raw.wrong_en.get(i).map(|e| e.trim().to_owned()),
                    )
                })
                .collect(),
            gloss,
            review: raw.review,
            window,
            gender,
        })
    }
}

/// The article's own text for a quote that matches only after normalisation.
fn near_miss(article: &Article, quote: &str) -> Option<String> {
    let key = arabic::normalize(quote);
    let found = article.normalized().find(&key)?;
    Some(
        article
            .slice(span_of(article.normalized().source_range(found)))
            .to_owned(),
    )
}

fn span_of(range: std::ops::Range<usize>) -> Span {
    Span {
        start: range.start,
        end: range.end,
    }
}

fn is_iso_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    let num = |p: &str, len: usize| p.len() == len && p.bytes().all(|b| b.is_ascii_digit());
    num(y, 4)
        && num(m, 2)
        && num(d, 2)
        && (1..=12).contains(&m.parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&d.parse::<u8>().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article() -> Article {
        Article::new(
            "t",
            "وصل الرئيس الروسي فلاديمير بوتين إلى كوريا الشمالية، الثلاثاء.\nوتستمر الزيارة حتى يوم غد الأربعاء.",
        )
    }

    fn raw() -> RawFact {
        RawFact {
            id: "arrival-day".into(),
            kind: "date".into(),
            answer_type: "date".into(),
            answer: "الثلاثاء".into(),
            quote: "إلى كوريا الشمالية، الثلاثاء".into(),
            question: "في أي يوم وصل بوتين؟".into(),
            ..RawFact::default()
        }
    }

    #[test]
    fn a_good_fact_is_located() {
        let fact = Fact::parse(&raw(), &article()).expect("valid");
        assert_eq!(fact.quote.span.start, 33);
        assert_eq!(fact.quote.paragraph, 1);
        assert_eq!(fact.answer_type.base(), "date");
    }

    #[test]
    fn each_broken_field_gets_its_own_problem() {
        let cases: Vec<(RawFact, Problem)> = vec![
            (
                RawFact {
                    quote: "وصل بوتين إلى كوريا".into(),
                    ..raw()
                },
                Problem::QuoteNotFound,
            ),
            (
                RawFact {
                    answer: "الأربعاء".into(),
                    ..raw()
                },
                Problem::AnswerNotInQuote("الأربعاء".into()),
            ),
            (
                RawFact {
                    kind: "weather".into(),
                    ..raw()
                },
                Problem::UnknownKind("weather".into()),
            ),
            (
                RawFact {
                    answer: " ".into(),
                    ..raw()
                },
                Problem::Empty("answer"),
            ),
            (
                RawFact {
                    id: "Bad Id".into(),
                    ..raw()
                },
                Problem::BadId,
            ),
            (
                RawFact {
                    answer_type: "Person".into(),
                    ..raw()
                },
                Problem::BadType("Person".into()),
            ),
            (
                RawFact {
                    claim: Some("وصل بوتين يوم".into()),
                    ..raw()
                },
                Problem::ClaimPlaceholder("claim"),
            ),
        ];
        for (fact, expected) in cases {
            assert_eq!(
                Fact::parse(&fact, &article()),
                Err(vec![expected]),
                "{fact:?}"
            );
        }
    }

    #[test]
    fn a_quote_that_differs_only_in_hamza_is_shown_as_the_article_has_it() {
        let fact = RawFact {
            quote: "الى كوريا الشمالية، الثلاثاء".into(),
            ..raw()
        };
        assert_eq!(
            Fact::parse(&fact, &article()),
            Err(vec![Problem::QuoteOnlyNormalized(
                "إلى كوريا الشمالية، الثلاثاء".into()
            )])
        );
    }

    #[test]
    fn duplicate_ids_are_reported_once_per_repeat() {
        let file = FactsFile {
            article: ArticleMeta::default(),
            facts: vec![raw(), raw()],
        };
        let errors =
            parse_facts(article(), file, Path::new("q/t/facts.toml")).expect_err("duplicate");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].problem, Problem::DuplicateId);
        assert_eq!(
            errors[0].to_string(),
            "q/t/facts.toml: fact `arrival-day`: the id is used by an earlier fact too"
        );
    }

    #[test]
    fn reads_iso_dates_only() {
        assert!(is_iso_date("2024-06-18"));
        assert!(!is_iso_date("2024-6-18"));
        assert!(!is_iso_date("2024-13-01"));
        assert!(!is_iso_date("18 June"));
    }

    #[test]
    fn a_window_reads_its_ends_and_admits_dates_inside_it() {
        assert_eq!(Window::end("2000", false), Some(2000 * 12));
        assert_eq!(Window::end("2000", true), Some(2000 * 12 + 11));
        assert_eq!(Window::end("1994-07", true), Some(1994 * 12 + 6));
        for bad in ["2000-13", "2000-7", "00", "July", "2000-00", ""] {
            assert_eq!(Window::end(bad, false), None, "{bad}");
        }
        let w = Window {
            earliest: Window::end("2012-11", false),
            latest: Window::end("2024-05", true),
        };
        assert!(w.admits(2023, Some(7)));
        assert!(
            w.admits(2012, Some(11)) && w.admits(2024, Some(5)),
            "ends included"
        );
        assert!(!w.admits(2012, Some(10)) && !w.admits(2024, Some(6)));
        assert!(
            w.admits(2012, None) && w.admits(2024, None),
            "a year that overlaps"
        );
        assert!(!w.admits(1949, Some(3)) && !w.admits(2025, None));
        let open = Window {
            earliest: None,
            latest: Window::end("1994", true),
        };
        assert!(open.admits(1900, None) && !open.admits(1995, Some(1)));
    }
}
