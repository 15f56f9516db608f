//! One container (`/containers/{id}`): every field, its actions, the command
//! running for it and its command history in this session.

use ews_core::clock::corrected;
use ews_core::{ApiErrorCode, ContainerId};
use leptos::prelude::*;

use crate::actions::refresh_container;
use crate::api::describe;
use crate::components::activity_panel::log_items_html;
use crate::components::badge::badge;
use crate::components::buttons::action_buttons;
use crate::components::notice::error_box;
use crate::components::table::stuck_flag;
use crate::format;
use crate::i18n::M;
use crate::route::Route;
use crate::stores::Stores;

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
    let row = Memo::new(move |_| list.data.with(|d| d.get(id).cloned()));
    let details = move || match row.get() {
        None => {
            view! { <p class="muted" data-testid="container-gone">{ui.t(M::ContainerGone)}</p> }
                .into_any()
        }
        Some(r) => {
            let c = &r.c;
            let field = |label: M, name: &str, shown: String| {
                let odd = c.odd(name).map(str::to_owned);
                let title = odd.as_deref().map(|raw| lang.odd_title(raw));
                view! {
                    <dt>{ui.t(label)}</dt>
                    <dd class:odd=title.is_some() title=title>{odd.unwrap_or(shown)}</dd>
                }
            };
            let time = |label: M, t: &ews_core::ApiTime| {
                let t = t.clone();
                view! {
                    <dt>{ui.t(label)}</dt>
                    <dd>{format::time(&t).to_string()} " "
                        <span class="muted">{move || format::ago(&t, corrected(ui.now_coarse.get(), s.conn.skew.get_untracked()), lang)}</span>
                    </dd>
                }
            };
            view! {
                <div class="detail-head">
                    {badge(&c.status, lang)}
                    {stuck_flag(s, &r)}
                    {action_buttons(s, r.clone())}
                </div>
                <dl class="fields" data-testid="fields">
                    <dt>{ui.t(M::Id)}</dt><dd data-testid="field-id">{c.id.0}</dd>
                    <dt>{ui.t(M::Status)}</dt>
                    <dd><span data-testid="field-status">{c.status.as_str().to_string()}</span>
                        <span class="muted" data-testid="field-meaning">" — " {lang.meaning(&c.status)}</span>
                    </dd>
                    {field(M::Node, "nodeId", format::opt_id(c.node_id))}
                    {field(M::Host, "hostId", format::opt_id(c.host_id))}
                    {field(M::Cpu, "cpu", format::cpu(c.cpu, lang))}
                    {field(M::Mem, "mem", format::megabytes(c.mem))}
                    {field(M::Disk, "disk", format::megabytes(c.disk))}
                    {field(M::Health, "health", format::text(&c.health))}
                    {time(M::Created, &c.create_time)}
                    {time(M::Started, &c.start_time)}
                    {time(M::Stopped, &c.stop_time)}
                </dl>
            }
            .into_any()
        }
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
            <a href=s.url_of(&Route::List) data-nav data-testid="back">{ui.t(M::Back)}</a>
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
