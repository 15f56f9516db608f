//! The little JSON the worker writes (envelopes, the session answer, log
//! lines) and the two fields it reads of an upstream envelope (`code`,
//! `data.commandId`), on the core's own JSON ([`ews_core::json`]: no serde,
//! which was a third of the worker's wasm). Reading is total: any input,
//! valid or not, gives a value and never a panic.

use core::fmt::Write as _;

pub use ews_core::json::{MAX_DEPTH, push_str};

/// A JSON object, written field by field.
#[derive(Debug, Default)]
pub struct Object(String);

/// A field's value.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    /// A string.
    Str(&'a str),
    /// A whole number.
    Num(u64),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// JSON text written as it is (a list or an object made elsewhere).
    Raw(&'a str),
}

impl<'a> From<Option<&'a str>> for Value<'a> {
    fn from(v: Option<&'a str>) -> Self {
        v.map_or(Value::Null, Value::Str)
    }
}

impl Object {
    /// `{`.
    pub fn new() -> Object {
        Object(String::from("{"))
    }

    /// Adds a field.
    pub fn field(mut self, name: &str, value: Value<'_>) -> Object {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        push_str(&mut self.0, name);
        self.0.push(':');
        match value {
            Value::Str(s) => push_str(&mut self.0, s),
            Value::Num(n) => {
                let _ = write!(self.0, "{n}");
            }
            Value::Bool(b) => self.0.push_str(if b { "true" } else { "false" }),
            Value::Null => self.0.push_str("null"),
            Value::Raw(json) => self.0.push_str(json),
        }
        self
    }

    /// Adds a string field.
    pub fn str(self, name: &str, value: &str) -> Object {
        self.field(name, Value::Str(value))
    }

    /// `}`: the finished text.
    pub fn finish(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

/// What [`peek`] found in an envelope.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Peek {
    /// The top-level `code`: a string, or a whole number as text.
    pub code: Option<String>,
    /// `data.commandId`, when `data` is an object with a string there.
    pub command_id: Option<String>,
}

/// Reads an envelope's `code` and `data.commandId`. Anything that is not a
/// valid JSON object gives an empty [`Peek`].
pub fn peek(body: &[u8]) -> Peek {
    use ews_core::json::{Value as Json, parse};
    let Ok(root @ Json::Obj(_)) = parse(body) else {
        return Peek::default();
    };
    let code = match root.get("code") {
        Some(Json::Str(c)) => Some(String::from(&**c)),
        Some(Json::Num(n)) if n.bytes().all(|b| b.is_ascii_digit() || b == b'-') => {
            Some(String::from(*n))
        }
        _ => None,
    };
    let command_id = root
        .get("data")
        .and_then(|d| d.get("commandId"))
        .and_then(Json::as_str)
        .map(String::from);
    Peek { code, command_id }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Peek {
        peek(text.as_bytes())
    }

    fn found(code: Option<&str>, command_id: Option<&str>) -> Peek {
        Peek {
            code: code.map(str::to_owned),
            command_id: command_id.map(str::to_owned),
        }
    }

    #[test]
    fn reads_code_and_command_id() {
        assert_eq!(
            p(
                r#"{"code":"0","message":"success","data":{"commandId":"c-1","activitys":[{"x":[1,2.5e3,-0.1]}],"ok":true,"n":null}}"#
            ),
            found(Some("0"), Some("c-1"))
        );
        assert_eq!(
            p(r#" { "data" : null , "code" : "1004" } "#),
            found(Some("1004"), None)
        );
        assert_eq!(p(r#"{"code":1007}"#), found(Some("1007"), None));
        assert_eq!(p(r#"{"code":1.5}"#), found(None, None));
        assert_eq!(
            p(r#"{"code":"0","data":[{"commandId":"not-this"}]}"#),
            found(Some("0"), None)
        );
        assert_eq!(
            p(r#"{"data":{"inner":{"commandId":"deep"}},"code":"0"}"#),
            found(Some("0"), None)
        );
        assert_eq!(
            p(r#"{"code":"\u0031\u00e9\ud83d\ude00\n"}"#),
            found(Some("1é😀\n"), None)
        );
        assert_eq!(p("{}"), found(None, None));
    }

    #[test]
    fn anything_invalid_gives_nothing() {
        for bad in [
            "",
            "null",
            "[]",
            "\"x\"",
            "{",
            "{\"code\":\"0\"",
            "{\"code\":\"0\",}",
            "{\"code\":\"0\"} x",
            "{\"code\":01x}",
            "{\"code\":-}",
            "{\"code\":\"\\x\"}",
            "{\"code\":\"\\ud800\"}",
            "{\"code\":\"a\nb\"}",
            "{\"code\":tru}",
            "{\"a\":[1,]}",
            "<html>502</html>",
            "{\"code\":\"0\",\"data\":{\"commandId\":\"c\"",
            "\u{feff}{}",
        ] {
            assert_eq!(p(bad), Peek::default(), "{bad:?}");
        }
        assert_eq!(
            peek(&[b'{', b'"', 0xff, b'"', b':', b'1', b'}']),
            Peek::default()
        );
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(p(&deep), Peek::default());
        let ok = format!(
            "{{\"code\":\"0\",\"a\":{}1{}}}",
            "[".repeat(50),
            "]".repeat(50)
        );
        assert_eq!(p(&ok), found(Some("0"), None));
    }

    #[test]
    fn every_prefix_of_a_valid_envelope_is_total() {
        let text = r#"{"code":"0","message":"success","data":{"commandId":"c-1","steps":[{"msg":"\u00e9"}]}}"#;
        for i in 0..text.len() {
            let _ = peek(&text.as_bytes()[..i]);
        }
        assert_eq!(p(text), found(Some("0"), Some("c-1")));
    }

    #[test]
    fn writes_escaped_objects() {
        let o = Object::new()
            .str("a", "x\"y\\z\n<")
            .field("n", Value::Num(42))
            .field("b", Value::Bool(false))
            .field("none", Value::Null)
            .field("opt", Some("v").into())
            .finish();
        assert_eq!(
            o,
            r#"{"a":"x\"y\\z\n\u003c","n":42,"b":false,"none":null,"opt":"v"}"#
        );
        assert_eq!(Object::new().finish(), "{}");
        // What it writes, it reads back.
        let env = Object::new().str("code", "10\"04").finish();
        assert_eq!(peek(env.as_bytes()).code.as_deref(), Some("10\"04"));
    }
}
