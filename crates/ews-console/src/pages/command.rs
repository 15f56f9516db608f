//! One command (`/commands/{id}`): status, result, and the full
//! activity/step timeline, live while it is being followed.

use ews_core::{Command, CommandId, ContainerId};
use leptos::prelude::*;

use crate::actions::load_command;
use crate::api::describe;
use crate::components::notice::error_html;
use crate::components::target_attr;
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

/// The page's markup above the timeline: the way back, the title, the
/// container's link, how the command ended, the refresh button and an
/// error, as our own text (values escaped).
fn head_html(
    s: Stores,
    id: &CommandId,
    container: Option<ContainerId>,
    ended: Option<(bool, String)>,
    error: Option<&ews_core::Error>,
) -> String {
    let ui = s.ui;
    let mut h = format!(
        "<a href=\"{}\" data-nav>{}</a><h1 id=\"command-title\">{} <code>{}</code></h1>",
        escape_html(&s.list.url_of(&Route::List)),
        ui.t(M::Back),
        ui.t(M::Command),
        escape_html(id.as_str()),
    );
    if let Some(c) = container {
        h.push_str(&format!(
            "<p><a href=\"{}\" data-nav>{} {c}</a></p>",
            escape_html(&ui.href(&Route::Container(c))),
            ui.t(M::ContainerTitle),
        ));
    }
    if let Some((ok, text)) = ended {
        h.push_str(&format!(
            "<p class=\"{}\" data-testid=\"command-outcome\">{}</p>",
            if ok { "ok" } else { "bad" },
            escape_html(&text)
        ));
    }
    h.push_str(&format!(
        "<button type=\"button\" class=\"small\" data-testid=\"command-refresh\">{}</button>",
        ui.t(M::Refresh)
    ));
    if let Some(e) = error {
        let (msg, detail) = describe(e, ui.lang());
        h.push_str(&error_html("command-error", &msg, detail.as_deref()));
    }
    h
}

/// The page: its markup (rebuilt as the command moves on) and one
/// delegated handler, for the refresh button.
#[component]
pub fn CommandPage(
    /// The command.
    id: CommandId,
) -> impl IntoView {
    let s = Stores::get();
    let (ui, cmds) = (s.ui, s.cmds);
    // What was fetched is kept aside; setting the error (to none) after it
    // re-renders the page.
    let fetched = StoredValue::new(None::<Command>);
    let error = RwSignal::new(None::<ews_core::Error>);
    let load = {
        let id = id.clone();
        move || {
            let id = id.clone();
            ui.spawn(async move {
                match load_command(s, &id).await {
                    Ok(c) => {
                        fetched.set_value(Some(c));
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    load();
    // Re-read on every change of the log; the DOM is written only when
    // this page's markup changed (focus stays while other commands move).
    let html = move || {
        let tracked = cmds
            .log
            .with(|log| log.iter().find(|t| t.command_id == id).cloned());
        let container = tracked.as_ref().map(|t| t.container_id);
        let ended = tracked
            .as_ref()
            .and_then(|t| t.ended.as_ref())
            .map(|e| (e.ok, e.text.clone()));
        // The follower's latest state when it has one, else what we fetched.
        let latest = tracked
            .and_then(|t| t.command)
            .or_else(|| fetched.get_value());
        let mut h = error.with(|e| head_html(s, &id, container, ended, e.as_ref()));
        h.push_str("<div>");
        if let Some(c) = latest {
            h.push_str(&timeline_html(ui, &c));
        }
        h.push_str("</div>");
        h
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        if target_attr(&ev, "data-testid").as_deref() == Some("command-refresh") {
            load();
        }
    };
    view! {
        <section class="card" aria-labelledby="command-title" data-testid="command-page"
            inner_html=html on:click=on_click></section>
    }
}
