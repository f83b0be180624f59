//! Entity resolution: which person records are one person. Pure: no I/O.
//!
//! ```text
//! persons --Subject::of--> subjects --block::pairs--> candidate pairs (never all pairs)
//!         --Comparison::of--> agreement levels per field (names, ID number, birth date, sex, hometown)
//!         --Model::estimate--> m and u probabilities (u from random pairs, m and the share of
//!                              matches by EM over the candidates)
//!         --Model::weigh--> a match weight per pair, with the reasons
//!         --join--> entries: people's decisions first, then pairs above the upper threshold
//!                   linked, most likely first, never across a person's "not the same";
//!                   pairs between the thresholds left for review
//! ```
//!
//! The method is Fellegi and Sunter's, as Splink implements it: each field's agreement level
//! contributes `log2(m / u)`, where `m` is how often true matches agree at that level and `u`
//! how often unrelated records do; the sum plus the prior odds is the match weight.

mod block;
mod compare;
mod entries;
mod frequency;
mod model;

pub use block::{Keyed, MAX_BLOCK, TooMany, cross_pairs, pairs, pairs_keyed};
use compare::Comparer;
pub use compare::{Birth, Comparison, FIELDS, Field, SharedParts, Subject};
pub use entries::{Decided, Joined, decided, eldest, join};
pub use frequency::{adjustment, name_frequencies};
pub use model::{Known, Labels, Model, Reason, Weighed};

use rayon::prelude::*;

/// Two records, by their places in the subjects compared (`u32`, as blocking numbers records:
/// half the memory of `usize` pairs, and a candidate list at 1,000,000 records holds 50 million).
pub type Pair = (u32, u32);

/// Where a pair is decided automatically.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Thresholds {
    /// At or above this match probability records are linked automatically.
    pub link: f64,
    /// At or above this (and below `link`) a pair goes to a person for review.
    pub review: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { link: 0.8, review: 0.3 }
    }
}

/// The outcome of linking a set of records.
#[derive(Debug)]
pub struct Linkage {
    /// Each entry's members, as indexes into the subjects; every subject is in exactly one
    /// entry. Entries and their members are in the order of the subjects' first appearance.
    pub entries: Vec<Vec<usize>>,
    /// Pairs linked automatically, most likely first.
    pub linked: Vec<Weighed>,
    /// Pairs above the link threshold left apart: they would have joined records a person said
    /// are different.
    pub refused: Vec<Weighed>,
    /// Pairs for review, most likely first.
    pub review: Vec<Weighed>,
    /// Pairs a person said are different that people's own decisions put in one entry.
    pub contradictions: Vec<(usize, usize)>,
    /// Candidate pairs compared (those people decided left out).
    pub candidates: usize,
    pub model: Model,
}

/// Links `subjects`: candidate pairs from blocking, a model estimated from them, pairs scored
/// and joined into entries with people's decisions ([`join`]); a pair a person decided, or the
/// records keep apart ([`Decided::apart`]), is neither linked nor left for review by the linker. `seed` makes the random pairs that estimate
/// `u` reproducible.
pub fn link(subjects: &[Subject], decided: &Decided, thresholds: Thresholds, seed: u64) -> Linkage {
    link_keyed(subjects, Keyed::of(subjects), decided, thresholds, seed)
}

/// [`link`], the subjects' blocks worked out ahead (`keyed`, in the subjects' order).
pub fn link_keyed(subjects: &[Subject], keyed: Keyed, decided: &Decided, thresholds: Thresholds, seed: u64) -> Linkage {
    assert_eq!(keyed.len(), subjects.len(), "the subjects keyed");
    let decided_pairs: foldhash::HashSet<(usize, usize)> = decided
        .same
        .iter()
        .chain(&decided.different)
        .chain(&decided.apart)
        .map(|&(a, b)| (a.min(b), a.max(b)))
        .collect();
    let clock = std::time::Instant::now();
    let mut candidates = pairs_keyed(keyed);
    candidates.retain(|&(a, b)| !decided_pairs.contains(&(a as usize, b as usize)));
    tracing::debug!(candidates = candidates.len(), elapsed = ?clock.elapsed(), "blocked");
    let comparisons = compare_pairs(subjects, &candidates);
    tracing::debug!(elapsed = ?clock.elapsed(), "compared");
    // People's decisions are the model's answers: they teach it what agreement is worth.
    // So are the pairs the records themselves keep apart (relatives named together: the
    // resemblance of a family is what unrelated records look like).
    let different: Vec<(usize, usize)> = decided.different.iter().chain(&decided.apart).copied().collect();
    let labels = Labels {
        same: compare_pairs(subjects, &narrow(&decided.same)),
        different: compare_pairs(subjects, &narrow(&different)),
    };
    let n = subjects.len() as f64;
    let model = Model::estimate_over(subjects, &comparisons, &labels, n * (n - 1.0) / 2.0, seed);
    tracing::debug!(elapsed = ?clock.elapsed(), "estimated");
    let frequencies = name_frequencies(subjects);
    let weighed: Vec<Weighed> = candidates
        .par_iter()
        .zip(&comparisons)
        .map_init(Known::default, |known, (&(a, b), c)| {
            weigh(&model, known, &frequencies, &frequencies, a as usize, b as usize, c)
        })
        .filter(|w| w.probability >= thresholds.review)
        .collect();
    let (mut linked, mut review): (Vec<Weighed>, Vec<Weighed>) =
        weighed.into_iter().partition(|w| w.probability >= thresholds.link);
    review.par_sort_by(|x, y| y.probability.total_cmp(&x.probability));
    linked.par_sort_by(|x, y| y.probability.total_cmp(&x.probability));
    let pairs: Vec<(usize, usize)> = linked.iter().map(|w| (w.a, w.b)).collect();
    let Joined { entries, refused, contradictions } = join(subjects.len(), decided, &pairs);
    // `refused` holds indexes into `linked`, in order.
    let mut refused_at = refused.into_iter().peekable();
    let (mut refused, mut kept) = (Vec::new(), Vec::with_capacity(linked.len()));
    for (i, w) in linked.into_iter().enumerate() {
        if refused_at.next_if_eq(&i).is_some() { refused.push(w) } else { kept.push(w) }
    }
    tracing::debug!(linked = kept.len(), review = review.len(), elapsed = ?clock.elapsed(), "joined");
    Linkage { entries, linked: kept, refused, review, contradictions, candidates: candidates.len(), model }
}

/// A pair's weight, with its names' frequency when they agree at least as "names match"
/// (`left` and `right` give the names' frequencies of `a` and `b`); the weights of patterns of
/// levels kept in `known`.
fn weigh(
    model: &Model,
    known: &mut Known,
    left: &[Option<f64>],
    right: &[Option<f64>],
    a: usize,
    b: usize,
    c: &Comparison,
) -> Weighed {
    let w = model.weigh_knowing(known, a, b, c);
    match c.level(Field::Name) {
        Some(level) if level >= 2 => {
            let u = model.u[Field::Name as usize][usize::from(level)];
            w.with_frequency(adjustment(u, left[a], right[b]))
        }
        _ => w,
    }
}

/// An outside list matched against the archive, neither joined to the other.
#[derive(Debug)]
pub struct CrossMatch {
    /// Pairs at or above the review threshold, most likely first; `a` is a record of the
    /// archive, `b` one of the list.
    pub pairs: Vec<Weighed>,
    /// Candidate pairs compared.
    pub candidates: usize,
    pub model: Model,
}

/// Matches `list` against `archive` (`dalel xref`): candidate pairs across the two by blocking,
/// the model estimated from them (`u` from random pairs of the archive's records), and every
/// pair at least `review` likely. `keyed` holds the archive's blocks, in its order.
pub fn cross_match(archive: &[Subject], keyed: Keyed, list: &[Subject], review: f64, seed: u64) -> CrossMatch {
    assert_eq!(keyed.len(), archive.len(), "the archive keyed");
    let candidates = cross_pairs(keyed, list);
    let comparisons = compare_across(archive, list, &candidates);
    let all_pairs = archive.len() as f64 * list.len() as f64;
    let model = Model::estimate_over(archive, &comparisons, &Labels::default(), all_pairs, seed);
    let (left, right) = (name_frequencies(archive), name_frequencies(list));
    let mut known = Known::default();
    let mut pairs: Vec<Weighed> = candidates
        .iter()
        .zip(&comparisons)
        .map(|(&(a, b), c)| weigh(&model, &mut known, &left, &right, a as usize, b as usize, c))
        .filter(|w| w.probability >= review)
        .collect();
    pairs.sort_by(|x, y| y.probability.total_cmp(&x.probability).then((x.b, x.a).cmp(&(y.b, y.a))));
    CrossMatch { pairs, candidates: candidates.len(), model }
}

/// Each pair's comparison, in order; the pairs are shared among the machine's cores (comparing
/// names is most of the cost of linking).
pub(crate) fn compare_pairs(subjects: &[Subject], pairs: &[Pair]) -> Vec<Comparison> {
    compare_across(subjects, subjects, pairs)
}

/// Each pair's comparison, `a` of `left` and `b` of `right`, in order, on every core, each
/// core's run of pairs by a [`Comparer`] (what repeats compared once). Comparing waits on memory
/// more than it computes: pairs come in the order of `a`, and each `b` is anywhere among a
/// million records, the parts of its names elsewhere again. So a pair's `b` is asked of the
/// memory eight pairs ahead, and the parts of its names four pairs ahead, once it has been read
/// (at 1,000,463 records, comparing took 15% less time).
fn compare_across(left: &[Subject], right: &[Subject], pairs: &[Pair]) -> Vec<Comparison> {
    const AHEAD: usize = 8;
    (0..pairs.len())
        .into_par_iter()
        .with_min_len(1024)
        .map_init(Comparer::default, |comparer, i| {
            if let Some(&(_, b)) = pairs.get(i + AHEAD) {
                prefetch(&right[b as usize]);
            }
            if let Some(&(_, b)) = pairs.get(i + AHEAD / 2) {
                for part in right[b as usize].names.iter().flat_map(|name| &name.parts) {
                    prefetch::<dalel_names::Part>(part);
                }
            }
            let (a, b) = pairs[i];
            comparer.compare(&left[a as usize], &right[b as usize])
        })
        .collect()
}

/// Asks the processor to bring `x` into its cache: a hint, which changes nothing the program
/// sees (no-op but on x86-64).
fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    for offset in (0..size_of::<T>()).step_by(64) {
        // SAFETY: a prefetch reads nothing into the program and cannot fault, whatever the
        // address; this one is within `x`.
        unsafe {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            _mm_prefetch::<_MM_HINT_T0>((x as *const T).cast::<i8>().wrapping_add(offset));
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

/// Pairs of places as [`Pair`]s.
fn narrow(pairs: &[(usize, usize)]) -> Vec<Pair> {
    pairs.iter().map(|&(a, b)| (a as u32, b as u32)).collect()
}

/// `f` of each of `items`, in order, the items shared among the machine's cores (in runs of at
/// least 1,024: fewer are not worth a thread). Linking's costly steps, preparing records and
/// blocking them, each item on its own.
///
/// On rayon's threads, which live as long as the process: each keeps the memory freed on it
/// for its next items. Threads started afresh for each page of records took fresh memory each
/// time, which the kernel zeroes first (`dalel dedupe` of 1,000,000 records: 10% longer).
pub fn on_every_core<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    items.par_iter().with_min_len(1024).map(&f).collect()
}

/// Connected components of `n` items joined by `links` (union-find with path halving).
pub fn cluster(n: usize, links: impl IntoIterator<Item = (usize, usize)>) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for (a, b) in links {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            // The smaller index is the root, so that an entry is named by its first member.
            let (low, high) = (ra.min(rb), ra.max(rb));
            parent[high] = low;
        }
    }
    let mut slot = vec![usize::MAX; n];
    let mut entries: Vec<Vec<usize>> = Vec::new();
    for x in 0..n {
        let r = root(&mut parent, x);
        if slot[r] == usize::MAX {
            slot[r] = entries.len();
            entries.push(Vec::new());
        }
        entries[slot[r]].push(x);
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::block::tests::subject;

    /// Forty people, each in two records that differ the way testimonies do; the model learns
    /// what agreement is worth from them and links each pair, and no two people.
    #[test]
    fn records_of_one_person_are_linked_and_others_are_not() {
        let given = ["Serikzhan", "Aidar", "Gulnar", "Mehmet", "Zhanar", "Kairat", "Erlan", "Aigul"];
        let family = ["Bilash", "Tursun", "Abenov", "Omarov", "Seitova"];
        let mut subjects = Vec::new();
        for i in 0..40 {
            let name = format!("{} {}", given[i % 8], family[i / 8]);
            let id = format!("65010219{:02}0101{:03}X", 50 + i, i);
            let typo = format!("65010219{:02}0101{:03}Y", 50 + i, i);
            let year = format!("19{:02}", 50 + i);
            subjects.push(subject(&name, Some(&id), Some(&format!("{year}-03-01"))));
            subjects.push(subject(&name.to_uppercase(), (i % 2 == 0).then_some(typo.as_str()), Some(&year)));
        }
        let linkage = link(&subjects, &Decided::default(), Thresholds::default(), 7);
        assert!(linkage.candidates >= 40, "{}", linkage.candidates);
        assert_eq!(linkage.entries.len(), 40, "{:?}", linkage.entries);
        for (i, entry) in linkage.entries.iter().enumerate() {
            assert_eq!(entry, &vec![2 * i, 2 * i + 1]);
        }
        let m = &linkage.model;
        assert!(m.m[0][3] > m.u[0][3] * 10.0, "{m:?}");
        let reasons = m.reasons(&linkage.linked[0].comparison);
        assert_eq!(reasons[0].field, Field::Name);
        assert!(reasons[0].weight > 0.0);
    }

    proptest::proptest! {
        /// Whatever the records, every one is in exactly one entry, and linked records share it.
        #[test]
        fn entries_partition_the_records(
            names in proptest::collection::vec("(Serik|Aidar|Gulnar|Нұрлан|赛力克江|Bilash|Tursun|Абенов)( (Serik|Aidar|Bilash|Tursun|Абенов|比拉什))?", 0..24),
            ids in proptest::collection::vec(proptest::option::of("6501021980010112[0-9]{2}"), 24),
        ) {
            let subjects: Vec<Subject> =
                names.iter().zip(&ids).map(|(n, id)| subject(n, id.as_deref(), Some("1980"))).collect();
            let linkage = link(&subjects, &Decided::default(), Thresholds::default(), 1);
            let mut seen: Vec<usize> = linkage.entries.iter().flatten().copied().collect();
            seen.sort_unstable();
            proptest::prop_assert_eq!(seen, (0..subjects.len()).collect::<Vec<_>>());
            for w in &linkage.linked {
                proptest::prop_assert!(linkage.entries.iter().any(|e| e.contains(&w.a) && e.contains(&w.b)));
                proptest::prop_assert!((0.0..=1.0).contains(&w.probability));
            }
        }
    }

    /// Two hundred people from nine names (namesakes everywhere, as in a small pool of given and
    /// fathers' names; few ID numbers), twenty of them told of again with the birth year only:
    /// no namesakes are linked, and the twenty are linked or left for review.
    #[test]
    fn namesakes_are_not_taken_for_matches() {
        let given = ["Serik", "Nurlan", "Erlan"];
        let father = ["Asqarov", "Muratov", "Qairatov"];
        let name = |i: usize| format!("{} {}", given[i % 3], father[(i / 3) % 3]);
        let year = |i: usize| 1940 + (i * 37) % 59;
        let number = |i: usize| format!("654002{}0101{:03}X", year(i), (i * 137) % 1000);
        let mut subjects: Vec<Subject> = (0..200)
            .map(|i| {
                let id = (i % 5 == 0).then(|| number(i));
                subject(&name(i), id.as_deref(), Some(&format!("{}-0{}-1{}", year(i), 1 + i % 9, i % 10)))
            })
            .collect();
        for i in 0..20 {
            subjects.push(subject(&name(i).to_uppercase(), None, Some(&year(i).to_string())));
        }
        let linkage = link(&subjects, &Decided::default(), Thresholds::default(), 5);
        let wrong: Vec<(usize, usize)> =
            linkage.linked.iter().map(|w| (w.a.min(w.b), w.a.max(w.b))).filter(|&(a, b)| b != a + 200).collect();
        assert!(wrong.is_empty(), "namesakes linked: {wrong:?}\n{:?}", linkage.model);
        // A name and a birth year are not enough to link where names are this common; the pairs
        // are left for a person to decide, not lost.
        let found = |a: usize, b: usize| linkage.linked.iter().chain(&linkage.review).any(|w| (w.a, w.b) == (a, b));
        let kept = (0..20).filter(|&i| found(i, 200 + i)).count();
        assert!(kept >= 15, "{kept} of 20 linked or left for review\n{:?}", linkage.model);
        let reviewed_namesakes = linkage.review.iter().filter(|w| w.b != w.a + 200).count();
        assert!(reviewed_namesakes < 100, "{reviewed_namesakes} namesake pairs for review\n{:?}", linkage.model);
    }

    /// An outside list of people, some of whom the archive holds in other spellings: each is
    /// found as the archive's record of them, and the strangers are not.
    #[test]
    fn a_list_is_matched_against_the_archive() {
        let given = ["Serikzhan", "Aidar", "Gulnar", "Mehmet", "Zhanar", "Kairat", "Erlan", "Aigul"];
        let family = ["Bilash", "Tursun", "Abenov", "Omarov", "Seitova"];
        let archive: Vec<Subject> = (0..40)
            .map(|i| {
                let id = format!("65010219{:02}0101{:03}X", 50 + i, i);
                subject(
                    &format!("{} {}", given[i % 8], family[i / 8]),
                    Some(&id),
                    Some(&format!("19{:02}-03-01", 50 + i)),
                )
            })
            .collect();
        let mut list: Vec<Subject> = (0..10)
            .map(|i| {
                subject(
                    &format!("{} {}", family[i / 8], given[i % 8]).to_uppercase(),
                    None,
                    Some(&format!("19{:02}", 50 + i)),
                )
            })
            .collect();
        list.push(subject("Nurlan Zhaksylykov", Some("650102197001011234"), Some("1970")));
        let found = cross_match(&archive, Keyed::of(&archive), &list, 0.3, 3);
        assert!(found.candidates >= 10, "{found:?}");
        for b in 0..10 {
            let best = found.pairs.iter().find(|w| w.b == b).unwrap_or_else(|| panic!("list row {b}: {found:?}"));
            assert_eq!(best.a, b, "list row {b}");
            assert!(best.probability >= 0.8, "{best:?}");
        }
        assert!(found.pairs.iter().all(|w| w.b != 10), "{:?}", found.pairs);
        assert!(found.pairs.windows(2).all(|w| w[0].probability >= w[1].probability));
    }

    #[test]
    fn clusters_are_connected_components() {
        let entries = cluster(6, [(0, 2), (4, 2), (3, 5)]);
        assert_eq!(entries, vec![vec![0, 2, 4], vec![1], vec![3, 5]]);
        assert_eq!(cluster(0, []), Vec::<Vec<usize>>::new());
    }
}
