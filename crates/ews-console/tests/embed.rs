//! The embedded console in headless Chromium (wasm-bindgen-test): `mount`
//! into a host element on the fake API (`fake`), events out, nothing of the
//! host page touched, and `unmount` leaving nothing running.
//! Run: `cargo xtask test` (step "console component tests"), or
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p ews-console --features embed --target wasm32-unknown-unknown --test embed`.
#![cfg(all(target_arch = "wasm32", feature = "embed"))]

#[allow(dead_code)]
mod fake;

use std::cell::RefCell;
use std::rc::Rc;

use ews_console::embed::{EmbeddedConsole, mount, unmount};
use js_sys::{Object, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

async fn sleep(ms: u64) {
    ews_console::clock::sleep(ms).await;
}

async fn until(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..1000 {
        if cond() {
            return;
        }
        sleep(10).await;
    }
    panic!("timed out waiting for {what}");
}

/// A host element in the page, with the events it heard.
struct Host {
    el: web_sys::HtmlElement,
    events: Rc<RefCell<Vec<(String, String)>>>,
    _listeners: Vec<Closure<dyn Fn(web_sys::CustomEvent)>>,
}

impl Drop for Host {
    fn drop(&mut self) {
        unmount(&self.el);
        self.el.remove();
    }
}

impl Host {
    fn new() -> Host {
        for stale in all(&document(), ".embed-host") {
            stale.remove();
        }
        let el: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
        el.set_class_name("embed-host");
        document().body().unwrap().append_child(&el).unwrap();
        let events = Rc::new(RefCell::new(Vec::new()));
        let mut listeners = Vec::new();
        for name in ["ews-ready", "ews-command-finished", "ews-error"] {
            let log = Rc::clone(&events);
            let f =
                Closure::<dyn Fn(web_sys::CustomEvent)>::new(move |ev: web_sys::CustomEvent| {
                    let detail = js_sys::JSON::stringify(&ev.detail())
                        .map(String::from)
                        .unwrap_or_default();
                    log.borrow_mut().push((ev.type_(), detail));
                });
            // On the document: the events bubble out of the element.
            document()
                .add_event_listener_with_callback(name, f.as_ref().unchecked_ref())
                .unwrap();
            listeners.push(f);
        }
        Host {
            el,
            events,
            _listeners: listeners,
        }
    }

    fn shadow(&self) -> web_sys::ShadowRoot {
        self.el.shadow_root().expect("a shadow root")
    }

    fn q(&self, sel: &str) -> Option<web_sys::Element> {
        self.shadow().query_selector(sel).unwrap()
    }

    fn count(&self, sel: &str) -> usize {
        self.shadow().query_selector_all(sel).unwrap().length() as usize
    }

    fn click(&self, sel: &str) {
        self.q(sel)
            .unwrap_or_else(|| panic!("no {sel}"))
            .unchecked_into::<web_sys::HtmlElement>()
            .click();
    }

    fn heard(&self, name: &str) -> Vec<String> {
        self.events
            .borrow()
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, d)| d.clone())
            .collect()
    }
}

fn all(root: &web_sys::Document, sel: &str) -> Vec<web_sys::Element> {
    let list = root.query_selector_all(sel).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into().ok())
        .collect()
}

/// The text of each stylesheet the shadow root adopted.
fn sheets(host: &Host) -> Vec<String> {
    let list = Reflect::get(&host.shadow(), &"adoptedStyleSheets".into()).unwrap();
    js_sys::Array::from(&list)
        .iter()
        .map(|s| {
            let rules = s
                .unchecked_into::<web_sys::CssStyleSheet>()
                .css_rules()
                .unwrap();
            (0..rules.length())
                .filter_map(|i| rules.item(i))
                .map(|r| r.css_text())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect()
}

fn options(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

fn demo_credentials(secret: &'static str) -> JsValue {
    let f = Closure::<dyn Fn() -> JsValue>::new(move || {
        let creds = options(&[
            ("accessKey", fake::ACCESS_KEY.into()),
            ("secretKey", secret.into()),
        ]);
        js_sys::Promise::resolve(&creds).into()
    });
    f.into_js_value()
}

fn fresh(n: u64) {
    let w = web_sys::window().unwrap();
    w.local_storage().unwrap().unwrap().clear().unwrap();
    w.session_storage().unwrap().unwrap().clear().unwrap();
    fake::install(n);
}

/// Mounts with the demo credentials on `n` containers and waits for rows.
async fn mounted(n: u64, extra: &[(&str, JsValue)]) -> (Host, EmbeddedConsole) {
    fresh(n);
    let host = Host::new();
    let mut pairs = vec![("credentials", demo_credentials(fake::SECRET))];
    pairs.extend(extra.iter().cloned());
    let console = mount(host.el.clone(), options(&pairs)).expect("mounted");
    until("ews-ready", || !host.heard("ews-ready").is_empty()).await;
    until("rows", || host.count("[data-testid=row]") > 0).await;
    (host, console)
}

#[wasm_bindgen_test]
async fn mounts_in_a_shadow_root_and_leaves_the_page_alone() {
    let html = document().document_element().unwrap();
    let before = (
        html.get_attribute("lang"),
        html.get_attribute("data-theme"),
        web_sys::window().unwrap().location().href().unwrap(),
    );
    let (host, _console) = mounted(5, &[("lang", "zh".into()), ("theme", "dark".into())]).await;
    assert_eq!(
        host.heard("ews-ready"),
        vec![r#"{"containers":5}"#.to_string()]
    );
    assert_eq!(host.count("[data-testid=row]"), 5);
    // The console's own stylesheet is adopted by the shadow root (no
    // <style> element: a strict CSP allows it); nothing of it is in the page.
    assert_eq!(sheets(&host).len(), 1);
    assert_eq!(host.count("style"), 0);
    assert!(all(&document(), "[data-testid=row]").is_empty());
    let root = host.q(".ews-root").unwrap();
    assert_eq!(root.get_attribute("lang").as_deref(), Some("zh-CN"));
    assert_eq!(root.get_attribute("data-theme").as_deref(), Some("dark"));
    // Navigating inside the console changes the console, not the address bar.
    host.click("[data-testid=row-link]");
    until("the container page", || {
        host.q("[data-testid=back]").is_some()
    })
    .await;
    host.click("[data-testid=back]");
    until("the list again", || host.count("[data-testid=row]") == 5).await;
    let after = (
        html.get_attribute("lang"),
        html.get_attribute("data-theme"),
        web_sys::window().unwrap().location().href().unwrap(),
    );
    assert_eq!(before, after);
    let w = web_sys::window().unwrap();
    assert_eq!(w.local_storage().unwrap().unwrap().length().unwrap(), 0);
    assert_eq!(w.session_storage().unwrap().unwrap().length().unwrap(), 0);
}

#[wasm_bindgen_test]
async fn a_finished_command_is_told_to_the_host_page() {
    let (host, _console) = mounted(11, &[]).await;
    // Fleet position 8 is STOPPED (see fake::fleet): start it.
    let stopped = "[data-testid=row][data-status=STOPPED] [data-testid=action-start]";
    host.click(stopped);
    until("ews-command-finished", || {
        !host.heard("ews-command-finished").is_empty()
    })
    .await;
    let detail = &host.heard("ews-command-finished")[0];
    assert!(detail.contains(r#""action":"start""#), "{detail}");
    assert!(detail.contains(r#""ok":true"#), "{detail}");
    assert!(detail.contains(r#""result":"succeeded""#), "{detail}");
    assert!(detail.contains(r#""commandId":"#), "{detail}");
}

#[wasm_bindgen_test]
async fn unmount_stops_every_timer_and_request() {
    let (host, console) = mounted(11, &[("refresh", 5.into())]).await;
    // A command running: a poll timer or a request is pending.
    host.click("[data-testid=row][data-status=STOPPED] [data-testid=action-start]");
    until("a pending timer or request", || {
        let p = console.pending();
        p[0] + p[1] > 0
    })
    .await;
    assert!(console.mounted());
    assert!(console.unmount());
    assert!(!console.mounted());
    assert!(!console.unmount(), "a second unmount is a no-op");
    assert_eq!(console.pending(), vec![0, 0]);
    assert_eq!(host.shadow().child_nodes().length(), 0);
    let requests = fake::with(|s| s.log.len());
    sleep(1500).await;
    assert_eq!(
        fake::with(|s| s.log.len()),
        requests,
        "no request after unmount"
    );
    assert!(host.heard("ews-command-finished").is_empty());
}

#[wasm_bindgen_test]
async fn read_only_and_columns() {
    let (host, _console) = mounted(
        3,
        &[
            ("readOnly", true.into()),
            ("columns", "id,status,cpu".into()),
        ],
    )
    .await;
    assert_eq!(host.count("[data-testid^=action-]"), 0);
    let sheets = sheets(&host);
    assert_eq!(sheets.len(), 2, "the page's sheet and the columns'");
    let style = sheets[1].clone();
    assert!(style.contains(".c-select"), "select is hidden");
    assert!(!style.contains(".c-id"), "id is shown");
    let shown = |sel: &str| {
        host.q(sel)
            .map(|e| e.get_bounding_client_rect().width() > 0.0)
            .unwrap_or(false)
    };
    assert!(shown("[data-testid=sort-id]"));
    assert!(shown("[data-testid=sort-cpu]"));
    assert!(!shown("[data-testid=sort-node]"));
}

#[wasm_bindgen_test]
async fn bad_options_and_a_wrong_secret_say_what_is_wrong() {
    fresh(3);
    let host = Host::new();
    let err = mount(host.el.clone(), options(&[("mode", "proxy".into())]))
        .err()
        .unwrap();
    let msg = String::from(err.unchecked_into::<js_sys::Error>().message());
    assert!(msg.contains("\"direct\", \"edge\""), "{msg}");
    let err = mount(
        host.el.clone(),
        options(&[("credentials", "secret".into())]),
    )
    .err()
    .unwrap();
    let msg = String::from(err.unchecked_into::<js_sys::Error>().message());
    assert!(msg.contains("must be a function"), "{msg}");

    let _console = mount(
        host.el.clone(),
        options(&[("credentials", demo_credentials("wrong-secret"))]),
    )
    .unwrap();
    until("ews-error", || !host.heard("ews-error").is_empty()).await;
    let detail = &host.heard("ews-error")[0];
    assert!(detail.contains(r#""source":"connect""#), "{detail}");
    assert!(!detail.contains("wrong-secret"), "the secret never leaves");
    until("the form with the error", || {
        host.q("[data-testid=connect-error]").is_some()
    })
    .await;
}

#[wasm_bindgen_test]
async fn unreadable_list_items_are_told_to_the_host_page() {
    fresh(4);
    fake::with(|s| {
        s.extra_items = vec![r#""not a container""#.into(), r#"{"id":"c-7f3a9"}"#.into()]
    });
    let host = Host::new();
    let _console = mount(
        host.el.clone(),
        options(&[("credentials", demo_credentials(fake::SECRET))]),
    )
    .expect("mounted");
    until("rows", || host.count("[data-testid=row]") == 4).await;
    until("ews-error", || !host.heard("ews-error").is_empty()).await;
    let detail = &host.heard("ews-error")[0];
    assert!(detail.contains(r#""source":"decode""#), "{detail}");
    assert!(
        detail.contains("2 containers could not be read"),
        "{detail}"
    );
    assert_eq!(
        host.q("[data-testid=unreadable]")
            .and_then(|e| e.get_attribute("data-count"))
            .as_deref(),
        Some("2")
    );
}

#[wasm_bindgen_test]
async fn the_accounts_option_shows_a_switcher_and_each_accounts_credentials() {
    fresh(6);
    let host = Host::new();
    let origin = web_sys::window().unwrap().location().origin().unwrap();
    let account = |name: &str, secret: &'static str| {
        options(&[
            ("name", name.into()),
            ("endpoint", origin.clone().into()),
            ("credentials", demo_credentials(secret)),
        ])
    };
    let list = js_sys::Array::new();
    list.push(&account("prod", fake::SECRET));
    list.push(&account("broken", "wrong-secret"));
    let _console = mount(host.el.clone(), options(&[("accounts", list.into())])).expect("mounted");
    until("prod's rows", || host.count("[data-testid=row]") > 0).await;
    let names: Vec<String> = {
        let opts = host
            .shadow()
            .query_selector_all("[data-testid=account-switch] option")
            .unwrap();
        (0..opts.length())
            .filter_map(|i| {
                opts.item(i)?
                    .dyn_into::<web_sys::Element>()
                    .ok()?
                    .get_attribute("value")
            })
            .collect()
    };
    assert_eq!(
        names,
        ["/fleet", "prod", "broken"],
        "no \"add\" in an embedding"
    );
    // The other account's credentials are wrong: its error is its own.
    let select = host.q("[data-testid=account-switch]").unwrap();
    select
        .unchecked_ref::<web_sys::HtmlSelectElement>()
        .set_value("broken");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    select
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
    until("broken's error", || !host.heard("ews-error").is_empty()).await;
    assert!(!host.heard("ews-error")[0].contains("wrong-secret"));
    // The page's address and storage are the host page's: untouched.
    assert_eq!(
        web_sys::window().unwrap().location().pathname().unwrap(),
        "/"
    );
    let local = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    assert_eq!(local.length().unwrap(), 0);
    // Back to prod (the header was rebuilt): its transport was kept,
    // nothing asked again.
    let select = host.q("[data-testid=account-switch]").unwrap();
    select
        .unchecked_ref::<web_sys::HtmlSelectElement>()
        .set_value("prod");
    select
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
    until("prod's rows again", || host.count("[data-testid=row]") > 0).await;
    let bad = mount(
        host.el.clone(),
        options(&[(
            "accounts",
            js_sys::Array::of1(&options(&[("name", "x".into())])).into(),
        )]),
    )
    .err()
    .unwrap();
    let msg = String::from(bad.unchecked_into::<js_sys::Error>().message());
    assert!(msg.contains("item 1: `endpoint` must be a string"), "{msg}");
}
