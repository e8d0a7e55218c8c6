//! `-v`: the debug lines k6 prints about its own work, with k6's texts and fields, at the
//! same points of a run, so a verbose CI log reads as it did under k6. (k6's usage-report
//! lines are left out: rk6 sends no report.)

use std::time::Duration;

use rk6_runtime::duration::format as go_duration;
use rk6_runtime::log::Logger;

const INIT: (&str, &str) = ("phase", "execution-scheduler-init");
const RUN: (&str, &str) = ("phase", "execution-scheduler-run");

/// Before anything else: the logger and the version.
pub fn startup(format: &str, version: &str) {
    Logger::debug("Binary Provisioning feature is disabled.", &[]);
    Logger::debug(&format!("Logger format: {format}"), &[]);
    Logger::debug(&format!("k6 version: {version}"), &[]);
}

/// The script was found and read; its runner is being built.
pub fn script_loaded(arg: &str, url: &str, bytes: usize) {
    if !Logger::verbose() {
        return;
    }
    Logger::debug(&format!("Resolving and reading test '{arg}'..."), &[]);
    Logger::debug(
        "Loading...",
        &[("moduleSpecifier", url), ("originalModuleSpecifier", arg)],
    );
    Logger::debug(
        &format!("'{arg}' resolved to '{url}' and successfully loaded {bytes} bytes!"),
        &[],
    );
    Logger::debug("Gathering k6 runtime options...", &[]);
    Logger::debug(
        &format!("Initializing k6 runner for '{arg}' ({url})..."),
        &[],
    );
    Logger::debug("Detecting test type for...", &[("test_path", url)]);
    Logger::debug("Trying to load as a JS test...", &[("test_path", url)]);
}

/// The script's init code ran once (options read); configuration comes next.
pub fn runner_ready() {
    Logger::debug("Runner successfully initialized!", &[]);
    Logger::debug("Parsing CLI flags...", &[]);
    Logger::debug("Consolidating config layers...", &[]);
    Logger::debug("Parsing thresholds and validating config...", &[]);
    Logger::debug("Initializing the execution scheduler...", &[]);
}

/// The outputs started: `user` are `--out`s (name, file), besides k6's built-in three.
pub fn outputs_started(user: &[(String, Option<String>)]) {
    if !Logger::verbose() {
        return;
    }
    let n = (user.len() + 3).to_string();
    Logger::debug(
        &format!("Starting {n} outputs..."),
        &[("component", "output-manager")],
    );
    for (name, file) in user {
        let fields = output_fields(name, file.as_deref());
        Logger::debug("Starting...", &fields);
        Logger::debug("Started!", &fields);
    }
    Logger::debug("Starting...", &[("component", "metrics-engine-ingester")]);
    Logger::debug("Started!", &[("component", "metrics-engine-ingester")]);
    Logger::debug("Started!", &[("output", "summary")]);
    Logger::debug(
        "Trapping interrupt signals so k6 can handle them gracefully...",
        &[],
    );
}

fn output_fields<'a>(name: &'a str, file: Option<&'a str>) -> Vec<(&'a str, &'a str)> {
    match file {
        Some(f) => vec![("filename", f), ("output", name)],
        None => vec![("output", name)],
    }
}

/// What k6's executor lines say about one scenario; its executor fills it in.
pub struct ExecutorFacts<'a> {
    /// The scenario's name.
    pub scenario: &'a str,
    /// k6's executor type name.
    pub kind: &'a str,
    pub start_time: Duration,
    pub graceful_stop: Duration,
}

/// VUs are about to be initialised for `executors` scenarios.
pub fn scheduler_init(executors: usize, needed_vus: u64) {
    if !Logger::verbose() {
        return;
    }
    Logger::debug("Starting emission of VUs and VUsMax metrics...", &[]);
    Logger::debug(
        "Start of initialization",
        &[
            ("executorsCount", &executors.to_string()),
            ("neededVUs", &needed_vus.to_string()),
            INIT,
        ],
    );
}

/// VUs #1..=n are ready; the executors of the scenarios named `executors` are set up.
pub fn scheduler_ready(executors: &[&str], vus: u64) {
    if !Logger::verbose() {
        return;
    }
    for id in 1..=vus {
        Logger::debug(&format!("Initialized VU #{id}"), &[INIT]);
    }
    Logger::debug(
        "Finished initializing needed VUs, start initializing executors...",
        &[INIT],
    );
    for name in executors {
        Logger::debug(&format!("Initialized executor {name}"), &[INIT]);
    }
    Logger::debug("Initialization completed", &[INIT]);
    Logger::debug(
        "Start of test run",
        &[("executorsCount", &executors.len().to_string()), RUN],
    );
}

/// `setup()` or `teardown()` runs, or is skipped for not being exported.
pub fn lifecycle(func: &str, defined: bool) {
    if defined {
        Logger::debug(&format!("Running {func}()..."), &[]);
    } else {
        Logger::debug(
            &format!("{func}() is not defined or not exported, skipping!"),
            &[],
        );
    }
}

pub fn executors_starting() {
    Logger::debug("Start all executors...", &[RUN]);
}

/// A scenario waits for its `startTime`.
pub fn executor_waiting(s: &ExecutorFacts) {
    executor_line("Waiting for executor start time...", s);
}

/// `msg` with the scenario's name, start time and executor type, as k6's scheduler logs.
fn executor_line(msg: &str, s: &ExecutorFacts) {
    if !Logger::verbose() {
        return;
    }
    let start = go_duration(s.start_time);
    Logger::debug(
        msg,
        &[
            ("executor", s.scenario),
            ("startTime", &start),
            ("type", s.kind),
        ],
    );
}

/// A ramping VU starts or is stopped gracefully (k6's VU handles log both).
pub fn vu_handle(msg: &str, scenario: &str, kind: &str, vu: usize) {
    if Logger::verbose() {
        let n = vu.to_string();
        Logger::debug(
            msg,
            &[("executor", kind), ("scenario", scenario), ("vuNum", &n)],
        );
    }
}

/// A scenario's executor starts (after its `startTime`); `fields` are the executor's own.
pub fn executor_started(s: &ExecutorFacts, mut fields: Vec<(&'static str, String)>) {
    if !Logger::verbose() {
        return;
    }
    executor_line("Starting executor", s);
    fields.push(("executor", s.kind.into()));
    fields.push(("scenario", s.scenario.into()));
    fields.push(("type", s.kind.into()));
    fields.sort();
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Logger::debug("Starting executor run...", &fields);
}

/// A scenario's executor ended.
pub fn executor_finished(s: &ExecutorFacts) {
    if !Logger::verbose() {
        return;
    }
    let graceful = go_duration(s.graceful_stop);
    Logger::debug(
        "Regular duration is done, waiting for iterations to gracefully finish",
        &[
            ("executor", s.kind),
            ("gracefulStop", &graceful),
            ("scenario", s.scenario),
        ],
    );
    executor_line("Executor finished successfully", s);
}

/// The scenarios and teardown are over.
pub fn test_finished(cleanly: bool) {
    if cleanly {
        Logger::debug("Test finished cleanly", &[]);
    }
    Logger::debug("Stopping vus and vux_max metrics emission...", &[INIT]);
    Logger::debug("Metrics emission of VUs and VUsMax metrics stopped", &[]);
    Logger::debug("Releasing signal trap...", &[]);
    Logger::debug(
        "Waiting for metrics and traces processing to finish...",
        &[],
    );
    Logger::debug("Metrics and traces processing finished!", &[]);
}

/// The metrics engine stops and judges `thresholds` metrics' thresholds.
pub fn engine_stopping(thresholds: usize) {
    // k6 stops the ingester here only to judge thresholds (and again with the outputs).
    if thresholds > 0 {
        Logger::debug("Finalizing thresholds...", &[]);
        ingester_stopped();
        Logger::debug(
            &format!("Running thresholds on {thresholds} metrics..."),
            &[("component", "metrics-engine")],
        );
    }
}

fn ingester_stopped() {
    Logger::debug("Stopping...", &[("component", "metrics-engine-ingester")]);
    Logger::debug("Stopped!", &[("component", "metrics-engine-ingester")]);
}

/// The outputs are being stopped (each logs its own end through `output_stopping`).
pub fn outputs_stopping(user: usize) {
    Logger::debug("Stopping outputs...", &[]);
    Logger::debug(
        &format!("Stopping {} outputs...", user + 3),
        &[("component", "output-manager")],
    );
}

pub fn output_stopping(name: &str, file: Option<&str>) {
    Logger::debug("Stopping...", &output_fields(name, file));
}

pub fn output_stopped(name: &str, file: Option<&str>) {
    Logger::debug("Stopped!", &output_fields(name, file));
}

/// The outputs stopped; the summary comes next.
pub fn outputs_stopped() {
    ingester_stopped();
    Logger::debug("Generating the end-of-test summary...", &[]);
}

pub fn exiting() {
    Logger::debug("Everything has finished, exiting k6 normally!", &[]);
}
