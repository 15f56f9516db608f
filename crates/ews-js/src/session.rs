//! One client's state: its credentials and its clock correction.
//!
//! `EwsClient` (JavaScript) keeps a [`Session`] inside wasm memory, so the
//! secret key never sits in a JavaScript object that a debugger, a log or
//! `JSON.stringify` could show. For each call the client asks the session to
//! [`prepare`](Session::prepare) a signed request, sends it with `fetch`, and
//! hands the answer back to [`receive`](Session::receive), which learns the
//! clock correction from the `Date` header, decodes the body with the core
//! and says whether a refused signature is worth one retry (when the
//! correction it was signed with turned out wrong).

use core::fmt;

use ews_core::clock;
use ews_core::{Credentials, Error, Operation, SignMethod, decode, request};

use crate::info::RequestInfo;
use crate::operation::Shape;

/// Credentials, an optional endpoint and the clock correction.
#[derive(Clone)]
pub struct Session {
    creds: Credentials,
    endpoint: Option<String>,
    correction_ms: i64,
}

/// What a response turned into.
#[derive(Debug, Clone, PartialEq)]
pub enum Received {
    /// The decoded data, as JSON with the API's field names.
    Value(String),
    /// A typed error.
    Error {
        /// The error.
        error: Error,
        /// The signature was refused and the clock correction has changed
        /// since the request was signed: sending it again, newly signed, may
        /// succeed. A refused request changed nothing, so this is safe for
        /// start, stop and delete too.
        retry: bool,
    },
}

impl Session {
    /// A session signing with these credentials and no clock correction yet.
    pub fn new(access_key: &str, secret_key: &str, method: SignMethod) -> Self {
        Session {
            creds: Credentials::new(access_key, secret_key, method),
            endpoint: None,
            correction_ms: 0,
        }
    }

    /// Adds the API's base URL (requests then carry a full `url`); a
    /// trailing slash is dropped. See [`check_endpoint`].
    pub fn with_endpoint(mut self, endpoint: &str) -> Result<Self, &'static str> {
        self.endpoint = Some(check_endpoint(endpoint)?);
        Ok(self)
    }

    /// The base URL, if any.
    pub fn endpoint(&self) -> Option<&str> {
        self.endpoint.as_deref()
    }

    /// The access key.
    pub fn access_key(&self) -> &str {
        self.creds.access_key()
    }

    /// The sign method.
    pub fn sign_method(&self) -> SignMethod {
        self.creds.method()
    }

    /// Server clock minus local clock, ms, as last measured (0 until a
    /// response's `Date` header showed a skew beyond the noise).
    pub fn correction_ms(&self) -> i64 {
        self.correction_ms
    }

    /// Signs `op` at the local time `now_ms`, corrected for the server's clock.
    pub fn prepare(&self, op: &Operation, now_ms: u64) -> RequestInfo {
        let timestamp = clock::corrected(now_ms, self.correction_ms);
        let req = request::build(op, &self.creds, timestamp);
        RequestInfo::new(&req, self.endpoint(), timestamp, self.correction_ms)
    }

    /// Learns the correction from a response's `Date` header, received at
    /// local time `now_ms`. Returns whether it changed.
    pub fn observe_date(&mut self, date: Option<&str>, now_ms: u64) -> bool {
        match date.and_then(|d| clock::correction_ms(d, now_ms)) {
            Some(c) if c != self.correction_ms => {
                self.correction_ms = c;
                true
            }
            _ => false,
        }
    }

    /// Handles the answer to a request whose data has `shape` (see
    /// [`shape`](crate::operation::shape)) and which was signed with
    /// `signed_with_ms` of correction: learns the clock, decodes, and
    /// decides about a retry.
    pub fn receive(
        &mut self,
        shape: Shape,
        status: u16,
        body: &[u8],
        date: Option<&str>,
        now_ms: u64,
        signed_with_ms: i64,
    ) -> Received {
        self.observe_date(date, now_ms);
        match decode::with_date(decode_json(shape, status, body), date, now_ms) {
            Ok(json) => Received::Value(json),
            Err(error) => {
                let retry =
                    error.is_sign_error() && clock::worth_retry(signed_with_ms, self.correction_ms);
                Received::Error { error, retry }
            }
        }
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("creds", &self.creds)
            .field("endpoint", &self.endpoint)
            .field("correction_ms", &self.correction_ms)
            .finish()
    }
}

/// Checks an endpoint: the API's base URL, by the core's one rule
/// ([`ews_core::request::base_url`]), or a path on the page's own origin
/// (`/ews`, for a same-origin proxy in browsers), without blanks, query or
/// fragment. Returns it without trailing slashes (and without `/api/v1`).
pub fn check_endpoint(endpoint: &str) -> Result<String, &'static str> {
    const WHAT: &str = "endpoint must be the API's base URL, e.g. https://open-ews.cloud.tmall.com (or a path on this origin such as /ews), without user info, ?query or #fragment";
    let e = endpoint.trim();
    if e.starts_with('/') && !e.starts_with("//") {
        let bad = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '?' | '#' | '\\');
        return match e.chars().any(bad) {
            true => Err(WHAT),
            false => Ok(e.trim_end_matches('/').to_owned()),
        };
    }
    ews_core::request::base_url(e).map_err(|_| WHAT)
}

/// Decodes a response of the given shape with the core and re-encodes the
/// typed value as JSON (the API's field names, times as the server's text).
pub fn decode_json(shape: Shape, status: u16, body: &[u8]) -> Result<String, Error> {
    let json = match shape {
        Shape::ContainerList => serde_json::to_string(&decode::container_list(status, body)?),
        Shape::Container => serde_json::to_string(&decode::container(status, body)?),
        Shape::Command => serde_json::to_string(&decode::command(status, body)?),
    };
    // The core's types serialize to JSON without fail (string keys, no
    // floats); keep the decoder total all the same.
    json.map_err(|e| Error::Malformed {
        status,
        reason: format!("the decoded value could not be re-encoded: {e}"),
        snippet: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ews_core::ContainerId;
    use ews_core::clock::format_http_date;

    const NOW: u64 = 1_700_000_000_000;
    const SIGN_ERROR: &[u8] = br#"{"code":"1004","message":"SignError"}"#;

    fn session() -> Session {
        Session::new("ews-demo", "ews-demo-secret", SignMethod::HmacMd5)
            .with_endpoint("http://127.0.0.1:8080/")
            .unwrap()
    }

    #[test]
    fn endpoints() {
        assert_eq!(
            check_endpoint(" https://Ews.example.com/ "),
            Ok("https://Ews.example.com".into())
        );
        assert_eq!(
            check_endpoint("HTTP://127.0.0.1:8080"),
            Ok("HTTP://127.0.0.1:8080".into())
        );
        assert_eq!(check_endpoint("/ews/"), Ok("/ews".into()));
        assert_eq!(
            check_endpoint("https://x/prefix//"),
            Ok("https://x/prefix".into())
        );
        for bad in [
            "",
            "ews.example.com",
            "ftp://x",
            "https://",
            "https:///x",
            "//x",
            "http://a b",
            "https://x/?a=1",
            "https://x/#f",
            "javascript:alert(1)",
        ] {
            assert!(check_endpoint(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn prepare_signs_with_the_core() {
        let s = session();
        let op = Operation::StartContainer(ContainerId(7));
        let req = s.prepare(&op, NOW);
        let core = request::build(
            &op,
            &Credentials::new("ews-demo", "ews-demo-secret", SignMethod::HmacMd5),
            NOW,
        );
        assert_eq!(req.method, "POST");
        assert_eq!(req.path, "/api/v1/container/7/start");
        assert_eq!(req.query, core.query);
        assert_eq!(req.authorization, core.authorization);
        assert_eq!(req.headers.authorization, core.authorization);
        assert_eq!(
            req.url.as_deref(),
            Some(
                "http://127.0.0.1:8080/api/v1/container/7/start?accesskey=ews-demo&timestamp=1700000000000"
            )
        );
        assert_eq!((req.timestamp, req.correction_ms), (NOW, 0));
        assert!(!format!("{req:?}").contains(&req.authorization));
        assert!(!format!("{s:?}").contains("ews-demo-secret"));
    }

    #[test]
    fn the_date_header_corrects_later_timestamps() {
        let mut s = session();
        // The server is 10 minutes ahead.
        let date = format_http_date(NOW as i64 + 600_000);
        assert!(s.observe_date(Some(&date), NOW));
        let c = s.correction_ms();
        assert!((600_000..=601_000).contains(&c), "{c}");
        let req = s.prepare(&Operation::ListContainers, NOW);
        assert_eq!(req.timestamp, NOW + c as u64);
        assert_eq!(req.correction_ms, c);
        // Within the noise it goes back to zero; nonsense is ignored.
        assert!(s.observe_date(Some(&format_http_date(NOW as i64)), NOW));
        assert_eq!(s.correction_ms(), 0);
        assert!(!s.observe_date(Some("yesterday"), NOW));
        assert!(!s.observe_date(None, NOW));
    }

    #[test]
    fn a_sign_error_with_a_new_correction_is_worth_a_retry() {
        let mut s = session();
        let date = format_http_date(NOW as i64 - 3_600_000);
        let got = s.receive(Shape::ContainerList, 401, SIGN_ERROR, Some(&date), NOW, 0);
        let Received::Error { error, retry } = got else {
            panic!("{got:?}")
        };
        assert!(retry && error.is_sign_error());
        // The message says how far off the clock is.
        assert!(error.to_string().contains("3599 s ahead of"), "{error}");
        // Signed with that correction and refused again: no second retry.
        let used = s.correction_ms();
        let again = s.receive(
            Shape::ContainerList,
            401,
            SIGN_ERROR,
            Some(&date),
            NOW,
            used,
        );
        assert!(
            matches!(again, Received::Error { retry: false, .. }),
            "{again:?}"
        );
        // Without a Date header there is nothing to learn.
        let mut fresh = session();
        let got = fresh.receive(Shape::ContainerList, 401, SIGN_ERROR, None, NOW, 0);
        assert!(matches!(got, Received::Error { retry: false, .. }));
    }

    #[test]
    fn other_errors_are_never_retried() {
        let mut s = session();
        let date = format_http_date(NOW as i64 - 3_600_000);
        let got = s.receive(
            Shape::Command,
            409,
            br#"{"code":"1007","message":"StatusError"}"#,
            Some(&date),
            NOW,
            0,
        );
        let Received::Error { error, retry } = got else {
            panic!("{got:?}")
        };
        assert!(!retry);
        assert_eq!(error.api_code().map(|c| c.code()), Some("1007"));
    }

    #[test]
    fn values_come_back_as_json_with_api_field_names() {
        let mut s = session();
        let body = br#"{"code":"0","message":"success","data":{"id":"12","nodeId":3,"status":"STOPPED","createTime":"2016-01-28 14:22:35","cpu":-1}}"#;
        let got = s.receive(Shape::Container, 200, body, None, NOW, 0);
        let Received::Value(json) = got else {
            panic!("{got:?}")
        };
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["id"], 12);
        assert_eq!(v["nodeId"], 3);
        assert_eq!(v["status"], "STOPPED");
        assert_eq!(v["createTime"], "2016-01-28 14:22:35");
        assert_eq!(v["startTime"], "");
        assert_eq!(v["hostId"], serde_json::Value::Null);
        assert_eq!(v["cpu"], -1);
    }

    #[test]
    fn decode_json_per_shape() {
        let list =
            br#"{"code":"0","message":"success","data":[{"id":1},{"id":2,"status":"NEW_STATE"}]}"#;
        let json = decode_json(Shape::ContainerList, 200, list).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v.as_array().map(Vec::len), Some(2));
        assert_eq!(v[1]["status"], "NEW_STATE");
        let cmd = br#"{"code":"0","data":{"commandId":"c-1","status":"DONE","result":"200","activitys":[{"name":"StartContainer","steps":[{"stepName":"pull","status":"200"}]}]}}"#;
        let json = decode_json(Shape::Command, 200, cmd).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["commandId"], "c-1");
        assert_eq!(v["activitys"][0]["steps"][0]["stepName"], "pull");
        // A step without msg has none in JSON either.
        assert!(v["activitys"][0]["steps"][0].get("msg").is_none());
        // A list body where one container is expected is malformed.
        let e = decode_json(Shape::Container, 200, list).unwrap_err();
        assert!(matches!(e, Error::Malformed { .. }), "{e:?}");
        let e = decode_json(Shape::ContainerList, 502, b"<html>Bad gateway</html>").unwrap_err();
        assert_eq!(e.http_status(), Some(502));
    }
}
