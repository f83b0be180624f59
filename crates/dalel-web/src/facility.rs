//! Detention facilities on the public site: a map drawn as SVG from the gazetteer's coordinates
//! (no tile server, no script), the counts by prefecture, and a facility's page with the entries
//! that name it. Every view credits the gazetteer's source (`dalel_model::facilities::CREDIT`).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use dalel_model::facilities::{CREDIT, FACILITIES, Facility, OUTLINE, OUTLINE_CREDIT};
use dalel_model::vocab::PlaceKind;
use maud::{Markup, html};

use crate::i18n::Tr;
use crate::pages::term;

/// Facilities by prefecture, each prefecture's in the gazetteer's order.
pub(crate) type Regions = BTreeMap<&'static str, Vec<&'static Facility>>;

/// The gazetteer's facilities by prefecture.
pub(crate) fn regions() -> Regions {
    let mut regions = Regions::new();
    for f in FACILITIES.iter() {
        regions.entry(f.prefecture.as_str()).or_default().push(f);
    }
    regions
}

/// The part of the earth the map shows (degrees), and the scale.
const WEST: f64 = 73.3;
const EAST: f64 = 96.5;
const SOUTH: f64 = 34.2;
const NORTH: f64 = 49.3;
const WIDTH: f64 = 720.0;

/// Map coordinates of a point: equirectangular, with longitudes shortened by the cosine of the
/// region's middle latitude so that shapes keep their proportions.
fn project(latitude: f64, longitude: f64) -> (f64, f64) {
    let shrink = ((SOUTH + NORTH) / 2.0).to_radians().cos();
    let scale = WIDTH / ((EAST - WEST) * shrink);
    ((longitude - WEST) * shrink * scale, (NORTH - latitude) * scale)
}

fn height() -> f64 {
    project(SOUTH, WEST).1
}

/// Xinjiang's outline as an SVG path's data (a closed sub-path a ring), worked out once: every
/// facility's page draws it.
static OUTLINE_PATH: LazyLock<String> = LazyLock::new(|| {
    let mut d = String::new();
    for ring in OUTLINE.iter() {
        for (i, &(lon, lat)) in ring.iter().enumerate() {
            let (x, y) = project(lat, lon);
            d.push_str(&format!("{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" }));
        }
        d.push('Z');
    }
    d
});

fn kind_class(kind: PlaceKind) -> &'static str {
    match kind {
        PlaceKind::Camp => "camp",
        PlaceKind::DetentionCentre => "detention",
        PlaceKind::Prison => "prison",
        _ => "other",
    }
}

/// The map: Xinjiang's outline, every facility a dot coloured by its type; those that published
/// entries name are larger and link to their page (`href`); each prefecture's name at the middle
/// of its facilities, with the number of entries that name them but on a facility's own page,
/// where `here` is marked instead.
pub(crate) fn map(
    tr: Tr,
    regions: &Regions,
    entries_at: &BTreeMap<&str, usize>,
    href: impl Fn(&Facility) -> String,
    here: Option<&str>,
) -> Markup {
    // Drawn in the gazetteer's order (the later over the earlier where they overlap).
    let facilities: Vec<&Facility> =
        FACILITIES.iter().filter(|f| regions.contains_key(f.prefecture.as_str())).collect();
    let middle = |list: &[&Facility]| {
        let n = list.len() as f64;
        let (lat, lon) = list.iter().fold((0.0, 0.0), |(a, b), f| (a + f.latitude, b + f.longitude));
        project(lat / n, lon / n)
    };
    let h = height();
    let named = entries_at.len();
    html! {
        svg.map role="img" aria-labelledby="map-title" width=(WIDTH) height=(format!("{h:.0}"))
            viewBox={ "0 0 " (WIDTH) " " (format!("{h:.0}")) } xmlns="http://www.w3.org/2000/svg" {
            title #map-title { (tr.t_with("fac-map", &[("count", facilities.len().into()), ("named", named.into())])) }
            rect.frame x="0" y="0" width=(WIDTH) height=(format!("{h:.0}")) {}
            path.outline d=(*OUTLINE_PATH) {}
            @for f in &facilities {
                @let (x, y) = project(f.latitude, f.longitude);
                @let at = entries_at.get(f.key.as_str()).copied().unwrap_or(0);
                @if here == Some(f.key.as_str()) {
                    circle.here cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="8" {}
                } @else if at > 0 {
                    a href=(href(f)) {
                        circle class={ (kind_class(f.kind)) " named" } cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="5" {
                            title { (f.name) ": " (at) }
                        }
                    }
                } @else {
                    circle class=(kind_class(f.kind)) cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="2.5" {}
                }
            }
            // Two facilities have no prefecture in the source: no label for them.
            @for (prefecture, list) in regions.iter().filter(|(p, _)| !p.is_empty()) {
                @let (x, y) = middle(list);
                text x=(format!("{x:.0}")) y=(format!("{:.0}", y - 8.0)) text-anchor="middle" {
                    (prefecture)
                    @if here.is_none() { ": " tspan.count { (entries_in(list, entries_at)) } }
                }
            }
        }
        p.muted.legend {
            span.key.camp {} " " (term!(tr, PlaceKind::Camp)) " "
            span.key.detention {} " " (term!(tr, PlaceKind::DetentionCentre)) " "
            span.key.prison {} " " (term!(tr, PlaceKind::Prison)) " "
            span.key.other {} " " (term!(tr, PlaceKind::Other)) " · "
            (tr.t("fac-legend-named"))
            @if here.is_none() { " " (tr.t("fac-legend-counts")) }
        }
        p.muted { (CREDIT) ". " (OUTLINE_CREDIT) "." }
    }
}

/// How many published entries name the facilities of `list` (an entry that names two of them
/// counts twice).
fn entries_in(list: &[&Facility], entries_at: &BTreeMap<&str, usize>) -> usize {
    list.iter().map(|f| entries_at.get(f.key.as_str()).copied().unwrap_or(0)).sum()
}

/// Facilities and entries by prefecture, as a table.
pub(crate) fn by_prefecture(tr: Tr, regions: &Regions, entries_at: &BTreeMap<&str, usize>) -> Markup {
    let rows = regions.iter().map(|(prefecture, list)| (prefecture, list.len(), entries_in(list, entries_at)));
    html! {
        table {
            thead { tr {
                th scope="col" { (tr.t("fac-col-prefecture")) }
                th scope="col" { (tr.t("fac-col-facilities")) }
                th scope="col" { (tr.t("fac-col-entries")) }
            } }
            tbody { @for (prefecture, n, entries) in rows {
                tr { td { (if prefecture.is_empty() { "–" } else { prefecture }) } td { (n) } td { (entries) } }
            } }
        }
    }
}

/// What the gazetteer says of a facility.
pub(crate) fn details(tr: Tr, f: &Facility) -> Markup {
    html! {
        table {
            tr { th scope="row" { (tr.t("fac-town")) } td { (f.town) } }
            tr { th scope="row" { (tr.t("fac-col-prefecture")) } td { (f.prefecture) } }
            tr { th scope="row" { (tr.t("fac-type")) } td { (term!(tr, f.kind)) @if !f.kind_text.is_empty() { " " span.muted lang="en" { "(" (f.kind_text) ")" } } } }
            tr { th scope="row" { (tr.t("fac-corroboration")) } td lang="en" { (f.corroboration) } }
            tr { th scope="row" { (tr.t("fac-location")) } td { (format!("{:.4}, {:.4}", f.latitude, f.longitude)) } }
        }
        @if !f.links.is_empty() {
            h2 { (tr.t("fac-sources")) }
            ul { @for link in &f.links { li { a href=(link) rel="noreferrer" { (link) } } } }
        }
    }
}
