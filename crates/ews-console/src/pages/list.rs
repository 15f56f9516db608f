//! The container list: counts per status (clickable filters), search,
//! grouping, refresh and auto-refresh, export, bulk actions, the table.

use ews_core::{Action, ContainerStatus};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::actions::{OPS, op_key, op_label, open_bulk, refresh};
use crate::components::badge::status_class;
use crate::components::notice::error_box;
use crate::components::table::ContainerTable;
use crate::components::target_attr;
use crate::export;
use crate::format::{escape_html, options_html};
use crate::i18n::{Lang, M};
use crate::list::{Group, ListQuery, status_keys};
use crate::route::Route;
use crate::storage::keys;
use crate::stores::{ListStore, REFRESH_CHOICES, Stores, Ui};

/// The counts bar: one chip per status (and "all"), each a filter, as
/// markup of our own text built once; one effect keeps the counts and
/// which chips are pressed up to date in place (so focus stays), and one
/// delegated handler takes the clicks.
fn counts_bar(ui: Ui, list: ListStore) -> impl IntoView {
    let lang = ui.lang();
    // Every container, and how many of each status (read when the data
    // changes: a refresh that changes nothing changes no data).
    let counts = move || list.data.with(|d| (d.len(), d.counts()));
    // Chip 0 is "all", chip i the status key i - 1: its count and whether
    // it is pressed.
    let chip = move |i: usize, (total, counts): (usize, [usize; 12])| {
        let key = status_keys().nth(i.wrapping_sub(1));
        let n = key.map_or(total, |_| counts[i - 1]);
        let pressed = list.query.with(|q| match key {
            Some(k) => q.statuses.contains(k),
            None => q.statuses.is_empty(),
        });
        (n, pressed)
    };
    let now = untrack(counts);
    let mut html = String::new();
    for (i, key) in std::iter::once("all").chain(status_keys()).enumerate() {
        let (n, pressed) = untrack(|| chip(i, now));
        let (class, title, label) = if i == 0 {
            ("chip all".to_string(), String::new(), ui.t(M::AllStatuses))
        } else {
            (
                format!(
                    "chip {}{}",
                    status_class(key),
                    if n == 0 { " zero" } else { "" }
                ),
                format!(
                    " title=\"{}\"",
                    escape_html(lang.meaning(&ContainerStatus::parse(key)))
                ),
                key,
            )
        };
        html.push_str(&format!(
            "<button type=\"button\" class=\"{class}\" data-testid=\"count-{key}\" data-count=\"{n}\"{title} aria-pressed=\"{pressed}\">{label} <b>{n}</b></button>"
        ));
    }
    html.push_str(&format!(
        "<details class=\"legend\" data-testid=\"states-legend\">{}</details>",
        legend(lang)
    ));
    Effect::new(move |_| {
        let Some(Ok(chips)) = ui
            .shell()
            .find("[data-testid=counts]")
            .map(|bar| bar.query_selector_all("button"))
        else {
            return;
        };
        let now = counts();
        for i in 0..chips.length() as usize {
            let (n, pressed) = chip(i, now);
            if let Some(Ok(b)) = chips
                .item(i as u32)
                .map(|b| b.dyn_into::<web_sys::Element>())
            {
                let n = n.to_string();
                let _ = b.set_attribute("data-count", &n);
                let _ = b.set_attribute("aria-pressed", &pressed.to_string());
                if i > 0 {
                    let _ = b.class_list().toggle_with_force("zero", n == "0");
                }
                if let Ok(Some(b)) = b.query_selector("b") {
                    b.set_text_content(Some(&n));
                }
            }
        }
    });
    let on_click = move |ev: leptos::ev::MouseEvent| match target_attr(&ev, "data-testid")
        .as_deref()
        .and_then(|t| t.strip_prefix("count-"))
    {
        Some("all") => list.update_query(true, |q| q.statuses.clear()),
        Some(key) => list.update_query(true, |q| q.toggle_status(key)),
        None => {}
    };
    view! {
        <div class="counts" role="group" aria-label=ui.t(M::Status) data-testid="counts"
            inner_html=html on:click=on_click></div>
    }
}

/// The legend's markup: what each state means (the documentation's words,
/// from the core), as one string of our own static text rather than
/// twelve views.
fn legend(lang: Lang) -> String {
    let mut html = format!("<summary>{}</summary><dl>", M::StatesLegend.text(lang));
    for key in status_keys() {
        html.push_str(&format!(
            "<dt><span class=\"{}\">{key}</span></dt><dd>{}</dd>",
            status_class(key),
            escape_html(lang.meaning(&ContainerStatus::parse(key)))
        ));
    }
    html.push_str("</dl>");
    html
}

/// "2 containers could not be read — details": each unreadable item of the
/// last list, with why and what was sent (escaped: it is the server's
/// text), on demand.
fn unreadable_notice(ui: Ui, list: ListStore) -> impl IntoView {
    let lang = ui.lang();
    move || {
        // Every list applied sets `loaded`.
        list.loaded.track();
        list.skipped.with_value(|skipped| {
            (!skipped.is_empty()).then(|| {
                let mut html = format!(
                    "<summary>{} — {}</summary><p class=\"muted small\">{}</p><ul>",
                    lang.unreadable(skipped.len()),
                    ui.t(M::Details),
                    ui.t(M::Unreadable)
                );
                for k in skipped {
                    let id = k.id.as_deref().map(|i| format!(" (id {i})")).unwrap_or_default();
                    let line = format!("{id}: {}", k.reason);
                    html.push_str(&format!(
                        "<li><strong>#{}</strong>{}<code class=\"raw\">{}</code></li>",
                        k.index,
                        escape_html(&line),
                        escape_html(&k.raw)
                    ));
                }
                html.push_str("</ul>");
                view! { <details class="warning" data-testid="unreadable" data-count=skipped.len() inner_html=html></details> }
            })
        })
    }
}

/// The toolbar: search, grouping, refresh, auto-refresh, when the list was
/// read, exports. Markup of our own text built once (the search text
/// escaped); one effect keeps the search box, the grouping, the refresh
/// button and the "updated" line up to date in place, and delegated
/// handlers take the input, the changes and the clicks.
fn toolbar(s: Stores) -> impl IntoView {
    let (ui, list) = (s.ui, s.list);
    let lang = ui.lang();
    let updated = move || {
        let now = ui.now.get();
        // Read as the clock ticks, and when a refresh ends.
        let text = match list.last_ok.get_value() {
            Some(t) => lang.updated_ago(now.saturating_sub(t) / 1000),
            None => ui.t(M::Loading).into(),
        };
        let paused = ui.hidden.get() && list.refresh_secs.get_value() > 0;
        let refreshing = list.refreshing.get();
        format!(
            "{text}{}{}",
            if paused {
                format!(" · {}", ui.t(M::Paused))
            } else {
                String::new()
            },
            if refreshing {
                format!(" · {}", ui.t(M::Refreshing))
            } else {
                String::new()
            }
        )
    };
    let (search_now, group_now) = list.query.with_untracked(|q| (q.search.clone(), q.group));
    let fleet = ui.route.get_untracked() == Route::Fleet;
    let secs_now = list.refresh_secs.get_value();
    let labels = REFRESH_CHOICES.map(|n| {
        (
            n.to_string(),
            if n == 0 {
                ui.t(M::Off).to_string()
            } else {
                format!("{n} s")
            },
        )
    });
    let html = format!(
        "<label class=\"search\"><span class=\"sr-only\">{0}</span><input id=\"search\" type=\"search\" data-testid=\"search\" autocomplete=\"off\" placeholder=\"{1} (/)\" aria-label=\"{1}\" aria-keyshortcuts=\"/\" value=\"{2}\"></label>\
         <label class=\"inline\"><span class=\"muted\">{3}</span><select data-testid=\"group\">{4}</select></label>\
         <button type=\"button\" data-testid=\"refresh\"{5}>{6}</button>\
         <label class=\"inline\"><span class=\"muted\">{7}</span><select data-testid=\"auto-refresh\">{8}</select></label>\
         <span class=\"muted small\" data-testid=\"updated\" aria-live=\"off\">{9}</span><div class=\"spacer\"></div>\
         <button type=\"button\" class=\"small\" data-testid=\"export-csv\">{10}</button>\
         <button type=\"button\" class=\"small\" data-testid=\"export-json\">{11}</button>",
        ui.t(M::SearchLabel),
        ui.t(M::Search),
        escape_html(&search_now),
        ui.t(M::GroupBy),
        options_html(Group::ALL.into_iter().filter_map(|g| {
            let label = match g {
                Group::None => M::GroupNone,
                Group::Node => M::Node,
                Group::Host => M::Host,
                Group::Account if fleet => M::Account,
                Group::Account => return None,
            };
            Some((g.as_str(), ui.t(label), g == group_now))
        })),
        if list.refreshing.get_untracked() {
            " disabled"
        } else {
            ""
        },
        ui.t(M::Refresh),
        ui.t(M::AutoRefresh),
        options_html(labels.iter().zip(REFRESH_CHOICES).map(|((v, l), n)| (
            v.as_str(),
            l.as_str(),
            n == secs_now
        ))),
        escape_html(&untrack(updated)),
        ui.t(M::ExportCsv),
        ui.t(M::ExportJson),
    );
    // What changes from elsewhere (back/forward, a refresh, the clock), set
    // only where it differs: never under the user's fingers.
    Effect::new(move |_| {
        let shell = ui.shell();
        let (search, group) = list.query.with(|q| (q.search.clone(), q.group.as_str()));
        for (testid, value) in [("search", search.as_str()), ("group", group)] {
            if let Some(e) = shell.find(&format!("[data-testid={testid}]"))
                && js_sys::Reflect::get(&e, &"value".into())
                    .ok()
                    .and_then(|v| v.as_string())
                    .as_deref()
                    != Some(value)
            {
                let _ = js_sys::Reflect::set(&e, &"value".into(), &value.into());
            }
        }
        if let Some(b) = shell.find("[data-testid=refresh]") {
            let _ = b.toggle_attribute_with_force("disabled", list.refreshing.get());
        }
        if let Some(u) = shell.find("[data-testid=updated]") {
            u.set_text_content(Some(&updated()));
        }
    });
    let testid = |ev: &leptos::ev::Event| target_attr(ev, "data-testid");
    let on_input = move |ev: leptos::ev::Event| {
        if testid(&ev).as_deref() == Some("search") {
            let text = event_target_value(&ev);
            list.update_query(false, |q| q.search = text);
        }
    };
    let on_change = move |ev: leptos::ev::Event| match testid(&ev).as_deref() {
        Some("group") => {
            let g = Group::parse(&event_target_value(&ev));
            list.update_query(true, |q| q.group = g);
        }
        Some("auto-refresh") => {
            if let Ok(secs) = event_target_value(&ev).parse::<u32>() {
                ui.shell().remember(keys::REFRESH, &secs.to_string());
                list.refresh_secs.set_value(secs);
            }
        }
        _ => {}
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let (name, kind, text) = match testid(&ev).as_deref() {
            Some("refresh") => return refresh(s),
            Some("export-csv") => (
                "ews-containers.csv",
                "text/csv",
                list.view
                    .with_untracked(|v| export::csv(v.rows.iter().map(|r| &r.c), &list.names())),
            ),
            Some("export-json") => (
                "ews-containers.json",
                "application/json",
                list.view
                    .with_untracked(|v| export::json(v.rows.iter().map(|r| &r.c), &list.names())),
            ),
            _ => return,
        };
        let _ = export::download(name, kind, &text);
    };
    view! {
        <div class="toolbar" inner_html=html on:input=on_input on:change=on_change on:click=on_click></div>
    }
}

/// The bulk bar's content as markup of our own text: the count, one button
/// per action and "clear selection".
fn bulk_html(s: Stores, n: usize) -> String {
    let mut h = format!(
        "<strong data-testid=\"selected-count\">{}</strong>",
        s.ui.lang().selected(n)
    );
    for (i, (a, again)) in OPS.into_iter().enumerate() {
        h.push_str(&format!(
            "<button type=\"button\" class=\"small{}\" data-testid=\"bulk-{}\" data-op=\"{i}\">{} ({n})</button>",
            if a == Action::Delete { " danger" } else { "" },
            op_key(a, again),
            s.t(op_label(a, again))
        ));
    }
    h + &format!(
        "<button type=\"button\" class=\"small ghost\" data-testid=\"clear-selection\" data-op=\"clear\">{}</button>",
        s.t(M::ClearSelection)
    )
}

/// The bulk bar (with a selection, for those who may act): markup, one
/// delegated handler.
fn bulk_bar(s: Stores) -> impl IntoView {
    let list = s.list;
    let on_click = move |ev: leptos::ev::MouseEvent| match target_attr(&ev, "data-op").as_deref() {
        Some("clear") => list.selected.update(|s| s.clear()),
        Some(i) => {
            if let Some(&(a, again)) = i.parse::<usize>().ok().and_then(|i| OPS.get(i)) {
                open_bulk(s, a, again);
            }
        }
        None => {}
    };
    move || {
        let n = list.selected.with(|s| s.len());
        (n > 0 && s.can_act()).then(|| {
            view! {
                <div class="bulkbar" role="region" aria-label=s.t(M::BulkTitle) data-testid="bulk-bar"
                    inner_html=bulk_html(s, n) on:click=on_click></div>
            }
        })
    }
}

/// The fleet view's accounts, one line each: its name (a link to it), how
/// many containers it has and of which states, and, when it did not answer
/// or cannot be reached from here, why (its containers stay as last seen).
/// Markup of our own text (the names and errors escaped).
fn fleet_strip(s: Stores) -> impl IntoView {
    let (ui, list) = (s.ui, s.list);
    let lang = ui.lang();
    let html = move || {
        let counts = list.data.with(crate::list::Dataset::counts_per_account);
        let mut h = String::new();
        list.refreshing.track();
        list.parts.with_value(|parts| {
            for (p, n) in parts.iter().zip(&counts) {
                let name = escape_html(&p.name);
                let total: usize = n.iter().sum();
                let mut states = String::new();
                for (k, n) in status_keys().zip(n).filter(|(_, n)| **n > 0) {
                    if !states.is_empty() {
                        states.push_str(" · ");
                    }
                    states.push_str(&format!("{k} {n}"));
                }
                let (state, why) = match &p.error {
                    None if p.reached => ("ok", String::new()),
                    None => (
                        "unreached",
                        format!("<div class=\"warn small\">{}</div>", ui.t(M::NotReached)),
                    ),
                    Some(e) => (
                        "down",
                        format!(
                            "<div class=\"bad small\">{} {}</div>",
                            ui.t(M::AccountDown),
                            escape_html(&crate::api::describe(e, lang).0)
                        ),
                    ),
                };
                h.push_str(&format!(
                    "<li data-testid=\"fleet-account\" data-account=\"{name}\" data-state=\"{state}\" data-count=\"{total}\">\
                     <a href=\"{}/\" data-nav>{name}</a> <b>{total}</b> <span class=\"muted small\">{states}</span>{why}</li>",
                    escape_html(&crate::accounts::prefix(&p.name)),
                ));
            }
        });
        h
    };
    view! { <ul class="accounts" data-testid="fleet" aria-label=ui.t(M::AllAccounts) inner_html=html></ul> }
}

fn error_banner(ui: Ui, list: ListStore) -> impl IntoView {
    let lang = ui.lang();
    move || {
        list.error.get().map(|e| {
            let (msg, detail) = crate::api::describe(&e, lang);
            let lead = list.loaded.get().then(|| ui.t(M::RefreshFailed));
            error_box("list-error", lead, msg, detail)
        })
    }
}

/// The list page.
#[component]
pub fn ListPage() -> impl IntoView {
    let s = Stores::get();
    let (ui, list) = (s.ui, s.list);
    let lang = ui.lang();
    let fleet = ui.route.get_untracked() == Route::Fleet;
    // The footer, as markup: "no match" (with its button), "no containers",
    // how many are shown.
    let footer = move || {
        let (shown, total) = list.view.with(|v| (v.rows.len(), v.total));
        let loaded = list.loaded.get();
        let filtered = list.query.with(ListQuery::is_filtered);
        let mut h = String::new();
        if loaded && shown == 0 && total > 0 {
            h.push_str(&format!(
                "<p class=\"empty\" data-testid=\"no-match\">{} <button type=\"button\" class=\"small\" data-testid=\"clear-filters\">{}</button></p>",
                ui.t(M::NoMatch),
                ui.t(M::ClearFilters)
            ));
        }
        if loaded && total == 0 {
            h.push_str(&format!(
                "<p class=\"empty\" data-testid=\"no-containers\">{}</p>",
                ui.t(M::NoContainers)
            ));
        }
        h + &format!(
            "<p class=\"muted small\" data-testid=\"showing\" data-shown=\"{shown}\" data-total=\"{total}\" data-filtered=\"{filtered}\">{} · {}</p>",
            lang.showing(shown, total),
            ui.t(M::Shortcuts)
        )
    };
    let on_footer_click = move |ev: leptos::ev::MouseEvent| {
        if target_attr(&ev, "data-testid").as_deref() == Some("clear-filters") {
            list.update_query(true, |q| {
                q.statuses.clear();
                q.search.clear();
            });
        }
    };
    view! {
        <section class="list" aria-labelledby="list-title">
            <h1 id="list-title" class="sr-only">{ui.t(if fleet { M::AllAccounts } else { M::Containers })}</h1>
            {fleet.then(|| fleet_strip(s))}
            {counts_bar(ui, list)}
            {toolbar(s)}
            {bulk_bar(s)}
            {error_banner(ui, list)}
            {unreadable_notice(ui, list)}
            <ContainerTable/>
            <div class="foot" inner_html=footer on:click=on_footer_click></div>
        </section>
    }
}
