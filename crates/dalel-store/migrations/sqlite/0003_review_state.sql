-- Derived: a testimony's review state, so that the review queue is a range of an index.
ALTER TABLE records ADD COLUMN state TEXT;
CREATE INDEX records_state ON records (kind, state, id) WHERE state IS NOT NULL;
