//! k6's options object as k6 prints it (`k6 inspect`, an archive's `metadata.json`):
//! every key of Go's `lib.Options` in struct order, unset ones `null`, durations in Go's
//! form. Not for reading options: that is `decode.rs`.

use serde_json::Value;

use super::{DurationOpt, Options};

/// k6's option keys in Go struct order (`cloud`, when set, follows `ext`).
const KEYS: [&str; 39] = [
    "paused",
    "vus",
    "duration",
    "iterations",
    "stages",
    "scenarios",
    "executionSegment",
    "executionSegmentSequence",
    "noSetup",
    "setupTimeout",
    "noTeardown",
    "teardownTimeout",
    "rps",
    "dns",
    "maxRedirects",
    "userAgent",
    "batch",
    "batchPerHost",
    "httpDebug",
    "insecureSkipTLSVerify",
    "tlsCipherSuites",
    "tlsVersion",
    "tlsAuth",
    "throw",
    "thresholds",
    "blacklistIPs",
    "blockHostnames",
    "hosts",
    "noConnectionReuse",
    "noVUConnectionReuse",
    "minIterationDuration",
    "ext",
    "summaryTrendStats",
    "summaryTimeUnit",
    "systemTags",
    "tags",
    "metricSamplesBufferSize",
    "noCookiesReset",
    "discardResponseBodies",
];

/// `options` with every k6 key present (unset ones `null`), in k6's order.
pub fn k6_shape(options: Option<&Value>) -> Value {
    let given = options.and_then(|o| o.as_object());
    let mut out = serde_json::Map::new();
    for key in KEYS {
        let value = given.and_then(|g| g.get(key)).cloned();
        let value = match (key, value) {
            ("dns", None | Some(Value::Null)) => {
                serde_json::json!({"ttl": null, "select": null, "policy": null})
            }
            (_, Some(v)) => v,
            (_, None) => Value::Null,
        };
        out.insert(key.to_string(), value);
        if key == "ext" {
            if let Some(cloud) = given.and_then(|g| g.get("cloud")).filter(|c| !c.is_null()) {
                out.insert("cloud".into(), cloud.clone());
            }
        }
    }
    Value::Object(out)
}

/// Consolidated options as `k6 archive` stores them: k6's shape with its defaults for
/// `summaryTrendStats` and `systemTags` (sorted, as k6's tag set marshals).
pub fn consolidated(opts: &Options) -> Value {
    let mut v = serde_json::to_value(opts).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        for key in [
            "duration",
            "setupTimeout",
            "teardownTimeout",
            "minIterationDuration",
        ] {
            if let Some(d) = o.get_mut(key) {
                go_duration(d);
            }
        }
        if let Some(stages) = o.get_mut("stages") {
            go_stages(stages);
        }
        if let Some(Value::Object(scenarios)) = o.get_mut("scenarios") {
            for scenario in scenarios.values_mut() {
                *scenario = scenario_shape(scenario);
            }
        }
        o.insert("summaryTrendStats".into(), opts.trend_stats().into());
        let mut tags: Vec<String> = match &opts.system_tags {
            Some(t) => t.clone(),
            None => rk6_runtime::config::DEFAULT_SYSTEM_TAGS
                .iter()
                .map(|s| s.to_string())
                .collect(),
        };
        tags.sort();
        tags.dedup();
        o.insert("systemTags".into(), tags.into());
    }
    k6_shape(Some(&v))
}

/// The fields of each executor's config after the common ones, in Go struct order.
fn executor_fields(executor: &str) -> &'static [&'static str] {
    match executor {
        "shared-iterations" | "per-vu-iterations" => &["vus", "iterations", "maxDuration"],
        "constant-vus" => &["vus", "duration"],
        "ramping-vus" => &["startVUs", "stages", "gracefulRampDown"],
        "constant-arrival-rate" => &["rate", "timeUnit", "duration", "preAllocatedVUs", "maxVUs"],
        "ramping-arrival-rate" => &[
            "startRate",
            "timeUnit",
            "stages",
            "preAllocatedVUs",
            "maxVUs",
        ],
        "externally-controlled" => &["vus", "duration", "maxVUs"],
        _ => &[],
    }
}

/// A scenario as k6 marshals its executor config: the common fields, then the
/// executor's, unset ones `null`, durations in Go's form. An unknown executor is kept.
fn scenario_shape(given: &Value) -> Value {
    let Some(executor) = given.get("executor").and_then(Value::as_str) else {
        return given.clone();
    };
    let fields = executor_fields(executor);
    if fields.is_empty() {
        return given.clone();
    }
    let common = [
        "executor",
        "startTime",
        "gracefulStop",
        "env",
        "exec",
        "tags",
    ];
    let mut out = serde_json::Map::new();
    for key in common.iter().chain(fields) {
        let mut v = given.get(*key).cloned().unwrap_or(Value::Null);
        match *key {
            "stages" => go_stages(&mut v),
            "startTime" | "gracefulStop" | "duration" | "maxDuration" | "timeUnit"
            | "gracefulRampDown" => go_duration(&mut v),
            _ => {}
        }
        out.insert(key.to_string(), v);
    }
    Value::Object(out)
}

/// Every stage's duration in Go's form.
fn go_stages(stages: &mut Value) {
    if let Value::Array(stages) = stages {
        for d in stages.iter_mut().filter_map(|s| s.get_mut("duration")) {
            go_duration(d);
        }
    }
}

/// A duration value in Go's `time.Duration` text (`90s` is `1m30s`), when it parses.
fn go_duration(v: &mut Value) {
    if v.is_null() {
        return;
    }
    let Ok(d) = serde_json::from_value::<DurationOpt>(v.clone()) else {
        return;
    };
    if let Ok(d) = d.get("duration") {
        *v = Value::String(rk6_runtime::duration::format(d));
    }
}

/// The options of a stored k6 shape that are set (k6 keeps `null` for unset ones), to
/// be read as the script's tier of an archived test.
pub fn set_only(shape: &Value) -> Value {
    let mut out = serde_json::Map::new();
    for (k, v) in shape.as_object().into_iter().flatten() {
        let empty_dns = k == "dns"
            && v.as_object()
                .is_some_and(|o| o.values().all(Value::is_null));
        if !v.is_null() && !empty_dns {
            out.insert(k.clone(), v.clone());
        }
    }
    Value::Object(out)
}

/// JSON as `k6 inspect` prints it: two-space indent, and `<`, `>`, `&` escaped as Go's
/// encoder escapes them (they only occur inside strings, so replacing them is exact).
pub fn to_inspect_text(v: &Value) -> Result<String, serde_json::Error> {
    Ok(serde_json::to_string_pretty(v)?
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn consolidated_options_carry_k6s_defaults_and_go_durations() {
        let o = Options::from_script(Some(&json!({"vus": 2, "duration": "90s"}))).unwrap();
        let v = consolidated(&o);
        assert_eq!(v["duration"], json!("1m30s"));
        assert_eq!(v["summaryTrendStats"][4], json!("p(90)"));
        assert_eq!(v["systemTags"][0], json!("check"));
        assert_eq!(
            v["dns"],
            json!({"ttl": null, "select": null, "policy": null})
        );
        assert_eq!(v.as_object().unwrap().len(), 39);
    }

    #[test]
    fn a_stored_shape_reads_back_as_the_options_it_holds() {
        let o = Options::from_script(Some(&json!({"vus": 3, "tags": {"a": "b"}}))).unwrap();
        let back = Options::from_script(Some(&set_only(&consolidated(&o)))).unwrap();
        assert_eq!(back.vus, Some(3));
        assert_eq!(back.tags, o.tags);
        assert_eq!(back.first_unknown_key(), None);
    }
}
