//! Where the console lives: the whole page (the single-page app), or one
//! element of someone else's page ([`crate::embed`]).
//!
//! The page's console owns the document: it writes the address bar, sets
//! `<html lang data-theme>`, remembers preferences and the activity log in
//! Web Storage and listens on `window`. An embedded console owns only its
//! element: its state lives in memory, its attributes go on the element,
//! its keys are heard on the element, its events are dispatched on it, and
//! nothing of it is left once unmounted. Everything that differs between
//! the two is decided here, and only here; without the `embed` feature
//! every method is the page's, with no branch left.

use std::rc::Rc;

use ews_core::command::Outcome;
use leptos::prelude::*;

use crate::activity::{self, LogEntry};
use crate::i18n::Lang;
use crate::life::Life;
use crate::storage::{self, keys};
use crate::stores::{REFRESH_CHOICES, Stores, Theme};

/// The console's place in the page, and its lifetime.
pub struct Shell {
    /// Every timer and request of this console.
    pub life: Rc<Life>,
    /// The element and options, when embedded.
    #[cfg(feature = "embed")]
    pub embed: Option<crate::embed::Embedded>,
}

impl std::fmt::Debug for Shell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shell")
            .field("embedded", &self.is_embedded())
            .finish()
    }
}

/// What an embedding page chose (all `None`/`false` for the page's console).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Choices {
    /// Language.
    pub lang: Option<Lang>,
    /// Theme.
    pub theme: Option<Theme>,
    /// Auto-refresh interval, seconds.
    pub refresh: Option<u32>,
    /// The list's initial query string.
    pub query: Option<String>,
    /// No action buttons.
    pub read_only: bool,
}

/// Listeners the shell added, until [`Listening::remove`].
pub struct Listening(Vec<Box<dyn FnOnce()>>);

impl Listening {
    /// Removes every listener.
    pub fn remove(self) {
        for remove in self.0 {
            remove();
        }
    }
}

impl Shell {
    /// The single-page app's shell.
    pub fn page() -> Rc<Shell> {
        Rc::new(Shell {
            life: Life::new(),
            #[cfg(feature = "embed")]
            embed: None,
        })
    }

    /// Whether the console is embedded in a host page. (Decisions that
    /// depend on it are this type's methods.)
    pub fn is_embedded(&self) -> bool {
        #[cfg(feature = "embed")]
        return self.embed.is_some();
        #[cfg(not(feature = "embed"))]
        false
    }

    /// What the embedding page chose.
    pub fn choices(&self) -> Choices {
        #[cfg(feature = "embed")]
        if let Some(e) = &self.embed {
            return e.options.choices.clone();
        }
        Choices::default()
    }

    /// The API endpoint the embedding page chose.
    pub fn endpoint(&self) -> Option<String> {
        #[cfg(feature = "embed")]
        if let Some(e) = &self.embed {
            return e.options.endpoint.clone();
        }
        None
    }

    /// Whether the embedding page asked for no action buttons.
    pub fn read_only(&self) -> bool {
        self.choices().read_only
    }

    /// The language to start with: the embedding page's choice; on the
    /// page, the one remembered; else the browser's first supported one.
    pub fn initial_lang(&self) -> Lang {
        if let Some(l) = self.choices().lang {
            return l;
        }
        if !self.is_embedded()
            && let Some(l) = storage::get(keys::LANG).and_then(|s| Lang::parse(&s))
        {
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

    /// The theme to start with: chosen, remembered (page), or the system's.
    pub fn initial_theme(&self) -> Theme {
        match self.choices().theme {
            Some(t) => t,
            None if self.is_embedded() => Theme::System,
            None => Theme::parse(&storage::get(keys::THEME).unwrap_or_default()),
        }
    }

    /// The auto-refresh interval to start with: chosen, remembered (page),
    /// or 10 s.
    pub fn initial_refresh(&self) -> u32 {
        self.choices().refresh.unwrap_or_else(|| {
            (!self.is_embedded())
                .then(|| storage::get(keys::REFRESH))
                .flatten()
                .and_then(|s| s.parse().ok())
                .filter(|s| REFRESH_CHOICES.contains(s))
                .unwrap_or(10)
        })
    }

    /// Remembers a preference on this device (the page only: a host page's
    /// storage is not ours).
    pub fn remember(&self, key: &str, value: &str) {
        if !self.is_embedded() {
            storage::set(key, value);
        }
    }

    /// The activity log of `account` kept for this tab (the page, in
    /// session storage; embedded, it lives in memory only).
    pub fn load_activity(&self, account: &str) -> Vec<LogEntry> {
        if self.is_embedded() {
            Vec::new()
        } else {
            activity::load(account)
        }
    }

    /// Keeps the activity log of `account` (page only).
    pub fn save_activity(&self, account: &str, log: &[LogEntry]) {
        if !self.is_embedded() {
            activity::save(account, log);
        }
    }

    /// Keeps the running rolling job (page only), or forgets it (`None`).
    pub fn keep_rollout(&self, text: Option<&str>) {
        if !self.is_embedded() {
            match text {
                Some(t) => storage::session_set(storage::keys::ROLLOUT, t),
                None => storage::session_remove(storage::keys::ROLLOUT),
            }
        }
    }

    /// The rolling job kept by [`Shell::keep_rollout`].
    pub fn kept_rollout(&self) -> Option<String> {
        if self.is_embedded() {
            None
        } else {
            storage::session_get(storage::keys::ROLLOUT)
        }
    }

    /// Whether the user names and adds accounts here: on the page; an
    /// embedding's accounts are its host page's (its `accounts` option).
    pub fn adds_accounts(&self) -> bool {
        !self.is_embedded()
    }

    /// Whether a connection is remembered on this device: on the page
    /// always (without the secret unless `remember`), embedded only when the
    /// user ticked "remember" in its own form.
    pub fn keeps_connection(&self, remember: bool) -> bool {
        remember || !self.is_embedded()
    }

    /// The address bar's path and query (page only: an embedded console's
    /// routes are its own).
    pub fn location(&self) -> Option<(String, String)> {
        if self.is_embedded() {
            return None;
        }
        let loc = window().location();
        Some((
            loc.pathname().unwrap_or_default(),
            loc.search().unwrap_or_default(),
        ))
    }

    /// Whether the console signs out of the edge worker with its forms
    /// (posted from this page, so with its Origin): on the page, yes; an
    /// embedded console is part of a host page that signs in and out its
    /// own way.
    pub fn signs_out_here(&self) -> bool {
        !self.is_embedded()
    }

    /// Whether a click with a modifier (new tab, new window) is left to
    /// the browser: on the page, yes; embedded, the paths are not the host
    /// page's, so every click stays inside the console.
    pub fn leaves_modified_clicks(&self) -> bool {
        !self.is_embedded()
    }

    /// Listens for the back/forward buttons and for keys: the page on
    /// `window`; an embedded console only on its own element (the host
    /// page's keys and history stay its own).
    pub fn listen(
        &self,
        on_popstate: impl Fn() + Clone + 'static,
        on_keydown: impl Fn(web_sys::KeyboardEvent) + Clone + 'static,
    ) -> Listening {
        #[cfg(feature = "embed")]
        if let Some(e) = &self.embed {
            return Listening(vec![e.on_keydown(on_keydown)]);
        }
        let popstate = window_event_listener(leptos::ev::popstate, move |_| on_popstate());
        let keydown = window_event_listener(leptos::ev::keydown, on_keydown);
        Listening(vec![
            Box::new(move || popstate.remove()),
            Box::new(move || keydown.remove()),
        ])
    }

    /// Starts the session: embedded, as the host page chose; on the page,
    /// the edge probe when the edge worker serves it, else a remembered
    /// connection if any.
    pub fn begin(&self, stores: Stores) {
        #[cfg(feature = "embed")]
        if self.embed.is_some() {
            return crate::embed::begin(stores);
        }
        crate::app::begin_page(stores);
    }

    /// Sets `name` on `<html>` (page) or on the console's root element in
    /// the shadow root (embedded: the host element's attributes are the host
    /// page's).
    pub fn set_attr(&self, name: &str, value: &str) {
        #[cfg(feature = "embed")]
        if let Some(e) = &self.embed {
            let _ = e.root.set_attribute(name, value);
            return;
        }
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute(name, value);
        }
    }

    /// Writes the address bar (page only: an embedded console never does).
    pub fn history(&self, url: &str, push: bool) {
        if self.is_embedded() {
            return;
        }
        let Ok(h) = window().history() else { return };
        let _ = if push {
            h.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url))
        } else {
            h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url))
        };
    }

    /// Scrolls to the top after navigating (the page's window; an embedded
    /// console never scrolls its host).
    pub fn scroll_to_top(&self) {
        if !self.is_embedded() {
            window().scroll_to_with_x_and_y(0.0, 0.0);
        }
    }

    /// The focused element of the console's document or shadow root.
    pub fn active_element(&self) -> Option<web_sys::Element> {
        #[cfg(feature = "embed")]
        if let Some(e) = &self.embed {
            return e.shadow.active_element();
        }
        document().active_element()
    }

    /// The first element matching `selector` in the console's document or
    /// shadow root.
    pub fn find(&self, selector: &str) -> Option<web_sys::Element> {
        #[cfg(feature = "embed")]
        if let Some(e) = &self.embed {
            return e.shadow.query_selector(selector).ok().flatten();
        }
        document().query_selector(selector).ok().flatten()
    }

    /// Embedded: tells the host page the first list arrived.
    pub fn ready(&self, containers: usize) {
        #[cfg(feature = "embed")]
        if let Some(e) = &self.embed {
            e.ready(containers);
        }
        let _ = containers;
    }

    /// Embedded: tells the host page how a command ended (`account`: in
    /// the fleet view, the container's account).
    pub fn command_finished(
        &self,
        entry: &LogEntry,
        account: Option<&str>,
        outcome: &Outcome,
        text: &str,
    ) {
        #[cfg(feature = "embed")]
        if let Some(e) = &self.embed {
            e.command_finished(entry, account, outcome, text);
        }
        let _ = (entry, account, outcome, text);
    }

    /// Embedded: tells the host page about an error the user was shown.
    pub fn error(&self, source: &str, message: &str, detail: Option<&str>) {
        #[cfg(feature = "embed")]
        if let Some(e) = &self.embed {
            e.error(source, message, detail);
        }
        let _ = (source, message, detail);
    }
}
