// The page's one connection to /api/live: parses each server-sent event and hands it to the
// listeners of its kind. Reconnects with a growing delay when the stream is closed for good.

import { session } from './api.js';

const KINDS = ['localization', 'frame', 'status', 'forgotten', 'alert', 'rules'];

/** A live event stream; `on(kind, fn)` subscribes, `on('open', fn)` hears every (re)connection. */
export class Live {
  constructor(streams = null) {
    // one stream= per id: an id may hold a comma
    this.url = '/api/live' + (streams ? '?' + streams.map((id) => 'stream=' + encodeURIComponent(id)).join('&') : '');
    this.listeners = new Map();
    this.retry = 1000;
  }

  on(kind, fn) {
    if (!this.listeners.has(kind)) this.listeners.set(kind, []);
    this.listeners.get(kind).push(fn);
    return this;
  }

  start() {
    const source = new EventSource(this.url);
    this.source = source;
    source.onopen = () => {
      this.retry = 1000;
      this.emit('open');
    };
    for (const kind of KINDS) {
      source.addEventListener(kind, (e) => this.emit(kind, JSON.parse(e.data)));
    }
    source.onerror = () => {
      this.emit('error');
      // EventSource retries by itself after a network error; it gives up (CLOSED) when the server
      // answers with an error status, e.g. a 401 after the session ended.
      if (source.readyState === EventSource.CLOSED) {
        // session() sends the browser to the login page if that is why
        session(true).catch(() => {});
        setTimeout(() => this.start(), this.retry);
        this.retry = Math.min(this.retry * 2, 30000);
      }
    };
    return this;
  }

  emit(kind, data) {
    for (const fn of this.listeners.get(kind) || []) {
      try {
        fn(data);
      } catch (e) {
        console.error(`live ${kind} listener`, e);
      }
    }
  }
}
