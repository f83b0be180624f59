//! `dalel xref`: an outside list of people (a leaked police list, a prisoners' list; CSV, FtM
//! or a spreadsheet) matched against the archive's person records without importing it, and a
//! report of the matches with their scores and reasons, as CSV and as a readable HTML page.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use dalel_interchange::{LineError, csv::CsvReader, ftm::FtmReader, xlsx};
use dalel_link::{CrossMatch, Subject, Thresholds, cross_match, on_every_core};
use dalel_model::{Person, Record, RecordId};
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

/// The archive's person records that a list matched, by their places among the archive's
/// person records in the order of their ids (a pair's `a`).
pub type Archived = HashMap<usize, Person>;

/// Matches `list` against every person record of `store` and returns the outcome (pairs at
/// least `thresholds.review` likely, most likely first) with the archive's records it names.
/// The archive's records are prepared a page at a time and read again for the report only
/// where they matched, so that they are never all in memory at once.
pub async fn run(store: &dyn Store, list: &List, thresholds: Thresholds) -> anyhow::Result<(Archived, CrossMatch)> {
    let mut snapshot = store.snapshot().await?;
    let (members, archive, keyed) = crate::dedupe::subjects(&mut *snapshot).await?;
    let listed: Vec<Subject> = on_every_core(&list.people, |(_, p)| Subject::of(p));
    let found = cross_match(&archive, keyed, &listed, thresholds.review, 2026);
    drop(archive);
    let matched: HashMap<RecordId, usize> = found.pairs.iter().map(|w| (members[w.a].id.clone(), w.a)).collect();
    Ok((crate::dedupe::persons_at(&mut *snapshot, &matched).await?, found))
}

/// The outcome as report rows, most likely first.
pub fn matches<'a>(
    list: &'a List,
    archived: &'a Archived,
    found: &CrossMatch,
    thresholds: Thresholds,
) -> Vec<Match<'a>> {
    found
        .pairs
        .iter()
        .filter_map(|w| {
            let (line, listed) = &list.people[w.b];
            Some(Match {
                line: *line,
                listed,
                archived: archived.get(&w.a)?,
                probability: w.probability,
                verdict: if w.probability >= thresholds.link { "match" } else { "possible" },
                reasons: crate::dedupe::reasons(&found.model, w),
            })
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

/// How many pairs one page of the HTML report shows: a list of 300,000 rows can give hundreds of
/// thousands, more than a browser shows in one page.
pub const PAGE_PAIRS: usize = 1000;

/// Writes `PREFIX.csv` and the HTML report, each complete or not at all (written beside, then
/// renamed), readable by their owner only: they hold the archive's names. The HTML report is
/// `PREFIX.html` (the summary and the first [`PAGE_PAIRS`] pairs) and, when there are more,
/// `PREFIX.pages/2.html` and on, replaced whole.
pub fn write_report(prefix: &Path, source: &Path, list: &List, rows: &[Match]) -> anyhow::Result<(PathBuf, PathBuf)> {
    write_report_in_pages(prefix, source, list, rows, PAGE_PAIRS)
}

fn write_report_in_pages(
    prefix: &Path,
    source: &Path,
    list: &List,
    rows: &[Match],
    per_page: usize,
) -> anyhow::Result<(PathBuf, PathBuf)> {
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
    let report = Report::new(source, list, rows, &html_path, per_page.max(1));
    // The later pages first, as a whole directory put in place of the old one (so that no page
    // of an earlier, longer report stays behind), then the first page, which leads to them.
    let pages_dir = with_suffix(prefix, "pages");
    remove_dir(&pages_dir)?;
    if report.pages > 1 {
        let parent = pages_dir.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let fresh = tempfile::Builder::new()
            .prefix(".xref-pages-")
            .tempdir_in(parent)
            .with_context(|| format!("cannot write in {}", parent.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(fresh.path(), std::fs::Permissions::from_mode(0o700))
                .with_context(|| format!("cannot write in {}", parent.display()))?;
        }
        for n in 2..=report.pages {
            let path = fresh.path().join(format!("{n}.html"));
            std::fs::write(&path, report.page(n).into_string())
                .with_context(|| format!("cannot write {}", pages_dir.join(format!("{n}.html")).display()))?;
        }
        let fresh = fresh.keep();
        if let Err(e) = std::fs::rename(&fresh, &pages_dir) {
            let _ = std::fs::remove_dir_all(&fresh);
            return Err(e).with_context(|| format!("cannot write {}", pages_dir.display()));
        }
    }
    write_atomically(&html_path, |out| Ok(out.write_all(report.page(1).into_string().as_bytes())?))?;
    Ok((csv_path, html_path))
}

fn remove_dir(dir: &Path) -> anyhow::Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove the old pages {}", dir.display()))
        }
        _ => Ok(()),
    }
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

/// The HTML report, page by page.
struct Report<'a> {
    file: String,
    list: &'a List,
    rows: &'a [Match<'a>],
    /// How many of the rows are a match.
    sure: usize,
    per_page: usize,
    pages: usize,
    /// The first page's file name and the later pages' directory name, as links.
    first: String,
    dir: String,
}

/// A file name as a relative link: the characters that would end or break one escaped.
fn href(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '%' => out.push_str("%25"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            ' ' => out.push_str("%20"),
            '"' => out.push_str("%22"),
            c => out.push(c),
        }
    }
    out
}

impl<'a> Report<'a> {
    fn new(source: &Path, list: &'a List, rows: &'a [Match<'a>], html_path: &Path, per_page: usize) -> Report<'a> {
        let name =
            |p: &Path| p.file_name().map_or_else(|| p.display().to_string(), |f| f.to_string_lossy().into_owned());
        let first = name(html_path);
        let dir = href(&format!("{}.pages", first.strip_suffix(".html").unwrap_or(&first)));
        Report {
            file: name(source),
            list,
            rows,
            sure: rows.iter().filter(|m| m.verdict == "match").count(),
            per_page,
            pages: rows.len().div_ceil(per_page).max(1),
            first: href(&first),
            dir,
        }
    }

    /// Where page `n` is, seen from page `from`.
    fn link(&self, from: usize, n: usize) -> String {
        match (from, n) {
            (1, 1) => self.first.clone(),
            (1, n) => format!("{}/{n}.html", self.dir),
            (_, 1) => format!("../{}", self.first),
            (_, n) => format!("{n}.html"),
        }
    }

    fn nav(&self, n: usize) -> Markup {
        html! {
            @if self.pages > 1 {
                nav aria-label="Pages of the report" {
                    @if n > 1 { a href=(self.link(n, 1)) { "first" } " · " a href=(self.link(n, n - 1)) rel="prev" { "previous" } " · " }
                    "page " (n) " of " (self.pages)
                    @if n < self.pages { " · " a href=(self.link(n, n + 1)) rel="next" { "next" } " · " a href=(self.link(n, self.pages)) { "last" } }
                }
            }
        }
    }

    /// Page `n` (from 1): the first holds the summary and the rows not read.
    fn page(&self, n: usize) -> Markup {
        let (list, rows, sure) = (self.list, self.rows, self.sure);
        let from = (n - 1) * self.per_page;
        let shown = &rows[from.min(rows.len())..(from + self.per_page).min(rows.len())];
        html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { "dalel xref: " (self.file) @if n > 1 { ", page " (n) } }
                    style { (STYLE) }
                }
                body {
                    main {
                        h1 { "People of " (self.file) " in the archive" }
                        @if n == 1 {
                            p {
                                (list.people.len()) " people read from the list; "
                                (sure) " pairs likely to be one person (match), "
                                (rows.len() - sure) " possible (to check by hand)."
                            }
                        }
                        p.warning { "This report holds names from the archive: keep it as you keep the archive." }
                        @if n == 1 && list.not_people > 0 {
                            p { (list.not_people) " entities of the file are not people and were not matched." }
                        }
                        @if rows.is_empty() {
                            p { "No one on the list resembles anyone in the archive." }
                        } @else {
                            (self.nav(n))
                            table {
                                caption { "Pairs " (from + 1) "–" (from + shown.len()) " of " (rows.len()) ", most likely first" }
                                thead { tr {
                                    th scope="col" { "Row" } th scope="col" { "On the list" } th scope="col" { "Verdict" }
                                    th scope="col" { "Score" } th scope="col" { "In the archive" } th scope="col" { "Entry" }
                                    th scope="col" { "Why" }
                                } }
                                tbody {
                                    @for m in shown {
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
                            (self.nav(n))
                        }
                        @if n == 1 && !list.bad.is_empty() {
                            h2 { "Rows not read" }
                            ul { @for e in &list.bad { li { "row " (e.line) ", " (e.field) ": " (e.reason) } } }
                        }
                    }
                }
            }
        }
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem;color:#1a1a1a}\
table{border-collapse:collapse;width:100%}th,td{border:1px solid #bbb;padding:.4rem;vertical-align:top;text-align:left}\
tr.match td:nth-child(3){font-weight:bold}small{color:#555}.warning{color:#8a1c1c}ul{margin:0;padding-left:1.2rem}";

#[cfg(test)]
mod tests {
    use dalel_model::{Name, NameKind, RecordId};

    use super::*;

    fn person(id: &str, name: &str) -> Person {
        Person::new(RecordId::new(id).unwrap(), vec![Name::new(name, NameKind::Full)])
    }

    /// Five pairs two a page: the first page leads to the others, each to its neighbours; a
    /// shorter report later leaves no page of the longer one behind.
    #[test]
    fn a_long_report_is_written_in_pages_and_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let listed: Vec<Person> = (1..=5).map(|i| person(&format!("l{i}"), &format!("Listed Person{i}"))).collect();
        let archived: Vec<Person> = (1..=5).map(|i| person(&format!("a{i}"), &format!("Archived Person{i}"))).collect();
        let list = List {
            people: listed.iter().cloned().enumerate().map(|(i, p)| (i as u64 + 2, p)).collect(),
            bad: vec![],
            not_people: 0,
        };
        let rows: Vec<Match> = (0..5)
            .map(|i| Match {
                line: i as u64 + 2,
                listed: &listed[i],
                archived: &archived[i],
                probability: 0.99 - i as f64 / 10.0,
                verdict: "match",
                reasons: vec![format!("reason {i}")],
            })
            .collect();
        let prefix = dir.path().join("report #1");
        let source = Path::new("list.csv");
        let (_, html) = write_report_in_pages(&prefix, source, &list, &rows, 2).unwrap();
        let read = |p: &Path| std::fs::read_to_string(p).unwrap();
        let first = read(&html);
        assert!(first.contains("5 people read from the list") && first.contains("page 1 of 3"), "{first}");
        assert!(first.contains("Archived Person1") && first.contains("Archived Person2"), "{first}");
        assert!(!first.contains("Archived Person3"), "{first}");
        assert!(
            first.contains(r#"href="report%20%231.pages/2.html""#)
                && first.contains(r#"href="report%20%231.pages/3.html""#)
        );
        let second = read(&dir.path().join("report #1.pages/2.html"));
        assert!(second.contains("Pairs 3–4 of 5") && second.contains("Archived Person4"), "{second}");
        assert!(second.contains(r#"href="../report%20%231.html""#) && second.contains(r#"href="3.html""#), "{second}");
        let third = read(&dir.path().join("report #1.pages/3.html"));
        assert!(third.contains("Archived Person5") && !third.contains(r#"rel="next""#), "{third}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("report #1.pages")).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "only the owner reads the report's pages");
        }

        write_report_in_pages(&prefix, source, &list, &rows[..1], 2).unwrap();
        assert!(!dir.path().join("report #1.pages").exists(), "the longer report's pages are gone");
        let first = read(&html);
        assert!(first.contains("Archived Person1") && !first.contains("page 1 of"), "{first}");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left.len(), 2, "no temporary file or directory left: {left:?}");
    }
}
