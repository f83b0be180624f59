//! The records an archive holds: people, testimonies, episodes, evidence files, places and links.
//!
//! Their serde form is the archive's storage and exchange format (the ledger stores it; dalel
//! JSON lines carry it), so field names are stable: rename nothing, add with `default`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::date::PartialDate;
use crate::ids::{ChineseResidentId, IdNumberError, Iin};
use crate::script::Script;
use crate::vocab::*;

/// A record's identity inside the archive. Never reused, never changed.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RecordId(String);

impl RecordId {
    /// Accepts 1 to 128 characters of letters, digits, `-`, `_`, `.` and `:`.
    pub fn new(id: impl Into<String>) -> Result<RecordId, String> {
        let id = id.into();
        let ok = !id.is_empty()
            && id.len() <= 128
            && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
        if ok { Ok(RecordId(id)) } else { Err(format!("{id:?} is not a record id (1-128 of A-Z a-z 0-9 - _ . :)")) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The public id this record gives the entry it names (docs/linking.md): twelve characters
    /// of Crockford's base32 (no I, L, O or U) from a SHA-256 of the record id, in groups of
    /// four (`7KQ3-XM2P-9D4B`). Sixty bits: two of ten million records share one with a
    /// probability near 1 in 20,000. Published ids must never change: the rule is pinned by a
    /// test.
    pub fn public_id(&self) -> String {
        use sha2::{Digest, Sha256};
        const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        let digest = Sha256::new().chain_update(b"dalel-entry\n").chain_update(self.0.as_bytes()).finalize();
        let bits = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes")) >> 4;
        let mut out = String::with_capacity(14);
        for i in 0..12 {
            if i > 0 && i % 4 == 0 {
                out.push('-');
            }
            out.push(ALPHABET[((bits >> (55 - 5 * i)) & 31) as usize] as char);
        }
        out
    }

    /// Whether `text` has the form of a public id.
    pub fn is_public_id(text: &str) -> bool {
        text.len() == 14
            && text.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 9 { b == b'-' } else { b"0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(&b) }
            })
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One of a person's names, as a source wrote it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Name {
    /// The original text, never altered.
    pub text: String,
    pub script: Script,
    /// BCP 47 language tag where known (`kk`, `ug`, `ru`, `zh`, `ky`, `en`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    pub kind: NameKind,
}

impl Name {
    /// A name whose script is detected from its text.
    pub fn new(text: impl Into<String>, kind: NameKind) -> Name {
        let text = text.into();
        Name { script: Script::detect(&text), text, language: None, kind }
    }

    pub fn in_language(mut self, language: impl Into<String>) -> Name {
        self.language = Some(language.into());
        self
    }
}

/// An identity number exactly as given; [`IdentityNumber::check`] says whether it is valid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IdentityNumber {
    pub scheme: IdScheme,
    /// Verbatim, even when it fails its check.
    pub value: String,
}

/// What an identity number tells, once checked.
#[derive(Clone, Debug, PartialEq)]
pub enum IdCheck {
    ChineseResident(ChineseResidentId),
    Iin(Iin),
    /// Passports and other numbers carry no check we know.
    Unchecked,
    Invalid(IdNumberError),
}

impl IdentityNumber {
    pub fn new(scheme: IdScheme, value: impl Into<String>) -> IdentityNumber {
        IdentityNumber { scheme, value: value.into() }
    }

    /// Guesses the scheme of a bare number: 18 characters (or 15 digits) is Chinese, 12 digits
    /// is an IIN, anything else is `other`.
    pub fn guess(value: impl Into<String>) -> IdentityNumber {
        let value = value.into();
        let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
        let all_digits = compact.chars().all(|c| c.is_ascii_digit());
        // Counted in characters: the text may hold anything, and a byte count could cut one.
        let scheme = match compact.chars().count() {
            18 if compact.chars().take(17).all(|c| c.is_ascii_digit()) => IdScheme::ChineseResident,
            15 if all_digits => IdScheme::ChineseResident,
            12 if all_digits => IdScheme::KazakhstanIin,
            _ => IdScheme::Other,
        };
        IdentityNumber { scheme, value }
    }

    pub fn check(&self) -> IdCheck {
        let result = match self.scheme {
            IdScheme::ChineseResident => ChineseResidentId::parse(&self.value).map(IdCheck::ChineseResident),
            IdScheme::KazakhstanIin => Iin::parse(&self.value).map(IdCheck::Iin),
            IdScheme::Passport | IdScheme::Other => Ok(IdCheck::Unchecked),
        };
        result.unwrap_or_else(IdCheck::Invalid)
    }
}

/// A person: a victim, a testifier, a relative.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub id: RecordId,
    /// The id the record was imported with (the FtM `id`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub names: Vec<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    /// As given ("Kazakh", "Uyghur", "қазақ"); free text so that nothing is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ethnicity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identity_numbers: Vec<IdentityNumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hometown: Option<String>,
    /// Where the person lives or lived; sensitive.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occupation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// Something about a record that a maintainer should look at; never a reason to refuse it.
#[derive(Clone, Debug, PartialEq)]
pub enum Flag {
    /// An identity number fails its check; it is kept as given.
    InvalidIdNumber { value: String, reason: IdNumberError },
    /// The stated birth date contradicts the one inside an identity number.
    BirthDateContradictsId { value: String, stated: String, in_number: String },
    /// The stated sex contradicts the one inside an identity number.
    SexContradictsId { value: String },
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Flag::InvalidIdNumber { value, reason } => write!(f, "ID number {value} is not valid: {reason}"),
            Flag::BirthDateContradictsId { value, stated, in_number } => {
                write!(f, "birth date {stated} contradicts {in_number} inside ID number {value}")
            }
            Flag::SexContradictsId { value } => write!(f, "sex contradicts the one inside ID number {value}"),
        }
    }
}

impl Person {
    /// A person known by these names only: every other fact unknown.
    pub fn new(id: RecordId, names: Vec<Name>) -> Person {
        Person {
            id,
            external_id: None,
            names,
            gender: None,
            ethnicity: None,
            nationality: None,
            birth_date: None,
            identity_numbers: Vec::new(),
            hometown: None,
            addresses: Vec::new(),
            occupation: None,
            notes: None,
        }
    }

    /// The name to show first: the first full name, else any name.
    pub fn display_name(&self) -> &str {
        self.names
            .iter()
            .find(|n| n.kind == NameKind::Full)
            .or_else(|| self.names.first())
            .map_or("(no name)", |n| n.text.as_str())
    }

    /// What a maintainer should look at: invalid numbers and contradictions with them.
    pub fn flags(&self) -> Vec<Flag> {
        id_number_flags(&self.identity_numbers, self.birth_date.as_ref(), self.gender)
    }
}

/// What a maintainer should look at in identity numbers: invalid ones, and birth dates or sexes
/// that contradict what is read from them.
pub fn id_number_flags(
    numbers: &[IdentityNumber],
    birth_date: Option<&PartialDate>,
    gender: Option<Gender>,
) -> Vec<Flag> {
    let mut flags = Vec::new();
    for number in numbers {
        let (birth, sex) = match number.check() {
            IdCheck::ChineseResident(id) => (id.birth_date(), id.sex()),
            IdCheck::Iin(iin) => (iin.birth_date(), iin.sex()),
            IdCheck::Unchecked => continue,
            IdCheck::Invalid(e) => {
                flags.push(Flag::InvalidIdNumber { value: number.value.clone(), reason: e });
                continue;
            }
        };
        if let Some(stated) = birth_date {
            let day = PartialDate::day(birth.year, birth.month, birth.day).expect("valid inside a checked number");
            let close_enough = stated.is_approximate() && (stated.start().year - birth.year).abs() <= 2;
            if !stated.overlaps(&day) && !close_enough {
                flags.push(Flag::BirthDateContradictsId {
                    value: number.value.clone(),
                    stated: stated.to_string(),
                    in_number: birth.to_string(),
                });
            }
        }
        if matches!(gender, Some(g) if g != sex && g != Gender::Other) {
            flags.push(Flag::SexContradictsId { value: number.value.clone() });
        }
    }
    flags
}

/// Who gave a testimony. Their details are the most sensitive in the archive.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Testifier {
    /// The testifier as a person of the archive, when they are one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<RecordId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identity_numbers: Vec<IdentityNumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residence: Option<String>,
}

impl Testifier {
    /// What a maintainer should look at in the testifier's identity numbers.
    pub fn flags(&self) -> Vec<Flag> {
        id_number_flags(&self.identity_numbers, self.birth_date.as_ref(), None)
    }
}

/// A person a testimony is about, and how the testifier is related to them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Subject {
    pub person: RecordId,
    pub relation: Relation,
}

/// A transcript or a translation of a testimony.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    /// BCP 47 language tag.
    pub language: String,
    pub text: String,
    /// `false` for the words as spoken, `true` for a translation.
    #[serde(default)]
    pub is_translation: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translated_by: Option<String>,
}

/// A testimony: a source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Testimony {
    pub id: RecordId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub testifier: Testifier,
    pub subjects: Vec<Subject>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_on: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
    /// The language spoken, BCP 47.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// A link to the video or audio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_url: Option<String>,
    pub consent: Consent,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<SourceConnection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reliability: Option<Reliability>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transcripts: Vec<Transcript>,
    /// Where the testimony is in the review workflow; none for one imported from elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<crate::Review>,
    /// The survivor questionnaire, when the testifier speaks of their own detention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub questionnaire: Option<Box<Questionnaire>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl Testimony {
    /// A testimony of `testifier` about `subjects`, kept internal (it never leaves the trusted
    /// circle until someone says otherwise); every other fact unknown.
    pub fn new(id: RecordId, testifier: Testifier, subjects: Vec<Subject>) -> Testimony {
        Testimony {
            id,
            external_id: None,
            title: None,
            testifier,
            subjects,
            recorded_on: None,
            recorded_at: None,
            recorded_by: None,
            language: None,
            media_url: None,
            consent: Consent::Internal,
            connection: None,
            reliability: None,
            transcripts: Vec::new(),
            review: None,
            questionnaire: None,
            notes: None,
        }
    }
}

/// A survivor's answers to the fixed questionnaire about their own detention, as told.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Questionnaire {
    /// How many people were in the cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell_people: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oldest_detainee: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub youngest_detainee: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daily_routine: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub food: Option<String>,
    /// Medical checks, injections, samples taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medical: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub punishments: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<String>,
}

impl Questionnaire {
    pub fn is_empty(&self) -> bool {
        *self == Questionnaire::default()
    }
}

/// What happened to one or more people, according to a source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Episode {
    pub id: RecordId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub kind: EpisodeKind,
    /// Usually one person; a protest detention may name several.
    pub persons: Vec<RecordId>,
    /// The testimony or document this comes from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<RecordId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detention: Option<DetentionKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<RecordId>,
    /// The place as the source names it, when it is not (yet) a place of the archive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub charges: Vec<String>,
    /// A sentence's or detention's term as stated ("7 years", "15 days").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<VictimStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reliability: Option<Reliability>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// A file of evidence: an ID photo, a court document, a video. The bytes live in the
/// content-addressed evidence store under `sha256`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvidenceFile {
    pub id: RecordId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Lower-case hex SHA-256 of the content.
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// The records the file is evidence for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub about: Vec<RecordId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A place or a facility.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub id: RecordId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub names: Vec<Name>,
    pub kind: PlaceKind,
    /// The administrative area it lies in, as text ("Ghulja County, Ili").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// A relationship between two people that a source states (FtM `UnknownLink`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub id: RecordId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub subject: RecordId,
    pub object: RecordId,
    /// The subject's role towards the object ("mother", "employer").
    pub role: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<RecordId>,
}

impl Link {
    /// Whether its role reads as family ("mother", "brother", "relative": [`Relation::is_family`]).
    pub fn is_family(&self) -> bool {
        Relation::parse_lenient(&self.role).is_some_and(Relation::is_family)
    }
}

/// A judgement on whether two person records are one person: the linker's or a reviewer's.
///
/// An archive holds one decision per pair, whose id is [`Decision::id_for`] the pair: a new
/// judgement supersedes the last, and the ledger keeps every one with who made it and when, so
/// any can be undone by putting the earlier one again. Entries (one per real person) are
/// derived from the decisions; see `dalel_link::entries`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub id: RecordId,
    /// The two person records, in id order.
    pub persons: [RecordId; 2],
    pub verdict: Verdict,
    /// Made by the linker (`dalel dedupe --apply`) rather than by a person. A person's decision
    /// is never replaced by the linker's.
    #[serde(default)]
    pub automatic: bool,
    /// The linker's match probability for the pair, when it scored it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// What agreed and what did not, in words ("ID number: the same (+12.3)").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl Decision {
    /// The id of the decision on the pair `a`, `b` (in either order): `decision-` and 32 hex
    /// digits of a SHA-256 of the two ids.
    pub fn id_for(a: &RecordId, b: &RecordId) -> RecordId {
        use sha2::{Digest, Sha256};
        let (low, high) = if a <= b { (a, b) } else { (b, a) };
        let digest = Sha256::new().chain_update(low.as_str()).chain_update("\n").chain_update(high.as_str()).finalize();
        RecordId(format!("decision-{}", hex::encode(&digest[..16])))
    }

    /// A decision on `a` and `b`, the pair in id order.
    pub fn new(a: RecordId, b: RecordId, verdict: Verdict) -> Decision {
        let id = Decision::id_for(&a, &b);
        let persons = if a <= b { [a, b] } else { [b, a] };
        Decision { id, persons, verdict, automatic: false, score: None, reasons: Vec::new(), notes: None }
    }
}

/// The kinds of record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    Person,
    Testimony,
    Episode,
    EvidenceFile,
    Place,
    Link,
    Decision,
}

impl RecordKind {
    pub const ALL: &'static [RecordKind] = &[
        RecordKind::Person,
        RecordKind::Place,
        RecordKind::Testimony,
        RecordKind::Episode,
        RecordKind::EvidenceFile,
        RecordKind::Link,
        RecordKind::Decision,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RecordKind::Person => "person",
            RecordKind::Testimony => "testimony",
            RecordKind::Episode => "episode",
            RecordKind::EvidenceFile => "evidence_file",
            RecordKind::Place => "place",
            RecordKind::Link => "link",
            RecordKind::Decision => "decision",
        }
    }

    pub fn from_code(code: &str) -> Option<RecordKind> {
        RecordKind::ALL.iter().copied().find(|k| k.code() == code)
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Any record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    Person(Person),
    Testimony(Testimony),
    Episode(Episode),
    EvidenceFile(EvidenceFile),
    Place(Place),
    Link(Link),
    Decision(Decision),
}

macro_rules! each_record {
    ($record:expr, $r:ident => $body:expr) => {
        match $record {
            Record::Person($r) => $body,
            Record::Testimony($r) => $body,
            Record::Episode($r) => $body,
            Record::EvidenceFile($r) => $body,
            Record::Place($r) => $body,
            Record::Link($r) => $body,
            Record::Decision($r) => $body,
        }
    };
}

impl Record {
    /// Reads a record whose JSON begins with its `type` (as [`Record::to_json`] writes it)
    /// straight into its struct; `None` when the text does not begin so or does not parse.
    pub(crate) fn from_json_type_first(text: &str) -> Option<Record> {
        let rest = text.strip_prefix(r#"{"type":""#)?;
        let kind = RecordKind::from_code(&rest[..rest.find('"')?])?;
        let record = match kind {
            RecordKind::Person => Record::Person(serde_json::from_str(text).ok()?),
            RecordKind::Testimony => Record::Testimony(serde_json::from_str(text).ok()?),
            RecordKind::Episode => Record::Episode(serde_json::from_str(text).ok()?),
            RecordKind::EvidenceFile => Record::EvidenceFile(serde_json::from_str(text).ok()?),
            RecordKind::Place => Record::Place(serde_json::from_str(text).ok()?),
            RecordKind::Link => Record::Link(serde_json::from_str(text).ok()?),
            RecordKind::Decision => Record::Decision(serde_json::from_str(text).ok()?),
        };
        Some(record)
    }

    pub fn id(&self) -> &RecordId {
        each_record!(self, r => &r.id)
    }

    /// The id the record was imported with; decisions are made here and have none.
    pub fn external_id(&self) -> Option<&str> {
        match self {
            Record::Decision(_) => None,
            Record::Person(r) => r.external_id.as_deref(),
            Record::Testimony(r) => r.external_id.as_deref(),
            Record::Episode(r) => r.external_id.as_deref(),
            Record::EvidenceFile(r) => r.external_id.as_deref(),
            Record::Place(r) => r.external_id.as_deref(),
            Record::Link(r) => r.external_id.as_deref(),
        }
    }

    pub fn kind(&self) -> RecordKind {
        match self {
            Record::Person(_) => RecordKind::Person,
            Record::Testimony(_) => RecordKind::Testimony,
            Record::Episode(_) => RecordKind::Episode,
            Record::EvidenceFile(_) => RecordKind::EvidenceFile,
            Record::Place(_) => RecordKind::Place,
            Record::Link(_) => RecordKind::Link,
            Record::Decision(_) => RecordKind::Decision,
        }
    }

    /// The code of the state a queue of its kind keeps the record by: a testimony's place in
    /// the review workflow, a decision's verdict (the pairs to review are the `undecided`).
    pub fn queue_state(&self) -> Option<&'static str> {
        match self {
            Record::Testimony(t) => t.review.as_ref().map(|r| r.state.code()),
            Record::Decision(d) => Some(d.verdict.code()),
            _ => None,
        }
    }

    /// The ids of the other records this one refers to.
    pub fn references(&self) -> Vec<&RecordId> {
        match self {
            Record::Person(_) => vec![],
            Record::Testimony(t) => t.testifier.person.iter().chain(t.subjects.iter().map(|s| &s.person)).collect(),
            Record::Episode(e) => e.persons.iter().chain(&e.sources).chain(&e.place).collect(),
            Record::EvidenceFile(f) => f.about.iter().collect(),
            Record::Place(_) => vec![],
            Record::Link(l) => [&l.subject, &l.object].into_iter().chain(&l.sources).collect(),
            Record::Decision(d) => d.persons.iter().collect(),
        }
    }

    /// What the record says of `person`'s relatives: the testifier of a testimony that speaks of
    /// them as family (the name given, and the person record the testifier is), or the other
    /// person of a family link ([`Link::is_family`]). Nothing for anything else.
    pub fn relative_of(&self, person: &RecordId) -> (Option<&str>, Option<&RecordId>) {
        match self {
            Record::Testimony(t) if t.subjects.iter().any(|s| &s.person == person && s.relation.is_family()) => {
                (t.testifier.name.as_deref(), t.testifier.person.as_ref())
            }
            Record::Link(l) if l.is_family() && &l.subject == person => (None, Some(&l.object)),
            Record::Link(l) if l.is_family() && &l.object == person => (None, Some(&l.subject)),
            _ => (None, None),
        }
    }

    /// The canonical JSON of the record: what the ledger stores and dalel JSON lines carry.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("records always serialize")
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn the_scheme_is_guessed_from_the_form_of_the_number() {
        assert_eq!(IdentityNumber::guess("65400219740101001X").scheme, IdScheme::ChineseResident);
        assert_eq!(IdentityNumber::guess("654002 740101 001").scheme, IdScheme::ChineseResident);
        assert_eq!(IdentityNumber::guess("740101300123").scheme, IdScheme::KazakhstanIin);
        assert_eq!(IdentityNumber::guess("N1234567").scheme, IdScheme::Other);
        // 18 bytes but fewer characters: found by fuzzing the API, once a panic.
        assert_eq!(IdentityNumber::guess("v\"ø𲊐𺗝𻯔").scheme, IdScheme::Other);
    }

    proptest! {
        /// Whatever is typed is kept and checked without a panic.
        #[test]
        fn any_text_is_kept_and_checked(text in "\\PC{0,40}|[0-9]{17}\\PC|[0-9]{14}\\PC|[0-9]{11}\\PC") {
            let number = IdentityNumber::guess(text.clone());
            prop_assert_eq!(&number.value, &text);
            let _ = number.check();
            let _ = id_number_flags(&[number], None, Some(Gender::Female));
        }
    }

    fn person(birth: &str, number: &str, gender: Gender) -> Person {
        Person {
            gender: Some(gender),
            birth_date: Some(birth.parse().unwrap()),
            identity_numbers: vec![IdentityNumber::guess(number)],
            ..Person::new(RecordId::new("p1").unwrap(), vec![Name::new("Айгүл Серікқызы", NameKind::Full)])
        }
    }

    #[test]
    fn a_bad_number_is_kept_and_flagged() {
        let p = person("1949-12-31", "110105194912310021", Gender::Female);
        assert_eq!(p.identity_numbers[0].value, "110105194912310021");
        assert_eq!(
            p.flags().iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["ID number 110105194912310021 is not valid: check digit is 1, expected X"]
        );
    }

    #[test]
    fn contradictions_with_the_number_are_flagged() {
        assert!(person("1949", "11010519491231002X", Gender::Female).flags().is_empty());
        assert!(person("about 1950", "11010519491231002X", Gender::Female).flags().is_empty());
        let flags = person("1955-02", "11010519491231002X", Gender::Male).flags();
        assert_eq!(
            flags.iter().map(ToString::to_string).collect::<Vec<_>>(),
            [
                "birth date 1955-02 contradicts 1949-12-31 inside ID number 11010519491231002X",
                "sex contradicts the one inside ID number 11010519491231002X",
            ]
        );
    }

    #[test]
    fn record_json_is_tagged_by_type() {
        let r = Record::Person(person("1949", "11010519491231002X", Gender::Female));
        let json = r.to_json();
        assert!(
            json.starts_with(
                r#"{"type":"person","id":"p1","names":[{"text":"Айгүл Серікқызы","script":"Cyrl","kind":"full"}]"#
            ),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<Record>(&json).unwrap(), r);
    }

    #[test]
    fn a_pair_has_one_decision_whichever_way_round() {
        let (a, b) = (RecordId::new("p2").unwrap(), RecordId::new("p1").unwrap());
        assert_eq!(Decision::id_for(&a, &b), Decision::id_for(&b, &a));
        assert_ne!(Decision::id_for(&a, &b), Decision::id_for(&a, &RecordId::new("p3").unwrap()));
        let d = Decision::new(a, b, Verdict::Different);
        assert_eq!([d.persons[0].as_str(), d.persons[1].as_str()], ["p1", "p2"]);
        let r = Record::Decision(d);
        assert_eq!(r.references().len(), 2);
        assert_eq!(serde_json::from_str::<Record>(&r.to_json()).unwrap(), r);
        assert!(r.to_json().starts_with(r#"{"type":"decision","id":"decision-"#), "{}", r.to_json());
    }

    #[test]
    fn public_ids_are_short_stable_and_unambiguous() {
        let id = RecordId::new("p1").unwrap().public_id();
        assert_eq!(id, RecordId::new("p1").unwrap().public_id());
        assert!(
            RecordId::is_public_id(&id) && !RecordId::is_public_id("p1") && !RecordId::is_public_id("EW4J-8YW9-JQ3d")
        );
        assert_ne!(id, RecordId::new("p2").unwrap().public_id());
        assert_eq!(id.len(), 14);
        assert!(id.chars().all(|c| c == '-' || (c.is_ascii_alphanumeric() && !"ILOU".contains(c))), "{id}");
        assert_eq!(id, "EW4J-8YW9-JQ3D", "a published id must never change (checked by a Python one-liner)");
    }

    #[test]
    fn record_ids_are_checked() {
        assert!(RecordId::new("ftm:abc-123_x.y").is_ok());
        assert!(RecordId::new("").is_err());
        assert!(RecordId::new("a b").is_err());
    }
}
