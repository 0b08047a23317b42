//! Players and chats.

use anyhow::Context;
use rusqlite::{Connection, OptionalExtension, Row, params};

/// Where a player comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Telegram,
    Terminal,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Telegram => "telegram",
            Origin::Terminal => "terminal",
        }
    }
}

/// A player as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayerRow {
    pub id: i64,
    pub display_name: String,
    pub lang: String,
    pub lang_chosen: bool,
    pub streak: i64,
    pub best_streak: i64,
}

const PLAYER_COLUMNS: &str = "id, display_name, lang, lang_chosen, streak, best_streak";

fn player_row(row: &Row<'_>) -> rusqlite::Result<PlayerRow> {
    Ok(PlayerRow {
        id: row.get(0)?,
        display_name: row.get(1)?,
        lang: row.get(2)?,
        lang_chosen: row.get(3)?,
        streak: row.get(4)?,
        best_streak: row.get(5)?,
    })
}

/// Finds or creates a player and refreshes the display name and, unless the
/// player chose one, the language. A player whose name and language did not
/// change costs no write.
pub fn upsert_player(
    conn: &Connection,
    origin: Origin,
    external_id: &str,
    display_name: &str,
    lang: &str,
    now: i64,
) -> anyhow::Result<PlayerRow> {
    let found = conn
        .prepare_cached(&format!(
            "SELECT {PLAYER_COLUMNS} FROM players WHERE origin = ?1 AND external_id = ?2"
        ))?
        .query_row(params![origin.as_str(), external_id], player_row)
        .optional()
        .context("cannot read the player")?;
    if let Some(p) = found
        && p.display_name == display_name
        && (p.lang_chosen || p.lang == lang)
    {
        return Ok(p);
    }
    conn.prepare_cached(&format!(
        "INSERT INTO players (origin, external_id, display_name, lang, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (origin, external_id) DO UPDATE SET
             display_name = excluded.display_name,
             lang = CASE WHEN players.lang_chosen = 1 THEN players.lang ELSE excluded.lang END
         RETURNING {PLAYER_COLUMNS}"
    ))?
    .query_row(
        params![origin.as_str(), external_id, display_name, lang, now],
        player_row,
    )
    .context("cannot save the player")
}

/// The id of a player known by origin and external id.
pub fn player_id(
    conn: &Connection,
    origin: Origin,
    external_id: &str,
) -> anyhow::Result<Option<i64>> {
    conn.prepare_cached("SELECT id FROM players WHERE origin = ?1 AND external_id = ?2")?
        .query_row(params![origin.as_str(), external_id], |r| r.get(0))
        .optional()
        .context("cannot read the player")
}

pub fn player(conn: &Connection, id: i64) -> anyhow::Result<Option<PlayerRow>> {
    conn.prepare_cached(&format!(
        "SELECT {PLAYER_COLUMNS} FROM players WHERE id = ?1"
    ))?
    .query_row([id], player_row)
    .optional()
    .context("cannot read the player")
}

/// Records a language the player chose: it wins over Telegram's from now on.
pub fn choose_lang(conn: &Connection, player_id: i64, lang: &str) -> anyhow::Result<()> {
    conn.prepare_cached("UPDATE players SET lang = ?1, lang_chosen = 1 WHERE id = ?2")?
        .execute(params![lang, player_id])
        .context("cannot save the language")?;
    Ok(())
}

/// Finds or creates a chat by its Telegram id; returns its row id.
pub fn upsert_chat(
    conn: &Connection,
    telegram_id: i64,
    kind: &str,
    title: Option<&str>,
    now: i64,
) -> anyhow::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO chats (telegram_id, kind, title, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (telegram_id) DO UPDATE SET kind = excluded.kind, title = COALESCE(excluded.title, chats.title)
         RETURNING id",
    )?
    .query_row(params![telegram_id, kind, title, now], |r| r.get(0))
    .context("cannot save the chat")
}

/// The row id of a chat known by its Telegram id.
pub fn chat_by_telegram_id(conn: &Connection, telegram_id: i64) -> anyhow::Result<Option<i64>> {
    conn.prepare_cached("SELECT id FROM chats WHERE telegram_id = ?1")?
        .query_row([telegram_id], |r| r.get(0))
        .optional()
        .context("cannot read the chat")
}

/// The Telegram id of a chat known by its row id.
pub fn chat_telegram_id(conn: &Connection, id: i64) -> anyhow::Result<Option<i64>> {
    conn.prepare_cached("SELECT telegram_id FROM chats WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()
        .context("cannot read the chat")
}
