//! dalel's domain model: what an archive of testimonies holds, with no I/O.
//!
//! - [`Person`], [`Testimony`], [`Episode`], [`EvidenceFile`], [`Place`] and [`Link`] are the
//!   records; [`Decision`] is a judgement that two person records are, or are not, one person;
//!   [`Record`] is any of them.
//! - [`PartialDate`] holds dates as sources give them; [`ChineseResidentId`] and [`Iin`] read
//!   identity numbers; [`IdentityNumber`] keeps a number verbatim and [`Person::flags`] says what
//!   is wrong with it.
//! - [`Script`] detects the writing system of a name.
//! - The controlled vocabularies ([`vocab`]) have stable codes and translatable labels.
//! - [`Entry`], [`Change`] and [`ChainVerifier`] are the tamper-evident ledger.
//! - [`VictimEntry`] is a victim entry: one person as all their linked records tell it, each fact with
//!   its records, contradictions kept, the timeline's doubtful steps flagged, an evidence level.
//! - [`publish::Publication`] is the visibility policy: what of the archive may be published.
//! - [`Account`] and [`Role`]: who may use dalel and what each role may do; passwords are kept
//!   as Argon2id hashes, [`Session`]s as the hashes of their [`SessionToken`]s.
//!
//! This crate knows nothing of SQL, HTTP, files or search engines (it asks the system only for
//! random salts and session tokens, in `account.rs`).

mod account;
pub mod areas;
mod date;
mod entry;
pub mod facilities;
mod ids;
mod ledger;
pub mod publish;
mod record;
mod review;
mod script;
pub mod stats;
pub mod totp;
pub mod vocab;

pub use account::{
    Account, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, Session, SessionToken, check_account_name, check_password,
    hash_password, verify_password,
};
pub use date::{DateError, DatePoint, PartialDate};
pub use entry::{EntrySources, Fact, LevelReason, Stated, Step, Testified, TimelineFlag, VictimEntry};
pub use ids::{BirthDate, ChineseResidentId, IdNumberError, Iin};
pub use ledger::{ChainError, ChainVerifier, Change, Entry, Hash, Head};
pub use record::{
    Decision, Episode, EvidenceFile, Flag, IdCheck, IdentityNumber, Link, Name, Person, Place, Questionnaire, Record,
    RecordId, RecordKind, Subject, Testifier, Testimony, Transcript, id_number_flags,
};
pub use review::{Review, ReviewAction, ReviewError};
pub use script::Script;
pub use vocab::{
    Consent, DateQualifier, DetentionKind, EpisodeKind, EvidenceLevel, Gender, IdScheme, NameKind, PlaceKind, Relation,
    Reliability, ReviewState, Role, SourceConnection, Verdict, VictimStatus,
};
