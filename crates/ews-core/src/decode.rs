//! Response decoding: `(HTTP status, body bytes)` → a typed value or an [`Error`].
//!
//! Decoding is total: every input gives `Ok` or a typed error, never a panic.
//! The envelope is read whatever the HTTP status (the API does not document
//! which statuses go with errors). A body that is not the envelope at all
//! (HTML, empty, truncated JSON) is an error, never a silently empty list.
//! Inside a success envelope, decoding degrades instead of failing: a list
//! gives every container that could be read and an account of each item
//! that could not ([`ContainerList`]), and each container or command is
//! read field by field (see [`crate::types`]).

use alloc::format;
use alloc::string::String;

use crate::error::{ApiErrorCode, Error, snippet};
use crate::json::{self, Value};
use crate::types::{CODE_OK, Command, Container, ContainerList};

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

fn not_envelope(status: u16, body: &[u8], reason: &str) -> Error {
    if is_success(status) {
        Error::Malformed {
            status,
            reason: String::from(reason),
            snippet: snippet(body),
        }
    } else {
        Error::Http {
            status,
            snippet: snippet(body),
        }
    }
}

/// Reads the envelope `{code, message, data}`: its `data` (which may be
/// absent or `null`) when `code` is `"0"`, the API's error otherwise, or
/// why the body is not an envelope at all.
pub fn envelope(status: u16, body: &[u8]) -> Result<Option<Value<'_>>, Error> {
    let root = match json::parse(body) {
        Ok(root @ Value::Obj(_)) => root,
        Ok(_) => {
            return Err(not_envelope(
                status,
                body,
                "it is JSON but not an {code, message, data} envelope",
            ));
        }
        Err(e) => return Err(not_envelope(status, body, e.reason())),
    };
    let code = match root.get("code") {
        Some(Value::Str(c)) if !c.trim().is_empty() => String::from(c.trim()),
        Some(n @ Value::Num(_)) => n.to_json(),
        _ => {
            return Err(not_envelope(
                status,
                body,
                "it has no `code`, so it is not an {code, message, data} envelope",
            ));
        }
    };
    if code != CODE_OK {
        let message = match root.get("message") {
            None | Some(Value::Null) => String::new(),
            Some(Value::Str(m)) => String::from(&**m),
            Some(other) => other.to_json(),
        };
        return Err(Error::Api {
            status,
            code: ApiErrorCode::parse(&code),
            message,
            clock_skew_ms: None,
        });
    }
    let Value::Obj(members) = root else {
        return Ok(None);
    };
    Ok(members
        .into_iter()
        .find(|(k, _)| k == "data")
        .map(|(_, v)| v))
}

/// `GET /api/v1/container`: every container that could be read, and each
/// item that could not. `"data": null` is an empty fleet.
pub fn container_list(status: u16, body: &[u8]) -> Result<ContainerList, Error> {
    let data = envelope(status, body)?;
    Ok(ContainerList::from_json(data.as_ref()))
}

fn data_of<'b>(status: u16, body: &[u8], data: Option<Value<'b>>) -> Result<Value<'b>, Error> {
    match data {
        Some(d) if !d.is_null() => Ok(d),
        _ => Err(Error::Malformed {
            status,
            reason: String::from("success without `data`"),
            snippet: snippet(body),
        }),
    }
}

/// `GET /api/v1/container/{id}`.
pub fn container(status: u16, body: &[u8]) -> Result<Container, Error> {
    let data = data_of(status, body, envelope(status, body)?)?;
    Container::from_json(&data).map_err(|why| Error::Malformed {
        status,
        reason: format!("`data` does not have the documented shape of a container: {why}"),
        snippet: snippet(body),
    })
}

/// Start, stop, delete and `GET /api/v1/command/{id}`.
pub fn command(status: u16, body: &[u8]) -> Result<Command, Error> {
    let data = data_of(status, body, envelope(status, body)?)?;
    Command::from_json(&data).map_err(|why| Error::Malformed {
        status,
        reason: format!("`data` does not have the documented shape of a command: {why}"),
        snippet: snippet(body),
    })
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
