//! Evidence files in resumable chunks, over JSON (a small protocol in the spirit of tus):
//!
//! - `POST /api/uploads` `{"size", "sha256"?, "file_name"?, "about": [record ids]}` starts one:
//!   `201` with `{"id", "offset": 0, "size"}` and `Location: /api/uploads/{id}`.
//! - `PATCH /api/uploads/{id}` with `Upload-Offset: <bytes already sent>` and up to 16 MiB of the
//!   file: `204` with the new `Upload-Offset`, or, with the last byte, `201` and the evidence
//!   file's record. A wrong offset is `409` and says where the upload stands.
//! - `GET /api/uploads/{id}` says where it stands, to resume after a dropped connection.
//!
//! The file's type is read from its first bytes, never from its name; a type the policy does not
//! accept, a file over the size limit and bytes that do not hash to the declared SHA-256 are
//! refused with an RFC 9457 `application/problem+json` that names the field and the reason.
//!
//! Without JavaScript, the testimony page's upload form posts the files as
//! `multipart/form-data` to `POST /testimonies/{id}/evidence`: each is hashed as it streams to
//! a file beside the uploads, checked against the same policy, and stored; a refused file is
//! named on a page of its own. Such an upload cannot resume: it suits photos and documents.

use axum::Json;
use axum::body::Bytes;
use axum::extract::multipart::Field;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use dalel_interchange::new_record_id;
use dalel_model::{EvidenceFile, Hash, Record, RecordId};
use dalel_store::{Progress, StoredFile, UploadError, UploadInfo};
use maud::html;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use utoipa::ToSchema;

use crate::api::{ProblemDoc, problem};
use crate::auth::SignedIn;
use crate::i18n::Tr;
use crate::pages::page;
use crate::testimony::load;
use crate::{AppState, WebError};

/// The largest chunk one `PATCH` may carry.
pub const CHUNK_MAX: usize = 16 << 20;
const OFFSET: &str = "upload-offset";
/// Bytes enough to read any type the policy may accept from its signature.
const TYPE_BYTES: u64 = 262;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/uploads", post(create))
        // The policy's size limit is enforced while the files stream in.
        .route("/testimonies/{id}/evidence", post(form_upload).layer(DefaultBodyLimit::disable()))
        .route("/api/uploads/{id}", axum::routing::get(status).patch(append).layer(DefaultBodyLimit::max(CHUNK_MAX)))
}

/// An upload to start.
#[derive(Deserialize, ToSchema)]
pub(crate) struct CreateUpload {
    /// The whole file's size in bytes.
    size: u64,
    /// The SHA-256 of the whole file (64 hex digits), checked when the last byte arrives.
    #[serde(default)]
    sha256: Option<String>,
    #[serde(default)]
    file_name: Option<String>,
    /// The ids of the records the file is evidence about.
    #[serde(default)]
    about: Vec<String>,
}

/// Where an upload stands.
#[derive(Serialize, ToSchema)]
pub(crate) struct UploadStatus {
    id: String,
    /// Bytes received: send from here.
    offset: u64,
    size: u64,
    /// Read from the first bytes, once there are enough.
    #[serde(skip_serializing_if = "Option::is_none")]
    media_type: Option<String>,
}

/// A finished upload: the evidence file's record.
#[derive(Serialize, ToSchema)]
pub(crate) struct UploadDone {
    record: String,
    sha256: String,
    size: u64,
    media_type: String,
}

/// Starts an upload.
#[utoipa::path(post, path = "/api/uploads", request_body = CreateUpload,
    responses(
        (status = 201, description = "Started; `Location` is where to send the bytes", body = UploadStatus),
        (status = 400, description = "Not JSON of this shape", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 413, description = "Over the size limit", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "A field to correct", body = ProblemDoc, content_type = "application/problem+json")
    ))]
pub(crate) async fn create(who: SignedIn, State(state): State<AppState>, body: Bytes) -> Result<Response, WebError> {
    let req: CreateUpload = match serde_json::from_slice(&body) {
        Ok(req) => req,
        Err(e) => return Ok(problem(StatusCode::BAD_REQUEST, "bad-json", None, format!("the request body: {e}"))),
    };
    if req.size == 0 {
        return Ok(problem(StatusCode::UNPROCESSABLE_ENTITY, "empty-file", Some("size"), "the file is empty"));
    }
    if req.size > state.policy.max_size {
        let detail = format!("{} bytes is over the limit of {} bytes", req.size, state.policy.max_size);
        return Ok(problem(StatusCode::PAYLOAD_TOO_LARGE, "too-large", Some("size"), detail));
    }
    if let Some(h) = &req.sha256
        && !(h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        let detail = "a SHA-256 is 64 hexadecimal digits";
        return Ok(problem(StatusCode::UNPROCESSABLE_ENTITY, "bad-sha256", Some("sha256"), detail));
    }
    if req.file_name.as_ref().is_some_and(|n| n.chars().count() > 500) {
        return Ok(problem(StatusCode::UNPROCESSABLE_ENTITY, "too-long", Some("file_name"), "at most 500 characters"));
    }
    for (i, id) in req.about.iter().enumerate() {
        // A volunteer gives evidence about their own testimonies only; anything else is, to
        // them, no record.
        let known = if who.role.reads_archive() {
            match RecordId::new(id.as_str()) {
                Ok(rid) => state.store.get(&rid).await?.is_some(),
                Err(_) => false,
            }
        } else {
            match load(&state, &who, id).await {
                Ok(_) => true,
                Err(WebError::NotFound) => false,
                Err(e) => return Err(e),
            }
        };
        if !known {
            let field = format!("about[{i}]");
            return Ok(problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown-record",
                Some(&field),
                format!("no record {id}"),
            ));
        }
    }
    let info = UploadInfo {
        size: req.size,
        sha256: req.sha256.map(|h| h.to_ascii_lowercase()),
        file_name: req.file_name,
        about: req.about,
        media_type: None,
        author: Some(who.name.clone()),
    };
    let uploads = state.uploads.clone();
    let id = {
        let info = info.clone();
        tokio::task::spawn_blocking(move || uploads.create(&info)).await.map_err(join_error)??
    };
    let location = format!("/api/uploads/{id}");
    let body = UploadStatus { id, offset: 0, size: info.size, media_type: None };
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(body)).into_response())
}

/// Where an upload stands, to resume it.
#[utoipa::path(get, path = "/api/uploads/{id}", params(("id" = String, Path, description = "The upload's id")),
    responses(
        (status = 200, description = "Where it stands", body = UploadStatus),
        (status = 404, description = "No such upload", body = ProblemDoc, content_type = "application/problem+json")
    ))]
pub(crate) async fn status(
    who: SignedIn,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let Some((info, offset)) = own_upload(&state, &who, &id).await? else { return Ok(unknown(&id)) };
    let body = UploadStatus { id, offset, size: info.size, media_type: info.media_type };
    Ok(([(OFFSET, offset.to_string())], Json(body)).into_response())
}

/// The upload `id` and where it stands, if `who` started it: to anyone else it does not exist.
async fn own_upload(state: &AppState, who: &SignedIn, id: &str) -> Result<Option<(UploadInfo, u64)>, WebError> {
    let uploads = state.uploads.clone();
    let found = {
        let id = id.to_string();
        tokio::task::spawn_blocking(move || uploads.status(&id)).await.map_err(join_error)??
    };
    Ok(found.filter(|(info, _)| info.author.as_deref() == Some(who.name.as_str())))
}

fn unknown(id: &str) -> Response {
    problem(StatusCode::NOT_FOUND, "unknown-upload", None, format!("no upload {id}"))
}

/// Appends a chunk of at most 16 MiB at `Upload-Offset`.
#[utoipa::path(patch, path = "/api/uploads/{id}",
    params(
        ("id" = String, Path, description = "The upload's id"),
        ("Upload-Offset" = u64, Header, description = "The bytes sent before this chunk")
    ),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
        (status = 201, description = "The last byte: the evidence file's record", body = UploadDone),
        (status = 204, description = "Received; `Upload-Offset` is the new offset"),
        (status = 400, description = "No `Upload-Offset`", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such upload", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Not at that offset; `Upload-Offset` says where", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 413, description = "A chunk over 16 MiB", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 415, description = "The content is not of an accepted type", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Past the declared size, or not the declared hash", body = ProblemDoc, content_type = "application/problem+json")
    ))]
pub(crate) async fn append(
    who: SignedIn,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    if own_upload(&state, &who, &id).await?.is_none() {
        return Ok(unknown(&id));
    }
    let Some(offset) = headers.get(OFFSET).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok())
    else {
        let detail = "the Upload-Offset header must say how many bytes were sent before this chunk";
        return Ok(problem(StatusCode::BAD_REQUEST, "no-offset", Some("Upload-Offset"), detail));
    };
    let uploads = state.uploads.clone();
    let result = {
        let id = id.clone();
        tokio::task::spawn_blocking(move || uploads.append(&id, offset, &body)).await.map_err(join_error)?
    };
    let (info, progress) = match result {
        Ok(appended) => appended,
        Err(UploadError::Unknown(_)) => return Ok(unknown(&id)),
        Err(UploadError::WrongOffset { at, offered }) => {
            let detail = format!("the upload is at byte {at}, not at byte {offered}: send from byte {at}");
            let mut response = problem(StatusCode::CONFLICT, "wrong-offset", Some("Upload-Offset"), detail);
            response.headers_mut().insert(OFFSET, HeaderValue::from(at));
            return Ok(response);
        }
        Err(e @ UploadError::TooLong { .. }) => {
            return Ok(problem(StatusCode::UNPROCESSABLE_ENTITY, "past-size", Some("size"), e.to_string()));
        }
        Err(e @ UploadError::HashMismatch { .. }) => {
            state.uploads.discard(&id);
            let detail = format!("{e}; the upload is discarded: start again");
            return Ok(problem(StatusCode::UNPROCESSABLE_ENTITY, "hash-mismatch", Some("sha256"), detail));
        }
        Err(UploadError::Store(e)) => return Err(e.into()),
    };
    // The type, from the first bytes, as soon as there are enough of them.
    let received = match progress {
        Progress::Partial(at) => at,
        Progress::Complete { size, .. } => size,
    };
    let media_type = match info.media_type {
        Some(t) => t,
        None if received < TYPE_BYTES.min(info.size) => {
            return Ok((StatusCode::NO_CONTENT, [(OFFSET, received.to_string())]).into_response());
        }
        None => {
            let head = state.uploads.head(&id, 8192)?;
            match accepted_type(&state, &head) {
                Ok(t) => {
                    state.uploads.set_media_type(&id, &t).map_err(|e| WebError::BadRequest(e.to_string()))?;
                    t
                }
                Err(seen) => {
                    state.uploads.discard(&id);
                    let detail = format!(
                        "the file's content is {seen}, which is not accepted (accepted: {}); the upload is discarded",
                        state.policy.accepted.join(", ")
                    );
                    return Ok(problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "type-not-accepted", Some("file"), detail));
                }
            }
        }
    };
    let (sha256, size) = match progress {
        Progress::Partial(at) => return Ok((StatusCode::NO_CONTENT, [(OFFSET, at.to_string())]).into_response()),
        Progress::Complete { sha256, size } => (sha256, size),
    };
    let uploads = state.uploads.clone();
    let evidence = state.evidence.clone();
    let stored = {
        let id = id.clone();
        tokio::task::spawn_blocking(move || uploads.finish(&id, sha256, size, &evidence))
            .await
            .map_err(join_error)??
    };
    let about = info.about.iter().filter_map(|a| RecordId::new(a.as_str()).ok()).collect();
    let record_id = record_file(&state, &who, &stored, &media_type, info.file_name, about).await?;
    let body =
        UploadDone { record: record_id.to_string(), sha256: stored.sha256.to_hex(), size: stored.size, media_type };
    Ok((StatusCode::CREATED, [(OFFSET, size.to_string())], Json(body)).into_response())
}

/// The media type read from a file's first bytes when the policy accepts it; otherwise what the
/// bytes look like, to name in the refusal.
fn accepted_type(state: &AppState, head: &[u8]) -> Result<String, String> {
    let detected = infer::get(head).map(|t| t.mime_type().to_string());
    match detected {
        Some(t) if state.policy.accepted.contains(&t) => Ok(t),
        Some(t) => Err(t),
        None => Err("an unknown type".to_string()),
    }
}

/// Puts the evidence file's record; returns its id.
async fn record_file(
    state: &AppState,
    who: &SignedIn,
    stored: &StoredFile,
    media_type: &str,
    file_name: Option<String>,
    about: Vec<RecordId>,
) -> Result<RecordId, WebError> {
    let record = EvidenceFile {
        id: new_record_id(),
        external_id: None,
        sha256: stored.sha256.to_hex(),
        size: stored.size,
        media_type: media_type.to_string(),
        file_name,
        about,
        description: None,
    };
    let record_id = record.id.clone();
    let mut writer = state.store.writer(&who.name).await?;
    writer.put(vec![Record::EvidenceFile(record)]).await?;
    writer.commit().await?;
    Ok(record_id)
}

/// Why a file of the plain form was not stored.
enum Refused {
    TooLarge,
    Type(String),
}

/// Receives the files of the testimony page's form (`multipart/form-data`, field `file`).
async fn form_upload(
    tr: Tr,
    who: SignedIn,
    State(state): State<AppState>,
    Path(id): Path<String>,
    mut form: Multipart,
) -> Result<Response, WebError> {
    let about = load(&state, &who, &id).await?.id;
    let mut stored = 0;
    while let Some(mut field) = form.next_field().await.map_err(unreadable)? {
        if field.name() != Some("file") {
            continue;
        }
        // A browser sends an empty, nameless part when no file was chosen.
        let file_name = field.file_name().filter(|n| !n.is_empty()).map(str::to_string);
        match receive(&state, &mut field).await? {
            Ok(Some((file, media_type))) => {
                record_file(&state, &who, &file, &media_type, file_name, vec![about.clone()]).await?;
                stored += 1;
            }
            Ok(None) => {}
            Err(why) => {
                let name = file_name.unwrap_or_default();
                let message = match why {
                    Refused::TooLarge => tr.t_with(
                        "evidence-refused-size",
                        &[("name", name.into()), ("limit", (state.policy.max_size >> 20).to_string().into())],
                    ),
                    Refused::Type(seen) => tr.t_with(
                        "evidence-refused-type",
                        &[
                            ("name", name.into()),
                            ("seen", seen.into()),
                            ("accepted", state.policy.accepted.join(", ").into()),
                        ],
                    ),
                };
                return Ok(refused_page(tr, &who, &id, stored, &message));
            }
        }
    }
    if stored == 0 {
        return Ok(refused_page(tr, &who, &id, 0, &tr.t("evidence-refused-none")));
    }
    Ok(Redirect::to(&format!("/testimonies/{id}")).into_response())
}

/// Streams one file part to a scratch file, hashing it and checking its size and type as it
/// goes, and moves it into the evidence store. `Ok(None)` for an empty part.
async fn receive(
    state: &AppState,
    field: &mut Field<'_>,
) -> Result<Result<Option<(StoredFile, String)>, Refused>, WebError> {
    let scratch = state.uploads.scratch()?;
    let mut file = tokio::fs::File::from_std(scratch.reopen().map_err(|e| WebError::Internal(e.to_string()))?);
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut head = Vec::new();
    let mut media_type = None;
    while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
        size += chunk.len() as u64;
        if size > state.policy.max_size {
            return Ok(Err(Refused::TooLarge));
        }
        if media_type.is_none() {
            // Fewer than TYPE_BYTES so far: keep up to 8 KiB of the start to read the type from.
            head.extend_from_slice(&chunk[..chunk.len().min(8192 - head.len())]);
            if head.len() as u64 >= TYPE_BYTES {
                media_type = Some(accepted_type(state, &head));
            }
        }
        if let Some(Err(seen)) = media_type {
            return Ok(Err(Refused::Type(seen)));
        }
        hasher.update(&chunk);
        file.write_all(&chunk).await.map_err(|e| WebError::Internal(e.to_string()))?;
    }
    if size == 0 {
        return Ok(Ok(None));
    }
    let media_type = match media_type.unwrap_or_else(|| accepted_type(state, &head)) {
        Ok(t) => t,
        Err(seen) => return Ok(Err(Refused::Type(seen))),
    };
    file.sync_all().await.map_err(|e| WebError::Internal(e.to_string()))?;
    drop(file);
    let sha256 = Hash(hasher.finalize().into());
    let evidence = state.evidence.clone();
    // Adopted, the scratch file is renamed away; otherwise the path's drop removes it.
    let stored = tokio::task::spawn_blocking(move || evidence.adopt(&scratch.into_temp_path(), sha256, size))
        .await
        .map_err(join_error)??;
    Ok(Ok(Some((stored, media_type))))
}

fn unreadable(e: axum::extract::multipart::MultipartError) -> WebError {
    WebError::BadRequest(format!("the form's files could not be read: {e}"))
}

/// A page that names the file that was refused and says how many were stored before it.
fn refused_page(tr: Tr, who: &SignedIn, id: &str, stored: usize, message: &str) -> Response {
    let body = page(
        tr,
        Some(who),
        &tr.t("evidence-refused-title"),
        html! {
            h1 { (tr.t("evidence-refused-title")) }
            p.warn role="alert" { (message) }
            @if stored > 0 { p { (tr.t_with("evidence-stored-before", &[("count", stored.into())])) } }
            p { a href={ "/testimonies/" (id) } { (tr.t("evidence-back")) } }
        },
    );
    (StatusCode::UNPROCESSABLE_ENTITY, body).into_response()
}

fn join_error(e: tokio::task::JoinError) -> WebError {
    WebError::Internal(format!("a file task failed: {e}"))
}
