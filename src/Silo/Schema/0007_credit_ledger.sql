-- An account's credits, kept apart from its grain state. A reservation ("hold") is one row, so a
-- click writes a row and a counter instead of rewriting every open reservation of the account,
-- and settling a session is "delete its hold if it still exists": exactly once by construction.
-- The version column is the account grain's ETag: a stale activation's change is refused.
CREATE TABLE account_credits
(
    account_id text PRIMARY KEY,
    balance    integer NOT NULL,
    reserved   integer NOT NULL DEFAULT 0,
    spent      integer NOT NULL DEFAULT 0,
    version    bigint  NOT NULL DEFAULT 1,
    -- The last line of defence for "never overdraw": no code path can commit a negative available.
    CONSTRAINT credits_never_overdrawn CHECK (reserved >= 0 AND spent >= 0 AND balance >= reserved)
);

CREATE TABLE credit_holds
(
    session_id  text PRIMARY KEY,
    account_id  text        NOT NULL,
    link_id     text        NULL,
    reserved_at timestamptz NOT NULL
);

CREATE INDEX credit_holds_by_account ON credit_holds (account_id, reserved_at);

-- Each function is one statement for the caller: one round trip and one commit per change. A
-- version that is not the current one raises SQLSTATE ML409, which the grain turns into a failed call.

CREATE FUNCTION credit_hold(p_account text, p_version bigint, p_session text, p_link text, p_at timestamptz)
    RETURNS bigint
    LANGUAGE plpgsql AS
$$
DECLARE
    v_version bigint;
BEGIN
    INSERT INTO credit_holds (session_id, account_id, link_id, reserved_at)
    VALUES (p_session, p_account, p_link, p_at)
    ON CONFLICT (session_id) DO NOTHING;
    IF NOT FOUND THEN
        -- Held already: a repeated call changes nothing.
        SELECT version INTO v_version FROM account_credits WHERE account_id = p_account;
        RETURN v_version;
    END IF;

    UPDATE account_credits
    SET reserved = reserved + 1, version = version + 1
    WHERE account_id = p_account AND version = p_version
    RETURNING version INTO v_version;
    IF v_version IS NULL THEN
        RAISE EXCEPTION 'stale account version % for %', p_version, p_account USING ERRCODE = 'ML409';
    END IF;
    RETURN v_version;
END;
$$;

CREATE FUNCTION credit_settle(p_account text, p_version bigint, p_session text, p_charge boolean)
    RETURNS bigint
    LANGUAGE plpgsql AS
$$
DECLARE
    v_version bigint;
BEGIN
    DELETE FROM credit_holds WHERE session_id = p_session AND account_id = p_account;
    IF NOT FOUND THEN
        -- Settled before (or never held): charge and release each happen at most once.
        SELECT version INTO v_version FROM account_credits WHERE account_id = p_account;
        RETURN v_version;
    END IF;

    UPDATE account_credits
    SET reserved = reserved - 1,
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

CREATE FUNCTION credit_add(p_account text, p_version bigint, p_amount integer)
    RETURNS bigint
    LANGUAGE plpgsql AS
$$
DECLARE
    v_version bigint;
BEGIN
    UPDATE account_credits
    SET balance = balance + p_amount, version = version + 1
    WHERE account_id = p_account AND version = p_version
    RETURNING version INTO v_version;
    IF v_version IS NULL THEN
        RAISE EXCEPTION 'stale account version % for %', p_version, p_account USING ERRCODE = 'ML409';
    END IF;
    RETURN v_version;
END;
$$;
