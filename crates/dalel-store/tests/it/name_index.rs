//! The name index follows the ledger: built when missing, caught up after writes, rebuilt when
//! it does not belong to this ledger.

use dalel_store::{PersonIndex, Store};

use crate::{archive, person};

async fn put(t: &crate::TestArchive, records: Vec<dalel_model::Record>) {
    let mut w = t.archive.store.writer("tester").await.unwrap();
    w.put(records).await.unwrap();
    w.commit().await.unwrap();
}

fn best(index: &PersonIndex, query: &str) -> Option<String> {
    index.search(query, 5).unwrap().first().map(|f| f.person.id.to_string())
}

#[tokio::test]
async fn the_index_is_built_caught_up_and_rebuilt() {
    let t = archive().await;
    put(&t, vec![person("p1", "Серікжан Біләш"), person("p2", "Гүлнар Тоқтарқызы")]).await;

    let (index, rebuilt) = PersonIndex::open(&t.archive).await.unwrap();
    assert!(rebuilt);
    assert_eq!(index.len(), 2);
    assert_eq!(best(&index, "Serikzhan Bilash").as_deref(), Some("p1"));
    let found = index.search("Gulnar Toktarkyzy", 1).unwrap();
    assert_eq!(found[0].person.external_id.as_deref(), Some("ext-p2"));
    assert_eq!(found[0].name, "Гүлнар Тоқтарқызы");
    drop(index);

    // New people and a renamed one are applied without a rebuild.
    put(&t, vec![person("p3", "Қайрат Әбенов"), person("p1", "Nurlan Abenov")]).await;
    let (index, rebuilt) = PersonIndex::open(&t.archive).await.unwrap();
    assert!(!rebuilt);
    assert_eq!(index.len(), 3);
    assert_eq!(best(&index, "Kairat Abenov").as_deref(), Some("p3"));
    assert_eq!(best(&index, "Nurlan Abenov").as_deref(), Some("p1"));
    assert!(index.search("Serikzhan Bilash", 5).unwrap().iter().all(|f| f.person.id.as_str() != "p1"));
    drop(index);

    // An index from another archive's ledger is not trusted.
    let other = archive().await;
    put(&other, vec![person("q1", "Aidar Serikov")]).await;
    PersonIndex::open(&other.archive).await.unwrap();
    let mine = PersonIndex::path(&t.archive);
    std::fs::remove_dir_all(&mine).unwrap();
    std::fs::rename(PersonIndex::path(&other.archive), &mine).unwrap();
    let (index, rebuilt) = PersonIndex::open(&t.archive).await.unwrap();
    assert!(rebuilt);
    assert_eq!(index.len(), 3);
    assert!(index.search("Aidar Serikov", 5).unwrap().iter().all(|f| f.person.id.as_str() != "q1"));

    drop(index);

    // An index whose terms an older dalel made (its payload says so, or says nothing of them,
    // as before terms had versions) is rebuilt with today's terms.
    let meta = PersonIndex::path(&t.archive).join("meta.json");
    let text = std::fs::read_to_string(&meta).unwrap();
    let version = format!("terms-{} ", dalel_names::TERMS_VERSION);
    assert!(text.contains(&version), "{text}");
    std::fs::write(&meta, text.replace(&version, "")).unwrap();
    let (index, rebuilt) = PersonIndex::open(&t.archive).await.unwrap();
    assert!(rebuilt);
    assert_eq!(best(&index, "Kairat Abenov").as_deref(), Some("p3"));
    let (_, rebuilt) = PersonIndex::open(&t.archive).await.unwrap();
    assert!(!rebuilt);

    let memory = PersonIndex::in_memory(&t.archive.store).await.unwrap();
    assert_eq!(memory.len(), 3);
    assert!(memory.search("", 5).unwrap().is_empty());
    assert_eq!(t.archive.store.count(dalel_model::RecordKind::Person).await.unwrap(), 3);
}
