//! Groups' daily quizzes: when, in which time zone, and the last local day
//! each started one (or let pass).

use super::sql::{Connection, OptionalExtension, params};
use anyhow::Context;

/// A group's schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleRow {
    /// The chat's row id and Telegram id.
    pub chat_id: i64,
    pub telegram_id: i64,
    /// Minutes past local midnight; `None` when the schedule is off.
    pub minutes: Option<u16>,
    /// An IANA time zone name, `UTC` by default.
    pub tz: String,
    pub set_by: i64,
    /// The local day (`YYYY-MM-DD`) last run or let pass.
    pub last_day: Option<String>,
}

const COLUMNS: &str = "s.chat_id, c.telegram_id, s.minutes, s.tz, s.set_by, s.last_day";

fn row(r: &super::sql::Row<'_>) -> super::sql::Result<ScheduleRow> {
    Ok(ScheduleRow {
        chat_id: r.get(0)?,
        telegram_id: r.get(1)?,
        minutes: r.get(2)?,
        tz: r.get(3)?,
        set_by: r.get(4)?,
        last_day: r.get(5)?,
    })
}

/// A group's schedule, by the chat's row id.
pub fn schedule(conn: &Connection, chat_id: i64) -> anyhow::Result<Option<ScheduleRow>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM schedules s JOIN chats c ON c.id = s.chat_id WHERE s.chat_id = ?1"
    ))?
    .query_row([chat_id], row)
    .optional()
    .context("cannot read the schedule")
}

/// Every schedule that is on.
pub fn schedules_on(conn: &Connection) -> anyhow::Result<Vec<ScheduleRow>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM schedules s JOIN chats c ON c.id = s.chat_id WHERE s.minutes IS NOT NULL"
    ))?
    .rows((), row)
    .context("cannot read the schedules")
}

/// Saves a group's schedule (its time, or `None` for off), time zone, who
/// set it, and the local day it counts as done for.
pub fn save_schedule(
    conn: &Connection,
    chat_id: i64,
    minutes: Option<u16>,
    tz: &str,
    set_by: i64,
    last_day: Option<&str>,
) -> anyhow::Result<()> {
    conn.prepare_cached(
        "INSERT INTO schedules (chat_id, minutes, tz, set_by, last_day) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (chat_id) DO UPDATE SET
             minutes = excluded.minutes, tz = excluded.tz, set_by = excluded.set_by,
             last_day = excluded.last_day",
    )?
    .execute(params![chat_id, minutes, tz, set_by, last_day])
    .context("cannot save the schedule")?;
    Ok(())
}

/// Marks a schedule done for a local day.
pub fn schedule_done(conn: &Connection, chat_id: i64, day: &str) -> anyhow::Result<()> {
    conn.prepare_cached("UPDATE schedules SET last_day = ?2 WHERE chat_id = ?1")?
        .execute(params![chat_id, day])
        .context("cannot mark the schedule")?;
    Ok(())
}
