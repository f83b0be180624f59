//! `dalel xref`: an outside list of people (a leaked police list, a prisoners' list; CSV, FtM
//! or a spreadsheet) matched against the archive's person records without importing it, and a
//! report of the matches with their scores and reasons, as CSV and as a readable HTML page.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use dalel_interchange::{LineError, csv::CsvReader, ftm::FtmReader, xlsx};
use dalel_link::{CrossMatch, Subject, Thresholds, cross_match};
use dalel_model::{Person, Record};
use dalel_store::Store;
use maud::{DOCTYPE, Markup, html};

/// The formats of outside lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListFormat {
    Csv,
    Ftm,
    Xlsx,
}

impl ListFormat {
    /// The format a file's name suggests.
    pub fn guess(path: &Path) -> Option<ListFormat> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        let ends = |exts: &[&str]| exts.iter().any(|e| name.ends_with(e));
        if ends(&[".csv"]) {
            Some(ListFormat::Csv)
        } else if ends(&[".jsonl", ".ftm.json", ".ndjson"]) {
            Some(ListFormat::Ftm)
        } else if ends(&[".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"]) {
            Some(ListFormat::Xlsx)
        } else {
            None
        }
    }
}

/// A list's people, each with the line (or sheet row) it came from.
pub struct List {
    pub people: Vec<(u64, Person)>,
    /// Lines that could not be read (with `skip_invalid`; otherwise reading fails).
    pub bad: Vec<LineError>,
    /// Entities of an FtM file that are not people (companies, addresses), not matched.
    pub not_people: u64,
}

/// Reads the people of the list at `path`. A bad line fails the whole reading, naming the file,
/// line and field, unless `skip_invalid`, which keeps the good ones and lists the bad.
pub fn read_list(path: &Path, format: ListFormat, skip_invalid: bool) -> anyhow::Result<List> {
    let mut list = List { people: Vec::new(), bad: Vec::new(), not_people: 0 };
    let open = || File::open(path).with_context(|| format!("cannot open {}", path.display()));
    let fatal = |e: LineError| anyhow::anyhow!("{}:{}: {}: {}", path.display(), e.line, e.field, e.reason);
    match format {
        ListFormat::Csv => {
            let mut reader = CsvReader::new(BufReader::new(open()?)).map_err(fatal)?;
            while let Some(row) = reader.next_person() {
                match row {
                    Ok(p) => list.people.push((reader.line(), p)),
                    Err(e) => list.bad.push(e),
                }
            }
        }
        ListFormat::Ftm => {
            let mut reader = FtmReader::new();
            for (i, text) in BufReader::new(open()?).lines().enumerate() {
                let n = i as u64 + 1;
                let text = text.with_context(|| format!("{}:{n}: cannot read", path.display()))?;
                if text.trim().is_empty() {
                    continue;
                }
                match reader.line(n, &text) {
                    Ok(Some(Record::Person(p))) => list.people.push((n, p)),
                    Ok(_) => list.not_people += 1,
                    Err(e) if e.field == "schema" => list.not_people += 1,
                    Err(e) => list.bad.push(e),
                }
            }
        }
        ListFormat::Xlsx => {
            let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            for (line, row) in xlsx::read_people(&bytes).map_err(fatal)? {
                match row {
                    Ok(p) => list.people.push((line, p)),
                    Err(e) => list.bad.push(e),
                }
            }
        }
    }
    if !skip_invalid && let Some(first) = list.bad.first().cloned() {
        let more = list.bad.len() - 1;
        let more = if more > 0 { format!(" (and {more} more bad lines)") } else { String::new() };
        bail!("{}{more}; nothing was matched (use --skip-invalid to match the good ones)", fatal(first));
    }
    Ok(list)
}

/// A row of the report: a person of the list and a record of the archive that may be them.
pub struct Match<'a> {
    pub line: u64,
    pub listed: &'a Person,
    pub archived: &'a Person,
    pub probability: f64,
    pub verdict: &'static str,
    pub reasons: Vec<String>,
}

/// Matches `list` against every person record of `store` and returns the archive's people
/// with the outcome (pairs at least `thresholds.review` likely, most likely first).
pub async fn run(store: &dyn Store, list: &List, thresholds: Thresholds) -> anyhow::Result<(Vec<Person>, CrossMatch)> {
    let archived = crate::dedupe::persons(&mut *store.snapshot().await?).await?;
    let archive: Vec<Subject> = archived.iter().map(Subject::of).collect();
    let listed: Vec<Subject> = list.people.iter().map(|(_, p)| Subject::of(p)).collect();
    Ok((archived, cross_match(&archive, &listed, thresholds.review, 2026)))
}

/// The outcome as report rows, most likely first.
pub fn matches<'a>(
    list: &'a List,
    archived: &'a [Person],
    found: &CrossMatch,
    thresholds: Thresholds,
) -> Vec<Match<'a>> {
    found
        .pairs
        .iter()
        .map(|w| {
            let (line, listed) = &list.people[w.b];
            Match {
                line: *line,
                listed,
                archived: &archived[w.a],
                probability: w.probability,
                verdict: if w.probability >= thresholds.link { "match" } else { "possible" },
                reasons: crate::dedupe::reasons(&found.model, w),
            }
        })
        .collect()
}

/// The columns of the CSV report.
pub const REPORT_COLUMNS: &[&str] = &[
    "list_row",
    "list_id",
    "list_name",
    "verdict",
    "score",
    "archive_record",
    "archive_id",
    "entry",
    "archive_name",
    "reasons",
];

/// Writes `PREFIX.csv` and `PREFIX.html`, each complete or not at all (written beside, then
/// renamed), readable by their owner only: they hold the archive's names.
pub fn write_report(prefix: &Path, source: &Path, list: &List, rows: &[Match]) -> anyhow::Result<(PathBuf, PathBuf)> {
    let csv_path = with_suffix(prefix, "csv");
    let html_path = with_suffix(prefix, "html");
    write_atomically(&csv_path, |out| {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(REPORT_COLUMNS)?;
        for m in rows {
            w.write_record([
                m.line.to_string(),
                m.listed.external_id.clone().unwrap_or_default(),
                m.listed.display_name().to_string(),
                m.verdict.to_string(),
                format!("{:.4}", m.probability),
                m.archived.id.to_string(),
                m.archived.external_id.clone().unwrap_or_default(),
                m.archived.id.public_id(),
                names(m.archived),
                m.reasons.join("; "),
            ])?;
        }
        w.flush()?;
        Ok(())
    })?;
    write_atomically(&html_path, |out| Ok(out.write_all(page(source, list, rows).into_string().as_bytes())?))?;
    Ok((csv_path, html_path))
}

fn names(p: &Person) -> String {
    p.names.iter().map(|n| n.text.as_str()).collect::<Vec<_>>().join(" | ")
}

fn with_suffix(prefix: &Path, ext: &str) -> PathBuf {
    let mut name = prefix.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

fn write_atomically(path: &Path, write: impl FnOnce(&mut File) -> anyhow::Result<()>) -> anyhow::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".xref-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    write(tmp.as_file_mut()).with_context(|| format!("cannot write {}", path.display()))?;
    tmp.as_file().sync_all()?;
    // tempfile creates the file readable by its owner only.
    tmp.persist(path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn page(source: &Path, list: &List, rows: &[Match]) -> Markup {
    let sure = rows.iter().filter(|m| m.verdict == "match").count();
    let file = source.file_name().map_or_else(|| source.display().to_string(), |f| f.to_string_lossy().into_owned());
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "dalel xref: " (file) }
                style { (STYLE) }
            }
            body {
                main {
                    h1 { "People of " (file) " in the archive" }
                    p {
                        (list.people.len()) " people read from the list; "
                        (sure) " pairs likely to be one person (match), "
                        (rows.len() - sure) " possible (to check by hand)."
                    }
                    p.warning { "This report holds names from the archive: keep it as you keep the archive." }
                    @if list.not_people > 0 {
                        p { (list.not_people) " entities of the file are not people and were not matched." }
                    }
                    @if rows.is_empty() {
                        p { "No one on the list resembles anyone in the archive." }
                    } @else {
                        table {
                            caption { "Pairs, most likely first" }
                            thead { tr {
                                th scope="col" { "Row" } th scope="col" { "On the list" } th scope="col" { "Verdict" }
                                th scope="col" { "Score" } th scope="col" { "In the archive" } th scope="col" { "Entry" }
                                th scope="col" { "Why" }
                            } }
                            tbody {
                                @for m in rows {
                                    tr class=(m.verdict) {
                                        td { (m.line) }
                                        td { (m.listed.display_name()) @if let Some(id) = &m.listed.external_id { br; small { (id) } } }
                                        td { (m.verdict) }
                                        td { (format!("{:.3}", m.probability)) }
                                        td { (names(m.archived)) br; small { (m.archived.id) } }
                                        td { (m.archived.id.public_id()) }
                                        td { ul { @for r in &m.reasons { li { (r) } } } }
                                    }
                                }
                            }
                        }
                    }
                    @if !list.bad.is_empty() {
                        h2 { "Rows not read" }
                        ul { @for e in &list.bad { li { "row " (e.line) ", " (e.field) ": " (e.reason) } } }
                    }
                }
            }
        }
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem;color:#1a1a1a}\
table{border-collapse:collapse;width:100%}th,td{border:1px solid #bbb;padding:.4rem;vertical-align:top;text-align:left}\
tr.match td:nth-child(3){font-weight:bold}small{color:#555}.warning{color:#8a1c1c}ul{margin:0;padding-left:1.2rem}";
