//! A victim entry's page: the records joined by decisions, facts with their records, the
//! timeline's doubtful steps, the evidence level, and the ids that lead to it.

use axum::http::{StatusCode, header};
use dalel_model::*;

use super::{Client, archive_with, get, person, send, testimony};

fn id(s: &str) -> RecordId {
    RecordId::new(s).unwrap()
}

fn decision(a: &str, b: &str, verdict: Verdict, automatic: bool) -> Record {
    let mut d = Decision::new(id(a), id(b), verdict);
    d.automatic = automatic;
    d.score = automatic.then_some(0.93);
    Record::Decision(d)
}

fn born(mut r: Record, date: &str) -> Record {
    if let Record::Person(p) = &mut r {
        p.birth_date = Some(date.parse().unwrap());
    }
    r
}

fn episode(eid: &str, kind: EpisodeKind, who: &str, start: &str, source: &str) -> Record {
    Record::Episode(Episode {
        id: id(eid),
        external_id: None,
        kind,
        persons: vec![id(who)],
        sources: vec![id(source)],
        detention: None,
        place: None,
        place_text: None,
        start: Some(start.parse().unwrap()),
        end: None,
        charges: vec![],
        term: None,
        outcome: None,
        status: None,
        reliability: None,
        notes: None,
    })
}

async fn location(app: &Client, uri: &str) -> (StatusCode, String) {
    let (status, headers, _) = send(app, axum::http::Request::get(uri).body(axum::body::Body::empty()).unwrap()).await;
    (status, headers.get(header::LOCATION).map_or(String::new(), |l| l.to_str().unwrap().to_string()))
}

#[tokio::test]
async fn an_entry_gathers_its_records_and_keeps_what_disagrees() {
    let records = vec![
        born(person("p1", &["Серікжан Біләш"], "1"), "1974"),
        born(person("p2", &["Serikzhan Bilash", "赛力克江·比拉什"], "2"), "1981"),
        person("p3", &["Serik Bilashev"], "3"),
        decision("p1", "p2", Verdict::Same, false),
        decision("p2", "p3", Verdict::Same, true),
        decision("p3", "p1", Verdict::Different, false),
        testimony("t1", "Aigul", "p1", Relation::Sister),
        testimony("t2", "Erlan", "p2", Relation::Brother),
        episode("e1", EpisodeKind::Release, "p1", "2017-05", "t1"),
        episode("e2", EpisodeKind::Detention, "p2", "2018-02", "t2"),
    ];
    let (_archive, router, _dir) = archive_with(records, dalel_web::UploadPolicy::default()).await;
    let app = Client::sign_in(&router, "reviewer").await;
    let (p1, p2, p3) = (id("p1").public_id(), id("p2").public_id(), id("p3").public_id());

    let (status, page) = get(&app, &format!("/entries/{p1}")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Серікжан Біләш") && page.contains("赛力克江·比拉什"), "every record's names: {page}");
    assert!(!page.contains("Serik Bilashev"), "a person said p3 and p1 are different people: {page}");
    assert!(page.contains(&p1), "the id to cite");
    assert!(page.contains("Corroborated by independent sources"), "two testifiers: {page}");
    assert!(page.contains("1974") && page.contains("1981") && page.contains("The records disagree"), "{page}");
    assert!(page.contains("A release dated before any detention"), "{page}");
    assert!(page.contains("/testimonies/t1") && page.contains("/testimonies/t2"), "who testified: {page}");

    // The merged-away record's id and a record id lead to the entry's own id.
    assert_eq!(
        location(&app, &format!("/entries/{p2}")).await,
        (StatusCode::PERMANENT_REDIRECT, format!("/entries/{p1}"))
    );
    assert_eq!(location(&app, "/entries/p2").await, (StatusCode::PERMANENT_REDIRECT, format!("/entries/{p1}")));
    let (status, page) = get(&app, &format!("/entries/{p3}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Serik Bilashev") && !page.contains("Серікжан"), "{page}");
    assert!(page.contains("Reported"), "{page}");
    assert_eq!(get(&app, "/entries/AAAA-AAAA-AAAA").await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/entries/t1").await.0, StatusCode::NOT_FOUND, "a testimony is not an entry");
    let (_, person_page) = get(&app, "/people/p2").await;
    assert!(person_page.contains(r#"href="/entries/p2""#), "{person_page}");
}
