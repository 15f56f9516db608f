//! The application shell: app-wide context ([`Ctx`]), a tiny router over the
//! History API, preferences (language, theme, auto-refresh) and the layout.
//!
//! Routes: `/` (list; its filters, sort, search and grouping are the query
//! string, written with `replaceState` while typing and `pushState` for
//! discrete changes), `/containers/{id}`, `/commands/{id}`. Links marked
//! `data-nav` are handled without a page load; `popstate` restores state.

use std::rc::Rc;
use std::time::Duration;

use ews_core::{Action, CommandId, ContainerId};
use leptos::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use wasm_bindgen::JsCast;

use crate::activity::{self, Tracked};
use crate::api::{Api, Mode};
use crate::clock;
use crate::components::{
    activity_panel::ActivityPanel, dialog::DialogHost, header::Header, toasts::Toasts,
};
use crate::i18n::{Lang, M};
use crate::life::Life;
use crate::list::{Dataset, ListQuery, View};
use crate::pages::{
    command::CommandPage, connect::ConnectPage, container::ContainerPage, list::ListPage,
};
use crate::route::Route;
use crate::shell::Shell;
use crate::storage::{self, keys};

/// Colour theme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Theme {
    /// Follow `prefers-color-scheme`.
    #[default]
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

impl Theme {
    /// Every theme.
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    /// Storage / `data-theme` name.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Theme {
        Theme::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .unwrap_or_default()
    }

    /// The label.
    pub fn label(self) -> M {
        match self {
            Theme::System => M::ThemeSystem,
            Theme::Light => M::ThemeLight,
            Theme::Dark => M::ThemeDark,
        }
    }
}

/// Where the session stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Session {
    /// Asking `/edge/session` how the console is served.
    Probing,
    /// Direct mode, no connection yet: the connection form.
    Disconnected,
    /// Edge mode, not signed in.
    SignedOut {
        /// Sign-in path.
        login: String,
    },
    /// Connected.
    Connected {
        /// Edge user, `None` in direct mode.
        edge_user: Option<String>,
        /// May start, stop and delete (viewers may not).
        can_act: bool,
        /// What the header shows: access key or user.
        label: String,
    },
}

/// A command running for one container, as its row shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowOp {
    /// What was asked.
    pub action: Action,
    /// `STATUS · Activity › step`.
    pub progress: String,
    /// The command, once known.
    pub command_id: Option<CommandId>,
}

/// A transient message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toast {
    /// Unique id.
    pub id: u64,
    /// `Some(true)`: success, `Some(false)`: failure, `None`: information.
    pub ok: Option<bool>,
    /// Text.
    pub text: String,
    /// Optional link (a command page).
    pub href: Option<String>,
}

/// One target of a bulk action.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum BulkState {
    /// Not started.
    Waiting,
    /// Command running.
    Running,
    /// Done: succeeded or not, with the message.
    Done(bool, String),
}

/// A bulk action: confirmation, then per-item progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BulkJob {
    /// What to do.
    pub action: Action,
    /// Targets whose state allows it, with their state.
    pub items: Vec<(ContainerId, BulkState)>,
    /// Selected containers whose state does not allow it.
    pub skipped: Vec<ContainerId>,
    /// Confirmed and running (or done).
    pub started: bool,
}

impl BulkJob {
    /// How many succeeded and failed so far.
    pub fn tally(&self) -> (usize, usize) {
        self.items.iter().fold((0, 0), |(ok, bad), (_, s)| match s {
            BulkState::Done(true, _) => (ok + 1, bad),
            BulkState::Done(false, _) => (ok, bad + 1),
            _ => (ok, bad),
        })
    }

    /// Whether every item is done.
    pub fn finished(&self) -> bool {
        self.started
            && self
                .items
                .iter()
                .all(|(_, s)| matches!(s, BulkState::Done(..)))
    }
}

/// A modal dialog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dialog {
    /// "Delete container N?"
    ConfirmDelete(ContainerId),
    /// The bulk job in [`Ctx::bulk`].
    Bulk,
}

/// Counters that tests and benchmarks read from the DOM (`data-testid="metrics"`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Metrics {
    /// Successful list refreshes.
    pub refreshes: u64,
    /// Refreshes that changed something.
    pub changed: u64,
    /// Table rows built since start (a refresh with no change builds none).
    pub rows_built: u64,
    /// Time from response to painted table of the last refresh, µs.
    pub apply_us: u64,
}

/// App-wide state, provided as context. Every field is a cheap handle.
#[derive(Clone, Copy)]
pub struct Ctx {
    /// Interface language.
    pub lang: RwSignal<Lang>,
    /// Theme.
    pub theme: RwSignal<Theme>,
    /// Current route.
    pub route: RwSignal<Route>,
    /// The list's filters, sort, search and grouping (mirrors the URL).
    pub query: RwSignal<ListQuery>,
    /// Connection state.
    pub session: RwSignal<Session>,
    /// The transport, when connected.
    pub api: StoredValue<Option<Rc<Api>>, LocalStorage>,
    /// Bumped on disconnect: running loops of an older generation stop.
    pub generation: StoredValue<u32>,
    /// Every container.
    pub data: RwSignal<Dataset>,
    /// What the list shows (derived from `data` and `query`).
    pub view: Memo<View>,
    /// A list has been received since connecting.
    pub loaded: RwSignal<bool>,
    /// Local time of the last good refresh.
    pub last_ok: RwSignal<Option<u64>>,
    /// Local time of the last refresh attempt.
    pub last_attempt: StoredValue<u64>,
    /// The last refresh's error (the data shown is then the last good one).
    pub list_error: RwSignal<Option<ews_core::Error>>,
    /// A refresh is in flight.
    pub refreshing: RwSignal<bool>,
    /// Auto-refresh interval in seconds, 0 for off.
    pub refresh_secs: RwSignal<u32>,
    /// Local clock, ticking every second.
    pub now: RwSignal<u64>,
    /// The same, changing every 15 s (for "x min ago" in rows).
    pub now_coarse: Memo<u64>,
    /// The tab is hidden.
    pub hidden: RwSignal<bool>,
    /// Clock correction, server − local, ms.
    pub skew: RwSignal<i64>,
    /// Running commands per container.
    pub ops: RwSignal<HashMap<ContainerId, RowOp>>,
    /// This session's commands, newest first (session storage).
    pub activity: RwSignal<Vec<Tracked>>,
    /// Selected containers.
    pub selected: RwSignal<HashSet<ContainerId>>,
    /// Last clicked row position (shift-click ranges).
    pub anchor: StoredValue<Option<ContainerId>>,
    /// Toasts.
    pub toasts: RwSignal<Vec<Toast>>,
    /// Open dialog.
    pub dialog: RwSignal<Option<Dialog>>,
    /// The bulk job.
    pub bulk: RwSignal<Option<BulkJob>>,
    /// Test and benchmark counters.
    pub metrics: RwSignal<Metrics>,
    /// The list's scroll position, kept across pages.
    pub list_scroll: StoredValue<i32>,
    /// Where the console lives (page or element) and its lifetime.
    pub shell: StoredValue<Rc<Shell>, LocalStorage>,
}

impl Ctx {
    fn new(shell: Rc<Shell>) -> Ctx {
        let data = RwSignal::new(Dataset::default());
        let query = RwSignal::new(ListQuery::default());
        let now = RwSignal::new(clock::now_ms());
        let chose = shell.choices();
        let embedded = shell.is_embedded();
        Ctx {
            lang: RwSignal::new(chose.lang.unwrap_or_else(|| initial_lang(embedded))),
            theme: RwSignal::new(chose.theme.unwrap_or_else(|| match embedded {
                true => Theme::System,
                false => Theme::parse(&storage::get(keys::THEME).unwrap_or_default()),
            })),
            route: RwSignal::new(Route::List),
            query,
            session: RwSignal::new(Session::Probing),
            api: StoredValue::new_local(None),
            generation: StoredValue::new(0),
            data,
            view: Memo::new(move |_| data.with(|d| query.with(|q| d.view(q)))),
            loaded: RwSignal::new(false),
            last_ok: RwSignal::new(None),
            last_attempt: StoredValue::new(0),
            list_error: RwSignal::new(None),
            refreshing: RwSignal::new(false),
            refresh_secs: RwSignal::new(chose.refresh.unwrap_or_else(|| {
                (!embedded)
                    .then(|| storage::get(keys::REFRESH))
                    .flatten()
                    .and_then(|s| s.parse().ok())
                    .filter(|s| REFRESH_CHOICES.contains(s))
                    .unwrap_or(10)
            })),
            now,
            now_coarse: Memo::new(move |_| now.get() / 15_000 * 15_000),
            hidden: RwSignal::new(false),
            skew: RwSignal::new(0),
            ops: RwSignal::new(HashMap::default()),
            // Embedded, the log lives in memory: a host page's storage is not ours.
            activity: RwSignal::new(if embedded {
                Vec::new()
            } else {
                activity::load()
            }),
            selected: RwSignal::new(HashSet::default()),
            anchor: StoredValue::new(None),
            toasts: RwSignal::new(Vec::new()),
            dialog: RwSignal::new(None),
            bulk: RwSignal::new(None),
            metrics: RwSignal::new(Metrics::default()),
            list_scroll: StoredValue::new(0),
            shell: StoredValue::new_local(shell),
        }
    }

    /// Where the console lives.
    pub fn shell(&self) -> Rc<Shell> {
        self.shell.with_value(Rc::clone)
    }

    /// The console's lifetime (its timers and requests).
    pub fn life(&self) -> Rc<Life> {
        self.shell.with_value(|s| Rc::clone(&s.life))
    }

    /// Runs `task` as part of this console (never after it ends).
    pub fn spawn(&self, task: impl std::future::Future<Output = ()> + 'static) {
        self.life().spawn(task);
    }

    /// The context (panics only outside [`App`], a programming error).
    pub fn get() -> Ctx {
        expect_context::<Ctx>()
    }

    /// The text of `m` in the current language. Not reactive: the views
    /// are rebuilt when the language changes.
    pub fn t(&self, m: M) -> &'static str {
        m.text(self.lang.get_untracked())
    }

    /// Changes the language (on the page: remembered, and set on
    /// `<html lang>`; embedded: set on the element only).
    pub fn set_lang(&self, lang: Lang) {
        let shell = self.shell();
        if !shell.is_embedded() {
            storage::set(keys::LANG, lang.tag());
        }
        shell.set_attr("lang", lang.tag());
        self.lang.set(lang);
    }

    /// Changes the theme (on the page: remembered, and set on
    /// `<html data-theme>`; embedded: set on the element only).
    pub fn set_theme(&self, theme: Theme) {
        let shell = self.shell();
        if !shell.is_embedded() {
            storage::set(keys::THEME, theme.as_str());
        }
        shell.set_attr("data-theme", theme.as_str());
        self.theme.set(theme);
    }

    /// Changes the auto-refresh interval (remembered on the page).
    pub fn set_refresh(&self, secs: u32) {
        if !self.shell().is_embedded() {
            storage::set(keys::REFRESH, &secs.to_string());
        }
        self.refresh_secs.set(secs);
    }

    /// Edits the activity log (and, on the page, saves it to session storage).
    pub fn edit_activity(&self, f: impl FnOnce(&mut Vec<Tracked>)) {
        self.activity.update(f);
        if !self.shell().is_embedded() {
            self.activity.with_untracked(|log| activity::save(log));
        }
    }

    /// The transport, when connected.
    pub fn api(&self) -> Option<Rc<Api>> {
        self.api.with_value(Clone::clone)
    }

    /// Whether the user may act (connected, not a viewer, and not a
    /// read-only embedding).
    pub fn can_act(&self) -> bool {
        matches!(self.session.get(), Session::Connected { can_act: true, .. })
            && !self.shell.with_value(|s| s.read_only())
    }

    /// Shows a toast for a few seconds.
    pub fn toast(&self, ok: Option<bool>, text: impl Into<String>, href: Option<String>) {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let toasts = self.toasts;
        toasts.update(|t| {
            t.push(Toast {
                id,
                ok,
                text: text.into(),
                href,
            });
            let excess = t.len().saturating_sub(5);
            t.drain(..excess);
        });
        let secs = if ok == Some(false) { 12 } else { 6 };
        let _ = self.life().timeout(secs * 1000, move || {
            toasts
                .try_update(|t| t.retain(|x| x.id != id))
                .unwrap_or(())
        });
    }

    /// Goes to `route` (a new history entry); the list keeps its query.
    pub fn navigate(&self, route: Route) {
        let url = self.url_of(&route);
        self.route.set(route);
        let shell = self.shell();
        shell.history(&url, true);
        shell.scroll_to_top();
    }

    /// Changes the list's query; `push` makes a history entry (discrete
    /// changes), otherwise the current entry is replaced (typing).
    pub fn set_query(&self, q: ListQuery, push: bool) {
        if self.query.with_untracked(|old| *old == q) {
            return;
        }
        self.query.set(q);
        if self.route.get_untracked() == Route::List {
            self.shell().history(&self.url_of(&Route::List), push);
        }
    }

    /// Edits the list's query in place.
    pub fn update_query(&self, push: bool, f: impl FnOnce(&mut ListQuery)) {
        let mut q = self.query.get_untracked();
        f(&mut q);
        self.set_query(q, push);
    }

    /// The URL of a route (the list's carries its query).
    pub fn url_of(&self, route: &Route) -> String {
        match route {
            Route::List => format!("/{}", self.query.with_untracked(ListQuery::to_query)),
            other => other.path(),
        }
    }

    /// Connects with `api`, showing `list` (the first listing, which proved
    /// the credentials).
    pub fn connect(&self, api: Rc<Api>, session: Session, list: Vec<ews_core::Container>) {
        self.api.set_value(Some(api));
        self.session.set(session);
        let n = list.len();
        self.apply_list(list);
        self.shell().ready(n);
        crate::actions::resume(*self);
    }

    /// Disconnects: forgets the transport (and the secret with it), stops
    /// every loop, clears the data.
    pub fn disconnect(&self) {
        self.generation.update_value(|g| *g += 1);
        self.api.set_value(None);
        self.data.set(Dataset::default());
        self.loaded.set(false);
        self.last_ok.set(None);
        self.list_error.set(None);
        self.refreshing.set(false);
        self.ops.set(HashMap::default());
        self.selected.set(HashSet::default());
        self.dialog.set(None);
        self.bulk.set(None);
        self.skew.set(0);
        self.session.set(Session::Disconnected);
    }

    /// Applies a fresh listing (only what changed).
    pub fn apply_list(&self, list: Vec<ews_core::Container>) {
        let t0 = clock::monotonic_ms();
        let next = self.data.with_untracked(|d| d.apply(list));
        let changed = next.is_some();
        if let Some(next) = next {
            // Forget selected containers that are gone.
            if self
                .selected
                .with_untracked(|s| s.iter().any(|id| next.get(*id).is_none()))
            {
                self.selected
                    .update(|s| s.retain(|id| next.get(*id).is_some()));
            }
            self.data.set(next);
        }
        let now = clock::now_ms();
        self.loaded.set(true);
        self.last_ok.set(Some(now));
        if self.list_error.with_untracked(Option::is_some) {
            self.list_error.set(None);
        }
        let metrics = self.metrics;
        request_animation_frame(move || {
            let apply_us = ((clock::monotonic_ms() - t0) * 1000.0) as u64;
            metrics.update(|m| {
                m.refreshes += 1;
                m.changed += u64::from(changed);
                m.rows_built = crate::components::table::rows_built();
                m.apply_us = apply_us;
            });
        });
    }
}

/// The auto-refresh choices, seconds (0: off).
pub const REFRESH_CHOICES: [u32; 6] = [0, 5, 10, 30, 60, 300];

fn initial_lang(embedded: bool) -> Lang {
    if !embedded && let Some(l) = storage::get(keys::LANG).and_then(|s| Lang::parse(&s)) {
        return l;
    }
    let nav = window().navigator();
    let langs: Vec<String> = nav
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    let first = nav.language();
    Lang::from_preferences(langs.iter().map(String::as_str).chain(first.as_deref()))
}

/// Reads the route and, on the list, the query from the address bar.
fn read_location(ctx: Ctx) {
    let loc = window().location();
    let route = Route::parse(&loc.pathname().unwrap_or_default());
    if route == Route::List {
        ctx.query
            .set(ListQuery::parse(&loc.search().unwrap_or_default()));
    }
    ctx.route.set(route);
}

/// Follows same-origin links marked `data-nav` without a page load. On the
/// page, a modified click (new tab) is the browser's; embedded, the paths
/// are not the host page's, so every click stays inside the console.
fn on_click(ctx: Ctx, ev: web_sys::MouseEvent) {
    let modified = ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key();
    if ev.default_prevented() || ev.button() != 0 || (modified && !ctx.shell().is_embedded()) {
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
    let route = Route::parse(path);
    if route == Route::List && !search.is_empty() {
        ctx.query.set(ListQuery::parse(search));
    }
    ctx.navigate(route);
}

/// "/" focuses the search box, unless the user is typing somewhere (on the
/// page: anywhere; embedded: only while focus is inside the console).
fn on_keydown(ctx: Ctx, ev: web_sys::KeyboardEvent) {
    if ev.key() != "/" || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
        return;
    }
    let shell = ctx.shell();
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

fn tick(ctx: Ctx) {
    let now = clock::now_ms();
    ctx.now.set(now);
    let hidden = document().hidden();
    if hidden != ctx.hidden.get_untracked() {
        ctx.hidden.set(hidden);
    }
    let secs = u64::from(ctx.refresh_secs.get_untracked());
    let connected = matches!(ctx.session.get_untracked(), Session::Connected { .. });
    if connected
        && secs > 0
        && !hidden
        && !ctx.refreshing.get_untracked()
        && now.saturating_sub(ctx.last_attempt.get_value()) >= secs * 1000
    {
        crate::actions::refresh(ctx);
    }
}

/// Starts the session: the edge probe when the page is the edge worker's,
/// else a remembered connection if any (embedded: as the host page chose).
fn begin(ctx: Ctx) {
    #[cfg(feature = "embed")]
    if ctx.shell().is_embedded() {
        return crate::embed::begin(ctx);
    }
    if !served_by_edge() {
        return crate::pages::connect::auto_connect(ctx);
    }
    ctx.spawn(async move {
        let mode = Mode::probe(&ctx.life(), "").await;
        start(ctx, mode, String::new()).await;
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
pub(crate) async fn start(ctx: Ctx, mode: Mode, base: String) {
    let login = |path: String| format!("{base}{path}");
    match mode {
        Mode::Direct => crate::pages::connect::auto_connect(ctx),
        Mode::EdgeSignedOut { login: path } => {
            ctx.session.set(Session::SignedOut { login: login(path) })
        }
        Mode::Edge { user, operator } => {
            let skew = ctx.skew;
            let api = Api::edge(base.clone(), ctx.life(), move |c| skew.set(c));
            let session = Session::Connected {
                edge_user: Some(user.clone()),
                can_act: operator,
                label: user,
            };
            ctx.api.set_value(Some(Rc::clone(&api)));
            ctx.session.set(session.clone());
            match api.list().await {
                Ok(list) => ctx.connect(api, session, list),
                Err(e) => {
                    if crate::api::is_unauthorized(&e) {
                        ctx.session.set(Session::SignedOut {
                            login: login(crate::api::EDGE_LOGIN.into()),
                        });
                    }
                    crate::actions::report(ctx, "list", &e);
                    ctx.list_error.set(Some(e));
                }
            }
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
    let embedded = shell.is_embedded();
    let ctx = Ctx::new(Rc::clone(&shell));
    provide_context(ctx);
    match shell.choices().query {
        Some(q) if embedded => ctx.query.set(ListQuery::parse(&q)),
        _ if embedded => {}
        _ => read_location(ctx),
    }

    shell.set_attr("lang", ctx.lang.get_untracked().tag());
    shell.set_attr("data-theme", ctx.theme.get_untracked().as_str());

    // The page's console listens on the window; an embedded one only on its
    // own element (below), so the host page's keys and history stay its own.
    let listeners = (!embedded).then(|| {
        (
            window_event_listener(leptos::ev::popstate, move |_| read_location(ctx)),
            window_event_listener(leptos::ev::keydown, move |ev| on_keydown(ctx, ev)),
        )
    });
    let ticker = set_interval_with_handle(move || tick(ctx), Duration::from_secs(1)).ok();
    on_cleanup(move || {
        if let Some((popstate, keydown)) = listeners {
            popstate.remove();
            keydown.remove();
        }
        if let Some(t) = ticker {
            t.clear();
        }
        ctx.generation.try_update_value(|g| *g += 1);
    });

    begin(ctx);

    let main = move || {
        match ctx.session.get() {
        Session::Probing => view! { <p class="muted pad" data-testid="probing">{ctx.t(M::Checking)}</p> }.into_any(),
        Session::SignedOut { login } => view! {
            <section class="card narrow" data-testid="edge-signin">
                <p>{ctx.t(M::EdgeSignInNeeded)}</p>
                <a class="button primary" href=login data-testid="signin-link">{ctx.t(M::SignIn)}</a>
            </section>
        }
        .into_any(),
        Session::Disconnected => view! { <ConnectPage/> }.into_any(),
        Session::Connected { .. } => (move || match ctx.route.get() {
            Route::List => view! { <ListPage/> }.into_any(),
            Route::Container(id) => view! { <ContainerPage id=id/> }.into_any(),
            Route::Command(id) => view! { <CommandPage id=id/> }.into_any(),
            Route::NotFound => view! {
                <section class="card narrow" data-testid="not-found">
                    <p>{ctx.t(M::NotFound)}</p>
                    <a href="/" data-nav>{ctx.t(M::Back)}</a>
                </section>
            }
            .into_any(),
        })
        .into_any(),
    }
    };

    // Everything below is rebuilt when the language changes (rare), so views
    // can read texts once instead of each keeping a reactive closure.
    move || {
        ctx.lang.track();
        view! {
        <div class="app" on:click=move |ev| on_click(ctx, ev)
            on:keydown=move |ev| if embedded { on_keydown(ctx, ev) }>
            <Header/>
            {move || {
                let skew = ctx.skew.get();
                (skew != 0).then(|| view! {
                    <div class="notice" role="status" data-testid="skew-notice">{ctx.lang.get().skew_notice(skew)}</div>
                })
            }}
            <div class="body">
                <main id="main">{main}</main>
                {move || matches!(ctx.session.get(), Session::Connected { .. }).then(|| view! { <ActivityPanel/> })}
            </div>
            <Toasts/>
            <DialogHost/>
            // "refreshes changed rows-built apply-µs", for tests and benchmarks.
            <div hidden data-testid="metrics" data-metrics=move || {
                let m = ctx.metrics.get();
                format!("{} {} {} {}", m.refreshes, m.changed, m.rows_built, m.apply_us)
            }></div>
        </div>
        }
    }
}
