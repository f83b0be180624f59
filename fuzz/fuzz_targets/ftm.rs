//! `dalel import --format ftm`: any text, line by line, is records or reasons, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| {
    let mut reader = dalel_interchange::ftm::FtmReader::new();
    for (i, line) in text.lines().enumerate() {
        let _ = reader.line(i as u64 + 1, line);
    }
    let _ = reader.finish();
});
