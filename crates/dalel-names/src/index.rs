//! What a name index needs from this crate: the terms a name is found by, and the best of a
//! person's names for a query.
//!
//! A name is indexed under trigrams of its parts' phonetic keys (`k:^se`), bigrams of their
//! skeletons (`s:^s`), whole keys (`K:serikjan`) and whole skeletons (`S:srkjn`); a search
//! engine ranks the people who share terms with the query by their rarity (BM25), and
//! [`best_of`] re-scores those candidates with the full comparison. The store keeps the index (tantivy, on disk).

use crate::{PreparedName, prepare, score_above};

/// The index terms of a prepared name, without duplicates. Every term is ASCII without spaces.
pub fn grams(name: &PreparedName) -> Vec<String> {
    let mut out = Vec::new();
    for part in &name.parts {
        for (key, skeleton) in part.readings() {
            windows(&mut out, "k:", key, 3);
            windows(&mut out, "s:", skeleton, 2);
        }
    }
    out.extend(exact_terms(name));
    out.sort_unstable();
    out.dedup();
    out
}

/// Adds to `out` each `n` characters running of `text` between `^` and `$`, after `tag`.
/// Written out without `format!`: a query in Chinese characters has dozens of readings, and
/// formatting their n-grams was 3% of a search.
fn windows(out: &mut Vec<String>, tag: &str, text: &str, n: usize) {
    let padded = ["^", text, "$"].concat();
    let starts: Vec<usize> = padded.char_indices().map(|(i, _)| i).chain([padded.len()]).collect();
    out.extend(starts.windows(n + 1).map(|w| [tag, &padded[w[0]..w[n]]].concat()));
}

/// The terms of whole parts: each part's key (`K:serikjan`) and skeleton (`S:srkjn`). A search
/// looks these up first: most queries find their person here, among few candidates.
pub fn exact_terms(name: &PreparedName) -> Vec<String> {
    let mut out: Vec<String> = exact_terms_by_part(name).into_iter().flatten().collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// [`exact_terms`] part by part: a person who has every part of the query has, for each part,
/// one of its terms (any reading of it, by key or by skeleton).
pub fn exact_terms_by_part(name: &PreparedName) -> Vec<Vec<String>> {
    name.parts
        .iter()
        .map(|part| {
            let mut terms: Vec<String> =
                part.readings().flat_map(|(k, s)| [format!("K:{k}"), format!("S:{s}")]).collect();
            terms.sort_unstable();
            terms.dedup();
            terms
        })
        .collect()
}

/// The words a public site's search finds a name by: each part's Latin form and phonetic key
/// (the live site's index and the static mirror's search both index these).
pub fn latin_and_keys(text: &str) -> impl Iterator<Item = String> {
    crate::prepare(text).parts.into_iter().flat_map(|p| [p.latin.to_string(), p.key.to_string()])
}

/// The terms of a name given as text.
pub fn grams_of(text: &str) -> Vec<String> {
    grams(&prepare(text))
}

/// Which of `names` (prepared as [`prepare_to_compare`](crate::prepare_to_compare) prepares
/// them, or more fully) matches `query` best, and its score; `None` when none matches at all.
/// Without the explanation, which [`compare`](crate::compare) gives for the one name chosen.
///
/// Exact where the best score is at least `floor`; where none reaches it, what comes out (if
/// anything) is below `floor` too (for a caller that keeps only the best of many people: a
/// person who cannot be among them is compared only that far).
pub fn best_of<'a>(
    query: &PreparedName,
    names: impl IntoIterator<Item = &'a PreparedName>,
    floor: f64,
) -> Option<(usize, f64)> {
    let mut best: Option<(usize, f64)> = None;
    for (i, name) in names.into_iter().enumerate() {
        // A name only counts if it beats the best so far.
        let s = score_above(query, name, best.map_or(floor, |(_, b)| b.max(floor)));
        if s > 0.0 && best.is_none_or(|(_, b)| s > b) {
            best = Some((i, s));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prepare_to_compare;

    #[test]
    fn the_same_name_in_two_scripts_shares_terms() {
        let (kz, zh) = (grams_of("Серікжан Біләш"), grams_of("赛力克江·比拉什"));
        assert!(kz.contains(&"k:^se".to_string()), "{kz:?}");
        assert!(kz.iter().any(|g| zh.contains(g)), "{kz:?} / {zh:?}");
        assert!(kz.iter().all(|g| g.is_ascii() && !g.contains(' ')));
        assert!(grams_of("").is_empty());
    }

    proptest::proptest! {
        /// A text's n-grams between `^` and `$`, character by character, whatever its script.
        #[test]
        fn windows_are_each_n_characters_running(text in "\\PC{0,8}", n in 1usize..4) {
            let padded: Vec<char> = format!("^{text}$").chars().collect();
            let expected: Vec<String> = padded.windows(n).map(|w| format!("k:{}", w.iter().collect::<String>())).collect();
            let mut got = vec!["before".to_string()];
            windows(&mut got, "k:", &text, n);
            proptest::prop_assert_eq!(&got[1..], expected.as_slice());
        }
    }

    #[test]
    fn the_best_name_is_chosen() {
        let q = prepare("Serikzhan Bilash");
        let names = |texts: [&str; 2]| texts.map(prepare_to_compare);
        let candidates = names(["Serik Bekov", "Серікжан Біләш"]);
        let (i, s) = best_of(&q, &candidates, 0.0).unwrap();
        assert_eq!(i, 1);
        let c = crate::compare(&q, &candidates[1]);
        assert!(c.is_match());
        assert_eq!(s, c.score);
        assert!(best_of(&q, &names(["", "Gulnar"]), 0.0).is_none());
    }

    /// From a floor up, the best name and its score are those found without one; below it,
    /// what comes out is below it too.
    #[test]
    fn the_best_name_above_a_floor_is_the_best_name() {
        let people = [
            vec!["Serik Bekov", "Серікжан Біләш", "赛力克江·比拉什"],
            vec!["Serikjan Bilas", "Serikzhan Bilash"],
            vec!["Nurlan Abenov", "Нұрлан Әбенов", "努尔兰"],
            vec!["Gulnar Tursun", "古丽娜尔·吐尔逊", "Gulmira Tursunova"],
            vec!["Aidar", "Aigerim Bilash"],
        ];
        let mut below = 0;
        for query in ["Serikzhan Bilash", "赛力克江", "Nurlat Abenov", "Гүлнар Турсун", "Aidar Bilash"]
        {
            let q = prepare(query);
            for names in &people {
                let names: Vec<PreparedName> = names.iter().map(|n| prepare_to_compare(n)).collect();
                let exact = best_of(&q, &names, 0.0);
                for floor in [0.0, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0] {
                    let got = best_of(&q, &names, floor);
                    match exact {
                        Some((_, s)) if s >= floor => assert_eq!(got, exact, "{query} to {floor}"),
                        _ => {
                            assert!(got.is_none_or(|(_, s)| s < floor), "{query} to {floor}: {got:?}");
                            below += 1;
                        }
                    }
                }
            }
        }
        assert!(below > 20, "{below}");
    }
}
