//! The container table, virtualised: only the rows in (or near) the
//! viewport exist in the DOM, between two spacer rows that keep the scroll
//! height right, so 10,000 containers scroll as smoothly as 10. Rows are
//! keyed by id and revision: a refresh rebuilds exactly the rows whose data
//! changed, and one with no change rebuilds none.

use std::cell::Cell;
use std::sync::Arc;

use ews_core::clock::corrected;
use ews_core::{ApiTime, ContainerId};
use leptos::html;
use leptos::prelude::*;

use crate::app::Ctx;
use crate::components::badge::badge;
use crate::components::buttons::action_buttons;
use crate::format;
use crate::i18n::M;
use crate::list::{Group, Item, Row, SortKey, status_key, visible_range};
use crate::route::Route;

/// Height of one table line, px (the stylesheet sets the same).
pub const ROW_HEIGHT: i32 = 44;
/// Lines rendered beyond each edge of the viewport.
pub const OVERSCAN: usize = 10;
/// Number of columns.
pub const COLUMNS: usize = 14;

/// Column classes, for fixed widths (the layout must not jump as rows come
/// and go while scrolling). Static markup: one string, no view code.
const COLGROUP: &str = "<col class=c-sel><col class=c-id><col class=c-status><col class=c-op><col class=c-act>\
<col class=c-num><col class=c-num><col class=c-num><col class=c-size><col class=c-size><col class=c-health>\
<col class=c-time><col class=c-time><col class=c-time>";

thread_local! {
    static ROWS_BUILT: Cell<u64> = const { Cell::new(0) };
}

/// Table rows built since the page loaded (tests and benchmarks read it to
/// check that a refresh rebuilds only what changed).
pub fn rows_built() -> u64 {
    ROWS_BUILT.with(Cell::get)
}

/// The column label of a sort key.
pub fn column_label(k: SortKey) -> M {
    match k {
        SortKey::Id => M::Id,
        SortKey::Status => M::Status,
        SortKey::Node => M::Node,
        SortKey::Host => M::Host,
        SortKey::Cpu => M::Cpu,
        SortKey::Mem => M::Mem,
        SortKey::Disk => M::Disk,
        SortKey::Health => M::Health,
        SortKey::Created => M::Created,
        SortKey::Started => M::Started,
        SortKey::Stopped => M::Stopped,
    }
}

/// Toggles one row; with Shift, sets the whole range from the last clicked
/// row to this one to this row's new state.
fn select(ctx: Ctx, id: ContainerId, shift: bool) {
    let on = !ctx.selected.with_untracked(|s| s.contains(&id));
    let range = match (shift, ctx.anchor.get_value()) {
        (true, Some(anchor)) => {
            ctx.view
                .with_untracked(|v| match (v.position(anchor), v.position(id)) {
                    (Some(a), Some(b)) => v.ids_between(a, b),
                    _ => vec![id],
                })
        }
        _ => vec![id],
    };
    ctx.selected.update(|s| {
        for id in range {
            if on {
                s.insert(id);
            } else {
                s.remove(&id);
            }
        }
    });
    ctx.anchor.set_value(Some(id));
}

fn time_cell(ctx: Ctx, t: ApiTime) -> impl IntoView {
    let lang = ctx.lang.get_untracked();
    let raw = format::time(&t).to_string();
    let set = t.is_set();
    view! {
        <td class="time">
            <div>{raw}</div>
            {set.then(|| view! {
                <div class="muted small">{move || format::ago(&t, corrected(ctx.now_coarse.get(), ctx.skew.get_untracked()), lang)}</div>
            })}
        </td>
    }
}

fn row_view(ctx: Ctx, row: Arc<Row>) -> impl IntoView {
    ROWS_BUILT.with(|n| n.set(n.get() + 1));
    let lang = ctx.lang.get_untracked();
    let c = &row.c;
    let id = c.id;
    let key = status_key(&c.status);
    let select_label = format!("{} {}", ctx.t(M::SelectRow), id);
    view! {
        <tr class="row" data-testid="row" data-id=id.0 data-status=key
            aria-rowindex=move || ctx.view.with(|v| v.item_position(id)).map(|p| p + 2)
            class:selected=move || ctx.selected.with(|s| s.contains(&id))>
            <td class="sel">
                <input type="checkbox" data-testid="row-select" aria-label=select_label
                    prop:checked=move || ctx.selected.with(|s| s.contains(&id))
                    on:click=move |ev| select(ctx, id, ev.shift_key())/>
            </td>
            <td class="num"><a href=Route::Container(id).path() data-nav data-testid="row-link">{id.0}</a></td>
            <td>{badge(&c.status)}</td>
            <td class="op" data-testid="row-op">{move || ctx.ops.with(|m| m.get(&id).map(|o| o.progress.clone()))}</td>
            <td>{action_buttons(ctx, id, &c.status)}</td>
            <td class="num">{format::opt_id(c.node_id)}</td>
            <td class="num">{format::opt_id(c.host_id)}</td>
            <td class="num">{format::cpu(c.cpu, lang)}</td>
            <td class="num">{format::megabytes(c.mem)}</td>
            <td class="num">{format::megabytes(c.disk)}</td>
            <td>{if c.health.is_empty() { format::NONE.to_string() } else { c.health.clone() }}</td>
            {time_cell(ctx, c.create_time.clone())}
            {time_cell(ctx, c.start_time.clone())}
            {time_cell(ctx, c.stop_time.clone())}
        </tr>
    }
}

fn group_view(ctx: Ctx, group: Group, key: Option<u64>, count: usize) -> impl IntoView {
    let label = match (group, key) {
        (Group::Host, Some(k)) => format!("{} {k}", ctx.t(M::Host)),
        (Group::Host, None) => ctx.t(M::NoHost).to_string(),
        (_, Some(k)) => format!("{} {k}", ctx.t(M::Node)),
        (_, None) => ctx.t(M::NoNode).to_string(),
    };
    view! {
        <tr class="group" data-testid="group-row">
            <th colspan=COLUMNS scope="colgroup">{label} <span class="muted">" (" {count} ")"</span></th>
        </tr>
    }
}

fn header_cell(ctx: Ctx, k: SortKey) -> impl IntoView {
    let sorted = move || ctx.query.with(|q| (q.sort == k).then_some(q.desc));
    view! {
        <th scope="col" aria-sort=move || match sorted() {
            Some(false) => "ascending",
            Some(true) => "descending",
            None => "none",
        }>
            <button type="button" class="sort" data-testid=format!("sort-{}", k.as_str())
                on:click=move |_| ctx.update_query(true, |q| q.sort_by(k))>
                {ctx.t(column_label(k))}
                <span aria-hidden="true">{move || match sorted() {
                    Some(false) => " ▲",
                    Some(true) => " ▼",
                    None => "",
                }}</span>
            </button>
        </th>
    }
}

/// The virtualised table of the current view.
#[component]
pub fn ContainerTable() -> impl IntoView {
    let ctx = Ctx::get();
    let wrap = NodeRef::<html::Div>::new();
    let scroll_top = RwSignal::new(ctx.list_scroll.get_value());
    let viewport = RwSignal::new(900);
    let measure = move || {
        if let Some(w) = wrap.get_untracked() {
            let h = w.client_height();
            if h > 0 && h != viewport.get_untracked() {
                viewport.set(h);
            }
        }
    };
    Effect::new(move |_| {
        if let Some(w) = wrap.get() {
            let h = w.client_height();
            if h > 0 {
                viewport.set(h);
            }
            w.set_scroll_top(scroll_top.get_untracked());
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());

    let len = Memo::new(move |_| ctx.view.with(|v| v.items.len()));
    let range = Memo::new(move |_| {
        visible_range(
            scroll_top.get(),
            viewport.get(),
            ROW_HEIGHT,
            len.get(),
            OVERSCAN,
        )
    });
    let visible = Memo::new(move |_| {
        let (start, end) = range.get();
        ctx.view.with(|v| {
            v.items
                .get(start..end)
                .map(<[Item]>::to_vec)
                .unwrap_or_default()
        })
    });
    let px = |lines: usize| format!("{}px", lines.saturating_mul(ROW_HEIGHT as usize));
    let top = move || px(range.get().0);
    let bottom = move || px(len.get().saturating_sub(range.get().1));
    let on_scroll = move |_| {
        if let Some(w) = wrap.get_untracked() {
            let top = w.scroll_top();
            ctx.list_scroll.set_value(top);
            scroll_top.set(top);
        }
    };

    // "Select all filtered": checked when every shown row is selected.
    let all_state = move || {
        let n = ctx.selected.with(|s| {
            ctx.view
                .with(|v| v.rows.iter().filter(|r| s.contains(&r.c.id)).count())
        });
        let total = ctx.view.with(|v| v.rows.len());
        (total > 0 && n == total, n > 0 && n < total)
    };
    let toggle_all = move |_| {
        let (all, _) = all_state();
        let ids: Vec<ContainerId> = ctx
            .view
            .with_untracked(|v| v.rows.iter().map(|r| r.c.id).collect());
        ctx.selected.update(|s| {
            for id in ids {
                if all {
                    s.remove(&id);
                } else {
                    s.insert(id);
                }
            }
        });
    };

    view! {
        <div class="table-wrap" node_ref=wrap on:scroll=on_scroll data-testid="table-wrap">
            <table class="containers" data-testid="container-table" aria-label=ctx.t(M::Containers)
                aria-rowcount=move || len.get() + 1>
                <colgroup inner_html=COLGROUP></colgroup>
                <thead>
                    <tr aria-rowindex="1">
                        <th scope="col" class="sel">
                            <input type="checkbox" data-testid="select-all" aria-label=ctx.t(M::SelectAll)
                                prop:checked=move || all_state().0
                                prop:indeterminate=move || all_state().1
                                on:click=toggle_all/>
                        </th>
                        {SortKey::ALL[..2].iter().map(|k| header_cell(ctx, *k)).collect_view()}
                        <th scope="col">{ctx.t(M::Command)}</th>
                        <th scope="col">{ctx.t(M::Actions)}</th>
                        {SortKey::ALL[2..].iter().map(|k| header_cell(ctx, *k)).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    <tr class="gap" aria-hidden="true"><td colspan=COLUMNS style:height=top></td></tr>
                    <For each=move || visible.get() key=Item::key children=move |item| match item {
                        Item::Row(r) => row_view(ctx, r).into_any(),
                        Item::Group { group, key, count } => group_view(ctx, group, key, count).into_any(),
                    }/>
                    <tr class="gap" aria-hidden="true"><td colspan=COLUMNS style:height=bottom></td></tr>
                </tbody>
            </table>
        </div>
    }
}
