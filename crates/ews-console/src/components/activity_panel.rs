//! The recent-activity panel: this session's commands, newest first, each
//! with its live progress or how it ended; exportable as JSON.

use leptos::prelude::*;

use crate::activity::{self, Tracked};
use crate::app::Ctx;
use crate::export;
use crate::format;
use crate::i18n::M;
use crate::route::Route;

/// One command as a list item.
pub fn tracked_item(ctx: Ctx, t: Tracked) -> impl IntoView + use<> {
    let label = Tracked::action(&t).map_or(t.action.clone(), |a| {
        ctx.t(crate::actions::action_label(a)).to_string()
    });
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
    let href = Route::Command(t.command_id.clone()).path();
    let container = Route::Container(t.container_id).path();
    view! {
        <li data-testid="activity-item" data-state=state data-container=t.container_id.0>
            <a href=href data-nav>{label}</a> " "
            <a href=container data-nav>"#" {t.container_id.0}</a>
            <div class=format!("small {class}")>{text}</div>
        </li>
    }
}

/// The panel.
#[component]
pub fn ActivityPanel() -> impl IntoView {
    let ctx = Ctx::get();
    let export_json = move |_| {
        let text = ctx.activity.with_untracked(|log| activity::export(log));
        let _ = export::download("ews-activity.json", "application/json", &text);
    };
    let clear = move |_| ctx.edit_activity(|log| log.retain(|t| t.ended.is_none()));
    let recent = move || {
        ctx.activity
            .with(|log| log.iter().take(50).cloned().collect::<Vec<_>>())
    };
    view! {
        <aside class="activity" aria-labelledby="activity-title" data-testid="activity">
            <details open>
                <summary><h2 id="activity-title">{ctx.t(M::Activity)}</h2></summary>
                <div class="line">
                    <button type="button" class="small" data-testid="activity-export" on:click=export_json>{ctx.t(M::ExportJson)}</button>
                    <button type="button" class="small" on:click=clear>{ctx.t(M::ClearFinished)}</button>
                </div>
                {move || ctx.activity.with(|a| a.is_empty()).then(|| view! { <p class="muted small">{ctx.t(M::ActivityEmpty)}</p> })}
                <ul class="activity-list">
                    {move || recent().into_iter().map(|t| tracked_item(ctx, t)).collect_view()}
                </ul>
            </details>
        </aside>
    }
}
