//! The six operations as transport-neutral signed requests.
//!
//! [`build`] turns an [`Operation`], [`Credentials`] and the caller's clock
//! into a [`SignedRequest`]: method, path (path parameters percent-encoded),
//! query string (`accesskey`, `timestamp`) and the `Authorization` value. Any
//! HTTP client applies it. [`Operation::route`] is the inverse, for servers:
//! it turns a method and a path into an operation, or says why not.

use alloc::string::String;
use core::fmt;
use core::fmt::Write as _;

use crate::credentials::Credentials;
use crate::id::{CommandId, ContainerId, InvalidId};
use crate::sign::{self, PARAM_ACCESS_KEY, PARAM_TIMESTAMP};

/// The API's path prefix.
pub const API_PREFIX: &str = "/api/v1";

/// An HTTP method the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// DELETE
    Delete,
}

impl Method {
    /// The method's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }

    /// Whether the method changes state.
    pub fn is_mutating(self) -> bool {
        !matches!(self, Method::Get)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One of the six documented operations.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `GET /api/v1/container`
    ListContainers,
    /// `GET /api/v1/container/{id}`
    GetContainer(ContainerId),
    /// `POST /api/v1/container/{id}/start`
    StartContainer(ContainerId),
    /// `POST /api/v1/container/{id}/stop`
    StopContainer(ContainerId),
    /// `DELETE /api/v1/container/{id}`
    DeleteContainer(ContainerId),
    /// `GET /api/v1/command/{id}`
    GetCommand(CommandId),
}

/// Why a method and path are not one of the six operations.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RouteError {
    /// No operation has this path.
    NotFound,
    /// The path exists, with other methods.
    MethodNotAllowed {
        /// The methods the path accepts.
        allowed: &'static [Method],
    },
    /// The path names an invalid id.
    InvalidId(InvalidId),
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteError::NotFound => f.write_str(
                "no such API operation: the API has /api/v1/container[/{id}[/start|/stop]] and /api/v1/command/{id}",
            ),
            RouteError::MethodNotAllowed { allowed } => {
                f.write_str("method not allowed here; use ")?;
                for (i, m) in allowed.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" or ")?;
                    }
                    f.write_str(m.as_str())?;
                }
                Ok(())
            }
            RouteError::InvalidId(e) => fmt::Display::fmt(e, f),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for RouteError {}

impl Operation {
    /// The HTTP method.
    pub fn method(&self) -> Method {
        match self {
            Operation::ListContainers | Operation::GetContainer(_) | Operation::GetCommand(_) => {
                Method::Get
            }
            Operation::StartContainer(_) | Operation::StopContainer(_) => Method::Post,
            Operation::DeleteContainer(_) => Method::Delete,
        }
    }

    /// The path, with path parameters percent-encoded.
    pub fn path(&self) -> String {
        let mut p = String::from(API_PREFIX);
        // Writing to a String cannot fail.
        let _ = match self {
            Operation::ListContainers => write!(p, "/container"),
            Operation::GetContainer(id) | Operation::DeleteContainer(id) => {
                write!(p, "/container/{id}")
            }
            Operation::StartContainer(id) => write!(p, "/container/{id}/start"),
            Operation::StopContainer(id) => write!(p, "/container/{id}/stop"),
            Operation::GetCommand(id) => {
                p.push_str("/command/");
                percent_encode_into(&mut p, id.as_str());
                Ok(())
            }
        };
        p
    }

    /// Whether the operation changes state (start, stop, delete).
    pub fn is_mutating(&self) -> bool {
        self.method().is_mutating()
    }

    /// The container the operation is about, if any.
    pub fn container(&self) -> Option<ContainerId> {
        match self {
            Operation::GetContainer(id)
            | Operation::StartContainer(id)
            | Operation::StopContainer(id)
            | Operation::DeleteContainer(id) => Some(*id),
            Operation::ListContainers | Operation::GetCommand(_) => None,
        }
    }

    /// A short name: `list`, `get`, `start`, `stop`, `delete`, `command`.
    pub fn name(&self) -> &'static str {
        match self {
            Operation::ListContainers => "list",
            Operation::GetContainer(_) => "get",
            Operation::StartContainer(_) => "start",
            Operation::StopContainer(_) => "stop",
            Operation::DeleteContainer(_) => "delete",
            Operation::GetCommand(_) => "command",
        }
    }

    /// The operation a method and path name (the path without its query
    /// string, percent-encoded as received). Trailing slashes are tolerated.
    pub fn route(method: &str, path: &str) -> Result<Operation, RouteError> {
        const GET_DELETE: &[Method] = &[Method::Get, Method::Delete];
        const GET: &[Method] = &[Method::Get];
        const POST: &[Method] = &[Method::Post];
        let rest = path.strip_prefix(API_PREFIX).ok_or(RouteError::NotFound)?;
        let rest = rest.trim_end_matches('/');
        let mut parts = rest.split('/');
        if parts.next() != Some("") {
            return Err(RouteError::NotFound);
        }
        let segs: [Option<&str>; 4] = [parts.next(), parts.next(), parts.next(), parts.next()];
        let container = |raw: &str| {
            let decoded = percent_decode(raw).ok_or(RouteError::NotFound)?;
            ContainerId::parse(&decoded).map_err(RouteError::InvalidId)
        };
        let allowed = |allowed: &'static [Method]| RouteError::MethodNotAllowed { allowed };
        match segs {
            [Some("container"), None, ..] => match method {
                "GET" => Ok(Operation::ListContainers),
                _ => Err(allowed(GET)),
            },
            [Some("container"), Some(id), None, _] if !id.is_empty() => match method {
                "GET" => Ok(Operation::GetContainer(container(id)?)),
                "DELETE" => Ok(Operation::DeleteContainer(container(id)?)),
                _ => Err(allowed(GET_DELETE)),
            },
            [
                Some("container"),
                Some(id),
                Some(action @ ("start" | "stop")),
                None,
            ] if !id.is_empty() => {
                if method != "POST" {
                    return Err(allowed(POST));
                }
                let id = container(id)?;
                Ok(if action == "start" {
                    Operation::StartContainer(id)
                } else {
                    Operation::StopContainer(id)
                })
            }
            [Some("command"), Some(id), None, _] if !id.is_empty() => {
                if method != "GET" {
                    return Err(allowed(GET));
                }
                let decoded = percent_decode(id).ok_or(RouteError::NotFound)?;
                CommandId::new(decoded)
                    .map(Operation::GetCommand)
                    .map_err(RouteError::InvalidId)
            }
            _ => Err(RouteError::NotFound),
        }
    }
}

/// Why a text is not an API base URL ([`base_url`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaseUrlError {
    /// Not `http://` or `https://`.
    Scheme,
    /// No host after the scheme.
    NoHost,
    /// `user:password@host`: keys belong in the credentials, never in a URL.
    UserInfo,
    /// Blanks, control characters, `?`, `#` or a backslash.
    NotPlain,
}

impl fmt::Display for BaseUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BaseUrlError::Scheme => {
                "it must start with https:// or http://, such as https://open-ews.cloud.tmall.com"
            }
            BaseUrlError::NoHost => "it must name a host, such as https://open-ews.cloud.tmall.com",
            BaseUrlError::UserInfo => {
                "it must not hold a user name or password (user@host): keys go in the credentials"
            }
            BaseUrlError::NotPlain => {
                "it must be a plain base URL, without blanks, ?query, #fragment or backslashes"
            }
        })
    }
}

#[cfg(feature = "std")]
impl std::error::Error for BaseUrlError {}

/// Checks and normalises the API's base URL, the one rule every client
/// (console, SDK, edge worker) uses: `http://` or `https://` (any case), a
/// host, no user info, no blanks, query, fragment or backslash. Surrounding
/// blanks, trailing slashes and a trailing `/api/v1` (which requests add
/// themselves) are dropped; a path prefix (a gateway's) is kept.
///
/// ```
/// use ews_core::request::base_url;
/// assert_eq!(base_url(" https://ews.example.com/api/v1/ ").unwrap(), "https://ews.example.com");
/// assert_eq!(base_url("http://127.0.0.1:8080/gw/").unwrap(), "http://127.0.0.1:8080/gw");
/// assert!(base_url("ews.example.com").is_err());
/// ```
pub fn base_url(text: &str) -> Result<String, BaseUrlError> {
    let t = text.trim();
    let scheme = ["https://", "http://"]
        .into_iter()
        .find(|p| t.get(..p.len()).is_some_and(|s| s.eq_ignore_ascii_case(p)))
        .ok_or(BaseUrlError::Scheme)?;
    if t.chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '?' | '#' | '\\'))
    {
        return Err(BaseUrlError::NotPlain);
    }
    let mut base = t.trim_end_matches('/');
    if let Some(stripped) = base.strip_suffix("/api/v1") {
        base = stripped.trim_end_matches('/');
    }
    let host = base[scheme.len().min(base.len())..]
        .split('/')
        .next()
        .unwrap_or("");
    if host.contains('@') {
        return Err(BaseUrlError::UserInfo);
    }
    if host.is_empty() || base.len() < scheme.len() {
        return Err(BaseUrlError::NoHost);
    }
    Ok(String::from(base))
}

/// A request ready for any HTTP client: send `method` to `base + path_and_query()`
/// with the header `Authorization: <authorization>` and no body.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// The HTTP method.
    pub method: Method,
    /// The path, path parameters percent-encoded.
    pub path: String,
    /// The query string without `?`: `accesskey=…&timestamp=…`.
    pub query: String,
    /// The value of the `Authorization` header.
    pub authorization: String,
}

impl SignedRequest {
    /// `path?query`.
    pub fn path_and_query(&self) -> String {
        let mut s = String::with_capacity(self.path.len() + 1 + self.query.len());
        s.push_str(&self.path);
        s.push('?');
        s.push_str(&self.query);
        s
    }

    /// The full URL against a base such as `https://open-ews.cloud.tmall.com`
    /// (a trailing slash on the base is ignored).
    pub fn url(&self, base: &str) -> String {
        let mut s = String::from(base.trim_end_matches('/'));
        s.push_str(&self.path_and_query());
        s
    }
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("authorization", &"***")
            .finish()
    }
}

/// Signs `op` for `creds` at `now_ms` (ms since the Unix epoch, already
/// corrected for clock skew by the caller; see [`crate::clock`]).
pub fn build(op: &Operation, creds: &Credentials, now_ms: u64) -> SignedRequest {
    let (query, authorization) = signed_query(creds, now_ms);
    SignedRequest {
        method: op.method(),
        path: op.path(),
        query,
        authorization,
    }
}

/// The signed part of every request at `now_ms`: the query string
/// (`accesskey=…&timestamp=…`, without `?`) and the `Authorization` value.
pub fn signed_query(creds: &Credentials, now_ms: u64) -> (String, String) {
    let mut ts = String::new();
    let _ = write!(ts, "{now_ms}");
    let params = [
        (PARAM_ACCESS_KEY, creds.access_key()),
        (PARAM_TIMESTAMP, ts.as_str()),
    ];
    let authorization = sign::signature(creds.method(), creds.secret(), &params);
    let mut query = String::with_capacity(40 + creds.access_key().len());
    query.push_str(PARAM_ACCESS_KEY);
    query.push('=');
    percent_encode_into(&mut query, creds.access_key());
    query.push('&');
    query.push_str(PARAM_TIMESTAMP);
    query.push('=');
    query.push_str(&ts);
    (query, authorization)
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn percent_encode_into(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

/// Percent-encodes a string (see [`percent_encode_into`]).
pub fn percent_encode(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    percent_encode_into(&mut s, text);
    s
}

/// Decodes `%XX` escapes (and, when `plus_is_space`, `+` as a space, as in
/// forms). `None` when an escape is broken or the result is not UTF-8.
pub fn percent_decode_with(text: &str, plus_is_space: bool) -> Option<String> {
    let b = text.as_bytes();
    let mut out = alloc::vec::Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hi = char::from(*b.get(i + 1)?).to_digit(16)?;
                let lo = char::from(*b.get(i + 2)?).to_digit(16)?;
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Decodes `%XX` escapes in a path segment.
pub fn percent_decode(text: &str) -> Option<String> {
    percent_decode_with(text, false)
}

/// Parses `a=1&b=2` (a query string or a form body) into decoded pairs.
/// `None` when an escape is broken or not UTF-8.
pub fn parse_query(text: &str) -> Option<alloc::vec::Vec<(String, String)>> {
    let mut pairs = alloc::vec::Vec::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (n, v) = pair.split_once('=').unwrap_or((pair, ""));
        pairs.push((percent_decode_with(n, true)?, percent_decode_with(v, true)?));
    }
    Some(pairs)
}
