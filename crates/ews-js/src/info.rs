//! The plain objects JavaScript receives, as serde structs with camelCase
//! field names: an [`ErrorInfo`] (what `EwsError` is built from), an
//! [`OutcomeInfo`], a [`NextInfo`] (a polling decision) and a
//! [`RequestInfo`] (a signed request).
//!
//! Every user-facing `message` here is the core's `Display` text, so the SDK
//! says exactly what the console and the edge worker say. None of these
//! carries a secret: the `authorization` of a request is an HMAC, not a key.

use ews_core::Error;
use ews_core::client::Request;
use ews_core::command::{Next, Outcome};
use ews_core::json::{Obj, ToJson};

/// What an `EwsError` is made of (see `js/errors.js`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorInfo {
    /// [`Error::kind`]: `http` (a failing status without an API envelope),
    /// `api` (an error envelope), `malformed` (a success status with a body
    /// that is not an API response), `invalid_id` (refused before sending)
    /// or `network` (no answer at all).
    pub kind: &'static str,
    /// The API's error code, e.g. `"1004"` (`api` errors only).
    pub code: Option<String>,
    /// The documented name of the code, e.g. `"SignError"` (`api` errors only).
    pub code_name: Option<String>,
    /// The HTTP status, when a response arrived.
    pub status: Option<u16>,
    /// What happened and what to do: the core's `Display` text.
    pub message: String,
    /// The server's own `message` (`api` errors only).
    pub server_message: Option<String>,
    /// Whether retrying the same request later may succeed.
    pub transient: bool,
    /// Whether the server refused the signature (code 1004).
    pub sign_error: bool,
    /// On a sign error: how far the server's clock is from the time the
    /// request was signed with (after the core's correction), ms.
    pub clock_skew_ms: Option<i64>,
}

impl ErrorInfo {
    /// The plain form of a core error.
    pub fn from_error(e: &Error) -> Self {
        let (code, code_name, server_message, clock_skew_ms) = match e {
            Error::Api {
                code,
                message,
                clock_skew_ms,
                ..
            } => (
                Some(code.code().to_owned()),
                Some(code.name().to_owned()),
                Some(message.clone()),
                *clock_skew_ms,
            ),
            _ => (None, None, None, None),
        };
        ErrorInfo {
            kind: e.kind(),
            code,
            code_name,
            status: e.http_status(),
            message: e.to_string(),
            server_message,
            transient: e.is_transient(),
            sign_error: e.is_sign_error(),
            clock_skew_ms,
        }
    }
}

/// How a followed command ended, for JavaScript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeInfo {
    /// `succeeded`, `failed`, `publish_failed`, `timed_out` or `lost`.
    pub kind: &'static str,
    /// Whether the action is known to have worked.
    pub succeeded: bool,
    /// Whether it is known to have failed (as opposed to unknown).
    pub failed: bool,
    /// The outcome as shown to users: the core's `Display` text.
    pub message: String,
    /// The command's `result` (`failed` only).
    pub result: Option<String>,
    /// The command's `resultMsg` (`succeeded`, `failed`, `publish_failed`).
    pub result_msg: Option<String>,
    /// The last status seen (`timed_out` only).
    pub last_status: Option<String>,
    /// How long the command was followed, ms (`timed_out` only).
    pub after_ms: Option<u64>,
    /// Why following stopped (`lost` only).
    pub reason: Option<String>,
}

impl OutcomeInfo {
    /// The plain form of a core outcome.
    pub fn from_outcome(o: &Outcome) -> Self {
        let mut info = OutcomeInfo {
            kind: o.kind(),
            succeeded: o.is_success(),
            failed: o.is_failure(),
            message: o.to_string(),
            result: None,
            result_msg: None,
            last_status: None,
            after_ms: None,
            reason: None,
        };
        match o {
            Outcome::Succeeded { message } | Outcome::PublishFailed { message } => {
                info.result_msg = Some(message.clone());
            }
            Outcome::Failed { result, message } => {
                info.result = Some(result.clone());
                info.result_msg = Some(message.clone());
            }
            Outcome::TimedOut {
                last_status,
                after_ms,
            } => {
                info.last_status = last_status.as_ref().map(|s| s.as_str().to_owned());
                info.after_ms = Some(*after_ms);
            }
            Outcome::Lost { reason } => info.reason = Some(reason.clone()),
        }
        info
    }
}

/// A polling decision: `{done: false, pollInMs}` or `{done: true, outcome}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextInfo {
    /// Whether following is over.
    pub done: bool,
    /// Poll `GET /api/v1/command/{id}` again after this many ms (not done).
    pub poll_in_ms: Option<u64>,
    /// How it ended (done).
    pub outcome: Option<OutcomeInfo>,
}

impl NextInfo {
    /// The plain form of a core decision.
    pub fn from_next(next: &Next) -> Self {
        match next {
            Next::PollIn(ms) => NextInfo {
                done: false,
                poll_in_ms: Some(*ms),
                outcome: None,
            },
            Next::Done(o) => NextInfo {
                done: true,
                poll_in_ms: None,
                outcome: Some(OutcomeInfo::from_outcome(o)),
            },
        }
    }
}

/// A signed request, ready for `fetch(url, {method, headers})`.
#[derive(Clone, PartialEq, Eq)]
pub struct RequestInfo {
    /// `GET`, `POST` or `DELETE`.
    pub method: &'static str,
    /// The path, path parameters percent-encoded.
    pub path: String,
    /// The query string without `?`: `accesskey=…&timestamp=…`.
    pub query: String,
    /// `path?query`.
    pub path_and_query: String,
    /// The value of the `Authorization` header.
    pub authorization: String,
    /// The headers to send: `{Authorization}`.
    pub headers: Headers,
    /// `endpoint + pathAndQuery`, when an endpoint is known.
    pub url: Option<String>,
    /// The signed timestamp, ms since the Unix epoch (clock-corrected).
    pub timestamp: u64,
    /// The clock correction applied to the local clock, ms.
    pub correction_ms: i64,
}

/// The request headers of a [`RequestInfo`].
#[derive(Clone, PartialEq, Eq)]
pub struct Headers {
    /// The signature (`Authorization`).
    pub authorization: String,
}

impl RequestInfo {
    /// The plain form of a request the core made (a signed one: the SDK
    /// always signs).
    pub fn new(req: &Request, endpoint: Option<&str>) -> Self {
        let authorization = req.authorization.clone().unwrap_or_default();
        RequestInfo {
            method: req.method.as_str(),
            path: req.path.clone(),
            query: req.query.clone(),
            path_and_query: req.path_and_query(),
            headers: Headers {
                authorization: authorization.clone(),
            },
            authorization,
            url: endpoint.map(|e| req.url(e)),
            timestamp: req.timestamp.unwrap_or_default(),
            correction_ms: req.correction_ms,
        }
    }
}

impl core::fmt::Debug for RequestInfo {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RequestInfo")
            .field("method", &self.method)
            .field("path_and_query", &self.path_and_query)
            .field("authorization", &"***")
            .finish()
    }
}

impl ToJson for ErrorInfo {
    fn write_json(&self, out: &mut String) {
        let mut o = Obj::new(out);
        o.str("kind", self.kind)
            .opt_str("code", self.code.as_deref())
            .opt_str("codeName", self.code_name.as_deref())
            .opt_int("status", self.status.map(i64::from))
            .str("message", &self.message)
            .opt_str("serverMessage", self.server_message.as_deref())
            .bool("transient", self.transient)
            .bool("signError", self.sign_error)
            .opt_int("clockSkewMs", self.clock_skew_ms);
        o.end();
    }
}

impl ToJson for OutcomeInfo {
    fn write_json(&self, out: &mut String) {
        let mut o = Obj::new(out);
        o.str("kind", self.kind)
            .bool("succeeded", self.succeeded)
            .bool("failed", self.failed)
            .str("message", &self.message)
            .opt_str("result", self.result.as_deref())
            .opt_str("resultMsg", self.result_msg.as_deref())
            .opt_str("lastStatus", self.last_status.as_deref())
            .opt_int("afterMs", self.after_ms.map(|n| n as i64))
            .opt_str("reason", self.reason.as_deref());
        o.end();
    }
}

impl ToJson for NextInfo {
    fn write_json(&self, out: &mut String) {
        let mut o = Obj::new(out);
        o.bool("done", self.done);
        if let Some(ms) = self.poll_in_ms {
            o.uint("pollInMs", ms);
        }
        if let Some(outcome) = &self.outcome {
            outcome.write_json(o.key("outcome"));
        }
        o.end();
    }
}

impl ToJson for RequestInfo {
    fn write_json(&self, out: &mut String) {
        let mut o = Obj::new(out);
        o.str("method", self.method)
            .str("path", &self.path)
            .str("query", &self.query)
            .str("pathAndQuery", &self.path_and_query)
            .str("authorization", &self.authorization);
        let mut h = Obj::new(o.key("headers"));
        h.str("Authorization", &self.headers.authorization);
        h.end();
        if let Some(url) = &self.url {
            o.str("url", url);
        }
        o.uint("timestamp", self.timestamp)
            .int("correctionMs", self.correction_ms);
        o.end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ews_core::command::FollowPolicy;
    use ews_core::{ApiErrorCode, CommandStatus, InvalidId};

    #[test]
    fn api_error_keeps_code_status_and_core_text() {
        let e = Error::Api {
            status: 401,
            code: ApiErrorCode::SignError,
            message: "signature mismatch".into(),
            clock_skew_ms: Some(-600_000),
        };
        let info = ErrorInfo::from_error(&e);
        assert_eq!(info.kind, "api");
        assert_eq!(info.code.as_deref(), Some("1004"));
        assert_eq!(info.code_name.as_deref(), Some("SignError"));
        assert_eq!(info.status, Some(401));
        assert_eq!(info.message, e.to_string());
        assert!(info.message.contains("600 s ahead of"), "{}", info.message);
        assert_eq!(info.server_message.as_deref(), Some("signature mismatch"));
        assert!(info.sign_error && !info.transient);
        assert_eq!(info.clock_skew_ms, Some(-600_000));
        let json: serde_json::Value = serde_json::from_str(&info.to_json()).unwrap();
        assert_eq!(json["codeName"], "SignError");
        assert_eq!(json["signError"], true);
        assert_eq!(json["clockSkewMs"], -600_000);
    }

    #[test]
    fn other_kinds() {
        let http = ErrorInfo::from_error(&Error::Http {
            status: 502,
            snippet: "<html>".into(),
        });
        assert_eq!(
            (http.kind, http.status, http.transient),
            ("http", Some(502), true)
        );
        assert_eq!(http.code, None);
        let bad = ErrorInfo::from_error(&Error::Malformed {
            status: 200,
            reason: "it is not JSON".into(),
            snippet: String::new(),
        });
        assert_eq!((bad.kind, bad.status), ("malformed", Some(200)));
        let id = ErrorInfo::from_error(&Error::InvalidId(InvalidId::EmptyCommand));
        assert_eq!(
            (id.kind, id.status, id.transient),
            ("invalid_id", None, false)
        );
        assert!(id.message.contains("command id is empty"));
    }

    #[test]
    fn network_error_names_endpoint_and_cause() {
        let network = |endpoint: &str, cause: &str| {
            ErrorInfo::from_error(&Error::NoAnswer {
                endpoint: endpoint.into(),
                timed_out: false,
                cause: cause.trim().into(),
            })
        };
        let n = network("http://127.0.0.1:9", "fetch failed");
        assert_eq!(n.kind, "network");
        assert!(n.transient);
        assert!(
            n.message.starts_with(
                "no answer from the EWS API at http://127.0.0.1:9 (fetch failed): check"
            )
        );
        let blank = network("http://x", "  ");
        assert!(
            blank
                .message
                .starts_with("no answer from the EWS API at http://x: check")
        );
    }

    #[test]
    fn outcomes() {
        let ok = OutcomeInfo::from_outcome(&Outcome::Succeeded {
            message: String::new(),
        });
        assert_eq!(
            (ok.kind, ok.succeeded, ok.failed),
            ("succeeded", true, false)
        );
        assert_eq!(ok.message, "succeeded");
        let failed = OutcomeInfo::from_outcome(&Outcome::Failed {
            result: "500".into(),
            message: "no docker".into(),
        });
        assert_eq!(
            (failed.kind, failed.succeeded, failed.failed),
            ("failed", false, true)
        );
        assert_eq!(failed.result.as_deref(), Some("500"));
        assert_eq!(failed.message, "failed (result 500): no docker");
        let t = OutcomeInfo::from_outcome(&Outcome::TimedOut {
            last_status: Some(CommandStatus::Running),
            after_ms: 600_000,
        });
        assert_eq!(t.last_status.as_deref(), Some("RUNNING"));
        assert_eq!(t.after_ms, Some(600_000));
        assert!(!t.succeeded && !t.failed);
        let lost = OutcomeInfo::from_outcome(&Outcome::Lost {
            reason: "gone".into(),
        });
        assert_eq!(lost.reason.as_deref(), Some("gone"));
    }

    #[test]
    fn next_serializes_as_a_discriminated_union() {
        let p = FollowPolicy::default();
        let value = |n: NextInfo| serde_json::from_str::<serde_json::Value>(&n.to_json()).unwrap();
        let poll = value(NextInfo::from_next(&Next::PollIn(p.first_delay_ms)));
        assert_eq!(poll, serde_json::json!({"done": false, "pollInMs": 500}));
        let done = value(NextInfo::from_next(&Next::Done(Outcome::PublishFailed {
            message: "no host".into(),
        })));
        assert_eq!(done["done"], true);
        assert_eq!(done["outcome"]["kind"], "publish_failed");
        assert_eq!(done["outcome"]["resultMsg"], "no host");
        assert!(done.get("pollInMs").is_none());
    }
}
