//! Arbitrary bytes as a workbook, through the whole reader: sniffing, calamine, the
//! .ods parser, the locator. Whatever the bytes, reading returns a result or an error.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        // libFuzzer's hook aborts on any panic, even one the reader catches (it catches
        // a parser's panic on a damaged file, as the binary does). Unwind instead: a
        // panic that escapes the reader still reaches libFuzzer and counts as a crash.
        std::panic::set_hook(Box::new(|_| {}));
    },
    |data: &[u8]| {
    // Small limits keep each run quick; the code paths are the same.
    let limits = jixiao::Limits { max_cells: 200_000, max_unzipped_bytes: 64 << 20, ..jixiao::Limits::default() };
    if let Ok(sheets) = jixiao::read::read_bytes_with(data, &limits) {
        let _ = jixiao::extract_sheets("fuzz.xlsx", &sheets);
    }
    }
);
