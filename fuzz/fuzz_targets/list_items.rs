//! Item-by-item list decoding: for any items, every readable container
//! comes through, in order, and every other item is accounted for once.
//! The fuzzer's bytes are split on 0xFF into items placed in a list
//! envelope between known-good containers.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut body = String::from(r#"{"code":"0","message":"success","data":[{"id":1000001}"#);
    let mut items = 1;
    for part in data.split(|b| *b == 0xFF) {
        let Ok(item) = std::str::from_utf8(part) else {
            continue;
        };
        body.push(',');
        body.push_str(item);
        body.push_str(r#",{"id":1000002}"#);
        items += 2;
    }
    body.push_str("]}");
    let Ok(list) = ews_core::decode::container_list(200, body.as_bytes()) else {
        return; // an item broke the JSON itself: the body is not an envelope
    };
    let readable = list.containers.len() + list.skipped.len();
    // An item may itself be several (`1,2`): never fewer than written.
    assert!(readable >= items, "{readable} < {items}: {body}");
    assert_eq!(list.containers.first().map(|c| c.id.0), Some(1000001));
    assert_eq!(
        list.containers.last().map(|c| c.id.0),
        Some(if items == 1 { 1000001 } else { 1000002 })
    );
    for w in list.skipped.windows(2) {
        assert!(w[0].index < w[1].index);
    }
    for s in &list.skipped {
        let _ = s.reason.to_string();
    }
});
