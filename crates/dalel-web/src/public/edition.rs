//! A published edition as the live public site searches it: the entries of `data/entries.jsonl`
//! (written by `dalel publish --static` beside the pages, one [`Row`] a line), their facets in
//! columns held in memory, and a tantivy index of their names and transcripts, in memory too:
//! derived from the file each time the server starts, so nothing here needs keeping.
//!
//! A search ([`Edition::search`]) asks tantivy only for the entries that answer the query; the
//! filters, the counts of every facet and the order are worked out over the columns, which cost
//! a few bytes an entry and a pass over the matching entries.

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use std::path::Path;

use dalel_model::stats::{Measure, Profile, Tally, Value};
use dalel_model::vocab::EvidenceLevel;
use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions};
use tantivy::{DocAddress, DocId, Index, IndexReader, Score, SegmentOrdinal, SegmentReader, TantivyDocument, Term};

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

/// The answer to a search.
#[derive(Clone, Debug)]
pub struct Found {
    /// How many entries answer it.
    pub total: usize,
    /// The page asked for.
    pub hits: Vec<Hit>,
    /// Each facet's values among the entries that answer it, and how many have each.
    pub counts: Counts,
}

/// Each facet's values and how many entries have each.
pub type Counts = Vec<(Facet, Vec<(Value, u64)>)>;

/// The order of the results: a key to sort an entry (its number and score) by.
type SortKey<'a> = Box<dyn Fn(&(u32, Score)) -> (u64, u32) + 'a>;

/// The values of one facet: each entry's, as indexes into `values`.
struct Column {
    values: Vec<Value>,
    /// Entry `n`'s values are `ids[offsets[n]..offsets[n + 1]]`.
    offsets: Vec<u32>,
    ids: Vec<u32>,
}

impl Column {
    fn of(&self, n: usize) -> &[u32] {
        &self.ids[self.offsets[n] as usize..self.offsets[n + 1] as usize]
    }
}

#[derive(Clone, Copy)]
struct Fields {
    n: Field,
    id: Field,
    display: Field,
    names: Field,
    name_terms: Field,
    text: Field,
}

/// A published edition, searchable.
pub struct Edition {
    columns: Vec<Column>,
    /// Each entry's place in each language's order of names ([`Lang::ALL`]'s order).
    name_rank: Vec<Vec<u32>>,
    /// Where each entry's document is.
    address: Vec<DocAddress>,
    by_id: HashMap<String, u32>,
    reader: IndexReader,
    fields: Fields,
    /// The counts of every facet over all the entries (the page most asked for).
    all_counts: Counts,
}

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
    pub fn of(rows: Vec<Row>) -> Result<Edition, EditionError> {
        let columns = Facet::ALL.into_iter().map(|f| column(f, &rows)).collect();
        let name_rank = Lang::ALL
            .into_iter()
            .map(|lang| {
                let shown = |r: &Row| r.display.get(lang.code()).or(r.names.first()).cloned().unwrap_or_default();
                let mut order: Vec<(String, &str, usize)> =
                    rows.iter().enumerate().map(|(n, r)| (shown(r), r.id.as_str(), n)).collect();
                order.sort_unstable();
                let mut rank = vec![0u32; rows.len()];
                for (place, (.., n)) in order.into_iter().enumerate() {
                    rank[n] = place as u32;
                }
                rank
            })
            .collect();
        let by_id = rows.iter().enumerate().map(|(n, r)| (r.id.clone(), n as u32)).collect();

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
        let mut address = vec![DocAddress::new(0, 0); rows.len()];
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let ns = segment.fast_fields().u64("n")?;
            for doc in 0..segment.max_doc() {
                if let Some(n) = ns.first(doc) {
                    address[n as usize] = DocAddress::new(ord as SegmentOrdinal, doc);
                }
            }
        }
        let mut edition = Edition { columns, name_rank, address, by_id, reader, fields, all_counts: Vec::new() };
        edition.all_counts = edition.count(0..rows.len() as u32);
        Ok(edition)
    }

    /// How many entries it holds.
    pub fn len(&self) -> usize {
        self.address.len()
    }

    pub fn is_empty(&self) -> bool {
        self.address.is_empty()
    }

    /// Whether it holds the entry `id`.
    pub fn has(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// The entries that answer `search` (its order and page aside), with their scores, and the
    /// counts of each facet's values among them.
    fn select(&self, search: &Search) -> Result<(Vec<(u32, Score)>, Counts), EditionError> {
        let scored = if search.q.trim().is_empty() { None } else { Some(self.matching(&search.q)?) };
        let filters = self.filters(&search.filters);
        let passes = |n: u32| {
            filters.iter().all(|(c, wanted)| self.columns[*c].of(n as usize).iter().any(|v| wanted.contains(v)))
        };
        let found: Vec<(u32, Score)> = match scored {
            Some(scored) => scored.into_iter().filter(|&(n, _)| passes(n)).collect(),
            None => (0..self.len() as u32).filter(|&n| passes(n)).map(|n| (n, 0.0)).collect(),
        };
        let counts = if search.q.trim().is_empty() && filters.is_empty() {
            self.all_counts.clone()
        } else {
            self.count(found.iter().map(|&(n, _)| n))
        };
        Ok((found, counts))
    }

    /// The entries that answer `search`, the page of them asked for in `lang`'s order of names,
    /// and the counts of each facet's values among them.
    pub fn search(&self, search: &Search, lang: Lang) -> Result<Found, EditionError> {
        let (mut found, counts) = self.select(search)?;
        let total = found.len();
        let first = PAGE * (search.page.max(1) - 1);
        let rank = &self.name_rank[lang.index()];
        let year = &self.columns[column_of(Facet::Year)];
        let level = &self.columns[column_of(Facet::Level)];
        // Years are their own codes; unknown and disagreeing after them.
        let year_of = |n: u32| match &year.values[year.of(n as usize)[0] as usize] {
            Value::Is(y) => y.parse::<u32>().unwrap_or(u32::MAX - 1),
            _ => u32::MAX,
        };
        let level_of = |n: u32| match &level.values[level.of(n as usize)[0] as usize] {
            Value::Is(code) => EvidenceLevel::ALL
                .iter()
                .position(|l| l.code() == code)
                .map_or(usize::MAX, |r| EvidenceLevel::ALL.len() - r),
            _ => usize::MAX,
        };
        let key: SortKey = match (search.sort, scored_query(search)) {
            // Scores are positive, and positive floats order as their bits do: highest first.
            (Sort::Relevance, true) => Box::new(|&(n, s)| (u64::from(u32::MAX - s.to_bits()), rank[n as usize])),
            (Sort::Relevance | Sort::Name, _) => Box::new(|&(n, _)| (0, rank[n as usize])),
            (Sort::Year, _) => Box::new(|&(n, _)| (u64::from(year_of(n)), rank[n as usize])),
            (Sort::Level, _) => Box::new(|&(n, _)| (level_of(n) as u64, rank[n as usize])),
        };
        // Only the entries up to the page's end need sorting.
        let end = (first + PAGE).min(found.len());
        if end > 0 && end < found.len() {
            found.select_nth_unstable_by_key(end - 1, &key);
            found.truncate(end);
        }
        found.sort_unstable_by_key(&key);
        let searcher = self.reader.searcher();
        let mut hits = Vec::new();
        for &(n, _) in found.iter().skip(first) {
            let doc: TantivyDocument = searcher.doc(self.address[n as usize])?;
            let texts = |field: Field| -> Vec<String> {
                doc.get_all(field).filter_map(|v| tantivy::schema::Value::as_str(&v).map(str::to_string)).collect()
            };
            let display = texts(self.fields.display);
            let level_code = match &level.values[level.of(n as usize)[0] as usize] {
                Value::Is(code) => code.clone(),
                _ => String::new(),
            };
            hits.push(Hit {
                id: texts(self.fields.id).into_iter().next().unwrap_or_default(),
                display: display.get(lang.index()).or(display.first()).cloned().unwrap_or_default(),
                names: texts(self.fields.names),
                level: EvidenceLevel::from_code(&level_code).unwrap_or(EvidenceLevel::Reported),
                year: year.values[year.of(n as usize)[0] as usize].clone(),
            });
        }
        Ok(Found { total, hits, counts })
    }

    /// The statistics of the entries that answer `search` (its order and page do not matter).
    pub fn tally(&self, search: &Search) -> Result<Tally, EditionError> {
        let (total, counts) = self.count_of(search)?;
        Ok(tally_of(total, counts))
    }

    /// How many entries answer `search`, and the counts of each facet's values among them.
    pub fn count_of(&self, search: &Search) -> Result<(usize, Counts), EditionError> {
        let (found, counts) = self.select(search)?;
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
    fn count(&self, entries: impl Iterator<Item = u32> + Clone) -> Counts {
        Facet::ALL
            .into_iter()
            .zip(&self.columns)
            .map(|(facet, column)| {
                let mut counts = vec![0u64; column.values.len()];
                for n in entries.clone() {
                    for &v in column.of(n as usize) {
                        counts[v as usize] += 1;
                    }
                }
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

    /// The entries whose names, transcripts or id answer every word of `q`, with tantivy's score.
    fn matching(&self, q: &str) -> Result<Vec<(u32, Score)>, EditionError> {
        let words: Vec<Box<dyn Query>> = q.split_whitespace().filter_map(|w| self.word_query(w)).collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let query = BooleanQuery::new(words.into_iter().map(|w| (Occur::Must, w)).collect());
        Ok(self.reader.searcher().search(&query, &Entries)?)
    }

    /// What one word of a query finds: a name (each of its parts, as spelt or by its phonetic
    /// key, one letter off for a long one: [`FUZZY_FROM`]), a word or phrase of a transcript, or an entry's id.
    fn word_query(&self, word: &str) -> Option<Box<dyn Query>> {
        let f = self.fields;
        let mut either: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let parts: Vec<Box<dyn Query>> = dalel_names::prepare(word)
            .parts
            .into_iter()
            .filter(|p| !p.key.is_empty())
            .map(|p| {
                let term = |t: &str| Term::from_field_text(f.name_terms, t);
                let mut spellings: Vec<(Occur, Box<dyn Query>)> = vec![
                    (Occur::Should, Box::new(TermQuery::new(term(&p.latin), IndexRecordOption::WithFreqs))),
                    (Occur::Should, Box::new(TermQuery::new(term(&p.key), IndexRecordOption::WithFreqs))),
                ];
                // One letter off in a long name only: Nurlan and Nurlat are two names.
                if p.key.chars().count() >= FUZZY_FROM {
                    spellings.push((Occur::Should, Box::new(FuzzyTermQuery::new(term(&p.key), 1, true))));
                }
                Box::new(BooleanQuery::new(spellings)) as Box<dyn Query>
            })
            .collect();
        if !parts.is_empty() {
            let all = BooleanQuery::new(parts.into_iter().map(|p| (Occur::Must, p)).collect());
            either.push((Occur::Should, Box::new(BoostQuery::new(Box::new(all), 2.0))));
        }
        let tokens = text::tokens(word);
        let terms: Vec<Term> = tokens.iter().map(|t| Term::from_field_text(f.text, t)).collect();
        match terms.len() {
            0 => {}
            1 => either.push((Occur::Should, Box::new(TermQuery::new(terms[0].clone(), IndexRecordOption::WithFreqs)))),
            _ => either.push((Occur::Should, Box::new(PhraseQuery::new(terms)))),
        }
        if self.has(word) {
            either.push((
                Occur::Should,
                Box::new(TermQuery::new(Term::from_field_text(f.id, word), IndexRecordOption::Basic)),
            ));
        }
        (!either.is_empty()).then(|| Box::new(BooleanQuery::new(either)) as Box<dyn Query>)
    }
}

/// The statistics of `entries` entries whose facets' values are counted in `counts`.
pub fn tally_of(entries: usize, counts: Counts) -> Tally {
    let counts = counts.into_iter().filter_map(|(f, values)| f.measure().map(|m| (m, values)));
    Tally::from_counts(entries as u64, counts.flat_map(|(m, values)| values.into_iter().map(move |(v, n)| (m, v, n))))
}

/// Whether the results of `search` are in the order of a score.
fn scored_query(search: &Search) -> bool {
    !search.q.trim().is_empty()
}

fn column_of(facet: Facet) -> usize {
    Facet::ALL.iter().position(|f| *f == facet).expect("every facet has a column")
}

fn column(facet: Facet, rows: &[Row]) -> Column {
    let (mut values, mut known): (Vec<Value>, HashMap<Value, u32>) = (Vec::new(), HashMap::new());
    let (mut offsets, mut ids) = (vec![0u32], Vec::new());
    for row in rows {
        for value in facet.values(row) {
            let id = *known.entry(value.clone()).or_insert_with(|| {
                values.push(value);
                values.len() as u32 - 1
            });
            ids.push(id);
        }
        offsets.push(ids.len() as u32);
    }
    Column { values, offsets, ids }
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let n = b.add_u64_field("n", FAST);
    let id = b.add_text_field("id", STRING | STORED);
    let display = b.add_text_field("display", STORED);
    let names = b.add_text_field("names", STORED);
    let terms = |option| {
        TextOptions::default()
            .set_indexing_options(TextFieldIndexing::default().set_tokenizer("whitespace").set_index_option(option))
    };
    let name_terms = b.add_text_field("name_terms", terms(IndexRecordOption::WithFreqs));
    let text = b.add_text_field("text", terms(IndexRecordOption::WithFreqsAndPositions));
    (b.build(), Fields { n, id, display, names, name_terms, text })
}

/// Entry `n`'s document: its id, names and the names shown stored; its names' Latin forms and
/// phonetic keys, and its transcripts' tokens ([`text::tokens`]), indexed.
fn document(f: Fields, n: usize, row: &Row) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_u64(f.n, n as u64);
    doc.add_text(f.id, &row.id);
    for lang in Lang::ALL {
        doc.add_text(f.display, row.display.get(lang.code()).or(row.names.first()).map_or("", String::as_str));
    }
    let mut terms = Vec::new();
    for name in &row.names {
        doc.add_text(f.names, name);
        terms.extend(dalel_names::prepare(name).parts.into_iter().flat_map(|p| [p.latin, p.key]));
    }
    doc.add_text(f.name_terms, terms.join(" "));
    for t in &row.texts {
        doc.add_text(f.text, text::tokens(t).join(" "));
    }
    doc
}

/// Collects every matching entry's number and score.
struct Entries;

struct SegmentEntries {
    ns: tantivy::columnar::Column<u64>,
    found: Vec<(u32, Score)>,
}

impl Collector for Entries {
    type Fruit = Vec<(u32, Score)>;
    type Child = SegmentEntries;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<SegmentEntries> {
        Ok(SegmentEntries { ns: segment.fast_fields().u64("n")?, found: Vec::new() })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(u32, Score)>>) -> tantivy::Result<Vec<(u32, Score)>> {
        Ok(fruits.concat())
    }
}

impl SegmentCollector for SegmentEntries {
    type Fruit = Vec<(u32, Score)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(n) = self.ns.first(doc) {
            self.found.push((n as u32, score));
        }
    }

    fn harvest(self) -> Vec<(u32, Score)> {
        self.found
    }
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
        assert_eq!(all.counts, e.count(0..4));
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
