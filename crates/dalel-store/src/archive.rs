//! An archive directory: `archive.sqlite` (the ledger and derived tables) and `evidence/`.

use std::path::{Path, PathBuf};

use crate::sqlite::CONNECTIONS;
use crate::{EvidenceStore, Result, SqliteStore, StoreError};

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
        Ok(Archive { dir: dir.to_path_buf(), store, evidence: EvidenceStore::new(dir.join("evidence")) })
    }
}
