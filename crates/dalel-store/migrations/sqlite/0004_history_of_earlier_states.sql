-- `history` holds only the entries whose state a later entry replaced; a record's current entry
-- is `records.seq`. A record put once (most of them, and every record of a first import) needs no
-- history row (docs/benchmarks.md).
DELETE FROM history WHERE seq IN (SELECT seq FROM records);
