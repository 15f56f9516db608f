//! Fault injection over real HTTP, each mode by flag and by the admin
//! endpoint: latency, 5xx, HTML pages, truncated JSON, `code≠0`, dropped
//! connections, commands that never finish, clock skew, the `ops` filter.

mod common;

use std::time::{Duration, Instant};

use common::{Reply, Sim, now_ms};
use ews_core::{CommandStatus, ContainerStatus, Error, Operation};

fn list(sim: &Sim) -> Reply {
    sim.call(&Operation::ListContainers)
}

fn decode(r: &Reply) -> Result<Vec<ews_core::Container>, Error> {
    ews_core::decode::container_list(r.status, &r.body).map(common::readable)
}

fn assert_5xx(r: &Reply) {
    assert!(matches!(r.status, 500 | 502 | 503), "{}", r.status);
    assert!(matches!(r.code().as_str(), "1001" | "1009"), "{}", r.text());
    assert!(r.message().contains("injected"), "{}", r.message());
    assert!(decode(r).unwrap_err().is_transient());
}

fn assert_html(r: &Reply) {
    assert_eq!(r.status, 502);
    assert!(
        r.header("content-type")
            .unwrap_or("")
            .starts_with("text/html")
    );
    assert!(r.text().contains("<html>"));
    assert!(matches!(decode(r), Err(Error::Http { status: 502, .. })));
}

fn assert_truncated(r: &Reply) {
    assert_eq!(r.status, 200);
    assert!(serde_json::from_slice::<serde_json::Value>(&r.body).is_err());
    match decode(r) {
        Err(Error::Malformed { reason, .. }) => assert!(reason.contains("cut short"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

fn assert_api_error(r: &Reply) {
    assert_eq!(r.status, 200);
    assert!(matches!(r.code().as_str(), "1001" | "1009"), "{}", r.text());
    assert!(matches!(decode(r), Err(Error::Api { .. })));
}

fn assert_dropped(sim: &Sim) {
    let (q, sig) = sim.signed_query();
    let r = sim.try_send(
        "GET",
        &format!("/api/v1/container?{q}"),
        &[("Authorization", &sig)],
        None,
    );
    assert!(r.is_err(), "expected a closed connection, got {r:?}");
    // A raw connection sees it closed with no bytes at all.
    let raw = sim.raw(
        format!("GET /api/v1/container?{q} HTTP/1.1\r\nHost: x\r\nAuthorization: {sig}\r\n\r\n")
            .as_bytes(),
    );
    assert!(raw.is_empty(), "{}", String::from_utf8_lossy(&raw));
}

#[test]
fn faults_are_off_by_default() {
    let sim = Sim::start(&[]);
    for _ in 0..50 {
        assert_eq!(list(&sim).status, 200);
    }
}

#[test]
fn server_errors_by_flag() {
    let sim = Sim::start(&["--fault-5xx", "1"]);
    let statuses: std::collections::BTreeSet<u16> = (0..30)
        .map(|_| {
            let r = list(&sim);
            assert_5xx(&r);
            r.status
        })
        .collect();
    assert!(statuses.len() > 1, "a mix of 5xx: {statuses:?}");
}

#[test]
fn html_pages_by_flag() {
    let sim = Sim::start(&["--fault-html", "1"]);
    assert_html(&list(&sim));
}

#[test]
fn truncated_json_by_flag_and_the_action_happens() {
    let sim = Sim::start(&["--fault-truncated", "1"]);
    assert_truncated(&list(&sim));
    // A start answered with cut JSON did start.
    let sim = Sim::start(&["--fault-truncated", "1", "--fault-ops", "start"]);
    let id = sim.first_in(ContainerStatus::Stopped);
    let r = sim.call(&Operation::StartContainer(id));
    assert_truncated(&r);
    assert_eq!(sim.container(id).unwrap().status, ContainerStatus::Starting);
}

#[test]
fn api_errors_by_flag() {
    let sim = Sim::start(&["--fault-api-error", "1"]);
    assert_api_error(&list(&sim));
}

#[test]
fn dropped_connections_by_flag() {
    let mut sim = Sim::start(&["--fault-drop", "1"]);
    assert_dropped(&sim);
    assert!(sim.alive());
}

#[test]
fn latency_by_flag() {
    let sim = Sim::start(&["--latency-ms", "300"]);
    let t = Instant::now();
    assert_eq!(list(&sim).status, 200);
    assert!(
        t.elapsed() >= Duration::from_millis(300),
        "{:?}",
        t.elapsed()
    );
}

#[test]
fn hanging_commands_by_flag() {
    let sim = Sim::start(&["--fault-hang", "1"]);
    let id = sim.first_in(ContainerStatus::Stopped);
    let cmd = sim.act(Operation::StartContainer(id));
    let seen = sim.follow(&cmd, Duration::from_millis(50), Duration::from_millis(500));
    let last = seen.last().unwrap();
    assert_eq!(last.status, CommandStatus::Running, "25 steps later");
    assert!(!last.activitys.is_empty());
    assert_eq!(sim.container(id).unwrap().status, ContainerStatus::Starting);
}

#[test]
fn clock_skew_by_flag() {
    let hour = 3_600_000;
    let sim = Sim::start(&["--clock-skew-ms", "3600000"]);
    let r = list(&sim);
    // Signed with the local clock: an hour behind the server's.
    r.assert_error(401, "1004");
    assert!(r.message().contains("behind"), "{}", r.message());
    let date = r.header("date").unwrap();
    let server = ews_core::clock::parse_http_date(date).unwrap();
    let skew = server - now_ms() as i64;
    assert!(
        (skew - hour as i64).abs() < 5_000,
        "Date is an hour ahead: {date}"
    );
    // A client that corrects with the Date header gets through.
    let correction = ews_core::clock::correction_ms(date, now_ms()).unwrap();
    let corrected = ews_core::clock::corrected(now_ms(), correction);
    let r = sim.call_with(&Operation::ListContainers, &sim.creds, corrected);
    assert_eq!(r.status, 200, "{}", r.text());
    // Times the API shows follow the server's clock.
    let id = sim
        .list_at(corrected)
        .into_iter()
        .find(|c| c.status == ContainerStatus::Stopped)
        .unwrap()
        .id;
    let r = sim.call_with(&Operation::StartContainer(id), &sim.creds, corrected);
    let cmd = ews_core::decode::command(r.status, &r.body).unwrap();
    let created = cmd.create_time.unix_ms(480).unwrap();
    assert!(
        (created - (now_ms() + hour) as i64).abs() < 5_000,
        "{created}"
    );
}

#[test]
fn ops_filter_limits_faults() {
    let sim = Sim::start(&["--fault-5xx", "1", "--fault-ops", "command,start"]);
    assert_eq!(list(&sim).status, 200);
    let id = sim.first_in(ContainerStatus::Stopped);
    assert_5xx(&sim.call(&Operation::StartContainer(id)));
    assert_eq!(
        sim.container(id).unwrap().status,
        ContainerStatus::Stopped,
        "a 5xx start had no effect"
    );
}

#[test]
fn faults_are_deterministic_for_a_seed() {
    let pattern = || {
        let sim = Sim::start(&["--fault-5xx", "0.5", "--seed", "3"]);
        (0..40).map(|_| list(&sim).status).collect::<Vec<_>>()
    };
    let a = pattern();
    assert_eq!(a, pattern());
    assert!(a.contains(&200) && a.iter().any(|s| *s >= 500), "{a:?}");
}

#[test]
fn admin_endpoint_sets_each_fault() {
    let mut sim = Sim::start(&["--admin"]);
    let r = sim.admin("GET", "/__admin/faults", None);
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["data"]["drop"], 0.0);
    let put = |body: &str| {
        let r = sim.admin("PUT", "/__admin/faults", Some(body));
        assert_eq!(r.status, 200, "{body}: {}", r.text());
        r
    };
    let off = r#"{"error_5xx":0,"html":0,"truncated":0,"api_error":0,"drop":0,"hang":0,"latency_ms":0,"clock_skew_ms":0}"#;

    put(r#"{"error_5xx":1}"#);
    assert_5xx(&list(&sim));
    put(off);
    assert_eq!(list(&sim).status, 200);

    put(r#"{"html":1}"#);
    assert_html(&list(&sim));
    put(off);

    put(r#"{"truncated":1}"#);
    assert_truncated(&list(&sim));
    put(off);

    put(r#"{"api_error":1}"#);
    assert_api_error(&list(&sim));
    put(off);

    put(r#"{"drop":1}"#);
    assert_dropped(&sim);
    put(off);

    put(r#"{"latency_ms":250}"#);
    let t = Instant::now();
    assert_eq!(list(&sim).status, 200);
    assert!(t.elapsed() >= Duration::from_millis(250));
    put(off);

    let r = put(r#"{"clock_skew_ms":-7200000}"#);
    assert_eq!(r.json()["data"]["clock_skew_ms"], -7_200_000);
    let r = list(&sim);
    r.assert_error(401, "1004");
    assert!(r.message().contains("ahead of"), "{}", r.message());
    put(off);

    put(r#"{"hang":1}"#);
    let id = sim.first_in(ContainerStatus::Running);
    let cmd = sim.act(Operation::StopContainer(id));
    let seen = sim.follow(&cmd, Duration::from_millis(50), Duration::from_millis(400));
    assert_eq!(seen.last().unwrap().status, CommandStatus::Running);
    put(off);

    put(r#"{"error_5xx":1,"ops":["get"]}"#);
    assert_eq!(list(&sim).status, 200);
    assert_5xx(&sim.call(&Operation::GetContainer(id)));

    // Reset puts the start-up faults back.
    sim.admin("POST", "/__admin/reset", None);
    assert_eq!(sim.call(&Operation::GetContainer(id)).status, 200);

    // Bad updates are refused and change nothing.
    for bad in [
        r#"{"drop":2}"#,
        r#"{"dorp":0.5}"#,
        r#"{"drop":0.6,"html":0.6}"#,
        r#"{"ops":["explode"]}"#,
        "not json",
        r#"{"latency_ms":-1}"#,
    ] {
        let r = sim.admin("PUT", "/__admin/faults", Some(bad));
        r.assert_error(400, "1002");
    }
    assert_eq!(
        sim.admin("GET", "/__admin/faults", None).json()["data"]["drop"],
        0.0
    );
    sim.admin("DELETE", "/__admin/faults", None)
        .assert_error(405, "1008");
    sim.admin("GET", "/__admin/nothing", None)
        .assert_error(404, "1008");
    assert_eq!(sim.admin("GET", "/__admin", None).status, 200);
    assert!(sim.alive());
}

#[test]
fn admin_endpoints_do_not_exist_without_the_flag() {
    let sim = Sim::start(&[]);
    for (method, path) in [
        ("GET", "/__admin"),
        ("GET", "/__admin/faults"),
        ("PUT", "/__admin/faults"),
        ("POST", "/__admin/reset"),
        ("POST", "/__admin/containers/2529/fail-next"),
    ] {
        sim.admin(method, path, Some(r#"{"drop":1}"#))
            .assert_error(404, "1008");
    }
    assert_eq!(list(&sim).status, 200);
}
