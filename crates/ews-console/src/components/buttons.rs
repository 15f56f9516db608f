//! Start / stop / restart / delete buttons for one container. The core's state rule
//! is advice, not a lock ([`Action::usual_when`]): the actions a state
//! usually takes are the prominent buttons and run at once (delete asks
//! first, naming the container); every other action stays clickable, quiet,
//! and asks first, saying the service may refuse it. A button is busy (and
//! disabled) only while a command of this console runs for the container.

use std::sync::Arc;

use ews_core::{Action, ContainerId};
use leptos::prelude::*;

use crate::actions::{OPS, act, op_key, op_label, restart};
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

/// The four buttons (nothing for viewers).
pub fn action_buttons(s: Stores, row: Arc<Row>) -> impl IntoView + use<> {
    let can_act = s.can_act();
    let cmds = s.cmds;
    let lang = s.ui.lang();
    let id = row.c.id;
    let buttons = OPS.map(|(action, again)| {
        let r = Arc::clone(&row);
        let is_usual = move || {
            if again {
                ews_core::rollout::Restart::usual_when(&r.c.status, s.stuck(&r.c))
            } else {
                s.usual(action, &r.c)
            }
        };
        let m = op_label(action, again);
        let label = s.t(m);
        let status = row.c.status.clone();
        let (u1, u2, u3) = (is_usual.clone(), is_usual.clone(), is_usual.clone());
        let class = move || {
            let danger = if action == Action::Delete {
                " danger"
            } else {
                ""
            };
            let quiet = if u1() { "" } else { " quiet" };
            format!("small{danger}{quiet}")
        };
        let title = move || (!u2()).then(|| lang.not_usual(m, &status));
        view! {
            <button type="button" class=class
                data-testid=format!("action-{}", op_key(action, again))
                data-usual=move || u3().to_string()
                title=title
                aria-label=format!("{label} {id}")
                disabled=move || cmds.busy(id)
                aria-busy=move || cmds.busy(id).then_some("true")
                on:click=move |_| request(s, action, again, id, untrack(&is_usual))>{label}</button>
        }
    });
    can_act.then(|| view! { <span class="actions">{buttons.into_iter().collect_view()}</span> })
}
