//! The errors a client can meet, each with the action that fixes it.
//!
//! [`Error`] tells apart an HTTP failure that carried no API envelope, an API
//! error (typed [`ApiErrorCode`] plus the server's message), a body that is
//! not an API response at all, and an id refused before sending. `Display`
//! says what happened and what to do; UIs show it as is.

use alloc::string::String;
use core::fmt;

use crate::id::InvalidId;

/// The documented error codes (PROTOCOL.md, "Errors"), or another one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ApiErrorCode {
    /// 1001
    InternalError,
    /// 1002
    ParamError,
    /// 1003
    ParamRequired,
    /// 1004
    SignError,
    /// 1005
    ResourceNotExist,
    /// 1006
    NoPermission,
    /// 1007: the service does not take the action in the container's
    /// current state.
    StatusError,
    /// 1008
    ActionNotExist,
    /// 1009
    Timeout,
    /// A code the documentation does not list, as sent.
    Other(String),
}

impl ApiErrorCode {
    /// Every documented code.
    pub const DOCUMENTED: [ApiErrorCode; 9] = [
        ApiErrorCode::InternalError,
        ApiErrorCode::ParamError,
        ApiErrorCode::ParamRequired,
        ApiErrorCode::SignError,
        ApiErrorCode::ResourceNotExist,
        ApiErrorCode::NoPermission,
        ApiErrorCode::StatusError,
        ApiErrorCode::ActionNotExist,
        ApiErrorCode::Timeout,
    ];

    /// Parses the envelope's `code`.
    pub fn parse(code: &str) -> ApiErrorCode {
        match code.trim() {
            "1001" => ApiErrorCode::InternalError,
            "1002" => ApiErrorCode::ParamError,
            "1003" => ApiErrorCode::ParamRequired,
            "1004" => ApiErrorCode::SignError,
            "1005" => ApiErrorCode::ResourceNotExist,
            "1006" => ApiErrorCode::NoPermission,
            "1007" => ApiErrorCode::StatusError,
            "1008" => ApiErrorCode::ActionNotExist,
            "1009" => ApiErrorCode::Timeout,
            other => ApiErrorCode::Other(String::from(other)),
        }
    }

    /// The wire code, e.g. `"1004"`.
    pub fn code(&self) -> &str {
        match self {
            ApiErrorCode::InternalError => "1001",
            ApiErrorCode::ParamError => "1002",
            ApiErrorCode::ParamRequired => "1003",
            ApiErrorCode::SignError => "1004",
            ApiErrorCode::ResourceNotExist => "1005",
            ApiErrorCode::NoPermission => "1006",
            ApiErrorCode::StatusError => "1007",
            ApiErrorCode::ActionNotExist => "1008",
            ApiErrorCode::Timeout => "1009",
            ApiErrorCode::Other(code) => code,
        }
    }

    /// The documented message, e.g. `"SignError"`.
    pub fn name(&self) -> &str {
        match self {
            ApiErrorCode::InternalError => "InternalError",
            ApiErrorCode::ParamError => "ParamError",
            ApiErrorCode::ParamRequired => "ParamRequired",
            ApiErrorCode::SignError => "SignError",
            ApiErrorCode::ResourceNotExist => "ResourceNotExist",
            ApiErrorCode::NoPermission => "NoPermission",
            ApiErrorCode::StatusError => "StatusError",
            ApiErrorCode::ActionNotExist => "ActionNotExist",
            ApiErrorCode::Timeout => "Timeout",
            ApiErrorCode::Other(_) => "Error",
        }
    }

    /// What the user should do about it.
    pub fn user_action(&self) -> &'static str {
        match self {
            ApiErrorCode::InternalError => {
                "the EWS service failed internally; retry in a moment, and contact EWS support if it persists"
            }
            ApiErrorCode::ParamError => {
                "the request was refused as invalid; check the container or command id"
            }
            ApiErrorCode::ParamRequired => {
                "a required parameter is missing; check the access key and the endpoint URL"
            }
            ApiErrorCode::SignError => {
                "the signature was refused; check the secret key and the sign method"
            }
            ApiErrorCode::ResourceNotExist => {
                "the container or command does not exist (any more); refresh the list"
            }
            ApiErrorCode::NoPermission => {
                "this access key may not do this; ask the account owner for permission"
            }
            ApiErrorCode::StatusError => {
                "the service refused the action in the container's current state and nothing changed; refresh, then wait for the state to change or choose another action"
            }
            ApiErrorCode::ActionNotExist => {
                "the service does not know this action; check the endpoint URL and API version"
            }
            ApiErrorCode::Timeout => {
                "the service timed out; the action may still happen, so refresh before retrying"
            }
            ApiErrorCode::Other(_) => {
                "the service refused the request; read its message, and retry if it looks temporary"
            }
        }
    }
}

impl fmt::Display for ApiErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code(), self.name())
    }
}

/// What went wrong with one call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a failing HTTP status and no API envelope
    /// (a proxy's error page, an empty body).
    Http {
        /// HTTP status.
        status: u16,
        /// The start of the body, made safe to show.
        snippet: String,
    },
    /// The API answered with an error envelope.
    Api {
        /// HTTP status it came with.
        status: u16,
        /// The typed code.
        code: ApiErrorCode,
        /// The server's message.
        message: String,
        /// Server clock minus local clock, when the caller knows it
        /// (see [`Error::with_clock_skew`]).
        clock_skew_ms: Option<i64>,
    },
    /// A success status, but the body is not an API response (or its data
    /// does not have the documented shape).
    Malformed {
        /// HTTP status.
        status: u16,
        /// What was wrong.
        reason: String,
        /// The start of the body, made safe to show.
        snippet: String,
    },
    /// An id was refused before anything was sent.
    InvalidId(InvalidId),
    /// No answer at all: the connection failed, a browser refused the
    /// response (no CORS headers), or nothing came back in time.
    NoAnswer {
        /// Where the request went (a base URL or an origin; never a secret).
        endpoint: String,
        /// Nothing came back within the request timeout.
        timed_out: bool,
        /// The runtime's own words, when it gave any.
        cause: String,
    },
}

impl Error {
    /// Attaches the measured clock skew (server − local, ms) to a sign error,
    /// so its message can say how far off the clock is.
    pub fn with_clock_skew(mut self, skew_ms: i64) -> Self {
        if let Error::Api { clock_skew_ms, .. } = &mut self {
            *clock_skew_ms = Some(skew_ms);
        }
        self
    }

    /// The kind, one word every component spells the same: `http`, `api`,
    /// `malformed`, `invalid_id` or `network` (no answer at all).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Http { .. } => "http",
            Error::Api { .. } => "api",
            Error::Malformed { .. } => "malformed",
            Error::InvalidId(_) => "invalid_id",
            Error::NoAnswer { .. } => "network",
        }
    }

    /// The API error code, when the server sent one.
    pub fn api_code(&self) -> Option<&ApiErrorCode> {
        match self {
            Error::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// Whether the server refused the signature (1004).
    pub fn is_sign_error(&self) -> bool {
        self.api_code() == Some(&ApiErrorCode::SignError)
    }

    /// The HTTP status, when a response arrived.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Http { status, .. }
            | Error::Api { status, .. }
            | Error::Malformed { status, .. } => Some(*status),
            Error::InvalidId(_) | Error::NoAnswer { .. } => None,
        }
    }

    /// Whether retrying the same request later may succeed (5xx, timeouts,
    /// internal errors, garbled bodies from a proxy).
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Http { status, .. } => *status >= 500 || *status == 429 || *status == 408,
            Error::Api { code, .. } => {
                matches!(code, ApiErrorCode::InternalError | ApiErrorCode::Timeout)
            }
            Error::Malformed { .. } | Error::NoAnswer { .. } => true,
            Error::InvalidId(_) => false,
        }
    }
}

impl From<InvalidId> for Error {
    fn from(e: InvalidId) -> Self {
        Error::InvalidId(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Http { status, snippet } => {
                let action = match status {
                    401 => "sign in again (the console session may have expired)",
                    403 => "this login may not do this; ask for an operator token",
                    404 => {
                        "check the endpoint URL: it should be the API's base URL, without /api/v1"
                    }
                    408 | 429 => "the server is busy; retry in a moment",
                    502..=504 => {
                        "the API or a proxy in front of it is down or overloaded; retry in a moment"
                    }
                    500..=599 => "the server failed; retry in a moment",
                    _ => "check the endpoint URL and retry",
                };
                write!(f, "HTTP {status} without an API response: {action}")?;
                if !snippet.is_empty() {
                    write!(f, " (the body starts: \"{snippet}\")")?;
                }
                Ok(())
            }
            Error::Api {
                code,
                message,
                clock_skew_ms,
                ..
            } => {
                write!(f, "{code}")?;
                if !message.is_empty() && message != code.name() {
                    write!(f, " ({message})")?;
                }
                write!(f, ": {}", code.user_action())?;
                if let (ApiErrorCode::SignError, Some(skew)) = (code, clock_skew_ms) {
                    let secs = skew.unsigned_abs() / 1000;
                    if secs > 0 {
                        let dir = if *skew > 0 { "behind" } else { "ahead of" };
                        write!(f, "; your clock is {secs} s {dir} the server's")?;
                    }
                }
                Ok(())
            }
            Error::Malformed {
                status,
                reason,
                snippet,
            } => {
                write!(
                    f,
                    "the answer (HTTP {status}) is not an EWS API response ({reason}): check that the endpoint URL points to the API, not a web page"
                )?;
                if !snippet.is_empty() {
                    write!(f, " (the body starts: \"{snippet}\")")?;
                }
                Ok(())
            }
            Error::InvalidId(e) => fmt::Display::fmt(e, f),
            Error::NoAnswer {
                endpoint,
                timed_out,
                cause,
            } => {
                let _ = timed_out; // the driver's `cause` says how long it waited
                write!(f, "no answer from the EWS API at {endpoint}")?;
                if !cause.is_empty() {
                    write!(f, " ({cause})")?;
                }
                f.write_str(
                    ": check the endpoint URL and the network, and retry; in a browser, also check that the API allows this page's origin (CORS)",
                )
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}

/// The longest snippet of a body an error keeps, in characters.
pub const SNIPPET_CHARS: usize = 80;

/// The start of a body, safe to show: at most [`SNIPPET_CHARS`] characters,
/// invalid UTF-8 replaced, control characters and runs of blanks made one space.
pub fn snippet(body: &[u8]) -> String {
    let head = &body[..body.len().min(SNIPPET_CHARS * 4)];
    let text = String::from_utf8_lossy(head);
    let mut out = String::new();
    let mut count = 0;
    let mut last_space = true;
    for c in text.chars() {
        if count == SNIPPET_CHARS {
            out.push('…');
            break;
        }
        let c = if c.is_control() || c.is_whitespace() {
            ' '
        } else {
            c
        };
        if c == ' ' && last_space {
            continue;
        }
        last_space = c == ' ';
        out.push(c);
        count += 1;
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out
}
