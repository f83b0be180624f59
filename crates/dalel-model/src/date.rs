//! Partial dates: what testimonies actually say ("in 1965", "March 2018", "about 1970",
//! "between 2017 and 2019").
//!
//! Stored in an EDTF-like text form that sorts and reads well: `1965`, `1965-03`, `1965-03-12`,
//! `1965~` (about 1965), `2017/2019` (a range), `2017-05/2018~` (both).

use std::cmp::Ordering;
use std::fmt;

use crate::vocab::DateQualifier;

/// A calendar date that may lack its day, or its month and day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DatePoint {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// A date as a source gives it: a point or a range, exact or approximate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PartialDate {
    from: DatePoint,
    /// The end of a range; `None` for a single point.
    to: Option<DatePoint>,
    approximate: bool,
}

/// Why a text is not a partial date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("empty date")]
    Empty,
    #[error("{0:?} is not a date: write 1965, 1965-03, 1965-03-12, about 1965 or 2017/2019")]
    Unreadable(String),
    #[error("month {0} is not between 1 and 12")]
    Month(u32),
    #[error("day {day} does not exist in {year}-{month:02}")]
    Day { year: i32, month: u8, day: u32 },
    #[error("year {0} is outside 1800..=2100")]
    Year(i32),
    #[error("the range ends ({to}) before it starts ({from})")]
    Backwards { from: String, to: String },
}

pub(crate) fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl DatePoint {
    /// A checked date point; years outside 1800..=2100 are refused as typing errors.
    pub fn new(year: i32, month: Option<u8>, day: Option<u8>) -> Result<DatePoint, DateError> {
        if !(1800..=2100).contains(&year) {
            return Err(DateError::Year(year));
        }
        if let Some(m) = month
            && !(1..=12).contains(&m)
        {
            return Err(DateError::Month(m.into()));
        }
        if let Some(d) = day {
            let m = month.ok_or(DateError::Unreadable(format!("{year}-??-{d}")))?;
            if d == 0 || d > days_in_month(year, m) {
                return Err(DateError::Day { year, month: m, day: d.into() });
            }
        }
        Ok(DatePoint { year, month, day })
    }

    /// The first day this point may mean, as (year, month, day).
    pub fn earliest(self) -> (i32, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The last day this point may mean.
    pub fn latest(self) -> (i32, u8, u8) {
        let month = self.month.unwrap_or(12);
        (self.year, month, self.day.unwrap_or_else(|| days_in_month(self.year, month)))
    }

    fn parse(text: &str) -> Result<DatePoint, DateError> {
        let bad = || DateError::Unreadable(text.to_string());
        let mut parts = text.split(['-', '.', '/']);
        let number = |s: Option<&str>, len: std::ops::RangeInclusive<usize>| -> Result<Option<u32>, DateError> {
            match s {
                None => Ok(None),
                Some(s) if len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) => {
                    Ok(Some(s.parse().map_err(|_| bad())?))
                }
                Some(_) => Err(bad()),
            }
        };
        let year = number(parts.next(), 4..=4)?.ok_or_else(bad)?;
        let month = number(parts.next(), 1..=2)?;
        let day = number(parts.next(), 1..=2)?;
        if parts.next().is_some() {
            return Err(bad());
        }
        if let Some(m) = month
            && !(1..=12).contains(&m)
        {
            return Err(DateError::Month(m));
        }
        DatePoint::new(year as i32, month.map(|m| m as u8), day.map(|d| d.min(255) as u8)).map_err(|e| match (e, day) {
            (DateError::Day { year, month, .. }, Some(d)) => DateError::Day { year, month, day: d },
            (e, _) => e,
        })
    }
}

impl fmt::Display for DatePoint {
    /// The stored form: `1965`, `1965-03`, `1965-03-12`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl DatePoint {
    fn human(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{d} {} {}", MONTHS[m as usize - 1], self.year),
            (Some(m), None) => format!("{} {}", MONTHS[m as usize - 1], self.year),
            _ => self.year.to_string(),
        }
    }
}

impl PartialDate {
    /// A single point.
    pub fn point(point: DatePoint) -> PartialDate {
        PartialDate { from: point, to: None, approximate: false }
    }

    /// A range; refused when it ends before it starts.
    pub fn range(from: DatePoint, to: DatePoint) -> Result<PartialDate, DateError> {
        if to.latest() < from.earliest() {
            return Err(DateError::Backwards { from: from.to_string(), to: to.to_string() });
        }
        Ok(PartialDate { from, to: Some(to), approximate: false })
    }

    /// A year alone.
    pub fn year(year: i32) -> Result<PartialDate, DateError> {
        Ok(PartialDate::point(DatePoint::new(year, None, None)?))
    }

    /// A full day.
    pub fn day(year: i32, month: u8, day: u8) -> Result<PartialDate, DateError> {
        Ok(PartialDate::point(DatePoint::new(year, Some(month), Some(day))?))
    }

    /// The same date marked as an estimate ("about ...").
    pub fn approximately(mut self) -> PartialDate {
        self.approximate = true;
        self
    }

    pub fn is_approximate(&self) -> bool {
        self.approximate
    }

    pub fn start(&self) -> DatePoint {
        self.from
    }

    /// The end of a range, or the point itself.
    pub fn end(&self) -> DatePoint {
        self.to.unwrap_or(self.from)
    }

    pub fn is_range(&self) -> bool {
        self.to.is_some()
    }

    /// The first and last day the date may mean.
    pub fn bounds(&self) -> ((i32, u8, u8), (i32, u8, u8)) {
        (self.from.earliest(), self.end().latest())
    }

    /// Whether the two dates may mean the same day.
    pub fn overlaps(&self, other: &PartialDate) -> bool {
        let (a0, a1) = self.bounds();
        let (b0, b1) = other.bounds();
        a0 <= b1 && b0 <= a1
    }

    /// The HURIDOCS date qualifier this date carries.
    pub fn qualifier(&self) -> DateQualifier {
        if self.approximate || self.to.is_some() {
            DateQualifier::Estimate
        } else if self.from.month.is_none() {
            DateQualifier::UnknownMonthAndDay
        } else if self.from.day.is_none() {
            DateQualifier::UnknownDay
        } else {
            DateQualifier::Exact
        }
    }

    /// Reads the stored form, and the ways people write dates: `about 1965`, `c. 1965`,
    /// `~1965`, `1965-1970` (a range of years), `12.03.1965` (day first).
    pub fn parse(text: &str) -> Result<PartialDate, DateError> {
        let mut s = text.trim();
        if s.is_empty() {
            return Err(DateError::Empty);
        }
        let mut approximate = false;
        let lower = s.to_lowercase();
        for prefix in ["about ", "circa ", "c. ", "ca. ", "approx. ", "около ", "шамамен ", "~"] {
            if lower.starts_with(prefix) {
                s = s[prefix.len()..].trim_start();
                approximate = true;
                break;
            }
        }
        if let Some(rest) = s.strip_suffix('~') {
            s = rest.trim_end();
            approximate = true;
        }
        let date = if let Some((a, b)) = s.split_once('/') {
            PartialDate::range(DatePoint::parse(a.trim())?, DatePoint::parse(b.trim())?)?
        } else if let Some((a, b)) = s.split_once(['–', '—']).or_else(|| year_range(s)) {
            PartialDate::range(DatePoint::parse(a.trim())?, DatePoint::parse(b.trim())?)?
        } else if let Some(point) = day_first(s) {
            PartialDate::point(point?)
        } else {
            PartialDate::point(DatePoint::parse(s)?)
        };
        Ok(if approximate { date.approximately() } else { date })
    }

    /// A reader's form: `12 March 1965`, `about 1965`, `2017 – 2019`.
    pub fn human(&self) -> String {
        let core = match self.to {
            Some(to) => format!("{} – {}", self.from.human(), to.human()),
            None => self.from.human(),
        };
        if self.approximate { format!("about {core}") } else { core }
    }
}

/// `1965-1970`: two four-digit years joined by a hyphen is a range, not a year and a month.
fn year_range(s: &str) -> Option<(&str, &str)> {
    let (a, b) = s.split_once('-')?;
    (a.len() == 4 && b.len() == 4 && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())).then_some((a, b))
}

/// `12.03.1965` as written in Russian and Kazakh documents.
fn day_first(s: &str) -> Option<Result<DatePoint, DateError>> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 3
        || parts[2].len() != 4
        || !parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n = |p: &str| p.parse::<u32>().unwrap_or(u32::MAX);
    let (d, m, y) = (n(parts[0]), n(parts[1]), n(parts[2]));
    if !(1..=12).contains(&m) {
        return Some(Err(DateError::Month(m)));
    }
    Some(DatePoint::new(y as i32, Some(m as u8), Some(d.min(255) as u8)))
}

impl fmt::Display for PartialDate {
    /// The stored form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.from)?;
        if let Some(to) = self.to {
            write!(f, "/{to}")?;
        }
        if self.approximate {
            f.write_str("~")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for PartialDate {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PartialDate::parse(s)
    }
}

impl Ord for PartialDate {
    /// Chronological: by the earliest day meant, then the latest, then exact before approximate.
    fn cmp(&self, other: &Self) -> Ordering {
        self.bounds()
            .cmp(&other.bounds())
            .then(self.approximate.cmp(&other.approximate))
            .then(self.to.is_some().cmp(&other.to.is_some()))
            .then_with(|| self.to_string().cmp(&other.to_string()))
    }
}

impl PartialOrd for PartialDate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl serde::Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for PartialDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        PartialDate::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, stored: &str, human: &str) {
        let date = PartialDate::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(date.to_string(), stored, "stored form of {input}");
        assert_eq!(date.human(), human, "human form of {input}");
    }

    #[test]
    fn reads_what_people_write() {
        check("1965", "1965", "1965");
        check("1965-03", "1965-03", "March 1965");
        check("1965-3-7", "1965-03-07", "7 March 1965");
        check("about 1965", "1965~", "about 1965");
        check("c. 1965", "1965~", "about 1965");
        check("около 1970", "1970~", "about 1970");
        check("1965~", "1965~", "about 1965");
        check("2017/2019", "2017/2019", "2017 – 2019");
        check("2017-2019", "2017/2019", "2017 – 2019");
        check("2017-05/2018~", "2017-05/2018~", "about May 2017 – 2018");
        check("12.03.1965", "1965-03-12", "12 March 1965");
        check("2000-02-29", "2000-02-29", "29 February 2000");
    }

    #[test]
    fn refuses_what_is_not_a_date_and_says_why() {
        let err = |s: &str| PartialDate::parse(s).unwrap_err().to_string();
        assert_eq!(err(""), "empty date");
        assert_eq!(err("1965-13"), "month 13 is not between 1 and 12");
        assert_eq!(err("1900-02-29"), "day 29 does not exist in 1900-02");
        assert_eq!(err("2019/2017"), "the range ends (2017) before it starts (2019)");
        assert!(err("last spring").contains("is not a date"));
        assert_eq!(err("0965"), "year 965 is outside 1800..=2100");
    }

    #[test]
    fn qualifiers_follow_huridocs() {
        let q = |s: &str| PartialDate::parse(s).unwrap().qualifier();
        assert_eq!(q("1965-03-12"), DateQualifier::Exact);
        assert_eq!(q("1965-03"), DateQualifier::UnknownDay);
        assert_eq!(q("1965"), DateQualifier::UnknownMonthAndDay);
        assert_eq!(q("1965~"), DateQualifier::Estimate);
    }

    #[test]
    fn orders_chronologically() {
        let mut dates: Vec<PartialDate> = ["1966", "1965-03-12", "1965~", "1965", "1965-02", "1964/1966"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        dates.sort();
        let sorted: Vec<String> = dates.iter().map(ToString::to_string).collect();
        assert_eq!(sorted, ["1964/1966", "1965", "1965~", "1965-02", "1965-03-12", "1966"]);
    }

    #[test]
    fn overlap_means_may_be_the_same_day() {
        let d = |s: &str| PartialDate::parse(s).unwrap();
        assert!(d("1965").overlaps(&d("1965-03-12")));
        assert!(!d("1965-04").overlaps(&d("1965-03-12")));
        assert!(d("1960/1970").overlaps(&d("1965")));
    }

    fn arb_point() -> impl Strategy<Value = DatePoint> {
        (1800i32..=2100, prop::option::of(1u8..=12), 1u8..=31).prop_map(|(y, m, d)| {
            let day = m.map(|m| d.min(days_in_month(y, m))).filter(|_| d % 3 != 0);
            DatePoint::new(y, m, day).unwrap()
        })
    }

    pub(crate) fn arb_date() -> impl Strategy<Value = PartialDate> {
        (arb_point(), prop::option::of(arb_point()), any::<bool>()).prop_map(|(a, b, approx)| {
            let date = match b {
                Some(b) if b.latest() >= a.earliest() => PartialDate::range(a, b).unwrap(),
                _ => PartialDate::point(a),
            };
            if approx { date.approximately() } else { date }
        })
    }

    proptest! {
        #[test]
        fn stored_form_round_trips(date in arb_date()) {
            prop_assert_eq!(PartialDate::parse(&date.to_string()), Ok(date));
        }

        #[test]
        fn parser_never_panics(text in "\\PC{0,20}") {
            let _ = PartialDate::parse(&text);
        }
    }
}
