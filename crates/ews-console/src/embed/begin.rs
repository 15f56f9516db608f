//! An embedded console's session: the host page's `credentials` function
//! (direct mode) or the edge worker (edge mode), as its options say.

use ews_core::{Credentials, SignMethod};
use js_sys::{Function, Promise, Reflect};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::accounts::Account;
use crate::api::Mode;
use crate::stores::{ConnState, Stores};

async fn credentials(provider: &Function) -> Result<Credentials, String> {
    let what = "the `credentials` function";
    let value = provider
        .call0(&JsValue::NULL)
        .map_err(|e| format!("{what} threw: {}", describe(&e)))?;
    let value = match value.dyn_ref::<Promise>() {
        Some(p) => JsFuture::from(p.clone())
            .await
            .map_err(|e| format!("{what} failed: {}", describe(&e)))?,
        None => value,
    };
    let field = |k: &str| {
        Reflect::get(&value, &JsValue::from_str(k))
            .ok()
            .and_then(|v| v.as_string())
            .filter(|s| !s.is_empty())
    };
    let access_key = field("accessKey")
        .ok_or_else(|| format!("{what} returned no `accessKey` (a non-empty string)"))?;
    let secret = field("secretKey")
        .ok_or_else(|| format!("{what} returned no `secretKey` (a non-empty string)"))?;
    let method = match field("signMethod") {
        None => SignMethod::default(),
        Some(m) => SignMethod::parse(&m)
            .ok_or_else(|| format!("{what} returned an unknown `signMethod` \"{m}\""))?,
    };
    Ok(Credentials::new(access_key, secret, method))
}

/// A thrown value's message (never the value itself: it could hold a secret).
fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_else(|| "a value that is not an Error".into())
}

/// The credentials function the host page gave for the account named
/// `name` (the `accounts` option).
pub(crate) fn provider(s: &Stores, name: &str) -> Option<Function> {
    let shell = s.ui.shell();
    let e = shell.embed.as_ref()?;
    let i = e.options.accounts.iter().position(|(n, _)| n == name)?;
    e.providers.get(i).cloned()
}

/// Opens `account` with the credentials its function gives.
pub(crate) fn open_account(s: Stores, account: Account, provider: Function) {
    s.ui.spawn(async move {
        match credentials(&provider).await {
            Ok(creds) => {
                let name = Some(account.name);
                crate::pages::connect::connect_or_form(s, name, account.endpoint, creds, false)
                    .await
            }
            Err(msg) => {
                s.ui.shell().error("connect", &msg, None);
                s.ui.toast(Some(false), msg, None);
                s.conn.state.set(ConnState::Disconnected);
            }
        }
    });
}

/// Starts an embedded console's session, as the host page chose.
pub(crate) fn begin(s: Stores) {
    let shell = s.ui.shell();
    let Some(e) = &shell.embed else { return };
    let options = e.options.clone();
    let provider = e.credentials.clone();
    let life = s.ui.life();
    s.ui.spawn(async move {
        if options.edge {
            let base = options.endpoint.clone().unwrap_or_default();
            let mode = Mode::probe(&life, &base).await;
            if mode == Mode::Direct {
                let msg = format!(
                    "no edge worker answers at {}/edge/session: check the `endpoint` option, or use mode \"direct\"",
                    if base.is_empty() { "this page's origin" } else { &base }
                );
                s.ui.shell().error("connect", &msg, None);
                s.ui.toast(Some(false), msg, None);
                s.conn.state.set(ConnState::SignedOut {
                    login: format!("{base}{}", crate::api::EDGE_LOGIN),
                });
                return;
            }
            crate::app::start(s, mode, base).await;
            return;
        }
        if !options.accounts.is_empty() {
            let list: Vec<Account> = options
                .accounts
                .iter()
                .map(|(name, endpoint)| Account::new(name.clone(), endpoint.clone()))
                .collect();
            s.conn.accounts.update_value(|a| a.list = list.clone());
            if let Some(first) = list.into_iter().next() {
                crate::connection::select(s, Some(&first.name), false);
                crate::connection::open(s, first);
            }
            return;
        }
        let Some(provider) = provider else {
            crate::pages::connect::auto_connect(s);
            return;
        };
        let creds = credentials(&provider).await;
        life.alive().await;
        let base = options
            .endpoint
            .clone()
            .unwrap_or_else(|| window().location().origin().unwrap_or_default());
        match creds {
            Ok(creds) => crate::pages::connect::connect_or_form(s, None, base, creds, false).await,
            Err(msg) => {
                s.ui.shell().error("connect", &msg, None);
                s.ui.toast(Some(false), msg, None);
                s.conn.state.set(ConnState::Disconnected);
            }
        }
    });
}
