// The bar on top of every page: where to go, who is logged in, whether the live stream is up.

import { api, session } from './api.js';

const PAGES = [
  ['live', '/', 'Live'],
  ['alerts', '/alerts.html', 'Alerts'],
  ['system', '/system.html', 'System'],
];

/**
 * Fills `<nav id="nav">`, marks `current`, and tags the body with the session's role so write
 * controls can hide from viewers. `live` (optional) drives the connection dot.
 */
export async function initNav(current, live = null) {
  const nav = document.getElementById('nav');
  nav.className = 'nav';
  nav.innerHTML = `
    <span class="brand">avloc</span>
    ${PAGES.map(([key, href, label]) => `<a href="${href}" data-page="${key}">${label}</a>`).join('')}
    <span class="spacer"></span>
    <span class="link-state" id="link-state" title="live stream"></span>
    <span class="who" id="who"></span>
    <button id="logout">Log out</button>`;
  nav.querySelector(`[data-page="${current}"]`)?.classList.add('current');
  nav.querySelector('#logout').addEventListener('click', async () => {
    await api('/api/logout', { method: 'POST' }).catch(() => {});
    location.href = '/login.html';
  });
  const dot = nav.querySelector('#link-state');
  dot.hidden = !live;
  if (live) {
    live.on('open', () => (dot.className = 'link-state open'));
    live.on('error', () => (dot.className = 'link-state closed'));
  }
  const s = await session();
  nav.querySelector('#who').textContent = `${s.user} (${s.role})`;
  document.body.classList.add('role-' + s.role);
  return s;
}
