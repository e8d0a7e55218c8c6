//! Reading one explicit scenario's JSON (already decoded and checked the way k6 does it)
//! into an executor's fields: each executor's constructor asks for its keys by name and
//! type here, with k6's defaults applied by the constructor.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::config_types::{ConfigError, DurationOpt};

/// One scenario's JSON object, with its name for the error texts.
pub struct ScenarioJson<'a> {
    pub name: &'a str,
    pub obj: &'a Map<String, Value>,
}

impl ScenarioJson<'_> {
    fn err(&self, key: &str, what: &str) -> ConfigError {
        ConfigError::Invalid(format!("scenario {}: {key} {what}", self.name))
    }

    pub fn str(&self, key: &str) -> Result<Option<String>, ConfigError> {
        match self.obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.err(key, "must be a string")),
        }
    }

    pub fn f64(&self, key: &str) -> Result<Option<f64>, ConfigError> {
        match self.obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_f64()
                .map(Some)
                .ok_or_else(|| self.err(key, "must be a number")),
        }
    }

    pub fn u64(&self, key: &str) -> Result<Option<u64>, ConfigError> {
        match self.obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| self.err(key, "must be a non-negative integer")),
        }
    }

    pub fn dur(&self, key: &str) -> Result<Option<Duration>, ConfigError> {
        match self.obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => {
                let d: DurationOpt = serde_json::from_value(v.clone())
                    .map_err(|_| self.err(key, "must be a duration"))?;
                d.get(&format!("scenario {}: {key}", self.name)).map(Some)
            }
        }
    }

    pub fn map(&self, key: &str) -> Result<BTreeMap<String, String>, ConfigError> {
        match self.obj.get(key) {
            None | Some(Value::Null) => Ok(BTreeMap::new()),
            Some(Value::Object(m)) => Ok(m
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_string),
                    )
                })
                .collect()),
            Some(_) => Err(self.err(key, "must be an object")),
        }
    }

    /// The `stages` list as the executor's stage type (none when unset).
    pub fn stages<T: DeserializeOwned>(&self) -> Result<Vec<T>, ConfigError> {
        match self.obj.get("stages") {
            Some(s) => serde_json::from_value(s.clone())
                .map_err(|e| ConfigError::Invalid(format!("scenario {}: stages: {e}", self.name))),
            None => Ok(Vec::new()),
        }
    }

    /// `maxVUs`, or `preAllocatedVUs` when unset, as k6's arrival-rate executors read it.
    pub fn max_vus_or_pre_allocated(&self) -> Result<u64, ConfigError> {
        Ok(self
            .u64("maxVUs")?
            .or(self.u64("preAllocatedVUs")?)
            .unwrap_or(0))
    }
}
