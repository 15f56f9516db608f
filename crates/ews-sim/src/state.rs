//! The simulated service: containers, commands, and how time moves them.
//!
//! Pure state, no I/O: every method takes `now_ms` (the real clock, ms since
//! the Unix epoch). Commands follow their [`plan`](mod@crate::plan) and are
//! advanced lazily by [`Sim::advance`], which the server calls before every
//! request, so behaviour is deterministic for a seed and a request sequence.
//! Times shown in the API are shifted by the injected clock skew.
//!
//! Like the real service, a container left in a passing state (ALLOCATING,
//! STARTING, STOPPING) moves on by itself: each is given a seeded moment
//! within [`SimOptions::settle_ms`] and an end (ALLOCATED; RUNNING or
//! STARTFAILED; STOPPED or STOPFAILED), applied by the same lazy
//! [`Sim::advance`]. `SimOptions::stuck` containers are seeded in a passing
//! state long ago and never move on: the path an operator must still be able
//! to act on.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use ews_core::{
    Action, Activity, Command, CommandId, CommandStatus, Container, ContainerId, ContainerStatus,
    Step,
};

use crate::clock::{api_time, shifted};
use crate::fleet;
use crate::plan::{self, ContainerChange, Effect, Event, Outcome, Subject};
use crate::rng::Rng;

/// What makes a fleet and its commands.
#[derive(Debug, Clone, PartialEq)]
pub struct SimOptions {
    /// Seed for the fleet, command ids and outcomes.
    pub seed: u64,
    /// Containers in the fleet.
    pub containers: usize,
    /// Duration of one command step, ms.
    pub step_ms: u64,
    /// Share of commands that fail (0–1), and of passing states that end
    /// badly (STARTFAILED, STOPFAILED) when they move on by themselves.
    pub fail_rate: f64,
    /// A container in a passing state moves on by itself at a seeded moment
    /// between a quarter of this and this, ms.
    pub settle_ms: u64,
    /// Containers seeded stuck in a passing state (STARTING, STOPPING,
    /// ALLOCATING in turn), long ago; they never move on by themselves.
    pub stuck: usize,
    /// Each command's steps last `step_ms` times a seeded factor within
    /// `1 ± step_jitter` (0: every command takes the same time).
    pub step_jitter: f64,
}

impl Default for SimOptions {
    /// The command line's defaults.
    fn default() -> Self {
        SimOptions {
            seed: crate::config::DEFAULT_SEED,
            containers: crate::config::DEFAULT_CONTAINERS,
            step_ms: crate::config::DEFAULT_STEP_MS,
            fail_rate: crate::config::DEFAULT_FAIL_RATE,
            settle_ms: crate::config::DEFAULT_SETTLE_MS,
            stuck: 0,
            step_jitter: 0.0,
        }
    }
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActError {
    /// No such container.
    NoContainer(ContainerId),
    /// The service does not take the action in the container's state (1007).
    NotAllowed {
        /// The action.
        action: Action,
        /// The container.
        id: ContainerId,
        /// Its state.
        status: ContainerStatus,
    },
    /// Another command is still running on the container (1007).
    Busy {
        /// The container.
        id: ContainerId,
        /// The running command.
        command_id: String,
        /// Its name.
        name: String,
    },
}

impl fmt::Display for ActError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActError::NoContainer(id) => write!(
                f,
                "container {id} does not exist (deleted?): refresh the list"
            ),
            ActError::NotAllowed { action, id, status } => {
                let taken: Vec<&str> = Action::ALL
                    .into_iter()
                    .filter(|a| accepts(*a, status))
                    .map(Action::as_str)
                    .collect();
                let taken = if taken.is_empty() {
                    "nothing until its state changes".to_owned()
                } else {
                    taken.join(", ")
                };
                write!(
                    f,
                    "cannot {action} container {id}: it is {status}; it takes now: {taken}"
                )
            }
            ActError::Busy {
                id,
                command_id,
                name,
            } => write!(
                f,
                "container {id} is busy with command {command_id} ({name}); wait until it ends"
            ),
        }
    }
}

impl std::error::Error for ActError {}

/// What the simulated service takes from each state: the core's usual
/// actions, plus a stop while a container is still starting or stopping
/// (the service can abort a start, and repeat a stop). Everything else is
/// refused with `1007`, as the real service refuses what it will not do.
/// The core's rule is only advice to the UI; this is the server deciding.
pub fn accepts(action: Action, status: &ContainerStatus) -> bool {
    action.usual_from(status)
        || (action == Action::Stop
            && matches!(
                status,
                ContainerStatus::Starting | ContainerStatus::Stopping
            ))
}

/// Where a passing state goes when it moves on by itself.
fn settled(from: &ContainerStatus, fails: bool) -> Option<ContainerStatus> {
    use ContainerStatus as S;
    match (from, fails) {
        (S::Allocating, _) => Some(S::Allocated),
        (S::Starting, false) => Some(S::Running),
        (S::Starting, true) => Some(S::StartFailed),
        (S::Stopping, false) => Some(S::Stopped),
        (S::Stopping, true) => Some(S::StopFailed),
        _ => None,
    }
}

/// The random stream of passing states moving on (apart from commands').
const DRIFT_STREAM: u64 = 0xD21F_7000;

#[derive(Debug, Clone)]
struct CommandRec {
    command: Command,
    container: ContainerId,
    created_ms: u64,
    step_ms: u64,
    events: Vec<Event>,
    next: usize,
    previous_status: ContainerStatus,
}

/// The whole simulated service.
#[derive(Debug, Clone)]
pub struct Sim {
    options: SimOptions,
    containers: BTreeMap<ContainerId, Container>,
    commands: HashMap<String, CommandRec>,
    /// Commands with events still due, oldest first.
    active: Vec<String>,
    /// Container → the unfinished command acting on it.
    busy: HashMap<ContainerId, String>,
    /// Forced outcome of the next action on a container.
    forced: HashMap<ContainerId, Outcome>,
    /// Commands created so far (derives each command's random stream).
    seq: u64,
    /// Injected clock skew, ms: shifts every time the API shows.
    skew_ms: i64,
    /// Bumped whenever a container changes.
    generation: u64,
    /// Passing states due to move on by themselves: (due ms, container) →
    /// the state they end in.
    drift: BTreeMap<(u64, ContainerId), ContainerStatus>,
    /// Container → its key in `drift`.
    drift_due: HashMap<ContainerId, u64>,
}

impl Sim {
    /// A fresh service: the seeded fleet, no commands. `now_ms` is the real
    /// clock; `skew_ms` the injected clock skew.
    pub fn new(options: SimOptions, now_ms: u64, skew_ms: i64) -> Sim {
        let server_now = shifted(now_ms, skew_ms);
        let mut fleet = fleet::generate(options.seed, options.containers, server_now);
        let stuck = fleet::make_stuck(&mut fleet, options.seed, options.stuck, server_now);
        let mut sim = Sim {
            containers: fleet.into_iter().map(|c| (c.id, c)).collect(),
            commands: HashMap::new(),
            active: Vec::new(),
            busy: HashMap::new(),
            forced: HashMap::new(),
            seq: 0,
            skew_ms,
            generation: 0,
            drift: BTreeMap::new(),
            drift_due: HashMap::new(),
            options,
        };
        let mut rng = Rng::derive(sim.options.seed, DRIFT_STREAM);
        let passing: Vec<(ContainerId, ContainerStatus)> = sim
            .containers
            .values()
            .filter(|c| c.status.is_transitional() && !stuck.contains(&c.id))
            .map(|c| (c.id, c.status.clone()))
            .collect();
        for (id, status) in passing {
            sim.schedule_drift(&mut rng, id, &status, now_ms);
        }
        sim
    }

    /// Gives a container in a passing state its seeded moment and end.
    fn schedule_drift(
        &mut self,
        rng: &mut Rng,
        id: ContainerId,
        from: &ContainerStatus,
        now_ms: u64,
    ) {
        let settle = self.options.settle_ms.max(1);
        let due = now_ms + settle / 4 + rng.below(settle - settle / 4 + 1);
        let fails = rng.chance(self.options.fail_rate);
        if let Some(to) = settled(from, fails) {
            self.drift.insert((due, id), to);
            self.drift_due.insert(id, due);
        }
    }

    /// Forgets that a container would move on by itself (an action or an
    /// edit decides its state now).
    fn cancel_drift(&mut self, id: ContainerId) {
        if let Some(due) = self.drift_due.remove(&id) {
            self.drift.remove(&(due, id));
        }
    }

    /// Moves on every passing state due at `now_ms`.
    fn settle(&mut self, now_ms: u64) {
        while let Some(entry) = self.drift.first_entry() {
            let (due, id) = *entry.key();
            if due > now_ms {
                break;
            }
            let to = entry.remove();
            self.drift_due.remove(&id);
            let Some(c) = self.containers.get_mut(&id) else {
                continue;
            };
            let shown = api_time(shifted(due, self.skew_ms));
            match to {
                ContainerStatus::Running => {
                    c.start_time = shown;
                    "healthy".clone_into(&mut c.health);
                }
                ContainerStatus::Stopped => {
                    c.stop_time = shown;
                    c.health.clear();
                }
                _ => {}
            }
            c.status = to;
            self.generation += 1;
        }
    }

    /// The options it was made with.
    pub fn options(&self) -> &SimOptions {
        &self.options
    }

    /// Sets the clock skew used for times shown from now on.
    pub fn set_skew(&mut self, skew_ms: i64) {
        self.skew_ms = skew_ms;
    }

    /// A counter that changes whenever any container changes.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Every container, by ascending id.
    pub fn containers(&self) -> impl ExactSizeIterator<Item = &Container> {
        self.containers.values()
    }

    /// One container.
    pub fn container(&self, id: ContainerId) -> Option<&Container> {
        self.containers.get(&id)
    }

    /// One command, as the API shows it now.
    pub fn command(&self, id: &str) -> Option<&Command> {
        self.commands.get(id).map(|r| &r.command)
    }

    /// Applies every event due at `now_ms`: commands' steps, and passing
    /// states that move on by themselves.
    pub fn advance(&mut self, now_ms: u64) {
        self.settle(now_ms);
        if self.active.is_empty() {
            return;
        }
        let mut active = std::mem::take(&mut self.active);
        active.retain(|id| self.advance_one(id, now_ms));
        self.active = active;
    }

    /// Advances one command; `false` when it has no events left.
    fn advance_one(&mut self, id: &str, now_ms: u64) -> bool {
        let Some(rec) = self.commands.get_mut(id) else {
            return false;
        };
        // Taken out while applying, so the record can change.
        let events = std::mem::take(&mut rec.events);
        let mut pending = false;
        while let Some(event) = events.get(rec.next) {
            let due = rec
                .created_ms
                .saturating_add(u64::from(event.step).saturating_mul(rec.step_ms));
            if due > now_ms {
                pending = true;
                break;
            }
            let shown = api_time(shifted(due, self.skew_ms));
            for effect in &event.effects {
                apply(
                    effect,
                    rec,
                    &shown,
                    &mut self.containers,
                    &mut self.busy,
                    &mut self.generation,
                );
            }
            rec.next += 1;
        }
        rec.events = events;
        pending
    }

    /// Starts, stops or deletes a container: checks what the service takes
    /// ([`accepts`]), creates the command and applies what is due at once. `hang` is the share of
    /// commands that never finish (a fault).
    pub fn act(
        &mut self,
        action: Action,
        id: ContainerId,
        now_ms: u64,
        hang: f64,
    ) -> Result<Command, ActError> {
        self.advance(now_ms);
        let container = self.containers.get(&id).ok_or(ActError::NoContainer(id))?;
        if let Some(running) = self.busy.get(&id).and_then(|c| self.commands.get(c)) {
            return Err(ActError::Busy {
                id,
                command_id: running.command.command_id.to_string(),
                name: running.command.name.clone(),
            });
        }
        if !accepts(action, &container.status) {
            return Err(ActError::NotAllowed {
                action,
                id,
                status: container.status.clone(),
            });
        }
        let subject = Subject {
            id: id.0,
            host: container
                .host_id
                .and_then(|h| u64::try_from(h).ok())
                .unwrap_or(0),
            cpu: container.cpu.unwrap_or(-1),
            mem: container.mem.unwrap_or(0),
            disk: container.disk.unwrap_or(0),
        };
        let previous_status = container.status.clone();
        self.cancel_drift(id);

        self.seq += 1;
        let mut rng = Rng::derive(self.options.seed, 0xC0_4D00_0000 + self.seq);
        let uuid = rng.uuid();
        // Drawn whatever the jitter, so the stream does not depend on it.
        let factor = 1.0 + self.options.step_jitter * (2.0 * rng.unit() - 1.0);
        let jittered = ((self.options.step_ms as f64 * factor).round() as u64).max(1);
        let outcome = match self.forced.remove(&id) {
            Some(forced) => forced,
            None => choose_outcome(&mut rng, action, self.options.fail_rate, hang),
        };
        // A UUID from the seeded stream is a valid id; fall back on the
        // sequence number if that ever changes.
        let command_id = CommandId::new(uuid.clone())
            .or_else(|_| CommandId::new(format!("cmd-{}", self.seq)))
            .map_err(|_| ActError::NoContainer(id))?;
        let command = Command {
            command_id,
            name: action.command_name().to_owned(),
            status: CommandStatus::Created,
            result: String::new(),
            result_msg: String::new(),
            create_time: api_time(shifted(now_ms, self.skew_ms)),
            end_time: ews_core::ApiTime::unset(),
            activitys: Vec::new(),
        };
        self.commands.insert(
            uuid.clone(),
            CommandRec {
                command,
                container: id,
                created_ms: now_ms,
                step_ms: jittered,
                events: plan::plan(action, outcome, &subject),
                next: 0,
                previous_status,
            },
        );
        self.busy.insert(id, uuid.clone());
        if self.advance_one(&uuid, now_ms) {
            self.active.push(uuid.clone());
        }
        // With a step of at least 1 ms only step 0 is due: CREATED, no activities.
        self.commands
            .get(&uuid)
            .map(|r| r.command.clone())
            .ok_or(ActError::NoContainer(id))
    }

    /// Forces the outcome of the next action on a container.
    pub fn force_next(&mut self, id: ContainerId, outcome: Outcome) -> Result<(), ActError> {
        if !self.containers.contains_key(&id) {
            return Err(ActError::NoContainer(id));
        }
        self.forced.insert(id, outcome);
        Ok(())
    }

    /// Edits a container by hand (admin): the closure changes it. Whatever
    /// command was acting on it no longer holds it, and a passing state set
    /// this way stays until something acts on it.
    pub fn edit_container(
        &mut self,
        id: ContainerId,
        edit: impl FnOnce(&mut Container),
    ) -> Result<&Container, ActError> {
        if !self.containers.contains_key(&id) {
            return Err(ActError::NoContainer(id));
        }
        self.cancel_drift(id);
        self.busy.remove(&id);
        self.generation += 1;
        let c = self
            .containers
            .get_mut(&id)
            .ok_or(ActError::NoContainer(id))?;
        edit(c);
        c.id = id;
        Ok(c)
    }

    /// Commands not finished yet (including ones that hang).
    pub fn unfinished_commands(&self) -> usize {
        self.commands
            .values()
            .filter(|r| !r.command.is_final())
            .count()
    }
}

fn choose_outcome(rng: &mut Rng, action: Action, fail_rate: f64, hang: f64) -> Outcome {
    // Always draw both, so the stream does not depend on the rates.
    let fail_roll = rng.unit();
    let kind_roll = rng.below(4);
    let hang_roll = rng.unit();
    if hang_roll < hang {
        return Outcome::Hang;
    }
    if fail_roll >= fail_rate {
        return Outcome::Succeed;
    }
    match (action, kind_roll) {
        (_, 0) => Outcome::PublishFailed,
        (Action::Start, 1) => Outcome::RunFailed,
        _ => Outcome::Fail,
    }
}

fn apply(
    effect: &Effect,
    rec: &mut CommandRec,
    shown: &ews_core::ApiTime,
    containers: &mut BTreeMap<ContainerId, Container>,
    busy: &mut HashMap<ContainerId, String>,
    generation: &mut u64,
) {
    let cmd = &mut rec.command;
    match effect {
        Effect::Status(s) => cmd.status = s.clone(),
        Effect::BeginActivity(name) => cmd.activitys.push(Activity {
            command_id: cmd.command_id.to_string(),
            name: (*name).to_owned(),
            code: String::new(),
            steps: Vec::new(),
            create_time: shown.clone(),
            end_time: ews_core::ApiTime::unset(),
        }),
        Effect::Step { name, status, msg } => {
            if let Some(a) = cmd.activitys.last_mut() {
                a.steps.push(Step {
                    step_name: (*name).to_owned(),
                    status: (*status).to_owned(),
                    msg: msg.clone(),
                });
            }
        }
        Effect::EndActivity(code) => {
            if let Some(a) = cmd.activitys.last_mut() {
                a.code = (*code).to_owned();
                a.end_time = shown.clone();
            }
        }
        Effect::Finish {
            status,
            result,
            msg,
        } => {
            cmd.status = status.clone();
            cmd.result = (*result).to_owned();
            cmd.result_msg = msg.clone();
            cmd.end_time = shown.clone();
            if busy
                .get(&rec.container)
                .is_some_and(|c| c == cmd.command_id.as_str())
            {
                busy.remove(&rec.container);
            }
        }
        Effect::Container(change) => {
            // A container edited by hand meanwhile is no longer this
            // command's to change.
            if busy
                .get(&rec.container)
                .is_none_or(|c| c != cmd.command_id.as_str())
            {
                return;
            }
            *generation += 1;
            if *change == ContainerChange::Remove {
                containers.remove(&rec.container);
                return;
            }
            let Some(c) = containers.get_mut(&rec.container) else {
                return;
            };
            match change {
                ContainerChange::Status(s) => c.status = s.clone(),
                ContainerChange::StatusAndHealth(s, h) => {
                    c.status = s.clone();
                    (*h).clone_into(&mut c.health);
                }
                ContainerChange::Started => {
                    c.status = ContainerStatus::Running;
                    c.start_time = shown.clone();
                    "healthy".clone_into(&mut c.health);
                }
                ContainerChange::Stopped => {
                    c.status = ContainerStatus::Stopped;
                    c.stop_time = shown.clone();
                    c.health.clear();
                }
                ContainerChange::Restore => c.status = rec.previous_status.clone(),
                ContainerChange::Remove => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 1_700_000_000_000;
    const STEP: u64 = 100;

    fn sim(fail_rate: f64) -> Sim {
        Sim::new(
            SimOptions {
                seed: 11,
                containers: 40,
                step_ms: STEP,
                fail_rate,
                // Long enough that nothing moves on by itself in these tests.
                settle_ms: 1_000_000 * STEP,
                stuck: 0,
                step_jitter: 0.0,
            },
            T0,
            0,
        )
    }

    fn first_with(sim: &Sim, status: ContainerStatus) -> ContainerId {
        sim.containers()
            .find(|c| c.status == status)
            .map(|c| c.id)
            .unwrap_or_else(|| panic!("no {status} container"))
    }

    #[test]
    fn start_runs_to_done_in_real_time() {
        let mut s = sim(0.0);
        let id = first_with(&s, ContainerStatus::Stopped);
        let cmd = s.act(Action::Start, id, T0, 0.0).unwrap();
        assert_eq!(cmd.status, CommandStatus::Created);
        assert!(cmd.activitys.is_empty());
        assert_eq!(cmd.name, "container_start");
        let cid = cmd.command_id.to_string();
        assert_eq!(s.container(id).unwrap().status, ContainerStatus::Starting);

        s.advance(T0 + STEP);
        assert_eq!(s.command(&cid).unwrap().status, CommandStatus::Published);
        s.advance(T0 + 2 * STEP);
        let c = s.command(&cid).unwrap();
        assert_eq!(c.status, CommandStatus::Running);
        assert_eq!(c.activitys[0].name, "PrepareParams");
        assert_eq!(c.activitys[0].steps[0].msg, None);
        s.advance(T0 + 5 * STEP - 1);
        assert!(!s.command(&cid).unwrap().is_final());
        s.advance(T0 + 5 * STEP);
        let c = s.command(&cid).unwrap();
        assert!(c.succeeded(), "{c:?}");
        assert!(c.end_time.is_set());
        let names: Vec<&str> = c.activitys.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["PrepareParams", "StartContainer"]);
        assert!(
            c.activitys
                .iter()
                .all(|a| a.code == "200" && a.end_time.is_set())
        );
        let container = s.container(id).unwrap();
        assert_eq!(container.status, ContainerStatus::Running);
        assert_eq!(container.start_time, api_time(T0 + 5 * STEP));
    }

    #[test]
    fn state_rule_and_busy_answer_errors() {
        let mut s = sim(0.0);
        let running = first_with(&s, ContainerStatus::Running);
        assert!(matches!(
            s.act(Action::Start, running, T0, 0.0),
            Err(ActError::NotAllowed { .. })
        ));
        assert!(matches!(
            s.act(Action::Delete, running, T0, 0.0),
            Err(ActError::NotAllowed { .. })
        ));
        let stopped = first_with(&s, ContainerStatus::Stopped);
        s.act(Action::Delete, stopped, T0, 0.0).unwrap();
        let err = s.act(Action::Start, stopped, T0 + 1, 0.0).unwrap_err();
        assert!(matches!(err, ActError::Busy { .. }), "{err:?}");
        assert!(err.to_string().contains("busy"));
        assert_eq!(
            s.act(Action::Stop, ContainerId(1), T0, 0.0),
            Err(ActError::NoContainer(ContainerId(1)))
        );
    }

    #[test]
    fn delete_removes_when_done() {
        let mut s = sim(0.0);
        let id = first_with(&s, ContainerStatus::Allocated);
        let n = s.containers().len();
        let cmd = s.act(Action::Delete, id, T0, 0.0).unwrap();
        s.advance(T0 + 3 * STEP);
        assert!(s.container(id).is_some(), "still there while running");
        s.advance(T0 + 10 * STEP);
        assert!(s.container(id).is_none());
        assert_eq!(s.containers().len(), n - 1);
        assert!(s.command(cmd.command_id.as_str()).unwrap().succeeded());
        assert!(matches!(
            s.act(Action::Start, id, T0, 0.0),
            Err(ActError::NoContainer(_))
        ));
    }

    #[test]
    fn forced_outcomes() {
        let mut s = sim(0.0);
        let id = first_with(&s, ContainerStatus::Stopped);
        s.force_next(id, Outcome::Fail).unwrap();
        let cmd = s.act(Action::Start, id, T0, 0.0).unwrap();
        s.advance(T0 + 10 * STEP);
        let c = s.command(cmd.command_id.as_str()).unwrap();
        assert_eq!((c.status.as_str(), c.result.as_str()), ("DONE", "500"));
        assert!(c.result_msg.contains("docker start failed"));
        assert_eq!(
            s.container(id).unwrap().status,
            ContainerStatus::StartFailed
        );

        // Only the next action: the one after succeeds.
        let cmd = s.act(Action::Start, id, T0 + 10 * STEP, 0.0).unwrap();
        s.advance(T0 + 20 * STEP);
        assert!(s.command(cmd.command_id.as_str()).unwrap().succeeded());

        let running = first_with(&s, ContainerStatus::Running);
        s.force_next(running, Outcome::PublishFailed).unwrap();
        let cmd = s.act(Action::Stop, running, T0, 0.0).unwrap();
        assert_eq!(
            s.container(running).unwrap().status,
            ContainerStatus::Stopping
        );
        s.advance(T0 + STEP);
        assert_eq!(
            s.command(cmd.command_id.as_str()).unwrap().status,
            CommandStatus::PublishFailed
        );
        assert_eq!(
            s.container(running).unwrap().status,
            ContainerStatus::Running
        );

        let other = s
            .containers()
            .filter(|c| c.status == ContainerStatus::Running)
            .nth(1)
            .map(|c| c.id)
            .unwrap();
        s.force_next(other, Outcome::Hang).unwrap();
        let cmd = s.act(Action::Stop, other, T0, 0.0).unwrap();
        s.advance(T0 + 1000 * STEP);
        let c = s.command(cmd.command_id.as_str()).unwrap();
        assert_eq!(c.status, CommandStatus::Running);
        assert_eq!(
            s.container(other).unwrap().status,
            ContainerStatus::Stopping
        );
        assert_eq!(s.unfinished_commands(), 1);
        assert!(s.force_next(ContainerId(7), Outcome::Fail).is_err());
    }

    #[test]
    fn same_seed_same_commands() {
        let run = || {
            let mut s = sim(0.5);
            let ids: Vec<ContainerId> = s
                .containers()
                .filter(|c| Action::Start.usual_from(&c.status))
                .map(|c| c.id)
                .collect();
            let cmds: Vec<String> = ids
                .iter()
                .map(|id| {
                    s.act(Action::Start, *id, T0, 0.0)
                        .unwrap()
                        .command_id
                        .to_string()
                })
                .collect();
            s.advance(T0 + 100 * STEP);
            cmds.iter()
                .map(|c| {
                    let c = s.command(c).unwrap();
                    (
                        c.command_id.to_string(),
                        c.status.to_string(),
                        c.result.clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        assert!(a.iter().any(|(_, _, r)| r == "200"));
        assert!(
            a.iter()
                .any(|(_, s, r)| r == "500" || s == "PUBLISH_FAILED"),
            "{a:?}"
        );
    }

    #[test]
    fn zero_fail_rate_never_fails() {
        let mut rng = Rng::new(5);
        for _ in 0..1000 {
            assert_eq!(
                choose_outcome(&mut rng, Action::Start, 0.0, 0.0),
                Outcome::Succeed
            );
        }
        assert_eq!(
            choose_outcome(&mut rng, Action::Stop, 0.0, 1.0),
            Outcome::Hang
        );
        assert_ne!(
            choose_outcome(&mut rng, Action::Stop, 1.0, 0.0),
            Outcome::Succeed
        );
    }

    #[test]
    fn edit_frees_a_busy_container() {
        let mut s = sim(0.0);
        let id = first_with(&s, ContainerStatus::Running);
        s.force_next(id, Outcome::Hang).unwrap();
        s.act(Action::Stop, id, T0, 0.0).unwrap();
        let g = s.generation();
        s.edit_container(id, |c| c.status = ContainerStatus::Stopped)
            .unwrap();
        assert!(s.generation() > g);
        s.advance(T0 + 100 * STEP);
        assert_eq!(s.container(id).unwrap().status, ContainerStatus::Stopped);
        assert!(s.act(Action::Start, id, T0 + 100 * STEP, 0.0).is_ok());
    }

    fn drifting(fail_rate: f64, stuck: usize) -> Sim {
        Sim::new(
            SimOptions {
                seed: 11,
                containers: 200,
                step_ms: STEP,
                fail_rate,
                settle_ms: 1_000,
                stuck,
                step_jitter: 0.0,
            },
            T0,
            0,
        )
    }

    fn states(s: &Sim) -> Vec<(ContainerId, String)> {
        s.containers()
            .map(|c| (c.id, c.status.to_string()))
            .collect()
    }

    #[test]
    fn passing_states_move_on_seeded_and_within_the_settle_time() {
        let mut a = drifting(0.3, 2);
        let passing = a
            .containers()
            .filter(|c| c.status.is_transitional())
            .count();
        assert!(passing > 5, "{passing}");
        let g = a.generation();
        a.advance(T0 + 249);
        assert_eq!(
            a.generation(),
            g,
            "nothing moves before a quarter of the settle time"
        );
        a.advance(T0 + 1_000);
        let left: Vec<_> = a
            .containers()
            .filter(|c| c.status.is_transitional())
            .collect();
        assert_eq!(left.len(), 2, "only the stuck ones stay");
        let ends: std::collections::BTreeSet<String> =
            a.containers().map(|c| c.status.to_string()).collect();
        assert!(
            ends.contains("STARTFAILED") || ends.contains("STOPFAILED"),
            "{ends:?}"
        );
        let mut b = drifting(0.3, 2);
        b.advance(T0 + 1_000);
        assert_eq!(states(&a), states(&b), "same seed, same drift");
    }

    #[test]
    fn an_action_or_an_edit_takes_a_container_out_of_the_drift() {
        let mut s = drifting(0.0, 0);
        let starting = first_with(&s, ContainerStatus::Starting);
        s.force_next(starting, Outcome::Hang).unwrap();
        s.act(Action::Stop, starting, T0, 0.0).unwrap();
        let allocating = first_with(&s, ContainerStatus::Allocating);
        s.edit_container(allocating, |_| {}).unwrap();
        s.advance(T0 + 10_000);
        assert_eq!(
            s.container(starting).unwrap().status,
            ContainerStatus::Stopping
        );
        assert_eq!(
            s.container(allocating).unwrap().status,
            ContainerStatus::Allocating
        );
        assert!(matches!(
            s.act(Action::Delete, allocating, T0 + 10_000, 0.0),
            Err(ActError::NotAllowed { .. })
        ));
    }

    #[test]
    fn jitter_varies_durations_seeded() {
        let run = |jitter: f64| {
            let mut s = Sim::new(
                SimOptions {
                    seed: 5,
                    containers: 60,
                    step_ms: 1_000,
                    fail_rate: 0.0,
                    settle_ms: u64::MAX / 4,
                    stuck: 0,
                    step_jitter: jitter,
                },
                T0,
                0,
            );
            let ids: Vec<ContainerId> = s
                .containers()
                .filter(|c| c.status == ContainerStatus::Stopped)
                .map(|c| c.id)
                .take(8)
                .collect();
            let cmds: Vec<String> = ids
                .iter()
                .map(|id| {
                    s.act(Action::Start, *id, T0, 0.0)
                        .unwrap()
                        .command_id
                        .to_string()
                })
                .collect();
            // When each one ended, to the step.
            let mut ends = vec![0u64; cmds.len()];
            for t in (0..8_000).step_by(10) {
                s.advance(T0 + t);
                for (i, c) in cmds.iter().enumerate() {
                    if ends[i] == 0 && s.command(c).unwrap().is_final() {
                        ends[i] = t;
                    }
                }
            }
            ends
        };
        let flat = run(0.0);
        assert!(flat.iter().all(|t| *t == 5_000), "{flat:?}");
        let jittered = run(0.2);
        assert!(
            jittered.iter().all(|t| (4_000..=6_000).contains(t)),
            "{jittered:?}"
        );
        assert!(jittered.iter().any(|t| *t != 5_000), "{jittered:?}");
        assert_eq!(jittered, run(0.2), "seeded");
    }

    #[test]
    fn skew_shifts_shown_times() {
        let mut s = sim(0.0);
        s.set_skew(3_600_000);
        let id = first_with(&s, ContainerStatus::Stopped);
        let cmd = s.act(Action::Start, id, T0, 0.0).unwrap();
        assert_eq!(cmd.create_time, api_time(T0 + 3_600_000));
    }
}
