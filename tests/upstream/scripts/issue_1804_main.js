// Adapted from grafana/k6 examples/source_map/issue_1804/main.js at v1.1.0: no changes; imports scripts/imported.js (header adds one line to both files)
import { f2 } from "./imported.js"

export default function() {
  f2();
}
