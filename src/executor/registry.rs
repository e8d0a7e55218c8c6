//! The executor types rk6 knows, by k6's name, like k6's `lib.RegisterExecutorConfigType`:
//! each type's file declares its [`ExecutorType`], and one line here registers it. Parsing
//! explicit scenarios and spotting unknown types both go through this table, so adding an
//! executor is its own file plus one line in [`REGISTRY`].

use super::config::ScenarioJson;
use super::{
    constant_arrival_rate, constant_vus, externally_controlled, per_vu_iterations,
    ramping_arrival_rate, ramping_vus, shared_iterations, Executor,
};
use crate::config_types::Fields;
use crate::options::scenario_rules::Raw;
use crate::config_types::ConfigError;

/// Builds an executor from an explicit scenario's JSON, with k6's defaults.
pub type Build = fn(&ScenarioJson) -> Result<Box<dyn Executor>, ConfigError>;

/// Adds k6's errors for a scenario's JSON of this type, in k6's order, after the checks
/// every executor shares (k6 reports every problem of a scenario at once).
pub type Check = fn(&mut Vec<String>, &Raw);

/// One executor type, what k6 registers per type: its name, the fields of its config
/// (decoded strictly, with their Go types), k6's checks of that config, and its constructor.
pub struct ExecutorType {
    pub name: &'static str,
    pub fields: Fields,
    pub check: Check,
    pub build: Build,
}

/// Every executor type, in k6's documentation order.
static REGISTRY: &[&ExecutorType] = &[
    &shared_iterations::TYPE,
    &per_vu_iterations::TYPE,
    &constant_vus::TYPE,
    &ramping_vus::TYPE,
    &constant_arrival_rate::TYPE,
    &ramping_arrival_rate::TYPE,
    &externally_controlled::TYPE,
];

/// The executor type k6 calls `name`.
pub fn find(name: &str) -> Option<&'static ExecutorType> {
    REGISTRY.iter().copied().find(|t| t.name == name)
}

/// k6's error for a scenario whose executor type no executor registered.
pub fn unknown(name: &str) -> String {
    format!("unknown executor type '{name}'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_exactly_k6s_executors() {
        let names: Vec<&str> = REGISTRY.iter().map(|t| t.name).collect();
        assert_eq!(
            names,
            [
                "shared-iterations",
                "per-vu-iterations",
                "constant-vus",
                "ramping-vus",
                "constant-arrival-rate",
                "ramping-arrival-rate",
                "externally-controlled",
            ]
        );
        assert!(find("constant-vus").is_some());
        assert!(find("Constant-VUs").is_none());
        assert_eq!(unknown("bogus"), "unknown executor type 'bogus'");
    }

    #[test]
    fn each_type_builds_an_executor_of_its_own_kind() {
        let obj = serde_json::json!({"stages": [{"duration": "1s", "target": 1}]});
        let obj = obj.as_object().expect("an object");
        for t in REGISTRY {
            let built = (t.build)(&ScenarioJson { name: "s", obj });
            assert_eq!(built.map(|e| e.kind()).ok(), Some(t.name));
        }
    }
}
