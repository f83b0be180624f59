//! Encrypted backups: made while the archive is written, checked without restoring, restored
//! whole; a changed byte, a missing or extra part, or the wrong key is found.

use dalel_model::{EvidenceFile, Record, RecordId};
use dalel_store::{ArchiveKey, BackupError, Store, backup, restore, verify_backup};

use crate::{archive, files, person};

/// An archive of `n` people and one evidence file about the first.
async fn filled(n: usize) -> (crate::TestArchive, Vec<u8>) {
    let t = archive().await;
    let bytes: Vec<u8> = b"%PDF-1.4 the verdict of Aidar Serikuly"
        .iter()
        .copied()
        .chain((0..300_000).map(|i| (i % 253) as u8))
        .collect();
    let stored = t.archive.evidence.put(&bytes[..]).unwrap();
    let mut w = t.archive.store.writer("tester").await.unwrap();
    let mut records: Vec<Record> = (0..n).map(|i| person(&format!("p{i}"), &format!("Aidar Serikuly {i}"))).collect();
    records.push(Record::EvidenceFile(EvidenceFile {
        id: RecordId::new("f1").unwrap(),
        external_id: None,
        sha256: stored.sha256.to_hex(),
        size: stored.size,
        media_type: "application/pdf".into(),
        file_name: Some("verdict.pdf".into()),
        about: vec![RecordId::new("p0").unwrap()],
        description: None,
    }));
    w.put(records).await.unwrap();
    w.commit().await.unwrap();
    (t, bytes)
}

#[tokio::test]
async fn a_backup_made_while_writing_restores_the_archive_as_it_was() {
    let (t, pdf) = filled(300).await;
    let key = ArchiveKey::generate().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("backup");

    // A writer goes on while the backup is made; the backup is one moment's state.
    let store = t.archive.store.clone();
    let writing = tokio::spawn(async move {
        for i in 0..20 {
            let mut w = store.writer("tester").await.unwrap();
            w.put(vec![person(&format!("late{i}"), "Gulnar Toktarkyzy")]).await.unwrap();
            w.commit().await.unwrap();
        }
    });
    let report = backup(&t.archive, &key, &to).await.unwrap();
    writing.await.unwrap();
    assert_eq!(report.evidence_files, 1);
    let seq = report.ledger_seq.unwrap();
    assert!((301..=321).contains(&seq), "{seq}");
    assert!(!dir.path().join("backup.partial").exists());

    // Nothing in the backup is readable without the key: no name, no ID number, no file content.
    for (path, bytes) in files(&to) {
        let text = String::from_utf8_lossy(&bytes);
        for secret in ["Aidar", "Serikuly", "65400219700101001X", "the verdict"] {
            assert!(!text.contains(secret), "{secret} in {}", path.display());
        }
        assert!(!bytes.windows(64).any(|w| w == &pdf[100..164]), "the file's bytes in {}", path.display());
    }
    assert_eq!(verify_backup(&to, &key).unwrap(), report);

    let restored_dir = dir.path().join("restored");
    let restored = restore(&to, &key, &restored_dir).await.unwrap();
    assert_eq!(restored.store.head().await.unwrap().unwrap().seq, seq);
    assert_eq!(restored.store.meta("archive_id").await.unwrap(), t.archive.store.meta("archive_id").await.unwrap());
    let stored = restored.store.get(&RecordId::new("f1").unwrap()).await.unwrap().unwrap();
    let Record::EvidenceFile(f) = stored else { panic!() };
    let restored_pdf =
        std::fs::read(restored.evidence.path(&dalel_model::Hash::from_hex(&f.sha256).unwrap()).unwrap()).unwrap();
    assert!(restored_pdf == pdf);
    dalel_store::verify(&restored.store, &restored.evidence, |_| {}).await.unwrap();
    // The same records as the archive had at that entry: those written after it are not there.
    let late = restored.store.count(dalel_model::RecordKind::Person).await.unwrap();
    assert_eq!(late, seq - 1, "{late} people at entry {seq}");

    // A second backup or restore into a directory that holds something is refused.
    assert!(matches!(backup(&t.archive, &key, &to).await, Err(BackupError::Exists(_))));
    assert!(matches!(restore(&to, &key, &restored_dir).await, Err(BackupError::Exists(_))));
}

#[tokio::test]
async fn a_changed_byte_a_missing_part_or_the_wrong_key_is_found() {
    let (t, _) = filled(10).await;
    let key = ArchiveKey::generate().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("backup");
    backup(&t.archive, &key, &to).await.unwrap();

    let wrong = ArchiveKey::generate().unwrap();
    let err = verify_backup(&to, &wrong).unwrap_err().to_string();
    assert!(err.contains("manifest.sealed") && err.contains("the wrong key"), "{err}");

    for (path, bytes) in files(&to) {
        if path.ends_with("backup.json") {
            continue;
        }
        for at in [20, bytes.len() / 2, bytes.len() - 1] {
            let mut changed = bytes.clone();
            changed[at] ^= 0x40;
            std::fs::write(&path, &changed).unwrap();
            let err = verify_backup(&to, &key).unwrap_err().to_string();
            assert!(err.contains(&*path.file_name().unwrap().to_string_lossy()), "{err}");
            let restored = dir.path().join(format!("r{at}"));
            assert!(restore(&to, &key, &restored).await.is_err());
            assert!(!restored.exists(), "nothing is restored from a bad backup");
        }
        std::fs::write(&path, &bytes).unwrap();
    }
    verify_backup(&to, &key).unwrap();

    // Two evidence parts swapped, one missing, one extra.
    let part = to.join("evidence/000001.sealed");
    std::fs::copy(&part, to.join("evidence/000002.sealed")).unwrap();
    assert!(verify_backup(&to, &key).unwrap_err().to_string().contains("holds 2 files; the manifest names 1"));
    std::fs::remove_file(to.join("evidence/000002.sealed")).unwrap();
    let kept = std::fs::read(&part).unwrap();
    std::fs::remove_file(&part).unwrap();
    assert!(verify_backup(&to, &key).unwrap_err().to_string().contains("000001.sealed: cannot be read"));
    std::fs::write(&part, kept).unwrap();
    std::fs::copy(to.join("database.sealed"), &part).unwrap();
    assert!(verify_backup(&to, &key).is_err(), "a part in another's place");
}
