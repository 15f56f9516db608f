//! The writes and the loops: refreshing the list, starting, stopping and
//! deleting (one or many), and following each command with the core's
//! [`FollowPolicy`] until it ends. Pages call these; only [`crate::api`]
//! fetches.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use ews_core::command::{FollowPolicy, Next, Outcome};
use ews_core::follow::Follower;
use ews_core::{Action, Command, CommandId, ContainerId, Error};
use leptos::prelude::*;

use crate::activity::{self, Ended, Tracked};
use crate::api::{Api, describe, is_unauthorized};
use crate::app::{BulkJob, BulkState, Ctx, RowOp, Session};
use crate::clock;
use crate::format;
use crate::i18n::M;

/// How many commands a bulk action runs at once.
pub const BULK_CONCURRENCY: usize = 4;

/// Refreshes the list now (unless a refresh is already in flight).
pub fn refresh(ctx: Ctx) {
    ctx.spawn(refresh_now(ctx));
}

/// Refreshes the list; on failure keeps the last good data and shows the error.
pub async fn refresh_now(ctx: Ctx) {
    let Some(api) = ctx.api() else { return };
    if ctx.refreshing.get_untracked() {
        return;
    }
    let generation = ctx.generation.get_value();
    ctx.refreshing.set(true);
    ctx.last_attempt.set_value(clock::now_ms());
    let result = api.list().await;
    if ctx.generation.get_value() != generation {
        return;
    }
    ctx.refreshing.set(false);
    ctx.last_attempt.set_value(clock::now_ms());
    match result {
        Ok(list) => ctx.apply_list(list),
        Err(e) => failed(ctx, e),
    }
}

/// Tells an embedding page about an error the user is shown (`source`:
/// `list`, `action` or `connect`).
pub fn report(ctx: Ctx, source: &str, e: &Error) {
    let (message, detail) = describe(e, ctx.lang.get_untracked());
    ctx.shell().error(source, &message, detail.as_deref());
}

/// Records a failed list call (and notices an expired edge session).
fn failed(ctx: Ctx, e: Error) {
    report(ctx, "list", &e);
    if is_unauthorized(&e)
        && matches!(
            ctx.session.get_untracked(),
            Session::Connected {
                edge_user: Some(_),
                ..
            }
        )
    {
        ctx.session.set(Session::SignedOut {
            login: crate::api::EDGE_LOGIN.into(),
        });
    }
    ctx.list_error.set(Some(e));
}

/// Re-reads one container after a command (a deleted one leaves the list).
pub async fn refresh_container(ctx: Ctx, api: &Api, id: ContainerId) {
    match api.container(id).await {
        Ok(c) => {
            if let Some(next) = ctx.data.with_untracked(|d| d.upsert(c)) {
                ctx.data.set(next);
            }
        }
        Err(e) if e.api_code() == Some(&ews_core::ApiErrorCode::ResourceNotExist) => {
            if let Some(next) = ctx.data.with_untracked(|d| d.remove(id)) {
                ctx.data.set(next);
            }
            ctx.selected.update(|s| {
                s.remove(&id);
            });
        }
        Err(_) => {}
    }
}

/// Marks a container busy with `op`; `false` when a command already runs
/// for it (no double submission).
fn claim(ctx: Ctx, id: ContainerId, op: RowOp) -> bool {
    let mut claimed = false;
    ctx.ops.update(|m| {
        if let std::collections::hash_map::Entry::Vacant(e) = m.entry(id) {
            e.insert(op);
            claimed = true;
        }
    });
    claimed
}

/// Whether a command is running for this container (its buttons are busy).
pub fn busy(ctx: Ctx, id: ContainerId) -> bool {
    ctx.ops.with(|m| m.contains_key(&id))
}

/// Starts, stops or deletes one container, follows the command, says how it
/// ended in a toast and refreshes the row. Does nothing while another command
/// runs for the same container (no double submission).
pub fn act(ctx: Ctx, action: Action, id: ContainerId) {
    ctx.spawn(async move {
        let _ = act_and_follow(ctx, action, id, true).await;
    });
}

/// The work of [`act`]: `Ok(outcome)` once the command ended (or could not be
/// followed), `Err` when it was refused.
pub async fn act_and_follow(
    ctx: Ctx,
    action: Action,
    id: ContainerId,
    toast: bool,
) -> Result<Outcome, Error> {
    let Some(api) = ctx.api() else {
        return Ok(Outcome::Lost {
            reason: "not connected".into(),
        });
    };
    let op = RowOp {
        action,
        progress: "…".into(),
        command_id: None,
    };
    if !claim(ctx, id, op) {
        return Ok(Outcome::Lost {
            reason: "a command is already running for this container".into(),
        });
    }
    let generation = ctx.generation.get_value();
    let cmd = match api.act(action, id).await {
        Ok(cmd) => cmd,
        Err(e) => {
            ctx.ops.update(|m| {
                m.remove(&id);
            });
            report(ctx, "action", &e);
            if toast {
                let (msg, _) = describe(&e, ctx.lang.get_untracked());
                ctx.toast(
                    Some(false),
                    format!("{} {id}: {msg}", verb(ctx, action)),
                    None,
                );
            }
            refresh_container(ctx, &api, id).await;
            return Err(e);
        }
    };
    let tracked = Tracked::new(action, id, cmd.clone(), clock::now_ms());
    let href = crate::route::Route::Command(tracked.command_id.clone()).path();
    ctx.edit_activity(|log| activity::push(log, tracked.clone()));
    let outcome = follow(ctx, api, generation, tracked, Some(cmd)).await;
    if let (true, Some(o)) = (toast, &outcome) {
        ctx.toast(
            Some(o.is_success()),
            format!(
                "{} {id}: {}",
                verb(ctx, action),
                ctx.lang.get_untracked().outcome(o)
            ),
            Some(href),
        );
    }
    Ok(outcome.unwrap_or(Outcome::Lost {
        reason: "disconnected".into(),
    }))
}

fn verb(ctx: Ctx, action: Action) -> &'static str {
    ctx.t(action_label(action))
}

/// The label of an action.
pub fn action_label(action: Action) -> M {
    match action {
        Action::Start => M::Start,
        Action::Stop => M::Stop,
        Action::Delete => M::Delete,
    }
}

fn record(ctx: Ctx, tracked: &Tracked, cmd: &Command, polls: u32) {
    let id = tracked.container_id;
    let progress = format::progress(cmd);
    ctx.ops.update(|m| {
        if let Some(op) = m.get_mut(&id) {
            op.progress = progress;
            op.command_id = Some(cmd.command_id.clone());
        }
    });
    ctx.edit_activity(|log| {
        if let Some(t) = log.iter_mut().find(|t| t.command_id == tracked.command_id) {
            t.command = Some(cmd.clone());
            t.polls = polls;
        }
    });
}

/// Follows a command until it ends; `None` when the session ended first
/// (it stays unfinished in the log and resumes on the next connection).
async fn follow(
    ctx: Ctx,
    api: Rc<Api>,
    generation: u32,
    tracked: Tracked,
    first: Option<Command>,
) -> Option<Outcome> {
    let mut follower = Follower::resume(
        FollowPolicy::default(),
        tracked.started_ms,
        tracked.polls,
        tracked.command.as_ref().map(|c| c.status.clone()),
    );
    if let Some(cmd) = &first {
        record(ctx, &tracked, cmd, follower.polls());
    }
    let mut next = follower.start(clock::now_ms(), first.as_ref());
    let outcome = loop {
        match next {
            Next::Done(outcome) => break outcome,
            Next::PollIn(ms) => api.life().sleep(ms).await,
        }
        if ctx.generation.get_value() != generation {
            return None;
        }
        next = match api.command(&tracked.command_id).await {
            Ok(cmd) => {
                let next = follower.on_command(clock::now_ms(), &cmd);
                record(ctx, &tracked, &cmd, follower.polls());
                next
            }
            Err(e) => follower.on_error(clock::now_ms(), &e),
        };
    };
    let polls = follower.polls();
    if ctx.generation.get_value() != generation {
        return None;
    }
    let id = tracked.container_id;
    let lang = ctx.lang.get_untracked();
    let ended = Ended::of(&outcome, lang, clock::now_ms());
    ctx.shell()
        .command_finished(&tracked, &outcome, &lang.outcome(&outcome));
    ctx.edit_activity(|log| {
        if let Some(t) = log.iter_mut().find(|t| t.command_id == tracked.command_id) {
            t.ended = Some(ended);
            t.polls = polls;
        }
    });
    if tracked.action() == Some(Action::Delete) && outcome.is_success() {
        // Gone: no need to ask (and be answered 404).
        if let Some(next) = ctx.data.with_untracked(|d| d.remove(id)) {
            ctx.data.set(next);
        }
        ctx.selected.update(|s| {
            s.remove(&id);
        });
    } else {
        refresh_container(ctx, &api, id).await;
    }
    ctx.ops.update(|m| {
        m.remove(&id);
    });
    Some(outcome)
}

/// Resumes following the log's unfinished commands (after a reload).
pub fn resume(ctx: Ctx) {
    let Some(api) = ctx.api() else { return };
    let generation = ctx.generation.get_value();
    let open: Vec<Tracked> = ctx
        .activity
        .with_untracked(|log| log.iter().filter(|t| t.ended.is_none()).cloned().collect());
    for tracked in open {
        let Some(action) = tracked.action() else {
            continue;
        };
        let id = tracked.container_id;
        let op = RowOp {
            action,
            progress: tracked
                .command
                .as_ref()
                .map_or_else(|| "…".into(), format::progress),
            command_id: Some(tracked.command_id.clone()),
        };
        if claim(ctx, id, op) {
            let api = Rc::clone(&api);
            ctx.spawn(async move {
                if let Some(o) = follow(ctx, api, generation, tracked, None).await {
                    ctx.toast(
                        Some(o.is_success()),
                        format!(
                            "{} {id}: {}",
                            verb(ctx, action),
                            ctx.lang.get_untracked().outcome(&o)
                        ),
                        None,
                    );
                }
            });
        }
    }
}

/// Follows a command the log does not know (opened by link), or refreshes
/// the log's entry for it: the latest state of the command.
pub async fn load_command(ctx: Ctx, id: &CommandId) -> Result<Command, Error> {
    let api = ctx.api().ok_or_else(|| Error::NoAnswer {
        endpoint: String::new(),
        timed_out: false,
        cause: "not connected".into(),
    })?;
    let cmd = api.command(id).await?;
    ctx.edit_activity(|log| {
        if let Some(t) = log.iter_mut().find(|t| t.command_id == *id) {
            t.command = Some(cmd.clone());
        }
    });
    Ok(cmd)
}

/// Opens the bulk confirmation for the selected containers.
pub fn open_bulk(ctx: Ctx, action: Action) {
    let selected = ctx.selected.get_untracked();
    let (items, skipped) = ctx.view.with_untracked(|v| {
        let mut items = Vec::new();
        let mut skipped = Vec::new();
        // In display order, so the confirmation reads like the table.
        for r in v.rows.iter().filter(|r| selected.contains(&r.c.id)) {
            if action.allowed_from(&r.c.status) && !busy_untracked(ctx, r.c.id) {
                items.push((r.c.id, BulkState::Waiting));
            } else {
                skipped.push(r.c.id);
            }
        }
        (items, skipped)
    });
    ctx.bulk.set(Some(BulkJob {
        action,
        items,
        skipped,
        started: false,
    }));
    ctx.dialog.set(Some(crate::app::Dialog::Bulk));
}

fn busy_untracked(ctx: Ctx, id: ContainerId) -> bool {
    ctx.ops.with_untracked(|m| m.contains_key(&id))
}

/// Runs the confirmed bulk job, [`BULK_CONCURRENCY`] commands at a time,
/// recording each item's result; one toast sums it up.
pub fn run_bulk(ctx: Ctx) {
    let Some(job) = ctx.bulk.get_untracked() else {
        return;
    };
    if job.started {
        return;
    }
    ctx.bulk.update(|b| {
        if let Some(b) = b {
            b.started = true;
        }
    });
    let action = job.action;
    let queue: Rc<RefCell<VecDeque<ContainerId>>> =
        Rc::new(RefCell::new(job.items.iter().map(|(id, _)| *id).collect()));
    let set = move |id: ContainerId, state: BulkState| {
        ctx.bulk.update(|b| {
            if let Some(item) = b
                .as_mut()
                .and_then(|b| b.items.iter_mut().find(|(i, _)| *i == id))
            {
                item.1 = state;
            }
        });
    };
    for _ in 0..BULK_CONCURRENCY.min(job.items.len()) {
        let queue = Rc::clone(&queue);
        ctx.spawn(async move {
            loop {
                let next = queue.borrow_mut().pop_front();
                let Some(id) = next else { break };
                set(id, BulkState::Running);
                let state = match act_and_follow(ctx, action, id, false).await {
                    Ok(o) => BulkState::Done(o.is_success(), ctx.lang.get_untracked().outcome(&o)),
                    Err(e) => BulkState::Done(false, describe(&e, ctx.lang.get_untracked()).0),
                };
                set(id, state);
                let done = ctx
                    .bulk
                    .with_untracked(|b| b.as_ref().map(|b| (b.finished(), b.tally())));
                if let Some((true, (ok, bad))) = done {
                    let lang = ctx.lang.get_untracked();
                    ctx.toast(
                        Some(bad == 0),
                        format!("{}: {}", verb(ctx, action), lang.bulk_summary(ok, bad)),
                        None,
                    );
                }
            }
        });
    }
}
