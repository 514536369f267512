-- The click in one transaction. A link grain commits a whole batch of clicks at once: its usage
-- (guarded by its version, so a stale duplicate activation fails), the batch's sessions, their
-- credit holds and their events. To make that one statement, the link's state moves out of
-- OrleansStorage into its own row of `links`, and the link spends credits from a lease that its
-- account granted it ahead of time instead of asking the account on every click.

-- A link's row is its state. `spec` holds what the link was created with and never changes;
-- rows written before this script have none and are read as links that do not exist.
ALTER TABLE links
    ADD COLUMN spec      jsonb       NULL,
    ADD COLUMN used      integer     NOT NULL DEFAULT 0,
    ADD COLUMN closed_at timestamptz NULL,
    ADD COLUMN version   bigint      NOT NULL DEFAULT 0;

-- What a session grain needs to build itself from the row its click wrote, and what the expiry
-- sweep looks for. Rows written before this script keep NULLs there: those sessions have their
-- grain state already.
ALTER TABLE sessions
    ADD COLUMN flow       text        NULL,
    ADD COLUMN language   text        NULL,
    ADD COLUMN expires_at timestamptz NULL;

CREATE INDEX sessions_open_by_expiry ON sessions (expires_at)
    WHERE status IN ('pending', 'in_progress') AND expires_at IS NOT NULL;

-- Leases. `leased` on the account is the sum of its links' lease sizes; a lease's `used` counts
-- the holds taken from it and still open. Together the two checks keep "never overdrawn" a rule of
-- the database: holds = reserved + sum(used) <= reserved + sum(size) = reserved + leased <= balance.
ALTER TABLE account_credits
    ADD COLUMN leased integer NOT NULL DEFAULT 0,
    DROP CONSTRAINT credits_never_overdrawn,
    ADD CONSTRAINT credits_never_overdrawn CHECK (reserved >= 0 AND spent >= 0 AND leased >= 0 AND balance >= reserved + leased);

-- `pending` credits of a lease were granted for clicks whose write is on its way; the account does
-- not take them back while that write is young (`pending_at`), or two links short of credit would
-- take it from each other forever. The link's write clears them.
CREATE TABLE credit_leases
(
    link_id    text PRIMARY KEY,
    account_id text        NOT NULL,
    size       integer     NOT NULL DEFAULT 0,
    used       integer     NOT NULL DEFAULT 0,
    pending    integer     NOT NULL DEFAULT 0,
    pending_at timestamptz NULL,
    CONSTRAINT lease_within_size CHECK (used >= 0 AND used <= size)
);

CREATE INDEX credit_leases_by_account ON credit_leases (account_id, link_id);

-- A hold taken from its link's lease is counted in that lease, not in the account's `reserved`.
ALTER TABLE credit_holds
    ADD COLUMN leased boolean NOT NULL DEFAULT false;

-- One write of a link: its new status and `p_clicks` more uses, the sessions of those clicks with
-- their holds, and the events raised. Answers the new version, or without writing anything:
-- -1 when p_version is not the stored version (a stale activation), -2 when the lease holds fewer
-- than p_clicks credits (the account took unused credits back). A lost race between the check and
-- the update raises ML409, which aborts the transaction.
CREATE FUNCTION link_write(
    p_link text, p_version bigint, p_status text, p_closed_at timestamptz, p_clicks integer,
    p_account text, p_sessions text[], p_created_at timestamptz, p_expires_at timestamptz, p_flow text, p_language text,
    p_event_ids text[], p_event_types text[], p_event_subjects text[], p_event_payloads text[])
    RETURNS bigint
    LANGUAGE plpgsql AS
$$
DECLARE
    v_version bigint;
BEGIN
    SELECT version INTO v_version FROM links WHERE id = p_link;
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

    UPDATE links
    SET used = used + p_clicks, status = p_status, closed_at = p_closed_at, version = version + 1
    WHERE id = p_link AND version = p_version
    RETURNING version INTO v_version;
    IF v_version IS NULL THEN
        RAISE EXCEPTION 'stale link version % for %', p_version, p_link USING ERRCODE = 'ML409';
    END IF;

    IF p_clicks > 0 THEN
        INSERT INTO sessions (id, account_id, link_id, status, created_at, flow, language, expires_at)
        SELECT s, p_account, p_link, 'pending', p_created_at, p_flow, p_language, p_expires_at FROM unnest(p_sessions) s;
        INSERT INTO credit_holds (session_id, account_id, link_id, reserved_at, leased)
        SELECT s, p_account, p_link, p_created_at, true FROM unnest(p_sessions) s;
    END IF;

    INSERT INTO events (id, account_id, type, subject_id, occurred_at, payload)
    SELECT e.id, p_account, e.type, e.subject, p_created_at, e.payload::jsonb
    FROM unnest(p_event_ids, p_event_types, p_event_subjects, p_event_payloads) AS e(id, type, subject, payload);
    RETURN v_version;
END;
$$;

-- Grants leases: p_amounts[i] more credits to link p_links[i], p_pending[i] of them for clicks
-- waiting now. The caller checked that the account has them unleased; the constraint on
-- account_credits refuses it otherwise.
CREATE FUNCTION credit_lease(p_account text, p_version bigint, p_links text[], p_amounts integer[], p_pending integer[])
    RETURNS bigint
    LANGUAGE plpgsql AS
$$
DECLARE
    v_version bigint;
BEGIN
    UPDATE account_credits
    SET leased = leased + (SELECT sum(a) FROM unnest(p_amounts) a), version = version + 1
    WHERE account_id = p_account AND version = p_version
    RETURNING version INTO v_version;
    IF v_version IS NULL THEN
        RAISE EXCEPTION 'stale account version % for %', p_version, p_account USING ERRCODE = 'ML409';
    END IF;

    -- In link order, like every statement that locks several leases, so two never deadlock.
    INSERT INTO credit_leases (link_id, account_id, size, pending, pending_at)
    SELECT l, p_account, a, p, now() FROM unnest(p_links, p_amounts, p_pending) AS g(l, a, p) ORDER BY l
    ON CONFLICT (link_id) DO UPDATE
        SET size = credit_leases.size + EXCLUDED.size, pending = credit_leases.pending + EXCLUDED.pending, pending_at = now();
    RETURN v_version;
END;
$$;

-- Takes back the unused part of leases: of the links in p_links (p_others false), or of every link
-- of the account but those (p_others true), leaving young pending credits where they are unless a
-- link gives back its own. Answers the new version (unchanged when nothing came back) and how many
-- credits came back.
CREATE FUNCTION credit_take_back(p_account text, p_version bigint, p_links text[], p_others boolean, OUT version bigint, OUT credits integer)
    LANGUAGE plpgsql AS
$$
BEGIN
    WITH unused AS (
        SELECT link_id,
               size - used - CASE WHEN p_others AND pending_at > now() - interval '5 seconds' THEN least(pending, size - used) ELSE 0 END AS spare
        FROM credit_leases
        WHERE account_id = p_account AND size > used AND (link_id = ANY (p_links)) <> p_others
        ORDER BY link_id
        FOR UPDATE),
    shrunk AS (
        UPDATE credit_leases c SET size = c.size - u.spare, pending = least(c.pending, c.size - u.spare - c.used)
        FROM unused u WHERE c.link_id = u.link_id AND u.spare > 0
        RETURNING u.spare)
    SELECT coalesce(sum(spare), 0) INTO credits FROM shrunk;
    IF credits = 0 THEN
        version := p_version;
        RETURN;
    END IF;

    UPDATE account_credits a
    SET leased = a.leased - credits, version = a.version + 1
    WHERE a.account_id = p_account AND a.version = p_version
    RETURNING a.version INTO version;
    IF version IS NULL THEN
        RAISE EXCEPTION 'stale account version % for %', p_version, p_account USING ERRCODE = 'ML409';
    END IF;
END;
$$;

-- Settling a hold taken from a lease takes its credit out of the lease and out of `leased`, where
-- it was counted, instead of out of `reserved`.
CREATE OR REPLACE FUNCTION credit_settle(p_account text, p_version bigint, p_session text, p_charge boolean)
    RETURNS bigint
    LANGUAGE plpgsql AS
$$
DECLARE
    v_version bigint;
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
    RETURNING version INTO v_version;
    IF v_version IS NULL THEN
        RAISE EXCEPTION 'stale account version % for %', p_version, p_account USING ERRCODE = 'ML409';
    END IF;
    RETURN v_version;
END;
$$;
