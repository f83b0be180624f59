//! The pages.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use dalel_model::facilities;
use dalel_model::*;
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;

use crate::auth::{Reader, SignedIn, local_path};
use crate::i18n::{COOKIE_NAME, Lang, Tr};
use crate::{AppState, WebError};

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/", get(people))
        .route("/search", get(search))
        .route("/people/{id}", get(person))
        .route("/healthz", get(healthz))
        .route("/lang", get(choose_language))
}

/// The frame of every page: the header with search and the language switch, and `body`.
pub(crate) fn page(tr: Tr, who: Option<&SignedIn>, title: &str, body: Markup) -> Markup {
    let reads_archive = who.is_some_and(|w| w.role.reads_archive());
    html! {
        (DOCTYPE)
        html lang=(tr.lang().code()) dir=(tr.lang().dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                // For the scripts' changes (upload.js); pages of the public have none.
                @if let Some(w) = who { meta name="csrf-token" content=(w.csrf); }
                title { (title) " · dalel" }
                link rel="stylesheet" href="/static/dalel.css";
            }
            body {
                header {
                    nav {
                        a href=(if reads_archive || who.is_none() { "/" } else { "/testimonies/new" }) { "dalel" } " · "
                        @if reads_archive { a href="/" { (tr.t("nav-people")) } " · " }
                        @if who.is_some() { a href="/testimonies/new" { (tr.t("nav-new-testimony")) } " · " }
                        @if reads_archive { a href="/review" { (tr.t("nav-review")) } " · " a href="/pairs" { (tr.t("nav-pairs")) } }
                        span.lang-switch {
                            (tr.t("language-switch")) " "
                            @for lang in Lang::ALL {
                                @if lang == tr.lang() { strong lang=(lang.code()) { (lang.native_name()) } }
                                @else { a href={ "/lang?to=" (lang.code()) } lang=(lang.code()) { (lang.native_name()) } }
                                " "
                            }
                        }
                        @match who {
                            Some(w) => {
                                form.account method="post" action="/logout" {
                                    (tr.t_with("signed-in-as", &[("name", w.name.clone().into()), ("role", tr.term(&w.role.label_key(), w.role.label()).into())])) " "
                                    input type="hidden" name="csrf" value=(w.csrf);
                                    button type="submit" { (tr.t("logout-button")) }
                                }
                            }
                            None => { " · " a href="/login" { (tr.t("login-title")) } }
                        }
                    }
                    @if reads_archive {
                        form method="get" action="/search" role="search" {
                            label for="q" { (tr.t("search-label")) " " }
                            input #q type="search" name="q" required maxlength="200";
                            " "
                            button type="submit" { (tr.t("search-button")) }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

#[derive(Deserialize)]
struct ListQuery {
    after: Option<String>,
}

const PAGE: u32 = 50;

async fn people(
    tr: Tr,
    Reader(who): Reader,
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<Markup, WebError> {
    let after = q.after.map(RecordId::new).transpose().map_err(WebError::BadRequest)?;
    let total = state.store.count(RecordKind::Person).await?;
    let page_records = state.store.list(RecordKind::Person, after.as_ref(), PAGE).await?;
    let next = (page_records.len() == PAGE as usize).then(|| page_records.last().map(|r| r.id().to_string())).flatten();
    Ok(page(
        tr,
        Some(&who),
        &tr.t("people-title"),
        html! {
            h1 { (tr.t("people-title")) }
            p.muted { (tr.t_with("people-count", &[("count", total.into())])) }
            table {
                thead { tr { th { (tr.t("col-name")) } th { (tr.t("col-other-names")) } th { (tr.t("col-born")) } th { (tr.t("col-hometown")) } } }
                tbody {
                    @for r in &page_records {
                        @if let Record::Person(p) = r {
                            tr {
                                td { a href={ "/people/" (p.id) } { (p.display_name()) } }
                                td { @for n in p.names.iter().filter(|n| n.text != p.display_name()) { span lang=[n.language.as_deref()] { (n.text) } br; } }
                                td { @if let Some(d) = &p.birth_date { (tr.date(d)) } }
                                td { @if let Some(h) = &p.hometown { (h) } }
                            }
                        }
                    }
                }
            }
            @if let Some(next) = next { p { a href={ "/?after=" (next) } { (tr.t("next-page")) } } }
        },
    ))
}

#[derive(Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// People whose names match the query in any script, best first, with every name they have.
async fn search(
    tr: Tr,
    Reader(who): Reader,
    State(state): State<AppState>,
    Query(q): Query<SearchQuery>,
) -> Result<Markup, WebError> {
    let query = q.q.trim();
    if query.chars().count() > 200 {
        return Err(WebError::BadRequest(tr.t("search-too-long")));
    }
    let found = if query.is_empty() { Vec::new() } else { state.search_names(query, 20).await? };
    let title = tr.t_with("search-title", &[("query", query.into())]);
    Ok(page(
        tr,
        Some(&who),
        &title,
        html! {
            h1 { (title) }
            @if found.is_empty() {
                p { (tr.t("search-none")) }
            } @else {
                table {
                    thead { tr { th { (tr.t("col-score")) } th { (tr.t("col-names")) } th { (tr.t("col-matched")) } } }
                    tbody {
                        @for f in &found {
                            tr {
                                td { (format!("{:.2}", f.score)) }
                                td {
                                    a href={ "/people/" (f.person.id) } { (f.person.names.first().map_or("", String::as_str)) }
                                    @for n in f.person.names.iter().skip(1) { br; (n) }
                                }
                                td.muted { (f.name) }
                            }
                        }
                    }
                }
            }
        },
    ))
}

/// A vocabulary term in the reader's language.
macro_rules! term {
    ($tr:expr, $t:expr) => {
        $tr.term(&$t.label_key(), $t.label())
    };
}
pub(crate) use term;

pub(crate) fn id_number_row(tr: Tr, n: &IdentityNumber) -> Markup {
    html! {
        tr {
            td { code { (n.value) } }
            td { (term!(tr, n.scheme)) }
            td {
                @match n.check() {
                    IdCheck::ChineseResident(id) => {
                        (tr.t_with("id-valid-cn", &[
                            ("born", id.birth_date().to_string().into()),
                            ("sex", term!(tr, id.sex()).into()),
                            ("area", id.prefecture().map(|p| tr.prefecture(p)).or(id.province().map(str::to_string)).unwrap_or_else(|| tr.t("id-unknown-area")).into()),
                            ("code", id.area_code().to_string().into()),
                        ]))
                    }
                    IdCheck::Iin(iin) => {
                        (tr.t_with("id-valid-iin", &[("born", iin.birth_date().to_string().into()), ("sex", term!(tr, iin.sex()).into())]))
                    }
                    IdCheck::Unchecked => span.muted { (tr.t("id-unchecked")) },
                    IdCheck::Invalid(e) => span.flag { (tr.t_with("id-invalid", &[("reason", id_error(tr, &e).into())])) },
                }
            }
        }
    }
}

/// What happened, in one line: the kind, the kind of detention, from when, the term, the place.
pub(crate) fn episode_summary(tr: Tr, e: &Episode) -> Markup {
    html! {
        strong { (term!(tr, e.kind)) }
        @if let Some(d) = e.detention { " (" (term!(tr, d)) ")" }
        @if let Some(s) = &e.start { ", " (tr.t_with("episode-from", &[("date", tr.date(s).into())])) }
        @if let Some(t) = &e.term { ", " (tr.t_with("episode-term", &[("term", t.as_str().into())])) }
        @if let Some(f) = e.place.as_ref().and_then(facility_at) { ", " (f.name) " (" (f.area()) ")" }
        @if let Some(p) = &e.place_text { ", " (p) }
    }
}

/// The gazetteer's facility a place record id stands for
/// ([`dalel_interchange::facility_place`]).
pub(crate) fn facility_at(id: &RecordId) -> Option<&'static facilities::Facility> {
    static BY_ID: LazyLock<HashMap<RecordId, &'static facilities::Facility>> =
        LazyLock::new(|| facilities::FACILITIES.iter().map(|f| (dalel_interchange::facility_place(f).id, f)).collect());
    BY_ID.get(id).copied()
}

/// Why an identity number fails its check, in the reader's language.
pub(crate) fn id_error(tr: Tr, e: &IdNumberError) -> String {
    match e {
        IdNumberError::Length(found, scheme) => {
            let id = if *scheme == IdScheme::KazakhstanIin { "id-err-length-iin" } else { "id-err-length-cn" };
            tr.t_with(id, &[("found", (*found).into())])
        }
        IdNumberError::NotDigit { position, found } => {
            tr.t_with("id-err-not-digit", &[("position", (*position).into()), ("found", found.to_string().into())])
        }
        IdNumberError::BirthDate(date) => tr.t_with("id-err-birth-date", &[("date", date.as_str().into())]),
        IdNumberError::CheckDigit { found, expected } => tr.t_with(
            "id-err-check-digit",
            &[("found", found.to_string().into()), ("expected", expected.to_string().into())],
        ),
        IdNumberError::Century(digit) => tr.t_with("id-err-century", &[("digit", digit.to_string().into())]),
        IdNumberError::NoCheckDigit => tr.t("id-err-no-check-digit"),
    }
}

/// A flag on a person, in the reader's language.
pub(crate) fn flag_text(tr: Tr, flag: &Flag) -> String {
    match flag {
        Flag::InvalidIdNumber { value, reason } => {
            tr.t_with("flag-invalid-id", &[("number", value.as_str().into()), ("reason", id_error(tr, reason).into())])
        }
        Flag::BirthDateContradictsId { value, stated, in_number } => tr.t_with(
            "flag-birth-contradicts-id",
            &[
                ("number", value.as_str().into()),
                ("stated", stated.as_str().into()),
                ("in_number", in_number.as_str().into()),
            ],
        ),
        Flag::SexContradictsId { value } => tr.t_with("flag-sex-contradicts-id", &[("number", value.as_str().into())]),
    }
}

async fn person(
    tr: Tr,
    Reader(who): Reader,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Markup, WebError> {
    let id = RecordId::new(id).map_err(|_| WebError::NotFound)?;
    let Some(Record::Person(p)) = state.store.get(&id).await? else { return Err(WebError::NotFound) };
    let related = state.store.referring_to(&id).await?;
    let history = state.store.history(&id).await?;
    Ok(page(
        tr,
        Some(&who),
        p.display_name(),
        html! {
            h1 { (p.display_name()) }
            p { a href={ "/entries/" (p.id) } { (tr.t("person-entry")) } }
            @let flags = p.flags();
            @if !flags.is_empty() {
                section.warn { h2 { (tr.t("person-needs-look")) } ul { @for f in &flags { li.flag { (flag_text(tr, f)) } } } }
            }
            h2 { (tr.t("person-names")) }
            table {
                thead { tr { th { (tr.t("col-name")) } th { (tr.t("col-script")) } th { (tr.t("col-language")) } th { (tr.t("col-kind")) } } }
                tbody { @for n in &p.names {
                    tr { td lang=[n.language.as_deref()] { (n.text) } td { (n.script.label()) } td { (n.language.as_deref().unwrap_or("")) } td { (term!(tr, n.kind)) } }
                } }
            }
            h2 { (tr.t("person-facts")) }
            table { tbody {
                @if let Some(g) = p.gender { tr { th { (tr.t("fact-sex")) } td { (term!(tr, g)) } } }
                @if let Some(d) = &p.birth_date { tr { th { (tr.t("fact-born")) } td { (tr.date(d)) " " span.muted { "(" (term!(tr, d.qualifier())) ")" } } } }
                @if let Some(e) = &p.ethnicity { tr { th { (tr.t("fact-ethnicity")) } td { (e) } } }
                @if let Some(h) = &p.hometown { tr { th { (tr.t("fact-hometown")) } td { (h) } } }
                @if let Some(o) = &p.occupation { tr { th { (tr.t("fact-occupation")) } td { (o) } } }
                @if let Some(n) = &p.notes { tr { th { (tr.t("fact-notes")) } td { (n) } } }
            } }
            @if !p.identity_numbers.is_empty() {
                h2 { (tr.t("person-id-numbers")) }
                table { tbody { @for n in &p.identity_numbers { (id_number_row(tr, n)) } } }
            }
            h2 { (tr.t("person-sources")) }
            @if related.is_empty() { p.muted { (tr.t("person-no-sources")) } }
            ul {
                @for r in &related {
                    @match r {
                        Record::Episode(e) => li { (episode_summary(tr, e)) },
                        Record::Testimony(t) => li {
                            (t.title.as_deref().unwrap_or(""))
                            @if let Some(s) = t.subjects.iter().find(|s| s.person == id) {
                                " " (tr.t_with("testimony-by", &[("relation", term!(tr, s.relation).to_lowercase().into())]))
                            }
                            @if let Some(d) = &t.recorded_on { ", " (tr.t_with("testimony-recorded", &[("date", tr.date(d).into())])) }
                            " · " (tr.t_with("testimony-consent", &[("consent", term!(tr, t.consent).into())]))
                        },
                        Record::EvidenceFile(f) => li { (tr.t("evidence-file")) " " code { (f.file_name.as_deref().unwrap_or(&f.sha256)) } " (" (f.media_type) ", " (f.size) " B)" },
                        Record::Decision(d) => li { a href={ "/pairs/" (d.id) } { (tr.t("pair-title")) } " " (term!(tr, d.verdict)) },
                        other => li { (other.kind()) " " (other.id()) },
                    }
                }
            }
            h2 { (tr.t("person-history")) }
            table {
                thead { tr { th { (tr.t("col-entry")) } th { (tr.t("col-time")) } th { (tr.t("col-author")) } th { (tr.t("col-hash")) } } }
                tbody { @for e in &history { tr { td { (e.seq) } td { (e.time) } td { (e.author) } td { code { (e.hash.to_hex()[..16]) "…" } } } } }
            }
        },
    ))
}

#[derive(Deserialize)]
struct ChooseLanguage {
    to: String,
}

/// Remembers the chosen language in a cookie and goes back to the page the user was on.
async fn choose_language(
    headers: axum::http::HeaderMap,
    Query(q): Query<ChooseLanguage>,
) -> Result<axum::response::Response, WebError> {
    use axum::http::header::{LOCATION, REFERER, SET_COOKIE};
    use axum::response::IntoResponse;
    let lang =
        Lang::from_tag(&q.to).ok_or_else(|| WebError::BadRequest(format!("no language {:?}; kk, ru or en", q.to)))?;
    // Back to the same site's page only: the path and query of the referring page.
    let back = headers
        .get(REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.parse::<axum::http::Uri>().ok())
        .and_then(|u| u.path_and_query().map(|p| p.as_str().to_string()))
        .filter(|p| local_path(Some(p)).is_some() && !p.starts_with("/lang"))
        .unwrap_or_else(|| "/".to_string());
    let cookie = format!("{COOKIE_NAME}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly", lang.code());
    Ok((axum::http::StatusCode::SEE_OTHER, [(SET_COOKIE, cookie), (LOCATION, back)]).into_response())
}

async fn healthz(State(state): State<AppState>) -> Result<Json<serde_json::Value>, WebError> {
    let head = state.store.head().await?;
    Ok(Json(serde_json::json!({
        "status": "ok",
        "ledger_seq": head.map(|h| h.seq),
        "ledger_head": head.map(|h| h.hash.to_hex()),
    })))
}
