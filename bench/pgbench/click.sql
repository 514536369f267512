-- One click as a plain PostgreSQL transaction: take the link's row lock by counting the use, and
-- insert the session row, committed together. Run by pgbench with -D links=N (1 = hot, 10000 = spread).
\set id random(1, :links)
BEGIN;
UPDATE bench_links SET used = used + 1 WHERE id = :id RETURNING used;
INSERT INTO bench_sessions (id, account_id, link_id, status, created_at)
VALUES ('ses_' || replace(gen_random_uuid()::text, '-', ''), 'acc_bench', :id, 'pending', now());
END;
