-- Who is signed in to the web app. Like accounts, not archive records. Only the hash of each
-- session's token is kept: a copy of the archive lets no one sign in.
CREATE TABLE sessions (
    token_hash BLOB    PRIMARY KEY,
    account    TEXT    NOT NULL REFERENCES accounts (name),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_account ON sessions (account);
CREATE INDEX sessions_expires_at ON sessions (expires_at);
