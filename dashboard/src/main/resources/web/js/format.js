// How times, durations and numbers read on every page.

/** A local date and time to the second, or an empty string. */
export function time(ms) {
  if (ms == null) return '';
  const d = new Date(ms);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock(ms)}`;
}

/** A local time of day, hh:mm:ss. */
export function clock(ms) {
  const d = new Date(ms);
  return d.toTimeString().slice(0, 8);
}

/** Milliseconds as "180 ms" or "2.4 s". */
export function lag(ms) {
  if (ms == null) return '–';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** A number with `digits` decimals, or a dash. */
export function num(x, digits = 1) {
  return x == null || Number.isNaN(x) ? '–' : Number(x).toFixed(digits);
}

/** A peak's contrast with two significant digits: mono maps give 0.0017, array maps 3.4. */
export function contrast(x) {
  return x == null || Number.isNaN(x) ? '–' : String(Number(Number(x).toPrecision(2)));
}

/** Text made safe to put into innerHTML. */
export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
