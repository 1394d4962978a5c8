// The system page: throughput, lag per camera, dead letters and models, polled every 2 s.

import { api } from './api.js';
import { clock, esc, lag, num } from './format.js';
import { initNav } from './nav.js';

const $ = (id) => document.getElementById(id);

function rows(tbody, items, cells, empty) {
  $(tbody).innerHTML = items.length
    ? items.map((item) => `<tr>${cells(item).map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')
    : `<tr><td class="muted" colspan="3">${empty}</td></tr>`;
}

async function refresh() {
  try {
    const s = await api('/api/system');
    $('system-error').textContent = '';
    $('windows-per-second').textContent = num(s.windowsPerSecond);
    $('camera-count').textContent = s.cameras.length;
    $('active-alerts').textContent = s.activeAlerts;
    const dead = Object.entries(s.deadLetters).sort((a, b) => b[1] - a[1]);
    $('dead-letter-total').textContent = dead.reduce((sum, [, n]) => sum + n, 0);
    const cameras = [...s.cameras].sort((a, b) => (b.lagMillis ?? 0) - (a.lagMillis ?? 0));
    rows(
      'cameras',
      cameras,
      (c) => [
        `<a href="/camera.html?id=${encodeURIComponent(c.streamId)}">${esc(c.streamId)}</a>`,
        lag(c.lagMillis),
        num(c.windowsPerSecond),
      ],
      'no camera yet',
    );
    rows('dead-letters', dead, ([stage, n]) => [esc(stage), n], 'none');
    rows('models', s.models, (m) => [esc(m.modelId), m.cameras], 'none yet');
    $('updated').textContent = 'last at ' + clock(Date.now());
  } catch (err) {
    $('system-error').textContent = err.describe ? err.describe() : String(err);
  }
}

initNav('system').then(() => {
  refresh();
  setInterval(refresh, 2000);
});
