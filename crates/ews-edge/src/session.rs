//! Session cookies, signed by the worker, that end when they should.
//!
//! A session is the cookie [`COOKIE_NAME`] with the value
//! `v2.<user name>.<expiry, s>.<issued, ms>.<session id>.<tag>`, where the
//! session id is 128 random bits (hex) and the tag is the lower-case hex
//! HMAC-SHA1, keyed with `EWS_SESSION_KEY`, of all of it *and the digest of
//! the user's current token*. So a session:
//!
//! - cannot be made or changed without the key;
//! - ends at its expiry (the worker refuses it, whatever the browser keeps);
//! - ends when the user's token is changed or the user removed;
//! - ends when it is signed out, or its user signs out everywhere: the
//!   revocation is written to the Durable Object, and every isolate
//!   refuses the cookie within [`REVOCATION_BOUND_MS`] ([`Revoked`]);
//! - carries no role: the role is read from the configuration on every
//!   request, so a demotion takes effect at once.
//!
//! Checking a cookie needs no storage: the tag, then the isolate's copy of
//! the revocations, refreshed from the Durable Object when it is older than
//! the bound — one call per isolate per bound under traffic, not one per
//! request.
//!
//! The cookie is `HttpOnly; Secure; SameSite=Strict; Path=/` with the
//! `__Host-` prefix (no `Domain`, so no sibling host can set or read it).

use core::fmt;

use ews_core::sign::ct_eq;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::durable::Revocation;
use crate::users::{User, Users};

/// The cookie's name. The `__Host-` prefix makes browsers refuse it unless
/// it is `Secure`, has `Path=/` and no `Domain`.
pub const COOKIE_NAME: &str = "__Host-ews_session";
/// Shortest accepted `EWS_SESSION_KEY`, in bytes.
pub const MIN_KEY_LEN: usize = 32;
/// How long a session lasts unless `EWS_SESSION_TTL_SECONDS` says otherwise.
pub const DEFAULT_TTL_S: u64 = 8 * 3600;

/// A revoked session is refused everywhere at most this long after its
/// revocation: each isolate re-reads the revocations when its copy is older.
pub const REVOCATION_BOUND_MS: u64 = 10_000;
/// When the revocations cannot be re-read, an isolate goes on with its copy
/// for at most this long, then refuses sessions (503) until it can.
pub const REVOCATION_STALE_LIMIT_MS: u64 = 60_000;

const VERSION: &str = "v2";

/// The key sessions are signed with (`EWS_SESSION_KEY`). `Debug` prints `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionKey(Vec<u8>);

impl SessionKey {
    /// A key from its configured text; `None` when shorter than
    /// [`MIN_KEY_LEN`] bytes.
    pub fn new(text: &str) -> Option<SessionKey> {
        (text.len() >= MIN_KEY_LEN).then(|| SessionKey(text.as_bytes().to_vec()))
    }

    fn tag(&self, name: &str, expires_s: u64, issued_ms: u64, sid: &str, user: &User) -> String {
        // HMAC accepts keys of any length.
        let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| <Hmac<Sha1> as hmac::digest::KeyInit>::new(&Default::default()));
        mac.update(b"ews-edge session ");
        mac.update(VERSION.as_bytes());
        mac.update(b"\n");
        mac.update(name.as_bytes());
        mac.update(b"\n");
        mac.update(expires_s.to_string().as_bytes());
        mac.update(b"\n");
        mac.update(issued_ms.to_string().as_bytes());
        mac.update(b"\n");
        mac.update(sid.as_bytes());
        mac.update(b"\n");
        mac.update(user.digest());
        hex::encode(mac.finalize().into_bytes())
    }
}

impl fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionKey(***)")
    }
}

/// Why a session cookie was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionError {
    /// Not a session value of this worker's format.
    Malformed,
    /// The tag does not match: forged, changed, made with another key, or
    /// the user's token has changed since.
    BadTag,
    /// The session has expired.
    Expired,
    /// No configured user has this name any more.
    UnknownUser,
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SessionError::Malformed => "the session cookie is not one of this console's",
            SessionError::BadTag => {
                "the session is no longer valid (the worker's key or your token changed)"
            }
            SessionError::Expired => "the session has expired",
            SessionError::UnknownUser => "the session's user is no longer configured",
        })
    }
}

/// A verified session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session<'a> {
    /// Whose.
    pub user: &'a User,
    /// Its id (32 hex digits).
    pub sid: String,
    /// When it was issued, ms.
    pub issued_ms: u64,
    /// When it expires, s.
    pub expires_s: u64,
}

/// Whether `sid` is a session id as [`new_sid`] makes them.
fn is_sid(sid: &str) -> bool {
    sid.len() == 32
        && sid
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// A session id from 16 random bytes.
pub fn new_sid(random: [u8; 16]) -> String {
    hex::encode(random)
}

/// A fresh session value for `user`, with id `sid`, valid for `ttl_s`
/// seconds from `now_ms`.
pub fn issue(key: &SessionKey, user: &User, sid: &str, now_ms: u64, ttl_s: u64) -> String {
    let expires_s = (now_ms / 1000).saturating_add(ttl_s);
    let tag = key.tag(user.name(), expires_s, now_ms, sid, user);
    format!("{VERSION}.{}.{expires_s}.{now_ms}.{sid}.{tag}", user.name())
}

fn digits(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The session a cookie value is, if its tag is right and it has not
/// expired at `now_ms` (revocations are [`Revoked`]'s to check).
pub fn verify<'a>(
    key: &SessionKey,
    users: &'a Users,
    value: &str,
    now_ms: u64,
) -> Result<Session<'a>, SessionError> {
    let mut parts = value.split('.');
    let (Some(VERSION), Some(name), Some(expires), Some(issued), Some(sid), Some(tag), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(SessionError::Malformed);
    };
    let (Some(expires_s), Some(issued_ms)) = (digits(expires), digits(issued)) else {
        return Err(SessionError::Malformed);
    };
    if !is_sid(sid) {
        return Err(SessionError::Malformed);
    }
    let user = users.by_name(name).ok_or(SessionError::UnknownUser)?;
    if !ct_eq(
        key.tag(name, expires_s, issued_ms, sid, user).as_bytes(),
        tag.as_bytes(),
    ) {
        return Err(SessionError::BadTag);
    }
    if expires_s.saturating_mul(1000) <= now_ms {
        return Err(SessionError::Expired);
    }
    Ok(Session {
        user,
        sid: sid.to_owned(),
        issued_ms,
        expires_s,
    })
}

/// One isolate's copy of the revocations in the Durable Object.
#[derive(Debug, Clone, Default)]
pub struct Revoked {
    /// The last revocation seen.
    pub seq: u64,
    /// When the copy was last brought up to date (`None`: never).
    pub checked_ms: Option<u64>,
    sessions: std::collections::BTreeMap<String, u64>,
    users: std::collections::BTreeMap<String, (u64, u64)>,
}

impl Revoked {
    /// Whether the copy is recent enough to decide at `now_ms` without
    /// asking the Durable Object.
    pub fn fresh(&self, now_ms: u64) -> bool {
        self.checked_ms
            .is_some_and(|t| now_ms.saturating_sub(t) < REVOCATION_BOUND_MS)
    }

    /// Whether the copy may still be used at `now_ms` when the Durable
    /// Object cannot be reached.
    pub fn usable(&self, now_ms: u64) -> bool {
        self.checked_ms
            .is_some_and(|t| now_ms.saturating_sub(t) < REVOCATION_STALE_LIMIT_MS)
    }

    /// Takes in revocations (from the object, or made by this isolate).
    pub fn add(&mut self, items: impl IntoIterator<Item = Revocation>) {
        for r in items {
            match r {
                Revocation::Session { sid, expires_s } => {
                    self.sessions.insert(sid, expires_s);
                }
                Revocation::User {
                    user,
                    cutoff_ms,
                    expires_s,
                } => {
                    let e = self.users.entry(user).or_insert((0, 0));
                    *e = (e.0.max(cutoff_ms), e.1.max(expires_s));
                }
            }
        }
    }

    /// Brings the copy up to date: `items` after the copy's `seq`, up to
    /// `seq`, read at `now_ms`; forgets what has expired anyway.
    pub fn update(&mut self, items: Vec<Revocation>, seq: u64, now_ms: u64) {
        self.add(items);
        self.seq = self.seq.max(seq);
        self.checked_ms = Some(now_ms);
        let now_s = now_ms / 1000;
        self.sessions.retain(|_, expires_s| *expires_s > now_s);
        self.users.retain(|_, (_, expires_s)| *expires_s > now_s);
    }

    /// Whether `s` has been revoked.
    pub fn refuses(&self, s: &Session<'_>) -> bool {
        self.sessions.contains_key(&s.sid)
            || self
                .users
                .get(s.user.name())
                .is_some_and(|(cutoff_ms, _)| s.issued_ms <= *cutoff_ms)
    }
}

/// The session value in a `Cookie` request header, if any.
pub fn from_cookie_header(header: &str) -> Option<&str> {
    header.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        (name.trim() == COOKIE_NAME).then(|| value.trim().trim_matches('"'))
    })
}

/// The `Set-Cookie` value that stores a session for `ttl_s` seconds.
pub fn set_cookie(value: &str, ttl_s: u64) -> String {
    format!("{COOKIE_NAME}={value}; Max-Age={ttl_s}; Path=/; HttpOnly; Secure; SameSite=Strict")
}

/// The `Set-Cookie` value that removes the session.
pub fn clear_cookie() -> String {
    format!("{COOKIE_NAME}=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Strict")
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0123456789abcdef0123456789abcdef-key";
    const NOW: u64 = 1_700_000_000_000;
    const SID: &str = "00112233445566778899aabbccddeeff";

    fn users(alice_token: &str) -> Users {
        Users::parse(&format!(
            "alice:operator:{alice_token},bob:viewer:bob-token-0123456789"
        ))
        .unwrap()
    }

    fn key() -> SessionKey {
        SessionKey::new(KEY).unwrap()
    }

    #[test]
    fn issued_sessions_verify_until_expiry() {
        let u = users("alice-token-0123456789");
        let alice = u.by_name("alice").unwrap();
        let value = issue(&key(), alice, SID, NOW, 3600);
        assert!(value.starts_with("v2.alice."), "{value}");
        assert!(value.contains(SID));
        assert!(!value.contains("alice-token"), "{value}");
        let got = verify(&key(), &u, &value, NOW).unwrap();
        assert_eq!(
            (got.user.name(), got.sid.as_str(), got.issued_ms),
            ("alice", SID, NOW)
        );
        assert!(verify(&key(), &u, &value, NOW + 3_599_000).is_ok());
        assert_eq!(
            verify(&key(), &u, &value, NOW + 3_600_000),
            Err(SessionError::Expired)
        );
        assert_eq!(
            verify(&key(), &u, &value, u64::MAX),
            Err(SessionError::Expired)
        );
        assert_eq!(new_sid([0xab; 16]), "ab".repeat(16));
    }

    #[test]
    fn refuses_forged_or_changed_sessions() {
        let u = users("alice-token-0123456789");
        let bob = u.by_name("bob").unwrap();
        let value = issue(&key(), bob, SID, NOW, 3600);
        // Claiming another user with bob's tag.
        let forged = value.replacen("v2.bob.", "v2.alice.", 1);
        assert_eq!(verify(&key(), &u, &forged, NOW), Err(SessionError::BadTag));
        // Extending the expiry.
        let exp = (NOW / 1000 + 3600).to_string();
        let later = value.replace(&exp, &(NOW / 1000 + 999_999).to_string());
        assert_eq!(verify(&key(), &u, &later, NOW), Err(SessionError::BadTag));
        // Another session id, or a later issue time (to dodge a cutoff).
        let other_sid = value.replace(SID, &"f".repeat(32));
        assert_eq!(
            verify(&key(), &u, &other_sid, NOW),
            Err(SessionError::BadTag)
        );
        let reissued = value.replace(&NOW.to_string(), &(NOW + 1).to_string());
        assert_eq!(
            verify(&key(), &u, &reissued, NOW),
            Err(SessionError::BadTag)
        );
        // Another key.
        let other = SessionKey::new("another-key-another-key-another-key").unwrap();
        assert_eq!(verify(&other, &u, &value, NOW), Err(SessionError::BadTag));
        // Flipping one tag digit.
        let mut flipped = value.clone();
        let last = flipped.pop().unwrap();
        flipped.push(if last == '0' { '1' } else { '0' });
        assert_eq!(verify(&key(), &u, &flipped, NOW), Err(SessionError::BadTag));
        // Upper-case tag is a different value: refused.
        let upper = format!(
            "{}{}",
            &value[..value.rfind('.').unwrap()],
            value[value.rfind('.').unwrap()..].to_uppercase()
        );
        assert_eq!(verify(&key(), &u, &upper, NOW), Err(SessionError::BadTag));
    }

    #[test]
    fn token_change_or_removal_ends_sessions() {
        let before = users("alice-token-0123456789");
        let value = issue(&key(), before.by_name("alice").unwrap(), SID, NOW, 3600);
        let rotated = users("alice-token-NEW-456789");
        assert_eq!(
            verify(&key(), &rotated, &value, NOW),
            Err(SessionError::BadTag)
        );
        let removed = Users::parse("bob:viewer:bob-token-0123456789").unwrap();
        assert_eq!(
            verify(&key(), &removed, &value, NOW),
            Err(SessionError::UnknownUser)
        );
    }

    #[test]
    fn revocations_end_sessions_within_the_bound() {
        let u = users("alice-token-0123456789");
        let alice = u.by_name("alice").unwrap();
        let a = issue(&key(), alice, SID, NOW, 3600);
        let b = issue(&key(), alice, &"1".repeat(32), NOW + 5, 3600);
        let (a, b) = (
            verify(&key(), &u, &a, NOW).unwrap(),
            verify(&key(), &u, &b, NOW).unwrap(),
        );
        let mut r = Revoked::default();
        assert!(!r.fresh(NOW), "never read: ask the object");
        r.update(Vec::new(), 0, NOW);
        assert!(r.fresh(NOW + REVOCATION_BOUND_MS - 1));
        assert!(!r.fresh(NOW + REVOCATION_BOUND_MS));
        assert!(r.usable(NOW + REVOCATION_STALE_LIMIT_MS - 1));
        assert!(!r.usable(NOW + REVOCATION_STALE_LIMIT_MS));
        assert!(!r.refuses(&a) && !r.refuses(&b));
        // Signing out one session ends that one only.
        r.update(
            vec![Revocation::Session {
                sid: SID.into(),
                expires_s: a.expires_s,
            }],
            1,
            NOW,
        );
        assert!(r.refuses(&a) && !r.refuses(&b));
        // Everywhere: every session issued up to the cutoff.
        r.add([Revocation::User {
            user: "alice".into(),
            cutoff_ms: NOW + 5,
            expires_s: NOW / 1000 + 3600,
        }]);
        assert!(r.refuses(&b));
        let later = issue(&key(), alice, &"2".repeat(32), NOW + 6, 3600);
        assert!(!r.refuses(&verify(&key(), &u, &later, NOW).unwrap()));
        // Expired revocations are forgotten.
        r.update(Vec::new(), 2, NOW + 3_601_000);
        assert!(!r.refuses(&a));
        assert_eq!(r.seq, 2);
    }

    #[test]
    fn malformed_values() {
        let u = users("alice-token-0123456789");
        for bad in [
            "",
            "v2",
            "v2.alice",
            "v2.alice.123",
            "v1.alice.123.abcd",
            "v2.alice.123.456.abcd",
            "v2.alice.123.456.00112233445566778899aabbccddeeff",
            "v2.alice.12x.456.00112233445566778899aabbccddeeff.ab",
            "v2.alice..456.00112233445566778899aabbccddeeff.ab",
            "v2.alice.123.456.0011223344556677.ab",
            "v2.alice.123.456.00112233445566778899AABBCCDDEEFF.ab",
            "v2.alice.123.456.00112233445566778899aabbccddeeff.ab.extra",
            "v2.alice.99999999999999999999999.456.00112233445566778899aabbccddeeff.ab",
        ] {
            assert_eq!(
                verify(&key(), &u, bad, NOW),
                Err(SessionError::Malformed),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn cookie_headers() {
        assert_eq!(
            from_cookie_header("a=1; __Host-ews_session=v2.x.1.ab; b=2"),
            Some("v2.x.1.ab")
        );
        assert_eq!(from_cookie_header("__Host-ews_session=\"v\""), Some("v"));
        assert_eq!(from_cookie_header("ews_session=v; x"), None);
        assert_eq!(from_cookie_header(""), None);
        let set = set_cookie("v2.a.1.ff", 60);
        for part in [
            "__Host-ews_session=v2.a.1.ff",
            "Max-Age=60",
            "Path=/",
            "HttpOnly",
            "Secure",
            "SameSite=Strict",
        ] {
            assert!(set.contains(part), "{set}");
        }
        assert!(!set.contains("Domain"));
        assert!(clear_cookie().contains("Max-Age=0"));
    }

    #[test]
    fn keys_are_long_and_hidden() {
        assert!(SessionKey::new("short").is_none());
        assert!(SessionKey::new(&"k".repeat(MIN_KEY_LEN - 1)).is_none());
        assert_eq!(format!("{:?}", key()), "SessionKey(***)");
    }
}
