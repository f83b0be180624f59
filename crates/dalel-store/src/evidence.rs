//! The content-addressed evidence store: each file lives at `<root>/<aa>/<bb>/<name>`, written
//! through a temporary file that is fsynced and renamed, so a crash leaves either the whole file
//! or nothing under its name.
//!
//! In a plain archive the name is the content's SHA-256. In a sealed archive (`dalel init` makes
//! archives sealed) each file is encrypted with the archive's key as it streams in (`crypt.rs`;
//! no plain copy is written), and its name is a keyed hash of its SHA-256: without the key,
//! neither a file's content nor whether a known document is held can be learnt from the
//! directory. Reading a file back checks every chunk, and [`EvidenceStore::check`] its hash
//! against its name, so a file put in another's place is found.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use dalel_model::Hash;
use sha2::{Digest, Sha256};

use crate::crypt::{self, SealError};
use crate::keys::ArchiveKey;
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
    seal: Seal,
}

/// Whether files are kept encrypted, and the key once it is given (shared by every clone).
#[derive(Clone, Debug)]
enum Seal {
    Plain,
    Sealed(Arc<OnceLock<ArchiveKey>>),
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |source| StoreError::Io { path: path.display().to_string(), source }
}

fn seal_err(path: &Path, e: SealError) -> StoreError {
    match e {
        SealError::Io(source) => StoreError::Io { path: path.display().to_string(), source },
        other => StoreError::Corrupt { id: path.display().to_string(), reason: other.to_string() },
    }
}

/// What a sealed evidence file is authenticated with.
const LABEL: &str = "evidence";

impl EvidenceStore {
    /// A store of plain files.
    pub fn new(root: impl Into<PathBuf>) -> EvidenceStore {
        EvidenceStore { root: root.into(), seal: Seal::Plain }
    }

    /// A store of encrypted files, usable once [`EvidenceStore::unlock`] gives the key.
    pub fn sealed(root: impl Into<PathBuf>) -> EvidenceStore {
        EvidenceStore { root: root.into(), seal: Seal::Sealed(Arc::default()) }
    }

    pub fn is_sealed(&self) -> bool {
        matches!(self.seal, Seal::Sealed(_))
    }

    /// Gives a sealed store its key (for this store and all its clones); a plain store needs none.
    pub fn unlock(&self, key: &ArchiveKey) {
        if let Seal::Sealed(cell) = &self.seal {
            let _ = cell.set(key.clone());
        }
    }

    /// The key of a sealed store, `None` for a plain one; an error if it is not unlocked.
    pub(crate) fn key(&self) -> Result<Option<&ArchiveKey>> {
        match &self.seal {
            Seal::Plain => Ok(None),
            Seal::Sealed(cell) => cell.get().map(Some).ok_or(StoreError::Locked),
        }
    }

    /// Where the file with this hash lives.
    pub fn path(&self, sha256: &Hash) -> Result<PathBuf> {
        let name = match self.key()? {
            None => sha256.to_hex(),
            Some(key) => {
                let mut h = Sha256::new();
                h.update(b"dalel-evidence-name-v1\n");
                h.update(key.0);
                h.update(sha256.0);
                hex::encode(h.finalize())
            }
        };
        Ok(self.root.join(&name[..2]).join(&name[2..4]).join(name))
    }

    fn scratch(&self) -> Result<tempfile::NamedTempFile> {
        let tmp_dir = self.root.join("tmp");
        fs::create_dir_all(&tmp_dir).map_err(io_err(&tmp_dir))?;
        tempfile::NamedTempFile::new_in(&tmp_dir).map_err(io_err(&tmp_dir))
    }

    /// Moves a complete, fsynced temporary file to its name, unless a file is there already.
    fn place(&self, tmp: tempfile::NamedTempFile, sha256: Hash, size: u64) -> Result<StoredFile> {
        let dest = self.path(&sha256)?;
        let dir = dest.parent().expect("nested path");
        fs::create_dir_all(dir).map_err(io_err(dir))?;
        if !dest.exists() {
            tmp.persist(&dest).map_err(|e| StoreError::Io { path: dest.display().to_string(), source: e.error })?;
            File::open(dir).and_then(|d| d.sync_all()).map_err(io_err(dir))?;
        }
        Ok(StoredFile { sha256, size })
    }

    /// Copies everything `reader` gives into the store, hashing (and in a sealed store
    /// encrypting) while it streams.
    pub fn put(&self, mut reader: impl Read) -> Result<StoredFile> {
        let key = self.key()?;
        let tmp = self.scratch()?;
        let (sha256, size) = match key {
            Some(key) => {
                let mut writer = BufWriter::new(tmp.as_file());
                let plain = crypt::seal(key, LABEL, reader, &mut writer).map_err(|e| seal_err(tmp.path(), e))?;
                writer.flush().map_err(io_err(tmp.path()))?;
                drop(writer);
                (Hash(plain.sha256), plain.size)
            }
            None => {
                let mut hasher = Sha256::new();
                let size = io::copy(&mut reader, &mut Tee(&mut hasher, tmp.as_file())).map_err(io_err(tmp.path()))?;
                (Hash(hasher.finalize().into()), size)
            }
        };
        tmp.as_file().sync_all().map_err(io_err(tmp.path()))?;
        self.place(tmp, sha256, size)
    }

    /// Takes a file already written, fsynced and hashed (a finished upload) into the store by
    /// renaming it, or in a sealed store by sealing it and removing the plain file; the caller
    /// vouches for `sha256` and `size`.
    pub fn adopt(&self, file: &Path, sha256: Hash, size: u64) -> Result<StoredFile> {
        if self.key()?.is_some() {
            let stored = self.put(File::open(file).map_err(io_err(file))?)?;
            if (stored.sha256, stored.size) != (sha256, size) {
                return Err(StoreError::Corrupt {
                    id: file.display().to_string(),
                    reason: "changed while stored".into(),
                });
            }
            fs::remove_file(file).map_err(io_err(file))?;
            return Ok(stored);
        }
        let dest = self.path(&sha256)?;
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

    /// Writes the plain content of the stored file `sha256` into `writer` (decrypted in a
    /// sealed store, every chunk checked); returns its size and hash as read.
    pub fn read_into(&self, sha256: &Hash, mut writer: impl Write) -> Result<StoredFile> {
        let path = self.path(sha256)?;
        let mut file = File::open(&path).map_err(io_err(&path))?;
        match self.key()? {
            Some(key) => {
                let plain = crypt::open(key, LABEL, file, writer).map_err(|e| seal_err(&path, e))?;
                Ok(StoredFile { sha256: Hash(plain.sha256), size: plain.size })
            }
            None => {
                let mut hasher = Sha256::new();
                let size = io::copy(&mut file, &mut Tee(&mut hasher, &mut writer)).map_err(io_err(&path))?;
                Ok(StoredFile { sha256: Hash(hasher.finalize().into()), size })
            }
        }
    }

    /// Hashes the stored file again; `Err` names what is wrong.
    pub fn check(&self, sha256: &Hash, size: u64) -> std::result::Result<(), String> {
        let path = self.path(sha256).map_err(|e| e.to_string())?;
        let read = self.read_into(sha256, io::sink()).map_err(|e| e.to_string())?;
        if read.sha256 != *sha256 {
            return Err(format!("{}: content hashes to {}", path.display(), read.sha256));
        }
        if read.size != size {
            return Err(format!("{}: {} bytes, the record says {size}", path.display(), read.size));
        }
        Ok(())
    }
}

/// Feeds what is written into a hasher and on to a writer.
pub(crate) struct Tee<'a, W: Write>(pub(crate) &'a mut Sha256, pub(crate) W);

impl<W: Write> Write for Tee<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.1.write(buf)?;
        self.0.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.1.flush()
    }
}
