//! The newsroom's view: how readers did on each fact of an article, so that
//! the people who publish it see which facts their readers misread.

use std::collections::{BTreeMap, HashMap};

use crate::store::Connection;
use anyhow::Context;
use serde::Serialize;

use super::snapshot;

/// How readers did on one question of a fact (asked as a choice, or as a
/// true-or-false claim).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactStats {
    pub article: String,
    /// The fact's id, with `/claim` when it was asked as a claim.
    pub fact: String,
    /// Times it was shown (in a solo quiz or as a group round).
    pub asked: i64,
    /// Answers given.
    pub answers: i64,
    /// Share of the answers that were right, 0-1 (`None` before any).
    pub right_share: Option<f64>,
    /// The wrong option chosen most, and how often (`None` if never wrong).
    pub top_wrong: Option<(String, i64)>,
    /// The median time from the question shown to the answer, in ms.
    pub median_ms: Option<i64>,
}

/// Every question asked, of one article (`Some(slug)`) or of all, in
/// article and fact order.
pub fn fact_stats(conn: &Connection, article: Option<&str>) -> anyhow::Result<Vec<FactStats>> {
    let prefix = article.map(|a| format!("{a}/"));
    let matches = |id: &str| prefix.as_deref().is_none_or(|p| id.starts_with(p));
    // What was shown: each served question, with its snapshot.
    let mut asked: BTreeMap<String, i64> = BTreeMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT question_id, COUNT(*) FROM served WHERE served_at IS NOT NULL GROUP BY question_id",
    )?;
    let rows = stmt
        .rows((), |r| Ok((r.get::<String>(0)?, r.get::<i64>(1)?)))
        .context("cannot read what was asked")?;
    for (id, n) in rows {
        if matches(&id) {
            *asked.entry(id).or_default() += n;
        }
    }
    // What was answered: choices, rightness, times.
    struct Answers {
        right: i64,
        times: Vec<i64>,
        wrong: HashMap<String, i64>,
    }
    let mut answers: BTreeMap<String, Answers> = BTreeMap::new();
    let mut options: HashMap<i64, Vec<String>> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT sv.question_id, sv.id, sv.snapshot, a.choice, a.is_correct, a.elapsed_ms
         FROM answers a JOIN served sv ON sv.id = a.served_id",
    )?;
    let rows = stmt
        .rows((), |r| {
            Ok((
                r.get::<String>(0)?,
                r.get::<i64>(1)?,
                r.get::<String>(2)?,
                r.get::<i64>(3)?,
                r.get::<bool>(4)?,
                r.get::<i64>(5)?,
            ))
        })
        .context("cannot read the answers")?;
    for (id, served, json, choice, correct, elapsed) in rows {
        if !matches(&id) {
            continue;
        }
        let entry = answers.entry(id).or_insert_with(|| Answers {
            right: 0,
            times: Vec::new(),
            wrong: HashMap::new(),
        });
        entry.times.push(elapsed);
        if correct {
            entry.right += 1;
            continue;
        }
        let shown = match options.entry(served) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(snapshot(&json)?.options),
        };
        let text = usize::try_from(choice)
            .ok()
            .and_then(|c| shown.get(c).cloned())
            .unwrap_or_default();
        *entry.wrong.entry(text).or_default() += 1;
    }
    let ids: std::collections::BTreeSet<String> =
        asked.keys().chain(answers.keys()).cloned().collect();
    Ok(ids
        .into_iter()
        .map(|id| {
            let (article, fact) = id.split_once('/').unwrap_or(("", id.as_str()));
            let mut stats = FactStats {
                article: article.to_owned(),
                fact: fact.to_owned(),
                asked: asked.get(&id).copied().unwrap_or_default(),
                answers: 0,
                right_share: None,
                top_wrong: None,
                median_ms: None,
            };
            if let Some(a) = answers.get_mut(&id) {
                let n = i64::try_from(a.times.len()).unwrap_or(i64::MAX);
                stats.answers = n;
                let share = a.right as f64 / n as f64;
                stats.right_share = Some(share);
                a.times.sort_unstable();
                stats.median_ms = a.times.get(a.times.len() / 2).copied();
                // The most chosen, the first in text order among equals.
                stats.top_wrong = a
                    .wrong
                    .iter()
                    .max_by(|x, y| x.1.cmp(y.1).then_with(|| y.0.cmp(x.0)))
                    .map(|(text, n)| (text.clone(), *n));
            }
            stats
        })
        .collect())
}
