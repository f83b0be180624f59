//! The web app in headless Chromium, through the real pages: record a testimony with two people
//! (the form grows without JavaScript), upload an evidence file in resumable chunks (with
//! JavaScript), take review steps, switch the language, decide a pair of records with one key
//! and open a person's entry; and search and read the static mirror (`dalel publish --static`)
//! from a disk; and search, filter and count on the live public site (`dalel serve --site`).
//!
//! Needs `chromium` and `chromedriver` (Debian: `apt-get install chromium chromium-driver`);
//! `scripts/test-all` installs them. Writes screenshots of the filled intake form and of the
//! static mirror's entry, statistics and facilities to `target/intake-form.png`,
//! `target/static-site.png`, `target/static-statistics.png` and `target/static-facilities.png`
//! (`docs/` has copies).

use std::io::Write;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, ClientBuilder, Locator};

/// Kills a child process when dropped, so a failing test leaves nothing running.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Waits until `addr` accepts connections (the server or the driver has started).
async fn wait_for_port(port: u16, what: &str) {
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not start on port {port}");
}

/// Polls the page until its source contains `text`; panics with the page if it never does.
async fn wait_for_text(c: &Client, text: &str) -> String {
    let mut source = String::new();
    for _ in 0..300 {
        source = c.source().await.unwrap();
        if source.contains(text) {
            return source;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the page never showed {text:?}:\n{source}");
}

async fn fill(c: &Client, css: &str, text: &str) {
    c.find(Locator::Css(css)).await.unwrap().send_keys(text).await.unwrap();
}

async fn choose(c: &Client, css: &str, value: &str) {
    c.find(Locator::Css(css)).await.unwrap().select_by_value(value).await.unwrap();
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css)).await.unwrap().click().await.unwrap();
}

/// Runs axe-core (`target/axe-core`, fetched by `scripts/test-all`) on the page and fails on
/// any serious or critical violation of WCAG 2.1 A and AA, naming the rule and the elements.
async fn assert_accessible(c: &Client, what: &str) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/axe-core/package/axe.min.js");
    let axe = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("{}: {e}; scripts/test-all fetches axe-core", file.display()));
    c.execute(&format!("{axe}\nreturn true;"), vec![]).await.unwrap();
    let found = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'], resultTypes: ['violations'] })
               .then(r => done(r.violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
               .catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .unwrap();
    let found: Vec<String> = serde_json::from_value(found).unwrap();
    assert!(found.is_empty(), "{what}: {found:#?}");
}

/// Writes a screenshot of the page to `target/{name}`.
async fn screenshot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    assert_eq!(&png[1..4], b"PNG");
    std::fs::write(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target").join(name), &png).unwrap();
}

/// Runs `dalel --data data ARGS` with its configuration (the archive's key file) in
/// `dir/config`, and fails the test if it fails.
fn run_dalel(dir: &Path, data: &Path, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_dalel"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .arg("--data")
        .arg(data)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
}

/// Searches the static site's front page for `query` and waits for the entry `id` to be offered.
async fn search_static(c: &Client, query: &str, id: &str) {
    let q = c.find(Locator::Css("#q")).await.unwrap();
    q.clear().await.unwrap();
    q.send_keys(query).await.unwrap();
    click(c, "#site-search button[type=submit]").await;
    let wanted = format!("#site-results a[href='entries/{id}.html']");
    for _ in 0..100 {
        if c.find(Locator::Css(&wanted)).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("searching {query:?} did not offer {id}: {}", c.source().await.unwrap());
}

/// The password of the test's administrator.
const PASSWORD: &str = "tea in the mountains";

fn start_server(data: &Path, port: u16) -> Running {
    let dalel = env!("CARGO_BIN_EXE_dalel");
    // The archive's key file goes beside it, not into the user's configuration.
    let config = data.parent().unwrap().join("config");
    let status = Command::new(dalel)
        .env("XDG_CONFIG_HOME", &config)
        .arg("--data")
        .arg(data)
        .args(["demo", "--people", "30"])
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    let mut add = Command::new(dalel)
        .env("XDG_CONFIG_HOME", &config)
        .arg("--data")
        .arg(data)
        .args(["user", "add", "aigul", "--role", "admin"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
    assert!(add.wait().unwrap().success());
    // A pair for the review queue: two demo people, left undecided.
    let decided = Command::new(dalel)
        .env("XDG_CONFIG_HOME", &config)
        .arg("--data")
        .arg(data)
        .args(["decide", "undecided", "demo-person-0", "demo-person-1"])
        .output()
        .unwrap();
    assert!(decided.status.success(), "{decided:?}");
    let child = Command::new(dalel)
        .env("XDG_CONFIG_HOME", &config)
        .arg("--data")
        .arg(data)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    Running(child)
}

async fn start_browser(profile: &Path) -> (Running, Client) {
    let driver = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("chromedriver is missing: apt-get install chromium chromium-driver (scripts/test-all does)");
    let port = free_port();
    let child =
        Command::new(driver).arg(format!("--port={port}")).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let running = Running(child);
    wait_for_port(port, "chromedriver").await;
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                format!("--user-data-dir={}", profile.display()), "--window-size=1000,2200",
                "--lang=en-US",
            ],
        }),
    );
    let client = ClientBuilder::rustls()
        .unwrap()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("chromedriver accepts a session");
    (running, client)
}

#[tokio::test]
async fn a_testimony_is_recorded_given_evidence_reviewed_and_read_in_kazakh() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let _server = start_server(&dir.path().join("archive"), port);
    wait_for_port(port, "dalel serve").await;
    let (_driver, c) = start_browser(&dir.path().join("profile")).await;
    let base = format!("http://127.0.0.1:{port}");

    // Signing in: the archive's pages send the browser to the form, which brings it back.
    c.goto(&format!("{base}/")).await.unwrap();
    wait_for_text(&c, "Account name").await;
    fill(&c, "#name", "aigul").await;
    fill(&c, "#password", PASSWORD).await;
    click(&c, "form[action='/login'] button[type=submit]").await;
    wait_for_text(&c, "aigul (Administrator)").await;

    // Someone already in the archive, to be typed as the second person.
    c.goto(&format!("{base}/")).await.unwrap();
    let known = c.find(Locator::Css("a[href^='/people/']")).await.unwrap();
    let (known_name, known_href) = (known.text().await.unwrap(), known.attr("href").await.unwrap().unwrap());
    // The stylesheet applies under the Content-Security-Policy, which allows no inline style.
    let float = c.execute("return getComputedStyle(document.querySelector('.lang-switch')).cssFloat", vec![]).await;
    assert_eq!(float.unwrap(), serde_json::json!("right"));

    // The form, filled in by hand; a second person block comes from the server.
    c.goto(&format!("{base}/testimonies/new")).await.unwrap();
    fill(&c, "#t-name", "Гүлнар Тоқтарқызы").await;
    fill(&c, "#t-ids", "65400219800202002X").await;
    // Checked as typed, by the form's script: a warning, not a refusal.
    wait_for_text(&c, "check digit is X, expected 6").await;
    choose(&c, "#p0-relation", "husband").await;
    fill(&c, "#p0-names", "Serikzhan Bilash").await;
    click(&c, "button[value=add-person]").await;
    wait_for_text(&c, "Person 2").await;
    let kept = c.find(Locator::Css("#p0-names")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some("Serikzhan Bilash"), "what was typed is kept");
    choose(&c, "#p1-relation", "son").await;
    fill(&c, "#p1-names", &known_name).await;
    // The archive's people with like names are offered as the person typed, by the script;
    // the volunteer says it is that one.
    let offer = format!("#p1-same:not([hidden]) input[value='{}']", known_href.trim_start_matches("/people/"));
    let mut offered = false;
    for _ in 0..300 {
        offered = c.find(Locator::Css(&offer)).await.is_ok();
        if offered {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(offered, "{known_name} was not offered as the person typed");
    click(&c, &offer).await;
    choose(&c, "#e0-kind", "detention").await;
    choose(&c, "#e0-detention", "camp").await;
    fill(&c, "#e0-start", "2017-10~").await;
    c.execute("document.activeElement.blur(); window.scrollTo(0, 0);", vec![]).await.unwrap();
    screenshot(&c, "intake-form.png").await;
    click(&c, "button[value=save]").await;

    let page = wait_for_text(&c, "Testimony saved").await;
    assert!(page.contains("65400219800202002X is not valid"), "the bad check digit is a warning, not a refusal");
    assert!(page.contains("Draft"));
    assert!(page.contains("The volunteer says this is the same person"), "the link to {known_name} is shown");
    assert!(page.contains(&format!("href=\"{known_href}\"")), "{page}");

    // An evidence file of 9 MB (three chunks), through the page's uploader.
    let photo = dir.path().join("id-card.jpg");
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00];
    bytes.extend((0..9_000_000u32).map(|i| (i % 241) as u8));
    std::fs::write(&photo, &bytes).unwrap();
    fill(&c, "#evidence-files", photo.to_str().unwrap()).await;
    click(&c, "#evidence-upload button[type=submit]").await;
    let page = wait_for_text(&c, "image/jpeg").await;
    assert!(page.contains("id-card.jpg"), "{page}");
    // Two more at once: a court document and a short recording.
    let verdict = dir.path().join("verdict.pdf");
    std::fs::write(&verdict, [&b"%PDF-1.4\n"[..], &[b'x'; 2000][..]].concat()).unwrap();
    let clip = dir.path().join("arrest.mp4");
    let mut mp4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom".to_vec();
    mp4.extend((0..600_000u32).map(|i| (i % 251) as u8));
    std::fs::write(&clip, &mp4).unwrap();
    fill(&c, "#evidence-files", &format!("{}\n{}", verdict.display(), clip.display())).await;
    click(&c, "#evidence-upload button[type=submit]").await;
    let page = wait_for_text(&c, "video/mp4").await;
    assert!(page.contains("verdict.pdf") && page.contains("application/pdf") && page.contains("id-card.jpg"), "{page}");

    // Review: submit, start reviewing, accept, publish.
    click(&c, "button[value=submit]").await;
    wait_for_text(&c, "<strong>Submitted</strong>").await;
    click(&c, "button[value=start_review]").await;
    wait_for_text(&c, "<strong>In review</strong>").await;
    click(&c, "button[value=accept]").await;
    wait_for_text(&c, "<strong>Accepted</strong>").await;
    click(&c, "button[value=publish]").await;
    wait_for_text(&c, "<strong>Published</strong>").await;
    let url = c.current_url().await.unwrap();

    // The same page in Kazakh, chosen by the user.
    click(&c, "a[href='/lang?to=kk']").await;
    let page = wait_for_text(&c, "Жарияланды").await;
    assert!(page.contains("Куәгер") && page.contains("Дәлел файлдары"), "{page}");
    assert_eq!(c.current_url().await.unwrap(), url, "back on the same page");

    // The pairs' review queue (the demo's linker left some, and one was added): a pair decided
    // with one key (D), by the page's script.
    c.goto(&format!("{base}/lang?to=en")).await.unwrap();
    c.goto(&format!("{base}/pairs")).await.unwrap();
    wait_for_text(&c, "Pairs to review").await;
    click(&c, "a[href^='/pairs/decision-']").await;
    wait_for_text(&c, "The same person?").await;
    let pair = c.current_url().await.unwrap();
    // A key pressed on the page itself, not typed into a field: the pair is decided and the
    // next one (or the empty queue) comes up.
    let d = KeyActions::new("keyboard".into()).then(KeyAction::Down { value: 'd' }).then(KeyAction::Up { value: 'd' });
    c.perform_actions(d).await.unwrap();
    for _ in 0..300 {
        if c.current_url().await.unwrap() != pair {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_ne!(c.current_url().await.unwrap(), pair, "the key D decided the pair");
    c.goto(pair.as_str()).await.unwrap();
    let page = wait_for_text(&c, "Decisions on this pair").await;
    assert!(page.contains("Not the same person") && page.contains("aigul"), "the decision and who made it: {page}");

    // A person's entry: every record linked to them, the id to cite, the evidence level.
    click(&c, "table.pair a[href^='/people/']").await;
    wait_for_text(&c, "The entry this record belongs to").await;
    click(&c, "a[href^='/entries/']").await;
    let page = wait_for_text(&c, "Cite as dalel entry").await;
    assert!(page.contains("Evidence level") && page.contains("Timeline"), "{page}");
    assert_accessible(&c, "an entry's page").await;
    assert!(c.current_url().await.unwrap().path().starts_with("/entries/"), "redirected to the public id");

    // Signing out: the session's cookie signs no one in any more.
    click(&c, "form[action='/logout'] button[type=submit]").await;
    wait_for_text(&c, "name=\"password\"").await;
    c.goto(url.as_str()).await.unwrap();
    wait_for_text(&c, "name=\"password\"").await;
    c.close().await.unwrap();
}

/// The static mirror opened from a disk (`file://`, as from a USB stick): search in the browser
/// finds an entry by a Latin name, its page shows its sources and how to cite it, the
/// language switch leads to the same page in Kazakh, the statistics and the facilities' map
/// are drawn, and the Uyghur front page (right to left) finds a name typed in Arabic script.
/// Writes `target/static-site.png`, `static-statistics.png` and `static-facilities.png` (`docs/`
/// has copies).
#[tokio::test]
async fn the_static_mirror_is_searched_and_read_from_a_disk() {
    let dir = tempfile::tempdir().unwrap();
    let (data, site) = (dir.path().join("archive"), dir.path().join("site"));
    let dalel = |args: &[&str]| run_dalel(dir.path(), &data, args);
    dalel(&["demo", "--people", "60"]);
    // Someone named in Latin letters only, to be found by a query in Cyrillic.
    let latin_only = dir.path().join("latin-only.jsonl");
    let lines = [
        r#"{"format":"dalel-jsonl","version":1}"#,
        r#"{"type":"person","id":"latin-only","names":[{"text":"Zhanargul Tursynbaeva","script":"Latn","language":"en","kind":"full"}]}"#,
        r#"{"type":"testimony","id":"latin-only-t","testifier":{"name":"Synthetic sister"},"subjects":[{"person":"latin-only","relation":"sister"}],"consent":"public","review":{"state":"published"}}"#,
    ];
    std::fs::write(&latin_only, lines.join("\n")).unwrap();
    dalel(&["import", "--format", "jsonl", latin_only.to_str().unwrap()]);
    dalel(&["publish", "--static", site.to_str().unwrap()]);
    // An entry with a name in Latin letters, and the first word of that name.
    let script = std::fs::read_to_string(site.join("search-index.js")).unwrap();
    let first = script.lines().next().unwrap();
    let json = first.strip_prefix("var dalelSearchIndex = ").unwrap().strip_suffix(';').unwrap();
    let index: Vec<serde_json::Value> = serde_json::from_str(json).unwrap();
    let (id, word) = index
        .iter()
        .find_map(|e| {
            let names = e["names"].as_array()?;
            let latin = names.iter().filter_map(|n| n.as_str()).find(|n| n.is_ascii())?;
            Some((e["id"].as_str()?.to_string(), latin.split(' ').next()?.to_string()))
        })
        .expect("the demo publishes an entry with a Latin name");

    let latin_id = index
        .iter()
        .find(|e| e["names"].as_array().unwrap().iter().any(|n| n == "Zhanargul Tursynbaeva"))
        .expect("the person named in Latin letters is published")["id"]
        .as_str()
        .unwrap()
        .to_string();

    let (_driver, c) = start_browser(&dir.path().join("profile")).await;
    let front = format!("file://{}/en/index.html", site.display());
    c.goto(&front).await.unwrap();
    let page = wait_for_text(&c, "Downloads").await;
    assert!(page.contains("SHA-256") && page.contains("public.ftm.jsonl"), "{page}");
    assert_accessible(&c, "the static site's front page").await;
    // A query in Cyrillic finds the name written in Latin letters only; a misspelt one, too.
    for query in ["Жанаргүл Турсынбаева", "Janargul"] {
        search_static(&c, query, &latin_id).await;
    }
    search_static(&c, &word, &id).await;
    click(&c, &format!("#site-results a[href='entries/{id}.html']")).await;
    let page = wait_for_text(&c, "How to cite").await;
    assert!(page.contains(&id) && page.contains("Evidence level") && page.contains("Sources"), "{page}");
    assert_accessible(&c, "an entry of the static site").await;
    screenshot(&c, "static-site.png").await;

    click(&c, "a[hreflang=kk]").await;
    wait_for_text(&c, "Қалай сілтеме жасау керек").await;
    assert!(c.current_url().await.unwrap().path().ends_with(&format!("/kk/entries/{id}.html")));

    // Statistics: charts drawn without a script, each with its numbers as a table.
    click(&c, "a[href$='statistics.html']").await;
    let page = wait_for_text(&c, "Статистика").await;
    assert!(page.contains("<svg") && page.contains("Ұлты"), "{page}");
    assert_accessible(&c, "the static site's statistics").await;
    screenshot(&c, "static-statistics.png").await;

    // Facilities: the map drawn without a tile server, the counts, and the credit.
    click(&c, "a[href$='facilities/index.html']").await;
    let page = wait_for_text(&c, "BuzzFeed News").await;
    assert!(page.contains("<svg") && page.contains("Kashgar"), "{page}");
    assert_accessible(&c, "the static site's facilities").await;
    screenshot(&c, "static-facilities.png").await;
    c.goto(&format!("file://{}/en/facilities/106B.html", site.display())).await.unwrap();
    wait_for_text(&c, "Shufu - I").await;
    assert_accessible(&c, "a facility's page").await;

    // In Uyghur, right to left: a name typed in Arabic script finds the entry named so.
    let (arabic_id, arabic_name) = index
        .iter()
        .find_map(|e| {
            let names = e["names"].as_array()?;
            let name = names
                .iter()
                .filter_map(|n| n.as_str())
                .find(|n| n.chars().any(|c| ('\u{600}'..='\u{6FF}').contains(&c)))?;
            Some((e["id"].as_str()?.to_string(), name.to_string()))
        })
        .expect("the demo publishes an entry named in Arabic script");
    c.goto(&format!("file://{}/ug/index.html", site.display())).await.unwrap();
    let page = wait_for_text(&c, "site-search").await;
    assert!(page.contains(r#"<html lang="ug" dir="rtl">"#), "{page}");
    search_static(&c, &arabic_name, &arabic_id).await;
    assert_accessible(&c, "the static site's front page in Uyghur").await;
    c.close().await.unwrap();
}

/// The live public site (`dalel serve --site`) over a published demo: a name searched, a filter
/// chosen and its counts, an entry opened at its stable URL, and the statistics of the filtered
/// entries; the search and statistics pages in Uyghur, right to left. Writes
/// `target/public-search.png`, `public-statistics.png`, `public-search-ug.png` and
/// `public-statistics-ug.png` (`docs/` has copies).
#[tokio::test]
async fn the_live_public_site_is_searched_filtered_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let (data, site) = (dir.path().join("archive"), dir.path().join("site"));
    let dalel = |args: &[&str]| run_dalel(dir.path(), &data, args);
    dalel(&["demo", "--people", "200"]);
    dalel(&["publish", "--static", site.to_str().unwrap()]);
    // An entry with a Latin name and a Cyrillic one: searched in Cyrillic, shown in English.
    let rows = std::fs::read_to_string(site.join("data/entries.jsonl")).unwrap();
    let (id, cyrillic) = rows
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find_map(|row| {
            let names: Vec<&str> = row["names"].as_array()?.iter().filter_map(|n| n.as_str()).collect();
            let cyrillic = names.iter().find(|n| n.chars().any(|c| ('\u{400}'..='\u{4FF}').contains(&c)))?;
            names.iter().any(|n| n.is_ascii()).then(|| (row["id"].as_str().unwrap().to_string(), cyrillic.to_string()))
        })
        .expect("the demo publishes an entry named in two scripts");

    let port = free_port();
    let _server = Running(
        Command::new(env!("CARGO_BIN_EXE_dalel"))
            .args(["serve", "--site", site.to_str().unwrap(), "--listen", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for_port(port, "dalel serve --site").await;
    let (_driver, c) = start_browser(&dir.path().join("profile")).await;
    c.goto(&format!("http://127.0.0.1:{port}/")).await.unwrap();
    let page = wait_for_text(&c, "Filters").await;
    let all = found_count(&page);
    assert!(all > 10, "{page}");
    assert_accessible(&c, "the live site's search page").await;

    fill(&c, "#q", &cyrillic).await;
    click(&c, "form[role=search] button[type=submit]").await;
    wait_for_text(&c, &format!("/en/entries/{id}.html")).await;

    // A filter: the first value of the first facet; the count shrinks, the value is marked.
    c.goto(&format!("http://127.0.0.1:{port}/entries?lang=en")).await.unwrap();
    wait_for_text(&c, "Filters").await;
    let first = c.find(Locator::Css("nav.facets li a")).await.unwrap();
    let label = first.text().await.unwrap();
    first.click().await.unwrap();
    let page = wait_for_text(&c, "aria-current=\"true\"").await;
    let filtered = found_count(&page);
    assert!(filtered > 0 && filtered < all, "{label}: {filtered} of {all}");
    assert!(page.contains(&format!("✓ {label}")), "{page}");
    screenshot(&c, "public-search.png").await;

    // Its statistics: only the filtered entries are counted.
    click(&c, "#stats-of-these").await;
    let page = wait_for_text(&c, "not of all entries").await;
    assert!(page.contains("<svg") && page.contains(&format!("Counts of the {filtered} published")), "{page}");
    assert_accessible(&c, "the live site's statistics").await;
    screenshot(&c, "public-statistics.png").await;

    // In Uyghur the page runs right to left: the filters stand to the right of the results, and
    // the entries are listed under their names in Arabic script where they have one.
    c.goto(&format!("http://127.0.0.1:{port}/entries?lang=ug")).await.unwrap();
    let page = wait_for_text(&c, "سۈزگۈچلەر").await;
    assert!(page.contains(r#"<html lang="ug" dir="rtl">"#), "{page}");
    let arabic = |c: char| ('\u{600}'..='\u{6FF}').contains(&c);
    let mut listed = Vec::new();
    for link in c.find_all(Locator::Css("section.results li > a")).await.unwrap() {
        listed.push(link.text().await.unwrap());
    }
    assert!(listed.iter().any(|name| name.chars().any(arabic)), "listed as {listed:?}");
    let left = |css: &str| format!("return document.querySelector('{css}').getBoundingClientRect().left;");
    let facets = c.execute(&left("nav.facets"), vec![]).await.unwrap().as_f64().unwrap();
    let results = c.execute(&left("section.results"), vec![]).await.unwrap().as_f64().unwrap();
    assert!(facets > results, "filters at {facets}, results at {results}");
    assert_accessible(&c, "the live site's search page in Uyghur").await;
    screenshot(&c, "public-search-ug.png").await;
    // Its statistics' charts are mirrored: each label to the right of its bar.
    c.goto(&format!("http://127.0.0.1:{port}/statistics?lang=ug")).await.unwrap();
    wait_for_text(&c, "<svg").await;
    let script = "const t = document.querySelector('svg.chart text').getBoundingClientRect(); \
                  const r = document.querySelector('svg.chart rect').getBoundingClientRect(); \
                  return [t.left, r.right];";
    let at = c.execute(script, vec![]).await.unwrap();
    let (label_left, bar_right) = (at[0].as_f64().unwrap(), at[1].as_f64().unwrap());
    assert!(label_left >= bar_right, "label at {label_left}, bar to {bar_right}");
    assert_accessible(&c, "the live site's statistics in Uyghur").await;
    screenshot(&c, "public-statistics-ug.png").await;

    // The stable URL of an entry opens its page, in the reader's language.
    c.goto(&format!("http://127.0.0.1:{port}/entries/{id}?lang=kk")).await.unwrap();
    wait_for_text(&c, "Қалай сілтеме жасау керек").await;
    assert!(c.current_url().await.unwrap().path().ends_with(&format!("/kk/entries/{id}.html")));
    c.close().await.unwrap();
}

/// The number of entries a search page says it found (`N entries`, `One entry`).
fn found_count(page: &str) -> usize {
    let heading = page.split("<h2 id=\"found\">").nth(1).and_then(|h| h.split('<').next()).unwrap_or("");
    if heading.starts_with("One entry") {
        return 1;
    }
    heading.split(' ').next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("no count in {heading:?}"))
}
