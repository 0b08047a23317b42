//! A group's daily quiz: whether it is due. Days and minutes are local to
//! the group's time zone; the adapter reads them off the clock.

/// How late a daily quiz may still start (the bot was down at its time):
/// later than this, the day passes without it.
pub const GRACE_MINUTES: u16 = 60;

/// What a schedule does now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Not its time yet, or done today.
    NotYet,
    /// Start today's quiz.
    Start,
    /// Let today pass: a quiz is running, or the time is long gone.
    LetPass,
}

/// Whether the schedule at `at` (minutes past midnight) is due at `minutes`
/// past midnight of local `day`, when it last ran or passed on `last_day`
/// and a quiz of the group's may be `running`. Returns [`Due::Start`] or
/// [`Due::LetPass`] at most once a day: the caller records the day.
pub fn due(day: &str, minutes: u16, at: u16, last_day: Option<&str>, running: bool) -> Due {
    if last_day == Some(day) || minutes < at {
        return Due::NotYet;
    }
    if running || minutes - at > GRACE_MINUTES {
        return Due::LetPass;
    }
    Due::Start
}

/// The day a schedule set now at `at` counts as done for: today, when its
/// time has passed already (the first quiz is tomorrow's).
pub fn done_when_set(day: &str, minutes: u16, at: u16) -> Option<String> {
    (minutes >= at).then(|| day.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_once_a_day_at_its_time_unless_a_quiz_runs_or_the_time_is_long_gone() {
        let at = 20 * 60;
        assert_eq!(due("2026-12-03", at - 1, at, None, false), Due::NotYet);
        assert_eq!(due("2026-12-03", at, at, None, false), Due::Start);
        assert_eq!(
            due("2026-12-03", at + 30, at, Some("2026-12-02"), false),
            Due::Start
        );
        assert_eq!(
            due("2026-12-03", at + 5, at, Some("2026-12-03"), false),
            Due::NotYet,
            "never twice a day"
        );
        assert_eq!(due("2026-12-03", at, at, None, true), Due::LetPass);
        assert_eq!(
            due("2026-12-03", at + GRACE_MINUTES + 1, at, None, false),
            Due::LetPass
        );
        // After midnight, a schedule of 23:59 waits for its time again.
        assert_eq!(
            due("2026-12-04", 1, 23 * 60 + 59, Some("2026-12-03"), false),
            Due::NotYet
        );
    }

    #[test]
    fn a_schedule_set_after_its_time_starts_tomorrow() {
        assert_eq!(
            done_when_set("2026-12-03", 21 * 60, 20 * 60).as_deref(),
            Some("2026-12-03")
        );
        assert_eq!(done_when_set("2026-12-03", 19 * 60, 20 * 60), None);
    }
}
