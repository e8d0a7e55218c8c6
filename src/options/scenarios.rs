//! From options to scenarios: k6's shortcut derivation (`iterations` -> shared-iterations,
//! `duration` -> constant-vus, `stages` -> ramping-vus, nothing -> one iteration) and the
//! parsing and validation of explicit `scenarios`.

use std::time::Duration;

use serde_json::{Map, Value};

use super::{ConfigError, Options};
use crate::executor::config::ScenarioJson;
use crate::executor::ramping_vus::{self, vu_stages, RampingVus};
use crate::executor::{
    constant_vus::{self, ConstantVus},
    per_vu_iterations::{self, PerVuIterations},
    shared_iterations::{self, SharedIterations},
    Scenario,
};

/// The scenarios the options describe, sorted by (startTime, name) like k6's header.
pub fn derive(o: &Options) -> Result<Vec<Scenario>, ConfigError> {
    let same_tier_conflict = |a: bool, b: bool, an: &str, bn: &str| {
        if a && b {
            Err(ConfigError::Invalid(format!(
                "using `{an}` and `{bn}` options simultaneously is not allowed"
            )))
        } else {
            Ok(())
        }
    };
    same_tier_conflict(
        o.iterations.is_some(),
        o.stages.is_some(),
        "iterations",
        "stages",
    )?;
    same_tier_conflict(
        o.duration.is_some(),
        o.stages.is_some(),
        "duration",
        "stages",
    )?;
    let mut list = listed(o)?;
    let mut errors: Vec<String> = list
        .iter()
        .filter_map(|s| {
            s.executor
                .validate()
                .err()
                .map(|e| format!("scenario {} has configuration errors: {e}", s.name))
        })
        .collect();
    if let Some(t) = &o.setup_timeout {
        if t.signed_nanos()? <= 0 {
            errors.push("setupTimeout must be positive".into());
        }
    }
    if !errors.is_empty() {
        return Err(ConfigError::Scenarios(errors));
    }
    list.sort_by(|a, b| a.start_time.cmp(&b.start_time).then(a.name.cmp(&b.name)));
    Ok(list)
}

/// The scenarios before validation: the one a shortcut option implies, or the explicit
/// ones (checked on their JSON the way k6 does first).
fn listed(o: &Options) -> Result<Vec<Scenario>, ConfigError> {
    // Negative counts fail validation the way zero does (k6 holds them as signed ints).
    let vus_signed = o.vus.unwrap_or(1);
    let vus = u64::try_from(vus_signed).unwrap_or(0);
    Ok(if let Some(iterations) = o.iterations {
        if iterations < 0 && vus > 0 {
            return Err(ConfigError::Scenarios(vec![format!(
                "scenario default has configuration errors: the number of iterations ({iterations}) can't be less than the number of VUs ({vus})"
            )]));
        }
        let max = o.duration.as_ref().map(|d| d.get("duration")).transpose()?;
        vec![Scenario::shortcut(Box::new(SharedIterations {
            vus,
            iterations: u64::try_from(iterations).unwrap_or(0),
            max_duration: max.unwrap_or(Duration::from_secs(600)),
            stripe: None,
        }))]
    } else if let Some(d) = &o.duration {
        if d.signed_nanos()? <= 0 {
            return Err(ConfigError::Invalid(
                "`duration` option should be more than 0, for infinite duration use the externally-controlled executor".into(),
            ));
        }
        let duration = d.get("duration")?;
        vec![Scenario::shortcut(Box::new(ConstantVus { vus, duration }))]
    } else if let Some(stages) = o.stages.as_ref().filter(|s| !s.is_empty()) {
        vec![Scenario::shortcut(Box::new(RampingVus {
            start_vus: vus,
            stages: vu_stages(stages)?,
            graceful_ramp_down: Duration::from_secs(30),
        }))]
    } else if let Some(sc) = o.scenarios.as_ref().filter(|s| !s.is_empty()) {
        let errors = k6_scenario_errors(sc);
        if !errors.is_empty() {
            return Err(ConfigError::Scenarios(errors));
        }
        parse_scenarios(sc)?
    } else {
        if vus_signed != 1 {
            rk6_runtime::log::Logger::warn(
                &format!("`vus={vus_signed}` option will be ignored, it only works in conjunction with `iterations`, `duration`, or `stages`"),
                &[],
            );
        }
        for (set_empty, what) in [
            (o.stages.as_ref().is_some_and(Vec::is_empty), "stages"),
            (o.scenarios.as_ref().is_some_and(Map::is_empty), "scenarios"),
        ] {
            if set_empty {
                rk6_runtime::log::Logger::warn(
                    &format!("`{what}` was explicitly set to an empty value, running the script with 1 iteration in 1 VU"),
                    &[],
                );
            }
        }
        vec![Scenario::shortcut(Box::new(PerVuIterations {
            vus: 1,
            iterations: 1,
            max_duration: Duration::from_secs(600),
        }))]
    })
}

/// k6's validation of the explicit scenarios of known executor types, in name order.
fn k6_scenario_errors(map: &Map<String, Value>) -> Vec<String> {
    map.iter()
        .filter_map(|(name, v)| {
            let obj = v.as_object()?;
            let errors = crate::executor::rules::check(obj.get("executor")?.as_str()?, obj);
            (!errors.is_empty()).then(|| {
                format!(
                    "scenario {name} has configuration errors: {}",
                    errors.join(", ")
                )
            })
        })
        .collect()
}

/// The explicit scenarios, each built by its executor type's constructor.
fn parse_scenarios(map: &Map<String, Value>) -> Result<Vec<Scenario>, ConfigError> {
    map.iter()
        .map(|(name, v)| parse_scenario(name, v))
        .collect()
}

fn parse_scenario(name: &str, v: &Value) -> Result<Scenario, ConfigError> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(ConfigError::Invalid(format!(
            "scenario name '{name}' is invalid: only letters, digits, '_' and '-' are allowed"
        )));
    }
    let obj = v
        .as_object()
        .ok_or_else(|| ConfigError::Invalid(format!("scenario {name} must be an object")))?;
    let field = ScenarioJson { name, obj };
    let kind = field.str("executor")?.ok_or_else(|| {
        ConfigError::Invalid(format!(
            "scenario '{name}' doesn't have a specified executor type"
        ))
    })?;
    let executor_type = crate::executor::find_type(&kind).ok_or_else(|| {
        ConfigError::Invalid(format!(
            "scenario {name}: {}",
            crate::executor::unknown_type(&kind)
        ))
    })?;
    let executor = (executor_type.build)(&field)?;
    Ok(Scenario {
        name: name.to_string(),
        exec: field.str("exec")?.unwrap_or_else(|| "default".into()),
        start_time: field.dur("startTime")?.unwrap_or(Duration::ZERO),
        graceful_stop: field
            .dur("gracefulStop")?
            .unwrap_or(Duration::from_secs(30)),
        env: field.map("env")?,
        tags: field.map("tags")?,
        executor,
    })
}

/// `exec.test.options`: the consolidated options, where (as in k6) the shortcuts
/// `vus`/`iterations`/`duration`/`stages` have been folded into scenarios.
pub fn test_options(opts: &Options) -> serde_json::Value {
    let mut v = serde_json::to_value(opts).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        let mut shortcut = serde_json::Map::new();
        for k in ["vus", "iterations", "duration", "stages"] {
            if let Some(x) = o.remove(k) {
                shortcut.insert(k.to_string(), x);
            }
        }
        if o.get("scenarios").is_none_or(serde_json::Value::is_null) {
            o.insert("scenarios".into(), shortcut_scenarios(&shortcut));
        }
    }
    v
}

/// The `scenarios` k6 derives from the shortcut options, as `inspect
/// --execution-requirements` shows them; `None` when the options name their scenarios.
pub fn derived_from_shortcuts(opts: &Options) -> Option<serde_json::Value> {
    if opts.scenarios.is_some() {
        return None;
    }
    let v = serde_json::to_value(opts).ok()?;
    let mut shortcut = serde_json::Map::new();
    for k in ["vus", "iterations", "duration", "stages"] {
        if let Some(x) = v.get(k).filter(|x| !x.is_null()) {
            shortcut.insert(k.to_string(), x.clone());
        }
    }
    Some(shortcut_scenarios(&shortcut))
}

/// The `default` scenario k6 shows in `exec.test.options` for the shortcut options, fields
/// the script did not set as `null`, exactly as k6 v1.1 lays it out.
fn shortcut_scenarios(shortcut: &serde_json::Map<String, serde_json::Value>) -> serde_json::Value {
    use serde_json::{json, Value};
    let get = |k: &str| shortcut.get(k).cloned().unwrap_or(Value::Null);
    let (executor, fields): (&str, Vec<(&str, Value)>) = if !get("stages").is_null() {
        (
            ramping_vus::TYPE.name,
            vec![
                ("startVUs", get("vus")),
                ("stages", get("stages")),
                ("gracefulRampDown", Value::Null),
            ],
        )
    } else if !get("iterations").is_null() {
        (
            shared_iterations::TYPE.name,
            vec![
                ("vus", get("vus")),
                ("iterations", get("iterations")),
                ("maxDuration", get("duration")),
            ],
        )
    } else if !get("duration").is_null() {
        (
            constant_vus::TYPE.name,
            vec![("vus", get("vus")), ("duration", get("duration"))],
        )
    } else {
        (
            per_vu_iterations::TYPE.name,
            vec![
                ("vus", Value::Null),
                ("iterations", Value::Null),
                ("maxDuration", Value::Null),
            ],
        )
    };
    let mut scenario = serde_json::Map::new();
    scenario.insert("executor".into(), json!(executor));
    for k in ["startTime", "gracefulStop", "env", "exec", "tags"] {
        scenario.insert(k.into(), Value::Null);
    }
    for (k, x) in fields {
        scenario.insert(k.into(), x);
    }
    json!({ "default": scenario })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn opts(v: Value) -> Options {
        Options::from_script(Some(&v)).unwrap()
    }

    #[test]
    fn shortcuts_become_k6s_executors() {
        let s = derive(&opts(json!({"vus": 2, "iterations": 6}))).unwrap();
        assert_eq!(
            s[0].description(),
            "6 iterations shared among 2 VUs (maxDuration: 10m0s, gracefulStop: 30s)"
        );
        let s = derive(&opts(json!({"vus": 2, "duration": "2500ms"}))).unwrap();
        assert_eq!(
            s[0].description(),
            "2 looping VUs for 2.5s (gracefulStop: 30s)"
        );
        let s = derive(&opts(json!({}))).unwrap();
        assert_eq!(
            s[0].description(),
            "1 iterations for each of 1 VUs (maxDuration: 10m0s, gracefulStop: 30s)"
        );
    }

    #[test]
    fn stages_and_iterations_conflict() {
        let err = derive(&opts(
            json!({"iterations": 2, "stages": [{"duration": "1s", "target": 1}]}),
        ))
        .unwrap_err();
        assert!(err.to_string().contains("`iterations` and `stages`"));
    }

    #[test]
    fn invalid_scenarios_list_their_problems() {
        let err = derive(&opts(
            json!({"scenarios": {"s": {"executor": "constant-vus", "vus": 0, "duration": "1s"}}}),
        ))
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "There were problems with the specified script configuration:\n\t- scenario s has configuration errors: the number of VUs must be more than 0"
        );
    }

    #[test]
    fn explicit_scenarios_keep_exec_env_and_tags() {
        let s = derive(&opts(json!({"scenarios": {"main": {"executor": "shared-iterations", "vus": 3, "iterations": 12, "maxDuration": "20s", "env": {"MODE": "main"}, "exec": "run"}}}))).unwrap();
        assert_eq!(s[0].name, "main");
        assert_eq!(s[0].exec, "run");
        assert_eq!(s[0].env["MODE"], "main");
        assert_eq!(s[0].executor.max_vus(), 3);
    }
}
