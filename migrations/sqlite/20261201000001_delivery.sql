-- Delivery: what Telegram sent that is not handled yet, and what the bot
-- has to send. Receiving, handling and sending hand work to each other
-- through these tables, so that none of them waits on another and a crash
-- loses nothing.

-- The ids of the inbox and the outbox only grow (AUTOINCREMENT: a deleted
-- row's id is never given again), so that they are the order of arrival.

-- Updates received and not handled yet, in the order received. An update
-- is deleted in the transaction that holds its effects.
CREATE TABLE inbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    update_id   INTEGER NOT NULL,
    -- updates of one lane are handled in order, one at a time: the chat
    -- (a private chat, a group), or a poll (below -2^60)
    lane        INTEGER NOT NULL,
    -- Unix ms, when the update reached the bot
    received_at INTEGER NOT NULL,
    -- the update as Telegram sent it (JSON)
    payload     TEXT    NOT NULL
);
CREATE INDEX inbox_lane ON inbox (lane, id);

-- Poll answers received and not scored yet: only what scoring needs, so
-- that thousands of them are scored in a few transactions. A member's
-- answer is recorded once it is kept here (a second one to the same poll
-- is ignored); scoring turns it into an answer with points.
CREATE TABLE votes (
    id          INTEGER PRIMARY KEY,
    poll_id     TEXT    NOT NULL,
    -- the voter's Telegram user id
    user_id     INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    lang        TEXT    NOT NULL,
    choice      INTEGER NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX votes_once ON votes (poll_id, user_id);

-- Where receiving stands: the offset that confirms everything received.
CREATE TABLE receiver (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    next_offset INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- Requests to Telegram, sent in order per chat and deleted once sent.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    -- the chat it goes to: the key of the pacing
    chat_id     INTEGER NOT NULL,
    method      TEXT    NOT NULL,
    -- the request's JSON body
    body        TEXT    NOT NULL,
    -- what the answer is recorded for: 0 nothing, 1 the poll of a group
    -- round (ref_id = served.id)
    purpose     INTEGER NOT NULL DEFAULT 0,
    ref_id      INTEGER,
    created_at  INTEGER NOT NULL
);
