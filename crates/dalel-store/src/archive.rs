//! An archive directory: `archive.sqlite` (the ledger and derived tables) and `evidence/`.

use std::path::{Path, PathBuf};

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
        Archive::at(dir, true).await
    }

    /// Opens an existing archive.
    pub async fn open(dir: &Path) -> Result<Archive> {
        if !dir.join(DATABASE).is_file() {
            return Err(StoreError::NoArchive(dir.display().to_string()));
        }
        Archive::at(dir, false).await
    }

    async fn at(dir: &Path, create: bool) -> Result<Archive> {
        let store = SqliteStore::open(&dir.join(DATABASE), create).await?;
        Ok(Archive { dir: dir.to_path_buf(), store, evidence: EvidenceStore::new(dir.join("evidence")) })
    }
}
