//! Every documented shape of the API, with the API's own field names.
//!
//! Decoding is lenient where real data is odd: optional fields may be missing,
//! `""` times mean "not set", integers may come as numeric strings, unknown
//! fields are ignored and unknown states decode as `Unknown(text)`. Only a
//! container's `id` is required.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::id::{CommandId, ContainerId};
use crate::time::ApiTime;

/// A container, as `GET /api/v1/container[/{id}]` returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Container {
    /// Container id.
    pub id: ContainerId,
    /// Node the container belongs to.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub node_id: Option<u64>,
    /// Lifecycle state.
    #[serde(default)]
    pub status: ContainerStatus,
    /// When the container was created.
    #[serde(default)]
    pub create_time: ApiTime,
    /// When it was last started (unset if never).
    #[serde(default)]
    pub start_time: ApiTime,
    /// When it was last stopped (unset if never).
    #[serde(default)]
    pub stop_time: ApiTime,
    /// Host the container runs on.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub host_id: Option<u64>,
    /// CPU cores; `-1` means shared (see [`Container::cpu_shared`]).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub cpu: Option<i64>,
    /// Memory, MB.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub mem: Option<i64>,
    /// Disk, MB.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub disk: Option<i64>,
    /// Health state, often `""`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub health: String,
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
        }
    }

    /// Whether the container uses shared CPU (`cpu == -1`).
    pub fn cpu_shared(&self) -> bool {
        self.cpu == Some(-1)
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

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = lenient::opt_string(d)?.unwrap_or_default();
                Ok($name::parse(&text))
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
        /// Failed (undocumented meaning).
        Fail = "FAIL",
        /// Start failed; the docker process exists.
        RunFailed = "RUNFAILED",
        /// Start failed; no docker process either.
        StartFailed = "STARTFAILED",
        /// Stopping.
        Stopping = "STOPPING",
        /// Stopped.
        Stopped = "STOPPED",
        /// Logged in (undocumented meaning; treated as running).
        Login = "LOGIN",
        /// Stop failed.
        StopFailed = "STOPFAILED",
    }
}

impl ContainerStatus {
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Command {
    /// Command id (a UUID in practice).
    pub command_id: CommandId,
    /// e.g. `container_start`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub name: String,
    /// Lifecycle state.
    #[serde(default)]
    pub status: CommandStatus,
    /// `"200"` on success, `""` while running.
    #[serde(default, deserialize_with = "lenient::string")]
    pub result: String,
    /// Result message.
    #[serde(default, deserialize_with = "lenient::string")]
    pub result_msg: String,
    /// When the command was created.
    #[serde(default)]
    pub create_time: ApiTime,
    /// When it ended.
    #[serde(default)]
    pub end_time: ApiTime,
    /// What the command did so far (the API's spelling).
    #[serde(default, deserialize_with = "lenient::vec")]
    pub activitys: Vec<Activity>,
}

impl Command {
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
}

/// One activity of a command, e.g. `PrepareParams` or `StartContainer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Activity {
    /// The command it belongs to.
    #[serde(default, deserialize_with = "lenient::string")]
    pub command_id: String,
    /// Activity name.
    #[serde(default, deserialize_with = "lenient::string")]
    pub name: String,
    /// Status code as a string, e.g. `"200"`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub code: String,
    /// Its steps.
    #[serde(default, deserialize_with = "lenient::vec")]
    pub steps: Vec<Step>,
    /// When it started.
    #[serde(default)]
    pub create_time: ApiTime,
    /// When it ended.
    #[serde(default)]
    pub end_time: ApiTime,
}

/// One step of an activity. Every field is optional: the published example
/// has steps without `msg`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// Step name.
    #[serde(default, deserialize_with = "lenient::string")]
    pub step_name: String,
    /// Status, e.g. `"200"`.
    #[serde(default, deserialize_with = "lenient::string")]
    pub status: String,
    /// Message, when the server gave one.
    #[serde(
        default,
        deserialize_with = "lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub msg: Option<String>,
}

/// The envelope around every response body: `{"code","message","data"}`.
/// `code` is a string; `"0"` means success.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope<T> {
    /// `"0"` on success, an error code otherwise.
    #[serde(deserialize_with = "lenient::string")]
    pub code: String,
    /// `"success"` or the error text.
    #[serde(default, deserialize_with = "lenient::string")]
    pub message: String,
    /// The payload (absent on most errors).
    #[serde(default = "none", skip_serializing_if = "Option::is_none")]
    pub data: Option<T>,
}

fn none<T>() -> Option<T> {
    None
}

/// The success code.
pub const CODE_OK: &str = "0";

impl<T> Envelope<T> {
    /// A success envelope around `data`.
    pub fn ok(data: T) -> Self {
        Envelope {
            code: String::from(CODE_OK),
            message: String::from("success"),
            data: Some(data),
        }
    }

    /// An error envelope.
    pub fn error(code: impl Into<String>, message: impl Into<String>) -> Self {
        Envelope {
            code: code.into(),
            message: message.into(),
            data: None,
        }
    }
}

/// Lenient field decoders: numbers as numbers or numeric strings, strings as
/// strings or numbers, `null` as absent.
pub(crate) mod lenient {
    use alloc::string::String;
    use alloc::vec::Vec;
    use core::fmt;

    use serde::de::{self, Deserialize, Deserializer, Visitor};

    struct IntVisitor;

    /// An integer seen as i128 so both signed and unsigned fit.
    enum Int {
        Null,
        Value(i128),
    }

    impl<'de> Visitor<'de> for IntVisitor {
        type Value = Int;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer or a string of digits")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Int, E> {
            Ok(Int::Value(i128::from(v)))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Int, E> {
            Ok(Int::Value(i128::from(v)))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Int, E> {
            if v.is_finite() && v == (v as i64) as f64 {
                Ok(Int::Value(i128::from(v as i64)))
            } else {
                Err(E::custom("expected an integer, found a fraction"))
            }
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Int, E> {
            let t = v.trim();
            if t.is_empty() {
                return Ok(Int::Null);
            }
            t.parse::<i64>()
                .map(|n| Int::Value(i128::from(n)))
                .or_else(|_| t.parse::<u64>().map(|n| Int::Value(i128::from(n))))
                .map_err(|_| E::custom("expected an integer, found a non-numeric string"))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Int, E> {
            Ok(Int::Null)
        }
        fn visit_none<E: de::Error>(self) -> Result<Int, E> {
            Ok(Int::Null)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Int, D::Error> {
            d.deserialize_any(IntVisitor)
        }
    }

    fn int<'de, D: Deserializer<'de>>(d: D) -> Result<Int, D::Error> {
        d.deserialize_any(IntVisitor)
    }

    pub(crate) fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        match int(d)? {
            Int::Null => Ok(None),
            Int::Value(v) => u64::try_from(v)
                .map(Some)
                .map_err(|_| de::Error::custom("expected a non-negative integer")),
        }
    }

    pub(crate) fn u64_required<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        opt_u64(d)?.ok_or_else(|| de::Error::custom("expected an id, found nothing"))
    }

    pub(crate) fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        match int(d)? {
            Int::Null => Ok(None),
            Int::Value(v) => i64::try_from(v)
                .map(Some)
                .map_err(|_| de::Error::custom("integer out of range")),
        }
    }

    struct StrVisitor;

    impl<'de> Visitor<'de> for StrVisitor {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or a number")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(String::from(v)))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(alloc::format!("{v}")))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(alloc::format!("{v}")))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            // Whole numbers read as integers ("200.0" means result "200");
            // fractions go through serde_json's float printer, already in
            // every build, rather than `core::fmt`'s (~11 KB of wasm).
            if v.is_finite() && v == (v as i64) as f64 {
                return Ok(Some(alloc::format!("{}", v as i64)));
            }
            Ok(serde_json::Number::from_f64(v).map(|n| alloc::string::ToString::to_string(&n)))
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(String::from(if v { "true" } else { "false" })))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(StrVisitor)
        }
    }

    pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        d.deserialize_any(StrVisitor)
    }

    pub(crate) fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        opt_string(d).map(Option::unwrap_or_default)
    }

    /// A list, or `null` for an empty one.
    pub(crate) fn vec<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Vec<T>, D::Error> {
        Option::<Vec<T>>::deserialize(d).map(Option::unwrap_or_default)
    }
}
