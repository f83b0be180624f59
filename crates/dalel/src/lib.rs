//! The `dalel` command's work, as functions the binary and its tests call: importing and
//! exporting files ([`import`], [`export`]), publishing the static site ([`publish`]),
//! searching and comparing names ([`names`]) and generating the synthetic demo archive ([`demo`]), the accounts ([`users`]) and where an
//! archive's key file is ([`keys`]). Only `main.rs` reads arguments and the environment, and
//! `keys.rs` the one variable that says where the user's configuration lives.

pub mod dedupe;
pub mod demo;
pub mod export;
pub mod facilities;
pub mod import;
pub mod keys;
pub mod names;
pub mod publish;
pub mod users;
pub mod xref;

pub use dalel_interchange::Format;
