//! The live public site: a published edition (what `dalel publish --static DIR` wrote) served
//! with search, filters and statistics worked out on the server. It reads only `DIR`, never the
//! archive or its key: what it can show is what the edition's pages already show, all of it
//! passed through the visibility policy when the edition was published.
//!
//! ```text
//! /entries?q=&ethnicity=&year=&...&sort=&page=&lang=   search: names in any script, words of
//!                           the transcripts, an entry's id; filters with counts; an order
//! /entries/{id}             the entry's page in the reader's language (a stable URL to cite)
//! /statistics?...           the statistics of the entries the same filters select
//! /statistics/{measure}.csv one of them as CSV
//! anything else             the edition's files (its pages, downloads, stylesheet)
//! ```
//!
//! The language is `?lang=`, else the `lang` cookie, else the browser's; pages link with it.

mod edition;
mod near;
mod text;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::{FromRequestParts, Path as UrlPath, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use dalel_model::facilities;
use dalel_model::stats::{Measure, Value};
use dalel_model::vocab::EpisodeKind;
use maud::{Markup, html};

pub use edition::{ENTRIES_FILE, Edition, EditionError, Facet, Found, Hit, PAGE, Row, SAMPLE, Search, Sort};
use edition::{value_from_param, value_param};

use crate::charts;
use crate::i18n::{Lang, Tr};
use crate::pages::term;
use crate::site::{document, head_line};

/// What the live public site serves.
#[derive(Clone)]
pub struct PublicSite {
    edition: Arc<Edition>,
    /// Searches run on blocking threads, as many at once as the machine has cores (twice): more
    /// would only share the cores and the memory, and make every answer late.
    running: Arc<tokio::sync::Semaphore>,
    dir: PathBuf,
    /// The ledger head the edition was published at, read from `downloads/HEAD`.
    head: Option<dalel_model::Head>,
}

impl PublicSite {
    /// The edition published in `dir`, read and indexed.
    pub fn open(dir: &Path) -> Result<PublicSite, EditionError> {
        let edition = Edition::open(dir)?;
        let head = std::fs::read_to_string(dir.join("downloads").join("HEAD")).ok().and_then(|h| parse_head(&h));
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(PublicSite {
            edition: Arc::new(edition),
            running: Arc::new(tokio::sync::Semaphore::new(2 * cores)),
            dir: dir.to_path_buf(),
            head,
        })
    }

    /// Runs `work` on the edition on a blocking thread, when one of the places for it is free;
    /// a failure is logged and answered 500.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Edition) -> Result<T, EditionError> + Send + 'static,
    ) -> Result<T, Response> {
        let Ok(_place) = self.running.acquire().await else { return Err(failed("the server is stopping")) };
        let edition = self.edition.clone();
        match tokio::task::spawn_blocking(move || work(&edition)).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(e)) => Err(failed(&e.to_string())),
            Err(e) => Err(failed(&e.to_string())),
        }
    }

    /// How many entries it serves.
    pub fn len(&self) -> usize {
        self.edition.len()
    }

    pub fn is_empty(&self) -> bool {
        self.edition.is_empty()
    }
}

/// The live public site's routes, with the security headers of the internal site; its pages may
/// be kept by browsers and proxies for a minute (they hold only what is published).
pub fn app(site: PublicSite) -> axum::Router {
    let files = tower_http::services::ServeDir::new(&site.dir).append_index_html_on_directories(true);
    axum::Router::new()
        .route("/", get(|| async { Redirect::to("/entries") }))
        .route("/entries", get(search_page))
        .route("/entries/{id}", get(entry))
        .route("/statistics", get(statistics_page))
        .route("/statistics/{file}", get(statistics_csv))
        .fallback_service(files)
        .layer(axum::middleware::map_response(|mut response: Response| async move {
            response
                .headers_mut()
                .entry(header::CACHE_CONTROL)
                .or_insert(HeaderValue::from_static("public, max-age=60"));
            response
        }))
        .layer(axum::middleware::from_fn(crate::security::headers))
        .with_state(site)
}

/// A request's search, language and the query it came with, read from the URL.
struct Asked {
    search: Search,
    tr: Tr,
    /// The filters as they were written, for links that keep them.
    filters: Vec<(Facet, String)>,
}

/// Why a URL's query was refused, in words that name the parameter.
struct Refused(String);

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        (StatusCode::BAD_REQUEST, format!("bad request: {}", self.0)).into_response()
    }
}

/// A request's URL query, read (a query that cannot be is refused with its reason) in the
/// language it asks for, else the reader's ([`Tr`]).
impl<S: Send + Sync> FromRequestParts<S> for Asked {
    type Rejection = Refused;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Asked, Refused> {
        let tr = match Tr::from_request_parts(parts, state).await {
            Ok(tr) => tr,
            Err(never) => match never {},
        };
        read_query(parts.uri.query(), tr)
    }
}

fn read_query(raw: Option<&str>, tr: Tr) -> Result<Asked, Refused> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(raw.unwrap_or("")).map_err(|e| Refused(format!("the query cannot be read: {e}")))?;
    let mut asked = Asked { search: Search { page: 1, ..Search::default() }, tr, filters: Vec::new() };
    for (name, value) in pairs {
        match name.as_str() {
            "q" => {
                if value.chars().count() > 200 {
                    return Err(Refused("q: at most 200 characters".into()));
                }
                asked.search.q = value;
            }
            "lang" => {
                let lang = Lang::from_tag(&value).ok_or_else(|| {
                    Refused(format!("lang: no language {value:?}; {}", codes(Lang::ALL.map(Lang::code))))
                })?;
                asked.tr = Tr(lang);
            }
            "sort" => {
                asked.search.sort = Sort::from_code(&value).ok_or_else(|| {
                    Refused(format!("sort: no order {value:?}; {}", codes(Sort::ALL.map(Sort::code))))
                })?;
            }
            "page" => {
                asked.search.page = value
                    .parse()
                    .ok()
                    .filter(|&p| (1..=1_000_000).contains(&p))
                    .ok_or_else(|| Refused(format!("page: {value:?} is not a page number")))?;
            }
            name => {
                let facet = Facet::from_code(name).ok_or_else(|| {
                    Refused(format!("no filter {name:?}; q, lang, sort, page, {}", codes(Facet::ALL.map(Facet::code))))
                })?;
                asked.search.filters.push((facet, value_from_param(&value)));
                asked.filters.push((facet, value));
            }
        }
    }
    Ok(asked)
}

fn codes<const N: usize>(codes: [&str; N]) -> String {
    codes.join(", ")
}

impl Asked {
    /// The URL of `path` with this query changed by `change`.
    fn href(&self, path: &str, change: impl FnOnce(&mut Vec<(String, String)>)) -> String {
        let mut pairs = vec![("lang".to_string(), self.tr.lang().code().to_string())];
        if !self.search.q.is_empty() {
            pairs.push(("q".into(), self.search.q.clone()));
        }
        pairs.extend(self.filters.iter().map(|(f, v)| (f.code().to_string(), v.clone())));
        if self.search.sort != Sort::Relevance {
            pairs.push(("sort".into(), self.search.sort.code().into()));
        }
        change(&mut pairs);
        if pairs.is_empty() {
            return path.to_string();
        }
        format!("{path}?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
    }

    fn selected(&self, facet: Facet, value: &Value) -> bool {
        self.search.filters.iter().any(|(f, v)| *f == facet && v == value)
    }

    /// The URL of `path` with `value` of `facet` added to the filters, or taken away if it is one.
    fn toggle(&self, path: &str, facet: Facet, value: &Value) -> String {
        let (name, param) = (facet.code(), value_param(value).to_string());
        let on = self.selected(facet, value);
        self.href(path, |pairs| {
            if on {
                pairs.retain(|(n, v)| !(n == name && *v == param));
            } else {
                pairs.push((name.to_string(), param));
            }
        })
    }
}

async fn search_page(State(site): State<PublicSite>, asked: Asked) -> Response {
    let (search, lang) = (asked.search.clone(), asked.tr.lang());
    match site.run(move |edition| edition.search(&search, lang)).await {
        Ok(found) => search_html(&site, &asked, &found).into_response(),
        Err(failed) => failed,
    }
}

fn failed(reason: &str) -> Response {
    tracing::error!(%reason, "public search failed");
    (StatusCode::INTERNAL_SERVER_ERROR, "Internal error").into_response()
}

/// The page around the live site's pages: links to search, the statistics, the facilities and
/// the edition's front page (downloads), and to the same page in the other languages.
fn frame(asked: &Asked, path: &str, title: &str, body: Markup) -> Markup {
    let tr = asked.tr;
    let code = tr.lang().code();
    let body = html! {
        header { nav {
            a href={ "/entries?lang=" (code) } { (tr.t("site-title")) } " · "
            a href={ "/statistics?lang=" (code) } { (tr.t("stats-title")) } " · "
            a href={ "/" (code) "/facilities/index.html" } { (tr.t("fac-title")) } " · "
            a href={ "/" (code) "/index.html" } { (tr.t("site-downloads")) }
            span.lang-switch {
                (tr.t("language-switch")) " "
                @for lang in Lang::ALL {
                    @if lang == tr.lang() { strong lang=(lang.code()) { (lang.native_name()) } }
                    @else {
                        a href=(asked.href(path, |p| p[0].1 = lang.code().to_string())) lang=(lang.code()) hreflang=(lang.code()) { (lang.native_name()) }
                    }
                    " "
                }
            }
        } }
        main { (body) }
    };
    document(tr.lang(), "/", &format!("{title} · dalel"), body)
}

/// How a facet's value reads in the reader's language.
fn label(tr: Tr, facet: Facet, value: &Value) -> String {
    let Value::Is(code) = value else {
        return charts::label(tr, Measure::Ethnicity, value);
    };
    match facet {
        Facet::County => match dalel_model::areas::prefecture(code.get(..4).unwrap_or("")) {
            Some(p) => format!("{} {code}", tr.prefecture(p)),
            None => code.clone(),
        },
        Facet::Episode => EpisodeKind::from_code(code).map_or(code.clone(), |k| term!(tr, k)),
        Facet::Facility => facilities::by_key(code).map_or(code.clone(), |f| f.name.clone()),
        Facet::Language => Lang::from_tag(code).map_or(code.clone(), |l| l.native_name().to_string()),
        f => charts::label(tr, f.measure().expect("the others are statistics"), value),
    }
}

fn facet_title(tr: Tr, facet: Facet) -> String {
    match facet.measure() {
        Some(m) => tr.t(&format!("stats-{}-title", m.code())),
        None => tr.t(&format!("public-facet-{}", facet.code())),
    }
}

/// The filters: each facet's values with their counts, a chosen value marked and undone by the
/// same link. A facet with many values shows its most frequent ones, and the chosen.
fn facets_html(asked: &Asked, path: &str, counts: &[(Facet, Vec<(Value, u64)>)]) -> Markup {
    const SHOWN: usize = 12;
    let tr = asked.tr;
    html! {
        nav.facets aria-label=(tr.t("public-filters")) {
            h2 { (tr.t("public-filters")) }
            @if !asked.filters.is_empty() {
                p { a href=(asked.href(path, |p| p.retain(|(n, _)| Facet::from_code(n).is_none()))) { (tr.t("public-clear")) } }
            }
            @for (facet, values) in counts {
                @if !values.is_empty() {
                    section {
                        h3 { (facet_title(tr, *facet)) }
                        ul {
                            @for (i, (value, n)) in values.iter().enumerate() {
                                @let on = asked.selected(*facet, value);
                                @if on || i < SHOWN {
                                    li {
                                        a href=(asked.toggle(path, *facet, value)) aria-current=[on.then_some("true")] {
                                            @if on { "✓ " } (label(tr, *facet, value))
                                        }
                                        " " span.muted { (n) }
                                    }
                                }
                            }
                        }
                        @if values.len() > SHOWN { p.muted { (tr.t_with("public-more-values", &[("count", (values.len() - SHOWN).into())])) } }
                    }
                }
            }
        }
    }
}

fn search_html(site: &PublicSite, asked: &Asked, found: &Found) -> Markup {
    let tr = asked.tr;
    let code = tr.lang().code();
    let pages = found.sample.unwrap_or(found.total).div_ceil(PAGE).max(1);
    let page = asked.search.page;
    let body = html! {
        h1 { (tr.t("site-title")) }
        form role="search" action="/entries" method="get" {
            input type="hidden" name="lang" value=(code);
            @for (f, v) in &asked.filters { input type="hidden" name=(f.code()) value=(v); }
            label for="q" { (tr.t("public-search-label")) } " "
            input #q type="search" name="q" value=(asked.search.q) maxlength="200";
            " " label for="sort" { (tr.t("public-sort")) } " "
            select #sort name="sort" {
                @for s in Sort::ALL {
                    option value=(s.code()) selected[s == asked.search.sort] { (tr.t(&format!("public-sort-{}", s.code()))) }
                }
            }
            " " button type="submit" { (tr.t("search-button")) }
        }
        div.public {
            (facets_html(asked, "/entries", &found.counts))
            section.results aria-labelledby="found" {
                @match found.sample {
                    None => h2 #found { (tr.t_with("public-found", &[("count", found.total.into())])) },
                    Some(sample) => {
                        h2 #found { (tr.t_with("public-found-about", &[("count", found.total.into())])) }
                        p.notice { (tr.t_with("public-sampled", &[("sample", sample.into())])) }
                    }
                }
                p { a #stats-of-these href=(asked.href("/statistics", |_| {})) { (tr.t("public-stats-of-these")) } }
                @if found.hits.is_empty() { p { (tr.t("search-none")) } }
                ol start=(PAGE * (page - 1) + 1) {
                    @for hit in &found.hits { (hit_html(tr, hit)) }
                }
                @if pages > 1 {
                    nav.pages aria-label=(tr.t("site-pages")) {
                        @if page > 1 { a rel="prev" href=(asked.href("/entries", |p| p.push(("page".into(), (page - 1).to_string())))) { (tr.t("public-previous")) } " " }
                        (tr.t_with("public-page", &[("page", page.into()), ("pages", pages.into())]))
                        @if page < pages { " " a rel="next" href=(asked.href("/entries", |p| p.push(("page".into(), (page + 1).to_string())))) { (tr.t("public-next")) } }
                    }
                }
            }
        }
        (head_line(tr, site.head.as_ref()))
    };
    frame(asked, "/entries", &tr.t("site-title"), body)
}

fn hit_html(tr: Tr, hit: &Hit) -> Markup {
    let code = tr.lang().code();
    let others: Vec<&String> = hit.names.iter().filter(|n| **n != hit.display).collect();
    html! {
        li {
            a href={ "/" (code) "/entries/" (hit.id) ".html" } { (hit.display) }
            @if !others.is_empty() { " " span { (others.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" · ")) } }
            br;
            span.muted {
                (hit.id) " · " (term!(tr, hit.level))
                @if let Value::Is(year) = &hit.year { " · " (tr.t_with("public-detained-in", &[("year", year.clone().into())])) }
            }
        }
    }
}

/// The head `downloads/HEAD` names: `ledger seq N head HASH`, as `dalel export` describes one.
fn parse_head(text: &str) -> Option<dalel_model::Head> {
    let (seq, hash) = text.trim().strip_prefix("ledger seq ")?.split_once(" head ")?;
    Some(dalel_model::Head { seq: seq.parse().ok()?, hash: dalel_model::Hash::from_hex(hash)? })
}

async fn entry(State(site): State<PublicSite>, UrlPath(id): UrlPath<String>, asked: Asked) -> Response {
    if !site.edition.has(&id) {
        let tr = asked.tr;
        let body = html! { h1 { "404" } p { (tr.t("error-not-found")) } p { a href={ "/entries?lang=" (tr.lang().code()) } { (tr.t("site-title")) } } };
        return (StatusCode::NOT_FOUND, frame(&asked, "/entries", &tr.t("error-not-found"), body)).into_response();
    }
    Redirect::to(&format!("/{}/entries/{id}.html", asked.tr.lang().code())).into_response()
}

async fn statistics_page(State(site): State<PublicSite>, asked: Asked) -> Response {
    let search = asked.search.clone();
    let (total, counts) = match site.run(move |edition| edition.count_of(&search)).await {
        Ok(counted) => counted,
        Err(failed) => return failed,
    };
    let tally = edition::tally_of(total, counts.clone());
    let tr = asked.tr;
    let filtered = !asked.filters.is_empty() || !asked.search.q.is_empty();
    let body = html! {
        h1 { (tr.t("stats-title")) }
        p { (tr.t_with("stats-intro", &[("count", tally.entries.into())])) }
        @if filtered {
            p.notice { (tr.t("public-stats-filtered")) " " a href=(asked.href("/entries", |_| {})) { (tr.t("public-stats-see-entries")) } }
        }
        (head_line(tr, site.head.as_ref()))
        div.public {
            (facets_html(&asked, "/statistics", &counts))
            div.results {
                @for m in Measure::ALL {
                    (charts::section(tr, &tally, m, &asked.href(&format!("/statistics/{}.csv", m.code()), |p| { p.remove(0); })))
                }
            }
        }
    };
    frame(&asked, "/statistics", &tr.t("stats-title"), body).into_response()
}

async fn statistics_csv(
    State(site): State<PublicSite>,
    UrlPath(file): UrlPath<String>,
    asked: Result<Asked, Refused>,
) -> Response {
    let Some(measure) = file.strip_suffix(".csv").and_then(|code| Measure::ALL.into_iter().find(|m| m.code() == code))
    else {
        return (StatusCode::NOT_FOUND, "Not found").into_response();
    };
    // An unknown file is not found whatever its query.
    let asked = match asked {
        Ok(asked) => asked,
        Err(refused) => return refused.into_response(),
    };
    let search = asked.search;
    match site.run(move |edition| edition.tally(&search)).await {
        Ok(tally) => {
            ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], charts::csv(&tally, measure)).into_response()
        }
        Err(failed) => failed,
    }
}
