//! The recent-activity panel: this session's commands, newest first, each
//! with its live progress or how it ended; exportable as JSON.

use leptos::prelude::*;

use crate::activity::{self, LogEntry};
use crate::export;
use crate::format::{self, escape_html};
use crate::i18n::M;
use crate::route::Route;
use crate::stores::Stores;

/// Commands as list items' markup (the names and texts escaped), newest
/// first: one string for the list rather than a view per item.
pub fn log_items_html(s: Stores, log: &[LogEntry]) -> String {
    let ui = s.ui;
    let mut h = String::new();
    for t in log {
        let label = LogEntry::action(t).map_or_else(
            || t.action.clone(),
            |a| ui.t(crate::actions::action_label(a)).to_string(),
        );
        let (class, state, text) = match &t.ended {
            Some(e) if e.ok => ("ok", "ok", e.text.clone()),
            Some(e) => ("bad", "failed", e.text.clone()),
            None => (
                "",
                "running",
                t.command
                    .as_ref()
                    .map_or_else(|| "…".into(), format::progress),
            ),
        };
        let (c, id) = (t.container_id, escape_html(&s.label(t.container_id)));
        h.push_str(&format!(
            "<li data-testid=\"activity-item\" data-state=\"{state}\" data-container=\"{id}\">\
             <a href=\"{}\" data-nav>{}</a> <a href=\"{}\" data-nav>#{id}</a>\
             <div class=\"small {class}\">{}</div></li>",
            escape_html(&s.href_at(c, |_| Route::Command(t.command_id.clone()))),
            escape_html(&label),
            escape_html(&s.href_at(c, Route::Container)),
            escape_html(&text),
        ));
    }
    h
}

/// The panel.
#[component]
pub fn ActivityPanel() -> impl IntoView {
    let s = Stores::get();
    let (ui, cmds) = (s.ui, s.cmds);
    let export_json = move |_| {
        let text = cmds
            .log
            .with_untracked(|log| activity::export(log, &s.list.names()));
        let _ = export::download("ews-activity.json", "application/json", &text);
    };
    let clear = move |_| cmds.edit_log(|log| log.retain(|t| t.ended.is_none()));
    let recent = move || {
        cmds.log
            .with(|log| log_items_html(s, &log[..log.len().min(50)]))
    };
    view! {
        <aside class="activity" aria-labelledby="activity-title" data-testid="activity">
            <details open>
                <summary><h2 id="activity-title">{ui.t(M::Activity)}</h2></summary>
                <div class="line">
                    <button type="button" class="small" data-testid="activity-export" on:click=export_json>{ui.t(M::ExportJson)}</button>
                    <button type="button" class="small" on:click=clear>{ui.t(M::ClearFinished)}</button>
                </div>
                {move || cmds.log.with(|a| a.is_empty()).then(|| view! { <p class="muted small">{ui.t(M::ActivityEmpty)}</p> })}
                <ul class="activity-list" inner_html=recent></ul>
            </details>
        </aside>
    }
}
