//! The built `factquiz bot` as a process of its own, pointed at the
//! loopback Bot API server: what a crash test kills with SIGKILL, so that
//! nothing of the bot survives it.

use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::botapi::{BotApi, TOKEN};
use crate::helpers::{factquiz, questions_dir};

/// A running `factquiz bot`.
pub struct BotProcess {
    child: Child,
    log: PathBuf,
}

/// Starts `factquiz bot` on the database `db`, logging to `log`, with
/// `FACTQUIZ_SEND_LIMITS=off` unless `env` says otherwise.
pub fn spawn(
    api: &BotApi,
    db: &crate::helpers::TestDb,
    log: PathBuf,
    env: &[(&str, &str)],
) -> BotProcess {
    let mut cmd = factquiz();
    cmd.arg("bot")
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", &api.url)
        .env("DATABASE_URL", db.url())
        .env("FACTQUIZ_QUESTIONS", questions_dir())
        .env("FACTQUIZ_SEND_LIMITS", "off")
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log file"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    BotProcess {
        child: cmd.spawn().expect("spawn the bot"),
        log,
    }
}

impl BotProcess {
    /// Sends a signal (`-KILL`, `-TERM`, `-INT`).
    pub fn signal(&self, sig: &str) {
        let status = std::process::Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
    }

    /// SIGKILL, as a crash: nothing is finished, nothing confirmed.
    pub async fn kill(self) -> String {
        self.signal("-KILL");
        self.wait().await.1
    }

    /// Waits for the process to exit; returns its exit code and its log.
    pub async fn wait(mut self) -> (i32, String) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                let log = std::fs::read_to_string(&self.log).unwrap_or_default();
                return (status.code().unwrap_or(-1), log);
            }
            assert!(Instant::now() < deadline, "the bot did not exit");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for BotProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
