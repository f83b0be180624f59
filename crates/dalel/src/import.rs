//! `dalel import`: reads files and writes their records in one transaction, so that an import
//! holds all of its files or none of them, even when killed halfway.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use dalel_interchange::{Format, LineError, csv::CsvReader, ftm::FtmReader, jsonl};
use dalel_model::{Head, Record};
use dalel_store::{PutOutcome, Store};
use indicatif::{ProgressBar, ProgressStyle};

/// How to import.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    pub format: Format,
    pub author: String,
    /// Import the good records and write the bad ones, with reasons, to this file. Without it an
    /// import is all or nothing.
    pub rejects: Option<PathBuf>,
    pub progress: bool,
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    pub head: Option<Head>,
}

/// A bad line of a named file.
#[derive(Debug)]
pub struct Rejected {
    pub file: PathBuf,
    pub error: LineError,
    pub text: Option<String>,
}

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}: {}", self.file.display(), self.error.line, self.error.field, self.error.reason)
    }
}

/// The import failed because of bad lines; nothing was written.
#[derive(Debug, thiserror::Error)]
#[error("{} bad record(s); nothing was imported (use --skip-invalid to import the good ones)", .0.len())]
pub struct BadInput(pub Vec<Rejected>);

/// Records per batch handed from the reading thread to the writer.
const BATCH: usize = 5000;

/// Gathers parsed records into batches and hands them to the writer.
struct Batcher<F: FnMut(Vec<Record>) -> bool> {
    send: F,
    batch: Vec<Record>,
    /// The writer stopped listening (it failed): stop reading.
    closed: bool,
}

impl<F: FnMut(Vec<Record>) -> bool> Batcher<F> {
    fn push(&mut self, record: Record) {
        self.batch.push(record);
        if self.batch.len() >= BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if !self.batch.is_empty() && !self.closed {
            self.closed = !(self.send)(std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH)));
        }
    }
}

/// Imports `files` into `store`: one thread reads and parses while this task writes, and
/// everything is committed at the end in one transaction, or not at all.
pub async fn import(store: &dyn Store, files: &[PathBuf], options: &ImportOptions) -> anyhow::Result<ImportReport> {
    let mut writer = store.loader(&options.author).await?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Record>>(2);
    let reader = {
        let (files, options) = (files.to_vec(), options.clone());
        tokio::task::spawn_blocking(move || read_files(&files, &options, |batch| tx.blocking_send(batch).is_ok()))
    };
    let mut report = ImportReport::default();
    while let Some(batch) = rx.recv().await {
        for outcome in writer.put(batch).await? {
            match outcome {
                PutOutcome::Created => report.created += 1,
                PutOutcome::Updated => report.updated += 1,
                PutOutcome::Unchanged => report.unchanged += 1,
            }
        }
    }
    let rejected = reader.await.context("the reading thread failed")??;
    if !rejected.is_empty() {
        match &options.rejects {
            None => return Err(BadInput(rejected).into()),
            Some(path) => write_rejects(path, &rejected)?,
        }
    }
    report.rejected = rejected.len() as u64;
    report.head = writer.commit().await?;
    Ok(report)
}

/// Reads and parses `files`, handing good records to `send` in batches, and returns the bad ones.
/// Once a record is bad and there is no rejects file, nothing more is sent (the import will fail)
/// but reading goes on so that every bad line is reported.
fn read_files(
    files: &[PathBuf],
    options: &ImportOptions,
    send: impl FnMut(Vec<Record>) -> bool,
) -> anyhow::Result<Vec<Rejected>> {
    let mut out = Batcher { send, batch: Vec::with_capacity(BATCH), closed: false };
    let mut rejected: Vec<Rejected> = Vec::new();
    for path in files {
        let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        let bar = if options.progress { ProgressBar::new(len) } else { ProgressBar::hidden() };
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} ({eta})")
                .expect("static template")
                .progress_chars("=> "),
        );
        bar.set_message(path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        let reader = BufReader::with_capacity(1 << 20, bar.wrap_read(file));
        let reject = |rejected: &mut Vec<Rejected>, error: LineError, text: Option<String>| {
            rejected.push(Rejected { file: path.clone(), error, text });
        };
        let writing = |rejected_any: bool| options.rejects.is_some() || !rejected_any;
        match options.format {
            Format::Csv => {
                let mut csv = match CsvReader::new(reader) {
                    Ok(r) => r,
                    Err(e) => bail!("{}:{}: {}: {}", path.display(), e.line, e.field, e.reason),
                };
                let mut any_bad = !rejected.is_empty();
                while let Some(row) = csv.next_person() {
                    match row {
                        Ok(p) if writing(any_bad) => out.push(Record::Person(p)),
                        Ok(_) => {}
                        Err(e) => {
                            any_bad = true;
                            reject(&mut rejected, e, None)
                        }
                    }
                    if out.closed {
                        return Ok(rejected);
                    }
                }
            }
            Format::Ftm | Format::Jsonl => {
                let mut ftm = FtmReader::new();
                let mut any_bad = !rejected.is_empty();
                for (i, line) in reader.lines().enumerate() {
                    let n = i as u64 + 1;
                    let line = line.with_context(|| format!("{}:{n}: cannot read", path.display()))?;
                    if line.trim().is_empty() {
                        continue;
                    }
                    let parsed = match options.format {
                        Format::Jsonl if n == 1 => jsonl::Header::parse(&line).map(|_| None),
                        Format::Jsonl => jsonl::parse_record(n, &line).map(Some),
                        _ => ftm.line(n, &line),
                    };
                    match parsed {
                        Ok(Some(record)) if writing(any_bad) => out.push(record),
                        Ok(_) => {}
                        Err(e) if n == 1 && options.format == Format::Jsonl => {
                            bail!("{}:1: {}: {}", path.display(), e.field, e.reason)
                        }
                        Err(e) => {
                            any_bad = true;
                            reject(&mut rejected, e, Some(line))
                        }
                    }
                    if out.closed {
                        return Ok(rejected);
                    }
                }
                let (documents, errors) = ftm.finish();
                for e in errors {
                    reject(&mut rejected, e, None);
                }
                if writing(!rejected.is_empty()) {
                    for d in documents {
                        out.push(d);
                    }
                }
            }
        }
        bar.finish_and_clear();
    }
    out.flush();
    Ok(rejected)
}

/// Writes one reject a line: `file:line: field: reason`, a tab, and the line as it was.
fn write_rejects(path: &Path, rejected: &[Rejected]) -> anyhow::Result<()> {
    let mut f =
        std::io::BufWriter::new(File::create(path).with_context(|| format!("cannot create {}", path.display()))?);
    for r in rejected {
        writeln!(f, "{r}\t{}", r.text.as_deref().unwrap_or(""))?;
    }
    f.flush()?;
    Ok(())
}
