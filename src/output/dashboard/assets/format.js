/* rk6 dashboard and HTML report: formatting numbers, sizes and times the way the page
 * shows them, and the few DOM helpers every part uses. Loaded before app.js, which takes
 * these from window.rk6Format. Plain ES2017, no modules. */
(function () {
  'use strict';

  const DASH = '\u2014';

  /* ---------- Formatting ---------- */

  function isNum(v) { return typeof v === 'number' && isFinite(v); }
  function tidy(v, digits) { return String(+v.toFixed(digits === undefined ? 2 : digits)); }
  function pad2(n) { return (n < 10 ? '0' : '') + n; }

  /** A measurement for a table cell: fewer decimals as the value grows. */
  function fmtNum(v) {
    if (!isNum(v)) return DASH;
    const a = Math.abs(v);
    return a >= 100 || Number.isInteger(v) ? String(Math.round(v)) : v.toFixed(a >= 10 ? 1 : 2);
  }
  function fmtInt(v) { return isNum(v) ? String(Math.round(v)) : DASH; }
  function fmtRate(v) { return isNum(v) ? fmtNum(v) + '/s' : DASH; }
  function fmtCompact(v) {
    if (!isNum(v)) return DASH;
    const a = Math.abs(v);
    return a >= 1e9 ? tidy(v / 1e9) + 'G' : a >= 1e6 ? tidy(v / 1e6) + 'M' : a >= 1e3 ? tidy(v / 1e3) + 'k' : tidy(v);
  }
  /** Milliseconds with a unit, switching to seconds from 1 s. */
  function fmtMs(v) {
    if (!isNum(v)) return DASH;
    if (Math.abs(v) >= 1000) return tidy(v / 1000) + ' s';
    return (Math.abs(v) >= 100 ? String(Math.round(v)) : tidy(v)) + ' ms';
  }
  /** Bytes in k6's decimal units (kB = 1000 B). */
  function fmtBytes(v) {
    if (!isNum(v)) return DASH;
    const units = ['B', 'kB', 'MB', 'GB', 'TB'];
    let i = 0;
    let n = v;
    while (Math.abs(n) >= 1000 && i < units.length - 1) { n /= 1000; i += 1; }
    const a = Math.abs(n);
    return (i === 0 ? tidy(n, 1) : tidy(n, a >= 100 ? 0 : a >= 10 ? 1 : 2)) + ' ' + units[i];
  }
  function fmtPct(fraction) {
    if (!isNum(fraction)) return DASH;
    const p = fraction * 100;
    return (p === 0 || p === 100 ? String(p) : p.toFixed(2)) + '%';
  }
  /** Local clock time "15:04:05"; with the date too, "2006-01-02 15:04:05". */
  function fmtTime(ms, withDate) {
    if (!isNum(ms)) return DASH;
    const d = new Date(ms);
    const date = withDate ? d.getFullYear() + '-' + pad2(d.getMonth() + 1) + '-' + pad2(d.getDate()) + ' ' : '';
    return date + pad2(d.getHours()) + ':' + pad2(d.getMinutes()) + ':' + pad2(d.getSeconds());
  }
  /** A span of time as "1h 2m 3s". */
  function fmtSpan(ms) {
    if (!isNum(ms) || ms < 0) return DASH;
    const s = Math.floor(ms / 1000);
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return (h ? [h + 'h', m + 'm'] : m ? [m + 'm'] : []).concat([(s % 60) + 's']).join(' ');
  }

  /* ---------- DOM helpers ---------- */

  function $(id) { return document.getElementById(id); }
  function setText(id, text) { const e = $(id); if (e) e.textContent = text; }
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }


  window.rk6Format = { isNum, tidy, pad2, fmtNum, fmtInt, fmtRate, fmtCompact, fmtMs, fmtBytes, fmtPct, fmtTime, fmtSpan, $, setText, el };
})();
