//! Logs to standard error through `tracing`, with every secret (the bot
//! token) replaced before a line is written, whatever the level and
//! whichever crate wrote it.

use std::io::{self, IsTerminal, Write};
use std::sync::Arc;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// What replaces a secret in a log line.
pub const REDACTED: &str = "<redacted>";

/// Makes writers that hold one log line and write it, redacted, on drop.
#[derive(Clone)]
pub struct Redacting<W> {
    secrets: Arc<Vec<String>>,
    sink: W,
}

impl<W> Redacting<W> {
    /// Redacts `secrets` (empty ones are ignored) from what goes to `sink`.
    pub fn new(secrets: impl IntoIterator<Item = String>, sink: W) -> Self {
        let secrets = secrets.into_iter().filter(|s| !s.is_empty()).collect();
        Redacting {
            secrets: Arc::new(secrets),
            sink,
        }
    }
}

impl<'a, W: MakeWriter<'a>> MakeWriter<'a> for Redacting<W> {
    type Writer = LineWriter<W::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        LineWriter {
            secrets: Arc::clone(&self.secrets),
            buffer: Vec::new(),
            sink: self.sink.make_writer(),
        }
    }
}

/// One event's output: buffered, then redacted and written when dropped.
pub struct LineWriter<W: Write> {
    secrets: Arc<Vec<String>>,
    buffer: Vec<u8>,
    sink: W,
}

impl<W: Write> Write for LineWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<W: Write> Drop for LineWriter<W> {
    fn drop(&mut self) {
        let mut text = String::from_utf8_lossy(&self.buffer).into_owned();
        for secret in self.secrets.iter() {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), REDACTED);
            }
        }
        let _ = self.sink.write_all(text.as_bytes());
        let _ = self.sink.flush();
    }
}

/// `text` with the bot token of the environment replaced, for what is
/// written to standard error outside a log line (the final error).
pub fn redact(text: &str) -> String {
    redact_secret(text, &std::env::var("TELOXIDE_TOKEN").unwrap_or_default())
}

fn redact_secret(text: &str, secret: &str) -> String {
    let secret = secret.trim();
    if secret.is_empty() {
        text.to_owned()
    } else {
        text.replace(secret, REDACTED)
    }
}

/// Sets up logging to standard error with `RUST_LOG` (default `default`),
/// redacting the bot token found in the environment.
pub fn init(default: &str) {
    let token = std::env::var("TELOXIDE_TOKEN").unwrap_or_default();
    let writer = Redacting::new([token.trim().to_owned()], io::stderr);
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default)),
        )
        .with_ansi(io::stderr().is_terminal())
        .with_writer(writer)
        .init();
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[test]
    fn the_final_error_loses_the_token_too() {
        assert_eq!(
            redact_secret("GET /bot1:ABC/getMe failed; 1:ABC", " 1:ABC "),
            "GET /bot<redacted>/getMe failed; <redacted>"
        );
        assert_eq!(redact_secret("nothing secret", ""), "nothing secret");
    }

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().expect("lock").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Captured {
        type Writer = Captured;
        fn make_writer(&'a self) -> Captured {
            self.clone()
        }
    }

    #[test]
    fn a_secret_written_in_pieces_is_still_redacted() {
        let sink = Captured::default();
        let make = Redacting::new(["123:SECRET".to_owned(), String::new()], sink.clone());
        {
            let mut w = make.make_writer();
            w.write_all(b"GET /bot123:").expect("write");
            w.write_all(b"SECRET/getMe and 123:SECRET again\n")
                .expect("write");
        }
        let out = String::from_utf8(sink.0.lock().expect("lock").clone()).expect("utf-8");
        assert_eq!(out, "GET /bot<redacted>/getMe and <redacted> again\n");
    }
}
