//! Responses: security headers, the API envelope, the login pages, and the
//! one place where an [`EdgeError`] becomes a response.
//!
//! Every error says what happened and what to do, and names configuration
//! variables, never their values; nothing from the upstream's internals or
//! the worker's secrets is ever put in one.

use ews_core::ApiErrorCode;
use ews_core::request::RouteError;

use crate::config::{ConfigError, DEFAULT_FRAME_ANCESTORS};
use crate::users::Role;

/// `application/json; charset=utf-8`.
pub const JSON: &str = "application/json; charset=utf-8";
/// `text/html; charset=utf-8`.
pub const HTML: &str = "text/html; charset=utf-8";

/// A response the worker made itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Headers, in order; a name may repeat (`Set-Cookie`).
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Reply {
    /// A response with a body of `content_type`.
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type", content_type.to_owned())],
            body: body.into(),
        }
    }

    /// Adds a header.
    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }

    /// Adds several headers.
    pub fn with_all(mut self, headers: Vec<(&'static str, String)>) -> Reply {
        self.headers.extend(headers);
        self
    }

    /// The first value of a header (name compared without case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The console's Content-Security-Policy: its own scripts and wasm only, no
/// inline script or style, API calls to its own origin only.
pub fn console_csp(frame_ancestors: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors {frame_ancestors}"
    )
}

/// The policy for everything that is data, not a page (API answers, JSON):
/// nothing may run, even if an upstream sent HTML.
pub const DATA_CSP: &str = "default-src 'none'; frame-ancestors 'none'; sandbox";

fn common() -> Vec<(&'static str, String)> {
    vec![
        (
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains".to_owned(),
        ),
        ("X-Content-Type-Options", "nosniff".to_owned()),
        // `same-origin`, not `no-referrer`: a form posted from the worker's
        // own page then carries its real Origin (with `no-referrer` a
        // browser sends `Origin: null`, which the sign-in refuses), and no
        // other origin ever gets a referrer.
        ("Referrer-Policy", "same-origin".to_owned()),
    ]
}

/// Headers for pages and the console's files.
pub fn page_headers(frame_ancestors: &str) -> Vec<(&'static str, String)> {
    let mut h = common();
    h.push(("Content-Security-Policy", console_csp(frame_ancestors)));
    h
}

/// Headers for API answers and other JSON: never cached, never run.
pub fn data_headers() -> Vec<(&'static str, String)> {
    let mut h = common();
    h.push(("Content-Security-Policy", DATA_CSP.to_owned()));
    h.push(("Cache-Control", "no-store".to_owned()));
    h
}

/// A JSON API envelope with an error code, with data headers.
pub fn envelope(status: u16, code: &ApiErrorCode, message: &str) -> Reply {
    let body = crate::json::Object::new()
        .str("code", code.code())
        .str("message", message)
        .field("data", crate::json::Value::Null)
        .finish();
    json(status, body)
}

/// A JSON body, with data headers.
pub fn json(status: u16, body: String) -> Reply {
    Reply::new(status, JSON, body).with_all(data_headers())
}

/// Escapes text for HTML.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page_shell(title: &str, inner: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · EWS console</title><link rel=\"icon\" href=\"data:,\">\
         <link rel=\"stylesheet\" href=\"/edge/login.css\"></head>\
         <body><main>{inner}</main></body></html>\n",
        escape_html(title)
    )
}

/// The login page, with an optional error line. No script, no inline style.
pub fn login_page(status: u16, error: Option<&str>, frame_ancestors: &str) -> Reply {
    let error = error
        .map(|e| {
            format!(
                "<p class=\"error\" role=\"alert\" data-testid=\"edge-login-error\">{}</p>",
                escape_html(e)
            )
        })
        .unwrap_or_default();
    let inner = format!(
        "<h1>EWS console</h1><p>Sign in with the access token you were given. \
         The EWS keys stay on the server.</p>{error}\
         <form method=\"post\" action=\"/edge/login\">\
         <input type=\"text\" name=\"user\" autocomplete=\"username\" value=\"ews-console\" hidden>\
         <label for=\"token\">Access token</label>\
         <input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"current-password\" \
         required autofocus data-testid=\"edge-login-token\">\
         <button type=\"submit\" data-testid=\"edge-login-submit\">Sign in</button></form>"
    );
    Reply::new(status, HTML, page_shell("Sign in", &inner))
        .with_all(page_headers(frame_ancestors))
        .with("Cache-Control", "no-store")
}

/// The login page's stylesheet.
pub fn login_css() -> Reply {
    const CSS: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}\
main{max-width:24rem;margin:12vh auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px #0002}\
h1{margin-top:0;font-size:1.4rem}label{display:block;font-weight:600;margin:1rem 0 .3rem}\
input{box-sizing:border-box;width:100%;padding:.5rem;font:inherit;border:1px solid #99a;border-radius:4px}\
button{margin-top:1rem;padding:.5rem 1.2rem;font:inherit;border:0;border-radius:4px;background:#2456c7;color:#fff;cursor:pointer}\
.error{color:#a00;font-weight:600}\
main.wide{max-width:none;margin:1rem;padding:1rem 1.25rem}\
.filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:flex-end}\
.filters label{margin:0;font-weight:400}.filters span{display:block;font-size:13px}\
.filters input,select{width:auto;padding:.4rem;font:inherit;border:1px solid #99a;border-radius:4px}\
.filters button{margin:0}.scroll{overflow:auto;margin-top:1rem}\
table{border-collapse:collapse;width:100%;font-size:14px}\
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ccd;white-space:nowrap}\
td.num{text-align:right}tr.bad td{color:#a00}.muted{color:#5b6675}\
.button{display:inline-block;margin:.5rem .5rem 0 0;padding:.4rem .9rem;border:1px solid #99a;border-radius:4px;text-decoration:none}\
a{color:#1f5fd1}\
@media (prefers-color-scheme:dark){body{background:#0f1318;color:#e6e9ee}main{background:#171c23;box-shadow:none}\
input,select{background:#0f1318;color:inherit}a{color:#6ea0ff}th,td{border-color:#2a313b}.error,tr.bad td{color:#f97066}.muted{color:#9aa4b2}}\n";
    Reply::new(200, "text/css; charset=utf-8", CSS)
        .with_all(page_headers(DEFAULT_FRAME_ANCESTORS))
        .with("Cache-Control", "public, max-age=3600")
}

/// Everything that can go wrong in the worker. Turned into a response only
/// by [`EdgeError::api`] (API clients) and [`EdgeError::page`] (people).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EdgeError {
    /// Configuration is missing or invalid.
    Config(ConfigError),
    /// The `ASSETS` binding is missing.
    NoAssets,
    /// No valid credentials; `clear_cookie` when a stale session came along.
    Unauthenticated {
        /// Also remove the session cookie.
        clear_cookie: bool,
    },
    /// A bearer token that belongs to nobody.
    BadToken,
    /// Too many failed sign-ins from this client.
    RateLimited {
        /// Seconds until the next attempt.
        retry_after_s: u64,
    },
    /// The user's role may not do this.
    RoleForbidden {
        /// The user's name.
        user: String,
        /// The user's role on the account.
        role: Role,
        /// The account.
        account: String,
        /// What was attempted (`start`, …).
        op: &'static str,
    },
    /// The user has no role on the account the path names.
    AccountForbidden {
        /// The user's name.
        user: String,
        /// The account.
        account: String,
    },
    /// The audit trail is for operators of every account.
    AuditForbidden {
        /// The user's name.
        user: String,
    },
    /// The path names no configured account (its name, clipped).
    NoAccount(String),
    /// `/api/…` while the worker fronts several accounts.
    AccountRequired,
    /// A cookie-authenticated state change from another origin.
    ForeignOrigin,
    /// Not one of the six operations.
    NoRoute(RouteError),
    /// A worker path exists with other methods.
    MethodNotAllowed {
        /// The methods it accepts, e.g. `GET, HEAD`.
        allowed: &'static str,
    },
    /// No such worker path.
    NotFound,
    /// A request body over the limit.
    BodyTooLarge,
    /// The upstream could not be reached.
    UpstreamUnreachable,
    /// The upstream did not answer in time.
    UpstreamTimeout {
        /// The timeout, ms.
        timeout_ms: u32,
    },
    /// The upstream answered with a redirect.
    UpstreamRedirect {
        /// Its HTTP status.
        status: u16,
    },
    /// The console's files could not be read.
    AssetsFailed,
    /// The Durable Object binding is missing.
    NoState,
    /// The Durable Object could not be reached.
    StateUnavailable,
}

impl EdgeError {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            EdgeError::Config(_) | EdgeError::NoAssets | EdgeError::NoState => 500,
            EdgeError::StateUnavailable => 503,
            EdgeError::Unauthenticated { .. } | EdgeError::BadToken => 401,
            EdgeError::RateLimited { .. } => 429,
            EdgeError::RoleForbidden { .. }
            | EdgeError::AccountForbidden { .. }
            | EdgeError::AuditForbidden { .. }
            | EdgeError::ForeignOrigin => 403,
            EdgeError::NoRoute(RouteError::MethodNotAllowed { .. })
            | EdgeError::MethodNotAllowed { .. } => 405,
            EdgeError::NoRoute(RouteError::InvalidId(_)) => 400,
            EdgeError::NoRoute(_)
            | EdgeError::NotFound
            | EdgeError::NoAccount(_)
            | EdgeError::AccountRequired => 404,
            EdgeError::BodyTooLarge => 413,
            EdgeError::UpstreamUnreachable
            | EdgeError::UpstreamRedirect { .. }
            | EdgeError::AssetsFailed => 502,
            EdgeError::UpstreamTimeout { .. } => 504,
        }
    }

    /// Whether this is the worker refusing the client (401, 403, 429), as
    /// opposed to an API-level failure. Refusals are answered without an API
    /// `code`, so that clients (the console, through ews-core's decoding)
    /// see them as HTTP errors of the gateway — "sign in again", "ask for an
    /// operator token" — and never as an error of the EWS account.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            EdgeError::Unauthenticated { .. }
                | EdgeError::BadToken
                | EdgeError::RateLimited { .. }
                | EdgeError::RoleForbidden { .. }
                | EdgeError::AccountForbidden { .. }
                | EdgeError::AuditForbidden { .. }
                | EdgeError::ForeignOrigin
        )
    }

    /// The envelope code of an API-level failure (`None` for refusals).
    pub fn code(&self) -> Option<ApiErrorCode> {
        Some(match self {
            EdgeError::Config(_)
            | EdgeError::NoAssets
            | EdgeError::UpstreamUnreachable
            | EdgeError::UpstreamRedirect { .. }
            | EdgeError::AssetsFailed
            | EdgeError::NoState
            | EdgeError::StateUnavailable => ApiErrorCode::InternalError,
            EdgeError::NoRoute(RouteError::InvalidId(_)) | EdgeError::BodyTooLarge => {
                ApiErrorCode::ParamError
            }
            EdgeError::NoRoute(_)
            | EdgeError::MethodNotAllowed { .. }
            | EdgeError::NotFound
            | EdgeError::NoAccount(_)
            | EdgeError::AccountRequired => ApiErrorCode::ActionNotExist,
            EdgeError::UpstreamTimeout { .. } => ApiErrorCode::Timeout,
            EdgeError::Unauthenticated { .. }
            | EdgeError::BadToken
            | EdgeError::RateLimited { .. }
            | EdgeError::RoleForbidden { .. }
            | EdgeError::AccountForbidden { .. }
            | EdgeError::AuditForbidden { .. }
            | EdgeError::ForeignOrigin => return None,
        })
    }

    /// What happened and what to do.
    pub fn message(&self) -> String {
        match self {
            EdgeError::Config(e) => e.to_string(),
            EdgeError::NoAssets => "the edge worker is not configured: the ASSETS binding (the console's files) is missing; add [assets] with binding = \"ASSETS\" to wrangler.toml".into(),
            EdgeError::Unauthenticated { .. } => "not signed in to the console: sign in at /edge/login, or send Authorization: Bearer <token>".into(),
            EdgeError::BadToken => "the access token is not valid: check it, or ask the console's administrator for one".into(),
            EdgeError::RateLimited { retry_after_s } => format!("too many failed sign-ins: wait {retry_after_s} s, then try again"),
            EdgeError::RoleForbidden { user, role, account, op } => format!("{user} is a {role} on account {account} and may only list and view there; to {op} containers, sign in with a token that is an operator on it"),
            EdgeError::AccountForbidden { user, account } => format!("{user} has no access to account {account}: GET /edge/session lists the accounts you reach; ask the console's administrator for a grant"),
            EdgeError::AuditForbidden { user } => format!("{user} may not read the audit trail: it is for users who are operators on every account"),
            EdgeError::NoAccount(name) => format!("no account named `{name}` here: GET /edge/session lists the accounts you reach, each under /a/{{name}}/api/v1/"),
            EdgeError::AccountRequired => "this worker fronts several accounts: name one in the path, /a/{name}/api/v1/… (GET /edge/session lists them)".into(),
            EdgeError::ForeignOrigin => "refused: a change made with the session cookie must come from this console's own page (the Origin header is missing or foreign); use the console at this address".into(),
            EdgeError::NoRoute(e) => e.to_string(),
            EdgeError::MethodNotAllowed { allowed } => format!("method not allowed here; use {allowed}"),
            EdgeError::NotFound => "no such page: the console is at /".into(),
            EdgeError::BodyTooLarge => "the request body is too large: send only the form's fields".into(),
            EdgeError::UpstreamUnreachable => "the EWS API could not be reached (the connection failed): retry in a moment; if it persists, check that the API is up and that EWS_UPSTREAM points to it".into(),
            EdgeError::UpstreamTimeout { timeout_ms } => format!("the EWS API did not answer within {timeout_ms} ms: an action may still happen, so refresh before retrying; if it persists, the API is overloaded or down"),
            EdgeError::UpstreamRedirect { status } => format!("the EWS API answered with a redirect (HTTP {status}), which the worker does not follow: check EWS_UPSTREAM (https or http, host, path)"),
            EdgeError::AssetsFailed => "the console's files could not be read: retry in a moment; if it persists, redeploy the worker with its assets".into(),
            EdgeError::NoState => format!("the edge worker is not configured: the Durable Object binding {} (class EwsEdgeState, SQLite storage) is missing; add it to wrangler.toml as in the repository's", crate::config::STATE_BINDING),
            EdgeError::StateUnavailable => "the worker's shared state (its Durable Object) cannot be reached, so sign-ins and session checks wait: retry in a moment".into(),
        }
    }

    pub(crate) fn extra_headers(&self) -> Vec<(&'static str, String)> {
        match self {
            EdgeError::Unauthenticated { clear_cookie } => {
                let mut h = vec![("WWW-Authenticate", "Bearer realm=\"ews-edge\"".to_owned())];
                if *clear_cookie {
                    h.push(("Set-Cookie", crate::session::clear_cookie()));
                }
                h
            }
            EdgeError::BadToken => {
                vec![(
                    "WWW-Authenticate",
                    "Bearer realm=\"ews-edge\", error=\"invalid_token\"".to_owned(),
                )]
            }
            EdgeError::RateLimited { retry_after_s } => {
                vec![("Retry-After", retry_after_s.to_string())]
            }
            EdgeError::NoRoute(RouteError::MethodNotAllowed { allowed }) => {
                let mut list = String::new();
                for m in allowed.iter() {
                    if !list.is_empty() {
                        list.push_str(", ");
                    }
                    list.push_str(m.as_str());
                }
                vec![("Allow", list)]
            }
            EdgeError::MethodNotAllowed { allowed } => vec![("Allow", (*allowed).to_owned())],
            _ => Vec::new(),
        }
    }

    /// The error as an API client gets it: an envelope for API-level
    /// failures (404, 405, 400, 500, 502, 504); for refusals (401, 403, 429)
    /// `{"message","mode":"edge"}` with `"login":"/edge/login"` where signing
    /// in helps, and no `code`.
    pub fn api(&self) -> Reply {
        let reply = match self.code() {
            Some(code) => envelope(self.status(), &code, &self.message()),
            None => {
                let mut body = crate::json::Object::new()
                    .str("message", &self.message())
                    .str("mode", "edge");
                if matches!(self.status(), 401 | 429) {
                    body = body.str("login", "/edge/login");
                }
                json(self.status(), body.finish())
            }
        };
        reply.with_all(self.extra_headers())
    }

    /// The error as a page for a person.
    pub fn page(&self, frame_ancestors: &str) -> Reply {
        let title = match self.status() {
            401 => "Not signed in",
            403 => "Not allowed",
            404 => "Not found",
            429 => "Too many attempts",
            500 => "Not configured",
            503 => "Unavailable",
            _ => "Error",
        };
        let inner = format!(
            "<h1>{}</h1><p data-testid=\"edge-error\">{}</p><p><a href=\"/\">Back to the console</a></p>",
            escape_html(title),
            escape_html(&self.message())
        );
        Reply::new(self.status(), HTML, page_shell(title, &inner))
            .with_all(page_headers(frame_ancestors))
            .with("Cache-Control", "no-store")
            .with_all(self.extra_headers())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Problem;

    #[test]
    fn envelopes_are_api_shaped() {
        let r = EdgeError::UpstreamTimeout { timeout_ms: 5000 }.api();
        assert_eq!(r.status, 504);
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(v["code"], "1009");
        assert!(
            v["message"]
                .as_str()
                .unwrap()
                .contains("did not answer within 5000 ms")
        );
        assert!(v["data"].is_null());
        assert_eq!(r.header("content-type"), Some(JSON));
        assert_eq!(r.header("Cache-Control"), Some("no-store"));
        assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
    }

    #[test]
    fn statuses_and_codes() {
        let cases = [
            (EdgeError::NoRoute(RouteError::NotFound), 404, "1008"),
            (EdgeError::UpstreamUnreachable, 502, "1001"),
            (EdgeError::UpstreamRedirect { status: 301 }, 502, "1001"),
            (EdgeError::NoAssets, 500, "1001"),
        ];
        for (e, status, code) in cases {
            assert!(!e.is_refusal());
            assert_eq!(
                (e.status(), e.code().unwrap().code()),
                (status, code),
                "{e:?}"
            );
            let v: serde_json::Value = serde_json::from_slice(&e.api().body).unwrap();
            assert_eq!(v["code"], code);
        }
    }

    #[test]
    fn refusals_carry_no_api_code() {
        let cases = [
            (EdgeError::Unauthenticated { clear_cookie: true }, 401, true),
            (EdgeError::BadToken, 401, true),
            (EdgeError::RateLimited { retry_after_s: 3 }, 429, true),
            (EdgeError::ForeignOrigin, 403, false),
            (
                EdgeError::RoleForbidden {
                    user: "vic".into(),
                    role: Role::Viewer,
                    account: "default".into(),
                    op: "start",
                },
                403,
                false,
            ),
        ];
        for (e, status, login) in cases {
            assert!(e.is_refusal() && e.code().is_none(), "{e:?}");
            let r = e.api();
            assert_eq!(r.status, status);
            let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
            assert!(v.get("code").is_none(), "{v}");
            assert_eq!(v["mode"], "edge");
            assert_eq!(v["message"], e.message());
            assert_eq!(v.get("login").is_some(), login, "{v}");
            // As the console decodes it: an HTTP error, not an EWS API error.
            let decoded = ews_core::decode::container_list(r.status, &r.body).unwrap_err();
            assert_eq!(decoded.http_status(), Some(status));
            assert!(decoded.api_code().is_none(), "{decoded:?}");
        }
        let r = EdgeError::RateLimited { retry_after_s: 3 }.api();
        assert_eq!(r.header("Retry-After"), Some("3"));
        let r = EdgeError::Unauthenticated { clear_cookie: true }.api();
        assert!(r.header("Set-Cookie").unwrap().contains("Max-Age=0"));
        assert!(r.header("WWW-Authenticate").is_some());
    }

    #[test]
    fn config_errors_name_the_variable() {
        let e = EdgeError::Config(ConfigError {
            problems: vec![Problem {
                var: "EWS_SECRET_KEY".into(),
                invalid: None,
            }],
        });
        let page = e.page("'none'");
        assert_eq!(page.status, 500);
        let html = String::from_utf8(page.body).unwrap();
        assert!(html.contains("EWS_SECRET_KEY is missing"), "{html}");
    }

    #[test]
    fn pages_have_no_inline_script_or_style_and_strict_csp() {
        let r = login_page(401, Some("<b>bad</b>"), "'self'");
        let html = String::from_utf8(r.body.clone()).unwrap();
        assert!(
            !html.contains("<script") && !html.contains("style="),
            "{html}"
        );
        assert!(html.contains("&lt;b&gt;bad&lt;/b&gt;"));
        let csp = r.header("Content-Security-Policy").unwrap();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval';"),
            "{csp}"
        );
        assert!(csp.ends_with("frame-ancestors 'self'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"));
        assert!(r.header("Strict-Transport-Security").is_some());
        assert_eq!(r.header("Referrer-Policy"), Some("same-origin"));
    }
}
