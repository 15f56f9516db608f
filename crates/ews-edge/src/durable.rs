//! The Durable Object: the worker's one truth across isolates.
//!
//! What must be the same for every isolate everywhere lives here, in one
//! Durable Object (`EwsEdgeState`, SQLite storage): the sign-in limiter's
//! buckets, the revoked sessions, and the team's audit trail. Everything
//! else (session cookies, roles, signing) stays stateless in the isolates.
//!
//! This module is the object's logic, over a [`Db`] (the SQL tables in the
//! wasm build, `sqldb`; a map in the unit tests), and the messages
//! isolates send it ([`Request`]). A Durable Object runs one request at a
//! time and its SQLite calls are synchronous, so each [`handle`] — a read
//! and a write of a bucket, say — is atomic: parallel sign-ins cannot both
//! pass a check that only one of them should.
//!
//! The object is called on sign-in, sign-out, audit writes (in the
//! background, never delaying a response) and by each isolate's
//! revocation cache at most once per [`crate::session::REVOCATION_BOUND_MS`]
//! — never per API request in the common case.

use ews_core::json::{self as cj, Value as Json};

use crate::json::{Object, Value};
use crate::limiter::{Bucket, Limit};

/// The object's storage.
pub trait Db {
    /// A limiter bucket.
    fn bucket(&self, key: &str) -> Option<Bucket>;
    /// Writes a bucket.
    fn put_bucket(&self, key: &str, bucket: Bucket);
    /// Forgets buckets that have drained by `now_ms`.
    fn forget_drained(&self, now_ms: u64);
    /// Adds a revocation; returns its sequence number (increasing).
    fn push_revocation(&self, r: &Revocation) -> u64;
    /// Revocations after `seq`, in order, with the last sequence number
    /// there is (`seq` when none).
    fn revocations_after(&self, seq: u64) -> (Vec<(u64, Revocation)>, u64);
    /// Forgets revocations of sessions that have expired by `now_s`.
    fn forget_expired(&self, now_s: u64);
    /// Appends an audit entry (its `seq` is assigned); returns the seq.
    fn audit_add(&self, e: &AuditEntry) -> u64;
    /// Records a command's outcome on its action's entry (once): the entry
    /// of the action on `account` that made `command_id`.
    fn audit_outcome(&self, account: &str, command_id: &str, outcome: &str, message: &str);
    /// A page of entries, newest first, as `f` asks.
    fn audit_page(&self, f: &AuditFilter) -> Vec<AuditEntry>;
    /// Forgets entries older than `at_ms`.
    fn audit_forget_before(&self, at_ms: u64);
}

/// A revoked session, or every session of a user up to a moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    /// One session (signed out).
    Session {
        /// The session's id.
        sid: String,
        /// When it would have expired anyway (it can be forgotten then), s.
        expires_s: u64,
    },
    /// Every session of `user` issued at or before `cutoff_ms` ("sign out
    /// everywhere").
    User {
        /// The user's name.
        user: String,
        /// Sessions issued at or before this are refused, ms.
        cutoff_ms: u64,
        /// When the last of them would have expired anyway, s.
        expires_s: u64,
    },
}

impl Revocation {
    /// When it can be forgotten, s.
    pub fn expires_s(&self) -> u64 {
        match self {
            Revocation::Session { expires_s, .. } | Revocation::User { expires_s, .. } => {
                *expires_s
            }
        }
    }
}

/// One line of the audit trail. Never holds a token or a secret.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditEntry {
    /// Its sequence number (0 until stored).
    pub seq: u64,
    /// When, ms since the Unix epoch.
    pub at_ms: u64,
    /// `login`, `login_failed`, `bearer_failed`, `logout`, `logout_all`
    /// or `action`.
    pub event: String,
    /// The user's name (none for a failed sign-in).
    pub user: Option<String>,
    /// The user's role: on the account for an action, the user's grants
    /// (`operator`, `operator@staging+viewer@prod`) for a sign-in.
    pub role: Option<String>,
    /// The account an action was on.
    pub account: Option<String>,
    /// The client's limiter key (`ip:…`), when the address is trusted.
    pub client: Option<String>,
    /// `start`, `stop` or `delete`.
    pub action: Option<String>,
    /// The container.
    pub container: Option<u64>,
    /// The command the upstream created.
    pub command_id: Option<String>,
    /// The upstream's HTTP status.
    pub upstream_status: Option<u64>,
    /// The upstream envelope's `code`.
    pub upstream_code: Option<String>,
    /// `unreachable` or `timeout` when no answer came.
    pub error: Option<String>,
    /// How the command ended (`succeeded`, `failed`, `publish_failed`),
    /// once the console has followed it to its end.
    pub outcome: Option<String>,
    /// The outcome in words (with the service's `resultMsg`).
    pub message: Option<String>,
}

/// What `GET /edge/audit` asks for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditFilter {
    /// Only this user.
    pub user: Option<String>,
    /// Only this account's actions.
    pub account: Option<String>,
    /// Only this container.
    pub container: Option<u64>,
    /// Only this action (`start`…) or event (`login`…).
    pub action: Option<String>,
    /// From this moment on, ms.
    pub from_ms: Option<u64>,
    /// Up to this moment, ms.
    pub to_ms: Option<u64>,
    /// Older than this entry (the previous page's `next`).
    pub before: Option<u64>,
    /// How many at most (1–1000).
    pub limit: u64,
}

/// Most entries on one page (an export is one page).
pub const MAX_PAGE: u64 = 1000;
/// Entries on a page unless asked.
pub const DEFAULT_PAGE: u64 = 50;

impl AuditFilter {
    /// Whether `e` passes the filter (the in-memory reference of what the
    /// SQL query does).
    pub fn admits(&self, e: &AuditEntry) -> bool {
        self.user
            .as_ref()
            .is_none_or(|u| e.user.as_ref() == Some(u))
            && self
                .account
                .as_ref()
                .is_none_or(|a| e.account.as_ref() == Some(a))
            && self.container.is_none_or(|c| e.container == Some(c))
            && self
                .action
                .as_ref()
                .is_none_or(|a| e.action.as_ref() == Some(a) || e.event == *a)
            && self.from_ms.is_none_or(|t| e.at_ms >= t)
            && self.to_ms.is_none_or(|t| e.at_ms <= t)
            && self.before.is_none_or(|s| e.seq < s)
    }
}

/// A message from an isolate to the object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Reserve one sign-in attempt of `key` under `limit` (before the token
    /// is read): `{"ok":true}` or `{"ok":false,"retryAfter":s}`.
    Reserve {
        /// The bucket.
        key: String,
        /// Its limit.
        limit: Limit,
    },
    /// Charge one failure to `key` whatever its state: `{"limited":s|null}`.
    Charge {
        /// The bucket.
        key: String,
        /// Its limit.
        limit: Limit,
    },
    /// Give a reserved attempt back (it succeeded).
    Refund {
        /// The bucket.
        key: String,
        /// Its limit.
        limit: Limit,
    },
    /// Revoke: `{"seq":n}`.
    Revoke(Revocation),
    /// Revocations after `after`: `{"seq":last,"items":[…]}`.
    Revocations {
        /// The last sequence number the isolate has.
        after: u64,
    },
    /// Append an entry to the audit trail, forgetting entries older than
    /// the retention.
    Audit {
        /// The entry.
        entry: AuditEntry,
        /// How long entries are kept, ms.
        retention_ms: u64,
    },
    /// A command's outcome, for its action's entry.
    Outcome {
        /// The account the command is on (ids are only unique per account).
        account: String,
        /// The command.
        command_id: String,
        /// `succeeded`, `failed` or `publish_failed`.
        outcome: String,
        /// In words.
        message: String,
    },
    /// A page of the audit trail: `{"entries":[…],"next":seq|null}`.
    AuditQuery(AuditFilter),
}

fn num(v: Option<&Json<'_>>) -> Option<u64> {
    match v {
        Some(Json::Num(n)) => n.parse().ok(),
        _ => None,
    }
}

fn text(v: Option<&Json<'_>>) -> Option<String> {
    v.and_then(Json::as_str).map(String::from)
}

fn limit_of(v: &Json<'_>) -> Option<Limit> {
    Some(Limit {
        burst: num(v.get("burst")).filter(|b| *b >= 1)?,
        refill_ms: num(v.get("refillMs"))?,
    })
}

fn opt_num(n: Option<u64>) -> Value<'static> {
    n.map_or(Value::Null, Value::Num)
}

impl AuditEntry {
    /// The entry as JSON (the audit API's shape).
    pub fn to_json(&self) -> String {
        Object::new()
            .field("seq", Value::Num(self.seq))
            .field("at", Value::Num(self.at_ms))
            .str("event", &self.event)
            .field("user", self.user.as_deref().into())
            .field("role", self.role.as_deref().into())
            .field("account", self.account.as_deref().into())
            .field("client", self.client.as_deref().into())
            .field("action", self.action.as_deref().into())
            .field("container", opt_num(self.container))
            .field("commandId", self.command_id.as_deref().into())
            .field("upstreamStatus", opt_num(self.upstream_status))
            .field("upstreamCode", self.upstream_code.as_deref().into())
            .field("error", self.error.as_deref().into())
            .field("outcome", self.outcome.as_deref().into())
            .field("message", self.message.as_deref().into())
            .finish()
    }

    /// Reads an entry written by [`AuditEntry::to_json`].
    pub fn from_json(v: &Json<'_>) -> Option<AuditEntry> {
        Some(AuditEntry {
            seq: num(v.get("seq")).unwrap_or(0),
            at_ms: num(v.get("at"))?,
            event: text(v.get("event"))?,
            user: text(v.get("user")),
            role: text(v.get("role")),
            account: text(v.get("account")),
            client: text(v.get("client")),
            action: text(v.get("action")),
            container: num(v.get("container")),
            command_id: text(v.get("commandId")),
            upstream_status: num(v.get("upstreamStatus")),
            upstream_code: text(v.get("upstreamCode")),
            error: text(v.get("error")),
            outcome: text(v.get("outcome")),
            message: text(v.get("message")),
        })
    }
}

impl AuditFilter {
    fn to_json(&self) -> String {
        Object::new()
            .field("user", self.user.as_deref().into())
            .field("account", self.account.as_deref().into())
            .field("container", opt_num(self.container))
            .field("action", self.action.as_deref().into())
            .field("from", opt_num(self.from_ms))
            .field("to", opt_num(self.to_ms))
            .field("before", opt_num(self.before))
            .field("limit", Value::Num(self.limit))
            .finish()
    }

    fn from_json(v: &Json<'_>) -> AuditFilter {
        AuditFilter {
            user: text(v.get("user")),
            account: text(v.get("account")),
            container: num(v.get("container")),
            action: text(v.get("action")),
            from_ms: num(v.get("from")),
            to_ms: num(v.get("to")),
            before: num(v.get("before")),
            limit: num(v.get("limit"))
                .unwrap_or(DEFAULT_PAGE)
                .clamp(1, MAX_PAGE),
        }
    }
}

fn limit_fields(o: Object, key: &str, limit: Limit) -> Object {
    o.str("key", key)
        .field("burst", Value::Num(limit.burst))
        .field("refillMs", Value::Num(limit.refill_ms))
}

impl Request {
    /// The operation's name (the path the isolate calls).
    pub fn op(&self) -> &'static str {
        match self {
            Request::Reserve { .. } => "reserve",
            Request::Charge { .. } => "charge",
            Request::Refund { .. } => "refund",
            Request::Revoke(_) => "revoke",
            Request::Revocations { .. } => "revocations",
            Request::Audit { .. } => "audit",
            Request::Outcome { .. } => "outcome",
            Request::AuditQuery(_) => "auditQuery",
        }
    }

    /// The body the isolate sends.
    pub fn body(&self) -> String {
        match self {
            Request::Reserve { key, limit }
            | Request::Charge { key, limit }
            | Request::Refund { key, limit } => limit_fields(Object::new(), key, *limit).finish(),
            Request::Revoke(Revocation::Session { sid, expires_s }) => Object::new()
                .str("sid", sid)
                .field("expiresS", Value::Num(*expires_s))
                .finish(),
            Request::Revoke(Revocation::User {
                user,
                cutoff_ms,
                expires_s,
            }) => Object::new()
                .str("user", user)
                .field("cutoffMs", Value::Num(*cutoff_ms))
                .field("expiresS", Value::Num(*expires_s))
                .finish(),
            Request::Revocations { after } => {
                Object::new().field("after", Value::Num(*after)).finish()
            }
            Request::Audit {
                entry,
                retention_ms,
            } => Object::new()
                .field("retentionMs", Value::Num(*retention_ms))
                .field("entry", Value::Raw(&entry.to_json()))
                .finish(),
            Request::Outcome {
                account,
                command_id,
                outcome,
                message,
            } => Object::new()
                .str("account", account)
                .str("commandId", command_id)
                .str("outcome", outcome)
                .str("message", message)
                .finish(),
            Request::AuditQuery(f) => f.to_json(),
        }
    }

    /// Reads what an isolate sent (`None`: not a message of this worker).
    pub fn parse(op: &str, body: &[u8]) -> Option<Request> {
        let v = cj::parse(body).ok()?;
        let key = || text(v.get("key"));
        Some(match op {
            "reserve" => Request::Reserve {
                key: key()?,
                limit: limit_of(&v)?,
            },
            "charge" => Request::Charge {
                key: key()?,
                limit: limit_of(&v)?,
            },
            "refund" => Request::Refund {
                key: key()?,
                limit: limit_of(&v)?,
            },
            "revoke" => {
                let expires_s = num(v.get("expiresS"))?;
                match (text(v.get("sid")), text(v.get("user"))) {
                    (Some(sid), None) => Request::Revoke(Revocation::Session { sid, expires_s }),
                    (None, Some(user)) => Request::Revoke(Revocation::User {
                        user,
                        cutoff_ms: num(v.get("cutoffMs"))?,
                        expires_s,
                    }),
                    _ => return None,
                }
            }
            "revocations" => Request::Revocations {
                after: num(v.get("after")).unwrap_or(0),
            },
            "audit" => Request::Audit {
                entry: AuditEntry::from_json(v.get("entry")?)?,
                retention_ms: num(v.get("retentionMs"))?,
            },
            "outcome" => Request::Outcome {
                account: text(v.get("account"))?,
                command_id: text(v.get("commandId"))?,
                outcome: text(v.get("outcome"))?,
                message: text(v.get("message")).unwrap_or_default(),
            },
            "auditQuery" => Request::AuditQuery(AuditFilter::from_json(&v)),
            _ => return None,
        })
    }
}

/// Runs one message against the storage at `now_ms`: the object's whole
/// logic. Returns the JSON answer.
pub fn handle(db: &impl Db, req: &Request, now_ms: u64) -> String {
    match req {
        Request::Reserve { key, limit } => {
            db.forget_drained(now_ms);
            let bucket = db.bucket(key).unwrap_or_default();
            match limit.reserve(bucket, now_ms) {
                Ok(next) => {
                    db.put_bucket(key, next);
                    Object::new().field("ok", Value::Bool(true)).finish()
                }
                Err(retry_after_s) => Object::new()
                    .field("ok", Value::Bool(false))
                    .field("retryAfter", Value::Num(retry_after_s))
                    .finish(),
            }
        }
        Request::Charge { key, limit } => {
            let next = limit.charge(db.bucket(key).unwrap_or_default(), now_ms);
            db.put_bucket(key, next);
            Object::new()
                .field("limited", opt_num(limit.limited(next, now_ms)))
                .finish()
        }
        Request::Refund { key, limit } => {
            if let Some(bucket) = db.bucket(key) {
                db.put_bucket(key, limit.refund(bucket, now_ms));
            }
            Object::new().finish()
        }
        Request::Revoke(r) => {
            db.forget_expired(now_ms / 1000);
            let seq = db.push_revocation(r);
            Object::new().field("seq", Value::Num(seq)).finish()
        }
        Request::Revocations { after } => {
            let (items, last) = db.revocations_after(*after);
            let mut list = String::from("[");
            for (i, (seq, r)) in items.iter().enumerate() {
                if i > 0 {
                    list.push(',');
                }
                let o = Object::new().field("seq", Value::Num(*seq));
                list.push_str(
                    &match r {
                        Revocation::Session { sid, expires_s } => {
                            o.str("sid", sid).field("expiresS", Value::Num(*expires_s))
                        }
                        Revocation::User {
                            user,
                            cutoff_ms,
                            expires_s,
                        } => o
                            .str("user", user)
                            .field("cutoffMs", Value::Num(*cutoff_ms))
                            .field("expiresS", Value::Num(*expires_s)),
                    }
                    .finish(),
                );
            }
            list.push(']');
            Object::new()
                .field("seq", Value::Num(last))
                .field("items", Value::Raw(&list))
                .finish()
        }
        Request::Audit {
            entry,
            retention_ms,
        } => {
            db.audit_forget_before(now_ms.saturating_sub(*retention_ms));
            let seq = db.audit_add(entry);
            Object::new().field("seq", Value::Num(seq)).finish()
        }
        Request::Outcome {
            account,
            command_id,
            outcome,
            message,
        } => {
            db.audit_outcome(account, command_id, outcome, message);
            Object::new().finish()
        }
        Request::AuditQuery(f) => {
            let page = db.audit_page(f);
            let next = (page.len() as u64 == f.limit)
                .then(|| page.last().map(|e| e.seq))
                .flatten();
            let mut list = String::from("[");
            for (i, e) in page.iter().enumerate() {
                if i > 0 {
                    list.push(',');
                }
                list.push_str(&e.to_json());
            }
            list.push(']');
            Object::new()
                .field("entries", Value::Raw(&list))
                .field("next", opt_num(next))
                .finish()
        }
    }
}

/// What the object answered to a [`Request::Reserve`]: `Err(seconds)` when
/// limited.
pub fn reserved(answer: &[u8]) -> Result<(), u64> {
    let v = cj::parse(answer).unwrap_or(Json::Null);
    match v.get("ok") {
        Some(Json::Bool(true)) => Ok(()),
        _ => Err(num(v.get("retryAfter")).unwrap_or(1).max(1)),
    }
}

/// What the object answered to a [`Request::Charge`]: the seconds to wait
/// when the key is now limited.
pub fn limited(answer: &[u8]) -> Option<u64> {
    num(cj::parse(answer).ok()?.get("limited"))
}

/// The revocations of an answer to [`Request::Revocations`], and the last
/// sequence number.
pub fn revocations(answer: &[u8]) -> Option<(Vec<Revocation>, u64)> {
    let v = cj::parse(answer).ok()?;
    let last = num(v.get("seq"))?;
    let Some(Json::Arr(items)) = v.get("items") else {
        return None;
    };
    let list = items
        .iter()
        .filter_map(|i| {
            let expires_s = num(i.get("expiresS"))?;
            match (text(i.get("sid")), text(i.get("user"))) {
                (Some(sid), _) => Some(Revocation::Session { sid, expires_s }),
                (None, Some(user)) => Some(Revocation::User {
                    user,
                    cutoff_ms: num(i.get("cutoffMs"))?,
                    expires_s,
                }),
                _ => None,
            }
        })
        .collect();
    Some((list, last))
}

/// An in-memory [`Db`]: the reference the SQL one is held to, and the
/// object of the unit tests' fake platform.
#[derive(Debug, Default)]
pub struct MemoryDb {
    inner: core::cell::RefCell<Memory>,
}

#[derive(Debug, Default)]
struct Memory {
    buckets: std::collections::BTreeMap<String, Bucket>,
    revocations: Vec<(u64, Revocation)>,
    seq: u64,
    audit: Vec<AuditEntry>,
    audit_seq: u64,
}

impl Db for MemoryDb {
    fn bucket(&self, key: &str) -> Option<Bucket> {
        self.inner.borrow().buckets.get(key).copied()
    }

    fn put_bucket(&self, key: &str, bucket: Bucket) {
        self.inner
            .borrow_mut()
            .buckets
            .insert(key.to_owned(), bucket);
    }

    fn forget_drained(&self, now_ms: u64) {
        self.inner
            .borrow_mut()
            .buckets
            .retain(|_, b| !b.drained(now_ms));
    }

    fn push_revocation(&self, r: &Revocation) -> u64 {
        let mut m = self.inner.borrow_mut();
        m.seq += 1;
        let seq = m.seq;
        m.revocations.push((seq, r.clone()));
        seq
    }

    fn revocations_after(&self, seq: u64) -> (Vec<(u64, Revocation)>, u64) {
        let m = self.inner.borrow();
        let items: Vec<_> = m
            .revocations
            .iter()
            .filter(|(s, _)| *s > seq)
            .cloned()
            .collect();
        let last = items.last().map_or(seq, |(s, _)| *s);
        (items, last)
    }

    fn forget_expired(&self, now_s: u64) {
        self.inner
            .borrow_mut()
            .revocations
            .retain(|(_, r)| r.expires_s() > now_s);
    }

    fn audit_add(&self, e: &AuditEntry) -> u64 {
        let mut m = self.inner.borrow_mut();
        m.audit_seq += 1;
        let mut e = e.clone();
        e.seq = m.audit_seq;
        m.audit.push(e);
        m.audit_seq
    }

    fn audit_outcome(&self, account: &str, command_id: &str, outcome: &str, message: &str) {
        let mut m = self.inner.borrow_mut();
        if let Some(e) = m.audit.iter_mut().find(|e| {
            e.event == "action"
                && e.account.as_deref() == Some(account)
                && e.command_id.as_deref() == Some(command_id)
                && e.outcome.is_none()
        }) {
            e.outcome = Some(outcome.to_owned());
            e.message = Some(message.to_owned());
        }
    }

    fn audit_page(&self, f: &AuditFilter) -> Vec<AuditEntry> {
        self.inner
            .borrow()
            .audit
            .iter()
            .rev()
            .filter(|e| f.admits(e))
            .take(f.limit as usize)
            .cloned()
            .collect()
    }

    fn audit_forget_before(&self, at_ms: u64) {
        self.inner.borrow_mut().audit.retain(|e| e.at_ms >= at_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limiter::PER_CLIENT;

    const T0: u64 = 1_700_000_000_000;

    fn call(db: &MemoryDb, req: &Request, now: u64) -> String {
        // Every message goes through its wire form, as in the worker.
        let parsed = Request::parse(req.op(), req.body().as_bytes()).expect("parses");
        assert_eq!(&parsed, req);
        handle(db, &parsed, now)
    }

    #[test]
    fn reservations_are_atomic_and_refunded() {
        let db = MemoryDb::default();
        let reserve = Request::Reserve {
            key: "ip:192.0.2.1".into(),
            limit: PER_CLIENT,
        };
        // A burst of 20 at once: exactly 5 get through.
        let passed = (0..20)
            .filter(|_| reserved(call(&db, &reserve, T0).as_bytes()).is_ok())
            .count();
        assert_eq!(passed, 5);
        assert_eq!(reserved(call(&db, &reserve, T0).as_bytes()), Err(12));
        // Another key is untouched.
        let other = Request::Reserve {
            key: "ip:192.0.2.2".into(),
            limit: PER_CLIENT,
        };
        assert!(reserved(call(&db, &other, T0).as_bytes()).is_ok());
        // A refund gives an attempt back.
        call(
            &db,
            &Request::Refund {
                key: "ip:192.0.2.2".into(),
                limit: PER_CLIENT,
            },
            T0,
        );
        assert_eq!(db.bucket("ip:192.0.2.2").unwrap().debt_ms, 0);
        // Drained buckets are forgotten.
        call(&db, &other, T0 + 10 * 60_000);
        assert!(db.bucket("ip:192.0.2.1").is_none());
    }

    #[test]
    fn a_charge_says_when_the_key_is_limited() {
        let db = MemoryDb::default();
        let charge = Request::Charge {
            key: "global".into(),
            limit: PER_CLIENT,
        };
        for _ in 0..4 {
            assert_eq!(limited(call(&db, &charge, T0).as_bytes()), None);
        }
        assert_eq!(limited(call(&db, &charge, T0).as_bytes()), Some(12));
    }

    #[test]
    fn revocations_come_in_order_and_expire() {
        let db = MemoryDb::default();
        let s = Revocation::Session {
            sid: "a1".into(),
            expires_s: T0 / 1000 + 60,
        };
        let u = Revocation::User {
            user: "olga".into(),
            cutoff_ms: T0,
            expires_s: T0 / 1000 + 3600,
        };
        call(&db, &Request::Revoke(s.clone()), T0);
        call(&db, &Request::Revoke(u.clone()), T0);
        let all = call(&db, &Request::Revocations { after: 0 }, T0);
        assert_eq!(revocations(all.as_bytes()), Some((vec![s, u.clone()], 2)));
        let newer = call(&db, &Request::Revocations { after: 1 }, T0);
        assert_eq!(revocations(newer.as_bytes()), Some((vec![u.clone()], 2)));
        let none = call(&db, &Request::Revocations { after: 2 }, T0);
        assert_eq!(revocations(none.as_bytes()), Some((vec![], 2)));
        // Once the session would have expired anyway, it is forgotten.
        call(
            &db,
            &Request::Revoke(Revocation::Session {
                sid: "b2".into(),
                expires_s: T0 / 1000 + 7200,
            }),
            T0 + 120_000,
        );
        let left = call(&db, &Request::Revocations { after: 0 }, T0 + 120_000);
        let (items, last) = revocations(left.as_bytes()).unwrap();
        assert_eq!((items.len(), last), (2, 3));
    }

    #[test]
    fn the_audit_trail_filters_pages_and_keeps_outcomes() {
        let db = MemoryDb::default();
        let day = 86_400_000;
        for i in 0..7u64 {
            let entry = AuditEntry {
                at_ms: T0 + i * 1000,
                event: "action".into(),
                user: Some(if i % 2 == 0 { "olga" } else { "vic" }.into()),
                role: Some("operator".into()),
                // Command ids are unique per account only: staging's c-0
                // and c-1 are not prod's.
                account: Some(if i < 5 { "prod" } else { "staging" }.into()),
                action: Some("start".into()),
                container: Some(2529 + i % 3),
                command_id: Some(format!("c-{}", i % 5)),
                upstream_status: Some(200),
                upstream_code: Some("0".into()),
                ..AuditEntry::default()
            };
            call(
                &db,
                &Request::Audit {
                    entry,
                    retention_ms: 90 * day,
                },
                T0 + i * 1000,
            );
        }
        call(
            &db,
            &Request::Outcome {
                account: "prod".into(),
                command_id: "c-4".into(),
                outcome: "succeeded".into(),
                message: "succeeded: success".into(),
            },
            T0,
        );
        call(
            &db,
            &Request::Outcome {
                account: "staging".into(),
                command_id: "c-1".into(),
                outcome: "failed".into(),
                message: "failed: 500".into(),
            },
            T0,
        );
        let page = |f: AuditFilter| {
            let text = call(&db, &Request::AuditQuery(f), T0);
            let v = cj::parse(text.as_bytes()).unwrap();
            let Some(Json::Arr(items)) = v.get("entries") else {
                panic!("{text}")
            };
            let entries: Vec<AuditEntry> = items.iter().filter_map(AuditEntry::from_json).collect();
            (entries, num(v.get("next")))
        };
        let (first, next) = page(AuditFilter {
            user: Some("olga".into()),
            limit: 2,
            ..AuditFilter::default()
        });
        assert_eq!(first.iter().map(|e| e.seq).collect::<Vec<_>>(), [7, 5]);
        assert_eq!(first[1].outcome.as_deref(), Some("succeeded"));
        assert_eq!(next, Some(5));
        let (second, next) = page(AuditFilter {
            user: Some("olga".into()),
            before: Some(5),
            limit: 2,
            ..AuditFilter::default()
        });
        assert_eq!(second.iter().map(|e| e.seq).collect::<Vec<_>>(), [3, 1]);
        assert_eq!(next, Some(1));
        let (by_container, _) = page(AuditFilter {
            container: Some(2530),
            from_ms: Some(T0 + 2000),
            limit: 50,
            ..AuditFilter::default()
        });
        assert_eq!(by_container.iter().map(|e| e.seq).collect::<Vec<_>>(), [5]);
        let (staging, _) = page(AuditFilter {
            account: Some("staging".into()),
            limit: 50,
            ..AuditFilter::default()
        });
        assert_eq!(staging.iter().map(|e| e.seq).collect::<Vec<_>>(), [7, 6]);
        assert_eq!(staging[0].outcome.as_deref(), Some("failed"));
        let (prod_c1, _) = page(AuditFilter {
            account: Some("prod".into()),
            container: Some(2530),
            limit: 50,
            ..AuditFilter::default()
        });
        assert_eq!(
            prod_c1
                .iter()
                .map(|e| (e.seq, e.outcome.clone()))
                .collect::<Vec<_>>(),
            [(5, Some("succeeded".into())), (2, None)]
        );
        // Retention: a write a year later forgets the old entries.
        call(
            &db,
            &Request::Audit {
                entry: AuditEntry {
                    at_ms: T0 + 365 * day,
                    event: "login".into(),
                    user: Some("olga".into()),
                    ..AuditEntry::default()
                },
                retention_ms: 90 * day,
            },
            T0 + 365 * day,
        );
        let (all, next) = page(AuditFilter {
            limit: 50,
            ..AuditFilter::default()
        });
        assert_eq!(all.len(), 1);
        assert_eq!(next, None);
    }

    #[test]
    fn junk_is_not_a_message() {
        for (op, body) in [
            ("reserve", "{}"),
            ("reserve", r#"{"key":"k","burst":0,"refillMs":1}"#),
            ("nope", "{}"),
            ("audit", r#"{"entry":{}}"#),
            ("revoke", r#"{"expiresS":1}"#),
            ("outcome", "not json"),
        ] {
            assert_eq!(Request::parse(op, body.as_bytes()), None, "{op} {body}");
        }
    }
}
