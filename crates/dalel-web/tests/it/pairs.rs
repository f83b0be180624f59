//! The pairs' review queue over HTTP: the linker's undecided pairs listed most likely first,
//! shown side by side, decided, and the decision kept in the ledger with the earlier ones.

use axum::http::{StatusCode, header};
use dalel_model::*;
use dalel_store::Store;

use super::{Client, archive_with, get, person, post_form, testimony};

fn undecided(a: &str, b: &str, score: f64) -> Record {
    let mut d = Decision::new(RecordId::new(a).unwrap(), RecordId::new(b).unwrap(), Verdict::Undecided);
    d.automatic = true;
    d.score = Some(score);
    d.reasons = vec!["names match (0.85) (+6.1)".into(), "born within two years (+1.2)".into()];
    Record::Decision(d)
}

#[tokio::test]
async fn pairs_are_reviewed_side_by_side_and_decided() {
    let (a, b, c) = ("p1", "p2", "p3");
    let records = vec![
        person(a, &["Серікжан Біләш"], "654002197401010013"),
        person(b, &["Serikzhan Bilash", "赛力克江·比拉什"], "654002197401010013"),
        person(c, &["Serik Bilashev"], "1"),
        undecided(a, b, 0.71),
        undecided(a, c, 0.42),
        // Their relatives: the same sister testified about each, her name in two scripts; a
        // mother linked to the second.
        testimony("t1", "Гүлнар Біләш", a, Relation::Sister),
        testimony("t2", "Gulnar Bilash", b, Relation::Sister),
        testimony("t3", "Synthetic Neighbour", b, Relation::Neighbour),
        person("p4", &["Aigul Bilash"], "2"),
        Record::Link(Link {
            id: RecordId::new("l1").unwrap(),
            external_id: None,
            subject: RecordId::new("p4").unwrap(),
            object: RecordId::new(b).unwrap(),
            role: "mother".into(),
            sources: vec![],
        }),
    ];
    let (archive, router, _dir) = archive_with(records, dalel_web::UploadPolicy::default()).await;
    let app = Client::sign_in(&router, "reviewer").await;

    let (status, queue) = get(&app, "/pairs").await;
    assert_eq!(status, StatusCode::OK);
    let ab = Decision::id_for(&RecordId::new(a).unwrap(), &RecordId::new(b).unwrap());
    let ac = Decision::id_for(&RecordId::new(a).unwrap(), &RecordId::new(c).unwrap());
    let (first, second) = (queue.find(&format!("/pairs/{ab}")).unwrap(), queue.find(&format!("/pairs/{ac}")).unwrap());
    assert!(first < second, "the most likely first: {queue}");
    assert!(queue.contains("0.71") && queue.contains("Serik Bilashev"), "{queue}");

    let (status, page) = get(&app, &format!("/pairs/{ab}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Серікжан Біләш") && page.contains("赛力克江·比拉什"), "both records, all names: {page}");
    assert!(page.contains("names match (0.85) (+6.1)"), "the linker's reasons: {page}");
    let kin = &page[page.find("Relatives (who testified").expect("the relatives' row")..];
    let kin = &kin[..kin.find("</tr>").unwrap()];
    assert!(kin.contains("Гүлнар Біләш") && kin.contains("Gulnar Bilash") && kin.contains("Aigul Bilash"), "{kin}");
    assert!(!kin.contains("Neighbour"), "a neighbour is no relative: {kin}");
    assert!(page.contains(r#"<tr class="agree"><th scope="row">Relatives"#), "the sister's names match: {page}");
    assert!(page.contains(r#"accesskey="s""#) && page.contains("/static/pairs.js"), "one key a decision: {page}");
    assert!(page.contains(r#"value="same""#) && page.contains(r#"value="different""#));

    let (status, headers, _) =
        post_form(&app, &format!("/pairs/{ab}"), &[("verdict", "different"), ("note", "two cousins")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], format!("/pairs/next?after={ab}"));
    let Some(Record::Decision(d)) = archive.store.get(&ab).await.unwrap() else { panic!() };
    assert_eq!(
        (d.verdict, d.automatic, d.notes.as_deref(), d.score),
        (Verdict::Different, false, Some("two cousins"), Some(0.71))
    );
    let history = archive.store.history(&ab).await.unwrap();
    assert_eq!(history.len(), 2, "the linker's and the reviewer's");
    assert_eq!(history[1].author, "reviewer");

    // The next pair is the one left; when none is left, the queue says so.
    let (status, headers, _) = super::send(
        &app,
        axum::http::Request::get(format!("/pairs/next?after={ab}")).body(axum::body::Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], format!("/pairs/{ac}"));
    let (_, page) = get(&app, &format!("/pairs/{ab}")).await;
    assert!(page.contains("two cousins") && page.contains("reviewer") && page.contains("the linker"), "{page}");
    assert_eq!(post_form(&app, &format!("/pairs/{ac}"), &[("verdict", "same")]).await.0, StatusCode::SEE_OTHER);
    let (_, queue) = get(&app, "/pairs").await;
    assert!(queue.contains("No pairs to review"), "{queue}");

    assert_eq!(post_form(&app, &format!("/pairs/{ac}"), &[("verdict", "maybe")]).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(get(&app, "/pairs/decision-nothing").await.0, StatusCode::NOT_FOUND);
}
