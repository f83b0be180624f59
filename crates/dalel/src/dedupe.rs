//! `dalel dedupe`: links the archive's person records into entries, one per real person, and
//! prints them. It reads only: the decisions are not yet written to the ledger.

use std::io::Write;

use dalel_link::{FIELDS, Linkage, Subject, Thresholds, link};
use dalel_model::{Person, Record, RecordId, RecordKind};
use dalel_store::Store;
use serde_json::json;

/// Every person record of the store, in the order of their ids.
pub async fn persons(store: &dyn Store) -> anyhow::Result<Vec<Person>> {
    let mut persons = Vec::new();
    let mut after: Option<RecordId> = None;
    loop {
        let page = store.list(RecordKind::Person, after.as_ref(), 5000).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id().clone());
        persons.extend(page.into_iter().filter_map(|r| match r {
            Record::Person(p) => Some(p),
            _ => None,
        }));
    }
    Ok(persons)
}

/// Links `persons` and writes the entries: with `json`, one object a line,
/// `{"id", "external_ids"}`, the entry named by its first record's id; otherwise a summary, the
/// model's estimates and the pairs left for review.
pub fn run(persons: &[Person], thresholds: Thresholds, json: bool, out: &mut impl Write) -> anyhow::Result<Linkage> {
    let subjects: Vec<Subject> = persons.iter().map(Subject::of).collect();
    let linkage = link(&subjects, thresholds, 2026);
    if json {
        for entry in &linkage.entries {
            let external_ids: Vec<&str> = entry.iter().filter_map(|&i| persons[i].external_id.as_deref()).collect();
            writeln!(out, "{}", json!({"id": persons[entry[0]].id.as_str(), "external_ids": external_ids}))?;
        }
        return Ok(linkage);
    }
    let m = &linkage.model;
    writeln!(
        out,
        "{} records, {} candidate pairs, {} linked, {} for review: {} entries",
        persons.len(),
        linkage.candidates,
        linkage.linked.len(),
        linkage.review.len(),
        linkage.entries.len()
    )?;
    writeln!(
        out,
        "\nestimated from the archive ({} rounds; {:.1}% of candidate pairs are matches, \
         two records at random one person with probability {:.2e}):",
        m.rounds,
        m.lambda * 100.0,
        m.prior
    )?;
    writeln!(out, "{:<34} {:>9} {:>9} {:>7}", "agreement", "m", "u", "weight")?;
    for (f, field) in FIELDS.iter().enumerate() {
        for (l, level) in field.levels().iter().enumerate().rev() {
            let (mf, uf) = (m.m[f][l], m.u[f][l]);
            writeln!(out, "{level:<34} {mf:>9.5} {uf:>9.5} {:>+7.2}", (mf / uf).log2())?;
        }
    }
    if !linkage.review.is_empty() {
        writeln!(out, "\nfor review, most likely first:")?;
        for w in linkage.review.iter().take(20) {
            let reasons: Vec<String> =
                m.reasons(&w.comparison).iter().map(|r| format!("{} ({:+.1})", r.level, r.weight)).collect();
            writeln!(out, "{:.3}  {} ~ {}: {}", w.probability, persons[w.a].id, persons[w.b].id, reasons.join(", "))?;
        }
    }
    Ok(linkage)
}
