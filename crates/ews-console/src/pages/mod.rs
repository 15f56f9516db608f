//! Route-level views.

pub mod audit;
pub mod command;
pub mod connect;
pub mod container;
pub mod list;
