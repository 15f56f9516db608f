//! Following many commands for the price of few: through the container
//! list the client reads anyway.
//!
//! Polling each of N running commands costs N reads per tick. A [`Watch`]
//! instead reads the list once per tick (the same read that refreshes the
//! list view) and looks at each watched container: still passing through
//! (STARTING, STOPPING…) → wait; settled (the action's target state, a
//! failed state, gone, or unchanged for longer than a grace period) → read
//! its command **once** to confirm how it ended and with which message.
//! Following N commands then costs about *ticks + N* reads, not
//! *ticks × N*. Each command still ends in the same [`Outcome`]s as when
//! followed alone, with the same deadline.
//!
//! Pure state, no clock, no I/O: the driver reads the list when
//! [`Watch::next_tick`] says, hands it over, reads the commands it is told
//! to, and hands those over.

use alloc::vec::Vec;

use crate::action::Action;
use crate::command::{FollowPolicy, Outcome};
use crate::id::{CommandId, ContainerId};
use crate::types::{Command, Container, ContainerStatus};

/// The list is read this often while commands are watched, ms.
pub const TICK_MS: u64 = 2_000;
/// A container still in the state it was in before the action is looked
/// at through its command after this long (the command may have failed to
/// publish, and the service restored the state), ms.
pub const UNCHANGED_GRACE_MS: u64 = 6_000;

/// Where one watched command stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watching {
    /// Waiting for the list to show it settled.
    Waiting,
    /// Its command must be read once (the list says it settled).
    Confirm,
    /// It ended (its outcome went to the driver).
    Done,
}

/// One watched command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watched {
    /// The container.
    pub container: ContainerId,
    /// The command acting on it.
    pub command: CommandId,
    /// What it does.
    pub action: Action,
    /// The container's state before the action.
    pub from: ContainerStatus,
    /// When it was issued, local ms.
    pub started_ms: u64,
    /// Where it stands.
    pub state: Watching,
    /// Its command reads so far.
    pub reads: u32,
    /// Not read again before this (after a read that found it running).
    pub not_before_ms: u64,
}

/// Many commands, followed through the list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Watch {
    policy: FollowPolicy,
    items: Vec<Watched>,
    list_reads: u32,
}

/// Whether `status` is a failed end of `action` (the command then says
/// why).
fn failed_state(action: Action, status: &ContainerStatus) -> bool {
    use ContainerStatus as S;
    match action {
        Action::Start => matches!(status, S::StartFailed | S::RunFailed | S::Fail),
        Action::Stop => matches!(status, S::StopFailed),
        Action::Delete => false,
    }
}

impl Watch {
    /// Nothing watched yet; commands time out after `policy.timeout_ms`.
    pub fn new(policy: FollowPolicy) -> Watch {
        Watch {
            policy,
            items: Vec::new(),
            list_reads: 0,
        }
    }

    /// Watches `command` acting on `container` (in state `from` before it),
    /// issued at local `started_ms`.
    pub fn add(
        &mut self,
        container: ContainerId,
        command: CommandId,
        action: Action,
        from: ContainerStatus,
        started_ms: u64,
    ) {
        self.items.push(Watched {
            container,
            command,
            action,
            from,
            started_ms,
            state: Watching::Waiting,
            reads: 0,
            not_before_ms: started_ms,
        });
    }

    /// Every watched command.
    pub fn items(&self) -> &[Watched] {
        &self.items
    }

    /// Whether any command is still watched (not ended).
    pub fn is_active(&self) -> bool {
        self.items
            .iter()
            .any(|w| !matches!(w.state, Watching::Done))
    }

    /// Reads made: (lists, commands).
    pub fn reads(&self) -> (u32, u32) {
        (self.list_reads, self.items.iter().map(|w| w.reads).sum())
    }

    /// When the list should next be read, given it was last read at
    /// `last_list_ms` (`None`: nothing left to watch).
    pub fn next_tick(&self, last_list_ms: u64) -> Option<u64> {
        self.is_active().then_some(last_list_ms + TICK_MS)
    }

    /// A list read at local `now_ms` brought `containers`. Returns the
    /// commands to read once now (their containers settled, or their time
    /// ran out).
    pub fn on_list(&mut self, now_ms: u64, containers: &[Container]) -> Vec<CommandId> {
        self.list_reads = self.list_reads.saturating_add(1);
        let mut read = Vec::new();
        for w in &mut self.items {
            if !matches!(w.state, Watching::Waiting) {
                continue;
            }
            let elapsed = now_ms.saturating_sub(w.started_ms);
            let settled = match containers.iter().find(|c| c.id == w.container) {
                None => true,
                Some(c) if c.status.is_transitional() => false,
                Some(c) if Some(&c.status) == w.action.target_status().as_ref() => true,
                Some(c) if failed_state(w.action, &c.status) => true,
                Some(c) if c.status == w.from => elapsed >= UNCHANGED_GRACE_MS,
                Some(_) => true,
            };
            let due = now_ms >= w.not_before_ms;
            if (settled && due) || elapsed >= self.policy.timeout_ms {
                w.state = Watching::Confirm;
                read.push(w.command.clone());
            }
        }
        read
    }

    /// The confirming read of a command brought `cmd` at local `now_ms`:
    /// its outcome when it has ended (with its container), else it is
    /// watched again (or times out).
    pub fn on_command(&mut self, now_ms: u64, cmd: &Command) -> Option<(ContainerId, Outcome)> {
        let timeout = self.policy.timeout_ms;
        let w = self
            .items
            .iter_mut()
            .find(|w| w.command == cmd.command_id && matches!(w.state, Watching::Confirm))?;
        w.reads = w.reads.saturating_add(1);
        let elapsed = now_ms.saturating_sub(w.started_ms);
        let outcome = match Outcome::of(cmd) {
            Some(o) => o,
            None if elapsed >= timeout => Outcome::TimedOut {
                last_status: Some(cmd.status.clone()),
                after_ms: elapsed,
            },
            None => {
                // The list ran ahead of the command (or the container looks
                // unchanged while it runs): look again a grace period later.
                w.state = Watching::Waiting;
                w.not_before_ms = now_ms + UNCHANGED_GRACE_MS;
                return None;
            }
        };
        w.state = Watching::Done;
        Some((w.container, outcome))
    }

    /// The confirming read of `command` failed at local `now_ms`: a
    /// transient failure is tried again at the next tick; another ends it
    /// as [`Outcome::Lost`].
    pub fn on_command_failure(
        &mut self,
        command: &CommandId,
        transient: bool,
        reason: alloc::string::String,
    ) -> Option<(ContainerId, Outcome)> {
        let w = self
            .items
            .iter_mut()
            .find(|w| w.command == *command && matches!(w.state, Watching::Confirm))?;
        w.reads = w.reads.saturating_add(1);
        if transient && w.reads < self.policy.max_consecutive_errors {
            w.state = Watching::Waiting;
            return None;
        }
        w.state = Watching::Done;
        Some((w.container, Outcome::Lost { reason }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    fn c(id: u64, status: &str) -> Container {
        Container::new(ContainerId(id), ContainerStatus::parse(status))
    }

    fn cmd(id: &str, status: &str, result: &str) -> Command {
        let body = format!(
            r#"{{"code":"0","data":{{"commandId":"{id}","status":"{status}","result":"{result}","resultMsg":"m"}}}}"#
        );
        crate::decode::command(200, body.as_bytes()).unwrap()
    }

    fn id(s: &str) -> CommandId {
        CommandId::new(s).unwrap()
    }

    #[test]
    fn n_commands_for_ticks_plus_n_reads() {
        let mut w = Watch::new(FollowPolicy::default());
        for i in 0..12u64 {
            w.add(
                ContainerId(i),
                id(&format!("c{i}")),
                Action::Start,
                ContainerStatus::Stopped,
                0,
            );
        }
        let mut now = 0;
        let mut done = 0;
        while w.is_active() {
            now = w.next_tick(now).unwrap();
            // Container i is running from 1 s × i on.
            let list: Vec<Container> = (0..12u64)
                .map(|i| {
                    c(
                        i,
                        if now >= 1_000 * i {
                            "RUNNING"
                        } else {
                            "STARTING"
                        },
                    )
                })
                .collect();
            for command in w.on_list(now, &list) {
                let (_, outcome) = w
                    .on_command(now, &cmd(command.as_str(), "DONE", "200"))
                    .unwrap();
                assert!(outcome.is_success());
                done += 1;
            }
        }
        assert_eq!(done, 12);
        let (lists, commands) = w.reads();
        assert_eq!(commands, 12, "one confirming read each");
        assert_eq!(lists, 6, "ticks: the last container runs at 11 s");
    }

    #[test]
    fn failures_gone_and_unchanged_containers_are_confirmed() {
        let mut w = Watch::new(FollowPolicy::default());
        w.add(
            ContainerId(1),
            id("a"),
            Action::Start,
            ContainerStatus::Stopped,
            0,
        );
        w.add(
            ContainerId(2),
            id("b"),
            Action::Delete,
            ContainerStatus::Stopped,
            0,
        );
        w.add(
            ContainerId(3),
            id("c"),
            Action::Stop,
            ContainerStatus::Running,
            0,
        );
        let list = [c(1, "STARTFAILED"), c(3, "RUNNING")];
        let read = w.on_list(2_000, &list);
        assert_eq!(
            read,
            [id("a"), id("b")],
            "failed and gone; 3 unchanged for now"
        );
        let (_, o) = w.on_command(2_000, &cmd("a", "DONE", "500")).unwrap();
        assert!(o.is_failure());
        let (_, o) = w.on_command(2_000, &cmd("b", "DONE", "200")).unwrap();
        assert!(o.is_success());
        // Unchanged past the grace period: the command says (publish failed).
        assert_eq!(w.on_list(UNCHANGED_GRACE_MS, &list), [id("c")]);
        let (container, o) = w
            .on_command(6_000, &cmd("c", "PUBLISH_FAILED", ""))
            .unwrap();
        assert_eq!((container, o.kind()), (ContainerId(3), "publish_failed"));
        assert!(!w.is_active());
        assert_eq!(w.next_tick(6_000), None);
    }

    #[test]
    fn a_command_not_ended_yet_is_watched_again_until_the_deadline() {
        let p = FollowPolicy {
            timeout_ms: 10_000,
            ..FollowPolicy::default()
        };
        let mut w = Watch::new(p);
        w.add(
            ContainerId(1),
            id("a"),
            Action::Start,
            ContainerStatus::Stopped,
            0,
        );
        assert_eq!(w.on_list(2_000, &[c(1, "RUNNING")]), [id("a")]);
        // The list ran ahead of the command: watch again, not read again
        // before a grace period.
        assert_eq!(w.on_command(2_000, &cmd("a", "RUNNING", "")), None);
        assert_eq!(w.items()[0].state, Watching::Waiting);
        assert!(w.on_list(4_000, &[c(1, "RUNNING")]).is_empty());
        assert_eq!(w.on_list(10_000, &[c(1, "STARTING")]), [id("a")]);
        let (_, o) = w.on_command(10_000, &cmd("a", "RUNNING", "")).unwrap();
        assert_eq!(o.kind(), "timed_out");
        // Failed reads: transient ones retried, then lost.
        let mut w = Watch::new(FollowPolicy::default());
        w.add(
            ContainerId(2),
            id("b"),
            Action::Stop,
            ContainerStatus::Running,
            0,
        );
        w.on_list(2_000, &[c(2, "STOPPED")]);
        assert_eq!(w.on_command_failure(&id("b"), true, "503".into()), None);
        w.on_list(4_000, &[c(2, "STOPPED")]);
        let (_, o) = w
            .on_command_failure(&id("b"), false, "gone".into())
            .unwrap();
        assert_eq!(o.kind(), "lost");
    }
}
