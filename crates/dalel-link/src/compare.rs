//! What a record offers for linking, and how two records agree field by field.

use compact_str::CompactString;
use dalel_model::{Gender, PartialDate, Person};
use smallvec::SmallVec;
use std::sync::Arc;

use dalel_names::{
    Part, PartMemo, PreparedName, is_match, prepare_to_compare, prepare_to_compare_with, score, score_with,
};

/// A person record as linking sees it.
#[derive(Clone, Debug)]
pub struct Subject {
    /// Held in the subject itself when there is one (nearly always): comparing two subjects
    /// waits for one place in memory less.
    pub names: SmallVec<[PreparedName; 1]>,
    pub birth: Option<Birth>,
    /// Identity numbers, upper case, letters and digits only; held in the subject itself when
    /// there is one of at most 24 characters (nearly always).
    pub id_numbers: SmallVec<[CompactString; 1]>,
    pub sex: Option<Gender>,
    /// The hometown, prepared as a name is, so that Қарамай and Karamay agree. Shared: records
    /// repeat hometowns far more than names (at 1,000,463 synthetic records, 36 distinct among
    /// 500,000), and [`Comparer`] compares each two held hometowns once.
    pub hometown: Option<Arc<PreparedName>>,
    /// The names of the person's relatives that the archive states (relatives who testified
    /// about them, people linked to them as family): two records of one person often name the
    /// same mother or brother.
    pub relatives: Vec<PreparedName>,
}

/// A birth date as the span of days it may mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Birth {
    pub earliest: (i32, u8, u8),
    pub latest: (i32, u8, u8),
}

impl Birth {
    pub fn of(date: &PartialDate) -> Birth {
        let (earliest, latest) = date.bounds();
        Birth { earliest, latest }
    }

    fn is_day(&self) -> bool {
        self.earliest == self.latest
    }

    fn middle_year(&self) -> f64 {
        f64::from(self.earliest.0 + self.latest.0) / 2.0
    }
}

impl Subject {
    pub fn of(person: &Person) -> Subject {
        Subject::prepared(person, |_| None, |_| None)
    }

    /// [`Subject::of`], with the parts `held` gives for their texts instead of parts prepared
    /// again ([`prepare_to_compare_with`]), and the hometown `home` gives for its text.
    fn prepared(
        person: &Person,
        held: impl Fn(&str) -> Option<Arc<Part>> + Copy,
        home: impl Fn(&str) -> Option<Arc<PreparedName>>,
    ) -> Subject {
        let names: SmallVec<[PreparedName; 1]> = person
            .names
            .iter()
            .map(|n| prepare_to_compare_with(&n.text, held))
            .filter(|n| !n.parts.is_empty())
            .collect();
        let id_numbers = person
            .identity_numbers
            .iter()
            .map(|n| n.value.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect())
            .filter(|n: &CompactString| !n.is_empty())
            .collect();
        let hometown = person
            .hometown
            .as_deref()
            .map(|h| home(h).unwrap_or_else(|| Arc::new(prepare_to_compare_with(h, held))))
            .filter(|p| !p.parts.is_empty());
        Subject {
            names,
            birth: person.birth_date.as_ref().map(Birth::of),
            id_numbers,
            sex: person.gender.filter(|g| *g != Gender::Other),
            hometown,
            relatives: Vec::new(),
        }
    }

    /// Relatives' names as [`Subject::relatives`] holds them.
    pub fn relatives_of<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<PreparedName> {
        names.into_iter().map(prepare_to_compare).filter(|n| !n.parts.is_empty()).collect()
    }
}

/// The parts of names that subjects write alike, held once: an archive's records repeat their
/// people's names (at 1,000,000 synthetic records, 340,000 distinct parts among 2,000,000), and
/// each part prepared holds its readings in a dozen strings. Every part shared must have been
/// prepared alike ([`prepare_to_compare`], as [`Subject::of`] does).
#[derive(Default)]
pub struct SharedParts {
    parts: foldhash::HashSet<ByText>,
    /// Hometowns by their text, held whole.
    hometowns: foldhash::HashMap<String, Arc<PreparedName>>,
}

/// A part, hashed and compared by its text.
struct ByText(Arc<Part>);

impl std::hash::Hash for ByText {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.text.hash(state);
    }
}

impl PartialEq for ByText {
    fn eq(&self, other: &ByText) -> bool {
        self.0.text == other.0.text
    }
}

impl Eq for ByText {}

impl std::borrow::Borrow<str> for ByText {
    fn borrow(&self) -> &str {
        &self.0.text
    }
}

impl SharedParts {
    /// [`Subject::of`], taking the parts held instead of preparing them again (most of the
    /// cost of preparing records whose names repeat); [`SharedParts::share`] holds the others.
    pub fn subject_of(&self, person: &Person) -> Subject {
        Subject::prepared(
            person,
            |text| self.parts.get(text).map(|held| held.0.clone()),
            |text| self.hometowns.get(text).cloned(),
        )
    }

    /// Makes each part of `subject`'s names the one held for its text, and its hometown the one
    /// held for its text, holding those not held yet.
    pub fn share(&mut self, subject: &mut Subject) {
        for name in &mut subject.names {
            self.share_parts(name);
        }
        // A hometown taken from those held has another owner: they do.
        if let Some(home) = subject.hometown.as_mut().filter(|home| Arc::strong_count(home) == 1) {
            match self.hometowns.get(&home.text) {
                Some(held) => *home = held.clone(),
                None => {
                    if let Some(name) = Arc::get_mut(home) {
                        self.share_parts(name);
                    }
                    self.hometowns.insert(home.text.clone(), home.clone());
                }
            }
        }
    }

    fn share_parts(&mut self, name: &mut PreparedName) {
        for part in &mut name.parts {
            // A part taken from those held has another owner: they do.
            if Arc::strong_count(part) > 1 {
                continue;
            }
            match self.parts.get(part.text.as_str()) {
                Some(held) => *part = held.0.clone(),
                None => {
                    self.parts.insert(ByText(part.clone()));
                }
            }
        }
    }
}

/// The fields compared, in the order of [`Comparison::levels`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Name,
    IdNumber,
    BirthDate,
    Sex,
    Hometown,
    Relatives,
}

pub const FIELDS: [Field; 6] =
    [Field::Name, Field::IdNumber, Field::BirthDate, Field::Sex, Field::Hometown, Field::Relatives];

impl Field {
    /// The agreement levels, worst first; a comparison's level indexes this.
    pub fn levels(self) -> &'static [&'static str] {
        match self {
            Field::Name => &["names differ", "names alike (0.70)", "names match (0.85)", "names the same (0.95)"],
            Field::IdNumber => &["ID numbers contradict", "ID numbers one digit apart", "the same ID number"],
            Field::BirthDate => {
                &["birth dates contradict", "born within two years", "born the same year", "born the same day"]
            }
            Field::Sex => &["sexes differ", "the same sex"],
            Field::Hometown => &["hometowns differ", "the same hometown"],
            Field::Relatives => &["no relative's name agrees", "a relative's name agrees"],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::IdNumber => "ID number",
            Field::BirthDate => "birth date",
            Field::Sex => "sex",
            Field::Hometown => "hometown",
            Field::Relatives => "relatives",
        }
    }
}

/// How two records agree: a level per field ([`Field::levels`]), `None` where either lacks the
/// field. Kept in four bytes, three bits a field (0 for none, the level plus one otherwise),
/// since linking keeps one for every candidate pair: 50 million at 1,000,000 records.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Comparison(u32);

impl Comparison {
    pub fn new(levels: [Option<u8>; FIELDS.len()]) -> Comparison {
        let mut packed = 0;
        for (f, level) in levels.into_iter().enumerate() {
            debug_assert!(level.is_none_or(|l| usize::from(l) < FIELDS[f].levels().len()));
            packed |= u32::from(level.map_or(0, |l| (l + 1) & 7)) << (3 * f);
        }
        Comparison(packed)
    }

    pub fn of(a: &Subject, b: &Subject) -> Comparison {
        Comparison::with(a, b, name_level(a, b, |x, y, _| score(x, y)), hometown_level)
    }

    /// The comparison of `a` and `b` whose names agree at level `name`, their hometowns compared
    /// by `hometown`.
    fn with(
        a: &Subject,
        b: &Subject,
        name: Option<u8>,
        hometown: impl FnOnce(&Arc<PreparedName>, &Arc<PreparedName>) -> u8,
    ) -> Comparison {
        Comparison::new([
            name,
            id_level(&a.id_numbers, &b.id_numbers),
            a.birth.zip(b.birth).map(|(x, y)| birth_level(x, y)),
            a.sex.zip(b.sex).map(|(x, y)| u8::from(x == y)),
            a.hometown.as_ref().zip(b.hometown.as_ref()).map(|(x, y)| hometown(x, y)),
            relatives_level(&a.relatives, &b.relatives),
        ])
    }

    /// Each field's level, in the order of [`FIELDS`].
    pub fn levels(self) -> [Option<u8>; FIELDS.len()] {
        std::array::from_fn(|f| match (self.0 >> (3 * f)) & 7 {
            0 => None,
            level => Some(level as u8 - 1),
        })
    }

    pub fn level(self, field: Field) -> Option<u8> {
        self.levels()[field as usize]
    }
}

impl std::fmt::Debug for Comparison {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Comparison").field(&self.levels()).finish()
    }
}

/// Compares pair after pair ([`Comparison::of`]), each thing that repeats among them compared
/// once. Hometowns: records hold each once ([`SharedParts`]), and at 1,000,463 synthetic
/// records 1.03 million candidate pairs compare theirs, among 36 distinct hometowns. And a
/// subject's names against those of the subjects it is compared with one after another (a
/// record's pairs come together): of 4.1 million candidate pairs there, 562,000 compared a
/// record's names with the same held parts as a pair of the same record just before. And the
/// parts of names, two by two ([`PartMemo`]).
#[derive(Default)]
pub(crate) struct Comparer<'a> {
    /// The left subject of the pairs compared last, by place in memory.
    left: Option<&'a Subject>,
    /// The right subjects `left` was compared with, each with the level of their names (a
    /// few, the oldest replaced first).
    names: Vec<(&'a Subject, Option<u8>)>,
    replace: usize,
    /// Whether two held hometowns match, by their places in memory.
    hometowns: foldhash::HashMap<(usize, usize), u8>,
    /// The parts of names compared last.
    parts: PartMemo<'a>,
}

impl<'a> Comparer<'a> {
    /// The right subjects a left one's names are remembered with.
    const NAMES: usize = 8;
    /// Pairs of hometowns remembered before the memory starts again.
    const HOMETOWNS: usize = 1 << 16;

    /// [`Comparison::of`] `a` and `b`.
    pub(crate) fn compare(&mut self, a: &'a Subject, b: &'a Subject) -> Comparison {
        let name = self.name_level(a, b);
        let hometowns = &mut self.hometowns;
        Comparison::with(a, b, name, |x, y| {
            if Arc::ptr_eq(x, y) {
                return 1;
            }
            if hometowns.len() >= Self::HOMETOWNS {
                hometowns.clear();
            }
            let key = (Arc::as_ptr(x) as usize, Arc::as_ptr(y) as usize);
            *hometowns.entry(key).or_insert_with(|| hometown_level(x, y))
        })
    }

    fn name_level(&mut self, a: &'a Subject, b: &'a Subject) -> Option<u8> {
        if !self.left.is_some_and(|left| std::ptr::eq(left, a)) {
            self.left = Some(a);
            self.names.clear();
        }
        if let Some(&(_, level)) = self.names.iter().find(|(seen, _)| same_names(seen, b)) {
            return level;
        }
        let parts = &mut self.parts;
        let level = name_level(a, b, |x, y, floor| score_with(x, y, floor, parts));
        if self.names.len() < Self::NAMES {
            self.names.push((b, level));
        } else {
            self.names[self.replace] = (b, level);
            self.replace = (self.replace + 1) % Self::NAMES;
        }
        level
    }
}

/// Whether two subjects' names are the same held parts, name by name
/// ([`PreparedName::holds_same_parts`]): compared with anything, they score alike.
fn same_names(x: &Subject, y: &Subject) -> bool {
    x.names.len() == y.names.len() && x.names.iter().zip(&y.names).all(|(m, n)| m.holds_same_parts(n))
}

fn hometown_level(x: &Arc<PreparedName>, y: &Arc<PreparedName>) -> u8 {
    u8::from(is_match(x, y))
}

/// The least score of each level of names above the lowest ([`Field::levels`]).
const NAME_LEVELS: [f64; 3] = [0.7, 0.85, 0.95];

/// The level of the best of `score` of any name of `a` and any of `b`. `score` is asked to be
/// exact only from a floor up (the least score of a level above the best so far); where a score
/// is below its floor, any score below the floor does.
fn name_level<'a>(
    a: &'a Subject,
    b: &'a Subject,
    mut score: impl FnMut(&'a PreparedName, &'a PreparedName, f64) -> f64,
) -> Option<u8> {
    if a.names.is_empty() || b.names.is_empty() {
        return None;
    }
    // The best score of any two names; once it is the top level's, no other can raise the level.
    let mut best: f64 = 0.0;
    for (x, y) in a.names.iter().flat_map(|x| b.names.iter().map(move |y| (x, y))) {
        let Some(&floor) = NAME_LEVELS.iter().find(|&&least| least > best) else { break };
        best = best.max(score(x, y, floor));
    }
    Some(NAME_LEVELS.iter().filter(|&&least| best >= least).count() as u8)
}

/// 1 when a relative of one and a relative of the other have names that match, 0 when both
/// name relatives and none match (different relatives testify: weak evidence either way).
fn relatives_level(a: &[PreparedName], b: &[PreparedName]) -> Option<u8> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    Some(u8::from(a.iter().any(|x| b.iter().any(|y| is_match(x, y)))))
}

/// 2 for a number both have, 1 for numbers one typing error apart (a digit wrong, two
/// neighbouring digits swapped), 0 when their numbers all differ more.
fn id_level(a: &[CompactString], b: &[CompactString]) -> Option<u8> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let mut level = 0;
    for x in a {
        for y in b {
            if x == y {
                return Some(2);
            }
            if one_typo(x.as_bytes(), y.as_bytes()) {
                level = 1;
            }
        }
    }
    Some(level)
}

/// One character different, or two neighbouring characters swapped.
pub(crate) fn one_typo(x: &[u8], y: &[u8]) -> bool {
    if x.len() != y.len() {
        return false;
    }
    let differ: Vec<usize> = (0..x.len()).filter(|&i| x[i] != y[i]).collect();
    match differ[..] {
        [_] => true,
        [i, j] => j == i + 1 && x[i] == y[j] && x[j] == y[i],
        _ => false,
    }
}

fn birth_level(a: Birth, b: Birth) -> u8 {
    if a.is_day() && b.is_day() && a == b {
        3
    } else if (a.earliest <= b.latest && b.earliest <= a.latest)
        || (a.earliest.0 == a.latest.0 && (a.earliest.0, a.latest.0) == (b.earliest.0, b.latest.0))
    {
        // The spans overlap (as much as the less precise date says), or both fall in one year.
        2
    } else if (a.middle_year() - b.middle_year()).abs() <= 2.0 {
        1
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_of_levels_is_kept_as_it_was_given() {
        // Every field's every level and none, in every combination.
        let mut all: Vec<[Option<u8>; FIELDS.len()]> = vec![[None; FIELDS.len()]];
        for (f, field) in FIELDS.iter().enumerate() {
            let choices: Vec<Option<u8>> =
                std::iter::once(None).chain((0..field.levels().len() as u8).map(Some)).collect();
            all = all
                .iter()
                .flat_map(|p| {
                    choices.iter().map(move |&c| {
                        let mut p = *p;
                        p[f] = c;
                        p
                    })
                })
                .collect();
        }
        assert_eq!(all.len(), FIELDS.iter().map(|f| f.levels().len() + 1).product::<usize>());
        let mut seen = std::collections::HashSet::new();
        for levels in all {
            let c = Comparison::new(levels);
            assert_eq!(c.levels(), levels);
            assert_eq!(c.level(Field::BirthDate), levels[Field::BirthDate as usize]);
            assert!(seen.insert(c), "{levels:?} packed as another pattern");
        }
    }

    /// Records that write a part alike hold it once when shared, and compare as before.
    #[test]
    fn parts_written_alike_are_held_once() {
        use crate::block::tests::subject;
        let mut s = [
            subject("Serikzhan Bilash", None, None),
            subject("Bilash Aidar", None, None),
            subject("比拉什", None, None),
        ];
        let before: Vec<Comparison> =
            [(0, 1), (0, 2), (1, 2)].iter().map(|&(a, b)| Comparison::of(&s[a], &s[b])).collect();
        let mut shared = SharedParts::default();
        for subject in &mut s {
            shared.share(subject);
        }
        assert!(Arc::ptr_eq(&s[0].names[0].parts[1], &s[1].names[0].parts[0]), "bilash held once");
        assert!(!Arc::ptr_eq(&s[0].names[0].parts[0], &s[1].names[0].parts[1]));
        assert_eq!(s[2].names[0].parts.len(), 1);
        let after: Vec<Comparison> =
            [(0, 1), (0, 2), (1, 2)].iter().map(|&(a, b)| Comparison::of(&s[a], &s[b])).collect();
        assert_eq!(before, after);
        assert_eq!(shared.parts.len(), 4, "serikzhan, bilash, aidar, 比拉什");
    }

    #[test]
    fn typing_errors_in_numbers() {
        assert!(one_typo(b"650102198001011234", b"650102198001011284"));
        assert!(one_typo(b"650102198001011234", b"650102198001012134"));
        assert!(!one_typo(b"650102198001011234", b"650102198001012143"));
        assert!(!one_typo(b"650102198001011234", b"65010219800101123"));
        assert_eq!(id_level(&["A1".into()], &["A1".into(), "B2".into()]), Some(2));
        assert_eq!(id_level(&["A1".into()], &["A2".into()]), Some(1));
        assert_eq!(id_level(&["A1".into()], &["C3".into()]), Some(0));
        assert_eq!(id_level(&[], &["C3".into()]), None);
    }

    /// Records prepared with the parts held are the records prepared afresh, holding the same
    /// part once: parts already held are taken, not prepared again, and `share` holds the new.
    #[test]
    fn held_parts_are_taken_instead_of_prepared_again() {
        use dalel_model::{Name, NameKind, RecordId};
        let person = |names: &[&str], hometown: &str| dalel_model::Person {
            hometown: Some(hometown.into()),
            ..dalel_model::Person::new(
                RecordId::new("x").unwrap(),
                names.iter().map(|n| Name::new(*n, NameKind::Full)).collect(),
            )
        };
        let first = person(&["Serikzhan Bilash", "赛力克江·比拉什"], "Қарамай");
        let second = person(&["Bilash Serikjan", "比拉什"], "Қарамай");
        let mut shared = SharedParts::default();
        let mut a = shared.subject_of(&first);
        shared.share(&mut a);
        let mut b = shared.subject_of(&second);
        shared.share(&mut b);
        assert_eq!(format!("{a:?}"), format!("{:?}", Subject::of(&first)));
        assert_eq!(format!("{b:?}"), format!("{:?}", Subject::of(&second)));
        assert!(Arc::ptr_eq(&a.names[0].parts[1], &b.names[0].parts[0]), "Bilash held once");
        assert!(Arc::ptr_eq(&a.names[1].parts[1], &b.names[1].parts[0]), "比拉什 held once");
        assert!(Arc::ptr_eq(&a.hometown.as_ref().unwrap().parts[0], &b.hometown.as_ref().unwrap().parts[0]));
        assert!(!Arc::ptr_eq(&a.names[0].parts[0], &b.names[0].parts[1]), "Serikzhan is not Serikjan");
        assert!(Arc::ptr_eq(a.hometown.as_ref().unwrap(), b.hometown.as_ref().unwrap()), "Қарамай held once");
        assert_eq!(shared.parts.len(), 6, "Serikzhan, Bilash, 赛力克江, 比拉什, Қарамай, Serikjan");
    }

    proptest::proptest! {
        /// Records drawn from a few names and hometowns, their parts and hometowns held once:
        /// compared pair after pair by one [`Comparer`], each pair as compared on its own.
        #[test]
        fn a_comparer_compares_as_each_pair_alone(
            people in proptest::collection::vec((0..5usize, 0..5usize, proptest::option::of(0..4usize)), 1..12),
            pairs in proptest::collection::vec((0..12usize, 0..12usize), 0..80),
        ) {
            use dalel_model::{Name, NameKind, RecordId};
            let given = ["Serikzhan", "Серікжан", "赛力克江", "Aidar", "Gulnar"];
            let family = ["Bilash", "Біләш", "比拉什", "Tursun", "Bilas"];
            let towns = ["Қарамай", "Karamay", "Ghulja", "Кульджа"];
            let mut shared = SharedParts::default();
            let subjects: Vec<Subject> = people
                .iter()
                .map(|&(g, f, town)| {
                    let person = dalel_model::Person {
                        hometown: town.map(|t| towns[t].to_string()),
                        ..dalel_model::Person::new(
                            RecordId::new("x").unwrap(),
                            vec![Name::new(format!("{} {}", given[g], family[f]), NameKind::Full)],
                        )
                    };
                    let mut s = shared.subject_of(&person);
                    shared.share(&mut s);
                    s
                })
                .collect();
            let mut pairs: Vec<(usize, usize)> =
                pairs.into_iter().map(|(a, b)| (a % subjects.len(), b % subjects.len())).collect();
            pairs.sort_unstable();
            let mut comparer = Comparer::default();
            for (a, b) in pairs {
                let (a, b) = (&subjects[a], &subjects[b]);
                proptest::prop_assert_eq!(comparer.compare(a, b), Comparison::of(a, b));
            }
        }
    }

    #[test]
    fn relatives_agree_when_one_of_each_matches_across_scripts() {
        let p = |names: &[&str]| names.iter().map(|n| prepare_to_compare(n)).collect::<Vec<_>>();
        assert_eq!(relatives_level(&p(&["Гүлнар Тоқтарқызы", "Erlan Bekov"]), &p(&["Gulnar Toktarkyzy"])), Some(1));
        assert_eq!(relatives_level(&p(&["Erlan Bekov"]), &p(&["Gulnar Toktarkyzy"])), Some(0));
        assert_eq!(relatives_level(&[], &p(&["Gulnar Toktarkyzy"])), None);
    }

    #[test]
    fn birth_dates_agree_as_far_as_they_are_known() {
        let b = |t: &str| Birth::of(&PartialDate::parse(t).unwrap());
        assert_eq!(birth_level(b("1980-03-12"), b("1980-03-12")), 3);
        assert_eq!(birth_level(b("1980"), b("1980-03-12")), 2);
        assert_eq!(birth_level(b("1980-03-12"), b("1980-04-01")), 2);
        assert_eq!(birth_level(b("1980-03-12"), b("1981-04-01")), 1);
        assert_eq!(birth_level(b("1980"), b("1982")), 1);
        assert_eq!(birth_level(b("1980"), b("1990")), 0);
    }
}
