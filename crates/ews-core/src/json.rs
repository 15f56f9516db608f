//! JSON, just enough, without serde: a reader into a small borrowed tree
//! ([`Value`]) and a writer ([`Obj`], [`Arr`], [`push_str`]).
//!
//! Hand-written for two reasons. Real services send odd data, and a
//! tolerant decoder has to look at each value as it is (a number where a
//! string was documented, an object where a number was) instead of failing
//! the whole answer on the first surprise; a tree of what was sent is
//! exactly that. And every byte of the console, the SDK and the edge worker
//! counts: serde's generic deserializers, one copy per type, were the
//! largest part of each.
//!
//! Reading is total: any bytes give a [`Value`] or a [`ParseError`], never a
//! panic; nesting deeper than [`MAX_DEPTH`] is an error, not a stack
//! overflow. Strings without escapes are borrowed from the input.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write as _;

/// The deepest nesting read.
pub const MAX_DEPTH: usize = 64;

/// A JSON value, borrowing from the text it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, exactly as written (valid JSON number syntax).
    Num(&'a str),
    /// A string, unescaped.
    Str(Cow<'a, str>),
    /// An array.
    Arr(Vec<Value<'a>>),
    /// An object's members, in order (a repeated key is kept twice; [`Value::get`] finds the first).
    Obj(Vec<(Cow<'a, str>, Value<'a>)>),
}

/// Why a text is not JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseError {
    /// Nothing but blanks.
    Empty,
    /// It ends in the middle of a value.
    CutShort,
    /// It is not JSON (or not UTF-8).
    NotJson,
    /// Nested deeper than [`MAX_DEPTH`].
    TooDeep,
}

impl ParseError {
    /// What was wrong, in words (completes "the answer is not an EWS API
    /// response (…)").
    pub fn reason(self) -> &'static str {
        match self {
            ParseError::Empty => "the body is empty",
            ParseError::CutShort => "the JSON is cut short",
            ParseError::NotJson => "it is not JSON",
            ParseError::TooDeep => "it is nested too deeply to be an API response",
        }
    }
}

/// Reads a whole text (a UTF-8 byte order mark and surrounding blanks are
/// allowed; anything after the value is not).
pub fn parse(text: &[u8]) -> Result<Value<'_>, ParseError> {
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    let Ok(s) = core::str::from_utf8(text) else {
        return Err(ParseError::NotJson);
    };
    let mut r = Reader { s, i: 0 };
    r.ws();
    if r.i == s.len() {
        return Err(ParseError::Empty);
    }
    let v = r.value(0)?;
    r.ws();
    if r.i != s.len() {
        return Err(ParseError::NotJson);
    }
    Ok(v)
}

struct Reader<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.i).copied()
    }

    /// The next byte, or "cut short" at the end.
    fn need(&self) -> Result<u8, ParseError> {
        self.peek().ok_or(ParseError::CutShort)
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.i += 1;
        }
    }

    fn slice(&self, from: usize, to: usize) -> Result<&'a str, ParseError> {
        self.s.get(from..to).ok_or(ParseError::NotJson)
    }

    fn value(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        if depth >= MAX_DEPTH {
            return Err(ParseError::TooDeep);
        }
        self.ws();
        match self.need()? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string().map(Value::Str),
            b't' => self.word("true", Value::Bool(true)),
            b'f' => self.word("false", Value::Bool(false)),
            b'n' => self.word("null", Value::Null),
            b'-' | b'0'..=b'9' => self.number().map(Value::Num),
            _ => Err(ParseError::NotJson),
        }
    }

    fn word(&mut self, word: &str, v: Value<'a>) -> Result<Value<'a>, ParseError> {
        let rest = self.s.as_bytes().get(self.i..).unwrap_or_default();
        if rest.starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(v)
        } else if word.as_bytes().starts_with(rest) {
            Err(ParseError::CutShort)
        } else {
            Err(ParseError::NotJson)
        }
    }

    fn digits(&mut self) -> Result<(), ParseError> {
        let start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        match (self.i > start, self.peek()) {
            (true, _) => Ok(()),
            (false, None) => Err(ParseError::CutShort),
            (false, Some(_)) => Err(ParseError::NotJson),
        }
    }

    fn number(&mut self) -> Result<&'a str, ParseError> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        if self.peek() == Some(b'0') {
            self.i += 1;
        } else {
            self.digits()?;
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            self.digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            self.digits()?;
        }
        self.slice(start, self.i)
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let mut v = 0;
        for _ in 0..4 {
            let d = char::from(self.need()?)
                .to_digit(16)
                .ok_or(ParseError::NotJson)?;
            v = v * 16 + d;
            self.i += 1;
        }
        Ok(v)
    }

    fn string(&mut self) -> Result<Cow<'a, str>, ParseError> {
        self.i += 1; // the opening quote
        let start = self.i;
        // Fast path: no escape before the closing quote.
        loop {
            match self.need()? {
                b'"' => {
                    let s = self.slice(start, self.i)?;
                    self.i += 1;
                    return Ok(Cow::Borrowed(s));
                }
                b'\\' => break,
                c if c < 0x20 => return Err(ParseError::NotJson),
                _ => self.i += 1,
            }
        }
        let mut out = String::from(self.slice(start, self.i)?);
        loop {
            match self.need()? {
                b'"' => {
                    self.i += 1;
                    return Ok(Cow::Owned(out));
                }
                b'\\' => {
                    self.i += 1;
                    let c = match self.need()? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            self.i += 1;
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                if self.need()? != b'\\' {
                                    return Err(ParseError::NotJson);
                                }
                                self.i += 1;
                                if self.need()? != b'u' {
                                    return Err(ParseError::NotJson);
                                }
                                self.i += 1;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(ParseError::NotJson);
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            out.push(char::from_u32(code).ok_or(ParseError::NotJson)?);
                            continue;
                        }
                        _ => return Err(ParseError::NotJson),
                    };
                    self.i += 1;
                    out.push(c);
                }
                c if c < 0x20 => return Err(ParseError::NotJson),
                _ => {
                    // Copy the run up to the next quote or backslash.
                    let from = self.i;
                    while matches!(self.peek(), Some(c) if c != b'"' && c != b'\\' && c >= 0x20) {
                        self.i += 1;
                    }
                    out.push_str(self.slice(from, self.i)?);
                }
            }
        }
    }

    /// After a member or an item: `,` (more) or `close` (done).
    fn next(&mut self, close: u8) -> Result<bool, ParseError> {
        self.ws();
        match self.need()? {
            b',' => {
                self.i += 1;
                Ok(true)
            }
            c if c == close => {
                self.i += 1;
                Ok(false)
            }
            _ => Err(ParseError::NotJson),
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.need()? == b']' {
            self.i += 1;
            return Ok(Value::Arr(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            if !self.next(b']')? {
                return Ok(Value::Arr(items));
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        self.i += 1;
        let mut members = Vec::new();
        self.ws();
        if self.need()? == b'}' {
            self.i += 1;
            return Ok(Value::Obj(members));
        }
        loop {
            self.ws();
            if self.need()? != b'"' {
                return Err(ParseError::NotJson);
            }
            let key = self.string()?;
            self.ws();
            if self.need()? != b':' {
                return Err(ParseError::NotJson);
            }
            self.i += 1;
            let value = self.value(depth + 1)?;
            members.push((key, value));
            if !self.next(b'}')? {
                return Ok(Value::Obj(members));
            }
        }
    }
}

impl<'a> Value<'a> {
    /// The first member named `key`, when this is an object.
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        match self {
            Value::Obj(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text, when this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// What kind of value this is, in words: `null`, `a boolean`, …
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Num(_) => "a number",
            Value::Str(_) => "a string",
            Value::Arr(_) => "a list",
            Value::Obj(_) => "an object",
        }
    }

    /// The value written back as compact JSON (what "kept as raw text"
    /// shows of an odd value).
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    /// Appends the value as compact JSON.
    pub fn write(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Num(n) => out.push_str(n),
            Value::Str(s) => push_str(out, s),
            Value::Arr(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Value::Obj(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    push_str(out, k);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// Appends `text` as a JSON string, quotes included. `<` is escaped too, so
/// JSON can never close a surrounding script tag.
pub fn push_str(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' || c == '<' || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A JSON object being written into a `String`, member by member.
#[derive(Debug)]
pub struct Obj<'w> {
    out: &'w mut String,
    empty: bool,
}

impl<'w> Obj<'w> {
    /// Opens an object at the end of `out`.
    pub fn new(out: &'w mut String) -> Obj<'w> {
        out.push('{');
        Obj { out, empty: true }
    }

    /// Writes the key (and the comma before it) and gives the place for
    /// its value, which the caller must then write.
    pub fn key(&mut self, name: &str) -> &mut String {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        push_str(self.out, name);
        self.out.push(':');
        self.out
    }

    /// A string member.
    pub fn str(&mut self, name: &str, value: &str) -> &mut Self {
        push_str(self.key(name), value);
        self
    }

    /// A string member, or `null`.
    pub fn opt_str(&mut self, name: &str, value: Option<&str>) -> &mut Self {
        match value {
            Some(v) => self.str(name, v),
            None => self.raw(name, "null"),
        }
    }

    /// An integer member.
    pub fn int(&mut self, name: &str, value: i64) -> &mut Self {
        let _ = write!(self.key(name), "{value}");
        self
    }

    /// An integer member, or `null`.
    pub fn opt_int(&mut self, name: &str, value: Option<i64>) -> &mut Self {
        match value {
            Some(v) => self.int(name, v),
            None => self.raw(name, "null"),
        }
    }

    /// A non-negative integer member.
    pub fn uint(&mut self, name: &str, value: u64) -> &mut Self {
        let _ = write!(self.key(name), "{value}");
        self
    }

    /// A boolean member.
    pub fn bool(&mut self, name: &str, value: bool) -> &mut Self {
        self.raw(name, if value { "true" } else { "false" })
    }

    /// A member whose value is already JSON text.
    pub fn raw(&mut self, name: &str, json: &str) -> &mut Self {
        self.key(name).push_str(json);
        self
    }

    /// Closes the object.
    pub fn end(self) {
        self.out.push('}');
    }
}

/// A JSON array being written into a `String`, item by item.
#[derive(Debug)]
pub struct Arr<'w> {
    out: &'w mut String,
    empty: bool,
}

impl<'w> Arr<'w> {
    /// Opens an array at the end of `out`.
    pub fn new(out: &'w mut String) -> Arr<'w> {
        out.push('[');
        Arr { out, empty: true }
    }

    /// The place for the next item (after its comma), which the caller
    /// must then write.
    pub fn item(&mut self) -> &mut String {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        self.out
    }

    /// Closes the array.
    pub fn end(self) {
        self.out.push(']');
    }
}

/// Something that writes itself as JSON.
pub trait ToJson {
    /// Appends the value as JSON.
    fn write_json(&self, out: &mut String);

    /// The value as a JSON text.
    fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out);
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, out: &mut String) {
        let mut a = Arr::new(out);
        for item in self {
            item.write_json(a.item());
        }
        a.end();
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, out: &mut String) {
        self.as_slice().write_json(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::ToString;
    use alloc::vec;

    fn p(text: &str) -> Result<Value<'_>, ParseError> {
        parse(text.as_bytes())
    }

    #[test]
    fn reads_every_kind() {
        let v =
            p(r#" {"a":[1,-2.5e3,0,true,false,null],"b":{"c":"d\u00e9\ud83d\ude00\n"},"a":9} "#)
                .unwrap();
        assert_eq!(
            v.get("a"),
            Some(&Value::Arr(vec![
                Value::Num("1"),
                Value::Num("-2.5e3"),
                Value::Num("0"),
                Value::Bool(true),
                Value::Bool(false),
                Value::Null,
            ]))
        );
        assert_eq!(
            v.get("b").and_then(|b| b.get("c")).and_then(Value::as_str),
            Some("dé😀\n")
        );
        assert_eq!(v.get("zz"), None);
        // Unescaped strings are borrowed.
        assert!(matches!(
            p(r#""plain""#),
            Ok(Value::Str(Cow::Borrowed("plain")))
        ));
        assert_eq!(p("\u{feff}[]"), Ok(Value::Arr(vec![])));
        assert_eq!(p(r#""a\/b\"c\\""#).unwrap().as_str(), Some("a/b\"c\\"));
    }

    #[test]
    fn says_why_it_is_not_json() {
        for (text, why) in [
            ("", ParseError::Empty),
            ("  \n", ParseError::Empty),
            ("{", ParseError::CutShort),
            (
                r#"{"code":"0","data":[{"id":1},{"id""#,
                ParseError::CutShort,
            ),
            ("[1,", ParseError::CutShort),
            ("tru", ParseError::CutShort),
            ("-", ParseError::CutShort),
            ("<html>", ParseError::NotJson),
            ("{\"a\":1,}", ParseError::NotJson),
            ("[1,]", ParseError::NotJson),
            ("01", ParseError::NotJson),
            ("1.", ParseError::CutShort),
            ("1.e5", ParseError::NotJson),
            ("\"a\nb\"", ParseError::NotJson),
            ("\"\\x\"", ParseError::NotJson),
            ("\"\\ud800\"", ParseError::NotJson),
            ("\"\\ud800\\u0041\"", ParseError::NotJson),
            ("{} x", ParseError::NotJson),
            ("{1:2}", ParseError::NotJson),
            ("nul", ParseError::CutShort),
            ("nulx", ParseError::NotJson),
        ] {
            assert_eq!(p(text), Err(why), "{text:?}");
        }
        assert_eq!(parse(&[b'"', 0xff, b'"']), Err(ParseError::NotJson));
    }

    #[test]
    fn deep_nesting_is_an_error_not_an_overflow() {
        let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(p(&deep), Err(ParseError::TooDeep));
        let ok = format!("{}1{}", "[".repeat(60), "]".repeat(60));
        assert!(p(&ok).is_ok());
    }

    #[test]
    fn every_prefix_is_total() {
        let text = r#"{"code":"0","message":"success","data":{"commandId":"c-1","steps":[{"msg":"\u00e9\ud83d\ude00"}],"n":-1.5e-3}}"#;
        for i in 0..text.len() {
            let r = parse(&text.as_bytes()[..i]);
            assert!(r.is_err(), "{i}: {r:?}");
        }
        assert!(p(text).is_ok());
    }

    #[test]
    fn writes_what_it_reads() {
        let mut out = String::new();
        let mut o = Obj::new(&mut out);
        o.str("a", "x\"y\\z\n<")
            .int("n", -42)
            .uint("u", 7)
            .bool("b", false)
            .opt_str("none", None)
            .opt_int("i", Some(3))
            .raw("r", "[1]");
        o.end();
        assert_eq!(
            out,
            r#"{"a":"x\"y\\z\n\u003c","n":-42,"u":7,"b":false,"none":null,"i":3,"r":[1]}"#
        );
        let v = parse(out.as_bytes()).unwrap();
        assert_eq!(v.get("a").and_then(Value::as_str), Some("x\"y\\z\n<"));
        assert_eq!(v.to_json(), out);
        let mut list = String::new();
        let mut a = Arr::new(&mut list);
        push_str(a.item(), "x");
        a.item().push('1');
        a.end();
        assert_eq!(list, r#"["x",1]"#);
        assert_eq!(Value::Num("1e3").to_json(), "1e3");
        assert_eq!(p("{}").unwrap().to_json(), "{}");
        assert_eq!(ParseError::CutShort.reason(), "the JSON is cut short");
        assert_eq!(Value::Null.kind().to_string(), "null");
    }
}
