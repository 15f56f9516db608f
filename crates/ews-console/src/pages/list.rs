//! The container list: counts per status (clickable filters), search,
//! grouping, refresh and auto-refresh, export, bulk actions, the table.

use ews_core::Action;
use leptos::html;
use leptos::prelude::*;

use crate::actions::{action_label, open_bulk, refresh};
use crate::app::{Ctx, REFRESH_CHOICES};
use crate::components::badge::status_class;
use crate::components::notice::error_box;
use crate::components::table::ContainerTable;
use crate::export;
use crate::i18n::M;
use crate::list::{Group, ListQuery, status_keys};

fn counts_bar(ctx: Ctx) -> impl IntoView {
    let counts = Memo::new(move |_| ctx.data.with(|d| d.counts()));
    let total = Memo::new(move |_| ctx.data.with(|d| d.len()));
    let chips = status_keys().enumerate().map(move |(i, key)| {
        let pressed = move || ctx.query.with(|q| q.statuses.contains(key));
        view! {
            <button type="button" class=format!("chip {}", status_class(key))
                class:zero=move || counts.get()[i] == 0
                data-testid=format!("count-{key}") data-count=move || counts.get()[i]
                aria-pressed=move || if pressed() { "true" } else { "false" }
                on:click=move |_| ctx.update_query(true, |q| q.toggle_status(key))>
                {key} " " <b>{move || counts.get()[i]}</b>
            </button>
        }
    });
    view! {
        <div class="counts" role="group" aria-label=ctx.t(M::Status) data-testid="counts">
            <button type="button" class="chip all" data-testid="count-all" data-count=move || total.get()
                aria-pressed=move || if ctx.query.with(|q| q.statuses.is_empty()) { "true" } else { "false" }
                on:click=move |_| ctx.update_query(true, |q| q.statuses.clear())>
                {ctx.t(M::AllStatuses)} " " <b>{move || total.get()}</b>
            </button>
            {chips.collect_view()}
        </div>
    }
}

fn toolbar(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang.get_untracked();
    let search = NodeRef::<html::Input>::new();
    // Sync the box when the query changes from elsewhere (back/forward),
    // without touching it while the user types the same text.
    Effect::new(move |_| {
        let text = ctx.query.with(|q| q.search.clone());
        if let Some(input) = search.get()
            && input.value() != text
        {
            input.set_value(&text);
        }
    });
    let on_search = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        ctx.update_query(false, |q| q.search = text);
    };
    let on_group = move |ev: leptos::ev::Event| {
        let g = Group::parse(&event_target_value(&ev));
        ctx.update_query(true, |q| q.group = g);
    };
    let on_refresh_secs = move |ev: leptos::ev::Event| {
        if let Ok(s) = event_target_value(&ev).parse::<u32>() {
            ctx.set_refresh(s);
        }
    };
    let updated = move || {
        let now = ctx.now.get();
        let text = match ctx.last_ok.get() {
            Some(t) => lang.updated_ago(now.saturating_sub(t) / 1000),
            None => ctx.t(M::Loading).into(),
        };
        let paused = ctx.hidden.get() && ctx.refresh_secs.get() > 0;
        let refreshing = ctx.refreshing.get();
        format!(
            "{text}{}{}",
            if paused {
                format!(" · {}", ctx.t(M::Paused))
            } else {
                String::new()
            },
            if refreshing {
                format!(" · {}", ctx.t(M::Refreshing))
            } else {
                String::new()
            }
        )
    };
    let export_csv = move |_| {
        let text = ctx
            .view
            .with_untracked(|v| export::csv(v.rows.iter().map(|r| &r.c)));
        let _ = export::download("ews-containers.csv", "text/csv", &text);
    };
    let export_json = move |_| {
        let text = ctx
            .view
            .with_untracked(|v| export::json(v.rows.iter().map(|r| &r.c)));
        let _ = export::download("ews-containers.json", "application/json", &text);
    };
    let group_now = ctx.query.with_untracked(|q| q.group);
    let secs_now = ctx.refresh_secs.get_untracked();
    view! {
        <div class="toolbar">
            <label class="search">
                <span class="sr-only">{ctx.t(M::SearchLabel)}</span>
                <input id="search" type="search" data-testid="search" node_ref=search autocomplete="off"
                    placeholder=format!("{} (/)", ctx.t(M::Search)) aria-label=ctx.t(M::Search)
                    aria-keyshortcuts="/"
                    value=ctx.query.with_untracked(|q| q.search.clone()) on:input=on_search/>
            </label>
            <label class="inline">
                <span class="muted">{ctx.t(M::GroupBy)}</span>
                <select data-testid="group" on:change=on_group prop:value=move || ctx.query.with(|q| q.group.as_str().to_string())>
                    {Group::ALL.map(|g| {
                        let label = match g { Group::None => M::GroupNone, Group::Node => M::Node, Group::Host => M::Host };
                        view! { <option value=g.as_str() selected=g == group_now>{ctx.t(label)}</option> }
                    }).into_iter().collect_view()}
                </select>
            </label>
            <button type="button" data-testid="refresh" on:click=move |_| refresh(ctx)
                disabled=move || ctx.refreshing.get()>{ctx.t(M::Refresh)}</button>
            <label class="inline">
                <span class="muted">{ctx.t(M::AutoRefresh)}</span>
                <select data-testid="auto-refresh" on:change=on_refresh_secs>
                    {REFRESH_CHOICES.map(|s| {
                        let label = if s == 0 { ctx.t(M::Off).to_string() } else { format!("{s} s") };
                        view! { <option value=s.to_string() selected=s == secs_now>{label}</option> }
                    }).into_iter().collect_view()}
                </select>
            </label>
            <span class="muted small" data-testid="updated" aria-live="off">{updated}</span>
            <div class="spacer"></div>
            <button type="button" class="small" data-testid="export-csv" on:click=export_csv>{ctx.t(M::ExportCsv)}</button>
            <button type="button" class="small" data-testid="export-json" on:click=export_json>{ctx.t(M::ExportJson)}</button>
        </div>
    }
}

fn bulk_bar(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang.get_untracked();
    move || {
        let n = ctx.selected.with(|s| s.len());
        (n > 0 && ctx.can_act()).then(|| {
            let buttons = Action::ALL.map(|a| {
                let class = if a == Action::Delete { "small danger" } else { "small" };
                view! {
                    <button type="button" class=class data-testid=format!("bulk-{a}") on:click=move |_| open_bulk(ctx, a)>
                        {ctx.t(action_label(a))} " (" {n} ")"
                    </button>
                }
            });
            view! {
                <div class="bulkbar" role="region" aria-label=ctx.t(M::BulkTitle) data-testid="bulk-bar">
                    <strong data-testid="selected-count">{lang.selected(n)}</strong>
                    {buttons.into_iter().collect_view()}
                    <button type="button" class="small ghost" data-testid="clear-selection"
                        on:click=move |_| ctx.selected.update(|s| s.clear())>{ctx.t(M::ClearSelection)}</button>
                </div>
            }
        })
    }
}

fn error_banner(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang.get_untracked();
    move || {
        ctx.list_error.get().map(|e| {
            let (msg, detail) = crate::api::describe(&e, lang);
            let lead = ctx.loaded.get().then(|| ctx.t(M::RefreshFailed));
            error_box("list-error", lead, msg, detail)
        })
    }
}

/// The list page.
#[component]
pub fn ListPage() -> impl IntoView {
    let ctx = Ctx::get();
    let lang = ctx.lang.get_untracked();
    let footer = move || {
        let (shown, total) = ctx.view.with(|v| (v.rows.len(), v.total));
        let loaded = ctx.loaded.get();
        let filtered = ctx.query.with(ListQuery::is_filtered);
        view! {
            {(loaded && shown == 0 && total > 0).then(|| view! {
                <p class="empty" data-testid="no-match">{ctx.t(M::NoMatch)} " "
                    <button type="button" class="small" data-testid="clear-filters"
                        on:click=move |_| ctx.update_query(true, |q| { q.statuses.clear(); q.search.clear(); })>{ctx.t(M::ClearFilters)}</button>
                </p>
            })}
            {(loaded && total == 0).then(|| view! { <p class="empty" data-testid="no-containers">{ctx.t(M::NoContainers)}</p> })}
            <p class="muted small" data-testid="showing" data-shown=shown data-total=total data-filtered=filtered.to_string()>
                {lang.showing(shown, total)} " · " {ctx.t(M::Shortcuts)}
            </p>
        }
    };
    view! {
        <section class="list" aria-labelledby="list-title">
            <h1 id="list-title" class="sr-only">{ctx.t(M::Containers)}</h1>
            {counts_bar(ctx)}
            {toolbar(ctx)}
            {bulk_bar(ctx)}
            {error_banner(ctx)}
            <ContainerTable/>
            {footer}
        </section>
    }
}
