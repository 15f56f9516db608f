//! The six endpoints over real HTTP: shapes, every error code, signing
//! (both methods, query or form body), the fleet, and garbage input.

mod common;

use common::{ACCESS_KEY, SECRET_KEY, Sim, now_ms, parse_raw};
use ews_core::{CommandId, ContainerId, ContainerStatus, Credentials, Operation, SignMethod};

#[test]
fn first_line_is_the_address_then_the_credentials() {
    let sim = Sim::start(&[]);
    let first = &sim.banner[0];
    let port: u16 = first
        .strip_prefix("ews-sim listening on http://127.0.0.1:")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("{first}"));
    assert_ne!(port, 0, "the real bound port");
    let rest = sim.banner[1..].join("\n");
    assert!(
        rest.contains(ACCESS_KEY) && rest.contains(SECRET_KEY),
        "{rest}"
    );
    assert!(rest.contains("md5"), "{rest}");
    assert!(rest.contains("resets on restart"), "{rest}");
}

#[test]
fn list_has_the_documented_shape() {
    let sim = Sim::start(&[]);
    let r = sim.call(&Operation::ListContainers);
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-type")
            .unwrap_or("")
            .starts_with("application/json")
    );
    let date = r.header("date").expect("Date header");
    let server = ews_core::clock::parse_http_date(date).expect("HTTP date");
    assert!(
        (server - now_ms() as i64).abs() < 5_000,
        "Date is now: {date}"
    );
    let v = r.json();
    assert_eq!(
        (v["code"].as_str(), v["message"].as_str()),
        (Some("0"), Some("success"))
    );
    let data = v["data"].as_array().expect("array");
    assert_eq!(data.len(), 32, "default fleet size");
    // Exactly the documented field names and JSON types.
    let mut keys: Vec<&str> = data[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "cpu",
            "createTime",
            "disk",
            "health",
            "hostId",
            "id",
            "mem",
            "nodeId",
            "startTime",
            "status",
            "stopTime"
        ]
    );
    for c in data {
        assert!(
            c["id"].is_u64() && c["nodeId"].is_u64() && c["hostId"].is_u64(),
            "{c}"
        );
        assert!(
            c["cpu"].is_i64() && c["mem"].is_i64() && c["disk"].is_i64(),
            "{c}"
        );
        for t in ["createTime", "startTime", "stopTime"] {
            let s = c[t].as_str().expect("time is a string");
            assert!(
                s.is_empty() || ews_core::time::DateTime::parse(s).is_some(),
                "{t}: {s}"
            );
        }
        assert!(c["health"].is_string() && c["status"].is_string());
    }
    let list = common::readable(ews_core::decode::container_list(r.status, &r.body).unwrap());
    assert!(list.iter().all(|c| c.status.is_documented()));
}

#[test]
fn default_fleet_has_every_state_and_a_realistic_mix() {
    // Exactly the defaults (seed, size, fail rate), as a person gets them.
    let sim = Sim::start_exact(&[]);
    let list = sim.list();
    for s in ContainerStatus::DOCUMENTED {
        assert!(list.iter().any(|c| &c.status == s), "{s} missing");
    }
    assert!(list.iter().any(|c| c.cpu_shared()));
    assert!(list.iter().any(|c| c.cpu.unwrap_or(0) > 0));
    assert!(list.iter().any(|c| !c.start_time.is_set()));
    assert!(list.iter().any(|c| c.start_time.is_set()));
    assert!(list.iter().any(|c| !c.health.is_empty()));
    let nodes: std::collections::BTreeSet<_> = list.iter().filter_map(|c| c.node_id).collect();
    let hosts: std::collections::BTreeSet<_> = list.iter().filter_map(|c| c.host_id).collect();
    assert!(nodes.len() >= 3 && hosts.len() >= 2, "{nodes:?} {hosts:?}");
}

#[test]
fn same_seed_same_fleet_other_seed_other_fleet() {
    let key = |sim: &Sim| {
        sim.list()
            .into_iter()
            .map(|c| {
                (
                    c.id.0,
                    c.status.to_string(),
                    c.node_id,
                    c.host_id,
                    c.cpu,
                    c.mem,
                )
            })
            .collect::<Vec<_>>()
    };
    let a = Sim::start(&["--seed", "5"]);
    let b = Sim::start(&["--seed", "5"]);
    let c = Sim::start(&["--seed", "6"]);
    assert_eq!(key(&a), key(&b));
    assert_ne!(key(&a), key(&c));
}

#[test]
fn ten_thousand_containers() {
    let sim = Sim::start(&["--containers", "10000"]);
    let started = std::time::Instant::now();
    let r = sim.call(&Operation::ListContainers);
    let elapsed = started.elapsed();
    assert_eq!(r.status, 200);
    assert!(r.body.len() > 1_500_000, "{} bytes", r.body.len());
    let list = common::readable(ews_core::decode::container_list(r.status, &r.body).unwrap());
    assert_eq!(list.len(), 10_000);
    let ids: std::collections::BTreeSet<u64> = list.iter().map(|c| c.id.0).collect();
    assert_eq!(ids.len(), 10_000, "unique ids");
    assert!(elapsed.as_secs() < 5, "took {elapsed:?}");
    // One of them, by id.
    let last = list.last().unwrap();
    assert_eq!(sim.container(last.id).unwrap(), *last);
}

#[test]
fn get_container_matches_the_list() {
    let sim = Sim::start(&[]);
    let list = sim.list();
    for c in list.iter().take(5) {
        assert_eq!(&sim.container(c.id).unwrap(), c);
    }
}

#[test]
fn start_stop_delete_and_command_return_commands() {
    let sim = Sim::start(&[]);
    let stopped = sim.first_in(ContainerStatus::Stopped);
    let running = sim.first_in(ContainerStatus::Running);
    let allocated = sim.first_in(ContainerStatus::Allocated);
    for (op, name) in [
        (Operation::StartContainer(stopped), "container_start"),
        (Operation::StopContainer(running), "container_stop"),
        (Operation::DeleteContainer(allocated), "container_delete"),
    ] {
        let r = sim.call(&op);
        assert_eq!(r.status, 200, "{}", r.text());
        let v = r.json();
        let data = &v["data"];
        let mut keys: Vec<&str> = data
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "activitys",
                "commandId",
                "createTime",
                "endTime",
                "name",
                "result",
                "resultMsg",
                "status"
            ]
        );
        assert_eq!(data["name"], name);
        assert_eq!(data["status"], "CREATED");
        assert_eq!(data["result"], "");
        assert_eq!(data["endTime"], "");
        assert_eq!(data["activitys"], serde_json::json!([]));
        let id = data["commandId"].as_str().unwrap();
        assert_eq!(id.len(), 36, "a UUID: {id}");
        let got = sim.call(&Operation::GetCommand(CommandId::new(id).unwrap()));
        assert_eq!(got.status, 200);
        assert_eq!(got.json()["data"]["commandId"], id);
    }
}

#[test]
fn missing_parameters_answer_1003() {
    let sim = Sim::start(&[]);
    let ts = now_ms().to_string();
    let r = sim.send("GET", "/api/v1/container", &[("Authorization", "00")], None);
    r.assert_error(400, "1003");
    assert!(r.message().contains("accesskey"), "{}", r.message());
    let r = sim.send(
        "GET",
        &format!("/api/v1/container?accesskey={ACCESS_KEY}"),
        &[("Authorization", "00")],
        None,
    );
    r.assert_error(400, "1003");
    assert!(r.message().contains("timestamp"), "{}", r.message());
    let r = sim.send(
        "GET",
        &format!("/api/v1/container?accesskey=&timestamp={ts}"),
        &[],
        None,
    );
    r.assert_error(400, "1003");
}

#[test]
fn signature_problems_answer_1004_with_a_reason() {
    let sim = Sim::start(&[]);
    // Wrong secret.
    let wrong = Credentials::new(ACCESS_KEY, "not-the-secret", SignMethod::HmacMd5);
    let r = sim.call_with(&Operation::ListContainers, &wrong, now_ms());
    r.assert_error(401, "1004");
    assert!(r.message().contains("secret key"), "{}", r.message());
    // Unknown access key.
    let stranger = Credentials::new("someone-else", SECRET_KEY, SignMethod::HmacMd5);
    let r = sim.call_with(&Operation::ListContainers, &stranger, now_ms());
    r.assert_error(401, "1004");
    assert!(
        r.message().contains("access key") && r.message().contains("unknown"),
        "{}",
        r.message()
    );
    // No signature.
    let (query, _) = sim.signed_query();
    let r = sim.send("GET", &format!("/api/v1/container?{query}"), &[], None);
    r.assert_error(401, "1004");
    assert!(r.message().contains("Authorization"), "{}", r.message());
    // A parameter added after signing.
    let (query, sig) = sim.signed_query();
    let r = sim.send(
        "GET",
        &format!("/api/v1/container?{query}&extra=1"),
        &[("Authorization", &sig)],
        None,
    );
    r.assert_error(401, "1004");
    // Lower-case hex is accepted.
    let r = sim.send(
        "GET",
        &format!("/api/v1/container?{query}"),
        &[("Authorization", &sig.to_lowercase())],
        None,
    );
    assert_eq!(r.status, 200);
}

#[test]
fn timestamps_outside_fifteen_minutes_say_the_skew() {
    let sim = Sim::start(&[]);
    let old = now_ms() - 20 * 60_000;
    let r = sim.call_with(&Operation::ListContainers, &sim.creds, old);
    r.assert_error(401, "1004");
    let m = r.message();
    assert!(m.contains("behind") && m.contains("±900 s"), "{m}");
    let secs: u64 = m
        .split_whitespace()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    assert!((1195..=1205).contains(&secs), "skew in the message: {m}");
    let future = now_ms() + 16 * 60_000;
    let r = sim.call_with(&Operation::ListContainers, &sim.creds, future);
    r.assert_error(401, "1004");
    assert!(r.message().contains("ahead of"), "{}", r.message());
    // 14 minutes off is still inside the window.
    let r = sim.call_with(
        &Operation::ListContainers,
        &sim.creds,
        now_ms() - 14 * 60_000,
    );
    assert_eq!(r.status, 200);
    // Not a number.
    let r = sim.send(
        "GET",
        &format!("/api/v1/container?accesskey={ACCESS_KEY}&timestamp=yesterday"),
        &[("Authorization", "AB")],
        None,
    );
    r.assert_error(400, "1002");
}

#[test]
fn both_sign_methods_and_a_mismatch_message() {
    let md5 = Sim::start(&[]);
    let sha1 = Sim::start(&["--sign-method", "sha1"]);
    let md5_creds = Credentials::new(ACCESS_KEY, SECRET_KEY, SignMethod::HmacMd5);
    let sha1_creds = Credentials::new(ACCESS_KEY, SECRET_KEY, SignMethod::HmacSha1);
    assert!(sha1.banner.iter().any(|l| l.contains("sha1")));

    assert_eq!(
        md5.call_with(&Operation::ListContainers, &md5_creds, now_ms())
            .status,
        200
    );
    assert_eq!(
        sha1.call_with(&Operation::ListContainers, &sha1_creds, now_ms())
            .status,
        200
    );

    let r = md5.call_with(&Operation::ListContainers, &sha1_creds, now_ms());
    r.assert_error(401, "1004");
    assert!(
        r.message().contains("signed with HMAC-SHA1") && r.message().contains("checks HMAC-MD5"),
        "{}",
        r.message()
    );
    let r = sha1.call_with(&Operation::ListContainers, &md5_creds, now_ms());
    r.assert_error(401, "1004");
    assert!(
        r.message().contains("signed with HMAC-MD5") && r.message().contains("checks HMAC-SHA1"),
        "{}",
        r.message()
    );
}

#[test]
fn custom_credentials() {
    let sim = Sim::start(&["--access-key", "ak-1", "--secret-key", "sk-1"]);
    let creds = Credentials::new("ak-1", "sk-1", SignMethod::HmacMd5);
    assert_eq!(
        sim.call_with(&Operation::ListContainers, &creds, now_ms())
            .status,
        200
    );
    // The demo credentials are no longer accepted.
    sim.call(&Operation::ListContainers)
        .assert_error(401, "1004");
}

#[test]
fn form_body_post_is_signed_like_a_query() {
    let sim = Sim::start(&[]);
    let stopped = sim.first_in(ContainerStatus::Stopped);
    let (params, sig) = sim.signed_query();
    let r = sim.send(
        "POST",
        &format!("/api/v1/container/{stopped}/start"),
        &[
            ("Authorization", &sig),
            (
                "Content-Type",
                "application/x-www-form-urlencoded; charset=UTF-8",
            ),
        ],
        Some(params.as_bytes()),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["data"]["name"], "container_start");
    // A form body with a wrong signature is refused.
    let running = sim.first_in(ContainerStatus::Running);
    let r = sim.send(
        "POST",
        &format!("/api/v1/container/{running}/stop"),
        &[
            ("Authorization", "0123456789ABCDEF0123456789ABCDEF"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        Some(params.as_bytes()),
    );
    r.assert_error(401, "1004");
    // A form body that is not a form.
    let r = sim.send(
        "POST",
        &format!("/api/v1/container/{running}/stop"),
        &[
            ("Authorization", &sig),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        Some(b"accesskey=%zz"),
    );
    r.assert_error(400, "1002");
    // Too large.
    let big = vec![b'a'; 100 * 1024];
    let r = sim.send(
        "POST",
        &format!("/api/v1/container/{running}/stop"),
        &[("Content-Type", "application/x-www-form-urlencoded")],
        Some(&big),
    );
    r.assert_error(413, "1002");
}

#[test]
fn unknown_resources_answer_1005() {
    let sim = Sim::start(&[]);
    for op in [
        Operation::GetContainer(ContainerId(1)),
        Operation::StartContainer(ContainerId(1)),
        Operation::StopContainer(ContainerId(u64::MAX)),
        Operation::DeleteContainer(ContainerId(1)),
        Operation::GetCommand(CommandId::new("no-such-command").unwrap()),
    ] {
        let r = sim.call(&op);
        r.assert_error(404, "1005");
    }
}

#[test]
fn actions_the_service_does_not_take_answer_1007() {
    let sim = Sim::start(&[]);
    let running = sim.first_in(ContainerStatus::Running);
    let r = sim.call(&Operation::StartContainer(running));
    r.assert_error(409, "1007");
    assert!(r.message().contains("RUNNING"), "{}", r.message());
    sim.call(&Operation::DeleteContainer(running))
        .assert_error(409, "1007");
    let stopped = sim.first_in(ContainerStatus::Stopped);
    sim.call(&Operation::StopContainer(stopped))
        .assert_error(409, "1007");
    for transitional in [
        ContainerStatus::Allocating,
        ContainerStatus::Starting,
        ContainerStatus::Stopping,
    ] {
        let id = sim.first_in(transitional);
        for op in [
            Operation::StartContainer(id),
            Operation::DeleteContainer(id),
        ] {
            let r = sim.call(&op);
            r.assert_error(409, "1007");
            assert!(r.message().contains("it takes now"), "{}", r.message());
        }
    }
    let allocating = sim.first_in(ContainerStatus::Allocating);
    let r = sim.call(&Operation::StopContainer(allocating));
    r.assert_error(409, "1007");
    assert!(
        r.message().contains("nothing until its state changes"),
        "{}",
        r.message()
    );
}

#[test]
fn a_start_or_stop_that_hangs_can_still_be_stopped() {
    // What the advice-not-lock rule relies on: the service takes a stop
    // while a container is starting or stopping.
    let sim = Sim::start(&["--stuck", "2"]);
    let ids = [
        sim.first_in(ContainerStatus::Starting),
        sim.first_in(ContainerStatus::Stopping),
    ];
    for id in ids {
        let r = sim.call(&Operation::StopContainer(id));
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(sim.container(id).unwrap().status, ContainerStatus::Stopping);
    }
}

#[test]
fn passing_states_move_on_by_themselves_but_stuck_ones_do_not() {
    let sim = Sim::start(&["--settle-ms", "300", "--stuck", "3"]);
    let before = sim.list();
    let passing: Vec<_> = before
        .iter()
        .filter(|c| c.status.is_transitional())
        .map(|c| c.id)
        .collect();
    assert!(passing.len() > 3, "{} passing", passing.len());
    std::thread::sleep(std::time::Duration::from_millis(400));
    let after = sim.list();
    let still: Vec<_> = after
        .iter()
        .filter(|c| c.status.is_transitional())
        .collect();
    // Exactly the stuck ones stay: STARTING, STOPPING, ALLOCATING (no host yet).
    let states: Vec<&str> = still.iter().map(|c| c.status.as_str()).collect();
    assert_eq!(states.len(), 3, "{states:?}");
    for s in ["STARTING", "STOPPING", "ALLOCATING"] {
        assert!(states.contains(&s), "{states:?}");
    }
    assert!(still.iter().any(|c| c.host_id == Some(-1)));
    for c in after.iter().filter(|c| passing.contains(&c.id)) {
        if c.status == ContainerStatus::Running {
            assert!(c.start_time.is_set() && c.health == "healthy", "{c:?}");
        }
    }
}

#[test]
fn the_quirks_mode_serves_odd_rows_and_two_unreadable_items() {
    let sim = Sim::start(&["--quirks", "0.4"]);
    let r = sim.call(&Operation::ListContainers);
    let list = ews_core::decode::container_list(r.status, &r.body).expect("a list");
    assert_eq!(list.skipped.len(), 2, "{:?}", list.skipped);
    assert_eq!(list.containers.len(), 32, "every container comes through");
    assert!(list.containers.iter().any(|c| !c.odd.is_empty()));
    assert!(list.containers.iter().any(|c| c.host_id == Some(-1)));
    // A get of an odd container is odd the same way, and acting on it works.
    let odd = list.containers.iter().find(|c| !c.odd.is_empty()).unwrap();
    let one = sim.container(odd.id).unwrap();
    assert_eq!(one.odd, odd.odd);
    let plain = Sim::start(&[]);
    let r = plain.call(&Operation::ListContainers);
    let list = ews_core::decode::container_list(r.status, &r.body).unwrap();
    assert!(list.skipped.is_empty() && list.containers.iter().all(|c| c.odd.is_empty()));
}

#[test]
fn unknown_paths_and_wrong_methods() {
    let sim = Sim::start(&[]);
    let (q, sig) = sim.signed_query();
    let auth = [("Authorization", sig.as_str())];
    for path in [
        "/api/v1/nothing",
        "/api/v2/container",
        "/api",
        "/api/v1/container/1/restart",
        "/",
        "/favicon.ico",
        "/__admin/faults",
    ] {
        sim.send("GET", &format!("{path}?{q}"), &auth, None)
            .assert_error(404, "1008");
    }
    for (method, path, allow) in [
        ("POST", "/api/v1/container", "GET"),
        ("PUT", "/api/v1/container/2529", "GET, DELETE"),
        ("GET", "/api/v1/container/2529/start", "POST"),
        ("DELETE", "/api/v1/command/x", "GET"),
        ("HEAD", "/api/v1/container", "GET"),
    ] {
        let r = sim.send(method, &format!("{path}?{q}"), &auth, None);
        assert_eq!(r.status, 405, "{method} {path}");
        assert_eq!(r.header("allow"), Some(allow), "{method} {path}");
        if method != "HEAD" {
            r.assert_error(405, "1008");
        }
    }
}

#[test]
fn garbage_input_gets_envelopes_and_never_crashes() {
    let mut sim = Sim::start(&[]);
    let (q, sig) = sim.signed_query();
    let auth = format!("Authorization: {sig}\r\n");
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("GET", b"/api/v1/container?%%%".to_vec(), 400, "1002"),
        (
            "GET",
            b"/api/v1/container?accesskey=%ff%fe".to_vec(),
            400,
            "1002",
        ),
        (
            "GET",
            format!("/api/v1/container/abc?{q}").into_bytes(),
            400,
            "1002",
        ),
        (
            "GET",
            format!("/api/v1/container/99999999999999999999999999999?{q}").into_bytes(),
            400,
            "1002",
        ),
        (
            "GET",
            format!("/api/v1/container/-1?{q}").into_bytes(),
            400,
            "1002",
        ),
        (
            "GET",
            format!("/api/v1/container/{}?{q}", "9".repeat(5000)).into_bytes(),
            400,
            "1002",
        ),
        (
            "GET",
            format!("/api/v1/command/{}?{q}", "a".repeat(500)).into_bytes(),
            400,
            "1002",
        ),
        (
            "GET",
            format!("/api/v1/command/%zz?{q}").into_bytes(),
            404,
            "1008",
        ),
        (
            "GET",
            format!("/api/v1/command/%00?{q}").into_bytes(),
            400,
            "1002",
        ),
        (
            "BREW",
            format!("/api/v1/container?{q}").into_bytes(),
            405,
            "1008",
        ),
        (
            "GET",
            format!("/api/v1/container/1/2/3/4/5?{q}").into_bytes(),
            404,
            "1008",
        ),
        ("GET", b"/%ff%fe/..%2f..%2fetc/passwd".to_vec(), 404, "1008"),
        (
            "GET",
            format!("/api/v1/container?{q}&timestamp=1").into_bytes(),
            401,
            "1004",
        ),
    ];
    for (method, target, status, code) in cases {
        let r = sim.raw_request(method, &target, &auth);
        let shown = String::from_utf8_lossy(&target[..target.len().min(60)]).into_owned();
        assert_eq!(
            (r.status, r.code().as_str()),
            (status, code),
            "{shown}: {}",
            r.text()
        );
        assert!(r.header("date").is_some(), "{shown}");
    }
    // Not HTTP at all: hyper answers 400 by itself; the server lives on.
    let raw = sim.raw(b"\x00\x01\x02 garbage\r\n\r\n");
    if !raw.is_empty() {
        assert_eq!(parse_raw(&raw).status, 400);
    }
    let _ = sim.raw(b"GET /api/v1/container HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 5\r\n\r\nab");
    assert!(sim.alive());
    assert_eq!(sim.call(&Operation::ListContainers).status, 200);
}

#[test]
fn every_response_has_a_date_header() {
    let sim = Sim::start(&["--admin"]);
    for (method, path) in [
        ("GET", "/api/v1/container"),
        ("GET", "/nowhere"),
        ("OPTIONS", "/api/v1/container"),
        ("GET", "/__admin/faults"),
        ("POST", "/api/v1/container"),
    ] {
        let r = sim.send(method, path, &[], None);
        let date = r
            .header("date")
            .unwrap_or_else(|| panic!("{method} {path}"));
        assert!(ews_core::clock::parse_http_date(date).is_some(), "{date}");
    }
}

#[test]
fn help_version_and_bad_flags() {
    let bin = env!("CARGO_BIN_EXE_ews-sim");
    let out = std::process::Command::new(bin)
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--listen",
        "--access-key",
        "--secret-key",
        "--sign-method",
        "--seed",
        "--containers",
        "--static",
        "--step-ms",
        "--fail-rate",
        "--cors-origin",
        "--admin",
        "--fault-drop",
        "/__admin/containers/ID/fail-next",
        "in memory",
    ] {
        assert!(help.contains(flag), "{flag}");
    }
    let out = std::process::Command::new(bin)
        .arg("--version")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ews-sim "));
    for bad in [
        &["--bogus"][..],
        &["--sign-method", "sha256"],
        &["--fault-5xx", "2"],
    ] {
        let out = std::process::Command::new(bin).args(bad).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(!out.stderr.is_empty());
    }
    let out = std::process::Command::new(bin)
        .args(["--static", "/no/such/dir"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a directory"));
    // A port that is taken: a clear error, exit 1.
    let sim = Sim::start(&[]);
    let out = std::process::Command::new(bin)
        .args(["--listen", &sim.addr])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot listen"));
}

#[test]
fn commands_of_a_restarted_simulator_are_gone() {
    let sim = Sim::start(&[]);
    let stopped = sim.first_in(ContainerStatus::Stopped);
    let cmd = sim.act(Operation::StartContainer(stopped));
    drop(sim);
    let again = Sim::start(&[]);
    again
        .call(&Operation::GetCommand(cmd.command_id))
        .assert_error(404, "1005");
    assert_eq!(
        again.container(stopped).unwrap().status,
        ContainerStatus::Stopped,
        "state resets on restart"
    );
}
