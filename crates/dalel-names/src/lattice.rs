//! The readings of a part in Chinese characters, character by character, held in one piece of
//! memory.
//!
//! A comparison walks every reading of every character ([`crate::compare`]'s lattice), and
//! linking a million records walks such lattices eight million times. Held as a list of lists
//! of strings, each walk waited on memory three times over (the part, each character's list,
//! each reading); held in one buffer, the readings follow one another.

use std::fmt;

/// Each character's readings as phonetic keys, each with what choosing it costs for being rare
/// (in tenths of a letter's edit). Empty for a part without Chinese characters.
///
/// The buffer holds the characters in order, each as the number of its readings (one byte),
/// then each reading as its cost (four bytes, little-endian), its length (one byte) and its
/// letters.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Lattice {
    bytes: Box<[u8]>,
    /// The sum over the characters of their longest reading's length: the most letters a way
    /// through the lattice reads.
    most_letters: u32,
    /// The length of the longest reading.
    longest: u8,
}

/// One character's readings, as [`Lattice::steps`] gives them: each reading's letters and cost.
#[derive(Clone)]
pub struct Step<'a> {
    left: u8,
    bytes: &'a [u8],
}

impl Lattice {
    /// The lattice of `steps`, each character's readings in order; `None` if a character has
    /// more than 255 readings, or a reading more than 255 bytes.
    pub fn new<S: AsRef<str>>(steps: impl IntoIterator<Item = impl IntoIterator<Item = (S, u32)>>) -> Option<Lattice> {
        let (mut bytes, mut most_letters, mut longest_of_all) = (Vec::new(), 0u32, 0u8);
        for step in steps {
            let count_at = bytes.len();
            bytes.push(0);
            let (mut count, mut longest) = (0u8, 0u8);
            for (reading, cost) in step {
                let reading = reading.as_ref().as_bytes();
                let len = u8::try_from(reading.len()).ok()?;
                bytes.extend_from_slice(&cost.to_le_bytes());
                bytes.push(len);
                bytes.extend_from_slice(reading);
                count = count.checked_add(1)?;
                longest = longest.max(len);
            }
            bytes[count_at] = count;
            most_letters = most_letters.saturating_add(u32::from(longest));
            longest_of_all = longest_of_all.max(longest);
        }
        Some(Lattice { bytes: bytes.into_boxed_slice(), most_letters, longest: longest_of_all })
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// How many characters.
    pub fn len(&self) -> usize {
        self.steps().count()
    }

    /// The most letters a way through the lattice reads: each character by its longest reading.
    pub fn most_letters(&self) -> usize {
        self.most_letters as usize
    }

    /// The length of the longest reading of any character.
    pub fn longest_reading(&self) -> usize {
        usize::from(self.longest)
    }

    /// Each character's readings, in order.
    pub fn steps(&self) -> impl Iterator<Item = Step<'_>> {
        let mut rest: &[u8] = &self.bytes;
        std::iter::from_fn(move || {
            let (&count, after) = rest.split_first()?;
            let mut step = Step { left: count, bytes: after };
            // Skipped over to the next character; this one's readings are read again as given.
            for _ in step.by_ref() {}
            let read = after.len() - step.bytes.len();
            let this = Step { left: count, bytes: &after[..read] };
            rest = &after[read..];
            Some(this)
        })
    }
}

impl<'a> Iterator for Step<'a> {
    /// A reading's letters and its cost.
    type Item = (&'a [u8], u32);

    fn next(&mut self) -> Option<(&'a [u8], u32)> {
        self.left = self.left.checked_sub(1)?;
        // A lattice's buffer is made by `Lattice::new` only, so each reading is there whole;
        // should it not be, the step ends.
        let (cost, rest) = self.bytes.split_first_chunk::<4>()?;
        let (&len, rest) = rest.split_first()?;
        let (letters, rest) = rest.split_at_checked(usize::from(len))?;
        self.bytes = rest;
        Some((letters, u32::from_le_bytes(*cost)))
    }
}

impl fmt::Debug for Lattice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |step: Step<'_>| -> Vec<(String, u32)> {
            step.map(|(letters, cost)| (String::from_utf8_lossy(letters).into_owned(), cost)).collect()
        };
        f.debug_list().entries(self.steps().map(shown)).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A lattice gives back the readings it was made of, in order, and the most letters a
        /// way through it reads.
        #[test]
        fn a_lattice_holds_its_readings(
            steps in proptest::collection::vec(proptest::collection::vec(("[a-z]{0,6}", proptest::num::u32::ANY), 0..9), 0..6),
        ) {
            let lattice = Lattice::new(steps.clone()).unwrap();
            let back: Vec<Vec<(String, u32)>> = lattice
                .steps()
                .map(|step| step.map(|(r, cost)| (String::from_utf8(r.to_vec()).unwrap(), cost)).collect())
                .collect();
            proptest::prop_assert_eq!(&back, &steps);
            proptest::prop_assert_eq!(lattice.len(), steps.len());
            proptest::prop_assert_eq!(lattice.is_empty(), steps.is_empty());
            let most: usize = steps.iter().map(|s| s.iter().map(|(r, _)| r.len()).max().unwrap_or(0)).sum();
            proptest::prop_assert_eq!(lattice.most_letters(), most);
            let longest = steps.iter().flatten().map(|(r, _)| r.len()).max().unwrap_or(0);
            proptest::prop_assert_eq!(lattice.longest_reading(), longest);
        }
    }

    #[test]
    fn what_does_not_fit_is_refused() {
        assert!(Lattice::new([[("a".repeat(256), 0)]]).is_none());
        assert!(Lattice::new([vec![("a", 0); 256]]).is_none());
        assert!(Lattice::new([vec![("a", 0); 255]]).is_some());
        assert_eq!(
            format!("{:?}", Lattice::new([vec![("nur", 3), ("nu", 0)]]).unwrap()),
            r#"[[("nur", 3), ("nu", 0)]]"#
        );
    }
}
