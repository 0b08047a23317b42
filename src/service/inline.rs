//! Inline claim checks: `@bot` in any chat offers true-or-false claims of
//! the newest article (or of what the query names); a press on the sent
//! message is a person's check, counted once per claim, and the message's
//! counts are edited in place a few seconds apart at most.

use crate::store::Connection;
use rand::RngExt;
use rand::seq::SliceRandom;

use super::{ArticleInfo, Catalog, Service};
use crate::arabic::normalize;
use crate::quiz::{self, Question};
use crate::store::{self, CheckRow, ClaimCounts, NewClaim};

/// Claims offered per inline query.
pub const OFFERED: usize = 10;
/// The edits of one message are at least this far apart (ms).
pub const EDIT_EVERY_MS: i64 = 3_000;
/// Messages edited per transaction.
const EDIT_BATCH: usize = 50;

/// A claim offered to an inline query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offered {
    pub claim_id: i64,
    pub statement: String,
    pub article: ArticleInfo,
}

/// What a press on a claim's button comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimCheck {
    Checked {
        /// The person's check: the one recorded now, or their first.
        said_true: bool,
        correct: bool,
        /// The claim is true.
        truth: bool,
        /// The fact's answer, the quote that proves it.
        answer: String,
        quote: String,
        /// False when they had checked it before: nothing changed.
        first: bool,
    },
    /// No such claim (a forged button, or a database started afresh).
    Unknown,
}

/// A message whose counts are to be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimCard {
    pub inline_message_id: String,
    pub claim_id: i64,
    pub statement: String,
    pub article: ArticleInfo,
    pub counts: ClaimCounts,
}

impl Service {
    /// Claims for an inline query: of the newest article when the query is
    /// empty; else of the article it names (slug, label or title), else
    /// those whose fact it mentions. Each is true or false at random, and
    /// kept so that a press can be judged.
    pub fn offer_claims(
        &self,
        conn: &Connection,
        now: i64,
        query: &str,
    ) -> anyhow::Result<Vec<Offered>> {
        let bank = &self.planner.bank;
        let mut picked: Vec<&Question> = matching(&bank.questions, &self.catalog, query);
        let mut shown = Vec::with_capacity(picked.len().min(OFFERED));
        {
            let mut rng = self
                .planner
                .rng
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            picked.shuffle(&mut *rng);
            for q in picked {
                if shown.len() == OFFERED {
                    break;
                }
                let truthful = rng.random_bool(0.5) || q.options.len() < 2;
                let option = if truthful {
                    q.correct
                } else {
                    let pick = rng.random_range(0..q.options.len() - 1);
                    pick + usize::from(pick >= q.correct)
                };
                if let Some(statement) = quiz::claim_statement(q, option) {
                    shown.push((q, statement, truthful));
                }
            }
        }
        let mut offered = Vec::with_capacity(shown.len());
        for (q, statement, truth) in shown {
            let claim_id = store::put_claim(
                conn,
                &NewClaim {
                    article: &q.article,
                    fact: &q.fact_id,
                    statement: &statement,
                    truth,
                    answer: q.answer(),
                    quote: &q.quote,
                },
                now,
            )?;
            offered.push(Offered {
                claim_id,
                statement,
                article: self.catalog.article(&q.article),
            });
        }
        Ok(offered)
    }

    /// A message was sent with a claim (Telegram's `chosen_inline_result`).
    pub fn claim_sent(
        &self,
        conn: &Connection,
        claim_id: i64,
        inline_message_id: &str,
    ) -> anyhow::Result<()> {
        if store::claim(conn, claim_id)?.is_some() {
            store::note_inline_message(conn, inline_message_id, claim_id)?;
        }
        Ok(())
    }

    /// A person (a Telegram user id) says a claim is true or false, on the
    /// message `inline_message_id`: recorded once per person and claim;
    /// the messages showing the claim are then to be edited.
    pub fn check_claim(
        &self,
        conn: &Connection,
        now: i64,
        user_id: i64,
        claim_id: i64,
        said_true: bool,
        inline_message_id: Option<&str>,
    ) -> anyhow::Result<ClaimCheck> {
        let Some(claim) = store::claim(conn, claim_id)? else {
            return Ok(ClaimCheck::Unknown);
        };
        if let Some(message) = inline_message_id {
            store::note_inline_message(conn, message, claim_id)?;
        }
        let now_check = CheckRow {
            said_true,
            correct: said_true == claim.truth,
        };
        let before = store::check_claim(conn, claim_id, user_id, now_check, now)?;
        if before.is_none() {
            store::claim_changed(conn, claim_id)?;
        }
        let check = before.unwrap_or(now_check);
        Ok(ClaimCheck::Checked {
            said_true: check.said_true,
            correct: check.correct,
            truth: claim.truth,
            answer: claim.answer,
            quote: claim.quote,
            first: before.is_none(),
        })
    }

    /// Whether a message waits for an edit that may go now (a read: most
    /// moments there is none).
    pub fn claim_cards_due(&self, conn: &Connection, now: i64) -> anyhow::Result<bool> {
        store::inline_edit_due(conn, now - EDIT_EVERY_MS)
    }

    /// The messages whose counts changed and whose last edit is long
    /// enough ago, taken (their next edit waits [`EDIT_EVERY_MS`]).
    pub fn take_claim_cards(&self, conn: &Connection, now: i64) -> anyhow::Result<Vec<ClaimCard>> {
        Ok(
            store::take_inline_edits(conn, now - EDIT_EVERY_MS, now, EDIT_BATCH)?
                .into_iter()
                .map(|(inline_message_id, claim, counts)| ClaimCard {
                    inline_message_id,
                    claim_id: claim.id,
                    article: self.catalog.article(&claim.article),
                    statement: claim.statement,
                    counts,
                })
                .collect(),
        )
    }
}

/// The questions whose claims an inline query asks for, one per fact:
/// the newest article's for an empty query; the first article (newest
/// first) whose slug, label or title holds the query; else every question
/// whose stem, answer or quote holds it.
fn matching<'a>(questions: &'a [Question], catalog: &Catalog, query: &str) -> Vec<&'a Question> {
    let claimable = |q: &&Question| q.claim.is_some() && q.options.len() >= 2;
    let of = |slug: &str| -> Vec<&'a Question> {
        let mut facts = std::collections::HashSet::new();
        questions
            .iter()
            .filter(claimable)
            .filter(|q| q.article == slug && facts.insert(q.fact_id.as_str()))
            .collect()
    };
    let query = normalize(query.trim());
    let query = query.trim();
    if query.is_empty() {
        return catalog.newest().map(|a| of(&a.slug)).unwrap_or_default();
    }
    let names = |a: &super::ArticleEntry| {
        [
            Some(a.slug.as_str()),
            Some(a.info.label.as_str()),
            Some(a.info.title.as_str()),
            a.info.label_en.as_deref(),
            a.info.title_en.as_deref(),
        ]
        .into_iter()
        .flatten()
        .any(|name| normalize(name).contains(query))
    };
    if let Some(article) = catalog.list().iter().find(|a| names(a)) {
        return of(&article.slug);
    }
    let mut facts = std::collections::HashSet::new();
    catalog
        .list()
        .iter()
        .flat_map(|a| {
            questions
                .iter()
                .filter(claimable)
                .filter(move |q| q.article == a.slug)
        })
        .filter(|q| {
            [q.stem.as_str(), q.answer(), q.quote.as_str()]
                .iter()
                .any(|t| normalize(t).contains(query))
        })
        .filter(|q| facts.insert((q.article.as_str(), q.fact_id.as_str())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::Span;
    use crate::facts::Kind;
    use crate::quiz::{ClaimTemplate, Form};

    fn question(article: &str, fact: &str, answer: &str, quote: &str) -> Question {
        Question {
            id: format!("{article}/{fact}"),
            article: article.into(),
            fact_id: fact.into(),
            kind: Kind::Date,
            form: Form::Choice,
            lang: "ar".into(),
            stem: format!("متى {fact}؟"),
            options: vec![answer.into(), "خيار ١".into(), "خيار ٢".into()],
            correct: 0,
            key: answer.into(),
            quote: quote.into(),
            span: Span { start: 0, end: 1 },
            paragraph: 1,
            gloss: None,
            claim: Some(ClaimTemplate {
                text: Some(format!("{fact}: {{answer}}")),
                en: None,
                question: format!("متى {fact}؟"),
                question_en: None,
            }),
        }
    }

    fn catalog(questions: &[Question]) -> Catalog {
        Catalog::from_entries(
            [
                ("new-one", "الجديد", "2026-12-01"),
                ("old-one", "القديم", "2020-01-01"),
            ]
            .into_iter()
            .map(|(slug, label, date)| super::super::ArticleEntry {
                slug: slug.into(),
                info: ArticleInfo {
                    title: format!("عنوان {label}"),
                    title_en: None,
                    label: label.into(),
                    label_en: None,
                },
                date: Some(date.into()),
                questions: questions.iter().filter(|q| q.article == slug).count(),
            })
            .collect(),
        )
    }

    #[test]
    fn an_empty_query_offers_the_newest_article_once_per_fact() {
        let mut qs = vec![
            question("old-one", "a", "١٩٤٥", "في عام ١٩٤٥ انتهت الحرب"),
            question("new-one", "b", "الخميس", "وصل يوم الخميس"),
            question("new-one", "c", "بكين", "ثم سافر إلى بكين"),
        ];
        // A second question of the same fact, and one with no claim.
        qs.push(question("new-one", "b", "الخميس", "وصل يوم الخميس"));
        let mut no_claim = question("new-one", "d", "x", "x");
        no_claim.claim = None;
        qs.push(no_claim);
        let cat = catalog(&qs);
        let facts = |v: Vec<&Question>| v.iter().map(|q| q.fact_id.clone()).collect::<Vec<_>>();
        assert_eq!(facts(matching(&qs, &cat, "  ")), ["b", "c"]);
        assert_eq!(facts(matching(&qs, &cat, "القديم")), ["a"], "by label");
        assert_eq!(facts(matching(&qs, &cat, "old-one")), ["a"], "by slug");
        assert_eq!(
            facts(matching(&qs, &cat, "بكين")),
            ["c"],
            "by what the fact says"
        );
        assert_eq!(
            facts(matching(&qs, &cat, "1945")),
            ["a"],
            "digits of either script"
        );
        assert!(matching(&qs, &cat, "لا شيء هنا").is_empty());
    }
}
