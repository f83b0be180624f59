//! The directory of a name index kept in memory (a sealed archive's, or a server's): the files
//! read back from the sealed file stay where they were decrypted, slices of one buffer shared
//! with the index, and the files written since (new segments, `meta.json`) are held beside
//! them. Copying the read-back files into a `RamDirectory` cost a second buffer the size of the
//! index (300 MB at 1,000,000 persons) and the kernel's zeroing of it at every start.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use tantivy::directory::error::{DeleteError, OpenReadError, OpenWriteError};
use tantivy::directory::{Directory, FileHandle, OwnedBytes, RamDirectory, WatchCallback, WatchHandle, WritePtr};

#[derive(Clone, Debug, Default)]
pub(super) struct InMemory {
    /// Files as read back, until one is deleted or written over.
    read_back: Arc<RwLock<HashMap<PathBuf, OwnedBytes>>>,
    /// Files written here.
    written: RamDirectory,
}

impl InMemory {
    /// A directory holding `files` as they are (no copy).
    pub(super) fn holding(files: impl IntoIterator<Item = (PathBuf, OwnedBytes)>) -> InMemory {
        InMemory { read_back: Arc::new(RwLock::new(files.into_iter().collect())), written: RamDirectory::create() }
    }

    fn read_back(&self, path: &Path) -> Option<OwnedBytes> {
        self.read_back.read().unwrap_or_else(|poisoned| poisoned.into_inner()).get(path).cloned()
    }

    /// Forgets the read-back file at `path`; whether there was one.
    fn forget(&self, path: &Path) -> bool {
        self.read_back.write().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(path).is_some()
    }
}

impl Directory for InMemory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        match self.read_back(path) {
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
        Ok(self.read_back(path).is_some() || self.written.exists(path)?)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        if self.read_back(path).is_some() {
            return Err(OpenWriteError::FileAlreadyExists(path.to_path_buf()));
        }
        self.written.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        match self.read_back(path) {
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
}
