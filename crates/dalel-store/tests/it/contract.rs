use dalel_model::Verdict;
use dalel_model::{
    Decision, Episode, EpisodeKind, Record, RecordId, RecordKind, Review, ReviewState, Testifier, Testimony,
};
use dalel_store::{PutOutcome, Store};
use proptest::prelude::*;

use crate::{archive, person};

fn id(s: &str) -> RecordId {
    RecordId::new(s).unwrap()
}

fn episode(eid: &str, person: &str) -> Record {
    Record::Episode(Episode {
        id: id(eid),
        external_id: None,
        kind: EpisodeKind::Detention,
        persons: vec![id(person)],
        sources: vec![],
        detention: None,
        place: None,
        place_text: Some("Ghulja".into()),
        start: Some("2018-03".parse().unwrap()),
        end: None,
        charges: vec![],
        term: None,
        outcome: None,
        status: None,
        reliability: None,
        notes: None,
    })
}

async fn put(store: &dyn Store, records: Vec<Record>) -> Vec<PutOutcome> {
    let mut w = store.writer("tester").await.unwrap();
    let out = w.put(records).await.unwrap();
    w.commit().await.unwrap();
    out
}

#[tokio::test]
async fn puts_are_ledgered_and_readable() {
    let t = archive().await;
    let store: &dyn Store = &t.archive.store;
    assert_eq!(store.head().await.unwrap(), None);
    let out = put(store, vec![person("a", "Серік"), person("b", "Aigul"), episode("e1", "a")]).await;
    assert_eq!(out, [PutOutcome::Created; 3]);
    assert_eq!(store.head().await.unwrap().unwrap().seq, 3);
    assert_eq!(store.get(&id("a")).await.unwrap(), Some(person("a", "Серік")));
    assert_eq!(store.find_external(RecordKind::Person, "ext-b").await.unwrap(), Some(person("b", "Aigul")));
    assert_eq!(store.count(RecordKind::Person).await.unwrap(), 2);
    let page = store.list(RecordKind::Person, Some(&id("a")), 10).await.unwrap();
    assert_eq!(page, vec![person("b", "Aigul")]);
    assert_eq!(store.referring_to(&id("a")).await.unwrap(), vec![episode("e1", "a")]);
}

#[tokio::test]
async fn putting_the_same_state_writes_nothing_and_updates_keep_history() {
    let t = archive().await;
    let store: &dyn Store = &t.archive.store;
    put(store, vec![person("a", "Серік")]).await;
    assert_eq!(put(store, vec![person("a", "Серік")]).await, [PutOutcome::Unchanged]);
    assert_eq!(store.head().await.unwrap().unwrap().seq, 1);
    assert_eq!(put(store, vec![person("a", "Serik")]).await, [PutOutcome::Updated]);
    let history = store.history(&id("a")).await.unwrap();
    assert_eq!(history.len(), 2);
    assert!(history[0].change.contains("Серік") && history[1].change.contains("Serik"));
    assert_eq!(store.get(&id("a")).await.unwrap(), Some(person("a", "Serik")));
}

#[tokio::test]
async fn a_dropped_writer_writes_nothing() {
    let t = archive().await;
    let store: &dyn Store = &t.archive.store;
    {
        let mut w = store.writer("tester").await.unwrap();
        w.put(vec![person("a", "Серік")]).await.unwrap();
    }
    assert_eq!(store.head().await.unwrap(), None);
    assert_eq!(store.get(&id("a")).await.unwrap(), None);
}

#[tokio::test]
async fn a_record_cannot_change_kind_and_external_ids_are_unique() {
    let t = archive().await;
    let store: &dyn Store = &t.archive.store;
    put(store, vec![person("a", "Серік")]).await;
    let mut w = store.writer("tester").await.unwrap();
    let err = w.put(vec![episode("a", "a")]).await.unwrap_err().to_string();
    assert_eq!(err, "record a is a person; it cannot become a episode");
    drop(w);
    let Record::Person(mut twin) = person("b", "Other") else { unreachable!() };
    twin.external_id = Some("ext-a".into());
    // The put or, since derived rows are written at the end, the commit refuses it.
    let mut w = store.writer("tester").await.unwrap();
    let err = match w.put(vec![Record::Person(twin)]).await {
        Err(e) => e,
        Ok(_) => w.commit().await.unwrap_err(),
    };
    assert!(err.to_string().contains("claim the same external id"), "{err}");
    assert_eq!(store.head().await.unwrap().unwrap().seq, 1);
}

/// A load as large as an import (where SQLite builds its indexes after the rows) names the
/// external id two of its records claim, and writes nothing.
#[tokio::test]
async fn a_large_load_names_the_external_id_claimed_twice() {
    let t = archive().await;
    let store: &dyn Store = &t.archive.store;
    let mut records: Vec<Record> = (0..12_000).map(|i| person(&format!("p{i}"), "Нұрлан")).collect();
    if let Record::Person(twin) = &mut records[11_000] {
        twin.external_id = Some("ext-p5000".into());
    }
    let mut w = store.loader("tester").await.unwrap();
    let err = match w.put(records).await {
        Err(e) => e,
        Ok(_) => w.commit().await.unwrap_err(),
    };
    assert_eq!(err.to_string(), r#"two records of one kind (person) claim the same external id "ext-p5000""#);
    assert_eq!(store.head().await.unwrap(), None);
    put(store, vec![person("a", "Серік")]).await;
    assert_eq!(store.count(RecordKind::Person).await.unwrap(), 1);
}

#[tokio::test]
async fn a_record_put_twice_in_one_batch_keeps_the_last_state() {
    let t = archive().await;
    let store: &dyn Store = &t.archive.store;
    let out = put(store, vec![person("a", "One"), person("a", "Two"), person("a", "Two")]).await;
    assert_eq!(out, [PutOutcome::Created, PutOutcome::Updated, PutOutcome::Unchanged]);
    assert_eq!(store.get(&id("a")).await.unwrap(), Some(person("a", "Two")));
    assert_eq!(store.first_derived_mismatch().await.unwrap(), None);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Whatever sequence of puts, `rebuild` reaches the same derived state.
    #[test]
    fn rebuild_reproduces_the_state(ops in prop::collection::vec((0u8..12, 0u8..4, 1usize..4), 1..25)) {
        tokio::runtime::Runtime::new().unwrap().block_on(async {
            let t = archive().await;
            let store: &dyn Store = &t.archive.store;
            for (who, name, batch) in &ops {
                let records = (0..*batch)
                    .map(|i| {
                        let pid = format!("p{}", (*who as usize + i) % 12);
                        if i == 2 { episode(&format!("e{who}"), &pid) } else { person(&pid, &format!("Name {name}")) }
                    })
                    .collect();
                put(store, records).await;
            }
            let before = store.state_digest().await.unwrap();
            let replayed = store.rebuild().await.unwrap();
            assert_eq!(replayed, store.head().await.unwrap().map_or(0, |h| h.seq));
            assert_eq!(store.state_digest().await.unwrap(), before);
            assert_eq!(store.first_derived_mismatch().await.unwrap(), None);
        });
    }
}

#[tokio::test]
async fn a_snapshot_does_not_see_later_writes() {
    let t = archive().await;
    let store = &t.archive.store;
    let mut w = store.writer("tester").await.unwrap();
    w.put(vec![person("s1", "Aidar Serikov")]).await.unwrap();
    let first = w.commit().await.unwrap();

    let mut snapshot = store.snapshot().await.unwrap();
    assert_eq!(snapshot.head().await.unwrap(), first);
    let mut w = store.writer("tester").await.unwrap();
    w.put(vec![person("s2", "Gulnar Tursun"), person("s1", "Aidar Serikuly")]).await.unwrap();
    let second = w.commit().await.unwrap();
    assert_ne!(first, second);

    assert_eq!(snapshot.head().await.unwrap(), first);
    assert_eq!(snapshot.count(RecordKind::Person).await.unwrap(), 1);
    let listed = snapshot.list(RecordKind::Person, None, 10).await.unwrap();
    assert_eq!(listed, vec![person("s1", "Aidar Serikov")]);
    let s1 = RecordId::new("s1").unwrap();
    assert_eq!(snapshot.external_ids(std::slice::from_ref(&s1)).await.unwrap()[&s1], "ext-s1");
    assert_eq!(store.count(RecordKind::Person).await.unwrap(), 2, "the store itself sees the new state");
}

/// Writes five people in one commit, in the order p0, p3, p1, p4, p2 (the i-th name as
/// p(3i mod 5)), so that the order they were written is not their ids'.
async fn put_five_people(store: &dyn Store) {
    let mut w = store.writer("tester").await.unwrap();
    let names = ["Aidar Serikov", "Gulnar Tursun", "Бақытгүл Сейітқызы", "赛力克江·比拉什", "Erlan Bekov"];
    w.put(names.iter().enumerate().map(|(i, n)| person(&format!("p{}", (i * 3) % 5), n)).collect()).await.unwrap();
    w.commit().await.unwrap();
}

/// A snapshot lists the records of one kind a page at a time, in id order, each page after
/// the last id of the one before.
#[tokio::test]
async fn a_snapshot_lists_a_kind_a_page_at_a_time() {
    let t = archive().await;
    let store = &t.archive.store;
    put_five_people(store).await;

    let mut snapshot = store.snapshot().await.unwrap();
    let (mut pages, mut after) = (Vec::new(), None);
    loop {
        let page = snapshot.list(RecordKind::Person, after.as_ref(), 2).await.unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.id().clone());
        pages.push(page.iter().map(|r| r.id().as_str().to_string()).collect::<Vec<_>>());
    }
    assert_eq!(pages, [vec!["p0", "p1"], vec!["p2", "p3"], vec!["p4"]]);
    let Record::Person(p3) =
        &snapshot.list(RecordKind::Person, Some(&RecordId::new("p2").unwrap()), 1).await.unwrap()[0]
    else {
        panic!("a person record")
    };
    assert_eq!(p3.names[0].text, "Gulnar Tursun", "the second name put, as p3 (1 × 3 mod 5)");
    assert!(snapshot.list(RecordKind::Testimony, None, 2).await.unwrap().is_empty());
}

/// A snapshot scans a kind in the order its records' states were written, a page at a time,
/// each page after the last entry of the one before: a record written again comes last, in its
/// new state, and the state it replaced is not read.
#[tokio::test]
async fn a_snapshot_scans_a_kind_in_the_order_it_was_written() {
    let t = archive().await;
    let store = &t.archive.store;
    put_five_people(store).await;
    let mut w = store.writer("tester").await.unwrap();
    w.put(vec![person("p3", "Aidar Serikuly")]).await.unwrap();
    let head = w.commit().await.unwrap().unwrap();

    let mut snapshot = store.snapshot().await.unwrap();
    let (mut pages, mut after, mut entries) = (Vec::new(), 0, Vec::new());
    loop {
        let page = snapshot.scan(RecordKind::Person, after, 2).await.unwrap();
        let Some(&(last, _)) = page.last() else { break };
        after = last;
        entries.extend(page.iter().map(|(seq, _)| *seq));
        pages.push(page.iter().map(|(_, r)| r.id().as_str().to_string()).collect::<Vec<_>>());
    }
    assert_eq!(pages, [vec!["p0", "p1"], vec!["p4", "p2"], vec!["p3"]]);
    assert!(entries.windows(2).all(|w| w[0] < w[1]), "{entries:?}");
    assert_eq!(entries.last(), Some(&head.seq));
    let last = snapshot.scan(RecordKind::Person, entries[3], 5).await.unwrap();
    assert_eq!(last, vec![(head.seq, person("p3", "Aidar Serikuly"))]);
    assert!(snapshot.scan(RecordKind::Person, u64::MAX, 5).await.unwrap().is_empty());
    assert!(snapshot.scan(RecordKind::Testimony, 0, 5).await.unwrap().is_empty());
}

/// Asked for many records, the store reads the records and their history front to back
/// instead of looking each up: the same answers, earlier states included.
#[tokio::test]
async fn the_first_entries_of_many_records_are_those_of_each() {
    let t = archive().await;
    let store = &t.archive.store;
    let mut w = store.writer("tester").await.unwrap();
    w.put((0..4100).map(|i| person(&format!("m{i:04}"), "Aidar Serikov")).collect()).await.unwrap();
    let first = w.commit().await.unwrap().unwrap().seq;
    for name in ["Aidar Serikuly", "Aidar Serik"] {
        let mut w = store.writer("tester").await.unwrap();
        w.put(vec![person("m4099", name), person("m0007", name)]).await.unwrap();
        w.commit().await.unwrap();
    }
    let mut ids: Vec<RecordId> = (0..4100).rev().map(|i| id(&format!("m{i:04}"))).collect();
    ids.extend([id("nobody"), id("m0000"), id("zz")]);
    let many = store.first_put(&ids).await.unwrap();
    assert_eq!(many.len(), 4100);
    assert_eq!(many[&id("m4099")], first, "the last put in the first write, changed twice since");
    for one in ["m0000", "m0007", "m2000", "m4099"] {
        let few = store.first_put(&[id(one)]).await.unwrap();
        assert_eq!(many[&id(one)], few[&id(one)], "{one}");
    }
    assert!(many[&id("m0007")] < many[&id("m0008")]);
}

/// A record's first entry stays its first however often it changes; unknown ids are left out.
#[tokio::test]
async fn the_entry_that_first_put_a_record_is_kept() {
    let t = archive().await;
    let store = &t.archive.store;
    let mut w = store.writer("tester").await.unwrap();
    w.put(vec![person("s1", "Aidar Serikov")]).await.unwrap();
    let first = w.commit().await.unwrap().unwrap().seq;
    for name in ["Aidar Serikuly", "Aidar Serik"] {
        let mut w = store.writer("tester").await.unwrap();
        w.put(vec![person("s2", name), person("s1", name)]).await.unwrap();
        w.commit().await.unwrap();
    }
    let mut w = store.writer("tester").await.unwrap();
    w.put(vec![person("s3", "Gulnar Tursun")]).await.unwrap();
    w.commit().await.unwrap();
    let ids = [id("s1"), id("s2"), id("s3"), id("nobody")];
    let firsts = store.first_put(&ids).await.unwrap();
    assert_eq!(firsts.len(), 3, "{firsts:?}");
    assert_eq!(firsts[&id("s1")], first);
    assert!(firsts[&id("s2")] > first, "{firsts:?}");
    // A snapshot gives the same: the entries that wrote each record's state, and the first of
    // those written again (s3 was written once).
    let mut snapshot = store.snapshot().await.unwrap();
    let rewritten = snapshot.first_put_of_rewritten(RecordKind::Person).await.unwrap();
    assert_eq!(rewritten.len(), 2, "{rewritten:?}");
    assert!(snapshot.first_put_of_rewritten(RecordKind::Testimony).await.unwrap().is_empty());
    let scanned = snapshot.scan(RecordKind::Person, 0, 10).await.unwrap();
    assert_eq!(scanned.len(), 3);
    for (written, record) in scanned {
        let first = rewritten.get(record.id()).copied().unwrap_or(written);
        assert_eq!(first, firsts[record.id()], "{}", record.id());
    }
}

/// The pairs left for review are a range of the queue index; a decision taken leaves it, and
/// the derived tables still check and rebuild to the same state.
#[tokio::test]
async fn undecided_pairs_are_a_queue() {
    let t = archive().await;
    let store = &t.archive.store;
    let decision = |a: &str, b: &str, verdict| Record::Decision(Decision::new(id(a), id(b), verdict));
    let mut w = store.writer("linker").await.unwrap();
    w.put(vec![
        person("s1", "Aidar Serikov"),
        person("s2", "Aidar Serikuly"),
        person("s3", "Gulnar Tursun"),
        decision("s1", "s2", Verdict::Undecided),
        decision("s2", "s3", Verdict::Undecided),
        decision("s1", "s3", Verdict::Different),
    ])
    .await
    .unwrap();
    w.commit().await.unwrap();
    let queue = store.in_state(RecordKind::Decision, "undecided", None, 10).await.unwrap();
    assert_eq!(queue.len(), 2);
    let mut w = store.writer("reviewer").await.unwrap();
    w.put(vec![decision("s2", "s1", Verdict::Same)]).await.unwrap();
    w.commit().await.unwrap();
    let queue = store.in_state(RecordKind::Decision, "undecided", None, 10).await.unwrap();
    let [Record::Decision(left)] = queue.as_slice() else { panic!("{queue:?}") };
    assert_eq!(left.id, Decision::id_for(&id("s3"), &id("s2")));
    assert_eq!(store.in_state(RecordKind::Decision, "same", None, 10).await.unwrap().len(), 1);
    assert_eq!(store.first_derived_mismatch().await.unwrap(), None);
    let before = store.state_digest().await.unwrap();
    store.rebuild().await.unwrap();
    assert_eq!(store.state_digest().await.unwrap(), before);
    assert_eq!(store.in_state(RecordKind::Decision, "undecided", None, 10).await.unwrap(), queue);
}

fn testimony(tid: &str, state: Option<ReviewState>) -> Record {
    Record::Testimony(Testimony {
        review: state.map(|state| Review { state, comment: None }),
        ..Testimony::new(id(tid), Testifier::default(), vec![])
    })
}

#[tokio::test]
async fn the_review_queue_lists_testimonies_by_state() {
    let t = archive().await;
    let store: &dyn Store = &t.archive.store;
    use ReviewState::*;
    put(
        store,
        vec![
            testimony("t1", Some(Submitted)),
            testimony("t2", Some(Draft)),
            testimony("t3", Some(Submitted)),
            testimony("t4", None),
            person("t5", "Not a testimony"),
        ],
    )
    .await;
    let ids = |records: Vec<Record>| records.iter().map(|r| r.id().to_string()).collect::<Vec<_>>();
    assert_eq!(ids(store.in_review(Submitted, None, 10).await.unwrap()), ["t1", "t3"]);
    assert_eq!(ids(store.in_review(Submitted, Some(&id("t1")), 10).await.unwrap()), ["t3"]);
    assert_eq!(store.count_in_review(&[Submitted, InReview, Accepted], 100).await.unwrap(), [2, 0, 0]);
    assert_eq!(store.count_in_review(&[Submitted], 1).await.unwrap(), [1], "counts no further than asked");
    assert!(store.count_in_review(&[], 1).await.unwrap().is_empty());
    put(store, vec![testimony("t1", Some(InReview))]).await;
    assert_eq!(ids(store.in_review(Submitted, None, 10).await.unwrap()), ["t3"]);
    assert_eq!(ids(store.in_review(InReview, None, 10).await.unwrap()), ["t1"]);
    assert_eq!(store.count_in_review(&[InReview, Submitted], 100).await.unwrap(), [1, 1]);
    assert_eq!(store.first_derived_mismatch().await.unwrap(), None);
    let before = store.state_digest().await.unwrap();
    store.rebuild().await.unwrap();
    assert_eq!(store.state_digest().await.unwrap(), before, "rebuild derives the review state too");
}

fn account(name: &str, role: dalel_model::Role) -> dalel_model::Account {
    dalel_model::Account::new(name, role, format!("$argon2id$hash-of-{name}"))
}

#[tokio::test]
async fn accounts_are_added_once_changed_and_kept_apart_from_the_archive() {
    use dalel_model::Role;
    let t = archive().await;
    let store: &dyn Store = &t.archive.store;
    assert!(store.accounts().await.unwrap().is_empty());
    store.add_account(&account("zhanar", Role::Volunteer)).await.unwrap();
    store.add_account(&account("aigul", Role::Admin)).await.unwrap();
    let err = store.add_account(&account("aigul", Role::Volunteer)).await.unwrap_err();
    assert_eq!(err.to_string(), r#"there is already an account named "aigul""#);
    let names: Vec<String> = store.accounts().await.unwrap().into_iter().map(|a| a.name).collect();
    assert_eq!(names, ["aigul", "zhanar"]);

    let mut zhanar = store.account("zhanar").await.unwrap().unwrap();
    assert_eq!(zhanar, account("zhanar", Role::Volunteer));
    zhanar.role = Role::Reviewer;
    zhanar.disabled = true;
    zhanar.password_hash = "$argon2id$another".into();
    zhanar.totp_secret = Some("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".into());
    store.update_account(&zhanar).await.unwrap();
    assert_eq!(store.account("zhanar").await.unwrap(), Some(zhanar));
    let err = store.update_account(&account("nobody", Role::Editor)).await.unwrap_err();
    assert_eq!(err.to_string(), r#"there is no account named "nobody""#);
    assert_eq!(store.account("nobody").await.unwrap(), None);

    // Not in the ledger, and a rebuild of the derived tables leaves them.
    assert_eq!(store.head().await.unwrap(), None);
    store.rebuild().await.unwrap();
    assert_eq!(store.accounts().await.unwrap().len(), 2);
}

#[tokio::test]
async fn sessions_last_until_they_expire_or_their_account_changes() {
    use dalel_model::{Role, Session, SessionToken};
    let t = archive().await;
    let store: &dyn Store = &t.archive.store;
    store.add_account(&account("aigul", Role::Editor)).await.unwrap();
    let session = |token: &SessionToken, created_at, expires_at| Session {
        token_hash: token.hash(),
        account: "aigul".into(),
        created_at,
        expires_at,
    };
    let (a, b) = (SessionToken::generate(), SessionToken::generate());
    store.add_session(&session(&a, 1_000, 2_000)).await.unwrap();
    store.add_session(&session(&b, 1_500, 9_000)).await.unwrap();
    let (found, who) = store.session(&a.hash(), 1_999).await.unwrap().expect("a live session");
    assert_eq!((found, who.role), (session(&a, 1_000, 2_000), Role::Editor));
    assert_eq!(store.session(&a.hash(), 2_000).await.unwrap(), None, "expired");
    assert_eq!(store.session(&SessionToken::generate().hash(), 0).await.unwrap(), None, "unknown");

    // Signing out ends one session; a change to the account ends all of its sessions.
    store.remove_session(&a.hash()).await.unwrap();
    assert_eq!(store.session(&a.hash(), 1_500).await.unwrap(), None);
    assert!(store.session(&b.hash(), 1_500).await.unwrap().is_some());
    let mut aigul = store.account("aigul").await.unwrap().unwrap();
    aigul.password_hash = "$argon2id$new".into();
    store.update_account(&aigul).await.unwrap();
    assert_eq!(store.session(&b.hash(), 1_500).await.unwrap(), None, "a new password signs everyone out");

    // A disabled account's sessions are over at once.
    let c = SessionToken::generate();
    store.add_session(&session(&c, 3_000, 9_000)).await.unwrap();
    aigul.disabled = true;
    store.update_account(&aigul).await.unwrap();
    assert_eq!(store.session(&c.hash(), 3_000).await.unwrap(), None, "the account is disabled");
}
