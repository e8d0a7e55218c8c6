//! Thresholds: parsing k6's `aggregation operator value` expressions and submetric keys
//! (`http_req_duration{name:home}`), validating them against metric types, and judging them.

use rk6_runtime::metrics::{MetricDef, MetricType};

use super::sink::Sink;

/// A malformed or inapplicable threshold (the run exits 104).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ThresholdError {
    #[error("invalid threshold defined on {metric}; reason: no metric name \"{name}\" found")]
    UnknownMetric { metric: String, name: String },
    #[error("invalid threshold \"{source_text}\" applied on metric {metric}; reason: unsupported aggregation method {agg} on metric of type {kind}. supported aggregation methods for this metric are: {supported}")]
    Unsupported {
        source_text: String,
        metric: String,
        agg: String,
        kind: &'static str,
        supported: &'static str,
    },
    /// A key k6's metric-name parser refuses; the text names the metric or tag and why.
    #[error("unable to validate threshold expressions; reason: parsing metric name failed, {0}")]
    MetricName(String),
    /// No comparison operator: k6's scanner found no `method op value` shape.
    #[error("failed parsing threshold expression {0:?}; reason: malformed threshold expression")]
    NoOperator(String),
    #[error(
        "failed parsing threshold expression's {source_text:?} left hand side; reason: {reason}"
    )]
    LeftSide { source_text: String, reason: String },
    // k6's own spelling ("expresion's") is kept so log parsers match.
    #[error(
        "failed parsing threshold expresion's {source_text:?} right hand side; reason: {reason}"
    )]
    RightSide { source_text: String, reason: String },
}

/// Go's `strconv.ParseFloat` error text, which k6 passes through.
fn go_parse_float_error(s: &str) -> String {
    format!("strconv.ParseFloat: parsing {s:?}: invalid syntax")
}

/// Comparison operators, in k6's scanning order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Le,
    Lt,
    Ge,
    Gt,
    Eq,
    Ne,
}

impl Op {
    fn apply(self, a: f64, b: f64) -> bool {
        match self {
            Op::Le => a <= b,
            Op::Lt => a < b,
            Op::Ge => a >= b,
            Op::Gt => a > b,
            Op::Eq => a == b,
            Op::Ne => a != b,
        }
    }
}

/// One parsed threshold expression such as `p(95)<500`.
#[derive(Debug, Clone, PartialEq)]
pub struct ThresholdExpr {
    /// The expression as written (shown in the summary).
    pub source: String,
    /// `avg`, `p(95)`, `count`, `rate`, `value`, ...
    pub agg: String,
    pub op: Op,
    pub value: f64,
    pub abort_on_fail: bool,
    pub delay_abort_eval: Option<std::time::Duration>,
}

impl ThresholdExpr {
    /// Parses `method op value` with k6's scanner and error messages.
    pub fn parse(source: &str) -> Result<Self, ThresholdError> {
        const OPS: [(&str, Op); 7] = [
            ("<=", Op::Le),
            ("<", Op::Lt),
            (">=", Op::Ge),
            (">", Op::Gt),
            ("===", Op::Eq),
            ("==", Op::Eq),
            ("!=", Op::Ne),
        ];
        let (agg, op, rest) = OPS
            .iter()
            .find_map(|(tok, op)| {
                source
                    .find(tok)
                    .map(|i| (&source[..i], *op, &source[i + tok.len()..]))
            })
            .ok_or_else(|| ThresholdError::NoOperator(source.to_string()))?;
        let agg = agg.trim().replace(' ', "");
        let left = |reason: String| ThresholdError::LeftSide {
            source_text: source.to_string(),
            reason,
        };
        match agg.strip_prefix("p(").and_then(|p| p.strip_suffix(')')) {
            Some(pct) => {
                pct.parse::<f64>().map_err(|_| {
                    left(format!(
                        "malformed percentile value; reason: {}",
                        go_parse_float_error(pct)
                    ))
                })?;
            }
            None if matches!(
                agg.as_str(),
                "count" | "rate" | "value" | "avg" | "min" | "max" | "med"
            ) => {}
            None => return Err(left("failed parsing method from expression".into())),
        }
        let rest = rest.trim();
        let value: f64 = rest.parse().map_err(|_| ThresholdError::RightSide {
            source_text: source.to_string(),
            reason: go_parse_float_error(rest),
        })?;
        Ok(ThresholdExpr {
            source: source.to_string(),
            agg,
            op,
            value,
            abort_on_fail: false,
            delay_abort_eval: None,
        })
    }

    /// Checks the aggregation fits the metric's type.
    pub fn validate(&self, metric: &str, def: &MetricDef) -> Result<(), ThresholdError> {
        let (ok, supported) = match def.kind {
            MetricType::Counter => (matches!(self.agg.as_str(), "count" | "rate"), "count, rate"),
            MetricType::Gauge => (self.agg == "value", "value"),
            MetricType::Rate => (self.agg == "rate", "rate"),
            MetricType::Trend => (
                matches!(self.agg.as_str(), "avg" | "min" | "max" | "med")
                    || self.agg.starts_with("p("),
                "avg, min, max, med, p",
            ),
        };
        if ok {
            return Ok(());
        }
        Err(ThresholdError::Unsupported {
            source_text: self.source.clone(),
            metric: metric.to_string(),
            agg: self.agg.clone(),
            kind: def.kind.as_str(),
            supported,
        })
    }

    /// The measured value this threshold compares (None = no data yet).
    pub fn measured(&self, sink: &Sink, elapsed: f64) -> Option<f64> {
        sink.aggregate(&self.agg, elapsed)
    }

    /// Whether the threshold holds; no data passes, as in k6.
    pub fn passes(&self, sink: &Sink, elapsed: f64) -> bool {
        match self.measured(sink, elapsed) {
            Some(v) => self.op.apply(v, self.value),
            None => true,
        }
    }
}

/// Rejects keys k6's `ParseMetricName` refuses: braces that do not pair up as
/// `name{...}` (the first `{` and the last `}`, which must end the key), or a tag without
/// a value. Braces inside tag values (`{name:http://${}.com}`) are fine.
pub fn validate_metric_key(key: &str) -> Result<(), ThresholdError> {
    let bad = |why: &str| Err(ThresholdError::MetricName(format!("metric {key:?} {why}")));
    let (open, close) = match (key.find('{'), key.rfind('}')) {
        (None, None) => return Ok(()),
        (Some(o), Some(c)) => (o, c),
        _ => return bad("has unmatched opening/close curly brace"),
    };
    if close < open {
        return bad("closing curly brace appears before opening one");
    }
    if close != key.len() - 1 {
        return bad("lacks a closing curly brace in its last position");
    }
    for tag in key[open + 1..close].split(',') {
        if tag.split_once(':').is_none_or(|(_, v)| v.is_empty()) {
            return Err(ThresholdError::MetricName(format!(
                "metric {tag:?} tag expression is malformed"
            )));
        }
    }
    Ok(())
}

/// The text between a key's first `{` and its last `}`, trimmed: the submetric's name as
/// k6 keeps it (`http_reqs{scenario: default}` stays so in summaries and exports).
pub fn submetric_text(key: &str) -> String {
    submetric_part(key).map_or_else(String::new, |(_, inner)| inner.trim().to_string())
}

/// A key's metric name and the text between its first `{` and its last `}` (the key's end
/// when no `}` follows the `{`); `None` without a `{`.
fn submetric_part(key: &str) -> Option<(&str, &str)> {
    let open = key.find('{')?;
    let close = key.rfind('}').filter(|&c| c > open).unwrap_or(key.len());
    Some((&key[..open], &key[open + 1..close]))
}

/// `name{k:v,k2:v2}` split into the metric name and its tag filter (k6's `AddSubmetric`:
/// the text between the first `{` and the last `}`, split at commas, each at its first
/// colon, trimmed of spaces and quotes).
pub fn parse_metric_key(key: &str) -> (String, Vec<(String, String)>) {
    let Some((name, inner)) = submetric_part(key) else {
        return (key.trim().to_string(), Vec::new());
    };
    let name = name.trim().to_string();
    let trim = |s: &str| s.trim().trim_matches(|c| c == '"' || c == '\'').to_string();
    let tags = inner
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|part| match part.split_once(':') {
            Some((k, v)) => (trim(k), trim(v)),
            None => (trim(part), String::new()),
        })
        .collect();
    (name, tags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rk6_runtime::metrics::ValueType;

    fn def(kind: MetricType) -> MetricDef {
        MetricDef {
            name: "m".into(),
            kind,
            contains: ValueType::Default,
        }
    }

    #[test]
    fn parses_every_operator_and_aggregation() {
        let t = ThresholdExpr::parse("p(95)<500").unwrap();
        assert_eq!((t.agg.as_str(), t.op, t.value), ("p(95)", Op::Lt, 500.0));
        assert_eq!(ThresholdExpr::parse("rate <= 0.01").unwrap().op, Op::Le);
        assert_eq!(ThresholdExpr::parse("count===3").unwrap().op, Op::Eq);
        assert_eq!(ThresholdExpr::parse("count==3").unwrap().op, Op::Eq);
        assert_eq!(ThresholdExpr::parse("value!=1").unwrap().op, Op::Ne);
        assert_eq!(ThresholdExpr::parse("avg>=2").unwrap().op, Op::Ge);
        assert_eq!(ThresholdExpr::parse(" med < 1 ").unwrap().agg, "med");
        assert_eq!(ThresholdExpr::parse("p(99.9)<1").unwrap().agg, "p(99.9)");
    }

    /// Each malformed expression gets k6 v1.1's message (recorded with `k6 run`).
    #[test]
    fn malformed_expressions_get_k6s_messages() {
        let cases = [
            ("", "failed parsing threshold expression \"\"; reason: malformed threshold expression"),
            ("avg", "failed parsing threshold expression \"avg\"; reason: malformed threshold expression"),
            ("p95<1", "failed parsing threshold expression's \"p95<1\" left hand side; reason: failed parsing method from expression"),
            ("foo<1", "failed parsing threshold expression's \"foo<1\" left hand side; reason: failed parsing method from expression"),
            ("p()<1", "failed parsing threshold expression's \"p()<1\" left hand side; reason: malformed percentile value; reason: strconv.ParseFloat: parsing \"\": invalid syntax"),
            ("p(abc)<1", "failed parsing threshold expression's \"p(abc)<1\" left hand side; reason: malformed percentile value; reason: strconv.ParseFloat: parsing \"abc\": invalid syntax"),
            ("count>>1", "failed parsing threshold expresion's \"count>>1\" right hand side; reason: strconv.ParseFloat: parsing \">1\": invalid syntax"),
            ("rate<abc", "failed parsing threshold expresion's \"rate<abc\" right hand side; reason: strconv.ParseFloat: parsing \"abc\": invalid syntax"),
            ("avg<1<2", "failed parsing threshold expresion's \"avg<1<2\" right hand side; reason: strconv.ParseFloat: parsing \"1<2\": invalid syntax"),
        ];
        for (input, message) in cases {
            assert_eq!(
                ThresholdExpr::parse(input).unwrap_err().to_string(),
                message,
                "{input:?}"
            );
        }
    }

    #[test]
    fn no_input_makes_the_parser_panic() {
        let pieces = [
            "p(", ")", "<", "=", ">", "!", "é", "💥", " ", "9", ".", "e", "avg", "\u{0}",
        ];
        // Every string of up to three pieces: parse must return, never panic.
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let _ = ThresholdExpr::parse(&format!("{a}{b}{c}"));
                }
            }
        }
    }

    #[test]
    fn wrong_aggregation_for_type_gives_k6s_message() {
        let t = ThresholdExpr::parse("rate<1").unwrap();
        let err = t
            .validate("http_req_duration", &def(MetricType::Trend))
            .unwrap_err();
        assert_eq!(err.to_string(), "invalid threshold \"rate<1\" applied on metric http_req_duration; reason: unsupported aggregation method rate on metric of type trend. supported aggregation methods for this metric are: avg, min, max, med, p");
    }

    #[test]
    fn judges_against_sinks() {
        let mut s = Sink::new(MetricType::Rate);
        s.add(1.0);
        s.add(0.0);
        assert!(!ThresholdExpr::parse("rate<0.5").unwrap().passes(&s, 1.0));
        assert!(ThresholdExpr::parse("rate<=0.5").unwrap().passes(&s, 1.0));
        let empty = Sink::new(MetricType::Rate);
        assert!(ThresholdExpr::parse("rate>0.9")
            .unwrap()
            .passes(&empty, 1.0));
    }

    #[test]
    fn submetric_keys_split_on_first_colon() {
        assert_eq!(
            parse_metric_key("group_duration{group:::outer::inner}"),
            (
                "group_duration".to_string(),
                vec![("group".to_string(), "::outer::inner".to_string())]
            )
        );
        assert_eq!(
            parse_metric_key("http_req_duration{name:\"home\", status:200}"),
            (
                "http_req_duration".to_string(),
                vec![
                    ("name".to_string(), "home".to_string()),
                    ("status".to_string(), "200".to_string())
                ]
            )
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any expression text gets an answer, never a panic.
        #[test]
        fn any_expression_is_answered(s in ".{0,30}") {
            let _ = ThresholdExpr::parse(&s);
            let _ = validate_metric_key(&s);
        }

        /// k6's grammar: `aggregation operator number` parses for every operator and value.
        #[test]
        fn well_formed_expressions_parse(
            agg in prop::sample::select(vec!["count", "rate", "avg", "min", "max", "med", "value", "p(95)", "p(99.9)"]),
            op in prop::sample::select(vec!["<", "<=", ">", ">=", "==", "==="]),
            n in -1e9f64..1e9,
        ) {
            let text = format!("{agg}{op}{n}");
            prop_assert!(ThresholdExpr::parse(&text).is_ok(), "{}", text);
        }
    }
}
