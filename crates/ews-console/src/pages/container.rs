//! One container (`/containers/{id}`): every field, its actions, the command
//! running for it and its command history in this session.

use ews_core::clock::corrected;
use ews_core::{ApiErrorCode, Container, ContainerId};
use leptos::prelude::*;

use crate::actions::refresh_container;
use crate::api::describe;
use crate::components::activity_panel::log_items_html;
use crate::components::badge::badge;
use crate::components::buttons::action_buttons;
use crate::components::notice::error_box;
use crate::components::table::stuck_flag;
use crate::format::{self, escape_html};
use crate::i18n::M;
use crate::route::Route;
use crate::stores::Stores;

/// The container's fields, as markup (every value the server sent
/// escaped; an odd one as sent, with why); the times with how long ago
/// at `now`.
fn fields_html(s: Stores, c: &Container, now: u64) -> String {
    let lang = s.ui.lang();
    let mut h = format!(
        "<dt>{}</dt><dd data-testid=\"field-id\">{}</dd><dt>{}</dt><dd><span data-testid=\"field-status\">{}</span>\
         <span class=\"muted\" data-testid=\"field-meaning\"> — {}</span></dd>",
        s.t(M::Id),
        c.id.0,
        s.t(M::Status),
        escape_html(c.status.as_str()),
        escape_html(lang.meaning(&c.status)),
    );
    for (label, name, shown) in [
        (M::Node, "nodeId", format::opt_id(c.node_id)),
        (M::Host, "hostId", format::opt_id(c.host_id)),
        (M::Cpu, "cpu", format::cpu(c.cpu, lang)),
        (M::Mem, "mem", format::megabytes(c.mem)),
        (M::Disk, "disk", format::megabytes(c.disk)),
        (M::Health, "health", format::text(&c.health)),
    ] {
        let (attrs, text) = c.odd(name).map_or((String::new(), shown), |raw| {
            (
                format!(
                    " class=\"odd\" title=\"{}\"",
                    escape_html(&lang.odd_title(raw))
                ),
                raw.to_owned(),
            )
        });
        h.push_str(&format!(
            "<dt>{}</dt><dd{attrs}>{}</dd>",
            s.t(label),
            escape_html(&text)
        ));
    }
    for (label, t) in [
        (M::Created, &c.create_time),
        (M::Started, &c.start_time),
        (M::Stopped, &c.stop_time),
    ] {
        h.push_str(&format!(
            "<dt>{}</dt><dd>{} <span class=\"muted\">{}</span></dd>",
            s.t(label),
            escape_html(format::time(t)),
            escape_html(&format::ago(t, now, lang).unwrap_or_default()),
        ));
    }
    h
}

/// The page.
#[component]
pub fn ContainerPage(
    /// The container.
    id: ContainerId,
) -> impl IntoView {
    let s = Stores::get();
    let (ui, list, cmds) = (s.ui, s.list, s.cmds);
    let lang = ui.lang();
    let error = RwSignal::new(None::<ews_core::Error>);
    // Fresh data for this container, whatever the list had.
    ui.spawn(async move {
        let Some(api) = s.conn.api() else { return };
        let generation = s.conn.current();
        let answer = api.container(id).await;
        if s.conn.current() != generation {
            return;
        }
        match answer {
            Ok(c) => list.put(id, Some(c)),
            Err(e) if e.api_code() == Some(&ApiErrorCode::ResourceNotExist) => {
                refresh_container(s, &api, id).await;
            }
            Err(e) => error.set(Some(e)),
        }
    });
    // The row's revision (0: none; revisions start at 1): the details are
    // rebuilt only when it changes.
    let rev = Memo::new(move |_| list.data.with(|d| d.get(id).map_or(0, |r| r.rev)));
    let details = move || match list.data.with_untracked(|d| {
        rev.track();
        d.get(id).cloned()
    }) {
        None => {
            view! { <p class="muted" data-testid="container-gone">{ui.t(M::ContainerGone)}</p> }
                .into_any()
        }
        Some(r) => view! {
            <div class="detail-head">
                {badge(&r.c.status, lang)}
                {stuck_flag(s, &r)}
                {action_buttons(s, r.clone())}
            </div>
            <dl class="fields" data-testid="fields" inner_html=move || {
                fields_html(s, &r.c, corrected(ui.now_coarse.get(), s.conn.skew.get_untracked()))
            }></dl>
        }
        .into_any(),
    };
    let running = move || {
        cmds.ops.with(|m| m.get(&id).cloned()).map(|op| {
            view! {
                <p class="op" data-testid="detail-op"><strong>{ui.t(M::CurrentCommand)}</strong> ": " {op.progress}
                    {op.command_id.map(|c| view! { " " <a href=ui.href(&Route::Command(c)) data-nav>{ui.t(M::ViewCommand)}</a> })}
                </p>
            }
        })
    };
    let history = move || {
        cmds.log.with(|log| {
            log.iter()
                .filter(|t| t.container_id == id)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="card" aria-labelledby="detail-title" data-testid="container-page">
            <a href=s.list.url_of(&Route::List) data-nav data-testid="back">{ui.t(M::Back)}</a>
            <h1 id="detail-title">{ui.t(M::ContainerTitle)} " " {id.0}</h1>
            {move || error.get().map(|e| {
                let (msg, detail) = describe(&e, lang);
                error_box("detail-error", None, msg, detail)
            })}
            {details}
            {running}
            <h2>{ui.t(M::CommandHistory)}</h2>
            {move || history().is_empty().then(|| view! { <p class="muted">{ui.t(M::NoHistory)}</p> })}
            <ul class="activity-list" data-testid="history" inner_html=move || log_items_html(s, &history())></ul>
        </section>
    }
}
