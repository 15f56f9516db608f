//! Fleet operations as JavaScript passes and gets them: the core's
//! [`Watch`] (many commands followed through the list) and [`Rollout`]
//! (batches that halt on the first failure), in and out as JSON text.
//! `EwsClient.followMany` and `EwsClient.rollout` drive them with `fetch`
//! and timers; every rule is the core's.

use ews_core::json::{self, Arr, Obj, Value};
use ews_core::rollout::{BatchSize, Plan, Progress, RollOp, Rollout, State, Step};
use ews_core::watch::Watch;
use ews_core::{Action, CommandId, Container, ContainerId, ContainerStatus, FollowPolicy};

fn num(v: Option<&Value<'_>>) -> Option<u64> {
    match v {
        Some(Value::Num(n)) => n.parse().ok(),
        _ => None,
    }
}

/// Adds a command to `watch` from `{containerId, commandId, action, from}`
/// (JSON text) issued at `started_ms`; the error says what is wrong.
pub fn watch_add(watch: &mut Watch, item: &str, started_ms: u64) -> Result<(), String> {
    let v = json::parse(item.as_bytes()).map_err(|e| e.reason().to_owned())?;
    let container = num(v.get("containerId")).ok_or("containerId must be a container id")?;
    let command = v
        .get("commandId")
        .and_then(Value::as_str)
        .ok_or("commandId is missing")
        .and_then(|c| CommandId::new(c).map_err(|_| "commandId is not a command id"))?;
    let action = v
        .get("action")
        .and_then(Value::as_str)
        .and_then(Action::parse)
        .ok_or("action must be start, stop or delete")?;
    let from = ContainerStatus::parse(v.get("from").and_then(Value::as_str).unwrap_or(""));
    watch.add(ContainerId(container), command, action, from, started_ms);
    Ok(())
}

/// The commands to read once after a list (`containers`: the JSON of the
/// list's containers), as a JSON array of ids.
pub fn watch_list(watch: &mut Watch, containers: &str, now_ms: u64) -> String {
    let list: Vec<Container> = match json::parse(containers.as_bytes()) {
        Ok(Value::Arr(items)) => items
            .iter()
            .filter_map(|i| Container::from_json(i).ok())
            .collect(),
        _ => Vec::new(),
    };
    let mut out = String::new();
    let mut a = Arr::new(&mut out);
    for id in watch.on_list(now_ms, &list) {
        json::push_str(a.item(), id.as_str());
    }
    a.end();
    out
}

/// A fresh watch with the default follow policy's deadline.
pub fn new_watch() -> Watch {
    Watch::new(FollowPolicy::default())
}

/// A rollout from `{op, targets, batch, pauseMs, tolerance, containerTimeoutMs}`
/// (JSON text): `batch` is a count, or a share such as `"25%"`.
pub fn rollout(plan: &str) -> Result<Rollout, String> {
    let v = json::parse(plan.as_bytes()).map_err(|e| e.reason().to_owned())?;
    let op = v
        .get("op")
        .and_then(Value::as_str)
        .and_then(RollOp::parse)
        .ok_or("op must be start, stop or restart")?;
    let Some(Value::Arr(items)) = v.get("targets") else {
        return Err("targets must be a list of container ids".into());
    };
    let targets = items
        .iter()
        .map(|i| num(Some(i)).map(ContainerId))
        .collect::<Option<Vec<_>>>()
        .ok_or("targets must be a list of container ids")?;
    let batch = match v.get("batch") {
        None | Some(Value::Null) => BatchSize::Count(1),
        Some(Value::Str(s)) if s.ends_with('%') => {
            BatchSize::parse(s).ok_or("batch must be a count or a share such as \"25%\"")?
        }
        b => num(b)
            .filter(|n| *n >= 1)
            .map(|n| BatchSize::Count(n as usize))
            .ok_or("batch must be a count or a share such as \"25%\"")?,
    };
    Ok(Rollout::new(Plan {
        op,
        targets,
        batch,
        pause_ms: num(v.get("pauseMs")).unwrap_or(0),
        tolerance: num(v.get("tolerance")).unwrap_or(0) as usize,
        container_timeout_ms: num(v.get("containerTimeoutMs")).unwrap_or(5 * 60 * 1000),
    }))
}

/// What to do now: `{"act":[ids]}`, `{"waitMs":n}` or `{"idle":true}`.
pub fn step_json(step: &Step) -> String {
    let mut out = String::new();
    let mut o = Obj::new(&mut out);
    match step {
        Step::Act(ids) => {
            let mut list = String::new();
            let mut a = Arr::new(&mut list);
            for id in ids {
                a.item().push_str(&id.0.to_string());
            }
            a.end();
            o.raw("act", &list);
        }
        Step::Wait(ms) => {
            o.uint("waitMs", *ms);
        }
        Step::Idle => {
            o.bool("idle", true);
        }
    }
    o.end();
    out
}

fn state_str(s: &State) -> &'static str {
    match s {
        State::Running => "running",
        State::Paused => "paused",
        State::Halted => "halted",
        State::Cancelled => "cancelled",
        State::Done => "done",
    }
}

/// Where the rollout stands, for a progress view:
/// `{state, batch, batches, etaMs, containers:[{id, step, sinceMs?, tookMs?, reason?}]}`.
pub fn progress_json(r: &Rollout, now_ms: u64) -> String {
    let mut out = String::new();
    let mut o = Obj::new(&mut out);
    let (batch, batches) = r.batch();
    o.str("op", r.plan().op.as_str())
        .str("state", state_str(r.state()));
    match batch {
        Some(b) => o.uint("batch", b as u64),
        None => o.raw("batch", "null"),
    };
    o.uint("batches", batches as u64);
    match r.eta_ms(now_ms) {
        Some(ms) => o.uint("etaMs", ms),
        None => o.raw("etaMs", "null"),
    };
    let mut list = String::new();
    let mut a = Arr::new(&mut list);
    for (id, p) in r.progress() {
        let mut c = Obj::new(a.item());
        c.uint("id", id.0);
        match p {
            Progress::Pending => c.str("step", "pending"),
            Progress::Running { since_ms } => c.str("step", "running").uint("sinceMs", *since_ms),
            Progress::Succeeded { took_ms } => c.str("step", "succeeded").uint("tookMs", *took_ms),
            Progress::Failed { reason } => c.str("step", "failed").str("reason", reason),
            Progress::NotStarted => c.str("step", "not_started"),
        };
        c.end();
    }
    a.end();
    o.raw("containers", &list);
    o.end();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rollout_from_javascript_and_its_progress() {
        let mut r =
            rollout(r#"{"op":"restart","targets":[7,8,9],"batch":"50%","pauseMs":0}"#).unwrap();
        assert_eq!(step_json(&r.next(0)), r#"{"act":[7,8]}"#);
        r.on_result(1_000, ContainerId(7), Ok(()));
        r.on_result(1_000, ContainerId(8), Err("stop failed".into()));
        assert_eq!(step_json(&r.next(1_000)), r#"{"idle":true}"#);
        let p: serde_json::Value = serde_json::from_str(&progress_json(&r, 1_000)).unwrap();
        assert_eq!(p["state"], "halted");
        assert_eq!(p["batches"], 2);
        assert_eq!(p["containers"][1]["reason"], "stop failed");
        assert_eq!(p["containers"][2]["step"], "not_started");
        for bad in [
            r#"{"op":"reboot","targets":[1]}"#,
            r#"{"op":"start","targets":"all"}"#,
            r#"{"op":"start","targets":[1],"batch":"0%"}"#,
            r#"{"op":"start","targets":[1],"batch":0}"#,
        ] {
            assert!(rollout(bad).is_err(), "{bad}");
        }
        assert_eq!(step_json(&Step::Wait(5)), r#"{"waitMs":5}"#);
    }

    #[test]
    fn a_watch_from_javascript() {
        let mut w = new_watch();
        watch_add(
            &mut w,
            r#"{"containerId":5,"commandId":"c-5","action":"start","from":"STOPPED"}"#,
            0,
        )
        .unwrap();
        assert!(
            watch_add(
                &mut w,
                r#"{"containerId":5,"commandId":"a/b","action":"start"}"#,
                0
            )
            .is_err()
        );
        assert!(
            watch_add(
                &mut w,
                r#"{"containerId":5,"commandId":"c","action":"reboot"}"#,
                0
            )
            .is_err()
        );
        assert_eq!(
            watch_list(&mut w, r#"[{"id":5,"status":"STARTING"}]"#, 2_000),
            "[]"
        );
        assert_eq!(
            watch_list(&mut w, r#"[{"id":5,"status":"RUNNING"}]"#, 4_000),
            r#"["c-5"]"#
        );
    }
}
