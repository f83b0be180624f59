//! The SQLite backend: one file, WAL journal, writes serialised by `BEGIN IMMEDIATE`.
//!
//! The SQL here sticks to what PostgreSQL also speaks (`ON CONFLICT`; the one SQLite function is
//! `json_extract`, in verify's check of the derived tables and rebuild's of `history`; no other
//! SQLite-only functions in queries) so that a PostgreSQL backend can reuse it with its own
//! migrations and placeholders.

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use dalel_model::{Account, Entry, Hash, Head, Record, RecordId, RecordKind, ReviewState, Session};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use crate::crypt::FieldCipher;
use crate::keys::ArchiveKey;
use rusqlite::OptionalExtension;
use sha2::{Digest, Sha256};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, QueryBuilder, Row, Sqlite, SqliteConnection, SqlitePool, Transaction};

use crate::{Result, Snapshot, Store, StoreError, Writer, record_from_change};

mod accounts;
mod queue;
mod snapshot;
mod write;

use queue::Queue;
use snapshot::SqliteSnapshot;
use write::{FLUSH_AT, Pending, SqliteWriter};

/// Rows per multi-row statement; well under SQLite's 32,766 bound parameters.
const BATCH: usize = 500;

/// How long a connection waits for another's lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The page size of a new database (SQLite's default is 4 KiB).
const PAGE_SIZE: u32 = 32768;

/// Connections a process keeps open to the database: readers in WAL mode run side by side.
pub(crate) const CONNECTIONS: u32 = 4;

/// An archive's database in SQLite.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Whether ledger changes are sealed, and the cipher once the key is given: shared with the
    /// `dalel_open` function of every connection.
    pub(crate) fields: Arc<Fields>,
}

/// The sealing of the ledger's changes (`crypt::FieldCipher`).
#[derive(Debug, Default)]
pub(crate) struct Fields {
    sealed: AtomicBool,
    cipher: OnceLock<FieldCipher>,
}

impl Fields {
    pub(crate) fn is_sealed(&self) -> bool {
        self.sealed.load(Ordering::Acquire)
    }

    pub(crate) fn set_sealed(&self) {
        self.sealed.store(true, Ordering::Release);
    }

    pub(crate) fn unlock(&self, key: &ArchiveKey) {
        let _ = self.cipher.set(FieldCipher::new(key));
    }

    /// The cipher new changes are sealed with: `None` in a plain archive, an error in a sealed
    /// one whose key was not given.
    pub(crate) fn sealing(&self) -> Result<Option<&FieldCipher>> {
        if !self.is_sealed() {
            return Ok(None);
        }
        self.cipher.get().map(Some).ok_or(StoreError::Locked)
    }

    /// A change as stored (text, or a sealed blob) as text.
    fn open(&self, seq: i64, stored: rusqlite::types::ValueRef<'_>) -> std::result::Result<String, String> {
        open_change(self.cipher.get(), seq, stored)
    }
}

/// The change of ledger entry `seq` as stored (text in a plain archive, a sealed blob in a
/// sealed one) as text, opened with `cipher`; an error names the entry, or says the key is
/// missing. Every reader of changes comes here: `dalel_open`, the pages of records
/// (`sqlite/snapshot.rs`, for `Store::list` and a snapshot's) and a backup's reading of its copy.
pub(crate) fn open_change(
    cipher: Option<&FieldCipher>,
    seq: i64,
    stored: rusqlite::types::ValueRef<'_>,
) -> std::result::Result<String, String> {
    use rusqlite::types::ValueRef;
    match stored {
        ValueRef::Text(text) => String::from_utf8(text.to_vec()).map_err(|e| e.to_string()),
        ValueRef::Blob(sealed) => match cipher {
            Some(cipher) => cipher
                .open(seq as u64, sealed)
                .map_err(|_| format!("ledger entry {seq} does not decrypt: the wrong key, or it was changed")),
            None => Err(StoreError::Locked.to_string()),
        },
        _ => Err(format!("ledger entry {seq}: no change")),
    }
}

/// Gives a connection the SQL function `dalel_open(seq, change)`: the entry's change as text,
/// opened when sealed. Every SQL query reads changes through it, so SQL (`json_extract` in
/// verify and rebuild) works on sealed archives as on plain ones.
async fn add_functions(conn: &mut SqliteConnection, fields: Arc<Fields>) -> std::result::Result<(), sqlx::Error> {
    {
        let mut locked = conn.lock_handle().await?;
        // SAFETY: while `locked` lives sqlx's worker makes no call on this handle; a connection
        // made `from_handle` does not close it. The function stays with the handle.
        let db = unsafe { rusqlite::Connection::from_handle(locked.as_raw_handle().as_ptr()) }
            .map_err(|e| sqlx::Error::Configuration(e.to_string().into()))?;
        let flags =
            rusqlite::functions::FunctionFlags::SQLITE_UTF8 | rusqlite::functions::FunctionFlags::SQLITE_DETERMINISTIC;
        let fields = std::panic::AssertUnwindSafe(fields);
        db.create_scalar_function("dalel_open", 2, flags, move |ctx| {
            let seq: i64 = ctx.get(0)?;
            fields.open(seq, ctx.get_raw(1)).map_err(|e| rusqlite::Error::UserFunctionError(e.into()))
        })
        .map_err(|e| sqlx::Error::Configuration(e.to_string().into()))?;
        drop(db);
    }
    Ok(())
}

impl SqliteStore {
    /// Writes a consistent copy of the whole database to `path` (SQLite's `VACUUM INTO`: one read
    /// transaction, so writers go on meanwhile and the copy is one moment's state).
    pub(crate) async fn copy_to(&self, path: &Path) -> Result<()> {
        let path = path.to_str().ok_or_else(|| StoreError::Refused(format!("{} is not UTF-8", path.display())))?;
        sqlx::query("VACUUM INTO ?").bind(path).execute(&self.pool).await?;
        Ok(())
    }

    /// Opens (and with `create`, creates) the database file and brings its schema up to date.
    pub async fn open(path: &Path, create: bool) -> Result<SqliteStore> {
        SqliteStore::open_with(path, create, CONNECTIONS).await
    }

    /// [`SqliteStore::open`] with at most `connections` connections. A load wants one: only a
    /// process's one connection can switch the database to a rollback journal
    /// ([`Store::loader`]); with more, the load keeps the write-ahead log.
    pub async fn open_with(path: &Path, create: bool, connections: u32) -> Result<SqliteStore> {
        let options = SqliteConnectOptions::from_str("sqlite://")
            .expect("static URL")
            .filename(path)
            .create_if_missing(create)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            // A large import is one transaction: a big page cache keeps SQLite from spilling
            // dirty index pages to the WAL and reading them back (measured in
            // docs/benchmarks.md). It is a ceiling, filled only as pages are used.
            .page_size(PAGE_SIZE)
            .pragma("cache_size", "-262144")
            // After a checkpoint the WAL file shrinks back instead of keeping its largest size.
            .pragma("journal_size_limit", "67108864")
            // Statement journals (each multi-row statement inside the long transaction keeps
            // one) stay in memory instead of being written to a temporary file.
            .pragma("temp_store", "memory")
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true)
            // Verify and rebuild run statements over the whole archive; that is no warning.
            .log_slow_statements(log::LevelFilter::Debug, Duration::from_secs(1));
        let fields = Arc::new(Fields::default());
        let for_connections = fields.clone();
        let pool = SqlitePoolOptions::new()
            .max_connections(connections)
            .after_connect(move |conn, _| {
                let fields = for_connections.clone();
                Box::pin(add_functions(conn, fields))
            })
            .connect_with(options)
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        if sqlx::query_scalar::<_, String>("SELECT value FROM meta WHERE name = 'sealed'")
            .fetch_optional(&pool)
            .await?
            .as_deref()
            == Some("1")
        {
            fields.set_sealed();
        }
        Ok(SqliteStore { pool, fields })
    }

    /// Closes every connection, checkpointing the WAL.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn hash_from_row(row: &sqlx::sqlite::SqliteRow, col: &str, seq: i64) -> Result<Hash> {
    let bytes: Vec<u8> = row.try_get(col)?;
    let bytes: [u8; 32] = bytes.try_into().map_err(|_| StoreError::Corrupt {
        id: format!("ledger entry {seq}"),
        reason: format!("{col} is not 32 bytes of SHA-256"),
    })?;
    Ok(Hash(bytes))
}

fn entry_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Entry> {
    let seq: i64 = row.try_get("seq")?;
    Ok(Entry {
        seq: seq as u64,
        time: row.try_get("time")?,
        author: row.try_get("author")?,
        change: row.try_get("change")?,
        prev_hash: hash_from_row(row, "prev_hash", seq)?,
        hash: hash_from_row(row, "hash", seq)?,
    })
}

/// Reads `(id, change)` rows as records.
fn records_from_rows(rows: &[sqlx::sqlite::SqliteRow]) -> Result<Vec<Record>> {
    rows.iter().map(|r| record_from_change(r.try_get("id")?, r.try_get("change")?)).collect()
}

/// Selects `r.id` and the `l.change` that holds the record's state; append `WHERE ...`.
const SELECT_RECORDS: &str =
    "SELECT r.id, dalel_open(l.seq, l.change) AS change FROM records r JOIN ledger l ON l.seq = r.seq";

/// A ledger entry's columns, its change opened.
const ENTRY: &str = "seq, time, author, dalel_open(seq, change) AS change, prev_hash, hash";

async fn read_head(conn: &mut SqliteConnection) -> Result<Option<Head>> {
    let row = sqlx::query("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1").fetch_optional(conn).await?;
    row.map(|r| {
        let seq: i64 = r.try_get("seq")?;
        Ok(Head { seq: seq as u64, hash: hash_from_row(&r, "hash", seq)? })
    })
    .transpose()
}

async fn read_external_ids(conn: &mut SqliteConnection, ids: &[RecordId]) -> Result<HashMap<RecordId, String>> {
    let select = "SELECT r.id, r.external_id AS value FROM records r WHERE r.external_id IS NOT NULL AND r.id IN (";
    read_by_ids(conn, ids, select, |row| Ok(row.try_get("value")?)).await
}

/// A value for each of `ids` that `select` (ending in `r.id IN (`, naming the record's id `id`)
/// finds, read by `value`; the ids are bound in batches of [`BATCH`].
async fn read_by_ids<T>(
    conn: &mut SqliteConnection,
    ids: &[RecordId],
    select: &str,
    value: impl Fn(&sqlx::sqlite::SqliteRow) -> Result<T>,
) -> Result<HashMap<RecordId, T>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(BATCH) {
        let mut q = QueryBuilder::<Sqlite>::new(select);
        let mut sep = q.separated(", ");
        for id in chunk {
            sep.push_bind(id.as_str());
        }
        q.push(")");
        for row in q.build().fetch_all(&mut *conn).await? {
            let id: String = row.try_get("id")?;
            let id = RecordId::new(id).map_err(|reason| StoreError::Corrupt { id: "?".into(), reason })?;
            out.insert(id, value(&row)?);
        }
    }
    Ok(out)
}

async fn read_in_state(
    conn: &mut SqliteConnection,
    kind: RecordKind,
    state: &str,
    after: Option<&RecordId>,
    limit: u32,
) -> Result<Vec<Record>> {
    let rows =
        sqlx::query(&format!("{SELECT_RECORDS} WHERE r.kind = ? AND r.state = ? AND r.id > ? ORDER BY r.id LIMIT ?"))
            .bind(kind.code())
            .bind(state)
            .bind(after.map_or("", |a| a.as_str()))
            .bind(limit as i64)
            .fetch_all(conn)
            .await?;
    records_from_rows(&rows)
}

async fn read_count(conn: &mut SqliteConnection, kind: RecordKind) -> Result<u64> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM records WHERE kind = ?").bind(kind.code()).fetch_one(conn).await?;
    Ok(n as u64)
}

/// Runs `work` with rusqlite on `conn`'s own SQLite handle. Called on a blocking thread.
fn with_rusqlite<T>(conn: &mut SqliteConnection, work: impl FnOnce(&rusqlite::Connection) -> Result<T>) -> Result<T> {
    let mut locked = tokio::runtime::Handle::current().block_on(conn.lock_handle())?;
    // SAFETY: while `locked` lives, sqlx's worker makes no call on this handle or its
    // statements, and `db` is dropped before it; a connection made `from_handle` does not close
    // the handle, and finalizes only the statements it prepared.
    let db = unsafe { rusqlite::Connection::from_handle(locked.as_raw_handle().as_ptr()) }?;
    let result = work(&db);
    drop(db);
    result
}

/// [`Store::first_put`] of many `ids` (sorted, each once): the records and the history read
/// front to back, both in id order, beside the ids. A look-up costs about what reading sixteen
/// rows does; at 1,000,000 records, 505,638 look-ups took 2.6 s.
fn first_put_by_reading(db: &rusqlite::Connection, ids: Vec<RecordId>) -> Result<HashMap<RecordId, u64>> {
    let mut found: Vec<(RecordId, i64)> = Vec::with_capacity(ids.len());
    let mut wanted = ids.into_iter().peekable();
    let mut statement = db.prepare("SELECT id, seq FROM records ORDER BY id")?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let id = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        while wanted.next_if(|w| w.as_str() < id).is_some() {}
        if let Some(w) = wanted.next_if(|w| w.as_str() == id) {
            found.push((w, row.get(1)?));
        }
        if wanted.peek().is_none() {
            break;
        }
    }
    // `history` holds the superseded entries only, all older than the current one.
    let mut statement = db.prepare("SELECT record_id, MIN(seq) FROM history GROUP BY record_id ORDER BY record_id")?;
    let mut rows = statement.query([])?;
    let mut at = 0;
    while let Some(row) = rows.next()? {
        let id = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        at += found[at..].partition_point(|(w, _)| w.as_str() < id);
        match found.get_mut(at) {
            Some((w, first)) if w.as_str() == id => *first = row.get(1)?,
            Some(_) => {}
            None => break,
        }
    }
    Ok(found.into_iter().map(|(id, first)| (id, first as u64)).collect())
}

#[async_trait]
impl Store for SqliteStore {
    async fn head(&self) -> Result<Option<Head>> {
        read_head(&mut *self.pool.acquire().await?).await
    }

    async fn snapshot(&self) -> Result<Box<dyn Snapshot>> {
        // A deferred read transaction: in WAL mode its first read fixes what it sees.
        Ok(Box::new(SqliteSnapshot::new(self.pool.begin().await?, self.fields.clone())))
    }

    async fn writer(&self, author: &str) -> Result<Box<dyn Writer>> {
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(Box::new(SqliteWriter::begin(tx, author, None, self.fields.sealing()?).await?))
    }

    async fn loader(&self, author: &str) -> Result<Box<dyn Writer>> {
        // In WAL mode every page is written twice: to the log when it leaves the page cache or
        // the transaction commits, and to the database when the log is checkpointed. Into an
        // empty archive a rollback journal writes every page once, straight into the database
        // (a page that is new to the file needs no journal), which takes a sixth off a first
        // import of a million people (docs/benchmarks.md).
        let mut conn = self.pool.acquire().await?;
        let empty: bool = sqlx::query_scalar("SELECT NOT EXISTS (SELECT 1 FROM ledger)").fetch_one(&mut *conn).await?;
        let mut restore_wal = None;
        if empty {
            // Refused (busy) while another connection has the database open: then WAL it is.
            let mode: Option<String> =
                sqlx::query_scalar("PRAGMA journal_mode = DELETE").fetch_one(&mut *conn).await.ok();
            if mode.is_some_and(|m| m.eq_ignore_ascii_case("delete")) {
                restore_wal = Some(self.pool.clone());
                // Not back into the pool: a connection opened after it sets WAL again, also
                // when the load is dropped (rolled back).
                conn.close_on_drop();
            }
        }
        let tx = Transaction::begin(conn, Some("BEGIN IMMEDIATE".into())).await?;
        Ok(Box::new(SqliteWriter::begin(tx, author, restore_wal, self.fields.sealing()?).await?))
    }

    async fn get(&self, id: &RecordId) -> Result<Option<Record>> {
        let row = sqlx::query(&format!("{SELECT_RECORDS} WHERE r.id = ?"))
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| record_from_change(id.as_str(), r.try_get("change")?)).transpose()
    }

    async fn external_ids(&self, ids: &[RecordId]) -> Result<HashMap<RecordId, String>> {
        read_external_ids(&mut *self.pool.acquire().await?, ids).await
    }

    async fn first_put(&self, ids: &[RecordId]) -> Result<HashMap<RecordId, u64>> {
        // One prepared statement run for each id, in id order, through rusqlite on a blocking
        // thread: through sqlx, in batches of 500 ids, 505,638 took 3.1 s, this way 2.3 s.
        let mut ids: Vec<RecordId> = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut conn = self.pool.acquire().await?;
        tokio::task::spawn_blocking(move || {
            with_rusqlite(&mut conn, |db| {
                if ids.len() >= 4096 {
                    let records: i64 = db.query_row("SELECT COUNT(*) FROM records", [], |row| row.get(0))?;
                    if ids.len() as i64 * 16 >= records {
                        return first_put_by_reading(db, ids);
                    }
                }
                // `history` holds the superseded entries only, all older than the current one.
                let mut statement = db.prepare(
                    "SELECT COALESCE((SELECT MIN(h.seq) FROM history h WHERE h.record_id = r.id), r.seq) \
                     FROM records r WHERE r.id = ?1",
                )?;
                let mut found = HashMap::with_capacity(ids.len());
                for id in ids {
                    let first: Option<i64> = statement.query_row([id.as_str()], |row| row.get(0)).optional()?;
                    if let Some(first) = first {
                        found.insert(id, first as u64);
                    }
                }
                Ok(found)
            })
        })
        .await
        .map_err(|_| sqlx::Error::WorkerCrashed)?
    }

    async fn find_external(&self, kind: RecordKind, external_id: &str) -> Result<Option<Record>> {
        let row = sqlx::query(&format!("{SELECT_RECORDS} WHERE r.kind = ? AND r.external_id = ?"))
            .bind(kind.code())
            .bind(external_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| record_from_change(r.try_get("id")?, r.try_get("change")?)).transpose()
    }

    async fn list(&self, kind: RecordKind, after: Option<&RecordId>, limit: u32) -> Result<Vec<Record>> {
        let conn = self.pool.acquire().await?;
        let page = snapshot::Page::after_id(after, limit);
        let page = snapshot::list_on(conn, self.fields.clone(), kind, page).await?.1?;
        Ok(page.into_iter().map(|(_, record)| record).collect())
    }

    async fn count(&self, kind: RecordKind) -> Result<u64> {
        read_count(&mut *self.pool.acquire().await?, kind).await
    }

    async fn in_review(&self, state: ReviewState, after: Option<&RecordId>, limit: u32) -> Result<Vec<Record>> {
        read_in_state(&mut *self.pool.acquire().await?, RecordKind::Testimony, state.code(), after, limit).await
    }

    async fn in_state(
        &self,
        kind: RecordKind,
        state: &str,
        after: Option<&RecordId>,
        limit: u32,
    ) -> Result<Vec<Record>> {
        read_in_state(&mut *self.pool.acquire().await?, kind, state, after, limit).await
    }

    async fn count_in_review(&self, states: &[ReviewState], up_to: u64) -> Result<Vec<u64>> {
        if states.is_empty() {
            return Ok(Vec::new());
        }
        let one = "(SELECT COUNT(*) FROM (SELECT 1 FROM records WHERE kind = ? AND state = ? LIMIT ?))";
        let sql = format!("SELECT {}", vec![one; states.len()].join(", "));
        let mut q = sqlx::query(&sql);
        for state in states {
            q = q.bind(RecordKind::Testimony.code()).bind(state.code()).bind(up_to.min(i64::MAX as u64) as i64);
        }
        let row = q.fetch_one(&self.pool).await?;
        (0..states.len()).map(|i| Ok(row.try_get::<i64, _>(i)? as u64)).collect()
    }

    async fn referring_to(&self, id: &RecordId) -> Result<Vec<Record>> {
        let rows = sqlx::query(&format!(
            "{SELECT_RECORDS} JOIN record_refs f ON r.id = f.from_id WHERE f.to_id = ? ORDER BY r.kind, r.id"
        ))
        .bind(id.as_str())
        .fetch_all(&self.pool)
        .await?;
        records_from_rows(&rows)
    }

    async fn history(&self, id: &RecordId) -> Result<Vec<Entry>> {
        let rows = sqlx::query(&format!(
            "SELECT {ENTRY} FROM ledger WHERE seq IN \
             (SELECT seq FROM history WHERE record_id = ? UNION ALL SELECT seq FROM records WHERE id = ?) ORDER BY seq"
        ))
        .bind(id.as_str())
        .bind(id.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(entry_from_row).collect()
    }

    async fn entries(&self, after_seq: u64, limit: u32) -> Result<Vec<Entry>> {
        let rows = sqlx::query(&format!("SELECT {ENTRY} FROM ledger WHERE seq > ? ORDER BY seq LIMIT ?"))
            .bind(after_seq as i64)
            .bind(limit as i64)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(entry_from_row).collect()
    }

    async fn rebuild(&self) -> Result<u64> {
        let mut db = Queue::new(self.pool.begin_with("BEGIN IMMEDIATE").await?);
        for table in ["records", "record_refs", "history"] {
            sqlx::query(&format!("DELETE FROM {table}")).execute(&mut **db.tx().await?).await?;
        }
        // Which entry a flushed row pointed at is not known when a record is put again after a
        // flush: `history` is derived at the end, from the finished `records`, in one statement.
        let mut pending = Pending::without_history();
        let mut flushed = false;
        let mut after = 0i64;
        let mut replayed = 0u64;
        loop {
            let rows = sqlx::query(
                "SELECT seq, dalel_open(seq, change) AS change FROM ledger WHERE seq > ? ORDER BY seq LIMIT 5000",
            )
            .bind(after)
            .fetch_all(&mut **db.tx().await?)
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("seq")?;
            for row in &rows {
                let seq: i64 = row.try_get("seq")?;
                let record = record_from_change(&format!("ledger entry {seq}"), row.try_get("change")?)?;
                pending.put(&record, seq as u64, flushed, None);
            }
            replayed += rows.len() as u64;
            if pending.len() >= FLUSH_AT {
                pending.flush(&mut db).await?;
                flushed = true;
            }
        }
        pending.flush(&mut db).await?;
        sqlx::query(
            "INSERT INTO history (record_id, seq) \
             SELECT json_extract(dalel_open(seq, change), '$.record.id'), seq FROM ledger \
             WHERE seq NOT IN (SELECT seq FROM records) \
             ORDER BY 1, 2",
        )
        .execute(&mut **db.tx().await?)
        .await?;
        db.commit().await?;
        Ok(replayed)
    }

    async fn state_digest(&self) -> Result<Hash> {
        let mut hasher = Sha256::new();
        let mut after = String::new();
        loop {
            let rows = sqlx::query(
                "SELECT r.id, r.kind, r.external_id, r.state, dalel_open(l.seq, l.change) AS change, \
                   (SELECT group_concat(to_id, ' ') FROM (SELECT to_id FROM record_refs WHERE from_id = r.id \
                    ORDER BY to_id)) AS refs \
                 FROM records r JOIN ledger l ON l.seq = r.seq WHERE r.id > ? ORDER BY r.id LIMIT 10000",
            )
            .bind(&after)
            .fetch_all(&self.pool)
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("id")?;
            for row in &rows {
                let id: &str = row.try_get("id")?;
                let kind: &str = row.try_get("kind")?;
                let external_id: Option<&str> = row.try_get("external_id")?;
                let state: Option<&str> = row.try_get("state")?;
                let change: &str = row.try_get("change")?;
                let refs: Option<&str> = row.try_get("refs")?;
                let line = format!(
                    "{id}\t{kind}\t{}\t{}\t{change}\t{}\n",
                    external_id.unwrap_or(""),
                    state.unwrap_or(""),
                    refs.unwrap_or("")
                );
                hasher.update(line.as_bytes());
            }
        }
        Ok(Hash(hasher.finalize().into()))
    }

    async fn first_derived_mismatch(&self) -> Result<Option<RecordId>> {
        let mut checks = vec![
            // Each record's row points at an entry that puts it, and says what that entry says
            // of its kind and external id...
            "SELECT r.id FROM records r LEFT JOIN ledger l ON l.seq = r.seq \
             WHERE l.seq IS NULL OR json_extract(dalel_open(l.seq, l.change), '$.record.id') IS NOT r.id \
                OR json_extract(dalel_open(l.seq, l.change), '$.record.type') IS NOT r.kind \
                OR json_extract(dalel_open(l.seq, l.change), '$.record.external_id') IS NOT r.external_id \
                OR COALESCE(json_extract(dalel_open(l.seq, l.change), '$.record.review.state'), \
                            json_extract(dalel_open(l.seq, l.change), '$.record.verdict')) IS NOT r.state \
             ORDER BY r.id LIMIT 1",
            // ...and at the last entry that puts it: the earlier ones are its history (which is
            // small: only records put more than once have any), each an entry that puts it.
            "SELECT h.record_id FROM history h LEFT JOIN records r ON r.id = h.record_id \
             LEFT JOIN ledger l ON l.seq = h.seq \
             WHERE r.id IS NULL OR h.seq >= r.seq OR l.seq IS NULL \
                OR json_extract(dalel_open(l.seq, l.change), '$.record.id') IS NOT h.record_id \
             ORDER BY h.record_id LIMIT 1",
        ];
        // The rows above point at distinct entries (an entry puts one record; a record's
        // history is before its current entry), so their count is the ledger's (1, 2, 3...:
        // the head's seq) when and only when every entry is a record's current one or in its
        // history. Only a difference calls for the search of the entry left out.
        let (entries, history, records): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COALESCE(MAX(seq), 0) FROM ledger), (SELECT COUNT(*) FROM history), \
                    (SELECT COUNT(*) FROM records)",
        )
        .fetch_one(&self.pool)
        .await?;
        if history + records != entries {
            checks.push(
                "SELECT json_extract(dalel_open(seq, change), '$.record.id') FROM ledger WHERE seq = \
                 (SELECT seq FROM ledger EXCEPT SELECT seq FROM history EXCEPT SELECT seq FROM records LIMIT 1)",
            );
        }
        for sql in checks {
            if let Some(row) = sqlx::query(sql).fetch_optional(&self.pool).await? {
                let id: String = row.try_get(0)?;
                return RecordId::new(id).map(Some).map_err(|reason| StoreError::Corrupt { id: "?".into(), reason });
            }
        }
        Ok(None)
    }

    async fn accounts(&self) -> Result<Vec<Account>> {
        accounts::all(&self.pool).await
    }

    async fn account(&self, name: &str) -> Result<Option<Account>> {
        accounts::one(&self.pool, name).await
    }

    async fn add_account(&self, account: &Account) -> Result<()> {
        accounts::add(&self.pool, account).await
    }

    async fn update_account(&self, account: &Account) -> Result<()> {
        accounts::update(&self.pool, account).await
    }

    async fn add_session(&self, session: &Session) -> Result<()> {
        accounts::add_session(&self.pool, session).await
    }

    async fn session(&self, token_hash: &Hash, now: i64) -> Result<Option<(Session, Account)>> {
        accounts::session(&self.pool, token_hash, now).await
    }

    async fn meta(&self, name: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT value FROM meta WHERE name = ?").bind(name).fetch_optional(&self.pool).await?)
    }

    async fn set_meta(&self, name: &str, value: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        )
        .bind(name)
        .bind(value)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn remove_session(&self, token_hash: &Hash) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?").bind(&token_hash.0[..]).execute(&self.pool).await?;
        Ok(())
    }
}
