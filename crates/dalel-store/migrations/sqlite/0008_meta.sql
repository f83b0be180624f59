-- Facts about the archive itself: its id (random, made once, named by its key file and its
-- backups) and the check value of its key (`keys.rs`; never the key).
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (name, value) VALUES ('archive_id', lower(hex(randomblob(16))));
