//! What a command does, step by step: a plan of timed events, fixed when the
//! command is created.
//!
//! A plan is a list of [`Event`]s, each due a whole number of steps
//! (`--step-ms`) after the command was created. The state applies the due
//! events lazily on every request, so a command's progress depends only on
//! the time, never on background tasks. Modelled on the documentation:
//! `CREATED` → `PUBLISHED` → `RUNNING` (activities `PrepareParams`, then
//! `StartContainer`/`StopContainer`/`DeleteContainer`, each with
//! `stepName`/`status`/`msg` steps) → `DONE` with result `"200"`, or a
//! failure.

use ews_core::{Action, CommandStatus, ContainerStatus};

/// How a command will end, chosen when it is created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// `DONE`, result `"200"`; the container reaches its target state.
    Succeed,
    /// `DONE`, result `"500"`: start → `STARTFAILED`, stop → `STOPFAILED`,
    /// delete → the container stays.
    Fail,
    /// Start only: the docker process runs but the health check fails →
    /// `RUNFAILED`, result `"500"`. Other actions fail as [`Outcome::Fail`].
    RunFailed,
    /// `PUBLISH_FAILED`: the command never runs; the container goes back to
    /// the state it had.
    PublishFailed,
    /// Never finishes: stays `RUNNING` after its first steps, and the
    /// container stays in transition.
    Hang,
}

impl Outcome {
    /// Every outcome.
    pub const ALL: [Outcome; 5] = [
        Outcome::Succeed,
        Outcome::Fail,
        Outcome::RunFailed,
        Outcome::PublishFailed,
        Outcome::Hang,
    ];

    /// The name used by the admin endpoint: `succeed`, `fail`, `runfailed`,
    /// `publish`, `hang`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Succeed => "succeed",
            Outcome::Fail => "fail",
            Outcome::RunFailed => "runfailed",
            Outcome::PublishFailed => "publish",
            Outcome::Hang => "hang",
        }
    }

    /// Parses [`Outcome::as_str`] (also `publish_failed`, any case).
    pub fn parse(text: &str) -> Option<Outcome> {
        let t = text.trim().to_ascii_lowercase();
        match t.as_str() {
            "publish_failed" | "publish-failed" => Some(Outcome::PublishFailed),
            "run_failed" | "run-failed" => Some(Outcome::RunFailed),
            _ => Outcome::ALL.into_iter().find(|o| o.as_str() == t),
        }
    }
}

/// A change to the container a command acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainerChange {
    /// Set its status.
    Status(ContainerStatus),
    /// Set its status and health.
    StatusAndHealth(ContainerStatus, &'static str),
    /// It started: `RUNNING`, `startTime` now, healthy.
    Started,
    /// It stopped: `STOPPED`, `stopTime` now, health cleared.
    Stopped,
    /// Back to the status it had before the command.
    Restore,
    /// It is deleted.
    Remove,
}

/// One change a due event makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// The command's status.
    Status(CommandStatus),
    /// A new activity begins (`code` empty until it ends).
    BeginActivity(&'static str),
    /// A step of the current activity, reported when it is done.
    Step {
        /// `stepName`.
        name: &'static str,
        /// `status`, e.g. `"200"`.
        status: &'static str,
        /// `msg`; absent on some steps, as in the documentation's example.
        msg: Option<String>,
    },
    /// The current activity ends with this `code`.
    EndActivity(&'static str),
    /// The container changes.
    Container(ContainerChange),
    /// The command ends: final status, `result`, `resultMsg`, `endTime`.
    Finish {
        /// `DONE` or `PUBLISH_FAILED`.
        status: CommandStatus,
        /// `"200"` on success.
        result: &'static str,
        /// `resultMsg`.
        msg: String,
    },
}

/// The effects due `step` steps after the command was created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Steps after creation (0: applied when the command is accepted).
    pub step: u32,
    /// What happens, in order.
    pub effects: Vec<Effect>,
}

/// What the messages mention about the container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject {
    /// Container id.
    pub id: u64,
    /// Host id.
    pub host: u64,
    /// CPU cores (`-1`: shared).
    pub cpu: i64,
    /// Memory, MB.
    pub mem: i64,
    /// Disk, MB.
    pub disk: i64,
}

fn step(name: &'static str, status: &'static str, msg: Option<String>) -> Effect {
    Effect::Step { name, status, msg }
}

fn done(result: &'static str, msg: impl Into<String>) -> Effect {
    Effect::Finish {
        status: CommandStatus::Done,
        result,
        msg: msg.into(),
    }
}

/// The plan for `action` on `subject` ending as `outcome`.
pub fn plan(action: Action, outcome: Outcome, subject: &Subject) -> Vec<Event> {
    use ContainerChange as C;
    let host = subject.host;
    let mut events = Vec::with_capacity(6);
    let mut at = |step: u32, effects: Vec<Effect>| events.push(Event { step, effects });

    // Accepted: the container enters its transitional state at once, so the
    // list shows it and a second start is refused.
    at(
        0,
        action
            .transitional_status()
            .map(|s| vec![Effect::Container(C::Status(s))])
            .unwrap_or_default(),
    );
    if outcome == Outcome::PublishFailed {
        at(
            1,
            vec![
                Effect::Container(C::Restore),
                Effect::Finish {
                    status: CommandStatus::PublishFailed,
                    result: "",
                    msg: format!("publish failed: the agent on host {host} did not answer"),
                },
            ],
        );
        return events;
    }
    at(1, vec![Effect::Status(CommandStatus::Published)]);
    at(
        2,
        vec![
            Effect::Status(CommandStatus::Running),
            Effect::BeginActivity("PrepareParams"),
            step("CheckParams", "200", None),
        ],
    );
    let cpu = if subject.cpu < 0 {
        "shared".to_owned()
    } else {
        subject.cpu.to_string()
    };
    let resources = format!(
        "cpu {cpu}, mem {} MB, disk {} MB on host {host}",
        subject.mem, subject.disk
    );
    let main_activity = match action {
        Action::Start => "StartContainer",
        Action::Stop => "StopContainer",
        Action::Delete => "DeleteContainer",
    };
    let mut third = vec![
        step("LoadContainerConfig", "200", Some(resources)),
        Effect::EndActivity("200"),
        Effect::BeginActivity(main_activity),
    ];
    let fail = matches!(outcome, Outcome::Fail | Outcome::RunFailed);
    match action {
        Action::Start => {
            third.push(step(
                "PullImage",
                "200",
                Some(format!("image present on host {host}")),
            ));
            at(3, third);
            if outcome == Outcome::Hang {
                return events;
            }
            if outcome == Outcome::Fail {
                let why = "docker start failed: exit status 125 (port 8080 is already allocated)";
                at(
                    4,
                    vec![
                        step("StartDocker", "500", Some(why.to_owned())),
                        Effect::EndActivity("500"),
                        Effect::Container(C::Status(ContainerStatus::StartFailed)),
                        done("500", format!("StartContainer failed: {why}")),
                    ],
                );
                return events;
            }
            at(
                4,
                vec![step(
                    "StartDocker",
                    "200",
                    Some("docker start ok".to_owned()),
                )],
            );
            if outcome == Outcome::RunFailed {
                let why = "health check failed 3 times; the docker process is still running";
                at(
                    5,
                    vec![
                        step("HealthCheck", "500", Some(why.to_owned())),
                        Effect::EndActivity("500"),
                        Effect::Container(C::StatusAndHealth(
                            ContainerStatus::RunFailed,
                            "unhealthy",
                        )),
                        done("500", format!("StartContainer failed: {why}")),
                    ],
                );
                return events;
            }
            at(
                5,
                vec![
                    step(
                        "HealthCheck",
                        "200",
                        Some("container is healthy".to_owned()),
                    ),
                    Effect::EndActivity("200"),
                    Effect::Container(C::Started),
                    done("200", "success"),
                ],
            );
        }
        Action::Stop => {
            if outcome == Outcome::Hang {
                third.push(step(
                    "SendSigterm",
                    "200",
                    Some("waiting for the process to exit".to_owned()),
                ));
                at(3, third);
                return events;
            }
            if fail {
                let why = "docker stop timed out after 30 s; the process did not exit";
                third.extend([
                    step("StopDocker", "500", Some(why.to_owned())),
                    Effect::EndActivity("500"),
                    Effect::Container(C::Status(ContainerStatus::StopFailed)),
                    done("500", format!("StopContainer failed: {why}")),
                ]);
                at(3, third);
                return events;
            }
            third.push(step(
                "StopDocker",
                "200",
                Some("docker stop ok (SIGTERM, exited in 2 s)".to_owned()),
            ));
            at(3, third);
            at(
                4,
                vec![
                    step("ReleasePorts", "200", None),
                    Effect::EndActivity("200"),
                    Effect::Container(C::Stopped),
                    done("200", "success"),
                ],
            );
        }
        Action::Delete => {
            if outcome == Outcome::Hang {
                third.push(step(
                    "RemoveDocker",
                    "",
                    Some("waiting for docker rm".to_owned()),
                ));
                at(3, third);
                return events;
            }
            if fail {
                let why = "docker rm failed: device or resource busy";
                third.extend([
                    step("RemoveDocker", "500", Some(why.to_owned())),
                    Effect::EndActivity("500"),
                    done("500", format!("DeleteContainer failed: {why}")),
                ]);
                at(3, third);
                return events;
            }
            third.push(step("RemoveDocker", "200", Some("docker rm ok".to_owned())));
            at(3, third);
            at(
                4,
                vec![
                    step(
                        "ReleaseResources",
                        "200",
                        Some(format!(
                            "released the resources of container {} on host {host}",
                            subject.id
                        )),
                    ),
                    Effect::EndActivity("200"),
                    Effect::Container(C::Remove),
                    done("200", "success"),
                ],
            );
        }
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUBJECT: Subject = Subject {
        id: 2529,
        host: 301,
        cpu: -1,
        mem: 1024,
        disk: 10_240,
    };

    fn finish(events: &[Event]) -> Option<(&CommandStatus, &str)> {
        events
            .iter()
            .flat_map(|e| &e.effects)
            .find_map(|e| match e {
                Effect::Finish { status, result, .. } => Some((status, *result)),
                _ => None,
            })
    }

    fn container_changes(events: &[Event]) -> Vec<&ContainerChange> {
        events
            .iter()
            .flat_map(|e| &e.effects)
            .filter_map(|e| match e {
                Effect::Container(c) => Some(c),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_plan_is_ordered_and_ends_unless_it_hangs() {
        for action in Action::ALL {
            for outcome in Outcome::ALL {
                let events = plan(action, outcome, &SUBJECT);
                assert!(
                    events.windows(2).all(|w| w[0].step < w[1].step),
                    "{action} {outcome:?}"
                );
                assert_eq!(events[0].step, 0);
                assert_eq!(
                    finish(&events).is_some(),
                    outcome != Outcome::Hang,
                    "{action} {outcome:?}"
                );
                // The finish is the last effect.
                if outcome != Outcome::Hang {
                    let last = events.last().and_then(|e| e.effects.last());
                    assert!(
                        matches!(last, Some(Effect::Finish { .. })),
                        "{action} {outcome:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn successes_reach_the_target_state() {
        let start = plan(Action::Start, Outcome::Succeed, &SUBJECT);
        assert_eq!(finish(&start), Some((&CommandStatus::Done, "200")));
        assert_eq!(
            container_changes(&start),
            [
                &ContainerChange::Status(ContainerStatus::Starting),
                &ContainerChange::Started
            ]
        );
        let stop = plan(Action::Stop, Outcome::Succeed, &SUBJECT);
        assert_eq!(
            container_changes(&stop),
            [
                &ContainerChange::Status(ContainerStatus::Stopping),
                &ContainerChange::Stopped
            ]
        );
        let delete = plan(Action::Delete, Outcome::Succeed, &SUBJECT);
        assert_eq!(container_changes(&delete), [&ContainerChange::Remove]);
    }

    #[test]
    fn failures_are_realistic() {
        let start = plan(Action::Start, Outcome::Fail, &SUBJECT);
        assert_eq!(finish(&start), Some((&CommandStatus::Done, "500")));
        assert!(
            container_changes(&start)
                .contains(&&ContainerChange::Status(ContainerStatus::StartFailed))
        );
        let run = plan(Action::Start, Outcome::RunFailed, &SUBJECT);
        assert!(
            container_changes(&run).contains(&&ContainerChange::StatusAndHealth(
                ContainerStatus::RunFailed,
                "unhealthy"
            ))
        );
        let stop = plan(Action::Stop, Outcome::Fail, &SUBJECT);
        assert!(
            container_changes(&stop)
                .contains(&&ContainerChange::Status(ContainerStatus::StopFailed))
        );
        let publish = plan(Action::Start, Outcome::PublishFailed, &SUBJECT);
        assert_eq!(finish(&publish), Some((&CommandStatus::PublishFailed, "")));
        assert!(container_changes(&publish).contains(&&ContainerChange::Restore));
        let delete = plan(Action::Delete, Outcome::Fail, &SUBJECT);
        assert!(!container_changes(&delete).contains(&&ContainerChange::Remove));
    }

    #[test]
    fn outcome_names_round_trip() {
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.as_str()), Some(o));
        }
        assert_eq!(
            Outcome::parse("PUBLISH_FAILED"),
            Some(Outcome::PublishFailed)
        );
        assert_eq!(Outcome::parse("explode"), None);
    }

    #[test]
    fn messages_mention_the_host() {
        let start = plan(Action::Start, Outcome::Succeed, &SUBJECT);
        let text = format!("{start:?}");
        assert!(
            text.contains("host 301") && text.contains("cpu shared"),
            "{text}"
        );
    }
}
