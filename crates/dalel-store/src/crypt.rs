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

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
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
            assert_eq!(info.sha256, <[u8; 32]>::from(Sha256::digest(&plain)));
        }
        let box_ = sealed(&key, "part", b"Aidar Serikuly");
        let other = ArchiveKey::generate().unwrap();
        assert!(matches!(open(&other, "part", &box_[..], io::sink()), Err(SealError::Tampered(_))));
        assert!(matches!(open(&key, "another part", &box_[..], io::sink()), Err(SealError::Tampered(_))));
        assert!(matches!(open(&key, "part", &b"plain text"[..], io::sink()), Err(SealError::NotSealed)));
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
        }
        // Cut at a chunk's end: the remaining last chunk was not sealed as the last.
        let cut = &box_[..MAGIC.len() + PREFIX + CHUNK + TAG];
        assert!(matches!(open(&key, "p", cut, io::sink()), Err(SealError::Tampered(_))));
        let mut longer = box_.clone();
        longer.extend_from_slice(&[0; 20]);
        assert!(open(&key, "p", &longer[..], io::sink()).is_err());
    }
}
