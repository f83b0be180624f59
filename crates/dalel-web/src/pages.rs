//! The pages.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use dalel_model::*;
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;

use crate::{AppState, WebError};

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/", get(people))
        .route("/search", get(search))
        .route("/people/{id}", get(person))
        .route("/healthz", get(healthz))
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;line-height:1.4}\
table{border-collapse:collapse}td,th{padding:.2rem .6rem;text-align:left;border-bottom:1px solid #ddd;vertical-align:top}\
.warn{background:#fff4e5;border:1px solid #f0a020;padding:.5rem}.flag{color:#a33}.muted{color:#666}";

fn page(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · dalel" }
                style { (STYLE) }
            }
            body {
                header {
                    a href="/" { "dalel" }
                    " "
                    form method="get" action="/search" role="search" style="display:inline" {
                        label for="q" { "Find a person by name, in any script: " }
                        input #q type="search" name="q" required;
                        " "
                        button type="submit" { "Search" }
                    }
                }
                p.warn role="note" {
                    "This server has no accounts yet and shows everything in the archive. "
                    "Keep it on 127.0.0.1; do not expose it to a network."
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

async fn people(State(state): State<AppState>, Query(q): Query<ListQuery>) -> Result<Markup, WebError> {
    let after = q.after.map(RecordId::new).transpose().map_err(WebError::BadRequest)?;
    let total = state.store.count(RecordKind::Person).await?;
    let page_records = state.store.list(RecordKind::Person, after.as_ref(), PAGE).await?;
    let next = (page_records.len() == PAGE as usize).then(|| page_records.last().map(|r| r.id().to_string())).flatten();
    Ok(page(
        "People",
        html! {
            h1 { "People" }
            p.muted { (total) " people in the archive." }
            table {
                thead { tr { th { "Name" } th { "Other names" } th { "Born" } th { "Hometown" } } }
                tbody {
                    @for r in &page_records {
                        @if let Record::Person(p) = r {
                            tr {
                                td { a href={ "/people/" (p.id) } { (p.display_name()) } }
                                td { @for n in p.names.iter().filter(|n| n.text != p.display_name()) { span lang=[n.language.as_deref()] { (n.text) } br; } }
                                td { @if let Some(d) = &p.birth_date { (d.human()) } }
                                td { @if let Some(h) = &p.hometown { (h) } }
                            }
                        }
                    }
                }
            }
            @if let Some(next) = next { p { a href={ "/?after=" (next) } { "Next page →" } } }
        },
    ))
}

#[derive(Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// People whose names match the query in any script, best first, with every name they have.
async fn search(State(state): State<AppState>, Query(q): Query<SearchQuery>) -> Result<Markup, WebError> {
    let query = q.q.trim();
    if query.chars().count() > 200 {
        return Err(WebError::BadRequest("a name of at most 200 characters, please".into()));
    }
    let found = if query.is_empty() { Vec::new() } else { state.search_names(query, 20).await? };
    Ok(page(
        "Search",
        html! {
            h1 { "Search: " (query) }
            @if found.is_empty() {
                p { "No one found." }
            } @else {
                table {
                    thead { tr { th { "Score" } th { "Names" } th { "Matched" } } }
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

fn id_number_row(n: &IdentityNumber) -> Markup {
    html! {
        tr {
            td { code { (n.value) } }
            td { (n.scheme.label()) }
            td {
                @match n.check() {
                    IdCheck::ChineseResident(id) => {
                        "valid; born " (id.birth_date()) ", " (id.sex().label().to_lowercase())
                        ", registered in " (id.prefecture().map(|p| p.name_en).or(id.province()).unwrap_or("an unknown area"))
                        " (" (id.area_code()) ")"
                    }
                    IdCheck::Iin(iin) => { "valid; born " (iin.birth_date()) ", " (iin.sex().label().to_lowercase()) }
                    IdCheck::Unchecked => span.muted { "no check for this kind of number" },
                    IdCheck::Invalid(e) => span.flag { "not valid: " (e) " (kept as given)" },
                }
            }
        }
    }
}

async fn person(State(state): State<AppState>, Path(id): Path<String>) -> Result<Markup, WebError> {
    let id = RecordId::new(id).map_err(|_| WebError::NotFound)?;
    let Some(Record::Person(p)) = state.store.get(&id).await? else { return Err(WebError::NotFound) };
    let related = state.store.referring_to(&id).await?;
    let history = state.store.history(&id).await?;
    Ok(page(
        p.display_name(),
        html! {
            h1 { (p.display_name()) }
            @let flags = p.flags();
            @if !flags.is_empty() {
                section.warn { h2 { "Needs a look" } ul { @for f in &flags { li.flag { (f) } } } }
            }
            h2 { "Names" }
            table {
                thead { tr { th { "Name" } th { "Script" } th { "Language" } th { "Kind" } } }
                tbody { @for n in &p.names {
                    tr { td lang=[n.language.as_deref()] { (n.text) } td { (n.script.label()) } td { (n.language.as_deref().unwrap_or("")) } td { (n.kind.label()) } }
                } }
            }
            h2 { "Facts" }
            table { tbody {
                @if let Some(g) = p.gender { tr { th { "Sex" } td { (g.label()) } } }
                @if let Some(d) = &p.birth_date { tr { th { "Born" } td { (d.human()) " " span.muted { "(" (d.qualifier().label()) ")" } } } }
                @if let Some(e) = &p.ethnicity { tr { th { "Ethnicity" } td { (e) } } }
                @if let Some(h) = &p.hometown { tr { th { "Hometown" } td { (h) } } }
                @if let Some(o) = &p.occupation { tr { th { "Occupation" } td { (o) } } }
                @if let Some(n) = &p.notes { tr { th { "Notes" } td { (n) } } }
            } }
            @if !p.identity_numbers.is_empty() {
                h2 { "Identity numbers" }
                table { tbody { @for n in &p.identity_numbers { (id_number_row(n)) } } }
            }
            h2 { "What the sources say" }
            @if related.is_empty() { p.muted { "No testimony or episode refers to this person yet." } }
            ul {
                @for r in &related {
                    @match r {
                        Record::Episode(e) => li {
                            strong { (e.kind.label()) }
                            @if let Some(d) = e.detention { " (" (d.label()) ")" }
                            @if let Some(s) = &e.start { ", from " (s.human()) }
                            @if let Some(t) = &e.term { ", term " (t) }
                            @if let Some(t) = &e.place_text { ", " (t) }
                        },
                        Record::Testimony(t) => li {
                            "Testimony " (t.title.as_deref().unwrap_or(""))
                            @if let Some(s) = t.subjects.iter().find(|s| s.person == id) { " by the person's " (s.relation.label().to_lowercase()) }
                            @if let Some(d) = &t.recorded_on { ", recorded " (d.human()) }
                            " · consent: " (t.consent.label())
                        },
                        Record::EvidenceFile(f) => li { "Evidence file " code { (f.file_name.as_deref().unwrap_or(&f.sha256)) } " (" (f.media_type) ", " (f.size) " bytes)" },
                        other => li { (other.kind()) " " (other.id()) },
                    }
                }
            }
            h2 { "History" }
            table {
                thead { tr { th { "Entry" } th { "Time" } th { "Author" } th { "Hash" } } }
                tbody { @for e in &history { tr { td { (e.seq) } td { (e.time) } td { (e.author) } td { code { (e.hash.to_hex()[..16]) "…" } } } } }
            }
        },
    ))
}

async fn healthz(State(state): State<AppState>) -> Result<Json<serde_json::Value>, WebError> {
    let head = state.store.head().await?;
    Ok(Json(serde_json::json!({
        "status": "ok",
        "ledger_seq": head.map(|h| h.seq),
        "ledger_head": head.map(|h| h.hash.to_hex()),
    })))
}
