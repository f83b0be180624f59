//! Sealed files: a stream of any length encrypted and authenticated with XChaCha20-Poly1305 under
//! an [`ArchiveKey`], in chunks of 1 MiB (the STREAM construction: each chunk's nonce is the
//! file's random 19-byte prefix, the chunk's number and a flag on the last one), so that a file
//! of any size is sealed and opened in constant memory, and a changed, reordered, cut or
//! appended byte is detected. A label (the part's name) is authenticated with every chunk, so
//! that one sealed part cannot stand in for another.
//!
//! ```text
//! "dalel-sealed-1\n" (15 bytes) | nonce prefix (19 bytes) | chunk 0 | chunk 1 | ... | last chunk
//! chunk = ciphertext of up to 1 MiB + 16-byte tag
//! ```

use std::io::{self, BufRead, BufReader, Read, Write};

use aes_gcm::{Aes256Gcm, Nonce};
use chacha20poly1305::aead::{Aead, AeadInPlace, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

use crate::keys::{ArchiveKey, random};

const MAGIC: &[u8; 15] = b"dalel-sealed-1\n";
const PREFIX: usize = 19;
const CHUNK: usize = 1 << 20;
const TAG: usize = 16;

/// Why a sealed file cannot be opened.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error(transparent)]
    Io(#[from] io::Error),
    #[error("not a dalel sealed file")]
    NotSealed,
    /// The wrong key, or a byte changed, added, or cut.
    #[error("does not decrypt: the wrong key, or the file was changed or cut (at byte {0} or after)")]
    Tampered(u64),
    #[error("{0}")]
    Random(String),
}

/// What a sealed stream held: its size and SHA-256, in plain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plain {
    pub size: u64,
    pub sha256: [u8; 32],
}

fn nonce(prefix: &[u8; PREFIX], counter: u32, last: bool) -> XNonce {
    let mut n = [0u8; 24];
    n[..PREFIX].copy_from_slice(prefix);
    n[PREFIX..PREFIX + 4].copy_from_slice(&counter.to_be_bytes());
    n[23] = u8::from(last);
    XNonce::from(n)
}

/// Reads until `buf` is full or the stream ends; returns how much was read.
fn fill(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Encrypts everything `reader` gives into `writer` under `key`, bound to `label`.
pub fn seal(key: &ArchiveKey, label: &str, reader: impl Read, mut writer: impl Write) -> Result<Plain, SealError> {
    let cipher = XChaCha20Poly1305::new((&key.0).into());
    let mut prefix = [0u8; PREFIX];
    random(&mut prefix).map_err(|e| SealError::Random(e.to_string()))?;
    writer.write_all(MAGIC)?;
    writer.write_all(&prefix)?;
    let mut reader = BufReader::with_capacity(CHUNK, reader);
    let mut buf = vec![0u8; CHUNK];
    let (mut hasher, mut size, mut counter) = (Sha256::new(), 0u64, 0u32);
    loop {
        let n = fill(&mut reader, &mut buf)?;
        let last = reader.fill_buf()?.is_empty();
        hasher.update(&buf[..n]);
        size += n as u64;
        let sealed = cipher
            .encrypt(&nonce(&prefix, counter, last), Payload { msg: &buf[..n], aad: label.as_bytes() })
            .map_err(|_| SealError::Random("encryption failed".into()))?;
        writer.write_all(&sealed)?;
        if last {
            break;
        }
        counter = counter.checked_add(1).ok_or_else(|| SealError::Random("a file over 4 PiB".into()))?;
    }
    writer.flush()?;
    Ok(Plain { size, sha256: hasher.finalize().into() })
}

/// Decrypts a sealed stream into `writer`, checking every chunk; nothing is trusted until the
/// call returns `Ok` (a caller writing to a file removes it on an error).
pub fn open(key: &ArchiveKey, label: &str, reader: impl Read, mut writer: impl Write) -> Result<Plain, SealError> {
    let cipher = XChaCha20Poly1305::new((&key.0).into());
    let mut reader = BufReader::with_capacity(CHUNK + TAG, reader);
    let mut head = [0u8; MAGIC.len() + PREFIX];
    if fill(&mut reader, &mut head)? != head.len() || &head[..MAGIC.len()] != MAGIC {
        return Err(SealError::NotSealed);
    }
    let prefix: [u8; PREFIX] = head[MAGIC.len()..].try_into().expect("sized above");
    let mut buf = vec![0u8; CHUNK + TAG];
    let (mut hasher, mut size, mut counter, mut at) = (Sha256::new(), 0u64, 0u32, head.len() as u64);
    loop {
        let n = fill(&mut reader, &mut buf)?;
        let last = reader.fill_buf()?.is_empty();
        let plain = cipher
            .decrypt(&nonce(&prefix, counter, last), Payload { msg: &buf[..n], aad: label.as_bytes() })
            .map_err(|_| SealError::Tampered(at))?;
        hasher.update(&plain);
        writer.write_all(&plain)?;
        size += plain.len() as u64;
        at += n as u64;
        if last {
            break;
        }
        counter = counter.checked_add(1).ok_or(SealError::Tampered(at))?;
    }
    writer.flush()?;
    Ok(Plain { size, sha256: hasher.finalize().into() })
}

/// [`open`] for a sealed file read whole into memory: decrypted in place, its chunks shared
/// among the machine's cores, then the plain text moved down over the headers and tags, so that
/// opening it needs no second buffer (nor the SHA-256 of the plain text, which [`open`] reports
/// and a file read back into memory does not need).
pub fn open_in_place(key: &ArchiveKey, label: &str, mut sealed: Vec<u8>) -> Result<Vec<u8>, SealError> {
    let cipher = XChaCha20Poly1305::new((&key.0).into());
    let head = MAGIC.len() + PREFIX;
    if sealed.len() < head || &sealed[..MAGIC.len()] != MAGIC {
        return Err(SealError::NotSealed);
    }
    let prefix: [u8; PREFIX] = sealed[MAGIC.len()..head].try_into().expect("sized above");
    // Every chunk but the last is whole; the last holds its tag at least.
    let chunks = (sealed.len() - head).div_ceil(CHUNK + TAG);
    let last_len = (sealed.len() - head) - chunks.saturating_sub(1) * (CHUNK + TAG);
    if chunks == 0 || last_len < TAG {
        return Err(SealError::Tampered(sealed.len().saturating_sub(last_len) as u64));
    }
    if u32::try_from(chunks - 1).is_err() {
        return Err(SealError::Tampered(sealed.len() as u64));
    }
    let open_chunk = |counter: usize, chunk: &mut [u8]| -> Result<(), SealError> {
        let at = (head + counter * (CHUNK + TAG)) as u64;
        let (text, tag) = chunk.split_at_mut(chunk.len() - TAG);
        let tag = chacha20poly1305::Tag::clone_from_slice(tag);
        let nonce = nonce(&prefix, counter as u32, counter + 1 == chunks);
        cipher.decrypt_in_place_detached(&nonce, label.as_bytes(), text, &tag).map_err(|_| SealError::Tampered(at))
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(chunks);
    let mut shares: Vec<Vec<(usize, &mut [u8])>> = (0..threads).map(|_| Vec::new()).collect();
    for (counter, chunk) in sealed[head..].chunks_mut(CHUNK + TAG).enumerate() {
        shares[counter % threads].push((counter, chunk));
    }
    let failed = std::thread::scope(|scope| {
        let workers: Vec<_> = shares
            .into_iter()
            .map(|share| scope.spawn(|| share.into_iter().map(|(n, chunk)| open_chunk(n, chunk)).find(Result::is_err)))
            .collect();
        // The first chunk that does not decrypt, as reading in order would find.
        workers
            .into_iter()
            .filter_map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .filter_map(Result::err)
            .min_by_key(|e| match e {
                SealError::Tampered(at) => *at,
                _ => 0,
            })
    });
    if let Some(error) = failed {
        return Err(error);
    }
    // The plain text moved down over the headers and tags.
    let mut plain = 0;
    for counter in 0..chunks {
        let at = head + counter * (CHUNK + TAG);
        let n = if counter + 1 == chunks { last_len } else { CHUNK + TAG };
        sealed.copy_within(at..at + n - TAG, plain);
        plain += n - TAG;
    }
    sealed.truncate(plain);
    Ok(sealed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealed(key: &ArchiveKey, label: &str, plain: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        seal(key, label, plain, &mut out).unwrap();
        out
    }

    #[test]
    fn what_is_sealed_opens_with_its_key_and_label_only() {
        let key = ArchiveKey::generate().unwrap();
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 5] {
            let plain: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let box_ = sealed(&key, "part", &plain);
            if len >= 16 {
                assert!(!box_.windows(16).any(|w| w == &plain[..16]), "no plain text in the sealed file");
            }
            let mut out = Vec::new();
            let info = open(&key, "part", &box_[..], &mut out).unwrap();
            assert_eq!((out.len(), info.size), (len, len as u64));
            assert!(out == plain, "{len} bytes");
            assert!(open_in_place(&key, "part", box_.clone()).unwrap() == plain, "{len} bytes, in place");
            assert_eq!(info.sha256, <[u8; 32]>::from(Sha256::digest(&plain)));
        }
        let box_ = sealed(&key, "part", b"Aidar Serikuly");
        let other = ArchiveKey::generate().unwrap();
        assert!(matches!(open(&other, "part", &box_[..], io::sink()), Err(SealError::Tampered(_))));
        assert!(matches!(open(&key, "another part", &box_[..], io::sink()), Err(SealError::Tampered(_))));
        assert!(matches!(open(&key, "part", &b"plain text"[..], io::sink()), Err(SealError::NotSealed)));
        assert!(matches!(open_in_place(&other, "part", box_.clone()), Err(SealError::Tampered(_))));
        assert!(matches!(open_in_place(&key, "another part", box_.clone()), Err(SealError::Tampered(_))));
        assert!(matches!(open_in_place(&key, "part", b"plain text".to_vec()), Err(SealError::NotSealed)));
    }

    #[test]
    fn a_changed_cut_or_lengthened_file_is_detected() {
        let key = ArchiveKey::generate().unwrap();
        let plain = vec![7u8; 2 * CHUNK + 100];
        let box_ = sealed(&key, "p", &plain);
        for at in [MAGIC.len() + 3, MAGIC.len() + PREFIX + 10, box_.len() / 2, box_.len() - 1] {
            let mut bad = box_.clone();
            bad[at] ^= 1;
            assert!(open(&key, "p", &bad[..], io::sink()).is_err(), "a byte changed at {at}");
            assert!(open_in_place(&key, "p", bad).is_err(), "a byte changed at {at}, in place");
        }
        // Cut at a chunk's end: the remaining last chunk was not sealed as the last.
        let cut = &box_[..MAGIC.len() + PREFIX + CHUNK + TAG];
        assert!(matches!(open(&key, "p", cut, io::sink()), Err(SealError::Tampered(_))));
        assert!(matches!(open_in_place(&key, "p", cut.to_vec()), Err(SealError::Tampered(_))));
        let mut longer = box_.clone();
        longer.extend_from_slice(&[0; 20]);
        assert!(open(&key, "p", &longer[..], io::sink()).is_err());
        assert!(open_in_place(&key, "p", longer).is_err());
        // Cut inside the first chunk's tag, and to nothing after the header.
        assert!(open_in_place(&key, "p", box_[..MAGIC.len() + PREFIX + 10].to_vec()).is_err());
        assert!(open_in_place(&key, "p", box_[..MAGIC.len() + PREFIX].to_vec()).is_err());
    }
}

/// Seals the database's sensitive fields, each on its own: a ledger entry's change (the record's
/// JSON) with AES-256-GCM under a key derived from the archive's, the entry's number as
/// associated data (a sealed change cannot be moved to another entry). The nonce is the writing
/// transaction's random 96-bit prefix with the entry's number XORed into it (as TLS 1.3 makes its
/// nonces): unique within a transaction, and across transactions as random nonces are, also
/// when a rolled-back transaction's numbers are used again. A sealed field is
/// `nonce (12 bytes) | ciphertext | tag (16 bytes)`.
///
/// AES-256-GCM rather than the XChaCha20-Poly1305 of sealed files: with the processor's AES
/// instructions it seals a 500-byte change in 0.6 µs against 2.6 µs (docs/benchmarks.md), which
/// is the difference between an import meeting its target or not.
#[derive(Clone)]
pub struct FieldCipher(Aes256Gcm);

impl std::fmt::Debug for FieldCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FieldCipher(…)")
    }
}

/// A writing transaction's own nonce prefix ([`FieldCipher::seal`]).
pub type NoncePrefix = [u8; 12];

const FIELD_NONCE: usize = 12;

impl FieldCipher {
    pub fn new(key: &ArchiveKey) -> FieldCipher {
        let mut h = Sha256::new();
        h.update(b"dalel-fields-v1\n");
        h.update(key.0);
        let derived: [u8; 32] = h.finalize().into();
        FieldCipher(Aes256Gcm::new((&derived).into()))
    }

    /// A fresh nonce prefix for one writing transaction.
    pub fn prefix() -> Result<NoncePrefix, SealError> {
        let mut prefix = [0u8; FIELD_NONCE];
        random(&mut prefix).map_err(|e| SealError::Random(e.to_string()))?;
        Ok(prefix)
    }

    /// Seals the change of ledger entry `seq`.
    pub fn seal(&self, prefix: &NoncePrefix, seq: u64, plain: &str) -> Vec<u8> {
        let mut nonce = *prefix;
        for (n, s) in nonce[4..].iter_mut().zip(seq.to_be_bytes()) {
            *n ^= s;
        }
        let mut out = Vec::with_capacity(FIELD_NONCE + plain.len() + TAG);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(plain.as_bytes());
        let tag = self
            .0
            .encrypt_in_place_detached(Nonce::from_slice(&nonce), &seq.to_be_bytes(), &mut out[FIELD_NONCE..])
            .expect("AES-256-GCM seals a message of any length a ledger entry has");
        out.extend_from_slice(&tag);
        out
    }

    /// Opens the sealed change of ledger entry `seq`.
    pub fn open(&self, seq: u64, sealed: &[u8]) -> Result<String, SealError> {
        if sealed.len() < FIELD_NONCE + TAG {
            return Err(SealError::Tampered(0));
        }
        let (nonce, body) = sealed.split_at(FIELD_NONCE);
        let plain = self
            .0
            .decrypt(Nonce::from_slice(nonce), Payload { msg: body, aad: &seq.to_be_bytes() })
            .map_err(|_| SealError::Tampered(0))?;
        String::from_utf8(plain).map_err(|_| SealError::Tampered(0))
    }
}

#[cfg(test)]
mod field_tests {
    use super::*;

    #[test]
    fn a_field_opens_under_its_key_and_entry_only() {
        let key = ArchiveKey::generate().unwrap();
        let cipher = FieldCipher::new(&key);
        let prefix = FieldCipher::prefix().unwrap();
        let sealed = cipher.seal(&prefix, 7, r#"{"name":"Aidar Serikuly"}"#);
        assert!(!String::from_utf8_lossy(&sealed).contains("Aidar"));
        assert_eq!(cipher.open(7, &sealed).unwrap(), r#"{"name":"Aidar Serikuly"}"#);
        assert!(cipher.open(8, &sealed).is_err(), "moved to another entry");
        assert!(FieldCipher::new(&ArchiveKey::generate().unwrap()).open(7, &sealed).is_err());
        let mut changed = sealed.clone();
        *changed.last_mut().unwrap() ^= 1;
        assert!(cipher.open(7, &changed).is_err());
        assert_ne!(cipher.seal(&FieldCipher::prefix().unwrap(), 7, "x"), cipher.seal(&prefix, 7, "x"));
    }
}
