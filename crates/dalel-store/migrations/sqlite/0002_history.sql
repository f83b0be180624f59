-- History look-ups read a derived table written in key order when a write commits, instead of an
-- index on ledger.record_id that every append updated at a random place (docs/benchmarks.md).
DROP INDEX ledger_record;

CREATE TABLE history (
    record_id TEXT    NOT NULL,
    seq       INTEGER NOT NULL,  -- a ledger entry that put this record
    PRIMARY KEY (record_id, seq)
) WITHOUT ROWID;

INSERT INTO history (record_id, seq) SELECT record_id, seq FROM ledger ORDER BY record_id, seq;
