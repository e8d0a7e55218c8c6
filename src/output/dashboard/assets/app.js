/* rk6 dashboard and HTML report: everything the page does.
 *
 * Owns: reading the run's Data (embedded in #rk6-data for the report, or streamed from
 * /events for the live dashboard), merging live updates, and rendering the header, stat
 * tiles, thresholds, uPlot charts, tables and the Locust-style stats CSV. The Data model
 * is the contract with the Rust side (src/output/dashboard); nothing here fetches anything else.
 * Plain ES2017 in one IIFE: no modules, no build step. */
(function () {
  'use strict';

  const DASH = '\u2014';
  const DOT = ' \u00b7 ';
  const CHART_HEIGHT = 220;
  const COLORS = { blue: '#2563eb', red: '#dc2626', green: '#16a34a', amber: '#d97706',
    purple: '#7c3aed', teal: '#0891b2', slate: '#64748b', pink: '#db2777' };
  /** k6's built-in metrics; any other metric gets a chart of its own. */
  const BUILTIN = new Set(('vus vus_max iterations iteration_duration dropped_iterations data_sent data_received ' +
    'checks group_duration http_reqs http_req_failed http_req_duration http_req_blocked http_req_connecting ' +
    'http_req_tls_handshaking http_req_sending http_req_waiting http_req_receiving ws_sessions ws_msgs_sent ' +
    'ws_msgs_received ws_ping ws_session_duration ws_connecting iteration_start_lag').split(' '));
  const CSV_PCTS = ['50', '66', '75', '80', '90', '95', '98', '99', '99.9', '99.99', '100'];
  const CSV_HEADER = ['Type', 'Name', 'Request Count', 'Failure Count', 'Median Response Time',
    'Average Response Time', 'Min Response Time', 'Max Response Time', 'Average Content Size',
    'Requests/s', 'Failures/s'].concat(CSV_PCTS.map((p) => p + '%'));

  const MAX_RETRIES = 20;
  const state = { data: null, live: false, source: null, ticker: 0, failedTries: 0, ready: false, charts: new Map() };

  const { isNum, tidy, pad2, fmtNum, fmtInt, fmtRate, fmtCompact, fmtMs, fmtBytes, fmtPct, fmtTime, fmtSpan, $, setText, el } = window.rk6Format;

  /* ---------- Data: loading and merging ---------- */

  const LIST_FIELDS = ['metrics', 'thresholds', 'checks', 'endpoints', 'failures', 'scenarios', 'groups'];
  const isObj = (v) => !!v && typeof v === 'object';

  /** Fills in whatever a Data object lacks so the renderers never meet undefined. */
  function normalize(raw) {
    const d = isObj(raw) ? raw : {};
    const b = isObj(d.buckets) ? d.buckets : {};
    d.buckets = { t: Array.isArray(b.t) ? b.t : [], m: isObj(b.m) ? b.m : {} };
    LIST_FIELDS.forEach((k) => { if (!Array.isArray(d[k])) d[k] = []; });
    if (!isObj(d.totals)) d.totals = {};
    if (!isNum(d.period) || d.period <= 0) d.period = 1000;
    return d;
  }

  /** Appends an update's buckets; a metric new in the update reads as empty before it. */
  function appendBuckets(into, add) {
    const before = into.t.length;
    // Only buckets after the newest one held: the time axis must keep ascending.
    const last = before ? into.t[before - 1] : -Infinity;
    const fresh = add.t.map((t, i) => i).filter((i) => add.t[i] > last);
    fresh.forEach((i) => into.t.push(add.t[i]));
    new Set(Object.keys(into.m).concat(Object.keys(add.m))).forEach((name) => {
      const dst = Array.isArray(into.m[name]) ? into.m[name] : (into.m[name] = []);
      while (dst.length < before) dst.push(null);
      const src = Array.isArray(add.m[name]) ? add.m[name] : [];
      fresh.forEach((i) => dst.push(i < src.length ? src[i] : null));
    });
  }

  /** An `update` event: new buckets are appended, every other field replaced. */
  function mergeUpdate(current, update) {
    const next = normalize(update);
    if (!current) return next;
    appendBuckets(current.buckets, next.buckets);
    next.buckets = current.buckets;
    return next;
  }

  function isFinished(d) { return !!d && d.state === 'finished'; }
  function total(d, metric, field) {
    const m = d.totals[metric];
    return isObj(m) && isNum(m[field]) ? m[field] : null;
  }

  /* ---------- Header and stat tiles ---------- */

  function renderHeader(d) {
    const status = isFinished(d) ? ['finished', 'Finished'] : d.state === 'running' ? ['running', 'Running\u2026'] : ['', 'No data'];
    setText('title', d.title || 'rk6');
    document.title = (d.title ? d.title + DOT : '') + 'rk6';
    $('state').textContent = status[1];
    $('state').className = 'badge ' + status[0];
    setText('started', fmtTime(d.started, true));
    setText('version', d.version || DASH);
    renderElapsed();
    setText('footer', (state.live ? 'Live dashboard' : 'Report') + DOT + (d.version || 'rk6') + DOT +
      'buckets of ' + tidy(d.period / 1000) + ' s');
  }

  function renderElapsed() {
    const d = state.data;
    if (!d) return;
    const t = d.buckets.t;
    const end = isNum(d.ended) ? d.ended : state.live ? Date.now() : t[t.length - 1];
    setText('elapsed-label', isNum(d.ended) ? 'Duration' : 'Elapsed');
    setText('elapsed', isNum(d.started) && isNum(end) ? fmtSpan(end - d.started) : DASH);
  }

  /** The newest and the highest per-second value of a counter's buckets. */
  function counterRates(d, metric) {
    const col = d.buckets.m[metric];
    if (!Array.isArray(col) || !col.length) return { last: null, peak: null };
    const rates = col.map((v, i) => (isNum(v) ? v / widthOf(d, i) : 0));
    return { last: rates[rates.length - 1], peak: rates.reduce((m, v) => (v > m ? v : m), 0) };
  }
  const tone = (good, known) => (known ? (good ? 'good' : 'bad') : '');
  const outOf = (part, all, what) => (all ? fmtInt(part) + ' of ' + fmtInt(all) + ' ' + what : '');

  /** Each stat tile: its id suffix and a function giving [value, sub line, tone]. */
  const TILES = {
    requests(d) {
      const reqs = total(d, 'http_reqs', 'count');
      const agg = isObj(d.aggregated) && isNum(d.aggregated.requests) ? d.aggregated.requests : 0;
      const failed = total(d, 'http_req_failed', 'passes');
      return [String(Math.round(isNum(reqs) ? reqs : agg)), isNum(failed) ? fmtInt(failed) + ' failed' : ''];
    },
    rate(d) {
      const r = counterRates(d, 'http_reqs');
      const sub = state.live && !isFinished(d) ? 'now ' + fmtRate(r.last) : 'peak ' + fmtRate(r.peak);
      return [fmtRate(total(d, 'http_reqs', 'rate')), isNum(r.peak) ? sub : ''];
    },
    failures(d) {
      const rate = total(d, 'http_req_failed', 'rate');
      const failed = total(d, 'http_req_failed', 'passes') || 0;
      const all = failed + (total(d, 'http_req_failed', 'fails') || 0);
      return [fmtPct(rate), outOf(failed, all, 'requests'), tone(rate === 0, isNum(rate))];
    },
    p95(d) {
      const f = (k) => total(d, 'http_req_duration', k);
      return [fmtMs(f('p95')), isNum(f('med')) ? 'median ' + fmtMs(f('med')) + DOT + 'p99 ' + fmtMs(f('p99')) : ''];
    },
    vus(d) {
      const cur = total(d, 'vus', 'value');
      const alloc = total(d, 'vus_max', 'value');
      const peak = total(d, 'vus', 'max');
      return [isNum(cur) ? fmtInt(cur) + ' / ' + fmtInt(isNum(alloc) ? alloc : peak) : DASH,
        isNum(peak) ? 'peak in use ' + fmtInt(peak) : ''];
    },
    iterations(d) {
      const iters = total(d, 'iterations', 'count');
      const avg = total(d, 'iteration_duration', 'avg');
      return [fmtInt(iters), isNum(iters) ? fmtRate(total(d, 'iterations', 'rate')) + (isNum(avg) ? DOT + 'avg ' + fmtMs(avg) : '') : ''];
    },
    data(d) {
      const recv = total(d, 'data_received', 'count');
      const sent = total(d, 'data_sent', 'count');
      if (!isNum(recv) && !isNum(sent)) return [DASH, ''];
      const rate = (m) => fmtBytes(total(d, m, 'rate') || 0) + '/s';
      return [fmtBytes(recv || 0) + ' / ' + fmtBytes(sent || 0), rate('data_received') + ' in' + DOT + rate('data_sent') + ' out'];
    },
    checks(d) {
      const rate = total(d, 'checks', 'rate');
      const passes = total(d, 'checks', 'passes') || 0;
      const all = passes + (total(d, 'checks', 'fails') || 0);
      return [all ? fmtPct(rate) : DASH, outOf(passes, all, 'passed'), tone(rate === 1, all > 0)];
    },
  };

  function renderTiles(d) {
    Object.keys(TILES).forEach((key) => {
      const [value, sub, cls] = TILES[key](d);
      const v = $('stat-' + key);
      v.textContent = value;
      v.className = 'tile-value' + (cls ? ' ' + cls : '');
      setText('stat-' + key + '-sub', sub || '');
    });
  }

  /* ---------- Tables ---------- */

  /** A table column: header label, cell text from a row, CSS class (string or row => string). */
  function col(label, text, cls, dataCol) { return { label: label, text: text, cls: cls || '', dataCol: dataCol }; }
  const cellClass = (c, row) => (typeof c.cls === 'function' ? c.cls(row) : c.cls);

  function appendRow(tbody, cols, row, rowClass) {
    const tr = tbody.insertRow();
    if (rowClass) tr.className = rowClass;
    cols.forEach((c) => {
      const td = tr.insertCell();
      td.textContent = c.text(row);
      td.className = cellClass(c, row);
      if (c.dataCol) td.dataset.col = c.dataCol;
    });
  }

  /** Rebuilds a table: header from `cols`, one row per item, or one row saying `emptyText`. */
  function renderTable(id, cols, rows, emptyText, rowClass) {
    const table = $(id);
    table.textContent = '';
    const head = table.createTHead().insertRow();
    cols.forEach((c) => head.appendChild(el('th', /\bnum\b/.test(cellClass(c, {})) ? 'num' : '', c.label)));
    const tbody = table.createTBody();
    if (!rows.length) {
      tbody.appendChild(el('tr', 'empty')).appendChild(el('td', '', emptyText)).colSpan = cols.length;
    }
    rows.forEach((r) => appendRow(tbody, cols, r, rowClass ? rowClass(r) : ''));
    return tbody;
  }

  const badIfPositive = (get) => (r) => 'num' + (get(r) > 0 ? ' bad' : '');
  const count = (v) => fmtInt(v || 0);
  const pct = (e, p) => (isObj(e.pcts) && isNum(e.pcts[p]) ? e.pcts[p] : null);
  const median = (e) => (isNum(e.med) ? e.med : pct(e, '50'));
  const passRate = (passes, fails) => ((passes || 0) + (fails || 0) > 0 ? passes / (passes + fails) : null);
  const durField = (o, k) => fmtNum(isObj(o) ? o[k] : null);

  const ENDPOINT_COLS = [
    col('Type', (e) => e.method || '', 'mono'),
    col('Name', (e) => e.name || '', 'name'),
    col('# Requests', (e) => count(e.requests), 'num', 'requests'),
    col('# Fails', (e) => count(e.failures), badIfPositive((e) => e.failures), 'failures'),
    col('Median', (e) => fmtNum(median(e)), 'num', 'median'),
    col('90%ile', (e) => fmtNum(pct(e, '90')), 'num', 'p90'),
    col('95%ile', (e) => fmtNum(pct(e, '95')), 'num', 'p95'),
    col('99%ile', (e) => fmtNum(pct(e, '99')), 'num', 'p99'),
    col('Average', (e) => fmtNum(e.avg), 'num', 'avg'),
    col('Min', (e) => fmtNum(e.min), 'num', 'min'),
    col('Max', (e) => fmtNum(e.max), 'num', 'max'),
    col('Average size (bytes)', (e) => fmtInt(e.avg_size), 'num', 'avg_size'),
    col('RPS', (e) => fmtNum(e.rps), 'num', 'rps'),
    col('Failures/s', (e) => fmtNum(e.fps), badIfPositive((e) => e.fps), 'fps'),
  ];

  /** The Aggregated row: the server's, or counts summed from the endpoints if it sent none. */
  function aggregatedRow(d) {
    const sum = (k) => d.endpoints.reduce((s, e) => s + (isNum(e[k]) ? e[k] : 0), 0);
    const row = isObj(d.aggregated) ? d.aggregated : { requests: sum('requests'), failures: sum('failures') };
    return Object.assign({}, row, { name: 'Aggregated', method: '' });
  }

  const TABLES = {
    failures: [[
      col('Endpoint', (f) => f.name || '', 'name'),
      col('Method', (f) => f.method || '', 'mono'),
      col('Status / error', (f) => (f.status ? String(f.status) : isNum(f.error_code) ? 'error ' + f.error_code : DASH), 'num'),
      col('Message', (f) => f.message || '', 'msg'),
      col('Count', (f) => count(f.count), 'num'),
      col('First seen', (f) => fmtTime(f.first), 'num dim'),
      col('Last seen', (f) => fmtTime(f.last), 'num dim'),
    ], 'no failures'],
    checks: [[
      col('Group', (c) => c.group || DASH, (c) => 'mono' + (c.group ? '' : ' dim')),
      col('Check', (c) => c.name || ''),
      col('Passes', (c) => count(c.passes), 'num'),
      col('Fails', (c) => count(c.fails), badIfPositive((c) => c.fails)),
      col('Pass %', (c) => fmtPct(passRate(c.passes, c.fails)), badIfPositive((c) => c.fails)),
    ], 'no checks'],
    scenarios: [[
      col('Scenario', (s) => s.name || '', 'mono'),
      col('Executor', (s) => s.executor || '', 'nowrap'),
      col('Iterations', (s) => count(s.iterations), 'num'),
      col('Requests', (s) => count(s.http_reqs), 'num'),
      col('Failures', (s) => count(s.failures), badIfPositive((s) => s.failures)),
      col('Iter. avg', (s) => durField(s.iteration_duration, 'avg'), 'num'),
      col('Iter. p95', (s) => durField(s.iteration_duration, 'p95'), 'num'),
    ], 'no scenarios'],
    groups: [[
      col('Group', (g) => g.path || '', 'mono'),
      col('Requests', (g) => count(g.http_reqs), 'num'),
      col('Failures', (g) => count(g.failures), badIfPositive((g) => g.failures)),
      col('Avg', (g) => durField(g.duration, 'avg'), 'num'),
      col('p95', (g) => durField(g.duration, 'p95'), 'num'),
      col('Checks passed', (g) => checksCell(g.checks_passes, g.checks_fails), badIfPositive((g) => g.checks_fails)),
    ], 'no groups'],
  };

  function checksCell(passes, fails) {
    const all = (passes || 0) + (fails || 0);
    return all ? count(passes) + ' / ' + all + ' (' + fmtPct(passes / all) + ')' : DASH;
  }

  function renderTables(d) {
    const tbody = renderTable('endpoints-table', ENDPOINT_COLS, d.endpoints, 'no requests');
    appendRow(tbody, ENDPOINT_COLS, aggregatedRow(d), 'aggregated');
    Object.keys(TABLES).forEach((key) => renderTable(key + '-table', TABLES[key][0], d[key], TABLES[key][1]));
  }

  function renderThresholds(d) {
    const list = d.thresholds;
    const crossed = list.filter((t) => !t.ok).length;
    const cols = [
      col('Status', (t) => (t.ok ? '\u2713 ok' : '\u2717 crossed')),
      col('Metric', (t) => t.metric || '', 'mono'),
      col('Condition', (t) => t.expr || '', 'mono'),
    ];
    // The measured value, when the server sends one, in the expression's own terms (a rate as 0.0119).
    const measured = (v) => (isNum(v) && Math.abs(v) < 1 && v !== 0 ? String(+v.toPrecision(3)) : fmtNum(v));
    if (list.some((t) => isNum(t.value))) cols.push(col('Measured', (t) => measured(t.value), 'num'));
    renderTable('thresholds-table', cols, list, 'no thresholds', (t) => (t.ok ? 'ok' : 'crossed'));
    const note = $('thresholds-note');
    note.textContent = !list.length ? '' : crossed ? crossed + ' of ' + list.length + ' crossed' : 'all ' + list.length + ' passing';
    note.className = 'card-note' + (crossed ? ' bad-text' : '');
  }

  function renderTexts(d) {
    setText('options', JSON.stringify(d.options === undefined ? null : d.options, null, 2));
    const hasSummary = typeof d.summary === 'string' && d.summary.length > 0;
    $('summary-card').hidden = !hasSummary;
    setText('summary', hasSummary ? d.summary : '');
  }

  /* ---------- Stats CSV (Locust's _stats.csv) ---------- */

  function csvQuote(s) { return '"' + String(s).replace(/"/g, '""') + '"'; }
  function csvNum(v) { return isNum(v) ? String(v) : '0'; }

  function csvRow(e) {
    const has = isNum(e.requests) && e.requests > 0;
    const pcts = CSV_PCTS.map((p) => (has && isNum(pct(e, p)) ? String(Math.round(pct(e, p))) : 'N/A'));
    return [
      csvQuote(e.method || ''), csvQuote(e.name || ''), csvNum(Math.round(e.requests || 0)),
      csvNum(Math.round(e.failures || 0)), csvNum(isNum(median(e)) ? Math.round(median(e)) : 0),
      csvNum(e.avg), csvNum(e.min), csvNum(e.max), csvNum(e.avg_size), csvNum(e.rps), csvNum(e.fps),
    ].concat(pcts).join(',');
  }

  /** Locust's `_stats.csv`: one row per endpoint, then the Aggregated row. */
  function statsCsv(d) {
    const data = d || normalize(null);
    const lines = [CSV_HEADER.map(csvQuote).join(',')].concat(data.endpoints.map(csvRow), [csvRow(aggregatedRow(data))]);
    return lines.join('\n') + '\n';
  }

  function downloadCsv() {
    const a = el('a');
    a.href = URL.createObjectURL(new Blob([statsCsv(state.data)], { type: 'text/csv' }));
    a.download = 'rk6_stats.csv';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  /* ---------- Chart series from buckets ---------- */

  /** One value per bucket from metric `name`'s column via `pick`; all null if never seen. */
  function column(d, name, pick) {
    const src = d.buckets.m[name];
    const out = new Array(d.buckets.t.length);
    for (let i = 0; i < out.length; i++) out[i] = Array.isArray(src) ? pick(src[i], i) : null;
    return out;
  }
  /** Seconds bucket `i` spans: a period, but the last bucket of a run can be shorter. */
  function widthOf(d, i) {
    const t = d.buckets.t;
    const start = i > 0 ? t[i - 1] : d.started;
    const w = isNum(start) && isNum(t[i]) ? (t[i] - start) / 1000 : 0;
    return w > 0.05 ? w : d.period / 1000;
  }
  const perSecond = (d) => (v, i) => (isNum(v) ? v / widthOf(d, i) : 0);
  const rateCountPerSecond = (d) => (v, i) => (Array.isArray(v) ? v[0] / widthOf(d, i) : 0);
  const ratePercent = (v) => (Array.isArray(v) && v[1] > 0 ? (100 * v[0]) / v[1] : null);
  const gauge = (v) => (isNum(v) ? v : null);
  const trendAt = (i) => (v) => (Array.isArray(v) && isNum(v[i]) ? v[i] : null);
  const TREND = { avg: 1, p50: 4, p90: 5, p95: 6, p99: 7 };

  function line(label, color, data) { return { label: label, color: color, data: data }; }
  function chart(id, title, unit, kind, series) { return { id: id, title: title, unit: unit, kind: kind, series: series }; }
  function hasMetric(d, name) { return Array.isArray(d.buckets.m[name]) || d.metrics.some((m) => isObj(m) && m.name === name); }

  function builtinCharts(d) {
    const vus = [line('VUs', COLORS.blue, column(d, 'vus', gauge))];
    if (hasMetric(d, 'vus_max')) vus.push(line('VUs max', COLORS.slate, column(d, 'vus_max', gauge)));
    const dur = (label, color) => line(label, color, column(d, 'http_req_duration', trendAt(TREND[label])));
    return [
      chart('requests', 'Request rate', 'requests/s', 'rate', [
        line('requests/s', COLORS.blue, column(d, 'http_reqs', perSecond(d))),
        line('failed/s', COLORS.red, column(d, 'http_req_failed', rateCountPerSecond(d))),
      ]),
      chart('duration', 'Request duration', 'http_req_duration, ms', 'ms',
        [dur('p50', COLORS.green), dur('p90', COLORS.blue), dur('p95', COLORS.amber), dur('p99', COLORS.red)]),
      chart('vus', 'Virtual users', 'VUs', 'plain', vus),
      chart('iterations', 'Iteration rate', 'iterations/s', 'rate',
        [line('iterations/s', COLORS.purple, column(d, 'iterations', perSecond(d)))]),
      chart('data', 'Data transfer', 'bytes/s', 'bytesRate', [
        line('received', COLORS.teal, column(d, 'data_received', perSecond(d))),
        line('sent', COLORS.amber, column(d, 'data_sent', perSecond(d))),
      ]),
      chart('checks', 'Checks pass rate', '%', 'pct', [line('passed', COLORS.green, column(d, 'checks', ratePercent))]),
    ];
  }

  const CONTAINS_KIND = { time: 'ms', data: 'bytes' };
  const KIND_UNIT = { ms: 'ms', bytes: 'bytes', bytesRate: 'bytes/s', rate: 'per second', pct: '%', plain: '' };

  /** The chart of a custom metric, shaped by its type (trend, counter, gauge, rate). */
  function customChart(d, m) {
    const base = CONTAINS_KIND[m.contains] || 'plain';
    const id = 'metric-' + m.name.replace(/[^\w-]/g, '_');
    const unit = (what, kind) => what + (KIND_UNIT[kind] ? ', ' + KIND_UNIT[kind] : '');
    if (m.type === 'trend') {
      return chart(id, m.name, unit('trend', base), base, [
        line('p95', COLORS.amber, column(d, m.name, trendAt(TREND.p95))),
        line('avg', COLORS.blue, column(d, m.name, trendAt(TREND.avg))),
      ]);
    }
    if (m.type === 'counter') {
      const kind = base === 'bytes' ? 'bytesRate' : 'rate';
      return chart(id, m.name, base === 'ms' ? 'counter, ms/s' : unit('counter', kind), kind,
        [line(m.name + '/s', COLORS.purple, column(d, m.name, perSecond(d)))]);
    }
    if (m.type === 'rate') {
      return chart(id, m.name, unit('rate', 'pct'), 'pct', [line('non-zero', COLORS.teal, column(d, m.name, ratePercent))]);
    }
    return chart(id, m.name, unit('gauge', base), base, [line(m.name, COLORS.pink, column(d, m.name, gauge))]);
  }

  function customCharts(d) {
    return d.metrics
      .filter((m) => isObj(m) && typeof m.name === 'string' && !BUILTIN.has(m.name.split('{')[0]))
      .map((m) => customChart(d, m));
  }

  /* ---------- Charts: uPlot instances ---------- */

  const AXIS_FORMAT = { ms: fmtMs, bytes: fmtBytes, bytesRate: (v) => fmtBytes(v) + '/s', rate: fmtCompact,
    pct: (v) => tidy(v, 1) + '%', plain: fmtCompact };
  const AXIS_STYLE = { stroke: '#667085', grid: { stroke: '#eef0f3', width: 1 }, ticks: { stroke: '#e4e7ec', width: 1, size: 4 } };

  /** Fits the y axis to its longest tick label. */
  function axisSize(u, values, axisIdx, cycleNum) {
    const axis = u.axes[axisIdx];
    if (cycleNum > 1) return axis._size;
    let size = axis.ticks.size + axis.gap + 6;
    const longest = (values || []).reduce((acc, v) => (v.length > acc.length ? v : acc), '');
    if (longest) {
      u.ctx.font = axis.font[0];
      size += u.ctx.measureText(longest).width / (window.devicePixelRatio || 1);
    }
    return Math.ceil(size);
  }

  /** x: the data's span; with no bucket yet, the run's first minute. */
  function xRange(u, min, max) {
    if (isNum(min) && isNum(max)) return min === max ? [min - 30, max + 30] : [min, max];
    const d = state.data;
    const start = (d && isNum(d.started) ? d.started : Date.now()) / 1000;
    return [start, start + 60];
  }
  function zeroRange(u, min, max) { return [0, isNum(max) && max > 0 ? uPlot.rangeNum(0, max, 0.1, true)[1] : 1]; }
  function pctRange() { return [0, 100]; }

  /** Room per time tick: wider for short spans, whose ticks carry seconds. */
  function timeSpace(u, axisIdx, min, max) { return max - min < 400 ? 75 : 45; }

  /** Time ticks as 24-hour clock times, with seconds only when the ticks are that close. */
  function timeTicks(u, splits, axisIdx, space, incr) {
    return splits.map((s) => (incr < 60 ? fmtTime(s * 1000) : fmtTime(s * 1000).slice(0, 5)));
  }

  /** The legend shows each series' newest value (while no cursor points elsewhere). */
  function showNewest(u) {
    if (!u.data[0].length) return;
    const newest = (arr) => { let i = arr.length - 1; while (i > 0 && arr[i] == null) i -= 1; return i; };
    u.setLegend({ idxs: u.data.map(newest) }, false);
  }
  function legendAtRest(u) { if (u.legend.idx == null) showNewest(u); }
  const cursorAway = (u) => !(u.cursor.left >= 0);

  function chartOptions(spec, width) {
    const fmt = AXIS_FORMAT[spec.kind] || fmtCompact;
    const series = spec.series.map((s) => ({
      label: s.label, stroke: s.color, width: 1.5, spanGaps: true, value: (u, v) => (isNum(v) ? fmt(v) : DASH),
    }));
    return {
      width: width,
      height: CHART_HEIGHT,
      padding: [12, 28, 0, 0],
      cursor: { sync: { key: 'rk6' }, drag: { x: true, y: false } },
      legend: { live: true },
      hooks: { setLegend: [legendAtRest] },
      scales: { x: { time: true, range: xRange }, y: { range: spec.kind === 'pct' ? pctRange : zeroRange } },
      axes: [
        Object.assign({}, AXIS_STYLE, { values: timeTicks, space: timeSpace }),
        Object.assign({}, AXIS_STYLE, { size: axisSize, values: (u, splits) => splits.map(fmt) }),
      ],
      series: [{ label: 'time', value: (u, v) => (isNum(v) ? fmtTime(v * 1000) : DASH) }].concat(series),
    };
  }

  function chartWidth(body) { return Math.max(200, Math.floor(body.clientWidth)); }

  function createChartCard(spec) {
    const card = el('section', 'card chart-card');
    card.id = 'chart-' + spec.id;
    const title = card.appendChild(el('h3', 'chart-title', spec.title));
    if (spec.unit) title.appendChild(el('span', 'chart-unit', DOT + spec.unit));
    $('charts').appendChild(card);
    return card.appendChild(el('div', 'chart-body'));
  }

  /** Creates the chart, or feeds it new data; a changed set of series rebuilds it. */
  function upsertChart(spec, data) {
    const signature = spec.series.map((s) => s.label).join('\n');
    const c = state.charts.get(spec.id) || { body: createChartCard(spec), plot: null, signature: signature };
    if (c.plot && c.signature !== signature) {
      c.plot.destroy();
      c.plot = null;
    }
    if (!c.plot) c.plot = new uPlot(chartOptions(spec, chartWidth(c.body)), data, c.body);
    else c.plot.setData(data);
    if (cursorAway(c.plot)) showNewest(c.plot);
    c.signature = signature;
    state.charts.set(spec.id, c);
  }

  function renderCharts(d) {
    if (typeof uPlot !== 'function') return;
    const x = d.buckets.t.map((t) => t / 1000);
    builtinCharts(d).concat(customCharts(d)).forEach((spec) => upsertChart(spec, [x].concat(spec.series.map((s) => s.data))));
  }

  function resizeCharts() {
    state.charts.forEach((c) => c.plot && c.plot.setSize({ width: chartWidth(c.body), height: CHART_HEIGHT }));
  }

  function debounce(fn, ms) {
    let timer = 0;
    return () => { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }

  /* ---------- Rendering and live mode ---------- */

  /** One full render of the current Data (once per snapshot or update). */
  function render() {
    window.rk6Data = state.data;
    [renderHeader, renderTiles, renderThresholds, renderCharts, renderTables, renderTexts].forEach((f) => f(state.data));
    if (!state.ready) {
      state.ready = true;
      document.body.dataset.ready = '1';
    }
  }

  function showLive(cls, text) {
    const live = $('live');
    live.hidden = false;
    live.className = 'live ' + cls;
    setText('live-text', text);
  }

  /** The run is gone: stop listening, with no reconnects, and stop the elapsed clock. */
  function stopLive(cls, text) {
    if (state.source) state.source.close();
    state.source = null;
    clearInterval(state.ticker);
    showLive(cls || 'ended', text || 'run finished');
  }

  function onEvent(ev, isSnapshot) {
    state.failedTries = 0;
    let incoming;
    try { incoming = JSON.parse(ev.data); } catch (e) { return; }
    state.data = isSnapshot || !state.data ? normalize(incoming) : mergeUpdate(state.data, incoming);
    render();
    // The stream stays open after the run: rk6 keeps serving while a page is connected.
    if (isFinished(state.data)) {
      clearInterval(state.ticker);
      showLive('ended', 'run finished');
    }
  }

  function startLive() {
    state.live = true;
    showLive('connecting', 'connecting\u2026');
    const source = new EventSource('/events');
    state.source = source;
    source.addEventListener('snapshot', (ev) => onEvent(ev, true));
    source.addEventListener('update', (ev) => onEvent(ev, false));
    source.onopen = () => showLive('connected', 'live');
    // EventSource retries by itself; a run that stays unreachable is given up quietly.
    source.onerror = () => {
      state.failedTries += 1;
      if (isFinished(state.data)) stopLive();
      else if (state.failedTries > MAX_RETRIES) stopLive('disconnected', 'disconnected');
      else showLive('disconnected', 'disconnected, retrying\u2026');
    };
    state.ticker = setInterval(renderElapsed, 1000);
  }

  function readEmbedded() {
    const block = $('rk6-data');
    try { return block ? JSON.parse(block.textContent) : null; } catch (e) { return null; }
  }

  function boot() {
    window.rk6StatsCsv = () => statsCsv(state.data);
    $('download-csv').addEventListener('click', downloadCsv);
    window.addEventListener('resize', debounce(resizeCharts, 150));
    const embedded = readEmbedded();
    if (isObj(embedded)) {
      state.data = normalize(embedded);
      render();
    } else if (/^https?:$/.test(location.protocol)) {
      startLive();
    } else {
      const notice = $('notice');
      notice.hidden = false;
      notice.textContent = 'This page holds no run data: open a report written by rk6, or the live dashboard it serves.';
      state.data = normalize(null);
      render();
    }
  }

  boot();
})();
