//! Commands: the one running for each busy container, this session's
//! activity log (kept where the shell keeps it, so a reload resumes
//! following), and the bulk job.

use std::rc::Rc;

use ews_core::{Action, CommandId, ContainerId};
use leptos::prelude::*;
use rustc_hash::FxHashMap as HashMap;

use crate::activity::LogEntry;
use crate::shell::Shell;

/// A command running for one container, as its row shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowOp {
    /// What was asked.
    pub action: Action,
    /// `STATUS · Activity › step`.
    pub progress: String,
    /// The command, once known.
    pub command_id: Option<CommandId>,
}

/// One target of a bulk action.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum BulkState {
    /// Its state does not usually take the action (the state, as shown):
    /// listed, left out unless the user includes it.
    Unusual(ews_core::ContainerStatus),
    /// Not started.
    Waiting,
    /// Command running.
    Running,
    /// Done: succeeded or not, with the message.
    Done(bool, String),
    /// Never started: the rolling job halted or was cancelled first.
    Left,
}

/// A bulk action: confirmation, then per-item progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BulkJob {
    /// What to do.
    pub action: Action,
    /// A restart of each (`action` is then its first step, the stop).
    pub restart: bool,
    /// Every selected container that is not busy, with its progress; the
    /// ones whose state does not usually take the action are listed too
    /// (never silently dropped), and run only if the user includes them.
    pub items: Vec<(ContainerId, BulkState)>,
    /// The user included the unusual ones.
    pub include_unusual: bool,
    /// Selected containers a command of this console is already running for.
    pub skipped: Vec<ContainerId>,
    /// Confirmed and running (or done).
    pub started: bool,
    /// Rolling: batch size (`5`, `20%`; empty: all at once, four at a
    /// time), pause between batches in s, failures allowed — as typed.
    pub roll_fields: [String; 3],
    /// Which of [`BulkJob::roll_fields`] cannot be read.
    pub roll_error: Option<&'static str>,
    /// The rolling job, once confirmed with a batch size, and when it began.
    pub roll: Option<(ews_core::rollout::Rollout, u64)>,
}

impl BulkJob {
    /// The job of a rolling operation kept before a reload, begun at
    /// `began_ms`: its targets as the rollout has them.
    pub fn resumed(roll: ews_core::rollout::Rollout, began_ms: u64) -> BulkJob {
        use ews_core::rollout::{Progress, RollOp};
        let op = roll.plan().op;
        let items = roll
            .progress()
            .iter()
            .map(|(id, p)| {
                let state = match p {
                    Progress::Pending => BulkState::Waiting,
                    Progress::Running { .. } => BulkState::Running,
                    Progress::Succeeded { .. } => BulkState::Done(true, String::new()),
                    Progress::Failed { reason } => BulkState::Done(false, reason.clone()),
                    Progress::NotStarted => BulkState::Left,
                };
                (*id, state)
            })
            .collect();
        BulkJob {
            action: if op == RollOp::Start {
                Action::Start
            } else {
                Action::Stop
            },
            restart: op == RollOp::Restart,
            items,
            include_unusual: false,
            skipped: Vec::new(),
            started: true,
            // Read only before confirming.
            roll_fields: Default::default(),
            roll_error: None,
            roll: Some((roll, began_ms)),
        }
    }

    /// How many listed targets their state does not usually take it from.
    pub fn unusual(&self) -> usize {
        self.items
            .iter()
            .filter(|(_, s)| matches!(s, BulkState::Unusual(_)))
            .count()
    }

    /// How many containers confirming would act on.
    pub fn targets(&self) -> usize {
        if self.include_unusual {
            self.items.len()
        } else {
            self.items.len() - self.unusual()
        }
    }

    /// How many succeeded and failed so far.
    pub fn tally(&self) -> (usize, usize) {
        self.items.iter().fold((0, 0), |(ok, bad), (_, s)| match s {
            BulkState::Done(true, _) => (ok + 1, bad),
            BulkState::Done(false, _) => (ok, bad + 1),
            _ => (ok, bad),
        })
    }

    /// Whether every item is done (or was left out).
    pub fn finished(&self) -> bool {
        self.started
            && self.items.iter().all(|(_, s)| {
                matches!(
                    s,
                    BulkState::Done(..) | BulkState::Unusual(_) | BulkState::Left
                )
            })
    }
}

/// The command store.
#[derive(Clone, Copy)]
pub struct CommandStore {
    /// Running commands per container.
    pub ops: RwSignal<HashMap<ContainerId, RowOp>>,
    /// This session's commands, newest first.
    pub log: RwSignal<Vec<LogEntry>>,
    /// The bulk job.
    pub bulk: RwSignal<Option<BulkJob>>,
    /// The commands followed through the list (the bulk job's).
    pub watch: StoredValue<ews_core::watch::Watch>,
    shell: StoredValue<Rc<Shell>, LocalStorage>,
    /// The account whose log this is (each account keeps its own).
    account: StoredValue<String>,
}

impl CommandStore {
    /// The store of a console in `shell`, with the log the shell kept.
    pub fn new(shell: Rc<Shell>) -> CommandStore {
        CommandStore {
            ops: RwSignal::new(HashMap::default()),
            log: RwSignal::new(shell.load_activity("")),
            bulk: RwSignal::new(None),
            watch: StoredValue::new(ews_core::watch::Watch::new(
                ews_core::FollowPolicy::default(),
            )),
            shell: StoredValue::new_local(shell),
            account: StoredValue::new(String::new()),
        }
    }

    /// Edits the log of the account named `account`: the one shown, or the
    /// one kept in storage for another (a command issued just before a
    /// switch of account is logged where it belongs, and followed there).
    pub fn edit_log_of(&self, account: &str, f: impl FnOnce(&mut Vec<LogEntry>)) {
        if self.account.with_value(|a| a == account) {
            return self.edit_log(f);
        }
        let shell = self.shell.with_value(Rc::clone);
        let mut log = shell.load_activity(account);
        f(&mut log);
        shell.save_activity(account, &log);
    }

    /// The name of the log shown (its account's, or the fleet view's).
    pub fn log_name(&self) -> String {
        self.account.get_value()
    }

    /// Shows the activity log of the account named `name`.
    pub fn use_account(&self, name: &str) {
        if self.account.with_value(|a| a != name) {
            self.account.set_value(name.to_string());
            let shell = self.shell.with_value(Rc::clone);
            self.log.set(shell.load_activity(name));
        }
    }

    /// The store from context.
    pub fn get() -> CommandStore {
        expect_context::<CommandStore>()
    }

    /// Edits the activity log (and keeps it where the shell keeps it).
    pub fn edit_log(&self, f: impl FnOnce(&mut Vec<LogEntry>)) {
        self.log.update(f);
        let shell = self.shell.with_value(Rc::clone);
        self.account
            .with_value(|a| self.log.with_untracked(|log| shell.save_activity(a, log)));
    }

    /// Whether a command is running for this container (tracked).
    pub fn busy(&self, id: ContainerId) -> bool {
        self.ops.with(|m| m.contains_key(&id))
    }

    /// Whether a command is running for this container (untracked).
    pub fn busy_untracked(&self, id: ContainerId) -> bool {
        self.ops.with_untracked(|m| m.contains_key(&id))
    }

    /// The progress shown for a container's running command (tracked).
    pub fn progress(&self, id: ContainerId) -> Option<String> {
        self.ops.with(|m| m.get(&id).map(|o| o.progress.clone()))
    }

    /// Marks a container busy with `op`; `false` when a command already
    /// runs for it (no double submission).
    pub fn claim(&self, id: ContainerId, op: RowOp) -> bool {
        let mut claimed = false;
        self.ops.update(|m| {
            if let std::collections::hash_map::Entry::Vacant(e) = m.entry(id) {
                e.insert(op);
                claimed = true;
            }
        });
        claimed
    }

    /// The container is no longer busy.
    pub fn release(&self, id: ContainerId) {
        self.ops.update(|m| {
            m.remove(&id);
        });
    }

    /// Forgets running commands, the bulk job and the commands watched
    /// through the list (on disconnect or a switch of account; the log
    /// stays, and resumes on the account's next connection).
    pub fn clear(&self) {
        self.ops.set(HashMap::default());
        self.bulk.set(None);
        self.watch.set_value(ews_core::watch::Watch::new(
            ews_core::FollowPolicy::default(),
        ));
    }
}
