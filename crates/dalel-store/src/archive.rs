//! An archive directory: `archive.sqlite` (the ledger and derived tables) and `evidence/`.
//!
//! An archive is *sealed* when `dalel init` made it with a key (`meta` holds `sealed` = `1` and
//! the key's check value): its ledger's changes (every record's content) and its evidence files
//! are kept encrypted, and an opened archive reads or writes them once [`Archive::unlock`] is
//! given the key.

use std::path::{Path, PathBuf};

use crate::keys::ArchiveKey;
use crate::sqlite::CONNECTIONS;
use crate::{EvidenceStore, Result, SqliteStore, Store, StoreError};

const DATABASE: &str = "archive.sqlite";

/// An open archive.
#[derive(Clone, Debug)]
pub struct Archive {
    pub dir: PathBuf,
    pub store: SqliteStore,
    pub evidence: EvidenceStore,
}

impl Archive {
    /// Creates the archive in `dir` (made if missing), or opens the one already there.
    pub async fn init(dir: &Path) -> Result<Archive> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Io { path: dir.display().to_string(), source })?;
        Archive::at(dir, true, CONNECTIONS).await
    }

    /// Opens an existing archive.
    pub async fn open(dir: &Path) -> Result<Archive> {
        Archive::existing(dir, CONNECTIONS).await
    }

    /// Opens an existing archive for a load (`dalel import`), with one database connection:
    /// the one writer is all a load needs, and it lets a first load skip the write-ahead log
    /// (`Store::loader`).
    pub async fn open_for_load(dir: &Path) -> Result<Archive> {
        Archive::existing(dir, 1).await
    }

    async fn existing(dir: &Path, connections: u32) -> Result<Archive> {
        if !dir.join(DATABASE).is_file() {
            return Err(StoreError::NoArchive(dir.display().to_string()));
        }
        Archive::at(dir, false, connections).await
    }

    async fn at(dir: &Path, create: bool, connections: u32) -> Result<Archive> {
        let store = SqliteStore::open_with(&dir.join(DATABASE), create, connections).await?;
        let evidence = if store.fields.is_sealed() {
            EvidenceStore::sealed(dir.join("evidence"))
        } else {
            EvidenceStore::new(dir.join("evidence"))
        };
        Ok(Archive { dir: dir.to_path_buf(), store, evidence })
    }

    /// Whether the archive keeps its evidence files encrypted (and so needs its key).
    pub fn is_sealed(&self) -> bool {
        self.evidence.is_sealed()
    }

    /// The key of a sealed archive, `None` for a plain one; an error if it is not unlocked.
    pub(crate) fn key(&self) -> Result<Option<&ArchiveKey>> {
        self.evidence.key()
    }

    /// Gives a sealed archive its key, after checking it is the archive's.
    pub async fn unlock(&self, key: &ArchiveKey) -> Result<()> {
        match self.store.meta("key_check").await? {
            Some(check) if check == key.check_value() => {
                self.evidence.unlock(key);
                self.store.fields.unlock(key);
                Ok(())
            }
            _ => Err(StoreError::WrongKey),
        }
    }

    /// Whether the archive holds nothing yet: no ledger entry, no evidence file.
    pub async fn is_empty(&self) -> Result<bool> {
        Ok(self.store.head().await?.is_none() && !self.dir.join("evidence").exists())
    }

    /// Seals a new, empty archive with `key`: from now on its records and evidence files are
    /// kept encrypted. Refused for an archive that holds anything already (its files are plain).
    pub async fn seal(self, key: &ArchiveKey) -> Result<Archive> {
        if !self.is_empty().await? {
            return Err(StoreError::Refused("only a new, empty archive can be sealed".into()));
        }
        self.store.set_meta("key_check", &key.check_value()).await?;
        self.store.set_meta("sealed", "1").await?;
        self.store.fields.set_sealed();
        let archive = Archive { evidence: EvidenceStore::sealed(self.dir.join("evidence")), ..self };
        archive.unlock(key).await?;
        Ok(archive)
    }
}
