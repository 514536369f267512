-- The funnel of every link, per UTC day, as counters: clicks accepted -> sessions started ->
-- submitted -> approved / denied / expired, and clicks refused by reason. Reading a funnel is then
-- a sum over a link's days (or an account's), never a scan of the events table.
-- `link_id` is '' for sessions opened without a link (dynamic sessions): they count for their
-- account but are not clicks.
CREATE TABLE funnel_days
(
    account_id           text    NOT NULL,
    link_id              text    NOT NULL,
    day                  date    NOT NULL,
    clicks               integer NOT NULL DEFAULT 0,
    started              integer NOT NULL DEFAULT 0,
    submitted            integer NOT NULL DEFAULT 0,
    approved             integer NOT NULL DEFAULT 0,
    denied               integer NOT NULL DEFAULT 0,
    expired              integer NOT NULL DEFAULT 0,
    refused_expired      integer NOT NULL DEFAULT 0,
    refused_exhausted    integer NOT NULL DEFAULT 0,
    refused_no_credit    integer NOT NULL DEFAULT 0,
    refused_rate_limited integer NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, link_id, day)
);

CREATE INDEX funnel_days_by_day ON funnel_days (account_id, day);

-- Counts the funnel's events of one INSERT statement on `events`, grouped, in one upsert: a
-- link's batch of N clicks (one statement in link_write) is one counter update, not N. The
-- transition table holds only the rows the statement really inserted, so an event published again
-- (ON CONFLICT DO NOTHING finds its id) is not counted again: each event counts exactly once, in
-- the transaction that stored it.
CREATE FUNCTION funnel_count_events() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO funnel_days AS f (account_id, link_id, day, clicks, started, submitted, approved, denied, expired)
    SELECT e.account_id,
           coalesce(e.payload ->> 'linkId', ''),
           (e.occurred_at AT TIME ZONE 'UTC')::date,
           count(*) FILTER (WHERE e.type = 'session.created' AND e.payload ->> 'linkId' IS NOT NULL),
           count(*) FILTER (WHERE e.type = 'session.started'),
           count(*) FILTER (WHERE e.type = 'session.submitted'),
           count(*) FILTER (WHERE e.type = 'session.approved'),
           count(*) FILTER (WHERE e.type = 'session.denied'),
           count(*) FILTER (WHERE e.type = 'session.expired')
    FROM new_events e
    WHERE e.type IN ('session.created', 'session.started', 'session.submitted', 'session.approved', 'session.denied', 'session.expired')
    GROUP BY 1, 2, 3
    -- A statement that changes no counter (a dynamic session's creation) takes no row lock, so it
    -- never waits behind another transaction that counts for the same account and day.
    HAVING count(*) FILTER (WHERE e.type <> 'session.created' OR e.payload ->> 'linkId' IS NOT NULL) > 0
    -- In key order, so two statements touching the same rows lock them in the same order.
    ORDER BY 1, 2, 3
    ON CONFLICT (account_id, link_id, day) DO UPDATE
        SET clicks    = f.clicks + EXCLUDED.clicks,
            started   = f.started + EXCLUDED.started,
            submitted = f.submitted + EXCLUDED.submitted,
            approved  = f.approved + EXCLUDED.approved,
            denied    = f.denied + EXCLUDED.denied,
            expired   = f.expired + EXCLUDED.expired;
    RETURN NULL;
END;
$$;

CREATE TRIGGER events_funnel
    AFTER INSERT ON events
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT
EXECUTE FUNCTION funnel_count_events();

-- The events stored before this script, counted once.
INSERT INTO funnel_days (account_id, link_id, day, clicks, started, submitted, approved, denied, expired)
SELECT account_id,
       coalesce(payload ->> 'linkId', ''),
       (occurred_at AT TIME ZONE 'UTC')::date,
       count(*) FILTER (WHERE type = 'session.created' AND payload ->> 'linkId' IS NOT NULL),
       count(*) FILTER (WHERE type = 'session.started'),
       count(*) FILTER (WHERE type = 'session.submitted'),
       count(*) FILTER (WHERE type = 'session.approved'),
       count(*) FILTER (WHERE type = 'session.denied'),
       count(*) FILTER (WHERE type = 'session.expired')
FROM events
WHERE type IN ('session.created', 'session.started', 'session.submitted', 'session.approved', 'session.denied', 'session.expired')
GROUP BY 1, 2, 3;

-- Refused clicks are not events: a link grain counts them in memory and adds them here now and
-- then, one statement for many refusals. p_reasons[i]: expired | exhausted | no_credit | rate_limited.
CREATE FUNCTION funnel_add_refusals(p_account text, p_link text, p_days date[], p_reasons text[], p_counts integer[])
    RETURNS void
    LANGUAGE sql AS
$$
INSERT INTO funnel_days AS f (account_id, link_id, day, refused_expired, refused_exhausted, refused_no_credit, refused_rate_limited)
SELECT p_account, p_link, r.day,
       coalesce(sum(r.clicks) FILTER (WHERE r.reason = 'expired'), 0),
       coalesce(sum(r.clicks) FILTER (WHERE r.reason = 'exhausted'), 0),
       coalesce(sum(r.clicks) FILTER (WHERE r.reason = 'no_credit'), 0),
       coalesce(sum(r.clicks) FILTER (WHERE r.reason = 'rate_limited'), 0)
FROM unnest(p_days, p_reasons, p_counts) AS r(day, reason, clicks)
GROUP BY r.day
ORDER BY r.day
ON CONFLICT (account_id, link_id, day) DO UPDATE
    SET refused_expired      = f.refused_expired + EXCLUDED.refused_expired,
        refused_exhausted    = f.refused_exhausted + EXCLUDED.refused_exhausted,
        refused_no_credit    = f.refused_no_credit + EXCLUDED.refused_no_credit,
        refused_rate_limited = f.refused_rate_limited + EXCLUDED.refused_rate_limited;
$$;

-- The account's ledger as its owner reads it: top-ups, and the charge or release that settled
-- each session's credit. Written by the same statement that moves the credits, so it cannot
-- disagree with them. `balance` is the balance right after the entry.
CREATE TABLE credit_entries
(
    seq        bigserial PRIMARY KEY,
    account_id text        NOT NULL,
    kind       text        NOT NULL,
    amount     integer     NOT NULL,
    balance    integer     NOT NULL,
    session_id text        NULL,
    at         timestamptz NOT NULL
);

CREATE INDEX credit_entries_by_account ON credit_entries (account_id, seq DESC);

-- The same changes as before (0007, 0008), now also written to the ledger and, for a top-up,
-- raised as an `account.credited` event, so open dashboard pages learn of the new balance. The
-- old signatures go: nothing may move credits without its ledger entry.
DROP FUNCTION credit_add(text, bigint, integer);

CREATE FUNCTION credit_add(p_account text, p_version bigint, p_amount integer, p_at timestamptz)
    RETURNS bigint
    LANGUAGE plpgsql AS
$$
DECLARE
    v_version bigint;
    v_balance integer;
BEGIN
    UPDATE account_credits
    SET balance = balance + p_amount, version = version + 1
    WHERE account_id = p_account AND version = p_version
    RETURNING version, balance INTO v_version, v_balance;
    IF v_version IS NULL THEN
        RAISE EXCEPTION 'stale account version % for %', p_version, p_account USING ERRCODE = 'ML409';
    END IF;

    INSERT INTO credit_entries (account_id, kind, amount, balance, at) VALUES (p_account, 'top_up', p_amount, v_balance, p_at);
    INSERT INTO events (id, account_id, type, subject_id, occurred_at, payload)
    VALUES ('evt_' || replace(gen_random_uuid()::text, '-', ''), p_account, 'account.credited', p_account, p_at,
            jsonb_build_object('amount', p_amount, 'balance', v_balance));
    RETURN v_version;
END;
$$;

DROP FUNCTION credit_settle(text, bigint, text, boolean);

CREATE FUNCTION credit_settle(p_account text, p_version bigint, p_session text, p_charge boolean, p_at timestamptz)
    RETURNS bigint
    LANGUAGE plpgsql AS
$$
DECLARE
    v_version bigint;
    v_balance integer;
    v_leased  boolean;
    v_link    text;
BEGIN
    DELETE FROM credit_holds WHERE session_id = p_session AND account_id = p_account
    RETURNING leased, link_id INTO v_leased, v_link;
    IF NOT FOUND THEN
        -- Settled before (or never held): charge and release each happen at most once.
        SELECT version INTO v_version FROM account_credits WHERE account_id = p_account;
        RETURN v_version;
    END IF;

    IF v_leased THEN
        UPDATE credit_leases SET used = used - 1, size = size - 1 WHERE link_id = v_link;
    END IF;

    UPDATE account_credits
    SET reserved = reserved - CASE WHEN v_leased THEN 0 ELSE 1 END,
        leased   = leased - CASE WHEN v_leased THEN 1 ELSE 0 END,
        balance  = balance - CASE WHEN p_charge THEN 1 ELSE 0 END,
        spent    = spent + CASE WHEN p_charge THEN 1 ELSE 0 END,
        version  = version + 1
    WHERE account_id = p_account AND version = p_version
    RETURNING version, balance INTO v_version, v_balance;
    IF v_version IS NULL THEN
        RAISE EXCEPTION 'stale account version % for %', p_version, p_account USING ERRCODE = 'ML409';
    END IF;

    INSERT INTO credit_entries (account_id, kind, amount, balance, session_id, at)
    VALUES (p_account, CASE WHEN p_charge THEN 'charge' ELSE 'release' END, 1, v_balance, p_session, p_at);
    RETURN v_version;
END;
$$;

-- The review queue, first come first served: submitted sessions by the time they were submitted.
ALTER TABLE sessions
    ADD COLUMN submitted_at timestamptz NULL;

UPDATE sessions s
SET submitted_at = e.occurred_at
FROM events e
WHERE e.subject_id = s.id AND e.type = 'session.submitted';

CREATE INDEX sessions_review_queue ON sessions (account_id, submitted_at, id) WHERE status = 'submitted';
