//! The archive's person-name index: a tantivy index in `index/names/`, derived from the ledger.
//!
//! Each person is one document: the record id, the external id, the names and each name prepared
//! for comparison (stored as one text, [`kept`]), the terms of `dalel_names::grams` and the
//! record's id and public id (indexed). The commit payload names the version of those terms
//! and the ledger entry the index is up to (`terms-N seq hash`, N being
//! `dalel_names::TERMS_VERSION`); opening the index applies the entries written since, or
//! rebuilds it from the store when the ledger is not the one it was built from or the terms have
//! changed. It is derived: deleting the directory loses nothing. A sealed archive's index is built in memory and kept as one file
//! sealed with the archive's key (`index/names.sealed`), never in plain.

use std::path::{Path, PathBuf};

use dalel_model::{Head, Person, Record, RecordId, RecordKind};
use dalel_names::{PreparedName, TERMS_VERSION, best_of, exact_terms_by_part, grams, prepare};
use tantivy::collector::TopDocs;
use tantivy::directory::{Directory, OwnedBytes};
use tantivy::postings::TermInfo;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions};
use tantivy::{Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::crypt;
use crate::keys::ArchiveKey;
use crate::{Archive, Result, Store, StoreError, record_from_change};

mod in_memory;
mod kept;
use in_memory::InMemory;
use kept::Kept;

/// How many candidates the engine hands to the full comparison: from whole parts, from n-grams.
const EXACT_CANDIDATES: usize = 30;
const CANDIDATES: usize = 60;

/// The share of the engine's own ranking (BM25 over rare shared n-grams, relative to the best
/// candidate's) in a result's score; the rest is the name comparison. Measured on the dev name
/// groups: 0 gives recall@1 0.657, 0.2 gives 0.706 (docs/benchmarks.md).
const ENGINE_SHARE: f64 = 0.2;

/// How many of a query's terms, the rarest, a search looks up. Measured (docs/benchmarks.md): at
/// 1,000,000 persons all terms take 24.6 ms at the median, the 16 rarest 6.1 ms, for a
/// recall@10 of 0.867 instead of 0.880 on 20,000.
const RAREST_TERMS: usize = 16;

/// A query with a part in Chinese characters looks up this many more of its terms, the next
/// rarest, as long as each is in at most [`MORE_TERMS_AT_MOST`] people's names. Its terms come
/// from up to `dalel_names::HAN_READINGS` readings of each such part, most of them wrong, and
/// the 16 rarest were mostly a wrong reading's: on the dev name groups the pairs asked in
/// characters reached recall@10 0.80–0.88 with 16 terms, 0.93–0.95 with 64 (docs/benchmarks.md).
const MORE_TERMS_READ: usize = 48;

/// The longest posting list of one of those further terms: they cost little in a small archive,
/// where they help (recall@10 0.958 on 20,000 persons), and reading them stays cheap in a large
/// one (at 1,000,000 persons: 16.7 ms at the 99th percentile; 64 terms without this bound took
/// 100 ms).
const MORE_TERMS_AT_MOST: u64 = 2000;

/// The most postings a query's terms may have in all for a search to read them whole instead of
/// through tantivy's query (block-max WAND), which skips through long posting lists but costs
/// more than it saves on short ones: on 20,000 persons, where every query's terms are under it,
/// the harness's queries take half the instructions in the engine (docs/benchmarks.md).
const READ_WHOLE_AT_MOST: u64 = 50_000;

thread_local! {
    /// What a search that reads postings whole works in, kept per thread between searches: a
    /// list as long as the archive, allocated afresh for each search, cost more in the kernel's
    /// zeroing of new pages than the search itself (docs/benchmarks.md).
    static SCRATCH: std::cell::RefCell<Scratch> = const { std::cell::RefCell::new(Scratch::new()) };
}

/// See [`SCRATCH`].
struct Scratch {
    /// Each person's BM25 so far, by document; all zero between searches (a search zeroes what
    /// it touched).
    sums: Vec<f32>,
    /// The documents whose sum is not zero, in the order first touched.
    touched: Vec<tantivy::DocId>,
    /// The query's parts each person has a term of so far, a bit a part, when a search asks for
    /// every part; all zero between searches.
    parts: Vec<u8>,
}

impl Scratch {
    const fn new() -> Scratch {
        Scratch { sums: Vec::new(), touched: Vec::new(), parts: Vec::new() }
    }
}

/// The best `many` candidates of those pushed, by BM25 and then by address (a total order, so
/// the same people as sorting them all). Kept in a list of at most twice `many`, cut back to the
/// best `many` when it fills; from then on a candidate no better than the worst kept is not
/// pushed at all, which is most of them.
struct Best {
    many: usize,
    found: Vec<Ranked>,
    floor: Option<Ranked>,
}

impl Best {
    fn new(many: usize) -> Best {
        Best { many, found: Vec::with_capacity(2 * many), floor: None }
    }

    fn better(a: &Ranked, b: &Ranked) -> std::cmp::Ordering {
        b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1))
    }

    #[inline]
    fn push(&mut self, ranked: Ranked) {
        // A candidate below the floor's BM25 (most of them) is turned away by one comparison.
        if self.many == 0 || self.floor.is_some_and(|floor| ranked.0 < floor.0 || Best::better(&ranked, &floor).is_ge())
        {
            return;
        }
        if self.found.len() == 2 * self.many {
            self.cut();
        }
        self.found.push(ranked);
    }

    fn cut(&mut self) {
        if self.found.len() > self.many {
            self.found.select_nth_unstable_by(self.many - 1, Best::better);
            self.found.truncate(self.many);
            self.floor = self.found.last().copied();
        }
    }

    /// Best first.
    fn into_sorted(mut self) -> Vec<Ranked> {
        self.cut();
        self.found.sort_unstable_by(Best::better);
        self.found
    }
}

/// BM25 as tantivy scores one term (`tantivy::query::Bm25Weight::for_one_term`), to the bit,
/// with what does not depend on the term worked out once a search: most terms are in a name
/// once, and their score is then the term's weight times a factor of the name's length, looked up
/// instead of divided out for every posting.
struct Bm25 {
    /// tantivy's `K1 * (1 - B + B * length / average length)` for each length (by its id).
    norms: [f32; 256],
    /// `1 / (1 + norm)`: the share of a term found once in a name of each length.
    once: [f32; 256],
}

impl Bm25 {
    const K1: f32 = 1.2;
    const B: f32 = 0.75;

    fn new(average_length: f32) -> Bm25 {
        let norms: [f32; 256] = std::array::from_fn(|id| {
            let length = tantivy::fieldnorm::FieldNormReader::id_to_fieldnorm(id as u8) as f32;
            Bm25::K1 * (1.0 - Bm25::B + Bm25::B * length / average_length)
        });
        Bm25 { norms, once: norms.map(|norm| 1.0 / (1.0 + norm)) }
    }

    /// A term's weight: its inverse document frequency, times `1 + K1`.
    fn weight(df: u64, docs: u64) -> f32 {
        let x = ((docs.saturating_sub(df)) as f32 + 0.5) / (df as f32 + 0.5);
        (1.0 + x).ln() * (1.0 + Bm25::K1)
    }

    fn score(&self, weight: f32, length_id: u8, freq: u32) -> f32 {
        if freq == 1 {
            return weight * self.once[usize::from(length_id)];
        }
        let freq = freq as f32;
        weight * (freq / (freq + self.norms[usize::from(length_id)]))
    }
}

/// A score at which the first stage of a search (people with every part of the query) stops.
const SURE: f64 = 0.95;

/// The n-gram stage re-scores its candidates a page at a time (a search's `limit`), the
/// engine's best first, and stops after a page with a candidate scoring at least this: the page
/// is full and holds an all but certain match. On the dev name groups 10% less a search, the
/// same recall with the harness's seeds 7 and 9, recall@10 0.961 instead of 0.963 with seed 8
/// (docs/benchmarks.md, session 20).
const SURE_PAGE: f64 = 0.9;

/// How many blocks of documents (2 KB each, see [`settings`]) a reader keeps decompressed.
const DOCSTORE_CACHE_BLOCKS: usize = 8192;

/// A freshly built index of at most this many people is merged into one segment: a search looks
/// each of its terms up and reads its postings once a segment, and the writer leaves one a
/// thread at least. At 20,000 people a search of one segment took 9% less than of two, for 0.15
/// s more building; at 1,000,000 the merge took 19 s more and half a gigabyte more memory, which
/// the import's budget (1 GiB) does not have (docs/benchmarks.md, session 20).
const MERGED_AT_MOST: u32 = 100_000;

/// Memory for the index writer.
const WRITER_MEMORY: usize = 64 << 20;

/// A person as the index knows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexedPerson {
    pub id: RecordId,
    pub external_id: Option<String>,
    pub names: Vec<String>,
}

/// The clauses of a tantivy boolean query.
type Clauses = Vec<(Occur, Box<dyn Query>)>;

/// A candidate as the engine ranks it: its BM25 and where its document is.
type Ranked = (tantivy::Score, tantivy::DocAddress);

/// A term of a query that someone has: how many people, and where it is in each segment of
/// the searcher it was looked up in; which of the query's parts it reads (a bit), when a
/// search asks for people with every part.
struct Rated {
    df: u64,
    term: Term,
    infos: Vec<Option<TermInfo>>,
    part: u8,
}

/// A person found by name.
#[derive(Clone, Debug)]
pub struct Found {
    pub person: IndexedPerson,
    /// In [0, 1]: mostly the name comparison's score, partly the engine's ranking.
    pub score: f64,
    /// The person's name that matched best (`dalel_names::compare` explains how).
    pub name: String,
}

#[derive(Clone, Copy)]
struct Fields {
    /// The record id, so that a record written again replaces its document.
    id: Field,
    /// The person's ids and names, and each name prepared to compare ([`kept`]): re-scoring a
    /// candidate reads them instead of preparing its names again.
    person: Field,
    grams: Field,
    /// `RecordId::public_id`, so that a cited entry id finds its record.
    public_id: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let id = b.add_text_field("id", STRING);
    let person = b.add_text_field("person", STORED);
    let indexing =
        TextFieldIndexing::default().set_tokenizer("whitespace").set_index_option(IndexRecordOption::WithFreqs);
    let grams = b.add_text_field("grams", TextOptions::default().set_indexing_options(indexing));
    let public_id = b.add_text_field("public_id", STRING);
    (b.build(), Fields { id, person, grams, public_id })
}

/// Every person's names, searchable across scripts.
pub struct PersonIndex {
    index: Index,
    /// The files of an index kept in memory (none for one on disk).
    ram: Option<InMemory>,
    reader: IndexReader,
    fields: Fields,
    len: u64,
}

/// The index's settings: documents stored (LZ4-compressed) in blocks of 2 KB instead of
/// tantivy's 16 KB, so that reading a candidate's document decompresses a few documents, not a
/// hundred. On the dev name groups' 20,000 persons: 0.26–0.29 s for the harness's 1,000 queries
/// and a sealed file of 7.0 MB, against 0.29–0.33 s and 6.7 MB in blocks of 16 KB.
fn settings() -> IndexSettings {
    IndexSettings { docstore_blocksize: 2048, ..IndexSettings::default() }
}

/// A commit's payload: the version of the terms (`dalel_names::TERMS_VERSION`), then the ledger
/// entry the index is up to (`seq hash`).
fn payload(head: Option<Head>) -> String {
    head.map_or(payload_of(0, "-"), |h| payload_of(h.seq, &h.hash.to_hex()))
}

fn payload_of(seq: u64, hash: &str) -> String {
    format!("terms-{TERMS_VERSION} {seq} {hash}")
}

fn engine(e: tantivy::TantivyError) -> StoreError {
    StoreError::Index(e.to_string())
}

impl PersonIndex {
    /// The index directory of `archive`.
    pub fn path(archive: &Archive) -> PathBuf {
        archive.dir.join("index").join("names")
    }

    /// Opens the archive's index, bringing it up to the ledger's head first. Returns the index
    /// and whether it had to be rebuilt from scratch.
    ///
    /// A sealed archive's names are never written in plain: its index lives in memory, and is
    /// kept between runs as one file sealed with the archive's key (`index/names.sealed`).
    pub async fn open(archive: &Archive) -> Result<(PersonIndex, bool)> {
        let dir = PersonIndex::path(archive);
        let store: &dyn Store = &archive.store;
        if let Some(key) = archive.key()? {
            remove_dir(&dir)?;
            let file = PersonIndex::sealed_path(archive);
            if let Some(mut index) = PersonIndex::load_sealed(&file, key)?
                && let Some(at) = index.up_to()
            {
                let before = index.applied_seq();
                if index.catch_up(store, at).await? {
                    if index.applied_seq() != before {
                        index.save_sealed(&file, key)?;
                    }
                    return Ok((index, false));
                }
            }
            let index = PersonIndex::in_memory(store).await?;
            index.save_sealed(&file, key)?;
            return Ok((index, true));
        }
        if let Some(mut index) = PersonIndex::open_dir(&dir)
            && let Some(at) = index.up_to()
            && index.catch_up(store, at).await?
        {
            return Ok((index, false));
        }
        // Build beside the old index, then swap, so that a crash leaves one or the other.
        let fresh = dir.with_extension("new");
        remove_dir(&fresh)?;
        std::fs::create_dir_all(&fresh).map_err(|e| io(&fresh, e))?;
        let (schema, fields) = schema();
        let index = Index::builder().schema(schema).settings(settings()).create_in_dir(&fresh).map_err(engine)?;
        PersonIndex::fill(&index, fields, store).await?;
        drop(index);
        remove_dir(&dir)?;
        std::fs::rename(&fresh, &dir).map_err(|e| io(&dir, e))?;
        let index = PersonIndex::open_dir(&dir)
            .ok_or_else(|| StoreError::Index("the rebuilt index cannot be opened".into()))?;
        Ok((index, true))
    }

    /// Builds the index in memory from the store (for a server, which keeps it between requests).
    pub async fn in_memory(store: &dyn Store) -> Result<PersonIndex> {
        let (schema, fields) = schema();
        let ram = InMemory::default();
        let index = Index::create(ram.clone(), schema, settings()).map_err(engine)?;
        PersonIndex::fill(&index, fields, store).await?;
        PersonIndex::with(index, fields, Some(ram))
    }

    /// For a server, which keeps the index in memory between requests: a sealed archive's kept
    /// file read back and brought up to the head (`dalel import` keeps it), instead of built
    /// again; an unsealed archive's built in memory (its directory is `dalel search`'s).
    pub async fn for_server(archive: &Archive) -> Result<PersonIndex> {
        if archive.key()?.is_some() {
            return Ok(PersonIndex::open(archive).await?.0);
        }
        PersonIndex::in_memory(&archive.store).await
    }

    /// Brings an in-memory index up to the store's head: applies the entries written since it
    /// was built, or builds it again if the ledger is not the one it was built from.
    pub async fn refresh(&mut self, store: &dyn Store) -> Result<()> {
        if let Some(at) = self.up_to()
            && self.catch_up(store, at).await?
        {
            return Ok(());
        }
        *self = PersonIndex::in_memory(store).await?;
        Ok(())
    }

    /// Where a sealed archive keeps its index, sealed.
    pub fn sealed_path(archive: &Archive) -> PathBuf {
        archive.dir.join("index").join("names.sealed")
    }

    /// An index kept by [`PersonIndex::save_sealed`]; `None` if there is none, or it cannot be
    /// opened (another key, a cut file, an older schema): it is then built again.
    fn load_sealed(file: &Path, key: &ArchiveKey) -> Result<Option<PersonIndex>> {
        let sealed = match std::fs::read(file) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(file, e)),
        };
        let Ok(plain) = crypt::open_in_place(key, SEALED_LABEL, sealed) else { return Ok(None) };
        let Some(files) = unpack(OwnedBytes::new(plain)) else { return Ok(None) };
        let ram = InMemory::holding(files);
        let Ok(index) = Index::open(ram.clone()) else { return Ok(None) };
        let (schema, fields) = schema();
        if index.schema() != schema {
            return Ok(None);
        }
        PersonIndex::with(index, fields, Some(ram)).map(Some)
    }

    /// Writes the index's files as one file sealed with `key`: beside it first, then renamed
    /// over it, so that a crash leaves the old one or the new one.
    fn save_sealed(&self, file: &Path, key: &ArchiveKey) -> Result<()> {
        let Some(dir) = &self.ram else { return Err(StoreError::Index("only an index in memory is sealed".into())) };
        let mut files = vec![PathBuf::from("meta.json")];
        for segment in self.index.searchable_segment_metas().map_err(engine)? {
            files.extend(segment.list_files().into_iter().filter(|f| dir.exists(f).unwrap_or(false)));
        }
        // Each file with its header, read in place (no copy of the whole index in memory;
        // the bytes as written, footer included, as a directory reads them back).
        let mut pieces = Vec::with_capacity(files.len());
        for path in &files {
            let slice = dir.open_read(path).map_err(|e| StoreError::Index(e.to_string()))?;
            let bytes = slice.read_bytes().map_err(|e| io(path, e))?;
            pieces.push((header(&path.to_string_lossy(), bytes.len()), bytes));
        }
        let mut plain: Box<dyn std::io::Read> = Box::new(std::io::empty());
        for (head, bytes) in &pieces {
            plain = Box::new(std::io::Read::chain(std::io::Read::chain(plain, head.as_slice()), bytes.as_slice()));
        }
        let parent = file.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        let mut tmp = tempfile::NamedTempFile::new_in(parent).map_err(|e| io(parent, e))?;
        crypt::seal(key, SEALED_LABEL, plain, std::io::BufWriter::new(tmp.as_file_mut())).map_err(|e| match e {
            crypt::SealError::Io(source) => io(file, source),
            other => StoreError::Index(other.to_string()),
        })?;
        tmp.as_file().sync_all().map_err(|e| io(file, e))?;
        tmp.persist(file).map_err(|e| io(file, e.error))?;
        Ok(())
    }

    fn open_dir(dir: &Path) -> Option<PersonIndex> {
        let index = Index::open_in_dir(dir).ok()?;
        let (schema, fields) = schema();
        if index.schema() != schema {
            return None;
        }
        PersonIndex::with(index, fields, None).ok()
    }

    fn with(index: Index, fields: Fields, ram: Option<InMemory>) -> Result<PersonIndex> {
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .doc_store_cache_num_blocks(DOCSTORE_CACHE_BLOCKS)
            .try_into()
            .map_err(engine)?;
        let len = reader.searcher().num_docs();
        Ok(PersonIndex { index, ram, reader, fields, len })
    }

    /// The ledger entry (seq, hash) the index is up to, from its last commit.
    /// The last ledger entry the index holds, if any.
    pub fn applied_seq(&self) -> Option<u64> {
        self.up_to().map(|(seq, _)| seq)
    }

    /// `None` also for an index whose terms an older version of dalel made: it is rebuilt.
    fn up_to(&self) -> Option<(u64, String)> {
        let payload = self.index.load_metas().ok()?.payload?;
        let rest = payload.strip_prefix(&format!("terms-{TERMS_VERSION} "))?;
        let (seq, hash) = rest.split_once(' ')?;
        Some((seq.parse().ok()?, hash.to_string()))
    }

    /// Applies the ledger entries after the index's own; `false` if the ledger no longer holds
    /// the entry the index was built up to (another archive, or a restored one).
    async fn catch_up(&mut self, store: &dyn Store, (seq, hash): (u64, String)) -> Result<bool> {
        let head = store.head().await?;
        if payload(head) == payload_of(seq, &hash) {
            return Ok(true);
        }
        if seq > 0 {
            let entry = store.entries(seq - 1, 1).await?;
            if entry.first().is_none_or(|e| e.seq != seq || e.hash.to_hex() != hash) {
                return Ok(false);
            }
        } else if hash != "-" {
            return Ok(false);
        }
        let mut writer: IndexWriter = self.index.writer(WRITER_MEMORY).map_err(engine)?;
        let mut after = seq;
        // The last entry applied, not the head read at the end: an entry written meanwhile is
        // applied next time.
        let mut up_to = payload_of(seq, &hash);
        loop {
            let entries = store.entries(after, 5000).await?;
            let Some(last) = entries.last() else { break };
            after = last.seq;
            for entry in &entries {
                if let Record::Person(p) = record_from_change(&format!("ledger entry {}", entry.seq), &entry.change)? {
                    writer.delete_term(Term::from_field_text(self.fields.id, p.id.as_str()));
                    writer.add_document(document(self.fields, &p)).map_err(engine)?;
                }
            }
            up_to = payload(Some(Head { seq: last.seq, hash: last.hash }));
        }
        let mut commit = writer.prepare_commit().map_err(engine)?;
        commit.set_payload(&up_to);
        commit.commit().map_err(engine)?;
        writer.wait_merging_threads().map_err(engine)?;
        self.reader.reload().map_err(engine)?;
        self.len = self.reader.searcher().num_docs();
        Ok(true)
    }

    /// Indexes every person of the store, read from one snapshot in the order the ledger wrote
    /// them ([`crate::Snapshot::scan`]), and commits at its head. Read in id order, each
    /// record's state was a look-up somewhere in the ledger, through the connection's page cache
    /// of up to 256 MiB: at 1,000,000 persons the import peaked 70–220 MB higher
    /// (docs/benchmarks.md).
    async fn fill(index: &Index, fields: Fields, store: &dyn Store) -> Result<()> {
        let mut store = store.snapshot().await?;
        let head = store.head().await?;
        let mut writer: IndexWriter = index.writer(WRITER_MEMORY).map_err(engine)?;
        let mut after = 0;
        loop {
            let page = store.scan(RecordKind::Person, after, 5000).await?;
            let Some(&(last, _)) = page.last() else { break };
            after = last;
            let records: Vec<Record> = page.into_iter().map(|(_, record)| record).collect();
            add_all(&writer, fields, &records)?;
        }
        let mut commit = writer.prepare_commit().map_err(engine)?;
        commit.set_payload(&payload(head));
        commit.commit().map_err(engine)?;
        let segments = index.searchable_segment_metas().map_err(engine)?;
        let people: u32 = segments.iter().map(|m| m.num_docs()).sum();
        if segments.len() > 1 && people <= MERGED_AT_MOST {
            let ids: Vec<_> = segments.iter().map(|m| m.id()).collect();
            writer.merge(&ids).wait().map_err(engine)?;
        }
        // Merges finished, so that the index's files stay as they are (a sealed one is saved).
        writer.wait_merging_threads().map_err(engine)?;
        Ok(())
    }

    /// The number of people indexed.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many segments the index is in: one after a build of at most [`MERGED_AT_MOST`]
    /// people.
    pub fn segments(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    /// The person record whose public id is `public_id` (`RecordId::public_id`), if any.
    pub fn by_public_id(&self, public_id: &str) -> Result<Option<RecordId>> {
        let searcher = self.reader.searcher();
        let q = TermQuery::new(Term::from_field_text(self.fields.public_id, public_id), IndexRecordOption::Basic);
        let Some((_, address)) = searcher.search(&q, &TopDocs::with_limit(1)).map_err(engine)?.into_iter().next()
        else {
            return Ok(None);
        };
        let doc: Stored = searcher.doc(address).map_err(engine)?;
        Ok(Kept::id_of(&doc.0).and_then(|id| RecordId::new(id).ok()))
    }

    /// The best `limit` people for a name in any script, best first.
    ///
    /// First the people who share a whole part (its key or its skeleton) with the query; when one
    /// of them matches almost exactly, that is the answer. Otherwise the people who share the
    /// most rare n-grams with it.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Found>> {
        let prepared = prepare(query);
        if prepared.parts.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let found = self.with_every_part(&prepared, limit)?;
        if found.first().is_some_and(|f| f.score >= SURE) {
            return Ok(found);
        }
        self.candidates(&prepared, &grams(&prepared), CANDIDATES, limit)
    }

    /// The first stage: people who have every part of the query (by any reading of it), found by
    /// intersecting the parts' postings, which is cheap even when each part is a common name.
    /// A query with a part no one has finds no one here and goes on to the n-gram stage.
    fn with_every_part(&self, prepared: &PreparedName, limit: usize) -> Result<Vec<Found>> {
        let searcher = self.reader.searcher();
        let mut terms = Vec::new();
        let mut every = 0u8;
        for (i, readings) in exact_terms_by_part(prepared).iter().enumerate().take(8) {
            let rated = self.rate(&searcher, readings)?;
            if rated.is_empty() {
                // A part no one has: no one has every part.
                return Ok(Vec::new());
            }
            every |= 1 << i;
            terms.extend(rated.into_iter().map(|r| Rated { part: 1 << i, ..r }));
        }
        let many = EXACT_CANDIDATES.max(limit);
        let top = if terms.iter().map(|r| r.df).sum::<u64>() <= READ_WHOLE_AT_MOST {
            self.read_whole(&searcher, &terms, every, many)?
        } else {
            self.every_part_skipping(&searcher, &terms, many)?
        };
        self.rescore(&searcher, prepared, top, limit, false)
    }

    /// The `many` people with a term of every part of `terms` ([`Rated::part`]) with the highest
    /// BM25 over them, best first, by tantivy's query (an intersection that skips through long
    /// posting lists).
    fn every_part_skipping(&self, searcher: &tantivy::Searcher, terms: &[Rated], many: usize) -> Result<Vec<Ranked>> {
        // Each part's terms, any of which will do.
        let mut parts: Vec<(u8, Clauses)> = Vec::new();
        for rated in terms {
            let q = Box::new(TermQuery::new(rated.term.clone(), IndexRecordOption::WithFreqs)) as Box<dyn Query>;
            match parts.iter_mut().find(|(part, _)| *part == rated.part) {
                Some((_, any)) => any.push((Occur::Should, q)),
                None => parts.push((rated.part, vec![(Occur::Should, q)])),
            }
        }
        let every: Clauses = parts
            .into_iter()
            .map(|(_, any)| (Occur::Must, Box::new(BooleanQuery::new(any)) as Box<dyn Query>))
            .collect();
        searcher.search(&BooleanQuery::new(every), &TopDocs::with_limit(many)).map_err(engine)
    }

    /// The people among the best candidates for `terms`, re-scored against `prepared`.
    fn candidates(&self, prepared: &PreparedName, terms: &[String], many: usize, limit: usize) -> Result<Vec<Found>> {
        let searcher = self.reader.searcher();
        // The rarest terms only: they carry most of the ranking, and the common ones' long
        // posting lists are most of the cost in a large archive.
        let mut rated = self.rate(&searcher, terms)?;
        rated.sort_by_key(|r| r.df);
        let rarest = rated.len().min(RAREST_TERMS);
        let more = if prepared.reads_several_ways() {
            rated[rarest..].iter().take(MORE_TERMS_READ).take_while(|r| r.df <= MORE_TERMS_AT_MOST).count()
        } else {
            0
        };
        rated.truncate(rarest + more);
        let top = if rated.iter().map(|r| r.df).sum::<u64>() <= READ_WHOLE_AT_MOST {
            self.read_whole(&searcher, &rated, 0, many.max(limit))?
        } else {
            self.skipping(&searcher, &rated, many.max(limit))?
        };
        self.rescore(&searcher, prepared, top, limit, true)
    }

    /// The terms that someone has, each with where it is in each segment (looked up once, for
    /// its document frequency and then for its postings).
    fn rate(&self, searcher: &tantivy::Searcher, terms: &[String]) -> Result<Vec<Rated>> {
        let inverted: Vec<_> = searcher
            .segment_readers()
            .iter()
            .map(|s| s.inverted_index(self.fields.grams))
            .collect::<tantivy::Result<_>>()
            .map_err(engine)?;
        let mut rated = Vec::with_capacity(terms.len());
        for g in terms {
            let term = Term::from_field_text(self.fields.grams, g);
            let infos: Vec<Option<TermInfo>> = inverted
                .iter()
                .map(|i| i.get_term_info(&term))
                .collect::<std::io::Result<_>>()
                .map_err(|e| StoreError::Index(e.to_string()))?;
            let df = infos.iter().flatten().map(|i| u64::from(i.doc_freq)).sum();
            if df > 0 {
                rated.push(Rated { df, term, infos, part: 0 });
            }
        }
        Ok(rated)
    }

    /// The `many` people with the highest BM25 over `terms`, best first, by tantivy's query
    /// (block-max WAND: it skips the parts of long posting lists that cannot reach the best).
    fn skipping(&self, searcher: &tantivy::Searcher, terms: &[Rated], many: usize) -> Result<Vec<Ranked>> {
        let clauses: Vec<(Occur, Box<dyn Query>)> = terms
            .iter()
            .map(|Rated { term, .. }| {
                let q = TermQuery::new(term.clone(), IndexRecordOption::WithFreqs);
                (Occur::Should, Box::new(q) as Box<dyn Query>)
            })
            .collect();
        searcher.search(&BooleanQuery::new(clauses), &TopDocs::with_limit(many)).map_err(engine)
    }

    /// The `many` people with the highest BM25 over `terms` (each with its document frequency),
    /// best first, found by reading every posting of every term: [`PersonIndex::skipping`]'s
    /// ranking (but for the order of near-ties), without its machinery for skipping through
    /// long posting lists, which costs more than it saves on short ones. With `every` (a bit a
    /// part, [`Rated::part`]), only the people with a term of every part are ranked, as
    /// [`PersonIndex::every_part_skipping`] ranks them.
    fn read_whole(&self, searcher: &tantivy::Searcher, terms: &[Rated], every: u8, many: usize) -> Result<Vec<Ranked>> {
        use tantivy::query::Bm25StatisticsProvider;
        let docs = searcher.total_num_docs().map_err(engine)?;
        let average = searcher.total_num_tokens(self.fields.grams).map_err(engine)? as f32 / docs.max(1) as f32;
        let bm25 = Bm25::new(average);
        let weights: Vec<f32> = terms.iter().map(|r| Bm25::weight(r.df, docs)).collect();
        let mut found = Best::new(many);
        SCRATCH.with_borrow_mut(|Scratch { sums, touched, parts }| -> Result<()> {
            for (ord, segment) in searcher.segment_readers().iter().enumerate() {
                let inverted = segment.inverted_index(self.fields.grams).map_err(engine)?;
                let norms = segment.get_fieldnorms_reader(self.fields.grams).map_err(engine)?;
                sums.resize(sums.len().max(segment.max_doc() as usize), 0.0);
                if every != 0 {
                    parts.resize(parts.len().max(segment.max_doc() as usize), 0);
                }
                // Left by a search that failed part way, if any.
                for doc in touched.drain(..) {
                    sums[doc as usize] = 0.0;
                    if let Some(part) = parts.get_mut(doc as usize) {
                        *part = 0;
                    }
                }
                for (rated, &weight) in terms.iter().zip(&weights) {
                    let Some(info) = &rated.infos[ord] else { continue };
                    let part = if every == 0 { 0 } else { rated.part };
                    let postings = inverted.read_block_postings_from_terminfo(info, IndexRecordOption::WithFreqs);
                    let mut postings = postings.map_err(|e| StoreError::Index(e.to_string()))?;
                    while !postings.docs().is_empty() {
                        // Every document is written down and only a new one kept (the count
                        // moves on): a branch on whether it is new, taken at random, cost more
                        // than the rest of the loop.
                        let mut kept = touched.len();
                        touched.resize(kept + postings.docs().len(), 0);
                        for (&doc, &freq) in postings.docs().iter().zip(postings.freqs()) {
                            let sum = &mut sums[doc as usize];
                            touched[kept] = doc;
                            kept += usize::from(*sum == 0.0);
                            *sum += bm25.score(weight, norms.fieldnorm_id(doc), freq);
                            if part != 0 {
                                parts[doc as usize] |= part;
                            }
                        }
                        touched.truncate(kept);
                        postings.advance();
                    }
                }
                for doc in touched.drain(..) {
                    let sum = std::mem::take(&mut sums[doc as usize]);
                    let has = if every == 0 { 0 } else { std::mem::take(&mut parts[doc as usize]) };
                    if has == every && segment.alive_bitset().is_none_or(|alive| alive.is_alive(doc)) {
                        found.push((sum, tantivy::DocAddress::new(ord as u32, doc)));
                    }
                }
            }
            Ok(())
        })?;
        Ok(found.into_sorted())
    }

    /// The engine's candidates re-scored with the full comparison against `prepared`, best first.
    /// `by_pages`: a page (`limit`) at a time, in the engine's order, stopping after a page with
    /// someone at least [`SURE_PAGE`] similar. Once `limit` people are scored, a candidate's
    /// names are compared only as far as it could still be among the best `limit`
    /// ([`best_of`]'s floor): it is left out if it cannot.
    fn rescore(
        &self,
        searcher: &tantivy::Searcher,
        prepared: &PreparedName,
        top: Vec<Ranked>,
        limit: usize,
        by_pages: bool,
    ) -> Result<Vec<Found>> {
        // Each candidate that could be among the best: its score, its document and its name
        // that matched best.
        let mut scored: Vec<(f64, Stored, usize)> = Vec::with_capacity(top.len());
        // The best `limit` scores so far, best first.
        let mut best: Vec<f64> = Vec::with_capacity(limit + 1);
        let top_bm25 = top.first().map_or(1.0, |t| t.0 as f64).max(f64::MIN_POSITIVE);
        for (n, (bm25, address)) in top.into_iter().enumerate() {
            if by_pages && limit > 0 && n > 0 && n % limit == 0 && scored.iter().any(|s| s.0 >= SURE_PAGE) {
                break;
            }
            let doc: Stored = searcher.doc(address).map_err(engine)?;
            let forms = Kept::read(&doc.0).ok_or_else(Stored::damaged)?.prepared();
            let engine = ENGINE_SHARE * (bm25 as f64 / top_bm25);
            // The similarity that would tie with the last of the best `limit` (a tie is broken by
            // the ids, so it is worked out exactly; a little is left for rounding).
            let floor = match limit.checked_sub(1).and_then(|last| best.get(last)) {
                Some(&last) => (last - engine) / (1.0 - ENGINE_SHARE) - 1e-9,
                None => 0.0,
            };
            let Some((name, similarity)) = best_of(prepared, &forms, floor) else { continue };
            let score = (1.0 - ENGINE_SHARE) * similarity + engine;
            if similarity < floor {
                // Not among the best `limit`, whatever its exact score.
                continue;
            }
            let at = best.partition_point(|&b| b >= score);
            best.insert(at, score);
            best.truncate(limit);
            scored.push((score, doc, name));
        }
        // Best first; equal scores in the order of record ids.
        scored.sort_by(|(a, a_doc, _), (b, b_doc, _)| {
            b.total_cmp(a).then_with(|| Kept::id_of(&a_doc.0).cmp(&Kept::id_of(&b_doc.0)))
        });
        scored.truncate(limit);
        scored
            .into_iter()
            .map(|(score, doc, best)| {
                let kept = Kept::read(&doc.0).ok_or_else(Stored::damaged)?;
                let names: Vec<String> = kept.names().map(str::to_string).collect();
                Ok(Found {
                    score,
                    name: names[best].clone(),
                    person: IndexedPerson {
                        id: RecordId::new(kept.id).map_err(StoreError::Index)?,
                        external_id: Some(kept.external_id.to_string()).filter(|e| !e.is_empty()),
                        names,
                    },
                })
            })
            .collect()
    }
}

/// A person's document as a search reads it back: its one stored value, the text [`kept`]
/// (tantivy's own document copies every value a second time, into its arena; reading candidates'
/// documents was a fifth of a search, docs/benchmarks.md).
struct Stored(String);

impl Stored {
    fn damaged() -> StoreError {
        StoreError::Index(
            "a person's document in the name index does not read back; delete index/ to rebuild it".into(),
        )
    }
}

impl tantivy::schema::document::DocumentDeserialize for Stored {
    fn deserialize<'de, D>(mut fields: D) -> std::result::Result<Self, tantivy::schema::document::DeserializeError>
    where
        D: tantivy::schema::document::DocumentDeserializer<'de>,
    {
        // The one stored field is text.
        let mut doc = Stored(String::new());
        while let Some((_, value)) = fields.next_field::<String>()? {
            doc.0 = value;
        }
        Ok(doc)
    }
}

/// Adds the people among `records` to the index. Working out a name's terms is most of the cost
/// of building an index, so the documents are made on every core.
fn add_all(writer: &IndexWriter, fields: Fields, records: &[Record]) -> Result<()> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = records.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = records
            .chunks(chunk)
            .map(|records| {
                scope.spawn(move || -> Result<()> {
                    for record in records {
                        if let Record::Person(p) = record {
                            writer.add_document(document(fields, p)).map_err(engine)?;
                        }
                    }
                    Ok(())
                })
            })
            .collect();
        workers.into_iter().try_for_each(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    })
}

/// A person's document: ids and names stored, the names' terms indexed.
fn document(fields: Fields, person: &Person) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.id, person.id.as_str());
    doc.add_text(fields.public_id, person.id.public_id());
    let mut terms = Vec::new();
    let mut compared = Vec::with_capacity(person.names.len());
    for name in &person.names {
        let prepared = prepare(&name.text);
        terms.extend(grams(&prepared));
        compared.push(prepared.to_compare());
    }
    doc.add_text(fields.person, kept::keep(person, &compared));
    doc.add_text(fields.grams, terms.join(" "));
    doc
}

/// What a sealed index file is authenticated with.
const SEALED_LABEL: &str = "name-index";

/// In a sealed index's plain text each file is its path's length (u32) and path, then its
/// length (u64) and bytes, big-endian: this is what comes before the bytes.
fn header(path: &str, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(12 + path.len());
    out.extend_from_slice(&(path.len() as u32).to_be_bytes());
    out.extend_from_slice(path.as_bytes());
    out.extend_from_slice(&(len as u64).to_be_bytes());
    out
}

/// The files of a sealed index's plain text ([`header`]), or `None` if `plain` is not such a list.
fn unpack(mut plain: OwnedBytes) -> Option<Vec<(PathBuf, OwnedBytes)>> {
    fn take(plain: &mut OwnedBytes, n: usize) -> Option<OwnedBytes> {
        let head = (n <= plain.len()).then(|| plain.slice(0..n))?;
        plain.advance(n);
        Some(head)
    }
    let mut files = Vec::new();
    while !plain.is_empty() {
        let len = u32::from_be_bytes(take(&mut plain, 4)?.as_slice().try_into().ok()?) as usize;
        let path = PathBuf::from(std::str::from_utf8(take(&mut plain, len)?.as_slice()).ok()?);
        let len = usize::try_from(u64::from_be_bytes(take(&mut plain, 8)?.as_slice().try_into().ok()?)).ok()?;
        files.push((path, take(&mut plain, len)?));
    }
    Some(files)
}

fn remove_dir(dir: &Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(dir, e)),
        _ => Ok(()),
    }
}

fn io(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::Io { path: path.display().to_string(), source }
}

#[cfg(test)]
mod tests {
    use dalel_model::{Name, NameKind};
    use dalel_names::compare;

    use super::*;

    proptest::proptest! {
        /// The bounded list keeps the very people a sort of all of them would put first, in
        /// that order, ties (equal BM25) and all.
        #[test]
        fn best_keeps_what_sorting_all_would(
            scores in proptest::collection::vec(0u8..20, 0..300),
            many in 0usize..40,
        ) {
            let all: Vec<Ranked> = scores
                .iter()
                .enumerate()
                .map(|(doc, &s)| (f32::from(s) / 4.0, tantivy::DocAddress::new(doc as u32 % 3, doc as u32)))
                .collect();
            let mut best = Best::new(many);
            for &ranked in &all {
                best.push(ranked);
            }
            let mut sorted = all.clone();
            sorted.sort_by(Best::better);
            sorted.truncate(many);
            proptest::prop_assert_eq!(best.into_sorted(), sorted);
        }
    }

    /// People named from a few parts, so that many share terms; one renamed (its first document
    /// deleted, still in the postings).
    fn index() -> PersonIndex {
        let (schema, fields) = schema();
        let ram = InMemory::default();
        let index = Index::create(ram.clone(), schema, settings()).unwrap();
        // One thread and no merges, so that the deleted document stays in its segment.
        let mut writer: IndexWriter = index.writer_with_num_threads(1, WRITER_MEMORY).unwrap();
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        let given = ["Серікжан", "Nurlan", "Гүлнар", "Айдар", "Mukhtar", "赛力克江", "努尔兰"];
        let family = ["Біләш", "Abenov", "Тоқтарқызы", "Sadykov", "比拉什", "Omarov"];
        let person = |i: usize, name: &str| {
            Person::new(RecordId::new(format!("p{i}")).unwrap(), vec![Name::new(name, NameKind::Full)])
        };
        let mut i = 0;
        for g in given {
            for f in family {
                writer.add_document(document(fields, &person(i, &format!("{g} {f}")))).unwrap();
                i += 1;
            }
        }
        writer.commit().unwrap();
        writer.delete_term(Term::from_field_text(fields.id, "p0"));
        writer.add_document(document(fields, &person(0, "Qairat Nurlanuly"))).unwrap();
        writer.commit().unwrap();
        PersonIndex::with(index, fields, Some(ram)).unwrap()
    }

    #[test]
    fn names_kept_prepared_are_read_back_and_damaged_ones_prepared_again() {
        let (schema, fields) = schema();
        let ram = InMemory::default();
        let index = Index::create(ram.clone(), schema, settings()).unwrap();
        let mut writer: IndexWriter = index.writer_with_num_threads(1, WRITER_MEMORY).unwrap();
        let name = "Серікжан Біләш";
        let person = Person::new(RecordId::new("p1").unwrap(), vec![Name::new(name, NameKind::Full)]);
        writer.add_document(document(fields, &person)).unwrap();
        // The same name, kept prepared as nothing this version reads, and as another name.
        let other = prepare("Nurlan Abenov").to_stored().unwrap();
        for (id, kept) in [("p2", "\u{5}not a name"), ("p3", other.as_str())] {
            let mut doc = TantivyDocument::default();
            doc.add_text(fields.id, id);
            doc.add_text(fields.public_id, RecordId::new(id).unwrap().public_id());
            doc.add_text(fields.person, format!("2:{id}0:{}:{name}{}:{kept}", name.len(), kept.len()));
            doc.add_text(fields.grams, grams(&prepare(name)).join(" "));
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let index = PersonIndex::with(index, fields, Some(ram)).unwrap();
        for query in ["Serikzhan Bilash", "赛力克江·比拉什"] {
            let found = index.search(query, 10).unwrap();
            let ids: Vec<&str> = found.iter().map(|f| f.person.id.as_str()).collect();
            assert_eq!(ids, ["p1", "p2", "p3"], "{query}");
            let matches = |f: &Found| compare(&prepare(query), &prepare(&f.name)).is_match();
            assert!(found.iter().all(|f| f.score == found[0].score && matches(f)), "{query}: {found:?}");
        }
    }

    /// The same people in `whole` as in `skipping`, each with the same BM25 (but for rounding).
    fn assert_same_people(whole: &[Ranked], skipping: &[Ranked], query: &str) {
        let by_address = |found: &[Ranked]| {
            let mut found = found.to_vec();
            found.sort_by_key(|f| f.1);
            found
        };
        assert_eq!(whole.len(), skipping.len(), "{query}");
        for (w, s) in by_address(whole).iter().zip(&by_address(skipping)) {
            assert_eq!(w.1, s.1, "{query}");
            assert!((w.0 - s.0).abs() < 1e-4 * s.0.max(1.0), "{query}: {} against {}", w.0, s.0);
        }
    }

    #[test]
    fn bm25_is_tantivys_to_the_bit() {
        for (df, docs, average) in [(1, 1, 1.0), (3, 20_000, 41.7), (19_999, 20_000, 8.0), (500, 1_000_000, 120.5)] {
            let bm25 = Bm25::new(average);
            let tantivys = tantivy::query::Bm25Weight::for_one_term_without_explain(df, docs, average);
            for id in 0..=255u8 {
                for freq in [1, 2, 7, 1000] {
                    let (ours, theirs) = (bm25.score(Bm25::weight(df, docs), id, freq), tantivys.score(id, freq));
                    assert_eq!(ours.to_bits(), theirs.to_bits(), "df {df} of {docs}, length id {id}, freq {freq}");
                }
            }
        }
    }

    #[test]
    fn reading_postings_whole_ranks_as_the_engine_does() {
        let index = index();
        let searcher = index.reader.searcher();
        assert!(searcher.segment_readers().iter().any(|s| s.num_deleted_docs() > 0));
        for query in ["Serikzhan Bilash", "Нұрлан Әбенов", "赛力克江·比拉什", "Mukhtar", "Qairat"] {
            let terms = index.rate(&searcher, &grams(&prepare(query))).unwrap();
            // Everyone who shares a term, so that no near-tie decides who is left out.
            let whole = index.read_whole(&searcher, &terms, 0, 1000).unwrap();
            let skipping = index.skipping(&searcher, &terms, 1000).unwrap();
            assert!(!whole.is_empty(), "{query}");
            assert_same_people(&whole, &skipping, query);
            assert!(whole.windows(2).all(|w| w[0].0 >= w[1].0), "{query}: best first");
            // The renamed person's first document is deleted, and never found.
            let alive = |a: &tantivy::DocAddress| {
                searcher.segment_reader(a.segment_ord).alive_bitset().is_none_or(|b| b.is_alive(a.doc_id))
            };
            assert!(whole.iter().all(|(_, a)| alive(a)), "{query}");
        }
        // A limit keeps the best.
        let terms = index.rate(&searcher, &grams(&prepare("Nurlan Abenov"))).unwrap();
        let all = index.read_whole(&searcher, &terms, 0, 1000).unwrap();
        assert_eq!(index.read_whole(&searcher, &terms, 0, 3).unwrap(), all[..3].to_vec());
        assert!(index.read_whole(&searcher, &terms, 0, 0).unwrap().is_empty());
    }

    #[test]
    fn re_scoring_by_pages_stops_after_a_page_with_a_sure_match() {
        let index = index();
        let searcher = index.reader.searcher();
        let address = |id: &str| {
            let q = TermQuery::new(Term::from_field_text(index.fields.id, id), IndexRecordOption::Basic);
            searcher.search(&q, &TopDocs::with_limit(1)).unwrap()[0].1
        };
        // Nurlan Abenov, Гүлнар Abenov, then 努尔兰 Abenov, Серікжан Abenov, in the engine's order.
        let top: Vec<Ranked> = [("p7", 1.0), ("p13", 0.9), ("p37", 0.8), ("p1", 0.7)]
            .into_iter()
            .map(|(id, bm25)| (bm25, address(id)))
            .collect();
        let query = prepare("Nurlan Abenov");
        let ids = |found: Vec<Found>| found.into_iter().map(|f| f.person.id.to_string()).collect::<Vec<_>>();
        let all = ids(index.rescore(&searcher, &query, top.clone(), 2, false).unwrap());
        assert_eq!(all, ["p7", "p37"]);
        // The first page holds a sure match: the second page is not read.
        assert_eq!(ids(index.rescore(&searcher, &query, top.clone(), 2, true).unwrap()), ["p7", "p13"]);
        // Without one it is.
        let unsure: Vec<Ranked> = vec![top[1], top[3], top[2]];
        let found = ids(index.rescore(&searcher, &query, unsure, 2, true).unwrap());
        assert_eq!((found.len(), found[0].as_str()), (2, "p37"), "{found:?}");
    }

    /// Candidates past the first `limit` are compared only as far as they could be among the
    /// best: the best `limit` are those of everyone scored, with the same scores.
    #[test]
    fn re_scoring_keeps_the_best_of_everyone() {
        let index = index();
        let searcher = index.reader.searcher();
        for query in ["Nurlan Abenov", "Серікжан Біләш", "赛力克江", "Gulnar Omarova", "Aidar"] {
            let prepared = prepare(query);
            let top = index.read_whole(&searcher, &index.rate(&searcher, &grams(&prepared)).unwrap(), 0, 1000).unwrap();
            let shown =
                |found: Vec<Found>| found.into_iter().map(|f| (f.person.id.to_string(), f.score)).collect::<Vec<_>>();
            let everyone = shown(index.rescore(&searcher, &prepared, top.clone(), 1000, false).unwrap());
            assert!(everyone.len() > 5, "{query}: {everyone:?}");
            for limit in [1, 2, 3, 5] {
                let best = shown(index.rescore(&searcher, &prepared, top.clone(), limit, false).unwrap());
                assert_eq!(best, everyone[..limit], "{query}, {limit}");
            }
        }
    }

    #[test]
    fn reading_every_parts_postings_whole_finds_whom_the_engine_finds() {
        let index = index();
        let searcher = index.reader.searcher();
        for query in ["Serikzhan Bilash", "Нұрлан Әбенов", "赛力克江·比拉什", "Mukhtar", "Aidar Omarov Nurlan"]
        {
            let mut terms = Vec::new();
            let mut every = 0;
            for (i, readings) in exact_terms_by_part(&prepare(query)).iter().enumerate() {
                every |= 1 << i;
                terms.extend(index.rate(&searcher, readings).unwrap().into_iter().map(|r| Rated { part: 1 << i, ..r }));
            }
            let whole = index.read_whole(&searcher, &terms, every, 1000).unwrap();
            let skipping = index.every_part_skipping(&searcher, &terms, 1000).unwrap();
            assert_same_people(&whole, &skipping, query);
            // Everyone found has every part; a name of three parts no one has finds no one.
            assert_eq!(whole.is_empty(), query == "Aidar Omarov Nurlan", "{query}");
        }
    }
}
