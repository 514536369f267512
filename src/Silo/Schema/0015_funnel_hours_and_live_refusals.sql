-- The last 24 hours of every link's click-through chart, per UTC hour, kept as counters like
-- funnel_days (0013). A ring of 24 rows per link: the hour of day is the slot, and `hour` says which
-- hour the slot holds now. An event of a newer hour takes the slot over; an event of an older hour
-- than the slot holds is at least a day old, outside the chart, and changes nothing. So the table
-- never grows past 24 rows a link and needs no clean-up, and the readers only take slots whose
-- `hour` is within the last 24.
CREATE TABLE funnel_hours
(
    account_id text        NOT NULL,
    link_id    text        NOT NULL,
    slot       smallint    NOT NULL,
    hour       timestamptz NOT NULL,
    clicks     integer     NOT NULL DEFAULT 0,
    started    integer     NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, link_id, slot)
);

-- Still one statement per INSERT on `events`: the hours of the statement's rows are counted once,
-- then added to funnel_hours (the main statement) and, summed per day, to funnel_days (the CTE).
-- Both run in a fixed order within the statement (the main statement first, the unreferenced CTE
-- after it), and each in key order, so two transactions lock the same rows in the same order.
CREATE OR REPLACE FUNCTION funnel_count_events() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    WITH counted AS (
        SELECT e.account_id,
               coalesce(e.payload ->> 'linkId', '')                                        AS link_id,
               date_trunc('hour', e.occurred_at, 'UTC')                                     AS hour,
               count(*) FILTER (WHERE e.type = 'session.created' AND e.payload ->> 'linkId' IS NOT NULL) AS clicks,
               count(*) FILTER (WHERE e.type = 'session.started')                          AS started,
               count(*) FILTER (WHERE e.type = 'session.submitted')                        AS submitted,
               count(*) FILTER (WHERE e.type = 'session.approved')                         AS approved,
               count(*) FILTER (WHERE e.type = 'session.denied')                           AS denied,
               count(*) FILTER (WHERE e.type = 'session.expired')                          AS expired
        FROM new_events e
        WHERE e.type IN ('session.created', 'session.started', 'session.submitted', 'session.approved', 'session.denied', 'session.expired')
        GROUP BY 1, 2, 3
        -- A statement that changes no counter (a dynamic session's creation) takes no row lock, so it
        -- never waits behind another transaction that counts for the same account and day.
        HAVING count(*) FILTER (WHERE e.type <> 'session.created' OR e.payload ->> 'linkId' IS NOT NULL) > 0
    ),
    days AS (
        INSERT INTO funnel_days AS f (account_id, link_id, day, clicks, started, submitted, approved, denied, expired)
        SELECT account_id, link_id, (hour AT TIME ZONE 'UTC')::date,
               sum(clicks), sum(started), sum(submitted), sum(approved), sum(denied), sum(expired)
        FROM counted
        GROUP BY 1, 2, 3
        ORDER BY 1, 2, 3
        ON CONFLICT (account_id, link_id, day) DO UPDATE
            SET clicks    = f.clicks + EXCLUDED.clicks,
                started   = f.started + EXCLUDED.started,
                submitted = f.submitted + EXCLUDED.submitted,
                approved  = f.approved + EXCLUDED.approved,
                denied    = f.denied + EXCLUDED.denied,
                expired   = f.expired + EXCLUDED.expired
    )
    INSERT INTO funnel_hours AS h (account_id, link_id, slot, hour, clicks, started)
    SELECT account_id, link_id, extract(HOUR FROM hour AT TIME ZONE 'UTC')::smallint, hour, clicks, started
    FROM counted
    -- Only a link's chart is drawn by the hour; dynamic sessions count by the day alone.
    WHERE link_id <> '' AND (clicks > 0 OR started > 0)
    ORDER BY 1, 2, 3
    ON CONFLICT (account_id, link_id, slot) DO UPDATE
        SET clicks  = CASE WHEN EXCLUDED.hour > h.hour THEN EXCLUDED.clicks WHEN EXCLUDED.hour = h.hour THEN h.clicks + EXCLUDED.clicks ELSE h.clicks END,
            started = CASE WHEN EXCLUDED.hour > h.hour THEN EXCLUDED.started WHEN EXCLUDED.hour = h.hour THEN h.started + EXCLUDED.started ELSE h.started END,
            hour    = greatest(h.hour, EXCLUDED.hour);
    RETURN NULL;
END;
$$;

-- The last day's events stored before this script, counted once (the ring keeps no older hour).
INSERT INTO funnel_hours (account_id, link_id, slot, hour, clicks, started)
SELECT account_id, link_id, extract(HOUR FROM hour AT TIME ZONE 'UTC')::smallint, hour, clicks, started
FROM (SELECT account_id,
             payload ->> 'linkId'                                   AS link_id,
             date_trunc('hour', occurred_at, 'UTC')                 AS hour,
             count(*) FILTER (WHERE type = 'session.created')       AS clicks,
             count(*) FILTER (WHERE type = 'session.started')       AS started
      FROM events
      WHERE type IN ('session.created', 'session.started')
        AND payload ->> 'linkId' IS NOT NULL
        AND occurred_at >= date_trunc('hour', now(), 'UTC') - interval '23 hours'
      GROUP BY 1, 2, 3) AS recent;

-- Refused clicks are stored by their link now and then, not as events (0013): the same statement
-- now tells the account's open dashboard pages that the link's funnel changed, at commit like an
-- event's notification (0014). A channel of its own, "<account id> <link id>", so the webhook relay,
-- which listens for new events, is not woken by what is no event.
CREATE OR REPLACE FUNCTION funnel_add_refusals(p_account text, p_link text, p_days date[], p_reasons text[], p_counts integer[])
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

SELECT pg_notify('funnel_refusals', p_account || ' ' || p_link);
$$;
