//! Term-frequency adjustment: a rare name that agrees is strong evidence, a common one weak.
//!
//! `u` for "names the same" is how often two records drawn at random have the same name, over
//! all names. For a pair whose names agree, the chance that two unrelated records share *this*
//! name is the name's own frequency: Nurlan Serikuly is shared by many, a rare name by few. As
//! Splink does, the pair's name weight uses that frequency instead of the average, within
//! [`MAX_BITS`] either way. A name's frequency is the product of its parts' (each part by the
//! consonant skeleton of its first reading, counted once a record, over the archive's records),
//! taking a record's first name.

use rayon::prelude::*;

/// The adjustment is held within this many bits either way: a frequency counted in a small
/// archive is rough, and no single field should decide a pair.
pub const MAX_BITS: f64 = 4.0;

/// Each subject's name frequency: the probability that a record drawn at random shares its
/// first name, from its parts' frequencies; `None` for a subject without a name.
pub fn name_frequencies(subjects: &[crate::Subject]) -> Vec<Option<f64>> {
    type Counts<'a> = foldhash::HashMap<&'a str, u32>;
    // Counted on every core, a share of the records each, the counts then added up.
    let counts: Counts = subjects
        .par_iter()
        .with_min_len(1024)
        .fold(Counts::default, |mut counts, s| {
            let mut parts: smallvec::SmallVec<[&str; 8]> =
                s.names.iter().flat_map(|n| n.parts.iter().map(|p| p.skeleton.as_str())).collect();
            parts.sort_unstable();
            parts.dedup();
            for p in parts {
                *counts.entry(p).or_default() += 1;
            }
            counts
        })
        .reduce(Counts::default, |all, some| {
            let (mut all, some) = if all.len() < some.len() { (some, all) } else { (all, some) };
            for (p, n) in some {
                *all.entry(p).or_default() += n;
            }
            all
        });
    let n = subjects.len().max(1) as f64;
    crate::on_every_core(subjects, |s| {
        let first = s.names.first()?;
        Some(first.parts.iter().map(|p| f64::from(counts.get(p.skeleton.as_str()).copied().unwrap_or(1)) / n).product())
    })
}

/// The bits a pair's name weight gains (rare) or loses (common) when its names agree with a
/// level whose `u` is `u_level`: `log2(u_level / frequency)`, the commoner of the two names'
/// frequency, within [`MAX_BITS`].
pub fn adjustment(u_level: f64, a: Option<f64>, b: Option<f64>) -> f64 {
    match (a, b) {
        (Some(a), Some(b)) => (u_level / a.max(b).max(1e-12)).log2().clamp(-MAX_BITS, MAX_BITS),
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::tests::subject;

    #[test]
    fn a_rare_name_counts_for_more_than_a_common_one() {
        let mut subjects: Vec<crate::Subject> = (0..40).map(|_| subject("Nurlan Serikuly", None, None)).collect();
        subjects.push(subject("Zhaksylyk Temirbolat", None, None));
        subjects.push(subject("Nurlan Temirbolat", None, None));
        let f = name_frequencies(&subjects);
        assert!(f[0].unwrap() > 0.8, "{:?}", f[0]);
        assert!(f[40].unwrap() < 0.01, "{:?}", f[40]);
        let u = 0.01;
        assert!(adjustment(u, f[0], f[1]) < -2.0);
        assert_eq!(adjustment(0.5, f[40], f[40]), MAX_BITS, "held within bounds");
        assert_eq!(adjustment(1e-9, f[0], f[0]), -MAX_BITS);
        assert!(adjustment(u, f[40], f[41]) < adjustment(u, f[40], f[40]), "the commoner name decides");
        assert_eq!(adjustment(u, None, f[0]), 0.0);
    }
}
