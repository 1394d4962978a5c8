// Draws a localization's energy map over a picture: jet colours, smoothed up to the picture's size,
// with reticles on the peaks. Shared by the grid, the camera view, snapshots and clips.

import { contrast } from './format.js';

const decoded = new WeakMap();

/** The energy map as floats, row 0 at the top (base64 of little-endian float32). */
export function energyOf(loc) {
  let map = decoded.get(loc);
  if (!map) {
    const bytes = Uint8Array.from(atob(loc.energy || ''), (c) => c.charCodeAt(0));
    const view = new DataView(bytes.buffer);
    map = new Float32Array(bytes.length >> 2);
    for (let i = 0; i < map.length; i++) map[i] = view.getFloat32(i * 4, true);
    decoded.set(loc, map);
  }
  return map;
}

/** The strongest peak (highest value), or null. */
export function strongestPeak(loc) {
  let best = null;
  for (const p of loc.peaks || []) if (!best || p.value > best.value) best = p;
  return best;
}

/** Jet colour map: blue, cyan, yellow, red over t in [0, 1]. */
export function jet(t) {
  const c = (x) => Math.round(255 * Math.min(1, Math.max(0, x)));
  return [c(1.5 - Math.abs(4 * t - 3)), c(1.5 - Math.abs(4 * t - 2)), c(1.5 - Math.abs(4 * t - 1))];
}

// The colour map in 256 steps: every cell of every map at the window rate goes through it.
const JET = new Uint8ClampedArray(256 * 3);
for (let i = 0; i < 256; i++) JET.set(jet(i / 255), i * 3);

// Maps with less spread than this carry no position: drawing them would only tint the picture.
const FLAT = 1e-6;

/**
 * Paints `loc` on `ctx` over the rectangle (0, 0, width, height).
 *
 * options: opacity (0..1), threshold (0..1 of the map's range: cells below it stay clear),
 * peaks (draw reticles). A silent or flat map draws nothing.
 */
export function drawOverlay(ctx, loc, width, height, options = {}) {
  const { opacity = 0.6, threshold = 0, peaks = true } = options;
  if (!loc || loc.silent || !loc.rows || !loc.cols) return false;
  const map = energyOf(loc);
  if (map.length !== loc.rows * loc.cols) return false;
  let min = Infinity;
  let max = -Infinity;
  for (const x of map) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (!(max - min > FLAT)) return false;
  const low = min + threshold * (max - min);
  const span = max - low || FLAT;
  const small = mapCanvas(loc.cols, loc.rows);
  const image = small.ctx.createImageData(loc.cols, loc.rows);
  const px = image.data;
  for (let i = 0; i < map.length; i++) {
    const t = (map[i] - low) / span;
    if (t <= 0) continue;
    const k = Math.min(255, Math.round(t * 255)) * 3;
    px[i * 4] = JET[k];
    px[i * 4 + 1] = JET[k + 1];
    px[i * 4 + 2] = JET[k + 2];
    // opacity grows with energy, so the picture stays visible where little sounds
    px[i * 4 + 3] = k / 3;
  }
  small.ctx.putImageData(image, 0, 0);
  ctx.save();
  ctx.globalAlpha = opacity;
  // The browser's smoothing is a bilinear upscale of the 48x36 cells.
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(small.canvas, 0, 0, width, height);
  ctx.restore();
  if (peaks) drawPeaks(ctx, loc, width, height);
  return true;
}

/** Reticles at the peaks' cell centres; the strongest one larger and labelled with its contrast. */
export function drawPeaks(ctx, loc, width, height) {
  const best = strongestPeak(loc);
  for (const p of loc.peaks || []) {
    const x = ((p.col + 0.5) / loc.cols) * width;
    const y = ((p.row + 0.5) / loc.rows) * height;
    const strong = p === best;
    const r = Math.max(6, Math.min(width, height) * (strong ? 0.05 : 0.03));
    ctx.save();
    ctx.strokeStyle = strong ? '#ffffff' : 'rgba(255,255,255,0.7)';
    ctx.lineWidth = strong ? 2 : 1;
    ctx.shadowColor = '#000';
    ctx.shadowBlur = 3;
    ctx.beginPath();
    ctx.arc(x, y, r, 0, 2 * Math.PI);
    for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
      ctx.moveTo(x + dx * r * 0.5, y + dy * r * 0.5);
      ctx.lineTo(x + dx * r * 1.5, y + dy * r * 1.5);
    }
    ctx.stroke();
    if (strong && p.contrast != null) {
      ctx.fillStyle = '#fff';
      ctx.font = `${Math.max(10, Math.round(r))}px sans-serif`;
      ctx.fillText(contrast(p.contrast), x + r * 1.6, y - r * 0.6);
    }
    ctx.restore();
  }
}

/** Sizes a canvas's backing store to its displayed size; answers its context and size. */
export function fitCanvas(canvas) {
  const width = Math.max(1, Math.round(canvas.clientWidth));
  const height = Math.max(1, Math.round(canvas.clientHeight));
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  return { ctx: canvas.getContext('2d'), width, height };
}

// One small canvas per map size, reused: the map is redrawn at the window rate.
const mapCanvases = new Map();

function mapCanvas(cols, rows) {
  const key = cols + 'x' + rows;
  let entry = mapCanvases.get(key);
  if (!entry) {
    const canvas = document.createElement('canvas');
    canvas.width = cols;
    canvas.height = rows;
    entry = { canvas, ctx: canvas.getContext('2d') };
    mapCanvases.set(key, entry);
  }
  entry.ctx.clearRect(0, 0, cols, rows);
  return entry;
}

/** An image, loaded. */
export function loadImage(src) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('cannot load ' + src));
    img.src = src;
  });
}
