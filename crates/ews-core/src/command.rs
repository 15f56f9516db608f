//! The command-following policy: when to poll a running command again, when
//! to give up, and what the outcome is. Pure: the caller passes the time
//! since the command was issued and the latest status it saw.
//!
//! The default polls quickly at first (most commands end within seconds, and
//! an operator wants to know at once), then backs off in proportion to the
//! time already spent, up to a cap:
//!
//! * first check 500 ms after issuing,
//! * then every `max(1 s, elapsed / 2)`, capped at 5 s,
//! * give up after 10 minutes without a final status,
//! * on transient errors (5xx, timeouts, garbled bodies) keep going with the
//!   same schedule; after 5 in a row, or on any other error, stop following.
//!
//! A command succeeded only when it is `DONE` with result `"200"`.

use alloc::string::String;
use core::fmt;

use crate::error::Error;
use crate::types::{Command, CommandStatus};

/// When to poll, and when to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowPolicy {
    /// Delay before the first poll, ms.
    pub first_delay_ms: u64,
    /// Shortest delay after the first poll, ms.
    pub min_delay_ms: u64,
    /// The delay grows to this share (percent) of the time elapsed so far.
    pub elapsed_percent: u64,
    /// Longest delay, ms.
    pub max_delay_ms: u64,
    /// Give up when no final status was seen after this long, ms.
    pub timeout_ms: u64,
    /// Give up after this many transient errors in a row.
    pub max_consecutive_errors: u32,
}

impl Default for FollowPolicy {
    fn default() -> Self {
        FollowPolicy {
            first_delay_ms: 500,
            min_delay_ms: 1_000,
            elapsed_percent: 50,
            max_delay_ms: 5_000,
            timeout_ms: 10 * 60 * 1000,
            max_consecutive_errors: 5,
        }
    }
}

/// What to do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Poll `GET /api/v1/command/{id}` again after this many ms.
    PollIn(u64),
    /// Stop following: this is the outcome.
    Done(Outcome),
}

/// How a command ended, as far as the client can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// `DONE` with result `"200"`.
    Succeeded {
        /// The server's result message (often empty).
        message: String,
    },
    /// `DONE` with another result.
    Failed {
        /// The result code.
        result: String,
        /// The server's `resultMsg`.
        message: String,
    },
    /// `PUBLISH_FAILED`: the command never ran.
    PublishFailed {
        /// The server's `resultMsg`.
        message: String,
    },
    /// No final status within the policy's timeout; the command may still end.
    TimedOut {
        /// The last status seen.
        last_status: Option<CommandStatus>,
        /// How long it was followed, ms.
        after_ms: u64,
    },
    /// Following stopped on an error; whether the command worked is unknown.
    Lost {
        /// The error, as shown to users.
        reason: String,
    },
}

impl Outcome {
    /// Whether the action is known to have worked.
    pub fn is_success(&self) -> bool {
        matches!(self, Outcome::Succeeded { .. })
    }

    /// Whether it is known to have failed (as opposed to unknown).
    pub fn is_failure(&self) -> bool {
        matches!(self, Outcome::Failed { .. } | Outcome::PublishFailed { .. })
    }

    /// `succeeded`, `failed`, `publish_failed`, `timed_out` or `lost`.
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Succeeded { .. } => "succeeded",
            Outcome::Failed { .. } => "failed",
            Outcome::PublishFailed { .. } => "publish_failed",
            Outcome::TimedOut { .. } => "timed_out",
            Outcome::Lost { .. } => "lost",
        }
    }

    /// The outcome a final command reports (`None` while it runs).
    pub fn of(cmd: &Command) -> Option<Outcome> {
        match cmd.status {
            CommandStatus::Done if cmd.succeeded() => Some(Outcome::Succeeded {
                message: cmd.result_msg.clone(),
            }),
            CommandStatus::Done => Some(Outcome::Failed {
                result: cmd.result.clone(),
                message: cmd.result_msg.clone(),
            }),
            CommandStatus::PublishFailed => Some(Outcome::PublishFailed {
                message: cmd.result_msg.clone(),
            }),
            _ => None,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let with_msg = |f: &mut fmt::Formatter<'_>, head: &str, msg: &str| {
            f.write_str(head)?;
            if !msg.is_empty() {
                write!(f, ": {msg}")?;
            }
            Ok(())
        };
        match self {
            Outcome::Succeeded { message } => with_msg(f, "succeeded", message),
            Outcome::Failed { result, message } => {
                let head = if result.is_empty() {
                    String::from("failed")
                } else {
                    alloc::format!("failed (result {result})")
                };
                with_msg(f, &head, message)
            }
            Outcome::PublishFailed { message } => {
                with_msg(f, "failed: the command could not be published", message)
            }
            Outcome::TimedOut {
                last_status,
                after_ms,
            } => {
                write!(f, "no result after {} s", after_ms / 1000)?;
                if let Some(s) = last_status {
                    write!(f, " (last status {s})")?;
                }
                f.write_str("; it may still finish: refresh the container to see its state")
            }
            Outcome::Lost { reason } => write!(
                f,
                "could not follow the command ({reason}); refresh the container to see its state"
            ),
        }
    }
}

impl FollowPolicy {
    /// The delay before the next poll when `elapsed_ms` have passed since
    /// the command was issued.
    pub fn delay_at(&self, elapsed_ms: u64) -> u64 {
        if elapsed_ms < self.first_delay_ms {
            return self.first_delay_ms - elapsed_ms;
        }
        (elapsed_ms.saturating_mul(self.elapsed_percent) / 100)
            .max(self.min_delay_ms)
            .min(self.max_delay_ms)
    }

    /// What to do after seeing `cmd` at `elapsed_ms` since it was issued
    /// (the response to start/stop/delete counts as the first sighting).
    pub fn after_status(&self, elapsed_ms: u64, cmd: &Command) -> Next {
        if let Some(outcome) = Outcome::of(cmd) {
            return Next::Done(outcome);
        }
        self.poll_or_time_out(elapsed_ms, Some(cmd.status.clone()))
    }

    /// What to do after a poll failed with `error`; `consecutive` counts this
    /// one, `last_status` is the last status seen.
    pub fn after_error(
        &self,
        elapsed_ms: u64,
        consecutive: u32,
        error: &Error,
        last_status: Option<CommandStatus>,
    ) -> Next {
        let mut reason = String::new();
        let _ = fmt::write(&mut reason, format_args!("{error}"));
        self.after_failure(
            elapsed_ms,
            consecutive,
            error.is_transient(),
            reason,
            last_status,
        )
    }

    /// What to do after a poll failed without an [`Error`] to show for it,
    /// such as a transport that got no answer at all (connection refused,
    /// reset, timed out): `transient` says whether retrying may help,
    /// `reason` is shown to users if following stops. Same rule as
    /// [`FollowPolicy::after_error`], which is this with the error's
    /// [`Error::is_transient`] and `Display`.
    pub fn after_failure(
        &self,
        elapsed_ms: u64,
        consecutive: u32,
        transient: bool,
        reason: String,
        last_status: Option<CommandStatus>,
    ) -> Next {
        if !transient || consecutive >= self.max_consecutive_errors {
            return Next::Done(Outcome::Lost { reason });
        }
        self.poll_or_time_out(elapsed_ms, last_status)
    }

    fn poll_or_time_out(&self, elapsed_ms: u64, last_status: Option<CommandStatus>) -> Next {
        if elapsed_ms >= self.timeout_ms {
            return Next::Done(Outcome::TimedOut {
                last_status,
                after_ms: elapsed_ms,
            });
        }
        let delay = self.delay_at(elapsed_ms);
        // Never sleep past the deadline: the last poll lands on it.
        Next::PollIn(delay.min(self.timeout_ms - elapsed_ms).max(1))
    }

    /// The elapsed times at which a command that ends at `ends_at_ms` is
    /// polled, and when its end is seen: for benchmarks and docs.
    pub fn schedule_for(&self, ends_at_ms: u64) -> (u32, u64) {
        let mut t = 0;
        let mut polls = 0;
        loop {
            t += self.delay_at(t);
            polls += 1;
            if t >= ends_at_ms || t >= self.timeout_ms {
                return (polls, t);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_failure_keeps_polling_while_transient() {
        let p = FollowPolicy::default();
        let next = p.after_failure(
            2_000,
            1,
            true,
            String::from("no answer"),
            Some(CommandStatus::Running),
        );
        assert_eq!(next, Next::PollIn(p.delay_at(2_000)));
        // Past the deadline it times out with the last status seen.
        let next = p.after_failure(p.timeout_ms, 1, true, String::from("x"), None);
        assert!(
            matches!(next, Next::Done(Outcome::TimedOut { .. })),
            "{next:?}"
        );
    }

    #[test]
    fn after_failure_stops_on_lasting_or_repeated_failures() {
        let p = FollowPolicy::default();
        let lost = |next: Next| match next {
            Next::Done(Outcome::Lost { reason }) => reason,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            lost(p.after_failure(2_000, 1, false, String::from("refused"), None)),
            "refused"
        );
        let reason = lost(p.after_failure(
            2_000,
            p.max_consecutive_errors,
            true,
            String::from("no answer"),
            None,
        ));
        assert_eq!(reason, "no answer");
        assert!(matches!(
            p.after_failure(
                2_000,
                p.max_consecutive_errors - 1,
                true,
                String::new(),
                None
            ),
            Next::PollIn(_)
        ));
    }

    #[test]
    fn after_error_is_after_failure_with_the_errors_own_verdict() {
        let p = FollowPolicy::default();
        let transient = Error::Http {
            status: 503,
            snippet: String::new(),
        };
        let text = alloc::format!("{transient}");
        for consecutive in [1, p.max_consecutive_errors] {
            assert_eq!(
                p.after_error(3_000, consecutive, &transient, None),
                p.after_failure(3_000, consecutive, true, text.clone(), None)
            );
        }
    }
}
