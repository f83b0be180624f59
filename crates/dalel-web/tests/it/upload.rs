//! Evidence files in resumable chunks: an interrupted upload resumes and ends with the right
//! hash; a file over the limit, of a refused type, or whose bytes do not match its declared hash
//! is refused with a problem document naming the field.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use dalel_model::{Record, RecordKind};
use dalel_store::{Archive, Store, verify};
use sha2::{Digest, Sha256};

use super::{app_with, person, send};

/// A synthetic MP4: the `ftyp` box the type is read from, then filler.
pub(crate) fn video(len: usize) -> Vec<u8> {
    let mut v = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom".to_vec();
    v.extend((0..len - v.len()).map(|i| (i % 253) as u8));
    v
}

pub(crate) async fn create(app: &crate::Client, json: serde_json::Value) -> (StatusCode, serde_json::Value) {
    let request = Request::post("/api/uploads")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json.to_string()))
        .unwrap();
    let (status, _, body) = send(app, request).await;
    (status, serde_json::from_str(&body).unwrap())
}

pub(crate) async fn patch(
    app: &crate::Client,
    id: &str,
    offset: u64,
    bytes: &[u8],
) -> (StatusCode, axum::http::HeaderMap, String) {
    let request = Request::patch(format!("/api/uploads/{id}"))
        .header("upload-offset", offset.to_string())
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(bytes.to_vec()))
        .unwrap();
    send(app, request).await
}

#[tokio::test]
async fn an_interrupted_upload_resumes_and_ends_with_the_right_hash() {
    let (app, dir) = app_with(vec![person("p1", &["Aidar Serikuly"], "1")]).await;
    let data = video(3_000_000);
    let sha = hex::encode(Sha256::digest(&data));
    let (status, created) = create(
        &app,
        serde_json::json!({"size": data.len(), "sha256": sha, "file_name": "arrest.mp4", "about": ["p1"]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_string();

    // A first chunk too short to tell the type from is taken; the type is read later.
    assert_eq!(patch(&app, &id, 0, &data[..5]).await.0, StatusCode::NO_CONTENT);
    let half = data.len() / 2;
    let (status, headers, _) = patch(&app, &id, 5, &data[5..half]).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(headers["upload-offset"], half.to_string().as_str());
    // The connection drops; the client asks where it stands, and a stale retry is refused.
    let (status, _, body) = send(&app, Request::get(format!("/api/uploads/{id}")).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let status_json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(status_json["offset"], half);
    assert_eq!(status_json["media_type"], "video/mp4", "read from the content");
    let (status, headers, body) = patch(&app, &id, 0, &data[..10]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
    assert_eq!(headers["upload-offset"], half.to_string().as_str());
    assert!(body.contains(&format!("send from byte {half}")), "{body}");

    let (status, _, body) = patch(&app, &id, half as u64, &data[half..]).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let done: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(done["sha256"], sha);
    assert_eq!(done["size"], data.len());

    let archive = Archive::open(dir.path()).await.unwrap();
    let files = archive.store.list(RecordKind::EvidenceFile, None, 10).await.unwrap();
    let [Record::EvidenceFile(file)] = &files[..] else { panic!("{files:?}") };
    assert_eq!((file.sha256.as_str(), file.media_type.as_str()), (sha.as_str(), "video/mp4"));
    assert_eq!(file.about[0].as_str(), "p1");
    assert_eq!(file.file_name.as_deref(), Some("arrest.mp4"));
    let report = verify(&archive.store, &archive.evidence, |_| {}).await.unwrap();
    assert_eq!(report.evidence_files, 1, "the file is in the evidence store under its hash");
    let (status, _, _) = send(&app, Request::get(format!("/api/uploads/{id}")).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a finished upload is gone");
}

#[tokio::test]
async fn the_uploader_script_is_served_from_the_app_itself() {
    let (app, _dir) = app_with(vec![]).await;
    let (status, headers, body) = send(&app, Request::get("/static/upload.js").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/javascript"));
    assert!(body.contains("upload-offset") && !body.contains("http://") && !body.contains("https://"), "no other host");
}

#[tokio::test]
async fn bad_uploads_are_refused_with_a_named_field() {
    let (app, _dir) = app_with(vec![]).await;
    let (status, p) = create(&app, serde_json::json!({"size": 5u64 << 30})).await;
    assert_eq!((status, p["field"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("size")), "{p}");
    assert!(p["detail"].as_str().unwrap().contains("over the limit"));
    let (status, p) = create(&app, serde_json::json!({"size": 10, "sha256": "xyz"})).await;
    assert_eq!((status, p["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("sha256")));
    let (status, p) = create(&app, serde_json::json!({"size": 10, "about": ["nobody"]})).await;
    assert_eq!((status, p["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("about[0]")));
    let (status, _) = create(&app, serde_json::json!({"sise": 10})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // A text file named like a video: the content decides, and it is refused at once.
    let text = b"This is not a video, whatever its name says.".to_vec();
    let (_, created) = create(&app, serde_json::json!({"size": text.len(), "file_name": "video.mp4"})).await;
    let id = created["id"].as_str().unwrap();
    let (status, headers, body) = patch(&app, id, 0, &text).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body}");
    assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
    assert!(body.contains("not accepted"), "{body}");
    assert_eq!(patch(&app, id, 0, &text).await.0, StatusCode::NOT_FOUND, "the refused upload is discarded");

    // Bytes that do not hash to the declared SHA-256.
    let data = video(1000);
    let (_, created) = create(&app, serde_json::json!({"size": data.len(), "sha256": "ab".repeat(32)})).await;
    let id = created["id"].as_str().unwrap();
    let (status, _, body) = patch(&app, id, 0, &data).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains(r#""field":"sha256""#) && body.contains("not to the declared"), "{body}");

    // No offset; too many bytes.
    let (_, created) = create(&app, serde_json::json!({"size": 100})).await;
    let id = created["id"].as_str().unwrap();
    let request = Request::patch(format!("/api/uploads/{id}")).body(Body::from(video(50))).unwrap();
    let (status, _, body) = send(&app, request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("Upload-Offset"), "{body}");
    assert_eq!(patch(&app, id, 0, &video(150)).await.0, StatusCode::UNPROCESSABLE_ENTITY);
}

/// A `multipart/form-data` body of `files` (field name, file name, bytes), as a browser sends it.
fn multipart(files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----dalel-test-boundary";
    let mut body = Vec::new();
    for (field, name, bytes) in files {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n")
                .bytes(),
        );
        body.extend(b"Content-Type: application/octet-stream\r\n\r\n");
        body.extend(*bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub(crate) async fn post_files(
    app: &crate::Client,
    uri: &str,
    files: &[(&str, &str, &[u8])],
) -> (StatusCode, String, String) {
    let (content_type, body) = multipart(files);
    let request = Request::post(uri).header(header::CONTENT_TYPE, content_type).body(Body::from(body)).unwrap();
    let (status, headers, body) = send(app, request).await;
    let location = headers.get(header::LOCATION).map_or(String::new(), |l| l.to_str().unwrap().to_string());
    (status, location, body)
}

/// Without JavaScript the testimony page's form posts its files in one request: each is hashed
/// and typed from its content, and a refused one is named.
#[tokio::test]
async fn the_plain_form_stores_files_and_names_a_refused_one() {
    let policy = dalel_web::UploadPolicy { max_size: 400_000, ..Default::default() };
    let (archive, router, dir) = crate::archive_with(vec![], policy).await;
    let app = crate::Client::sign_in(&router, "volunteer").await;
    let fields =
        [("t-name", "Aigul Serikkyzy"), ("p0-relation", "brother"), ("p0-names", "Aidar Serikuly"), ("action", "save")];
    let (_, headers, _) = super::post_form(&app, "/testimonies/new", &fields).await;
    let page = headers[header::LOCATION].to_str().unwrap().trim_end_matches("?saved=1").to_string();
    let (_, body) = super::get(&app, &page).await;
    assert!(body.contains(&format!(r#"action="{page}/evidence?csrf={}""#, app.csrf())), "{body}");
    assert!(body.contains(r#"enctype="multipart/form-data""#) && body.contains(r#"name="file""#), "{body}");

    let photo: Vec<u8> =
        b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00".iter().copied().chain((0..5000).map(|i| (i % 251) as u8)).collect();
    let clip = video(300_000);
    // The form's own address carries the CSRF token, as a browser without JavaScript sends it.
    let uri = format!("{page}/evidence?csrf={}", app.csrf());
    let app = app.without_csrf();
    let (status, location, body) =
        post_files(&app, &uri, &[("file", "id-card.jpg", &photo), ("file", "arrest.mp4", &clip)]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, page.as_str()), "{body}");
    let files = archive.store.list(RecordKind::EvidenceFile, None, 10).await.unwrap();
    let testimony = page.trim_start_matches("/testimonies/");
    let mut stored: Vec<(String, String, u64)> = files
        .iter()
        .map(|r| match r {
            Record::EvidenceFile(f) => {
                assert_eq!(f.about.iter().map(|a| a.as_str()).collect::<Vec<_>>(), [testimony]);
                (f.media_type.clone(), f.sha256.clone(), f.size)
            }
            other => panic!("{other:?}"),
        })
        .collect();
    stored.sort();
    let hex = |b: &[u8]| hex::encode(Sha256::digest(b));
    assert_eq!(
        stored,
        [
            ("image/jpeg".to_string(), hex(&photo), photo.len() as u64),
            ("video/mp4".to_string(), hex(&clip), clip.len() as u64),
        ]
    );
    verify(&archive.store, &archive.evidence, |_| {}).await.unwrap();
    let (_, body) = super::get(&app, &page).await;
    assert!(body.contains("id-card.jpg") && body.contains("arrest.mp4"), "{body}");

    // A text file named like a photo, after a good one: the good one is kept, the other named.
    let text = b"Not a photo, whatever its name says; the content decides what a file is.".repeat(5);
    let (status, _, body) = post_files(&app, &uri, &[("file", "ok.jpg", &photo), ("file", "scan.jpg", &text)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("scan.jpg: the content is an unknown type, which is not accepted here"), "{body}");
    assert!(body.contains("1 file(s) sent before it were stored"), "{body}");
    // Over the limit; no file chosen (a browser's empty part); an unknown testimony.
    let (status, _, body) = post_files(&app, &uri, &[("file", "long.mp4", &video(500_000))]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("long.mp4: the file is larger than the limit"), "{body}");
    let (status, _, body) = post_files(&app, &uri, &[("file", "", b"")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("No file was chosen."), "{body}");
    let nope = format!("/testimonies/nope/evidence?csrf={}", uri.split("csrf=").nth(1).unwrap());
    let unknown = post_files(&app, &nope, &[("file", "a.jpg", &photo)]).await;
    assert_eq!(unknown.0, StatusCode::NOT_FOUND);
    // Nothing refused was kept: three records, the two files and the photo again as ok.jpg.
    assert_eq!(archive.store.count(RecordKind::EvidenceFile).await.unwrap(), 3);
    let leftovers = std::fs::read_dir(dir.path().join("uploads")).unwrap().count();
    assert_eq!(leftovers, 0, "no scratch file is left behind");
}
