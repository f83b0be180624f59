//! A person as the name index keeps them: one stored text holding the record's ids, its names
//! and each name prepared to compare. Re-scoring a search's candidates reads this text for each;
//! as one value it is one allocation to read back instead of one a field and a name (tantivy
//! reads each stored value into a string of its own), and the names are slices of it. Reading
//! candidates back was a fifth of a search (docs/benchmarks.md).
//!
//! The text is a run of pieces, each its length in bytes (in decimal), a colon, then the piece:
//! the record's id, its external id (empty if none), then each name followed by the name
//! prepared to compare as [`PreparedName::to_stored`] writes it (empty where it cannot: a name
//! part of over a million bytes). A name whose prepared piece does not read back as that name
//! (a damaged index) is prepared again.

use dalel_model::Person;
use dalel_names::{PreparedName, prepare_to_compare};

/// The text kept of `person`, whose names are `prepared` (to compare), in order.
pub(super) fn keep(person: &Person, prepared: &[PreparedName]) -> String {
    let mut out = String::new();
    piece(&mut out, person.id.as_str());
    piece(&mut out, person.external_id.as_deref().unwrap_or(""));
    for (name, prepared) in person.names.iter().zip(prepared) {
        piece(&mut out, &name.text);
        piece(&mut out, &prepared.to_stored().unwrap_or_default());
    }
    out
}

fn piece(out: &mut String, text: &str) {
    use std::fmt::Write;
    // Writing to a string does not fail.
    let _ = write!(out, "{}:{text}", text.len());
}

/// A kept text read back: slices of it.
#[derive(Debug, PartialEq)]
pub(super) struct Kept<'a> {
    pub id: &'a str,
    pub external_id: &'a str,
    /// Each name and its prepared piece.
    names: Vec<(&'a str, &'a str)>,
}

impl<'a> Kept<'a> {
    /// `None` unless `text` is a whole kept text.
    pub fn read(mut text: &'a str) -> Option<Kept<'a>> {
        let id = next(&mut text)?;
        let external_id = next(&mut text)?;
        let mut names = Vec::new();
        while !text.is_empty() {
            names.push((next(&mut text)?, next(&mut text)?));
        }
        Some(Kept { id, external_id, names })
    }

    /// Just the id of a kept text, without reading the rest.
    pub fn id_of(mut text: &'a str) -> Option<&'a str> {
        next(&mut text)
    }

    pub fn names(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.names.iter().map(|(name, _)| *name)
    }

    /// Each name prepared to compare: read back, or prepared again where its piece does not
    /// read back as that name.
    pub fn prepared(&self) -> Vec<PreparedName> {
        self.names
            .iter()
            .map(|(name, kept)| {
                PreparedName::from_stored(kept).filter(|p| p.text == *name).unwrap_or_else(|| prepare_to_compare(name))
            })
            .collect()
    }
}

/// The piece at the start of `text`, which then starts after it.
fn next<'a>(text: &mut &'a str) -> Option<&'a str> {
    let (len, rest) = text.split_once(':')?;
    if len.is_empty() || !len.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let len: usize = len.parse().ok()?;
    let piece = rest.get(..len)?;
    *text = rest.get(len..)?;
    Some(piece)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dalel_model::{Name, NameKind, RecordId};

    /// The text kept of a person p1 of `names`.
    fn kept(names: &[&str], external_id: Option<&str>) -> String {
        let p = person(names, external_id);
        let prepared: Vec<PreparedName> = names.iter().map(|n| prepare_to_compare(n)).collect();
        keep(&p, &prepared)
    }

    fn person(names: &[&str], external_id: Option<&str>) -> Person {
        let mut p =
            Person::new(RecordId::new("p1").unwrap(), names.iter().map(|n| Name::new(*n, NameKind::Full)).collect());
        p.external_id = external_id.map(str::to_string);
        p
    }

    #[test]
    fn a_person_reads_back_as_kept() {
        let names = ["Серікжан Біләш", "赛力克江·比拉什", "Serik: 12:34", ""];
        for external_id in [Some("Q1:x"), None] {
            let text = kept(&names, external_id);
            let kept = Kept::read(&text).unwrap();
            assert_eq!((kept.id, kept.external_id), ("p1", external_id.unwrap_or("")));
            assert_eq!(Kept::id_of(&text), Some("p1"));
            assert_eq!(kept.names().collect::<Vec<_>>(), names);
            let expected: Vec<PreparedName> = names.iter().map(|n| prepare_to_compare(n)).collect();
            assert_eq!(kept.prepared(), expected);
        }
    }

    #[test]
    fn a_name_kept_unprepared_or_damaged_is_prepared_again() {
        let other = prepare_to_compare("Nurlan Abenov").to_stored().unwrap();
        for damaged in ["", "\u{5}not a name", other.as_str()] {
            let text = format!("2:p12:Q112:Serik Bilash{}:{damaged}", damaged.len());
            let kept = Kept::read(&text).unwrap();
            assert_eq!(kept.prepared(), vec![prepare_to_compare("Serik Bilash")], "{damaged:?}");
        }
    }

    #[test]
    fn a_damaged_text_reads_as_nothing() {
        let names = ["Серікжан Біләш", "Serik"];
        let text = kept(&names, Some("Q1"));
        // Cut anywhere but after the ids or a name's prepared piece, it does not read.
        let reads: Vec<usize> =
            (0..=text.len()).filter(|&cut| text.get(..cut).and_then(Kept::read).is_some()).collect();
        let whole = (0..=names.len()).map(|n| kept(&names[..n], Some("Q1")).len()).collect::<Vec<_>>();
        assert_eq!(reads, whole);
        for bad in ["", "1:p", "x:p1:", "-1:p0:", "+2:p10:", "2:p", "9999999999999999999999:p0:", "2:p10:1:a"] {
            assert_eq!(Kept::read(bad), None, "{bad:?}");
        }
        assert_eq!(Kept::id_of("3:p"), None);
    }
}
