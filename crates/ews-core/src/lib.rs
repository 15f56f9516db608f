//! The EWS container API protocol, and nothing else.
//!
//! `ews-core` knows how to talk to the EWS container API: the types it sends
//! back, how a request is signed and verified, how each of the six operations
//! becomes a request, how a response body becomes a typed value or a typed
//! error, and how long to wait before asking again about a running command.
//!
//! It never performs I/O: no network, no clock, no randomness, no environment.
//! The caller passes the time in (`now_ms`, milliseconds since the Unix epoch)
//! and gets plain values back that any transport can apply. The console, the
//! edge worker, the JavaScript SDK and the simulator all build on it, so they
//! all speak the protocol the same way.
//!
//! ```
//! use ews_core::{Credentials, Operation, SignMethod, request};
//!
//! let creds = Credentials::new("t9xuit3pt202ou09", "s3cr3t", SignMethod::HmacMd5);
//! let req = request::build(&Operation::ListContainers, &creds, 1_453_960_955_000);
//! assert_eq!(req.method.as_str(), "GET");
//! assert_eq!(req.path_and_query(), "/api/v1/container?accesskey=t9xuit3pt202ou09&timestamp=1453960955000");
//! assert_eq!(req.authorization.len(), 32); // upper-case hex HMAC-MD5
//!
//! let body = br#"{"code":"0","message":"success","data":[{"id":2529,"status":"RUNNING"},{"id":"x"}]}"#;
//! let list = ews_core::decode::container_list(200, body).unwrap();
//! assert_eq!(list.containers[0].id.0, 2529);
//! assert_eq!(list.skipped[0].index, 1); // one odd item never hides the rest
//! ```
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

extern crate alloc;

pub mod action;
pub mod client;
pub mod clock;
pub mod command;
pub mod credentials;
pub mod decode;
pub mod error;
pub mod follow;
pub mod id;
pub mod json;
pub mod learn;
pub mod request;
pub mod rollout;
pub mod sign;
pub mod time;
pub mod types;
pub mod watch;

pub use action::Action;
pub use client::{Answer, Client, Exchange, NoAnswer, Request, Verdict};
pub use command::{FollowPolicy, Next, Outcome};
pub use credentials::Credentials;
pub use error::{ApiErrorCode, Error};
pub use follow::Follower;
pub use id::{CommandId, ContainerId, InvalidId};
pub use request::{Method, Operation, SignedRequest};
pub use sign::SignMethod;
pub use time::ApiTime;
pub use types::{
    Activity, Command, CommandStatus, Container, ContainerList, ContainerStatus, OddField, Skipped,
    Step, Unreadable,
};
