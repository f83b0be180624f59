//! `dalel facilities`: the gazetteer of detention facilities (`dalel_model::facilities`) in the
//! archive, as place records that episodes can name.

use std::io::Write;

use dalel_interchange::{facility_place, record_id_for};
use dalel_model::Record;
use dalel_model::facilities::{CREDIT, FACILITIES};
use dalel_store::{PutOutcome, Store};

/// What loading the gazetteer wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Loaded {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Writes every facility as a place record (its id derived from its external id
/// `bfn-2021:KEY`, as an import would), in one transaction; loading again changes nothing.
pub async fn load(store: &dyn Store, author: &str) -> anyhow::Result<Loaded> {
    let places: Vec<Record> = FACILITIES.iter().map(|f| Record::Place(facility_place(f))).collect();
    let mut writer = store.writer(author).await?;
    let outcomes = writer.put(places).await?;
    writer.commit().await?;
    let mut loaded = Loaded::default();
    for o in outcomes {
        match o {
            PutOutcome::Created => loaded.created += 1,
            PutOutcome::Updated => loaded.updated += 1,
            PutOutcome::Unchanged => loaded.unchanged += 1,
        }
    }
    Ok(loaded)
}

/// Every facility, one a line, tab-separated: its place's external id (what an FtM import's
/// `addressEntity` names) and record id (what a dalel JSON lines episode's `place` names), name,
/// town, prefecture, type; then the credit.
pub fn list(out: &mut impl Write) -> std::io::Result<()> {
    for f in FACILITIES.iter() {
        let external = f.external_id();
        let id = record_id_for(&external);
        writeln!(out, "{external}\t{id}\t{}\t{}\t{}\t{}", f.name, f.town, f.prefecture, f.kind_text)?;
    }
    writeln!(out, "# {CREDIT}")
}
