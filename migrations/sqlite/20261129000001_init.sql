-- factquiz schema. Times are Unix milliseconds (INTEGER), booleans 0/1, so
-- the SQL stays portable to PostgreSQL.

-- A person who plays, from Telegram (external_id = user id) or from the
-- terminal (external_id = the player's name).
CREATE TABLE players (
    id            INTEGER PRIMARY KEY,
    origin        TEXT    NOT NULL CHECK (origin IN ('telegram', 'terminal')),
    external_id   TEXT    NOT NULL,
    display_name  TEXT    NOT NULL,
    lang          TEXT    NOT NULL DEFAULT 'ar',
    -- 1 once the player chose a language with /lang: Telegram's own
    -- language no longer overrides it.
    lang_chosen   INTEGER NOT NULL DEFAULT 0,
    -- consecutive right answers, across quizzes, and the longest run
    streak        INTEGER NOT NULL DEFAULT 0,
    best_streak   INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    UNIQUE (origin, external_id)
);

-- A Telegram chat the bot has played in.
CREATE TABLE chats (
    id            INTEGER PRIMARY KEY,
    telegram_id   INTEGER NOT NULL UNIQUE,
    kind          TEXT    NOT NULL CHECK (kind IN ('private', 'group')),
    title         TEXT,
    created_at    INTEGER NOT NULL
);

CREATE TABLE quizzes (
    id            INTEGER PRIMARY KEY,
    mode          TEXT    NOT NULL CHECK (mode IN ('solo', 'group')),
    chat_id       INTEGER REFERENCES chats (id),
    started_by    INTEGER NOT NULL REFERENCES players (id),
    state         TEXT    NOT NULL CHECK (state IN ('running', 'finished', 'stopped')),
    total         INTEGER NOT NULL CHECK (total BETWEEN 1 AND 20),
    -- group rounds: seconds a question stays open
    round_seconds INTEGER,
    started_at    INTEGER NOT NULL,
    ended_at      INTEGER,
    -- the Telegram message (chat, message id) that asked for the quiz: a
    -- command delivered again after a crash finds its quiz instead of
    -- starting another
    origin_chat   INTEGER,
    origin_message INTEGER
);
CREATE UNIQUE INDEX quizzes_origin ON quizzes (origin_chat, origin_message) WHERE origin_message IS NOT NULL;
-- One running quiz per group, one running solo quiz per player.
CREATE UNIQUE INDEX quizzes_one_running_group ON quizzes (chat_id) WHERE state = 'running' AND mode = 'group';
CREATE UNIQUE INDEX quizzes_one_running_solo ON quizzes (started_by) WHERE state = 'running' AND mode = 'solo';
CREATE INDEX quizzes_running ON quizzes (state) WHERE state = 'running';

-- The questions of a quiz, planned at its start, as the players see them:
-- an answer is judged against this snapshot even if the bank changes later.
CREATE TABLE served (
    id            INTEGER PRIMARY KEY,
    quiz_id       INTEGER NOT NULL REFERENCES quizzes (id),
    position      INTEGER NOT NULL,
    question_id   TEXT    NOT NULL,
    -- JSON of the question: stem, options in the order shown, correct,
    -- quote, span, paragraph, gloss
    snapshot      TEXT    NOT NULL,
    correct       INTEGER NOT NULL,
    -- NULL until shown
    served_at     INTEGER,
    -- group rounds: when the round stops taking answers, and when it was closed
    closes_at     INTEGER,
    closed_at     INTEGER,
    message_id    INTEGER,
    poll_id       TEXT UNIQUE,
    UNIQUE (quiz_id, position)
);

-- One answer per player per served question: a repeated delivery or a
-- double tap changes nothing.
CREATE TABLE answers (
    id            INTEGER PRIMARY KEY,
    served_id     INTEGER NOT NULL REFERENCES served (id),
    player_id     INTEGER NOT NULL REFERENCES players (id),
    quiz_id       INTEGER NOT NULL REFERENCES quizzes (id),
    choice        INTEGER NOT NULL,
    is_correct    INTEGER NOT NULL,
    points        INTEGER NOT NULL,
    answered_at   INTEGER NOT NULL,
    elapsed_ms    INTEGER NOT NULL,
    UNIQUE (served_id, player_id)
);
CREATE INDEX answers_quiz ON answers (quiz_id, player_id);

-- Running totals, kept in the transaction that records an answer, so that a
-- leaderboard with a million players is an index walk, not a scan of every
-- answer. scope 0 = global, else chats.id; period 0 = all time, else the
-- number of the ISO week (Monday 00:00 UTC) since the epoch, plus one.
CREATE TABLE standings (
    scope         INTEGER NOT NULL,
    period        INTEGER NOT NULL,
    player_id     INTEGER NOT NULL REFERENCES players (id),
    points        INTEGER NOT NULL DEFAULT 0,
    answered      INTEGER NOT NULL DEFAULT 0,
    correct       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, period, player_id)
) WITHOUT ROWID;
CREATE INDEX standings_rank ON standings (scope, period, points DESC, correct DESC, player_id);

-- How many players stand on each score, kept by triggers: a rank is then
-- 1 + the players on higher scores, summed over distinct scores instead of
-- counted over players (a million players share a few thousand scores).
CREATE TABLE standing_points (
    scope         INTEGER NOT NULL,
    period        INTEGER NOT NULL,
    points        INTEGER NOT NULL,
    players       INTEGER NOT NULL,
    PRIMARY KEY (scope, period, points)
) WITHOUT ROWID;

CREATE TRIGGER standings_added AFTER INSERT ON standings
BEGIN
    INSERT INTO standing_points (scope, period, points, players)
    VALUES (NEW.scope, NEW.period, NEW.points, 1)
    ON CONFLICT (scope, period, points) DO UPDATE SET players = players + 1;
END;

CREATE TRIGGER standings_moved AFTER UPDATE OF points ON standings
WHEN OLD.points <> NEW.points
BEGIN
    UPDATE standing_points SET players = players - 1
    WHERE scope = OLD.scope AND period = OLD.period AND points = OLD.points;
    DELETE FROM standing_points
    WHERE scope = OLD.scope AND period = OLD.period AND points = OLD.points AND players = 0;
    INSERT INTO standing_points (scope, period, points, players)
    VALUES (NEW.scope, NEW.period, NEW.points, 1)
    ON CONFLICT (scope, period, points) DO UPDATE SET players = players + 1;
END;
