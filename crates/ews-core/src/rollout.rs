//! Rolling operations: start, stop or restart many containers in batches,
//! stopping at the first failure.
//!
//! A [`Rollout`] is the plan and where it stands; it does no I/O and reads
//! no clock. The driver asks [`Rollout::next`] what to do at a moment —
//! act on a batch, wait, or nothing more — performs each container's
//! operation (for a restart: stop, see it STOPPED, then start), and reports
//! each one's end with [`Rollout::on_result`]. A batch is done when each of
//! its containers reached the target state (RUNNING for start and restart,
//! STOPPED for stop) or failed; a container the driver could not see reach
//! it within [`Plan::container_timeout_ms`] counts as failed. The rollout
//! halts once more than [`Plan::tolerance`] containers have failed (0: at
//! the first), and can be paused, resumed and cancelled: cancelling never
//! starts another container, and every container says where it stands
//! ([`Progress`]), so none is left half way without saying which.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use crate::id::ContainerId;
use crate::types::ContainerStatus;

/// What a rollout does to each container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RollOp {
    /// Start (target: RUNNING).
    Start,
    /// Stop (target: STOPPED).
    Stop,
    /// Stop, see it STOPPED, then start (target: RUNNING).
    Restart,
}

impl RollOp {
    /// `start`, `stop` or `restart`.
    pub fn as_str(self) -> &'static str {
        match self {
            RollOp::Start => "start",
            RollOp::Stop => "stop",
            RollOp::Restart => "restart",
        }
    }

    /// Parses `start`, `stop` or `restart`.
    pub fn parse(text: &str) -> Option<RollOp> {
        [RollOp::Start, RollOp::Stop, RollOp::Restart]
            .into_iter()
            .find(|o| o.as_str() == text)
    }

    /// The state a container must be seen in for this operation to have
    /// worked on it.
    pub fn target(self) -> ContainerStatus {
        match self {
            RollOp::Stop => ContainerStatus::Stopped,
            RollOp::Start | RollOp::Restart => ContainerStatus::Running,
        }
    }

    /// Where a container this rollout had running picks up when its driver
    /// lost track of it (the page was reloaded), from the last command sent
    /// for it since its step began — its action, and whether it worked
    /// (`None`: its end is not known) — once that command is no longer
    /// followed.
    pub fn pick_up(self, last: Option<(crate::Action, Option<bool>)>) -> PickUp {
        match last {
            None => PickUp::Again,
            Some((_, Some(false))) => PickUp::Failed,
            Some((crate::Action::Stop, Some(true))) if self == RollOp::Restart => PickUp::AfterStop,
            Some(_) => PickUp::Check,
        }
    }
}

/// Where a container picks up after a reload ([`RollOp::pick_up`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickUp {
    /// Nothing was sent for it: do the operation from the beginning.
    Again,
    /// A restart's stop worked: look for STOPPED, then start, as
    /// [`Restart`] says.
    AfterStop,
    /// Its last command worked, or how it ended is not known: read the
    /// container; being in [`RollOp::target`] state is success.
    Check,
    /// Its last command did not work: the container failed.
    Failed,
}

/// How big a batch is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchSize {
    /// This many containers (at least 1).
    Count(usize),
    /// This share of the targets, percent (1–100), rounded up.
    Percent(u8),
}

impl BatchSize {
    /// Reads a batch size as a person types it: a count (`5`, at least 1)
    /// or a share (`20%`, 1–100).
    pub fn parse(text: &str) -> Option<BatchSize> {
        let text = text.trim();
        match text.strip_suffix('%') {
            Some(p) => p
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| (1..=100).contains(p))
                .map(BatchSize::Percent),
            None => text
                .parse::<usize>()
                .ok()
                .filter(|n| *n >= 1)
                .map(BatchSize::Count),
        }
    }
}

impl core::fmt::Display for BatchSize {
    /// `5` or `20%`, as [`BatchSize::parse`] reads it.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            BatchSize::Count(n) => write!(f, "{n}"),
            BatchSize::Percent(p) => write!(f, "{p}%"),
        }
    }
}

/// What to do, to which containers, how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The operation.
    pub op: RollOp,
    /// The containers, in order.
    pub targets: Vec<ContainerId>,
    /// Batch size.
    pub batch: BatchSize,
    /// A pause between batches, ms.
    pub pause_ms: u64,
    /// Failures allowed before the rollout halts (0: halt at the first).
    pub tolerance: usize,
    /// A container not seen in its target state after this long failed, ms.
    pub container_timeout_ms: u64,
}

impl Plan {
    /// The batches, in order.
    pub fn batches(&self) -> Vec<Vec<ContainerId>> {
        let n = self.targets.len();
        let size = match self.batch {
            BatchSize::Count(c) => c.max(1),
            BatchSize::Percent(p) => (n * usize::from(p.clamp(1, 100))).div_ceil(100).max(1),
        };
        self.targets
            .chunks(size)
            .map(<[ContainerId]>::to_vec)
            .collect()
    }
}

/// Where one container stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Not reached yet.
    Pending,
    /// Being worked on since (local ms).
    Running {
        /// When it began.
        since_ms: u64,
    },
    /// Reached the target state.
    Succeeded {
        /// How long it took, ms.
        took_ms: u64,
    },
    /// Did not (the reason, for the user).
    Failed {
        /// What went wrong.
        reason: String,
    },
    /// Never started: the rollout halted or was cancelled first.
    NotStarted,
}

/// Where the rollout stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Working (or waiting between batches).
    Running,
    /// Paused by the user: the running batch finishes, no new one starts.
    Paused,
    /// Stopped: too many failures.
    Halted,
    /// Stopped by the user.
    Cancelled,
    /// Every batch done.
    Done,
}

const STATES: [(State, &str); 5] = [
    (State::Running, "running"),
    (State::Paused, "paused"),
    (State::Halted, "halted"),
    (State::Cancelled, "cancelled"),
    (State::Done, "done"),
];

impl State {
    /// `running`, `paused`, `halted`, `cancelled` or `done`.
    pub fn as_str(&self) -> &'static str {
        STATES
            .iter()
            .find(|(s, _)| s == self)
            .map_or("", |(_, n)| n)
    }

    fn parse(text: &str) -> Option<State> {
        STATES
            .iter()
            .find(|(_, n)| *n == text)
            .map(|(s, _)| s.clone())
    }
}

/// What the driver should do now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Begin the operation on these containers now.
    Act(Vec<ContainerId>),
    /// Ask again after this many ms (a batch is running, or a pause).
    Wait(u64),
    /// Nothing more: the rollout is paused, halted, cancelled or done.
    Idle,
}

/// A rolling operation in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rollout {
    plan: Plan,
    batches: Vec<Vec<ContainerId>>,
    progress: Vec<(ContainerId, Progress)>,
    /// The batch running or last run (index into `batches`).
    batch: Option<usize>,
    /// No batch starts before this (the pause after the last one), ms.
    not_before_ms: u64,
    state: State,
    /// When each finished batch began and ended, ms.
    batch_times: Vec<(u64, u64)>,
    batch_began_ms: u64,
    /// When the last container result came, ms.
    last_result_ms: u64,
}

/// A restart's rule: its start may be sent only once its stop succeeded
/// and the container is seen STOPPED. `Err` says why not — a failed stop
/// leaves the container alone (it is never started behind the user's back).
pub fn restart_may_start(
    stop: &crate::command::Outcome,
    status: &crate::types::ContainerStatus,
) -> Result<(), String> {
    match LeftAlone::check(stop, status) {
        None => Ok(()),
        Some(why) => Err(alloc::format!("{why}")),
    }
}

/// Why a restart did not send its start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeftAlone {
    /// The stop did not work (failed, refused, lost or timed out).
    StopFailed,
    /// The stop worked, but the container was still not seen STOPPED
    /// after [`Restart::LOOKS`] looks; it was in this state.
    NotStopped(crate::types::ContainerStatus),
}

impl LeftAlone {
    /// `None` when the start may be sent.
    fn check(
        stop: &crate::command::Outcome,
        status: &crate::types::ContainerStatus,
    ) -> Option<LeftAlone> {
        if !stop.is_success() {
            Some(LeftAlone::StopFailed)
        } else if *status != crate::types::ContainerStatus::Stopped {
            Some(LeftAlone::NotStopped(status.clone()))
        } else {
            None
        }
    }
}

impl core::fmt::Display for LeftAlone {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            LeftAlone::StopFailed => f.write_str(
                "the stop did not work, so the container was left as it is (not started again)",
            ),
            LeftAlone::NotStopped(status) => write!(
                f,
                "the stop succeeded but the container is {status}, not STOPPED; it was not started again"
            ),
        }
    }
}

/// What a restart's driver does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestartNext {
    /// Read the container after this many ms and report its state with
    /// [`Restart::on_status`].
    Look {
        /// Delay before the read, ms.
        in_ms: u64,
    },
    /// Send the start (and follow it like any command).
    Start,
    /// Do not start: the container is left as it is, for this reason.
    LeaveAlone(LeftAlone),
}

/// One restart, step by step, for every driver (the console, the SDK, a
/// rollout): send the stop and follow it; [`Restart::after_stop`] says
/// whether to look at the container; while the answer is
/// [`RestartNext::Look`], read it and report its state
/// ([`Restart::on_status`]); then [`RestartNext::Start`] or
/// [`RestartNext::LeaveAlone`]. A stop can succeed a moment before the
/// service's list says STOPPED, so the container gets up to
/// [`Restart::LOOKS`] looks, [`Restart::LOOK_EVERY_MS`] apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restart {
    stop: crate::command::Outcome,
    looks: u32,
}

impl Restart {
    /// Looks at the container before giving up on seeing it STOPPED.
    pub const LOOKS: u32 = 5;
    /// Time between two looks, ms.
    pub const LOOK_EVERY_MS: u64 = 1_000;

    /// The stop ended as `stop`: look at once, or leave the container alone.
    pub fn after_stop(stop: crate::command::Outcome) -> (Restart, RestartNext) {
        let next = if stop.is_success() {
            RestartNext::Look { in_ms: 0 }
        } else {
            RestartNext::LeaveAlone(LeftAlone::StopFailed)
        };
        (Restart { stop, looks: 0 }, next)
    }

    /// The container was seen in `status` (`None`: it could not be read).
    pub fn on_status(&mut self, status: Option<&crate::types::ContainerStatus>) -> RestartNext {
        self.looks = self.looks.saturating_add(1);
        let unknown = crate::types::ContainerStatus::Unknown(String::new());
        let seen = status.unwrap_or(&unknown);
        match LeftAlone::check(&self.stop, seen) {
            None => RestartNext::Start,
            Some(_) if self.looks < Self::LOOKS => RestartNext::Look {
                in_ms: Self::LOOK_EVERY_MS,
            },
            Some(why) => RestartNext::LeaveAlone(why),
        }
    }

    /// How the stop ended.
    pub fn stop(&self) -> &crate::command::Outcome {
        &self.stop
    }

    /// Whether a restart is a usual thing to ask of a container in
    /// `status` (`stuck` there or not): wherever its stop is (advice, like
    /// [`crate::Action::usual_when`]; a stopped container is started, not
    /// restarted).
    pub fn usual_when(status: &crate::types::ContainerStatus, stuck: bool) -> bool {
        crate::Action::Stop.usual_when(status, stuck)
    }
}

/// How often the driver is asked to look again while a batch runs, ms.
pub const LOOK_MS: u64 = 1_000;

impl Rollout {
    /// A rollout of `plan`, not begun.
    pub fn new(plan: Plan) -> Rollout {
        let batches = plan.batches();
        let progress = plan
            .targets
            .iter()
            .map(|id| (*id, Progress::Pending))
            .collect();
        Rollout {
            plan,
            batches,
            progress,
            batch: None,
            not_before_ms: 0,
            state: State::Running,
            batch_times: Vec::new(),
            batch_began_ms: 0,
            last_result_ms: 0,
        }
    }

    /// The plan.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Every container and where it stands, in order.
    pub fn progress(&self) -> &[(ContainerId, Progress)] {
        &self.progress
    }

    /// Where the rollout stands.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The batch running or last run (from 0), and how many there are.
    pub fn batch(&self) -> (Option<usize>, usize) {
        (self.batch, self.batches.len())
    }

    fn at(&mut self, id: ContainerId) -> Option<&mut Progress> {
        self.progress
            .iter_mut()
            .find(|(i, _)| *i == id)
            .map(|(_, p)| p)
    }

    fn failures(&self) -> usize {
        self.progress
            .iter()
            .filter(|(_, p)| matches!(p, Progress::Failed { .. }))
            .count()
    }

    fn batch_open(&self) -> bool {
        self.batch.is_some_and(|b| {
            self.batches[b].iter().any(|id| {
                self.progress
                    .iter()
                    .any(|(i, p)| i == id && matches!(p, Progress::Running { .. }))
            })
        })
    }

    fn leave_the_rest(&mut self) {
        for (_, p) in &mut self.progress {
            if *p == Progress::Pending {
                *p = Progress::NotStarted;
            }
        }
    }

    /// What to do at local `now_ms`.
    pub fn next(&mut self, now_ms: u64) -> Step {
        // Containers past their time fail.
        let timeout = self.plan.container_timeout_ms;
        for (_, p) in &mut self.progress {
            if let Progress::Running { since_ms } = p
                && now_ms.saturating_sub(*since_ms) >= timeout
            {
                *p = Progress::Failed {
                    reason: alloc::format!("not in its target state after {} s", timeout / 1000),
                };
            }
        }
        // Paused too: a failure in the batch that was running when the user
        // paused halts the rollout, rather than waiting for a resume.
        if self.failures() > self.plan.tolerance
            && matches!(self.state, State::Running | State::Paused)
        {
            self.state = State::Halted;
            self.leave_the_rest();
        }
        if self.batch_open() {
            return Step::Wait(LOOK_MS);
        }
        if let Some(b) = self.batch
            && self.batch_times.len() <= b
        {
            // The batch finished with its last result: note its time, and
            // the pause runs from then.
            let end = self.last_result_ms.clamp(self.batch_began_ms, now_ms);
            self.batch_times.push((self.batch_began_ms, end));
            self.not_before_ms = end + self.plan.pause_ms;
        }
        match self.state {
            State::Running => {}
            _ => return Step::Idle,
        }
        let next = self.batch.map_or(0, |b| b + 1);
        if next >= self.batches.len() {
            self.state = State::Done;
            return Step::Idle;
        }
        if now_ms < self.not_before_ms {
            return Step::Wait(self.not_before_ms - now_ms);
        }
        self.batch = Some(next);
        self.batch_began_ms = now_ms;
        let ids = self.batches[next].clone();
        for id in &ids {
            if let Some(p) = self.at(*id) {
                *p = Progress::Running { since_ms: now_ms };
            }
        }
        Step::Act(ids)
    }

    /// Container `id` reached its target state (`ok`), or did not
    /// (`reason`), at local `now_ms`.
    pub fn on_result(&mut self, now_ms: u64, id: ContainerId, result: Result<(), String>) {
        let Some(p) = self.at(id) else { return };
        let Progress::Running { since_ms } = *p else {
            return;
        };
        *p = match result {
            Ok(()) => Progress::Succeeded {
                took_ms: now_ms.saturating_sub(since_ms),
            },
            Err(reason) => Progress::Failed { reason },
        };
        self.last_result_ms = now_ms;
    }

    /// Pauses: the running batch finishes, no other starts.
    pub fn pause(&mut self) {
        if self.state == State::Running {
            self.state = State::Paused;
        }
    }

    /// Resumes a paused rollout.
    pub fn resume(&mut self) {
        if self.state == State::Paused {
            self.state = State::Running;
        }
    }

    /// Cancels: no other container starts; those running finish (and say
    /// how), the others are [`Progress::NotStarted`].
    pub fn cancel(&mut self) {
        if matches!(self.state, State::Running | State::Paused) {
            self.state = State::Cancelled;
            self.leave_the_rest();
        }
    }

    /// An estimate of the time left at `now_ms`, from the batches seen so
    /// far (their mean duration) and the pauses; `None` before one ended.
    pub fn eta_ms(&self, now_ms: u64) -> Option<u64> {
        if self.state != State::Running && self.state != State::Paused {
            return Some(0);
        }
        let n = self.batch_times.len() as u64;
        if n == 0 {
            return None;
        }
        let mean = self
            .batch_times
            .iter()
            .map(|(a, b)| b.saturating_sub(*a))
            .sum::<u64>()
            / n;
        let left = (self.batches.len() as u64).saturating_sub(n);
        let running = if self.batch_open() {
            mean.saturating_sub(now_ms.saturating_sub(self.batch_began_ms))
        } else {
            0
        };
        let not_begun = if self.batch_open() {
            left.saturating_sub(1)
        } else {
            left
        };
        Some(running + not_begun * (mean + self.plan.pause_ms))
    }

    /// The whole rollout, plan and progress, as text (what
    /// [`Rollout::decode`] reads back): a line `op batch state pause
    /// tolerance timeout at+1 not-before batch-began last-result` followed
    /// by each finished batch's begin and end, then a line per container,
    /// `id p`, `id r since`, `id o took`, `id f reason` or `id l`. Kept so
    /// that a reload picks the rollout up; compact, and simpler to read back
    /// than JSON.
    pub fn encode(&self) -> String {
        let p = &self.plan;
        let mut out = alloc::format!(
            "{} {} {} {} {} {} {} {} {} {}",
            p.op.as_str(),
            p.batch,
            self.state.as_str(),
            p.pause_ms,
            p.tolerance,
            p.container_timeout_ms,
            self.batch.map_or(0, |b| b + 1),
            self.not_before_ms,
            self.batch_began_ms,
            self.last_result_ms
        );
        for (began, ended) in &self.batch_times {
            let _ = write!(out, " {began} {ended}");
        }
        for (id, p) in &self.progress {
            let _ = match p {
                Progress::Pending => write!(out, "\n{id} p"),
                Progress::Running { since_ms } => write!(out, "\n{id} r {since_ms}"),
                Progress::Succeeded { took_ms } => write!(out, "\n{id} o {took_ms}"),
                Progress::Failed { reason } => {
                    write!(out, "\n{id} f {}", reason.replace('\n', " "))
                }
                Progress::NotStarted => write!(out, "\n{id} l"),
            };
        }
        out
    }

    /// Reads a rollout written by [`Rollout::encode`]; `None` when the
    /// text is not one, or not a consistent one (it is untrusted: storage
    /// can hold anything).
    pub fn decode(text: &str) -> Option<Rollout> {
        let mut lines = text.split('\n');
        let mut head = lines.next()?.split(' ');
        let op = RollOp::parse(head.next()?)?;
        let batch = BatchSize::parse(head.next()?)?;
        let state = State::parse(head.next()?)?;
        let n: Vec<u64> = head.map(|t| t.parse().ok()).collect::<Option<_>>()?;
        let [
            pause_ms,
            tolerance,
            timeout,
            at,
            not_before,
            began,
            last,
            ref times @ ..,
        ] = n[..]
        else {
            return None;
        };
        let mut targets = Vec::new();
        let mut progress = Vec::new();
        for line in lines {
            let mut parts = line.splitn(3, ' ');
            let id = ContainerId(parts.next()?.parse().ok()?);
            let kind = parts.next()?;
            let rest = parts.next();
            let num = || rest?.parse::<u64>().ok();
            let p = match kind {
                "p" => Progress::Pending,
                "r" => Progress::Running { since_ms: num()? },
                "o" => Progress::Succeeded { took_ms: num()? },
                "f" => Progress::Failed {
                    reason: rest?.into(),
                },
                "l" => Progress::NotStarted,
                _ => return None,
            };
            targets.push(id);
            progress.push((id, p));
        }
        let mut r = Rollout::new(Plan {
            op,
            targets,
            batch,
            pause_ms,
            tolerance: usize::try_from(tolerance).ok()?,
            container_timeout_ms: timeout,
        });
        r.progress = progress;
        r.state = state;
        r.batch = usize::try_from(at).ok()?.checked_sub(1);
        r.batch_times = times.chunks_exact(2).map(|ab| (ab[0], ab[1])).collect();
        r.not_before_ms = not_before;
        r.batch_began_ms = began;
        r.last_result_ms = last;
        // Each batch before the one running has its times, and none after;
        // before the first, nothing has begun.
        let times = r.batch_times.len();
        let consistent = n.len() % 2 == 1
            && match r.batch {
                None => {
                    times == 0
                        && r.progress
                            .iter()
                            .all(|(_, p)| matches!(p, Progress::Pending | Progress::NotStarted))
                }
                Some(b) => b < r.batches.len() && (times == b || times == b + 1),
            };
        consistent.then_some(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    fn plan(n: u64, batch: BatchSize, tolerance: usize) -> Plan {
        Plan {
            op: RollOp::Restart,
            targets: (1..=n).map(ContainerId).collect(),
            batch,
            pause_ms: 1_000,
            tolerance,
            container_timeout_ms: 60_000,
        }
    }

    fn ids(v: &[u64]) -> Vec<ContainerId> {
        v.iter().copied().map(ContainerId).collect()
    }

    #[test]
    fn a_restart_starts_only_after_a_stop_seen_stopped() {
        use crate::command::Outcome;
        use crate::types::ContainerStatus as S;
        let ok = Outcome::Succeeded {
            message: String::new(),
        };
        assert_eq!(restart_may_start(&ok, &S::Stopped), Ok(()));
        assert!(
            restart_may_start(&ok, &S::Stopping)
                .unwrap_err()
                .contains("STOPPING")
        );
        let failed = Outcome::Failed {
            result: "500".into(),
            message: "busy".into(),
        };
        assert!(
            restart_may_start(&failed, &S::Stopped)
                .unwrap_err()
                .contains("left as it is")
        );
    }

    #[test]
    fn a_restart_looks_until_stopped_then_starts_or_leaves_it_alone() {
        use crate::command::Outcome;
        use crate::types::ContainerStatus as S;
        let ok = Outcome::Succeeded {
            message: String::new(),
        };
        // Seen STOPPED on the second look: start.
        let (mut r, next) = Restart::after_stop(ok.clone());
        assert_eq!(next, RestartNext::Look { in_ms: 0 });
        assert_eq!(
            r.on_status(Some(&S::Stopping)),
            RestartNext::Look {
                in_ms: Restart::LOOK_EVERY_MS
            }
        );
        assert_eq!(r.on_status(Some(&S::Stopped)), RestartNext::Start);
        // Never seen STOPPED (or not readable): left alone after LOOKS looks.
        let (mut r, _) = Restart::after_stop(ok);
        for _ in 1..Restart::LOOKS {
            assert!(matches!(r.on_status(None), RestartNext::Look { .. }));
        }
        assert_eq!(
            r.on_status(Some(&S::Running)),
            RestartNext::LeaveAlone(LeftAlone::NotStopped(S::Running))
        );
        // A failed stop: never looked at, never started.
        let (r, next) = Restart::after_stop(Outcome::PublishFailed {
            message: "no".into(),
        });
        assert_eq!(next, RestartNext::LeaveAlone(LeftAlone::StopFailed));
        assert!(!r.stop().is_success());
    }

    #[test]
    fn a_rollout_kept_as_text_picks_up_where_it_was() {
        let mut r = Rollout::new(plan(5, BatchSize::Percent(40), 1));
        r.next(0);
        r.on_result(
            3_000,
            ContainerId(1),
            Err("stop failed: \"disk\" full".into()),
        );
        r.on_result(4_000, ContainerId(2), Ok(()));
        r.next(4_000);
        assert_eq!(r.next(5_000), Step::Act(ids(&[3, 4])));
        r.pause();
        let text = r.encode();
        let mut back = Rollout::decode(&text).expect(&text);
        assert_eq!(back, r);
        assert_eq!(back.state().as_str(), "paused");
        // And it goes on as the original would.
        back.resume();
        r.resume();
        for (now, id) in [(6_000, 3), (7_000, 4)] {
            back.on_result(now, ContainerId(id), Ok(()));
            r.on_result(now, ContainerId(id), Ok(()));
        }
        assert_eq!(back.next(7_500), Step::Wait(500), "the pause");
        assert_eq!(r.next(7_500), Step::Wait(500));
        assert_eq!(back.next(8_000), Step::Act(ids(&[5])));
        assert_eq!(r.next(8_000), Step::Act(ids(&[5])));
        assert_eq!(back.eta_ms(9_000), r.eta_ms(9_000));
        // A new one, and a finished one.
        let fresh = Rollout::new(plan(3, BatchSize::Count(1), 0));
        assert_eq!(Rollout::decode(&fresh.encode()), Some(fresh));
    }

    #[test]
    fn a_kept_rollout_that_does_not_hold_together_is_refused_without_a_panic() {
        let mut r = Rollout::new(plan(4, BatchSize::Count(2), 0));
        r.next(0);
        r.on_result(1_000, ContainerId(1), Ok(()));
        let text = r.encode();
        // Every cut of it: refused or read, never a panic; and what is read
        // can be driven.
        for end in 0..text.len() {
            if let Some(mut cut) = Rollout::decode(&text[..end]) {
                let _ = cut.next(2_000);
            }
        }
        assert!(
            text.starts_with("restart 2 running 1000 0 60000 1 0 0 1000\n1 o 1000\n2 r 0\n"),
            "{text}"
        );
        for (from, to) in [
            ("60000 1 0", "60000 8 0"),
            ("60000 1 0", "60000 0 0"),
            ("restart 2", "reboot 2"),
            (" running ", " dancing "),
            ("2 r 0", "2 r -1"),
            ("restart 2 ", "restart 0 "),
            ("\n3 p", "\n3 x"),
            ("1000\n1 o", "1000 5\n1 o"),
        ] {
            assert!(text.contains(from), "{from} in {text}");
            assert_eq!(Rollout::decode(&text.replace(from, to)), None, "{to}");
        }
        assert_eq!(Rollout::decode("null"), None);
        assert_eq!(Rollout::decode(""), None);
    }

    #[test]
    fn a_container_picks_up_after_a_reload_from_its_last_command() {
        use crate::Action::{Start, Stop};
        for (op, last, then) in [
            (RollOp::Restart, None, PickUp::Again),
            (RollOp::Restart, Some((Stop, Some(true))), PickUp::AfterStop),
            (RollOp::Restart, Some((Stop, Some(false))), PickUp::Failed),
            (RollOp::Restart, Some((Start, Some(true))), PickUp::Check),
            (RollOp::Restart, Some((Start, None)), PickUp::Check),
            (RollOp::Stop, Some((Stop, Some(true))), PickUp::Check),
            (RollOp::Start, Some((Start, Some(false))), PickUp::Failed),
        ] {
            assert_eq!(op.pick_up(last), then, "{op:?} after {last:?}");
        }
        assert_eq!(RollOp::Stop.target(), ContainerStatus::Stopped);
        assert_eq!(RollOp::Restart.target(), ContainerStatus::Running);
    }

    #[test]
    fn batch_sizes_as_typed() {
        assert_eq!(BatchSize::parse(" 5 "), Some(BatchSize::Count(5)));
        assert_eq!(BatchSize::parse("20 %"), Some(BatchSize::Percent(20)));
        for size in [BatchSize::Count(12), BatchSize::Percent(5)] {
            assert_eq!(BatchSize::parse(&size.to_string()), Some(size));
        }
        for bad in ["0", "0%", "101%", "300%", "two", "", "%", "-1"] {
            assert_eq!(BatchSize::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn batches_by_count_or_share() {
        assert_eq!(
            plan(5, BatchSize::Count(2), 0).batches(),
            vec![ids(&[1, 2]), ids(&[3, 4]), ids(&[5])]
        );
        assert_eq!(plan(50, BatchSize::Percent(10), 0).batches().len(), 10);
        assert_eq!(plan(3, BatchSize::Percent(1), 0).batches().len(), 3);
        assert_eq!(plan(3, BatchSize::Count(0), 0).batches().len(), 3);
        assert!(plan(0, BatchSize::Count(5), 0).batches().is_empty());
    }

    #[test]
    fn batch_after_batch_with_a_pause_and_an_estimate() {
        let mut r = Rollout::new(plan(4, BatchSize::Count(2), 0));
        assert_eq!(r.next(0), Step::Act(ids(&[1, 2])));
        assert_eq!(r.next(500), Step::Wait(LOOK_MS));
        r.on_result(4_000, ContainerId(1), Ok(()));
        assert_eq!(r.next(4_000), Step::Wait(LOOK_MS), "2 still runs");
        r.on_result(5_000, ContainerId(2), Ok(()));
        assert_eq!(r.next(5_000), Step::Wait(1_000), "the pause");
        assert_eq!(
            r.eta_ms(5_000),
            Some(6_000),
            "one batch of 5 s and a pause left"
        );
        assert_eq!(r.next(6_000), Step::Act(ids(&[3, 4])));
        r.on_result(9_000, ContainerId(3), Ok(()));
        r.on_result(9_000, ContainerId(4), Ok(()));
        assert_eq!(r.next(9_000), Step::Idle);
        assert_eq!(r.state(), &State::Done);
        assert!(
            r.progress()
                .iter()
                .all(|(_, p)| matches!(p, Progress::Succeeded { .. }))
        );
    }

    #[test]
    fn halts_at_the_first_failure_and_says_where_each_stands() {
        let mut r = Rollout::new(plan(6, BatchSize::Count(2), 0));
        r.next(0);
        r.on_result(1_000, ContainerId(1), Err("stop failed: disk full".into()));
        // The batch's other container still finishes.
        assert_eq!(r.next(1_000), Step::Wait(LOOK_MS));
        r.on_result(2_000, ContainerId(2), Ok(()));
        assert_eq!(r.next(2_000), Step::Idle);
        assert_eq!(r.state(), &State::Halted);
        let p: Vec<&Progress> = r.progress().iter().map(|(_, p)| p).collect();
        assert!(matches!(p[0], Progress::Failed { .. }));
        assert!(matches!(p[1], Progress::Succeeded { .. }));
        assert!(p[2..].iter().all(|p| **p == Progress::NotStarted));
        // A tolerance of one goes on past one failure.
        let mut t = Rollout::new(plan(4, BatchSize::Count(1), 1));
        t.next(0);
        t.on_result(1, ContainerId(1), Err("x".into()));
        assert_eq!(t.next(1_001), Step::Act(ids(&[2])));
    }

    #[test]
    fn a_container_that_never_gets_there_fails_after_its_time() {
        let mut r = Rollout::new(plan(2, BatchSize::Count(1), 0));
        r.next(0);
        assert_eq!(r.next(59_999), Step::Wait(LOOK_MS));
        assert_eq!(r.next(60_000), Step::Idle);
        assert_eq!(r.state(), &State::Halted);
        assert!(
            matches!(&r.progress()[0].1, Progress::Failed { reason } if reason.contains("60 s"))
        );
    }

    #[test]
    fn pause_resume_and_cancel() {
        let mut r = Rollout::new(plan(4, BatchSize::Count(1), 0));
        r.next(0);
        r.pause();
        r.on_result(1_000, ContainerId(1), Ok(()));
        assert_eq!(r.next(5_000), Step::Idle, "paused: no new batch");
        r.resume();
        assert_eq!(r.next(5_000), Step::Act(ids(&[2])));
        r.cancel();
        r.on_result(6_000, ContainerId(2), Ok(()));
        assert_eq!(r.next(9_000), Step::Idle);
        assert_eq!(r.state(), &State::Cancelled);
        let p: Vec<&Progress> = r.progress().iter().map(|(_, p)| p).collect();
        assert!(
            matches!(p[1], Progress::Succeeded { .. }),
            "the running one finished"
        );
        assert!(p[2..].iter().all(|p| **p == Progress::NotStarted));
        assert_eq!(RollOp::parse("restart"), Some(RollOp::Restart));
        // A failure while paused halts at once.
        let mut h = Rollout::new(plan(4, BatchSize::Count(1), 0));
        h.next(0);
        h.pause();
        h.on_result(1_000, ContainerId(1), Err("no".into()));
        assert_eq!(h.next(1_000), Step::Idle);
        assert_eq!(h.state(), &State::Halted);
    }
}
