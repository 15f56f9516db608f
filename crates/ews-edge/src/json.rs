//! Just enough JSON for the worker, without serde: writing small objects
//! (envelopes, the session answer, log lines) and reading an upstream
//! envelope's `code` and `data.commandId`.
//!
//! Hand-written because serde_json (with the float formatting its error
//! messages pull in) was a third of the worker's wasm. Reading is total: any
//! input, valid or not, gives a value and never a panic; nesting deeper
//! than [`MAX_DEPTH`] counts as invalid.

use core::fmt::Write as _;

/// The deepest nesting [`peek`] follows.
pub const MAX_DEPTH: usize = 64;

/// Appends `text` as a JSON string, quotes included.
pub fn push_str(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // `<` too, so a JSON body can never close a surrounding script tag.
            c if c < ' ' || c == '<' || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

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
    let mut p = Parser { b: body, i: 0 };
    let mut found = Peek::default();
    p.ws();
    if p.object(0, &mut |p, depth, key| match key {
        Some(Key::Code) => {
            match p.peek_byte() {
                Some(b'"') => found.code = Some(p.string()?),
                Some(b'-' | b'0'..=b'9') => {
                    let start = p.i;
                    p.number()?;
                    let text = core::str::from_utf8(&body[start..p.i]).ok()?;
                    if text.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
                        found.code = Some(text.to_owned());
                    }
                }
                _ => p.value(depth)?,
            }
            Some(())
        }
        Some(Key::Data) if p.peek_byte() == Some(b'{') => p.object(depth, &mut |p, d, k| {
            if k == Some(Key::CommandId) && p.peek_byte() == Some(b'"') {
                found.command_id = Some(p.string()?);
                Some(())
            } else {
                p.value(d)
            }
        }),
        _ => p.value(depth),
    })
    .is_none()
    {
        return Peek::default();
    }
    p.ws();
    if p.i != body.len() {
        return Peek::default();
    }
    found
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    Code,
    Data,
    CommandId,
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

type Member<'f> = dyn FnMut(&mut Parser<'_>, usize, Option<Key>) -> Option<()> + 'f;

impl Parser<'_> {
    fn peek_byte(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek_byte(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.peek_byte()? == c).then(|| self.i += 1)
    }

    /// An object; `member` reads each value (positioned at it) given its key.
    fn object(&mut self, depth: usize, member: &mut Member<'_>) -> Option<()> {
        if depth >= MAX_DEPTH {
            return None;
        }
        self.eat(b'{')?;
        self.ws();
        if self.peek_byte() == Some(b'}') {
            self.i += 1;
            return Some(());
        }
        loop {
            self.ws();
            let key = self.string()?;
            self.eat(b':')?;
            self.ws();
            let known = match key.as_str() {
                "code" => Some(Key::Code),
                "data" => Some(Key::Data),
                "commandId" => Some(Key::CommandId),
                _ => None,
            };
            member(self, depth + 1, known)?;
            self.ws();
            match self.peek_byte()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// Skips any value, checking it.
    fn value(&mut self, depth: usize) -> Option<()> {
        if depth >= MAX_DEPTH {
            return None;
        }
        self.ws();
        match self.peek_byte()? {
            b'{' => self.object(depth, &mut |p, d, _| p.value(d)),
            b'[' => {
                self.i += 1;
                self.ws();
                if self.peek_byte() == Some(b']') {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.value(depth + 1)?;
                    self.ws();
                    match self.peek_byte()? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'"' => self.string().map(drop),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => self.number(),
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i.checked_add(word.len())?;
        (self.b.get(self.i..end)? == word).then(|| self.i = end)
    }

    fn number(&mut self) -> Option<()> {
        let start = self.i;
        if self.peek_byte() == Some(b'-') {
            self.i += 1;
        }
        let digits = |p: &mut Parser<'_>| {
            let s = p.i;
            while matches!(p.peek_byte(), Some(b'0'..=b'9')) {
                p.i += 1;
            }
            p.i > s
        };
        if !digits(self) {
            return None;
        }
        if self.peek_byte() == Some(b'.') {
            self.i += 1;
            if !digits(self) {
                return None;
            }
        }
        if matches!(self.peek_byte(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek_byte(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !digits(self) {
                return None;
            }
        }
        (self.i > start).then_some(())
    }

    fn hex4(&mut self) -> Option<u32> {
        let end = self.i.checked_add(4)?;
        let text = core::str::from_utf8(self.b.get(self.i..end)?).ok()?;
        let v = u32::from_str_radix(text, 16).ok()?;
        self.i = end;
        Some(v)
    }

    /// A string, decoded.
    fn string(&mut self) -> Option<String> {
        if self.peek_byte()? != b'"' {
            return None;
        }
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let c = self.peek_byte()?;
            self.i += 1;
            match c {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    let e = self.peek_byte()?;
                    self.i += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                self.literal(b"\\u")?;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return None;
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            char::from_u32(code)?
                        }
                        _ => return None,
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                c if c < 0x20 => return None,
                c => out.push(c),
            }
        }
    }
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
