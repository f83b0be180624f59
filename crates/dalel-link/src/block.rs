//! Candidate pairs: records that share a blocking key. Never all pairs: a record meets only
//! those that share a pair of name parts, a name part and a birth year, or an ID number or one
//! of its near misses.

use foldhash::{HashMap, HashMapExt};

use crate::Subject;

/// Blocks larger than this are left out: a key that many records share (two very common name
/// parts) says little, and its pairs would grow with the square of the archive. Such records
/// still meet through their other keys.
pub const MAX_BLOCK: usize = 300;

/// The candidate pairs `(a, b)`, `a < b`, each once, in order.
pub fn pairs(subjects: &[Subject]) -> Vec<(usize, usize)> {
    let mut blocks: HashMap<String, Vec<u32>> = HashMap::new();
    for (i, s) in subjects.iter().enumerate() {
        let mut keys = keys(s);
        keys.sort_unstable();
        keys.dedup();
        for k in keys {
            blocks.entry(k).or_default().push(i as u32);
        }
    }
    let mut out: Vec<u64> = Vec::new();
    for members in blocks.values() {
        if members.len() < 2 || members.len() > MAX_BLOCK {
            continue;
        }
        for (n, &a) in members.iter().enumerate() {
            for &b in &members[n + 1..] {
                out.push((u64::from(a) << 32) | u64::from(b));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out.into_iter().map(|p| ((p >> 32) as usize, (p & 0xffff_ffff) as usize)).collect()
}

/// The candidate pairs `(a, b)` of a record `a` of `archive` and a record `b` of `list`, each
/// once, in order: the list's records are looked up in the archive's blocks, never compared
/// among themselves or the archive's among its own.
pub fn cross_pairs(archive: &[Subject], list: &[Subject]) -> Vec<(usize, usize)> {
    let mut blocks: HashMap<String, Vec<u32>> = HashMap::new();
    for (i, s) in archive.iter().enumerate() {
        let mut keys = keys(s);
        keys.sort_unstable();
        keys.dedup();
        for k in keys {
            blocks.entry(k).or_default().push(i as u32);
        }
    }
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (b, s) in list.iter().enumerate() {
        let mut found: Vec<u32> = Vec::new();
        for k in keys(s) {
            // A block the list's record would make too large says as little as one in the archive.
            if let Some(members) = blocks.get(&k).filter(|m| m.len() < MAX_BLOCK) {
                found.extend(members);
            }
        }
        found.sort_unstable();
        found.dedup();
        out.extend(found.into_iter().map(|a| (a as usize, b)));
    }
    out.sort_unstable();
    out
}

/// A record's blocking keys.
pub(crate) fn keys(s: &Subject) -> Vec<String> {
    let mut out = Vec::new();
    let year = s.birth.map(|b| b.earliest.0);
    for name in &s.names {
        // Each part by its first two readings (a part in Chinese characters reads two ways).
        let parts: Vec<Vec<&str>> = name.parts.iter().map(|p| p.readings().take(2).map(|(_, s)| s).collect()).collect();
        for (i, a) in parts.iter().enumerate() {
            for b in &parts[i + 1..] {
                for x in a {
                    for y in b {
                        let (x, y) = if x <= y { (x, y) } else { (y, x) };
                        out.push(format!("n:{x}|{y}"));
                    }
                }
            }
            if let Some(year) = year {
                for x in a {
                    out.push(format!("y:{x}|{year}"));
                }
            }
        }
    }
    for number in &s.id_numbers {
        out.push(format!("i:{number}"));
        let b = number.as_bytes();
        for i in 0..b.len() {
            // One character wrong: the number without it, at its place.
            let mut without = number.clone();
            without.remove(i);
            out.push(format!("i{i}:{without}"));
            // Two neighbours swapped: the number with them in order.
            if i + 1 < b.len() && b[i] != b[i + 1] && b[i].is_ascii() && b[i + 1].is_ascii() {
                let mut sorted = b.to_vec();
                if sorted[i] > sorted[i + 1] {
                    sorted.swap(i, i + 1);
                }
                out.push(format!("t{i}:{}", String::from_utf8_lossy(&sorted)));
            }
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use dalel_model::{IdentityNumber, Name, NameKind, Person, RecordId};

    pub(crate) fn subject(name: &str, id: Option<&str>, born: Option<&str>) -> Subject {
        Subject::of(&Person {
            birth_date: born.map(|b| dalel_model::PartialDate::parse(b).unwrap()),
            identity_numbers: id.map(IdentityNumber::guess).into_iter().collect(),
            ..Person::new(RecordId::new("x").unwrap(), vec![Name::new(name, NameKind::Full)])
        })
    }

    #[test]
    fn records_meet_by_names_ids_and_their_near_misses() {
        let s = [
            subject("Serikzhan Bilash", None, None),
            subject("Серікжан Біләш", None, None),
            subject("Aidar Nurlanuly", Some("650102198001011234"), None),
            subject("Kairat", Some("650102198001011284"), None),
            subject("Gulnar", Some("650102198001012134"), None),
            subject("Gulnar", None, Some("1980")),
            subject("Гүлнар", None, Some("1980-05")),
            subject("Zhanar", None, Some("1970")),
        ];
        // 3 and 4 are each one typing error from 2, two from each other.
        assert_eq!(pairs(&s), vec![(0, 1), (2, 3), (2, 4), (5, 6)]);
    }
}
