//! Decoding: every JSON example of the seed document verbatim, and the odd
//! variants real servers and proxies send. Runs natively and in wasm.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use ews_core::decode;
use ews_core::json::ToJson;
use ews_core::{ApiErrorCode, CommandStatus, ContainerId, ContainerStatus, Error};

const SEED_LIST: &str = include_str!("fixtures/seed_list.json");
const SEED_GET: &str = include_str!("fixtures/seed_get.json");
const SEED_START: &str = include_str!("fixtures/seed_start.json");
const SEED_STOP: &str = include_str!("fixtures/seed_stop.json");
const SEED_DELETE: &str = include_str!("fixtures/seed_delete.json");
const COMMAND_DONE: &str = include_str!("fixtures/command_done.json");

#[test]
fn seed_list_verbatim_is_refused_because_of_its_ellipsis() {
    // The document elides entries with a bare `...`, which is not JSON: it must
    // be an error, never a silently short list.
    let e = decode::container_list(200, SEED_LIST.as_bytes()).unwrap_err();
    assert!(matches!(e, Error::Malformed { status: 200, .. }), "{e:?}");
    assert!(e.to_string().contains("not an EWS API response"), "{e}");
}

#[test]
fn seed_list_without_ellipsis() {
    let body = SEED_LIST.replace("    ...\n", "");
    let list = decode::container_list(200, body.as_bytes()).unwrap();
    assert!(list.skipped.is_empty());
    let list = list.containers;
    assert_eq!(list.len(), 2);
    let c = &list[0];
    assert_eq!(c.id, ContainerId(2529));
    assert_eq!(c.node_id, Some(1418));
    assert_eq!(c.status, ContainerStatus::Allocated);
    assert_eq!(c.create_time.raw(), "2016-01-28 14:22:35");
    assert!(!c.start_time.is_set());
    assert_eq!(c.host_id, Some(301));
    assert_eq!((c.cpu, c.mem, c.disk), (Some(0), Some(1024), Some(10240)));
    assert_eq!(c.health, "");
    assert_eq!(list[1].status, ContainerStatus::Running);
    assert_eq!(list[1].start_time.parsed().map(|d| d.hour), Some(13));
}

#[test]
fn seed_get() {
    let c = decode::container(200, SEED_GET.as_bytes()).unwrap();
    assert_eq!(c.id, ContainerId(2529));
    assert_eq!(c.status, ContainerStatus::Allocated);
}

#[test]
fn seed_commands() {
    for (body, name, id) in [
        (
            SEED_START,
            "container_start",
            "ec8364b4-6c58-4c42-b410-c77d3aa0a5fe",
        ),
        (
            SEED_STOP,
            "container_stop",
            "ddee2904-a0a9-46b3-9c23-82ebd4f2db6e",
        ),
        (
            SEED_DELETE,
            "container_delete",
            "f3bdc169-6243-40ed-a95d-92a8ceaa9836",
        ),
    ] {
        let cmd = decode::command(200, body.as_bytes()).unwrap();
        assert_eq!(cmd.command_id.as_str(), id);
        assert_eq!(cmd.name, name);
        assert_eq!(cmd.status, CommandStatus::Created);
        assert_eq!(cmd.result, "");
        assert!(!cmd.end_time.is_set());
        assert!(cmd.activitys.is_empty());
        assert!(!cmd.is_final());
    }
}

#[test]
fn command_with_activities_and_missing_msg() {
    let cmd = decode::command(200, COMMAND_DONE.as_bytes()).unwrap();
    assert!(cmd.succeeded());
    assert_eq!(cmd.activitys.len(), 2);
    assert_eq!(cmd.activitys[0].name, "PrepareParams");
    assert_eq!(cmd.activitys[0].steps[1].msg, None);
    assert_eq!(cmd.activitys[0].steps[0].msg.as_deref(), Some("ok"));
    let (act, step) = cmd.current_step().unwrap();
    assert_eq!(act.name, "StartContainer");
    assert_eq!(step.unwrap().step_name, "dockerStart");
}

#[test]
fn odd_but_valid_variants_decode() {
    let body = br#"{"code":0,"message":"success","extra":{"x":1},"data":[
        {"id":"42","nodeId":"7","status":"HIBERNATING","cpu":"-1","mem":2048.0,"hostId":null,"unknownField":[1,2]},
        {"id":43},
        {"id":44,"status":null,"createTime":null,"health":"healthy","startTime":"  "}
    ]}"#;
    let list = decode::container_list(200, body).unwrap().containers;
    assert_eq!(list[0].id, ContainerId(42));
    assert_eq!(list[0].node_id, Some(7));
    assert_eq!(
        list[0].status,
        ContainerStatus::Unknown("HIBERNATING".into())
    );
    assert!(list[0].cpu_shared());
    assert_eq!(list[0].mem, Some(2048));
    assert_eq!(list[0].host_id, None);
    assert_eq!(list[1].status, ContainerStatus::Unknown(String::new()));
    assert_eq!(list[1].mem, None);
    assert_eq!(list[2].health, "healthy");
    assert!(!list[2].start_time.is_set());
    // Empty list is a real empty list.
    assert!(
        decode::container_list(200, br#"{"code":"0","message":"success","data":[]}"#).unwrap()
            == ews_core::ContainerList::default()
    );
    // Numeric command id, numeric result, null activities.
    let cmd = decode::command(
        200,
        br#"{"code":"0","data":{"commandId":123,"status":"DONE","result":200,"activitys":null}}"#,
    )
    .unwrap();
    assert_eq!(cmd.command_id.as_str(), "123");
    assert!(cmd.succeeded());
    // Unknown command status.
    let cmd = decode::command(
        200,
        br#"{"code":"0","data":{"commandId":"x","status":"QUEUED"}}"#,
    )
    .unwrap();
    assert_eq!(cmd.status, CommandStatus::Unknown("QUEUED".into()));
    assert!(!cmd.is_final());
    // A byte-order mark and surrounding blanks.
    assert!(decode::container_list(200, b"\xEF\xBB\xBF  {\"code\":\"0\",\"data\":[]}\n").is_ok());
}

#[test]
fn api_errors_with_and_without_data() {
    for (code, typed) in [
        ("1001", ApiErrorCode::InternalError),
        ("1002", ApiErrorCode::ParamError),
        ("1003", ApiErrorCode::ParamRequired),
        ("1004", ApiErrorCode::SignError),
        ("1005", ApiErrorCode::ResourceNotExist),
        ("1006", ApiErrorCode::NoPermission),
        ("1007", ApiErrorCode::StatusError),
        ("1008", ApiErrorCode::ActionNotExist),
        ("1009", ApiErrorCode::Timeout),
        ("4242", ApiErrorCode::Other("4242".into())),
    ] {
        for body in [
            format!(r#"{{"code":"{code}","message":"boom"}}"#),
            format!(r#"{{"code":"{code}","message":"boom","data":null}}"#),
            format!(r#"{{"code":{code},"message":"boom","data":{{"unexpected":true}}}}"#),
        ] {
            for status in [200, 400, 500] {
                let e = decode::container_list(status, body.as_bytes()).unwrap_err();
                assert_eq!(e.api_code(), Some(&typed), "{body}");
                assert_eq!(e.http_status(), Some(status));
                let text = e.to_string();
                assert!(text.contains(code) && text.contains("boom"), "{text}");
            }
        }
    }
}

#[test]
fn sign_error_says_what_to_do_and_the_skew() {
    let e = decode::container_list(200, br#"{"code":"1004","message":"SignError"}"#).unwrap_err();
    assert!(e.is_sign_error());
    assert!(
        e.to_string()
            .contains("check the secret key and the sign method"),
        "{e}"
    );
    let e = decode::with_date(
        Err::<(), _>(e),
        Some("Thu, 28 Jan 2016 05:32:35 GMT"),
        1_453_957_355_000,
    )
    .unwrap_err();
    // Server 05:32:35.5, local 05:32:35 - 1800 s: the local clock is 1800 s behind.
    assert!(
        e.to_string()
            .contains("your clock is 1800 s behind the server's"),
        "{e}"
    );
}

#[test]
fn not_an_envelope_is_an_error_never_an_empty_list() {
    let cases: &[(u16, &[u8], &str)] = &[
        (200, b"", "empty"),
        (200, b"   \n", "empty"),
        (
            200,
            b"<html><body>502 Bad Gateway</body></html>",
            "not JSON",
        ),
        (
            200,
            br#"{"code":"0","message":"success","data":[{"id":1"#,
            "cut short",
        ),
        (200, b"[]", "envelope"),
        (200, br#"{"message":"success","data":[]}"#, "no `code`"),
        (200, b"\xff\xfe\x00garbage", "not JSON"),
    ];
    for (status, body, reason) in cases {
        let e = decode::container_list(*status, body).unwrap_err();
        assert!(matches!(e, Error::Malformed { .. }), "{e:?}");
        assert!(e.to_string().contains(reason), "{reason}: {e}");
    }
    // One container or command without data is an error, not a default.
    for body in [
        &br#"{"code":"0","message":"success"}"#[..],
        br#"{"code":"0","message":"success","data":null}"#,
    ] {
        for e in [
            decode::container(200, body).unwrap_err(),
            decode::command(200, body).unwrap_err(),
        ] {
            assert!(e.to_string().contains("without `data`"), "{e}");
        }
    }
    for (body, reason) in [
        (
            &br#"{"code":"0","data":[{"id":1}]}"#[..],
            "is a list, not an object",
        ),
        (br#"{"code":"0","data":{"status":"RUNNING"}}"#, "has no id"),
        (
            br#"{"code":"0","data":{"id":-5}}"#,
            "its id -5 is not a container id",
        ),
    ] {
        let e = decode::container(200, body).unwrap_err();
        assert!(matches!(e, Error::Malformed { .. }), "{e:?}");
        assert!(e.to_string().contains(reason), "{reason}: {e}");
    }
    let e = decode::command(200, br#"{"code":"0","data":{"status":"DONE"}}"#).unwrap_err();
    assert!(e.to_string().contains("it has no commandId"), "{e}");
}

#[test]
fn a_list_degrades_item_by_item() {
    // `data` null or missing on success: an empty fleet, not an error.
    for body in [
        &br#"{"code":"0","message":"success"}"#[..],
        br#"{"code":"0","message":"success","data":null}"#,
    ] {
        assert_eq!(
            decode::container_list(200, body).unwrap(),
            ews_core::ContainerList::default()
        );
    }
    // Items without a usable id are accounted for, and never hide the rest.
    let list = decode::container_list(
        200,
        br#"{"code":"0","data":[{"status":"RUNNING"},{"id":7},{"id":-5},"oops",{"id":{"x":1}},{"id":"8x"},{"id":9}]}"#,
    )
    .unwrap();
    let ids: Vec<u64> = list.containers.iter().map(|c| c.id.0).collect();
    assert_eq!(ids, [7, 9]);
    let skipped: Vec<(usize, Option<&str>, String)> = list
        .skipped
        .iter()
        .map(|s| (s.index, s.id.as_deref(), s.reason.to_string()))
        .collect();
    assert_eq!(
        skipped,
        [
            (0, None, "it has no id".into()),
            (2, Some("-5"), "its id -5 is not a container id".into()),
            (3, None, "it is a string, not an object".into()),
            (
                4,
                Some(r#"{"x":1}"#),
                r#"its id {"x":1} is not a container id"#.into()
            ),
            (
                5,
                Some(r#""8x""#),
                r#"its id "8x" is not a container id"#.into()
            ),
        ]
    );
    assert_eq!(list.skipped[0].raw, r#"{"status":"RUNNING"}"#);
    // A single object where a list was expected is a list of one.
    let one = decode::container_list(200, br#"{"code":"0","data":{"id":3}}"#).unwrap();
    assert_eq!(one.containers.len(), 1);
    // `data` that is neither: no container, one account of why.
    let odd = decode::container_list(200, br#"{"code":"0","data":"none"}"#).unwrap();
    assert!(odd.containers.is_empty());
    assert_eq!(
        odd.skipped[0].reason.to_string(),
        "`data` is a string, not a list"
    );
}

#[test]
fn odd_fields_are_kept_never_fatal() {
    let body = br#"{"code":"0","data":[{"id":1,"hostId":-1,"nodeId":"12","cpu":0.5,"mem":"a lot","disk":{"size":10},"health":["ok"],"status":7,"createTime":1453960955,"startTime":{"t":1},"stopTime":"","extra":"ignored"}]}"#;
    let list = decode::container_list(200, body).unwrap();
    assert!(list.skipped.is_empty());
    let c = &list.containers[0];
    assert_eq!(c.host_id, Some(-1), "-1 is a Long: not placed");
    assert_eq!(c.node_id, Some(12));
    assert_eq!((c.cpu, c.mem, c.disk), (None, None, None));
    assert_eq!(c.odd("cpu"), Some("0.5"));
    assert_eq!(c.odd("mem"), Some(r#""a lot""#));
    assert_eq!(c.odd("disk"), Some(r#"{"size":10}"#));
    assert_eq!(c.health, r#"["ok"]"#);
    assert_eq!(c.odd("health"), Some(r#"["ok"]"#));
    assert_eq!(c.status, ContainerStatus::Unknown("7".into()));
    assert_eq!(c.create_time.raw(), "1453960955");
    assert_eq!(c.start_time.raw(), r#"{"t":1}"#);
    assert_eq!(c.odd("startTime"), Some(r#"{"t":1}"#));
    assert!(!c.stop_time.is_set());
    assert_eq!(c.odd("extra"), None);
    // What was odd is written back, so the SDK's users see it too.
    let json = c.to_json();
    assert!(json.ends_with(r#""odd":{"cpu":"0.5","mem":"\"a lot\"","disk":"{\"size\":10}","startTime":"{\"t\":1}","health":"[\"ok\"]"}}"#), "{json}");
    // Commands: an unknown status, activities that are not a list, steps
    // that are not objects.
    let cmd = decode::command(
        200,
        br#"{"code":"0","data":{"commandId":"c","status":"QUEUED","activitys":{"a":1}}}"#,
    )
    .unwrap();
    assert!(cmd.activitys.is_empty());
    let cmd = decode::command(
        200,
        br#"{"code":"0","data":{"commandId":"c","status":"RUNNING","activitys":[1,{"name":"A","steps":["x",{"stepName":"s","msg":null}]}]}}"#,
    )
    .unwrap();
    assert_eq!(cmd.activitys.len(), 1);
    assert_eq!(cmd.activitys[0].steps.len(), 1);
    assert_eq!(cmd.activitys[0].steps[0].msg, None);
}

#[test]
fn http_failures_without_envelope() {
    for status in [404u16, 500, 502, 503, 504] {
        let e =
            decode::container_list(status, b"<html><title>Bad Gateway</title></html>").unwrap_err();
        assert_eq!(
            e,
            Error::Http {
                status,
                snippet: "<html><title>Bad Gateway</title></html>".into()
            }
        );
        assert!(
            e.to_string()
                .starts_with(&format!("HTTP {status} without an API response")),
            "{e}"
        );
    }
    assert!(decode::container_list(502, b"").unwrap_err().is_transient());
    assert!(!decode::container_list(404, b"").unwrap_err().is_transient());
}

#[test]
fn snippets_are_short_and_safe() {
    let mut body = String::from("<html>\n\t<body>");
    body.push_str(&"x".repeat(1000));
    let e = decode::container_list(500, body.as_bytes()).unwrap_err();
    let Error::Http { snippet, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(snippet.chars().count() <= 81, "{snippet}");
    assert!(snippet.starts_with("<html> <body>xxx"), "{snippet}");
    assert!(snippet.ends_with('…'));
    assert!(!snippet.contains('\n'));
}

#[test]
fn encodes_with_the_api_field_names() {
    let body = SEED_LIST.replace("    ...\n", "");
    let list = decode::container_list(200, body.as_bytes()).unwrap();
    let json = list.containers[0].to_json();
    assert_eq!(
        json,
        r#"{"id":2529,"nodeId":1418,"status":"ALLOCATED","createTime":"2016-01-28 14:22:35","startTime":"","stopTime":"","hostId":301,"cpu":0,"mem":1024,"disk":10240,"health":""}"#
    );
    let cmd = decode::command(200, COMMAND_DONE.as_bytes()).unwrap();
    let json = cmd.to_json();
    assert!(json.contains(r#""activitys":[{"commandId":"#), "{json}");
    assert!(json.contains(r#""resultMsg":"success""#), "{json}");
    // Round trip.
    let env = format!(r#"{{"code":"0","message":"success","data":{json}}}"#);
    let again = decode::command(200, env.as_bytes()).unwrap();
    assert_eq!(again, cmd);
    // And the independent reader agrees that it is JSON.
    assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
}

#[test]
fn numbers_in_text_fields_read_as_text() {
    // Some servers send a text field as a JSON number: whole floats read as
    // integers ("200.0" is result "200"), fractions keep their digits.
    let body =
        br#"{"code":"0","data":{"commandId":"c1","status":"DONE","result":200.0,"resultMsg":1.5}}"#;
    let cmd = decode::command(200, body).unwrap();
    assert_eq!(cmd.result, "200");
    assert!(cmd.succeeded());
    assert_eq!(cmd.result_msg, "1.5");
    let body =
        br#"{"code":"0","data":{"commandId":"c1","status":"DONE","result":-3,"resultMsg":0.25}}"#;
    let cmd = decode::command(200, body).unwrap();
    assert_eq!(
        (cmd.result.as_str(), cmd.result_msg.as_str()),
        ("-3", "0.25")
    );
}
