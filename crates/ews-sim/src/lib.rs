//! `ews-sim`: a faithful local simulator of the EWS container API.
//!
//! A real HTTP server (tokio + hyper) that serves the six documented
//! endpoints with ews-core's route table, signature check and types, so the
//! console, the edge worker and every end-to-end test have a deterministic
//! peer:
//!
//! - a seeded fleet in which every documented container state appears
//!   ([`fleet`]);
//! - commands that move in real time, `CREATED` → `PUBLISHED` → `RUNNING` →
//!   `DONE`, with activities and steps, and sometimes fail ([`plan`],
//!   advanced lazily by [`state::Sim::advance`]: no background tasks);
//! - fault injection, off by default ([`faults`]), and unsigned admin
//!   endpoints to steer it (`--admin`);
//! - CORS for the browser console, and the console itself with `--static`.
//!
//! **State lives in memory only**: every start begins with the same seeded
//! fleet, and a restart forgets every change. Run `ews-sim --help` for the
//! command line.
//!
//! ```
//! use ews_sim::state::{Sim, SimOptions};
//! use ews_core::{Action, ContainerStatus};
//!
//! let now = 1_700_000_000_000;
//! let options = SimOptions { seed: 1, containers: 20, step_ms: 100, fail_rate: 0.0, ..SimOptions::default() };
//! let mut sim = Sim::new(options, now, 0);
//! let stopped = sim.containers().find(|c| c.status == ContainerStatus::Stopped).map(|c| c.id).unwrap();
//! let cmd = sim.act(Action::Start, stopped, now, 0.0).unwrap();
//! assert_eq!(cmd.status.as_str(), "CREATED");
//! sim.advance(now + 1_000);
//! assert!(sim.command(cmd.command_id.as_str()).unwrap().succeeded());
//! assert_eq!(sim.container(stopped).unwrap().status, ContainerStatus::Running);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod admin;
mod api;
pub mod assets;
pub mod clock;
pub mod config;
pub mod cors;
pub mod faults;
pub mod fleet;
pub mod plan;
pub mod quirks;
pub mod response;
pub mod rng;
pub mod server;
pub mod state;

pub use config::{Config, Parsed};
pub use server::{App, serve};
