//! Responses, and the one place an error becomes one.
//!
//! Every error answer is the API envelope `{"code","message"}` with the
//! HTTP status this simulator chose (the real service documents none):
//!
//! | error | code | HTTP |
//! |---|---|---|
//! | broken parameters, bad id, bad timestamp | 1002 ParamError | 400 |
//! | `accesskey`/`timestamp` missing | 1003 ParamRequired | 400 |
//! | signature refused, unknown key, stale timestamp | 1004 SignError | 401 |
//! | origin not allowed (CORS preflight) | 1006 NoPermission | 403 |
//! | no such container, command or file | 1005 ResourceNotExist | 404 |
//! | no such path | 1008 ActionNotExist | 404 |
//! | wrong method for the path | 1008 ActionNotExist | 405 |
//! | action does not fit the state | 1007 StatusError | 409 |
//! | body too large | 1002 ParamError | 413 |
//! | internal failure | 1001 InternalError | 500 |

use bytes::Bytes;
use ews_core::ApiErrorCode;
use ews_core::json::{Obj, ToJson};
use ews_core::request::Method as ApiMethod;
use http_body_util::Full;
use hyper::header::{ALLOW, CONTENT_TYPE, HeaderValue};
use hyper::{Response, StatusCode};
use serde::Serialize;

/// The response type of every handler.
pub type Resp = Response<Full<Bytes>>;

/// `application/json; charset=utf-8`.
pub const JSON: &str = "application/json; charset=utf-8";

/// Everything that can go wrong in a request, mapped to a response only by
/// [`ApiError::into_response`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// No API operation (or admin endpoint) has this path.
    NoRoute(String),
    /// The path exists with other methods.
    MethodNotAllowed {
        /// Methods the path accepts, e.g. `GET, DELETE`.
        allowed: String,
        /// What to say.
        message: String,
    },
    /// Parameters or body that cannot be read (1002).
    BadParam(String),
    /// A required parameter is missing (1003).
    ParamRequired(String),
    /// Signature refused (1004).
    Sign(String),
    /// Not allowed (1006).
    Forbidden(String),
    /// No such resource (1005).
    NotFound(String),
    /// The action does not fit the state (1007).
    Status(String),
    /// The body is over the limit (1002, HTTP 413).
    BodyTooLarge(usize),
    /// Something failed inside (1001).
    Internal(String),
}

impl ApiError {
    /// A 405 for a route's allowed methods.
    pub fn method_not_allowed(allowed: &[ApiMethod], message: String) -> ApiError {
        ApiError::MethodNotAllowed {
            allowed: allowed
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            message,
        }
    }

    /// The envelope code.
    pub fn code(&self) -> ApiErrorCode {
        match self {
            ApiError::NoRoute(_) | ApiError::MethodNotAllowed { .. } => {
                ApiErrorCode::ActionNotExist
            }
            ApiError::BadParam(_) | ApiError::BodyTooLarge(_) => ApiErrorCode::ParamError,
            ApiError::ParamRequired(_) => ApiErrorCode::ParamRequired,
            ApiError::Sign(_) => ApiErrorCode::SignError,
            ApiError::Forbidden(_) => ApiErrorCode::NoPermission,
            ApiError::NotFound(_) => ApiErrorCode::ResourceNotExist,
            ApiError::Status(_) => ApiErrorCode::StatusError,
            ApiError::Internal(_) => ApiErrorCode::InternalError,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::NoRoute(_) | ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::BadParam(_) | ApiError::ParamRequired(_) => StatusCode::BAD_REQUEST,
            ApiError::Sign(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::Status(_) => StatusCode::CONFLICT,
            ApiError::BodyTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The envelope message: what happened and what to do.
    pub fn message(&self) -> String {
        match self {
            ApiError::NoRoute(m)
            | ApiError::MethodNotAllowed { message: m, .. }
            | ApiError::BadParam(m)
            | ApiError::ParamRequired(m)
            | ApiError::Sign(m)
            | ApiError::Forbidden(m)
            | ApiError::NotFound(m)
            | ApiError::Status(m)
            | ApiError::Internal(m) => m.clone(),
            ApiError::BodyTooLarge(limit) => {
                format!("the request body is larger than {limit} bytes")
            }
        }
    }

    /// The response: the envelope with the status above.
    pub fn into_response(self) -> Resp {
        let mut resp = envelope_error(self.status(), self.code().code(), &self.message());
        if let ApiError::MethodNotAllowed { allowed, .. } = &self
            && let Ok(v) = HeaderValue::from_str(allowed)
        {
            resp.headers_mut().insert(ALLOW, v);
        }
        resp
    }
}

/// A response with this status, content type and body.
pub fn bytes(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Resp {
    let mut resp = Response::new(Full::new(body.into()));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

/// An error envelope `{"code","message"}`.
pub fn envelope_error(status: StatusCode, code: &str, message: &str) -> Resp {
    let mut body = String::new();
    let mut o = Obj::new(&mut body);
    o.str("code", code).str("message", message);
    o.end();
    bytes(status, JSON, body)
}

/// A success envelope around `data` already written as JSON.
pub fn ok_text(data: &str) -> Resp {
    let mut body = String::new();
    let mut o = Obj::new(&mut body);
    o.str("code", "0")
        .str("message", "success")
        .raw("data", data);
    o.end();
    bytes(StatusCode::OK, JSON, body)
}

/// A success envelope around the API's own types, written as the core
/// writes them (the shape every client reads).
pub fn ok_api<T: ToJson + ?Sized>(data: &T) -> Resp {
    ok_text(&data.to_json())
}

/// A success envelope around the simulator's own values (admin answers).
pub fn ok<T: Serialize>(data: T) -> Resp {
    match serde_json::to_string(&data) {
        Ok(text) => ok_text(&text),
        Err(e) => envelope_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "1001",
            &format!("cannot encode the answer: {e}"),
        ),
    }
}

/// Any value as JSON.
pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Resp {
    match serde_json::to_vec(value) {
        Ok(body) => bytes(status, JSON, body),
        Err(e) => bytes(
            StatusCode::INTERNAL_SERVER_ERROR,
            JSON,
            format!(
                r#"{{"code":"1001","message":"cannot encode the answer: {}"}}"#,
                json_escape(&e.to_string())
            ),
        ),
    }
}

fn json_escape(text: &str) -> String {
    serde_json::to_string(text)
        .map(|s| s.trim_matches('"').to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_maps_to_its_code_and_status() {
        let cases = [
            (ApiError::NoRoute(String::new()), "1008", 404),
            (
                ApiError::method_not_allowed(&[ApiMethod::Get], String::new()),
                "1008",
                405,
            ),
            (ApiError::BadParam(String::new()), "1002", 400),
            (ApiError::ParamRequired(String::new()), "1003", 400),
            (ApiError::Sign(String::new()), "1004", 401),
            (ApiError::Forbidden(String::new()), "1006", 403),
            (ApiError::NotFound(String::new()), "1005", 404),
            (ApiError::Status(String::new()), "1007", 409),
            (ApiError::BodyTooLarge(10), "1002", 413),
            (ApiError::Internal(String::new()), "1001", 500),
        ];
        for (err, code, status) in cases {
            assert_eq!(err.code().code(), code, "{err:?}");
            assert_eq!(err.status().as_u16(), status, "{err:?}");
        }
    }

    #[test]
    fn method_not_allowed_sets_allow() {
        let resp = ApiError::method_not_allowed(&[ApiMethod::Get, ApiMethod::Delete], "no".into())
            .into_response();
        assert_eq!(
            resp.headers().get(ALLOW).and_then(|v| v.to_str().ok()),
            Some("GET, DELETE")
        );
    }
}
