-- Articles: leaderboards per article, and what a player or a group was
-- asked before.

-- Standings gain the article they count: '' for every article together
-- (what the boards showed until now), else an article's slug. The table is
-- rebuilt with the article in its key; the rows it had are the ''s.
CREATE TABLE standings_by_article (
    scope         INTEGER NOT NULL,
    period        INTEGER NOT NULL,
    article       TEXT    NOT NULL,
    player_id     INTEGER NOT NULL REFERENCES players (id),
    points        INTEGER NOT NULL DEFAULT 0,
    answered      INTEGER NOT NULL DEFAULT 0,
    correct       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, period, article, player_id)
) WITHOUT ROWID;
INSERT INTO standings_by_article (scope, period, article, player_id, points, answered, correct)
SELECT scope, period, '', player_id, points, answered, correct FROM standings;

CREATE TABLE standing_points_by_article (
    scope         INTEGER NOT NULL,
    period        INTEGER NOT NULL,
    article       TEXT    NOT NULL,
    points        INTEGER NOT NULL,
    players       INTEGER NOT NULL,
    PRIMARY KEY (scope, period, article, points)
) WITHOUT ROWID;
INSERT INTO standing_points_by_article (scope, period, article, points, players)
SELECT scope, period, '', points, players FROM standing_points;

DROP TRIGGER standings_added;
DROP TRIGGER standings_moved;
DROP TABLE standings;
DROP TABLE standing_points;
ALTER TABLE standings_by_article RENAME TO standings;
ALTER TABLE standing_points_by_article RENAME TO standing_points;
CREATE INDEX standings_rank ON standings (scope, period, article, points DESC, correct DESC, player_id);

CREATE TRIGGER standings_added AFTER INSERT ON standings
BEGIN
    INSERT INTO standing_points (scope, period, article, points, players)
    VALUES (NEW.scope, NEW.period, NEW.article, NEW.points, 1)
    ON CONFLICT (scope, period, article, points) DO UPDATE SET players = players + 1;
END;

CREATE TRIGGER standings_moved AFTER UPDATE OF points ON standings
WHEN OLD.points <> NEW.points
BEGIN
    UPDATE standing_points SET players = players - 1
    WHERE scope = OLD.scope AND period = OLD.period AND article = OLD.article AND points = OLD.points;
    DELETE FROM standing_points
    WHERE scope = OLD.scope AND period = OLD.period AND article = OLD.article AND points = OLD.points AND players = 0;
    INSERT INTO standing_points (scope, period, article, points, players)
    VALUES (NEW.scope, NEW.period, NEW.article, NEW.points, 1)
    ON CONFLICT (scope, period, article, points) DO UPDATE SET players = players + 1;
END;

-- A standing deleted (a player forgotten) leaves its score.
CREATE TRIGGER standings_removed AFTER DELETE ON standings
BEGIN
    UPDATE standing_points SET players = players - 1
    WHERE scope = OLD.scope AND period = OLD.period AND article = OLD.article AND points = OLD.points;
    DELETE FROM standing_points
    WHERE scope = OLD.scope AND period = OLD.period AND article = OLD.article AND points = OLD.points AND players = 0;
END;

-- The answers before this migration, counted per article as they would
-- have been: globally and in their quiz's chat, all time and in their week
-- (weeks start on Monday 00:00 UTC; see game::scoring::week_of).
WITH answered AS (
    SELECT a.player_id, a.points, a.is_correct, a.answered_at, q.chat_id,
           substr(sv.question_id, 1, instr(sv.question_id, '/') - 1) AS article
    FROM answers a
    JOIN served sv ON sv.id = a.served_id
    JOIN quizzes q ON q.id = a.quiz_id
    WHERE instr(sv.question_id, '/') > 0
), scoped AS (
    SELECT 0 AS scope, player_id, points, is_correct, answered_at, article FROM answered
    UNION ALL
    SELECT chat_id, player_id, points, is_correct, answered_at, article FROM answered
    WHERE chat_id IS NOT NULL
), periods AS (
    SELECT scope, 0 AS period, article, player_id, points, is_correct FROM scoped
    UNION ALL
    SELECT scope, ((answered_at / 86400000) + 3) / 7 + 1, article, player_id, points, is_correct
    FROM scoped
)
INSERT INTO standings (scope, period, article, player_id, points, answered, correct)
SELECT scope, period, article, player_id, SUM(points), COUNT(*), SUM(is_correct)
FROM periods
GROUP BY scope, period, article, player_id;

-- What a player was asked before: their answers, by player.
CREATE INDEX answers_player ON answers (player_id, answered_at);
-- What a group was asked before: its quizzes.
CREATE INDEX quizzes_chat ON quizzes (chat_id, started_at);
