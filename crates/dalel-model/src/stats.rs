//! Statistics of entries: what each entry counts as ([`Profile`]) and the counts of a set of
//! entries ([`Tally`]). Nothing vague is made precise: an age known only as a range is counted
//! as that range, an entry whose records disagree is counted as disagreeing, and what is not
//! known is counted as not known (docs/publishing.md lists what each count means).

use std::collections::BTreeMap;

use crate::areas;
use crate::vocab::{EpisodeKind, EvidenceLevel, IdScheme, VictimStatus};
use crate::{EntrySources, PartialDate, VictimEntry};

/// How many years either side an "about" date may mean, for ages.
const ABOUT: i32 = 2;

/// A value of a count: one of its categories, or why the entry has none.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    /// A category: an ethnicity, a prefecture's code, a year, a vocabulary code, a bin's label.
    Is(String),
    /// The entry's records give different values.
    Disagree,
    /// Nothing the entry's records say gives a value.
    Unknown,
}

/// What one entry counts as in each of the statistics.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Profile {
    pub ethnicity: Value,
    /// The prefecture-level area code (`6540`) read from a Chinese resident ID number.
    pub prefecture: Value,
    /// The county-level area code (`654021`) read from the same number: no statistic of its
    /// own, but the public search filters by it.
    pub county: Value,
    /// The year of the first detention, when the records date it to one year.
    pub detention_year: Value,
    /// The status stated by the latest episode that states one (`VictimStatus` code).
    pub status: Value,
    pub level: EvidenceLevel,
    /// The age at the first detention, in a bin of ten years (`30–39`), or the decades it may
    /// lie in when it is known only to a range that spans more than one (`30–49`).
    pub age: Value,
    /// The length of the longest sentence, in a bin (`5–9`), `life` or `death`.
    pub sentence: Value,
}

impl Profile {
    /// What `entry`, built from `sources`, counts as.
    pub fn of(sources: &EntrySources, entry: &VictimEntry) -> Profile {
        let one = |values: Vec<String>| {
            let mut values = values;
            values.sort();
            values.dedup();
            match values.len() {
                0 => Value::Unknown,
                1 => Value::Is(values.remove(0)),
                _ => Value::Disagree,
            }
        };
        let ethnicity = one(sources.persons.iter().filter_map(|p| p.ethnicity.clone()).collect());
        let resident_numbers = || {
            sources.persons.iter().flat_map(|p| &p.identity_numbers).filter(|n| n.scheme == IdScheme::ChineseResident)
        };
        let prefecture = one(resident_numbers()
            .filter_map(|n| n.value.get(..4).and_then(areas::prefecture).map(|p| p.renumbered_as.unwrap_or(p.code)))
            .map(str::to_string)
            .collect());
        let county = one(resident_numbers()
            .filter_map(|n| n.value.get(..6))
            .filter(|code| code.bytes().all(|b| b.is_ascii_digit()) && areas::prefecture(&code[..4]).is_some())
            .map(str::to_string)
            .collect());
        let episodes: Vec<_> = entry.timeline.iter().map(|s| &s.episode).collect();
        let detained = episodes
            .iter()
            .filter(|e| matches!(e.kind, EpisodeKind::Detention | EpisodeKind::ProtestDetention))
            .filter_map(|e| e.start)
            .min_by_key(|d| d.bounds().0);
        let detention_year = match detained {
            Some(d) if d.bounds().0.0 == d.bounds().1.0 => Value::Is(d.bounds().0.0.to_string()),
            Some(_) => Value::Disagree,
            None => Value::Unknown,
        };
        // The timeline is in time order, undated last: the last dated status, else any.
        let status = episodes
            .iter()
            .filter(|e| e.start.is_some())
            .filter_map(|e| e.status)
            .next_back()
            .or_else(|| episodes.iter().filter_map(|e| e.status).next_back())
            .map_or(Value::Unknown, |s: VictimStatus| Value::Is(s.code().to_string()));
        let births: Vec<PartialDate> = sources.persons.iter().filter_map(|p| p.birth_date).collect();
        let age = match (detained, births.as_slice()) {
            (Some(d), [b, rest @ ..]) if rest.iter().all(|r| r.overlaps(b)) => age_bin(b, &d),
            (Some(_), [_, ..]) => Value::Disagree,
            _ => Value::Unknown,
        };
        let sentence = episodes
            .iter()
            .filter(|e| e.kind == EpisodeKind::Sentence)
            .filter_map(|e| e.term.as_deref().and_then(term_years))
            .max_by(|a, b| a.total_cmp(b))
            .map_or(Value::Unknown, |years| Value::Is(sentence_bin(years).to_string()));
        Profile { ethnicity, prefecture, county, detention_year, status, level: entry.level, age, sentence }
    }
}

/// The age, in years, at `at` of one born on `born`: the ten-year bin the whole range of
/// possible ages lies in, or the decades it spans.
fn age_bin(born: &PartialDate, at: &PartialDate) -> Value {
    let about = |d: &PartialDate| if d.is_approximate() { ABOUT } else { 0 };
    let ((b0, ..), (b1, ..)) = born.bounds();
    let ((a0, ..), (a1, ..)) = at.bounds();
    // Born in b, detained in a: aged a - b - 1 or a - b, whatever the days.
    let youngest = (a0 - about(at)) - (b1 + about(born)) - 1;
    let oldest = (a1 + about(at)) - (b0 - about(born));
    let (youngest, oldest) = (youngest.max(0), oldest.max(0));
    // Rounded out to whole decades: a range across two decades is its own row (`30–49`).
    Value::Is(format!("{}–{}", youngest / 10 * 10, oldest / 10 * 10 + 9))
}

/// A sentence's length in years from the text of a term: life (in English, Russian, Kazakh or
/// Chinese) as `f64::MAX`, death as infinity, else years and months (`4 years`, `2 years 6
/// months`, `18 months`, `5 лет`, `5 жыл`, `5年`); `None` for anything else.
pub fn term_years(term: &str) -> Option<f64> {
    let t = term.trim().to_lowercase();
    if ["death", "смерт", "өлім", "死刑"].iter().any(|w| t.contains(w)) {
        return Some(f64::INFINITY);
    }
    if ["life", "пожизн", "өмір бойы", "无期"].iter().any(|w| t.contains(w)) {
        return Some(f64::MAX);
    }
    let mut years = 0.0;
    let mut found = false;
    let mut number = String::new();
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || (c == '.' && !number.is_empty()) {
            number.push(c);
            if chars.peek().is_some_and(|n| n.is_ascii_digit() || *n == '.') {
                continue;
            }
            let value: f64 = number.parse().ok()?;
            number.clear();
            let rest: String = chars.clone().collect::<String>().trim_start().chars().take(6).collect();
            let months = ["month", "мес", "ай", "个月", "月"].iter().any(|w| rest.starts_with(w));
            let is_years = ["year", "yr", "лет", "год", "жыл", "年"].iter().any(|w| rest.starts_with(w));
            if months {
                years += value / 12.0;
            } else if is_years {
                years += value;
            } else {
                return None;
            }
            found = true;
        }
    }
    found.then_some(years)
}

/// The bins of sentence lengths, in order.
pub const SENTENCE_BINS: [&str; 7] = ["under 1", "1–4", "5–9", "10–14", "15–19", "20+", "life"];

fn sentence_bin(years: f64) -> &'static str {
    match years {
        y if y == f64::INFINITY => "death",
        y if y == f64::MAX => "life",
        y if y < 1.0 => "under 1",
        y if y < 5.0 => "1–4",
        y if y < 10.0 => "5–9",
        y if y < 15.0 => "10–14",
        y if y < 20.0 => "15–19",
        _ => "20+",
    }
}

/// The statistics that are counted, in the order they are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Measure {
    Ethnicity,
    Prefecture,
    DetentionYear,
    Status,
    Level,
    Age,
    Sentence,
}

impl Measure {
    pub const ALL: [Measure; 7] = [
        Measure::Ethnicity,
        Measure::Prefecture,
        Measure::DetentionYear,
        Measure::Status,
        Measure::Level,
        Measure::Age,
        Measure::Sentence,
    ];

    /// A stable name (file names, message ids): `ethnicity`, `detention-year`, ...
    pub fn code(self) -> &'static str {
        match self {
            Measure::Ethnicity => "ethnicity",
            Measure::Prefecture => "prefecture",
            Measure::DetentionYear => "detention-year",
            Measure::Status => "status",
            Measure::Level => "evidence-level",
            Measure::Age => "age",
            Measure::Sentence => "sentence",
        }
    }

    /// What `p` counts as in this measure.
    pub fn of(self, p: &Profile) -> Value {
        match self {
            Measure::Ethnicity => p.ethnicity.clone(),
            Measure::Prefecture => p.prefecture.clone(),
            Measure::DetentionYear => p.detention_year.clone(),
            Measure::Status => p.status.clone(),
            Measure::Level => Value::Is(p.level.code().to_string()),
            Measure::Age => p.age.clone(),
            Measure::Sentence => p.sentence.clone(),
        }
    }
}

/// The counts of a set of entries, for each measure: each value and how many entries have it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub entries: u64,
    counts: BTreeMap<Measure, BTreeMap<Value, u64>>,
}

impl Tally {
    pub fn add(&mut self, p: &Profile) {
        self.entries += 1;
        for m in Measure::ALL {
            *self.counts.entry(m).or_default().entry(m.of(p)).or_default() += 1;
        }
    }

    /// The counts of `entries` entries of which `counts` gives how many have each value of
    /// each measure (as counted elsewhere: the public server counts its own columns).
    pub fn from_counts(entries: u64, counts: impl IntoIterator<Item = (Measure, Value, u64)>) -> Tally {
        let mut tally = Tally { entries, counts: BTreeMap::new() };
        for (m, value, n) in counts {
            *tally.counts.entry(m).or_default().entry(value).or_default() += n;
        }
        tally
    }

    /// A measure's values and counts, in the measure's order: years, ages and lengths
    /// ascending, other categories most frequent first; disagreeing and unknown last.
    pub fn rows(&self, m: Measure) -> Vec<(Value, u64)> {
        let mut rows: Vec<(Value, u64)> =
            self.counts.get(&m).map(|c| c.iter().map(|(v, n)| (v.clone(), *n)).collect()).unwrap_or_default();
        let rank = |v: &Value| match v {
            Value::Is(_) => 0,
            Value::Disagree => 1,
            Value::Unknown => 2,
        };
        let first_number = |v: &Value| match v {
            Value::Is(s) => s.split(|c: char| !c.is_ascii_digit()).next().and_then(|n| n.parse::<i64>().ok()),
            _ => None,
        };
        rows.sort_by(|(a, na), (b, nb)| {
            rank(a).cmp(&rank(b)).then_with(|| match m {
                Measure::DetentionYear | Measure::Age => first_number(a).cmp(&first_number(b)).then(a.cmp(b)),
                Measure::Sentence => sentence_rank(a).cmp(&sentence_rank(b)),
                Measure::Level => level_rank(a).cmp(&level_rank(b)),
                _ => nb.cmp(na).then(a.cmp(b)),
            })
        });
        rows
    }
}

fn sentence_rank(v: &Value) -> usize {
    match v {
        Value::Is(s) => SENTENCE_BINS.iter().position(|b| b == s).unwrap_or(SENTENCE_BINS.len()),
        _ => usize::MAX,
    }
}

fn level_rank(v: &Value) -> usize {
    match v {
        Value::Is(s) => EvidenceLevel::ALL.iter().position(|l| l.code() == s).unwrap_or(usize::MAX),
        _ => usize::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_read_in_years() {
        assert_eq!(term_years("4 years"), Some(4.0));
        assert_eq!(term_years("2 years 6 months"), Some(2.5));
        assert_eq!(term_years("18 months"), Some(1.5));
        assert_eq!(term_years("10 лет"), Some(10.0));
        assert_eq!(term_years("7 жыл"), Some(7.0));
        assert_eq!(term_years("15年"), Some(15.0));
        assert_eq!(term_years("life imprisonment"), Some(f64::MAX));
        assert_eq!(term_years("Death penalty, suspended"), Some(f64::INFINITY));
        assert_eq!(term_years("unknown"), None);
        assert_eq!(term_years("5 lashes"), None);
        assert_eq!(term_years(""), None);
        assert_eq!(sentence_bin(4.0), "1–4");
        assert_eq!(sentence_bin(f64::MAX), "life");
    }

    #[test]
    fn a_vague_age_stays_a_range() {
        let date = |s: &str| PartialDate::parse(s).unwrap();
        assert_eq!(age_bin(&date("1980-05-01"), &date("2018-03-01")), Value::Is("30–39".into()));
        // Born in 1978, detained in 2018: 39 or 40.
        assert_eq!(age_bin(&date("1978"), &date("2018")), Value::Is("30–49".into()));
        // "In his 40s": born 1969/1978.
        assert_eq!(age_bin(&date("1969/1978"), &date("2018")), Value::Is("30–49".into()));
        assert_eq!(age_bin(&date("1920/1990"), &date("2018")), Value::Is("20–99".into()));
        assert_eq!(age_bin(&date("1975~"), &date("2018")), Value::Is("40–49".into()));
    }

    fn record(json: &str) -> crate::Record {
        serde_json::from_str(json).unwrap()
    }

    fn sources(persons: &[&str], episodes: &[&str]) -> EntrySources {
        let persons = persons.iter().map(|j| match record(j) {
            crate::Record::Person(p) => p,
            other => panic!("{other:?}"),
        });
        let episodes = episodes.iter().map(|j| match record(j) {
            crate::Record::Episode(e) => e,
            other => panic!("{other:?}"),
        });
        EntrySources { persons: persons.collect(), episodes: episodes.collect(), ..EntrySources::default() }
    }

    #[test]
    fn an_entry_counts_as_its_records_say_and_disagreement_stays_visible() {
        let a = r#"{"type":"person","id":"a","names":[],"ethnicity":"Kazakh","birth_date":"1975",
            "identity_numbers":[{"scheme":"cn_resident","value":"654021********0579"}]}"#;
        let b = r#"{"type":"person","id":"b","names":[],"ethnicity":"Uyghur"}"#;
        let detained = r#"{"type":"episode","id":"e1","kind":"detention","persons":["a"],"sources":[],
            "start":"2018-03","status":"detained"}"#;
        let sentenced = r#"{"type":"episode","id":"e2","kind":"sentence","persons":["a"],"sources":[],
            "start":"2019","term":"2 years 6 months","status":"sentenced"}"#;
        let one = sources(&[a], &[detained, sentenced]);
        let p = Profile::of(&one, &VictimEntry::assemble(&one.persons[0].id, &one));
        assert_eq!(p.ethnicity, Value::Is("Kazakh".into()));
        assert_eq!(p.prefecture, Value::Is("6540".into()));
        assert_eq!(p.detention_year, Value::Is("2018".into()));
        assert_eq!(p.status, Value::Is("sentenced".into()), "the latest dated status");
        assert_eq!(p.age, Value::Is("40–49".into()));
        assert_eq!(p.sentence, Value::Is("1–4".into()));

        let two = sources(&[a, b], &[]);
        let q = Profile::of(&two, &VictimEntry::assemble(&two.persons[0].id, &two));
        assert_eq!(q.ethnicity, Value::Disagree);
        assert_eq!(
            (q.detention_year.clone(), q.age.clone(), q.sentence.clone()),
            (Value::Unknown, Value::Unknown, Value::Unknown)
        );

        let mut tally = Tally::default();
        for profile in [&p, &q, &q] {
            tally.add(profile);
        }
        assert_eq!(tally.entries, 3);
        assert_eq!(tally.rows(Measure::Ethnicity), [(Value::Is("Kazakh".into()), 1), (Value::Disagree, 2)]);
        assert_eq!(tally.rows(Measure::DetentionYear), [(Value::Is("2018".into()), 1), (Value::Unknown, 2)]);
    }
}
