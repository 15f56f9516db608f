//! The JavaScript SDK of the EWS container API: `ews-core` compiled to wasm.
//!
//! Everything about the protocol (signing, the six requests, decoding, typed
//! errors, the command-following policy, clock correction) comes from
//! `ews-core`; this crate only turns it into a JavaScript-friendly API.
//! `cargo xtask js` builds it with `wasm-bindgen --target web` into
//! `dist/ews-js/`, next to the hand-written ES modules in `js/` (`EwsError`,
//! `EwsClient`, and one entry each for browsers + Node and edge runtimes).
//!
//! The crate has two layers:
//!
//! - pure glue, unit-tested natively: [`info`] (the plain objects handed to
//!   JavaScript: errors, outcomes, polling decisions, signed requests),
//!   [`operation`] (operation names and ids as JavaScript passes them),
//!   [`call`] (one client's calls on the core's client brain) and
//!   [`follow`] (the follow policy's knobs as JavaScript passes them);
//! - [`bindings`]: the `#[wasm_bindgen]` exports and their TypeScript types,
//!   which only convert between `JsValue` and the glue.
//!
//! ```
//! use ews_js::call::{Account, Answered};
//! use ews_js::operation::{Id, parse};
//! use ews_core::SignMethod;
//!
//! let mut account = Account::new("ews-demo", "ews-demo-secret", SignMethod::HmacMd5);
//! let op = parse("list", Id::None).unwrap();
//! let (mut exchange, req) = account.begin(op, 1_453_960_955_000);
//! assert_eq!(req.method, "GET");
//! assert_eq!(req.authorization.len(), 32);
//!
//! let body = br#"{"code":"0","message":"success","data":[{"id":7,"status":"RUNNING"}]}"#;
//! let got = account.answer(&mut exchange, 200, body, None, 1_453_960_955_100);
//! let Answered::Value(json) = got else { panic!() };
//! assert!(json.starts_with(r#"{"containers":[{"id":7,"#));
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

pub mod bindings;
pub mod call;
pub mod fleet;
pub mod follow;
pub mod info;
pub mod operation;

pub use call::{Account, Answered};
pub use info::{ErrorInfo, NextInfo, OutcomeInfo, RequestInfo};
pub use operation::Id;
