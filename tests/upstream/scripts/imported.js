// Adapted from grafana/k6 examples/source_map/issue_1804/imported.js at v1.1.0: no changes
export function f1() {
  throw "line 2";
}

export function f2() {
  throw "line 6";
}

export function f3() {
  throw "line 10";
}
