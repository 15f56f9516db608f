//! The transport: the only place the console fetches.
//!
//! [`Api`] offers the four calls the pages need (list, get, act, follow a
//! command) over a [`Transport`]:
//!
//! - [`Transport::Direct`]: the browser signs each request with
//!   [`ews_core::request::build`] and calls the API's base URL itself (which
//!   must then send CORS headers).
//! - [`Transport::Edge`]: same-origin `/api/v1/...`, unsigned; the edge worker
//!   authenticates the user with an HttpOnly cookie and signs upstream.
//!
//! Every response's `Date` header feeds the clock correction
//! ([`ews_core::clock::correction_ms`]); a sign error (1004) that comes with a
//! fresh, different correction is retried once with the corrected clock, and
//! the correction is reported so the UI can say so. Errors become
//! [`ApiError`], whose [`ApiError::message`] is the one place they are turned
//! into words.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use ews_core::clock::{corrected, correction_ms, worth_retry};
use ews_core::request::{self, Operation};
use ews_core::{Action, Command, CommandId, Container, ContainerId, Credentials, decode};
use serde::Deserialize;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::clock;
use crate::i18n::{Lang, M};
use crate::life::Life;

/// How long one request may take before it is abandoned.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// How requests reach the API.
#[derive(Clone, Debug)]
pub enum Transport {
    /// The browser signs and calls `base` (e.g. `https://open-ews.cloud.tmall.com`).
    Direct {
        /// Base URL, without `/api/v1` and without a trailing slash.
        base: String,
        /// Access key, secret key, sign method (Debug hides the secret).
        creds: Credentials,
    },
    /// `{base}/api/v1/...`, signed by the edge worker, which authenticates
    /// the user with its HttpOnly session cookie.
    Edge {
        /// The worker's origin; empty for the page's own (the usual case:
        /// the session cookie is `SameSite=Strict`).
        base: String,
    },
}

/// Why a call failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// A response arrived but was an error (API envelope, HTTP error page,
    /// or not an API response at all).
    Api(ews_core::Error),
    /// No response: the server is unreachable, or the browser refused the
    /// response (no CORS headers).
    Network {
        /// `scheme://host[:port]` that was called.
        origin: String,
    },
    /// No response within [`REQUEST_TIMEOUT`].
    Timeout,
}

impl ApiError {
    /// Whether trying again later may work.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Api(e) => e.is_transient(),
            ApiError::Network { .. } | ApiError::Timeout => true,
        }
    }

    /// Whether the edge session is missing or expired (HTTP 401 without an
    /// API envelope).
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, ApiError::Api(e) if matches!(e, ews_core::Error::Http { status: 401, .. }))
    }

    /// The API error, when there is one.
    pub fn core(&self) -> Option<&ews_core::Error> {
        match self {
            ApiError::Api(e) => Some(e),
            _ => None,
        }
    }

    /// What to tell the user: a summary and, sometimes, details. English
    /// uses the core's messages as they are (they already say what to do);
    /// Chinese gives a translated summary and keeps the core's text as detail.
    pub fn message(&self, lang: Lang) -> (String, Option<String>) {
        match self {
            ApiError::Network { origin } => (
                format!("{} ({origin})", M::NetworkError.text(lang)),
                Some(M::CorsHint.text(lang).into()),
            ),
            ApiError::Timeout => (M::TimeoutError.text(lang).into(), None),
            ApiError::Api(e) => match lang {
                Lang::En => (e.to_string(), None),
                Lang::Zh => {
                    let summary = match e {
                        _ if e.is_sign_error() => M::SignErrorZh,
                        ews_core::Error::Http { status: 401, .. } => M::SessionExpiredZh,
                        ews_core::Error::Http { status, .. } if *status >= 500 => M::ServerErrorZh,
                        ews_core::Error::Malformed { .. } => M::NotApiZh,
                        _ => M::ApiErrorZh,
                    };
                    (summary.text(lang).into(), Some(e.to_string()))
                }
            },
        }
    }
}

impl From<ews_core::Error> for ApiError {
    fn from(e: ews_core::Error) -> Self {
        ApiError::Api(e)
    }
}

/// A connection to the API.
pub struct Api {
    transport: Transport,
    life: Rc<Life>,
    correction_ms: Cell<i64>,
    on_skew: Box<dyn Fn(i64)>,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api")
            .field("transport", &self.transport)
            .field("correction_ms", &self.correction_ms.get())
            .finish()
    }
}

impl Api {
    /// A connection over `transport` whose requests belong to `life`;
    /// `on_skew` hears every change of the clock correction (server − local, ms).
    pub fn new(transport: Transport, life: Rc<Life>, on_skew: impl Fn(i64) + 'static) -> Rc<Api> {
        Rc::new(Api {
            transport,
            life,
            correction_ms: Cell::new(0),
            on_skew: Box::new(on_skew),
        })
    }

    /// The transport.
    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// The lifetime the requests belong to.
    pub fn life(&self) -> &Rc<Life> {
        &self.life
    }

    /// The current clock correction (server − local, ms).
    pub fn correction_ms(&self) -> i64 {
        self.correction_ms.get()
    }

    /// The server's time now, as far as we know it.
    pub fn server_now_ms(&self) -> u64 {
        corrected(clock::now_ms(), self.correction_ms.get())
    }

    /// `GET /api/v1/container`.
    pub async fn list(&self) -> Result<Vec<Container>, ApiError> {
        finish(
            self.send(&Operation::ListContainers).await?,
            decode::container_list,
        )
    }

    /// `GET /api/v1/container/{id}`.
    pub async fn container(&self, id: ContainerId) -> Result<Container, ApiError> {
        finish(
            self.send(&Operation::GetContainer(id)).await?,
            decode::container,
        )
    }

    /// Start, stop or delete: the command that will do it.
    pub async fn act(&self, action: Action, id: ContainerId) -> Result<Command, ApiError> {
        finish(self.send(&action.operation(id)).await?, decode::command)
    }

    /// `GET /api/v1/command/{id}`.
    pub async fn command(&self, id: &CommandId) -> Result<Command, ApiError> {
        finish(
            self.send(&Operation::GetCommand(id.clone())).await?,
            decode::command,
        )
    }

    /// Sends one operation (not generic, so there is one copy of it): signs
    /// with the corrected clock, learns the correction from `Date`, and
    /// retries once a sign error that a fresh correction may fix.
    async fn send(&self, op: &Operation) -> Result<Raw, ApiError> {
        let mut retried = false;
        loop {
            let now = clock::now_ms();
            let used = self.correction_ms.get();
            let sent_at = corrected(now, used);
            let direct = matches!(self.transport, Transport::Direct { .. });
            let mut raw = match &self.transport {
                Transport::Direct { base, creds } => {
                    let req = request::build(op, creds, sent_at);
                    fetch(
                        &self.life,
                        req.method.as_str(),
                        &req.url(base),
                        Some(&req.authorization),
                        false,
                    )
                    .await?
                }
                Transport::Edge { base } => {
                    let url = format!("{base}{}", op.path());
                    fetch(&self.life, op.method().as_str(), &url, None, true).await?
                }
            };
            raw.sent_at = sent_at;
            let fresh = raw.date.as_deref().and_then(|d| correction_ms(d, now));
            let changed = fresh.is_some_and(|c| worth_retry(used, c));
            if let (true, Some(c)) = (changed, fresh) {
                self.correction_ms.set(c);
                (self.on_skew)(c);
            }
            let sign_error = || {
                decode::envelope::<serde::de::IgnoredAny>(raw.status, &raw.body)
                    .is_err_and(|e| e.is_sign_error())
            };
            if changed && direct && !retried && sign_error() {
                retried = true;
                continue;
            }
            return Ok(raw);
        }
    }
}

/// Decodes a response; a sign error says how far off the clock was.
fn finish<T>(
    raw: Raw,
    decode: fn(u16, &[u8]) -> Result<T, ews_core::Error>,
) -> Result<T, ApiError> {
    decode::with_date(
        decode(raw.status, &raw.body),
        raw.date.as_deref(),
        raw.sent_at,
    )
    .map_err(ApiError::Api)
}

/// How the console is served, as the edge session probe says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// No edge worker: the browser signs (connection form).
    Direct,
    /// Edge mode, signed in.
    Edge {
        /// Who.
        user: String,
        /// Operators may act; viewers only look.
        operator: bool,
    },
    /// Edge mode, not signed in: send the user to `login`.
    EdgeSignedOut {
        /// Same-origin sign-in path.
        login: String,
    },
}

#[derive(Deserialize)]
struct EdgeSession {
    #[serde(default)]
    mode: String,
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    login: Option<String>,
}

/// The default sign-in path of the edge worker.
pub const EDGE_LOGIN: &str = "/edge/login";

impl Mode {
    /// Reads the answer to `GET /edge/session`: 200 `{"mode":"edge","user","role"}`
    /// is edge mode signed in, 401 `{"mode":"edge","login"}` is edge mode
    /// signed out, anything else (404, HTML, bad JSON) is direct mode.
    pub fn from_session(status: u16, body: &[u8]) -> Mode {
        let Ok(s) = serde_json::from_slice::<EdgeSession>(body) else {
            return Mode::Direct;
        };
        if s.mode != "edge" {
            return Mode::Direct;
        }
        match status {
            200 => Mode::Edge {
                user: s.user.unwrap_or_default().chars().take(80).collect(),
                operator: s.role.as_deref() == Some("operator"),
            },
            401 => {
                // Only a same-origin path: never `javascript:` or another site.
                let login = s
                    .login
                    .filter(|l| {
                        l.starts_with('/')
                            && !l.starts_with("//")
                            && !l.contains(['\\', '\n', '\r'])
                    })
                    .unwrap_or_else(|| EDGE_LOGIN.into());
                Mode::EdgeSignedOut { login }
            }
            _ => Mode::Direct,
        }
    }

    /// Asks `base` (empty: the page's own origin) how the console is served.
    pub async fn probe(life: &Rc<Life>, base: &str) -> Mode {
        let url = format!("{base}/edge/session");
        match fetch(life, "GET", &url, None, true).await {
            Ok(raw) => Mode::from_session(raw.status, &raw.body),
            Err(_) => Mode::Direct,
        }
    }
}

/// Checks and normalises what the user typed as the endpoint, with the
/// core's one rule ([`request::base_url`]); empty means `origin`.
pub fn normalize_endpoint(input: &str, origin: &str) -> Result<String, request::BaseUrlError> {
    let t = input.trim();
    request::base_url(if t.is_empty() { origin } else { t })
}

/// `scheme://host[:port]` of a URL, or the URL itself.
pub fn origin_of(url: &str) -> String {
    match url.find("://") {
        Some(i) => {
            let after = &url[i + 3..];
            let end = after.find('/').map_or(url.len(), |j| i + 3 + j);
            url[..end].to_string()
        }
        None => leptos::prelude::window()
            .location()
            .origin()
            .unwrap_or_default(),
    }
}

struct Raw {
    status: u16,
    date: Option<String>,
    body: Vec<u8>,
    /// The (corrected) time the request was signed with.
    sent_at: u64,
}

/// One request, registered with `life`: if the lifetime ends first, the
/// request is aborted and this never returns.
async fn fetch(
    life: &Rc<Life>,
    method: &str,
    url: &str,
    authorization: Option<&str>,
    same_origin: bool,
) -> Result<Raw, ApiError> {
    let network = || ApiError::Network {
        origin: origin_of(url),
    };
    let window = web_sys::window().ok_or_else(network)?;
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    if same_origin {
        init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    } else {
        init.set_mode(web_sys::RequestMode::Cors);
        init.set_credentials(web_sys::RequestCredentials::Omit);
    }
    let controller = web_sys::AbortController::new().ok();
    if let Some(c) = &controller {
        init.set_signal(Some(&c.signal()));
    }
    let _tracked = controller.clone().map(|c| life.track(c));
    let req = web_sys::Request::new_with_str_and_init(url, &init).map_err(|_| network())?;
    if let Some(auth) = authorization {
        req.headers()
            .set(ews_core::sign::AUTHORIZATION, auth)
            .map_err(|_| network())?;
    }
    let timed_out = Rc::new(Cell::new(false));
    let flag = Rc::clone(&timed_out);
    let timer = life.timeout(REQUEST_TIMEOUT.as_millis() as u64, move || {
        flag.set(true);
        if let Some(c) = controller {
            c.abort();
        }
    });
    let failed = |timed_out: &Rc<Cell<bool>>| {
        if timed_out.get() {
            ApiError::Timeout
        } else {
            network()
        }
    };
    let result = async {
        let resp = JsFuture::from(window.fetch_with_request(&req)).await;
        life.alive().await;
        let resp: web_sys::Response = resp
            .ok()
            .and_then(|v| v.dyn_into().ok())
            .ok_or_else(|| failed(&timed_out))?;
        let status = resp.status();
        let date = resp.headers().get("date").ok().flatten();
        let buf = match resp.array_buffer() {
            Ok(p) => {
                let buf = JsFuture::from(p).await;
                life.alive().await;
                buf.map_err(|_| failed(&timed_out))?
            }
            Err(_) => return Err(failed(&timed_out)),
        };
        let body = js_sys::Uint8Array::new(&buf).to_vec();
        Ok(Raw {
            status,
            date,
            body,
            sent_at: 0,
        })
    }
    .await;
    life.cancel(timer);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_session_contract() {
        assert_eq!(
            Mode::from_session(200, br#"{"mode":"edge","user":"ann","role":"operator"}"#),
            Mode::Edge {
                user: "ann".into(),
                operator: true
            }
        );
        assert_eq!(
            Mode::from_session(200, br#"{"mode":"edge","user":"bob","role":"viewer"}"#),
            Mode::Edge {
                user: "bob".into(),
                operator: false
            }
        );
        assert_eq!(
            Mode::from_session(401, br#"{"mode":"edge","login":"/edge/login?next=/"}"#),
            Mode::EdgeSignedOut {
                login: "/edge/login?next=/".into()
            }
        );
        for evil in [
            "javascript:alert(1)",
            "//evil.example",
            "https://evil.example",
        ] {
            let body = format!(r#"{{"mode":"edge","login":"{evil}"}}"#);
            assert_eq!(
                Mode::from_session(401, body.as_bytes()),
                Mode::EdgeSignedOut {
                    login: EDGE_LOGIN.into()
                }
            );
        }
        assert_eq!(
            Mode::from_session(404, b"<html>not found</html>"),
            Mode::Direct
        );
        assert_eq!(Mode::from_session(200, b"<html>index</html>"), Mode::Direct);
        assert_eq!(
            Mode::from_session(200, br#"{"mode":"direct"}"#),
            Mode::Direct
        );
        assert_eq!(Mode::from_session(500, br#"{"mode":"edge"}"#), Mode::Direct);
    }

    #[test]
    fn endpoints_are_normalised() {
        let o = "http://127.0.0.1:8080";
        assert_eq!(normalize_endpoint("", o).unwrap(), o);
        assert_eq!(
            normalize_endpoint(" https://api.example/api/v1/ ", o).unwrap(),
            "https://api.example"
        );
        assert_eq!(
            normalize_endpoint("https://api.example/", o).unwrap(),
            "https://api.example"
        );
        assert!(normalize_endpoint("ftp://x", o).is_err());
        assert!(normalize_endpoint("https://", o).is_err());
        assert!(normalize_endpoint("https://user@host", o).is_err());
        assert!(normalize_endpoint("javascript:alert(1)", o).is_err());
    }

    #[test]
    fn origins() {
        assert_eq!(
            origin_of("https://a.example:8443/api/v1/container?x=1"),
            "https://a.example:8443"
        );
        assert_eq!(origin_of("http://h"), "http://h");
    }

    #[test]
    fn messages_say_what_to_do_and_never_hold_the_secret() {
        let e = ApiError::Api(
            ews_core::decode::container_list(403, br#"{"code":"1004","message":"SignError"}"#)
                .unwrap_err(),
        );
        let (en, none) = e.message(Lang::En);
        assert!(en.contains("secret key") && none.is_none(), "{en}");
        let (zh, detail) = e.message(Lang::Zh);
        assert!(zh.contains("签名") && detail.is_some());
        let (net, hint) = ApiError::Network {
            origin: "https://x".into(),
        }
        .message(Lang::En);
        assert!(net.contains("https://x") && hint.unwrap().contains("CORS"));
        assert!(ApiError::Timeout.is_transient());
    }
}
