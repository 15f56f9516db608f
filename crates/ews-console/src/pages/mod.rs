//! Route-level views.

pub mod command;
pub mod connect;
pub mod container;
pub mod list;
