//! One command (`/commands/{id}`): status, result, and the full
//! activity/step timeline, live while it is being followed.

use ews_core::{Command, CommandId};
use leptos::prelude::*;

use crate::actions::load_command;
use crate::api::describe;
use crate::components::notice::error_box;
use crate::format::{self, escape_html};
use crate::i18n::M;
use crate::route::Route;
use crate::stores::{Stores, Ui};

/// The fields and the activity/step timeline as markup: every value the
/// server sent is escaped; one string instead of a view per step.
fn timeline_html(ui: Ui, cmd: &Command) -> String {
    let e = escape_html;
    let mut h = format!(
        "<dl class=\"fields\" data-testid=\"command-fields\"><dt>commandId</dt><dd>{}</dd><dt>name</dt><dd>{}</dd>\
         <dt>{}</dt><dd data-testid=\"command-status\">{}</dd><dt>{}</dt><dd data-testid=\"command-result\">{} {}</dd>\
         <dt>{}</dt><dd>{}</dd><dt>endTime</dt><dd>{}</dd></dl><h2>{}</h2>",
        e(cmd.command_id.as_str()),
        e(&cmd.name),
        ui.t(M::CommandStatus),
        e(cmd.status.as_str()),
        ui.t(M::Result),
        e(&cmd.result),
        e(&cmd.result_msg),
        ui.t(M::Created),
        e(format::time(&cmd.create_time)),
        e(format::time(&cmd.end_time)),
        ui.t(M::Timeline),
    );
    if cmd.activitys.is_empty() {
        h.push_str(&format!("<p class=\"muted\">{}</p>", ui.t(M::NoActivities)));
    }
    h.push_str("<ol class=\"timeline\" data-testid=\"timeline\">");
    for a in &cmd.activitys {
        h.push_str(&format!(
            "<li data-testid=\"timeline-activity\"><strong>{}</strong> <span class=\"muted\">{}</span>\
             <div class=\"muted small\">{} → {}</div><ol class=\"steps\">",
            e(&a.name),
            e(&a.code),
            e(format::time(&a.create_time)),
            e(format::time(&a.end_time)),
        ));
        for st in &a.steps {
            h.push_str(&format!(
                "<li data-testid=\"timeline-step\">{} <span class=\"muted\">{}</span>",
                e(&st.step_name),
                e(&st.status)
            ));
            if let Some(m) = st.msg.as_deref().filter(|m| !m.is_empty()) {
                h.push_str(&format!("<span class=\"small\"> · {}</span>", e(m)));
            }
            h.push_str("</li>");
        }
        h.push_str("</ol></li>");
    }
    h.push_str("</ol>");
    h
}

/// The page.
#[component]
pub fn CommandPage(
    /// The command.
    id: CommandId,
) -> impl IntoView {
    let s = Stores::get();
    let (ui, cmds) = (s.ui, s.cmds);
    let lang = ui.lang();
    let fetched = RwSignal::new(None::<Command>);
    let error = RwSignal::new(None::<ews_core::Error>);
    let load = {
        let id = id.clone();
        move || {
            let id = id.clone();
            ui.spawn(async move {
                match load_command(s, &id).await {
                    Ok(c) => {
                        error.set(None);
                        fetched.set(Some(c));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    load();
    let tracked = {
        let id = id.clone();
        Memo::new(move |_| {
            cmds.log
                .with(|log| log.iter().find(|t| t.command_id == id).cloned())
        })
    };
    // The follower's latest state when it has one, else what we fetched.
    let latest = move || {
        tracked
            .get()
            .and_then(|t| t.command)
            .or_else(|| fetched.get())
    };
    let container = move || tracked.get().map(|t| t.container_id);
    view! {
        <section class="card" aria-labelledby="command-title" data-testid="command-page">
            <a href=ui.prefix.get_value() + &s.list.url_of(&Route::List) data-nav>{ui.t(M::Back)}</a>
            <h1 id="command-title">{ui.t(M::Command)} " " <code>{id.to_string()}</code></h1>
            {move || container().map(|c| view! { <p><a href=ui.href(&Route::Container(c)) data-nav>{ui.t(M::ContainerTitle)} " " {c.0}</a></p> })}
            {move || tracked.get().and_then(|t| t.ended).map(|e| view! {
                <p class=if e.ok { "ok" } else { "bad" } data-testid="command-outcome">{e.text}</p>
            })}
            <button type="button" class="small" data-testid="command-refresh" on:click=move |_| load()>{ui.t(M::Refresh)}</button>
            {move || error.get().map(|e| {
                let (msg, detail) = describe(&e, lang);
                error_box("command-error", None, msg, detail)
            })}
            <div inner_html=move || latest().map(|c| timeline_html(ui, &c)).unwrap_or_default()></div>
        </section>
    }
}
