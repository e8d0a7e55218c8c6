// Offline stand-in for https://jslib.k6.io/k6-summary/<version>/index.js: `textSummary`
// (k6's pre-v1 text summary, rendered natively by the same code as --summary-mode=legacy)
// and `jUnit` (thresholds as JUnit XML).
export function textSummary(data, options = {}) {
  return globalThis.__rk6_text_summary(JSON.stringify(data), JSON.stringify(options || {}));
}

function escapeXml(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function jUnit(data, options = {}) {
  const name = options.name || 'k6 thresholds';
  let failures = 0;
  const cases = [];
  for (const [metric, m] of Object.entries(data.metrics || {})) {
    for (const [source, t] of Object.entries(m.thresholds || {})) {
      const caseName = escapeXml(`${metric} - ${source}`);
      if (t.ok) {
        cases.push(`<testcase name="${caseName}" />`);
      } else {
        failures++;
        cases.push(`<testcase name="${caseName}"><failure message="failed" /></testcase>`);
      }
    }
  }
  return `<?xml version="1.0"?>\n<testsuites tests="${cases.length}" failures="${failures}">\n` +
    `<testsuite name="${escapeXml(name)}" tests="${cases.length}" failures="${failures}">` +
    `${cases.join('\n')}\n</testsuite >\n</testsuites >`;
}
