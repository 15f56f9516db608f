//! The console inside any web page: `mount(element, options)` and
//! `unmount(element)`, exported to JavaScript with the `embed` feature
//! (`cargo xtask console embed` builds them, and the `<ews-console>` custom
//! element of `web/embed/ews-console.js` wraps them).
//!
//! An embedded console lives in an open shadow root of its element, with its
//! own copy of the stylesheet: the host page's CSS does not reach it and its
//! CSS does not reach the host page. It owns nothing else: no address bar,
//! no `<html>` attribute, no window listener, no Web Storage (unless the
//! user ticks "remember" in its connection form). What happens is told to
//! the host page as events on the element: `ews-ready`,
//! `ews-command-finished`, `ews-error`. Unmounting ends its
//! [`Life`](crate::life::Life): every
//! timer cleared, every request aborted.
//!
//! [`Options::parse`] is plain data (tested natively); the rest needs a
//! browser (tested in Chromium).

use crate::columns;
use crate::i18n::Lang;
use crate::shell::Choices;
use crate::stores::{REFRESH_CHOICES, Theme};

#[cfg(feature = "embed")]
mod begin;
#[cfg(feature = "embed")]
mod element;

#[cfg(feature = "embed")]
pub(crate) use begin::{begin, open_account, provider};
#[cfg(feature = "embed")]
pub use element::{Embedded, EmbeddedConsole, mount, unmount};

/// Options as the host page gave them, before checking.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawOptions {
    /// API base URL (direct) or edge worker origin (edge).
    pub endpoint: Option<String>,
    /// `direct` or `edge`.
    pub mode: Option<String>,
    /// `en` or `zh`.
    pub lang: Option<String>,
    /// `system`, `light` or `dark`.
    pub theme: Option<String>,
    /// Auto-refresh seconds, as text (a JS number is printed by JS: no
    /// float formatting or parsing in the wasm, which costs ~20 KB gzip).
    pub refresh: Option<String>,
    /// No action buttons.
    pub read_only: bool,
    /// Column keys to show.
    pub columns: Option<Vec<String>>,
    /// Initial list query string.
    pub query: Option<String>,
    /// Several accounts: each one's name and endpoint (its credentials
    /// function is the element's, in the same order).
    pub accounts: Option<Vec<(String, String)>>,
}

/// Checked options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// API base URL (direct) or edge worker origin (edge; `None`: the page's).
    pub endpoint: Option<String>,
    /// Edge mode: the edge worker signs; no credentials in the page.
    pub edge: bool,
    /// Language, theme, refresh, query, read-only.
    pub choices: Choices,
    /// Indexes into [`columns::COLUMNS`] of the columns shown (`None`: all).
    pub columns: Option<Vec<usize>>,
    /// Several accounts, each a name and its API's base URL (empty: one,
    /// the `endpoint`).
    pub accounts: Vec<(String, String)>,
}

fn one_of<T: Copy>(name: &str, value: &str, choices: &[(&str, T)]) -> Result<T, String> {
    choices
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(value.trim()))
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let names: Vec<String> = choices.iter().map(|(k, _)| format!("\"{k}\"")).collect();
            format!(
                "option `{name}` must be one of {}, not \"{value}\"",
                names.join(", ")
            )
        })
}

impl Options {
    /// Checks what the host page gave: every mistake is named, with what
    /// would be right.
    pub fn parse(raw: RawOptions) -> Result<Options, String> {
        let edge = match raw.mode.as_deref() {
            None | Some("") => false,
            Some(m) => one_of("mode", m, &[("direct", false), ("edge", true)])?,
        };
        let endpoint = match raw.endpoint.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(e) => Some(
                crate::api::normalize_endpoint(e, "")
                    .map_err(|why| format!("option `endpoint` (\"{e}\") is not usable: {why}"))?,
            ),
        };
        let lang =
            match raw.lang.as_deref() {
                None | Some("") => None,
                Some(l) => Some(Lang::parse(l).ok_or_else(|| {
                    format!("option `lang` must be \"en\" or \"zh\", not \"{l}\"")
                })?),
            };
        let theme = match raw.theme.as_deref() {
            None | Some("") => None,
            Some(t) => Some(one_of("theme", t, &Theme::ALL.map(|t| (t.as_str(), t)))?),
        };
        let refresh = match raw.refresh.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => match s.parse::<u32>() {
                Ok(n) if REFRESH_CHOICES.contains(&n) => Some(n),
                _ => {
                    let list: Vec<String> = REFRESH_CHOICES.iter().map(u32::to_string).collect();
                    return Err(format!(
                        "option `refresh` must be one of {} seconds (0: off), not {s}",
                        list.join(", ")
                    ));
                }
            },
        };
        let columns = match raw.columns {
            None => None,
            Some(names) => {
                let mut shown = Vec::new();
                for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
                    let i = columns::by_key(name).ok_or_else(|| {
                        format!(
                            "option `columns`: no column \"{name}\"; the columns are {}",
                            columns::option_keys()
                        )
                    })?;
                    if !shown.contains(&i) {
                        shown.push(i);
                    }
                }
                if shown.is_empty() {
                    return Err(format!(
                        "option `columns` names no column: give some of {}",
                        columns::option_keys()
                    ));
                }
                Some(shown)
            }
        };
        let mut accounts: Vec<(String, String)> = Vec::new();
        if let Some(list) = raw.accounts {
            if edge || endpoint.is_some() {
                return Err("option `accounts` is for direct mode without `endpoint`: give each account its own endpoint (in edge mode the worker says which accounts the user reaches)".into());
            }
            if list.is_empty() {
                return Err(
                    "option `accounts` lists no account: give [{ name, endpoint, credentials }, …]"
                        .into(),
                );
            }
            for (i, (name, e)) in list.into_iter().enumerate() {
                let n = i + 1;
                if !crate::accounts::valid_name(&name) {
                    return Err(format!(
                        "option `accounts`, item {n}: `name` must be 1 to {} characters, without \"/\" or spaces at either end",
                        crate::accounts::MAX_NAME
                    ));
                }
                if accounts.iter().any(|(a, _)| *a == name) {
                    return Err(format!(
                        "option `accounts`, item {n}: the name \"{name}\" is used twice"
                    ));
                }
                let e = crate::api::normalize_endpoint(&e, "").map_err(|why| {
                    format!(
                        "option `accounts`, item {n}: `endpoint` (\"{e}\") is not usable: {why}"
                    )
                })?;
                accounts.push((name, e));
            }
        }
        Ok(Options {
            accounts,
            endpoint,
            edge,
            choices: Choices {
                lang,
                theme,
                refresh,
                query: raw.query.filter(|q| !q.trim().is_empty()),
                read_only: raw.read_only,
            },
            columns,
        })
    }

    /// The CSS that hides the columns not shown (empty when all are).
    pub fn column_css(&self) -> String {
        self.columns
            .as_deref()
            .map(columns::hiding_css)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_direct_mode_with_every_column() {
        let o = Options::parse(RawOptions::default()).unwrap();
        assert!(!o.edge);
        assert_eq!(o.endpoint, None);
        assert_eq!(o.columns, None);
        assert_eq!(o.column_css(), "");
        assert_eq!(o.choices, Choices::default());
    }

    #[test]
    fn reads_every_option() {
        let o = Options::parse(RawOptions {
            endpoint: Some(" https://ews.example.com/api/v1/ ".into()),
            mode: Some("Edge".into()),
            lang: Some("zh".into()),
            theme: Some("dark".into()),
            refresh: Some("30".into()),
            read_only: true,
            columns: Some(vec!["id".into(), " status".into(), "id".into()]),
            query: Some("status=RUNNING".into()),
            accounts: None,
        })
        .unwrap();
        assert!(o.edge);
        assert_eq!(o.endpoint.as_deref(), Some("https://ews.example.com"));
        assert_eq!(o.choices.lang, Some(Lang::Zh));
        assert_eq!(o.choices.theme, Some(Theme::Dark));
        assert_eq!(o.choices.refresh, Some(30));
        assert!(o.choices.read_only);
        assert_eq!(o.choices.query.as_deref(), Some("status=RUNNING"));
        assert_eq!(o.columns, Some(vec![1, 3]));
        let css = o.column_css();
        assert!(css.contains(".c-select"), "{css}");
        assert!(!css.contains(".c-id"), "{css}");
        assert!(!css.contains(".c-status"), "{css}");
        assert!(css.contains(".c-stopped"), "{css}");
    }

    #[test]
    fn several_accounts_each_with_its_endpoint() {
        let list = |items: &[(&str, &str)]| {
            Some(
                items
                    .iter()
                    .map(|(n, e)| (n.to_string(), e.to_string()))
                    .collect(),
            )
        };
        let o = Options::parse(RawOptions {
            accounts: list(&[
                ("prod", "https://ews.example.com/api/v1"),
                ("staging", "http://127.0.0.1:8080"),
            ]),
            ..RawOptions::default()
        })
        .unwrap();
        assert_eq!(
            o.accounts,
            [
                ("prod".to_string(), "https://ews.example.com".to_string()),
                ("staging".to_string(), "http://127.0.0.1:8080".to_string())
            ]
        );
        let bad = |raw: RawOptions, needle: &str| {
            let e = Options::parse(raw).unwrap_err();
            assert!(e.contains(needle), "{e:?} lacks {needle:?}");
        };
        let cases: [(&[(&str, &str)], &str); 4] = [
            (&[], "lists no account"),
            (&[("a/b", "https://x")], "item 1: `name`"),
            (
                &[("a", "https://x"), ("a", "https://y")],
                "item 2: the name \"a\" is used twice",
            ),
            (&[("a", "ftp://x")], "item 1: `endpoint`"),
        ];
        for (items, needle) in cases {
            let accounts = list(items);
            bad(
                RawOptions {
                    accounts,
                    ..RawOptions::default()
                },
                needle,
            );
        }
        bad(
            RawOptions {
                accounts: list(&[("a", "https://x")]),
                mode: Some("edge".into()),
                ..RawOptions::default()
            },
            "for direct mode",
        );
        bad(
            RawOptions {
                accounts: list(&[("a", "https://x")]),
                endpoint: Some("https://y".into()),
                ..RawOptions::default()
            },
            "its own endpoint",
        );
    }

    #[test]
    fn every_mistake_is_named_with_the_fix() {
        let bad = |raw: RawOptions, needle: &str| {
            let e = Options::parse(raw).unwrap_err();
            assert!(e.contains(needle), "{e:?} lacks {needle:?}");
        };
        bad(
            RawOptions {
                mode: Some("proxy".into()),
                ..RawOptions::default()
            },
            "\"direct\", \"edge\"",
        );
        bad(
            RawOptions {
                endpoint: Some("ftp://x".into()),
                ..RawOptions::default()
            },
            "https:// or http://",
        );
        bad(
            RawOptions {
                lang: Some("fr".into()),
                ..RawOptions::default()
            },
            "\"en\" or \"zh\"",
        );
        bad(
            RawOptions {
                theme: Some("pink".into()),
                ..RawOptions::default()
            },
            "\"system\", \"light\", \"dark\"",
        );
        bad(
            RawOptions {
                refresh: Some("7".into()),
                ..RawOptions::default()
            },
            "0, 5, 10, 30, 60, 300",
        );
        bad(
            RawOptions {
                refresh: Some("NaN".into()),
                ..RawOptions::default()
            },
            "refresh",
        );
        bad(
            RawOptions {
                columns: Some(vec!["id".into(), "colour".into()]),
                ..RawOptions::default()
            },
            "no column \"colour\"",
        );
        bad(
            RawOptions {
                columns: Some(vec![" ".into()]),
                ..RawOptions::default()
            },
            "names no column",
        );
    }
}
