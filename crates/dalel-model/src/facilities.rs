//! The gazetteer of detention facilities in Xinjiang: about 550 camps, detention centres and
//! prisons located by BuzzFeed News (CC BY 4.0, credited wherever shown: [`CREDIT`]), compiled
//! in from `data/xinjiang-facilities-buzzfeed-2021.tsv` (see `data/README.md`).
//!
//! A place of the archive is one of these facilities when its external id is
//! [`EXTERNAL_PREFIX`] and the facility's key (`bfn-2021:106B`); `dalel facilities load` writes
//! them all as place records, so that episodes can name them.

use std::sync::LazyLock;

use crate::record::{Name, Place, RecordId};
use crate::vocab::{NameKind, PlaceKind};

/// The credit the licence asks for.
pub const CREDIT: &str = "Facility locations: BuzzFeed News (Alison Killing, Megha Rajagopalan, Christo Buschek), \
     CC BY 4.0";

/// How a place's external id names a facility.
pub const EXTERNAL_PREFIX: &str = "bfn-2021:";

const SOURCE: &str = include_str!("../data/xinjiang-facilities-buzzfeed-2021.tsv");

/// The credit for [`OUTLINE`] (public domain: asked for by no licence, given all the same).
pub const OUTLINE_CREDIT: &str = "Outline of Xinjiang: Natural Earth (public domain)";

/// The outline of Xinjiang, for maps: rings of (longitude, latitude) points, from Natural Earth's
/// first-order divisions, simplified to 0.02 degrees (`data/xinjiang-outline.tsv`, written by
/// `scripts/xinjiang-outline.py`). Prefectures' outlines are not here: no data with a clear
/// licence was found for them.
pub static OUTLINE: LazyLock<Vec<Vec<(f64, f64)>>> =
    LazyLock::new(|| rings(include_str!("../data/xinjiang-outline.tsv")));

/// Rings of `longitude<TAB>latitude` lines, separated by blank lines; `#` lines are comments.
fn rings(text: &str) -> Vec<Vec<(f64, f64)>> {
    let mut rings = vec![Vec::new()];
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let point = line.split_once('\t').and_then(|(lon, lat)| Some((lon.parse().ok()?, lat.parse().ok()?)));
        match point {
            Some(point) => rings.last_mut().expect("one ring at least").push(point),
            None => rings.push(Vec::new()),
        }
    }
    rings.retain(|r| r.len() >= 3);
    rings
}

/// A detention facility as the gazetteer locates it.
#[derive(Clone, Debug, PartialEq)]
pub struct Facility {
    /// The source's id and sub-compound letter: `106B`.
    pub key: String,
    /// The source's name: town and a number (`Shufu - I`); where it has none, the town and the
    /// key (`Tumxuk (384)`).
    pub name: String,
    pub town: String,
    pub prefecture: String,
    pub latitude: f64,
    pub longitude: f64,
    /// Camp, detention centre or prison; `Other` where the source gives no type.
    pub kind: PlaceKind,
    /// The source's type as written (`prison - high security`).
    pub kind_text: String,
    /// How the source corroborated it (`corroborated`, `Satellite - strong`, `closed`...).
    pub corroboration: String,
    /// Reports and research about it (links without spaces only: see `data/README.md`).
    pub links: Vec<String>,
}

impl Facility {
    /// The external id of the place that stands for the facility in an archive.
    pub fn external_id(&self) -> String {
        format!("{EXTERNAL_PREFIX}{}", self.key)
    }

    /// How a form offers the facility: its name, town and prefecture, then its key in brackets
    /// (`Shufu - I, Shufu, Kashgar [106B]`), by which [`chosen`] reads it back.
    pub fn choice(&self) -> String {
        format!("{}, {} [{}]", self.name, self.area(), self.key)
    }

    /// Its town and prefecture (`Shufu, Kashgar`; the source lacks a few prefectures).
    pub fn area(&self) -> String {
        [self.town.as_str(), self.prefecture.as_str()]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The place record, with id `id`, that stands for the facility in an archive.
    pub fn place(&self, id: RecordId) -> Place {
        Place {
            id,
            external_id: Some(self.external_id()),
            names: vec![Name::new(self.name.as_str(), NameKind::Full).in_language("en")],
            kind: self.kind,
            area: Some(self.area()),
            country: Some("cn".into()),
            latitude: Some(self.latitude),
            longitude: Some(self.longitude),
            notes: None,
        }
    }
}

/// Every facility, in the source's order.
pub static FACILITIES: LazyLock<Vec<Facility>> = LazyLock::new(|| parse(SOURCE));

/// The facility a place's external id names, if any.
pub fn named_by(external_id: &str) -> Option<&'static Facility> {
    by_key(external_id.strip_prefix(EXTERNAL_PREFIX)?)
}

/// The facility of a key (`106B`), if any.
pub fn by_key(key: &str) -> Option<&'static Facility> {
    FACILITIES.iter().find(|f| f.key == key)
}

/// The facility a form's text names: a [`Facility::choice`] (read by the key in its brackets),
/// a key alone (`106B`), or a name (`Shufu - I`, in any case) that only one facility has.
pub fn chosen(text: &str) -> Option<&'static Facility> {
    let text = text.trim();
    if let Some(key) = text.strip_suffix(']').and_then(|t| t.rsplit_once('[')).map(|(_, key)| key.trim()) {
        return by_key(key);
    }
    if let Some(f) = by_key(text) {
        return Some(f);
    }
    let text = text.to_lowercase();
    let mut named = FACILITIES.iter().filter(|f| f.name.to_lowercase() == text);
    match (named.next(), named.next()) {
        (Some(f), None) => Some(f),
        _ => None,
    }
}

fn parse(source: &str) -> Vec<Facility> {
    source
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('\t').map(str::trim).collect();
            let cell = |i: usize| cells.get(i).copied().unwrap_or("");
            let (latitude, longitude) = (cell(5).parse().ok()?, cell(6).parse().ok()?);
            if cell(0).is_empty() {
                return None;
            }
            let kind_text = cell(7).to_string();
            let kind = match kind_text.as_str() {
                "camp" => PlaceKind::Camp,
                "detention center" => PlaceKind::DetentionCentre,
                k if k.starts_with("prison") => PlaceKind::Prison,
                _ => PlaceKind::Other,
            };
            let links = cells
                .iter()
                .skip(9)
                .filter(|c| c.starts_with("http") && !c.contains(' '))
                .map(|c| c.to_string())
                .collect();
            let key = format!("{}{}", cell(0), cell(2));
            // 47 rows have no name, and one a placeholder ("z" for 878): the town and the key
            // stand for one.
            let name = if cell(1).chars().count() < 2 { format!("{} ({key})", cell(3)) } else { cell(1).to_string() };
            Some(Facility {
                key,
                name,
                town: cell(3).to_string(),
                prefecture: cell(4).to_string(),
                latitude,
                longitude,
                kind,
                kind_text,
                corroboration: cell(8).to_string(),
                links,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outline_holds_the_facilities() {
        assert_eq!(OUTLINE.len(), 1);
        let ring = &OUTLINE[0];
        assert!(ring.len() > 300, "{}", ring.len());
        // Inside by the even-odd rule: a ray to the east crosses the ring an odd number of times.
        let inside = |(x, y): (f64, f64)| {
            let edges = ring.iter().zip(ring.iter().cycle().skip(1));
            let crossings = edges
                .filter(|((x1, y1), (x2, y2))| (y1 > &y) != (y2 > &y) && x < x1 + (y - y1) / (y2 - y1) * (x2 - x1))
                .count();
            crossings % 2 == 1
        };
        let outside: Vec<&str> =
            FACILITIES.iter().filter(|f| !inside((f.longitude, f.latitude))).map(|f| f.key.as_str()).collect();
        // A few lie on the border at the outline's 2 km precision; none far off.
        assert!(outside.len() <= 5, "{outside:?}");
        assert!(!inside((116.4, 39.9)), "Beijing is not in Xinjiang");
        assert!(rings("# c\n\n1\t2\nx\n").is_empty(), "rings of fewer than three points are dropped");
    }

    #[test]
    fn the_gazetteer_is_read_whole() {
        assert_eq!(FACILITIES.len(), 551);
        let keys: std::collections::HashSet<&str> = FACILITIES.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys.len(), FACILITIES.len(), "keys are unique");
        // All in or near Xinjiang.
        assert!(FACILITIES.iter().all(|f| (34.0..50.0).contains(&f.latitude) && (73.0..97.0).contains(&f.longitude)));
        let shufu = named_by("bfn-2021:106B").unwrap();
        assert_eq!(
            (shufu.name.as_str(), shufu.prefecture.as_str(), shufu.kind),
            ("Shufu - I", "Kashgar", PlaceKind::Camp)
        );
        assert!(FACILITIES.iter().any(|f| f.prefecture == "Ürümqi"), "decoded from code page 437");
        assert!(FACILITIES.iter().flat_map(|f| &f.links).all(|l| !l.contains(' ')));
        assert!(FACILITIES.iter().all(|f| f.name.chars().count() > 1), "no name empty or a placeholder");
        assert_eq!(named_by("bfn-2021:878").unwrap().name, "Manas (878)");
        assert_eq!(named_by("bfn-2021:384").unwrap().name, "Tumxuk (384)");
        assert_eq!(shufu.place(RecordId::new("x").unwrap()).external_id.as_deref(), Some("bfn-2021:106B"));
        assert!(named_by("bfn-2021:nope").is_none() && named_by("106B").is_none());
    }

    #[test]
    fn a_form_reads_back_the_facility_it_offered() {
        for f in FACILITIES.iter() {
            assert_eq!(chosen(&f.choice()), Some(f), "{}", f.choice());
        }
        assert_eq!(chosen(" 106B ").unwrap().name, "Shufu - I");
        assert_eq!(by_key("890").unwrap().choice(), "Wujiaqu - II, Wujiaqu [890]", "no empty prefecture");
        let unique = FACILITIES.iter().find(|f| FACILITIES.iter().filter(|g| g.name == f.name).count() == 1).unwrap();
        assert_eq!(chosen(&unique.name.to_uppercase()), Some(unique));
        let shared = FACILITIES.iter().find(|f| FACILITIES.iter().filter(|g| g.name == f.name).count() > 1);
        assert!(shared.is_none_or(|f| chosen(&f.name).is_none()), "a name two facilities share is not guessed");
        assert_eq!(chosen("Somewhere else"), None);
        assert_eq!(chosen("Shufu - I [nope]"), None, "a key that is not the gazetteer's is not guessed");
        assert_eq!(chosen(""), None);
    }
}
