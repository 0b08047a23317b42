-- Webhook mode: the updates kept, by Telegram's id, so that a delivery
-- Telegram repeats (it got no 200: the answer was lost, or the bot died
-- after keeping it) is kept once. Telegram keeps an update at most a day;
-- older rows are pruned.
CREATE TABLE pushed_updates (
    update_id   INTEGER PRIMARY KEY,
    received_at INTEGER NOT NULL
);
CREATE INDEX pushed_updates_age ON pushed_updates (received_at);
