//! The transport: the only place the console fetches. A thin driver of the
//! core's client brain ([`ews_core::client`]): it moves bytes, the core
//! decides.
//!
//! [`Api`] offers the four calls the pages need (list, get, act, read a
//! command). For each, [`Client::begin`] makes the request (signed in direct
//! mode; unsigned and same-origin in edge mode, where the edge worker signs),
//! `fetch` sends it, and [`Client::answer`] says what the answer means: the
//! value, a typed [`Error`], or the one request to send again (a sign error
//! the clock correction it learned from `Date` may fix). A change of the
//! correction is reported to the UI. No answer at all is the core's
//! [`Error::NoAnswer`]. [`describe`] is the one place an error becomes words.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use ews_core::client::{Answer, Client, NoAnswer, Request, Verdict};
use ews_core::json::{self, Value};
use ews_core::request::{self, Operation};
use ews_core::{
    Action, Command, CommandId, Container, ContainerId, ContainerList, Credentials, Error, decode,
};

use crate::clock;
use crate::i18n::{Lang, M};
use crate::life::Life;

/// How long one request may take before it is abandoned.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// What to tell the user about `e`: a summary and, sometimes, details.
/// English uses the core's messages as they are (they already say what to
/// do); Chinese gives a translated summary and keeps the core's text as
/// detail. No answer at all gets the console's own words (CORS, edge mode).
pub fn describe(e: &Error, lang: Lang) -> (String, Option<String>) {
    match e {
        Error::NoAnswer {
            timed_out: true, ..
        } => (M::TimeoutError.text(lang).into(), None),
        Error::NoAnswer { endpoint, .. } => (
            format!("{} ({endpoint})", M::NetworkError.text(lang)),
            Some(M::CorsHint.text(lang).into()),
        ),
        _ => match lang {
            Lang::En => (e.to_string(), None),
            Lang::Zh => {
                let summary = match e {
                    _ if e.is_sign_error() => M::SignErrorZh,
                    _ if e.api_code() == Some(&ews_core::ApiErrorCode::StatusError) => M::RefusedZh,
                    Error::Http { status: 401, .. } => M::SessionExpiredZh,
                    Error::Http { status, .. } if *status >= 500 => M::ServerErrorZh,
                    Error::Malformed { .. } => M::NotApiZh,
                    _ => M::ApiErrorZh,
                };
                (summary.text(lang).into(), Some(e.to_string()))
            }
        },
    }
}

/// Whether the edge session is missing or expired (HTTP 401 without an
/// API envelope).
pub fn is_unauthorized(e: &Error) -> bool {
    matches!(e, Error::Http { status: 401, .. })
}

/// A connection to the API: the core's client, where requests go, and the
/// lifetime they belong to.
pub struct Api {
    client: RefCell<Client>,
    /// Direct: the API's base URL; edge: the worker's origin (empty: this page's).
    base: String,
    life: Rc<Life>,
    on_skew: Box<dyn Fn(i64)>,
    /// The fleet view's transport: each account's (`None`: it cannot be
    /// reached from here yet), in order (empty: one account's).
    parts: Vec<(String, Option<Rc<Api>>)>,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api")
            .field("client", &self.client)
            .field("base", &self.base)
            .finish()
    }
}

impl Api {
    /// Direct mode: the browser signs with `creds` and calls `base`.
    pub fn direct(
        base: String,
        creds: Credentials,
        life: Rc<Life>,
        on_skew: impl Fn(i64) + 'static,
    ) -> Rc<Api> {
        Api::new(Client::direct(creds), base, life, on_skew)
    }

    /// Edge mode: same-origin (or `base`), unsigned; the edge worker signs.
    pub fn edge(base: String, life: Rc<Life>, on_skew: impl Fn(i64) + 'static) -> Rc<Api> {
        Api::new(Client::edge(), base, life, on_skew)
    }

    fn new(
        client: Client,
        base: String,
        life: Rc<Life>,
        on_skew: impl Fn(i64) + 'static,
    ) -> Rc<Api> {
        Rc::new(Api {
            client: RefCell::new(client),
            base,
            life,
            on_skew: Box::new(on_skew),
            parts: Vec::new(),
        })
    }

    /// The fleet view's transport over `parts` (each account's name and
    /// transport, in order): it lists them all ([`Api::list_each`]), and
    /// sends a request about a container to the account its fleet id names
    /// ([`crate::fleet`]), each with its own client, clock and secret.
    pub fn fleet(parts: Vec<(String, Option<Rc<Api>>)>, life: Rc<Life>) -> Rc<Api> {
        // Never fetched from: it names the fleet (whose rolling job a kept
        // one is).
        let mut base = String::from("fleet:");
        for (n, _) in &parts {
            base.push_str(n);
            base.push('/');
        }
        Rc::new(Api {
            client: RefCell::new(Client::edge()),
            base,
            life,
            on_skew: Box::new(|_| {}),
            parts,
        })
    }

    /// The accounts of a fleet transport, in order (empty: one account's).
    pub fn parts(&self) -> &[(String, Option<Rc<Api>>)] {
        &self.parts
    }

    /// The transport of the account a fleet id names, and the server's id
    /// (on one account's transport, itself and the id as given); an error
    /// saying so when the fleet cannot reach that account.
    fn route(&self, id: ContainerId) -> Result<(&Api, ContainerId), Error> {
        if self.parts.is_empty() {
            return Ok((self, id));
        }
        if let (Some(p), real) = crate::fleet::untag(id)
            && let Some((_, Some(a))) = self.parts.get(p)
        {
            return Ok((a, real));
        }
        Err(Error::NoAnswer {
            endpoint: String::new(),
            timed_out: false,
            cause: "this account is not reached from the fleet view: open it once".into(),
        })
    }

    /// Every account of a fleet transport listed at once, in order (`None`:
    /// one that cannot be reached from here yet).
    pub async fn list_each(&self) -> Vec<Option<Result<ContainerList, Error>>> {
        let each = self.parts.iter().map(|(_, a)| async move {
            match a {
                Some(a) => Some(a.list().await),
                None => None,
            }
        });
        crate::fleet::join(each.collect()).await
    }

    /// Direct: the API's base URL; edge: the worker's origin (empty: this
    /// page's).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Whether the edge worker signs (edge mode).
    pub fn is_edge(&self) -> bool {
        matches!(
            self.client.borrow().signing(),
            ews_core::client::Signing::Edge
        )
    }

    /// The lifetime the requests belong to.
    pub fn life(&self) -> &Rc<Life> {
        &self.life
    }

    /// The current clock correction (server − local, ms).
    pub fn correction_ms(&self) -> i64 {
        self.client.borrow().correction_ms()
    }

    /// The server's time now, as far as we know it.
    pub fn server_now_ms(&self) -> u64 {
        self.client.borrow().server_now(clock::now_ms())
    }

    /// `GET /api/v1/container`: every container that could be read, and
    /// an account of each item that could not.
    pub async fn list(&self) -> Result<ContainerList, Error> {
        self.call(Operation::ListContainers, decode::container_list)
            .await
    }

    /// `GET /api/v1/container/{id}`.
    /// (A fleet id is answered with the fleet id.)
    pub async fn container(&self, id: ContainerId) -> Result<Container, Error> {
        let (api, real) = self.route(id)?;
        let mut c = api
            .call(Operation::GetContainer(real), decode::container)
            .await?;
        c.id = id;
        Ok(c)
    }

    /// Start, stop or delete: the command that will do it.
    pub async fn act(&self, action: Action, id: ContainerId) -> Result<Command, Error> {
        let (api, real) = self.route(id)?;
        api.call(action.operation(real), decode::command).await
    }

    /// `GET /api/v1/command/{id}`, of the account of container `of` (a
    /// fleet id; any other is this transport's).
    pub async fn command(&self, of: ContainerId, id: &CommandId) -> Result<Command, Error> {
        self.route(of)?
            .0
            .call(Operation::GetCommand(id.clone()), decode::command)
            .await
    }

    /// One call, driven as the core says.
    async fn call<T>(
        &self,
        op: Operation,
        decode: fn(u16, &[u8]) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let (mut ex, mut req) = self.client.borrow().begin(op, clock::now_ms());
        loop {
            let raw = match self.send(&req).await {
                Ok(raw) => raw,
                Err(why) => {
                    let to = origin_of(&req.url(&self.base));
                    return Err(self.client.borrow().no_answer(&ex, why, &to, ""));
                }
            };
            let answer = Answer {
                status: raw.status,
                date: raw.date.as_deref(),
                body: &raw.body,
                now_ms: clock::now_ms(),
            };
            let verdict = self.client.borrow_mut().answer(&mut ex, &answer, decode);
            let change = self.client.borrow_mut().take_clock_change();
            if let Some(c) = change {
                (self.on_skew)(c);
            }
            match verdict {
                Verdict::Done(result) => return result,
                Verdict::Resend(next) => req = next,
            }
        }
    }

    /// Sends one request (not generic: one copy in the wasm).
    async fn send(&self, req: &Request) -> Result<Raw, NoAnswer> {
        fetch(
            &self.life,
            req.method.as_str(),
            &req.url(&self.base),
            req.authorization.as_deref(),
            self.is_edge(),
        )
        .await
    }
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
        /// May read the worker's audit trail (a worker that does not say:
        /// operators).
        audit: bool,
        /// The accounts the user reaches (none: a worker that names no
        /// accounts fronts one at its own `/api`).
        accounts: Vec<crate::accounts::Account>,
    },
    /// Edge mode, not signed in: send the user to `login`.
    EdgeSignedOut {
        /// Same-origin sign-in path.
        login: String,
    },
}

/// The default sign-in path of the edge worker.
pub const EDGE_LOGIN: &str = "/edge/login";

impl Mode {
    /// Reads the answer to `GET /edge/session`: 200 `{"mode":"edge","user","role",
    /// "accounts":[…]}` is edge mode signed in (with the accounts the user
    /// reaches), 401 `{"mode":"edge","login"}` is edge mode
    /// signed out, anything else (404, HTML, bad JSON) is direct mode.
    pub fn from_session(status: u16, body: &[u8]) -> Mode {
        let Ok(s) = json::parse(body) else {
            return Mode::Direct;
        };
        let text = |name: &str| s.get(name).and_then(Value::as_str).map(str::to_string);
        if text("mode").as_deref() != Some("edge") {
            return Mode::Direct;
        }
        match status {
            200 => Mode::Edge {
                user: text("user").unwrap_or_default().chars().take(80).collect(),
                operator: text("role").as_deref() == Some("operator"),
                audit: match s.get("audit") {
                    Some(Value::Bool(b)) => *b,
                    _ => text("role").as_deref() == Some("operator"),
                },
                accounts: crate::accounts::from_session(s.get("accounts")),
            },
            401 => {
                // Only a same-origin path: never `javascript:` or another site.
                let login = text("login")
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
}

/// One request (with gloo-net, the design's HTTP crate), registered with
/// `life`: if the lifetime ends first, the request is aborted and this
/// never returns.
async fn fetch(
    life: &Rc<Life>,
    method: &str,
    url: &str,
    authorization: Option<&str>,
    same_origin: bool,
) -> Result<Raw, NoAnswer> {
    use gloo_net::http::Request;
    use web_sys::{RequestCredentials, RequestMode};
    let controller = web_sys::AbortController::new().ok();
    let signal = controller.as_ref().map(web_sys::AbortController::signal);
    let _tracked = controller.clone().map(|c| life.track(c));
    let mut req = match method {
        "POST" => Request::post(url),
        "DELETE" => Request::delete(url),
        _ => Request::get(url),
    }
    .abort_signal(signal.as_ref());
    req = if same_origin {
        req.credentials(RequestCredentials::SameOrigin)
    } else {
        req.mode(RequestMode::Cors)
            .credentials(RequestCredentials::Omit)
    };
    if let Some(auth) = authorization {
        req = req.header(ews_core::sign::AUTHORIZATION, auth);
    }
    let timed_out = Rc::new(Cell::new(false));
    let flag = Rc::clone(&timed_out);
    let timer = life.timeout(REQUEST_TIMEOUT.as_millis() as u64, move || {
        flag.set(true);
        if let Some(c) = controller {
            c.abort();
        }
    });
    let failed = || {
        if timed_out.get() {
            NoAnswer::TimedOut
        } else {
            NoAnswer::Unreachable
        }
    };
    let result = async {
        let resp = req.send().await;
        life.alive().await;
        let resp = resp.map_err(|_| failed())?;
        let status = resp.status();
        let date = resp.headers().get("date");
        let body = resp.binary().await;
        life.alive().await;
        let body = body.map_err(|_| failed())?;
        Ok(Raw { status, date, body })
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
                operator: true,
                audit: true,
                accounts: Vec::new(),
            }
        );
        assert_eq!(
            Mode::from_session(
                200,
                br#"{"mode":"edge","user":"bob","role":"viewer","accounts":[{"name":"prod","role":"viewer","base":"/a/prod"}]}"#
            ),
            Mode::Edge {
                user: "bob".into(),
                operator: false,
                audit: false,
                accounts: crate::accounts::from_session(
                    json::parse(br#"[{"name":"prod","role":"viewer","base":"/a/prod"}]"#)
                        .ok()
                        .as_ref()
                ),
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
        let e = ews_core::decode::container_list(403, br#"{"code":"1004","message":"SignError"}"#)
            .unwrap_err();
        let (en, none) = describe(&e, Lang::En);
        assert!(en.contains("secret key") && none.is_none(), "{en}");
        let (zh, detail) = describe(&e, Lang::Zh);
        assert!(zh.contains("签名") && detail.is_some());
        let network = |timed_out| Error::NoAnswer {
            endpoint: "https://x".into(),
            timed_out,
            cause: String::new(),
        };
        let (net, hint) = describe(&network(false), Lang::En);
        assert!(net.contains("https://x") && hint.unwrap().contains("CORS"));
        assert!(network(true).is_transient());
    }
}
