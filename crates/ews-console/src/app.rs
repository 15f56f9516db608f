//! The console's frame: the stores it provides, a tiny router over the
//! History API, the one-second tick, and the layout.
//!
//! Routes: `/` (list; its filters, sort, search and grouping are the query
//! string, written with `replaceState` while typing and `pushState` for
//! discrete changes), `/containers/{id}`, `/commands/{id}`, each under
//! `/a/{account}` with several accounts, and `/fleet` (every account's
//! containers in one list, with the list's query too). Links marked
//! `data-nav` are handled without a page load; `popstate` restores state.
//! Whether the console owns the page or one element of a host page is the
//! [`Shell`]'s business, never this module's.

use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::Mode;
use crate::clock;
use crate::components::{
    activity_panel::ActivityPanel, dialog::DialogHost, header::Header, toasts::Toasts,
};
use crate::i18n::M;
use crate::list::ListQuery;
use crate::pages::{
    command::CommandPage, connect::ConnectPage, container::ContainerPage, list::ListPage,
};
use crate::route::Route;
use crate::shell::Shell;
use crate::stores::{CommandStore, Conn, ConnState, ListStore, Stores, Ui};

/// Reads the account, the route and, on the list, the query from the
/// address bar. Back or forward to another account's page shows that
/// account (at start-up, the account is only noted: the start opens it).
fn read_location(s: Stores) {
    let Some((path, search)) = s.ui.shell().location() else {
        return;
    };
    let (account, rest) = crate::accounts::split_path(&path);
    let route = Route::parse(rest);
    if route.is_list() {
        s.list.query.set(ListQuery::parse(&search));
    }
    // Another known account: switch first (its page then mounts on its
    // own transport); at start-up none is known yet, and the name is noted
    // for the start to open.
    let known = account
        .as_ref()
        .is_some_and(|n| s.conn.account(Some(n)).is_some());
    match account {
        Some(name) if known && s.conn.shown_name().as_ref() != Some(&name) => {
            return crate::connection::switch(s, &name, Some(route));
        }
        Some(name) if !known => s.conn.accounts.update_value(|a| a.shown = Some(name)),
        // Back or forward to the fleet view.
        None if enters_fleet(s, &route) => return crate::connection::fleet(s, false),
        _ => {}
    }
    s.ui.route.set(route);
}

/// Whether going to `route` enters the fleet view: it is `/fleet`, the
/// console is not showing it, and the accounts are known (at start-up they
/// are not, and the start opens it).
fn enters_fleet(s: Stores, route: &Route) -> bool {
    *route == Route::Fleet
        && s.conn.accounts.with_value(|a| !a.list.is_empty())
        && s.conn.api().is_none_or(|a| a.parts().is_empty())
}

/// Goes to `route` (a new history entry) in the account shown; the list
/// keeps its query.
pub fn navigate(s: Stores, route: Route) {
    let url = s.list.url_of(&route);
    s.ui.route.set(route);
    let shell = s.ui.shell();
    shell.history(&url, true);
    shell.scroll_to_top();
}

/// Follows same-origin links marked `data-nav` without a page load (a
/// modified click is the browser's where the shell leaves it so).
fn on_click(s: Stores, ev: web_sys::MouseEvent) {
    let modified = ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key();
    let shell = s.ui.shell();
    if ev.default_prevented() || ev.button() != 0 || (modified && shell.leaves_modified_clicks()) {
        return;
    }
    let Some(target) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let Ok(Some(a)) = target.closest("a[data-nav]") else {
        return;
    };
    let Some(href) = a.get_attribute("href") else {
        return;
    };
    if !href.starts_with('/') || href.starts_with("//") {
        return;
    }
    ev.prevent_default();
    let (path, search) = href
        .split_once('?')
        .map_or((href.as_str(), ""), |(p, s)| (p, s));
    let (account, rest) = crate::accounts::split_path(path);
    let route = Route::parse(rest);
    if route.is_list() && !search.is_empty() {
        s.list.query.set(ListQuery::parse(search));
    }
    if enters_fleet(s, &route) {
        crate::connection::fleet(s, false);
    }
    // A link into another known account (a toast of the one left) opens there.
    if let Some(a) = account
        .filter(|a| s.conn.shown_name().as_ref() != Some(a) && s.conn.account(Some(a)).is_some())
    {
        crate::connection::switch(s, &a, Some(route.clone()));
    }
    navigate(s, route);
}

/// "/" focuses the search box, unless the user is typing somewhere.
fn on_keydown(ui: Ui, ev: web_sys::KeyboardEvent) {
    if ev.key() != "/" || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
        return;
    }
    let shell = ui.shell();
    let typing = shell.active_element().is_some_and(|e| {
        let tag = e.tag_name();
        tag == "INPUT" || tag == "TEXTAREA" || tag == "SELECT" || e.has_attribute("contenteditable")
    });
    if typing {
        return;
    }
    if let Some(search) = shell
        .find("#search")
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        ev.prevent_default();
        let _ = search.focus();
    }
}

/// Every second: the clock, the tab's visibility, and the auto-refresh.
fn tick(s: Stores) {
    let now = clock::now_ms();
    s.ui.now.set(now);
    let hidden = document().hidden();
    if hidden != s.ui.hidden.get_untracked() {
        s.ui.hidden.set(hidden);
    }
    let secs = u64::from(s.list.refresh_secs.get_value());
    let connected = matches!(s.conn.state.get_untracked(), ConnState::Connected { .. });
    // While commands are followed through the list, it is read every
    // watch tick (hidden or not); that read is the auto-refresh too.
    let watching = s.cmds.watch.with_value(ews_core::watch::Watch::is_active);
    let every = match (watching, secs) {
        (true, 0) => ews_core::watch::TICK_MS,
        (true, _) => (secs * 1000).min(ews_core::watch::TICK_MS),
        (false, _) => secs * 1000,
    };
    if connected
        && every > 0
        && (watching || !hidden)
        && !s.list.refreshing.get_untracked()
        && now.saturating_sub(s.list.last_attempt.get_value()) >= every
    {
        crate::actions::refresh(s);
    }
}

/// The page's start: the edge probe when the edge worker serves the page,
/// else a remembered connection if any.
pub(crate) fn begin_page(s: Stores) {
    if !served_by_edge() {
        return crate::pages::connect::auto_connect(s);
    }
    s.ui.spawn(async move {
        let mode = Mode::probe(&s.ui.life(), "").await;
        start(s, mode, String::new()).await;
    });
}

/// Whether the page says the edge worker serves it: `<meta name="ews-mode"
/// content="edge">`, which `cargo xtask edge-build` adds to the worker's
/// copy of `index.html`. Only then is `/edge/session` asked; a static
/// deployment (direct mode) sends no probe and logs no 404.
fn served_by_edge() -> bool {
    document()
        .query_selector("meta[name=ews-mode]")
        .ok()
        .flatten()
        .and_then(|m| m.get_attribute("content"))
        .is_some_and(|c| c == "edge")
}

/// Goes on as the edge probe said; `base` is the edge worker (empty: this
/// page's origin).
pub(crate) async fn start(s: Stores, mode: Mode, base: String) {
    let login = |path: String| format!("{base}{path}");
    match mode {
        Mode::Direct => crate::pages::connect::auto_connect(s),
        Mode::EdgeSignedOut { login: path } => s
            .conn
            .state
            .set(ConnState::SignedOut { login: login(path) }),
        Mode::Edge {
            user,
            operator,
            audit,
            accounts,
        } => {
            s.conn.accounts.update_value(|a| a.audit = audit);
            crate::connection::begin_edge(s, base, user, operator, accounts)
        }
    }
}

/// The single-page console, owning the page.
#[component]
pub fn App() -> impl IntoView {
    console(Shell::page())
}

/// The console in `shell` (the page, or an element of a host page).
pub fn console(shell: Rc<Shell>) -> impl IntoView {
    let ui = Ui::new(Rc::clone(&shell));
    let s = Stores {
        ui,
        conn: Conn::new(),
        list: ListStore::new(ui),
        cmds: CommandStore::new(Rc::clone(&shell)),
    };
    s.provide();
    if let Some(q) = shell.choices().query {
        s.list.query.set(ListQuery::parse(&q));
    }
    read_location(s);
    shell.set_attr("lang", s.ui.lang().tag());
    shell.set_attr("data-theme", s.ui.theme.get_untracked().as_str());

    let listening = shell.listen(move || read_location(s), move |ev| on_keydown(s.ui, ev));
    let ticker = set_interval_with_handle(move || tick(s), Duration::from_secs(1)).ok();
    let listening = StoredValue::new_local(Some(listening));
    on_cleanup(move || {
        if let Some(l) = listening.try_update_value(Option::take).flatten() {
            l.remove();
        }
        if let Some(t) = ticker {
            t.clear();
        }
        s.conn.generation.try_update_value(|g| *g += 1);
    });

    shell.begin(s);

    let main = move || match s.conn.state.get() {
        ConnState::Probing => {
            view! { <p class="muted pad" data-testid="probing">{s.t(M::Checking)}</p> }.into_any()
        }
        ConnState::SignedOut { login } => view! {
            <section class="card narrow" data-testid="edge-signin">
                <p>{s.t(M::EdgeSignInNeeded)}</p>
                <a class="button primary" href=login data-testid="signin-link">{s.t(M::SignIn)}</a>
            </section>
        }
        .into_any(),
        ConnState::Disconnected => view! { <ConnectPage/> }.into_any(),
        ConnState::Connected { .. } => (move || match s.ui.route.get() {
            Route::List | Route::Fleet => view! { <ListPage/> }.into_any(),
            Route::Container(id) => view! { <ContainerPage id=id/> }.into_any(),
            Route::Command(id) => view! { <CommandPage id=id/> }.into_any(),
            Route::NotFound => view! {
                <section class="card narrow" data-testid="not-found">
                    <p>{s.t(M::NotFound)}</p>
                    <a href=s.ui.href(&Route::List) data-nav>{s.t(M::Back)}</a>
                </section>
            }
            .into_any(),
        })
        .into_any(),
    };

    // Everything below is rebuilt when the language changes (rare), so views
    // can read texts once instead of each keeping a reactive closure.
    move || {
        s.ui.lang.track();
        view! {
        <div class="app" on:click=move |ev| on_click(s, ev)>
            <Header/>
            {move || {
                let skew = s.conn.skew.get();
                (skew != 0).then(|| view! {
                    <div class="notice" role="status" data-testid="skew-notice">{s.ui.lang.get().skew_notice(skew)}</div>
                })
            }}
            <div class="body">
                <main id="main">{main}</main>
                {move || s.conn.connected().then(|| view! { <ActivityPanel/> })}
            </div>
            <Toasts/>
            <DialogHost/>
            // "refreshes changed rows-built apply-µs", for tests and benchmarks.
            <div hidden data-testid="metrics" data-metrics=move || {
                let m = s.list.metrics.get();
                format!("{} {} {} {}", m.refreshes, m.changed, m.rows_built, m.apply_us)
            }></div>
        </div>
        }
    }
}
