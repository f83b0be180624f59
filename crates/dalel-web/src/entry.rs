//! A victim entry's page (`/entries/{id}`): one person as all the records linked to them tell
//! it (`dalel_model::VictimEntry`), each fact with the records that state it, contradictions
//! kept in view, the timeline with its doubtful steps flagged, the relatives who testified, the
//! evidence level, and the public id to cite. An entry is found by its public id, by the public
//! id of any of its records (a merged-away id: redirected to the entry's), or by a record id.

use std::collections::{HashMap, HashSet, VecDeque};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use dalel_link::{decided, eldest, join};
use dalel_model::*;
use dalel_store::Store;
use maud::{Markup, html};

use crate::auth::Reader;
use crate::i18n::Tr;
use crate::pages::{episode_summary, page, term};
use crate::{AppState, WebError};

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/entries/{id}", get(show))
}

/// An entry's records are gathered by following "same" decisions from one of them; past this
/// many the rest are left out (and the page says so).
const MAX_RECORDS: usize = 500;

/// The person records of an entry, and what else was read on the way.
pub(crate) struct Members {
    pub persons: Vec<Person>,
    /// Whether the gathering stopped at [`MAX_RECORDS`].
    pub cut: bool,
    /// The records other than decisions that refer to each person read, for [`sources`].
    referring: HashMap<RecordId, Vec<Record>>,
}

/// The person records of the entry `start` is in: joined to it by "same" decisions, people's
/// first, then the linker's most likely first, never across a person's "not the same" (as
/// `dalel dedupe` joins them).
pub(crate) async fn members(store: &dyn Store, start: Person) -> Result<Members, WebError> {
    let mut persons = vec![start];
    let mut index: HashMap<RecordId, usize> = HashMap::from([(persons[0].id.clone(), 0)]);
    let mut decisions: HashMap<RecordId, Decision> = HashMap::new();
    let mut referring: HashMap<RecordId, Vec<Record>> = HashMap::new();
    let mut queue = VecDeque::from([0usize]);
    let mut cut = false;
    while let Some(i) = queue.pop_front() {
        let mut others = Vec::new();
        for r in store.referring_to(&persons[i].id).await? {
            let d = match r {
                Record::Decision(d) => d,
                other => {
                    others.push(other);
                    continue;
                }
            };
            if d.verdict == Verdict::Same {
                for other in &d.persons {
                    if index.contains_key(other) {
                        continue;
                    }
                    if persons.len() >= MAX_RECORDS {
                        cut = true;
                        continue;
                    }
                    if let Some(Record::Person(p)) = store.get(other).await? {
                        index.insert(p.id.clone(), persons.len());
                        queue.push_back(persons.len());
                        persons.push(p);
                    }
                }
            }
            decisions.insert(d.id.clone(), d);
        }
        referring.insert(persons[i].id.clone(), others);
    }
    let (decided, links) = decided(decisions.values(), |id| index.get(id).copied());
    let joined = join(persons.len(), &decided, &links);
    let ours: HashSet<usize> =
        joined.entries.into_iter().find(|e| e.contains(&0)).unwrap_or_default().into_iter().collect();
    let persons = persons.into_iter().enumerate().filter(|(i, _)| ours.contains(i)).map(|(_, p)| p).collect();
    Ok(Members { persons, cut, referring })
}

/// What the entry is built from: its records and every testimony, episode and evidence file
/// about them (what refers to the persons was read by [`members`]).
pub(crate) async fn sources(store: &dyn Store, members: Members) -> Result<EntrySources, WebError> {
    let Members { persons, mut referring, .. } = members;
    let mut sources = EntrySources::default();
    let mut seen: HashSet<RecordId> = HashSet::new();
    let mut about: Vec<RecordId> = persons.iter().map(|p| p.id.clone()).collect();
    sources.persons = persons;
    while let Some(id) = about.pop() {
        let records = match referring.remove(&id) {
            Some(read) => read,
            None => store.referring_to(&id).await?,
        };
        for r in records {
            if !seen.insert(r.id().clone()) {
                continue;
            }
            match r {
                Record::Testimony(t) if t.subjects.iter().any(|s| sources.persons.iter().any(|p| p.id == s.person)) => {
                    about.push(t.id.clone());
                    sources.testimonies.push(t);
                }
                Record::Episode(e) if e.persons.iter().any(|x| sources.persons.iter().any(|p| &p.id == x)) => {
                    about.push(e.id.clone());
                    sources.episodes.push(e);
                }
                Record::EvidenceFile(f) => sources.evidence.push(f),
                _ => {}
            }
        }
    }
    Ok(sources)
}

/// The entry's record from what the address names: a public id or a person's record id.
async fn find(state: &AppState, key: &str) -> Result<Person, WebError> {
    let id = if RecordId::is_public_id(key) {
        state.by_public_id(key).await?.ok_or(WebError::NotFound)?
    } else {
        RecordId::new(key).map_err(|_| WebError::NotFound)?
    };
    match state.store.get(&id).await? {
        Some(Record::Person(p)) => Ok(p),
        _ => Err(WebError::NotFound),
    }
}

async fn show(
    tr: Tr,
    Reader(who): Reader,
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> Result<Response, WebError> {
    let start = find(&state, &key).await?;
    let store = state.store.as_ref();
    let members = members(store, start).await?;
    let cut = members.cut;
    let ids: Vec<RecordId> = members.persons.iter().map(|p| p.id.clone()).collect();
    let first_put = store.first_put(&ids).await?;
    let named_by = eldest(ids.iter().map(|id| (id, first_put.get(id).copied())))
        .expect("the entry holds the record it was found by")
        .clone();
    if key != named_by.public_id() {
        // A merged-away id, or a record's id: the entry's own id is the one to cite.
        let to = format!("/entries/{}", named_by.public_id());
        return Ok((StatusCode::PERMANENT_REDIRECT, [(LOCATION, to)]).into_response());
    }
    let display = members.persons.iter().find(|p| p.id == named_by).map_or("", |p| p.display_name()).to_string();
    let entry = VictimEntry::assemble(&named_by, &sources(store, members).await?);
    let body = html! {
        h1 { (display) }
        (entry_body(tr, &entry, Links::Internal))
        @if cut { p.warn role="alert" { (tr.t_with("entry-cut", &[("count", MAX_RECORDS.into())])) } }
    };
    Ok(page(tr, Some(&who), &display, body).into_response())
}

/// Where an entry's page points its records: the internal pages, or (the public site) nowhere
/// but the entry's own list of sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Links {
    Internal,
    Public,
}

/// An entry's page without its frame: the id to cite, the evidence level, names, facts,
/// timeline and who testified, each with the records that state it.
pub(crate) fn entry_body(tr: Tr, entry: &VictimEntry, links: Links) -> Markup {
    let field_label = |field: &str| match field {
        "birth_date" => tr.t("fact-born"),
        "sex" => tr.t("fact-sex"),
        "ethnicity" => tr.t("fact-ethnicity"),
        "hometown" => tr.t("fact-hometown"),
        "occupation" => tr.t("fact-occupation"),
        _ => tr.t("person-id-numbers"),
    };
    let value = |field: &str, v: &str| match field {
        "sex" => Gender::from_code(v).map_or_else(|| v.to_string(), |g| term!(tr, g)),
        _ => v.to_string(),
    };
    let flag = |f: &TimelineFlag| match f {
        TimelineFlag::ReleaseBeforeDetention => tr.t("timeline-release-before-detention"),
        TimelineFlag::PrisonWithoutSentence => tr.t("timeline-prison-without-sentence"),
        TimelineFlag::BeforeBirth => tr.t("timeline-before-birth"),
        TimelineFlag::AfterDeath => tr.t("timeline-after-death"),
        TimelineFlag::EndsBeforeStart => tr.t("timeline-ends-before-start"),
    };
    let records = |ids: &[RecordId]| {
        html! { @for (i, id) in ids.iter().enumerate() {
            @if i > 0 { ", " }
            @match links {
                Links::Internal => a href={ "/people/" (id) } { (id.public_id()) },
                Links::Public => (id.public_id()),
            }
        } }
    };
    let testimony = |id: &RecordId, text: Markup| match links {
        Links::Internal => html! { a href={ "/testimonies/" (id) } { (text) } },
        Links::Public => html! { a href={ "#t-" (id.public_id()) } { (text) } },
    };
    html! {
        p { (tr.t("entry-cite")) " " code { (entry.id) } }
        p {
            (tr.t("entry-level")) ": " strong { (term!(tr, entry.level)) } " "
            span.muted { "(" (tr.level_reason(entry.level_reason)) ")" }
        }
        h2 { (tr.t("person-names")) }
        table {
            thead { tr { th { (tr.t("col-name")) } th { (tr.t("col-script")) } th { (tr.t("entry-records")) } } }
            tbody { @for (n, from) in &entry.names {
                tr { td lang=[n.language.as_deref()] { (n.text) } td { (n.script.label()) } td { (records(from)) } }
            } }
        }
        h2 { (tr.t("person-facts")) }
        table { tbody {
            @for f in &entry.facts {
                tr {
                    th scope="row" { (field_label(f.field)) }
                    td {
                        @for v in &f.values { (value(f.field, &v.value)) " " span.muted { "(" (records(&v.records)) ")" } br; }
                        @if f.contradicted { span.flag { (tr.t("entry-disagree")) } }
                    }
                }
            }
        } }
        h2 { (tr.t("entry-timeline")) }
        @if entry.timeline.is_empty() { p.muted { (tr.t("entry-no-episodes")) } }
        ol { @for step in &entry.timeline {
            li {
                (episode_summary(tr, &step.episode))
                @for f in &step.flags { br; span.flag { (flag(f)) } }
                @if !step.episode.sources.is_empty() {
                    br; span.muted { (tr.t("entry-sources")) ": "
                        @for s in &step.episode.sources { (testimony(s, html! { (s.public_id()) })) " " } }
                }
            }
        } }
        h2 { (tr.t("entry-testified")) }
        @if entry.testified.is_empty() { p.muted { (tr.t("person-no-sources")) } }
        ul { @for t in &entry.testified {
            li { (testimony(&t.testimony, html! { (term!(tr, t.relation)) })) " · " (tr.t_with("testimony-consent", &[("consent", term!(tr, t.consent).into())])) }
        } }
    }
}
