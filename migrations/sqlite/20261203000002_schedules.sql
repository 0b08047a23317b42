-- A group's daily quiz: at `minutes` past midnight, in the group's time
-- zone. The time zone stays when the schedule is turned off (minutes NULL).
-- `last_day` is the local day the schedule last started a quiz or let the
-- day pass (a quiz was running, or the bot was down past the time): the
-- same day never starts twice, across restarts too.
CREATE TABLE schedules (
    chat_id   INTEGER PRIMARY KEY REFERENCES chats (id),
    minutes   INTEGER CHECK (minutes BETWEEN 0 AND 1439),
    tz        TEXT    NOT NULL DEFAULT 'UTC',
    set_by    INTEGER NOT NULL REFERENCES players (id),
    last_day  TEXT
);
CREATE INDEX schedules_on ON schedules (chat_id) WHERE minutes IS NOT NULL;
