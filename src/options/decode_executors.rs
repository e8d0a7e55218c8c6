//! The fields of each executor's config as k6 decodes a scenario: strictly, into the
//! executor's own fields (declared by each executor type, with the Go types re-exported
//! here) plus the `BaseConfig` every executor embeds.

pub(crate) use super::decode::{Fields, NULL_DURATION, NULL_INT, STAGES};
use super::decode::{NULL_STRING, RAW, STR, STRING_MAP};

/// The executors' own fields (k6 decodes a scenario strictly into its executor's config),
/// as each executor type declares them.
pub(super) fn executor_fields(executor: &str) -> Option<Fields> {
    crate::executor::registry::find(executor).map(|t| t.fields)
}

/// The Go type of a scenario's config as rk6 decodes it: an executor's config embedding
/// `BaseConfig`, whose fields Go's errors name as `scenarios.BaseConfig.tags`. (Never
/// printed: a scenario that is not an object fails on the executor probe first.)
pub(super) const SCENARIO_CONFIG: &str = "executor config";

/// Fields every executor config has (`lib/executor/base_config.go`).
pub(super) static BASE_FIELDS: Fields = &[
    ("env", &STRING_MAP),
    ("exec", &NULL_STRING),
    ("executor", &STR),
    ("gracefulStop", &NULL_DURATION),
    ("options", &RAW),
    ("startTime", &NULL_DURATION),
    ("tags", &STRING_MAP),
];
