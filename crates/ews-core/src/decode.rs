//! Response decoding: `(HTTP status, body bytes)` → a typed value or an [`Error`].
//!
//! Decoding is total: every input gives `Ok` or a typed error, never a panic.
//! The envelope is read whatever the HTTP status (the API does not document
//! which statuses go with errors). A body that is not the envelope at all
//! (HTML, empty, truncated JSON) is an error, never a silently empty list.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::error::{ApiErrorCode, Error, snippet};
use crate::types::{CODE_OK, Command, Container, lenient};

#[derive(Deserialize)]
struct Head<'a> {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    code: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    message: String,
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
}

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

fn not_envelope(status: u16, body: &[u8], reason: String) -> Error {
    if is_success(status) {
        Error::Malformed {
            status,
            reason,
            snippet: snippet(body),
        }
    } else {
        Error::Http {
            status,
            snippet: snippet(body),
        }
    }
}

/// Decodes an envelope whose success `data` is a `T`.
pub fn envelope<T: DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, Error> {
    let body_trimmed = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    if body_trimmed.iter().all(u8::is_ascii_whitespace) {
        return Err(not_envelope(
            status,
            body,
            String::from("the body is empty"),
        ));
    }
    let head: Head<'_> = match serde_json::from_slice(body_trimmed) {
        Ok(head) => head,
        Err(e) => {
            let reason = if e.is_eof() {
                String::from("the JSON is cut short")
            } else if e.is_syntax() {
                String::from("it is not JSON")
            } else {
                String::from("it is JSON but not an {code, message, data} envelope")
            };
            return Err(not_envelope(status, body, reason));
        }
    };
    let code = match head.code {
        Some(code) if !code.trim().is_empty() => code,
        _ => {
            return Err(not_envelope(
                status,
                body,
                String::from("it has no `code`, so it is not an {code, message, data} envelope"),
            ));
        }
    };
    if code.trim() != CODE_OK {
        return Err(Error::Api {
            status,
            code: ApiErrorCode::parse(&code),
            message: head.message,
            clock_skew_ms: None,
        });
    }
    let data = head.data.map(RawValue::get).filter(|d| d.trim() != "null");
    let Some(data) = data else {
        return Err(Error::Malformed {
            status,
            reason: String::from("success without `data`"),
            snippet: snippet(body),
        });
    };
    serde_json::from_str(data).map_err(|e| Error::Malformed {
        status,
        reason: format!("`data` does not have the documented shape: {e}"),
        snippet: snippet(body),
    })
}

/// `GET /api/v1/container`.
pub fn container_list(status: u16, body: &[u8]) -> Result<Vec<Container>, Error> {
    envelope(status, body)
}

/// `GET /api/v1/container/{id}`.
pub fn container(status: u16, body: &[u8]) -> Result<Container, Error> {
    envelope(status, body)
}

/// Start, stop, delete and `GET /api/v1/command/{id}`.
pub fn command(status: u16, body: &[u8]) -> Result<Command, Error> {
    envelope(status, body)
}

/// Decodes and, on a sign error, attaches the clock skew measured from the
/// server's `Date` header (see [`crate::clock::skew_ms`]).
pub fn with_date<T>(
    result: Result<T, Error>,
    date_header: Option<&str>,
    now_ms: u64,
) -> Result<T, Error> {
    result.map_err(|e| {
        match (
            e.is_sign_error(),
            date_header.and_then(|d| crate::clock::skew_ms(d, now_ms)),
        ) {
            (true, Some(skew)) => e.with_clock_skew(skew),
            _ => e,
        }
    })
}
