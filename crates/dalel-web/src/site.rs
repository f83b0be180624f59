//! The public site as plain files (`dalel publish --static DIR`): for a static host or a USB
//! stick, when the site is blocked. A [`SiteWriter`] is handed [`PublicEntry`]s one by one, each
//! already passed through the visibility policy (`dalel_model::publish::Publication`) by the
//! caller, and writes each one's pages at once; nothing here reads the archive.
//!
//! ```text
//! DIR/index.html                 links to each language's site
//! DIR/{lang}/index.html          search (in the browser, over DIR/search-index.js), the
//!                                downloads and the first page of the entries, by name
//! DIR/{lang}/list/{n}.html       the other pages of the entries (LISTED a page)
//! DIR/{lang}/entries/{id}.html   an entry: the page of the internal site, its sources listed
//! DIR/search-index.js            dalelSearchIndex = [{"id", "names": [...], "keys": [...]}]:
//!                                names, their Latin forms and phonetic keys (dalel_names), so
//!                                that a Latin query finds a name in any script; a script, not
//!                                JSON, because a browser lets a page opened from a disk
//!                                (file://) load a script but not fetch a file
//! DIR/{lang}/statistics.html     counts by ethnicity, prefecture, year of detention, ...: charts
//!                                (SVG), tables, and what the numbers may hide
//! DIR/statistics/{measure}.csv   the same counts, for a spreadsheet
//! DIR/{lang}/facilities/         the gazetteer's detention facilities: a map, the counts by
//!                                prefecture, and a page for each with the entries that name it
//! DIR/static/                    the stylesheet and the search script
//! DIR/data/entries.jsonl         the entries as the live public site (`crate::public`)
//!                                searches them: one `public::Row` a line
//! DIR/downloads/                 written by the caller (the public export and its checksums)
//! ```

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use dalel_model::Script;
use dalel_model::facilities::{self, FACILITIES, Facility};
use dalel_model::stats::{Measure, Profile, Tally};
use dalel_model::vocab::{EvidenceLevel, NameKind};
use dalel_model::{Head, Testimony, VictimEntry};
use maud::{DOCTYPE, Markup, html};

use crate::charts;
use crate::entry::{Links, entry_body};
use crate::facility::{self, Regions};
use crate::i18n::{Lang, Tr};
use crate::pages::term;
use crate::public::{ENTRIES_FILE, Row};

/// One published entry and the published testimonies it cites.
#[derive(Clone, Debug)]
pub struct PublicEntry {
    pub entry: VictimEntry,
    /// The name the entry is listed under.
    pub display: String,
    /// Published testimonies about the entry's people, as the policy shows them.
    pub testimonies: Vec<Testimony>,
    /// What the entry counts as in the statistics (of its published records only).
    pub profile: Profile,
    /// The keys of the gazetteer's facilities its episodes name (`dalel_model::facilities`).
    pub facilities: Vec<String>,
}

/// What the listings, the statistics, the facilities and the search keep of an entry once its
/// pages are written.
#[derive(Clone, Debug)]
struct Listed {
    id: String,
    /// The name it is listed under in each language ([`Lang::ALL`]'s order): [`display_in`].
    display: [String; Lang::ALL.len()],
    level: EvidenceLevel,
    facilities: Vec<String>,
}

/// The script a language's readers read names in.
fn script_of(lang: Lang) -> Script {
    match lang {
        Lang::Kk | Lang::Ru => Script::Cyrillic,
        Lang::En => Script::Latin,
        Lang::Zh => Script::Han,
        Lang::Ug => Script::Arabic,
    }
}

/// The name an entry is shown under to a reader of `lang`: a form of its names in the reader's
/// script where one exists (a full name first), else `display`.
fn display_in(lang: Lang, e: &PublicEntry) -> String {
    let script = script_of(lang);
    let forms = e.entry.names.iter().map(|(n, _)| n).filter(|n| n.script == script);
    let full = forms.clone().find(|n| n.kind == NameKind::Full);
    full.or_else(|| forms.clone().next()).map_or_else(|| e.display.clone(), |n| n.text.clone())
}

/// Writes the site into a directory entry by entry ([`SiteWriter::add`]: an entry's pages as it
/// comes, so that memory holds a line of each entry, not the entries), then the pages about all
/// of them ([`SiteWriter::finish`]). `downloads/` is the caller's.
pub struct SiteWriter {
    dir: PathBuf,
    /// `data/entries.jsonl`: the entries as the live site reads them ([`Row`]).
    rows: io::BufWriter<std::fs::File>,
    head: Option<Head>,
    listed: Vec<Listed>,
    tally: Tally,
    /// The search index's items, as JSON.
    search: Vec<String>,
}

const SEARCH_JS: &str = include_str!("../static/search.js");
const CSS: &str = include_str!("../static/dalel.css");

impl SiteWriter {
    /// A writer into `dir` (which exists) of the edition published at `head`.
    pub fn create(dir: &Path, head: Option<Head>) -> io::Result<SiteWriter> {
        for lang in Lang::ALL {
            std::fs::create_dir_all(dir.join(lang.code()).join("entries"))?;
        }
        let rows = dir.join(ENTRIES_FILE);
        std::fs::create_dir_all(rows.parent().expect("the file is in a directory"))?;
        let rows = io::BufWriter::new(std::fs::File::create(rows)?);
        Ok(SiteWriter {
            dir: dir.to_path_buf(),
            rows,
            head,
            listed: Vec::new(),
            tally: Tally::default(),
            search: Vec::new(),
        })
    }

    /// Writes an entry's page in every language, and keeps what the other pages need of it.
    pub fn add(&mut self, e: &PublicEntry) -> io::Result<()> {
        for lang in Lang::ALL {
            let file = self.dir.join(lang.code()).join("entries").join(format!("{}.html", e.entry.id));
            std::fs::write(file, entry_page(Tr(lang), self.head.as_ref(), e).into_string())?;
        }
        serde_json::to_writer(&mut self.rows, &row(e))?;
        self.rows.write_all(b"\n")?;
        self.tally.add(&e.profile);
        self.search.push(search_item(e));
        self.listed.push(Listed {
            id: e.entry.id.clone(),
            display: Lang::ALL.map(|lang| display_in(lang, e)),
            level: e.entry.level,
            facilities: e.facilities.clone(),
        });
        Ok(())
    }

    /// Writes the pages about every entry: the front pages and listings, the statistics, the
    /// facilities, the search index; `downloads` are the files in `downloads/` with their
    /// SHA-256 (hex), listed on the front pages.
    pub fn finish(mut self, downloads: &[(String, String)]) -> io::Result<()> {
        self.rows.flush()?;
        let (dir, head) = (self.dir.as_path(), self.head.as_ref());
        std::fs::create_dir_all(dir.join("static"))?;
        std::fs::write(dir.join("static").join("dalel.css"), CSS)?;
        std::fs::write(dir.join("static").join("search.js"), SEARCH_JS)?;
        let script =
            format!("var dalelSearchIndex = [{}];\nvar dalelLatin = {};\n", self.search.join(","), latin_table());
        std::fs::write(dir.join("search-index.js"), script)?;
        std::fs::write(dir.join("index.html"), front(head).into_string())?;
        let pages = self.listed.len().div_ceil(LISTED);
        std::fs::create_dir_all(dir.join("statistics"))?;
        for m in Measure::ALL {
            std::fs::write(dir.join("statistics").join(format!("{}.csv", m.code())), charts::csv(&self.tally, m))?;
        }
        let regions = facility::regions();
        for (l, lang) in Lang::ALL.into_iter().enumerate() {
            let (tr, root) = (Tr(lang), dir.join(lang.code()));
            // The listing in the language's alphabetical order of the names as it shows them.
            let mut sorted: Vec<&Listed> = self.listed.iter().collect();
            sorted.sort_by_cached_key(|e| (lang.sort_key(&e.display[l]), e.id.as_str()));
            // Which published entries name each facility, in the listing's order.
            let mut named: BTreeMap<&str, Vec<&Listed>> = BTreeMap::new();
            for e in &sorted {
                for key in &e.facilities {
                    named.entry(key.as_str()).or_default().push(e);
                }
            }
            std::fs::create_dir_all(root.join("facilities"))?;
            std::fs::write(
                root.join("facilities").join("index.html"),
                facilities_page(tr, &regions, &named).into_string(),
            )?;
            for f in FACILITIES.iter() {
                let page = facility_page(tr, f, &regions, named.get(f.key.as_str()).map_or(&[], |v| v.as_slice()));
                std::fs::write(root.join("facilities").join(format!("{}.html", f.key)), page.into_string())?;
            }
            std::fs::write(root.join("index.html"), front_page(tr, head, &sorted, downloads).into_string())?;
            std::fs::write(root.join("statistics.html"), statistics(tr, head, &self.tally).into_string())?;
            if pages > 1 {
                std::fs::create_dir_all(root.join("list"))?;
            }
            for n in 2..=pages {
                std::fs::write(root.join("list").join(format!("{n}.html")), list_page(tr, &sorted, n).into_string())?;
            }
        }
        Ok(())
    }
}

/// An entry as the live site searches it.
fn row(e: &PublicEntry) -> Row {
    let mut episodes: Vec<String> = e.entry.timeline.iter().map(|s| s.episode.kind.code().to_string()).collect();
    episodes.sort();
    episodes.dedup();
    let mut languages: Vec<String> = e.testimonies.iter().filter_map(|t| t.language.clone()).collect();
    languages.sort();
    languages.dedup();
    Row {
        id: e.entry.id.clone(),
        display: Lang::ALL.into_iter().map(|lang| (lang.code().to_string(), display_in(lang, e))).collect(),
        names: e.entry.names.iter().map(|(n, _)| n.text.clone()).collect(),
        profile: e.profile.clone(),
        episodes,
        facilities: e.facilities.clone(),
        languages,
        texts: e.testimonies.iter().flat_map(|t| &t.transcripts).map(|t| t.text.clone()).collect(),
    }
}

/// An entry in the search index: its names and every part's Latin form and phonetic key.
fn search_item(e: &PublicEntry) -> String {
    let names: Vec<&str> = e.entry.names.iter().map(|(n, _)| n.text.as_str()).collect();
    let mut keys: Vec<String> = names.iter().flat_map(|n| dalel_names::latin_and_keys(n)).collect();
    keys.sort();
    keys.dedup();
    serde_json::json!({ "id": e.entry.id, "names": names, "keys": keys }).to_string()
}

/// How the browser spells a query in Latin letters: each lower-case letter of the Cyrillic,
/// Arabic and accented Latin alphabets as `dalel_names` reads it alone (`ж` → `zh`, `ş` → `sh`).
/// Letters read differently in context are read here as they mostly are; Chinese characters
/// are left as they are (a query in them finds names written in them).
fn latin_table() -> String {
    let ranges = [0x00C0..=0x024F, 0x0400..=0x04FF, 0x0600..=0x06FF];
    let table: serde_json::Map<String, serde_json::Value> = ranges
        .into_iter()
        .flatten()
        .filter_map(char::from_u32)
        .filter(|c| c.is_alphabetic() && c.to_lowercase().eq([*c]))
        .filter_map(|c| {
            let latin = dalel_names::to_latin(&c.to_string());
            (!latin.is_empty() && latin != c.to_string()).then(|| (c.to_string(), latin.into()))
        })
        .collect();
    serde_json::Value::Object(table).to_string()
}

/// A page of the static site; `up` leads from it to the site's root (`../` for a language's
/// front page). No inline script or style: the same rules as the live site's pages.
fn frame(tr: Tr, up: &str, here: &str, title: &str, body: Markup) -> Markup {
    let body = html! {
        header { nav {
            a href={ (up) (tr.lang().code()) "/index.html" } { (tr.t("site-title")) } " · "
            a href={ (up) (tr.lang().code()) "/statistics.html" } { (tr.t("stats-title")) } " · "
            a href={ (up) (tr.lang().code()) "/facilities/index.html" } { (tr.t("fac-title")) }
            span.lang-switch {
                (tr.t("language-switch")) " "
                @for lang in Lang::ALL {
                    @if lang == tr.lang() { strong lang=(lang.code()) { (lang.native_name()) } }
                    @else { a href={ (up) (lang.code()) "/" (here) } lang=(lang.code()) hreflang=(lang.code()) { (lang.native_name()) } }
                    " "
                }
            }
        } }
        main { (body) }
    };
    document(tr.lang(), up, &format!("{title} · dalel"), body)
}

/// An HTML document of the static site in `lang`, titled `title`, its stylesheet reached by `up`.
pub(crate) fn document(lang: Lang, up: &str, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) dir=(lang.dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="stylesheet" href={ (up) "static/dalel.css" };
            }
            body { (body) }
        }
    }
}

pub(crate) fn head_line(tr: Tr, head: Option<&Head>) -> Markup {
    html! {
        p.muted {
            @match head {
                Some(h) => { (tr.t_with("site-head", &[("seq", h.seq.into())])) " " code { (h.hash.to_hex()) } }
                None => (tr.t("site-empty")),
            }
        }
    }
}

/// The site's root: a link to each language.
fn front(head: Option<&Head>) -> Markup {
    let body = html! {
        main {
            h1 { "dalel" }
            ul { @for lang in Lang::ALL {
                li { a href={ (lang.code()) "/index.html" } lang=(lang.code()) hreflang=(lang.code()) { (Tr(lang).t("site-title")) } }
            } }
            (head_line(Tr(Lang::En), head))
        }
    };
    document(Lang::En, "", "dalel", body)
}

/// How many entries a page of the listing holds.
pub const LISTED: usize = 1000;

/// A language's front page: the search box (answered in the browser), the downloads, and the
/// first page of the entries (so that the site is whole without a script); the other pages of
/// the listing are `list/{n}.html`.
fn front_page(tr: Tr, head: Option<&Head>, sorted: &[&Listed], downloads: &[(String, String)]) -> Markup {
    let body = html! {
        h1 { (tr.t("site-title")) }
        (head_line(tr, head))
        form #site-search role="search" data-index="../search-index.js" data-entries="entries/" {
            label for="q" { (tr.t("search-label")) } " "
            input #q type="search" name="q" autocomplete="off";
            " " button type="submit" { (tr.t("search-button")) }
        }
        ol #site-results aria-live="polite" {}
        h2 { (tr.t_with("site-entries", &[("count", sorted.len().into())])) }
        (entry_list(tr, sorted, 1, ""))
        h2 { (tr.t("site-downloads")) }
        p { (tr.t("site-downloads-check")) }
        ul {
            @for (file, sha256) in downloads {
                li { a href={ "../downloads/" (file) } { (file) } " " span.muted { "SHA-256 " code { (sha256) } } }
            }
            li { a href="../downloads/SHA256SUMS" { "SHA256SUMS" } }
        }
        script src="../static/search.js" {}
    };
    frame(tr, "../", "index.html", &tr.t("site-title"), body)
}

/// Page `n` (from 2) of a language's listing, `{lang}/list/{n}.html`.
fn list_page(tr: Tr, sorted: &[&Listed], n: usize) -> Markup {
    let body = html! {
        h1 { (tr.t_with("site-entries", &[("count", sorted.len().into())])) }
        (entry_list(tr, sorted, n, "../"))
    };
    frame(tr, "../../", &format!("list/{n}.html"), &tr.t("site-title"), body)
}

/// Page `n` of the entries, with links to the other pages; `up` leads to the language's root.
fn entry_list(tr: Tr, sorted: &[&Listed], n: usize, up: &str) -> Markup {
    let pages = sorted.len().div_ceil(LISTED);
    let href = |k: usize| if k == 1 { format!("{up}index.html") } else { format!("{up}list/{k}.html") };
    let nav = html! {
        @if pages > 1 {
            nav.pages aria-label=(tr.t("site-pages")) { @for k in 1..=pages {
                @if k == n { strong aria-current="page" { (k) } } @else { a href=(href(k)) { (k) } }
                " "
            } }
        }
    };
    html! {
        (nav)
        ul { @for e in sorted.iter().skip((n - 1) * LISTED).take(LISTED) {
            li { a href={ (up) "entries/" (e.id) ".html" } { (e.display[tr.lang().index()]) } " " span.muted { (e.id) " · " (term!(tr, e.level)) } }
        } }
        (nav)
    }
}

/// A language's statistics page: every measure's chart, table and CSV, over all the entries.
fn statistics(tr: Tr, head: Option<&Head>, tally: &Tally) -> Markup {
    let body = html! {
        h1 { (tr.t("stats-title")) }
        p { (tr.t_with("stats-intro", &[("count", tally.entries.into())])) }
        (head_line(tr, head))
        @for m in Measure::ALL {
            (charts::section(tr, tally, m, &format!("../statistics/{}.csv", m.code())))
        }
    };
    frame(tr, "../", "statistics.html", &tr.t("stats-title"), body)
}

/// The facilities: the map, the counts by prefecture, those that entries name, and all of them.
fn facilities_page(tr: Tr, regions: &Regions, named: &BTreeMap<&str, Vec<&Listed>>) -> Markup {
    let entries_at: BTreeMap<&str, usize> = named.iter().map(|(k, v)| (*k, v.len())).collect();
    let body = html! {
        h1 { (tr.t("fac-title")) }
        p { (tr.t("fac-intro")) }
        (facility::map(tr, regions, &entries_at, |f| format!("{}.html", f.key), None))
        (facility::by_prefecture(tr, regions, &entries_at))
        h2 { (tr.t_with("fac-named", &[("count", named.len().into())])) }
        @if named.is_empty() { p.muted { (tr.t("fac-no-entries")) } }
        ul { @for f in FACILITIES.iter().filter(|f| entries_at.contains_key(f.key.as_str())) {
            li { a href={ (f.key) ".html" } { (f.name) } " " span.muted { (f.prefecture) " · " (entries_at[f.key.as_str()]) } }
        } }
        h2 { (tr.t("fac-all")) }
        @for (prefecture, list) in regions {
            h3 { (if prefecture.is_empty() { "–" } else { prefecture }) }
            p { @for (i, f) in list.iter().enumerate() { @if i > 0 { ", " } a href={ (f.key) ".html" } { (f.name) } } }
        }
    };
    frame(tr, "../../", "facilities/index.html", &tr.t("fac-title"), body)
}

/// A facility's page: what the gazetteer says, where it is, and the entries that name it.
fn facility_page(tr: Tr, f: &'static Facility, regions: &Regions, entries: &[&Listed]) -> Markup {
    // On the map, its prefecture's facilities around it.
    let prefecture = f.prefecture.as_str();
    let neighbours: Regions = regions.get(prefecture).map(|list| (prefecture, list.clone())).into_iter().collect();
    let body = html! {
        h1 { (f.name) }
        (facility::details(tr, f))
        (facility::map(tr, &neighbours, &BTreeMap::new(), |_| String::new(), Some(&f.key)))
        h2 { (tr.t("fac-entries")) }
        @if entries.is_empty() { p.muted { (tr.t("fac-no-entries")) } }
        ul { @for e in entries {
            li { a href={ "../entries/" (e.id) ".html" } { (e.display[tr.lang().index()]) } " " span.muted { (e.id) } }
        } }
    };
    frame(tr, "../../", &format!("facilities/{}.html", f.key), &f.name, body)
}

/// An entry's page: the internal page's body, with its sources listed here instead of linked.
fn entry_page(tr: Tr, head: Option<&Head>, e: &PublicEntry) -> Markup {
    let here = format!("entries/{}.html", e.entry.id);
    let display = display_in(tr.lang(), e);
    let body = html! {
        h1 { (display) }
        (entry_body(tr, &e.entry, Links::Public))
        @if !e.facilities.is_empty() {
            h2 { (tr.t("fac-title")) }
            ul { @for f in e.facilities.iter().filter_map(|key| facilities::by_key(key)) {
                li { a href={ "../facilities/" (f.key) ".html" } { (f.name) } " " span.muted { (f.town) ", " (f.prefecture) } }
            } }
        }
        h2 { (tr.t("entry-sources")) }
        @if e.testimonies.is_empty() { p.muted { (tr.t("person-no-sources")) } }
        @for t in &e.testimonies {
            section id={ "t-" (t.id.public_id()) } {
                h3 { @if let Some(title) = &t.title { (title) } @else { (t.id.public_id()) } }
                p.muted {
                    (tr.t_with("testimony-consent", &[("consent", term!(tr, t.consent).into())]))
                    @if let Some(d) = &t.recorded_on { " · " (tr.date(d)) }
                    @if let Some(language) = &t.language { " · " (language) }
                }
                @for transcript in &t.transcripts {
                    @if transcript.is_translation { p.muted { (tr.t("f-is-translation")) } }
                    blockquote lang=(transcript.language) { (transcript.text) }
                }
            }
        }
        h2 { (tr.t("site-cite")) }
        p { (tr.t_with("site-cite-text", &[("id", e.entry.id.clone().into())])) }
        (head_line(tr, head))
    };
    frame(tr, "../../", &here, &display, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dalel_model::{EntrySources, Record, RecordId};

    fn entry(i: usize) -> PublicEntry {
        let line = format!(
            r#"{{"type":"person","id":"p{i}","names":[{{"text":"Aidar Nurlanuly {i:05}","script":"Latn","language":"en","kind":"full"}}]}}"#
        );
        let Ok(Record::Person(person)) = serde_json::from_str::<Record>(&line) else { panic!("{line}") };
        let id = person.id.clone();
        let display = person.display_name().to_string();
        let sources = EntrySources { persons: vec![person], ..EntrySources::default() };
        let entry = VictimEntry::assemble(&id, &sources);
        PublicEntry {
            profile: Profile::of(&sources, &entry),
            entry,
            display,
            testimonies: Vec::new(),
            facilities: Vec::new(),
        }
    }

    #[test]
    fn names_are_shown_in_the_readers_script_where_a_form_exists() {
        let line = r#"{"type":"person","id":"p1","names":[
            {"text":"Serikzhan Bilash","script":"Latn","kind":"full"},
            {"text":"Серікжан Біләш","script":"Cyrl","kind":"alias"},
            {"text":"赛力克江·比拉什","script":"Hani","kind":"alias"}]}"#;
        let Ok(Record::Person(person)) = serde_json::from_str::<Record>(line) else { panic!() };
        let id = person.id.clone();
        let sources = EntrySources { persons: vec![person], ..EntrySources::default() };
        let entry = VictimEntry::assemble(&id, &sources);
        let e = PublicEntry {
            profile: Profile::of(&sources, &entry),
            display: "Serikzhan Bilash".into(),
            testimonies: Vec::new(),
            facilities: Vec::new(),
            entry,
        };
        let dir = tempfile::tempdir().unwrap();
        let mut site = SiteWriter::create(dir.path(), None).unwrap();
        site.add(&e).unwrap();
        site.finish(&[]).unwrap();
        for (lang, shown) in
            [("en", "Serikzhan Bilash"), ("ru", "Серікжан Біләш"), ("kk", "Серікжан Біләш"), ("zh", "赛力克江·比拉什")]
        {
            let page =
                std::fs::read_to_string(dir.path().join(lang).join("entries").join(format!("{}.html", e.entry.id)));
            assert!(page.unwrap().contains(&format!("<h1>{shown}</h1>")), "{lang}");
            let listing = std::fs::read_to_string(dir.path().join(lang).join("index.html")).unwrap();
            assert!(listing.contains(&format!(".html\">{shown}</a>")), "{lang}: {listing}");
        }
    }

    /// Links to entry pages in an HTML file.
    fn linked(file: &Path) -> Vec<String> {
        let html = std::fs::read_to_string(file).unwrap();
        let ids = html.split("entries/").skip(1).filter_map(|s| s.split_once(".html").map(|(id, _)| id));
        ids.filter(|id| RecordId::is_public_id(id)).map(str::to_string).collect()
    }

    #[test]
    fn the_listing_is_split_into_pages_that_list_every_entry_once() {
        let dir = tempfile::tempdir().unwrap();
        let entries: Vec<PublicEntry> = (0..2 * LISTED + 5).map(entry).collect();
        let mut site = SiteWriter::create(dir.path(), None).unwrap();
        // Written in an order other than the listing's.
        for e in entries.iter().rev() {
            site.add(e).unwrap();
        }
        site.finish(&[]).unwrap();
        for lang in Lang::ALL {
            let root = dir.path().join(lang.code());
            let front = std::fs::read_to_string(root.join("index.html")).unwrap();
            assert!(front.contains("href=\"list/2.html\"") && front.contains("href=\"list/3.html\""));
            assert!(!root.join("list/4.html").exists());
            let mut pages = vec![linked(&root.join("index.html"))];
            pages.extend((2..=3).map(|n| linked(&root.join("list").join(format!("{n}.html")))));
            assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [LISTED, LISTED, 5]);
            let mut all: Vec<String> = pages.concat();
            // The pages are in order of the names, and hold each entry once.
            let in_order: Vec<String> = entries.iter().map(|e| e.entry.id.clone()).collect();
            assert_eq!(all, in_order);
            all.sort();
            all.dedup();
            assert_eq!(all.len(), entries.len());
            assert!(all.iter().all(|id| root.join("entries").join(format!("{id}.html")).is_file()));
        }
    }
}
