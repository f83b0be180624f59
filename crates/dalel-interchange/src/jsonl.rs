//! dalel JSON lines: a header line naming the format and its version, then one record a line in
//! the records' own JSON (the form the ledger stores).
//!
//! ```text
//! {"format":"dalel-jsonl","version":1,"ledger_seq":42,"ledger_head":"9f2c…"}
//! {"type":"person","id":"…","names":[…],…}
//! ```
//!
//! Readers of older versions upgrade step by step; version 1 is the first.

use dalel_model::{Head, Record};
use serde::{Deserialize, Serialize};

use crate::LineError;

pub const FORMAT: &str = "dalel-jsonl";
pub const VERSION: u32 = 1;

/// The first line of a dalel JSON lines file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
    /// The ledger head at the moment of export, so that a copy can be checked against a
    /// published head hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ledger_seq: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ledger_head: Option<String>,
}

impl Header {
    pub fn new(head: Option<Head>) -> Header {
        Header {
            format: FORMAT.into(),
            version: VERSION,
            ledger_seq: head.map(|h| h.seq),
            ledger_head: head.map(|h| h.hash.to_hex()),
        }
    }

    pub fn to_line(&self) -> String {
        serde_json::to_string(self).expect("header serializes")
    }

    /// Reads and checks the first line.
    pub fn parse(line: &str) -> Result<Header, LineError> {
        let header: Header = serde_json::from_str(line).map_err(|e| {
            LineError::new(1, "format", format!("not a dalel JSON lines header ({e}); the file must start with {{\"format\":\"{FORMAT}\",\"version\":{VERSION}}}"))
        })?;
        if header.format != FORMAT {
            return Err(LineError::new(1, "format", format!("is {:?}, expected {FORMAT:?}", header.format)));
        }
        if header.version == 0 || header.version > VERSION {
            return Err(LineError::new(
                1,
                "version",
                format!("version {} is not one this dalel reads (1 to {VERSION}); upgrade dalel", header.version),
            ));
        }
        Ok(header)
    }
}

/// Reads one record line.
pub fn parse_record(line_no: u64, line: &str) -> Result<Record, LineError> {
    serde_json::from_str(line).map_err(|e| {
        // serde_json names the problem but not the key; the key is usually in its message.
        let msg = e.to_string();
        let field = msg.split('`').nth(1).filter(|f| !f.contains(' ')).unwrap_or("record").to_string();
        LineError::new(line_no, field, msg)
    })
}

/// Writes one record line (without the newline).
pub fn record_line(record: &Record) -> String {
    record.to_json()
}
