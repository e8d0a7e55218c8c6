//! The native half of jslib's `url` module (`js-modules/jslib/url.js`, served for
//! `https://jslib.k6.io/url/…`): WHATWG URL parsing, the URL setters and
//! `application/x-www-form-urlencoded` query strings, all from the `url` crate (whose
//! `quirks` module is the WHATWG URL API). Imported by that file only, as `k6/x/rk6-url`.

use boa_engine::object::builtins::JsArray;
use boa_engine::object::ObjectInitializer;
use boa_engine::{js_string, Context, JsObject, JsResult, JsValue, NativeFunction};
use url::{quirks, Url};

use super::{arg_string, key, new_object};

/// The specifier `url.js` imports this module by.
pub const SPECIFIER: &str = "k6/x/rk6-url";

pub fn exports(context: &mut Context) -> JsResult<JsObject> {
    Ok(ObjectInitializer::new(context)
        .function(NativeFunction::from_fn_ptr(parse), js_string!("parse"), 2)
        .function(NativeFunction::from_fn_ptr(update), js_string!("update"), 3)
        .function(
            NativeFunction::from_fn_ptr(parse_query),
            js_string!("parseQuery"),
            1,
        )
        .function(
            NativeFunction::from_fn_ptr(format_query),
            js_string!("formatQuery"),
            1,
        )
        .build())
}

/// The URL's parts as the WHATWG getters give them.
fn parts(u: &Url, ctx: &mut Context) -> JsResult<JsValue> {
    let o = new_object(ctx);
    let fields: [(&str, &str); 10] = [
        ("href", quirks::href(u)),
        ("protocol", quirks::protocol(u)),
        ("username", quirks::username(u)),
        ("password", quirks::password(u)),
        ("host", quirks::host(u)),
        ("hostname", quirks::hostname(u)),
        ("port", quirks::port(u)),
        ("pathname", quirks::pathname(u)),
        ("search", quirks::search(u)),
        ("hash", quirks::hash(u)),
    ];
    for (name, value) in fields {
        o.set(key(name), key(value), false, ctx)?;
    }
    o.set(js_string!("origin"), key(&quirks::origin(u)), false, ctx)?;
    Ok(o.into())
}

/// `parse(input, [base])`: the parts, or `null` for an invalid URL.
fn parse(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let input = arg_string(args, 0, ctx)?;
    let base = match args.get(1) {
        Some(b) if !b.is_undefined() => {
            match Url::parse(&b.to_string(ctx)?.to_std_string_escaped()) {
                Ok(b) => Some(b),
                Err(_) => return Ok(JsValue::null()),
            }
        }
        _ => None,
    };
    match Url::options().base_url(base.as_ref()).parse(&input) {
        Ok(u) => parts(&u, ctx),
        Err(_) => Ok(JsValue::null()),
    }
}

/// `update(href, field, value)`: the parts after the WHATWG setter of `field` (invalid
/// values are ignored, as in browsers; an invalid `href` gives `null`).
fn update(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let href = arg_string(args, 0, ctx)?;
    let field = arg_string(args, 1, ctx)?;
    let value = arg_string(args, 2, ctx)?;
    let Ok(mut u) = Url::parse(&href) else {
        return Ok(JsValue::null());
    };
    let _ = match field.as_str() {
        "href" => quirks::set_href(&mut u, &value).map_err(|_| ()),
        "protocol" => quirks::set_protocol(&mut u, &value),
        "username" => quirks::set_username(&mut u, &value),
        "password" => quirks::set_password(&mut u, &value),
        "host" => quirks::set_host(&mut u, &value),
        "hostname" => quirks::set_hostname(&mut u, &value),
        "port" => quirks::set_port(&mut u, &value),
        "pathname" => {
            quirks::set_pathname(&mut u, &value);
            Ok(())
        }
        "search" => {
            quirks::set_search(&mut u, &value);
            Ok(())
        }
        "hash" => {
            quirks::set_hash(&mut u, &value);
            Ok(())
        }
        _ => Err(()),
    };
    parts(&u, ctx)
}

/// `parseQuery(text)`: `[[name, value], ...]`, decoded.
fn parse_query(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let text = arg_string(args, 0, ctx)?;
    let list = JsArray::new(ctx)?;
    for (k, v) in url::form_urlencoded::parse(text.trim_start_matches('?').as_bytes()) {
        let pair = JsArray::from_iter([key(&k).into(), key(&v).into()], ctx);
        list.push(pair, ctx)?;
    }
    Ok(list.into())
}

/// `formatQuery([[name, value], ...])`: the encoded query string.
fn format_query(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    if let Some(list) = args.first().and_then(JsValue::as_object) {
        let len = list.get(js_string!("length"), ctx)?.to_u32(ctx)?;
        for i in 0..len {
            let pair = list.get(i, ctx)?;
            let Some(pair) = pair.as_object() else {
                continue;
            };
            let k = pair.get(0, ctx)?.to_string(ctx)?.to_std_string_escaped();
            let v = pair.get(1, ctx)?.to_string(ctx)?.to_std_string_escaped();
            out.append_pair(&k, &v);
        }
    }
    Ok(key(&out.finish()).into())
}
