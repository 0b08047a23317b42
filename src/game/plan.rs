//! Which questions a new quiz asks.

use std::collections::HashSet;

use rand::seq::SliceRandom;
use rand::{Rng, RngExt};

use crate::quiz::{self, Bank, Question};

/// The share of a quiz's questions asked as true-or-false claims.
pub const CLAIM_SHARE: f64 = 0.25;

/// The questions of a new quiz: `n` different facts in random order,
/// avoiding facts whose quotes overlap (one would give the other away) while
/// the bank allows, some of them asked as claims.
pub fn plan_quiz(bank: &Bank, n: usize, rng: &mut impl Rng) -> Vec<Question> {
    let mut order: Vec<&Question> = bank.questions.iter().collect();
    order.shuffle(rng);
    let mut chosen: Vec<&Question> = Vec::with_capacity(n);
    let mut facts = HashSet::new();
    let overlaps = |q: &Question, chosen: &[&Question]| {
        chosen
            .iter()
            .any(|c| c.article == q.article && c.span.overlaps(q.span))
    };
    for strict in [true, false] {
        for q in &order {
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
    fn a_quiz_never_asks_a_fact_twice_and_avoids_overlapping_quotes() {
        let bank = Bank {
            questions: vec![
                question("a", 0, 10),
                question("b", 5, 15),
                question("c", 20, 30),
                question("d", 40, 50),
            ],
        };
        for seed in 0..50 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let plan = plan_quiz(&bank, 3, &mut rng);
            let facts: HashSet<&str> = plan.iter().map(|q| q.fact_id.as_str()).collect();
            assert_eq!(facts.len(), 3);
            assert!(
                !(facts.contains("a") && facts.contains("b")),
                "overlapping quotes in one quiz"
            );
            let all = plan_quiz(&bank, 10, &mut rng);
            assert_eq!(all.len(), 4, "more than the bank holds: every fact once");
        }
    }
}
