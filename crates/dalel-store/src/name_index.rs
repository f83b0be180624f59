//! The archive's person-name index: `index/names.tsv`, derived from the store and rebuilt
//! whenever the ledger has moved on since it was written.
//!
//! The file holds one person a line (`id<TAB>external id<TAB>name<US>name...`) under a header
//! naming the ledger head it was built at; loading it builds the in-memory [`NameIndex`]. It is
//! a cache: deleting it loses nothing.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use dalel_model::{Head, Record, RecordId, RecordKind};
use dalel_names::{Comparison, NameIndex};

use crate::{Archive, Result, Store, StoreError};

const HEADER: &str = "# dalel-names-index v1";

/// A person as the index knows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexedPerson {
    pub id: RecordId,
    pub external_id: Option<String>,
    pub names: Vec<String>,
}

/// A person found by name.
#[derive(Clone, Debug)]
pub struct Found<'a> {
    pub person: &'a IndexedPerson,
    pub score: f64,
    /// Which name of the person matched, and how.
    pub name: &'a str,
    pub comparison: Comparison,
}

/// Every person's names, searchable across scripts.
pub struct PersonIndex {
    people: Vec<IndexedPerson>,
    index: NameIndex,
}

fn head_line(head: Option<Head>) -> String {
    match head {
        Some(h) => format!("{HEADER} {} {}", h.seq, h.hash.to_hex()),
        None => format!("{HEADER} 0 -"),
    }
}

/// Tabs, newlines and the unit separator cannot appear inside a field of the file.
fn field(text: &str) -> String {
    text.replace(['\t', '\n', '\r', '\u{1f}'], " ")
}

impl PersonIndex {
    /// The index file of `archive`.
    pub fn path(archive: &Archive) -> PathBuf {
        archive.dir.join("index").join("names.tsv")
    }

    /// Loads the archive's index, first rebuilding it if the archive changed since it was built.
    /// Returns whether it was rebuilt.
    pub async fn open(archive: &Archive) -> Result<(PersonIndex, bool)> {
        let path = PersonIndex::path(archive);
        let head = head_line(archive.store.head().await?);
        let rebuilt = match std::fs::File::open(&path) {
            Ok(f) => {
                let mut first = String::new();
                BufReader::new(f).read_line(&mut first).map_err(|e| io(&path, e))?;
                if first.trim_end() != head {
                    PersonIndex::write(&archive.store, &path, &head).await?;
                    true
                } else {
                    false
                }
            }
            Err(_) => {
                PersonIndex::write(&archive.store, &path, &head).await?;
                true
            }
        };
        Ok((PersonIndex::load(&path)?, rebuilt))
    }

    /// Writes the index file from the store: a temporary file, then a rename.
    async fn write(store: &dyn Store, path: &Path, head: &str) -> Result<()> {
        let dir = path.parent().expect("index path has a directory");
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        let tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| io(dir, e))?;
        let mut out = BufWriter::new(tmp.as_file());
        writeln!(out, "{head}").map_err(|e| io(path, e))?;
        let mut after: Option<RecordId> = None;
        loop {
            let page = store.list(RecordKind::Person, after.as_ref(), 5000).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id().clone());
            for record in &page {
                let Record::Person(p) = record else { continue };
                let names: Vec<String> = p.names.iter().map(|n| field(&n.text)).collect();
                writeln!(out, "{}\t{}\t{}", p.id, field(p.external_id.as_deref().unwrap_or("")), names.join("\u{1f}"))
                    .map_err(|e| io(path, e))?;
            }
        }
        out.flush().map_err(|e| io(path, e))?;
        drop(out);
        tmp.persist(path).map_err(|e| io(path, e.error))?;
        Ok(())
    }

    /// Builds the index in memory from the store (for a server, which keeps it between requests).
    pub async fn build(store: &dyn Store) -> Result<PersonIndex> {
        let mut people = Vec::new();
        let mut index = NameIndex::new();
        let mut after: Option<RecordId> = None;
        loop {
            let page = store.list(RecordKind::Person, after.as_ref(), 5000).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id().clone());
            for record in page {
                let Record::Person(p) = record else { continue };
                let doc = people.len() as u32;
                let names: Vec<String> = p.names.into_iter().map(|n| n.text).collect();
                for name in &names {
                    index.add(doc, name);
                }
                people.push(IndexedPerson { id: p.id, external_id: p.external_id, names });
            }
        }
        Ok(PersonIndex { people, index })
    }

    fn load(path: &Path) -> Result<PersonIndex> {
        let f = std::fs::File::open(path).map_err(|e| io(path, e))?;
        let mut people = Vec::new();
        let mut index = NameIndex::new();
        for (n, line) in BufReader::new(f).lines().enumerate().skip(1) {
            let line = line.map_err(|e| io(path, e))?;
            let corrupt = |reason: &str| StoreError::Corrupt {
                id: format!("{}:{}", path.display(), n + 1),
                reason: format!("{reason} (delete the file to rebuild it)"),
            };
            let mut fields = line.splitn(3, '\t');
            let (Some(id), Some(external_id), Some(names)) = (fields.next(), fields.next(), fields.next()) else {
                return Err(corrupt("expected three tab-separated fields"));
            };
            let id = RecordId::new(id).map_err(|e| corrupt(&e))?;
            let names: Vec<String> = names.split('\u{1f}').filter(|s| !s.is_empty()).map(str::to_string).collect();
            let doc = people.len() as u32;
            for name in &names {
                index.add(doc, name);
            }
            let external_id = (!external_id.is_empty()).then(|| external_id.to_string());
            people.push(IndexedPerson { id, external_id, names });
        }
        Ok(PersonIndex { people, index })
    }

    /// The people indexed.
    pub fn len(&self) -> usize {
        self.people.len()
    }

    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    /// The best `limit` people for a name in any script, best first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Found<'_>> {
        self.index
            .search(query, limit)
            .into_iter()
            .map(|hit| {
                let person = &self.people[hit.doc as usize];
                Found { person, score: hit.score, name: &person.names[hit.name], comparison: hit.comparison }
            })
            .collect()
    }
}

fn io(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::Io { path: path.display().to_string(), source }
}
