//! The top bar: name, who is connected, language, theme, disconnect/forget.

use leptos::prelude::*;

use crate::format::options_html;
use crate::i18n::{Lang, M};
use crate::storage::{self, keys};
use crate::stores::{ConnState, Stores, Theme, Ui};

/// Wipes a remembered secret (and the stored connection) from this device.
pub fn forget(ui: Ui) {
    storage::remove(keys::SECRET);
    storage::remove(keys::CONNECTION);
    ui.toast(None, ui.t(M::Forgotten), None);
}

/// Edge mode's links, as markup of our own text: the audit trail (for
/// operators) and the worker's sign-out forms (posted from this page).
fn edge_links(ui: Ui, operator: bool, forms: bool) -> String {
    let mut html = String::new();
    if operator {
        // The worker renders the audit trail itself (a page, not part of
        // the console's bundle), in the console's language.
        html.push_str(&format!(
            "<a href=\"/audit?lang={}\" data-testid=\"audit-link\">{}</a>",
            if ui.lang() == crate::i18n::Lang::Zh {
                "zh"
            } else {
                "en"
            },
            ui.t(M::Audit)
        ));
    }
    if forms {
        html.push_str(&format!(
            "<form method=\"post\" action=\"/edge/logout\" class=\"inline\"><button type=\"submit\" class=\"ghost\" data-testid=\"sign-out\">{}</button></form>\
             <form method=\"post\" action=\"/edge/logout\" class=\"inline\"><input type=\"hidden\" name=\"scope\" value=\"everywhere\"><button type=\"submit\" class=\"ghost\" data-testid=\"sign-out-everywhere\">{}</button></form>",
            ui.t(M::SignOut),
            ui.t(M::SignOutEverywhere)
        ));
    }
    html
}

/// The header.
#[component]
pub fn Header() -> impl IntoView {
    let s = Stores::get();
    let ui = s.ui;
    let lang = ui.lang();
    let on_lang = move |ev: leptos::ev::Event| {
        if let Some(l) = Lang::parse(&event_target_value(&ev)) {
            ui.set_lang(l);
        }
    };
    let on_theme = move |ev: leptos::ev::Event| {
        ui.set_theme(Theme::parse(&event_target_value(&ev)));
    };
    let who = move || match s.conn.state.get() {
        ConnState::Connected {
            label,
            edge_user,
            can_act,
        } => {
            let role = match (edge_user.is_some(), can_act) {
                (false, _) => String::new(),
                (true, true) => format!(" · {}", ui.t(M::RoleOperator)),
                (true, false) => format!(" · {}", ui.t(M::RoleViewer)),
            };
            let direct = edge_user.is_none();
            let operator = edge_user.is_some() && can_act;
            let forms = edge_user.is_some() && ui.shell().signs_out_here();
            Some(view! {
                <span class="who" data-testid="who">{label}{role}</span>
                <span class="inline" inner_html=edge_links(ui, operator, forms)></span>
                {direct.then(|| view! {
                    <button type="button" class="ghost" data-testid="disconnect" on:click=move |_| s.disconnect()>{ui.t(M::Disconnect)}</button>
                })}
                {(direct && storage::get(keys::SECRET).is_some()).then(|| view! {
                    <button type="button" class="ghost" data-testid="forget" on:click=move |_| { forget(ui); s.disconnect(); }>{ui.t(M::Forget)}</button>
                })}
            })
        }
        _ => None,
    };
    view! {
        <header class="top">
            <a class="brand" href="/" data-nav>{ui.t(M::AppName)}</a>
            <div class="spacer"></div>
            // On a narrow screen the rest folds into a menu: a checkbox and
            // its label open it without any script (wide: both hidden).
            <input type="checkbox" id="ews-menu" class="menu-toggle" data-testid="menu"/>
            <label for="ews-menu" class="menu-button" title=ui.t(M::Menu)>
                <span aria-hidden="true">"☰"</span><span class="sr-only">{ui.t(M::Menu)}</span>
            </label>
            <div class="menu">
            {who}
            <label class="inline">
                <span class="sr-only">{ui.t(M::Language)}</span>
                <select data-testid="lang" on:change=on_lang aria-label=ui.t(M::Language)
                    inner_html=options_html(Lang::ALL.map(|l| (l.tag(), l.name(), l == lang)))></select>
            </label>
            <label class="inline">
                <span class="sr-only">{ui.t(M::Theme)}</span>
                <select data-testid="theme" on:change=on_theme aria-label=ui.t(M::Theme)
                    inner_html=options_html(Theme::ALL.map(|t| (t.as_str(), ui.t(t.label()), t == ui.theme.get_untracked())))></select>
            </label>
            </div>
        </header>
    }
}
