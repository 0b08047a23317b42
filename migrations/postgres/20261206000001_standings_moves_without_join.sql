-- The update trigger's moves, without joining the old rows to the new.
-- Every row an UPDATE changed is once in `old_rows` (-1 on its old score)
-- and once in `new_rows` (+1 on its new one); where the score did not
-- change, the two cancel out in the sum. The join this replaces was planned
-- once per connection for the size of the first statement's tables (a
-- nested loop, for a handful of rows) and kept for statements of a
-- thousand: 1.3 ms a call for five answers, most of the time of a batch's
-- standings.

CREATE OR REPLACE FUNCTION standings_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO standing_points AS sp (scope, period, article, points, players)
    SELECT scope, period, article, points, SUM(delta) FROM (
        SELECT scope, period, article, points, -1 AS delta FROM old_rows
        UNION ALL
        SELECT scope, period, article, points, 1 FROM new_rows
    ) moves
    GROUP BY scope, period, article, points
    HAVING SUM(delta) <> 0
    ON CONFLICT (scope, period, article, points)
    DO UPDATE SET players = sp.players + excluded.players;
    DELETE FROM standing_points sp USING (
        SELECT DISTINCT scope, period, article, points FROM old_rows
    ) o
    WHERE sp.scope = o.scope AND sp.period = o.period AND sp.article = o.article
      AND sp.points = o.points AND sp.players = 0;
    RETURN NULL;
END
$$;
