//! Reusable views.

pub mod activity_panel;
pub mod badge;
pub mod buttons;
pub mod dialog;
pub mod header;
pub mod notice;
pub mod table;
pub mod toasts;

use wasm_bindgen::JsCast;

/// The value of `attr` on the event's target or the nearest ancestor that
/// has it: how the handler delegated to a piece of markup finds what was
/// clicked.
pub fn target_attr(ev: &web_sys::Event, attr: &str) -> Option<String> {
    ev.target()?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest(&format!("[{attr}]"))
        .ok()??
        .get_attribute(attr)
}
