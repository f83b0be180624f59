//! `dalel dedupe` and `dalel decide`: which person records are one person.
//!
//! `dedupe` links the archive's person records into entries, with the decisions people made
//! (never overridden), and prints them; with `apply` it writes the linker's decisions to the
//! ledger as [`Decision`]s. `decide` records a person's decision on a pair.

use std::collections::HashMap;
use std::io::Write;

use anyhow::{Context, bail};
use dalel_link::{
    Decided, FIELDS, Keyed, Linkage, Model, SharedParts, Subject, Thresholds, Weighed, decided, eldest, link_keyed,
    on_every_core,
};
use dalel_model::Verdict;
use dalel_model::{Decision, Person, Record, RecordId, RecordKind};
use dalel_store::{PutOutcome, Snapshot, Store};
use rayon::prelude::*;

/// Every record of a kind, in the order of their ids.
pub(crate) async fn all(store: &mut dyn Snapshot, kind: RecordKind) -> anyhow::Result<Vec<Record>> {
    let mut records = Vec::new();
    each_page(store, kind, 5000, |page| records.extend(page)).await?;
    Ok(records)
}

/// Every record of a kind, in the order of their ids, handed to `each` `size` at a time.
async fn each_page(
    store: &mut dyn Snapshot,
    kind: RecordKind,
    size: u32,
    mut each: impl FnMut(Vec<Record>),
) -> anyhow::Result<()> {
    let mut after: Option<RecordId> = None;
    loop {
        let page = store.list(kind, after.as_ref(), size).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id().clone());
        each(page);
    }
    Ok(())
}

/// Every person record of the store, handed to `each` a page of 10,000 at a time in the order
/// their states were written ([`Snapshot::scan`]: the ledger read front to back, where reading
/// in id order looked up each record's state somewhere in it: at 1,000,000 records, about 1 s
/// against 4.3–6.5), each with the ledger entry that wrote its state.
async fn each_person_page(store: &mut dyn Snapshot, mut each: impl FnMut(Vec<(u64, Person)>)) -> anyhow::Result<()> {
    let mut page = store.scan(RecordKind::Person, 0, 10_000).await?;
    while let Some(&(last, _)) = page.last() {
        let persons =
            page.into_iter().filter_map(|(seq, r)| if let Record::Person(p) = r { Some((seq, p)) } else { None });
        let persons: Vec<(u64, Person)> = persons.collect();
        // The next page is read (on a thread of its own) while this one is handled.
        let (next, ()) = tokio::join!(store.scan(RecordKind::Person, last, 10_000), async { each(persons) });
        page = next?;
    }
    Ok(())
}

/// `items` in the order of their ids (`id` of each).
fn in_id_order<T: Sync>(mut items: Vec<T>, id: impl Fn(&T) -> &RecordId + Sync) -> Vec<T> {
    let order = id_order(&items, id);
    permute(&mut items, &order);
    items
}

/// The places of `items` in the order of their ids (`id` of each): the first is the place of the
/// item with the least id. Sorted by the ids' first eight bytes, the rest compared only where
/// those are alike: at 1,000,000 records, each comparison reading two ids from wherever they are
/// in memory was most of the time.
fn id_order<T: Sync>(items: &[T], id: impl Fn(&T) -> &RecordId + Sync) -> Vec<usize> {
    let prefix = |id: &RecordId| {
        let mut bytes = [0; 8];
        let head = &id.as_str().as_bytes()[..id.as_str().len().min(8)];
        bytes[..head.len()].copy_from_slice(head);
        u64::from_be_bytes(bytes)
    };
    let mut order: Vec<(u64, usize)> = items.iter().enumerate().map(|(i, item)| (prefix(id(item)), i)).collect();
    order.par_sort_unstable_by(|&(p, a), &(q, b)| p.cmp(&q).then_with(|| id(&items[a]).cmp(id(&items[b]))));
    order.into_iter().map(|(_, i)| i).collect()
}

/// Puts `items` in `order` ([`id_order`]) where they are, each cycle of the permutation by swaps:
/// no second list of them (at 1,000,000 records, 280 MB of fresh memory each time).
fn permute<T>(items: &mut [T], order: &[usize]) {
    let mut done = vec![false; items.len()];
    for start in 0..items.len() {
        // The item at `start` goes down the cycle until the place it belongs in.
        let mut at = start;
        while !done[at] {
            done[at] = true;
            let from = order[at];
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

/// Every person record of the store, in the order of their ids.
pub async fn persons(store: &mut dyn Snapshot) -> anyhow::Result<Vec<Person>> {
    let mut persons = Vec::new();
    each_person_page(store, |page| persons.extend(page.into_iter().map(|(_, p)| p))).await?;
    Ok(in_id_order(persons, |p| &p.id))
}

/// The person records of `wanted` (ids, each with a place to file it under), by place; read a
/// page at a time.
pub(crate) async fn persons_at(
    store: &mut dyn Snapshot,
    wanted: &HashMap<RecordId, usize>,
) -> anyhow::Result<HashMap<usize, Person>> {
    let mut found = HashMap::new();
    each_person_page(store, |page| {
        found.extend(page.into_iter().filter_map(|(_, p)| Some((*wanted.get(&p.id)?, p))));
    })
    .await?;
    Ok(found)
}

/// Every decision on a pair of person records.
pub async fn decisions(store: &mut dyn Snapshot) -> anyhow::Result<Vec<Decision>> {
    let records = all(store, RecordKind::Decision).await?;
    Ok(records.into_iter().filter_map(|r| if let Record::Decision(d) = r { Some(d) } else { None }).collect())
}

/// A person record as linking keeps it once its subject is prepared: what entries print and
/// decisions name.
pub struct Member {
    pub id: RecordId,
    pub external_id: Option<String>,
    /// The ledger entry that first put the record ([`Store::first_put`]): the eldest member
    /// names an entry.
    pub first_put: u64,
}

/// The archive's person records in the order of their ids, each as a [`Member`] and a
/// [`Subject`] (without relatives: see [`family`]), and their blocks ([`Keyed`]). Read a page at
/// a time and prepared on every core, so that the records themselves are never all in memory at
/// once (at 1,000,000 records they took 1.1 GB).
pub(crate) async fn subjects(store: &mut dyn Snapshot) -> anyhow::Result<(Vec<Member>, Vec<Subject>, Keyed)> {
    let count = usize::try_from(store.count(RecordKind::Person).await?)?;
    let (mut members, mut subjects) = (Vec::with_capacity(count), Vec::with_capacity(count));
    let (mut keyed, mut too_many) = (Keyed::new(count), None);
    let mut shared = SharedParts::default();
    each_person_page(store, |persons| {
        // Prepared on every core straight into the lists: their memory, fresh, is first
        // touched there (which the kernel zeroes: at 1,000,463 records, 0.8 s on one thread
        // when the page's subjects were made and then pushed one by one).
        let from = subjects.len();
        subjects.par_extend(persons.par_iter().with_min_len(1024).map(|(_, p)| shared.subject_of(p)));
        for s in &mut subjects[from..] {
            shared.share(s);
        }
        // Keyed while the next page is read, which leaves the cores idle a third of the time.
        if let Err(e) = keyed.add(&subjects[from..]) {
            too_many = Some(e);
        }
        let member = |(written, p): (u64, Person)| Member { id: p.id, external_id: p.external_id, first_put: written };
        members.par_extend(persons.into_par_iter().with_min_len(1024).map(member));
    })
    .await?;
    if let Some(e) = too_many {
        // The archive's count and the records read in the same snapshot disagree.
        return Err(e).context("reading the archive's person records");
    }
    let order = id_order(&members, |m| &m.id);
    // One list on each core (a permutation in place goes one item after another).
    rayon::join(|| permute(&mut members, &order), || permute(&mut subjects, &order));
    keyed.renumber(&order);
    // A record written again was first put by an entry before the one that wrote its state.
    for (id, first) in store.first_put_of_rewritten(RecordKind::Person).await? {
        if let Ok(i) = members.binary_search_by(|m| m.id.cmp(&id)) {
            members[i].first_put = first;
        }
    }
    Ok((members, subjects, keyed))
}

/// What the archive's testimonies and links say of its people ([`Record::relative_of`]).
struct Family {
    /// Each person's relatives' names, in the order of the subjects: the relatives who testified
    /// about them (a testifier's own name, or the names of the person record they are) and the
    /// people linked to them as family.
    relatives: Vec<Vec<String>>,
    /// The pairs of people one testimony names (its subjects, and its testifier's record beside
    /// the family it speaks of): two people, which the linker keeps apart.
    apart: Vec<(usize, usize)>,
}

/// Reads [`Family`]: testimonies a page at a time, keeping only names (transcripts are most of
/// an archive), then the links.
async fn family(
    store: &mut dyn Snapshot,
    subjects: &[Subject],
    index: &foldhash::HashMap<&RecordId, usize>,
) -> anyhow::Result<Family> {
    let mut relatives: Vec<Vec<String>> = vec![Vec::new(); subjects.len()];
    let mut apart: Vec<(usize, usize)> = Vec::new();
    // Adds what `record` says of the relatives of the person at `i`; the index of the person
    // record named as one, if any.
    let mut learn = |record: &Record, id: &RecordId, i: usize| {
        let (name, other) = record.relative_of(id);
        relatives[i].extend(name.map(str::to_string));
        let j = other.and_then(|id| index.get(id).copied())?;
        // The person record's names as its subject holds them (those with a part to compare).
        relatives[i].extend(subjects[j].names.iter().map(|n| n.text.clone()));
        Some(j)
    };
    each_page(store, RecordKind::Testimony, 1000, |page| {
        for record in page {
            let Record::Testimony(t) = &record else { continue };
            let named: Vec<(usize, &RecordId)> =
                t.subjects.iter().filter_map(|s| index.get(&s.person).map(|&i| (i, &s.person))).collect();
            for (k, &(i, id)) in named.iter().enumerate() {
                if let Some(j) = learn(&record, id, i) {
                    apart.push((i.min(j), i.max(j)));
                }
                apart.extend(named[k + 1..].iter().map(|&(j, _)| (i.min(j), i.max(j))));
            }
        }
    })
    .await?;
    for record in all(store, RecordKind::Link).await? {
        if let Record::Link(link) = &record {
            for id in [&link.subject, &link.object] {
                if let Some(&i) = index.get(id) {
                    learn(&record, id, i);
                }
            }
        }
    }
    for names in &mut relatives {
        names.sort_unstable();
        names.dedup();
    }
    apart.retain(|&(i, j)| i != j);
    apart.sort_unstable();
    apart.dedup();
    Ok(Family { relatives, apart })
}

/// What `dalel dedupe` does besides linking.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub thresholds: Thresholds,
    /// Print entries as JSON lines instead of a summary.
    pub json: bool,
    /// Write the linker's decisions to the ledger.
    pub apply: bool,
}

/// The archive linked: its person records, the entries and what was decided.
pub struct Outcome {
    pub persons: Vec<Member>,
    pub linkage: Linkage,
    /// Each entry's public id, in the order of `linkage.entries`.
    pub ids: Vec<String>,
    /// Decisions written (with `apply`).
    pub written: usize,
    /// The records as linking prepared them, handed back for the caller to free or not: a
    /// command that ends here leaves them to the system, which takes a process's memory back at
    /// once (a million records' prepared names took 1.5 s to free, piece by piece, on a thread
    /// of its own that the naming and writing of the entries waited for).
    pub subjects: Vec<Subject>,
}

/// Links the archive's person records with the decisions people made, writes the entries to
/// `out` (with `json`, one object a line, `{"id", "external_ids", "redirects"}`; otherwise a
/// summary, the model's estimates and the pairs left for review) and, with `apply`, writes the
/// linker's decisions to the ledger in one transaction as `author`.
pub async fn run(store: &dyn Store, author: &str, options: Options, out: &mut impl Write) -> anyhow::Result<Outcome> {
    let clock = std::time::Instant::now();
    let mut snapshot = store.snapshot().await?;
    let (persons, mut subjects, keyed) = subjects(&mut *snapshot).await?;
    tracing::debug!(records = persons.len(), elapsed = ?clock.elapsed(), "read and prepared");
    let stored = decisions(&mut *snapshot).await?;
    // The place of each person id, for the decisions, testimonies and links that name them;
    // built only when there are any (of 1,000,463 ids: 0.25 s). Hashed by foldhash, not std's
    // SipHash: reading decisions and families with it took 0.24–0.32 s instead of 0.30–0.38.
    let named = !stored.is_empty()
        || snapshot.count(RecordKind::Testimony).await? > 0
        || snapshot.count(RecordKind::Link).await? > 0;
    let index: foldhash::HashMap<&RecordId, usize> =
        if named { persons.iter().enumerate().map(|(i, p)| (&p.id, i)).collect() } else { Default::default() };
    let Family { relatives, apart } = family(&mut *snapshot, &subjects, &index).await?;
    drop(snapshot);
    tracing::debug!(decisions = stored.len(), apart = apart.len(), elapsed = ?clock.elapsed(), "read decisions and families");
    // The linker decides its own pairs afresh: only people's decisions are kept.
    let (mut decided, _) = decided(&stored, |id| index.get(id).copied());
    decided.apart = apart;
    let relatives = on_every_core(&relatives, |names| Subject::relatives_of(names.iter().map(String::as_str)));
    for (subject, relatives) in subjects.iter_mut().zip(relatives) {
        subject.relatives = relatives;
    }
    let linkage = link_keyed(&subjects, keyed, &decided, options.thresholds, 2026);
    tracing::debug!(entries = linkage.entries.len(), elapsed = ?clock.elapsed(), "linked");
    // Each entry named by its eldest member, as each record's first put was read with it (where
    // looking up the half of the million records in entries of two or more took 1.0 s).
    let entry_ids: Vec<String> = on_every_core(&linkage.entries, |entry| {
        let members = entry.iter().map(|&i| (&persons[i].id, Some(persons[i].first_put)));
        eldest(members).expect("an entry has a member").public_id()
    });
    tracing::debug!(elapsed = ?clock.elapsed(), "named the entries");
    let written =
        if options.apply { apply(store, author, &persons, &stored, &linkage, &decided.apart).await? } else { 0 };
    if options.json {
        /// An entry's line, its keys in alphabetical order (as `serde_json`'s maps write them).
        #[derive(serde::Serialize)]
        struct Line<'a> {
            external_ids: Vec<&'a str>,
            id: &'a str,
            redirects: Vec<String>,
        }
        // Written on every core: each member's public id is a SHA-256.
        let entries: Vec<(&Vec<usize>, &String)> = linkage.entries.iter().zip(&entry_ids).collect();
        let lines = on_every_core(&entries, |&(entry, id)| {
            let external_ids = entry.iter().filter_map(|&i| persons[i].external_id.as_deref()).collect();
            let redirects = entry.iter().map(|&i| persons[i].id.public_id()).filter(|other| other != id).collect();
            serde_json::to_string(&Line { external_ids, id, redirects })
        });
        for line in lines {
            writeln!(out, "{}", line?)?;
        }
    } else {
        summary(&persons, &linkage, &decided, written, options.apply, out)?;
    }
    tracing::debug!(elapsed = ?clock.elapsed(), "written");
    Ok(Outcome { persons, linkage, ids: entry_ids, written, subjects })
}

/// The record that names each of `entries` (members by place, their ids given by `id_of`): its
/// eldest member ([`eldest`]). Only the members of entries of two records or more are looked
/// up: at 1,000,000 records, looking up every one took 8 s of `dalel dedupe`'s run (now 2.3 s for
/// the half that needs it).
pub(crate) async fn named_by<'a>(
    store: &dyn Store,
    entries: &[Vec<usize>],
    id_of: impl Fn(usize) -> &'a RecordId,
) -> anyhow::Result<Vec<&'a RecordId>> {
    let shared: Vec<RecordId> = entries.iter().filter(|e| e.len() > 1).flatten().map(|&i| id_of(i).clone()).collect();
    let first_put = store.first_put(&shared).await?;
    Ok(entries
        .iter()
        .map(|entry| {
            eldest(entry.iter().map(|&i| (id_of(i), first_put.get(id_of(i)).copied()))).expect("an entry has a member")
        })
        .collect())
}

/// The linker's decisions, as they differ from those stored: `same` for the pairs it linked,
/// `undecided` (for review) for those between the thresholds and those it would have linked
/// across a person's "not the same", and `different` for pairs it decided on before that are
/// now below the review threshold. People's decisions are left as they are.
async fn apply(
    store: &dyn Store,
    author: &str,
    persons: &[Member],
    stored: &[Decision],
    linkage: &Linkage,
    apart: &[(usize, usize)],
) -> anyhow::Result<usize> {
    let stored: HashMap<&RecordId, &Decision> = stored.iter().map(|d| (&d.id, d)).collect();
    let apart: std::collections::HashSet<RecordId> =
        apart.iter().map(|&(a, b)| Decision::id_for(&persons[a].id, &persons[b].id)).collect();
    let decision = |w: &Weighed, verdict: Verdict, note: Option<&str>| {
        let mut d = Decision::new(persons[w.a].id.clone(), persons[w.b].id.clone(), verdict);
        d.automatic = true;
        // Rounded, so that a run on the same archive writes the same decision again: nothing.
        d.score = Some((w.probability * 1e4).round() / 1e4);
        d.reasons = reasons(&linkage.model, w);
        d.notes = note.map(str::to_string);
        d
    };
    let mut fresh: Vec<Decision> = linkage.linked.iter().map(|w| decision(w, Verdict::Same, None)).collect();
    let refused = "would join records said to be two people (by a person, or by a testimony naming both)";
    fresh.extend(linkage.refused.iter().map(|w| decision(w, Verdict::Undecided, Some(refused))));
    fresh.extend(linkage.review.iter().map(|w| decision(w, Verdict::Undecided, None)));
    // The linker never overrides a person (it does not score the pairs they decided), but a
    // decision a person took back is the linker's again.
    fresh.retain(|d| stored.get(&d.id).is_none_or(|old| old.automatic || old.verdict == Verdict::Undecided));
    let seen: std::collections::HashSet<RecordId> = fresh.iter().map(|d| d.id.clone()).collect();
    for old in stored.values() {
        if old.automatic && old.verdict != Verdict::Different && !seen.contains(&old.id) {
            let mut d = (*old).clone();
            d.verdict = Verdict::Different;
            let why = if apart.contains(&d.id) {
                "two people one testimony names"
            } else {
                "below the review threshold in a later run"
            };
            d.notes = Some(why.into());
            fresh.push(d);
        }
    }
    let mut writer = store.writer(author).await?;
    let outcomes = writer.put(fresh.into_iter().map(Record::Decision).collect()).await?;
    writer.commit().await?;
    Ok(outcomes.iter().filter(|o| !matches!(o, PutOutcome::Unchanged)).count())
}

/// A pair's reasons in words: each field's level and what it added to the weight, and what
/// its names' frequency did.
pub(crate) fn reasons(model: &Model, w: &Weighed) -> Vec<String> {
    model.explain(w).iter().map(|r| format!("{} ({:+.1})", r.level, r.weight)).collect()
}

fn summary(
    persons: &[Member],
    linkage: &Linkage,
    decided: &Decided,
    written: usize,
    applied: bool,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    writeln!(
        out,
        "{} records, {} candidate pairs, {} linked, {} for review, {} decided by people: {} entries",
        persons.len(),
        linkage.candidates,
        linkage.linked.len(),
        linkage.review.len() + linkage.refused.len(),
        decided.same.len() + decided.different.len(),
        linkage.entries.len()
    )?;
    if applied {
        writeln!(out, "{written} decisions written to the ledger")?;
    }
    for &(a, b) in &linkage.contradictions {
        writeln!(
            out,
            "contradiction: {} and {} were said to be different people, but other decisions join them",
            persons[a].id, persons[b].id
        )?;
    }
    let m = &linkage.model;
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
    if !linkage.review.is_empty() || !linkage.refused.is_empty() {
        writeln!(out, "\nfor review, most likely first:")?;
        for w in linkage.refused.iter().chain(&linkage.review).take(20) {
            let (a, b) = (&persons[w.a].id, &persons[w.b].id);
            writeln!(out, "{:.3}  {a} ~ {b}: {}", w.probability, reasons(m, w).join(", "))?;
        }
    }
    Ok(())
}

/// A person's decision on two person records (record ids or the ids they were imported with),
/// written to the ledger as `author`; it supersedes any earlier decision on the pair, and the
/// linker never overrides it. Returns the decision.
pub async fn decide(
    store: &dyn Store,
    author: &str,
    verdict: Verdict,
    pair: [&str; 2],
    note: Option<String>,
) -> anyhow::Result<Decision> {
    let mut ids = Vec::with_capacity(2);
    for given in pair {
        ids.push(person_id(store, given).await?);
    }
    let (b, a) = (ids.pop().expect("two"), ids.pop().expect("two"));
    if a == b {
        bail!("{} and {} are one record", pair[0], pair[1]);
    }
    let mut decision = Decision::new(a, b, verdict);
    decision.notes = note;
    let mut writer = store.writer(author).await?;
    writer.put(vec![Record::Decision(decision.clone())]).await?;
    writer.commit().await?;
    Ok(decision)
}

/// The person record `given` names: its record id, or the id it was imported with.
async fn person_id(store: &dyn Store, given: &str) -> anyhow::Result<RecordId> {
    if let Ok(id) = RecordId::new(given)
        && let Some(Record::Person(p)) = store.get(&id).await?
    {
        return Ok(p.id);
    }
    let found = store.find_external(RecordKind::Person, given).await.context("looking up an imported id")?;
    match found {
        Some(record) => Ok(record.id().clone()),
        None => bail!("no person record has the id {given:?} (a record id or the id it was imported with)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::{Just, Strategy};

    proptest::proptest! {
        /// Put in id order by the ids' first eight bytes and then the rest: the order of the ids
        /// sorted whole (ids alike in their first eight bytes, shorter ones).
        #[test]
        fn records_are_put_in_the_order_of_their_ids(
            ids in proptest::collection::hash_set("(p|person-0|person-1|P|_)[0-9a-zA-Z._:-]{0,12}", 0..60),
        ) {
            let ids: Vec<RecordId> = ids.iter().map(|id| RecordId::new(id).unwrap()).collect();
            let mut sorted = ids.clone();
            sorted.sort();
            let items: Vec<(RecordId, usize)> = ids.into_iter().zip(0..).collect();
            let ordered: Vec<RecordId> = in_id_order(items, |(id, _)| id).into_iter().map(|(id, _)| id).collect();
            proptest::prop_assert_eq!(ordered, sorted);
        }

        /// Put in place, each item goes where the order says, as if taken into a new list.
        #[test]
        fn a_permutation_in_place_is_the_order_taken(
            order in (0..80usize).prop_flat_map(|n| Just((0..n).collect::<Vec<usize>>()).prop_shuffle()),
        ) {
            let items: Vec<String> = (0..order.len()).map(|i| format!("item {i}")).collect();
            let taken: Vec<String> = order.iter().map(|&i| items[i].clone()).collect();
            let mut permuted = items;
            permute(&mut permuted, &order);
            proptest::prop_assert_eq!(permuted, taken);
        }
    }
}
