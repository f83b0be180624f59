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
}

/// A record's row as read: its id, the ledger entry that holds its state, and that entry's
/// change as stored.
type Row = (String, i64, Value);

impl SqliteSnapshot {
    pub(super) fn new(tx: Transaction<'static, Sqlite>, fields: Arc<Fields>) -> SqliteSnapshot {
        SqliteSnapshot { tx: Some(tx), fields }
    }

    fn tx(&mut self) -> Result<&mut Transaction<'static, Sqlite>> {
        self.tx.as_mut().ok_or_else(|| sqlx::Error::WorkerCrashed.into())
    }

    /// A page of records read with the transaction's connection ([`list_on`]).
    async fn page(&mut self, kind: RecordKind, after: After, limit: u32) -> Result<Vec<(u64, Record)>> {
        let tx = self.tx.take().ok_or(sqlx::Error::WorkerCrashed)?;
        let (tx, result) = list_on(tx, self.fields.clone(), kind, after, limit).await?;
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
        let after = After::Id(after.map_or_else(String::new, |a| a.as_str().to_string()));
        Ok(self.page(kind, after, limit).await?.into_iter().map(|(_, record)| record).collect())
    }

    async fn scan(&mut self, kind: RecordKind, after: u64, limit: u32) -> Result<Vec<(u64, Record)>> {
        // Past every entry there is (SQLite numbers them as `i64`): an empty page.
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        self.page(kind, After::Entry(after), limit).await
    }

    async fn in_review(&mut self, state: ReviewState, after: Option<&RecordId>, limit: u32) -> Result<Vec<Record>> {
        read_in_state(self.tx()?, RecordKind::Testimony, state.code(), after, limit).await
    }

    async fn external_ids(&mut self, ids: &[RecordId]) -> Result<HashMap<RecordId, String>> {
        read_external_ids(self.tx()?, ids).await
    }
}

/// Where a page of records starts: after a record id (in id order) or after a ledger entry (in
/// the order the records' states were written).
pub(super) enum After {
    Id(String),
    Entry(i64),
}

/// Up to `limit` records of `kind` after `after`, each with the ledger entry that holds its state
/// (`Store::list`, `Snapshot::list` and `Snapshot::scan`), read on `conn` on a blocking thread
/// and opened and parsed on every core; `conn` is handed back (an error only if that thread
/// panicked, and `conn` is then lost).
pub(super) async fn list_on<C>(
    mut conn: C,
    fields: Arc<Fields>,
    kind: RecordKind,
    after: After,
    limit: u32,
) -> Result<(C, Result<Vec<(u64, Record)>>)>
where
    C: std::ops::DerefMut<Target = SqliteConnection> + Send + 'static,
{
    tokio::task::spawn_blocking(move || {
        let rows = with_rusqlite(&mut conn, |db| rows(db, kind, &after, limit));
        // On rayon's threads, which live for the process (as linking's: `dalel_link::on_every_core`).
        let result = rows.and_then(|rows| {
            rows.par_iter()
                .with_min_len(256)
                .map(|row| Ok((row.1 as u64, decode(fields.cipher.get(), row)?)))
                .collect()
        });
        (conn, result)
    })
    .await
    .map_err(|_| sqlx::Error::WorkerCrashed.into())
}

/// The rows of up to `limit` records of `kind` after `after`, in that order, their changes as
/// stored.
fn rows(db: &rusqlite::Connection, kind: RecordKind, after: &After, limit: u32) -> Result<Vec<Row>> {
    let row = |r: &rusqlite::Row| Ok((r.get(0)?, r.get(1)?, r.get(2)?));
    let rows = match after {
        After::Id(after) => db
            .prepare_cached(
                "SELECT r.id, l.seq, l.change FROM records r JOIN ledger l ON l.seq = r.seq \
                 WHERE r.kind = ?1 AND r.id > ?2 ORDER BY r.id LIMIT ?3",
            )?
            .query_map((kind.code(), after, i64::from(limit)), row)?
            .collect::<rusqlite::Result<Vec<Row>>>(),
        // Through `records_seq`, so that the ledger is read front to back.
        After::Entry(after) => db
            .prepare_cached(
                "SELECT r.id, l.seq, l.change FROM records r INDEXED BY records_seq JOIN ledger l ON l.seq = r.seq \
                 WHERE r.kind = ?1 AND r.seq > ?2 ORDER BY r.seq LIMIT ?3",
            )?
            .query_map((kind.code(), after, i64::from(limit)), row)?
            .collect::<rusqlite::Result<Vec<Row>>>(),
    };
    Ok(rows?)
}

/// The record a row holds, its change opened with `cipher`.
fn decode(cipher: Option<&FieldCipher>, (id, seq, change): &Row) -> Result<Record> {
    if matches!(change, Value::Blob(_)) && cipher.is_none() {
        return Err(StoreError::Locked);
    }
    let text =
        open_change(cipher, *seq, change.into()).map_err(|reason| StoreError::Corrupt { id: id.clone(), reason })?;
    record_from_change(id, &text)
}
