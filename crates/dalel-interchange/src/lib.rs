//! The formats dalel speaks, as pure conversions between lines of text and [`Record`]s:
//!
//! - [`ftm`]: FollowTheMoney entities as JSON lines (Person, Event, Address, Document,
//!   Documentation, UnknownLink), the field's interchange standard;
//! - [`jsonl`]: dalel's own full-fidelity, versioned JSON lines;
//! - [`csv`]: people as a spreadsheet, with the columns of `docs/formats.md`;
//! - [`xlsx`]: the same columns in the first sheet of a spreadsheet file (read only).
//!
//! Readers take one line (or row) at a time and say what is wrong with it as a [`LineError`]
//! (line, field, reason); the caller adds the file name and decides what to do. No I/O here
//! beyond the readers the caller hands in.

pub mod csv;
pub mod ftm;
pub mod jsonl;
pub mod xlsx;

use dalel_model::RecordId;

/// What is wrong with one line of an input file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {field}: {reason}")]
pub struct LineError {
    pub line: u64,
    /// The field (FtM property, JSON key or CSV column) at fault, or `record` for the whole line.
    pub field: String,
    pub reason: String,
}

impl LineError {
    pub fn new(line: u64, field: impl Into<String>, reason: impl Into<String>) -> LineError {
        LineError { line, field: field.into(), reason: reason.into() }
    }
}

/// The formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Ftm,
    Jsonl,
    Csv,
}

/// dalel's namespace for ids derived from external ids (UUID v5).
const NAMESPACE: uuid::Uuid = uuid::Uuid::from_bytes([
    0x6a, 0x1f, 0x3e, 0x52, 0x9d, 0x0b, 0x4c, 0x7e, 0x8a, 0x55, 0x13, 0xd2, 0xc4, 0x0e, 0x77, 0x21,
]);

/// The record id for an entity of another system: the id itself when it is already a UUID (as
/// dalel's own ids are), else a UUID v5 of it, so that the same file always yields the same ids
/// and importing it twice creates nothing new.
pub fn record_id_for(external: &str) -> RecordId {
    let id = match uuid::Uuid::try_parse(external) {
        Ok(u) => u.hyphenated().to_string(),
        Err(_) => uuid::Uuid::new_v5(&NAMESPACE, external.as_bytes()).hyphenated().to_string(),
    };
    RecordId::new(id).expect("a UUID is a valid record id")
}

/// The place record that stands for a facility of the gazetteer in an archive, with the id an
/// import of its external id gives it (`dalel facilities load` and the intake form write it,
/// pages find the facility by it).
pub fn facility_place(f: &dalel_model::facilities::Facility) -> dalel_model::Place {
    f.place(record_id_for(&f.external_id()))
}

/// The external id to keep for an entity: none when it is the record id itself.
pub fn external_id_for(external: &str, id: &RecordId) -> Option<String> {
    (external != id.as_str()).then(|| external.to_string())
}

/// A new random record id, for records created in dalel.
pub fn new_record_id() -> RecordId {
    RecordId::new(uuid::Uuid::new_v4().hyphenated().to_string()).expect("a UUID is a valid record id")
}

/// BCP 47 (what dalel stores) to ISO 639-3 (what FtM's `language` type wants), for the
/// languages of this field.
const LANGUAGES: &[(&str, &str)] = &[
    ("kk", "kaz"),
    ("ug", "uig"),
    ("ky", "kir"),
    ("uz", "uzb"),
    ("ru", "rus"),
    ("zh", "zho"),
    ("en", "eng"),
    ("tr", "tur"),
    ("ar", "ara"),
    ("mn", "mon"),
    ("tt", "tat"),
];

/// Codes of [`LANGUAGES`] that the followthemoney package's `language` type refuses (it knows a
/// fixed list, without Uyghur or Tatar): they are read, but written as a keyword instead.
const NOT_IN_FTM: &[&str] = &["uig", "tat"];

/// The ISO 639-3 code to write into FtM's `language` property, if FtM accepts it.
pub(crate) fn language_to_639_3(bcp47: &str) -> Option<&'static str> {
    LANGUAGES.iter().find(|(b, _)| *b == bcp47).map(|(_, t)| *t).filter(|t| !NOT_IN_FTM.contains(t))
}

pub(crate) fn language_from_639_3(code: &str) -> Option<&'static str> {
    LANGUAGES.iter().find(|(_, t)| *t == code).map(|(b, _)| *b)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FtM's language type knows no Uyghur: it is written as a keyword (the demo's Uyghur
    /// testimonies once failed the followthemoney check), and still read when given.
    #[test]
    fn languages_ftm_refuses_are_not_written_as_languages() {
        assert_eq!(language_to_639_3("kk"), Some("kaz"));
        assert_eq!(language_to_639_3("ug"), None);
        assert_eq!(language_to_639_3("tt"), None);
        assert_eq!(language_from_639_3("uig"), Some("ug"));
    }

    #[test]
    fn ids_are_deterministic_and_uuids_are_kept() {
        assert_eq!(record_id_for("p1"), record_id_for("p1"));
        assert_ne!(record_id_for("p1"), record_id_for("p2"));
        let native = new_record_id();
        assert_eq!(record_id_for(native.as_str()), native);
        assert_eq!(external_id_for(native.as_str(), &native), None);
        assert_eq!(external_id_for("p1", &record_id_for("p1")), Some("p1".into()));
    }
}
