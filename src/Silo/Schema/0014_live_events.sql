-- Open dashboard pages learn of an account's new events from a notification instead of each page
-- polling the events table: every API process LISTENs on one connection and fans the
-- notifications out in memory. Sent at commit, so a page never hears of a row it cannot read yet.
-- The payload is "<account id> <seq> <type> <subject id>" (none of them holds a space).
CREATE OR REPLACE FUNCTION notify_account_event() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM pg_notify('account_events', NEW.account_id || ' ' || NEW.seq || ' ' || NEW.type || ' ' || NEW.subject_id);
    RETURN NULL;
END
$$;

CREATE TRIGGER events_notify_account AFTER INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION notify_account_event();
