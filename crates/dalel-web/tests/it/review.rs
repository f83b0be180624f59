//! The review workflow over HTTP: draft -> submitted -> in review -> returned -> ... -> published.

use axum::http::{StatusCode, header};

use super::{app_with, get, post_form};

/// Posts a form; returns the status, where it redirects to, and the body.
async fn post(app: &crate::Client, uri: &str, fields: &[(&str, &str)]) -> (StatusCode, String, String) {
    let (status, headers, body) = post_form(app, uri, fields).await;
    let location = headers.get(header::LOCATION).map_or(String::new(), |l| l.to_str().unwrap().to_string());
    (status, location, body)
}

#[tokio::test]
async fn a_testimony_goes_through_review_and_every_step_is_kept() {
    let (app, _dir) = app_with(vec![]).await;
    let (status, page, _) = post(
        &app,
        "/testimonies/new",
        &[
            ("t-name", "Aigul Serikkyzy"),
            ("p0-relation", "brother"),
            ("p0-names", "Aidar Serikuly"),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let page = page.trim_end_matches("?saved=1").to_string();
    let review = format!("{page}/review");
    let (_, body) = get(&app, &page).await;
    assert!(body.contains("State: <strong>Draft</strong>"), "{body}");
    assert!(body.contains(r#"value="submit""#) && !body.contains(r#"value="publish""#), "only the steps allowed now");

    let step = |action: &'static str, comment: &'static str| {
        let (app, review) = (app.clone(), review.clone());
        async move { post(&app, &review, &[("action", action), ("comment", comment)]).await }
    };
    assert_eq!(step("submit", "").await.0, StatusCode::SEE_OTHER);
    let (_, queue) = get(&app, "/review").await;
    assert!(queue.contains("Submitted (1)") && queue.contains(&format!(r#"href="{page}""#)), "{queue}");

    assert_eq!(step("start_review", "").await.0, StatusCode::SEE_OTHER);
    let (status, _, body) = step("return", " ").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("This step needs a comment"), "{body}");
    let (status, _, body) = step("publish", "").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("A testimony that is “In review” cannot become “Published”"), "{body}");
    assert_eq!(step("return", "Add the date of detention").await.0, StatusCode::SEE_OTHER);
    for action in ["submit", "start_review", "accept", "publish"] {
        assert_eq!(step(action, "").await.0, StatusCode::SEE_OTHER, "{action}");
    }
    let (_, body) = get(&app, &page).await;
    assert!(body.contains("State: <strong>Published</strong>"), "{body}");
    for state in ["Draft", "Submitted", "In review", "Returned with comments", "Accepted", "Published"] {
        assert!(body.contains(&format!("<td>{state}</td>")), "the history shows {state}: {body}");
    }
    assert!(body.contains("<td>Add the date of detention</td>"), "the comment stays in the history");

    assert_eq!(step("withdraw", "").await.0, StatusCode::CONFLICT, "withdrawal needs its reason");
    assert_eq!(step("withdraw", "The family asked us to").await.0, StatusCode::SEE_OTHER);
    let (_, body) = get(&app, &page).await;
    assert!(
        body.contains("Withdrawn") && body.contains("The family asked us to") && !body.contains(r#"name="action""#)
    );
    let (_, queue) = get(&app, "/review").await;
    assert!(queue.contains("Submitted (0)") && !queue.contains(&page), "{queue}");
    assert_eq!(post(&app, &review, &[("action", "explode")]).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(post(&app, "/testimonies/nope/review", &[("action", "submit")]).await.0, StatusCode::NOT_FOUND);
}

/// The whole flow over HTTP, as the issue puts it: a testimony about two victims, three evidence
/// files (two through the resumable API, one through the plain form), then submit, review,
/// accept and publish; verify accepts the archive afterwards.
#[tokio::test]
async fn a_testimony_with_two_victims_and_three_files_is_recorded_reviewed_and_published() {
    let (app, dir) = app_with(vec![]).await;
    let fields = [
        ("t-name", "Aigul Serikkyzy"),
        ("persons", "2"),
        ("p0-relation", "husband"),
        ("p0-names", "Serikzhan Bilash"),
        ("p1-relation", "son"),
        ("p1-names", "Nurlan Serikuly"),
        ("e0-person", "0"),
        ("e0-kind", "detention"),
        ("action", "save"),
    ];
    let (status, page, _) = post(&app, "/testimonies/new", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let page = page.trim_end_matches("?saved=1").to_string();
    let id = page.trim_start_matches("/testimonies/");

    let photo: Vec<u8> =
        b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00".iter().copied().chain((0..3000).map(|i| i as u8)).collect();
    let pdf = [&b"%PDF-1.4\n"[..], &[b'x'; 3000][..]].concat();
    for (name, bytes) in [("id-card.jpg", &photo), ("verdict.pdf", &pdf)] {
        let (status, created) =
            super::upload::create(&app, serde_json::json!({"size": bytes.len(), "file_name": name, "about": [id]}))
                .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let (status, _, body) = super::upload::patch(&app, created["id"].as_str().unwrap(), 0, bytes).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let clip = super::upload::video(20_000);
    let (status, _, body) =
        super::upload::post_files(&app, &format!("{page}/evidence"), &[("file", "arrest.mp4", &clip)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");

    let (_, body) = get(&app, &page).await;
    for shown in ["Serikzhan Bilash", "Nurlan Serikuly", "id-card.jpg", "verdict.pdf", "arrest.mp4"] {
        assert!(body.contains(shown), "{shown}: {body}");
    }
    let review = format!("{page}/review");
    for (action, state) in
        [("submit", "Submitted"), ("start_review", "In review"), ("accept", "Accepted"), ("publish", "Published")]
    {
        let (status, _, _) = post(&app, &review, &[("action", action), ("comment", "")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{action}");
        let (_, body) = get(&app, &page).await;
        assert!(body.contains(&format!("State: <strong>{state}</strong>")), "{action}: {body}");
    }
    let archive = dalel_store::Archive::open(dir.path()).await.unwrap();
    dalel_store::verify(&archive.store, &archive.evidence, |_| {}).await.unwrap();
    use dalel_store::Store;
    assert_eq!(archive.store.count(dalel_model::RecordKind::EvidenceFile).await.unwrap(), 3);
    assert_eq!(archive.store.count(dalel_model::RecordKind::Person).await.unwrap(), 2);
}
