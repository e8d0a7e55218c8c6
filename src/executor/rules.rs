//! k6's validation of one explicit scenario, run on its decoded JSON before rk6 builds an
//! executor from it, so that what k6 rejects rk6 rejects with the same texts, in the same
//! order, on the same (signed, possibly unset) values k6 checks: k6 decodes counts as
//! int64 and validates their sign afterwards, and it reports every problem of a scenario
//! at once (`scenario s has configuration errors: a, b`). This module holds the checks every
//! executor shares and the rules several reuse; each executor type's own checks live in
//! its file (its registry entry's `check`). The options decoder calls [`check`] on every
//! explicit scenario.

use std::time::Duration;

use serde_json::{Map, Value};

use crate::config_types::DurationOpt;

/// k6's sanity limit on a VU target (`maxConcurrentVUs`).
pub const MAX_CONCURRENT_VUS: i64 = 100_000_000;

/// The shortest duration k6 accepts for a scenario's `duration` or `maxDuration`.
const MIN_DURATION: Duration = Duration::from_secs(1);

/// k6's errors for scenario `obj` of executor `kind` (a known executor type), in k6's order:
/// the checks every executor shares, then the executor type's own.
pub fn check(kind: &str, obj: &Map<String, Value>) -> Vec<String> {
    let f = Raw(obj);
    let mut errors = base(&f);
    if let Some(t) = super::find_type(kind) {
        (t.check)(&mut errors, &f);
    }
    errors
}

/// The scenario's decoded JSON, read as k6's null types: `None` when unset or null.
pub struct Raw<'a>(&'a Map<String, Value>);

impl Raw<'_> {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    pub fn int(&self, key: &str) -> Option<i64> {
        self.get(key).and_then(Value::as_i64)
    }

    /// A duration in nanoseconds (the decoder already refused what does not parse).
    pub fn nanos(&self, key: &str) -> Option<i64> {
        nanos(self.get(key)?)
    }
}

fn nanos(v: &Value) -> Option<i64> {
    let d: DurationOpt = serde_json::from_value(v.clone()).ok()?;
    d.signed_nanos().ok()
}

fn go_duration(ns: i64) -> String {
    let text = rk6_runtime::duration::format(Duration::from_nanos(ns.unsigned_abs()));
    if ns < 0 {
        format!("-{text}")
    } else {
        text
    }
}

/// k6's BaseConfig checks, common to every executor.
fn base(f: &Raw) -> Vec<String> {
    let mut errors = Vec::new();
    if f.get("exec").and_then(Value::as_str) == Some("") {
        errors.push("exec value cannot be empty".into());
    }
    if f.nanos("startTime").is_some_and(|ns| ns < 0) {
        errors.push("the startTime can't be negative".into());
    }
    if f.nanos("gracefulStop").is_some_and(|ns| ns < 0) {
        errors.push("the gracefulStop timeout can't be negative".into());
    }
    errors
}

pub fn vus_positive(errors: &mut Vec<String>, vus: i64) {
    if vus <= 0 {
        errors.push("the number of VUs must be more than 0".into());
    }
}

pub fn max_duration(errors: &mut Vec<String>, f: &Raw) {
    let ns = f.nanos("maxDuration").unwrap_or(600_000_000_000);
    if ns < MIN_DURATION.as_nanos() as i64 {
        errors.push(format!(
            "the maxDuration must be at least 1s, but is {}",
            go_duration(ns)
        ));
    }
}

pub fn duration_at_least_1s(errors: &mut Vec<String>, f: &Raw) {
    match f.nanos("duration") {
        None => errors.push("the duration is unspecified".into()),
        Some(ns) if ns < MIN_DURATION.as_nanos() as i64 => errors.push(format!(
            "the duration must be at least 1s, but is {}",
            go_duration(ns)
        )),
        Some(_) => {}
    }
}

pub fn time_unit(errors: &mut Vec<String>, f: &Raw) {
    if f.nanos("timeUnit").unwrap_or(1_000_000_000) <= 0 {
        errors.push("the timeUnit must be more than 0".into());
    }
}

pub fn pre_allocated(errors: &mut Vec<String>, f: &Raw) {
    let pre = f.int("preAllocatedVUs");
    match pre {
        None => errors.push("the number of preAllocatedVUs isn't specified".into()),
        Some(p) if p < 0 => errors.push("the number of preAllocatedVUs can't be negative".into()),
        Some(_) => {}
    }
    if f.int("maxVUs").is_some_and(|m| m < pre.unwrap_or(0)) {
        errors.push("maxVUs can't be less than preAllocatedVUs".into());
    }
}

/// k6's `validateStages`: every stage needs a non-negative duration and target.
pub fn stages(errors: &mut Vec<String>, f: &Raw) {
    let list = f.get("stages").and_then(Value::as_array);
    let Some(list) = list.filter(|l| !l.is_empty()) else {
        errors.push("at least one stage has to be specified".into());
        return;
    };
    for (i, stage) in list.iter().enumerate() {
        let n = i + 1;
        let field = |k: &str| stage.get(k).filter(|v| !v.is_null());
        match field("duration").and_then(nanos) {
            None => errors.push(format!("stage {n} doesn't have a duration")),
            Some(ns) if ns < 0 => {
                errors.push(format!("the duration for stage {n} can't be negative"))
            }
            Some(_) => {}
        }
        match field("target").and_then(Value::as_i64) {
            None => errors.push(format!("stage {n} doesn't have a target")),
            Some(t) if t < 0 => errors.push(format!("the target for stage {n} can't be negative")),
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(kind: &str, json: &str) -> Vec<String> {
        let v: Value = serde_json::from_str(json).expect("json");
        check(kind, v.as_object().expect("object"))
    }

    #[test]
    fn every_problem_of_a_scenario_is_reported_in_k6s_order() {
        assert_eq!(
            errors(
                "shared-iterations",
                r#"{"vus": 2, "iterations": -1, "startTime": "-1s", "maxDuration": 5}"#
            ),
            vec![
                "the startTime can't be negative",
                "the number of iterations (-1) can't be less than the number of VUs (2)",
                "the maxDuration must be at least 1s, but is 5ms",
            ]
        );
        assert_eq!(
            errors("constant-arrival-rate", r#"{"maxVUs": 1}"#),
            vec![
                "the iteration rate isn't specified",
                "the duration is unspecified",
                "the number of preAllocatedVUs isn't specified",
            ]
        );
        assert_eq!(
            errors(
                "ramping-arrival-rate",
                r#"{"startRate": -1, "preAllocatedVUs": 1, "stages": [{"duration": "-1s", "target": -2}, {}]}"#
            ),
            vec![
                "the startRate value can't be negative",
                "the duration for stage 1 can't be negative",
                "the target for stage 1 can't be negative",
                "stage 2 doesn't have a duration",
                "stage 2 doesn't have a target",
            ]
        );
    }

    #[test]
    fn valid_scenarios_and_k6s_defaults_pass() {
        assert!(errors("shared-iterations", "{}").is_empty());
        assert!(errors("per-vu-iterations", r#"{"vus": 3, "iterations": 2}"#).is_empty());
        assert!(errors("constant-vus", r#"{"duration": "1s"}"#).is_empty());
        assert!(errors(
            "ramping-vus",
            r#"{"stages": [{"duration": "1s", "target": 0}]}"#
        )
        .is_empty());
        assert!(errors("externally-controlled", r#"{"vus": 1, "duration": 0}"#).is_empty());
        assert_eq!(
            errors("externally-controlled", r#"{"vus": 3, "maxVUs": 2, "duration": "1s", "gracefulStop": "1s"}"#),
            vec![
                "the number of active VUs (3) must be less than or equal to the number of maxVUs (2)",
                "gracefulStop is not supported by the externally controlled executor",
            ]
        );
    }
}
