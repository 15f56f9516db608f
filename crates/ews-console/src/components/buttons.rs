//! Start / stop / delete buttons for one container: enabled only where the
//! core's state rule ([`Action::allowed_from`]) allows, busy while a command
//! runs for the container, delete behind a confirmation naming it.

use ews_core::{Action, ContainerId, ContainerStatus};
use leptos::prelude::*;

use crate::actions::{act, action_label, busy};
use crate::app::{Ctx, Dialog};

/// What clicking an action does: delete asks first, the others run.
pub fn request(ctx: Ctx, action: Action, id: ContainerId) {
    match action {
        Action::Delete => ctx.dialog.set(Some(Dialog::ConfirmDelete(id))),
        _ => act(ctx, action, id),
    }
}

/// The three buttons (nothing for viewers).
pub fn action_buttons(
    ctx: Ctx,
    id: ContainerId,
    status: &ContainerStatus,
) -> impl IntoView + use<> {
    let can_act = ctx.can_act();
    let buttons = Action::ALL.map(|action| {
        let allowed = action.allowed_from(status);
        let class = if action == Action::Delete {
            "small danger"
        } else {
            "small"
        };
        let label = ctx.t(action_label(action));
        view! {
            <button type="button" class=class
                data-testid=format!("action-{action}")
                aria-label=format!("{label} {id}")
                disabled=move || !allowed || busy(ctx, id)
                aria-busy=move || busy(ctx, id).then_some("true")
                on:click=move |_| request(ctx, action, id)>{label}</button>
        }
    });
    can_act.then(|| view! { <span class="actions">{buttons.into_iter().collect_view()}</span> })
}
