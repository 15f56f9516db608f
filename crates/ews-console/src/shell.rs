//! Where the console lives: the whole page (the single-page app), or one
//! element of someone else's page ([`crate::embed`]).
//!
//! The page's console owns the document: it writes the address bar, sets
//! `<html lang data-theme>`, remembers preferences in local storage and
//! listens on `window`. An embedded console owns only its element: its state
//! lives in memory, its attributes go on the element, its events are
//! dispatched on the element, and nothing of it is left once unmounted.
//! Everything that differs between the two goes through [`Shell`]; without
//! the `embed` feature every method is the page's, with no branch left.

use std::rc::Rc;

use ews_core::command::Outcome;
use leptos::prelude::*;

use crate::life::Life;

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
    pub lang: Option<crate::i18n::Lang>,
    /// Theme.
    pub theme: Option<crate::app::Theme>,
    /// Auto-refresh interval, seconds.
    pub refresh: Option<u32>,
    /// The list's initial query string.
    pub query: Option<String>,
    /// No action buttons.
    pub read_only: bool,
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

    /// Whether the console is embedded in a host page.
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
        #[cfg(feature = "embed")]
        if let Some(e) = &self.embed {
            return e.options.choices.read_only;
        }
        false
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

    /// Embedded: tells the host page how a command ended.
    pub fn command_finished(
        &self,
        tracked: &crate::activity::Tracked,
        outcome: &Outcome,
        text: &str,
    ) {
        #[cfg(feature = "embed")]
        if let Some(e) = &self.embed {
            e.command_finished(tracked, outcome, text);
        }
        let _ = (tracked, outcome, text);
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
