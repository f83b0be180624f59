//! The content-addressed evidence store: each file lives at `<root>/<aa>/<bb>/<sha256>`, written
//! through a temporary file that is fsynced and renamed, so a crash leaves either the whole file
//! or nothing under its name.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use dalel_model::Hash;
use sha2::{Digest, Sha256};

use crate::{Result, StoreError};

/// A file now held by the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredFile {
    pub sha256: Hash,
    pub size: u64,
}

/// Evidence files by SHA-256.
#[derive(Clone, Debug)]
pub struct EvidenceStore {
    root: PathBuf,
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |source| StoreError::Io { path: path.display().to_string(), source }
}

impl EvidenceStore {
    pub fn new(root: impl Into<PathBuf>) -> EvidenceStore {
        EvidenceStore { root: root.into() }
    }

    /// Where the file with this hash lives.
    pub fn path(&self, sha256: &Hash) -> PathBuf {
        let hex = sha256.to_hex();
        self.root.join(&hex[..2]).join(&hex[2..4]).join(hex)
    }

    /// Copies everything `reader` gives into the store, hashing while it streams.
    pub fn put(&self, mut reader: impl Read) -> Result<StoredFile> {
        let tmp_dir = self.root.join("tmp");
        fs::create_dir_all(&tmp_dir).map_err(io_err(&tmp_dir))?;
        let mut tmp = tempfile::NamedTempFile::new_in(&tmp_dir).map_err(io_err(&tmp_dir))?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = reader.read(&mut buf).map_err(io_err(tmp.path()))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            tmp.write_all(&buf[..n]).map_err(io_err(tmp.path()))?;
            size += n as u64;
        }
        tmp.as_file().sync_all().map_err(io_err(tmp.path()))?;
        let sha256 = Hash(hasher.finalize().into());
        let dest = self.path(&sha256);
        let dir = dest.parent().expect("nested path");
        fs::create_dir_all(dir).map_err(io_err(dir))?;
        if !dest.exists() {
            tmp.persist(&dest).map_err(|e| StoreError::Io { path: dest.display().to_string(), source: e.error })?;
            File::open(dir).and_then(|d| d.sync_all()).map_err(io_err(dir))?;
        }
        Ok(StoredFile { sha256, size })
    }

    /// Takes a file already written, fsynced and hashed (a finished upload) into the store by
    /// renaming it; the caller vouches for `sha256` and `size`.
    pub fn adopt(&self, file: &Path, sha256: Hash, size: u64) -> Result<StoredFile> {
        let dest = self.path(&sha256);
        let dir = dest.parent().expect("nested path");
        fs::create_dir_all(dir).map_err(io_err(dir))?;
        if dest.exists() {
            fs::remove_file(file).map_err(io_err(file))?;
        } else if fs::rename(file, &dest).is_err() {
            // Another file system: copy, hashing again.
            let stored = self.put(File::open(file).map_err(io_err(file))?)?;
            fs::remove_file(file).map_err(io_err(file))?;
            return Ok(stored);
        }
        File::open(dir).and_then(|d| d.sync_all()).map_err(io_err(dir))?;
        Ok(StoredFile { sha256, size })
    }

    /// Hashes the stored file again; `Err` names what is wrong.
    pub fn check(&self, sha256: &Hash, size: u64) -> std::result::Result<(), String> {
        let path = self.path(sha256);
        let mut file = File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut hasher = Sha256::new();
        let actual =
            io::copy(&mut file, &mut HashWriter(&mut hasher)).map_err(|e| format!("{}: {e}", path.display()))?;
        let digest = Hash(hasher.finalize().into());
        if digest != *sha256 {
            return Err(format!("{}: content hashes to {digest}", path.display()));
        }
        if actual != size {
            return Err(format!("{}: {actual} bytes, the record says {size}", path.display()));
        }
        Ok(())
    }
}

/// Feeds what is written into a hasher (to hash a file with `io::copy`).
pub(crate) struct HashWriter<'a>(pub(crate) &'a mut Sha256);

impl Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
