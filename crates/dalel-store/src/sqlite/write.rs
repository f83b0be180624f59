//! Writing: ledger entries are appended as records are put; the derived rows (`records`,
//! `record_refs`, `history`) are kept in memory and written sorted by key when the writer
//! commits, or earlier when many are pending.
//!
//! Record ids are random (UUIDs), so writing each derived row as its record arrives would touch
//! a random page of every index for every record. Sorted, a large import fills the indexes in
//! order; this is what makes it fast (docs/benchmarks.md). Nothing changes for readers: the rows
//! are written inside the same transaction, before it commits.

use std::collections::HashMap as StdHashMap;

use async_trait::async_trait;
use dalel_model::{Change, Entry, Hash, Head, Record};
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool, Transaction};

use super::queue::{Queue, as_is};
use super::{BATCH, read_head};
use crate::crypt::{FieldCipher, NoncePrefix};
use crate::{PutOutcome, Result, StoreError, Writer, record_from_change};

/// Maps keyed by record id, looked up several times per record put: foldhash is several times
/// faster than the default SipHash; it is seeded at random per process, so ids in an import file
/// cannot be crafted in advance to collide.
type HashMap<K, V> = StdHashMap<K, V, foldhash::fast::RandomState>;

/// Pending records above which the derived rows are written before commit, bounding memory
/// (about 270 bytes a record: a 1,000,000-person import peaks at 700 MB with the page cache).
pub(super) const FLUSH_AT: usize = 1_000_000;

/// Pending records from which a flush into a smaller archive rebuilds the indexes instead of
/// maintaining them.
const BULK_MIN: usize = 10_000;

/// One record's pending derived row: its last state put in this transaction.
#[derive(Debug)]
struct PendingRow {
    kind: &'static str,
    external_id: Option<String>,
    /// A testimony's review state or a decision's verdict (`Record::queue_state`).
    state: Option<&'static str>,
    /// The ledger entry that wrote this state.
    seq: u64,
    refs: Vec<String>,
    /// The record had a row before this flush: its old references must go.
    existed: bool,
}

/// Derived rows not yet written, by record id.
#[derive(Debug, Default)]
pub(super) struct Pending {
    rows: HashMap<String, PendingRow>,
    /// `history` rows to write: the entries whose state a later entry replaced.
    superseded: Vec<(String, u64)>,
    /// The first ledger entry not yet reflected in the derived tables.
    first_seq: Option<u64>,
    /// `history` is derived elsewhere (by `rebuild`, in one statement at the end).
    without_history: bool,
}

impl Pending {
    /// Pending rows whose `history` rows the caller writes itself.
    pub(super) fn without_history() -> Pending {
        Pending { without_history: true, ..Pending::default() }
    }

    /// Notes that ledger entry `seq` put `record`. `existed` says whether the record has a
    /// written row already and `replaces`, when known, which entry that row points at.
    pub(super) fn put(&mut self, record: &Record, seq: u64, existed: bool, replaces: Option<u64>) {
        let id = record.id().as_str();
        let (existed, replaces) = match self.rows.get(id) {
            Some(r) => (r.existed, Some(r.seq)),
            None => (existed, replaces),
        };
        if let Some(old) = replaces.filter(|_| !self.without_history) {
            self.superseded.push((id.to_string(), old));
        }
        let row = PendingRow {
            kind: record.kind().code(),
            external_id: record.external_id().map(str::to_string),
            state: record.queue_state(),
            seq,
            refs: record.references().into_iter().map(|r| r.as_str().to_string()).collect(),
            existed,
        };
        self.rows.insert(id.to_string(), row);
        self.first_seq.get_or_insert(seq);
    }

    /// The seq of the pending state of `id`, if any.
    fn seq_of(&self, id: &str) -> Option<u64> {
        self.rows.get(id).map(|r| r.seq)
    }

    pub(super) fn len(&self) -> usize {
        self.rows.len()
    }

    /// Writes every pending row in key order and forgets them.
    pub(super) async fn flush(&mut self, db: &mut Queue) -> Result<()> {
        let mut rows = sorted(std::mem::take(&mut self.rows), |(id, _)| prefix(id), |a, b| a.0.cmp(&b.0));
        // Loading many rows for the archive's size (an import into a new or small archive):
        // build the secondary indexes afterwards, by sorting, instead of maintaining them row by
        // row, which costs a random page per row and index; sorting wins from about a quarter
        // of the rows already there. The archive has at most as many records as ledger entries
        // before the pending ones.
        let written_before = self.first_seq.take().map_or(0, |seq| seq - 1);
        let rebuilt_indexes = if rows.len() >= BULK_MIN && rows.len() as u64 * 4 > written_before {
            drop_indexes(db.tx().await?).await?
        } else {
            Vec::new()
        };

        let existed: Vec<String> = rows.iter().filter(|(_, r)| r.existed).map(|(id, _)| id.clone()).collect();
        db.insert_rows("DELETE FROM record_refs WHERE from_id = ?", existed, |st, id| st.execute([id]), as_is).await?;

        let mut refs: Vec<(String, String)> = Vec::new();
        for (id, row) in &mut rows {
            refs.extend(std::mem::take(&mut row.refs).into_iter().map(|to| (id.clone(), to)));
        }
        refs.sort_unstable();
        refs.dedup();

        // A plain insert for a record new to the archive (one look-up less than an upsert).
        let (new, old): (Vec<_>, Vec<_>) = rows.into_iter().partition(|(_, r)| !r.existed);
        let insert = "INSERT INTO records (id, kind, external_id, state, seq) VALUES (?, ?, ?, ?, ?)";
        let write_record = |st: &mut rusqlite::Statement<'_>, (id, r): &(String, PendingRow)| {
            st.execute((id, r.kind, &r.external_id, r.state, r.seq as i64))
        };
        let explain = |(_, r): &(String, PendingRow), e: StoreError| match &r.external_id {
            Some(external_id) if claims_twice(&e) => claimed_twice(r.kind, external_id),
            _ => e,
        };
        db.insert_rows(insert, new, write_record, explain).await?;
        let upsert = "INSERT INTO records (id, kind, external_id, state, seq) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, external_id = excluded.external_id, \
             state = excluded.state, seq = excluded.seq";
        db.insert_rows(upsert, old, write_record, explain).await?;

        let record_refs = "INSERT INTO record_refs (from_id, to_id) VALUES (?, ?) ON CONFLICT DO NOTHING";
        db.insert_rows(record_refs, refs, |st, (from, to)| st.execute((from, to)), as_is).await?;

        for sql in &rebuilt_indexes {
            let tx = db.tx().await?;
            if let Err(e) = sqlx::query(sql).execute(&mut **tx).await.map_err(StoreError::from) {
                if !claims_twice(&e) {
                    return Err(e);
                }
                let (kind, external_id): (String, String) = sqlx::query_as(
                    "SELECT kind, external_id FROM records WHERE external_id IS NOT NULL \
                     GROUP BY kind, external_id HAVING COUNT(*) > 1 LIMIT 1",
                )
                .fetch_one(&mut **tx)
                .await?;
                return Err(claimed_twice(&kind, &external_id));
            }
        }

        let mut superseded = std::mem::take(&mut self.superseded);
        superseded.sort_unstable();
        let history = "INSERT INTO history (record_id, seq) VALUES (?, ?)";
        db.insert_rows(history, superseded, |st, (id, seq)| st.execute((id, *seq as i64)), as_is).await?;
        db.tx().await?;
        Ok(())
    }
}

/// `items` in the order of `cmp`. They are sorted by `quick` first, a cheap key that orders
/// them as `cmp` does as far as it goes (the first bytes of an id), kept beside each item's
/// place: most comparisons then read neither the item nor its strings, and the items do not
/// move until the end: a million records sort in 0.32 s instead of 0.50 s (docs/benchmarks.md).
fn sorted<T, K: Ord + Copy>(
    items: impl IntoIterator<Item = T>,
    quick: impl Fn(&T) -> K,
    cmp: impl Fn(&T, &T) -> std::cmp::Ordering,
) -> Vec<T> {
    let items: Vec<T> = items.into_iter().collect();
    let mut order: Vec<(K, usize)> = items.iter().enumerate().map(|(i, t)| (quick(t), i)).collect();
    order.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| cmp(&items[a.1], &items[b.1])));
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order.into_iter().filter_map(|(_, i)| slots[i].take()).collect()
}

/// The first 16 bytes of `s` as a number that orders as they do (shorter: padded with zeros).
fn prefix(s: &str) -> u128 {
    let mut bytes = [0u8; 16];
    let n = s.len().min(16);
    bytes[..n].copy_from_slice(&s.as_bytes()[..n]);
    u128::from_be_bytes(bytes)
}

/// Whether the database refused a write because two records of one kind would have the same
/// external id.
fn claims_twice(e: &StoreError) -> bool {
    e.to_string().contains("records.kind, records.external_id")
}

fn claimed_twice(kind: &str, external_id: &str) -> StoreError {
    StoreError::Refused(format!("two records of one kind ({kind}) claim the same external id {external_id:?}"))
}

/// Drops the secondary indexes of the derived tables `records` and `record_refs`; returns the
/// statements that create them again.
async fn drop_indexes(tx: &mut Transaction<'static, Sqlite>) -> Result<Vec<String>> {
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
         AND tbl_name IN ('records', 'record_refs') ORDER BY name",
    )
    .fetch_all(&mut **tx)
    .await?;
    for (name, _) in &indexes {
        sqlx::query(&format!("DROP INDEX \"{name}\"")).execute(&mut **tx).await?;
    }
    Ok(indexes.into_iter().map(|(_, sql)| sql).collect())
}

/// A write transaction on SQLite.
pub(super) struct SqliteWriter {
    db: Queue,
    head: Option<Head>,
    author: String,
    time: String,
    pending: Pending,
    flush_at: usize,
    /// `records` was empty when the transaction began and nothing has been flushed into it
    /// since: every record that exists is pending, so there is nothing to look up (an import
    /// into a new archive).
    all_pending: bool,
    /// The database was switched to a rollback journal for this transaction (`Store::loader`):
    /// WAL is set again on this pool when it commits. (Were it rolled back instead, the next
    /// connection opened sets WAL again.)
    restore_wal: Option<SqlitePool>,
    /// In a sealed archive, the cipher each change is sealed with and this transaction's own
    /// nonce prefix (`crypt::FieldCipher`).
    sealing: Option<(FieldCipher, NoncePrefix)>,
}

/// What a record is before a put: its kind, the change that put it and that change's entry.
struct Current {
    kind: String,
    change: String,
    seq: u64,
}

/// A ledger entry about to be inserted.
struct NewEntry {
    seq: u64,
    kind: &'static str,
    change: String,
    prev_hash: Hash,
    hash: Hash,
}

impl SqliteWriter {
    pub(super) async fn begin(
        mut tx: Transaction<'static, Sqlite>,
        author: &str,
        restore_wal: Option<SqlitePool>,
        sealing: Option<&FieldCipher>,
    ) -> Result<SqliteWriter> {
        let sealing = match sealing {
            Some(cipher) => {
                Some((cipher.clone(), FieldCipher::prefix().map_err(|e| StoreError::Refused(e.to_string()))?))
            }
            None => None,
        };
        let head = read_head(&mut tx).await?;
        let any: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM records)").fetch_one(&mut *tx).await?;
        let time = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .expect("current time formats");
        Ok(SqliteWriter {
            db: Queue::new(tx),
            head,
            author: author.to_string(),
            time,
            pending: Pending::default(),
            flush_at: FLUSH_AT,
            all_pending: !any,
            restore_wal,
            sealing,
        })
    }

    /// What each of `ids` is now, whether written or pending.
    async fn current(&mut self, ids: &[&str]) -> Result<HashMap<String, Current>> {
        let mut current = HashMap::default();
        let (pending, written): (Vec<&str>, Vec<&str>) = ids.iter().partition(|id| self.pending.seq_of(id).is_some());
        if !written.is_empty() && !self.all_pending {
            let mut q = QueryBuilder::<Sqlite>::new(
                "SELECT r.id, r.kind, r.seq, dalel_open(l.seq, l.change) AS change FROM records r \
                 JOIN ledger l ON l.seq = r.seq WHERE r.id IN (",
            );
            let mut sep = q.separated(", ");
            for id in &written {
                sep.push_bind(*id);
            }
            q.push(")");
            for row in q.build().fetch_all(&mut **self.db.tx().await?).await? {
                let seq: i64 = row.try_get("seq")?;
                let state = Current { kind: row.try_get("kind")?, change: row.try_get("change")?, seq: seq as u64 };
                current.insert(row.try_get("id")?, state);
            }
        }
        // Put earlier in this transaction (rare in an import: the same record twice).
        for id in pending {
            let seq = self.pending.seq_of(id).expect("partitioned on it");
            let change: String = sqlx::query_scalar("SELECT dalel_open(seq, change) FROM ledger WHERE seq = ?")
                .bind(seq as i64)
                .fetch_one(&mut **self.db.tx().await?)
                .await?;
            let kind = record_from_change(id, &change)?.kind().code().to_string();
            current.insert(id.to_string(), Current { kind, change, seq });
        }
        Ok(current)
    }

    async fn flush(&mut self) -> Result<()> {
        self.pending.flush(&mut self.db).await?;
        self.all_pending = false;
        Ok(())
    }
}

#[async_trait]
impl Writer for SqliteWriter {
    async fn put(&mut self, records: Vec<Record>) -> Result<Vec<PutOutcome>> {
        let mut outcomes = Vec::with_capacity(records.len());
        for chunk in records.chunks(BATCH) {
            let ids: Vec<&str> = chunk.iter().map(|r| r.id().as_str()).collect();
            let current = self.current(&ids).await?;
            let mut entries: Vec<NewEntry> = Vec::with_capacity(chunk.len());
            // A record put twice in this chunk is compared with its entry here.
            let mut in_chunk: HashMap<&str, usize> = HashMap::default();
            for record in chunk {
                let id = record.id().as_str();
                let change = Change::put_json(&record.to_json());
                let before = match in_chunk.get(id) {
                    Some(&i) => Some((entries[i].kind, entries[i].change.as_str(), entries[i].seq)),
                    None => current.get(id).map(|c| (c.kind.as_str(), c.change.as_str(), c.seq)),
                };
                let outcome = match before {
                    Some((_, stored, _)) if *stored == change => PutOutcome::Unchanged,
                    Some((kind, _, _)) if kind != record.kind().code() => {
                        return Err(StoreError::Refused(format!(
                            "record {} is a {kind}; it cannot become a {}",
                            record.id(),
                            record.kind()
                        )));
                    }
                    Some(_) => PutOutcome::Updated,
                    None => PutOutcome::Created,
                };
                let replaces = before.map(|(_, _, seq)| seq);
                outcomes.push(outcome);
                if outcome == PutOutcome::Unchanged {
                    continue;
                }
                let (seq, prev_hash) = self.head.map_or((1, Hash::GENESIS), |h| (h.seq + 1, h.hash));
                let hash = Entry::compute_hash(seq, &self.time, &self.author, &prev_hash, &change);
                self.head = Some(Head { seq, hash });
                self.pending.put(record, seq, replaces.is_some(), replaces);
                in_chunk.insert(id, entries.len());
                entries.push(NewEntry { seq, kind: record.kind().code(), change, prev_hash, hash });
            }
            if entries.is_empty() {
                continue;
            }
            let ledger = "INSERT INTO ledger (seq, time, author, change, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)";
            let (time, author, sealing) = (self.time.clone(), self.author.clone(), self.sealing.clone());
            // Sealed on SQLite's own thread, beside the next batch's preparation.
            let write_entry = move |st: &mut rusqlite::Statement<'_>, e: &NewEntry| match &sealing {
                None => st.execute((e.seq as i64, &time, &author, &e.change, &e.prev_hash.0[..], &e.hash.0[..])),
                Some((cipher, prefix)) => {
                    let sealed = cipher.seal(prefix, e.seq, &e.change);
                    st.execute((e.seq as i64, &time, &author, sealed, &e.prev_hash.0[..], &e.hash.0[..]))
                }
            };
            self.db.insert_rows(ledger, entries, write_entry, as_is).await?;
        }
        if self.pending.len() >= self.flush_at {
            self.flush().await?;
        }
        Ok(outcomes)
    }

    async fn commit(mut self: Box<Self>) -> Result<Option<Head>> {
        self.flush().await?;
        self.db.commit().await?;
        if let Some(pool) = &self.restore_wal {
            sqlx::query("PRAGMA journal_mode = WAL").execute(pool).await?;
        }
        Ok(self.head)
    }
}

#[cfg(test)]
mod tests {
    use dalel_model::{Episode, EpisodeKind, Name, NameKind, Person, RecordId};

    use super::*;
    use crate::{SqliteStore, Store};

    fn id(s: &str) -> RecordId {
        RecordId::new(s).unwrap()
    }

    fn person(pid: &str, name: &str) -> Record {
        Record::Person(Person {
            external_id: Some(format!("ext-{pid}")),
            ..Person::new(id(pid), vec![Name::new(name, NameKind::Full)])
        })
    }

    fn episode(eid: &str, people: &[&str]) -> Record {
        Record::Episode(Episode {
            id: id(eid),
            external_id: None,
            kind: EpisodeKind::Detention,
            persons: people.iter().map(|p| id(p)).collect(),
            sources: vec![],
            detention: None,
            place: None,
            place_text: None,
            start: None,
            end: None,
            charges: vec![],
            term: None,
            outcome: None,
            status: None,
            reliability: None,
            notes: None,
        })
    }

    /// A first load writes with a rollback journal (`SqliteStore::loader`); the archive is in
    /// WAL mode again after it, whether it committed or was dropped; a later load keeps WAL.
    #[tokio::test]
    async fn a_first_load_skips_the_wal_and_the_archive_keeps_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.sqlite");
        let store = SqliteStore::open_with(&path, true, 1).await.unwrap();
        // The file's header says which: its bytes 18 and 19 are 2 for WAL, 1 for a rollback journal.
        let file_mode = || std::fs::read(&path).unwrap()[18..20].to_vec();
        let pool_mode = || sqlx::query_scalar::<_, String>("PRAGMA journal_mode").fetch_one(&store.pool);
        assert_eq!(file_mode(), [2, 2]);

        let mut w = store.loader("tester").await.unwrap();
        assert_eq!(file_mode(), [1, 1]);
        w.put(vec![person("a", "One")]).await.unwrap();
        drop(w);
        assert_eq!(pool_mode().await.unwrap(), "wal");
        assert_eq!(store.head().await.unwrap(), None);

        let mut w = store.loader("tester").await.unwrap();
        assert_eq!(file_mode(), [1, 1]);
        w.put(vec![person("a", "One")]).await.unwrap();
        w.commit().await.unwrap();
        assert_eq!(pool_mode().await.unwrap(), "wal");
        assert_eq!(file_mode(), [2, 2]);

        let mut w = store.loader("tester").await.unwrap();
        assert_eq!(file_mode(), [2, 2]);
        w.put(vec![person("b", "Two")]).await.unwrap();
        w.commit().await.unwrap();
        assert_eq!(store.head().await.unwrap().unwrap().seq, 2);
    }

    /// While another process has the archive open (a running server), a first load keeps WAL,
    /// and the other sees what it wrote.
    #[tokio::test]
    async fn a_first_load_beside_a_reader_keeps_the_wal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.sqlite");
        let server = SqliteStore::open(&path, true).await.unwrap();
        assert_eq!(server.head().await.unwrap(), None);
        let store = SqliteStore::open_with(&path, false, 1).await.unwrap();
        let mut w = store.loader("tester").await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap()[18..20], [2, 2]);
        w.put(vec![person("a", "One")]).await.unwrap();
        w.commit().await.unwrap();
        assert_eq!(server.get(&id("a")).await.unwrap(), Some(person("a", "One")));
    }

    /// Derived rows flushed in the middle of a transaction (here after every put) and records
    /// put again after their flush end up exactly as `rebuild` derives them.
    #[tokio::test]
    async fn flushing_midway_gives_the_state_rebuild_gives() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("a.sqlite"), true).await.unwrap();
        let tx = store.pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
        let mut w = SqliteWriter::begin(tx, "tester", None, None).await.unwrap();
        w.flush_at = 1;
        let puts = [
            vec![person("a", "One"), person("b", "Two"), episode("e", &["a", "b"])],
            vec![person("a", "One")],
            vec![person("a", "Uno"), episode("e", &["a"])],
            vec![person("c", "Three"), person("c", "Drei"), episode("e", &["c"])],
        ];
        let mut outcomes = Vec::new();
        for records in puts {
            outcomes.extend(w.put(records).await.unwrap());
        }
        use PutOutcome::*;
        assert_eq!(outcomes, [Created, Created, Created, Unchanged, Updated, Updated, Created, Updated, Updated]);
        Box::new(w).commit().await.unwrap();

        assert_eq!(store.first_derived_mismatch().await.unwrap(), None);
        let e = store.referring_to(&id("c")).await.unwrap();
        assert_eq!(e, [episode("e", &["c"])]);
        assert!(store.referring_to(&id("a")).await.unwrap().is_empty());
        assert_eq!(store.history(&id("e")).await.unwrap().len(), 3);
        let before = store.state_digest().await.unwrap();
        assert_eq!(store.rebuild().await.unwrap(), 8);
        assert_eq!(store.state_digest().await.unwrap(), before);
        assert_eq!(store.first_derived_mismatch().await.unwrap(), None);
    }
}
