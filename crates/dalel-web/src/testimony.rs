//! A testimony's page (`/testimonies/{id}`): who it is about, what happened, the warnings to look
//! at, the people already in the archive who may be the same, and its review: the state, the
//! steps that can be taken now (`POST /testimonies/{id}/review`) and every step taken, read from
//! the ledger. `/review` is the queue.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use dalel_model::*;
use maud::{Markup, html};
use serde::Deserialize;

use crate::auth::{Reader, SignedIn};
use crate::i18n::Tr;
use crate::intake::SAME_PERSON;
use crate::pages::{episode_summary, flag_text, id_number_row, page, term};
use crate::{AppState, WebError};

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/testimonies/{id}", get(show))
        .route("/testimonies/{id}/review", post(step))
        .route("/review", get(queue))
}

/// How sure a match must be to be shown as "maybe the same person".
pub(crate) const MAYBE_SAME: f64 = 0.8;

/// The states a reviewer works through, in the queue's order.
const QUEUE: [ReviewState; 4] =
    [ReviewState::Submitted, ReviewState::InReview, ReviewState::Returned, ReviewState::Accepted];
const QUEUE_PAGE: u32 = 25;
/// Counts stop here: the queue says "1000+" rather than count a long queue on every view.
const COUNT_UP_TO: u64 = 1000;

/// The testimony `id`, if `who` may read it: anyone who reads the archive, or the volunteer who
/// recorded it (the author of its first version in the ledger). To anyone else it is not found,
/// so that its existence is not revealed either.
pub(crate) async fn load(state: &AppState, who: &SignedIn, id: &str) -> Result<Testimony, WebError> {
    let id = RecordId::new(id).map_err(|_| WebError::NotFound)?;
    let Some(Record::Testimony(t)) = state.store.get(&id).await? else { return Err(WebError::NotFound) };
    if !who.role.reads_archive() {
        let history = state.store.history(&id).await?;
        if history.first().is_none_or(|first| first.author != who.name) {
            return Err(WebError::NotFound);
        }
    }
    Ok(t)
}

#[derive(Deserialize)]
struct Show {
    /// Set by the intake form's redirect: say that the testimony was saved.
    #[serde(default)]
    saved: Option<String>,
}

async fn show(
    tr: Tr,
    who: SignedIn,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<Show>,
) -> Result<Markup, WebError> {
    let t = load(&state, &who, &id).await?;
    let notice = q.saved.map(|_| tr.t("saved-title"));
    render(tr, &who, &state, t, notice, None).await
}

#[derive(Deserialize)]
struct Step {
    action: String,
    #[serde(default)]
    comment: String,
}

/// Takes a review step: a new state of the testimony, in the ledger.
async fn step(
    tr: Tr,
    who: SignedIn,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(form): Form<Step>,
) -> Result<Response, WebError> {
    let mut t = load(&state, &who, &id).await?;
    let Some(action) = ReviewAction::from_code(&form.action) else {
        return Err(WebError::BadRequest(format!("no review step {:?}", form.action)));
    };
    match take_step(&state, &who, &mut t, action, Some(form.comment)).await? {
        Ok(_) => Ok((StatusCode::SEE_OTHER, [(LOCATION, format!("/testimonies/{id}"))]).into_response()),
        Err(e) => {
            let problem = match e {
                ReviewError::NeedsComment => tr.t("review-needs-comment"),
                ReviewError::NotFrom { .. } => {
                    // A refused step leaves the testimony as it was.
                    let from = t.review.as_ref().map_or(ReviewState::Draft, |r| r.state);
                    tr.t_with(
                        "review-not-from",
                        &[("from", term!(tr, from).into()), ("to", term!(tr, action.target()).into())],
                    )
                }
            };
            Ok((StatusCode::CONFLICT, render(tr, &who, &state, t, None, Some(problem)).await?).into_response())
        }
    }
}

/// Takes a review step on `t` as `who` and writes its new state; the step's refusal is the
/// inner error. Refused (403) if `who`'s role may not take the step.
pub(crate) async fn take_step(
    state: &AppState,
    who: &SignedIn,
    t: &mut Testimony,
    action: ReviewAction,
    comment: Option<String>,
) -> Result<Result<Review, ReviewError>, WebError> {
    if !who.role.may_take(action) {
        return Err(WebError::Forbidden);
    }
    let current = t.review.clone().unwrap_or_else(Review::draft);
    let next = match current.step(action, comment) {
        Ok(next) => next,
        Err(e) => return Ok(Err(e)),
    };
    t.review = Some(next.clone());
    let mut writer = state.store.writer(&who.name).await?;
    writer.put(vec![Record::Testimony(t.clone())]).await?;
    writer.commit().await?;
    Ok(Ok(next))
}

/// The page, with a notice (saved) or a problem of the last step if there is one.
async fn render(
    tr: Tr,
    who: &SignedIn,
    state: &AppState,
    t: Testimony,
    notice: Option<String>,
    problem: Option<String>,
) -> Result<Markup, WebError> {
    let mut persons = Vec::new();
    for s in &t.subjects {
        if let Some(Record::Person(p)) = state.store.get(&s.person).await? {
            persons.push((s.relation, p));
        }
    }
    let (mut episodes, mut files, mut said_same) = (Vec::new(), Vec::new(), HashMap::new());
    for r in state.store.referring_to(&t.id).await? {
        match r {
            Record::Episode(e) => episodes.push(e),
            Record::EvidenceFile(f) => files.push(f),
            // The volunteer's word that one of its people is one already in the archive.
            Record::Link(l) if l.role == SAME_PERSON => {
                if let Some(Record::Person(existing)) = state.store.get(&l.object).await? {
                    said_same.insert(l.subject, existing);
                }
            }
            _ => {}
        }
    }
    // Who else may be each person: neither the testimony's own people nor the one the
    // volunteer already said it is. Not shown to a volunteer, who does not read the archive.
    let ours: Vec<&RecordId> = persons.iter().map(|(_, p)| &p.id).collect();
    let mut maybe_same = Vec::new();
    for (_, p) in persons.iter().filter(|_| who.role.reads_archive()) {
        let said = said_same.get(&p.id).map(|existing: &Person| &existing.id);
        let found = state.search_names(p.display_name(), 5).await?;
        maybe_same.push(
            found
                .into_iter()
                .filter(|f| f.score >= MAYBE_SAME && !ours.contains(&&f.person.id) && said != Some(&f.person.id))
                .collect::<Vec<_>>(),
        );
    }
    // Each entry of the testimony's history that changed its review state.
    let mut steps = Vec::new();
    let mut last = None;
    for entry in state.store.history(&t.id).await? {
        let Ok(Change::Put { record: Record::Testimony(then) }) = Change::from_json(&entry.change) else {
            continue;
        };
        if then.review != last {
            last = then.review.clone();
            if let Some(review) = then.review {
                steps.push((entry, review));
            }
        }
    }
    let review = t.review.clone();
    let testifier_flags = t.testifier.flags();
    let person_flags: Vec<(&str, Vec<Flag>)> = persons.iter().map(|(_, p)| (p.display_name(), p.flags())).collect();
    let title = t.title.clone().unwrap_or_else(|| tr.t("testimony-title"));
    Ok(page(
        tr,
        Some(who),
        &title,
        html! {
            h1 { (title) }
            p {
                @if notice.is_some() { (tr.t_with("saved-text", &[("persons", persons.len().into())])) " · " }
                (tr.t_with("testimony-consent", &[("consent", term!(tr, t.consent).into())]))
                @if let Some(d) = &t.recorded_on { " · " (tr.t_with("testimony-recorded", &[("date", tr.date(d).into())])) }
            }
            @if let Some(notice) = &notice { p.notice role="status" { (notice) } }
            @if let Some(problem) = &problem { p.warn.flag role="alert" { (problem) } }
            @if !testifier_flags.is_empty() || person_flags.iter().any(|(_, flags)| !flags.is_empty()) {
                section.warn role="alert" {
                    h2 { (tr.t("saved-warnings")) }
                    ul {
                        @for f in &testifier_flags { li.flag { (tr.t("section-testifier")) ": " (flag_text(tr, f)) } }
                        @for (name, flags) in &person_flags { @for f in flags { li.flag { bdi { (name) } ": " (flag_text(tr, f)) } } }
                    }
                }
            }
            @if let Some(review) = &review {
                section {
                    h2 { (tr.t("review-title")) }
                    p {
                        (tr.t("review-state")) " " strong { (term!(tr, review.state)) }
                        @if let Some(c) = &review.comment { " — " q { (c) } }
                    }
                    @let actions: Vec<ReviewAction> = review.actions().into_iter().filter(|a| who.role.may_take(*a)).collect();
                    @if !actions.is_empty() {
                        form method="post" action={ "/testimonies/" (t.id) "/review" } {
                            input type="hidden" name="csrf" value=(who.csrf);
                            p {
                                label for="comment" { (tr.t("review-comment")) } br;
                                textarea #comment name="comment" rows="2" cols="60" {}
                            }
                            p { @for a in &actions {
                                button type="submit" name="action" value=(a.code()) { (tr.t(&format!("review-action-{}", a.code().replace('_', "-")))) } " "
                            } }
                        }
                    }
                    @if !steps.is_empty() {
                        table {
                            thead { tr { th { (tr.t("col-time")) } th { (tr.t("col-author")) } th { (tr.t("col-state")) } th { (tr.t("col-comment")) } } }
                            tbody { @for (entry, r) in &steps {
                                tr { td { (entry.time) } td { (entry.author) } td { (term!(tr, r.state)) } td { (r.comment.as_deref().unwrap_or("")) } }
                            } }
                        }
                    }
                }
            }
            h2 { (tr.t("section-testifier")) }
            p { bdi { (t.testifier.name.as_deref().unwrap_or("")) } @if let Some(d) = &t.testifier.birth_date { " · " (tr.date(d)) } }
            @if !t.testifier.identity_numbers.is_empty() {
                table { tbody { @for n in &t.testifier.identity_numbers { (id_number_row(tr, n)) } } }
            }
            h2 { (tr.t("section-persons")) }
            @for (i, (relation, p)) in persons.iter().enumerate() {
                @let same = maybe_same.get(i).map_or(&[][..], Vec::as_slice);
                section {
                    h3 { a href={ "/people/" (p.id) } { bdi { (p.display_name()) } } " · " (term!(tr, *relation)) }
                    @if !p.identity_numbers.is_empty() {
                        table { tbody { @for n in &p.identity_numbers { (id_number_row(tr, n)) } } }
                    }
                    @if let Some(existing) = said_same.get(&p.id) {
                        p.notice {
                            (tr.t("said-same")) " "
                            a href={ "/people/" (existing.id) } { bdi { (existing.names.iter().map(|n| n.text.as_str()).collect::<Vec<_>>().join(" · ")) } }
                        }
                    }
                    @if same.is_empty() {
                        @if !said_same.contains_key(&p.id) && who.role.reads_archive() {
                            p.muted { (tr.t_with("saved-no-same", &[("name", p.display_name().into())])) }
                        }
                    } @else {
                        p { (tr.t_with("saved-maybe-same", &[("name", p.display_name().into())])) }
                        ul { @for f in same { li { a href={ "/people/" (f.person.id) } { bdi { (f.person.names.join(" · ")) } } " (" (format!("{:.2}", f.score)) ")" } } }
                    }
                }
            }
            @if !episodes.is_empty() {
                h2 { (tr.t("section-episodes")) }
                ul { @for e in &episodes { li { (episode_summary(tr, e)) } } }
            }
            h2 { (tr.t("evidence-title")) }
            @if files.is_empty() { p.muted { (tr.t("evidence-none")) } } @else {
                table {
                    thead { tr { th { (tr.t("col-file")) } th { (tr.t("col-type")) } th { (tr.t("col-size")) } th { "SHA-256" } } }
                    tbody { @for f in &files {
                        tr { td { (f.file_name.as_deref().unwrap_or("")) } td { (f.media_type) } td { (f.size) " B" } td { code { (f.sha256[..16]) "…" } } }
                    } }
                }
            }
            // Without JavaScript the form posts the files in one request; upload.js sends them in
            // resumable chunks instead.
            // A multipart form's CSRF token goes in its address: the check reads no file's body.
            form #evidence-upload method="post" enctype="multipart/form-data" action={ "/testimonies/" (t.id) "/evidence?csrf=" (who.csrf) }
                data-about=(t.id) data-waiting=(tr.t("evidence-waiting")) data-failed=(tr.t("evidence-failed")) {
                p { label for="evidence-files" { (tr.t("evidence-choose")) } br; input #evidence-files name="file" type="file" multiple required; " " button type="submit" { (tr.t("evidence-upload")) } }
                ul #evidence-progress {}
            }
            noscript { p.muted { (tr.t("evidence-no-js")) } }
            script src="/static/upload.js" defer {}
            @if let Some(q) = &t.questionnaire {
                h2 { (tr.t("section-survivor")) }
                dl { @for (label, answer) in questionnaire_answers(q) { dt { (tr.t(label)) } dd { (answer) } } }
            }
            @for tx in &t.transcripts {
                h2 { (tr.t("section-transcript")) }
                p.muted { (tx.language) @if let Some(by) = &tx.translated_by { " · " (tr.t("f-translated-by")) " " (by) } }
                blockquote lang=(tx.language) dir="auto" { (tx.text) }
            }
            p { a href="/testimonies/new" { (tr.t("saved-another")) } @if who.role.reads_archive() { " · " a href="/review" { (tr.t("review-queue")) } } }
        },
    ))
}

fn questionnaire_answers(q: &Questionnaire) -> Vec<(&'static str, &str)> {
    [
        ("q-cell-people", &q.cell_people),
        ("q-oldest", &q.oldest_detainee),
        ("q-youngest", &q.youngest_detainee),
        ("q-routine", &q.daily_routine),
        ("q-food", &q.food),
        ("q-medical", &q.medical),
        ("q-classes", &q.classes),
        ("q-punishments", &q.punishments),
        ("q-other", &q.other),
    ]
    .into_iter()
    .filter_map(|(label, answer)| answer.as_deref().map(|a| (label, a)))
    .collect()
}

/// The review queue: the testimonies waiting at each step, oldest first by id.
async fn queue(tr: Tr, Reader(who): Reader, State(state): State<AppState>) -> Result<Markup, WebError> {
    let counts = state.store.count_in_review(&QUEUE, COUNT_UP_TO + 1).await?;
    let mut sections = Vec::new();
    for (review_state, count) in QUEUE.into_iter().zip(counts) {
        let testimonies = state.store.in_review(review_state, None, QUEUE_PAGE).await?;
        sections.push((review_state, count, testimonies));
    }
    Ok(page(
        tr,
        Some(&who),
        &tr.t("review-queue"),
        html! {
            h1 { (tr.t("review-queue")) }
            @for (review_state, count, testimonies) in &sections {
                h2 { (term!(tr, *review_state)) " (" (count.min(&COUNT_UP_TO)) @if *count > COUNT_UP_TO { "+" } ")" }
                @if testimonies.is_empty() { p.muted { (tr.t("review-none")) } }
                ul { @for r in testimonies { @if let Record::Testimony(t) = r {
                    li {
                        a href={ "/testimonies/" (t.id) } { (t.title.clone().unwrap_or_else(|| tr.t("testimony-title"))) }
                        @if let Some(d) = &t.recorded_on { " · " (tr.date(d)) }
                        " · " (term!(tr, t.consent))
                    }
                } } }
            }
        },
    ))
}
