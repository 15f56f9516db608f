//! Status badges: a distinct colour per state, and always the state's text
//! (colour is never the only signal).

use ews_core::ContainerStatus;
use leptos::prelude::*;

use crate::i18n::Lang;
use crate::list::status_key;

/// The CSS class of a status filter key (`RUNNING` → `s-running`).
pub fn status_class(key: &str) -> String {
    format!("badge s-{}", key.to_ascii_lowercase())
}

/// A status badge, with what the state means as its title. Undocumented
/// states show their own text on the "unknown" colour.
pub fn badge(status: &ContainerStatus, lang: Lang) -> impl IntoView + use<> {
    let key = status_key(status);
    let text = if status.as_str().is_empty() {
        "?".to_string()
    } else {
        status.as_str().to_string()
    };
    view! { <span class=status_class(key) data-testid="status-badge" data-status=key title=lang.meaning(status)>{text}</span> }
}
