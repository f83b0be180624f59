//! dalel's storage.
//!
//! - [`Store`] is the one boundary between the domain and a database; [`Writer`] appends to the
//!   ledger and updates the derived tables in one transaction.
//! - [`SqliteStore`] is the embedded default (WAL). Its SQL is written so that a PostgreSQL
//!   backend can follow with its own migrations and no change above this crate.
//! - [`EvidenceStore`] keeps evidence files by SHA-256, written atomically; [`Uploads`] receives
//!   large files in resumable chunks before they join it.
//! - [`Archive`] is a directory holding both; [`verify`] checks it end to end.
//! - [`ArchiveKey`] is an archive's key, kept in a key file outside it; [`crypt`] seals files
//!   with it; [`backup`], [`verify_backup`] and [`restore`] make, check and bring back an
//!   encrypted backup.
//! - [`PersonIndex`] is the archive's name index (tantivy, `index/names/`), derived from the
//!   ledger and brought up to its head when opened.

mod archive;
mod backup;
pub mod crypt;
mod evidence;
mod keys;
mod name_index;
mod sqlite;
mod uploads;
mod verify;

use std::collections::HashMap;

use async_trait::async_trait;
use dalel_model::{Account, Entry, Hash, Head, Record, RecordId, RecordKind, ReviewState, Session};

pub use archive::Archive;
pub use backup::{BackupError, BackupReport, backup, backup_archive_id, restore, verify_backup};
pub use evidence::{EvidenceStore, StoredFile};
pub use keys::{ArchiveKey, KeyError};
pub use name_index::{Found, IndexedPerson, PersonIndex};
pub use sqlite::SqliteStore;
pub use uploads::{Progress, UploadError, UploadInfo, Uploads};
pub use verify::{VerifyError, VerifyProgress, VerifyReport, verify};

/// What can go wrong in storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The database refused or failed a write of the bulk path (`sqlite/queue.rs`).
    #[error("database: {0}")]
    Write(#[from] rusqlite::Error),
    #[error("migrating the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Reading or writing a file of the archive failed.
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    /// A stored record or entry cannot be read back.
    #[error("record {id}: stored data cannot be read: {reason}")]
    Corrupt { id: String, reason: String },
    /// A change asks for something the archive's rules forbid.
    #[error("{0}")]
    Refused(String),
    /// The name index failed.
    #[error("name index: {0}")]
    Index(String),
    /// The directory holds no archive.
    #[error("no archive at {0} (create one with `dalel init --data {0}`)")]
    NoArchive(String),
    /// The archive is sealed and its key was not given.
    #[error("the archive is encrypted and its key was not given")]
    Locked,
    /// The key given is not the archive's.
    #[error("the key given is not this archive's key")]
    WrongKey,
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The record that a ledger entry's change puts; `id` names what is read, for the error.
pub(crate) fn record_from_change(id: &str, change: &str) -> Result<Record> {
    match dalel_model::Change::from_json(change) {
        Ok(dalel_model::Change::Put { record }) => Ok(record),
        Err(e) => Err(StoreError::Corrupt { id: id.to_string(), reason: e.to_string() }),
    }
}

/// What a put did to a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PutOutcome {
    Created,
    Updated,
    /// The record already had exactly this state: no ledger entry was written.
    Unchanged,
}

/// The storage boundary. Every implementation passes the contract tests in `tests/it`.
#[async_trait]
pub trait Store: Send + Sync {
    /// The ledger's last entry, if any.
    async fn head(&self) -> Result<Option<Head>>;

    /// A consistent view for long reads (an export): every read of it sees the archive as it was
    /// at its first read, whatever is written meanwhile.
    async fn snapshot(&self) -> Result<Box<dyn Snapshot>>;

    /// Starts a write transaction that holds the archive's write lock until it commits or is
    /// dropped (which rolls back everything it wrote).
    async fn writer(&self, author: &str) -> Result<Box<dyn Writer>>;

    /// A writer for a large load (`dalel import`): the same as [`Store::writer`], but the
    /// backend may trade readers' access during the load for speed. SQLite, loading into an
    /// empty archive, writes the new pages once (a rollback journal) instead of twice (the
    /// write-ahead log, then the database): readers wait while it commits and may have to
    /// wait for the whole load (docs/ledger.md).
    async fn loader(&self, author: &str) -> Result<Box<dyn Writer>> {
        self.writer(author).await
    }

    async fn get(&self, id: &RecordId) -> Result<Option<Record>>;

    /// The external ids of those of `ids` that have one.
    async fn external_ids(&self, ids: &[RecordId]) -> Result<HashMap<RecordId, String>>;

    async fn find_external(&self, kind: RecordKind, external_id: &str) -> Result<Option<Record>>;

    /// The ledger entry that first put each of those of `ids` that exist: which record is older
    /// (an entry keeps its oldest record's public id through merges).
    async fn first_put(&self, ids: &[RecordId]) -> Result<HashMap<RecordId, u64>>;

    /// Records of a kind in id order, after `after` (keyset pagination).
    async fn list(&self, kind: RecordKind, after: Option<&RecordId>, limit: u32) -> Result<Vec<Record>>;

    async fn count(&self, kind: RecordKind) -> Result<u64>;

    /// Testimonies in a review state, in id order, after `after` (the review queue).
    async fn in_review(&self, state: ReviewState, after: Option<&RecordId>, limit: u32) -> Result<Vec<Record>>;

    /// Records of a kind in a queue's state (`Record::queue_state`: a decision's verdict, a
    /// testimony's review state), in id order, after `after`: a range of one index.
    async fn in_state(
        &self,
        kind: RecordKind,
        state: &str,
        after: Option<&RecordId>,
        limit: u32,
    ) -> Result<Vec<Record>>;

    /// How many testimonies are in each of `states` (one query for all), counting no further
    /// than `up_to` in each.
    async fn count_in_review(&self, states: &[ReviewState], up_to: u64) -> Result<Vec<u64>>;

    /// The records that refer to `id` (testimonies about a person, episodes of a person).
    async fn referring_to(&self, id: &RecordId) -> Result<Vec<Record>>;

    /// Every ledger entry that changed `id`, oldest first.
    async fn history(&self, id: &RecordId) -> Result<Vec<Entry>>;

    /// Ledger entries after `after_seq`, in order.
    async fn entries(&self, after_seq: u64, limit: u32) -> Result<Vec<Entry>>;

    /// Re-derives every derived table from the ledger; returns the number of entries replayed.
    async fn rebuild(&self) -> Result<u64>;

    /// A digest of the current state: the SHA-256 of every record's id, kind, external id, review
    /// state, state (the change that put it) and references, in id order. Two archives holding the same
    /// records have the same digest, whatever order they were written in.
    async fn state_digest(&self) -> Result<Hash>;

    /// The first record whose derived state is not the state its ledger entry wrote.
    async fn first_derived_mismatch(&self) -> Result<Option<RecordId>>;

    /// Every account, by name. Accounts are not archive records: they are not in the ledger,
    /// not exported, and `rebuild` leaves them alone.
    async fn accounts(&self) -> Result<Vec<Account>>;

    async fn account(&self, name: &str) -> Result<Option<Account>>;

    /// Adds an account; refused if one has its name already.
    async fn add_account(&self, account: &Account) -> Result<()>;

    /// Stores an account's new role, password hash or disabled flag; refused if there is no
    /// account of its name. The account's sessions end: whoever was signed in as it signs in
    /// again, with the new password and role, or not at all.
    async fn update_account(&self, account: &Account) -> Result<()>;

    /// Keeps a new session, and forgets the sessions that have expired by its `created_at`.
    async fn add_session(&self, session: &Session) -> Result<()>;

    /// The session whose token has this hash, if it has not expired by `now` (seconds since
    /// 1970) and its account is not disabled.
    async fn session(&self, token_hash: &Hash, now: i64) -> Result<Option<(Session, Account)>>;

    /// Ends a session (signing out); nothing happens if there is none.
    async fn remove_session(&self, token_hash: &Hash) -> Result<()>;

    /// A fact about the archive itself (`archive_id`, `key_check`), if set.
    async fn meta(&self, name: &str) -> Result<Option<String>>;

    /// Sets a fact about the archive itself.
    async fn set_meta(&self, name: &str, value: &str) -> Result<()>;
}

/// A read transaction (see [`Store::snapshot`]).
#[async_trait]
pub trait Snapshot: Send {
    /// The ledger head that this snapshot's records belong to.
    async fn head(&mut self) -> Result<Option<Head>>;
    async fn count(&mut self, kind: RecordKind) -> Result<u64>;
    async fn list(&mut self, kind: RecordKind, after: Option<&RecordId>, limit: u32) -> Result<Vec<Record>>;
    /// Up to `limit` records of `kind` in the order their states were written, those written
    /// after ledger entry `after` (0 for the first page), each with the entry that wrote its
    /// state: the next page starts after the last one's. The way to read every record of a
    /// kind: the ledger is read front to back, where in id order ([`Snapshot::list`]) each
    /// record's state is a look-up somewhere in it (at 1,000,000 person records, about 1 s
    /// against 4.3–6.5).
    async fn scan(&mut self, kind: RecordKind, after: u64, limit: u32) -> Result<Vec<(u64, Record)>>;
    /// The ledger entry that first put each record of `kind` whose state a later entry wrote
    /// again. With the entries [`Snapshot::scan`] gives (each the one that wrote a record's
    /// state), every record's first put ([`Store::first_put`]) without a look-up a record.
    async fn first_put_of_rewritten(&mut self, kind: RecordKind) -> Result<HashMap<RecordId, u64>>;
    /// As [`Store::in_review`].
    async fn in_review(&mut self, state: ReviewState, after: Option<&RecordId>, limit: u32) -> Result<Vec<Record>>;
    async fn external_ids(&mut self, ids: &[RecordId]) -> Result<HashMap<RecordId, String>>;
}

/// A write transaction.
#[async_trait]
pub trait Writer: Send {
    /// Writes each record's new state: a ledger entry and the derived rows, unless the record
    /// already has exactly that state. A change the archive's rules forbid is refused here or,
    /// at the latest, by [`Writer::commit`] (a backend may write derived rows at the end).
    async fn put(&mut self, records: Vec<Record>) -> Result<Vec<PutOutcome>>;

    /// Makes everything put visible at once; returns the new head.
    async fn commit(self: Box<Self>) -> Result<Option<Head>>;
}
