//! Start / stop / delete buttons for one container: enabled only where the
//! core's state rule ([`Action::usual_from`]) allows, busy while a command
//! runs for the container, delete behind a confirmation naming it.

use ews_core::{Action, ContainerId, ContainerStatus};
use leptos::prelude::*;

use crate::actions::{act, action_label};
use crate::stores::{Dialog, Stores};

/// What clicking an action does: delete asks first, the others run.
pub fn request(s: Stores, action: Action, id: ContainerId) {
    match action {
        Action::Delete => s.ui.dialog.set(Some(Dialog::ConfirmDelete(id))),
        _ => act(s, action, id),
    }
}

/// The three buttons (nothing for viewers).
pub fn action_buttons(
    s: Stores,
    id: ContainerId,
    status: &ContainerStatus,
) -> impl IntoView + use<> {
    let can_act = s.can_act();
    let cmds = s.cmds;
    let buttons = Action::ALL.map(|action| {
        let allowed = action.usual_from(status);
        let class = if action == Action::Delete {
            "small danger"
        } else {
            "small"
        };
        let label = s.t(action_label(action));
        view! {
            <button type="button" class=class
                data-testid=format!("action-{action}")
                aria-label=format!("{label} {id}")
                disabled=move || !allowed || cmds.busy(id)
                aria-busy=move || cmds.busy(id).then_some("true")
                on:click=move |_| request(s, action, id)>{label}</button>
        }
    });
    can_act.then(|| view! { <span class="actions">{buttons.into_iter().collect_view()}</span> })
}
