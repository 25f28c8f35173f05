/* Souk — live dashboard (/): cards, four charts, top-10 table, status strip.
 * Data arrives over Server-Sent Events (/api/stream); if that does not work,
 * the same picture is rebuilt by polling the JSON routes every 10 s. */
'use strict';

(function () {
  const S = window.Souk;
  const { fmt, toNum } = S;

  const SSE_URL = '/api/stream';
  const FIRST_UPDATE_MS = 5000; // no update this long after (re)connecting → poll
  const RECONNECT_MS = 4000;    // re-create a CLOSED EventSource after this
  const POLL_MS = 10000;

  const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  const list = (v) => (Array.isArray(v) ? v.filter(isObj) : []);

  /* ---- state ----------------------------------------------------------- */

  const current = {};   // last applied data, same shape as an SSE "update"
  let pending = null;   // received while paused
  const age = S.ageTicker('status-updated');
  const pause = S.pauseControl('pause-button', () => {
    if (pending) { const p = pending; pending = null; apply(p); }
  });

  /* ---- charts (created once, updated in place) ------------------------- */

  // Fresh objects per chart: Chart.js keeps references to option objects.
  const revenueAxis = () => ({ beginAtZero: true, ticks: { callback: (v) => fmt.compactMoney(v) } });
  const legendBottom = () => ({ position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } });

  const charts = {
    categories: S.makeChart('chart-categories', {
      type: 'bar',
      data: { labels: [], datasets: [{ label: 'Revenue', data: [], backgroundColor: [], shares: [] }] },
      options: {
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (c) => `${fmt.money(c.raw)} (${fmt.percent(c.dataset.shares[c.dataIndex])} of revenue)` } },
        },
        scales: { y: revenueAxis(), x: { ticks: { maxRotation: 45 } } },
      },
    }),
    cities: S.makeChart('chart-cities', {
      type: 'pie',
      data: { labels: [], datasets: [{ label: 'Revenue', data: [], backgroundColor: [], shares: [] }] },
      options: {
        plugins: {
          legend: legendBottom(),
          tooltip: { callbacks: { label: (c) => `${c.label}: ${fmt.money(c.raw)} (${fmt.percent(c.dataset.shares[c.dataIndex])})` } },
        },
      },
    }),
    payments: S.makeChart('chart-payments', {
      type: 'doughnut',
      data: { labels: [], datasets: [{ label: 'Transactions', data: [], backgroundColor: [], revenue: [] }] },
      options: {
        plugins: {
          legend: legendBottom(),
          tooltip: {
            callbacks: {
              label: (c) => `${c.label}: ${fmt.count(c.raw)} transactions · ${fmt.money(c.dataset.revenue[c.dataIndex])}`,
            },
          },
        },
      },
    }),
    timeseries: S.makeChart('chart-timeseries', {
      type: 'line',
      data: { labels: [], datasets: [] },
      options: {
        interaction: { mode: 'index', intersect: false },
        elements: { point: { radius: 0, hoverRadius: 3 }, line: { borderWidth: 2, tension: 0.2 } },
        plugins: {
          legend: legendBottom(),
          tooltip: {
            itemSort: (a, b) => (b.raw || 0) - (a.raw || 0),
            callbacks: {
              title: (items) => (items.length ? fmt.time(items[0].label) : ''),
              label: (c) => `${c.dataset.label}: ${fmt.money(c.raw)}`,
            },
          },
        },
        scales: {
          x: {
            ticks: {
              maxRotation: 0,
              autoSkip: true,
              maxTicksLimit: 12,
              // labels are ISO window starts; format at draw time (UTC/local toggle)
              callback(value) { return fmt.clock(this.getLabelForValue(value)); },
            },
          },
          y: revenueAxis(),
        },
      },
    }),
  };

  /** Bar/pie/doughnut from a breakdown array ({<key>, revenue, transactions, ...}). */
  function updateBreakdown(chart, rows, keyName, valueName, ns) {
    if (!chart) return;
    const ds = chart.data.datasets[0];
    chart.data.labels = rows.map((r) => fmt.text(r[keyName]));
    ds.data = rows.map((r) => toNum(r[valueName]) ?? 0);
    ds.backgroundColor = rows.map((r) => S.colorFor(String(r[keyName]), ns));
    ds.shares = rows.map((r) => (valueName === 'transactions' ? r.transaction_share : r.revenue_share));
    ds.revenue = rows.map((r) => r.revenue);
    chart.update('none');
  }

  /** One line per key over a regular grid of window starts (gaps become 0). */
  function updateTimeseries(windows) {
    const chart = charts.timeseries;
    if (!chart) return;
    const rows = windows.filter((w) => S.toDate(w.window_start));
    const starts = [...new Set(rows.map((w) => S.toDate(w.window_start).getTime()))].sort((a, b) => a - b);

    // Grid step: the smallest window width or gap between starts (60 s by default),
    // so minutes without any data still get a slot on the axis.
    let step = 0;
    const consider = (d) => { if (d > 0 && (step === 0 || d < step)) step = d; };
    for (let i = 1; i < starts.length; i += 1) consider(starts[i] - starts[i - 1]);
    for (const w of rows) {
      const end = S.toDate(w.window_end);
      if (end) consider(end.getTime() - S.toDate(w.window_start).getTime());
    }
    if (step === 0) step = 60000;
    const last = starts.length ? starts[starts.length - 1] : 0;
    const t0 = starts.length ? Math.max(starts[0], last - 1439 * step) : 0; // at most 1440 points, newest kept
    const n = starts.length ? Math.round((last - t0) / step) + 1 : 0;

    const labels = [];
    for (let i = 0; i < n; i += 1) labels.push(new Date(t0 + i * step).toISOString());

    const byKey = new Map();
    for (const w of rows) {
      const key = fmt.text(w.key);
      const i = Math.round((S.toDate(w.window_start).getTime() - t0) / step);
      if (i < 0 || i >= n) continue;
      if (!byKey.has(key)) byKey.set(key, new Array(n).fill(0));
      byKey.get(key)[i] += toNum(w.revenue) ?? 0;
    }

    // Reuse dataset objects by label so hidden-by-legend state survives updates.
    const existing = new Map(chart.data.datasets.map((d) => [d.label, d]));
    const keys = [...byKey.keys()].sort((a, b) => S.colorIndex(a, 'category') - S.colorIndex(b, 'category'));
    chart.data.labels = labels;
    chart.data.datasets = keys.map((key) => {
      const ds = existing.get(key) || { label: key, data: [] };
      const color = S.colorFor(key, 'category');
      ds.data = byKey.get(key);
      ds.borderColor = color;
      ds.backgroundColor = color;
      return ds;
    });
    chart.update('none');
  }

  /* ---- top-10 table ---------------------------------------------------- */

  const TOP_COLS = [
    { title: 'Transaction', csv: 'transaction_id', get: (r) => r.transaction_id },
    { title: 'User', csv: 'user_id', get: (r) => r.user_id },
    { title: 'City', csv: 'city', get: (r) => r.city },
    { title: 'Category', csv: 'category', get: (r) => r.category },
    { title: 'Amount', csv: 'amount', get: (r) => r.amount, fmt: fmt.money, num: true },
    { title: 'Quantity', csv: 'quantity', get: (r) => r.quantity, fmt: fmt.count, num: true },
    { title: 'Payment method', csv: 'payment_method', get: (r) => r.payment_method },
    { title: 'Timestamp', csv: 'timestamp', get: (r) => r.timestamp, fmt: (v) => fmt.time(v) },
  ];

  const topBody = document.querySelector('#top-transactions tbody');
  S.bindCSV('csv-top-transactions', 'souk-top-transactions', () => list(current.top_transactions), TOP_COLS);

  /* ---- rendering ------------------------------------------------------- */

  function renderCards(stats) {
    S.setText('card-revenue', fmt.money(stats.revenue));
    S.setText('card-transactions', fmt.count(stats.transactions));
    S.setText('card-users', fmt.count(stats.unique_users));
    S.setText('card-average', fmt.money(stats.average_amount));
    S.setText('card-items', toNum(stats.items) === null ? '' : `${fmt.count(stats.items)} items sold`);
  }

  function render() {
    const stats = isObj(current.stats) ? current.stats : null;
    if (stats) renderCards(stats);
    if (Array.isArray(current.categories)) updateBreakdown(charts.categories, list(current.categories), 'category', 'revenue', 'category');
    if (Array.isArray(current.cities)) updateBreakdown(charts.cities, list(current.cities), 'city', 'revenue', 'city');
    if (Array.isArray(current.payments)) updateBreakdown(charts.payments, list(current.payments), 'payment_method', 'transactions', 'payment');
    const windows = isObj(current.windows) ? current.windows.category : undefined;
    if (Array.isArray(windows)) updateTimeseries(list(windows));
    if (Array.isArray(current.top_transactions)) renderTop();
    if (isObj(current.status)) {
      const status = Object.assign({}, current.status);
      if (!status.watermark && stats && stats.watermark) status.watermark = stats.watermark;
      S.renderStatus(status);
    } else if (stats) {
      S.setText('status-watermark', fmt.time(stats.watermark));
    }
  }

  function renderTop() {
    S.renderRows(topBody, list(current.top_transactions), TOP_COLS, 'No transactions yet');
  }

  /** Merges the parts present in `data` into the current picture and redraws. */
  function apply(data) {
    for (const key of ['stats', 'categories', 'cities', 'payments', 'top_transactions', 'windows', 'status']) {
      if (data[key] !== undefined && data[key] !== null) current[key] = data[key];
    }
    age.mark();
    render();
  }

  function receive(data) {
    if (!isObj(data)) return;
    if (pause.paused) { pending = pending ? Object.assign(pending, data) : data; return; }
    apply(data);
  }

  S.onTimeModeChange(render);
  S.onThemeChange(render);

  /* ---- transport: SSE first, polling as fallback ----------------------- */

  function setConnection(state) {
    const node = S.byId('status-connection');
    if (!node) return;
    const labels = { stream: 'stream', polling: 'polling every 10 s', connecting: 'connecting…', down: 'disconnected' };
    node.textContent = labels[state] || state;
    node.className = `value conn-${state}`;
  }

  async function pollOnce() {
    const urls = [
      ['stats', '/api/stats'],
      ['categories', '/api/categories'],
      ['cities', '/api/cities'],
      ['payments', '/api/payments'],
      ['top_transactions', '/api/transactions/top?n=10'],
      ['series', '/api/timeseries?dimension=category&minutes=60'],
      ['status', '/api/status'],
    ];
    const results = await Promise.allSettled(urls.map(([, url]) => S.fetchJSON(url)));
    const data = {};
    const errors = [];
    results.forEach((r, i) => {
      const [name, url] = urls[i];
      if (r.status === 'rejected') { errors.push(`${url}: ${r.reason && r.reason.message}`); return; }
      if (name === 'series') data.windows = { category: r.value };
      else data[name] = r.value;
    });
    S.showMessage('error-banner', errors.length ? `Could not load ${errors.join('; ')}` : '');
    if (Object.keys(data).length) receive(data);
    else setConnection('down');
  }

  const polling = S.poller(pollOnce, POLL_MS);
  let source = null;
  let watchdog = null;
  let reconnectTimer = null;

  function startPolling() {
    if (!polling.active) polling.start();
    setConnection('polling');
  }

  function armWatchdog() {
    if (watchdog || polling.active) return;
    watchdog = setTimeout(() => { watchdog = null; startPolling(); }, FIRST_UPDATE_MS);
  }

  function onUpdate(event) {
    clearTimeout(watchdog);
    watchdog = null;
    if (polling.active) polling.stop();
    setConnection('stream');
    S.showMessage('error-banner', '');
    let data;
    try { data = JSON.parse(event.data); } catch (e) { console.error('bad update event', e); return; }
    receive(data);
  }

  function connect() {
    reconnectTimer = null;
    if (typeof window.EventSource !== 'function') { startPolling(); return; }
    if (source) source.close();
    const es = new EventSource(SSE_URL);
    source = es;
    if (!polling.active) setConnection('connecting');
    armWatchdog();
    es.addEventListener('update', onUpdate);
    es.addEventListener('error', () => {
      if (es !== source) return;
      // CONNECTING: the browser retries by itself. CLOSED: it gave up; start over.
      const closed = es.readyState === EventSource.CLOSED;
      if (closed && !reconnectTimer) reconnectTimer = setTimeout(connect, RECONNECT_MS);
      if (!polling.active) setConnection(closed ? 'down' : 'connecting');
      armWatchdog();
    });
  }

  render();
  connect();
})();
