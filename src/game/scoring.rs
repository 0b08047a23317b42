//! Scoring: points for right answers (a streak bonus in a solo quiz, a
//! speed bonus in a group round) and the weeks of the weekly leaderboard.

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
    let left = i128::from(round_ms - elapsed_ms.clamp(0, round_ms));
    let bonus = i128::from(MAX_SPEED_BONUS) * left / i128::from(round_ms);
    // 0 ≤ bonus ≤ MAX_SPEED_BONUS, since 0 ≤ left ≤ round_ms.
    BASE_POINTS + i64::try_from(bonus).unwrap_or(0)
}

/// A player's line on a leaderboard: totals, and a rank shared by equal
/// points (1, 2, 2, 4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub rank: i64,
    pub player_id: i64,
    pub name: String,
    pub points: i64,
    pub answered: i64,
    pub correct: i64,
}

/// The time from `from` to `to`, never negative (clock skew is clamped).
pub fn elapsed(from: i64, to: i64) -> i64 {
    (to - from).max(0)
}

/// The leaderboard week of a moment: weeks start on Monday 00:00 UTC, counted
/// from the epoch's week, plus one (0 means "all time" in the store).
pub fn week_of(unix_ms: i64) -> i64 {
    // 1970-01-01 was a Thursday: three days after a Monday.
    (unix_ms.div_euclid(86_400_000) + 3).div_euclid(7) + 1
}

#[cfg(test)]
mod tests {
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
}
