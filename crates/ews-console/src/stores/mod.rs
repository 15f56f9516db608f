//! The console's state, in four narrow stores, each provided as context
//! on its own and used where it is needed:
//!
//! - [`Ui`]: language, theme, route, toasts, the open dialog, the ticking
//!   clock, test metrics, and where the console lives ([`crate::shell`]);
//! - [`Conn`]: how the console reaches the API — the connection state and
//!   the transport ([`crate::api::Api`]), the clock correction;
//! - [`ListStore`]: the containers, what the user asked to see of them,
//!   refreshing, selection;
//! - [`CommandStore`]: commands running per container, the activity log,
//!   the bulk job.
//!
//! Views take the one or two they show ([`Ui::get`], [`ListStore::get`], …);
//! the writes in [`crate::actions`], which touch several, take the
//! [`Stores`] bundle.

pub mod commands;
pub mod conn;
pub mod list;
pub mod ui;

pub use commands::{BulkJob, BulkState, CommandStore, RowOp};
pub use conn::{Accounts, Conn, ConnState};
pub use list::{ListStore, REFRESH_CHOICES};
pub use ui::{Dialog, Metrics, Theme, Toast, Ui};

use leptos::prelude::*;

/// Every store: what a write that touches several needs.
#[derive(Clone, Copy)]
pub struct Stores {
    /// Language, route, toasts, dialogs, the shell.
    pub ui: Ui,
    /// The connection.
    pub conn: Conn,
    /// The containers.
    pub list: ListStore,
    /// Commands and the activity log.
    pub cmds: CommandStore,
}

impl Stores {
    /// Every store, from context (panics only outside the console's tree).
    pub fn get() -> Stores {
        Stores {
            ui: Ui::get(),
            conn: Conn::get(),
            list: ListStore::get(),
            cmds: CommandStore::get(),
        }
    }

    /// Provides each store as context of its own.
    pub fn provide(self) {
        provide_context(self.ui);
        provide_context(self.conn);
        provide_context(self.list);
        provide_context(self.cmds);
    }

    /// How container `id` reads: its id; in the fleet view, its account's
    /// name and its id (`prod/12`, see [`crate::fleet`]).
    pub fn label(&self, id: ews_core::ContainerId) -> String {
        crate::fleet::label(id, &self.list.names())
    }

    /// The URL of `route` (given the server's id of container `id`) in the
    /// account of `id`: the one shown, or the one a fleet id names.
    pub fn href_at(
        &self,
        id: ews_core::ContainerId,
        route: impl FnOnce(ews_core::ContainerId) -> crate::route::Route,
    ) -> String {
        self.prefix_of(id) + &route(crate::fleet::untag(id).1).path()
    }

    /// The URL part of container `id`'s account: the one shown, or the
    /// one a fleet id names (`/a/{name}`).
    pub fn prefix_of(&self, id: ews_core::ContainerId) -> String {
        crate::fleet::account(id, &self.list.names())
            .map_or_else(|| self.ui.prefix.get_value(), crate::accounts::prefix)
    }

    /// The text of `m` in the current language.
    pub fn t(&self, m: crate::i18n::M) -> &'static str {
        self.ui.t(m)
    }

    /// Whether `c` has been stuck in a passing state for
    /// [`ews_core::action::STUCK_AFTER_MS`] or more (the core's rule, from
    /// what this console has seen; re-read as the coarse clock ticks).
    pub fn stuck(&self, c: &ews_core::Container) -> bool {
        use ews_core::action::{is_stuck, passing_since};
        use ews_core::clock::corrected;
        if !c.status.is_transitional() {
            return false;
        }
        let skew = self.conn.skew.get_untracked();
        let now = corrected(self.ui.now_coarse.get(), skew);
        let seen = self.list.seen_since(c).map(|t| corrected(t, skew));
        is_stuck(&c.status, passing_since(c, seen), now)
    }

    /// Whether `action` is one `c`'s state usually takes now (the core's
    /// advice, counting a stuck start or stop).
    pub fn usual(&self, action: ews_core::Action, c: &ews_core::Container) -> bool {
        action.usual_when(&c.status, self.stuck(c))
    }

    /// Whether the user may act: connected, not a viewer, not a read-only
    /// embedding.
    pub fn can_act(&self) -> bool {
        self.conn.can_act() && !self.ui.shell().read_only()
    }

    /// Whether the user may act on container `id`: [`Stores::can_act`],
    /// and in the fleet view, not a viewer of its account.
    pub fn can_act_on(&self, id: ews_core::ContainerId) -> bool {
        self.can_act()
            && crate::fleet::untag(id).0.is_none_or(|p| {
                self.conn
                    .accounts
                    .with_value(|a| a.list.get(p).is_some_and(|a| a.can_act))
            })
    }

    /// Connects with `api`, showing `list` (the first listing, which proved
    /// the credentials).
    pub fn connect(
        &self,
        api: std::rc::Rc<crate::api::Api>,
        state: ConnState,
        list: ews_core::ContainerList,
    ) {
        self.conn.api.set_value(Some(api));
        self.conn.state.set(state);
        let n = list.containers.len();
        self.list.apply(list);
        self.ui.shell().ready(n);
        crate::actions::resume(*self);
    }
}
