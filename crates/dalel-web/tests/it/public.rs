//! The live public site (`dalel serve --site DIR`) over HTTP: search, filters, statistics, an
//! entry's stable URL and the edition's files, from a published edition written here.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use dalel_model::stats::{Profile, Value};
use dalel_model::vocab::EvidenceLevel;
use dalel_web::public::{ENTRIES_FILE, PublicSite, Row, SAMPLE, app};

use crate::{Client, get, send};

fn row(id: &str, names: &[&str], ethnicity: &str, year: &str, text: &str) -> Row {
    Row {
        id: id.into(),
        display: [("en", names[0]), ("kk", names[names.len() - 1])].map(|(l, n)| (l.to_string(), n.to_string())).into(),
        names: names.iter().map(|n| n.to_string()).collect(),
        profile: Profile {
            ethnicity: Value::Is(ethnicity.into()),
            prefecture: Value::Is("6540".into()),
            county: Value::Is("654021".into()),
            detention_year: Value::Is(year.into()),
            status: Value::Unknown,
            level: EvidenceLevel::Reported,
            age: Value::Unknown,
            sentence: Value::Unknown,
        },
        episodes: vec!["detention".into()],
        facilities: Vec::new(),
        languages: vec!["kk".into()],
        texts: vec![text.into()],
    }
}

/// A published edition of three entries, with one entry page and the head file, in `dir`.
fn edition(dir: &std::path::Path) -> Client {
    let rows = [
        row("AAAA-AAAA-AAAA", &["Serikzhan Bilash", "Серікжан Біләш"], "Kazakh", "2018", "He was taken to a camp."),
        row("BBBB-BBBB-BBBB", &["Gulnar Omarova"], "Kazakh", "2017", "Апамды лагерьге апарды."),
        row("CCCC-CCCC-CCCC", &["Aidar Nurlanuly"], "Uyghur", "2018", "他被送进再教育营。"),
    ];
    let lines: String = rows.iter().map(|r| serde_json::to_string(r).unwrap() + "\n").collect();
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join(ENTRIES_FILE), lines).unwrap();
    std::fs::create_dir_all(dir.join("downloads")).unwrap();
    std::fs::write(dir.join("downloads/HEAD"), format!("ledger seq 7 head {}\n", "ab".repeat(32))).unwrap();
    std::fs::create_dir_all(dir.join("kk/entries")).unwrap();
    std::fs::write(dir.join("kk/entries/AAAA-AAAA-AAAA.html"), "<h1>Серікжан Біләш</h1>").unwrap();
    std::fs::write(dir.parent().unwrap().join("secret.txt"), "not published").unwrap();
    let site = PublicSite::open(dir).unwrap();
    assert_eq!(site.len(), 3);
    Client::public(&app(site))
}

#[tokio::test]
async fn names_and_testimonies_are_searched_with_filters_and_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let client = edition(&tmp.path().join("site"));
    let (status, page) = get(&client, "/entries?q=%D0%A1%D0%B5%D1%80%D1%96%D0%BA%D0%B6%D0%B0%D0%BD&lang=en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"<a href="/en/entries/AAAA-AAAA-AAAA.html">Serikzhan Bilash</a>"#), "{page}");
    assert!(page.contains("One entry"), "{page}");
    assert!(!page.contains("BBBB-BBBB-BBBB"));
    // The ledger head of downloads/HEAD, under every page.
    assert!(
        page.contains(&format!("Published from ledger entry 7, head hash <code>{}</code>", "ab".repeat(32))),
        "{page}"
    );

    // A Chinese phrase of a transcript.
    let (_, page) = get(&client, &format!("/entries?q={}", urlencode("教育营"))).await;
    assert!(page.contains("CCCC-CCCC-CCCC") && !page.contains("AAAA-AAAA-AAAA"), "{page}");

    // Filters, and the counts of the entries they leave.
    let (_, page) = get(&client, "/entries?lang=en&year=2018").await;
    assert!(page.contains("2 entries"), "{page}");
    assert!(
        page.contains(
            r#"<a href="/entries?lang=en&amp;year=2018&amp;ethnicity=Kazakh">Kazakh</a> <span class="muted">1</span>"#
        ),
        "{page}"
    );
    assert!(page.contains(r#"aria-current="true">✓ 2018</a>"#), "{page}");
    let (_, page) = get(&client, "/entries?lang=en&year=2018&ethnicity=Kazakh").await;
    assert!(page.contains("One entry") && page.contains("AAAA-AAAA-AAAA"), "{page}");
    let (_, page) = get(&client, "/entries?lang=kk&year=2017&year=2018&sort=year").await;
    let (b, a) = (page.find("BBBB-BBBB-BBBB").unwrap(), page.find("AAAA-AAAA-AAAA").unwrap());
    assert!(b < a, "2017 before 2018: {page}");
    // In Kazakh, under the name Kazakh readers read.
    assert!(page.contains(r#"<a href="/kk/entries/AAAA-AAAA-AAAA.html">Серікжан Біләш</a>"#), "{page}");
}

#[tokio::test]
async fn a_search_that_finds_very_many_says_its_figures_are_from_a_sample() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    let n = SAMPLE + 3000;
    let lines: String = (0..n)
        .map(|k| {
            let r = row(&format!("E{k:05}"), &["Aidar Nurlanuly"], "Uyghur", "2018", "He was taken to a camp.");
            serde_json::to_string(&r).unwrap() + "\n"
        })
        .collect();
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join(ENTRIES_FILE), lines).unwrap();
    let client = Client::public(&app(PublicSite::open(&dir).unwrap()));
    let (status, page) = get(&client, "/entries?lang=en&q=camp").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"<h2 id="found">About "#), "{page}");
    assert!(page.contains("worked out from a random sample of"), "{page}");
    // The pages are the sample's; the statistics count every entry.
    // "Page 1 of N", N perhaps between Unicode isolation marks.
    let (_, after) = page.split_once("Page ").and_then(|(_, rest)| rest.split_once(" of ")).expect("a pager");
    let pages: usize = after
        .trim_start_matches(|c: char| !c.is_ascii_digit())
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap();
    assert!(pages >= SAMPLE.div_ceil(50) && pages * 50 < n, "{pages} pages: {page}");
    let (_, page) = get(&client, "/statistics?lang=en&q=camp").await;
    let total = format!("Counts of the {n} published entries");
    assert!(page.contains(&total), "{page}");
    // A search that finds fewer says how many exactly.
    let (_, page) = get(&client, "/entries?lang=en&q=E00042").await;
    assert!(page.contains("One entry") && !page.contains("random sample"), "{page}");
}

#[tokio::test]
async fn a_query_that_cannot_be_answered_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    let client = edition(&tmp.path().join("site"));
    for (uri, why) in [
        ("/entries?colour=red", "no filter \"colour\""),
        ("/entries?lang=xx", "lang: no language \"xx\""),
        ("/entries?sort=age", "sort: no order \"age\""),
        ("/entries?page=0", "page: \"0\" is not a page number"),
        ("/statistics?page=x", "page: \"x\" is not a page number"),
    ] {
        let (status, body) = get(&client, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(body.contains(why), "{uri}: {body}");
    }
    let (status, page) = get(&client, &format!("/entries?q={}", "a".repeat(201))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
}

#[tokio::test]
async fn statistics_count_the_entries_the_filters_select() {
    let tmp = tempfile::tempdir().unwrap();
    let client = edition(&tmp.path().join("site"));
    let (status, page) = get(&client, "/statistics?lang=en&ethnicity=Kazakh").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Counts of the 2 published entries"), "{page}");
    assert!(page.contains("<svg") && page.contains("not of all entries"), "{page}");
    assert!(page.contains(r#"href="/statistics/detention-year.csv?ethnicity=Kazakh""#), "{page}");
    let (status, csv) = get(&client, "/statistics/detention-year.csv?ethnicity=Kazakh").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(csv, "value,entries\n2017,1\n2018,1\n");
    let (_, csv) = get(&client, "/statistics/ethnicity.csv").await;
    assert_eq!(csv, "value,entries\nKazakh,2\nUyghur,1\n");
    let (status, _) = get(&client, "/statistics/names.csv").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_entrys_url_leads_to_its_page_and_only_the_edition_is_served() {
    let tmp = tempfile::tempdir().unwrap();
    let client = edition(&tmp.path().join("site"));
    let (status, headers, _) =
        send(&client, Request::get("/entries/AAAA-AAAA-AAAA?lang=kk").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/kk/entries/AAAA-AAAA-AAAA.html");
    let (status, headers, page) =
        send(&client, Request::get("/kk/entries/AAAA-AAAA-AAAA.html").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page, "<h1>Серікжан Біләш</h1>");
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=60");
    assert!(headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap().contains("default-src 'none'"));
    let (status, page) = get(&client, "/entries/ZZZZ-ZZZZ-ZZZZ").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{page}");
    for outside in ["/../secret.txt", "/%2e%2e/secret.txt", "/kk/../../secret.txt"] {
        let (status, body) = get(&client, outside).await;
        assert!(!body.contains("not published"), "{outside}: {status}");
    }
}

#[test]
fn an_edition_with_a_bad_line_is_refused_with_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("data")).unwrap();
    std::fs::write(tmp.path().join(ENTRIES_FILE), "{\"id\": 3}\n").unwrap();
    let Err(e) = PublicSite::open(tmp.path()) else { panic!("a bad line was read") };
    let message = e.to_string();
    assert!(message.contains("entries.jsonl, line 1: "), "{message}");
    let Err(e) = PublicSite::open(&tmp.path().join("nothing")) else { panic!("no edition was read") };
    assert!(e.to_string().contains("cannot read"), "{e}");
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).unwrap()[1..].to_string()
}
