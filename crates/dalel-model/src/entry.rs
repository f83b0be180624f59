//! A victim entry: one real person as all the records linked to them tell it. Every fact keeps
//! the records that state it, values that disagree stay side by side (a contradiction is shown,
//! never resolved by dropping one), episodes form a timeline whose doubtful steps are flagged
//! (never refused), and the entry gets an evidence level from its sources (docs/evidence.md).

use std::collections::BTreeMap;

use crate::vocab::{Consent, DetentionKind, EpisodeKind, EvidenceLevel, Relation, SourceConnection};
use crate::{Episode, EvidenceFile, IdCheck, Name, PartialDate, Person, RecordId, Testimony};

/// What an entry is built from: its person records and the records about them.
#[derive(Clone, Debug, Default)]
pub struct EntrySources {
    pub persons: Vec<Person>,
    /// Testimonies naming any of the persons as a subject.
    pub testimonies: Vec<Testimony>,
    pub episodes: Vec<Episode>,
    /// Files about any of the persons, their testimonies or their episodes.
    pub evidence: Vec<EvidenceFile>,
}

/// One value of a fact and the person records that state it.
#[derive(Clone, Debug, PartialEq)]
pub struct Stated {
    pub value: String,
    pub records: Vec<RecordId>,
}

/// A fact as the records state it: one value, or several that disagree.
#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    /// `birth_date`, `sex`, `ethnicity`, `hometown`, `occupation`, `id_number`.
    pub field: &'static str,
    pub values: Vec<Stated>,
    /// Whether the values contradict each other (two birth dates that cannot both be true;
    /// two sexes). Several ID numbers or hometowns are listed but not called contradictions.
    pub contradicted: bool,
}

/// Something doubtful about a step of the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimelineFlag {
    /// A release dated before any detention.
    ReleaseBeforeDetention,
    /// A prison term with no sentence before it.
    PrisonWithoutSentence,
    /// The episode begins before the person was born.
    BeforeBirth,
    /// The episode begins after the person's death.
    AfterDeath,
    /// The episode ends before it begins.
    EndsBeforeStart,
}

/// An episode in the timeline and what is doubtful about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub episode: Episode,
    pub flags: Vec<TimelineFlag>,
}

/// Someone who testified about the person.
#[derive(Clone, Debug, PartialEq)]
pub struct Testified {
    pub testimony: RecordId,
    pub relation: Relation,
    pub consent: Consent,
}

/// The entry as a page shows it.
#[derive(Clone, Debug)]
pub struct VictimEntry {
    /// The public id: the eldest record's ([`RecordId::public_id`]).
    pub id: String,
    /// Every distinct name, with the records that give it.
    pub names: Vec<(Name, Vec<RecordId>)>,
    pub facts: Vec<Fact>,
    /// Episodes in time order (undated last), with their flags.
    pub timeline: Vec<Step>,
    pub testified: Vec<Testified>,
    pub level: EvidenceLevel,
    /// Why the level is what it is.
    pub level_reason: LevelReason,
}

/// Why an entry has its evidence level (docs/evidence.md); `Display` says it in English.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LevelReason {
    /// A source is an official document.
    OfficialDocument,
    /// This many evidence files are attached.
    EvidenceFiles(usize),
    /// This many independent sources.
    IndependentSources(usize),
    /// One source, with an ID number that passes its check.
    ValidIdNumber,
    /// One source, with a full birth date.
    FullBirthDate,
    OneSource,
}

impl std::fmt::Display for LevelReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LevelReason::OfficialDocument => f.write_str("a source is an official document"),
            LevelReason::EvidenceFiles(n) => write!(f, "{n} evidence file(s) attached"),
            LevelReason::IndependentSources(n) => write!(f, "{n} independent sources"),
            LevelReason::ValidIdNumber => f.write_str("one source, with an ID number that passes its check"),
            LevelReason::FullBirthDate => f.write_str("one source, with a full birth date"),
            LevelReason::OneSource => f.write_str("one source"),
        }
    }
}

impl VictimEntry {
    /// Builds the entry named by `eldest` (one of the persons) from its sources.
    pub fn assemble(eldest: &RecordId, sources: &EntrySources) -> VictimEntry {
        let mut names: Vec<(Name, Vec<RecordId>)> = Vec::new();
        for p in &sources.persons {
            for n in &p.names {
                match names.iter_mut().find(|(known, _)| known.text == n.text) {
                    Some((_, records)) => records.push(p.id.clone()),
                    None => names.push((n.clone(), vec![p.id.clone()])),
                }
            }
        }
        let mut facts = Vec::new();
        let mut fact = |field: &'static str, of: &dyn Fn(&Person) -> Vec<String>| {
            let mut by_value: BTreeMap<String, Vec<RecordId>> = BTreeMap::new();
            for p in &sources.persons {
                for v in of(p) {
                    by_value.entry(v).or_default().push(p.id.clone());
                }
            }
            if by_value.is_empty() {
                return;
            }
            let values: Vec<Stated> = by_value.into_iter().map(|(value, records)| Stated { value, records }).collect();
            let contradicted = match field {
                "sex" => values.len() > 1,
                "birth_date" => !births_agree(&sources.persons),
                _ => false,
            };
            facts.push(Fact { field, values, contradicted });
        };
        fact("birth_date", &|p| p.birth_date.iter().map(ToString::to_string).collect());
        fact("sex", &|p| p.gender.iter().map(|g| g.code().to_string()).collect());
        fact("ethnicity", &|p| p.ethnicity.iter().cloned().collect());
        fact("hometown", &|p| p.hometown.iter().cloned().collect());
        fact("occupation", &|p| p.occupation.iter().cloned().collect());
        fact("id_number", &|p| p.identity_numbers.iter().map(|n| n.value.clone()).collect());

        let testified = sources
            .testimonies
            .iter()
            .flat_map(|t| {
                let ours = |id: &RecordId| sources.persons.iter().any(|p| &p.id == id);
                t.subjects.iter().filter(move |s| ours(&s.person)).map(|s| Testified {
                    testimony: t.id.clone(),
                    relation: s.relation,
                    consent: t.consent,
                })
            })
            .collect();
        let (level, level_reason) = evidence_level(sources);
        VictimEntry {
            id: eldest.public_id(),
            names,
            facts,
            timeline: timeline(sources),
            testified,
            level,
            level_reason,
        }
    }
}

/// Whether every stated birth date can be true at once (their spans overlap).
fn births_agree(persons: &[Person]) -> bool {
    let spans: Vec<_> = persons.iter().filter_map(|p| p.birth_date.as_ref()).map(PartialDate::bounds).collect();
    let latest_start = spans.iter().map(|(start, _)| *start).max();
    let earliest_end = spans.iter().map(|(_, end)| *end).min();
    match (latest_start, earliest_end) {
        (Some(start), Some(end)) => start <= end,
        _ => true,
    }
}

type Day = (i32, u8, u8);

fn bounds(date: &Option<PartialDate>) -> Option<(Day, Day)> {
    date.as_ref().map(PartialDate::bounds)
}

/// The episodes in time order, each with what is doubtful about it.
fn timeline(sources: &EntrySources) -> Vec<Step> {
    let mut episodes = sources.episodes.clone();
    episodes.sort_by_key(|e| (bounds(&e.start).map_or((i32::MAX, 0, 0), |(s, _)| s), e.id.clone()));
    let born: Option<Day> = sources.persons.iter().filter_map(|p| bounds(&p.birth_date)).map(|(s, _)| s).min();
    let died: Option<Day> = episodes
        .iter()
        .filter(|e| e.kind == EpisodeKind::Death)
        .filter_map(|e| bounds(&e.start))
        .map(|(_, end)| end)
        .max();
    let first_detention: Option<Day> = episodes
        .iter()
        .filter(|e| matches!(e.kind, EpisodeKind::Detention | EpisodeKind::ProtestDetention))
        .filter_map(|e| bounds(&e.start))
        .map(|(_, end)| end)
        .min();
    let sentences: Vec<Option<Day>> =
        episodes.iter().filter(|e| e.kind == EpisodeKind::Sentence).map(|e| bounds(&e.start).map(|(s, _)| s)).collect();
    episodes
        .into_iter()
        .map(|e| {
            let mut flags = Vec::new();
            let span = bounds(&e.start);
            if e.kind == EpisodeKind::Release
                && let (Some((_, end)), Some(detained)) = (span, first_detention)
                && end < detained
            {
                flags.push(TimelineFlag::ReleaseBeforeDetention);
            }
            if e.detention == Some(DetentionKind::Prison) {
                // A sentence counts when it is undated or could come first.
                let sentenced_before = sentences.iter().any(|s| match (s, span) {
                    (Some(s), Some((_, end))) => *s <= end,
                    _ => true,
                });
                if !sentenced_before {
                    flags.push(TimelineFlag::PrisonWithoutSentence);
                }
            }
            if let (Some((_, end)), Some(born)) = (span, born)
                && end < born
            {
                flags.push(TimelineFlag::BeforeBirth);
            }
            if e.kind != EpisodeKind::Death
                && let (Some((start, _)), Some(died)) = (span, died)
                && start > died
            {
                flags.push(TimelineFlag::AfterDeath);
            }
            if let (Some((start, _)), Some((_, end))) = (span, bounds(&e.end))
                && end < start
            {
                flags.push(TimelineFlag::EndsBeforeStart);
            }
            Step { episode: e, flags }
        })
        .collect()
}

/// The entry's evidence level and why (the levels are defined in docs/evidence.md).
fn evidence_level(sources: &EntrySources) -> (EvidenceLevel, LevelReason) {
    let official = sources.testimonies.iter().any(|t| t.connection == Some(SourceConnection::Official));
    if !sources.evidence.is_empty() || official {
        let why =
            if official { LevelReason::OfficialDocument } else { LevelReason::EvidenceFiles(sources.evidence.len()) };
        return (EvidenceLevel::Documented, why);
    }
    // Independent sources: testimonies by different testifiers, and records that came from
    // elsewhere (an imported list) without a testimony.
    let mut testifiers: Vec<String> = sources
        .testimonies
        .iter()
        .map(|t| {
            t.testifier
                .person
                .as_ref()
                .map(|p| format!("person:{p}"))
                .or_else(|| t.testifier.name.as_ref().map(|n| format!("name:{}", n.trim().to_lowercase())))
                .unwrap_or_else(|| format!("testimony:{}", t.id))
        })
        .collect();
    testifiers.sort();
    testifiers.dedup();
    let listed = sources
        .persons
        .iter()
        .filter(|p| !sources.testimonies.iter().any(|t| t.subjects.iter().any(|s| s.person == p.id)))
        .count();
    let independent = testifiers.len() + listed;
    if independent >= 2 {
        return (EvidenceLevel::Corroborated, LevelReason::IndependentSources(independent));
    }
    let valid_id = sources
        .persons
        .iter()
        .flat_map(|p| &p.identity_numbers)
        .any(|n| matches!(n.check(), IdCheck::ChineseResident(_) | IdCheck::Iin(_)));
    let full_birth = sources.persons.iter().filter_map(|p| p.birth_date.as_ref()).any(|d| {
        let (start, end) = d.bounds();
        start == end
    });
    if valid_id || full_birth {
        let why = if valid_id { LevelReason::ValidIdNumber } else { LevelReason::FullBirthDate };
        return (EvidenceLevel::PartiallyVerified, why);
    }
    (EvidenceLevel::Reported, LevelReason::OneSource)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::{Gender, NameKind};
    use crate::{IdentityNumber, Subject, Testifier};

    fn id(s: &str) -> RecordId {
        RecordId::new(s).unwrap()
    }

    fn person(pid: &str, name: &str, born: Option<&str>, number: Option<&str>) -> Person {
        Person {
            gender: Some(Gender::Male),
            birth_date: born.map(|b| b.parse().unwrap()),
            identity_numbers: number.map(IdentityNumber::guess).into_iter().collect(),
            ..Person::new(id(pid), vec![Name::new(name, NameKind::Full)])
        }
    }

    fn testimony(tid: &str, testifier: &str, about: &str, relation: Relation) -> Testimony {
        Testimony::new(
            id(tid),
            Testifier { name: Some(testifier.into()), ..Testifier::default() },
            vec![Subject { person: id(about), relation }],
        )
    }

    fn episode(eid: &str, kind: EpisodeKind, start: Option<&str>, detention: Option<DetentionKind>) -> Episode {
        Episode {
            id: id(eid),
            external_id: None,
            kind,
            persons: vec![id("p1")],
            sources: vec![],
            detention,
            place: None,
            place_text: None,
            start: start.map(|s| s.parse().unwrap()),
            end: None,
            charges: vec![],
            term: None,
            outcome: None,
            status: None,
            reliability: None,
            notes: None,
        }
    }

    #[test]
    fn facts_keep_their_records_and_contradictions_stay_visible() {
        let sources = EntrySources {
            persons: vec![
                person("p1", "Серікжан Біләш", Some("1974-03-02"), None),
                person("p2", "Serikzhan Bilash", Some("1974"), None),
                person("p3", "Serikzhan Bilash", Some("1981"), None),
            ],
            ..EntrySources::default()
        };
        let entry = VictimEntry::assemble(&id("p1"), &sources);
        assert_eq!(entry.id, id("p1").public_id());
        assert_eq!(entry.names.len(), 2);
        assert_eq!(entry.names[1].1, vec![id("p2"), id("p3")], "a name given twice names both records");
        let birth = entry.facts.iter().find(|f| f.field == "birth_date").unwrap();
        assert_eq!(birth.values.len(), 3);
        assert!(birth.contradicted, "1981 cannot be 1974");
        let sex = entry.facts.iter().find(|f| f.field == "sex").unwrap();
        assert_eq!((sex.values.len(), sex.contradicted), (1, false));
        assert_eq!(sex.values[0].records.len(), 3);

        let agreeing = EntrySources { persons: sources.persons[..2].to_vec(), ..EntrySources::default() };
        let entry = VictimEntry::assemble(&id("p1"), &agreeing);
        assert!(!entry.facts.iter().any(|f| f.contradicted), "1974-03-02 is in 1974");
    }

    #[test]
    fn doubtful_steps_are_flagged_not_refused() {
        let sources = EntrySources {
            persons: vec![person("p1", "Aidar Tursun", Some("1980"), None)],
            episodes: vec![
                episode("e1", EpisodeKind::Release, Some("2017-05"), None),
                episode("e2", EpisodeKind::Detention, Some("2018-02"), Some(DetentionKind::Camp)),
                episode("e3", EpisodeKind::Detention, Some("2019"), Some(DetentionKind::Prison)),
                episode("e4", EpisodeKind::Harassment, Some("1975"), None),
                episode("e5", EpisodeKind::Death, Some("2020-01-10"), None),
                episode("e6", EpisodeKind::Harassment, Some("2021"), None),
            ],
            ..EntrySources::default()
        };
        let entry = VictimEntry::assemble(&id("p1"), &sources);
        let flags: Vec<(&str, &[TimelineFlag])> =
            entry.timeline.iter().map(|s| (s.episode.id.as_str(), s.flags.as_slice())).collect();
        use TimelineFlag::*;
        assert_eq!(
            flags,
            [
                ("e4", &[BeforeBirth][..]),
                ("e1", &[ReleaseBeforeDetention][..]),
                ("e2", &[][..]),
                ("e3", &[PrisonWithoutSentence][..]),
                ("e5", &[][..]),
                ("e6", &[AfterDeath][..]),
            ]
        );
        // With a sentence before it, the prison term is as expected.
        let mut sentenced = sources.clone();
        sentenced.episodes.push(episode("e7", EpisodeKind::Sentence, Some("2018-12"), None));
        let entry = VictimEntry::assemble(&id("p1"), &sentenced);
        assert!(entry.timeline.iter().find(|s| s.episode.id == id("e3")).unwrap().flags.is_empty());
    }

    #[test]
    fn the_evidence_level_grows_with_the_sources() {
        let one = EntrySources {
            persons: vec![person("p1", "Aidar Tursun", Some("1980"), None)],
            testimonies: vec![testimony("t1", "Aigul", "p1", Relation::Sister)],
            ..EntrySources::default()
        };
        assert_eq!(VictimEntry::assemble(&id("p1"), &one).level, EvidenceLevel::Reported);

        let mut with_id = one.clone();
        with_id.persons[0].identity_numbers = vec![IdentityNumber::guess("11010519491231002X")];
        assert_eq!(VictimEntry::assemble(&id("p1"), &with_id).level, EvidenceLevel::PartiallyVerified);

        let mut same_testifier = one.clone();
        same_testifier.testimonies.push(testimony("t2", " aigul", "p1", Relation::Sister));
        assert_eq!(
            VictimEntry::assemble(&id("p1"), &same_testifier).level,
            EvidenceLevel::Reported,
            "one testifier twice"
        );

        let mut two = one.clone();
        two.testimonies.push(testimony("t2", "Erlan", "p1", Relation::Brother));
        let entry = VictimEntry::assemble(&id("p1"), &two);
        assert_eq!(entry.level, EvidenceLevel::Corroborated);
        assert_eq!(entry.testified.len(), 2);

        let mut listed = one.clone();
        listed.persons.push(person("p2", "Aidar Tursun", None, None));
        assert_eq!(
            VictimEntry::assemble(&id("p1"), &listed).level,
            EvidenceLevel::Corroborated,
            "a list and a testimony"
        );

        let mut official = one.clone();
        official.testimonies[0].connection = Some(SourceConnection::Official);
        assert_eq!(VictimEntry::assemble(&id("p1"), &official).level, EvidenceLevel::Documented);
    }
}
