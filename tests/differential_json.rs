//! `JSON.parse` and `res.json()` under k6 v1.1 and rk6, one test per case group: key
//! order, `__proto__`, duplicate keys, numbers, strings, lone surrogates, whitespace,
//! edits to parsed values, `res.json()` selectors, repeated calls and errors, malformed
//! text and revivers. Each group is a script in `tests/scripts/json/` that prints one
//! console line per case; rk6 must print k6's lines exactly, in order. Bodies for
//! `res.json()` come from the hostile server's `/raw` (any bytes, bad UTF-8 included).
//! Skipped (passing) without `k6` on PATH.
//!
//! k6's `res.json()` objects are Go maps, whose key order changes from read to read, so
//! the scripts print `res.json()` objects with sorted keys; only `JSON.parse` results
//! show order. Deep `JSON.parse` nesting is in `differential_boa_limits.rs`.

mod common;

use std::thread;
use std::time::Duration;

use common::hostile::Hostile;
use common::*;

/// What one tool's run of a group showed.
#[derive(Debug, PartialEq)]
struct Outcome {
    code: i32,
    /// `level msg` of every console and error-level line, in order.
    lines: Vec<String>,
}

/// `tool run -q --no-summary` of `tests/scripts/json/<name>`, with `HOSTILE` set.
fn run(tool: Tool, name: &str, server: &Hostile) -> Outcome {
    let out = Run::new(tool)
        .args(["run", "-q", "--no-summary", "-a", ""])
        .arg(suite_script(&format!("json/{name}")))
        .env("HOSTILE", server.url())
        .timeout(Duration::from_secs(120))
        .output();
    let lines = out.console_and_error_lines();
    Outcome {
        code: out.code,
        lines,
    }
}

/// The first lines where `rk6` and `k6` differ, numbered, for a readable failure.
fn differences(k6: &[String], rk6: &[String]) -> String {
    const SHOWN: usize = 12;
    let count = k6.len().max(rk6.len());
    let missing = String::from("(no line)");
    let differing: Vec<String> = (0..count)
        .filter(|&i| k6.get(i) != rk6.get(i))
        .map(|i| {
            let k = k6.get(i).unwrap_or(&missing);
            let r = rk6.get(i).unwrap_or(&missing);
            format!("line {}:\n  k6:  {k}\n  rk6: {r}", i + 1)
        })
        .collect();
    let more = differing.len().saturating_sub(SHOWN);
    let mut text = differing
        .into_iter()
        .take(SHOWN)
        .collect::<Vec<_>>()
        .join("\n");
    if more > 0 {
        text.push_str(&format!("\n... and {more} more differing lines"));
    }
    text
}

/// Runs group `name` under k6 and rk6 at once and asserts rk6 prints k6's lines and exit
/// code. k6 itself must finish cleanly and print at least `min_lines` lines, so a broken
/// script cannot pass as an empty match.
fn same_as_k6(name: &str, min_lines: usize) {
    if !k6_available() {
        return;
    }
    let server = Hostile::start();
    let (k6, rk6) = thread::scope(|s| {
        let k = s.spawn(|| run(Tool::K6, name, &server));
        let r = s.spawn(|| run(Tool::Rk6, name, &server));
        (k.join().expect("k6 run"), r.join().expect("rk6 run"))
    });
    assert_eq!(k6.code, 0, "k6 failed on {name}: {:#?}", k6.lines);
    assert!(
        k6.lines.len() >= min_lines && k6.lines.iter().all(|l| l.starts_with("info ")),
        "k6's run of {name} is not what the script expects: {:#?}",
        k6.lines
    );
    assert!(
        rk6 == k6,
        "{name}: rk6 exit {} vs k6 exit {}, {} vs {} lines\n{}",
        rk6.code,
        k6.code,
        rk6.lines.len(),
        k6.lines.len(),
        differences(&k6.lines, &rk6.lines)
    );
}

#[test]
fn integer_like_keys_come_first_in_ascending_order_like_k6() {
    same_as_k6("key_order.js", 4);
}

#[test]
fn proto_keys_are_own_data_properties_like_k6() {
    same_as_k6("proto.js", 15);
}

#[test]
fn duplicate_keys_keep_the_last_value_at_the_first_position_like_k6() {
    same_as_k6("duplicates.js", 18);
}

#[test]
fn numbers_parse_to_the_same_values_as_k6() {
    same_as_k6("numbers.js", 108);
}

#[test]
fn strings_decode_escapes_and_bad_utf8_like_k6() {
    same_as_k6("strings.js", 28);
}

#[test]
fn lone_surrogates_become_replacement_characters_like_k6() {
    same_as_k6("lone_surrogates.js", 17);
}

#[test]
fn json_whitespace_is_accepted_like_k6() {
    same_as_k6("whitespace.js", 18);
}

#[test]
fn parsed_values_take_edits_like_ordinary_objects_like_k6() {
    same_as_k6("mutation.js", 28);
}

#[test]
fn res_json_selectors_and_repeated_calls_match_k6() {
    same_as_k6("response_json.js", 44);
}

#[test]
fn res_json_errors_match_k6() {
    same_as_k6("response_json_errors.js", 13);
}

#[test]
#[ignore = "decided, not a bug: k6's res.json() values wrap Go maps and slices (a new wrapper \
            per read, push not kept, no property attributes, freeze throws, key order random per \
            read); rk6 returns ordinary objects and arrays, as JSON.parse does, because scripts \
            cannot rely on those artefacts and a random key order cannot be reproduced anyway"]
fn res_json_values_behave_like_k6s_go_maps() {
    same_as_k6("response_json_go_values.js", 11);
}

#[test]
fn malformed_json_fails_with_k6s_messages() {
    same_as_k6("invalid.js", 184);
}

#[test]
fn revivers_are_called_in_k6s_order_with_k6s_arguments() {
    same_as_k6("reviver.js", 9);
}
