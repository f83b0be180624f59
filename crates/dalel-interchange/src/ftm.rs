//! FollowTheMoney entities as JSON lines: `{"id": ..., "schema": ..., "properties": {...}}`.
//!
//! | FtM schema | dalel record |
//! |---|---|
//! | Person | [`Person`] |
//! | Event | [`Episode`] (what happened: keyword `episode:<code>`) |
//! | Address | [`Place`] |
//! | Document | [`Testimony`], or [`EvidenceFile`] with keywords `dalel:evidence` and `sha256:<hex>` |
//! | Documentation | who a testimony is about (role: the relation) and what a file is evidence for |
//! | UnknownLink | [`Link`] |
//!
//! An entity's FtM `id` becomes its external id; references are resolved with
//! [`crate::record_id_for`], so no look-up is needed and the same file always gives the same
//! records. dalel's coded fields that FtM has no property for travel as `keywords` of the form
//! `vocabulary:code`. Properties dalel has no field for are kept in the record's notes as
//! `property: value` lines, never dropped. FtM cannot say "about 1965": approximate dates export
//! as their first possible year; dalel JSON lines keep everything.

use std::collections::{BTreeMap, HashMap};

use dalel_model::*;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_json::{Value, json};

use crate::{LineError, external_id_for, language_from_639_3, language_to_639_3, record_id_for};

#[derive(Deserialize)]
struct RawEntity {
    id: String,
    schema: String,
    #[serde(default)]
    properties: BTreeMap<String, PropValues>,
}

/// One property's values as read from the line: strings (a number as its text), or why they
/// are not. Read straight from the JSON text, without building a `serde_json::Value` first.
struct PropValues(Result<Vec<String>, String>);

impl<'de> Deserialize<'de> for PropValues {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<PropValues, D::Error> {
        d.deserialize_any(PropValuesVisitor)
    }
}

struct PropValuesVisitor;

impl<'de> Visitor<'de> for PropValuesVisitor {
    type Value = PropValues;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of strings")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<PropValues, E> {
        Ok(PropValues(Ok(vec![v.to_string()])))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<PropValues, E> {
        Ok(PropValues(Ok(vec![v])))
    }

    fn visit_unit<E: de::Error>(self) -> Result<PropValues, E> {
        Ok(PropValues(Ok(vec![])))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<PropValues, E> {
        Ok(PropValues(Err(format!("must be a list of strings, found {v}"))))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<PropValues, E> {
        Ok(PropValues(Err(format!("must be a list of strings, found {v}"))))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<PropValues, E> {
        Ok(PropValues(Err(format!("must be a list of strings, found {v}"))))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<PropValues, E> {
        Ok(PropValues(Err(format!("must be a list of strings, found {v}"))))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<PropValues, A::Error> {
        while map.next_entry::<de::IgnoredAny, de::IgnoredAny>()?.is_some() {}
        Ok(PropValues(Err("must be a list of strings, found an object".into())))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<PropValues, A::Error> {
        let mut values = Vec::with_capacity(seq.size_hint().unwrap_or(1));
        let mut wrong = None;
        while let Some(item) = seq.next_element::<serde_json::Value>()? {
            match item {
                Value::String(s) => values.push(s),
                Value::Number(n) => values.push(n.to_string()),
                other => {
                    wrong.get_or_insert_with(|| format!("values must be strings, found {other}"));
                }
            }
        }
        Ok(PropValues(wrong.map_or(Ok(values), Err)))
    }
}

/// An entity's properties while they are read: what is taken is removed; what is left goes to
/// the notes.
struct Props {
    line: u64,
    map: BTreeMap<String, Vec<String>>,
}

impl Props {
    fn new(line: u64, raw: BTreeMap<String, PropValues>) -> Result<Props, LineError> {
        let mut map = BTreeMap::new();
        for (key, PropValues(values)) in raw {
            let mut values = values.map_err(|reason| LineError::new(line, &key, reason))?;
            values.retain(|v| !v.trim().is_empty());
            if !values.is_empty() {
                map.insert(key, values);
            }
        }
        Ok(Props { line, map })
    }

    fn err(&self, field: &str, reason: impl Into<String>) -> LineError {
        LineError::new(self.line, field, reason)
    }

    fn all(&mut self, key: &str) -> Vec<String> {
        self.map.remove(key).unwrap_or_default()
    }

    fn one(&mut self, key: &str) -> Result<Option<String>, LineError> {
        let mut values = self.all(key);
        match values.len() {
            0 | 1 => Ok(values.pop()),
            n => Err(self.err(key, format!("has {n} values; dalel keeps one"))),
        }
    }

    fn date(&mut self, key: &str) -> Result<Option<PartialDate>, LineError> {
        let mut dates = self
            .all(key)
            .iter()
            .map(|v| PartialDate::parse(v).map_err(|e| self.err(key, e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        dates.sort();
        Ok(match dates.len() {
            0 => None,
            1 => dates.pop(),
            _ => Some(
                PartialDate::range(dates[0].start(), dates[dates.len() - 1].end())
                    .map_err(|e| self.err(key, e.to_string()))?,
            ),
        })
    }

    /// Keywords of the form `vocabulary:code`, removed from the rest.
    fn coded(&mut self) -> HashMap<String, Vec<String>> {
        let mut coded: HashMap<String, Vec<String>> = HashMap::new();
        let mut rest = Vec::new();
        for k in self.all("keywords") {
            match k.split_once(':') {
                Some((vocab, code)) if !vocab.contains(' ') => {
                    coded.entry(vocab.to_string()).or_default().push(code.to_string())
                }
                _ => rest.push(k),
            }
        }
        if !rest.is_empty() {
            self.map.insert("keywords".into(), rest);
        }
        coded
    }

    /// The notes, followed by every property nothing else took.
    fn notes(mut self) -> Option<String> {
        let mut parts = self.all("notes");
        for (key, values) in std::mem::take(&mut self.map) {
            for v in values {
                parts.push(format!("{key}: {v}"));
            }
        }
        (!parts.is_empty()).then(|| parts.join("\n"))
    }
}

fn one_code<T>(
    props: &Props,
    coded: &mut HashMap<String, Vec<String>>,
    vocab: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, LineError> {
    match coded.remove(vocab).as_deref() {
        None | Some([]) => Ok(None),
        Some([code]) => {
            parse(code).map(Some).ok_or_else(|| props.err("keywords", format!("unknown {vocab} code {code:?}")))
        }
        Some(more) => Err(props.err("keywords", format!("{} values for {vocab}; dalel keeps one", more.len()))),
    }
}

fn refs(props: &mut Props, key: &str) -> Vec<RecordId> {
    props.all(key).iter().map(|r| record_id_for(r)).collect()
}

/// A link from a document to an entity, applied when the whole file has been read.
struct Documentation {
    line: u64,
    document: String,
    entity: RecordId,
    role: Option<String>,
}

/// Reads FtM JSON lines. Persons, events, addresses and links come out line by line; documents
/// are held until [`FtmReader::finish`], because the Documentation entities that say whom they
/// are about may come anywhere in the file.
#[derive(Default)]
pub struct FtmReader {
    documents: Vec<Record>,
    by_ftm_id: HashMap<String, usize>,
    documentation: Vec<Documentation>,
}

impl FtmReader {
    pub fn new() -> FtmReader {
        FtmReader::default()
    }

    /// Reads one line; returns the record it yields now, if any.
    pub fn line(&mut self, line: u64, text: &str) -> Result<Option<Record>, LineError> {
        let raw: RawEntity = serde_json::from_str(text).map_err(|e| LineError::new(line, "record", e.to_string()))?;
        if raw.id.trim().is_empty() {
            return Err(LineError::new(line, "id", "is empty"));
        }
        let id = record_id_for(&raw.id);
        let external_id = external_id_for(&raw.id, &id);
        let mut p = Props::new(line, raw.properties)?;
        let record = match raw.schema.as_str() {
            "Person" => Record::Person(person(id, external_id, &mut p)?),
            "Event" => Record::Episode(episode(id, external_id, &mut p)?),
            "Address" => Record::Place(place(id, external_id, &mut p)?),
            "UnknownLink" => Record::Link(link(id, external_id, &mut p)?),
            "Document" => {
                let record = document(id, external_id, &mut p)?;
                self.by_ftm_id.insert(raw.id, self.documents.len());
                self.documents.push(record);
                return Ok(None);
            }
            "Documentation" => {
                let document = p.one("document")?.ok_or_else(|| p.err("document", "is missing"))?;
                let entity = p.one("entity")?.ok_or_else(|| p.err("entity", "is missing"))?;
                let role = p.one("role")?;
                self.documentation.push(Documentation { line, document, entity: record_id_for(&entity), role });
                return Ok(None);
            }
            other => {
                return Err(LineError::new(
                    line,
                    "schema",
                    format!(
                        "{other} is not imported (dalel reads Person, Event, Address, Document, Documentation, UnknownLink)"
                    ),
                ));
            }
        };
        Ok(Some(record))
    }

    /// The documents, with what Documentation entities said of them, and the errors of those
    /// Documentation lines.
    pub fn finish(mut self) -> (Vec<Record>, Vec<LineError>) {
        let mut errors = Vec::new();
        for d in self.documentation {
            let Some(&i) = self.by_ftm_id.get(&d.document) else {
                errors.push(LineError::new(
                    d.line,
                    "document",
                    format!("{:?} is not a Document of this file", d.document),
                ));
                continue;
            };
            match &mut self.documents[i] {
                Record::Testimony(t) => match d.role.as_deref() {
                    Some("testifier") => t.testifier.person = Some(d.entity),
                    role => {
                        let relation = role.map_or(Some(Relation::Other), Relation::parse_lenient);
                        match relation {
                            Some(relation) => t.subjects.push(Subject { person: d.entity, relation }),
                            None => errors.push(LineError::new(
                                d.line,
                                "role",
                                format!(
                                    "{:?} is not a relation ({})",
                                    role.unwrap_or_default(),
                                    codes(Relation::ALL.iter().map(|r| r.code()))
                                ),
                            )),
                        }
                    }
                },
                Record::EvidenceFile(f) => f.about.push(d.entity),
                _ => unreachable!("only documents are held"),
            }
        }
        (self.documents, errors)
    }
}

fn codes<'a>(codes: impl Iterator<Item = &'a str>) -> String {
    codes.collect::<Vec<_>>().join(", ")
}

fn person(id: RecordId, external_id: Option<String>, p: &mut Props) -> Result<Person, LineError> {
    let mut names = Vec::new();
    for (key, kind) in [
        ("name", NameKind::Full),
        ("alias", NameKind::Alias),
        ("weakAlias", NameKind::Alias),
        ("previousName", NameKind::Alias),
        ("firstName", NameKind::Given),
        ("lastName", NameKind::Family),
        ("fatherName", NameKind::Patronymic),
    ] {
        names.extend(p.all(key).into_iter().map(|n| Name::new(n, kind)));
    }
    if names.is_empty() {
        return Err(p.err("name", "a Person needs at least one name"));
    }
    let gender = p
        .one("gender")?
        .map(|g| {
            Gender::parse_lenient(&g).ok_or_else(|| p.err("gender", format!("{g:?} is not male, female or other")))
        })
        .transpose()?;
    let nationality = p.one("nationality")?.map(|n| n.to_lowercase());
    if let Some(n) = &nationality
        && (n.len() != 2 || !n.bytes().all(|b| b.is_ascii_lowercase()))
    {
        return Err(p.err("nationality", format!("{n:?} is not an ISO 3166-1 country code such as kz or cn")));
    }
    let mut identity_numbers: Vec<IdentityNumber> = p.all("idNumber").into_iter().map(IdentityNumber::guess).collect();
    identity_numbers.extend(p.all("passportNumber").into_iter().map(|v| IdentityNumber::new(IdScheme::Passport, v)));
    Ok(Person {
        id,
        external_id,
        names,
        gender,
        ethnicity: p.one("ethnicity")?,
        nationality,
        birth_date: p.date("birthDate")?,
        identity_numbers,
        hometown: p.one("birthPlace")?,
        addresses: p.all("address"),
        occupation: p.one("profession")?,
        notes: None,
    })
    .map(|person| Person { notes: take_notes(p), ..person })
}

fn take_notes(p: &mut Props) -> Option<String> {
    std::mem::replace(p, Props { line: p.line, map: BTreeMap::new() }).notes()
}

fn episode(id: RecordId, external_id: Option<String>, p: &mut Props) -> Result<Episode, LineError> {
    let mut coded = p.coded();
    let name = p.all("name");
    let kind = match one_code(p, &mut coded, "episode", EpisodeKind::from_code)? {
        Some(kind) => kind,
        None => name.iter().find_map(|n| EpisodeKind::parse_lenient(n)).ok_or_else(|| {
            p.err(
                "name",
                format!(
                    "cannot tell what happened from {:?}; add the keyword episode:<code> ({})",
                    name.first().map(String::as_str).unwrap_or(""),
                    codes(EpisodeKind::ALL.iter().map(|k| k.code()))
                ),
            )
        })?,
    };
    let persons = refs(p, "involved");
    if persons.is_empty() {
        return Err(p.err("involved", "an Event needs at least one involved person"));
    }
    let detention = one_code(p, &mut coded, "detention", DetentionKind::from_code)?;
    let status = one_code(p, &mut coded, "status", VictimStatus::from_code)?;
    let reliability = one_code(p, &mut coded, "reliability", Reliability::from_code)?;
    let term = coded.remove("term").map(|t| t.join("; "));
    let charges = coded.remove("charge").unwrap_or_default();
    let start = match p.date("startDate")? {
        Some(d) => Some(d),
        None => p.date("date")?,
    };
    let mut leftover: Vec<String> =
        coded.into_iter().flat_map(|(k, vs)| vs.into_iter().map(move |v| format!("{k}:{v}"))).collect();
    leftover.sort();
    let episode = Episode {
        id,
        external_id,
        kind,
        persons,
        sources: refs(p, "proof"),
        detention,
        place: refs(p, "addressEntity").into_iter().next(),
        place_text: p.one("location")?,
        start,
        end: p.date("endDate")?,
        charges,
        term,
        outcome: p.one("summary")?,
        status,
        reliability,
        notes: None,
    };
    if !leftover.is_empty() {
        p.map.entry("keywords".into()).or_default().extend(leftover);
    }
    Ok(Episode { notes: take_notes(p), ..episode })
}

fn place(id: RecordId, external_id: Option<String>, p: &mut Props) -> Result<Place, LineError> {
    let mut coded = p.coded();
    let mut names: Vec<Name> = p.all("name").into_iter().map(|n| Name::new(n, NameKind::Full)).collect();
    for full in p.all("full") {
        if !names.iter().any(|n| n.text == full) {
            names.push(Name::new(full, NameKind::Full));
        }
    }
    if names.is_empty() {
        return Err(p.err("name", "an Address needs a name or a full address"));
    }
    let coordinate = |p: &mut Props, key: &str, max: f64| -> Result<Option<f64>, LineError> {
        p.one(key)?
            .map(|v| match v.trim().parse::<f64>() {
                Ok(x) if x.abs() <= max => Ok(x),
                _ => Err(p.err(key, format!("{v:?} is not a number between -{max} and {max}"))),
            })
            .transpose()
    };
    let place = Place {
        id,
        external_id,
        names,
        kind: one_code(p, &mut coded, "place", PlaceKind::from_code)?.unwrap_or(PlaceKind::Address),
        area: p.one("region")?,
        country: p.one("country")?,
        latitude: coordinate(p, "latitude", 90.0)?,
        longitude: coordinate(p, "longitude", 180.0)?,
        notes: None,
    };
    Ok(Place { notes: take_notes(p), ..place })
}

fn link(id: RecordId, external_id: Option<String>, p: &mut Props) -> Result<Link, LineError> {
    let subject = refs(p, "subject").into_iter().next().ok_or_else(|| p.err("subject", "is missing"))?;
    let object = refs(p, "object").into_iter().next().ok_or_else(|| p.err("object", "is missing"))?;
    let role = p.one("role")?.unwrap_or_else(|| "unknown".into());
    let sources = refs(p, "proof");
    if let Some(notes) = take_notes(p) {
        return Err(LineError::new(
            p.line,
            "properties",
            format!("an UnknownLink carries only subject, object, role and proof; found {notes:?}"),
        ));
    }
    Ok(Link { id, external_id, subject, object, role, sources })
}

fn document(id: RecordId, external_id: Option<String>, p: &mut Props) -> Result<Record, LineError> {
    let mut coded = p.coded();
    let evidence =
        coded.get("dalel").is_some_and(|v| v.iter().any(|x| x == "evidence")) || coded.contains_key("sha256");
    if evidence {
        coded.remove("dalel");
        let sha256 = match coded.remove("sha256").as_deref() {
            Some([one]) => one.to_lowercase(),
            _ => return Err(p.err("keywords", "an evidence file needs exactly one keyword sha256:<hex>")),
        };
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(p.err("keywords", format!("sha256:{sha256} is not a SHA-256 in hex (64 characters)")));
        }
        let size = p.one("fileSize")?.ok_or_else(|| p.err("fileSize", "an evidence file needs its size"))?;
        let size = size.parse::<u64>().map_err(|_| p.err("fileSize", format!("{size:?} is not a number of bytes")))?;
        let file = EvidenceFile {
            id,
            external_id,
            sha256,
            size,
            media_type: p.one("mimeType")?.unwrap_or_else(|| "application/octet-stream".into()),
            file_name: p.one("fileName")?,
            about: vec![],
            description: p.one("title")?,
        };
        if let Some(rest) = take_notes(p) {
            return Err(p.err("properties", format!("an evidence file carries no other properties; found {rest:?}")));
        }
        return Ok(Record::EvidenceFile(file));
    }
    p.all("fileName");
    let language = match p.one("language")? {
        Some(code) => Some(language_from_639_3(&code).map(String::from).ok_or_else(|| {
            p.err("language", format!("{code:?} is not a language dalel knows; use keyword language:<bcp47>"))
        })?),
        None => coded.remove("language").and_then(|mut v| v.pop()),
    };
    let consent = one_code(p, &mut coded, "consent", Consent::from_code)?.unwrap_or(Consent::Internal);
    let connection = one_code(p, &mut coded, "connection", SourceConnection::from_code)?;
    let reliability = one_code(p, &mut coded, "reliability", Reliability::from_code)?;
    let media_url = match p.one("sourceUrl")? {
        Some(url) => Some(url),
        None => coded.remove("media").and_then(|mut v| v.pop()),
    };
    let recorded_at = coded.remove("recorded-at").map(|v| v.join("; "));
    coded.remove("dalel");
    let transcripts = p
        .all("bodyText")
        .into_iter()
        .map(|text| Transcript {
            language: language.clone().unwrap_or_else(|| "und".into()),
            text,
            is_translation: false,
            translated_by: None,
        })
        .collect();
    let testimony = Testimony {
        id,
        external_id,
        title: p.one("title")?,
        testifier: Testifier::default(),
        subjects: vec![],
        recorded_on: p.date("date")?,
        recorded_at,
        recorded_by: p.one("author")?,
        language,
        media_url,
        consent,
        connection,
        reliability,
        transcripts,
        review: None,
        questionnaire: None,
        notes: None,
    };
    let mut leftover: Vec<String> =
        coded.into_iter().flat_map(|(k, vs)| vs.into_iter().map(move |v| format!("{k}:{v}"))).collect();
    leftover.sort();
    if !leftover.is_empty() {
        p.map.entry("keywords".into()).or_default().extend(leftover);
    }
    Ok(Record::Testimony(Testimony { notes: take_notes(p), ..testimony }))
}

// ---------------------------------------------------------------------------------------------
// Writing

/// The FtM id of a record: the id it was imported with, else its own.
fn ftm_id(id: &RecordId, external_id: &Option<String>) -> String {
    external_id.clone().unwrap_or_else(|| id.to_string())
}

/// The dates FtM can hold for a partial date: its first possible point, and a range's end.
fn ftm_dates(date: &PartialDate) -> Vec<String> {
    let mut out = vec![date.start().to_string()];
    if date.is_range() {
        out.push(date.end().to_string());
    }
    out
}

#[derive(Default)]
struct PropsOut(serde_json::Map<String, Value>);

impl PropsOut {
    fn add(&mut self, key: &str, values: impl IntoIterator<Item = impl Into<String>>) {
        let values: Vec<Value> = values.into_iter().map(|v| Value::String(v.into())).collect();
        if !values.is_empty() {
            self.0.entry(key).or_insert_with(|| Value::Array(vec![])).as_array_mut().expect("array").extend(values);
        }
    }
}

fn entity(id: String, schema: &str, props: PropsOut) -> Value {
    json!({"id": id, "schema": schema, "properties": Value::Object(props.0)})
}

/// The FtM entities of a record: one, or a Document with its Documentation entities; none for a
/// linking decision, which FtM has no schema for (dalel JSON lines carry them). `reference` gives the FtM id of a referenced record (its external id, else its own id).
pub fn to_entities(record: &Record, reference: &dyn Fn(&RecordId) -> String) -> Vec<Value> {
    let mut p = PropsOut::default();
    match record {
        Record::Person(x) => {
            let of = |kind: NameKind| x.names.iter().filter(move |n| n.kind == kind).map(|n| n.text.clone());
            let full: Vec<String> = of(NameKind::Full).collect();
            if full.is_empty() {
                p.add("name", [x.display_name()]);
            }
            p.add("name", full);
            p.add("alias", of(NameKind::Alias));
            p.add("firstName", of(NameKind::Given));
            p.add("lastName", of(NameKind::Family));
            p.add("fatherName", of(NameKind::Patronymic));
            p.add("gender", x.gender.map(|g| g.code()));
            p.add("ethnicity", x.ethnicity.clone());
            p.add("nationality", x.nationality.clone());
            p.add("birthDate", x.birth_date.iter().flat_map(ftm_dates));
            let (passports, numbers): (Vec<_>, Vec<_>) =
                x.identity_numbers.iter().partition(|n| n.scheme == IdScheme::Passport);
            p.add("idNumber", numbers.into_iter().map(|n| n.value.clone()));
            p.add("passportNumber", passports.into_iter().map(|n| n.value.clone()));
            p.add("birthPlace", x.hometown.clone());
            p.add("address", x.addresses.clone());
            p.add("profession", x.occupation.clone());
            p.add("notes", x.notes.clone());
            vec![entity(ftm_id(&x.id, &x.external_id), "Person", p)]
        }
        Record::Episode(x) => {
            p.add("name", [x.kind.label()]);
            p.add("involved", x.persons.iter().map(reference));
            p.add("proof", x.sources.iter().map(reference));
            p.add("addressEntity", x.place.iter().map(reference));
            p.add("location", x.place_text.clone());
            p.add("startDate", x.start.iter().map(|d| d.start().to_string()));
            p.add("endDate", x.end.iter().map(|d| d.start().to_string()));
            p.add("summary", x.outcome.clone());
            p.add("notes", x.notes.clone());
            let mut keywords = vec![format!("episode:{}", x.kind.code())];
            keywords.extend(x.detention.map(|d| format!("detention:{}", d.code())));
            keywords.extend(x.status.map(|s| format!("status:{}", s.code())));
            keywords.extend(x.reliability.map(|r| format!("reliability:{}", r.code())));
            keywords.extend(x.term.iter().map(|t| format!("term:{t}")));
            keywords.extend(x.charges.iter().map(|c| format!("charge:{c}")));
            p.add("keywords", keywords);
            vec![entity(ftm_id(&x.id, &x.external_id), "Event", p)]
        }
        Record::Place(x) => {
            p.add("name", x.names.iter().map(|n| n.text.clone()));
            p.add("region", x.area.clone());
            p.add("country", x.country.clone());
            p.add("latitude", x.latitude.map(|v| v.to_string()));
            p.add("longitude", x.longitude.map(|v| v.to_string()));
            p.add("notes", x.notes.clone());
            if x.kind != PlaceKind::Address {
                p.add("keywords", [format!("place:{}", x.kind.code())]);
            }
            vec![entity(ftm_id(&x.id, &x.external_id), "Address", p)]
        }
        Record::Decision(_) => vec![],
        Record::Link(x) => {
            p.add("subject", [reference(&x.subject)]);
            p.add("object", [reference(&x.object)]);
            p.add("role", [x.role.clone()]);
            p.add("proof", x.sources.iter().map(reference));
            vec![entity(ftm_id(&x.id, &x.external_id), "UnknownLink", p)]
        }
        Record::Testimony(x) => {
            let id = ftm_id(&x.id, &x.external_id);
            p.add("fileName", [x.title.clone().unwrap_or_else(|| format!("testimony {id}"))]);
            p.add("title", x.title.clone());
            p.add("date", x.recorded_on.iter().map(|d| d.start().to_string()));
            p.add("author", x.recorded_by.clone());
            let mut keywords = vec!["dalel:testimony".to_string(), format!("consent:{}", x.consent.code())];
            match x.language.as_deref().map(|l| (l, language_to_639_3(l))) {
                Some((_, Some(code))) => p.add("language", [code]),
                Some((other, None)) => keywords.push(format!("language:{other}")),
                None => {}
            }
            match &x.media_url {
                Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                    p.add("sourceUrl", [url.clone()])
                }
                Some(other) => keywords.push(format!("media:{other}")),
                None => {}
            }
            keywords.extend(x.connection.map(|c| format!("connection:{}", c.code())));
            keywords.extend(x.reliability.map(|r| format!("reliability:{}", r.code())));
            keywords.extend(x.recorded_at.iter().map(|r| format!("recorded-at:{r}")));
            p.add("keywords", keywords);
            p.add("bodyText", x.transcripts.iter().find(|t| !t.is_translation).map(|t| t.text.clone()));
            p.add("notes", x.notes.clone());
            let links = x
                .testifier
                .person
                .iter()
                .map(|t| (t, "testifier"))
                .chain(x.subjects.iter().map(|s| (&s.person, s.relation.code())));
            let mut out = vec![entity(id.clone(), "Document", p)];
            out.extend(documentation(&id, links, reference));
            out
        }
        Record::EvidenceFile(x) => {
            let id = ftm_id(&x.id, &x.external_id);
            p.add("fileName", [x.file_name.clone().unwrap_or_else(|| x.sha256.clone())]);
            p.add("fileSize", [x.size.to_string()]);
            p.add("mimeType", [x.media_type.clone()]);
            p.add("title", x.description.clone());
            p.add("keywords", ["dalel:evidence".to_string(), format!("sha256:{}", x.sha256)]);
            let mut out = vec![entity(id.clone(), "Document", p)];
            out.extend(documentation(&id, x.about.iter().map(|a| (a, "evidence")), reference));
            out
        }
    }
}

fn documentation<'a>(
    document: &str,
    links: impl Iterator<Item = (&'a RecordId, &'a str)>,
    reference: &dyn Fn(&RecordId) -> String,
) -> Vec<Value> {
    links
        .enumerate()
        .map(|(i, (target, role))| {
            let mut p = PropsOut::default();
            p.add("document", [document]);
            p.add("entity", [reference(target)]);
            p.add("role", [role]);
            entity(format!("{document}.documentation.{i}"), "Documentation", p)
        })
        .collect()
}

/// Writes one entity as a line (without the newline).
pub fn entity_line(entity: &Value) -> String {
    serde_json::to_string(entity).expect("JSON values serialize")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(lines: &[&str]) -> (Vec<Record>, Vec<LineError>) {
        let mut reader = FtmReader::new();
        let mut records = Vec::new();
        let mut errors = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            match reader.line(i as u64 + 1, l) {
                Ok(r) => records.extend(r),
                Err(e) => errors.push(e),
            }
        }
        let (docs, errs) = reader.finish();
        records.extend(docs);
        errors.extend(errs);
        (records, errors)
    }

    #[test]
    fn a_person_with_every_supported_property() {
        let (records, errors) = read(&[r#"{"id":"p1","schema":"Person","properties":{
            "name":["Серікжан Біләш"],"alias":["Serikzhan Bilash"],"firstName":["Серікжан"],
            "lastName":["Біләш"],"fatherName":["Бiләш"],"birthDate":["1974"],"gender":["male"],
            "nationality":["KZ"],"ethnicity":["Kazakh"],"idNumber":["65400219740101001X"],
            "birthPlace":["Ghulja"],"address":["Almaty"],"notes":["synthetic"],"topics":["poi"]}}"#
            .replace('\n', " ")
            .as_str()]);
        assert_eq!(errors, []);
        let Record::Person(p) = &records[0] else { panic!() };
        assert_eq!(p.external_id.as_deref(), Some("p1"));
        assert_eq!(p.names.len(), 5);
        assert_eq!(p.names[0].script, Script::Cyrillic);
        assert_eq!(p.names[1].kind, NameKind::Alias);
        assert_eq!(p.nationality.as_deref(), Some("kz"));
        assert_eq!(p.identity_numbers[0].scheme, IdScheme::ChineseResident);
        assert_eq!(p.notes.as_deref(), Some("synthetic\ntopics: poi"), "unknown properties are kept, not dropped");
    }

    #[test]
    fn bad_lines_name_their_field() {
        let (_, errors) = read(&[
            r#"{"id":"p1","schema":"Person","properties":{"name":["A"],"birthDate":["1965-13"]}}"#,
            r#"{"id":"p2","schema":"Person","properties":{"gender":["x"]}}"#,
            r#"{"id":"p3","schema":"Company","properties":{}}"#,
            r#"{"id":"p4","schema":"Person","properties":{"name":["B"],"gender":["robot"]}}"#,
            r#"not json"#,
            r#"{"id":"d1","schema":"Documentation","properties":{"document":["nope"],"entity":["p1"]}}"#,
        ]);
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(text[0], "line 1: birthDate: month 13 is not between 1 and 12");
        assert_eq!(text[1], "line 2: name: a Person needs at least one name");
        assert!(text[2].starts_with("line 3: schema: Company is not imported"), "{}", text[2]);
        assert_eq!(text[3], "line 4: gender: \"robot\" is not male, female or other");
        assert!(text[4].starts_with("line 5: record: expected ident"), "{}", text[4]);
        assert_eq!(text[5], "line 6: document: \"nope\" is not a Document of this file");
    }

    #[test]
    fn property_values_are_strings_or_numbers_and_anything_else_is_named() {
        let (records, errors) = read(&[
            r#"{"id":"p1","schema":"Person","properties":{"name":"Серік","birthDate":[1965],"notes":null,"alias":[" "]}}"#,
            r#"{"id":"p2","schema":"Person","properties":{"name":["A"],"gender":[["male"]]}}"#,
            r#"{"id":"p3","schema":"Person","properties":{"name":["B"],"idNumber":true}}"#,
            r#"{"id":"p4","schema":"Person","properties":{"name":["C"],"alias":{"x":["y"]}}}"#,
        ]);
        let Record::Person(p) = &records[0] else { panic!("{records:?}") };
        assert_eq!(p.names.len(), 1, "an empty alias is no name");
        assert_eq!(p.birth_date.as_ref().map(ToString::to_string).as_deref(), Some("1965"));
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "line 2: gender: values must be strings, found [\"male\"]",
                "line 3: idNumber: must be a list of strings, found true",
                "line 4: alias: must be a list of strings, found an object",
            ]
        );
    }

    #[test]
    fn a_testimony_collects_its_documentation() {
        let (records, errors) = read(&[
            r#"{"id":"d1","schema":"Documentation","properties":{"document":["t1"],"entity":["p1"],"role":["son"]}}"#,
            r#"{"id":"t1","schema":"Document","properties":{"fileName":["t1.mp4"],"language":["kaz"],"keywords":["consent:public"]}}"#,
            r#"{"id":"d2","schema":"Documentation","properties":{"document":["t1"],"entity":["p2"],"role":["testifier"]}}"#,
        ]);
        assert_eq!(errors, []);
        let Record::Testimony(t) = &records[0] else { panic!() };
        assert_eq!(t.consent, Consent::Public);
        assert_eq!(t.language.as_deref(), Some("kk"));
        assert_eq!(t.subjects, [Subject { person: record_id_for("p1"), relation: Relation::Son }]);
        assert_eq!(t.testifier.person, Some(record_id_for("p2")));
    }

    #[test]
    fn testimonies_default_to_internal() {
        let (records, _) = read(&[r#"{"id":"t1","schema":"Document","properties":{"fileName":["a"]}}"#]);
        let Record::Testimony(t) = &records[0] else { panic!() };
        assert_eq!(t.consent, Consent::Internal);
    }
}
