//! The script's `options` decoded the way k6 decodes them into its Go `lib.Options`: each
//! known key has the Go type k6 gives it (`null.Int`, `types.NullDuration`, `[]lib.Stage`,
//! ...), and a value that type refuses fails with the text Go's decoder (or the type's own
//! `UnmarshalJSON`) gives, first error in key order, as k6 reports it. What Go accepts is
//! normalised into the shape rk6's `Options` reads (`vus: "5"` and `vus: {}` become numbers,
//! `null` entries of string lists become `""`, keys match case-insensitively).

use serde_json::{Map, Value};

use super::decode_executors::{executor_fields, BASE_FIELDS, SCENARIO_CONFIG};
use super::go_json::{marshal_indent, Node, TypeError};

/// A Go type as k6's options decoding treats it.
pub(super) enum Kind {
    NullBool,
    NullInt,
    NullString,
    NullDuration,
    /// A plain Go `string` (`null` leaves it empty).
    Str,
    /// A plain Go `bool`.
    Bool,
    /// A `TextUnmarshaler` behind a pointer: a string, or `null`.
    Text(&'static str),
    /// `json.RawMessage`: anything.
    Raw,
    List(&'static str, &'static Kind),
    Map(&'static str, &'static Kind),
    /// A type whose `UnmarshalJSON` decodes its own bytes again as the inner kind (Go's
    /// offsets then count from the start of those bytes).
    Custom(&'static Kind),
    Struct(&'static Struct),
    /// A string that is a TLS version name, or a `{min, max}` struct.
    TlsVersion,
    /// A threshold: an expression string, or a `{threshold, abortOnFail, ...}` object.
    Threshold,
    Scenarios,
}

pub(super) struct Struct {
    go_type: &'static str,
    fields: FieldKinds,
    /// Decoded with `DisallowUnknownFields`.
    strict: bool,
}

static NULL_BOOL: Kind = Kind::NullBool;
pub(super) static NULL_INT: Kind = Kind::NullInt;
pub(super) static NULL_STRING: Kind = Kind::NullString;
pub(super) static NULL_DURATION: Kind = Kind::NullDuration;
pub(super) static STR: Kind = Kind::Str;
static BOOL: Kind = Kind::Bool;
pub(super) static RAW: Kind = Kind::Raw;
static STRINGS: Kind = Kind::List("[]string", &STR);
pub(super) static STRING_MAP: Kind = Kind::Map("map[string]string", &STR);
static CUSTOM_STRINGS: Kind = Kind::Custom(&STRINGS);
static CUSTOM_STRING_MAP: Kind = Kind::Custom(&STRING_MAP);

static STAGE_FIELDS: Struct = Struct {
    go_type: "lib.StageFields",
    fields: &[("duration", &NULL_DURATION), ("target", &NULL_INT)],
    strict: false,
};
static STAGE_STRUCT: Kind = Kind::Struct(&STAGE_FIELDS);
static STAGE: Kind = Kind::Custom(&STAGE_STRUCT);
pub(super) static STAGES: Kind = Kind::List("[]lib.Stage", &STAGE);

static DNS_FIELDS: Struct = Struct {
    go_type: "struct { TTL null.String \"json:\\\"ttl\\\"\"; Select types.NullDNSSelect \"json:\\\"select\\\"\"; Policy types.NullDNSPolicy \"json:\\\"policy\\\"\" }",
    fields: &[("policy", &NULL_STRING), ("select", &NULL_STRING), ("ttl", &NULL_STRING)],
    strict: false,
};
static DNS_STRUCT: Kind = Kind::Struct(&DNS_FIELDS);
static DNS: Kind = Kind::Custom(&DNS_STRUCT);

static TLS_AUTH_FIELDS: Struct = Struct {
    go_type: "lib.TLSAuthFields",
    fields: &[
        ("cert", &STR),
        ("domains", &STRINGS),
        ("key", &STR),
        ("password", &STR),
    ],
    strict: false,
};
static TLS_AUTH_STRUCT: Kind = Kind::Struct(&TLS_AUTH_FIELDS);
static TLS_AUTH_ITEM: Kind = Kind::Custom(&TLS_AUTH_STRUCT);
static TLS_AUTH: Kind = Kind::List("[]*lib.TLSAuth", &TLS_AUTH_ITEM);
static TLS_VERSION: Kind = Kind::TlsVersion;
static TLS_VERSION_FIELDS: Struct = Struct {
    go_type: "lib.tlsVersionsFields",
    fields: &[("max", &STR), ("min", &STR)],
    strict: false,
};
static TLS_VERSION_STRUCT: Kind = Kind::Struct(&TLS_VERSION_FIELDS);

static RAW_THRESHOLD_FIELDS: Struct = Struct {
    go_type: "metrics.rawThresholdConfig",
    fields: &[
        ("abortOnFail", &BOOL),
        ("delayAbortEval", &NULL_DURATION),
        ("threshold", &STR),
    ],
    strict: false,
};
static RAW_THRESHOLD: Kind = Kind::Struct(&RAW_THRESHOLD_FIELDS);
static THRESHOLD: Kind = Kind::Threshold;
static THRESHOLD_LIST: Kind = Kind::List("[]metrics.thresholdConfig", &THRESHOLD);
static THRESHOLDS_OF_METRIC: Kind = Kind::Custom(&THRESHOLD_LIST);
static THRESHOLDS: Kind = Kind::Map("map[string]metrics.Thresholds", &THRESHOLDS_OF_METRIC);

static IP_NET: Kind = Kind::Text("*lib.IPNet");
static EXT: Kind = Kind::Map("map[string]json.RawMessage", &RAW);
static SEGMENT: Kind = Kind::Text("*lib.ExecutionSegment");
static SEQUENCE: Kind = Kind::Text("*lib.ExecutionSegmentSequence");
static SCENARIOS: Kind = Kind::Scenarios;

/// `lib.Options`, by JSON name (sorted, as Go's decoder meets the sorted document).
static OPTIONS_FIELDS: Struct = Struct {
    go_type: "lib.Options",
    fields: &[
        ("batch", &NULL_INT),
        ("batchPerHost", &NULL_INT),
        ("blacklistIPs", &BLACKLIST),
        ("blockHostnames", &CUSTOM_STRINGS),
        ("cloud", &RAW),
        ("discardResponseBodies", &NULL_BOOL),
        ("dns", &DNS),
        ("duration", &NULL_DURATION),
        ("executionSegment", &SEGMENT),
        ("executionSegmentSequence", &SEQUENCE),
        ("ext", &EXT),
        ("hosts", &CUSTOM_STRING_MAP),
        ("httpDebug", &NULL_STRING),
        ("insecureSkipTLSVerify", &NULL_BOOL),
        ("iterations", &NULL_INT),
        ("maxRedirects", &NULL_INT),
        ("metricSamplesBufferSize", &NULL_INT),
        ("minIterationDuration", &NULL_DURATION),
        ("noConnectionReuse", &NULL_BOOL),
        ("noCookiesReset", &NULL_BOOL),
        ("noSetup", &NULL_BOOL),
        ("noTeardown", &NULL_BOOL),
        ("noVUConnectionReuse", &NULL_BOOL),
        ("paused", &NULL_BOOL),
        ("rps", &NULL_INT),
        ("scenarios", &SCENARIOS),
        ("setupTimeout", &NULL_DURATION),
        ("stages", &STAGES),
        ("summaryTimeUnit", &NULL_STRING),
        ("summaryTrendStats", &STRINGS),
        ("systemTags", &CUSTOM_STRINGS),
        ("tags", &STRING_MAP),
        ("teardownTimeout", &NULL_DURATION),
        ("throw", &NULL_BOOL),
        ("thresholds", &THRESHOLDS),
        ("tlsAuth", &TLS_AUTH),
        ("tlsCipherSuites", &CUSTOM_STRINGS),
        ("tlsVersion", &TLS_VERSION),
        ("userAgent", &NULL_STRING),
        ("vus", &NULL_INT),
    ],
    strict: false,
};
static BLACKLIST: Kind = Kind::List("[]*lib.IPNet", &IP_NET);
static OPTIONS: Kind = Kind::Struct(&OPTIONS_FIELDS);

/// A struct's fields by JSON name, with the kind each decodes as.
pub(super) type FieldKinds = &'static [(&'static str, &'static Kind)];

/// Decodes the exported `options` as k6 does: the normalised object, or k6's error text.
pub fn decode_options(value: &Value) -> Result<Value, String> {
    let out = decode_root(value, Cx::root(), TypeError::beautified)?;
    Ok(out.unwrap_or_else(|| Value::Object(Map::new())))
}

/// Decodes a `--config` file as k6 does (its `Config` struct embeds `lib.Options`): the
/// normalised object with the file's other keys kept as they are, or Go's error text.
pub fn decode_config_file(value: &Value) -> Result<Value, String> {
    let cx = Cx {
        fields: vec!["Config".into(), "Options".into()],
        base: 0,
    };
    let mut out = match decode_root(value, cx, |t, _| t.go_text())? {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    if let Value::Object(file) = value {
        for (k, v) in file {
            out.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    Ok(Value::Object(out))
}

/// Decodes `value` as `lib.Options` under `cx`; a type error is worded by `word` (given
/// the document Go would have parsed).
fn decode_root(
    value: &Value,
    cx: Cx,
    word: fn(&TypeError, &str) -> String,
) -> Result<Option<Value>, String> {
    let (doc, root) = marshal_indent(value);
    let walker = Walker { doc: &doc };
    walker.decode(&root, &OPTIONS, &cx).map_err(|e| match e {
        Failure::Type(t) => word(&t, &doc),
        Failure::Other(text) => text,
    })
}

enum Failure {
    Type(TypeError),
    Other(String),
}

/// Where the decoder is: the struct fields on the way in and the start of the innermost
/// custom decoder's input.
#[derive(Clone)]
struct Cx {
    fields: Vec<String>,
    base: usize,
}

impl Cx {
    fn root() -> Cx {
        Cx {
            fields: vec!["Options".into()],
            base: 0,
        }
    }

    fn field(&self, name: &str) -> Cx {
        let mut c = self.clone();
        c.fields.push(name.to_string());
        c
    }
}

struct Walker<'d> {
    doc: &'d str,
}

/// Go's name of a JSON value's kind in `UnmarshalTypeError`.
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `reflect.TypeOf(v).Name()` of the value Go's `interface{}` decoding gives (what guregu's
/// null types print): maps and slices have no name.
fn go_dynamic_name(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "bool",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        _ => "",
    }
}

impl Walker<'_> {
    fn raw(&self, node: &Node) -> &str {
        &self.doc[node.start..node.end]
    }

    /// Go's `UnmarshalTypeError` for `node` not fitting `go_type`: offsets at a literal's end
    /// or just inside an opening bracket.
    fn type_error(&self, node: &Node, go_type: &str, cx: &Cx) -> Failure {
        let at = match node.value {
            Value::Array(_) | Value::Object(_) => node.start + 1,
            _ => node.end,
        };
        Failure::Type(TypeError {
            value: json_kind(node.value).to_string(),
            go_type: go_type.to_string(),
            fields: cx.fields.clone(),
            offset: at.saturating_sub(cx.base),
        })
    }

    fn decode(&self, node: &Node, kind: &Kind, cx: &Cx) -> Result<Option<Value>, Failure> {
        let v = node.value;
        if v.is_null() && !matches!(kind, Kind::Str) {
            return Ok(None);
        }
        match kind {
            Kind::NullBool => self.null_scalar(node, "null.Bool", "Bool", Value::is_boolean),
            Kind::NullString => self.null_scalar(node, "null.String", "String", Value::is_string),
            Kind::NullInt => self.null_int(node, cx),
            Kind::NullDuration => self.null_duration(node),
            Kind::Str => match v {
                Value::Null => Ok(Some(Value::String(String::new()))),
                Value::String(_) => Ok(Some(v.clone())),
                _ => Err(self.type_error(node, "string", cx)),
            },
            Kind::Bool => match v {
                Value::Bool(_) => Ok(Some(v.clone())),
                _ => Err(self.type_error(node, "bool", cx)),
            },
            Kind::Text(go_type) => match v {
                Value::String(_) => Ok(Some(v.clone())),
                _ => Err(self.type_error(node, go_type, cx)),
            },
            Kind::Raw => Ok(Some(v.clone())),
            Kind::List(go_type, item) => {
                if !v.is_array() {
                    return Err(self.type_error(node, go_type, cx));
                }
                let mut out = Vec::new();
                for (_, child) in &node.children {
                    // Go hands `null` to a struct's own decoder, which leaves it empty.
                    let empty = match item {
                        Kind::Custom(_) | Kind::Struct(_) => Value::Object(Map::new()),
                        _ => Value::Null,
                    };
                    out.push(self.decode(child, item, cx)?.unwrap_or(empty));
                }
                Ok(Some(Value::Array(out)))
            }
            Kind::Map(go_type, item) => {
                if !v.is_object() {
                    return Err(self.type_error(node, go_type, cx));
                }
                let mut out = Map::new();
                for (key, child) in &node.children {
                    if let Some(d) = self.decode(child, item, cx)? {
                        out.insert(key.unwrap_or_default().to_string(), d);
                    }
                }
                Ok(Some(Value::Object(out)))
            }
            Kind::Custom(inner) => {
                let cx = Cx {
                    fields: cx.fields.clone(),
                    base: node.start,
                };
                self.decode(node, inner, &cx)
            }
            Kind::Struct(s) => self.structure(node, s.go_type, s.fields, s.strict, cx),
            Kind::TlsVersion => match v {
                Value::String(s) if is_tls_version(s) => Ok(Some(v.clone())),
                _ => {
                    let cx = Cx {
                        fields: cx.fields.clone(),
                        base: node.start,
                    };
                    self.decode(node, &TLS_VERSION_STRUCT, &cx)
                }
            },
            Kind::Threshold => match v {
                Value::String(_) => Ok(Some(v.clone())),
                _ => {
                    let cx = Cx {
                        fields: cx.fields.clone(),
                        base: node.start,
                    };
                    self.decode(node, &RAW_THRESHOLD, &cx)
                }
            },
            Kind::Scenarios => self.scenarios(node, cx),
        }
    }

    /// guregu's `null.Bool` / `null.String`: the scalar, `null`, or a `sql.Null*` object.
    fn null_scalar(
        &self,
        node: &Node,
        go_type: &str,
        sql_field: &str,
        fits: fn(&Value) -> bool,
    ) -> Result<Option<Value>, Failure> {
        let v = node.value;
        if fits(v) {
            return Ok(Some(v.clone()));
        }
        if let Value::Object(m) = v {
            let inner = m
                .iter()
                .find(|(k, x)| k.eq_ignore_ascii_case(sql_field) && fits(x))
                .map(|(_, x)| x.clone());
            let empty = if go_type == "null.Bool" {
                Value::Bool(false)
            } else {
                Value::String(String::new())
            };
            return Ok(Some(inner.unwrap_or(empty)));
        }
        Err(Failure::Other(format!(
            "json: cannot unmarshal {} into Go value of type {go_type}",
            go_dynamic_name(v)
        )))
    }

    /// guregu's `null.Int`: an integral number, a decimal string, `null`/`""`, or an object.
    fn null_int(&self, node: &Node, cx: &Cx) -> Result<Option<Value>, Failure> {
        match node.value {
            // Go decodes the marshalled text: `9007199254740992` fits an int64 even when
            // the JS number was a float, `1.5` and `1e+21` do not.
            Value::Number(_) => match self.raw(node).parse::<i64>() {
                Ok(i) => Ok(Some(Value::from(i))),
                Err(_) => Err(Failure::Type(TypeError {
                    value: format!("number {}", self.raw(node)),
                    go_type: "int64".into(),
                    fields: cx.fields.clone(),
                    offset: node.end - node.start,
                })),
            },
            Value::String(s) if s.is_empty() => Ok(None),
            Value::String(s) => parse_go_int(s).map(|i| Some(Value::from(i))),
            Value::Object(m) => {
                let n = m
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("Int64"))
                    .and_then(|(_, x)| x.as_i64());
                Ok(Some(Value::from(n.unwrap_or(0))))
            }
            other => Err(Failure::Other(format!(
                "json: cannot unmarshal {} into Go value of type null.Int",
                go_dynamic_name(other)
            ))),
        }
    }

    /// `types.NullDuration`: a duration string, a number of milliseconds, or `null`.
    fn null_duration(&self, node: &Node) -> Result<Option<Value>, Failure> {
        match node.value {
            Value::String(s) => match rk6_runtime::duration::k6_parse_error(s) {
                Some(e) => Err(Failure::Other(e)),
                None => Ok(Some(node.value.clone())),
            },
            Value::Number(_) => Ok(Some(node.value.clone())),
            _ => Err(Failure::Other(format!(
                "'{}' is not a valid duration value",
                self.raw(node)
            ))),
        }
    }

    fn structure(
        &self,
        node: &Node,
        go_type: &str,
        fields: &[(&str, &Kind)],
        strict: bool,
        cx: &Cx,
    ) -> Result<Option<Value>, Failure> {
        if !node.value.is_object() {
            return Err(self.type_error(node, go_type, cx));
        }
        let mut out = Map::new();
        for (key, child) in &node.children {
            let key = key.unwrap_or_default();
            // Go matches a field by exact name, else case-insensitively.
            let field = fields.iter().find(|(name, _)| *name == key).or_else(|| {
                fields
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(key))
            });
            match field {
                Some((name, kind)) => {
                    // Go names a field of an embedded struct through it.
                    let path = if go_type == SCENARIO_CONFIG
                        && BASE_FIELDS.iter().any(|(base, _)| base == name)
                    {
                        cx.field("BaseConfig").field(name)
                    } else {
                        cx.field(name)
                    };
                    let decoded = self.decode(child, kind, &path)?;
                    match decoded {
                        Some(d) => out.insert(name.to_string(), d),
                        None => out.remove(*name),
                    };
                }
                None if strict => {
                    return Err(Failure::Other(format!("json: unknown field \"{key}\"")))
                }
                None => {
                    out.insert(key.to_string(), child.value.clone());
                }
            }
        }
        Ok(Some(Value::Object(out)))
    }

    /// `lib.ScenarioConfigs`: a map whose values name their `executor`, then each decoded
    /// strictly as that executor's config.
    fn scenarios(&self, node: &Node, cx: &Cx) -> Result<Option<Value>, Failure> {
        let cx = Cx {
            fields: cx.fields.clone(),
            base: node.start,
        };
        if !node.value.is_object() {
            return Err(self.type_error(node, "map[string]lib.protoExecutorConfig", &cx));
        }
        static PROTO: Struct = Struct {
            go_type: "struct { ExecutorType string \"json:\\\"executor\\\"\" }",
            fields: &[("executor", &STR)],
            strict: false,
        };
        for (_, child) in &node.children {
            let inner = Cx {
                fields: cx.fields.clone(),
                base: child.start,
            };
            self.structure(child, PROTO.go_type, PROTO.fields, false, &inner)?;
        }
        let mut out = Map::new();
        for (name, child) in &node.children {
            let name = name.unwrap_or_default();
            let executor = child
                .value
                .as_object()
                .and_then(|m| m.iter().find(|(k, _)| k.eq_ignore_ascii_case("executor")))
                .and_then(|(_, v)| v.as_str())
                .unwrap_or_default();
            if executor.is_empty() {
                return Err(Failure::Other(format!(
                    "scenario '{name}' doesn't have a specified executor type"
                )));
            }
            let Some(own) = executor_fields(executor) else {
                return Err(Failure::Other(crate::executor::unknown_type(executor)));
            };
            let fields: Vec<(&str, &Kind)> = BASE_FIELDS.iter().copied().chain(own).collect();
            let inner = Cx {
                fields: cx.fields.clone(),
                base: child.start,
            };
            if let Some(d) = self.structure(child, SCENARIO_CONFIG, &fields, true, &inner)? {
                out.insert(name.to_string(), d);
            }
        }
        Ok(Some(Value::Object(out)))
    }
}

fn is_tls_version(s: &str) -> bool {
    matches!(s, "ssl3.0" | "tls1.0" | "tls1.1" | "tls1.2" | "tls1.3")
}

/// Go's `strconv.ParseInt(s, 10, 64)`, with its error text.
fn parse_go_int(s: &str) -> Result<i64, Failure> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    let syntax_ok = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    let quoted = super::go_json::go_quote(s);
    if !syntax_ok {
        return Err(Failure::Other(format!(
            "strconv.ParseInt: parsing {quoted}: invalid syntax"
        )));
    }
    s.parse::<i64>().map_err(|_| {
        Failure::Other(format!(
            "strconv.ParseInt: parsing {quoted}: value out of range"
        ))
    })
}

#[cfg(test)]
#[path = "decode_tests.rs"]
mod tests;
