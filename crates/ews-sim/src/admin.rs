//! `/__admin/*`: unsigned endpoints for tests, only with `--admin`.
//!
//! - `GET /__admin`: the list of endpoints.
//! - `GET /__admin/faults`, `PUT /__admin/faults` (partial JSON update).
//! - `POST /__admin/reset`: back to the start-up state.
//! - `POST /__admin/containers/{id}/fail-next[?mode=…]`: force the outcome
//!   of the next action on a container.
//! - `GET /__admin/containers/{id}`, `PUT /__admin/containers/{id}`: read or
//!   set fields by hand.
//!
//! Answers are the API envelope, with the value in `data`.

use ews_core::request::parse_query;
use ews_core::{ApiTime, ContainerId, ContainerStatus};
use hyper::Request;
use hyper::body::Incoming;
use serde::Deserialize;
use serde_json::json;

use crate::clock::system_now_ms;
use crate::faults::FaultsPatch;
use crate::plan::Outcome;
use crate::response::{self, ApiError, Resp};
use crate::server::{App, read_body};

/// A change to a container, with the API's field names; absent fields stay.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ContainerPatch {
    status: Option<String>,
    health: Option<String>,
    node_id: Option<i64>,
    host_id: Option<i64>,
    cpu: Option<i64>,
    mem: Option<i64>,
    disk: Option<i64>,
    create_time: Option<String>,
    start_time: Option<String>,
    stop_time: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FailNext {
    mode: Option<String>,
}

fn method_not_allowed(allowed: &str) -> ApiError {
    ApiError::MethodNotAllowed {
        allowed: allowed.to_owned(),
        message: format!("method not allowed here; use {allowed}"),
    }
}

async fn json_body<T: for<'de> Deserialize<'de> + Default>(
    req: Request<Incoming>,
) -> Result<T, ApiError> {
    let body = read_body(req.into_body()).await?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(&body)
        .map_err(|e| ApiError::BadParam(format!("the JSON body is not accepted: {e}")))
}

fn container_id(text: &str) -> Result<ContainerId, ApiError> {
    ContainerId::parse(text).map_err(|e| ApiError::BadParam(e.to_string()))
}

fn not_found(id: ContainerId) -> ApiError {
    ApiError::NotFound(format!("container {id} does not exist"))
}

/// Handles a request under `/__admin`.
pub(crate) async fn handle(app: &App, req: Request<Incoming>) -> Result<Resp, ApiError> {
    let path = req.uri().path().trim_end_matches('/').to_owned();
    let segs: Vec<&str> = path.split('/').skip(2).collect();
    let method = req.method().as_str().to_owned();
    match (segs.as_slice(), method.as_str()) {
        ([], "GET") => Ok(response::ok(json!({
            "endpoints": [
                "GET /__admin",
                "GET /__admin/faults",
                "PUT /__admin/faults",
                "POST /__admin/reset",
                "POST /__admin/containers/{id}/fail-next?mode=fail|runfailed|publish|hang|succeed",
                "GET /__admin/containers/{id}",
                "PUT /__admin/containers/{id}",
            ],
            "faultKeys": ["latency_ms", "latency_jitter_ms", "error_5xx", "html", "truncated", "api_error", "drop", "hang", "clock_skew_ms", "ops"],
        }))),
        ([], _) => Err(method_not_allowed("GET")),
        (["faults"], "GET") => Ok(response::ok(&app.lock().faults)),
        (["faults"], "PUT") => {
            let patch: FaultsPatch = json_body(req).await?;
            let mut shared = app.lock();
            let faults = shared.faults.patched(patch).map_err(ApiError::BadParam)?;
            app.set_faults(&mut shared, faults.clone());
            Ok(response::ok(faults))
        }
        (["faults"], _) => Err(method_not_allowed("GET, PUT")),
        (["reset"], "POST") => {
            app.reset(system_now_ms());
            let shared = app.lock();
            Ok(response::ok(json!({
                "containers": shared.sim.containers().len(),
                "faults": shared.faults,
            })))
        }
        (["reset"], _) => Err(method_not_allowed("POST")),
        (["containers", id, "fail-next"], "POST") => {
            let id = container_id(id)?;
            let query = parse_query(req.uri().query().unwrap_or(""))
                .ok_or_else(|| ApiError::BadParam("the query string cannot be read".to_owned()))?;
            let from_query = query.into_iter().find(|(n, _)| n == "mode").map(|(_, v)| v);
            let mode = match from_query {
                Some(m) => m,
                None => json_body::<FailNext>(req)
                    .await?
                    .mode
                    .unwrap_or_else(|| "fail".to_owned()),
            };
            let outcome = Outcome::parse(&mode).ok_or_else(|| {
                ApiError::BadParam(format!(
                    "mode `{}` is unknown: use fail, runfailed, publish, hang or succeed",
                    mode.chars().take(40).collect::<String>()
                ))
            })?;
            let mut shared = app.lock();
            shared.sim.advance(system_now_ms());
            shared
                .sim
                .force_next(id, outcome)
                .map_err(|_| not_found(id))?;
            Ok(response::ok(
                json!({ "container": id.0, "mode": outcome.as_str() }),
            ))
        }
        (["containers", _, "fail-next"], _) => Err(method_not_allowed("POST")),
        (["containers", id], "GET") => {
            let id = container_id(id)?;
            let mut shared = app.lock();
            shared.sim.advance(system_now_ms());
            let c = shared.sim.container(id).ok_or_else(|| not_found(id))?;
            Ok(response::ok_api(&c))
        }
        (["containers", id], "PUT") => {
            let id = container_id(id)?;
            let patch: ContainerPatch = json_body(req).await?;
            let mut shared = app.lock();
            shared.sim.advance(system_now_ms());
            let c = shared
                .sim
                .edit_container(id, |c| apply_patch(c, patch))
                .map_err(|_| not_found(id))?;
            Ok(response::ok_api(&c))
        }
        (["containers", _], _) => Err(method_not_allowed("GET, PUT")),
        _ => Err(ApiError::NoRoute(
            "no such admin endpoint: GET /__admin lists them".to_owned(),
        )),
    }
}

fn apply_patch(c: &mut ews_core::Container, p: ContainerPatch) {
    if let Some(s) = p.status {
        c.status = ContainerStatus::parse(s.trim());
    }
    if let Some(h) = p.health {
        c.health = h;
    }
    if p.node_id.is_some() {
        c.node_id = p.node_id;
    }
    if p.host_id.is_some() {
        c.host_id = p.host_id;
    }
    if p.cpu.is_some() {
        c.cpu = p.cpu;
    }
    if p.mem.is_some() {
        c.mem = p.mem;
    }
    if p.disk.is_some() {
        c.disk = p.disk;
    }
    if let Some(t) = p.create_time {
        c.create_time = ApiTime::new(t);
    }
    if let Some(t) = p.start_time {
        c.start_time = ApiTime::new(t);
    }
    if let Some(t) = p.stop_time {
        c.stop_time = ApiTime::new(t);
    }
}
