-- Webhooks: endpoints per account, one delivery per (event, endpoint), and each attempt's outcome.

-- The outbox is read in the order its transactions became visible, not in `seq` order: `seq` is
-- taken when a row is inserted, so a transaction that commits late can land a smaller `seq` behind
-- a reader that already moved past it. Every event carries the id of the transaction that wrote it;
-- a transaction id below the oldest one still running (pg_snapshot_xmin) belongs to a transaction
-- that has ended, so everything at or below it is final and can be read once, in (tx, seq) order.
ALTER TABLE events
    ADD COLUMN tx xid8 NOT NULL DEFAULT pg_current_xact_id();

CREATE INDEX events_by_tx ON events (tx, seq);

CREATE TABLE webhook_endpoints
(
    id                   text PRIMARY KEY,
    account_id           text        NOT NULL,
    url                  text        NOT NULL,
    events               text[]      NOT NULL,
    description          text        NOT NULL,
    enabled              boolean     NOT NULL,
    disabled_reason      text        NULL,
    secret               text        NOT NULL,
    -- After a rotation the old secret still signs until this moment, beside the new one.
    previous_secret      text        NULL,
    previous_secret_until timestamptz NULL,
    -- The first failed attempt since the last success; three days of that disables the endpoint.
    failing_since        timestamptz NULL,
    created_at           timestamptz NOT NULL
);

CREATE INDEX webhook_endpoints_by_account ON webhook_endpoints (account_id, created_at DESC, id DESC);

CREATE TABLE webhook_deliveries
(
    seq             bigserial   NOT NULL UNIQUE,
    id              text PRIMARY KEY,
    endpoint_id     text        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    -- The event's id is the `webhook-id` of every attempt, so a receiver can drop repeats.
    event_id        text        NOT NULL,
    type            text        NOT NULL,
    occurred_at     timestamptz NOT NULL,
    payload         jsonb       NOT NULL,
    created_at      timestamptz NOT NULL,
    status          text        NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NULL,
    -- Set while an endpoint's grain is sending it, so a second activation does not send it too.
    claimed_until   timestamptz NULL,
    UNIQUE (event_id, endpoint_id)
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, endpoint_id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, seq DESC);

CREATE TABLE webhook_attempts
(
    delivery_id  text        NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempted_at timestamptz NOT NULL,
    status_code  integer     NULL,
    duration_ms  integer     NOT NULL,
    error        text        NULL
);

CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id, attempted_at);

-- Where the fan-out has read the outbox up to: one row.
CREATE TABLE webhook_relay
(
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    tx  xid8   NOT NULL,
    seq bigint NOT NULL
);

INSERT INTO webhook_relay (tx, seq) VALUES ('0'::xid8, 0);

-- Turns up to p_limit outbox events into deliveries, one per enabled endpoint of the event's account
-- that subscribed to its type, and moves the cursor past them, in one transaction: a crash before
-- the commit leaves both as they were, and the (event, endpoint) key refuses a second copy anyway.
-- Answers how many events it read and the endpoints that got new deliveries.
CREATE FUNCTION webhook_fan_out(p_limit integer, p_now timestamptz)
    RETURNS TABLE (events_read integer, endpoint_ids text[])
    LANGUAGE plpgsql AS
$$
DECLARE
    v_tx xid8;
    v_seq bigint;
BEGIN
    -- Taken first, so concurrent relays (a brief duplicate activation) read the cursor in turn;
    -- the next statement's snapshot is taken after the lock, so it sees the cursor's latest move.
    SELECT r.tx, r.seq INTO v_tx, v_seq FROM webhook_relay r FOR UPDATE;

    RETURN QUERY
    WITH batch AS MATERIALIZED (
        SELECT e.tx, e.seq, e.id, e.account_id, e.type, e.occurred_at, e.payload
        FROM events e
        WHERE (e.tx, e.seq) > (v_tx, v_seq) AND e.tx < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY e.tx, e.seq
        LIMIT p_limit),
    added AS (
        INSERT INTO webhook_deliveries (id, endpoint_id, event_id, type, occurred_at, payload, created_at, status, next_attempt_at)
        SELECT 'whd_' || replace(gen_random_uuid()::text, '-', ''), w.id, b.id, b.type, b.occurred_at, b.payload, p_now, 'pending', p_now
        FROM batch b
        JOIN webhook_endpoints w ON w.account_id = b.account_id AND w.enabled AND b.type = ANY (w.events)
            -- An endpoint hears of what happens from its creation on, not of the backlog before it.
            AND b.occurred_at >= w.created_at
        ORDER BY b.tx, b.seq
        ON CONFLICT (event_id, endpoint_id) DO NOTHING
        RETURNING endpoint_id),
    moved AS (
        UPDATE webhook_relay r SET tx = last.tx, seq = last.seq
        FROM (SELECT b.tx, b.seq FROM batch b ORDER BY b.tx DESC, b.seq DESC LIMIT 1) last
        RETURNING 1)
    SELECT (SELECT count(*) FROM batch)::integer,
           coalesce((SELECT array_agg(DISTINCT a.endpoint_id) FROM added a), ARRAY []::text[])
    FROM (SELECT count(*) FROM moved) m;
END;
$$;
