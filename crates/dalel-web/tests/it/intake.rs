//! Recording a testimony through the form, as a browser without JavaScript would.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use dalel_model::*;
use dalel_store::{Archive, Store};

use super::{app_with, get, person, post_form, send};

async fn post(app: &crate::Client, fields: &[(&str, &str)]) -> (StatusCode, axum::http::HeaderMap, String) {
    post_form(app, "/testimonies/new", fields).await
}

#[tokio::test]
async fn the_form_is_small_translated_and_grows_without_javascript() {
    let (app, _dir) = app_with(vec![]).await;
    let (status, body) = get(&app, "/testimonies/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.len() < 100_000, "a page under 100 KB: {}", body.len());
    assert_eq!(body.matches("<script").count(), body.matches(r#"<script src="/static/"#).count(), "no inline script");
    assert!(body.contains(r#"<script src="/static/intake.js" defer>"#), "live checks are an addition, not a need");
    let shufu = facilities::by_key("106B").unwrap().choice();
    assert!(
        body.contains(r#"list="facilities""#) && body.contains(&format!(r#"<option value="{shufu}">"#)),
        "the gazetteer is offered"
    );
    for field in ["t-name", "p0-names", "p0-relation", "e0-kind", "q-food", "tr0-text", "media-url"] {
        assert!(body.contains(&format!(r#"name="{field}""#)), "{field}");
    }
    assert!(body.contains("Never published; only the team sees it."), "each consent level is explained");

    let (status, _, body) =
        post(&app, &[("persons", "1"), ("episodes", "1"), ("p0-names", "Серік Біләш"), ("action", "add-person")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(r#"name="p1-names""#) && !body.contains(r#"name="p2-names""#), "one more person block");
    assert!(body.contains("Серік Біләш</textarea>"), "what was typed is kept");
    let (_, _, body) = post(&app, &[("persons", "1"), ("episodes", "1"), ("action", "add-episode")]).await;
    assert!(body.contains(r#"name="e1-kind""#));
    let (_, _, body) = post(&app, &[("tr0-text", "Менің күйеуім"), ("action", "add-transcript")]).await;
    assert!(body.contains(r#"name="tr1-text""#) && body.contains("Менің күйеуім</textarea>"), "a translation block");
    let (_, _, body) = post(&app, &[("persons", "999999"), ("action", "add-person")]).await;
    assert!(body.contains(r#"name="p19-names""#) && !body.contains(r#"name="p20-names""#), "at most 20 blocks");

    let request = Request::get("/testimonies/new").header(header::ACCEPT_LANGUAGE, "kk");
    let (_, _, body) = send(&app, request.body(Body::empty()).unwrap()).await;
    assert!(body.contains("Куәлік жазу") && body.contains("Анасы"), "labels and relations in Kazakh");
}

#[tokio::test]
async fn a_form_with_problems_names_each_one_and_writes_nothing() {
    let (app, dir) = app_with(vec![]).await;
    let (status, _, body) = post(
        &app,
        &[
            ("persons", "1"),
            ("episodes", "1"),
            ("t-birth", "last spring"),
            ("p0-names", "Aidar Serikuly"),
            ("e0-kind", "detention"),
            ("e0-start", "2018-13"),
            ("e0-facility", "Nowhere Camp No. 9"),
            ("media-url", "ftp://x"),
            ("consent", "public"),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for problem in [
        "Name, in any script *: this is needed.",
        "Date of birth: “last spring” is not a date dalel reads.",
        "The testifier is this person's *: this is needed.",
        "From: “2018-13” is not a date dalel reads.",
        "Facility (from the list of known ones): “Nowhere Camp No. 9” is not a facility of the list",
        "Link to the video or audio: a link must start with https:// or http://.",
    ] {
        assert!(body.contains(problem), "{problem}\n{body}");
    }
    assert!(body.contains(r##"href="#e0-start""##), "each problem links to its field");
    assert!(body.contains(r#"value="public" checked"#), "the choices made are kept");
    let archive = dalel_store::Archive::open(dir.path()).await.unwrap();
    assert_eq!(archive.store.head().await.unwrap(), None, "nothing written");
}

#[tokio::test]
async fn a_testimony_is_saved_with_its_people_and_events_and_its_warnings_shown() {
    let (app, dir) = app_with(vec![person("known", &["Серікжан Біләш"], "654002197401010013")]).await;
    let shufu = facilities::by_key("106B").unwrap();
    let (status, headers, _) = post(
        &app,
        &[
            ("persons", "2"),
            ("episodes", "2"),
            ("t-name", "Гүлнар Тоқтарқызы"),
            ("t-birth", "1980-02-02"),
            ("t-ids", "65400219800202002X\n 123 "),
            ("t-contact", "+7 700 000 0000"),
            ("consent", "anonymised"),
            ("recorded-on", "2019-05"),
            ("language", "kk"),
            ("media-url", "https://example.org/v/1"),
            ("p0-relation", "husband"),
            ("p0-names", "Serikzhan Bilash\n赛力克江·比拉什"),
            ("p0-ids", "654002197401010014"),
            ("p0-gender", "male"),
            ("p1-relation", "son"),
            ("p1-names", "Nurlan Serikuly"),
            ("p1-birth", "1990"),
            ("p1-ids", "654002197401010015"),
            ("e0-person", "0"),
            ("e0-kind", "detention"),
            ("e0-detention", "camp"),
            ("e0-start", "2017-10~"),
            ("e0-place", "Ghulja"),
            ("e0-facility", &shufu.choice()),
            ("e1-person", "1"),
            ("e1-kind", "sentence"),
            ("e1-term", "10 years"),
            ("e1-charges", "separatism\nextremism"),
            ("q-food", "Rice soup twice a day"),
            ("tr0-language", "kk"),
            ("tr0-text", "Менің күйеуім..."),
            ("transcripts", "2"),
            ("tr1-language", "ru"),
            ("tr1-text", "Мой муж..."),
            ("tr1-translation", "1"),
            ("tr1-by", "A. Volunteer"),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = headers[header::LOCATION].to_str().unwrap().to_string();
    assert!(location.starts_with("/testimonies/") && location.ends_with("?saved=1"), "{location}");

    let archive = dalel_store::Archive::open(dir.path()).await.unwrap();
    let id = RecordId::new(location.trim_start_matches("/testimonies/").trim_end_matches("?saved=1")).unwrap();
    let Some(Record::Testimony(t)) = archive.store.get(&id).await.unwrap() else { panic!("saved") };
    assert_eq!(t.consent, Consent::Anonymised);
    assert_eq!(t.subjects.iter().map(|s| s.relation).collect::<Vec<_>>(), [Relation::Husband, Relation::Son]);
    assert_eq!(t.testifier.contact.as_deref(), Some("+7 700 000 0000"));
    let numbers: Vec<&str> = t.testifier.identity_numbers.iter().map(|n| n.value.as_str()).collect();
    assert_eq!(numbers, ["65400219800202002X", "123"], "bad numbers are kept as typed");
    assert_eq!(t.questionnaire.unwrap().food.as_deref(), Some("Rice soup twice a day"));
    assert_eq!(t.transcripts[0].language, "kk");
    let translation = &t.transcripts[1];
    assert_eq!((translation.language.as_str(), translation.is_translation), ("ru", true));
    assert_eq!(translation.translated_by.as_deref(), Some("A. Volunteer"));
    let Some(Record::Person(husband)) = archive.store.get(&t.subjects[0].person).await.unwrap() else { panic!() };
    assert_eq!(husband.names.len(), 2);
    assert_eq!(husband.names[1].script, Script::Han);
    let episodes = archive.store.referring_to(&id).await.unwrap();
    assert_eq!(episodes.len(), 2);
    let Some(Record::Episode(sentence)) =
        episodes.iter().find(|r| matches!(r, Record::Episode(e) if e.kind == EpisodeKind::Sentence))
    else {
        panic!()
    };
    assert_eq!(sentence.persons, [t.subjects[1].person.clone()]);
    assert_eq!(sentence.charges, ["separatism", "extremism"]);
    // The facility chosen from the gazetteer: the episode names its place record, saved with it.
    let Some(Record::Episode(detention)) =
        episodes.iter().find(|r| matches!(r, Record::Episode(e) if e.kind == EpisodeKind::Detention))
    else {
        panic!()
    };
    let place = detention.place.clone().expect("the facility's place");
    assert_eq!(place, dalel_interchange::record_id_for(&shufu.external_id()));
    let Some(Record::Place(saved)) = archive.store.get(&place).await.unwrap() else { panic!("the place is saved") };
    assert_eq!(saved.external_id.as_deref(), Some("bfn-2021:106B"));
    assert_eq!(detention.place_text.as_deref(), Some("Ghulja"), "what the testifier said is kept beside it");
    assert_eq!(archive.store.head().await.unwrap().unwrap().seq, 1 + 2 + 1 + 2 + 1);

    let (status, body) = get(&app, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Testimony saved"), "{body}");
    assert!(body.contains("ID number 654002197401010014 is not valid"), "the victim's bad check digit: {body}");
    assert!(body.contains("Nurlan Serikuly</bdi>: The birth date 1990 contradicts 1974-01-01"), "{body}");
    assert!(body.contains("The testifier: ID number 65400219800202002X is not valid"), "{body}");
    assert!(body.contains(r#"href="/people/known""#), "the person already in the archive is offered: {body}");
    assert!(body.contains("No one in the archive looks like Nurlan Serikuly."), "{body}");
    assert!(body.contains("Detention") && body.contains("(Camp)") && body.contains("term 10 years"), "{body}");
    assert!(body.contains("Shufu - I (Shufu, Kashgar), Ghulja"), "the facility and the place as told: {body}");

    // A place already in the archive, edited since, is left as it is by the next testimony.
    let edited = Place { notes: Some("checked on site".into()), ..saved };
    let mut writer = archive.store.writer("editor").await.unwrap();
    writer.put(vec![Record::Place(edited.clone())]).await.unwrap();
    writer.commit().await.unwrap();
    let (status, _, body) = post(
        &app,
        &[
            ("t-name", "Synthetic Testifier"),
            ("p0-names", "Aidar Serikuly"),
            ("p0-relation", "brother"),
            ("consent", "internal"),
            ("e0-kind", "detention"),
            ("e0-facility", "106B"),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(archive.store.get(&place).await.unwrap(), Some(Record::Place(edited)));
}

/// A person typed in the form may be one already in the archive: the form offers them, and the
/// volunteer's choice is kept as a `same_person` link, the typed person kept as typed, and the
/// pair goes to the review queue.
#[tokio::test]
async fn a_person_can_be_said_to_be_one_already_in_the_archive() {
    let (app, dir) = app_with(vec![person("p1", &["Серікжан Біләш"], "")]).await;
    let mut fields = vec![
        ("t-name", "Aigul Serikkyzy"),
        ("p0-relation", "brother"),
        ("p0-names", "Serikzhan Bilash"),
        ("p0-birth", "1974"),
    ];
    // Without JavaScript: look the names up, and the archive's people are offered.
    let (status, _, body) =
        post_form(&app, "/testimonies/new", &[fields.clone(), vec![("action", "look-up")]].concat()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(r#"name="p0-same" value="p1""#) && body.contains("Серікжан Біләш"), "{body}");
    // A chosen id that is no person of the archive is named beside its field.
    let bad = [fields.clone(), vec![("p0-same", "nobody"), ("action", "save")]].concat();
    let (status, _, body) = post_form(&app, "/testimonies/new", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("there is no such person in the archive"), "{body}");

    fields.extend([("p0-same", "p1"), ("action", "save")]);
    let (status, headers, _) = post_form(&app, "/testimonies/new", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let page = headers[header::LOCATION].to_str().unwrap().trim_end_matches("?saved=1").to_string();
    let archive = Archive::open(dir.path()).await.unwrap();
    let links = archive.store.list(RecordKind::Link, None, 10).await.unwrap();
    let [Record::Link(link)] = links.as_slice() else { panic!("{links:?}") };
    assert_eq!((link.role.as_str(), link.object.as_str()), ("same_person", "p1"));
    let sources: Vec<String> = link.sources.iter().map(|s| format!("/testimonies/{s}")).collect();
    assert_eq!(sources, [page.as_str()]);
    // The pair waits in the review queue, undecided: the records stay apart until a reviewer says.
    let queued = archive.store.in_state(RecordKind::Decision, "undecided", None, 10).await.unwrap();
    let [Record::Decision(d)] = queued.as_slice() else { panic!("{queued:?}") };
    assert!(d.persons.contains(&link.subject) && d.persons.contains(&link.object) && !d.automatic, "{d:?}");
    assert!(d.notes.as_deref().unwrap_or("").contains("says these are one person"), "{d:?}");
    let Some(Record::Person(typed)) = archive.store.get(&link.subject).await.unwrap() else { panic!() };
    assert_eq!(typed.names[0].text, "Serikzhan Bilash", "the typed person is kept as typed");
    let (_, body) = get(&app, &page).await;
    assert!(
        body.contains("The volunteer says this is the same person") && body.contains(r#"href="/people/p1""#),
        "{body}"
    );
    assert!(!body.contains("maybe the same person as"), "the person chosen is not offered again: {body}");
    assert!(!body.contains("No one in the archive looks like"), "nor said to be unlike anyone: {body}");
}
