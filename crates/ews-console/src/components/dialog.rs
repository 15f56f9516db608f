//! Modal dialogs: the confirmation of one action (a delete, or an action
//! the container's state does not usually take) and the bulk action
//! (confirmation listing every target, the unusual ones apart, then per-item
//! progress and results). Focus moves
//! into the dialog, Tab cycles inside it, Escape closes it, and focus returns
//! to where it was.

use ews_core::{Action, ContainerId};
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::actions::{act, op_label, restart, roll_control, run_bulk};
use crate::format::{self, escape_html};
use crate::i18n::M;
use crate::stores::{BulkJob, BulkState, Dialog, Stores, Ui};

const FOCUSABLE: &str = "button:not([disabled]), a[href], input:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex='-1'])";

fn close(s: Stores) {
    s.ui.dialog.set(None);
    // A job that never started, or finished, is dropped; a running one goes on.
    if s.cmds
        .bulk
        .with_untracked(|b| b.as_ref().is_some_and(|b| !b.started || b.finished()))
    {
        s.cmds.bulk.set(None);
    }
}

/// Keeps Tab inside `root`.
fn trap_tab(ui: Ui, root: &web_sys::Element, ev: &web_sys::KeyboardEvent) {
    let Ok(list) = root.query_selector_all(FOCUSABLE) else {
        return;
    };
    let n = list.length();
    if n == 0 {
        return;
    }
    let first = list
        .item(0)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    let last = list
        .item(n - 1)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    let active = ui.shell().active_element();
    let at = |e: &Option<web_sys::HtmlElement>| match (e, &active) {
        (Some(e), Some(a)) => a.is_same_node(Some(e)),
        _ => false,
    };
    let inside = active.as_ref().is_some_and(|a| root.contains(Some(a)));
    let target = if ev.shift_key() && (at(&first) || !inside) {
        last
    } else if !ev.shift_key() && (at(&last) || !inside) {
        first
    } else {
        None
    };
    if let Some(t) = target {
        ev.prevent_default();
        let _ = t.focus();
    }
}

/// Shows the open dialog, if any.
#[component]
pub fn DialogHost() -> impl IntoView {
    let ui = Ui::get();
    move || ui.dialog.get().map(|d| view! { <Modal dialog=d/> })
}

#[component]
fn Modal(dialog: Dialog) -> impl IntoView {
    let s = Stores::get();
    let root = NodeRef::<html::Div>::new();
    let previous = StoredValue::new_local(s.ui.shell().active_element());
    on_cleanup(move || {
        if let Some(el) = previous
            .with_value(|p| p.clone())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
    // Focus the dialog's safe default (the first button: Cancel) once shown.
    Effect::new(move |_| {
        if let Some(Ok(Some(el))) = root.get().map(|r| r.query_selector("[data-autofocus]"))
            && let Ok(el) = el.dyn_into::<web_sys::HtmlElement>()
        {
            let _ = el.focus();
        }
    });
    let on_keydown = move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            close(s);
        }
        "Tab" => {
            if let Some(r) = root.get() {
                trap_tab(s.ui, &r, &ev);
            }
        }
        _ => {}
    };
    let body = match dialog {
        Dialog::Confirm {
            action,
            restart,
            id,
        } => confirm(s, action, restart, id).into_any(),
        Dialog::Bulk => bulk(s).into_any(),
    };
    view! {
        <div class="backdrop" on:click=move |ev| {
            // A click on the backdrop itself (not inside the dialog) closes.
            if ev.target() == ev.current_target() { close(s) }
        }>
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="dialog-title"
                data-testid="dialog" node_ref=root on:keydown=on_keydown>
                {body}
            </div>
        </div>
    }
}

fn confirm(s: Stores, action: Action, again: bool, id: ContainerId) -> impl IntoView {
    let lang = s.ui.lang();
    let m = op_label(action, again);
    let (facts, unusual) = s.list.data.with_untracked(|d| {
        d.get(id).map_or((None, None), |r| {
            let facts = format!(
                "{} · {} {} · {} {}",
                r.c.status,
                s.t(M::Node),
                format::opt_id(r.c.node_id),
                s.t(M::Host),
                format::opt_id(r.c.host_id)
            );
            let unusual =
                (!untrack(|| s.usual(action, &r.c))).then(|| lang.unusual_warning(m, &r.c.status));
            (Some(facts), unusual)
        })
    });
    let confirm_label = if unusual.is_some() {
        lang.anyway(m)
    } else {
        s.t(m).to_string()
    };
    view! {
        <h2 id="dialog-title">{lang.action_question(m, &s.label(id))}</h2>
        {unusual.map(|w| view! { <p class="warning" data-testid="dialog-unusual">{w}</p> })}
        {(action == Action::Delete).then(|| view! { <p data-testid="dialog-text">{lang.delete_question(&s.label(id))}</p> })}
        {facts.map(|f| view! { <p class="muted">{f}</p> })}
        <div class="line-end">
            <button type="button" data-autofocus data-testid="cancel" on:click=move |_| close(s)>{s.t(M::Cancel)}</button>
            <button type="button" class=if action == Action::Delete { "danger" } else { "primary" }
                data-testid="confirm" on:click=move |_| {
                    close(s);
                    if again {
                        restart(s, id);
                    } else {
                        act(s, action, id);
                    }
                }>{confirm_label}</button>
        </div>
    }
}

/// The rolling part of the bulk dialog, as markup: before confirming, the
/// batch size, the pause and the tolerance (empty batch: all at once);
/// once running in batches, where it stands (the batch, the time spent,
/// an estimate of the time left) and pause, resume and cancel.
fn roll_html(s: Stores) -> String {
    let lang = s.ui.lang();
    let t = move |m: M| m.text(lang);
    s.cmds.bulk.with(|b| {
        let Some(b) = b.as_ref() else {
            return String::new();
        };
        if b.action == Action::Delete && !b.restart {
            return String::new();
        }
        let Some((r, began)) = &b.roll else {
            if b.started {
                return String::new();
            }
            let field = |i: usize, name: &str, m: M| {
                format!(
                    "<label class=\"inline\">{}<input name=\"{name}\" size=\"4\" value=\"{}\" data-testid=\"roll-{name}\"></label>",
                    t(m),
                    escape_html(&b.roll_fields[i])
                )
            };
            let error = b.roll_error.map_or_else(String::new, |f| {
                format!("<p class=\"error\" role=\"alert\" data-testid=\"roll-error\">{}: {f}</p>", t(M::RolloutBad))
            });
            return format!(
                "{}{}{}{error}",
                field(0, "batch", M::RolloutBatch),
                field(1, "gap", M::RolloutPause),
                field(2, "tolerance", M::RolloutTolerance)
            );
        };
        let now = s.ui.now.get();
        let (batch, of) = r.batch();
        let state = r.state().as_str();
        let h = format!(
            "<span role=\"status\" data-testid=\"roll-state\" data-state=\"{state}\"><strong>{}</strong> · {}</span>",
            lang.rollout_state(r.state()),
            lang.rollout_line(
                batch.map_or(0, |b| b + 1),
                of,
                now.saturating_sub(*began) / 1000,
                r.eta_ms(now).map(|ms| ms / 1000)
            )
        );
        h
    })
}

/// Pause or resume, and cancel, for a rolling job in `state`: markup that
/// changes only with the state (not every second), so focus stays put.
fn roll_buttons(lang: crate::i18n::Lang, state: Option<ews_core::rollout::State>) -> String {
    use ews_core::rollout::State;
    let button = |act: &str, m: M| {
        format!(
            "<button type=\"button\" class=\"small\" data-act=\"{act}\" data-testid=\"roll-{act}\">{}</button>",
            m.text(lang)
        )
    };
    match state {
        Some(State::Running) => {
            button("pause", M::RolloutPauseNow) + &button("cancel", M::RolloutCancel)
        }
        Some(State::Paused) => {
            button("resume", M::RolloutResume) + &button("cancel", M::RolloutCancel)
        }
        _ => String::new(),
    }
}

fn bulk(s: Stores) -> impl IntoView {
    let lang = s.ui.lang();
    let cmds = s.cmds;
    let Some(job) = cmds.bulk.get_untracked() else {
        return view! { <p>{s.t(M::BulkTitle)}</p> }.into_any();
    };
    let action = job.action;
    let m = op_label(action, job.restart);
    let count = move || cmds.bulk.with(|b| b.as_ref().map_or(0, BulkJob::targets));
    let title = move || lang.bulk_question(m, count());
    let skipped = (!job.skipped.is_empty()).then(|| {
        let ids: Vec<String> = job.skipped.iter().map(ToString::to_string).collect();
        view! { <p class="muted" data-testid="bulk-skipped">{lang.skipped(job.skipped.len())} ": " {ids.join(", ")}</p> }
    });
    // Targets the state rule advises against are listed with the others,
    // marked, and run only when the user includes them.
    let include = move || {
        cmds.bulk.with(|b| {
            b.as_ref()
                .filter(|b| !b.started && b.unusual() > 0)
                .map(|b| {
                    let on = b.include_unusual;
                    view! {
                        <button type="button" class="small" data-testid="bulk-include-unusual"
                            aria-pressed=on.to_string()
                            on:click=move |_| cmds.bulk.update(|b| {
                                if let Some(b) = b {
                                    b.include_unusual = !on;
                                }
                            })>
                            {lang.include_unusual(b.unusual(), on)}
                        </button>
                    }
                })
        })
    };
    let empty = move || count() == 0;
    let roll_state = Memo::new(move |_| {
        cmds.bulk.with(|b| {
            b.as_ref()
                .and_then(|b| b.roll.as_ref())
                .map(|(r, _)| r.state().clone())
        })
    });
    let items = move || {
        cmds.bulk
            .with(|b| b.as_ref().map(|b| b.items.clone()).unwrap_or_default())
    };
    let started = move || cmds.bulk.with(|b| b.as_ref().is_some_and(|b| b.started));
    let finished = move || cmds.bulk.with(|b| b.as_ref().is_some_and(|b| b.finished()));
    let summary = move || {
        cmds.bulk.with(|b| {
            b.as_ref().filter(|b| b.started).map(|b| {
                let (ok, bad) = b.tally();
                let text = if b.finished() {
                    lang.bulk_summary(ok, bad)
                } else {
                    format!("{} {}", s.t(M::BulkRunning), lang.bulk_summary(ok, bad))
                };
                view! { <p data-testid="bulk-summary" role="status">{text}</p> }
            })
        })
    };
    view! {
        <h2 id="dialog-title">{title}</h2>
        <ul class="bulk-list" data-testid="bulk-targets" inner_html=move || {
            let included = cmds.bulk.with(|b| b.as_ref().is_some_and(|b| b.include_unusual));
            let mut h = String::new();
            for (id, state) in items() {
                let (class, key, text) = match &state {
                    BulkState::Unusual(status) => ("warn", "unusual", lang.unusual_item(status, included)),
                    BulkState::Waiting => ("muted", "waiting", s.t(M::Pending).to_string()),
                    BulkState::Running => ("", "running", format!("{} {}", s.t(M::Running), cmds.progress(id).unwrap_or_default())),
                    BulkState::Done(true, msg) => ("ok", "ok", msg.clone()),
                    BulkState::Done(false, msg) => ("bad", "failed", msg.clone()),
                    BulkState::Left => ("muted", "left", s.t(M::NotStarted).to_string()),
                };
                let id = escape_html(&s.label(id));
                h.push_str(&format!(
                    "<li data-testid=\"bulk-item\" data-id=\"{id}\" data-state=\"{key}\"><strong>#{id}</strong> <span class=\"{class}\">{}</span></li>",
                    escape_html(&text)
                ));
            }
            h
        }></ul>
        {include}
        {skipped}
        <div class="line roll" data-testid="bulk-roll"
            on:change=move |ev: leptos::ev::Event| {
                let Some(el) = ev.target() else { return };
                let get = |k: &str| js_sys::Reflect::get(&el, &k.into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
                let i = match get("name").as_str() { "batch" => 0, "gap" => 1, "tolerance" => 2, _ => return };
                // Untracked: the fields keep what is typed, nothing re-renders.
                cmds.bulk.update_untracked(|b| if let Some(b) = b { b.roll_fields[i] = get("value") });
            }
            on:click=move |ev: leptos::ev::MouseEvent| {
                if let Some(act) = ev.target().and_then(|el| el.dyn_into::<web_sys::Element>().ok()).and_then(|el| el.get_attribute("data-act")) {
                    roll_control(s, &act);
                }
            }>
            <span class="line" inner_html=move || roll_html(s)></span>
            <span class="line" inner_html=move || roll_buttons(lang, roll_state.get())></span>
        </div>
        {summary}
        <div class="line-end">
            {move || if started() {
                view! {
                    <button type="button" data-autofocus data-testid="close" on:click=move |_| close(s)>
                        {s.t(M::Close)} {move || (!finished()).then_some(" …")}
                    </button>
                }.into_any()
            } else {
                view! {
                    <button type="button" data-autofocus data-testid="cancel" on:click=move |_| close(s)>{s.t(M::Cancel)}</button>
                    <button type="button" class=if action == ews_core::Action::Delete { "danger" } else { "primary" }
                        data-testid="confirm" disabled=empty on:click=move |_| {
                            run_bulk(s);
                            // The confirm button goes away: keep focus in the dialog.
                            let shell = s.ui.shell();
                            request_animation_frame(move || {
                                if let Some(Ok(close)) = shell
                                    .find("[data-testid=close]")
                                    .map(|e| e.dyn_into::<web_sys::HtmlElement>())
                                {
                                    let _ = close.focus();
                                }
                            });
                        }>
                        {s.t(m)}
                    </button>
                }.into_any()
            }}
        </div>
    }
    .into_any()
}
