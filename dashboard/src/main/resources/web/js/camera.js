// One camera: the large picture with its overlay, the timeline of its last minutes, and zone rules
// drawn on the picture (create, edit, enable/disable, delete).

import { api, enc } from './api.js';
import { contrast, esc, lag, num } from './format.js';
import { Live } from './live.js';
import { initNav } from './nav.js';
import { drawOverlay, fitCanvas, strongestPeak } from './overlay.js';
import { drawTimeline } from './timeline.js';
import { drawZone, pointAt, ruleColour } from './zone.js';

const TIMELINE_SECONDS = 300;
const WINDOW_MS = 1000 / 12;
const streamId = new URLSearchParams(location.search).get('id') || '';
const $ = (id) => document.getElementById(id);

const view = { opacity: 0.6, threshold: 0, peaks: true, zones: true };
let shown = null; // the localization on the picture
let pending = null; // the newest one not painted yet
let rules = [];
let zone = { points: [], closed: false };
let editing = null; // the rule being edited, null for a new one
let paintScheduled = false;

// --- the picture -------------------------------------------------------------------------------

function schedulePaint() {
  if (paintScheduled) return;
  paintScheduled = true;
  requestAnimationFrame(() => {
    paintScheduled = false;
    paint();
  });
}

function paint() {
  if (pending) {
    shown = pending;
    pending = null;
    showInfo(shown);
  }
  const { ctx, width, height } = fitCanvas($('overlay'));
  ctx.clearRect(0, 0, width, height);
  if (shown) drawOverlay(ctx, shown, width, height, view);
}

function showInfo(loc) {
  const peak = loc.silent ? null : strongestPeak(loc);
  $('mode').textContent = loc.mode;
  $('mode').className = 'badge mode ' + loc.mode.toLowerCase();
  $('sound').textContent = loc.silent ? 'SILENT' : peak ? 'SOURCE' : 'NO PEAK';
  $('sound').className = 'badge sound ' + (peak ? 'source' : 'silent');
  const where = peak
    ? `peak row ${peak.row} col ${peak.col} (u ${num(peak.u, 2)}, v ${num(peak.v, 2)}), contrast ${contrast(peak.contrast)}`
    : '';
  const delay = lag(loc.arrivalTime - (loc.windowStart + WINDOW_MS));
  $('camera-info').textContent = [where, `lag ${delay}`, loc.modelId].filter(Boolean).join(' · ');
  const picture = $('picture');
  picture.dataset.window = loc.window;
  picture.dataset.peakRow = peak ? peak.row : '';
  picture.dataset.peakCol = peak ? peak.col : '';
  suggestContrast(loc.mode);
}

// A mono camera's U-VAE maps are nearly flat: its peaks' contrasts are thousandths, so the array
// default of 2 would never count; a mono camera's silence gate already says when there is sound,
// so any peak in the zone (0) is the useful start. Offered once, unless the user typed a value.
let contrastSuggested = false;
function suggestContrast(mode) {
  const input = $('rule-min-contrast');
  if (contrastSuggested || editing || input.dataset.touched) return;
  contrastSuggested = true;
  input.defaultValue = mode === 'MONO' ? '0' : '2';
  input.value = input.defaultValue;
}

// The frame image is requested again only after the previous one loaded, so frames coalesce.
const frames = { loading: false, wanted: null };

function wantFrame(sequence) {
  frames.wanted = sequence;
  if (!frames.loading) loadFrame();
}

function loadFrame() {
  frames.loading = true;
  $('frame').src = `/api/cameras/${enc(streamId)}/frame.jpg?seq=${frames.wanted}`;
  frames.wanted = null;
}

function frameDone() {
  frames.loading = false;
  if (frames.wanted != null) loadFrame();
}

// --- zones and rules ---------------------------------------------------------------------------

function cameraRules() {
  return rules.filter((r) => r.streamIds.length === 0 || r.streamIds.includes(streamId));
}

function paintZones() {
  const canvas = $('zone-canvas');
  const { ctx, width, height } = fitCanvas(canvas);
  ctx.clearRect(0, 0, width, height);
  if (view.zones) {
    for (const rule of cameraRules()) {
      if (editing && rule.ruleId === editing.ruleId) continue;
      drawZone(ctx, rule.zone, width, height, {
        colour: ruleColour(rule.ruleId),
        dashed: !rule.enabled,
        label: rule.name,
      });
    }
  }
  drawZone(ctx, zone.points, width, height, { colour: '#f0b429', closed: zone.closed, vertices: true });
  canvas.dataset.points = zone.points.length;
  canvas.dataset.closed = String(zone.closed);
  const n = zone.points.length;
  $('zone-status').textContent = zone.closed
    ? `Zone of ${n} corners. Fill in the rule and save it.`
    : n === 0
      ? 'Click on the picture to add corners.'
      : `${n} corner${n === 1 ? '' : 's'}: keep clicking, then Finish zone (or double-click).`;
  $('finish-zone').disabled = zone.closed || n < 3;
}

function setUpZoneDrawing() {
  const canvas = $('zone-canvas');
  canvas.addEventListener('click', (e) => {
    // the second click of a double-click finishes the zone instead of adding a corner
    if (e.detail > 1) return;
    if (zone.closed) zone = { points: [], closed: false };
    zone.points.push(pointAt(canvas, e));
    paintZones();
  });
  canvas.addEventListener('dblclick', () => finishZone());
  $('finish-zone').addEventListener('click', () => finishZone());
  $('clear-zone').addEventListener('click', () => {
    zone = { points: [], closed: false };
    paintZones();
  });
}

function finishZone() {
  if (zone.points.length >= 3) zone.closed = true;
  paintZones();
}

function formRule() {
  const number = (id) => Number($(id).value);
  return {
    ...(editing ? { ruleId: editing.ruleId } : {}),
    name: $('rule-name').value.trim(),
    streamIds: editing ? editing.streamIds : [streamId],
    zone: zone.points,
    minContrast: number('rule-min-contrast'),
    minDurationWindows: number('rule-min-duration'),
    cooldownWindows: number('rule-cooldown'),
    mode: $('rule-mode').value,
    enabled: $('rule-enabled').checked,
    schedule: formSchedule(),
  };
}

/** The form's schedule, or null when the rule counts at all times. */
function formSchedule() {
  if (!$('rule-scheduled').checked) return null;
  return {
    timeZone: $('rule-time-zone').value.trim(),
    days: [...document.querySelectorAll('#rule-days input:checked')].map((box) => box.value),
    start: $('rule-start').value,
    end: $('rule-end').value,
  };
}

function scheduleText(schedule) {
  const days = schedule.days.length ? schedule.days.join(' ') : 'daily';
  return `${days} ${schedule.start}–${schedule.end} ${schedule.timeZone}`;
}

function showSchedule(schedule) {
  $('rule-scheduled').checked = Boolean(schedule);
  $('rule-schedule').disabled = !schedule;
  const days = new Set(schedule ? schedule.days : []);
  for (const box of document.querySelectorAll('#rule-days input')) box.checked = days.has(box.value);
  $('rule-start').value = schedule ? schedule.start : '22:00';
  $('rule-end').value = schedule ? schedule.end : '06:00';
  // the browser's own zone by default: the times mean what the operator's clock says
  $('rule-time-zone').value = schedule ? schedule.timeZone : Intl.DateTimeFormat().resolvedOptions().timeZone;
}

async function saveRule(e) {
  e.preventDefault();
  $('rule-error').textContent = '';
  $('rule-saved').textContent = '';
  const rule = formRule();
  try {
    const saved = editing
      ? await api(`/api/rules/${enc(editing.ruleId)}`, { method: 'PUT', body: rule })
      : await api('/api/rules', { method: 'POST', body: rule });
    upsertRule(saved);
    resetForm();
    $('rule-saved').textContent = `Saved "${saved.name}" (${saved.ruleId}).`;
  } catch (err) {
    $('rule-error').textContent = err.describe ? err.describe() : String(err);
  }
}

function editRule(rule) {
  editing = rule;
  zone = { points: rule.zone.map((p) => ({ u: p.u, v: p.v })), closed: rule.zone.length >= 3 };
  $('form-title').textContent = `Edit rule ${rule.ruleId}`;
  $('rule-name').value = rule.name;
  $('rule-min-contrast').value = rule.minContrast;
  $('rule-min-duration').value = rule.minDurationWindows;
  $('rule-cooldown').value = rule.cooldownWindows;
  $('rule-mode').value = rule.mode || 'ANY';
  $('rule-enabled').checked = rule.enabled;
  showSchedule(rule.schedule);
  $('cancel-edit').hidden = false;
  $('rule-error').textContent = '';
  paintZones();
}

function resetForm() {
  editing = null;
  zone = { points: [], closed: false };
  $('rule-form').reset();
  showSchedule(null);
  $('form-title').textContent = 'New zone rule';
  $('cancel-edit').hidden = true;
  paintZones();
}

async function setEnabled(rule, enabled) {
  try {
    upsertRule(await api(`/api/rules/${enc(rule.ruleId)}`, { method: 'PUT', body: { ...rule, enabled } }));
  } catch (err) {
    $('rule-error').textContent = err.describe ? err.describe() : String(err);
  }
}

async function deleteRule(rule) {
  try {
    await api(`/api/rules/${enc(rule.ruleId)}`, { method: 'DELETE' });
    rules = rules.filter((r) => r.ruleId !== rule.ruleId);
    if (editing && editing.ruleId === rule.ruleId) resetForm();
    listRules();
  } catch (err) {
    $('rule-error').textContent = err.describe ? err.describe() : String(err);
  }
}

function upsertRule(rule) {
  rules = rules.filter((r) => r.ruleId !== rule.ruleId).concat([rule]);
  listRules();
}

function listRules() {
  const list = $('rules');
  const mine = cameraRules().sort((a, b) => a.name.localeCompare(b.name));
  list.innerHTML = '';
  for (const rule of mine) {
    const li = document.createElement('li');
    li.dataset.ruleId = rule.ruleId;
    li.className = rule.enabled ? '' : 'disabled';
    li.innerHTML = `
      <span class="swatch" style="background: ${ruleColour(rule.ruleId)}"></span>
      <span class="name" title="${esc(rule.ruleId)}">${esc(rule.name)}
        <span class="muted">≥ ${contrast(rule.minContrast)} for ${rule.minDurationWindows} w, ${esc(rule.mode || 'ANY')}${rule.schedule ? `, ${esc(scheduleText(rule.schedule))}` : ''}</span>
      </span>
      <button class="operator-only" data-action="edit">Edit</button>
      <button class="operator-only" data-action="toggle">${rule.enabled ? 'Disable' : 'Enable'}</button>
      <button class="operator-only danger" data-action="delete">Delete</button>`;
    li.querySelector('[data-action="edit"]').onclick = () => editRule(rule);
    li.querySelector('[data-action="toggle"]').onclick = () => setEnabled(rule, !rule.enabled);
    armDelete(li.querySelector('[data-action="delete"]'), () => deleteRule(rule));
    list.append(li);
  }
  $('no-rules').hidden = mine.length > 0;
  paintZones();
}

/** A delete button asks once more before it acts: a second click within 3 s confirms. */
function armDelete(button, action) {
  let armed = null;
  button.onclick = () => {
    if (armed) {
      clearTimeout(armed);
      action();
      return;
    }
    button.textContent = 'Confirm delete';
    armed = setTimeout(() => {
      armed = null;
      button.textContent = 'Delete';
    }, 3000);
  };
}

// --- timeline ----------------------------------------------------------------------------------

let timelineAt = 0; // when the timeline was last fetched
let timelineDue = null; // the trailing refresh of a burst of alert events

/** Refreshes the timeline at most once a second: alert events come with every counting window. */
function refreshTimelineSoon() {
  if (timelineDue) return;
  timelineDue = setTimeout(() => {
    timelineDue = null;
    refreshTimeline();
  }, Math.max(0, timelineAt + 1000 - Date.now()));
}

async function refreshTimeline() {
  timelineAt = Date.now();
  try {
    const timeline = await api(`/api/cameras/${enc(streamId)}/timeline?seconds=${TIMELINE_SECONDS}`);
    const thresholds = cameraRules().filter((r) => r.enabled).map((r) => r.minContrast);
    drawTimeline($('timeline'), timeline, TIMELINE_SECONDS, Date.now(), thresholds);
  } catch (err) {
    if (err.status !== 404) console.error('timeline', err);
  }
}

// --- start -------------------------------------------------------------------------------------

async function load() {
  const [latest, allRules] = await Promise.all([
    api(`/api/cameras/${enc(streamId)}/latest`).catch(() => null),
    api('/api/rules'),
  ]);
  rules = allRules;
  listRules();
  if (latest && !shown) {
    pending = latest;
    schedulePaint();
  }
  wantFrame(Date.now());
  refreshTimeline();
}

function setUpControls() {
  const bind = (id, key, read) =>
    $(id).addEventListener('input', () => {
      view[key] = read($(id));
      schedulePaint();
      paintZones();
    });
  bind('opacity', 'opacity', (el) => Number(el.value));
  bind('threshold', 'threshold', (el) => Number(el.value));
  bind('peaks', 'peaks', (el) => el.checked);
  bind('show-zones', 'zones', (el) => el.checked);
  $('frame').addEventListener('load', () => {
    $('frame').hidden = false;
    document.querySelector('.nopicture').hidden = true;
    frameDone();
  });
  $('frame').addEventListener('error', frameDone);
  $('rule-form').addEventListener('submit', saveRule);
  $('rule-min-contrast').addEventListener('input', () => {
    $('rule-min-contrast').dataset.touched = 'yes';
  });
  $('rule-scheduled').addEventListener('change', () => {
    $('rule-schedule').disabled = !$('rule-scheduled').checked;
  });
  showSchedule(null);
  $('cancel-edit').addEventListener('click', resetForm);
  // canvases keep their backing store at the displayed size
  new ResizeObserver(() => {
    paint();
    paintZones();
  }).observe($('picture'));
}

$('camera-title').textContent = streamId;
document.title = `avloc · ${streamId}`;
setUpControls();
setUpZoneDrawing();
const live = new Live([streamId])
  .on('open', () => load().catch((e) => console.error('load', e)))
  .on('localization', (loc) => {
    pending = loc;
    schedulePaint();
  })
  .on('frame', (f) => wantFrame(f.sequence))
  .on('forgotten', () => {
    $('camera-info').textContent = 'no word from this camera for 10 minutes';
  })
  .on('rules', (all) => {
    rules = all;
    listRules();
  })
  .on('alert', refreshTimelineSoon);
initNav('live', live).then(() => live.start());
setInterval(refreshTimeline, 5000);
