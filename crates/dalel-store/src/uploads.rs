//! Resumable uploads: a large file (a 2 GB video) arrives in chunks, each appended at the offset
//! the client says it has reached, so a dropped connection resumes where it stopped instead of
//! starting again. Partial files live in `<archive>/uploads/`: `<id>.part` (the bytes so far,
//! fsynced after every chunk, so what was acknowledged survives a crash) and `<id>.json` (what
//! the upload is). The SHA-256 is computed as the bytes stream in; after a restart it is
//! recomputed from the partial file once. A finished upload moves into the [`EvidenceStore`].

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use dalel_model::Hash;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::evidence::Tee;
use crate::{EvidenceStore, StoreError, StoredFile};

/// What an upload is, as declared when it was created.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadInfo {
    /// The whole file's size in bytes.
    pub size: u64,
    /// The SHA-256 the client says the file has (hex), checked when the last byte arrives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// The records the file is evidence about.
    #[serde(default)]
    pub about: Vec<String>,
    /// Read from the first bytes, not from the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// The account that started the upload: only it may send the rest, and it is the author of
    /// the evidence file's record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
}

/// Why a chunk or an upload was refused.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("no upload {0}")]
    Unknown(String),
    #[error("the upload is at byte {at}, not at byte {offered}")]
    WrongOffset { at: u64, offered: u64 },
    #[error("the chunk would take the file past its declared size of {size} bytes")]
    TooLong { size: u64 },
    #[error("the file's bytes hash to {actual}, not to the declared {declared}")]
    HashMismatch { declared: String, actual: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where an upload stands after a chunk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Bytes received so far.
    Partial(u64),
    /// The last byte arrived: the whole file.
    Complete { sha256: Hash, size: u64 },
}

/// The partial uploads of an archive.
#[derive(Debug)]
pub struct Uploads {
    dir: PathBuf,
    /// For each upload being received: the offset its hasher has reached.
    hashers: Mutex<HashMap<String, (u64, Sha256)>>,
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |source| StoreError::Io { path: path.display().to_string(), source }
}

/// An upload id is 32 hex digits: nothing else reaches a path.
fn valid_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

impl Uploads {
    pub fn new(dir: impl Into<PathBuf>) -> Uploads {
        Uploads { dir: dir.into(), hashers: Mutex::default() }
    }

    fn part(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.part"))
    }

    fn info_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    /// A new empty file beside the partial uploads, for a file received in one request (a form
    /// without JavaScript); it is deleted when dropped, unless moved into the evidence store.
    pub fn scratch(&self) -> Result<tempfile::NamedTempFile, StoreError> {
        fs::create_dir_all(&self.dir).map_err(io_err(&self.dir))?;
        tempfile::NamedTempFile::new_in(&self.dir).map_err(io_err(&self.dir))
    }

    /// Starts an upload; returns its id.
    pub fn create(&self, info: &UploadInfo) -> Result<String, StoreError> {
        fs::create_dir_all(&self.dir).map_err(io_err(&self.dir))?;
        let id = uuid::Uuid::new_v4().simple().to_string();
        File::create(self.part(&id)).map_err(io_err(&self.part(&id)))?;
        self.write_info(&id, info)?;
        Ok(id)
    }

    fn write_info(&self, id: &str, info: &UploadInfo) -> Result<(), StoreError> {
        let path = self.info_path(id);
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir).map_err(io_err(&self.dir))?;
        tmp.write_all(&serde_json::to_vec(info).expect("serializes")).map_err(io_err(&path))?;
        tmp.as_file().sync_all().map_err(io_err(&path))?;
        tmp.persist(&path).map_err(|e| StoreError::Io { path: path.display().to_string(), source: e.error })?;
        Ok(())
    }

    /// What the upload is and how many bytes it has, or `None` for an unknown id.
    pub fn status(&self, id: &str) -> Result<Option<(UploadInfo, u64)>, StoreError> {
        if !valid_id(id) {
            return Ok(None);
        }
        let path = self.info_path(id);
        let text = match fs::read(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_err(&path)(e)),
        };
        let info: UploadInfo = serde_json::from_slice(&text)
            .map_err(|e| StoreError::Corrupt { id: format!("upload {id}"), reason: e.to_string() })?;
        let len = fs::metadata(self.part(id)).map_err(io_err(&self.part(id)))?.len();
        Ok(Some((info, len)))
    }

    /// Records the media type read from the first bytes.
    pub fn set_media_type(&self, id: &str, media_type: &str) -> Result<(), UploadError> {
        let (mut info, _) = self.status(id)?.ok_or_else(|| UploadError::Unknown(id.to_string()))?;
        info.media_type = Some(media_type.to_string());
        Ok(self.write_info(id, &info)?)
    }

    /// Appends `bytes` at `offset`, which must be where the upload stands; returns what the
    /// upload is and where it stands now.
    pub fn append(&self, id: &str, offset: u64, bytes: &[u8]) -> Result<(UploadInfo, Progress), UploadError> {
        // One chunk at a time: two clients sending to one upload must not interleave.
        let mut hashers = self.hashers.lock().expect("not poisoned");
        let (info, len) = self.status(id)?.ok_or_else(|| UploadError::Unknown(id.to_string()))?;
        if offset != len {
            return Err(UploadError::WrongOffset { at: len, offered: offset });
        }
        if len + bytes.len() as u64 > info.size {
            return Err(UploadError::TooLong { size: info.size });
        }
        let path = self.part(id);
        let mut file = OpenOptions::new().append(true).open(&path).map_err(io_err(&path))?;
        file.write_all(bytes).map_err(io_err(&path))?;
        file.sync_data().map_err(io_err(&path))?;
        let len = len + bytes.len() as u64;

        let (at, hasher) = hashers.entry(id.to_string()).or_insert_with(|| (0, Sha256::new()));
        if *at == offset {
            hasher.update(bytes);
        } else {
            // After a restart (or a refused chunk), hash what the file holds.
            *hasher = Sha256::new();
            let mut f = File::open(&path).map_err(io_err(&path))?;
            io::copy(&mut f, &mut Tee(hasher, io::sink())).map_err(io_err(&path))?;
        }
        *at = len;
        if len < info.size {
            return Ok((info, Progress::Partial(len)));
        }
        let (_, hasher) = hashers.remove(id).expect("just inserted");
        let sha256 = Hash(hasher.finalize().into());
        if let Some(declared) = &info.sha256
            && !declared.eq_ignore_ascii_case(&sha256.to_hex())
        {
            return Err(UploadError::HashMismatch { declared: declared.clone(), actual: sha256.to_hex() });
        }
        Ok((info, Progress::Complete { sha256, size: len }))
    }

    /// The first `n` bytes received (to read the file's type from).
    pub fn head(&self, id: &str, n: usize) -> Result<Vec<u8>, StoreError> {
        let path = self.part(id);
        let mut buf = Vec::with_capacity(n);
        File::open(&path).map_err(io_err(&path))?.take(n as u64).read_to_end(&mut buf).map_err(io_err(&path))?;
        Ok(buf)
    }

    /// Moves a complete upload into the evidence store.
    pub fn finish(
        &self,
        id: &str,
        sha256: Hash,
        size: u64,
        evidence: &EvidenceStore,
    ) -> Result<StoredFile, StoreError> {
        let stored = evidence.adopt(&self.part(id), sha256, size)?;
        self.discard(id);
        Ok(stored)
    }

    /// Forgets an upload and its bytes (refused, or finished).
    pub fn discard(&self, id: &str) {
        if !valid_id(id) {
            return;
        }
        self.hashers.lock().expect("not poisoned").remove(id);
        // Best effort: a leftover partial file is harmless and is named by its id.
        let _ = fs::remove_file(self.part(id));
        let _ = fs::remove_file(self.info_path(id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(size: u64, sha256: Option<String>) -> UploadInfo {
        UploadInfo { size, sha256, file_name: Some("video.mp4".into()), about: vec![], media_type: None, author: None }
    }

    #[test]
    fn an_upload_resumes_after_a_restart_and_ends_with_the_right_hash() {
        let dir = tempfile::tempdir().unwrap();
        let evidence = EvidenceStore::new(dir.path().join("evidence"));
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let declared = hex::encode(Sha256::digest(&data));
        let uploads = Uploads::new(dir.path().join("uploads"));
        let id = uploads.create(&info(data.len() as u64, Some(declared.clone()))).unwrap();
        assert_eq!(uploads.append(&id, 0, &data[..30_000]).unwrap().1, Progress::Partial(30_000));

        // The server restarts: a new `Uploads` knows only the files.
        let uploads = Uploads::new(dir.path().join("uploads"));
        assert_eq!(uploads.status(&id).unwrap().unwrap().1, 30_000);
        let err = uploads.append(&id, 0, &data[..10]).unwrap_err();
        assert_eq!(err.to_string(), "the upload is at byte 30000, not at byte 0");
        assert_eq!(uploads.append(&id, 30_000, &data[30_000..50_000]).unwrap().1, Progress::Partial(50_000));
        let (_, done) = uploads.append(&id, 50_000, &data[50_000..]).unwrap();
        let Progress::Complete { sha256, size } = done else { panic!("{done:?}") };
        assert_eq!(sha256.to_hex(), declared);
        let stored = uploads.finish(&id, sha256, size, &evidence).unwrap();
        evidence.check(&stored.sha256, stored.size).unwrap();
        assert_eq!(uploads.status(&id).unwrap(), None, "a finished upload is gone");
    }

    #[test]
    fn a_wrong_hash_too_many_bytes_and_strange_ids_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let uploads = Uploads::new(dir.path());
        let id = uploads.create(&info(4, Some("00".repeat(32)))).unwrap();
        assert!(matches!(uploads.append(&id, 0, b"12345"), Err(UploadError::TooLong { size: 4 })));
        assert!(matches!(uploads.append(&id, 0, b"1234"), Err(UploadError::HashMismatch { .. })));
        for bad in ["../../etc/passwd", "", &"A".repeat(32)] {
            assert_eq!(uploads.status(bad).unwrap(), None);
            assert!(matches!(uploads.append(bad, 0, b"x"), Err(UploadError::Unknown(_))));
        }
    }
}
