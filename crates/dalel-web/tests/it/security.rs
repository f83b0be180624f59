//! The headers every response carries, and pages that need no inline script or style (so that
//! the Content-Security-Policy can forbid them).

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};

use crate::{app_with, person, post_form, send};

fn check_headers(what: &str, headers: &HeaderMap) {
    let value = |name: &str| headers.get(name).map_or_else(String::new, |v| v.to_str().unwrap().to_string());
    let csp = value("content-security-policy");
    for directive in ["default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"] {
        assert!(csp.contains(directive), "{what}: no {directive:?} in {csp:?}");
    }
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{what}: {csp}");
    assert_eq!(value("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(value("x-frame-options"), "DENY", "{what}");
    assert_eq!(value("referrer-policy"), "same-origin", "{what}");
    let public = what.starts_with("GET /static/");
    assert_eq!(value("cache-control") == "no-store", !public, "{what}: cache-control {}", value("cache-control"));
}

/// An HTML page with nothing the policy blocks: no inline script, style element or attribute.
fn check_html(what: &str, body: &str) {
    assert!(!body.contains("<style") && !body.contains(" style="), "{what}: an inline style");
    for script in body.split("<script").skip(1) {
        let tag = &script[..script.find('>').unwrap()];
        assert!(tag.contains(" src=\"/static/"), "{what}: an inline script: <script{tag}>");
    }
    assert!(!body.contains(" onclick=") && !body.contains(" onload=") && !body.contains(" onsubmit="), "{what}");
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_pages_have_no_inline_code() {
    let (app, _dir) = app_with(vec![person("p1", &["Серікжан Біләш"], "650102197001011234")]).await;
    // A testimony, for its page and its review queue.
    let fields = [("t-name", "Aigul"), ("p0-relation", "brother"), ("p0-names", "Aidar"), ("action", "save")];
    let (status, headers, _) = post_form(&app, "/testimonies/new", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    check_headers("POST /testimonies/new", &headers);
    let testimony = headers[header::LOCATION].to_str().unwrap().trim_end_matches("?saved=1").to_string();

    let pages = ["/", "/search?q=Serikzhan", "/people/p1", "/testimonies/new", "/review", testimony.as_str()];
    let others = [
        "/healthz",
        "/lang?to=ru",
        "/people/nobody",
        "/no/such/page",
        "/api/openapi.json",
        "/api/id-check?number=650102197001011234",
        "/api/people/similar?name=Aidar",
        "/api/uploads/none",
        "/static/dalel.css",
        "/static/upload.js",
        "/static/intake.js",
    ];
    for uri in pages.iter().chain(&others) {
        let (status, headers, body) = send(&app, Request::get(*uri).body(Body::empty()).unwrap()).await;
        let what = format!("GET {uri} ({status})");
        check_headers(&what, &headers);
        if pages.contains(uri) {
            assert_eq!(status, StatusCode::OK, "{what}");
            check_html(&what, &body);
        }
        if *uri == "/people/nobody" {
            check_html(&what, &body);
        }
    }
    // Errors of a form and of the API carry them too.
    let (status, headers, body) = post_form(&app, "/testimonies/nothing/review", &[("action", "submit")]).await;
    check_headers(&format!("POST /testimonies/nothing/review ({status})"), &headers);
    check_html("POST error", &body);
    let (status, headers, _) = post_form(&app, "/api/testimonies", &[("x", "y")]).await;
    assert!(status.is_client_error());
    check_headers("POST /api/testimonies", &headers);
}

#[tokio::test]
async fn the_stylesheet_holds_the_pages_styles() {
    let (app, _dir) = app_with(vec![]).await;
    let (_, body) = crate::get(&app, "/").await;
    assert!(body.contains(r#"<link rel="stylesheet" href="/static/dalel.css">"#), "{body}");
    let (status, headers, css) = send(&app, Request::get("/static/dalel.css").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert!(css.contains(".lang-switch{float:right}") && body.contains(r#"class="lang-switch""#));
}
