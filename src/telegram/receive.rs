//! Receiving: long polling that makes every batch durable before it
//! confirms it, and never waits for handling.
//!
//! Each `getUpdates` answer is read just far enough to route it (its lane,
//! or a poll answer's fields), kept in one transaction (the inbox, the
//! votes, and the offset that confirms them), and then confirmed by the
//! next `getUpdates`, which carries the highest id + 1 and goes out at once.
//! A crash before the commit loses nothing (Telegram delivers the batch
//! again); after it, nothing either (the inbox has it). The updates are
//! handed to the dispatcher as they are kept.

use std::borrow::Cow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use serde::Deserialize;
use serde_json::value::RawValue;
use tokio_util::sync::CancellationToken;

use super::api::{Api, ApiError};
use super::dispatch::{Dispatcher, Received};
use crate::metrics::Metrics;
use crate::service::Clock;
use crate::store::{self, NewUpdate, NewVote, Pushed, Store};

/// Long-polling timeout, in seconds.
pub const POLL_SECONDS: u32 = 10;
/// Updates asked for per `getUpdates` (Telegram's maximum).
pub const BATCH: usize = 100;
/// The lane of a poll's updates: one per poll, so that the rounds of
/// different groups close side by side, far below any chat id (Telegram's
/// ids fit in 53 bits).
pub fn poll_lane(poll_id: &str) -> i64 {
    POLL_LANES - hash48(poll_id)
}

/// 48 bits of a string's hash (the same within a run, which is all a lane
/// needs).
pub fn hash48(s: &str) -> i64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    i64::try_from(h.finish() & ((1 << 48) - 1)).unwrap_or(0)
}

/// Poll lanes are at or below this.
const POLL_LANES: i64 = -(1 << 60);

/// Whether a lane is a chat's (its backlog of messages to send counts).
pub fn is_chat_lane(lane: i64) -> bool {
    lane > POLL_LANES
}
/// A kept offset older than this is not used at start: after a week
/// without updates Telegram numbers them afresh.
const OFFSET_MAX_AGE_MS: i64 = 6 * 24 * 60 * 60 * 1000;
/// The longest pause between failed polls.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// The update kinds the bot asks Telegram for.
pub const ALLOWED_UPDATES: [&str; 6] = [
    "message",
    "callback_query",
    "poll_answer",
    "poll",
    "inline_query",
    "chosen_inline_result",
];

/// What the receiver needs.
pub struct Receiver {
    pub api: Api,
    pub store: Store,
    pub dispatcher: Dispatcher,
    /// Woken when votes arrive.
    pub votes: Arc<tokio::sync::Notify>,
    pub metrics: Arc<Metrics>,
    pub clock: Arc<dyn Clock>,
    pub receiving: Arc<Receiving>,
    /// Processes share the inbox (PostgreSQL, webhook mode): what is kept
    /// is not handed to this process's dispatcher, and the one that leads
    /// reads it back from the inbox, in the inbox's order, whoever kept it.
    pub shared: Option<SharedInbox>,
}

/// Who hears what a process that shares the inbox kept.
#[derive(Debug, Clone, Default)]
pub struct SharedInbox {
    /// This process's reading of the inbox (while it leads).
    pub read: Arc<tokio::sync::Notify>,
    /// This process's announcing to the one that leads (heard while it
    /// stands by: see `Store::announce_kept`; a leader does not announce).
    pub announce: Arc<tokio::sync::Notify>,
}

/// How receiving goes, for the stages that give it way.
#[derive(Debug)]
pub struct Receiving {
    /// The last poll took everything Telegram had (fewer than a full
    /// batch): no update waits at Telegram.
    caught_up: AtomicBool,
    /// When a batch was last kept (Unix ms).
    last_kept: AtomicI64,
}

impl Default for Receiving {
    fn default() -> Self {
        Receiving {
            caught_up: AtomicBool::new(true),
            last_kept: AtomicI64::new(0),
        }
    }
}

impl Receiving {
    /// True if and only if no update waits at Telegram.
    pub fn caught_up(&self) -> bool {
        self.caught_up.load(Ordering::Relaxed)
    }

    /// True if and only if nothing was kept in the last `ms` before `now`
    /// and nothing waits at Telegram.
    pub fn quiet(&self, now: i64, ms: i64) -> bool {
        self.caught_up() && now - self.last_kept.load(Ordering::Relaxed) >= ms
    }
}

impl Receiver {
    /// Polls until `shutdown`, then confirms what it kept and returns.
    pub async fn run(self, shutdown: CancellationToken) {
        let now = self.clock.now_ms();
        let mut offset = match self.store.read(store::next_offset).await {
            Ok(Some((offset, at))) if now - at < OFFSET_MAX_AGE_MS => Some(offset),
            Ok(_) => None,
            Err(e) => {
                tracing::warn!(
                    error = format!("{e:#}"),
                    "cannot read where receiving stood"
                );
                None
            }
        };
        let mut failures = 0u32;
        let mut confirmed = offset;
        loop {
            let poll = get_updates(&self.api, offset, POLL_SECONDS, BATCH);
            let answer = tokio::select! {
                () = shutdown.cancelled() => break,
                a = poll => a,
            };
            confirmed = offset;
            let kept = match answer {
                Ok(bytes) => self.keep(&bytes).await,
                Err(e) => Err(Failure::Api(e)),
            };
            match kept {
                Ok(next) => {
                    failures = 0;
                    offset = next.or(offset);
                }
                Err(failure) => {
                    let wait = match &failure {
                        Failure::Api(ApiError::RetryAfter(wait)) => *wait,
                        _ => {
                            failures = failures.saturating_add(1);
                            backoff(failures)
                        }
                    };
                    match &failure {
                        Failure::Api(e) => {
                            tracing::warn!(error = %e, retry_in_ms = crate::metrics::millis(wait), "getUpdates failed")
                        }
                        Failure::Store(e) => tracing::error!(
                            error = format!("{e:#}"),
                            retry_in_ms = crate::metrics::millis(wait),
                            "cannot keep the updates received; Telegram keeps them until they are"
                        ),
                    }
                    tokio::select! {
                        () = shutdown.cancelled() => break,
                        () = tokio::time::sleep(wait) => {}
                    }
                }
            }
        }
        // Confirm the last batch kept, so that a restart does not see it again.
        if offset != confirmed
            && let Some(offset) = offset
        {
            match tokio::time::timeout(
                Duration::from_secs(2),
                get_updates(&self.api, Some(offset), 0, 1),
            )
            .await
            {
                Ok(Ok(_)) => tracing::info!(offset, "confirmed the updates received"),
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "could not confirm the updates received; they are kept and will not count twice")
                }
                Err(_) => tracing::warn!(
                    "confirming the updates received timed out; they are kept and will not count twice"
                ),
            }
        }
    }

    /// Keeps one `getUpdates` answer; returns the offset that confirms it.
    async fn keep(&self, bytes: &[u8]) -> Result<Option<i64>, Failure> {
        let raws: Vec<&RawValue> = self.api.result(bytes).map_err(Failure::Api)?;
        self.receiving
            .caught_up
            .store(raws.len() < BATCH, Ordering::Relaxed);
        let mut updates = Vec::new();
        let mut votes = Vec::new();
        let mut last: Option<i64> = None;
        for raw in &raws {
            let head: Head<'_> = match serde_json::from_str(raw.get()) {
                Ok(h) => h,
                Err(e) => {
                    // Skipped, but confirmed: it must not come back forever.
                    #[derive(Deserialize)]
                    struct Id {
                        update_id: i64,
                    }
                    if let Ok(Id { update_id }) = serde_json::from_str(raw.get()) {
                        last = Some(last.map_or(update_id, |l| l.max(update_id)));
                    }
                    tracing::warn!(error = %e, "an update that cannot be read was skipped");
                    continue;
                }
            };
            // Telegram sends only what is not confirmed: an id below the
            // offset means it numbered its updates afresh (after a week
            // without any), and the update is new.
            last = Some(last.map_or(head.update_id, |l| l.max(head.update_id)));
            match head.arrival() {
                Arrival::Keep(lane) => updates.push(NewUpdate {
                    update_id: head.update_id,
                    lane,
                    payload: raw.get().to_owned(),
                }),
                Arrival::Vote(vote) => votes.push(vote),
                Arrival::Skip => {}
            }
        }
        self.metrics.updates.inc_by(raws.len() as u64);
        let Some(last) = last else {
            return Ok(None);
        };
        let next = last + 1;
        if updates.is_empty() && votes.is_empty() {
            // Nothing to keep: the next poll confirms it all the same.
            return Ok(Some(next));
        }
        let now = self.clock.now_ms();
        let had_votes = !votes.is_empty();
        let updates = Arc::new(updates);
        let (ids, new_votes) = self
            .store
            .keep({
                // A job may run twice (see `Store::write`): it borrows the
                // updates and hands them back through the `Arc`.
                let updates = updates.clone();
                move |conn| store::receive(conn, &updates, &votes, next, now)
            })
            .await
            .and_then(|(ids, new_votes)| Ok((store::Later::all(&ids)?, new_votes)))
            .map_err(Failure::Store)?;
        let updates = Arc::unwrap_or_clone(updates);
        self.kept(ids, updates, had_votes.then_some(new_votes), now);
        Ok(Some(next))
    }

    /// Keeps one update Telegram posted (webhook mode); once this returns
    /// `Ok` it is durable, and a repeated delivery of it changes nothing.
    pub async fn keep_pushed(&self, body: &[u8]) -> Result<(), PushError> {
        let text = std::str::from_utf8(body).map_err(|_| PushError::Unreadable)?;
        let head: Head<'_> = serde_json::from_str(text).map_err(|_| PushError::Unreadable)?;
        self.metrics.updates.inc();
        let update_id = head.update_id;
        let (update, vote) = match head.arrival() {
            Arrival::Keep(lane) => (
                Some(NewUpdate {
                    update_id,
                    lane,
                    payload: text.to_owned(),
                }),
                None,
            ),
            Arrival::Vote(vote) => (None, Some(vote)),
            Arrival::Skip => (None, None),
        };
        let now = self.clock.now_ms();
        let arrival = Arc::new((update, vote));
        let kept = self
            .store
            .keep({
                let arrival = arrival.clone();
                move |conn| {
                    let pushed = match &*arrival {
                        (Some(update), _) => Pushed::Update(update),
                        (None, Some(vote)) => Pushed::Vote(vote),
                        (None, None) => Pushed::Neither,
                    };
                    store::receive_pushed(conn, update_id, pushed, now)
                }
            })
            .await
            .map_err(PushError::Store)?;
        let kept = *kept.get().ok_or_else(|| {
            PushError::Store(anyhow::anyhow!("a deferred query was never answered"))
        })?;
        match Arc::unwrap_or_clone(arrival) {
            (Some(update), _) => match kept {
                Some(id) => self.kept(vec![id], vec![update], None, now),
                None => tracing::debug!(update_id, "a repeated delivery: kept before"),
            },
            (None, Some(_)) => self.kept(
                Vec::new(),
                Vec::new(),
                Some(usize::from(kept.is_some())),
                now,
            ),
            (None, None) => self.kept(Vec::new(), Vec::new(), None, now),
        }
        Ok(())
    }

    /// Updates and votes are durable: the votes are counted as recorded
    /// and the counter woken (`votes`: how many were new, if any came), and
    /// the updates go to the dispatcher (or, shared, are read back from
    /// the inbox, and new ones are announced).
    fn kept(&self, ids: Vec<i64>, updates: Vec<NewUpdate>, votes: Option<usize>, now: i64) {
        self.receiving.last_kept.store(now, Ordering::Relaxed);
        if let Some(new_votes) = votes {
            // A vote kept is an answer recorded: it counts once, with the
            // time it came; scoring it is the counter's work.
            self.metrics.answers_recorded.inc_by(new_votes as u64);
            self.votes.notify_one();
        }
        if let Some(shared) = &self.shared {
            // Votes are not announced: the leader counts them at its next
            // look (every second), and a round's close counts all of its
            // poll's, wherever they were kept. Announcing each batch of a
            // burst cost the leader a read of the inbox per announcement.
            if !ids.is_empty() {
                shared.read.notify_one();
                shared.announce.notify_one();
            }
            return;
        }
        let received = ids
            .into_iter()
            .zip(updates)
            .map(|(id, u)| Received {
                id,
                update_id: u.update_id,
                lane: u.lane,
                received_at: now,
                payload: u.payload,
                attempts: 0,
            })
            .collect();
        self.dispatcher.received(received);
    }
}

/// Why an update Telegram posted was not kept.
#[derive(Debug)]
pub enum PushError {
    /// Not an update (it is not kept; Telegram never sends one).
    Unreadable,
    /// The database failed: Telegram delivers it again.
    Store(anyhow::Error),
}

enum Failure {
    Api(ApiError),
    Store(anyhow::Error),
}

/// `getUpdates` from `offset`, held up to `timeout` seconds by the server.
async fn get_updates(
    api: &Api,
    offset: Option<i64>,
    timeout: u32,
    limit: usize,
) -> Result<bytes::Bytes, ApiError> {
    #[derive(serde::Serialize)]
    struct GetUpdates {
        #[serde(skip_serializing_if = "Option::is_none")]
        offset: Option<i64>,
        timeout: u32,
        limit: usize,
        allowed_updates: [&'static str; 6],
    }
    let body = serde_json::to_string(&GetUpdates {
        offset,
        timeout,
        limit,
        allowed_updates: ALLOWED_UPDATES,
    })
    .unwrap_or_default();
    api.post("getUpdates", body, Duration::from_secs(u64::from(timeout)))
        .await
}

/// 1 s, 2 s, 4 s … up to [`MAX_BACKOFF`].
fn backoff(failures: u32) -> Duration {
    let exp = failures.saturating_sub(1).min(5);
    Duration::from_secs(1 << exp).min(MAX_BACKOFF)
}

/// As much of an update as routing needs.
#[derive(Deserialize)]
struct Head<'a> {
    update_id: i64,
    message: Option<InMessage>,
    callback_query: Option<InCallback>,
    #[serde(borrow)]
    poll_answer: Option<InVote<'a>>,
    #[serde(borrow)]
    poll: Option<InPoll<'a>>,
    inline_query: Option<InFrom>,
    chosen_inline_result: Option<InFrom>,
}

/// An inline query or a chosen result: its sender.
#[derive(Deserialize)]
struct InFrom {
    from: InChat,
}

#[derive(Deserialize)]
struct InMessage {
    chat: InChat,
}

#[derive(Deserialize)]
struct InChat {
    id: i64,
}

#[derive(Deserialize)]
struct InCallback {
    from: InChat,
    message: Option<InMessage>,
}

#[derive(Deserialize)]
struct InVote<'a> {
    #[serde(borrow)]
    poll_id: Cow<'a, str>,
    #[serde(borrow)]
    user: Option<Voter<'a>>,
    #[serde(default)]
    option_ids: Vec<i64>,
}

#[derive(Deserialize)]
struct Voter<'a> {
    id: u64,
    #[serde(borrow)]
    first_name: Cow<'a, str>,
    #[serde(borrow)]
    last_name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    username: Option<Cow<'a, str>>,
    #[serde(borrow)]
    language_code: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct InPoll<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    is_closed: bool,
}

/// What becomes of an update.
enum Arrival {
    /// Into the inbox, in this lane.
    Keep(i64),
    /// A poll answer, into the votes.
    Vote(NewVote),
    /// Nothing to do (a retracted or anonymous vote, a poll still open, a
    /// kind the bot does not handle).
    Skip,
}

impl Head<'_> {
    fn arrival(&self) -> Arrival {
        if let Some(m) = &self.message {
            return Arrival::Keep(m.chat.id);
        }
        if let Some(q) = &self.callback_query {
            return Arrival::Keep(q.message.as_ref().map_or(q.from.id, |m| m.chat.id));
        }
        // In the sender's lane: they need never have written to the bot.
        if let Some(q) = self
            .inline_query
            .as_ref()
            .or(self.chosen_inline_result.as_ref())
        {
            return Arrival::Keep(q.from.id);
        }
        if let Some(v) = &self.poll_answer {
            // Anonymous chat votes and retracted votes do not count.
            let (Some(user), Some(&choice)) = (&v.user, v.option_ids.first()) else {
                return Arrival::Skip;
            };
            return Arrival::Vote(NewVote {
                poll_id: v.poll_id.clone().into_owned(),
                user_id: i64::try_from(user.id).unwrap_or(i64::MAX),
                name: super::render::display_name_of(
                    &user.first_name,
                    user.last_name.as_deref(),
                    user.username.as_deref(),
                    user.id,
                ),
                lang: crate::i18n::Lang::from_code(user.language_code.as_deref().unwrap_or("")),
                choice,
            });
        }
        match &self.poll {
            Some(p) if p.is_closed => Arrival::Keep(poll_lane(&p.id)),
            _ => Arrival::Skip,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arrival(json: &str) -> Arrival {
        serde_json::from_str::<Head<'_>>(json)
            .expect("an update")
            .arrival()
    }

    #[test]
    fn routes_each_kind_to_its_lane() {
        let m = r#"{"update_id":1,"message":{"message_id":2,"date":0,"chat":{"id":-100,"type":"supergroup"},"text":"/quiz"}}"#;
        assert!(matches!(arrival(m), Arrival::Keep(-100)));
        let q = r#"{"update_id":2,"callback_query":{"id":"x","from":{"id":7,"is_bot":false,"first_name":"A"},"chat_instance":"c","data":"a:1:2","message":{"message_id":3,"date":0,"chat":{"id":7,"type":"private"}}}}"#;
        assert!(matches!(arrival(q), Arrival::Keep(7)));
        let inline = r#"{"update_id":3,"callback_query":{"id":"x","from":{"id":9,"is_bot":false,"first_name":"A"},"chat_instance":"c","inline_message_id":"i"}}"#;
        assert!(
            matches!(arrival(inline), Arrival::Keep(9)),
            "no message: the user's lane"
        );
        let query = r#"{"update_id":9,"inline_query":{"id":"q","from":{"id":11,"is_bot":false,"first_name":"A"},"query":"","offset":""}}"#;
        assert!(matches!(arrival(query), Arrival::Keep(11)));
        let chosen = r#"{"update_id":10,"chosen_inline_result":{"result_id":"5","from":{"id":12,"is_bot":false,"first_name":"A"},"inline_message_id":"m","query":""}}"#;
        assert!(matches!(arrival(chosen), Arrival::Keep(12)));
        assert!(
            ALLOWED_UPDATES.contains(&"inline_query")
                && ALLOWED_UPDATES.contains(&"chosen_inline_result")
        );
        let closed = r#"{"update_id":4,"poll":{"id":"p","question":"?","options":[],"total_voter_count":3,"is_closed":true,"is_anonymous":false,"type":"quiz","allows_multiple_answers":false}}"#;
        let Arrival::Keep(lane) = arrival(closed) else {
            panic!("a closed poll is kept");
        };
        assert_eq!(lane, poll_lane("p"));
        assert!(!is_chat_lane(lane) && is_chat_lane(-1_009_999_999_999) && is_chat_lane(1 << 52));
        assert_ne!(poll_lane("p"), poll_lane("q"), "polls close side by side");
        let open = closed.replace("\"is_closed\":true", "\"is_closed\":false");
        assert!(matches!(arrival(&open), Arrival::Skip));
    }

    #[test]
    fn a_poll_answer_becomes_a_vote_with_a_clean_name() {
        let v = r#"{"update_id":5,"poll_answer":{"poll_id":"poll-\"1","user":{"id":42,"is_bot":false,"first_name":"\u202eSam","last_name":"K","language_code":"en-GB"},"option_ids":[2]}}"#;
        let Arrival::Vote(vote) = arrival(v) else {
            panic!("a vote");
        };
        assert_eq!(
            vote,
            NewVote {
                poll_id: "poll-\"1".into(),
                user_id: 42,
                name: "Sam K".into(),
                lang: crate::i18n::Lang::En,
                choice: 2,
            }
        );
        let retracted = r#"{"update_id":6,"poll_answer":{"poll_id":"p","user":{"id":42,"is_bot":false,"first_name":"S"},"option_ids":[]}}"#;
        assert!(matches!(arrival(retracted), Arrival::Skip));
        let anonymous = r#"{"update_id":7,"poll_answer":{"poll_id":"p","voter_chat":{"id":-5,"type":"channel","title":"C"},"option_ids":[1]}}"#;
        assert!(matches!(arrival(anonymous), Arrival::Skip));
        let other = r#"{"update_id":8,"edited_message":{"message_id":1,"date":0,"chat":{"id":1,"type":"private"}}}"#;
        assert!(matches!(arrival(other), Arrival::Skip));
    }

    /// Where processes share the inbox, a new update is announced (once
    /// per keep: the announcer sends one for several); a repeated delivery
    /// is not, nor is a vote (counted at the leader's next look).
    #[tokio::test]
    async fn a_shared_inbox_announces_new_updates_only() {
        use futures::FutureExt;
        let dir = tempfile::tempdir().expect("a folder");
        let db = dir.path().join("announce.db");
        let store = Store::open(db.to_str().expect("UTF-8"))
            .await
            .expect("a store");
        let metrics = Arc::new(Metrics::new());
        let (dispatcher, _dispatch) = Dispatcher::new(metrics.clone());
        let shared = SharedInbox::default();
        let config = crate::config::BotConfig {
            token: crate::config::Secret::new("1:test"),
            api_url: Some("http://127.0.0.1:9".parse().expect("a URL")),
            round_seconds: 30,
            send_limits: crate::config::SendLimits::Off,
            metrics_addr: None,
            webhook: None,
        };
        let receiver = Receiver {
            api: Api::new(&config).expect("an API"),
            store: store.clone(),
            dispatcher,
            votes: Arc::default(),
            metrics,
            clock: Arc::new(crate::service::SystemClock),
            receiving: Arc::default(),
            shared: Some(shared.clone()),
        };
        let announced = || shared.announce.notified().now_or_never().is_some();
        let read = || shared.read.notified().now_or_never().is_some();
        let update = r#"{"update_id":1,"message":{"message_id":2,"date":0,"chat":{"id":7,"type":"private"},"from":{"id":7,"is_bot":false,"first_name":"A"},"text":"/start"}}"#;
        receiver.keep_pushed(update.as_bytes()).await.expect("kept");
        assert!(announced(), "a new update");
        assert!(read(), "read back by this process, should it lead");
        receiver.keep_pushed(update.as_bytes()).await.expect("kept");
        assert!(!announced(), "a repeated delivery");
        let vote = r#"{"update_id":2,"poll_answer":{"poll_id":"p","user":{"id":42,"is_bot":false,"first_name":"V"},"option_ids":[0]}}"#;
        receiver.keep_pushed(vote.as_bytes()).await.expect("kept");
        assert!(!announced(), "a vote");
        assert!(!read(), "a vote is counted, not read from the inbox");
        let kept: i64 = store
            .read(|conn| Ok(conn.query_row("SELECT COUNT(*) FROM votes", (), |r| r.get(0))?))
            .await
            .expect("votes");
        assert_eq!(kept, 1, "kept all the same");
        store.close().await;
    }
}
