//! The demo archive: synthetic people, clearly fictional but shaped like the real records (Kazakh,
//! Uyghur and Kyrgyz names in Cyrillic, Latin, Chinese characters and Arabic script; Chinese ID
//! numbers with valid check digits and a few with bad ones; partial dates; testimonies by
//! relatives; detentions in camps, prisons and police custody; a quarter of the people told of
//! again by another relative, in another script, with less detail: the linker's work).
//!
//! Every name is a common given name combined at random: no record describes a real person.

use dalel_interchange::record_id_for;
use dalel_model::*;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

/// One given name in the scripts it is written in: Cyrillic, Latin, Chinese transcription, Arabic.
type Forms = (&'static str, &'static str, &'static str, &'static str);

const KAZAKH_MEN: &[Forms] = &[
    ("Серік", "Serik", "赛力克", "سەرىك"),
    ("Нұрлан", "Nurlan", "努尔兰", "نۇرلان"),
    ("Ерлан", "Erlan", "叶尔兰", "ەرلان"),
    ("Асқар", "Asqar", "阿斯哈尔", "اسقار"),
    ("Бауыржан", "Bauyrzhan", "包尔江", "باۋىرجان"),
    ("Қайрат", "Qairat", "海拉提", "قايرات"),
    ("Мұрат", "Murat", "木拉提", "مۇرات"),
];
const KAZAKH_WOMEN: &[Forms] = &[
    ("Айгүл", "Aigul", "阿依古丽", "ايگۇل"),
    ("Гүлнар", "Gulnar", "古丽娜尔", "گۇلنار"),
    ("Сәуле", "Saule", "萨吾列", "ساۋلە"),
    ("Жанар", "Zhanar", "加娜尔", "جانار"),
];
const UYGHUR_MEN: &[Forms] = &[
    ("Абдулла", "Abdulla", "阿不都拉", "ئابدۇللا"),
    ("Мәмәт", "Memet", "买买提", "مەمەت"),
    ("Турсун", "Tursun", "吐尔逊", "تۇرسۇن"),
    ("Илһам", "Ilham", "伊力哈木", "ئىلھام"),
];
const UYGHUR_WOMEN: &[Forms] = &[
    ("Гүлшән", "Gulshen", "古丽先", "گۈلشەن"),
    ("Мәрийәм", "Meryem", "麦尔耶姆", "مەريەم"),
    ("Патигүл", "Patigul", "帕提古丽", "پاتىگۈل"),
];
const KYRGYZ_MEN: &[Forms] = &[("Бакыт", "Bakyt", "巴合提", "باقىت"), ("Айбек", "Aibek", "艾别克", "ايبەك")];
const KYRGYZ_WOMEN: &[Forms] = &[("Айжан", "Aizhan", "阿依江", "ايجان")];

const AREAS: &[(&str, &str)] = &[
    ("654002", "Ghulja (Yining) City"),
    ("654021", "Ghulja County"),
    ("654221", "Dorbiljin (Emin) County"),
    ("654301", "Altay City"),
    ("653101", "Kashgar City"),
    ("652101", "Turpan (old code)"),
    ("650102", "Ürümqi, Tianshan District"),
    ("653001", "Artux City"),
];

const FACILITIES: &[(&str, DetentionKind)] = &[
    ("Synthetic Camp No. 1 (demo)", DetentionKind::Camp),
    ("Synthetic Camp No. 2 (demo)", DetentionKind::Camp),
    ("Demo County Detention Centre", DetentionKind::PretrialDetentionCentre),
    ("Demo Prefecture Prison", DetentionKind::Prison),
    ("Demo Township Police Station", DetentionKind::PoliceCustody),
];

const OCCUPATIONS: &[&str] = &["herder", "teacher", "farmer", "imam", "driver", "shopkeeper", "doctor", "student"];

const NOTE: &str = "Synthetic demo record: not a real person.";

/// A valid 18-character Chinese resident ID for this area, birth day and sex.
pub fn chinese_id(area: &str, year: i32, month: u8, day: u8, seq: u16) -> String {
    let body = format!("{area}{year:04}{month:02}{day:02}{seq:03}");
    let digits: Vec<u32> = body.chars().map(|c| c.to_digit(10).expect("digits")).collect();
    format!("{body}{}", ChineseResidentId::check_character(&digits))
}

/// Demo records carry external ids, and their ids derive from them as an import's would.
fn ext(kind: &str, n: usize) -> String {
    format!("demo-{kind}-{n}")
}

fn id(kind: &str, n: usize) -> RecordId {
    record_id_for(&ext(kind, n))
}

/// Generates `people` synthetic people with testimonies and episodes, from `seed`.
pub fn generate(people: usize, seed: u64) -> Vec<Record> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut records = Vec::new();
    for (i, (name, kind)) in FACILITIES.iter().enumerate() {
        records.push(Record::Place(Place {
            id: id("place", i),
            external_id: Some(ext("place", i)),
            names: vec![Name::new(*name, NameKind::Full).in_language("en")],
            kind: match kind {
                DetentionKind::Camp => PlaceKind::Camp,
                DetentionKind::Prison => PlaceKind::Prison,
                DetentionKind::PoliceCustody => PlaceKind::PoliceStation,
                _ => PlaceKind::DetentionCentre,
            },
            area: Some(AREAS[i % AREAS.len()].1.to_string()),
            country: Some("cn".into()),
            latitude: Some(43.0 + rng.random_range(0..300) as f64 / 100.0),
            longitude: Some(80.0 + rng.random_range(0..800) as f64 / 100.0),
            notes: Some(NOTE.into()),
        }));
    }
    for n in 0..people {
        let (ethnicity, lang, men, women) = match rng.random_range(0..10) {
            0..=5 => ("Kazakh", "kk", KAZAKH_MEN, KAZAKH_WOMEN),
            6..=8 => ("Uyghur", "ug", UYGHUR_MEN, UYGHUR_WOMEN),
            _ => ("Kyrgyz", "ky", KYRGYZ_MEN, KYRGYZ_WOMEN),
        };
        let male = rng.random_bool(0.7);
        let given = *(if male { men } else { women }).choose(&mut rng).expect("non-empty");
        let father = *men.choose(&mut rng).expect("non-empty");
        let suffix = match (lang, male) {
            ("kk", true) => "ұлы",
            ("kk", false) => "қызы",
            _ => "",
        };
        let mut names = vec![Name::new(format!("{} {}{suffix}", given.0, father.0), NameKind::Full).in_language(lang)];
        if rng.random_bool(0.7) {
            names.push(Name::new(format!("{} {}", given.1, father.1), NameKind::Alias).in_language("en"));
        }
        if rng.random_bool(0.5) {
            names.push(Name::new(format!("{}·{}", given.2, father.2), NameKind::Alias).in_language("zh"));
        }
        if lang == "ug" || rng.random_bool(0.2) {
            names.push(Name::new(format!("{} {}", given.3, father.3), NameKind::Alias).in_language("ug"));
        }
        let (year, month, day) = (rng.random_range(1940..2000), rng.random_range(1..=12u8), rng.random_range(1..=28u8));
        let birth_date = match rng.random_range(0..4) {
            0 => PartialDate::year(year).ok(),
            1 => PartialDate::year(year).ok().map(PartialDate::approximately),
            2 => PartialDate::parse(&format!("{year}-{month:02}")).ok(),
            _ => PartialDate::day(year, month, day).ok(),
        };
        let area = AREAS.choose(&mut rng).expect("non-empty");
        let seq = rng.random_range(0..500u16) * 2 + u16::from(male);
        let mut number = chinese_id(area.0, year, month, day, seq);
        if rng.random_bool(0.05) {
            // A mistyped check digit, as testimonies have: kept and flagged.
            let last = if number.ends_with('0') { '1' } else { '0' };
            number.pop();
            number.push(last);
        }
        let person_id = id("person", n);
        records.push(Record::Person(Person {
            id: person_id.clone(),
            external_id: Some(ext("person", n)),
            names,
            gender: Some(if male { Gender::Male } else { Gender::Female }),
            ethnicity: Some(ethnicity.into()),
            nationality: Some("cn".into()),
            birth_date,
            identity_numbers: if rng.random_bool(0.8) { vec![IdentityNumber::guess(number.clone())] } else { vec![] },
            hometown: Some(area.1.to_string()),
            addresses: vec![],
            occupation: Some(OCCUPATIONS.choose(&mut rng).expect("non-empty").to_string()),
            notes: Some(NOTE.into()),
        }));
        if !rng.random_bool(0.8) {
            continue;
        }
        let relation = *[Relation::Son, Relation::Daughter, Relation::Wife, Relation::Brother, Relation::Sister]
            .choose(&mut rng)
            .expect("non-empty");
        let testimony_id = id("testimony", n);
        let relative = KAZAKH_WOMEN.choose(&mut rng).expect("non-empty");
        records.push(Record::Testimony(Testimony {
            id: testimony_id.clone(),
            external_id: Some(ext("testimony", n)),
            title: Some(format!("Demo testimony {n}")),
            testifier: Testifier {
                person: None,
                name: Some(format!("{} (synthetic)", relative.0)),
                birth_date: PartialDate::year(year + 25).ok(),
                identity_numbers: vec![],
                contact: Some("+7 700 000 00 00".into()),
                residence: Some("Almaty".into()),
            },
            subjects: vec![Subject { person: person_id.clone(), relation }],
            recorded_on: PartialDate::parse(&format!(
                "{}-{:02}",
                rng.random_range(2018..2024),
                rng.random_range(1..=12)
            ))
            .ok(),
            recorded_at: Some("Almaty".into()),
            recorded_by: Some("demo volunteer".into()),
            language: Some(if rng.random_bool(0.7) { "kk" } else { "ru" }.into()),
            media_url: Some(format!("https://video.example.org/demo/{n}")),
            consent: *Consent::ALL.choose(&mut rng).expect("non-empty"),
            connection: Some(SourceConnection::Relative),
            reliability: Some(Reliability::Medium),
            // Spread over the review workflow, so that the review queue has something in it.
            review: Some(Review {
                state: *[ReviewState::Submitted, ReviewState::InReview, ReviewState::Accepted, ReviewState::Published]
                    .choose(&mut rng)
                    .expect("non-empty"),
                comment: None,
            }),
            questionnaire: None,
            transcripts: vec![Transcript {
                language: "en".into(),
                text: format!("Synthetic transcript {n}: my relative was taken away and we have had no news since."),
                is_translation: true,
                translated_by: Some("demo translator".into()),
            }],
            notes: None,
        }));
        if rng.random_bool(0.25) {
            // Another relative tells of the same person: their name in another script, the
            // birth year only, the ID number with a digit mistyped or not known. The linker's
            // work (`dalel dedupe`), and the pairs' review queue's.
            let again = id("retold", n);
            let name = match rng.random_range(0..3) {
                0 => format!("{} {}", given.1, father.1),
                1 => format!("{}·{}", given.2, father.2),
                _ => format!("{} {}", given.3, father.3),
            };
            let mut typed = number.clone().into_bytes();
            let at = rng.random_range(6..14);
            typed[at] = b'0' + (typed[at] - b'0' + 1) % 10;
            let typed = String::from_utf8(typed).expect("ASCII digits");
            records.push(Record::Person(Person {
                id: again.clone(),
                external_id: Some(ext("retold", n)),
                names: vec![Name::new(name, NameKind::Full)],
                gender: Some(if male { Gender::Male } else { Gender::Female }),
                ethnicity: Some(ethnicity.into()),
                nationality: None,
                birth_date: PartialDate::year(year).ok().filter(|_| rng.random_bool(0.7)),
                identity_numbers: if rng.random_bool(0.5) { vec![IdentityNumber::guess(typed)] } else { vec![] },
                hometown: rng.random_bool(0.5).then(|| area.1.to_string()),
                addresses: vec![],
                occupation: None,
                notes: Some(NOTE.into()),
            }));
            let relative = UYGHUR_WOMEN.choose(&mut rng).expect("non-empty");
            records.push(Record::Testimony(Testimony {
                id: id("retold-testimony", n),
                external_id: Some(ext("retold-testimony", n)),
                title: Some(format!("Demo testimony {n}, told again")),
                testifier: Testifier {
                    name: Some(format!("{} (synthetic)", relative.0)),
                    residence: Some("Istanbul".into()),
                    ..Testifier::default()
                },
                subjects: vec![Subject { person: again, relation: Relation::Relative }],
                recorded_on: PartialDate::year(rng.random_range(2019..2025)).ok(),
                recorded_at: Some("Istanbul".into()),
                recorded_by: Some("demo volunteer".into()),
                language: Some("ug".into()),
                media_url: None,
                consent: Consent::Internal,
                connection: Some(SourceConnection::Relative),
                reliability: Some(Reliability::Medium),
                review: Some(Review { state: ReviewState::Submitted, comment: None }),
                questionnaire: None,
                transcripts: vec![],
                notes: None,
            }));
        }
        let facility = rng.random_range(0..FACILITIES.len());
        let start =
            PartialDate::parse(&format!("{}-{:02}", rng.random_range(2017..2020), rng.random_range(1..=12))).ok();
        records.push(Record::Episode(Episode {
            id: id("episode", n),
            external_id: Some(ext("episode", n)),
            kind: EpisodeKind::Detention,
            persons: vec![person_id.clone()],
            sources: vec![testimony_id.clone()],
            detention: Some(FACILITIES[facility].1),
            place: Some(id("place", facility)),
            place_text: None,
            start,
            end: None,
            charges: vec![],
            term: None,
            outcome: None,
            status: Some(VictimStatus::Detained),
            reliability: Some(Reliability::Medium),
            notes: None,
        }));
        if rng.random_bool(0.3) {
            records.push(Record::Episode(Episode {
                id: id("sentence", n),
                external_id: Some(ext("sentence", n)),
                kind: EpisodeKind::Sentence,
                persons: vec![person_id],
                sources: vec![testimony_id],
                detention: Some(DetentionKind::Prison),
                place: None,
                place_text: Some("a prison, name unknown".into()),
                start: PartialDate::year(rng.random_range(2018..2021)).ok(),
                end: None,
                charges: vec!["inciting extremism (synthetic)".into()],
                term: Some(format!("{} years", rng.random_range(3..20))),
                outcome: None,
                status: Some(VictimStatus::Sentenced),
                reliability: Some(Reliability::Low),
                notes: None,
            }));
        }
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_people_are_realistic_and_marked_synthetic() {
        let records = generate(200, 7);
        let people: Vec<&Person> =
            records.iter().filter_map(|r| if let Record::Person(p) = r { Some(p) } else { None }).collect();
        let retold =
            people.iter().filter(|p| p.external_id.as_deref().is_some_and(|e| e.starts_with("demo-retold-"))).count();
        assert_eq!(people.len() - retold, 200);
        assert!((20..=60).contains(&retold), "{retold} told again");
        assert!(people.iter().all(|p| p.notes.as_deref() == Some(NOTE)));
        let scripts: std::collections::HashSet<Script> =
            people.iter().flat_map(|p| p.names.iter().map(|n| n.script)).collect();
        for s in [Script::Cyrillic, Script::Latin, Script::Han, Script::Arabic] {
            assert!(scripts.contains(&s), "{s:?} missing");
        }
        let checked: Vec<IdCheck> = people.iter().flat_map(|p| p.identity_numbers.iter().map(|n| n.check())).collect();
        let valid = checked.iter().filter(|c| matches!(c, IdCheck::ChineseResident(_))).count();
        let invalid = checked.iter().filter(|c| matches!(c, IdCheck::Invalid(_))).count();
        assert!(valid > 100 && invalid > 0, "{valid} valid, {invalid} invalid");
        assert_eq!(generate(200, 7), records, "the same seed gives the same archive");
    }
}
