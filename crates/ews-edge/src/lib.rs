//! The EWS console's edge worker.
//!
//! A fetch handler for edge runtimes (Cloudflare Workers, workerd, and any
//! runtime with the standard `fetch(request, env)` shape) that:
//!
//! - serves the console's files with strict security headers;
//! - lets console users sign in with a token (bearer header or a login page
//!   that sets a signed session cookie), each with a role, with a sign-in
//!   limiter, revocable sessions and an audit trail kept in a Durable
//!   Object (`durable`);
//! - proxies the six API operations — and nothing else — to the upstream
//!   of the account the path names (one, or several each with its own
//!   keys, users holding a role per account), signing every request afresh
//!   with a secret key that lives only in the worker's environment.
//!
//! The logic is plain Rust over a [`app::Platform`] trait, so it is tested
//! natively with a fake runtime; the wasm glue (`worker` module, built only
//! for `wasm32`) adapts it to `web_sys::Request`/`Response` and `fetch`.
//!
//! ```
//! use ews_edge::users::{Role, Users};
//!
//! let users = Users::parse("alice:operator@staging+viewer@prod:alice-token-0123456789").unwrap();
//! let alice = users.by_token("alice-token-0123456789").unwrap();
//! assert_eq!(alice.name(), "alice");
//! assert_eq!(alice.role_in("staging"), Some(Role::Operator));
//! assert_eq!(alice.role_in("prod"), Some(Role::Viewer));
//! assert_eq!(alice.role_in("eu"), None);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

pub mod app;
pub mod audit_page;
pub mod config;
pub mod durable;
pub mod json;
pub mod limiter;
pub mod reply;
pub mod session;
pub mod users;

#[cfg(target_arch = "wasm32")]
pub mod sqldb;
#[cfg(target_arch = "wasm32")]
pub mod worker;
