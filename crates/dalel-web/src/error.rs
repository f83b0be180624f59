use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

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
