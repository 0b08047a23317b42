//! The sender: one task that posts every request of the outbox, each chat's
//! in order, within Telegram's limits, and never lets one chat's wait hold
//! another chat's message.
//!
//! Each chat has a queue and at most one request in flight (so its
//! messages keep their order); chats take turns. Before a new message goes,
//! the pacing says whether every limit allows it now: 1 a second per chat,
//! 20 a minute per group, 30 a second in all (edits are not paced: they
//! change what is there, mostly the card of a press). A chat that must wait is put aside until the moment it may go;
//! `429 retry_after` puts aside that chat only; 5xx and network errors are
//! retried with backoff. A request that Telegram refuses for good is
//! dropped with a warning ("message is not modified" counts as done, an
//! edit whose message is gone is sent as a new message).
//!
//! Every result goes to the recorder (`completions`), which deletes the
//! request from the outbox and records what was asked for (a poll's id),
//! and says so ([`Sender::recorded`]); a chat's next request goes only then.
//! So a crash between a send and its record sends that one request again,
//! and no more than one per chat.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Deserialize;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::api::{Api, ApiError};
use super::request::{Method, Request};
use crate::config::SendLimits;
use crate::metrics::Metrics;

/// At most this many requests in flight at once (all chats).
const MAX_IN_FLIGHT: usize = 256;
/// Longest pause after failures of one chat's request.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// A request that fails (5xx, the network) for this long is given up.
const GIVE_UP_AFTER: Duration = Duration::from_secs(60 * 60);

/// A request from the outbox, with its id there.
#[derive(Debug, Clone)]
pub struct Queued {
    pub id: i64,
    pub request: Request,
    /// When it was handed to the sender.
    pub queued_at: Instant,
}

/// What came of a request, for the recorder.
#[derive(Debug)]
pub struct Sent {
    pub id: i64,
    pub request: Request,
    /// `Ok(None)` when the request needed no answer or the answer changes
    /// nothing; `Err` when Telegram refused it for good.
    pub outcome: Result<Option<SentMessage>, ApiError>,
    /// Unix ms when it went out (a moment before Telegram saw it: a round
    /// opened then closes no later than its poll does).
    pub sent_at: i64,
}

/// What the bot reads back from a sent message.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SentMessage {
    pub message_id: i64,
    pub poll: Option<SentPoll>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SentPoll {
    pub id: String,
}

/// Called with a chat whose backlog fell below [`Sender::BACKLOG`].
pub type Unblocked = Arc<dyn Fn(i64) + Send + Sync>;

/// The handle of the sender task.
#[derive(Clone)]
pub struct Sender {
    events: mpsc::UnboundedSender<Event>,
    backlog: Arc<Mutex<HashMap<i64, usize>>>,
}

enum Event {
    Queue(Vec<Queued>),
    Finished {
        chat: i64,
        result: Result<Option<SentMessage>, ApiError>,
        /// Unix ms when the request went out.
        sent_at: i64,
    },
    /// The results of these chats' last requests are recorded.
    Recorded(Vec<i64>),
    /// Send what can go before the deadline, then stop.
    Drain(Instant, oneshot::Sender<()>),
}

impl Sender {
    /// Requests queued for one chat beyond which its next update waits (in
    /// the inbox, on disk) before it is handled.
    pub const BACKLOG: usize = 4;

    /// Starts the sender; results go to `completions`.
    pub fn spawn(
        api: Api,
        limits: SendLimits,
        metrics: Arc<Metrics>,
        clock: Arc<dyn crate::service::Clock>,
        completions: mpsc::UnboundedSender<Sent>,
        unblocked: Unblocked,
    ) -> Sender {
        let (events, rx) = mpsc::unbounded_channel();
        let backlog = Arc::new(Mutex::new(HashMap::new()));
        let task = Task {
            api,
            pacing: Pacing::new(limits),
            metrics,
            clock,
            completions,
            unblocked,
            events: events.clone(),
            backlog: backlog.clone(),
            chats: HashMap::new(),
            ready: VecDeque::new(),
            later: BinaryHeap::new(),
            later_seq: 0,
            in_flight: 0,
            queued: 0,
        };
        tokio::spawn(task.run(rx));
        Sender { events, backlog }
    }

    /// Hands requests (already in the outbox) to the sender.
    pub fn queue(&self, requests: Vec<Queued>) {
        if requests.is_empty() {
            return;
        }
        {
            let mut backlog = self.lock();
            for q in &requests {
                *backlog.entry(q.request.chat).or_default() += 1;
            }
        }
        let _ = self.events.send(Event::Queue(requests));
    }

    /// The results sent to the recorder for these chats are recorded: their
    /// next requests may go.
    pub fn recorded(&self, chats: Vec<i64>) {
        let _ = self.events.send(Event::Recorded(chats));
    }

    /// How many requests of a chat wait or are in flight.
    pub fn backlog(&self, chat: i64) -> usize {
        self.lock().get(&chat).copied().unwrap_or(0)
    }

    /// Sends what can go until `deadline`, then stops; what is left stays
    /// in the outbox for the next start.
    pub async fn drain(&self, deadline: Instant) {
        let (done, wait) = oneshot::channel();
        if self.events.send(Event::Drain(deadline, done)).is_ok() {
            let _ = wait.await;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, usize>> {
        self.backlog
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// One chat's requests.
#[derive(Default)]
struct ChatQueue {
    queue: VecDeque<Queued>,
    /// Its head is being sent, or the result of its last being recorded.
    busy: bool,
    /// In `ready` or `later`.
    scheduled: bool,
    /// Failures in a row of its head (for the backoff), and since when.
    failures: u32,
    failing_since: Option<Instant>,
    /// Not before this (a 429 or a backoff).
    not_before: Option<Instant>,
}

struct Task {
    api: Api,
    pacing: Pacing,
    metrics: Arc<Metrics>,
    clock: Arc<dyn crate::service::Clock>,
    completions: mpsc::UnboundedSender<Sent>,
    unblocked: Unblocked,
    events: mpsc::UnboundedSender<Event>,
    backlog: Arc<Mutex<HashMap<i64, usize>>>,
    chats: HashMap<i64, ChatQueue>,
    /// Chats whose head may go as soon as there is room in flight.
    ready: VecDeque<i64>,
    /// Chats put aside until a moment; ties in the order they were put
    /// aside (the sequence number), so that no chat always comes last.
    later: BinaryHeap<Reverse<(Instant, u64, i64)>>,
    later_seq: u64,
    in_flight: usize,
    /// Requests held, in all chats.
    queued: usize,
}

impl Task {
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Event>) {
        let mut drain: Option<(Instant, oneshot::Sender<()>)> = None;
        loop {
            // Past the drain's deadline nothing new starts (a deposed
            // leader drains with a deadline of now).
            if let Some((deadline, _)) = &drain
                && Instant::now() >= *deadline
            {
                break;
            }
            self.wake_due();
            self.launch();
            self.metrics
                .outbox_depth
                .set(crate::metrics::gauge(self.queued));
            self.metrics
                .sends_waiting_on_limits
                .set(crate::metrics::gauge(self.later.len()));
            // Draining ends when all is sent, or at the deadline: what is in
            // flight then is sent again at the next start.
            if let Some((deadline, _)) = &drain
                && ((self.queued == 0 && self.in_flight == 0) || Instant::now() >= *deadline)
            {
                break;
            }
            let next_wake = self.later.peek().map(|Reverse((at, _, _))| *at);
            let deadline = drain.as_ref().map(|(d, _)| *d);
            let wake = match (next_wake, deadline) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let event = match wake {
                Some(at) => tokio::select! {
                    e = rx.recv() => e,
                    () = tokio::time::sleep_until(at) => continue,
                },
                None => rx.recv().await,
            };
            match event {
                None => break,
                Some(Event::Queue(requests)) => {
                    for q in requests {
                        self.queued += 1;
                        let chat = q.request.chat;
                        self.chats.entry(chat).or_default().queue.push_back(q);
                        self.schedule(chat);
                    }
                }
                Some(Event::Finished {
                    chat,
                    result,
                    sent_at,
                }) => {
                    self.in_flight -= 1;
                    self.finished(chat, result, sent_at);
                }
                Some(Event::Recorded(chats)) => {
                    for chat in chats {
                        if let Some(q) = self.chats.get_mut(&chat) {
                            q.busy = false;
                            if q.queue.is_empty() {
                                self.chats.remove(&chat);
                            } else {
                                self.schedule(chat);
                            }
                        }
                    }
                }
                Some(Event::Drain(deadline, done)) => drain = Some((deadline, done)),
            }
        }
        if let Some((_, done)) = drain {
            let _ = done.send(());
        }
    }

    /// Puts a chat whose head can be tried into `ready` (or `later`).
    fn schedule(&mut self, chat: i64) {
        let Some(q) = self.chats.get_mut(&chat) else {
            return;
        };
        if q.busy || q.scheduled || q.queue.is_empty() {
            return;
        }
        q.scheduled = true;
        match q.not_before {
            Some(at) if at > Instant::now() => {
                self.later_seq += 1;
                self.later.push(Reverse((at, self.later_seq, chat)));
            }
            _ => self.ready.push_back(chat),
        }
    }

    /// Moves the chats whose moment came to `ready`.
    fn wake_due(&mut self) {
        let now = Instant::now();
        while let Some(Reverse((at, _, chat))) = self.later.peek().copied() {
            if at > now {
                break;
            }
            self.later.pop();
            self.ready.push_back(chat);
        }
    }

    /// Sends the heads of ready chats while there is room in flight and the
    /// limits allow.
    fn launch(&mut self) {
        let now = Instant::now();
        let mut turn = self.ready.len();
        while self.in_flight < MAX_IN_FLIGHT && turn > 0 {
            turn -= 1;
            let Some(chat) = self.ready.pop_front() else {
                break;
            };
            let Some(q) = self.chats.get_mut(&chat) else {
                continue;
            };
            let Some(head) = q.queue.front() else {
                q.scheduled = false;
                continue;
            };
            let method = head.request.method;
            if let Err(at) = self.pacing.check(chat, method, now) {
                self.later_seq += 1;
                self.later.push(Reverse((at, self.later_seq, chat)));
                continue;
            }
            self.pacing.record(chat, method, now);
            q.scheduled = false;
            q.busy = true;
            self.in_flight += 1;
            let request = head.request.clone();
            let api = self.api.clone();
            let events = self.events.clone();
            let sent_at = self.clock.now_ms();
            tokio::spawn(async move {
                let result = attempt(&api, &request).await;
                let _ = events.send(Event::Finished {
                    chat,
                    result,
                    sent_at,
                });
            });
        }
    }

    fn finished(&mut self, chat: i64, result: Result<Option<SentMessage>, ApiError>, sent_at: i64) {
        let Some(q) = self.chats.get_mut(&chat) else {
            return;
        };
        q.busy = false;
        let outcome = match result {
            Ok(sent) => Ok(sent),
            Err(e) if e.is_not_modified() => Ok(None),
            Err(ApiError::RetryAfter(wait)) => {
                self.metrics.too_many_requests.inc();
                tracing::info!(
                    chat,
                    seconds = wait.as_secs(),
                    "Telegram asks this chat to wait"
                );
                q.not_before = Some(Instant::now() + wait);
                self.schedule(chat);
                return;
            }
            Err(e)
                if e.is_transient()
                    && q.failing_since.is_none_or(|t| t.elapsed() < GIVE_UP_AFTER) =>
            {
                q.failures += 1;
                q.failing_since.get_or_insert_with(Instant::now);
                let wait = backoff(q.failures);
                tracing::warn!(chat, error = %e, retry_in_ms = crate::metrics::millis(wait), "a send failed; retrying");
                q.not_before = Some(Instant::now() + wait);
                self.schedule(chat);
                return;
            }
            Err(e) if e.is_edit_target_gone() => {
                // The message to edit is gone: the same text comes as a new
                // message, in its place in the queue.
                if let Some(head) = q.queue.front_mut()
                    && let Some(message) = head.request.edit_as_message()
                {
                    head.request = message;
                    self.schedule(chat);
                    return;
                }
                Err(e)
            }
            Err(e) => {
                tracing::warn!(chat, error = %e, "Telegram refused a message (or kept failing for an hour); it is dropped");
                Err(e)
            }
        };
        q.failures = 0;
        q.failing_since = None;
        q.not_before = None;
        let Some(done) = q.queue.pop_front() else {
            return;
        };
        // The chat's next request waits until this one's result is recorded.
        q.busy = true;
        self.queued -= 1;
        self.metrics.observe_sending(done.queued_at.elapsed());
        let left = {
            let mut backlog = self
                .backlog
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let n = backlog.entry(chat).or_default();
            *n = n.saturating_sub(1);
            let left = *n;
            if left == 0 {
                backlog.remove(&chat);
            }
            left
        };
        if left + 1 == Sender::BACKLOG {
            (self.unblocked)(chat);
        }
        let _ = self.completions.send(Sent {
            id: done.id,
            request: done.request,
            outcome,
            sent_at,
        });
    }
}

/// Posts a request once and reads back the message it made, if any.
async fn attempt(api: &Api, request: &Request) -> Result<Option<SentMessage>, ApiError> {
    let bytes = api
        .post(request.method.name(), request.body.clone(), Duration::ZERO)
        .await?;
    match request.method {
        Method::SendPoll | Method::SendMessage => api.result::<SentMessage>(&bytes).map(Some),
        Method::EditMessageText | Method::StopPoll => Ok(None),
    }
}

/// 0.5 s, 1 s, 2 s … up to [`MAX_BACKOFF`].
fn backoff(failures: u32) -> Duration {
    let exp = failures.saturating_sub(1).min(8);
    (Duration::from_millis(500) * (1 << exp)).min(MAX_BACKOFF)
}

/// At most `max` events in any `span`: the exact form of "20 a minute",
/// which can be asked without taking a place.
#[derive(Debug, Clone)]
pub struct Window {
    max: usize,
    span: Duration,
    times: VecDeque<Instant>,
}

impl Window {
    pub fn new(max: usize, span: Duration) -> Window {
        Window {
            max,
            span,
            times: VecDeque::new(),
        }
    }

    /// `Ok` if one more event may happen at `now`, else the moment it may.
    pub fn check(&mut self, now: Instant) -> Result<(), Instant> {
        while self
            .times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.span)
        {
            self.times.pop_front();
        }
        if self.times.len() < self.max {
            return Ok(());
        }
        // The oldest of the last `max` leaves the window at this moment.
        let oldest = self.times[self.times.len() - self.max];
        Err(oldest + self.span)
    }

    pub fn record(&mut self, now: Instant) {
        self.times.push_back(now);
        while self.times.len() > self.max {
            self.times.pop_front();
        }
    }

    /// True if and only if nothing in the window counts any more.
    fn is_idle(&self, now: Instant) -> bool {
        self.times
            .back()
            .is_none_or(|t| now.duration_since(*t) >= self.span)
    }
}

/// Telegram's limits, or none.
///
/// Why not `governor`: a request must pass three limits at once (the chat,
/// the group, the whole bot), and governor's check takes a place in each
/// limit it passes, so a request refused by the third would have used up
/// the first. A window that answers without taking is a few lines.
pub struct Pacing {
    on: bool,
    overall: Window,
    chats: HashMap<i64, Window>,
    groups: HashMap<i64, Window>,
    last_sweep: Option<Instant>,
}

/// New messages a second to one chat.
pub const PER_CHAT: usize = 1;
/// New messages a minute to one group.
pub const PER_GROUP: usize = 20;
/// New messages a second in all.
pub const OVERALL: usize = 30;

impl Pacing {
    pub fn new(limits: SendLimits) -> Pacing {
        Pacing {
            on: limits == SendLimits::Telegram,
            overall: Window::new(OVERALL, Duration::from_secs(1)),
            chats: HashMap::new(),
            groups: HashMap::new(),
            last_sweep: None,
        }
    }

    /// `Ok` if `method` may go to `chat` at `now`, else the moment it may.
    /// Only new messages are paced: an edit (the answer card of a press)
    /// changes a message already there, and a 429 for it is waited out.
    pub fn check(&mut self, chat: i64, method: Method, now: Instant) -> Result<(), Instant> {
        if !self.on || !method.is_new_message() {
            return Ok(());
        }
        let mut at: Option<Instant> = None;
        let mut wait = |r: Result<(), Instant>| {
            if let Err(t) = r {
                at = Some(at.map_or(t, |a| a.max(t)));
            }
        };
        wait(self.overall.check(now));
        if let Some(w) = self.chats.get_mut(&chat) {
            wait(w.check(now));
        }
        // Group and supergroup ids are negative.
        if chat < 0
            && let Some(w) = self.groups.get_mut(&chat)
        {
            wait(w.check(now));
        }
        at.map_or(Ok(()), Err)
    }

    /// Counts a request that goes at `now`.
    pub fn record(&mut self, chat: i64, method: Method, now: Instant) {
        if !self.on || !method.is_new_message() {
            return;
        }
        self.overall.record(now);
        self.chats
            .entry(chat)
            .or_insert_with(|| Window::new(PER_CHAT, Duration::from_secs(1)))
            .record(now);
        if chat < 0 {
            self.groups
                .entry(chat)
                .or_insert_with(|| Window::new(PER_GROUP, Duration::from_secs(60)))
                .record(now);
        }
        // Forget the chats that have been quiet for a while.
        if self
            .last_sweep
            .is_none_or(|t| now.duration_since(t) >= Duration::from_secs(60))
        {
            self.last_sweep = Some(now);
            self.chats.retain(|_, w| !w.is_idle(now));
            self.groups.retain(|_, w| !w.is_idle(now));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_window_allows_max_in_any_span_and_says_when_the_next_may_go() {
        let mut w = Window::new(20, Duration::from_secs(60));
        let start = Instant::now();
        let mut times = Vec::new();
        let mut now = start;
        while times.len() < 45 {
            match w.check(now) {
                Ok(()) => {
                    w.record(now);
                    times.push(now - start);
                }
                Err(at) => {
                    assert!(at > now, "a wait is in the future");
                    now = at;
                }
            }
        }
        for (i, t) in times.iter().enumerate() {
            let in_window = times
                .iter()
                .filter(|u| **u <= *t && *t - **u < Duration::from_secs(60))
                .count();
            assert!(
                in_window <= 20,
                "message {i}: {in_window} in the minute up to it"
            );
        }
        assert_eq!(times[19], Duration::ZERO, "the first twenty go at once");
        assert_eq!(times[20], Duration::from_secs(60));
        assert_eq!(times[44], Duration::from_secs(120));
    }

    #[tokio::test(start_paused = true)]
    async fn telegram_pacing_holds_a_chat_and_a_group_but_not_the_others() {
        let mut p = Pacing::new(SendLimits::Telegram);
        let now = Instant::now();
        assert_eq!(p.check(7, Method::SendMessage, now), Ok(()));
        p.record(7, Method::SendMessage, now);
        let at = p
            .check(7, Method::SendMessage, now)
            .expect_err("one a second");
        assert_eq!(at, now + Duration::from_secs(1));
        assert_eq!(
            p.check(7, Method::EditMessageText, now),
            Ok(()),
            "an edit is not a new message"
        );
        assert_eq!(p.check(8, Method::SendMessage, now), Ok(()), "another chat");
        // A group: one a second, and twenty a minute.
        let mut t = now;
        for _ in 0..20 {
            loop {
                match p.check(-5, Method::SendPoll, t) {
                    Ok(()) => break,
                    Err(at) => t = at,
                }
            }
            p.record(-5, Method::SendPoll, t);
        }
        assert_eq!(t, now + Duration::from_secs(19));
        let at = p
            .check(-5, Method::SendMessage, t + Duration::from_secs(1))
            .expect_err("twenty a minute");
        assert_eq!(at, now + Duration::from_secs(60));
        let mut off = Pacing::new(SendLimits::Off);
        for _ in 0..1000 {
            assert_eq!(off.check(7, Method::SendMessage, now), Ok(()));
            off.record(7, Method::SendMessage, now);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn thirty_new_messages_a_second_in_all() {
        let mut p = Pacing::new(SendLimits::Telegram);
        let now = Instant::now();
        for chat in 0..30 {
            assert_eq!(p.check(chat, Method::SendMessage, now), Ok(()));
            p.record(chat, Method::SendMessage, now);
        }
        assert_eq!(
            p.check(100, Method::SendMessage, now),
            Err(now + Duration::from_secs(1))
        );
        assert_eq!(
            p.check(100, Method::EditMessageText, now),
            Ok(()),
            "edits are not paced"
        );
    }

    #[test]
    fn backs_off_to_a_ceiling() {
        let delays: Vec<u128> = (1..=9).map(|n| backoff(n).as_millis()).collect();
        assert_eq!(
            delays,
            [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]
        );
    }
}
