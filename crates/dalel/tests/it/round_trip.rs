//! export -> import -> export is identical, for FtM and dalel JSON lines, on generated archives.

use dalel::export::{Audience, export};
use dalel::import::{ImportOptions, import};
use dalel::{Format, demo};
use dalel_store::{Archive, Store};
use proptest::prelude::*;

async fn archive_with(records: Vec<dalel_model::Record>) -> (Archive, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::init(dir.path()).await.unwrap();
    let mut w = archive.store.writer("generator").await.unwrap();
    w.put(records).await.unwrap();
    w.commit().await.unwrap();
    (archive, dir)
}

async fn export_text(store: &dyn Store, format: Format) -> String {
    let mut out = Vec::new();
    export(store, format, Audience::Internal, &mut out, false).await.unwrap();
    String::from_utf8(out).unwrap()
}

async fn round_trip(format: Format, people: usize, seed: u64) {
    let (a, _da) = archive_with(demo::generate(people, seed)).await;
    let first = export_text(&a.store, format).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export");
    std::fs::write(&file, &first).unwrap();
    let b = Archive::init(&dir.path().join("b")).await.unwrap();
    let options = ImportOptions { format, author: "importer".into(), rejects: None, progress: false };
    let report = import(&b.store, std::slice::from_ref(&file), &options).await.unwrap();
    assert_eq!(report.rejected, 0);
    let second = export_text(&b.store, format).await;
    // The header of dalel JSON lines names each archive's own ledger head; the records must match.
    let body =
        |s: &str| if format == Format::Jsonl { s.split_once('\n').unwrap().1.to_string() } else { s.to_string() };
    assert_eq!(body(&first), body(&second));
    if format == Format::Jsonl {
        assert_eq!(a.store.state_digest().await.unwrap(), b.store.state_digest().await.unwrap(), "the same archive");
    }
    // Importing the same file again creates nothing new.
    let again = import(&b.store, &[file], &options).await.unwrap();
    assert_eq!((again.created, again.updated), (0, 0));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]
    #[test]
    fn ftm_round_trip_is_identical(people in 0usize..60, seed in any::<u64>()) {
        tokio::runtime::Runtime::new().unwrap().block_on(round_trip(Format::Ftm, people, seed));
    }

    #[test]
    fn jsonl_round_trip_is_identical(people in 0usize..60, seed in any::<u64>()) {
        tokio::runtime::Runtime::new().unwrap().block_on(round_trip(Format::Jsonl, people, seed));
    }

    #[test]
    fn csv_round_trip_is_identical(people in 0usize..60, seed in any::<u64>()) {
        tokio::runtime::Runtime::new().unwrap().block_on(round_trip(Format::Csv, people, seed));
    }
}
