//! Thresholds: parsing k6's `aggregation operator value` expressions and submetric keys
//! (`http_req_duration{name:home}`), validating them against metric types, and judging them.

use rk6_runtime::metrics::{MetricDef, MetricType};

use super::sink::{parse_percentile, Sink};

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
    #[error("parsing metric name failed, metric \"{0}\" has unmatched opening/close curly brace")]
    UnmatchedBrace(String),
    #[error("invalid threshold \"{source_text}\" on metric {metric}: {reason}")]
    Malformed {
        source_text: String,
        metric: String,
        reason: String,
    },
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
    pub fn parse(source: &str, metric: &str) -> Result<Self, ThresholdError> {
        let malformed = |reason: &str| ThresholdError::Malformed {
            source_text: source.to_string(),
            metric: metric.to_string(),
            reason: reason.to_string(),
        };
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
            .ok_or_else(|| malformed("no comparison operator found"))?;
        let agg = agg.trim().replace(' ', "");
        let value: f64 = rest
            .trim()
            .parse()
            .map_err(|_| malformed("the threshold value is not a number"))?;
        let known = matches!(
            agg.as_str(),
            "count" | "rate" | "value" | "avg" | "min" | "max" | "med"
        ) || parse_percentile(&agg).is_some();
        if !known {
            return Err(malformed(&format!("unknown aggregation method {agg}")));
        }
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
                    || parse_percentile(&self.agg).is_some(),
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

/// Rejects keys like `http_req_duration{` whose braces do not pair up.
pub fn validate_metric_key(key: &str) -> Result<(), ThresholdError> {
    let opens = key.matches('{').count();
    let closes = key.matches('}').count();
    let well_formed = match (key.find('{'), key.rfind('}')) {
        (None, None) => true,
        (Some(o), Some(c)) => opens == 1 && closes == 1 && c == key.len() - 1 && o < c,
        _ => false,
    };
    if well_formed {
        Ok(())
    } else {
        Err(ThresholdError::UnmatchedBrace(key.to_string()))
    }
}

/// `name{k:v,k2:v2}` split into the metric name and its tag filter.
pub fn parse_metric_key(key: &str) -> (String, Vec<(String, String)>) {
    let Some(open) = key.find('{') else {
        return (key.trim().to_string(), Vec::new());
    };
    let name = key[..open].trim().to_string();
    let inner = key[open + 1..].trim_end().trim_end_matches('}');
    let trim = |s: &str| s.trim().trim_matches(|c| c == '"' || c == '\'').to_string();
    let tags = inner
        .split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|part| match part.find(':') {
            Some(i) => (trim(&part[..i]), trim(&part[i + 1..])),
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
        let t = ThresholdExpr::parse("p(95)<500", "x").unwrap();
        assert_eq!((t.agg.as_str(), t.op, t.value), ("p(95)", Op::Lt, 500.0));
        assert_eq!(
            ThresholdExpr::parse("rate <= 0.01", "x").unwrap().op,
            Op::Le
        );
        assert_eq!(ThresholdExpr::parse("count===3", "x").unwrap().op, Op::Eq);
        assert_eq!(ThresholdExpr::parse("count==3", "x").unwrap().op, Op::Eq);
        assert_eq!(ThresholdExpr::parse("value!=1", "x").unwrap().op, Op::Ne);
        assert_eq!(ThresholdExpr::parse("avg>=2", "x").unwrap().op, Op::Ge);
        assert!(ThresholdExpr::parse("p95<1", "x").is_err());
        assert!(ThresholdExpr::parse("avg<abc", "x").is_err());
    }

    #[test]
    fn wrong_aggregation_for_type_gives_k6s_message() {
        let t = ThresholdExpr::parse("rate<1", "http_req_duration").unwrap();
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
        assert!(!ThresholdExpr::parse("rate<0.5", "x")
            .unwrap()
            .passes(&s, 1.0));
        assert!(ThresholdExpr::parse("rate<=0.5", "x")
            .unwrap()
            .passes(&s, 1.0));
        let empty = Sink::new(MetricType::Rate);
        assert!(ThresholdExpr::parse("rate>0.9", "x")
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
