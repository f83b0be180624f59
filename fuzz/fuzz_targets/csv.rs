//! `dalel import --format csv`: any bytes, as a file.
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    if let Ok(mut reader) = dalel_interchange::csv::CsvReader::new(bytes) {
        while let Some(_person) = reader.next_person() {}
    }
});
