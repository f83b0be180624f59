//! The ledger: every change to an archive is an entry, and each entry carries the SHA-256 of the
//! one before, so the whole history is a hash chain. A published head hash pins everything
//! before it.
//!
//! An entry's hash covers, in this order and separated by newlines: the domain tag
//! `dalel-ledger-v1`, the sequence number in decimal, the time (RFC 3339, UTC), the author, the
//! previous entry's hash in lower-case hex (64 zeros for the first entry) and the change as its
//! exact stored JSON text. Signatures, when they come, sign an entry's hash and are stored beside
//! it, outside what the hash covers.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::record::{Record, RecordId};

/// A SHA-256 digest.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// The previous hash of the first entry.
    pub const GENESIS: Hash = Hash([0; 32]);

    pub fn of(bytes: &[u8]) -> Hash {
        Hash(Sha256::digest(bytes).into())
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn from_hex(text: &str) -> Option<Hash> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(text, &mut out).ok()?;
        Some(Hash(out))
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

/// A change to the archive.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Change {
    /// Creates a record or replaces its previous state. Nothing is ever deleted: withdrawal and
    /// retraction are states of a record.
    Put { record: Record },
}

impl Change {
    pub fn record_id(&self) -> &RecordId {
        match self {
            Change::Put { record } => record.id(),
        }
    }

    /// The exact JSON text the ledger stores and hashes.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("changes always serialize")
    }

    /// Reads a change from its JSON text. dalel writes the tags first (`{"op":"put","record":
    /// {"type":"person",...}}`); such text is read straight into the record's struct, which
    /// skips the `type` key it does not know. Other text takes serde's general path for tagged
    /// enums, which first copies the whole value into a buffer, twice here (the change and the
    /// record are both tagged): the same result, several times slower.
    pub fn from_json(text: &str) -> serde_json::Result<Change> {
        if let Some(record) = text
            .strip_prefix(r#"{"op":"put","record":"#)
            .and_then(|rest| rest.strip_suffix('}'))
            .and_then(Record::from_json_type_first)
        {
            return Ok(Change::Put { record });
        }
        serde_json::from_str(text)
    }

    /// The JSON text of a put of a record whose JSON ([`Record::to_json`]) is already at hand;
    /// the same text as [`Change::to_json`], without serializing the record twice.
    pub fn put_json(record_json: &str) -> String {
        format!(r#"{{"op":"put","record":{record_json}}}"#)
    }
}

/// The head of a ledger: its last sequence number and hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    pub seq: u64,
    pub hash: Hash,
}

/// One ledger entry as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub seq: u64,
    /// RFC 3339, UTC.
    pub time: String,
    pub author: String,
    /// The change's exact JSON text.
    pub change: String,
    pub prev_hash: Hash,
    pub hash: Hash,
}

impl Entry {
    /// The hash an entry with these fields must carry.
    pub fn compute_hash(seq: u64, time: &str, author: &str, prev_hash: &Hash, change: &str) -> Hash {
        let mut h = Sha256::new();
        h.update(b"dalel-ledger-v1\n");
        h.update(itoa::Buffer::new().format(seq).as_bytes());
        h.update(b"\n");
        h.update(time.as_bytes());
        h.update(b"\n");
        h.update(author.as_bytes());
        h.update(b"\n");
        let mut hex = [0u8; 64];
        hex::encode_to_slice(prev_hash.0, &mut hex).expect("64 hex digits for 32 bytes");
        h.update(hex);
        h.update(b"\n");
        h.update(change.as_bytes());
        Hash(h.finalize().into())
    }

    /// Builds the entry that follows `prev` (or starts the ledger).
    pub fn next(prev: Option<Head>, time: String, author: String, change: &Change) -> Entry {
        let (seq, prev_hash) = prev.map_or((1, Hash::GENESIS), |h| (h.seq + 1, h.hash));
        let change = change.to_json();
        let hash = Entry::compute_hash(seq, &time, &author, &prev_hash, &change);
        Entry { seq, time, author, change, prev_hash, hash }
    }

    pub fn head(&self) -> Head {
        Head { seq: self.seq, hash: self.hash }
    }

    /// Whether the stored hash is the hash of the stored fields.
    pub fn hash_is_intact(&self) -> bool {
        Entry::compute_hash(self.seq, &self.time, &self.author, &self.prev_hash, &self.change) == self.hash
    }

    pub fn parse_change(&self) -> Result<Change, serde_json::Error> {
        serde_json::from_str(&self.change)
    }
}

/// Where a chain of entries stops being intact.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("ledger entry {seq}: its hash does not match its contents")]
    Tampered { seq: u64 },
    #[error("ledger entry {seq}: it does not point at the hash of entry {prev}")]
    Broken { seq: u64, prev: u64 },
    #[error("ledger entry {seq}: expected sequence number {expected}")]
    Gap { seq: u64, expected: u64 },
    #[error("ledger entry {seq}: its change cannot be read: {reason}")]
    Unreadable { seq: u64, reason: String },
}

/// Checks entries in order, a batch at a time, so that a ledger of millions never sits in
/// memory.
#[derive(Debug, Default)]
pub struct ChainVerifier {
    last: Option<Head>,
}

impl ChainVerifier {
    pub fn new() -> ChainVerifier {
        ChainVerifier::default()
    }

    /// Checks the next entry of the chain.
    pub fn push(&mut self, entry: &Entry) -> Result<(), ChainError> {
        let (expected, prev) = self.last.map_or((1, Hash::GENESIS), |h| (h.seq + 1, h.hash));
        if entry.seq != expected {
            return Err(ChainError::Gap { seq: entry.seq, expected });
        }
        if !entry.hash_is_intact() {
            return Err(ChainError::Tampered { seq: entry.seq });
        }
        if entry.prev_hash != prev {
            return Err(ChainError::Broken { seq: entry.seq, prev: expected - 1 });
        }
        self.last = Some(entry.head());
        Ok(())
    }

    /// The head reached so far.
    pub fn head(&self) -> Option<Head> {
        self.last
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Link, Record};

    fn change(n: u32) -> Change {
        Change::Put {
            record: Record::Link(Link {
                id: RecordId::new(format!("l{n}")).unwrap(),
                external_id: None,
                subject: RecordId::new("a").unwrap(),
                object: RecordId::new("b").unwrap(),
                role: "mother".into(),
                sources: vec![],
            }),
        }
    }

    fn chain(n: u32) -> Vec<Entry> {
        let mut entries: Vec<Entry> = Vec::new();
        for i in 0..n {
            let prev = entries.last().map(Entry::head);
            entries.push(Entry::next(prev, format!("2026-01-01T00:00:0{i}Z"), "tester".into(), &change(i)));
        }
        entries
    }

    #[test]
    fn from_json_reads_tags_first_or_anywhere_alike() {
        let c = change(3);
        assert_eq!(Change::from_json(&c.to_json()).unwrap(), c);
        let tags_last = r#"{"record":{"id":"l3","subject":"a","object":"b","role":"mother","type":"link"},"op":"put"}"#;
        assert_eq!(Change::from_json(tags_last).unwrap(), c);
        assert!(Change::from_json(r#"{"op":"put","record":{"type":"nonsense","id":"x"}}"#).is_err());
        assert!(Change::from_json(r#"{"op":"put","record":{"type":"link","id":"l3"}}"#).is_err());
    }

    #[test]
    fn put_json_is_the_serde_form() {
        let c = change(7);
        let Change::Put { record } = &c;
        assert_eq!(Change::put_json(&record.to_json()), c.to_json());
    }

    #[test]
    fn an_intact_chain_verifies() {
        let mut v = ChainVerifier::new();
        for e in chain(5) {
            v.push(&e).unwrap();
        }
        assert_eq!(v.head().unwrap().seq, 5);
    }

    #[test]
    fn every_field_is_covered_by_the_hash() {
        let tamper: [fn(&mut Entry); 4] = [
            |e| e.change.replace_range(10..11, "X"),
            |e| e.author.push('!'),
            |e| e.time = "2027-01-01T00:00:00Z".into(),
            |e| e.prev_hash.0[0] ^= 1,
        ];
        for (i, f) in tamper.iter().enumerate() {
            let mut entries = chain(4);
            f(&mut entries[2]);
            let mut v = ChainVerifier::new();
            let err = entries.iter().try_for_each(|e| v.push(e)).unwrap_err();
            assert_eq!(err, ChainError::Tampered { seq: 3 }, "tampering #{i}");
        }
    }

    #[test]
    fn a_removed_entry_is_a_gap_and_a_rehashed_one_breaks_the_chain() {
        let mut entries = chain(4);
        entries.remove(1);
        let mut v = ChainVerifier::new();
        assert_eq!(entries.iter().try_for_each(|e| v.push(e)), Err(ChainError::Gap { seq: 3, expected: 2 }));

        let mut entries = chain(4);
        let e = &mut entries[1];
        e.author = "forger".into();
        e.hash = Entry::compute_hash(e.seq, &e.time, &e.author, &e.prev_hash, &e.change);
        let mut v = ChainVerifier::new();
        assert_eq!(entries.iter().try_for_each(|e| v.push(e)), Err(ChainError::Broken { seq: 3, prev: 2 }));
    }

    #[test]
    fn the_hash_is_stable() {
        // Pinned so that a change to the hashing rule cannot pass unnoticed: published head
        // hashes must stay checkable forever.
        let e = Entry::next(None, "2026-01-01T00:00:00Z".into(), "tester".into(), &change(0));
        assert_eq!(
            e.change,
            r#"{"op":"put","record":{"type":"link","id":"l0","subject":"a","object":"b","role":"mother"}}"#
        );
        assert_eq!(e.hash.to_hex(), "c9a5327ff3d93ac16b85d914b6f49c8e8e7af2a5e7177240e4089c610931289e");
    }
}
