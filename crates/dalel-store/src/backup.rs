//! Encrypted backups of an archive, made while it is in use, checked without restoring them.
//!
//! ```text
//! DIR/backup.json              what this is, in plain: format, archive id, when
//! DIR/manifest.sealed          the archive id, the ledger head, and each part's size and SHA-256
//! DIR/database.sealed          the database, copied in one read transaction (VACUUM INTO)
//! DIR/evidence/000001.sealed   the evidence files the copy's records name, numbered (a file's
//!                              name tells nothing of its content's hash)
//! ```
//!
//! Every part is sealed with the archive's key (`crypt.rs`) under its own name, so a changed,
//! cut or swapped part is detected. A backup is written into `DIR.partial` and renamed to `DIR`
//! when complete: an interrupted backup never looks like a finished one.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use dalel_model::{Hash, Head, Record};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use crate::crypt::{self, Plain, SealError};
use crate::keys::{ArchiveKey, KeyError};
use crate::sqlite::open_change;
use crate::{Archive, Store, StoreError, record_from_change};

const FORMAT: &str = "dalel-backup-1";
const INFO: &str = "backup.json";
const MANIFEST: &str = "manifest.sealed";
const DATABASE: &str = "database.sealed";

/// What can go wrong with a backup.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    /// A part of the backup is missing, changed, or not what the manifest says.
    #[error("{path}: {reason}")]
    Bad { path: String, reason: String },
    #[error("{0} already exists and is not empty")]
    Exists(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io { path: path.display().to_string(), source }
}

fn bad(path: &Path, reason: impl Into<String>) -> BackupError {
    BackupError::Bad { path: path.display().to_string(), reason: reason.into() }
}

/// What a backup holds, as its manifest says (and, once checked, as its parts are).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupReport {
    pub archive_id: String,
    pub created: String,
    pub ledger_seq: Option<u64>,
    pub ledger_head: Option<String>,
    pub evidence_files: usize,
    /// The parts' plain bytes.
    pub bytes: u64,
}

#[derive(Serialize, Deserialize)]
struct Info {
    format: String,
    archive_id: String,
    created: String,
}

#[derive(Serialize, Deserialize)]
struct Manifest {
    format: String,
    archive_id: String,
    created: String,
    ledger_seq: Option<u64>,
    ledger_head: Option<String>,
    database: Part,
    evidence: Vec<Part>,
}

/// A sealed part: its file in the backup, and its plain size and SHA-256.
#[derive(Serialize, Deserialize)]
struct Part {
    file: String,
    size: u64,
    sha256: String,
}

impl Part {
    fn of(file: String, plain: Plain) -> Part {
        Part { file, size: plain.size, sha256: hex::encode(plain.sha256) }
    }
}

impl Manifest {
    fn report(&self) -> BackupReport {
        BackupReport {
            archive_id: self.archive_id.clone(),
            created: self.created.clone(),
            ledger_seq: self.ledger_seq,
            ledger_head: self.ledger_head.clone(),
            evidence_files: self.evidence.len(),
            bytes: self.database.size + self.evidence.iter().map(|p| p.size).sum::<u64>(),
        }
    }
}

fn seal_file(key: &ArchiveKey, label: &str, from: &Path, to: &Path) -> Result<Plain, BackupError> {
    seal_reader(key, label, File::open(from).map_err(io(from))?, to)
}

fn seal_reader(key: &ArchiveKey, label: &str, reader: impl std::io::Read, to: &Path) -> Result<Plain, BackupError> {
    let file = File::create(to).map_err(io(to))?;
    let mut writer = BufWriter::new(file);
    let plain = crypt::seal(key, label, reader, &mut writer).map_err(|e| sealing(to, e))?;
    let file = writer.into_inner().map_err(|e| bad(to, e.to_string()))?;
    file.sync_all().map_err(io(to))?;
    Ok(plain)
}

/// Streams what `produce` writes into what `consume` reads, through a pipe, on two threads: an
/// evidence file goes from the archive into the backup (or back) with no plain copy on disk.
/// The producer's error comes first: the consumer's is then only the broken stream.
fn piped<P: Send, C>(
    produce: impl FnOnce(std::io::PipeWriter) -> Result<P, BackupError> + Send,
    consume: impl FnOnce(std::io::PipeReader) -> Result<C, BackupError>,
) -> Result<(P, C), BackupError> {
    let (reader, writer) = std::io::pipe().map_err(|source| BackupError::Io { path: "a pipe".into(), source })?;
    std::thread::scope(|scope| {
        let producer = scope.spawn(move || produce(writer));
        let consumed = consume(reader);
        let produced = producer.join().unwrap_or_else(|_| Err(bad(Path::new("a pipe"), "its writer stopped")));
        match (produced, consumed) {
            (Ok(p), Ok(c)) => Ok((p, c)),
            (Err(e), _) | (Ok(_), Err(e)) => Err(e),
        }
    })
}

fn sealing(path: &Path, e: SealError) -> BackupError {
    match e {
        SealError::Io(source) => BackupError::Io { path: path.display().to_string(), source },
        other => bad(path, other.to_string()),
    }
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "unknown".into())
}

/// `dir` does not exist, or is an empty directory.
fn vacant(dir: &Path) -> Result<(), BackupError> {
    match fs::read_dir(dir).map(|mut entries| entries.next().is_some()) {
        Ok(true) => Err(BackupError::Exists(dir.display().to_string())),
        Ok(false) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io(dir)(e)),
    }
}

/// Where a backup or a restore is written until it is complete.
fn partial(dir: &Path) -> PathBuf {
    let mut name = dir.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial");
    dir.with_file_name(name)
}

/// Renames the complete `from` to `to` (an empty `to` is replaced) and syncs their directory.
fn finish(from: &Path, to: &Path) -> Result<(), BackupError> {
    if to.is_dir() {
        fs::remove_dir(to).map_err(io(to))?;
    }
    fs::rename(from, to).map_err(io(to))?;
    if let Some(parent) = to.parent().filter(|p| !p.as_os_str().is_empty()) {
        File::open(parent).and_then(|d| d.sync_all()).map_err(io(parent))?;
    }
    Ok(())
}

/// The ledger head and the evidence files' hashes of a database copy, read from the copy.
fn read_copy(copy: &Path, key: &ArchiveKey) -> Result<(Option<Head>, Vec<Hash>), BackupError> {
    let fields = crate::crypt::FieldCipher::new(key);
    let db = |e: rusqlite::Error| bad(copy, e.to_string());
    let conn = rusqlite::Connection::open_with_flags(copy, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(db)?;
    let head = conn
        .query_row("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1", [], |r| {
            let hash: [u8; 32] = r.get(1)?;
            Ok(Head { seq: r.get::<_, i64>(0)? as u64, hash: Hash(hash) })
        })
        .optional()
        .map_err(db)?;
    let mut statement = conn
        .prepare(
            "SELECT r.id, l.seq, l.change FROM records r JOIN ledger l ON l.seq = r.seq WHERE r.kind = 'evidence_file'",
        )
        .map_err(db)?;
    let mut files = Vec::new();
    let mut rows = statement.query([]).map_err(db)?;
    while let Some(row) = rows.next().map_err(db)? {
        let (id, seq): (String, i64) = (row.get(0).map_err(db)?, row.get(1).map_err(db)?);
        let change = open_change(Some(&fields), seq, row.get_ref(2).map_err(db)?).map_err(|e| bad(copy, e))?;
        if let Record::EvidenceFile(f) = record_from_change(&id, &change)? {
            let sha = Hash::from_hex(&f.sha256).ok_or_else(|| bad(copy, format!("record {id}: a bad SHA-256")))?;
            files.push(sha);
        }
    }
    files.sort_by_key(|h| h.0);
    files.dedup();
    Ok((head, files))
}

/// Writes an encrypted backup of `archive` into `to` (which must not exist, or be empty) while
/// the archive stays in use: the database is copied in one read transaction, then the evidence
/// files its records name.
pub async fn backup(archive: &Archive, key: &ArchiveKey, to: &Path) -> Result<BackupReport, BackupError> {
    vacant(to)?;
    let archive_id = archive.store.meta("archive_id").await?.unwrap_or_default();
    if let Some(check) = archive.store.meta("key_check").await? {
        key.check(&check, Path::new("the key given"))?;
    }
    let work = partial(to);
    if work.exists() {
        fs::remove_dir_all(&work).map_err(io(&work))?;
    }
    fs::create_dir_all(work.join("evidence")).map_err(io(&work))?;
    // The plain copy stays inside the archive's own directory, and is removed at once.
    let scratch = tempfile::tempdir_in(&archive.dir).map_err(io(&archive.dir))?;
    let copy = scratch.path().join("copy.sqlite");
    archive.store.copy_to(&copy).await?;
    let (key, evidence, created, target) = (key.clone(), archive.evidence.clone(), now(), to.to_path_buf());
    let manifest = tokio::task::spawn_blocking(move || -> Result<Manifest, BackupError> {
        let (head, files) = read_copy(&copy, &key)?;
        let database = Part::of(DATABASE.into(), seal_file(&key, DATABASE, &copy, &work.join(DATABASE))?);
        drop(scratch);
        let mut parts = Vec::with_capacity(files.len());
        for (i, sha) in files.iter().enumerate() {
            let file = format!("evidence/{:06}.sealed", i + 1);
            let source = evidence.path(sha)?;
            if !source.is_file() {
                return Err(bad(&source, "an evidence file the archive names is missing (run dalel verify)"));
            }
            let (_, plain) = piped(
                |writer| Ok(evidence.read_into(sha, writer)?),
                |reader| seal_reader(&key, &file, reader, &work.join(&file)),
            )?;
            if plain.sha256 != sha.0 {
                return Err(bad(&source, "this evidence file does not hash to its name (run dalel verify)"));
            }
            parts.push(Part::of(file, plain));
        }
        let manifest = Manifest {
            format: FORMAT.into(),
            archive_id: archive_id.clone(),
            created: created.clone(),
            ledger_seq: head.map(|h| h.seq),
            ledger_head: head.map(|h| h.hash.to_hex()),
            database,
            evidence: parts,
        };
        let json = serde_json::to_vec(&manifest).map_err(|e| bad(&work, e.to_string()))?;
        let sealed = work.join(MANIFEST);
        let mut out = File::create(&sealed).map_err(io(&sealed))?;
        crypt::seal(&key, MANIFEST, &json[..], &mut out).map_err(|e| sealing(&sealed, e))?;
        out.sync_all().map_err(io(&sealed))?;
        let info = serde_json::to_vec_pretty(&Info { format: FORMAT.into(), archive_id, created })
            .map_err(|e| bad(&work, e.to_string()))?;
        let info_path = work.join(INFO);
        fs::write(&info_path, info).map_err(io(&info_path))?;
        for dir in [work.join("evidence"), work.clone()] {
            File::open(&dir).and_then(|d| d.sync_all()).map_err(io(&dir))?;
        }
        finish(&work, &target)?;
        Ok(manifest)
    })
    .await
    .map_err(task_failed("backup"))??;
    Ok(manifest.report())
}

/// The archive id a backup says it is of (read from its plain `backup.json`), to find its key.
pub fn backup_archive_id(dir: &Path) -> Result<String, BackupError> {
    let path = dir.join(INFO);
    let text = fs::read(&path).map_err(io(&path))?;
    let info: Info = serde_json::from_slice(&text).map_err(|e| bad(&path, format!("not a dalel backup: {e}")))?;
    if info.format != FORMAT {
        return Err(bad(&path, format!("a backup of format {:?}; this dalel reads {FORMAT}", info.format)));
    }
    Ok(info.archive_id)
}

fn read_manifest(dir: &Path, key: &ArchiveKey) -> Result<Manifest, BackupError> {
    let archive_id = backup_archive_id(dir)?;
    let path = dir.join(MANIFEST);
    let mut json = Vec::new();
    crypt::open(key, MANIFEST, File::open(&path).map_err(io(&path))?, &mut json).map_err(|e| sealing(&path, e))?;
    let manifest: Manifest = serde_json::from_slice(&json).map_err(|e| bad(&path, e.to_string()))?;
    if manifest.archive_id != archive_id {
        return Err(bad(&dir.join(INFO), "names another archive than the manifest does"));
    }
    Ok(manifest)
}

/// Opens the sealed `part` into `writer` and checks it against the manifest.
fn open_part(dir: &Path, key: &ArchiveKey, part: &Part, writer: impl Write) -> Result<Plain, BackupError> {
    let path = dir.join(&part.file);
    let reader = File::open(&path).map_err(|e| bad(&path, format!("cannot be read: {e}")))?;
    let plain = crypt::open(key, &part.file, reader, writer).map_err(|e| sealing(&path, e))?;
    if plain.size != part.size || hex::encode(plain.sha256) != part.sha256 {
        return Err(bad(&path, "is not the part the manifest names"));
    }
    Ok(plain)
}

/// Checks a backup without restoring it: the manifest and every part decrypt under `key` (so
/// none was changed, cut or swapped), each part is the size and hash the manifest says, and no
/// part is missing or extra.
pub fn verify_backup(dir: &Path, key: &ArchiveKey) -> Result<BackupReport, BackupError> {
    Ok(checked_manifest(dir, key)?.report())
}

/// The manifest of a backup checked whole ([`verify_backup`]).
fn checked_manifest(dir: &Path, key: &ArchiveKey) -> Result<Manifest, BackupError> {
    let manifest = read_manifest(dir, key)?;
    open_part(dir, key, &manifest.database, std::io::sink())?;
    for part in &manifest.evidence {
        open_part(dir, key, part, std::io::sink())?;
    }
    let evidence = dir.join("evidence");
    let listed = fs::read_dir(&evidence).map_err(io(&evidence))?.count();
    if listed != manifest.evidence.len() {
        return Err(bad(&evidence, format!("holds {listed} files; the manifest names {}", manifest.evidence.len())));
    }
    Ok(manifest)
}

fn task_failed(what: &str) -> impl FnOnce(tokio::task::JoinError) -> BackupError + '_ {
    move |e| BackupError::Store(StoreError::Refused(format!("the {what} task failed: {e}")))
}

/// Brings a backup back as a new archive in `to` (which must not exist, or be empty), after
/// checking it whole; the archive keeps its id, so its key file is still its key. The database
/// is written first and opened as an archive, which knows whether it is sealed, and the evidence
/// files are put into it as it keeps them.
pub async fn restore(from: &Path, key: &ArchiveKey, to: &Path) -> Result<Archive, BackupError> {
    vacant(to)?;
    let work = partial(to);
    let (from_dir, owned_key, work_dir) = (from.to_path_buf(), key.clone(), work.clone());
    let manifest = tokio::task::spawn_blocking(move || -> Result<Manifest, BackupError> {
        let manifest = checked_manifest(&from_dir, &owned_key)?;
        if work_dir.exists() {
            fs::remove_dir_all(&work_dir).map_err(io(&work_dir))?;
        }
        fs::create_dir_all(&work_dir).map_err(io(&work_dir))?;
        let database = work_dir.join("archive.sqlite");
        let file = File::create(&database).map_err(io(&database))?;
        let mut writer = BufWriter::new(file);
        open_part(&from_dir, &owned_key, &manifest.database, &mut writer)?;
        writer.into_inner().map_err(|e| bad(&database, e.to_string()))?.sync_all().map_err(io(&database))?;
        Ok(manifest)
    })
    .await
    .map_err(task_failed("restore"))??;
    let archive = Archive::open(&work).await?;
    if archive.is_sealed() {
        archive.unlock(key).await?;
    }
    let (from_dir, owned_key, evidence) = (from.to_path_buf(), key.clone(), archive.evidence.clone());
    tokio::task::spawn_blocking(move || -> Result<(), BackupError> {
        for part in &manifest.evidence {
            let (plain, stored) =
                piped(|writer| open_part(&from_dir, &owned_key, part, writer), |reader| Ok(evidence.put(reader)?))?;
            if stored.sha256.0 != plain.sha256 {
                return Err(bad(&from_dir.join(&part.file), "was not stored as it was read"));
            }
        }
        Ok(())
    })
    .await
    .map_err(task_failed("restore"))??;
    archive.store.close().await;
    drop(archive);
    finish(&work, to)?;
    let archive = Archive::open(to).await?;
    if archive.is_sealed() {
        archive.unlock(key).await?;
    }
    Ok(archive)
}
