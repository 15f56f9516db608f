//! Requests, routing, the command-following policy, clock skew, the action
//! rule and credentials. Runs natively and in wasm.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use ews_core::clock;
use ews_core::command::{FollowPolicy, Next, Outcome};
use ews_core::request::{self, RouteError};
use ews_core::sign::{self, VerifyInput};
use ews_core::{
    Action, ApiErrorCode, Command, CommandId, CommandStatus, ContainerId, ContainerStatus,
    Credentials, Error, InvalidId, Method, Operation, SignMethod,
};

fn creds() -> Credentials {
    Credentials::new("t9xuit3pt202ou09", "s3cr3t", SignMethod::HmacMd5)
}

#[test]
fn builds_all_six_operations() {
    let id = ContainerId(242);
    let cmd = CommandId::new("ec8364b4-6c58-4c42-b410-c77d3aa0a5fe").unwrap();
    let cases = [
        (Operation::ListContainers, Method::Get, "/api/v1/container"),
        (
            Operation::GetContainer(id),
            Method::Get,
            "/api/v1/container/242",
        ),
        (
            Operation::StartContainer(id),
            Method::Post,
            "/api/v1/container/242/start",
        ),
        (
            Operation::StopContainer(id),
            Method::Post,
            "/api/v1/container/242/stop",
        ),
        (
            Operation::DeleteContainer(id),
            Method::Delete,
            "/api/v1/container/242",
        ),
        (
            Operation::GetCommand(cmd),
            Method::Get,
            "/api/v1/command/ec8364b4-6c58-4c42-b410-c77d3aa0a5fe",
        ),
    ];
    for (op, method, path) in cases {
        let req = request::build(&op, &creds(), 1_453_960_955_000);
        assert_eq!(req.method, method);
        assert_eq!(req.path, path);
        assert_eq!(
            req.query,
            "accesskey=t9xuit3pt202ou09&timestamp=1453960955000"
        );
        // Path parameters are not signed: every operation has the same signature.
        assert_eq!(req.authorization, "C5C3D6926C64C3AB83D443A2017AED9B");
        assert_eq!(
            req.url("https://open-ews.cloud.tmall.com/"),
            format!(
                "https://open-ews.cloud.tmall.com{path}?accesskey=t9xuit3pt202ou09&timestamp=1453960955000"
            )
        );
        // The server side routes it back to the same operation.
        assert_eq!(Operation::route(method.as_str(), &req.path), Ok(op));
        // And verifies it.
        let params = [
            ("accesskey", "t9xuit3pt202ou09"),
            ("timestamp", "1453960955000"),
        ];
        let v = VerifyInput {
            method: SignMethod::HmacMd5,
            secret: "s3cr3t",
            params: &params,
            authorization: Some(&req.authorization),
            now_ms: 1_453_960_955_000 + 60_000,
            window_ms: sign::DEFAULT_WINDOW_MS,
        };
        assert_eq!(sign::verify(&v), Ok(()));
    }
}

#[test]
fn sha1_credentials_sign_with_sha1() {
    let req = request::build(
        &Operation::ListContainers,
        &creds().with_method(SignMethod::HmacSha1),
        1_453_960_955_000,
    );
    assert_eq!(
        req.authorization,
        include_str!("vectors/protocol_example/hmac_sha1.txt")
    );
    assert_eq!(req.authorization.len(), 40);
    assert_eq!(
        req.authorization,
        sign::signature(
            SignMethod::HmacSha1,
            "s3cr3t",
            &[
                ("timestamp", "1453960955000"),
                ("accesskey", "t9xuit3pt202ou09")
            ]
        )
    );
}

#[test]
fn command_ids_have_a_strict_alphabet() {
    let op = Operation::GetCommand(CommandId::new("ec8364b4-6c58-4c42_b410").unwrap());
    assert_eq!(op.path(), "/api/v1/command/ec8364b4-6c58-4c42_b410");
    assert_eq!(Operation::route("GET", &op.path()), Ok(op));
    // Nothing that could become a path separator or a dot segment, encoded
    // or not, is a command id: the route refuses it before any request.
    for bad in [
        "a b", "a/b", "..", ".", "a.b", "a%2Fb", "a?b", "a#b", "é", "a\\b",
    ] {
        assert_eq!(CommandId::new(bad), Err(InvalidId::CommandBadChar), "{bad}");
    }
    for path in [
        "/api/v1/command/..%2F..%2Fcontainer",
        "/api/v1/command/%2E%2E",
        "/api/v1/command/a%2Fb",
        "/api/v1/command/%252F",
        "/api/v1/command/a%00b",
    ] {
        assert_eq!(
            Operation::route("GET", path),
            Err(RouteError::InvalidId(InvalidId::CommandBadChar)),
            "{path}"
        );
    }
    assert_eq!(CommandId::new(""), Err(InvalidId::EmptyCommand));
    assert_eq!(
        CommandId::new("x".repeat(129)),
        Err(InvalidId::CommandTooLong { len: 129 })
    );
    assert_eq!(CommandId::new("a\nb"), Err(InvalidId::CommandBadChar));
    let access = Credentials::new("a&b c", "s", SignMethod::HmacMd5);
    let req = request::build(&Operation::ListContainers, &access, 5);
    assert_eq!(req.query, "accesskey=a%26b%20c&timestamp=5");
}

#[test]
fn container_ids_are_validated() {
    assert_eq!(ContainerId::parse("242"), Ok(ContainerId(242)));
    for bad in [
        "",
        "-1",
        "+1",
        "1.5",
        "abc",
        "99999999999999999999999",
        " 1",
    ] {
        assert!(
            matches!(ContainerId::parse(bad), Err(InvalidId::Container { .. })),
            "{bad}"
        );
    }
    let e = ContainerId::parse(&"9".repeat(500)).unwrap_err();
    assert!(e.to_string().len() < 200, "{e}");
    assert!(Error::from(e).to_string().contains("not a container id"));
}

#[test]
fn routing_refuses_what_is_not_an_operation() {
    assert_eq!(
        Operation::route("GET", "/api/v1/container/"),
        Ok(Operation::ListContainers)
    );
    assert_eq!(
        Operation::route("GET", "/api/v1/containers"),
        Err(RouteError::NotFound)
    );
    assert_eq!(
        Operation::route("GET", "/api/v2/container"),
        Err(RouteError::NotFound)
    );
    assert_eq!(
        Operation::route("GET", "/api/v1/container/1/restart"),
        Err(RouteError::NotFound)
    );
    assert_eq!(
        Operation::route("GET", "/api/v1/container/1/start/x"),
        Err(RouteError::NotFound)
    );
    assert_eq!(
        Operation::route("GET", "/api/v1/service"),
        Err(RouteError::NotFound)
    );
    assert_eq!(Operation::route("GET", "/"), Err(RouteError::NotFound));
    assert!(matches!(
        Operation::route("POST", "/api/v1/container"),
        Err(RouteError::MethodNotAllowed { .. })
    ));
    assert!(matches!(
        Operation::route("GET", "/api/v1/container/1/start"),
        Err(RouteError::MethodNotAllowed { .. })
    ));
    assert!(matches!(
        Operation::route("PUT", "/api/v1/container/1"),
        Err(RouteError::MethodNotAllowed { .. })
    ));
    assert!(matches!(
        Operation::route("DELETE", "/api/v1/command/x"),
        Err(RouteError::MethodNotAllowed { .. })
    ));
    assert!(matches!(
        Operation::route("GET", "/api/v1/container/abc"),
        Err(RouteError::InvalidId(_))
    ));
    assert!(matches!(
        Operation::route("GET", "/api/v1/container/123456789012345678901234567890"),
        Err(RouteError::InvalidId(_))
    ));
    assert_eq!(
        Operation::route("GET", "/api/v1/command/%zz"),
        Err(RouteError::NotFound)
    );
    let e = Operation::route("PUT", "/api/v1/container/1").unwrap_err();
    assert_eq!(e.to_string(), "method not allowed here; use GET or DELETE");
}

#[test]
fn query_and_form_parsing() {
    let q = request::parse_query("accesskey=a%26b+c&timestamp=12&&flag").unwrap();
    assert_eq!(
        q,
        vec![
            ("accesskey".to_string(), "a&b c".to_string()),
            ("timestamp".to_string(), "12".to_string()),
            ("flag".to_string(), String::new())
        ]
    );
    assert_eq!(request::parse_query("a=%"), None);
    assert_eq!(request::parse_query("a=%ff"), None);
    assert_eq!(request::parse_query(""), Some(vec![]));
}

fn command(status: CommandStatus, result: &str, msg: &str) -> Command {
    let body = format!(
        r#"{{"code":"0","data":{{"commandId":"c1","status":"{}","result":"{result}","resultMsg":"{msg}"}}}}"#,
        status.as_str()
    );
    ews_core::decode::command(200, body.as_bytes()).unwrap()
}

#[test]
fn follow_policy_polls_quickly_then_backs_off_to_a_cap() {
    let p = FollowPolicy::default();
    let running = command(CommandStatus::Created, "", "");
    assert_eq!(p.after_status(0, &running), Next::PollIn(500));
    assert_eq!(p.after_status(500, &running), Next::PollIn(1_000));
    assert_eq!(p.after_status(4_000, &running), Next::PollIn(2_000));
    assert_eq!(p.after_status(60_000, &running), Next::PollIn(5_000));
    // Never sleeps past the deadline, then gives up with the last status.
    assert_eq!(
        p.after_status(p.timeout_ms - 10, &running),
        Next::PollIn(10)
    );
    assert_eq!(
        p.after_status(p.timeout_ms, &running),
        Next::Done(Outcome::TimedOut {
            last_status: Some(CommandStatus::Created),
            after_ms: p.timeout_ms
        })
    );
    // The delays never decrease.
    let mut last = 0;
    for t in (500..p.timeout_ms).step_by(777) {
        let d = p.delay_at(t);
        assert!(d >= last && d <= p.max_delay_ms);
        last = d;
    }
}

#[test]
fn follow_policy_outcomes() {
    let p = FollowPolicy::default();
    let ok = command(CommandStatus::Done, "200", "started");
    assert_eq!(
        p.after_status(3_000, &ok),
        Next::Done(Outcome::Succeeded {
            message: "started".into()
        })
    );
    let failed = command(
        CommandStatus::Done,
        "500",
        "docker start failed: no space left",
    );
    let Next::Done(outcome) = p.after_status(3_000, &failed) else {
        panic!()
    };
    assert!(outcome.is_failure());
    assert_eq!(
        outcome.to_string(),
        "failed (result 500): docker start failed: no space left"
    );
    let publish = command(CommandStatus::PublishFailed, "", "agent offline");
    assert_eq!(
        p.after_status(1, &publish),
        Next::Done(Outcome::PublishFailed {
            message: "agent offline".into()
        })
    );
    // DONE without "200" is not a success, even with a friendly message.
    assert!(
        !Outcome::of(&command(CommandStatus::Done, "", "ok"))
            .unwrap()
            .is_success()
    );
    // Unknown states keep polling.
    let odd = command(CommandStatus::Unknown("QUEUED".into()), "", "");
    assert!(matches!(p.after_status(10, &odd), Next::PollIn(_)));
}

#[test]
fn follow_policy_on_errors() {
    let p = FollowPolicy::default();
    let transient = Error::Http {
        status: 503,
        snippet: String::new(),
    };
    assert!(matches!(
        p.after_error(2_000, 1, &transient, None),
        Next::PollIn(_)
    ));
    let Next::Done(Outcome::Lost { reason }) =
        p.after_error(2_000, p.max_consecutive_errors, &transient, None)
    else {
        panic!()
    };
    assert!(reason.contains("HTTP 503"), "{reason}");
    let gone = Error::Api {
        status: 404,
        code: ApiErrorCode::ResourceNotExist,
        message: "no such command".into(),
        clock_skew_ms: None,
    };
    assert!(matches!(
        p.after_error(2_000, 1, &gone, None),
        Next::Done(Outcome::Lost { .. })
    ));
}

#[test]
fn follow_schedule_for_a_4s_command() {
    let (polls, seen_at) = FollowPolicy::default().schedule_for(4_000);
    assert!(polls <= 6, "{polls}");
    assert!((4_000..=6_000).contains(&seen_at), "{seen_at}");
}

#[test]
fn clock_skew_from_date_header() {
    assert_eq!(
        clock::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
        Some(784_111_777_000)
    );
    assert_eq!(
        clock::format_http_date(784_111_777_000),
        "Sun, 06 Nov 1994 08:49:37 GMT"
    );
    assert_eq!(clock::format_http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    for bad in [
        "",
        "yesterday",
        "Sun, 06 Nov 1994 08:49:37 PST",
        "Sun, 31 Feb 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 25:49:37 GMT",
    ] {
        assert_eq!(clock::parse_http_date(bad), None, "{bad}");
    }
    let server = 1_700_000_000_000i64;
    let date = clock::format_http_date(server);
    // Local clock 5 min behind: add 5 min (within the header's 1 s resolution).
    let local = (server - 300_000) as u64;
    let c = clock::correction_ms(&date, local).unwrap();
    assert!((299_000..=301_000).contains(&c), "{c}");
    assert_eq!(
        clock::corrected(local, c) / 1000,
        (server as u64 + 500) / 1000
    );
    // The correction (and with it the one retry of a sign error) moves only
    // when the clock moved by more than noise.
    let seen_at = |correction: i64, skew: i64| {
        let now = 1_700_000_000_000u64;
        let date = clock::format_http_date(now as i64 + skew - 500);
        ews_core::client::Clock::with_correction(correction).observe(Some(&date), now)
    };
    assert!(seen_at(0, c).is_some());
    assert_eq!(seen_at(c, c + 1_500), None);
    assert!(seen_at(c, c - 2_000).is_some());
    // Within noise: no correction.
    assert_eq!(clock::correction_ms(&date, server as u64 + 700), Some(0));
}

#[test]
fn action_rule() {
    use ContainerStatus as S;
    let allowed = |s: S| Action::usual(&s).collect::<Vec<_>>();
    assert_eq!(allowed(S::Stopped), vec![Action::Start, Action::Delete]);
    assert_eq!(allowed(S::Running), vec![Action::Stop]);
    assert_eq!(allowed(S::RunFailed), vec![Action::Start, Action::Stop]);
    assert_eq!(allowed(S::Starting), vec![]);
    assert_eq!(allowed(S::Unknown("NEW".into())), vec![]);
    // Every documented state has a defined answer and deleting never hits something running.
    for s in ContainerStatus::DOCUMENTED {
        if Action::Delete.usual_from(s) {
            assert!(!Action::Stop.usual_from(s), "{s}");
        }
    }
    assert_eq!(
        Action::of(&Action::Stop.operation(ContainerId(3))),
        Some((Action::Stop, ContainerId(3)))
    );
    assert_eq!(Action::parse("delete"), Some(Action::Delete));
}

#[test]
fn a_stuck_start_or_stop_makes_stopping_the_usual_way_out() {
    use ContainerStatus as S;
    use ews_core::action::{STUCK_AFTER_MS, is_stuck, passing_since};
    let now = 1_700_000_000_000u64;
    // Seen by the client 4 min ago: not stuck yet; 5 min: stuck.
    let mut c = ews_core::Container::new(ContainerId(7), S::Starting);
    c.create_time = ews_core::ApiTime::new("2016-01-28 14:22:35");
    let seen = Some(now - 4 * 60_000);
    assert_eq!(
        passing_since(&c, seen),
        seen,
        "createTime says nothing about STARTING"
    );
    assert!(!is_stuck(&c.status, passing_since(&c, seen), now));
    assert!(is_stuck(&c.status, passing_since(&c, seen), now + 60_000));
    assert!(!is_stuck(&c.status, None, now));
    assert!(Action::Stop.usual_when(&S::Starting, true));
    assert!(Action::Stop.usual_when(&S::Stopping, true));
    assert!(!Action::Stop.usual_when(&S::Starting, false));
    assert!(!Action::Delete.usual_when(&S::Starting, true));
    assert!(
        !Action::Stop.usual_when(&S::Allocating, true),
        "the service must place it"
    );
    // ALLOCATING: createTime counts (an allocation starts at creation).
    c.status = S::Allocating;
    let created = c.create_time.unix_ms(480).unwrap() as u64;
    assert_eq!(passing_since(&c, None), Some(created));
    assert_eq!(passing_since(&c, Some(now)), Some(created));
    assert!(is_stuck(
        &c.status,
        passing_since(&c, None),
        created + STUCK_AFTER_MS
    ));
    // Not a passing state: never stuck, whatever was seen.
    c.status = S::Running;
    assert_eq!(passing_since(&c, Some(0)), None);
    assert!(!is_stuck(&S::Running, Some(0), now));
    assert!(!is_stuck(&S::Unknown("MIGRATING".into()), Some(0), now));
}

#[test]
fn credentials_never_show_the_secret() {
    let c = Credentials::new("ak", "super-secret-value", SignMethod::HmacSha1);
    let shown = format!("{c:?} {c}");
    assert!(!shown.contains("super-secret-value"), "{shown}");
    assert!(shown.contains("***"));
    let req = request::build(&Operation::ListContainers, &c, 1);
    assert!(!format!("{req:?}").contains(&req.authorization));
    assert_eq!(c.secret(), "super-secret-value");
    assert_eq!(SignMethod::parse("HMAC-SHA1"), Some(SignMethod::HmacSha1));
    assert_eq!(SignMethod::parse("md5"), Some(SignMethod::HmacMd5));
    assert_eq!(SignMethod::parse("sha256"), None);
    assert_eq!(SignMethod::default(), SignMethod::HmacMd5);
}

#[test]
fn one_base_url_rule_for_every_client() {
    use request::{BaseUrlError, base_url};
    for (given, want) in [
        (
            "https://open-ews.cloud.tmall.com",
            "https://open-ews.cloud.tmall.com",
        ),
        (" HTTPS://Ews.Example.com/ ", "HTTPS://Ews.Example.com"),
        ("http://127.0.0.1:8080/api/v1/", "http://127.0.0.1:8080"),
        ("https://x/gw//", "https://x/gw"),
        ("https://x/gw/api/v1", "https://x/gw"),
    ] {
        assert_eq!(base_url(given).as_deref(), Ok(want), "{given:?}");
    }
    for (given, why) in [
        ("", BaseUrlError::Scheme),
        ("ews.example.com", BaseUrlError::Scheme),
        ("ftp://x", BaseUrlError::Scheme),
        ("/ews", BaseUrlError::Scheme),
        ("https://", BaseUrlError::NoHost),
        ("https:///x", BaseUrlError::NoHost),
        ("https://api/v1", BaseUrlError::NoHost),
        ("https://key:secret@x", BaseUrlError::UserInfo),
        ("https://x/?a=1", BaseUrlError::NotPlain),
        ("https://x/#f", BaseUrlError::NotPlain),
        ("https://x y", BaseUrlError::NotPlain),
        ("https://x\\y", BaseUrlError::NotPlain),
        ("https://x\ny", BaseUrlError::NotPlain),
    ] {
        assert_eq!(base_url(given), Err(why), "{given:?}");
        assert!(why.to_string().starts_with("it must"));
    }
}

#[test]
fn status_tables_are_one_list() {
    assert_eq!(ContainerStatus::TEXTS.len(), 11);
    assert_eq!(
        ContainerStatus::TEXTS.len(),
        ContainerStatus::DOCUMENTED.len()
    );
    for (i, s) in ContainerStatus::DOCUMENTED.iter().enumerate() {
        assert_eq!(s.index(), Some(i));
        assert_eq!(ContainerStatus::TEXTS[i], s.as_str());
        assert_eq!(ContainerStatus::parse(s.as_str()).index(), Some(i));
    }
    assert_eq!(ContainerStatus::parse("NEW_STATE").index(), None);
    assert_eq!(CommandStatus::TEXTS[4], "DONE");
    assert_eq!(CommandStatus::Done.index(), Some(4));
}

#[test]
fn every_state_has_a_meaning_in_both_languages() {
    use std::collections::HashSet;
    let mut en = HashSet::new();
    for s in ContainerStatus::DOCUMENTED {
        assert!(
            !s.meaning_en().is_empty() && !s.meaning_zh().is_empty(),
            "{s}"
        );
        assert!(en.insert(s.meaning_en()), "{s}: a meaning of its own");
    }
    assert!(
        ContainerStatus::RunFailed
            .meaning_en()
            .contains("docker process exists")
    );
    assert!(
        ContainerStatus::StartFailed
            .meaning_zh()
            .contains("docker 进程也不存在")
    );
    let unknown = ContainerStatus::parse("HIBERNATING");
    assert!(unknown.meaning_en().contains("does not list"));
}
