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
use sqlx::sqlite::SqliteArguments;
use sqlx::{QueryBuilder, Row, Sqlite, Transaction};

use super::queue::{Explain, Queue, as_is, bind};
use super::{BATCH, read_head};
use crate::{PutOutcome, Result, StoreError, Writer, record_from_change};

/// Maps keyed by record id, looked up several times per record put: foldhash is several times
/// faster than the default SipHash; it is seeded at random per process, so ids in an import file
/// cannot be crafted in advance to collide.
type HashMap<K, V> = StdHashMap<K, V, foldhash::fast::RandomState>;

/// Pending records above which the derived rows are written before commit, bounding memory
/// (about 270 bytes a record: a 1,000,000-person import peaks at 700 MB with the page cache).
pub(super) const FLUSH_AT: usize = 1_000_000;

/// A records row put again replaces the one written.
const RECORDS_UPSERT: &str = " ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, \
     external_id = excluded.external_id, state = excluded.state, seq = excluded.seq";

/// Pending records from which a flush into a smaller archive rebuilds the indexes instead of
/// maintaining them.
const BULK_MIN: usize = 10_000;

/// One record's pending derived row: its last state put in this transaction.
#[derive(Debug)]
struct PendingRow {
    kind: &'static str,
    external_id: Option<String>,
    /// A testimony's review state.
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
            state: record.review_state().map(|s| s.code()),
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
        let mut rows: Vec<(String, PendingRow)> = std::mem::take(&mut self.rows).into_iter().collect();
        rows.sort_unstable_by(|a, b| a.0.cmp(&b.0));
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
        let claimed = external_ids(&rows);

        let existed: Vec<String> = rows.iter().filter(|(_, r)| r.existed).map(|(id, _)| id.clone()).collect();
        for chunk in existed.chunks(BATCH) {
            let sql = format!("DELETE FROM record_refs WHERE from_id IN ({})", vec!["?"; chunk.len()].join(", "));
            let mut args = SqliteArguments::default();
            for id in chunk {
                bind(&mut args, id.clone())?;
            }
            db.send(sql, args, as_is()).await?;
        }

        let mut refs: Vec<(String, String)> = Vec::new();
        for (id, row) in &mut rows {
            refs.extend(std::mem::take(&mut row.refs).into_iter().map(|to| (id.clone(), to)));
        }
        refs.sort_unstable();
        refs.dedup();

        let records = ("INSERT INTO records (id, kind, external_id, state, seq) VALUES ", 5, RECORDS_UPSERT);
        let bind_record = |args: &mut SqliteArguments<'static>, (id, r): (String, PendingRow)| {
            bind(args, id)?;
            bind(args, r.kind)?;
            bind(args, r.external_id)?;
            bind(args, r.state)?;
            bind(args, r.seq as i64)
        };
        let explain = |chunk: &[(String, PendingRow)]| -> Explain {
            let claimed = external_ids(chunk);
            Box::new(move |e| explain_conflict(e, &claimed))
        };
        db.insert_rows(records, rows, bind_record, explain).await?;

        let record_refs = ("INSERT INTO record_refs (from_id, to_id) VALUES ", 2, " ON CONFLICT DO NOTHING");
        db.insert_rows(
            record_refs,
            refs,
            |args, (from, to)| bind(args, from).and_then(|()| bind(args, to)),
            |_| as_is(),
        )
        .await?;

        for sql in &rebuilt_indexes {
            sqlx::query(sql).execute(&mut **db.tx().await?).await.map_err(|e| explain_conflict(e, &claimed))?;
        }

        let mut superseded = std::mem::take(&mut self.superseded);
        superseded.sort_unstable();
        let history = ("INSERT INTO history (record_id, seq) VALUES ", 2, "");
        db.insert_rows(
            history,
            superseded,
            |args, (id, seq)| bind(args, id).and_then(|()| bind(args, seq as i64)),
            |_| as_is(),
        )
        .await?;
        db.tx().await?;
        Ok(())
    }
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

/// A few of the external ids that `rows` claim, to name in an error.
fn external_ids(rows: &[(String, PendingRow)]) -> Vec<String> {
    rows.iter().filter_map(|(_, r)| r.external_id.clone()).take(3).collect()
}

fn explain_conflict(e: sqlx::Error, claimed: &[String]) -> StoreError {
    if let sqlx::Error::Database(db) = &e
        && db.message().contains("records.kind, records.external_id")
    {
        return StoreError::Refused(format!(
            "two records of one kind claim the same external id (one of: {})",
            claimed.join(", ")
        ));
    }
    e.into()
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
    pub(super) async fn begin(mut tx: Transaction<'static, Sqlite>, author: &str) -> Result<SqliteWriter> {
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
        })
    }

    /// What each of `ids` is now, whether written or pending.
    async fn current(&mut self, ids: &[&str]) -> Result<HashMap<String, Current>> {
        let mut current = HashMap::default();
        let (pending, written): (Vec<&str>, Vec<&str>) = ids.iter().partition(|id| self.pending.seq_of(id).is_some());
        if !written.is_empty() && !self.all_pending {
            let mut q = QueryBuilder::<Sqlite>::new(
                "SELECT r.id, r.kind, r.seq, l.change FROM records r JOIN ledger l ON l.seq = r.seq WHERE r.id IN (",
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
            let change: String = sqlx::query_scalar("SELECT change FROM ledger WHERE seq = ?")
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
            // (Numbered parameters would bind the time and the author once, but sqlx looks each
            // parameter's name up in a list as long as the statement's: quadratic.)
            let ledger = ("INSERT INTO ledger (seq, time, author, change, prev_hash, hash) VALUES ", 6, "");
            let (time, author) = (&self.time, &self.author);
            let bind_entry = |args: &mut SqliteArguments<'static>, e: NewEntry| {
                bind(args, e.seq as i64)?;
                bind(args, time.clone())?;
                bind(args, author.clone())?;
                bind(args, e.change)?;
                bind(args, e.prev_hash.0.to_vec())?;
                bind(args, e.hash.0.to_vec())
            };
            self.db.insert_rows(ledger, entries, bind_entry, |_| as_is()).await?;
        }
        if self.pending.len() >= self.flush_at {
            self.flush().await?;
        }
        Ok(outcomes)
    }

    async fn commit(mut self: Box<Self>) -> Result<Option<Head>> {
        self.flush().await?;
        self.db.commit().await?;
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
            id: id(pid),
            external_id: Some(format!("ext-{pid}")),
            names: vec![Name::new(name, NameKind::Full)],
            gender: None,
            ethnicity: None,
            nationality: None,
            birth_date: None,
            identity_numbers: vec![],
            hometown: None,
            addresses: vec![],
            occupation: None,
            notes: None,
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

    /// Derived rows flushed in the middle of a transaction (here after every put) and records
    /// put again after their flush end up exactly as `rebuild` derives them.
    #[tokio::test]
    async fn flushing_midway_gives_the_state_rebuild_gives() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("a.sqlite"), true).await.unwrap();
        let tx = store.pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
        let mut w = SqliteWriter::begin(tx, "tester").await.unwrap();
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
