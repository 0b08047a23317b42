//! The use cases every adapter shares: start a quiz, ask the next question,
//! answer, stop; a player's stats; leaderboards. Each loads the state from
//! the store, applies the game's rules ([`crate::game`]), persists what
//! changed and returns one view; an adapter renders the view and decides
//! nothing.
//!
//! The use cases are plain functions over a connection (`chat`, `solo`,
//! `group`, `boards`), so that an adapter can run one inside the same
//! transaction as its own bookkeeping (the Telegram adapter adds "update
//! handled" and the messages to send). [`Service`] runs them one per
//! transaction for the adapters that need nothing else (the terminal).
//! Expected outcomes ("already answered", "not yours", "quiz over") are
//! values; errors are only what went wrong underneath.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use crate::store::Connection;
use anyhow::Context;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::facts::Corpus;
use crate::game;
pub use crate::game::scoring::Standing;
pub use crate::game::{Origin, QuizState};
use crate::i18n::Lang;
use crate::quiz::Bank;
pub use crate::quiz::Question;
use crate::store::{self, Store};

pub mod boards;
pub mod chat;
pub mod group;
pub mod inline;
pub mod newsroom;
pub mod schedule;
pub mod solo;
pub use chat::{
    Action, ArticleLine, DEFAULT_QUIZ, PressReads, Pressed, QuizAsk, Reply, RoundRef, Said, TopAsk,
};
pub use group::{After, Closed, GroupStart, Podium, Round, RoundResult};

/// Wall-clock time in Unix milliseconds; a parameter so tests are exact.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
}

/// The system clock.
#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
    }
}

/// A clock the tests move by hand.
#[derive(Debug, Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn new(now_ms: i64) -> Self {
        ManualClock(AtomicI64::new(now_ms))
    }

    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Who is playing, as an adapter knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub origin: Origin,
    /// Telegram user id, or the terminal player's name.
    pub external_id: String,
    pub name: String,
    /// The language the adapter guesses (Telegram's `language_code`); a
    /// language chosen with `/lang` wins over it.
    pub lang: Lang,
}

/// A player as the service knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Player {
    pub id: i64,
    pub name: String,
    pub lang: Lang,
}

/// A Telegram chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatRef {
    pub telegram_id: i64,
    pub group: bool,
    pub title: Option<String>,
}

/// A question being asked.
#[derive(Debug, Clone, PartialEq)]
pub struct Asked {
    pub served_id: i64,
    pub quiz_id: i64,
    /// 0-based.
    pub position: i64,
    pub total: i64,
    pub question: Question,
    /// The article it is about: the question names it.
    pub article: ArticleInfo,
    /// The question was shown before and is shown again (after a restart, or
    /// a second `/quiz` answer in the terminal).
    pub again: bool,
    /// The Telegram message that shows it, once sent.
    pub message_id: Option<i64>,
}

/// What comes after an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Ask(Box<Asked>),
    /// The quiz ended: all questions answered (`finished`) or earlier.
    Over(QuizSummary),
}

/// How a quiz ended, for one player.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizSummary {
    pub quiz_id: i64,
    pub total: i64,
    pub answered: i64,
    pub correct: i64,
    pub points: i64,
    /// Finished or stopped.
    pub state: QuizState,
    /// Global all-time rank after the quiz, and out of how many players.
    pub rank: i64,
    pub players: i64,
    /// The quiz ended in this call (not earlier): its summary is news.
    pub ended_now: bool,
}

/// A recorded answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub quiz_id: i64,
    pub served_id: i64,
    pub position: i64,
    pub total: i64,
    pub question: Question,
    pub choice: usize,
    pub correct: bool,
    pub points: i64,
    /// Right answers in a row in this quiz, this one included.
    pub streak: u32,
    /// The Telegram message that shows the question, if any.
    pub message_id: Option<i64>,
    /// The next question (now shown), or the end of the quiz.
    pub next: Step,
    /// The article the question is about, for the quote's source.
    pub article: ArticleInfo,
}

impl Recorded {
    /// The run of right answers to tell the player about, if it is one.
    pub fn streak_to_tell(&self) -> Option<u32> {
        (self.correct && self.streak >= game::solo::TOLD_STREAK).then_some(self.streak)
    }
}

/// The result of an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerOutcome {
    Recorded(Box<Recorded>),
    /// The player had answered this question: nothing changed.
    AlreadyAnswered {
        quiz_id: i64,
    },
    /// Someone else's solo quiz.
    NotYours,
    /// The quiz was stopped or finished, or the round closed.
    QuizOver,
    /// No such question, or it was never shown.
    Unknown,
    /// An option number the question does not have.
    InvalidChoice,
}

/// A player's statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    pub points: i64,
    pub answered: i64,
    pub correct: i64,
    /// Right answers in a row now, and the longest run.
    pub streak: i64,
    pub best_streak: i64,
    /// None until the player has answered.
    pub rank: Option<i64>,
    pub players: i64,
}

impl Stats {
    /// Share of right answers, 0-100.
    pub fn accuracy(&self) -> f64 {
        if self.answered == 0 {
            0.0
        } else {
            self.correct as f64 * 100.0 / self.answered as f64
        }
    }
}

/// Which leaderboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Global,
    /// A chat, by its Telegram id.
    Chat(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    AllTime,
    ThisWeek,
}

/// A leaderboard: the top, and the caller's own line even outside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaderboard {
    pub rows: Vec<Standing>,
    pub me: Option<Standing>,
    pub players: i64,
}

/// Title of an article, for "where the quote comes from".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ArticleInfo {
    pub title: String,
    pub title_en: Option<String>,
    /// The short name a question card and the catalogue show (the title
    /// when the article gives none).
    pub label: String,
    pub label_en: Option<String>,
}

/// A published article, as the catalogue lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleEntry {
    pub slug: String,
    pub info: ArticleInfo,
    /// The article's own date (`YYYY-MM-DD`), if it gives one.
    pub date: Option<String>,
    /// Questions the bank has of it (reviewed facts).
    pub questions: usize,
}

/// The published articles: newest first (by their date, then slug), each
/// with the number of questions the bank has of it. An article with no
/// reviewed fact is not published.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    articles: Vec<ArticleEntry>,
}

impl Catalog {
    pub fn of(corpus: &Corpus, bank: &Bank) -> Catalog {
        let articles: Vec<ArticleEntry> = corpus
            .articles
            .iter()
            .map(|a| {
                let slug = a.article.slug().to_owned();
                ArticleEntry {
                    questions: bank.questions.iter().filter(|q| q.article == slug).count(),
                    slug,
                    info: ArticleInfo {
                        title: a.meta.title.clone(),
                        title_en: a.meta.title_en.clone(),
                        label: a.meta.label.clone().unwrap_or_else(|| a.meta.title.clone()),
                        label_en: a.meta.label_en.clone().or_else(|| a.meta.title_en.clone()),
                    },
                    date: a.meta.date.clone(),
                }
            })
            .filter(|a| a.questions > 0)
            .collect();
        Catalog::from_entries(articles)
    }

    /// A catalogue of these articles, newest first.
    pub fn from_entries(mut articles: Vec<ArticleEntry>) -> Catalog {
        articles.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
        Catalog { articles }
    }

    /// The title of an article (empty for one the bank no longer has).
    pub fn article(&self, slug: &str) -> ArticleInfo {
        self.find(slug).map(|a| a.info.clone()).unwrap_or_default()
    }

    /// The article of a slug, as typed (any case, surrounding space).
    pub fn find(&self, slug: &str) -> Option<&ArticleEntry> {
        let slug = slug.trim().to_lowercase();
        self.articles.iter().find(|a| a.slug == slug)
    }

    /// The newest article, if any is published.
    pub fn newest(&self) -> Option<&ArticleEntry> {
        self.articles.first()
    }

    /// Every published article, newest first.
    pub fn list(&self) -> &[ArticleEntry] {
        &self.articles
    }
}

/// The use cases, over a store and a question bank.
pub struct Service {
    store: Store,
    planner: Planner,
    catalog: Arc<Catalog>,
    clock: Arc<dyn Clock>,
}

/// What plans quizzes: the bank, and the random generator that draws from
/// it (shared, so that a job on the writer thread can plan too).
#[derive(Clone)]
pub struct Planner {
    bank: Arc<Bank>,
    rng: Arc<Mutex<ChaCha8Rng>>,
}

impl Planner {
    /// The questions of a new quiz of `n` (1-20, clamped; fewer when the
    /// article has fewer facts) about `article`, those not in `seen` first.
    pub fn plan(&self, article: &str, seen: &game::Seen, n: u8) -> Vec<Question> {
        let n = usize::from(n.clamp(1, 20));
        let mut rng = self
            .rng
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        game::plan_quiz(&self.bank, Some(article), seen, n, &mut *rng)
    }
}

impl Service {
    /// A service over `store`, asking questions of `bank`. `seed` fixes the
    /// choice and order of questions (tests); `None` draws one from the OS.
    pub fn new(
        store: Store,
        corpus: &Corpus,
        bank: Bank,
        clock: Arc<dyn Clock>,
        seed: Option<u64>,
    ) -> Self {
        let rng = match seed {
            Some(s) => ChaCha8Rng::seed_from_u64(s),
            None => rand::make_rng(),
        };
        Service {
            store,
            catalog: Arc::new(Catalog::of(corpus, &bank)),
            planner: Planner {
                bank: Arc::new(bank),
                rng: Arc::new(Mutex::new(rng)),
            },
            clock,
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// The service's clock, for jobs that run elsewhere.
    pub fn clock(&self) -> Arc<dyn Clock> {
        self.clock.clone()
    }

    /// The articles, for the use cases that name a quote's source.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The questions of a new quiz of `n` (1-20, clamped; fewer when the
    /// article has fewer facts) about `article`, those not in `seen` first,
    /// chosen with the service's rng.
    pub fn plan(&self, article: &str, seen: &game::Seen, n: u8) -> Vec<Question> {
        self.planner.plan(article, seen, n)
    }

    /// Runs `f` with the current time in one transaction of its own.
    async fn run<T, F>(&self, mut f: F) -> anyhow::Result<T>
    where
        F: FnMut(&Connection, i64) -> anyhow::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let clock = self.clock.clone();
        self.store.write(move |conn| f(conn, clock.now_ms())).await
    }

    /// Finds or creates the player, refreshing their name.
    pub async fn enter(&self, who: &Identity) -> anyhow::Result<Player> {
        let who = who.clone();
        self.run(move |conn, now| enter(conn, &who, now)).await
    }

    /// Starts a solo quiz of `n` questions about `article` (the newest
    /// with `None`), the facts the player has not answered first; see
    /// [`solo::start`]. Fails on an article the catalogue does not have.
    pub async fn start_solo(
        &self,
        player_id: i64,
        chat: Option<&ChatRef>,
        n: u8,
        article: Option<&str>,
        origin: Option<(i64, i64)>,
    ) -> anyhow::Result<(i64, Option<QuizSummary>)> {
        let article = match article {
            Some(slug) => self.catalog.find(slug),
            None => self.catalog.newest(),
        }
        .map(|a| a.slug.clone())
        .context("no such article")?;
        let chat = chat.cloned();
        let planner = self.planner.clone();
        self.run(move |conn, now| {
            let seen = store::seen_by_player(conn, player_id)?;
            let plan = planner.plan(&article, &seen, n);
            solo::start(conn, now, player_id, chat.as_ref(), &plan, origin)
                .map(|s| (s.quiz_id, s.replaced))
        })
        .await
    }

    /// The next step of a solo quiz; see [`solo::next`].
    pub async fn next(&self, quiz_id: i64, player_id: i64) -> anyhow::Result<Step> {
        let catalog = self.catalog.clone();
        self.run(move |conn, now| solo::next(conn, &catalog, now, quiz_id, player_id))
            .await
    }

    /// Records a solo answer; see [`solo::answer`].
    pub async fn answer(
        &self,
        served_id: i64,
        player_id: i64,
        choice: usize,
    ) -> anyhow::Result<AnswerOutcome> {
        let catalog = self.catalog.clone();
        self.run(move |conn, now| solo::answer(conn, &catalog, now, served_id, player_id, choice))
            .await
    }

    /// Stops the player's running solo quiz; what was answered is kept.
    pub async fn stop(&self, player_id: i64) -> anyhow::Result<Option<QuizSummary>> {
        self.run(move |conn, now| solo::stop(conn, now, player_id))
            .await
    }

    /// Statistics and leaderboards, over the same store and clock.
    pub fn boards(&self) -> boards::Boards {
        boards::Boards::new(self.store.clone(), self.clock.clone())
    }

    /// Solo quizzes untouched for `idle_ms` are stopped (answers kept): no
    /// quiz stays running forever. Returns how many.
    pub async fn stop_idle_solo(&self, idle_ms: i64) -> anyhow::Result<usize> {
        self.run(move |conn, now| store::stop_idle_solo(conn, now - idle_ms, now))
            .await
    }
}

/// Finds or creates the player behind an identity, refreshing their name.
pub fn enter(conn: &Connection, who: &Identity, now: i64) -> anyhow::Result<Player> {
    let lookup = store::look_up_player(conn, who.origin, &who.external_id)?;
    enter_looked_up(conn, who, now, lookup)
}

/// [`enter`], the player looked up already (the lookup is read now).
pub fn enter_looked_up(
    conn: &Connection,
    who: &Identity,
    now: i64,
    lookup: store::PlayerLookup,
) -> anyhow::Result<Player> {
    let row = lookup.upsert(conn, &who.name, who.lang, now)?;
    Ok(Player {
        id: row.id,
        name: row.display_name,
        lang: row.lang,
    })
}

/// A chat's language (a group's, chosen by its admins; Arabic until then).
pub fn chat_lang(conn: &Connection, telegram_id: i64) -> anyhow::Result<Lang> {
    store::chat_lang(conn, telegram_id)
}

/// Saves a chat; returns its row id.
pub fn save_chat(conn: &Connection, chat: &ChatRef, now: i64) -> anyhow::Result<i64> {
    store::upsert_chat(
        conn,
        chat.telegram_id,
        chat.group,
        chat.title.as_deref(),
        now,
    )
}

/// Saves the planned questions of a quiz, in order.
pub(crate) fn save_plan(conn: &Connection, quiz_id: i64, plan: &[Question]) -> anyhow::Result<()> {
    let planned = plan
        .iter()
        .enumerate()
        .map(|(position, q)| {
            Ok(store::NewServed {
                position: i64::try_from(position).context("position")?,
                question_id: &q.id,
                snapshot: serde_json::to_string(q).context("cannot encode a question")?,
                correct: i64::try_from(q.correct).context("correct")?,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    store::insert_served(conn, quiz_id, &planned)
}

/// The question as it was shown.
pub(crate) fn snapshot(json: &str) -> anyhow::Result<Question> {
    serde_json::from_str(json).context("a stored question cannot be read")
}

/// A player's summary of a quiz; `ended_now` when this call ended it.
pub(crate) fn summary(
    conn: &Connection,
    quiz_id: i64,
    player_id: i64,
    total: i64,
    state: QuizState,
    ended_now: bool,
) -> anyhow::Result<QuizSummary> {
    let scores = store::quiz_scores(conn, quiz_id)?;
    let mine = scores.iter().find(|s| s.player_id == player_id);
    let (points, answered, correct) = mine.map_or((0, 0, 0), |s| (s.points, s.answered, s.correct));
    let global = store::standing(conn, store::Board::GLOBAL, player_id)?;
    let players = store::players_in(conn, store::Board::GLOBAL)?;
    let rank = match global {
        Some((p, _, _)) => store::rank_of(conn, store::Board::GLOBAL, p)?,
        None => players + 1,
    };
    Ok(QuizSummary {
        quiz_id,
        total,
        answered,
        correct,
        points,
        state,
        rank,
        players: players.max(rank),
        ended_now,
    })
}
