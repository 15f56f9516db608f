//! Property tests (native only: proptest needs std and a random source).
#![cfg(not(target_arch = "wasm32"))]

use ews_core::sign::{self, VerifyInput};
use ews_core::{SignMethod, decode, request};
use proptest::prelude::*;

fn method() -> impl Strategy<Value = SignMethod> {
    prop_oneof![Just(SignMethod::HmacMd5), Just(SignMethod::HmacSha1)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn decoding_arbitrary_bytes_never_panics(status in 0u16..1000, body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode::container_list(status, &body);
        let _ = decode::container(status, &body);
        let _ = decode::command(status, &body);
    }

    #[test]
    fn decoding_envelope_shaped_junk_never_panics(
        code in prop_oneof![Just("\"0\"".to_string()), Just("0".to_string()), "\"[0-9]{1,5}\"", Just("null".to_string())],
        data in prop_oneof![
            Just("null".to_string()), Just("[]".to_string()), Just("{}".to_string()),
            "\\[\\{\"id\":[-0-9a-z\"]{0,25}(,\"status\":\"[A-Z]{0,12}\")?\\}\\]",
            "\\{\"commandId\":[0-9a-z\"]{0,10},\"activitys\":(null|\\[\\]|\\[\\{\"steps\":null\\}\\])\\}",
        ],
        cut in 0usize..200,
    ) {
        let body = format!(r#"{{"code":{code},"message":"m","data":{data}}}"#);
        let body = &body.as_bytes()[..cut.min(body.len())];
        let _ = decode::container_list(200, body);
        let _ = decode::command(200, body);
    }

    #[test]
    fn signing_does_not_depend_on_parameter_order(
        m in method(),
        secret in ".{0,20}",
        params in proptest::collection::btree_map("[a-z_]{1,8}", ".{0,12}", 0..12),
        seed in any::<u64>(),
    ) {
        let mut pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let a = sign::signature(m, &secret, &pairs);
        // A deterministic shuffle.
        let mut s = seed;
        for i in (1..pairs.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            pairs.swap(i, (s >> 33) as usize % (i + 1));
        }
        prop_assert_eq!(a, sign::signature(m, &secret, &pairs));
    }

    #[test]
    fn sign_then_verify_round_trips(
        m in method(),
        secret in ".{0,24}",
        access in "[ -~]{1,24}",
        ts in 1u64..4_000_000_000_000,
        skew in -900_000i64..900_000,
        lower in any::<bool>(),
    ) {
        let creds = ews_core::Credentials::new(access.clone(), secret.clone(), m);
        let req = request::build(&ews_core::Operation::ListContainers, &creds, ts);
        let parsed = request::parse_query(&req.query).unwrap();
        let params: Vec<(&str, &str)> = parsed.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let auth = if lower { req.authorization.to_ascii_lowercase() } else { req.authorization.clone() };
        let input = VerifyInput {
            method: m,
            secret: &secret,
            params: &params,
            authorization: Some(&auth),
            now_ms: ts.saturating_add_signed(skew),
            window_ms: sign::DEFAULT_WINDOW_MS,
        };
        prop_assert_eq!(sign::verify(&input), Ok(()));
        // A different secret never verifies.
        let other = format!("{secret}x");
        let wrong = VerifyInput { secret: &other, ..input };
        prop_assert!(sign::verify(&wrong).is_err());
    }

    #[test]
    fn routing_arbitrary_paths_never_panics(method in "[A-Z]{0,7}", path in "(/api/v1/)?[a-z0-9%/._~-]{0,40}") {
        let _ = ews_core::Operation::route(&method, &path);
    }
}

/// Any JSON value a real service might put in a documented field.
fn odd_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("null".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        (-5i64..5).prop_map(|n| n.to_string()),
        (-1000.0f64..1000.0).prop_map(|f| format!("{f:.3}")),
        "[0-9]{1,6}".prop_map(|s| format!("\"{s}\"")),
        "[ -~&&[^\"\\\\]]{0,12}".prop_map(|s| format!("\"{s}\"")),
        Just("{\"a\":[1,{\"b\":null}]}".to_string()),
        Just("[1,\"x\"]".to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
    ]
}

const FIELDS: [&str; 11] = [
    "nodeId",
    "status",
    "createTime",
    "startTime",
    "stopTime",
    "hostId",
    "cpu",
    "mem",
    "disk",
    "health",
    "somethingNew",
];

/// A list item: `(Some(id), json)` when it is a container (a non-negative
/// id, as a number or a digit string, whatever else it holds), `(None,
/// json)` when it cannot be one.
fn item() -> impl Strategy<Value = (Option<u64>, String)> {
    let fields = proptest::collection::vec((0..FIELDS.len(), odd_value()), 0..8);
    let readable = (0u64..1u64 << 40, any::<bool>(), fields).prop_map(|(id, quoted, fields)| {
        let mut text = if quoted {
            format!("{{\"id\":\"{id}\"")
        } else {
            format!("{{\"id\":{id}")
        };
        for (f, v) in fields {
            text.push_str(&format!(",\"{}\":{v}", FIELDS[f]));
        }
        text.push('}');
        (Some(id), text)
    });
    let junk = prop_oneof![
        Just("null".to_string()),
        Just("\"a container\"".to_string()),
        Just("[1,2]".to_string()),
        Just("42".to_string()),
        Just("{}".to_string()),
        Just("{\"id\":null,\"status\":\"RUNNING\"}".to_string()),
        Just("{\"id\":-3}".to_string()),
        Just("{\"id\":\"c-7f3a\"}".to_string()),
        Just("{\"id\":1.5}".to_string()),
        Just("{\"id\":{\"n\":1}}".to_string()),
    ]
    .prop_map(|text| (None, text));
    prop_oneof![4 => readable, 1 => junk]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// One bad row never hides the fleet: every item that is a container
    /// comes through, in order, whatever odd values its fields hold, and
    /// every other item is accounted for at its position.
    #[test]
    fn the_readable_items_always_come_through(items in proptest::collection::vec(item(), 0..24)) {
        let data: Vec<&str> = items.iter().map(|(_, t)| t.as_str()).collect();
        let body = format!(r#"{{"code":"0","message":"success","data":[{}]}}"#, data.join(","));
        let list = decode::container_list(200, body.as_bytes())
            .unwrap_or_else(|e| panic!("{e}: {body}"));
        let want: Vec<u64> = items.iter().filter_map(|(id, _)| *id).collect();
        let got: Vec<u64> = list.containers.iter().map(|c| c.id.0).collect();
        prop_assert_eq!(got, want);
        let junk: Vec<usize> = items.iter().enumerate().filter(|(_, (id, _))| id.is_none()).map(|(i, _)| i).collect();
        let skipped: Vec<usize> = list.skipped.iter().map(|s| s.index).collect();
        prop_assert_eq!(skipped, junk);
    }
}
