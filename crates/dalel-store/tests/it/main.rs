//! The store's contract: every backend must pass these. They run against real SQLite files.

mod backup;
mod contract;
mod name_index;
mod sealed;
mod tamper;

use dalel_model::{IdentityNumber, Name, NameKind, Person, Record, RecordId};
use dalel_store::Archive;

pub fn person(id: &str, name: &str) -> Record {
    Record::Person(Person {
        external_id: Some(format!("ext-{id}")),
        ethnicity: Some("Kazakh".into()),
        birth_date: Some("1970~".parse().unwrap()),
        identity_numbers: vec![IdentityNumber::guess("65400219700101001X")],
        ..Person::new(RecordId::new(id).unwrap(), vec![Name::new(name, NameKind::Full)])
    })
}

pub struct TestArchive {
    pub archive: Archive,
    _dir: tempfile::TempDir,
}

pub async fn archive() -> TestArchive {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::init(dir.path()).await.unwrap();
    TestArchive { archive, _dir: dir }
}

/// Every file under `dir`, with its bytes (to look for what must not be there in plain).
pub fn files(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            match std::fs::read(&path) {
                Ok(bytes) => out.push((path, bytes)),
                // A file gone between the listing and the reading (SQLite removes its -wal and
                // -shm files as the last connection closes) held nothing to find.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => panic!("{}: {e}", path.display()),
            }
        }
    }
    out
}
