//! How the console reaches the API: the connection state and the
//! transport.

use std::rc::Rc;

use leptos::prelude::*;

use crate::accounts::Account;
use crate::api::Api;

/// Where the connection stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnState {
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

/// The connection store.
#[derive(Clone, Copy)]
pub struct Conn {
    /// Where the connection stands.
    pub state: RwSignal<ConnState>,
    /// The transport, when connected.
    pub api: StoredValue<Option<Rc<Api>>, LocalStorage>,
    /// Bumped on disconnect: running loops of an older generation stop.
    pub generation: StoredValue<u32>,
    /// Clock correction, server − local, ms (from the core's client).
    pub skew: RwSignal<i64>,
    /// The accounts, the one shown, and their transports (not reactive:
    /// what shows them is rebuilt when [`Conn::state`] changes, which
    /// every change of account sets).
    pub accounts: StoredValue<Accounts, LocalStorage>,
}

/// The accounts the console knows and the one it shows.
#[derive(Default)]
pub struct Accounts {
    /// Kept on this device (direct mode) or reached (edge mode), in order.
    pub list: Vec<Account>,
    /// The account shown, by name.
    pub shown: Option<String>,
    /// Edge mode: the worker (empty: this page's origin) and who is signed in.
    pub edge: Option<(String, String)>,
    /// Edge mode: the worker lets the user read its audit trail.
    pub audit: bool,
    /// Each account's transport while the console lives (its clock; in
    /// direct mode the secret, in memory): going back to an account needs
    /// nothing typed again. Disconnecting drops it.
    pub kept: Vec<(String, Rc<Api>)>,
}

impl Conn {
    /// A store that is probing how the console is served.
    pub fn new() -> Conn {
        Conn {
            state: RwSignal::new(ConnState::Probing),
            api: StoredValue::new_local(None),
            generation: StoredValue::new(0),
            skew: RwSignal::new(0),
            accounts: StoredValue::new_local(Accounts::default()),
        }
    }

    /// The store from context.
    pub fn get() -> Conn {
        expect_context::<Conn>()
    }

    /// The transport, when connected.
    pub fn api(&self) -> Option<Rc<Api>> {
        self.api.with_value(Clone::clone)
    }

    /// Whether connected.
    pub fn connected(&self) -> bool {
        matches!(self.state.get(), ConnState::Connected { .. })
    }

    /// Whether the session allows acting (viewers may not; see also
    /// [`crate::stores::Stores::can_act`]).
    pub fn can_act(&self) -> bool {
        matches!(self.state.get(), ConnState::Connected { can_act: true, .. })
    }

    /// Whether an edge-mode user is signed in (not tracked).
    pub fn is_edge_user(&self) -> bool {
        matches!(
            self.state.get_untracked(),
            ConnState::Connected {
                edge_user: Some(_),
                ..
            }
        )
    }

    /// The current generation (see [`Conn::generation`]).
    pub fn current(&self) -> u32 {
        self.generation.get_value()
    }

    /// The name of the account shown.
    pub fn shown_name(&self) -> Option<String> {
        self.accounts.with_value(|a| a.shown.clone())
    }

    /// The account named `name`, or shown (`None`).
    pub fn account(&self, name: Option<&str>) -> Option<Account> {
        self.accounts.with_value(|a| {
            let name = name.or(a.shown.as_deref())?;
            a.list.iter().find(|x| x.name == name).cloned()
        })
    }

    /// The transport kept for the account named `name`.
    pub fn kept_api(&self, name: &str) -> Option<Rc<Api>> {
        self.accounts.with_value(|a| {
            a.kept
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, a)| Rc::clone(a))
        })
    }

    /// Keeps (`Some`) or drops the transport of the account named `name`.
    pub fn keep_api(&self, name: &str, api: Option<Rc<Api>>) {
        self.accounts.update_value(|a| {
            a.kept.retain(|(n, _)| n != name);
            if let Some(api) = api {
                a.kept.push((name.to_string(), api));
            }
        });
    }

    /// Forgets the transport (and the secret with it) and stops every loop
    /// of the current generation.
    pub fn forget(&self) {
        self.generation.update_value(|g| *g += 1);
        self.api.set_value(None);
        self.skew.set(0);
    }
}

impl Default for Conn {
    fn default() -> Self {
        Conn::new()
    }
}
