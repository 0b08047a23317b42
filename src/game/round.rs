//! A group quiz: rounds, each a native poll that every member answers.
//!
//! A round opens when its poll is on screen and closes when Telegram says
//! the poll closed, or well after its time. Every vote Telegram delivers for
//! an opened round counts once per member, whenever it arrives: Telegram
//! only delivers votes cast while the poll was open. The faster a right
//! answer reached the bot, the more it is worth. One quiz per group runs at
//! a time; the member who started it, or an admin, may stop it.

use std::collections::HashSet;

use super::QuizState;
use super::scoring::group_points;

/// A round whose closing time is further back than this when it closes
/// (the bot was down): the quiz stops instead of going on.
pub const STALE_MS: i64 = 10 * 60 * 1000;

/// A group quiz as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupQuiz {
    pub state: QuizState,
    /// The player who started it.
    pub started_by: i64,
}

/// A round as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    /// When its poll went on screen, and when its time is up; `None` before.
    pub opened: Option<Opened>,
    /// When it closed.
    pub closed_at: Option<i64>,
    pub options: usize,
    pub correct: usize,
}

/// When a round's poll was sent and when its time is up (Unix ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opened {
    pub at: i64,
    pub closes_at: i64,
}

/// A member's vote, as kept when it reached the bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vote {
    pub voter: i64,
    pub choice: i64,
    pub received_at: i64,
}

/// What a vote did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteOutcome {
    Right {
        points: i64,
        elapsed_ms: i64,
    },
    Wrong {
        elapsed_ms: i64,
    },
    /// The member's vote for this round was counted already.
    AlreadyAnswered,
    /// The round's poll was never on screen.
    NotOpen,
    /// An option the poll does not have.
    InvalidChoice,
}

impl VoteOutcome {
    pub fn counts(self) -> bool {
        matches!(self, VoteOutcome::Right { .. } | VoteOutcome::Wrong { .. })
    }

    pub fn points(self) -> i64 {
        match self {
            VoteOutcome::Right { points, .. } => points,
            _ => 0,
        }
    }
}

/// What closing a round did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Close {
    /// Closed now; then what follows.
    Closed(Then),
    /// Closed before: nothing happens.
    AlreadyClosed,
    /// Never on screen: there is nothing to close.
    NotOpen,
}

/// What follows a closed round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    /// The next round's poll.
    Next,
    /// That was the last round: the quiz is finished.
    Podium,
    /// The round closed long after its time (the bot was down): the quiz
    /// is stopped.
    Interrupted,
    /// The quiz had been stopped: nothing follows.
    Nothing,
}

/// Who asks to stop a group's quiz.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopRight {
    NotRunning,
    /// The member who started it: may stop it.
    Starter,
    /// Anyone else: only an admin may.
    Other,
}

impl Round {
    /// The round's poll is on screen since `at` for `round_ms`: the round
    /// opened, or `None` if it had opened already (the send recorded twice).
    pub fn open(self, at: i64, round_ms: i64) -> Option<Round> {
        match self.opened {
            Some(_) => None,
            None => Some(Round {
                opened: Some(Opened {
                    at,
                    closes_at: at + round_ms,
                }),
                ..self
            }),
        }
    }

    /// A member votes `choice`, the vote reaching the bot at `at`; `before`
    /// says whether their vote for this round was counted already.
    pub fn vote(self, choice: i64, at: i64, before: bool) -> VoteOutcome {
        let Some(opened) = self.opened else {
            return VoteOutcome::NotOpen;
        };
        if before {
            return VoteOutcome::AlreadyAnswered;
        }
        match usize::try_from(choice) {
            Ok(c) if c < self.options => {
                let elapsed_ms = (at - opened.at).max(0);
                if c == self.correct {
                    VoteOutcome::Right {
                        points: group_points(true, elapsed_ms, opened.closes_at - opened.at),
                        elapsed_ms,
                    }
                } else {
                    VoteOutcome::Wrong { elapsed_ms }
                }
            }
            _ => VoteOutcome::InvalidChoice,
        }
    }

    /// Judges a batch of votes in order: each member's first vote counts.
    /// (A vote counted in an earlier batch is the store's to refuse: it
    /// keeps one answer per member and round.)
    pub fn votes(self, votes: &[Vote]) -> Vec<(Vote, VoteOutcome)> {
        let mut seen = HashSet::with_capacity(votes.len());
        votes
            .iter()
            .map(|&v| {
                let before = seen.contains(&v.voter);
                let outcome = self.vote(v.choice, v.received_at, before);
                if outcome.counts() {
                    seen.insert(v.voter);
                }
                (v, outcome)
            })
            .collect()
    }

    /// Closes the round at `now`: what happens, the round after, and the
    /// quiz's state after. `has_next` says whether a round is left to show.
    pub fn close(self, quiz: GroupQuiz, now: i64, has_next: bool) -> (Close, Round, QuizState) {
        if self.closed_at.is_some() {
            return (Close::AlreadyClosed, self, quiz.state);
        }
        let Some(opened) = self.opened else {
            return (Close::NotOpen, self, quiz.state);
        };
        let closed = Round {
            closed_at: Some(now),
            ..self
        };
        let (then, state) = if quiz.state != QuizState::Running {
            (Then::Nothing, quiz.state)
        } else if now - opened.closes_at > STALE_MS {
            (Then::Interrupted, QuizState::Stopped)
        } else if has_next {
            (Then::Next, QuizState::Running)
        } else {
            (Then::Podium, QuizState::Finished)
        };
        (Close::Closed(then), closed, state)
    }
}

impl GroupQuiz {
    /// What `player` (`None`: a member the bot never saw) may do about
    /// stopping the quiz.
    pub fn stop_right(quiz: Option<GroupQuiz>, player: Option<i64>) -> StopRight {
        match quiz {
            Some(q) if q.state == QuizState::Running => {
                if Some(q.started_by) == player {
                    StopRight::Starter
                } else {
                    StopRight::Other
                }
            }
            _ => StopRight::NotRunning,
        }
    }

    /// `player` asks to stop the quiz: the quiz stopped, or why not.
    pub fn stop(self, player: i64, is_admin: bool) -> Result<GroupQuiz, StopRight> {
        match GroupQuiz::stop_right(Some(self), Some(player)) {
            StopRight::Starter => Ok(self.stopped()),
            StopRight::Other if is_admin => Ok(self.stopped()),
            right => Err(right),
        }
    }

    fn stopped(self) -> GroupQuiz {
        GroupQuiz {
            state: QuizState::Stopped,
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use proptest::prelude::*;

    use super::*;
    use crate::game::scoring::{BASE_POINTS, MAX_SPEED_BONUS};

    const ROUND: Round = Round {
        opened: None,
        closed_at: None,
        options: 4,
        correct: 1,
    };
    const QUIZ: GroupQuiz = GroupQuiz {
        state: QuizState::Running,
        started_by: 7,
    };

    #[test]
    fn a_round_opens_once_and_takes_votes_only_once_open() {
        assert_eq!(ROUND.vote(1, 5, false), VoteOutcome::NotOpen);
        let open = ROUND.open(1_000, 30_000).expect("opens");
        assert_eq!(open.open(2_000, 30_000), None, "opened once");
        assert_eq!(
            open.vote(1, 1_000, false),
            VoteOutcome::Right {
                points: 150,
                elapsed_ms: 0
            }
        );
        assert_eq!(
            open.vote(0, 16_000, false),
            VoteOutcome::Wrong { elapsed_ms: 15_000 }
        );
        assert_eq!(open.vote(1, 2_000, true), VoteOutcome::AlreadyAnswered);
        assert_eq!(open.vote(4, 2_000, false), VoteOutcome::InvalidChoice);
        assert_eq!(open.vote(-1, 2_000, false), VoteOutcome::InvalidChoice);
    }

    #[test]
    fn closing_says_what_follows() {
        let open = ROUND.open(0, 30_000).expect("opens");
        let (c, closed, state) = open.close(QUIZ, 35_000, true);
        assert_eq!((c, state), (Close::Closed(Then::Next), QuizState::Running));
        assert_eq!(closed.closed_at, Some(35_000));
        assert_eq!(closed.close(QUIZ, 36_000, true).0, Close::AlreadyClosed);
        assert_eq!(
            open.close(QUIZ, 35_000, false).0,
            Close::Closed(Then::Podium)
        );
        assert_eq!(open.close(QUIZ, 35_000, false).2, QuizState::Finished);
        let late = open.close(QUIZ, 30_000 + STALE_MS + 1, true);
        assert_eq!(
            (late.0, late.2),
            (Close::Closed(Then::Interrupted), QuizState::Stopped)
        );
        let stopped = GroupQuiz {
            state: QuizState::Stopped,
            ..QUIZ
        };
        assert_eq!(
            open.close(stopped, 35_000, true).0,
            Close::Closed(Then::Nothing)
        );
        assert_eq!(ROUND.close(QUIZ, 1, true).0, Close::NotOpen);
    }

    #[test]
    fn only_the_starter_or_an_admin_stops_a_quiz() {
        assert_eq!(QUIZ.stop(7, false).map(|q| q.state), Ok(QuizState::Stopped));
        assert_eq!(QUIZ.stop(8, false), Err(StopRight::Other));
        assert_eq!(QUIZ.stop(8, true).map(|q| q.state), Ok(QuizState::Stopped));
        let stopped = QUIZ.stop(7, false).expect("stops");
        assert_eq!(stopped.stop(7, true), Err(StopRight::NotRunning));
        assert_eq!(GroupQuiz::stop_right(None, Some(7)), StopRight::NotRunning);
        assert_eq!(GroupQuiz::stop_right(Some(QUIZ), None), StopRight::Other);
    }

    proptest! {
        /// Any batches of votes, kept as the store keeps them (a member's
        /// answer to a round once): one counted vote per member, points
        /// never negative, a right answer worth more than
        /// any bonus and more than a wrong one, faster never worth less,
        /// and a round never opened takes nothing.
        #[test]
        fn votes_keep_every_rule(
            round_ms in 1i64..600_000,
            opened in any::<bool>(),
            batches in proptest::collection::vec(
                proptest::collection::vec((0i64..20, -1i64..5, 0i64..700_000), 0..30), 0..5),
        ) {
            let mut round = ROUND;
            if opened {
                round = round.open(0, round_ms).expect("opens");
            }
            let mut counted: HashMap<i64, VoteOutcome> = HashMap::new();
            for batch in batches {
                let votes: Vec<Vote> = batch
                    .iter()
                    .map(|&(voter, choice, received_at)| Vote { voter, choice, received_at })
                    .collect();
                let mut in_batch = HashSet::new();
                for (v, outcome) in round.votes(&votes) {
                    prop_assert!(outcome.points() >= 0);
                    if !opened {
                        prop_assert_eq!(outcome, VoteOutcome::NotOpen);
                    }
                    if outcome.counts() {
                        prop_assert!(in_batch.insert(v.voter), "a member counted twice in a batch");
                        // The store keeps the first.
                        counted.entry(v.voter).or_insert(outcome);
                    } else if opened && usize::try_from(v.choice).is_ok_and(|c| c < round.options) {
                        prop_assert!(in_batch.contains(&v.voter), "a valid first vote refused");
                    }
                    if let VoteOutcome::Right { points, .. } = outcome {
                        prop_assert!((BASE_POINTS..=BASE_POINTS + MAX_SPEED_BONUS).contains(&points));
                        prop_assert!(MAX_SPEED_BONUS < BASE_POINTS);
                        let later = round.vote(v.choice, v.received_at + 1_000, false).points();
                        prop_assert!(later <= points, "slower earns more");
                    }
                }
            }
        }
    }
}
