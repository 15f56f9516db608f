//! Item-by-item list decoding: for any items, every readable container
//! comes through, in order, and every other item is accounted for once.
//! The fuzzer's bytes are split on 0xFF into items; each that is one whole
//! JSON value is placed in a list envelope between known-good containers
//! (a part that is not one value could join its neighbours into one item,
//! so it is left out).
#![no_main]

use ews_core::Container;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut body = String::from(r#"{"code":"0","message":"success","data":[{"id":1000001}"#);
    // The id each item should come through as (None: skipped).
    let mut expected: Vec<Option<u64>> = vec![Some(1000001)];
    for part in data.split(|b| *b == 0xFF) {
        let Ok(item) = std::str::from_utf8(part) else {
            continue;
        };
        // One whole value where an array item stands (not merely a
        // document: a leading BOM is allowed only at the very start).
        let wrapped = format!("[{item}]");
        let Ok(ews_core::json::Value::Arr(mut one)) = ews_core::json::parse(wrapped.as_bytes())
        else {
            continue;
        };
        if one.len() != 1 {
            continue;
        }
        let Some(value) = one.pop() else { continue };
        expected.push(Container::from_json(&value).ok().map(|c| c.id.0));
        expected.push(Some(1000002));
        body.push(',');
        body.push_str(item);
        body.push_str(r#",{"id":1000002}"#);
    }
    body.push_str("]}");
    let list = ews_core::decode::container_list(200, body.as_bytes())
        .unwrap_or_else(|e| panic!("a list of whole values is an envelope: {e}: {body}"));
    let got: Vec<u64> = list.containers.iter().map(|c| c.id.0).collect();
    let want: Vec<u64> = expected.iter().filter_map(|id| *id).collect();
    assert_eq!(got, want, "{body}");
    let skipped: Vec<usize> = list.skipped.iter().map(|s| s.index).collect();
    let want_skipped: Vec<usize> = expected
        .iter()
        .enumerate()
        .filter(|(_, id)| id.is_none())
        .map(|(i, _)| i)
        .collect();
    assert_eq!(skipped, want_skipped, "{body}");
    for s in &list.skipped {
        let _ = s.reason.to_string();
    }
});
