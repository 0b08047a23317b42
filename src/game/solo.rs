//! A solo quiz: one player, the questions one after the other, a streak
//! bonus for right answers in a row. Only its player answers, once per
//! question, while it runs; it finishes with the last answer.

use super::QuizState;
use super::scoring::solo_points;

/// A solo quiz as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SoloQuiz {
    /// The player whose quiz it is.
    pub owner: i64,
    pub state: QuizState,
    /// Questions in the quiz, and answered so far.
    pub total: u32,
    pub answered: u32,
    /// Right answers in a row at the end of what was answered.
    pub streak: u32,
}

/// The question a press is about, as shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    pub options: usize,
    pub correct: usize,
    /// The player answered it already.
    pub answered: bool,
}

/// What an answer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Recorded, right: the points it earns and the streak it makes.
    Right { points: i64, streak: u32 },
    /// Recorded, wrong: no points, the streak is broken.
    Wrong,
    /// The player had answered this question: nothing changes.
    AlreadyAnswered,
    /// Someone else's quiz.
    NotYours,
    /// The quiz was finished or stopped.
    QuizOver,
    /// An option the question does not have.
    InvalidChoice,
}

impl Outcome {
    /// Whether the answer is recorded.
    pub fn counts(self) -> bool {
        matches!(self, Outcome::Right { .. } | Outcome::Wrong)
    }

    /// The points it earns (0 unless right).
    pub fn points(self) -> i64 {
        match self {
            Outcome::Right { points, .. } => points,
            _ => 0,
        }
    }
}

/// A run of right answers this long is worth telling the player.
pub const TOLD_STREAK: u32 = 2;

impl SoloQuiz {
    /// Why a press by `player` on a question they `answered` (or not) of a
    /// quiz of `owner` in `state` cannot count, whatever the question: the
    /// refusals that need neither the question nor the progress.
    pub fn refusal(owner: i64, state: QuizState, player: i64, answered: bool) -> Option<Outcome> {
        if player != owner {
            Some(Outcome::NotYours)
        } else if answered {
            Some(Outcome::AlreadyAnswered)
        } else if state != QuizState::Running {
            Some(Outcome::QuizOver)
        } else {
            None
        }
    }

    /// `player` picks option `choice` of `question`: the outcome, and the
    /// quiz after it (finished once every question is answered).
    pub fn answer(self, player: i64, question: Shown, choice: usize) -> (Outcome, SoloQuiz) {
        let outcome = if let Some(refused) =
            SoloQuiz::refusal(self.owner, self.state, player, question.answered)
        {
            refused
        } else if choice >= question.options {
            Outcome::InvalidChoice
        } else if choice == question.correct {
            Outcome::Right {
                points: solo_points(true, self.streak),
                streak: self.streak + 1,
            }
        } else {
            Outcome::Wrong
        };
        let next = match outcome {
            Outcome::Right { streak, .. } => self.after_answer(streak),
            Outcome::Wrong => self.after_answer(0),
            _ => self,
        };
        (outcome, next)
    }

    fn after_answer(self, streak: u32) -> SoloQuiz {
        let answered = self.answered + 1;
        SoloQuiz {
            answered,
            streak,
            state: if answered >= self.total {
                QuizState::Finished
            } else {
                self.state
            },
            ..self
        }
    }

    /// The player stops the quiz: the stopped quiz, or `None` if it was not
    /// running (nothing to stop).
    pub fn stop(self) -> Option<SoloQuiz> {
        (self.state == QuizState::Running).then_some(SoloQuiz {
            state: QuizState::Stopped,
            ..self
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use proptest::prelude::*;

    use super::*;
    use crate::game::scoring::{BASE_POINTS, MAX_STREAK_BONUS};

    fn quiz(total: u32) -> SoloQuiz {
        SoloQuiz {
            owner: 1,
            state: QuizState::Running,
            total,
            answered: 0,
            streak: 0,
        }
    }

    const Q: Shown = Shown {
        options: 4,
        correct: 2,
        answered: false,
    };

    #[test]
    fn each_rule_in_its_order() {
        let q = quiz(3);
        assert_eq!(q.answer(2, Q, 2).0, Outcome::NotYours);
        let answered = Shown {
            answered: true,
            ..Q
        };
        assert_eq!(q.answer(1, answered, 2).0, Outcome::AlreadyAnswered);
        let stopped = q.stop().expect("running");
        assert_eq!(stopped.answer(1, Q, 2).0, Outcome::QuizOver);
        assert_eq!(stopped.stop(), None, "stopped once");
        assert_eq!(q.answer(1, Q, 4).0, Outcome::InvalidChoice);
        let (right, q) = q.answer(1, Q, 2);
        assert_eq!(
            right,
            Outcome::Right {
                points: 100,
                streak: 1
            }
        );
        let (right, q) = q.answer(1, Q, 2);
        assert_eq!(
            right,
            Outcome::Right {
                points: 110,
                streak: 2
            }
        );
        assert_eq!(q.state, QuizState::Running);
        let (wrong, q) = q.answer(1, Q, 0);
        assert_eq!(wrong, Outcome::Wrong);
        assert_eq!(q.streak, 0);
        assert_eq!(q.state, QuizState::Finished, "the last answer finishes it");
        assert_eq!(q.answer(1, Q, 2).0, Outcome::QuizOver);
    }

    proptest! {
        /// Any sequence of presses, by the owner or not, on any question,
        /// with any choice, stops and all: one answer per question, points
        /// never negative, a right answer worth more than any bonus, the
        /// streak the run of right answers, and an ended quiz takes nothing.
        #[test]
        fn presses_keep_every_rule(
            total in 1u32..8,
            presses in proptest::collection::vec((0i64..3, 0usize..8, 0usize..6, any::<bool>()), 0..40),
        ) {
            let questions: Vec<Shown> = (0..total as usize)
                .map(|i| Shown { options: 2 + i % 3, correct: i % 2, answered: false })
                .collect();
            let mut q = quiz(total);
            let mut answered: HashSet<usize> = HashSet::new();
            let mut points = 0;
            let mut run = 0u32;
            for (player, at, choice, stop) in presses {
                if stop && at == 0 {
                    let before = q;
                    match q.stop() {
                        Some(stopped) => q = stopped,
                        None => prop_assert_ne!(before.state, QuizState::Running),
                    }
                    continue;
                }
                let index = at % questions.len();
                let shown = Shown { answered: answered.contains(&index), ..questions[index] };
                let before = q;
                let (outcome, next) = q.answer(player, shown, choice);
                if outcome.counts() {
                    prop_assert!(answered.insert(index), "a question answered twice");
                    prop_assert_eq!(player, q.owner);
                    prop_assert_eq!(before.state, QuizState::Running);
                    prop_assert_eq!(next.answered, before.answered + 1);
                } else {
                    prop_assert_eq!(next, before, "an answer that does not count changes nothing");
                }
                match outcome {
                    Outcome::Right { points: p, streak } => {
                        prop_assert!((BASE_POINTS..=BASE_POINTS + MAX_STREAK_BONUS).contains(&p));
                        prop_assert!(p - BASE_POINTS < BASE_POINTS, "a bonus is worth less than a right answer");
                        run += 1;
                        prop_assert_eq!(streak, run);
                    }
                    Outcome::Wrong => run = 0,
                    _ => {}
                }
                prop_assert!(outcome.points() >= 0);
                points += outcome.points();
                q = next;
            }
            prop_assert!(points >= 0);
            prop_assert!(q.answered <= total);
            prop_assert_eq!(q.answered as usize, answered.len());
            if q.answered == total {
                prop_assert_ne!(q.state, QuizState::Running, "every question answered: the quiz is over");
            }
        }
    }
}
