//! Stateless session cookies, signed by the worker.
//!
//! A session is the cookie [`COOKIE_NAME`] with the value
//! `v1.<user name>.<expiry, s since 1970>.<tag>`, where the tag is the
//! lower-case hex HMAC-SHA1, keyed with `EWS_SESSION_KEY`, of the version,
//! the name, the expiry *and the digest of the user's current token*. So a
//! session:
//!
//! - cannot be made or changed without the key;
//! - ends at its expiry (the worker refuses it, whatever the browser keeps);
//! - ends when the user's token is changed or the user removed;
//! - carries no role: the role is read from the configuration on every
//!   request, so a demotion takes effect at once.
//!
//! The cookie is `HttpOnly; Secure; SameSite=Strict; Path=/` with the
//! `__Host-` prefix (no `Domain`, so no sibling host can set or read it).

use core::fmt;

use ews_core::sign::ct_eq;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::users::{User, Users};

/// The cookie's name. The `__Host-` prefix makes browsers refuse it unless
/// it is `Secure`, has `Path=/` and no `Domain`.
pub const COOKIE_NAME: &str = "__Host-ews_session";
/// Shortest accepted `EWS_SESSION_KEY`, in bytes.
pub const MIN_KEY_LEN: usize = 32;
/// How long a session lasts unless `EWS_SESSION_TTL_SECONDS` says otherwise.
pub const DEFAULT_TTL_S: u64 = 8 * 3600;

const VERSION: &str = "v1";

/// The key sessions are signed with (`EWS_SESSION_KEY`). `Debug` prints `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionKey(Vec<u8>);

impl SessionKey {
    /// A key from its configured text; `None` when shorter than
    /// [`MIN_KEY_LEN`] bytes.
    pub fn new(text: &str) -> Option<SessionKey> {
        (text.len() >= MIN_KEY_LEN).then(|| SessionKey(text.as_bytes().to_vec()))
    }

    fn tag(&self, name: &str, expires_s: u64, user: &User) -> String {
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

/// A fresh session value for `user`, valid for `ttl_s` seconds from `now_ms`.
pub fn issue(key: &SessionKey, user: &User, now_ms: u64, ttl_s: u64) -> String {
    let expires_s = (now_ms / 1000).saturating_add(ttl_s);
    let tag = key.tag(user.name(), expires_s, user);
    format!("{VERSION}.{}.{expires_s}.{tag}", user.name())
}

/// The user a session value belongs to, if it is valid at `now_ms`.
pub fn verify<'u>(
    key: &SessionKey,
    users: &'u Users,
    value: &str,
    now_ms: u64,
) -> Result<&'u User, SessionError> {
    let mut parts = value.split('.');
    let (Some(VERSION), Some(name), Some(expires), Some(tag), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(SessionError::Malformed);
    };
    if expires.is_empty() || !expires.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SessionError::Malformed);
    }
    let expires_s: u64 = expires.parse().map_err(|_| SessionError::Malformed)?;
    let user = users.by_name(name).ok_or(SessionError::UnknownUser)?;
    if !ct_eq(key.tag(name, expires_s, user).as_bytes(), tag.as_bytes()) {
        return Err(SessionError::BadTag);
    }
    if expires_s.saturating_mul(1000) <= now_ms {
        return Err(SessionError::Expired);
    }
    Ok(user)
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
        let value = issue(&key(), alice, NOW, 3600);
        assert!(value.starts_with("v1.alice."), "{value}");
        assert!(!value.contains("alice-token"), "{value}");
        let got = verify(&key(), &u, &value, NOW).unwrap();
        assert_eq!(got.name(), "alice");
        assert_eq!(
            verify(&key(), &u, &value, NOW + 3_599_000).unwrap().name(),
            "alice"
        );
        assert_eq!(
            verify(&key(), &u, &value, NOW + 3_600_000),
            Err(SessionError::Expired)
        );
        assert_eq!(
            verify(&key(), &u, &value, u64::MAX),
            Err(SessionError::Expired)
        );
    }

    #[test]
    fn refuses_forged_or_changed_sessions() {
        let u = users("alice-token-0123456789");
        let bob = u.by_name("bob").unwrap();
        let value = issue(&key(), bob, NOW, 3600);
        // Claiming another user with bob's tag.
        let forged = value.replacen("v1.bob.", "v1.alice.", 1);
        assert_eq!(verify(&key(), &u, &forged, NOW), Err(SessionError::BadTag));
        // Extending the expiry.
        let exp = (NOW / 1000 + 3600).to_string();
        let later = value.replace(&exp, &(NOW / 1000 + 999_999).to_string());
        assert_eq!(verify(&key(), &u, &later, NOW), Err(SessionError::BadTag));
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
        let value = issue(&key(), before.by_name("alice").unwrap(), NOW, 3600);
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
    fn malformed_values() {
        let u = users("alice-token-0123456789");
        for bad in [
            "",
            "v1",
            "v1.alice",
            "v1.alice.123",
            "v2.alice.123.abcd",
            "v1.alice.12x.abcd",
            "v1.alice..abcd",
            "v1.alice.123.abcd.extra",
            "v1.alice.99999999999999999999999.abcd",
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
            from_cookie_header("a=1; __Host-ews_session=v1.x.1.ab; b=2"),
            Some("v1.x.1.ab")
        );
        assert_eq!(from_cookie_header("__Host-ews_session=\"v\""), Some("v"));
        assert_eq!(from_cookie_header("ews_session=v; x"), None);
        assert_eq!(from_cookie_header(""), None);
        let set = set_cookie("v1.a.1.ff", 60);
        for part in [
            "__Host-ews_session=v1.a.1.ff",
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
