//! Handling: the updates of one lane (a chat, or the polls) in order, one
//! at a time; different lanes at the same time, up to [`MAX_RUNNING`].
//!
//! Memory is bounded: at most [`PER_LANE`] updates of a lane and
//! [`MAX_LOADED`] in all are held; the others wait in the inbox, on disk,
//! and a lane reads its next ones back when it has room. A lane whose chat
//! has [`Sender::BACKLOG`](super::send::Sender::BACKLOG) messages waiting to
//! be sent takes no new update until they go: a chat that floods the bot
//! waits on its own pace, never on another's, and its flood waits on disk.
//!
//! A handler that fails is tried once more a second later; if it fails
//! again the update is given up (the user gets an apology). The dispatcher
//! itself does no I/O: what it needs from the database and the handlers
//! comes through [`Lanes`].

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use futures::future::BoxFuture;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use crate::metrics::Metrics;

/// Updates handled at once, all lanes.
pub const MAX_RUNNING: usize = 256;
/// Updates of one lane held in memory.
pub const PER_LANE: usize = 4;
/// Updates held in memory, all lanes.
pub const MAX_LOADED: usize = 2048;
/// A failed update is tried this many times in all.
const ATTEMPTS: u32 = 2;
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// An update kept in the inbox, as the handlers get it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// Its inbox id: the order of receipt.
    pub id: i64,
    pub update_id: i64,
    pub lane: i64,
    /// Unix ms, when it reached the bot.
    pub received_at: i64,
    pub payload: String,
    /// Failed attempts so far.
    pub attempts: u32,
}

impl From<crate::store::InboxRow> for Received {
    fn from(r: crate::store::InboxRow) -> Received {
        Received {
            id: r.id,
            update_id: r.update_id,
            lane: r.lane,
            received_at: r.received_at,
            payload: r.payload,
            attempts: 0,
        }
    }
}

/// What the dispatcher asks of the rest of the bot.
pub trait Lanes: Send + Sync + 'static {
    /// Handles an update: its effects and its removal from the inbox in one
    /// transaction. `Err` means nothing was committed.
    fn handle(&self, update: Received) -> BoxFuture<'static, anyhow::Result<()>>;
    /// Gives up an update that keeps failing: removes it from the inbox and
    /// apologises to its user.
    fn give_up(&self, update: Received, error: anyhow::Error) -> BoxFuture<'static, ()>;
    /// Up to `limit` updates of a lane from inbox id `from` on, from disk.
    fn read(
        &self,
        lane: i64,
        from: i64,
        limit: usize,
    ) -> BoxFuture<'static, anyhow::Result<Vec<Received>>>;
    /// How many messages to the lane's chat wait to be sent.
    fn backlog(&self, lane: i64) -> usize;
}

/// The handle of the dispatcher task.
#[derive(Clone)]
pub struct Dispatcher {
    events: mpsc::UnboundedSender<Event>,
}

enum Event {
    Received(Vec<Received>),
    /// Lanes with updates on disk (at start, or kept by another process):
    /// (lane, first id, last id).
    OnDisk(Vec<(i64, i64, i64)>),
    /// A read of a shared inbox: see [`Dispatcher::from_inbox`].
    Inbox {
        rows: Vec<Received>,
        lanes: Vec<(i64, i64, i64)>,
        after: i64,
    },
    Done {
        lane: i64,
        outcome: Result<(), (Received, anyhow::Error)>,
    },
    Read {
        lane: i64,
        rows: anyhow::Result<Vec<Received>>,
    },
    /// A failed update rested: its lane may try it again.
    Retry(i64),
    /// A lane whose read from disk brought nothing may read again.
    ReadAgain(i64),
    Unblocked(i64),
    /// Start nothing more; answer once what runs is done (or at the deadline).
    Stop(Instant, oneshot::Sender<()>),
}

/// A dispatcher made and not started: what it is told waits until then.
pub struct Pending {
    events: mpsc::UnboundedSender<Event>,
    rx: mpsc::UnboundedReceiver<Event>,
    metrics: Arc<Metrics>,
}

impl Pending {
    /// Starts handling with `lanes`.
    pub fn start(self, lanes: Arc<dyn Lanes>) {
        let task = Task {
            lanes,
            metrics: self.metrics,
            events: self.events,
            state: HashMap::new(),
            ready: VecDeque::new(),
            starved: VecDeque::new(),
            running: 0,
            loaded: 0,
            held_max: 0,
            stopping: None,
        };
        tokio::spawn(task.run(self.rx));
    }
}

impl Dispatcher {
    /// A dispatcher, and what starts it (once what it hands work to exists).
    pub fn new(metrics: Arc<Metrics>) -> (Dispatcher, Pending) {
        let (events, rx) = mpsc::unbounded_channel();
        (
            Dispatcher {
                events: events.clone(),
            },
            Pending {
                events,
                rx,
                metrics,
            },
        )
    }

    /// Updates just kept in the inbox.
    pub fn received(&self, updates: Vec<Received>) {
        if !updates.is_empty() {
            let _ = self.events.send(Event::Received(updates));
        }
    }

    /// Lanes with updates left in the inbox by an earlier run.
    pub fn on_disk(&self, lanes: Vec<(i64, i64, i64)>) {
        if !lanes.is_empty() {
            let _ = self.events.send(Event::OnDisk(lanes));
        }
    }

    /// A read of a shared inbox, which other processes fill too: `rows`,
    /// the updates with an inbox id above `after` (oldest first, perhaps
    /// not all of them), read in one statement; then `lanes`, every lane
    /// with updates waiting, read in a later one. The rows a lane can take
    /// as they are are held at once, without reading the lane again; the
    /// rest is left on disk as [`Dispatcher::on_disk`] leaves it.
    ///
    /// The inbox is kept one transaction at a time (see `store::keep`), so
    /// ids commit in their order and `rows` hold every update kept since
    /// the read that passed `after`: a lane's order rests on that. A lane
    /// takes its rows if it has held everything up to `after`, or if its
    /// first update waiting is above `after` and the rows are above every
    /// update held so far (an idle lane forgets what it held, and the
    /// rows may have been read before one of them was handled).
    pub fn from_inbox(&self, rows: Vec<Received>, lanes: Vec<(i64, i64, i64)>, after: i64) {
        if !rows.is_empty() || !lanes.is_empty() {
            let _ = self.events.send(Event::Inbox { rows, lanes, after });
        }
    }

    /// A chat's backlog of messages to send fell below the bound.
    pub fn unblocked(&self, lane: i64) {
        let _ = self.events.send(Event::Unblocked(lane));
    }

    /// Starts no new update and waits for those running (at most until
    /// `deadline`); what is not handled stays in the inbox.
    pub async fn stop(&self, deadline: Instant) {
        let (done, wait) = oneshot::channel();
        if self.events.send(Event::Stop(deadline, done)).is_ok() {
            let _ = wait.await;
        }
    }
}

#[derive(Default)]
struct Lane {
    /// Held updates, in order; the head runs when `running`.
    queue: VecDeque<Received>,
    running: bool,
    /// In `ready`.
    queued: bool,
    /// Its chat has too much to send: nothing starts until it goes.
    blocked: bool,
    /// In `starved` because the inbox was read (see `Event::OnDisk`).
    told: bool,
    /// Some of its updates are on disk only.
    on_disk: bool,
    /// A read from disk is under way.
    reading: bool,
    /// The highest inbox id ever held (so nothing is held twice).
    last_id: i64,
    /// The highest inbox id left on disk (so the lane knows when it has
    /// read everything back).
    last_on_disk: i64,
    /// `last_on_disk` when the read under way started.
    reading_upto: i64,
}

struct Task {
    lanes: Arc<dyn Lanes>,
    metrics: Arc<Metrics>,
    events: mpsc::UnboundedSender<Event>,
    state: HashMap<i64, Lane>,
    ready: VecDeque<i64>,
    /// Lanes with updates on disk, waiting for room to read them.
    starved: VecDeque<i64>,
    running: usize,
    loaded: usize,
    /// The highest inbox id ever held, by any lane (a lane forgets what it
    /// held once it is idle).
    held_max: i64,
    stopping: Option<(Instant, oneshot::Sender<()>)>,
}

impl Task {
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Event>) {
        loop {
            if let Some((deadline, _)) = &self.stopping
                && (self.running == 0 || Instant::now() >= *deadline)
            {
                break;
            }
            let event = match &self.stopping {
                Some((deadline, _)) => tokio::select! {
                    e = rx.recv() => e,
                    () = tokio::time::sleep_until(*deadline) => continue,
                },
                None => rx.recv().await,
            };
            let Some(event) = event else { break };
            match event {
                Event::Received(updates) => {
                    for u in updates {
                        self.admit(u);
                    }
                }
                Event::Inbox { rows, lanes, after } => {
                    let firsts: HashMap<i64, i64> = lanes
                        .iter()
                        .map(|&(lane, first, _)| (lane, first))
                        .collect();
                    for u in rows {
                        let seen_all = self.state.get(&u.lane).is_some_and(|l| l.last_id >= after)
                            || (u.id > self.held_max
                                && firsts.get(&u.lane).is_some_and(|&first| first > after));
                        if seen_all {
                            self.admit(u);
                        }
                    }
                    self.on_disk(lanes);
                }
                Event::OnDisk(lanes) => self.on_disk(lanes),
                Event::Done { lane, outcome } => {
                    self.running -= 1;
                    self.done(lane, outcome);
                }
                Event::Read { lane, rows } => self.read_back(lane, rows),
                Event::Retry(lane) => {
                    if let Some(l) = self.state.get_mut(&lane) {
                        l.running = false;
                        self.make_ready(lane);
                    }
                }
                Event::ReadAgain(lane) => self.starved.push_back(lane),
                Event::Unblocked(lane) => {
                    if let Some(l) = self.state.get_mut(&lane) {
                        l.blocked = false;
                        if l.queue.is_empty() && l.on_disk {
                            self.starved.push_back(lane);
                        }
                        self.make_ready(lane);
                    }
                }
                Event::Stop(deadline, done) => self.stopping = Some((deadline, done)),
            }
            self.read_starved();
            self.start();
            self.metrics
                .handling_now
                .set(crate::metrics::gauge(self.running));
        }
        if let Some((_, done)) = self.stopping.take() {
            let _ = done.send(());
        }
    }

    /// Lanes with updates on disk: (lane, first id, last id).
    fn on_disk(&mut self, lanes: Vec<(i64, i64, i64)>) {
        for (lane, first, last) in lanes {
            let l = self.state.entry(lane).or_default();
            if last <= l.last_id {
                // Nothing it does not hold or has not handled
                // (a shared inbox is read again and again).
                continue;
            }
            l.on_disk = true;
            l.last_id = l.last_id.max(first - 1);
            l.last_on_disk = l.last_on_disk.max(last);
            // Told again and again (a shared inbox), it waits
            // in `starved` once.
            if !l.told {
                l.told = true;
                self.starved.push_back(lane);
            }
        }
    }

    /// Holds an update just received, or leaves it on disk.
    fn admit(&mut self, u: Received) {
        let full = self.loaded >= MAX_LOADED;
        let l = self.state.entry(u.lane).or_default();
        if u.id <= l.last_id {
            return;
        }
        if l.on_disk || full || l.queue.len() >= PER_LANE {
            l.last_on_disk = l.last_on_disk.max(u.id);
            if !l.on_disk {
                l.on_disk = true;
                if l.queue.is_empty() && !l.running {
                    self.starved.push_back(u.lane);
                }
            }
            return;
        }
        l.last_id = u.id;
        self.held_max = self.held_max.max(u.id);
        let lane = u.lane;
        l.queue.push_back(u);
        self.loaded += 1;
        self.make_ready(lane);
    }

    fn make_ready(&mut self, lane: i64) {
        if let Some(l) = self.state.get_mut(&lane)
            && !l.running
            && !l.queued
            && !l.queue.is_empty()
        {
            l.queued = true;
            self.ready.push_back(lane);
        }
    }

    /// Starts the heads of ready lanes while there is room.
    fn start(&mut self) {
        if self.stopping.is_some() {
            return;
        }
        while self.running < MAX_RUNNING {
            let Some(lane) = self.ready.pop_front() else {
                break;
            };
            let Some(l) = self.state.get_mut(&lane) else {
                continue;
            };
            l.queued = false;
            if l.running || l.queue.is_empty() {
                continue;
            }
            if super::receive::is_chat_lane(lane)
                && self.lanes.backlog(lane) >= super::send::Sender::BACKLOG
            {
                // Blocked, it holds nothing in memory: its updates wait on
                // disk and are read back when it is unblocked.
                l.blocked = true;
                if let Some(first) = l.queue.front().map(|u| u.id) {
                    l.last_on_disk = l.last_on_disk.max(l.last_id);
                    l.last_id = first - 1;
                    l.on_disk = true;
                    self.loaded -= l.queue.len();
                    l.queue.clear();
                }
                continue;
            }
            if l.blocked {
                continue;
            }
            let Some(update) = l.queue.front().cloned() else {
                continue;
            };
            l.running = true;
            self.running += 1;
            let lanes = self.lanes.clone();
            let events = self.events.clone();
            tokio::spawn(async move {
                // A handler that panics fails like one that errs: its lane
                // goes on.
                let handled = AssertUnwindSafe(lanes.handle(update.clone()))
                    .catch_unwind()
                    .await
                    .unwrap_or_else(|panic| {
                        Err(anyhow::anyhow!(
                            "a handler panicked: {}",
                            crate::panic_message(panic.as_ref())
                        ))
                    });
                let outcome = handled.map_err(|e| (update, e));
                let _ = events.send(Event::Done { lane, outcome });
            });
        }
    }

    fn done(&mut self, lane: i64, outcome: Result<(), (Received, anyhow::Error)>) {
        let Some(l) = self.state.get_mut(&lane) else {
            return;
        };
        let (update, error) = match outcome {
            Ok(()) => {
                l.queue.pop_front();
                l.running = false;
                self.loaded -= 1;
                self.after(lane);
                return;
            }
            Err(failed) => failed,
        };
        // The update stays at the head, so the lane keeps its order while
        // it rests or is given up.
        let attempts = update.attempts + 1;
        if let Some(head) = l.queue.front_mut() {
            head.attempts = attempts;
        }
        let events = self.events.clone();
        if attempts < ATTEMPTS {
            tracing::warn!(
                update_id = update.update_id,
                lane,
                error = format!("{error:#}"),
                "an update could not be handled; trying again"
            );
            tokio::spawn(async move {
                tokio::time::sleep(RETRY_AFTER).await;
                let _ = events.send(Event::Retry(lane));
            });
            return;
        }
        self.metrics.update_errors.inc();
        tracing::error!(
            update_id = update.update_id,
            lane,
            error = format!("{error:#}"),
            "an update could not be handled; it is given up"
        );
        self.running += 1;
        let lanes = self.lanes.clone();
        tokio::spawn(async move {
            lanes.give_up(update, error).await;
            let _ = events.send(Event::Done {
                lane,
                outcome: Ok(()),
            });
        });
    }

    /// A lane went idle: read more from disk, run the next, or forget it.
    fn after(&mut self, lane: i64) {
        let Some(l) = self.state.get_mut(&lane) else {
            return;
        };
        if l.running {
            return;
        }
        if !l.queue.is_empty() {
            self.make_ready(lane);
        } else if l.on_disk {
            self.starved.push_back(lane);
        } else if !l.reading {
            self.state.remove(&lane);
        }
    }

    /// Reads back the updates of lanes waiting on disk, while there is room.
    fn read_starved(&mut self) {
        let mut turn = self.starved.len();
        while turn > 0 && self.loaded + PER_LANE <= MAX_LOADED {
            turn -= 1;
            let Some(lane) = self.starved.pop_front() else {
                break;
            };
            let Some(l) = self.state.get_mut(&lane) else {
                continue;
            };
            l.told = false;
            if l.reading || l.running || l.blocked || !l.queue.is_empty() || !l.on_disk {
                continue;
            }
            l.reading = true;
            l.reading_upto = l.last_on_disk;
            // Room is taken now, so that reads under way cannot overfill.
            self.loaded += PER_LANE;
            let from = l.last_id + 1;
            let lanes = self.lanes.clone();
            let events = self.events.clone();
            tokio::spawn(async move {
                let rows = lanes.read(lane, from, PER_LANE).await;
                let _ = events.send(Event::Read { lane, rows });
            });
        }
    }

    fn read_back(&mut self, lane: i64, rows: anyhow::Result<Vec<Received>>) {
        self.loaded -= PER_LANE;
        let Some(l) = self.state.get_mut(&lane) else {
            return;
        };
        l.reading = false;
        match rows {
            Ok(rows) => {
                let complete = rows.len() < PER_LANE;
                for r in rows {
                    if r.id > l.last_id {
                        l.last_id = r.id;
                        self.held_max = self.held_max.max(r.id);
                        l.queue.push_back(r);
                        self.loaded += 1;
                    }
                }
                // A read that took all there was, of everything announced
                // before it started: what it did not find was handled
                // (a listing read before that may have named it), and
                // nothing of the lane waits on disk.
                if complete && (l.last_id >= l.last_on_disk || l.last_on_disk <= l.reading_upto) {
                    l.last_id = l.last_id.max(l.last_on_disk);
                    l.on_disk = false;
                }
            }
            Err(e) => {
                tracing::error!(
                    lane,
                    error = format!("{e:#}"),
                    "cannot read updates back from the inbox"
                );
            }
        }
        if l.queue.is_empty() && l.on_disk {
            // Nothing came back (the read failed): try again in a moment,
            // not in a loop.
            let events = self.events.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(200)).await;
                let _ = events.send(Event::ReadAgain(lane));
            });
            return;
        }
        self.after(lane);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// Lanes over an in-memory inbox: records what it handled, in order.
    #[derive(Default)]
    struct Fake {
        disk: Mutex<Vec<Received>>,
        handled: Mutex<Vec<(i64, i64)>>,
        given_up: Mutex<Vec<i64>>,
        /// Lanes whose handler waits for this before it finishes.
        gate: tokio::sync::Notify,
        slow: Vec<i64>,
        /// Inbox ids that fail (and how: a panic for odd ids).
        failing: Vec<i64>,
        backlog: Mutex<HashMap<i64, usize>>,
        /// Reads from disk so far.
        reads: std::sync::atomic::AtomicUsize,
    }

    impl Lanes for Arc<Fake> {
        fn handle(&self, update: Received) -> BoxFuture<'static, anyhow::Result<()>> {
            let me = self.clone();
            Box::pin(async move {
                if me.slow.contains(&update.lane) {
                    me.gate.notified().await;
                }
                if me.failing.contains(&update.id) {
                    assert!(update.id % 2 == 0, "a handler that panics");
                    anyhow::bail!("a handler that fails");
                }
                me.handled
                    .lock()
                    .expect("lock")
                    .push((update.lane, update.id));
                me.disk.lock().expect("lock").retain(|u| u.id != update.id);
                Ok(())
            })
        }

        fn give_up(&self, update: Received, _: anyhow::Error) -> BoxFuture<'static, ()> {
            let me = self.clone();
            Box::pin(async move {
                me.given_up.lock().expect("lock").push(update.id);
                me.disk.lock().expect("lock").retain(|u| u.id != update.id);
            })
        }

        fn read(
            &self,
            lane: i64,
            from: i64,
            limit: usize,
        ) -> BoxFuture<'static, anyhow::Result<Vec<Received>>> {
            self.reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let rows: Vec<Received> = self
                .disk
                .lock()
                .expect("lock")
                .iter()
                .filter(|u| u.lane == lane && u.id >= from)
                .take(limit)
                .cloned()
                .collect();
            Box::pin(async move { Ok(rows) })
        }

        fn backlog(&self, lane: i64) -> usize {
            self.backlog
                .lock()
                .expect("lock")
                .get(&lane)
                .copied()
                .unwrap_or(0)
        }
    }

    fn update(id: i64, lane: i64) -> Received {
        Received {
            id,
            update_id: id,
            lane,
            received_at: 0,
            payload: String::new(),
            attempts: 0,
        }
    }

    /// Receives updates as the receiver does: kept on disk, then handed over.
    fn receive(fake: &Fake, dispatcher: &Dispatcher, updates: Vec<Received>) {
        fake.disk
            .lock()
            .expect("lock")
            .extend(updates.iter().cloned());
        dispatcher.received(updates);
    }

    async fn settle(fake: &Fake, n: usize) {
        for _ in 0..1000 {
            if fake.handled.lock().expect("lock").len() + fake.given_up.lock().expect("lock").len()
                >= n
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!(
            "not everything was handled: {:?}",
            fake.handled.lock().expect("lock")
        );
    }

    /// The inbox ids handled, in the order handled.
    fn handled_ids(fake: &Fake) -> Vec<i64> {
        fake.handled
            .lock()
            .expect("lock")
            .iter()
            .map(|(_, id)| *id)
            .collect()
    }

    fn start(fake: &Arc<Fake>) -> Dispatcher {
        let (dispatcher, pending) = Dispatcher::new(Arc::new(Metrics::new()));
        pending.start(Arc::new(fake.clone()));
        dispatcher
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_lane_holds_only_itself_and_every_lane_keeps_its_order() {
        let fake = Arc::new(Fake {
            slow: vec![1],
            ..Fake::default()
        });
        let dispatcher = start(&fake);
        let updates: Vec<Received> = (1..=40)
            .map(|id| update(id, if id % 2 == 0 { 2 } else { 1 }))
            .collect();
        receive(&fake, &dispatcher, updates);
        settle(&fake, 20).await;
        let done = fake.handled.lock().expect("lock").clone();
        assert!(
            done.iter().all(|(lane, _)| *lane == 2),
            "lane 1 waits alone: {done:?}"
        );
        for _ in 0..20 {
            fake.gate.notify_one();
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        settle(&fake, 40).await;
        let done = fake.handled.lock().expect("lock").clone();
        for lane in [1, 2] {
            let ids: Vec<i64> = done
                .iter()
                .filter(|(l, _)| *l == lane)
                .map(|(_, id)| *id)
                .collect();
            let mut sorted = ids.clone();
            sorted.sort_unstable();
            assert_eq!(ids, sorted, "lane {lane} in order");
            assert_eq!(ids.len(), 20);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_flood_waits_on_disk_and_comes_back_in_order() {
        let fake = Arc::new(Fake::default());
        let dispatcher = start(&fake);
        let n = i64::try_from(MAX_LOADED).expect("small") * 2;
        receive(
            &fake,
            &dispatcher,
            (1..=n).map(|id| update(id, 7)).collect(),
        );
        settle(&fake, usize::try_from(n).expect("small")).await;
        let ids = handled_ids(&fake);
        assert_eq!(
            ids,
            (1..=n).collect::<Vec<_>>(),
            "every update once, in order"
        );
        assert!(fake.disk.lock().expect("lock").is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn what_an_earlier_run_left_on_disk_is_handled_first_in_order() {
        let fake = Arc::new(Fake::default());
        fake.disk
            .lock()
            .expect("lock")
            .extend((1..=10).map(|id| update(id, 3)));
        let (dispatcher, pending) = Dispatcher::new(Arc::new(Metrics::new()));
        dispatcher.on_disk(vec![(3, 1, 10)]);
        pending.start(Arc::new(fake.clone()));
        receive(&fake, &dispatcher, vec![update(11, 3)]);
        settle(&fake, 11).await;
        let ids = handled_ids(&fake);
        assert_eq!(ids, (1..=11).collect::<Vec<_>>());
    }

    /// What a read of the lanes of the inbox finds: (lane, first, last).
    fn lanes_waiting(fake: &Fake) -> Vec<(i64, i64, i64)> {
        let disk = fake.disk.lock().expect("lock");
        let mut lanes: HashMap<i64, (i64, i64)> = HashMap::new();
        for u in disk.iter() {
            let e = lanes.entry(u.lane).or_insert((u.id, u.id));
            e.0 = e.0.min(u.id);
            e.1 = e.1.max(u.id);
        }
        let mut lanes: Vec<_> = lanes
            .into_iter()
            .map(|(lane, (first, last))| (lane, first, last))
            .collect();
        lanes.sort_unstable();
        lanes
    }

    /// The updates on disk above `after`, in order.
    fn rows_after(fake: &Fake, after: i64) -> Vec<Received> {
        let mut rows: Vec<Received> = fake
            .disk
            .lock()
            .expect("lock")
            .iter()
            .filter(|u| u.id > after)
            .cloned()
            .collect();
        rows.sort_by_key(|u| u.id);
        rows
    }

    /// The leader reads a shared inbox as `read_shared_inbox` does: the
    /// updates above `after`, then the lanes.
    fn read_inbox(fake: &Fake, dispatcher: &Dispatcher, after: i64) -> i64 {
        let rows = rows_after(fake, after);
        let seen = rows.last().map_or(after, |u| u.id);
        dispatcher.from_inbox(rows, lanes_waiting(fake), after);
        seen
    }

    /// Updates read with the lanes of a shared inbox are held as they come,
    /// with no read of their lane; and an update below what was read
    /// before (were commits ever out of order) is not passed over: its lane
    /// is read from disk, in order; nor is one held twice when a read made
    /// before it was handled is told after, nor its lane read in a loop.
    #[tokio::test(start_paused = true)]
    async fn a_shared_inbox_read_holds_new_updates_at_once_and_misses_none_below_what_it_read() {
        let fake = Arc::new(Fake::default());
        let dispatcher = start(&fake);
        fake.disk
            .lock()
            .expect("lock")
            .extend([update(3, 1), update(5, 2)]);
        let seen = read_inbox(&fake, &dispatcher, 0);
        settle(&fake, 2).await;
        assert_eq!(handled_ids(&fake), vec![3, 5]);
        assert_eq!(fake.reads.load(std::sync::atomic::Ordering::SeqCst), 0);
        // Lane 7's update 4 shows only now, then its 8; lane 9's 6 is new.
        fake.disk
            .lock()
            .expect("lock")
            .extend([update(4, 7), update(6, 9), update(8, 7)]);
        let seen = read_inbox(&fake, &dispatcher, seen);
        assert_eq!(seen, 8);
        settle(&fake, 5).await;
        let ids = handled_ids(&fake);
        let lane_7: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|&id| id == 4 || id == 8)
            .collect();
        assert_eq!(lane_7, vec![4, 8], "lane 7 out of order: {ids:?}");
        let mut all = ids.clone();
        all.sort_unstable();
        assert_eq!(all, vec![3, 4, 5, 6, 8]);
        // Lane 7 alone was read from disk.
        assert_eq!(fake.reads.load(std::sync::atomic::Ordering::SeqCst), 1);
        // A read taken before lane 11's update was handled and told only
        // after: nothing is held twice, and the lane is not read in a loop
        // for what is gone.
        fake.disk.lock().expect("lock").push(update(20, 11));
        let (stale_rows, stale_lanes) = (rows_after(&fake, seen), lanes_waiting(&fake));
        read_inbox(&fake, &dispatcher, seen);
        settle(&fake, 6).await;
        let reads = fake.reads.load(std::sync::atomic::Ordering::SeqCst);
        dispatcher.from_inbox(stale_rows, stale_lanes, seen);
        tokio::time::sleep(Duration::from_secs(5)).await;
        let ids = handled_ids(&fake);
        assert_eq!(ids.iter().filter(|&&id| id == 20).count(), 1, "{ids:?}");
        assert_eq!(ids.len(), 6, "{ids:?}");
        let after = fake.reads.load(std::sync::atomic::Ordering::SeqCst);
        assert!(
            after <= reads + 1,
            "{after} reads after {reads}: a read loop"
        );
    }

    /// A shared inbox (several processes keep updates; the leader reads
    /// what waits every few milliseconds): every update once, in order,
    /// and no lane read in a loop.
    #[tokio::test(start_paused = true)]
    async fn a_shared_inbox_read_over_and_over_hands_each_update_once_in_order() {
        let fake = Arc::new(Fake {
            slow: vec![5],
            ..Fake::default()
        });
        let dispatcher = start(&fake);
        // Another process keeps two updates of lane 5 every tick; the
        // reader tells the dispatcher what waits, every tick, while lane 5's
        // handler takes its time.
        for tick in 0..20 {
            fake.disk
                .lock()
                .expect("lock")
                .extend([update(tick * 2 + 1, 5), update(tick * 2 + 2, 5)]);
            for _ in 0..3 {
                dispatcher.on_disk(lanes_waiting(&fake));
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            fake.gate.notify_one();
        }
        for _ in 0..60 {
            dispatcher.on_disk(lanes_waiting(&fake));
            tokio::time::sleep(Duration::from_millis(5)).await;
            fake.gate.notify_one();
        }
        settle(&fake, 40).await;
        let ids = handled_ids(&fake);
        assert_eq!(ids, (1..=40).collect::<Vec<_>>());
        let reads = fake.reads.load(std::sync::atomic::Ordering::SeqCst);
        // No read loop: a read per few updates, not per telling.
        assert!(
            reads <= 25,
            "{reads} reads for 40 updates told of 120 times"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_update_that_fails_or_panics_is_tried_twice_then_given_up_in_its_place() {
        let fake = Arc::new(Fake {
            failing: vec![2, 3],
            ..Fake::default()
        });
        let dispatcher = start(&fake);
        receive(
            &fake,
            &dispatcher,
            (1..=4).map(|id| update(id, 5)).collect(),
        );
        settle(&fake, 4).await;
        let ids = handled_ids(&fake);
        assert_eq!(ids, [1, 4], "the others go on");
        assert_eq!(*fake.given_up.lock().expect("lock"), [2, 3]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_chat_with_messages_waiting_to_be_sent_takes_no_new_update_until_they_go() {
        let fake = Arc::new(Fake::default());
        fake.backlog
            .lock()
            .expect("lock")
            .insert(9, super::super::send::Sender::BACKLOG);
        let dispatcher = start(&fake);
        receive(&fake, &dispatcher, vec![update(1, 9), update(2, 8)]);
        settle(&fake, 1).await;
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(
            *fake.handled.lock().expect("lock"),
            [(8, 2)],
            "chat 9 waits"
        );
        fake.backlog.lock().expect("lock").insert(9, 0);
        dispatcher.unblocked(9);
        settle(&fake, 2).await;
        assert_eq!(*fake.handled.lock().expect("lock"), [(8, 2), (9, 1)]);
    }
}
