//! The pages' stylesheet and scripts: files of their own, compiled into the binary, so that no
//! page needs an inline style or script and the Content-Security-Policy can forbid both
//! ([`crate::security`]).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/static/dalel.css", get(|| asset("text/css; charset=utf-8", include_str!("../static/dalel.css"))))
        .route("/static/upload.js", get(|| asset(JS, include_str!("../static/upload.js"))))
        .route("/static/intake.js", get(|| asset(JS, include_str!("../static/intake.js"))))
        .route("/static/pairs.js", get(|| asset(JS, include_str!("../static/pairs.js"))))
}

const JS: &str = "text/javascript; charset=utf-8";

async fn asset(content_type: &'static str, source: &'static str) -> Response {
    // Public and the same for everyone: the one kind of response a browser may keep.
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], source).into_response()
}
