//! The web app driven over HTTP requests, without a socket.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use dalel_model::*;
use dalel_store::{Archive, Store};
use http_body_util::BodyExt;
use tower::ServiceExt;

mod access;
mod api;
mod entries;
mod intake;
mod languages;
mod pairs;
mod public;
mod review;
mod security;
mod upload;

/// The web app as one account sees it once signed in, or as the public sees it.
#[derive(Clone)]
pub(crate) struct Client {
    router: axum::Router,
    /// The session cookie (`name=value`) and the CSRF token, once signed in.
    session: Option<(String, String)>,
    /// Whether changes carry the CSRF token (a test of its check turns it off).
    sends_csrf: bool,
}

/// The password of every test account.
pub(crate) const PASSWORD: &str = "a long test passphrase";

impl Client {
    pub(crate) fn public(router: &axum::Router) -> Client {
        Client { router: router.clone(), session: None, sends_csrf: true }
    }

    /// Signs in through the login form, as a browser does.
    pub(crate) async fn sign_in(router: &axum::Router, name: &str) -> Client {
        let public = Client::public(router);
        let (status, headers, body) = send(&public, Request::get("/login").body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        let login_cookie = set_cookie(&headers, "dalel_login").expect("the form's token cookie");
        let token = body.split(r#"name="csrf" value=""#).nth(1).and_then(|r| r.split('"').next()).unwrap().to_string();
        let form = serde_urlencoded::to_string([("name", name), ("password", PASSWORD), ("csrf", &token)]).unwrap();
        let request = Request::post("/login")
            .header(axum::http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(axum::http::header::COOKIE, login_cookie)
            .body(Body::from(form))
            .unwrap();
        let (status, headers, _) = send(&public, request).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "signed in as {name}");
        let mut client =
            Client { session: Some((set_cookie(&headers, "dalel_session").unwrap(), String::new())), ..public };
        let (status, _, body) = send(&client, Request::get("/api/session").body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let who: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(who["name"], name);
        client.session.as_mut().unwrap().1 = who["csrf"].as_str().unwrap().to_string();
        client
    }

    pub(crate) fn without_csrf(&self) -> Client {
        Client { sends_csrf: false, ..self.clone() }
    }

    pub(crate) fn csrf(&self) -> &str {
        &self.session.as_ref().expect("signed in").1
    }
}

/// The `name=value` of the cookie `name` a response sets.
pub(crate) fn set_cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

/// Sends `request` with the client's session cookie and, for a change, its CSRF token;
/// returns the status, the headers and the body.
async fn send(app: &Client, mut request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    use axum::http::{HeaderValue, Method, header::COOKIE};
    if let Some((cookie, csrf)) = &app.session {
        let cookies = match request.headers().get(COOKIE).and_then(|v| v.to_str().ok()) {
            Some(other) => format!("{other}; {cookie}"),
            None => cookie.clone(),
        };
        request.headers_mut().insert(COOKIE, HeaderValue::from_str(&cookies).unwrap());
        let change = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
        if change && app.sends_csrf && !request.headers().contains_key("x-csrf-token") {
            request.headers_mut().insert("x-csrf-token", HeaderValue::from_str(csrf).unwrap());
        }
    }
    let response = app.router.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

/// Posts `fields` to `uri` as a browser submits a form.
async fn post_form(app: &Client, uri: &str, fields: &[(&str, &str)]) -> (StatusCode, axum::http::HeaderMap, String) {
    let request = Request::post(uri)
        .header(axum::http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(serde_urlencoded::to_string(fields).unwrap()))
        .unwrap();
    send(app, request).await
}

async fn get(app: &Client, uri: &str) -> (StatusCode, String) {
    let (status, _, body) = send(app, Request::get(uri).body(Body::empty()).unwrap()).await;
    (status, body)
}

fn person(id: &str, names: &[&str], number: &str) -> Record {
    Record::Person(Person {
        gender: Some(Gender::Male),
        ethnicity: Some("Kazakh".into()),
        birth_date: Some("1974~".parse().unwrap()),
        identity_numbers: vec![IdentityNumber::guess(number)],
        hometown: Some("Ghulja".into()),
        ..Person::new(RecordId::new(id).unwrap(), names.iter().map(|n| Name::new(*n, NameKind::Full)).collect())
    })
}

/// A testimony of `testifier` about `about`, who is their `relation`.
fn testimony(tid: &str, testifier: &str, about: &str, relation: Relation) -> Record {
    Record::Testimony(Testimony {
        title: Some(format!("Testimony of {testifier}")),
        ..Testimony::new(
            RecordId::new(tid).unwrap(),
            Testifier { name: Some(testifier.into()), ..Testifier::default() },
            vec![Subject { person: RecordId::new(about).unwrap(), relation }],
        )
    })
}

/// An archive holding `records` and one account of each role (named after it), and the web app
/// over it, unsigned.
async fn archive_with(
    records: Vec<Record>,
    policy: dalel_web::UploadPolicy,
) -> (Archive, axum::Router, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::init(dir.path()).await.unwrap();
    let mut w = archive.store.writer("tester").await.unwrap();
    w.put(records).await.unwrap();
    w.commit().await.unwrap();
    let hash = hash_password(PASSWORD);
    for role in Role::ALL {
        let account = Account::new(role.code(), *role, hash.clone());
        archive.store.add_account(&account).await.unwrap();
    }
    let router = dalel_web::app(dalel_web::AppState::new(&archive, policy));
    (archive, router, dir)
}

/// The web app over an archive holding `records`, signed in as an admin.
async fn app_with(records: Vec<Record>) -> (Client, tempfile::TempDir) {
    let (_, router, dir) = archive_with(records, dalel_web::UploadPolicy::default()).await;
    (Client::sign_in(&router, "admin").await, dir)
}

#[tokio::test]
async fn lists_people_and_shows_one_with_its_checks() {
    let (app, _dir) = app_with(vec![
        person("p1", &["Серікжан Біләш", "赛力克江·比拉什"], "654002197401010013"),
        person("p2", &["Aigul Serikkyzy"], "11010519491231002X"),
    ])
    .await;
    let (status, body) = get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("2 people in the archive"), "{body}");
    assert!(body.contains(r#"<a href="/people/p1">Серікжан Біләш</a>"#), "{body}");
    assert!(body.contains("赛力克江·比拉什"));

    let (status, body) = get(&app, "/people/p1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Chinese characters"), "the script of each name is shown");
    assert!(body.contains("not valid: check digit is 3, expected"), "{body}");
    let (_, body) = get(&app, "/people/p2").await;
    assert!(body.contains("valid; born 1949-12-31, Female"), "{body}");
    assert!(body.contains("birth date 1974~ contradicts 1949-12-31"), "{body}");
    assert!(body.contains("sex contradicts"), "{body}");
}

#[tokio::test]
async fn unknown_people_are_404_and_bad_cursors_400() {
    let (app, _dir) = app_with(vec![]).await;
    assert_eq!(get(&app, "/people/nobody").await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/people/%20bad").await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/?after=%20").await.0, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn healthz_reports_the_ledger_head() {
    let (app, _dir) = app_with(vec![person("p1", &["A"], "1")]).await;
    let (status, body) = get(&app, "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["status"], "ok");
    assert_eq!(json["ledger_seq"], 1);
}

#[tokio::test]
async fn pages_page_through_many_people() {
    let records = (0..120).map(|i| person(&format!("p{i:03}"), &[&format!("Person {i:03}")], "1")).collect();
    let (app, _dir) = app_with(records).await;
    let (_, body) = get(&app, "/").await;
    assert!(body.contains("/?after=p049"), "a link to the next page");
    let (_, body) = get(&app, "/?after=p049").await;
    assert!(body.contains("Person 050") && !body.contains("Person 049"));
}

#[tokio::test]
async fn search_finds_a_person_from_another_script_and_sees_new_people() {
    let (app, dir) = app_with(vec![
        person("p1", &["Серікжан Біләш", "Serikzhan Bilash"], "654002197401010013"),
        person("p2", &["Aigul Serikkyzy"], "11010519491231002X"),
    ])
    .await;
    let (status, body) =
        get(&app, "/search?q=%E8%B5%9B%E5%8A%9B%E5%85%8B%E6%B1%9F%C2%B7%E6%AF%94%E6%8B%89%E4%BB%80").await;
    assert_eq!(status, StatusCode::OK);
    let first = body.find("/people/p1").expect("p1 found");
    assert!(body.find("/people/p2").is_none_or(|second| second > first), "{body}");
    assert!(body.contains("Serikzhan Bilash") && body.contains("Серікжан Біләш"), "all the names are shown");

    // A person written after the first search is found: the index follows the ledger.
    let archive = Archive::open(dir.path()).await.unwrap();
    let mut w = archive.store.writer("tester").await.unwrap();
    w.put(vec![person("p3", &["Гүлнар Тоқтарқызы"], "654002197401010013")]).await.unwrap();
    w.commit().await.unwrap();
    let (_, body) = get(&app, "/search?q=Gulnar+Toktarkyzy").await;
    assert!(body.contains("/people/p3"), "{body}");

    let (status, body) = get(&app, "/search?q=").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("No one found."));
    let (status, _) = get(&app, &format!("/search?q={}", "a".repeat(300))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
