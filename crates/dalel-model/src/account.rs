//! The people who use dalel: accounts, their roles and their passwords.
//!
//! A password is kept only as an Argon2id hash in the PHC string format
//! (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`, the parameters OWASP recommends), so that
//! the parameters can be raised later without breaking the hashes already stored: each hash
//! carries its own. Hashing draws its salt from the operating system's random source, the one
//! thing this crate asks of the system.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use password_hash::rand_core::OsRng;

use crate::ledger::Hash;
use crate::review::ReviewAction;
use crate::vocab::Role;

/// An account: who may sign in, with which role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// How the person signs in, and the author of what they write in the ledger.
    pub name: String,
    pub role: Role,
    /// The password's Argon2id hash ([`hash_password`]).
    pub password_hash: String,
    /// A disabled account cannot sign in; its name stays in the ledger's history.
    pub disabled: bool,
    /// The second factor's shared secret (base32, [`crate::totp::TotpSecret`]), when the
    /// account signs in with a code from an authenticator app too.
    pub totp_secret: Option<String>,
}

impl Account {
    /// An enabled account without a second factor.
    pub fn new(name: impl Into<String>, role: Role, password_hash: impl Into<String>) -> Account {
        Account { name: name.into(), role, password_hash: password_hash.into(), disabled: false, totp_secret: None }
    }
}

/// The fewest characters a password may have: dalel guards people at risk, and a passphrase of
/// a few words is easy to remember.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// The most characters a password may have (hashing a huge one would cost the server).
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// Checks an account name: 1 to 64 letters (of any script), digits, `.`, `_` or `-`.
pub fn check_account_name(name: &str) -> Result<(), String> {
    let chars = name.chars().count();
    if chars == 0 || chars > 64 {
        return Err(format!("an account name has 1 to 64 characters, not {chars}"));
    }
    match name.chars().find(|c| !(c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))) {
        Some(c) => Err(format!("an account name has letters, digits, '.', '_' and '-' only, not {c:?}")),
        None => Ok(()),
    }
}

/// Checks a new password for the account `name`.
pub fn check_password(name: &str, password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(format!("a password has at least {MIN_PASSWORD_CHARS} characters; this one has {chars}"));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(format!("a password has at most {MAX_PASSWORD_CHARS} characters"));
    }
    if password.to_lowercase().contains(&name.to_lowercase()) {
        return Err("a password must not contain the account's name".into());
    }
    Ok(())
}

/// The Argon2id hash of `password` with a fresh random salt, as a PHC string.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        // Fails only for parameters or a salt out of Argon2's bounds; the defaults are within.
        .expect("Argon2id with its default parameters hashes any password")
        .to_string()
}

/// Whether `password` is the one `hash` was made from. A hash that cannot be read matches no
/// password.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// What each role may do. The public (no account) may do none of it.
impl Role {
    /// Whether the role reads the whole archive: every person, every testimony, the search and
    /// the review queue. A volunteer reads only the testimonies they recorded.
    pub fn reads_archive(self) -> bool {
        !matches!(self, Role::Volunteer)
    }

    /// Whether the role may decide that two person records are, or are not, one person (the
    /// pairs' review queue): everyone who reads the archive. A decision is undone by another.
    pub fn decides_pairs(self) -> bool {
        self.reads_archive()
    }

    /// Whether the role may take `action` in a testimony's review. A volunteer submits their own
    /// testimonies; reviewers take them through review; editors and admins decide what is
    /// published, withheld or withdrawn.
    pub fn may_take(self, action: ReviewAction) -> bool {
        match action {
            ReviewAction::Submit => true,
            ReviewAction::StartReview | ReviewAction::Accept | ReviewAction::Return => self != Role::Volunteer,
            ReviewAction::Publish | ReviewAction::Withhold | ReviewAction::Withdraw => {
                matches!(self, Role::Admin | Role::Editor)
            }
        }
    }
}

/// A signed-in session as the archive keeps it: the hash of the token the browser holds, never
/// the token itself, so a copy of the archive signs no one in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// [`SessionToken::hash`].
    pub token_hash: Hash,
    pub account: String,
    /// Seconds since 1970, UTC.
    pub created_at: i64,
    /// Seconds since 1970, UTC; the session is over from then on.
    pub expires_at: i64,
}

/// The secret a signed-in browser holds in its cookie: 32 random bytes, as 64 hex digits.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    /// A fresh token from the operating system's random source.
    pub fn generate() -> SessionToken {
        use password_hash::rand_core::RngCore;
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        SessionToken(hex::encode(bytes))
    }

    /// Reads a token a browser sent; anything but 64 lower-case hex digits is no token.
    pub fn parse(text: &str) -> Option<SessionToken> {
        (text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
            .then(|| SessionToken(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the archive keeps of the token.
    pub fn hash(&self) -> Hash {
        Hash::of(format!("dalel-session-v1\n{}", self.0).as_bytes())
    }

    /// The token that a form or a script must send back with each change (CSRF protection):
    /// derived from the session's secret, so another site, which cannot read the session
    /// cookie, cannot compute it, and the archive need not store it.
    pub fn csrf(&self) -> String {
        Hash::of(format!("dalel-csrf-v1\n{}", self.0).as_bytes()).to_hex()
    }
}

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only_and_salts_differ() {
        let hash = hash_password("correct horse battery");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert_ne!(hash, hash_password("correct horse battery"), "a fresh salt each time");
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn names_and_passwords_are_checked_with_reasons() {
        assert!(check_account_name("aigul.serikkyzy").is_ok());
        assert!(check_account_name("Гүлнар_1").is_ok());
        assert_eq!(check_account_name("").unwrap_err(), "an account name has 1 to 64 characters, not 0");
        assert!(check_account_name("aigul serikkyzy").unwrap_err().contains("' '"));
        assert!(check_password("aigul", "short").unwrap_err().contains("at least 12"));
        assert!(check_password("aigul", "my name is AIGUL really").unwrap_err().contains("name"));
        assert!(check_password("aigul", "four words in a row").is_ok());
        assert!(check_password("aigul", &"x".repeat(MAX_PASSWORD_CHARS + 1)).is_err());
    }

    #[test]
    fn session_tokens_are_random_and_kept_only_as_hashes() {
        let (a, b) = (SessionToken::generate(), SessionToken::generate());
        assert_ne!(a, b);
        assert_eq!(SessionToken::parse(a.as_str()), Some(a.clone()));
        assert_ne!(a.hash().to_hex(), a.as_str(), "the archive never holds the token");
        assert_ne!(a.csrf(), a.hash().to_hex(), "the CSRF token is not what the archive holds");
        assert_ne!(a.csrf(), b.csrf());
        assert_eq!(format!("{a:?}"), "SessionToken(…)", "a token never reaches a log");
        for bad in ["", "0", &"A".repeat(64), &"g".repeat(64), &"0".repeat(65)] {
            assert_eq!(SessionToken::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn only_editors_and_admins_publish_and_volunteers_do_not_review() {
        use ReviewAction::*;
        for &role in Role::ALL {
            assert!(role.may_take(Submit));
            assert_eq!(role.may_take(Accept), role != Role::Volunteer, "{role:?}");
            assert_eq!(role.may_take(Publish), matches!(role, Role::Admin | Role::Editor), "{role:?}");
            assert_eq!(role.reads_archive(), role != Role::Volunteer);
        }
    }
}
