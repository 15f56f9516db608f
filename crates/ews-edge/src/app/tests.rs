//! The handler against a fake runtime: every decision the worker makes,
//! without a network.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::task::{Context, Poll, Waker};

use ews_core::sign::{self, VerifyInput};
use ews_core::{SignMethod, clock};

use super::*;
use crate::config;
use crate::durable::{AuditEntry, MemoryDb};

const SECRET: &str = "edge-test-secret-key";
const ACCESS: &str = "edge-test-access";
const OPERATOR: &str = "operator-token-0123456789";
const VIEWER: &str = "viewer-token-0123456789";
const SESSION_KEY: &str = "session-key-for-tests-0123456789abcdef";
const NOW: u64 = 1_700_000_000_000;
const ORIGIN: &str = "https://console.example.com";

fn block_on<F: Future>(f: F) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    let mut f = std::pin::pin!(f);
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

#[derive(Default)]
struct Fake {
    now: Cell<u64>,
    logs: RefCell<Vec<String>>,
    body: RefCell<Vec<u8>>,
    sent: RefCell<Vec<UpstreamRequest>>,
    answers: RefCell<VecDeque<Result<UpstreamReply, FetchError>>>,
    /// (path, status, content type)
    files: Vec<(&'static str, u16, Option<&'static str>)>,
    no_assets: bool,
    /// The Durable Object, shared by every "isolate" (`State`) of a test.
    db: MemoryDb,
    /// Messages sent to it and waited for, by operation.
    awaited: RefCell<Vec<&'static str>>,
    /// Messages sent to it in the background.
    later: RefCell<Vec<DoRequest>>,
    /// It cannot be reached.
    down: Cell<bool>,
    /// There is no binding.
    no_state: bool,
    random: Cell<u8>,
}

impl Fake {
    fn call_db(&self, req: &DoRequest) -> Vec<u8> {
        // Through the wire form, as between the isolate and the object.
        let parsed = DoRequest::parse(req.op(), req.body().as_bytes()).expect("a message");
        durable::handle(&self.db, &parsed, self.now.get()).into_bytes()
    }

    fn awaited(&self, op: &str) -> usize {
        self.awaited.borrow().iter().filter(|o| **o == op).count()
    }
}

#[derive(Debug, PartialEq)]
struct FakeAsset {
    path: String,
    status: u16,
    content_type: Option<String>,
}

impl Platform for Fake {
    type Asset = FakeAsset;
    fn now_ms(&self) -> u64 {
        self.now.get()
    }
    fn log(&self, line: &str) {
        self.logs.borrow_mut().push(line.to_owned());
    }
    async fn read_body(&self, limit: usize) -> Result<Vec<u8>, BodyError> {
        let body = self.body.borrow();
        if body.len() > limit {
            Err(BodyError::TooLarge)
        } else {
            Ok(body.clone())
        }
    }
    async fn fetch_upstream(&self, req: &UpstreamRequest) -> Result<UpstreamReply, FetchError> {
        self.sent.borrow_mut().push(req.clone());
        self.answers
            .borrow_mut()
            .pop_front()
            .unwrap_or(Err(FetchError::Unreachable))
    }
    async fn durable(&self, req: &DoRequest) -> Result<Vec<u8>, DurableError> {
        if self.no_state {
            return Err(DurableError::NoBinding);
        }
        if self.down.get() {
            return Err(DurableError::Failed);
        }
        self.awaited.borrow_mut().push(req.op());
        Ok(self.call_db(req))
    }
    fn durable_later(&self, req: &DoRequest) {
        if !self.no_state && !self.down.get() {
            self.call_db(req);
        }
        self.later.borrow_mut().push(req.clone());
    }
    fn random16(&self) -> [u8; 16] {
        self.random.set(self.random.get().wrapping_add(1));
        [self.random.get(); 16]
    }
    async fn fetch_asset(&self, path: &str, _method: &str) -> Result<FakeAsset, AssetError> {
        if self.no_assets {
            return Err(AssetError::NoBinding);
        }
        let (status, ct) = self
            .files
            .iter()
            .find(|(p, ..)| *p == path)
            .map_or((404, None), |(_, s, ct)| (*s, *ct));
        Ok(FakeAsset {
            path: path.to_owned(),
            status,
            content_type: ct.map(str::to_owned),
        })
    }
    fn asset_status(&self, asset: &FakeAsset) -> u16 {
        asset.status
    }
    fn asset_content_type(&self, asset: &FakeAsset) -> Option<String> {
        asset.content_type.clone()
    }
}

fn fake() -> Fake {
    let f = Fake::default();
    f.now.set(NOW);
    f
}

fn env(var: &str) -> Option<String> {
    Some(match var {
        config::UPSTREAM => "http://127.0.0.1:9".to_owned(),
        config::ACCESS_KEY => ACCESS.to_owned(),
        config::SECRET_KEY => SECRET.to_owned(),
        config::SIGN_METHOD => "md5".to_owned(),
        config::CONSOLE_TOKENS => format!("olga:operator:{OPERATOR},vic:viewer:{VIEWER}"),
        config::SESSION_KEY => SESSION_KEY.to_owned(),
        _ => return None,
    })
}

fn cfg() -> Result<Config, ConfigError> {
    Config::from_env(env)
}

fn req(method: &str, path: &str) -> Incoming {
    Incoming {
        method: method.to_owned(),
        url: format!("{ORIGIN}{path}"),
        ..Incoming::default()
    }
}

fn bearer(mut r: Incoming, token: &str) -> Incoming {
    r.authorization = Some(format!("Bearer {token}"));
    r
}

fn run(p: &Fake, state: &State, r: &Incoming) -> Reply {
    run_with(p, state, r, cfg())
}

fn run_with(p: &Fake, state: &State, r: &Incoming, cfg: Result<Config, ConfigError>) -> Reply {
    match block_on(handle(p, state, r, cfg)) {
        Handled::Reply(reply) => reply,
        Handled::Asset { asset, .. } => panic!("asset {asset:?} where a reply was expected"),
    }
}

fn json(r: &Reply) -> serde_json::Value {
    serde_json::from_slice(&r.body)
        .unwrap_or_else(|e| panic!("{e}: {:?}", String::from_utf8_lossy(&r.body)))
}

fn ok_envelope(data: &str) -> Result<UpstreamReply, FetchError> {
    Ok(UpstreamReply {
        status: 200,
        content_type: Some("application/json; charset=utf-8".into()),
        date: Some(clock::format_http_date(NOW as i64)),
        body: format!(r#"{{"code":"0","message":"success","data":{data}}}"#).into_bytes(),
    })
}

/// Checks the upstream request as the simulator would: the worker's own
/// access key, a valid signature, a fresh timestamp, nothing from the client.
fn assert_signed(sent: &UpstreamRequest, path: &str, now_ms: u64) {
    assert_signed_by(sent, ("http://127.0.0.1:9", ACCESS, SECRET), path, now_ms);
}

/// [`assert_signed`] for an account: its upstream, access key and secret.
fn assert_signed_by(
    sent: &UpstreamRequest,
    (upstream, access, secret): (&str, &str, &str),
    path: &str,
    now_ms: u64,
) {
    let (base, query) = sent.url.split_once('?').unwrap();
    assert_eq!(base, format!("{upstream}{path}"));
    let params = request::parse_query(query).unwrap();
    let names: Vec<&str> = params.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["accesskey", "timestamp"], "{query}");
    let pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    assert_eq!(pairs[0].1, access);
    sign::verify(&VerifyInput {
        method: SignMethod::HmacMd5,
        secret,
        params: &pairs,
        authorization: Some(&sent.authorization),
        now_ms,
        window_ms: 1000,
    })
    .unwrap();
}

fn assert_no_secret(r: &Reply) {
    let mut all = String::from_utf8_lossy(&r.body).into_owned();
    for (n, v) in &r.headers {
        all.push_str(n);
        all.push_str(v);
    }
    for secret in [SECRET, SESSION_KEY, OPERATOR, VIEWER] {
        assert!(!all.contains(secret), "secret in response: {all}");
    }
}

#[test]
fn no_credentials_is_401_and_nothing_is_sent() {
    let p = fake();
    let s = State::default();
    let r = run(&p, &s, &req("GET", "/api/v1/container"));
    assert_eq!(r.status, 401);
    assert_eq!(json(&r)["login"], "/edge/login");
    assert!(
        json(&r).get("code").is_none(),
        "a refusal, not an API error"
    );
    assert!(r.header("WWW-Authenticate").is_some());
    assert!(p.sent.borrow().is_empty());
}

#[test]
fn viewer_lists_with_the_workers_signature_and_client_credentials_are_dropped() {
    let p = fake();
    p.answers.borrow_mut().push_back(ok_envelope("[]"));
    let s = State::default();
    let mut r = bearer(
        req("GET", "/api/v1/container?accesskey=evil&timestamp=1&x=y"),
        VIEWER,
    );
    r.cookie = Some("other=1".into());
    let reply = run(&p, &s, &r);
    assert_eq!(reply.status, 200);
    assert_eq!(json(&reply)["code"], "0");
    assert_eq!(
        reply.header("Content-Type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(reply.header("Cache-Control"), Some("no-store"));
    let sent = p.sent.borrow();
    assert_eq!(sent.len(), 1);
    assert_signed(&sent[0], "/api/v1/container", NOW);
    assert!(p.logs.borrow().is_empty(), "reads are not logged");
    assert_no_secret(&reply);
}

#[test]
fn a_non_bearer_authorization_is_ignored() {
    let p = fake();
    let s = State::default();
    let mut r = req("GET", "/api/v1/container");
    r.authorization = Some("0123456789ABCDEF0123456789ABCDEF".into());
    assert_eq!(run(&p, &s, &r).status, 401);
    // With a session it is ignored too, and the worker signs afresh.
    let value = session::issue(
        &cfg().unwrap().session_key,
        cfg().unwrap().users.by_name("vic").unwrap(),
        &"a".repeat(32),
        NOW,
        600,
    );
    r.cookie = Some(format!("{}={value}", session::COOKIE_NAME));
    p.answers.borrow_mut().push_back(ok_envelope("[]"));
    assert_eq!(run(&p, &s, &r).status, 200);
    assert_signed(&p.sent.borrow()[0], "/api/v1/container", NOW);
}

#[test]
fn viewer_cannot_change_anything() {
    let p = fake();
    let s = State::default();
    for (m, path) in [
        ("POST", "/api/v1/container/7/start"),
        ("POST", "/api/v1/container/7/stop"),
        ("DELETE", "/api/v1/container/7"),
    ] {
        let r = run(&p, &s, &bearer(req(m, path), VIEWER));
        assert_eq!(r.status, 403, "{m} {path}");
        let msg = json(&r)["message"].as_str().unwrap().to_owned();
        assert!(msg.contains("vic is a viewer"), "{msg}");
    }
    assert!(p.sent.borrow().is_empty());
}

#[test]
fn operator_starts_and_the_action_is_logged_without_secrets() {
    let p = fake();
    p.answers.borrow_mut().push_back(ok_envelope(
        r#"{"commandId":"c-42","name":"container_start","status":"CREATED"}"#,
    ));
    let s = State::default();
    let r = run(
        &p,
        &s,
        &bearer(req("POST", "/api/v1/container/7/start"), OPERATOR),
    );
    assert_eq!(r.status, 200);
    assert_eq!(json(&r)["data"]["commandId"], "c-42");
    assert_signed(&p.sent.borrow()[0], "/api/v1/container/7/start", NOW);
    assert_eq!(p.sent.borrow()[0].method, Method::Post);
    let logs = p.logs.borrow();
    assert_eq!(logs.len(), 1);
    let line: serde_json::Value = serde_json::from_str(&logs[0]).unwrap();
    assert_eq!(
        line,
        serde_json::json!({"event":"action","user":"olga","role":"operator","account":"default","op":"start",
            "container":7,"commandId":"c-42","upstreamStatus":200,"upstreamCode":"0","error":null})
    );
    for secret in [SECRET, OPERATOR, SESSION_KEY] {
        assert!(!logs[0].contains(secret));
    }
}

#[test]
fn failed_actions_are_logged_too() {
    let p = fake();
    let s = State::default();
    // No answer queued: the fake upstream is unreachable.
    let r = run(
        &p,
        &s,
        &bearer(req("DELETE", "/api/v1/container/9"), OPERATOR),
    );
    assert_eq!(r.status, 502);
    let line: serde_json::Value = serde_json::from_str(&p.logs.borrow()[0]).unwrap();
    assert_eq!(line["op"], "delete");
    assert_eq!(line["container"], 9);
    assert_eq!(line["error"], "unreachable");
    assert!(line["upstreamCode"].is_null());
}

#[test]
fn paths_outside_the_allow_list_are_404_and_never_sent() {
    let p = fake();
    let s = State::default();
    for (m, path, status) in [
        ("GET", "/api/v1/node", 404),
        ("GET", "/api/v1/service/1", 404),
        ("POST", "/api/v1/container/7/restart", 404),
        ("GET", "/api/v2/container", 404),
        ("GET", "/api", 404),
        ("GET", "/api/v1/container/7/start/x", 404),
        ("GET", "/api/v1/container/abc", 400),
        ("PUT", "/api/v1/container/7", 405),
        ("GET", "/api/v1/container/7/start", 405),
    ] {
        let r = run(&p, &s, &bearer(req(m, path), OPERATOR));
        assert_eq!(r.status, status, "{m} {path}");
        let code = json(&r)["code"].as_str().unwrap().to_owned();
        assert!(code == "1008" || code == "1002", "{code}");
    }
    let r = run(&p, &s, &bearer(req("PUT", "/api/v1/container/7"), OPERATOR));
    assert_eq!(r.header("Allow"), Some("GET, DELETE"));
    assert!(p.sent.borrow().is_empty());
}

#[test]
fn upstream_failures_become_502_504_envelopes() {
    let p = fake();
    let s = State::default();
    let list = || bearer(req("GET", "/api/v1/container"), VIEWER);
    p.answers.borrow_mut().push_back(Err(FetchError::Timeout));
    let r = run(&p, &s, &list());
    assert_eq!((r.status, json(&r)["code"].as_str()), (504, Some("1009")));
    assert!(json(&r)["message"].as_str().unwrap().contains("5000 ms"));
    p.answers
        .borrow_mut()
        .push_back(Err(FetchError::Unreachable));
    let r = run(&p, &s, &list());
    assert_eq!(r.status, 502);
    assert!(
        json(&r)["message"]
            .as_str()
            .unwrap()
            .contains("could not be reached")
    );
    p.answers.borrow_mut().push_back(Ok(UpstreamReply {
        status: 301,
        body: b"moved".to_vec(),
        ..UpstreamReply::default()
    }));
    let r = run(&p, &s, &list());
    assert_eq!(r.status, 502);
    assert!(json(&r)["message"].as_str().unwrap().contains("redirect"));
}

#[test]
fn error_envelopes_and_odd_bodies_pass_unchanged() {
    let p = fake();
    let s = State::default();
    let body = br#"{"code":"1007","message":"StatusError: container 7 is RUNNING"}"#;
    p.answers.borrow_mut().push_back(Ok(UpstreamReply {
        status: 409,
        content_type: Some("application/json".into()),
        date: None,
        body: body.to_vec(),
    }));
    let r = run(
        &p,
        &s,
        &bearer(req("POST", "/api/v1/container/7/start"), OPERATOR),
    );
    assert_eq!((r.status, r.body.as_slice()), (409, &body[..]));
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    p.answers.borrow_mut().push_back(Ok(UpstreamReply {
        status: 502,
        content_type: Some("text/html".into()),
        date: None,
        body: b"<html>bad gateway</html>".to_vec(),
    }));
    let r = run(&p, &s, &bearer(req("GET", "/api/v1/container"), OPERATOR));
    assert_eq!(
        (r.status, r.body.as_slice()),
        (502, &b"<html>bad gateway</html>"[..])
    );
    // An upstream page can never run on the console's origin.
    assert!(
        r.header("Content-Security-Policy")
            .unwrap()
            .contains("sandbox")
    );
}

#[test]
fn clock_skew_is_corrected_and_a_sign_error_retried_once() {
    let p = fake();
    let s = State::default();
    let ahead = 3_600_000i64;
    let server_date = clock::format_http_date(NOW as i64 + ahead);
    p.answers.borrow_mut().push_back(Ok(UpstreamReply {
        status: 401,
        content_type: Some("application/json".into()),
        date: Some(server_date.clone()),
        body: br#"{"code":"1004","message":"SignError: timestamp is 3600 s behind"}"#.to_vec(),
    }));
    let mut second = ok_envelope("[]").unwrap();
    second.date = Some(server_date.clone());
    p.answers.borrow_mut().push_back(Ok(second));
    let r = run(&p, &s, &bearer(req("GET", "/api/v1/container"), VIEWER));
    assert_eq!(r.status, 200);
    let sent = p.sent.borrow();
    assert_eq!(sent.len(), 2);
    assert_signed(&sent[0], "/api/v1/container", NOW);
    // The retry is signed at the upstream's time (±1 s for the Date's resolution).
    let ts = |u: &UpstreamRequest| -> i64 {
        u.url.rsplit("timestamp=").next().unwrap().parse().unwrap()
    };
    assert!(
        (ts(&sent[1]) - (NOW as i64 + ahead)).abs() <= 1000,
        "{}",
        ts(&sent[1])
    );
    assert!((s.clock(config::DEFAULT_ACCOUNT).correction_ms() - ahead).abs() <= 1000);
    drop(sent);
    // A sign error without skew is not retried.
    p.answers.borrow_mut().push_back(Ok(UpstreamReply {
        status: 401,
        content_type: None,
        date: Some(server_date),
        body: br#"{"code":"1004","message":"SignError"}"#.to_vec(),
    }));
    let r = run(&p, &s, &bearer(req("GET", "/api/v1/container"), VIEWER));
    assert_eq!(r.status, 401);
    assert_eq!(p.sent.borrow().len(), 3);
}

#[test]
fn retry_rule() {
    // (body, upstream clock ahead by, retried): the core's rule, as the
    // worker drives it — only a sign error with a skew beyond the noise.
    let sign_error = &br#"{"code":"1004","message":"SignError"}"#[..];
    let cases: [(&[u8], Option<i64>, bool); 5] = [
        (sign_error, Some(60_000), true),
        (sign_error, Some(1_000), false),
        (sign_error, None, false),
        (
            br#"{"code":"0","message":"success","data":[]}"#,
            Some(60_000),
            false,
        ),
        (b"<html>not json</html>", Some(60_000), false),
    ];
    for (body, ahead, retried) in cases {
        let p = fake();
        let s = State::default();
        let answer = || UpstreamReply {
            status: 401,
            content_type: None,
            date: ahead.map(|a| clock::format_http_date(NOW as i64 + a)),
            body: body.to_vec(),
        };
        p.answers.borrow_mut().push_back(Ok(answer()));
        p.answers.borrow_mut().push_back(Ok(answer()));
        run(&p, &s, &bearer(req("GET", "/api/v1/container"), VIEWER));
        let sends = p.sent.borrow().len();
        assert_eq!(sends, if retried { 2 } else { 1 }, "{ahead:?} {body:?}");
    }
}

fn login_form(p: &Fake, token: &str) -> Incoming {
    *p.body.borrow_mut() = format!("token={}", request::percent_encode(token)).into_bytes();
    let mut r = req("POST", "/edge/login");
    r.origin = Some(ORIGIN.into());
    r.client_ip = Some("198.51.100.7".into());
    r
}

fn session_cookie(r: &Reply) -> String {
    let set = r.header("Set-Cookie").unwrap();
    set.split(';').next().unwrap().to_owned()
}

#[test]
fn login_sets_a_session_that_lists_and_changes_only_from_our_origin() {
    let p = fake();
    let s = State::default();
    let r = run(&p, &s, &login_form(&p, OPERATOR));
    assert_eq!(r.status, 303);
    assert_eq!(r.header("Location"), Some("/"));
    let set = r.header("Set-Cookie").unwrap();
    for flag in [
        "HttpOnly",
        "Secure",
        "SameSite=Strict",
        "Path=/",
        "Max-Age=28800",
    ] {
        assert!(set.contains(flag), "{set}");
    }
    assert_no_secret(&r);
    let cookie = session_cookie(&r);

    let mut who = req("GET", "/edge/session");
    who.cookie = Some(cookie.clone());
    let info = run(&p, &s, &who);
    assert_eq!(info.status, 200);
    assert_eq!(
        json(&info),
        serde_json::json!({"mode":"edge","user":"olga","role":"operator","audit":true,
            "accounts":[{"name":"default","role":"operator","base":"/a/default"}]})
    );

    let mut list = req("GET", "/api/v1/container");
    list.cookie = Some(cookie.clone());
    p.answers.borrow_mut().push_back(ok_envelope("[]"));
    assert_eq!(run(&p, &s, &list).status, 200);

    let mut start = req("POST", "/api/v1/container/3/start");
    start.cookie = Some(cookie.clone());
    assert_eq!(run(&p, &s, &start).status, 403, "no Origin");
    start.origin = Some("https://evil.example".into());
    let r = run(&p, &s, &start);
    assert_eq!(r.status, 403, "foreign Origin");
    assert!(json(&r)["message"].as_str().unwrap().contains("Origin"));
    assert_eq!(p.sent.borrow().len(), 1);
    start.origin = Some(ORIGIN.into());
    p.answers
        .borrow_mut()
        .push_back(ok_envelope(r#"{"commandId":"c-1"}"#));
    assert_eq!(run(&p, &s, &start).status, 200);
    // A bearer token needs no Origin (it is not sent by browsers on their own).
    p.answers
        .borrow_mut()
        .push_back(ok_envelope(r#"{"commandId":"c-2"}"#));
    let r = run(
        &p,
        &s,
        &bearer(req("POST", "/api/v1/container/3/stop"), OPERATOR),
    );
    assert_eq!(r.status, 200);
}

#[test]
fn logins_and_sessions_fail_cleanly() {
    let p = fake();
    let s = State::default();
    let r = run(&p, &s, &login_form(&p, "not-a-valid-token-123"));
    assert_eq!(r.status, 401);
    assert!(r.header("Set-Cookie").is_none());
    assert!(String::from_utf8_lossy(&r.body).contains("not valid"));
    let logged: serde_json::Value = serde_json::from_str(&p.logs.borrow()[0]).unwrap();
    assert_eq!(
        logged,
        serde_json::json!({"event":"login","user":null,"ok":false})
    );
    // A foreign Origin on the form is refused before the token is looked at.
    let mut r = login_form(&p, OPERATOR);
    r.origin = Some("https://evil.example".into());
    assert_eq!(run(&p, &s, &r).status, 403);
    // An expired session is refused and cleared.
    let c = cfg().unwrap();
    let old = session::issue(
        &c.session_key,
        c.users.by_name("olga").unwrap(),
        &"b".repeat(32),
        NOW - 10_000_000,
        60,
    );
    let mut who = req("GET", "/edge/session");
    who.cookie = Some(format!("{}={old}", session::COOKIE_NAME));
    let r = run(&p, &s, &who);
    assert_eq!(r.status, 401);
    assert_eq!(
        json(&r),
        serde_json::json!({"mode":"edge","login":"/edge/login"})
    );
    assert!(r.header("Set-Cookie").unwrap().contains("Max-Age=0"));
    // Logging out clears the cookie.
    let mut out = req("POST", "/edge/logout");
    out.origin = Some(ORIGIN.into());
    let r = run(&p, &s, &out);
    assert_eq!((r.status, r.header("Location")), (303, Some("/edge/login")));
    assert!(r.header("Set-Cookie").unwrap().contains("Max-Age=0"));
    // Oversized forms are refused.
    *p.body.borrow_mut() = vec![b'a'; MAX_FORM_BYTES + 1];
    let r = run(&p, &s, &login_form_raw());
    assert_eq!(r.status, 413);
}

fn login_form_raw() -> Incoming {
    let mut r = req("POST", "/edge/login");
    r.origin = Some(ORIGIN.into());
    r.client_ip = Some("192.0.2.99".into());
    r
}

#[test]
fn failed_logins_are_rate_limited_per_client() {
    let p = fake();
    let s = State::default();
    for i in 0..5 {
        let r = run(&p, &s, &login_form(&p, "wrong-token-0123456789"));
        assert_eq!(r.status, 401, "attempt {i}");
    }
    // Now even the right token waits.
    let r = run(&p, &s, &login_form(&p, OPERATOR));
    assert_eq!(r.status, 429);
    assert_eq!(r.header("Retry-After"), Some("12"));
    // So does a bearer token from the same address, and wrong bearer tokens count.
    let mut b = bearer(req("GET", "/api/v1/container"), OPERATOR);
    b.client_ip = Some("198.51.100.7".into());
    assert_eq!(run(&p, &s, &b).status, 429);
    // Another address is not affected.
    let mut other = login_form(&p, OPERATOR);
    other.client_ip = Some("198.51.100.8".into());
    assert_eq!(run(&p, &s, &other).status, 303);
    // After the wait, one more attempt.
    p.now.set(NOW + 12_000);
    assert_eq!(run(&p, &s, &login_form(&p, OPERATOR)).status, 303);

    let q = fake();
    let s2 = State::default();
    for _ in 0..5 {
        let mut guess = bearer(req("GET", "/api/v1/container"), "guess-guess-guess-1");
        guess.client_ip = Some("198.51.100.7".into());
        assert_eq!(run(&q, &s2, &guess).status, 401);
    }
    assert_eq!(run(&q, &s2, &login_form(&q, OPERATOR)).status, 429);
}

#[test]
fn missing_configuration_is_a_500_naming_the_variable() {
    let p = fake();
    let s = State::default();
    let broken = |var: &str| {
        if var == config::SECRET_KEY {
            None
        } else {
            env(var)
        }
    };
    for path in ["/api/v1/container", "/edge/session", "/", "/edge/login"] {
        let r = match block_on(handle(
            &p,
            &s,
            &bearer(req("GET", path), OPERATOR),
            Config::from_env(broken),
        )) {
            Handled::Reply(r) => r,
            Handled::Asset { .. } => panic!("asset served without configuration"),
        };
        assert_eq!(r.status, 500, "{path}");
        let body = String::from_utf8_lossy(&r.body);
        assert!(body.contains("EWS_SECRET_KEY is missing"), "{body}");
        assert_no_secret(&r);
    }
}

#[test]
fn console_files_with_spa_fallback_and_headers() {
    let mut p = fake();
    p.files = vec![
        ("/index.html", 200, None),
        ("/app-1.js", 200, Some("application/octet-stream")),
        ("/app-1_bg.wasm", 200, Some("application/wasm")),
    ];
    let s = State::default();
    let get = |p: &Fake, path: &str| block_on(handle(p, &s, &req("GET", path), cfg()));
    for (path, file, ct) in [
        ("/", "/index.html", Some("text/html; charset=utf-8")),
        (
            "/containers/12",
            "/index.html",
            Some("text/html; charset=utf-8"),
        ),
        (
            "/app-1.js",
            "/app-1.js",
            Some("text/javascript; charset=utf-8"),
        ),
        ("/app-1_bg.wasm", "/app-1_bg.wasm", None),
    ] {
        match get(&p, path) {
            Handled::Asset { asset, headers } => {
                assert_eq!(asset.path, file, "{path}");
                let find = |n: &str| {
                    headers
                        .iter()
                        .find(|(h, _)| *h == n)
                        .map(|(_, v)| v.as_str())
                };
                assert_eq!(find("Content-Type"), ct, "{path}");
                let csp = find("Content-Security-Policy").unwrap();
                assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
                assert_eq!(find("X-Content-Type-Options"), Some("nosniff"));
                assert!(find("Strict-Transport-Security").is_some());
            }
            Handled::Reply(r) => panic!("{path}: {r:?}"),
        }
    }
    // Missing files with an extension are 404, not the app.
    match get(&p, "/missing.js") {
        Handled::Reply(r) => assert_eq!(r.status, 404),
        Handled::Asset { .. } => panic!("served a missing file"),
    }
    // Only GET and HEAD.
    match block_on(handle(&p, &s, &req("POST", "/__admin/reset"), cfg())) {
        Handled::Reply(r) => assert_eq!((r.status, r.header("Allow")), (405, Some("GET, HEAD"))),
        Handled::Asset { .. } => panic!("POST served"),
    }
    p.no_assets = true;
    match get(&p, "/") {
        Handled::Reply(r) => {
            assert_eq!(r.status, 500);
            assert!(String::from_utf8_lossy(&r.body).contains("ASSETS"));
        }
        Handled::Asset { .. } => panic!(),
    }
}

#[test]
fn forms_must_come_from_our_own_pages() {
    let own = ORIGIN;
    // A real Origin decides.
    assert!(form_from_own_page(Some(ORIGIN), None, own));
    assert!(form_from_own_page(Some(ORIGIN), Some("cross-site"), own));
    assert!(!form_from_own_page(
        Some("https://evil.example"),
        Some("same-origin"),
        own
    ));
    // `Origin: null` (no-referrer pages) or none: Sec-Fetch-Site decides.
    assert!(form_from_own_page(Some("null"), Some("same-origin"), own));
    assert!(!form_from_own_page(Some("null"), Some("cross-site"), own));
    assert!(!form_from_own_page(Some("null"), Some("same-site"), own));
    assert!(!form_from_own_page(None, Some("none"), own));
    // Neither a real Origin nor Sec-Fetch-Site: refused (login CSRF from
    // a no-referrer page of another site, on a browser without
    // Sec-Fetch-*); a script sends its own Origin.
    assert!(!form_from_own_page(None, None, own));
    assert!(!form_from_own_page(Some("null"), None, own));

    let p = fake();
    let s = State::default();
    let mut r = login_form(&p, OPERATOR);
    r.origin = Some("null".into());
    r.fetch_site = Some("cross-site".into());
    assert_eq!(run(&p, &s, &r).status, 403);
    r.fetch_site = Some("same-origin".into());
    assert_eq!(run(&p, &s, &r).status, 303);
    r.fetch_site = None;
    assert_eq!(run(&p, &s, &r).status, 403, "Origin: null alone");
    let mut out = req("POST", "/edge/logout");
    out.origin = Some("null".into());
    assert_eq!(run(&p, &s, &out).status, 403);
}

#[test]
fn urls_split_into_origin_and_path() {
    assert_eq!(
        split_url("https://Host.example:8443/api/v1/x?y#z"),
        ("https://host.example:8443".into(), "/api/v1/x")
    );
    assert_eq!(
        split_url("http://127.0.0.1:8787"),
        ("http://127.0.0.1:8787".into(), "/")
    );
    assert_eq!(split_url("http://h?q"), ("http://h".into(), "/"));
    assert_eq!(split_url("garbage"), (String::new(), "/"));
    assert_eq!(content_type_for("/a/b.WASM"), Some("application/wasm"));
    assert_eq!(content_type_for("/a.b/c"), None);
}

/// Signs in with `token` and returns the cookie.
fn signed_in(p: &Fake, s: &State, token: &str) -> String {
    let r = run(p, s, &login_form(p, token));
    assert_eq!(r.status, 303, "{}", String::from_utf8_lossy(&r.body));
    session_cookie(&r)
}

fn with_cookie(mut r: Incoming, cookie: &str) -> Incoming {
    r.cookie = Some(cookie.to_owned());
    r
}

fn audit_entries(p: &Fake) -> Vec<AuditEntry> {
    p.later
        .borrow()
        .iter()
        .filter_map(|r| match r {
            DoRequest::Audit { entry, .. } => Some(entry.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_signed_out_session_is_refused_everywhere_within_the_bound() {
    let p = fake();
    let (a, b) = (State::default(), State::default()); // two isolates
    let cookie = signed_in(&p, &a, OPERATOR);
    let who = with_cookie(req("GET", "/edge/session"), &cookie);
    assert_eq!(run(&p, &a, &who).status, 200);
    assert_eq!(run(&p, &b, &who).status, 200);
    // Sign out on isolate a, one second later.
    p.now.set(NOW + 1_000);
    let mut out = with_cookie(req("POST", "/edge/logout"), &cookie);
    out.origin = Some(ORIGIN.into());
    let r = run(&p, &a, &out);
    assert_eq!((r.status, r.header("Location")), (303, Some("/edge/login")));
    // Isolate a refuses it at once; isolate b once its copy is older than the bound.
    assert_eq!(run(&p, &a, &who).status, 401);
    p.now.set(NOW + session::REVOCATION_BOUND_MS - 1);
    assert_eq!(run(&p, &b, &who).status, 200, "within the bound");
    p.now.set(NOW + session::REVOCATION_BOUND_MS);
    let r = run(&p, &b, &who);
    assert_eq!(r.status, 401, "past the bound");
    assert!(r.header("Set-Cookie").unwrap().contains("Max-Age=0"));
    // A new sign-in works.
    let again = signed_in(&p, &b, OPERATOR);
    assert_eq!(
        run(&p, &a, &with_cookie(req("GET", "/edge/session"), &again)).status,
        200
    );
    let events: Vec<String> = audit_entries(&p).into_iter().map(|e| e.event).collect();
    assert_eq!(events, ["login", "logout", "login"]);
}

#[test]
fn signing_out_everywhere_ends_every_session_of_the_user() {
    let p = fake();
    let s = State::default();
    let first = signed_in(&p, &s, OPERATOR);
    p.now.set(NOW + 5);
    let second = signed_in(&p, &s, OPERATOR);
    let viewer = signed_in(&p, &s, VIEWER);
    p.now.set(NOW + 10);
    *p.body.borrow_mut() = b"scope=everywhere".to_vec();
    let mut out = with_cookie(req("POST", "/edge/logout"), &second);
    out.origin = Some(ORIGIN.into());
    assert_eq!(run(&p, &s, &out).status, 303);
    for c in [&first, &second] {
        assert_eq!(
            run(&p, &s, &with_cookie(req("GET", "/edge/session"), c)).status,
            401
        );
    }
    // Another user is not touched; a later sign-in of the same user works.
    assert_eq!(
        run(&p, &s, &with_cookie(req("GET", "/edge/session"), &viewer)).status,
        200
    );
    p.now.set(NOW + 11);
    let later = signed_in(&p, &s, OPERATOR);
    assert_eq!(
        run(&p, &s, &with_cookie(req("GET", "/edge/session"), &later)).status,
        200
    );
    assert!(audit_entries(&p).iter().any(|e| e.event == "logout_all"));
}

#[test]
fn the_api_hot_path_stays_off_the_durable_object() {
    let p = fake();
    let s = State::default();
    let cookie = signed_in(&p, &s, VIEWER);
    let before = p.awaited.borrow().len();
    for i in 0..50 {
        p.now.set(NOW + i * 100);
        p.answers.borrow_mut().push_back(ok_envelope("[]"));
        let r = run(
            &p,
            &s,
            &with_cookie(req("GET", "/api/v1/container"), &cookie),
        );
        assert_eq!(r.status, 200);
    }
    // 50 requests over 5 s: the revocations were read once.
    assert_eq!(p.awaited.borrow().len() - before, 1);
    assert_eq!(p.awaited("revocations"), 1);
    // A script's bearer token from a trusted address: reserved once, then
    // remembered for a minute.
    let script = |t: u64| {
        p.now.set(NOW + t);
        p.answers.borrow_mut().push_back(ok_envelope("[]"));
        let mut r = bearer(req("GET", "/api/v1/container"), OPERATOR);
        r.client_ip = Some("203.0.113.5".into());
        run(&p, &s, &r).status
    };
    let reserves = p.awaited("reserve");
    for t in 0..20 {
        assert_eq!(script(t * 1000), 200);
    }
    assert_eq!(p.awaited("reserve") - reserves, 1);
    assert_eq!(script(PROVEN_TTL_MS + 20_000), 200);
    assert_eq!(
        p.awaited("reserve") - reserves,
        2,
        "and again after the minute"
    );
}

#[test]
fn without_a_trusted_address_valid_tokens_always_pass() {
    let p = fake();
    let s = State::default();
    let guess = |token: &str| {
        let mut r = login_form(&p, token);
        r.client_ip = None;
        run(&p, &s, &r).status
    };
    // Wrong tokens from anywhere spend one global budget...
    for i in 0..limiter::GLOBAL.burst - 1 {
        assert_eq!(guess("wrong-token-0123456789"), 401, "guess {i}");
    }
    assert_eq!(guess("wrong-token-0123456789"), 429);
    assert_eq!(guess("wrong-token-0123456789"), 429);
    // ...but a valid token is never refused because of them.
    assert_eq!(guess(OPERATOR), 303);
    let mut b = bearer(req("GET", "/api/v1/container"), VIEWER);
    b.client_ip = None;
    p.answers.borrow_mut().push_back(ok_envelope("[]"));
    assert_eq!(run(&p, &s, &b).status, 200);
    let mut wrong = bearer(req("GET", "/api/v1/container"), "wrong-token-0123456789");
    wrong.client_ip = None;
    assert_eq!(run(&p, &s, &wrong).status, 429);
    // Made-up addresses are not trusted: the worker never saw an address.
    assert!(audit_entries(&p).iter().all(|e| e.client.is_none()));
}

#[test]
fn the_durable_object_down_or_missing() {
    let p = fake();
    let s = State::default();
    let cookie = signed_in(&p, &s, VIEWER);
    let who = with_cookie(req("GET", "/edge/session"), &cookie);
    assert_eq!(run(&p, &s, &who).status, 200);
    p.down.set(true);
    // Sign-ins wait for it (the limiter cannot be skipped).
    let r = run(&p, &s, &login_form(&p, OPERATOR));
    assert_eq!(r.status, 503);
    // A session goes on with the isolate's copy for a while, then waits too.
    p.now.set(NOW + session::REVOCATION_BOUND_MS + 1);
    assert_eq!(run(&p, &s, &who).status, 200);
    p.now.set(NOW + session::REVOCATION_STALE_LIMIT_MS + 1);
    assert_eq!(run(&p, &s, &who).status, 503);
    // Signing out says it could not end the session everywhere, and clears the cookie.
    let mut out = with_cookie(req("POST", "/edge/logout"), &cookie);
    out.origin = Some(ORIGIN.into());
    let r = run(&p, &s, &out);
    assert_eq!(r.status, 503);
    assert!(r.header("Set-Cookie").unwrap().contains("Max-Age=0"));

    let q = Fake {
        no_state: true,
        ..fake()
    };
    let r = run(&q, &State::default(), &login_form(&q, OPERATOR));
    assert_eq!(r.status, 500);
    assert!(String::from_utf8_lossy(&r.body).contains("EWS_STATE"));
}

#[test]
fn actions_and_their_outcomes_reach_the_audit_trail() {
    let p = fake();
    let s = State::default();
    p.answers
        .borrow_mut()
        .push_back(ok_envelope(r#"{"commandId":"c-77","status":"CREATED"}"#));
    let mut start = bearer(req("POST", "/api/v1/container/2529/start"), OPERATOR);
    start.client_ip = Some("198.51.100.9".into());
    assert_eq!(run(&p, &s, &start).status, 200);
    let e = audit_entries(&p).pop().unwrap();
    assert_eq!(
        (e.event.as_str(), e.user.as_deref(), e.role.as_deref()),
        ("action", Some("olga"), Some("operator"))
    );
    assert_eq!(
        (e.action.as_deref(), e.container, e.command_id.as_deref()),
        (Some("start"), Some(2529), Some("c-77"))
    );
    assert_eq!(
        (e.upstream_status, e.upstream_code.as_deref()),
        (Some(200), Some("0"))
    );
    assert_eq!(e.client.as_deref(), Some("ip:198.51.100.9"));
    // Following it: a running answer records nothing, the final one the outcome.
    for body in [
        r#"{"commandId":"c-77","status":"RUNNING"}"#,
        r#"{"commandId":"c-77","status":"DONE","result":"200","resultMsg":"success"}"#,
    ] {
        p.answers.borrow_mut().push_back(ok_envelope(body));
        let r = run(&p, &s, &bearer(req("GET", "/api/v1/command/c-77"), VIEWER));
        assert_eq!(r.status, 200);
    }
    let outcomes: Vec<_> = p
        .later
        .borrow()
        .iter()
        .filter(|r| matches!(r, DoRequest::Outcome { .. }))
        .cloned()
        .collect();
    assert_eq!(
        outcomes,
        [DoRequest::Outcome {
            account: config::DEFAULT_ACCOUNT.into(),
            command_id: "c-77".into(),
            outcome: "succeeded".into(),
            message: "succeeded: success".into(),
        }]
    );
    // Operators read it; viewers may not.
    let r = run(
        &p,
        &s,
        &bearer(req("GET", "/edge/audit?container=2529"), OPERATOR),
    );
    assert_eq!(r.status, 200);
    let page = json(&r);
    assert_eq!(page["entries"][0]["commandId"], "c-77");
    assert_eq!(page["entries"][0]["outcome"], "succeeded");
    assert_eq!(page["next"], serde_json::Value::Null);
    let r = run(
        &p,
        &s,
        &bearer(req("GET", "/edge/audit?format=csv"), OPERATOR),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Type"), Some("text/csv; charset=utf-8"));
    let csv = String::from_utf8(r.body.clone()).unwrap();
    assert!(csv.starts_with(AUDIT_CSV_HEADER));
    assert!(
        csv.contains(
            ",olga,operator,ip:198.51.100.9,start,2529,c-77,200,0,,succeeded,succeeded: success,default\r\n"
        ),
        "{csv}"
    );
    let r = run(&p, &s, &bearer(req("GET", "/edge/audit"), VIEWER));
    assert_eq!(r.status, 403);
    let r = run(
        &p,
        &s,
        &bearer(req("GET", "/edge/audit?container=abc"), OPERATOR),
    );
    assert_eq!(r.status, 400);
    assert!(json(&r)["message"].as_str().unwrap().contains("container"));
    let r = run(&p, &s, &bearer(req("GET", "/edge/audit?token=x"), OPERATOR));
    assert_eq!(r.status, 400);
    assert_eq!(run(&p, &s, &req("GET", "/edge/audit")).status, 401);
    assert_eq!(
        run(&p, &s, &bearer(req("POST", "/edge/audit"), OPERATOR)).status,
        405
    );
}

#[test]
fn operators_read_the_audit_trail_as_a_page() {
    let p = fake();
    let s = State::default();
    p.answers
        .borrow_mut()
        .push_back(ok_envelope(r#"{"commandId":"c-<77>","status":"CREATED"}"#));
    let start = bearer(req("POST", "/api/v1/container/2529/start"), OPERATOR);
    assert_eq!(run(&p, &s, &start).status, 200);
    let page = |r: &Reply| String::from_utf8(r.body.clone()).unwrap();
    let r = run(
        &p,
        &s,
        &bearer(req("GET", "/audit?container=2529"), OPERATOR),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Type"), Some(reply::HTML));
    assert!(
        r.header("Content-Security-Policy")
            .unwrap()
            .contains("script-src 'self'")
    );
    let html = page(&r);
    assert!(html.contains("data-testid=\"audit-row\""), "{html}");
    assert!(html.contains("olga (operator)"));
    assert!(html.contains("<td>start</td>"));
    assert!(
        !html.contains("c-<77>"),
        "what the upstream sent is escaped"
    );
    assert!(html.contains("value=\"2529\""), "the form shows the filter");
    assert!(html.contains("<html lang=\"en\">"));
    // Chinese when the browser prefers it, or when the console's link asks.
    let mut zh = bearer(req("GET", "/audit"), OPERATOR);
    zh.accept_language = Some("zh-CN,zh;q=0.9,en;q=0.8".into());
    assert!(page(&run(&p, &s, &zh)).contains("审计记录"));
    assert!(
        page(&run(
            &p,
            &s,
            &bearer(req("GET", "/audit?lang=zh"), OPERATOR)
        ))
        .contains("审计记录")
    );
    // A filter that cannot be read is said on the page.
    let r = run(
        &p,
        &s,
        &bearer(req("GET", "/audit?from=tomorrow"), OPERATOR),
    );
    assert_eq!(r.status, 200);
    assert!(page(&r).contains("data-testid=\"audit-error\""));
    // Viewers may not; nobody signed in goes to the sign-in page.
    let r = run(&p, &s, &bearer(req("GET", "/audit"), VIEWER));
    assert_eq!(r.status, 403);
    assert_eq!(r.header("Content-Type"), Some(reply::HTML));
    let r = run(&p, &s, &req("GET", "/audit"));
    assert_eq!((r.status, r.header("Location")), (303, Some("/edge/login")));
    assert_eq!(
        run(&p, &s, &bearer(req("POST", "/audit"), OPERATOR)).status,
        405
    );
}

#[test]
fn audit_filters_from_the_query() {
    let (f, csv) = audit_filter(
        "https://x/edge/audit?user=olga&container=7&action=start&from=1&to=2&before=9&limit=5000&format=csv",
    )
    .unwrap();
    assert!(csv);
    assert_eq!(
        f,
        AuditFilter {
            user: Some("olga".into()),
            account: None,
            container: Some(7),
            action: Some("start".into()),
            from_ms: Some(1),
            to_ms: Some(2),
            before: Some(9),
            limit: durable::MAX_PAGE,
        }
    );
    let plain = |url: &str| audit_filter(url).unwrap();
    assert_eq!(plain("https://x/edge/audit").0.limit, durable::DEFAULT_PAGE);
    assert!(!plain("https://x/edge/audit?format=json").1);
    assert_eq!(plain("https://x/edge/audit?user=&limit=").0.user, None);
    assert!(audit_filter("https://x/edge/audit?format=xml").is_err());
    assert!(audit_filter("https://x/edge/audit?from=yesterday").is_err());
    assert!(audit_filter("https://x/edge/audit?user=%zz").is_err());
}

#[test]
fn command_id_tricks_never_reach_the_upstream() {
    let p = fake();
    let s = State::default();
    for path in [
        "/api/v1/command/..%2F..%2Fcontainer",
        "/api/v1/command/%2E%2E",
        "/api/v1/command/a%2Fb",
        "/api/v1/command/a%252Fb",
        "/api/v1/command/a.b",
    ] {
        let r = run(&p, &s, &bearer(req("GET", path), VIEWER));
        assert_eq!(r.status, 400, "{path}");
        assert!(
            json(&r)["message"]
                .as_str()
                .unwrap()
                .contains("A-Z, a-z, 0-9"),
            "{path}"
        );
    }
    assert!(p.sent.borrow().is_empty());
}

/// Two accounts: `prod` (the default test upstream and keys) and
/// `staging` (its own). olga is an operator on both, carol an operator on
/// staging and a viewer on prod, dave a viewer on prod only.
const STAGING: (&str, &str, &str) = (
    "http://127.0.0.1:10",
    "staging-access",
    "staging-secret-key-01",
);
const PROD: (&str, &str, &str) = ("http://127.0.0.1:9", ACCESS, SECRET);
const CAROL: &str = "carol-token-0123456789";
const DAVE: &str = "dave-token-0123456789";

fn two_accounts() -> Result<Config, ConfigError> {
    Config::from_env(|var| {
        Some(match var {
            config::ACCOUNTS => "prod,staging".to_owned(),
            "EWS_UPSTREAM_PROD" => PROD.0.to_owned(),
            "EWS_ACCESS_KEY_PROD" => PROD.1.to_owned(),
            "EWS_SECRET_KEY_PROD" => PROD.2.to_owned(),
            "EWS_UPSTREAM_STAGING" => STAGING.0.to_owned(),
            "EWS_ACCESS_KEY_STAGING" => STAGING.1.to_owned(),
            "EWS_SECRET_KEY_STAGING" => STAGING.2.to_owned(),
            "EWS_SIGN_METHOD_PROD" | "EWS_SIGN_METHOD_STAGING" => "md5".to_owned(),
            config::CONSOLE_TOKENS => format!(
                "olga:operator:{OPERATOR},carol:operator@staging+viewer@prod:{CAROL},dave:viewer@prod:{DAVE}"
            ),
            config::SESSION_KEY => SESSION_KEY.to_owned(),
            _ => return None,
        })
    })
}

#[test]
fn each_account_is_signed_with_its_own_keys_and_reached_by_its_role() {
    let p = fake();
    let s = State::default();
    let call = |method: &str, path: &str, token: &str| {
        run_with(&p, &s, &bearer(req(method, path), token), two_accounts())
    };
    // carol operates staging: signed with staging's keys, to staging.
    p.answers
        .borrow_mut()
        .push_back(ok_envelope(r#"{"commandId":"s-1","status":"CREATED"}"#));
    let r = call("POST", "/a/staging/api/v1/container/7/start", CAROL);
    assert_eq!(r.status, 200);
    assert_signed_by(
        &p.sent.borrow()[0],
        STAGING,
        "/api/v1/container/7/start",
        NOW,
    );
    let line: serde_json::Value = serde_json::from_str(&p.logs.borrow()[0]).unwrap();
    assert_eq!(
        (&line["account"], &line["role"]),
        (&"staging".into(), &"operator".into())
    );
    // … and views prod, with prod's keys, but may not change it.
    p.answers.borrow_mut().push_back(ok_envelope("[]"));
    let r = call("GET", "/a/prod/api/v1/container", CAROL);
    assert_eq!(r.status, 200);
    assert_signed_by(&p.sent.borrow()[1], PROD, "/api/v1/container", NOW);
    let sent = p.sent.borrow().len();
    let r = call("POST", "/a/prod/api/v1/container/7/stop", CAROL);
    assert_eq!(r.status, 403);
    assert!(
        json(&r)["message"]
            .as_str()
            .unwrap()
            .contains("viewer on account prod"),
        "{:?}",
        json(&r)
    );
    // dave reaches prod only; nobody reaches an account not configured;
    // `/api/v1` names no account when there are several.
    let r = call("GET", "/a/staging/api/v1/container", DAVE);
    assert_eq!(r.status, 403);
    assert!(
        json(&r)["message"]
            .as_str()
            .unwrap()
            .contains("no access to account staging")
    );
    assert!(
        json(&r).get("code").is_none(),
        "a refusal, not an API error"
    );
    let r = call("GET", "/a/eu/api/v1/container", OPERATOR);
    assert_eq!(r.status, 404);
    assert!(
        json(&r)["message"]
            .as_str()
            .unwrap()
            .contains("no account named `eu`")
    );
    let r = call("GET", "/api/v1/container", OPERATOR);
    assert_eq!(r.status, 404);
    assert!(
        json(&r)["message"]
            .as_str()
            .unwrap()
            .contains("/a/{name}/api/v1/")
    );
    // Unauthenticated first: an account's existence is not told to strangers.
    let r = run_with(
        &p,
        &s,
        &req("GET", "/a/eu/api/v1/container"),
        two_accounts(),
    );
    assert_eq!(r.status, 401);
    assert_eq!(
        p.sent.borrow().len(),
        sent,
        "no refusal reaches an upstream"
    );
    assert_no_secret(&r);
}

#[test]
fn the_session_lists_the_accounts_the_user_reaches() {
    let p = fake();
    let s = State::default();
    let info = |token: &str| {
        json(&run_with(
            &p,
            &s,
            &bearer(req("GET", "/edge/session"), token),
            two_accounts(),
        ))
    };
    assert_eq!(
        info(CAROL),
        serde_json::json!({"mode":"edge","user":"carol","role":"viewer","audit":false,"accounts":[
            {"name":"prod","role":"viewer","base":"/a/prod"},
            {"name":"staging","role":"operator","base":"/a/staging"}]})
    );
    assert_eq!(
        info(DAVE)["accounts"],
        serde_json::json!([{"name":"prod","role":"viewer","base":"/a/prod"}])
    );
    assert_eq!(info(OPERATOR)["accounts"].as_array().unwrap().len(), 2);
    assert_eq!(info(OPERATOR)["audit"], true);
}

#[test]
fn each_account_keeps_its_own_clock() {
    let p = fake();
    let s = State::default();
    let ahead = 90_000i64;
    p.answers.borrow_mut().push_back(Ok(UpstreamReply {
        status: 200,
        content_type: Some("application/json".into()),
        date: Some(clock::format_http_date(NOW as i64 + ahead)),
        body: br#"{"code":"0","message":"success","data":[]}"#.to_vec(),
    }));
    let r = run_with(
        &p,
        &s,
        &bearer(req("GET", "/a/staging/api/v1/container"), OPERATOR),
        two_accounts(),
    );
    assert_eq!(r.status, 200);
    assert!((s.clock("staging").correction_ms() - ahead).abs() <= 1000);
    assert_eq!(s.clock("prod").correction_ms(), 0);
    // prod is signed at our clock, staging at its own.
    p.answers.borrow_mut().push_back(ok_envelope("[]"));
    p.answers.borrow_mut().push_back(ok_envelope("[]"));
    run_with(
        &p,
        &s,
        &bearer(req("GET", "/a/prod/api/v1/container"), OPERATOR),
        two_accounts(),
    );
    run_with(
        &p,
        &s,
        &bearer(req("GET", "/a/staging/api/v1/container"), OPERATOR),
        two_accounts(),
    );
    assert_signed_by(&p.sent.borrow()[1], PROD, "/api/v1/container", NOW);
    assert_signed_by(
        &p.sent.borrow()[2],
        STAGING,
        "/api/v1/container",
        NOW + ahead as u64,
    );
}

#[test]
fn the_audit_trail_names_the_account_and_is_for_operators_of_every_account() {
    let p = fake();
    let s = State::default();
    let call = |method: &str, path: &str, token: &str| {
        run_with(&p, &s, &bearer(req(method, path), token), two_accounts())
    };
    // The same command id on two accounts: each outcome joins its own action.
    for account in ["prod", "staging"] {
        p.answers
            .borrow_mut()
            .push_back(ok_envelope(r#"{"commandId":"c-1","status":"CREATED"}"#));
        assert_eq!(
            call(
                "POST",
                &format!("/a/{account}/api/v1/container/7/start"),
                OPERATOR
            )
            .status,
            200
        );
    }
    p.answers.borrow_mut().push_back(ok_envelope(
        r#"{"commandId":"c-1","status":"DONE","result":"500","resultMsg":"boom"}"#,
    ));
    assert_eq!(
        call("GET", "/a/staging/api/v1/command/c-1", CAROL).status,
        200
    );
    let r = call("GET", "/edge/audit", OPERATOR);
    assert_eq!(r.status, 200);
    let page = json(&r);
    let entries: Vec<_> = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["account"].clone(), e["outcome"].clone()))
        .collect();
    assert_eq!(
        entries,
        [
            ("staging".into(), "failed".into()),
            ("prod".into(), serde_json::Value::Null)
        ]
    );
    let r = call("GET", "/edge/audit?account=prod", OPERATOR);
    assert_eq!(json(&r)["entries"].as_array().unwrap().len(), 1);
    // carol operates staging only: the trail (every account's) is not hers.
    let r = call("GET", "/edge/audit", CAROL);
    assert_eq!(r.status, 403);
    assert!(
        json(&r)["message"]
            .as_str()
            .unwrap()
            .contains("operators on every account")
    );
}

#[test]
fn one_account_is_also_reached_by_its_name() {
    let p = fake();
    let s = State::default();
    p.answers.borrow_mut().push_back(ok_envelope("[]"));
    let r = run(
        &p,
        &s,
        &bearer(req("GET", "/a/default/api/v1/container"), VIEWER),
    );
    assert_eq!(r.status, 200);
    assert_signed(&p.sent.borrow()[0], "/api/v1/container", NOW);
    let r = run(
        &p,
        &s,
        &bearer(req("GET", "/a/other/api/v1/container"), VIEWER),
    );
    assert_eq!(r.status, 404);
    // `/a/…` outside the API is the console's (its pages).
    assert!(matches!(route_of("/a/default/containers/7"), Route::Asset));
    assert!(matches!(
        route_of("/a/x/api"),
        Route::Api {
            account: Some("x"),
            path: "/api"
        }
    ));
    assert!(matches!(
        route_of("/a//api/v1"),
        Route::Api {
            account: Some(""),
            ..
        }
    ));
}
