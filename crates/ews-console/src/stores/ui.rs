//! The interface's own state: language, theme, route, toasts, the open
//! dialog, the ticking clock, test metrics, and where the console lives.

use std::rc::Rc;

use ews_core::ContainerId;
use leptos::prelude::*;

use crate::clock;
use crate::i18n::{Lang, M};
use crate::life::Life;
use crate::route::Route;
use crate::shell::Shell;
use crate::storage::keys;

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

/// A modal dialog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dialog {
    /// "Delete container N?", or an action the container's state does not
    /// usually take: asks first.
    Confirm {
        /// What to do.
        action: ews_core::Action,
        /// A restart (`action` is then its first step, the stop).
        restart: bool,
        /// To which container.
        id: ContainerId,
    },
    /// The bulk job of the [`crate::stores::CommandStore`].
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

/// The interface store.
#[derive(Clone, Copy)]
pub struct Ui {
    /// Interface language.
    pub lang: RwSignal<Lang>,
    /// Theme.
    pub theme: RwSignal<Theme>,
    /// Current route.
    pub route: RwSignal<Route>,
    /// The account's part of every URL (`/a/prod`; empty: none).
    pub prefix: StoredValue<String>,
    /// Toasts.
    pub toasts: RwSignal<Vec<Toast>>,
    /// Open dialog.
    pub dialog: RwSignal<Option<Dialog>>,
    /// Local clock, ticking every second.
    pub now: RwSignal<u64>,
    /// The same, changing every 15 s (for "x min ago" in rows).
    pub now_coarse: Memo<u64>,
    /// The tab is hidden.
    pub hidden: RwSignal<bool>,
    /// Test and benchmark counters.
    pub metrics: RwSignal<Metrics>,
    /// Where the console lives (page or element) and its lifetime.
    pub shell: StoredValue<Rc<Shell>, LocalStorage>,
}

impl Ui {
    /// The interface of a console in `shell`, with its remembered (page)
    /// or chosen (embedded) preferences.
    pub fn new(shell: Rc<Shell>) -> Ui {
        let now = RwSignal::new(clock::now_ms());
        Ui {
            lang: RwSignal::new(shell.initial_lang()),
            theme: RwSignal::new(shell.initial_theme()),
            route: RwSignal::new(Route::List),
            prefix: StoredValue::new(String::new()),
            toasts: RwSignal::new(Vec::new()),
            dialog: RwSignal::new(None),
            now,
            now_coarse: Memo::new(move |_| now.get() / 15_000 * 15_000),
            hidden: RwSignal::new(false),
            metrics: RwSignal::new(Metrics::default()),
            shell: StoredValue::new_local(shell),
        }
    }

    /// The store from context.
    pub fn get() -> Ui {
        expect_context::<Ui>()
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

    /// The link to `route` in the account shown (untracked: views are
    /// rebuilt when the account changes).
    pub fn href(&self, route: &Route) -> String {
        self.prefix.get_value() + &route.path()
    }

    /// The text of `m` in the current language. Not reactive: the views
    /// are rebuilt when the language changes.
    pub fn t(&self, m: M) -> &'static str {
        m.text(self.lang.get_untracked())
    }

    /// The current language, untracked.
    pub fn lang(&self) -> Lang {
        self.lang.get_untracked()
    }

    /// Changes the language (remembered where the shell remembers, and set
    /// on `<html lang>` or the element).
    pub fn set_lang(&self, lang: Lang) {
        let shell = self.shell();
        shell.remember(keys::LANG, lang.tag());
        shell.set_attr("lang", lang.tag());
        self.lang.set(lang);
    }

    /// Changes the theme (remembered where the shell remembers, and set on
    /// `<html data-theme>` or the element).
    pub fn set_theme(&self, theme: Theme) {
        let shell = self.shell();
        shell.remember(keys::THEME, theme.as_str());
        shell.set_attr("data-theme", theme.as_str());
        self.theme.set(theme);
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
}
