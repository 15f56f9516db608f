//! One command (`/commands/{id}`): status, result, and the full
//! activity/step timeline, live while it is being followed.

use ews_core::{Command, CommandId};
use leptos::prelude::*;

use crate::actions::load_command;
use crate::api::describe;
use crate::components::notice::error_box;
use crate::format;
use crate::i18n::M;
use crate::route::Route;
use crate::stores::{Stores, Ui};

fn timeline(ui: Ui, cmd: Command) -> impl IntoView {
    let activities = cmd.activitys.clone();
    let empty = activities.is_empty();
    view! {
        <dl class="fields" data-testid="command-fields">
            <dt>"commandId"</dt><dd>{cmd.command_id.to_string()}</dd>
            <dt>"name"</dt><dd>{cmd.name.clone()}</dd>
            <dt>{ui.t(M::CommandStatus)}</dt><dd data-testid="command-status">{cmd.status.as_str().to_string()}</dd>
            <dt>{ui.t(M::Result)}</dt><dd data-testid="command-result">{format!("{} {}", cmd.result, cmd.result_msg)}</dd>
            <dt>{ui.t(M::Created)}</dt><dd>{format::time(&cmd.create_time).to_string()}</dd>
            <dt>"endTime"</dt><dd>{format::time(&cmd.end_time).to_string()}</dd>
        </dl>
        <h2>{ui.t(M::Timeline)}</h2>
        {empty.then(|| view! { <p class="muted">{ui.t(M::NoActivities)}</p> })}
        <ol class="timeline" data-testid="timeline">
            {activities.into_iter().map(|a| view! {
                <li data-testid="timeline-activity">
                    <strong>{a.name}</strong> " " <span class="muted">{a.code}</span>
                    <div class="muted small">{format::time(&a.create_time).to_string()} " → " {format::time(&a.end_time).to_string()}</div>
                    <ol class="steps">
                        {a.steps.into_iter().map(|s| view! {
                            <li data-testid="timeline-step">
                                {s.step_name} " " <span class="muted">{s.status}</span>
                                {s.msg.filter(|m| !m.is_empty()).map(|m| view! { <span class="small">" · " {m}</span> })}
                            </li>
                        }).collect_view()}
                    </ol>
                </li>
            }).collect_view()}
        </ol>
    }
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
            <a href=s.list.url_of(&Route::List) data-nav>{ui.t(M::Back)}</a>
            <h1 id="command-title">{ui.t(M::Command)} " " <code>{id.to_string()}</code></h1>
            {move || container().map(|c| view! { <p><a href=Route::Container(c).path() data-nav>{ui.t(M::ContainerTitle)} " " {c.0}</a></p> })}
            {move || tracked.get().and_then(|t| t.ended).map(|e| view! {
                <p class=if e.ok { "ok" } else { "bad" } data-testid="command-outcome">{e.text}</p>
            })}
            <button type="button" class="small" data-testid="command-refresh" on:click=move |_| load()>{ui.t(M::Refresh)}</button>
            {move || error.get().map(|e| {
                let (msg, detail) = describe(&e, lang);
                error_box("command-error", None, msg, detail)
            })}
            {move || latest().map(|c| timeline(ui, c))}
        </section>
    }
}
