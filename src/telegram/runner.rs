//! Long polling that confirms an update to Telegram only once it is handled.
//!
//! teloxide's `Dispatcher` asks for the next batch (which confirms the last)
//! as soon as a batch is queued, so a crash loses what was queued. Telegram's
//! confirmation is a single offset, "everything below this is done", so this
//! runner keeps the updates it has taken but not finished, and polls with the
//! lowest of them as the offset: after a crash, Telegram delivers again
//! everything that was not finished, and idempotent handlers (one answer per
//! player and question) make the repeat harmless.
//!
//! Updates of one chat are handled in order, one at a time; different chats
//! and poll answers (which have no chat) run concurrently. Everything runs
//! the handler tree of [`super::schema`], the same one the tests run.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::ops::ControlFlow;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::FutureExt;
use teloxide::RequestError;
use teloxide::dispatching::UpdateHandler;
use teloxide::payloads::GetUpdatesSetters;
use teloxide::prelude::*;
use teloxide::types::{AllowedUpdate, UpdateKind};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::metrics::Metrics;

/// Long-polling timeout: below the HTTP client's 17 s total timeout.
pub const POLL_SECONDS: u32 = 10;
/// The longest pause between failed polls.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// At most this many updates are taken and not finished: beyond it, the
/// runner stops asking Telegram for more (which keeps them) until some are
/// done, so a flood of poll answers cannot queue without bound.
const MAX_IN_FLIGHT: usize = 256;
/// How long a handled update may wait for its confirmation: a long poll in
/// flight carries an old offset, so it is replaced by one with the new offset
/// this long after an update is done (batching the confirmations of a burst).
const CONFIRM_LAG: Duration = Duration::from_millis(100);

type Poll = Pin<Box<dyn Future<Output = Result<Vec<Update>, RequestError>> + Send>>;

/// What to do when handling an update fails: the user gets a short apology.
pub type Apology = Arc<dyn Fn(Update) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// Everything the runner needs.
pub struct Runner {
    /// The plain bot, for `getUpdates`.
    pub bot: Bot,
    pub handler: UpdateHandler<anyhow::Error>,
    /// The handlers' dependencies; the update is added per call.
    pub deps: DependencyMap,
    pub metrics: Arc<Metrics>,
    pub apology: Apology,
    pub allowed_updates: Vec<AllowedUpdate>,
}

/// A finished update: its id, and the chat whose queue it held.
struct Done {
    id: u32,
    chat: Option<i64>,
}

impl Runner {
    /// Polls and handles until `shutdown` is cancelled, then finishes the
    /// updates in hand, confirms them to Telegram, and returns.
    pub async fn run(self, shutdown: CancellationToken) {
        let this = Arc::new(self);
        let (done_tx, mut done_rx) = mpsc::unbounded_channel::<Done>();
        // Ids taken but not finished, and the highest id taken.
        let mut in_flight: BTreeSet<u32> = BTreeSet::new();
        let mut seen: Option<u32> = None;
        // Per chat: the updates waiting behind the one being handled.
        let mut waiting: HashMap<i64, VecDeque<Update>> = HashMap::new();
        let mut busy: HashSet<i64> = HashSet::new();
        let mut poll: Option<Poll> = None;
        // The offset the poll in flight confirms, and when to replace it by
        // one that confirms more.
        let mut poll_offset: u32 = 0;
        let mut confirm_at: Option<Pin<Box<tokio::time::Sleep>>> = None;
        let mut pause: Option<Pin<Box<tokio::time::Sleep>>> = None;
        let mut failures: u32 = 0;
        // Telegram sent only updates still in hand: poll again when one is done.
        let mut wait_for_progress = false;
        let mut stopping = false;

        // Everything below this is handled: the offset that confirms it.
        let confirmable = |in_flight: &BTreeSet<u32>, seen: Option<u32>| {
            in_flight
                .first()
                .copied()
                .or(seen.map(|s| s + 1))
                .unwrap_or(0)
        };
        loop {
            if stopping && in_flight.is_empty() {
                break;
            }
            let offset = confirmable(&in_flight, seen);
            let full = in_flight.len() >= MAX_IN_FLIGHT;
            if !stopping && poll.is_none() && pause.is_none() && !wait_for_progress && !full {
                poll = Some(this.get_updates(offset, POLL_SECONDS, 100));
                poll_offset = offset;
                confirm_at = None;
            }
            tokio::select! {
                () = shutdown.cancelled(), if !stopping => {
                    tracing::info!(in_hand = in_flight.len(), "stopping: finishing the updates in hand");
                    stopping = true;
                    poll = None;
                    pause = None;
                    confirm_at = None;
                }
                Some(done) = done_rx.recv() => {
                    in_flight.remove(&done.id);
                    wait_for_progress = false;
                    if poll.is_some() && confirmable(&in_flight, seen) > poll_offset && confirm_at.is_none() {
                        confirm_at = Some(Box::pin(tokio::time::sleep(CONFIRM_LAG)));
                    }
                    if let Some(chat) = done.chat {
                        match waiting.get_mut(&chat).and_then(VecDeque::pop_front) {
                            Some(next) => this.spawn(next, Some(chat), done_tx.clone()),
                            None => {
                                waiting.remove(&chat);
                                busy.remove(&chat);
                            }
                        }
                    }
                }
                result = async { poll.as_mut().expect("polled only when set").await }, if poll.is_some() => {
                    poll = None;
                    confirm_at = None;
                    match result {
                        Ok(updates) => {
                            failures = 0;
                            let mut fresh = 0;
                            for update in updates {
                                if seen.is_some_and(|s| update.id.0 <= s) {
                                    continue;
                                }
                                seen = Some(update.id.0);
                                fresh += 1;
                                if let UpdateKind::Error(raw) = &update.kind {
                                    // Nothing can handle it: it counts as done.
                                    tracing::warn!(update_id = update.id.0, %raw, "an update that cannot be parsed was skipped");
                                    continue;
                                }
                                in_flight.insert(update.id.0);
                                match update.chat().map(|c| c.id.0) {
                                    Some(chat) if busy.contains(&chat) => {
                                        waiting.entry(chat).or_default().push_back(update);
                                    }
                                    Some(chat) => {
                                        busy.insert(chat);
                                        this.spawn(update, Some(chat), done_tx.clone());
                                    }
                                    None => this.spawn(update, None, done_tx.clone()),
                                }
                            }
                            wait_for_progress = fresh == 0 && !in_flight.is_empty();
                        }
                        Err(error) => {
                            let delay = match &error {
                                RequestError::RetryAfter(s) => s.duration(),
                                _ => {
                                    failures = failures.saturating_add(1);
                                    backoff(failures)
                                }
                            };
                            tracing::warn!(error = %error, retry_in_ms = delay.as_millis() as u64, "getUpdates failed");
                            pause = Some(Box::pin(tokio::time::sleep(delay)));
                        }
                    }
                }
                () = async { pause.as_mut().expect("awaited only when set").await }, if pause.is_some() => {
                    pause = None;
                }
                () = async { confirm_at.as_mut().expect("awaited only when set").await }, if confirm_at.is_some() => {
                    // Replace the long poll by one that confirms what is done.
                    confirm_at = None;
                    poll = None;
                }
            }
        }
        // Everything taken is handled: confirm it, so a restart does not see it again.
        if let Some(last) = seen {
            let confirm = this.get_updates(last + 1, 0, 1);
            match tokio::time::timeout(Duration::from_secs(10), confirm).await {
                Ok(Ok(_)) => tracing::info!(offset = last + 1, "confirmed the handled updates"),
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "could not confirm the handled updates; they will be delivered again and change nothing")
                }
                Err(_) => tracing::warn!(
                    "confirming the handled updates timed out; they will be delivered again and change nothing"
                ),
            }
        }
    }

    fn get_updates(&self, offset: u32, timeout: u32, limit: u8) -> Poll {
        let offset = i32::try_from(offset).unwrap_or(i32::MAX);
        let request = self
            .bot
            .get_updates()
            .offset(offset)
            .timeout(timeout)
            .limit(limit)
            .allowed_updates(self.allowed_updates.clone());
        Box::pin(async move { request.send().await })
    }

    /// Handles one update in a task of its own and reports when it is done.
    fn spawn(
        self: &Arc<Self>,
        update: Update,
        chat: Option<i64>,
        done: mpsc::UnboundedSender<Done>,
    ) {
        let this = Arc::clone(self);
        tokio::spawn(async move {
            let id = update.id.0;
            this.handle(update).await;
            // The loop only ends once every update reported back.
            let _ = done.send(Done { id, chat });
        });
    }

    async fn handle(&self, update: Update) {
        let started = Instant::now();
        self.metrics.updates.inc();
        let mut deps = self.deps.clone();
        deps.insert(update.clone());
        let outcome = AssertUnwindSafe(self.handler.dispatch(deps))
            .catch_unwind()
            .await;
        let failure = match outcome {
            Ok(ControlFlow::Break(Ok(()))) => None,
            Ok(ControlFlow::Continue(_)) => {
                tracing::debug!(update_id = update.id.0, "no handler for this update");
                None
            }
            Ok(ControlFlow::Break(Err(error))) => Some(format!("{error:#}")),
            Err(panic) => Some(panic_message(&panic)),
        };
        if let Some(error) = failure {
            self.metrics.update_errors.inc();
            tracing::error!(
                update_id = update.id.0,
                chat = update.chat().map(|c| c.id.0),
                user = update.from().map(|u| u.id.0),
                kind = update_kind(&update),
                %error,
                "an update could not be handled"
            );
            (self.apology)(update).await;
        }
        self.metrics.observe_handling(started.elapsed());
    }
}

/// 1 s, 2 s, 4 s … up to [`MAX_BACKOFF`].
fn backoff(failures: u32) -> Duration {
    let exp = failures.saturating_sub(1).min(5);
    Duration::from_secs(1 << exp).min(MAX_BACKOFF)
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_owned());
    format!("panicked: {what}")
}

/// A short name of the update's kind, for logs.
pub fn update_kind(update: &Update) -> &'static str {
    match &update.kind {
        UpdateKind::Message(_) => "message",
        UpdateKind::EditedMessage(_) => "edited_message",
        UpdateKind::CallbackQuery(_) => "callback_query",
        UpdateKind::PollAnswer(_) => "poll_answer",
        UpdateKind::Poll(_) => "poll",
        UpdateKind::MyChatMember(_) => "my_chat_member",
        UpdateKind::ChatMember(_) => "chat_member",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backs_off_exponentially_to_a_ceiling() {
        let delays: Vec<u64> = (1..=8).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 30, 30, 30]);
    }
}
