//! The top bar: name, who is connected, language, theme, disconnect/forget.

use leptos::prelude::*;

use wasm_bindgen::JsCast;

use crate::format::{escape_html, options_html};
use crate::i18n::{Lang, M};
use crate::stores::{ConnState, Stores, Theme, Ui};

/// The value of the switcher's "add account" choice (no name has a `/`).
const ADD: &str = "/";
/// The value of the switcher's "all accounts" choice: the fleet view.
const FLEET: &str = "/fleet";

/// Edge mode's links, as markup of our own text: the audit trail (for
/// those the worker lets read it) and the worker's sign-out forms (posted
/// from this page).
fn edge_links(ui: Ui, audit: bool, forms: bool) -> String {
    let mut html = String::new();
    if audit {
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

/// The header's content as markup of our own text (the label escaped):
/// the name, the menu toggle (a checkbox and its label open the menu on a
/// narrow screen without any script), the account switcher, who is
/// connected, language, theme.
fn header_html(s: Stores) -> String {
    let ui = s.ui;
    let lang = ui.lang();
    let state = s.conn.state.get();
    let (shown, direct, audit, accounts) = s.conn.accounts.with_value(|a| {
        let list: Vec<(String, bool)> = a
            .list
            .iter()
            .map(|x| (x.name.clone(), a.shown.as_ref() == Some(&x.name)))
            .collect();
        (a.shown.clone(), a.edge.is_none(), a.audit, list)
    });
    let fleet = ui.route.get_untracked() == crate::route::Route::Fleet;
    let who = match state {
        ConnState::Connected {
            label,
            edge_user,
            can_act,
        } => {
            let role = match (edge_user.is_some(), can_act) {
                (false, _) => "",
                (true, true) => ui.t(M::RoleOperator),
                (true, false) => ui.t(M::RoleViewer),
            };
            let button = |id: &str, m: M| {
                format!(
                    "<button type=\"button\" class=\"ghost\" data-testid=\"{id}\">{}</button>",
                    ui.t(m)
                )
            };
            format!(
                "<span class=\"who\" data-testid=\"who\">{}{}{role}</span><span class=\"inline\">{}</span>{}{}",
                escape_html(&label),
                if role.is_empty() { "" } else { " · " },
                edge_links(ui, !direct && audit, !direct && ui.shell().signs_out_here()),
                if direct && !fleet {
                    button("disconnect", M::Disconnect)
                } else {
                    String::new()
                },
                if direct && shown.as_deref().is_some_and(crate::accounts::is_remembered) {
                    button("forget", M::Forget)
                } else {
                    String::new()
                },
            )
        }
        _ => String::new(),
    };
    let select = |id: &str, m: M, options: String| {
        format!(
            "<label class=\"inline\"><span class=\"sr-only\">{0}</span><select data-testid=\"{id}\" aria-label=\"{0}\">{options}</select></label>",
            ui.t(m)
        )
    };
    // Direct mode: every kept account, and "add"; edge: several to choose from.
    let adds = direct && ui.shell().adds_accounts();
    let switcher = if adds || accounts.len() > 1 {
        let all = (accounts.len() > 1).then_some((FLEET, ui.t(M::AllAccounts), fleet));
        let add = adds.then_some((ADD, ui.t(M::AddAccount), shown.is_none() && !fleet));
        select(
            "account-switch",
            M::Account,
            options_html(
                all.into_iter()
                    .chain(accounts.iter().map(|(n, on)| (n.as_str(), n.as_str(), *on)))
                    .chain(add),
            ),
        )
    } else {
        String::new()
    };
    format!(
        "<a class=\"brand\" href=\"{4}\" data-nav>{}</a><div class=\"spacer\"></div>\
         <input type=\"checkbox\" id=\"ews-menu\" class=\"menu-toggle\" data-testid=\"menu\">\
         <label for=\"ews-menu\" class=\"menu-button\" title=\"{1}\"><span aria-hidden=\"true\">☰</span><span class=\"sr-only\">{1}</span></label>\
         <div class=\"menu\">{switcher}{who}{2}{3}</div>",
        ui.t(M::AppName),
        ui.t(M::Menu),
        select(
            "lang",
            M::Language,
            options_html(Lang::ALL.map(|l| (l.tag(), l.name(), l == lang)))
        ),
        select(
            "theme",
            M::Theme,
            options_html(Theme::ALL.map(|t| (
                t.as_str(),
                ui.t(t.label()),
                t == ui.theme.get_untracked()
            )))
        ),
        if fleet {
            FLEET.to_string()
        } else {
            escape_html(&ui.prefix.get_value()) + "/"
        },
    )
}

/// The header: its markup (`header_html`, rebuilt when the connection
/// changes) and its handlers, delegated.
#[component]
pub fn Header() -> impl IntoView {
    let s = Stores::get();
    let ui = s.ui;
    let testid = |ev: &leptos::ev::Event| {
        ev.target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.get_attribute("data-testid"))
    };
    let on_change = move |ev: leptos::ev::Event| match testid(&ev).as_deref() {
        Some("lang") => {
            if let Some(l) = Lang::parse(&event_target_value(&ev)) {
                ui.set_lang(l);
            }
        }
        Some("theme") => ui.set_theme(Theme::parse(&event_target_value(&ev))),
        Some("account-switch") => {
            match event_target_value(&ev).as_str() {
                ADD => crate::connection::add(s),
                FLEET => crate::connection::fleet(s, true),
                name => crate::connection::switch(s, name, None),
            }
            // The header is rebuilt: the keyboard stays on the switcher.
            request_animation_frame(move || {
                if let Some(e) = ui.shell().find("[data-testid=account-switch]")
                    && let Ok(e) = e.dyn_into::<web_sys::HtmlElement>()
                {
                    let _ = e.focus();
                }
            });
        }
        _ => {}
    };
    let on_click = move |ev: leptos::ev::MouseEvent| match testid(&ev).as_deref() {
        Some("disconnect") => crate::connection::disconnect(s, false),
        Some("forget") => crate::connection::disconnect(s, true),
        _ => {}
    };
    view! {
        <header class="top" inner_html=move || header_html(s) on:change=on_change on:click=on_click></header>
    }
}
