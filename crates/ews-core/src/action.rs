//! The actions on a container, and which of them *usually* suit a state.
//!
//! The API documentation says nothing about which action is allowed in
//! which state: the service decides, and refuses what it will not do with
//! `1007 StatusError`. This table is ours, and it is **advice, not a
//! lock**: a UI shows the usual actions prominently and keeps every other
//! one reachable behind a confirmation that says the service may refuse it
//! (a container stuck in `STARTING` for an hour must still be stoppable,
//! and a state the service adds tomorrow must not freeze its containers).
//!
//! | state | start | stop | delete |
//! |---|---|---|---|
//! | ALLOCATED, STOPPED, STARTFAILED, FAIL | usual | | usual |
//! | RUNFAILED (a docker process exists) | usual | usual | |
//! | RUNNING, LOGIN, STOPFAILED | | usual | |
//! | ALLOCATING, STARTING, STOPPING (passing through) | | | |
//! | STARTING, STOPPING, [stuck](is_stuck) there | | usual | |
//! | unknown | | | |
//!
//! Deleting is usual only where nothing runs, so a running container is
//! stopped (and seen stopped) first; in a passing or unknown state the usual
//! thing is to wait, until the container has been there for
//! [`STUCK_AFTER_MS`]: then stopping a hung start or stop is the usual way
//! out (a stuck ALLOCATING has none: the service must place it).

use core::fmt;

use crate::time::DEFAULT_SERVER_UTC_OFFSET_MIN;
use crate::types::Container;

use crate::id::ContainerId;
use crate::request::Operation;
use crate::types::ContainerStatus;

/// A state-changing action on a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Start a container.
    Start,
    /// Stop a container.
    Stop,
    /// Delete a container.
    Delete,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 3] = [Action::Start, Action::Stop, Action::Delete];

    /// Whether the action is a usual one for a container in `status` (see
    /// the module: advice, never a lock).
    pub fn usual_from(self, status: &ContainerStatus) -> bool {
        use ContainerStatus as S;
        match self {
            Action::Start => matches!(
                status,
                S::Allocated | S::Stopped | S::StartFailed | S::Fail | S::RunFailed
            ),
            Action::Stop => matches!(status, S::Running | S::Login | S::StopFailed | S::RunFailed),
            Action::Delete => {
                matches!(status, S::Allocated | S::Stopped | S::StartFailed | S::Fail)
            }
        }
    }

    /// Whether the action is a usual one for a container in `status` that
    /// is `stuck` there or not (see [`is_stuck`]).
    pub fn usual_when(self, status: &ContainerStatus, stuck: bool) -> bool {
        self.usual_from(status)
            || (stuck
                && self == Action::Stop
                && matches!(
                    status,
                    ContainerStatus::Starting | ContainerStatus::Stopping
                ))
    }

    /// The usual actions for `status`, in the order start, stop, delete.
    pub fn usual(status: &ContainerStatus) -> impl Iterator<Item = Action> + '_ {
        Action::ALL
            .into_iter()
            .filter(move |a| a.usual_from(status))
    }

    /// The operation that performs it.
    pub fn operation(self, id: ContainerId) -> Operation {
        match self {
            Action::Start => Operation::StartContainer(id),
            Action::Stop => Operation::StopContainer(id),
            Action::Delete => Operation::DeleteContainer(id),
        }
    }

    /// The action an operation performs, if it performs one.
    pub fn of(op: &Operation) -> Option<(Action, ContainerId)> {
        match op {
            Operation::StartContainer(id) => Some((Action::Start, *id)),
            Operation::StopContainer(id) => Some((Action::Stop, *id)),
            Operation::DeleteContainer(id) => Some((Action::Delete, *id)),
            _ => None,
        }
    }

    /// The command name the API gives it: `container_start`, …
    pub fn command_name(self) -> &'static str {
        match self {
            Action::Start => "container_start",
            Action::Stop => "container_stop",
            Action::Delete => "container_delete",
        }
    }

    /// The action of a command name the API gives (`container_start`…).
    pub fn of_command_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.command_name() == name)
    }

    /// `start`, `stop` or `delete`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Start => "start",
            Action::Stop => "stop",
            Action::Delete => "delete",
        }
    }

    /// Parses `start`, `stop` or `delete`.
    pub fn parse(text: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == text)
    }

    /// The state a container passes through while the action runs.
    pub fn transitional_status(self) -> Option<ContainerStatus> {
        match self {
            Action::Start => Some(ContainerStatus::Starting),
            Action::Stop => Some(ContainerStatus::Stopping),
            Action::Delete => None,
        }
    }

    /// The state a container is in after the action succeeded (`None`: it is gone).
    pub fn target_status(self) -> Option<ContainerStatus> {
        match self {
            Action::Start => Some(ContainerStatus::Running),
            Action::Stop => Some(ContainerStatus::Stopped),
            Action::Delete => None,
        }
    }
}

/// How long a container may stay in a passing state (ALLOCATING,
/// STARTING, STOPPING) before it is called stuck: 5 minutes. The service
/// moves them on in seconds; after this, waiting is no longer the advice.
pub const STUCK_AFTER_MS: u64 = 5 * 60_000;

/// The earliest moment (server clock, ms since the Unix epoch) a container
/// is known to have been in its current passing state: the client's own
/// observation (`seen_since_ms`: when it first saw the container in this
/// state), or, for ALLOCATING, its `createTime` (a container is allocated
/// when it is created). `None` when it is not in a passing state or nothing
/// is known. The API records no time for entering STARTING or STOPPING, so
/// for those only an observation counts.
pub fn passing_since(c: &Container, seen_since_ms: Option<u64>) -> Option<u64> {
    if !c.status.is_transitional() {
        return None;
    }
    let created = (c.status == ContainerStatus::Allocating)
        .then(|| c.create_time.unix_ms(DEFAULT_SERVER_UTC_OFFSET_MIN))
        .flatten()
        .and_then(|ms| u64::try_from(ms).ok());
    match (seen_since_ms, created) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Whether a container in `status` since `since_ms` (see [`passing_since`])
/// is stuck at `now_ms`: in a passing state for [`STUCK_AFTER_MS`] or more.
pub fn is_stuck(status: &ContainerStatus, since_ms: Option<u64>, now_ms: u64) -> bool {
    status.is_transitional()
        && since_ms.is_some_and(|since| now_ms.saturating_sub(since) >= STUCK_AFTER_MS)
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
