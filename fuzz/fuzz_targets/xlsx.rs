//! `dalel xref` of a spreadsheet: any bytes, as a file.
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    let _ = dalel_interchange::xlsx::read_people(bytes);
});
