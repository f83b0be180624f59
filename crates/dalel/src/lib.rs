//! The `dalel` command's work, as functions the binary and its tests call: importing and
//! exporting files ([`import`], [`export`]), searching and comparing names ([`names`]) and
//! generating the synthetic demo archive ([`demo`]) and the accounts ([`users`]).
//! Only `main.rs` reads arguments and the environment.

pub mod demo;
pub mod export;
pub mod import;
pub mod names;
pub mod users;

pub use dalel_interchange::Format;
