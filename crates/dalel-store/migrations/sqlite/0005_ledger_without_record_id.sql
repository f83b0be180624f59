-- The ledger keeps only what its hashes cover (and the hashes): a record's id is in its change.
-- The column was derived, for history look-ups, which `history` and `records` serve now.
ALTER TABLE ledger DROP COLUMN record_id;
