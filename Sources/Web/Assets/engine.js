/* Souk — stream engine page (/engine): micro-batch history from
 * /api/engine/progress (Spark StreamingQueryProgress-like) and /api/status,
 * polled every 2 s. Every field is optional: missing ones show as "—". */
'use strict';

(function () {
  const S = window.Souk;
  const { fmt, toNum } = S;

  const POLL_MS = 2000;
  const PHASES = ['getBatch', 'map', 'reduce', 'sink', 'commitOffsets', 'triggerExecution'];

  const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  const list = (v) => (Array.isArray(v) ? v.filter(isObj) : []);

  let batches = [];      // normalised, oldest first
  let pending = null;
  const age = S.ageTicker('status-updated');
  const pause = S.pauseControl('pause-button', () => {
    if (pending) { const p = pending; pending = null; apply(p); }
  });

  /** Flattens one progress report into the numbers this page shows. */
  function normalize(p, index) {
    const d = isObj(p.durationMs) ? p.durationMs : {};
    const ops = list(p.stateOperators);
    const sumOps = (field) => {
      const values = ops.map((o) => toNum(o[field])).filter((v) => v !== null);
      return values.length ? values.reduce((a, b) => a + b, 0) : null;
    };
    const et = isObj(p.eventTime) ? p.eventTime : {};
    const max = S.toDate(et.max);
    let wm = S.toDate(et.watermark);
    if (!wm && toNum(p.watermark) !== null) wm = new Date(toNum(p.watermark) / 1000); // µs → ms
    if (wm && wm.getTime() <= 0) wm = null; // epoch 0 means "no watermark yet"
    const row = {
      batchId: toNum(p.batchId),
      index,
      timestamp: typeof p.timestamp === 'string' ? p.timestamp : null,
      inputRows: toNum(p.numInputRows),
      inputRate: toNum(p.inputRowsPerSecond),
      processedRate: toNum(p.processedRowsPerSecond),
      stateRows: sumOps('numRowsTotal'),
      stateUpdated: sumOps('numRowsUpdated'),
      stateMemory: sumOps('memoryUsedBytes'),
      late: toNum(p.lateRows) ?? sumOps('numRowsDroppedByWatermark'),
      malformed: toNum(p.malformedRows),
      eventMax: max ? max.toISOString() : null,
      watermark: wm ? wm.toISOString() : null,
      gapSeconds: max && wm ? (max.getTime() - wm.getTime()) / 1000 : null,
    };
    for (const phase of PHASES) row[phase] = toNum(d[phase]);
    return row;
  }

  /* ---- table ------------------------------------------------------------ */

  const TABLE_COLS = [
    { title: 'Batch', csv: 'batch_id', get: (r) => r.batchId, fmt: fmt.count, num: true },
    { title: 'Time', csv: 'timestamp', get: (r) => r.timestamp, fmt: (v) => fmt.time(v) },
    { title: 'Input rows', csv: 'input_rows', get: (r) => r.inputRows, fmt: fmt.count, num: true },
    ...PHASES.map((phase) => ({ title: phase, csv: `${phase}_ms`, get: (r) => r[phase], fmt: fmt.count, num: true })),
    { title: 'State rows', csv: 'state_rows', get: (r) => r.stateRows, fmt: fmt.count, num: true },
    { title: 'Late', csv: 'late_rows', get: (r) => r.late, fmt: fmt.count, num: true },
    { title: 'Malformed', csv: 'malformed_rows', get: (r) => r.malformed, fmt: fmt.count, num: true },
  ];
  const CSV_COLS = TABLE_COLS.concat([
    { csv: 'input_rows_per_second', get: (r) => r.inputRate },
    { csv: 'processed_rows_per_second', get: (r) => r.processedRate },
    { csv: 'state_rows_updated', get: (r) => r.stateUpdated },
    { csv: 'state_memory_bytes', get: (r) => r.stateMemory },
    { csv: 'event_time_max', get: (r) => r.eventMax },
    { csv: 'watermark', get: (r) => r.watermark },
    { csv: 'watermark_gap_seconds', get: (r) => r.gapSeconds },
  ]);

  const newestFirst = () => batches.slice().reverse();
  S.bindCSV('csv-batch-history', 'souk-engine-batches', newestFirst, CSV_COLS);

  /* ---- charts ------------------------------------------------------------- */

  function batchTitle(items) {
    const row = items.length ? batches[items[0].dataIndex] : null;
    if (!row) return '';
    return `Batch ${fmt.count(row.batchId)} · ${fmt.time(row.timestamp)}`;
  }

  function lineChart(canvasId, datasets, options) {
    return S.makeChart(canvasId, {
      type: 'line',
      data: { labels: [], datasets: datasets.map((d) => Object.assign({ data: [] }, d)) },
      options: Object.assign({
        interaction: { mode: 'index', intersect: false },
        elements: { point: { radius: 0, hoverRadius: 3 }, line: { borderWidth: 2, tension: 0.15 } },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } },
          tooltip: { callbacks: { title: batchTitle } },
        },
        scales: {
          x: { ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 10 } },
          y: { beginAtZero: true, ticks: { callback: (v) => fmt.compact(v) } },
        },
      }, options || {}),
    });
  }

  const charts = {
    rows: lineChart('chart-engine-rows', [
      { label: 'Input rows', field: 'inputRows', yAxisID: 'y' },
      { label: 'Trigger duration (ms)', field: 'triggerExecution', yAxisID: 'y1' },
    ], {
      scales: {
        x: { ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 10 } },
        y: { beginAtZero: true, position: 'left', title: { display: true, text: 'rows' }, ticks: { callback: (v) => fmt.compact(v) } },
        y1: { beginAtZero: true, position: 'right', title: { display: true, text: 'ms' }, grid: { drawOnChartArea: false }, ticks: { callback: (v) => fmt.compact(v) } },
      },
    }),
    state: lineChart('chart-engine-state', [
      { label: 'State rows', field: 'stateRows' },
      { label: 'Rows updated', field: 'stateUpdated' },
    ]),
    watermark: lineChart('chart-engine-watermark', [
      { label: 'Event time max − watermark (s)', field: 'gapSeconds' },
    ]),
    late: S.makeChart('chart-engine-late', {
      type: 'bar',
      data: {
        labels: [],
        datasets: [
          { label: 'Late rows', field: 'late', data: [] },
          { label: 'Malformed rows', field: 'malformed', data: [] },
        ],
      },
      options: {
        interaction: { mode: 'index', intersect: false },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } },
          tooltip: { callbacks: { title: batchTitle } },
        },
        scales: {
          x: { ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 10 } },
          y: { beginAtZero: true, ticks: { precision: 0, callback: (v) => fmt.compact(v) } },
        },
      },
    }),
  };

  function updateCharts() {
    const labels = batches.map((b) => (b.batchId === null ? `#${b.index + 1}` : String(b.batchId)));
    const series = S.theme().series;
    for (const chart of Object.values(charts)) {
      if (!chart) continue;
      chart.data.labels = labels;
      chart.data.datasets.forEach((ds, i) => {
        ds.data = batches.map((b) => b[ds.field]);
        ds.borderColor = series[i % series.length];
        ds.backgroundColor = series[i % series.length];
      });
      chart.update('none');
    }
  }

  /* ---- rendering ------------------------------------------------------------ */

  function renderSummary() {
    // Latest batch that reported the field.
    const latest = (field) => {
      for (let i = batches.length - 1; i >= 0; i -= 1) if (batches[i][field] !== null) return batches[i][field];
      return null;
    };
    S.setText('engine-input-rate', fmt.decimal(latest('inputRate')));
    S.setText('engine-processed-rate', fmt.decimal(latest('processedRate')));
    S.setText('engine-state-rows', fmt.count(latest('stateRows')));
    S.setText('engine-state-memory', fmt.bytes(latest('stateMemory')));
  }

  function render() {
    S.renderRows(document.querySelector('#batch-history tbody'), newestFirst(), TABLE_COLS, 'No batches yet');
    renderSummary();
    updateCharts();
  }

  function apply(data) {
    if (Array.isArray(data.progress)) {
      batches = list(data.progress)
        .filter((p) => p.batchId !== undefined || p.timestamp !== undefined || p.numInputRows !== undefined)
        .map(normalize);
    }
    if (isObj(data.status)) S.renderStatus(data.status);
    age.mark();
    render();
  }

  async function poll() {
    const [progress, status] = await Promise.allSettled([
      S.fetchJSON('/api/engine/progress?n=50'),
      S.fetchJSON('/api/status'),
    ]);
    const errors = [];
    if (progress.status === 'rejected') errors.push(`progress: ${progress.reason.message}`);
    if (status.status === 'rejected') errors.push(`status: ${status.reason.message}`);
    S.showMessage('error-banner', errors.length ? `Could not load ${errors.join('; ')}` : '');
    const data = {};
    if (progress.status === 'fulfilled') data.progress = progress.value;
    if (status.status === 'fulfilled') data.status = status.value;
    if (!Object.keys(data).length) return;
    if (pause.paused) { pending = Object.assign(pending || {}, data); return; }
    apply(data);
  }

  S.onTimeModeChange(render);
  S.onThemeChange(updateCharts);
  S.poller(poll, POLL_MS).start();
})();
