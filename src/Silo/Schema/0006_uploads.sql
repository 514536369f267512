-- Images of the hosted flow, encrypted by the API (AES-GCM) before they reach the database. The
-- hash is of the plain image, so the same photo reused in another session of the account shows up
-- in the automated checks without decrypting anything.
CREATE TABLE uploads
(
    id           text PRIMARY KEY,
    session_id   text        NOT NULL,
    account_id   text        NOT NULL,
    kind         text        NOT NULL,
    content_type text        NOT NULL,
    sha256       text        NOT NULL,
    width        integer     NOT NULL,
    height       integer     NOT NULL,
    sharpness    double precision NOT NULL,
    key_id       text        NOT NULL,
    nonce        bytea       NOT NULL,
    tag          bytea       NOT NULL,
    ciphertext   bytea       NOT NULL,
    created_at   timestamptz NOT NULL
);

CREATE INDEX uploads_by_session ON uploads (session_id, kind);
CREATE INDEX uploads_by_account_hash ON uploads (account_id, sha256);
