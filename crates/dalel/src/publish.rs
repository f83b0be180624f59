//! `dalel publish --static DIR`: the public site as plain files, for a static host or a USB
//! stick when the site is blocked ([`dalel_web::site`] draws the pages).
//!
//! Everything is read from one snapshot, so that the pages and the downloads are those of one
//! ledger head, and passes through the visibility policy ([`Publication`]): an entry is shown
//! when at least one of its records is published, and then only with what the policy lets out
//! of its published records. Its id is the eldest record's public id among all its records,
//! published or not, as on the internal site: an entry keeps its id when an older record of it
//! is published later.
//!
//! The site is written into `DIR.partial` and put in `DIR`'s place when it is complete, so that
//! a reader of `DIR` sees the last whole edition, never half of one.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use dalel_interchange::Format;
use dalel_link::{decided, join};
use dalel_model::facilities;
use dalel_model::publish::Publication;
use dalel_model::stats::Profile;
use dalel_model::{EntrySources, Head, Person, Record, RecordId, RecordKind, Testimony, VictimEntry};
use dalel_store::{Snapshot, Store};
use dalel_web::site::{PublicEntry, SiteWriter};
use indicatif::{ProgressBar, ProgressStyle};
use sha2::{Digest, Sha256};

use crate::dedupe;
use crate::export::{describe_head, export_snapshot, published_testimonies};

/// What a publication wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    pub entries: usize,
    pub head: Option<Head>,
}

/// The file every site written here has, by which a later run knows that it may replace `DIR`.
const MARK: &str = "SHA256SUMS";

/// The downloads: each format's file name.
const DOWNLOADS: [(Format, &str); 3] =
    [(Format::Ftm, "public.ftm.jsonl"), (Format::Csv, "public.csv"), (Format::Jsonl, "public.dalel.jsonl")];

/// Writes the public site into `dir`: into `dir.partial` first, then put in its place. `dir`
/// must be new, empty, or a site written here before.
pub async fn publish_static(store: &dyn Store, dir: &Path, progress: bool) -> anyhow::Result<Published> {
    if is_foreign(dir)? {
        bail!(
            "{} holds files that are not a site dalel published (it has no {MARK}); \
             give a new or empty directory",
            dir.display()
        );
    }
    let partial = sibling(dir, "partial");
    remove(&partial)?;
    let downloads = partial.join("downloads");
    std::fs::create_dir_all(&downloads).with_context(|| format!("cannot create {}", downloads.display()))?;

    let mut snapshot = store.snapshot().await?;
    // The published testimonies are read once: what they allow decides every record's fate,
    // and their pages show them.
    // What a testimony shows of itself depends on its own consent only, so each is kept as the
    // policy shows it as soon as it is learnt, and the stored one let go.
    let (mut publication, mut testimonies) = (Publication::default(), Vec::new());
    published_testimonies(&mut *snapshot, |t| {
        publication.learn(&t);
        testimonies.extend(publication.testimony(&t));
    })
    .await?;
    let head = snapshot.head().await?;

    let mut sums = Vec::new();
    for (format, name) in DOWNLOADS {
        let path = downloads.join(name);
        let file = std::fs::File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
        export_snapshot(&mut *snapshot, format, Some(&publication), file, false).await?;
        sums.push((name.to_string(), sha256_of(&path)?));
    }
    let head_file = downloads.join("HEAD");
    std::fs::write(&head_file, format!("{}\n", describe_head(head.as_ref())))
        .with_context(|| format!("cannot write {}", head_file.display()))?;
    sums.push(("HEAD".to_string(), sha256_of(&head_file)?));
    let listing: String = sums.iter().map(|(name, sum)| format!("{sum}  {name}\n")).collect();
    std::fs::write(downloads.join(MARK), listing)?;

    // Each entry's pages as it is assembled; the pages about all of them at the end.
    let cannot = || format!("cannot write the site into {}", partial.display());
    let mut site = SiteWriter::create(&partial, head).with_context(cannot)?;
    let bar = if progress { ProgressBar::new_spinner() } else { ProgressBar::hidden() };
    if let Ok(style) = ProgressStyle::with_template("{spinner} {pos} entries written") {
        bar.set_style(style);
    }
    let count = entries(store, &mut *snapshot, &publication, &testimonies, |entry| {
        bar.inc(1);
        site.add(&entry)
    })
    .await
    .with_context(cannot)?;
    site.finish(&sums).with_context(cannot)?;
    bar.finish_and_clear();
    std::fs::write(partial.join(MARK), format!("see downloads/{MARK}\n"))?;
    swap(&partial, dir)?;
    Ok(Published { entries: count, head })
}

/// The published entries, each handed to `each` as it is assembled: every person record joined
/// into entries as `dalel dedupe` last decided, and of each entry with a published record what
/// the policy lets out (`testimonies`: the published ones, as the policy shows them). Returns
/// how many there were.
async fn entries(
    store: &dyn Store,
    snapshot: &mut dyn Snapshot,
    publication: &Publication,
    testimonies: &[Testimony],
    mut each: impl FnMut(PublicEntry) -> std::io::Result<()>,
) -> anyhow::Result<usize> {
    let persons = dedupe::persons(snapshot).await?;
    let decisions = dedupe::decisions(snapshot).await?;
    let index: HashMap<&RecordId, usize> = persons.iter().enumerate().map(|(i, p)| (&p.id, i)).collect();
    let (decided, links) = decided(&decisions, |id| index.get(id).copied());
    let joined = join(persons.len(), &decided, &links);

    // What is published about each person: testimonies and episodes; evidence by what it is about.
    let (mut episodes, mut evidence) = (Vec::new(), Vec::new());
    // Places that are facilities of the gazetteer, by record id.
    let mut facility_of: HashMap<RecordId, String> = HashMap::new();
    for kind in [RecordKind::Episode, RecordKind::EvidenceFile, RecordKind::Place] {
        for record in dedupe::all(snapshot, kind).await? {
            match publication.public(&record) {
                Some(Record::Episode(e)) => episodes.push(e),
                Some(Record::EvidenceFile(f)) => evidence.push(f),
                Some(Record::Place(p)) => {
                    if let Some(f) = p.external_id.as_deref().and_then(facilities::named_by) {
                        facility_of.insert(p.id, f.key.clone());
                    }
                }
                _ => {}
            }
        }
    }
    let mut testimonies_of: HashMap<&RecordId, Vec<usize>> = HashMap::new();
    for (k, t) in testimonies.iter().enumerate() {
        for s in &t.subjects {
            testimonies_of.entry(&s.person).or_default().push(k);
        }
    }
    let mut episodes_of: HashMap<&RecordId, Vec<usize>> = HashMap::new();
    for (k, e) in episodes.iter().enumerate() {
        for p in &e.persons {
            episodes_of.entry(p).or_default().push(k);
        }
    }
    let mut evidence_of: HashMap<&RecordId, Vec<usize>> = HashMap::new();
    for (k, f) in evidence.iter().enumerate() {
        for about in &f.about {
            evidence_of.entry(about).or_default().push(k);
        }
    }

    let named = dedupe::named_by(store, &joined.entries, |i| &persons[i].id).await?;
    let mut count = 0;
    for (members, named_by) in joined.entries.iter().zip(named) {
        let public: Vec<Person> = members.iter().filter_map(|&i| publication.person(&persons[i])).collect();
        if public.is_empty() {
            continue;
        }
        let gather = |of: &HashMap<&RecordId, Vec<usize>>, keys: &mut dyn Iterator<Item = &RecordId>| {
            keys.filter_map(|id| of.get(id)).flatten().copied().collect::<BTreeSet<usize>>()
        };
        let t = gather(&testimonies_of, &mut public.iter().map(|p| &p.id));
        let e = gather(&episodes_of, &mut public.iter().map(|p| &p.id));
        let about = public.iter().map(|p| &p.id).chain(t.iter().map(|&k| &testimonies[k].id));
        let f = gather(&evidence_of, &mut about.chain(e.iter().map(|&k| &episodes[k].id)));
        let sources = EntrySources {
            testimonies: t.iter().map(|&k| testimonies[k].clone()).collect(),
            episodes: e.iter().map(|&k| episodes[k].clone()).collect(),
            evidence: f.iter().map(|&k| evidence[k].clone()).collect(),
            persons: public,
        };
        // Listed under the name of the record that names it, if it is published.
        let display = sources
            .persons
            .iter()
            .find(|p| &p.id == named_by)
            .unwrap_or(&sources.persons[0])
            .display_name()
            .to_string();
        let entry = VictimEntry::assemble(named_by, &sources);
        let profile = Profile::of(&sources, &entry);
        let mut at: Vec<String> = sources
            .episodes
            .iter()
            .filter_map(|e| e.place.as_ref().and_then(|p| facility_of.get(p)))
            .cloned()
            .collect();
        at.sort();
        at.dedup();
        each(PublicEntry { entry, display, testimonies: sources.testimonies, profile, facilities: at })?;
        count += 1;
    }
    Ok(count)
}

fn sha256_of(path: &Path) -> anyhow::Result<String> {
    let mut file = std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hex::encode(hasher.finalize()))
}

/// `dir` with `.suffix` added to its last part.
fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let mut name = dir.file_name().map(|n| n.to_os_string()).unwrap_or_else(|| "site".into());
    name.push(format!(".{suffix}"));
    dir.with_file_name(name)
}

/// Whether `dir` holds anything but a site written here.
fn is_foreign(dir: &Path) -> anyhow::Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_some() && !dir.join(MARK).is_file()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", dir.display())),
    }
}

fn remove(dir: &Path) -> anyhow::Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", dir.display()))
        }
        _ => Ok(()),
    }
}

/// Puts the complete site `partial` in `dir`'s place: the old one is moved aside, the new one
/// renamed in, the old one removed.
fn swap(partial: &Path, dir: &Path) -> anyhow::Result<()> {
    let old = sibling(dir, "old");
    remove(&old)?;
    if dir.exists() {
        std::fs::rename(dir, &old).with_context(|| format!("cannot move {} aside", dir.display()))?;
    }
    std::fs::rename(partial, dir)
        .with_context(|| format!("cannot rename {} to {}", partial.display(), dir.display()))?;
    remove(&old)?;
    Ok(())
}
