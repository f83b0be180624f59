//! Comparing two names part by part.
//!
//! Parts are matched one to one in whatever order gives the best total (Chinese documents write
//! given·father's name, Russian ones the surname first); parts left over on either side (a
//! patronymic one source has and another lacks) lower the score a little; a single letter
//! matches a part that starts with it (an initial).

use std::cell::RefCell;
use std::fmt;

use crate::{Lattice, MAX_PARTS, Part, PreparedName};

/// A score at or above this is the program's own "same name" decision.
pub const MATCH_THRESHOLD: f64 = 0.8;

/// Every paired part must be at least this similar for the names to match.
pub const PART_MATCH: f64 = 0.86;

/// Parts less similar than this are not paired at all.
const PAIR_FLOOR: f64 = 0.5;

/// Part similarities are raised to this power before they are averaged, so that the score
/// falls faster than the letters that differ.
const POWER: f64 = 2.0;

/// What a part left unmatched costs, as a share of the score.
const MISSING_PART: f64 = 0.12;

/// How two parts were found to match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum How {
    /// The same phonetic key: the same name in different spellings or scripts.
    SameKey,
    /// Keys that differ by a few letters.
    SimilarKey,
    /// The consonants agree (a part written in Arabic script or Chinese characters).
    Consonants,
    /// A single letter, the other part's initial.
    Initial,
}

impl fmt::Display for How {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            How::SameKey => "same phonetic key",
            How::SimilarKey => "similar phonetic keys",
            How::Consonants => "same consonants",
            How::Initial => "initial",
        })
    }
}

/// Two parts that were paired.
#[derive(Clone, Debug, PartialEq)]
pub struct PartMatch {
    /// Index into the first name's parts.
    pub a: usize,
    /// Index into the second name's parts.
    pub b: usize,
    pub similarity: f64,
    pub how: How,
}

/// The result of comparing two names.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// In [0, 1].
    pub score: f64,
    pub matches: Vec<PartMatch>,
    /// Parts of each name that found no partner.
    pub unmatched_a: Vec<usize>,
    pub unmatched_b: Vec<usize>,
    a_parts: Vec<(String, String)>,
    b_parts: Vec<(String, String)>,
}

impl Comparison {
    /// The program's decision: the same name or not.
    ///
    /// The score must reach [`MATCH_THRESHOLD`] and every paired part must be close on its own
    /// ([`PART_MATCH`]): Nurlan Abenov and Nurlat Abenov agree on most letters, but Nurlan is
    /// not Nurlat.
    pub fn is_match(&self) -> bool {
        self.score >= MATCH_THRESHOLD && self.matches.iter().all(|m| m.similarity >= PART_MATCH)
    }
}

impl fmt::Display for Comparison {
    /// One line a paired part, then the unpaired ones, e.g.
    /// `серікжан (serikjan) ~ serikzhan (serikjan): 1.00, same phonetic key`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for m in &self.matches {
            let (a, ak) = &self.a_parts[m.a];
            let (b, bk) = &self.b_parts[m.b];
            writeln!(f, "{a} ({ak}) ~ {b} ({bk}): {:.2}, {}", m.similarity, m.how)?;
        }
        for &i in &self.unmatched_a {
            writeln!(f, "{} ({}): only in the first name", self.a_parts[i].0, self.a_parts[i].1)?;
        }
        for &i in &self.unmatched_b {
            writeln!(f, "{} ({}): only in the second name", self.b_parts[i].0, self.b_parts[i].1)?;
        }
        Ok(())
    }
}

const fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Vowels that alphabets and transcriptions write for one another (Kazakh ә as a or e, ө as o,
/// ү as u, Chinese transcription's e for i) are cheap to change; the rest (Marat, Murat) are not.
const fn vowel_change(a: u8, b: u8) -> u32 {
    let (low, high) = if a < b { (a, b) } else { (b, a) };
    match (low, high) {
        (b'a', b'e') | (b'e', b'i') | (b'o', b'u') | (b'i', b'u') => 4,
        _ => 8,
    }
}

/// 1 minus a weighted edit distance over the longer length: vowels are cheap to change (0.4 or
/// 0.8) or leave out (0.5), consonants are not (1). Costs are counted in tenths, as integers, so
/// that the result does not depend on which name comes first.
///
/// Exact where it is at least `floor`; 0 below it (the table is given up as soon as every way
/// through it costs too much: a row's cheapest cell never gets cheaper further down).
fn similarity(a: &str, b: &str, floor: f64) -> f64 {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    // Two rows of the table, on the stack for the lengths names have (keys of up to 23
    // letters): the array is zeroed for each of a search's half million pairs, and one twice as
    // long cost 1% of a search.
    let width = b.len() + 1;
    let mut on_stack = [0u32; 2 * 24];
    let mut on_heap = Vec::new();
    let rows: &mut [u32] = if 2 * width <= on_stack.len() {
        &mut on_stack[..2 * width]
    } else {
        on_heap.resize(2 * width, 0);
        &mut on_heap
    };
    let (mut prev, mut row) = rows.split_at_mut(width);
    for (cell, cost) in prev.iter_mut().zip(insertions(b)) {
        *cell = cost;
    }
    let too_costly = (1.0 - floor) * (10 * longest) as f64 + 1e-9;
    for &ca in a {
        let (leave_out, instead) = (indel(ca), &SUBSTITUTIONS[usize::from(ca)]);
        row[0] = prev[0] + leave_out;
        let mut cheapest = row[0];
        for (j, &cb) in b.iter().enumerate() {
            row[j + 1] =
                (prev[j] + u32::from(instead[usize::from(cb)])).min(prev[j + 1] + leave_out).min(row[j] + indel(cb));
            cheapest = cheapest.min(row[j + 1]);
        }
        if f64::from(cheapest) > too_costly {
            return 0.0;
        }
        std::mem::swap(&mut prev, &mut row);
    }
    (1.0 - f64::from(prev[b.len()]) / (10 * longest) as f64).max(0.0)
}

thread_local! {
    /// The rows of [`lattice_similarity`]'s table, kept between calls: rows made afresh for
    /// each call (on the stack) were zeroed for each, which cost as much as sharing rows between
    /// a character's readings saved (docs/benchmarks.md).
    static LATTICE_ROWS: RefCell<Vec<(u32, u32)>> = const { RefCell::new(Vec::new()) };
}

/// The first row of an edit distance's table: what leaving out the first 0, 1, 2... letters of
/// `s` costs.
fn insertions(s: &[u8]) -> impl Iterator<Item = u32> + '_ {
    std::iter::once(0).chain(s.iter().scan(0, |sum, &c| {
        *sum += indel(c);
        Some(*sum)
    }))
}

/// What leaving a letter out costs, in tenths.
fn indel(c: u8) -> u32 {
    u32::from(INDELS[usize::from(c)])
}

/// [`indel`] of every byte: a vowel 5, anything else 10.
static INDELS: [u8; 256] = {
    let mut table = [10; 256];
    let mut c = 0;
    while c < 256 {
        if is_vowel(c as u8) {
            table[c] = 5;
        }
        c += 1;
    }
    table
};

/// [`substitution_cost`] of every pair of bytes, looked up in every comparison's innermost step.
static SUBSTITUTIONS: [[u8; 256]; 256] = {
    let mut table = [[0; 256]; 256];
    let mut a = 0;
    while a < 256 {
        let mut b = 0;
        while b < 256 {
            table[a][b] = substitution_cost(a as u8, b as u8) as u8;
            b += 1;
        }
        a += 1;
    }
    table
};

/// What writing one letter for another costs, in tenths.
const fn substitution_cost(a: u8, b: u8) -> u32 {
    if a == b {
        0
    } else if is_vowel(a) && is_vowel(b) {
        vowel_change(a, b)
    } else if same_class(a, b) {
        5
    } else {
        10
    }
}

/// How similar a part in Chinese characters is to a key in an alphabet, reading each character
/// whichever of its ways fits best ([`Part::lattice`]): the edit distance of [`similarity`],
/// taken through the lattice of readings (one row of the dynamic programme a letter of a
/// reading, each character's readings starting from where the character before ended), plus
/// each chosen reading's cost for being rare; over the longer of the key and the chosen reading.
/// Exact where it is at least `floor`; below, some lower value (0 once no way through the
/// characters can reach the floor, which is then given up).
fn lattice_similarity(lattice: &Lattice, key: &str, floor: f64) -> f64 {
    if lattice.is_empty() {
        return 0.0;
    }
    let key = key.as_bytes();
    // A path's cost only grows from one character to the next, and a similarity is over at most
    // the key's length or the longest readings': past this cost none can reach the floor.
    let too_costly = (1.0 - floor) * (10 * key.len().max(lattice.most_letters())) as f64 + 1e-9;
    // The rows of the table: the best ends over the characters read so far, the next
    // character's, and a row for each letter of a reading read so far (its first row is where
    // the character starts).
    let width = key.len() + 1;
    let rows = (3 + lattice.longest_reading()) * width;
    LATTICE_ROWS.with_borrow_mut(|kept| {
        if kept.len() < rows {
            kept.resize(rows, (0, 0));
        }
        // What the call before left in them is written over before it is read.
        lattice_table(lattice, key, too_costly, &mut kept[..rows])
    })
}

/// [`lattice_similarity`]'s table, in `rows`: rows as wide as `key` and one more, three more of
/// them than the longest reading has letters. 0 once every way through costs more than
/// `too_costly`.
fn lattice_table(lattice: &Lattice, key: &[u8], too_costly: f64, rows: &mut [(u32, u32)]) -> f64 {
    let width = key.len() + 1;
    // (cost, letters read) for having read the characters so far and the key's first j letters.
    let (mut ended, rows) = rows.split_at_mut(width);
    for (cell, cost) in ended.iter_mut().zip(insertions(key)) {
        *cell = (cost, 0);
    }
    let (mut next, letters) = rows.split_at_mut(width);
    for step in lattice.steps() {
        next.fill((u32::MAX / 2, 0));
        letters[..width].copy_from_slice(ended);
        // A reading's rows are worked out without its cost, which is added to each cell of its
        // last (a cost added to every cell changes no choice among them); so the rows of the
        // letters it shares with the reading before are that one's, and are not worked out again.
        let mut before: &[u8] = &[];
        for (reading, prior) in step {
            let shared = reading.iter().zip(before).take_while(|(a, b)| a == b).count();
            for (d, &c) in reading.iter().enumerate().skip(shared) {
                let (row, new) = letters[d * width..(d + 2) * width].split_at_mut(width);
                let (leave_out, instead) = (indel(c), &SUBSTITUTIONS[usize::from(c)]);
                new[0] = (row[0].0 + leave_out, row[0].1 + 1);
                for (j, &k) in key.iter().enumerate() {
                    // The cheapest of the three ways, the first of equals.
                    let mut cell = (row[j].0 + u32::from(instead[usize::from(k)]), row[j].1 + 1);
                    let down = row[j + 1].0 + leave_out;
                    if down < cell.0 {
                        cell = (down, row[j + 1].1 + 1);
                    }
                    let right = new[j].0 + indel(k);
                    if right < cell.0 {
                        cell = (right, new[j].1);
                    }
                    new[j + 1] = cell;
                }
            }
            let last = &letters[reading.len() * width..(reading.len() + 1) * width];
            for (cell, &(cost, read)) in next.iter_mut().zip(last) {
                if cost + prior < cell.0 {
                    *cell = (cost + prior, read);
                }
            }
            before = reading;
        }
        std::mem::swap(&mut ended, &mut next);
        if ended.iter().all(|&(cost, _)| f64::from(cost) > too_costly) {
            return 0.0;
        }
    }
    way_through(ended[key.len()], key.len())
}

/// The similarity of the cheapest way through a lattice that reads the whole key: its cost
/// (with its readings' costs) over the longer of the key and the letters it read.
fn way_through((cost, letters): (u32, u32), key_len: usize) -> f64 {
    let longest = key_len.max(letters as usize);
    if longest == 0 {
        return 0.0;
    }
    (1.0 - f64::from(cost) / (10 * longest) as f64).max(0.0)
}

/// Consonants that transliterations exchange: voiced and voiceless pairs (Russian г for h and g),
/// l and r (Chinese transcription).
const fn same_class(a: u8, b: u8) -> bool {
    const fn class(c: u8) -> u8 {
        match c {
            b'b' | b'p' => 1,
            b'd' | b't' => 2,
            b'g' | b'k' => 3,
            b'v' | b'f' => 4,
            b'z' | b's' => 5,
            b'j' | b'c' => 6,
            b'l' | b'r' => 7,
            _ => 0,
        }
    }
    class(a) != 0 && class(a) == class(b)
}

/// Keys that differ only in vowels that spellings exchange (Ömerbek, Омирбек; Eli, Али) are
/// variants of one name, however short.
fn vowel_variants(a: &str, b: &str) -> f64 {
    if a.len() != b.len() {
        return 0.0;
    }
    let mut changes = 0;
    for (x, y) in a.bytes().zip(b.bytes()) {
        if x != y {
            if !(is_vowel(x) && is_vowel(y) && vowel_change(x, y) < 5) {
                return 0.0;
            }
            changes += 1;
        }
    }
    1.0 - 0.05 * changes as f64
}

/// How similar two parts are: the same text; the best of their first two readings compared
/// ([`Part::readings`]: a part in Chinese characters read by each character's likeliest reading,
/// and as one syllable a character); and a part in characters against one in an alphabet,
/// through the lattice of the characters' readings ([`lattice_similarity`]). A part's further
/// readings serve the index only: the lattice holds them all, and more. Exact where it is at
/// least `floor` (and [`PAIR_FLOOR`]), some lower value below.
fn part_similarity(a: &Part, b: &Part, floor: f64) -> (f64, How) {
    // One part held for both (linking shares the parts of names that records write alike).
    if std::ptr::eq(a, b) || a.text == b.text {
        return (1.0, How::SameKey);
    }
    let mut best: (f64, How) = (0.0, How::SimilarKey);
    for (han, other) in [(a, b), (b, a)] {
        if !han.lattice.is_empty() && !other.loose && other.key.len() > 1 {
            let s = lattice_similarity(&han.lattice, &other.key, best.0.max(floor).max(PAIR_FLOOR));
            if s > best.0 {
                best = (s, if s == 1.0 { How::SameKey } else { How::SimilarKey });
            }
        }
    }
    let loose = a.loose || b.loose;
    let same_initial = a.latin.as_bytes().first() == b.latin.as_bytes().first();
    for a_reading in a.readings().take(2) {
        for b_reading in b.readings().take(2) {
            // Only a reading pair that could beat the best so far, and be paired at all, is
            // worth working out exactly.
            let floor = best.0.max(floor).max(PAIR_FLOOR);
            let s = forms_similarity(loose, a_reading, b_reading, same_initial, floor);
            if s.0 > best.0 {
                best = s;
            }
        }
    }
    best
}

/// How similar one reading (key, skeleton) of a part is to one of another; `loose` if either is
/// written in a script whose consonants count for much ([`Part::loose`]); `same_initial` if the
/// parts begin with the same letter. Exact where it is at least `floor`, some lower value below.
fn forms_similarity(
    loose: bool,
    (a_key, a_skel): (&str, &str),
    (b_key, b_skel): (&str, &str),
    same_initial: bool,
    floor: f64,
) -> (f64, How) {
    if a_key == b_key {
        return (1.0, How::SameKey);
    }
    if a_key.len() == 1 || b_key.len() == 1 {
        return if same_initial { (0.9, How::Initial) } else { (0.0, How::Initial) };
    }
    let by_key = similarity(a_key, b_key, floor).max(vowel_variants(a_key, b_key));
    // A skeleton is worth more for scripts that write few vowels, and less the shorter it is.
    let shortest = a_skel.len().min(b_skel.len());
    let weight = match (loose, shortest) {
        (true, 3..) => 0.97,
        (true, 2) => 0.85,
        (false, 3..) => 0.85,
        _ => 0.7,
    };
    // Worth working out only if it could beat the key and reach the floor.
    let needed = by_key.max(floor);
    let by_skeleton = if a_skel.is_empty() || b_skel.is_empty() || weight <= needed {
        0.0
    } else {
        similarity(a_skel, b_skel, needed / weight) * weight
    };
    if by_skeleton > by_key { (by_skeleton, How::Consonants) } else { (by_key, How::SimilarKey) }
}

/// The best one-to-one pairing of two names' parts: each part's similarity to each, and the
/// pairs chosen. Fixed-size, so that scoring many pairs (linking an archive) allocates nothing.
struct Pairing {
    sims: [[(f64, How); MAX_PARTS]; MAX_PARTS],
    chosen: [(usize, usize); MAX_PARTS],
    len: usize,
    score: f64,
}

impl Pairing {
    fn of(a: &PreparedName, b: &PreparedName) -> Pairing {
        Pairing::with(a, b, 0.0, part_similarity)
    }

    /// [`Pairing::of`], each two parts' similarity given by `similar` (one of
    /// [`part_similarity`], with a floor); its score exact where it is at least `floor`, and
    /// some score below `floor` where it is below.
    ///
    /// Whatever the pairing, its score is the sum of its similarities (raised to [`POWER`])
    /// over the parts of the shorter name, times what the parts missing cost. So for the score
    /// to reach `floor`, the parts of the shorter name, taken one after another, must each be
    /// paired at least as similar as what the others could add at best (the best of their
    /// similarities worked out, 1 for those still to come) leaves wanting: a pair less similar
    /// can only be in a pairing that scores below the floor, and is worked out only that far
    /// (most pairs of records that linking compares are two people, their names far apart).
    fn with<'a>(
        a: &'a PreparedName,
        b: &'a PreparedName,
        floor: f64,
        mut similar: impl FnMut(&'a Part, &'a Part, f64) -> (f64, How),
    ) -> Pairing {
        let (na, nb) = (a.parts.len().min(MAX_PARTS), b.parts.len().min(MAX_PARTS));
        let mut sims = [[(0.0, How::SimilarKey); MAX_PARTS]; MAX_PARTS];
        // The floor each pair was worked out to.
        let mut asked = [[0.0; MAX_PARTS]; MAX_PARTS];
        let (rows, columns) = (na.min(nb), na.max(nb));
        // What the pairs' similarities raised to POWER must add up to; infinite where the parts
        // missing leave no score at all.
        let mut wanting = if floor > 0.0 { floor * rows as f64 / missing_cost(na, nb) } else { 0.0 };
        for row in 0..rows {
            // The rows after this one add at most 1 each. A little is left as slack for
            // rounding: working out more than needed changes nothing.
            let least = wanting - (rows - 1 - row) as f64;
            if least > 1.0 + 1e-9 {
                // No pairing reaches the floor.
                return Pairing { sims, chosen: [(0, 0); MAX_PARTS], len: 0, score: 0.0 };
            }
            let least = if least > 0.0 { least.powf(POWER.recip()) - 1e-9 } else { 0.0 };
            let mut most: f64 = 0.0;
            for column in 0..columns {
                let (i, j) = if na <= nb { (row, column) } else { (column, row) };
                sims[i][j] = similar(&a.parts[i], &b.parts[j], least);
                asked[i][j] = least;
                if sims[i][j].0 >= PAIR_FLOOR {
                    most = most.max(sims[i][j].0);
                }
            }
            wanting -= most.powf(POWER);
        }
        let mut best = best_pairing(&sims, na, nb);
        if floor > 0.0 && score_of(&best, &sims, na, nb) >= floor {
            // The pairing chosen reaches the floor, so its pairs were worked out exactly. But
            // the best pairing is the one of the greatest sum of similarities, not squares: one
            // through pairs worked out only as far as their floor might have a greater sum. It
            // could not where, with such pairs as similar as their floors, it still would not.
            let every = (0..na).flat_map(|i| (0..nb).map(move |j| (i, j)));
            let unsure = every.filter(|&(i, j)| asked[i][j] > PAIR_FLOOR && sims[i][j].0 < asked[i][j]);
            let mut upper = sims;
            for (i, j) in unsure.clone() {
                upper[i][j].0 = asked[i][j];
            }
            if best_pairing(&upper, na, nb).total > best.total {
                let unsure: Vec<(usize, usize)> = unsure.collect();
                for (i, j) in unsure {
                    sims[i][j] = similar(&a.parts[i], &b.parts[j], 0.0);
                }
                best = best_pairing(&sims, na, nb);
            }
        }
        let score = score_of(&best, &sims, na, nb);
        Pairing { sims, chosen: best.chosen, len: best.len, score }
    }
}

/// The one-to-one pairing of parts (`na` of one name, `nb` of the other) of the greatest sum of
/// similarities, each pair at least [`PAIR_FLOOR`]; of equal sums, the one of more pairs. An
/// exhaustive search: names have at most [`MAX_PARTS`] parts.
fn best_pairing(sims: &[[(f64, How); MAX_PARTS]; MAX_PARTS], na: usize, nb: usize) -> Best {
    let mut search = Search { sims, na, nb, used: [false; MAX_PARTS], chosen: [(0, 0); MAX_PARTS], len: 0 };
    let mut best = Best { total: 0.0, chosen: [(0, 0); MAX_PARTS], len: 0 };
    search.run(0, 0.0, &mut best);
    best
}

/// The score of a pairing ([`best_pairing`]). Similarities are raised to POWER, so that one part
/// that differs is not carried by the others. A part left over on both sides is a disagreement
/// and counts as a pair with similarity 0; parts left over on one side only (a patronymic that
/// one source lacks) cost MISSING_PART each.
fn score_of(best: &Best, sims: &[[(f64, How); MAX_PARTS]; MAX_PARTS], na: usize, nb: usize) -> f64 {
    if best.len == 0 {
        return 0.0;
    }
    let (left_a, left_b) = (na - best.len, nb - best.len);
    let disagreeing = left_a.min(left_b);
    let sum = best.chosen[..best.len].iter().map(|&(i, j)| sims[i][j].0.powf(POWER)).sum::<f64>();
    sum / (best.len + disagreeing) as f64 * missing_cost(na, nb)
}

/// What the parts one name has beyond the other's leave of a score (`na` and `nb` parts):
/// MISSING_PART off for each. The same for every pairing, which [`Pairing::with`]'s floor
/// counts on.
fn missing_cost(na: usize, nb: usize) -> f64 {
    (1.0 - MISSING_PART * na.abs_diff(nb) as f64).max(0.0)
}

/// How similar two prepared names are, in [0, 1]: [`compare`]'s score without its explanation.
pub fn score(a: &PreparedName, b: &PreparedName) -> f64 {
    score_by(a, b, 0.0, part_similarity)
}

/// [`score`] where it is at least `floor`, and some score below `floor` where it is below (for
/// a caller that only needs scores that reach it: re-scoring a search's candidates, once as
/// many as it shows are found).
pub fn score_above(a: &PreparedName, b: &PreparedName, floor: f64) -> f64 {
    score_by(a, b, floor, part_similarity)
}

/// [`score`] where it is at least `floor`, and some score below `floor` where it is below (for
/// a caller that only asks whether a score reaches a level: linking, whose candidate pairs are
/// mostly two people); the similarity of parts compared a little before taken from `memo`.
pub fn score_with<'a>(a: &'a PreparedName, b: &'a PreparedName, floor: f64, memo: &mut PartMemo<'a>) -> f64 {
    score_by(a, b, floor, |x, y, floor| memo.similarity(x, y, floor))
}

/// [`score`] where it is at least `floor`, each two parts' similarity given by `similar` (one of
/// [`part_similarity`]).
fn score_by<'a>(
    a: &'a PreparedName,
    b: &'a PreparedName,
    floor: f64,
    similar: impl FnMut(&'a Part, &'a Part, f64) -> (f64, How),
) -> f64 {
    // Names of the same parts pair each part with itself. At 1,000,000 synthetic records one
    // candidate pair in fourteen is a name written alike, whose parts linking holds once; their
    // parts are compared, not their texts, which are elsewhere in memory: one place less to
    // wait for.
    if !a.parts.is_empty() && a.holds_same_parts(b) {
        return 1.0;
    }
    Pairing::with(a, b, floor, similar).score
}

/// The similarities of the parts compared last, each pair by the parts' places in memory: for
/// a caller that compares one name with many others whose parts are held once (linking, whose
/// names hold the parts of an archive that write them alike). At 1,000,463 synthetic records,
/// a record's candidate pairs compared 14.4 million pairs of parts, and one in five had been
/// compared among the 256 pairs before; half of those hold a part in Chinese characters, whose
/// lattice costs most. The parts are borrowed for as long as the memo lives, so a place in
/// memory cannot come to hold another part.
pub struct PartMemo<'a> {
    /// Indexed by a hash of the two places.
    slots: Vec<Option<Remembered<'a>>>,
}

/// Two parts, their similarity and the floor it was worked out to ([`part_similarity`]).
type Remembered<'a> = (&'a Part, &'a Part, (f64, How), f64);

impl Default for PartMemo<'_> {
    fn default() -> Self {
        PartMemo { slots: vec![None; PartMemo::SLOTS] }
    }
}

impl<'a> PartMemo<'a> {
    /// How many pairs are remembered (a power of two): more remember few more (measured at
    /// 1,000,463 records: 1,024 slots, 3.0 million of the 14.4 million; 65,536, 3.1 million).
    const SLOTS: usize = 256;

    /// [`part_similarity`] of `a` and `b` to `floor`, worked out unless remembered: exactly, or
    /// as below a floor no lower.
    fn similarity(&mut self, a: &'a Part, b: &'a Part, floor: f64) -> (f64, How) {
        let (x, y) = (std::ptr::from_ref(a) as usize, std::ptr::from_ref(b) as usize);
        let hash = (x.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ y.wrapping_mul(0xC2B2_AE3D_27D4_EB4F)).rotate_left(29);
        let slot = &mut self.slots[hash & (Self::SLOTS - 1)];
        match *slot {
            Some((p, q, similarity, worked_to))
                if std::ptr::eq(p, a) && std::ptr::eq(q, b) && (similarity.0 >= worked_to || worked_to <= floor) =>
            {
                similarity
            }
            _ => {
                let similarity = part_similarity(a, b, floor);
                *slot = Some((a, b, similarity, floor));
                similarity
            }
        }
    }
}

/// Whether two prepared names are the same name: [`Comparison::is_match`] without the
/// explanation.
pub fn is_match(a: &PreparedName, b: &PreparedName) -> bool {
    let p = Pairing::of(a, b);
    p.score >= MATCH_THRESHOLD && p.chosen[..p.len].iter().all(|&(i, j)| p.sims[i][j].0 >= PART_MATCH)
}

/// Compares two prepared names.
pub fn compare(a: &PreparedName, b: &PreparedName) -> Comparison {
    let p = Pairing::of(a, b);
    let matches: Vec<PartMatch> = p.chosen[..p.len]
        .iter()
        .map(|&(i, j)| PartMatch { a: i, b: j, similarity: p.sims[i][j].0, how: p.sims[i][j].1 })
        .collect();
    let unmatched_a: Vec<usize> = (0..a.parts.len()).filter(|i| !matches.iter().any(|m| m.a == *i)).collect();
    let unmatched_b: Vec<usize> = (0..b.parts.len()).filter(|j| !matches.iter().any(|m| m.b == *j)).collect();
    let shown = |n: &PreparedName| n.parts.iter().map(|p| (p.text.to_string(), p.key.to_string())).collect();
    Comparison { score: p.score, matches, unmatched_a, unmatched_b, a_parts: shown(a), b_parts: shown(b) }
}

struct Search<'a> {
    sims: &'a [[(f64, How); MAX_PARTS]; MAX_PARTS],
    na: usize,
    nb: usize,
    used: [bool; MAX_PARTS],
    chosen: [(usize, usize); MAX_PARTS],
    len: usize,
}

struct Best {
    total: f64,
    chosen: [(usize, usize); MAX_PARTS],
    len: usize,
}

impl Search<'_> {
    fn run(&mut self, i: usize, total: f64, best: &mut Best) {
        if i == self.na {
            // Prefer more pairs at equal totals: every pair is at least PAIR_FLOOR.
            if total > best.total || (total == best.total && self.len > best.len) {
                *best = Best { total, chosen: self.chosen, len: self.len };
            }
            return;
        }
        // Part i left unpaired.
        self.run(i + 1, total, best);
        for j in 0..self.nb {
            let s = self.sims[i][j].0;
            if !self.used[j] && s >= PAIR_FLOOR {
                self.used[j] = true;
                self.chosen[self.len] = (i, j);
                self.len += 1;
                self.run(i + 1, total + s, best);
                self.len -= 1;
                self.used[j] = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prepare;

    fn score(a: &str, b: &str) -> f64 {
        compare(&prepare(a), &prepare(b)).score
    }

    /// Variants of one person's name, in the scripts and spellings they are found in.
    const SAME: &[(&str, &str)] = &[
        ("Серікжан Біләш", "Serikzhan Bilash"),
        ("Serikzhan Bilash", "Serikjan Bilash"),
        ("Serikjan Bilash", "Serıkjan Bılaş"),
        ("Seri'kjan Bi'la's'", "Серікжан Біләш"),
        ("Serikjan Bilaś", "Серікжан Біләш"),
        ("Mehmet Abdulla", "مەھمەت ئابدۇللا"),
        ("Gülnisa Ömer", "گۈلنىسا ئۆمەر"),
        ("Azamat Asanbekov", "Азамат Асанбеков"),
        ("Чыңгыз Айтматов", "Chyngyz Aitmatov"),
        ("Серікжан Біләш", "赛力克江·比拉什"),
        ("Serikzhan Bilash", "赛力克江·比拉什"),
        ("Bilash Serikzhan", "Serikzhan Bilash"),
        ("Қайрат Нұрланұлы Әбенов", "Kairat Abenov"),
        ("Kairat Nurlanuly", "Qayrat Nurlanulı"),
        ("Гүлнар Тоқтарқызы", "Gulnar Toktarkyzy"),
        ("Айгүл Сейітова", "Aigul Seitova"),
        ("Мухаммед Ахмедов", "Muhammed Akhmedov"),
        ("ئابدۇللا مۇھەممەت", "Abdulla Muhemmet"),
        ("Абдулла Мухаммет", "ئابدۇللا مۇھەممەت"),
        ("Mihrigul Tursun", "Михригүл Турсун"),
        ("Ömerbek Eli", "Омирбек Али"),
        ("Zhanargul Zhumatai", "Жанаргүл Жұматай"),
        ("Nurlan Abenov", "N. Abenov"),
        ("Талант Жумабеков", "Talant Jumabekov"),
        ("Tokayev", "Токаев"),
        ("Nurlan", "努尔兰"),
        ("Gulnar Tursun", "古丽娜尔·吐尔逊"),
        // Characters the learned table lacks read as in Mandarin.
        ("Xiao Qian", "骁·骞"),
    ];

    /// Different people whose names look alike.
    const DIFFERENT: &[(&str, &str)] = &[
        ("Nurlan", "Nurlat"),
        ("Aidar", "Aigerim"),
        ("Nurlan Abenov", "Nurlat Abenov"),
        ("Serikzhan Bilash", "Serik Bekov"),
        ("Gulnar Tursun", "Gulmira Tursun"),
        ("Aigul", "Aizhan"),
        ("Марат Ахметов", "Мурат Ахметов"),
        ("Ербол", "Ерлан"),
        ("Nurlat", "努尔兰"),
        ("Gulmira", "古丽娜尔"),
    ];

    proptest::proptest! {
        /// The score alone is the comparison's score, whatever the names.
        #[test]
        fn the_score_alone_is_the_comparisons(
            a in "(Serik|Нұрлан|赛力克江|Bilash|ئابدۇللا|N\\.|Gulnar|Tursun|Абенов| |·|-){1,8}",
            b in "(Serik|Нұрлан|赛力克江|Bilash|ئابدۇللا|N\\.|Gulnar|Tursun|Абенов| |·|-){1,8}",
        ) {
            let (a, b, again) = (prepare(&a), prepare(&b), prepare(&a));
            let full = compare(&a, &b);
            proptest::prop_assert_eq!(super::score(&a, &b).to_bits(), full.score.to_bits());
            proptest::prop_assert_eq!(is_match(&a, &b), full.is_match());
            // A name against itself, as the score's shortcut for names written alike has it.
            let itself = if a.parts.is_empty() { 0.0 } else { 1.0 };
            proptest::prop_assert_eq!(compare(&a, &again).score.to_bits(), f64::to_bits(itself));
            proptest::prop_assert_eq!(super::score(&a, &again).to_bits(), f64::to_bits(itself));
        }

        /// Sharing rows between readings that begin alike, and adding a reading's cost at its
        /// end, change nothing: the lattice's similarity is, to the bit, that of a table that
        /// works out every reading's rows from the cost of taking it (as it was worked out
        /// before, [`lattice_similarity_reading_by_reading`]).
        #[test]
        fn readings_that_begin_alike_share_their_rows(
            steps in proptest::collection::vec(proptest::collection::vec(("[akn]{0,4}", 0u32..40), 1..6), 1..5),
            key in "[aknu]{1,7}",
            floor in 0.0..1.0f64,
        ) {
            let lattice = Lattice::new(steps).unwrap();
            for floor in [0.0, floor] {
                let (shared, alone) =
                    (lattice_similarity(&lattice, &key, floor), lattice_similarity_reading_by_reading(&lattice, &key, floor));
                proptest::prop_assert_eq!(shared.to_bits(), alone.to_bits(), "floor {}", floor);
            }
        }

        /// A score worked out to a floor is the score from the floor up, and below the floor
        /// where it is.
        #[test]
        fn a_score_to_a_floor_is_exact_from_it_up(
            a in "(Serik|Нұрлан|赛力克江|Bilash|ئابدۇللا|N\\.|Gulnar|Tursun|Абенов|Serikjan|Nurlat| |·|-){1,8}",
            b in "(Serik|Нұрлан|赛力克江|Bilash|ئابدۇللا|N\\.|Gulnar|Tursun|Абенов|Serikjan|Nurlat| |·|-){1,8}",
            floor in 0.0..1.0f64,
        ) {
            let (a, b) = (crate::prepare_to_compare(&a), crate::prepare_to_compare(&b));
            let exact = super::score(&a, &b);
            let got = score_with(&a, &b, floor, &mut PartMemo::default());
            if exact >= floor {
                proptest::prop_assert_eq!(got.to_bits(), exact.to_bits());
            } else {
                proptest::prop_assert!(got < floor);
            }
        }
    }

    proptest::proptest! {
        /// Giving up early changes nothing at or above the floor, and below it says "below".
        #[test]
        fn the_lattice_is_exact_down_to_its_floor(
            han in "[赛力克江比拉什安太郎三月美木露]{1,5}",
            key in "[a-z]{2,10}",
            floor in 0.0f64..1.0,
        ) {
            let lattice = &prepare(&han).parts[0].lattice;
            let (exact, given_up) = (lattice_similarity(lattice, &key, 0.0), lattice_similarity(lattice, &key, floor));
            if exact >= floor {
                proptest::prop_assert_eq!(given_up.to_bits(), exact.to_bits());
            } else {
                proptest::prop_assert!(given_up < floor, "{} {}", given_up, exact);
            }
        }
    }

    /// Names compared one with another through one memo, far more pairs of parts than it
    /// remembers, each pair again and again to floors higher and lower (so that the memo is
    /// asked for pairs of parts it worked out to another floor): each score as compared alone
    /// from its floor up, and below the floor where it is.
    #[test]
    fn a_memo_of_parts_changes_no_score() {
        let names: Vec<PreparedName> =
            SAME.iter().chain(DIFFERENT).flat_map(|&(a, b)| [a, b]).map(crate::prepare_to_compare).collect();
        let floors = [0.95, 0.0, 0.7, 1.0, 0.3, 0.85, 0.6];
        let mut memo = PartMemo::default();
        let (mut compared, mut below) = (0, 0);
        for (k, (a, b)) in names.iter().flat_map(|a| names.iter().map(move |b| (a, b))).enumerate() {
            let exact = super::score(a, b);
            for f in 0..floors.len() {
                let floor = floors[(k + f) % floors.len()];
                let got = score_with(a, b, floor, &mut memo);
                if exact >= floor {
                    assert_eq!(got.to_bits(), exact.to_bits(), "{} / {} to {floor}", a.text, b.text);
                } else {
                    assert!(got < floor, "{} / {} to {floor}: {got}, not below", a.text, b.text);
                    below += 1;
                }
            }
            compared += a.parts.len() * b.parts.len();
        }
        assert!(compared > 50 * PartMemo::SLOTS, "{compared}");
        assert!(below > 1000, "{below}");
    }

    /// The best pairing is the one of the greatest sum of similarities; its score sums their
    /// squares. Worked out to a floor of 0.54 (made-up similarities of three parts each, a pair
    /// below its floor given as 0), the pair (2, 0), 0.66, is below its floor (0.68 by then),
    /// and the best of the others, (1, 2) and (2, 1), sums 1.90 and scores 0.60. But the best
    /// pairing, (0, 2), (1, 1) and (2, 0), sums 2.09 and scores 0.51: below the floor, as what
    /// comes out must be.
    #[test]
    fn a_score_to_a_floor_is_the_best_pairings() {
        let table = [[0.49, 0.4, 0.51], [0.07, 0.92, 0.95], [0.66, 0.95, 0.56]];
        let (a, b) = (crate::prepare_to_compare("Aidar Bolat Daulet"), crate::prepare_to_compare("Erlan Farid Gani"));
        let place = |name: &PreparedName, part: &Part| name.parts.iter().position(|p| std::ptr::eq(&**p, part));
        let similar = |x: &Part, y: &Part, floor: f64| {
            let s = table[place(&a, x).unwrap()][place(&b, y).unwrap()];
            (if s >= floor.max(PAIR_FLOOR) { s } else { 0.0 }, How::SimilarKey)
        };
        let exact = Pairing::with(&a, &b, 0.0, similar).score;
        assert!((0.51..0.52).contains(&exact), "{exact}");
        let to_floor = Pairing::with(&a, &b, 0.54, similar).score;
        assert!(to_floor < 0.54, "{to_floor}");
    }

    #[test]
    fn characters_are_read_whichever_way_fits_the_other_name() {
        // 安 reads an far more often than yasu, 露 lu more often than tsuyu: neither reading is
        // among the part's likeliest, but the lattice of every character's readings holds them.
        for (a, b) in [("Yasutaro", "安太郎"), ("Tsuyuki Mizuki", "露木·美月")] {
            let c = compare(&prepare(a), &prepare(b));
            assert!(c.is_match(), "{a} / {b}: {:.3}\n{c}", c.score);
        }
        let lattice = &prepare("三月").parts[0].lattice;
        assert_eq!(lattice.len(), 2);
        // Mitsuki reads each character a way the table keeps, not its likeliest: almost 1.
        let mitsuki = lattice_similarity(lattice, &crate::key("mitsuki"), 0.0);
        assert!((0.95..1.0).contains(&mitsuki), "{mitsuki}");
        assert!(lattice_similarity(lattice, &crate::key("nurlan"), 0.0) < 0.5);
        assert_eq!(lattice_similarity(&Lattice::default(), "nurlan", 0.0), 0.0);
        assert!(prepare("Mitsuki").parts[0].lattice.is_empty());
    }

    #[test]
    fn variants_of_one_name_match() {
        for (a, b) in SAME {
            let c = compare(&prepare(a), &prepare(b));
            assert!(c.is_match(), "{a} / {b}: {:.3}\n{c}", c.score);
        }
    }

    #[test]
    fn near_misses_do_not_match() {
        for (a, b) in DIFFERENT {
            let c = compare(&prepare(a), &prepare(b));
            assert!(!c.is_match(), "{a} / {b}: {:.3}\n{c}", c.score);
        }
    }

    #[test]
    fn the_edit_distance_counts_every_letter_left_out() {
        assert_eq!(similarity("la", "ber", 0.0), similarity("ber", "la", 0.0));
        // l, a against b, e, r in order: l~b (1), a~e (0.4), r left out (1): 1 - 2.4 / 3.
        assert!((similarity("la", "ber", 0.0) - (1.0 - 2.4 / 3.0)).abs() < 1e-9);
        // A vowel left out costs half a consonant.
        assert!((similarity("serikjan", "serikjn", 0.0) - (1.0 - 0.5 / 8.0)).abs() < 1e-9);
        assert!((similarity("", "abc", 0.0) - (1.0 - 2.5 / 3.0)).abs() < 1e-9);
        assert_eq!(similarity("serik", "serik", 0.0), 1.0);
    }

    proptest::proptest! {
        /// A floor only saves work: at or above it the similarity is the same, below it 0.
        #[test]
        fn a_floor_changes_no_similarity_that_reaches_it(a in "[a-z]{0,12}", b in "[a-z]{0,12}", floor in 0.0..1.0) {
            let exact = similarity(&a, &b, 0.0);
            let floored = similarity(&a, &b, floor);
            if exact >= floor {
                proptest::prop_assert_eq!(floored, exact);
            } else {
                proptest::prop_assert!(floored == exact || floored == 0.0, "{exact} {floored}");
            }
        }
    }

    #[test]
    fn substitutions_and_omissions_cost_what_their_letters_say() {
        let cost = |a: u8, b: u8| SUBSTITUTIONS[usize::from(a)][usize::from(b)];
        assert_eq!(cost(b'a', b'a'), 0);
        assert_eq!(cost(b'a', b'e'), 4);
        assert_eq!(cost(b'a', b'o'), 8);
        assert_eq!(cost(b'p', b'b'), 5);
        assert_eq!(cost(b'n', b'l'), 10);
        assert_eq!(cost(0xff, b'a'), 10);
        assert_eq!((indel(b'a'), indel(b'u'), indel(b'k'), indel(0xff)), (5, 5, 10, 10));
    }

    #[test]
    fn comparison_is_symmetric_and_bounded() {
        for (a, b) in SAME.iter().chain(DIFFERENT) {
            let (x, y) = (score(a, b), score(b, a));
            assert!((x - y).abs() < 1e-9, "{a} / {b}: {x} vs {y}");
            assert!((0.0..=1.0).contains(&x));
        }
        assert_eq!(score("Serikzhan Bilash", "Serikzhan Bilash"), 1.0);
        assert_eq!(score("", "Serikzhan"), 0.0);
    }

    #[test]
    fn the_explanation_names_each_part() {
        let c = compare(&prepare("Қайрат Нұрланұлы Әбенов"), &prepare("Kairat Abenov"));
        let text = c.to_string();
        assert!(text.contains("қайрат (kairat) ~ kairat (kairat): 1.00, same phonetic key"), "{text}");
        assert!(text.contains("нұрланұлы (nurlanuli): only in the first name"), "{text}");
    }

    /// [`lattice_similarity`]'s table as it was before readings shared rows: each reading's
    /// rows worked out from where the character starts plus the reading's cost (the similarity
    /// of the way through it finds is [`way_through`]'s, as the table's).
    fn lattice_similarity_reading_by_reading(lattice: &Lattice, key: &str, floor: f64) -> f64 {
        if lattice.is_empty() {
            return 0.0;
        }
        let key = key.as_bytes();
        let too_costly = (1.0 - floor) * (10 * key.len().max(lattice.most_letters())) as f64 + 1e-9;
        let mut ended: Vec<(u32, u32)> = insertions(key).map(|cost| (cost, 0)).collect();
        for step in lattice.steps() {
            let mut next = vec![(u32::MAX / 2, 0); key.len() + 1];
            for (reading, prior) in step {
                let mut row: Vec<(u32, u32)> = ended.iter().map(|&(c, n)| (c + prior, n)).collect();
                for &c in reading {
                    let (leave_out, instead) = (indel(c), &SUBSTITUTIONS[usize::from(c)]);
                    let mut new = vec![(row[0].0 + leave_out, row[0].1 + 1)];
                    for (j, &k) in key.iter().enumerate() {
                        let mut cell = (row[j].0 + u32::from(instead[usize::from(k)]), row[j].1 + 1);
                        if row[j + 1].0 + leave_out < cell.0 {
                            cell = (row[j + 1].0 + leave_out, row[j + 1].1 + 1);
                        }
                        if new[j].0 + indel(k) < cell.0 {
                            cell = (new[j].0 + indel(k), new[j].1);
                        }
                        new.push(cell);
                    }
                    row = new;
                }
                for (cell, &candidate) in next.iter_mut().zip(&row) {
                    if candidate.0 < cell.0 {
                        *cell = candidate;
                    }
                }
            }
            ended = next;
            if ended.iter().all(|&(cost, _)| f64::from(cost) > too_costly) {
                return 0.0;
            }
        }
        way_through(ended[key.len()], key.len())
    }
}
