-- A click's session.created event carried the whole session as its payload, though the session's
-- row, written in the same transaction, already holds every part of it: a session as its click
-- opens it is pending with its credit reserved, nothing uploaded, no client reference and no
-- redirect URLs, and the row has the rest. The copy was most of what a click wrote: an event row of
-- about 700 bytes against 180 without it, about 1,050 bytes of WAL against 530 with its index
-- entries. Such an event is now stored without a payload, and the webhook sender rebuilds the
-- session from its row (the same code that rebuilds the session grain from it). Every other event
-- keeps its payload: its subject changed after its row was written, or has no such row. While a
-- cluster is upgraded one silo at a time, a silo not yet upgraded cannot send such a delivery (it
-- reads the payload as text): its endpoint grain logs the failure and the claim lapses, and the
-- delivery goes out once the endpoint's grain runs on an upgraded silo.
ALTER TABLE events ALTER COLUMN payload DROP NOT NULL;
ALTER TABLE webhook_deliveries ALTER COLUMN payload DROP NOT NULL;
