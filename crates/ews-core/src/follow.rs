//! Following one command: the state that [`FollowPolicy`] decides on.
//!
//! A [`Follower`] is told what each poll of `GET /api/v1/command/{id}`
//! brought (a command, or an error) at the local time it arrived, and says
//! what to do next: poll again after so many ms, or stop with an
//! [`Outcome`](crate::Outcome). It keeps the count of transient errors in a row, the last
//! status seen and the number of polls; it does no I/O and reads no clock.
//! Given an [`Expect`] (what [`crate::learn::Durations`] learned of commands
//! of the same action), it polls near the expected end instead of on the
//! policy's backoff, and says how long the command took
//! ([`Follower::took_ms`]) for the next one.
//!
//! ```
//! use ews_core::follow::Follower;
//! use ews_core::{FollowPolicy, Next};
//!
//! let mut f = Follower::new(FollowPolicy::default(), 1_000);
//! assert_eq!(f.start(1_000, None), Next::PollIn(500));
//! ```

use alloc::string::{String, ToString};

use crate::command::{FollowPolicy, Next};
use crate::error::Error;
use crate::learn::{Expect, WINDOW_STEP_MS, end_between};
use crate::types::{Command, CommandStatus};

/// One command being followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Follower {
    policy: FollowPolicy,
    started_ms: u64,
    polls: u32,
    errors: u32,
    last_status: Option<CommandStatus>,
    expect: Option<Expect>,
    seen_ms: Option<u64>,
    took_ms: Option<u64>,
}

impl Follower {
    /// Follows a command issued at local time `started_ms`.
    pub fn new(policy: FollowPolicy, started_ms: u64) -> Self {
        Follower {
            policy,
            started_ms,
            polls: 0,
            errors: 0,
            last_status: None,
            expect: None,
            seen_ms: None,
            took_ms: None,
        }
    }

    /// Polls near the end `expect` says (learned from earlier commands of
    /// the same action) rather than on the policy's backoff.
    pub fn expecting(mut self, expect: Option<Expect>) -> Self {
        self.expect = expect;
        self
    }

    /// Sets the learned expectation later (once the command's action is
    /// known from its name, say).
    pub fn set_expectation(&mut self, expect: Option<Expect>) {
        self.expect = expect;
    }

    /// Whether it follows a learned expectation.
    pub fn has_expectation(&self) -> bool {
        self.expect.is_some()
    }

    /// How long the command took from issue to its end, once it has ended
    /// with a status of its own: the middle of the last two sightings, or,
    /// following an expectation with more than two window steps between
    /// them, half a step before the last one.
    pub fn took_ms(&self) -> Option<u64> {
        self.took_ms
    }

    /// Resumes following (after a reload): `polls` already made, the last
    /// status seen.
    pub fn resume(
        policy: FollowPolicy,
        started_ms: u64,
        polls: u32,
        last_status: Option<CommandStatus>,
    ) -> Self {
        Follower {
            polls,
            last_status,
            ..Follower::new(policy, started_ms)
        }
    }

    /// The policy.
    pub fn policy(&self) -> &FollowPolicy {
        &self.policy
    }

    /// Local time the command was issued.
    pub fn started_ms(&self) -> u64 {
        self.started_ms
    }

    /// Polls answered so far (commands and errors).
    pub fn polls(&self) -> u32 {
        self.polls
    }

    /// Transient errors in a row, since the last command seen.
    pub fn consecutive_errors(&self) -> u32 {
        self.errors
    }

    /// The last status seen.
    pub fn last_status(&self) -> Option<&CommandStatus> {
        self.last_status.as_ref()
    }

    fn elapsed(&self, now_ms: u64) -> u64 {
        now_ms.saturating_sub(self.started_ms)
    }

    /// The first decision at `now_ms`: from the command start/stop/delete
    /// returned (`first`), or, without one (resuming), a poll right away.
    pub fn start(&mut self, now_ms: u64, first: Option<&Command>) -> Next {
        match first {
            Some(cmd) => self.seen(now_ms, cmd),
            None if self.last_status.is_none() && self.polls == 0 => {
                let elapsed = self.elapsed(now_ms);
                Next::PollIn(self.nearer(elapsed, self.policy.delay_at(elapsed).max(1)))
            }
            None => Next::PollIn(1),
        }
    }

    fn seen(&mut self, now_ms: u64, cmd: &Command) -> Next {
        self.errors = 0;
        self.last_status = Some(cmd.status.clone());
        let before = self.seen_ms.replace(now_ms).unwrap_or(self.started_ms);
        let elapsed = self.elapsed(now_ms);
        match self.policy.after_status(elapsed, cmd) {
            Next::PollIn(delay) => Next::PollIn(self.nearer(elapsed, delay)),
            done => {
                let mut end = end_between(before, now_ms);
                // Following an expectation, the first read often comes long
                // after the one before (or the issue): the end was most
                // likely near it, not half way (which would teach the
                // schedule to look ever earlier).
                if self.expect.is_some() && now_ms.saturating_sub(before) > 2 * WINDOW_STEP_MS {
                    end = now_ms - WINDOW_STEP_MS / 2;
                }
                self.took_ms = Some(end.saturating_sub(self.started_ms));
                done
            }
        }
    }

    /// The policy's `delay`, or the learned window's, never past the deadline.
    fn nearer(&self, elapsed_ms: u64, delay: u64) -> u64 {
        match self.expect.and_then(|e| e.delay_at(elapsed_ms)) {
            Some(d) => d
                .min(self.policy.timeout_ms.saturating_sub(elapsed_ms))
                .max(1),
            None => delay,
        }
    }

    /// A poll brought `cmd` at local time `now_ms`.
    pub fn on_command(&mut self, now_ms: u64, cmd: &Command) -> Next {
        self.polls = self.polls.saturating_add(1);
        self.seen(now_ms, cmd)
    }

    /// A poll failed with `error` at local time `now_ms`: a transient error
    /// (5xx, garbled body, no answer) is ridden out up to the policy's limit
    /// in a row; any other ends following as [`Outcome::Lost`](crate::Outcome::Lost).
    pub fn on_error(&mut self, now_ms: u64, error: &Error) -> Next {
        self.on_failure(now_ms, error.is_transient(), error.to_string())
    }

    /// [`Follower::on_error`] for a failure that is not a core [`Error`]
    /// (the SDK's callers may throw anything): `transient` and the text to
    /// show if following stops.
    pub fn on_failure(&mut self, now_ms: u64, transient: bool, reason: String) -> Next {
        self.polls = self.polls.saturating_add(1);
        self.errors = self.errors.saturating_add(1);
        self.policy.after_failure(
            self.elapsed(now_ms),
            self.errors,
            transient,
            reason,
            self.last_status.clone(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Outcome;
    use crate::decode;

    fn cmd(status: &str, result: &str) -> Command {
        let body = alloc::format!(
            r#"{{"code":"0","data":{{"commandId":"c-1","status":"{status}","result":"{result}","resultMsg":"m"}}}}"#
        );
        decode::command(200, body.as_bytes()).unwrap()
    }

    #[test]
    fn follows_to_the_end() {
        let mut f = Follower::new(FollowPolicy::default(), 10_000);
        assert_eq!(
            f.start(10_000, Some(&cmd("CREATED", ""))),
            Next::PollIn(500)
        );
        assert_eq!(
            f.on_command(10_500, &cmd("RUNNING", "")),
            Next::PollIn(1_000)
        );
        assert_eq!(
            f.on_command(11_500, &cmd("DONE", "200")),
            Next::Done(Outcome::Succeeded {
                message: "m".into()
            })
        );
        assert_eq!(f.polls(), 2);
    }

    #[test]
    fn errors_in_a_row_end_it_and_a_command_resets_them() {
        let p = FollowPolicy {
            max_consecutive_errors: 2,
            ..FollowPolicy::default()
        };
        let e = Error::Http {
            status: 503,
            snippet: String::new(),
        };
        let mut f = Follower::new(p, 0);
        f.start(0, Some(&cmd("RUNNING", "")));
        assert!(matches!(f.on_error(600, &e), Next::PollIn(_)));
        f.on_command(1_600, &cmd("RUNNING", ""));
        assert_eq!(f.consecutive_errors(), 0);
        assert!(matches!(f.on_error(2_600, &e), Next::PollIn(_)));
        assert!(matches!(
            f.on_error(3_600, &e),
            Next::Done(Outcome::Lost { .. })
        ));
        // A lasting error ends it at once.
        let mut g = Follower::new(FollowPolicy::default(), 0);
        assert!(matches!(
            g.on_failure(600, false, "gone".into()),
            Next::Done(Outcome::Lost { .. })
        ));
    }

    #[test]
    fn a_learned_window_polls_near_the_end_and_says_what_it_took() {
        use crate::Action;
        use crate::learn::{Durations, WINDOW_STEP_MS};
        let mut d = Durations::new();
        for ms in [5_000, 5_200, 4_900, 5_100] {
            d.record(Action::Start, ms);
        }
        let mut f = Follower::new(FollowPolicy::default(), 0).expecting(d.expect(Action::Start));
        // No early poll: the first one at the median, 5.1 s.
        assert_eq!(f.start(50, Some(&cmd("CREATED", ""))), Next::PollIn(5_050));
        assert_eq!(
            f.on_command(5_100, &cmd("RUNNING", "")),
            Next::PollIn(WINDOW_STEP_MS)
        );
        assert!(matches!(
            f.on_command(5_700, &cmd("DONE", "200")),
            Next::Done(_)
        ));
        assert_eq!(f.polls(), 2);
        // Between two close reads: the middle.
        assert_eq!(f.took_ms(), Some(5_400));
        // Done at the first read, 5 s after the issue: just before it, not
        // half way.
        let mut e = Follower::new(FollowPolicy::default(), 0).expecting(d.expect(Action::Start));
        e.start(0, Some(&cmd("CREATED", "")));
        assert!(matches!(
            e.on_command(5_100, &cmd("DONE", "200")),
            Next::Done(_)
        ));
        assert_eq!(e.took_ms(), Some(5_100 - WINDOW_STEP_MS / 2));
        // Past the window, the policy's backoff again.
        let mut g = Follower::new(FollowPolicy::default(), 0).expecting(d.expect(Action::Start));
        g.start(0, Some(&cmd("CREATED", "")));
        assert_eq!(
            g.on_command(9_000, &cmd("RUNNING", "")),
            Next::PollIn(4_500)
        );
        // Nothing learned: the policy's quick first poll.
        let mut h = Follower::new(FollowPolicy::default(), 0).expecting(None);
        assert_eq!(h.start(0, Some(&cmd("CREATED", ""))), Next::PollIn(500));
        assert_eq!(h.took_ms(), None);
    }

    #[test]
    fn resuming_polls_at_once() {
        let mut f = Follower::resume(FollowPolicy::default(), 0, 3, Some(CommandStatus::Running));
        assert_eq!(f.start(60_000, None), Next::PollIn(1));
    }
}
