-- The plain-PostgreSQL baseline for one click, in its own database ("bench").
-- Run with: psql -v links=N -f schema.sql   (N = 1 for the hot case, 10000 for the spread case)
--
-- bench_links is the use counter of a link; bench_sessions has the columns and indexes of the
-- service's own "sessions" listing table (src/Silo/Schema/0005_app_links_sessions_events.sql).
\set ON_ERROR_STOP on
SET client_min_messages = warning;

DROP TABLE IF EXISTS bench_sessions;
DROP TABLE IF EXISTS bench_links;

CREATE TABLE bench_links
(
    id         integer PRIMARY KEY,
    account_id text   NOT NULL,
    used       bigint NOT NULL DEFAULT 0
);

INSERT INTO bench_links (id, account_id)
SELECT g, 'acc_bench'
FROM generate_series(1, :links) AS g;

CREATE TABLE bench_sessions
(
    id         text PRIMARY KEY,
    account_id text        NOT NULL,
    link_id    integer     NOT NULL,
    status     text        NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE INDEX bench_sessions_by_account ON bench_sessions (account_id, created_at DESC, id DESC);
CREATE INDEX bench_sessions_by_link ON bench_sessions (link_id, created_at DESC, id DESC);

VACUUM ANALYZE bench_links;
