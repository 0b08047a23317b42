-- A copy that did not finish (see ../sqlite/20261207000001_copy_unfinished.sql).
CREATE TABLE copy_unfinished (
    id         BIGINT PRIMARY KEY CHECK (id = 1),
    source     TEXT   NOT NULL,
    started_at BIGINT NOT NULL,
    token      BIGINT NOT NULL
);
