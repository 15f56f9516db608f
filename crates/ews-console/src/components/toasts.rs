//! Toasts: an ARIA live region of short-lived messages.

use leptos::prelude::*;

use crate::i18n::M;
use crate::stores::Ui;

/// The toast stack.
#[component]
pub fn Toasts() -> impl IntoView {
    let ui = Ui::get();
    view! {
        <div class="toasts" role="status" aria-live="polite" data-testid="toasts">
            {move || ui.toasts.get().into_iter().map(|t| {
                let id = t.id;
                let class = match t.ok { Some(true) => "toast ok", Some(false) => "toast bad", None => "toast" };
                let kind = match t.ok { Some(true) => "ok", Some(false) => "bad", None => "info" };
                view! {
                    <div class=class data-testid="toast" data-kind=kind>
                        <span>{t.text}</span>
                        {t.href.map(|h| view! { <a href=h data-nav>{ui.t(M::ViewCommand)}</a> })}
                        <button type="button" class="ghost" aria-label=ui.t(M::Dismiss)
                            on:click=move |_| ui.toasts.update(|v| v.retain(|x| x.id != id))>"×"</button>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}
