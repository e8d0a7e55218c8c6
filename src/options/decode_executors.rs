//! The fields of each executor's config as k6 decodes a scenario: strictly, into the
//! executor's own fields (declared by each executor type with their Go types, mapped to the
//! decoder's kinds here) plus the `BaseConfig` every executor embeds.

use super::decode::{FieldKinds, Kind, NULL_DURATION, NULL_INT, STAGES};
use super::decode::{NULL_STRING, RAW, STR, STRING_MAP};
use crate::config_types::FieldType;

/// The executors' own fields (k6 decodes a scenario strictly into its executor's config),
/// as each executor type declares them, with the kind each decodes as.
pub(super) fn executor_fields(executor: &str) -> Option<Vec<(&'static str, &'static Kind)>> {
    let own = crate::executor::find_type(executor)?.fields;
    Some(own.iter().map(|(name, t)| (*name, kind_of(*t))).collect())
}

/// The decoder's kind for an executor field's Go type.
fn kind_of(t: FieldType) -> &'static Kind {
    match t {
        FieldType::NullInt => &NULL_INT,
        FieldType::NullDuration => &NULL_DURATION,
        FieldType::Stages => &STAGES,
    }
}

/// The Go type of a scenario's config as rk6 decodes it: an executor's config embedding
/// `BaseConfig`, whose fields Go's errors name as `scenarios.BaseConfig.tags`. (Never
/// printed: a scenario that is not an object fails on the executor probe first.)
pub(super) const SCENARIO_CONFIG: &str = "executor config";

/// Fields every executor config has (`lib/executor/base_config.go`).
pub(super) static BASE_FIELDS: FieldKinds = &[
    ("env", &STRING_MAP),
    ("exec", &NULL_STRING),
    ("executor", &STR),
    ("gracefulStop", &NULL_DURATION),
    ("options", &RAW),
    ("startTime", &NULL_DURATION),
    ("tags", &STRING_MAP),
];
