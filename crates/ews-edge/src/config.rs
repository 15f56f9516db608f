//! Configuration, from the runtime's environment bindings only.
//!
//! | variable | required | meaning |
//! |---|---|---|
//! | `EWS_UPSTREAM` | yes | the API's base URL, `http(s)://host[:port][/prefix]` (a trailing `/api/v1` is dropped) |
//! | `EWS_ACCESS_KEY` | yes | the access key the worker signs with |
//! | `EWS_SECRET_KEY` | yes, a secret | the secret key the worker signs with |
//! | `EWS_SIGN_METHOD` | yes | `md5` (what EWS checks) or `sha1` |
//! | `EWS_CONSOLE_TOKENS` | yes, a secret | console users, `name:role:token,…` (see [`crate::users`]) |
//! | `EWS_SESSION_KEY` | yes, a secret | at least 32 bytes; signs session cookies |
//! | `EWS_FRAME_ANCESTORS` | no | CSP `frame-ancestors` sources allowed to embed the console; default `'none'` |
//! | `EWS_SESSION_TTL_SECONDS` | no | session lifetime, 60 s to 7 days; default 8 h |
//! | `EWS_UPSTREAM_TIMEOUT_MS` | no | how long to wait for the API, 100 ms to 60 s; default 5 s |
//! | `EWS_CLIENT_IP_HEADER` | no | the header that carries the client's address, set by a proxy you trust, or `none`; default `CF-Connecting-IP` on Cloudflare, none elsewhere (see [`crate::limiter`]) |
//! | `EWS_AUDIT_RETENTION_DAYS` | no | how long the audit trail keeps an entry, 1 to 3650 days; default 90 |
//!
//! Besides these, the worker needs the Durable Object binding `EWS_STATE`
//! (class `EwsEdgeState`, see `wrangler.toml`); without it sign-ins and the
//! audit trail answer 500 naming it.
//!
//! Every problem is reported at once, naming the variable and what is wrong
//! with it, never its value. Nothing is derived from a missing secret.

use core::fmt;

use ews_core::{Credentials, SignMethod};

use crate::limiter::ClientIp;
use crate::session::{self, SessionKey};
use crate::users::Users;

/// `EWS_UPSTREAM`.
pub const UPSTREAM: &str = "EWS_UPSTREAM";
/// `EWS_ACCESS_KEY`.
pub const ACCESS_KEY: &str = "EWS_ACCESS_KEY";
/// `EWS_SECRET_KEY`.
pub const SECRET_KEY: &str = "EWS_SECRET_KEY";
/// `EWS_SIGN_METHOD`.
pub const SIGN_METHOD: &str = "EWS_SIGN_METHOD";
/// `EWS_CONSOLE_TOKENS`.
pub const CONSOLE_TOKENS: &str = "EWS_CONSOLE_TOKENS";
/// `EWS_SESSION_KEY`.
pub const SESSION_KEY: &str = "EWS_SESSION_KEY";
/// `EWS_FRAME_ANCESTORS`.
pub const FRAME_ANCESTORS: &str = "EWS_FRAME_ANCESTORS";
/// `EWS_SESSION_TTL_SECONDS`.
pub const SESSION_TTL: &str = "EWS_SESSION_TTL_SECONDS";
/// `EWS_UPSTREAM_TIMEOUT_MS`.
pub const UPSTREAM_TIMEOUT: &str = "EWS_UPSTREAM_TIMEOUT_MS";
/// `EWS_CLIENT_IP_HEADER`.
pub const CLIENT_IP_HEADER: &str = "EWS_CLIENT_IP_HEADER";
/// `EWS_AUDIT_RETENTION_DAYS`.
pub const AUDIT_RETENTION: &str = "EWS_AUDIT_RETENTION_DAYS";
/// The Durable Object namespace binding.
pub const STATE_BINDING: &str = "EWS_STATE";
/// The one object of the namespace the worker uses.
pub const STATE_OBJECT: &str = "ews-edge";

/// Every variable the worker reads, required ones first.
pub const ALL: [&str; 11] = [
    UPSTREAM,
    ACCESS_KEY,
    SECRET_KEY,
    SIGN_METHOD,
    CONSOLE_TOKENS,
    SESSION_KEY,
    FRAME_ANCESTORS,
    SESSION_TTL,
    UPSTREAM_TIMEOUT,
    CLIENT_IP_HEADER,
    AUDIT_RETENTION,
];

/// `frame-ancestors` when `EWS_FRAME_ANCESTORS` is not set.
pub const DEFAULT_FRAME_ANCESTORS: &str = "'none'";
/// Upstream timeout when `EWS_UPSTREAM_TIMEOUT_MS` is not set.
pub const DEFAULT_TIMEOUT_MS: u32 = 5_000;
/// Audit retention when `EWS_AUDIT_RETENTION_DAYS` is not set.
pub const DEFAULT_AUDIT_DAYS: u64 = 90;

/// A valid configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The API's base URL, without a trailing slash.
    pub upstream: String,
    /// What the worker signs with (`Debug` hides the secret).
    pub credentials: Credentials,
    /// The console users.
    pub users: Users,
    /// The session-cookie key.
    pub session_key: SessionKey,
    /// The CSP `frame-ancestors` sources.
    pub frame_ancestors: String,
    /// Session lifetime, s.
    pub session_ttl_s: u64,
    /// Upstream timeout, ms.
    pub timeout_ms: u32,
    /// Where the client's address comes from.
    pub client_ip: ClientIp,
    /// How long the audit trail keeps an entry, days.
    pub audit_days: u64,
}

/// What is wrong with one variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The variable's name.
    pub var: &'static str,
    /// What is wrong (`None`: it is missing).
    pub invalid: Option<String>,
}

/// Why the worker cannot run: one or more [`Problem`]s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// Every problem found.
    pub problems: Vec<Problem>,
}

impl ConfigError {
    /// The names of the variables with problems.
    pub fn vars(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.problems.iter().map(|p| p.var)
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the edge worker is not configured: ")?;
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            match &p.invalid {
                None => write!(f, "{} is missing", p.var)?,
                Some(why) => write!(f, "{} is invalid ({why})", p.var)?,
            }
        }
        f.write_str(". Set secrets with `wrangler secret put NAME` and plain settings under [vars] in wrangler.toml (locally: .dev.vars)")
    }
}

/// Whether `text` is an acceptable upstream base URL: the core's one rule
/// ([`ews_core::request::base_url`]; a trailing `/api/v1` is dropped).
fn upstream_url(text: &str) -> Result<String, String> {
    ews_core::request::base_url(text).map_err(|e| e.to_string())
}

/// Whether `text` is an acceptable `frame-ancestors` source list.
fn frame_ancestors(text: &str) -> Result<String, String> {
    let ok = text
        .chars()
        .all(|c| c.is_ascii_graphic() && !matches!(c, ';' | ',') || c == ' ');
    if ok && !text.trim().is_empty() {
        let mut sources = String::with_capacity(text.len());
        for source in text.split_whitespace() {
            if !sources.is_empty() {
                sources.push(' ');
            }
            sources.push_str(source);
        }
        Ok(sources)
    } else {
        Err("give CSP sources separated by spaces, e.g. 'self' https://portal.example.com".into())
    }
}

fn number<T: core::str::FromStr + PartialOrd + fmt::Display>(
    text: &str,
    min: T,
    max: T,
) -> Result<T, String> {
    match text.trim().parse::<T>() {
        Ok(n) if n >= min && n <= max => Ok(n),
        _ => Err(format!("give a whole number from {min} to {max}")),
    }
}

impl Config {
    /// Reads and checks every variable through `get` (the runtime's
    /// environment). Empty values count as missing.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let mut problems = Vec::new();
        let mut required = |var: &'static str| -> Option<String> {
            let v = get(var)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty());
            if v.is_none() {
                problems.push(Problem { var, invalid: None });
            }
            v
        };
        let upstream = required(UPSTREAM);
        let access_key = required(ACCESS_KEY);
        let secret_key = required(SECRET_KEY);
        let sign_method = required(SIGN_METHOD);
        let tokens = required(CONSOLE_TOKENS);
        let session_key = required(SESSION_KEY);
        let mut invalid = |var: &'static str, why: String| {
            problems.push(Problem {
                var,
                invalid: Some(why),
            })
        };
        let upstream =
            upstream.and_then(|u| upstream_url(&u).map_err(|e| invalid(UPSTREAM, e)).ok());
        let sign_method = sign_method.and_then(|m| {
            let parsed = SignMethod::parse(&m);
            if parsed.is_none() {
                invalid(SIGN_METHOD, "use md5 or sha1".into());
            }
            parsed
        });
        let users = tokens.and_then(|t| {
            Users::parse(&t)
                .map_err(|e| invalid(CONSOLE_TOKENS, e.to_string()))
                .ok()
        });
        let session_key = session_key.and_then(|k| {
            let key = SessionKey::new(&k);
            if key.is_none() {
                invalid(
                    SESSION_KEY,
                    format!(
                        "use at least {} random bytes, e.g. `openssl rand -hex 32`",
                        session::MIN_KEY_LEN
                    ),
                );
            }
            key
        });
        let optional = |var: &str| {
            get(var)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let frame_ancestors = match optional(FRAME_ANCESTORS) {
            None => Some(DEFAULT_FRAME_ANCESTORS.to_owned()),
            Some(v) => frame_ancestors(&v)
                .map_err(|e| invalid(FRAME_ANCESTORS, e))
                .ok(),
        };
        let session_ttl_s = match optional(SESSION_TTL) {
            None => Some(session::DEFAULT_TTL_S),
            Some(v) => number(&v, 60u64, 7 * 24 * 3600)
                .map_err(|e| invalid(SESSION_TTL, e))
                .ok(),
        };
        let timeout_ms = match optional(UPSTREAM_TIMEOUT) {
            None => Some(DEFAULT_TIMEOUT_MS),
            Some(v) => number(&v, 100u32, 60_000)
                .map_err(|e| invalid(UPSTREAM_TIMEOUT, e))
                .ok(),
        };
        let client_ip = match optional(CLIENT_IP_HEADER) {
            None => Some(ClientIp::Default),
            Some(v) => ClientIp::parse(&v)
                .map_err(|e| invalid(CLIENT_IP_HEADER, e))
                .ok(),
        };
        let audit_days = match optional(AUDIT_RETENTION) {
            None => Some(DEFAULT_AUDIT_DAYS),
            Some(v) => number(&v, 1u64, 3650)
                .map_err(|e| invalid(AUDIT_RETENTION, e))
                .ok(),
        };
        match (
            upstream,
            access_key,
            secret_key,
            sign_method,
            users,
            session_key,
            frame_ancestors,
            session_ttl_s,
            timeout_ms,
            client_ip,
            audit_days,
        ) {
            (
                Some(upstream),
                Some(access_key),
                Some(secret),
                Some(method),
                Some(users),
                Some(session_key),
                Some(frame_ancestors),
                Some(session_ttl_s),
                Some(timeout_ms),
                Some(client_ip),
                Some(audit_days),
            ) if problems.is_empty() => Ok(Config {
                upstream,
                credentials: Credentials::new(access_key, secret, method),
                users,
                session_key,
                frame_ancestors,
                session_ttl_s,
                timeout_ms,
                client_ip,
                audit_days,
            }),
            _ => Err(ConfigError { problems }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const SECRET: &str = "very-secret-key-value";
    const TOKEN: &str = "alice-token-0123456789";
    const SESSION: &str = "session-key-0123456789abcdef0123456789";

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let mut map: HashMap<String, String> = [
            (UPSTREAM, "http://127.0.0.1:8080/"),
            (ACCESS_KEY, "ews-demo"),
            (SECRET_KEY, SECRET),
            (SIGN_METHOD, "md5"),
            (CONSOLE_TOKENS, &*format!("alice:operator:{TOKEN}")),
            (SESSION_KEY, SESSION),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        for (k, v) in pairs {
            if v.is_empty() {
                map.remove(*k);
            } else {
                map.insert((*k).to_owned(), (*v).to_owned());
            }
        }
        move |k| map.get(k).cloned()
    }

    #[test]
    fn a_full_configuration() {
        let c = Config::from_env(env(&[])).unwrap();
        assert_eq!(c.upstream, "http://127.0.0.1:8080");
        assert_eq!(c.credentials.access_key(), "ews-demo");
        assert_eq!(c.credentials.method(), SignMethod::HmacMd5);
        assert_eq!(c.users.by_token(TOKEN).unwrap().name(), "alice");
        assert_eq!(c.frame_ancestors, "'none'");
        assert_eq!(c.session_ttl_s, session::DEFAULT_TTL_S);
        assert_eq!(c.timeout_ms, DEFAULT_TIMEOUT_MS);
        assert_eq!((c.client_ip.clone(), c.audit_days), (ClientIp::Default, 90));
        let shown = format!("{c:?}");
        for secret in [SECRET, TOKEN, SESSION] {
            assert!(!shown.contains(secret), "Debug leaks: {shown}");
        }
    }

    #[test]
    fn optional_settings() {
        let c = Config::from_env(env(&[
            (SIGN_METHOD, "SHA1"),
            (FRAME_ANCESTORS, " 'self'   https://portal.example.com "),
            (SESSION_TTL, "600"),
            (UPSTREAM_TIMEOUT, "250"),
            (UPSTREAM, "https://open-ews.cloud.tmall.com/gw"),
            (CLIENT_IP_HEADER, "X-Real-IP"),
            (AUDIT_RETENTION, "30"),
        ]))
        .unwrap();
        assert_eq!(c.client_ip, ClientIp::Header("x-real-ip".into()));
        assert_eq!(c.audit_days, 30);
        assert_eq!(c.credentials.method(), SignMethod::HmacSha1);
        assert_eq!(c.frame_ancestors, "'self' https://portal.example.com");
        assert_eq!((c.session_ttl_s, c.timeout_ms), (600, 250));
        assert_eq!(c.upstream, "https://open-ews.cloud.tmall.com/gw");
    }

    #[test]
    fn every_missing_variable_is_named() {
        let err = Config::from_env(|_| None).unwrap_err();
        let vars: Vec<_> = err.vars().collect();
        assert_eq!(vars, ALL[..6].to_vec());
        let text = err.to_string();
        for v in &ALL[..6] {
            assert!(text.contains(&format!("{v} is missing")), "{text}");
        }
        // Empty or blank counts as missing.
        let err = Config::from_env(env(&[(SECRET_KEY, " ")])).unwrap_err();
        assert_eq!(err.vars().collect::<Vec<_>>(), [SECRET_KEY]);
    }

    #[test]
    fn invalid_values_are_named_but_never_shown() {
        let cases: &[(&str, &str, &str)] = &[
            (UPSTREAM, "ftp://secret-host", "https://"),
            (UPSTREAM, "http://", "host"),
            (UPSTREAM, "http://user:pw@host", "user name or password"),
            (UPSTREAM, "http://host/?x=1", "query"),
            (SIGN_METHOD, "sha256-secret", "md5 or sha1"),
            (
                CONSOLE_TOKENS,
                "alice:root:secret-token-123456",
                "viewer or operator",
            ),
            (SESSION_KEY, "short-secret", "at least 32"),
            (FRAME_ANCESTORS, "'self'; script-src *", "CSP sources"),
            (SESSION_TTL, "10", "60 to 604800"),
            (UPSTREAM_TIMEOUT, "lots", "100 to 60000"),
            (CLIENT_IP_HEADER, "x real ip", "header name"),
            (AUDIT_RETENTION, "forever", "1 to 3650"),
        ];
        for (var, value, why) in cases {
            let err = Config::from_env(env(&[(var, value)])).unwrap_err();
            assert_eq!(err.vars().collect::<Vec<_>>(), [*var], "{var}={value}");
            let text = err.to_string();
            assert!(text.contains(&format!("{var} is invalid")), "{text}");
            assert!(text.contains(why), "{text}");
            assert!(!text.contains(value), "value shown: {text}");
        }
    }
}
