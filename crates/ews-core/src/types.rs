//! Every documented shape of the API, with the API's own field names, and
//! how each is read from what a real service sends.
//!
//! Reading is tolerant, field by field ([`Container::from_json`],
//! [`Command::from_json`]): numbers may come as strings, fractions or
//! negative numbers, strings as numbers, anything as `null` or `""`, unknown
//! states as [`ContainerStatus::Unknown`], unknown fields are ignored. What
//! cannot be read as documented is kept as its JSON text (a container's
//! [`Container::odd`]), never dropped silently and never a reason to refuse
//! the whole answer. Only a container without a usable `id` (or a command
//! without a `commandId`) cannot be read at all.
//!
//! Writing ([`ToJson`]) gives the same field names and order, so what the
//! SDK hands out and the console exports reads like the API.

use alloc::borrow::ToOwned;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use crate::id::{CommandId, ContainerId};
use crate::json::{Obj, ToJson, Value};
use crate::time::ApiTime;

/// A container, as `GET /api/v1/container[/{id}]` returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    /// Container id.
    pub id: ContainerId,
    /// Node the container belongs to.
    pub node_id: Option<i64>,
    /// Lifecycle state.
    pub status: ContainerStatus,
    /// When the container was created.
    pub create_time: ApiTime,
    /// When it was last started (unset if never).
    pub start_time: ApiTime,
    /// When it was last stopped (unset if never).
    pub stop_time: ApiTime,
    /// Host the container runs on; `-1` (or any negative) means it is not
    /// placed on a host (yet).
    pub host_id: Option<i64>,
    /// CPU cores; `-1` means shared (see [`Container::cpu_shared`]).
    pub cpu: Option<i64>,
    /// Memory, MB.
    pub mem: Option<i64>,
    /// Disk, MB.
    pub disk: Option<i64>,
    /// Health state, often `""`.
    pub health: String,
    /// Fields the server sent in a shape the documentation does not give
    /// (a fraction, text, an object…), with what was sent. The typed field
    /// is then `None` (or, for text fields, the JSON text).
    pub odd: Vec<OddField>,
}

/// A field that could not be read as documented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OddField {
    /// The API's name of the field, e.g. `cpu`.
    pub field: &'static str,
    /// What the server sent, as JSON text (`0.5`, `"abc"`, `{"a":1}`).
    pub raw: String,
}

impl Container {
    /// A container with this id and status and every other field unset.
    pub fn new(id: ContainerId, status: ContainerStatus) -> Self {
        Container {
            id,
            node_id: None,
            status,
            create_time: ApiTime::unset(),
            start_time: ApiTime::unset(),
            stop_time: ApiTime::unset(),
            host_id: None,
            cpu: None,
            mem: None,
            disk: None,
            health: String::new(),
            odd: Vec::new(),
        }
    }

    /// Whether the container uses shared CPU (`cpu == -1`).
    pub fn cpu_shared(&self) -> bool {
        self.cpu == Some(-1)
    }

    /// What the server sent for `field` when it could not be read, if so.
    pub fn odd(&self, field: &str) -> Option<&str> {
        self.odd
            .iter()
            .find(|o| o.field == field)
            .map(|o| o.raw.as_str())
    }

    /// Reads one container from a list item or a `data` object. Fails only
    /// when it is not an object or has no usable `id`; every other field
    /// is read as far as it can be (see the module's rules).
    pub fn from_json(v: &Value<'_>) -> Result<Container, Unreadable> {
        if !matches!(v, Value::Obj(_)) {
            return Err(Unreadable::NotAnObject { kind: v.kind() });
        }
        let id = match v.get("id") {
            None | Some(Value::Null) => return Err(Unreadable::NoId),
            Some(id) => match read::int(id) {
                Ok(Some(n)) if n >= 0 => ContainerId(n as u64),
                _ => return Err(Unreadable::BadId { raw: id.to_json() }),
            },
        };
        let mut odd = Vec::new();
        let mut int = |name: &'static str| match v.get(name).map(read::int) {
            None | Some(Ok(None)) => None,
            Some(Ok(n)) => n,
            Some(Err(raw)) => {
                odd.push(OddField { field: name, raw });
                None
            }
        };
        let node_id = int("nodeId");
        let host_id = int("hostId");
        let cpu = int("cpu");
        let mem = int("mem");
        let disk = int("disk");
        let mut text = |name: &'static str| {
            let (text, raw) = read::text(v.get(name));
            if let Some(raw) = raw {
                odd.push(OddField { field: name, raw });
            }
            text
        };
        let status = ContainerStatus::parse(text("status").trim());
        let create_time = ApiTime::new(text("createTime"));
        let start_time = ApiTime::new(text("startTime"));
        let stop_time = ApiTime::new(text("stopTime"));
        let health = text("health");
        Ok(Container {
            id,
            node_id,
            status,
            create_time,
            start_time,
            stop_time,
            host_id,
            cpu,
            mem,
            disk,
            health,
            odd,
        })
    }
}

impl ToJson for Container {
    fn write_json(&self, out: &mut String) {
        let mut o = Obj::new(out);
        o.uint("id", self.id.0)
            .opt_int("nodeId", self.node_id)
            .str("status", self.status.as_str())
            .str("createTime", self.create_time.raw())
            .str("startTime", self.start_time.raw())
            .str("stopTime", self.stop_time.raw())
            .opt_int("hostId", self.host_id)
            .opt_int("cpu", self.cpu)
            .opt_int("mem", self.mem)
            .opt_int("disk", self.disk)
            .str("health", &self.health);
        if !self.odd.is_empty() {
            let mut odd = Obj::new(o.key("odd"));
            for f in &self.odd {
                odd.str(f.field, &f.raw);
            }
            odd.end();
        }
        o.end();
    }
}

/// Why a list item could not be read as a container at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// It is not an object.
    NotAnObject {
        /// What it is instead: `a string`, `a list`, `null`…
        kind: &'static str,
    },
    /// It has no `id` (or `null`).
    NoId,
    /// Its `id` is not a non-negative whole number.
    BadId {
        /// The `id` as sent (JSON text).
        raw: String,
    },
    /// `data` is not a list of containers.
    NotAList {
        /// What `data` is instead.
        kind: &'static str,
    },
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unreadable::NotAnObject { kind } => write!(f, "it is {kind}, not an object"),
            Unreadable::NoId => f.write_str("it has no id"),
            Unreadable::BadId { raw } => write!(f, "its id {raw} is not a container id"),
            Unreadable::NotAList { kind } => write!(f, "`data` is {kind}, not a list"),
        }
    }
}

/// One item of a list answer that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Its position in the answer's `data`, from 0.
    pub index: usize,
    /// Its `id` as sent (JSON text), when it had one.
    pub id: Option<String>,
    /// What was wrong.
    pub reason: Unreadable,
    /// The item as sent (JSON text, cut to [`Skipped::RAW_CHARS`] characters).
    pub raw: String,
}

impl Skipped {
    /// The longest `raw` kept, in characters.
    pub const RAW_CHARS: usize = 2_000;

    /// An item that could not be read.
    pub fn new(index: usize, item: &Value<'_>, reason: Unreadable) -> Skipped {
        let mut raw = item.to_json();
        if let Some((cut, _)) = raw.char_indices().nth(Skipped::RAW_CHARS) {
            raw.truncate(cut);
            raw.push('…');
        }
        Skipped {
            index,
            id: item.get("id").map(Value::to_json),
            reason,
            raw,
        }
    }
}

impl ToJson for Skipped {
    fn write_json(&self, out: &mut String) {
        let mut o = Obj::new(out);
        o.uint("index", self.index as u64)
            .opt_str("id", self.id.as_deref())
            .str("reason", &self.reason.to_string())
            .str("raw", &self.raw);
        o.end();
    }
}

/// A list answer: every container that could be read, and an account of
/// each item that could not.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContainerList {
    /// The containers, in the answer's order.
    pub containers: Vec<Container>,
    /// The items that could not be read, in order.
    pub skipped: Vec<Skipped>,
}

impl ContainerList {
    /// Reads a list answer's `data`: a list (each item read on its own);
    /// `null` (or no `data`) is an empty fleet; a single object is read as
    /// a list of one; anything else is one unreadable item.
    pub fn from_json(data: Option<&Value<'_>>) -> ContainerList {
        let mut list = ContainerList::default();
        let items = match data {
            None | Some(Value::Null) => return list,
            Some(Value::Arr(items)) => items.as_slice(),
            Some(one @ Value::Obj(_)) => core::slice::from_ref(one),
            Some(other) => {
                let reason = Unreadable::NotAList { kind: other.kind() };
                list.skipped.push(Skipped::new(0, other, reason));
                return list;
            }
        };
        list.containers.reserve(items.len());
        for (index, item) in items.iter().enumerate() {
            match Container::from_json(item) {
                Ok(c) => list.containers.push(c),
                Err(reason) => list.skipped.push(Skipped::new(index, item, reason)),
            }
        }
        list
    }
}

macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value the documentation does not list, kept as sent.
            Unknown(String),
        }

        impl $name {
            /// Every documented value, in the documentation's order.
            pub const DOCUMENTED: &'static [$name] = &[ $( $name::$variant, )* ];

            /// The wire text of every documented value, in the same order.
            pub const TEXTS: &'static [&'static str] = &[ $( $text, )* ];

            /// The position of a documented value in [`Self::DOCUMENTED`]
            /// (and [`Self::TEXTS`]); `None` for an undocumented one.
            pub fn index(&self) -> Option<usize> {
                match self {
                    $name::Unknown(_) => None,
                    known => Self::DOCUMENTED.iter().position(|d| d == known),
                }
            }

            /// The wire text.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )*
                    $name::Unknown(text) => text,
                }
            }

            /// Parses the wire text; anything undocumented becomes `Unknown`.
            pub fn parse(text: &str) -> Self {
                match text {
                    $( $text => $name::$variant, )*
                    other => $name::Unknown(String::from(other)),
                }
            }

            /// Whether this is a documented value.
            pub fn is_documented(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::Unknown(String::new())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

    };
}

string_enum! {
    /// A container's lifecycle state: the 11 documented states, or one the
    /// documentation does not list.
    ContainerStatus {
        /// Host resources are still being allocated.
        Allocating = "ALLOCATING",
        /// Resources allocated; never started.
        Allocated = "ALLOCATED",
        /// Starting.
        Starting = "STARTING",
        /// Running.
        Running = "RUNNING",
        /// Failed.
        Fail = "FAIL",
        /// Start failed; the docker process exists.
        RunFailed = "RUNFAILED",
        /// Start failed; no docker process either.
        StartFailed = "STARTFAILED",
        /// Stopping.
        Stopping = "STOPPING",
        /// Stopped.
        Stopped = "STOPPED",
        /// Logged in.
        Login = "LOGIN",
        /// Stop failed.
        StopFailed = "STOPFAILED",
    }
}

/// What each documented container state means, in English and Chinese, in
/// [`ContainerStatus::DOCUMENTED`] order: the documentation's own words
/// (`FAIL` and `LOGIN` are listed there without an explanation).
const MEANINGS: [(&str, &str); 11] = [
    (
        "Host resources are still being allocated",
        "主机的资源还在分配中",
    ),
    ("Allocated: ready to start, never started", "已分配"),
    ("Starting", "启动中"),
    ("Running", "运行中"),
    (
        "Failed (the documentation says no more)",
        "失败（文档未作说明）",
    ),
    (
        "Start failed: the docker process exists, but the service in it failed",
        "启动失败，docker 进程存在",
    ),
    (
        "Start failed: no docker process exists either",
        "启动失败，docker 进程也不存在",
    ),
    ("Stopping", "停止中"),
    ("Stopped", "已停止"),
    (
        "Login (as the documentation names it; it says no more)",
        "登录",
    ),
    ("Stop failed", "停止失败"),
];

/// What an undocumented state means (it is shown as sent).
const UNKNOWN_MEANING: (&str, &str) = (
    "A state the documentation does not list (shown as the service sent it)",
    "文档未列出的状态（按服务返回的原样显示）",
);

impl ContainerStatus {
    /// What the state means, in English: the documentation's words.
    pub fn meaning_en(&self) -> &'static str {
        self.meanings().0
    }

    /// What the state means, in Chinese: the documentation's words.
    pub fn meaning_zh(&self) -> &'static str {
        self.meanings().1
    }

    fn meanings(&self) -> (&'static str, &'static str) {
        self.index()
            .and_then(|i| MEANINGS.get(i).copied())
            .unwrap_or(UNKNOWN_MEANING)
    }

    /// A state the container is passing through; it will change by itself.
    pub fn is_transitional(&self) -> bool {
        matches!(
            self,
            ContainerStatus::Allocating | ContainerStatus::Starting | ContainerStatus::Stopping
        )
    }

    /// A state that reports a failure the operator should look at.
    pub fn is_failure(&self) -> bool {
        matches!(
            self,
            ContainerStatus::Fail
                | ContainerStatus::RunFailed
                | ContainerStatus::StartFailed
                | ContainerStatus::StopFailed
        )
    }
}

string_enum! {
    /// A command's state: the 5 documented states, or one the documentation
    /// does not list.
    CommandStatus {
        /// Written, not yet published.
        Created = "CREATED",
        /// Published to the host.
        Published = "PUBLISHED",
        /// Publishing failed; the command has ended without running.
        PublishFailed = "PUBLISH_FAILED",
        /// Running.
        Running = "RUNNING",
        /// Finished; see `result`.
        Done = "DONE",
    }
}

impl CommandStatus {
    /// Whether a command in this state has ended (`DONE` or `PUBLISH_FAILED`).
    pub fn is_final(&self) -> bool {
        matches!(self, CommandStatus::Done | CommandStatus::PublishFailed)
    }
}

/// The result code that means a command succeeded.
pub const RESULT_OK: &str = "200";

/// An asynchronous command, as start/stop/delete and `GET /api/v1/command/{id}` return it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// Command id (a UUID in practice).
    pub command_id: CommandId,
    /// e.g. `container_start`.
    pub name: String,
    /// Lifecycle state.
    pub status: CommandStatus,
    /// `"200"` on success, `""` while running.
    pub result: String,
    /// Result message.
    pub result_msg: String,
    /// When the command was created.
    pub create_time: ApiTime,
    /// When it ended.
    pub end_time: ApiTime,
    /// What the command did so far (the API's spelling).
    pub activitys: Vec<Activity>,
}

impl Command {
    /// A command just created, with this id and status.
    pub fn new(command_id: CommandId, status: CommandStatus) -> Self {
        Command {
            command_id,
            name: String::new(),
            status,
            result: String::new(),
            result_msg: String::new(),
            create_time: ApiTime::unset(),
            end_time: ApiTime::unset(),
            activitys: Vec::new(),
        }
    }

    /// Whether the command has ended.
    pub fn is_final(&self) -> bool {
        self.status.is_final()
    }

    /// Whether it ended well: `DONE` with result `"200"`.
    pub fn succeeded(&self) -> bool {
        self.status == CommandStatus::Done && self.result.trim() == RESULT_OK
    }

    /// The activity and step running now (the last ones reported), if any.
    pub fn current_step(&self) -> Option<(&Activity, Option<&Step>)> {
        let activity = self.activitys.last()?;
        Some((activity, activity.steps.last()))
    }

    /// Reads a command. Fails only without a usable `commandId` (its
    /// reason, in words); every other field is read as far as it can be:
    /// an unknown status is kept as [`CommandStatus::Unknown`], `activitys`
    /// that is not a list is empty, activities and steps that are not
    /// objects are left out.
    pub fn from_json(v: &Value<'_>) -> Result<Command, String> {
        if !matches!(v, Value::Obj(_)) {
            return Err(alloc::format!("it is {}, not an object", v.kind()));
        }
        let id = match v.get("commandId") {
            Some(Value::Str(s)) => s.to_string(),
            Some(n @ Value::Num(_)) => n.to_json(),
            Some(other) => {
                return Err(alloc::format!(
                    "its commandId is {}, not a string",
                    other.kind()
                ));
            }
            None => return Err(String::from("it has no commandId")),
        };
        let command_id = CommandId::new(id).map_err(|e| e.to_string())?;
        let text = |name| read::text(v.get(name)).0;
        Ok(Command {
            command_id,
            name: text("name"),
            status: CommandStatus::parse(text("status").trim()),
            result: text("result"),
            result_msg: text("resultMsg"),
            create_time: ApiTime::new(text("createTime")),
            end_time: ApiTime::new(text("endTime")),
            activitys: read::objects(v.get("activitys"), Activity::from_json),
        })
    }
}

impl ToJson for Command {
    fn write_json(&self, out: &mut String) {
        let mut o = Obj::new(out);
        o.str("commandId", self.command_id.as_str())
            .str("name", &self.name)
            .str("status", self.status.as_str())
            .str("result", &self.result)
            .str("resultMsg", &self.result_msg)
            .str("createTime", self.create_time.raw())
            .str("endTime", self.end_time.raw());
        self.activitys.write_json(o.key("activitys"));
        o.end();
    }
}

/// One activity of a command, e.g. `PrepareParams` or `StartContainer`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Activity {
    /// The command it belongs to.
    pub command_id: String,
    /// Activity name.
    pub name: String,
    /// Status code as a string, e.g. `"200"`.
    pub code: String,
    /// Its steps.
    pub steps: Vec<Step>,
    /// When it started.
    pub create_time: ApiTime,
    /// When it ended.
    pub end_time: ApiTime,
}

impl Activity {
    fn from_json(v: &Value<'_>) -> Activity {
        let text = |name| read::text(v.get(name)).0;
        Activity {
            command_id: text("commandId"),
            name: text("name"),
            code: text("code"),
            steps: read::objects(v.get("steps"), Step::from_json),
            create_time: ApiTime::new(text("createTime")),
            end_time: ApiTime::new(text("endTime")),
        }
    }
}

impl ToJson for Activity {
    fn write_json(&self, out: &mut String) {
        let mut o = Obj::new(out);
        o.str("commandId", &self.command_id)
            .str("name", &self.name)
            .str("code", &self.code);
        self.steps.write_json(o.key("steps"));
        o.str("createTime", self.create_time.raw())
            .str("endTime", self.end_time.raw());
        o.end();
    }
}

/// One step of an activity. Every field is optional: the published example
/// has steps without `msg`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Step {
    /// Step name.
    pub step_name: String,
    /// Status, e.g. `"200"`.
    pub status: String,
    /// Message, when the server gave one.
    pub msg: Option<String>,
}

impl Step {
    fn from_json(v: &Value<'_>) -> Step {
        Step {
            step_name: read::text(v.get("stepName")).0,
            status: read::text(v.get("status")).0,
            msg: match v.get("msg") {
                None | Some(Value::Null) => None,
                some => Some(read::text(some).0),
            },
        }
    }
}

impl ToJson for Step {
    fn write_json(&self, out: &mut String) {
        let mut o = Obj::new(out);
        o.str("stepName", &self.step_name)
            .str("status", &self.status);
        if let Some(msg) = &self.msg {
            o.str("msg", msg);
        }
        o.end();
    }
}

/// The success code.
pub const CODE_OK: &str = "0";

/// Reading values as the documentation says they should be, tolerantly.
mod read {
    use super::*;

    /// A whole number: a JSON integer, or a string of one (blank: none);
    /// `null` is none. Anything else (a fraction, text, an object) is
    /// `Err(its JSON text)`.
    pub(super) fn int(v: &Value<'_>) -> Result<Option<i64>, String> {
        let text = match v {
            Value::Null => return Ok(None),
            Value::Num(n) => *n,
            Value::Str(s) if s.trim().is_empty() => return Ok(None),
            Value::Str(s) => s.trim(),
            other => return Err(other.to_json()),
        };
        // `2.0` is 2 (some services write every number as a float).
        whole(text)
            .parse::<i64>()
            .map(Some)
            .map_err(|_| v.to_json())
    }

    /// A number's text without a fraction of zeros: `200.00` → `200`.
    /// Anything else as it is (no float parsing: it costs ~10 KB of wasm).
    pub(super) fn whole(n: &str) -> &str {
        match n.split_once('.') {
            Some((int, frac)) if !frac.is_empty() && frac.bytes().all(|b| b == b'0') => int,
            _ => n,
        }
    }

    /// Text: a string as it is, a number or boolean as written, `null` or
    /// nothing as `""`. A list or an object gives its JSON text, and that
    /// text again as the second value (the field is odd).
    pub(super) fn text(v: Option<&Value<'_>>) -> (String, Option<String>) {
        match v {
            None | Some(Value::Null) => (String::new(), None),
            Some(Value::Str(s)) => ((**s).to_owned(), None),
            Some(Value::Num(n)) => (whole(n).to_owned(), None),
            Some(Value::Bool(b)) => (String::from(if *b { "true" } else { "false" }), None),
            Some(other) => {
                let raw = other.to_json();
                (raw.clone(), Some(raw))
            }
        }
    }

    /// The objects of a list, each read with `f`; items that are not
    /// objects are left out, and anything but a list is an empty one.
    pub(super) fn objects<T>(v: Option<&Value<'_>>, f: impl Fn(&Value<'_>) -> T) -> Vec<T> {
        match v {
            Some(Value::Arr(items)) => items
                .iter()
                .filter(|i| matches!(i, Value::Obj(_)))
                .map(f)
                .collect(),
            _ => Vec::new(),
        }
    }
}
