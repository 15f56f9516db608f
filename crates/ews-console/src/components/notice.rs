//! The one error box every page uses (`role="alert"`), as a view or as
//! markup.

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

/// [`error_box`] as markup (the message and details escaped).
pub fn error_html(testid: &str, msg: &str, detail: Option<&str>) -> String {
    format!(
        "<div class=\"error\" role=\"alert\" data-testid=\"{testid}\"><span data-testid=\"error-message\">{}</span>{}</div>",
        crate::format::escape_html(msg),
        detail.map_or_else(String::new, |d| format!(
            "<div class=\"small\">{}</div>",
            crate::format::escape_html(d)
        )),
    )
}
