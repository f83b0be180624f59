//! Terms one edit away from a word (a letter added, dropped or changed, or two neighbours
//! swapped), found through their one-letter deletions, as SymSpell finds them: a term and a
//! word one edit apart share a deletion (or one is the other's), so a query looks up its own few
//! deletions instead of walking every term of the index, which tantivy's fuzzy query does and
//! which was most of a search's time.

use std::collections::HashMap;

/// The terms of a field, by their one-letter deletions.
#[derive(Default)]
pub struct NearTerms {
    terms: Vec<String>,
    /// Each term, and each of its one-letter deletions: the terms it comes from.
    by_deletion: HashMap<String, Vec<u32>>,
}

impl NearTerms {
    /// `terms` (distinct), each of at least `shortest` letters; shorter ones are left out.
    pub fn of(terms: impl IntoIterator<Item = String>, shortest: usize) -> NearTerms {
        let mut near = NearTerms::default();
        for term in terms.into_iter().filter(|t| t.chars().count() >= shortest) {
            let id = near.terms.len() as u32;
            for key in deletions(&term) {
                let from = near.by_deletion.entry(key).or_default();
                if from.last() != Some(&id) {
                    from.push(id);
                }
            }
            near.terms.push(term);
        }
        near
    }

    /// The terms one edit from `word`, or the same (at most `limit`, the nearest kept in the
    /// order the index gave them).
    pub fn near(&self, word: &str, limit: usize) -> Vec<&str> {
        let mut found: Vec<u32> = deletions(word).filter_map(|d| self.by_deletion.get(&d)).flatten().copied().collect();
        found.sort_unstable();
        found.dedup();
        found
            .into_iter()
            .map(|id| self.terms[id as usize].as_str())
            .filter(|t| within_one(word, t))
            .take(limit)
            .collect()
    }
}

/// `word` and each string made by dropping one of its letters.
fn deletions(word: &str) -> impl Iterator<Item = String> + '_ {
    let chars: Vec<char> = word.chars().collect();
    let dropped =
        (0..chars.len()).map(move |i| chars.iter().enumerate().filter(|&(k, _)| k != i).map(|(_, c)| c).collect());
    std::iter::once(word.to_string()).chain(dropped)
}

/// Whether `a` and `b` are at most one edit apart (an added, dropped or changed letter, or two
/// neighbours swapped).
fn within_one(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let start = short.iter().zip(long.iter()).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        if start == short.len() {
            return true;
        }
        // Changed at `start`, or `start` and the next swapped.
        let changed = short[start + 1..] == long[start + 1..];
        let swapped = start + 1 < short.len()
            && short[start] == long[start + 1]
            && short[start + 1] == long[start]
            && short[start + 2..] == long[start + 2..];
        changed || swapped
    } else {
        // One letter added in the longer at `start`.
        short[start..] == long[start + 1..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit_is_near_and_two_are_not() {
        for (a, b) in [
            ("serikzhan", "serikzan"),
            ("serikzhan", "serikzhna"),
            ("serikzhan", "serikzhann"),
            ("serikzhan", "serikshan"),
            ("ab", "ba"),
            ("", "a"),
        ] {
            assert!(within_one(a, b) && within_one(b, a), "{a} {b}");
        }
        for (a, b) in [("serikzhan", "serikjan"), ("abcd", "bcdx"), ("nurlan", "nurlat-x"), ("abc", "cba")] {
            assert!(!within_one(a, b) && !within_one(b, a), "{a} {b}");
        }
    }

    #[test]
    fn the_terms_near_a_word_are_found_by_their_deletions() {
        let terms = ["serikzhan", "serikjan", "bauyrzhan", "nurlan", "zhanargul"].map(String::from);
        let near = NearTerms::of(terms, 7);
        assert_eq!(near.near("serikzan", 10), ["serikzhan", "serikjan"]);
        assert_eq!(near.near("bauyrzahn", 10), ["bauyrzhan"]);
        assert_eq!(near.near("zhanargul", 10), ["zhanargul"]);
        // Shorter than seven letters: not kept.
        assert!(near.near("nurlat", 10).is_empty());
        assert!(near.near("serikjaan", 10) == ["serikjan"]);
        assert!(near.near("qwertyui", 10).is_empty());
    }
}
