//! Container and command ids, validated before any request is built.
//!
//! Container ids are integers (the API's `Long`); they arrive as JSON numbers
//! or numeric strings. Command ids are opaque strings (UUIDs in practice) of
//! a strict alphabet — `A-Z a-z 0-9 - _` — so that one can never carry a
//! path separator or a dot segment into a URL, encoded or not: every
//! component (the console, the SDK, the edge worker, the simulator) refuses
//! anything else before a request is made.

use alloc::string::String;
use core::fmt;
use core::str::FromStr;

/// The longest command id accepted. Real ones are 36-character UUIDs.
pub const MAX_COMMAND_ID_LEN: usize = 128;

/// A container id: a non-negative integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ContainerId(pub u64);

/// A command id: a non-empty string of at most [`MAX_COMMAND_ID_LEN`]
/// characters of `A-Z a-z 0-9 - _`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CommandId(String);

/// Why an id was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidId {
    /// A container id that is not a decimal integer that fits 64 bits.
    Container {
        /// The text that was given, cut to 40 characters.
        given: String,
    },
    /// A command id that is empty.
    EmptyCommand,
    /// A command id longer than [`MAX_COMMAND_ID_LEN`].
    CommandTooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// A command id with a character outside `A-Z a-z 0-9 - _` (a control
    /// character, a `/`, a `.`, a `%`…).
    CommandBadChar,
}

impl fmt::Display for InvalidId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidId::Container { given } => write!(
                f,
                "\"{given}\" is not a container id: use the numeric id shown in the container list"
            ),
            InvalidId::EmptyCommand => {
                f.write_str("the command id is empty: use the commandId returned by start, stop or delete")
            }
            InvalidId::CommandTooLong { len } => write!(
                f,
                "the command id is {len} bytes long (at most {MAX_COMMAND_ID_LEN}): use the commandId returned by start, stop or delete"
            ),
            InvalidId::CommandBadChar => f.write_str(
                "the command id has a character other than A-Z, a-z, 0-9, - and _: use the commandId returned by start, stop or delete",
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for InvalidId {}

impl ContainerId {
    /// Parses a decimal container id, as found in a path or a form.
    pub fn parse(text: &str) -> Result<Self, InvalidId> {
        let digits_only = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        match text.parse::<u64>() {
            Ok(n) if digits_only => Ok(ContainerId(n)),
            _ => Err(InvalidId::Container {
                given: text.chars().take(40).collect(),
            }),
        }
    }
}

impl FromStr for ContainerId {
    type Err = InvalidId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ContainerId::parse(s)
    }
}

impl fmt::Display for ContainerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl From<u64> for ContainerId {
    fn from(n: u64) -> Self {
        ContainerId(n)
    }
}

impl CommandId {
    /// Validates a command id.
    pub fn new(text: impl Into<String>) -> Result<Self, InvalidId> {
        let text = text.into();
        if text.is_empty() {
            return Err(InvalidId::EmptyCommand);
        }
        if text.len() > MAX_COMMAND_ID_LEN {
            return Err(InvalidId::CommandTooLong { len: text.len() });
        }
        if !text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(InvalidId::CommandBadChar);
        }
        Ok(CommandId(text))
    }

    /// The id as sent by the server.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for CommandId {
    type Err = InvalidId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CommandId::new(s)
    }
}

impl fmt::Display for CommandId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
