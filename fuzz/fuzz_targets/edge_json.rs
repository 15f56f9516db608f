//! The edge worker's reading of an upstream envelope (`code`,
//! `data.commandId`) on any bytes: total, never a panic, and it finds
//! something only in valid JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let peek = ews_edge::json::peek(data);
    if peek.code.is_some() || peek.command_id.is_some() {
        assert!(ews_core::json::parse(data).is_ok());
    }
});
