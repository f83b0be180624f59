//! A prepared name as text, so that an index can keep its people's names prepared: re-scoring
//! a search's candidates then reads their names back instead of preparing them again, which was
//! most of a search's cost (docs/benchmarks.md).
//!
//! The layout is the fields of [`PreparedName`] and its [`Part`]s in order: each string as its
//! length in bytes, then the string; each length, count, cost and flag as one character whose
//! code point is the number (skipping the surrogates); the script as its place in
//! [`Script::ALL`]. It is text, not bytes, because tantivy reads stored text back in one piece
//! and stored bytes one byte at a time. What does not read back whole (a damaged index, or one
//! written by another version) gives `None`, never a panic.

use std::sync::Arc;

use dalel_model::Script;

use crate::{Lattice, Part, PreparedName};

/// The first code point of the surrogates, which a `char` cannot hold, and how many there are.
const SURROGATES: (u32, u32) = (0xD800, 0x800);

impl PreparedName {
    /// The name as text that [`PreparedName::from_stored`] reads back; `None` for a name too
    /// long to write so (a part of over a million bytes).
    pub fn to_stored(&self) -> Option<String> {
        let mut w = Writer(String::with_capacity(8 + self.text.len() * 5));
        w.text(&self.text)?;
        w.number(Script::ALL.iter().position(|s| *s == self.script).unwrap_or(Script::ALL.len() - 1))?;
        w.number(self.parts.len())?;
        for p in &self.parts {
            for s in [&p.text, &p.latin, &p.key, &p.skeleton] {
                w.text(s)?;
            }
            w.number(usize::from(p.loose))?;
            w.number(p.others.len())?;
            for (k, s) in &p.others {
                w.text(k)?;
                w.text(s)?;
            }
            w.number(p.lattice.len())?;
            for step in p.lattice.steps() {
                w.number(step.clone().count())?;
                for (k, cost) in step {
                    w.text(std::str::from_utf8(k).ok()?)?;
                    w.number(usize::try_from(cost).ok()?)?;
                }
            }
        }
        Some(w.0)
    }

    /// A name written by [`PreparedName::to_stored`]; `None` unless `stored` is one whole.
    pub fn from_stored(stored: &str) -> Option<PreparedName> {
        let mut r = Reader(stored);
        let text = r.text()?;
        let script = *Script::ALL.get(r.number()?)?;
        let parts = r.many(|r| {
            let (text, latin, key, skeleton) = (r.text()?, r.text()?, r.text()?, r.text()?);
            let loose = match r.number()? {
                0 => false,
                1 => true,
                _ => return None,
            };
            let others = r.many(|r| Some((r.text()?, r.text()?)))?;
            let lattice = r.lattice()?;
            Some(Arc::new(Part { text, latin, key, skeleton, loose, others, lattice }))
        })?;
        r.0.is_empty().then_some(PreparedName { text, script, parts: parts.into_iter().collect() })
    }
}

struct Writer(String);

impl Writer {
    fn number(&mut self, n: usize) -> Option<()> {
        let n = u32::try_from(n).ok()?;
        let code = if n < SURROGATES.0 { n } else { n.checked_add(SURROGATES.1)? };
        self.0.push(char::from_u32(code)?);
        Some(())
    }

    fn text(&mut self, s: &str) -> Option<()> {
        self.number(s.len())?;
        self.0.push_str(s);
        Some(())
    }
}

/// What is left to read.
struct Reader<'a>(&'a str);

impl<'a> Reader<'a> {
    fn number(&mut self) -> Option<usize> {
        let mut chars = self.0.chars();
        let code = u32::from(chars.next()?);
        self.0 = chars.as_str();
        // A char is never a surrogate: one past them stands for the number SURROGATES.1 lower.
        let n = if code < SURROGATES.0 { code } else { code - SURROGATES.1 };
        usize::try_from(n).ok()
    }

    /// A string, as the type it is read into (a `String`, or a `CompactString` of a part).
    fn text<S: for<'s> From<&'s str>>(&mut self) -> Option<S> {
        self.slice().map(S::from)
    }

    /// A string, borrowed from what is read.
    fn slice(&mut self) -> Option<&'a str> {
        let len = self.number()?;
        let (text, rest) = (self.0.get(..len)?, self.0.get(len..)?);
        self.0 = rest;
        Some(text)
    }

    /// A part's lattice: a count of characters, then each character's count of readings, then
    /// each reading and its cost. Read as slices of the text and copied once, into the
    /// lattice's buffer: a `String` for each reading first made reading names back cost 40%
    /// more (docs/benchmarks.md).
    fn lattice(&mut self) -> Option<Lattice> {
        let mut readings: smallvec::SmallVec<[(&'a str, u32); 32]> = smallvec::SmallVec::new();
        let counts = self.many(|r| {
            let n = r.number().filter(|&n| n <= r.0.len())?;
            for _ in 0..n {
                readings.push((r.slice()?, u32::try_from(r.number()?).ok()?));
            }
            Some(n)
        })?;
        let mut rest = readings.as_slice();
        Lattice::new(counts.into_iter().map(|n| {
            let (step, after) = rest.split_at(n);
            rest = after;
            step.iter().copied()
        }))
    }

    /// A count, then that many of what `one` reads. A count larger than the text left could
    /// hold is refused before anything is reserved for it.
    fn many<T>(&mut self, mut one: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let n = self.number().filter(|&n| n <= self.0.len())?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(one(self)?);
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::{PreparedName, prepare, prepare_to_compare};

    #[test]
    fn names_read_back_as_they_were_written() {
        for text in ["Серікжан Біләш", "赛力克江·比拉什", "سېرىكجان بىلاش", "Serikzhan Bilash", "", "·-"]
        {
            for name in [prepare(text), prepare_to_compare(text)] {
                assert_eq!(PreparedName::from_stored(&name.to_stored().unwrap()), Some(name), "{text}");
            }
        }
    }

    #[test]
    fn damaged_text_reads_as_nothing() {
        let stored = prepare("赛力克江·比拉什").to_stored().unwrap();
        for (cut, _) in stored.char_indices() {
            assert_eq!(PreparedName::from_stored(&stored[..cut]), None, "cut at {cut}");
        }
        assert_eq!(PreparedName::from_stored(&format!("{stored}\0")), None);
        assert_eq!(PreparedName::from_stored("\u{10FFFF}\u{10FFFF}"), None);
    }

    #[test]
    fn numbers_past_the_surrogates_read_back() {
        let mut name = prepare("Nurlan");
        let lattice = |cost| crate::Lattice::new([[("nur", 0xD800), ("nu", cost)]]).unwrap();
        std::sync::Arc::make_mut(&mut name.parts[0]).lattice = lattice(0x10_0000);
        assert_eq!(PreparedName::from_stored(&name.to_stored().unwrap()), Some(name.clone()));
        std::sync::Arc::make_mut(&mut name.parts[0]).lattice = lattice(u32::MAX);
        assert_eq!(name.to_stored(), None);
    }
}
