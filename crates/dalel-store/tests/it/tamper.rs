//! Changing one byte of the ledger, of the derived tables or of an evidence file makes `verify`
//! fail and name it.

use dalel_model::{EvidenceFile, Record, RecordId};
use dalel_store::{Store, VerifyError, verify};
use sqlx::sqlite::SqlitePoolOptions;

use crate::{archive, person};

async fn raw_sql(dir: &std::path::Path, sql: &str) {
    let url = format!("sqlite://{}", dir.join("archive.sqlite").display());
    let pool = SqlitePoolOptions::new().connect(&url).await.unwrap();
    sqlx::query(sql).execute(&pool).await.unwrap();
    pool.close().await;
}

async fn filled() -> crate::TestArchive {
    let t = archive().await;
    let stored = t.archive.evidence.put(&b"court verdict, page 1"[..]).unwrap();
    let mut w = t.archive.store.writer("tester").await.unwrap();
    let mut records: Vec<Record> = (0..5).map(|i| person(&format!("p{i}"), &format!("Name {i}"))).collect();
    records.push(Record::EvidenceFile(EvidenceFile {
        id: RecordId::new("f1").unwrap(),
        external_id: None,
        sha256: stored.sha256.to_hex(),
        size: stored.size,
        media_type: "text/plain".into(),
        file_name: Some("verdict.txt".into()),
        about: vec![RecordId::new("p1").unwrap()],
        description: None,
    }));
    w.put(records).await.unwrap();
    w.commit().await.unwrap();
    t
}

#[tokio::test]
async fn an_intact_archive_verifies() {
    let t = filled().await;
    let report = verify(&t.archive.store, &t.archive.evidence, |_| {}).await.unwrap();
    assert_eq!(report.entries, 6);
    assert_eq!(report.evidence_files, 1);
    assert_eq!(report.head, t.archive.store.head().await.unwrap());
}

#[tokio::test]
async fn one_changed_byte_in_the_ledger_is_named() {
    let t = filled().await;
    raw_sql(&t.archive.dir, "UPDATE ledger SET change = replace(change, 'Name 3', 'Name 8') WHERE seq = 4").await;
    let err = verify(&t.archive.store, &t.archive.evidence, |_| {}).await.unwrap_err();
    assert_eq!(err.to_string(), "ledger entry 4: its hash does not match its contents");
}

#[tokio::test]
async fn a_changed_derived_row_is_named_and_rebuild_repairs_it() {
    let t = filled().await;
    raw_sql(&t.archive.dir, "UPDATE records SET seq = 2 WHERE id = 'p2'").await;
    let err = verify(&t.archive.store, &t.archive.evidence, |_| {}).await.unwrap_err();
    assert!(matches!(&err, VerifyError::Derived(id) if id.as_str() == "p2"), "{err}");
    t.archive.store.rebuild().await.unwrap();
    verify(&t.archive.store, &t.archive.evidence, |_| {}).await.unwrap();
}

#[tokio::test]
async fn a_changed_external_id_or_a_missing_row_is_named() {
    let t = filled().await;
    raw_sql(&t.archive.dir, "UPDATE records SET external_id = 'x' WHERE id = 'p1'").await;
    let err = verify(&t.archive.store, &t.archive.evidence, |_| {}).await.unwrap_err();
    assert!(matches!(&err, VerifyError::Derived(id) if id.as_str() == "p1"), "{err}");
    t.archive.store.rebuild().await.unwrap();
    raw_sql(&t.archive.dir, "DELETE FROM records WHERE id = 'p4'").await;
    let err = verify(&t.archive.store, &t.archive.evidence, |_| {}).await.unwrap_err();
    assert!(matches!(&err, VerifyError::Derived(id) if id.as_str() == "p4"), "{err}");
}

#[tokio::test]
async fn a_missing_or_wrong_history_row_is_named_and_rebuild_repairs_it() {
    let t = filled().await;
    // p3's first state (entry 4) becomes history; its current state is entry 7.
    let mut w = t.archive.store.writer("tester").await.unwrap();
    w.put(vec![person("p3", "Name 3, corrected")]).await.unwrap();
    w.commit().await.unwrap();
    for (sql, named) in [
        ("DELETE FROM history WHERE record_id = 'p3'", "p3"),
        ("INSERT INTO history (record_id, seq) VALUES ('p0', 4)", "p0"),
        ("INSERT INTO history (record_id, seq) VALUES ('p4', 5)", "p4"),
        ("UPDATE history SET record_id = 'p2' WHERE record_id = 'p3'", "p2"),
        ("UPDATE records SET seq = 4 WHERE id = 'p3'", "p3"),
    ] {
        raw_sql(&t.archive.dir, sql).await;
        let err = verify(&t.archive.store, &t.archive.evidence, |_| {}).await.unwrap_err();
        assert!(matches!(&err, VerifyError::Derived(id) if id.as_str() == named), "{sql}: {err}");
        t.archive.store.rebuild().await.unwrap();
        verify(&t.archive.store, &t.archive.evidence, |_| {}).await.unwrap();
    }
    assert_eq!(t.archive.store.history(&RecordId::new("p2").unwrap()).await.unwrap().len(), 1);
    let p3: Vec<u64> =
        t.archive.store.history(&RecordId::new("p3").unwrap()).await.unwrap().iter().map(|e| e.seq).collect();
    assert_eq!(p3, [4, 7]);
}

#[tokio::test]
async fn one_changed_byte_in_an_evidence_file_is_named() {
    let t = filled().await;
    let Record::EvidenceFile(file) = t.archive.store.get(&RecordId::new("f1").unwrap()).await.unwrap().unwrap() else {
        unreachable!()
    };
    let path = t.archive.evidence.path(&dalel_model::Hash::from_hex(&file.sha256).unwrap()).unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[3] ^= 0x20;
    std::fs::write(&path, bytes).unwrap();
    let err = verify(&t.archive.store, &t.archive.evidence, |_| {}).await.unwrap_err().to_string();
    assert!(err.starts_with(&format!("evidence file f1 ({}): ", file.sha256)), "{err}");
    assert!(err.contains("content hashes to"), "{err}");
}

#[tokio::test]
async fn a_missing_evidence_file_is_named() {
    let t = filled().await;
    std::fs::remove_dir_all(t.archive.dir.join("evidence")).unwrap();
    let err = verify(&t.archive.store, &t.archive.evidence, |_| {}).await.unwrap_err().to_string();
    assert!(err.starts_with("evidence file f1 (") && err.contains("No such file"), "{err}");
}

/// A scan reads each record's state from its ledger entry: an entry gone, or one that does not
/// read as a change, names the record it held (as the derived table does) instead of passing
/// over it.
#[tokio::test]
async fn a_scan_names_the_record_whose_ledger_entry_is_missing_or_damaged() {
    use dalel_model::RecordKind;
    use dalel_store::StoreError;
    let t = filled().await;
    let mut snapshot = t.archive.store.snapshot().await.unwrap();
    let read: Vec<String> = snapshot
        .scan(RecordKind::Person, 0, 10)
        .await
        .unwrap()
        .iter()
        .map(|(_, r)| r.id().as_str().to_string())
        .collect();
    assert_eq!(read, ["p0", "p1", "p2", "p3", "p4"]);
    drop(snapshot);
    raw_sql(&t.archive.dir, "DELETE FROM ledger WHERE seq = 3").await;
    let mut snapshot = t.archive.store.snapshot().await.unwrap();
    let err = snapshot.scan(RecordKind::Person, 0, 10).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Corrupt { id, reason } if id == "p2" && reason == "its ledger entry 3 is missing"),
        "{err}"
    );
    drop(snapshot);
    raw_sql(&t.archive.dir, "UPDATE ledger SET change = 'not a change' WHERE seq = 5").await;
    let mut snapshot = t.archive.store.snapshot().await.unwrap();
    let err = snapshot.scan(RecordKind::Person, 3, 10).await.unwrap_err();
    assert!(matches!(&err, StoreError::Corrupt { id, .. } if id == "p4"), "{err}");
}
