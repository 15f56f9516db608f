//! The client brain: what to send for an operation, and what each answer
//! means. Sans-IO, in the manner of quinn-proto: time and bytes go in,
//! decisions come out, and the caller (the console, the SDK, the edge
//! worker) only moves bytes — fetch, timers, cancellation.
//!
//! ```text
//!   driver                                  Client (this module)
//!   ------                                  --------------------
//!   op, now_ms  ───────── begin ─────────>  signs with the corrected clock
//!               <──────── Request ────────
//!   fetch(base + request.path_and_query(), Authorization)
//!   status, Date, body, now_ms ── answer ─> learns the clock from Date,
//!                                           decodes, decides the one retry
//!               <── Verdict::Done(value | Error) or Verdict::Resend(Request)
//!   no answer at all ──────── no_answer ──> a typed, transient Error
//! ```
//!
//! One [`Client`] holds one account's signing (or none, in edge mode, where
//! the edge worker signs) and its [`Clock`] correction; many exchanges may
//! run on it at once. The rules, each made here once:
//!
//! - **The clock correction** is learned from every answer's `Date` header
//!   ([`crate::clock::correction_ms`]) and changes only when the measured
//!   value differs from the current one by at least
//!   [`crate::clock::SKEW_NOISE_MS`] (the header has one-second resolution,
//!   so smaller differences are noise). Each change is reported once
//!   through [`Client::take_clock_change`], so a UI can say so.
//! - **The one retry.** A sign error (1004) is sent once more, newly signed,
//!   when the correction now differs from the one the request was signed
//!   with (a fresh `Date` showed the clock was off, or another exchange
//!   learned it meanwhile). Never twice, and never in edge mode (the worker
//!   retries upstream itself). A refused request changed nothing, so this is
//!   safe for start, stop and delete too.
//! - **A sign error says how far off the clock is** (the skew measured from
//!   its own `Date`), so its message can tell the user.

use alloc::string::String;
use core::fmt;

use crate::clock::{self, SKEW_NOISE_MS};
use crate::credentials::Credentials;
use crate::error::Error;
use crate::request::{self, Method, Operation};

/// Server clock minus local clock, as far as answers have shown it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Clock {
    correction_ms: i64,
}

impl Clock {
    /// A clock with no correction yet.
    pub const fn new() -> Self {
        Clock { correction_ms: 0 }
    }

    /// A clock that starts with a correction learned before (a reload).
    pub const fn with_correction(correction_ms: i64) -> Self {
        Clock { correction_ms }
    }

    /// Server − local, ms (0 until an answer showed a skew beyond the noise).
    pub fn correction_ms(&self) -> i64 {
        self.correction_ms
    }

    /// The server's time at local time `now_ms`, as far as we know it.
    pub fn server_now(&self, now_ms: u64) -> u64 {
        clock::corrected(now_ms, self.correction_ms)
    }

    /// Learns from a `Date` header that arrived at local time `now_ms`.
    /// Returns the new correction when it changed (see the module's rule).
    pub fn observe(&mut self, date: Option<&str>, now_ms: u64) -> Option<i64> {
        self.observe_skew(date.and_then(|d| clock::skew_ms(d, now_ms)))
    }

    /// [`Clock::observe`] with the skew already measured
    /// ([`clock::skew_ms`]): within the noise it means no correction.
    fn observe_skew(&mut self, skew: Option<i64>) -> Option<i64> {
        let measured = skew.map(|s| if s.abs() < SKEW_NOISE_MS { 0 } else { s })?;
        if (measured - self.correction_ms).abs() < SKEW_NOISE_MS {
            return None;
        }
        self.correction_ms = measured;
        Some(measured)
    }
}

/// Who signs the requests.
#[derive(Clone, PartialEq, Eq)]
pub enum Signing {
    /// This client signs with these credentials (direct mode, the SDK, the
    /// edge worker towards its upstream).
    Direct(Credentials),
    /// Someone else signs: the console in edge mode sends unsigned,
    /// same-origin requests and the edge worker signs them.
    Edge,
}

impl fmt::Debug for Signing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Credentials' own Debug hides the secret.
            Signing::Direct(c) => f.debug_tuple("Direct").field(c).finish(),
            Signing::Edge => f.write_str("Edge"),
        }
    }
}

/// A request to send: `method` to `base + path_and_query()`, with the
/// `Authorization` header when there is one, and no body.
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    /// The HTTP method.
    pub method: Method,
    /// The path, path parameters percent-encoded.
    pub path: String,
    /// The query without `?` (`accesskey=…&timestamp=…`); empty when unsigned.
    pub query: String,
    /// The `Authorization` header's value (an HMAC); `None` when unsigned.
    pub authorization: Option<String>,
    /// The signed timestamp (local time + correction), when signed.
    pub timestamp: Option<u64>,
    /// The clock correction this request was signed with, ms.
    pub correction_ms: i64,
}

impl Request {
    /// `path` or `path?query`.
    pub fn path_and_query(&self) -> String {
        let mut s = self.path.clone();
        if !self.query.is_empty() {
            s.push('?');
            s.push_str(&self.query);
        }
        s
    }

    /// The full URL against a base such as `https://open-ews.cloud.tmall.com`
    /// (a trailing slash on the base is ignored; empty means same-origin).
    pub fn url(&self, base: &str) -> String {
        let mut s = String::from(base.trim_end_matches('/'));
        s.push_str(&self.path_and_query());
        s
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("authorization", &self.authorization.as_ref().map(|_| "***"))
            .field("correction_ms", &self.correction_ms)
            .finish()
    }
}

/// What came back for a request.
#[derive(Debug, Clone, Copy)]
pub struct Answer<'a> {
    /// The HTTP status.
    pub status: u16,
    /// The `Date` header, if any.
    pub date: Option<&'a str>,
    /// The body.
    pub body: &'a [u8],
    /// Local time the answer arrived, ms since the Unix epoch.
    pub now_ms: u64,
}

/// Why no answer arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoAnswer {
    /// The connection failed, or (in a browser) the response was refused
    /// for want of CORS headers.
    Unreachable,
    /// Nothing came back within the driver's request timeout.
    TimedOut,
}

/// One operation in flight: what it is, the correction it was signed with,
/// and whether it was already retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    op: Operation,
    signed_with_ms: i64,
    retried: bool,
}

impl Exchange {
    /// The operation.
    pub fn operation(&self) -> &Operation {
        &self.op
    }

    /// Whether the one retry has been used.
    pub fn retried(&self) -> bool {
        self.retried
    }
}

/// What to do with an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict<T> {
    /// The exchange is over: the decoded value, or what went wrong.
    Done(Result<T, Error>),
    /// Send this newly signed request (the one retry after a sign error
    /// that the corrected clock may fix), then answer again.
    Resend(Request),
}

/// One account's client: its signing and its clock.
#[derive(Debug, Clone)]
pub struct Client {
    signing: Signing,
    clock: Clock,
    clock_change: Option<i64>,
}

impl Client {
    /// A client that signs with `creds`.
    pub fn direct(creds: Credentials) -> Self {
        Client::new(Signing::Direct(creds))
    }

    /// A client whose requests the edge worker signs.
    pub fn edge() -> Self {
        Client::new(Signing::Edge)
    }

    /// A client with this signing and no clock correction yet.
    pub fn new(signing: Signing) -> Self {
        Client::with_clock(signing, Clock::new())
    }

    /// A client with this signing and a clock learned before (by an earlier
    /// client of the same account: a reload, or another request of an
    /// edge worker's isolate).
    pub fn with_clock(signing: Signing, clock: Clock) -> Self {
        Client {
            signing,
            clock,
            clock_change: None,
        }
    }

    /// Who signs.
    pub fn signing(&self) -> &Signing {
        &self.signing
    }

    /// The clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Server − local, ms.
    pub fn correction_ms(&self) -> i64 {
        self.clock.correction_ms()
    }

    /// The server's time at local time `now_ms`.
    pub fn server_now(&self, now_ms: u64) -> u64 {
        self.clock.server_now(now_ms)
    }

    /// The new correction, once per change since the last call.
    pub fn take_clock_change(&mut self) -> Option<i64> {
        self.clock_change.take()
    }

    fn request(&self, op: &Operation, now_ms: u64) -> Request {
        let mut req = Request {
            method: op.method(),
            path: op.path(),
            query: String::new(),
            authorization: None,
            timestamp: None,
            correction_ms: self.clock.correction_ms(),
        };
        if let Signing::Direct(creds) = &self.signing {
            let timestamp = self.clock.server_now(now_ms);
            let (query, authorization) = request::signed_query(creds, timestamp);
            req.query = query;
            req.authorization = Some(authorization);
            req.timestamp = Some(timestamp);
        }
        req
    }

    /// Begins `op` at local time `now_ms`: the exchange to keep, and the
    /// request to send.
    pub fn begin(&self, op: Operation, now_ms: u64) -> (Exchange, Request) {
        let req = self.request(&op, now_ms);
        let ex = Exchange {
            op,
            signed_with_ms: req.correction_ms,
            retried: false,
        };
        (ex, req)
    }

    /// Handles the answer to `ex`'s last request, decoded with `decode`
    /// (one of [`crate::decode`]'s functions, or a driver's own reading of
    /// the envelope): the value or a typed error, or the one retry.
    pub fn answer<T>(
        &mut self,
        ex: &mut Exchange,
        answer: &Answer<'_>,
        decode: impl FnOnce(u16, &[u8]) -> Result<T, Error>,
    ) -> Verdict<T> {
        let result = decode(answer.status, answer.body);
        match self.settle(ex, answer, result.as_ref().err()) {
            Settled::Resend(req) => Verdict::Resend(req),
            Settled::Done(Some(skew)) => Verdict::Done(result.map_err(|e| e.with_clock_skew(skew))),
            Settled::Done(None) => Verdict::Done(result),
        }
    }

    /// The typed error for a request of `ex` that got no answer at all,
    /// sent to `endpoint` (shown to users; never holds a secret); `cause`
    /// is the runtime's own words. Transient: the network may come back.
    pub fn no_answer(&self, ex: &Exchange, why: NoAnswer, endpoint: &str, cause: &str) -> Error {
        let _ = ex;
        Error::NoAnswer {
            endpoint: String::from(endpoint),
            timed_out: why == NoAnswer::TimedOut,
            cause: String::from(cause.trim()),
        }
    }

    /// The non-generic part of [`Client::answer`] (one copy in the wasm).
    fn settle(&mut self, ex: &mut Exchange, answer: &Answer<'_>, error: Option<&Error>) -> Settled {
        let skew = answer.date.and_then(|d| clock::skew_ms(d, answer.now_ms));
        if let Some(c) = self.clock.observe_skew(skew) {
            self.clock_change = Some(c);
        }
        let sign_error = error.is_some_and(Error::is_sign_error);
        let fixable = (self.clock.correction_ms() - ex.signed_with_ms).abs() >= SKEW_NOISE_MS;
        if sign_error && fixable && !ex.retried && matches!(self.signing, Signing::Direct(_)) {
            ex.retried = true;
            let req = self.request(&ex.op, answer.now_ms);
            ex.signed_with_ms = req.correction_ms;
            return Settled::Resend(req);
        }
        let direct = matches!(self.signing, Signing::Direct(_));
        let residual = match sign_error && direct {
            true => skew.map(|s| s - ex.signed_with_ms),
            false => None,
        };
        Settled::Done(residual)
    }
}

enum Settled {
    Resend(Request),
    /// Done; a sign error's measured skew (server − what we signed with).
    Done(Option<i64>),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::SignMethod;
    use crate::{ContainerId, decode};

    const NOW: u64 = 1_700_000_000_000;
    const SIGN_ERROR: &[u8] = br#"{"code":"1004","message":"SignError"}"#;
    const LIST: &[u8] = br#"{"code":"0","message":"success","data":[{"id":1}]}"#;

    fn client() -> Client {
        Client::direct(Credentials::new("ak", "sk", SignMethod::HmacMd5))
    }

    fn date(offset_ms: i64) -> String {
        clock::format_http_date(NOW as i64 + offset_ms)
    }

    #[test]
    fn the_clock_changes_only_beyond_the_noise() {
        let mut c = Clock::new();
        assert_eq!(c.observe(Some(&date(1_000)), NOW), None);
        assert_eq!(c.observe(Some("garbage"), NOW), None);
        assert_eq!(c.observe(None, NOW), None);
        let hour = c.observe(Some(&date(3_600_000)), NOW).unwrap();
        assert!((3_600_000..=3_601_000).contains(&hour));
        // The same skew again (within a second): no change.
        assert_eq!(c.observe(Some(&date(3_601_000)), NOW), None);
        assert_eq!(c.server_now(NOW), NOW + hour as u64);
        // Back to agreement: the correction goes back to 0.
        assert_eq!(c.observe(Some(&date(0)), NOW), Some(0));
    }

    #[test]
    fn a_sign_error_with_a_new_clock_is_retried_once() {
        let mut client = client();
        let (mut ex, first) = client.begin(Operation::ListContainers, NOW);
        assert_eq!(first.timestamp, Some(NOW));
        let late = date(-3_600_000);
        let answer = Answer {
            status: 401,
            date: Some(&late),
            body: SIGN_ERROR,
            now_ms: NOW,
        };
        let Verdict::Resend(second) = client.answer(&mut ex, &answer, decode::container_list)
        else {
            panic!("expected a retry")
        };
        assert!(second.timestamp.unwrap() < NOW - 3_590_000);
        assert!(client.take_clock_change().is_some());
        assert_eq!(client.take_clock_change(), None);
        // Refused again: no loop, the error says how far off the clock was.
        match client.answer(&mut ex, &answer, decode::container_list) {
            Verdict::Done(Err(e)) => assert!(e.is_sign_error(), "{e}"),
            other => panic!("{other:?}"),
        }
        // The value of a good answer comes through.
        let (mut ex, _) = client.begin(Operation::ListContainers, NOW);
        let ok = Answer {
            status: 200,
            date: Some(&late),
            body: LIST,
            now_ms: NOW,
        };
        let Verdict::Done(Ok(list)) = client.answer(&mut ex, &ok, decode::container_list) else {
            panic!()
        };
        assert_eq!(list.containers[0].id, ContainerId(1));
    }

    #[test]
    fn edge_mode_never_signs_nor_retries() {
        let mut client = Client::edge();
        let (mut ex, req) = client.begin(Operation::StartContainer(ContainerId(7)), NOW);
        assert_eq!(req.path_and_query(), "/api/v1/container/7/start");
        assert_eq!((req.authorization, req.timestamp), (None, None));
        let late = date(-3_600_000);
        let answer = Answer {
            status: 401,
            date: Some(&late),
            body: SIGN_ERROR,
            now_ms: NOW,
        };
        assert!(matches!(
            client.answer(&mut ex, &answer, decode::command),
            Verdict::Done(Err(_))
        ));
    }
}
