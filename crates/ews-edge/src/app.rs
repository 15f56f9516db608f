//! The request handler: route → authenticate → authorize → sign → upstream,
//! written against a [`Platform`] so that it runs the same in the wasm
//! worker and in native unit tests with a fake upstream.
//!
//! | path | what |
//! |---|---|
//! | `/a/{account}/api/v1/…` | the six operations on one account, proxied and signed (bearer or session) |
//! | `/api/v1/…` | the same, when the worker fronts one account |
//! | `GET /edge/session` | who is signed in and the accounts they reach: 200 `{"mode":"edge","user","role","audit","accounts":[{"name","role","base"}]}` or 401 `{"mode":"edge","login":"/edge/login"}` |
//! | `GET /edge/login` | the login page; `POST` (form `token=…`) signs in |
//! | `POST /edge/logout` | signs out (form `scope=everywhere`: every session of the user) |
//! | `GET /edge/audit` | the audit trail, for operators of every account (JSON, filtered, paged) |
//! | anything else | the console's files (`GET`/`HEAD`), SPA fallback to `/index.html` |
//!
//! What must hold across isolates — the sign-in limiter, revoked sessions,
//! the audit trail — is the Durable Object's ([`crate::durable`]), reached
//! through [`Platform::durable`]. The API's hot path stays off it: a
//! session cookie is checked against the isolate's copy of the
//! revocations, re-read at most once per
//! [`session::REVOCATION_BOUND_MS`]; audit entries are written in the
//! background ([`Platform::durable_later`]).

use core::cell::RefCell;
use core::fmt;
use std::collections::BTreeMap;

use ews_core::client::{Answer, Client, Clock, Verdict};
use ews_core::request::{self, Method, Operation};
use ews_core::{ApiErrorCode, Error};

use crate::config::{Account, Config, ConfigError};
use crate::durable::{self, AuditEntry, AuditFilter, Request as DoRequest, Revocation};
use crate::json::{self, Object, Peek, Value};
use crate::limiter::{self, GLOBAL, GLOBAL_KEY, PER_CLIENT};
use crate::reply::{self, EdgeError, Reply};
use crate::session::{self, Revoked};
use crate::users::{Role, TokenDigest, User, token_digest};

/// The largest login form accepted, bytes.
pub const MAX_FORM_BYTES: usize = 4096;
/// Upstream bodies larger than this are passed on without being read for
/// their `code` (error envelopes and commands are far smaller).
const PEEK_LIMIT: usize = 16 * 1024;

/// The parts of an incoming request the worker looks at.
#[derive(Clone, Default)]
pub struct Incoming {
    /// The method, upper case.
    pub method: String,
    /// The full URL as the runtime gives it (`https://host/path?query`).
    pub url: String,
    /// `Authorization`.
    pub authorization: Option<String>,
    /// `Cookie`.
    pub cookie: Option<String>,
    /// `Origin`.
    pub origin: Option<String>,
    /// The client's address, from the one header the operator trusts
    /// ([`limiter::ClientIp`]; `None` when there is none).
    pub client_ip: Option<String>,
    /// `Sec-Fetch-Site` (set by browsers, never by page scripts).
    pub fetch_site: Option<String>,
    /// `Content-Length`, when given and numeric.
    pub content_length: Option<u64>,
    /// `Accept-Language` (the audit page's language when none is asked).
    pub accept_language: Option<String>,
}

impl fmt::Debug for Incoming {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Incoming")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("authorization", &self.authorization.as_ref().map(|_| "***"))
            .field("cookie", &self.cookie.as_ref().map(|_| "***"))
            .field("origin", &self.origin)
            .finish()
    }
}

/// A signed request for the upstream. `Debug` hides the signature.
#[derive(Clone, PartialEq, Eq)]
pub struct UpstreamRequest {
    /// The method.
    pub method: Method,
    /// The full URL: `EWS_UPSTREAM` + path + `?accesskey=…&timestamp=…`.
    pub url: String,
    /// The `Authorization` header value (the signature).
    pub authorization: String,
    /// Give up after this many ms.
    pub timeout_ms: u32,
}

impl fmt::Debug for UpstreamRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpstreamRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("authorization", &"***")
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
}

/// What the upstream answered.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UpstreamReply {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// `Date`, for the clock-skew correction.
    pub date: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

/// Why no upstream answer arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchError {
    /// Connection refused, DNS failure, reset…
    Unreachable,
    /// No answer within the timeout.
    Timeout,
}

/// Why a request body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    /// Over the limit.
    TooLarge,
    /// The body could not be read.
    Unreadable,
}

/// Why the Durable Object gave no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurableError {
    /// The runtime has no `EWS_STATE` binding.
    NoBinding,
    /// The call failed.
    Failed,
}

impl From<DurableError> for EdgeError {
    fn from(e: DurableError) -> Self {
        match e {
            DurableError::NoBinding => EdgeError::NoState,
            DurableError::Failed => EdgeError::StateUnavailable,
        }
    }
}

/// Why a console file could not be fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetError {
    /// The runtime has no `ASSETS` binding.
    NoBinding,
    /// The binding failed.
    Failed,
}

/// What the handler needs from the runtime: the clock, a log, the request
/// body, the upstream and the console's files. The wasm worker implements
/// it with `fetch`, `Date.now()` and `console.log`; tests with fakes.
#[allow(async_fn_in_trait)] // Single-threaded runtimes: no `Send` bound wanted.
pub trait Platform {
    /// A console file's response, passed through without being read.
    type Asset;
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;
    /// Writes one log line.
    fn log(&self, line: &str);
    /// Reads the request body, up to `limit` bytes: a longer one is
    /// [`BodyError::TooLarge`] as soon as it is known to be (never buffered
    /// whole, with or without Content-Length).
    async fn read_body(&self, limit: usize) -> Result<Vec<u8>, BodyError>;
    /// Sends a signed request to the upstream.
    async fn fetch_upstream(&self, req: &UpstreamRequest) -> Result<UpstreamReply, FetchError>;
    /// Sends a message to the Durable Object and waits for its answer.
    async fn durable(&self, req: &DoRequest) -> Result<Vec<u8>, DurableError>;
    /// Sends a message to the Durable Object without waiting for it: the
    /// runtime keeps the isolate alive until it is done (`waitUntil`).
    fn durable_later(&self, req: &DoRequest);
    /// 16 bytes from a cryptographic random source.
    fn random16(&self) -> [u8; 16];
    /// Fetches a console file by path (`/index.html`), with the request's
    /// method (`GET` or `HEAD`).
    async fn fetch_asset(&self, path: &str, method: &str) -> Result<Self::Asset, AssetError>;
    /// A fetched file's HTTP status.
    fn asset_status(&self, asset: &Self::Asset) -> u16;
    /// A fetched file's `Content-Type`.
    fn asset_content_type(&self, asset: &Self::Asset) -> Option<String>;
}

/// How a request was handled: a response the worker made, or a file of the console.
#[derive(Debug)]
pub enum Handled<A> {
    /// A response the worker made.
    Reply(Reply),
    /// A console file, with headers to set on it (replacing its own).
    Asset {
        /// The file's response.
        asset: A,
        /// Headers to set.
        headers: Vec<(&'static str, String)>,
    },
}

/// What one isolate remembers between requests: nothing that must be
/// the same everywhere (that is the Durable Object's).
#[derive(Debug, Default)]
pub struct State {
    /// Each account's upstream clock minus ours, as the core learned it
    /// from the upstream's `Date`s.
    pub clocks: RefCell<BTreeMap<String, Clock>>,
    /// This isolate's copy of the revoked sessions.
    pub revoked: RefCell<Revoked>,
    /// Bearer tokens seen valid lately, per client.
    pub proven: RefCell<Proven>,
}

impl State {
    /// What this isolate knows of `account`'s clock.
    pub fn clock(&self, account: &str) -> Clock {
        self.clocks
            .borrow()
            .get(account)
            .copied()
            .unwrap_or_default()
    }
}

/// How long a bearer token seen valid from a client spares that client's
/// next requests a reservation in the Durable Object.
pub const PROVEN_TTL_MS: u64 = 60_000;
/// Most (client, token) pairs remembered.
const PROVEN_MAX: usize = 1024;

/// Bearer tokens this isolate has seen valid, per client address: a
/// script's requests then check its token without a round trip to the
/// Durable Object. Only a token that was valid from that address is here,
/// so a guess from another address (or a new guess) is always reserved
/// first; the token is still checked against the configuration each time.
#[derive(Debug, Default)]
pub struct Proven(BTreeMap<(String, TokenDigest), u64>);

impl Proven {
    fn holds(&self, key: &str, digest: &TokenDigest, now_ms: u64) -> bool {
        self.0
            .get(&(key.to_owned(), *digest))
            .is_some_and(|until| *until > now_ms)
    }

    fn note(&mut self, key: &str, digest: TokenDigest, now_ms: u64) {
        if self.0.len() >= PROVEN_MAX {
            self.0.retain(|_, until| *until > now_ms);
            if self.0.len() >= PROVEN_MAX {
                self.0.clear();
            }
        }
        self.0
            .insert((key.to_owned(), digest), now_ms + PROVEN_TTL_MS);
    }
}

/// `scheme://host[:port]` (lower case) and the path of a URL.
pub fn split_url(url: &str) -> (String, &str) {
    // Byte positions of ASCII delimiters, so every slice is on a boundary.
    let b = url.as_bytes();
    let Some(colon) = b.windows(3).position(|w| w == b"://") else {
        return (String::new(), "/");
    };
    let after = colon + 3;
    let end = b[after..]
        .iter()
        .position(|c| matches!(c, b'/' | b'?' | b'#'))
        .map_or(b.len(), |i| after + i);
    let path_end = b[end..]
        .iter()
        .position(|c| matches!(c, b'?' | b'#'))
        .map_or(b.len(), |i| end + i);
    let origin = url.get(..end).unwrap_or_default().to_ascii_lowercase();
    let path = url.get(end..path_end).unwrap_or_default();
    (origin, if path.is_empty() { "/" } else { path })
}

enum Route<'p> {
    /// The API: the account named in the path (`None`: `/api/…`) and the
    /// path from `/api` on.
    Api {
        account: Option<&'p str>,
        path: &'p str,
    },
    Session,
    Login,
    LoginCss,
    Logout,
    Audit,
    AuditPage,
    EdgeOther,
    Asset,
}

/// `/api…` when `path` is `/api` or under it.
fn api_path(path: &str) -> Option<&str> {
    (path == "/api" || path.starts_with("/api/")).then_some(path)
}

fn route_of(path: &str) -> Route<'_> {
    let account_api = path.strip_prefix("/a/").and_then(|rest| {
        let slash = rest.find('/')?;
        Some((&rest[..slash], api_path(&rest[slash..])?))
    });
    if let Some(path) = api_path(path) {
        Route::Api {
            account: None,
            path,
        }
    } else if let Some((name, path)) = account_api {
        Route::Api {
            account: Some(name),
            path,
        }
    } else if path == "/edge/session" {
        Route::Session
    } else if path == "/edge/login" {
        Route::Login
    } else if path == "/edge/login.css" {
        Route::LoginCss
    } else if path == "/edge/logout" {
        Route::Logout
    } else if path == "/edge/audit" {
        Route::Audit
    } else if path == "/audit" {
        Route::AuditPage
    } else if path == "/edge" || path.starts_with("/edge/") {
        Route::EdgeOther
    } else {
        Route::Asset
    }
}

/// How a request authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// The session cookie.
    Cookie,
}

/// A signed-in user.
#[derive(Debug, Clone, Copy)]
pub struct Principal<'c> {
    /// Who.
    pub user: &'c User,
    /// How.
    pub via: Via,
}

fn bearer(authorization: Option<&str>) -> Option<&str> {
    let value = authorization?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The limiter key of a request: its trusted address, if any.
fn client_of(req: &Incoming) -> Option<String> {
    req.client_ip.as_deref().and_then(limiter::client_key)
}

/// Writes an entry to the audit trail in the background.
fn audit<P: Platform>(p: &P, cfg: &Config, entry: AuditEntry) {
    p.durable_later(&DoRequest::Audit {
        entry,
        retention_ms: cfg.audit_days * 86_400_000,
    });
}

/// A failed sign-in, for the audit trail.
fn failed_entry(event: &str, client: Option<String>, now_ms: u64) -> AuditEntry {
    AuditEntry {
        at_ms: now_ms,
        event: event.to_owned(),
        client,
        ..AuditEntry::default()
    }
}

/// Reserves one sign-in attempt for a client with a trusted address,
/// before its token is read: `Err` when it is limited (429) or the
/// Durable Object cannot say (500/503).
async fn reserve<P: Platform>(p: &P, key: &str) -> Result<(), EdgeError> {
    let answer = p
        .durable(&DoRequest::Reserve {
            key: key.to_owned(),
            limit: PER_CLIENT,
        })
        .await?;
    durable::reserved(&answer).map_err(|retry_after_s| EdgeError::RateLimited { retry_after_s })
}

/// After a wrong token from a client without a trusted address: charges
/// the global budget, and says whether it is spent (429 rather than 401).
async fn charge_global<P: Platform>(p: &P) -> EdgeError {
    let answer = p
        .durable(&DoRequest::Charge {
            key: GLOBAL_KEY.to_owned(),
            limit: GLOBAL,
        })
        .await;
    match answer.ok().and_then(|a| durable::limited(&a)) {
        Some(retry_after_s) => EdgeError::RateLimited { retry_after_s },
        None => EdgeError::BadToken,
    }
}

/// Authenticates a request: a `Bearer` token first (any other
/// `Authorization`, such as an EWS signature, is ignored), else the session
/// cookie.
///
/// A bearer token is a sign-in: from a trusted address, the attempt is
/// reserved in the Durable Object before the token is checked (unless this
/// isolate saw the same token valid from the same address within
/// [`PROVEN_TTL_MS`]); without one, a valid token always passes and a
/// wrong one is charged to the global budget (see [`crate::limiter`]). A
/// cookie is checked against the isolate's copy of the revocations,
/// re-read from the object when older than the bound.
pub async fn authenticate<'c, P: Platform>(
    p: &P,
    cfg: &'c Config,
    state: &State,
    req: &Incoming,
) -> Result<Principal<'c>, EdgeError> {
    let now = p.now_ms();
    if let Some(token) = bearer(req.authorization.as_deref()) {
        let client = client_of(req);
        let digest = token_digest(token);
        if let Some(key) = &client
            && !state.proven.borrow().holds(key, &digest, now)
        {
            reserve(p, key).await?;
        }
        return match cfg.users.by_token(token) {
            Some(user) => {
                if let Some(key) = &client {
                    if !state.proven.borrow().holds(key, &digest, now) {
                        p.durable_later(&DoRequest::Refund {
                            key: key.clone(),
                            limit: PER_CLIENT,
                        });
                    }
                    state.proven.borrow_mut().note(key, digest, now);
                }
                Ok(Principal {
                    user,
                    via: Via::Bearer,
                })
            }
            None => {
                audit(p, cfg, failed_entry("bearer_failed", client.clone(), now));
                match client {
                    Some(_) => Err(EdgeError::BadToken),
                    None => Err(charge_global(p).await),
                }
            }
        };
    }
    let Some(value) = req.cookie.as_deref().and_then(session::from_cookie_header) else {
        return Err(EdgeError::Unauthenticated {
            clear_cookie: false,
        });
    };
    let session = session::verify(&cfg.session_key, &cfg.users, value, now)
        .map_err(|_| EdgeError::Unauthenticated { clear_cookie: true })?;
    if !state.revoked.borrow().fresh(now) {
        refresh_revocations(p, state).await?;
    }
    if state.revoked.borrow().refuses(&session) {
        return Err(EdgeError::Unauthenticated { clear_cookie: true });
    }
    Ok(Principal {
        user: session.user,
        via: Via::Cookie,
    })
}

/// Brings the isolate's copy of the revocations up to date. When the
/// object cannot be reached, a copy younger than
/// [`session::REVOCATION_STALE_LIMIT_MS`] is used; an older one is not.
async fn refresh_revocations<P: Platform>(p: &P, state: &State) -> Result<(), EdgeError> {
    let after = state.revoked.borrow().seq;
    let answer = p.durable(&DoRequest::Revocations { after }).await;
    let now = p.now_ms();
    match answer.as_deref().ok().and_then(durable::revocations) {
        Some((items, seq)) => {
            state.revoked.borrow_mut().update(items, seq, now);
            Ok(())
        }
        None if state.revoked.borrow().usable(now) => {
            p.log(r#"{"event":"revocations","ok":false,"note":"using this isolate's copy"}"#);
            Ok(())
        }
        None => Err(answer
            .err()
            .map_or(EdgeError::StateUnavailable, EdgeError::from)),
    }
}

/// The account an API request names (`None`: the path names none, which
/// reaches the only account when there is one).
pub fn account_of<'c>(cfg: &'c Config, named: Option<&str>) -> Result<&'c Account, EdgeError> {
    match named {
        Some(name) => cfg
            .account(name)
            .ok_or_else(|| EdgeError::NoAccount(name.chars().take(40).collect())),
        None => cfg.only_account().ok_or(EdgeError::AccountRequired),
    }
}

/// Whether `principal` may perform `op` on `account`, given the request's
/// `Origin` and the worker's own origin: the user's role there must allow
/// it, and a state change made with the session cookie must come from the
/// worker's own origin.
pub fn authorize(
    principal: &Principal<'_>,
    account: &str,
    op: &Operation,
    origin: Option<&str>,
    own_origin: &str,
) -> Result<Role, EdgeError> {
    let user = principal.user.name().to_owned();
    let Some(role) = principal.user.role_in(account) else {
        return Err(EdgeError::AccountForbidden {
            user,
            account: account.to_owned(),
        });
    };
    if !role.may(op) {
        return Err(EdgeError::RoleForbidden {
            user,
            role,
            account: account.to_owned(),
            op: op.name(),
        });
    }
    if op.is_mutating() && principal.via == Via::Cookie && !same_origin(origin, own_origin) {
        return Err(EdgeError::ForeignOrigin);
    }
    Ok(role)
}

fn same_origin(origin: Option<&str>, own_origin: &str) -> bool {
    origin.is_some_and(|o| !own_origin.is_empty() && o.trim().eq_ignore_ascii_case(own_origin))
}

/// For the login and logout forms: whether the request comes from this
/// worker's own page.
///
/// The page's `Referrer-Policy` is `same-origin`, so a browser posting its
/// form sends the page's real `Origin`, which must be ours. Without one
/// (`Origin: null` comes from a page of another site with `no-referrer`,
/// a sandboxed frame, a `data:` page…), `Sec-Fetch-Site: same-origin`,
/// which no page script can set, must say the form is ours. Neither: the
/// form is refused (login CSRF) — a script signs in with its own `Origin`.
pub fn form_from_own_page(
    origin: Option<&str>,
    fetch_site: Option<&str>,
    own_origin: &str,
) -> bool {
    match origin.map(str::trim) {
        Some(o) if o != "null" => same_origin(Some(o), own_origin),
        _ => fetch_site.is_some_and(|s| s.trim().eq_ignore_ascii_case("same-origin")),
    }
}

/// Handles one request.
pub async fn handle<P: Platform>(
    p: &P,
    state: &State,
    req: &Incoming,
    config: Result<Config, ConfigError>,
) -> Handled<P::Asset> {
    let (own_origin, path) = split_url(&req.url);
    let route = route_of(path);
    let json_route = matches!(
        route,
        Route::Api { .. } | Route::Session | Route::Audit | Route::EdgeOther
    );
    let cfg = match config {
        Ok(cfg) => cfg,
        Err(e) => {
            let e = EdgeError::Config(e);
            return Handled::Reply(if json_route {
                e.api()
            } else {
                e.page(crate::config::DEFAULT_FRAME_ANCESTORS)
            });
        }
    };
    let fa = cfg.frame_ancestors.as_str();
    let method = req.method.as_str();
    let reply = match route {
        Route::Api { account, path } => api(p, state, &cfg, req, &own_origin, account, path).await,
        Route::Session if method == "GET" => session_info(p, state, &cfg, req).await,
        Route::Session => EdgeError::MethodNotAllowed { allowed: "GET" }.api(),
        Route::Login if method == "GET" || method == "HEAD" => reply::login_page(200, None, fa),
        Route::Login if method == "POST" => login(p, state, &cfg, req, &own_origin).await,
        Route::Login => EdgeError::MethodNotAllowed {
            allowed: "GET, POST",
        }
        .page(fa),
        Route::LoginCss => reply::login_css(),
        Route::Logout if method == "POST" => logout(p, state, &cfg, req, &own_origin).await,
        Route::Logout => EdgeError::MethodNotAllowed { allowed: "POST" }.page(fa),
        Route::Audit if method == "GET" => audit_trail(p, state, &cfg, req, path).await,
        Route::Audit => EdgeError::MethodNotAllowed { allowed: "GET" }.api(),
        Route::AuditPage if method == "GET" || method == "HEAD" => {
            audit_page(p, state, &cfg, req).await
        }
        Route::AuditPage => EdgeError::MethodNotAllowed { allowed: "GET" }.page(fa),
        Route::EdgeOther => EdgeError::NotFound.api(),
        Route::Asset => return asset(p, &cfg, method, path).await,
    };
    Handled::Reply(reply)
}

async fn session_info<P: Platform>(p: &P, state: &State, cfg: &Config, req: &Incoming) -> Reply {
    match authenticate(p, cfg, state, req).await {
        Ok(who) => reply::json(200, session_json(cfg, who.user)),
        Err(e) => {
            let status = e.status();
            let mut r = reply::json(
                status,
                Object::new()
                    .str("mode", "edge")
                    .str("login", "/edge/login")
                    .finish(),
            );
            // Keep Set-Cookie (clear a stale session), Retry-After, WWW-Authenticate.
            let extra = e.api().headers;
            r.headers.extend(
                extra.into_iter().filter(|(n, _)| {
                    matches!(*n, "Set-Cookie" | "Retry-After" | "WWW-Authenticate")
                }),
            );
            r
        }
    }
}

/// `{"mode":"edge","user","role","audit","accounts":[{"name","role","base"}…]}`:
/// the accounts the user reaches, in configuration order, each with the
/// user's role there and the base its API is under (`/a/{name}`); `role`
/// is the role on the first of them; `audit`, whether the user may read
/// the audit trail.
pub fn session_json(cfg: &Config, user: &User) -> String {
    let reach: Vec<(&str, Role)> = cfg
        .accounts
        .iter()
        .filter_map(|a| Some((a.name.as_str(), user.role_in(&a.name)?)))
        .collect();
    let accounts = reach
        .iter()
        .map(|(name, role)| {
            Object::new()
                .str("name", name)
                .str("role", role.as_str())
                .str("base", &format!("/a/{name}"))
                .finish()
        })
        .collect::<Vec<_>>()
        .join(",");
    let first = reach.first().map_or(Role::Viewer, |(_, r)| *r);
    let accounts = format!("[{accounts}]");
    Object::new()
        .str("mode", "edge")
        .str("user", user.name())
        .str("role", first.as_str())
        .field("audit", Value::Bool(cfg.operator_everywhere(user)))
        .field("accounts", Value::Raw(&accounts))
        .finish()
}

async fn login<P: Platform>(
    p: &P,
    state: &State,
    cfg: &Config,
    req: &Incoming,
    own_origin: &str,
) -> Reply {
    let _ = state;
    let fa = cfg.frame_ancestors.as_str();
    if !form_from_own_page(req.origin.as_deref(), req.fetch_site.as_deref(), own_origin) {
        return EdgeError::ForeignOrigin.page(fa);
    }
    let client = client_of(req);
    // The attempt is reserved before the token is read, atomically in the
    // Durable Object: a parallel burst gets the limit checked, no more.
    if let Some(key) = &client
        && let Err(e) = reserve(p, key).await
    {
        let r = reply::login_page(e.status(), Some(&e.message()), fa);
        return match e {
            EdgeError::RateLimited { retry_after_s } => {
                r.with("Retry-After", retry_after_s.to_string())
            }
            _ => r,
        };
    }
    if req
        .content_length
        .is_some_and(|n| n > MAX_FORM_BYTES as u64)
    {
        return EdgeError::BodyTooLarge.page(fa);
    }
    let body = match p.read_body(MAX_FORM_BYTES).await {
        Ok(b) => b,
        Err(BodyError::TooLarge) => return EdgeError::BodyTooLarge.page(fa),
        Err(BodyError::Unreadable) => Vec::new(),
    };
    let token = form_field(&body, "token");
    let user = token.as_deref().and_then(|t| cfg.users.by_token(t.trim()));
    let now = p.now_ms();
    match user {
        Some(user) => {
            if let Some(key) = &client {
                p.durable_later(&DoRequest::Refund {
                    key: key.clone(),
                    limit: PER_CLIENT,
                });
            }
            p.log(&login_log(Some(user.name()), true));
            audit(
                p,
                cfg,
                AuditEntry {
                    at_ms: now,
                    event: "login".into(),
                    user: Some(user.name().into()),
                    role: Some(user.grants().to_string()),
                    client,
                    ..AuditEntry::default()
                },
            );
            let sid = session::new_sid(p.random16());
            let value = session::issue(&cfg.session_key, user, &sid, now, cfg.session_ttl_s);
            Reply::new(303, reply::HTML, "")
                .with_all(reply::page_headers(fa))
                .with("Location", "/")
                .with("Set-Cookie", session::set_cookie(&value, cfg.session_ttl_s))
                .with("Cache-Control", "no-store")
        }
        None => {
            p.log(&login_log(None, false));
            audit(p, cfg, failed_entry("login_failed", client.clone(), now));
            let e = match client {
                Some(_) => EdgeError::BadToken,
                None => charge_global(p).await,
            };
            match e {
                EdgeError::RateLimited { retry_after_s } => {
                    reply::login_page(429, Some(&e.message()), fa)
                        .with("Retry-After", retry_after_s.to_string())
                }
                _ => reply::login_page(401, Some("That access token is not valid."), fa),
            }
        }
    }
}

/// A field of a form body, percent-decoded.
fn form_field(body: &[u8], name: &str) -> Option<String> {
    core::str::from_utf8(body)
        .ok()
        .and_then(request::parse_query)
        .and_then(|pairs| pairs.into_iter().find(|(n, _)| n == name).map(|(_, v)| v))
}

/// Signs out: the session is revoked in the Durable Object (every session
/// of the user with `scope=everywhere`), so a copied cookie stops working
/// everywhere within [`session::REVOCATION_BOUND_MS`]; the cookie is
/// cleared either way.
async fn logout<P: Platform>(
    p: &P,
    state: &State,
    cfg: &Config,
    req: &Incoming,
    own_origin: &str,
) -> Reply {
    let fa = cfg.frame_ancestors.as_str();
    if !form_from_own_page(req.origin.as_deref(), req.fetch_site.as_deref(), own_origin) {
        return EdgeError::ForeignOrigin.page(fa);
    }
    let done = Reply::new(303, reply::HTML, "")
        .with_all(reply::page_headers(fa))
        .with("Location", "/edge/login")
        .with("Set-Cookie", session::clear_cookie())
        .with("Cache-Control", "no-store");
    let now = p.now_ms();
    let Some(s) = req
        .cookie
        .as_deref()
        .and_then(session::from_cookie_header)
        .and_then(|v| session::verify(&cfg.session_key, &cfg.users, v, now).ok())
    else {
        return done;
    };
    let everywhere = match p.read_body(MAX_FORM_BYTES).await {
        Ok(body) => form_field(&body, "scope").as_deref() == Some("everywhere"),
        Err(_) => false,
    };
    let revocation = if everywhere {
        Revocation::User {
            user: s.user.name().to_owned(),
            cutoff_ms: now,
            expires_s: now / 1000 + cfg.session_ttl_s,
        }
    } else {
        Revocation::Session {
            sid: s.sid.clone(),
            expires_s: s.expires_s,
        }
    };
    if let Err(e) = p.durable(&DoRequest::Revoke(revocation.clone())).await {
        // The cookie goes, but the session could not be ended everywhere:
        // say so rather than pretend.
        let e = EdgeError::from(e);
        return e.page(fa).with("Set-Cookie", session::clear_cookie());
    }
    state.revoked.borrow_mut().add([revocation]);
    audit(
        p,
        cfg,
        AuditEntry {
            at_ms: now,
            event: if everywhere { "logout_all" } else { "logout" }.into(),
            user: Some(s.user.name().into()),
            role: Some(s.user.grants().to_string()),
            client: client_of(req),
            ..AuditEntry::default()
        },
    );
    done
}

/// `GET /edge/audit`: a page of the audit trail, for operators.
async fn audit_trail<P: Platform>(
    p: &P,
    state: &State,
    cfg: &Config,
    req: &Incoming,
    _path: &str,
) -> Reply {
    let who = match authenticate(p, cfg, state, req).await {
        Ok(who) => who,
        Err(e) => return e.api(),
    };
    if !cfg.operator_everywhere(who.user) {
        return EdgeError::AuditForbidden {
            user: who.user.name().to_owned(),
        }
        .api();
    }
    let (filter, csv) = match audit_filter(&req.url) {
        Ok(f) => f,
        Err(why) => return reply::envelope(400, &ApiErrorCode::ParamError, &why),
    };
    match p.durable(&DoRequest::AuditQuery(filter)).await {
        Ok(body) if csv => Reply::new(200, "text/csv; charset=utf-8", audit_csv(&body))
            .with_all(reply::data_headers())
            .with(
                "Content-Disposition",
                "attachment; filename=\"ews-audit.csv\"".to_owned(),
            ),
        Ok(body) => Reply::new(200, reply::JSON, body).with_all(reply::data_headers()),
        Err(e) => EdgeError::from(e).api(),
    }
}

/// `GET /audit`: the audit trail as a page, for operators ([`audit_page`](crate::audit_page)).
/// Not signed in: to the sign-in page.
async fn audit_page<P: Platform>(p: &P, state: &State, cfg: &Config, req: &Incoming) -> Reply {
    use crate::audit_page::{Lang, PageQuery, entries, render};
    let fa = cfg.frame_ancestors.as_str();
    let who = match authenticate(p, cfg, state, req).await {
        Ok(who) => who,
        Err(e @ EdgeError::Unauthenticated { .. }) => {
            // A stale session cookie is cleared on the way, as on any page.
            return Reply::new(303, reply::HTML, String::new())
                .with("Location", "/edge/login".to_owned())
                .with("Cache-Control", "no-store")
                .with_all(e.extra_headers());
        }
        Err(e) => return e.page(fa),
    };
    if !cfg.operator_everywhere(who.user) {
        return EdgeError::AuditForbidden {
            user: who.user.name().to_owned(),
        }
        .page(fa);
    }
    let q = PageQuery::parse(&req.url);
    let lang = Lang::pick(q.lang.as_deref(), req.accept_language.as_deref());
    let html = match q.filter(durable::DEFAULT_PAGE) {
        Err(field) => {
            let why = match lang {
                Lang::En => format!(
                    "The filter's {field} cannot be read: a container is a number, a day is YYYY-MM-DD."
                ),
                Lang::Zh => {
                    format!("无法读取筛选条件 {field}：容器是数字，日期格式为 YYYY-MM-DD。")
                }
            };
            render(&q, lang, None, Some(&why))
        }
        Ok(filter) => match p.durable(&DoRequest::AuditQuery(filter)).await {
            Ok(body) => {
                let (list, next) = entries(&body);
                render(&q, lang, Some((&list, next)), None)
            }
            Err(e) => return EdgeError::from(e).page(fa),
        },
    };
    Reply::new(200, reply::HTML, html)
        .with_all(reply::page_headers(fa))
        .with("Cache-Control", "no-store")
}

/// The CSV columns of an audit export.
pub const AUDIT_CSV_HEADER: &str = "seq,at,event,user,role,client,action,container,commandId,upstreamStatus,upstreamCode,error,outcome,message,account";

/// A page of the trail (the object's JSON) as CSV: RFC 4180, CRLF, and
/// text a spreadsheet would run as a formula prefixed with `'`.
pub fn audit_csv(page: &[u8]) -> String {
    use ews_core::json::Value as Json;
    let mut out = String::from(AUDIT_CSV_HEADER);
    out.push_str("\r\n");
    let v = ews_core::json::parse(page).unwrap_or(Json::Null);
    let Some(Json::Arr(items)) = v.get("entries") else {
        return out;
    };
    for e in items.iter().filter_map(AuditEntry::from_json) {
        let n = |v: Option<u64>| v.map_or_else(String::new, |n| n.to_string());
        let t = |v: &Option<String>| v.clone().unwrap_or_default();
        let cells = [
            e.seq.to_string(),
            e.at_ms.to_string(),
            e.event.clone(),
            t(&e.user),
            t(&e.role),
            t(&e.client),
            t(&e.action),
            n(e.container),
            t(&e.command_id),
            n(e.upstream_status),
            t(&e.upstream_code),
            t(&e.error),
            t(&e.outcome),
            t(&e.message),
            t(&e.account),
        ];
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let formula = c.starts_with(['=', '+', '-', '@', '\t', '\r']);
            let quote = formula || c.contains([',', '"', '\n', '\r']);
            if quote {
                out.push('"');
            }
            if formula {
                out.push('\'');
            }
            out.push_str(&c.replace('"', "\"\""));
            if quote {
                out.push('"');
            }
        }
        out.push_str("\r\n");
    }
    out
}

/// The filter of an audit query string: `user`, `account`, `container`, `action`,
/// `from`, `to` (ms since the Unix epoch), `before` (a page's `next`),
/// `limit` (1–1000); and whether `format=csv` (else `json`) was asked.
pub fn audit_filter(url: &str) -> Result<(AuditFilter, bool), String> {
    let query = url
        .split_once('?')
        .map_or("", |(_, q)| q.split('#').next().unwrap_or(""));
    let pairs = request::parse_query(query)
        .ok_or_else(|| "the query string cannot be read (a %-escape is broken)".to_owned())?;
    let mut f = AuditFilter {
        limit: durable::DEFAULT_PAGE,
        ..AuditFilter::default()
    };
    let mut csv = false;
    for (name, value) in pairs {
        let value = value.trim().to_owned();
        if value.is_empty() {
            continue;
        }
        let number = |what: &str| {
            value
                .parse::<u64>()
                .map_err(|_| format!("{what} must be a whole number, not `{}`", clip(&value)))
        };
        match name.as_str() {
            "user" => f.user = Some(value.clone()),
            "account" => f.account = Some(value.clone()),
            "container" => f.container = Some(number("container")?),
            "action" => f.action = Some(value.clone()),
            "from" => f.from_ms = Some(number("from (ms since 1970)")?),
            "to" => f.to_ms = Some(number("to (ms since 1970)")?),
            "before" => f.before = Some(number("before")?),
            "limit" => f.limit = number("limit")?.clamp(1, durable::MAX_PAGE),
            "format" if value == "csv" || value == "json" => csv = value == "csv",
            "format" => return Err("format is csv or json".to_owned()),
            other => {
                return Err(format!(
                    "unknown filter `{}`: use user, account, container, action, from, to, before, limit, format",
                    clip(other)
                ));
            }
        }
    }
    Ok((f, csv))
}

fn clip(text: &str) -> String {
    text.chars().take(40).collect()
}

fn login_log(user: Option<&str>, ok: bool) -> String {
    Object::new()
        .str("event", "login")
        .field("user", user.into())
        .field("ok", Value::Bool(ok))
        .finish()
}

/// One state-changing action, as logged: who (the token's name, never the
/// token), what, on which container, the command it made and what the
/// upstream said.
#[derive(Debug, PartialEq, Eq)]
pub struct ActionLog<'a> {
    /// The token's name (never the token).
    pub user: &'a str,
    /// The user's role on the account.
    pub role: &'static str,
    /// The account.
    pub account: &'a str,
    /// `start`, `stop` or `delete`.
    pub op: &'static str,
    /// The container.
    pub container: Option<u64>,
    /// The command the upstream created, when it did.
    pub command_id: Option<String>,
    /// The HTTP status of the upstream's answer (`None`: no answer).
    pub upstream_status: Option<u16>,
    /// The envelope's `code` (`"0"`: success).
    pub upstream_code: Option<String>,
    /// What went wrong when no answer came: `unreachable` or `timeout`.
    pub error: Option<&'static str>,
}

impl ActionLog<'_> {
    /// The log line: one JSON object, `"event":"action"` first.
    pub fn to_json(&self) -> String {
        Object::new()
            .str("event", "action")
            .str("user", self.user)
            .str("role", self.role)
            .str("account", self.account)
            .str("op", self.op)
            .field("container", self.container.map_or(Value::Null, Value::Num))
            .field("commandId", self.command_id.as_deref().into())
            .field(
                "upstreamStatus",
                self.upstream_status
                    .map_or(Value::Null, |s| Value::Num(u64::from(s))),
            )
            .field("upstreamCode", self.upstream_code.as_deref().into())
            .field("error", self.error.into())
            .finish()
    }
}

/// How a command ended, when the upstream's answer is a final command (the
/// core's reading: [`ews_core::Outcome::of`]).
fn final_outcome(up: &UpstreamReply) -> Option<ews_core::Outcome> {
    if up.body.len() > PEEK_LIMIT {
        return None;
    }
    let cmd = ews_core::decode::command(up.status, &up.body).ok()?;
    ews_core::Outcome::of(&cmd)
}

/// Upstream bodies larger than [`PEEK_LIMIT`] are not read.
fn peek(body: &[u8]) -> Peek {
    if body.len() > PEEK_LIMIT {
        Peek::default()
    } else {
        json::peek(body)
    }
}

async fn api<P: Platform>(
    p: &P,
    state: &State,
    cfg: &Config,
    req: &Incoming,
    own_origin: &str,
    named: Option<&str>,
    path: &str,
) -> Reply {
    let who = match authenticate(p, cfg, state, req).await {
        Ok(who) => who,
        Err(e) => return e.api(),
    };
    let account = match account_of(cfg, named) {
        Ok(a) => a,
        Err(e) => return e.api(),
    };
    let op = match Operation::route(&req.method, path) {
        Ok(op) => op,
        Err(e) => return EdgeError::NoRoute(e).api(),
    };
    let role = match authorize(&who, &account.name, &op, req.origin.as_deref(), own_origin) {
        Ok(role) => role,
        Err(e) => return e.api(),
    };
    let result = proxy(p, state, cfg, account, &op).await;
    if op.is_mutating() {
        let (status, code, command_id, error) = match &result {
            Ok((up, peeked)) => (
                Some(up.status),
                peeked.code.clone(),
                peeked.command_id.clone(),
                None,
            ),
            Err(FetchError::Unreachable) => (None, None, None, Some("unreachable")),
            Err(FetchError::Timeout) => (None, None, None, Some("timeout")),
        };
        let log = ActionLog {
            user: who.user.name(),
            role: role.as_str(),
            account: &account.name,
            op: op.name(),
            container: op.container().map(|c| c.0),
            command_id,
            upstream_status: status,
            upstream_code: code,
            error,
        };
        p.log(&log.to_json());
        audit(
            p,
            cfg,
            AuditEntry {
                at_ms: p.now_ms(),
                event: "action".into(),
                user: Some(log.user.into()),
                role: Some(log.role.into()),
                account: Some(account.name.clone()),
                client: client_of(req),
                action: Some(log.op.into()),
                container: log.container,
                command_id: log.command_id,
                upstream_status: log.upstream_status.map(u64::from),
                upstream_code: log.upstream_code,
                error: log.error.map(String::from),
                ..AuditEntry::default()
            },
        );
    } else if let (Operation::GetCommand(id), Ok((up, _))) = (&op, &result) {
        // The console has followed a command to its end: its outcome joins
        // the action's audit entry.
        if let Some(outcome) = final_outcome(up) {
            p.durable_later(&DoRequest::Outcome {
                account: account.name.clone(),
                command_id: id.as_str().to_owned(),
                outcome: outcome.kind().to_owned(),
                message: outcome.to_string(),
            });
        }
    }
    match result {
        Ok((up, _)) if (300..400).contains(&up.status) => {
            EdgeError::UpstreamRedirect { status: up.status }.api()
        }
        Ok((up, _)) => {
            let content_type = up
                .content_type
                .unwrap_or_else(|| "application/octet-stream".to_owned());
            Reply::new(up.status, &content_type, up.body).with_all(reply::data_headers())
        }
        Err(FetchError::Unreachable) => EdgeError::UpstreamUnreachable.api(),
        Err(FetchError::Timeout) => EdgeError::UpstreamTimeout {
            timeout_ms: cfg.timeout_ms,
        }
        .api(),
    }
}

/// The upstream's answer as the core's client brain reads it: an envelope
/// whose `code` is not `"0"` is an API error (so a sign error gets the one
/// retry); anything else passes through as it is. The body is never
/// decoded further: the worker relays it unchanged.
fn verdict_of(status: u16, peeked: &Peek) -> Result<(), Error> {
    match peeked.code.as_deref() {
        Some(code) if code.trim() != "0" => Err(Error::Api {
            status,
            code: ApiErrorCode::parse(code),
            message: String::new(),
            clock_skew_ms: None,
        }),
        _ => Ok(()),
    }
}

/// Sends `op` to `account`'s upstream as the core's client brain says: signed at the
/// corrected clock, the clock learned from the upstream's `Date`, and the
/// one retry after a sign error the corrected clock may fix.
async fn proxy<P: Platform>(
    p: &P,
    state: &State,
    cfg: &Config,
    account: &Account,
    op: &Operation,
) -> Result<(UpstreamReply, Peek), FetchError> {
    let mut client = Client::with_clock(
        ews_core::client::Signing::Direct(account.credentials.clone()),
        state.clock(&account.name),
    );
    let (mut ex, mut req) = client.begin(op.clone(), p.now_ms());
    let result = loop {
        let up = match p
            .fetch_upstream(&UpstreamRequest {
                method: req.method,
                url: req.url(&account.upstream),
                authorization: req.authorization.clone().unwrap_or_default(),
                timeout_ms: cfg.timeout_ms,
            })
            .await
        {
            Ok(up) => up,
            Err(e) => break Err(e),
        };
        let peeked = peek(&up.body);
        let answer = Answer {
            status: up.status,
            date: up.date.as_deref(),
            body: &up.body,
            now_ms: p.now_ms(),
        };
        match client.answer(&mut ex, &answer, |s, _| verdict_of(s, &peeked)) {
            Verdict::Resend(next) => req = next,
            Verdict::Done(_) => break Ok((up, peeked)),
        }
    };
    state
        .clocks
        .borrow_mut()
        .insert(account.name.clone(), *client.clock());
    result
}

/// A `Content-Type` for a console file, by extension.
pub fn content_type_for(path: &str) -> Option<&'static str> {
    let ext = path.rsplit('/').next()?.rsplit_once('.')?.1;
    Some(match ext.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => return None,
    })
}

fn has_extension(path: &str) -> bool {
    path.rsplit('/').next().is_some_and(|seg| seg.contains('.'))
}

async fn asset<P: Platform>(p: &P, cfg: &Config, method: &str, path: &str) -> Handled<P::Asset> {
    let fa = cfg.frame_ancestors.as_str();
    if method != "GET" && method != "HEAD" {
        return Handled::Reply(
            EdgeError::MethodNotAllowed {
                allowed: "GET, HEAD",
            }
            .page(fa),
        );
    }
    let mut file = if path == "/" { "/index.html" } else { path };
    let mut fetched = p.fetch_asset(file, method).await;
    // SPA fallback: a route of the console (no extension) gets index.html.
    if matches!(&fetched, Ok(a) if p.asset_status(a) == 404) && !has_extension(file) {
        file = "/index.html";
        fetched = p.fetch_asset(file, method).await;
    }
    let asset = match fetched {
        Ok(a) => a,
        Err(AssetError::NoBinding) => return Handled::Reply(EdgeError::NoAssets.page(fa)),
        Err(AssetError::Failed) => return Handled::Reply(EdgeError::AssetsFailed.page(fa)),
    };
    if p.asset_status(&asset) == 404 {
        return Handled::Reply(EdgeError::NotFound.page(fa));
    }
    let mut headers = reply::page_headers(fa);
    let given = p.asset_content_type(&asset);
    let generic = given
        .as_deref()
        .is_none_or(|t| t.starts_with("application/octet-stream"));
    if let (true, Some(t)) = (generic, content_type_for(file)) {
        headers.push(("Content-Type", t.to_owned()));
    }
    if file.ends_with(".html") {
        headers.push(("Cache-Control", "no-cache".to_owned()));
    }
    Handled::Asset { asset, headers }
}

#[cfg(test)]
mod tests;
