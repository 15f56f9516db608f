//! A fake EWS API for the component tests: `window.fetch` answered in
//! memory. It routes with `Operation::route`, verifies signatures with
//! `ews_core::sign::verify` (±15 min window, its own clock skew), keeps
//! containers and commands, and moves each command one phase per poll.
//! Faults: the next N answers replaced, a network failure, an edge session.

use std::cell::RefCell;

use ews_core::json::ToJson;
use ews_core::request::{Operation, parse_query};
use ews_core::sign::{DEFAULT_WINDOW_MS, VerifyInput, verify};
use ews_core::{Action, Command, Container, ContainerId, ContainerStatus, SignMethod};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// The demo credentials.
pub(crate) const ACCESS_KEY: &str = "ews-demo";
pub(crate) const SECRET: &str = "ews-demo-secret";

/// A canned answer.
#[derive(Clone)]
pub(crate) struct Canned {
    pub(crate) status: u16,
    pub(crate) body: String,
    pub(crate) content_type: &'static str,
}

#[derive(Default)]
pub(crate) struct State {
    pub(crate) containers: Vec<Container>,
    /// Command, container, action, polls so far, fails, created (ms).
    pub(crate) commands: Vec<(Command, ContainerId, Action, u32, bool, u64)>,
    /// The server's clock minus the browser's, ms.
    pub(crate) skew_ms: i64,
    /// Every request: `METHOD path`.
    pub(crate) log: Vec<String>,
    /// The next answers to API calls, instead of the real ones.
    pub(crate) canned: Vec<Canned>,
    /// API calls fail as a network error (no CORS, server down).
    pub(crate) offline: bool,
    /// The answer to `GET /edge/session` (default 404).
    pub(crate) edge: Option<(u16, String)>,
    /// Containers whose next action fails.
    pub(crate) fail_next: Vec<ContainerId>,
    /// List items (JSON text) the list answer carries after the containers:
    /// the odd data a real service may send.
    pub(crate) extra_items: Vec<String>,
    /// Edge accounts (`/a/{name}/…`) whose API calls fail with 503.
    pub(crate) down: Vec<String>,
    next_command: u32,
}

thread_local! {
    pub(crate) static STATE: RefCell<State> = RefCell::new(State::default());
}

/// A fleet: `n` containers cycling through every documented state, plus
/// one undocumented one when `n > 11`.
pub(crate) fn fleet(n: u64) -> Vec<Container> {
    (0..n)
        .map(|i| {
            let status = if n > 11 && i == n - 1 {
                ContainerStatus::parse("HIBERNATING")
            } else {
                ContainerStatus::DOCUMENTED[(i % 11) as usize].clone()
            };
            let mut c = Container::new(ContainerId(1000 + i), status);
            c.node_id = Some(10 + i as i64 % 3);
            c.host_id = Some(300 + i as i64 % 5);
            c.cpu = Some(if i % 4 == 0 { -1 } else { 2 });
            c.mem = Some(512 * (1 + (i as i64 % 4)));
            c.disk = Some(10_240);
            c.create_time = ews_core::ApiTime::new("2026-11-20 10:00:00");
            c
        })
        .collect()
}

/// Resets the fake with a fleet of `n` and installs it as `window.fetch`.
pub(crate) fn install(n: u64) {
    STATE.with(|s| {
        *s.borrow_mut() = State {
            containers: fleet(n),
            ..State::default()
        };
    });
    let handler = Closure::<dyn Fn(JsValue) -> js_sys::Promise>::new(handle);
    let window = web_sys::window().unwrap();
    js_sys::Reflect::set(&window, &"fetch".into(), handler.as_ref()).unwrap();
    handler.forget();
}

/// Runs `f` on the fake's state.
pub(crate) fn with<R>(f: impl FnOnce(&mut State) -> R) -> R {
    STATE.with(|s| f(&mut s.borrow_mut()))
}

/// How many requests matched `prefix` (e.g. `"GET /api/v1/command/"`).
pub(crate) fn count(prefix: &str) -> usize {
    with(|s| s.log.iter().filter(|l| l.starts_with(prefix)).count())
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

fn respond(status: u16, body: &str, content_type: &str, skew_ms: i64) -> js_sys::Promise {
    let headers = web_sys::Headers::new().unwrap();
    headers.set("Content-Type", content_type).unwrap();
    let server_now = now_ms() as i64 + skew_ms;
    headers
        .set("Date", &ews_core::clock::format_http_date(server_now))
        .unwrap();
    let init = web_sys::ResponseInit::new();
    init.set_status(status);
    init.set_headers(&headers);
    let resp = web_sys::Response::new_with_opt_str_and_init(Some(body), &init).unwrap();
    js_sys::Promise::resolve(&JsValue::from(resp))
}

fn envelope<T: ews_core::json::ToJson + ?Sized>(data: &T) -> String {
    format!(
        r#"{{"code":"0","message":"success","data":{}}}"#,
        data.to_json()
    )
}

fn error(code: &str, message: &str) -> String {
    format!(r#"{{"code":"{code}","message":"{message}"}}"#)
}

/// A command from the JSON the fake writes.
fn command(json: &str) -> Command {
    Command::from_json(&ews_core::json::parse(json.as_bytes()).unwrap()).unwrap()
}

fn handle(input: JsValue) -> js_sys::Promise {
    let req: web_sys::Request = input.dyn_into().unwrap();
    let url = req.url();
    let method = req.method();
    let after_host = url.splitn(4, '/').nth(3).unwrap_or("");
    let (path, query) = after_host.split_once('?').unwrap_or((after_host, ""));
    let path = format!("/{path}");
    let auth = req.headers().get("Authorization").ok().flatten();
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.log.push(format!("{method} {path}"));
        if path == "/edge/session" {
            let (status, body) = s
                .edge
                .clone()
                .unwrap_or((404, "<html>not found</html>".into()));
            return respond(status, &body, "application/json", s.skew_ms);
        }
        if s.offline {
            return js_sys::Promise::reject(&js_sys::TypeError::new("Failed to fetch"));
        }
        let account = path.strip_prefix("/a/").and_then(|p| p.split('/').next());
        if account.is_some_and(|a| s.down.iter().any(|d| d == a)) {
            return respond(503, "<html>down</html>", "text/html", s.skew_ms);
        }
        if !s.canned.is_empty() {
            let c = s.canned.remove(0);
            return respond(c.status, &c.body, c.content_type, s.skew_ms);
        }
        let (status, body) = api(&mut s, &method, &path, query, auth.as_deref());
        respond(status, &body, "application/json", s.skew_ms)
    })
}

fn api(s: &mut State, method: &str, path: &str, query: &str, auth: Option<&str>) -> (u16, String) {
    // An edge worker's account, `/a/{name}/api/v1/…`, is the same fleet here.
    let path = match path
        .strip_prefix("/a/")
        .and_then(|p| p.find('/').map(|i| &p[i..]))
    {
        Some(rest) => rest,
        None => path,
    };
    let op = match Operation::route(method, path) {
        Ok(op) => op,
        Err(_) => return (404, error("1008", "ActionNotExist")),
    };
    let pairs = parse_query(query).unwrap_or_default();
    let params: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let server_now = (now_ms() as i64 + s.skew_ms) as u64;
    let checked = verify(&VerifyInput {
        method: SignMethod::HmacMd5,
        secret: SECRET,
        params: &params,
        authorization: auth,
        now_ms: server_now,
        window_ms: DEFAULT_WINDOW_MS,
    });
    // Behind the edge worker the browser does not sign.
    let edge = auth.is_none() && s.edge.as_ref().is_some_and(|(status, _)| *status == 200);
    if let (Err(e), false) = (checked, edge) {
        return (401, error("1004", &format!("SignError: {e}")));
    }
    let find = |s: &State, id: ContainerId| s.containers.iter().position(|c| c.id == id);
    // Commands move on by themselves too (a phase every 2 s), as the
    // service's do, whether anyone polls them or not.
    for k in 0..s.commands.len() {
        advance(s, k, false);
    }
    match op {
        Operation::ListContainers if s.extra_items.is_empty() => (200, envelope(&s.containers)),
        Operation::ListContainers => {
            let mut data = s.containers.to_json();
            data.pop();
            for item in &s.extra_items {
                if data.len() > 1 {
                    data.push(',');
                }
                data.push_str(item);
            }
            data.push(']');
            (
                200,
                format!(r#"{{"code":"0","message":"success","data":{data}}}"#),
            )
        }
        Operation::GetContainer(id) => match find(s, id) {
            Some(i) => (200, envelope(&s.containers[i])),
            None => (404, error("1005", "ResourceNotExist")),
        },
        Operation::StartContainer(id)
        | Operation::StopContainer(id)
        | Operation::DeleteContainer(id) => {
            let Some(i) = find(s, id) else {
                return (404, error("1005", "ResourceNotExist"));
            };
            let Some((action, _)) = Action::of(&op) else {
                unreachable!()
            };
            // What the service takes: the usual actions, and a stop of a
            // start or stop in progress (as ews-sim).
            if !action.usual_when(&s.containers[i].status, true) {
                return (
                    409,
                    error(
                        "1007",
                        "StatusError: the container's state does not take this",
                    ),
                );
            }
            if let Some(t) = action.transitional_status() {
                s.containers[i].status = t;
            }
            s.next_command += 1;
            let body = format!(
                r#"{{"commandId":"cmd-{}","name":"{}","status":"CREATED","result":"","resultMsg":""}}"#,
                s.next_command,
                action.command_name()
            );
            let cmd = command(&body);
            let fails = s.fail_next.contains(&id);
            s.fail_next.retain(|x| *x != id);
            s.commands
                .push((cmd.clone(), id, action, 0, fails, now_ms()));
            (200, envelope(&cmd))
        }
        Operation::GetCommand(id) => match s.commands.iter().position(|c| c.0.command_id == id) {
            Some(k) => advance(s, k, true),
            None => (404, error("1005", "ResourceNotExist")),
        },
    }
}

/// One poll moves a command one phase — CREATED → RUNNING (with an
/// activity) → DONE, and the container to its end state — and so do 2 s
/// without one (`poll`: this is a poll of the command).
fn advance(s: &mut State, k: usize, poll: bool) -> (u16, String) {
    let (cmd, container, action, polls, fails, created) = &mut s.commands[k];
    if poll {
        *polls += 1;
    }
    let phase = (*polls).max(((now_ms() - *created) / 2_000) as u32);
    if phase == 0 || (!poll && cmd.is_final()) {
        return (200, envelope(&*cmd));
    }
    let (container, action, fails) = (*container, *action, *fails);
    let step = |status: &str| {
        format!(
            r#"[{{"commandId":"{}","name":"StartContainer","code":"200","steps":[{{"stepName":"PrepareParams","status":"200","msg":"ok"}},{{"stepName":"RunDocker","status":"{status}"}}],"createTime":"2026-11-27 10:00:00","endTime":""}}]"#,
            cmd.command_id
        )
    };
    let json = match phase {
        1 => format!(
            r#"{{"commandId":"{}","name":"x","status":"RUNNING","activitys":{}}}"#,
            cmd.command_id,
            step("RUNNING")
        ),
        _ if fails => format!(
            r#"{{"commandId":"{}","name":"x","status":"DONE","result":"500","resultMsg":"disk full","activitys":{}}}"#,
            cmd.command_id,
            step("500")
        ),
        _ => format!(
            r#"{{"commandId":"{}","name":"x","status":"DONE","result":"200","resultMsg":"success","activitys":{}}}"#,
            cmd.command_id,
            step("200")
        ),
    };
    *cmd = command(&json);
    let cmd = cmd.clone();
    if cmd.is_final()
        && let Some(i) = s.containers.iter().position(|c| c.id == container)
    {
        match (action, fails) {
            (Action::Delete, false) => {
                s.containers.remove(i);
            }
            (Action::Start, false) => s.containers[i].status = ContainerStatus::Running,
            (Action::Stop, false) => s.containers[i].status = ContainerStatus::Stopped,
            (Action::Start, true) => s.containers[i].status = ContainerStatus::StartFailed,
            (Action::Stop, true) => s.containers[i].status = ContainerStatus::StopFailed,
            (Action::Delete, true) => {}
        }
    }
    (200, envelope(&cmd))
}
