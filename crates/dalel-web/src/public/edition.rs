//! A published edition as the live public site searches it: the entries of `data/entries.jsonl`
//! (written by `dalel publish --static` beside the pages, one [`Row`] a line), their facets in
//! columns held in memory, and a tantivy index of their names and transcripts, in memory too:
//! derived from the file each time the server starts, so nothing here needs keeping.
//!
//! A search ([`Edition::search`]) asks tantivy for each of the query's words' entries (kept for
//! the words that find many: [`Edition::word`]), intersects them and checks the filters on the
//! columns; the counts of every facet and the order are worked out over the columns, a pass over
//! the matching entries. The entries are numbered in a random order, so that a search whose
//! words answer very many can stop at a sample of them ([`SAMPLE`]).

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use std::path::Path;
use std::sync::{Arc, Mutex};

use dalel_model::stats::{Measure, Profile, Tally, Value};
use dalel_model::vocab::EvidenceLevel;
use lru::LruCache;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};
use tantivy::query::{BooleanQuery, BoostQuery, EnableScoring, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{FAST, Field, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions};
use tantivy::{Index, IndexReader, Score, TantivyDocument, Term};

use super::near::NearTerms;
use super::text;
use crate::i18n::Lang;

/// Where in a published site the entries are, for the live site.
pub const ENTRIES_FILE: &str = "data/entries.jsonl";

/// A published entry as the live site searches it: one line of [`ENTRIES_FILE`]. Everything in
/// it has passed the visibility policy: it is what the entry's pages show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub id: String,
    /// The name it is shown under to the readers of each language, by language code.
    pub display: BTreeMap<String, String>,
    /// All its names, in every script.
    pub names: Vec<String>,
    /// What it counts as in the statistics.
    pub profile: Profile,
    /// The kinds of its episodes (`EpisodeKind` codes).
    pub episodes: Vec<String>,
    /// The gazetteer's facilities its episodes name (`dalel_model::facilities` keys).
    pub facilities: Vec<String>,
    /// The languages its published testimonies were given in.
    pub languages: Vec<String>,
    /// Its published transcripts and translations.
    pub texts: Vec<String>,
}

impl Row {
    /// The name it is shown under to the readers of `lang` (its first name where `display`
    /// has none for them).
    fn shown_in(&self, lang: Lang) -> &str {
        self.display.get(lang.code()).or(self.names.first()).map_or("", String::as_str)
    }
}

/// What the search can be filtered by and counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Facet {
    Ethnicity,
    Prefecture,
    County,
    Episode,
    Status,
    Year,
    Level,
    Age,
    Sentence,
    Facility,
    Language,
}

impl Facet {
    pub const ALL: [Facet; 11] = [
        Facet::Ethnicity,
        Facet::Prefecture,
        Facet::County,
        Facet::Episode,
        Facet::Status,
        Facet::Year,
        Facet::Level,
        Facet::Age,
        Facet::Sentence,
        Facet::Facility,
        Facet::Language,
    ];

    /// Its name in a URL's query (`?ethnicity=uyghur`).
    pub fn code(self) -> &'static str {
        match self {
            Facet::Ethnicity => "ethnicity",
            Facet::Prefecture => "prefecture",
            Facet::County => "county",
            Facet::Episode => "episode",
            Facet::Status => "status",
            Facet::Year => "year",
            Facet::Level => "level",
            Facet::Age => "age",
            Facet::Sentence => "sentence",
            Facet::Facility => "facility",
            Facet::Language => "language",
        }
    }

    pub fn from_code(code: &str) -> Option<Facet> {
        Facet::ALL.into_iter().find(|f| f.code() == code)
    }

    /// The statistic it is, if it is one.
    pub fn measure(self) -> Option<Measure> {
        match self {
            Facet::Ethnicity => Some(Measure::Ethnicity),
            Facet::Prefecture => Some(Measure::Prefecture),
            Facet::Year => Some(Measure::DetentionYear),
            Facet::Status => Some(Measure::Status),
            Facet::Level => Some(Measure::Level),
            Facet::Age => Some(Measure::Age),
            Facet::Sentence => Some(Measure::Sentence),
            Facet::County | Facet::Episode | Facet::Facility | Facet::Language => None,
        }
    }

    /// The values `row` has: one for a statistic, any number for the others (not known when
    /// it has none).
    fn values(self, row: &Row) -> Vec<Value> {
        let many = |list: &[String]| {
            if list.is_empty() { vec![Value::Unknown] } else { list.iter().cloned().map(Value::Is).collect() }
        };
        match self {
            Facet::County => vec![row.profile.county.clone()],
            Facet::Episode => many(&row.episodes),
            Facet::Facility => many(&row.facilities),
            Facet::Language => many(&row.languages),
            f => vec![f.measure().expect("the others are statistics").of(&row.profile)],
        }
    }
}

/// A value as a URL's query says it: its code, or `~disagree`, `~unknown`.
pub fn value_param(value: &Value) -> &str {
    match value {
        Value::Is(code) => code,
        Value::Disagree => "~disagree",
        Value::Unknown => "~unknown",
    }
}

pub fn value_from_param(param: &str) -> Value {
    match param {
        "~disagree" => Value::Disagree,
        "~unknown" => Value::Unknown,
        code => Value::Is(code.to_string()),
    }
}

/// The order of the results.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// Best answer to the query first (by name when there is no query).
    #[default]
    Relevance,
    Name,
    /// Year of the first detention, earliest first; not known last.
    Year,
    /// Highest evidence level first.
    Level,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Relevance, Sort::Name, Sort::Year, Sort::Level];

    pub fn code(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Name => "name",
            Sort::Year => "year",
            Sort::Level => "level",
        }
    }

    pub fn from_code(code: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A search: words (names in any script, words of the transcripts, an entry's id), filters
/// (values of a facet are alternatives; facets must all hold), an order and a page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Search {
    pub q: String,
    pub filters: Vec<(Facet, Value)>,
    pub sort: Sort,
    /// From 1.
    pub page: usize,
}

/// How many entries a page of results shows.
pub const PAGE: usize = 50;

/// One entry of a page of results.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub id: String,
    pub display: String,
    pub names: Vec<String>,
    pub level: EvidenceLevel,
    pub year: Value,
}

/// How many entries a search's words may find before it stops: when more answer, the page,
/// the total and the counts are worked out from the first this many (or a few more) in the
/// entries' order, a random one, and the total and counts are estimates, said so on the page.
/// Words that a quarter of the entries hold would otherwise cost every search for them a pass
/// over a quarter of the edition. The statistics count them all.
pub const SAMPLE: usize = 5_000;

/// The answer to a search.
#[derive(Clone, Debug)]
pub struct Found {
    /// How many entries answer it (an estimate, to two figures, when `sample` is set).
    pub total: usize,
    /// How many entries the page and the counts were worked out from, when more answered than
    /// [`SAMPLE`]: the pages are those of the sample.
    pub sample: Option<usize>,
    /// The page asked for.
    pub hits: Vec<Hit>,
    /// Each facet's values among the entries that answer it, and how many have each
    /// (estimates, to two figures, when `sample` is set).
    pub counts: Counts,
}

/// What a search selects: the entries found, with their scores, and the counts of each facet's
/// values among them.
struct Selected {
    found: Vec<(u32, Score)>,
    counts: Counts,
    /// The share of the index read for `found`: 1 unless the search stopped at a sample.
    read: f64,
}

/// Each facet's values and how many entries have each.
pub type Counts = Vec<(Facet, Vec<(Value, u64)>)>;

/// The order of the results: a key to sort an entry (its number and score) by.
type SortKey<'a> = Box<dyn Fn(&(u32, Score)) -> (u64, u32) + 'a>;

/// The values of one facet: each entry's, as indexes into `values`, and each value's entries.
struct Column {
    values: Vec<Value>,
    stored: Stored,
    /// The entries that have each value, in order.
    postings: Vec<Vec<u32>>,
}

/// Each entry's values in a column. A column apiece, not a row of all an entry's values: the
/// entries a search counts are many and in order, and neighbours in a column share a cache line.
enum Stored {
    /// One value an entry (a statistic, the county), of fewer than 65,536 values: entry `n`'s
    /// is `ids[n]`.
    One(Vec<u16>),
    /// Entry `n`'s values are `ids[offsets[n]..offsets[n + 1]]`.
    Many { offsets: Vec<u32>, ids: Vec<u32> },
}

impl Column {
    /// Entry `n`'s values (the tests' way to count by hand).
    #[cfg(test)]
    fn of(&self, n: u32) -> Vec<u32> {
        match &self.stored {
            Stored::One(ids) => vec![u32::from(ids[n as usize])],
            Stored::Many { offsets, ids } => {
                ids[offsets[n as usize] as usize..offsets[n as usize + 1] as usize].to_vec()
            }
        }
    }

    /// Entry `n`'s value, its first if it has several.
    fn first(&self, n: u32) -> u32 {
        match &self.stored {
            Stored::One(ids) => u32::from(ids[n as usize]),
            Stored::Many { offsets, ids } => ids[offsets[n as usize] as usize],
        }
    }

    /// Whether entry `n` has any of `wanted`.
    fn has_any(&self, n: u32, wanted: &[u32]) -> bool {
        match &self.stored {
            Stored::One(ids) => wanted.contains(&u32::from(ids[n as usize])),
            Stored::Many { offsets, ids } => {
                ids[offsets[n as usize] as usize..offsets[n as usize + 1] as usize].iter().any(|v| wanted.contains(v))
            }
        }
    }

    /// How many of `entries` have each value.
    fn counted(&self, entries: &[u32]) -> Vec<u64> {
        let mut counts = vec![0u64; self.values.len()];
        match &self.stored {
            Stored::One(ids) => {
                // Four tallies, so that entries of one value in a row do not each wait for the
                // one before to be added (most entries share a few values).
                let mut lanes = vec![[0u64; 4]; self.values.len()];
                let mut chunks = entries.chunks_exact(4);
                for chunk in &mut chunks {
                    for (lane, &n) in chunk.iter().enumerate() {
                        lanes[ids[n as usize] as usize][lane] += 1;
                    }
                }
                for &n in chunks.remainder() {
                    lanes[ids[n as usize] as usize][0] += 1;
                }
                for (count, lane) in counts.iter_mut().zip(lanes) {
                    *count = lane.iter().sum();
                }
            }
            Stored::Many { offsets, ids } => {
                for &n in entries {
                    for &v in &ids[offsets[n as usize] as usize..offsets[n as usize + 1] as usize] {
                        counts[v as usize] += 1;
                    }
                }
            }
        }
        counts
    }

    /// How many entries have any of `values` (at most: an entry of two is counted twice).
    fn selects(&self, values: &[u32]) -> usize {
        values.iter().map(|&v| self.postings[v as usize].len()).sum()
    }

    /// The entries that have any of `values`, in order.
    fn having(&self, values: &[u32]) -> Vec<u32> {
        let mut entries: Vec<u32> = values.iter().flat_map(|&v| self.postings[v as usize].iter().copied()).collect();
        if values.len() > 1 {
            entries.sort_unstable();
            entries.dedup();
        }
        entries
    }
}

/// What a page of results shows of each entry, kept in memory in one string (reading it from
/// tantivy's document store decompressed a block for each entry of the page): its id, the name
/// shown to each language ([`Lang::ALL`]'s order), then all its names.
#[derive(Default)]
struct Shown {
    text: String,
    /// Where each field ends in `text`; entry `n`'s fields are `ends[first[n]..first[n + 1]]`.
    ends: Vec<usize>,
    first: Vec<usize>,
}

impl Shown {
    fn add(&mut self, row: &Row) {
        self.first.push(self.ends.len());
        let display = Lang::ALL.map(|lang| row.shown_in(lang));
        for field in std::iter::once(row.id.as_str()).chain(display).chain(row.names.iter().map(String::as_str)) {
            self.text.push_str(field);
            self.ends.push(self.text.len());
        }
    }

    /// Entry `n`'s fields.
    fn of(&self, n: u32) -> Vec<&str> {
        let (from, to) = (self.first[n as usize], self.first.get(n as usize + 1).copied().unwrap_or(self.ends.len()));
        let start = |k: usize| if k == 0 { 0 } else { self.ends[k - 1] };
        (from..to).map(|k| &self.text[start(k)..self.ends[k]]).collect()
    }
}

#[derive(Clone, Copy)]
struct Fields {
    n: Field,
    id: Field,
    name_terms: Field,
    text: Field,
}

/// A published edition, searchable.
pub struct Edition {
    columns: Vec<Column>,
    /// Each entry's place in each language's order of names ([`Lang::ALL`]'s order).
    name_rank: Vec<Vec<u32>>,
    /// The entries in each language's order of names: `name_rank` turned round.
    by_name: Vec<Vec<u32>>,
    /// Each entry's place in the order of years of detention and of evidence levels.
    year_key: Vec<u32>,
    level_key: Vec<u32>,
    shown: Shown,
    /// Each segment's documents' entries.
    entry_of: Vec<Vec<u32>>,
    /// The names' terms of [`FUZZY_FROM`] letters or more, to find those one letter off.
    near: NearTerms,
    by_id: HashMap<String, u32>,
    reader: IndexReader,
    fields: Fields,
    /// The counts of every facet over all the entries (the page most asked for).
    all_counts: Counts,
    /// The counts (each column's, one a value) of the entries a filter of one value selects, for
    /// the values that select many (a statistic's page filtered by one value is asked often).
    counted: HashMap<(usize, u32), Vec<Vec<u64>>>,
    /// How many entries a search's words may find before it stops ([`SAMPLE`]).
    sample: usize,
    /// What the words searched for lately that find many found ([`Edition::word`]), and how
    /// many entries they may hold in all ([`WORDS_KEPT`]).
    words: Mutex<LruCache<String, Matches>>,
    words_kept: usize,
}

/// What a word finds: its entries in order, each with the word's score.
type Matches = Arc<[(u32, Score)]>;

/// Why an edition cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum EditionError {
    #[error("cannot read {file}: {source}")]
    Read { file: String, source: std::io::Error },
    #[error("{file}, line {line}: {message}")]
    Line { file: String, line: usize, message: String },
    #[error("cannot index the edition: {0}")]
    Index(#[from] tantivy::TantivyError),
}

/// How long a name part's phonetic key must be for a query to find it one letter off.
const FUZZY_FROM: usize = 7;

/// How many of the names' terms one letter off a query's name part are looked for.
const NEAR_TERMS: usize = 50;

/// How much dearer a step led by a filter's entries is (each looked for in the shortest word's
/// list too) than one led by that list: a filter leads when it selects this many times fewer.
const LEAD_COST: f64 = 2.0;

/// A word that finds this many entries or more is kept for the next search that has it: common
/// words are searched often, and reading a long list again from the index (a phrase's positions
/// for each entry) costs much more than intersecting it (as Lucene's query cache keeps the
/// documents of the clauses used often).
const KEEP_FROM: usize = 5_000;

/// How many entries the kept words may hold in all, the least lately used let go first: 16
/// million, 128 MiB.
const WORDS_KEPT: usize = 16 << 20;

/// The seed of the entries' random order ([`Edition::of`]): a fixed one, so that a search gives
/// the same sample, and its pages the same entries, after the server starts again.
const ORDER_SEED: u64 = 7;

/// Memory for the index writer.
const WRITER_MEMORY: usize = 200 << 20;

impl Edition {
    /// Reads the edition published in `site` (its [`ENTRIES_FILE`]) and indexes it.
    pub fn open(site: &Path) -> Result<Edition, EditionError> {
        let path = site.join(ENTRIES_FILE);
        let file = path.display().to_string();
        let read = |source| EditionError::Read { file: file.clone(), source };
        let lines = std::io::BufReader::new(std::fs::File::open(&path).map_err(read)?);
        let mut rows = Vec::new();
        for (k, line) in lines.lines().enumerate() {
            let line = line.map_err(read)?;
            if line.trim().is_empty() {
                continue;
            }
            let row: Row = serde_json::from_str(&line).map_err(|e| EditionError::Line {
                file: file.clone(),
                line: k + 1,
                message: e.to_string(),
            })?;
            rows.push(row);
        }
        Edition::of(rows)
    }

    /// Indexes `rows`.
    pub fn of(mut rows: Vec<Row>) -> Result<Edition, EditionError> {
        // Numbered in a random order (always the same), the index's too: the first entries a
        // search finds are then a random sample of all it finds ([`SAMPLE`]), and the columns
        // are read in the order the index gives the entries.
        rows.shuffle(&mut StdRng::seed_from_u64(ORDER_SEED));
        let columns: Vec<Column> = Facet::ALL.into_iter().map(|f| column(f, &rows)).collect();
        let (mut name_rank, mut by_name) = (Vec::new(), Vec::new());
        for lang in Lang::ALL {
            // In the language's alphabetical order (its collation's sort keys), then by id.
            let mut order: Vec<(Vec<u8>, &str, u32)> = rows
                .iter()
                .enumerate()
                .map(|(n, r)| (lang.sort_key(r.shown_in(lang)), r.id.as_str(), n as u32))
                .collect();
            order.sort_unstable();
            let order: Vec<u32> = order.into_iter().map(|(.., n)| n).collect();
            let mut rank = vec![0u32; rows.len()];
            for (place, &n) in order.iter().enumerate() {
                rank[n as usize] = place as u32;
            }
            name_rank.push(rank);
            by_name.push(order);
        }
        let by_id = rows.iter().enumerate().map(|(n, r)| (r.id.clone(), n as u32)).collect();
        let mut shown = Shown::default();
        rows.iter().for_each(|r| shown.add(r));
        // Years are their own codes; unknown and disagreeing after them. Levels highest first.
        let year_key = rows
            .iter()
            .map(|r| match &r.profile.detention_year {
                Value::Is(y) => y.parse::<u32>().unwrap_or(u32::MAX - 1),
                _ => u32::MAX,
            })
            .collect();
        let level_key = rows
            .iter()
            .map(|r| {
                (EvidenceLevel::ALL.len() - EvidenceLevel::ALL.iter().position(|l| *l == r.profile.level).unwrap_or(0))
                    as u32
            })
            .collect();

        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        let mut writer: tantivy::IndexWriter<TantivyDocument> = index.writer(WRITER_MEMORY)?;
        for (n, row) in rows.iter().enumerate() {
            writer.add_document(document(fields, n, row))?;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        let reader = index.reader()?;
        let searcher = reader.searcher();
        // Each segment's map of documents to entries, and the names' terms, for the near misses
        // of a query's name parts.
        let (mut entry_of, mut name_terms) = (Vec::new(), std::collections::BTreeSet::new());
        for segment in searcher.segment_readers() {
            let index = segment.inverted_index(fields.name_terms)?;
            let mut terms = index.terms().stream().map_err(tantivy::TantivyError::from)?;
            while terms.advance() {
                name_terms.insert(String::from_utf8_lossy(terms.key()).into_owned());
            }
            let ns = segment.fast_fields().u64("n")?;
            let mut entries = vec![0u32; segment.max_doc() as usize];
            for doc in 0..segment.max_doc() {
                if let Some(n) = ns.first(doc) {
                    entries[doc as usize] = n as u32;
                }
            }
            entry_of.push(entries);
        }
        let near = NearTerms::of(name_terms, FUZZY_FROM);
        let mut edition = Edition {
            columns,
            name_rank,
            by_name,
            year_key,
            level_key,
            shown,
            entry_of,
            near,
            by_id,
            reader,
            fields,
            all_counts: Vec::new(),
            counted: HashMap::new(),
            sample: SAMPLE,
            words: Mutex::new(LruCache::unbounded()),
            words_kept: WORDS_KEPT,
        };
        edition.all_counts = edition.count(&(0..rows.len() as u32).collect::<Vec<u32>>());
        // The counts under each filter of one value that selects many entries, counted once.
        let many = (rows.len() / 100).max(1000);
        for (c, column) in edition.columns.iter().enumerate() {
            for (v, entries) in column.postings.iter().enumerate().filter(|(_, e)| e.len() >= many) {
                let raw = edition.counted(entries);
                edition.counted.insert((c, v as u32), raw);
            }
        }
        Ok(edition)
    }

    /// How many entries it holds.
    pub fn len(&self) -> usize {
        self.shown.first.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shown.first.is_empty()
    }

    /// Whether it holds the entry `id`.
    pub fn has(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// The entries that answer `search` (its order and page aside), with their scores, and the
    /// counts of each facet's values among them; when its words find more than `sample`
    /// entries, only the first `sample`, and the counts estimated from them.
    fn select(&self, search: &Search, sample: usize) -> Result<Selected, EditionError> {
        let filters = self.filters(&search.filters);
        let matched = if has_words(search) { Some(self.matching(&search.q, &filters, sample)?) } else { None };
        // Without words, the entries of the filter that selects fewest, checked against the others.
        let fewest = filters.iter().min_by_key(|(c, wanted)| self.columns[*c].selects(wanted));
        let (found, read): (Vec<(u32, Score)>, f64) = match (matched, fewest) {
            // Filtered as the words' entries were found.
            (Some(matched), _) => matched,
            (None, Some((c, wanted))) => {
                let others: Vec<&(usize, Vec<u32>)> = filters.iter().filter(|(other, _)| other != c).collect();
                let passes = |n: u32| others.iter().all(|(c, wanted)| self.columns[*c].has_any(n, wanted));
                let found = self.columns[*c].having(wanted).into_iter().filter(|&n| passes(n)).map(|n| (n, 0.0));
                (found.collect(), 1.0)
            }
            (None, None) => ((0..self.len() as u32).map(|n| (n, 0.0)).collect(), 1.0),
        };
        let counts = match filters.as_slice() {
            _ if everything(search) => self.all_counts.clone(),
            [(c, wanted)] if !has_words(search) && wanted.len() == 1 && self.counted.contains_key(&(*c, wanted[0])) => {
                self.counts_of(self.counted[&(*c, wanted[0])].clone())
            }
            _ => {
                let mut raw = self.counted(&found.iter().map(|&(n, _)| n).collect::<Vec<u32>>());
                if read < 1.0 {
                    raw.iter_mut().flatten().for_each(|k| *k = estimate(*k, read));
                }
                self.counts_of(raw)
            }
        };
        Ok(Selected { found, counts, read })
    }

    /// The entries that answer `search`, the page of them asked for in `lang`'s order of names,
    /// and the counts of each facet's values among them.
    pub fn search(&self, search: &Search, lang: Lang) -> Result<Found, EditionError> {
        let first = PAGE.saturating_mul(search.page.max(1) - 1);
        if everything(search) && matches!(search.sort, Sort::Relevance | Sort::Name) {
            // All the entries by name: the page is read off the order kept.
            let page = self.by_name[lang.index()].iter().skip(first).take(PAGE).copied();
            let (total, counts) = (self.len(), self.all_counts.clone());
            return Ok(Found { total, sample: None, hits: self.hits(page, lang), counts });
        }
        let Selected { mut found, counts, read } = self.select(search, self.sample)?;
        let (total, sample) = match read < 1.0 {
            true => (estimate(found.len() as u64, read) as usize, Some(found.len())),
            false => (found.len(), None),
        };
        let rank = &self.name_rank[lang.index()];
        let (year, level) = (&self.year_key, &self.level_key);
        let key: SortKey = match (search.sort, has_words(search)) {
            // Scores are positive, and positive floats order as their bits do: highest first.
            (Sort::Relevance, true) => Box::new(|&(n, s)| (u64::from(u32::MAX - s.to_bits()), rank[n as usize])),
            (Sort::Relevance | Sort::Name, _) => Box::new(|&(n, _)| (0, rank[n as usize])),
            (Sort::Year, _) => Box::new(|&(n, _)| (u64::from(year[n as usize]), rank[n as usize])),
            (Sort::Level, _) => Box::new(|&(n, _)| (u64::from(level[n as usize]), rank[n as usize])),
        };
        // Only the entries up to the page's end need sorting.
        let end = (first + PAGE).min(found.len());
        if end > 0 && end < found.len() {
            found.select_nth_unstable_by_key(end - 1, &key);
            found.truncate(end);
        }
        found.sort_unstable_by_key(&key);
        let hits = self.hits(found.iter().skip(first).map(|&(n, _)| n), lang);
        Ok(Found { total, sample, hits, counts })
    }

    /// What a page of results shows of entries `ns`.
    fn hits(&self, ns: impl Iterator<Item = u32>, lang: Lang) -> Vec<Hit> {
        let year = &self.columns[column_of(Facet::Year)];
        let level = &self.columns[column_of(Facet::Level)];
        ns.map(|n| {
            let shown = self.shown.of(n);
            let level = match &level.values[level.first(n) as usize] {
                Value::Is(code) => EvidenceLevel::from_code(code),
                _ => None,
            };
            Hit {
                id: shown[0].to_string(),
                display: shown[1 + lang.index()].to_string(),
                names: shown[1 + Lang::ALL.len()..].iter().map(|n| n.to_string()).collect(),
                level: level.unwrap_or(EvidenceLevel::Reported),
                year: year.values[year.first(n) as usize].clone(),
            }
        })
        .collect()
    }

    /// The statistics of the entries that answer `search` (its order and page do not matter).
    pub fn tally(&self, search: &Search) -> Result<Tally, EditionError> {
        let (total, counts) = self.count_of(search)?;
        Ok(tally_of(total, counts))
    }

    /// How many entries answer `search`, and the counts of each facet's values among them.
    pub fn count_of(&self, search: &Search) -> Result<(usize, Counts), EditionError> {
        if everything(search) {
            return Ok((self.len(), self.all_counts.clone()));
        }
        let Selected { found, counts, .. } = self.select(search, usize::MAX)?;
        Ok((found.len(), counts))
    }

    /// The filters as the columns' value indexes; a value no entry has matches nothing.
    fn filters(&self, filters: &[(Facet, Value)]) -> Vec<(usize, Vec<u32>)> {
        let mut by_column: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
        for (facet, value) in filters {
            let c = column_of(*facet);
            let wanted = by_column.entry(c).or_default();
            if let Some(v) = self.columns[c].values.iter().position(|known| known == value) {
                wanted.push(v as u32);
            }
        }
        by_column.into_iter().collect()
    }

    /// Each facet's values among `entries` and how many have each, most first.
    fn count(&self, entries: &[u32]) -> Counts {
        self.counts_of(self.counted(entries))
    }

    /// How many of `entries` have each value of each facet.
    fn counted(&self, entries: &[u32]) -> Vec<Vec<u64>> {
        self.columns.iter().map(|column| column.counted(entries)).collect()
    }

    /// Each column's counts (one a value), as [`Counts`]: values no entry has left out, most
    /// first, not known and disagreeing last.
    fn counts_of(&self, raw: Vec<Vec<u64>>) -> Counts {
        Facet::ALL
            .into_iter()
            .zip(&self.columns)
            .zip(raw)
            .map(|((facet, column), counts)| {
                let mut values: Vec<(Value, u64)> = counts
                    .into_iter()
                    .enumerate()
                    .filter(|&(_, k)| k > 0)
                    .map(|(v, k)| (column.values[v].clone(), k))
                    .collect();
                values.sort_by(|(a, ka), (b, kb)| {
                    let known = |v: &Value| !matches!(v, Value::Is(_));
                    known(a).cmp(&known(b)).then(kb.cmp(ka)).then(a.cmp(b))
                });
                (facet, values)
            })
            .collect()
    }

    /// The entries whose names, transcripts or id answer every word of `q` and that pass
    /// `filters` ([`Edition::filters`]), with tantivy's score (the sum of each word's); if more
    /// than `sample` answer, those among the first entries (in the edition's random order) up
    /// to where `sample` or a few more are found, and the share of the edition that was read (1
    /// when all was).
    ///
    /// Each word's entries are a list in order ([`Edition::word`]); the filters are checked on
    /// the columns. The shortest list leads, each of its entries looked for in the others, or,
    /// when the filter that selects fewest selects fewer, that filter's entries lead: a common
    /// word with a rare filter costs what the filter leaves.
    fn matching(
        &self,
        q: &str,
        filters: &[(usize, Vec<u32>)],
        sample: usize,
    ) -> Result<(Vec<(u32, Score)>, f64), EditionError> {
        let searcher = self.reader.searcher();
        let mut words: Vec<&str> = q.split_whitespace().collect();
        words.sort_unstable();
        words.dedup();
        let mut lists = Vec::new();
        for word in words {
            if let Some(list) = self.word(&searcher, word)? {
                lists.push(list);
            }
        }
        lists.sort_by_key(|l| l.len());
        if lists.first().is_none_or(|l| l.is_empty()) || filters.iter().any(|(_, wanted)| wanted.is_empty()) {
            return Ok((Vec::new(), 1.0));
        }
        let passes =
            |n: u32, but: usize| filters.iter().all(|(c, wanted)| *c == but || self.columns[*c].has_any(n, wanted));
        let lead = filters
            .iter()
            .map(|(c, wanted)| (*c, self.columns[*c].selects(wanted), wanted))
            .min_by_key(|&(_, k, _)| k)
            .filter(|&(_, k, _)| (k as f64) * LEAD_COST < lists[0].len() as f64)
            .map(|(c, _, wanted)| (c, self.columns[c].having(wanted)));
        // Where each list was last looked in.
        let mut at = vec![0usize; lists.len()];
        // The sum of entry `n`'s scores in the lists from the `first`, if it is in all of them.
        let mut scored = |n: u32, first: usize, score: Score| -> Option<Score> {
            let mut sum = score;
            for (list, at) in lists.iter().zip(&mut at).skip(first) {
                *at = seek(list, *at, n);
                sum += list.get(*at).filter(|(m, _)| *m == n)?.1;
            }
            Some(sum)
        };
        let len = self.len() as u32;
        let (mut found, mut bound, mut next) = (Vec::new(), 0u32, 0usize);
        while bound < len {
            // Read on to where, at the rate found so far (at first, the rate at which the rarest
            // word finds entries), the sample would be found.
            let rate = match bound {
                0 => lists[0].len() as f64 / f64::from(len),
                _ => found.len() as f64 / f64::from(bound),
            };
            let want = (sample as f64 * 1.05 / rate.max(1e-9)).min(f64::from(len));
            bound = if sample == usize::MAX { len } else { (want as u32).max(bound.saturating_add(64)).min(len) };
            match &lead {
                Some((c, entries)) => {
                    for &n in entries[next..].iter().take_while(|&&n| n < bound) {
                        next += 1;
                        if passes(n, *c)
                            && let Some(score) = scored(n, 0, 0.0)
                        {
                            found.push((n, score));
                        }
                    }
                }
                None => {
                    for &(n, score) in lists[0][next..].iter().take_while(|(n, _)| *n < bound) {
                        next += 1;
                        if passes(n, usize::MAX)
                            && let Some(score) = scored(n, 1, score)
                        {
                            found.push((n, score));
                        }
                    }
                }
            }
            if found.len() >= sample && bound < len {
                return Ok((found, f64::from(bound) / f64::from(len)));
            }
        }
        Ok((found, 1.0))
    }

    /// What `word` finds ([`Edition::word_query`]): its entries in order, each with the word's
    /// score; `None` for a word with nothing to look for. A word that finds many is kept for
    /// the next search that has it ([`WORDS_KEPT`]).
    fn word(&self, searcher: &tantivy::Searcher, word: &str) -> Result<Option<Matches>, EditionError> {
        if let Some(kept) = self.words.lock().unwrap_or_else(|e| e.into_inner()).get(word) {
            return Ok(Some(kept.clone()));
        }
        let Some(query) = self.word_query(searcher, word) else { return Ok(None) };
        let mut found = Vec::new();
        if let Some(query) = query {
            let weight = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
            for (segment, entry_of) in searcher.segment_readers().iter().zip(&self.entry_of) {
                let alive = segment.alive_bitset();
                weight.for_each(segment, &mut |doc, score| {
                    if alive.is_none_or(|a| a.is_alive(doc)) {
                        found.push((entry_of[doc as usize], score));
                    }
                })?;
            }
            // Each segment holds its entries in the order its writer was handed them (unless
            // segments were merged): a stable sort merges the runs.
            found.sort_by_key(|&(n, _)| n);
        }
        let found: Matches = found.into();
        if found.len() >= KEEP_FROM {
            let mut words = self.words.lock().unwrap_or_else(|e| e.into_inner());
            words.put(word.to_string(), found.clone());
            while words.iter().map(|(_, l)| l.len()).sum::<usize>() > self.words_kept {
                words.pop_lru();
            }
        }
        Ok(Some(found))
    }

    /// What one word of a query finds: a name (each of its parts, as spelt or by its phonetic
    /// key, one letter off for a long one: [`FUZZY_FROM`]), a word or phrase of a transcript, or an entry's id.
    /// `None` for a word with nothing to look for (punctuation); `Some(None)` for one that
    /// nothing in the edition answers. Terms the index lacks are left out, so that tantivy does
    /// not merge an empty list into every list it reads.
    fn word_query(&self, searcher: &tantivy::Searcher, word: &str) -> Option<Option<Box<dyn Query>>> {
        let f = self.fields;
        let known = |term: &Term| searcher.doc_freq(term).is_ok_and(|n| n > 0);
        let mut either: Vec<Box<dyn Query>> = Vec::new();
        let prepared: Vec<_> = dalel_names::prepare(word).parts.into_iter().filter(|p| !p.key.is_empty()).collect();
        let tokens = text::tokens(word);
        if prepared.is_empty() && tokens.is_empty() && !self.has(word) {
            return None;
        }
        let parts: Vec<Option<Box<dyn Query>>> = prepared
            .into_iter()
            .map(|p| {
                let term = |t: &str| Term::from_field_text(f.name_terms, t);
                let mut spellings: Vec<Box<dyn Query>> = [term(&p.latin), term(&p.key)]
                    .into_iter()
                    .filter(known)
                    .map(|t| Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)) as Box<dyn Query>)
                    .collect();
                // One letter off in a long name only: Nurlan and Nurlat are two names.
                for near in self.near.near(&p.key, NEAR_TERMS).into_iter().filter(|t| *t != p.key && *t != p.latin) {
                    spellings.push(Box::new(TermQuery::new(term(near), IndexRecordOption::WithFreqs)));
                }
                any_of(spellings)
            })
            .collect();
        if !parts.is_empty() && parts.iter().all(Option::is_some) {
            let all: Vec<(Occur, Box<dyn Query>)> = parts.into_iter().flatten().map(|p| (Occur::Must, p)).collect();
            either.push(Box::new(BoostQuery::new(Box::new(BooleanQuery::new(all)), 2.0)));
        }
        let mut terms: Vec<(usize, Term)> =
            text::phrase(&tokens).into_iter().map(|(k, t)| (k, Term::from_field_text(f.text, t))).collect();
        if !terms.is_empty() && terms.iter().all(|(_, t)| known(t)) {
            either.push(match terms.len() {
                1 => Box::new(TermQuery::new(terms.remove(0).1, IndexRecordOption::WithFreqs)),
                _ => Box::new(PhraseQuery::new_with_offset(terms)),
            });
        }
        if self.has(word) {
            either.push(Box::new(TermQuery::new(Term::from_field_text(f.id, word), IndexRecordOption::Basic)));
        }
        Some(any_of(either))
    }
}

/// A query any of `queries` answers (`None` for none).
fn any_of(mut queries: Vec<Box<dyn Query>>) -> Option<Box<dyn Query>> {
    match queries.len() {
        0 => None,
        1 => queries.pop(),
        _ => Some(Box::new(BooleanQuery::new(queries.into_iter().map(|q| (Occur::Should, q)).collect()))),
    }
}

/// The statistics of `entries` entries whose facets' values are counted in `counts`.
pub fn tally_of(entries: usize, counts: Counts) -> Tally {
    let counts = counts.into_iter().filter_map(|(f, values)| f.measure().map(|m| (m, values)));
    Tally::from_counts(entries as u64, counts.flat_map(|(m, values)| values.into_iter().map(move |(v, n)| (m, v, n))))
}

/// Whether `search` selects every entry: no words, no filters.
fn everything(search: &Search) -> bool {
    !has_words(search) && search.filters.is_empty()
}

/// Whether `search` has words to look for (its results then have a score).
fn has_words(search: &Search) -> bool {
    !search.q.trim().is_empty()
}

fn column_of(facet: Facet) -> usize {
    Facet::ALL.iter().position(|f| *f == facet).expect("every facet has a column")
}

fn column(facet: Facet, rows: &[Row]) -> Column {
    let (mut values, mut known): (Vec<Value>, HashMap<Value, u32>) = (Vec::new(), HashMap::new());
    let (mut offsets, mut ids, mut postings) = (vec![0u32], Vec::new(), Vec::<Vec<u32>>::new());
    for (n, row) in rows.iter().enumerate() {
        for value in facet.values(row) {
            let id = *known.entry(value.clone()).or_insert_with(|| {
                values.push(value);
                postings.push(Vec::new());
                values.len() as u32 - 1
            });
            ids.push(id);
            if postings[id as usize].last() != Some(&(n as u32)) {
                postings[id as usize].push(n as u32);
            }
        }
        offsets.push(ids.len() as u32);
    }
    let one_each = facet.measure().is_some() || facet == Facet::County;
    let stored = match ids.iter().map(|&v| u16::try_from(v)).collect::<Result<Vec<u16>, _>>() {
        Ok(small) if one_each => Stored::One(small),
        _ => Stored::Many { offsets, ids },
    };
    Column { values, stored, postings }
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let n = b.add_u64_field("n", FAST);
    let id = b.add_text_field("id", STRING);
    let terms = |option| {
        TextOptions::default()
            .set_indexing_options(TextFieldIndexing::default().set_tokenizer("whitespace").set_index_option(option))
    };
    let name_terms = b.add_text_field("name_terms", terms(IndexRecordOption::WithFreqs));
    let text = b.add_text_field("text", terms(IndexRecordOption::WithFreqsAndPositions));
    (b.build(), Fields { n, id, name_terms, text })
}

/// Entry `n`'s document: its number (a fast field, to map documents to entries), its id, its
/// names' Latin forms and phonetic keys and its transcripts' tokens ([`text::tokens`]), indexed;
/// nothing stored (its facets are in the columns).
fn document(f: Fields, n: usize, row: &Row) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_u64(f.n, n as u64);
    doc.add_text(f.id, &row.id);
    let mut terms = Vec::new();
    for name in &row.names {
        terms.extend(dalel_names::latin_and_keys(name));
    }
    doc.add_text(f.name_terms, terms.join(" "));
    for t in &row.texts {
        doc.add_text(f.text, text::tokens(t).join(" "));
    }
    doc
}

/// The first place from `from` in `list` whose entry is `n` or after it (galloping: the entries
/// looked for come in order, and are often near).
fn seek(list: &[(u32, Score)], from: usize, n: u32) -> usize {
    let mut step = 1;
    let mut end = from;
    while end < list.len() && list[end].0 < n {
        end = from + step;
        step *= 2;
    }
    let start = from + step / 4;
    let end = end.min(list.len());
    start.min(end) + list[start.min(end)..end].partition_point(|(m, _)| *m < n)
}

/// A count read off a share `read` of the index, for all of it: to two significant figures.
fn estimate(count: u64, read: f64) -> u64 {
    let all = (count as f64 / read).round();
    let unit = 10f64.powi((all.max(1.0).log10().floor() as i32 - 1).max(0));
    ((all / unit).round() * unit) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is(code: &str) -> Value {
        Value::Is(code.to_string())
    }

    fn row(id: &str, names: &[&str], ethnicity: &str, year: Option<&str>, level: EvidenceLevel) -> Row {
        Row {
            id: id.to_string(),
            display: Lang::ALL.into_iter().map(|l| (l.code().to_string(), names[0].to_string())).collect(),
            names: names.iter().map(|n| n.to_string()).collect(),
            profile: Profile {
                ethnicity: is(ethnicity),
                prefecture: Value::Unknown,
                county: Value::Unknown,
                detention_year: year.map_or(Value::Unknown, is),
                status: Value::Unknown,
                level,
                age: Value::Unknown,
                sentence: Value::Unknown,
            },
            episodes: vec!["detention".into()],
            facilities: Vec::new(),
            languages: Vec::new(),
            texts: Vec::new(),
        }
    }

    fn edition() -> Edition {
        let mut bilash = row(
            "AAAA-AAAA-AAAA",
            &["Serikzhan Bilash", "赛力克江·比拉什"],
            "Kazakh",
            Some("2019"),
            EvidenceLevel::Documented,
        );
        bilash.texts = vec!["他被送进再教育营。He was taken to the camp in Urumqi.".into()];
        bilash.languages = vec!["zh".into(), "en".into()];
        let mut gulnar = row("BBBB-BBBB-BBBB", &["Гүлнар Омарова"], "Kazakh", Some("2017"), EvidenceLevel::Reported);
        gulnar.texts = vec!["Апамды лагерьге апарды. مُعَسْكَر".into()];
        gulnar.languages = vec!["kk".into()];
        gulnar.facilities = vec!["106B".into()];
        let nurlan = row("CCCC-CCCC-CCCC", &["Nurlan Abdulla"], "Uyghur", None, EvidenceLevel::Corroborated);
        let aidar = row("DDDD-DDDD-DDDD", &["Aidar Nurlanuly"], "Uyghur", Some("2018"), EvidenceLevel::Reported);
        Edition::of(vec![bilash, gulnar, nurlan, aidar]).unwrap()
    }

    fn ids(edition: &Edition, search: Search) -> Vec<String> {
        edition.search(&Search { page: 1, ..search }, Lang::En).unwrap().hits.into_iter().map(|h| h.id).collect()
    }

    fn q(text: &str) -> Search {
        Search { q: text.into(), ..Search::default() }
    }

    #[test]
    fn a_name_is_found_from_any_script_and_misspelt() {
        let e = edition();
        for query in ["Serikzhan Bilash", "Серікжан Біләш", "Serikjan", "赛力克江", "bilash serikzhan", "Serikzan"]
        {
            assert_eq!(ids(&e, q(query)), ["AAAA-AAAA-AAAA"], "{query}");
        }
        assert_eq!(ids(&e, q("Gulnar Omarova")), ["BBBB-BBBB-BBBB"]);
        // Nurlan is not Nurlanuly's first name, but Nurlan Abdulla's.
        assert_eq!(ids(&e, q("Nurlan"))[0], "CCCC-CCCC-CCCC");
        assert!(ids(&e, q("Nurlat Abdulla")).is_empty());
    }

    #[test]
    fn transcripts_are_searched_in_any_language() {
        let e = edition();
        assert_eq!(ids(&e, q("再教育")), ["AAAA-AAAA-AAAA"]);
        assert_eq!(ids(&e, q("教育营")), ["AAAA-AAAA-AAAA"]);
        assert!(ids(&e, q("育教")).is_empty());
        assert_eq!(ids(&e, q("CAMP urumqi")), ["AAAA-AAAA-AAAA"]);
        assert_eq!(ids(&e, q("лагерьге")), ["BBBB-BBBB-BBBB"]);
        assert_eq!(ids(&e, q("معسكر")), ["BBBB-BBBB-BBBB"]);
        // Every word must be found.
        assert!(ids(&e, q("camp лагерьге")).is_empty());
        assert_eq!(ids(&e, q("CCCC-CCCC-CCCC")), ["CCCC-CCCC-CCCC"]);
    }

    #[test]
    fn filters_of_one_facet_are_alternatives_and_facets_must_all_hold() {
        let e = edition();
        let filtered = |filters: Vec<(Facet, Value)>| {
            let mut found = ids(&e, Search { filters, ..Search::default() });
            found.sort();
            found
        };
        assert_eq!(filtered(vec![(Facet::Ethnicity, is("Uyghur"))]), ["CCCC-CCCC-CCCC", "DDDD-DDDD-DDDD"]);
        assert_eq!(
            filtered(vec![(Facet::Year, is("2017")), (Facet::Year, is("2018"))]),
            ["BBBB-BBBB-BBBB", "DDDD-DDDD-DDDD"]
        );
        assert_eq!(filtered(vec![(Facet::Year, is("2018")), (Facet::Ethnicity, is("Kazakh"))]), Vec::<String>::new());
        assert_eq!(filtered(vec![(Facet::Year, Value::Unknown)]), ["CCCC-CCCC-CCCC"]);
        assert_eq!(filtered(vec![(Facet::Facility, is("106B"))]), ["BBBB-BBBB-BBBB"]);
        assert_eq!(filtered(vec![(Facet::Language, is("zh"))]), ["AAAA-AAAA-AAAA"]);
        assert_eq!(filtered(vec![(Facet::Ethnicity, is("Nowhere"))]), Vec::<String>::new());
        // With a query too.
        let found = e.search(
            &Search { q: "camp".into(), filters: vec![(Facet::Ethnicity, is("Uyghur"))], ..Search::default() },
            Lang::En,
        );
        assert_eq!(found.unwrap().total, 0);
    }

    /// An edition of `n` entries, all of whose transcripts say "camp", every other one
    /// "often" too; a quarter Kazakh, the rest Uyghur; one in 50 detained in 2015.
    fn many(n: usize) -> Edition {
        let rows = (0..n)
            .map(|k| {
                let ethnicity = if k % 4 == 0 { "Kazakh" } else { "Uyghur" };
                let year = (k % 50 == 0).then_some("2015");
                let mut r = row(&format!("E{k:05}"), &["Aidar Nurlanuly"], ethnicity, year, EvidenceLevel::Reported);
                r.texts = vec![if k % 2 == 0 { "taken to the camp often" } else { "taken to the camp" }.into()];
                r
            })
            .collect();
        Edition::of(rows).unwrap()
    }

    fn number(id: &str) -> usize {
        id[1..].parse().unwrap()
    }

    #[test]
    fn a_search_that_finds_very_many_stops_at_a_sample_and_says_so() {
        let mut e = many(6000);
        e.sample = 600;
        let found = e.search(&q("camp"), Lang::En).unwrap();
        let sample = found.sample.expect("a sample");
        assert!((600..=800).contains(&sample), "{sample}");
        assert!((4800..=7200).contains(&found.total), "{}", found.total);
        let counts: HashMap<Facet, Vec<(Value, u64)>> = found.counts.into_iter().collect();
        let ethnicity: HashMap<Value, u64> = counts[&Facet::Ethnicity].iter().cloned().collect();
        assert!((3400..=5600).contains(&ethnicity[&is("Uyghur")]), "{ethnicity:?}");
        assert!((1000..=2000).contains(&ethnicity[&is("Kazakh")]), "{ethnicity:?}");
        // The statistics count them all.
        let (total, counts) = e.count_of(&q("camp")).unwrap();
        assert_eq!(total, 6000);
        let counts: HashMap<Facet, Vec<(Value, u64)>> = counts.into_iter().collect();
        assert_eq!(counts[&Facet::Ethnicity], [(is("Uyghur"), 4500), (is("Kazakh"), 1500)]);
        // What the sample holds answers the search and its filters; its pages end with it.
        let search = Search { q: "often".into(), filters: vec![(Facet::Ethnicity, is("Kazakh"))], ..Search::default() };
        let found = e.search(&search, Lang::En).unwrap();
        let sample = found.sample.expect("1,500 answer");
        assert!(found.hits.iter().all(|h| number(&h.id).is_multiple_of(4)));
        let last = sample.div_ceil(PAGE);
        assert!(!e.search(&Search { page: last, ..search.clone() }, Lang::En).unwrap().hits.is_empty());
        assert!(e.search(&Search { page: last + 1, ..search }, Lang::En).unwrap().hits.is_empty());
        // Fewer than the sample: every one, counted.
        let search = Search { q: "camp often".into(), filters: vec![(Facet::Year, is("2015"))], ..Search::default() };
        let found = e.search(&search, Lang::En).unwrap();
        assert_eq!((found.total, found.sample), (120, None));
    }

    #[test]
    fn a_word_that_finds_many_is_kept_and_finds_the_same_from_memory() {
        let mut e = many(KEEP_FROM + 1000);
        let search =
            Search { q: "often camp".into(), filters: vec![(Facet::Ethnicity, is("Uyghur"))], ..Search::default() };
        let first = e.select(&search, usize::MAX).unwrap().found;
        // "camp" finds them all and is kept; "often" finds fewer than KEEP_FROM.
        assert_eq!(e.words.lock().unwrap().len(), 1);
        assert_eq!(e.select(&search, usize::MAX).unwrap().found, first);
        // Kept no more: another word that finds many lets both go.
        e.words_kept = 0;
        e.select(&q("taken"), usize::MAX).unwrap();
        assert_eq!(e.words.lock().unwrap().len(), 0);
        assert_eq!(e.select(&search, usize::MAX).unwrap().found, first);
        // Every other entry, and not the Kazakh ones.
        assert_eq!(first.len(), (KEEP_FROM + 1000) / 4);
        assert!(first.iter().all(|(_, score)| *score > 0.0));
    }

    #[test]
    fn seeking_in_a_list_finds_the_first_place_at_or_after() {
        for len in 0..40u32 {
            let list: Vec<(u32, Score)> = (0..len).map(|k| (k * 3 + 1, 1.0)).collect();
            for from in 0..=list.len() {
                for n in 0..len * 3 + 3 {
                    let expected = from + list[from..].partition_point(|(m, _)| *m < n);
                    assert_eq!(seek(&list, from, n), expected, "{len} {from} {n}");
                }
            }
        }
    }

    #[test]
    fn estimates_have_two_figures() {
        assert_eq!(estimate(312_456, 1.0), 310_000);
        assert_eq!(estimate(150, 0.5), 300);
        assert_eq!(estimate(999, 1.0), 1000);
        assert_eq!(estimate(57, 1.0), 57);
        assert_eq!(estimate(0, 0.25), 0);
    }

    #[test]
    fn counts_are_of_the_entries_found() {
        let e = edition();
        let found = e
            .search(&Search { filters: vec![(Facet::Ethnicity, is("Uyghur"))], ..Search::default() }, Lang::En)
            .unwrap();
        assert_eq!(found.total, 2);
        let counts: HashMap<Facet, Vec<(Value, u64)>> = found.counts.into_iter().collect();
        assert_eq!(counts[&Facet::Ethnicity], [(is("Uyghur"), 2)]);
        assert_eq!(counts[&Facet::Year], [(is("2018"), 1), (Value::Unknown, 1)]);
        assert_eq!(counts[&Facet::Level], [(is("corroborated"), 1), (is("reported"), 1)]);
        // All entries: the kept counts, the same as counting them.
        let all = e.search(&Search::default(), Lang::En).unwrap();
        assert_eq!(all.counts, e.count(&[0, 1, 2, 3]));
        let counts: HashMap<Facet, Vec<(Value, u64)>> = all.counts.into_iter().collect();
        assert_eq!(counts[&Facet::Ethnicity], [(is("Kazakh"), 2), (is("Uyghur"), 2)]);
        assert_eq!(counts[&Facet::Facility], [(is("106B"), 1), (Value::Unknown, 3)]);
    }

    #[test]
    fn the_statistics_of_a_selection_are_those_its_profiles_add_up_to() {
        let e = edition();
        let search = Search { filters: vec![(Facet::Ethnicity, is("Kazakh"))], ..Search::default() };
        let mut expected = Tally::default();
        for r in [0, 1] {
            expected.add(&edition_rows()[r].profile);
        }
        assert_eq!(e.tally(&search).unwrap(), expected);
    }

    fn edition_rows() -> Vec<Row> {
        vec![
            row(
                "AAAA-AAAA-AAAA",
                &["Serikzhan Bilash", "赛力克江·比拉什"],
                "Kazakh",
                Some("2019"),
                EvidenceLevel::Documented,
            ),
            row("BBBB-BBBB-BBBB", &["Гүлнар Омарова"], "Kazakh", Some("2017"), EvidenceLevel::Reported),
        ]
    }

    #[test]
    fn the_counts_kept_for_a_common_value_are_those_counted() {
        let rows: Vec<Row> = (0..3600)
            .map(|i| {
                let ethnicity = ["Kazakh", "Uyghur", "Kyrgyz"][i % 3];
                let year = (i % 7 != 0).then(|| ["2017", "2018", "2019"][i % 5 % 3]);
                row(&format!("ID{i:04}"), &[&format!("Name {i:04}")], ethnicity, year, EvidenceLevel::ALL[i % 4])
            })
            .collect();
        let e = Edition::of(rows).unwrap();
        let ethnicity = column_of(Facet::Ethnicity);
        let kazakh = e.columns[ethnicity].values.iter().position(|v| *v == is("Kazakh")).unwrap() as u32;
        assert!(e.counted.contains_key(&(ethnicity, kazakh)), "1,000 or more: counted at start");
        for filters in [
            vec![(Facet::Ethnicity, is("Kazakh"))],
            vec![(Facet::Year, is("2018"))],
            vec![(Facet::Year, Value::Unknown)],
        ] {
            let found = e.search(&Search { filters: filters.clone(), ..Search::default() }, Lang::En).unwrap();
            let (c, wanted) = e.filters(&filters).remove(0);
            let entries = e.columns[c].having(&wanted);
            assert_eq!(found.total, entries.len());
            assert_eq!(found.counts, e.count(&entries), "{filters:?}");
            // And as counted one by one.
            let counted = found.counts.iter().find(|(f, _)| *f == Facet::Ethnicity).unwrap();
            let by_hand = entries.iter().filter(|&&n| e.columns[ethnicity].of(n) == [kazakh]).count();
            assert_eq!(counted.1.iter().find(|(v, _)| *v == is("Kazakh")).map_or(0, |(_, n)| *n), by_hand as u64);
        }
    }

    #[test]
    fn facets_of_many_values_and_entries_of_several_are_counted_and_filtered() {
        // 40 ethnicities (more than bits hold), and each entry at two or three of 50 facilities.
        let rows: Vec<Row> = (0..500)
            .map(|i| {
                let mut r =
                    row(&format!("ID{i:04}"), &["Name"], &format!("E{}", i % 40), None, EvidenceLevel::Reported);
                r.facilities = (0..2 + i % 2).map(|k| format!("F{}", (i * 7 + k * 13) % 50)).collect();
                r
            })
            .collect();
        let e = Edition::of(rows.clone()).unwrap();
        assert!(matches!(e.columns[column_of(Facet::Ethnicity)].stored, Stored::One(_)));
        assert!(matches!(e.columns[column_of(Facet::Facility)].stored, Stored::Many { .. }));
        let all: Vec<u32> = (0..500).collect();
        for (c, column) in e.columns.iter().enumerate() {
            let mut by_hand = vec![0u64; column.values.len()];
            all.iter().for_each(|&n| column.of(n).iter().for_each(|&v| by_hand[v as usize] += 1));
            assert_eq!(e.counted(&all)[c], by_hand, "{:?}", Facet::ALL[c]);
        }
        let found = |filters: Vec<(Facet, Value)>| {
            let found = e.search(&Search { filters, page: 100, ..Search::default() }, Lang::En).unwrap();
            found.total
        };
        let at = |key: &str| rows.iter().filter(|r| r.facilities.iter().any(|f| f == key)).count();
        assert_eq!(found(vec![(Facet::Facility, is("F13"))]), at("F13"));
        assert_eq!(found(vec![(Facet::Ethnicity, is("E3"))]), 500 / 40 + 1);
        let both = rows.iter().filter(|r| r.profile.ethnicity == is("E3") && r.facilities.iter().any(|f| f == "F34"));
        assert_eq!(found(vec![(Facet::Ethnicity, is("E3")), (Facet::Facility, is("F34"))]), both.count());
    }

    #[test]
    fn results_are_sorted_and_paged() {
        let e = edition();
        let sorted = |sort| ids(&e, Search { sort, ..Search::default() });
        assert_eq!(sorted(Sort::Name), ["DDDD-DDDD-DDDD", "CCCC-CCCC-CCCC", "AAAA-AAAA-AAAA", "BBBB-BBBB-BBBB"]);
        assert_eq!(sorted(Sort::Year), ["BBBB-BBBB-BBBB", "DDDD-DDDD-DDDD", "AAAA-AAAA-AAAA", "CCCC-CCCC-CCCC"]);
        assert_eq!(sorted(Sort::Level), ["AAAA-AAAA-AAAA", "CCCC-CCCC-CCCC", "DDDD-DDDD-DDDD", "BBBB-BBBB-BBBB"]);

        let many: Vec<Row> = (0..2 * PAGE + 3)
            .map(|i| row(&format!("ID{i:04}"), &[&format!("Name {i:04}")], "Kazakh", None, EvidenceLevel::Reported))
            .collect();
        let e = Edition::of(many).unwrap();
        let page = |n| e.search(&Search { page: n, sort: Sort::Name, ..Search::default() }, Lang::En).unwrap();
        let pages: Vec<Vec<String>> = (1..=4).map(|n| page(n).hits.into_iter().map(|h| h.id).collect()).collect();
        assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [PAGE, PAGE, 3, 0]);
        let expected: Vec<String> = (0..2 * PAGE + 3).map(|i| format!("ID{i:04}")).collect();
        assert_eq!(pages.concat(), expected);
        assert_eq!(page(3).total, 2 * PAGE + 3);
    }
}
