//! The rules of the game as pure functions: scoring, which questions a quiz
//! asks, and how an answer is judged. Time and randomness come in as
//! arguments, so every rule is tested exactly.

use std::collections::HashSet;

use rand::seq::SliceRandom;
use rand::{Rng, RngExt};

use crate::quiz::{self, Bank, Question};

/// Points for any right answer.
pub const BASE_POINTS: i64 = 100;
/// Solo: each right answer in a row after the first adds this much…
pub const STREAK_STEP: i64 = 10;
/// …up to this bonus.
pub const MAX_STREAK_BONUS: i64 = 50;
/// Group: an instant right answer adds this much, falling to 0 at the close.
pub const MAX_SPEED_BONUS: i64 = 50;
// A right answer is always worth more than any bonus.
const _: () = assert!(MAX_STREAK_BONUS < BASE_POINTS && MAX_SPEED_BONUS < BASE_POINTS);

/// The share of a quiz's questions asked as true-or-false claims.
pub const CLAIM_SHARE: f64 = 0.25;

/// Points for a solo answer, given how many right answers in a row the
/// player had in this quiz before it. A right answer is always worth more
/// than any bonus: the bonus is capped below [`BASE_POINTS`].
pub fn solo_points(correct: bool, streak_before: u32) -> i64 {
    if !correct {
        return 0;
    }
    BASE_POINTS + (i64::from(streak_before) * STREAK_STEP).min(MAX_STREAK_BONUS)
}

/// Points for a group answer given `elapsed_ms` since the round opened and
/// the round's length: the faster, the more, linearly.
pub fn group_points(correct: bool, elapsed_ms: i64, round_ms: i64) -> i64 {
    if !correct {
        return 0;
    }
    if round_ms <= 0 {
        return BASE_POINTS;
    }
    let left = (round_ms - elapsed_ms.clamp(0, round_ms)) as i128;
    let bonus = (i128::from(MAX_SPEED_BONUS) * left / i128::from(round_ms)) as i64;
    BASE_POINTS + bonus
}

/// The leaderboard week of a moment: weeks start on Monday 00:00 UTC, counted
/// from the epoch's week, plus one (0 means "all time" in the store).
pub fn week_of(unix_ms: i64) -> i64 {
    // 1970-01-01 was a Thursday: three days after a Monday.
    (unix_ms.div_euclid(86_400_000) + 3).div_euclid(7) + 1
}

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

    #[test]
    fn a_right_answer_is_worth_more_than_any_bonus() {
        assert_eq!(solo_points(false, 9), 0);
        assert_eq!(solo_points(true, 0), 100);
        assert_eq!(solo_points(true, 1), 110);
        assert_eq!(solo_points(true, 4), 140);
        assert_eq!(solo_points(true, 5), 150);
        assert_eq!(solo_points(true, 50), 150, "capped");
    }

    #[test]
    fn faster_right_answers_earn_more_in_a_group() {
        let round = 30_000;
        assert_eq!(group_points(true, 0, round), 150);
        assert_eq!(group_points(true, 15_000, round), 125);
        assert_eq!(group_points(true, 30_000, round), 100);
        assert_eq!(
            group_points(true, 45_000, round),
            100,
            "late is clamped, never below the base"
        );
        assert_eq!(group_points(true, -5, round), 150, "clock skew is clamped");
        assert_eq!(group_points(false, 0, round), 0);
        assert!(group_points(true, 1_000, round) > group_points(true, 2_000, round));
    }

    #[test]
    fn weeks_start_on_monday_utc() {
        let day = 86_400_000;
        // 1970-01-05 was a Monday.
        assert_eq!(week_of(0), 1);
        assert_eq!(week_of(4 * day - 1), 1, "Sunday 23:59:59.999");
        assert_eq!(week_of(4 * day), 2, "Monday 00:00");
        // 2024-06-17 (Monday) and 2024-06-23 (Sunday) share a week; 06-24 starts the next.
        let monday = 1_718_582_400_000;
        assert_eq!(week_of(monday), week_of(monday + 6 * day + day - 1));
        assert_eq!(week_of(monday + 7 * day), week_of(monday) + 1);
    }

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
