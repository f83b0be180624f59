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

/// A sealed archive's index is kept between runs as one sealed file: reopened without a rebuild,
/// caught up after writes, built again when the file is damaged or sealed with another key, and
/// never holding a name in plain.
#[tokio::test]
async fn a_sealed_archives_index_is_kept_sealed() {
    let dir = tempfile::tempdir().unwrap();
    let key = dalel_store::ArchiveKey::generate().unwrap();
    let sealed = dalel_store::Archive::init(dir.path()).await.unwrap().seal(&key).await.unwrap();
    let t = crate::TestArchive { archive: sealed, _dir: dir };
    put(&t, vec![person("p1", "Серікжан Біләш"), person("p2", "Гүлнар Тоқтарқызы")]).await;

    let (index, rebuilt) = PersonIndex::open(&t.archive).await.unwrap();
    assert!(rebuilt);
    assert_eq!(best(&index, "Serikzhan Bilash").as_deref(), Some("p1"));
    drop(index);
    let file = PersonIndex::sealed_path(&t.archive);
    let saved = std::fs::read(&file).unwrap();
    for (path, bytes) in crate::files(&t.archive.dir) {
        let text = String::from_utf8_lossy(&bytes);
        for secret in ["Серікжан", "serik", "Гүлнар", "gulnar"] {
            assert!(!text.contains(secret), "{secret} in {}", path.display());
        }
    }

    let (index, rebuilt) = PersonIndex::open(&t.archive).await.unwrap();
    assert!(!rebuilt);
    assert_eq!(index.len(), 2);
    assert_eq!(best(&index, "Gulnar Toktarkyzy").as_deref(), Some("p2"));
    drop(index);
    assert_eq!(std::fs::read(&file).unwrap(), saved, "an index up to date is not written again");

    put(&t, vec![person("p3", "Қайрат Әбенов"), person("p1", "Nurlan Abenov")]).await;
    let (index, rebuilt) = PersonIndex::open(&t.archive).await.unwrap();
    assert!(!rebuilt);
    assert_eq!(index.len(), 3);
    assert_eq!(best(&index, "Kairat Abenov").as_deref(), Some("p3"));
    assert_eq!(best(&index, "Nurlan Abenov").as_deref(), Some("p1"));
    drop(index);
    let (_, rebuilt) = PersonIndex::open(&t.archive).await.unwrap();
    assert!(!rebuilt, "the caught-up index was saved");

    // A damaged file, or one sealed with another key, is not trusted: the index is built again.
    let mut bytes = std::fs::read(&file).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&file, &bytes).unwrap();
    let (index, rebuilt) = PersonIndex::open(&t.archive).await.unwrap();
    assert!(rebuilt);
    assert_eq!(best(&index, "Kairat Abenov").as_deref(), Some("p3"));
    drop(index);
    let other = dalel_store::ArchiveKey::generate().unwrap();
    let mut foreign = Vec::new();
    dalel_store::crypt::seal(&other, "name-index", &std::fs::read(&file).unwrap()[..], &mut foreign).unwrap();
    std::fs::write(&file, foreign).unwrap();
    let (_, rebuilt) = PersonIndex::open(&t.archive).await.unwrap();
    assert!(rebuilt);
}

#[tokio::test]
async fn a_small_archives_index_is_one_segment() {
    let t = archive().await;
    // Enough people that the writer's threads each make a segment.
    let surname = |i: usize| {
        format!(
            "{}{}{}ov",
            ["B", "D", "K", "M", "S", "T"][i % 6],
            ["a", "e", "u"][i / 6 % 3],
            ["k", "l", "r", "t", "z"][i / 18 % 5]
        )
    };
    let people: Vec<_> = (0..3000)
        .map(|i| person(&format!("p{i}"), &format!("{} {}", ["Nurlan", "Aidar", "Gulnar"][i / 90 % 3], surname(i))))
        .collect();
    put(&t, people).await;
    let (index, rebuilt) = PersonIndex::open(&t.archive).await.unwrap();
    assert!(rebuilt);
    assert_eq!(index.len(), 3000);
    assert_eq!(index.segments(), 1);
    let found = index.search("Нұрлан Базов", 3).unwrap();
    assert_eq!(found[0].name, "Nurlan Bazov", "{found:?}");
}
