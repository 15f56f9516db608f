//! The server-side entry points (route, query parsing, verification, HTTP
//! dates) must never panic on request input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.splitn(4, '\n');
    let (method, path, query, auth) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next(),
    );
    let _ = ews_core::Operation::route(method, path);
    let _ = ews_core::clock::parse_http_date(query);
    if let Some(pairs) = ews_core::request::parse_query(query) {
        let params: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        for method in ews_core::SignMethod::ALL {
            let input = ews_core::sign::VerifyInput {
                method,
                secret: "s3cr3t",
                params: &params,
                authorization: auth,
                now_ms: 1_453_960_955_000,
                window_ms: ews_core::sign::DEFAULT_WINDOW_MS,
            };
            let _ = ews_core::sign::verify(&input).map_err(|e| e.to_string());
        }
    }
});
