//! Time-based one-time passwords (RFC 6238: HMAC-SHA-1, 30-second steps, 6 digits): the optional
//! second factor of an account, the codes an authenticator app shows.

use hmac::{Hmac, Mac};
use password_hash::rand_core::{OsRng, RngCore};

/// Seconds a code is valid for.
pub const STEP: u64 = 30;
const DIGITS: u32 = 6;
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A shared secret of 20 random bytes, written in base32 as authenticator apps read it. Its
/// `Debug` shows nothing of it.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(…)")
    }
}

impl TotpSecret {
    /// A fresh secret from the operating system's random source.
    pub fn generate() -> TotpSecret {
        let mut bytes = vec![0u8; 20];
        OsRng.fill_bytes(&mut bytes);
        TotpSecret(bytes)
    }

    /// Reads base32 (RFC 4648, case and spaces ignored, no padding needed).
    pub fn from_base32(text: &str) -> Option<TotpSecret> {
        let (mut bits, mut value, mut out) = (0u32, 0u64, Vec::new());
        for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
            let digit = BASE32.iter().position(|&b| b == c.to_ascii_uppercase() as u8)? as u64;
            value = (value << 5) | digit;
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                out.push((value >> bits) as u8);
                value &= (1 << bits) - 1;
            }
        }
        (out.len() >= 10).then_some(TotpSecret(out))
    }

    pub fn to_base32(&self) -> String {
        let (mut bits, mut value, mut out) = (0u32, 0u64, String::new());
        for &byte in &self.0 {
            value = (value << 8) | u64::from(byte);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                out.push(BASE32[((value >> bits) & 31) as usize] as char);
            }
        }
        if bits > 0 {
            out.push(BASE32[((value << (5 - bits)) & 31) as usize] as char);
        }
        out
    }

    /// The code of time step `step` (seconds since 1970 divided by [`STEP`]).
    pub fn code_at(&self, step: u64) -> u32 {
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(&step.to_be_bytes());
        let hash = mac.finalize().into_bytes();
        let offset = (hash[19] & 0x0f) as usize;
        let binary = u32::from_be_bytes([hash[offset] & 0x7f, hash[offset + 1], hash[offset + 2], hash[offset + 3]]);
        binary % 10u32.pow(DIGITS)
    }

    /// The time step whose code `code` is, within one step either side of `now` (seconds since
    /// 1970, to allow for a clock that is a little off), if any.
    pub fn matches(&self, code: &str, now: u64) -> Option<u64> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let code: u32 = code.parse().ok()?;
        let step = now / STEP;
        [step.saturating_sub(1), step, step + 1].into_iter().find(|&s| self.code_at(s) == code)
    }

    /// The `otpauth://` address an authenticator app reads (usually from a QR code).
    pub fn uri(&self, account: &str, issuer: &str) -> String {
        let escape = |s: &str| {
            s.bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect::<String>()
        };
        format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP}",
            escape(issuer),
            escape(account),
            self.to_base32(),
            escape(issuer)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_codes_of_rfc_6238() {
        // RFC 6238, appendix B, SHA-1, the last six of its eight digits.
        let secret = TotpSecret(b"12345678901234567890".to_vec());
        for (time, code) in
            [(59, 287082), (1111111109, 81804), (1111111111, 50471), (1234567890, 5924), (2000000000, 279037)]
        {
            assert_eq!(secret.code_at(time / STEP), code, "at {time}");
        }
        assert_eq!(secret.to_base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(TotpSecret::from_base32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"), Some(secret.clone()));
        assert_eq!(secret.matches("081804", 1111111109), Some(1111111109 / STEP));
        assert_eq!(secret.matches("081 804", 1111111109 + STEP), Some(1111111109 / STEP), "one step late");
        assert_eq!(secret.matches("081804", 1111111109 + 2 * STEP), None, "two steps late");
        assert_eq!(secret.matches("81804", 1111111109), None, "six digits");
        assert_eq!(format!("{secret:?}"), "TotpSecret(…)");
    }

    #[test]
    fn a_fresh_secret_round_trips_and_has_an_address() {
        let secret = TotpSecret::generate();
        assert_eq!(TotpSecret::from_base32(&secret.to_base32()), Some(secret.clone()));
        assert_ne!(secret, TotpSecret::generate());
        let uri = secret.uri("aigul serik", "dalel");
        assert!(uri.starts_with("otpauth://totp/dalel:aigul%20serik?secret="), "{uri}");
        assert_eq!(TotpSecret::from_base32("not base32!"), None);
    }
}
