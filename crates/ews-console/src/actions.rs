//! The writes and the loops: refreshing the list, starting, stopping,
//! restarting and deleting (one or many), and following each command with
//! the core's [`Follower`] until it ends. Pages call these; only [`crate::api`]
//! fetches, and every protocol decision is the core's.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use ews_core::command::{FollowPolicy, Next, Outcome};
use ews_core::follow::Follower;
use ews_core::rollout::{
    BatchSize, PickUp, Plan, Restart, RestartNext, RollOp, Rollout, State, Step,
};
use ews_core::watch::Watch;
use ews_core::{Action, ApiErrorCode, Command, CommandId, ContainerId, Error};
use leptos::prelude::*;

use crate::activity::{self, Ended, LogEntry};
use crate::api::{Api, describe, is_unauthorized};
use crate::clock;
use crate::format;
use crate::i18n::M;
use crate::stores::{BulkJob, BulkState, ConnState, Dialog, RowOp, Stores};

/// How many commands a bulk action runs at once.
pub const BULK_CONCURRENCY: usize = 4;

/// What a user can ask of a container, in button order: the API's three
/// actions and a restart (`true`: a stop, then a start, as the core's
/// [`Restart`] says).
pub const OPS: [(Action, bool); 4] = [
    (Action::Start, false),
    (Action::Stop, false),
    (Action::Stop, true),
    (Action::Delete, false),
];

/// The label of an action, or of a restart.
pub fn op_label(action: Action, restart: bool) -> M {
    if restart {
        M::Restart
    } else {
        action_label(action)
    }
}

/// The `data-testid` suffix of an action or a restart.
pub fn op_key(action: Action, restart: bool) -> &'static str {
    if restart { "restart" } else { action.as_str() }
}

/// Restarts one container (see [`restart_and_follow`]); one toast says how
/// it ended.
pub fn restart(s: Stores, id: ContainerId) {
    s.ui.spawn(async move {
        let _ = restart_and_follow(s, id, true, None).await;
    });
}

/// A restart as one operation: the stop is sent and followed; the core's
/// [`Restart`] then has the container read until it is seen STOPPED (or
/// gives up), and only then is the start sent and followed. Both commands
/// are in the activity log with their timelines; a stop that did not work
/// leaves the container alone, and says so. Returns whether it worked and
/// what to say. With `stopped`, the stop was sent and ended so before (a
/// rolling job picking up after a reload): the restart goes on from there.
pub async fn restart_and_follow(
    s: Stores,
    id: ContainerId,
    toast: bool,
    stopped: Option<Outcome>,
) -> (bool, String) {
    let lang = s.ui.lang();
    // Before any await: after one, the fleet view may have been left.
    let (name, prefix) = (s.label(id), s.prefix_of(id));
    let latest = move || {
        s.cmds.log.with_untracked(|log| {
            log.iter().find(|t| t.container_id == id).map(|t| {
                prefix.clone() + &crate::route::Route::Command(t.command_id.clone()).path()
            })
        })
    };
    let say = move |ok: bool, text: String, href: Option<String>| {
        if toast {
            s.ui.toast(
                Some(ok),
                format!("{} {name}: {text}", s.t(M::Restart)),
                href,
            );
        }
        (ok, text)
    };
    let generation = s.conn.current();
    let stop = match stopped {
        Some(outcome) => outcome,
        None => match act_and_follow(s, Action::Stop, id, false).await {
            Ok(outcome) => outcome,
            Err(e) => return say(false, describe(&e, lang).0, None),
        },
    };
    let (mut steps, mut next) = Restart::after_stop(stop);
    // The row stays busy from the stop's end to the start: no other action
    // can slip in between (the stop's follower just released it, with no
    // await since).
    let held = matches!(next, RestartNext::Look { .. })
        && s.cmds.claim(
            id,
            RowOp {
                action: Action::Start,
                progress: "…".into(),
                command_id: None,
            },
        );
    let release = move || {
        if held {
            s.cmds.release(id);
        }
    };
    loop {
        match next {
            RestartNext::Look { in_ms } => {
                // Never a start on another connection than the stop's.
                let api = s.conn.api().filter(|_| s.conn.current() == generation);
                let Some(api) = api else {
                    let lost = Outcome::Lost {
                        reason: "disconnected before the start".into(),
                    };
                    release();
                    return say(false, lang.outcome(&lost), latest());
                };
                if in_ms > 0 {
                    api.life().sleep(in_ms).await;
                }
                refresh_container(s, &api, id).await;
                let status = s
                    .list
                    .data
                    .with_untracked(|d| d.get(id).map(|r| r.c.status.clone()));
                next = steps.on_status(status.as_ref());
            }
            RestartNext::Start => {
                release();
                return match act_and_follow(s, Action::Start, id, false).await {
                    Ok(o) => say(o.is_success(), lang.outcome(&o), latest()),
                    Err(e) => say(false, describe(&e, lang).0, None),
                };
            }
            RestartNext::LeaveAlone(why) => {
                release();
                return say(false, lang.left_alone(&why), latest());
            }
        }
    }
}

/// Refreshes the list now (unless a refresh is already in flight).
pub fn refresh(s: Stores) {
    s.ui.spawn(refresh_now(s));
}

/// Refreshes the list; on failure keeps the last good data and shows the error.
pub async fn refresh_now(s: Stores) {
    let Some(api) = s.conn.api() else { return };
    if s.list.refreshing.get_untracked() {
        return;
    }
    let generation = s.conn.current();
    s.list.refreshing.set(true);
    s.list.last_attempt.set_value(clock::now_ms());
    let result = if api.parts().is_empty() {
        api.list().await
    } else {
        // The fleet view: every account at once; one that fails keeps its
        // last rows and says why (see crate::fleet::merge).
        let answers = api.list_each().await;
        if s.conn.current() != generation {
            return;
        }
        let names = s.list.names();
        let (list, parts) = s.list.data.with_untracked(|d| {
            let before: Vec<&ews_core::Container> = d.rows().iter().map(|r| &r.c).collect();
            crate::fleet::merge(&names, answers, &before)
        });
        // An expired edge session (every account's answer then): signed out.
        let expired = parts
            .iter()
            .find_map(|p| p.error.clone().filter(is_unauthorized))
            .filter(|_| s.conn.is_edge_user());
        s.list.parts.set_value(parts);
        expired.map_or(Ok(list), Err)
    };
    if s.conn.current() != generation {
        return;
    }
    s.list.last_attempt.set_value(clock::now_ms());
    match result {
        Ok(list) => {
            if s.cmds.watch.with_value(Watch::is_active) {
                watch_list(s, &api, &list.containers);
            }
            s.list.apply(list);
        }
        Err(e) => failed(s, e),
    }
    // Last: what shows when the list was read tracks this.
    s.list.refreshing.set(false);
}

/// Tells an embedding page about an error the user is shown (`source`:
/// `list`, `action` or `connect`; the list store tells `decode` itself).
pub fn report(s: Stores, source: &str, e: &Error) {
    let (message, detail) = describe(e, s.ui.lang());
    s.ui.shell().error(source, &message, detail.as_deref());
}

/// Records a failed list call (and notices an expired edge session).
fn failed(s: Stores, e: Error) {
    report(s, "list", &e);
    if is_unauthorized(&e) && s.conn.is_edge_user() {
        s.conn.state.set(ConnState::SignedOut {
            login: crate::api::EDGE_LOGIN.into(),
        });
    }
    s.list.error.set(Some(e));
}

/// Re-reads one container after a command (a deleted one leaves the list;
/// after a switch of account, nothing changes).
pub async fn refresh_container(s: Stores, api: &Api, id: ContainerId) {
    let generation = s.conn.current();
    let answer = api.container(id).await;
    if s.conn.current() != generation {
        return;
    }
    match answer {
        Ok(c) => s.list.put(id, Some(c)),
        Err(e) if e.api_code() == Some(&ApiErrorCode::ResourceNotExist) => s.list.put(id, None),
        Err(_) => {}
    }
}

/// Starts, stops or deletes one container, follows the command, says how it
/// ended in a toast and refreshes the row. Does nothing while another command
/// runs for the same container (no double submission).
pub fn act(s: Stores, action: Action, id: ContainerId) {
    s.ui.spawn(async move {
        let _ = act_and_follow(s, action, id, true).await;
    });
}

/// The work of [`act`]: `Ok(outcome)` once the command ended (or could not be
/// followed), `Err` when it was refused.
pub async fn act_and_follow(
    s: Stores,
    action: Action,
    id: ContainerId,
    toast: bool,
) -> Result<Outcome, Error> {
    let Some(api) = s.conn.api() else {
        return Ok(Outcome::Lost {
            reason: "not connected".into(),
        });
    };
    let generation = s.conn.current();
    let Some((entry, cmd)) = issue(s, &api, action, id, toast).await? else {
        return Ok(Outcome::Lost {
            reason: "a command is already running for this container".into(),
        });
    };
    let href = s.href_at(id, |_| {
        crate::route::Route::Command(entry.command_id.clone())
    });
    let outcome = follow(s, api, generation, entry, Some(cmd)).await;
    if let (true, Some(o)) = (toast, &outcome) {
        s.ui.toast(
            Some(o.is_success()),
            format!(
                "{} {}: {}",
                verb(s, action),
                s.label(id),
                s.ui.lang().outcome(o)
            ),
            Some(href),
        );
    }
    Ok(outcome.unwrap_or(Outcome::Lost {
        reason: "disconnected".into(),
    }))
}

/// Sends `action` for `id`: claims the row (`Ok(None)` when a command
/// already runs for it), logs the accepted command; a refusal is reported
/// (a toast with `toast`) and the row re-read.
async fn issue(
    s: Stores,
    api: &Api,
    action: Action,
    id: ContainerId,
    toast: bool,
) -> Result<Option<(LogEntry, Command)>, Error> {
    let op = RowOp {
        action,
        progress: "…".into(),
        command_id: None,
    };
    if !s.cmds.claim(id, op) {
        return Ok(None);
    }
    let (account, name) = (s.cmds.log_name(), s.label(id));
    let cmd = match api.act(action, id).await {
        Ok(cmd) => cmd,
        Err(e) => {
            s.cmds.release(id);
            report(s, "action", &e);
            if toast {
                let (msg, _) = describe(&e, s.ui.lang());
                s.ui.toast(
                    Some(false),
                    format!("{} {name}: {msg}", verb(s, action)),
                    None,
                );
            }
            refresh_container(s, api, id).await;
            return Err(e);
        }
    };
    let entry = LogEntry::new(action, id, cmd.clone(), clock::now_ms());
    s.cmds
        .edit_log_of(&account, |log| activity::push(log, entry.clone()));
    Ok(Some((entry, cmd)))
}

fn verb(s: Stores, action: Action) -> &'static str {
    s.t(action_label(action))
}

/// The label of an action.
pub fn action_label(action: Action) -> M {
    match action {
        Action::Start => M::Start,
        Action::Stop => M::Stop,
        Action::Delete => M::Delete,
    }
}

fn record(s: Stores, entry: &LogEntry, cmd: &Command, polls: u32) {
    let id = entry.container_id;
    let progress = format::progress(cmd);
    s.cmds.ops.update(|m| {
        if let Some(op) = m.get_mut(&id) {
            op.progress = progress;
            op.command_id = Some(cmd.command_id.clone());
        }
    });
    s.cmds.edit_log(|log| {
        if let Some(t) = log.iter_mut().find(|t| t.command_id == entry.command_id) {
            t.command = Some(cmd.clone());
            t.polls = polls;
        }
    });
}

/// Follows a command until it ends, as the core's follower says; `None`
/// when the session ended first (it stays unfinished in the log and
/// resumes on the next connection).
async fn follow(
    s: Stores,
    api: Rc<Api>,
    generation: u32,
    entry: LogEntry,
    first: Option<Command>,
) -> Option<Outcome> {
    // Polls near the end the earlier commands of the same action say.
    let expect = entry.action().and_then(|a| {
        s.cmds
            .log
            .with_untracked(|log| activity::durations(log).expect(a))
    });
    let mut follower = Follower::resume(
        FollowPolicy::default(),
        entry.started_ms,
        entry.polls,
        entry.command.as_ref().map(|c| c.status.clone()),
    )
    .expecting(expect);
    if let Some(cmd) = &first {
        record(s, &entry, cmd, follower.polls());
    }
    let mut next = follower.start(clock::now_ms(), first.as_ref());
    let outcome = loop {
        match next {
            Next::Done(outcome) => break outcome,
            Next::PollIn(ms) => api.life().sleep(ms).await,
        }
        if s.conn.current() != generation {
            return None;
        }
        let answer = api.command(entry.container_id, &entry.command_id).await;
        // Another account meanwhile: this one's log follows it on return.
        if s.conn.current() != generation {
            return None;
        }
        next = match answer {
            Ok(cmd) => {
                let next = follower.on_command(clock::now_ms(), &cmd);
                record(s, &entry, &cmd, follower.polls());
                next
            }
            Err(e) => follower.on_error(clock::now_ms(), &e),
        };
    };
    if s.conn.current() != generation {
        return None;
    }
    ended(
        s,
        &entry.command_id,
        &outcome,
        follower.polls(),
        follower.took_ms(),
    );
    let id = entry.container_id;
    if !(entry.action() == Some(Action::Delete) && outcome.is_success()) {
        // The row is re-read in the background: the outcome is known now
        // and is said at once, not one more round trip later.
        s.ui.spawn(async move { refresh_container(s, &api, id).await });
    }
    Some(outcome)
}

/// A command ended: the embedding page is told, the log says how, a
/// delete that worked takes its row away, and the row is free again.
fn ended(s: Stores, command_id: &CommandId, outcome: &Outcome, polls: u32, took: Option<u64>) {
    let lang = s.ui.lang();
    let done = Ended::of(outcome, lang, clock::now_ms(), took);
    let entry = s
        .cmds
        .log
        .with_untracked(|log| log.iter().find(|t| t.command_id == *command_id).cloned());
    let Some(entry) = entry else { return };
    let names = s.list.names();
    let account = crate::fleet::account(entry.container_id, &names);
    s.ui.shell()
        .command_finished(&entry, account, outcome, &lang.outcome(outcome));
    s.cmds.edit_log(|log| {
        if let Some(t) = log.iter_mut().find(|t| t.command_id == *command_id) {
            t.ended = Some(done);
            t.polls = polls;
        }
    });
    if entry.action() == Some(Action::Delete) && outcome.is_success() {
        // Gone: no need to ask (and be answered 404).
        s.list.put(entry.container_id, None);
    }
    s.cmds.release(entry.container_id);
}

/// Resumes following the log's unfinished commands (after a reload), and
/// the rolling job kept with them.
pub fn resume(s: Stores) {
    let Some(api) = s.conn.api() else { return };
    let generation = s.conn.current();
    let open: Vec<LogEntry> = s
        .cmds
        .log
        .with_untracked(|log| log.iter().filter(|t| t.ended.is_none()).cloned().collect());
    for entry in open {
        let Some(action) = entry.action() else {
            continue;
        };
        let id = entry.container_id;
        let op = RowOp {
            action,
            progress: entry
                .command
                .as_ref()
                .map_or_else(|| "…".into(), format::progress),
            command_id: Some(entry.command_id.clone()),
        };
        if s.cmds.claim(id, op) {
            let api = Rc::clone(&api);
            s.ui.spawn(async move {
                if let Some(o) = follow(s, api, generation, entry, None).await {
                    s.ui.toast(
                        Some(o.is_success()),
                        format!(
                            "{} {}: {}",
                            verb(s, action),
                            s.label(id),
                            s.ui.lang().outcome(&o)
                        ),
                        None,
                    );
                }
            });
        }
    }
    resume_roll(s, &api);
}

/// Follows a command the log does not know (opened by link), or refreshes
/// the log's entry for it: the latest state of the command.
pub async fn load_command(s: Stores, id: &CommandId) -> Result<Command, Error> {
    let api = s.conn.api().ok_or_else(|| Error::NoAnswer {
        endpoint: String::new(),
        timed_out: false,
        cause: "not connected".into(),
    })?;
    let generation = s.conn.current();
    let cmd = api.command(ContainerId(0), id).await?;
    if s.conn.current() != generation {
        return Ok(cmd);
    }
    s.cmds.edit_log(|log| {
        if let Some(t) = log.iter_mut().find(|t| t.command_id == *id) {
            t.command = Some(cmd.clone());
        }
    });
    Ok(cmd)
}

/// Opens the bulk confirmation for the selected containers: the ones whose
/// state usually takes the action, the others apart (the user may include
/// them), and the ones busy with a command of this console.
pub fn open_bulk(s: Stores, action: Action, restart: bool) {
    // A job still running (its dialog closed) is shown again, never
    // replaced: its pause and cancel stay within reach.
    if s.cmds
        .bulk
        .with_untracked(|b| b.as_ref().is_some_and(|b| b.started && !b.finished()))
    {
        s.ui.dialog.set(Some(Dialog::Bulk));
        return;
    }
    let selected = s.list.selected.get_untracked();
    let job = s.list.view.with_untracked(|v| {
        let mut job = BulkJob {
            action,
            restart,
            items: Vec::new(),
            include_unusual: false,
            skipped: Vec::new(),
            started: false,
            roll_fields: [String::new(), "0".into(), "0".into()],
            roll_error: None,
            roll: None,
        };
        // In display order, so the confirmation reads like the table.
        // (In the fleet view, only those of accounts the user may act on.)
        for r in v
            .rows
            .iter()
            .filter(|r| selected.contains(&r.c.id) && s.can_act_on(r.c.id))
        {
            if s.cmds.busy_untracked(r.c.id) {
                job.skipped.push(r.c.id);
            } else if untrack(|| s.usual(action, &r.c)) {
                job.items.push((r.c.id, BulkState::Waiting));
            } else {
                job.items
                    .push((r.c.id, BulkState::Unusual(r.c.status.clone())));
            }
        }
        job
    });
    s.cmds.bulk.set(Some(job));
    s.ui.dialog.set(Some(Dialog::Bulk));
}

/// Runs the confirmed bulk job: sends the commands, [`BULK_CONCURRENCY`]
/// at a time, and follows them all through the list read every tick (the
/// core's [`Watch`]: about ticks + N reads, not ticks × N), recording each
/// item's result; one toast sums it up.
pub fn run_bulk(s: Stores) {
    let Some(job) = s.cmds.bulk.get_untracked() else {
        return;
    };
    if job.started {
        return;
    }
    let Some(api) = s.conn.api() else { return };
    let plan = match roll_plan(&job) {
        Ok(plan) => plan,
        Err(field) => {
            s.cmds.bulk.update(|b| {
                if let Some(b) = b {
                    b.roll_error = Some(field);
                }
            });
            return;
        }
    };
    s.cmds.bulk.update(|b| {
        if let Some(b) = b {
            b.started = true;
            if b.include_unusual {
                for (_, state) in &mut b.items {
                    if matches!(state, BulkState::Unusual(_)) {
                        *state = BulkState::Waiting;
                    }
                }
            }
        }
    });
    let (action, restart) = (job.action, job.restart);
    if let Some(mut plan) = plan {
        plan.targets = s.cmds.bulk.with_untracked(|b| {
            b.iter()
                .flat_map(|b| b.items.iter())
                .filter(|(_, state)| *state == BulkState::Waiting)
                .map(|(id, _)| *id)
                .collect()
        });
        s.cmds.bulk.update(|b| {
            if let Some(b) = b {
                b.roll = Some((Rollout::new(plan), clock::now_ms()));
            }
        });
        keep_roll(s);
        return roll(s, api, action, restart, Vec::new());
    }
    let queue: Rc<RefCell<VecDeque<ContainerId>>> =
        Rc::new(RefCell::new(s.cmds.bulk.with_untracked(|b| {
            b.iter()
                .flat_map(|b| b.items.iter())
                .filter(|(_, state)| *state == BulkState::Waiting)
                .map(|(id, _)| *id)
                .collect()
        })));
    let n = queue.borrow().len();
    for _ in 0..BULK_CONCURRENCY.min(n) {
        let (queue, api) = (Rc::clone(&queue), Rc::clone(&api));
        s.ui.spawn(async move {
            loop {
                let next = queue.borrow_mut().pop_front();
                let Some(id) = next else { break };
                bulk_one(s, &api, action, restart, id, None).await;
            }
        });
    }
}

/// One item of a bulk job: sent (a restart is followed on its own; the
/// others through the list, by the [`Watch`]), its end recorded by
/// [`bulk_item`]. `since`: a rolling job's container that was running
/// since then when the page was reloaded: once the command it was last sent
/// (followed again from the log) has ended, it picks up where the core's
/// [`RollOp::pick_up`] says.
async fn bulk_one(
    s: Stores,
    api: &Api,
    action: Action,
    restart: bool,
    id: ContainerId,
    since: Option<u64>,
) {
    let op = roll_op(action, restart);
    let mut from = PickUp::Again;
    if let (Some(since), Some(op)) = (since, op) {
        while s.cmds.busy_untracked(id) {
            api.life().sleep(500).await;
        }
        let last = s.cmds.log.with_untracked(|log| {
            log.iter()
                .find(|t| t.container_id == id && t.started_ms >= since)
                .cloned()
        });
        let ended = last.as_ref().and_then(|t| t.ended.clone());
        let sent = last.and_then(|t| Some((t.action()?, ended.as_ref().map(|e| e.ok))));
        from = op.pick_up(sent);
        if from == PickUp::Failed {
            let text = ended.map(|e| e.text).unwrap_or_default();
            return bulk_item(s, id, BulkState::Done(false, text));
        }
    }
    bulk_item(s, id, BulkState::Running);
    if restart && from != PickUp::Check {
        // Two commands and a look between: followed on their own.
        let stopped = (from == PickUp::AfterStop).then(|| Outcome::Succeeded {
            message: String::new(),
        });
        let (ok, text) = restart_and_follow(s, id, false, stopped).await;
        // Rolling: done only when seen RUNNING (a start can succeed and
        // the service fail a moment later).
        let rolling = s
            .cmds
            .bulk
            .with_untracked(|b| b.as_ref().is_some_and(|b| b.roll.is_some()));
        if !(ok && rolling) {
            return bulk_item(s, id, BulkState::Done(ok, text));
        }
    }
    if let Some(op) = op.filter(|_| restart || from == PickUp::Check) {
        return seen_in(s, api, id, op.target()).await;
    }
    let was = s
        .list
        .data
        .with_untracked(|d| d.get(id).map(|r| r.c.status.clone()))
        .unwrap_or(ews_core::ContainerStatus::Unknown(String::new()));
    match issue(s, api, action, id, false).await {
        Ok(Some((entry, _))) => s
            .cmds
            .watch
            .update_value(|w| w.add(id, entry.command_id, action, was, entry.started_ms)),
        Ok(None) => bulk_item(
            s,
            id,
            BulkState::Done(
                false,
                "a command is already running for this container".into(),
            ),
        ),
        Err(e) => bulk_item(s, id, BulkState::Done(false, describe(&e, s.ui.lang()).0)),
    }
}

/// Reads container `id` and records whether it is in `target` state.
async fn seen_in(s: Stores, api: &Api, id: ContainerId, target: ews_core::ContainerStatus) {
    refresh_container(s, api, id).await;
    let status = s
        .list
        .data
        .with_untracked(|d| d.get(id).map(|r| r.c.status.clone()));
    let ok = status.as_ref() == Some(&target);
    let text = match status {
        Some(st) if ok => st.to_string(),
        Some(st) => format!("{st}, not {target}"),
        None => format!("not seen, not {target}"),
    };
    bulk_item(s, id, BulkState::Done(ok, text));
}

/// Keeps the rolling job where the shell keeps it while it runs, so that a
/// reload picks it up ([`resume`]); forgets it once finished. Called where
/// its rollout changes: a batch begun, a container's end, the user's pause,
/// resume or cancel. A job that is not rolling is never kept.
fn keep_roll(s: Stores) {
    let kept = s.cmds.bulk.with_untracked(|b| {
        let b = b.as_ref()?;
        let (r, began) = b.roll.as_ref()?;
        Some((!b.finished()).then(|| (*began, r.encode())))
    });
    let Some(kept) = kept else { return };
    let text =
        kept.and_then(|(began, r)| Some(format!("{began} {}\n{r}", owner(s, &*s.conn.api()?))));
    s.ui.shell().keep_rollout(text.as_deref());
}

/// Whose rolling job a kept one is: the connection's base and the
/// account's name (two accounts on one endpoint are two owners).
fn owner(s: Stores, api: &Api) -> String {
    format!("{}#{}", api.base(), s.conn.shown_name().unwrap_or_default())
}

/// A rolling job kept before a reload, on this connection: shown again and
/// driven on; each container it had running picks up (see [`bulk_one`]).
fn resume_roll(s: Stores, api: &Rc<Api>) {
    let kept = s.ui.shell().kept_rollout().and_then(|text| {
        let (head, kept) = text.split_once('\n')?;
        let (began, base) = head.split_once(' ')?;
        let roll = Rollout::decode(kept).filter(|_| base == owner(s, api))?;
        Some(BulkJob::resumed(roll, began.parse().ok()?))
    });
    let Some(job) = kept.filter(|_| s.cmds.bulk.with_untracked(Option::is_none)) else {
        return;
    };
    let running = job.roll.iter().flat_map(|(r, _)| r.progress());
    let running: Vec<(ContainerId, Option<u64>)> = running
        .filter_map(|(id, p)| match p {
            ews_core::rollout::Progress::Running { since_ms } => Some((*id, Some(*since_ms))),
            _ => None,
        })
        .collect();
    let (action, restart) = (job.action, job.restart);
    s.cmds.bulk.set(Some(job));
    s.ui.dialog.set(Some(Dialog::Bulk));
    roll(s, Rc::clone(api), action, restart, running);
}

/// The rolling operation of an action or a restart (none for delete).
fn roll_op(action: Action, restart: bool) -> Option<RollOp> {
    match (restart, action) {
        (true, _) => Some(RollOp::Restart),
        (false, Action::Start) => Some(RollOp::Start),
        (false, Action::Stop) => Some(RollOp::Stop),
        (false, Action::Delete) => None,
    }
}

/// The rolling plan of a bulk job: `None` without a batch size (all at
/// once), or which field cannot be read.
fn roll_plan(job: &BulkJob) -> Result<Option<Plan>, &'static str> {
    let [batch, pause, tolerance] = &job.roll_fields;
    let batch = batch.trim();
    if batch.is_empty() {
        return Ok(None);
    }
    let whole = |t: &str| t.trim().parse::<u64>().ok();
    let batch = BatchSize::parse(batch).ok_or("batch")?;
    let op = roll_op(job.action, job.restart).ok_or("batch")?;
    Ok(Some(Plan {
        op,
        targets: Vec::new(),
        batch,
        pause_ms: whole(pause).ok_or("pause")?.saturating_mul(1_000),
        tolerance: whole(tolerance).ok_or("tolerance")? as usize,
        // Past the follower's own limit (10 min a command; a restart has
        // two), so a rollout never gives up on a command still followed.
        container_timeout_ms: if op == RollOp::Restart {
            1_260_000
        } else {
            660_000
        },
    }))
}

/// Drives a rolling bulk job as the core's [`Rollout`] says: a batch at a
/// time, each item as [`bulk_one`]; halts past the tolerance, pauses,
/// resumes and cancels when the user says ([`roll_control`]); what never
/// started is marked so. `picks`: containers running before a reload.
fn roll(
    s: Stores,
    api: Rc<Api>,
    action: Action,
    restart: bool,
    mut picks: Vec<(ContainerId, Option<u64>)>,
) {
    s.ui.spawn(async move {
        loop {
            for (id, since) in picks.drain(..) {
                let api = Rc::clone(&api);
                s.ui.spawn(async move { bulk_one(s, &api, action, restart, id, since).await });
            }
            let step = s
                .cmds
                .bulk
                .try_update(|b| {
                    b.as_mut()
                        .and_then(|b| b.roll.as_mut())
                        .map(|(r, _)| (r.next(clock::now_ms()), *r.state() == State::Paused))
                })
                .flatten();
            match step {
                None => return,
                Some((Step::Act(ids), _)) => {
                    keep_roll(s);
                    picks = ids.into_iter().map(|id| (id, None)).collect();
                }
                Some((Step::Wait(ms), _)) => api.life().sleep(ms.clamp(1, 1_000)).await,
                Some((Step::Idle, true)) => api.life().sleep(500).await,
                Some((Step::Idle, false)) => {
                    let left: Vec<ContainerId> = s.cmds.bulk.with_untracked(|b| {
                        b.iter()
                            .flat_map(|b| b.items.iter())
                            .filter(|(_, st)| *st == BulkState::Waiting)
                            .map(|(id, _)| *id)
                            .collect()
                    });
                    for id in left {
                        bulk_item(s, id, BulkState::Left);
                    }
                    return;
                }
            }
        }
    });
}

/// Pauses, resumes or cancels the rolling bulk job (`pause`, `resume`,
/// `cancel`).
pub fn roll_control(s: Stores, what: &str) {
    s.cmds.bulk.update(|b| {
        if let Some((r, _)) = b.as_mut().and_then(|b| b.roll.as_mut()) {
            match what {
                "pause" => r.pause(),
                "resume" => r.resume(),
                "cancel" => r.cancel(),
                _ => {}
            }
        }
    });
    keep_roll(s);
}

/// Sets a bulk item's state; when the job is finished, one toast sums it up.
fn bulk_item(s: Stores, id: ContainerId, state: BulkState) {
    let settles = matches!(state, BulkState::Done(..) | BulkState::Left);
    let mut summary = None;
    s.cmds.bulk.update(|b| {
        let Some(b) = b else { return };
        if let Some(item) = b.items.iter_mut().find(|(i, _)| *i == id) {
            if let (Some((r, _)), BulkState::Done(ok, msg)) = (b.roll.as_mut(), &state) {
                r.on_result(
                    clock::now_ms(),
                    id,
                    if *ok { Ok(()) } else { Err(msg.clone()) },
                );
            }
            item.1 = state;
            if b.finished() {
                let left = b
                    .items
                    .iter()
                    .filter(|(_, s)| *s == BulkState::Left)
                    .count();
                summary = Some((op_label(b.action, b.restart), b.tally(), left));
            }
        }
    });
    if settles {
        keep_roll(s);
    }
    if let Some((label, (ok, bad), left)) = summary {
        let left = if left > 0 {
            format!(", {left} {}", s.t(M::NotStarted))
        } else {
            String::new()
        };
        s.ui.toast(
            Some(bad == 0 && left.is_empty()),
            format!(
                "{}: {}{left}",
                s.t(label),
                s.ui.lang().bulk_summary(ok, bad)
            ),
            None,
        );
    }
}

/// A list read while commands are watched: each container that settled has
/// its command read once, to confirm how it ended.
fn watch_list(s: Stores, api: &Rc<Api>, containers: &[ews_core::Container]) {
    let confirm = s
        .cmds
        .watch
        .try_update_value(|w| w.on_list(clock::now_ms(), containers));
    for command_id in confirm.unwrap_or_default() {
        let api = Rc::clone(api);
        s.ui.spawn(async move {
            let now = || clock::now_ms();
            let of = s.cmds.watch.with_value(|w| {
                w.items()
                    .iter()
                    .find(|x| x.command == command_id)
                    .map_or(ContainerId(0), |x| x.container)
            });
            let done = match api.command(of, &command_id).await {
                Ok(cmd) => s
                    .cmds
                    .watch
                    .try_update_value(|w| w.on_command(now(), &cmd))
                    .flatten(),
                Err(e) => s
                    .cmds
                    .watch
                    .try_update_value(|w| {
                        w.on_command_failure(&command_id, e.is_transient(), e.to_string())
                    })
                    .flatten(),
            };
            if let Some((container, outcome)) = done {
                ended(s, &command_id, &outcome, 1, None);
                bulk_item(
                    s,
                    container,
                    BulkState::Done(outcome.is_success(), s.ui.lang().outcome(&outcome)),
                );
            }
        });
    }
}
