//! `--out experimental-opentelemetry`: k6 v1.1's OpenTelemetry metrics output. Samples are
//! recorded into OpenTelemetry SDK instruments the way k6 maps them (Counter → float
//! counter, Gauge → float gauge, Trend → float histogram, Rate → two integer counters
//! `<name>.occurred` and `<name>.total`; names are `K6_OTEL_METRIC_PREFIX` + the k6 name,
//! units `ms`/`By`, a sample's non-empty tags its attributes), and the SDK's periodic
//! reader exports them every `K6_OTEL_EXPORT_INTERVAL` over OTLP (gRPC or HTTP) with cumulative
//! temporality, under a resource naming `service.name` and `service.version`.
//!
//! Owns: the instruments and the SDK pipeline. Recording is a memory update on the
//! output's worker thread; exports happen on the reader's thread, so VUs never wait on
//! the receiver. Not here: the settings (`config`) and the wire (`transport`).

pub mod config;
mod grpc;
pub mod transport;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use ::opentelemetry::metrics::{Counter, Gauge, Histogram, Meter, MeterProvider as _};
use ::opentelemetry::KeyValue;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::Resource;
use rk6_runtime::metrics::{MetricDef, MetricType, Sample, ValueType};

use self::config::OtelConfig;
use self::transport::Delivery;
use super::{Output, OutputContext, OutputError};

/// The `--out` name, as k6 v1.1 registers it.
pub const NAME: &str = "experimental-opentelemetry";
/// How long the last export may take at the end of the run (its resends included).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

/// One k6 metric's instruments.
enum Instrument {
    Counter(Counter<f64>),
    Gauge(Gauge<f64>),
    Histogram(Histogram<f64>),
    Rate {
        occurred: Counter<u64>,
        total: Counter<u64>,
    },
}

impl Instrument {
    fn new(meter: &Meter, name: String, def: &MetricDef) -> Instrument {
        let unit = match def.contains {
            ValueType::Time => "ms",
            ValueType::Data => "By",
            ValueType::Default => "",
        };
        match def.kind {
            // An empty unit is OTLP's "no unit", as k6 sends it.
            MetricType::Counter => {
                Instrument::Counter(meter.f64_counter(name).with_unit(unit).build())
            }
            MetricType::Gauge => Instrument::Gauge(meter.f64_gauge(name).with_unit(unit).build()),
            MetricType::Trend => {
                Instrument::Histogram(meter.f64_histogram(name).with_unit(unit).build())
            }
            // A rate counts how often a value is non-zero; a backend divides the two.
            MetricType::Rate => Instrument::Rate {
                occurred: meter.u64_counter(format!("{name}.occurred")).build(),
                total: meter.u64_counter(format!("{name}.total")).build(),
            },
        }
    }

    fn record(&self, value: f64, attributes: &[KeyValue]) {
        match self {
            Instrument::Counter(c) => c.add(value, attributes),
            Instrument::Gauge(g) => g.record(value, attributes),
            Instrument::Histogram(h) => h.record(value, attributes),
            Instrument::Rate { occurred, total } => {
                if value != 0.0 {
                    occurred.add(1, attributes);
                }
                total.add(1, attributes);
            }
        }
    }
}

/// The running output: the SDK pipeline and the instruments made so far, by metric id.
pub struct OtelOutput {
    provider: SdkMeterProvider,
    meter: Meter,
    instruments: Vec<Option<Instrument>>,
    prefix: String,
    ctx: OutputContext,
    defs: Vec<MetricDef>,
    delivery: Arc<Delivery>,
    /// The exports' runtime; kept alive until the provider has shut down.
    _rt: tokio::runtime::Runtime,
}

fn invalid(message: impl std::fmt::Display) -> OutputError {
    OutputError::Invalid {
        kind: NAME.to_string(),
        message: message.to_string(),
    }
}

impl OtelOutput {
    pub fn open(ctx: &OutputContext) -> Result<(String, Box<dyn Output>), OutputError> {
        let cfg = OtelConfig::resolve(&ctx.env).map_err(invalid)?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("rk6-output-otel")
            .enable_all()
            .build()
            .map_err(|e| OutputError::Start(e.to_string()))?;
        let exporter = transport::exporter(&cfg, rt.handle().clone()).map_err(invalid)?;
        let delivery = exporter.delivery.clone();
        let reader = PeriodicReader::builder(exporter)
            .with_interval(cfg.export_interval)
            .build();
        let resource = Resource::builder()
            .with_service_name(cfg.service_name.clone())
            .with_attribute(KeyValue::new(
                "service.version",
                cfg.service_version.clone(),
            ))
            .build();
        let provider = SdkMeterProvider::builder()
            .with_resource(resource)
            .with_reader(reader)
            .build();
        let meter = provider.meter("k6");
        Ok((
            cfg.description(),
            Box::new(OtelOutput {
                provider,
                meter,
                instruments: Vec::new(),
                prefix: cfg.metric_prefix,
                ctx: ctx.clone(),
                defs: ctx.defs(),
                delivery,
                _rt: rt,
            }),
        ))
    }

    fn record(&mut self, s: &Sample) {
        let id = s.metric as usize;
        if id >= self.defs.len() {
            self.defs = self.ctx.defs();
        }
        let Some(def) = self.defs.get(id) else {
            return;
        };
        if self.instruments.len() <= id {
            self.instruments.resize_with(id + 1, || None);
        }
        let (meter, prefix) = (&self.meter, &self.prefix);
        let instrument = self.instruments[id]
            .get_or_insert_with(|| Instrument::new(meter, format!("{prefix}{}", def.name), def));
        let attributes: Vec<KeyValue> = s
            .tags
            .iter()
            .filter(|(k, v)| !k.is_empty() && !v.is_empty())
            .map(|(k, v)| KeyValue::new(k.clone(), v.clone()))
            .collect();
        instrument.record(s.value, &attributes);
    }
}

impl Output for OtelOutput {
    fn write(&mut self, batch: &[Sample]) {
        for s in batch {
            self.record(s);
        }
    }

    fn finish(&mut self) -> Option<String> {
        // The shutdown runs the last export, one attempt, before it returns.
        self.delivery.finishing.store(true, Ordering::Release);
        if let Err(e) = self.provider.shutdown_with_timeout(SHUTDOWN_GRACE) {
            rk6_runtime::log::Logger::error(
                "can't shutdown OpenTelemetry metric provider",
                &[("error", &e.to_string())],
            );
        }
        self.delivery.warning()
    }
}
