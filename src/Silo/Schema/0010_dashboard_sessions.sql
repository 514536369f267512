-- Business dashboard sign-ins, held on the server so that signing out ends them for every copy of
-- the cookie. The cookie carries a random key; only its SHA-256 is kept here, so reading this table
-- does not hand out sessions.
CREATE TABLE dashboard_sessions
(
    key_hash   text PRIMARY KEY,
    account_id text        NOT NULL,
    ticket     bytea       NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);

-- "Sign out everywhere" and the sweep of an account's expired rows.
CREATE INDEX dashboard_sessions_by_account ON dashboard_sessions (account_id);
