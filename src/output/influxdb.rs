//! `--out influxdb=http://[user:pass@]host:port/db?opts`: InfluxDB v1 line protocol over
//! `/write`, configured like k6 (defaults < `K6_INFLUXDB_*` env < URL), batched at the push
//! interval with `concurrentWrites` requests at most. A dead or failing server costs
//! warnings and, at the end, a count of undelivered points — never the run.

use std::time::Duration;

use rk6_runtime::metrics::{MetricDef, Sample};

use super::line_protocol::{self, FieldTag, Precision};
use super::push::{Pusher, SendFailure};
use super::{Output, OutputContext, OutputError};

/// The settings k6's InfluxDB v1 output takes.
#[derive(Debug, Clone, PartialEq)]
pub struct V1Config {
    pub addr: String,
    pub db: String,
    pub username: String,
    pub password: String,
    pub insecure: bool,
    pub push_interval: Duration,
    pub concurrent_writes: usize,
    pub precision: Precision,
    pub retention: String,
    pub consistency: String,
    pub tags_as_fields: Vec<FieldTag>,
}

fn bad(msg: impl Into<String>) -> OutputError {
    OutputError::Config(msg.into())
}

fn parse_bool(k: &str, v: &str) -> Result<bool, OutputError> {
    v.parse::<bool>()
        .map_err(|_| bad(format!("{k}: '{v}' is not a boolean")))
}

fn parse_duration(k: &str, v: &str) -> Result<Duration, OutputError> {
    rk6_runtime::duration::parse(v).map_err(|e| bad(format!("{k}: {e}")))
}

impl V1Config {
    /// Defaults, then `K6_INFLUXDB_*`, then the URL.
    pub fn resolve(
        arg: &str,
        env: &std::collections::BTreeMap<String, String>,
    ) -> Result<Self, OutputError> {
        let get = |k: &str| env.get(k).filter(|v| !v.is_empty()).cloned();
        let mut c = V1Config {
            addr: get("K6_INFLUXDB_ADDR").unwrap_or_else(|| "http://localhost:8086".into()),
            db: get("K6_INFLUXDB_DB").unwrap_or_else(|| "k6".into()),
            username: get("K6_INFLUXDB_USERNAME").unwrap_or_default(),
            password: get("K6_INFLUXDB_PASSWORD").unwrap_or_default(),
            insecure: false,
            push_interval: Duration::from_secs(1),
            concurrent_writes: 4,
            precision: Precision::Ns,
            retention: get("K6_INFLUXDB_RETENTION").unwrap_or_default(),
            consistency: get("K6_INFLUXDB_CONSISTENCY").unwrap_or_default(),
            tags_as_fields: line_protocol::parse_fields("vu,iter,url").map_err(bad)?,
        };
        // Credentials in an address move to username/password: they must never be printed.
        if let (addr, Some((user, password))) = super::split_credentials(&c.addr) {
            (c.addr, c.username, c.password) = (addr, user, password);
        }
        if let Some(v) = get("K6_INFLUXDB_INSECURE") {
            c.insecure = parse_bool("K6_INFLUXDB_INSECURE", &v)?;
        }
        if let Some(v) = get("K6_INFLUXDB_PUSH_INTERVAL") {
            c.push_interval = parse_duration("K6_INFLUXDB_PUSH_INTERVAL", &v)?;
        }
        if let Some(v) = get("K6_INFLUXDB_CONCURRENT_WRITES") {
            c.concurrent_writes = v.parse().map_err(|_| {
                bad(format!(
                    "K6_INFLUXDB_CONCURRENT_WRITES: '{v}' is not a number"
                ))
            })?;
        }
        if let Some(v) = get("K6_INFLUXDB_PRECISION") {
            c.precision = Precision::parse(&v).map_err(bad)?;
        }
        if let Some(v) = get("K6_INFLUXDB_TAGS_AS_FIELDS") {
            c.tags_as_fields = line_protocol::parse_fields(&v).map_err(bad)?;
        }
        if !arg.is_empty() {
            c.apply_url(arg)?;
        }
        Ok(c)
    }

    fn apply_url(&mut self, arg: &str) -> Result<(), OutputError> {
        let url =
            url::Url::parse(arg).map_err(|e| bad(format!("invalid InfluxDB URL '{arg}': {e}")))?;
        let host = url.host_str().unwrap_or("localhost");
        self.addr = match url.port() {
            Some(p) => format!("{}://{host}:{p}", url.scheme()),
            None => format!("{}://{host}", url.scheme()),
        };
        let db = url.path().trim_start_matches('/');
        if !db.is_empty() {
            self.db = db.to_string();
        }
        if !url.username().is_empty() {
            self.username = crate::output::percent_decode(url.username());
            self.password = crate::output::percent_decode(url.password().unwrap_or(""));
        }
        let mut fields: Vec<String> = Vec::new();
        for (k, v) in url.query_pairs() {
            match k.as_ref() {
                "insecure" => self.insecure = parse_bool("insecure", &v)?,
                "payload_size" => {}
                "precision" => self.precision = Precision::parse(&v).map_err(bad)?,
                "retention" => self.retention = v.to_string(),
                "consistency" => self.consistency = v.to_string(),
                "pushInterval" => self.push_interval = parse_duration("pushInterval", &v)?,
                "concurrentWrites" => {
                    self.concurrent_writes = v
                        .parse()
                        .map_err(|_| bad(format!("concurrentWrites: '{v}' is not a number")))?
                }
                "tagsAsFields" => fields.push(v.to_string()),
                other => return Err(bad(format!("unknown query parameter: {other}"))),
            }
        }
        if !fields.is_empty() {
            self.tags_as_fields = line_protocol::parse_fields(&fields.join(",")).map_err(bad)?;
        }
        Ok(())
    }

    fn write_url(&self) -> String {
        let q: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("consistency", &self.consistency)
            .append_pair("db", &self.db)
            .append_pair("precision", self.precision.as_str())
            .append_pair("rp", &self.retention)
            .finish();
        format!("{}/write?{q}", self.addr)
    }
}

pub struct InfluxV1 {
    pusher: Pusher<String>,
    ctx: OutputContext,
    defs: Vec<MetricDef>,
    fields: Vec<FieldTag>,
    precision: Precision,
}

/// The InfluxDB outputs' HTTP client (optionally without certificate checks).
pub fn http_client(insecure: bool) -> Result<reqwest::Client, OutputError> {
    super::push::http_client(super::push::ClientSettings {
        tls: rk6_runtime::net::tls::TlsOptions {
            insecure_skip_verify: insecure,
            ..Default::default()
        },
        user_agent: "k6",
        timeout: Duration::from_secs(10),
        output: "InfluxDB",
    })
    .map_err(bad)
}

impl InfluxV1 {
    pub fn open(arg: &str, ctx: &OutputContext) -> Result<(String, Box<dyn Output>), OutputError> {
        let cfg = V1Config::resolve(arg, &ctx.env)?;
        let client = http_client(cfg.insecure)?;
        let write_url = cfg.write_url();
        let auth = (!cfg.username.is_empty()).then(|| (cfg.username.clone(), cfg.password.clone()));
        let c = client.clone();
        let send: super::push::Send<String> = std::sync::Arc::new(move |lines: &[String]| {
            let (c, url, auth) = (c.clone(), write_url.clone(), auth.clone());
            let body = lines.join("\n");
            Box::pin(async move {
                let mut req = c.post(&url).body(body);
                if let Some((u, p)) = &auth {
                    req = req.basic_auth(u, Some(p));
                }
                let resp = req.send().await.map_err(|e| go_style(&e, &url))?;
                let status = resp.status();
                if status.is_success() {
                    Ok(())
                } else {
                    let text = resp.text().await.unwrap_or_default();
                    Err(SendFailure::from(format!(
                        "{} {}",
                        status.as_u16(),
                        text.trim()
                    )))
                }
            })
        });
        let pusher = Pusher::new("InfluxDBv1", send, cfg.push_interval, cfg.concurrent_writes)
            .map_err(|e| bad(format!("starting the InfluxDB output: {e}")))?;
        // k6 creates the database first and ignores a failure.
        let create = format!(
            "{}/query?q={}",
            cfg.addr,
            url::form_urlencoded::byte_serialize(
                format!("CREATE DATABASE \"{}\"", cfg.db).as_bytes()
            )
            .collect::<String>()
        );
        pusher.spawn_first(async move {
            let _ = tokio::time::timeout(Duration::from_secs(5), client.post(&create).send()).await;
        });
        Ok((
            format!("InfluxDBv1 ({})", cfg.addr),
            Box::new(InfluxV1 {
                pusher,
                ctx: ctx.clone(),
                defs: ctx.defs(),
                fields: cfg.tags_as_fields,
                precision: cfg.precision,
            }),
        ))
    }
}

/// `Post "url": <cause>`, as Go's client words a failed request.
pub fn go_style(e: &reqwest::Error, url: &str) -> String {
    let mut cause = e.to_string();
    let mut refused = false;
    let mut src: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = src {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            refused |= io.kind() == std::io::ErrorKind::ConnectionRefused;
        }
        cause = s.to_string();
        src = s.source();
    }
    if e.is_timeout() {
        cause = "context deadline exceeded (Client.Timeout exceeded while awaiting headers)".into();
    } else if refused {
        let host = url::Url::parse(url)
            .ok()
            .map(|u| {
                format!(
                    "{}:{}",
                    u.host_str().unwrap_or(""),
                    u.port_or_known_default().unwrap_or(0)
                )
            })
            .unwrap_or_default();
        cause = format!("dial tcp {host}: connect: connection refused");
    }
    format!("Post \"{url}\": {cause}")
}

/// Appends the lines of a batch to a pusher (shared by the v1 and v2 outputs).
pub fn add_lines(
    pusher: &mut Pusher<String>,
    defs: &mut Vec<MetricDef>,
    ctx: &OutputContext,
    batch: &[Sample],
    fields: &[FieldTag],
    precision: Precision,
) {
    for s in batch {
        if s.metric as usize >= defs.len() {
            *defs = ctx.defs();
        }
        if let Some(def) = defs.get(s.metric as usize) {
            pusher.add(line_protocol::line(&def.name, s, fields, precision));
        }
    }
}

impl Output for InfluxV1 {
    fn write(&mut self, batch: &[Sample]) {
        add_lines(
            &mut self.pusher,
            &mut self.defs,
            &self.ctx,
            batch,
            &self.fields,
            self.precision,
        );
    }

    fn tick(&mut self) {
        self.pusher.tick();
    }

    fn finish(&mut self) -> Option<String> {
        self.pusher.finish(Duration::from_secs(15))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_overrides_env_which_overrides_defaults() {
        let mut env = std::collections::BTreeMap::new();
        env.insert("K6_INFLUXDB_DB".to_string(), "fromenv".to_string());
        env.insert("K6_INFLUXDB_PUSH_INTERVAL".to_string(), "5s".to_string());
        let c = V1Config::resolve("", &env).unwrap();
        assert_eq!(
            (c.db.as_str(), c.push_interval),
            ("fromenv", Duration::from_secs(5))
        );
        let c = V1Config::resolve(
            "http://u:p%40ss@127.0.0.1:8086/mydb?pushInterval=2s&tagsAsFields=vu:int&tagsAsFields=url",
            &env,
        )
        .unwrap();
        assert_eq!(c.addr, "http://127.0.0.1:8086");
        assert_eq!(
            (c.db.as_str(), c.username.as_str(), c.password.as_str()),
            ("mydb", "u", "p@ss")
        );
        assert_eq!(c.push_interval, Duration::from_secs(2));
        assert_eq!(c.tags_as_fields.len(), 2);
        assert_eq!(
            c.write_url(),
            "http://127.0.0.1:8086/write?consistency=&db=mydb&precision=ns&rp="
        );
        assert!(V1Config::resolve("http://h/db?bogus=1", &env).is_err());
    }
}
