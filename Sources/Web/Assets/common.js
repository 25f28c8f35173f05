/* Souk — shared helpers for the dashboard pages (plain ES2020, no modules).
 *
 * Everything that comes from data is written with textContent; nothing here
 * ever assigns innerHTML. Exposes a single global: window.Souk.
 */
'use strict';

(function () {
  const DASH = '—';
  const LOCALE = 'en-US'; // fixed so "12,345.67 €" / "1,234" look the same everywhere

  const nf = {
    money: new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    count: new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 }),
    decimal: new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 }),
    compact: new Intl.NumberFormat(LOCALE, { notation: 'compact', maximumFractionDigits: 1 }),
    percent: new Intl.NumberFormat(LOCALE, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }),
  };

  /* ---- numbers ------------------------------------------------------- */

  /** A finite number from a JSON value, or null. */
  function toNum(v) {
    if (typeof v === 'number') return Number.isFinite(v) ? v : null;
    if (typeof v === 'string' && v.trim() !== '') {
      const n = Number(v);
      return Number.isFinite(n) ? n : null;
    }
    return null;
  }

  const fmt = {
    money(v) { const n = toNum(v); return n === null ? DASH : `${nf.money.format(n)} €`; },
    count(v) { const n = toNum(v); return n === null ? DASH : nf.count.format(n); },
    decimal(v) { const n = toNum(v); return n === null ? DASH : nf.decimal.format(n); },
    compact(v) { const n = toNum(v); return n === null ? DASH : nf.compact.format(n); },
    compactMoney(v) { const n = toNum(v); return n === null ? DASH : `${nf.compact.format(n)} €`; },
    percent(v) { const n = toNum(v); return n === null ? DASH : nf.percent.format(n); },
    ms(v) { const n = toNum(v); return n === null ? DASH : `${nf.count.format(n)} ms`; },
    bytes(v) {
      let n = toNum(v);
      if (n === null) return DASH;
      const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
      let i = 0;
      while (Math.abs(n) >= 1024 && i < units.length - 1) { n /= 1024; i += 1; }
      return `${nf.decimal.format(n)} ${units[i]}`;
    },
    text(v) { return v === null || v === undefined || v === '' ? DASH : String(v); },
  };

  /* ---- time (UTC / local toggle) ------------------------------------- */

  const TIME_KEY = 'souk.timeMode';
  const timeListeners = [];
  let timeMode = readTimeMode();

  function readTimeMode() {
    try { return localStorage.getItem(TIME_KEY) === 'local' ? 'local' : 'utc'; } catch (_) { return 'utc'; }
  }

  function setTimeMode(mode) {
    timeMode = mode === 'local' ? 'local' : 'utc';
    try { localStorage.setItem(TIME_KEY, timeMode); } catch (_) { /* storage may be disabled */ }
    updateTimeToggle();
    for (const fn of timeListeners) {
      try { fn(timeMode); } catch (e) { console.error(e); }
    }
  }

  /** A Date from an ISO string, a Date or epoch milliseconds; null when invalid. */
  function toDate(v) {
    if (v === null || v === undefined || v === '') return null;
    const d = v instanceof Date ? v : new Date(typeof v === 'number' ? v : String(v));
    return Number.isNaN(d.getTime()) ? null : d;
  }

  const pad = (n) => String(n).padStart(2, '0');

  function timeParts(d) {
    const u = timeMode === 'utc';
    return {
      y: u ? d.getUTCFullYear() : d.getFullYear(),
      mo: (u ? d.getUTCMonth() : d.getMonth()) + 1,
      d: u ? d.getUTCDate() : d.getDate(),
      h: u ? d.getUTCHours() : d.getHours(),
      mi: u ? d.getUTCMinutes() : d.getMinutes(),
      s: u ? d.getUTCSeconds() : d.getSeconds(),
    };
  }

  /** "2024-05-01 12:34:56 UTC" or, in local mode, "2024-05-01 14:34:56". */
  fmt.time = function (v) {
    const d = toDate(v);
    if (!d) return DASH;
    const p = timeParts(d);
    const text = `${p.y}-${pad(p.mo)}-${pad(p.d)} ${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}`;
    return timeMode === 'utc' ? `${text} UTC` : text;
  };

  /** "12:34" (axis labels). */
  fmt.clock = function (v) {
    const d = toDate(v);
    if (!d) return DASH;
    const p = timeParts(d);
    return `${pad(p.h)}:${pad(p.mi)}`;
  };

  /** "12:34:56" (compact times in tables of recent events). */
  fmt.clockSeconds = function (v) {
    const d = toDate(v);
    if (!d) return DASH;
    const p = timeParts(d);
    return `${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}`;
  };

  function updateTimeToggle() {
    const button = document.getElementById('time-toggle');
    if (!button) return;
    button.textContent = timeMode === 'utc' ? 'Times: UTC' : 'Times: local';
    button.setAttribute('aria-label', `Times are shown in ${timeMode === 'utc' ? 'UTC' : 'local time'}; switch`);
  }

  function initTimeToggle() {
    const button = document.getElementById('time-toggle');
    if (!button) return;
    button.addEventListener('click', () => setTimeMode(timeMode === 'utc' ? 'local' : 'utc'));
    updateTimeToggle();
  }

  /* ---- DOM helpers ----------------------------------------------------- */

  /** Creates an element; text is set with textContent (never parsed as HTML). */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function byId(id) { return typeof id === 'string' ? document.getElementById(id) : id; }

  function setText(id, text) {
    const node = byId(id);
    if (node) node.textContent = text === null || text === undefined ? '' : String(text);
  }

  /** Shows a message in a (hidden by default) element; a falsy message hides it. */
  function showMessage(id, message) {
    const node = byId(id);
    if (!node) return;
    node.textContent = message ? String(message) : '';
    node.hidden = !message;
  }

  /**
   * Column specs drive both the HTML table and its CSV export:
   *   { title, csv, get(row) -> raw value, fmt?(raw,row) -> text, num?: bool }
   */
  function renderRows(tbody, rows, cols, emptyText) {
    const body = byId(tbody);
    if (!body) return;
    if (!rows || rows.length === 0) {
      const tr = el('tr', 'empty');
      const td = el('td', null, emptyText || 'No data yet');
      td.colSpan = cols.length;
      tr.append(td);
      body.replaceChildren(tr);
      return;
    }
    const trs = rows.map((row) => {
      const tr = el('tr');
      for (const col of cols) {
        const raw = col.get(row);
        const text = col.fmt ? col.fmt(raw, row) : fmt.text(raw);
        tr.append(el('td', col.num ? 'num' : null, text));
      }
      return tr;
    });
    body.replaceChildren(...trs);
  }

  /* ---- CSV --------------------------------------------------------------- */

  const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

  function csvCell(v) {
    if (v === null || v === undefined) return '';
    let s;
    if (typeof v === 'number') s = Number.isFinite(v) ? String(v) : '';
    else if (typeof v === 'boolean') s = String(v);
    else {
      s = String(v);
      // Keep spreadsheets from evaluating data as formulas (CSV injection).
      if (/^[=+\-@\t\r]/.test(s) && !NUMERIC.test(s)) s = `'${s}`;
    }
    if (/[",\r\n]/.test(s) || /^\s|\s$/.test(s)) s = `"${s.replace(/"/g, '""')}"`;
    return s;
  }

  function toCSV(rows, cols) {
    const lines = [cols.map((c) => csvCell(c.csv || c.title)).join(',')];
    for (const row of rows || []) lines.push(cols.map((c) => csvCell(c.get(row))).join(','));
    return `${lines.join('\r\n')}\r\n`;
  }

  function downloadCSV(baseName, rows, cols) {
    const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
    const blob = new Blob(['\ufeff', toCSV(rows, cols)], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = el('a');
    a.href = url;
    a.download = `${baseName}-${stamp}.csv`;
    a.hidden = true;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  /** Wires a "CSV" button; getRows() returns the raw rows at click time. */
  function bindCSV(buttonId, baseName, getRows, cols) {
    const button = byId(buttonId);
    if (button) button.addEventListener('click', () => downloadCSV(baseName, getRows() || [], cols));
  }

  /* ---- fetch --------------------------------------------------------------- */

  /** GET JSON; rejects with an Error whose message is the server's {"error"} text when present. */
  async function fetchJSON(url, timeoutMs = 8000) {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), timeoutMs);
    try {
      let res;
      try {
        res = await fetch(url, {
          headers: { Accept: 'application/json' },
          cache: 'no-store',
          credentials: 'same-origin',
          signal: ctrl.signal,
        });
      } catch (e) {
        throw new Error(e && e.name === 'AbortError' ? `${url}: request timed out` : `${url}: server unreachable`);
      }
      const text = await res.text();
      let body = null;
      let parsed = false;
      try { body = text ? JSON.parse(text) : null; parsed = true; } catch (_) { /* not JSON */ }
      if (!res.ok) {
        const detail = parsed && body && typeof body.error === 'string' ? body.error : `HTTP ${res.status}`;
        const err = new Error(detail);
        err.status = res.status;
        throw err;
      }
      if (!parsed) throw new Error(`${url}: response is not JSON`);
      return body;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Runs task() now and then every intervalMs, never overlapping itself and
   * skipping while the tab is hidden (refreshing as soon as it is visible again).
   */
  function poller(task, intervalMs) {
    let timer = null;
    let running = false;
    let active = false;

    async function tick() {
      timer = null;
      if (!active) return;
      if (!document.hidden && !running) {
        running = true;
        try { await task(); } catch (e) { console.error(e); } finally { running = false; }
      }
      if (active && timer === null) timer = setTimeout(tick, intervalMs);
    }

    document.addEventListener('visibilitychange', () => {
      if (active && !document.hidden) {
        clearTimeout(timer);
        timer = null;
        tick();
      }
    });

    return {
      start() { if (!active) { active = true; tick(); } },
      stop() { active = false; clearTimeout(timer); timer = null; },
      get active() { return active; },
    };
  }

  /* ---- status strip, "updated N s ago", pause ----------------------------- */

  /** Fills whichever status-* elements the page has from an /api/status object. */
  function renderStatus(status) {
    if (!status || typeof status !== 'object') return;
    const mode = byId('status-mode');
    if (mode) {
      mode.textContent = status.mode === 'live' ? 'live' : status.mode === 'tables' ? 'from tables' : fmt.text(status.mode);
      mode.classList.toggle('mode-live', status.mode === 'live');
      mode.classList.toggle('mode-tables', status.mode === 'tables');
    }
    setText('status-eps', fmt.decimal(status.events_per_second));
    setText('status-lag', fmt.count(status.consumer_lag));
    setText('status-batch-ms', fmt.ms(status.last_batch_ms));
    setText('status-watermark', fmt.time(status.watermark));
    setText('status-late', fmt.count(status.late_rows));
    setText('status-malformed', fmt.count(status.malformed_rows));
    setText('status-batch-id', fmt.count(status.batch_id));
  }

  /** Keeps an element saying "updated N s ago", ticking every second. */
  function ageTicker(id) {
    let at = null;
    function tick() {
      const node = byId(id);
      if (!node) return;
      if (at === null) { node.textContent = 'waiting for data…'; return; }
      const seconds = Math.max(0, Math.floor((Date.now() - at) / 1000));
      node.textContent = `updated ${nf.count.format(seconds)} s ago`;
    }
    setInterval(tick, 1000);
    tick();
    return { mark() { at = Date.now(); tick(); } };
  }

  /** A Pause/Resume button; onResume runs when updates are re-enabled. */
  function pauseControl(buttonId, onResume) {
    const button = byId(buttonId);
    let paused = false;
    if (button) {
      button.setAttribute('aria-pressed', 'false');
      button.addEventListener('click', () => {
        paused = !paused;
        button.textContent = paused ? 'Resume' : 'Pause';
        button.setAttribute('aria-pressed', String(paused));
        document.body.classList.toggle('paused', paused);
        if (!paused && onResume) onResume();
      });
    }
    return { get paused() { return paused; } };
  }

  /* ---- theme colours and charts ------------------------------------------ */

  const CHART_NOTICE = "Charts need Debian's libjs-chart.js package: sudo apt-get install libjs-chart.js";
  const charts = new Set();
  const themeListeners = [];
  const colorMaps = new Map();
  let themeCache = null;

  function readTheme() {
    const cs = getComputedStyle(document.documentElement);
    const v = (name, fallback) => cs.getPropertyValue(name).trim() || fallback;
    const series = [];
    for (let i = 0; i < 10; i += 1) series.push(v(`--series-${i}`, '#4e79a7'));
    return {
      fg: v('--fg', '#1b2230'),
      muted: v('--muted', '#5a6474'),
      grid: v('--grid', 'rgba(0,0,0,0.1)'),
      surface: v('--surface', '#ffffff'),
      font: getComputedStyle(document.body).fontFamily || 'sans-serif',
      series,
    };
  }

  function theme() {
    if (!themeCache) themeCache = readTheme();
    return themeCache;
  }

  function chartsAvailable() { return typeof window.Chart === 'function'; }

  function applyChartDefaults() {
    if (!chartsAvailable()) return;
    const t = theme();
    const d = window.Chart.defaults;
    d.color = t.muted;
    d.borderColor = t.grid;
    d.font.family = t.font;
    if (d.elements && d.elements.arc) d.elements.arc.borderColor = t.surface;
  }

  /**
   * Stable colour per key within a namespace: a category keeps its colour as
   * the ranking changes, and the bar and line charts agree.
   */
  function colorFor(key, ns = '') {
    let map = colorMaps.get(ns);
    if (!map) { map = new Map(); colorMaps.set(ns, map); }
    if (!map.has(key)) map.set(key, map.size);
    const series = theme().series;
    return series[map.get(key) % series.length];
  }

  /** Order in which keys first got a colour (keeps line datasets in stable slots). */
  function colorIndex(key, ns = '') {
    colorFor(key, ns);
    return colorMaps.get(ns).get(key);
  }

  /** Creates a chart once (animation off); returns null when Chart.js is missing. */
  function makeChart(canvasId, config) {
    const canvas = byId(canvasId);
    if (!chartsAvailable() || !canvas) return null;
    config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: false }, config.options || {});
    config.options.animation = false;
    const chart = new window.Chart(canvas, config);
    charts.add(chart);
    return chart;
  }

  /** fn() runs after the colour scheme changed (re-colour datasets there). */
  function onThemeChange(fn) { themeListeners.push(fn); }
  function onTimeModeChange(fn) { timeListeners.push(fn); }

  /* Chart.js copies scale defaults into each chart's config when it is
     created, so a scheme change has to recolour existing scales explicitly. */
  function styleChartScales(chart) {
    const t = theme();
    const scales = (chart.config.options && chart.config.options.scales) || {};
    for (const id of Object.keys(scales)) {
      const scale = scales[id];
      if (!scale) continue;
      if (scale.ticks) scale.ticks.color = t.muted;
      if (scale.title) scale.title.color = t.muted;
      if (scale.grid) { scale.grid.color = t.grid; scale.grid.borderColor = t.grid; }
    }
  }

  function themeChanged() {
    themeCache = null;
    applyChartDefaults();
    for (const fn of themeListeners) {
      try { fn(); } catch (e) { console.error(e); }
    }
    for (const chart of charts) {
      styleChartScales(chart);
      chart.update('none');
    }
  }

  /* ---- start-up ------------------------------------------------------------- */

  function init() {
    initTimeToggle();
    if (chartsAvailable()) {
      applyChartDefaults();
    } else {
      document.body.classList.add('no-charts');
      showMessage('chart-notice', CHART_NOTICE);
    }
    const mq = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
    if (mq) {
      if (mq.addEventListener) mq.addEventListener('change', themeChanged);
      else if (mq.addListener) mq.addListener(themeChanged);
    }
    // Time labels on chart axes are formatted at draw time: redraw on toggle.
    timeListeners.push(() => { for (const chart of charts) chart.update('none'); });
  }

  init();

  window.Souk = Object.freeze({
    DASH,
    toNum,
    toDate,
    fmt,
    el,
    byId,
    setText,
    showMessage,
    renderRows,
    csvCell,
    toCSV,
    downloadCSV,
    bindCSV,
    fetchJSON,
    poller,
    renderStatus,
    ageTicker,
    pauseControl,
    theme,
    colorFor,
    colorIndex,
    chartsAvailable,
    makeChart,
    onThemeChange,
    onTimeModeChange,
    get timeMode() { return timeMode; },
    setTimeMode,
  });
})();
