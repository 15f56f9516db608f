//! Replays the exchange traces of `tests/traces/` (see its README) through
//! the client brain: a reference driver that does what the console, the SDK
//! and the edge worker do — send what [`Client`] says, hand back what came,
//! wait what [`Follower`] says — and checks every request, its time, and the
//! end of each call. Runs natively and in wasm; the SDK replays the same
//! files through `EwsClient` (tests/js/traces.test.mjs).

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use ews_core::client::{Answer, Client, NoAnswer, Request, Verdict};
use ews_core::follow::Follower;
use ews_core::json::ToJson;
use ews_core::{
    Command, CommandId, ContainerId, Credentials, Error, FollowPolicy, Next, Operation, Outcome,
    SignMethod, clock, decode,
};
use serde_json::{Value, json};

macro_rules! traces {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("traces/", $name, ".json")))),*]
    };
}

/// Every trace file (the native test below checks that none is missing).
const TRACES: &[(&str, &str)] = traces![
    "api_error_codes",
    "clock_skew_then_retry",
    "command_fails",
    "command_publish_failed",
    "command_succeeds",
    "date_garbled",
    "date_in_the_past",
    "date_missing",
    "deadline",
    "edge_mode",
    "html_page",
    "no_answer",
    "odd_items_in_a_list",
    "second_sign_error_no_loop",
    "server_error_5xx",
    "transient_errors_past_the_limit",
    "transient_errors_ridden_out",
    "truncated_body",
];

struct Replay<'t> {
    name: &'t str,
    start: u64,
    endpoint: String,
    client: &'t mut Client,
    exchanges: std::slice::Iter<'t, Value>,
    /// Local time, ms since 1970.
    now: u64,
}

fn num(v: &Value, what: &str) -> i64 {
    v.as_i64()
        .unwrap_or_else(|| panic!("{what} must be a number: {v}"))
}

fn policy(v: &Value) -> FollowPolicy {
    let d = FollowPolicy::default();
    let get = |k: &str, d: u64| v.get(k).and_then(Value::as_u64).unwrap_or(d);
    FollowPolicy {
        first_delay_ms: get("firstDelayMs", d.first_delay_ms),
        min_delay_ms: get("minDelayMs", d.min_delay_ms),
        elapsed_percent: get("elapsedPercent", d.elapsed_percent),
        max_delay_ms: get("maxDelayMs", d.max_delay_ms),
        timeout_ms: get("timeoutMs", d.timeout_ms),
        max_consecutive_errors: get("maxConsecutiveErrors", d.max_consecutive_errors.into()) as u32,
    }
}

fn operation(call: &Value) -> Operation {
    let id = || ContainerId(call["id"].as_u64().expect("a container id"));
    match call["op"].as_str().expect("op") {
        "list" => Operation::ListContainers,
        "get" => Operation::GetContainer(id()),
        "start" => Operation::StartContainer(id()),
        "stop" => Operation::StopContainer(id()),
        "delete" => Operation::DeleteContainer(id()),
        "command" => Operation::GetCommand(CommandId::new(call["id"].as_str().unwrap()).unwrap()),
        other => panic!("unknown op {other}"),
    }
}

/// Decodes the answer to `op` and re-encodes the value as the SDK hands it
/// out (a list as `{"containers", "skipped"}`).
fn decode_for(op: &Operation, status: u16, body: &[u8]) -> Result<Value, Error> {
    let json = |text: String| serde_json::from_str::<Value>(&text).expect("the core writes JSON");
    match op {
        Operation::ListContainers => decode::container_list(status, body).map(|v| {
            json!({
                "containers": json(v.containers.to_json()),
                "skipped": json(v.skipped.to_json()),
            })
        }),
        Operation::GetContainer(_) => decode::container(status, body).map(|v| json(v.to_json())),
        _ => decode::command(status, body).map(|v| json(v.to_json())),
    }
}

/// A command given as JSON (the trace's, or one the harness decoded).
fn command(v: &Value) -> Command {
    let text = v.to_string();
    Command::from_json(&ews_core::json::parse(text.as_bytes()).unwrap()).expect("a command")
}

impl<'t> Replay<'t> {
    fn at(&self) -> i64 {
        self.now as i64 - self.start as i64
    }

    /// The next exchange: checks `req` against what it expects to be sent
    /// now, moves the clock to the answer's arrival, and gives the answer.
    fn exchange(&mut self, req: &Request) -> (u16, Option<String>, Vec<u8>, bool) {
        let name = self.name;
        let x = self
            .exchanges
            .next()
            .unwrap_or_else(|| panic!("{name}: an unexpected request at {}: {req:?}", self.at()));
        let send = &x["send"];
        assert_eq!(
            num(&x["at"], "at"),
            self.at(),
            "{name}: when {req:?} is sent"
        );
        assert_eq!(req.method.as_str(), send["method"], "{name}: method");
        assert_eq!(req.path, send["path"], "{name}: path");
        match &send["timestamp"] {
            Value::Null => {
                assert_eq!(req.timestamp, None, "{name}: an unsigned request");
                assert!(
                    req.authorization.is_none() && req.query.is_empty(),
                    "{name}"
                );
            }
            t => {
                let want = (self.start as i64 + num(t, "timestamp")) as u64;
                assert_eq!(
                    req.timestamp,
                    Some(want),
                    "{name}: signed timestamp at {}",
                    self.at()
                );
                // The signature is the core's own, over exactly this query.
                let query = format!("accesskey=ews-demo&timestamp={want}");
                assert_eq!(req.query, query, "{name}");
                let sig = ews_core::sign::signature(
                    SignMethod::HmacMd5,
                    "ews-demo-secret",
                    &[("accesskey", "ews-demo"), ("timestamp", &want.to_string())],
                );
                assert_eq!(req.authorization.as_deref(), Some(sig.as_str()), "{name}");
            }
        }
        let answer = &x["answer"];
        self.now += num(&answer["after"], "after") as u64;
        if answer.get("none").is_some() {
            return (0, None, Vec::new(), false);
        }
        let date = match (&answer["date"], &answer["skew"]) {
            (Value::String(d), _) => Some(d.clone()),
            (_, Value::Number(s)) => Some(clock::format_http_date(
                self.now as i64 + s.as_i64().unwrap(),
            )),
            _ => None,
        };
        let body = match (&answer["json"], &answer["body"]) {
            (Value::Null, Value::String(b)) => b.clone().into_bytes(),
            (j, _) => serde_json::to_vec(j).unwrap(),
        };
        let status = num(&answer["status"], "status") as u16;
        (status, date, body, true)
    }

    /// One operation, driven to its end (the way every driver does).
    fn call(&mut self, op: Operation) -> Result<Value, Error> {
        let (mut ex, mut req) = self.client.begin(op.clone(), self.now);
        loop {
            let (status, date, body, answered) = self.exchange(&req);
            if !answered {
                return Err(self
                    .client
                    .no_answer(&ex, NoAnswer::Unreachable, &self.endpoint, ""));
            }
            let answer = Answer {
                status,
                date: date.as_deref(),
                body: &body,
                now_ms: self.now,
            };
            match self
                .client
                .answer(&mut ex, &answer, |s, b| decode_for(&op, s, b))
            {
                Verdict::Done(result) => return result,
                Verdict::Resend(next) => req = next,
            }
        }
    }

    /// Follows a command to its end.
    fn follow(&mut self, call: &Value, policy: FollowPolicy) -> (Outcome, u32) {
        let id = CommandId::new(call["id"].as_str().unwrap()).unwrap();
        let first = match &call["first"] {
            Value::Null => None,
            c => Some(command(c)),
        };
        let mut follower = Follower::new(policy, self.now);
        let mut next = follower.start(self.now, first.as_ref());
        loop {
            match next {
                Next::Done(outcome) => return (outcome, follower.polls()),
                Next::PollIn(ms) => self.now += ms,
            }
            next = match self.call(Operation::GetCommand(id.clone())) {
                Ok(v) => follower.on_command(self.now, &command(&v)),
                Err(e) => follower.on_error(self.now, &e),
            };
        }
    }
}

fn check_error(name: &str, e: &Error, want: &Value) {
    let got = json!({
        "kind": e.kind(),
        "code": e.api_code().map(|c| c.code()),
        "status": e.http_status(),
        "transient": e.is_transient(),
        "signError": e.is_sign_error(),
        "clockSkewMs": match e { Error::Api { clock_skew_ms, .. } => json!(clock_skew_ms), _ => Value::Null },
    });
    for (k, v) in want.as_object().unwrap() {
        if k == "says" {
            let text = e.to_string();
            assert!(
                text.contains(v.as_str().unwrap()),
                "{name}: {text:?} lacks {v}"
            );
        } else {
            assert_eq!(&got[k], v, "{name}: error field {k} of {e:?}");
        }
    }
}

fn replay(name: &str, text: &str) {
    let t: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut client = match t["mode"].as_str() {
        Some("edge") => Client::edge(),
        _ => Client::direct(Credentials::new(
            "ews-demo",
            "ews-demo-secret",
            SignMethod::HmacMd5,
        )),
    };
    let start = t["start"].as_u64().unwrap();
    let policy = policy(&t["policy"]);
    for (i, call) in t["calls"].as_array().unwrap().iter().enumerate() {
        let mut r = Replay {
            name,
            start,
            endpoint: t["endpoint"].as_str().unwrap_or_default().to_string(),
            client: &mut client,
            exchanges: call["exchanges"].as_array().unwrap().iter(),
            now: start + num(&call["at"], "at") as u64,
        };
        let what = &call["call"];
        let expect = &call["expect"];
        if what["op"] == "follow" {
            let (outcome, polls) = r.follow(what, policy);
            let want = &expect["outcome"];
            assert_eq!(want["kind"], outcome.kind(), "{name}: outcome {outcome:?}");
            if let Some(p) = want.get("polls") {
                assert_eq!(p, polls, "{name}: polls");
            }
            if let Some(says) = want.get("says") {
                let text = outcome.to_string();
                assert!(
                    text.contains(says.as_str().unwrap()),
                    "{name}: {text:?} lacks {says}"
                );
            }
        } else {
            match (
                r.call(operation(what)),
                expect.get("value"),
                expect.get("error"),
            ) {
                (Ok(v), Some(want), _) if v.get("containers").is_some() => {
                    assert_eq!(&v["containers"], want, "{name}: call {i}'s containers");
                    let skipped = expect.get("skipped").cloned().unwrap_or(json!([]));
                    assert_eq!(v["skipped"], skipped, "{name}: call {i}'s skipped items");
                }
                (Ok(v), Some(want), _) => assert_eq!(&v, want, "{name}: call {i}'s value"),
                (Err(e), _, Some(want)) => check_error(name, &e, want),
                (got, ..) => panic!("{name}: call {i} ended {got:?}, expected {expect}"),
            }
        }
        assert!(
            r.exchanges.next().is_none(),
            "{name}: call {i} sent too few requests"
        );
        assert_eq!(
            r.client.correction_ms(),
            num(&call["clock"], "clock"),
            "{name}: the clock after call {i}"
        );
    }
}

#[test]
fn every_trace_replays() {
    for (name, text) in TRACES {
        replay(name, text);
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn every_trace_file_is_listed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/traces");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".json").map(str::to_string)
        })
        .collect();
    files.sort();
    let listed: Vec<String> = TRACES.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(files, listed, "add new trace files to TRACES");
}
