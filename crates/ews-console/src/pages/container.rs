//! One container (`/containers/{id}`): every field, its actions, the command
//! running for it and its command history in this session.

use ews_core::clock::corrected;
use ews_core::{ApiErrorCode, ContainerId};
use leptos::prelude::*;

use crate::actions::refresh_container;
use crate::api::describe;
use crate::app::Ctx;
use crate::components::activity_panel::tracked_item;
use crate::components::badge::badge;
use crate::components::buttons::action_buttons;
use crate::components::notice::error_box;
use crate::format;
use crate::i18n::M;
use crate::route::Route;

/// The page.
#[component]
pub fn ContainerPage(
    /// The container.
    id: ContainerId,
) -> impl IntoView {
    let ctx = Ctx::get();
    let lang = ctx.lang.get_untracked();
    let error = RwSignal::new(None::<ews_core::Error>);
    // Fresh data for this container, whatever the list had.
    ctx.spawn(async move {
        let Some(api) = ctx.api() else { return };
        match api.container(id).await {
            Ok(c) => {
                if let Some(next) = ctx.data.with_untracked(|d| d.upsert(c)) {
                    ctx.data.set(next);
                }
            }
            Err(e) if e.api_code() == Some(&ApiErrorCode::ResourceNotExist) => {
                refresh_container(ctx, &api, id).await;
            }
            Err(e) => error.set(Some(e)),
        }
    });
    let row = Memo::new(move |_| ctx.data.with(|d| d.get(id).cloned()));
    let details = move || match row.get() {
        None => {
            view! { <p class="muted" data-testid="container-gone">{ctx.t(M::ContainerGone)}</p> }
                .into_any()
        }
        Some(r) => {
            let c = &r.c;
            let time = |label: M, t: &ews_core::ApiTime| {
                let t = t.clone();
                view! {
                    <dt>{ctx.t(label)}</dt>
                    <dd>{format::time(&t).to_string()} " "
                        <span class="muted">{move || format::ago(&t, corrected(ctx.now_coarse.get(), ctx.skew.get_untracked()), lang)}</span>
                    </dd>
                }
            };
            view! {
                <div class="detail-head">
                    {badge(&c.status)}
                    {action_buttons(ctx, id, &c.status)}
                </div>
                <dl class="fields" data-testid="fields">
                    <dt>{ctx.t(M::Id)}</dt><dd data-testid="field-id">{c.id.0}</dd>
                    <dt>{ctx.t(M::Status)}</dt><dd data-testid="field-status">{c.status.as_str().to_string()}</dd>
                    <dt>{ctx.t(M::Node)}</dt><dd>{format::opt_id(c.node_id)}</dd>
                    <dt>{ctx.t(M::Host)}</dt><dd>{format::opt_id(c.host_id)}</dd>
                    <dt>{ctx.t(M::Cpu)}</dt><dd>{format::cpu(c.cpu, lang)}</dd>
                    <dt>{ctx.t(M::Mem)}</dt><dd>{format::megabytes(c.mem)}</dd>
                    <dt>{ctx.t(M::Disk)}</dt><dd>{format::megabytes(c.disk)}</dd>
                    <dt>{ctx.t(M::Health)}</dt><dd>{if c.health.is_empty() { format::NONE.to_string() } else { c.health.clone() }}</dd>
                    {time(M::Created, &c.create_time)}
                    {time(M::Started, &c.start_time)}
                    {time(M::Stopped, &c.stop_time)}
                </dl>
            }
            .into_any()
        }
    };
    let running = move || {
        ctx.ops.with(|m| m.get(&id).cloned()).map(|op| {
            view! {
                <p class="op" data-testid="detail-op"><strong>{ctx.t(M::CurrentCommand)}</strong> ": " {op.progress}
                    {op.command_id.map(|c| view! { " " <a href=Route::Command(c).path() data-nav>{ctx.t(M::ViewCommand)}</a> })}
                </p>
            }
        })
    };
    let history = move || {
        ctx.activity.with(|log| {
            log.iter()
                .filter(|t| t.container_id == id)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="card" aria-labelledby="detail-title" data-testid="container-page">
            <a href=ctx.url_of(&Route::List) data-nav data-testid="back">{ctx.t(M::Back)}</a>
            <h1 id="detail-title">{ctx.t(M::ContainerTitle)} " " {id.0}</h1>
            {move || error.get().map(|e| {
                let (msg, detail) = describe(&e, lang);
                error_box("detail-error", None, msg, detail)
            })}
            {details}
            {running}
            <h2>{ctx.t(M::CommandHistory)}</h2>
            {move || history().is_empty().then(|| view! { <p class="muted">{ctx.t(M::NoHistory)}</p> })}
            <ul class="activity-list" data-testid="history">
                {move || history().into_iter().map(|t| tracked_item(ctx, t)).collect_view()}
            </ul>
        </section>
    }
}
