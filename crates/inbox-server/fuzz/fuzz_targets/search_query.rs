#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| inbox_server::fuzz::search_query(data));
