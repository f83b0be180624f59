//! People as a spreadsheet file (xlsx, xlsm, xlsb, xls or ods, read with calamine): the first
//! sheet, read as [`crate::csv`] reads a file: a header row of its columns, then one person a
//! row. Errors name the sheet's row number. Read only: dalel writes CSV.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader, Sheets, open_workbook_auto_from_rs};
use dalel_model::Person;

use crate::LineError;
use crate::csv::Columns;

/// A sheet row's number and its person or what is wrong with it.
pub type Row = (u64, Result<Person, LineError>);

/// The people of the first sheet of the spreadsheet in `bytes`, each row's number and its person
/// or what is wrong with it; an error for the file itself (not a spreadsheet, no sheet, a bad
/// header). Rows with no value at all are skipped.
pub fn read_people(bytes: &[u8]) -> Result<Vec<Row>, LineError> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| LineError::new(0, "file", format!("not a spreadsheet dalel can read: {e}")))?;
    let unreadable =
        |e: &dyn std::fmt::Display| LineError::new(0, "file", format!("the first sheet cannot be read: {e}"));
    let Some(first) = book.sheet_names().first().cloned() else {
        return Err(LineError::new(0, "file", "the spreadsheet has no sheet"));
    };
    // An xlsx sheet is read cell by cell: a damaged file can name a cell far out (calamine
    // builds a sheet's whole rectangle, which for such a cell does not fit in memory).
    let rows: Vec<(u64, Vec<Data>)> = match &mut book {
        Sheets::Xlsx(xlsx) => {
            let mut reader = xlsx.worksheet_cells_reader(&first).map_err(|e| unreadable(&e))?;
            let mut cells = Vec::new();
            while let Some(cell) = reader.next_cell().map_err(|e| unreadable(&e))? {
                let (row, col) = cell.get_position();
                if row >= MAX_ROWS || col >= MAX_COLUMNS {
                    return Err(LineError::new(
                        u64::from(row).saturating_add(1),
                        "file",
                        format!("a cell beyond the last a spreadsheet may have (row {MAX_ROWS}, column {MAX_COLUMNS})"),
                    ));
                }
                cells.push((row, col, Data::from(cell.get_value().clone())));
            }
            // Rows as the used range holds them: from its first column.
            let first_col = cells.iter().map(|c| c.1).min().unwrap_or(0);
            let mut rows: BTreeMap<u32, Vec<Data>> = BTreeMap::new();
            for (row, col, value) in cells {
                let (row, col) = (rows.entry(row).or_default(), (col - first_col) as usize);
                if row.len() <= col {
                    row.resize(col + 1, Data::Empty);
                }
                row[col] = value;
            }
            rows.into_iter().map(|(row, cells)| (u64::from(row) + 1, cells)).collect()
        }
        book => {
            let range = match book.worksheet_range_at(0) {
                Some(Ok(range)) => range,
                Some(Err(e)) => return Err(unreadable(&e)),
                None => return Err(LineError::new(0, "file", "the spreadsheet has no sheet")),
            };
            let first_row = range.start().map_or(0, |(row, _)| row);
            range.rows().enumerate().map(|(i, row)| (u64::from(first_row) + 1 + i as u64, row.to_vec())).collect()
        }
    };
    let mut rows = rows.into_iter();
    let Some((header_line, header)) = rows.next() else {
        return Err(LineError::new(1, "header", "the first sheet is empty"));
    };
    let header: Vec<String> = header.iter().map(|c| cell_text(c).unwrap_or_default()).collect();
    // Trailing empty header cells are the used range's, not columns.
    let width = header.iter().rposition(|h| !h.trim().is_empty()).map_or(0, |i| i + 1);
    let columns = Columns::of_header(header_line, header[..width].iter().map(String::as_str))?;
    let mut people = Vec::new();
    for (line, row) in rows {
        let mut cells = Vec::with_capacity(row.len());
        let mut bad = None;
        for (i, cell) in row.iter().enumerate() {
            match cell_text(cell) {
                Ok(text) => cells.push(text),
                Err(reason) => {
                    let field = header.get(i).filter(|h| !h.is_empty()).cloned().unwrap_or(format!("column {}", i + 1));
                    bad = Some(LineError::new(line, field, reason));
                    break;
                }
            }
        }
        if let Some(e) = bad {
            people.push((line, Err(e)));
        } else if cells.iter().any(|c| !c.trim().is_empty()) {
            people.push((line, columns.person(line, cells.iter().map(String::as_str))));
        }
    }
    Ok(people)
}

/// The most rows and columns a sheet may have (Excel's limits, which xlsx files keep to).
const MAX_ROWS: u32 = 1 << 20;
const MAX_COLUMNS: u32 = 1 << 14;

/// A cell as the text a CSV file would hold: whole numbers without a decimal point (an ID
/// number typed as a number), dates as ISO 8601 dates.
fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, m, d, ..) = d.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::Error(e) => return Err(format!("the cell holds a spreadsheet error ({e})")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

    fn book(rows: &[&[&str]], date: Option<(u32, u16)>) -> Vec<u8> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            for (c, value) in row.iter().enumerate() {
                if let Ok(n) = value.parse::<f64>() {
                    sheet.write_number(r as u32, c as u16, n).unwrap();
                } else if !value.is_empty() {
                    sheet.write_string(r as u32, c as u16, *value).unwrap();
                }
            }
        }
        if let Some((row, col)) = date {
            let format = Format::new().set_num_format("yyyy-mm-dd");
            let when = ExcelDateTime::from_ymd(1974, 3, 2).unwrap();
            sheet.write_datetime_with_format(row, col, &when, &format).unwrap();
        }
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn a_sheet_is_read_like_csv_with_numbers_and_dates_as_text() {
        let bytes = book(
            &[
                &["external_id", "name", "birth_date", "id_numbers"],
                &["r1", "Серікжан Біләш", "", "654002197403020017"],
                &["", "", "", ""],
                &["r2", "Гүлнар Тоқтарқызы", "1980", "740101300123"],
            ],
            Some((1, 2)),
        );
        let people = read_people(&bytes).unwrap();
        assert_eq!(people.len(), 2, "the empty row is skipped: {people:?}");
        assert_eq!((people[0].0, people[1].0), (2, 4));
        let first = people[0].1.as_ref().unwrap();
        assert_eq!(first.external_id.as_deref(), Some("r1"));
        assert_eq!(first.birth_date.as_ref().unwrap().to_string(), "1974-03-02");
        // Eighteen digits typed as a number lose the last ones in the spreadsheet itself; the
        // number is kept as it reads and its check fails (a flag, not a refusal).
        assert_eq!(first.identity_numbers.len(), 1);
        let second = people[1].1.as_ref().unwrap();
        assert_eq!(second.identity_numbers[0].value, "740101300123");
        assert_eq!(second.birth_date.as_ref().unwrap().to_string(), "1980");
    }

    #[test]
    fn bad_rows_and_files_name_where() {
        let bytes = book(&[&["name", "birth_date"], &["Aidar", "sometime"], &["Gulnar", "1990"]], None);
        let people = read_people(&bytes).unwrap();
        let e = people[0].1.as_ref().unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (2, "birth_date"), "{e:?}");
        assert!(people[1].1.is_ok());

        let e = read_people(&book(&[&["nom", "name"]], None)).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (1, "nom"), "{e:?}");
        let e = read_people(b"name\nAidar\n").unwrap_err();
        assert!(e.reason.contains("not a spreadsheet"), "{e:?}");
        let e = read_people(&book(&[&["Aidar", "", "x"]], None)).unwrap_err();
        assert_eq!(e.line, 1, "{e:?}");
    }

    /// A cell reference far beyond a sheet's last column (the fuzzer found one whose letters
    /// overflow 32 bits): refused, naming its row, not a panic or a sheet too big for memory.
    /// calamine 0.38 multiplies the letters unchecked; the workspace builds it without
    /// overflow checks, as a release build does (Cargo.toml).
    #[test]
    fn a_cell_beyond_a_sheets_last_is_refused() {
        let bytes = include_bytes!("../../../fuzz/seeds/xlsx/overflowing-column.xlsx");
        let e = read_people(bytes).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (1, "file"), "{e}");
        assert!(e.to_string().contains("beyond the last"), "{e}");
    }
}
