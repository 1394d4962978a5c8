// A camera's last minutes on one strip: the strongest peak's contrast per window, alert spans
// shaded behind it, and the rules' minimum contrasts as dashed lines.

import { clock } from './format.js';
import { fitCanvas } from './overlay.js';

/**
 * Draws `timeline` ({points: [{t, contrast, silent}], alerts: [...]}) over the `seconds` before
 * `now`; `thresholds` are the minimum contrasts of the camera's rules.
 */
export function drawTimeline(canvas, timeline, seconds, now, thresholds = []) {
  const { ctx, width, height } = fitCanvas(canvas);
  const styles = getComputedStyle(document.documentElement);
  const from = now - seconds * 1000;
  const x = (t) => ((t - from) / (seconds * 1000)) * width;
  // scaled to what was seen: mono contrasts are thousandths, array ones units
  const top = Math.max(1e-9, ...thresholds, ...timeline.points.map((p) => p.contrast)) * 1.1;
  const pad = 14; // room for the time labels at the bottom
  const y = (c) => height - pad - (c / top) * (height - pad - 4);
  ctx.clearRect(0, 0, width, height);

  ctx.fillStyle = 'rgba(255, 77, 79, 0.25)';
  for (const a of timeline.alerts) {
    const x0 = Math.max(0, x(a.start));
    const x1 = Math.min(width, x(a.end ?? now));
    ctx.fillRect(x0, 0, Math.max(2, x1 - x0), height - pad);
  }

  ctx.save();
  ctx.strokeStyle = styles.getPropertyValue('--warn');
  ctx.setLineDash([4, 4]);
  for (const c of thresholds) {
    ctx.beginPath();
    ctx.moveTo(0, y(c));
    ctx.lineTo(width, y(c));
    ctx.stroke();
  }
  ctx.restore();

  // silent windows break the line: there was nothing to localize
  ctx.strokeStyle = styles.getPropertyValue('--accent');
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  let drawing = false;
  for (const p of timeline.points) {
    if (p.silent) {
      drawing = false;
      continue;
    }
    (drawing ? ctx.lineTo : ctx.moveTo).call(ctx, x(p.t), y(p.contrast));
    drawing = true;
  }
  ctx.stroke();

  ctx.fillStyle = styles.getPropertyValue('--muted');
  ctx.font = '10px sans-serif';
  const step = seconds > 120 ? 60000 : 15000;
  for (let t = Math.ceil(from / step) * step; t <= now; t += step) {
    ctx.fillRect(x(t), height - pad, 1, 3);
    ctx.fillText(clock(t).slice(0, 5 + (step < 60000 ? 3 : 0)), x(t) + 2, height - 2);
  }
}
