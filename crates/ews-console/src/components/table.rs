//! The container table, virtualised: only the rows in (or near) the
//! viewport exist in the DOM, between two spacer rows that keep the scroll
//! height right, so 10,000 containers scroll as smoothly as 10. Rows are
//! keyed by id and revision: a refresh rebuilds exactly the rows whose data
//! changed, and one with no change rebuilds none.

use std::cell::Cell;
use std::sync::Arc;

use ews_core::clock::corrected;
use ews_core::{ApiTime, Container, ContainerId};
use leptos::html;
use leptos::prelude::*;

use crate::columns::{COLUMNS, Column};
use crate::components::badge::badge;
use crate::components::buttons::action_buttons;
use crate::format;
use crate::i18n::{Lang, M};
use crate::list::{Group, Item, Row, status_key, visible_range};
use crate::route::Route;
use crate::stores::Stores;

/// Height of one table line, px (the stylesheet's `--row`).
pub const ROW_HEIGHT: i32 = 44;
/// Below this width of the table's scroller (px) each container is a card
/// of three lines instead of one line (`@container rows` in the stylesheet).
pub const CARDS_BELOW: i32 = 560;
/// Lines rendered beyond each edge of the viewport.
pub const OVERSCAN: usize = 10;
/// Number of columns.
pub const COLUMN_COUNT: usize = COLUMNS.len();

/// The cells' classes, by column (a cell's class is its column's).
const C: [&str; COLUMN_COUNT] = {
    let mut c = [""; COLUMN_COUNT];
    let mut i = 0;
    while i < COLUMN_COUNT {
        c[i] = COLUMNS[i].class;
        i += 1;
    }
    c
};

/// The `<colgroup>` (fixed widths, so the layout does not jump as rows come
/// and go while scrolling): static markup, one string.
fn colgroup() -> String {
    COLUMNS
        .iter()
        .map(|c| format!("<col class={}>", c.class))
        .collect()
}

thread_local! {
    static ROWS_BUILT: Cell<u64> = const { Cell::new(0) };
}

/// Table rows built since the page loaded (tests and benchmarks read it to
/// check that a refresh rebuilds only what changed).
pub fn rows_built() -> u64 {
    ROWS_BUILT.with(Cell::get)
}

/// Toggles one row; with Shift, sets the whole range from the last clicked
/// row to this one to this row's new state.
fn select(s: Stores, id: ContainerId, shift: bool) {
    let list = s.list;
    let on = !list.selected.with_untracked(|s| s.contains(&id));
    let range = match (shift, list.anchor.get_value()) {
        (true, Some(anchor)) => {
            list.view
                .with_untracked(|v| match (v.position(anchor), v.position(id)) {
                    (Some(a), Some(b)) => v.ids_between(a, b),
                    _ => vec![id],
                })
        }
        _ => vec![id],
    };
    list.selected.update(|s| {
        for id in range {
            if on {
                s.insert(id);
            } else {
                s.remove(&id);
            }
        }
    });
    list.anchor.set_value(Some(id));
}

fn time_cell(s: Stores, column: usize, t: ApiTime) -> impl IntoView {
    let lang = s.ui.lang();
    let raw = format::time(&t).to_string();
    let set = t.is_set();
    let (now, skew) = (s.ui.now_coarse, s.conn.skew);
    view! {
        <td class=format!("time {}", C[column])>
            <div>{raw}</div>
            {set.then(|| view! {
                <div class="muted small">{move || format::ago(&t, corrected(now.get(), skew.get_untracked()), lang)}</div>
            })}
        </td>
    }
}

/// A field's cell: its value, or, when the server sent it in a shape the
/// documentation does not give, what was sent (marked, with a title).
fn field_cell(
    c: &Container,
    field: &str,
    class: String,
    shown: String,
    lang: Lang,
) -> impl IntoView + use<> {
    let odd = c.odd(field).map(str::to_owned);
    let title = odd.as_deref().map(|raw| lang.odd_title(raw));
    let text = odd.map_or(shown, |raw| format::clip(&raw));
    view! { <td class=class class:odd=title.is_some() title=title>{text}</td> }
}

/// "stuck?" next to the state of a container that has been passing through
/// it for too long (re-checked as the coarse clock ticks).
pub fn stuck_flag(s: Stores, row: &Arc<Row>) -> impl IntoView + use<> {
    let r = Arc::clone(row);
    let lang = s.ui.lang();
    move || {
        s.stuck(&r.c).then(|| {
            view! { <span class="stuck" data-testid="stuck" title=lang.stuck_title(&r.c.status)>{s.t(M::Stuck)}</span> }
        })
    }
}

fn row_view(s: Stores, row: Arc<Row>) -> impl IntoView {
    ROWS_BUILT.with(|n| n.set(n.get() + 1));
    let lang = s.ui.lang();
    let (list, cmds) = (s.list, s.cmds);
    let c = &row.c;
    let id = c.id;
    let key = status_key(&c.status);
    // In the fleet view: `prod/12`, and the account's name on its own.
    let names = s.list.names();
    let label = crate::fleet::label(id, &names);
    let account = crate::fleet::account(id, &names)
        .unwrap_or_default()
        .to_string();
    let real = crate::fleet::untag(id).1.0;
    let select_label = format!("{} {label}", s.t(M::SelectRow));
    let num = |i: usize| format!("num {}", C[i]);
    view! {
        <tr class="row" data-testid="row" data-id=label.clone() data-status=key
            aria-rowindex=move || list.view.with(|v| v.item_position(id)).map(|p| p + 2)
            class:selected=move || list.selected.with(|s| s.contains(&id))>
            <td class=format!("sel {}", C[0])>
                <input type="checkbox" data-testid="row-select" aria-label=select_label
                    prop:checked=move || list.selected.with(|s| s.contains(&id))
                    on:click=move |ev| select(s, id, ev.shift_key())/>
            </td>
            <td class=num(1)><a href=s.href_at(id, Route::Container) data-nav data-testid="row-link">{real}</a></td>
            <td class=C[2]>{account}</td>
            <td class=C[3]>{badge(&c.status, lang)}{stuck_flag(s, &row)}</td>
            <td class=format!("op {}", C[4]) data-testid="row-op">{move || cmds.progress(id)}</td>
            <td class=C[5]>{action_buttons(s, Arc::clone(&row))}</td>
            {field_cell(c, "nodeId", num(6), format::opt_id(c.node_id), lang)}
            {field_cell(c, "hostId", num(7), format::opt_id(c.host_id), lang)}
            {field_cell(c, "cpu", num(8), format::cpu(c.cpu, lang), lang)}
            {field_cell(c, "mem", num(9), format::megabytes(c.mem), lang)}
            {field_cell(c, "disk", num(10), format::megabytes(c.disk), lang)}
            {field_cell(c, "health", C[11].to_string(), format::text(&c.health), lang)}
            {time_cell(s, 12, c.create_time.clone())}
            {time_cell(s, 13, c.start_time.clone())}
            {time_cell(s, 14, c.stop_time.clone())}
        </tr>
    }
}

/// The height of one row as the stylesheet lays it out: a line, or on a
/// scroller narrower than [`CARDS_BELOW`] a card of three lines (the
/// stylesheet's `@container rows` query says the same).
fn line_height(wrap: &web_sys::Element) -> i32 {
    if wrap.client_width() < CARDS_BELOW {
        3 * ROW_HEIGHT
    } else {
        ROW_HEIGHT
    }
}

fn group_view(s: Stores, group: Group, key: Option<i64>, count: usize) -> impl IntoView {
    let label = match (group, key) {
        (Group::Account, k) => {
            let names = s.list.names();
            let name = k.and_then(|k| names.get(k as usize).cloned());
            format!("{} {}", s.t(M::Account), name.unwrap_or_default())
        }
        (Group::Host, Some(k)) => format!("{} {k}", s.t(M::Host)),
        (Group::Host, None) => s.t(M::NoHost).to_string(),
        (_, Some(k)) => format!("{} {k}", s.t(M::Node)),
        (_, None) => s.t(M::NoNode).to_string(),
    };
    view! {
        <tr class="group" data-testid="group-row">
            <th colspan=COLUMN_COUNT scope="colgroup">{label} <span class="muted">" (" {count} ")"</span></th>
        </tr>
    }
}

/// One heading, from the column model: the "select all" box, a sort
/// button, or a plain label.
fn header_cell(
    s: Stores,
    col: &'static Column,
    all: impl Fn() -> (bool, bool) + Copy + Send + Sync + 'static,
    toggle_all: impl Fn() + Copy + 'static,
) -> AnyView {
    let query = s.list.query;
    match col.sort {
        None if col.key == "select" => view! {
            <th scope="col" class=format!("sel {}", col.class)>
                <input type="checkbox" data-testid="select-all" aria-label=s.t(col.label)
                    prop:checked=move || all().0
                    prop:indeterminate=move || all().1
                    on:click=move |_| toggle_all()/>
            </th>
        }
        .into_any(),
        None => view! { <th scope="col" class=col.class>{s.t(col.label)}</th> }.into_any(),
        Some(k) => {
            let sorted = move || query.with(|q| (q.sort == k).then_some(q.desc));
            view! {
                <th scope="col" class=col.class aria-sort=move || match sorted() {
                    Some(false) => "ascending",
                    Some(true) => "descending",
                    None => "none",
                }>
                    <button type="button" class="sort" data-testid=format!("sort-{}", k.as_str())
                        on:click=move |_| s.list.update_query(true, |q| q.sort_by(k))>
                        {s.t(col.label)}
                        <span aria-hidden="true">{move || match sorted() {
                            Some(false) => " ▲",
                            Some(true) => " ▼",
                            None => "",
                        }}</span>
                    </button>
                </th>
            }
            .into_any()
        }
    }
}

/// The virtualised table of the current view.
#[component]
pub fn ContainerTable() -> impl IntoView {
    let s = Stores::get();
    let list = s.list;
    let fleet = s.ui.route.get_untracked() == Route::Fleet;
    let wrap = NodeRef::<html::Div>::new();
    let scroll_top = RwSignal::new(list.scroll.get_value());
    let viewport = RwSignal::new(900);
    let row_height = RwSignal::new(ROW_HEIGHT);
    let measure = move || {
        if let Some(w) = wrap.get_untracked() {
            let h = w.client_height();
            if h > 0 && h != viewport.get_untracked() {
                viewport.set(h);
            }
            let r = line_height(&w);
            if r != row_height.get_untracked() {
                row_height.set(r);
            }
        }
    };
    Effect::new(move |_| {
        if let Some(w) = wrap.get() {
            let h = w.client_height();
            if h > 0 {
                viewport.set(h);
            }
            row_height.set(line_height(&w));
            w.set_scroll_top(scroll_top.get_untracked());
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());

    let len = move || list.view.with(|v| v.items.len());
    let range = move || {
        visible_range(
            scroll_top.get(),
            viewport.get(),
            row_height.get(),
            len(),
            OVERSCAN,
        )
    };
    let visible = Memo::new(move |_| {
        let (start, end) = range();
        list.view.with(|v| {
            v.items
                .get(start..end)
                .map(<[Item]>::to_vec)
                .unwrap_or_default()
        })
    });
    let px = move |lines: usize| {
        format!(
            "{}px",
            lines.saturating_mul(row_height.get().max(1) as usize)
        )
    };
    let top = move || px(range().0);
    let bottom = move || px(len().saturating_sub(range().1));
    let on_scroll = move |_| {
        if let Some(w) = wrap.get_untracked() {
            let top = w.scroll_top();
            list.scroll.set_value(top);
            scroll_top.set(top);
        }
    };

    // "Select all filtered": checked when every shown row is selected.
    let all_state = move || {
        let n = list.selected.with(|s| {
            list.view
                .with(|v| v.rows.iter().filter(|r| s.contains(&r.c.id)).count())
        });
        let total = list.view.with(|v| v.rows.len());
        (total > 0 && n == total, n > 0 && n < total)
    };
    let toggle_all = move || {
        let (all, _) = all_state();
        let ids: Vec<ContainerId> = list
            .view
            .with_untracked(|v| v.rows.iter().map(|r| r.c.id).collect());
        list.selected.update(|s| {
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
            <table class="containers" class:fleet=fleet data-testid="container-table" aria-label=s.t(M::Containers)
                aria-rowcount=move || len() + 1>
                <colgroup inner_html=colgroup()></colgroup>
                <thead>
                    <tr aria-rowindex="1">
                        {COLUMNS.iter().map(|c| header_cell(s, c, all_state, toggle_all)).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    <tr class="gap" aria-hidden="true"><td colspan=COLUMN_COUNT style:height=top></td></tr>
                    <For each=move || visible.get() key=Item::key children=move |item| match item {
                        Item::Row(r) => row_view(s, r).into_any(),
                        Item::Group { group, key, count } => group_view(s, group, key, count).into_any(),
                    }/>
                    <tr class="gap" aria-hidden="true"><td colspan=COLUMN_COUNT style:height=bottom></td></tr>
                </tbody>
            </table>
        </div>
    }
}
