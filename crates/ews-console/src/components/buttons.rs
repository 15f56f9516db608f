//! Start / stop / restart / delete buttons for one container. The core's state rule
//! is advice, not a lock ([`Action::usual_when`]): the actions a state
//! usually takes are the prominent buttons and run at once (delete asks
//! first, naming the container); every other action stays clickable, quiet,
//! and asks first, saying the service may refuse it. A button is busy (and
//! disabled) only while a command of this console runs for the container.

use std::sync::Arc;

use ews_core::{Action, ContainerId};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::actions::{OPS, act, op_key, op_label, restart};
use crate::format::escape_html;
use crate::list::Row;
use crate::stores::{Dialog, Stores};

/// What clicking an action does: a usual start, stop or restart runs;
/// delete, and whatever the state does not usually take, asks first.
pub fn request(s: Stores, action: Action, restart_: bool, id: ContainerId, usual: bool) {
    if action == Action::Delete || !usual {
        s.ui.dialog.set(Some(Dialog::Confirm {
            action,
            restart: restart_,
            id,
        }));
    } else if restart_ {
        restart(s, id);
    } else {
        act(s, action, id);
    }
}

/// The four buttons (nothing for viewers): markup rebuilt when the
/// container's advice or busy state changes, one delegated handler.
pub fn action_buttons(s: Stores, row: Arc<Row>) -> impl IntoView + use<> {
    let lang = s.ui.lang();
    let id = row.c.id;
    let name = crate::format::escape_html(&s.label(id));
    let status = row.c.status.clone();
    let usual = move |action: Action, again: bool| {
        if again {
            ews_core::rollout::Restart::usual_when(&row.c.status, s.stuck(&row.c))
        } else {
            s.usual(action, &row.c)
        }
    };
    let usual_ = usual.clone();
    let html = move || {
        let busy = if s.cmds.busy(id) {
            " disabled aria-busy=\"true\""
        } else {
            ""
        };
        let mut h = String::new();
        for (i, (action, again)) in OPS.into_iter().enumerate() {
            let u = usual_(action, again);
            let m = op_label(action, again);
            let label = s.t(m);
            let title = if u {
                String::new()
            } else {
                format!(" title=\"{}\"", escape_html(&lang.not_usual(m, &status)))
            };
            h.push_str(&format!(
                "<button type=\"button\" class=\"small{}{}\" data-testid=\"action-{}\" data-op=\"{i}\" data-usual=\"{u}\"{title} aria-label=\"{label} {name}\"{busy}>{label}</button>",
                if action == Action::Delete { " danger" } else { "" },
                if u { "" } else { " quiet" },
                op_key(action, again),
            ));
        }
        h
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let op = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("[data-op]").ok().flatten())
            .and_then(|e| e.get_attribute("data-op"))
            .and_then(|i| OPS.get(i.parse::<usize>().ok()?).copied());
        if let Some((action, again)) = op {
            request(s, action, again, id, untrack(|| usual(action, again)));
        }
    };
    s.can_act_on(id)
        .then(|| view! { <span class="actions" inner_html=html on:click=on_click></span> })
}
