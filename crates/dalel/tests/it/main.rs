//! The `dalel` command at its boundaries: files in, files out, the binary run as a user runs it.

mod cli;
mod linking;
mod publish;
mod round_trip;
