//! A sealed archive keeps its evidence files encrypted: none of a file's bytes, nor its hash,
//! can be read from the directory without the key, and nothing is done with them without it.

use dalel_model::{EvidenceFile, Record, RecordId, RecordKind};
use dalel_store::{Archive, ArchiveKey, Store, StoreError, backup, restore, verify};

use crate::files;

fn pdf() -> Vec<u8> {
    b"%PDF-1.4 the verdict of Aidar Serikuly, 65400219700101001X"
        .iter()
        .copied()
        .chain((0..200_000).map(|i| (i % 249) as u8))
        .collect()
}

async fn sealed_with_a_file(dir: &std::path::Path, key: &ArchiveKey) -> (Archive, dalel_store::StoredFile) {
    let archive = Archive::init(dir).await.unwrap().seal(key).await.unwrap();
    assert!(archive.is_sealed());
    let stored = archive.evidence.put(&pdf()[..]).unwrap();
    let mut w = archive.store.writer("tester").await.unwrap();
    w.put(vec![Record::EvidenceFile(EvidenceFile {
        id: RecordId::new("f1").unwrap(),
        external_id: None,
        sha256: stored.sha256.to_hex(),
        size: stored.size,
        media_type: "application/pdf".into(),
        file_name: None,
        about: vec![],
        description: None,
    })])
    .await
    .unwrap();
    w.commit().await.unwrap();
    (archive, stored)
}

#[tokio::test]
async fn a_sealed_archives_files_reveal_nothing_and_need_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let key = ArchiveKey::generate().unwrap();
    let (archive, stored) = sealed_with_a_file(dir.path(), &key).await;
    let pdf = pdf();
    let evidence = dir.path().join("evidence");
    for (path, bytes) in files(&evidence) {
        assert!(!bytes.windows(32).any(|w| w == &pdf[..32] || w == &pdf[1000..1032]), "{}", path.display());
        assert!(
            !path.to_string_lossy().contains(&stored.sha256.to_hex()),
            "the name tells the hash: {}",
            path.display()
        );
    }
    verify(&archive.store, &archive.evidence, |_| {}).await.unwrap();
    let mut back = Vec::new();
    assert_eq!(archive.evidence.read_into(&stored.sha256, &mut back).unwrap(), stored);
    assert!(back == pdf);

    // Opened again, it is sealed and locked until its key is given, and only its own key.
    let reopened = Archive::open(dir.path()).await.unwrap();
    assert!(reopened.is_sealed());
    assert!(matches!(reopened.evidence.put(&b"x"[..]), Err(StoreError::Locked)));
    assert!(verify(&reopened.store, &reopened.evidence, |_| {}).await.is_err());
    assert!(matches!(reopened.unlock(&ArchiveKey::generate().unwrap()).await, Err(StoreError::WrongKey)));
    reopened.unlock(&key).await.unwrap();
    verify(&reopened.store, &reopened.evidence, |_| {}).await.unwrap();

    // A sealed file put in another's place is found.
    let other = reopened.evidence.put(&b"another file"[..]).unwrap();
    let (a, b) = (reopened.evidence.path(&stored.sha256).unwrap(), reopened.evidence.path(&other.sha256).unwrap());
    std::fs::copy(&b, &a).unwrap();
    assert!(verify(&reopened.store, &reopened.evidence, |_| {}).await.is_err());

    // Only a new, empty archive is sealed.
    let plain_dir = tempfile::tempdir().unwrap();
    let plain = Archive::init(plain_dir.path()).await.unwrap();
    plain.evidence.put(&b"x"[..]).unwrap();
    assert!(plain.seal(&key).await.is_err());
}

#[tokio::test]
async fn a_sealed_archive_is_backed_up_and_restored_sealed() {
    let dir = tempfile::tempdir().unwrap();
    let key = ArchiveKey::generate().unwrap();
    let (archive, stored) = sealed_with_a_file(&dir.path().join("a"), &key).await;
    let to = dir.path().join("backup");
    assert_eq!(backup(&archive, &key, &to).await.unwrap().evidence_files, 1);
    let restored = restore(&to, &key, &dir.path().join("b")).await.unwrap();
    assert!(restored.is_sealed());
    verify(&restored.store, &restored.evidence, |_| {}).await.unwrap();
    let pdf = pdf();
    for (path, bytes) in files(&dir.path().join("b/evidence")) {
        assert!(!bytes.windows(32).any(|w| w == &pdf[..32]), "{}", path.display());
    }
    let mut back = Vec::new();
    restored.evidence.read_into(&stored.sha256, &mut back).unwrap();
    assert!(back == pdf);
    assert_eq!(restored.store.meta("key_check").await.unwrap(), Some(key.check_value()));
}

/// The records of a sealed archive: every read and write works as in a plain one (rebuild and
/// verify included), yet no file of the archive holds a name or an ID number in plain, and
/// without the key nothing is read or written.
#[tokio::test]
async fn a_sealed_archives_database_holds_no_name_or_number_in_plain() {
    let dir = tempfile::tempdir().unwrap();
    let key = ArchiveKey::generate().unwrap();
    let archive = Archive::init(dir.path()).await.unwrap().seal(&key).await.unwrap();
    let names = ["Qudaibergen Zhylqyaidarov", "Бақытгүл Сейітқызы", "赛力克江·比拉什"];
    let mut w = archive.store.writer("tester").await.unwrap();
    w.put(names.iter().enumerate().map(|(i, n)| crate::person(&format!("p{i}"), n)).collect()).await.unwrap();
    w.commit().await.unwrap();
    // A second state of one, so that history holds a sealed entry too.
    let mut w = archive.store.writer("tester").await.unwrap();
    w.put(vec![crate::person("p0", "Qudaibergen Zhylqyaidarov Jr")]).await.unwrap();
    w.commit().await.unwrap();

    let store: &dyn Store = &archive.store;
    let listed = store.snapshot().await.unwrap().list(RecordKind::Person, None, 10).await.unwrap();
    let listed: Vec<&str> =
        listed.iter().map(|r| if let Record::Person(p) = r { p.names[0].text.as_str() } else { "?" }).collect();
    assert_eq!(listed, ["Qudaibergen Zhylqyaidarov Jr", names[1], names[2]]);
    let Some(Record::Person(p)) = store.get(&RecordId::new("p0").unwrap()).await.unwrap() else { panic!() };
    assert_eq!(p.names[0].text, "Qudaibergen Zhylqyaidarov Jr");
    assert_eq!(store.history(&RecordId::new("p0").unwrap()).await.unwrap().len(), 2);
    assert_eq!(store.find_external(RecordKind::Person, "ext-p1").await.unwrap().unwrap().id().as_str(), "p1");
    let digest = store.state_digest().await.unwrap();
    assert_eq!(store.rebuild().await.unwrap(), 4);
    assert_eq!(store.state_digest().await.unwrap(), digest);
    assert_eq!(store.first_derived_mismatch().await.unwrap(), None);
    verify(&archive.store, &archive.evidence, |_| {}).await.unwrap();
    let served = dalel_store::PersonIndex::for_server(&archive).await.unwrap();
    assert_eq!(served.search("Серікжан Біләш", 3).unwrap()[0].person.id.as_str(), "p2");
    let (index, rebuilt) = dalel_store::PersonIndex::open(&archive).await.unwrap();
    assert!(!rebuilt, "the server's index was kept sealed, and is read back");
    assert_eq!(index.search("Серікжан Біләш", 3).unwrap()[0].person.id.as_str(), "p2");
    assert!(
        !dalel_store::PersonIndex::path(&archive).exists(),
        "a sealed archive's name index is not written in plain"
    );
    assert!(dalel_store::PersonIndex::sealed_path(&archive).exists(), "it is kept sealed (checked below)");

    archive.store.close().await;
    for (path, bytes) in files(dir.path()) {
        let text = String::from_utf8_lossy(&bytes);
        for secret in ["Qudaibergen", "Zhylqyaidarov", "Бақытгүл", "比拉什", "65400219700101001X"] {
            assert!(!text.contains(secret), "{secret} in {}", path.display());
        }
    }

    // Without the key: nothing read, nothing written.
    let locked = Archive::open(dir.path()).await.unwrap();
    assert!(locked.store.get(&RecordId::new("p0").unwrap()).await.is_err());
    let mut snapshot = locked.store.snapshot().await.unwrap();
    assert!(matches!(snapshot.list(RecordKind::Person, None, 10).await, Err(StoreError::Locked)));
    assert!(matches!(snapshot.scan(RecordKind::Person, 0, 10).await, Err(StoreError::Locked)));
    drop(snapshot);
    assert!(matches!(locked.store.list(RecordKind::Person, None, 10).await, Err(StoreError::Locked)));
    assert!(matches!(locked.store.writer("tester").await, Err(StoreError::Locked)));
    assert!(verify(&locked.store, &locked.evidence, |_| {}).await.is_err());
    locked.unlock(&key).await.unwrap();
    assert!(locked.store.get(&RecordId::new("p0").unwrap()).await.unwrap().is_some());
}
