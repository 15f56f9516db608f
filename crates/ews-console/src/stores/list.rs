//! The containers: what the server has ([`Dataset`]), what the user asked
//! to see ([`ListQuery`], mirrored in the URL where the shell has one),
//! what is shown ([`View`]), refreshing, and the selection.

use ews_core::{Container, ContainerId, ContainerList, ContainerStatus, Error, Skipped};
use leptos::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::clock;
use crate::list::{Dataset, ListQuery, View};
use crate::route::Route;
use crate::stores::{Metrics, Ui};

/// The auto-refresh choices, seconds (0: off).
pub const REFRESH_CHOICES: [u32; 6] = [0, 5, 10, 30, 60, 300];

/// The list store.
#[derive(Clone, Copy)]
pub struct ListStore {
    /// The list's filters, sort, search and grouping (mirrors the URL).
    pub query: RwSignal<ListQuery>,
    /// The interface the list's URL belongs to.
    ui: Ui,
    /// Every container.
    pub data: RwSignal<Dataset>,
    /// The fleet view: what each account said at the last refresh (not
    /// reactive: every refresh ends by setting `refreshing`, which what
    /// shows it tracks).
    pub parts: StoredValue<Vec<crate::fleet::Part>>,
    /// The items of the last list that could not be read.
    /// (Not reactive: set before `loaded`, which what shows them tracks.)
    pub skipped: StoredValue<Vec<Skipped>>,
    /// Containers seen in a passing state: the state, and when (local
    /// clock) this console first saw them in it.
    passing: StoredValue<HashMap<ContainerId, (ContainerStatus, u64)>>,
    /// What the list shows (derived from `data` and `query`).
    pub view: Memo<View>,
    /// A list has been received since connecting.
    pub loaded: RwSignal<bool>,
    /// Local time of the last good refresh.
    pub last_ok: StoredValue<Option<u64>>,
    /// Local time of the last refresh attempt.
    pub last_attempt: StoredValue<u64>,
    /// The last refresh's error (the data shown is then the last good one).
    pub error: RwSignal<Option<Error>>,
    /// A refresh is in flight.
    pub refreshing: RwSignal<bool>,
    /// Auto-refresh interval in seconds, 0 for off.
    /// (Not reactive: what shows it is read as the clock ticks.)
    pub refresh_secs: StoredValue<u32>,
    /// Selected containers.
    pub selected: RwSignal<HashSet<ContainerId>>,
    /// Last clicked row (shift-click ranges).
    pub anchor: StoredValue<Option<ContainerId>>,
    /// The table's scroll position, kept across pages.
    pub scroll: StoredValue<i32>,
    /// Refresh counters for tests and benchmarks.
    pub metrics: RwSignal<Metrics>,
}

impl ListStore {
    /// An empty list in `ui`, with the shell's auto-refresh choice.
    pub fn new(ui: Ui) -> ListStore {
        let data = RwSignal::new(Dataset::default());
        let query = RwSignal::new(ListQuery::default());
        ListStore {
            query,
            ui,
            data,
            parts: StoredValue::new(Vec::new()),
            skipped: StoredValue::new(Vec::new()),
            passing: StoredValue::new(HashMap::default()),
            view: Memo::new(move |_| data.with(|d| query.with(|q| d.view(q)))),
            loaded: RwSignal::new(false),
            last_ok: StoredValue::new(None),
            last_attempt: StoredValue::new(0),
            error: RwSignal::new(None),
            refreshing: RwSignal::new(false),
            refresh_secs: StoredValue::new(ui.shell().initial_refresh()),
            selected: RwSignal::new(HashSet::default()),
            anchor: StoredValue::new(None),
            scroll: StoredValue::new(0),
            metrics: RwSignal::new(Metrics::default()),
        }
    }

    /// The store from context.
    pub fn get() -> ListStore {
        expect_context::<ListStore>()
    }

    /// Changes the query; `push` makes a history entry (discrete changes),
    /// otherwise the current entry is replaced (typing).
    pub fn set_query(&self, q: ListQuery, push: bool) {
        if self.query.with_untracked(|old| *old == q) {
            return;
        }
        self.query.set(q);
        let route = self.ui.route.get_untracked();
        if route.is_list() {
            self.ui.shell().history(&self.url_of(&route), push);
        }
    }

    /// Edits the query in place.
    pub fn update_query(&self, push: bool, f: impl FnOnce(&mut ListQuery)) {
        let mut q = self.query.get_untracked();
        f(&mut q);
        self.set_query(q, push);
    }

    /// The URL of `route` in the account shown (the lists' carry their
    /// query).
    pub fn url_of(&self, route: &Route) -> String {
        let path = match route {
            Route::List => format!("/{}", self.query.with_untracked(ListQuery::to_query)),
            Route::Fleet => format!("/fleet{}", self.query.with_untracked(ListQuery::to_query)),
            other => other.path(),
        };
        self.ui.prefix.get_value() + &path
    }

    /// The fleet view's accounts, in order (empty: one account's list).
    pub fn names(&self) -> std::sync::Arc<[String]> {
        self.data.with_untracked(Dataset::names)
    }

    /// When (local clock) this console first saw `c` in its current
    /// passing state, if it is in one.
    pub fn seen_since(&self, c: &Container) -> Option<u64> {
        self.passing.with_value(|m| {
            m.get(&c.id)
                .filter(|(status, _)| *status == c.status)
                .map(|(_, t)| *t)
        })
    }

    /// Notes the containers in a passing state, keeping the moment each
    /// was first seen in it; `all`: these are every container.
    fn note_passing<'a>(&self, containers: impl Iterator<Item = &'a Container>, all: bool) {
        let now = clock::now_ms();
        self.passing.update_value(|m| {
            let mut next = HashMap::default();
            for c in containers {
                let kept = m.remove(&c.id).filter(|(status, _)| *status == c.status);
                if c.status.is_transitional() {
                    let since = kept.map_or(now, |(_, t)| t);
                    next.insert(c.id, (c.status.clone(), since));
                }
            }
            if all {
                *m = next;
            } else {
                m.extend(next);
            }
        });
    }

    /// Applies a fresh listing (only what changed). Items that could not be
    /// read are kept for the notice, and told to an embedding page (an
    /// `ews-error` from `decode`) when they change.
    pub fn apply(&self, list: ContainerList) {
        let t0 = clock::monotonic_ms();
        if self.skipped.with_value(|s| *s != list.skipped) {
            if let Some(first) = list.skipped.first() {
                let lang = self.ui.lang();
                self.ui.shell().error(
                    "decode",
                    &lang.unreadable(list.skipped.len()),
                    Some(&format!("#{}: {}", first.index, first.reason)),
                );
            }
            self.skipped.set_value(list.skipped);
        }
        self.note_passing(list.containers.iter(), true);
        let next = self.data.with_untracked(|d| d.apply(list.containers));
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
        self.loaded.set(true);
        self.last_ok.set_value(Some(clock::now_ms()));
        if self.error.with_untracked(Option::is_some) {
            self.error.set(None);
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

    /// One container, fresh from the server (`None`: it is gone).
    pub fn put(&self, id: ContainerId, c: Option<Container>) {
        if let Some(c) = &c {
            self.note_passing(std::iter::once(c), false);
        }
        let next = self.data.with_untracked(|d| match c {
            Some(c) => d.upsert(c),
            None => d.remove(id),
        });
        if let Some(next) = next {
            self.data.set(next);
        }
        if self.selected.with_untracked(|s| s.contains(&id))
            && self.data.with_untracked(|d| d.get(id).is_none())
        {
            self.selected.update(|s| {
                s.remove(&id);
            });
        }
    }

    /// Forgets every container (on disconnect).
    pub fn clear(&self) {
        self.data.set(Dataset::default());
        self.loaded.set(false);
        self.last_ok.set_value(None);
        self.error.set(None);
        self.refreshing.set(false);
        self.selected.set(HashSet::default());
        self.skipped.set_value(Vec::new());
        self.parts.set_value(Vec::new());
        self.passing.set_value(HashMap::default());
    }
}
