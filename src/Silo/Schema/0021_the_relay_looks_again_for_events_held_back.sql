-- webhook_fan_out (0011) reads only events of transactions older than every one still running, so
-- that none commits behind its cursor. An event committed while an older transaction of the server
-- still ran (one in any database, of any kind) is held back, and the relay read nothing new when its
-- notification woke it. If that older transaction wrote no event, nothing woke the relay again, and
-- the event waited for the account's next one, forever on a quiet account. The fan-out now also
-- says whether it saw committed events it may not read yet, and the relay looks again until it may.
DROP FUNCTION webhook_fan_out(integer, timestamptz);

CREATE FUNCTION webhook_fan_out(p_limit integer, p_now timestamptz)
    RETURNS TABLE (events_read integer, endpoint_ids text[], held_back boolean)
    LANGUAGE plpgsql AS
$$
DECLARE
    v_tx  xid8;
    v_seq bigint;
    v_horizon xid8;
BEGIN
    -- Taken first, so concurrent relays (a brief duplicate activation) read the cursor in turn;
    -- the next statement's snapshot is taken after the lock, so it sees the cursor's latest move.
    SELECT r.tx, r.seq INTO v_tx, v_seq FROM webhook_relay r FOR UPDATE;
    v_horizon := pg_snapshot_xmin(pg_current_snapshot());

    RETURN QUERY
    WITH batch AS MATERIALIZED (
        SELECT e.tx, e.seq, e.id, e.account_id, e.type, e.occurred_at, e.payload
        FROM events e
        WHERE (e.tx, e.seq) > (v_tx, v_seq) AND e.tx < v_horizon
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
           coalesce((SELECT array_agg(DISTINCT a.endpoint_id) FROM added a), ARRAY []::text[]),
           EXISTS (SELECT 1 FROM events e WHERE e.tx >= v_horizon)
    FROM (SELECT count(*) FROM moved) m;
END;
$$;
