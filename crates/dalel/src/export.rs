//! `dalel export`: writes the archive's records in one of the formats, kind by kind in id order,
//! so that the same archive always gives the same file. With `--public`, only what the
//! visibility policy publishes ([`Publication`]), as it allows.

use std::io::Write;

use dalel_interchange::{Format, csv::CsvWriter, ftm, jsonl};
use dalel_model::publish::Publication;
use dalel_model::{Head, Record, RecordId, RecordKind, ReviewState, Testimony};
use dalel_store::{Snapshot, Store};
use indicatif::ProgressBar;

/// What an export wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportReport {
    pub records: u64,
    pub head: Option<Head>,
}

const PAGE: u32 = 5000;

enum Sink<W: Write> {
    Csv(Box<CsvWriter<W>>),
    Lines(W),
}

/// Which records an export writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Everything: a copy for the trusted circle (a backup, a move to another archive).
    Internal,
    /// What the visibility policy publishes, as it allows.
    Public,
}

/// Writes every record (CSV: every person) to `out`, or for the public what the policy
/// publishes, all read from one snapshot, so that the records are exactly those of the ledger
/// head the export reports (and writes in a JSON lines header) even while others write.
pub async fn export(
    store: &dyn Store,
    format: Format,
    audience: Audience,
    out: impl Write,
    progress: bool,
) -> anyhow::Result<ExportReport> {
    let mut snapshot = store.snapshot().await?;
    let publication = match audience {
        Audience::Internal => None,
        Audience::Public => Some(publication(&mut *snapshot).await?),
    };
    export_snapshot(&mut *snapshot, format, publication.as_ref(), out, progress).await
}

/// What the published testimonies allow, learnt from them. Memory grows with the published
/// testimonies only.
pub async fn publication(store: &mut dyn Snapshot) -> anyhow::Result<Publication> {
    let mut publication = Publication::default();
    published_testimonies(store, |t| publication.learn(&t)).await?;
    Ok(publication)
}

/// Hands each testimony whose review reached `published` to `each`, page by page (a range of
/// the review-state index), as stored: [`Publication`] decides what of it leaves.
pub async fn published_testimonies(store: &mut dyn Snapshot, mut each: impl FnMut(Testimony)) -> anyhow::Result<()> {
    let mut after: Option<RecordId> = None;
    loop {
        let page = store.in_review(ReviewState::Published, after.as_ref(), PAGE).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id().clone());
        for record in page {
            if let Record::Testimony(t) = record {
                each(t);
            }
        }
    }
    Ok(())
}

/// How a ledger head is named in messages and in a published site's `downloads/HEAD`.
pub fn describe_head(head: Option<&Head>) -> String {
    head.map_or("empty ledger".into(), |h| format!("ledger seq {} head {}", h.seq, h.hash))
}

/// As [`export`], from one snapshot: every record, or (given a publication learnt from the same
/// snapshot) what it publishes, as it allows.
pub async fn export_snapshot(
    store: &mut dyn Snapshot,
    format: Format,
    publication: Option<&Publication>,
    out: impl Write,
    progress: bool,
) -> anyhow::Result<ExportReport> {
    let head = store.head().await?;
    let kinds: &[RecordKind] = if format == Format::Csv { &[RecordKind::Person] } else { RecordKind::ALL };
    let mut total = 0;
    for kind in kinds {
        total += store.count(*kind).await?;
    }
    let bar = if progress { ProgressBar::new(total) } else { ProgressBar::hidden() };
    let out = std::io::BufWriter::with_capacity(1 << 20, out);
    let mut sink = match format {
        Format::Csv => Sink::Csv(Box::new(CsvWriter::new(out)?)),
        Format::Jsonl => {
            let mut out = out;
            writeln!(out, "{}", jsonl::Header::new(head).to_line())?;
            Sink::Lines(out)
        }
        Format::Ftm => Sink::Lines(out),
    };
    let mut records = 0u64;
    for kind in kinds {
        let mut after: Option<RecordId> = None;
        loop {
            let listed = store.list(*kind, after.as_ref(), PAGE).await?;
            let Some(last) = listed.last() else { break };
            after = Some(last.id().clone());
            let read = listed.len() as u64;
            let page = match publication {
                None => listed,
                Some(publication) => listed.iter().filter_map(|r| publication.public(r)).collect(),
            };
            let external = match format {
                Format::Ftm => {
                    let refs: Vec<RecordId> = page.iter().flat_map(|r| r.references().into_iter().cloned()).collect();
                    store.external_ids(&refs).await?
                }
                _ => Default::default(),
            };
            let reference = |id: &RecordId| external.get(id).cloned().unwrap_or_else(|| id.to_string());
            for record in &page {
                match (&mut sink, record) {
                    (Sink::Csv(w), Record::Person(p)) => w.write(p)?,
                    (Sink::Csv(_), _) => {}
                    (Sink::Lines(out), _) if format == Format::Jsonl => {
                        writeln!(out, "{}", jsonl::record_line(record))?
                    }
                    (Sink::Lines(out), _) => {
                        for entity in ftm::to_entities(record, &reference) {
                            writeln!(out, "{}", ftm::entity_line(&entity))?;
                        }
                    }
                }
            }
            records += page.len() as u64;
            bar.inc(read);
        }
    }
    match sink {
        Sink::Csv(w) => w.finish()?.flush()?,
        Sink::Lines(mut out) => out.flush()?,
    }
    bar.finish_and_clear();
    Ok(ExportReport { records, head })
}
