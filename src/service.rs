//! The use cases every adapter shares: start a quiz, ask the next question,
//! answer, stop; a player's stats; leaderboards. Each loads state, applies
//! the game's rules and persists in one transaction, then returns a view.
//! Expected outcomes ("already answered", "not yours", "quiz over") are
//! values; errors are only what went wrong underneath.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::Context;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sqlx::SqliteConnection;

use crate::facts::Corpus;
use crate::game;
use crate::i18n::Lang;
use crate::quiz::Bank;
pub use crate::quiz::Question;
use crate::store::{self, NewAnswer, Origin, StandingRow, Store};

mod group;
pub use group::{GroupStart, GroupStop, Podium, PollAnswer, Round, RoundResult};

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

    pub fn set(&self, now_ms: i64) {
        self.0.store(now_ms, Ordering::SeqCst);
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
    /// `finished` or `stopped`.
    pub state: String,
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
    pub rows: Vec<StandingRow>,
    pub me: Option<StandingRow>,
    pub players: i64,
}

/// Title of an article, for "where the quote comes from".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ArticleInfo {
    pub title: String,
    pub title_en: Option<String>,
}

/// The use cases, over a store and a question bank.
pub struct Service {
    store: Store,
    bank: Arc<Bank>,
    articles: HashMap<String, ArticleInfo>,
    rng: Mutex<ChaCha8Rng>,
    clock: Arc<dyn Clock>,
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
        let articles = corpus
            .articles
            .iter()
            .map(|a| {
                let info = ArticleInfo {
                    title: a.meta.title.clone(),
                    title_en: a.meta.title_en.clone(),
                };
                (a.article.slug().to_owned(), info)
            })
            .collect();
        let rng = match seed {
            Some(s) => ChaCha8Rng::seed_from_u64(s),
            None => rand::make_rng(),
        };
        Service {
            store,
            bank: Arc::new(bank),
            articles,
            rng: Mutex::new(rng),
            clock,
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// The title of an article, for a quote's source line.
    pub fn article(&self, slug: &str) -> ArticleInfo {
        self.articles.get(slug).cloned().unwrap_or_default()
    }

    /// Finds or creates the player, refreshing their name.
    pub async fn enter(&self, who: &Identity) -> anyhow::Result<Player> {
        let mut tx = self.store.write().await?;
        let row = store::upsert_player(
            &mut tx,
            who.origin,
            &who.external_id,
            &who.name,
            who.lang.code(),
            self.now_ms(),
        )
        .await?;
        tx.commit().await.context("cannot save the player")?;
        Ok(Player {
            id: row.id,
            name: row.display_name,
            lang: Lang::from_code(&row.lang),
        })
    }

    /// Records the language a player chose.
    pub async fn choose_lang(&self, player_id: i64, lang: Lang) -> anyhow::Result<()> {
        let mut tx = self.store.write().await?;
        store::choose_lang(&mut tx, player_id, lang.code()).await?;
        tx.commit().await.context("cannot save the language")
    }

    /// Starts a solo quiz of `n` questions (1-20, clamped). A solo quiz the
    /// player had running is stopped first; its summary is returned. With an
    /// `origin` (the Telegram message that asked), a message delivered again
    /// finds the quiz it started instead of starting another.
    pub async fn start_solo(
        &self,
        player_id: i64,
        chat: Option<&ChatRef>,
        n: u8,
        origin: Option<(i64, i64)>,
    ) -> anyhow::Result<(i64, Option<QuizSummary>)> {
        let plan = self.plan(n);
        let now = self.now_ms();
        let mut tx = self.store.write().await?;
        if let Some((chat, message)) = origin
            && let Some(existing) = store::quiz_by_origin(&mut tx, chat, message).await?
        {
            return Ok((existing.id, None));
        }
        let chat_id = match chat {
            Some(c) => Some(self.save_chat(&mut tx, c, now).await?),
            None => None,
        };
        let replaced = match store::running_solo(&mut tx, player_id).await? {
            Some(old) => {
                store::end_quiz(&mut tx, old.id, "stopped", now).await?;
                Some(summary(&mut tx, old.id, player_id, old.total, "stopped", true).await?)
            }
            None => None,
        };
        let quiz = store::NewQuiz {
            mode: "solo",
            chat_id,
            started_by: player_id,
            total: i64::try_from(plan.len()).context("quiz size")?,
            round_seconds: None,
            now,
            origin,
        };
        let quiz_id = store::insert_quiz(&mut tx, &quiz).await?;
        save_plan(&mut tx, quiz_id, &plan).await?;
        tx.commit().await.context("cannot start the quiz")?;
        Ok((quiz_id, replaced))
    }

    /// The questions of a new quiz, chosen with the service's rng.
    pub(crate) fn plan(&self, n: u8) -> Vec<Question> {
        let n = usize::from(n.clamp(1, 20));
        let mut rng = self
            .rng
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        game::plan_quiz(&self.bank, n, &mut *rng)
    }

    pub(crate) async fn save_chat(
        &self,
        conn: &mut SqliteConnection,
        chat: &ChatRef,
        now: i64,
    ) -> anyhow::Result<i64> {
        let kind = if chat.group { "group" } else { "private" };
        store::upsert_chat(conn, chat.telegram_id, kind, chat.title.as_deref(), now).await
    }

    /// The next step of a solo quiz: the question shown but not answered yet
    /// (again), or the next one, or the end (the quiz is then finished).
    pub async fn next(&self, quiz_id: i64, player_id: i64) -> anyhow::Result<Step> {
        let now = self.now_ms();
        let mut tx = self.store.write().await?;
        let quiz = store::quiz(&mut tx, quiz_id)
            .await?
            .context("no such quiz")?;
        if quiz.state != "running" {
            let s = summary(&mut tx, quiz_id, player_id, quiz.total, &quiz.state, false).await?;
            tx.commit().await?;
            return Ok(Step::Over(s));
        }
        let step = solo_step(&mut tx, &quiz, player_id, now).await?;
        tx.commit().await.context("cannot move the quiz on")?;
        Ok(step)
    }

    /// Records a solo answer: option `choice` (0-based) of served question
    /// `served_id`, by `player_id`.
    pub async fn answer(
        &self,
        served_id: i64,
        player_id: i64,
        choice: usize,
    ) -> anyhow::Result<AnswerOutcome> {
        let now = self.now_ms();
        let mut tx = self.store.write().await?;
        let Some(store::AnswerContext {
            served: row,
            quiz,
            answered,
        }) = store::answer_context(&mut tx, served_id, player_id).await?
        else {
            return Ok(AnswerOutcome::Unknown);
        };
        let Some(served_at) = row.served_at else {
            return Ok(AnswerOutcome::Unknown);
        };
        if quiz.mode != "solo" {
            return Ok(AnswerOutcome::Unknown);
        }
        if quiz.started_by != player_id {
            return Ok(AnswerOutcome::NotYours);
        }
        if answered {
            return Ok(AnswerOutcome::AlreadyAnswered { quiz_id: quiz.id });
        }
        if quiz.state != "running" {
            return Ok(AnswerOutcome::QuizOver);
        }
        let question = snapshot(&row.snapshot)?;
        if choice >= question.options.len() {
            return Ok(AnswerOutcome::InvalidChoice);
        }
        let correct = choice == question.correct;
        let (_, streak_before) = store::solo_progress(&mut tx, quiz.id, player_id).await?;
        let points = game::solo_points(correct, streak_before);
        let recorded = store::record_answer(
            &mut tx,
            &NewAnswer {
                served_id,
                player_id,
                quiz_id: quiz.id,
                chat_id: quiz.chat_id,
                choice: i64::try_from(choice).context("choice")?,
                is_correct: correct,
                points,
                answered_at: now,
                elapsed_ms: (now - served_at).max(0),
                week: game::week_of(now),
            },
        )
        .await?;
        if !recorded {
            return Ok(AnswerOutcome::AlreadyAnswered { quiz_id: quiz.id });
        }
        // What comes next is decided in the same transaction: one commit
        // per press, not two.
        let next = solo_step(&mut tx, &quiz, player_id, now).await?;
        tx.commit().await.context("cannot save the answer")?;
        Ok(AnswerOutcome::Recorded(Box::new(Recorded {
            quiz_id: quiz.id,
            served_id,
            position: row.position,
            total: quiz.total,
            question,
            choice,
            correct,
            points,
            streak: if correct { streak_before + 1 } else { 0 },
            message_id: row.message_id,
            next,
        })))
    }

    /// Stops the player's running solo quiz; what was answered is kept.
    pub async fn stop(&self, player_id: i64) -> anyhow::Result<Option<QuizSummary>> {
        let now = self.now_ms();
        let mut tx = self.store.write().await?;
        let Some(quiz) = store::running_solo(&mut tx, player_id).await? else {
            return Ok(None);
        };
        store::end_quiz(&mut tx, quiz.id, "stopped", now).await?;
        let s = summary(&mut tx, quiz.id, player_id, quiz.total, "stopped", true).await?;
        tx.commit().await.context("cannot stop the quiz")?;
        Ok(Some(s))
    }

    /// The running solo quiz of a player, if any.
    pub async fn running_solo(&self, player_id: i64) -> anyhow::Result<Option<i64>> {
        let mut conn = self.store.read().await?;
        Ok(store::running_solo(&mut conn, player_id)
            .await?
            .map(|q| q.id))
    }

    /// Remembers the Telegram message that shows a served question.
    pub async fn set_message(
        &self,
        served_id: i64,
        message_id: i64,
        poll_id: Option<&str>,
    ) -> anyhow::Result<()> {
        let mut tx = self.store.write().await?;
        store::set_message(&mut tx, served_id, message_id, poll_id).await?;
        tx.commit().await.context("cannot save the message id")
    }

    /// A player's statistics; the rank is global and all-time.
    pub async fn stats(&self, player_id: i64) -> anyhow::Result<Stats> {
        let mut conn = self.store.read().await?;
        let player = store::player(&mut conn, player_id)
            .await?
            .context("no such player")?;
        let standing = store::standing(&mut conn, 0, 0, player_id).await?;
        let rank = match standing {
            Some((points, _, _)) => Some(store::rank_of(&mut conn, 0, 0, points).await?),
            None => None,
        };
        let (points, answered, correct) = standing.unwrap_or_default();
        Ok(Stats {
            points,
            answered,
            correct,
            streak: player.streak,
            best_streak: player.best_streak,
            rank,
            players: store::players_in(&mut conn, 0, 0).await?,
        })
    }

    /// A leaderboard of `limit` lines, with `me`'s line even outside them.
    pub async fn leaderboard(
        &self,
        scope: Scope,
        period: Period,
        limit: u32,
        me: Option<i64>,
    ) -> anyhow::Result<Leaderboard> {
        let mut conn = self.store.read().await?;
        let scope = match scope {
            Scope::Global => 0,
            Scope::Chat(telegram_id) => {
                match store::chat_by_telegram_id(&mut conn, telegram_id).await? {
                    Some(id) => id,
                    None => {
                        return Ok(Leaderboard {
                            rows: Vec::new(),
                            me: None,
                            players: 0,
                        });
                    }
                }
            }
        };
        let period = match period {
            Period::AllTime => 0,
            Period::ThisWeek => game::week_of(self.now_ms()),
        };
        let rows = store::top(&mut conn, scope, period, i64::from(limit)).await?;
        let me = match me {
            Some(id) => match rows.iter().find(|r| r.player_id == id) {
                Some(row) => Some(row.clone()),
                None => match store::standing(&mut conn, scope, period, id).await? {
                    Some((points, answered, correct)) => Some(StandingRow {
                        rank: store::rank_of(&mut conn, scope, period, points).await?,
                        player_id: id,
                        name: store::player(&mut conn, id)
                            .await?
                            .map(|p| p.display_name)
                            .unwrap_or_default(),
                        points,
                        answered,
                        correct,
                    }),
                    None => None,
                },
            },
            None => None,
        };
        let players = store::players_in(&mut conn, scope, period).await?;
        Ok(Leaderboard { rows, me, players })
    }
}

/// The step a running solo quiz is at: the first question not yet shown
/// (now marked shown), or the first shown but unanswered one (again), or,
/// when all are answered, the end (the quiz is then finished).
async fn solo_step(
    conn: &mut SqliteConnection,
    quiz: &store::QuizRow,
    player_id: i64,
    now: i64,
) -> anyhow::Result<Step> {
    let rows = store::solo_questions(conn, quiz.id, player_id).await?;
    let Some((row, answered)) = rows
        .into_iter()
        .find(|(row, answered)| row.served_at.is_none() || !answered)
    else {
        store::end_quiz(conn, quiz.id, "finished", now).await?;
        return Ok(Step::Over(
            summary(conn, quiz.id, player_id, quiz.total, "finished", true).await?,
        ));
    };
    debug_assert!(!answered);
    let again = row.served_at.is_some();
    if !again {
        store::mark_served(conn, row.id, now, None).await?;
    }
    Ok(Step::Ask(Box::new(Asked {
        served_id: row.id,
        quiz_id: quiz.id,
        position: row.position,
        total: quiz.total,
        question: snapshot(&row.snapshot)?,
        again,
        message_id: row.message_id,
    })))
}

/// Saves the planned questions of a quiz, in order.
pub(crate) async fn save_plan(
    conn: &mut SqliteConnection,
    quiz_id: i64,
    plan: &[Question],
) -> anyhow::Result<()> {
    for (position, q) in plan.iter().enumerate() {
        let snapshot = serde_json::to_string(q).context("cannot encode a question")?;
        let position = i64::try_from(position).context("position")?;
        let correct = i64::try_from(q.correct).context("correct")?;
        store::insert_served(conn, quiz_id, position, &q.id, &snapshot, correct).await?;
    }
    Ok(())
}

/// The question as it was shown.
pub(crate) fn snapshot(json: &str) -> anyhow::Result<Question> {
    serde_json::from_str(json).context("a stored question cannot be read")
}

/// A player's summary of a quiz; `ended_now` when this call ended it.
pub(crate) async fn summary(
    conn: &mut SqliteConnection,
    quiz_id: i64,
    player_id: i64,
    total: i64,
    state: &str,
    ended_now: bool,
) -> anyhow::Result<QuizSummary> {
    let scores = store::quiz_scores(conn, quiz_id).await?;
    let mine = scores.iter().find(|s| s.player_id == player_id);
    let (points, answered, correct) = mine.map_or((0, 0, 0), |s| (s.points, s.answered, s.correct));
    let global = store::standing(conn, 0, 0, player_id).await?;
    let rank = match global {
        Some((p, _, _)) => store::rank_of(conn, 0, 0, p).await?,
        None => store::players_in(conn, 0, 0).await? + 1,
    };
    Ok(QuizSummary {
        quiz_id,
        total,
        answered,
        correct,
        points,
        state: state.to_owned(),
        rank,
        players: store::players_in(conn, 0, 0).await?.max(rank),
        ended_now,
    })
}
