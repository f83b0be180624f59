//! `dalel search` and `dalel names compare`: their output formats, which other tools read.

use std::io::{BufRead, Write};
use std::path::Path;

use anyhow::{Context, bail};
use dalel_names::{compare, prepare};
use dalel_store::PersonIndex;
use serde_json::json;

/// Answers each query: with `json`, one object a query
/// (`{"query","results":[{"external_id","id","names","score"}]}`), otherwise a readable table.
/// Returns how long each query took.
pub fn search(
    index: &PersonIndex,
    queries: &[String],
    limit: usize,
    json: bool,
    out: &mut impl Write,
) -> anyhow::Result<Vec<std::time::Duration>> {
    let headed = queries.len() > 1;
    let answers = search_in_parallel(index, queries, limit, |query, found| {
        if json { as_json(query, found) } else { as_table(query, found, headed) }
    });
    let mut timings = Vec::with_capacity(queries.len());
    for (text, took) in answers {
        out.write_all(text?.as_bytes())?;
        timings.push(took);
    }
    Ok(timings)
}

/// One query's answer as a line of JSON, its keys in order as `serde_json::json!` writes them.
fn as_json(query: &str, found: &[dalel_store::Found]) -> String {
    #[derive(serde::Serialize)]
    struct Answer<'a> {
        query: &'a str,
        results: Vec<Hit<'a>>,
    }
    #[derive(serde::Serialize)]
    struct Hit<'a> {
        external_id: Option<&'a str>,
        id: &'a str,
        names: &'a [String],
        score: f64,
    }
    let results = found
        .iter()
        .map(|f| Hit {
            external_id: f.person.external_id.as_deref(),
            id: f.person.id.as_str(),
            names: &f.person.names,
            score: four_places(f.score),
        })
        .collect();
    let mut line = serde_json::to_string(&Answer { query, results }).expect("strings and numbers serialise");
    line.push('\n');
    line
}

/// A score as the JSON outputs print it: to four decimal places.
fn four_places(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// One query's answer as readable lines, under the query when there are several.
fn as_table(query: &str, found: &[dalel_store::Found], headed: bool) -> String {
    use std::fmt::Write as _;
    let mut text = String::new();
    if headed {
        let _ = writeln!(text, "# {query}");
    }
    if found.is_empty() {
        text.push_str("no one found\n");
    }
    for f in found {
        let external = f.person.external_id.as_deref().map(|e| format!(" ({e})")).unwrap_or_default();
        let _ = writeln!(text, "{:.2}  {}{external}  {}", f.score, f.person.id, f.person.names.join(" | "));
    }
    text
}

/// Each query's answer as `render` writes it, and how long the search took, in the queries'
/// order: the queries are shared out among the machine's cores, each searching the one index
/// and writing its answers (the writing was a twentieth of the work, done on one core after the
/// rest).
fn search_in_parallel(
    index: &PersonIndex,
    queries: &[String],
    limit: usize,
    render: impl Fn(&str, &[dalel_store::Found]) -> String + Sync,
) -> Vec<(dalel_store::Result<String>, std::time::Duration)> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(queries.len().max(1));
    // Each thread takes the next query not yet taken, so that a slow query holds up only its
    // own thread and the others go on with the rest.
    let next = AtomicUsize::new(0);
    let work = || {
        let mut answered = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(query) = queries.get(i) else { return answered };
            let started = std::time::Instant::now();
            let found = index.search(query, limit);
            let took = started.elapsed();
            answered.push((i, found.map(|found| render(query, &found)), took));
        }
    };
    let mut all: Vec<_> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
    });
    all.sort_unstable_by_key(|(i, ..)| *i);
    all.into_iter().map(|(_, text, took)| (text, took)).collect()
}

/// `queries: N, median X ms, p99 Y ms, max Z ms` for `dalel search --timings`.
pub fn timing_summary(timings: &[std::time::Duration]) -> String {
    let mut ms: Vec<f64> = timings.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms.get(((ms.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0);
    format!("queries: {}, median {:.2} ms, p99 {:.2} ms, max {:.2} ms", ms.len(), at(0.5), at(0.99), at(1.0))
}

/// Reads one query a line; blank lines are queries too, so that answers stay in step with lines.
pub fn read_queries(path: &Path) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(text.lines().map(str::to_string).collect())
}

/// Compares two names and prints the score, the decision and the explanation.
pub fn compare_two(a: &str, b: &str, json: bool, out: &mut impl Write) -> anyhow::Result<()> {
    let c = compare(&prepare(a), &prepare(b));
    if json {
        let parts: Vec<_> = c
            .matches
            .iter()
            .map(|m| json!({"a": m.a, "b": m.b, "similarity": four_places(m.similarity), "how": m.how.to_string()}))
            .collect();
        let doc = json!({
            "score": four_places(c.score),
            "match": c.is_match(),
            "parts": parts,
            "only_in_first": c.unmatched_a,
            "only_in_second": c.unmatched_b,
            "explanation": c.to_string(),
        });
        writeln!(out, "{doc}")?;
    } else {
        writeln!(out, "{:.4}\t{}", c.score, if c.is_match() { "match" } else { "no match" })?;
        write!(out, "{c}")?;
    }
    Ok(())
}

/// Reads `name1<TAB>name2` lines and prints `score<TAB>true|false` lines, in order.
pub fn compare_pairs(path: &Path, input: impl BufRead, out: &mut impl Write) -> anyhow::Result<()> {
    for (i, line) in input.lines().enumerate() {
        let line = line.with_context(|| format!("{}:{}: cannot read", path.display(), i + 1))?;
        let Some((a, b)) = line.split_once('\t') else {
            bail!("{}:{}: expected two names separated by a tab", path.display(), i + 1);
        };
        let c = compare(&prepare(a), &prepare(b.trim_end_matches('\r')));
        writeln!(out, "{:.4}\t{}", c.score, c.is_match())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_written_as_json_lines_and_as_tables() {
        let found = |id: &str, external: Option<&str>, score: f64| dalel_store::Found {
            person: dalel_store::IndexedPerson {
                id: dalel_model::RecordId::new(id).unwrap(),
                external_id: external.map(str::to_string),
                names: vec!["Серікжан Біләш".into(), "Serikzhan Bilash".into()],
            },
            score,
            name: "Серікжан Біләш".into(),
        };
        let answer = [found("r1", Some("kz-1"), 0.934_56), found("r2", None, 0.5)];
        assert_eq!(
            as_json("Serik \"Bilash\"", &answer),
            concat!(
                r#"{"query":"Serik \"Bilash\"","results":["#,
                r#"{"external_id":"kz-1","id":"r1","names":["Серікжан Біләш","Serikzhan Bilash"],"score":0.9346},"#,
                r#"{"external_id":null,"id":"r2","names":["Серікжан Біләш","Serikzhan Bilash"],"score":0.5}]}"#,
                "\n"
            )
        );
        assert_eq!(as_json("x", &[]), "{\"query\":\"x\",\"results\":[]}\n");
        assert_eq!(
            as_table("Serik", &answer, true),
            "# Serik\n0.93  r1 (kz-1)  Серікжан Біләш | Serikzhan Bilash\n0.50  r2  Серікжан Біләш | Serikzhan Bilash\n"
        );
        assert_eq!(as_table("x", &[], false), "no one found\n");
    }

    #[test]
    fn timings_are_summarised_by_rank() {
        let ms = |n: u64| std::time::Duration::from_millis(n);
        let timings: Vec<_> = (1..=100).rev().map(ms).collect();
        assert_eq!(timing_summary(&timings), "queries: 100, median 51.00 ms, p99 99.00 ms, max 100.00 ms");
        assert_eq!(timing_summary(&[]), "queries: 0, median 0.00 ms, p99 0.00 ms, max 0.00 ms");
    }

    #[test]
    fn pairs_print_score_and_decision() {
        let input = "Serikzhan Bilash\tСерікжан Біләш\nNurlan\tNurlat\n";
        let mut out = Vec::new();
        compare_pairs(Path::new("pairs.tsv"), input.as_bytes(), &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "1.0000\ttrue");
        assert!(lines[1].ends_with("\tfalse"), "{out}");
        assert_eq!(lines.len(), 2);
    }

    #[test]
    fn a_pair_line_without_a_tab_is_named() {
        let err = compare_pairs(Path::new("pairs.tsv"), "a\tb\nonly one\n".as_bytes(), &mut Vec::new()).unwrap_err();
        assert_eq!(err.to_string(), "pairs.tsv:2: expected two names separated by a tab");
    }

    #[test]
    fn compare_explains_in_text_and_json() {
        let mut out = Vec::new();
        compare_two("Қайрат Нұрланұлы Әбенов", "Kairat Abenov", false, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("0.8800\tmatch\n"), "{text}");
        assert!(text.contains("нұрланұлы (nurlanuli): only in the first name"), "{text}");
        let mut out = Vec::new();
        compare_two("Nurlan", "Nurlat", true, &mut out).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["match"], false);
        assert_eq!(v["parts"][0]["how"], "similar phonetic keys");
    }
}
