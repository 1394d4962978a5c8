// Plays an alert's clip in the dialog: the frames of its time range at 12 a second, each with the
// latest localization at or before it, and the command that replays it from the archive.

import { api, enc } from './api.js';
import { clock } from './format.js';
import { drawOverlay, fitCanvas, loadImage } from './overlay.js';

const FPS = 12;
const $ = (id) => document.getElementById(id);
let player = null;
// bumped by every open and close: a load that finishes for an earlier one is dropped
let generation = 0;

/** Opens the dialog and plays the clip of `alert` until closed. */
export async function playClip(alert) {
  stop();
  const mine = generation;
  const dialog = $('clip-dialog');
  const stale = () => mine !== generation || !dialog.open;
  $('clip-title').textContent = `${alert.ruleName || alert.ruleId} on ${alert.streamId}`;
  $('clip-time').textContent = 'loading…';
  $('clip-replay').textContent = '';
  if (!dialog.open) dialog.showModal();
  let clip;
  try {
    clip = await api(`/api/alerts/${enc(alert.alertId)}/clip`);
  } catch (err) {
    if (!stale()) $('clip-time').textContent = err.describe ? err.describe() : String(err);
    return;
  }
  if (stale()) return;
  $('clip-replay').textContent = clip.replay || '';
  const frames = await Promise.all(
    clip.frames.map(async (f) => ({ t: f.t, img: await loadImage('data:image/jpeg;base64,' + f.jpeg).catch(() => null) })),
  );
  if (stale()) return;
  const locs = [...clip.localizations].sort((a, b) => a.windowStart - b.windowStart);
  // without frames the localizations alone are played, over black
  const steps = frames.length ? frames : locs.map((l) => ({ t: l.windowStart, img: null }));
  if (steps.length === 0) {
    $('clip-time').textContent = 'Nothing archived for this alert.';
    return;
  }
  player = { steps, locs, index: 0, timer: null, alert, dialog };
  $('clip-canvas').dataset.frames = steps.length;
  play();
}

function play() {
  clearInterval(player.timer);
  player.timer = setInterval(step, 1000 / FPS);
  $('clip-play').textContent = 'Pause';
}

function pause() {
  clearInterval(player.timer);
  player.timer = null;
  $('clip-play').textContent = 'Play';
}

function stop() {
  generation++;
  if (player) clearInterval(player.timer);
  player = null;
}

function step() {
  const { steps, locs, alert } = player;
  const s = steps[player.index];
  const { ctx, width, height } = fitCanvas($('clip-canvas'));
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, width, height);
  if (s.img) ctx.drawImage(s.img, 0, 0, width, height);
  const loc = latestAtOrBefore(locs, s.t);
  if (loc) drawOverlay(ctx, loc, width, height, { opacity: 0.6 });
  const during = s.t >= alert.start && (alert.end == null || s.t <= alert.end);
  $('clip-time').textContent = `${clock(s.t)} · ${player.index + 1}/${steps.length}${during ? ' · alert' : ''}`;
  player.index = (player.index + 1) % steps.length;
}

function latestAtOrBefore(locs, t) {
  let lo = 0;
  let hi = locs.length - 1;
  let found = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (locs[mid].windowStart <= t) {
      found = locs[mid];
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

$('clip-play').addEventListener('click', () => player && (player.timer ? pause() : play()));
$('clip-close').addEventListener('click', () => $('clip-dialog').close());
$('clip-dialog').addEventListener('close', stop);
$('clip-copy').addEventListener('click', async () => {
  const text = $('clip-replay').textContent;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // not a secure context: leave the command selected for the user to copy
    getSelection().selectAllChildren($('clip-replay'));
  }
});
