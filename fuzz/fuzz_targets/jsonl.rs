//! `dalel import --format jsonl`: the header line, then record lines.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| {
    let mut lines = text.lines();
    if let Some(first) = lines.next() {
        let _ = dalel_interchange::jsonl::Header::parse(first);
    }
    for (i, line) in lines.enumerate() {
        let _ = dalel_interchange::jsonl::parse_record(i as u64 + 2, line);
    }
});
