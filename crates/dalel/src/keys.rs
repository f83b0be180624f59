//! Where an archive's key file lives, and making one (the key itself: `dalel_store::ArchiveKey`).
//!
//! The key file is never in the archive: by default it is
//! `$XDG_CONFIG_HOME/dalel/keys/<archive id>.key` (`~/.config/...` when `XDG_CONFIG_HOME` is not
//! set), or wherever `--key-file` / `DALEL_KEY_FILE` says. Every command finds it there, so
//! scripts need no prompt.

use std::path::{Path, PathBuf};

use anyhow::Context;
use dalel_store::{Archive, ArchiveKey, Store};

/// The default place of the key file of the archive `archive_id`.
pub fn default_path(archive_id: &str) -> anyhow::Result<PathBuf> {
    let config = match std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME").context(
            "no home directory to keep the archive's key in: give a place for it with --key-file or DALEL_KEY_FILE",
        )?)
        .join(".config"),
    };
    Ok(config.join("dalel").join("keys").join(format!("{archive_id}.key")))
}

/// Where the key file of `archive_id` is: `key_file` if given, else the default place.
pub fn path(key_file: Option<&Path>, archive_id: &str) -> anyhow::Result<PathBuf> {
    match key_file {
        Some(path) => Ok(path.to_path_buf()),
        None => default_path(archive_id),
    }
}

async fn archive_id(archive: &Archive) -> anyhow::Result<String> {
    archive.store.meta("archive_id").await?.context("the archive has no id (its database is damaged)")
}

/// Gives a keyless archive its key: a new key file (or, with `--key-file` naming one that
/// exists, that key), whose check value the archive keeps. Returns where the key file is and
/// the key, or `None` if the archive had a key already.
pub async fn create(archive: &Archive, key_file: Option<&Path>) -> anyhow::Result<Option<(PathBuf, ArchiveKey)>> {
    if archive.store.meta("key_check").await?.is_some() {
        return Ok(None);
    }
    let id = archive_id(archive).await?;
    let path = path(key_file, &id)?;
    let key = if key_file.is_some() && path.exists() {
        ArchiveKey::read_file(&path)?
    } else {
        let key = ArchiveKey::generate()?;
        key.write_file(&path, &id)?;
        key
    };
    archive.store.set_meta("key_check", &key.check_value()).await?;
    Ok(Some((path, key)))
}

/// Sets up a freshly made archive (`dalel init`, `dalel demo`): its key, announced, and, when it
/// is empty, sealed with it, so that its evidence files are kept encrypted from the first.
pub async fn set_up(archive: Archive, key_file: Option<&Path>) -> anyhow::Result<Archive> {
    let Some((path, key)) = create(&archive, key_file).await? else { return Ok(archive) };
    announce(&path);
    Ok(if archive.is_empty().await? { archive.seal(&key).await? } else { archive })
}

/// Opens the archive at `data`, unlocked with its key when it is sealed (so that every command
/// refuses to work on a sealed archive without its key, the server first of all).
pub async fn open(data: &Path, key_file: Option<&Path>, for_load: bool) -> anyhow::Result<Archive> {
    let archive = if for_load { Archive::open_for_load(data).await? } else { Archive::open(data).await? };
    if archive.is_sealed() {
        let key = load(&archive, key_file).await?;
        archive.unlock(&key).await?;
    }
    Ok(archive)
}

/// The archive's key, read from its key file and checked.
pub async fn load(archive: &Archive, key_file: Option<&Path>) -> anyhow::Result<ArchiveKey> {
    let id = archive_id(archive).await?;
    let path = path(key_file, &id)?;
    let check = archive
        .store
        .meta("key_check")
        .await?
        .context("the archive has no key yet (archives made before keys existed): `dalel backup` makes one")?;
    let key = ArchiveKey::read_file(&path)?;
    key.check(&check, &path)?;
    Ok(key)
}

/// The key of the archive a backup in `dir` is of (named in its `backup.json`), from its key file.
pub fn for_backup(dir: &Path, key_file: Option<&Path>) -> anyhow::Result<ArchiveKey> {
    let id = dalel_store::backup_archive_id(dir)?;
    Ok(ArchiveKey::read_file(&path(key_file, &id)?)?)
}

/// Says where a new key file is and that it must be kept safe.
pub fn announce(path: &Path) {
    println!("the archive's key is in {}", path.display());
    println!(
        "keep a copy of it somewhere safe, apart from the archive and its backups: without it, the backups cannot be read"
    );
}
