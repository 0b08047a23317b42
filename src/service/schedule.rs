//! Scheduled group quizzes: `/schedule daily HH:MM`, `/schedule off`,
//! `/schedule tz Area/City`, `/schedule` (what is set), and the job that
//! starts each group's daily quiz on the newest article when it is due
//! ([`crate::game::schedule`] decides).

use crate::store::Connection;
use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::chat::{Reply, Said};
use super::group::{self, GroupStart};
use super::{ChatRef, Player, Service, save_chat};
use crate::game::schedule::{Due, done_when_set, due};
use crate::store;

/// What a `/schedule` asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleAsk {
    /// What is set.
    Show,
    /// A quiz every day at this many minutes past local midnight.
    Daily(u16),
    Off,
    /// The group's time zone (an IANA name).
    Tz(String),
    /// Words that are none of these.
    Usage,
}

impl ScheduleAsk {
    /// Whether only a group's admins may ask it.
    pub fn changes(&self) -> bool {
        matches!(self, Self::Daily(_) | Self::Off | Self::Tz(_))
    }
}

/// The time zone a group's times are read in, by default.
pub const DEFAULT_TZ: &str = "UTC";

/// The local day (`YYYY-MM-DD`) and minutes past midnight of `now_ms` in a
/// time zone; `None` for a name the time zone database does not have.
pub fn local(now_ms: i64, tz: &str) -> Option<(String, u16)> {
    let zone = TimeZone::get(tz).ok()?;
    let at = Timestamp::from_millisecond(now_ms)
        .ok()?
        .to_zoned_datetime(zone);
    let minutes = u16::try_from(i32::from(at.hour()) * 60 + i32::from(at.minute())).ok()?;
    Some((at.date().to_string(), minutes))
}

/// The time zone's canonical name, if the database has it.
pub fn zone_name(tz: &str) -> Option<String> {
    TimeZone::get(tz.trim())
        .ok()
        .and_then(|z| z.iana_name().map(str::to_owned))
}

impl Service {
    /// A `/schedule` in a group, by a member (`is_admin`: one of its admins).
    pub fn schedule(
        &self,
        conn: &Connection,
        now: i64,
        chat: &ChatRef,
        player: &Player,
        ask: ScheduleAsk,
        is_admin: bool,
    ) -> anyhow::Result<Said> {
        if ask.changes() && !is_admin {
            return Ok(Said::AdminsOnly);
        }
        let chat_id = save_chat(conn, chat, now)?;
        let current = store::schedule(conn, chat_id)?;
        let tz = current
            .as_ref()
            .map_or_else(|| DEFAULT_TZ.to_owned(), |s| s.tz.clone());
        let minutes = current.as_ref().and_then(|s| s.minutes);
        Ok(match ask {
            ScheduleAsk::Usage => Said::ScheduleUsage,
            ScheduleAsk::Show => Said::Schedule { minutes, tz },
            ScheduleAsk::Off => {
                store::save_schedule(conn, chat_id, None, &tz, player.id, None)?;
                Said::ScheduleOff
            }
            ScheduleAsk::Daily(at) => {
                let done = local(now, &tz).and_then(|(day, m)| done_when_set(&day, m, at));
                store::save_schedule(conn, chat_id, Some(at), &tz, player.id, done.as_deref())?;
                Said::ScheduleSet { minutes: at, tz }
            }
            ScheduleAsk::Tz(name) => match zone_name(&name) {
                None => Said::BadTz(name),
                Some(tz) => {
                    // The day already done stays done, in the new zone too.
                    let done = match (minutes, local(now, &tz)) {
                        (Some(at), Some((day, m))) => done_when_set(&day, m, at)
                            .or_else(|| current.as_ref().and_then(|s| s.last_day.clone())),
                        _ => current.as_ref().and_then(|s| s.last_day.clone()),
                    };
                    store::save_schedule(conn, chat_id, minutes, &tz, player.id, done.as_deref())?;
                    Said::ScheduleTz(tz)
                }
            },
        })
    }

    /// Whether a schedule is due or has a day to let pass: a read, so that
    /// the job writes only when there is something to do.
    pub fn schedules_due(&self, conn: &Connection, now: i64) -> anyhow::Result<bool> {
        for s in store::schedules_on(conn)? {
            let (Some(at), Some((day, minutes))) = (s.minutes, local(now, &s.tz)) else {
                continue;
            };
            if due(&day, minutes, at, s.last_day.as_deref(), false) != Due::NotYet {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Starts the daily quizzes that are due, on the newest article, each
    /// with the facts its group has not had first; lets a day pass where a
    /// quiz is running or the time is long gone. Each day is marked in the
    /// same transaction, so no day starts twice. Returns the replies to
    /// send, by group.
    pub fn run_schedules(
        &self,
        conn: &Connection,
        now: i64,
        round_seconds: u32,
    ) -> anyhow::Result<Vec<(i64, Reply)>> {
        let mut started = Vec::new();
        for s in store::schedules_on(conn)? {
            let (Some(at), Some((day, minutes))) = (s.minutes, local(now, &s.tz)) else {
                continue;
            };
            let running = store::running_group(conn, s.chat_id)?.is_some();
            match due(&day, minutes, at, s.last_day.as_deref(), running) {
                Due::NotYet => continue,
                Due::LetPass => {
                    store::schedule_done(conn, s.chat_id, &day)?;
                    continue;
                }
                Due::Start => store::schedule_done(conn, s.chat_id, &day)?,
            }
            let Some(article) = self.catalog().newest().map(|a| a.slug.clone()) else {
                continue;
            };
            let seen = store::seen_by_chat(conn, s.telegram_id)?;
            let plan = self.plan(&article, &seen, super::DEFAULT_QUIZ);
            let chat = ChatRef {
                telegram_id: s.telegram_id,
                group: true,
                title: None,
            };
            if let GroupStart::Started { first, .. } =
                group::start(conn, now, &chat, s.set_by, &plan, round_seconds, None)?
            {
                let lang = store::chat_lang(conn, s.telegram_id)?;
                let row = store::player(conn, s.set_by)?;
                let player = Player {
                    id: s.set_by,
                    name: row.map(|p| p.display_name).unwrap_or_default(),
                    lang,
                };
                started.push((
                    s.telegram_id,
                    Reply {
                        lang,
                        player,
                        said: Said::GroupStarted {
                            first,
                            round_seconds,
                            scheduled: true,
                        },
                    },
                ));
            }
        }
        Ok(started)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_days_and_minutes_in_a_time_zone() {
        // 2026-12-03 22:30 UTC is 23:30 in Tunis (UTC+1), and already the
        // 4th, 01:30, in Moscow (UTC+3).
        let ms = 1_796_337_000_000;
        assert_eq!(
            local(ms, "UTC"),
            Some(("2026-12-03".to_owned(), 22 * 60 + 30))
        );
        assert_eq!(
            local(ms, "Africa/Tunis"),
            Some(("2026-12-03".to_owned(), 23 * 60 + 30))
        );
        assert_eq!(
            local(ms, "Europe/Moscow"),
            Some(("2026-12-04".to_owned(), 90))
        );
        assert_eq!(local(ms, "Mars/Olympus"), None);
        assert_eq!(zone_name("Africa/Tunis").as_deref(), Some("Africa/Tunis"));
        assert_eq!(zone_name("nowhere"), None);
    }
}
