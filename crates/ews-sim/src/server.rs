//! The HTTP server: accept loop, dispatch by path, and what every response
//! gets (`Date`, CORS, `Cache-Control`).
//!
//! Built on hyper directly: routing is ews-core's `Operation::route`, and a
//! service error is how hyper closes a connection without an answer (the
//! `drop` fault).

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;

use crate::clock::{shifted, system_now_ms};
use crate::config::Config;
use crate::faults::Faults;
use crate::response::{ApiError, Resp};
use crate::rng::Rng;
use crate::state::{Sim, SimOptions};
use crate::{admin, api, assets, cors};

/// The largest request body read (form parameters, admin JSON).
pub const MAX_BODY: usize = 64 * 1024;

/// The random stream of fault decisions.
const FAULT_STREAM: u64 = 0xFA17;

/// The mutable part of the service, behind one lock.
#[derive(Debug)]
pub struct Shared {
    /// Containers and commands.
    pub sim: Sim,
    /// Faults in force.
    pub faults: Faults,
    /// Fault decisions.
    pub fault_rng: Rng,
}

/// The running service: its configuration and its state.
#[derive(Debug)]
pub struct App {
    config: Config,
    shared: Mutex<Shared>,
    /// The clock skew in force, readable without the lock.
    skew_ms: AtomicI64,
}

/// What a handler answers: a response, or nothing at all.
#[derive(Debug)]
pub enum Reply {
    /// Send this.
    Response(Resp),
    /// Close the connection without an answer.
    Drop,
}

impl From<Resp> for Reply {
    fn from(resp: Resp) -> Self {
        Reply::Response(resp)
    }
}

/// The error that makes hyper close a connection without an answer.
#[derive(Debug)]
pub struct Dropped;

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped on purpose (drop fault)")
    }
}

impl std::error::Error for Dropped {}

impl App {
    /// The service at start-up, at `now_ms` (real clock).
    pub fn new(config: Config, now_ms: u64) -> App {
        let shared = Self::initial(&config, now_ms);
        App {
            skew_ms: AtomicI64::new(config.faults.clock_skew_ms),
            shared: Mutex::new(shared),
            config,
        }
    }

    fn initial(config: &Config, now_ms: u64) -> Shared {
        let options = SimOptions {
            seed: config.seed,
            containers: config.containers,
            step_ms: config.step_ms,
            fail_rate: config.fail_rate,
            settle_ms: config.settle_ms,
            stuck: config.stuck,
            step_jitter: config.step_jitter,
        };
        Shared {
            sim: Sim::new(options, now_ms, config.faults.clock_skew_ms),
            faults: config.faults.clone(),
            fault_rng: Rng::derive(config.seed, FAULT_STREAM),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The state. A panic elsewhere never leaves it unusable.
    pub fn lock(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Back to the start-up state.
    pub fn reset(&self, now_ms: u64) {
        let fresh = Self::initial(&self.config, now_ms);
        *self.lock() = fresh;
        self.skew_ms
            .store(self.config.faults.clock_skew_ms, Ordering::Relaxed);
    }

    /// Replaces the faults (already validated).
    pub fn set_faults(&self, shared: &mut Shared, faults: Faults) {
        shared.sim.set_skew(faults.clock_skew_ms);
        self.skew_ms.store(faults.clock_skew_ms, Ordering::Relaxed);
        shared.faults = faults;
    }

    /// The server's clock: the real one shifted by the injected skew.
    pub fn server_now_ms(&self) -> u64 {
        shifted(system_now_ms(), self.skew_ms.load(Ordering::Relaxed))
    }
}

/// Serves `listener` until the process ends.
pub async fn serve(listener: TcpListener, app: Arc<App>) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors and the like: wait, then go on.
                eprintln!("ews-sim: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let app = app.clone();
                async move { dispatch(&app, req).await }
            });
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(30))
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// One request, start to end.
async fn dispatch(app: &App, req: Request<Incoming>) -> Result<Resp, Dropped> {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let origin = req.headers().get(header::ORIGIN).cloned();
    let is_api = path == "/api" || path.starts_with("/api/");
    let is_admin = path == "/__admin" || path.starts_with("/__admin/");

    let reply = if method == Method::OPTIONS {
        cors::preflight(&app.config.cors, req.headers(), app.config.admin).into()
    } else if is_api {
        api::handle(app, req).await
    } else if is_admin && app.config.admin {
        admin::handle(app, req)
            .await
            .unwrap_or_else(ApiError::into_response)
            .into()
    } else if let (Some(dir), false, true) = (
        &app.config.static_dir,
        is_admin,
        method == Method::GET || method == Method::HEAD,
    ) {
        assets::serve(dir, &path, method == Method::HEAD)
            .await
            .into()
    } else {
        let hint = if app.config.static_dir.is_none() && !is_admin {
            "; start ews-sim with --static DIR to serve the console here"
        } else {
            ""
        };
        ApiError::NoRoute(format!(
            "no such path: the API is at /api/v1/container[/{{id}}[/start|/stop]] and /api/v1/command/{{id}}{hint}"
        ))
        .into_response()
        .into()
    };

    let reply = match reply {
        Reply::Drop => {
            log(app, &method, &path, "dropped", started);
            return Err(Dropped);
        }
        Reply::Response(resp) => resp,
    };
    let mut resp = reply;
    let date =
        ews_core::clock::format_http_date(i64::try_from(app.server_now_ms()).unwrap_or(i64::MAX));
    if let Ok(v) = HeaderValue::from_str(&date) {
        resp.headers_mut().insert(header::DATE, v);
    }
    if !resp.headers().contains_key(header::CACHE_CONTROL) {
        resp.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    cors::decorate(&app.config.cors, origin.as_ref(), &mut resp);
    log(app, &method, &path, resp.status().as_str(), started);
    Ok(resp)
}

fn log(app: &App, method: &Method, path: &str, outcome: &str, started: Instant) {
    if app.config.log {
        let path: String = path.chars().take(200).collect();
        eprintln!(
            "{method} {path} -> {outcome} ({} ms)",
            started.elapsed().as_millis()
        );
    }
}

/// Reads a request body up to [`MAX_BODY`] bytes.
pub async fn read_body(body: Incoming) -> Result<Bytes, ApiError> {
    match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            Err(ApiError::BodyTooLarge(MAX_BODY))
        }
        Err(e) => Err(ApiError::BadParam(format!(
            "cannot read the request body: {e}"
        ))),
    }
}

/// The bytes of a response built here (bodies are always complete).
pub async fn body_bytes(body: Full<Bytes>) -> Bytes {
    match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(never) => match never {},
    }
}
