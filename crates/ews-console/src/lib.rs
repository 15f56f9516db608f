//! The EWS web console: a Leptos client-side-rendered single-page app.
//!
//! Operators see every container at a glance, act on one or many safely, and
//! know for sure whether each action worked. All protocol logic (signing,
//! decoding, which action fits which state, how to follow a command) lives in
//! [`ews_core`]; this crate is the browser side of it.
//!
//! - [`app`]: the frame: stores, routing over the History API, the layout.
//! - [`stores`]: the state, in four narrow stores (interface, connection,
//!   list, commands).
//! - [`api`]: the transport, the only place that fetches (direct: the browser
//!   signs; edge: same-origin, the edge worker signs).
//! - [`list`], [`columns`], [`route`], [`format`](mod@format), [`export`],
//!   [`i18n`]: plain data and pure functions, unit-tested natively.
//! - [`pages`], [`components`]: the views.
//! - [`shell`], [`life`], [`embed`]: where the console lives (the page, or an
//!   element of a host page) and everything it has running, so that an
//!   embedded console can be unmounted without a trace.
//!
//! Invariants, stated as absences: nothing but [`clock`] reads the clock;
//! no timer, request or task outlives the console's [`life::Life`];
//! nothing but [`shell`] writes the address bar or `<html>`;
//! nothing but [`api`] fetches; nothing but [`storage`] touches Web Storage;
//! the secret key is never written to a URL, the DOM, a log or a message.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod accounts;
pub mod actions;
pub mod activity;
pub mod api;
pub mod app;
pub mod clock;
pub mod columns;
pub mod components;
pub mod connection;
pub mod embed;
pub mod export;
pub mod fleet;
pub mod format;
pub mod i18n;
pub mod life;
pub mod list;
pub mod pages;
pub mod panic;
pub mod route;
pub mod shell;
pub mod storage;
pub mod stores;

pub use app::App;

/// Installs the panic hook and mounts the console on `<body>`.
pub fn start() {
    panic::install();
    leptos::mount::mount_to_body(App);
}
