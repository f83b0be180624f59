//! An in-memory name index: candidates by shared n-grams of phonetic keys and consonant
//! skeletons, weighted by rarity, then re-scored with [`compare`].
//!
//! It holds only what it is given; the archive keeps it on disk and rebuilds it from the store.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::{Comparison, PreparedName, compare, prepare};

/// How many candidates are re-scored with the full comparison.
const CANDIDATES: usize = 150;

/// A found name.
#[derive(Clone, Debug)]
pub struct Hit {
    /// The document (person) the caller added the name under.
    pub doc: u32,
    /// Which of the names added under `doc` matched best (in the order they were added).
    pub name: usize,
    pub score: f64,
    pub comparison: Comparison,
}

/// Names of documents, searchable across scripts.
#[derive(Default)]
pub struct NameIndex {
    /// Every name added: its document, its number among the document's names, its forms.
    entries: Vec<(u32, usize, PreparedName)>,
    postings: HashMap<u64, Vec<u32>>,
    names_of: HashMap<u32, usize>,
}

fn grams(name: &PreparedName) -> Vec<u64> {
    let mut out = Vec::new();
    let mut push = |kind: u8, s: &str| {
        let mut h = DefaultHasher::new();
        kind.hash(&mut h);
        s.hash(&mut h);
        out.push(h.finish());
    };
    for part in &name.parts {
        let key = format!("^{}$", part.key);
        let k: Vec<char> = key.chars().collect();
        for w in k.windows(3) {
            push(b'k', &w.iter().collect::<String>());
        }
        let skel = format!("^{}$", part.skeleton);
        let s: Vec<char> = skel.chars().collect();
        for w in s.windows(2) {
            push(b's', &w.iter().collect::<String>());
        }
        push(b'S', &part.skeleton);
    }
    out.sort_unstable();
    out.dedup();
    out
}

impl NameIndex {
    pub fn new() -> NameIndex {
        NameIndex::default()
    }

    /// Adds the next name of document `doc` (a name with no letters is counted but not held).
    pub fn add(&mut self, doc: u32, name: &str) {
        let counter = self.names_of.entry(doc).or_default();
        let number = *counter;
        *counter += 1;
        let prepared = prepare(name);
        if prepared.parts.is_empty() {
            return;
        }
        let entry = self.entries.len() as u32;
        for g in grams(&prepared) {
            self.postings.entry(g).or_default().push(entry);
        }
        self.entries.push((doc, number, prepared));
    }

    /// The number of names held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The best `limit` documents for `query`, best first, one hit a document.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let query = prepare(query);
        if query.parts.is_empty() || limit == 0 {
            return Vec::new();
        }
        let total = self.entries.len() as f32;
        let mut acc: HashMap<u32, f32> = HashMap::new();
        for g in grams(&query) {
            let Some(list) = self.postings.get(&g) else { continue };
            let weight = (1.0 + total / list.len() as f32).ln();
            for &e in list {
                *acc.entry(e).or_default() += weight;
            }
        }
        let mut candidates: Vec<(u32, f32)> = acc.into_iter().collect();
        if candidates.len() > CANDIDATES {
            candidates.select_nth_unstable_by(CANDIDATES, |a, b| b.1.total_cmp(&a.1));
            candidates.truncate(CANDIDATES);
        }
        let mut best: HashMap<u32, Hit> = HashMap::new();
        for (e, _) in candidates {
            let (doc, name, prepared) = &self.entries[e as usize];
            let comparison = compare(&query, prepared);
            let score = comparison.score;
            if score <= 0.0 {
                continue;
            }
            if best.get(doc).is_none_or(|h| score > h.score) {
                best.insert(*doc, Hit { doc: *doc, name: *name, score, comparison });
            }
        }
        let mut hits: Vec<Hit> = best.into_values().collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
        hits.truncate(limit);
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_person_from_another_script() {
        let mut index = NameIndex::new();
        index.add(1, "Серікжан Біләш");
        index.add(1, "Serikzhan Bilash");
        index.add(2, "Serik Bekov");
        index.add(3, "Гүлнар Тоқтарқызы");
        index.add(4, "Nurlan Abenov");
        let hits = index.search("赛力克江·比拉什", 10);
        assert_eq!(hits[0].doc, 1, "{hits:?}");
        assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
        assert_eq!(index.search("Gulnar Toktarkyzy", 1)[0].doc, 3);
        assert_eq!(index.search("Абенов Нурлан", 1)[0].doc, 4);
        assert!(index.search("", 10).is_empty());
        assert!(index.search("Nurlan", 0).is_empty());
    }
}
