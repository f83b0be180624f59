//! The review workflow over HTTP: draft -> submitted -> in review -> returned -> ... -> published.

use axum::http::{StatusCode, header};

use super::{app_with, get, post_form};

/// Posts a form; returns the status, where it redirects to, and the body.
async fn post(app: &axum::Router, uri: &str, fields: &[(&str, &str)]) -> (StatusCode, String, String) {
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
