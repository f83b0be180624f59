//! A read transaction, and its bulk read of records on every core.
//!
//! Reading a million person records through sqlx took about 17 µs a record (`dalel dedupe`,
//! docs/benchmarks.md): its worker thread hands each row to the caller's task on its own, and
//! opened (decrypted) each change inside SQLite on that one thread. [`SqliteSnapshot::list`]
//! reads a page's rows through rusqlite on the transaction's own connection, on a blocking
//! thread, and opens and parses them on every core.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use dalel_model::{Head, Record, RecordId, RecordKind, ReviewState};
use rayon::prelude::*;
use rusqlite::OptionalExtension;
use rusqlite::types::Value;
use sqlx::{Sqlite, SqliteConnection, Transaction};

use super::{Fields, open_change, read_count, read_external_ids, read_head, read_in_state, with_rusqlite};
use crate::crypt::FieldCipher;
use crate::{Result, Snapshot, StoreError, record_from_change};

/// A read transaction: every read sees the archive as it was at the first one.
pub(super) struct SqliteSnapshot {
    /// The transaction, except while a blocking thread reads with it (gone for good only if
    /// that thread panicked: every later read fails, none panics).
    tx: Option<Transaction<'static, Sqlite>>,
    fields: Arc<Fields>,
    /// The records of the kind last scanned ([`SqliteSnapshot::written`]).
    written: Option<(RecordKind, Written)>,
}

/// Records of one kind in the order their states were written: the ledger entry of each, in
/// order. Their ids are not kept: they name a record whose entry cannot be read, and are looked
/// up then (kept, at 1,000,000 records they were a million strings made on one core while the
/// other waited).
type Written = Arc<Vec<i64>>;

/// A record's row as read: its id (where it was read with the row: a scan's rows are read from
/// the ledger, whose entries name their record inside the change only), the ledger entry that
/// holds its state, and that entry's change as stored.
type Row = (Option<String>, i64, Value);

impl SqliteSnapshot {
    pub(super) fn new(tx: Transaction<'static, Sqlite>, fields: Arc<Fields>) -> SqliteSnapshot {
        SqliteSnapshot { tx: Some(tx), fields, written: None }
    }

    fn tx(&mut self) -> Result<&mut Transaction<'static, Sqlite>> {
        self.tx.as_mut().ok_or_else(|| sqlx::Error::WorkerCrashed.into())
    }

    /// The records of `kind` in the order their states were written: each one's ledger entry.
    /// Read once a snapshot and kind: at 1,000,000 records, 8 MB.
    async fn written(&mut self, kind: RecordKind) -> Result<Written> {
        if let Some((scanned, written)) = &self.written
            && *scanned == kind
        {
            return Ok(written.clone());
        }
        let clock = std::time::Instant::now();
        let mut tx = self.tx.take().ok_or(sqlx::Error::WorkerCrashed)?;
        let (tx, written) = tokio::task::spawn_blocking(move || {
            let written = with_rusqlite(&mut tx, |db| {
                let mut statement = db.prepare("SELECT seq FROM records WHERE kind = ?1")?;
                let rows = statement.query_map([kind.code()], |r| r.get(0))?;
                let mut written = rows.collect::<rusqlite::Result<Vec<i64>>>()?;
                written.sort_unstable();
                Ok(written)
            });
            (tx, written)
        })
        .await
        .map_err(|_| sqlx::Error::WorkerCrashed)?;
        self.tx = Some(tx);
        let written = Arc::new(written?);
        tracing::debug!(records = written.len(), elapsed = ?clock.elapsed(), "put in the order they were written");
        self.written = Some((kind, written.clone()));
        Ok(written)
    }

    /// A page of records read with the transaction's connection ([`list_on`]).
    async fn page(&mut self, kind: RecordKind, page: Page) -> Result<Vec<(u64, Record)>> {
        let tx = self.tx.take().ok_or(sqlx::Error::WorkerCrashed)?;
        let (tx, result) = list_on(tx, self.fields.clone(), kind, page).await?;
        self.tx = Some(tx);
        result
    }
}

#[async_trait]
impl Snapshot for SqliteSnapshot {
    async fn head(&mut self) -> Result<Option<Head>> {
        read_head(self.tx()?).await
    }

    async fn count(&mut self, kind: RecordKind) -> Result<u64> {
        read_count(self.tx()?, kind).await
    }

    async fn list(&mut self, kind: RecordKind, after: Option<&RecordId>, limit: u32) -> Result<Vec<Record>> {
        Ok(self.page(kind, Page::after_id(after, limit)).await?.into_iter().map(|(_, record)| record).collect())
    }

    async fn scan(&mut self, kind: RecordKind, after: u64, limit: u32) -> Result<Vec<(u64, Record)>> {
        let written = self.written(kind).await?;
        let from = written.partition_point(|&seq| u64::try_from(seq).is_ok_and(|seq| seq <= after));
        let page = &written[from..written.len().min(from.saturating_add(limit as usize))];
        if page.is_empty() {
            return Ok(Vec::new());
        }
        self.page(kind, Page::Entries(page.to_vec())).await
    }

    async fn first_put_of_rewritten(&mut self, kind: RecordKind) -> Result<HashMap<RecordId, u64>> {
        // `history` holds the superseded entries only, all older than the current one.
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT h.record_id, MIN(h.seq) FROM history h JOIN records r ON r.id = h.record_id \
             WHERE r.kind = ? GROUP BY h.record_id",
        )
        .bind(kind.code())
        .fetch_all(&mut **self.tx()?)
        .await?;
        let id = |id: &str| RecordId::new(id).map_err(|reason| StoreError::Corrupt { id: id.into(), reason });
        rows.into_iter().map(|(record, first)| Ok((id(&record)?, first as u64))).collect()
    }

    async fn in_review(&mut self, state: ReviewState, after: Option<&RecordId>, limit: u32) -> Result<Vec<Record>> {
        read_in_state(self.tx()?, RecordKind::Testimony, state.code(), after, limit).await
    }

    async fn external_ids(&mut self, ids: &[RecordId]) -> Result<HashMap<RecordId, String>> {
        read_external_ids(self.tx()?, ids).await
    }
}

/// Which records a page holds.
pub(super) enum Page {
    /// Up to `limit` records after the id `after` ("" for the first page), in id order.
    AfterId { after: String, limit: u32 },
    /// The records of these ledger entries, in the order of the entries.
    Entries(Vec<i64>),
}

impl Page {
    /// The page of `Store::list` and `Snapshot::list`.
    pub(super) fn after_id(after: Option<&RecordId>, limit: u32) -> Page {
        Page::AfterId { after: after.map_or_else(String::new, |a| a.as_str().to_string()), limit }
    }
}

/// The records of `kind` that `page` holds, each with the ledger entry that holds its state
/// (`Store::list`, `Snapshot::list` and `Snapshot::scan`), read on `conn` on a blocking thread
/// and opened and parsed on every core; `conn` is handed back (an error only if that thread
/// panicked, and `conn` is then lost).
pub(super) async fn list_on<C>(
    mut conn: C,
    fields: Arc<Fields>,
    kind: RecordKind,
    page: Page,
) -> Result<(C, Result<Vec<(u64, Record)>>)>
where
    C: std::ops::DerefMut<Target = SqliteConnection> + Send + 'static,
{
    tokio::task::spawn_blocking(move || {
        let rows = with_rusqlite(&mut conn, |db| rows(db, kind, &page));
        // On rayon's threads, which live for the process (as linking's: `dalel_link::on_every_core`).
        // Collected as they come (an indexed collect writes each in its place; a `Result` of
        // the list is gathered in pieces and copied together), then the first error taken.
        let result = rows.and_then(|rows| {
            let decoded: Vec<std::result::Result<(u64, Record), (i64, StoreError)>> = rows
                .par_iter()
                .with_min_len(256)
                .map(|row| Ok((row.1 as u64, decode(fields.cipher.get(), row).map_err(|e| (row.1, e))?)))
                .collect();
            decoded.into_iter().collect::<std::result::Result<_, _>>().map_err(|(seq, e)| match e {
                // A record read without its id is named now.
                StoreError::Corrupt { id, reason } if id.is_empty() => {
                    match with_rusqlite(&mut conn, |db| record_of_entry(db, seq)) {
                        Ok(id) => StoreError::Corrupt { id, reason },
                        Err(e) => e,
                    }
                }
                e => e,
            })
        });
        (conn, result)
    })
    .await
    .map_err(|_| sqlx::Error::WorkerCrashed.into())
}

/// The rows of a page of records of `kind`, in the page's order, their changes as stored.
fn rows(db: &rusqlite::Connection, kind: RecordKind, page: &Page) -> Result<Vec<Row>> {
    match page {
        Page::AfterId { after, limit } => {
            let mut statement = db.prepare(
                "SELECT r.id, l.seq, l.change FROM records r JOIN ledger l ON l.seq = r.seq \
                 WHERE r.kind = ?1 AND r.id > ?2 ORDER BY r.id LIMIT ?3",
            )?;
            let rows = statement
                .query_map((kind.code(), after, i64::from(*limit)), |r| Ok((Some(r.get(0)?), r.get(1)?, r.get(2)?)))?;
            Ok(rows.collect::<rusqlite::Result<Vec<Row>>>()?)
        }
        Page::Entries(entries) => entries_in_order(db, entries),
    }
}

/// The rows of `entries` (ledger entries, in order): the ledger read front to back from the first
/// to the last, the entries between them that are not wanted passed over (another kind's, or a
/// state since replaced), each wanted one's record named by the ledger.
///
/// Read through a page cache of 4 MiB instead of the connections' 256 (`SqliteStore::open_with`,
/// for imports): pages read once in order are not read again, and at 1,000,000 person records
/// the cache took 256 MB of fresh memory, which the kernel zeroes first (docs/benchmarks.md).
fn entries_in_order(db: &rusqlite::Connection, entries: &[i64]) -> Result<Vec<Row>> {
    let (Some(&first), Some(&last)) = (entries.first(), entries.last()) else { return Ok(Vec::new()) };
    let cache: i64 = db.pragma_query_value(None, "cache_size", |row| row.get(0))?;
    db.pragma_update(None, "cache_size", -4096)?;
    let rows = ledger_range(db, entries, first, last);
    db.pragma_update(None, "cache_size", cache)?;
    rows
}

fn ledger_range(db: &rusqlite::Connection, entries: &[i64], first: i64, last: i64) -> Result<Vec<Row>> {
    let mut statement = db.prepare("SELECT seq, change FROM ledger WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq")?;
    let mut rows = statement.query((first, last))?;
    let mut wanted = entries.iter().peekable();
    let mut found = Vec::with_capacity(entries.len());
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        if wanted.next_if(|&&entry| entry == seq).is_some() {
            found.push((None, seq, row.get(1)?));
        }
    }
    drop(rows);
    match wanted.next() {
        None => Ok(found),
        Some(&seq) => Err(StoreError::Corrupt {
            id: record_of_entry(db, seq)?,
            reason: format!("its ledger entry {seq} is missing"),
        }),
    }
}

/// The id of the record whose state ledger entry `seq` holds, as the derived table says (to
/// name a record whose entry cannot be read: looked for through the whole table).
fn record_of_entry(db: &rusqlite::Connection, seq: i64) -> Result<String> {
    let id: Option<String> = db.query_row("SELECT id FROM records WHERE seq = ?1", [seq], |r| r.get(0)).optional()?;
    Ok(id.unwrap_or_else(|| format!("(the record of ledger entry {seq})")))
}

/// The record a row holds, its change opened with `cipher`.
fn decode(cipher: Option<&FieldCipher>, (id, seq, change): &Row) -> Result<Record> {
    if matches!(change, Value::Blob(_)) && cipher.is_none() {
        return Err(StoreError::Locked);
    }
    // A record read without its id goes unnamed here ([`list_on`] names it).
    let id = id.as_deref().unwrap_or_default();
    let text =
        open_change(cipher, *seq, change.into()).map_err(|reason| StoreError::Corrupt { id: id.into(), reason })?;
    record_from_change(id, &text)
}
