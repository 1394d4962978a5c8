// Alert review: the alerts that match the filters, newest first, kept current by live `alert`
// events; each with its snapshot (frame and overlay at the strongest window), acknowledge and clip.

import { api, enc } from './api.js';
import { contrast, esc, num, time } from './format.js';
import { Live } from './live.js';
import { initNav } from './nav.js';
import { drawOverlay, fitCanvas, loadImage } from './overlay.js';
import { playClip } from './clip.js';

const $ = (id) => document.getElementById(id);
const rows = new Map(); // alertId -> {tr, alert}
let filters = readFilters();

// --- filters -----------------------------------------------------------------------------------

function readFilters() {
  const ms = (id) => ($(id).value ? new Date($(id).value).getTime() : null);
  return {
    camera: $('filter-camera').value,
    rule: $('filter-rule').value,
    from: ms('filter-from'),
    to: ms('filter-to'),
    state: $('filter-state').value,
  };
}

function query(f) {
  const q = new URLSearchParams({ state: f.state, limit: '200' });
  if (f.camera) q.set('camera', f.camera);
  if (f.rule) q.set('rule', f.rule);
  if (f.from != null) q.set('from', f.from);
  if (f.to != null) q.set('to', f.to);
  return '/api/alerts?' + q;
}

/** Whether a live alert belongs in the table under the current filters. */
function matches(a) {
  const f = filters;
  return (
    (!f.camera || a.streamId === f.camera) &&
    (!f.rule || a.ruleId === f.rule) &&
    (f.from == null || (a.end ?? Date.now()) >= f.from) &&
    (f.to == null || a.start <= f.to) &&
    (f.state === 'all' || (f.state === 'active') === a.active)
  );
}

async function fillFilterChoices() {
  const [cameras, rules] = await Promise.all([api('/api/cameras'), api('/api/rules')]);
  const fill = (select, items) => {
    const keep = select.value;
    select.length = 1;
    for (const [value, label] of items) select.add(new Option(label, value));
    select.value = keep;
  };
  fill($('filter-camera'), cameras.map((c) => [c.streamId, c.streamId]));
  fill($('filter-rule'), rules.map((r) => [r.ruleId, r.name]));
}

async function reload() {
  $('alerts-error').textContent = '';
  try {
    const alerts = await api(query(filters));
    // rows are kept, not rebuilt: a live event may have added one while this request was out,
    // and a row keeps the time it first appeared
    for (const [id, row] of rows) {
      if (!matches(row.alert)) {
        row.tr.remove();
        rows.delete(id);
      }
    }
    for (const a of alerts) upsert(a);
    countRows();
  } catch (err) {
    $('alerts-error').textContent = err.describe ? err.describe() : String(err);
  }
}

// --- rows --------------------------------------------------------------------------------------

/** Adds or updates an alert's row, in newest-start-first order; drops it if it no longer matches. */
function upsert(alert) {
  let row = rows.get(alert.alertId);
  if (!matches(alert)) {
    if (row) {
      row.tr.remove();
      rows.delete(alert.alertId);
    }
    return;
  }
  if (!row) {
    row = { tr: newRow(alert), alert, snapshotWindow: null };
    rows.set(alert.alertId, row);
    const next = [...$('alerts').children].find((tr) => Number(tr.dataset.start) < alert.start);
    $('alerts').insertBefore(row.tr, next || null);
    // read by the browser test: when the row first appeared on this page
    row.tr.dataset.shownAt = Date.now();
    snapshots.observe(row.tr);
  }
  row.alert = alert;
  fillRow(row);
  countRows();
}

function newRow(alert) {
  const tr = document.createElement('tr');
  tr.dataset.alertId = alert.alertId;
  tr.dataset.streamId = alert.streamId;
  tr.innerHTML = `
    <td><canvas class="thumb"></canvas></td>
    <td><a href="/camera.html?id=${encodeURIComponent(alert.streamId)}">${esc(alert.streamId)}</a></td>
    <td class="rule"></td><td class="start"></td><td class="end"></td><td class="duration"></td>
    <td class="where mono"></td><td class="contrast"></td><td class="ack"></td>
    <td>
      <button class="operator-only" data-action="ack">Acknowledge</button>
      <button data-action="clip">Clip</button>
    </td>`;
  tr.querySelector('[data-action="ack"]').onclick = () => acknowledge(tr.dataset.alertId);
  tr.querySelector('[data-action="clip"]').onclick = () => playClip(rows.get(tr.dataset.alertId).alert);
  return tr;
}

function fillRow(row) {
  const { tr, alert: a } = row;
  const cell = (cls, text) => (tr.querySelector('.' + cls).textContent = text);
  tr.dataset.active = String(a.active);
  tr.dataset.start = a.start;
  tr.dataset.acknowledged = String(a.acknowledged);
  tr.className = (a.active ? 'active' : '') + (a.acknowledged ? ' acknowledged' : '');
  cell('rule', a.ruleName || a.ruleId);
  cell('start', time(a.start));
  cell('end', a.active ? 'active' : time(a.end));
  cell('duration', duration(a));
  cell('where', a.where ? `${num(a.where.u, 3)}, ${num(a.where.v, 3)}` : '');
  cell('contrast', contrast(a.peakContrast));
  cell('ack', a.acknowledged ? `yes${a.acknowledgedBy ? ', ' + a.acknowledgedBy : ''}` : 'no');
  tr.querySelector('[data-action="ack"]').disabled = a.acknowledged;
  if (tr.dataset.visible === 'true') loadSnapshot(row);
}

function duration(a) {
  const seconds = a.active ? (Date.now() - a.start) / 1000 : a.durationSeconds;
  return seconds == null ? '' : `${num(seconds)} s`;
}

function countRows() {
  const active = [...rows.values()].filter((r) => r.alert.active).length;
  $('alert-count').textContent = `${rows.size} shown, ${active} active`;
}

async function acknowledge(alertId) {
  try {
    upsert(await api(`/api/alerts/${enc(alertId)}/ack`, { method: 'POST' }));
  } catch (err) {
    $('alerts-error').textContent = err.describe ? err.describe() : String(err);
  }
}

// --- snapshots ---------------------------------------------------------------------------------

// Only rows on screen fetch their snapshot: a long list would otherwise load hundreds at once.
const snapshots = new IntersectionObserver((entries) => {
  for (const e of entries) {
    e.target.dataset.visible = String(e.isIntersecting);
    if (e.isIntersecting) loadSnapshot(rows.get(e.target.dataset.alertId));
  }
});

/** The first pause before a failed snapshot is fetched again; it doubles after each failure. */
const SNAPSHOT_RETRY_MS = 5000;
const SNAPSHOT_RETRIES = 3;

/**
 * Draws the alert's snapshot when it has one that is not drawn yet (its peak window moves on).
 * After a failure it tries again after 5, 10 and 20 s, then only on the alert's next event once
 * the last pause is over: a snapshot gone from the server must not be asked for in a loop.
 */
async function loadSnapshot(row) {
  if (!row || !row.alert.snapshot || row.snapshotWindow === row.alert.peakWindow || row.loading) return;
  if (Date.now() < (row.retryAt || 0)) return;
  row.loading = true;
  const wanted = row.alert.peakWindow;
  try {
    const snap = await api(`/api/alerts/${enc(row.alert.alertId)}/snapshot`);
    const frame = snap.frameUrl
      ? await loadImage(withParam(snap.frameUrl, 'w', snap.localization.window)).catch(() => null)
      : null;
    const canvas = row.tr.querySelector('canvas.thumb');
    const { ctx, width, height } = fitCanvas(canvas);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, width, height);
    if (frame) ctx.drawImage(frame, 0, 0, width, height);
    drawOverlay(ctx, snap.localization, width, height, { opacity: 0.6 });
    canvas.dataset.snapshotWindow = snap.localization.window;
    row.snapshotWindow = wanted;
    row.failures = 0;
  } catch (err) {
    console.error('snapshot', err);
    row.failures = (row.failures || 0) + 1;
    const pause = SNAPSHOT_RETRY_MS * 2 ** (row.failures - 1);
    row.retryAt = Date.now() + pause;
    if (row.failures <= SNAPSHOT_RETRIES) {
      setTimeout(() => {
        row.retryAt = 0;
        if (row.tr.dataset.visible === 'true') loadSnapshot(row);
      }, pause);
    }
    return;
  } finally {
    row.loading = false;
  }
  // the peak moved on while this one loaded
  if (row.snapshotWindow !== row.alert.peakWindow) loadSnapshot(row);
}

/** `url` with one more query parameter (it changes with the window, so the browser refetches). */
function withParam(url, key, value) {
  return `${url}${url.includes('?') ? '&' : '?'}${key}=${encodeURIComponent(value)}`;
}

// --- start -------------------------------------------------------------------------------------

$('filters').addEventListener('submit', (e) => {
  e.preventDefault();
  filters = readFilters();
  reload();
});
// active alerts' durations grow while they last
setInterval(() => {
  for (const row of rows.values()) if (row.alert.active) row.tr.querySelector('.duration').textContent = duration(row.alert);
}, 1000);

const live = new Live()
  .on('open', () => {
    fillFilterChoices().catch((e) => console.error('filters', e));
    reload();
  })
  .on('alert', upsert);
initNav('alerts', live).then(() => live.start());
