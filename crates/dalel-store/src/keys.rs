//! An archive's key: 32 random bytes, kept in a key file outside the archive (never in it), so
//! that a copy of the archive or of its backups, without the key file, cannot be read. The
//! archive keeps only a check value, to tell the right key from a wrong one.
//!
//! A key file is two lines: a comment naming the archive, and the key as 64 hex digits.

use std::io::Write;
use std::path::Path;

use sha2::{Digest, Sha256};

/// Why a key cannot be had.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("no key file at {0} (dalel init writes one; give its place with --key-file or DALEL_KEY_FILE)")]
    Missing(String),
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{0}: not a dalel key file (a comment line, then 64 hexadecimal digits)")]
    Unreadable(String),
    #[error("the key in {0} is not this archive's key")]
    Wrong(String),
    #[error("the operating system gave no random bytes: {0}")]
    Random(String),
}

/// An archive's key. Its `Debug` shows nothing of it.
#[derive(Clone, PartialEq, Eq)]
pub struct ArchiveKey(pub(crate) [u8; 32]);

impl std::fmt::Debug for ArchiveKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ArchiveKey(…)")
    }
}

/// Fills `buf` from the operating system's random source.
pub(crate) fn random(buf: &mut [u8]) -> Result<(), KeyError> {
    getrandom::fill(buf).map_err(|e| KeyError::Random(e.to_string()))
}

impl ArchiveKey {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> Result<ArchiveKey, KeyError> {
        let mut key = [0u8; 32];
        random(&mut key)?;
        Ok(ArchiveKey(key))
    }

    /// What the archive keeps to recognise its key: a hash of it under a label of its own,
    /// which tells nothing of the key.
    pub fn check_value(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"dalel-key-check-v1\n");
        h.update(self.0);
        hex::encode(h.finalize())
    }

    /// Reads a key file.
    pub fn read_file(path: &Path) -> Result<ArchiveKey, KeyError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(KeyError::Missing(path.display().to_string()));
            }
            Err(source) => return Err(KeyError::Io { path: path.display().to_string(), source }),
        };
        let unreadable = || KeyError::Unreadable(path.display().to_string());
        let line = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#')).ok_or_else(unreadable)?;
        let bytes = hex::decode(line).map_err(|_| unreadable())?;
        Ok(ArchiveKey(bytes.try_into().map_err(|_| unreadable())?))
    }

    /// Writes a new key file readable by its owner only (its directory is made, owner-only, if
    /// missing); refused if a file is there already, so that no key is ever overwritten.
    pub fn write_file(&self, path: &Path, archive_id: &str) -> Result<(), KeyError> {
        let io = |source| KeyError::Io { path: path.display().to_string(), source };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(dir).map_err(io)?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(io)?;
        let text = format!(
            "# The key of dalel archive {archive_id}. Without it, the archive's backups cannot be read: keep a copy \
             somewhere safe, apart from the archive and its backups.\n{}\n",
            hex::encode(self.0)
        );
        file.write_all(text.as_bytes()).and_then(|()| file.sync_all()).map_err(io)
    }

    /// Refuses the key unless it is the one whose check value the archive keeps.
    pub fn check(&self, check_value: &str, path: &Path) -> Result<(), KeyError> {
        if self.check_value() == check_value { Ok(()) } else { Err(KeyError::Wrong(path.display().to_string())) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_is_written_once_for_its_owner_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/a.key");
        let key = ArchiveKey::generate().unwrap();
        key.write_file(&path, "a1").unwrap();
        assert_eq!(ArchiveKey::read_file(&path).unwrap(), key);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
            assert_eq!(std::fs::metadata(path.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);
        }
        let other = ArchiveKey::generate().unwrap();
        assert!(matches!(other.write_file(&path, "a1"), Err(KeyError::Io { .. })), "never overwritten");
        assert!(key.check(&key.check_value(), &path).is_ok());
        assert_eq!(
            other.check(&key.check_value(), &path).unwrap_err().to_string(),
            format!("the key in {} is not this archive's key", path.display())
        );
        assert_eq!(format!("{key:?}"), "ArchiveKey(…)");
        std::fs::write(&path, "# a comment\nnot hex\n").unwrap();
        assert!(matches!(ArchiveKey::read_file(&path), Err(KeyError::Unreadable(_))));
        assert!(matches!(ArchiveKey::read_file(&dir.path().join("none")), Err(KeyError::Missing(_))));
    }
}
