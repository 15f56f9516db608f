//! Modal dialogs: the confirmation of one action (a delete, or an action
//! the container's state does not usually take) and the bulk action
//! (confirmation listing every target, the unusual ones apart, then per-item
//! progress and results). Focus moves
//! into the dialog, Tab cycles inside it, Escape closes it, and focus returns
//! to where it was.

use ews_core::{Action, ContainerId};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::actions::{act, op_label, restart, roll_control, run_bulk};
use crate::components::target_attr;
use crate::format::{self, escape_html};
use crate::i18n::M;
use crate::stores::{BulkState, Dialog, Stores, Ui};

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

/// Sets `el`'s markup; the element that had focus in it (found again by
/// its `data-testid`) keeps it.
fn put(ui: Ui, el: &web_sys::Element, html: &str) {
    let focused = ui
        .shell()
        .active_element()
        .filter(|a| el.contains(Some(a)))
        .and_then(|a| a.get_attribute("data-testid"));
    el.set_inner_html(html);
    if let Some(Ok(Some(Ok(e)))) = focused.map(|t| {
        el.query_selector(&format!("[data-testid={t}]"))
            .map(|e| e.map(|e| e.dyn_into::<web_sys::HtmlElement>()))
    }) {
        let _ = e.focus();
    }
}

/// The dialog: its markup (the bulk dialog's changing parts kept up to
/// date by [`bulk`]) and one delegated handler per event, on the backdrop.
#[component]
fn Modal(dialog: Dialog) -> impl IntoView {
    let s = Stores::get();
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
        if let Some(Ok(el)) =
            s.ui.shell()
                .find(".dialog [data-autofocus]")
                .map(|e| e.dyn_into::<web_sys::HtmlElement>())
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
            if let Some(Ok(r)) = ev
                .current_target()
                .map(|r| r.dyn_into::<web_sys::Element>())
            {
                trap_tab(s.ui, &r, &ev);
            }
        }
        _ => {}
    };
    let body = match &dialog {
        Dialog::Confirm {
            action,
            restart,
            id,
        } => confirm(s, *action, *restart, *id),
        Dialog::Bulk => bulk(s),
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        // A click on the backdrop itself (not inside the dialog) closes.
        if ev.target() == ev.current_target() {
            return close(s);
        }
        if let Some(act) = target_attr(&ev, "data-act") {
            return roll_control(s, &act);
        }
        match (target_attr(&ev, "data-testid").as_deref(), &dialog) {
            (Some("cancel" | "close"), _) => close(s),
            (
                Some("confirm"),
                &Dialog::Confirm {
                    action,
                    restart: again,
                    id,
                },
            ) => {
                close(s);
                if again {
                    restart(s, id);
                } else {
                    act(s, action, id);
                }
            }
            (Some("confirm"), Dialog::Bulk) => {
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
            }
            (Some("bulk-include-unusual"), _) => s.cmds.bulk.update(|b| {
                if let Some(b) = b {
                    b.include_unusual = !b.include_unusual;
                }
            }),
            _ => {}
        }
    };
    let on_change = move |ev: leptos::ev::Event| {
        let Some(el) = ev.target() else { return };
        let get = |k: &str| {
            js_sys::Reflect::get(&el, &k.into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default()
        };
        let i = match get("name").as_str() {
            "batch" => 0,
            "gap" => 1,
            "tolerance" => 2,
            _ => return,
        };
        // Untracked: the fields keep what is typed, nothing re-renders.
        s.cmds.bulk.update_untracked(|b| {
            if let Some(b) = b {
                b.roll_fields[i] = get("value");
            }
        });
    };
    let html = format!(
        "<div class=\"dialog\" role=\"dialog\" aria-modal=\"true\" aria-labelledby=\"dialog-title\" data-testid=\"dialog\">{body}</div>"
    );
    view! {
        <div class="backdrop" inner_html=html on:click=on_click on:change=on_change on:keydown=on_keydown></div>
    }
}

/// The confirmation of one action, as markup.
fn confirm(s: Stores, action: Action, again: bool, id: ContainerId) -> String {
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
    let p = |attrs: &str, text: Option<String>| {
        text.map_or_else(String::new, |t| {
            format!("<p{attrs}>{}</p>", escape_html(&t))
        })
    };
    format!(
        "<h2 id=\"dialog-title\">{}</h2>{}{}{}<div class=\"line-end\">\
         <button type=\"button\" data-autofocus data-testid=\"cancel\">{}</button>\
         <button type=\"button\" class=\"{}\" data-testid=\"confirm\">{}</button></div>",
        escape_html(&lang.action_question(m, &s.label(id))),
        p(" class=\"warning\" data-testid=\"dialog-unusual\"", unusual),
        p(
            " data-testid=\"dialog-text\"",
            (action == Action::Delete).then(|| lang.delete_question(&s.label(id)))
        ),
        p(" class=\"muted\"", facts),
        s.t(M::Cancel),
        if action == Action::Delete {
            "danger"
        } else {
            "primary"
        },
        escape_html(&confirm_label),
    )
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

/// Where each changing part of the bulk dialog goes: the title, the
/// targets, "include the unusual ones", the rolling fields or state and
/// its buttons, the summary, and the dialog's buttons.
const SLOTS: [&str; 7] = [
    "#dialog-title",
    "[data-testid=bulk-targets]",
    "[data-slot=include]",
    "[data-slot=roll]",
    "[data-slot=roll-buttons]",
    "[data-slot=summary]",
    "[data-slot=buttons]",
];

/// The bulk dialog's changing parts, as markup (see [`SLOTS`]).
fn bulk_parts(s: Stores) -> [String; 7] {
    let lang = s.ui.lang();
    let cmds = s.cmds;
    let roll = roll_html(s);
    let roll_state = cmds.bulk.with(|b| {
        b.as_ref()
            .and_then(|b| b.roll.as_ref())
            .map(|(r, _)| r.state().clone())
    });
    let roll_buttons = roll_buttons(lang, roll_state);
    cmds.bulk.with(|b| {
        let Some(b) = b.as_ref() else {
            return Default::default();
        };
        let m = op_label(b.action, b.restart);
        let included = b.include_unusual;
        let mut h = String::new();
        for (id, state) in &b.items {
            let (class, key, text) = match state {
                BulkState::Unusual(status) => ("warn", "unusual", lang.unusual_item(status, included)),
                BulkState::Waiting => ("muted", "waiting", s.t(M::Pending).to_string()),
                BulkState::Running => ("", "running", format!("{} {}", s.t(M::Running), cmds.progress(*id).unwrap_or_default())),
                BulkState::Done(true, msg) => ("ok", "ok", msg.clone()),
                BulkState::Done(false, msg) => ("bad", "failed", msg.clone()),
                BulkState::Left => ("muted", "left", s.t(M::NotStarted).to_string()),
            };
            let id = escape_html(&s.label(*id));
            h.push_str(&format!(
                "<li data-testid=\"bulk-item\" data-id=\"{id}\" data-state=\"{key}\"><strong>#{id}</strong> <span class=\"{class}\">{}</span></li>",
                escape_html(&text)
            ));
        }
        // Targets the state rule advises against are listed with the
        // others, marked, and run only when the user includes them.
        let include = if !b.started && b.unusual() > 0 {
            format!(
                "<button type=\"button\" class=\"small\" data-testid=\"bulk-include-unusual\" aria-pressed=\"{included}\">{}</button>",
                escape_html(&lang.include_unusual(b.unusual(), included))
            )
        } else {
            String::new()
        };
        let (ok, bad) = b.tally();
        let (summary, buttons) = if b.started {
            (
                format!(
                    "<p data-testid=\"bulk-summary\" role=\"status\">{}</p>",
                    escape_html(&if b.finished() {
                        lang.bulk_summary(ok, bad)
                    } else {
                        format!("{} {}", s.t(M::BulkRunning), lang.bulk_summary(ok, bad))
                    })
                ),
                format!(
                    "<button type=\"button\" data-autofocus data-testid=\"close\">{}{}</button>",
                    s.t(M::Close),
                    if b.finished() { "" } else { " …" }
                ),
            )
        } else {
            (
                String::new(),
                format!(
                    "<button type=\"button\" data-autofocus data-testid=\"cancel\">{}</button>\
                     <button type=\"button\" class=\"{}\" data-testid=\"confirm\"{}>{}</button>",
                    s.t(M::Cancel),
                    if b.action == Action::Delete {
                        "danger"
                    } else {
                        "primary"
                    },
                    if b.targets() == 0 { " disabled" } else { "" },
                    s.t(m)
                ),
            )
        };
        [
            escape_html(&lang.bulk_question(m, b.targets())),
            h,
            include,
            roll,
            roll_buttons,
            summary,
            buttons,
        ]
    })
}

/// The bulk dialog's markup; one effect then writes each part that
/// changed in place (so what has focus keeps it).
fn bulk(s: Stores) -> String {
    let lang = s.ui.lang();
    let Some(job) = s.cmds.bulk.get_untracked() else {
        return format!("<p>{}</p>", s.t(M::BulkTitle));
    };
    let skipped = if job.skipped.is_empty() {
        String::new()
    } else {
        let ids: Vec<String> = job
            .skipped
            .iter()
            .map(|id| escape_html(&s.label(*id)))
            .collect();
        format!(
            "<p class=\"muted\" data-testid=\"bulk-skipped\">{}: {}</p>",
            lang.skipped(job.skipped.len()),
            ids.join(", ")
        )
    };
    let mut shown = untrack(|| bulk_parts(s));
    let [title, items, include, roll, roll_buttons, summary, buttons] = &shown;
    let html = format!(
        "<h2 id=\"dialog-title\">{title}</h2><ul class=\"bulk-list\" data-testid=\"bulk-targets\">{items}</ul>\
         <div data-slot=\"include\">{include}</div>{skipped}\
         <div class=\"line roll\" data-testid=\"bulk-roll\"><span class=\"line\" data-slot=\"roll\">{roll}</span>\
         <span class=\"line\" data-slot=\"roll-buttons\">{roll_buttons}</span></div>\
         <div data-slot=\"summary\">{summary}</div><div class=\"line-end\" data-slot=\"buttons\">{buttons}</div>"
    );
    Effect::new(move |_| {
        if s.cmds.bulk.with(Option::is_none) {
            return;
        }
        let shell = s.ui.shell();
        for (i, part) in bulk_parts(s).into_iter().enumerate() {
            if part != shown[i] {
                if let Some(el) = shell.find(SLOTS[i]) {
                    put(s.ui, &el, &part);
                }
                shown[i] = part;
            }
        }
    });
    html
}
