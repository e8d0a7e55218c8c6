// Offline stand-in for https://jslib.k6.io/papaparse/<version>/papaparse.js: `Papa.parse`
// and `Papa.unparse` for CSV test data — RFC 4180 quoting, custom delimiters, `header`,
// `dynamicTyping`, `skipEmptyLines`, `comments`, `transformHeader`.
function parseRows(text, delimiter, comments) {
  const rows = [];
  let row = [], field = '', inQuotes = false, i = 0, quoted = false;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        inQuotes = false; i++; continue;
      }
      field += c; i++; continue;
    }
    if (c === '"' && field === '') { inQuotes = true; quoted = true; i++; continue; }
    if (text.startsWith(delimiter, i)) { row.push(field); field = ''; quoted = false; i += delimiter.length; continue; }
    if (c === '\r' || c === '\n') {
      row.push(field); rows.push(row); row = []; field = ''; quoted = false;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += c; i++;
  }
  if (field !== '' || quoted || row.length > 0) { row.push(field); rows.push(row); }
  return comments ? rows.filter((r) => !(r.length && r[0].startsWith(comments))) : rows;
}

function typed(v) {
  if (v === 'true' || v === 'TRUE') return true;
  if (v === 'false' || v === 'FALSE') return false;
  if (v === '') return null;
  if (/^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v)) return Number(v);
  return v;
}

function guessDelimiter(text) {
  const first = text.split(/\r?\n/, 1)[0];
  let best = ',', count = 0;
  for (const d of [',', '\t', '|', ';']) {
    const k = first.split(d).length - 1;
    if (k > count) { best = d; count = k; }
  }
  return best;
}

function parse(input, config = {}) {
  const text = String(input);
  const delimiter = config.delimiter || guessDelimiter(text);
  let rows = parseRows(text, delimiter, config.comments === true ? '#' : config.comments);
  const empty = (r) => r.length === 1 && r[0] === '';
  if (config.skipEmptyLines === 'greedy') rows = rows.filter((r) => !r.every((f) => f.trim() === ''));
  else if (config.skipEmptyLines) rows = rows.filter((r) => !empty(r));
  const dyn = (field, v) => {
    const d = config.dynamicTyping;
    const on = typeof d === 'function' ? d(field) : d && typeof d === 'object' ? d[field] : d;
    return on ? typed(v) : v;
  };
  const errors = [];
  let data, fields;
  if (config.header) {
    const head = rows.shift() || [];
    fields = head.map((h, i) => (config.transformHeader ? config.transformHeader(h, i) : h));
    data = rows.map((r, line) => {
      const obj = {};
      fields.forEach((f, i) => { obj[f] = dyn(f, r[i] === undefined ? '' : r[i]); });
      if (r.length !== fields.length && !empty(r)) {
        errors.push({ type: 'FieldMismatch', code: r.length < fields.length ? 'TooFewFields' : 'TooManyFields',
          message: `Too ${r.length < fields.length ? 'few' : 'many'} fields: expected ${fields.length} fields but parsed ${r.length}`, row: line });
      }
      return obj;
    });
  } else {
    data = rows.map((r) => r.map((v, i) => dyn(i, v)));
  }
  return { data, errors, meta: { delimiter, linebreak: text.includes('\r\n') ? '\r\n' : '\n', aborted: false, truncated: false, fields } };
}

function unparse(input, config = {}) {
  const delimiter = config.delimiter || ',';
  const newline = config.newline || '\r\n';
  const quote = (v) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /["\r\n]/.test(s) || s.includes(delimiter) || config.quotes === true ? `"${s.replace(/"/g, '""')}"` : s;
  };
  let rows = input;
  let lines = [];
  if (input && input.fields) {
    lines.push(input.fields.map(quote).join(delimiter));
    rows = input.data;
  } else if (Array.isArray(input) && input.length && !Array.isArray(input[0]) && typeof input[0] === 'object') {
    const fields = Object.keys(input[0]);
    if (config.header !== false) lines.push(fields.map(quote).join(delimiter));
    rows = input.map((o) => fields.map((f) => o[f]));
  }
  for (const r of rows) lines.push(r.map(quote).join(delimiter));
  return lines.join(newline);
}

const Papa = { parse, unparse };
export default Papa;
export { parse, unparse };
