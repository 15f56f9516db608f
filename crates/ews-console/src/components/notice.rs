//! The one error box every page uses (`role="alert"`).

use leptos::prelude::*;

/// An error: an optional bold lead, the message, optional details.
pub fn error_box(
    testid: &'static str,
    lead: Option<&'static str>,
    msg: String,
    detail: Option<String>,
) -> AnyView {
    view! {
        <div class="error" role="alert" data-testid=testid>
            {lead.map(|l| view! { <strong>{l}</strong> " " })}
            <span data-testid="error-message">{msg}</span>
            {detail.map(|d| view! { <div class="small">{d}</div> })}
        </div>
    }
    .into_any()
}
