-- The people who may use dalel. Not archive records: not in the ledger, not exported, and
-- `dalel rebuild` leaves them alone. A password is kept only as its Argon2id hash (PHC string).
CREATE TABLE accounts (
    name          TEXT    PRIMARY KEY,
    role          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
