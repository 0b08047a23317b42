-- Inline claim checks: a statement about a fact, true or false, offered by
-- `@bot` in any chat. The same statement of the same fact is one claim,
-- whoever offered it; the quote and the fact's answer make the verdict.
CREATE TABLE inline_claims (
    id          INTEGER PRIMARY KEY,
    article     TEXT    NOT NULL,
    fact        TEXT    NOT NULL,
    statement   TEXT    NOT NULL,
    truth       INTEGER NOT NULL CHECK (truth IN (0, 1)),
    answer      TEXT    NOT NULL,
    quote       TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (article, fact, statement)
);

-- Who checked a claim (a Telegram user id: they need never have written to
-- the bot), what they said and whether it was right. Once per person.
CREATE TABLE inline_checks (
    claim_id    INTEGER NOT NULL REFERENCES inline_claims (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    said_true   INTEGER NOT NULL CHECK (said_true IN (0, 1)),
    correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
    at          INTEGER NOT NULL,
    PRIMARY KEY (claim_id, user_id)
) WITHOUT ROWID;
CREATE INDEX inline_checks_user ON inline_checks (user_id);

-- The messages sent with a claim. `dirty`: its counts changed since it was
-- last edited; the edits of one message are at least a few seconds apart.
CREATE TABLE inline_messages (
    inline_message_id TEXT    PRIMARY KEY,
    claim_id          INTEGER NOT NULL REFERENCES inline_claims (id) ON DELETE CASCADE,
    dirty             INTEGER NOT NULL DEFAULT 0,
    edited_at         INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX inline_messages_claim ON inline_messages (claim_id);
CREATE INDEX inline_messages_dirty ON inline_messages (edited_at) WHERE dirty = 1;
