import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSendService, type SendService } from '../../src/app/send.js';
import { demoConfigInput, parseConfig } from '../../src/config/index.js';
import type { PipelineContext } from '../../src/pipeline/context.js';
import { openStore, type NewJob, type Store } from '../../src/store/index.js';
import { silentLogger } from '../../src/util/log.js';

/**
 * The shared send service on a real SQLite store: what it queues (message row, parts, send
 * job) is read back from the store; refusals queue nothing; the idempotency key queues once.
 */
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

async function withService(fn: (s: SendService, store: Store) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-send-'));
  const store = openStore({ stateDir: dir });
  const config = parseConfig({ ...demoConfigInput(), stateDir: dir });
  const ctx: PipelineContext = { store, log: silentLogger, enqueue: (job: NewJob) => void store.jobs.enqueue(job), now: Date.now, ownNumber: '+15550100001' };
  try {
    await fn(createSendService(config, ctx), store);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('short text to one number is queued as SMS with its send job', () =>
  withService(async (svc, store) => {
    const r = await svc.send({ to: ['+1 555 010 0042'], text: 'Hello there', origin: 'api:test' });
    assert.ok(r.ok);
    assert.equal(r.kind, 'sms');
    assert.deepEqual(r.to, ['+15550100042']);
    const m = store.messages.require(r.id);
    assert.equal(m.direction, 'out');
    assert.equal(m.state, 'queued');
    assert.equal(m.from, 'api:test');
    const [part] = store.content.parts(r.id);
    assert.ok(part);
    assert.equal(Buffer.from(await store.content.partBody(part)).toString('utf8'), 'Hello there');
    assert.equal(store.jobs.getByKey(`send-sms:${r.id}`)?.state, 'queued');
  }));

test('text with media, or for two numbers, goes as MMS with SMIL and the image', () =>
  withService(async (svc, store) => {
    const r = await svc.send({ to: ['+15550100042'], text: 'Look', subject: 'Pic', media: [{ filename: 'dot.gif', contentType: 'image/gif', content: GIF }], origin: 'api:test' });
    assert.ok(r.ok);
    assert.equal(r.kind, 'mms');
    const types = store.content.parts(r.id).map((p) => p.contentType);
    assert.deepEqual(types, ['application/smil', 'text/plain', 'image/gif']);
    assert.equal(store.messages.require(r.id).subject, 'Pic');
    assert.ok(store.jobs.getByKey(`send-mms:${r.id}`));
    const g = await svc.send({ to: ['+15550100042', '+15550100043'], text: 'Group', origin: 'api:test' });
    assert.ok(g.ok);
    assert.equal(g.kind, 'mms');
  }));

test('the same idempotency key queues one message; a different request under it is refused', () =>
  withService(async (svc, store) => {
    const a = await svc.send({ to: ['+15550100042'], text: 'Once', origin: 'api:test', idempotencyKey: 'k-1' });
    const b = await svc.send({ to: ['+15550100042'], text: 'Once', origin: 'api:test', idempotencyKey: 'k-1' });
    assert.ok(a.ok && b.ok);
    assert.equal(b.id, a.id);
    assert.equal(a.created, true);
    assert.equal(b.created, false);
    assert.equal(store.messages.list({ direction: 'out' }).length, 1);
    // Same key, other origin: its own message.
    const c = await svc.send({ to: ['+15550100042'], text: 'Once', origin: 'api:other', idempotencyKey: 'k-1' });
    assert.ok(c.ok && c.id !== a.id);
    const d = await svc.send({ to: ['+15550100042'], text: 'Different', origin: 'api:test', idempotencyKey: 'k-1' });
    assert.ok(!d.ok);
    assert.equal(d.error.code, 'idempotency-conflict');
    assert.equal(store.messages.list({ direction: 'out' }).length, 2);
  }));

test('refusals name the field and queue nothing', () =>
  withService(async (svc, store) => {
    const cases: [Parameters<SendService['send']>[0], string, string][] = [
      [{ to: [], text: 'x', origin: 'api:t' }, 'no-recipient', 'to'],
      [{ to: ['+15550100042', '12'], text: 'x', origin: 'api:t' }, 'bad-recipient', 'to[1]'],
      [{ to: ['+15550100042', 'abc'], text: 'x', origin: 'api:t' }, 'bad-recipient', 'to[1]'],
      [{ to: ['+15550100042'], text: '', origin: 'api:t' }, 'empty', 'text'],
      [{ to: ['+15550100042'], text: 'x', media: [{ contentType: 'image/jpeg', content: Buffer.from('not a jpeg at all') }], origin: 'api:t' }, 'unsupported-media', 'media'],
      [{ to: ['+15550100042'], text: 'x', origin: 'a@b' }, 'bad-origin', 'origin'],
      [{ to: ['+15550100042'], text: 'x', origin: 'api:t', idempotencyKey: 'has space' }, 'bad-idempotency-key', 'idempotencyKey'],
      [{ to: Array.from({ length: 11 }, (_, i) => `+1555010${String(i).padStart(4, '0')}`), text: 'x', origin: 'api:t' }, 'too-many-recipients', 'to'],
    ];
    for (const [req, code, field] of cases) {
      const r = await svc.send(req);
      assert.ok(!r.ok, `${code} accepted`);
      assert.equal(r.error.code, code);
      assert.equal(r.error.field, field);
    }
    assert.equal(store.messages.list({}).length, 0);
    assert.equal(store.jobs.list().length, 0);
  }));
