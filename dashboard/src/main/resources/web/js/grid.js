// The live grid: a tile per camera with its latest frame, the sound overlay and its health.
// Localizations arrive at 12 a second per camera; a tile paints only the newest one once per
// animation frame, and a frame image is requested only when the previous one has loaded, so a
// slow browser skips updates instead of falling behind.

import { api, enc } from './api.js';
import { lag, num, esc } from './format.js';
import { Live } from './live.js';
import { initNav } from './nav.js';
import { drawOverlay, fitCanvas, strongestPeak } from './overlay.js';

const WINDOW_MS = 1000 / 12;
const KEEP_LATENCIES = 20000;

// Read by the latency benchmark: ms from a localization's arrival on the topic to its paint.
const stats = (window.avlocStats = { latencies: [], painted: 0 });

const tiles = new Map();
const dirty = new Set();
const activeAlerts = new Map(); // streamId -> Set of active alert ids
let opacity = Number(localStorage.getItem('avloc.opacity') ?? 0.6);
let paintScheduled = false;

const grid = document.getElementById('grid');

/** One camera's tile and its coalescing state. */
class Tile {
  constructor(streamId) {
    this.streamId = streamId;
    this.el = document.createElement('article');
    this.el.className = 'tile';
    this.el.dataset.streamId = streamId;
    for (const key of ['window', 'silent', 'mode', 'peakRow', 'peakCol', 'peakU', 'peakV', 'state']) {
      this.el.dataset[key] = '';
    }
    this.el.innerHTML = `
      <header>
        <a href="/camera.html?id=${encodeURIComponent(streamId)}">${esc(streamId)}</a>
        <span class="badge mode"></span><span class="badge sound"></span>
      </header>
      <div class="picture">
        <div class="nopicture">no picture yet</div>
        <img alt="" hidden>
        <canvas class="overlay"></canvas>
      </div>
      <footer>
        <span class="state"></span><span class="lag"></span>
        <span class="dbfs"></span><div class="level"><div></div></div>
        <div class="labels"></div>
      </footer>`;
    this.labels = {};
    this.img = this.el.querySelector('img');
    this.canvas = this.el.querySelector('canvas');
    this.pending = null;
    this.shown = null;
    this.frameLoading = false;
    this.wantedFrame = null;
    this.img.addEventListener('load', () => {
      this.img.hidden = false;
      this.el.querySelector('.nopicture').hidden = true;
      this.frameDone();
    });
    this.img.addEventListener('error', () => this.frameDone());
  }

  /** A new frame is on the server: fetch it now, or after the one in flight has loaded. */
  frame(sequence) {
    this.wantedFrame = sequence;
    if (!this.frameLoading) this.loadFrame();
  }

  loadFrame() {
    this.frameLoading = true;
    this.img.src = `/api/cameras/${enc(this.streamId)}/frame.jpg?seq=${this.wantedFrame}`;
    this.wantedFrame = null;
  }

  frameDone() {
    this.frameLoading = false;
    if (this.wantedFrame != null) this.loadFrame();
  }

  /** Shows a camera record (from /api/cameras or a status event). */
  status(camera) {
    const health = camera.health;
    const state = health ? health.state : '';
    this.el.dataset.state = state;
    const stateEl = this.el.querySelector('.state');
    stateEl.textContent = state || 'no status';
    stateEl.className = 'state state-' + state;
    if (camera.mode) this.mode(camera.mode);
    if (camera.lagMillis != null) this.lag(camera.lagMillis);
    const dbfs = health ? health.audioDbfs : null;
    this.el.querySelector('.dbfs').textContent = dbfs == null ? '' : `${num(dbfs)} dBFS`;
    // -90 dBFS (quiet room) to 0 dBFS (full scale) across the bar
    const level = dbfs == null ? 0 : Math.max(0, Math.min(1, (dbfs + 90) / 90));
    this.el.querySelector('.level > div').style.width = `${Math.round(level * 100)}%`;
    this.showLabels(health ? health.labels || {} : {});
    if (camera.frameSequence != null && this.img.hidden && !this.frameLoading) {
      this.frame(camera.frameSequence);
    }
  }

  /** The inventory's labels as chips; the grid's filter matches them. */
  showLabels(labels) {
    this.labels = labels;
    this.el.dataset.labels = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(' ');
    this.el.querySelector('.labels').innerHTML = Object.entries(labels)
      .map(([k, v]) => `<span class="chip">${esc(k)}: ${esc(v)}</span>`)
      .join('');
    applyFilter(this);
  }

  mode(mode) {
    this.el.dataset.mode = mode;
    const badge = this.el.querySelector('.badge.mode');
    badge.textContent = mode;
    badge.className = 'badge mode ' + mode.toLowerCase();
  }

  lag(ms) {
    this.el.querySelector('.lag').textContent = 'lag ' + lag(ms);
  }

  alerting(on) {
    this.el.classList.toggle('alerting', on);
    this.el.dataset.alerting = String(on);
  }

  /** Paints the newest localization received since the last paint. */
  paint() {
    const loc = this.pending;
    this.pending = null;
    if (!loc) return;
    const { ctx, width, height } = fitCanvas(this.canvas);
    ctx.clearRect(0, 0, width, height);
    drawOverlay(ctx, loc, width, height, { opacity });
    this.shown = loc;
    const d = this.el.dataset;
    const peak = loc.silent ? null : strongestPeak(loc);
    d.window = loc.window;
    d.silent = String(loc.silent);
    d.peakRow = peak ? peak.row : '';
    d.peakCol = peak ? peak.col : '';
    d.peakU = peak ? peak.u : '';
    d.peakV = peak ? peak.v : '';
    this.mode(loc.mode);
    const sound = this.el.querySelector('.badge.sound');
    sound.textContent = loc.silent ? 'SILENT' : peak ? 'SOURCE' : 'NO PEAK';
    sound.className = 'badge sound ' + (peak ? 'source' : 'silent');
    this.lag(loc.arrivalTime - (loc.windowStart + WINDOW_MS));
    stats.painted++;
    stats.latencies.push(Date.now() - loc.arrivalTime);
    // trimmed in batches: a shift per paint would copy the whole array at the window rate
    if (stats.latencies.length > KEEP_LATENCIES + 1000) {
      stats.latencies.splice(0, stats.latencies.length - KEEP_LATENCIES);
    }
  }
}

/** The tile of a camera, made and placed in id order when the camera is new. */
function tileOf(streamId) {
  let tile = tiles.get(streamId);
  if (!tile) {
    tile = new Tile(streamId);
    tiles.set(streamId, tile);
    const after = [...tiles.keys()].sort().find((id) => id > streamId);
    grid.insertBefore(tile.el, after ? tiles.get(after).el : null);
    tile.alerting((activeAlerts.get(streamId)?.size ?? 0) > 0);
    applyFilter(tile);
    document.getElementById('empty').hidden = true;
  }
  return tile;
}

/** Takes away the tile of a camera the server forgot: it sent nothing for the forget span. */
function forget(streamId) {
  const tile = tiles.get(streamId);
  if (!tile) return;
  tiles.delete(streamId);
  dirty.delete(tile);
  tile.el.remove();
  document.getElementById('empty').hidden = tiles.size > 0;
}

function schedulePaint(tile) {
  dirty.add(tile);
  if (!paintScheduled) {
    paintScheduled = true;
    requestAnimationFrame(() => {
      paintScheduled = false;
      for (const t of dirty) t.paint();
      dirty.clear();
    });
  }
}

function trackAlert(alert) {
  let set = activeAlerts.get(alert.streamId);
  if (!set) activeAlerts.set(alert.streamId, (set = new Set()));
  if (alert.active) set.add(alert.alertId);
  else set.delete(alert.alertId);
  tiles.get(alert.streamId)?.alerting(set.size > 0);
}

/** Fetches the cameras and active alerts again: at start and after every reconnection. */
async function refresh() {
  const [cameras, alerts] = await Promise.all([
    api('/api/cameras'),
    api('/api/alerts?state=active&limit=1000'),
  ]);
  activeAlerts.clear();
  for (const tile of tiles.values()) tile.alerting(false);
  for (const alert of alerts) trackAlert(alert);
  // cameras forgotten while this page was disconnected
  const known = new Set(cameras.map((c) => c.streamId));
  for (const id of [...tiles.keys()]) if (!known.has(id)) forget(id);
  for (const camera of cameras) tileOf(camera.streamId).status(camera);
}

// The filter: words that each must match the camera's id or one of its labels; "key=value" must
// match that label exactly.
let filterWords = [];

function matches(tile) {
  return filterWords.every((word) => {
    const eq = word.indexOf('=');
    if (eq > 0) return tile.labels[word.slice(0, eq)] === word.slice(eq + 1);
    const w = word.toLowerCase();
    return (
      tile.streamId.toLowerCase().includes(w) ||
      Object.entries(tile.labels).some(([k, v]) => `${k} ${v}`.toLowerCase().includes(w))
    );
  });
}

function applyFilter(tile) {
  tile.el.hidden = !matches(tile);
}

function setUpFilter() {
  const input = document.getElementById('filter');
  input.value = localStorage.getItem('avloc.filter') ?? '';
  const apply = () => {
    filterWords = input.value.trim().split(/\s+/).filter(Boolean);
    localStorage.setItem('avloc.filter', input.value);
    for (const tile of tiles.values()) applyFilter(tile);
  };
  input.addEventListener('input', apply);
  apply();
}

function setUpOpacity() {
  const slider = document.getElementById('opacity');
  slider.value = opacity;
  slider.addEventListener('input', () => {
    opacity = Number(slider.value);
    localStorage.setItem('avloc.opacity', String(opacity));
    // repaint what is shown so the change is visible without waiting for the next window
    for (const tile of tiles.values()) {
      if (tile.shown && !tile.pending) tile.pending = tile.shown;
      schedulePaint(tile);
    }
  });
}

const live = new Live()
  .on('open', () => refresh().catch((e) => console.error('refresh', e)))
  .on('localization', (loc) => {
    const tile = tileOf(loc.streamId);
    tile.pending = loc;
    schedulePaint(tile);
  })
  .on('frame', (f) => tileOf(f.streamId).frame(f.sequence))
  .on('status', (camera) => tileOf(camera.streamId).status(camera))
  .on('forgotten', (c) => forget(c.streamId))
  .on('alert', trackAlert);

setUpOpacity();
setUpFilter();
initNav('live', live).then(() => live.start());
