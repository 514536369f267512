-- A click's credit hold was a row of credit_holds written next to its session's row: one more heap
-- row and index entry per click, about a tenth of PostgreSQL's CPU per link write (0.22 ms instead
-- of 0.24-0.26 without it, link_write alone under pgbench). A hold taken from a link's lease only
-- ever names its session, account and link, all of which the session's row has, so the row now
-- carries it: `lease_held` is true from the click's transaction until the session is settled.
-- Holds taken from the account itself (dynamic sessions, whose hold comes before their session
-- row) stay in credit_holds, so the sweep of orphaned holds is unchanged.
ALTER TABLE sessions
    ADD COLUMN lease_held boolean NOT NULL DEFAULT false;

UPDATE sessions s SET lease_held = true
FROM credit_holds h
WHERE h.session_id = s.id AND h.leased;

DELETE FROM credit_holds h
WHERE h.leased AND EXISTS (SELECT 1 FROM sessions s WHERE s.id = h.session_id);

-- Every open hold, wherever it is kept: for readers that check the ledger against the sessions.
CREATE VIEW open_credit_holds AS
SELECT session_id, account_id, link_id, reserved_at, leased
FROM credit_holds
UNION ALL
SELECT id, account_id, link_id, created_at, true
FROM sessions
WHERE lease_held;

-- credit_settle of 0013; a leased hold is found on its session's row.
CREATE OR REPLACE FUNCTION credit_settle(p_account text, p_version bigint, p_session text, p_charge boolean, p_at timestamptz)
    RETURNS bigint
    LANGUAGE plpgsql AS
$$
DECLARE
    v_version bigint;
    v_balance integer;
    v_leased  boolean := true;
    v_link    text;
BEGIN
    UPDATE sessions SET lease_held = false
    WHERE id = p_session AND account_id = p_account AND lease_held
    RETURNING link_id INTO v_link;
    IF NOT FOUND THEN
        DELETE FROM credit_holds WHERE session_id = p_session AND account_id = p_account
        RETURNING leased, link_id INTO v_leased, v_link;
        IF NOT FOUND THEN
            -- Settled before (or never held): charge and release each happen at most once.
            SELECT version INTO v_version FROM account_credits WHERE account_id = p_account;
            RETURN v_version;
        END IF;
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

-- link_write of 0018; each session's row holds its credit.
CREATE OR REPLACE FUNCTION link_write(
    p_link text, p_version bigint, p_status text, p_closed_at timestamptz, p_clicks integer,
    p_account text, p_sessions text[], p_created_at timestamptz, p_expires_at timestamptz, p_flow text, p_language text,
    p_event_ids text[], p_event_types text[], p_event_subjects text[], p_event_payloads text[])
    RETURNS bigint
    LANGUAGE plpgsql AS
$$
DECLARE
    v_version     bigint;
    v_hour        timestamptz := date_trunc('hour', p_created_at, 'UTC');
    v_stored_hour timestamptz;
    v_stored      integer;
    v_moving      boolean;
BEGIN
    SELECT version, clicks_hour, clicks_in_hour INTO v_version, v_stored_hour, v_stored FROM links WHERE id = p_link;
    IF v_version IS DISTINCT FROM p_version THEN
        RETURN -1;
    END IF;

    IF p_clicks > 0 THEN
        UPDATE credit_leases SET used = used + p_clicks, pending = greatest(pending - p_clicks, 0)
        WHERE link_id = p_link AND size - used >= p_clicks;
        IF NOT FOUND THEN
            RETURN -2;
        END IF;
    END IF;

    -- Every write of a link changes its version, so the update below finds the row as read above:
    -- whether these clicks start a new hour is decided once, here.
    v_moving := p_clicks > 0 AND v_stored_hour IS DISTINCT FROM v_hour;
    UPDATE links
    SET used = used + p_clicks, status = p_status, closed_at = p_closed_at, version = version + 1,
        clicks_hour    = CASE WHEN p_clicks > 0 THEN v_hour ELSE clicks_hour END,
        clicks_in_hour = CASE WHEN v_moving THEN p_clicks ELSE clicks_in_hour + p_clicks END
    WHERE id = p_link AND version = p_version
    RETURNING version INTO v_version;
    IF v_version IS NULL THEN
        RAISE EXCEPTION 'stale link version % for %', p_version, p_link USING ERRCODE = 'ML409';
    END IF;

    IF p_clicks > 0 THEN
        INSERT INTO sessions (id, account_id, link_id, status, created_at, flow, language, expires_at, lease_held)
        SELECT s, p_account, p_link, 'pending', p_created_at, p_flow, p_language, p_expires_at, true FROM unnest(p_sessions) s;
        IF v_moving AND v_stored > 0 THEN
            PERFORM funnel_count(p_account, p_link, v_stored_hour, v_stored, 0, 0, 0, 0, 0);
        END IF;
    END IF;

    INSERT INTO events (id, account_id, type, subject_id, occurred_at, payload)
    SELECT e.id, p_account, e.type, e.subject, p_created_at, e.payload::jsonb
    FROM unnest(p_event_ids, p_event_types, p_event_subjects, p_event_payloads) AS e(id, type, subject, payload);
    RETURN v_version;
END;
$$;
