//! The headers every response carries and the time a request may take (docs/security.md).

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// How long a request may take, from its headers to the answer, body included (uploads have
/// their own routes and no such limit: a large file over a slow line takes long).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a client may take to send a request's headers before its connection is closed:
/// one that sends them a byte at a time would otherwise hold a connection for ever.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(20);

/// Only dalel's own files may run, style or be fetched; nothing may frame a page, and forms post
/// only to dalel. An injected `<script>` or `style` attribute is not run or applied.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
     connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Sets the security headers on every response, and `Cache-Control: no-store` on those that do
/// not say how they may be kept: pages and answers hold personal data, which must not stay in
/// a shared computer's browser cache or a proxy's.
pub(crate) async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set: [(HeaderName, &'static str); 6] = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
        (HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    ];
    for (name, value) in set {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    response
}

/// Answers 408 when the request, its body included, takes longer than the app's time limit.
pub(crate) async fn time_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(state.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => (StatusCode::REQUEST_TIMEOUT, "the request took too long").into_response(),
    }
}
