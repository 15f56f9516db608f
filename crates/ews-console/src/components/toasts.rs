//! Toasts: an ARIA live region of short-lived messages, as markup of our
//! own text (the message and link escaped) with one delegated handler for
//! their dismiss buttons.

use leptos::prelude::*;

use crate::components::target_attr;
use crate::format::escape_html;
use crate::i18n::M;
use crate::stores::Ui;

/// The stack's markup.
fn toasts_html(ui: Ui) -> String {
    ui.toasts.with(|list| {
        let mut h = String::new();
        for t in list {
            let kind = match t.ok {
                Some(true) => "ok",
                Some(false) => "bad",
                None => "info",
            };
            h.push_str(&format!(
                "<div class=\"toast {kind}\" data-testid=\"toast\" data-kind=\"{kind}\"><span>{}</span>{}\
                 <button type=\"button\" class=\"ghost\" aria-label=\"{}\" data-dismiss=\"{}\">×</button></div>",
                escape_html(&t.text),
                t.href.as_deref().map_or_else(String::new, |h| format!(
                    "<a href=\"{}\" data-nav>{}</a>",
                    escape_html(h),
                    ui.t(M::ViewCommand)
                )),
                ui.t(M::Dismiss),
                t.id,
            ));
        }
        h
    })
}

/// The toast stack.
#[component]
pub fn Toasts() -> impl IntoView {
    let ui = Ui::get();
    let on_click = move |ev: leptos::ev::MouseEvent| {
        if let Some(id) = target_attr(&ev, "data-dismiss").and_then(|i| i.parse::<u64>().ok()) {
            ui.toasts.update(|v| v.retain(|x| x.id != id));
        }
    };
    view! {
        <div class="toasts" role="status" aria-live="polite" data-testid="toasts"
            inner_html=move || toasts_html(ui) on:click=on_click></div>
    }
}
