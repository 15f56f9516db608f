//! Which account the console shows, and going from one to another.
//!
//! Each account has its own transport ([`Api`]: its clock correction and,
//! in direct mode, its secret in memory), its own list and refresh, and its
//! own activity log. Switching keeps the account left behind open in memory
//! (coming back needs nothing typed again), stops its loops, and shows the
//! other; the URL's `/a/{name}` follows, so links, reload and back/forward
//! keep the account. A wrong secret or an error of one account never
//! touches another: each answer that comes back after a switch is dropped
//! (the console's generation moved on), and a command issued just before
//! one is logged in its own account's log, to be followed there.

use std::rc::Rc;

use leptos::prelude::*;

use crate::accounts::{self, Account};
use crate::api::Api;
use crate::route::Route;
use crate::storage::{self, keys};
use crate::stores::{ConnState, Stores};

/// Sets the account shown and the URL's account part (the history entry
/// replaced, or a new one when `push`); `None`: no account (a new one is
/// being added, or the console has none).
pub fn select(s: Stores, name: Option<&str>, push: bool) {
    mark(s, name);
    let url = s.list.url_of(&s.ui.route.get_untracked());
    s.ui.shell().history(&url, push);
}

/// Sets the account shown, its log and the URL's account part (the address
/// bar untouched: it says so already, or [`select`] writes it).
fn mark(s: Stores, name: Option<&str>) {
    let prefix = name.map_or_else(String::new, accounts::prefix);
    let direct = s.conn.accounts.try_update_value(|a| {
        a.shown = name.map(str::to_string);
        a.edge.is_none()
    });
    s.ui.prefix.set_value(prefix);
    s.cmds.use_account(name.unwrap_or_default());
    if let (Some(n), Some(true)) = (name, direct) {
        s.ui.shell().remember(keys::ACCOUNT, n);
    }
}

/// Leaves the account shown: its transport is kept for coming back (unless
/// `drop`), its loops stop, its data is cleared.
fn leave(s: Stores, drop: bool) {
    if let Some(name) = s.conn.shown_name() {
        s.conn
            .keep_api(&name, if drop { None } else { s.conn.api() });
    }
    s.conn.forget();
    s.list.clear();
    s.cmds.clear();
    s.ui.dialog.set(None);
}

/// The transport of `account` that needs nothing typed: kept in memory,
/// or in edge mode the worker's.
fn ready_api(s: Stores, account: &Account) -> Option<Rc<Api>> {
    let edge = s.conn.accounts.with_value(|a| a.edge.clone());
    let skew = s.conn.skew;
    s.conn.kept_api(&account.name).or_else(|| {
        edge.map(|(base, _)| {
            Api::edge(
                format!("{base}{}", account.endpoint),
                s.ui.life(),
                move |c| skew.set(c),
            )
        })
    })
}

/// Shows `account`: with its kept transport, in edge mode with the
/// worker's, in direct mode with its remembered secret; otherwise the
/// connection form, filled in for it.
pub fn open(s: Stores, account: Account) {
    let edge = s.conn.accounts.with_value(|a| a.edge.clone());
    let skew = s.conn.skew;
    let api = ready_api(s, &account);
    let Some(api) = api else {
        #[cfg(feature = "embed")]
        if let Some(p) = crate::embed::provider(&s, &account.name) {
            return crate::embed::open_account(s, account, p);
        }
        let Some(creds) = accounts::remembered(&account) else {
            return s.conn.state.set(ConnState::Disconnected);
        };
        let base = account.endpoint.clone();
        // Nothing of the account left shows while this one connects.
        s.conn.state.set(ConnState::Probing);
        return s.ui.spawn(async move {
            crate::pages::connect::connect_or_form(s, Some(account.name), base, creds, true).await;
        });
    };
    let (worker, user) = edge.unzip();
    let state = ConnState::Connected {
        label: user.clone().unwrap_or_else(|| account.access_key.clone()),
        edge_user: user,
        can_act: account.can_act,
    };
    skew.set(api.correction_ms());
    s.conn.api.set_value(Some(Rc::clone(&api)));
    s.conn.state.set(state.clone());
    let generation = s.conn.current();
    s.ui.spawn(async move {
        let listed = api.list().await;
        if s.conn.current() != generation {
            return;
        }
        match listed {
            Ok(list) => s.connect(api, state, list),
            Err(e) => {
                if let (true, Some(base)) = (crate::api::is_unauthorized(&e), &worker) {
                    s.conn.state.set(ConnState::SignedOut {
                        login: format!("{base}{}", crate::api::EDGE_LOGIN),
                    });
                }
                crate::actions::report(s, "list", &e);
                s.list.error.set(Some(e));
            }
        }
    });
}

/// Shows the account named `name`, keeping the one left open in memory:
/// from the header's switcher (`None`: its list, a new history entry), or
/// from the address (back, forward, a link: `Some` of the page it names).
pub fn switch(s: Stores, name: &str, address: Option<Route>) {
    let Some(account) = s.conn.account(Some(name)) else {
        return;
    };
    if s.conn.shown_name().as_deref() == Some(name) {
        return;
    }
    leave(s, false);
    match address {
        Some(route) => {
            mark(s, Some(name));
            s.ui.route.set(route);
        }
        None => {
            s.ui.route.set(Route::List);
            select(s, Some(name), true);
        }
    }
    open(s, account);
}

/// The activity log of the fleet view: `/fleet` and each account's name
/// after a `/`, in order (no account's name has a `/`). Its ids name
/// accounts by their place in the list: another list, another log.
fn fleet_log(names: &[String]) -> String {
    let mut log = String::from("/fleet");
    for n in names {
        log.push('/');
        log.push_str(n);
    }
    log
}

/// Shows the fleet view: every account's containers in one list, each
/// account through its own transport (kept in memory, the worker's, or in
/// direct mode its remembered secret, then kept for it too). An account
/// that cannot be reached from here yet (its secret is in no memory) is
/// listed as such, with how to reach it; so is one that fails to answer.
/// `push`: a new history entry (the switcher), else the address says so.
pub fn fleet(s: Stores, push: bool) {
    leave(s, false);
    mark(s, None);
    s.ui.route.set(Route::Fleet);
    if push {
        s.ui.shell().history(&s.list.url_of(&Route::Fleet), true);
    }
    let (list, user) = s
        .conn
        .accounts
        .with_value(|a| (a.list.clone(), a.edge.as_ref().map(|(_, u)| u.clone())));
    let skew = s.conn.skew;
    let parts: Vec<(String, Option<Rc<Api>>)> = list
        .iter()
        .map(|a| {
            let api = ready_api(s, a).or_else(|| {
                Some(Api::direct(
                    a.endpoint.clone(),
                    accounts::remembered(a)?,
                    s.ui.life(),
                    move |c| skew.set(c),
                ))
            });
            s.conn.keep_api(&a.name, api.clone());
            (a.name.clone(), api)
        })
        .collect();
    let names: Vec<String> = list.iter().map(|a| a.name.clone()).collect();
    s.cmds.use_account(&fleet_log(&names));
    s.list.data.set(crate::list::Dataset::fleet(names));
    s.conn.api.set_value(Some(Api::fleet(parts, s.ui.life())));
    s.conn.state.set(ConnState::Connected {
        label: user.clone().unwrap_or_default(),
        edge_user: user,
        can_act: list.iter().any(|a| a.can_act),
    });
    let generation = s.conn.current();
    s.ui.spawn(async move {
        crate::actions::refresh_now(s).await;
        if s.conn.current() == generation {
            s.ui.shell().ready(s.list.data.with_untracked(|d| d.len()));
            crate::actions::resume(s);
        }
    });
}

/// The connection form for a new account (direct mode).
pub fn add(s: Stores) {
    leave(s, false);
    s.list.error.set(None);
    s.ui.route.set(Route::List);
    select(s, None, true);
    s.conn.state.set(ConnState::Disconnected);
}

/// Disconnects the account shown: its transport and secret in memory go;
/// with `forget`, its remembered secret too. The form, filled in for it,
/// follows.
pub fn disconnect(s: Stores, forget: bool) {
    if forget {
        forget_secret(s, s.conn.shown_name().as_deref());
    }
    leave(s, true);
    s.ui.shell().keep_rollout(None);
    s.conn.state.set(ConnState::Disconnected);
}

/// Forgets the secret remembered for `name`, or for every account (`None`:
/// also every transport kept in memory).
pub fn forget_secret(s: Stores, name: Option<&str>) {
    match name {
        Some(n) => accounts::remember(n, None),
        None => {
            storage::remove(keys::SECRETS);
            s.conn.accounts.update_value(|a| a.kept.clear());
        }
    }
    s.ui.toast(None, s.t(crate::i18n::M::Forgotten), None);
}

/// Removes the account named `name` from this device (its secret with it)
/// and shows another, or the form for a new one.
pub fn remove(s: Stores, name: &str) {
    accounts::remember(name, None);
    s.conn.keep_api(name, None);
    s.conn.accounts.update_value(|a| {
        a.list.retain(|x| x.name != name);
        a.shown = None;
        accounts::keep(&a.list);
    });
    leave(s, true);
    show(s, true);
}

/// Shows the account the URL named (else, in direct mode, the last used),
/// else the first; with none, the form for a new one (direct mode).
fn show(s: Stores, named: bool) {
    let last = || {
        s.conn
            .accounts
            .with_value(|a| a.edge.is_none())
            .then(|| storage::get(keys::ACCOUNT))
            .flatten()
    };
    if s.ui.route.get_untracked() == Route::Fleet {
        if s.conn.accounts.with_value(|a| a.list.len() > 1) {
            return fleet(s, false);
        }
        s.ui.route.set(Route::List);
    }
    let wanted = s.conn.shown_name().or_else(last);
    let account = s
        .conn
        .account(wanted.as_deref())
        .or_else(|| s.conn.accounts.with_value(|a| a.list.first().cloned()));
    match account {
        Some(a) => {
            select(s, named.then_some(a.name.as_str()), false);
            open(s, a);
        }
        None => {
            select(s, None, false);
            s.conn.state.set(ConnState::Disconnected);
        }
    }
}

/// The page's start in direct mode: the accounts kept on this device, and
/// the one the URL names (else the last used, else the first) opened.
pub fn begin_direct(s: Stores) {
    let list = accounts::kept();
    s.conn.accounts.update_value(|a| a.list = list);
    show(s, true);
}

/// Edge mode signed in: the accounts the worker lets `user` reach; the one
/// the URL names (else the first) opened. A worker that lists none fronts
/// one account at its own `/api`, shown without a name.
pub fn begin_edge(s: Stores, base: String, user: String, operator: bool, list: Vec<Account>) {
    let named = !list.is_empty();
    let list = if named {
        list
    } else {
        vec![Account {
            can_act: operator,
            ..Account::new(String::new(), String::new())
        }]
    };
    s.conn.accounts.update_value(|a| {
        a.edge = Some((base, user));
        a.list = list;
    });
    show(s, named);
}
