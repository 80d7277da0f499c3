import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, LoginLimiter, verifyPassword } from '../../src/web/auth.js';
import { PAGE_CSP } from '../../src/web/security.js';
import { MmsgwError } from '../../src/util/errors.js';
import { fixture, serve, XSS } from './fixture.js';
import { cookieOf, csrfOf, form, http, setCookieHeader } from './http.js';

/**
 * The web interface's security model over real HTTP: login when a password is set, refusal to
 * be exposed without one, session cookie flags, CSRF tokens, cross-site and DNS-rebinding
 * refusals, the page CSP, and how message content is served.
 */

test('scrypt password hashes verify the right password only', async () => {
  const h = await hashPassword('correct horse');
  assert.match(h, /^scrypt\$16384\$8\$1\$/);
  assert.equal(await verifyPassword('correct horse', h), true);
  assert.equal(await verifyPassword('correct hors', h), false);
});

test('login attempts are limited per client and in total', () => {
  let now = 0;
  const l = new LoginLimiter({ perClient: 3, global: 5, windowMs: 60_000 }, () => now);
  for (let i = 0; i < 3; i++) {
    assert.equal(l.retryAfter('a'), 0);
    l.fail('a');
  }
  assert.ok(l.retryAfter('a') > 0, 'a is locked out');
  assert.equal(l.retryAfter('b'), 0, 'b is not');
  l.fail('b');
  l.fail('c');
  assert.ok(l.retryAfter('d') > 0, 'the global budget is spent');
  now += 61_000;
  assert.equal(l.retryAfter('a'), 0, 'the window has passed');
});

test('refuses to listen beyond loopback without a password', async () => {
  const f = await fixture();
  try {
    await assert.rejects(serve(f, { host: '0.0.0.0' }), (e: unknown) => e instanceof MmsgwError && e.code === 'WEB_EXPOSED_WITHOUT_PASSWORD');
    await assert.rejects(serve(f, { host: '0.0.0.0', password: 'long enough' }), (e: unknown) => e instanceof MmsgwError && e.code === 'WEB_EXPOSED_WITHOUT_PASSWORD');
    const s = await serve(f, { host: '0.0.0.0', username: 'admin', passwordHash: await hashPassword('long enough') });
    await s.close();
  } finally {
    f.close();
  }
});

test('with a password: login required, cookie flags, rate limit, CSRF, cross-site', async () => {
  const f = await fixture();
  const s = await serve(f, { username: 'admin', password: 'sesame-open' });
  try {
    const home = await http(`${s.url}/`);
    assert.equal(home.status, 303);
    assert.equal(home.headers.location, '/login?next=%2F');
    for (const path of [`/m/${f.ids.mms}`, `/media/${f.parts.jpeg}`, '/settings', '/queue']) {
      const r = await http(`${s.url}${path}`);
      assert.equal(r.status, 303, `${path} needs a login`);
    }
    assert.equal((await http(`${s.url}/events`)).status, 401);
    assert.equal((await http(`${s.url}/queue/retry-dead`, { method: 'POST', ...form({}) })).status, 401);

    const bad = await http(`${s.url}/login`, { method: 'POST', ...form({ username: 'admin', password: 'wrong' }) });
    assert.equal(bad.status, 401);
    assert.equal(cookieOf(bad), undefined);
    const good = await http(`${s.url}/login`, { method: 'POST', ...form({ username: 'admin', password: 'sesame-open', next: '/settings' }) });
    assert.equal(good.status, 303);
    assert.equal(good.headers.location, '/settings');
    const set = setCookieHeader(good);
    assert.match(set, /HttpOnly/);
    assert.match(set, /SameSite=Strict/);
    assert.doesNotMatch(set, /Secure/, 'no Secure flag on plain HTTP (the browser would drop the cookie)');
    const cookie = cookieOf(good);
    assert.ok(cookie);

    const page = await http(`${s.url}/queue`, { headers: { cookie } });
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-security-policy'], PAGE_CSP);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.equal(page.headers['x-frame-options'], 'DENY');
    const token = csrfOf(page.text);

    // CSRF: no token, a wrong token, then the right one.
    assert.equal((await http(`${s.url}/queue/retry-dead`, { method: 'POST', headers: { cookie, ...form({}).headers }, body: '' })).status, 403);
    assert.equal((await http(`${s.url}/queue/retry-dead`, { method: 'POST', headers: { cookie, ...form({}).headers }, body: form({ _csrf: 'x'.repeat(43) }).body })).status, 403);
    const ok = await http(`${s.url}/queue/retry-dead`, { method: 'POST', headers: { cookie, ...form({}).headers }, body: form({ _csrf: token }).body });
    assert.equal(ok.status, 303);

    // Cross-site: with the right token and cookie, but sent by another site.
    const xs = await http(`${s.url}/queue/retry-dead`, { method: 'POST', headers: { cookie, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', ...form({}).headers }, body: form({ _csrf: token }).body });
    assert.equal(xs.status, 403);
    const origin = await http(`${s.url}/queue/retry-dead`, { method: 'POST', headers: { cookie, origin: 'http://evil.example', ...form({}).headers }, body: form({ _csrf: token }).body });
    assert.equal(origin.status, 403);
    const img = await http(`${s.url}/media/${f.parts.jpeg}`, { headers: { cookie, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' } });
    assert.equal(img.status, 403, 'another site cannot embed message media');
    const sse = await http(`${s.url}/events`, { headers: { cookie, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' } });
    assert.equal(sse.status, 403);

    // An open redirect through ?next= is not possible.
    const evil = await http(`${s.url}/login`, { method: 'POST', ...form({ username: 'admin', password: 'sesame-open', next: '//evil.example/' }) });
    assert.equal(evil.headers.location, '/');

    // Logout ends the session.
    assert.equal((await http(`${s.url}/logout`, { method: 'POST', headers: { cookie, ...form({}).headers }, body: form({ _csrf: token }).body })).status, 303);
    assert.equal((await http(`${s.url}/queue`, { headers: { cookie } })).status, 303);
  } finally {
    await s.close();
    f.close();
  }
});

test('the login form is rate-limited', async () => {
  const f = await fixture();
  const s = await serve(f, { username: 'admin', password: 'sesame-open' });
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await http(`${s.url}/login`, { method: 'POST', ...form({ username: 'admin', password: `guess${i}` }) })).status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
    const right = await http(`${s.url}/login`, { method: 'POST', ...form({ username: 'admin', password: 'sesame-open' }) });
    assert.equal(right.status, 429, 'even the right password waits out the lockout');
    assert.ok(Number(right.headers['retry-after']) > 0);
  } finally {
    await s.close();
    f.close();
  }
});

test('loopback without a password: no login, but CSRF, cross-site and DNS rebinding still refused', async () => {
  const f = await fixture();
  const s = await serve(f);
  try {
    const home = await http(`${s.url}/`);
    assert.equal(home.status, 200);
    const cookie = cookieOf(home);
    assert.ok(cookie, 'an anonymous session carries the CSRF token');
    const port = new URL(s.url).port;
    const rebound = await http(`${s.url}/`, { headers: { host: `evil.example:${port}` } });
    assert.equal(rebound.status, 421, 'a page of another name resolving to 127.0.0.1 gets nothing');
    assert.equal((await http(`${s.url}/`, { headers: { host: `localhost:${port}` } })).status, 200);
    assert.equal((await http(`${s.url}/queue/retry-dead`, { method: 'POST', headers: { cookie: cookie ?? '', ...form({}).headers }, body: '' })).status, 403);
    const token = csrfOf((await http(`${s.url}/compose`, { headers: { cookie: cookie ?? '' } })).text);
    const ok = await http(`${s.url}/queue/retry-dead`, { method: 'POST', headers: { cookie: cookie ?? '', ...form({}).headers }, body: form({ _csrf: token }).body });
    assert.equal(ok.status, 303, 'the same request with the token from the page goes through');
    const xs = await http(`${s.url}/queue/retry-dead`, { method: 'POST', headers: { cookie: cookie ?? '', 'sec-fetch-site': 'cross-site', ...form({}).headers }, body: form({ _csrf: token }).body });
    assert.equal(xs.status, 403);
  } finally {
    await s.close();
    f.close();
  }
});

test('message content: escaped in pages, served inert', async () => {
  const f = await fixture();
  const s = await serve(f);
  try {
    const page = await http(`${s.url}/m/${f.ids.hostile}`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /<script>window/);
    assert.doesNotMatch(page.text, /onerror="window/);
    assert.doesNotMatch(page.text, /<svg onload/);
    assert.doesNotMatch(page.text, /<iframe/);
    assert.doesNotMatch(page.text, /evil\.example/, 'the HTML part is reduced to text without its links and images');
    assert.doesNotMatch(page.text, /href="javascript:/);
    assert.match(page.text, /&lt;script&gt;window.__pwned=10&lt;\/script&gt;Subject/);
    assert.ok(!page.text.includes(`src="/media/${f.parts.svg}"`), 'SVG is never inline');
    assert.match(page.text, new RegExp(`href="/media/${f.parts.svg}/download"`));

    const jpg = await http(`${s.url}/media/${f.parts.jpeg}`);
    assert.equal(jpg.headers['content-type'], 'image/jpeg');
    assert.match(String(jpg.headers['content-disposition']), /^inline; filename="pic.jpg"/);
    assert.equal(jpg.headers['x-content-type-options'], 'nosniff');
    assert.match(String(jpg.headers['content-security-policy']), /sandbox/);
    assert.deepEqual([...jpg.body.subarray(0, 3)], [0xff, 0xd8, 0xff]);

    for (const id of [f.parts.svg, f.parts.html]) {
      const r = await http(`${s.url}/media/${id}`);
      assert.equal(r.headers['content-type'], 'application/octet-stream', `part ${id} is not served as its own type`);
      assert.match(String(r.headers['content-disposition']), /^attachment;/);
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
    }
    const named = await http(`${s.url}/media/${f.parts.hostileJpeg}/download`);
    const cd = String(named.headers['content-disposition']);
    assert.match(cd, /^attachment; filename="[^"]*"; filename\*=UTF-8''[^"<> ]*$/, cd);
    assert.ok(!cd.includes('<'), 'no markup in the header');
    assert.ok(XSS.filename.includes('<'));
  } finally {
    await s.close();
    f.close();
  }
});

test('extra interfaces under their prefixes get none of the pages\' session and CSRF hooks', async () => {
  const f = await fixture();
  const s = await serve(f, { username: 'admin', password: 'sesame-open' }, [
    {
      prefix: '/api/v1',
      plugin: async (app) => {
        app.post('/ping', async (req) => ({ pong: true, auth: req.headers.authorization ?? null }));
      },
    },
  ]);
  try {
    const r = await http(`${s.url}/api/v1/ping`, { method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: '{}' });
    assert.equal(r.status, 200, 'no login redirect, no CSRF refusal: the plugin authenticates itself');
    assert.deepEqual(JSON.parse(r.text), { pong: true, auth: 'Bearer t' });
    assert.equal(r.headers['x-content-type-options'], 'nosniff', 'the common security headers still apply');
    assert.equal((await http(`${s.url}/queue`)).status, 303, 'the pages still need the login');
  } finally {
    await s.close();
    f.close();
  }
});
