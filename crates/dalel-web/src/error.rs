use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use maud::html;

use crate::auth::Viewer;
use crate::i18n::Tr;
use crate::pages::page;

/// What a handler can fail with; the one place errors become HTTP statuses.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    /// The public asked for what needs an account.
    #[error("sign in first")]
    SignInNeeded,
    /// The account's role does not allow it.
    #[error("your role does not allow this")]
    Forbidden,
    /// A change from a signed-in browser without the session's CSRF token.
    #[error("this form has expired or did not come from dalel's own page; reload the page and try again")]
    CsrfRefused,
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
            WebError::SignInNeeded => (StatusCode::UNAUTHORIZED, "Sign in first").into_response(),
            WebError::Forbidden => (StatusCode::FORBIDDEN, "Your role does not allow this").into_response(),
            e @ WebError::CsrfRefused => (StatusCode::FORBIDDEN, e.to_string()).into_response(),
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
/// form it cannot read) the page frame and the user's language, and sends the public from a page
/// that needs an account to the login form, which brings them back. The API's problem
/// documents pass as they are; other errors under `/api/` become problem documents.
pub(crate) async fn error_pages(tr: Tr, viewer: Viewer, request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let back = (request.method() == axum::http::Method::GET)
        .then(|| request.uri().path_and_query().map(|p| p.as_str().to_string()))
        .flatten();
    let response = next.run(request).await;
    let status = response.status();
    let plain = response.headers().get(header::CONTENT_TYPE).is_none_or(|t| t.as_bytes().starts_with(b"text/plain"));
    if !plain || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    if api {
        // A refusal before the handler (sign in first, a role, CSRF, a timeout) as a problem.
        let slug = match status {
            StatusCode::UNAUTHORIZED => "sign-in-needed",
            StatusCode::FORBIDDEN => "forbidden",
            _ => "refused",
        };
        let body = axum::body::to_bytes(response.into_body(), 4096).await.unwrap_or_default();
        return crate::api::problem(status, slug, None, String::from_utf8_lossy(&body).trim());
    }
    if status == StatusCode::UNAUTHORIZED {
        let to = match back {
            Some(back) => format!("/login?{}", serde_urlencoded::to_string([("next", back)]).unwrap_or_default()),
            None => "/login".to_string(),
        };
        return (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response();
    }
    let message = match status {
        StatusCode::NOT_FOUND => tr.t("error-not-found"),
        StatusCode::FORBIDDEN => {
            let body = axum::body::to_bytes(response.into_body(), 4096).await.unwrap_or_default();
            if String::from_utf8_lossy(&body) == WebError::CsrfRefused.to_string() {
                tr.t("error-csrf")
            } else {
                tr.t("error-forbidden")
            }
        }
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
        viewer.0.as_ref(),
        &message,
        html! {
            h1 { (status.as_u16()) }
            p.warn role="alert" { (message) }
            p { a href="/" { (tr.t("error-back-home")) } }
        },
    );
    (status, body).into_response()
}
