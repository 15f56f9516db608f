//! One `EwsClient` call on the core's client brain ([`ews_core::client`]).
//!
//! `EwsClient` (JavaScript) keeps an [`Account`] inside wasm memory, so the
//! secret key never sits in a JavaScript object that a debugger, a log or
//! `JSON.stringify` could show. For each call it [`Account::begin`]s an
//! exchange, sends the request the core made with `fetch`, and hands the
//! answer to [`Account::answer`]: the core learns the clock from `Date`,
//! decodes, and says whether to send once more (the one retry after a
//! sign error the corrected clock may fix). Nothing here decides anything
//! about the protocol; it only turns the core's values into JSON.

use core::fmt;

use ews_core::client::{Answer, Client, Exchange, NoAnswer, Request, Verdict};
use ews_core::json::ToJson;
use ews_core::{Credentials, Error, Operation, SignMethod, decode};

use crate::info::RequestInfo;
use crate::operation::{Shape, shape};

/// One client's client brain and its endpoint.
#[derive(Clone)]
pub struct Account {
    client: Client,
    endpoint: Option<String>,
}

/// What an answer turned into.
#[derive(Debug, Clone, PartialEq)]
pub enum Answered {
    /// The decoded data, as JSON with the API's field names.
    Value(String),
    /// A typed error: the call is over.
    Error(Error),
    /// Send this newly signed request (the core's one retry).
    Resend(RequestInfo),
}

impl Account {
    /// An account signing with these credentials, no clock correction yet.
    pub fn new(access_key: &str, secret_key: &str, method: SignMethod) -> Self {
        Account {
            client: Client::direct(Credentials::new(access_key, secret_key, method)),
            endpoint: None,
        }
    }

    /// Adds the API's base URL (requests then carry a full `url`). See
    /// [`check_endpoint`].
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
        match self.client.signing() {
            ews_core::client::Signing::Direct(c) => c.access_key(),
            ews_core::client::Signing::Edge => "",
        }
    }

    /// The sign method.
    pub fn sign_method(&self) -> SignMethod {
        match self.client.signing() {
            ews_core::client::Signing::Direct(c) => c.method(),
            ews_core::client::Signing::Edge => SignMethod::default(),
        }
    }

    /// Server clock minus local clock, ms, as the core has learned it.
    pub fn correction_ms(&self) -> i64 {
        self.client.correction_ms()
    }

    /// The plain form of a request the core made.
    pub fn request_info(&self, req: &Request) -> RequestInfo {
        RequestInfo::new(req, self.endpoint())
    }

    /// Begins `op` at local time `now_ms`.
    pub fn begin(&self, op: Operation, now_ms: u64) -> (Exchange, RequestInfo) {
        let (ex, req) = self.client.begin(op, now_ms);
        let info = self.request_info(&req);
        (ex, info)
    }

    /// Hands the answer to `ex`'s last request to the core.
    pub fn answer(
        &mut self,
        ex: &mut Exchange,
        status: u16,
        body: &[u8],
        date: Option<&str>,
        now_ms: u64,
    ) -> Answered {
        let shape = shape(ex.operation());
        let answer = Answer {
            status,
            date,
            body,
            now_ms,
        };
        match self
            .client
            .answer(ex, &answer, |s, b| decode_json(shape, s, b))
        {
            Verdict::Done(Ok(json)) => Answered::Value(json),
            Verdict::Done(Err(e)) => Answered::Error(e),
            Verdict::Resend(req) => Answered::Resend(self.request_info(&req)),
        }
    }

    /// The error for a request of `ex` that got no answer; `cause` is the
    /// runtime's own words.
    pub fn no_answer(&self, ex: &Exchange, timed_out: bool, cause: &str) -> Error {
        let why = if timed_out {
            NoAnswer::TimedOut
        } else {
            NoAnswer::Unreachable
        };
        self.client
            .no_answer(ex, why, self.endpoint().unwrap_or_default(), cause)
    }
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The core's Debug hides the secret.
        f.debug_struct("Account")
            .field("client", &self.client)
            .field("endpoint", &self.endpoint)
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
/// A list is `{"containers":[…],"skipped":[…]}` (the bindings hand it to
/// JavaScript as the array, with the skipped items as its `skipped`).
pub fn decode_json(shape: Shape, status: u16, body: &[u8]) -> Result<String, Error> {
    Ok(match shape {
        Shape::ContainerList => {
            let list = decode::container_list(status, body)?;
            let mut out = String::new();
            let mut o = ews_core::json::Obj::new(&mut out);
            list.containers.write_json(o.key("containers"));
            list.skipped.write_json(o.key("skipped"));
            o.end();
            out
        }
        Shape::Container => decode::container(status, body)?.to_json(),
        Shape::Command => decode::command(status, body)?.to_json(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ews_core::ContainerId;
    use ews_core::clock::format_http_date;
    use ews_core::request;

    const NOW: u64 = 1_700_000_000_000;
    const SIGN_ERROR: &[u8] = br#"{"code":"1004","message":"SignError"}"#;

    fn account() -> Account {
        Account::new("ews-demo", "ews-demo-secret", SignMethod::HmacMd5)
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
    fn begin_signs_with_the_core() {
        let a = account();
        let op = Operation::StartContainer(ContainerId(7));
        let (_, req) = a.begin(op.clone(), NOW);
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
        assert!(!format!("{a:?}").contains("ews-demo-secret"));
    }

    #[test]
    fn the_date_header_corrects_later_timestamps() {
        let mut a = account();
        // The server is 10 minutes ahead.
        let date = format_http_date(NOW as i64 + 600_000);
        let (mut ex, _) = a.begin(Operation::ListContainers, NOW);
        let list = br#"{"code":"0","data":[]}"#;
        a.answer(&mut ex, 200, list, Some(&date), NOW);
        let c = a.correction_ms();
        assert!((600_000..=601_000).contains(&c), "{c}");
        let (_, req) = a.begin(Operation::ListContainers, NOW);
        assert_eq!(req.timestamp, NOW + c as u64);
        assert_eq!(req.correction_ms, c);
        // Back within the noise it goes back to zero; nonsense is ignored.
        let (mut ex, _) = a.begin(Operation::ListContainers, NOW);
        a.answer(&mut ex, 200, list, Some(&format_http_date(NOW as i64)), NOW);
        assert_eq!(a.correction_ms(), 0);
        a.answer(&mut ex, 200, list, Some("yesterday"), NOW);
        a.answer(&mut ex, 200, list, None, NOW);
        assert_eq!(a.correction_ms(), 0);
    }

    #[test]
    fn a_sign_error_with_a_new_correction_is_sent_once_more() {
        let mut a = account();
        let date = format_http_date(NOW as i64 - 3_600_000);
        let (mut ex, _) = a.begin(Operation::ListContainers, NOW);
        let got = a.answer(&mut ex, 401, SIGN_ERROR, Some(&date), NOW);
        let Answered::Resend(again) = got else {
            panic!("{got:?}")
        };
        assert_eq!(again.correction_ms, a.correction_ms());
        // Refused again: no second retry, and the message does not blame
        // the (now corrected) clock.
        let got = a.answer(&mut ex, 401, SIGN_ERROR, Some(&date), NOW);
        let Answered::Error(error) = got else {
            panic!("{got:?}")
        };
        assert!(error.is_sign_error());
        assert!(!error.to_string().contains(" s ahead of"), "{error}");
        // Without a Date header there is nothing to learn: no retry.
        let mut fresh = account();
        let (mut ex, _) = fresh.begin(Operation::ListContainers, NOW);
        let got = fresh.answer(&mut ex, 401, SIGN_ERROR, None, NOW);
        assert!(matches!(got, Answered::Error(_)));
    }

    #[test]
    fn other_errors_are_never_retried() {
        let mut a = account();
        let date = format_http_date(NOW as i64 - 3_600_000);
        let op = Operation::StartContainer(ContainerId(1));
        let (mut ex, _) = a.begin(op, NOW);
        let got = a.answer(
            &mut ex,
            409,
            br#"{"code":"1007","message":"StatusError"}"#,
            Some(&date),
            NOW,
        );
        let Answered::Error(error) = got else {
            panic!("{got:?}")
        };
        assert_eq!(error.api_code().map(|c| c.code()), Some("1007"));
    }

    #[test]
    fn values_come_back_as_json_with_api_field_names() {
        let mut a = account();
        let body = br#"{"code":"0","message":"success","data":{"id":"12","nodeId":3,"status":"STOPPED","createTime":"2016-01-28 14:22:35","cpu":-1}}"#;
        let (mut ex, _) = a.begin(Operation::GetContainer(ContainerId(12)), NOW);
        let got = a.answer(&mut ex, 200, body, None, NOW);
        let Answered::Value(json) = got else {
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
    fn no_answer_names_the_endpoint() {
        let a = account();
        let (ex, _) = a.begin(Operation::ListContainers, NOW);
        let e = a.no_answer(&ex, false, "fetch failed");
        assert!(e.is_transient() && e.kind() == "network");
        assert!(
            e.to_string()
                .starts_with("no answer from the EWS API at http://127.0.0.1:8080 (fetch failed)"),
            "{e}"
        );
    }

    #[test]
    fn decode_json_per_shape() {
        let list =
            br#"{"code":"0","message":"success","data":[{"id":1},{"id":2,"status":"NEW_STATE"}]}"#;
        let json = decode_json(Shape::ContainerList, 200, list).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["containers"].as_array().map(Vec::len), Some(2));
        assert_eq!(v["containers"][1]["status"], "NEW_STATE");
        assert_eq!(v["skipped"], serde_json::json!([]));
        let odd = br#"{"code":"0","data":[{"id":1},{"id":"x"}]}"#;
        let v: serde_json::Value =
            serde_json::from_str(&decode_json(Shape::ContainerList, 200, odd).unwrap()).unwrap();
        assert_eq!(v["skipped"][0]["index"], 1);
        assert_eq!(v["skipped"][0]["id"], r#""x""#);
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
