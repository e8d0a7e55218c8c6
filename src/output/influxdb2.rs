//! `--out xk6-influxdb=http://host:port`: InfluxDB v2 (`/api/v2/write`) through the
//! `influxdb2` crate, configured as the xk6-output-influxdb extension reads it
//! (`K6_INFLUXDB_ORGANIZATION`, `K6_INFLUXDB_BUCKET`, `K6_INFLUXDB_TOKEN`, `K6_INFLUXDB_ADDR`,
//! push interval, concurrent writes, tagsAsFields), so the same dashboards keep working.
//! Batching, bounds and failure handling are the v1 output's.

use std::sync::Arc;
use std::time::Duration;

use rk6_runtime::metrics::{MetricDef, Sample};

use super::influxdb::add_lines;
use super::line_protocol::{self, FieldTag, Precision};
use super::push::{Pusher, SendFailure};
use super::{Output, OutputContext, OutputError};

pub struct InfluxV2 {
    pusher: Pusher<String>,
    ctx: OutputContext,
    defs: Vec<MetricDef>,
    fields: Vec<FieldTag>,
}

fn bad(msg: impl Into<String>) -> OutputError {
    OutputError::Config(msg.into())
}

impl InfluxV2 {
    pub fn open(arg: &str, ctx: &OutputContext) -> Result<(String, Box<dyn Output>), OutputError> {
        let get = |k: &str| ctx.env.get(k).filter(|v| !v.is_empty()).cloned();
        let addr = if arg.is_empty() {
            get("K6_INFLUXDB_ADDR").unwrap_or_else(|| "http://localhost:8086".into())
        } else {
            arg.trim_end_matches('/').to_string()
        };
        // v2 authenticates with the token; credentials in the address are dropped so they
        // are never printed.
        let (addr, _) = super::split_credentials(&addr);
        let org = get("K6_INFLUXDB_ORGANIZATION").unwrap_or_default();
        let bucket = get("K6_INFLUXDB_BUCKET").unwrap_or_else(|| "k6".into());
        let token = get("K6_INFLUXDB_TOKEN").unwrap_or_default();
        let interval = match get("K6_INFLUXDB_PUSH_INTERVAL") {
            Some(v) => rk6_runtime::duration::parse(&v)
                .map_err(|e| bad(format!("K6_INFLUXDB_PUSH_INTERVAL: {e}")))?,
            None => Duration::from_secs(1),
        };
        let concurrent = match get("K6_INFLUXDB_CONCURRENT_WRITES") {
            Some(v) => v.parse().map_err(|_| {
                bad(format!(
                    "K6_INFLUXDB_CONCURRENT_WRITES: '{v}' is not a number"
                ))
            })?,
            None => 4,
        };
        let fields = line_protocol::parse_fields(
            &get("K6_INFLUXDB_TAGS_AS_FIELDS").unwrap_or_else(|| "vu,iter,url".into()),
        )
        .map_err(bad)?;
        let client = influxdb2::ClientBuilder::new(addr.clone(), org.clone(), token)
            .build()
            .map_err(|e| bad(format!("building the InfluxDB v2 client: {e}")))?;
        let client = Arc::new(client);
        let send: super::push::Send<String> = Arc::new(move |lines: &[String]| {
            let (client, org, bucket) = (client.clone(), org.clone(), bucket.clone());
            let body = lines.join("\n");
            Box::pin(async move {
                client
                    .write_line_protocol(&org, &bucket, body)
                    .await
                    .map_err(|e| SendFailure::from(e.to_string()))
            })
        });
        let pusher = Pusher::new("InfluxDBv2", send, interval, concurrent)
            .map_err(|e| bad(format!("starting the InfluxDB v2 output: {e}")))?;
        Ok((
            format!("xk6-influxdb ({addr})"),
            Box::new(InfluxV2 {
                pusher,
                ctx: ctx.clone(),
                defs: ctx.defs(),
                fields,
            }),
        ))
    }
}

impl Output for InfluxV2 {
    fn write(&mut self, batch: &[Sample]) {
        add_lines(
            &mut self.pusher,
            &mut self.defs,
            &self.ctx,
            batch,
            &self.fields,
            Precision::Ns,
        );
    }

    fn tick(&mut self) {
        self.pusher.tick();
    }

    fn finish(&mut self) -> Option<String> {
        self.pusher.finish(Duration::from_secs(15))
    }
}
