//! The recent-activity log: every command this tab started, kept in session
//! storage so that a reload resumes following the unfinished ones, and
//! exportable as JSON.

use ews_core::json::{self, Obj, ToJson, Value};
use ews_core::{Action, Command, CommandId, ContainerId, Outcome};

use crate::storage::{self, keys};

/// The most commands kept.
pub const MAX_TRACKED: usize = 200;

/// How a command ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ended {
    /// Succeeded.
    pub ok: bool,
    /// [`Outcome::kind`]: `succeeded`, `failed`, `publish_failed`, `timed_out`, `lost`.
    pub kind: String,
    /// What happened, with the server's `resultMsg`.
    pub text: String,
    /// Local time it ended, ms.
    pub at_ms: u64,
    /// How long it took from issue to its end (estimated between the last
    /// two polls), when it ended with a status of its own: what the core
    /// learns durations from.
    pub took_ms: Option<u64>,
}

impl Ended {
    /// From the core's outcome, said in `lang`.
    pub fn of(
        outcome: &Outcome,
        lang: crate::i18n::Lang,
        at_ms: u64,
        took_ms: Option<u64>,
    ) -> Ended {
        Ended {
            ok: outcome.is_success(),
            kind: outcome.kind().into(),
            text: lang.outcome(outcome),
            at_ms,
            took_ms,
        }
    }
}

/// One command of this session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    /// The command.
    pub command_id: CommandId,
    /// `start`, `stop` or `delete`.
    pub action: String,
    /// The container it acts on.
    pub container_id: ContainerId,
    /// Local time the command was accepted, ms.
    pub started_ms: u64,
    /// Polls made to follow it.
    pub polls: u32,
    /// The latest state the server reported.
    pub command: Option<Command>,
    /// How it ended; `None` while it runs.
    pub ended: Option<Ended>,
}

impl LogEntry {
    /// A command just accepted.
    pub fn new(
        action: Action,
        container_id: ContainerId,
        command: Command,
        started_ms: u64,
    ) -> LogEntry {
        LogEntry {
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

    /// Reads an entry written by [`ToJson`]; `None` when it lacks what a
    /// reload needs (a command id, an action, a container).
    pub fn from_json(v: &Value<'_>) -> Option<LogEntry> {
        let uint = |name: &str| match v.get(name) {
            Some(Value::Num(n)) => n.parse::<u64>().ok(),
            _ => None,
        };
        let ended = v.get("ended").filter(|e| !e.is_null()).map(|e| Ended {
            ok: e.get("ok") == Some(&Value::Bool(true)),
            kind: e
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .into(),
            text: e
                .get("text")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .into(),
            at_ms: match e.get("atMs") {
                Some(Value::Num(n)) => n.parse().unwrap_or_default(),
                _ => 0,
            },
            took_ms: match e.get("tookMs") {
                Some(Value::Num(n)) => n.parse().ok(),
                _ => None,
            },
        });
        Some(LogEntry {
            command_id: CommandId::new(v.get("commandId")?.as_str()?).ok()?,
            action: v.get("action")?.as_str()?.into(),
            container_id: ContainerId(uint("containerId")?),
            started_ms: uint("startedMs")?,
            polls: uint("polls").unwrap_or_default() as u32,
            command: v.get("command").and_then(|c| Command::from_json(c).ok()),
            ended,
        })
    }
}

impl ToJson for LogEntry {
    fn write_json(&self, out: &mut String) {
        let mut o = Obj::new(out);
        o.str("commandId", self.command_id.as_str())
            .str("action", &self.action)
            .uint("containerId", self.container_id.0)
            .uint("startedMs", self.started_ms)
            .uint("polls", u64::from(self.polls));
        match &self.command {
            Some(c) => c.write_json(o.key("command")),
            None => {
                o.raw("command", "null");
            }
        }
        match &self.ended {
            Some(e) => {
                let mut end = Obj::new(o.key("ended"));
                end.bool("ok", e.ok)
                    .str("kind", &e.kind)
                    .str("text", &e.text)
                    .uint("atMs", e.at_ms);
                if let Some(t) = e.took_ms {
                    end.uint("tookMs", t);
                }
                end.end();
            }
            None => {
                o.raw("ended", "null");
            }
        }
        o.end();
    }
}

/// What the log says of how long commands take: the durations of those
/// that succeeded, oldest first, for the core's learned schedule.
pub fn durations(log: &[LogEntry]) -> ews_core::learn::Durations {
    let mut d = ews_core::learn::Durations::new();
    // The log is newest first.
    for t in log.iter().rev() {
        if let (
            Some(action),
            Some(Ended {
                ok: true,
                took_ms: Some(ms),
                ..
            }),
        ) = (t.action(), &t.ended)
        {
            d.record(action, *ms);
        }
    }
    d
}

/// The session-storage key of `account`'s log (`ews.activity:prod`; the
/// console without accounts: `ews.activity`).
fn key(account: &str) -> String {
    if account.is_empty() {
        keys::ACTIVITY.to_string()
    } else {
        format!("{}:{account}", keys::ACTIVITY)
    }
}

/// Reads `account`'s log from session storage (anything unreadable is dropped).
pub fn load(account: &str) -> Vec<LogEntry> {
    parse(&storage::session_get(&key(account)).unwrap_or_default())
}

/// Parses a stored log; never fails.
pub fn parse(text: &str) -> Vec<LogEntry> {
    let mut log: Vec<LogEntry> = match json::parse(text.as_bytes()) {
        Ok(Value::Arr(items)) => items.iter().filter_map(LogEntry::from_json).collect(),
        _ => Vec::new(),
    };
    log.truncate(MAX_TRACKED);
    log
}

/// Writes `account`'s log to session storage.
pub fn save(account: &str, log: &[LogEntry]) {
    if log.is_empty() {
        storage::session_remove(&key(account));
    } else {
        storage::session_set(&key(account), &log.to_json());
    }
}

/// The log as JSON, for export.
///
/// In the fleet view (`names`: its accounts, see [`crate::fleet`]) each
/// command comes with its `account`, and its container's id is the
/// server's.
pub fn export(log: &[LogEntry], names: &[String]) -> String {
    crate::fleet::json_with_accounts(log, names, |t| &mut t.container_id)
}

/// Adds a command at the front, keeping at most [`MAX_TRACKED`].
pub fn push(log: &mut Vec<LogEntry>, t: LogEntry) {
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
            LogEntry::new(Action::Start, ContainerId(1), cmd("a", "CREATED"), 5),
        );
        push(
            &mut log,
            LogEntry::new(Action::Stop, ContainerId(2), cmd("b", "RUNNING"), 6),
        );
        let text = log.to_json();
        let back = parse(&text);
        assert_eq!(back, log);
        assert_eq!(back[0].action(), Some(Action::Stop));
        assert!(parse("not json").is_empty());
        assert!(parse(r#"[{"commandId":""}]"#).is_empty());
    }

    #[test]
    fn the_fleet_views_export_names_each_account_and_the_servers_id() {
        let id = crate::fleet::tag(1, ContainerId(7)).unwrap();
        let log = vec![LogEntry::new(Action::Start, id, cmd("a", "CREATED"), 5)];
        assert_eq!(export(&log, &[]), log.to_json());
        let text = export(&log, &["prod".into(), "eu".into()]);
        assert!(
            text.starts_with(r#"[{"account":"eu","commandId":"a","#),
            "{text}"
        );
        assert!(text.contains(r#""containerId":7,"#), "{text}");
        // The rest is the log's own shape: it reads back.
        assert_eq!(parse(&text)[0].container_id, ContainerId(7));
    }

    #[test]
    fn push_dedupes_and_caps() {
        let mut log = Vec::new();
        for i in 0..(MAX_TRACKED + 10) {
            push(
                &mut log,
                LogEntry::new(
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
            LogEntry::new(Action::Start, ContainerId(1), cmd("c205", "DONE"), 0),
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
            None,
        );
        assert!(!e.ok);
        assert_eq!(e.kind, "failed");
        assert!(e.text.contains("disk full"));
    }

    #[test]
    fn the_log_teaches_durations_of_successes_only() {
        let cmd = |id: &str| {
            Command::from_json(
                &json::parse(format!(r#"{{"commandId":"{id}","status":"DONE"}}"#).as_bytes())
                    .unwrap(),
            )
            .unwrap()
        };
        let mut log = Vec::new();
        for (i, (ok, took)) in [(true, 5_000), (false, 9_000), (true, 5_200), (true, 4_800)]
            .into_iter()
            .enumerate()
        {
            let mut e = LogEntry::new(
                Action::Start,
                ContainerId(i as u64),
                cmd(&format!("c{i}")),
                0,
            );
            e.ended = Some(Ended {
                ok,
                kind: if ok { "succeeded" } else { "failed" }.into(),
                text: String::new(),
                at_ms: took,
                took_ms: Some(took),
            });
            log.insert(0, e);
        }
        let d = durations(&log);
        assert_eq!(d.count(Action::Start), 3);
        assert_eq!(d.expect(Action::Start).unwrap().hi_ms, 5_200);
        // It survives the session storage round trip.
        assert_eq!(durations(&parse(&log.to_json())), d);
    }
}
