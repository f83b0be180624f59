//! Person names across scripts: normalisation, transliteration, phonetic keys, comparison and
//! the terms a name index is built from. Pure: no I/O.
//!
//! ```text
//! "Серікжан Біләш" --prepare--> parts [серікжан, біләш]
//!                                latin [serikzhan, bilash] --key--> [serikjan, bilash]
//!                                                            --skeleton--> [srkjn, prs]
//! compare(a, b): parts matched one to one in any order, each by key, skeleton or initial;
//!                a score in [0, 1] with the reasons.
//! ```

mod compare;
mod index;
mod key;
mod lattice;
mod stored;
mod translit;

pub use compare::{
    Comparison, How, MATCH_THRESHOLD, PartMatch, PartMemo, compare, is_match, score, score_above, score_with,
};
pub use index::{best_of, exact_terms, exact_terms_by_part, grams, grams_of, latin_and_keys};
pub use key::{key, skeleton};
pub use lattice::{Lattice, Step};
pub use translit::{load_tables, to_latin};

use std::sync::Arc;

use compact_str::CompactString;
use smallvec::SmallVec;

use dalel_model::Script;

/// One part of a name (a given name, a father's name, a surname) in its comparable forms. Its
/// forms are kept in the part itself when they are short (up to 24 bytes, nearly always), so that
/// comparing two parts reads them from one place in memory, not five.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// The part as written, normalised (NFKC, lower case).
    pub text: CompactString,
    /// Plain Latin letters.
    pub latin: CompactString,
    /// The phonetic key (see [`key`]).
    pub key: CompactString,
    /// The consonant skeleton (see [`skeleton`]).
    pub skeleton: CompactString,
    /// Written in a script that leaves vowels out or transcribes by syllable (Arabic, Han):
    /// its skeleton is worth as much as its key.
    pub loose: bool,
    /// Other readings' keys and skeletons, likeliest first (a part in Chinese characters reads
    /// several ways: see [`translit::han_readings`]).
    pub others: Vec<(CompactString, CompactString)>,
    /// For a part in Chinese characters: each character's readings as phonetic keys, each with
    /// what choosing it costs for being rare (in tenths of a letter's edit); empty otherwise.
    pub lattice: Lattice,
}

impl Part {
    /// Each reading's (key, skeleton): the part's own, then its other readings.
    pub fn readings(&self) -> impl Iterator<Item = (&str, &str)> {
        std::iter::once((self.key.as_str(), self.skeleton.as_str()))
            .chain(self.others.iter().map(|(k, s)| (k.as_str(), s.as_str())))
    }
}

/// A name's parts, held in the name itself when there are at most four (nearly always): linking
/// compares millions of pairs of names, and each name's parts elsewhere in memory were one more
/// place to wait for.
pub type Parts = SmallVec<[Arc<Part>; 4]>;

/// A name prepared for comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreparedName {
    pub text: String,
    pub script: Script,
    /// Shared, so that the many records of an archive that write a part alike can hold it once
    /// (linking a million records held each of their two million parts on its own: 1.3 GB).
    pub parts: Parts,
}

impl PreparedName {
    /// Whether the two names hold the very same parts, in order (parts shared by records that
    /// write them alike, as linking's are): compared with anything, they score alike, since a
    /// comparison reads a name's parts only.
    pub fn holds_same_parts(&self, other: &PreparedName) -> bool {
        self.parts.len() == other.parts.len() && self.parts.iter().zip(&other.parts).all(|(p, q)| Arc::ptr_eq(p, q))
    }

    /// Whether a part of the name reads several ways (it is written in Chinese characters): its
    /// terms then come from all of its readings, most of them wrong.
    pub fn reads_several_ways(&self) -> bool {
        self.parts.iter().any(|p| !p.lattice.is_empty())
    }

    /// The name as [`prepare_to_compare`] gives it: each part's first two readings only.
    pub fn to_compare(mut self) -> PreparedName {
        for part in &mut self.parts {
            if part.others.len() > 1 {
                Arc::make_mut(part).others.truncate(1);
            }
        }
        self
    }
}

/// At most this many parts of a name are compared (names longer than this are rare and the
/// matching is exponential in the number of parts).
pub const MAX_PARTS: usize = 6;

/// The version of [`prepare`] and [`grams`]: an index built from other terms, or keeping names
/// prepared otherwise ([`PreparedName::to_stored`]), is rebuilt. Raise it with every change to
/// what a name is indexed under or prepared as.
pub const TERMS_VERSION: u32 = 4;

/// At most this many readings of a part in Chinese characters are compared and indexed.
pub const HAN_READINGS: usize = 8;

/// Normalises a name and splits it into parts: NFKC, lower case; the middle dots and hyphens that
/// join name parts (U+00B7, U+30FB, U+2027, U+FF0E, U+2010, '.', '-'), spaces, commas and digits
/// separate parts; apostrophes and joiners are dropped (O'zbek, Ma'ruf).
pub fn split(text: &str) -> Vec<String> {
    let nfkc = icu_normalizer::ComposingNormalizerBorrowed::new_nfkc().normalize(text);
    let mut parts = Vec::new();
    let mut current = String::new();
    for c in nfkc.chars() {
        if matches!(c, '\'' | '’' | 'ʼ' | '‘' | '`' | 'ʻ') {
            // Kazakh Latin of 2017 marks letters with an apostrophe: s' is ш, c' is ч, n' is ң,
            // g' is ғ (Bi'la's' is Біләш); elsewhere the apostrophe is dropped.
            match current.chars().last() {
                Some('s' | 'c' | 'g') => current.push('h'),
                Some('n') => current.push('g'),
                _ => {}
            }
            continue;
        }
        if matches!(c, '\u{200c}' | '\u{200d}' | '\u{0640}' | '\u{00ad}') {
            continue;
        }
        if c.is_alphabetic() || is_mark(c) {
            current.extend(c.to_lowercase());
        } else if !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670)
}

/// Prepares a name for indexing and searching: every part with all its readings (up to
/// [`HAN_READINGS`] for a part in Chinese characters), which [`grams`] indexes.
pub fn prepare(text: &str) -> PreparedName {
    prepare_with(text, HAN_READINGS, |_| None)
}

/// Prepares a name for [`compare`] only, which reads no more than a part's first two readings:
/// the same comparisons as [`prepare`]'s, without working out the readings a comparison never
/// reads (for a part in Chinese characters, most of the cost of preparing it). Its [`grams`] are
/// not an index's.
pub fn prepare_to_compare(text: &str) -> PreparedName {
    prepare_with(text, 2, |_| None)
}

/// [`prepare_to_compare`], taking the part `held` gives for a part's text, where it gives one,
/// instead of preparing it again: a part depends on its own text only, and an archive's records
/// repeat their names' parts (at 1,000,000 synthetic records, 340,000 distinct among 2,000,000).
/// Every part `held` gives must have been prepared by [`prepare_to_compare`].
pub fn prepare_to_compare_with(text: &str, held: impl Fn(&str) -> Option<Arc<Part>>) -> PreparedName {
    prepare_with(text, 2, held)
}

/// A name with at most `readings` readings a part, the parts `held` has taken from it.
fn prepare_with(text: &str, readings: usize, held: impl Fn(&str) -> Option<Arc<Part>>) -> PreparedName {
    let parts = split(text)
        .into_iter()
        .take(MAX_PARTS)
        .map(|text| {
            if let Some(part) = held(&text) {
                return part;
            }
            let text = CompactString::from(text);
            let latin = CompactString::from(to_latin(&text));
            let key = CompactString::from(key(&latin));
            let skeleton = CompactString::from(skeleton(&key));
            let loose = matches!(Script::detect(&text), Script::Han | Script::Arabic);
            let han = translit::han_lattice(&text).unwrap_or_default();
            let others = if han.is_empty() { Vec::new() } else { other_readings(&text, &han, &key, readings) };
            // A character's readings are a few short keys: a lattice that does not fit (over 255
            // readings, or one of over 255 bytes) cannot come from the tables; the part would
            // then be compared by its readings alone.
            let lattice = Lattice::new(han.into_iter().map(lattice_step)).unwrap_or_default();
            Arc::new(Part { text, latin, key, skeleton, loose, others, lattice })
        })
        .filter(|p| !p.key.is_empty())
        .collect();
    PreparedName { text: text.to_string(), script: Script::detect(text), parts }
}

/// The (key, skeleton) of a part's readings after its first (whose key is `key`), each key once,
/// so that the part has at most `readings` in all ([`Part::others`]).
fn other_readings(
    text: &str,
    han: &[Vec<(String, f64)>],
    key: &str,
    readings: usize,
) -> Vec<(CompactString, CompactString)> {
    let reading = |k: String| {
        let s = CompactString::from(crate::skeleton(&k));
        (CompactString::from(k), s)
    };
    if readings <= 2 {
        // The second of `han_readings` is the part read a syllable a character: when its key
        // is not the first's, it is the second reading, and the beam need not run.
        let k = crate::key(&translit::han_syllables(text));
        if k != key {
            return vec![reading(k)];
        }
    }
    // The beam keeps the likeliest readings in one order whatever its width, so a narrow one
    // gives the first of a wide one's: widened only while it has not found enough.
    let mut width = readings.min(HAN_READINGS);
    loop {
        let mut others: Vec<(CompactString, CompactString)> = Vec::new();
        for other in translit::han_readings(text, han, width).into_iter().skip(1) {
            if others.len() + 1 >= readings {
                break;
            }
            let k = crate::key(&other);
            if k != key && !others.iter().any(|(o, _)| *o == k) {
                others.push(reading(k));
            }
        }
        if others.len() + 1 >= readings || width >= HAN_READINGS {
            return others;
        }
        width = (width * 2).min(HAN_READINGS);
    }
}

/// What choosing a reading costs per unit of its surprise (the negative log of its share), in
/// tenths of a letter's edit.
const RARE_READING: f64 = 0.5;

/// One character's readings as phonetic keys, each once, with their costs.
fn lattice_step(readings: Vec<(String, f64)>) -> Vec<(String, u32)> {
    let mut step: Vec<(String, u32)> = Vec::with_capacity(readings.len());
    for (reading, log_share) in readings {
        let k = crate::key(&reading);
        let cost = (-log_share * RARE_READING).round() as u32;
        if !step.iter().any(|(o, _)| *o == k) {
            step.push((k, cost));
        }
    }
    step
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_name_separators_split_parts() {
        for sep in ["·", "・", "‧", "．", ".", "-", " "] {
            assert_eq!(split(&format!("赛力克江{sep}比拉什")), ["赛力克江", "比拉什"], "{sep:?}");
        }
        assert_eq!(split("  Serikzhan   BILASH, 1974 "), ["serikzhan", "bilash"]);
        assert_eq!(split("O'zbek"), ["ozbek"]);
        assert_eq!(split("Seri'kjan Bi'la's'"), ["serikjan", "bilash"]);
    }

    #[test]
    fn prepared_names_carry_every_form() {
        let n = prepare("Серікжан Біләш");
        assert_eq!(n.script, Script::Cyrillic);
        let keys: Vec<&str> = n.parts.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["serikjan", "bilash"]);
        assert!(prepare("赛力克江·比拉什").parts.iter().all(|p| p.loose));
        assert!(prepare("Серікжан 比拉什").reads_several_ways());
        assert!(!prepare("سېرىكجان بىلاش").reads_several_ways());
    }

    #[test]
    fn fullwidth_and_compatibility_forms_are_folded() {
        assert_eq!(split("ＮＵＲＬＡＮ"), ["nurlan"]);
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use crate::{PreparedName, compare, grams, prepare, prepare_to_compare};

    /// Names drawn from the scripts dalel meets, with separators, marks and stray symbols.
    fn name() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                "[a-zA-Z]{1,9}",
                "[а-яёәіңғүұқөһА-Я]{1,9}",
                "[\u{0621}-\u{064A}\u{06C6}-\u{06D5}]{1,9}",
                "[\u{4E00}-\u{9FFF}]{1,5}",
                // Characters the reading table knows, several readings each.
                "[赛力克江比拉什努尔兰古丽木明三月阿不都山]{1,5}",
                "[·・‧．.\\-' ,0-9]{1,3}",
                any::<String>(),
            ],
            0..5,
        )
        .prop_map(|parts| parts.join(" "))
    }

    proptest! {
        #[test]
        fn any_text_prepares_compares_and_indexes_without_panicking(a in name(), b in name()) {
            let (pa, pb) = (prepare(&a), prepare(&b));
            let c = compare(&pa, &pb);
            prop_assert!((0.0..=1.0).contains(&c.score), "{}", c.score);
            prop_assert!((c.score - compare(&pb, &pa).score).abs() < 1e-9);
            let _ = c.to_string();
            prop_assert!(grams(&pa).iter().all(|g| g.is_ascii() && !g.contains(char::is_whitespace)));
            if !pa.parts.is_empty() {
                prop_assert_eq!(compare(&pa, &pa).score, 1.0);
            }
            prop_assert_eq!(PreparedName::from_stored(&pa.to_stored().unwrap()), Some(pa));
        }

        #[test]
        fn any_text_reads_as_a_name_or_nothing_without_panicking(text in any::<String>()) {
            if let Some(name) = PreparedName::from_stored(&text) {
                prop_assert_eq!(PreparedName::from_stored(&name.to_stored().unwrap()), Some(name));
            }
        }

        #[test]
        fn a_name_prepared_to_compare_compares_as_the_full_one(a in name(), b in name()) {
            let (full, light) = (prepare(&b), prepare_to_compare(&b));
            prop_assert_eq!(compare(&prepare(&a), &full), compare(&prepare(&a), &light));
            prop_assert_eq!(compare(&light, &full).score, if full.parts.is_empty() { 0.0 } else { 1.0 });
            prop_assert_eq!(&full.clone().to_compare(), &light);
            for (f, l) in full.parts.iter().zip(&light.parts) {
                prop_assert_eq!(f.readings().take(2).collect::<Vec<_>>(), l.readings().collect::<Vec<_>>());
            }
        }
    }
}
