//! The fields of each executor's config as k6 decodes a scenario: strictly, into the
//! executor's own fields plus the `BaseConfig` every executor embeds.

use super::decode::{Fields, NULL_DURATION, NULL_INT, NULL_STRING, RAW, STAGES, STR, STRING_MAP};

static ITERATIONS_FIELDS: Fields = &[
    ("iterations", &NULL_INT),
    ("maxDuration", &NULL_DURATION),
    ("vus", &NULL_INT),
];
static CONSTANT_VUS_FIELDS: Fields = &[("duration", &NULL_DURATION), ("vus", &NULL_INT)];
static RAMPING_VUS_FIELDS: Fields = &[
    ("gracefulRampDown", &NULL_DURATION),
    ("stages", &STAGES),
    ("startVUs", &NULL_INT),
];
static CONSTANT_RATE_FIELDS: Fields = &[
    ("duration", &NULL_DURATION),
    ("maxVUs", &NULL_INT),
    ("preAllocatedVUs", &NULL_INT),
    ("rate", &NULL_INT),
    ("timeUnit", &NULL_DURATION),
];
static RAMPING_RATE_FIELDS: Fields = &[
    ("maxVUs", &NULL_INT),
    ("preAllocatedVUs", &NULL_INT),
    ("stages", &STAGES),
    ("startRate", &NULL_INT),
    ("timeUnit", &NULL_DURATION),
];
static EXTERNAL_FIELDS: Fields = &[
    ("duration", &NULL_DURATION),
    ("maxVUs", &NULL_INT),
    ("vus", &NULL_INT),
];

/// The executors' own fields (k6 decodes a scenario strictly into its executor's config).
pub(super) fn executor_fields(executor: &str) -> Option<Fields> {
    Some(match executor {
        "shared-iterations" | "per-vu-iterations" => ITERATIONS_FIELDS,
        "constant-vus" => CONSTANT_VUS_FIELDS,
        "ramping-vus" => RAMPING_VUS_FIELDS,
        "constant-arrival-rate" => CONSTANT_RATE_FIELDS,
        "ramping-arrival-rate" => RAMPING_RATE_FIELDS,
        "externally-controlled" => EXTERNAL_FIELDS,
        _ => return None,
    })
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
