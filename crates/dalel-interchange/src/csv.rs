//! People as a spreadsheet: one person a row, the columns of [`COLUMNS`] (documented in
//! `docs/formats.md`). A column may hold several values separated by `|`. Only `name` is
//! required; a column dalel does not know is an error, so that nothing is silently dropped.

use std::io::{Read, Write};

use dalel_model::*;

use crate::{LineError, external_id_for, record_id_for};

/// The columns, in the order dalel writes them.
pub const COLUMNS: &[&str] = &[
    "id",
    "external_id",
    "name",
    "alias",
    "first_name",
    "last_name",
    "father_name",
    "gender",
    "ethnicity",
    "nationality",
    "birth_date",
    "id_numbers",
    "hometown",
    "address",
    "occupation",
    "notes",
];

const SEP: char = '|';

/// Reads people from CSV; yields each row's person or what is wrong with it.
pub struct CsvReader<R: Read> {
    reader: csv::Reader<R>,
    columns: Columns,
    line: u64,
}

impl<R: Read> CsvReader<R> {
    /// Reads the header row; an unknown or repeated column is an error on line 1.
    pub fn new(input: R) -> Result<CsvReader<R>, LineError> {
        let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(input);
        let headers = reader.headers().map_err(|e| LineError::new(1, "header", e.to_string()))?.clone();
        let columns = Columns::of_header(1, headers.iter())?;
        Ok(CsvReader { reader, columns, line: 1 })
    }

    /// The line the last row read began on.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The next row, or `None` at the end.
    pub fn next_person(&mut self) -> Option<Result<Person, LineError>> {
        let mut row = csv::StringRecord::new();
        match self.reader.read_record(&mut row) {
            Ok(false) => None,
            Ok(true) => {
                self.line = row.position().map_or(0, |p| p.line());
                Some(self.columns.person(self.line, row.iter()))
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                Some(Err(LineError::new(line, "record", e.to_string())))
            }
        }
    }
}

/// Which of [`COLUMNS`] a header row names, in its order: shared by CSV and spreadsheets.
pub(crate) struct Columns(Vec<usize>);

impl Columns {
    /// An unknown or repeated column is an error on `line`, the header's.
    pub(crate) fn of_header<'a>(line: u64, header: impl IntoIterator<Item = &'a str>) -> Result<Columns, LineError> {
        let mut columns = Vec::new();
        for (i, h) in header.into_iter().enumerate() {
            let h = h.trim().trim_start_matches('\u{feff}');
            let Some(c) = COLUMNS.iter().position(|c| *c == h) else {
                return Err(LineError::new(line, h, format!("unknown column; dalel reads {}", COLUMNS.join(", "))));
            };
            if columns.contains(&c) {
                return Err(LineError::new(line, h, format!("column {} appears twice", i + 1)));
            }
            columns.push(c);
        }
        if !columns.contains(&2) {
            return Err(LineError::new(line, "name", "the name column is required"));
        }
        Ok(Columns(columns))
    }

    /// The person of a row's cells, in the header's order.
    pub(crate) fn person<'a>(&self, line: u64, row: impl IntoIterator<Item = &'a str>) -> Result<Person, LineError> {
        let mut cells: [&str; COLUMNS.len()] = [""; COLUMNS.len()];
        let mut all = Vec::new();
        for (i, value) in row.into_iter().enumerate() {
            let Some(&c) = self.0.get(i) else {
                if value.trim().is_empty() {
                    continue;
                }
                return Err(LineError::new(line, format!("column {}", i + 1), "a value beyond the header's columns"));
            };
            cells[c] = value.trim();
            all.push(value);
        }
        let col = |name: &str| cells[COLUMNS.iter().position(|c| *c == name).expect("known column")];
        let opt = |name: &str| Some(col(name).to_string()).filter(|v| !v.is_empty());
        let many = |name: &str| {
            col(name).split(SEP).map(str::trim).filter(|v| !v.is_empty()).map(String::from).collect::<Vec<_>>()
        };
        let err = |field: &str, reason: String| LineError::new(line, field, reason);

        let external_id = opt("external_id");
        let id = match (opt("id"), &external_id) {
            (Some(id), _) => RecordId::new(id).map_err(|e| err("id", e))?,
            (None, Some(ext)) => record_id_for(ext),
            (None, None) => record_id_for(&format!("csv-row:{}", all.join("\u{1f}"))),
        };
        let external_id = external_id.and_then(|e| external_id_for(&e, &id));
        let mut names = Vec::new();
        for (column, kind) in [
            ("name", NameKind::Full),
            ("alias", NameKind::Alias),
            ("first_name", NameKind::Given),
            ("last_name", NameKind::Family),
            ("father_name", NameKind::Patronymic),
        ] {
            names.extend(many(column).into_iter().map(|n| Name::new(n, kind)));
        }
        if names.is_empty() {
            return Err(err("name", "every person needs a name".into()));
        }
        let gender = opt("gender")
            .map(|g| {
                Gender::parse_lenient(&g).ok_or_else(|| err("gender", format!("{g:?} is not male, female or other")))
            })
            .transpose()?;
        let birth_date = opt("birth_date")
            .map(|d| PartialDate::parse(&d).map_err(|e| err("birth_date", e.to_string())))
            .transpose()?;
        let identity_numbers = many("id_numbers")
            .into_iter()
            .map(|v| match v.split_once(':') {
                Some((scheme, value)) => {
                    IdScheme::from_code(scheme.trim()).map(|s| IdentityNumber::new(s, value.trim())).ok_or_else(|| {
                        err(
                            "id_numbers",
                            format!("{scheme:?} is not an ID scheme (cn_resident, kz_iin, passport, other)"),
                        )
                    })
                }
                None => Ok(IdentityNumber::guess(v)),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Person {
            id,
            external_id,
            names,
            gender,
            ethnicity: opt("ethnicity"),
            nationality: opt("nationality"),
            birth_date,
            identity_numbers,
            hometown: opt("hometown"),
            addresses: many("address"),
            occupation: opt("occupation"),
            notes: opt("notes"),
        })
    }
}

/// Writes people as CSV.
pub struct CsvWriter<W: Write> {
    writer: csv::Writer<W>,
}

impl<W: Write> CsvWriter<W> {
    pub fn new(output: W) -> csv::Result<CsvWriter<W>> {
        let mut writer = csv::Writer::from_writer(output);
        writer.write_record(COLUMNS)?;
        Ok(CsvWriter { writer })
    }

    pub fn write(&mut self, p: &Person) -> csv::Result<()> {
        let names = |kind: NameKind| {
            p.names.iter().filter(|n| n.kind == kind).map(|n| n.text.as_str()).collect::<Vec<_>>().join(" | ")
        };
        let numbers = p
            .identity_numbers
            .iter()
            .map(|n| {
                if IdentityNumber::guess(&n.value).scheme == n.scheme {
                    n.value.clone()
                } else {
                    format!("{}:{}", n.scheme.code(), n.value)
                }
            })
            .collect::<Vec<_>>()
            .join(" | ");
        let s = |o: &Option<String>| o.clone().unwrap_or_default();
        self.writer.write_record([
            p.id.to_string(),
            s(&p.external_id),
            names(NameKind::Full),
            names(NameKind::Alias),
            names(NameKind::Given),
            names(NameKind::Family),
            names(NameKind::Patronymic),
            p.gender.map(|g| g.code().to_string()).unwrap_or_default(),
            s(&p.ethnicity),
            s(&p.nationality),
            p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            numbers,
            s(&p.hometown),
            p.addresses.join(" | "),
            s(&p.occupation),
            s(&p.notes),
        ])
    }

    pub fn finish(mut self) -> std::io::Result<W> {
        self.writer.flush()?;
        self.writer.into_inner().map_err(|e| e.into_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<Result<Person, LineError>> {
        match CsvReader::new(text.as_bytes()) {
            Ok(mut r) => std::iter::from_fn(|| r.next_person()).collect(),
            Err(e) => vec![Err(e)],
        }
    }

    #[test]
    fn reads_people_and_names_bad_cells() {
        let rows = read(
            "name,birth_date,id_numbers,gender\n\
             Айгүл Серікқызы | Aigul Serikkyzy,about 1970,65400219700101002X,female\n\
             Nurlan,1970-13,,\n\
             ,1970,,\n\
             Gulnar,,foo:123,\n",
        );
        let p = rows[0].as_ref().unwrap();
        assert_eq!(p.names.len(), 2);
        assert_eq!(p.names[1].script, Script::Latin);
        assert_eq!(p.birth_date.unwrap().to_string(), "1970~");
        assert_eq!(rows[1].as_ref().unwrap_err().to_string(), "line 3: birth_date: month 13 is not between 1 and 12");
        assert_eq!(rows[2].as_ref().unwrap_err().to_string(), "line 4: name: every person needs a name");
        assert!(
            rows[3].as_ref().unwrap_err().to_string().starts_with("line 5: id_numbers: \"foo\" is not an ID scheme")
        );
    }

    #[test]
    fn unknown_columns_are_refused() {
        let rows = read("name,phone\nA,1\n");
        assert!(rows[0].as_ref().unwrap_err().to_string().starts_with("line 1: phone: unknown column"));
    }

    #[test]
    fn rows_without_ids_get_stable_ones() {
        let a = read("name\nNurlan\n");
        let b = read("name\nNurlan\n");
        assert_eq!(a[0].as_ref().unwrap().id, b[0].as_ref().unwrap().id);
    }

    #[test]
    fn written_people_read_back_the_same() {
        let text = "id,name,alias,gender,birth_date,id_numbers,address\n\
                    p1,Серік,Serik | Serık,male,1965~,passport:N123 | 65400219700101002X,Almaty | Astana\n";
        let p = read(text).remove(0).unwrap();
        let mut w = CsvWriter::new(Vec::new()).unwrap();
        w.write(&p).unwrap();
        let out = String::from_utf8(w.finish().unwrap()).unwrap();
        assert_eq!(read(&out).remove(0).unwrap(), p);
    }
}
