//! The Fellegi–Sunter model: for each field and agreement level, how often true matches agree
//! at that level (`m`) and how often unrelated records do (`u`), estimated from the archive
//! itself.
//!
//! `u` comes from random pairs of records, almost all of them unrelated; `m` and the share of
//! matches among the candidate pairs come from expectation–maximisation over the candidates,
//! with `u` held fixed (as Splink does by default).

use crate::{Comparison, FIELDS, Field, Subject};

// The defaults must have a row per field (and a value per level: see the tests).
const _: () = assert!(DEFAULT_M.len() == FIELDS.len() && DEFAULT_U.len() == FIELDS.len());

/// Random pairs drawn to estimate `u`.
const RANDOM_PAIRS: usize = 50_000;
/// Expectation–maximisation stops after this many rounds, or earlier when it settles.
const MAX_ROUNDS: usize = 50;
/// What the estimates start from, as if this many pairs had been seen agreeing as
/// [`DEFAULT_M`] and [`DEFAULT_U`] say: a small archive says little about what agreement is
/// worth, a large one overrides these.
const PRIOR_PAIRS_M: f64 = 100.0;
const PRIOR_PAIRS_U: f64 = 1000.0;

/// The share of matches among candidate pairs before the archive is consulted (counted as
/// [`PRIOR_PAIRS_M`] pairs, like `m`).
const DEFAULT_LAMBDA: f64 = 0.3;

/// `m` before the archive is consulted, field by field, worst level first: how often records of
/// one person agree at each level (testimonies spell names differently and often give only a
/// birth year). Two records of one person that both name relatives often name different ones
/// (a sister testified once, a son another time).
const DEFAULT_M: [&[f64]; FIELDS.len()] =
    [&[0.05, 0.1, 0.25, 0.6], &[0.05, 0.1, 0.85], &[0.03, 0.1, 0.4, 0.47], &[0.03, 0.97], &[0.3, 0.7], &[0.5, 0.5]];

/// The most `m` may give a contradiction, field by field (`None`: no ceiling). Records of one
/// person rarely contradict each other on an ID number, a birth date or sex (a typing error
/// does, and the levels "one digit apart" and "within two years" catch most of those), but
/// expectation–maximisation cannot learn that from candidates that blocking gathered by name
/// and birth year: where many people share a name, it takes the namesakes for matches and
/// learns that contradictions are what matches look like. With [`weight_without`] the names,
/// this keeps it from doing so (docs/benchmarks.md: on the demo archive, precision 0.70 to 0.95
/// and 2,612 pairs for review to 34; on the synthetic archives F1 is unchanged).
const MAX_M_CONTRADICTION: [Option<f64>; FIELDS.len()] = [None, Some(0.1), Some(0.1), Some(0.1), None, None];

/// `m` as estimated, with each field's contradiction held under its ceiling
/// ([`MAX_M_CONTRADICTION`]) and the other levels scaled to fill the rest.
fn with_ceilings(mut m: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
    for (row, ceiling) in m.iter_mut().zip(MAX_M_CONTRADICTION) {
        if let Some(ceiling) = ceiling
            && row[0] > ceiling
        {
            let rest: f64 = row[1..].iter().sum();
            let scale = if rest > 0.0 { (1.0 - ceiling) / rest } else { 0.0 };
            row[0] = ceiling;
            row[1..].iter_mut().for_each(|x| *x *= scale);
        }
    }
    m
}

/// `u` before the archive is consulted: how often unrelated records agree at each level.
const DEFAULT_U: [&[f64]; FIELDS.len()] = [
    &[0.995, 0.003, 0.0015, 0.0005],
    &[0.99998, 0.00001, 0.00001],
    &[0.9, 0.07, 0.029, 0.001],
    &[0.5, 0.5],
    &[0.9, 0.1],
    &[0.99, 0.01],
];

/// Counts that start from `weight` pairs distributed as `defaults`.
fn prior_counts(defaults: &[&[f64]; FIELDS.len()], weight: f64) -> Vec<Vec<f64>> {
    defaults.iter().map(|row| row.iter().map(|p| p * weight).collect()).collect()
}

fn normalised(counts: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
    counts
        .into_iter()
        .map(|row| {
            let total: f64 = row.iter().sum();
            row.into_iter().map(|x| x / total).collect()
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// The share of candidate pairs that are matches (the estimation's own prior).
    pub lambda: f64,
    /// The probability that two records drawn at random are one person: the prior a pair is
    /// scored with. Blocking gathers the likely pairs, so among candidates matches are common;
    /// scored with that share, a pair would be linked on little evidence.
    pub prior: f64,
    /// `m[field][level]`, in the order of [`FIELDS`] and [`Field::levels`].
    pub m: Vec<Vec<f64>>,
    pub u: Vec<Vec<f64>>,
    /// Rounds of expectation–maximisation run.
    pub rounds: usize,
}

/// A scored pair.
#[derive(Clone, Debug, PartialEq)]
pub struct Weighed {
    pub a: usize,
    pub b: usize,
    /// `log2` of the odds that the pair is a match.
    pub weight: f64,
    pub probability: f64,
    pub comparison: Comparison,
    /// What the names' frequency added to the weight, in bits (`frequency.rs`): more for a
    /// rare name that agrees, less for a common one.
    pub frequency: f64,
}

impl Weighed {
    /// The pair with `bits` more (or less) weight for its names' frequency.
    pub fn with_frequency(mut self, bits: f64) -> Weighed {
        self.weight += bits - self.frequency;
        self.frequency = bits;
        self.probability = probability(self.weight);
        self
    }
}

/// A field's part in a pair's weight: the level the records agree at and what it adds.
#[derive(Clone, Debug, PartialEq)]
pub struct Reason {
    pub field: Field,
    pub level: &'static str,
    /// `log2(m / u)`.
    pub weight: f64,
}

/// Patterns of levels weighed, each with its weight and probability ([`Model::weigh_knowing`]).
pub type Known = foldhash::HashMap<Comparison, (f64, f64)>;

/// The comparisons of pairs people decided: the same person, or not.
#[derive(Clone, Debug, Default)]
pub struct Labels {
    pub same: Vec<Comparison>,
    pub different: Vec<Comparison>,
}

impl Model {
    /// Estimates the model from the subjects and the comparisons of their candidate pairs.
    pub fn estimate(subjects: &[Subject], candidates: &[Comparison], seed: u64) -> Model {
        let n = subjects.len() as f64;
        Model::estimate_over(subjects, candidates, &Labels::default(), n * (n - 1.0) / 2.0, seed)
    }

    /// Estimates the model from candidate pairs drawn from `all_pairs` possible ones (a list
    /// against an archive: the product of their sizes) and the pairs people decided, which
    /// count as matches or not in every round whatever the model thinks of them; `u` comes from
    /// random pairs of `subjects`.
    pub fn estimate_over(
        subjects: &[Subject],
        candidates: &[Comparison],
        labels: &Labels,
        all_pairs: f64,
        seed: u64,
    ) -> Model {
        let u = random_pair_levels(subjects, seed);
        let patterns = patterns(candidates);
        let labelled = (labels.same.len() + labels.different.len()) as f64;
        let mut m = normalised(prior_counts(&DEFAULT_M, 1.0));
        let mut lambda = DEFAULT_LAMBDA;
        let mut rounds = 0;
        while rounds < MAX_ROUNDS && (!candidates.is_empty() || labelled > 0.0) {
            rounds += 1;
            let mut counts = prior_counts(&DEFAULT_M, PRIOR_PAIRS_M);
            let mut matches = labels.same.len() as f64;
            for c in &labels.same {
                add_levels(&mut counts, *c, 1.0);
            }
            for (c, pairs) in &patterns {
                let p = probability(weight_without(Field::Name, lambda, &m, &u, c)) * pairs;
                matches += p;
                add_levels(&mut counts, *c, p);
            }
            let next_lambda = ((matches + DEFAULT_LAMBDA * PRIOR_PAIRS_M)
                / (candidates.len() as f64 + labelled + PRIOR_PAIRS_M))
                .clamp(1e-6, 1.0 - 1e-6);
            let next_m = with_ceilings(normalised(counts));
            let change = (next_lambda - lambda).abs()
                + next_m.iter().flatten().zip(m.iter().flatten()).map(|(a, b)| (a - b).abs()).sum::<f64>();
            lambda = next_lambda;
            m = next_m;
            if change < 1e-6 {
                break;
            }
        }
        let prior = (lambda * (candidates.len() as f64 + labelled) / all_pairs.max(1.0)).clamp(1e-12, 0.5);
        Model { lambda, prior, m, u, rounds }
    }

    /// Scores the pair `(a, b)` whose comparison is `c`.
    pub fn weigh(&self, a: usize, b: usize, c: &Comparison) -> Weighed {
        let weight = weight(self.prior, &self.m, &self.u, c);
        Weighed { a, b, weight, probability: probability(weight), comparison: *c, frequency: 0.0 }
    }

    /// [`Model::weigh`], the weight and probability of each pattern of levels worked out once
    /// and kept in `known`: candidate pairs are millions, their patterns a few thousand, and
    /// each pattern's weight takes seven logarithms.
    pub fn weigh_knowing(&self, known: &mut Known, a: usize, b: usize, c: &Comparison) -> Weighed {
        let (weight, probability) = *known.entry(*c).or_insert_with(|| {
            let weight = weight(self.prior, &self.m, &self.u, c);
            (weight, probability(weight))
        });
        Weighed { a, b, weight, probability, comparison: *c, frequency: 0.0 }
    }

    /// Why a pair weighs what it does: [`Model::reasons`], and what its names' frequency added.
    pub fn explain(&self, w: &Weighed) -> Vec<Reason> {
        let mut reasons = self.reasons(&w.comparison);
        if w.frequency.abs() >= 0.05 {
            let level = if w.frequency > 0.0 { "a rare name" } else { "a common name" };
            reasons.push(Reason { field: Field::Name, level, weight: w.frequency });
        }
        reasons
    }

    /// Each compared field's level and what it adds to the weight, in field order.
    pub fn reasons(&self, c: &Comparison) -> Vec<Reason> {
        FIELDS
            .iter()
            .enumerate()
            .filter_map(|(f, field)| {
                let l = usize::from(c.levels()[f]?);
                Some(Reason { field: *field, level: field.levels()[l], weight: (self.m[f][l] / self.u[f][l]).log2() })
            })
            .collect()
    }
}

/// The candidates' comparisons, each pattern of levels once with the number of pairs that have
/// it, in order: a round of the estimation weighs each pattern (a few thousand at most) instead
/// of each pair (millions in a large archive).
fn patterns(candidates: &[Comparison]) -> Vec<(Comparison, f64)> {
    let mut counted: foldhash::HashMap<Comparison, f64> = foldhash::HashMap::default();
    for c in candidates {
        *counted.entry(*c).or_default() += 1.0;
    }
    let mut patterns: Vec<(Comparison, f64)> = counted.into_iter().collect();
    patterns.sort_by_key(|(c, _)| c.levels());
    patterns
}

/// Adds `weight` to the count of each of `c`'s levels (a field each).
fn add_levels(counts: &mut [Vec<f64>], c: Comparison, weight: f64) {
    for (f, level) in c.levels().iter().enumerate() {
        if let Some(l) = level {
            counts[f][usize::from(*l)] += weight;
        }
    }
}

fn weight(lambda: f64, m: &[Vec<f64>], u: &[Vec<f64>], c: &Comparison) -> f64 {
    weight_of(None, lambda, m, u, c)
}

/// The weight without one field's part: the estimation's view of a candidate pair. Candidates
/// are found mostly by their names, so their names cannot say which of them are matches (where
/// many people share a name, EM would take namesakes for matches); the other fields decide, and
/// the names' `m` is counted from what they decide.
fn weight_without(left_out: Field, lambda: f64, m: &[Vec<f64>], u: &[Vec<f64>], c: &Comparison) -> f64 {
    weight_of(Some(left_out as usize), lambda, m, u, c)
}

fn weight_of(left_out: Option<usize>, lambda: f64, m: &[Vec<f64>], u: &[Vec<f64>], c: &Comparison) -> f64 {
    let mut w = (lambda / (1.0 - lambda)).log2();
    for (f, level) in c.levels().iter().enumerate() {
        if Some(f) == left_out {
            continue;
        }
        if let Some(l) = level {
            let l = usize::from(*l);
            w += (m[f][l] / u[f][l]).log2();
        }
    }
    w
}

fn probability(weight: f64) -> f64 {
    let odds = weight.exp2();
    if odds.is_infinite() { 1.0 } else { odds / (1.0 + odds) }
}

/// `u`: each field's levels among random pairs of distinct records.
fn random_pair_levels(subjects: &[Subject], seed: u64) -> Vec<Vec<f64>> {
    let mut counts = prior_counts(&DEFAULT_U, PRIOR_PAIRS_U);
    let n = subjects.len();
    if n >= 2 {
        // All pairs when there are few, else a sample (splitmix64: reproducible, no dependency).
        let all = n * (n - 1) / 2;
        let mut state = seed;
        let mut next = move || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        let pairs: Vec<crate::Pair> = if all <= RANDOM_PAIRS {
            (0..n as u32).flat_map(|a| (a + 1..n as u32).map(move |b| (a, b))).collect()
        } else {
            (0..RANDOM_PAIRS)
                .filter_map(|_| {
                    let (a, b) = ((next() % n as u64) as u32, (next() % n as u64) as u32);
                    (a != b).then_some((a, b))
                })
                .collect()
        };
        for c in crate::compare_pairs(subjects, &pairs) {
            add_levels(&mut counts, c, 1.0);
        }
    }
    normalised(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pairs people said are one person teach the model that what they share is what a match
    /// looks like, even when the candidates alone would not.
    #[test]
    fn peoples_decisions_feed_the_estimate() {
        use crate::block::tests::subject;
        let subjects: Vec<Subject> =
            (0..30).map(|i| subject(&format!("Person{i} Family{i}"), None, Some(&format!("{}", 1940 + i)))).collect();
        // Pairs born two years apart whose names only look alike: the candidates say little.
        let alike = |a: usize, b: usize| Comparison::of(&subjects[a], &subjects[b]);
        let labels = Labels { same: (0..20).map(|i| alike(i, i + 2)).collect(), different: vec![] };
        let plain = Model::estimate_over(&subjects, &[], &Labels::default(), 435.0, 1);
        let taught = Model::estimate_over(&subjects, &[], &labels, 435.0, 1);
        let within_two_years = 1;
        let (b, l) = (Field::BirthDate as usize, within_two_years);
        assert!(taught.m[b][l] > plain.m[b][l] * 2.0, "{:?} vs {:?}", taught.m[b], plain.m[b]);
        assert!(taught.lambda > plain.lambda, "{} vs {}", taught.lambda, plain.lambda);
        assert!(taught.rounds > 0 && plain.rounds == 0);
    }

    /// Every pattern of levels, weighed twice through one [`Known`] (once worked out, once
    /// remembered): as weighed alone, bit for bit.
    #[test]
    fn a_pattern_weighed_once_weighs_as_it_would_again() {
        use crate::block::tests::subject;
        let subjects: Vec<Subject> =
            (0..30).map(|i| subject(&format!("Person{i} Family{}", i % 3), None, None)).collect();
        let model = Model::estimate(&subjects, &[], 1);
        let levels = |f: usize| (0..=FIELDS[f].levels().len()).map(|l| l.checked_sub(1).map(|l| l as u8));
        let patterns: Vec<Comparison> = levels(0)
            .flat_map(|n| levels(1).map(move |i| (n, i)))
            .flat_map(|(n, i)| levels(2).map(move |b| [n, i, b, Some(1), None, Some(0)]))
            .map(Comparison::new)
            .collect();
        let mut known = Known::default();
        for (k, c) in patterns.iter().chain(&patterns).enumerate() {
            let (alone, knowing) = (model.weigh(k, k + 1, c), model.weigh_knowing(&mut known, k, k + 1, c));
            assert_eq!(alone.weight.to_bits(), knowing.weight.to_bits(), "{c:?}");
            assert_eq!(alone.probability.to_bits(), knowing.probability.to_bits(), "{c:?}");
            assert_eq!((knowing.a, knowing.b, knowing.comparison), (k, k + 1, *c));
        }
        assert_eq!(known.len(), patterns.len());
    }

    #[test]
    fn the_defaults_have_a_probability_per_level() {
        for (f, field) in FIELDS.iter().enumerate() {
            for defaults in [DEFAULT_M, DEFAULT_U] {
                assert_eq!(defaults[f].len(), field.levels().len(), "{}", field.name());
                assert!((defaults[f].iter().sum::<f64>() - 1.0).abs() < 1e-9, "{}", field.name());
            }
        }
    }
}
