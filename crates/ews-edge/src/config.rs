//! Configuration, from the runtime's environment bindings only.
//!
//! | variable | required | meaning |
//! |---|---|---|
//! | `EWS_UPSTREAM` | yes (one account) | the API's base URL, `http(s)://host[:port][/prefix]` (a trailing `/api/v1` is dropped) |
//! | `EWS_ACCESS_KEY` | yes (one account) | the access key the worker signs with |
//! | `EWS_SECRET_KEY` | yes (one account), a secret | the secret key the worker signs with |
//! | `EWS_SIGN_METHOD` | yes (one account) | `md5` (what EWS checks) or `sha1` |
//! | `EWS_ACCOUNTS` | no | several accounts: their names, comma-separated (see below) |
//! | `EWS_CONSOLE_TOKENS` | yes, a secret | console users, `name:role:token,…`, a role on every account or per account (see [`crate::users`]) |
//! | `EWS_SESSION_KEY` | yes, a secret | at least 32 bytes; signs session cookies |
//! | `EWS_FRAME_ANCESTORS` | no | CSP `frame-ancestors` sources allowed to embed the console; default `'none'` |
//! | `EWS_SESSION_TTL_SECONDS` | no | session lifetime, 60 s to 7 days; default 8 h |
//! | `EWS_UPSTREAM_TIMEOUT_MS` | no | how long to wait for the API, 100 ms to 60 s; default 5 s |
//! | `EWS_CLIENT_IP_HEADER` | no | the header that carries the client's address, set by a proxy you trust, or `none`; default `CF-Connecting-IP` on Cloudflare, none elsewhere (see [`crate::limiter`]) |
//! | `EWS_AUDIT_RETENTION_DAYS` | no | how long the audit trail keeps an entry, 1 to 3650 days; default 90 |
//!
//! ## Several accounts
//!
//! Without `EWS_ACCOUNTS` the worker fronts one account, named
//! [`DEFAULT_ACCOUNT`], from the four variables above. With it, each name
//! (1–32 characters of `a-z 0-9 -`, starting with a letter or digit) has
//! its own four, suffixed with the name in upper case, `-` as `_`:
//! `EWS_ACCOUNTS=prod,staging-eu` reads `EWS_UPSTREAM_PROD`,
//! `EWS_ACCESS_KEY_PROD`, `EWS_SECRET_KEY_PROD`, `EWS_SIGN_METHOD_PROD`, then
//! `EWS_UPSTREAM_STAGING_EU`… The unsuffixed four must then be absent (a
//! leftover secret is named, never silently ignored). The API of an account
//! is at `/a/{name}/api/v1/…`; `/api/v1/…` reaches the account when there
//! is exactly one.
//!
//! Besides these, the worker needs the Durable Object binding `EWS_STATE`
//! (class `EwsEdgeState`, see `wrangler.toml`); without it sign-ins and the
//! audit trail answer 500 naming it.
//!
//! Every problem is reported at once, naming the variable and what is wrong
//! with it, never its value. Nothing is derived from a missing secret.

use core::fmt;
use std::borrow::Cow;

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
/// `EWS_ACCOUNTS`.
pub const ACCOUNTS: &str = "EWS_ACCOUNTS";
/// The account's name when `EWS_ACCOUNTS` is not set.
pub const DEFAULT_ACCOUNT: &str = "default";
/// Most accounts one worker fronts.
pub const MAX_ACCOUNTS: usize = 32;
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

/// Every variable the worker reads (besides an account's own four),
/// required ones first.
pub const ALL: [&str; 12] = [
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
    ACCOUNTS,
];

/// Whether `name` may name an account: 1–32 characters of `a-z 0-9 -`,
/// starting with a letter or digit (it goes in URLs and variable names).
pub fn valid_account_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && !name.starts_with('-')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The name of an account's own variable: `var` suffixed with the account's
/// name in upper case, `-` as `_` (`EWS_UPSTREAM_STAGING_EU`).
pub fn account_var(var: &str, account: &str) -> String {
    let mut name = format!("{var}_");
    name.extend(account.chars().map(|c| {
        if c == '-' {
            '_'
        } else {
            c.to_ascii_uppercase()
        }
    }));
    name
}

/// One EWS account the worker fronts.
#[derive(Debug, Clone)]
pub struct Account {
    /// Its name (in the API path `/a/{name}/api/v1/…`).
    pub name: String,
    /// The API's base URL, without a trailing slash.
    pub upstream: String,
    /// What the worker signs with (`Debug` hides the secret).
    pub credentials: Credentials,
}

/// `frame-ancestors` when `EWS_FRAME_ANCESTORS` is not set.
pub const DEFAULT_FRAME_ANCESTORS: &str = "'none'";
/// Upstream timeout when `EWS_UPSTREAM_TIMEOUT_MS` is not set.
pub const DEFAULT_TIMEOUT_MS: u32 = 5_000;
/// Audit retention when `EWS_AUDIT_RETENTION_DAYS` is not set.
pub const DEFAULT_AUDIT_DAYS: u64 = 90;

/// A valid configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The accounts, in configuration order (at least one).
    pub accounts: Vec<Account>,
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
    pub var: Cow<'static, str>,
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
    pub fn vars(&self) -> impl Iterator<Item = &str> + '_ {
        self.problems.iter().map(|p| &*p.var)
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

/// Collects [`Problem`]s while the variables are read.
struct Reader<G> {
    get: G,
    problems: Vec<Problem>,
}

impl<G: Fn(&str) -> Option<String>> Reader<G> {
    /// A variable's value, trimmed; empty counts as missing.
    fn value(&self, var: &str) -> Option<String> {
        (self.get)(var)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// A required variable: missing is a problem.
    fn required(&mut self, var: Cow<'static, str>) -> Option<String> {
        let v = self.value(&var);
        if v.is_none() {
            self.problems.push(Problem { var, invalid: None });
        }
        v
    }

    fn invalid(&mut self, var: Cow<'static, str>, why: String) {
        self.problems.push(Problem {
            var,
            invalid: Some(why),
        });
    }

    /// A required variable checked by `parse`.
    fn checked<T>(
        &mut self,
        var: Cow<'static, str>,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let v = self.required(var.clone())?;
        parse(&v).map_err(|why| self.invalid(var, why)).ok()
    }

    /// An optional variable checked by `parse`, `default` when not set.
    fn optional<T>(
        &mut self,
        var: &'static str,
        default: T,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        match self.value(var) {
            None => Some(default),
            Some(v) => parse(&v).map_err(|why| self.invalid(var.into(), why)).ok(),
        }
    }

    /// One account's four variables: the unsuffixed ones, or the account's own.
    fn account(&mut self, name: &str, own: bool) -> Option<Account> {
        let var = |base: &'static str| -> Cow<'static, str> {
            if own {
                account_var(base, name).into()
            } else {
                base.into()
            }
        };
        let upstream = self.checked(var(UPSTREAM), upstream_url);
        let access_key = self.required(var(ACCESS_KEY));
        let secret = self.required(var(SECRET_KEY));
        let method = self.checked(var(SIGN_METHOD), |m| {
            SignMethod::parse(m).ok_or_else(|| "use md5 or sha1".to_owned())
        });
        Some(Account {
            name: name.to_owned(),
            upstream: upstream?,
            credentials: Credentials::new(access_key?, secret?, method?),
        })
    }

    /// Every account: one from the unsuffixed variables, or those
    /// `EWS_ACCOUNTS` names with their own.
    fn accounts(&mut self) -> Option<Vec<Account>> {
        let Some(list) = self.value(ACCOUNTS) else {
            return self.account(DEFAULT_ACCOUNT, false).map(|a| vec![a]);
        };
        let mut names: Vec<&str> = Vec::new();
        let mut why = None;
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if !valid_account_name(name) {
                why = Some(
                    "each name is 1-32 characters of a-z 0-9 -, starting with a letter or digit"
                        .to_owned(),
                );
            } else if names.contains(&name) {
                why = Some(format!("`{name}` is named twice"));
            } else {
                names.push(name);
            }
        }
        if names.len() > MAX_ACCOUNTS {
            why = Some(format!("at most {MAX_ACCOUNTS} accounts"));
        }
        if names.is_empty() {
            why = Some(
                "it names no account: give names separated by commas, e.g. prod,staging".into(),
            );
        }
        if let Some(why) = why {
            self.invalid(ACCOUNTS.into(), why);
            return None;
        }
        for var in [UPSTREAM, ACCESS_KEY, SECRET_KEY, SIGN_METHOD] {
            if self.value(var).is_some() {
                let example = account_var(var, names.first().copied().unwrap_or("name"));
                self.invalid(
                    var.into(),
                    format!("with {ACCOUNTS} set, give each account its own ({example}) and remove this one"),
                );
            }
        }
        let accounts: Vec<Option<Account>> =
            names.iter().map(|name| self.account(name, true)).collect();
        accounts.into_iter().collect()
    }
}

impl Config {
    /// Reads and checks every variable through `get` (the runtime's
    /// environment). Empty values count as missing.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let mut r = Reader {
            get,
            problems: Vec::new(),
        };
        let accounts = r.accounts();
        let users = r.checked(CONSOLE_TOKENS.into(), |t| {
            Users::parse(t).map_err(|e| e.to_string())
        });
        let users = match (users, &accounts) {
            (Some(users), Some(accounts)) => {
                let names: Vec<&str> = accounts.iter().map(|a| a.name.as_str()).collect();
                users
                    .check_accounts(&names)
                    .map_err(|e| r.invalid(CONSOLE_TOKENS.into(), e.to_string()))
                    .ok()
                    .map(|()| users)
            }
            (users, _) => users,
        };
        let session_key = r.checked(SESSION_KEY.into(), |k| {
            SessionKey::new(k).ok_or_else(|| {
                format!(
                    "use at least {} random bytes, e.g. `openssl rand -hex 32`",
                    session::MIN_KEY_LEN
                )
            })
        });
        let frame_ancestors = r.optional(
            FRAME_ANCESTORS,
            DEFAULT_FRAME_ANCESTORS.to_owned(),
            frame_ancestors,
        );
        let session_ttl_s = r.optional(SESSION_TTL, session::DEFAULT_TTL_S, |v| {
            number(v, 60u64, 7 * 24 * 3600)
        });
        let timeout_ms = r.optional(UPSTREAM_TIMEOUT, DEFAULT_TIMEOUT_MS, |v| {
            number(v, 100u32, 60_000)
        });
        let client_ip = r.optional(CLIENT_IP_HEADER, ClientIp::Default, ClientIp::parse);
        let audit_days = r.optional(AUDIT_RETENTION, DEFAULT_AUDIT_DAYS, |v| {
            number(v, 1u64, 3650)
        });
        match (
            accounts,
            users,
            session_key,
            frame_ancestors,
            session_ttl_s,
            timeout_ms,
            client_ip,
            audit_days,
        ) {
            (
                Some(accounts),
                Some(users),
                Some(session_key),
                Some(frame_ancestors),
                Some(session_ttl_s),
                Some(timeout_ms),
                Some(client_ip),
                Some(audit_days),
            ) if r.problems.is_empty() => Ok(Config {
                accounts,
                users,
                session_key,
                frame_ancestors,
                session_ttl_s,
                timeout_ms,
                client_ip,
                audit_days,
            }),
            _ => Err(ConfigError {
                problems: r.problems,
            }),
        }
    }

    /// The account named `name`.
    pub fn account(&self, name: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.name == name)
    }

    /// The account `/api/v1/…` reaches: the one, when there is one.
    pub fn only_account(&self) -> Option<&Account> {
        match self.accounts.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }

    /// Whether `user` is an operator on every account (who may read the
    /// whole audit trail).
    pub fn operator_everywhere(&self, user: &crate::users::User) -> bool {
        !self.accounts.is_empty()
            && self
                .accounts
                .iter()
                .all(|a| user.role_in(&a.name) == Some(crate::users::Role::Operator))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const SECRET: &str = "very-secret-key-value";
    const TOKEN: &str = "alice-token-0123456789";
    const SESSION: &str = "session-key-0123456789abcdef0123456789";

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
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
        let a = c.only_account().unwrap();
        assert_eq!(a.name, DEFAULT_ACCOUNT);
        assert_eq!(a.upstream, "http://127.0.0.1:8080");
        assert_eq!(a.credentials.access_key(), "ews-demo");
        assert_eq!(a.credentials.method(), SignMethod::HmacMd5);
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
        let a = &c.accounts[0];
        assert_eq!(a.credentials.method(), SignMethod::HmacSha1);
        assert_eq!(c.frame_ancestors, "'self' https://portal.example.com");
        assert_eq!((c.session_ttl_s, c.timeout_ms), (600, 250));
        assert_eq!(a.upstream, "https://open-ews.cloud.tmall.com/gw");
    }

    /// Two accounts, `prod` and `staging-eu`, each with its own four.
    fn two_accounts(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let mut all: Vec<(&str, &str)> = vec![
            (UPSTREAM, ""),
            (ACCESS_KEY, ""),
            (SECRET_KEY, ""),
            (SIGN_METHOD, ""),
            (ACCOUNTS, "prod, staging-eu"),
            ("EWS_UPSTREAM_PROD", "https://ews.example.com"),
            ("EWS_ACCESS_KEY_PROD", "ak-prod"),
            ("EWS_SECRET_KEY_PROD", "prod-secret-value"),
            ("EWS_SIGN_METHOD_PROD", "md5"),
            ("EWS_UPSTREAM_STAGING_EU", "http://127.0.0.1:9000/api/v1"),
            ("EWS_ACCESS_KEY_STAGING_EU", "ak-staging"),
            ("EWS_SECRET_KEY_STAGING_EU", "staging-secret-value"),
            ("EWS_SIGN_METHOD_STAGING_EU", "sha1"),
        ];
        all.extend_from_slice(pairs);
        env(&all)
    }

    #[test]
    fn several_accounts_each_with_its_own_variables() {
        let c = Config::from_env(two_accounts(&[(
            CONSOLE_TOKENS,
            &format!("carol:operator@staging-eu+viewer@prod:{TOKEN}"),
        )]))
        .unwrap();
        let names: Vec<_> = c.accounts.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["prod", "staging-eu"]);
        assert!(c.only_account().is_none());
        let s = c.account("staging-eu").unwrap();
        assert_eq!(s.upstream, "http://127.0.0.1:9000");
        assert_eq!(s.credentials.access_key(), "ak-staging");
        assert_eq!(s.credentials.method(), SignMethod::HmacSha1);
        assert_eq!(
            c.account("prod").unwrap().credentials.method(),
            SignMethod::HmacMd5
        );
        assert!(c.account("default").is_none());
        let carol = c.users.by_name("carol").unwrap();
        assert!(!c.operator_everywhere(carol));
        let shown = format!("{c:?}");
        assert!(!shown.contains("secret-value"), "Debug leaks: {shown}");
        // A role for every account reaches every account.
        let c = Config::from_env(two_accounts(&[])).unwrap();
        assert!(c.operator_everywhere(c.users.by_name("alice").unwrap()));
    }

    #[test]
    fn an_account_problem_names_the_account_variable() {
        type Case<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str]);
        let cases: &[Case] = &[
            (&[("EWS_SECRET_KEY_PROD", "")], &["EWS_SECRET_KEY_PROD"]),
            (
                &[
                    ("EWS_UPSTREAM_STAGING_EU", "ftp://x"),
                    ("EWS_SIGN_METHOD_PROD", "sha256"),
                ],
                &["EWS_SIGN_METHOD_PROD", "EWS_UPSTREAM_STAGING_EU"],
            ),
            (&[(ACCOUNTS, "prod,Prod")], &[ACCOUNTS]),
            (&[(ACCOUNTS, "prod,prod")], &[ACCOUNTS]),
            (&[(ACCOUNTS, "-x")], &[ACCOUNTS]),
            (&[(ACCOUNTS, " , ")], &[ACCOUNTS]),
            (&[(SECRET_KEY, "left-over-secret")], &[SECRET_KEY]),
            (
                &[(CONSOLE_TOKENS, "carol:operator@eu:carol-token-0123456789")],
                &[CONSOLE_TOKENS],
            ),
        ];
        for (pairs, vars) in cases {
            let err = Config::from_env(two_accounts(pairs)).unwrap_err();
            let mut got: Vec<_> = err.vars().collect();
            got.sort_unstable();
            assert_eq!(got, *vars, "{pairs:?}");
            let text = err.to_string();
            for secret in ["secret-value", "left-over-secret", "carol-token"] {
                assert!(!text.contains(secret), "value shown: {text}");
            }
        }
        let text = Config::from_env(two_accounts(&[(SECRET_KEY, "left-over-secret")]))
            .unwrap_err()
            .to_string();
        assert!(text.contains("EWS_SECRET_KEY_PROD"), "{text}");
        assert_eq!(
            account_var(UPSTREAM, "staging-eu"),
            "EWS_UPSTREAM_STAGING_EU"
        );
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
