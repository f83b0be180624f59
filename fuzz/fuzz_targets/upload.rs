//! The upload endpoints, driven in-process: the input is a sequence of requests (JSON to start
//! an upload, chunks with any `Upload-Offset`, multipart bodies for the page's form). Whatever
//! arrives, the server answers, and never with a 5xx (its own failure) or a panic.
#![no_main]

use std::sync::OnceLock;

use dalel_web::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;

struct World {
    runtime: tokio::runtime::Runtime,
    app: Router,
    testimony: String,
}

/// The session every request is sent with (an editor's, put straight into the store): the
/// cookie and the CSRF token. Without them every request would stop at "sign in first".
static SESSION: OnceLock<(String, String)> = OnceLock::new();

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        // Under the directory scripts/fuzz removes afterwards.
        let base = std::env::var_os("DALEL_FUZZ_DIR").map(std::path::PathBuf::from).unwrap_or_else(std::env::temp_dir);
        let dir = tempfile::tempdir_in(base).unwrap().keep();
        let (app, testimony) = runtime.block_on(async {
            use dalel_model::{Account, Role, Session, SessionToken};
            use dalel_store::Store;
            let archive = dalel_store::Archive::init(&dir).await.unwrap();
            let editor = Account::new("fuzz", Role::Editor, "-");
            archive.store.add_account(&editor).await.unwrap();
            let token = SessionToken::generate();
            let session =
                Session { token_hash: token.hash(), account: "fuzz".into(), created_at: 0, expires_at: i64::MAX };
            archive.store.add_session(&session).await.unwrap();
            SESSION.set((format!("dalel_session={}", token.as_str()), token.csrf())).unwrap();
            let policy = dalel_web::UploadPolicy { max_size: 1 << 20, ..dalel_web::UploadPolicy::default() };
            let app = dalel_web::app(dalel_web::AppState::new(&archive, policy));
            let form = "t-name=Aigul&p0-relation=brother&p0-names=Aidar&action=save";
            let (status, location, _) =
                send(&app, "POST", "/testimonies/new", FORM, &[], form.as_bytes().to_vec()).await;
            assert_eq!(status, 303, "the testimony to give evidence to is saved");
            (app, location.trim_end_matches("?saved=1").to_string())
        });
        World { runtime, app, testimony }
    })
}

const FORM: &str = "application/x-www-form-urlencoded";

async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    content_type: &str,
    headers: &[(&str, &[u8])],
    body: Vec<u8>,
) -> (u16, String, Vec<u8>) {
    let (cookie, csrf) = SESSION.get().unwrap();
    let mut request = axum::http::Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", content_type)
        .header("cookie", cookie)
        .header("x-csrf-token", csrf);
    for (name, value) in headers {
        if let Ok(value) = axum::http::HeaderValue::from_bytes(value) {
            request = request.header(*name, value);
        }
    }
    let response = app.clone().oneshot(request.body(axum::body::Body::from(body)).unwrap()).await.unwrap();
    let status = response.status().as_u16();
    let location = response.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_string();
    let body = response.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, location, body)
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let world = world();
    world.runtime.block_on(async {
        let mut rest = data;
        while rest.len() >= 3 {
            let (op, len) = (rest[0] % 3, usize::from(u16::from_le_bytes([rest[1], rest[2]])));
            let chunk = &rest[3..][..len.min(rest.len() - 3)];
            rest = &rest[3 + chunk.len()..];
            let (status, _, body) = match op {
                0 => send(&world.app, "POST", "/api/uploads", "application/json", &[], chunk.to_vec()).await,
                1 => {
                    // A valid start, then a chunk with an offset that may be right, wrong or garbage.
                    let size = chunk.len().max(1);
                    let start = format!(r#"{{"size": {size}, "file_name": "scan.pdf"}}"#).into_bytes();
                    let (_, location, _) =
                        send(&world.app, "POST", "/api/uploads", "application/json", &[], start).await;
                    let offset = match chunk.first().map(|b| b % 3) {
                        Some(0) | None => b"0".to_vec(),
                        Some(1) => (chunk.len() as u64 * 7 % 5).to_string().into_bytes(),
                        _ => chunk.iter().take(8).copied().collect(),
                    };
                    let headers = [("upload-offset", offset.as_slice())];
                    send(&world.app, "PATCH", &location, "application/offset+octet-stream", &headers, chunk.to_vec())
                        .await
                }
                _ => {
                    let uri = format!("{}/evidence", world.testimony);
                    send(&world.app, "POST", &uri, "multipart/form-data; boundary=XyZ", &[], chunk.to_vec()).await
                }
            };
            assert!(status < 500, "answered {status}: {}", String::from_utf8_lossy(&body));
        }
    });
});
