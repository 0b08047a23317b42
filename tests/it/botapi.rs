//! A Bot API server on loopback for the tests: it feeds updates through
//! long polling, answers the methods the bot uses, records every request,
//! checks each one against the Bot API 9.1 specification (the version
//! teloxide 0.17 speaks) and Telegram's limits, and fails on demand (429,
//! 5xx, a dropped connection).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::sync::Notify;

pub const TOKEN: &str = "123456:TEST-token_for_the_loopback_server";
pub const BOT_ID: u64 = 1_000;
pub const BOT_USERNAME: &str = "factquiz_test_bot";

/// A request the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    /// Lower-case method name.
    pub method: String,
    pub body: Value,
    pub at: Instant,
    /// Index in the log.
    pub seq: usize,
}

impl Call {
    pub fn text(&self) -> &str {
        self.body["text"].as_str().unwrap_or_default()
    }

    pub fn chat(&self) -> i64 {
        self.body["chat_id"].as_i64().unwrap_or_default()
    }

    /// The callback data of the buttons of a message, in order.
    pub fn buttons(&self) -> Vec<String> {
        self.body["reply_markup"]["inline_keyboard"]
            .as_array()
            .map(|rows| {
                rows.iter()
                    .flat_map(|r| r.as_array().cloned().unwrap_or_default())
                    .filter_map(|b| b["callback_data"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A planned failure of the next call to a method.
#[derive(Debug, Clone)]
pub enum Failure {
    /// An error answer with this HTTP status and description.
    Status(u16, &'static str),
    /// 429 with `retry_after` seconds.
    RetryAfter(u32),
    /// The connection is closed without an answer.
    Drop,
}

#[derive(Default)]
struct State {
    updates: VecDeque<Value>,
    next_update_id: u64,
    /// The lowest offset the bot has asked for: everything below is confirmed.
    confirmed: u64,
    calls: Vec<Call>,
    violations: Vec<String>,
    next_message_id: i64,
    /// (chat, message id) → the message as last sent or edited.
    messages: HashMap<(i64, i64), Value>,
    failures: HashMap<String, VecDeque<Failure>>,
    /// Every update pushed, by id, for deliveries repeated on purpose.
    pushed: HashMap<u64, Value>,
    /// When each update was first handed to the bot.
    delivered: HashMap<u64, Instant>,
    next_poll: u64,
    /// chat → user ids of its administrators.
    admins: HashMap<i64, Vec<u64>>,
    /// When each callback query was made (pushed): answering it later than
    /// `callback_deadline` is refused, as Telegram does.
    callbacks: HashMap<String, Instant>,
    callback_deadline: Duration,
    /// Polls close by themselves after their `open_period` (with a `poll`
    /// update), unless a test closes them itself.
    auto_close_polls: bool,
    /// Refused requests (4xx answers), for tests that want none.
    refused: Vec<String>,
    /// chat → until when every message to it gets `429 retry_after`.
    throttled: HashMap<i64, Instant>,
    /// chat → who wants its calls as they come (benchmarks' players).
    subscribers: HashMap<i64, tokio::sync::mpsc::UnboundedSender<Call>>,
    /// callback query id → the update that carried it.
    callback_updates: HashMap<String, u64>,
    /// Updates are queued but not delivered (a benchmark queues a burst,
    /// then lets it go at once).
    held: bool,
    /// The webhook set (its URL and secret token): updates are posted to
    /// it, as Telegram does, instead of waiting for `getUpdates`.
    webhook: Option<(String, Option<String>)>,
    /// Each post of an update to the webhook: its id and the status answered.
    webhook_posts: Vec<(u64, u16)>,
    /// Posts to the webhook at once (1 unless a benchmark asks for more).
    webhook_connections: usize,
    /// inline message id → the message sent through the bot, as last edited.
    inline_messages: HashMap<String, Value>,
    next_inline: u64,
}

/// The server. Dropping it stops it.
pub struct BotApi {
    pub url: String,
    state: Arc<Mutex<State>>,
    changed: Arc<Notify>,
    task: tokio::task::JoinHandle<()>,
    pusher: tokio::task::JoinHandle<()>,
}

impl Drop for BotApi {
    fn drop(&mut self) {
        self.task.abort();
        self.pusher.abort();
    }
}

impl BotApi {
    pub async fn start() -> BotApi {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let state = Arc::new(Mutex::new(State {
            next_update_id: 1,
            next_message_id: 1,
            next_poll: 1,
            callback_deadline: Duration::from_secs(15),
            auto_close_polls: true,
            ..State::default()
        }));
        let changed = Arc::new(Notify::new());
        let (s, c) = (state.clone(), changed.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let (s, c) = (s.clone(), c.clone());
                tokio::spawn(async move {
                    let service =
                        hyper::service::service_fn(move |req| serve(req, s.clone(), c.clone()));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        let pusher = tokio::spawn(push_to_webhook(state.clone(), changed.clone()));
        BotApi {
            url,
            state,
            changed,
            task,
            pusher,
        }
    }

    /// The webhook the bot set: its URL and secret token.
    pub fn webhook(&self) -> Option<(String, Option<String>)> {
        self.lock().webhook.clone()
    }

    /// Each post of an update to the webhook so far: its id and status.
    pub fn webhook_posts(&self) -> Vec<(u64, u16)> {
        self.lock().webhook_posts.clone()
    }

    /// Posts `body` to the webhook the bot set, with this secret header (or
    /// none), as anyone on the network could; returns the status.
    pub async fn post_to_webhook(&self, body: Vec<u8>, secret: Option<&str>) -> u16 {
        let (url, _) = self.webhook().expect("a webhook is set");
        let mut post = reqwest::Client::new()
            .post(url)
            .header("content-type", "application/json")
            .body(body);
        if let Some(secret) = secret {
            post = post.header("X-Telegram-Bot-Api-Secret-Token", secret);
        }
        post.send().await.map_or(0, |r| r.status().as_u16())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Queues an update (`kind` is e.g. `{"message": {...}}`); returns its id.
    pub fn push(&self, kind: Value) -> u64 {
        push_update(&self.state, &self.changed, kind)
    }

    /// Delivers the content of update `id` again, as a new update (what a
    /// bot sees after a crash when Telegram repeats a delivery).
    pub fn redeliver(&self, id: u64) -> u64 {
        let mut kind = self
            .lock()
            .pushed
            .get(&id)
            .cloned()
            .expect("an update pushed before");
        if let Some(o) = kind.as_object_mut() {
            o.remove("update_id");
        }
        self.push(kind)
    }

    /// A text message from `user` in `chat`.
    pub fn message(&self, chat: &Chat, user: &User, text: &str) -> u64 {
        let message_id = {
            let mut st = self.lock();
            st.next_message_id += 1;
            st.next_message_id
        };
        let mut message = json!({
            "message_id": message_id,
            "date": now(),
            "chat": chat.json(),
            "from": user.json(),
            "text": text,
        });
        if text.starts_with('/') {
            let len = text
                .split_whitespace()
                .next()
                .map_or(0, |w| w.encode_utf16().count());
            message["entities"] = json!([{"type": "bot_command", "offset": 0, "length": len}]);
        }
        self.push(json!({ "message": message }))
    }

    /// A press on a button of a message the bot sent.
    pub fn press(&self, user: &User, message: &Call, data: &str) -> u64 {
        let chat = message.body["chat_id"].as_i64().expect("chat");
        let id = self.message_id_of(message);
        let shown = self
            .lock()
            .messages
            .get(&(chat, id))
            .cloned()
            .expect("the message exists");
        let query = format!("cb-{}-{}", id, now_nanos());
        self.lock().callbacks.insert(query.clone(), Instant::now());
        let update = self.push(json!({
            "callback_query": {
                "id": query,
                "from": user.json(),
                "message": shown,
                "chat_instance": "ci",
                "data": data,
            }
        }));
        self.lock().callback_updates.insert(query, update);
        update
    }

    /// Posts to the webhook up to `n` updates at once, as Telegram does with
    /// `max_connections` (one at a time, in order, by default).
    #[allow(dead_code, reason = "used by the delivery benchmark")]
    pub fn webhook_connections(&self, n: usize) {
        self.lock().webhook_connections = n;
        self.changed.notify_waiters();
    }

    /// Holds updates back (`true`) or lets them go.
    #[allow(dead_code, reason = "used by the delivery benchmark")]
    pub fn hold_updates(&self, held: bool) {
        self.lock().held = held;
        self.changed.notify_waiters();
    }

    /// Every call to `chat` from now on, as it comes.
    #[allow(dead_code, reason = "used by the delivery benchmark")]
    pub fn subscribe(&self, chat: i64) -> tokio::sync::mpsc::UnboundedReceiver<Call> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        self.lock().subscribers.insert(chat, tx);
        rx
    }

    /// A press with any data on any message id (forged or garbled).
    pub fn press_raw(&self, user: &User, chat: &Chat, message_id: i64, data: &str) -> u64 {
        let query = format!("cb-raw-{}", now_nanos());
        self.lock().callbacks.insert(query.clone(), Instant::now());
        self.push(json!({
            "callback_query": {
                "id": query,
                "from": user.json(),
                "message": {
                    "message_id": message_id, "date": now(), "chat": chat.json(),
                    "from": bot_user(), "text": "?",
                },
                "chat_instance": "ci",
                "data": data,
            }
        }))
    }

    /// An inline query (`@bot <query>`) from `user`, in some chat.
    pub fn inline_query(&self, user: &User, query: &str) -> u64 {
        let id = format!("iq-{}", now_nanos());
        self.lock().callbacks.insert(id.clone(), Instant::now());
        self.push(json!({
            "inline_query": {
                "id": id, "from": user.json(), "query": query, "offset": "",
                "chat_type": "supergroup",
            }
        }))
    }

    /// `user` sends `result` (one of an `answerInlineQuery`'s results) to a
    /// chat: Telegram makes the message and, with inline feedback on, says
    /// so with a `chosen_inline_result`. Returns the message's id.
    pub fn choose_inline(
        &self,
        user: &User,
        result: &Value,
        query: &str,
        feedback: bool,
    ) -> String {
        let id = {
            let mut st = self.lock();
            st.next_inline += 1;
            let id = format!("AAE-inline-{}", st.next_inline);
            let content = &result["input_message_content"];
            st.inline_messages.insert(
                id.clone(),
                json!({
                    "text": content["message_text"],
                    "parse_mode": content["parse_mode"],
                    "reply_markup": result["reply_markup"],
                }),
            );
            id
        };
        if feedback {
            self.push(json!({
                "chosen_inline_result": {
                    "result_id": result["id"], "from": user.json(),
                    "inline_message_id": id, "query": query,
                }
            }));
        }
        id
    }

    /// A press on a button of a message sent inline (no `message`: the
    /// bot need not be in the chat, nor the presser have written to it).
    pub fn press_inline(&self, user: &User, inline_message_id: &str, data: &str) -> u64 {
        let query = format!("cb-inline-{}", now_nanos());
        self.lock().callbacks.insert(query.clone(), Instant::now());
        self.push(json!({
            "callback_query": {
                "id": query, "from": user.json(), "inline_message_id": inline_message_id,
                "chat_instance": "ci-inline", "data": data,
            }
        }))
    }

    /// A message sent inline, as last edited.
    pub fn inline_message(&self, id: &str) -> Value {
        self.lock()
            .inline_messages
            .get(id)
            .cloned()
            .expect("a message sent inline")
    }

    /// A member's answer to a poll.
    pub fn poll_answer(&self, poll_id: &str, user: &User, option: usize) -> u64 {
        self.push(json!({
            "poll_answer": { "poll_id": poll_id, "user": user.json(), "option_ids": [option] }
        }))
    }

    /// The message a call made or edited: the id the server gave a
    /// `sendMessage` or `sendPoll`, the id an edit names.
    pub fn message_id_of(&self, call: &Call) -> i64 {
        if let Some(id) = call.body["message_id"].as_i64() {
            return id;
        }
        let st = self.lock();
        st.messages
            .iter()
            .find(|(_, m)| m["x_call_seq"].as_u64() == Some(call.seq as u64))
            .map(|((_, id), _)| *id)
            .expect("a message of this call")
    }

    /// The poll id of a `sendPoll` call.
    pub fn poll_id_of(&self, call: &Call) -> String {
        let st = self.lock();
        st.messages
            .values()
            .find(|m| m["x_call_seq"].as_u64() == Some(call.seq as u64))
            .and_then(|m| m["poll"]["id"].as_str().map(str::to_owned))
            .expect("a poll of this call")
    }

    /// The id of the callback query pushed last.
    pub fn last_callback_id(&self) -> Option<String> {
        let st = self.lock();
        st.callbacks
            .iter()
            .max_by_key(|(_, made)| **made)
            .map(|(id, _)| id.clone())
    }

    /// Callback answers later than this after the press are refused.
    pub fn set_callback_deadline(&self, deadline: Duration) {
        self.lock().callback_deadline = deadline;
    }

    /// Polls stay open until the test closes them with [`BotApi::close_poll`].
    pub fn keep_polls_open(&self) {
        self.lock().auto_close_polls = false;
    }

    /// Closes a poll as Telegram does at its end: a `poll` update.
    pub fn close_poll(&self, poll_id: &str) {
        close_poll(&self.state, &self.changed, poll_id);
    }

    /// Every message and edit to `chat` gets `429 retry_after seconds`
    /// for the next `seconds`, as Telegram does to a chat over its limit.
    pub fn throttle_chat(&self, chat: i64, seconds: u32) {
        let until = Instant::now() + Duration::from_secs(u64::from(seconds));
        self.lock().throttled.insert(chat, until);
    }

    /// Requests the server refused (4xx), each with its reason.
    pub fn refused(&self) -> Vec<String> {
        self.lock().refused.clone()
    }

    /// Makes these users administrators of a chat.
    pub fn set_admins(&self, chat: i64, users: &[u64]) {
        self.lock().admins.insert(chat, users.to_vec());
    }

    /// The next call to `method` fails this way (calls queue up in order).
    pub fn fail_next(&self, method: &str, failure: Failure) {
        self.lock()
            .failures
            .entry(method.to_lowercase())
            .or_default()
            .push_back(failure);
    }

    pub fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    /// When update `id` was first handed to the bot.
    pub fn delivered_at(&self, id: u64) -> Option<Instant> {
        self.lock().delivered.get(&id).copied()
    }

    /// The update that carried callback query `id`.
    #[allow(dead_code, reason = "used by the press latency benchmark")]
    pub fn update_of_callback(&self, id: &str) -> Option<u64> {
        self.lock().callback_updates.get(id).copied()
    }

    pub fn calls_to(&self, method: &str) -> Vec<Call> {
        let method = method.to_lowercase();
        self.calls()
            .into_iter()
            .filter(|c| c.method == method)
            .collect()
    }

    /// Everything below this update id has been confirmed by the bot.
    pub fn confirmed(&self) -> u64 {
        self.lock().confirmed
    }

    /// Waits until a call after `after` (a `seq`, or 0) matches. `matches`
    /// runs under the server's lock: it must not call the server.
    pub async fn wait_for(
        &self,
        after: usize,
        what: &str,
        matches: impl Fn(&Call) -> bool,
    ) -> Call {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut from = after;
        loop {
            let notified = self.changed.notified();
            {
                let st = self.lock();
                if let Some(c) = st
                    .calls
                    .get(from..)
                    .into_iter()
                    .flatten()
                    .find(|c| matches(c))
                {
                    return c.clone();
                }
                from = from.max(st.calls.len());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "timed out waiting for {what}; calls:\n{}",
                self.transcript()
            );
            let _ = tokio::time::timeout(left.min(Duration::from_millis(200)), notified).await;
        }
    }

    /// Waits until the bot has confirmed update `id` (asked for a higher offset).
    pub async fn wait_confirmed(&self, id: u64) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.confirmed() <= id {
            assert!(
                Instant::now() < deadline,
                "update {id} never confirmed; calls:\n{}",
                self.transcript()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The sequence number the next call will get.
    pub fn mark(&self) -> usize {
        self.lock().calls.len()
    }

    /// Every request so far broke no rule of the specification or the limits.
    pub fn assert_valid(&self) {
        let v = self.lock().violations.clone();
        assert!(
            v.is_empty(),
            "requests that break the Bot API's rules:\n{}",
            v.join("\n")
        );
    }

    /// The calls, one per line, for failure messages.
    pub fn transcript(&self) -> String {
        self.calls()
            .iter()
            .filter(|c| c.method != "getupdates")
            .map(|c| format!("#{} {} {}", c.seq, c.method, c.body))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// A chat in the tests.
#[derive(Debug, Clone)]
pub struct Chat {
    pub id: i64,
    pub kind: &'static str,
}

impl Chat {
    pub fn private(user: &User) -> Chat {
        Chat {
            id: i64::try_from(user.id).expect("small"),
            kind: "private",
        }
    }

    pub fn supergroup(id: i64) -> Chat {
        Chat {
            id,
            kind: "supergroup",
        }
    }

    pub fn json(&self) -> Value {
        match self.kind {
            "private" => json!({"id": self.id, "type": "private", "first_name": "User"}),
            kind => json!({"id": self.id, "type": kind, "title": "Test group"}),
        }
    }
}

/// A user in the tests.
#[derive(Debug, Clone)]
pub struct User {
    pub id: u64,
    pub first_name: String,
    pub language: &'static str,
}

impl User {
    pub fn new(id: u64, first_name: &str, language: &'static str) -> User {
        User {
            id,
            first_name: first_name.to_owned(),
            language,
        }
    }

    pub fn json(&self) -> Value {
        json!({"id": self.id, "is_bot": false, "first_name": self.first_name, "language_code": self.language})
    }
}

fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": "FactQuiz", "username": BOT_USERNAME})
}

fn now() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs(),
    )
    .unwrap_or_default()
}

fn now_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos()
}

/// Queues an update; returns its id.
fn push_update(state: &Mutex<State>, changed: &Notify, kind: Value) -> u64 {
    let id = {
        let mut st = state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let id = st.next_update_id;
        st.next_update_id += 1;
        let mut update = kind;
        update["update_id"] = json!(id);
        st.pushed.insert(id, update.clone());
        st.updates.push_back(update);
        id
    };
    changed.notify_waiters();
    id
}

/// While a webhook is set, posts the queued updates to it, in order, as
/// Telegram does: one at a time by default, up to `webhook_connections` at
/// once if a benchmark asks (Telegram's `max_connections`). An update
/// leaves the queue when it is posted and comes back to its front after any
/// answer but a 2xx (or none), to be posted again.
async fn push_to_webhook(state: Arc<Mutex<State>>, changed: Arc<Notify>) {
    // A connection per post, so that a balancer in front of several
    // instances spreads the posts (it balances connections).
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("an HTTP client");
    let in_flight = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    loop {
        let notified = changed.notified();
        let next = {
            let mut st = state
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let at_once = st.webhook_connections.max(1);
            let room = in_flight.load(std::sync::atomic::Ordering::SeqCst) < at_once;
            match &st.webhook {
                Some((url, secret)) if !st.held && room => {
                    let (url, secret) = (url.clone(), secret.clone());
                    let update = st.updates.pop_front();
                    // Delivered when it is posted: the bot may act on it
                    // before its answer to the post comes back.
                    if let Some(id) = update.as_ref().and_then(|u| u["update_id"].as_u64()) {
                        st.delivered.entry(id).or_insert_with(Instant::now);
                    }
                    update.map(|u| (url, secret, u, at_once))
                }
                _ => None,
            }
        };
        let Some((url, secret, update, at_once)) = next else {
            let _ = tokio::time::timeout(Duration::from_millis(200), notified).await;
            continue;
        };
        in_flight.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let post = {
            let (state, changed, client, in_flight) = (
                state.clone(),
                changed.clone(),
                client.clone(),
                in_flight.clone(),
            );
            async move {
                let id = update["update_id"].as_u64().unwrap_or(0);
                let mut post = client.post(&url).json(&update);
                if let Some(secret) = &secret {
                    post = post.header("X-Telegram-Bot-Api-Secret-Token", secret);
                }
                let status = post.send().await.map_or(0, |r| r.status().as_u16());
                let ok = (200..300).contains(&status);
                {
                    let mut st = state
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    st.webhook_posts.push((id, status));
                    st.delivered.entry(id).or_insert_with(Instant::now);
                    if ok {
                        st.confirmed = st.confirmed.max(id + 1);
                    } else {
                        st.updates.push_front(update);
                    }
                }
                if !ok {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                in_flight.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                changed.notify_waiters();
            }
        };
        // One at a time, the post is awaited here: the order is the queue's.
        if at_once == 1 {
            post.await;
        } else {
            tokio::spawn(post);
        }
    }
}

/// Closes a poll (once) and tells the bot with a `poll` update.
fn close_poll(state: &Mutex<State>, changed: &Notify, poll_id: &str) {
    let poll = {
        let mut st = state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        st.messages
            .values_mut()
            .find(|m| m["poll"]["id"] == poll_id && m["poll"]["is_closed"] == false)
            .map(|m| {
                m["poll"]["is_closed"] = json!(true);
                m["poll"].clone()
            })
    };
    if let Some(poll) = poll {
        push_update(state, changed, json!({ "poll": poll }));
    }
}

type Reply = Result<Response<Full<Bytes>>, std::io::Error>;

fn reply(status: u16, body: Value) -> Reply {
    Ok(Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("a response"))
}

fn ok(result: Value) -> Reply {
    reply(200, json!({"ok": true, "result": result}))
}

async fn serve(req: Request<Incoming>, state: Arc<Mutex<State>>, changed: Arc<Notify>) -> Reply {
    let path = req.uri().path().to_owned();
    let bytes = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let Some(rest) = path.strip_prefix(&format!("/bot{TOKEN}/")) else {
        return reply(
            404,
            json!({"ok": false, "error_code": 404, "description": "Not Found"}),
        );
    };
    let method = rest.to_lowercase();
    let body: Value = if bytes.is_empty() {
        json!({})
    } else {
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    };
    // The call, and the message it sends, are recorded together: whoever
    // sees the call can look its message up.
    let (failure, sent) = {
        let mut st = state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let seq = st.calls.len();
        let mut problems = check(&method, &body);
        problems
            .iter_mut()
            .for_each(|p| *p = format!("#{seq} {method}: {p}"));
        st.violations.extend(problems);
        let call = Call {
            method: method.clone(),
            body: body.clone(),
            at: Instant::now(),
            seq,
        };
        if let Some(tx) = body["chat_id"]
            .as_i64()
            .and_then(|c| st.subscribers.get(&c))
        {
            let _ = tx.send(call.clone());
        }
        st.calls.push(call);
        let mut failure = st.failures.get_mut(&method).and_then(VecDeque::pop_front);
        let chat = body["chat_id"].as_i64().unwrap_or_default();
        if failure.is_none()
            && method != "answercallbackquery"
            && let Some(until) = st.throttled.get(&chat).copied()
        {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                st.throttled.remove(&chat);
            } else {
                let seconds = u32::try_from(left.as_secs()).unwrap_or(u32::MAX).max(1);
                failure = Some(Failure::RetryAfter(seconds));
            }
        }
        let sent = match (&failure, method.as_str()) {
            (None, "sendmessage" | "sendpoll") => Some(store_message(&mut st, &method, &body, seq)),
            _ => None,
        };
        (failure, sent)
    };
    changed.notify_waiters();
    match failure {
        Some(Failure::Drop) => return Err(std::io::Error::other("connection dropped on purpose")),
        Some(Failure::Status(code, description)) => {
            return reply(
                code,
                json!({"ok": false, "error_code": code, "description": description}),
            );
        }
        Some(Failure::RetryAfter(seconds)) => {
            return reply(
                429,
                json!({"ok": false, "error_code": 429,
                       "description": format!("Too Many Requests: retry after {seconds}"),
                       "parameters": {"retry_after": seconds}}),
            );
        }
        None => {}
    }
    if let Some(message) = sent {
        let auto_close = state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .auto_close_polls;
        if let (true, Some(poll), Some(period)) = (
            auto_close,
            message["poll"]["id"].as_str(),
            message["poll"]["open_period"].as_u64(),
        ) {
            let (poll, state, changed) = (poll.to_owned(), state.clone(), changed.clone());
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs(period)).await;
                close_poll(&state, &changed, &poll);
            });
        }
        return ok(message);
    }
    let answered = answer(&method, &body, &state, &changed).await;
    if let Ok(response) = &answered
        && response.status().is_client_error()
    {
        state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .refused
            .push(format!("{method} {body}"));
    }
    answered
}

async fn answer(
    method: &str,
    body: &Value,
    state: &Arc<Mutex<State>>,
    changed: &Arc<Notify>,
) -> Reply {
    let lock = || {
        state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    match method {
        "getme" => ok(json!({
            "id": BOT_ID, "is_bot": true, "first_name": "FactQuiz", "username": BOT_USERNAME,
            "can_join_groups": true, "can_read_all_group_messages": false, "supports_inline_queries": false,
            "can_connect_to_business": false, "has_main_web_app": false,
        })),
        "getupdates" if lock().webhook.is_some() => reply(
            409,
            json!({"ok": false, "error_code": 409,
                   "description": "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}),
        ),
        "setwebhook" => {
            let url = body["url"].as_str().unwrap_or_default().to_owned();
            let secret = body["secret_token"].as_str().map(str::to_owned);
            lock().webhook = Some((url, secret));
            changed.notify_waiters();
            ok(json!(true))
        }
        "deletewebhook" => {
            lock().webhook = None;
            ok(json!(true))
        }
        "getupdates" => {
            let offset = u64::try_from(body["offset"].as_i64().unwrap_or(0)).unwrap_or(0);
            let timeout = body["timeout"].as_u64().unwrap_or(0);
            let limit = body["limit"].as_u64().unwrap_or(100).clamp(1, 100) as usize;
            let deadline = Instant::now() + Duration::from_secs(timeout);
            loop {
                let notified = changed.notified();
                {
                    let mut st = lock();
                    if offset > st.confirmed {
                        st.confirmed = offset;
                        st.updates
                            .retain(|u| u["update_id"].as_u64().unwrap_or(0) >= offset);
                    }
                    let ready: Vec<Value> = st
                        .updates
                        .iter()
                        .filter(|u| !st.held && u["update_id"].as_u64().unwrap_or(0) >= offset)
                        .take(limit)
                        .cloned()
                        .collect();
                    if !ready.is_empty() || Instant::now() >= deadline {
                        let now = Instant::now();
                        for u in &ready {
                            st.delivered
                                .entry(u["update_id"].as_u64().unwrap_or(0))
                                .or_insert(now);
                        }
                        return ok(Value::Array(ready));
                    }
                }
                let left = deadline.saturating_duration_since(Instant::now());
                let _ = tokio::time::timeout(left, notified).await;
            }
        }
        "editmessagetext" if body.get("inline_message_id").is_some() => {
            let mut st = lock();
            let id = body["inline_message_id"].as_str().unwrap_or_default();
            let Some(current) = st.inline_messages.get_mut(id) else {
                return reply(
                    400,
                    json!({"ok": false, "error_code": 400, "description": "Bad Request: message to edit not found"}),
                );
            };
            if current["text"] == body["text"] && current["reply_markup"] == body["reply_markup"] {
                return reply(
                    400,
                    json!({"ok": false, "error_code": 400,
                    "description": "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"}),
                );
            }
            current["text"] = body["text"].clone();
            current["reply_markup"] = body.get("reply_markup").cloned().unwrap_or(Value::Null);
            ok(json!(true))
        }
        "editmessagetext" => {
            let mut st = lock();
            let key = (
                body["chat_id"].as_i64().unwrap_or_default(),
                body["message_id"].as_i64().unwrap_or_default(),
            );
            let Some(current) = st.messages.get_mut(&key) else {
                return reply(
                    400,
                    json!({"ok": false, "error_code": 400, "description": "Bad Request: message to edit not found"}),
                );
            };
            let same_markup = current["reply_markup"] == body["reply_markup"];
            if current["text"] == body["text"] && same_markup {
                return reply(
                    400,
                    json!({"ok": false, "error_code": 400,
                    "description": "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"}),
                );
            }
            current["text"] = body["text"].clone();
            match body.get("reply_markup") {
                Some(m) => current["reply_markup"] = m.clone(),
                None => {
                    if let Some(o) = current.as_object_mut() {
                        o.remove("reply_markup");
                    }
                }
            }
            let mut out = current.clone();
            if let Some(o) = out.as_object_mut() {
                o.remove("x_call_seq");
            }
            ok(out)
        }
        "stoppoll" => {
            let key = (
                body["chat_id"].as_i64().unwrap_or_default(),
                body["message_id"].as_i64().unwrap_or_default(),
            );
            let poll = lock().messages.get(&key).map(|m| m["poll"].clone());
            match poll {
                Some(mut poll) if !poll.is_null() => {
                    if let Some(id) = poll["id"].as_str() {
                        close_poll(state, changed, id);
                    }
                    poll["is_closed"] = json!(true);
                    ok(poll)
                }
                _ => reply(
                    400,
                    json!({"ok": false, "error_code": 400, "description": "Bad Request: message with poll to stop not found"}),
                ),
            }
        }
        "getchatmember" => {
            let st = lock();
            let chat = body["chat_id"].as_i64().unwrap_or_default();
            let user = body["user_id"].as_u64().unwrap_or_default();
            let admin = st.admins.get(&chat).is_some_and(|a| a.contains(&user));
            ok(chat_member(user, admin))
        }
        "getchatadministrators" => {
            let st = lock();
            let chat = body["chat_id"].as_i64().unwrap_or_default();
            let admins: Vec<Value> = st
                .admins
                .get(&chat)
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|u| chat_member(u, true))
                .collect();
            ok(Value::Array(admins))
        }
        // A press's or an inline query's answer: refused past the deadline.
        "answercallbackquery" | "answerinlinequery" => {
            let st = lock();
            let id = body["callback_query_id"]
                .as_str()
                .or(body["inline_query_id"].as_str())
                .unwrap_or_default();
            match st.callbacks.get(id) {
                Some(made) if made.elapsed() <= st.callback_deadline => ok(json!(true)),
                _ => reply(
                    400,
                    json!({"ok": false, "error_code": 400,
                           "description": "Bad Request: query is too old and response timeout expired or query ID is invalid"}),
                ),
            }
        }
        "setmycommands" | "deletemessage" => ok(json!(true)),
        _ => reply(
            404,
            json!({"ok": false, "error_code": 404, "description": "Not Found: method not found"}),
        ),
    }
}

/// Stores a sent message (or poll) and returns it as Telegram would.
fn store_message(st: &mut State, method: &str, body: &Value, seq: usize) -> Value {
    st.next_message_id += 1;
    let id = st.next_message_id;
    let chat = body["chat_id"].as_i64().unwrap_or_default();
    let kind = if chat > 0 { "private" } else { "supergroup" };
    let chat_json = Chat { id: chat, kind }.json();
    let mut message =
        json!({"message_id": id, "date": now(), "chat": chat_json, "from": bot_user()});
    if method == "sendmessage" {
        message["text"] = body["text"].clone();
        if !body["reply_markup"].is_null() {
            message["reply_markup"] = body["reply_markup"].clone();
        }
    } else {
        let poll_id = format!("poll-{}", st.next_poll);
        st.next_poll += 1;
        let options: Vec<Value> = body["options"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|o| json!({"text": o["text"], "voter_count": 0}))
            .collect();
        message["poll"] = json!({
            "id": poll_id, "question": body["question"], "options": options,
            "total_voter_count": 0, "is_closed": false, "is_anonymous": false,
            "type": "quiz", "allows_multiple_answers": false,
            "correct_option_id": body["correct_option_id"],
            "open_period": body["open_period"],
        });
    }
    let mut stored = message.clone();
    stored["x_call_seq"] = json!(seq);
    st.messages.insert((chat, id), stored);
    message
}

fn chat_member(user: u64, admin: bool) -> Value {
    let user = json!({"id": user, "is_bot": false, "first_name": "Member"});
    if admin {
        json!({
            "status": "administrator", "user": user, "can_be_edited": false, "is_anonymous": false,
            "can_manage_chat": true, "can_delete_messages": true, "can_manage_video_chats": true,
            "can_restrict_members": true, "can_promote_members": false, "can_change_info": true,
            "can_invite_users": true, "can_post_stories": false, "can_edit_stories": false,
            "can_delete_stories": false, "can_pin_messages": true, "can_manage_topics": false,
        })
    } else {
        json!({"status": "member", "user": user})
    }
}

// ── the specification ──────────────────────────────────────────────────────

fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/telegram-bot-api-spec-9.1.json");
        serde_json::from_str(&std::fs::read_to_string(path).expect("the spec file"))
            .expect("the spec parses")
    })
}

/// The problems of one request: unknown method, missing or unknown fields
/// (recursively, through the types), and Telegram's limits.
pub fn check(method: &str, body: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let Some((_, spec_method)) = spec()["methods"]
        .as_object()
        .and_then(|m| m.iter().find(|(name, _)| name.to_lowercase() == method))
    else {
        return vec![format!("unknown method `{method}`")];
    };
    let fields = spec_method["fields"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    check_fields(&fields, body, method, &mut problems);
    check_limits(method, body, &mut problems);
    problems
}

fn check_fields(fields: &[Value], value: &Value, at: &str, problems: &mut Vec<String>) {
    let Some(object) = value.as_object() else {
        problems.push(format!("{at}: expected an object, got {value}"));
        return;
    };
    for f in fields {
        let name = f["name"].as_str().unwrap_or_default();
        if f["required"].as_bool() == Some(true) && !object.contains_key(name) {
            problems.push(format!("{at}: required field `{name}` is missing"));
        }
    }
    for (key, v) in object {
        match fields.iter().find(|f| f["name"] == key.as_str()) {
            None => problems.push(format!("{at}: unknown field `{key}`")),
            Some(f) => {
                let types: Vec<String> = f["types"]
                    .as_array()
                    .map(|t| {
                        t.iter()
                            .filter_map(|s| s.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                if !types.iter().any(|t| fits(t, v)) {
                    problems.push(format!("{at}.{key}: {v} is not of type {types:?}"));
                } else if let Some(t) = types.iter().find(|t| fits(t, v)) {
                    check_value(t, v, &format!("{at}.{key}"), problems);
                }
            }
        }
    }
}

/// Whether a value has the shape of a type (recursion into objects is in
/// `check_value`).
fn fits(t: &str, v: &Value) -> bool {
    if let Some(inner) = t.strip_prefix("Array of ") {
        return v
            .as_array()
            .is_some_and(|a| a.iter().all(|x| fits(inner, x)));
    }
    match t {
        "Integer" => v.is_i64() || v.is_u64(),
        "Float" => v.is_number(),
        "String" => v.is_string(),
        "Boolean" => v.is_boolean(),
        "InputFile" => v.is_string() || v.is_object(),
        _ => v.is_object(),
    }
}

fn check_value(t: &str, v: &Value, at: &str, problems: &mut Vec<String>) {
    if let Some(inner) = t.strip_prefix("Array of ") {
        for (i, x) in v.as_array().into_iter().flatten().enumerate() {
            check_value(inner, x, &format!("{at}[{i}]"), problems);
        }
        return;
    }
    let ty = &spec()["types"][t];
    if ty.is_null() {
        return;
    }
    if let Some(subtypes) = ty["subtypes"].as_array() {
        // A union: one of the variants must take the value as it is.
        let fits_one = subtypes.iter().filter_map(Value::as_str).any(|s| {
            let mut p = Vec::new();
            check_value(s, v, at, &mut p);
            p.is_empty()
        });
        if !fits_one {
            problems.push(format!("{at}: {v} fits none of {subtypes:?}"));
        }
        return;
    }
    if let Some(fields) = ty["fields"].as_array() {
        check_fields(fields, v, at, problems);
    }
}

fn check_limits(method: &str, body: &Value, problems: &mut Vec<String>) {
    let chars = |v: &Value| v.as_str().map_or(0, |s| visible(s).chars().count());
    match method {
        "sendmessage" | "editmessagetext" => {
            let n = chars(&body["text"]);
            if !(1..=4096).contains(&n) {
                problems.push(format!("text of {n} characters (1-4096)"));
            }
            if body["parse_mode"] == "HTML"
                && !balanced_html(body["text"].as_str().unwrap_or_default())
            {
                problems.push("text is not balanced HTML".to_owned());
            }
        }
        "answercallbackquery" if chars(&body["text"]) > 200 => {
            problems.push("callback answer text over 200 characters".to_owned());
        }
        "answerinlinequery" => {
            let results = body["results"].as_array().cloned().unwrap_or_default();
            if results.len() > 50 {
                problems.push(format!("{} inline results (at most 50)", results.len()));
            }
            for r in &results {
                let id = r["id"].as_str().unwrap_or_default();
                if !(1..=64).contains(&id.len()) {
                    problems.push(format!("inline result id of {} bytes (1-64)", id.len()));
                }
                let content = &r["input_message_content"];
                let n = chars(&content["message_text"]);
                if !(1..=4096).contains(&n) {
                    problems.push(format!("inline message text of {n} characters (1-4096)"));
                }
                if content["parse_mode"] == "HTML"
                    && !balanced_html(content["message_text"].as_str().unwrap_or_default())
                {
                    problems.push("inline message text is not balanced HTML".to_owned());
                }
                check_limits("", r, problems);
            }
        }
        "sendpoll" => {
            if !(1..=300).contains(&chars(&body["question"])) {
                problems.push("poll question of 1-300 characters".to_owned());
            }
            let options = body["options"].as_array().cloned().unwrap_or_default();
            if !(2..=12).contains(&options.len()) {
                problems.push(format!("{} poll options (2-12)", options.len()));
            }
            for o in &options {
                if !(1..=100).contains(&chars(&o["text"])) {
                    problems.push(format!("poll option {} not of 1-100 characters", o["text"]));
                }
            }
            let explanation = body["explanation"].as_str().unwrap_or_default();
            if explanation.chars().count() > 200 || explanation.matches('\n').count() > 2 {
                problems.push("explanation over 200 characters or 2 line feeds".to_owned());
            }
            if let Some(p) = body["open_period"].as_u64()
                && !(5..=600).contains(&p)
            {
                problems.push(format!("open_period {p} (5-600)"));
            }
        }
        "setmycommands" => {
            for c in body["commands"].as_array().into_iter().flatten() {
                let name = c["command"].as_str().unwrap_or_default();
                let ok_name = (1..=32).contains(&name.len())
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                if !ok_name || !(1..=256).contains(&chars(&c["description"])) {
                    problems.push(format!("bad command {c}"));
                }
            }
        }
        _ => {}
    }
    for row in body["reply_markup"]["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
    {
        for b in row.as_array().into_iter().flatten() {
            if let Some(data) = b["callback_data"].as_str()
                && !(1..=64).contains(&data.len())
            {
                problems.push(format!("callback_data of {} bytes (1-64)", data.len()));
            }
        }
    }
}

/// The text as Telegram counts it: HTML tags removed, entities decoded.
fn visible(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// Every opened tag is closed, in order, and nothing but the allowed
/// entities follows an ampersand.
fn balanced_html(html: &str) -> bool {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let Some(end) = rest[start..].find('>') else {
            return false;
        };
        let tag = &rest[start + 1..start + end];
        if let Some(closing) = tag.strip_prefix('/') {
            if stack.pop().as_deref() != Some(closing) {
                return false;
            }
        } else {
            stack.push(tag.split_whitespace().next().unwrap_or_default().to_owned());
        }
        rest = &rest[start + end + 1..];
    }
    let amps_ok = html.match_indices('&').all(|(i, _)| {
        ["&lt;", "&gt;", "&amp;", "&quot;"]
            .iter()
            .any(|e| html[i..].starts_with(e))
    });
    stack.is_empty() && amps_ok
}

/// A TCP balancer on loopback, in front of several instances of the bot as
/// a proxy would be: each connection goes to the next backend in turn, or
/// the one after if that one does not answer (a dead instance). Returns its
/// address and how many connections each backend took.
#[allow(
    dead_code,
    reason = "used by the instances test and the delivery benchmark"
)]
pub async fn balancer(
    backends: Vec<std::net::SocketAddr>,
) -> (
    std::net::SocketAddr,
    Arc<Vec<std::sync::atomic::AtomicUsize>>,
) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("addr");
    let taken: Arc<Vec<AtomicUsize>> =
        Arc::new(backends.iter().map(|_| AtomicUsize::new(0)).collect());
    let counts = taken.clone();
    tokio::spawn(async move {
        let next = AtomicUsize::new(0);
        while let Ok((mut inbound, _)) = listener.accept().await {
            let start = next.fetch_add(1, Ordering::Relaxed);
            let (backends, counts) = (backends.clone(), counts.clone());
            tokio::spawn(async move {
                for k in 0..backends.len() {
                    let i = (start + k) % backends.len();
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(backends[i]).await {
                        counts[i].fetch_add(1, Ordering::Relaxed);
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                        return;
                    }
                }
            });
        }
    });
    (addr, taken)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checker_catches_what_it_must() {
        assert!(
            check(
                "sendMessage".to_lowercase().as_str(),
                &json!({"chat_id": 1, "text": "hi"})
            )
            .is_empty()
        );
        assert_eq!(
            check("sendmessage", &json!({"text": "hi"})),
            ["sendmessage: required field `chat_id` is missing"]
        );
        assert_eq!(
            check(
                "sendmessage",
                &json!({"chat_id": 1, "text": "hi", "colour": 1})
            ),
            ["sendmessage: unknown field `colour`"]
        );
        assert_eq!(
            check("sendmesage", &json!({})),
            ["unknown method `sendmesage`"]
        );
        let long = "x".repeat(4097);
        assert!(!check("sendmessage", &json!({"chat_id": 1, "text": long})).is_empty());
        let keyboard =
            json!({"inline_keyboard": [[{"text": "a", "callback_data": "x".repeat(65)}]]});
        let p = check(
            "sendmessage",
            &json!({"chat_id": 1, "text": "q", "reply_markup": keyboard}),
        );
        assert_eq!(p, ["callback_data of 65 bytes (1-64)"]);
        let keyboard = json!({"inline_keyboard": [[{"text": "a", "callback_dta": "x"}]]});
        assert!(
            !check(
                "sendmessage",
                &json!({"chat_id": 1, "text": "q", "reply_markup": keyboard})
            )
            .is_empty()
        );
        assert!(
            !check(
                "sendmessage",
                &json!({"chat_id": 1, "text": "<b>x", "parse_mode": "HTML"})
            )
            .is_empty()
        );
        assert!(
            check(
                "sendmessage",
                &json!({"chat_id": 1, "text": "<b>x</b> &lt;", "parse_mode": "HTML"})
            )
            .is_empty()
        );
    }
}
