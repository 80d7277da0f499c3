import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { driveApi, startDemoApi } from '../../src/demo/api.js';
import { startDemo } from '../../src/demo/environment.js';

/**
 * The demo's REST API: a token with every scope and the API's address land in
 * endpoints.json beside what was there; a person (here: fetch) can call it with them; the
 * driver's messages go through the API to the simulated network.
 */
test('demo registers an all-scope token in endpoints.json, keeps other keys, and drives messages through the API', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-demo-api-'));
  const env = await startDemo({ stateDir: dir, baudRate: 0 });
  try {
    writeFileSync(join(dir, 'endpoints.json'), JSON.stringify({ web: 'http://127.0.0.1:1/' }));
    const api = await startDemoApi(env);
    try {
      const endpoints = JSON.parse(readFileSync(join(dir, 'endpoints.json'), 'utf8')) as { web: string; api: { url: string; token: string } };
      assert.equal(endpoints.web, 'http://127.0.0.1:1/', 'the web helper\'s key stays');
      assert.equal(endpoints.api.url, api.url);
      assert.match(endpoints.api.url, /^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
      const status = await fetch(`${endpoints.api.url}/status`, { headers: { authorization: `Bearer ${endpoints.api.token}` } });
      assert.equal(status.status, 200, 'the token has the admin scope');
      const summary = await driveApi(env, api, 4, Date.now() + 60_000);
      assert.deepEqual(summary, { sent: 4, accepted: 4, submitted: 4 });
    } finally {
      await api.stop();
    }
    // A second start (the demo restarted on the same state directory) replaces the token.
    const again = await startDemoApi(env);
    const second = JSON.parse(readFileSync(join(dir, 'endpoints.json'), 'utf8')) as { api: { token: string } };
    assert.equal((await fetch(`${again.url}/messages`, { headers: { authorization: `Bearer ${second.api.token}` } })).status, 200);
    await again.stop();
  } finally {
    await env.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
