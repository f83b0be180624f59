//! `verify`: the ledger's hash chain, the derived tables against the ledger, and every evidence
//! file against its hash. Stops at, and names, the first thing that does not match.

use dalel_model::{ChainError, ChainVerifier, Hash, Head, Record, RecordId, RecordKind};

use crate::{EvidenceStore, Store, StoreError};

/// What a successful verification covered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyReport {
    pub entries: u64,
    pub head: Option<Head>,
    pub evidence_files: u64,
}

/// Progress, for a progress bar.
#[derive(Clone, Copy, Debug)]
pub enum VerifyProgress {
    Entries(u64),
    EvidenceFiles(u64),
}

/// The first thing that does not match.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("{0}")]
    Chain(#[from] ChainError),
    #[error("record {0}: the derived tables do not hold what the ledger says (run `dalel rebuild`)")]
    Derived(RecordId),
    #[error("evidence file {id} ({sha256}): {reason}")]
    Evidence { id: RecordId, sha256: String, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

const PAGE: u32 = 10_000;

/// Verifies an archive end to end.
pub async fn verify(
    store: &dyn Store,
    evidence: &EvidenceStore,
    mut progress: impl FnMut(VerifyProgress),
) -> Result<VerifyReport, VerifyError> {
    let mut chain = ChainVerifier::new();
    let mut count = 0u64;
    loop {
        let entries = store.entries(chain.head().map_or(0, |h| h.seq), PAGE).await?;
        if entries.is_empty() {
            break;
        }
        for entry in &entries {
            chain.push(entry)?;
        }
        count += entries.len() as u64;
        progress(VerifyProgress::Entries(count));
    }
    if let Some(id) = store.first_derived_mismatch().await? {
        return Err(VerifyError::Derived(id));
    }

    let mut files = 0u64;
    let mut after: Option<RecordId> = None;
    loop {
        let page = store.list(RecordKind::EvidenceFile, after.as_ref(), 1000).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id().clone());
        for record in &page {
            let Record::EvidenceFile(file) = record else { continue };
            let problem = match Hash::from_hex(&file.sha256) {
                None => Err("the record's sha256 is not a SHA-256 in hex".to_string()),
                Some(hash) => evidence.check(&hash, file.size),
            };
            if let Err(reason) = problem {
                return Err(VerifyError::Evidence { id: file.id.clone(), sha256: file.sha256.clone(), reason });
            }
            files += 1;
        }
        progress(VerifyProgress::EvidenceFiles(files));
    }
    Ok(VerifyReport { entries: count, head: chain.head(), evidence_files: files })
}
