//! Recording a testimony: the intake form (`/testimonies/new`), which works without JavaScript.
//! Saving leads to the testimony's page (`testimony.rs`).
//!
//! The form is one page of flat fields (`p0-names`, `e1-kind`...). "Add another person" and
//! "Add another event" submit it and get it back with what was typed and one more block; "Save"
//! checks it, and either shows it again with every problem named beside its field (nothing is
//! written) or writes the testimony, its people and its events in one transaction.

use std::collections::HashMap;

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use dalel_interchange::{facility_place, new_record_id};
use dalel_model::facilities;
use dalel_model::*;
use dalel_store::Found;
use maud::{Markup, html};

use crate::auth::SignedIn;
use crate::i18n::Tr;
use crate::pages::{page, term};
use crate::testimony::MAYBE_SAME;
use crate::{AppState, WebError};

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/testimonies/new", get(new_form).post(submit))
}

/// Blocks a form may have, so that a crafted request cannot ask for millions.
pub(crate) const MAX_BLOCKS: usize = 20;
/// Characters in a one-line field and in a text area.
const MAX_LINE: usize = 500;
const MAX_TEXT: usize = 100_000;

/// The languages a testimony is told or translated in, by their own names.
const LANGUAGES: &[(&str, &str)] = &[
    ("kk", "Қазақша"),
    ("ug", "ئۇيغۇرچە"),
    ("ru", "Русский"),
    ("zh", "中文"),
    ("ky", "Кыргызча"),
    ("en", "English"),
    ("tr", "Türkçe"),
    ("ar", "العربية"),
];

/// What was typed, by field name.
#[derive(Debug, Default)]
pub(crate) struct Fields {
    pub(crate) values: HashMap<String, String>,
    pub(crate) persons: usize,
    pub(crate) episodes: usize,
    /// Transcript or translation blocks.
    pub(crate) transcripts: usize,
}

impl Fields {
    fn from_pairs(pairs: Vec<(String, String)>) -> Fields {
        let values: HashMap<String, String> = pairs.into_iter().collect();
        let count = |name: &str| values.get(name).and_then(|v| v.parse().ok()).unwrap_or(1usize).clamp(1, MAX_BLOCKS);
        let (persons, episodes, transcripts) = (count("persons"), count("episodes"), count("transcripts"));
        Fields { values, persons, episodes, transcripts }
    }

    fn get(&self, name: &str) -> &str {
        self.values.get(name).map_or("", |v| v.trim())
    }

    fn opt(&self, name: &str) -> Option<String> {
        Some(self.get(name)).filter(|v| !v.is_empty()).map(str::to_string)
    }

    fn lines(&self, name: &str) -> Vec<String> {
        self.get(name).lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
    }
}

/// A problem with one field: its name (to mark it), its label's message id and what is wrong.
#[derive(Debug)]
pub(crate) struct Problem {
    pub(crate) field: String,
    label: &'static str,
    message: &'static str,
    value: String,
    max: usize,
}

impl Problem {
    pub(crate) fn text(&self, tr: Tr) -> String {
        match self.message {
            "err-too-long" => tr.t_with(self.message, &[("field", tr.t(self.label).into()), ("max", self.max.into())]),
            "err-no-person" => tr.t(self.message),
            _ => tr.t_with(self.message, &[("field", tr.t(self.label).into()), ("value", self.value.as_str().into())]),
        }
    }
}

/// Reads the fields into records, or names every problem.
struct Reader<'a> {
    fields: &'a Fields,
    problems: Vec<Problem>,
}

impl Reader<'_> {
    fn problem(&mut self, field: &str, label: &'static str, message: &'static str, value: &str, max: usize) {
        self.problems.push(Problem { field: field.to_string(), label, message, value: value.to_string(), max });
    }

    /// A one-line or multi-line text, checked for length.
    fn text(&mut self, field: &str, label: &'static str, max: usize) -> Option<String> {
        let value = self.fields.opt(field)?;
        if value.chars().count() > max {
            self.problem(field, label, "err-too-long", "", max);
        }
        Some(value)
    }

    fn date(&mut self, field: &str, label: &'static str) -> Option<PartialDate> {
        let value = self.fields.opt(field)?;
        match value.parse() {
            Ok(date) => Some(date),
            Err(_) => {
                self.problem(field, label, "err-date", &value, 0);
                None
            }
        }
    }

    fn choice<T>(&mut self, field: &str, label: &'static str, from_code: fn(&str) -> Option<T>) -> Option<T> {
        let value = self.fields.opt(field)?;
        let parsed = from_code(&value);
        if parsed.is_none() {
            self.problem(field, label, "err-choice", &value, 0);
        }
        parsed
    }

    fn url(&mut self, field: &str, label: &'static str) -> Option<String> {
        let value = self.text(field, label, MAX_LINE)?;
        if !(value.starts_with("https://") || value.starts_with("http://")) {
            self.problem(field, label, "err-url", &value, 0);
        }
        Some(value)
    }

    /// A facility of the gazetteer, as the form offered it (or by its key or its name).
    fn facility(&mut self, field: &str, label: &'static str) -> Option<&'static facilities::Facility> {
        let value = self.text(field, label, MAX_LINE)?;
        let found = facilities::chosen(&value);
        if found.is_none() {
            self.problem(field, label, "err-facility", &value, 0);
        }
        found
    }

    fn numbers(&mut self, field: &str) -> Vec<IdentityNumber> {
        self.text(field, "f-id-numbers", MAX_LINE);
        // A number that fails its check is kept; the testimony's page flags it.
        self.fields.lines(field).into_iter().map(IdentityNumber::guess).collect()
    }
}

/// What a valid form becomes.
pub(crate) struct Draft {
    testimony: Testimony,
    persons: Vec<Person>,
    episodes: Vec<Episode>,
    /// The gazetteer's facilities the episodes name, as place records: saved with them where the
    /// archive lacks them (as `dalel facilities load` would), so that an episode never names a
    /// place the archive lacks.
    places: Vec<Place>,
    /// The volunteer's word that a new person is one already in the archive: a `same_person`
    /// link from the new person to the existing one, citing the testimony, and the pair put in
    /// the review queue. The new person keeps what was typed; merging the two is a reviewer's
    /// decision, not the form's.
    same: Vec<(usize, Link)>,
}

/// The role of a link that says two person records are one person.
pub(crate) const SAME_PERSON: &str = "same_person";

fn read(fields: &Fields) -> Result<Draft, Vec<Problem>> {
    let mut r = Reader { fields, problems: Vec::new() };
    let testimony_id = new_record_id();

    let mut testifier = Testifier {
        person: None,
        name: r.text("t-name", "f-testifier-name", MAX_LINE),
        birth_date: r.date("t-birth", "f-birth-date"),
        identity_numbers: r.numbers("t-ids"),
        contact: r.text("t-contact", "f-contact", MAX_LINE),
        residence: r.text("t-residence", "f-residence", MAX_LINE),
    };
    if testifier.name.is_none() {
        r.problem("t-name", "f-testifier-name", "err-required", "", 0);
    }

    let mut persons = Vec::new();
    let mut same = Vec::new();
    let mut subjects = Vec::new();
    // Each person block's index, to the person it became (an empty block becomes none).
    let mut block_person: HashMap<usize, RecordId> = HashMap::new();
    for i in 0..fields.persons {
        let field = |name: &str| format!("p{i}-{name}");
        let names: Vec<String> = fields.lines(&field("names"));
        let relation = r.choice(&field("relation"), "f-relation", Relation::from_code);
        let person = Person {
            id: new_record_id(),
            external_id: None,
            names: names.iter().map(|n| Name::new(n.as_str(), NameKind::Full)).collect(),
            gender: r.choice(&field("gender"), "f-gender", Gender::from_code),
            ethnicity: r.text(&field("ethnicity"), "f-ethnicity", MAX_LINE),
            nationality: None,
            birth_date: r.date(&field("birth"), "f-birth-date"),
            identity_numbers: r.numbers(&field("ids")),
            hometown: r.text(&field("hometown"), "f-hometown", MAX_LINE),
            addresses: vec![],
            occupation: r.text(&field("occupation"), "f-occupation", MAX_LINE),
            notes: None,
        };
        let typed_anything = !person.names.is_empty()
            || fields.values.iter().any(|(k, v)| k.starts_with(&field("")) && !v.trim().is_empty());
        if !typed_anything {
            continue;
        }
        if names.iter().any(|n| n.chars().count() > MAX_LINE) {
            r.problem(&field("names"), "f-names", "err-too-long", "", MAX_LINE);
        }
        if person.names.is_empty() {
            r.problem(&field("names"), "f-names", "err-required", "", 0);
        }
        let Some(relation) = relation else {
            if fields.opt(&field("relation")).is_none() {
                r.problem(&field("relation"), "f-relation", "err-required", "", 0);
            }
            continue;
        };
        if relation == Relation::Itself {
            testifier.person = Some(person.id.clone());
        }
        if let Some(existing) = fields.opt(&field("same")) {
            match RecordId::new(existing) {
                Ok(object) => same.push((
                    i,
                    Link {
                        id: new_record_id(),
                        external_id: None,
                        subject: person.id.clone(),
                        object,
                        role: SAME_PERSON.to_string(),
                        sources: vec![testimony_id.clone()],
                    },
                )),
                Err(_) => r.problem(&field("same"), "f-same", "err-same-unknown", "", 0),
            }
        }
        subjects.push(Subject { person: person.id.clone(), relation });
        block_person.insert(i, person.id.clone());
        persons.push(person);
    }
    if subjects.is_empty() && !r.problems.iter().any(|p| p.field.starts_with('p')) {
        r.problem("p0-names", "f-names", "err-no-person", "", 0);
    }

    let mut episodes = Vec::new();
    let mut places: Vec<Place> = Vec::new();
    for j in 0..fields.episodes {
        let field = |name: &str| format!("e{j}-{name}");
        let Some(kind) = r.choice(&field("kind"), "f-episode-kind", EpisodeKind::from_code) else { continue };
        let place = r.facility(&field("facility"), "f-episode-facility").map(|f| {
            let place = facility_place(f);
            let id = place.id.clone();
            if !places.iter().any(|p| p.id == id) {
                places.push(place);
            }
            id
        });
        let block: usize = fields.get(&field("person")).parse().unwrap_or(0);
        let person = block_person.get(&block).or_else(|| subjects.first().map(|s| &s.person)).cloned();
        episodes.push(Episode {
            id: new_record_id(),
            external_id: None,
            kind,
            persons: person.into_iter().collect(),
            sources: vec![testimony_id.clone()],
            detention: r.choice(&field("detention"), "f-detention-kind", DetentionKind::from_code),
            place,
            place_text: r.text(&field("place"), "f-episode-place", MAX_LINE),
            start: r.date(&field("start"), "f-episode-start"),
            end: r.date(&field("end"), "f-episode-end"),
            charges: fields.lines(&field("charges")),
            term: r.text(&field("term"), "f-episode-term", MAX_LINE),
            outcome: None,
            status: None,
            reliability: None,
            notes: r
                .text(&field("source"), "f-episode-source", MAX_TEXT)
                .map(|s| format!("How the testifier knows: {s}")),
        });
    }

    let questionnaire = Questionnaire {
        cell_people: r.text("q-cell-people", "q-cell-people", MAX_LINE),
        oldest_detainee: r.text("q-oldest", "q-oldest", MAX_TEXT),
        youngest_detainee: r.text("q-youngest", "q-youngest", MAX_TEXT),
        daily_routine: r.text("q-routine", "q-routine", MAX_TEXT),
        food: r.text("q-food", "q-food", MAX_TEXT),
        medical: r.text("q-medical", "q-medical", MAX_TEXT),
        classes: r.text("q-classes", "q-classes", MAX_TEXT),
        punishments: r.text("q-punishments", "q-punishments", MAX_TEXT),
        other: r.text("q-other", "q-other", MAX_TEXT),
    };
    let mut transcripts = Vec::new();
    for k in 0..fields.transcripts {
        let field = |name: &str| format!("tr{k}-{name}");
        if let Some(text) = r.text(&field("text"), "f-transcript-text", MAX_TEXT) {
            transcripts.push(Transcript {
                language: fields.opt(&field("language")).unwrap_or_else(|| "und".into()),
                text,
                is_translation: fields.opt(&field("translation")).is_some(),
                translated_by: r.text(&field("by"), "f-translated-by", MAX_LINE),
            });
        }
    }
    let connection = subjects.first().map(|s| match s.relation {
        Relation::Itself => SourceConnection::Victim,
        Relation::Neighbour => SourceConnection::Witness,
        Relation::Other => SourceConnection::Other,
        _ => SourceConnection::Relative,
    });
    let testimony = Testimony {
        id: testimony_id,
        external_id: None,
        title: None,
        testifier,
        subjects,
        recorded_on: r.date("recorded-on", "f-recorded-on"),
        recorded_at: r.text("recorded-at", "f-recorded-at", MAX_LINE),
        recorded_by: r.text("recorded-by", "f-recorded-by", MAX_LINE),
        language: fields.opt("language").filter(|l| LANGUAGES.iter().any(|(code, _)| code == l)),
        media_url: r.url("media-url", "f-media-url"),
        consent: r.choice("consent", "section-consent", Consent::from_code).unwrap_or(Consent::Internal),
        connection,
        reliability: None,
        transcripts,
        review: Some(Review::draft()),
        questionnaire: (!questionnaire.is_empty()).then(|| Box::new(questionnaire)),
        notes: r.text("notes", "f-notes", MAX_TEXT),
    };
    if r.problems.is_empty() { Ok(Draft { testimony, persons, episodes, places, same }) } else { Err(r.problems) }
}

/// [`read`], then the checks that need the archive: a person said to be one already in the
/// archive must be there.
pub(crate) async fn read_checked(state: &AppState, fields: &Fields) -> Result<Result<Draft, Vec<Problem>>, WebError> {
    let draft = match read(fields) {
        Ok(draft) => draft,
        Err(problems) => return Ok(Err(problems)),
    };
    let mut r = Reader { fields, problems: Vec::new() };
    for (i, link) in &draft.same {
        if !matches!(state.store.get(&link.object).await?, Some(Record::Person(_))) {
            r.problem(&format!("p{i}-same"), "f-same", "err-same-unknown", "", 0);
        }
    }
    Ok(if r.problems.is_empty() { Ok(draft) } else { Err(r.problems) })
}

async fn new_form(tr: Tr, who: SignedIn) -> Markup {
    let fields = Fields { persons: 1, episodes: 1, transcripts: 1, ..Fields::default() };
    form_page(tr, &who, &fields, &[], &Candidates::new())
}

async fn submit(
    tr: Tr,
    who: SignedIn,
    State(state): State<AppState>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let mut fields = Fields::from_pairs(pairs);
    match fields.get("action") {
        "add-person" => fields.persons = (fields.persons + 1).min(MAX_BLOCKS),
        "add-episode" => fields.episodes = (fields.episodes + 1).min(MAX_BLOCKS),
        "add-transcript" => fields.transcripts = (fields.transcripts + 1).min(MAX_BLOCKS),
        "look-up" => {}
        _ => {
            let problems = match read_checked(&state, &fields).await? {
                Ok(draft) => {
                    let id = save(&state, &who.name, draft).await?;
                    return Ok(
                        (StatusCode::SEE_OTHER, [(LOCATION, format!("/testimonies/{id}?saved=1"))]).into_response()
                    );
                }
                Err(problems) => problems,
            };
            let page = form_page(tr, &who, &fields, &problems, &candidates(&state, &who, &fields).await?);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    }
    Ok(form_page(tr, &who, &fields, &[], &candidates(&state, &who, &fields).await?).into_response())
}

/// Writes a testimony, its people and its events in one transaction, with `author` as the
/// ledger's author; returns its id.
pub(crate) async fn save(state: &AppState, author: &str, draft: Draft) -> Result<RecordId, WebError> {
    let id = draft.testimony.id.clone();
    let mut records: Vec<Record> = draft.persons.into_iter().map(Record::Person).collect();
    records.push(Record::Testimony(draft.testimony));
    // A facility's place is written only where the archive lacks it: one already there (loaded,
    // perhaps edited since) is left as it is.
    for place in draft.places {
        if state.store.get(&place.id).await?.is_none() {
            records.push(Record::Place(place));
        }
    }
    records.extend(draft.episodes.into_iter().map(Record::Episode));
    // The volunteer's word puts the pair in the review queue (`/pairs`) for a reviewer to
    // decide; until then the two records stay apart.
    for (_, link) in draft.same {
        let mut decision = Decision::new(link.subject.clone(), link.object.clone(), Verdict::Undecided);
        decision.notes = Some(format!("the volunteer who recorded testimony {id} says these are one person"));
        records.push(Record::Decision(decision));
        records.push(Record::Link(link));
    }
    let mut writer = state.store.writer(author).await?;
    writer.put(records).await?;
    writer.commit().await?;
    Ok(id)
}

/// People already in the archive who may be each person block's person, by block.
type Candidates = HashMap<usize, Vec<Found>>;

/// Looks each person block's first name up in the archive, for those who may read it (not for
/// a volunteer, who would otherwise learn who is in the archive by typing names).
async fn candidates(state: &AppState, who: &SignedIn, fields: &Fields) -> Result<Candidates, WebError> {
    let mut out = Candidates::new();
    if !who.role.reads_archive() {
        return Ok(out);
    }
    for i in 0..fields.persons {
        if let Some(name) = fields.lines(&format!("p{i}-names")).into_iter().next() {
            let found: Vec<Found> =
                state.search_names(&name, 5).await?.into_iter().filter(|f| f.score >= MAYBE_SAME).collect();
            if !found.is_empty() {
                out.insert(i, found);
            }
        }
    }
    Ok(out)
}

/// The form, with what was typed, the problems found and the people who may be those typed.
fn form_page(tr: Tr, who: &SignedIn, f: &Fields, problems: &[Problem], candidates: &Candidates) -> Markup {
    let problem_at = |field: &str| problems.iter().find(|p| p.field == field).map(|p| p.text(tr));
    let input = |field: &str, label: &str, kind: &str| {
        let problem = problem_at(field);
        html! {
            p {
                label for=(field) { (tr.t(label)) } br;
                input id=(field) name=(field) type=(kind) value=(f.get(field)) aria-invalid=[problem.as_ref().map(|_| "true")];
                @if let Some(p) = &problem { br; span.flag { (p) } }
            }
        }
    };
    let facility = |field: &str| {
        let problem = problem_at(field);
        html! {
            p {
                label for=(field) { (tr.t("f-episode-facility")) } br;
                input id=(field) name=(field) list="facilities" value=(f.get(field)) size="50" autocomplete="off" aria-describedby=(format!("{field}-help")) aria-invalid=[problem.as_ref().map(|_| "true")];
                br; small id=(format!("{field}-help")) { (tr.t("facility-help")) " " (facilities::CREDIT) }
                @if let Some(p) = &problem { br; span.flag { (p) } }
            }
        }
    };
    let date = |field: &str, label: &str| {
        let problem = problem_at(field);
        html! {
            p {
                label for=(field) { (tr.t(label)) } br;
                input id=(field) name=(field) value=(f.get(field)) placeholder="1975-03" size="12" aria-describedby="date-help" aria-invalid=[problem.as_ref().map(|_| "true")];
                @if let Some(p) = &problem { br; span.flag { (p) } }
            }
        }
    };
    let area = |field: &str, label: &str, rows: u8| {
        let problem = problem_at(field);
        html! {
            p {
                label for=(field) { (tr.t(label)) } br;
                textarea id=(field) name=(field) rows=(rows) cols="60" { (f.get(field)) }
                @if let Some(p) = &problem { br; span.flag { (p) } }
            }
        }
    };
    let select = |field: &str, label: &str, options: Vec<(String, String)>, required: bool| {
        let problem = problem_at(field);
        html! {
            p {
                label for=(field) { (tr.t(label)) } br;
                select id=(field) name=(field) required[required] {
                    option value="" { (tr.t("choose")) }
                    @for (code, text) in &options { option value=(code) selected[f.get(field) == *code] { (text) } }
                }
                @if let Some(p) = &problem { br; span.flag { (p) } }
            }
        }
    };
    macro_rules! options {
        ($vocab:ty) => {
            <$vocab>::ALL.iter().map(|t| (t.code().to_string(), term!(tr, t))).collect::<Vec<_>>()
        };
    }
    let languages = || LANGUAGES.iter().map(|(code, name)| (code.to_string(), name.to_string())).collect::<Vec<_>>();
    let consent = f.opt("consent").unwrap_or_else(|| Consent::Internal.code().to_string());

    page(
        tr,
        Some(who),
        &tr.t("intake-title"),
        html! {
            h1 { (tr.t("intake-title")) }
            p { (tr.t("intake-intro")) }
            @if !problems.is_empty() {
                section.warn role="alert" {
                    h2 { (tr.t("errors-title")) }
                    ul { @for p in problems { li { a href={ "#" (p.field) } { (p.text(tr)) } } } }
                }
            }
            p.muted #date-help { (tr.t("date-help")) }
            form #intake method="post" action="/testimonies/new" data-open=(tr.t("same-open"))
                data-similar=(if who.role.reads_archive() { "on" } else { "off" }) {
                input type="hidden" name="csrf" value=(who.csrf);
                input type="hidden" name="persons" value=(f.persons);
                input type="hidden" name="episodes" value=(f.episodes);
                input type="hidden" name="transcripts" value=(f.transcripts);
                fieldset {
                    legend { (tr.t("section-testifier")) }
                    (input("t-name", "f-testifier-name", "text"))
                    (date("t-birth", "f-birth-date"))
                    (area("t-ids", "f-id-numbers", 2))
                    (input("t-contact", "f-contact", "text"))
                    (input("t-residence", "f-residence", "text"))
                }
                fieldset {
                    legend { (tr.t("section-consent")) }
                    @for c in Consent::ALL {
                        p {
                            label {
                                input type="radio" name="consent" value=(c.code()) checked[consent == c.code()];
                                " " strong { (term!(tr, c)) } " — " (tr.t(&format!("consent-{}-help", c.code())))
                            }
                        }
                    }
                }
                fieldset {
                    legend { (tr.t("section-recording")) }
                    (date("recorded-on", "f-recorded-on"))
                    (input("recorded-at", "f-recorded-at", "text"))
                    (input("recorded-by", "f-recorded-by", "text"))
                    (select("language", "f-language", languages(), false))
                    (input("media-url", "f-media-url", "url"))
                }
                fieldset {
                    legend { (tr.t("section-persons")) }
                    @for i in 0..f.persons {
                        fieldset {
                            legend { (tr.t_with("person-n", &[("n", (i + 1).into())])) }
                            (select(&format!("p{i}-relation"), "f-relation", options!(Relation), false))
                            (area(&format!("p{i}-names"), "f-names", 2))
                            (date(&format!("p{i}-birth"), "f-birth-date"))
                            (area(&format!("p{i}-ids"), "f-id-numbers", 2))
                            (select(&format!("p{i}-gender"), "f-gender", options!(Gender), false))
                            (input(&format!("p{i}-ethnicity"), "f-ethnicity", "text"))
                            (input(&format!("p{i}-hometown"), "f-hometown", "text"))
                            (input(&format!("p{i}-occupation"), "f-occupation", "text"))
                            (same_choice(tr, f, i, candidates.get(&i).map_or(&[][..], Vec::as_slice), problem_at(&format!("p{i}-same"))))
                        }
                    }
                    p { button type="submit" name="action" value="look-up" formnovalidate { (tr.t("same-look-up")) } }
                    @if f.persons < MAX_BLOCKS { button type="submit" name="action" value="add-person" formnovalidate { (tr.t("add-person")) } }
                }
                fieldset {
                    legend { (tr.t("section-episodes")) }
                    @for j in 0..f.episodes {
                        fieldset {
                            legend { (tr.t_with("episode-n", &[("n", (j + 1).into())])) }
                            (select(&format!("e{j}-person"), "f-episode-person",
                                (0..f.persons).map(|i| {
                                    let name = f.lines(&format!("p{i}-names")).into_iter().next();
                                    (i.to_string(), name.unwrap_or_else(|| tr.t_with("person-n", &[("n", (i + 1).into())])))
                                }).collect(), false))
                            (select(&format!("e{j}-kind"), "f-episode-kind", options!(EpisodeKind), false))
                            (select(&format!("e{j}-detention"), "f-detention-kind", options!(DetentionKind), false))
                            (date(&format!("e{j}-start"), "f-episode-start"))
                            (date(&format!("e{j}-end"), "f-episode-end"))
                            (facility(&format!("e{j}-facility")))
                            (input(&format!("e{j}-place"), "f-episode-place", "text"))
                            (area(&format!("e{j}-charges"), "f-episode-charges", 2))
                            (input(&format!("e{j}-term"), "f-episode-term", "text"))
                            (area(&format!("e{j}-source"), "f-episode-source", 2))
                        }
                    }
                    @if f.episodes < MAX_BLOCKS { button type="submit" name="action" value="add-episode" formnovalidate { (tr.t("add-episode")) } }
                    // The gazetteer, offered as the facility field is typed in (a plain text field
                    // where the browser has no lists).
                    datalist #facilities { @for fac in facilities::FACILITIES.iter() { option value=(fac.choice()) {} } }
                }
                details open[QUESTIONS.iter().any(|field| !f.get(field).is_empty())] {
                    summary { (tr.t("section-survivor")) }
                    @for field in QUESTIONS { (area(field, field, 2)) }
                }
                fieldset {
                    legend { (tr.t("section-transcript")) }
                    @for k in 0..f.transcripts {
                        fieldset {
                            legend { (tr.t_with("transcript-n", &[("n", (k + 1).into())])) }
                            (select(&format!("tr{k}-language"), "f-transcript-language", languages(), false))
                            (area(&format!("tr{k}-text"), "f-transcript-text", 6))
                            p { label { input type="checkbox" name=(format!("tr{k}-translation")) value="1" checked[!f.get(&format!("tr{k}-translation")).is_empty()]; " " (tr.t("f-is-translation")) } }
                            (input(&format!("tr{k}-by"), "f-translated-by", "text"))
                        }
                    }
                    @if f.transcripts < MAX_BLOCKS { button type="submit" name="action" value="add-transcript" formnovalidate { (tr.t("add-transcript")) } }
                }
                (area("notes", "f-notes", 3))
                p { button type="submit" name="action" value="save" { (tr.t("save")) } }
            }
            script src="/static/intake.js" defer {}
        },
    )
}

/// The choice of a person already in the archive whom a person block may mean: shown when the
/// archive has candidates or one was chosen (intake.js fills it in as the names are typed).
fn same_choice(tr: Tr, f: &Fields, i: usize, found: &[Found], problem: Option<String>) -> Markup {
    let field = format!("p{i}-same");
    let chosen = f.get(&field);
    let chosen_elsewhere = !chosen.is_empty() && !found.iter().any(|c| c.person.id.as_str() == chosen);
    html! {
        fieldset #(field) .same hidden[found.is_empty() && chosen.is_empty()] {
            legend { (tr.t("f-same")) }
            p { label { input type="radio" name=(field) value="" checked[chosen.is_empty()]; " " (tr.t("same-new")) } }
            @for c in found {
                p {
                    label {
                        input type="radio" name=(field) value=(c.person.id) checked[chosen == c.person.id.as_str()];
                        " " bdi { (c.person.names.join(" · ")) } " (" (format!("{:.2}", c.score)) ")"
                    }
                    " " a href={ "/people/" (c.person.id) } target="_blank" { (tr.t("same-open")) }
                }
            }
            @if chosen_elsewhere {
                p { label { input type="radio" name=(field) value=(chosen) checked; " " code { (chosen) } } }
            }
            @if let Some(p) = &problem { span.flag { (p) } }
        }
    }
}

/// The survivor questionnaire's fields; each field's name is also its label's message id.
const QUESTIONS: &[&str] = &[
    "q-cell-people",
    "q-oldest",
    "q-youngest",
    "q-routine",
    "q-food",
    "q-medical",
    "q-classes",
    "q-punishments",
    "q-other",
];
