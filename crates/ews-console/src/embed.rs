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

use crate::app::{REFRESH_CHOICES, Theme};
use crate::i18n::Lang;
use crate::shell::Choices;

/// The table's columns, in order: what `columns` may name.
pub const COLUMN_KEYS: [&str; 14] = [
    "select", "id", "status", "command", "actions", "node", "host", "cpu", "mem", "disk", "health",
    "created", "started", "stopped",
];

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
    /// Indexes into [`COLUMN_KEYS`] of the columns shown (`None`: all).
    pub columns: Option<Vec<usize>>,
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
                    let i = COLUMN_KEYS
                        .iter()
                        .position(|k| k.eq_ignore_ascii_case(name))
                        .ok_or_else(|| {
                            format!(
                                "option `columns`: no column \"{name}\"; the columns are {}",
                                COLUMN_KEYS.join(", ")
                            )
                        })?;
                    if !shown.contains(&i) {
                        shown.push(i);
                    }
                }
                if shown.is_empty() {
                    return Err(format!(
                        "option `columns` names no column: give some of {}",
                        COLUMN_KEYS.join(", ")
                    ));
                }
                Some(shown)
            }
        };
        Ok(Options {
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
        let Some(shown) = &self.columns else {
            return String::new();
        };
        let hidden: Vec<String> = (0..COLUMN_KEYS.len())
            .filter(|i| !shown.contains(i))
            .map(|i| {
                let n = i + 1;
                format!(
                    ".containers col:nth-child({n}),.containers thead th:nth-child({n}),\
                     .containers tr.row>td:nth-child({n})"
                )
            })
            .collect();
        if hidden.is_empty() {
            String::new()
        } else {
            format!("{}{{display:none}}", hidden.join(","))
        }
    }
}

#[cfg(feature = "embed")]
pub use browser::*;

#[cfg(feature = "embed")]
mod browser {
    use std::cell::RefCell;
    use std::rc::Rc;

    use ews_core::command::Outcome;
    use ews_core::{Credentials, SignMethod};
    use js_sys::{Function, Promise, Reflect};
    use leptos::prelude::*;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::JsFuture;

    use super::{Options, RawOptions};
    use crate::activity::Tracked;
    use crate::api::Mode;
    use crate::app::{Ctx, Session};
    use crate::life::Life;
    use crate::shell::Shell;

    /// The console's stylesheet, the same as the page's.
    const CSS: &str = include_str!("../../../web/console.css");

    /// An embedded console's element and options.
    pub struct Embedded {
        /// The element the host page gave.
        pub host: web_sys::HtmlElement,
        /// Its shadow root, holding the stylesheet and the console.
        pub shadow: web_sys::ShadowRoot,
        /// The console's root element inside the shadow root.
        pub root: web_sys::HtmlElement,
        /// The checked options.
        pub options: Options,
        /// The host page's credentials function (direct mode).
        pub credentials: Option<Function>,
    }

    /// Dispatches `name` on `host` (bubbling, composed) with `detail`.
    fn emit(host: &web_sys::HtmlElement, name: &str, detail: &serde_json::Value) {
        let init = web_sys::CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        let detail = serde_json::to_string(detail)
            .ok()
            .and_then(|s| js_sys::JSON::parse(&s).ok())
            .unwrap_or(JsValue::NULL);
        init.set_detail(&detail);
        if let Ok(ev) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
            let _ = host.dispatch_event(&ev);
        }
    }

    impl Embedded {
        fn emit(&self, name: &str, detail: &serde_json::Value) {
            emit(&self.host, name, detail);
        }

        /// `ews-ready`: the first list arrived.
        pub fn ready(&self, containers: usize) {
            self.emit(
                "ews-ready",
                &serde_json::json!({ "containers": containers }),
            );
        }

        /// `ews-command-finished`: how a command ended.
        pub fn command_finished(&self, tracked: &Tracked, outcome: &Outcome, text: &str) {
            let (result, message, status) = match outcome {
                Outcome::Succeeded { message } => ("succeeded", message.clone(), Some("DONE")),
                Outcome::Failed { message, .. } => ("failed", message.clone(), Some("DONE")),
                Outcome::PublishFailed { message } => {
                    ("publish-failed", message.clone(), Some("PUBLISH_FAILED"))
                }
                Outcome::TimedOut { .. } => ("timed-out", String::new(), None),
                Outcome::Lost { reason } => ("lost", reason.clone(), None),
            };
            let status = status.map(str::to_string).or_else(|| {
                tracked
                    .command
                    .as_ref()
                    .map(|c| c.status.as_str().to_string())
            });
            self.emit(
                "ews-command-finished",
                &serde_json::json!({
                    "containerId": tracked.container_id.0,
                    "action": tracked.action,
                    "commandId": tracked.command_id.as_str(),
                    "ok": outcome.is_success(),
                    "result": result,
                    "status": status,
                    "message": message,
                    "outcome": text,
                }),
            );
        }

        /// `ews-error`: an error the user was shown.
        pub fn error(&self, source: &str, message: &str, detail: Option<&str>) {
            self.emit(
                "ews-error",
                &serde_json::json!({ "source": source, "message": message, "detail": detail }),
            );
        }
    }

    /// One mounted console.
    struct Mounted {
        host: web_sys::HtmlElement,
        shadow: web_sys::ShadowRoot,
        root: web_sys::HtmlElement,
        life: Rc<Life>,
        lang: crate::i18n::Lang,
        /// Leptos's unmount handle: dropping it disposes the reactive owner
        /// and removes the view.
        view: Box<dyn std::any::Any>,
    }

    thread_local! {
        static MOUNTED: RefCell<Vec<Rc<RefCell<Option<Mounted>>>>> = const { RefCell::new(Vec::new()) };
    }

    fn take(slot: &Rc<RefCell<Option<Mounted>>>) -> bool {
        let Some(m) = slot.borrow_mut().take() else {
            return false;
        };
        MOUNTED.with(|all| all.borrow_mut().retain(|s| !Rc::ptr_eq(s, slot)));
        m.life.end();
        drop(m.view);
        m.shadow.set_inner_html("");
        let _ = Reflect::set(
            &m.shadow,
            &JsValue::from_str("adoptedStyleSheets"),
            &js_sys::Array::new(),
        );
        true
    }

    /// A mounted console, as JavaScript holds it.
    #[wasm_bindgen]
    pub struct EmbeddedConsole {
        slot: Rc<RefCell<Option<Mounted>>>,
    }

    #[wasm_bindgen]
    impl EmbeddedConsole {
        /// Stops every timer and request of the console and removes it from
        /// its element. Returns whether it was still mounted.
        pub fn unmount(&self) -> bool {
            take(&self.slot)
        }

        /// Whether the console is still mounted.
        #[wasm_bindgen(getter)]
        pub fn mounted(&self) -> bool {
            self.slot.borrow().is_some()
        }

        /// Pending timers and requests, `[timers, requests]` (for tests and
        /// diagnostics).
        pub fn pending(&self) -> Vec<u32> {
            self.slot.borrow().as_ref().map_or(vec![0, 0], |m| {
                let (t, r) = m.life.pending();
                vec![t as u32, r as u32]
            })
        }
    }

    fn error(msg: impl std::fmt::Display) -> JsValue {
        js_sys::Error::new(&format!("ews-console: {msg}")).into()
    }

    fn read(options: &JsValue) -> Result<(RawOptions, Option<Function>), String> {
        if options.is_undefined() || options.is_null() {
            return Ok((RawOptions::default(), None));
        }
        if !options.is_object() {
            return Err("options must be an object, such as { endpoint, credentials }".into());
        }
        let get =
            |k: &str| Reflect::get(options, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
        let string = |k: &str| -> Result<Option<String>, String> {
            let v = get(k);
            if v.is_undefined() || v.is_null() {
                return Ok(None);
            }
            v.as_string()
                .map(Some)
                .ok_or_else(|| format!("option `{k}` must be a string"))
        };
        let refresh = {
            let v = get("refresh");
            if v.is_undefined() || v.is_null() {
                None
            } else if let Some(s) = v.as_string() {
                Some(s)
            } else if v.as_f64().is_some() {
                v.unchecked_ref::<js_sys::Number>()
                    .to_string_with_radix(10)
                    .ok()
                    .map(String::from)
            } else {
                return Err("option `refresh` must be a number of seconds".into());
            }
        };
        let read_only = {
            let v = get("readOnly");
            if let Some(b) = v.as_bool() {
                b
            } else if let Some(s) = v.as_string() {
                s != "false"
            } else {
                !(v.is_undefined() || v.is_null())
            }
        };
        let columns = {
            let v = get("columns");
            if v.is_undefined() || v.is_null() {
                None
            } else if let Some(s) = v.as_string() {
                Some(s.split(',').map(str::to_string).collect())
            } else if js_sys::Array::is_array(&v) {
                let mut names = Vec::new();
                for item in js_sys::Array::from(&v).iter() {
                    names.push(
                        item.as_string()
                            .ok_or("option `columns` must list column names (strings)")?,
                    );
                }
                Some(names)
            } else {
                return Err("option `columns` must be an array of column names".into());
            }
        };
        let credentials = {
            let v = get("credentials");
            if v.is_undefined() || v.is_null() {
                None
            } else {
                Some(v.dyn_into::<Function>().map_err(|_| {
                    "option `credentials` must be a function returning { accessKey, secretKey }"
                        .to_string()
                })?)
            }
        };
        Ok((
            RawOptions {
                endpoint: string("endpoint")?,
                mode: string("mode")?,
                lang: string("lang")?,
                theme: string("theme")?,
                refresh,
                read_only,
                columns,
                query: string("query")?,
            },
            credentials,
        ))
    }

    /// Mounts the console in `element` (an open shadow root is attached, or
    /// the element's own reused). A console already mounted there is
    /// unmounted first. Throws an `Error` that names a bad option.
    #[wasm_bindgen]
    pub fn mount(
        element: web_sys::HtmlElement,
        options: JsValue,
    ) -> Result<EmbeddedConsole, JsValue> {
        install_panic_hook();
        let (raw, credentials) = read(&options).map_err(error)?;
        let options = Options::parse(raw).map_err(error)?;
        if options.edge && credentials.is_some() {
            return Err(error(
                "option `credentials` is for direct mode; in edge mode the edge worker signs",
            ));
        }
        unmount(&element);
        let shadow = match element.shadow_root() {
            Some(s) => s,
            None => element
                .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))
                .map_err(|_| {
                    error(format!(
                        "cannot attach a shadow root to <{}>: mount in a <div> or use <ews-console>",
                        element.tag_name().to_lowercase()
                    ))
                })?,
        };
        shadow.set_inner_html("");
        let doc = document();
        style(&shadow, &options.column_css());
        let root: web_sys::HtmlElement = doc
            .create_element("div")
            .map_err(|_| error("no document"))?
            .unchecked_into();
        root.set_class_name("ews-root");
        let _ = shadow.append_child(&root);
        let life = Life::new();
        let lang = options.choices.lang.unwrap_or_default();
        let shell = Rc::new(Shell {
            life: Rc::clone(&life),
            embed: Some(Embedded {
                host: element.clone(),
                shadow: shadow.clone(),
                root: root.clone(),
                options,
                credentials,
            }),
        });
        let view = leptos::mount::mount_to(root.clone(), move || crate::app::console(shell));
        let slot = Rc::new(RefCell::new(Some(Mounted {
            host: element,
            shadow,
            root,
            life,
            lang,
            view: Box::new(view),
        })));
        MOUNTED.with(|all| all.borrow_mut().push(Rc::clone(&slot)));
        Ok(EmbeddedConsole { slot })
    }

    thread_local! {
        /// The stylesheet, parsed once for every console on the page.
        static SHEET: Option<web_sys::CssStyleSheet> = sheet(CSS);
    }

    fn sheet(css: &str) -> Option<web_sys::CssStyleSheet> {
        let sheet = web_sys::CssStyleSheet::new().ok()?;
        sheet.replace_sync(css).ok()?;
        Some(sheet)
    }

    /// Gives the shadow root the stylesheet (and `extra` rules) as adopted
    /// stylesheets: a host page's `style-src` CSP governs `<style>` elements,
    /// not constructed sheets, so the console is styled under a strict CSP
    /// too. Browsers without constructed sheets get a `<style>` element.
    fn style(shadow: &web_sys::ShadowRoot, extra: &str) {
        let base = SHEET.with(Clone::clone);
        let own = if extra.is_empty() { None } else { sheet(extra) };
        if let Some(base) = base
            && (extra.is_empty() || own.is_some())
        {
            let sheets = js_sys::Array::of1(&base);
            if let Some(own) = own {
                sheets.push(&own);
            }
            if Reflect::set(shadow, &JsValue::from_str("adoptedStyleSheets"), &sheets)
                .is_ok_and(|set| set)
            {
                return;
            }
        }
        if let Ok(el) = document().create_element("style") {
            el.set_text_content(Some(&format!("{CSS}\n{extra}")));
            let _ = shadow.append_child(&el);
        }
    }

    /// Unmounts the console mounted in `element`, if any: every timer and
    /// request stopped, the shadow root emptied. Returns whether there was one.
    #[wasm_bindgen]
    pub fn unmount(element: &web_sys::HtmlElement) -> bool {
        let slot = MOUNTED.with(|all| {
            all.borrow()
                .iter()
                .find(|s| s.borrow().as_ref().is_some_and(|m| m.host == *element))
                .cloned()
        });
        slot.is_some_and(|s| take(&s))
    }

    /// Adds (once) to the panic hook already there: each mounted console
    /// shows the "something broke" banner and tells its host page.
    fn install_panic_hook() {
        thread_local! {
            static INSTALLED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        }
        if INSTALLED.with(|i| i.replace(true)) {
            return;
        }
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            previous(info);
            let details = info.to_string();
            let mounted: Vec<_> = MOUNTED.with(|all| all.borrow().clone());
            for slot in mounted {
                if let Ok(m) = slot.try_borrow()
                    && let Some(m) = m.as_ref()
                {
                    crate::panic::show_in(&m.root, m.lang, &details);
                    emit(
                        &m.host,
                        "ews-error",
                        &serde_json::json!({
                            "source": "panic",
                            "message": crate::i18n::M::PanicTitle.text(m.lang),
                            "detail": details,
                        }),
                    );
                }
            }
        }));
    }

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

    /// Starts an embedded console's session, as the host page chose.
    pub(crate) fn begin(ctx: Ctx) {
        let shell = ctx.shell();
        let Some(e) = &shell.embed else { return };
        let options = e.options.clone();
        let provider = e.credentials.clone();
        let life = ctx.life();
        ctx.spawn(async move {
            if options.edge {
                let base = options.endpoint.clone().unwrap_or_default();
                let mode = Mode::probe(&life, &base).await;
                if mode == Mode::Direct {
                    let msg = format!(
                        "no edge worker answers at {}/edge/session: check the `endpoint` option, or use mode \"direct\"",
                        if base.is_empty() { "this page's origin" } else { &base }
                    );
                    ctx.shell().error("connect", &msg, None);
                    ctx.toast(Some(false), msg, None);
                    ctx.session.set(Session::SignedOut {
                        login: format!("{base}{}", crate::api::EDGE_LOGIN),
                    });
                    return;
                }
                crate::app::start(ctx, mode, base).await;
                return;
            }
            let Some(provider) = provider else {
                crate::pages::connect::auto_connect(ctx);
                return;
            };
            let creds = credentials(&provider).await;
            life.alive().await;
            let base = options
                .endpoint
                .clone()
                .unwrap_or_else(|| window().location().origin().unwrap_or_default());
            match creds {
                Ok(creds) => {
                    if let Err(e) = crate::pages::connect::connect(ctx, base, creds, false).await {
                        crate::actions::report(ctx, "connect", &e);
                        ctx.list_error.set(Some(e));
                        ctx.session.set(Session::Disconnected);
                    }
                }
                Err(msg) => {
                    ctx.shell().error("connect", &msg, None);
                    ctx.toast(Some(false), msg, None);
                    ctx.session.set(Session::Disconnected);
                }
            }
        });
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
        })
        .unwrap();
        assert!(o.edge);
        assert_eq!(o.endpoint.as_deref(), Some("https://ews.example.com"));
        assert_eq!(o.choices.lang, Some(Lang::Zh));
        assert_eq!(o.choices.theme, Some(Theme::Dark));
        assert_eq!(o.choices.refresh, Some(30));
        assert!(o.choices.read_only);
        assert_eq!(o.choices.query.as_deref(), Some("status=RUNNING"));
        assert_eq!(o.columns, Some(vec![1, 2]));
        let css = o.column_css();
        assert!(css.contains("td:nth-child(1)"), "{css}");
        assert!(!css.contains("td:nth-child(2)"), "{css}");
        assert!(!css.contains("td:nth-child(3)"), "{css}");
        assert!(css.contains("td:nth-child(14)"), "{css}");
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
