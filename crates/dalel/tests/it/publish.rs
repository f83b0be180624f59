//! The visibility policy, as a property: on archives generated with random consent levels,
//! review states, relations, sensitive values and people's "same person" decisions, no public
//! output (the exports as FtM, dalel JSON lines and CSV; every file of the static site, and the
//! live site's search and statistics pages that serve it) holds a value the policy withholds,
//! and the public JSON lines export holds every value it allows (the static site: every
//! published name and transcript). The oracle below restates the policy of
//! docs/security.md independently of `dalel_model::publish`, which the outputs use.

use dalel::Format;
use dalel::export::{Audience, export};
use dalel_model::*;
use dalel_store::Archive;
use proptest::prelude::*;

const CONSENTS: [Consent; 3] = [Consent::Public, Consent::Anonymised, Consent::Internal];
const STATES: [ReviewState; 4] =
    [ReviewState::Published, ReviewState::Accepted, ReviewState::Draft, ReviewState::Withheld];
const RELATIONS: [Relation; 4] = [Relation::Brother, Relation::Son, Relation::Itself, Relation::Mother];

/// A generated testimony: consent, state, the testifier's own person (if any), its people.
#[derive(Clone, Debug)]
struct T {
    consent: usize,
    state: usize,
    testifier_person: Option<usize>,
    subjects: Vec<(usize, usize)>,
}

/// A generated archive: how many people, the testimonies, the episodes (source testimony,
/// person), the evidence files (about which testimony) and the pairs of people decided to be
/// one person (which joins published and unpublished records into one entry).
#[derive(Clone, Debug)]
struct Shape {
    persons: usize,
    testimonies: Vec<T>,
    episodes: Vec<(usize, usize)>,
    files: Vec<usize>,
    same: Vec<(usize, usize)>,
}

fn id(s: String) -> RecordId {
    RecordId::new(s).unwrap()
}

fn person_number(j: usize) -> String {
    format!("650102{:08}{:04}", 19700101 + j, 1000 + j)
}

fn testifier_number(k: usize) -> String {
    format!("65400219800202{:04}", 2000 + k)
}

/// The place that stands for a facility of the gazetteer, as `dalel facilities load` writes it.
fn facility_place() -> RecordId {
    dalel_interchange::record_id_for("bfn-2021:106B")
}

fn records(shape: &Shape) -> Vec<Record> {
    let Shape { persons, testimonies, episodes, files, same } = shape;
    let mut out = Vec::new();
    for j in 0..*persons {
        out.push(Record::Person(Person {
            identity_numbers: vec![IdentityNumber::guess(person_number(j))],
            addresses: vec![format!("Paddr{j}Q")],
            notes: Some(format!("Pnote{j}Q")),
            ..Person::new(id(format!("p{j}")), vec![Name::new(format!("Pname{j}Q"), NameKind::Full)])
        }));
    }
    for (k, t) in testimonies.iter().enumerate() {
        out.push(Record::Testimony(Testimony {
            id: id(format!("t{k}")),
            external_id: None,
            title: Some(format!("Ttitle{k}Q")),
            testifier: Testifier {
                person: t.testifier_person.map(|j| id(format!("p{j}"))),
                name: Some(format!("Tname{k}Q")),
                birth_date: None,
                identity_numbers: vec![IdentityNumber::guess(testifier_number(k))],
                contact: Some(format!("Tcontact{k}Q")),
                residence: Some(format!("Tresidence{k}Q")),
            },
            subjects: t
                .subjects
                .iter()
                .map(|&(j, r)| Subject { person: id(format!("p{j}")), relation: RELATIONS[r] })
                .collect(),
            recorded_on: None,
            recorded_at: Some(format!("Tat{k}Q")),
            recorded_by: Some(format!("Tby{k}Q")),
            language: None,
            media_url: Some(format!("https://example.org/Tmedia{k}Q")),
            consent: CONSENTS[t.consent],
            connection: None,
            reliability: None,
            transcripts: vec![Transcript {
                language: "kk".into(),
                text: format!("Ttext{k}Q"),
                is_translation: false,
                translated_by: None,
            }],
            review: Some(Review { state: STATES[t.state], comment: Some(format!("Tcomment{k}Q")) }),
            questionnaire: None,
            notes: Some(format!("Tnote{k}Q")),
        }));
    }
    for (i, &(source, person)) in episodes.iter().enumerate() {
        out.push(Record::Episode(Episode {
            id: id(format!("e{i}")),
            external_id: None,
            kind: EpisodeKind::Detention,
            persons: vec![id(format!("p{person}"))],
            sources: vec![id(format!("t{source}"))],
            detention: None,
            // Every other episode at a facility of the gazetteer: its page lists the entry.
            place: (i % 2 == 0).then(facility_place),
            place_text: Some(format!("Eplace{i}Q")),
            start: None,
            end: None,
            charges: vec![],
            term: None,
            outcome: None,
            status: None,
            reliability: None,
            notes: Some(format!("Enote{i}Q")),
        }));
    }
    let shufu = dalel_model::facilities::named_by("bfn-2021:106B").unwrap();
    out.push(Record::Place(shufu.place(facility_place())));
    for &(a, b) in same.iter().filter(|(a, b)| a != b) {
        out.push(Record::Decision(Decision::new(id(format!("p{a}")), id(format!("p{b}")), Verdict::Same)));
    }
    for (i, &about) in files.iter().enumerate() {
        out.push(Record::EvidenceFile(EvidenceFile {
            id: id(format!("f{i}")),
            external_id: None,
            sha256: format!("{i:064x}"),
            size: 1,
            media_type: "image/jpeg".into(),
            file_name: Some(format!("Fname{i}Q.jpg")),
            about: vec![id(format!("t{about}"))],
            description: Some(format!("Fdesc{i}Q")),
        }));
    }
    out
}

/// Every marker the archive holds, and whether the policy lets it out.
fn oracle(shape: &Shape) -> Vec<(String, bool)> {
    let Shape { persons, testimonies, episodes, files, .. } = shape;
    let published = |t: &T| STATES[t.state] == ReviewState::Published && CONSENTS[t.consent] != Consent::Internal;
    let public = |t: &T| published(t) && CONSENTS[t.consent] == Consent::Public;
    let person_out = |j: usize| {
        testimonies.iter().any(|t| {
            public(t) && (t.testifier_person == Some(j) || t.subjects.iter().any(|s| s.0 == j))
                || published(t)
                    && t.testifier_person != Some(j)
                    && t.subjects.iter().any(|&(p, r)| p == j && RELATIONS[r] != Relation::Itself)
        })
    };
    let mut markers = Vec::new();
    for j in 0..*persons {
        markers.push((format!("Pname{j}Q"), person_out(j)));
        markers.extend([(format!("Paddr{j}Q"), false), (format!("Pnote{j}Q"), false), (person_number(j), false)]);
    }
    for (k, t) in testimonies.iter().enumerate() {
        for field in ["name", "title", "text", "media"] {
            markers.push((format!("T{field}{k}Q"), public(t)));
        }
        for field in ["contact", "residence", "at", "by", "comment", "note"] {
            markers.push((format!("T{field}{k}Q"), false));
        }
        markers.push((testifier_number(k), false));
    }
    for (i, &(source, person)) in episodes.iter().enumerate() {
        markers.push((format!("Eplace{i}Q"), published(&testimonies[source]) && person_out(person)));
        markers.push((format!("Enote{i}Q"), false));
    }
    for i in 0..files.len() {
        markers.extend([(format!("Fname{i}Q"), false), (format!("Fdesc{i}Q"), false)]);
    }
    markers
}

/// An archive of the shape, and the markers it holds with whether each may be published.
async fn archive_of(shape: &Shape) -> (tempfile::TempDir, Archive, Vec<(String, bool)>) {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::init(dir.path()).await.unwrap();
    let mut w = dalel_store::Store::writer(&archive.store, "generator").await.unwrap();
    w.put(records(shape)).await.unwrap();
    w.commit().await.unwrap();
    (dir, archive, oracle(shape))
}

async fn check_exports(shape: Shape) {
    let (_dir, archive, markers) = archive_of(&shape).await;
    for format in [Format::Ftm, Format::Jsonl, Format::Csv] {
        let mut out = Vec::new();
        export(&archive.store, format, Audience::Public, &mut out, false).await.unwrap();
        let text = String::from_utf8(out).unwrap();
        for (marker, allowed) in &markers {
            assert!(*allowed || !text.contains(marker.as_str()), "{format:?} export holds withheld {marker}:\n{text}");
            if format == Format::Jsonl {
                assert!(
                    !*allowed || text.contains(marker.as_str()),
                    "{format:?} export lacks allowed {marker}:\n{text}"
                );
            }
        }
    }
    // The internal export holds them all: the markers are there to be withheld.
    let mut out = Vec::new();
    export(&archive.store, Format::Jsonl, Audience::Internal, &mut out, false).await.unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(markers.iter().all(|(m, _)| text.contains(m.as_str())));
}

async fn check_site(shape: Shape) {
    let (_dir, archive, markers) = archive_of(&shape).await;
    // Creating files is slow on some disks and a site is some thousands: in memory where the
    // machine has a place for it.
    let shm = std::path::Path::new("/dev/shm");
    let site_dir = if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir() }.unwrap();
    let site = site_dir.path().join("site");
    dalel::publish::publish_static(&archive.store, &site, false).await.unwrap();
    let mut text: String = files_under(&site).iter().map(|f| std::fs::read_to_string(f).unwrap()).collect();
    // The live site serves the edition: its search and statistics pages are checked with the files.
    let live = dalel_web::public::app(dalel_web::public::PublicSite::open(&site).unwrap());
    for uri in ["/entries?lang=en", "/entries?lang=zh&sort=year", "/entries?lang=ug", "/statistics?lang=en"] {
        let response = tower::ServiceExt::oneshot(
            live.clone(),
            axum::http::Request::get(uri).body(axum::body::Body::empty()).unwrap(),
        );
        let response = response.await.unwrap();
        assert_eq!(response.status(), axum::http::StatusCode::OK, "{uri}");
        let body = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
        text.push_str(std::str::from_utf8(&body).unwrap());
    }
    // Markers are letters and digits: the words of the site that could hold one, gathered in
    // one pass (the site is some megabytes: its facilities' pages are written whatever the
    // archive), each then searched for each marker.
    let words: std::collections::HashSet<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.contains('Q') || w.bytes().filter(u8::is_ascii_digit).count() >= 12)
        .collect();
    let holds = |marker: &str| words.iter().any(|w| w.contains(marker));
    for (marker, allowed) in &markers {
        assert!(*allowed || !holds(marker), "the static or live site holds withheld {marker}");
        let shown = marker.starts_with("Pname") || marker.starts_with("Ttext");
        assert!(!(*allowed && shown) || holds(marker), "the static site lacks allowed {marker}");
    }
    // An entry at the facility is on the facility's page, under the name it is listed by.
    let facility = std::fs::read_to_string(site.join("en/facilities/106B.html")).unwrap();
    for (i, &(source, person)) in shape.episodes.iter().enumerate() {
        let listed = markers.iter().any(|(m, allowed)| *allowed && *m == format!("Eplace{i}Q"));
        if i % 2 == 0 && listed {
            assert!(facility.contains("../entries/"), "episode {i} (t{source}, p{person}) is at the facility");
        }
    }
}

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { files.extend(files_under(&path)) } else { files.push(path) }
    }
    files
}

fn archive_shape() -> impl Strategy<Value = Shape> {
    (1usize..6).prop_flat_map(|persons| {
        let testimony = (
            0..3usize,
            0..4usize,
            proptest::option::of(0..persons),
            proptest::collection::vec((0..persons, 0..4usize), 1..4),
        )
            .prop_map(|(consent, state, testifier_person, subjects)| T {
                consent,
                state,
                testifier_person,
                subjects,
            });
        proptest::collection::vec(testimony, 1..6).prop_flat_map(move |testimonies| {
            let n = testimonies.len();
            (
                Just(persons),
                Just(testimonies),
                proptest::collection::vec((0..n, 0..persons), 0..5),
                proptest::collection::vec(0..n, 0..3),
                proptest::collection::vec((0..persons, 0..persons), 0..3),
            )
                .prop_map(|(persons, testimonies, episodes, files, same)| Shape {
                    persons,
                    testimonies,
                    episodes,
                    files,
                    same,
                })
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn no_public_export_holds_what_the_policy_withholds(shape in archive_shape()) {
        tokio::runtime::Runtime::new().unwrap().block_on(check_exports(shape));
    }
}

proptest! {
    // Fewer: each case writes a whole site, the gazetteer's 2,204 pages among its files.
    #![proptest_config(ProptestConfig::with_cases(16))]
    #[test]
    fn no_file_of_the_static_site_holds_what_the_policy_withholds(shape in archive_shape()) {
        tokio::runtime::Runtime::new().unwrap().block_on(check_site(shape));
    }
}
