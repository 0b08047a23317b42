//! A player's statistics and the leaderboards.

use std::sync::Arc;

use crate::store::Connection;
use anyhow::Context;

use super::{Clock, Leaderboard, Period, Scope, Standing, Stats};
use crate::game;
use crate::store::{self, Board, Store};

/// Statistics and leaderboards: the use cases that need the database only,
/// not the question bank (`factquiz leaderboard` runs anywhere).
#[derive(Clone)]
pub struct Boards {
    store: Store,
    clock: Arc<dyn Clock>,
}

impl Boards {
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Boards {
        Boards { store, clock }
    }

    /// A player's statistics; the rank is global and all-time.
    pub async fn stats(&self, player_id: i64) -> anyhow::Result<Stats> {
        self.store.read(move |conn| stats(conn, player_id)).await
    }

    /// A leaderboard of `limit` lines, with `me`'s line even outside them;
    /// of one article's answers with `article` (a slug).
    pub async fn leaderboard(
        &self,
        scope: Scope,
        period: Period,
        article: Option<String>,
        limit: u32,
        me: Option<i64>,
    ) -> anyhow::Result<Leaderboard> {
        let now = self.clock.now_ms();
        self.store
            .read(move |conn| {
                leaderboard(conn, now, (scope, period, article.as_deref()), limit, me)
            })
            .await
    }
}

/// A player's statistics; the rank is global and all-time.
pub fn stats(conn: &Connection, player_id: i64) -> anyhow::Result<Stats> {
    let player = store::player(conn, player_id)?.context("no such player")?;
    let standing = store::standing(conn, Board::GLOBAL, player_id)?;
    let rank = match standing {
        Some((points, _, _)) => Some(store::rank_of(conn, Board::GLOBAL, points)?),
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
        players: store::players_in(conn, Board::GLOBAL)?,
    })
}

/// A leaderboard of `limit` lines, with `me`'s line even outside them: of a
/// scope, a period and an article (`None`: every article together).
pub fn leaderboard(
    conn: &Connection,
    now: i64,
    (scope, period, article): (Scope, Period, Option<&str>),
    limit: u32,
    me: Option<i64>,
) -> anyhow::Result<Leaderboard> {
    let scope = match scope {
        Scope::Global => 0,
        Scope::Chat(telegram_id) => match store::chat_by_telegram_id(conn, telegram_id)? {
            Some(id) => id,
            None => {
                return Ok(Leaderboard {
                    rows: Vec::new(),
                    me: None,
                    players: 0,
                });
            }
        },
    };
    let period = match period {
        Period::AllTime => 0,
        Period::ThisWeek => game::week_of(now),
    };
    let board = Board {
        scope,
        period,
        article: article.unwrap_or(""),
    };
    let rows = store::top(conn, board, i64::from(limit))?;
    let me = match me {
        Some(id) => match rows.iter().find(|r| r.player_id == id) {
            Some(row) => Some(row.clone()),
            None => match store::standing(conn, board, id)? {
                Some((points, answered, correct)) => Some(Standing {
                    rank: store::rank_of(conn, board, points)?,
                    player_id: id,
                    name: store::player(conn, id)?
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
    let players = store::players_in(conn, board)?;
    Ok(Leaderboard { rows, me, players })
}
