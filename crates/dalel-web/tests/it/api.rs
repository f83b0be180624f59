//! The JSON API: the same intake and review as the pages, with RFC 9457 problems.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};

use super::{app_with, send};

pub(crate) async fn call(
    app: &crate::Client,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, String, Value) {
    let mut request = Request::builder().method(method).uri(uri).header(header::ACCEPT_LANGUAGE, "en");
    if body.is_some() {
        request = request.header(header::CONTENT_TYPE, "application/json");
    }
    let body = body.map_or(Body::empty(), |b| Body::from(b.to_string()));
    let (status, headers, text) = send(app, request.body(body).unwrap()).await;
    let kind = headers.get(header::CONTENT_TYPE).map_or("", |v| v.to_str().unwrap()).to_string();
    (status, kind, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_openapi_document_is_served() {
    let (app, _dir) = app_with(vec![]).await;
    let (status, kind, doc) = call(&app, "GET", "/api/openapi.json", None).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "application/json"));
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(doc["components"]["schemas"]["NewTestimony"].is_object());
}

#[tokio::test]
async fn id_numbers_are_checked_as_typed_and_never_refused() {
    let (app, _dir) = app_with(vec![]).await;
    let (status, _, r) =
        call(&app, "GET", "/api/id-check?number=654002197401010015&birth_date=1990&sex=female", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((r["scheme"].as_str(), r["valid"].as_bool()), (Some("cn_resident"), Some(true)));
    assert_eq!(r["birth_date"], "1974-01-01");
    assert_eq!(r["area_code"], "654002");
    let warnings = r["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 2, "the birth date and the sex contradict the number: {r}");
    let (_, _, r) = call(&app, "GET", "/api/id-check?number=654002197401010014", None).await;
    assert_eq!(r["valid"], false);
    assert!(r["warnings"][0].as_str().unwrap().contains("check digit is 4, expected 5"), "{r}");
    let (status, kind, p) = call(&app, "GET", "/api/id-check", None).await;
    assert_eq!(
        (status, kind.as_str(), p["field"].as_str()),
        (StatusCode::BAD_REQUEST, "application/problem+json", Some("number"))
    );
}

#[tokio::test]
async fn a_testimony_is_recorded_read_and_reviewed_over_json() {
    let (app, _dir) = app_with(vec![]).await;
    let testimony = json!({
        "testifier": {"name": "Гүлнар Тоқтарқызы", "id_numbers": ["65400219800202002X"]},
        "consent": "anonymised",
        "persons": [
            {"relation": "husband", "names": ["Serikzhan Bilash", "赛力克江·比拉什"], "gender": "male"},
            {"relation": "son", "names": ["Nurlan Serikuly"], "birth_date": "2001"}
        ],
        "episodes": [{"person": 1, "kind": "sentence", "term": "10 years", "charges": ["separatism"]}],
        "questionnaire": {"food": "Rice soup"},
        "transcripts": [
            {"language": "kk", "text": "Менің күйеуім..."},
            {"language": "en", "text": "My husband...", "is_translation": true, "translated_by": "A. Volunteer"}
        ]
    });
    let (status, _, created) = call(&app, "POST", "/api/testimonies", Some(testimony)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap();

    let (status, _, t) = call(&app, "GET", &format!("/api/testimonies/{id}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(t["type"], "testimony");
    assert_eq!(t["consent"], "anonymised");
    assert_eq!(t["subjects"].as_array().unwrap().len(), 2);
    assert_eq!(t["testifier"]["identity_numbers"][0]["value"], "65400219800202002X", "kept although invalid");
    assert_eq!(t["review"]["state"], "draft");
    assert_eq!(t["transcripts"][1]["translated_by"], "A. Volunteer", "{t}");
    assert_eq!(t["transcripts"][1]["is_translation"], true, "{t}");

    let review = format!("/api/testimonies/{id}/review");
    let (status, _, r) = call(&app, "POST", &review, Some(json!({"action": "submit"}))).await;
    assert_eq!((status, r["state"].as_str()), (StatusCode::OK, Some("submitted")));
    let (status, kind, p) = call(&app, "POST", &review, Some(json!({"action": "publish"}))).await;
    assert_eq!((status, kind.as_str()), (StatusCode::CONFLICT, "application/problem+json"));
    assert!(p["detail"].as_str().unwrap().contains("cannot be published"), "{p}");
    call(&app, "POST", &review, Some(json!({"action": "start_review"}))).await;
    let (status, _, p) = call(&app, "POST", &review, Some(json!({"action": "return"}))).await;
    assert_eq!((status, p["field"].as_str()), (StatusCode::CONFLICT, Some("/comment")));
    let (status, _, p) = call(&app, "POST", &review, Some(json!({"action": "dance"}))).await;
    assert_eq!((status, p["field"].as_str()), (StatusCode::BAD_REQUEST, Some("/action")));
    let (status, _, _) = call(&app, "POST", "/api/testimonies/nope/review", Some(json!({"action": "submit"}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_bad_testimony_names_each_field_by_its_json_pointer_and_writes_nothing() {
    let (app, dir) = app_with(vec![]).await;
    let bad = json!({
        "testifier": {"name": " ", "birth_date": "last spring"},
        "persons": [{"relation": "cousin", "names": ["Aidar"]}, {"relation": "son", "names": []}],
        "episodes": [{"kind": "detention", "start": "2018-13"}],
        "media_url": "ftp://x"
    });
    let (status, kind, p) = call(&app, "POST", "/api/testimonies", Some(bad)).await;
    assert_eq!((status, kind.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "application/problem+json"), "{p}");
    let fields: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    for expected in [
        "/testifier/name",
        "/testifier/birth_date",
        "/persons/0/relation",
        "/persons/1/names",
        "/episodes/0/start",
        "/media_url",
    ] {
        assert!(fields.contains(&expected), "{expected} in {fields:?}");
    }
    let (status, _, p) = call(&app, "POST", "/api/testimonies", Some(json!({"testifier": {}, "persons": []}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{p}");
    let (status, _, _) =
        call(&app, "POST", "/api/testimonies", Some(json!({"testifier": {"name": "A"}, "persons": [], "extra": 1})))
            .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "unknown fields are named, not ignored");
    // Otherwise valid, but said to be a person the archive does not have.
    let unknown =
        json!({"testifier": {"name": "A"}, "persons": [{"relation": "son", "names": ["B"], "same_as": "nobody"}]});
    let (status, _, p) = call(&app, "POST", "/api/testimonies", Some(unknown)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "/persons/0/same_as", "{p}");
    let archive = dalel_store::Archive::open(dir.path()).await.unwrap();
    use dalel_store::Store;
    assert_eq!(archive.store.head().await.unwrap(), None);
}

#[tokio::test]
async fn people_who_may_be_the_one_being_typed_are_offered() {
    let (app, _dir) = app_with(vec![super::person("known", &["Серікжан Біләш"], "1")]).await;
    let (status, _, found) = call(&app, "GET", "/api/people/similar?name=Serikzhan%20Bilash", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(found[0]["id"], "known", "{found}");
    assert_eq!(found[0]["names"][0], "Серікжан Біләш");
    let (_, _, found) = call(&app, "GET", "/api/people/similar?name=Gulnar%20Toktarkyzy", None).await;
    assert_eq!(found, json!([]));
    let (status, kind, p) = call(&app, "GET", "/api/people/similar?name=", None).await;
    assert_eq!(
        (status, kind.as_str(), p["field"].as_str()),
        (StatusCode::BAD_REQUEST, "application/problem+json", Some("name"))
    );
}
