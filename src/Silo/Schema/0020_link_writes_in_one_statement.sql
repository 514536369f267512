-- The silo's link writer sends the writes of many links in one transaction, and with many links
-- clicked at once most of them carry one click. Each was its own `SELECT link_write(...)`: one
-- statement to bind and execute per click, and in it two inserts (the click's session, its event)
-- that each started an executor for a single row. link_writes takes a whole transaction's writes
-- in one statement: it checks and updates each link as link_write did, then inserts the sessions
-- and the events of every write that held in one statement each.
--
-- Per write, in p_links' order, the answer is its link's new version, or without writing anything
-- of it: -1 when p_versions[i] is not the stored version (a stale activation), -2 when the lease
-- holds fewer than p_clicks[i] credits (the account took unused credits back). A lost race between
-- the check and the update raises ML409, which aborts the whole transaction. Sessions and events
-- name their write by its position (p_session_writes, p_event_writes, counted from 1).
CREATE FUNCTION link_writes(
    p_links text[], p_versions bigint[], p_statuses text[], p_closed_at timestamptz[], p_clicks integer[],
    p_accounts text[], p_created_at timestamptz[], p_expires_at timestamptz[], p_flows text[], p_languages text[],
    p_session_writes integer[], p_sessions text[],
    p_event_writes integer[], p_event_ids text[], p_event_types text[], p_event_subjects text[], p_event_payloads text[])
    RETURNS bigint[]
    LANGUAGE plpgsql AS
$$
DECLARE
    v_results     bigint[] := array_fill(0::bigint, ARRAY[cardinality(p_links)]);
    v_version     bigint;
    v_hour        timestamptz;
    v_stored_hour timestamptz;
    v_stored      integer;
    v_moving      boolean;
BEGIN
    FOR i IN 1 .. cardinality(p_links) LOOP
        SELECT version, clicks_hour, clicks_in_hour INTO v_version, v_stored_hour, v_stored FROM links WHERE id = p_links[i];
        IF v_version IS DISTINCT FROM p_versions[i] THEN
            v_results[i] := -1;
            CONTINUE;
        END IF;

        IF p_clicks[i] > 0 THEN
            UPDATE credit_leases SET used = used + p_clicks[i], pending = greatest(pending - p_clicks[i], 0)
            WHERE link_id = p_links[i] AND size - used >= p_clicks[i];
            IF NOT FOUND THEN
                v_results[i] := -2;
                CONTINUE;
            END IF;
        END IF;

        -- Every write of a link changes its version, so the update below finds the row as read
        -- above: whether these clicks start a new hour is decided once, here.
        v_hour := date_trunc('hour', p_created_at[i], 'UTC');
        v_moving := p_clicks[i] > 0 AND v_stored_hour IS DISTINCT FROM v_hour;
        UPDATE links
        SET used = used + p_clicks[i], status = p_statuses[i], closed_at = p_closed_at[i], version = version + 1,
            clicks_hour    = CASE WHEN p_clicks[i] > 0 THEN v_hour ELSE clicks_hour END,
            clicks_in_hour = CASE WHEN v_moving THEN p_clicks[i] ELSE clicks_in_hour + p_clicks[i] END
        WHERE id = p_links[i] AND version = p_versions[i]
        RETURNING version INTO v_version;
        IF v_version IS NULL THEN
            RAISE EXCEPTION 'stale link version % for %', p_versions[i], p_links[i] USING ERRCODE = 'ML409';
        END IF;

        IF v_moving AND v_stored > 0 THEN
            PERFORM funnel_count(p_accounts[i], p_links[i], v_stored_hour, v_stored, 0, 0, 0, 0, 0);
        END IF;

        v_results[i] := v_version;
    END LOOP;

    -- Each session's row holds its click's credit until the session is settled (0019).
    INSERT INTO sessions (id, account_id, link_id, status, created_at, flow, language, expires_at, lease_held)
    SELECT s.id, p_accounts[s.w], p_links[s.w], 'pending', p_created_at[s.w], p_flows[s.w], p_languages[s.w], p_expires_at[s.w], true
    FROM unnest(p_session_writes, p_sessions) AS s(w, id)
    WHERE v_results[s.w] > 0;

    INSERT INTO events (id, account_id, type, subject_id, occurred_at, payload)
    SELECT e.id, p_accounts[e.w], e.type, e.subject, p_created_at[e.w], e.payload::jsonb
    FROM unnest(p_event_writes, p_event_ids, p_event_types, p_event_subjects, p_event_payloads) AS e(w, id, type, subject, payload)
    WHERE v_results[e.w] > 0;
    RETURN v_results;
END;
$$;

-- link_write (0019) stays for now: while a cluster is upgraded one silo at a time, the silos not
-- yet upgraded still call it, and both write the same rows the same way.
