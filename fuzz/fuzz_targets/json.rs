//! The core's JSON reader on any bytes: `Ok` or a typed error, never a
//! panic; and what it reads, written back and read again, is the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(v) = ews_core::json::parse(data) {
        let text = v.to_json();
        let again = ews_core::json::parse(text.as_bytes()).expect("written JSON reads back");
        assert_eq!(again, v, "round trip of {text}");
        let _ = v.kind();
    }
});
