import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { createSendService } from '../../../src/app/send.js';
import { demoConfigInput, parseConfig } from '../../../src/config/index.js';
import { openStore, type NewJob } from '../../../src/store/index.js';
import { silentLogger } from '../../../src/util/log.js';
import { apiPlugin } from '../../../src/web/api/index.js';
import { cli } from '../../ops/fixture.js';

/**
 * `mmsgw token create|list|revoke` as a user runs it (the real CLI process), against the
 * API served from the same state directory: the printed token works, the database holds
 * only its SHA-256, a revoked token is refused at once.
 */
test('mmsgw token: create prints a working token stored only hashed; list shows it; revoke stops it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-token-'));
  try {
    const made = await cli(['token', 'create', 'helpdesk', '--scope', 'send,read', '--state-dir', dir, '--json']);
    assert.equal(made.code, 0, made.stderr);
    const created = JSON.parse(made.stdout) as { token: string; name: string; scopes: string[] };
    assert.match(created.token, /^mmsgw_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(created.scopes, ['send', 'read']);
    const raw = new Database(join(dir, 'mmsgw.db'), { readonly: true });
    const dump = JSON.stringify(raw.prepare('SELECT * FROM api_tokens').all());
    raw.close();
    assert.ok(!dump.includes(created.token.slice(6)), 'the token itself is not stored');
    assert.ok(dump.includes(createHash('sha256').update(created.token).digest('hex')));

    const dup = await cli(['token', 'create', 'helpdesk', '--state-dir', dir]);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /exists already/);
    const badScope = await cli(['token', 'create', 'x', '--scope', 'root', '--state-dir', dir]);
    assert.equal(badScope.code, 2);

    const store = openStore({ stateDir: dir });
    const config = parseConfig({ ...demoConfigInput(), stateDir: dir });
    const app = Fastify();
    await app.register(apiPlugin, { prefix: '/api/v1', store, send: createSendService(config, { store, log: silentLogger, enqueue: (j: NewJob) => void store.jobs.enqueue(j), now: Date.now, ownNumber: undefined }) });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const get = (): Promise<Response> => fetch(`${url}/api/v1/messages`, { headers: { authorization: `Bearer ${created.token}` } });
      assert.equal((await get()).status, 200);
      const list = await cli(['token', 'list', '--state-dir', dir, '--json']);
      assert.equal(list.code, 0, list.stderr);
      const rows = JSON.parse(list.stdout) as { name: string; lastUsedAt: string | null; revokedAt: string | null }[];
      assert.equal(rows.length, 1);
      assert.equal(rows[0]?.name, 'helpdesk');
      assert.notEqual(rows[0]?.lastUsedAt, null);
      assert.ok(!list.stdout.includes(created.token));
      const revoked = await cli(['token', 'revoke', 'helpdesk', '--state-dir', dir, '--json']);
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.equal((await get()).status, 401);
      const again = await cli(['token', 'revoke', 'helpdesk', '--state-dir', dir]);
      assert.equal(again.code, 1);
    } finally {
      await app.close();
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
