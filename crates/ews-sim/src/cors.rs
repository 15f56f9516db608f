//! CORS, so the browser console (on another origin) can call the simulator
//! and read its `Date` header for clock-skew correction.

use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Response, StatusCode};

use crate::config::CorsOrigins;
use crate::response::{ApiError, Resp, bytes};

/// Methods a browser may use (PUT too when the admin endpoints are on).
const METHODS: &str = "GET, POST, DELETE";
const METHODS_ADMIN: &str = "GET, POST, DELETE, PUT";
/// Request headers a browser may send.
const ALLOW_HEADERS: &str = "Authorization, Content-Type";
/// How long a browser may cache a preflight answer, s.
const MAX_AGE: &str = "600";

impl CorsOrigins {
    /// The `Access-Control-Allow-Origin` value for a request's `Origin`, or
    /// `None` when that origin is not allowed.
    pub fn allow(&self, origin: Option<&HeaderValue>) -> Option<HeaderValue> {
        match self {
            CorsOrigins::Any => Some(HeaderValue::from_static("*")),
            CorsOrigins::List(list) => {
                let origin = origin?;
                let text = origin.to_str().ok()?;
                list.iter().any(|o| o == text).then(|| origin.clone())
            }
        }
    }
}

/// Adds the CORS headers of an actual (non-preflight) response to a request
/// with this `Origin` header.
pub fn decorate(origins: &CorsOrigins, origin: Option<&HeaderValue>, resp: &mut Resp) {
    let h = resp.headers_mut();
    if let CorsOrigins::List(_) = origins {
        h.append(header::VARY, HeaderValue::from_static("Origin"));
    }
    if let Some(allow) = origins.allow(origin) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow);
        h.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("Date"),
        );
    }
}

/// The answer to any `OPTIONS` request: a preflight (`Origin` and
/// `Access-Control-Request-Method`) from an allowed origin gets 204 with the
/// allowed methods and headers; from another origin, 403. A plain `OPTIONS`
/// gets 204 with `Allow`.
pub fn preflight(origins: &CorsOrigins, request: &HeaderMap, admin: bool) -> Resp {
    let methods = if admin { METHODS_ADMIN } else { METHODS };
    let is_preflight = request.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if !is_preflight {
        let mut resp = bytes(StatusCode::NO_CONTENT, "text/plain", "");
        resp.headers_mut().insert(
            header::ALLOW,
            HeaderValue::from_static(if admin {
                "GET, POST, DELETE, PUT, OPTIONS"
            } else {
                "GET, POST, DELETE, OPTIONS"
            }),
        );
        decorate(origins, request.get(header::ORIGIN), &mut resp);
        return resp;
    }
    let Some(allow) = origins.allow(request.get(header::ORIGIN)) else {
        let origin = request
            .get(header::ORIGIN)
            .and_then(|o| o.to_str().ok())
            .unwrap_or("(none)")
            .chars()
            .take(200)
            .collect::<String>();
        return ApiError::Forbidden(format!(
            "origin {origin} may not call this API: start ews-sim with --cors-origin {origin} (or --cors-origin '*')"
        ))
        .into_response();
    };
    let mut resp = Response::new(Default::default());
    *resp.status_mut() = StatusCode::NO_CONTENT;
    let h = resp.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow);
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(methods),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(ALLOW_HEADERS),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static(MAX_AGE),
    );
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("Date"),
    );
    if let CorsOrigins::List(_) = origins {
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn any_origin() {
        let req = headers(&[
            ("origin", "http://x.test"),
            ("access-control-request-method", "POST"),
        ]);
        let resp = preflight(&CorsOrigins::Any, &req, false);
        assert_eq!(resp.status(), StatusCode::NO_CONTENT);
        let h = resp.headers();
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_METHODS], "GET, POST, DELETE");
        assert_eq!(
            h[header::ACCESS_CONTROL_ALLOW_HEADERS],
            "Authorization, Content-Type"
        );
    }

    #[test]
    fn listed_origins_only() {
        let origins = CorsOrigins::List(vec!["http://ok.test".into()]);
        let ok = headers(&[
            ("origin", "http://ok.test"),
            ("access-control-request-method", "GET"),
        ]);
        assert_eq!(
            preflight(&origins, &ok, false).headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "http://ok.test"
        );
        let bad = headers(&[
            ("origin", "http://evil.test"),
            ("access-control-request-method", "GET"),
        ]);
        assert_eq!(
            preflight(&origins, &bad, false).status(),
            StatusCode::FORBIDDEN
        );

        let mut resp = bytes(StatusCode::OK, "text/plain", "");
        decorate(
            &origins,
            Some(&HeaderValue::from_static("http://evil.test")),
            &mut resp,
        );
        assert!(
            !resp
                .headers()
                .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        );
        assert_eq!(resp.headers()[header::VARY], "Origin");
    }
}
