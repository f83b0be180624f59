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

/// Refuses a request that changes something (any method but GET, HEAD and OPTIONS) when the
/// browser says it comes from another site: its `Sec-Fetch-Site` is neither `same-origin` nor
/// `none` (typed or bookmarked), or, from a browser too old to send that, its `Origin` is not
/// this server. A page elsewhere could otherwise make the browser of someone who has dalel open
/// post a form to it. Clients that are not browsers send neither header and pass.
pub(crate) async fn same_origin_writes(request: Request, next: Next) -> Response {
    use axum::http::Method;
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let cross_site = match header("sec-fetch-site") {
        Some(site) => site != "same-origin" && site != "none",
        None => match (header("origin"), header("host")) {
            (Some(origin), Some(host)) => origin.split_once("://").is_none_or(|(_, authority)| authority != host),
            (Some(_), None) => true,
            (None, _) => false,
        },
    };
    if cross_site {
        return (StatusCode::FORBIDDEN, "a change sent from another site is refused").into_response();
    }
    next.run(request).await
}
