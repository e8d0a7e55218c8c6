//! JSON text to JS values whose objects are built as a script reaches them: what
//! `JSON.parse`, `res.json()` and `SharedArray` elements return.
//!
//! A typical load-test script parses a whole response (an LLM chat completion is ~20 KB,
//! hundreds of objects, most of them per-token log-probabilities) and reads three fields.
//! Building every object in the engine cost most of such an iteration's CPU, and all of it
//! became garbage for the collector to trace and sweep. Here the text is parsed once into a
//! compact host-side tree (validation and errors are [`json_text`]'s, so a malformed
//! text fails exactly as the eager parse does), and each JSON object becomes a JS object whose
//! own properties are created on first observation (Boa's `defer_own_properties`, an rk6
//! patch): all of them at once, in the text's order, so key order, duplicate keys and
//! `__proto__` come out as `CreateDataProperty` makes them. Arrays are real arrays, built
//! with their elements when their parent is reached (an element object is again deferred).
//! Once reached an object is an ordinary one; nothing a script can do tells the two apart.
//!
//! Texts nested deeper than [`MAX_DEPTH`] take [`json_text`]'s eager path, which has no
//! depth bound of its own, so that turning a tree into values never recurses deeply.

use std::cell::RefCell;
use std::rc::Rc;

use boa_engine::object::builtins::JsArray;
use boa_engine::object::LazyOwnProperties;
use boa_engine::property::{PropertyDescriptor, PropertyKey};
use boa_engine::{Context, Finalize, JsData, JsObject, JsResult, JsString, JsValue, Trace};

use super::json_text::{self, Builder, JsonTextError, Scalar, Step};

/// Nesting beyond which a text is built eagerly instead.
const MAX_DEPTH: usize = 256;

/// A parsed document: its text and the contents of all its containers, in two arenas, so
/// that parsing allocates a few growing buffers rather than one block per container, and
/// dropping it frees them at once. A document lives as long as any object made from it, and
/// a script that parses a response per iteration leaves one behind each time: its size is
/// what the VU's collector is told, and what decides how often it runs (a 20 KB chat
/// completion: 16-byte nodes and 24-byte members instead of 24 and 40, 13 KB less).
struct Doc {
    text: DocText,
    /// Array items; an array is a range of it.
    items: Vec<Node>,
    /// Object members in the text's order, duplicates included; an object is a range of it.
    members: Vec<(Text, Node)>,
    /// The strings with escapes, decoded; [`Text::decoded`] indexes them.
    decoded: Vec<JsString>,
}

/// A document's text: its own copy, or the bytes it was parsed from when those are shared
/// (a response body, which the response holds anyway).
enum DocText {
    Own(Box<str>),
    /// Valid UTF-8: the text parsed was these very bytes.
    Shared(bytes::Bytes),
}

impl DocText {
    /// The text between byte offsets `a` and `b` (a string's span: on char boundaries).
    fn get(&self, a: usize, b: usize) -> &str {
        match self {
            DocText::Own(s) => s.get(a..b).unwrap_or_default(),
            DocText::Shared(bytes) => bytes
                .get(a..b)
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or_default(),
        }
    }

    /// Bytes of its own (none when shared).
    fn own_bytes(&self) -> usize {
        match self {
            DocText::Own(s) => s.len(),
            DocText::Shared(_) => 0,
        }
    }
}

/// A parsed JSON value, outside the engine's heap.
#[derive(Clone, Copy)]
enum Node {
    Null,
    Bool(bool),
    Number(f64),
    Str(Text),
    /// Its items: `Doc::items[start..end]`.
    Array(u32, u32),
    /// Its members: `Doc::members[start..end]`.
    Object(u32, u32),
}

/// A string of the document: most are the text's own bytes, referred to by position, so
/// parsing allocates nothing for them; one with escapes is decoded ([`Doc::decoded`]).
#[derive(Clone, Copy)]
struct Text {
    /// Start byte offset in the document's text, or [`DECODED`].
    start: u32,
    /// End byte offset, or the index in [`Doc::decoded`].
    end: u32,
}

// The sizes the document's footprint was measured with.
const _: () = assert!(size_of::<Node>() == 16 && size_of::<(Text, Node)>() == 24);

/// [`Text::start`] of a decoded string (no span starts there: texts are shorter).
const DECODED: u32 = u32::MAX;

impl Text {
    fn decoded(at: usize) -> Text {
        Text {
            start: DECODED,
            end: index(at),
        }
    }
}

/// Parses `text` as one JSON value, as `JSON.parse` without a reviver does.
pub fn parse(text: &str, ctx: &mut Context) -> Result<JsValue, JsonTextError> {
    parse_within::<{ usize::MAX }>(text, ctx)
}

/// [`parse`], failing with [`JsonTextError::TooDeep`] when containers nest deeper than
/// `MAX` (arrays and objects together; at least [`MAX_DEPTH`]).
pub fn parse_within<const MAX: usize>(
    text: &str,
    ctx: &mut Context,
) -> Result<JsValue, JsonTextError> {
    parse_shared_within::<MAX>(text, None, ctx)
}

/// [`parse_within`], where `shared` may hold the bytes of `text` itself (a response body):
/// the document then keeps them instead of a copy of the text.
pub fn parse_shared_within<const MAX: usize>(
    text: &str,
    shared: Option<&bytes::Bytes>,
    ctx: &mut Context,
) -> Result<JsValue, JsonTextError> {
    const { assert!(MAX >= MAX_DEPTH) };
    if text.len() >= DECODED as usize {
        return json_text::parse_within::<MAX>(text, ctx);
    }
    let mut tree = Tree {
        base: text.as_ptr() as usize,
        len: text.len(),
        decoded_bytes: 0,
        decoded: Vec::new(),
        items: Vec::new(),
        members: Vec::new(),
        open_members: Vec::new(),
    };
    let root = match json_text::run(text, &mut tree) {
        Ok(root) => root,
        Err(JsonTextError::TooDeep) => return json_text::parse_within::<MAX>(text, ctx),
        Err(e) => return Err(e),
    };
    let text_bytes = match shared {
        // The same bytes, not just equal ones: the text was checked as UTF-8 from them.
        Some(b) if b.as_ptr() == text.as_ptr() && b.len() == text.len() => {
            DocText::Shared(b.clone())
        }
        _ => DocText::Own(text.into()),
    };
    let doc = Rc::new(Doc {
        text: text_bytes,
        items: tree.items,
        members: tree.members,
        decoded: tree.decoded,
    });
    // The document lives as long as the objects made from it: the collector has to know.
    boa_gc::add_external_bytes(
        doc.text.own_bytes()
            + tree.decoded_bytes
            + doc.items.capacity() * size_of::<Node>()
            + doc.members.capacity() * size_of::<(Text, Node)>()
            + doc.decoded.capacity() * size_of::<JsString>(),
    );
    Ok(value(&root, &doc, ctx))
}

/// Builds a [`Doc`]'s arenas over the text at `base`.
struct Tree {
    base: usize,
    len: usize,
    decoded_bytes: usize,
    decoded: Vec<JsString>,
    items: Vec<Node>,
    members: Vec<(Text, Node)>,
    /// The members of every open object, innermost last.
    open_members: Vec<(Text, Node)>,
}

impl Tree {
    /// `s` by position when it is a slice of the text (no escapes), else decoded.
    fn text(&mut self, s: &str) -> Text {
        let start = (s.as_ptr() as usize).wrapping_sub(self.base);
        match (u32::try_from(start), u32::try_from(start + s.len())) {
            (Ok(start), Ok(end)) if (start as usize) + s.len() <= self.len => Text { start, end },
            _ => {
                self.decoded_bytes += s.len();
                self.decoded.push(JsString::from(s));
                Text::decoded(self.decoded.len() - 1)
            }
        }
    }
}

/// An arena length as a node's index: arenas hold fewer entries than the text has bytes,
/// which [`parse_within`] checked fits in a `u32`.
fn index(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

impl Builder for Tree {
    type Value = Node;
    /// Where the object's members start in `open_members`.
    type Object = usize;
    type Key = Text;
    const MAX_DEPTH: usize = MAX_DEPTH;

    fn scalar(&mut self, s: Scalar<'_>) -> Node {
        match s {
            Scalar::Null => Node::Null,
            Scalar::Bool(b) => Node::Bool(b),
            Scalar::Number(n) => Node::Number(n),
            Scalar::Str(text) => Node::Str(self.text(text)),
        }
    }

    fn array(&mut self, items: std::vec::Drain<'_, Node>) -> Result<Node, Step> {
        let start = index(self.items.len());
        self.items.extend(items);
        Ok(Node::Array(start, index(self.items.len())))
    }

    fn object(&mut self) -> usize {
        self.open_members.len()
    }

    fn key(&mut self, key: &str) -> Text {
        self.text(key)
    }

    fn member(&mut self, _: &mut usize, key: Text, v: Node) -> Result<(), Step> {
        self.open_members.push((key, v));
        Ok(())
    }

    fn close(&mut self, base: usize) -> Node {
        let start = index(self.members.len());
        self.members.extend(self.open_members.drain(base..));
        Node::Object(start, index(self.members.len()))
    }
}

/// The JS string of `t`.
fn string(t: &Text, doc: &Doc) -> JsString {
    if t.start == DECODED {
        return doc.decoded.get(t.end as usize).cloned().unwrap_or_default();
    }
    JsString::from(doc.text.get(t.start as usize, t.end as usize))
}

/// The JS value of `node`: objects deferred, arrays built with their elements.
fn value(node: &Node, doc: &Rc<Doc>, ctx: &mut Context) -> JsValue {
    match *node {
        Node::Null => JsValue::null(),
        Node::Bool(b) => JsValue::new(b),
        Node::Number(n) => json_text::number(n),
        Node::Str(ref t) => string(t, doc).into(),
        Node::Array(start, end) => {
            let items = &doc.items[start as usize..end as usize];
            let values: Vec<JsValue> = items.iter().map(|n| value(n, doc, ctx)).collect();
            JsArray::from_iter(values, ctx).into()
        }
        Node::Object(start, end) if start == end => {
            JsObject::with_object_proto(ctx.intrinsics()).into()
        }
        Node::Object(start, end) => {
            let proto = ctx.intrinsics().constructors().object().prototype();
            let data = Pending {
                members: RefCell::new(Some((doc.clone(), start, end))),
            };
            let obj = JsObject::from_proto_and_data(proto, data);
            if !obj.defer_own_properties::<Pending>() {
                // Not deferrable (it always is: the data has ordinary methods); build it now.
                let _ = Pending::materialise_all(&obj, ctx);
            }
            obj.into()
        }
    }
}

/// The members of a JSON object not yet created on its JS object: a range of its
/// document's members.
#[derive(Trace, Finalize, JsData)]
struct Pending {
    /// Taken when the members are created. The document holds no GC values: only
    /// primitives that are not objects, and positions.
    #[unsafe_ignore_trace]
    members: RefCell<Option<(Rc<Doc>, u32, u32)>>,
}

impl LazyOwnProperties for Pending {
    /// Any observation of one property creates them all: created one at a time they would
    /// take the order in which the script happened to read them.
    fn materialise(obj: &JsObject, _: &PropertyKey, ctx: &mut Context) -> JsResult<()> {
        Self::materialise_all(obj, ctx)
    }

    fn materialise_all(obj: &JsObject, ctx: &mut Context) -> JsResult<()> {
        let pending = obj
            .downcast_ref::<Pending>()
            .and_then(|p| p.members.borrow_mut().take());
        obj.end_deferred_own_properties();
        let Some((doc, start, end)) = pending else {
            return Ok(());
        };
        for (key, node) in &doc.members[start as usize..end as usize] {
            let desc = PropertyDescriptor::builder()
                .value(value(node, &doc, ctx))
                .writable(true)
                .enumerable(true)
                .configurable(true)
                .build();
            let key = PropertyKey::from(string(key, &doc));
            obj.define_deferred_own_property(&key, desc, ctx)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use boa_engine::Source;

    /// Evaluates `script` with `doc` bound to the lazily parsed `json`.
    fn eval(json: &str, script: &str) -> String {
        let mut ctx = Context::default();
        let doc = parse(json, &mut ctx).unwrap_or_else(|e| panic!("{json}: {e}"));
        eval_with(doc, script, &mut ctx)
    }

    /// Evaluates `script` in `ctx` with `doc` bound to the value `doc`.
    fn eval_with(doc: JsValue, script: &str, ctx: &mut Context) -> String {
        ctx.register_global_property(boa_engine::js_string!("doc"), doc, Default::default())
            .expect("a fresh global");
        match ctx.eval(Source::from_bytes(script)) {
            Ok(v) => v.to_string(ctx).map(|s| s.to_std_string_escaped()),
            Err(e) => Ok(format!("threw {e}")),
        }
        .unwrap_or_else(|e| format!("to_string threw {e}"))
    }

    #[test]
    fn key_order_duplicates_and_proto_are_json_parse_s() {
        let text = r#"{"b":1,"2":2,"a":{"x":1},"1":3,"b":4,"__proto__":{"p":1}}"#;
        assert_eq!(eval(text, "Object.keys(doc).join()"), "1,2,b,a,__proto__");
        assert_eq!(
            eval(text, "JSON.stringify(doc)"),
            r#"{"1":3,"2":2,"b":4,"a":{"x":1},"__proto__":{"p":1}}"#
        );
        assert_eq!(
            eval(
                text,
                "Object.getPrototypeOf(doc) === Object.prototype && doc.__proto__.p"
            ),
            "1"
        );
        // Reading one key first does not move it to the front.
        assert_eq!(
            eval(text, "doc.a.x + ':' + Object.keys(doc).join()"),
            "1:1,2,b,a,__proto__"
        );
    }

    /// The document behind a deferred object.
    fn doc_of(v: &JsValue) -> Option<Rc<Doc>> {
        let o = v.as_object()?;
        let pending = o.downcast_ref::<Pending>()?;
        let members = pending.members.borrow();
        members.as_ref().map(|(doc, _, _)| doc.clone())
    }

    #[test]
    fn a_document_over_shared_bytes_reads_them_and_copies_nothing() {
        let body = bytes::Bytes::from_static(br#"{"k":"v\u00e9","a":["x",{"b":"y"}],"n":-0}"#);
        let text = std::str::from_utf8(&body).expect("UTF-8");
        let mut ctx = Context::default();
        let v = parse_shared_within::<MAX_DEPTH>(text, Some(&body), &mut ctx).expect("JSON");
        let doc = doc_of(&v).expect("a deferred object");
        assert!(matches!(doc.text, DocText::Shared(_)));
        assert_eq!(doc.text.own_bytes(), 0);
        assert_eq!(
            eval_with(v, "JSON.stringify(doc) + (1 / doc.n)", &mut ctx),
            r#"{"k":"vé","a":["x",{"b":"y"}],"n":0}-Infinity"#
        );
        // Equal bytes elsewhere are not the text's own: the document copies the text.
        let other = bytes::Bytes::copy_from_slice(&body);
        let v = parse_shared_within::<MAX_DEPTH>(text, Some(&other), &mut ctx).expect("JSON");
        assert!(doc_of(&v).is_some_and(|doc| matches!(doc.text, DocText::Own(_))));
    }

    #[test]
    fn strings_by_position_and_decoded_come_out_alike() {
        let text = r#"{"é":"a\nb","k":"ü😀","\u0041":["x\"y","plain"]}"#;
        assert_eq!(
            eval(
                text,
                "JSON.stringify([Object.keys(doc), doc['é'], doc.k, doc.A])"
            ),
            r#"[["é","k","A"],"a\nb","ü😀",["x\"y","plain"]]"#
        );
    }

    #[test]
    fn a_key_named_like_an_object_prototype_member_is_own() {
        // A plain `{}` read through the same site first must not leave a cached lookup
        // that skips the deferred object's own member.
        let script = "function f(o) { return o.toString === Object.prototype.toString; }\n\
                      [f({}), f({}), f(doc), typeof doc.toString].join()";
        assert_eq!(eval(r#"{"toString":1}"#, script), "true,true,false,number");
    }

    #[test]
    fn objects_are_ordinary_and_mutable() {
        let text = r#"{"a":[{"b":1},[2,{"c":3}]],"d":{}}"#;
        assert_eq!(
            eval(
                text,
                "doc.a[1][1].c = 4; delete doc.d; doc.e = 5; JSON.stringify(doc)"
            ),
            r#"{"a":[{"b":1},[2,{"c":4}]],"e":5}"#
        );
        assert_eq!(
            eval(
                text,
                "Object.isFrozen(Object.freeze(doc.a[0])) + ':' + ('b' in doc.a[0])"
            ),
            "true:true"
        );
        assert_eq!(eval(text, "Array.isArray(doc.a) && doc.a.push(1)"), "3");
        assert_eq!(eval(text, "({...doc.a[0]}).b"), "1");
    }

    #[test]
    fn host_side_json_conversion_sees_unreached_members() {
        let mut ctx = Context::default();
        let doc = parse(r#"{"a":{"b":[1,{"c":2}]},"d":"x"}"#, &mut ctx).expect("valid JSON");
        let json = doc
            .to_json(&mut ctx)
            .expect("convertible")
            .expect("a value");
        assert_eq!(json.to_string(), r#"{"a":{"b":[1,{"c":2}]},"d":"x"}"#);
    }

    #[test]
    fn deep_texts_take_the_eager_path() {
        let n = 10_000;
        let text = format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n));
        let script = "let d = 0, v = doc; while (typeof v === 'object') { d++; v = v.a } d";
        assert_eq!(eval(&text, script), n.to_string());
    }

    #[test]
    fn malformed_text_fails_as_the_eager_parser_does() {
        let mut ctx = Context::default();
        for text in ["[1,2", "{\"a\" 1}", "1 x", "1e400", ""] {
            let lazy = parse(text, &mut ctx).map(drop).map_err(|e| e.to_string());
            let eager = json_text::parse(text, &mut ctx)
                .map(drop)
                .map_err(|e| e.to_string());
            assert_eq!(lazy, eager, "{text}");
            assert!(lazy.is_err());
        }
    }
}
