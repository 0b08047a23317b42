//! Settings from the environment, with the defaults of the product contract.
//! A setting that is present but wrong is an error that names it; nothing
//! silently falls back.

use std::fmt;
use std::path::PathBuf;

/// Where articles and facts live unless `FACTQUIZ_QUESTIONS` says otherwise.
pub const DEFAULT_QUESTIONS_DIR: &str = "questions";
/// Group question time unless `FACTQUIZ_ROUND_SECONDS` says otherwise.
pub const DEFAULT_ROUND_SECONDS: u32 = 30;
/// Bounds of `FACTQUIZ_ROUND_SECONDS` (Telegram's `open_period`).
pub const ROUND_SECONDS: std::ops::RangeInclusive<u32> = 5..=600;

/// The questions folder: `FACTQUIZ_QUESTIONS`, or `questions`.
pub fn questions_dir() -> PathBuf {
    std::env::var_os("FACTQUIZ_QUESTIONS")
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from(DEFAULT_QUESTIONS_DIR), PathBuf::from)
}

/// The database: `DATABASE_URL`, or `factquiz.db` in the working directory.
pub fn database_url() -> String {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| crate::store::DEFAULT_DATABASE.to_owned())
}

/// A value that must never be printed: its `Debug` and `Display` say so.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The bot's own limits on sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendLimits {
    /// About 30 messages a second in all, 1 a second per chat, 20 a minute
    /// per group, as Telegram allows.
    Telegram,
    /// None: for a local Bot API server or a benchmark.
    Off,
}

/// What `factquiz bot` needs beyond the database and the questions.
#[derive(Debug, Clone)]
pub struct BotConfig {
    pub token: Secret,
    /// Another Bot API server (`TELOXIDE_API_URL`).
    pub api_url: Option<url::Url>,
    pub round_seconds: u32,
    pub send_limits: SendLimits,
    /// Where to serve `/metrics` and `/healthz`.
    pub metrics_addr: Option<String>,
    /// Webhook mode instead of long polling.
    pub webhook: Option<Webhook>,
}

/// Webhook mode: Telegram posts each update to `url`, which a reverse
/// proxy (or a local Bot API server) passes to `listen`.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// The public URL given to `setWebhook` (`FACTQUIZ_WEBHOOK_URL`); its
    /// path is the one served.
    pub url: url::Url,
    /// The local `host:port` to serve on (`FACTQUIZ_LISTEN`).
    pub listen: String,
    /// The token Telegram sends in `X-Telegram-Bot-Api-Secret-Token`:
    /// `FACTQUIZ_WEBHOOK_SECRET`, or one derived from the bot token, so
    /// that every instance of one bot agrees.
    pub secret: Secret,
}

/// The webhook's secret derived from the bot token: HMAC-SHA256 of a fixed
/// label keyed by the token, in hex (64 characters Telegram accepts). It
/// says nothing of the token.
pub fn derived_secret(token: &Secret) -> Secret {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, token.expose().as_bytes());
    let tag = ring::hmac::sign(&key, b"factquiz webhook secret v1");
    Secret::new(
        tag.as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>(),
    )
}

/// Whether Telegram accepts a webhook secret: 1-256 of `A-Z a-z 0-9 _ -`.
fn secret_ok(s: &str) -> bool {
    (1..=256).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A setting that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "TELOXIDE_TOKEN is not set.\n\
         To run the Telegram bot, create a bot with @BotFather in Telegram (send it /newbot),\n\
         then start factquiz with the token it gives you:\n\
         \n    TELOXIDE_TOKEN=123456:ABC... factquiz bot\n\n\
         To try the quiz without a token, run `factquiz play`."
    )]
    MissingToken,
    #[error(
        "TELOXIDE_TOKEN does not look like a bot token (digits, a colon, then letters and digits)"
    )]
    MalformedToken,
    #[error("TELOXIDE_API_URL `{0}` is not a URL")]
    BadApiUrl(String),
    #[error("FACTQUIZ_ROUND_SECONDS `{0}` must be a whole number of seconds from 5 to 600")]
    BadRoundSeconds(String),
    #[error("FACTQUIZ_SEND_LIMITS `{0}` must be `telegram` or `off`")]
    BadSendLimits(String),
    #[error(
        "webhook mode needs both FACTQUIZ_WEBHOOK_URL (the public https URL) and \
         FACTQUIZ_LISTEN (the local host:port); {0} is not set"
    )]
    HalfWebhook(&'static str),
    #[error(
        "FACTQUIZ_WEBHOOK_URL `{0}` must be an https URL (plain http only with a local Bot API \
         server, TELOXIDE_API_URL)"
    )]
    BadWebhookUrl(String),
    #[error("FACTQUIZ_LISTEN `{0}` must be host:port, e.g. 127.0.0.1:8443")]
    BadListen(String),
    #[error("FACTQUIZ_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")]
    BadWebhookSecret,
}

impl BotConfig {
    /// Reads the bot's settings from the environment.
    pub fn from_env() -> Result<BotConfig, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the bot's settings through `var` (the environment, or a test's map).
    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<BotConfig, ConfigError> {
        let var = |name: &str| {
            var(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let token = var("TELOXIDE_TOKEN").ok_or(ConfigError::MissingToken)?;
        let well_formed = token.split_once(':').is_some_and(|(id, rest)| {
            !id.is_empty()
                && id.bytes().all(|b| b.is_ascii_digit())
                && !rest.is_empty()
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        });
        if !well_formed {
            return Err(ConfigError::MalformedToken);
        }
        let api_url = match var("TELOXIDE_API_URL") {
            // teloxide joins path segments: a trailing slash would give `//bot…`.
            Some(u) => Some(
                url::Url::parse(u.trim_end_matches('/'))
                    .map_err(|_| ConfigError::BadApiUrl(u.clone()))?,
            ),
            None => None,
        };
        let round_seconds = match var("FACTQUIZ_ROUND_SECONDS") {
            Some(s) => s
                .parse::<u32>()
                .ok()
                .filter(|n| ROUND_SECONDS.contains(n))
                .ok_or(ConfigError::BadRoundSeconds(s))?,
            None => DEFAULT_ROUND_SECONDS,
        };
        let send_limits = match var("FACTQUIZ_SEND_LIMITS").as_deref() {
            None | Some("telegram") => SendLimits::Telegram,
            Some("off") => SendLimits::Off,
            Some(other) => return Err(ConfigError::BadSendLimits(other.to_owned())),
        };
        let token = Secret::new(token);
        let webhook = match (var("FACTQUIZ_WEBHOOK_URL"), var("FACTQUIZ_LISTEN")) {
            (None, None) => None,
            (Some(_), None) => return Err(ConfigError::HalfWebhook("FACTQUIZ_LISTEN")),
            (None, Some(_)) => return Err(ConfigError::HalfWebhook("FACTQUIZ_WEBHOOK_URL")),
            (Some(u), Some(listen)) => {
                let url = url::Url::parse(&u)
                    .ok()
                    .filter(|url| {
                        url.scheme() == "https" || (url.scheme() == "http" && api_url.is_some())
                    })
                    .filter(|url| url.host().is_some())
                    .ok_or_else(|| ConfigError::BadWebhookUrl(u.clone()))?;
                let port_ok = listen
                    .rsplit_once(':')
                    .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
                if !port_ok {
                    return Err(ConfigError::BadListen(listen));
                }
                let secret = match var("FACTQUIZ_WEBHOOK_SECRET") {
                    Some(s) if secret_ok(&s) => Secret::new(s),
                    Some(_) => return Err(ConfigError::BadWebhookSecret),
                    None => derived_secret(&token),
                };
                Some(Webhook {
                    url,
                    listen,
                    secret,
                })
            }
        };
        Ok(BotConfig {
            token,
            api_url,
            round_seconds,
            send_limits,
            metrics_addr: var("FACTQUIZ_METRICS_ADDR"),
            webhook,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<BotConfig, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        BotConfig::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn reads_the_contract_variables_with_their_defaults() {
        let c = config(&[("TELOXIDE_TOKEN", "123:ABC-def_9")]).expect("valid");
        assert_eq!(c.token.expose(), "123:ABC-def_9");
        assert_eq!(
            (c.round_seconds, c.send_limits, c.api_url, c.metrics_addr),
            (30, SendLimits::Telegram, None, None)
        );
        let c = config(&[
            ("TELOXIDE_TOKEN", "1:x"),
            ("TELOXIDE_API_URL", "http://127.0.0.1:8081/"),
            ("FACTQUIZ_ROUND_SECONDS", "5"),
            ("FACTQUIZ_SEND_LIMITS", "off"),
            ("FACTQUIZ_METRICS_ADDR", "127.0.0.1:9000"),
        ])
        .expect("valid");
        assert_eq!(
            c.api_url.map(|u| u.to_string()),
            Some("http://127.0.0.1:8081/".to_owned())
        );
        assert_eq!((c.round_seconds, c.send_limits), (5, SendLimits::Off));
        assert_eq!(c.metrics_addr.as_deref(), Some("127.0.0.1:9000"));
    }

    #[test]
    fn a_wrong_setting_is_named() {
        assert_eq!(config(&[]).unwrap_err(), ConfigError::MissingToken);
        assert_eq!(
            config(&[("TELOXIDE_TOKEN", "  ")]).unwrap_err(),
            ConfigError::MissingToken
        );
        assert_eq!(
            config(&[("TELOXIDE_TOKEN", "abc")]).unwrap_err(),
            ConfigError::MalformedToken
        );
        let t = ("TELOXIDE_TOKEN", "1:x");
        assert_eq!(
            config(&[t, ("FACTQUIZ_ROUND_SECONDS", "4")]).unwrap_err(),
            ConfigError::BadRoundSeconds("4".into())
        );
        assert_eq!(
            config(&[t, ("FACTQUIZ_ROUND_SECONDS", "601")]).unwrap_err(),
            ConfigError::BadRoundSeconds("601".into())
        );
        assert_eq!(
            config(&[t, ("FACTQUIZ_SEND_LIMITS", "fast")]).unwrap_err(),
            ConfigError::BadSendLimits("fast".into())
        );
        assert!(matches!(
            config(&[t, ("TELOXIDE_API_URL", "not a url")]),
            Err(ConfigError::BadApiUrl(_))
        ));
        assert!(ConfigError::MissingToken.to_string().contains("BotFather"));
        assert!(
            ConfigError::MissingToken
                .to_string()
                .contains("factquiz play")
        );
    }

    #[test]
    fn webhook_mode_needs_both_settings_and_a_secret_every_instance_agrees_on() {
        let t = ("TELOXIDE_TOKEN", "1:x");
        assert!(config(&[t]).expect("valid").webhook.is_none());
        let url = ("FACTQUIZ_WEBHOOK_URL", "https://bot.example.org/telegram");
        let listen = ("FACTQUIZ_LISTEN", "127.0.0.1:8443");
        let w = config(&[t, url, listen])
            .expect("valid")
            .webhook
            .expect("webhook mode");
        assert_eq!(w.url.path(), "/telegram");
        assert_eq!(w.listen, "127.0.0.1:8443");
        assert_eq!(w.secret, derived_secret(&Secret::new("1:x")));
        assert!(secret_ok(w.secret.expose()) && !w.secret.expose().contains('x'));
        assert_ne!(
            derived_secret(&Secret::new("1:x")),
            derived_secret(&Secret::new("1:y"))
        );
        let own = config(&[t, url, listen, ("FACTQUIZ_WEBHOOK_SECRET", "s3cret_-X")])
            .expect("valid")
            .webhook
            .expect("webhook mode");
        assert_eq!(own.secret.expose(), "s3cret_-X");

        assert_eq!(
            config(&[t, url]).unwrap_err(),
            ConfigError::HalfWebhook("FACTQUIZ_LISTEN")
        );
        assert_eq!(
            config(&[t, listen]).unwrap_err(),
            ConfigError::HalfWebhook("FACTQUIZ_WEBHOOK_URL")
        );
        let plain = ("FACTQUIZ_WEBHOOK_URL", "http://bot.example.org/telegram");
        assert!(matches!(
            config(&[t, plain, listen]),
            Err(ConfigError::BadWebhookUrl(_))
        ));
        let local = ("TELOXIDE_API_URL", "http://127.0.0.1:8081");
        assert!(
            config(&[t, plain, listen, local]).is_ok(),
            "a local Bot API server may post over http"
        );
        assert_eq!(
            config(&[t, url, ("FACTQUIZ_LISTEN", "8443")]).unwrap_err(),
            ConfigError::BadListen("8443".into())
        );
        assert_eq!(
            config(&[t, url, listen, ("FACTQUIZ_WEBHOOK_SECRET", "has space")]).unwrap_err(),
            ConfigError::BadWebhookSecret
        );
    }

    #[test]
    fn a_secret_never_prints() {
        let s = Secret::new("123:SECRET");
        assert_eq!(format!("{s:?} {s}"), "Secret(<redacted>) <redacted>");
    }
}
