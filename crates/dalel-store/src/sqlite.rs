//! The SQLite backend: one file, WAL journal, writes serialised by `BEGIN IMMEDIATE`.
//!
//! The SQL here sticks to what PostgreSQL also speaks (`ON CONFLICT`; the one SQLite function is
//! `json_extract`, in verify's check of the derived tables; no other SQLite-only functions in
//! queries) so that a PostgreSQL backend can reuse it with its own migrations and placeholders.

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use dalel_model::{Change, Entry, Hash, Head, Record, RecordId, RecordKind};
use sha2::{Digest, Sha256};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, QueryBuilder, Row, Sqlite, SqliteConnection, SqlitePool, Transaction};

use crate::{PutOutcome, Result, Snapshot, Store, StoreError, Writer, record_from_change};

/// Rows per multi-row statement; well under SQLite's 32,766 bound parameters.
const BATCH: usize = 500;

/// An archive's database in SQLite.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (and with `create`, creates) the database file and brings its schema up to date.
    pub async fn open(path: &Path, create: bool) -> Result<SqliteStore> {
        let options = SqliteConnectOptions::from_str("sqlite://")
            .expect("static URL")
            .filename(path)
            .create_if_missing(create)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            // A large import is one transaction: a big page cache keeps SQLite from spilling
            // dirty index pages to the WAL and reading them back (measured in
            // docs/benchmarks.md). It is a ceiling, filled only as pages are used.
            .pragma("cache_size", "-262144")
            // After a checkpoint the WAL file shrinks back instead of keeping its largest size.
            .pragma("journal_size_limit", "67108864")
            // Statement journals (each multi-row statement inside the long transaction keeps
            // one) stay in memory instead of being written to a temporary file.
            .pragma("temp_store", "memory")
            .busy_timeout(Duration::from_secs(30))
            .foreign_keys(true)
            // Verify and rebuild run statements over the whole archive; that is no warning.
            .log_slow_statements(log::LevelFilter::Debug, Duration::from_secs(1));
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        Ok(SqliteStore { pool })
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
const SELECT_RECORDS: &str = "SELECT r.id, l.change FROM records r JOIN ledger l ON l.seq = r.seq";

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .expect("current time formats")
}

async fn read_head(conn: &mut SqliteConnection) -> Result<Option<Head>> {
    let row = sqlx::query("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1").fetch_optional(conn).await?;
    row.map(|r| {
        let seq: i64 = r.try_get("seq")?;
        Ok(Head { seq: seq as u64, hash: hash_from_row(&r, "hash", seq)? })
    })
    .transpose()
}

/// One record's new state, ready to be written.
struct Derived<'a> {
    record: &'a Record,
    seq: u64,
    /// The record had a row before: its old references must go.
    existed: bool,
}

/// Upserts the derived rows of a batch of records (at most [`BATCH`]).
async fn write_derived(tx: &mut Transaction<'static, Sqlite>, batch: &[Derived<'_>]) -> Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let mut q = QueryBuilder::<Sqlite>::new("INSERT INTO records (id, kind, external_id, seq) ");
    q.push_values(batch, |mut b, d| {
        b.push_bind(d.record.id().as_str())
            .push_bind(d.record.kind().code())
            .push_bind(d.record.external_id())
            .push_bind(d.seq as i64);
    });
    q.push(
        " ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, external_id = excluded.external_id, seq = excluded.seq",
    );
    q.build().execute(&mut **tx).await.map_err(|e| explain_conflict(e, batch))?;

    if batch.iter().any(|d| d.existed) {
        let mut q = QueryBuilder::<Sqlite>::new("DELETE FROM record_refs WHERE from_id IN (");
        let mut ids = q.separated(", ");
        for d in batch.iter().filter(|d| d.existed) {
            ids.push_bind(d.record.id().as_str());
        }
        q.push(")");
        q.build().execute(&mut **tx).await?;
    }

    let refs: Vec<(&str, &str)> = batch
        .iter()
        .flat_map(|d| d.record.references().into_iter().map(move |to| (d.record.id().as_str(), to.as_str())))
        .collect();
    for chunk in refs.chunks(BATCH) {
        let mut q = QueryBuilder::<Sqlite>::new("INSERT INTO record_refs (from_id, to_id) ");
        q.push_values(chunk, |mut b, (from, to)| {
            b.push_bind(*from).push_bind(*to);
        });
        q.push(" ON CONFLICT DO NOTHING");
        q.build().execute(&mut **tx).await?;
    }
    Ok(())
}

fn explain_conflict(e: sqlx::Error, batch: &[Derived<'_>]) -> StoreError {
    if let sqlx::Error::Database(db) = &e
        && db.message().contains("records.kind, records.external_id")
    {
        return StoreError::Refused(format!(
            "two records of one kind claim the same external id (one of: {})",
            batch.iter().filter_map(|d| d.record.external_id()).take(3).collect::<Vec<_>>().join(", ")
        ));
    }
    e.into()
}

async fn read_external_ids(conn: &mut SqliteConnection, ids: &[RecordId]) -> Result<HashMap<RecordId, String>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(BATCH) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "SELECT id, external_id FROM records WHERE external_id IS NOT NULL AND id IN (",
        );
        let mut sep = q.separated(", ");
        for id in chunk {
            sep.push_bind(id.as_str());
        }
        q.push(")");
        for row in q.build().fetch_all(&mut *conn).await? {
            let id: String = row.try_get("id")?;
            let id = RecordId::new(id).map_err(|reason| StoreError::Corrupt { id: "?".into(), reason })?;
            out.insert(id, row.try_get("external_id")?);
        }
    }
    Ok(out)
}

async fn read_list(
    conn: &mut SqliteConnection,
    kind: RecordKind,
    after: Option<&RecordId>,
    limit: u32,
) -> Result<Vec<Record>> {
    let rows = sqlx::query(&format!("{SELECT_RECORDS} WHERE r.kind = ? AND r.id > ? ORDER BY r.id LIMIT ?"))
        .bind(kind.code())
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

/// A read transaction: every read sees the archive as it was at the first one.
struct SqliteSnapshot {
    tx: Transaction<'static, Sqlite>,
}

#[async_trait]
impl Snapshot for SqliteSnapshot {
    async fn head(&mut self) -> Result<Option<Head>> {
        read_head(&mut self.tx).await
    }

    async fn count(&mut self, kind: RecordKind) -> Result<u64> {
        read_count(&mut self.tx, kind).await
    }

    async fn list(&mut self, kind: RecordKind, after: Option<&RecordId>, limit: u32) -> Result<Vec<Record>> {
        read_list(&mut self.tx, kind, after, limit).await
    }

    async fn external_ids(&mut self, ids: &[RecordId]) -> Result<HashMap<RecordId, String>> {
        read_external_ids(&mut self.tx, ids).await
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn head(&self) -> Result<Option<Head>> {
        read_head(&mut *self.pool.acquire().await?).await
    }

    async fn snapshot(&self) -> Result<Box<dyn Snapshot>> {
        // A deferred read transaction: in WAL mode its first read fixes what it sees.
        Ok(Box::new(SqliteSnapshot { tx: self.pool.begin().await? }))
    }

    async fn writer(&self, author: &str) -> Result<Box<dyn Writer>> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let head = read_head(&mut tx).await?;
        Ok(Box::new(SqliteWriter { tx, head, author: author.to_string(), time: now_rfc3339() }))
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

    async fn find_external(&self, kind: RecordKind, external_id: &str) -> Result<Option<Record>> {
        let row = sqlx::query(&format!("{SELECT_RECORDS} WHERE r.kind = ? AND r.external_id = ?"))
            .bind(kind.code())
            .bind(external_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| record_from_change(r.try_get("id")?, r.try_get("change")?)).transpose()
    }

    async fn list(&self, kind: RecordKind, after: Option<&RecordId>, limit: u32) -> Result<Vec<Record>> {
        read_list(&mut *self.pool.acquire().await?, kind, after, limit).await
    }

    async fn count(&self, kind: RecordKind) -> Result<u64> {
        read_count(&mut *self.pool.acquire().await?, kind).await
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
        let rows = sqlx::query("SELECT * FROM ledger WHERE record_id = ? ORDER BY seq")
            .bind(id.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(entry_from_row).collect()
    }

    async fn entries(&self, after_seq: u64, limit: u32) -> Result<Vec<Entry>> {
        let rows = sqlx::query("SELECT * FROM ledger WHERE seq > ? ORDER BY seq LIMIT ?")
            .bind(after_seq as i64)
            .bind(limit as i64)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(entry_from_row).collect()
    }

    async fn rebuild(&self) -> Result<u64> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("DELETE FROM records").execute(&mut *tx).await?;
        sqlx::query("DELETE FROM record_refs").execute(&mut *tx).await?;
        let mut after = 0i64;
        let mut replayed = 0u64;
        loop {
            let rows = sqlx::query("SELECT seq, change FROM ledger WHERE seq > ? ORDER BY seq LIMIT 5000")
                .bind(after)
                .fetch_all(&mut *tx)
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("seq")?;
            // Within a batch only the last state of each record counts.
            let mut latest: HashMap<RecordId, (u64, Record)> = HashMap::new();
            for row in &rows {
                let seq: i64 = row.try_get("seq")?;
                let change: String = row.try_get("change")?;
                let record = record_from_change(&format!("ledger entry {seq}"), &change)?;
                latest.insert(record.id().clone(), (seq as u64, record));
            }
            replayed += rows.len() as u64;
            let mut derived: Vec<Derived<'_>> =
                latest.values().map(|(seq, record)| Derived { record, seq: *seq, existed: false }).collect();
            derived.sort_by_key(|d| d.seq);
            for chunk in derived.chunks(BATCH) {
                write_derived(&mut tx, chunk).await?;
            }
        }
        tx.commit().await?;
        Ok(replayed)
    }

    async fn state_digest(&self) -> Result<Hash> {
        let mut hasher = Sha256::new();
        let mut after = String::new();
        loop {
            let rows = sqlx::query(
                "SELECT r.id, r.kind, r.external_id, l.change, \
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
                let change: &str = row.try_get("change")?;
                let refs: Option<&str> = row.try_get("refs")?;
                let line = format!("{id}\t{kind}\t{}\t{change}\t{}\n", external_id.unwrap_or(""), refs.unwrap_or(""));
                hasher.update(line.as_bytes());
            }
        }
        Ok(Hash(hasher.finalize().into()))
    }

    async fn first_derived_mismatch(&self) -> Result<Option<RecordId>> {
        // Each record's row must point at the last entry that put it, and say what that entry
        // says of its kind and external id.
        let wrong = sqlx::query(
            "SELECT r.id FROM records r LEFT JOIN ledger l ON l.seq = r.seq \
             WHERE l.seq IS NULL OR l.record_id <> r.id \
                OR json_extract(l.change, '$.record.type') IS NOT r.kind \
                OR json_extract(l.change, '$.record.external_id') IS NOT r.external_id \
             ORDER BY r.id LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        let stale = sqlx::query(
            "SELECT l.record_id FROM (SELECT record_id, MAX(seq) AS seq FROM ledger GROUP BY record_id) l \
             LEFT JOIN records r ON r.id = l.record_id WHERE r.seq IS NOT l.seq ORDER BY l.record_id LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        wrong
            .or(stale)
            .map(|r| {
                RecordId::new(r.try_get::<String, _>(0)?)
                    .map_err(|reason| StoreError::Corrupt { id: "?".into(), reason })
            })
            .transpose()
    }
}

struct SqliteWriter {
    tx: Transaction<'static, Sqlite>,
    head: Option<Head>,
    author: String,
    time: String,
}

#[async_trait]
impl Writer for SqliteWriter {
    async fn put(&mut self, records: Vec<Record>) -> Result<Vec<PutOutcome>> {
        let mut outcomes = Vec::with_capacity(records.len());
        for chunk in records.chunks(BATCH) {
            // What each record is now (its kind and the change that put it): stored, or put
            // earlier in this same chunk.
            let mut current: HashMap<String, (String, String)> = HashMap::new();
            let mut q = QueryBuilder::<Sqlite>::new(
                "SELECT r.id, r.kind, l.change FROM records r JOIN ledger l ON l.seq = r.seq WHERE r.id IN (",
            );
            let mut ids = q.separated(", ");
            for r in chunk {
                ids.push_bind(r.id().as_str());
            }
            q.push(")");
            for row in q.build().fetch_all(&mut *self.tx).await? {
                current.insert(row.try_get("id")?, (row.try_get("kind")?, row.try_get("change")?));
            }

            let mut entries = Vec::new();
            let mut derived = Vec::new();
            for record in chunk {
                let change = Change::put_json(&record.to_json());
                let existing = current.get(record.id().as_str());
                let outcome = match existing {
                    Some((_, stored)) if *stored == change => PutOutcome::Unchanged,
                    Some((kind, _)) if kind != record.kind().code() => {
                        return Err(StoreError::Refused(format!(
                            "record {} is a {kind}; it cannot become a {}",
                            record.id(),
                            record.kind()
                        )));
                    }
                    Some(_) => PutOutcome::Updated,
                    None => PutOutcome::Created,
                };
                outcomes.push(outcome);
                if outcome == PutOutcome::Unchanged {
                    continue;
                }
                let existed = existing.is_some();
                let (seq, prev_hash) = self.head.map_or((1, Hash::GENESIS), |h| (h.seq + 1, h.hash));
                let hash = Entry::compute_hash(seq, &self.time, &self.author, &prev_hash, &change);
                self.head = Some(Head { seq, hash });
                current.insert(record.id().as_str().to_string(), (record.kind().code().to_string(), change.clone()));
                entries.push((seq, record.id().as_str(), change, prev_hash, hash));
                derived.push(Derived { record, seq, existed });
            }
            if entries.is_empty() {
                continue;
            }
            let mut q = QueryBuilder::<Sqlite>::new(
                "INSERT INTO ledger (seq, time, author, record_id, change, prev_hash, hash) ",
            );
            q.push_values(&entries, |mut b, (seq, id, change, prev, hash)| {
                b.push_bind(*seq as i64)
                    .push_bind(self.time.as_str())
                    .push_bind(self.author.as_str())
                    .push_bind(*id)
                    .push_bind(change.as_str())
                    .push_bind(&prev.0[..])
                    .push_bind(&hash.0[..]);
            });
            q.build().execute(&mut *self.tx).await?;
            // A record put twice in one chunk keeps its last state.
            let mut last: HashMap<&str, usize> = HashMap::new();
            for (i, d) in derived.iter().enumerate() {
                last.insert(d.record.id().as_str(), i);
            }
            let derived: Vec<Derived<'_>> = derived
                .into_iter()
                .enumerate()
                .filter(|(i, d)| last[d.record.id().as_str()] == *i)
                .map(|(_, d)| d)
                .collect();
            write_derived(&mut self.tx, &derived).await?;
        }
        Ok(outcomes)
    }

    async fn commit(self: Box<Self>) -> Result<Option<Head>> {
        self.tx.commit().await?;
        Ok(self.head)
    }
}
