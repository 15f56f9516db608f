//! Turns a bug into a visible "something broke — reload" banner instead of a
//! dead page. Builds the banner with plain DOM calls: after a panic the
//! reactive system may be in any state. The release build aborts after the
//! hook has run.

use crate::i18n::{Lang, M};

/// Installs the panic hook (once; later calls replace it).
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        show(&info.to_string());
    }));
}

/// Shows the banner with `details` at the top of the page (once; later
/// calls keep the first).
pub fn show(details: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let lang = doc
        .document_element()
        .and_then(|e| e.get_attribute("lang"))
        .and_then(|l| Lang::parse(&l))
        .unwrap_or_default();
    if let Some(body) = doc.body() {
        let _ = banner(&body, lang, details);
    }
}

/// Shows the banner with `details` at the top of `parent` (an embedded
/// console's root; once).
pub fn show_in(parent: &web_sys::Element, lang: Lang, details: &str) {
    let _ = banner(parent, lang, details);
}

fn banner(parent: &web_sys::Element, lang: Lang, details: &str) -> Option<()> {
    let doc = web_sys::window()?.document()?;
    if parent
        .query_selector("[data-testid=panic-banner]")
        .ok()
        .flatten()
        .is_some()
    {
        return Some(());
    }
    let banner = doc.create_element("div").ok()?;
    banner.set_class_name("panic");
    let _ = banner.set_attribute("role", "alert");
    let _ = banner.set_attribute("data-testid", "panic-banner");
    let title = doc.create_element("strong").ok()?;
    title.set_text_content(Some(M::PanicTitle.text(lang)));
    let reload = doc.create_element("button").ok()?;
    reload.set_text_content(Some(M::Reload.text(lang)));
    let on_click = wasm_bindgen::closure::Closure::<dyn Fn()>::new(|| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    });
    let _ = reload.add_event_listener_with_callback(
        "click",
        wasm_bindgen::JsCast::unchecked_ref(on_click.as_ref()),
    );
    on_click.forget();
    let more = doc.create_element("details").ok()?;
    let summary = doc.create_element("summary").ok()?;
    summary.set_text_content(Some(M::Details.text(lang)));
    let pre = doc.create_element("pre").ok()?;
    pre.set_text_content(Some(details));
    more.append_child(&summary).ok()?;
    more.append_child(&pre).ok()?;
    for child in [&title, &reload, &more] {
        banner.append_child(child).ok()?;
    }
    parent.prepend_with_node_1(&banner).ok()?;
    Some(())
}
