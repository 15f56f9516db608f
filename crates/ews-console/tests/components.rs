//! Component tests in headless Chromium (wasm-bindgen-test): mount the
//! console on a fake API (`fake`), act on the DOM, let it settle, assert.
//! Run: `cargo xtask test` (step "console component tests"), or
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p ews-console --target wasm32-unknown-unknown --test components`.
#![cfg(target_arch = "wasm32")]

mod fake;

use ews_console::App;
use leptos::mount::mount_to;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn q(sel: &str) -> Option<web_sys::Element> {
    document().query_selector(sel).unwrap()
}

fn q_all(sel: &str) -> Vec<web_sys::Element> {
    let list = document().query_selector_all(sel).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into().ok())
        .collect()
}

fn text(sel: &str) -> String {
    q(sel).and_then(|e| e.text_content()).unwrap_or_default()
}

fn attr(sel: &str, name: &str) -> Option<String> {
    q(sel).and_then(|e| e.get_attribute(name))
}

fn html(sel: &str) -> web_sys::HtmlElement {
    q(sel)
        .unwrap_or_else(|| panic!("no {sel}"))
        .dyn_into()
        .unwrap()
}

fn click(sel: &str) {
    html(sel).click();
}

fn input(sel: &str, value: &str, event: &str) {
    let el = q(sel).unwrap_or_else(|| panic!("no {sel}"));
    if let Some(i) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        i.set_value(value);
    } else if let Some(s) = el.dyn_ref::<web_sys::HtmlSelectElement>() {
        s.set_value(value);
    }
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    el.dispatch_event(&web_sys::Event::new_with_event_init_dict(event, &init).unwrap())
        .unwrap();
}

fn key(target: &web_sys::EventTarget, key: &str, shift: bool) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&ev).unwrap();
}

fn search() -> String {
    web_sys::window().unwrap().location().search().unwrap()
}

fn path() -> String {
    web_sys::window().unwrap().location().pathname().unwrap()
}

/// The path after the account's `/a/{name}`.
fn route_path() -> String {
    let p = path();
    match p
        .strip_prefix("/a/")
        .and_then(|r| r.find('/').map(|i| r[i..].to_string()))
    {
        Some(rest) => rest,
        None => p,
    }
}

async fn sleep(ms: u64) {
    ews_console::clock::sleep(ms).await;
}

/// Waits (up to 10 s) for `cond`, letting the app's tasks run.
async fn until(what: &str, cond: impl Fn() -> bool) {
    until_within(what, 10, cond).await;
}

/// Waits up to `secs` for `cond` (a rolling job's batches take a few
/// seconds each on the fake's clock).
async fn until_within(what: &str, secs: u32, cond: impl Fn() -> bool) {
    for _ in 0..secs * 100 {
        if cond() {
            return;
        }
        sleep(10).await;
    }
    panic!("timed out waiting for {what}");
}

/// A mounted console on a fresh fake API of `n` containers at `url`.
struct Mounted {
    _handle: Box<dyn std::any::Any>,
    root: web_sys::HtmlElement,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.root.remove();
    }
}

/// The browser's back button.
fn back() {
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .back()
        .unwrap();
}

fn set_url(url: &str) {
    let h = web_sys::window().unwrap().history().unwrap();
    h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url))
        .unwrap();
}

async fn mount(n: u64, url: &str) -> Mounted {
    mount_with(n, url, |_| {}).await
}

/// Mounts on a fake of `n` containers, set up by `setup` before the start.
async fn mount_with(n: u64, url: &str, setup: impl FnOnce(&mut fake::State)) -> Mounted {
    // A test that failed left its console mounted (wasm does not unwind):
    // take it out of the page so it cannot answer for this one.
    for stale in q_all(".test-root, meta[name=ews-mode]") {
        stale.remove();
    }
    let w = web_sys::window().unwrap();
    w.local_storage().unwrap().unwrap().clear().unwrap();
    w.session_storage().unwrap().unwrap().clear().unwrap();
    fake::install(n);
    fake::with(setup);
    set_url(url);
    let root: web_sys::HtmlElement = document()
        .create_element("div")
        .unwrap()
        .dyn_into()
        .unwrap();
    root.set_class_name("test-root");
    document().body().unwrap().append_child(&root).unwrap();
    let handle = mount_to(root.clone(), App);
    Mounted {
        _handle: Box::new(handle),
        root,
    }
}

/// Mounts and connects with the demo credentials; on the list, waits for rows.
async fn connected(n: u64, url: &str) -> Mounted {
    let m = mount(n, url).await;
    until("the connection form", || {
        q("[data-testid=connect-form]").is_some()
    })
    .await;
    fill_and_connect(fake::SECRET);
    until("the connection", || q("[data-testid=who]").is_some()).await;
    if url == "/" || url.starts_with("/?") {
        until("the table", || !q_all("[data-testid=row]").is_empty()).await;
    }
    m
}

fn fill_and_connect(secret: &str) {
    input("[data-testid=access-key]", fake::ACCESS_KEY, "input");
    input("[data-testid=secret-key]", secret, "input");
    click("[data-testid=connect]");
}

fn row(id: u64) -> String {
    format!("[data-testid=row][data-id=\"{id}\"]")
}

fn metrics() -> Vec<u64> {
    attr("[data-testid=metrics]", "data-metrics")
        .unwrap_or_default()
        .split(' ')
        .filter_map(|n| n.parse().ok())
        .collect()
}

#[wasm_bindgen_test]
async fn connecting_lists_every_state_and_forgets_the_secret() {
    let _m = connected(40, "/").await;
    // 11 documented states + 1 unknown, counted and shown as text badges.
    assert_eq!(
        attr("[data-testid=count-all]", "data-count").as_deref(),
        Some("40")
    );
    assert_eq!(
        attr("[data-testid=count-RUNNING]", "data-count").as_deref(),
        Some("4")
    );
    assert_eq!(
        attr("[data-testid=count-UNKNOWN]", "data-count").as_deref(),
        Some("1")
    );
    let badges: Vec<String> = q_all("[data-testid=status-badge]")
        .iter()
        .filter_map(|b| b.text_content())
        .collect();
    assert!(badges.iter().any(|b| b == "HIBERNATING"), "{badges:?}");
    assert!(text(&row(1000)).contains("shared"), "cpu -1 reads shared");
    // The secret is nowhere: not in the DOM, the URL, storage.
    let page = document().document_element().unwrap().outer_html();
    assert!(!page.contains(fake::SECRET), "secret in the DOM");
    assert!(
        !web_sys::window()
            .unwrap()
            .location()
            .href()
            .unwrap()
            .contains(fake::SECRET)
    );
    assert_eq!(local().get_item("ews.secrets").unwrap(), None);
    let pw = q("[data-testid=secret-key]");
    assert!(pw.is_none(), "the form is gone once connected");
    assert!(fake::count("GET /api/v1/container") >= 1);
    assert_eq!(
        fake::count("GET /edge/session"),
        0,
        "a page that is not the edge worker's asks no edge probe"
    );
}

#[wasm_bindgen_test]
async fn wrong_secret_says_check_the_secret_and_method() {
    let _m = mount(5, "/").await;
    until("the form", || q("[data-testid=connect-form]").is_some()).await;
    fill_and_connect("not-the-secret");
    until("an error", || q("[data-testid=connect-error]").is_some()).await;
    let msg = text("[data-testid=connect-error]");
    assert!(
        msg.contains("1004") && msg.contains("secret key") && msg.contains("sign method"),
        "{msg}"
    );
    assert!(
        !msg.contains("not-the-secret"),
        "the secret leaked into the message"
    );
    assert!(q("[data-testid=skew-notice]").is_none());
}

#[wasm_bindgen_test]
async fn a_skewed_clock_is_corrected_and_said() {
    let _m = mount_with(5, "/", |s| s.skew_ms = 20 * 60 * 1000).await;
    until("the form", || q("[data-testid=connect-form]").is_some()).await;
    fill_and_connect(fake::SECRET);
    until("the table", || !q_all("[data-testid=row]").is_empty()).await;
    let notice = text("[data-testid=skew-notice]");
    // 20 min, give or take the Date header's one-second resolution.
    let secs_ok = notice.contains("1199 s behind") || notice.contains("1200 s behind");
    assert!(
        secs_ok && notice.contains("corrected automatically"),
        "{notice}"
    );
    // One refused request, then the corrected one.
    assert_eq!(fake::count("GET /api/v1/container"), 2);
}

#[wasm_bindgen_test]
async fn a_network_failure_points_to_cors_and_edge_mode() {
    let _m = mount_with(5, "/", |s| s.offline = true).await;
    until("the form", || q("[data-testid=connect-form]").is_some()).await;
    fill_and_connect(fake::SECRET);
    until("an error", || q("[data-testid=connect-error]").is_some()).await;
    let msg = text("[data-testid=connect-error]");
    assert!(msg.contains("CORS") && msg.contains("edge"), "{msg}");
}

#[wasm_bindgen_test]
async fn server_errors_keep_the_last_good_list() {
    let _m = connected(12, "/").await;
    fake::with(|s| {
        s.canned.push(fake::Canned {
            status: 502,
            body: "<html><body>Bad gateway</body></html>".into(),
            content_type: "text/html",
        })
    });
    click("[data-testid=refresh]");
    until("the error", || q("[data-testid=list-error]").is_some()).await;
    let msg = text("[data-testid=list-error]");
    assert!(
        msg.contains("last good data") && msg.contains("502"),
        "{msg}"
    );
    assert_eq!(q_all("[data-testid=row]").len(), 12, "rows kept");
    click("[data-testid=refresh]");
    until("recovery", || q("[data-testid=list-error]").is_none()).await;
}

#[wasm_bindgen_test]
async fn filter_search_sort_and_group_live_in_the_url() {
    let _m = connected(40, "/").await;
    click("[data-testid=count-RUNNING]");
    until("the filter", || q_all("[data-testid=row]").len() == 4).await;
    assert!(
        q_all("[data-testid=row]")
            .iter()
            .all(|r| r.get_attribute("data-status").as_deref() == Some("RUNNING"))
    );
    assert_eq!(search(), "?status=RUNNING");
    assert_eq!(
        attr("[data-testid=count-RUNNING]", "aria-pressed").as_deref(),
        Some("true")
    );
    click("[data-testid=sort-mem]");
    click("[data-testid=sort-mem]");
    input("[data-testid=search]", "node 10", "input");
    input("[data-testid=group]", "host", "change");
    until("the URL", || search().contains("group=host")).await;
    assert_eq!(
        search(),
        "?status=RUNNING&q=node%2010&sort=mem&dir=desc&group=host"
    );
    until("group headings", || {
        !q_all("[data-testid=group-row]").is_empty()
    })
    .await;
    // Back restores the state before the last discrete change.
    back();
    until("popstate", || !search().contains("group=")).await;
    until("ungrouped", || q_all("[data-testid=group-row]").is_empty()).await;
    let th = q("[data-testid=sort-mem]")
        .unwrap()
        .parent_element()
        .unwrap();
    assert_eq!(th.get_attribute("aria-sort").as_deref(), Some("descending"));
    assert!(search().contains("sort=mem&dir=desc"));
}

#[wasm_bindgen_test]
async fn a_shared_link_opens_with_its_filters() {
    let _m = connected(40, "/?status=STOPPED,UNKNOWN&sort=id&dir=desc").await;
    let ids: Vec<String> = q_all("[data-testid=row]")
        .iter()
        .filter_map(|r| r.get_attribute("data-id"))
        .collect();
    assert_eq!(ids, ["1039", "1030", "1019", "1008"]);
    assert_eq!(
        attr("[data-testid=showing]", "data-shown").as_deref(),
        Some("4")
    );
}

#[wasm_bindgen_test]
async fn ten_thousand_rows_render_only_what_is_visible() {
    let _m = connected(10_000, "/").await;
    // No stylesheet on the test page: give the table its scroll box.
    let wrap = html("[data-testid=table-wrap]");
    wrap.set_attribute("style", "height: 440px; overflow: auto")
        .unwrap();
    web_sys::window()
        .unwrap()
        .dispatch_event(&web_sys::Event::new("resize").unwrap())
        .unwrap();
    sleep(20).await;
    let rendered = q_all("[data-testid=row]").len();
    assert!(rendered > 5 && rendered < 120, "{rendered} rows in the DOM");
    assert_eq!(
        attr("[data-testid=container-table]", "aria-rowcount").as_deref(),
        Some("10001")
    );
    wrap.set_scroll_top(i32::MAX);
    wrap.dispatch_event(&web_sys::Event::new("scroll").unwrap())
        .unwrap();
    until("the last row", || q(&row(10_999)).is_some()).await;
    assert!(q_all("[data-testid=row]").len() < 120);
}

#[wasm_bindgen_test]
async fn a_refresh_rebuilds_only_rows_that_changed() {
    let _m = connected(200, "/").await;
    sleep(50).await;
    let before = metrics();
    click("[data-testid=refresh]");
    until("a refresh", || metrics()[0] == before[0] + 1).await;
    sleep(50).await;
    let same = metrics();
    assert_eq!(
        same[1], before[1],
        "nothing changed, yet the data was replaced"
    );
    assert_eq!(same[2], before[2], "nothing changed, yet rows were rebuilt");
    fake::with(|s| s.containers[0].health = "degraded".into());
    click("[data-testid=refresh]");
    until("a second refresh", || metrics()[0] == before[0] + 2).await;
    sleep(50).await;
    let after = metrics();
    assert_eq!(after[2], same[2] + 1, "exactly the changed row is rebuilt");
    assert!(text(&row(1000)).contains("degraded"));
}

#[wasm_bindgen_test]
async fn start_shows_progress_then_running_and_a_toast() {
    let _m = connected(12, "/").await;
    // 1008 is STOPPED (index 8).
    assert_eq!(attr(&row(1008), "data-status").as_deref(), Some("STOPPED"));
    let start = format!("{} [data-testid=action-start]", row(1008));
    click(&start);
    until("busy", || {
        q(&start).is_some_and(|b| b.has_attribute("disabled"))
    })
    .await;
    until("progress", || {
        text(&format!("{} [data-testid=row-op]", row(1008))).contains("RUNNING")
    })
    .await;
    assert!(text(&format!("{} [data-testid=row-op]", row(1008))).contains("RunDocker"));
    until("the toast", || {
        q("[data-testid=toast][data-kind=ok]").is_some()
    })
    .await;
    assert!(text("[data-testid=toast]").contains("succeeded"));
    until("RUNNING", || {
        attr(&row(1008), "data-status").as_deref() == Some("RUNNING")
    })
    .await;
    let item = text("[data-testid=activity-item]");
    assert!(
        item.contains("1008") && item.contains("succeeded"),
        "{item}"
    );
    // Double submission is impossible: one start request only.
    assert_eq!(fake::count("POST /api/v1/container/1008/start"), 1);
}

#[wasm_bindgen_test]
async fn restart_stops_sees_stopped_then_starts_as_one_operation() {
    let _m = connected(12, "/").await;
    // 1003 is RUNNING: restart is a usual action there, and runs at once.
    let restart = format!("{} [data-testid=action-restart]", row(1003));
    assert_eq!(attr(&restart, "data-usual").as_deref(), Some("true"));
    // Not usual on a STOPPED container (it is started, not restarted).
    assert_eq!(
        attr(
            &format!("{} [data-testid=action-restart]", row(1008)),
            "data-usual"
        )
        .as_deref(),
        Some("false")
    );
    click(&restart);
    until("the restart's toast", || {
        q("[data-testid=toast][data-kind=ok]").is_some()
    })
    .await;
    let toast = text("[data-testid=toast][data-kind=ok]");
    assert!(
        toast.contains("Restart 1003") && toast.contains("succeeded"),
        "{toast}"
    );
    // The row is re-read just after the outcome is said.
    until("the row re-read", || {
        attr(&row(1003), "data-status").as_deref() == Some("RUNNING")
    })
    .await;
    // One stop, then one start, in that order, with the container read
    // between them; both commands are in the activity log.
    let log = fake::with(|s| s.log.clone());
    let stop = log
        .iter()
        .position(|l| l == "POST /api/v1/container/1003/stop");
    let start = log
        .iter()
        .position(|l| l == "POST /api/v1/container/1003/start");
    assert!(
        matches!((stop, start), (Some(a), Some(b)) if a < b),
        "{log:?}"
    );
    assert_eq!(fake::count("POST /api/v1/container/1003/stop"), 1);
    assert_eq!(fake::count("POST /api/v1/container/1003/start"), 1);
    let items: Vec<String> = q_all("[data-testid=activity-item][data-container=\"1003\"]")
        .iter()
        .filter_map(|e| e.text_content())
        .collect();
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items.iter().all(|i| i.contains("succeeded")), "{items:?}");
}

#[wasm_bindgen_test]
async fn a_restart_whose_stop_fails_leaves_the_container_alone_and_says_so() {
    let _m = connected(12, "/").await;
    fake::with(|s| s.fail_next.push(ews_core::ContainerId(1003)));
    click(&format!("{} [data-testid=action-restart]", row(1003)));
    until("the restart's toast", || {
        q("[data-testid=toast][data-kind=bad]").is_some()
    })
    .await;
    let toast = text("[data-testid=toast][data-kind=bad]");
    assert!(toast.contains("Restart 1003"), "{toast}");
    assert!(toast.contains("not started again"), "{toast}");
    // The outcome is said at once; the row is re-read just after it.
    until("the row re-read", || {
        attr(&row(1003), "data-status").as_deref() == Some("STOPFAILED")
    })
    .await;
    assert_eq!(fake::count("POST /api/v1/container/1003/start"), 0);
}

#[wasm_bindgen_test]
async fn delete_asks_first_naming_the_container_and_escape_cancels() {
    let _m = connected(12, "/").await;
    let delete = format!("{} [data-testid=action-delete]", row(1008));
    click(&delete);
    until("the dialog", || q("[data-testid=dialog]").is_some()).await;
    assert!(text("[data-testid=dialog-text]").contains("1008"));
    // Focus starts on Cancel; Escape closes without a request.
    let active = document().active_element().unwrap();
    assert_eq!(
        active.get_attribute("data-testid").as_deref(),
        Some("cancel")
    );
    key(&html("[data-testid=dialog]"), "Escape", false);
    until("closed", || q("[data-testid=dialog]").is_none()).await;
    assert_eq!(fake::count("DELETE "), 0);
    click(&delete);
    until("the dialog", || q("[data-testid=confirm]").is_some()).await;
    click("[data-testid=confirm]");
    until("the row to go", || q(&row(1008)).is_none()).await;
    assert_eq!(fake::count("DELETE /api/v1/container/1008"), 1);
}

#[wasm_bindgen_test]
async fn no_state_blocks_an_action_an_unusual_one_asks_first() {
    let _m = connected(12, "/").await;
    // 1002 is STARTING: nothing is usual, yet every button is clickable.
    let starting = row(1002);
    for action in ["start", "stop", "delete"] {
        let b = format!("{starting} [data-testid=action-{action}]");
        assert_eq!(attr(&b, "data-usual").as_deref(), Some("false"), "{action}");
        assert!(!q(&b).unwrap().has_attribute("disabled"), "{action}");
        assert!(attr(&b, "title").unwrap_or_default().contains("may refuse"));
    }
    // The usual ones of a STOPPED container are prominent.
    assert_eq!(
        attr(
            &format!("{} [data-testid=action-start]", row(1008)),
            "data-usual"
        )
        .as_deref(),
        Some("true")
    );
    // The badge says what the state means.
    assert_eq!(
        attr(&format!("{starting} [data-testid=status-badge]"), "title").as_deref(),
        Some("Starting")
    );
    click(&format!("{starting} [data-testid=action-stop]"));
    until("the dialog", || q("[data-testid=dialog]").is_some()).await;
    assert!(text("[data-testid=dialog-unusual]").contains("1007 StatusError"));
    assert_eq!(text("[data-testid=confirm]"), "Stop anyway");
    assert_eq!(
        fake::count("POST "),
        0,
        "nothing is sent before the confirmation"
    );
    click("[data-testid=confirm]");
    until("STOPPED", || {
        attr(&starting, "data-status").as_deref() == Some("STOPPED")
    })
    .await;
    assert_eq!(fake::count("POST /api/v1/container/1002/stop"), 1);
}

#[wasm_bindgen_test]
async fn a_refusal_is_shown_plainly_with_what_to_do() {
    let _m = connected(12, "/").await;
    // 1003 is RUNNING: deleting it is not usual, and the service refuses.
    click(&format!("{} [data-testid=action-delete]", row(1003)));
    until("the dialog", || q("[data-testid=confirm]").is_some()).await;
    assert!(text("[data-testid=dialog-text]").contains("1003"));
    assert!(text("[data-testid=dialog-unusual]").contains("RUNNING"));
    click("[data-testid=confirm]");
    until("the refusal", || {
        q("[data-testid=toast][data-kind=bad]").is_some()
    })
    .await;
    let toast = text("[data-testid=toast][data-kind=bad]");
    assert!(toast.contains("1007"), "{toast}");
    assert!(toast.contains("nothing changed"), "{toast}");
    assert_eq!(attr(&row(1003), "data-status").as_deref(), Some("RUNNING"));
}

#[wasm_bindgen_test]
async fn bulk_lists_unusual_targets_apart_and_may_include_them() {
    let _m = connected(12, "/").await;
    // STARTING 1002, RUNNING 1003, STOPPED 1008: stop is usual for 1003 only.
    for id in [1002, 1003, 1008] {
        click(&format!("{} [data-testid=row-select]", row(id)));
    }
    until("3 selected", || q("[data-testid=bulk-stop]").is_some()).await;
    click("[data-testid=bulk-stop]");
    until("the confirmation", || {
        q_all("[data-testid=bulk-item]").len() == 3
    })
    .await;
    // Every target is listed; the two the state rule advises against are
    // marked and left out unless included.
    let unusual = q_all("[data-testid=bulk-item][data-state=unusual]");
    let ids: Vec<_> = unusual
        .iter()
        .filter_map(|e| e.get_attribute("data-id"))
        .collect();
    assert_eq!(ids, ["1002", "1008"]);
    assert!(
        unusual[0]
            .text_content()
            .unwrap_or_default()
            .contains("STARTING")
    );
    assert!(text("#dialog-title").contains("1 container"));
    click("[data-testid=bulk-include-unusual]");
    until("3 targets", || {
        text("#dialog-title").contains("3 containers")
    })
    .await;
    assert!(text("[data-testid=bulk-targets]").contains("may refuse"));
    click("[data-testid=confirm]");
    until("every item done", || {
        q_all("[data-testid=bulk-item][data-state=ok]").len()
            + q_all("[data-testid=bulk-item][data-state=failed]").len()
            == 3
    })
    .await;
    // The service takes a stop of a start in progress, and refuses a stop of
    // a stopped container: that one is reported, not hidden.
    let failed = q_all("[data-testid=bulk-item][data-state=failed]");
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].get_attribute("data-id").as_deref(), Some("1008"));
    assert!(
        failed[0]
            .text_content()
            .unwrap_or_default()
            .contains("1007")
    );
    assert_eq!(fake::count("POST /api/v1/container/1002/stop"), 1);
}

#[wasm_bindgen_test]
async fn odd_rows_show_what_was_sent_and_unreadable_items_are_counted() {
    let _m = mount_with(12, "/", |s| {
        s.extra_items = vec![
            r#"{"id":999,"status":"RUNNING","cpu":0.5,"hostId":-1,"mem":"2048","health":{"ok":true}}"#.into(),
            r#""not a container""#.into(),
            r#"{"id":"c-7f3a9","status":"RUNNING"}"#.into(),
            r#"{"id":"<img src=x onerror=alert(1)>"}"#.into(),
        ]
    })
    .await;
    until("the connection form", || {
        q("[data-testid=connect-form]").is_some()
    })
    .await;
    fill_and_connect(fake::SECRET);
    until("the table", || q(&row(999)).is_some()).await;
    // Every readable container is shown, the odd one with what was sent.
    assert_eq!(
        attr("[data-testid=count-all]", "data-count").as_deref(),
        Some("13")
    );
    let cpu = format!("{} td.c-cpu", row(999));
    assert_eq!(text(&cpu), "0.5");
    assert!(attr(&cpu, "class").unwrap_or_default().contains("odd"));
    assert!(
        attr(&cpu, "title")
            .unwrap_or_default()
            .contains("Sent as 0.5")
    );
    assert_eq!(text(&format!("{} td.c-host", row(999))), "—");
    assert_eq!(text(&format!("{} td.c-mem", row(999))), "2 GiB");
    assert!(text(&format!("{} td.c-health", row(999))).contains("ok"));
    // "3 containers could not be read — details", with the raw items.
    let notice = "[data-testid=unreadable]";
    assert_eq!(attr(notice, "data-count").as_deref(), Some("3"));
    assert!(text(&format!("{notice} summary")).starts_with("3 containers could not be read"));
    let all = text(notice);
    assert!(
        all.contains("c-7f3a9") && all.contains("not a container"),
        "{all}"
    );
    assert!(all.contains("#13") && all.contains("#14"), "{all}");
    // The server's text is shown as text, never as markup.
    assert!(all.contains(r"\u003cimg src=x onerror=alert(1)>"), "{all}");
    assert!(q(&format!("{notice} img")).is_none());
    // What each state means: the legend and the chips' titles.
    assert!(text("[data-testid=states-legend]").contains("docker process exists"));
    assert_eq!(
        attr("[data-testid=count-ALLOCATING]", "title").as_deref(),
        Some("Host resources are still being allocated")
    );
}

#[wasm_bindgen_test]
async fn dialogs_keep_focus_inside() {
    let _m = connected(12, "/").await;
    click(&format!("{} [data-testid=action-delete]", row(1008)));
    until("the dialog", || q("[data-testid=dialog]").is_some()).await;
    let dialog = html("[data-testid=dialog]");
    html("[data-testid=confirm]").focus().unwrap();
    key(&dialog, "Tab", false);
    assert_eq!(
        document()
            .active_element()
            .unwrap()
            .get_attribute("data-testid")
            .as_deref(),
        Some("cancel")
    );
    key(&dialog, "Tab", true);
    assert_eq!(
        document()
            .active_element()
            .unwrap()
            .get_attribute("data-testid")
            .as_deref(),
        Some("confirm")
    );
    key(&dialog, "Escape", false);
}

/// On `/?status=STOPPED` of 40 (1008, 1019, 1030): selects them all and
/// opens the bulk start, at its plan.
async fn plan_start_of_the_stopped() {
    click("[data-testid=select-all]");
    until("3 selected", || {
        text("[data-testid=selected-count]").contains('3')
    })
    .await;
    click("[data-testid=bulk-start]");
    until("the plan", || q("[data-testid=roll-batch]").is_some()).await;
}

/// A rolling start of the stopped, one at a time, paused while the first
/// runs: the first (1008) done, the others waiting.
async fn paused_after_the_first() {
    plan_start_of_the_stopped().await;
    input("[data-testid=roll-batch]", "1", "change");
    click("[data-testid=confirm]");
    until("running", || q("[data-testid=roll-pause]").is_some()).await;
    click("[data-testid=roll-pause]");
    until_within("the first done", 30, || {
        bulk_state(1008).as_deref() == Some("ok")
    })
    .await;
}

/// This origin's local storage.
fn local() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

/// A bulk job's item's state (`waiting`, `running`, `ok`, …).
fn bulk_state(id: u64) -> Option<String> {
    attr(
        &format!("[data-testid=bulk-item][data-id=\"{id}\"]"),
        "data-state",
    )
}

#[wasm_bindgen_test]
async fn a_rolling_start_goes_batch_by_batch_and_halts_at_the_first_failure() {
    let _m = connected(40, "/?status=STOPPED").await;
    // STOPPED: 1008, 1019, 1030; the start of 1019 fails.
    fake::with(|s| s.fail_next.push(ews_core::ContainerId(1019)));
    plan_start_of_the_stopped().await;
    // A batch size that cannot be read is said, and nothing is sent.
    input("[data-testid=roll-batch]", "two", "change");
    click("[data-testid=confirm]");
    until("the error", || q("[data-testid=roll-error]").is_some()).await;
    assert_eq!(fake::count("POST "), 0);
    input("[data-testid=roll-batch]", "1", "change");
    click("[data-testid=confirm]");
    until_within("halted", 30, || {
        attr("[data-testid=roll-state]", "data-state").as_deref() == Some("halted")
    })
    .await;
    assert_eq!(bulk_state(1008).as_deref(), Some("ok"));
    assert_eq!(bulk_state(1019).as_deref(), Some("failed"));
    until_within("the rest left", 30, || {
        bulk_state(1030).as_deref() == Some("left")
    })
    .await;
    // One batch at a time: 1030 was never sent.
    assert_eq!(fake::count("POST /api/v1/container/1030/start"), 0);
    assert!(text("[data-testid=roll-state]").contains("Halted"));
    click("[data-testid=close]");
}

#[wasm_bindgen_test]
async fn a_rolling_job_survives_a_reload_and_goes_on() {
    let m = connected(40, "/?status=STOPPED").await;
    paused_after_the_first().await;
    let session = web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap();
    let kept: Vec<(String, String)> = (0..session.length().unwrap())
        .filter_map(|i| session.key(i).unwrap())
        .map(|k| (k.clone(), session.get_item(&k).unwrap().unwrap_or_default()))
        .collect();
    let rollout = &kept.iter().find(|(k, _)| k == "ews.rollout").unwrap().1;
    assert!(rollout.contains("\nstart 1 paused "), "{rollout}");
    // The account stays on this device (never its secret).
    let accounts = local().get_item("ews.accounts").unwrap().unwrap();
    // A reload: this tab's session storage stays, everything else starts
    // again; the secret was in memory only, so the user connects again.
    drop(m);
    let _m = mount_with(40, "/?status=STOPPED", move |_| {
        for (k, v) in &kept {
            session.set_item(k, v).unwrap();
        }
        let local = local();
        local.set_item("ews.accounts", &accounts).unwrap();
    })
    .await;
    until("the form", || q("[data-testid=connect-form]").is_some()).await;
    fill_and_connect(fake::SECRET);
    until("the same job, paused", || {
        q("[data-testid=roll-resume]").is_some()
    })
    .await;
    assert_eq!(bulk_state(1008).as_deref(), Some("ok"));
    click("[data-testid=roll-resume]");
    until_within("done", 60, || {
        attr("[data-testid=roll-state]", "data-state").as_deref() == Some("done")
    })
    .await;
    // The rest went on from where it was: nothing sent twice.
    assert_eq!(fake::count("POST /api/v1/container/1008/start"), 0);
    assert_eq!(fake::count("POST /api/v1/container/1019/start"), 1);
    assert_eq!(fake::count("POST /api/v1/container/1030/start"), 1);
    let session = web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap();
    assert_eq!(
        session.get_item("ews.rollout").unwrap(),
        None,
        "forgotten once done"
    );
    click("[data-testid=close]");
}

#[wasm_bindgen_test]
async fn a_rolling_job_pauses_resumes_and_cancels() {
    let _m = connected(40, "/?status=STOPPED").await;
    plan_start_of_the_stopped().await;
    input("[data-testid=roll-batch]", "1", "change");
    click("[data-testid=confirm]");
    until("running", || q("[data-testid=roll-pause]").is_some()).await;
    click("[data-testid=roll-pause]");
    until_within("paused", 30, || {
        attr("[data-testid=roll-state]", "data-state").as_deref() == Some("paused")
    })
    .await;
    // The running batch finishes; no other starts while paused.
    until_within("the first done", 30, || {
        bulk_state(1008).as_deref() == Some("ok")
    })
    .await;
    sleep(1_500).await;
    assert_eq!(fake::count("POST /api/v1/container/1019/start"), 0);
    // Closed, it goes on; any bulk button shows it again, never a new job.
    click("[data-testid=close]");
    until("closed", || q("[data-testid=dialog]").is_none()).await;
    click("[data-testid=bulk-stop]");
    until("the same job", || q("[data-testid=roll-resume]").is_some()).await;
    click("[data-testid=roll-resume]");
    until_within("the second batch", 30, || {
        bulk_state(1019).as_deref() == Some("running")
    })
    .await;
    click("[data-testid=roll-pause]");
    until_within("the second done", 30, || {
        bulk_state(1019).as_deref() == Some("ok")
    })
    .await;
    click("[data-testid=roll-cancel]");
    until_within("cancelled", 30, || {
        attr("[data-testid=roll-state]", "data-state").as_deref() == Some("cancelled")
    })
    .await;
    until_within("the rest left", 30, || {
        bulk_state(1030).as_deref() == Some("left")
    })
    .await;
    assert_eq!(fake::count("POST /api/v1/container/1030/start"), 0);
    click("[data-testid=close]");
}

#[wasm_bindgen_test]
async fn bulk_start_reports_every_item_and_the_failure() {
    let _m = connected(40, "/?status=STOPPED").await;
    // STOPPED: 1008, 1019, 1030; the next start of 1019 fails.
    fake::with(|s| s.fail_next.push(ews_core::ContainerId(1019)));
    click(&format!("{} [data-testid=row-select]", row(1008)));
    // Shift-click selects the range 1008..=1030.
    let init = web_sys::MouseEventInit::new();
    init.set_shift_key(true);
    init.set_bubbles(true);
    let ev = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
    q(&format!("{} [data-testid=row-select]", row(1030)))
        .unwrap()
        .dispatch_event(&ev)
        .unwrap();
    until("3 selected", || {
        text("[data-testid=selected-count]").contains('3')
    })
    .await;
    click("[data-testid=bulk-start]");
    until("the confirmation", || {
        q_all("[data-testid=bulk-item]").len() == 3
    })
    .await;
    click("[data-testid=confirm]");
    until("focus on Close", || {
        document()
            .active_element()
            .and_then(|e| e.get_attribute("data-testid"))
            .as_deref()
            == Some("close")
    })
    .await;
    until("the summary", || {
        text("[data-testid=bulk-summary]").contains("2 succeeded, 1 failed")
    })
    .await;
    let failed = q("[data-testid=bulk-item][data-state=failed]").unwrap();
    assert_eq!(failed.get_attribute("data-id").as_deref(), Some("1019"));
    assert!(failed.text_content().unwrap().contains("disk full"));
    assert_eq!(q_all("[data-testid=bulk-item][data-state=ok]").len(), 2);
    // Followed through the list: one confirming read per command, not a
    // poll loop each.
    assert_eq!(fake::count("GET /api/v1/command/"), 3);
    click("[data-testid=close]");
}

#[wasm_bindgen_test]
async fn select_all_selects_only_the_filtered_rows() {
    let _m = connected(40, "/?status=RUNNING").await;
    click("[data-testid=select-all]");
    until("4 selected", || {
        text("[data-testid=selected-count]").contains('4')
    })
    .await;
    click("[data-testid=bulk-stop]");
    until("the confirmation", || {
        q_all("[data-testid=bulk-item]").len() == 4
    })
    .await;
    click("[data-testid=cancel]");
    until("closed", || q("[data-testid=dialog]").is_none()).await;
    assert_eq!(fake::count("POST "), 0);
}

#[wasm_bindgen_test]
async fn slash_focuses_the_search() {
    let _m = connected(5, "/").await;
    key(&document().body().unwrap(), "/", false);
    assert_eq!(document().active_element().unwrap().id(), "search");
}

#[wasm_bindgen_test]
async fn chinese_and_dark_are_switchable_and_remembered() {
    let _m = connected(5, "/").await;
    input("[data-testid=lang]", "zh-CN", "change");
    until("Chinese", || text("[data-testid=refresh]") == "刷新").await;
    let html_el = document().document_element().unwrap();
    assert_eq!(html_el.get_attribute("lang").as_deref(), Some("zh-CN"));
    input("[data-testid=theme]", "dark", "change");
    assert_eq!(html_el.get_attribute("data-theme").as_deref(), Some("dark"));
    let storage = local();
    assert_eq!(
        storage.get_item("ews.lang").unwrap().as_deref(),
        Some("zh-CN")
    );
    assert_eq!(
        storage.get_item("ews.theme").unwrap().as_deref(),
        Some("dark")
    );
    input("[data-testid=lang]", "en", "change");
    input("[data-testid=theme]", "system", "change");
}

#[wasm_bindgen_test]
async fn remember_stores_the_secret_and_forget_wipes_it() {
    let _m = mount(5, "/").await;
    until("the form", || q("[data-testid=connect-form]").is_some()).await;
    click("[data-testid=remember]");
    until("the warning", || {
        text("[data-testid=remember-note]").contains("local storage")
    })
    .await;
    fill_and_connect(fake::SECRET);
    until("the table", || !q_all("[data-testid=row]").is_empty()).await;
    let storage = local();
    assert!(
        storage
            .get_item("ews.secrets")
            .unwrap()
            .is_some_and(|s| s.contains(fake::SECRET))
    );
    click("[data-testid=forget]");
    until("the form", || q("[data-testid=connect-form]").is_some()).await;
    assert_eq!(storage.get_item("ews.secrets").unwrap(), None);
}

#[wasm_bindgen_test]
async fn a_container_deep_link_shows_every_field_and_its_history() {
    let _m = connected(12, "/containers/1008").await;
    until("the fields", || q("[data-testid=fields]").is_some()).await;
    assert_eq!(text("[data-testid=field-id]"), "1008");
    assert_eq!(text("[data-testid=field-status]"), "STOPPED");
    click("[data-testid=container-page] [data-testid=action-start]");
    until("history", || {
        text("[data-testid=history]").contains("succeeded")
    })
    .await;
    // The command link opens its timeline.
    click("[data-testid=history] a");
    until("the timeline", || {
        q("[data-testid=timeline-step]").is_some()
    })
    .await;
    assert!(route_path().starts_with("/commands/"));
    assert!(text("[data-testid=timeline]").contains("RunDocker"));
    click("[data-testid=command-page] a");
    until("the list", || route_path() == "/").await;
}

/// Marks the page as the edge worker's (`cargo xtask edge-build` does).
/// The page as the edge worker serves it, its `/edge/session` answering
/// `status` with `session`.
fn edge_page(s: &mut fake::State, status: u16, session: &str) {
    let meta = document().create_element("meta").unwrap();
    meta.set_attribute("name", "ews-mode").unwrap();
    meta.set_attribute("content", "edge").unwrap();
    document().head().unwrap().append_child(&meta).unwrap();
    s.edge = Some((status, session.into()));
}

#[wasm_bindgen_test]
async fn edge_mode_viewer_sees_no_buttons_and_no_form() {
    let _m = mount_with(8, "/", |s| {
        edge_page(s, 200, r#"{"mode":"edge","user":"ann","role":"viewer"}"#);
    })
    .await;
    until("the table", || !q_all("[data-testid=row]").is_empty()).await;
    assert!(q("[data-testid=connect-form]").is_none());
    assert!(
        q("[data-testid=action-start]").is_none(),
        "a viewer sees no action buttons"
    );
    assert!(text("[data-testid=who]").contains("ann"));
    // Unsigned, same-origin.
    assert!(fake::count("GET /api/v1/container") >= 1);
    assert_eq!(fake::count("GET /edge/session"), 1);
}

#[wasm_bindgen_test]
async fn edge_mode_operators_have_the_workers_audit_page_and_sign_out_forms() {
    let _m = mount_with(8, "/", |s| {
        edge_page(s, 200, r#"{"mode":"edge","user":"ann","role":"operator"}"#);
    })
    .await;
    until("the table", || !q_all("[data-testid=row]").is_empty()).await;
    // Signing out is the worker's form, posted from this page.
    assert!(q("form[action='/edge/logout'] [data-testid=sign-out]").is_some());
    assert!(q("input[name=scope][value=everywhere]").is_some());
    // The audit trail is a page the worker renders: a plain link (the
    // console's router leaves it alone), in the console's language.
    assert_eq!(
        attr("[data-testid=audit-link]", "href").as_deref(),
        Some("/audit?lang=en")
    );
    assert!(
        !q("[data-testid=audit-link]")
            .unwrap()
            .has_attribute("data-nav")
    );
}

#[wasm_bindgen_test]
async fn edge_mode_signed_out_links_to_sign_in() {
    let _m = mount_with(1, "/", |s| {
        edge_page(s, 401, r#"{"mode":"edge","login":"/edge/login"}"#);
    })
    .await;
    until("the link", || q("[data-testid=signin-link]").is_some()).await;
    assert_eq!(
        attr("[data-testid=signin-link]", "href").as_deref(),
        Some("/edge/login")
    );
}

#[wasm_bindgen_test]
fn the_panic_banner_offers_a_reload_and_details() {
    ews_console::panic::show("index out of bounds: the len is 3 but the index is 7");
    let banner = q("[data-testid=panic-banner]").unwrap();
    assert_eq!(banner.get_attribute("role").as_deref(), Some("alert"));
    let t = banner.text_content().unwrap();
    assert!(
        t.contains("Something broke") && t.contains("Reload") && t.contains("index is 7"),
        "{t}"
    );
    banner.remove();
}

#[wasm_bindgen_test]
async fn a_reload_resumes_following_unfinished_commands() {
    // What a reload in the middle of a start leaves in session storage.
    let tracked = format!(
        r#"[{{"commandId":"cmd-1","action":"start","containerId":1008,"startedMs":{},"polls":1,"command":null,"ended":null}}]"#,
        js_sys::Date::now() as u64 - 2_000
    );
    let storage = web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap();
    // The account it was made on is kept on this device; its log is its own.
    let origin = web_sys::window().unwrap().location().origin().unwrap();
    let _m = mount_with(12, "/a/test/", |s| {
        local()
            .set_item(
                "ews.accounts",
                &format!(
                    r#"[{{"name":"test","endpoint":"{origin}","accessKey":"{}","method":"md5"}}]"#,
                    fake::ACCESS_KEY
                ),
            )
            .unwrap();
        let cmd = r#"{"commandId":"cmd-1","status":"CREATED"}"#;
        let cmd =
            ews_core::Command::from_json(&ews_core::json::parse(cmd.as_bytes()).unwrap()).unwrap();
        s.containers[8].status = ews_core::ContainerStatus::Starting;
        s.commands.push((
            cmd,
            ews_core::ContainerId(1008),
            ews_core::Action::Start,
            0,
            false,
            js_sys::Date::now() as u64,
        ));
        storage.set_item("ews.activity:test", &tracked).unwrap();
    })
    .await;
    until("the form", || q("[data-testid=connect-form]").is_some()).await;
    fill_and_connect(fake::SECRET);
    until("the follow-up", || {
        fake::count("GET /api/v1/command/cmd-1") >= 1
    })
    .await;
    until("RUNNING", || {
        attr(&row(1008), "data-status").as_deref() == Some("RUNNING")
    })
    .await;
    until("the log", || {
        text("[data-testid=activity-item]").contains("succeeded")
    })
    .await;
    let saved = storage
        .get_item("ews.activity:test")
        .unwrap()
        .unwrap_or_default();
    assert!(saved.contains(r#""ok":true"#), "{saved}");
}

fn set_hidden(hidden: bool) {
    let desc = js_sys::Object::new();
    js_sys::Reflect::set(&desc, &"value".into(), &hidden.into()).unwrap();
    js_sys::Reflect::set(&desc, &"configurable".into(), &true.into()).unwrap();
    js_sys::Object::define_property(&document(), &"hidden".into(), &desc);
}

#[wasm_bindgen_test]
async fn auto_refresh_runs_on_its_interval_and_pauses_while_hidden() {
    let _m = connected(5, "/").await;
    input("[data-testid=auto-refresh]", "5", "change");
    let lists = || fake::count("GET /api/v1/container");
    let before = lists();
    until("an automatic refresh", || lists() > before).await;
    set_hidden(true);
    until("paused", || {
        text("[data-testid=updated]").contains("paused")
    })
    .await;
    let paused_at = lists();
    sleep(6_500).await;
    assert_eq!(lists(), paused_at, "refreshed while hidden");
    set_hidden(false);
    until("refreshing again", || lists() > paused_at).await;
    let storage = local();
    assert_eq!(
        storage.get_item("ews.refresh").unwrap().as_deref(),
        Some("5")
    );
}

/// Fills the form for an account named `name` and connects with `secret`.
fn connect_account(name: &str, secret: &str) {
    input("[data-testid=account-name]", name, "input");
    fill_and_connect(secret);
}

fn switch_to(value: &str) {
    input("[data-testid=account-switch]", value, "change");
}

fn options(sel: &str) -> Vec<String> {
    q_all(&format!("{sel} option"))
        .iter()
        .map(|o| o.get_attribute("value").unwrap_or_default())
        .collect()
}

#[wasm_bindgen_test]
async fn several_accounts_each_with_its_url_secret_and_log() {
    let _m = mount(12, "/").await;
    until("the form", || q("[data-testid=connect-form]").is_some()).await;
    connect_account("one", fake::SECRET);
    until("the table", || !q_all("[data-testid=row]").is_empty()).await;
    assert_eq!(path(), "/a/one/");
    // A second account, whose secret is wrong: its error is its own.
    switch_to("/");
    until("an empty form", || {
        q("[data-testid=account-name]").is_some_and(|e| {
            e.dyn_into::<web_sys::HtmlInputElement>()
                .unwrap()
                .value()
                .is_empty()
        })
    })
    .await;
    assert_eq!(path(), "/");
    connect_account("two", "not-the-secret");
    until("the error", || q("[data-testid=connect-error]").is_some()).await;
    assert_eq!(options("[data-testid=account-switch]"), ["one", "/"]);
    // Back to the first: nothing to type, its transport was kept.
    switch_to("one");
    until("one's table", || !q_all("[data-testid=row]").is_empty()).await;
    assert_eq!(path(), "/a/one/");
    // The second, right this time; a start there is in its log only.
    switch_to("/");
    until("the form", || q("[data-testid=connect-form]").is_some()).await;
    connect_account("two", fake::SECRET);
    until("two's table", || !q_all("[data-testid=row]").is_empty()).await;
    assert_eq!(path(), "/a/two/");
    assert_eq!(
        options("[data-testid=account-switch]"),
        ["/fleet", "one", "two", "/"]
    );
    click(&format!("{} [data-testid=action-start]", row(1008)));
    until("two's log", || {
        text("[data-testid=activity-item]").contains("succeeded")
    })
    .await;
    // The row's link carries the account.
    assert_eq!(
        attr(&format!("{} [data-testid=row-link]", row(1008)), "href").as_deref(),
        Some("/a/two/containers/1008")
    );
    switch_to("one");
    // One's own log, which is empty (the DOM follows a tick later).
    until("one's empty log", || {
        path() == "/a/one/" && q("[data-testid=activity-item]").is_none()
    })
    .await;
    until("one's table", || !q_all("[data-testid=row]").is_empty()).await;
    // Back (the browser's) returns to two, with its log.
    back();
    until("two again", || {
        path() == "/a/two/" && text("[data-testid=activity-item]").contains("succeeded")
    })
    .await;
    // No secret was written anywhere: neither was remembered.
    let local = local();
    assert_eq!(local.get_item("ews.secrets").unwrap(), None);
    let kept = local.get_item("ews.accounts").unwrap().unwrap();
    assert!(kept.contains("\"one\"") && kept.contains("\"two\"") && !kept.contains(fake::SECRET));
}

#[wasm_bindgen_test]
async fn an_account_is_renamed_remembered_and_removed() {
    let _m = mount(12, "/").await;
    until("the form", || q("[data-testid=connect-form]").is_some()).await;
    connect_account("one", fake::SECRET);
    until("the table", || !q_all("[data-testid=row]").is_empty()).await;
    switch_to("/");
    until("the form", || q("[data-testid=connect-form]").is_some()).await;
    click("[data-testid=remember]");
    connect_account("two", fake::SECRET);
    until("two", || path() == "/a/two/").await;
    let local = local();
    let secrets = local.get_item("ews.secrets").unwrap().unwrap();
    assert!(
        secrets.contains("\"two\"") && !secrets.contains("\"one\""),
        "{secrets}"
    );
    // Disconnect: the form is two's, filled in; a new name renames it.
    click("[data-testid=disconnect]");
    until("the form", || q("[data-testid=connect-form]").is_some()).await;
    assert_eq!(
        q("[data-testid=account-name]")
            .unwrap()
            .dyn_into::<web_sys::HtmlInputElement>()
            .unwrap()
            .value(),
        "two"
    );
    // A name another account has is refused, saying so.
    connect_account("one", fake::SECRET);
    until("the error", || {
        text("[data-testid=connect-error]").contains("Another account")
    })
    .await;
    connect_account("deux", fake::SECRET);
    until("deux", || path() == "/a/deux/").await;
    assert_eq!(
        options("[data-testid=account-switch]"),
        ["/fleet", "one", "deux", "/"]
    );
    // "Remember" stayed ticked (two's secret was remembered): the secret
    // is deux's now, and two's is gone.
    let secrets = local.get_item("ews.secrets").unwrap().unwrap();
    assert!(
        secrets.contains("\"deux\"") && !secrets.contains("\"two\""),
        "{secrets}"
    );
    // Remove it: the console shows the other account.
    click("[data-testid=disconnect]");
    until("the form", || q("[data-testid=remove-account]").is_some()).await;
    click("[data-testid=remove-account]");
    until("one", || {
        path() == "/a/one/" && !q_all("[data-testid=row]").is_empty()
    })
    .await;
    assert_eq!(options("[data-testid=account-switch]"), ["one", "/"]);
    assert!(
        !local
            .get_item("ews.accounts")
            .unwrap()
            .unwrap()
            .contains("deux")
    );
}

#[wasm_bindgen_test]
async fn a_connection_kept_before_accounts_becomes_the_first_account() {
    let origin = web_sys::window().unwrap().location().origin().unwrap();
    let _m = mount_with(12, "/", |_| {
        let local = local();
        local
            .set_item(
                "ews.connection",
                &format!(
                    r#"{{"endpoint":"{origin}","accessKey":"{}","method":"md5"}}"#,
                    fake::ACCESS_KEY
                ),
            )
            .unwrap();
        local
            .set_item(
                "ews.secret",
                &format!(
                    r#"{{"accessKey":"{}","secret":"{}"}}"#,
                    fake::ACCESS_KEY,
                    fake::SECRET
                ),
            )
            .unwrap();
    })
    .await;
    // Connected by itself, under a name from the endpoint's host.
    until("the table", || !q_all("[data-testid=row]").is_empty()).await;
    assert!(path().starts_with("/a/127-0-0-1-"), "{}", path());
    let local = local();
    assert_eq!(local.get_item("ews.connection").unwrap(), None);
    assert_eq!(local.get_item("ews.secret").unwrap(), None);
    assert!(
        local
            .get_item("ews.secrets")
            .unwrap()
            .unwrap()
            .contains(fake::SECRET)
    );
}

#[wasm_bindgen_test]
async fn edge_mode_shows_the_accounts_the_user_reaches() {
    let _m = mount_with(8, "/a/staging/", |s| {
        edge_page(s, 200, r#"{"mode":"edge","user":"carol","role":"viewer","accounts":[{"name":"prod","role":"viewer","base":"/a/prod"},{"name":"staging","role":"operator","base":"/a/staging"}]}"#);
    })
    .await;
    // The URL's account, with the role there.
    until("the table", || !q_all("[data-testid=row]").is_empty()).await;
    assert!(fake::count("GET /a/staging/api/v1/container") >= 1);
    assert!(
        q("[data-testid=action-start]").is_some(),
        "an operator on staging"
    );
    assert_eq!(
        options("[data-testid=account-switch]"),
        ["/fleet", "prod", "staging"]
    );
    switch_to("prod");
    until("prod", || {
        path() == "/a/prod/" && fake::count("GET /a/prod/api/v1/container") >= 1
    })
    .await;
    until("prod's table", || !q_all("[data-testid=row]").is_empty()).await;
    assert!(
        q("[data-testid=action-start]").is_none(),
        "a viewer on prod"
    );
    assert!(q("[data-testid=connect-form]").is_none());
}

#[wasm_bindgen_test]
async fn a_rolling_job_stays_with_its_account_on_a_shared_endpoint() {
    let _m = connected(40, "/?status=STOPPED").await;
    let first = options("[data-testid=account-switch]")[0].clone();
    paused_after_the_first().await;
    let starts = || fake::count("POST /api/v1/container/");
    let sent = starts();
    // Another account on the same endpoint (other keys in real life): the
    // paused job is not its own, and nothing is sent for it.
    switch_to("/");
    until("the form", || q("[data-testid=connect-form]").is_some()).await;
    connect_account("second", fake::SECRET);
    until("second's rows", || {
        path() == "/a/second/" && !q_all("[data-testid=row]").is_empty()
    })
    .await;
    sleep(300).await;
    assert!(q("[data-testid=roll-pause]").is_none() && q("[data-testid=roll-resume]").is_none());
    assert!(
        q("[data-testid=bulk-item]").is_none(),
        "no job on the second account"
    );
    assert_eq!(starts(), sent);
    // Back on the first account, its job is there again, still paused.
    switch_to(&first);
    until("the job again", || q("[data-testid=roll-resume]").is_some()).await;
    assert_eq!(bulk_state(1008).as_deref(), Some("ok"));
    assert_eq!(starts(), sent);
}

#[wasm_bindgen_test]
async fn the_fleet_view_lists_every_account_and_one_down_says_so() {
    let _m = mount_with(12, "/fleet", |s| {
        edge_page(s, 200, r#"{"mode":"edge","user":"carol","role":"viewer","accounts":[{"name":"prod","role":"viewer","base":"/a/prod"},{"name":"staging","role":"operator","base":"/a/staging"},{"name":"eu","role":"operator","base":"/a/eu"}]}"#);
        s.down = vec!["eu".into()];
    })
    .await;
    // Both accounts that answer, in one list; eu says why it is not there.
    until("every container", || {
        attr("[data-testid=count-all]", "data-count").as_deref() == Some("24")
    })
    .await;
    assert_eq!(
        attr("[data-account=eu]", "data-state").as_deref(),
        Some("down")
    );
    assert!(
        text("[data-account=eu]").contains("Not answering"),
        "{}",
        text("[data-account=eu]")
    );
    for name in ["prod", "staging"] {
        let sel = format!("[data-testid=fleet-account][data-account={name}]");
        assert_eq!(attr(&sel, "data-state").as_deref(), Some("ok"));
        assert_eq!(attr(&sel, "data-count").as_deref(), Some("12"));
        assert!(text(&sel).contains("STOPPED 1"), "{}", text(&sel));
    }
    assert_eq!(path(), "/fleet");
    assert_eq!(
        options("[data-testid=account-switch]"),
        ["/fleet", "prod", "staging", "eu"]
    );
    // The same filters: the stopped ones, one per account.
    click("[data-testid=count-STOPPED]");
    until("the stopped", || q_all("[data-testid=row]").len() == 2).await;
    assert_eq!(search(), "?status=STOPPED");
    let staging = "[data-testid=row][data-id=\"staging/1008\"]";
    assert_eq!(text(&format!("{staging} td.c-account")), "staging");
    assert_eq!(text(&format!("{staging} [data-testid=row-link]")), "1008");
    assert_eq!(
        attr(&format!("{staging} [data-testid=row-link]"), "href").as_deref(),
        Some("/a/staging/containers/1008")
    );
    // Buttons where the user is an operator (staging), none where a viewer.
    assert!(q("[data-testid=row][data-id=\"prod/1008\"] [data-testid=action-start]").is_none());
    // A bulk start of both holds staging's only.
    click("[data-testid=row][data-id=\"prod/1008\"] [data-testid=row-select]");
    click(&format!("{staging} [data-testid=row-select]"));
    until("the bulk bar", || q("[data-testid=bulk-start]").is_some()).await;
    click("[data-testid=bulk-start]");
    until("the confirmation", || {
        q("[data-testid=bulk-item]").is_some()
    })
    .await;
    let targets: Vec<String> = q_all("[data-testid=bulk-item]")
        .iter()
        .filter_map(|i| i.get_attribute("data-id"))
        .collect();
    assert_eq!(targets, ["staging/1008"]);
    click("[data-testid=cancel]");
    click("[data-testid=clear-selection]");
    // A start on staging's 1008 goes to staging, and is followed there.
    click(&format!("{staging} [data-testid=action-start]"));
    until("the fleet log", || {
        q("[data-testid=activity-item][data-container=\"staging/1008\"][data-state=ok]").is_some()
    })
    .await;
    assert_eq!(
        fake::count("POST /a/staging/api/v1/container/1008/start"),
        1
    );
    assert_eq!(fake::count("POST /a/prod/"), 0);
    // Grouped by account: a heading for each.
    click("[data-testid=count-STOPPED]");
    input("[data-testid=search]", "#1008", "input");
    input("[data-testid=group]", "account", "change");
    until("grouped", || q_all("[data-testid=group-row]").len() == 2).await;
    assert!(text("[data-testid=group-row]").contains("prod"));
    assert_eq!(search(), "?q=%231008&group=account");
    // The search finds an account by its name.
    input("[data-testid=search]", "#1008 staging", "input");
    until("staging's 1008", || q_all("[data-testid=row]").len() == 1).await;
    // An account from the switcher, and back (the browser's) to the fleet.
    switch_to("staging");
    until("staging", || path() == "/a/staging/").await;
    back();
    until("the fleet again", || {
        path() == "/fleet" && q_all("[data-testid=fleet-account]").len() == 3
    })
    .await;
}
