//! Operation names and ids as JavaScript passes them, turned into the core's
//! [`Operation`].
//!
//! Names are the core's short names (`list`, `get`, `start`, `stop`,
//! `delete`, `command`) or the method names of `EwsClient`
//! (`listContainers`, `getContainer`, `startContainer`, …). Container ids
//! may be numbers or numeric strings; command ids are strings. A bad id is
//! the core's [`InvalidId`], so it surfaces as an `EwsError` of kind
//! `invalid_id` before anything is sent.

use ews_core::{CommandId, ContainerId, Error, InvalidId, Operation};

/// An id as JavaScript gave it.
#[derive(Debug, Clone, PartialEq)]
pub enum Id {
    /// `undefined` or `null`.
    None,
    /// A number.
    Number(f64),
    /// A string.
    Text(String),
}

/// Why an operation could not be built.
#[derive(Debug, Clone, PartialEq)]
pub enum OperationError {
    /// Not one of the six operation names.
    UnknownName(String),
    /// The id is not valid for this operation.
    Id(Error),
}

impl core::fmt::Display for OperationError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            OperationError::UnknownName(name) => write!(
                f,
                "unknown operation {name:?}: use list, get, start, stop, delete or command"
            ),
            OperationError::Id(e) => core::fmt::Display::fmt(e, f),
        }
    }
}

/// The largest integer a JavaScript number holds exactly (2^53 − 1).
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// A number as text, without the float printer (~20 KB of wasm): ids
/// exactly, anything else as what it is not. (JavaScript passes other
/// numbers as their own text: see `bindings::id_arg`.)
pub fn number_text(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && (0.0..=MAX_SAFE).contains(&n) {
        (n as u64).to_string()
    } else {
        String::from("a number that is not a whole id")
    }
}

/// A container id from a JavaScript number or string.
pub fn container_id(id: &Id) -> Result<ContainerId, Error> {
    match id {
        Id::Number(n) => {
            // Integral, non-negative and exactly representable.
            if n.is_finite() && *n >= 0.0 && n.fract() == 0.0 && *n <= MAX_SAFE {
                Ok(ContainerId(*n as u64))
            } else {
                Err(InvalidId::Container {
                    given: number_text(*n),
                }
                .into())
            }
        }
        Id::Text(t) => Ok(ContainerId::parse(t.trim())?),
        Id::None => Err(InvalidId::Container {
            given: String::new(),
        }
        .into()),
    }
}

/// A command id from a JavaScript string (a number is taken as its text).
pub fn command_id(id: &Id) -> Result<CommandId, Error> {
    let text = match id {
        Id::Text(t) => t.clone(),
        Id::Number(n) => number_text(*n),
        Id::None => String::new(),
    };
    Ok(CommandId::new(text)?)
}

/// The operation `name` names, about `id`.
pub fn parse(name: &str, id: Id) -> Result<Operation, OperationError> {
    let container = |id: &Id| container_id(id).map_err(OperationError::Id);
    Ok(match name {
        "list" | "listContainers" => Operation::ListContainers,
        "get" | "getContainer" => Operation::GetContainer(container(&id)?),
        "start" | "startContainer" => Operation::StartContainer(container(&id)?),
        "stop" | "stopContainer" => Operation::StopContainer(container(&id)?),
        "delete" | "deleteContainer" => Operation::DeleteContainer(container(&id)?),
        "command" | "getCommand" => {
            Operation::GetCommand(command_id(&id).map_err(OperationError::Id)?)
        }
        other => return Err(OperationError::UnknownName(other.to_owned())),
    })
}

/// What the response to `op` decodes into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// An array of containers.
    ContainerList,
    /// One container.
    Container,
    /// A command.
    Command,
}

/// The shape of the response data of the operation `name` names.
pub fn shape_of_name(name: &str) -> Result<Shape, OperationError> {
    Ok(match name {
        "list" | "listContainers" => Shape::ContainerList,
        "get" | "getContainer" => Shape::Container,
        "start" | "startContainer" | "stop" | "stopContainer" | "delete" | "deleteContainer"
        | "command" | "getCommand" => Shape::Command,
        other => return Err(OperationError::UnknownName(other.to_owned())),
    })
}

/// The shape of `op`'s response data.
pub fn shape(op: &Operation) -> Shape {
    match op {
        Operation::ListContainers => Shape::ContainerList,
        Operation::GetContainer(_) => Shape::Container,
        _ => Shape::Command,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases() {
        let id = || Id::Number(2529.0);
        assert_eq!(parse("list", Id::None), Ok(Operation::ListContainers));
        assert_eq!(parse("listContainers", id()), Ok(Operation::ListContainers));
        assert_eq!(
            parse("get", id()),
            Ok(Operation::GetContainer(ContainerId(2529)))
        );
        assert_eq!(
            parse("startContainer", Id::Text("2529".into())),
            Ok(Operation::StartContainer(ContainerId(2529)))
        );
        assert_eq!(
            parse("stop", id()),
            Ok(Operation::StopContainer(ContainerId(2529)))
        );
        assert_eq!(
            parse("deleteContainer", id()),
            Ok(Operation::DeleteContainer(ContainerId(2529)))
        );
        assert_eq!(
            parse("command", Id::Text("ec8364b4-6c58".into())),
            Ok(Operation::GetCommand(
                CommandId::new("ec8364b4-6c58").unwrap()
            ))
        );
        assert!(matches!(
            parse("reboot", id()),
            Err(OperationError::UnknownName(n)) if n == "reboot"
        ));
    }

    #[test]
    fn container_ids() {
        assert_eq!(container_id(&Id::Number(0.0)), Ok(ContainerId(0)));
        assert_eq!(container_id(&Id::Text(" 42 ".into())), Ok(ContainerId(42)));
        for bad in [
            Id::Number(-1.0),
            Id::Number(1.5),
            Id::Number(f64::NAN),
            Id::Number(f64::INFINITY),
            Id::Number(1e20),
            Id::Text("12a".into()),
            Id::Text(String::new()),
            Id::None,
        ] {
            let e = container_id(&bad).unwrap_err();
            assert!(
                matches!(e, Error::InvalidId(InvalidId::Container { .. })),
                "{bad:?}"
            );
        }
        let e = parse("get", Id::Text("abc".into())).unwrap_err();
        assert!(
            e.to_string().contains("\"abc\" is not a container id"),
            "{e}"
        );
    }

    #[test]
    fn command_ids() {
        assert!(matches!(
            command_id(&Id::None),
            Err(Error::InvalidId(InvalidId::EmptyCommand))
        ));
        assert!(matches!(
            command_id(&Id::Text("a\nb".into())),
            Err(Error::InvalidId(InvalidId::CommandBadChar))
        ));
        assert_eq!(command_id(&Id::Number(7.0)).unwrap().as_str(), "7");
    }

    #[test]
    fn shapes_by_name_agree_with_shapes_by_operation() {
        for name in [
            "list",
            "get",
            "start",
            "stop",
            "delete",
            "command",
            "listContainers",
            "getContainer",
            "startContainer",
            "stopContainer",
            "deleteContainer",
            "getCommand",
        ] {
            let op = parse(name, Id::Text("7".into())).unwrap();
            assert_eq!(shape_of_name(name), Ok(shape(&op)), "{name}");
        }
        assert!(shape_of_name("reboot").is_err());
    }

    #[test]
    fn shapes() {
        assert_eq!(shape(&Operation::ListContainers), Shape::ContainerList);
        assert_eq!(
            shape(&Operation::GetContainer(ContainerId(1))),
            Shape::Container
        );
        assert_eq!(
            shape(&Operation::DeleteContainer(ContainerId(1))),
            Shape::Command
        );
        assert_eq!(
            shape(&Operation::GetCommand(CommandId::new("x").unwrap())),
            Shape::Command
        );
    }
}
