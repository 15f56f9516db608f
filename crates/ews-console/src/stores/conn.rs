//! How the console reaches the API: the connection state and the
//! transport.

use std::rc::Rc;

use leptos::prelude::*;

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
}

impl Conn {
    /// A store that is probing how the console is served.
    pub fn new() -> Conn {
        Conn {
            state: RwSignal::new(ConnState::Probing),
            api: StoredValue::new_local(None),
            generation: StoredValue::new(0),
            skew: RwSignal::new(0),
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
