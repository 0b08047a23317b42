//! Players and chats.

use std::sync::LazyLock;

use super::sql::{Connection, Later, OptionalExtension, Row, ToSql, params};
use anyhow::Context;

use crate::game::Origin;
use crate::i18n::Lang;

/// A player as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayerRow {
    pub id: i64,
    pub display_name: String,
    pub lang: Lang,
    pub lang_chosen: bool,
    pub streak: i64,
    pub best_streak: i64,
}

const PLAYER_COLUMNS: &str = "id, display_name, lang, lang_chosen, streak, best_streak";

fn player_row(row: &Row<'_>) -> super::sql::Result<PlayerRow> {
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
    lang: Lang,
    now: i64,
) -> anyhow::Result<PlayerRow> {
    look_up_player(conn, origin, external_id)?.upsert(conn, display_name, lang, now)
}

/// A player asked for and not read yet (see [`look_up_player`]).
pub struct PlayerLookup {
    origin: Origin,
    external_id: String,
    found: Later<Option<PlayerRow>>,
}

/// Asks for the player known by origin and external id. On PostgreSQL the
/// question is sent now and answered with the job's next statement waited
/// for: the player and what the job reads next take one round trip.
pub fn look_up_player(
    conn: &Connection,
    origin: Origin,
    external_id: &str,
) -> anyhow::Result<PlayerLookup> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!("SELECT {PLAYER_COLUMNS} FROM players WHERE origin = ?1 AND external_id = ?2")
    });
    let found = conn
        .defer_query_optional(&SQL, params![origin, external_id], player_row)
        .context("cannot read the player")?;
    Ok(PlayerLookup {
        origin,
        external_id: external_id.to_owned(),
        found,
    })
}

impl PlayerLookup {
    /// The player looked up, created if there was none, with the display
    /// name and (unless the player chose one) the language refreshed; as
    /// [`upsert_player`] says.
    pub fn upsert(
        self,
        conn: &Connection,
        display_name: &str,
        lang: Lang,
        now: i64,
    ) -> anyhow::Result<PlayerRow> {
        let found = self.found.wait(conn).context("cannot read the player")?;
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
            params![self.origin, self.external_id, display_name, lang, now],
            player_row,
        )
        .context("cannot save the player")
    }
}

/// The id of a player known by origin and external id.
pub fn player_id(
    conn: &Connection,
    origin: Origin,
    external_id: &str,
) -> anyhow::Result<Option<i64>> {
    conn.prepare_cached("SELECT id FROM players WHERE origin = ?1 AND external_id = ?2")?
        .query_row(params![origin, external_id], |r| r.get(0))
        .optional()
        .context("cannot read the player")
}

/// [`upsert_player`] for many Telegram users at once (the voters of a
/// batch of votes): a few statements, not two a voter. Returns each user's
/// player id.
pub fn upsert_telegram_players(
    conn: &Connection,
    users: &[(i64, &str, Lang)],
    now: i64,
) -> anyhow::Result<std::collections::HashMap<i64, i64>> {
    let mut ids = std::collections::HashMap::with_capacity(users.len());
    // One row per user (the last name seen wins).
    let mut unique: std::collections::BTreeMap<i64, (&str, Lang)> =
        std::collections::BTreeMap::new();
    for &(user, name, lang) in users {
        unique.insert(user, (name, lang));
    }
    let rows: Vec<(String, &str, Lang)> = unique
        .iter()
        .map(|(user, (name, lang))| (user.to_string(), *name, *lang))
        .collect();
    for chunk in rows.chunks(1000) {
        // New players and changed names come back; the others are read.
        let values = vec!["('telegram', ?, ?, ?, ?)"; chunk.len()].join(", ");
        let sql = format!(
            "INSERT INTO players (origin, external_id, display_name, lang, created_at) VALUES {values}
             ON CONFLICT (origin, external_id) DO UPDATE SET
                 display_name = excluded.display_name,
                 lang = CASE WHEN players.lang_chosen = 1 THEN players.lang ELSE excluded.lang END
             WHERE players.display_name IS DISTINCT FROM excluded.display_name
                OR (players.lang_chosen = 0 AND players.lang IS DISTINCT FROM excluded.lang)
             RETURNING external_id, id"
        );
        let params: Vec<&dyn ToSql> = chunk
            .iter()
            .flat_map(|(user, name, lang)| [user as &dyn ToSql, name, lang, &now])
            .collect();
        let returned = conn
            .prepare_cached(&sql)?
            .rows(params.as_slice(), |r| {
                Ok((r.get::<String>(0)?, r.get::<i64>(1)?))
            })
            .context("cannot save the players")?;
        ids.extend(
            returned
                .into_iter()
                .filter_map(|(external, id)| Some((external.parse().ok()?, id))),
        );
        let missing: Vec<&String> = chunk
            .iter()
            .map(|(user, _, _)| user)
            .filter(|u| u.parse().is_ok_and(|u: i64| !ids.contains_key(&u)))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let marks = vec!["?"; missing.len()].join(", ");
        let sql = format!(
            "SELECT external_id, id FROM players WHERE origin = 'telegram' AND external_id IN ({marks})"
        );
        let found = conn
            .prepare_cached(&sql)?
            .rows(missing, |r| Ok((r.get::<String>(0)?, r.get::<i64>(1)?)))
            .context("cannot read the players")?;
        ids.extend(
            found
                .into_iter()
                .filter_map(|(external, id)| Some((external.parse().ok()?, id))),
        );
    }
    Ok(ids)
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
pub fn choose_lang(conn: &Connection, player_id: i64, lang: Lang) -> anyhow::Result<()> {
    conn.prepare_cached("UPDATE players SET lang = ?1, lang_chosen = 1 WHERE id = ?2")?
        .execute(params![lang, player_id])
        .context("cannot save the language")?;
    Ok(())
}

/// Finds or creates a chat by its Telegram id; returns its row id.
pub fn upsert_chat(
    conn: &Connection,
    telegram_id: i64,
    group: bool,
    title: Option<&str>,
    now: i64,
) -> anyhow::Result<i64> {
    let kind = if group { "group" } else { "private" };
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

/// A chat's interface language (a group's, chosen by an admin with
/// `/lang`); Arabic for a chat the bot does not know.
pub fn chat_lang(conn: &Connection, telegram_id: i64) -> anyhow::Result<Lang> {
    conn.prepare_cached("SELECT lang FROM chats WHERE telegram_id = ?1")?
        .query_row([telegram_id], |r| r.get(0))
        .optional()
        .map(Option::unwrap_or_default)
        .context("cannot read the chat's language")
}

/// Sets a chat's interface language.
pub fn set_chat_lang(conn: &Connection, chat_id: i64, lang: Lang) -> anyhow::Result<()> {
    conn.prepare_cached("UPDATE chats SET lang = ?1 WHERE id = ?2")?
        .execute(params![lang, chat_id])
        .context("cannot save the chat's language")?;
    Ok(())
}

/// The external id of the one player who stands in for everyone forgotten
/// where a row of theirs must keep someone (a group quiz they started): no
/// Telegram user id or terminal name is empty.
const FORGOTTEN: &str = "";

/// Deletes a player and what is theirs: their answers (and so their place
/// on every leaderboard: triggers keep the counts per score), their solo
/// quizzes, votes not counted yet, their profile. A group quiz they
/// started stays, for its other players, started by no one (and a schedule
/// they set, set by no one).
pub fn forget_player(conn: &Connection, player_id: i64, now: i64) -> anyhow::Result<()> {
    let Some((origin, external_id)) = conn
        .prepare_cached("SELECT origin, external_id FROM players WHERE id = ?1")?
        .query_row([player_id], |r| {
            Ok((r.get::<Origin>(0)?, r.get::<String>(1)?))
        })
        .optional()
        .context("cannot read the player")?
    else {
        return Ok(());
    };
    let stand_in = upsert_player(conn, origin, FORGOTTEN, "", Lang::Ar, now)?.id;
    if stand_in == player_id {
        return Ok(());
    }
    // Standings still waiting to be written would bring the player back.
    super::answers::flush_standings(conn)?;
    for sql in [
        "DELETE FROM standings WHERE player_id = ?1",
        "DELETE FROM answers WHERE player_id = ?1",
        "DELETE FROM answers WHERE quiz_id IN (SELECT id FROM quizzes WHERE started_by = ?1 AND mode = 'solo')",
        "DELETE FROM served WHERE quiz_id IN (SELECT id FROM quizzes WHERE started_by = ?1 AND mode = 'solo')",
        "DELETE FROM quizzes WHERE started_by = ?1 AND mode = 'solo'",
    ] {
        conn.prepare_cached(sql)?
            .execute([player_id])
            .context("cannot forget the player")?;
    }
    for sql in [
        "UPDATE quizzes SET started_by = ?1 WHERE started_by = ?2",
        "UPDATE schedules SET set_by = ?1 WHERE set_by = ?2",
    ] {
        conn.prepare_cached(sql)?
            .execute([stand_in, player_id])
            .context("cannot forget the player")?;
    }
    if origin == Origin::Telegram
        && let Ok(user) = external_id.parse::<i64>()
    {
        conn.prepare_cached("DELETE FROM votes WHERE user_id = ?1")?
            .execute([user])
            .context("cannot forget the player's votes")?;
        super::forget_checks(conn, user)?;
    }
    conn.prepare_cached("DELETE FROM players WHERE id = ?1")?
        .execute([player_id])
        .context("cannot forget the player")?;
    Ok(())
}
