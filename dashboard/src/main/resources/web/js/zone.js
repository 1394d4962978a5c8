// Zones on the picture: polygons in normalized image coordinates (u from the left, v from the top),
// drawn on a canvas the size of the picture.

const PALETTE = ['#4aa8ff', '#3ecf7a', '#c77dff', '#ff9f43', '#00d2d3', '#ff6b81'];

/** A stable colour per rule id, so a rule keeps its colour in the list and on the picture. */
export function ruleColour(ruleId) {
  let h = 0;
  for (const c of ruleId) h = (h * 31 + c.charCodeAt(0)) | 0;
  return PALETTE[Math.abs(h) % PALETTE.length];
}

/**
 * Draws a polygon. options: colour, closed (fill and close the outline), dashed (a disabled rule),
 * vertices (dots on the corners, for the zone being drawn), label.
 */
export function drawZone(ctx, points, width, height, options = {}) {
  const { colour = '#f0b429', closed = true, dashed = false, vertices = false, label = null } = options;
  if (points.length === 0) return;
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.lineWidth = 2;
  if (dashed) ctx.setLineDash([6, 4]);
  ctx.beginPath();
  points.forEach((p, i) => (i ? ctx.lineTo : ctx.moveTo).call(ctx, p.u * width, p.v * height));
  if (closed) {
    ctx.closePath();
    ctx.globalAlpha = 0.18;
    ctx.fill();
    ctx.globalAlpha = 1;
  }
  ctx.stroke();
  if (vertices) {
    for (const p of points) {
      ctx.beginPath();
      ctx.arc(p.u * width, p.v * height, 4, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  if (label) {
    ctx.font = '12px sans-serif';
    ctx.shadowColor = '#000';
    ctx.shadowBlur = 3;
    ctx.fillText(label, points[0].u * width + 6, points[0].v * height - 6);
  }
  ctx.restore();
}

/** The point under a mouse event on `canvas`, normalized and clamped to the picture. */
export function pointAt(canvas, event) {
  const clamp = (x) => Math.min(1, Math.max(0, x));
  const round = (x) => Math.round(x * 10000) / 10000;
  return {
    u: round(clamp(event.offsetX / canvas.clientWidth)),
    v: round(clamp(event.offsetY / canvas.clientHeight)),
  };
}
