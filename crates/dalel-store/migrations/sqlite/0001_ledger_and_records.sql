-- The ledger is the source of truth: append-only, one row per change, hash-chained.
CREATE TABLE ledger (
    seq       INTEGER PRIMARY KEY,
    time      TEXT    NOT NULL,
    author    TEXT    NOT NULL,
    record_id TEXT    NOT NULL,   -- derived from change, for history look-ups; not hashed
    change    TEXT    NOT NULL,   -- exact JSON text that the hash covers
    prev_hash BLOB    NOT NULL,   -- 32 bytes of SHA-256
    hash      BLOB    NOT NULL
);
CREATE INDEX ledger_record ON ledger (record_id, seq);

-- Derived from the ledger: which entry holds each record's current state. The state itself is
-- read from that entry, so it is stored once. `dalel rebuild` re-derives this table.
CREATE TABLE records (
    id          TEXT    PRIMARY KEY,
    kind        TEXT    NOT NULL,
    external_id TEXT,
    seq         INTEGER NOT NULL  -- the ledger entry that wrote this state
) WITHOUT ROWID;
CREATE UNIQUE INDEX records_external ON records (kind, external_id);
CREATE INDEX records_kind ON records (kind, id);

-- Derived: which record refers to which (a testimony to its subjects, an episode to its people).
CREATE TABLE record_refs (
    from_id TEXT NOT NULL,
    to_id   TEXT NOT NULL,
    PRIMARY KEY (from_id, to_id)
) WITHOUT ROWID;
CREATE INDEX record_refs_to ON record_refs (to_id);
