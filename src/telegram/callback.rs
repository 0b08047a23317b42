//! Callback data of the bot's buttons, short ASCII within Telegram's 64
//! bytes: an answer, `a:<served question>:<option>`; an article of the
//! catalogue, `q:<slug>`; the answer to `/forget`, `f:yes` or `f:no`; a
//! verdict on an inline claim, `c:<claim>:1` (true) or `c:<claim>:0`. The
//! data only says which button was pressed; who may press it is the
//! service's decision.

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

/// A pressed article button: a quiz on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleButton {
    pub slug: String,
}

impl ArticleButton {
    /// The button of an article, if its slug fits Telegram's limit.
    pub fn of(slug: &str) -> Option<ArticleButton> {
        let button = ArticleButton {
            slug: slug.to_owned(),
        };
        (button.to_string().len() <= 64 && Self::slug_ok(slug)).then_some(button)
    }

    /// Reads callback data; anything but a slug of `[a-z0-9-]` is refused.
    pub fn parse(data: &str) -> Option<ArticleButton> {
        let slug = data.strip_prefix("q:")?;
        Self::slug_ok(slug).then(|| ArticleButton {
            slug: slug.to_owned(),
        })
    }

    fn slug_ok(slug: &str) -> bool {
        !slug.is_empty()
            && slug.len() <= 62
            && slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    }
}

impl fmt::Display for ArticleButton {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "q:{}", self.slug)
    }
}

/// The answer to `/forget`'s question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForgetButton {
    Yes,
    No,
}

impl ForgetButton {
    pub fn parse(data: &str) -> Option<ForgetButton> {
        match data {
            "f:yes" => Some(ForgetButton::Yes),
            "f:no" => Some(ForgetButton::No),
            _ => None,
        }
    }
}

impl fmt::Display for ForgetButton {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ForgetButton::Yes => "f:yes",
            ForgetButton::No => "f:no",
        })
    }
}

/// A verdict on an inline claim: true or false.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimButton {
    pub claim_id: i64,
    pub says_true: bool,
}

impl ClaimButton {
    /// Reads callback data; anything but the exact form is refused.
    pub fn parse(data: &str) -> Option<ClaimButton> {
        let (claim, verdict) = data.strip_prefix("c:")?.split_once(':')?;
        if claim.is_empty() || claim.len() > 19 || !claim.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let says_true = match verdict {
            "1" => true,
            "0" => false,
            _ => return None,
        };
        Some(ClaimButton {
            claim_id: claim.parse().ok()?,
            says_true,
        })
    }
}

impl fmt::Display for ClaimButton {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "c:{}:{}", self.claim_id, u8::from(self.says_true))
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

    #[test]
    fn article_buttons_round_trip_and_refuse_what_is_no_slug() {
        let b = ArticleButton::of("trump-paris-climate-withdrawal").expect("fits");
        assert_eq!(ArticleButton::parse(&b.to_string()), Some(b));
        for bad in [
            "q:",
            "q:Trump",
            "q:a b",
            "q:../x",
            "a:1:2",
            &format!("q:{}", "a".repeat(63)),
        ] {
            assert_eq!(ArticleButton::parse(bad), None, "{bad}");
        }
        assert_eq!(
            ArticleButton::of(&"a".repeat(63)),
            None,
            "too long for Telegram"
        );
    }

    #[test]
    fn claim_buttons_round_trip_and_refuse_other_shapes() {
        for b in [
            ClaimButton {
                claim_id: i64::MAX,
                says_true: true,
            },
            ClaimButton {
                claim_id: 7,
                says_true: false,
            },
        ] {
            let data = b.to_string();
            assert!(data.len() <= 64);
            assert_eq!(ClaimButton::parse(&data), Some(b));
        }
        for bad in [
            "c:", "c:1", "c:1:2", "c::1", "c:-1:1", "c:1:1:1", "c:x:0", "a:1:1",
        ] {
            assert_eq!(ClaimButton::parse(bad), None, "{bad}");
        }
    }
}
