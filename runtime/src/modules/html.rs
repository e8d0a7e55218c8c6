//! `k6/html`: `parseHTML(src)` and `res.html()` — a document parsed with `scraper`
//! (html5ever + CSS selectors) and jQuery-like Selections over it (`find`, `attr`,
//! `text`, `html`, `each`, `map`, `eq`, `first`, `last`, `size`, `children`, `parent`,
//! `filter`, `is`, `closest`, `next`, `prev`, `siblings`, `val`, `get`, `toArray`), with
//! Element-style accessors (`textContent`, `innerHTML`, `getAttribute`, `nodeName`) for
//! what `each`/`get` hand to callbacks.

use std::rc::Rc;

use boa_engine::object::builtins::JsArray;
use boa_engine::object::ObjectInitializer;
use boa_engine::{
    js_string, Context, Finalize, JsData, JsNativeError, JsObject, JsResult, JsValue,
    NativeFunction, Trace,
};
use ego_tree::NodeId;
use scraper::{ElementRef, Html, Selector};

use super::lazy_exports::Export;
use super::{key, static_key};

/// A Selection: nodes of one parsed document, in document order.
// SAFETY (unsafe_empty_trace): a parsed document and node ids, no GC values.
#[derive(Trace, Finalize, JsData)]
#[boa_gc(unsafe_empty_trace)]
struct Sel {
    doc: Rc<Html>,
    nodes: Vec<NodeId>,
}

static EXPORTS: [Export; 1] = [Export::function("parseHTML", parse_html, 1)];

pub fn exports(ctx: &mut Context) -> JsResult<JsObject> {
    Ok(super::lazy_exports::object(&EXPORTS, ctx))
}

fn parse_html(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let src = super::arg_string(args, 0, ctx)?;
    Ok(document(&src, ctx)?.into())
}

/// A Selection holding the whole document (what `parseHTML` returns).
pub fn document(src: &str, ctx: &mut Context) -> JsResult<JsObject> {
    let doc = Rc::new(Html::parse_document(src));
    let root = doc.tree.root().id();
    selection(doc, vec![root], ctx)
}

type Method = fn(&JsValue, &[JsValue], &mut Context) -> JsResult<JsValue>;

const METHODS: [(&str, Method); 27] = [
    ("find", find),
    ("text", text),
    ("html", html),
    ("attr", attr),
    ("each", each),
    ("map", map),
    ("eq", eq),
    ("first", first),
    ("last", last),
    ("size", size),
    ("children", children),
    ("parent", parent),
    ("filter", filter),
    ("is", is),
    ("closest", closest),
    ("next", next),
    ("prev", prev),
    ("siblings", siblings),
    ("val", val),
    ("get", get),
    ("toArray", to_array),
    ("textContent", text),
    ("innerHTML", html),
    ("getAttribute", attr),
    ("nodeName", node_name),
    ("attributes", attributes),
    ("slice", slice),
];

fn selection(doc: Rc<Html>, nodes: Vec<NodeId>, ctx: &mut Context) -> JsResult<JsObject> {
    let proto = prototype(ctx)?;
    Ok(
        boa_engine::object::ObjectInitializer::with_native_data_and_proto(
            Sel { doc, nodes },
            proto,
            ctx,
        )
        .build(),
    )
}

/// The shared prototype of Selections, built once per context.
fn prototype(ctx: &mut Context) -> JsResult<JsObject> {
    let global = ctx.global_object();
    let cached = global.get(js_string!("__rk6_html_proto"), ctx)?;
    if let Some(p) = cached.as_object() {
        return Ok(p.clone());
    }
    let mut init = ObjectInitializer::new(ctx);
    for (name, f) in METHODS {
        init.function(NativeFunction::from_fn_ptr(f), static_key(name), 1);
    }
    let proto = init.build();
    global.set(js_string!("__rk6_html_proto"), proto.clone(), false, ctx)?;
    Ok(proto)
}

fn this_sel(this: &JsValue) -> JsResult<(Rc<Html>, Vec<NodeId>)> {
    this.as_object()
        .and_then(|o| {
            o.downcast_ref::<Sel>()
                .map(|s| (s.doc.clone(), s.nodes.clone()))
        })
        .ok_or_else(|| JsNativeError::typ().with_message("not a Selection").into())
}

fn selector(args: &[JsValue], ctx: &mut Context) -> JsResult<Selector> {
    let text = super::arg_string(args, 0, ctx)?;
    Selector::parse(&text).map_err(|e| {
        JsNativeError::syntax()
            .with_message(format!("invalid selector '{text}': {e}"))
            .into()
    })
}

fn element(doc: &Html, id: NodeId) -> Option<ElementRef<'_>> {
    doc.tree.get(id).and_then(ElementRef::wrap)
}

/// Node ids in document order, without duplicates.
fn in_order(doc: &Html, mut ids: Vec<NodeId>) -> Vec<NodeId> {
    let order: std::collections::HashMap<NodeId, usize> = doc
        .tree
        .root()
        .descendants()
        .enumerate()
        .map(|(i, n)| (n.id(), i))
        .collect();
    ids.sort_by_key(|id| order.get(id).copied().unwrap_or(usize::MAX));
    ids.dedup();
    ids
}

fn find(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let (doc, nodes) = this_sel(this)?;
    let sel = selector(args, ctx)?;
    let mut found = Vec::new();
    for id in &nodes {
        let Some(node) = doc.tree.get(*id) else {
            continue;
        };
        for d in node.descendants().skip(1) {
            if let Some(el) = ElementRef::wrap(d) {
                if sel.matches(&el) {
                    found.push(d.id());
                }
            }
        }
    }
    let found = in_order(&doc, found);
    Ok(selection(doc, found, ctx)?.into())
}

fn node_text(doc: &Html, id: NodeId) -> String {
    let Some(node) = doc.tree.get(id) else {
        return String::new();
    };
    node.descendants()
        .filter_map(|n| n.value().as_text().map(|t| t.to_string()))
        .collect()
}

fn text(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    let (doc, nodes) = this_sel(this)?;
    let all: String = nodes.iter().map(|id| node_text(&doc, *id)).collect();
    Ok(key(&all).into())
}

fn html(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    let (doc, nodes) = this_sel(this)?;
    let Some(first) = nodes.first() else {
        return Ok(JsValue::undefined());
    };
    let inner = match element(&doc, *first) {
        Some(el) => el.inner_html(),
        None => doc.html(),
    };
    Ok(key(&inner).into())
}

fn attr(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let (doc, nodes) = this_sel(this)?;
    let name = super::arg_string(args, 0, ctx)?;
    let value = nodes
        .first()
        .and_then(|id| element(&doc, *id))
        .and_then(|el| el.value().attr(&name));
    Ok(match value {
        Some(v) => key(v).into(),
        None => args.get(1).cloned().unwrap_or_default(),
    })
}

fn attributes(this: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let (doc, nodes) = this_sel(this)?;
    let out = super::new_object(ctx);
    if let Some(el) = nodes.first().and_then(|id| element(&doc, *id)) {
        for (k, v) in el.value().attrs() {
            out.set(key(k), key(v), false, ctx)?;
        }
    }
    Ok(out.into())
}

fn node_name(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    let (doc, nodes) = this_sel(this)?;
    let name = nodes
        .first()
        .and_then(|id| element(&doc, *id))
        .map(|el| el.value().name().to_ascii_lowercase())
        .unwrap_or_default();
    Ok(key(&name).into())
}

/// Each node as its own Selection.
fn singles(doc: &Rc<Html>, nodes: &[NodeId], ctx: &mut Context) -> JsResult<Vec<JsObject>> {
    nodes
        .iter()
        .map(|id| selection(doc.clone(), vec![*id], ctx))
        .collect()
}

fn each(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let (doc, nodes) = this_sel(this)?;
    let Some(f) = args.first().and_then(JsValue::as_callable) else {
        return Ok(this.clone());
    };
    for (i, s) in singles(&doc, &nodes, ctx)?.into_iter().enumerate() {
        f.call(&s.clone().into(), &[JsValue::from(i as u32), s.into()], ctx)?;
    }
    Ok(this.clone())
}

fn map(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let (doc, nodes) = this_sel(this)?;
    let out = JsArray::new(ctx)?;
    let Some(f) = args.first().and_then(JsValue::as_callable) else {
        return Ok(out.into());
    };
    for (i, s) in singles(&doc, &nodes, ctx)?.into_iter().enumerate() {
        let v = f.call(&s.clone().into(), &[JsValue::from(i as u32), s.into()], ctx)?;
        if !v.is_null() && !v.is_undefined() {
            out.push(v, ctx)?;
        }
    }
    Ok(out.into())
}

fn index_arg(args: &[JsValue], len: usize, ctx: &mut Context) -> JsResult<Option<usize>> {
    let i = args.first().cloned().unwrap_or_default().to_number(ctx)?;
    let i = if i < 0.0 { len as f64 + i } else { i };
    Ok((i >= 0.0 && (i as usize) < len).then_some(i as usize))
}

fn eq(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let (doc, nodes) = this_sel(this)?;
    let picked = index_arg(args, nodes.len(), ctx)?.map(|i| vec![nodes[i]]);
    Ok(selection(doc, picked.unwrap_or_default(), ctx)?.into())
}

fn first(this: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let (doc, nodes) = this_sel(this)?;
    Ok(selection(doc, nodes.first().copied().into_iter().collect(), ctx)?.into())
}

fn last(this: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let (doc, nodes) = this_sel(this)?;
    Ok(selection(doc, nodes.last().copied().into_iter().collect(), ctx)?.into())
}

fn slice(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let (doc, nodes) = this_sel(this)?;
    let start = args
        .first()
        .cloned()
        .unwrap_or_default()
        .to_number(ctx)?
        .max(0.0) as usize;
    let end = match args.get(1) {
        Some(v) if !v.is_undefined() => v.to_number(ctx)?.max(0.0) as usize,
        _ => nodes.len(),
    };
    let picked = nodes
        .get(start.min(nodes.len())..end.min(nodes.len()).max(start.min(nodes.len())))
        .map(<[NodeId]>::to_vec)
        .unwrap_or_default();
    Ok(selection(doc, picked, ctx)?.into())
}

fn size(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    let (_, nodes) = this_sel(this)?;
    Ok(JsValue::from(nodes.len() as u32))
}

/// Nodes related to each selected one by `step`, optionally filtered by a selector.
fn related(
    this: &JsValue,
    args: &[JsValue],
    ctx: &mut Context,
    step: fn(&Html, NodeId) -> Vec<NodeId>,
) -> JsResult<JsValue> {
    let (doc, nodes) = this_sel(this)?;
    let sel = match args.first() {
        Some(v) if !v.is_undefined() => Some(selector(args, ctx)?),
        _ => None,
    };
    let mut out = Vec::new();
    for id in &nodes {
        for r in step(&doc, *id) {
            let keep = match (&sel, element(&doc, r)) {
                (Some(s), Some(el)) => s.matches(&el),
                (Some(_), None) => false,
                (None, _) => true,
            };
            if keep {
                out.push(r);
            }
        }
    }
    let out = in_order(&doc, out);
    Ok(selection(doc, out, ctx)?.into())
}

fn element_children(doc: &Html, id: NodeId) -> Vec<NodeId> {
    doc.tree.get(id).map_or_else(Vec::new, |n| {
        n.children()
            .filter(|c| c.value().is_element())
            .map(|c| c.id())
            .collect()
    })
}

fn children(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    related(this, args, ctx, element_children)
}

fn parent(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    related(this, args, ctx, |doc, id| {
        doc.tree
            .get(id)
            .and_then(|n| n.parent())
            .filter(|p| p.value().is_element())
            .map(|p| vec![p.id()])
            .unwrap_or_default()
    })
}

fn siblings(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    related(this, args, ctx, |doc, id| {
        let parent = doc.tree.get(id).and_then(|n| n.parent());
        parent.map_or_else(Vec::new, |p| {
            element_children(doc, p.id())
                .into_iter()
                .filter(|c| *c != id)
                .collect()
        })
    })
}

fn next(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    related(this, args, ctx, |doc, id| {
        let mut n = doc.tree.get(id).and_then(|n| n.next_sibling());
        while let Some(s) = n {
            if s.value().is_element() {
                return vec![s.id()];
            }
            n = s.next_sibling();
        }
        Vec::new()
    })
}

fn prev(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    related(this, args, ctx, |doc, id| {
        let mut n = doc.tree.get(id).and_then(|n| n.prev_sibling());
        while let Some(s) = n {
            if s.value().is_element() {
                return vec![s.id()];
            }
            n = s.prev_sibling();
        }
        Vec::new()
    })
}

fn filter(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let (doc, nodes) = this_sel(this)?;
    let sel = selector(args, ctx)?;
    let kept = nodes
        .into_iter()
        .filter(|id| element(&doc, *id).is_some_and(|el| sel.matches(&el)))
        .collect();
    Ok(selection(doc, kept, ctx)?.into())
}

fn is(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let (doc, nodes) = this_sel(this)?;
    let sel = selector(args, ctx)?;
    Ok(JsValue::from(nodes.iter().any(|id| {
        element(&doc, *id).is_some_and(|el| sel.matches(&el))
    })))
}

fn closest(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let (doc, nodes) = this_sel(this)?;
    let sel = selector(args, ctx)?;
    let mut out = Vec::new();
    for id in nodes {
        let mut n = doc.tree.get(id);
        while let Some(node) = n {
            if ElementRef::wrap(node).is_some_and(|el| sel.matches(&el)) {
                out.push(node.id());
                break;
            }
            n = node.parent();
        }
    }
    let out = in_order(&doc, out);
    Ok(selection(doc, out, ctx)?.into())
}

/// `val()`: an input's value, a textarea's text, a select's selected option.
fn val(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    let (doc, nodes) = this_sel(this)?;
    let Some(el) = nodes.first().and_then(|id| element(&doc, *id)) else {
        return Ok(JsValue::undefined());
    };
    let v = match el.value().name() {
        "textarea" => el.text().collect::<String>(),
        "select" => {
            let options = Selector::parse("option").ok();
            let chosen = options.as_ref().and_then(|o| {
                let all: Vec<ElementRef> = el.select(o).collect();
                all.iter()
                    .find(|x| x.value().attr("selected").is_some())
                    .or_else(|| all.first())
                    .copied()
            });
            chosen
                .map(|c| {
                    c.value()
                        .attr("value")
                        .map_or_else(|| c.text().collect(), str::to_string)
                })
                .unwrap_or_default()
        }
        _ => el.value().attr("value").unwrap_or("").to_string(),
    };
    Ok(key(&v).into())
}

fn get(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let (doc, nodes) = this_sel(this)?;
    if args.first().is_none_or(JsValue::is_undefined) {
        return to_array(this, args, ctx);
    }
    match index_arg(args, nodes.len(), ctx)? {
        Some(i) => Ok(selection(doc, vec![nodes[i]], ctx)?.into()),
        None => Ok(JsValue::undefined()),
    }
}

fn to_array(this: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let (doc, nodes) = this_sel(this)?;
    let items = singles(&doc, &nodes, ctx)?;
    let arr = JsArray::new(ctx)?;
    for s in items {
        arr.push(s, ctx)?;
    }
    Ok(arr.into())
}
