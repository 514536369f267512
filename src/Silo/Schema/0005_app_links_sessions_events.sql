-- The application's own tables. Grain state stays in OrleansStorage; these rows exist so an
-- account can page through its links and sessions, and so events outlive the process that raised them.

-- Server-side keys every silo and API instance must share (the URL token MAC key). Generated here,
-- once, from two random UUIDs: 244 random bits without needing the pgcrypto extension.
CREATE TABLE app_keys
(
    name  text PRIMARY KEY,
    value bytea NOT NULL
);

INSERT INTO app_keys (name, value)
VALUES ('url-token', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));

-- One row per link, written by the link grain. "status" holds the terminal state once reached;
-- expiry by time is computed when listing, because nothing writes at the moment a link expires.
CREATE TABLE links
(
    id         text PRIMARY KEY,
    account_id text        NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NULL,
    status     text        NOT NULL
);

CREATE INDEX links_by_account ON links (account_id, created_at DESC, id DESC);

CREATE TABLE sessions
(
    id         text PRIMARY KEY,
    account_id text        NOT NULL,
    link_id    text        NULL,
    status     text        NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE INDEX sessions_by_account ON sessions (account_id, created_at DESC, id DESC);
CREATE INDEX sessions_by_link ON sessions (link_id, created_at DESC, id DESC) WHERE link_id IS NOT NULL;

-- The outbox of domain events (session.created, link.exhausted, ...). Grains keep an event in their
-- own state until it is here, so a crash between the state change and this insert loses nothing;
-- the id is fixed when the event is raised, so inserting it again is a no-op.
CREATE TABLE events
(
    seq         bigserial   NOT NULL UNIQUE,
    id          text PRIMARY KEY,
    account_id  text        NOT NULL,
    type        text        NOT NULL,
    subject_id  text        NOT NULL,
    occurred_at timestamptz NOT NULL,
    payload     jsonb       NOT NULL
);

CREATE INDEX events_by_account ON events (account_id, seq);
