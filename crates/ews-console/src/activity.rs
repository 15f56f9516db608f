//! The recent-activity log: every command this tab started, kept in session
//! storage so that a reload resumes following the unfinished ones, and
//! exportable as JSON.

use ews_core::{Action, Command, CommandId, ContainerId, Outcome};
use serde::{Deserialize, Serialize};

use crate::storage::{self, keys};

/// The most commands kept.
pub const MAX_TRACKED: usize = 200;

/// How a command ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ended {
    /// Succeeded.
    pub ok: bool,
    /// [`Outcome::kind`]: `succeeded`, `failed`, `publish_failed`, `timed_out`, `lost`.
    pub kind: String,
    /// What happened, with the server's `resultMsg`.
    pub text: String,
    /// Local time it ended, ms.
    pub at_ms: u64,
}

impl Ended {
    /// From the core's outcome, said in `lang`.
    pub fn of(outcome: &Outcome, lang: crate::i18n::Lang, at_ms: u64) -> Ended {
        Ended {
            ok: outcome.is_success(),
            kind: outcome.kind().into(),
            text: lang.outcome(outcome),
            at_ms,
        }
    }
}

/// One command of this session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tracked {
    /// The command.
    pub command_id: CommandId,
    /// `start`, `stop` or `delete`.
    pub action: String,
    /// The container it acts on.
    pub container_id: ContainerId,
    /// Local time the command was accepted, ms.
    pub started_ms: u64,
    /// Polls made to follow it.
    #[serde(default)]
    pub polls: u32,
    /// The latest state the server reported.
    #[serde(default)]
    pub command: Option<Command>,
    /// How it ended; `None` while it runs.
    #[serde(default)]
    pub ended: Option<Ended>,
}

impl Tracked {
    /// A command just accepted.
    pub fn new(
        action: Action,
        container_id: ContainerId,
        command: Command,
        started_ms: u64,
    ) -> Tracked {
        Tracked {
            command_id: command.command_id.clone(),
            action: action.as_str().into(),
            container_id,
            started_ms,
            polls: 0,
            command: Some(command),
            ended: None,
        }
    }

    /// The action, when it is a known one.
    pub fn action(&self) -> Option<Action> {
        Action::parse(&self.action)
    }
}

/// Reads the log from session storage (anything unreadable is dropped).
pub fn load() -> Vec<Tracked> {
    parse(&storage::session_get(keys::ACTIVITY).unwrap_or_default())
}

/// Parses a stored log; never fails.
pub fn parse(text: &str) -> Vec<Tracked> {
    let mut log: Vec<Tracked> = serde_json::from_str(text).unwrap_or_default();
    log.truncate(MAX_TRACKED);
    log
}

/// Writes the log to session storage.
pub fn save(log: &[Tracked]) {
    match serde_json::to_string(log) {
        Ok(text) if !log.is_empty() => storage::session_set(keys::ACTIVITY, &text),
        _ => storage::session_remove(keys::ACTIVITY),
    }
}

/// The log as JSON, for export.
pub fn export(log: &[Tracked]) -> String {
    serde_json::to_string(log).unwrap_or_else(|_| "[]".into())
}

/// Adds a command at the front, keeping at most [`MAX_TRACKED`].
pub fn push(log: &mut Vec<Tracked>, t: Tracked) {
    log.retain(|x| x.command_id != t.command_id);
    log.insert(0, t);
    log.truncate(MAX_TRACKED);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(id: &str, status: &str) -> Command {
        let body = format!(
            r#"{{"code":"0","data":{{"commandId":"{id}","status":"{status}","name":"container_start"}}}}"#
        );
        ews_core::decode::command(200, body.as_bytes()).unwrap()
    }

    #[test]
    fn round_trips_and_survives_garbage() {
        let mut log = Vec::new();
        push(
            &mut log,
            Tracked::new(Action::Start, ContainerId(1), cmd("a", "CREATED"), 5),
        );
        push(
            &mut log,
            Tracked::new(Action::Stop, ContainerId(2), cmd("b", "RUNNING"), 6),
        );
        let text = serde_json::to_string(&log).unwrap();
        let back = parse(&text);
        assert_eq!(back, log);
        assert_eq!(back[0].action(), Some(Action::Stop));
        assert!(parse("not json").is_empty());
        assert!(parse(r#"[{"commandId":""}]"#).is_empty());
    }

    #[test]
    fn push_dedupes_and_caps() {
        let mut log = Vec::new();
        for i in 0..(MAX_TRACKED + 10) {
            push(
                &mut log,
                Tracked::new(
                    Action::Start,
                    ContainerId(1),
                    cmd(&format!("c{i}"), "CREATED"),
                    0,
                ),
            );
        }
        assert_eq!(log.len(), MAX_TRACKED);
        push(
            &mut log,
            Tracked::new(Action::Start, ContainerId(1), cmd("c205", "DONE"), 0),
        );
        assert_eq!(log.len(), MAX_TRACKED);
        assert_eq!(
            log.iter()
                .filter(|t| t.command_id.as_str() == "c205")
                .count(),
            1
        );
    }

    #[test]
    fn ended_from_outcome() {
        let e = Ended::of(
            &Outcome::Failed {
                result: "500".into(),
                message: "disk full".into(),
            },
            crate::i18n::Lang::En,
            9,
        );
        assert!(!e.ok);
        assert_eq!(e.kind, "failed");
        assert!(e.text.contains("disk full"));
    }
}
