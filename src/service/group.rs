//! Group quizzes: timed rounds that every member answers through a native
//! quiz poll. The rounds are driven by the adapter's timer; the rules (one
//! answer per member per round, nothing after the close, faster is worth
//! more) live here.

use anyhow::Context;

use super::{ChatRef, Identity, Question, Service, snapshot};
use crate::game;
use crate::store::{self, NewAnswer, StandingRow};

/// Result of `/quiz` in a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupStart {
    /// `fresh` is false when the same command was handled before.
    Started {
        quiz_id: i64,
        total: i64,
        fresh: bool,
    },
    /// The group already has a quiz running: one at a time.
    AlreadyRunning { quiz_id: i64 },
}

/// A round about to be asked.
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    pub served_id: i64,
    pub quiz_id: i64,
    /// 0-based.
    pub position: i64,
    pub total: i64,
    pub question: Question,
    pub round_seconds: i64,
    /// When the round was shown, if it was (a round resumed after a restart).
    pub served_at: Option<i64>,
    pub closes_at: Option<i64>,
    pub message_id: Option<i64>,
}

/// How a round went, for the message that closes it.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundResult {
    pub round: Round,
    pub answered: i64,
    pub right: i64,
    /// The quiz's standings so far, best first.
    pub standings: Vec<StandingRow>,
}

/// A player of a finished group quiz and their place in the group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Podium {
    /// This quiz's standings, best first.
    pub standings: Vec<StandingRow>,
    /// For each player of the quiz: (player, rank on the group's all-time board).
    pub group_ranks: Vec<(i64, i64)>,
    /// The group's all-time board after the quiz, its top five.
    pub group_board: Vec<StandingRow>,
    pub state: String,
}

/// The result of a member's poll answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollAnswer {
    Recorded {
        correct: bool,
        points: i64,
    },
    /// The member had answered this round: nothing changed.
    AlreadyAnswered,
    /// After the round closed, or to a stopped quiz.
    Closed,
    /// Not a poll of ours, or not open yet.
    Unknown,
    InvalidChoice,
}

/// Result of `/stop` in a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupStop {
    /// Stopped; the round that was open, if any (to close its poll).
    Stopped {
        quiz_id: i64,
        open_message: Option<i64>,
    },
    NotRunning,
    /// Only the member who started it or an admin may stop it.
    NotAllowed,
}

impl Service {
    /// Starts a group quiz of `n` questions with rounds of `round_seconds`.
    pub async fn start_group(
        &self,
        chat: &ChatRef,
        player_id: i64,
        n: u8,
        round_seconds: u32,
        origin: Option<(i64, i64)>,
    ) -> anyhow::Result<GroupStart> {
        let plan = self.plan(n);
        let now = self.now_ms();
        let mut tx = self.store.write().await?;
        if let Some((c, m)) = origin
            && let Some(existing) = store::quiz_by_origin(&mut tx, c, m).await?
        {
            return Ok(GroupStart::Started {
                quiz_id: existing.id,
                total: existing.total,
                fresh: false,
            });
        }
        let chat_id = self.save_chat(&mut tx, chat, now).await?;
        if let Some(running) = store::running_group(&mut tx, chat_id).await? {
            return Ok(GroupStart::AlreadyRunning {
                quiz_id: running.id,
            });
        }
        let total = i64::try_from(plan.len()).context("quiz size")?;
        let quiz = store::NewQuiz {
            mode: "group",
            chat_id: Some(chat_id),
            started_by: player_id,
            total,
            round_seconds: Some(i64::from(round_seconds)),
            now,
            origin,
        };
        let quiz_id = store::insert_quiz(&mut tx, &quiz).await?;
        super::save_plan(&mut tx, quiz_id, &plan).await?;
        tx.commit().await.context("cannot start the group quiz")?;
        Ok(GroupStart::Started {
            quiz_id,
            total,
            fresh: true,
        })
    }

    /// The round a running group quiz is at: the one shown and not closed
    /// (after a restart), else the next one not shown. `None` when every
    /// round is closed, or the quiz is not running.
    pub async fn current_round(&self, quiz_id: i64) -> anyhow::Result<Option<Round>> {
        let mut conn = self.store.read().await?;
        let Some(quiz) = store::quiz(&mut conn, quiz_id).await? else {
            return Ok(None);
        };
        if quiz.state != "running" {
            return Ok(None);
        }
        let rows = store::served_of_quiz(&mut conn, quiz_id).await?;
        let Some(row) = rows.into_iter().find(|r| r.closed_at.is_none()) else {
            return Ok(None);
        };
        Ok(Some(Round {
            served_id: row.id,
            quiz_id,
            position: row.position,
            total: quiz.total,
            question: snapshot(&row.snapshot)?,
            round_seconds: quiz.round_seconds.unwrap_or(30),
            served_at: row.served_at,
            closes_at: row.closes_at,
            message_id: row.message_id,
        }))
    }

    /// Records that a round's poll is on screen: from now, answers count
    /// until `now + round_seconds`. Returns when the round closes (ms).
    pub async fn round_shown(
        &self,
        round: &Round,
        message_id: i64,
        poll_id: &str,
    ) -> anyhow::Result<i64> {
        let now = self.now_ms();
        let closes_at = now + round.round_seconds * 1000;
        let mut tx = self.store.write().await?;
        store::set_message(&mut tx, round.served_id, message_id, Some(poll_id)).await?;
        store::mark_served(&mut tx, round.served_id, now, Some(closes_at)).await?;
        tx.commit().await.context("cannot open the round")?;
        Ok(closes_at)
    }

    /// Records a member's answer to a round's poll; the member, who may
    /// never have talked to the bot, is saved in the same transaction.
    /// Answers after the round closed, to a stopped quiz, or a second one
    /// from the same member do not count.
    pub async fn group_answer(
        &self,
        poll_id: &str,
        who: &Identity,
        choice: usize,
    ) -> anyhow::Result<PollAnswer> {
        // Stamped on arrival: a poll answer carries no time of its own.
        let now = self.now_ms();
        let mut tx = self.store.write().await?;
        let player_id = store::upsert_player(
            &mut tx,
            who.origin,
            &who.external_id,
            &who.name,
            who.lang.code(),
            now,
        )
        .await?
        .id;
        let Some(store::AnswerContext {
            served: row,
            quiz,
            answered,
        }) = store::answer_context_by_poll(&mut tx, poll_id, player_id).await?
        else {
            return Ok(PollAnswer::Unknown);
        };
        let (Some(served_at), Some(closes_at)) = (row.served_at, row.closes_at) else {
            return Ok(PollAnswer::Unknown);
        };
        if answered {
            return Ok(PollAnswer::AlreadyAnswered);
        }
        if quiz.state != "running" || row.closed_at.is_some() || now > closes_at {
            return Ok(PollAnswer::Closed);
        }
        let question = snapshot(&row.snapshot)?;
        if choice >= question.options.len() {
            return Ok(PollAnswer::InvalidChoice);
        }
        let correct = choice == question.correct;
        let elapsed = (now - served_at).max(0);
        let points = game::group_points(correct, elapsed, closes_at - served_at);
        let recorded = store::record_answer(
            &mut tx,
            &NewAnswer {
                served_id: row.id,
                player_id,
                quiz_id: quiz.id,
                chat_id: quiz.chat_id,
                choice: i64::try_from(choice).context("choice")?,
                is_correct: correct,
                points,
                answered_at: now,
                elapsed_ms: elapsed,
                week: game::week_of(now),
            },
        )
        .await?;
        if !recorded {
            return Ok(PollAnswer::AlreadyAnswered);
        }
        tx.commit().await.context("cannot save the answer")?;
        Ok(PollAnswer::Recorded { correct, points })
    }

    /// Closes a round (once: `None` if it was closed already) and returns how
    /// it went. The quiz is finished when this was its last round.
    pub async fn close_round(&self, round: &Round) -> anyhow::Result<Option<RoundResult>> {
        let now = self.now_ms();
        let mut tx = self.store.write().await?;
        if !store::close_round(&mut tx, round.served_id, now).await? {
            return Ok(None);
        }
        let (answered, right) = store::round_counts(&mut tx, round.served_id).await?;
        let standings = store::quiz_scores(&mut tx, round.quiz_id).await?;
        tx.commit().await.context("cannot close the round")?;
        Ok(Some(RoundResult {
            round: round.clone(),
            answered,
            right,
            standings,
        }))
    }

    /// Ends a group quiz (`finished`, or `stopped`) and returns its podium.
    pub async fn end_group(&self, quiz_id: i64, state: &str) -> anyhow::Result<Podium> {
        let now = self.now_ms();
        let mut tx = self.store.write().await?;
        store::end_quiz(&mut tx, quiz_id, state, now).await?;
        let quiz = store::quiz(&mut tx, quiz_id)
            .await?
            .context("no such quiz")?;
        let standings = store::quiz_scores(&mut tx, quiz_id).await?;
        let mut group_ranks = Vec::new();
        let mut group_board = Vec::new();
        if let Some(chat) = quiz.chat_id {
            for s in &standings {
                if let Some((points, _, _)) = store::standing(&mut tx, chat, 0, s.player_id).await?
                {
                    group_ranks
                        .push((s.player_id, store::rank_of(&mut tx, chat, 0, points).await?));
                }
            }
            group_board = store::top(&mut tx, chat, 0, 5).await?;
        }
        tx.commit().await.context("cannot end the quiz")?;
        Ok(Podium {
            standings,
            group_ranks,
            group_board,
            state: quiz.state,
        })
    }

    /// `/stop` in a group: by the member who started the quiz, or an admin.
    pub async fn stop_group(
        &self,
        chat_telegram_id: i64,
        player_id: i64,
        is_admin: bool,
    ) -> anyhow::Result<GroupStop> {
        let now = self.now_ms();
        let mut tx = self.store.write().await?;
        let Some(chat) = store::chat_by_telegram_id(&mut tx, chat_telegram_id).await? else {
            return Ok(GroupStop::NotRunning);
        };
        let Some(quiz) = store::running_group(&mut tx, chat).await? else {
            return Ok(GroupStop::NotRunning);
        };
        if quiz.started_by != player_id && !is_admin {
            return Ok(GroupStop::NotAllowed);
        }
        store::end_quiz(&mut tx, quiz.id, "stopped", now).await?;
        let open = store::served_of_quiz(&mut tx, quiz.id)
            .await?
            .into_iter()
            .find(|r| r.served_at.is_some() && r.closed_at.is_none());
        if let Some(round) = &open {
            store::close_round(&mut tx, round.id, now).await?;
        }
        tx.commit().await.context("cannot stop the quiz")?;
        Ok(GroupStop::Stopped {
            quiz_id: quiz.id,
            open_message: open.and_then(|r| r.message_id),
        })
    }

    /// Every running group quiz, with its chat's Telegram id.
    pub async fn running_group_quizzes(&self) -> anyhow::Result<Vec<(i64, i64)>> {
        let mut conn = self.store.read().await?;
        store::running_group_chats(&mut conn).await
    }

    /// Solo quizzes untouched for `idle_ms` are stopped (answers kept): no
    /// quiz stays running forever. Returns how many.
    pub async fn stop_idle_solo(&self, idle_ms: i64) -> anyhow::Result<u64> {
        let now = self.now_ms();
        let mut tx = self.store.write().await?;
        let n = store::stop_idle_solo(&mut tx, now - idle_ms, now).await?;
        tx.commit().await.context("cannot stop idle quizzes")?;
        Ok(n)
    }
}
