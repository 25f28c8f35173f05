/* Souk — broker page (/broker): topic partitions and consumer groups from
 * /api/broker, polled every 5 s. A 503 {"error": "..."} is shown as text and
 * the last good tables stay visible, dimmed. */
'use strict';

(function () {
  const S = window.Souk;
  const { fmt, toNum } = S;

  const POLL_MS = 5000;
  const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  const list = (v) => (Array.isArray(v) ? v.filter(isObj) : []);

  let topics = [];
  let groups = [];
  const age = S.ageTicker('broker-updated');

  const TOPIC_COLS = [
    { title: 'Topic', csv: 'topic', get: (r) => r.topic },
    { title: 'Partition', csv: 'partition', get: (r) => r.partition, fmt: fmt.count, num: true },
    { title: 'Log start', csv: 'log_start_offset', get: (r) => r.start, fmt: fmt.count, num: true },
    { title: 'Log end', csv: 'log_end_offset', get: (r) => r.end, fmt: fmt.count, num: true },
    { title: 'Records', csv: 'records', get: (r) => r.records, fmt: fmt.count, num: true },
  ];

  const GROUP_COLS = [
    { title: 'Group', csv: 'group_id', get: (r) => r.group },
    { title: 'State', csv: 'state', get: (r) => r.state },
    { title: 'Topic', csv: 'topic', get: (r) => r.topic },
    { title: 'Partition', csv: 'partition', get: (r) => r.partition, fmt: fmt.count, num: true },
    { title: 'Committed', csv: 'committed', get: (r) => r.committed, fmt: fmt.count, num: true },
    { title: 'Lag', csv: 'lag', get: (r) => r.lag, fmt: fmt.count, num: true },
  ];

  S.bindCSV('csv-broker-topics', 'souk-broker-topics', () => topics, TOPIC_COLS);
  S.bindCSV('csv-broker-groups', 'souk-broker-groups', () => groups, GROUP_COLS);

  /** One row per partition (a topic without partitions still gets a row). */
  function topicRows(data) {
    const rows = [];
    for (const t of list(data.topics)) {
      const parts = list(t.partitions);
      if (!parts.length) rows.push({ topic: t.name, partition: null, start: null, end: null, records: null });
      for (const p of parts) {
        const start = toNum(p.log_start_offset);
        const end = toNum(p.log_end_offset);
        rows.push({
          topic: t.name,
          partition: toNum(p.partition),
          start,
          end,
          records: start !== null && end !== null ? end - start : null,
        });
      }
    }
    return rows;
  }

  /** One row per committed offset (a group without offsets still gets a row). */
  function groupRows(data) {
    const rows = [];
    for (const g of list(data.groups)) {
      const offsets = list(g.offsets);
      if (!offsets.length) rows.push({ group: g.group_id, state: g.state, topic: null, partition: null, committed: null, lag: null });
      for (const o of offsets) {
        rows.push({
          group: g.group_id,
          state: g.state,
          topic: o.topic,
          partition: toNum(o.partition),
          committed: toNum(o.committed),
          lag: toNum(o.lag),
        });
      }
    }
    return rows;
  }

  function setStale(stale) {
    for (const id of ['broker-topics-panel', 'broker-groups-panel']) {
      const node = S.byId(id);
      if (node) node.classList.toggle('stale', stale);
    }
  }

  function render(data) {
    topics = topicRows(data);
    groups = groupRows(data);
    S.setText('broker-bootstrap', fmt.text(data.bootstrap));
    const totalLag = groups.reduce((acc, r) => acc + (r.lag ?? 0), 0);
    const topicCount = list(data.topics).length;
    const groupCount = list(data.groups).length;
    S.setText('broker-summary',
      `${fmt.count(topicCount)} topic${topicCount === 1 ? '' : 's'}, ` +
      `${fmt.count(topics.filter((r) => r.partition !== null).length)} partitions, ` +
      `${fmt.count(groupCount)} consumer group${groupCount === 1 ? '' : 's'}, total lag ${fmt.count(totalLag)}`);
    S.renderRows(document.querySelector('#broker-topics tbody'), topics, TOPIC_COLS, 'No topics');
    S.renderRows(document.querySelector('#broker-groups tbody'), groups, GROUP_COLS, 'No consumer groups');
  }

  async function poll() {
    try {
      const data = await S.fetchJSON('/api/broker');
      if (!isObj(data)) throw new Error('unexpected response from /api/broker');
      S.showMessage('broker-error', '');
      setStale(false);
      render(data);
      age.mark();
    } catch (e) {
      S.showMessage('broker-error', `Broker unavailable: ${e.message}`);
      setStale(topics.length > 0 || groups.length > 0);
    }
  }

  S.poller(poll, POLL_MS).start();
})();
