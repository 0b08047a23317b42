//! Callback data of the answer buttons: `a:<served question>:<option>`,
//! short ASCII far below Telegram's 64 bytes. The data only says which
//! button was pressed; who may press it is the service's decision.

use std::fmt;

/// A pressed answer button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnswerButton {
    pub served_id: i64,
    pub choice: usize,
}

impl AnswerButton {
    /// Reads callback data; anything but the exact form is refused.
    pub fn parse(data: &str) -> Option<AnswerButton> {
        let rest = data.strip_prefix("a:")?;
        let (served, choice) = rest.split_once(':')?;
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 19 && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(served) || !digits(choice) || choice.len() > 2 {
            return None;
        }
        Some(AnswerButton {
            served_id: served.parse().ok()?,
            choice: choice.parse().ok()?,
        })
    }
}

impl fmt::Display for AnswerButton {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a:{}:{}", self.served_id, self.choice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_fits_telegrams_limit() {
        let b = AnswerButton {
            served_id: i64::MAX,
            choice: 3,
        };
        let data = b.to_string();
        assert!(data.len() <= 64 && data.is_ascii());
        assert_eq!(AnswerButton::parse(&data), Some(b));
    }

    #[test]
    fn refuses_garbled_or_forged_shapes() {
        for bad in [
            "",
            "a:",
            "a:1",
            "a:1:",
            "a::1",
            "b:1:2",
            "a:-1:2",
            "a:+1:2",
            "a:1:2:3",
            "a:1:x",
            "a:1:100",
            "a:99999999999999999999:1",
            "a:١:2",
        ] {
            assert_eq!(AnswerButton::parse(bad), None, "{bad}");
        }
    }
}
