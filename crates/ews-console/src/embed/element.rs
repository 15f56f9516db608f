//! The element side of an embedded console: the shadow root and its
//! stylesheet, mounting and unmounting, the events told to the host page,
//! and the panic hook.

use std::cell::RefCell;
use std::rc::Rc;

use ews_core::command::Outcome;
use ews_core::json::Obj;
use js_sys::{Function, Reflect};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use super::{Options, RawOptions};
use crate::activity::LogEntry;
use crate::life::Life;
use crate::shell::Shell;

/// The console's stylesheet, the same as the page's.
const CSS: &str = include_str!("../../../../web/console.css");

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
    /// Each account's credentials function, in the order of
    /// [`Options::accounts`].
    pub providers: Vec<Function>,
}

/// Dispatches `name` on `host` (bubbling, composed) with `detail` (a JSON
/// text, written with the core's writer).
fn emit(host: &web_sys::HtmlElement, name: &str, detail: &str) {
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    let detail = js_sys::JSON::parse(detail).unwrap_or(JsValue::NULL);
    init.set_detail(&detail);
    if let Ok(ev) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = host.dispatch_event(&ev);
    }
}

/// The detail of an `ews-error` event: `{source, message, detail}`.
fn error_detail(source: &str, message: &str, detail: Option<&str>) -> String {
    let mut out = String::new();
    let mut o = Obj::new(&mut out);
    o.str("source", source)
        .str("message", message)
        .opt_str("detail", detail);
    o.end();
    out
}

impl Embedded {
    fn emit(&self, name: &str, detail: &str) {
        emit(&self.host, name, detail);
    }

    /// `ews-ready`: the first list arrived.
    pub fn ready(&self, containers: usize) {
        let mut detail = String::new();
        let mut o = Obj::new(&mut detail);
        o.uint("containers", containers as u64);
        o.end();
        self.emit("ews-ready", &detail);
    }

    /// `ews-command-finished`: how a command ended. `result` is the core's
    /// [`Outcome::kind`] (`succeeded`, `failed`, `publish_failed`,
    /// `timed_out`, `lost`), the one spelling of every component.
    /// `account`: in the fleet view, the container's account.
    pub fn command_finished(
        &self,
        entry: &LogEntry,
        account: Option<&str>,
        outcome: &Outcome,
        text: &str,
    ) {
        let (message, status) = match outcome {
            Outcome::Succeeded { message } | Outcome::Failed { message, .. } => {
                (message.clone(), Some("DONE"))
            }
            Outcome::PublishFailed { message } => (message.clone(), Some("PUBLISH_FAILED")),
            Outcome::TimedOut { .. } => (String::new(), None),
            Outcome::Lost { reason } => (reason.clone(), None),
        };
        let status = status.map(str::to_string).or_else(|| {
            entry
                .command
                .as_ref()
                .map(|c| c.status.as_str().to_string())
        });
        let mut detail = String::new();
        let mut o = Obj::new(&mut detail);
        // The server's id (the fleet view's names its account apart).
        o.uint("containerId", crate::fleet::untag(entry.container_id).1.0)
            .str("action", &entry.action)
            .str("commandId", entry.command_id.as_str())
            .bool("ok", outcome.is_success())
            .str("result", outcome.kind())
            .opt_str("status", status.as_deref())
            .str("message", &message)
            .str("outcome", text)
            .opt_str("account", account);
        o.end();
        self.emit("ews-command-finished", &detail);
    }

    /// Hears keys on the console's own element (never the host page's
    /// window); returns what removes the listener.
    pub fn on_keydown(&self, f: impl Fn(web_sys::KeyboardEvent) + 'static) -> Box<dyn FnOnce()> {
        let cb = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(f);
        let root = self.root.clone();
        let _ = root.add_event_listener_with_callback("keydown", cb.as_ref().unchecked_ref());
        Box::new(move || {
            let _ =
                root.remove_event_listener_with_callback("keydown", cb.as_ref().unchecked_ref());
        })
    }

    /// `ews-error`: an error the user was shown.
    pub fn error(&self, source: &str, message: &str, detail: Option<&str>) {
        self.emit("ews-error", &error_detail(source, message, detail));
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

/// What `read` gives: the options as data, the credentials function, and
/// each account's.
type Read = (RawOptions, Option<Function>, Vec<Function>);

fn read(options: &JsValue) -> Result<Read, String> {
    if options.is_undefined() || options.is_null() {
        return Ok((RawOptions::default(), None, Vec::new()));
    }
    if !options.is_object() {
        return Err("options must be an object, such as { endpoint, credentials }".into());
    }
    let get = |k: &str| Reflect::get(options, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
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
    let mut providers = Vec::new();
    let accounts = {
        let v = get("accounts");
        if v.is_undefined() || v.is_null() {
            None
        } else if !js_sys::Array::is_array(&v) {
            return Err(
                "option `accounts` must be an array of { name, endpoint, credentials }".into(),
            );
        } else {
            let mut list = Vec::new();
            for (i, item) in js_sys::Array::from(&v).iter().enumerate() {
                let field = |k: &str| {
                    Reflect::get(&item, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
                };
                let why = |k: &str, what: &str| {
                    format!("option `accounts`, item {}: `{k}` must be {what}", i + 1)
                };
                let name = field("name")
                    .as_string()
                    .ok_or_else(|| why("name", "a string"))?;
                let endpoint = field("endpoint")
                    .as_string()
                    .ok_or_else(|| why("endpoint", "a string"))?;
                let provider = field("credentials").dyn_into::<Function>().map_err(|_| {
                    why(
                        "credentials",
                        "a function returning { accessKey, secretKey }",
                    )
                })?;
                list.push((name, endpoint));
                providers.push(provider);
            }
            Some(list)
        }
    };
    if accounts.is_some() && credentials.is_some() {
        return Err("give either `credentials` (one account) or `accounts` (each with its own credentials), not both".into());
    }
    Ok((
        RawOptions {
            accounts,
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
        providers,
    ))
}

/// Mounts the console in `element` (an open shadow root is attached, or
/// the element's own reused). A console already mounted there is
/// unmounted first. Throws an `Error` that names a bad option.
#[wasm_bindgen]
pub fn mount(element: web_sys::HtmlElement, options: JsValue) -> Result<EmbeddedConsole, JsValue> {
    install_panic_hook();
    let (raw, credentials, providers) = read(&options).map_err(error)?;
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
            providers,
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
                let message = crate::i18n::M::PanicTitle.text(m.lang);
                emit(
                    &m.host,
                    "ews-error",
                    &error_detail("panic", message, Some(&details)),
                );
            }
        }
    }));
}
