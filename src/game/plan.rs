//! Which questions a new quiz asks: the facts of one article, those a
//! player (or a group) has not been asked first, then the least recently
//! asked, in random order, while no two give each other away.

use std::collections::{HashMap, HashSet};

use rand::seq::SliceRandom;
use rand::{Rng, RngExt};

use crate::quiz::{self, Bank, Question};

/// The share of a quiz's questions asked as true-or-false claims.
pub const CLAIM_SHARE: f64 = 0.25;

/// When each fact was last asked (Unix ms), by `article/fact`.
pub type Seen = HashMap<String, i64>;

/// The fact a question id names: `article/fact`, without the `/claim` of a
/// claim check.
pub fn fact_key(question_id: &str) -> &str {
    question_id.strip_suffix("/claim").unwrap_or(question_id)
}

/// The questions of a new quiz: `n` different facts of `article` (of every
/// article with `None`) in random order, some asked as claims. Facts not in
/// `seen` come first, then those seen longest ago. Among each of the two,
/// while they allow, no two give each other away: their quotes do not
/// overlap, and neither's stem, options or quote holds the other's answer.
pub fn plan_quiz(
    bank: &Bank,
    article: Option<&str>,
    seen: &Seen,
    n: usize,
    rng: &mut impl Rng,
) -> Vec<Question> {
    let mut order: Vec<&Question> = bank
        .questions
        .iter()
        .filter(|q| article.is_none_or(|a| q.article == a))
        .collect();
    order.shuffle(rng);
    // Never asked first (None sorts first), then the longest ago; the
    // shuffle decides among equals.
    order.sort_by_key(|q| seen.get(fact_key(&q.id)).copied());
    let fresh = order.partition_point(|q| !seen.contains_key(fact_key(&q.id)));
    let mut chosen: Vec<&Question> = Vec::with_capacity(n);
    let mut facts = HashSet::new();
    let overlaps = |q: &Question, chosen: &[&Question]| {
        chosen.iter().any(|c| {
            (c.article == q.article && c.span.overlaps(q.span))
                || gives_away(c, q)
                || gives_away(q, c)
        })
    };
    // The facts not seen before come first, even at the cost of two that
    // give each other away; then the seen ones.
    for tier in [&order[..fresh], &order[fresh..]] {
        for strict in [true, false] {
            for q in tier {
                if chosen.len() == n {
                    break;
                }
                let key = (q.article.as_str(), q.fact_id.as_str());
                if facts.contains(&key) || (strict && overlaps(q, &chosen)) {
                    continue;
                }
                facts.insert(key);
                chosen.push(q);
            }
        }
    }
    chosen
        .into_iter()
        .map(|q| {
            if rng.random_bool(CLAIM_SHARE) {
                quiz::claim_check(q, rng).unwrap_or_else(|| q.clone())
            } else {
                q.clone()
            }
        })
        .collect()
}

/// Whether `shown` gives `asked`'s answer away: its stem, an option or its
/// quote holds that answer (compared normalised, so spelling variants of
/// hamza or taa marbuta count).
pub fn gives_away(shown: &Question, asked: &Question) -> bool {
    let answer = crate::arabic::normalize(asked.answer());
    if answer.chars().count() < 2 {
        return false;
    }
    let holds = |text: &str| crate::arabic::normalize(text).contains(&answer);
    holds(&shown.stem) || holds(&shown.quote) || shown.options.iter().any(|o| holds(o))
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    use super::*;

    fn question(fact: &str, start: usize, end: usize) -> Question {
        Question {
            id: format!("a/{fact}"),
            article: "a".into(),
            fact_id: fact.into(),
            kind: crate::facts::Kind::Date,
            form: quiz::Form::Choice,
            lang: "ar".into(),
            stem: "?".into(),
            options: vec!["1".into(), "2".into(), "3".into(), "4".into()],
            correct: 0,
            key: "1".into(),
            quote: "q".into(),
            span: crate::article::Span { start, end },
            paragraph: 1,
            gloss: None,
            claim: None,
        }
    }

    #[test]
    fn a_quiz_never_holds_a_question_whose_text_gives_another_away() {
        let mut leader = question("leader", 0, 10);
        leader.options = vec!["كيم إيل سونغ".into(), "كيم جونغ أون".into()];
        leader.quote = "كيم إيل سونغ".into();
        let mut treaty = question("treaty", 20, 30);
        treaty.stem = "ما الاتفاقية التي وقعها كيم إيل سونغ عام 1949؟".into();
        treaty.options = vec!["اتفاقية التعاون".into(), "معاهدة الصداقة".into()];
        treaty.quote = "اتفاقية التعاون".into();
        let other = question("other", 40, 50);
        assert!(gives_away(&treaty, &leader), "the stem names the answer");
        assert!(!gives_away(&leader, &treaty));
        let bank = Bank {
            questions: vec![leader, treaty, other],
            ..Bank::default()
        };
        for seed in 0..50 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let plan = plan_quiz(&bank, None, &Seen::new(), 2, &mut rng);
            let facts: HashSet<&str> = plan.iter().map(|q| q.fact_id.as_str()).collect();
            assert!(
                !(facts.contains("leader") && facts.contains("treaty")),
                "seed {seed}: one gives the other away"
            );
            assert_eq!(
                plan_quiz(&bank, None, &Seen::new(), 3, &mut rng).len(),
                3,
                "the bank allows no better: all three"
            );
        }
    }

    #[test]
    fn a_quiz_never_asks_a_fact_twice_and_avoids_overlapping_quotes() {
        let bank = Bank {
            questions: vec![
                question("a", 0, 10),
                question("b", 5, 15),
                question("c", 20, 30),
                question("d", 40, 50),
            ],
            ..Bank::default()
        };
        for seed in 0..50 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let plan = plan_quiz(&bank, None, &Seen::new(), 3, &mut rng);
            let facts: HashSet<&str> = plan.iter().map(|q| q.fact_id.as_str()).collect();
            assert_eq!(facts.len(), 3);
            assert!(
                !(facts.contains("a") && facts.contains("b")),
                "overlapping quotes in one quiz"
            );
            let all = plan_quiz(&bank, None, &Seen::new(), 10, &mut rng);
            assert_eq!(all.len(), 4, "more than the bank holds: every fact once");
        }
    }

    #[test]
    fn a_quiz_is_of_one_article_and_asks_what_was_not_asked_first() {
        let mut other = question("x", 0, 10);
        other.article = "b".into();
        other.id = "b/x".into();
        let bank = Bank {
            questions: vec![
                question("a", 0, 10),
                question("b", 20, 30),
                question("c", 40, 50),
                question("d", 60, 70),
                other,
            ],
            ..Bank::default()
        };
        // «a» and «b» seen, «b» longest ago; «c» and «d» never.
        let seen: Seen = [("a/a".to_owned(), 200), ("a/b".to_owned(), 100)].into();
        for seed in 0..50 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let plan = plan_quiz(&bank, Some("a"), &seen, 3, &mut rng);
            assert!(plan.iter().all(|q| q.article == "a"), "one article only");
            let facts: HashSet<&str> = plan.iter().map(|q| q.fact_id.as_str()).collect();
            assert_eq!(
                facts,
                ["b", "c", "d"].into(),
                "seed {seed}: the unseen first, then the least recently seen"
            );
            let all = plan_quiz(&bank, Some("b"), &seen, 5, &mut rng);
            assert_eq!(all.len(), 1);
            assert_eq!(fact_key("a/b/claim"), "a/b");
        }
    }
}
