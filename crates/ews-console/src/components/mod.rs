//! Reusable views.

pub mod activity_panel;
pub mod badge;
pub mod buttons;
pub mod dialog;
pub mod header;
pub mod notice;
pub mod table;
pub mod toasts;
