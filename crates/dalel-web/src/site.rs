//! The public site as plain files (`dalel publish --static DIR`): for a static host or a USB
//! stick, when the site is blocked. It is rendered from an [`Edition`]: entries already passed
//! through the visibility policy (`dalel_model::publish::Publication`) by the caller; nothing
//! here reads the archive.
//!
//! ```text
//! DIR/index.html                 links to each language's site
//! DIR/{lang}/index.html          search (in the browser, over DIR/search-index.js) and every entry
//! DIR/{lang}/entries/{id}.html   an entry: the page of the internal site, its sources listed
//! DIR/search-index.js            dalelSearchIndex = [{"id", "names": [...], "keys": [...]}]:
//!                                names, their Latin forms and phonetic keys (dalel_names), so
//!                                that a Latin query finds a name in any script; a script, not
//!                                JSON, because a browser lets a page opened from a disk
//!                                (file://) load a script but not fetch a file
//! DIR/static/                    the stylesheet and the search script
//! DIR/downloads/                 written by the caller (the public export and its checksums)
//! ```

use std::io;
use std::path::Path;

use dalel_model::{Head, Testimony, VictimEntry};
use maud::{DOCTYPE, Markup, html};

use crate::entry::{Links, entry_body};
use crate::i18n::{Lang, Tr};
use crate::pages::term;

/// One published entry and the published testimonies it cites.
#[derive(Clone, Debug)]
pub struct PublicEntry {
    pub entry: VictimEntry,
    /// The name the entry is listed under.
    pub display: String,
    /// Published testimonies about the entry's people, as the policy shows them.
    pub testimonies: Vec<Testimony>,
}

/// What the public site shows: the published entries at one ledger head.
#[derive(Clone, Debug)]
pub struct Edition {
    pub head: Option<Head>,
    pub entries: Vec<PublicEntry>,
    /// Files in `downloads/` with their SHA-256 (hex), listed on the front page.
    pub downloads: Vec<(String, String)>,
}

const SEARCH_JS: &str = include_str!("../static/search.js");
const CSS: &str = include_str!("../static/dalel.css");

/// Writes the site's pages into `dir` (which exists); `downloads/` is the caller's. `written`
/// is called after each entry's pages.
pub fn write(dir: &Path, edition: &Edition, mut written: impl FnMut()) -> io::Result<()> {
    std::fs::create_dir_all(dir.join("static"))?;
    std::fs::write(dir.join("static").join("dalel.css"), CSS)?;
    std::fs::write(dir.join("static").join("search.js"), SEARCH_JS)?;
    std::fs::write(dir.join("search-index.js"), format!("var dalelSearchIndex = {};\n", search_index(edition)))?;
    std::fs::write(dir.join("index.html"), front(edition).into_string())?;
    for lang in Lang::ALL {
        let root = dir.join(lang.code());
        std::fs::create_dir_all(root.join("entries"))?;
        std::fs::write(root.join("index.html"), listing(Tr(lang), edition).into_string())?;
    }
    for e in &edition.entries {
        for lang in Lang::ALL {
            let file = dir.join(lang.code()).join("entries").join(format!("{}.html", e.entry.id));
            std::fs::write(file, entry_page(Tr(lang), edition, e).into_string())?;
        }
        written();
    }
    Ok(())
}

/// The search index: one object an entry, its names and every part's Latin form and phonetic key.
fn search_index(edition: &Edition) -> String {
    let items: Vec<serde_json::Value> = edition
        .entries
        .iter()
        .map(|e| {
            let names: Vec<&str> = e.entry.names.iter().map(|(n, _)| n.text.as_str()).collect();
            let mut keys: Vec<String> = names
                .iter()
                .flat_map(|n| dalel_names::prepare(n).parts.into_iter().flat_map(|p| [p.latin, p.key]))
                .collect();
            keys.sort();
            keys.dedup();
            serde_json::json!({ "id": e.entry.id, "names": names, "keys": keys })
        })
        .collect();
    serde_json::Value::Array(items).to_string()
}

/// A page of the static site; `up` leads from it to the site's root (`../` for a language's
/// front page). No inline script or style: the same rules as the live site's pages.
fn frame(tr: Tr, up: &str, here: &str, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(tr.lang().code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · dalel" }
                link rel="stylesheet" href={ (up) "static/dalel.css" };
            }
            body {
                header { nav {
                    a href={ (up) (tr.lang().code()) "/index.html" } { (tr.t("site-title")) }
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
            }
        }
    }
}

fn head_line(tr: Tr, edition: &Edition) -> Markup {
    html! {
        p.muted {
            @match &edition.head {
                Some(h) => { (tr.t_with("site-head", &[("seq", h.seq.into())])) " " code { (h.hash.to_hex()) } }
                None => (tr.t("site-empty")),
            }
        }
    }
}

/// The site's root: a link to each language.
fn front(edition: &Edition) -> Markup {
    let tr = Tr(Lang::En);
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "dalel" }
                link rel="stylesheet" href="static/dalel.css";
            }
            body { main {
                h1 { "dalel" }
                ul { @for lang in Lang::ALL {
                    li { a href={ (lang.code()) "/index.html" } lang=(lang.code()) hreflang=(lang.code()) { (Tr(lang).t("site-title")) } }
                } }
                (head_line(tr, edition))
            } }
        }
    }
}

/// A language's front page: the search box (answered in the browser), the downloads, and every
/// entry (so that the site is whole without a script).
fn listing(tr: Tr, edition: &Edition) -> Markup {
    let mut entries: Vec<&PublicEntry> = edition.entries.iter().collect();
    entries.sort_by(|a, b| a.display.cmp(&b.display).then_with(|| a.entry.id.cmp(&b.entry.id)));
    let body = html! {
        h1 { (tr.t("site-title")) }
        (head_line(tr, edition))
        form #site-search role="search" data-index="../search-index.js" data-entries="entries/" {
            label for="q" { (tr.t("search-label")) } " "
            input #q type="search" name="q" autocomplete="off";
            " " button type="submit" { (tr.t("search-button")) }
        }
        ol #site-results aria-live="polite" {}
        h2 { (tr.t_with("site-entries", &[("count", edition.entries.len().into())])) }
        ul { @for e in &entries {
            li { a href={ "entries/" (e.entry.id) ".html" } { (e.display) } " " span.muted { (e.entry.id) " · " (term!(tr, e.entry.level)) } }
        } }
        h2 { (tr.t("site-downloads")) }
        p { (tr.t("site-downloads-check")) }
        ul { @for (file, sha256) in &edition.downloads {
            li { a href={ "../downloads/" (file) } { (file) } " " span.muted { "SHA-256 " code { (sha256) } } }
        } }
        script src="../static/search.js" {}
    };
    frame(tr, "../", "index.html", &tr.t("site-title"), body)
}

/// An entry's page: the internal page's body, with its sources listed here instead of linked.
fn entry_page(tr: Tr, edition: &Edition, e: &PublicEntry) -> Markup {
    let here = format!("entries/{}.html", e.entry.id);
    let body = html! {
        h1 { (e.display) }
        (entry_body(tr, &e.entry, Links::Public))
        h2 { (tr.t("entry-sources")) }
        @if e.testimonies.is_empty() { p.muted { (tr.t("person-no-sources")) } }
        @for t in &e.testimonies {
            section id={ "t-" (t.id.public_id()) } {
                h3 { @if let Some(title) = &t.title { (title) } @else { (t.id.public_id()) } }
                p.muted {
                    (tr.t_with("testimony-consent", &[("consent", term!(tr, t.consent).into())]))
                    @if let Some(d) = &t.recorded_on { " · " (d) }
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
        (head_line(tr, edition))
    };
    frame(tr, "../../", &here, &e.display, body)
}
