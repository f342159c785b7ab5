//! JSON text read in one pass into a flat list of nodes that borrow their strings from the text:
//! the input of the validators' fast path (`validateCreate` / `validateUpdate` in the Node entries
//! send `JSON.stringify` of a plain value, see `pkg-template/fast.js`). The validators read it
//! through [`crate::validate::Json`], as they read a `serde_json::Value`, so each rule is written
//! once (docs/daily-api.md#rules-the-code-implements).
//!
//! Reading a body allocates nothing unless it has more than [`STACK_NODES`] values or a string
//! with escapes (`\"`, `\n`, `\u0007`, ...). What it refuses ([`Refused`]): text that is not JSON,
//! nesting deeper than [`MAX_DEPTH`], an object with more than [`MAX_MEMBERS`] members, a repeated
//! or escaped key. The adapter then takes the careful path (a `serde_json::Value` read from the JS
//! value), which gives the same report for everything JSON can say.
//!
//! Strings are decoded as `TextEncoder` does on the careful path: a lone surrogate escape
//! (`\ud800` without its pair) reads as U+FFFD.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::validate::{Json, JsonObject};

/// Deepest nesting read (the careful path reports values nested 32 levels deep).
pub const MAX_DEPTH: usize = 40;
/// Most members of one object (they are sorted on a stack array, as `serde_json::Map` orders its
/// keys).
pub const MAX_MEMBERS: usize = 64;
/// Nodes read without allocating.
pub const STACK_NODES: usize = 64;

const NONE: u32 = u32::MAX;

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Tag {
    #[default]
    Null,
    Bool,
    Number,
    /// `a..b`: the string's bytes in the text (no escapes).
    Str,
    /// `a`: index in [`Doc::owned`] (the string had escapes).
    Owned,
    /// `a`: first element (or [`NONE`]).
    Array,
    /// `a`: first member (or [`NONE`]), members sorted by key.
    Object,
}

/// One value of the text, linked to its next sibling.
#[derive(Debug, Clone, Copy, Default)]
pub struct Node {
    tag: Tag,
    a: u32,
    b: u32,
    /// The member's key, `key.0..key.1` in the text (objects' children only).
    key: (u32, u32),
    next: u32,
}

/// Why a text was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Not JSON, or not one value.
    Syntax,
    /// Deeper than [`MAX_DEPTH`], an object wider than [`MAX_MEMBERS`], a key with escapes or a
    /// repeated key: valid JSON that the careful path reads instead.
    Unsupported,
}

/// A read JSON text. `nodes[0]` is the root.
pub struct Doc<'t, 'n> {
    text: &'t str,
    nodes: &'n [Node],
    owned: Vec<String>,
}

/// Reads `text` into `stack` when it holds the nodes, else into a vector, and hands the document
/// to `f`.
pub fn with_doc<R>(text: &str, f: impl FnOnce(Result<&Doc, Refused>) -> R) -> R {
    let mut stack = [Node::default(); STACK_NODES];
    let mut owned = Vec::new();
    match Parser::new(text, &mut stack, &mut owned).run() {
        Ok(n) => f(Ok(&doc(text, stack.get(..n).unwrap_or_default(), owned))),
        Err(Full) => {
            // At most one node per byte of text (plus the root).
            let mut heap = vec![Node::default(); text.len() + 1];
            let mut owned = Vec::new();
            match Parser::new(text, &mut heap, &mut owned).run() {
                Ok(n) => f(Ok(&doc(text, heap.get(..n).unwrap_or_default(), owned))),
                Err(Full) => f(Err(Refused::Syntax)),
                Err(Failed(r)) => f(Err(r)),
            }
        }
        Err(Failed(r)) => f(Err(r)),
    }
}

fn doc<'t, 'n>(text: &'t str, nodes: &'n [Node], owned: Vec<String>) -> Doc<'t, 'n> {
    Doc { text, nodes, owned }
}

impl<'t, 'n> Doc<'t, 'n> {
    /// The root value.
    pub fn root(&self) -> Ref<'_> {
        Ref { doc: self, i: 0 }
    }
}

/// The kind of a JSON value, with a string's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind<'a> {
    Null,
    Bool(bool),
    Number,
    String(&'a str),
    Array,
    Object,
}

/// A value of a [`Doc`].
#[derive(Clone, Copy)]
pub struct Ref<'d> {
    doc: &'d Doc<'d, 'd>,
    i: u32,
}

impl<'d> Ref<'d> {
    fn node(self) -> Node {
        self.doc
            .nodes
            .get(self.i as usize)
            .copied()
            .unwrap_or_default()
    }

    fn slice(self, a: u32, b: u32) -> &'d str {
        self.doc.text.get(a as usize..b as usize).unwrap_or_default()
    }

    pub fn kind(self) -> Kind<'d> {
        let n = self.node();
        match n.tag {
            Tag::Null => Kind::Null,
            Tag::Bool => Kind::Bool(n.a == 1),
            Tag::Number => Kind::Number,
            Tag::Str => Kind::String(self.slice(n.a, n.b)),
            Tag::Owned => Kind::String(
                self.doc
                    .owned
                    .get(n.a as usize)
                    .map_or("", String::as_str),
            ),
            Tag::Array => Kind::Array,
            Tag::Object => Kind::Object,
        }
    }

    /// The children (array elements, or object members in key order) with their keys ("" for
    /// array elements).
    pub fn children(self) -> Children<'d> {
        let n = self.node();
        let first = match n.tag {
            Tag::Array | Tag::Object => n.a,
            _ => NONE,
        };
        Children {
            doc: self.doc,
            at: first,
        }
    }

    /// The member `key` of an object.
    pub fn get(self, key: &str) -> Option<Ref<'d>> {
        if self.node().tag != Tag::Object {
            return None;
        }
        self.children().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
}

impl<'d> Json<'d> for Ref<'d> {
    type Object = Ref<'d>;

    fn type_name(self) -> &'static str {
        match self.node().tag {
            Tag::Null => "null",
            Tag::Bool => "a boolean",
            Tag::Number => "a number",
            Tag::Str | Tag::Owned => "a string",
            Tag::Array => "an array",
            Tag::Object => "an object",
        }
    }

    fn is_null(self) -> bool {
        self.node().tag == Tag::Null
    }

    fn as_str(self) -> Option<&'d str> {
        match self.kind() {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }

    fn object(self) -> Option<Self> {
        (self.node().tag == Tag::Object).then_some(self)
    }
}

impl<'d> JsonObject<'d, Ref<'d>> for Ref<'d> {
    type Key = str;

    fn members(self) -> impl Iterator<Item = (&'d str, Self)> {
        self.children()
    }

    fn member(self, key: &str) -> Option<Self> {
        self.get(key)
    }

    fn has(self, key: &str) -> bool {
        self.get(key).is_some()
    }

    fn is_empty(self) -> bool {
        self.children().next().is_none()
    }
}

/// Iterator over a node's children.
pub struct Children<'d> {
    doc: &'d Doc<'d, 'd>,
    at: u32,
}

impl<'d> Iterator for Children<'d> {
    type Item = (&'d str, Ref<'d>);

    fn next(&mut self) -> Option<Self::Item> {
        let node = *self.doc.nodes.get(self.at as usize)?;
        let r = Ref {
            doc: self.doc,
            i: self.at,
        };
        self.at = node.next;
        Some((r.slice(node.key.0, node.key.1), r))
    }
}

/// Why the parser stopped.
enum Stop {
    /// The node array is full: read again into a larger one.
    Full,
    Failed(Refused),
}
use Stop::{Failed, Full};

struct Parser<'t, 'n, 'o> {
    bytes: &'t [u8],
    text: &'t str,
    at: usize,
    nodes: &'n mut [Node],
    len: usize,
    owned: &'o mut Vec<String>,
}

impl<'t, 'n, 'o> Parser<'t, 'n, 'o> {
    fn new(text: &'t str, nodes: &'n mut [Node], owned: &'o mut Vec<String>) -> Self {
        Parser {
            bytes: text.as_bytes(),
            text,
            at: 0,
            nodes,
            len: 0,
            owned,
        }
    }

    /// Reads the one value of the text; the number of nodes.
    fn run(mut self) -> Result<usize, Stop> {
        self.value(0)?;
        self.ws();
        if self.at != self.bytes.len() {
            return Err(Failed(Refused::Syntax));
        }
        Ok(self.len)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        self.ws();
        if self.peek() == Some(b) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, b: u8) -> Result<(), Stop> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(Failed(Refused::Syntax))
        }
    }

    fn set(&mut self, i: usize, node: Node) {
        if let Some(slot) = self.nodes.get_mut(i) {
            *slot = node;
        }
    }

    fn get(&self, i: u32) -> Node {
        self.nodes.get(i as usize).copied().unwrap_or_default()
    }

    fn link(&mut self, i: u32, next: u32) {
        if let Some(n) = self.nodes.get_mut(i as usize) {
            n.next = next;
        }
    }

    /// Reads one value into a new node; its index.
    fn value(&mut self, depth: usize) -> Result<u32, Stop> {
        if depth > MAX_DEPTH {
            return Err(Failed(Refused::Unsupported));
        }
        let i = self.len;
        if i >= self.nodes.len() {
            return Err(Full);
        }
        self.len += 1;
        self.ws();
        let mut node = Node {
            next: NONE,
            ..Node::default()
        };
        match self.peek() {
            Some(b'n') => self.word(b"null")?,
            Some(b't') => {
                self.word(b"true")?;
                node.tag = Tag::Bool;
                node.a = 1;
            }
            Some(b'f') => {
                self.word(b"false")?;
                node.tag = Tag::Bool;
            }
            Some(b'"') => {
                self.at += 1;
                let (a, b, escaped) = self.string()?;
                node = match escaped {
                    None => Node {
                        tag: Tag::Str,
                        a,
                        b,
                        ..node
                    },
                    Some(s) => {
                        self.owned.push(s);
                        Node {
                            tag: Tag::Owned,
                            a: (self.owned.len() - 1) as u32,
                            ..node
                        }
                    }
                };
            }
            Some(b'[') => {
                self.at += 1;
                node.tag = Tag::Array;
                node.a = self.array(depth)?;
            }
            Some(b'{') => {
                self.at += 1;
                node.tag = Tag::Object;
                node.a = self.object(depth)?;
            }
            Some(b'-' | b'0'..=b'9') => {
                self.number()?;
                node.tag = Tag::Number;
            }
            _ => return Err(Failed(Refused::Syntax)),
        }
        self.set(i, node);
        Ok(i as u32)
    }

    fn word(&mut self, w: &[u8]) -> Result<(), Stop> {
        if self.bytes.get(self.at..self.at + w.len()) == Some(w) {
            self.at += w.len();
            Ok(())
        } else {
            Err(Failed(Refused::Syntax))
        }
    }

    /// JSON's number grammar (the value itself is not needed: the validators name only its type).
    fn number(&mut self) -> Result<(), Stop> {
        let digits = |p: &mut Self| {
            let start = p.at;
            while matches!(p.peek(), Some(b'0'..=b'9')) {
                p.at += 1;
            }
            p.at > start
        };
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        if self.peek() == Some(b'0') {
            self.at += 1;
        } else if !digits(self) {
            return Err(Failed(Refused::Syntax));
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if !digits(self) {
                return Err(Failed(Refused::Syntax));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !digits(self) {
                return Err(Failed(Refused::Syntax));
            }
        }
        Ok(())
    }

    /// After the opening quote: the raw range, and the decoded text when it had escapes.
    fn string(&mut self) -> Result<(u32, u32, Option<String>), Stop> {
        let start = self.at;
        // One scan to the closing quote (a local loop: 2x faster than stepping `self.at`).
        let rest = self.bytes.get(start..).unwrap_or_default();
        let end = rest
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            .map(|n| start + n);
        match end.map(|e| (e, self.bytes.get(e))) {
            Some((e, Some(b'"'))) => {
                self.at = e + 1;
                return Ok((start as u32, e as u32, None));
            }
            Some((e, Some(b'\\'))) => self.at = e,
            _ => return Err(Failed(Refused::Syntax)),
        }
        // Escapes: decode from the start.
        let mut out = String::from(self.text.get(start..self.at).unwrap_or_default());
        loop {
            let Some(b) = self.peek() else {
                return Err(Failed(Refused::Syntax));
            };
            match b {
                b'"' => {
                    self.at += 1;
                    return Ok((start as u32, (self.at - 1) as u32, Some(out)));
                }
                b'\\' => {
                    self.at += 1;
                    let Some(e) = self.peek() else {
                        return Err(Failed(Refused::Syntax));
                    };
                    self.at += 1;
                    let c = match e {
                        b'u' => self.unicode_escape()?,
                        e => crate::text::json_escape(e).ok_or(Failed(Refused::Syntax))?,
                    };
                    out.push(c);
                }
                0..=0x1f => return Err(Failed(Refused::Syntax)),
                _ => {
                    // Copy the run of plain bytes up to the next quote or backslash.
                    let run = self.at;
                    while matches!(self.peek(), Some(b) if b != b'"' && b != b'\\' && b >= 0x20) {
                        self.at += 1;
                    }
                    out.push_str(self.text.get(run..self.at).unwrap_or_default());
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, Stop> {
        let mut n = 0;
        for _ in 0..4 {
            let d = self
                .peek()
                .and_then(crate::text::hex_value)
                .ok_or(Failed(Refused::Syntax))?;
            n = n * 16 + d;
            self.at += 1;
        }
        Ok(n)
    }

    /// After `\u`: one character; a surrogate without its pair is U+FFFD, as `TextEncoder`
    /// writes it.
    fn unicode_escape(&mut self) -> Result<char, Stop> {
        let hi = self.hex4()?;
        if (0xD800..0xDC00).contains(&hi) && self.bytes.get(self.at..self.at + 2) == Some(b"\\u")
        {
            let back = self.at;
            self.at += 2;
            let lo = self.hex4()?;
            if (0xDC00..0xE000).contains(&lo) {
                let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                return Ok(char::from_u32(c).unwrap_or('\u{FFFD}'));
            }
            // Not a pair: the second escape is read on its own.
            self.at = back;
        }
        Ok(char::from_u32(hi).unwrap_or('\u{FFFD}'))
    }

    /// After `[`: the first element's index (or [`NONE`]).
    fn array(&mut self, depth: usize) -> Result<u32, Stop> {
        if self.eat(b']') {
            return Ok(NONE);
        }
        let first = self.value(depth + 1)?;
        let mut last = first;
        while self.eat(b',') {
            let i = self.value(depth + 1)?;
            self.link(last, i);
            last = i;
        }
        self.expect(b']')?;
        Ok(first)
    }

    /// After `{`: the first member's index in key order (or [`NONE`]).
    fn object(&mut self, depth: usize) -> Result<u32, Stop> {
        if self.eat(b'}') {
            return Ok(NONE);
        }
        let mut members = [0u32; MAX_MEMBERS];
        let mut count = 0;
        loop {
            self.expect(b'"')?;
            let (ka, kb, escaped) = self.string()?;
            if escaped.is_some() {
                return Err(Failed(Refused::Unsupported));
            }
            self.expect(b':')?;
            let i = self.value(depth + 1)?;
            if let Some(n) = self.nodes.get_mut(i as usize) {
                n.key = (ka, kb);
            }
            let slot = members
                .get_mut(count)
                .ok_or(Failed(Refused::Unsupported))?;
            *slot = i;
            count += 1;
            if !self.eat(b',') {
                break;
            }
        }
        self.expect(b'}')?;
        // Key order, as serde_json's map iterates; insertion sort (objects here are small).
        let members = members.get_mut(..count).unwrap_or_default();
        let key = |p: &Self, i: u32| {
            let (a, b) = p.get(i).key;
            p.bytes.get(a as usize..b as usize).unwrap_or_default()
        };
        for j in 1..members.len() {
            let mut k = j;
            while k > 0 {
                let (Some(&x), Some(&y)) = (members.get(k - 1), members.get(k)) else {
                    break;
                };
                match key(self, x).cmp(key(self, y)) {
                    ::core::cmp::Ordering::Less => break,
                    ::core::cmp::Ordering::Equal => return Err(Failed(Refused::Unsupported)),
                    ::core::cmp::Ordering::Greater => members.swap(k - 1, k),
                }
                k -= 1;
            }
        }
        for w in members.windows(2) {
            if let [x, y] = *w {
                self.link(x, y);
            }
        }
        if let Some(&last) = members.last() {
            self.link(last, NONE);
        }
        Ok(members.first().copied().unwrap_or(NONE))
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_macros)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// The document as a `serde_json::Value` (numbers as 0: only their kind is read).
    fn to_value(r: Ref) -> Value {
        match r.kind() {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(b),
            Kind::Number => Value::from(0),
            Kind::String(s) => Value::String(s.to_string()),
            Kind::Array => Value::Array(r.children().map(|(_, v)| to_value(v)).collect()),
            Kind::Object => Value::Object(
                r.children()
                    .map(|(k, v)| (k.to_string(), to_value(v)))
                    .collect(),
            ),
        }
    }

    fn zero_numbers(v: Value) -> Value {
        match v {
            Value::Number(_) => Value::from(0),
            Value::Array(a) => Value::Array(a.into_iter().map(zero_numbers).collect()),
            Value::Object(m) => Value::Object(
                m.into_iter()
                    .map(|(k, v)| (k, zero_numbers(v)))
                    .collect(),
            ),
            v => v,
        }
    }

    fn read(text: &str) -> Result<Value, Refused> {
        with_doc(text, |d| d.map(|d| to_value(d.root())))
    }

    #[test]
    fn reads_what_serde_json_reads() {
        let texts = [
            r#"{"type":"pin_dialin","phone_number":"+12095551234","ivr_greeting":{"message":"hi"}}"#,
            r#" { "b" : [ 1 , -2.5e3 , true , false , null , "x" ] , "a" : { } , "c" : [ ] } "#,
            r#""a\"b\\c\/d\b\f\n\r\tñ\u00e9\ud83d\ude00z""#,
            r#"[0,-0,1.5,1E+2,2e-3,12345678901234567890]"#,
            r#"{"z":1,"a":2,"m":{"y":[{"k":"v"}],"b":null}}"#,
            "\"plain ☎ Équipe\"",
        ];
        for t in texts {
            let expected = zero_numbers(serde_json::from_str::<Value>(t).unwrap());
            assert_eq!(read(t), Ok(expected), "{t}");
        }
    }

    #[test]
    fn lone_surrogates_read_as_replacement_characters() {
        assert_eq!(read(r#""a\ud800b""#), Ok(Value::from("a\u{FFFD}b")));
        assert_eq!(read(r#""\udc00\ud800""#), Ok(Value::from("\u{FFFD}\u{FFFD}")));
        assert_eq!(
            read(r#""\ud800\u0041""#),
            Ok(Value::from("\u{FFFD}A")),
            "a high surrogate followed by a non-surrogate escape"
        );
    }

    #[test]
    fn refuses_what_it_does_not_read() {
        for t in [
            "", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "nul", "01", "1.", "-", "\"a", "\"\u{1}\"",
            "\"\\x\"", "\"\\u12\"", "1 2", "{a:1}",
        ] {
            assert_eq!(read(t), Err(Refused::Syntax), "{t:?}");
        }
        for t in [
            r#"{"a":1,"a":2}"#.to_string(),
            r#"{"a\n":1}"#.to_string(),
            format!("{}{}", "[".repeat(MAX_DEPTH + 2), "]".repeat(MAX_DEPTH + 2)),
            format!(
                "{{{}}}",
                (0..=MAX_MEMBERS)
                    .map(|i| format!("\"k{i}\":0"))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        ] {
            assert_eq!(read(&t), Err(Refused::Unsupported), "{t:?}");
        }
    }

    #[test]
    fn large_documents_are_read_on_the_heap() {
        let t = format!("[{}]", vec!["{\"a\":[1,2]}"; 200].join(","));
        let v = read(&t).unwrap();
        assert_eq!(v.as_array().map(Vec::len), Some(200));
    }
}
