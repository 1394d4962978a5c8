// The one way the pages talk to the server: JSON in and out, the CSRF header on writes, and a
// trip to the login page when the session has ended.

/** An error answer of the API: `{"error": "...", "problems": ["field: why", ...]}`. */
export class ApiError extends Error {
  constructor(status, error, problems) {
    super(error || `HTTP ${status}`);
    this.status = status;
    this.problems = problems || [];
  }

  /** The message and every problem, one per line, as shown next to a form. */
  describe() {
    return [this.message, ...this.problems].join('\n');
  }
}

let sessionPromise = null;

/** The current session `{user, role, csrf}`, fetched once per page unless `refresh`. */
export function session(refresh = false) {
  if (!sessionPromise || refresh) {
    sessionPromise = request('GET', '/api/session').catch((e) => {
      sessionPromise = null;
      throw e;
    });
  }
  return sessionPromise;
}

/** Sends the browser to the login page and back here afterwards. */
export function toLogin() {
  const here = location.pathname + location.search;
  location.href = '/login.html?next=' + encodeURIComponent(here);
}

/** Calls the API; resolves to the parsed answer (null when there is no body). */
export async function api(path, { method = 'GET', body } = {}) {
  const headers = {};
  if (method !== 'GET') {
    headers['X-CSRF-Token'] = (await session()).csrf;
  }
  return request(method, path, body, headers);
}

async function request(method, path, body, headers = {}) {
  headers.Accept = 'application/json';
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  if (res.status === 401) {
    toLogin();
    throw new ApiError(401, 'not logged in');
  }
  const text = await res.text();
  const data = text ? parseJson(text) : null;
  if (!res.ok) {
    throw new ApiError(res.status, data && data.error, data && data.problems);
  }
  return data;
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return { error: text };
  }
}

/**
 * An id as it goes into an API path. Alert ids hold '/' and camera ids may; the server takes them
 * with their '/' as they are and refuses an encoded '%2F', so each part is encoded on its own.
 */
export function enc(id) {
  return String(id).split('/').map(encodeURIComponent).join('/');
}
