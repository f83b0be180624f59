//! Candidate pairs: records that share a blocking key. Never all pairs: a record meets only
//! those that share a pair of name parts, a name part and a birth year, or an ID number or one
//! of its near misses; and in a large block only those that share another key as well.

use std::hash::BuildHasher;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicU64, AtomicUsize};

use rayon::prelude::*;

use crate::{Pair, Subject};

/// Blocks larger than this are left out: a key that many records share (two very common name
/// parts) says little, and its pairs would grow with the square of the archive. Such records
/// still meet through their other keys.
pub const MAX_BLOCK: usize = 300;

/// A block of at most this many records makes candidates of all its pairs; a larger one (up to
/// [`MAX_BLOCK`]) only of the records that also share another key (meta-blocking's "common
/// blocks" weighting, Papadakis et al.: a pair met in one large block only, two people who
/// share a common name part and a birth year, is seldom a match). On the synthetic archive of
/// 100,000 people (docs/benchmarks.md): a third of the candidate pairs and a higher F1, 0.809
/// against 0.793, the model's estimates no longer drowned in such pairs; 50 gave 0.800, 10
/// gave 0.801, 5 gave 0.739.
pub const SURE_BLOCK: usize = 20;

/// The candidate pairs `(a, b)`, `a < b`, each once, in order.
pub fn pairs(subjects: &[Subject]) -> Vec<Pair> {
    pairs_keyed(Keyed::of(subjects))
}

/// [`pairs`] of the records `keyed` holds.
pub fn pairs_keyed(keyed: Keyed) -> Vec<Pair> {
    debug_assert!(keyed.records < 1 << 31, "record numbers are packed in 31 bits");
    let records = keyed.records;
    pairs_in(Blocks::of(keyed), records)
}

/// Records' blocks as blocking sorts them: one `u64` for each block a record is in, the block
/// (its key's hash, [`keys`], to fewer bits) above and the record's number below. Made a batch
/// of records at a time ([`Keyed::add`]), so that a caller can key records while it reads them:
/// `dalel dedupe` keys a page of records while the next is read, on the cores reading leaves
/// idle (at 1,000,463 records, keying them after reading took 0.7–0.9 s on both cores), and
/// numbers them again once they are in order ([`Keyed::renumber`]).
pub struct Keyed {
    entries: Vec<u64>,
    /// How many low bits hold the record.
    record_bits: u32,
    /// Records keyed so far.
    records: usize,
}

/// More records were keyed than [`Keyed::new`] was told of.
#[derive(Debug)]
pub struct TooMany {
    pub room: usize,
}

impl std::fmt::Display for TooMany {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "more records to key than the {} there was room for", self.room)
    }
}

impl std::error::Error for TooMany {}

impl Keyed {
    /// Room for `records` records, numbered by as many bits as they need: the more records,
    /// the fewer bits each block keeps of its key.
    pub fn new(records: usize) -> Keyed {
        Keyed::with_bits((usize::BITS - records.leading_zeros()).max(1))
    }

    fn with_bits(record_bits: u32) -> Keyed {
        assert!(record_bits < u64::BITS, "a block keeps a bit of its key at least");
        Keyed { entries: Vec::new(), record_bits, records: 0 }
    }

    /// The blocks of `subjects`, numbered from 0.
    pub fn of(subjects: &[Subject]) -> Keyed {
        let mut keyed = Keyed::new(subjects.len());
        keyed.add(subjects).expect("room for the records it was made for");
        keyed
    }

    /// Keys `subjects`, the next records, on every core.
    pub fn add(&mut self, subjects: &[Subject]) -> Result<(), TooMany> {
        let (first, bits) = (self.records, self.record_bits);
        if (first + subjects.len()) as u64 > 1 << bits {
            return Err(TooMany { room: 1 << bits });
        }
        let entries = subjects.par_iter().enumerate().with_min_len(1024).flat_map_iter(|(i, s)| {
            blocks_of(s, bits).into_iter().map(move |block| block << bits | (first + i) as u64)
        });
        self.entries.par_extend(entries);
        self.records += subjects.len();
        Ok(())
    }

    /// Numbers the records again: the one at `order[i]` becomes the `i`th.
    pub fn renumber(&mut self, order: &[usize]) {
        assert_eq!(order.len(), self.records, "a place for each record");
        let mut new = vec![0u64; order.len()];
        for (i, &old) in order.iter().enumerate() {
            new[old] = i as u64;
        }
        let record = (1 << self.record_bits) - 1;
        self.entries
            .par_iter_mut()
            .with_min_len(1 << 16)
            .for_each(|e| *e = (*e & !record) | new[(*e & record) as usize]);
    }

    /// How many records are keyed.
    pub fn len(&self) -> usize {
        self.records
    }

    pub fn is_empty(&self) -> bool {
        self.records == 0
    }
}

/// The blocks a record is in ([`keys`] to `64 - record_bits` bits), each once (two of its keys
/// may fall in one), in order.
fn blocks_of(s: &Subject, record_bits: u32) -> Vec<u64> {
    let mut blocks: Vec<u64> = keys(s).into_iter().map(|key| key >> record_bits).collect();
    blocks.sort_unstable();
    blocks.dedup();
    blocks
}

/// The candidate pairs of `records` records in `blocks`: each record's meetings with the records
/// after it, worked out record by record on every core. A large block's pairs count only if
/// they meet again, and at 1,000,463 records the blocks' pairs were 57.5 million to find the 4.1
/// million that count among; made into one list and sorted, they took 1.8 s on one core
/// mostly, and 460 MB.
fn pairs_in(blocks: Blocks, records: usize) -> Vec<Pair> {
    // Each record's blocks, each as where its run starts in `blocks.sorted` (32 bits), its
    // length (16) and the record's place in it (16): those of record `a` are
    // `met_in[starts[a]..starts[a + 1]]`. The run is then one read away, where a list of runs
    // and the record's place looked up in its run were two more waits on memory a block.
    // Counted and filled on every core (on one, 0.5 s at 1,000,463 records, the other idle):
    // a record's blocks come in no particular order, which its meetings, sorted, do not mind.
    const _: () = assert!(MAX_BLOCK <= u16::MAX as usize, "a run's length and a place in it are kept in 16 bits");
    let kept = || blocks.par_runs_at().filter(|(_, run)| (2..=MAX_BLOCK).contains(&run.len()));
    let counts: Vec<AtomicUsize> = (0..=records).into_par_iter().map(|_| AtomicUsize::new(0)).collect();
    kept().for_each(|(_, run)| {
        for &entry in run {
            counts[blocks.record(entry) as usize + 1].fetch_add(1, Relaxed);
        }
    });
    let mut starts: Vec<usize> = counts.into_iter().map(AtomicUsize::into_inner).collect();
    for a in 0..records {
        starts[a + 1] += starts[a];
    }
    let next: Vec<AtomicUsize> = starts.par_iter().map(|&start| AtomicUsize::new(start)).collect();
    let met_in: Vec<AtomicU64> = (0..starts[records]).into_par_iter().map(|_| AtomicU64::new(0)).collect();
    kept().for_each(|(start, run)| {
        // Entries are fewer than 2³² (8 bytes each: 32 GB).
        let start = u64::from(u32::try_from(start).expect("under 2³² entries"));
        for (place, &entry) in run.iter().enumerate() {
            let at = next[blocks.record(entry) as usize].fetch_add(1, Relaxed);
            met_in[at].store(start << 32 | (run.len() as u64) << 16 | place as u64, Relaxed);
        }
    });
    drop(next);
    let met_in: Vec<u64> = met_in.into_iter().map(AtomicU64::into_inner).collect();
    let run_after = |m: u64| {
        let (start, len, place) = ((m >> 32) as usize, (m >> 16 & 0xFFFF) as usize, (m & 0xFFFF) as usize);
        // A run is in record order: the records after this one are those after its place.
        (&blocks.sorted[start + place + 1..start + len], len)
    };
    let pairs = (0..records).into_par_iter().with_min_len(1024).flat_map_iter(|a| {
        // The next record's runs asked of the memory while this one's are read.
        for &m in met_in.get(starts[a + 1]..starts[(a + 2).min(records)]).unwrap_or_default() {
            if let Some(first) = run_after(m).0.first() {
                crate::prefetch(first);
            }
        }
        let mut met_here: Vec<u64> = Vec::new();
        for &m in &met_in[starts[a]..starts[a + 1]] {
            let (after, len) = run_after(m);
            met_here.extend(after.iter().map(|&entry| met(u64::from(blocks.record(entry)), len)));
        }
        met_here.sort_unstable();
        met_enough(&met_here).map(|b| (a as u32, b as u32)).collect::<Vec<Pair>>()
    });
    pairs.collect()
}

/// `what` (below 2⁶³) as met in a block of `size` records: shifted up a bit, the bit set when
/// the block is larger than [`SURE_BLOCK`], so that sorted, one thing's meetings are a run with
/// those in small blocks first.
fn met(what: u64, size: usize) -> u64 {
    (what << 1) | u64::from(size > SURE_BLOCK)
}

/// Of sorted meetings ([`met`]), what was met in a small block, or in two blocks or more; each
/// once, in order.
fn met_enough(sorted: &[u64]) -> impl Iterator<Item = u64> + '_ {
    let kept = sorted.chunk_by(|x, y| x >> 1 == y >> 1).filter(|run| run[0] & 1 == 0 || run.len() >= 2);
    kept.map(|run| run[0] >> 1)
}

/// Every record's blocking keys with the record, sorted: a block is a run of one key, its
/// records in order. One flat list rather than a map of lists: at 232,429 records and their
/// 50-odd keys each, a map from each key's text to its records was most of linking's memory.
/// Each entry is one `u64`, the key's hash in its high bits and the record in the low ones
/// (as many as the records need: 20 for a million), where (key, record) pairs took 16 bytes
/// each; at 1,000,463 synthetic records the list holds 15.1 million. A key hashed to fewer
/// bits makes two keys one a little more often (once in 2⁴⁴ at a million records): a candidate
/// pair more.
struct Blocks {
    sorted: Vec<u64>,
    /// How many low bits hold the record.
    record_bits: u32,
}

impl Blocks {
    /// The blocks `keyed` holds, sorted.
    fn of(keyed: Keyed) -> Blocks {
        let clock = std::time::Instant::now();
        let mut blocks = Blocks { sorted: keyed.entries, record_bits: keyed.record_bits };
        blocks.sorted.par_sort_unstable();
        tracing::debug!(entries = blocks.sorted.len(), elapsed = ?clock.elapsed(), "keys sorted");
        blocks
    }

    fn record(&self, entry: u64) -> u32 {
        (entry & ((1 << self.record_bits) - 1)) as u32
    }

    /// The runs of `entries`, a piece of `sorted` that starts with a run: each block's entries,
    /// in record order.
    fn runs_in<'a>(&self, entries: &'a [u64]) -> impl Iterator<Item = &'a [u64]> + use<'a> {
        let bits = self.record_bits;
        entries.chunk_by(move |x, y| x >> bits == y >> bits)
    }

    /// The runs of `sorted` ([`Blocks::runs_in`]), each with where it starts, on every core:
    /// `sorted` is cut into pieces at the first run to start after each 65,536 entries.
    fn par_runs_at(&self) -> impl ParallelIterator<Item = (usize, &[u64])> {
        let block = |i: usize| self.sorted[i] >> self.record_bits;
        let starts_run = |i: usize| i == 0 || i == self.sorted.len() || block(i) != block(i - 1);
        let mut cuts: Vec<usize> = (0..self.sorted.len())
            .step_by(1 << 16)
            .map(|from| (from..).find(|&i| starts_run(i)).expect("the end starts none"))
            .collect();
        cuts.push(self.sorted.len());
        cuts.dedup();
        let pieces: Vec<(usize, usize)> = cuts.windows(2).map(|w| (w[0], w[1])).collect();
        pieces.into_par_iter().flat_map_iter(move |(from, to)| {
            self.runs_in(&self.sorted[from..to]).scan(from, |at, run| {
                let start = *at;
                *at += run.len();
                Some((start, run))
            })
        })
    }

    /// The entries of a block.
    fn members(&self, block: u64) -> &[u64] {
        let from = self.sorted.partition_point(|&x| x >> self.record_bits < block);
        let to = from + self.sorted[from..].partition_point(|&x| x >> self.record_bits == block);
        &self.sorted[from..to]
    }
}

/// The candidate pairs `(a, b)` of a record `a` of `archive` and a record `b` of `list`, each
/// once, in order: the list's records are looked up in the archive's blocks, never compared
/// among themselves or the archive's among its own. A block counts with the list's record in
/// it, as in [`pairs`]: all its pairs if it is small, only records met twice if it is large.
/// `archive` holds the archive's records' blocks.
pub fn cross_pairs(archive: Keyed, list: &[Subject]) -> Vec<Pair> {
    let blocks = Blocks::of(archive);
    let mut out: Vec<Pair> = Vec::new();
    for (b, s) in list.iter().enumerate() {
        let mut found: Vec<u64> = Vec::new();
        for block in blocks_of(s, blocks.record_bits) {
            let members = blocks.members(block);
            // A block the list's record would make too large says as little as one in the archive.
            if members.len() < MAX_BLOCK {
                found.extend(members.iter().map(|&a| met(u64::from(blocks.record(a)), members.len() + 1)));
            }
        }
        found.sort_unstable();
        out.extend(met_enough(&found).map(|a| (a as u32, b as u32)));
    }
    out.par_sort_unstable();
    out
}

/// A record's blocking keys: `n:x|y` for two name parts' skeletons, `y:x|1980` for a part and
/// the birth year, or without a birth year `h:x|krmy` for a part and the hometown (its parts'
/// skeletons), `i:…` for an ID number and `iN:…`, `tN:…` for its near misses, each as a 64-bit
/// hash of that text. Two texts that hash alike (once in billions of pairs) only make a
/// candidate pair more, compared like any other.
///
/// A part and the hometown for every record (not only those without a birth year) found more
/// at 1,000,463 synthetic records (F1 0.715 instead of 0.698, recall 0.564 against 0.540), but
/// joined more namesakes of one town (precision 0.978 against 0.986) and took 20.1 s instead
/// of 16.8–18.5 (docs/benchmarks.md).
pub(crate) fn keys(s: &Subject) -> Vec<u64> {
    let mut keys = Keys { hasher: foldhash::fast::FixedState::with_seed(0), text: String::new(), out: Vec::new() };
    let year = s.birth.map(|b| b.earliest.0.to_string());
    // Without a birth year, the hometown by the skeletons of its parts' first readings (Қарамай
    // and Karamay alike).
    let home = s.hometown.as_ref().filter(|_| year.is_none()).map(|home| {
        let skeletons: Vec<&str> = home.parts.iter().filter_map(|p| p.readings().next().map(|(_, s)| s)).collect();
        skeletons.join(" ")
    });
    let home = home.filter(|home| !home.is_empty());
    for name in &s.names {
        // Each part by its first two readings (a part in Chinese characters reads two ways).
        let parts: Vec<Vec<&str>> = name.parts.iter().map(|p| p.readings().take(2).map(|(_, s)| s).collect()).collect();
        for (i, a) in parts.iter().enumerate() {
            for b in &parts[i + 1..] {
                for x in a {
                    for y in b {
                        let (x, y) = if x <= y { (x, y) } else { (y, x) };
                        keys.add(&["n:", x, "|", y]);
                    }
                }
            }
            if let Some(year) = &year {
                for x in a {
                    keys.add(&["y:", x, "|", year]);
                }
            }
            if let Some(home) = &home {
                for x in a {
                    keys.add(&["h:", x, "|", home]);
                }
            }
        }
    }
    for number in &s.id_numbers {
        keys.add(&["i:", number]);
        let b = number.as_bytes();
        let mut digits = [0; 20];
        for i in 0..b.len() {
            let at = decimal(i, &mut digits);
            // One character wrong: the number without it, at its place.
            keys.add(&["i", at, ":", &number[..i], &number[i + 1..]]);
            // Two neighbours swapped: the number with them in order.
            if i + 1 < b.len() && b[i] != b[i + 1] && b[i].is_ascii() && b[i + 1].is_ascii() {
                let (low, high) = (b[i].min(b[i + 1]), b[i].max(b[i + 1]));
                let pair = [low, high];
                let pair = std::str::from_utf8(&pair).expect("two ASCII bytes");
                keys.add(&["t", at, ":", &number[..i], pair, &number[i + 2..]]);
            }
        }
    }
    keys.out
}

/// `n` in decimal digits, written into `digits`.
fn decimal(mut n: usize, digits: &mut [u8; 20]) -> &str {
    let mut from = digits.len();
    loop {
        from -= 1;
        digits[from] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&digits[from..]).expect("ASCII digits")
}

/// Keys being hashed: each written into one buffer, then hashed.
struct Keys {
    hasher: foldhash::fast::FixedState,
    text: String,
    out: Vec<u64>,
}

impl Keys {
    /// Adds the key made of `pieces` one after another.
    fn add(&mut self, pieces: &[&str]) {
        self.text.clear();
        for piece in pieces {
            self.text.push_str(piece);
        }
        self.out.push(self.hasher.hash_one(self.text.as_str()));
    }
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

    /// A record's keys are the hashes of the texts [`keys`] names, each written out here.
    #[test]
    fn keys_are_the_hashes_of_their_texts() {
        let mut s = subject("Serik Bilash", Some("6501A0221X"), Some("1980-05"));
        s.hometown = Some(std::sync::Arc::new(dalel_names::prepare_to_compare("Қарамай қаласы")));
        let home = &s.hometown.as_ref().unwrap().parts;
        let home = format!("{} {}", home[0].skeleton, home[1].skeleton);
        let (serik, bilash) = (&s.names[0].parts[0].skeleton, &s.names[0].parts[1].skeleton);
        let (x, y) = if serik <= bilash { (serik, bilash) } else { (bilash, serik) };
        let mut texts = vec![format!("n:{x}|{y}"), format!("y:{serik}|1980"), format!("y:{bilash}|1980")];
        let number = "6501A0221X";
        texts.push(format!("i:{number}"));
        for i in 0..number.len() {
            texts.push(format!("i{i}:{}{}", &number[..i], &number[i + 1..]));
        }
        for (i, swapped) in [(0, "56"), (1, "05"), (2, "01"), (3, "1A"), (4, "0A"), (5, "02"), (7, "12"), (8, "1X")] {
            texts.push(format!("t{i}:{}{swapped}{}", &number[..i], &number[i + 2..]));
        }
        let hasher = foldhash::fast::FixedState::with_seed(0);
        let mut expected: Vec<u64> = texts.iter().map(|t| hasher.hash_one(t.as_str())).collect();
        let mut found = keys(&s);
        expected.sort_unstable();
        found.sort_unstable();
        assert_eq!(found, expected);
        // Without a birth year, a part and the hometown instead.
        s.birth = None;
        let year: Vec<u64> = texts[1..3].iter().map(|t| hasher.hash_one(t.as_str())).collect();
        let home: Vec<u64> = [format!("h:{serik}|{home}"), format!("h:{bilash}|{home}")]
            .iter()
            .map(|t| hasher.hash_one(t.as_str()))
            .collect();
        expected.retain(|k| !year.contains(k));
        expected.extend(home);
        let mut found = keys(&s);
        expected.sort_unstable();
        found.sort_unstable();
        assert_eq!(found, expected);
        let mut digits = [0; 20];
        for n in [0, 7, 10, 99, 12345, usize::MAX] {
            assert_eq!(decimal(n, &mut digits), n.to_string());
        }
    }

    #[test]
    fn keys_that_fall_in_one_block_pair_a_record_with_no_one_twice() {
        let s: Vec<Subject> = ["Aidar Bekov", "Aidar Bekov", "Gulnar Asanova", "Serik Bilash", "Нұрлан Әбенов"]
            .iter()
            .map(|n| subject(n, Some("650102198001011234"), Some("1980")))
            .collect();
        // Keys hashed to 4 bits: most of them fall in one of 16 blocks, several of a record's
        // in the same one.
        let mut keyed = Keyed::with_bits(60);
        keyed.add(&s).unwrap();
        let crowded = pairs_in(Blocks::of(keyed), s.len());
        assert!(crowded.iter().all(|(a, b)| a < b), "{crowded:?}");
        assert!(crowded.windows(2).all(|w| w[0] < w[1]), "{crowded:?}");
        // Every pair the full keys make is among them.
        assert!(pairs(&s).iter().all(|p| crowded.contains(p)));
    }

    /// Cut into pieces on every core, the runs are those of the whole list, each where it
    /// starts: runs short and long, one longer than a piece, runs across the places of the cuts.
    #[test]
    fn runs_cut_into_pieces_are_the_runs_of_the_whole() {
        let lengths = [1, 3, 65_530, 9, 1, 200_000, 2, 65_536, 65_537, 1, 4];
        let sorted: Vec<u64> =
            lengths.iter().enumerate().flat_map(|(block, &n)| (0..n).map(move |r| (block as u64) << 20 | r)).collect();
        let blocks = Blocks { sorted, record_bits: 20 };
        let mut whole = Vec::new();
        let mut at = 0;
        for run in blocks.runs_in(&blocks.sorted) {
            whole.push((at, run.len(), run[0]));
            at += run.len();
        }
        assert_eq!(whole.len(), lengths.len());
        let mut cut: Vec<(usize, usize, u64)> = blocks.par_runs_at().map(|(at, run)| (at, run.len(), run[0])).collect();
        cut.sort_unstable();
        assert_eq!(cut, whole);
    }

    /// The pairs of all blocks in one list, sorted, and those met in a small block or twice kept:
    /// what [`pairs_in`] works out record by record.
    fn pairs_all_at_once(blocks: &Blocks) -> Vec<Pair> {
        let mut all: Vec<u64> = Vec::new();
        for members in blocks.runs_in(&blocks.sorted).filter(|m| (2..=MAX_BLOCK).contains(&m.len())) {
            for (n, &a) in members.iter().enumerate() {
                for &b in &members[n + 1..] {
                    let (a, b) = (blocks.record(a), blocks.record(b));
                    all.push(met((u64::from(a) << 32) | u64::from(b), members.len()));
                }
            }
        }
        all.sort_unstable();
        met_enough(&all).map(|p| ((p >> 32) as u32, p as u32)).collect()
    }

    proptest::proptest! {
        /// Records drawn from a few names, numbers and years (blocks large and small, records
        /// meeting in several): record by record, the pairs of all blocks at once.
        #[test]
        fn pairs_are_those_of_all_blocks_at_once(
            people in proptest::collection::vec((0..6usize, 0..4usize, proptest::option::of(0..3usize), 0..3usize), 0..70),
        ) {
            let (given, family) = (["Aidar", "Gulnar", "Serik", "Нұрлан", "Erlan", "Zhanar"], ["Bekov", "Asanova", "Bilash", "Әбенов"]);
            let s: Vec<Subject> = people
                .iter()
                .map(|&(g, f, id, year)| {
                    let id = id.map(|i| format!("65010219800101123{i}"));
                    subject(&format!("{} {}", given[g], family[f]), id.as_deref(), Some(&format!("{}", 1980 + year)))
                })
                .collect();
            proptest::prop_assert_eq!(pairs_in(Blocks::of(Keyed::of(&s)), s.len()), pairs_all_at_once(&Blocks::of(Keyed::of(&s))));
        }
    }

    /// Records keyed a batch at a time, then numbered again in another order: the blocks of the
    /// records keyed in that order at once.
    #[test]
    fn records_keyed_in_batches_and_put_in_order_are_keyed_as_in_that_order() {
        let names = ["Aidar Bekov", "Gulnar Asanova", "Айдар Беков", "Serik Bilash", "Gulnar Asanova", "Нұрлан Әбенов"];
        let s: Vec<Subject> = names
            .iter()
            .enumerate()
            .map(|(i, n)| subject(n, Some(&format!("65010219800101123{i}")), Some("1980")))
            .collect();
        let order = [3, 0, 5, 1, 4, 2];
        let mut keyed = Keyed::new(s.len());
        keyed.add(&s[..4]).unwrap();
        keyed.add(&s[4..]).unwrap();
        keyed.renumber(&order);
        let ordered: Vec<Subject> = order.iter().map(|&i| s[i].clone()).collect();
        let (mut got, mut expected) = (keyed.entries, Keyed::of(&ordered).entries);
        got.sort_unstable();
        expected.sort_unstable();
        assert_eq!(got, expected);
        assert!(!pairs(&ordered).is_empty());
        // No room for more records than it was made for.
        let mut keyed = Keyed::new(3);
        assert!(keyed.add(&s[..3]).is_ok());
        assert!(keyed.add(&s[3..]).is_err_and(|e| e.room == 4));
    }

    #[test]
    fn a_large_block_pairs_only_records_that_meet_again() {
        let letters = ['b', 'd', 'g', 'v', 'z', 'l', 'm', 'n'];
        let family = |i: usize| format!("{}a{}a", letters[i % 8].to_ascii_uppercase(), letters[i / 8]);
        let skeleton = |name: &str| dalel_names::skeleton(&dalel_names::key(name));
        let n = SURE_BLOCK + 5;
        let skeletons: std::collections::BTreeSet<String> = (0..n).map(|i| skeleton(&family(i))).collect();
        assert_eq!(skeletons.len(), n, "the families are all different names");
        // Gulnars born in 1980, each of another family: they meet in one large block only (the
        // given name and the year), and are not paired.
        let mut s: Vec<Subject> =
            (0..n).map(|i| subject(&format!("Gulnar {}", family(i)), None, Some("1980"))).collect();
        assert!(pairs(&s).is_empty());
        // Two of one family meet again, in small blocks: paired.
        s.push(subject(&format!("Gulnar {}", family(3)), None, Some("1980")));
        assert_eq!(pairs(&s), vec![(3, n as u32)]);
        // Namesakes born the same year meet in three large blocks (both names, each with the
        // year): every pair is a candidate.
        let namesakes: Vec<Subject> = (0..n).map(|_| subject("Aidar Bekov", None, Some("1980"))).collect();
        assert_eq!(pairs(&namesakes).len(), n * (n - 1) / 2);
        // A listed record is looked up the same way: the Gulnar of another family finds no one,
        // one of a family the archive has finds that record.
        let listed = [
            subject("Gulnar Zanov", None, Some("1980")),
            subject(&format!("Gulnar {}", family(5)), None, Some("1980")),
        ];
        assert!(!skeletons.contains(&skeleton("Zanov")));
        assert_eq!(cross_pairs(Keyed::of(&s[..n]), &listed), vec![(5, 1)]);
    }
}
