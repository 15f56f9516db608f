//! `/audit`: the edge worker's audit trail (edge mode, operators) — who
//! signed in or out, who started, stopped or deleted what, what the API
//! answered and how each command ended. Filters, newest first, older pages
//! on demand, and CSV/JSON exports of the filtered trail (the worker writes
//! them: plain links). The rows are escaped markup
//! ([`crate::audit::rows_html`]): one string, not one view per cell.

use leptos::prelude::*;

use crate::audit::{self, ACTIONS, Entry, Filter};
use crate::clock;
use crate::components::notice::error_box;
use crate::i18n::M;
use crate::stores::Stores;

/// What the page's markup says, in one string per part (our own text: no
/// server data in it; the rows are escaped apart).
fn form_html(t: impl Fn(M) -> &'static str) -> String {
    let mut options = format!("<option value=\"\">{}</option>", t(M::AllStatuses));
    for a in ACTIONS {
        options.push_str(&format!("<option value=\"{a}\">{a}</option>"));
    }
    format!(
        "<input type=\"search\" name=\"user\" data-testid=\"audit-user\" placeholder=\"{who}\" aria-label=\"{who}\">\
         <input type=\"search\" name=\"container\" inputmode=\"numeric\" data-testid=\"audit-container\" placeholder=\"{c}\" aria-label=\"{c}\">\
         <select name=\"action\" data-testid=\"audit-action\" aria-label=\"{what}\">{options}</select>\
         <label class=\"inline\"><span class=\"muted\">{from}</span><input type=\"date\" name=\"from\" data-testid=\"audit-from\"></label>\
         <label class=\"inline\"><span class=\"muted\">{to}</span><input type=\"date\" name=\"to\" data-testid=\"audit-to\"></label>\
         <button type=\"submit\" class=\"primary\" data-testid=\"audit-apply\">{filter}</button>",
        who = t(M::Who),
        c = t(M::ContainerTitle),
        what = t(M::What),
        from = t(M::From),
        to = t(M::To),
        filter = t(M::Filter),
    )
}

fn table_html(t: impl Fn(M) -> &'static str, rows: String) -> String {
    let mut head = String::from("<thead><tr>");
    for m in [
        M::When,
        M::What,
        M::Who,
        M::ContainerTitle,
        M::Command,
        M::Upstream,
        M::Result,
    ] {
        head.push_str(&format!("<th scope=\"col\">{}</th>", t(m)));
    }
    format!("{head}</tr></thead><tbody>{rows}</tbody>")
}

/// The page.
#[component]
pub fn AuditPage() -> impl IntoView {
    let s = Stores::get();
    let ui = s.ui;
    let lang = ui.lang();
    let t = move |m: M| m.text(lang);
    let offset = clock::local_offset_min();
    let filter = StoredValue::new(Filter::default());
    let entries = RwSignal::new(Vec::<Entry>::new());
    let next = RwSignal::new(None::<u64>);
    let error = RwSignal::new(None::<String>);
    let load = move |more: bool| {
        let Some(api) = s.conn.api() else { return };
        let before = if more { next.get_untracked() } else { None };
        let query = match filter.with_value(|f| f.query(before, offset)) {
            Ok(q) => q,
            Err(_) => {
                error.set(Some(ui.t(M::BadFilter).into()));
                return;
            }
        };
        ui.spawn(async move {
            match api.audit(&query).await {
                Ok((page, n)) => {
                    if more {
                        entries.update(|e| e.extend(page));
                    } else {
                        entries.set(page);
                    }
                    next.set(n);
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    load(false);
    // One listener for every field of the form, by its name.
    let on_change = move |ev: leptos::ev::Event| {
        let Some(el) = ev.target() else { return };
        let name = js_sys::Reflect::get(&el, &"name".into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        let value = js_sys::Reflect::get(&el, &"value".into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        filter.update_value(|f| match name.as_str() {
            "user" => f.user = value,
            "container" => f.container = value,
            "action" => f.action = value,
            "from" => f.from = value,
            "to" => f.to = value,
            _ => {}
        });
    };
    // The "older" button and the export links, below the table.
    let below = move || {
        let older = if next.get().is_some() {
            format!(
                "<button type=\"button\" data-testid=\"audit-older\">{}</button>",
                t(M::Older)
            )
        } else {
            String::new()
        };
        let link = |format: &str, m: M| {
            filter.with_value(|f| f.export(format, offset)).map_or_else(
                |_| String::new(),
                |q| {
                    format!(
                        "<a class=\"button small\" href=\"/edge/audit?{}\" download=\"ews-audit.{format}\" data-testid=\"audit-{format}\">{}</a>",
                        crate::format::escape_html(&q),
                        t(m)
                    )
                },
            )
        };
        // Read the filter again when the rows change (a new query ran).
        entries.track();
        format!(
            "{older}{}{}",
            link("csv", M::ExportCsv),
            link("json", M::ExportJson)
        )
    };
    view! {
        <section class="card audit" aria-labelledby="audit-title" data-testid="audit-page">
            <h1 id="audit-title">{t(M::Audit)}</h1>
            <form class="toolbar" data-testid="audit-filter" inner_html=form_html(t) on:change=on_change
                on:submit=move |ev| {
                    ev.prevent_default();
                    load(false);
                }></form>
            {move || error.get().map(|e| error_box("audit-error", None, e, None))}
            <div class="audit-wrap">
                <table data-testid="audit-table"
                    inner_html=move || entries.with(|e| table_html(t, audit::rows_html(e, offset, lang)))></table>
            </div>
            <div class="line-end" inner_html=below on:click=move |ev: leptos::ev::MouseEvent| {
                let older = ev.target().and_then(|el| js_sys::Reflect::get(&el, &"type".into()).ok())
                    .and_then(|v| v.as_string())
                    .is_some_and(|v| v == "button");
                if older {
                    load(true);
                }
            }></div>
        </section>
    }
}
