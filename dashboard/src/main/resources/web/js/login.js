// The login page: a token or a user and password, posted to /api/login; then back to the page that
// sent the browser here. It does not use api.js, whose 401 handling would send it here again.

const $ = (id) => document.getElementById(id);

/** Where to go after logging in: the `next` page if it is one of ours, else the live grid. */
function next() {
  const target = new URLSearchParams(location.search).get('next') || '/';
  // only a page on this server, as the browser resolves it: "/\host" and "/<tab>/host" are other hosts
  try {
    const url = new URL(target, location.origin);
    return url.origin === location.origin ? url.pathname + url.search + url.hash : '/';
  } catch {
    return '/';
  }
}

async function login(body) {
  $('login-error').textContent = '';
  const res = await fetch('/api/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.ok) {
    location.href = next();
    return;
  }
  let message = `HTTP ${res.status}`;
  try {
    message = (await res.json()).error || message;
  } catch {
    // a body that is not JSON: keep the status
  }
  $('login-error').textContent = res.status === 401 ? 'Wrong token, user or password.' : message;
}

// the server sends a browser here with ?failed when the token in its address was wrong
if (new URLSearchParams(location.search).has('failed')) {
  $('login-error').textContent = 'That token was not accepted.';
}

$('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  login({ token: $('token').value.trim() });
});
$('user-form').addEventListener('submit', (e) => {
  e.preventDefault();
  login({ user: $('user').value.trim(), password: $('password').value });
});
