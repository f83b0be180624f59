//! The JSON API: what the pages do, for programs. Described by an OpenAPI 3.1 document generated
//! from this code and served at `/api/openapi.json`. Errors are RFC 9457 problems
//! (`application/problem+json`) naming the field and the reason, in the language of
//! `Accept-Language` where the UI speaks it.
//!
//! A testimony sent as JSON is read by the same reader as the intake form (its fields are
//! flattened into the form's), so both accept and refuse exactly the same things.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use dalel_model::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::auth::{Reader, SignedIn};
use crate::i18n::Tr;
use crate::intake::{Fields, MAX_BLOCKS, Problem, read_checked, save};
use crate::pages::flag_text;
use crate::testimony::{load, take_step};
use crate::upload;
use crate::{AppState, WebError};

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/openapi.json", get(openapi))
        .route("/api/id-check", get(id_check))
        .route("/api/people/similar", get(similar_people))
        .route("/api/testimonies", post(create_testimony))
        .route("/api/testimonies/{id}", get(get_testimony))
        .route("/api/testimonies/{id}/review", post(review_step))
}

#[derive(OpenApi)]
#[openapi(
    info(title = "dalel", description = "Testimonies of detention and repression: intake, review and evidence files."),
    paths(
        crate::auth::whoami,
        id_check,
        create_testimony,
        get_testimony,
        review_step,
        upload::create,
        upload::status,
        upload::append
    ),
    modifiers(&SessionSecurity),
    components(schemas(
        crate::auth::SessionInfo,
        IdCheckResult,
        SimilarPerson,
        NewTestimony,
        NewTestifier,
        NewPerson,
        NewEpisode,
        NewQuestionnaire,
        NewTranscript,
        Created,
        ReviewStep,
        ReviewOut,
        ProblemDoc,
        FieldProblem,
        upload::CreateUpload,
        upload::UploadStatus,
        upload::UploadDone
    ))
)]
struct ApiDoc;

/// Every operation but the document itself needs a session: the cookie the login form sets
/// (`scripts/sign-in` shows how a script gets it), and on each change the CSRF token that
/// `/api/session` tells.
struct SessionSecurity;

impl utoipa::Modify for SessionSecurity {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
        if let Some(components) = openapi.components.as_mut() {
            let session = ApiKeyValue::with_description("dalel_session", "The session, set by signing in at /login");
            components.add_security_scheme("session", SecurityScheme::ApiKey(ApiKey::Cookie(session)));
            let csrf =
                ApiKeyValue::with_description("X-CSRF-Token", "Sent with every change: the `csrf` of /api/session");
            components.add_security_scheme("csrf", SecurityScheme::ApiKey(ApiKey::Header(csrf)));
        }
        let both = SecurityRequirement::new("session", Vec::<String>::new()).add("csrf", Vec::<String>::new());
        openapi.security = Some(vec![both]);
        // Any operation may be refused before it runs: no session (401), a role that does not
        // allow it or a change without the CSRF token (403).
        use utoipa::openapi::{Content, Ref, ResponseBuilder};
        let refusal = |what: &str| {
            let problem = Content::new(Some(Ref::from_schema_name("ProblemDoc")));
            ResponseBuilder::new().description(what).content("application/problem+json", problem).build()
        };
        for item in openapi.paths.paths.values_mut() {
            for operation in [&mut item.get, &mut item.post, &mut item.patch].into_iter().flatten() {
                let responses = &mut operation.responses.responses;
                responses.entry("401".into()).or_insert_with(|| refusal("Not signed in").into());
                let forbidden = "The role does not allow it, or a change came without the CSRF token";
                responses.entry("403".into()).or_insert_with(|| refusal(forbidden).into());
            }
        }
    }
}

/// The OpenAPI document of this API.
pub fn openapi_json() -> String {
    ApiDoc::openapi().to_pretty_json().expect("the document serializes")
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json()).into_response()
}

/// An RFC 9457 problem document.
#[derive(Serialize, ToSchema)]
pub(crate) struct ProblemDoc {
    #[serde(rename = "type")]
    kind: String,
    title: String,
    status: u16,
    detail: String,
    /// The field or header at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    /// Every problem, when there are several.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldProblem>,
}

impl ProblemDoc {
    fn respond(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, [(header::CONTENT_TYPE, "application/problem+json")], Json(self)).into_response()
    }
}

/// An RFC 9457 problem: what is wrong, with the field it concerns.
pub(crate) fn problem(status: StatusCode, slug: &str, field: Option<&str>, detail: impl Into<String>) -> Response {
    ProblemDoc {
        kind: format!("urn:dalel:problem:{slug}"),
        title: status.canonical_reason().unwrap_or("Error").into(),
        status: status.as_u16(),
        detail: detail.into(),
        field: field.map(str::to_string),
        errors: Vec::new(),
    }
    .respond()
}

/// One field's problem: a JSON pointer into the request and what is wrong.
#[derive(Serialize, ToSchema)]
pub(crate) struct FieldProblem {
    field: String,
    detail: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Read through a map, so that a missing or odd parameter is a problem document.
struct IdCheckQuery {
    /// The number as typed.
    number: String,
    /// The birth date entered elsewhere (a partial date), to compare with the number's.
    birth_date: Option<String>,
    /// The sex entered elsewhere (`male`, `female`, `other`).
    sex: Option<String>,
}

/// What an identity number says, checked as it is typed.
#[derive(Serialize, ToSchema)]
struct IdCheckResult {
    /// `cn_resident`, `kz_iin` or `other` (guessed from the form of the number).
    scheme: String,
    /// Whether it passes its check; `null` when there is no check for this kind of number.
    valid: Option<bool>,
    birth_date: Option<String>,
    sex: Option<String>,
    /// The area code of a Chinese number, and its name where known.
    area_code: Option<String>,
    area: Option<String>,
    /// What to look at: a failed check, a birth date or sex that contradicts the number. The
    /// number is accepted all the same.
    warnings: Vec<String>,
}

/// Checks an identity number as it is typed: never refuses it, says what it tells and what
/// contradicts it.
#[utoipa::path(get, path = "/api/id-check", params(IdCheckQuery),
    responses(
        (status = 200, description = "What the number says", body = IdCheckResult),
        (status = 400, description = "No number", body = ProblemDoc, content_type = "application/problem+json")
    ))]
async fn id_check(tr: Tr, _who: SignedIn, Query(q): Query<HashMap<String, String>>) -> Response {
    let Some(number) = q.get("number").map(|n| n.trim()).filter(|n| !n.is_empty() && n.chars().count() <= 64) else {
        return problem(StatusCode::BAD_REQUEST, "no-number", Some("number"), "a number of 1 to 64 characters");
    };
    let number = IdentityNumber::guess(number);
    let birth = q.get("birth_date").and_then(|d| d.parse::<PartialDate>().ok());
    let sex = q.get("sex").and_then(|s| Gender::from_code(s));
    let warnings =
        id_number_flags(std::slice::from_ref(&number), birth.as_ref(), sex).iter().map(|f| flag_text(tr, f)).collect();
    let mut out = IdCheckResult {
        scheme: number.scheme.code().to_string(),
        valid: None,
        birth_date: None,
        sex: None,
        area_code: None,
        area: None,
        warnings,
    };
    match number.check() {
        IdCheck::ChineseResident(id) => {
            out.valid = Some(true);
            out.birth_date = Some(id.birth_date().to_string());
            out.sex = Some(id.sex().code().to_string());
            out.area_code = Some(id.area_code().to_string());
            out.area = id.prefecture().map(|p| p.name_en).or(id.province()).map(str::to_string);
        }
        IdCheck::Iin(iin) => {
            out.valid = Some(true);
            out.birth_date = Some(iin.birth_date().to_string());
            out.sex = Some(iin.sex().code().to_string());
        }
        IdCheck::Invalid(_) => out.valid = Some(false),
        IdCheck::Unchecked => {}
    }
    Json(out).into_response()
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Read through a map, so that a missing or odd parameter is a problem document.
struct SimilarQuery {
    /// A name in any script, as typed.
    name: String,
}

/// A person already in the archive whose name matches.
#[derive(Serialize, ToSchema)]
struct SimilarPerson {
    id: String,
    /// Every name the person has, in every script.
    names: Vec<String>,
    /// In [0, 1].
    score: f64,
}

/// People already in the archive who may be the one whose name is being typed (best first, at
/// most 5), so that a volunteer can see a duplicate before creating it.
#[utoipa::path(get, path = "/api/people/similar", params(SimilarQuery),
    responses(
        (status = 200, description = "Matches, best first", body = Vec<SimilarPerson>),
        (status = 400, description = "No name, or one over 200 characters", body = ProblemDoc, content_type = "application/problem+json")
    ))]
async fn similar_people(
    _reader: Reader,
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let Some(name) = q.get("name").map(|n| n.trim()).filter(|n| !n.is_empty() && n.chars().count() <= 200) else {
        return Ok(problem(StatusCode::BAD_REQUEST, "no-name", Some("name"), "a name of 1 to 200 characters"));
    };
    let found = state.search_names(name, 5).await?;
    let out: Vec<SimilarPerson> = found
        .into_iter()
        .filter(|f| f.score >= crate::testimony::MAYBE_SAME)
        .map(|f| SimilarPerson { id: f.person.id.to_string(), names: f.person.names, score: f.score })
        .collect();
    Ok(Json(out).into_response())
}

/// A testimony to record: the intake form's fields as JSON.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewTestimony {
    testifier: NewTestifier,
    /// `public`, `anonymised` or `internal` (the default).
    consent: Option<String>,
    recorded_on: Option<String>,
    recorded_at: Option<String>,
    recorded_by: Option<String>,
    /// `kk`, `ug`, `ru`, `zh`, `ky`, `en`, `tr` or `ar`.
    language: Option<String>,
    media_url: Option<String>,
    /// At least one.
    persons: Vec<NewPerson>,
    #[serde(default)]
    episodes: Vec<NewEpisode>,
    questionnaire: Option<NewQuestionnaire>,
    /// The transcript and its translations, each marked with who translated it.
    #[serde(default)]
    transcripts: Vec<NewTranscript>,
    notes: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewTestifier {
    name: String,
    /// A partial date: `1975`, `1975-03`, `1975-03-21`, `1975~`, `1975/1977`.
    birth_date: Option<String>,
    /// Kept as given even when a check fails.
    #[serde(default)]
    id_numbers: Vec<String>,
    contact: Option<String>,
    residence: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewPerson {
    /// The testifier's relation to this person: `mother`, `father`, `son`, `daughter`,
    /// `husband`, `wife`, `brother`, `sister`, `relative`, `neighbour`, `self`, `other`.
    relation: String,
    /// In any script; at least one.
    names: Vec<String>,
    birth_date: Option<String>,
    #[serde(default)]
    id_numbers: Vec<String>,
    /// `male`, `female` or `other`.
    gender: Option<String>,
    ethnicity: Option<String>,
    hometown: Option<String>,
    occupation: Option<String>,
    /// The id of a person already in the archive whom the testifier means (from
    /// `/api/people/similar`): the new person is kept as given, with a `same_person` link to
    /// that one, for review.
    same_as: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewEpisode {
    /// The index in `persons` of the person it happened to (the first by default).
    person: Option<u32>,
    /// `detention`, `sentence`, `release`, `death`, `disappearance`, `land_seizure`,
    /// `harassment`, `travel_ban`, `protest_detention`.
    kind: String,
    /// `police_custody`, `administrative_detention`, `pretrial_detention_centre`, `camp`,
    /// `drug_rehabilitation_centre`, `prison`, `house_arrest`, `travel_or_document_restriction`.
    detention: Option<String>,
    start: Option<String>,
    end: Option<String>,
    place: Option<String>,
    #[serde(default)]
    charges: Vec<String>,
    term: Option<String>,
    /// How the testifier knows.
    source: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewQuestionnaire {
    cell_people: Option<String>,
    oldest_detainee: Option<String>,
    youngest_detainee: Option<String>,
    daily_routine: Option<String>,
    food: Option<String>,
    medical: Option<String>,
    classes: Option<String>,
    punishments: Option<String>,
    other: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewTranscript {
    language: Option<String>,
    text: String,
    #[serde(default)]
    is_translation: bool,
    translated_by: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct Created {
    id: String,
}

/// The intake form's fields of a JSON testimony, and each field's place in the JSON.
fn flatten(t: NewTestimony) -> (Fields, HashMap<String, String>) {
    let mut values = HashMap::new();
    let mut pointers = HashMap::new();
    let mut set = |field: String, pointer: String, value: Option<String>| {
        pointers.insert(field.clone(), pointer);
        if let Some(v) = value {
            values.insert(field, v);
        }
    };
    let lines = |v: Vec<String>| Some(v.join("\n"));
    set("t-name".into(), "/testifier/name".into(), Some(t.testifier.name));
    set("t-birth".into(), "/testifier/birth_date".into(), t.testifier.birth_date);
    set("t-ids".into(), "/testifier/id_numbers".into(), lines(t.testifier.id_numbers));
    set("t-contact".into(), "/testifier/contact".into(), t.testifier.contact);
    set("t-residence".into(), "/testifier/residence".into(), t.testifier.residence);
    set("consent".into(), "/consent".into(), t.consent);
    set("recorded-on".into(), "/recorded_on".into(), t.recorded_on);
    set("recorded-at".into(), "/recorded_at".into(), t.recorded_at);
    set("recorded-by".into(), "/recorded_by".into(), t.recorded_by);
    set("language".into(), "/language".into(), t.language);
    set("media-url".into(), "/media_url".into(), t.media_url);
    set("notes".into(), "/notes".into(), t.notes);
    let (persons, episodes) = (t.persons.len(), t.episodes.len());
    for (i, p) in t.persons.into_iter().enumerate() {
        let mut field =
            |name: &str, json: &str, value| set(format!("p{i}-{name}"), format!("/persons/{i}/{json}"), value);
        field("relation", "relation", Some(p.relation));
        field("names", "names", lines(p.names));
        field("birth", "birth_date", p.birth_date);
        field("ids", "id_numbers", lines(p.id_numbers));
        field("gender", "gender", p.gender);
        field("ethnicity", "ethnicity", p.ethnicity);
        field("hometown", "hometown", p.hometown);
        field("occupation", "occupation", p.occupation);
        field("same", "same_as", p.same_as);
    }
    for (j, e) in t.episodes.into_iter().enumerate() {
        let mut field =
            |name: &str, json: &str, value| set(format!("e{j}-{name}"), format!("/episodes/{j}/{json}"), value);
        field("person", "person", e.person.map(|p| p.to_string()));
        field("kind", "kind", Some(e.kind));
        field("detention", "detention", e.detention);
        field("start", "start", e.start);
        field("end", "end", e.end);
        field("place", "place", e.place);
        field("charges", "charges", lines(e.charges));
        field("term", "term", e.term);
        field("source", "source", e.source);
    }
    if let Some(q) = t.questionnaire {
        for (field, json, value) in [
            ("q-cell-people", "cell_people", q.cell_people),
            ("q-oldest", "oldest_detainee", q.oldest_detainee),
            ("q-youngest", "youngest_detainee", q.youngest_detainee),
            ("q-routine", "daily_routine", q.daily_routine),
            ("q-food", "food", q.food),
            ("q-medical", "medical", q.medical),
            ("q-classes", "classes", q.classes),
            ("q-punishments", "punishments", q.punishments),
            ("q-other", "other", q.other),
        ] {
            set(field.into(), format!("/questionnaire/{json}"), value);
        }
    }
    let transcripts = t.transcripts.len();
    for (k, tx) in t.transcripts.into_iter().enumerate() {
        let mut field =
            |name: &str, json: &str, value| set(format!("tr{k}-{name}"), format!("/transcripts/{k}/{json}"), value);
        field("language", "language", tx.language);
        field("text", "text", Some(tx.text));
        field("translation", "is_translation", tx.is_translation.then(|| "1".into()));
        field("by", "translated_by", tx.translated_by);
    }
    let fields = Fields { values, persons: persons.max(1), episodes: episodes.max(1), transcripts: transcripts.max(1) };
    (fields, pointers)
}

fn field_problems(tr: Tr, problems: &[Problem], pointers: &HashMap<String, String>) -> Response {
    let errors: Vec<FieldProblem> = problems
        .iter()
        .map(|p| FieldProblem {
            field: pointers.get(&p.field).cloned().unwrap_or_else(|| "/persons".into()),
            detail: p.text(tr),
        })
        .collect();
    ProblemDoc {
        kind: "urn:dalel:problem:invalid-testimony".into(),
        title: "Unprocessable Entity".into(),
        status: 422,
        detail: errors.iter().map(|e| e.detail.as_str()).collect::<Vec<_>>().join(" "),
        field: errors.first().map(|e| e.field.clone()),
        errors,
    }
    .respond()
}

/// Records a testimony with its people and events, as a draft.
#[utoipa::path(post, path = "/api/testimonies", request_body = NewTestimony,
    responses(
        (status = 201, description = "Recorded; `Location` is its page", body = Created),
        (status = 400, description = "Not JSON of this shape", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Fields to correct; nothing was written", body = ProblemDoc, content_type = "application/problem+json")
    ))]
async fn create_testimony(
    tr: Tr,
    who: SignedIn,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, WebError> {
    let t: NewTestimony = match serde_json::from_slice(&body) {
        Ok(t) => t,
        Err(e) => return Ok(problem(StatusCode::BAD_REQUEST, "bad-json", None, format!("the request body: {e}"))),
    };
    if t.persons.len() > MAX_BLOCKS || t.episodes.len() > MAX_BLOCKS || t.transcripts.len() > MAX_BLOCKS {
        let detail = format!("at most {MAX_BLOCKS} persons, episodes and transcripts each in one testimony");
        return Ok(problem(StatusCode::UNPROCESSABLE_ENTITY, "too-many", Some("/persons"), detail));
    }
    let (fields, pointers) = flatten(t);
    match read_checked(&state, &fields).await? {
        Ok(draft) => {
            let id = save(&state, &who.name, draft).await?;
            let location = format!("/testimonies/{id}");
            Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(Created { id: id.to_string() }))
                .into_response())
        }
        Err(problems) => Ok(field_problems(tr, &problems, &pointers)),
    }
}

/// A testimony as stored (dalel's JSON form of the record).
#[utoipa::path(get, path = "/api/testimonies/{id}", params(("id" = String, Path, description = "The testimony's id")),
    responses(
        (status = 200, description = "The testimony", body = Object),
        (status = 404, description = "No such testimony", body = ProblemDoc, content_type = "application/problem+json")
    ))]
async fn get_testimony(
    who: SignedIn,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    match load(&state, &who, &id).await {
        Ok(t) => Ok(Json(Record::Testimony(t)).into_response()),
        Err(WebError::NotFound) => {
            Ok(problem(StatusCode::NOT_FOUND, "unknown-testimony", None, format!("no testimony {id}")))
        }
        Err(e) => Err(e),
    }
}

/// A review step.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ReviewStep {
    /// `submit`, `start_review`, `accept`, `return`, `publish`, `withhold`, `withdraw`.
    action: String,
    /// Needed to return (what to change) or withdraw (why).
    comment: Option<String>,
}

/// Where a testimony is in review.
#[derive(Serialize, ToSchema)]
struct ReviewOut {
    /// `draft`, `submitted`, `in_review`, `returned`, `accepted`, `published`, `withheld`, `withdrawn`.
    state: String,
    comment: Option<String>,
}

/// Takes a review step: draft -> submitted -> in review -> accepted (or returned with comments)
/// -> published or withheld; withdrawn (with its reason) from any state.
#[utoipa::path(post, path = "/api/testimonies/{id}/review", request_body = ReviewStep,
    params(("id" = String, Path, description = "The testimony's id")),
    responses(
        (status = 200, description = "The new state", body = ReviewOut),
        (status = 400, description = "Not JSON of this shape, or no such step", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such testimony", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The step cannot be taken now, or needs a comment", body = ProblemDoc, content_type = "application/problem+json")
    ))]
async fn review_step(
    tr: Tr,
    who: SignedIn,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let step: ReviewStep = match serde_json::from_slice(&body) {
        Ok(s) => s,
        Err(e) => return Ok(problem(StatusCode::BAD_REQUEST, "bad-json", None, format!("the request body: {e}"))),
    };
    let Some(action) = ReviewAction::from_code(&step.action) else {
        let detail = format!("no review step {:?}", step.action);
        return Ok(problem(StatusCode::BAD_REQUEST, "unknown-step", Some("/action"), detail));
    };
    let mut t = match load(&state, &who, &id).await {
        Ok(t) => t,
        Err(WebError::NotFound) => {
            return Ok(problem(StatusCode::NOT_FOUND, "unknown-testimony", None, format!("no testimony {id}")));
        }
        Err(e) => return Err(e),
    };
    match take_step(&state, &who, &mut t, action, step.comment).await? {
        Ok(review) => {
            Ok(Json(ReviewOut { state: review.state.code().into(), comment: review.comment }).into_response())
        }
        Err(ReviewError::NeedsComment) => {
            Ok(problem(StatusCode::CONFLICT, "needs-comment", Some("/comment"), tr.t("review-needs-comment")))
        }
        Err(e @ ReviewError::NotFrom { .. }) => {
            Ok(problem(StatusCode::CONFLICT, "not-allowed-now", Some("/action"), e.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_document_is_openapi_3_1_and_names_every_route() {
        let doc: serde_json::Value = serde_json::from_str(&super::openapi_json()).unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
        for path in
            ["/api/session", "/api/id-check", "/api/testimonies", "/api/testimonies/{id}/review", "/api/uploads/{id}"]
        {
            assert!(doc["paths"].get(path).is_some(), "{path}");
        }
        let schemes = &doc["components"]["securitySchemes"];
        assert_eq!(
            (schemes["session"]["in"].as_str(), schemes["session"]["name"].as_str()),
            (Some("cookie"), Some("dalel_session"))
        );
        assert_eq!(schemes["csrf"]["name"], "X-CSRF-Token");
        assert!(doc["security"][0].get("session").is_some(), "{}", doc["security"]);
    }
}
