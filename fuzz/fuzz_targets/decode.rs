//! Every decoder must return `Ok` or a typed error for any bytes, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let status = data.first().map_or(200, |b| 100 + u16::from(*b) * 2);
    let body = data.get(1..).unwrap_or_default();
    let _ = ews_core::decode::container_list(status, body);
    let _ = ews_core::decode::container(status, body);
    if let Err(e) = ews_core::decode::command(status, body) {
        let _ = e.to_string();
    }
});
