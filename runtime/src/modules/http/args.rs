//! Argument shapes of `k6/http` that scripts use: `http.url` templates, `http.file()`
//! values, form objects, and the array/object forms of `http.batch`. Native, because each
//! line of JS per VU costs memory in every VU's context.

use crate::modules::StdText;
use boa_engine::object::builtins::JsArray;
use boa_engine::{js_string, Context, JsNativeError, JsObject, JsResult, JsValue};

use crate::modules::{key, new_object};

/// Hidden property marking `http.url` results and `http.file()` values.
pub const URL_MARK: &str = "__rk6_url";
pub const FILE_MARK: &str = "__rk6_file";

fn define_hidden(obj: &JsObject, name: &str, value: JsValue, ctx: &mut Context) -> JsResult<()> {
    obj.define_property_or_throw(
        key(name),
        boa_engine::property::PropertyDescriptor::builder()
            .value(value)
            .writable(false)
            .enumerable(false)
            .configurable(true),
        ctx,
    )?;
    Ok(())
}

/// `http.url\`…${x}…\``: an object with `url` and the `name` template (`${}` placeholders).
pub fn url_template(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let Some(strings) = args.first().and_then(JsValue::as_object) else {
        return Err(JsNativeError::typ()
            .with_message("http.url must be used as a template tag")
            .into());
    };
    let len = strings.get(js_string!("length"), ctx)?.to_u32(ctx)?;
    let (mut url, mut name) = (String::new(), String::new());
    for i in 0..len {
        let s = strings.get(i, ctx)?.to_string(ctx)?.text();
        url.push_str(&s);
        name.push_str(&s);
        if i + 1 < len {
            if let Some(v) = args.get(i as usize + 1) {
                url.push_str(&v.to_string(ctx)?.text());
                name.push_str("${}");
            }
        }
    }
    let obj = new_object(ctx);
    obj.set(js_string!("url"), key(&url), false, ctx)?;
    obj.set(js_string!("name"), key(&name), false, ctx)?;
    obj.set(js_string!("clean_url"), key(&url), false, ctx)?;
    define_hidden(&obj, URL_MARK, true.into(), ctx)?;
    let to_string =
        boa_engine::NativeFunction::from_fn_ptr(|this, _, ctx| match this.as_object() {
            Some(o) => o.get(js_string!("url"), ctx),
            None => Ok(JsValue::undefined()),
        })
        .to_js_function(ctx.realm());
    define_hidden(&obj, "toString", to_string.into(), ctx)?;
    Ok(obj.into())
}

/// `http.file(data, [filename], [contentType])`.
pub fn file(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let obj = new_object(ctx);
    obj.set(
        js_string!("data"),
        args.first().cloned().unwrap_or_default(),
        false,
        ctx,
    )?;
    let filename = match args.get(1) {
        Some(v) if !v.is_undefined() => v.to_string(ctx)?.text(),
        _ => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos().to_string())
            .unwrap_or_default(),
    };
    obj.set(js_string!("filename"), key(&filename), false, ctx)?;
    let ct = match args.get(2) {
        Some(v) if !v.is_undefined() && !v.is_null() => v.to_string(ctx)?.text(),
        _ => "application/octet-stream".to_string(),
    };
    obj.set(js_string!("content_type"), key(&ct), false, ctx)?;
    define_hidden(&obj, FILE_MARK, true.into(), ctx)?;
    Ok(obj.into())
}

/// Whether `v` carries hidden marker `mark`.
pub fn has_mark(v: &JsValue, mark: &str, ctx: &mut Context) -> JsResult<bool> {
    match v.as_object() {
        Some(o) => Ok(o.get(key(mark), ctx)?.to_boolean()),
        None => Ok(false),
    }
}

/// The URL argument: a string, or an `http.url` object whose template becomes the `name` tag.
pub fn url_arg(v: &JsValue, ctx: &mut Context) -> JsResult<(String, Option<String>)> {
    if has_mark(v, URL_MARK, ctx)? {
        if let Some(o) = v.as_object() {
            let url = o.get(js_string!("url"), ctx)?.to_string(ctx)?.text();
            let name = o.get(js_string!("name"), ctx)?.to_string(ctx)?.text();
            return Ok((url, Some(name)));
        }
    }
    Ok((v.to_string(ctx)?.text(), None))
}

/// One form field: name, value bytes, and (filename, content type) for file parts.
pub type FormField = (String, Vec<u8>, Option<(String, String)>);

/// A plain object body as form fields; `None` when `body` is not a plain object.
pub fn form_fields(body: &JsValue, ctx: &mut Context) -> JsResult<Option<(Vec<FormField>, bool)>> {
    let Some(obj) = body.as_object() else {
        return Ok(None);
    };
    if obj.is_array()
        || has_mark(body, FILE_MARK, ctx)?
        || crate::convert::bytes::to_bytes(body, ctx)?.is_some()
    {
        return Ok(None);
    }
    let mut fields = Vec::new();
    let mut multipart = false;
    for k in obj.own_property_keys(ctx)? {
        let boa_engine::property::PropertyKey::String(name) = &k else {
            continue;
        };
        let name = name.text();
        let v = obj.get(k.clone(), ctx)?;
        let values: Vec<JsValue> = match v
            .as_object()
            .and_then(|o| JsArray::from_object(o.clone()).ok())
        {
            Some(arr) => {
                let n = arr.length(ctx)?;
                (0..n).map(|i| arr.get(i, ctx)).collect::<JsResult<_>>()?
            }
            None => vec![v],
        };
        for x in values {
            if has_mark(&x, FILE_MARK, ctx)? {
                multipart = true;
                let Some(f) = x.as_object() else { continue };
                let data = f.get(js_string!("data"), ctx)?;
                let bytes = crate::convert::bytes::bytes_or_string(&data, ctx)?;
                let fname = f.get(js_string!("filename"), ctx)?.to_string(ctx)?.text();
                let ct = f
                    .get(js_string!("content_type"), ctx)?
                    .to_string(ctx)?
                    .text();
                fields.push((name.clone(), bytes, Some((fname, ct))));
            } else {
                let s = x.to_string(ctx)?.text();
                fields.push((name.clone(), s.into_bytes(), None));
            }
        }
    }
    Ok(Some((fields, multipart)))
}

/// Normalises one `http.batch` element to `[method, url, body, params]`.
pub fn batch_item(item: &JsValue, ctx: &mut Context) -> JsResult<[JsValue; 4]> {
    let get_str = |s: &str| JsValue::from(key(s));
    if item.is_string() || has_mark(item, URL_MARK, ctx)? {
        return Ok([
            get_str("GET"),
            item.clone(),
            JsValue::null(),
            JsValue::undefined(),
        ]);
    }
    let Some(obj) = item.as_object() else {
        return Err(JsNativeError::typ()
            .with_message("invalid batch request")
            .into());
    };
    if obj.is_array() {
        let m = obj.get(0, ctx)?;
        return Ok([m, obj.get(1, ctx)?, obj.get(2, ctx)?, obj.get(3, ctx)?]);
    }
    let method = match obj.get(js_string!("method"), ctx)? {
        v if v.is_undefined() || v.is_null() => "GET".to_string(),
        v => v.to_string(ctx)?.text().to_uppercase(),
    };
    let body = if method == "GET" || method == "HEAD" {
        JsValue::null()
    } else {
        obj.get(js_string!("body"), ctx)?
    };
    Ok([
        get_str(&method),
        obj.get(js_string!("url"), ctx)?,
        body,
        obj.get(js_string!("params"), ctx)?,
    ])
}
