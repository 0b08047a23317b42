//! The Telegram adapter, in three stages that never wait on each other:
//!
//! ```text
//! getUpdates ─► inbox (durable) ─► handlers (per lane in order) ─► outbox ─► sender
//!   receive.rs                      dispatch.rs, private.rs, group.rs        send.rs
//! ```
//!
//! A handler parses an update, runs its use case and renders the view into
//! requests, and commits all of it in one transaction with the update's
//! removal from the inbox ([`App::commit`]); only then do the requests go
//! to the sender, and the button press gets its answer. Nothing a handler
//! does waits on a paced send.

pub mod api;
pub mod callback;
pub mod commands;
pub mod dispatch;
pub mod group;
mod inline;
mod private;
pub mod receive;
pub mod render;
pub mod request;
pub mod send;
pub mod webhook;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::store::Connection;
use futures::future::BoxFuture;
use teloxide::types::{Update, UpdateKind};
use tokio::sync::{Notify, mpsc};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

pub use commands::Command;

use self::api::Api;
use self::dispatch::{Dispatcher, Lanes, Received};
use self::request::{Purpose, Request};
use self::send::{Queued, Sender, Sent};
use crate::config::BotConfig;
use crate::i18n::Lang;
use crate::metrics::Metrics;
use crate::service::{Identity, Origin, Service};
use crate::store;

/// A press answered later than this after it reached the bot is past
/// Telegram's deadline (about 15 s from the press): it is not answered, so
/// that no request is refused.
pub const CALLBACK_DEADLINE_MS: i64 = 10_000;
/// How long Telegram may keep an inline query's results for the same
/// query (each asks anew for claims drawn afresh after).
const INLINE_CACHE_SECONDS: u32 = 30;
/// How often the inline messages whose counts changed are looked at.
const CLAIM_CARD_TICK: Duration = Duration::from_secs(1);
/// A solo quiz with nothing shown for a day is stopped at start.
const IDLE_SOLO_MS: i64 = 24 * 60 * 60 * 1000;
/// How long after its time a round closes if Telegram never says its poll
/// closed (and no update is waiting at Telegram).
const ROUND_GRACE: Duration = Duration::from_secs(5);
/// Shutdown: what runs gets this long to finish.
const SHUTDOWN: Duration = Duration::from_secs(3);
/// Votes scored per transaction: a few milliseconds of the writer.
const VOTE_BATCH: usize = 500;
/// Votes are scored once nothing was received for this long (ms).
const QUIET_MS: i64 = 50;

/// What the handlers share.
pub struct App {
    pub api: Api,
    pub service: Service,
    pub metrics: Arc<Metrics>,
    pub round_seconds: u32,
    /// The bot's username, for commands addressed to it (`/quiz@name`).
    pub username: String,
    pub sender: Sender,
    /// Woken when votes may be countable.
    pub votes: Arc<Notify>,
    /// How receiving goes: scoring gives it way.
    pub receiving: Arc<receive::Receiving>,
}

impl App {
    /// Who a Telegram user is, as the service knows players.
    pub fn identity(user: &teloxide::types::User) -> Identity {
        Identity {
            origin: Origin::Telegram,
            external_id: user.id.0.to_string(),
            name: render::display_name(user),
            lang: Lang::from_code(user.language_code.as_deref().unwrap_or("")),
        }
    }

    /// Handles `update` in one transaction: `f` runs the use case and
    /// returns its value and the requests to send; the requests are queued
    /// in the outbox and the update leaves the inbox in the same commit.
    /// Once committed, the requests go to the sender. `None` (and `f` is not
    /// run) if the update had left the inbox already: handled before, by a
    /// try that failed only after its commit.
    pub async fn commit<T, F>(&self, update: &Received, mut f: F) -> anyhow::Result<Option<T>>
    where
        F: FnMut(&Connection, i64) -> anyhow::Result<(T, Vec<Request>)> + Send + 'static,
        T: Send + 'static,
    {
        self.commit_read_ahead(update, |_| Ok(()), move |conn, now, ()| f(conn, now))
            .await
    }

    /// [`App::commit`], `read` first, perhaps ahead of the other jobs of
    /// the writer's batch (see [`store::Store::write_read_ahead`]).
    pub async fn commit_read_ahead<R, P, T, F>(
        &self,
        update: &Received,
        read: R,
        mut f: F,
    ) -> anyhow::Result<Option<T>>
    where
        R: FnMut(&Connection) -> anyhow::Result<P> + Send + 'static,
        P: Send + 'static,
        F: FnMut(&Connection, i64, P) -> anyhow::Result<(T, Vec<Request>)> + Send + 'static,
        T: Send + 'static,
    {
        let inbox_id = update.id;
        let value = match self
            .apply_read_ahead(read, move |conn, now, read| {
                store::handled(conn, inbox_id)?;
                f(conn, now, read)
            })
            .await
        {
            Ok(value) => Some(value),
            Err(e) if store::handled_before(&e) => None,
            Err(e) => return Err(e),
        };
        let waited = self.service.now_ms() - update.received_at;
        self.metrics
            .observe_handling(Duration::from_millis(u64::try_from(waited).unwrap_or(0)));
        Ok(value)
    }

    /// Handles a button press like [`App::commit`]; `f` returns the short
    /// notice for the press and whether an answer was recorded. Once
    /// committed, the press is answered with the notice.
    pub async fn commit_press<F>(
        &self,
        update: &Received,
        query_id: &teloxide::types::CallbackQueryId,
        mut f: F,
    ) -> anyhow::Result<()>
    where
        F: FnMut(&Connection, i64) -> anyhow::Result<((String, bool), Vec<Request>)>
            + Send
            + 'static,
    {
        self.commit_press_read_ahead(
            update,
            query_id,
            |_| Ok(()),
            move |conn, now, ()| f(conn, now),
        )
        .await
    }

    /// [`App::commit_press`], `read` first, perhaps ahead of the other jobs
    /// of the writer's batch (see [`store::Store::write_read_ahead`]).
    pub async fn commit_press_read_ahead<R, P, F>(
        &self,
        update: &Received,
        query_id: &teloxide::types::CallbackQueryId,
        read: R,
        f: F,
    ) -> anyhow::Result<()>
    where
        R: FnMut(&Connection) -> anyhow::Result<P> + Send + 'static,
        P: Send + 'static,
        F: FnMut(&Connection, i64, P) -> anyhow::Result<((String, bool), Vec<Request>)>
            + Send
            + 'static,
    {
        let Some((notice, recorded)) = self.commit_read_ahead(update, read, f).await? else {
            return Ok(());
        };
        if recorded {
            self.metrics.answers_recorded.inc();
        }
        self.answer_press(query_id, update.received_at, &notice, false)
            .await;
        Ok(())
    }

    /// An update that needs nothing leaves the inbox.
    pub async fn done(&self, update: &Received) -> anyhow::Result<()> {
        self.commit(update, |_, _| Ok(((), Vec::new())))
            .await
            .map(drop)
    }

    /// Runs `f` in one transaction with the requests it returns queued in
    /// the outbox; once committed, they go to the sender.
    pub async fn apply<T, F>(&self, mut f: F) -> anyhow::Result<T>
    where
        F: FnMut(&Connection, i64) -> anyhow::Result<(T, Vec<Request>)> + Send + 'static,
        T: Send + 'static,
    {
        self.apply_read_ahead(|_| Ok(()), move |conn, now, ()| f(conn, now))
            .await
    }

    /// [`App::apply`], `read` first, perhaps ahead of the other jobs of the
    /// writer's batch (see [`store::Store::write_read_ahead`]).
    async fn apply_read_ahead<R, P, T, F>(&self, read: R, mut f: F) -> anyhow::Result<T>
    where
        R: FnMut(&Connection) -> anyhow::Result<P> + Send + 'static,
        P: Send + 'static,
        F: FnMut(&Connection, i64, P) -> anyhow::Result<(T, Vec<Request>)> + Send + 'static,
        T: Send + 'static,
    {
        let clock = self.service.clock();
        let (value, queued) = self
            .service
            .store()
            .write_read_ahead(read, move |conn, read| {
                let now = clock.now_ms();
                let (value, requests) = f(conn, now, read)?;
                let mut queued = Vec::with_capacity(requests.len());
                for request in requests {
                    queued.push((store::push_request(conn, &request.stored(), now)?, request));
                }
                Ok((value, queued))
            })
            .await?;
        // Committed, so the outbox answered with every id.
        let (ids, requests): (Vec<_>, Vec<_>) = queued.into_iter().unzip();
        self.hand_over(store::Later::all(&ids)?.into_iter().zip(requests).collect());
        Ok(value)
    }

    /// Hands requests kept in the outbox to the sender.
    fn hand_over(&self, queued: Vec<(i64, Request)>) {
        let now = Instant::now();
        self.sender.queue(
            queued
                .into_iter()
                .map(|(id, request)| Queued {
                    id,
                    request,
                    queued_at: now,
                })
                .collect(),
        );
    }

    /// Handles an update from the inbox.
    async fn handle(self: &Arc<Self>, update: Received) -> anyhow::Result<()> {
        let parsed: Update = match serde_json::from_str(&update.payload) {
            Ok(u) => u,
            Err(e) => {
                tracing::warn!(update_id = update.update_id, error = %e, "an update that cannot be read is skipped");
                return self.done(&update).await;
            }
        };
        match parsed.kind {
            UpdateKind::Message(m) if m.chat.is_private() => {
                private::on_message(self, &update, m).await
            }
            UpdateKind::Message(m) if m.chat.is_group() || m.chat.is_supergroup() => {
                group::on_message(self, &update, m).await
            }
            UpdateKind::CallbackQuery(q) => private::on_press(self, &update, q).await,
            UpdateKind::Poll(p) => group::on_poll(self, &update, p).await,
            UpdateKind::InlineQuery(q) => inline::on_query(self, &update, q).await,
            UpdateKind::ChosenInlineResult(r) => inline::on_chosen(self, &update, r).await,
            _ => self.done(&update).await,
        }
    }

    /// Answers a button press with a short notice, unless it is past
    /// Telegram's deadline. A refusal is logged, never passed on: the press
    /// was handled.
    async fn answer_press(
        &self,
        query_id: &teloxide::types::CallbackQueryId,
        received_at: i64,
        text: &str,
        alert: bool,
    ) {
        use teloxide::payloads::AnswerCallbackQuerySetters;
        let mut payload = teloxide::payloads::AnswerCallbackQuery::new(query_id.clone())
            .text(render::cut(text, render::MAX_CALLBACK_TEXT));
        if alert {
            payload = payload.show_alert(true);
        }
        self.answer_in_time("answerCallbackQuery", &payload, received_at)
            .await;
    }

    /// Answers an inline query with its results, unless it is past the
    /// deadline; like a press's answer, a refusal is only logged.
    async fn answer_inline(
        &self,
        query_id: &teloxide::types::InlineQueryId,
        received_at: i64,
        results: Vec<teloxide::types::InlineQueryResult>,
    ) {
        use teloxide::payloads::AnswerInlineQuerySetters;
        let payload = teloxide::payloads::AnswerInlineQuery::new(query_id.clone(), results)
            .cache_time(INLINE_CACHE_SECONDS);
        self.answer_in_time("answerInlineQuery", &payload, received_at)
            .await;
    }

    /// Posts the answer to a query (a press, an inline query) once, or
    /// twice after a passing failure, while Telegram's deadline allows.
    async fn answer_in_time(
        &self,
        method: &str,
        payload: &impl serde::Serialize,
        received_at: i64,
    ) {
        let age = self.service.now_ms() - received_at;
        if age > CALLBACK_DEADLINE_MS {
            tracing::debug!(
                age_ms = age,
                method,
                "a query past the deadline is not answered"
            );
            return;
        }
        for attempt in 0..2 {
            match self.api.call::<bool>(method, payload).await {
                Ok(_) => return,
                Err(e) if e.is_query_too_old() => {
                    tracing::debug!(method, "Telegram says the query is too old to answer");
                    return;
                }
                Err(e) if e.is_transient() && attempt == 0 => {
                    let wait = match &e {
                        api::ApiError::RetryAfter(w) => *w,
                        _ => Duration::from_millis(200),
                    };
                    let age = self.service.now_ms() - received_at;
                    if age + i64::try_from(wait.as_millis()).unwrap_or(i64::MAX)
                        > CALLBACK_DEADLINE_MS
                    {
                        return;
                    }
                    tokio::time::sleep(wait).await;
                }
                Err(e) => {
                    tracing::warn!(error = %e, method, "a query could not be answered");
                    return;
                }
            }
        }
    }

    /// An update that keeps failing: it leaves the inbox and its user gets
    /// an apology (the press's answer, and a message).
    async fn give_up(self: &Arc<Self>, update: Received) {
        let parsed: Option<Update> = serde_json::from_str(&update.payload).ok();
        let user = parsed.as_ref().and_then(Update::from);
        let lang = Lang::from_code(user.and_then(|u| u.language_code.as_deref()).unwrap_or(""));
        let text = lang.apology();
        let chat = parsed
            .as_ref()
            .and_then(|u| u.chat())
            .map(|c| (c.id.0, !c.is_private()));
        let gone = self
            .commit(&update, move |conn, _| {
                // A group hears it in the group's language.
                let apology = match chat {
                    Some((id, true)) => crate::service::chat_lang(conn, id)?.apology(),
                    _ => text,
                };
                let request = chat.map(|(id, _)| Request::message(id, apology.to_owned(), None));
                Ok(((), request.into_iter().collect()))
            })
            .await;
        match gone {
            // Its effects had committed (a try failed after): no apology.
            Ok(None) => {}
            Ok(Some(())) => {
                if let Some(UpdateKind::CallbackQuery(q)) = parsed.as_ref().map(|u| &u.kind) {
                    self.answer_press(&q.id, update.received_at, text, false)
                        .await;
                }
            }
            Err(e) => tracing::error!(
                error = format!("{e:#}"),
                "cannot give up an update; it stays in the inbox"
            ),
        }
    }

    /// Scores the votes waiting (of one poll, or all whose poll is known),
    /// a batch per transaction so that no other job waits long behind one,
    /// until none is left.
    pub async fn score_votes(&self, poll: Option<String>) {
        loop {
            let poll = poll.clone();
            let scored = self
                .apply(move |conn, now| {
                    let c =
                        crate::service::group::count_votes(conn, now, poll.as_deref(), VOTE_BATCH)?;
                    Ok((c, Vec::new()))
                })
                .await;
            match scored {
                Ok(c) if c.taken < VOTE_BATCH => return,
                Ok(_) => tokio::task::yield_now().await,
                Err(e) => {
                    tracing::error!(
                        error = format!("{e:#}"),
                        "cannot score the votes; trying again soon"
                    );
                    return;
                }
            }
        }
    }

    /// Scores votes when receiving is quiet, or a second later at the
    /// latest: a flood of votes is kept first (each is recorded once kept)
    /// and scored after; a round's close scores its own before it closes.
    async fn score_when_quiet(&self) {
        let latest = Instant::now() + Duration::from_secs(1);
        while !self.receiving.quiet(self.service.now_ms(), QUIET_MS) && Instant::now() < latest {
            tokio::time::sleep(Duration::from_millis(QUIET_MS as u64)).await;
        }
        self.score_votes(None).await;
    }

    /// Starts the groups' daily quizzes that are due (a read first: most
    /// ticks write nothing).
    async fn start_scheduled(self: &Arc<Self>) {
        let app = self.clone();
        let due = self
            .service
            .store()
            .read({
                let clock = self.service.clock();
                move |conn| app.service.schedules_due(conn, clock.now_ms())
            })
            .await;
        match due {
            Ok(false) => return,
            Ok(true) => {}
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "cannot read the schedules");
                return;
            }
        }
        let app = self.clone();
        let (round_seconds, bot) = (self.round_seconds, self.username.clone());
        let started = self
            .apply(move |conn, now| {
                let started = app.service.run_schedules(conn, now, round_seconds)?;
                let requests = started
                    .iter()
                    .flat_map(|(chat, reply)| render::group_reply(*chat, reply, &bot))
                    .collect();
                Ok((started.len(), requests))
            })
            .await;
        match started {
            Ok(0) => {}
            Ok(n) => tracing::info!(quizzes = n, "started the daily quizzes due"),
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "cannot start the daily quizzes"),
        }
    }

    /// Edits the inline messages whose counts changed, each at most once
    /// every few seconds however often it is pressed (a read first: most
    /// ticks write nothing).
    async fn edit_claim_cards(self: &Arc<Self>) {
        let app = self.clone();
        let clock = self.service.clock();
        let due = self
            .service
            .store()
            .read(move |conn| app.service.claim_cards_due(conn, clock.now_ms()))
            .await;
        match due {
            Ok(false) => return,
            Ok(true) => {}
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "cannot read the inline messages");
                return;
            }
        }
        let app = self.clone();
        let edited = self
            .apply(move |conn, now| {
                let cards = app.service.take_claim_cards(conn, now)?;
                Ok((
                    cards.len(),
                    cards.iter().map(render::claim_card_edit).collect(),
                ))
            })
            .await;
        if let Err(e) = edited {
            tracing::warn!(error = %format!("{e:#}"), "cannot edit the inline messages");
        }
    }

    /// Forgets the ids of updates posted longer ago than Telegram could
    /// post them again (webhook mode).
    async fn prune_pushed(&self) {
        let pruned = self
            .apply(|conn, now| Ok((store::prune_pushed(conn, now)?, Vec::new())))
            .await;
        if let Err(e) = pruned {
            tracing::warn!(error = %format!("{e:#}"), "cannot prune the updates remembered");
        }
    }

    /// Records what the sender did: sent requests leave the outbox, and a
    /// round whose poll went out opens (its votes may now count and its
    /// timer starts). A round whose poll Telegram refused ends its quiz.
    async fn record(self: &Arc<Self>, sent: Vec<Sent>) {
        let chats: Vec<i64> = sent.iter().map(|s| s.request.chat).collect();
        let recorded = self
            .apply(move |conn, now| {
                let mut opened = Vec::new();
                let mut requests = Vec::new();
                let done: Vec<i64> = sent.iter().map(|s| s.id).collect();
                store::requests_done(conn, &done)?;
                for s in &sent {
                    let Purpose::RoundPoll { served_id } = s.request.purpose else {
                        continue;
                    };
                    match &s.outcome {
                        Ok(Some(message)) => {
                            let Some(poll) = &message.poll else { continue };
                            if let Some(closes_at) = crate::service::group::open_round(
                                conn,
                                served_id,
                                message.message_id,
                                &poll.id,
                                s.sent_at,
                            )? {
                                opened.push((served_id, closes_at));
                            }
                        }
                        Ok(None) => {}
                        Err(_) => {
                            if let Some(podium) =
                                crate::service::group::abandon(conn, now, served_id)?
                            {
                                requests.push(render::quiz_failed(s.request.chat, &podium));
                            }
                        }
                    }
                }
                Ok((opened, requests))
            })
            .await;
        match recorded {
            Ok(opened) => {
                if !opened.is_empty() {
                    self.votes.notify_one();
                }
                for (served_id, closes_at) in opened {
                    group::close_later(self, served_id, closes_at);
                }
            }
            Err(e) => tracing::error!(
                error = format!("{e:#}"),
                "cannot record what was sent; it will be sent again at the next start"
            ),
        }
        // Recorded or not, the chats go on.
        self.sender.recorded(chats);
    }
}

/// The dispatcher's view of the app.
struct AppLanes(Arc<App>);

impl Lanes for AppLanes {
    fn handle(&self, update: Received) -> BoxFuture<'static, anyhow::Result<()>> {
        let app = self.0.clone();
        Box::pin(async move { app.handle(update).await })
    }

    fn give_up(&self, update: Received, _error: anyhow::Error) -> BoxFuture<'static, ()> {
        let app = self.0.clone();
        Box::pin(async move { app.give_up(update).await })
    }

    fn read(
        &self,
        lane: i64,
        from: i64,
        limit: usize,
    ) -> BoxFuture<'static, anyhow::Result<Vec<Received>>> {
        let store = self.0.service.store().clone();
        Box::pin(async move {
            let rows = store
                .read(move |conn| store::lane(conn, lane, from, limit))
                .await?;
            Ok(rows.into_iter().map(Received::from).collect())
        })
    }

    fn backlog(&self, lane: i64) -> usize {
        self.0.sender.backlog(lane)
    }
}

/// Runs the bot until `shutdown` is cancelled: takes the bot's identity,
/// registers the command menus, serves metrics if asked, picks up what an
/// earlier run left (the inbox, the outbox, open rounds), then receives
/// (by long polling, or on the webhook it sets), handles and sends. On
/// shutdown it stops receiving, gives what runs a moment to finish, and
/// leaves the rest in the database.
pub async fn run(
    config: BotConfig,
    service: Service,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let api = Api::new(&config)?;
    let metrics = Arc::new(Metrics::new());
    let metrics_server = match &config.metrics_addr {
        Some(addr) => {
            let stop = shutdown.clone();
            let store = service.store().clone();
            Some(
                crate::metrics::serve(addr, metrics.clone(), Some(store), async move {
                    stop.cancelled().await
                })
                .await?,
            )
        }
        None => None,
    };
    let Some(username) = get_me(&api, &shutdown).await? else {
        tracing::info!("stopped before the Bot API answered");
        service.store().close().await;
        return Ok(());
    };
    tracing::info!(username = %username, server = api.server(), "bot identity taken");
    register_commands(&api).await;
    if config.webhook.is_none() {
        // Long polling and a webhook exclude each other.
        delete_webhook(&api).await;
    }

    let (completions, mut sent) = mpsc::unbounded_channel();
    let (dispatcher, dispatch) = Dispatcher::new(metrics.clone());
    let store = service.store().clone();
    let receiving: Arc<receive::Receiving> = Arc::default();
    let votes = Arc::new(Notify::new());
    // Processes on one PostgreSQL database in webhook mode all receive;
    // those that stand by announce what they keep, and the one that leads
    // handles, and reads what any of them kept. A polling leader receives
    // alone and hands what it keeps to its dispatcher at once, but reads
    // the inbox too, now and then: updates a former leader kept in the
    // moment before it learnt it had lost the lead are in it.
    let shared_inbox = store.is_shared().then(|| Arc::new(Notify::new()));
    let webhook = config.webhook.is_some();
    let receiver = receive::Receiver {
        api: api.clone(),
        store: store.clone(),
        dispatcher: dispatcher.clone(),
        votes: votes.clone(),
        metrics: metrics.clone(),
        clock: service.clock(),
        receiving: receiving.clone(),
        shared: shared_inbox
            .clone()
            .filter(|_| webhook)
            .map(|read| receive::SharedInbox {
                read,
                announce: Arc::default(),
            }),
    };
    let announce = receiver
        .shared
        .as_ref()
        .map(|shared| shared.announce.clone());
    let (receiving_task, receiver) = match &config.webhook {
        Some(hook) => {
            // Listening first: Telegram may post as soon as it is set.
            let server = webhook::serve(hook, receiver, shutdown.clone()).await?;
            if let Err(e) = webhook::set(&api, hook).await {
                server.abort();
                return Err(e);
            }
            (Some(server), None)
        }
        None => (None, Some(receiver)),
    };
    // While it stands by, what it keeps is announced to the leader.
    let announcer = announce.map(|announce| {
        let (store, stop) = (store.clone(), shutdown.clone());
        tokio::spawn(async move { store.announce_kept(&announce, &stop).await })
    });
    if !store.lead(&shutdown).await? {
        tracing::info!("stopped while standing by");
        if let Some(server) = receiving_task {
            let _ = tokio::time::timeout(SHUTDOWN, server).await;
        }
        if let Some(server) = metrics_server {
            let _ = tokio::time::timeout(Duration::from_millis(200), server).await;
        }
        store.close().await;
        return Ok(());
    }
    metrics.leading.set(1);
    // Leading, it reads what it keeps itself.
    if let Some(announcer) = announcer {
        announcer.abort();
    }
    if store.is_shared() {
        tracing::info!("leading: handling and sending for the bot");
    }
    let deposed = {
        let store = store.clone();
        let stop = shutdown.clone();
        tokio::spawn(async move {
            store.deposed().await;
            tracing::error!("another instance took the lead: stopping");
            stop.cancel();
        })
    };
    let sender = {
        let dispatcher = dispatcher.clone();
        Sender::spawn(
            api.clone(),
            config.send_limits,
            metrics.clone(),
            service.clock(),
            completions,
            Arc::new(move |chat| dispatcher.unblocked(chat)),
        )
    };
    let app = Arc::new(App {
        api: api.clone(),
        service,
        metrics: metrics.clone(),
        round_seconds: config.round_seconds,
        username,
        sender,
        votes,
        receiving,
    });
    let recorder = {
        let app = app.clone();
        tokio::spawn(async move {
            while let Some(first) = sent.recv().await {
                let mut batch = vec![first];
                while let Ok(more) = sent.try_recv() {
                    batch.push(more);
                }
                app.record(batch).await;
            }
        })
    };
    let counter = {
        let app = app.clone();
        let stop = shutdown.clone();
        tokio::spawn(async move {
            let mut sweep = tokio::time::interval(Duration::from_secs(60));
            loop {
                tokio::select! {
                    () = stop.cancelled() => return,
                    () = app.votes.notified() => app.score_when_quiet().await,
                    _ = sweep.tick() => {
                        app.score_votes(None).await;
                        group::drop_stray_votes(&app).await;
                        app.prune_pushed().await;
                    }
                }
            }
        })
    };

    let scheduler = {
        let app = app.clone();
        let stop = shutdown.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(SCHEDULE_TICK);
            loop {
                tokio::select! {
                    () = stop.cancelled() => return,
                    _ = tick.tick() => app.start_scheduled().await,
                }
            }
        })
    };

    let claim_cards = {
        let app = app.clone();
        let stop = shutdown.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(CLAIM_CARD_TICK);
            loop {
                tokio::select! {
                    () = stop.cancelled() => return,
                    _ = tick.tick() => app.edit_claim_cards().await,
                }
            }
        })
    };

    pick_up(&app, &dispatcher).await?;
    dispatch.start(Arc::new(AppLanes(app.clone())));
    let listening = Arc::new(AtomicBool::new(false));
    let listener = shared_inbox.as_ref().filter(|_| webhook).map(|inbox| {
        let (store, inbox, listening, stop) = (
            app.service.store().clone(),
            inbox.clone(),
            listening.clone(),
            shutdown.clone(),
        );
        tokio::spawn(async move { store.listen_for_kept(&inbox, &listening, &stop).await })
    });
    let inbox_reader = shared_inbox.map(|inbox| {
        tokio::spawn(read_shared_inbox(
            app.clone(),
            dispatcher.clone(),
            inbox,
            if webhook {
                SHARED_INBOX_TICK
            } else {
                POLLING_INBOX_TICK
            },
            listening,
            shutdown.clone(),
        ))
    });
    let receiving = match receiver {
        Some(receiver) => tokio::spawn(receiver.run(shutdown.clone())),
        None => receiving_task.unwrap_or_else(|| tokio::spawn(async {})),
    };
    shutdown.cancelled().await;

    // Everything below fits in SHUTDOWN and a second: receiving confirms
    // what it kept while handling and sending finish what they can.
    tracing::info!("stopping: finishing what is in hand");
    let deadline = Instant::now() + SHUTDOWN;
    // Deposed, it sends nothing more: what it holds is the new leader's to
    // send (from the outbox), and sending it here would send it twice.
    let sending_until = if app.service.store().is_deposed() {
        Instant::now()
    } else {
        deadline
    };
    let (_, _, _) = tokio::join!(
        tokio::time::timeout_at(deadline, receiving),
        dispatcher.stop(deadline),
        app.sender.drain(sending_until),
    );
    counter.abort();
    scheduler.abort();
    claim_cards.abort();
    deposed.abort();
    if let Some(reader) = inbox_reader {
        reader.abort();
    }
    if let Some(listener) = listener {
        listener.abort();
    }
    // The recorder ends once the sender is gone and it has recorded the last.
    let _ = tokio::time::timeout(Duration::from_millis(500), recorder).await;
    if let Some(server) = metrics_server {
        let _ = tokio::time::timeout(Duration::from_millis(200), server).await;
    }
    let deposed = app.service.store().is_deposed();
    app.service.store().close().await;
    if deposed {
        // Not a clean stop: a supervisor starts it again, to stand by.
        anyhow::bail!(
            "another instance took the lead while this one's database connection was down"
        );
    }
    Ok(())
}

/// Telegram's deep link to the bot with a payload: `?start=` opens a
/// private chat that sends `/start <payload>`, `?startgroup=` adds the bot
/// to a group that then sends it.
pub fn deep_link(bot: &str, payload: &str, group: bool) -> String {
    let key = if group { "startgroup" } else { "start" };
    format!("https://t.me/{bot}?{key}={payload}")
}

/// How often the leader looks at an inbox it shares for what other
/// processes kept (it reads its own at once, and theirs too while it
/// listens: see `Store::listen_for_kept`): in webhook mode, where every
/// instance receives, while it cannot listen; in long-polling mode, where
/// only a former leader may have kept something in the moment before it
/// learnt it had lost the lead, or in webhook mode while it listens (for
/// what was announced while it was connecting again), far less often.
const SHARED_INBOX_TICK: Duration = Duration::from_millis(50);
const POLLING_INBOX_TICK: Duration = Duration::from_secs(1);
/// The least time between two reads of a shared inbox.
const SHARED_INBOX_GAP: Duration = Duration::from_millis(5);

/// The leader's reading of a shared inbox: on each announcement, and every
/// `every` ([`SHARED_INBOX_TICK`] or [`POLLING_INBOX_TICK`]; the latter
/// while `listening`), the updates kept since the last read and the lanes
/// with updates waiting go to the dispatcher (which holds what it can of
/// the first and reads the rest of each lane on from what it has taken),
/// and votes waiting wake the counter. The updates come in the same read
/// as the lanes, so that an update kept by any process usually costs no
/// read of its own.
async fn read_shared_inbox(
    app: Arc<App>,
    dispatcher: Dispatcher,
    inbox: Arc<Notify>,
    every: Duration,
    listening: Arc<AtomicBool>,
    stop: CancellationToken,
) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // The highest inbox id read so far.
    let mut seen = 0;
    let mut last_read = Instant::now();
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            () = inbox.notified() => {
                // Announcements that come close together (a burst kept by
                // three instances) are read together.
                tokio::time::sleep_until(last_read + SHARED_INBOX_GAP).await;
            }
            _ = tick.tick() => {
                if listening.load(Ordering::SeqCst) && last_read.elapsed() < POLLING_INBOX_TICK {
                    continue;
                }
            }
        }
        last_read = Instant::now();
        let waiting = app
            .service
            .store()
            .read(move |conn| {
                let votes = store::votes_waiting(conn)?;
                // The rows first: the lanes, read after them, see at least
                // what they saw (see `Dispatcher::from_inbox`).
                let rows = store::inbox_after(conn, seen, SHARED_INBOX_ROWS)?;
                Ok((rows, store::lanes(conn)?, votes))
            })
            .await;
        match waiting {
            Ok((rows, lanes, votes)) => {
                let after = seen;
                seen = rows.last().map_or(seen, |r| r.id.max(seen));
                dispatcher.from_inbox(rows.into_iter().map(Received::from).collect(), lanes, after);
                if votes.get().is_some_and(|&waiting| waiting) {
                    app.votes.notify_one();
                }
            }
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "cannot read the shared inbox"),
        }
    }
}

/// Updates taken at most by one read of a shared inbox.
const SHARED_INBOX_ROWS: usize = 512;

/// How often the groups' daily schedules are looked at.
const SCHEDULE_TICK: Duration = Duration::from_secs(2);

/// What an earlier run left: requests to send, updates to handle, rounds
/// to close, quizzes between rounds; and solo quizzes idle for a day stop.
async fn pick_up(app: &Arc<App>, dispatcher: &Dispatcher) -> anyhow::Result<()> {
    let stopped = app.service.stop_idle_solo(IDLE_SOLO_MS).await?;
    if stopped > 0 {
        tracing::info!(stopped, "stopped solo quizzes idle for a day");
    }
    let (requests, lanes, (updates, votes)) = app
        .service
        .store()
        .read(|conn| {
            Ok((
                store::requests(conn)?,
                store::lanes(conn)?,
                store::depth(conn)?,
            ))
        })
        .await?;
    if !requests.is_empty() || !lanes.is_empty() {
        tracing::info!(
            to_send = requests.len(),
            to_handle = updates,
            votes,
            "picking up where the last run stopped"
        );
    }
    app.hand_over(
        requests
            .iter()
            .filter_map(|row| Request::from_stored(row).map(|r| (row.id, r)))
            .collect(),
    );
    dispatcher.on_disk(lanes);
    group::resume(app).await?;
    if votes > 0 {
        app.votes.notify_one();
    }
    Ok(())
}

/// `getMe`, retried while the Bot API cannot be reached; a rejected token
/// ends it. Returns the bot's username, or `None` if asked to stop first.
async fn get_me(api: &Api, shutdown: &CancellationToken) -> anyhow::Result<Option<String>> {
    #[derive(serde::Deserialize)]
    struct Me {
        username: Option<String>,
    }
    let mut wait = Duration::from_secs(1);
    loop {
        match api.call::<Me>("getMe", &serde_json::json!({})).await {
            Ok(me) => return Ok(Some(me.username.unwrap_or_default())),
            Err(e) if e.is_unauthorized() => {
                anyhow::bail!("Telegram rejected TELOXIDE_TOKEN: check it with @BotFather")
            }
            Err(e) => {
                tracing::warn!(error = %e, retry_in_s = wait.as_secs(), "waiting for the Bot API");
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = shutdown.cancelled() => return Ok(None),
                }
                wait = (wait * 2).min(Duration::from_secs(30));
            }
        }
    }
}

/// The command menus in Arabic (everyone) and English (`language_code = en`).
async fn register_commands(api: &Api) {
    use teloxide::payloads::{SetMyCommands, SetMyCommandsSetters};
    let ar = SetMyCommands::new(commands::menu(Lang::Ar));
    let en = SetMyCommands::new(commands::menu(Lang::En)).language_code("en");
    for menu in [ar, en] {
        if let Err(e) = api.call::<bool>("setMyCommands", &menu).await {
            tracing::warn!(error = %e, "could not register a command menu");
        }
    }
}

/// Long polling and a webhook exclude each other: drop a webhook left set
/// (going back from webhook mode).
async fn delete_webhook(api: &Api) {
    if let Err(e) = api
        .call::<bool>("deleteWebhook", &serde_json::json!({}))
        .await
    {
        tracing::warn!(error = %e, "could not make sure no webhook is set");
    }
}
