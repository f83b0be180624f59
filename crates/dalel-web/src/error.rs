use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use maud::html;

use crate::i18n::Tr;
use crate::pages::page;

/// What a handler can fail with; the one place errors become HTTP statuses.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error(transparent)]
    Store(#[from] dalel_store::StoreError),
    /// A failure of the server itself; the reason is logged, not shown.
    #[error("{0}")]
    Internal(String),
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::NotFound => (StatusCode::NOT_FOUND, "Not found").into_response(),
            WebError::BadRequest(why) => (StatusCode::BAD_REQUEST, why).into_response(),
            WebError::Internal(reason) => {
                tracing::error!(%reason, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, "Internal error").into_response()
            }
            WebError::Store(e) => {
                // Details go to the log, not to the client; store errors name no personal data.
                tracing::error!(error = %e, "store error");
                (StatusCode::INTERNAL_SERVER_ERROR, "Internal error").into_response()
            }
        }
    }
}

/// Gives the bare error responses of the pages (`WebError`'s, and axum's own: an unknown path, a
/// form it cannot read) the page frame and the user's language. The API's problem documents,
/// and anything under `/api/`, pass as they are.
pub(crate) async fn error_pages(tr: Tr, request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let plain = response.headers().get(header::CONTENT_TYPE).is_none_or(|t| t.as_bytes().starts_with(b"text/plain"));
    if api || !plain || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let message = match status {
        StatusCode::NOT_FOUND => tr.t("error-not-found"),
        s if s.is_server_error() => tr.t("error-internal"),
        _ => {
            // The reason is a short text written by dalel or axum (in English).
            let body = axum::body::to_bytes(response.into_body(), 4096).await.unwrap_or_default();
            let reason = String::from_utf8_lossy(&body).trim().to_string();
            tr.t_with("error-bad-request", &[("reason", reason.into())])
        }
    };
    let body = page(
        tr,
        &message,
        html! {
            h1 { (status.as_u16()) }
            p.warn role="alert" { (message) }
            p { a href="/" { (tr.t("error-back-home")) } }
        },
    );
    (status, body).into_response()
}
