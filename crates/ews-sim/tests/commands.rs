//! Commands over real HTTP: start, stop and delete followed to `DONE` with
//! their activities and the container's state changes; refusals while a
//! command runs; failures from `--fail-rate` and from the admin endpoint.

mod common;

use std::time::Duration;

use common::Sim;
use ews_core::{Command, CommandStatus, ContainerStatus, Operation};

const POLL: Duration = Duration::from_millis(10);
const TIMEOUT: Duration = Duration::from_secs(10);

fn rank(s: &CommandStatus) -> u8 {
    match s {
        CommandStatus::Created => 0,
        CommandStatus::Published => 1,
        CommandStatus::Running => 2,
        CommandStatus::Done | CommandStatus::PublishFailed => 3,
        other => panic!("unexpected status {other}"),
    }
}

/// Checks that what was seen only moved forward and ended as expected.
fn check_progress(seen: &[Command]) -> &Command {
    let ranks: Vec<u8> = seen.iter().map(|c| rank(&c.status)).collect();
    assert!(
        ranks.windows(2).all(|w| w[0] <= w[1]),
        "statuses went back: {ranks:?}"
    );
    let sizes: Vec<usize> = seen
        .iter()
        .map(|c| c.activitys.iter().map(|a| a.steps.len() + 1).sum())
        .collect();
    assert!(
        sizes.windows(2).all(|w| w[0] <= w[1]),
        "activities shrank: {sizes:?}"
    );
    let last = seen.last().expect("seen");
    assert!(last.is_final(), "did not end: {last:?}");
    last
}

fn activity_names(c: &Command) -> Vec<&str> {
    c.activitys.iter().map(|a| a.name.as_str()).collect()
}

#[test]
fn start_is_followed_to_done_and_the_container_runs() {
    // Slow enough steps that polling sees the phases.
    let sim = Sim::start(&["--step-ms", "150"]);
    let id = sim.first_in(ContainerStatus::Stopped);
    let before = sim.container(id).unwrap();
    let cmd = sim.act(Operation::StartContainer(id));
    assert_eq!(cmd.status, CommandStatus::Created);
    assert_eq!(sim.container(id).unwrap().status, ContainerStatus::Starting);

    let seen = sim.follow(&cmd, POLL, TIMEOUT);
    let last = check_progress(&seen);
    assert!(
        seen.iter().any(|c| c.status == CommandStatus::Running),
        "RUNNING seen"
    );
    assert!(
        seen.iter().any(|c| c.status == CommandStatus::Published),
        "PUBLISHED seen"
    );
    assert!(last.succeeded(), "{last:?}");
    assert_eq!(last.result, "200");
    assert!(last.end_time.is_set());
    assert_eq!(activity_names(last), ["PrepareParams", "StartContainer"]);
    for a in &last.activitys {
        assert_eq!(a.code, "200");
        assert_eq!(a.command_id, cmd.command_id.as_str());
        assert!(a.create_time.is_set() && a.end_time.is_set());
        assert!(a.steps.iter().all(|s| s.status == "200"));
    }
    let steps: Vec<&str> = last.activitys[1]
        .steps
        .iter()
        .map(|s| s.step_name.as_str())
        .collect();
    assert_eq!(steps, ["PullImage", "StartDocker", "HealthCheck"]);
    // Some steps carry no msg at all, as in the documentation.
    assert!(
        last.activitys
            .iter()
            .flat_map(|a| &a.steps)
            .any(|s| s.msg.is_none())
    );

    let after = sim.container(id).unwrap();
    assert_eq!(after.status, ContainerStatus::Running);
    assert!(after.start_time.is_set() && after.start_time != before.start_time);
    assert_eq!(after.health, "healthy");
}

#[test]
fn stop_is_followed_to_done_and_the_container_stops() {
    let sim = Sim::start(&[]);
    let id = sim.first_in(ContainerStatus::Running);
    let cmd = sim.act(Operation::StopContainer(id));
    assert_eq!(cmd.name, "container_stop");
    assert_eq!(sim.container(id).unwrap().status, ContainerStatus::Stopping);
    let seen = sim.follow(&cmd, POLL, TIMEOUT);
    let last = check_progress(&seen);
    assert!(last.succeeded(), "{last:?}");
    assert_eq!(activity_names(last), ["PrepareParams", "StopContainer"]);
    let after = sim.container(id).unwrap();
    assert_eq!(after.status, ContainerStatus::Stopped);
    assert!(after.stop_time.is_set());
    // And start it again: a full cycle.
    let cmd = sim.act(Operation::StartContainer(id));
    assert!(check_progress(&sim.follow(&cmd, POLL, TIMEOUT)).succeeded());
    assert_eq!(sim.container(id).unwrap().status, ContainerStatus::Running);
}

#[test]
fn delete_is_followed_to_done_and_the_container_is_gone() {
    let sim = Sim::start(&[]);
    let id = sim.first_in(ContainerStatus::Stopped);
    let n = sim.list().len();
    let cmd = sim.act(Operation::DeleteContainer(id));
    assert_eq!(cmd.name, "container_delete");
    let seen = sim.follow(&cmd, POLL, TIMEOUT);
    let last = check_progress(&seen);
    assert!(last.succeeded(), "{last:?}");
    assert_eq!(activity_names(last), ["PrepareParams", "DeleteContainer"]);
    let err = sim.container(id).unwrap_err();
    assert_eq!(err.api_code().map(|c| c.code()), Some("1005"), "{err}");
    assert_eq!(sim.list().len(), n - 1);
    assert!(sim.list().iter().all(|c| c.id != id));
    // The command stays readable.
    let r = sim.call(&Operation::GetCommand(cmd.command_id.clone()));
    assert_eq!(r.status, 200);
}

#[test]
fn a_container_with_a_running_command_refuses_other_actions() {
    let sim = Sim::start(&["--step-ms", "200"]);
    let stopped: Vec<_> = sim
        .list()
        .into_iter()
        .filter(|c| c.status == ContainerStatus::Stopped)
        .map(|c| c.id)
        .collect();
    let (id, other) = (stopped[0], stopped[1]);
    sim.act(Operation::DeleteContainer(id));
    // Deleting does not change the state (STOPPED allows start) but the
    // container is busy.
    let r = sim.call(&Operation::StartContainer(id));
    r.assert_error(409, "1007");
    assert!(r.message().contains("busy"), "{}", r.message());
    let r = sim.call(&Operation::DeleteContainer(id));
    r.assert_error(409, "1007");
    // A second start of a starting container.
    sim.act(Operation::StartContainer(other));
    sim.call(&Operation::StartContainer(other))
        .assert_error(409, "1007");
}

#[test]
fn command_ids_are_deterministic_for_a_seed() {
    let first_command = || {
        let sim = Sim::start(&["--seed", "99"]);
        let id = sim.first_in(ContainerStatus::Stopped);
        sim.act(Operation::StartContainer(id))
            .command_id
            .as_str()
            .to_owned()
    };
    assert_eq!(first_command(), first_command());
}

#[test]
fn fail_rate_one_makes_every_command_fail() {
    let sim = Sim::start(&["--fail-rate", "1"]);
    let list = sim.list();
    let startable: Vec<_> = list
        .iter()
        .filter(|c| ews_core::Action::Start.usual_from(&c.status))
        .map(|c| c.id)
        .take(6)
        .collect();
    let mut kinds = std::collections::BTreeSet::new();
    for id in startable {
        let before = sim.container(id).unwrap().status;
        let cmd = sim.act(Operation::StartContainer(id));
        let last = check_progress(&sim.follow(&cmd, POLL, TIMEOUT)).clone();
        assert!(!last.succeeded(), "{last:?}");
        assert!(
            !last.result_msg.is_empty(),
            "a resultMsg explains: {last:?}"
        );
        let after = sim.container(id).unwrap().status;
        match last.status {
            CommandStatus::PublishFailed => assert_eq!(after, before, "restored"),
            CommandStatus::Done => {
                assert_eq!(last.result, "500");
                assert!(
                    matches!(
                        after,
                        ContainerStatus::StartFailed | ContainerStatus::RunFailed
                    ),
                    "{after}"
                );
            }
            other => panic!("{other}"),
        }
        kinds.insert(last.status.to_string());
    }
    assert!(!kinds.is_empty());
}

#[test]
fn fail_next_forces_each_failure() {
    let sim = Sim::start(&["--admin"]);
    // Start → STARTFAILED, DONE with result 500 and a message.
    let id = sim.first_in(ContainerStatus::Stopped);
    let r = sim.admin("POST", &format!("/__admin/containers/{id}/fail-next"), None);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["data"]["mode"], "fail");
    let cmd = sim.act(Operation::StartContainer(id));
    let last = check_progress(&sim.follow(&cmd, POLL, TIMEOUT)).clone();
    assert_eq!(
        (last.status.as_str(), last.result.as_str()),
        ("DONE", "500")
    );
    assert!(
        last.result_msg.contains("docker start failed"),
        "{}",
        last.result_msg
    );
    assert_eq!(last.activitys[1].code, "500");
    assert_eq!(
        sim.container(id).unwrap().status,
        ContainerStatus::StartFailed
    );
    // Only the next one: now it starts.
    let cmd = sim.act(Operation::StartContainer(id));
    assert!(check_progress(&sim.follow(&cmd, POLL, TIMEOUT)).succeeded());

    // Stop → STOPFAILED.
    let id = sim.first_in(ContainerStatus::Running);
    sim.admin(
        "POST",
        &format!("/__admin/containers/{id}/fail-next"),
        Some(r#"{"mode":"fail"}"#),
    );
    let cmd = sim.act(Operation::StopContainer(id));
    let last = check_progress(&sim.follow(&cmd, POLL, TIMEOUT)).clone();
    assert_eq!(last.result, "500");
    assert_eq!(
        sim.container(id).unwrap().status,
        ContainerStatus::StopFailed
    );

    // Start → RUNFAILED.
    let id = sim.first_in(ContainerStatus::Stopped);
    sim.admin(
        "POST",
        &format!("/__admin/containers/{id}/fail-next?mode=runfailed"),
        None,
    );
    let cmd = sim.act(Operation::StartContainer(id));
    let last = check_progress(&sim.follow(&cmd, POLL, TIMEOUT)).clone();
    assert_eq!(last.result, "500");
    let c = sim.container(id).unwrap();
    assert_eq!(
        (c.status, c.health.as_str()),
        (ContainerStatus::RunFailed, "unhealthy")
    );

    // PUBLISH_FAILED: the container goes back.
    let id = sim.first_in(ContainerStatus::Running);
    sim.admin(
        "POST",
        &format!("/__admin/containers/{id}/fail-next?mode=publish"),
        None,
    );
    let cmd = sim.act(Operation::StopContainer(id));
    let last = check_progress(&sim.follow(&cmd, POLL, TIMEOUT)).clone();
    assert_eq!(last.status, CommandStatus::PublishFailed);
    assert!(last.activitys.is_empty());
    assert!(last.result_msg.contains("publish failed"));
    assert_eq!(sim.container(id).unwrap().status, ContainerStatus::Running);

    // Delete refused: the container stays.
    let id = sim.first_in(ContainerStatus::Stopped);
    sim.admin("POST", &format!("/__admin/containers/{id}/fail-next"), None);
    let cmd = sim.act(Operation::DeleteContainer(id));
    let last = check_progress(&sim.follow(&cmd, POLL, TIMEOUT)).clone();
    assert_eq!(last.result, "500");
    assert!(sim.container(id).is_ok());

    // Hang: never ends, the container stays in transition.
    let id = sim.first_in(ContainerStatus::Running);
    sim.admin(
        "POST",
        &format!("/__admin/containers/{id}/fail-next?mode=hang"),
        None,
    );
    let cmd = sim.act(Operation::StopContainer(id));
    let seen = sim.follow(&cmd, Duration::from_millis(50), Duration::from_millis(600));
    let last = seen.last().unwrap();
    assert_eq!(
        last.status,
        CommandStatus::Running,
        "600 ms = 30 steps later"
    );
    assert_eq!(sim.container(id).unwrap().status, ContainerStatus::Stopping);

    // Bad requests to the admin endpoint.
    sim.admin("POST", "/__admin/containers/1/fail-next", None)
        .assert_error(404, "1005");
    sim.admin(
        "POST",
        &format!("/__admin/containers/{id}/fail-next?mode=explode"),
        None,
    )
    .assert_error(400, "1002");
    sim.admin("POST", "/__admin/containers/abc/fail-next", None)
        .assert_error(400, "1002");
    sim.admin("GET", &format!("/__admin/containers/{id}/fail-next"), None)
        .assert_error(405, "1008");
}

#[test]
fn admin_sets_a_container_and_resets_everything() {
    let sim = Sim::start(&["--admin"]);
    let id = sim.first_in(ContainerStatus::Running);
    let r = sim.admin(
        "PUT",
        &format!("/__admin/containers/{id}"),
        Some(r#"{"status":"STOPPED","health":"","cpu":-1}"#),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["data"]["status"], "STOPPED");
    let c = sim.container(id).unwrap();
    assert_eq!((c.status, c.cpu), (ContainerStatus::Stopped, Some(-1)));
    // An undocumented state is kept as sent.
    sim.admin(
        "PUT",
        &format!("/__admin/containers/{id}"),
        Some(r#"{"status":"HIBERNATING"}"#),
    );
    assert_eq!(sim.container(id).unwrap().status.as_str(), "HIBERNATING");
    sim.call(&Operation::StartContainer(id))
        .assert_error(409, "1007");
    sim.admin(
        "PUT",
        &format!("/__admin/containers/{id}"),
        Some(r#"{"sttaus":"RUNNING"}"#),
    )
    .assert_error(400, "1002");
    sim.admin("PUT", "/__admin/containers/1", Some("{}"))
        .assert_error(404, "1005");
    let r = sim.admin("GET", &format!("/__admin/containers/{id}"), None);
    assert_eq!(r.json()["data"]["id"], id.0);

    // Reset: the fleet and the commands are back to the start.
    let stopped = sim.first_in(ContainerStatus::Stopped);
    let cmd = sim.act(Operation::DeleteContainer(stopped));
    sim.follow(&cmd, POLL, TIMEOUT);
    assert!(sim.container(stopped).is_err());
    let r = sim.admin("POST", "/__admin/reset", None);
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["data"]["containers"], 32);
    assert!(sim.container(stopped).is_ok());
    assert_eq!(sim.container(id).unwrap().status, ContainerStatus::Running);
    sim.call(&Operation::GetCommand(cmd.command_id))
        .assert_error(404, "1005");
}
