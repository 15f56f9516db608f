//! Which actions make sense from which container state: one rule for every
//! UI (buttons are enabled by it) and for the simulator (which answers
//! `1007 StatusError` when it is broken).
//!
//! | state | start | stop | delete |
//! |---|---|---|---|
//! | ALLOCATED, STOPPED, STARTFAILED, FAIL | yes | | yes |
//! | RUNFAILED (a docker process exists) | yes | yes | |
//! | RUNNING, LOGIN, STOPFAILED | | yes | |
//! | ALLOCATING, STARTING, STOPPING (in transition) | | | |
//! | unknown | | | |
//!
//! Deleting is allowed only where nothing runs, so a running container must
//! be stopped (and seen stopped) first; unknown states allow nothing.

use core::fmt;

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

    /// Whether the action makes sense for a container in `status`.
    pub fn allowed_from(self, status: &ContainerStatus) -> bool {
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

    /// The actions allowed from `status`.
    pub fn allowed(status: &ContainerStatus) -> impl Iterator<Item = Action> + '_ {
        Action::ALL
            .into_iter()
            .filter(move |a| a.allowed_from(status))
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

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
