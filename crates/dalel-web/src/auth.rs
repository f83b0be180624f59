//! Signing in and out, who is asking, and the CSRF check (docs/security.md).
//!
//! - `GET /login` shows the form; `POST /login` checks the name and password (Argon2id, on a
//!   blocking thread) and, when they are right, starts a session: 32 random bytes in an
//!   `HttpOnly; SameSite=Strict` cookie (`Secure` when the request came over HTTPS through a
//!   proxy), of which the archive keeps only the hash. Sessions last [`SESSION_HOURS`].
//! - [`authenticate`] runs before every handler and reads the session cookie into a [`Viewer`];
//!   [`csrf`] refuses a change (any method but GET, HEAD, OPTIONS) from a signed-in browser that
//!   does not send the session's CSRF token: in the `X-CSRF-Token` header (scripts), in the
//!   form's `csrf` field (forms), or, for a `multipart/form-data` form, in the `csrf` query
//!   parameter. Handlers for accounts take a [`SignedIn`].
//! - An account with a second factor also gives the code its authenticator app shows (TOTP,
//!   `dalel user totp`); each code is taken once.
//! - Failed sign-ins are counted per account name and per client address ([`Throttle`]); past
//!   the limit, sign-in is refused for a while even with the right password.
//! - `POST /logout` ends the session; `GET /api/session` tells a script who it is signed in as
//!   and the CSRF token to send.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Form};
use dalel_model::totp::TotpSecret;
use dalel_model::{Account, Role, Session, SessionToken};
use maud::{Markup, html};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::i18n::Tr;
use crate::pages::page;
use crate::{AppState, WebError};

/// How long a session lasts from signing in.
pub const SESSION_HOURS: i64 = 12;
const SESSION_COOKIE: &str = "dalel_session";
/// The login form's own CSRF token, in a cookie and in the form (there is no session yet).
const LOGIN_COOKIE: &str = "dalel_login";
/// The header scripts send the CSRF token in.
pub(crate) const CSRF_HEADER: &str = "x-csrf-token";
/// Failed sign-ins counted over this long.
const THROTTLE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Failed sign-ins to one account name within the window after which it is refused.
const FAILURES_PER_ACCOUNT: usize = 5;
/// Failed sign-ins from one address within the window after which it is refused.
const FAILURES_PER_ADDRESS: usize = 20;
/// The largest form body read for its CSRF field.
const FORM_LIMIT: usize = 16 << 20;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/api/session", get(whoami))
}

/// Someone signed in.
#[derive(Clone, Debug)]
pub(crate) struct SignedIn {
    pub name: String,
    pub role: Role,
    /// The token their forms and scripts send back with each change.
    pub csrf: String,
}

/// Someone signed in whose role reads the whole archive (`Role::reads_archive`): a handler that
/// takes one refuses everyone else, the public with 401, the other roles with 403.
pub(crate) struct Reader(pub SignedIn);

/// Who is asking: someone signed in, or the public.
#[derive(Clone, Debug, Default)]
pub(crate) struct Viewer(pub Option<SignedIn>);

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Viewer, Self::Rejection> {
        Ok(parts.extensions.get::<Viewer>().cloned().unwrap_or_default())
    }
}

/// A handler that takes a [`SignedIn`] is for accounts only: the public gets 401, which
/// `error_pages` turns into the way to the login form on a page.
impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<SignedIn, WebError> {
        parts.extensions.get::<Viewer>().and_then(|v| v.0.clone()).ok_or(WebError::SignInNeeded)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Reader {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Reader, WebError> {
        let who = SignedIn::from_request_parts(parts, state).await?;
        if who.role.reads_archive() { Ok(Reader(who)) } else { Err(WebError::Forbidden) }
    }
}

/// The client's address, set by [`crate::serve`] for each connection.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Peer(pub IpAddr);

/// The value of the cookie `name` in a request's headers.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(name)?.strip_prefix('='))
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// Reads the session cookie into the request's [`Viewer`].
pub(crate) async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let token = cookie(request.headers(), SESSION_COOKIE).and_then(SessionToken::parse);
    let signed_in = match token {
        Some(token) => match state.store.session(&token.hash(), now()).await {
            Ok(found) => {
                found.map(|(_, account)| SignedIn { name: account.name, role: account.role, csrf: token.csrf() })
            }
            Err(e) => return WebError::Store(e).into_response(),
        },
        None => None,
    };
    request.extensions_mut().insert(Viewer(signed_in));
    next.run(request).await
}

/// Refuses (403) a change (any method but GET, HEAD and OPTIONS) from a signed-in browser that
/// does not send its session's CSRF token. A form's body is read for it within the app's time
/// limit, and handed on.
pub(crate) async fn csrf(State(state): State<AppState>, viewer: Viewer, request: Request, next: Next) -> Response {
    let Some(who) = viewer.0 else { return next.run(request).await };
    // The login form has its own token: someone signed in may sign in as another account.
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) || request.uri().path() == "/login" {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let mut body = axum::body::Body::new(body);
    let header = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
    let content_type = parts.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let sent = if header.is_some() {
        header
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        let bytes = match tokio::time::timeout(state.request_timeout, axum::body::to_bytes(body, FORM_LIMIT)).await {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(_)) => return (StatusCode::PAYLOAD_TOO_LARGE, "the form is too large").into_response(),
            Err(_) => return (StatusCode::REQUEST_TIMEOUT, "the request took too long").into_response(),
        };
        let field = form_field(&bytes, "csrf");
        body = axum::body::Body::from(bytes);
        field
    } else if content_type.starts_with("multipart/form-data") {
        parts.uri.query().and_then(|q| form_field(q.as_bytes(), "csrf"))
    } else {
        None
    };
    if sent.as_deref() != Some(who.csrf.as_str()) {
        return WebError::CsrfRefused.into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}

/// The first value of `name` in an `application/x-www-form-urlencoded` text.
fn form_field(form: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(form)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Failed sign-ins, by account name and by client address, over the last [`THROTTLE_WINDOW`].
/// Kept in memory: a restart forgets them, which costs an attacker a restart of the server.
pub(crate) struct Throttle {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
    /// The time step of each account's last accepted second-factor code: a code is taken once.
    codes: Mutex<HashMap<String, u64>>,
    /// Keys kept at most ([`THROTTLE_KEYS`]).
    cap: usize,
}

impl Default for Throttle {
    fn default() -> Throttle {
        Throttle::with_cap(THROTTLE_KEYS)
    }
}

/// Keys kept at most. Past this, what no longer counts is forgotten, then what locks nothing;
/// a lock in force never is, so that a flood of made-up names cannot lift it.
const THROTTLE_KEYS: usize = 100_000;

impl Throttle {
    fn with_cap(cap: usize) -> Throttle {
        Throttle { failures: Mutex::default(), codes: Mutex::default(), cap }
    }

    fn keys(name: &str, peer: Option<Peer>) -> Vec<(String, usize)> {
        let mut keys = vec![(format!("account:{}", name.to_lowercase()), FAILURES_PER_ACCOUNT)];
        if let Some(Peer(ip)) = peer {
            keys.push((format!("address:{ip}"), FAILURES_PER_ADDRESS));
        }
        keys
    }

    fn limit_of(key: &str) -> usize {
        if key.starts_with("address:") { FAILURES_PER_ADDRESS } else { FAILURES_PER_ACCOUNT }
    }

    /// Whether sign-in as `name` from `peer` is refused for now.
    fn refused(&self, name: &str, peer: Option<Peer>) -> bool {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        Throttle::keys(name, peer).iter().any(|(key, limit)| {
            failures.get_mut(key).is_some_and(|times| {
                times.retain(|t| t.elapsed() < THROTTLE_WINDOW);
                times.len() >= *limit
            })
        })
    }

    fn failed(&self, name: &str, peer: Option<Peer>) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() >= self.cap {
            failures.retain(|key, times| {
                times.retain(|t| t.elapsed() < THROTTLE_WINDOW);
                times.len() >= Throttle::limit_of(key)
            });
        }
        for (key, limit) in Throttle::keys(name, peer) {
            // Full of locks in force: a new key is not counted (its sign-in is still checked).
            if failures.len() >= self.cap && !failures.contains_key(&key) {
                continue;
            }
            let times = failures.entry(key).or_default();
            times.push_back(Instant::now());
            while times.len() > limit {
                times.pop_front();
            }
        }
    }

    /// Takes note that `name` signed in with the code of time step `step`; false if that code,
    /// or a later one, was taken already (a code seen over someone's shoulder is spent).
    fn take_code(&self, name: &str, step: u64) -> bool {
        let mut codes = self.codes.lock().unwrap_or_else(|e| e.into_inner());
        match codes.get(name) {
            Some(&last) if last >= step => false,
            _ => {
                codes.insert(name.to_string(), step);
                true
            }
        }
    }

    fn succeeded(&self, name: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures.remove(&format!("account:{}", name.to_lowercase()));
    }
}

#[derive(Deserialize)]
struct LoginQuery {
    #[serde(default)]
    next: Option<String>,
}

/// `next` if it is a path on this site, so that a redirect to it cannot send anyone elsewhere.
pub(crate) fn local_path(next: Option<&str>) -> Option<&str> {
    next.filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.starts_with("/\\") && !p.contains(['\r', '\n']))
}

async fn login_form(tr: Tr, axum::extract::Query(q): axum::extract::Query<LoginQuery>) -> Response {
    login_page(tr, StatusCode::OK, None, local_path(q.next.as_deref()), "")
}

/// The form, with a fresh login token in a cookie and in the form.
fn login_page(tr: Tr, status: StatusCode, problem: Option<String>, next: Option<&str>, name: &str) -> Response {
    let token = SessionToken::generate();
    let cookie = format!("{LOGIN_COOKIE}={}; Path=/login; HttpOnly; SameSite=Strict", token.as_str());
    let body: Markup = page(
        tr,
        None,
        &tr.t("login-title"),
        html! {
            h1 { (tr.t("login-title")) }
            @if let Some(p) = &problem { p.warn role="alert" { (p) } }
            form method="post" action="/login" {
                input type="hidden" name="csrf" value=(token.as_str());
                @if let Some(next) = next { input type="hidden" name="next" value=(next); }
                p { label for="name" { (tr.t("login-name")) } br;
                    input #name name="name" type="text" value=(name) required autocomplete="username" autocapitalize="none"; }
                p { label for="password" { (tr.t("login-password")) } br;
                    input #password name="password" type="password" required autocomplete="current-password"; }
                p { label for="code" { (tr.t("login-code")) } br;
                    input #code name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="8" size="8"; }
                p { button type="submit" { (tr.t("login-button")) } }
            }
        },
    );
    (status, [(SET_COOKIE, cookie)], body).into_response()
}

#[derive(Deserialize)]
struct LoginForm {
    name: String,
    password: String,
    /// The second factor's code, for an account that has one.
    #[serde(default)]
    code: Option<String>,
    csrf: String,
    #[serde(default)]
    next: Option<String>,
}

/// An Argon2id hash of nothing anyone types, checked when the account does not exist so that
/// a wrong name takes as long as a wrong password.
static NO_ACCOUNT_HASH: LazyLock<String> = LazyLock::new(|| dalel_model::hash_password("no account has this password"));

async fn login(
    tr: Tr,
    State(state): State<AppState>,
    peer: Option<Extension<Peer>>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let next = local_path(form.next.as_deref());
    if cookie(&headers, LOGIN_COOKIE) != Some(form.csrf.as_str()) {
        return Ok(login_page(tr, StatusCode::FORBIDDEN, Some(tr.t("login-expired")), next, &form.name));
    }
    let peer = peer.map(|Extension(p)| p);
    if state.throttle.refused(&form.name, peer) {
        tracing::warn!("sign-in refused: too many failures");
        return Ok(login_page(tr, StatusCode::TOO_MANY_REQUESTS, Some(tr.t("login-throttled")), next, &form.name));
    }
    let account = state.store.account(&form.name).await?.filter(|a| !a.disabled);
    let hash = account.as_ref().map_or_else(|| NO_ACCOUNT_HASH.clone(), |a| a.password_hash.clone());
    let password = form.password;
    let right = tokio::task::spawn_blocking(move || dalel_model::verify_password(&password, &hash))
        .await
        .map_err(|e| WebError::Internal(format!("password check: {e}")))?;
    // A second factor, when the account has one: a code of its app, not taken before. A wrong
    // code gets the same answer as a wrong password, which would otherwise be confirmed.
    let second_factor = |account: &Account| match &account.totp_secret {
        None => true,
        Some(text) => TotpSecret::from_base32(text)
            .and_then(|secret| secret.matches(form.code.as_deref().unwrap_or(""), now() as u64))
            .is_some_and(|step| state.throttle.take_code(&account.name, step)),
    };
    let Some(account) = account.filter(|a| right && second_factor(a)) else {
        state.throttle.failed(&form.name, peer);
        tracing::info!("a sign-in failed");
        return Ok(login_page(tr, StatusCode::UNAUTHORIZED, Some(tr.t("login-failed")), next, &form.name));
    };
    state.throttle.succeeded(&account.name);
    let token = SessionToken::generate();
    let created_at = now();
    let session = Session {
        token_hash: token.hash(),
        account: account.name.clone(),
        created_at,
        expires_at: created_at + SESSION_HOURS * 3600,
    };
    state.store.add_session(&session).await?;
    let secure = if over_https(&headers) { "; Secure" } else { "" };
    let cookie = format!(
        "{SESSION_COOKIE}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{secure}",
        token.as_str(),
        SESSION_HOURS * 3600
    );
    let forget_login = format!("{LOGIN_COOKIE}=; Path=/login; Max-Age=0; HttpOnly; SameSite=Strict");
    let home = if account.role.reads_archive() { "/" } else { "/testimonies/new" };
    let to = next.unwrap_or(home).to_string();
    // Appended: an array of headers would keep only the last Set-Cookie.
    let headers = axum::response::AppendHeaders([(SET_COOKIE, cookie), (SET_COOKIE, forget_login), (LOCATION, to)]);
    Ok((StatusCode::SEE_OTHER, headers).into_response())
}

/// Whether a TLS proxy in front says the browser reached dalel over HTTPS.
fn over_https(headers: &HeaderMap) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("");
    header("x-forwarded-proto").eq_ignore_ascii_case("https")
        || header("forwarded").split([';', ',']).any(|p| p.trim().eq_ignore_ascii_case("proto=https"))
}

async fn logout(State(state): State<AppState>, headers: HeaderMap, _who: SignedIn) -> Result<Response, WebError> {
    if let Some(token) = cookie(&headers, SESSION_COOKIE).and_then(SessionToken::parse) {
        state.store.remove_session(&token.hash()).await?;
    }
    let forget = format!("{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
    Ok((StatusCode::SEE_OTHER, [(SET_COOKIE, forget), (LOCATION, "/login".to_string())]).into_response())
}

/// Who is signed in, and the token their changes carry.
#[derive(Serialize, ToSchema)]
pub(crate) struct SessionInfo {
    /// The account's name.
    name: String,
    /// `admin`, `editor`, `reviewer` or `volunteer`.
    role: String,
    /// The CSRF token: the `X-CSRF-Token` header of every change.
    csrf: String,
}

/// Who a script is signed in as, and the CSRF token its changes must carry.
#[utoipa::path(get, path = "/api/session",
    responses(
        (status = 200, description = "Signed in", body = SessionInfo),
        (status = 401, description = "Not signed in", body = crate::api::ProblemDoc, content_type = "application/problem+json")
    ))]
pub(crate) async fn whoami(who: SignedIn) -> Json<SessionInfo> {
    Json(SessionInfo { name: who.name, role: who.role.code().into(), csrf: who.csrf })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_of_made_up_names_does_not_lift_a_lock() {
        let throttle = Throttle::with_cap(10);
        for _ in 0..FAILURES_PER_ACCOUNT {
            throttle.failed("aigul", None);
        }
        assert!(throttle.refused("Aigul", None), "locked, whatever the case");
        for i in 0..1000 {
            throttle.failed(&format!("made-up-{i}"), None);
        }
        assert!(throttle.refused("aigul", None), "the flood forgot the lock");
        assert!(!throttle.refused("zhanar", None));
        assert!(throttle.failures.lock().unwrap().len() <= 10);
    }
}
