//! Signing in, sessions, CSRF, and what each role may reach: every route, every role.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use dalel_model::*;
use dalel_store::Store;
use serde_json::json;

use crate::api::call;
use crate::upload::{create, post_files};
use crate::{Client, PASSWORD, archive_with, person, post_form, send, set_cookie};

/// The login form's token cookie and the token in the form.
async fn login_form(app: &Client) -> (String, String) {
    let (_, headers, body) = send(app, Request::get("/login").body(Body::empty()).unwrap()).await;
    let cookie = set_cookie(&headers, "dalel_login").unwrap();
    let token = body.split(r#"name="csrf" value=""#).nth(1).and_then(|r| r.split('"').next()).unwrap().to_string();
    (cookie, token)
}

/// Fills in and posts the login form, as a browser does.
async fn try_login(
    app: &Client,
    name: &str,
    password: &str,
    extra: &[(&str, &str)],
) -> (StatusCode, header::HeaderMap, String) {
    let (cookie, token) = login_form(app).await;
    let mut fields = vec![("name", name), ("password", password), ("csrf", token.as_str())];
    fields.extend_from_slice(extra);
    let request = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookie)
        .body(Body::from(serde_urlencoded::to_string(&fields).unwrap()))
        .unwrap();
    send(app, request).await
}

fn location(headers: &header::HeaderMap) -> &str {
    headers.get(header::LOCATION).map_or("", |l| l.to_str().unwrap())
}

#[tokio::test]
async fn signing_in_and_out() {
    let (archive, router, _dir) = archive_with(vec![], dalel_web::UploadPolicy::default()).await;
    let public = Client::public(&router);

    // The public is sent to the login form, which brings them back.
    let (status, headers, _) = send(&public, Request::get("/review?x=1").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/login?next=%2Freview%3Fx%3D1");
    let (_, _, page) = send(&public, Request::get("/login?next=%2Freview").body(Body::empty()).unwrap()).await;
    assert!(page.contains(r#"name="next" value="/review""#), "{page}");

    // Right name and password: a session cookie that scripts cannot read and other sites do
    // not get, and back to the page asked for (never to another site).
    let (status, headers, _) = try_login(&public, "editor", PASSWORD, &[("next", "/review")]).await;
    assert_eq!((status, location(&headers)), (StatusCode::SEE_OTHER, "/review"));
    let cookie = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|c| c.starts_with("dalel_session="))
        .unwrap()
        .to_string();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "no Secure cookie over plain HTTP: the browser would drop it");
    let (_, headers, _) = try_login(&public, "editor", PASSWORD, &[("next", "//evil.example/x")]).await;
    assert_eq!(location(&headers), "/");
    let (_, headers, _) = try_login(&public, "volunteer", PASSWORD, &[]).await;
    assert_eq!(location(&headers), "/testimonies/new", "a volunteer starts at the intake form");

    // Behind a TLS proxy the cookie is Secure.
    let (cookie, token) = login_form(&public).await;
    let form = serde_urlencoded::to_string([("name", "admin"), ("password", PASSWORD), ("csrf", &token)]).unwrap();
    let request = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookie)
        .header("x-forwarded-proto", "https")
        .body(Body::from(form))
        .unwrap();
    let (_, headers, _) = send(&public, request).await;
    assert!(set_cookie(&headers, "dalel_session").is_some());
    assert!(headers.get_all(header::SET_COOKIE).iter().any(|c| c.to_str().unwrap().ends_with("; Secure")));

    // A login form without its own token (posted from elsewhere) is refused.
    let request = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("name=admin&password={}&csrf=forged", PASSWORD.replace(' ', "+"))))
        .unwrap();
    let (status, headers, body) = send(&public, request).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(set_cookie(&headers, "dalel_session").is_none() && body.contains("This form has expired"), "{body}");

    // A wrong password and an unknown name get the same answer.
    let (status, _, wrong) = try_login(&public, "admin", "not the password at all", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(wrong.contains("The account name, the password or the code is wrong."), "{wrong}");
    let (status, _, unknown) = try_login(&public, "nobody", PASSWORD, &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        unknown.contains("The account name, the password or the code is wrong."),
        "no hint which was wrong: {unknown}"
    );

    // Someone signed in may sign in as another account: the login form's own token suffices.
    let admin = Client::sign_in(&router, "admin").await;
    let (status, headers, _) = try_login(&admin.without_csrf(), "editor", PASSWORD, &[]).await;
    assert_eq!((status, location(&headers)), (StatusCode::SEE_OTHER, "/"));

    // Signing out ends the session: its cookie no longer signs anyone in.
    assert_eq!(send(&admin, Request::get("/").body(Body::empty()).unwrap()).await.0, StatusCode::OK);
    let (status, headers, _) = post_form(&admin, "/logout", &[("csrf", admin.csrf())]).await;
    assert_eq!((status, location(&headers)), (StatusCode::SEE_OTHER, "/login"));
    assert!(headers[header::SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
    assert_eq!(send(&admin, Request::get("/").body(Body::empty()).unwrap()).await.0, StatusCode::SEE_OTHER);

    // A disabled account cannot sign in, and its open sessions end.
    let reviewer = Client::sign_in(&router, "reviewer").await;
    let mut account = archive.store.account("reviewer").await.unwrap().unwrap();
    account.disabled = true;
    archive.store.update_account(&account).await.unwrap();
    assert_eq!(send(&reviewer, Request::get("/").body(Body::empty()).unwrap()).await.0, StatusCode::SEE_OTHER);
    assert_eq!(try_login(&public, "reviewer", PASSWORD, &[]).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_account_with_a_second_factor_needs_its_code_once() {
    let (archive, router, _dir) = archive_with(vec![], dalel_web::UploadPolicy::default()).await;
    let secret = dalel_model::totp::TotpSecret::generate();
    let mut editor = archive.store.account("editor").await.unwrap().unwrap();
    editor.totp_secret = Some(secret.to_base32());
    archive.store.update_account(&editor).await.unwrap();
    let public = Client::public(&router);
    let (_, _, form) = send(&public, Request::get("/login").body(Body::empty()).unwrap()).await;
    assert!(form.contains(r#"autocomplete="one-time-code""#), "{form}");

    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let code = format!("{:06}", secret.code_at(now / dalel_model::totp::STEP));
    let wrong = format!("{:06}", (secret.code_at(now / dalel_model::totp::STEP) + 1) % 1_000_000);
    let (status, _, body) = try_login(&public, "editor", PASSWORD, &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the password alone is not enough");
    assert!(body.contains("The account name, the password or the code is wrong."), "{body}");
    assert_eq!(try_login(&public, "editor", PASSWORD, &[("code", &wrong)]).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(try_login(&public, "editor", PASSWORD, &[("code", &code)]).await.0, StatusCode::SEE_OTHER);
    assert_eq!(
        try_login(&public, "editor", PASSWORD, &[("code", &code)]).await.0,
        StatusCode::UNAUTHORIZED,
        "a code is taken once"
    );
    // Accounts without a second factor ignore the field.
    assert_eq!(try_login(&public, "reviewer", PASSWORD, &[("code", "123456")]).await.0, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn guessing_a_password_is_stopped() {
    let (_, router, _dir) = archive_with(vec![], dalel_web::UploadPolicy::default()).await;
    let public = Client::public(&router);
    for _ in 0..5 {
        assert_eq!(try_login(&public, "admin", "a wrong guess of a password", &[]).await.0, StatusCode::UNAUTHORIZED);
    }
    // Past five failures, even the right password is refused for a while, whatever the case.
    let (status, _, body) = try_login(&public, "Admin", PASSWORD, &[]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(body.contains("Too many failed attempts"), "{body}");
    assert_eq!(try_login(&public, "admin", PASSWORD, &[]).await.0, StatusCode::TOO_MANY_REQUESTS);
    // Another account is not locked by them.
    assert_eq!(try_login(&public, "editor", PASSWORD, &[]).await.0, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_change_without_the_sessions_csrf_token_is_refused() {
    let (_, router, _dir) = archive_with(vec![], dalel_web::UploadPolicy::default()).await;
    let admin = Client::sign_in(&router, "admin").await;
    let bare = admin.without_csrf();
    let fields = [("t-name", "Aigul"), ("p0-relation", "brother"), ("p0-names", "Aidar"), ("action", "save")];
    let (status, _, body) = post_form(&bare, "/testimonies/new", &fields).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("This form has expired or did not come from dalel"), "{body}");
    let mut forged = fields.to_vec();
    forged.push(("csrf", "0123"));
    assert_eq!(post_form(&bare, "/testimonies/new", &forged).await.0, StatusCode::FORBIDDEN);
    let request = Request::post("/api/testimonies")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-csrf-token", "0123")
        .body(Body::from("{}"))
        .unwrap();
    let (status, headers, body) = send(&bare, request).await;
    assert_eq!(
        (status, headers[header::CONTENT_TYPE].to_str().unwrap()),
        (StatusCode::FORBIDDEN, "application/problem+json")
    );
    assert!(body.contains("urn:dalel:problem:forbidden"), "{body}");
    // The form's own field, as the page writes it, goes through.
    let mut good = fields.to_vec();
    good.push(("csrf", admin.csrf()));
    assert_eq!(post_form(&bare, "/testimonies/new", &good).await.0, StatusCode::SEE_OTHER);
    let (_, _, page) = send(&admin, Request::get("/testimonies/new").body(Body::empty()).unwrap()).await;
    assert!(page.contains(&format!(r#"name="csrf" value="{}""#, admin.csrf())), "the form carries it");
    assert!(page.contains(&format!(r#"<meta name="csrf-token" content="{}">"#, admin.csrf())), "for scripts");
}

/// Every route, as the public and as each role: allowed, refused (403), or not found (404) where
/// saying "refused" would reveal that a testimony exists. The public is sent to sign in (303 on
/// a page, 401 from the API).
#[tokio::test]
async fn every_route_answers_each_role_as_its_rights_say() {
    let (archive, router, _dir) =
        archive_with(vec![person("p1", &["Aidar Serikuly"], "1")], dalel_web::UploadPolicy::default()).await;
    let clients = [
        ("public", Client::public(&router)),
        ("volunteer", Client::sign_in(&router, "volunteer").await),
        ("reviewer", Client::sign_in(&router, "reviewer").await),
        ("editor", Client::sign_in(&router, "editor").await),
        ("admin", Client::sign_in(&router, "admin").await),
    ];
    // A testimony of the volunteer's own, and one recorded by the reviewer.
    let new = |name: &str| json!({"testifier": {"name": name}, "persons": [{"relation": "brother", "names": ["Aidar Serikuly"]}]});
    let mut ids = Vec::new();
    for client in [&clients[1].1, &clients[2].1] {
        let (status, _, created) = call(client, "POST", "/api/testimonies", Some(new("Aigul"))).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        ids.push(created["id"].as_str().unwrap().to_string());
    }
    let (own, other) = (ids[0].clone(), ids[1].clone());
    // An upload the admin started, which no one else may see or continue.
    let (status, started) = create(&clients[4].1, json!({"size": 10, "about": [other]})).await;
    assert_eq!(status, StatusCode::CREATED, "{started}");
    let upload = started["id"].as_str().unwrap().to_string();

    use StatusCode as S;
    const SIGN_IN: S = S::SEE_OTHER;
    const NO: S = S::UNAUTHORIZED;
    enum Body_ {
        None,
        Form(&'static [(&'static str, &'static str)]),
        Json(serde_json::Value),
        Files,
        Bytes,
    }
    // (method, path, body, [public, volunteer, reviewer, editor, admin])
    let routes: Vec<(&str, String, Body_, [S; 5])> = vec![
        ("GET", "/healthz".into(), Body_::None, [S::OK; 5]),
        ("GET", "/static/dalel.css".into(), Body_::None, [S::OK; 5]),
        ("GET", "/static/upload.js".into(), Body_::None, [S::OK; 5]),
        ("GET", "/static/intake.js".into(), Body_::None, [S::OK; 5]),
        ("GET", "/lang?to=kk".into(), Body_::None, [S::SEE_OTHER; 5]),
        ("GET", "/login".into(), Body_::None, [S::OK; 5]),
        ("GET", "/api/openapi.json".into(), Body_::None, [S::OK; 5]),
        ("GET", "/api/session".into(), Body_::None, [NO, S::OK, S::OK, S::OK, S::OK]),
        ("GET", "/".into(), Body_::None, [SIGN_IN, S::FORBIDDEN, S::OK, S::OK, S::OK]),
        ("GET", "/search?q=Aidar".into(), Body_::None, [SIGN_IN, S::FORBIDDEN, S::OK, S::OK, S::OK]),
        ("GET", "/people/p1".into(), Body_::None, [SIGN_IN, S::FORBIDDEN, S::OK, S::OK, S::OK]),
        ("GET", "/review".into(), Body_::None, [SIGN_IN, S::FORBIDDEN, S::OK, S::OK, S::OK]),
        ("GET", "/pairs".into(), Body_::None, [SIGN_IN, S::FORBIDDEN, S::OK, S::OK, S::OK]),
        ("GET", "/pairs/next".into(), Body_::None, [SIGN_IN, S::FORBIDDEN, S::SEE_OTHER, S::SEE_OTHER, S::SEE_OTHER]),
        (
            "GET",
            "/pairs/decision-none".into(),
            Body_::None,
            [SIGN_IN, S::FORBIDDEN, S::NOT_FOUND, S::NOT_FOUND, S::NOT_FOUND],
        ),
        (
            "POST",
            "/pairs/decision-none".into(),
            Body_::Form(&[("verdict", "same")]),
            [SIGN_IN, S::FORBIDDEN, S::NOT_FOUND, S::NOT_FOUND, S::NOT_FOUND],
        ),
        ("GET", "/static/pairs.js".into(), Body_::None, [S::OK; 5]),
        (
            "GET",
            "/entries/p1".into(),
            Body_::None,
            [SIGN_IN, S::FORBIDDEN, S::PERMANENT_REDIRECT, S::PERMANENT_REDIRECT, S::PERMANENT_REDIRECT],
        ),
        (
            "GET",
            format!("/entries/{}", RecordId::new("p1").unwrap().public_id()),
            Body_::None,
            [SIGN_IN, S::FORBIDDEN, S::OK, S::OK, S::OK],
        ),
        ("GET", "/testimonies/new".into(), Body_::None, [SIGN_IN, S::OK, S::OK, S::OK, S::OK]),
        (
            "POST",
            "/testimonies/new".into(),
            Body_::Form(&[("action", "add-person")]),
            [SIGN_IN, S::OK, S::OK, S::OK, S::OK],
        ),
        ("GET", format!("/testimonies/{own}"), Body_::None, [SIGN_IN, S::OK, S::OK, S::OK, S::OK]),
        ("GET", format!("/testimonies/{other}"), Body_::None, [SIGN_IN, S::NOT_FOUND, S::OK, S::OK, S::OK]),
        (
            "GET",
            "/testimonies/nobody".into(),
            Body_::None,
            [SIGN_IN, S::NOT_FOUND, S::NOT_FOUND, S::NOT_FOUND, S::NOT_FOUND],
        ),
        // Publishing a draft: refused to those who may not publish, and "not now" (409) to
        // those who may.
        (
            "POST",
            format!("/testimonies/{own}/review"),
            Body_::Form(&[("action", "publish")]),
            [SIGN_IN, S::FORBIDDEN, S::FORBIDDEN, S::CONFLICT, S::CONFLICT],
        ),
        (
            "POST",
            format!("/testimonies/{other}/review"),
            Body_::Form(&[("action", "publish")]),
            [SIGN_IN, S::NOT_FOUND, S::FORBIDDEN, S::CONFLICT, S::CONFLICT],
        ),
        (
            "POST",
            format!("/testimonies/{own}/review"),
            Body_::Form(&[("action", "accept")]),
            [SIGN_IN, S::FORBIDDEN, S::CONFLICT, S::CONFLICT, S::CONFLICT],
        ),
        (
            "POST",
            format!("/testimonies/{own}/evidence"),
            Body_::Files,
            [
                SIGN_IN,
                S::UNPROCESSABLE_ENTITY,
                S::UNPROCESSABLE_ENTITY,
                S::UNPROCESSABLE_ENTITY,
                S::UNPROCESSABLE_ENTITY,
            ],
        ),
        (
            "POST",
            format!("/testimonies/{other}/evidence"),
            Body_::Files,
            [SIGN_IN, S::NOT_FOUND, S::UNPROCESSABLE_ENTITY, S::UNPROCESSABLE_ENTITY, S::UNPROCESSABLE_ENTITY],
        ),
        ("GET", "/api/id-check?number=1".into(), Body_::None, [NO, S::OK, S::OK, S::OK, S::OK]),
        ("GET", "/api/people/similar?name=Aidar".into(), Body_::None, [NO, S::FORBIDDEN, S::OK, S::OK, S::OK]),
        (
            "POST",
            "/api/testimonies".into(),
            Body_::Json(json!({})),
            [NO, S::BAD_REQUEST, S::BAD_REQUEST, S::BAD_REQUEST, S::BAD_REQUEST],
        ),
        ("GET", format!("/api/testimonies/{own}"), Body_::None, [NO, S::OK, S::OK, S::OK, S::OK]),
        ("GET", format!("/api/testimonies/{other}"), Body_::None, [NO, S::NOT_FOUND, S::OK, S::OK, S::OK]),
        (
            "POST",
            format!("/api/testimonies/{own}/review"),
            Body_::Json(json!({"action": "withhold"})),
            [NO, S::FORBIDDEN, S::FORBIDDEN, S::CONFLICT, S::CONFLICT],
        ),
        (
            "POST",
            format!("/api/testimonies/{other}/review"),
            Body_::Json(json!({"action": "accept"})),
            [NO, S::NOT_FOUND, S::CONFLICT, S::CONFLICT, S::CONFLICT],
        ),
        (
            "POST",
            "/api/uploads".into(),
            Body_::Json(json!({"size": 10, "about": [own]})),
            [NO, S::CREATED, S::CREATED, S::CREATED, S::CREATED],
        ),
        (
            "POST",
            "/api/uploads".into(),
            Body_::Json(json!({"size": 10, "about": [other]})),
            [NO, S::UNPROCESSABLE_ENTITY, S::CREATED, S::CREATED, S::CREATED],
        ),
        ("GET", format!("/api/uploads/{upload}"), Body_::None, [NO, S::NOT_FOUND, S::NOT_FOUND, S::NOT_FOUND, S::OK]),
        (
            "PATCH",
            format!("/api/uploads/{upload}"),
            Body_::Bytes,
            [NO, S::NOT_FOUND, S::NOT_FOUND, S::NOT_FOUND, S::NO_CONTENT],
        ),
    ];
    let mut wrong = Vec::new();
    for (method, path, body, expected) in &routes {
        for ((who, client), expected) in clients.iter().zip(expected) {
            let (status, loc, text) = match body {
                Body_::Files => post_files(client, path, &[("file", "", b"")]).await,
                _ => {
                    let request = Request::builder().method(*method).uri(path.as_str());
                    let request = match body {
                        Body_::None | Body_::Files => request.body(Body::empty()),
                        Body_::Form(fields) => request
                            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                            .body(Body::from(serde_urlencoded::to_string(fields).unwrap())),
                        Body_::Json(value) => {
                            request.header(header::CONTENT_TYPE, "application/json").body(Body::from(value.to_string()))
                        }
                        Body_::Bytes => request
                            .header(header::CONTENT_TYPE, "application/offset+octet-stream")
                            .header("upload-offset", "0")
                            .body(Body::from(&b"0123"[..])),
                    };
                    let (status, headers, text) = send(client, request.unwrap()).await;
                    (status, location(&headers).to_string(), text)
                }
            };
            if status != *expected {
                wrong.push(format!(
                    "{method} {path} as {who}: {status}, expected {expected}: {}",
                    &text[..text.len().min(200)]
                ));
            }
            // The way to sign in from a page brings one back to it.
            if *method == "GET" && status == SIGN_IN && loc.starts_with("/login") {
                assert!(loc.starts_with("/login?next=%2F"), "{path}: {loc}");
            }
        }
    }
    assert!(wrong.is_empty(), "{} answers were not as the roles say:\n{}", wrong.len(), wrong.join("\n"));

    // What each role wrote is in the ledger under its own name.
    let history = archive.store.history(&RecordId::new(own.as_str()).unwrap()).await.unwrap();
    assert_eq!(history[0].author, "volunteer");
}

/// A volunteer records a testimony, gives evidence and submits it, and sees no one else's work
/// or the archive's people on the way: the page offers neither the people who may be the same
/// nor the review steps that are not theirs.
#[tokio::test]
async fn a_volunteer_sees_their_own_work_only() {
    let (_, router, _dir) =
        archive_with(vec![person("p1", &["Aidar Serikuly"], "1")], dalel_web::UploadPolicy::default()).await;
    let volunteer = Client::sign_in(&router, "volunteer").await;
    let fields = [("t-name", "Aigul"), ("p0-relation", "brother"), ("p0-names", "Aidar Serikuly"), ("action", "save")];
    let (_, headers, _) = post_form(&volunteer, "/testimonies/new", &fields).await;
    let page = location(&headers).trim_end_matches("?saved=1").to_string();
    let (status, _, body) = send(&volunteer, Request::get(page.as_str()).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.contains("/people/p1"), "the person already in the archive is not offered: {body}");
    assert!(body.contains(r#"value="submit""#) && !body.contains(r#"value="withdraw""#), "{body}");
    assert!(!body.contains(r#"href="/review""#) && !body.contains(r#"action="/search""#), "{body}");
    let (_, _, form) = send(&volunteer, Request::get("/testimonies/new").body(Body::empty()).unwrap()).await;
    assert!(form.contains(r#"data-similar="off""#), "the form's script does not look names up");
    let (status, headers, _) = post_form(&volunteer, &format!("{page}/review"), &[("action", "submit")]).await;
    assert_eq!((status, location(&headers)), (StatusCode::SEE_OTHER, page.as_str()));
    let editor = Client::sign_in(&router, "editor").await;
    let (_, _, body) = send(&editor, Request::get(page.as_str()).body(Body::empty()).unwrap()).await;
    assert!(body.contains("/people/p1"), "an editor is offered the person who may be the same: {body}");
    assert!(body.contains("<td>volunteer</td>"), "the ledger names the volunteer as the author: {body}");
}
