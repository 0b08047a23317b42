//! The rules of the game, pure: no I/O, no SQL, no clock of its own.
//!
//! - [`solo`]: a private quiz, one player, one question after the other.
//! - [`round`]: a group quiz, a native poll per round that every member
//!   answers.
//! - [`scoring`]: points (speed, streaks) and leaderboard weeks.
//! - [`plan`]: which questions a new quiz asks.
//!
//! Each state machine takes an action and the time and returns an outcome
//! value and the next state; expected outcomes ("already answered", "not
//! yours", "quiz over") are values, never errors. The service loads the
//! state, applies these rules and persists the result.

pub mod plan;
pub mod round;
pub mod schedule;
pub mod scoring;
pub mod solo;

pub use plan::{Seen, plan_quiz};
pub use scoring::{group_points, solo_points, week_of};

/// A quiz's life: running until it is finished (every question answered or
/// every round closed) or stopped (by a player, or because it could not go
/// on). Only a running quiz takes answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuizState {
    Running,
    Finished,
    Stopped,
}

/// A private quiz for one player, or a group quiz of rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Solo,
    Group,
}

/// Where a player comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    Telegram,
    Terminal,
}

/// A stored name that is not one of an enum's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a {what}")]
pub struct UnknownName {
    pub what: &'static str,
    pub value: String,
}

/// The names an enum is stored by, both ways, checked.
macro_rules! named {
    ($ty:ident, $what:literal, $($variant:ident => $name:literal),+ $(,)?) => {
        impl $ty {
            /// The name it is stored by.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }
        }

        impl std::str::FromStr for $ty {
            type Err = UnknownName;

            fn from_str(s: &str) -> Result<Self, UnknownName> {
                match s {
                    $($name => Ok($ty::$variant),)+
                    _ => Err(UnknownName { what: $what, value: s.to_owned() }),
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

named!(QuizState, "quiz state", Running => "running", Finished => "finished", Stopped => "stopped");
named!(Mode, "quiz mode", Solo => "solo", Group => "group");
named!(Origin, "player origin", Telegram => "telegram", Terminal => "terminal");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_go_both_ways_and_unknown_names_are_errors() {
        for s in [QuizState::Running, QuizState::Finished, QuizState::Stopped] {
            assert_eq!(s.as_str().parse(), Ok(s));
        }
        for m in [Mode::Solo, Mode::Group] {
            assert_eq!(m.as_str().parse(), Ok(m));
        }
        for o in [Origin::Telegram, Origin::Terminal] {
            assert_eq!(o.as_str().parse(), Ok(o));
        }
        let err = "Running".parse::<QuizState>().expect_err("case matters");
        assert_eq!(err.to_string(), "`Running` is not a quiz state");
    }
}
