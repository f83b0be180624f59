//! The headers every response carries, and pages that need no inline script or style (so that
//! the Content-Security-Policy can forbid them).

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};

use dalel_model::{Account, Role, Session, SessionToken};
use dalel_store::Store;

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

/// Sends `request` on a new connection to `addr`; returns what the server sent before it
/// closed the connection.
async fn exchange(addr: std::net::SocketAddr, request: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    // A safety net for the test, not a measure: the server closes well before.
    let read = tokio::time::timeout(std::time::Duration::from_secs(30), stream.read_to_end(&mut answer)).await;
    read.expect("the server kept the connection open").unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

/// A client that does not finish its headers is disconnected, and one that does not finish its
/// body is answered 408; the others are served.
#[tokio::test]
async fn slow_clients_are_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dalel_store::Archive::init(dir.path()).await.unwrap();
    let limit = std::time::Duration::from_millis(300);
    let state = dalel_web::AppState::new(&archive, dalel_web::UploadPolicy::default()).with_request_timeout(limit);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(dalel_web::serve(listener, dalel_web::app(state), limit, async {
        let _ = stopped.await;
    }));

    let answer = exchange(addr, "GET /healthz HTTP/1.1\r\nHost: dalel\r\nConnection: close\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(answer.contains("content-security-policy: "), "{answer}");

    let answer = exchange(addr, "GET /healthz HTTP/1.1\r\nHost: dal").await;
    assert!(!answer.contains("200 OK"), "unfinished headers were answered: {answer}");

    // Signed in (a session put straight into the store), so that the body is waited for.
    let account = Account::new("aigul", Role::Volunteer, "-");
    archive.store.add_account(&account).await.unwrap();
    let token = SessionToken::generate();
    let session = Session { token_hash: token.hash(), account: "aigul".into(), created_at: 0, expires_at: i64::MAX };
    archive.store.add_session(&session).await.unwrap();
    let body_start = "t-name=Aigul";
    let request = format!(
        "POST /testimonies/new HTTP/1.1\r\nHost: dalel\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Cookie: dalel_session={}\r\nX-CSRF-Token: {}\r\nContent-Length: 1000\r\n\r\n{body_start}",
        token.as_str(),
        token.csrf()
    );
    let answer = exchange(addr, &request).await;
    assert!(answer.starts_with("HTTP/1.1 408 Request Timeout"), "{answer}");

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

/// A change sent by a page of another site (a form it posts to dalel in the browser of someone
/// who has dalel open) is refused; the same change from dalel's own pages, or from a client that
/// is not a browser, goes through.
#[tokio::test]
async fn changes_from_another_site_are_refused() {
    let (app, _dir) = app_with(vec![]).await;
    let form = "t-name=Aigul&p0-relation=brother&p0-names=Aidar&action=save";
    let post = |headers: &[(&str, &str)]| {
        let mut request = Request::post("/testimonies/new")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "127.0.0.1:8080");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.body(Body::from(form)).unwrap()
    };
    let refused = [
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
        vec![("origin", "https://evil.example")],
        vec![("origin", "http://127.0.0.1:9999")],
        vec![("origin", "null")],
    ];
    for headers in refused {
        let (status, response_headers, body) = send(&app, post(&headers)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{headers:?}: {body}");
        check_headers("a refused change", &response_headers);
    }
    let allowed = [
        vec![("sec-fetch-site", "same-origin"), ("origin", "http://127.0.0.1:8080")],
        vec![("origin", "http://127.0.0.1:8080")],
        vec![("sec-fetch-site", "none")],
        vec![],
    ];
    for headers in allowed {
        let (status, _, body) = send(&app, post(&headers)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{headers:?}: {body}");
    }
    // Reading is never refused: a link from elsewhere to a page works.
    let request = Request::get("/").header("sec-fetch-site", "cross-site").body(Body::empty()).unwrap();
    assert_eq!(send(&app, request).await.0, StatusCode::OK);
}
