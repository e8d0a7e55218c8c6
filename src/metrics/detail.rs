//! Per-group and per-scenario aggregates for `--summary-mode=full`, kept the way k6 keeps
//! them: a sample counts in the one group it was emitted in (groups are independent of
//! their parents), and in its scenario's tree when the scenario is not `default`. Groups and
//! scenarios come from the script, so the number of sinks is bounded by the script, not by
//! the load. Like a sink, the trees have a data form (metrics by name) that result parts
//! carry and `rk6 merge` adds up.

use rk6_runtime::metrics::{builtin, MetricType, Sample};
use serde::{Deserialize, Serialize};

use super::sink::{GaugeMerge, Sink, SinkData};

/// A [`DetailNode`] in data form.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NodeData {
    pub metrics: Vec<(String, SinkData)>,
    pub checks: Vec<(String, u64, u64)>,
    pub groups: Vec<(String, NodeData)>,
}

/// A [`Detail`] in data form.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DetailData {
    pub root: NodeData,
    pub scenarios: Vec<(String, NodeData)>,
}

/// A metric's id, type and gauge rule by name (`None`: unknown).
pub type MetricLookup<'a> = &'a dyn Fn(&str) -> Option<(u32, MetricType, GaugeMerge)>;

/// One group (or a scenario's root): sinks by metric id, checks, nested groups — each in
/// first-seen order.
#[derive(Debug, Clone, Default)]
pub struct DetailNode {
    pub metrics: Vec<(u32, Sink)>,
    pub checks: Vec<(String, (u64, u64))>,
    pub groups: Vec<(String, DetailNode)>,
}

impl DetailNode {
    fn add(&mut self, sample: &Sample, kind: MetricType) {
        let sink = match self.metrics.iter_mut().find(|(id, _)| *id == sample.metric) {
            Some((_, s)) => s,
            None => {
                self.metrics.push((sample.metric, Sink::new(kind)));
                let last = self.metrics.len() - 1;
                &mut self.metrics[last].1
            }
        };
        sink.add(sample.value);
        if sample.metric == builtin::CHECKS {
            let name = sample.tags.get("check").map_or("", String::as_str);
            let counts = match self.checks.iter_mut().find(|(n, _)| n == name) {
                Some((_, c)) => c,
                None => {
                    self.checks.push((name.to_string(), (0, 0)));
                    let last = self.checks.len() - 1;
                    &mut self.checks[last].1
                }
            };
            if sample.value != 0.0 {
                counts.0 += 1;
            } else {
                counts.1 += 1;
            }
        }
    }

    fn data(&self, name_of: &dyn Fn(u32) -> String) -> NodeData {
        NodeData {
            metrics: self
                .metrics
                .iter()
                .map(|(id, sink)| (name_of(*id), sink.data()))
                .collect(),
            checks: self
                .checks
                .iter()
                .map(|(name, (passes, fails))| (name.clone(), *passes, *fails))
                .collect(),
            groups: self
                .groups
                .iter()
                .map(|(name, node)| (name.clone(), node.data(name_of)))
                .collect(),
        }
    }

    fn merge_data(&mut self, d: &NodeData, lookup: MetricLookup<'_>) -> Result<(), String> {
        for (name, data) in &d.metrics {
            let (id, kind, gauges) =
                lookup(name).ok_or_else(|| format!("unknown metric {name} in a group"))?;
            let i = match self.metrics.iter().position(|(m, _)| *m == id) {
                Some(i) => i,
                None => {
                    self.metrics.push((id, Sink::new(kind)));
                    self.metrics.len() - 1
                }
            };
            let theirs = Sink::from_data(data.clone())?;
            self.metrics[i].1.merge(&theirs, gauges)?;
        }
        for (name, passes, fails) in &d.checks {
            match self.checks.iter_mut().find(|(n, _)| n == name) {
                Some((_, c)) => {
                    c.0 += passes;
                    c.1 += fails;
                }
                None => self.checks.push((name.clone(), (*passes, *fails))),
            }
        }
        for (name, node) in &d.groups {
            self.child(name).merge_data(node, lookup)?;
        }
        Ok(())
    }

    fn child(&mut self, name: &str) -> &mut DetailNode {
        let i = match self.groups.iter().position(|(n, _)| n == name) {
            Some(i) => i,
            None => {
                self.groups.push((name.to_string(), DetailNode::default()));
                self.groups.len() - 1
            }
        };
        &mut self.groups[i].1
    }
}

/// The trees of the whole run and of each named scenario.
#[derive(Debug, Clone, Default)]
pub struct Detail {
    /// The run's root: only its nested groups are used (the totals are the metrics).
    pub root: DetailNode,
    pub scenarios: Vec<(String, DetailNode)>,
}

impl Detail {
    pub fn data(&self, name_of: &dyn Fn(u32) -> String) -> DetailData {
        DetailData {
            root: self.root.data(name_of),
            scenarios: self
                .scenarios
                .iter()
                .map(|(name, node)| (name.clone(), node.data(name_of)))
                .collect(),
        }
    }

    /// Adds up a part's trees.
    pub fn merge_data(&mut self, d: &DetailData, lookup: MetricLookup<'_>) -> Result<(), String> {
        self.root.merge_data(&d.root, lookup)?;
        for (name, node) in &d.scenarios {
            let i = match self.scenarios.iter().position(|(n, _)| n == name) {
                Some(i) => i,
                None => {
                    self.scenarios.push((name.clone(), DetailNode::default()));
                    self.scenarios.len() - 1
                }
            };
            self.scenarios[i].1.merge_data(node, lookup)?;
        }
        Ok(())
    }

    pub fn add(&mut self, sample: &Sample, kind: MetricType) {
        let mut node = &mut self.root;
        if let Some(sc) = sample.tags.get("scenario").filter(|s| *s != "default") {
            let i = match self.scenarios.iter().position(|(n, _)| n == sc) {
                Some(i) => i,
                None => {
                    self.scenarios.push((sc.clone(), DetailNode::default()));
                    self.scenarios.len() - 1
                }
            };
            node = &mut self.scenarios[i].1;
            node.add(sample, kind);
        }
        let Some(group) = sample.tags.get("group").filter(|g| !g.is_empty()) else {
            return;
        };
        for part in group.trim_start_matches("::").split("::") {
            node = node.child(part);
        }
        node.add(sample, kind);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::sync::Arc;

    fn sample(metric: u32, value: f64, tags: &[(&str, &str)]) -> Sample {
        let tags: BTreeMap<String, String> = tags
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Sample {
            metric,
            value,
            tags: Arc::new(tags),
            metadata: None,
            time: std::time::SystemTime::now(),
        }
    }

    #[test]
    fn samples_land_in_their_own_group_and_named_scenario_only() {
        let mut d = Detail::default();
        let c = builtin::CHECKS;
        d.add(
            &sample(
                c,
                1.0,
                &[("group", "::a::b"), ("check", "x"), ("scenario", "default")],
            ),
            MetricType::Rate,
        );
        d.add(
            &sample(
                c,
                0.0,
                &[("group", "::a"), ("check", "y"), ("scenario", "s1")],
            ),
            MetricType::Rate,
        );
        d.add(
            &sample(
                c,
                1.0,
                &[("group", ""), ("scenario", "default"), ("check", "z")],
            ),
            MetricType::Rate,
        );
        let a = &d.root.groups[0].1;
        assert_eq!(d.root.groups[0].0, "a");
        assert!(
            a.checks.is_empty(),
            "a's own checks went to scenario s1's tree"
        );
        assert_eq!(a.groups[0].1.checks, vec![("x".to_string(), (1, 0))]);
        assert!(d.root.metrics.is_empty());
        let (name, s1) = &d.scenarios[0];
        assert_eq!(name, "s1");
        assert_eq!(s1.checks, vec![("y".to_string(), (0, 1))]);
        assert_eq!(s1.groups[0].1.checks, vec![("y".to_string(), (0, 1))]);
    }
}
