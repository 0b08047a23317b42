-- `factquiz db copy` writes its row here before the first chunk and takes
-- it out with the last: a row left means a copy into this database was
-- stopped part way (killed, the machine down), and the database holds only
-- part of it (or a copy is running). Nothing but `db copy` opens such a
-- database; the same copy, run again, takes the part out and starts afresh.
CREATE TABLE copy_unfinished (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    source     TEXT    NOT NULL,
    started_at INTEGER NOT NULL,
    -- The copy's own: it writes each chunk only while its mark is there.
    token      INTEGER NOT NULL
);
