//! The wasm glue: a `web_sys::Request` in, [`app::handle`], a
//! `web_sys::Response` out. Only this module knows about JavaScript.
//!
//! `worker.mjs` calls [`handle`] for every request with the runtime's `env`
//! (the configuration, the `ASSETS` binding and the Durable Object
//! namespace `EWS_STATE`) and `ctx` (for `waitUntil`). The isolate's own
//! state (the upstream clock correction, its copy of the revocations, the
//! bearer tokens it saw valid) lives in a thread-local: wasm in a worker
//! isolate is single-threaded. The Durable Object class in `worker.mjs`
//! calls [`durable_handle`] with its SQL storage.

use js_sys::{Promise, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortSignal, Headers, ReadableStreamDefaultReader, Request, RequestInit, RequestRedirect,
    Response, ResponseInit,
};

use crate::app::{
    self, AssetError, BodyError, DurableError, FetchError, Handled, Incoming, Platform, State,
    UpstreamReply, UpstreamRequest,
};
use crate::config::{self, Config};
use crate::durable::{self, Request as DoRequest};
use crate::reply::Reply;
use crate::sqldb::SqlDb;

thread_local! {
    /// One `State` per isolate, alive as long as the isolate (leaked once,
    /// so a reference to it can be held across awaits).
    static STATE: &'static State = Box::leak(Box::new(State::default()));
}

#[wasm_bindgen]
extern "C" {
    /// The runtime's global `fetch`.
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(request: &Request) -> Result<Promise, JsValue>;

    /// A service binding such as `env.ASSETS`: anything with `fetch()`.
    type Fetcher;
    #[wasm_bindgen(method, catch, js_name = fetch)]
    fn fetch(this: &Fetcher, request: &Request) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = console, js_name = log)]
    fn console_log(line: &str);

    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buf: &mut [u8]);

    /// A Durable Object namespace binding.
    type Namespace;
    #[wasm_bindgen(method, catch, js_name = idFromName)]
    fn id_from_name(this: &Namespace, name: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn get(this: &Namespace, id: &JsValue) -> Result<Fetcher, JsValue>;

    /// The `ctx` of a fetch handler.
    type Context;
    #[wasm_bindgen(method, catch, js_name = waitUntil)]
    fn wait_until(this: &Context, promise: &Promise) -> Result<(), JsValue>;
}

struct Worker<'a> {
    request: &'a Request,
    env: &'a JsValue,
    ctx: &'a JsValue,
    origin: String,
}

impl Worker<'_> {
    /// The one Durable Object's stub.
    fn state_object(&self) -> Result<Fetcher, DurableError> {
        let ns = Reflect::get(self.env, &JsValue::from_str(config::STATE_BINDING))
            .map_err(|_| DurableError::NoBinding)?;
        if ns.is_undefined() || ns.is_null() {
            return Err(DurableError::NoBinding);
        }
        let ns: Namespace = ns.unchecked_into();
        let id = ns
            .id_from_name(config::STATE_OBJECT)
            .map_err(|_| DurableError::Failed)?;
        ns.get(&id).map_err(|_| DurableError::Failed)
    }

    /// Sends `req` to the object: the promise of its response.
    fn send(&self, req: &DoRequest) -> Result<Promise, DurableError> {
        let stub = self.state_object()?;
        let init = RequestInit::new();
        init.set_method("POST");
        let body = req.body();
        init.set_body(&JsValue::from_str(&body));
        let url = format!("https://ews-edge.state/{}", req.op());
        let request =
            Request::new_with_str_and_init(&url, &init).map_err(|_| DurableError::Failed)?;
        stub.fetch(&request).map_err(|_| DurableError::Failed)
    }
}

fn header(headers: &Headers, name: &str) -> Option<String> {
    headers.get(name).ok().flatten()
}

/// Whether a failed fetch was our timeout (or an abort) rather than a
/// connection failure.
fn classify(err: &JsValue) -> FetchError {
    let name = Reflect::get(err, &JsValue::from_str("name"))
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    if name == "TimeoutError" || name == "AbortError" {
        FetchError::Timeout
    } else {
        FetchError::Unreachable
    }
}

async fn bytes(promise: Result<Promise, JsValue>) -> Result<Vec<u8>, JsValue> {
    let buffer = JsFuture::from(promise?).await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

impl Platform for Worker<'_> {
    type Asset = Response;

    fn now_ms(&self) -> u64 {
        js_sys::Date::now() as u64
    }

    fn log(&self, line: &str) {
        console_log(line);
    }

    async fn read_body(&self, limit: usize) -> Result<Vec<u8>, BodyError> {
        // A declared oversize body is refused before reading; any other is
        // read chunk by chunk and refused as soon as it passes the limit
        // (a body without Content-Length is never buffered whole).
        let declared = self
            .request
            .headers()
            .get("content-length")
            .ok()
            .flatten()
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit as u64) {
            return Err(BodyError::TooLarge);
        }
        let Some(stream) = self.request.body() else {
            return Ok(Vec::new());
        };
        let reader: ReadableStreamDefaultReader = stream
            .get_reader()
            .dyn_into()
            .map_err(|_| BodyError::Unreadable)?;
        let mut body = Vec::new();
        loop {
            let chunk = JsFuture::from(reader.read())
                .await
                .map_err(|_| BodyError::Unreadable)?;
            let done = Reflect::get(&chunk, &"done".into())
                .ok()
                .and_then(|d| d.as_bool())
                .unwrap_or(true);
            if done {
                return Ok(body);
            }
            let value = Reflect::get(&chunk, &"value".into()).map_err(|_| BodyError::Unreadable)?;
            let bytes: Uint8Array = value.dyn_into().map_err(|_| BodyError::Unreadable)?;
            if body.len() + bytes.length() as usize > limit {
                let _ = reader.cancel();
                return Err(BodyError::TooLarge);
            }
            body.extend_from_slice(&bytes.to_vec());
        }
    }

    async fn fetch_upstream(&self, req: &UpstreamRequest) -> Result<UpstreamReply, FetchError> {
        let headers = Headers::new().map_err(|_| FetchError::Unreachable)?;
        let _ = headers.set("Authorization", &req.authorization);
        let _ = headers.set("Accept", "application/json");
        let init = RequestInit::new();
        init.set_method(req.method.as_str());
        init.set_headers(&headers);
        init.set_redirect(RequestRedirect::Manual);
        init.set_signal(Some(&AbortSignal::timeout_with_u32(req.timeout_ms)));
        let request =
            Request::new_with_str_and_init(&req.url, &init).map_err(|_| FetchError::Unreachable)?;
        let answer = JsFuture::from(global_fetch(&request).map_err(|e| classify(&e))?)
            .await
            .map_err(|e| classify(&e))?;
        let response: Response = answer.dyn_into().map_err(|_| FetchError::Unreachable)?;
        let body = bytes(response.array_buffer())
            .await
            .map_err(|e| classify(&e))?;
        let h = response.headers();
        Ok(UpstreamReply {
            status: response.status(),
            content_type: header(&h, "content-type"),
            date: header(&h, "date"),
            body,
        })
    }

    async fn fetch_asset(&self, path: &str, method: &str) -> Result<Response, AssetError> {
        let binding = Reflect::get(self.env, &JsValue::from_str("ASSETS"))
            .map_err(|_| AssetError::NoBinding)?;
        if binding.is_undefined() || binding.is_null() {
            return Err(AssetError::NoBinding);
        }
        let assets: Fetcher = binding.unchecked_into();
        let headers = Headers::new().map_err(|_| AssetError::Failed)?;
        let incoming = self.request.headers();
        for name in ["if-none-match", "if-modified-since", "accept-encoding"] {
            if let Some(v) = header(&incoming, name) {
                let _ = headers.set(name, &v);
            }
        }
        let init = RequestInit::new();
        init.set_method(method);
        init.set_headers(&headers);
        let url = format!("{}{path}", self.origin);
        let request =
            Request::new_with_str_and_init(&url, &init).map_err(|_| AssetError::Failed)?;
        let answer = JsFuture::from(assets.fetch(&request).map_err(|_| AssetError::Failed)?)
            .await
            .map_err(|_| AssetError::Failed)?;
        answer.dyn_into().map_err(|_| AssetError::Failed)
    }

    async fn durable(&self, req: &DoRequest) -> Result<Vec<u8>, DurableError> {
        let promise = self.send(req)?;
        let answer = JsFuture::from(promise)
            .await
            .map_err(|_| DurableError::Failed)?;
        let response: Response = answer.dyn_into().map_err(|_| DurableError::Failed)?;
        if response.status() != 200 {
            return Err(DurableError::Failed);
        }
        bytes(response.array_buffer())
            .await
            .map_err(|_| DurableError::Failed)
    }

    fn durable_later(&self, req: &DoRequest) {
        let Ok(promise) = self.send(req) else {
            console_log(
                r#"{"event":"durable","ok":false,"note":"a background write could not be sent"}"#,
            );
            return;
        };
        // A failure is logged, never an unhandled rejection.
        let quiet = wasm_bindgen_futures::future_to_promise(async move {
            if JsFuture::from(promise).await.is_err() {
                console_log(r#"{"event":"durable","ok":false,"note":"a background write failed"}"#);
            }
            Ok(JsValue::UNDEFINED)
        });
        let ctx: &Context = self.ctx.unchecked_ref();
        if ctx.wait_until(&quiet).is_err() {
            console_log(r#"{"event":"durable","ok":false,"note":"no waitUntil"}"#);
        }
    }

    fn random16(&self) -> [u8; 16] {
        let mut buf = [0u8; 16];
        get_random_values(&mut buf);
        buf
    }

    fn asset_status(&self, asset: &Response) -> u16 {
        asset.status()
    }

    fn asset_content_type(&self, asset: &Response) -> Option<String> {
        header(&asset.headers(), "content-type")
    }
}

/// A configuration value: a string binding (text, secret or var), or a
/// number var written without quotes.
fn env_var(env: &JsValue, name: &str) -> Option<String> {
    let v = Reflect::get(env, &JsValue::from_str(name)).ok()?;
    if v.as_f64().is_some() {
        // Let JavaScript format numbers (no float formatting in the wasm).
        let n: js_sys::Number = v.unchecked_into();
        return n.to_string_with_radix(10).ok().and_then(|s| s.as_string());
    }
    v.as_string()
}

fn null_body(status: u16, method: &str) -> bool {
    method == "HEAD" || matches!(status, 101 | 204 | 205 | 304)
}

fn respond(reply: Reply, method: &str) -> Result<Response, JsValue> {
    let headers = Headers::new()?;
    for (name, value) in &reply.headers {
        headers.append(name, value)?;
    }
    let init = ResponseInit::new();
    init.set_status(reply.status);
    init.set_headers(&headers);
    let mut body = reply.body;
    if null_body(reply.status, method) {
        Response::new_with_opt_u8_array_and_init(None, &init)
    } else {
        Response::new_with_opt_u8_array_and_init(Some(&mut body), &init)
    }
}

fn respond_asset(
    asset: Response,
    extra: Vec<(&'static str, String)>,
    method: &str,
) -> Result<Response, JsValue> {
    let headers = Headers::new_with_headers(&asset.headers())?;
    for (name, value) in &extra {
        headers.set(name, value)?;
    }
    let init = ResponseInit::new();
    init.set_status(asset.status());
    init.set_headers(&headers);
    let body = if null_body(asset.status(), method) {
        None
    } else {
        asset.body()
    };
    Response::new_with_opt_readable_stream_and_init(body.as_ref(), &init)
}

fn incoming(request: &Request, trusted_ip_header: Option<&str>) -> Incoming {
    let h = request.headers();
    Incoming {
        method: request.method().to_ascii_uppercase(),
        url: request.url(),
        authorization: header(&h, "authorization"),
        cookie: header(&h, "cookie"),
        origin: header(&h, "origin"),
        client_ip: trusted_ip_header.and_then(|name| header(&h, name)),
        fetch_site: header(&h, "sec-fetch-site"),
        accept_language: header(&h, "accept-language"),
        content_length: header(&h, "content-length").and_then(|v| v.trim().parse().ok()),
    }
}

/// Whether the request came through Cloudflare's edge, which then sets
/// `CF-Connecting-IP` itself: its `cf` object names the data centre
/// (`colo`). workerd may give a `cf` object too, but never a `colo` of its
/// own.
fn on_cloudflare(request: &Request) -> bool {
    Reflect::get(request, &JsValue::from_str("cf"))
        .ok()
        .filter(JsValue::is_object)
        .and_then(|cf| Reflect::get(&cf, &JsValue::from_str("colo")).ok())
        .is_some_and(|colo| colo.as_string().is_some_and(|c| !c.is_empty()))
}

/// The worker's fetch handler: `export default { fetch: (req, env, ctx) => handle(req, env, ctx) }`.
#[wasm_bindgen]
pub async fn handle(request: Request, env: JsValue, ctx: JsValue) -> Result<Response, JsValue> {
    let config = Config::from_env(|name| env_var(&env, name));
    let trusted = config.as_ref().ok().and_then(|c| {
        c.client_ip
            .header(on_cloudflare(&request))
            .map(str::to_owned)
    });
    let req = incoming(&request, trusted.as_deref());
    let (origin, _) = app::split_url(&req.url);
    let platform = Worker {
        request: &request,
        env: &env,
        ctx: &ctx,
        origin,
    };
    // Requests interleave only at awaits, and no borrow of the state's
    // cells is held across one.
    let state = STATE.with(|s| *s);
    match app::handle(&platform, state, &req, config).await {
        Handled::Reply(reply) => respond(reply, &req.method),
        Handled::Asset { asset, headers } => respond_asset(asset, headers, &req.method),
    }
}

/// Creates the Durable Object's tables: its constructor calls this with
/// `ctx.storage.sql`.
#[wasm_bindgen]
pub fn durable_init(sql: JsValue) {
    SqlDb::new(sql).create();
}

/// The Durable Object's fetch handler: one message (`op`, the last path
/// segment; `body`, JSON) against its SQL storage, at `now_ms`. Synchronous
/// from start to end, so atomic. Answers JSON; a message that is not one
/// of the worker's is `{"error":…}`.
#[wasm_bindgen]
pub fn durable_handle(sql: JsValue, op: &str, body: &[u8], now_ms: f64) -> Vec<u8> {
    let Some(req) = DoRequest::parse(op, body) else {
        return br#"{"error":"not a message of this worker"}"#.to_vec();
    };
    let db = SqlDb::new(sql);
    durable::handle(&db, &req, now_ms.max(0.0) as u64).into_bytes()
}
