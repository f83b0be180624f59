//! The visibility policy: what of the archive may leave the trusted circle. Every public output
//! (the public export today; the public pages, API, search index and statistics as they come)
//! goes through [`Publication::public`], and nothing else decides.
//!
//! A testimony is published when its review has reached `published` and its consent is `public`
//! or `anonymised`; an `internal` testimony never leaves, whatever its review says. From there:
//!
//! | what | `public` consent | `anonymised` consent |
//! |---|---|---|
//! | the testimony: title, language, recorded on, consent, connection, reliability, questionnaire | yes | yes, but no title (titles are typed freely and often name the testifier) |
//! | transcripts; the link to the video or audio | yes | no (they carry the testifier's voice, face or name; until a reviewer can mark them redacted) |
//! | the testifier's name and birth date, their record in the archive | yes | no |
//! | the testifier's contact, residence and ID numbers | never | never |
//! | where it was recorded, who recorded it, notes, review comments | never | never |
//! | its people (not the testifier): names, sex, ethnicity, nationality, birth date, hometown, occupation | yes | yes |
//! | their ID numbers | masked ([`mask_id_number`]) | no |
//! | their addresses and notes | never | never |
//! | the person who is the testifier ("self") | as a person above | not at all: they are the testifier |
//! | its events (episodes) about published people, without notes | yes | yes |
//! | evidence files about the testimony, without file name or description | yes | no (until redaction can be marked) |
//!
//! A person is published by the testimonies that publish them; the most that any of them allows
//! is shown. Places are a public gazetteer (without notes). Links (relationships, "the same
//! person") are not published. Imported testimonies without a review are not published.

use std::collections::HashMap;

use crate::Episode;
use crate::record::{EvidenceFile, IdentityNumber, Person, Place, Record, RecordId, Testifier, Testimony};
use crate::review::Review;
use crate::vocab::{Consent, IdScheme, Relation, ReviewState};

/// How much a publishing testimony discloses about one of its people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Disclosure {
    /// Names and facts, but no identity number.
    Anonymised,
    /// Names, facts and masked identity numbers.
    Public,
}

/// What the published testimonies allow, learnt from them ([`Publication::learn`]) before any
/// record is shown.
#[derive(Clone, Debug, Default)]
pub struct Publication {
    /// Published testimonies and their consent.
    testimonies: HashMap<RecordId, Consent>,
    /// Published people and the most that a testimony allows about each.
    persons: HashMap<RecordId, Disclosure>,
}

impl Publication {
    /// Whether `t` is published at all.
    pub fn publishes(t: &Testimony) -> bool {
        t.review.as_ref().is_some_and(|r| r.state == ReviewState::Published) && t.consent != Consent::Internal
    }

    /// Takes note of what a testimony publishes; testimonies that are not published teach nothing.
    pub fn learn(&mut self, t: &Testimony) {
        if !Publication::publishes(t) {
            return;
        }
        self.testimonies.insert(t.id.clone(), t.consent);
        let disclosure = if t.consent == Consent::Public { Disclosure::Public } else { Disclosure::Anonymised };
        let testifier = t.testifier.person.as_ref();
        for s in &t.subjects {
            let is_testifier = s.relation == Relation::Itself || testifier == Some(&s.person);
            if disclosure == Disclosure::Anonymised && is_testifier {
                continue;
            }
            let known = self.persons.entry(s.person.clone()).or_insert(disclosure);
            *known = (*known).max(disclosure);
        }
        if let (Some(person), Disclosure::Public) = (testifier, disclosure) {
            self.persons.insert(person.clone(), Disclosure::Public);
        }
    }

    /// How many published testimonies it knows.
    pub fn testimonies(&self) -> usize {
        self.testimonies.len()
    }

    /// What of `record` may be published, or nothing.
    pub fn public(&self, record: &Record) -> Option<Record> {
        match record {
            Record::Person(p) => self.person(p).map(Record::Person),
            Record::Testimony(t) => self.testimony(t).map(Record::Testimony),
            Record::Episode(e) => self.episode(e).map(Record::Episode),
            Record::EvidenceFile(f) => self.evidence(f).map(Record::EvidenceFile),
            Record::Place(p) => Some(Record::Place(Place { notes: None, ..p.clone() })),
            Record::Link(_) | Record::Decision(_) => None,
        }
    }

    /// What of a person record may be published, or nothing ([`Publication::public`]).
    pub fn person(&self, p: &Person) -> Option<Person> {
        let disclosure = *self.persons.get(&p.id)?;
        let identity_numbers = match disclosure {
            Disclosure::Public => p
                .identity_numbers
                .iter()
                .map(|n| IdentityNumber { scheme: n.scheme, value: mask_id_number(n) })
                .collect(),
            Disclosure::Anonymised => Vec::new(),
        };
        Some(Person { identity_numbers, addresses: Vec::new(), notes: None, ..p.clone() })
    }

    /// What of a testimony may be published, or nothing ([`Publication::public`]).
    pub fn testimony(&self, t: &Testimony) -> Option<Testimony> {
        let consent = *self.testimonies.get(&t.id)?;
        if !Publication::publishes(t) {
            return None;
        }
        let public = consent == Consent::Public;
        let testifier = if public {
            Testifier {
                person: t.testifier.person.clone(),
                name: t.testifier.name.clone(),
                birth_date: t.testifier.birth_date,
                ..Testifier::default()
            }
        } else {
            Testifier::default()
        };
        let testifier_person = t.testifier.person.as_ref();
        let subjects = t
            .subjects
            .iter()
            .filter(|s| public || (s.relation != Relation::Itself && testifier_person != Some(&s.person)))
            .cloned()
            .collect();
        Some(Testimony {
            id: t.id.clone(),
            external_id: t.external_id.clone(),
            title: t.title.clone().filter(|_| public),
            testifier,
            subjects,
            recorded_on: t.recorded_on,
            recorded_at: None,
            recorded_by: None,
            language: t.language.clone(),
            media_url: t.media_url.clone().filter(|_| public),
            consent,
            connection: t.connection,
            reliability: t.reliability,
            transcripts: if public { t.transcripts.clone() } else { Vec::new() },
            review: Some(Review { state: ReviewState::Published, comment: None }),
            questionnaire: t.questionnaire.clone(),
            notes: None,
        })
    }

    /// An episode from a published testimony, about the published among its people.
    fn episode(&self, e: &Episode) -> Option<Episode> {
        let sources: Vec<RecordId> = e.sources.iter().filter(|s| self.testimonies.contains_key(*s)).cloned().collect();
        let persons: Vec<RecordId> = e.persons.iter().filter(|p| self.persons.contains_key(*p)).cloned().collect();
        if sources.is_empty() || persons.is_empty() {
            return None;
        }
        Some(Episode { persons, sources, notes: None, ..e.clone() })
    }

    /// A file about a published testimony of public consent, without its name or description.
    fn evidence(&self, f: &EvidenceFile) -> Option<EvidenceFile> {
        let about: Vec<RecordId> =
            f.about.iter().filter(|a| self.testimonies.get(*a) == Some(&Consent::Public)).cloned().collect();
        if about.is_empty() {
            return None;
        }
        Some(EvidenceFile { about, file_name: None, description: None, ..f.clone() })
    }
}

/// An identity number as it may be shown in public: a Chinese resident ID keeps its area (the
/// first six characters) and its last four, `650102********123X`; any other number only its last
/// four; a number of four characters or fewer, nothing.
pub fn mask_id_number(n: &IdentityNumber) -> String {
    let chars: Vec<char> = n.value.trim().chars().collect();
    let keep_start = if n.scheme == IdScheme::ChineseResident && chars.len() == 18 { 6 } else { 0 };
    let keep_end = if chars.len() > keep_start + 4 { 4 } else { 0 };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < keep_start || i >= chars.len() - keep_end { *c } else { '*' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Name, Subject};
    use crate::vocab::NameKind;

    fn id(s: &str) -> RecordId {
        RecordId::new(s).unwrap()
    }

    fn person(i: &str, number: &str) -> Person {
        Person {
            ethnicity: Some("Kazakh".into()),
            identity_numbers: vec![IdentityNumber::guess(number)],
            hometown: Some("Ghulja".into()),
            addresses: vec!["a street".into()],
            notes: Some("internal note".into()),
            ..Person::new(id(i), vec![Name::new(format!("Name of {i}"), NameKind::Full)])
        }
    }

    fn testimony(i: &str, consent: Consent, state: ReviewState, subjects: &[(&str, Relation)]) -> Testimony {
        Testimony {
            id: id(i),
            external_id: None,
            title: Some("Testimony of Aigul".into()),
            testifier: Testifier {
                person: None,
                name: Some("Aigul".into()),
                birth_date: None,
                identity_numbers: vec![IdentityNumber::guess("650102197001011234")],
                contact: Some("+7 700 000 0000".into()),
                residence: Some("Almaty".into()),
            },
            subjects: subjects.iter().map(|(p, r)| Subject { person: id(p), relation: *r }).collect(),
            recorded_on: None,
            recorded_at: Some("the office".into()),
            recorded_by: Some("volunteer".into()),
            language: Some("kk".into()),
            media_url: Some("https://example.org/video".into()),
            consent,
            connection: None,
            reliability: None,
            transcripts: vec![],
            review: Some(Review { state, comment: Some("a reviewer's comment".into()) }),
            questionnaire: None,
            notes: Some("internal".into()),
        }
    }

    #[test]
    fn id_numbers_are_masked_as_the_policy_says() {
        let masked = |n: &str| mask_id_number(&IdentityNumber::guess(n));
        assert_eq!(masked("65010219700101123X"), "650102********123X");
        assert_eq!(masked("870412300123"), "********0123", "an IIN keeps no birth date");
        assert_eq!(masked("N1234567"), "****4567");
        assert_eq!(masked("123"), "***");
        assert_eq!(masked("12345"), "*2345");
        assert_eq!(masked("Паспорт 12"), "******t 12".replace('t', "т"));
    }

    #[test]
    fn only_published_testimonies_of_public_or_anonymised_consent_publish() {
        let mut p = Publication::default();
        p.learn(&testimony("t1", Consent::Internal, ReviewState::Published, &[("p1", Relation::Brother)]));
        p.learn(&testimony("t2", Consent::Public, ReviewState::Accepted, &[("p2", Relation::Brother)]));
        assert_eq!(p.testimonies(), 0);
        assert!(p.public(&Record::Person(person("p1", "1"))).is_none());
        assert!(p.public(&Record::Person(person("p2", "1"))).is_none());
    }

    #[test]
    fn a_public_testimony_shows_its_testifier_but_never_their_contact() {
        let mut p = Publication::default();
        let t = testimony("t1", Consent::Public, ReviewState::Published, &[("p1", Relation::Brother)]);
        p.learn(&t);
        let Some(Record::Testimony(out)) = p.public(&Record::Testimony(t)) else { panic!() };
        assert_eq!(out.testifier.name.as_deref(), Some("Aigul"));
        assert_eq!((out.testifier.contact, out.testifier.residence), (None, None));
        assert!(out.testifier.identity_numbers.is_empty());
        assert_eq!((out.recorded_by, out.recorded_at, out.notes), (None, None, None));
        assert_eq!(out.review.unwrap().comment, None);
        let Some(Record::Person(brother)) = p.public(&Record::Person(person("p1", "65010219700101123X"))) else {
            panic!()
        };
        assert_eq!(brother.identity_numbers[0].value, "650102********123X");
        assert!(brother.addresses.is_empty() && brother.notes.is_none());
    }

    #[test]
    fn an_anonymised_testimony_hides_everything_that_names_the_testifier() {
        let mut p = Publication::default();
        let t = testimony(
            "t1",
            Consent::Anonymised,
            ReviewState::Published,
            &[("me", Relation::Itself), ("p1", Relation::Son)],
        );
        p.learn(&t);
        let Some(Record::Testimony(out)) = p.public(&Record::Testimony(t)) else { panic!() };
        assert_eq!(out.testifier, Testifier::default());
        assert_eq!((out.title, out.media_url), (None, None));
        assert_eq!(out.subjects.len(), 1, "the testifier's own person is not among its people");
        assert!(p.public(&Record::Person(person("me", "1"))).is_none(), "the testifier is not published");
        let Some(Record::Person(son)) = p.public(&Record::Person(person("p1", "65010219700101123X"))) else { panic!() };
        assert!(son.identity_numbers.is_empty(), "no ID number under anonymised consent");
        // Another testimony, of public consent, about the son shows his masked number.
        p.learn(&testimony("t2", Consent::Public, ReviewState::Published, &[("p1", Relation::Son)]));
        let Some(Record::Person(son)) = p.public(&Record::Person(person("p1", "65010219700101123X"))) else { panic!() };
        assert_eq!(son.identity_numbers.len(), 1);
    }

    #[test]
    fn events_and_files_follow_their_testimony() {
        let mut p = Publication::default();
        p.learn(&testimony("t1", Consent::Anonymised, ReviewState::Published, &[("p1", Relation::Son)]));
        p.learn(&testimony("t2", Consent::Public, ReviewState::Published, &[("p2", Relation::Son)]));
        let file = |about: &str| EvidenceFile {
            id: id(&format!("f-{about}")),
            external_id: None,
            sha256: "0".repeat(64),
            size: 1,
            media_type: "image/jpeg".into(),
            file_name: Some("aigul-passport.jpg".into()),
            about: vec![id(about)],
            description: Some("the passport".into()),
        };
        assert!(p.public(&Record::EvidenceFile(file("t1"))).is_none(), "not from an anonymised testimony");
        let Some(Record::EvidenceFile(f)) = p.public(&Record::EvidenceFile(file("t2"))) else { panic!() };
        assert_eq!((f.file_name, f.description), (None, None));
        assert!(p.public(&Record::EvidenceFile(file("p2"))).is_none(), "files about people are not published");
    }
}
