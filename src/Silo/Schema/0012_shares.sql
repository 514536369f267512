-- Links sent by email or SMS (POST /api/v1/links/{id}/share). The row is written before the API
-- answers 202, so an accepted send survives any crash; the account's share outbox grain delivers it.
-- The link's name, URL and language are copied in at that moment: what was accepted is what is sent.
-- status: queued (waiting, also between retries), sending (claimed by one delivery attempt),
-- sent, failed.
CREATE TABLE shares
(
    id              text PRIMARY KEY,
    account_id      text        NOT NULL,
    link_id         text        NOT NULL,
    channel         text        NOT NULL,
    recipient       text        NOT NULL,
    message         text        NULL,
    link_name       text        NOT NULL,
    link_url        text        NOT NULL,
    language        text        NOT NULL,
    status          text        NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    last_error      text        NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    sent_at         timestamptz NULL
);

CREATE INDEX shares_by_link ON shares (link_id, created_at DESC, id DESC);
-- The per-account hourly limit counts the account's newest rows.
CREATE INDEX shares_by_account ON shares (account_id, created_at DESC);
CREATE INDEX shares_pending ON shares (account_id, next_attempt_at) WHERE status IN ('queued', 'sending');

-- One row per delivery attempt, so the send log shows each try and why it failed.
CREATE TABLE share_attempts
(
    share_id    text        NOT NULL,
    attempt     integer     NOT NULL,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    error       text        NULL,
    PRIMARY KEY (share_id, attempt)
);

-- What the development senders "sent" (no MAGICLINK_SMTP_URL; MAGICLINK_SMS_PROVIDER=log), for
-- the dashboard's dev mailbox.
CREATE TABLE dev_outbox
(
    seq        bigserial PRIMARY KEY,
    account_id text        NOT NULL,
    share_id   text        NOT NULL,
    channel    text        NOT NULL,
    recipient  text        NOT NULL,
    subject    text        NULL,
    body_text  text        NOT NULL,
    body_html  text        NULL,
    created_at timestamptz NOT NULL
);

CREATE INDEX dev_outbox_by_account ON dev_outbox (account_id, seq DESC);
