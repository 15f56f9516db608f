//! Following a command with the core's [`FollowPolicy`]: a small stateful
//! [`Follower`] (consecutive failures, last status seen) over commands as
//! JSON, which is what `CommandFollower` (JavaScript) wraps and
//! `EwsClient.followCommand` drives with `fetch` and `setTimeout`.

use ews_core::command::{FollowPolicy, Next};
use ews_core::{Command, CommandStatus};
use serde::{Deserialize, Serialize};

/// The policy's knobs, as JavaScript sees them (`FollowPolicy` in the
/// TypeScript types). On input every field is optional: missing ones keep
/// the core's default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct PolicyInit {
    /// Delay before the first poll, ms.
    pub first_delay_ms: Option<u64>,
    /// Shortest delay after the first poll, ms.
    pub min_delay_ms: Option<u64>,
    /// The delay grows to this share (percent) of the time elapsed so far.
    pub elapsed_percent: Option<u64>,
    /// Longest delay, ms.
    pub max_delay_ms: Option<u64>,
    /// Give up after this long without a final status, ms.
    pub timeout_ms: Option<u64>,
    /// Give up after this many transient failures in a row.
    pub max_consecutive_errors: Option<u32>,
}

impl PolicyInit {
    /// Every field of `policy`.
    pub fn of(policy: &FollowPolicy) -> Self {
        PolicyInit {
            first_delay_ms: Some(policy.first_delay_ms),
            min_delay_ms: Some(policy.min_delay_ms),
            elapsed_percent: Some(policy.elapsed_percent),
            max_delay_ms: Some(policy.max_delay_ms),
            timeout_ms: Some(policy.timeout_ms),
            max_consecutive_errors: Some(policy.max_consecutive_errors),
        }
    }

    /// The core's default with the given fields replaced.
    pub fn policy(&self) -> FollowPolicy {
        let d = FollowPolicy::default();
        FollowPolicy {
            first_delay_ms: self.first_delay_ms.unwrap_or(d.first_delay_ms),
            min_delay_ms: self.min_delay_ms.unwrap_or(d.min_delay_ms),
            elapsed_percent: self.elapsed_percent.unwrap_or(d.elapsed_percent),
            max_delay_ms: self.max_delay_ms.unwrap_or(d.max_delay_ms),
            timeout_ms: self.timeout_ms.unwrap_or(d.timeout_ms),
            max_consecutive_errors: self
                .max_consecutive_errors
                .unwrap_or(d.max_consecutive_errors),
        }
    }

    /// Parses the JSON of a (partial) policy; `None`/`null` is the default.
    pub fn parse(json: Option<&str>) -> Result<FollowPolicy, String> {
        match json.map(str::trim) {
            None | Some("null") | Some("") => Ok(FollowPolicy::default()),
            Some(text) => serde_json::from_str::<PolicyInit>(text)
                .map(|init| init.policy())
                .map_err(|e| format!("invalid follow policy: {e}")),
        }
    }
}

/// Follows one command: the policy plus what it needs to remember.
#[derive(Debug, Clone)]
pub struct Follower {
    policy: FollowPolicy,
    consecutive_failures: u32,
    last_status: Option<CommandStatus>,
}

impl Follower {
    /// A follower for a command issued just now.
    pub fn new(policy: FollowPolicy) -> Self {
        Follower {
            policy,
            consecutive_failures: 0,
            last_status: None,
        }
    }

    /// The policy in use.
    pub fn policy(&self) -> &FollowPolicy {
        &self.policy
    }

    /// The decision before anything was seen: the first poll's delay.
    pub fn start(&self) -> Next {
        Next::PollIn(self.policy.delay_at(0).max(1))
    }

    /// The decision after seeing `command` at `elapsed_ms` (the answer to
    /// start/stop/delete counts, at 0).
    pub fn after_status(&mut self, elapsed_ms: u64, command: &Command) -> Next {
        self.consecutive_failures = 0;
        self.last_status = Some(command.status.clone());
        self.policy.after_status(elapsed_ms, command)
    }

    /// [`Follower::after_status`] for a command given as JSON with the API's
    /// field names (what the SDK hands out). Fails when it is not one.
    pub fn after_status_json(&mut self, elapsed_ms: u64, json: &str) -> Result<Next, String> {
        let command: Command = serde_json::from_str(json)
            .map_err(|e| format!("not a command ({{commandId, status, result, …}}): {e}"))?;
        Ok(self.after_status(elapsed_ms, &command))
    }

    /// The decision after a poll failed at `elapsed_ms`: `transient` is the
    /// error's verdict (`EwsError.transient`), `reason` its message.
    pub fn after_failure(&mut self, elapsed_ms: u64, transient: bool, reason: String) -> Next {
        self.consecutive_failures = self.consecutive_failures.saturating_add(1);
        self.policy.after_failure(
            elapsed_ms,
            self.consecutive_failures,
            transient,
            reason,
            self.last_status.clone(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ews_core::command::Outcome;

    fn cmd(status: &str, result: &str) -> String {
        format!(r#"{{"commandId":"c-1","status":"{status}","result":"{result}","resultMsg":"m"}}"#)
    }

    #[test]
    fn policy_from_partial_json() {
        let d = FollowPolicy::default();
        assert_eq!(PolicyInit::parse(None), Ok(d));
        assert_eq!(PolicyInit::parse(Some("null")), Ok(d));
        let p = PolicyInit::parse(Some(r#"{"firstDelayMs":10,"timeoutMs":2000}"#)).unwrap();
        assert_eq!((p.first_delay_ms, p.timeout_ms), (10, 2000));
        assert_eq!(p.max_delay_ms, d.max_delay_ms);
        let e = PolicyInit::parse(Some(r#"{"firstDelay":10}"#)).unwrap_err();
        assert!(e.contains("unknown field `firstDelay`"), "{e}");
        assert!(PolicyInit::parse(Some(r#"{"timeoutMs":-1}"#)).is_err());
        let round = serde_json::to_string(&PolicyInit::of(&d)).unwrap();
        assert_eq!(PolicyInit::parse(Some(&round)), Ok(d));
        assert!(round.contains("\"maxConsecutiveErrors\":5"), "{round}");
    }

    #[test]
    fn follows_to_success() {
        let mut f = Follower::new(FollowPolicy::default());
        assert_eq!(f.start(), Next::PollIn(500));
        assert_eq!(
            f.after_status_json(0, &cmd("CREATED", "")),
            Ok(Next::PollIn(500))
        );
        assert_eq!(
            f.after_status_json(500, &cmd("RUNNING", "")),
            Ok(Next::PollIn(1000))
        );
        assert_eq!(
            f.after_status_json(1500, &cmd("DONE", "200")),
            Ok(Next::Done(Outcome::Succeeded {
                message: "m".into()
            }))
        );
        assert!(f.after_status_json(0, "[]").is_err());
    }

    #[test]
    fn failures_count_until_a_status_resets_them() {
        let policy = FollowPolicy {
            max_consecutive_errors: 2,
            ..FollowPolicy::default()
        };
        let mut f = Follower::new(policy);
        f.after_status_json(0, &cmd("RUNNING", "")).unwrap();
        assert!(matches!(
            f.after_failure(600, true, "x".into()),
            Next::PollIn(_)
        ));
        f.after_status_json(1600, &cmd("RUNNING", "")).unwrap();
        assert!(matches!(
            f.after_failure(2600, true, "x".into()),
            Next::PollIn(_)
        ));
        assert_eq!(
            f.after_failure(3600, true, "twice".into()),
            Next::Done(Outcome::Lost {
                reason: "twice".into()
            })
        );
        // A lasting error stops at once.
        let mut g = Follower::new(FollowPolicy::default());
        assert!(matches!(
            g.after_failure(600, false, "gone".into()),
            Next::Done(Outcome::Lost { .. })
        ));
    }

    #[test]
    fn a_timeout_reports_the_last_status() {
        let policy = FollowPolicy {
            timeout_ms: 1_000,
            ..FollowPolicy::default()
        };
        let mut f = Follower::new(policy);
        f.after_status_json(0, &cmd("PUBLISHED", "")).unwrap();
        let next = f.after_failure(1_000, true, "slow".into());
        assert_eq!(
            next,
            Next::Done(Outcome::TimedOut {
                last_status: Some(CommandStatus::Published),
                after_ms: 1_000
            })
        );
    }
}
