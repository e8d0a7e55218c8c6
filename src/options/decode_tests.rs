//! k6 v1.1's own messages for options it refuses, measured with `k6 run` on
//! `export const options = …` (the "could not initialize …" prefix left off).

use super::*;
use serde_json::json;

fn err(v: Value) -> String {
    decode_options(&v).expect_err("k6 refuses these options")
}

#[test]
fn go_type_errors_quote_k6s_line() {
    let cases = [
        (json!(5), "parsing options from script got error while parsing \"5\": json: cannot unmarshal number into Go value of type lib.Options"),
        (json!({"vus": 1.5}), "parsing options from script got error while parsing \"\\\"vus\\\":\": json: cannot unmarshal number 1.5 into Go struct field Options.vus of type int64"),
        (json!({"vus": 1e20}), "parsing options from script got error while parsing \"\\\"vus\\\": 1000000000\": json: cannot unmarshal number 100000000000000000000 into Go struct field Options.vus of type int64"),
        (json!({"stages": 5}), "parsing options from script got error while parsing \"\\\"stages\\\": 5\": json: cannot unmarshal number into Go struct field Options.stages of type []lib.Stage"),
        (json!({"stages": [5]}), "parsing options from script got error while parsing \"{\": json: cannot unmarshal number into Go struct field Options.stages of type lib.StageFields"),
        (json!({"stages": [{"target": 1.5}]}), "parsing options from script got error while parsing \"\\\"stages\\\"\": json: cannot unmarshal number 1.5 into Go struct field Options.stages.target of type int64"),
        (json!({"scenarios": {"a": 5}}), "parsing options from script got error while parsing \"{\": json: cannot unmarshal number into Go struct field Options.scenarios of type struct { ExecutorType string \"json:\\\"executor\\\"\" }"),
        (json!({"scenarios": {"a": {"executor": 5}}}), "parsing options from script got error while parsing \"\": json: cannot unmarshal number into Go struct field Options.scenarios.executor of type string"),
        (json!({"tags": {"a": 5}}), "parsing options from script got error while parsing \"\\\"a\\\": 5\": json: cannot unmarshal number into Go struct field Options.tags of type string"),
        (json!({"hosts": {"a": 5}}), "parsing options from script got error while parsing \"\\\"hosts\\\":\": json: cannot unmarshal number into Go struct field Options.hosts of type string"),
        (json!({"systemTags": [5]}), "parsing options from script got error while parsing \"\\\"systemT\": json: cannot unmarshal number into Go struct field Options.systemTags of type string"),
        (json!({"summaryTrendStats": [5]}), "parsing options from script got error while parsing \"5\": json: cannot unmarshal number into Go struct field Options.summaryTrendStats of type string"),
        (json!({"thresholds": {"x": "count>0"}}), "parsing options from script got error while parsing \"\\\"threshold\": json: cannot unmarshal string into Go struct field Options.thresholds of type []metrics.thresholdConfig"),
        (json!({"thresholds": {"x": [5]}}), "parsing options from script got error while parsing \"{\": json: cannot unmarshal number into Go struct field Options.thresholds of type metrics.rawThresholdConfig"),
        (json!({"executionSegment": {}}), "parsing options from script got error while parsing \"\\\"executionSegment\\\": {\": json: cannot unmarshal object into Go struct field Options.executionSegment of type *lib.ExecutionSegment"),
        (json!({"tlsVersion": "x"}), "parsing options from script got error while parsing \"\\\"tlsVersion\\\":\": json: cannot unmarshal string into Go struct field Options.tlsVersion of type lib.tlsVersionsFields"),
        (json!({"blacklistIPs": [5]}), "parsing options from script got error while parsing \"5\": json: cannot unmarshal number into Go struct field Options.blacklistIPs of type *lib.IPNet"),
        (json!({"dns": 5}), "parsing options from script got error while parsing \"{\": json: cannot unmarshal number into Go struct field Options.dns of type struct { TTL null.String \"json:\\\"ttl\\\"\"; Select types.NullDNSSelect \"json:\\\"select\\\"\"; Policy types.NullDNSPolicy \"json:\\\"policy\\\"\" }"),
    ];
    for (v, want) in cases {
        assert_eq!(err(v.clone()), want, "options {v}");
    }
}

#[test]
fn null_types_refuse_with_their_own_words() {
    let cases = [
        (
            json!({"vus": true}),
            "json: cannot unmarshal bool into Go value of type null.Int",
        ),
        (
            json!({"vus": [1]}),
            "json: cannot unmarshal  into Go value of type null.Int",
        ),
        (
            json!({"vus": "x"}),
            "strconv.ParseInt: parsing \"x\": invalid syntax",
        ),
        (
            json!({"vus": "99999999999999999999"}),
            "strconv.ParseInt: parsing \"99999999999999999999\": value out of range",
        ),
        (
            json!({"paused": "x"}),
            "json: cannot unmarshal string into Go value of type null.Bool",
        ),
        (
            json!({"noSetup": 5}),
            "json: cannot unmarshal float64 into Go value of type null.Bool",
        ),
        (
            json!({"userAgent": []}),
            "json: cannot unmarshal  into Go value of type null.String",
        ),
        (
            json!({"duration": true}),
            "'true' is not a valid duration value",
        ),
        (
            json!({"duration": {}}),
            "'{}' is not a valid duration value",
        ),
        (
            json!({"scenarios": {"a": {"executor": "nope"}}}),
            "unknown executor type 'nope'",
        ),
        (
            json!({"scenarios": {"a": {"executor": "constant-vus", "zz": 1}}}),
            "json: unknown field \"zz\"",
        ),
    ];
    for (v, want) in cases {
        assert_eq!(err(v.clone()), want, "options {v}");
    }
}

#[test]
fn what_go_accepts_is_normalised() {
    let v = decode_options(&json!({
        "vus": {}, "batch": -1, "iterations": "3", "systemTags": [null],
        "Paused": false, "noSetup": {}, "rps": ""
    }))
    .unwrap();
    assert_eq!(
        v,
        json!({"vus": 0, "batch": -1, "iterations": 3, "systemTags": [""], "paused": false, "noSetup": false})
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Arbitrary JSON, a few levels deep.
    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            ".{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(
                    prop_oneof![
                        Just("vus".to_string()),
                        Just("duration".to_string()),
                        Just("stages".to_string()),
                        Just("scenarios".to_string()),
                        Just("thresholds".to_string()),
                        Just("tags".to_string()),
                        Just("executor".to_string()),
                        ".{0,6}",
                    ],
                    inner,
                    0..4
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Whatever the script exports, decoding answers (never panics), and what it
        /// accepts rk6's options type reads.
        #[test]
        fn decoding_never_panics_and_accepted_options_load(v in json_value()) {
            if decode_options(&v).is_ok() {
                let loaded = crate::options::Options::from_script(Some(&v));
                prop_assert!(loaded.is_ok(), "{:?}", loaded);
            }
        }

        /// k6's `null.Int`: an integer is taken as it is, whatever its size.
        #[test]
        fn integers_are_taken_as_is(n in any::<i64>()) {
            let v = decode_options(&json!({"vus": n})).unwrap();
            prop_assert_eq!(&v["vus"], &json!(n));
        }

        /// A non-integral number is refused, naming Go's int64.
        #[test]
        fn fractions_are_refused(f in any::<f64>().prop_filter("fractional", |f| f.is_finite() && f.fract() != 0.0)) {
            let e = decode_options(&json!({"iterations": f})).unwrap_err();
            prop_assert!(e.contains("into Go struct field Options.iterations of type int64"), "{}", e);
        }
    }
}
