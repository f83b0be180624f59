//! The directory of a name index kept in memory (a sealed archive's, or a server's): the files
//! read back from the sealed file stay where they were decrypted, slices of one buffer shared
//! with the index, and the files written since (new segments) are kept as the buffer they were
//! written into. Copying the read-back files into a `RamDirectory` cost a second buffer the size
//! of the index (300 MB at 1,000,000 persons) and the kernel's zeroing of it at every start; its
//! writers also copy each file when it is finished, while the buffer it was written into is still
//! held (docs/benchmarks.md).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock, RwLockWriteGuard};

use tantivy::directory::error::{DeleteError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    AntiCallToken, Directory, FileHandle, OwnedBytes, RamDirectory, TerminatingWrite, WatchCallback, WatchHandle,
    WritePtr,
};

#[derive(Clone, Debug, Default)]
pub(super) struct InMemory {
    /// Files as read back or as written (a file being written is here empty), until one is
    /// deleted or written over.
    held: Arc<RwLock<HashMap<PathBuf, OwnedBytes>>>,
    /// Files written whole (`meta.json`), and the watchers told when `meta.json` changes.
    written: RamDirectory,
}

impl InMemory {
    /// A directory holding `files` as they are (no copy).
    pub(super) fn holding(files: impl IntoIterator<Item = (PathBuf, OwnedBytes)>) -> InMemory {
        InMemory { held: Arc::new(RwLock::new(files.into_iter().collect())), written: RamDirectory::create() }
    }

    fn held(&self, path: &Path) -> Option<OwnedBytes> {
        self.held.read().unwrap_or_else(PoisonError::into_inner).get(path).cloned()
    }

    /// The held files, to change. Each change is one operation on the map, so a thread that
    /// panicked holding them left them whole.
    fn held_mut(&self) -> RwLockWriteGuard<'_, HashMap<PathBuf, OwnedBytes>> {
        self.held.write().unwrap_or_else(PoisonError::into_inner)
    }

    fn hold(&self, path: PathBuf, bytes: OwnedBytes) {
        self.held_mut().insert(path, bytes);
    }

    /// Forgets the held file at `path`; whether there was one.
    fn forget(&self, path: &Path) -> bool {
        self.held_mut().remove(path).is_some()
    }
}

/// A file being written: its bytes are held by the directory, without a copy, once it is
/// finished (or dropped unfinished, as tantivy's own writer keeps what was flushed).
struct Writing {
    dir: InMemory,
    path: PathBuf,
    bytes: Option<Vec<u8>>,
}

impl Write for Writing {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.bytes {
            Some(bytes) => bytes.write(buf),
            None => Err(std::io::Error::other(format!("{} is finished", self.path.display()))),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Writing {
    /// Hands the bytes written to the directory, once.
    fn finish(&mut self) {
        if let Some(bytes) = self.bytes.take() {
            self.dir.hold(self.path.clone(), OwnedBytes::new(bytes));
        }
    }
}

impl TerminatingWrite for Writing {
    fn terminate_ref(&mut self, _: AntiCallToken) -> std::io::Result<()> {
        self.finish();
        Ok(())
    }
}

impl Drop for Writing {
    fn drop(&mut self) {
        self.finish();
    }
}

impl Directory for InMemory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        match self.held(path) {
            Some(bytes) => Ok(Arc::new(bytes)),
            None => self.written.get_file_handle(path),
        }
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        if self.forget(path) {
            return Ok(());
        }
        self.written.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        Ok(self.held(path).is_some() || self.written.exists(path)?)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        // Held empty meanwhile, so that it exists (a lock file is taken by creating it).
        let mut held = self.held_mut();
        if held.contains_key(path) || self.written.exists(path).unwrap_or(false) {
            return Err(OpenWriteError::FileAlreadyExists(path.to_path_buf()));
        }
        held.insert(path.to_path_buf(), OwnedBytes::empty());
        let writing = Writing { dir: self.clone(), path: path.to_path_buf(), bytes: Some(Vec::new()) };
        Ok(std::io::BufWriter::new(Box::new(writing)))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        match self.held(path) {
            Some(bytes) => Ok(bytes.as_slice().to_vec()),
            None => self.written.atomic_read(path),
        }
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.forget(path);
        self.written.atomic_write(path, data)
    }

    fn sync_directory(&self) -> std::io::Result<()> {
        Ok(())
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.written.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_back_files_are_read_deleted_and_written_over() {
        let dir = InMemory::holding([(PathBuf::from("a"), OwnedBytes::new(b"first".to_vec()))]);
        let read = |path: &str| dir.atomic_read(Path::new(path)).ok();
        assert_eq!(read("a").as_deref(), Some(&b"first"[..]));
        assert_eq!(dir.open_read(Path::new("a")).unwrap().read_bytes().unwrap().as_slice(), b"first");
        assert!(dir.exists(Path::new("a")).unwrap());
        assert!(matches!(dir.open_write(Path::new("a")), Err(OpenWriteError::FileAlreadyExists(_))));

        dir.atomic_write(Path::new("a"), b"second").unwrap();
        assert_eq!(read("a").as_deref(), Some(&b"second"[..]));
        dir.delete(Path::new("a")).unwrap();
        assert!(!dir.exists(Path::new("a")).unwrap());
        assert_eq!(read("a"), None);
        assert!(dir.delete(Path::new("a")).is_err());

        // A clone is the same directory (tantivy holds one, the index another).
        let clone = dir.clone();
        std::io::Write::write_all(&mut clone.open_write(Path::new("b")).unwrap(), b"new").unwrap();
        assert!(dir.exists(Path::new("b")).unwrap());
    }

    #[test]
    fn a_file_written_is_held_once_finished() {
        let dir = InMemory::default();
        let mut file = dir.open_write(Path::new("seg.store")).unwrap();
        file.write_all(b"blocks ").unwrap();
        file.flush().unwrap();
        // It exists while being written (tantivy takes a lock by creating its file), and is
        // not opened for writing twice.
        assert!(dir.exists(Path::new("seg.store")).unwrap());
        assert!(matches!(dir.open_write(Path::new("seg.store")), Err(OpenWriteError::FileAlreadyExists(_))));
        file.write_all(b"and footer").unwrap();
        file.terminate().unwrap();
        assert_eq!(dir.atomic_read(Path::new("seg.store")).unwrap(), b"blocks and footer");
        assert_eq!(
            dir.open_read(Path::new("seg.store")).unwrap().read_bytes().unwrap().as_slice(),
            b"blocks and footer"
        );
        dir.delete(Path::new("seg.store")).unwrap();
        assert!(!dir.exists(Path::new("seg.store")).unwrap());

        // Dropped unfinished (a failed write), what was written stays, as tantivy's own
        // directory keeps it.
        let mut file = dir.open_write(Path::new("lock")).unwrap();
        file.write_all(b"partial").unwrap();
        drop(file);
        assert_eq!(dir.atomic_read(Path::new("lock")).unwrap(), b"partial");
    }
}
