-- Every index on a table the click inserts into is one more entry written, and WAL-logged, per
-- click. Two of them served no reader on the click's rows:
-- - credit_holds_by_account is read only by the sweep of the account's own holds (NOT leased, see
--   CreditLedger); a click's hold comes from its link's lease, so it need not be in that index.
-- - events.seq was UNIQUE, but nothing looks an event up by seq alone: the live pages read
--   (account_id, seq) and the webhook relay (tx, seq), each with its own index. A bigserial never
--   repeats a value, so the constraint checked nothing.
DROP INDEX credit_holds_by_account;
CREATE INDEX credit_holds_by_account ON credit_holds (account_id, reserved_at) WHERE NOT leased;

ALTER TABLE events DROP CONSTRAINT events_seq_key;
