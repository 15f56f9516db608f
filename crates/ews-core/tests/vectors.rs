//! Golden signing vectors (computed by `vectors/gen.py` with Python's own
//! hmac/hashlib) against `ews_core::sign`, natively and in wasm.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use ews_core::SignMethod;
use ews_core::sign::{self, VerifyError, VerifyInput};

struct Case {
    name: &'static str,
    input: &'static str,
    string_to_sign: &'static str,
    md5: &'static str,
    sha1: &'static str,
}

macro_rules! cases {
    ($($name:literal),* $(,)?) => {
        &[$(Case {
            name: $name,
            input: include_str!(concat!("vectors/", $name, "/input.json")),
            string_to_sign: include_str!(concat!("vectors/", $name, "/string_to_sign.txt")),
            md5: include_str!(concat!("vectors/", $name, "/hmac_md5.txt")),
            sha1: include_str!(concat!("vectors/", $name, "/hmac_sha1.txt")),
        }),*]
    };
}

/// Every folder under `tests/vectors/` (checked by `every_folder_is_listed`).
const CASES: &[Case] = cases![
    "byte_order",
    "empty_secret",
    "empty_values",
    "long_secret",
    "many_params",
    "no_params",
    "prefix_names",
    "protocol_example",
    "reverse_order",
    "special_chars",
    "unicode",
];

#[derive(serde::Deserialize)]
struct Input {
    secret: String,
    params: Vec<(String, String)>,
}

fn load(case: &Case) -> Input {
    serde_json::from_str(case.input)
        .unwrap_or_else(|e| panic!("{}: bad input.json: {e}", case.name))
}

fn pairs(input: &Input) -> Vec<(&str, &str)> {
    input
        .params
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

#[test]
fn string_to_sign_matches() {
    for case in CASES {
        let input = load(case);
        assert_eq!(
            sign::string_to_sign(&input.secret, &pairs(&input)),
            case.string_to_sign,
            "{}",
            case.name
        );
    }
}

#[test]
fn signatures_match() {
    for case in CASES {
        let input = load(case);
        let p = pairs(&input);
        assert_eq!(
            sign::signature(SignMethod::HmacMd5, &input.secret, &p),
            case.md5,
            "{} md5",
            case.name
        );
        assert_eq!(
            sign::signature(SignMethod::HmacSha1, &input.secret, &p),
            case.sha1,
            "{} sha1",
            case.name
        );
    }
}

#[test]
fn protocol_example_is_the_documented_one() {
    let case = CASES.iter().find(|c| c.name == "protocol_example").unwrap();
    assert_eq!(
        case.string_to_sign,
        "s3cr3taccesskeyt9xuit3pt202ou09timestamp1453960955000s3cr3t"
    );
    assert_eq!(
        sign::signature(
            SignMethod::HmacMd5,
            "s3cr3t",
            &[
                ("accesskey", "t9xuit3pt202ou09"),
                ("timestamp", "1453960955000")
            ]
        ),
        case.md5
    );
}

#[test]
fn prefix_names_sort_by_name_not_joined_string() {
    let case = CASES.iter().find(|c| c.name == "prefix_names").unwrap();
    assert!(
        case.string_to_sign.starts_with("s3cr3taz"),
        "{}",
        case.string_to_sign
    );
}

#[test]
fn verify_accepts_either_case_and_rejects_tampering() {
    for case in CASES.iter().filter(|c| c.input.contains("\"timestamp\"")) {
        let input = load(case);
        let p = pairs(&input);
        let now: u64 = sign::param(&p, "timestamp")
            .and_then(|t| t.parse().ok())
            .unwrap_or(0);
        let has_required = ["accesskey", "timestamp"]
            .iter()
            .all(|n| sign::param(&p, n).is_some_and(|v| !v.is_empty()));
        if !has_required {
            continue;
        }
        for (method, sig) in [
            (SignMethod::HmacMd5, case.md5),
            (SignMethod::HmacSha1, case.sha1),
        ] {
            let lower = sig.to_ascii_lowercase();
            for provided in [sig, lower.as_str()] {
                let v = VerifyInput {
                    method,
                    secret: &input.secret,
                    params: &p,
                    authorization: Some(provided),
                    now_ms: now,
                    window_ms: sign::DEFAULT_WINDOW_MS,
                };
                assert_eq!(sign::verify(&v), Ok(()), "{} {method}", case.name);
            }
            let mut tampered = sig.to_string();
            let last = if tampered.ends_with('0') { "1" } else { "0" };
            tampered.replace_range(tampered.len() - 1.., last);
            let v = VerifyInput {
                method,
                secret: &input.secret,
                params: &p,
                authorization: Some(&tampered),
                now_ms: now,
                window_ms: sign::DEFAULT_WINDOW_MS,
            };
            assert!(
                matches!(sign::verify(&v), Err(VerifyError::BadSignature { .. })),
                "{}",
                case.name
            );
        }
    }
}

#[test]
fn verify_says_what_failed() {
    let secret = "s3cr3t";
    let p = [
        ("accesskey", "t9xuit3pt202ou09"),
        ("timestamp", "1453960955000"),
    ];
    let md5 = sign::signature(SignMethod::HmacMd5, secret, &p);
    let sha1 = sign::signature(SignMethod::HmacSha1, secret, &p);
    let base = VerifyInput {
        method: SignMethod::HmacMd5,
        secret,
        params: &p,
        authorization: Some(&md5),
        now_ms: 1_453_960_955_000,
        window_ms: sign::DEFAULT_WINDOW_MS,
    };
    // The client signed with SHA1, the server expects MD5.
    let e = sign::verify(&VerifyInput {
        authorization: Some(&sha1),
        ..base
    })
    .unwrap_err();
    assert_eq!(
        e,
        VerifyError::BadSignature {
            other_method: Some(SignMethod::HmacSha1),
            wrong_length: false
        }
    );
    assert!(e.to_string().contains("HMAC-SHA1"), "{e}");
    // Wrong secret.
    let e = sign::verify(&VerifyInput {
        secret: "other",
        ..base
    })
    .unwrap_err();
    assert!(e.to_string().contains("check the secret key"), "{e}");
    // 20 minutes late.
    let e = sign::verify(&VerifyInput {
        now_ms: base.now_ms + 20 * 60 * 1000,
        ..base
    })
    .unwrap_err();
    assert_eq!(
        e,
        VerifyError::StaleTimestamp {
            skew_ms: -20 * 60 * 1000,
            window_ms: sign::DEFAULT_WINDOW_MS
        }
    );
    assert!(e.to_string().contains("1200 s behind"), "{e}");
    // Missing pieces.
    let no_ts = [("accesskey", "t9xuit3pt202ou09")];
    assert_eq!(
        sign::verify(&VerifyInput {
            params: &no_ts,
            ..base
        }),
        Err(VerifyError::MissingParam("timestamp"))
    );
    assert_eq!(
        sign::verify(&VerifyInput {
            authorization: None,
            ..base
        }),
        Err(VerifyError::MissingSignature)
    );
    let bad_ts = [("accesskey", "t9xuit3pt202ou09"), ("timestamp", "soon")];
    assert_eq!(
        sign::verify(&VerifyInput {
            params: &bad_ts,
            ..base
        }),
        Err(VerifyError::BadTimestamp)
    );
    // Not hex at all, right length.
    let junk = "Z".repeat(32);
    assert!(matches!(
        sign::verify(&VerifyInput {
            authorization: Some(&junk),
            ..base
        }),
        Err(VerifyError::BadSignature { .. })
    ));
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn every_folder_is_listed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let listed: Vec<String> = CASES.iter().map(|c| c.name.to_string()).collect();
    assert_eq!(on_disk, listed, "add new vector folders to CASES");
}
