//! A run's VUs: created per scenario before the run (all of them, except arrival-rate
//! scenarios, which start with `preAllocatedVUs` and keep ids for more), and the `vus` /
//! `vus_max` gauges sampled every second.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::SystemTime;

use rk6_runtime::metrics::{builtin, Sample};
use rk6_runtime::{TestConfig, VuPool};

use super::RunError;
use crate::executor::{Progress, Scenario};

/// One scenario's VUs: those initialised before the run, and ids for more.
pub(super) struct ScenarioVus {
    pub ready: Vec<rk6_runtime::VuHandle>,
    pub spare: Vec<u64>,
}

/// Creates every scenario's initial VUs; returns them and how many there are.
pub(super) async fn create(
    pool: &Arc<VuPool>,
    config: &Arc<TestConfig>,
    scenarios: &[Scenario],
) -> Result<(Vec<ScenarioVus>, u64), RunError> {
    // VU ids are reserved per scenario up to its maxVUs; arrival-rate scenarios create
    // only their preAllocatedVUs now and the rest when the schedule needs them.
    let mut vus: Vec<ScenarioVus> = Vec::new();
    let mut next_id = 1u64;
    let mut creations = Vec::new();
    let mut created_ids = Vec::new();
    for s in scenarios {
        let ids: Vec<u64> = (next_id..next_id + s.executor.max_vus()).collect();
        next_id += s.executor.max_vus();
        let initial = s.executor.initial_vus() as usize;
        for id in &ids[..initial.min(ids.len())] {
            creations.push(pool.create_vu(config.clone(), *id));
            created_ids.push(*id);
        }
        vus.push(ScenarioVus {
            ready: Vec::new(),
            spare: ids[initial.min(ids.len())..].to_vec(),
        });
    }
    let mut created = futures_util::future::join_all(creations)
        .await
        .into_iter()
        .zip(created_ids);
    let mut initialized = 0u64;
    for (s, v) in scenarios.iter().zip(vus.iter_mut()) {
        for _ in 0..s.executor.initial_vus().min(s.executor.max_vus()) {
            if let Some((r, id)) = created.next() {
                let (vu, _) = r.map_err(|source| RunError::VuInit { id, source })?;
                v.ready.push(vu);
                initialized += 1;
            }
        }
    }
    Ok((vus, initialized))
}

/// `vus` (busy VUs) and `vus_max` (VUs initialised so far: arrival-rate scenarios add
/// VUs during the run, as in k6).
pub(super) fn emit_gauges(config: &TestConfig, progress: &[Arc<Progress>]) {
    let initialized = config.test.vus_initialized.load(Ordering::Relaxed);
    let active: u64 = progress
        .iter()
        .map(|p| p.active.load(Ordering::Relaxed))
        .sum();
    let tags = Arc::new(config.run_tags.clone());
    let now = SystemTime::now();
    let _ = config.samples.send(vec![
        Sample {
            metric: builtin::VUS,
            time: now,
            value: active as f64,
            tags: tags.clone(),
            metadata: None,
        },
        Sample {
            metric: builtin::VUS_MAX,
            time: now,
            value: initialized as f64,
            tags,
            metadata: None,
        },
    ]);
}
