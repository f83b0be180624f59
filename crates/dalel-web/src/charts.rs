//! Statistics drawn on the server: for each measure (`dalel_model::stats::Measure`) a bar chart
//! as SVG (no script needed; its title and description name what it shows, for screen
//! readers), the same numbers as a table, what the numbers may hide, and a link to them as CSV.

use dalel_model::stats::{Measure, Tally, Value};
use dalel_model::vocab::{EvidenceLevel, VictimStatus};
use maud::{Markup, html};

use crate::i18n::Tr;
use crate::pages::term;

/// How a value of `measure` reads in the reader's language.
pub(crate) fn label(tr: Tr, measure: Measure, value: &Value) -> String {
    let code = match value {
        Value::Is(code) => code.as_str(),
        Value::Disagree => return tr.t("stats-disagree"),
        Value::Unknown => return tr.t("stats-unknown"),
    };
    match measure {
        Measure::Prefecture => dalel_model::areas::prefecture(code).map_or(code.to_string(), |p| tr.prefecture(p)),
        Measure::Status => VictimStatus::from_code(code).map_or(code.to_string(), |s| term!(tr, s)),
        Measure::Level => EvidenceLevel::from_code(code).map_or(code.to_string(), |l| term!(tr, l)),
        Measure::Sentence => match code {
            "under 1" => tr.t("stats-sentence-under-1"),
            "life" => tr.t("stats-sentence-life"),
            "death" => tr.t("stats-sentence-death"),
            years => tr.t_with("stats-sentence-years", &[("years", years.to_string().into())]),
        },
        Measure::Age => tr.t_with("stats-age-years", &[("years", code.to_string().into())]),
        Measure::Ethnicity => ethnicity(tr, code),
        Measure::DetentionYear => code.to_string(),
    }
}

/// An ethnicity as the sources name it in English (`Kazakh`), in the reader's language where the
/// UI knows the name (`vocab-ethnicity-kazakh`); any other as the sources wrote it.
fn ethnicity(tr: Tr, code: &str) -> String {
    if code.bytes().all(|b| b.is_ascii_alphabetic()) {
        tr.term(&format!("vocab-ethnicity-{}", code.to_ascii_lowercase()), code)
    } else {
        code.to_string()
    }
}

/// A value as the CSV download writes it: the stored code, or `(disagree)`, `(unknown)`.
pub fn csv_value(value: &Value) -> &str {
    match value {
        Value::Is(code) => code,
        Value::Disagree => "(records disagree)",
        Value::Unknown => "(not known)",
    }
}

/// The CSV of one measure: `value,entries`, a header line first.
pub fn csv(tally: &Tally, measure: Measure) -> String {
    let mut out = String::from("value,entries\n");
    for (value, n) in tally.rows(measure) {
        let v = csv_value(&value);
        if v.contains([',', '"', '\n']) {
            out.push_str(&format!("\"{}\",{n}\n", v.replace('"', "\"\"")));
        } else {
            out.push_str(&format!("{v},{n}\n"));
        }
    }
    out
}

const WIDTH: u32 = 760;
const LABELS: u32 = 300;
const ROW: u32 = 22;

/// One measure's section: heading, chart, note on what it may hide, table and CSV link.
pub(crate) fn section(tr: Tr, tally: &Tally, measure: Measure, csv_href: &str) -> Markup {
    let rows = tally.rows(measure);
    let title = tr.t(&format!("stats-{}-title", measure.code()));
    let id = format!("chart-{}", measure.code());
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let height = ROW * rows.len() as u32 + 4;
    let bar = |n: u64| ((WIDTH - LABELS - 60) as u64 * n / max) as u32;
    // Right to left (Uyghur) the chart is mirrored: labels on the right, bars growing leftwards.
    let rtl = tr.lang().is_rtl();
    let x = |from_left: u32| if rtl { WIDTH - from_left } else { from_left };
    let (label_anchor, count_anchor) = if rtl { ("start", "end") } else { ("end", "start") };
    html! {
        section aria-labelledby=(id) {
            h2 #(id) { (title) }
            p.muted { (tr.t(&format!("stats-{}-note", measure.code()))) }
            @if rows.is_empty() { p { (tr.t("site-empty")) } } @else {
                svg.chart role="img" aria-labelledby={ (id) "-svg" } width=(WIDTH) height=(height)
                    viewBox={ "0 0 " (WIDTH) " " (height) } xmlns="http://www.w3.org/2000/svg" {
                    title #{ (id) "-svg" } { (title) ": " (rows.iter().map(|(v, n)| format!("{} {n}", label(tr, measure, v))).collect::<Vec<_>>().join(", ")) }
                    @for (i, (value, n)) in rows.iter().enumerate() {
                        @let y = ROW * i as u32 + 2;
                        @let width = bar(*n).max(1);
                        text x=(x(LABELS - 6)) y=(y + 15) text-anchor=(label_anchor) { (label(tr, measure, value)) }
                        rect x=(if rtl { x(LABELS) - width } else { LABELS }) y=(y + 3) width=(width) height=(ROW - 6) {}
                        text x=(x(LABELS + bar(*n) + 6)) y=(y + 15) text-anchor=(count_anchor) { (n) }
                    }
                }
                table {
                    caption.muted { (title) }
                    thead { tr { th scope="col" { (tr.t("stats-col-value")) } th scope="col" { (tr.t("stats-col-count")) } } }
                    tbody { @for (value, n) in &rows { tr { td { (label(tr, measure, value)) } td { (n) } } } }
                }
                p { a href=(csv_href) download { (tr.t("stats-csv")) } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn ethnicities_are_named_in_the_readers_language_where_the_ui_knows_them() {
        let label = |lang, code: &str| label(Tr(lang), Measure::Ethnicity, &Value::Is(code.to_string()));
        assert_eq!(label(Lang::Zh, "Kazakh"), "哈萨克族");
        assert_eq!(label(Lang::Ug, "Uyghur"), "ئۇيغۇر");
        assert_eq!(label(Lang::Ru, "Kyrgyz"), "Кыргызы");
        assert_eq!(label(Lang::En, "Kazakh"), "Kazakh");
        // Any other as the sources wrote it.
        assert_eq!(label(Lang::Kk, "Dolan"), "Dolan");
        assert_eq!(label(Lang::Kk, "Han Chinese"), "Han Chinese");
        // Every language but English (whose names are the codes) names every one of them.
        for lang in Lang::ALL.into_iter().filter(|l| *l != Lang::En) {
            for e in ["Kazakh", "Uyghur", "Kyrgyz", "Hui", "Uzbek", "Tatar", "Tajik", "Han", "Mongol"] {
                assert_ne!(label(lang, e), e, "{lang:?} lacks {e}");
            }
        }
    }
}
