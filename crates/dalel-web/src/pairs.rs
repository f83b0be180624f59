//! The review queue of person pairs (`/pairs`): the pairs the linker was unsure of (decisions
//! `dalel dedupe --apply` left `undecided`), each shown side by side (`/pairs/{id}`) with what
//! agrees and what does not, and decided with one key: S the same person, D not the same, N
//! the next pair (`static/pairs.js`; without JavaScript, the buttons). A decision is a person's
//! `Decision` in the ledger, which the linker never overrides.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use dalel_model::*;
use maud::{Markup, html};
use serde::Deserialize;

use crate::auth::Reader;
use crate::i18n::Tr;
use crate::pages::{id_number_row, page, term};
use crate::{AppState, WebError};

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/pairs", get(queue))
        .route("/pairs/next", get(next))
        .route("/pairs/{id}", get(show).post(decide))
}

/// The queue shows at most this many pairs, most likely first, of the first it reads.
const QUEUE_READ: u32 = 500;
const QUEUE_SHOWN: usize = 100;
/// The longest note a decision keeps, in characters.
const NOTE_MAX: usize = 2000;

async fn undecided(state: &AppState, after: Option<&RecordId>, limit: u32) -> Result<Vec<Decision>, WebError> {
    let records = state.store.in_state(RecordKind::Decision, Verdict::Undecided.code(), after, limit).await?;
    Ok(records.into_iter().filter_map(|r| if let Record::Decision(d) = r { Some(d) } else { None }).collect())
}

async fn person(state: &AppState, id: &RecordId) -> Result<Option<Person>, WebError> {
    Ok(match state.store.get(id).await? {
        Some(Record::Person(p)) => Some(p),
        _ => None,
    })
}

async fn queue(tr: Tr, Reader(who): Reader, State(state): State<AppState>) -> Result<Markup, WebError> {
    let mut pairs = undecided(&state, None, QUEUE_READ).await?;
    let more = pairs.len() == QUEUE_READ as usize;
    pairs.sort_by(|a, b| b.score.unwrap_or(0.0).total_cmp(&a.score.unwrap_or(0.0)));
    pairs.truncate(QUEUE_SHOWN);
    let mut rows = Vec::with_capacity(pairs.len());
    for d in pairs {
        let (Some(a), Some(b)) = (person(&state, &d.persons[0]).await?, person(&state, &d.persons[1]).await?) else {
            continue;
        };
        rows.push((d, a, b));
    }
    let count = if more { format!("{QUEUE_READ}+") } else { rows.len().to_string() };
    Ok(page(
        tr,
        Some(&who),
        &tr.t("pairs-title"),
        html! {
            h1 { (tr.t("pairs-title")) }
            @if rows.is_empty() {
                p { (tr.t("pairs-none")) }
            } @else {
                p.muted { (tr.t_with("pairs-count", &[("count", count.into())])) }
                table {
                    thead { tr { th { (tr.t("col-score")) } th { (tr.t("pair-first")) } th { (tr.t("pair-second")) } th {} } }
                    tbody {
                        @for (d, a, b) in &rows {
                            tr {
                                td { (score(d)) }
                                td { (a.display_name()) }
                                td { (b.display_name()) }
                                td { a href={ "/pairs/" (d.id) } { (tr.t("pair-open")) } }
                            }
                        }
                    }
                }
            }
        },
    ))
}

fn score(d: &Decision) -> String {
    d.score.map_or_else(|| "–".into(), |s| format!("{s:.2}"))
}

#[derive(Deserialize)]
struct After {
    after: Option<String>,
}

/// The first pair to review after `after` (from the start if there is none after it), or the
/// queue when it is empty.
async fn next(Reader(_): Reader, State(state): State<AppState>, Query(q): Query<After>) -> Result<Response, WebError> {
    let after = q.after.map(RecordId::new).transpose().map_err(WebError::BadRequest)?;
    let mut found = undecided(&state, after.as_ref(), 1).await?;
    if found.is_empty() && after.is_some() {
        found = undecided(&state, None, 1).await?;
    }
    let to = found.first().map_or_else(|| "/pairs".to_string(), |d| format!("/pairs/{}", d.id));
    Ok((StatusCode::SEE_OTHER, [(LOCATION, to)]).into_response())
}

async fn load(state: &AppState, id: &str) -> Result<(Decision, Person, Person), WebError> {
    let id = RecordId::new(id).map_err(|_| WebError::NotFound)?;
    let Some(Record::Decision(d)) = state.store.get(&id).await? else { return Err(WebError::NotFound) };
    let (Some(a), Some(b)) = (person(state, &d.persons[0]).await?, person(state, &d.persons[1]).await?) else {
        return Err(WebError::NotFound);
    };
    Ok((d, a, b))
}

/// The names of `p`'s relatives that the archive states, as `dalel dedupe` compares them: who
/// testified about them as family, and the people a family link joins to them.
async fn relatives(state: &AppState, p: &Person) -> Result<Vec<String>, WebError> {
    let mut names = Vec::new();
    for record in state.store.referring_to(&p.id).await? {
        let (name, other) = record.relative_of(&p.id);
        names.extend(name.map(str::to_string));
        if let Some(id) = other
            && let Some(other) = person(state, id).await?
        {
            names.extend(other.names.into_iter().map(|n| n.text));
        }
    }
    names.sort();
    names.dedup();
    Ok(names)
}

async fn show(
    tr: Tr,
    Reader(who): Reader,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Markup, WebError> {
    let (d, a, b) = load(&state, &id).await?;
    // Every decision on the pair, from the ledger: who, when, what.
    let mut history = Vec::new();
    for entry in state.store.history(&d.id).await? {
        if let Ok(Change::Put { record: Record::Decision(then) }) = Change::from_json(&entry.change) {
            history.push((entry, then));
        }
    }
    let side = |p: &Person| {
        html! {
            td {
                @for n in &p.names { span lang=[n.language.as_deref()] { (n.text) } " " span.muted { "(" (n.script.label()) ")" } br; }
                a href={ "/people/" (p.id) } { (tr.t("pair-record")) }
            }
        }
    };
    let fact = |label: &str, x: Option<String>, y: Option<String>| {
        let agree = x.is_some() && x == y;
        html! {
            @if x.is_some() || y.is_some() {
                tr class=[agree.then_some("agree")] {
                    th scope="row" { (label) }
                    td { (x.unwrap_or_default()) }
                    td { (y.unwrap_or_default()) }
                }
            }
        }
    };
    let (kin_a, kin_b) = (relatives(&state, &a).await?, relatives(&state, &b).await?);
    let kin_agree = kin_a.iter().any(|x| {
        let x = dalel_names::prepare_to_compare(x);
        kin_b.iter().any(|y| dalel_names::is_match(&x, &dalel_names::prepare_to_compare(y)))
    });
    let kin = |names: &[String]| html! { td { @for n in names { (n) br; } } };
    let born = |p: &Person| p.birth_date.as_ref().map(|d| tr.date(d));
    let sex = |p: &Person| p.gender.map(|g| term!(tr, g));
    let title = tr.t("pair-title");
    Ok(page(
        tr,
        Some(&who),
        &title,
        html! {
            h1 { (title) }
            p { (tr.t_with("pair-score", &[("score", score(&d).into())])) " · " (term!(tr, d.verdict)) }
            table.pair {
                thead { tr { th {} th scope="col" { (tr.t("pair-first")) } th scope="col" { (tr.t("pair-second")) } } }
                tbody {
                    tr { th scope="row" { (tr.t("person-names")) } (side(&a)) (side(&b)) }
                    (fact(&tr.t("fact-born"), born(&a), born(&b)))
                    (fact(&tr.t("fact-sex"), sex(&a), sex(&b)))
                    (fact(&tr.t("fact-hometown"), a.hometown.clone(), b.hometown.clone()))
                    (fact(&tr.t("fact-ethnicity"), a.ethnicity.clone(), b.ethnicity.clone()))
                    @if !kin_a.is_empty() || !kin_b.is_empty() {
                        tr class=[kin_agree.then_some("agree")] {
                            th scope="row" { (tr.t("fact-relatives")) }
                            (kin(&kin_a)) (kin(&kin_b))
                        }
                    }
                }
            }
            @for (p, label) in [(&a, "pair-first"), (&b, "pair-second")] {
                @if !p.identity_numbers.is_empty() {
                    h2 { (tr.t("person-id-numbers")) ": " (tr.t(label)) }
                    table { tbody { @for n in &p.identity_numbers { (id_number_row(tr, n)) } } }
                }
            }
            @if !d.reasons.is_empty() {
                h2 { (tr.t("pair-reasons")) }
                ul { @for r in &d.reasons { li { (r) } } }
            }
            form #pair-decision method="post" action={ "/pairs/" (d.id) } {
                input type="hidden" name="csrf" value=(who.csrf);
                p {
                    label for="note" { (tr.t("pair-note")) } br;
                    textarea #note name="note" rows="2" cols="60" maxlength="2000" {}
                }
                p {
                    button type="submit" name="verdict" value="same" accesskey="s" { (tr.t("pair-same")) } " "
                    button type="submit" name="verdict" value="different" accesskey="d" { (tr.t("pair-different")) } " "
                    a #pair-next href={ "/pairs/next?after=" (d.id) } accesskey="n" { (tr.t("pair-skip")) }
                }
            }
            h2 { (tr.t("pair-history")) }
            table {
                thead { tr { th { (tr.t("col-time")) } th { (tr.t("col-author")) } th { (tr.t("pair-verdict")) } th { (tr.t("pair-note")) } } }
                tbody {
                    @for (entry, then) in &history {
                        tr {
                            td { (entry.time) }
                            td { @if then.automatic { (tr.t("pair-linker")) } @else { (entry.author) } }
                            td { (term!(tr, then.verdict)) @if let Some(s) = then.score { " (" (format!("{s:.2}")) ")" } }
                            td { (then.notes.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
            script src="/static/pairs.js" defer {}
        },
    ))
}

#[derive(Deserialize)]
struct Decide {
    verdict: String,
    #[serde(default)]
    note: String,
}

/// A person's decision on the pair; then the next pair.
async fn decide(
    Reader(who): Reader,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(form): Form<Decide>,
) -> Result<Response, WebError> {
    if !who.role.decides_pairs() {
        return Err(WebError::Forbidden);
    }
    let (old, _, _) = load(&state, &id).await?;
    let Some(verdict) = Verdict::from_code(&form.verdict) else {
        return Err(WebError::BadRequest(format!("no verdict {:?}: same, different or undecided", form.verdict)));
    };
    let note = form.note.trim();
    if note.chars().count() > NOTE_MAX {
        return Err(WebError::BadRequest(format!("the note is longer than {NOTE_MAX} characters")));
    }
    let decision = Decision {
        verdict,
        automatic: false,
        notes: (!note.is_empty()).then(|| note.to_string()),
        // The linker's score and reasons stay with the pair: what the person saw.
        ..old
    };
    let mut writer = state.store.writer(&who.name).await?;
    writer.put(vec![Record::Decision(decision)]).await?;
    writer.commit().await?;
    Ok((StatusCode::SEE_OTHER, [(LOCATION, format!("/pairs/next?after={id}"))]).into_response())
}
