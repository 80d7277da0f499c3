import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { withApi } from './helpers.js';

/**
 * The REST API over real HTTP on a real store; every response is validated against the
 * served OpenAPI document (helpers.ts). Refusals are checked to leave nothing queued.
 */
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

test('no token, no access: every address, the document and unknown paths included', () =>
  withApi(async (env) => {
    for (const [m, p] of [['GET', '/messages'], ['POST', '/messages'], ['GET', '/messages/1'], ['GET', '/messages/1/parts/1'], ['GET', '/status'], ['GET', '/openapi.json']] as const) {
      const r = await env.call(m, p, { token: null, json: m === 'POST' ? { to: ['+15550100042'], text: 'x' } : undefined });
      assert.equal(r.status, 401, `${m} ${p}`);
      assert.equal(r.json.field, 'Authorization');
      assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer realm="mmsgw"/);
    }
    const unknown = await fetch(`${env.base}/nothing-here`);
    assert.equal(unknown.status, 401);
    const bad = await env.call('GET', '/messages', { token: 'mmsgw_not-a-real-token' });
    assert.equal(bad.status, 401);
    assert.match(bad.headers.get('www-authenticate') ?? '', /invalid_token/);
    const basic = await env.call('GET', '/messages', { token: null, headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    assert.equal(basic.status, 401);
    // Revoked tokens stop working at once.
    const t = env.tokens.create('temp', ['read']).token;
    assert.equal((await env.call('GET', '/messages', { token: t })).status, 200);
    assert.ok(env.tokens.revoke('temp'));
    assert.equal((await env.call('GET', '/messages', { token: t })).status, 401);
    assert.equal(env.store.messages.list({}).length, 0, 'nothing queued');
  }));

test('scopes: send cannot read, read cannot send, status needs admin', () =>
  withApi(async (env) => {
    const s = await env.call('GET', '/messages', { token: env.token.send });
    assert.equal(s.status, 403);
    assert.match(s.headers.get('www-authenticate') ?? '', /insufficient_scope/);
    assert.equal((await env.call('POST', '/messages', { token: env.token.read, json: { to: ['+15550100042'], text: 'x' } })).status, 403);
    assert.equal((await env.call('GET', '/status', { token: env.token.read })).status, 403);
    // HEAD needs what GET needs (it would show a part's type, size and file name).
    const head = await fetch(`${env.base}/messages/1/parts/1`, { method: 'HEAD', headers: { authorization: `Bearer ${env.token.send}` } });
    assert.equal(head.status, 403);
    const st = await env.call('GET', '/status');
    assert.equal(st.status, 200);
    assert.equal(st.json.modem, null);
    assert.equal((await env.call('POST', '/messages', { token: env.token.send, json: { to: ['+15550100042'], text: 'ok' } })).status, 202);
    assert.equal(env.store.messages.list({}).length, 1);
  }));

test('POST /messages with JSON queues an SMS and answers 202 with its id and Location', () =>
  withApi(async (env) => {
    const r = await env.call('POST', '/messages', { json: { to: ['+1 555 010 0042'], text: 'Your ticket #17 is ready' } });
    assert.equal(r.status, 202);
    assert.equal(r.json.kind, 'sms');
    assert.deepEqual(r.json.to, ['+15550100042']);
    assert.equal(r.headers.get('location'), `/api/v1/messages/${r.json.id}`);
    const m = env.store.messages.require(r.json.id);
    assert.equal(m.state, 'queued');
    assert.equal(m.from, 'api:all');
    assert.ok(env.store.jobs.getByKey(`send-sms:${m.id}`));
    env.store.messages.setState(m.id, 'submitting');
    env.store.messages.setState(m.id, 'sent');
    const got = await env.call('GET', `/messages/${m.id}`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.json.states.map((s: { state: string }) => s.state), ['queued', 'submitting', 'sent']);
    assert.equal(got.json.parts[0].contentType, 'text/plain');
    const body = await env.call('GET', `/messages/${m.id}/parts/1`);
    assert.equal(body.bytes.toString('utf8'), 'Your ticket #17 is ready');
  }));

test('Idempotency-Key: a retried request gets the first answer and queues nothing; another request under the key is a conflict', () =>
  withApi(async (env) => {
    const req = { json: { to: ['+15550100042'], text: 'once' }, headers: { 'idempotency-key': 'order-17' } };
    const a = await env.call('POST', '/messages', req);
    const b = await env.call('POST', '/messages', req);
    assert.equal(a.status, 202);
    assert.equal(b.status, 202);
    assert.deepEqual(b.json, a.json);
    assert.equal(b.headers.get('idempotent-replayed'), 'true');
    assert.equal(env.store.messages.list({}).length, 1);
    const c = await env.call('POST', '/messages', { json: { to: ['+15550100042'], text: 'twice?' }, headers: { 'idempotency-key': 'order-17' } });
    assert.equal(c.status, 409);
    assert.equal(c.json.field, 'Idempotency-Key');
    const d = await env.call('POST', '/messages', { json: { to: ['+15550100042'], text: 'x' }, headers: { 'idempotency-key': 'has space' } });
    assert.equal(d.status, 400);
    assert.equal(d.json.field, 'Idempotency-Key');
    assert.equal(env.store.messages.list({}).length, 1);
  }));

test('multipart/form-data with an image is sent as MMS; its parts come back byte for byte, as attachments, not sniffed', () =>
  withApi(async (env) => {
    const form = new FormData();
    form.append('to', '+15550100042');
    form.append('text', 'Photo of the repair');
    form.append('subject', 'Repair');
    form.append('media', new Blob([GIF], { type: 'image/gif' }), 'dot"<x>.gif');
    const r = await env.call('POST', '/messages', { body: form });
    assert.equal(r.status, 202, JSON.stringify(r.json));
    assert.equal(r.json.kind, 'mms');
    const m = await env.call('GET', `/messages/${r.json.id}`);
    assert.equal(m.json.subject, 'Repair');
    const types = m.json.parts.map((p: { contentType: string }) => p.contentType);
    assert.deepEqual(types, ['application/smil', 'text/plain', 'image/gif']);
    const img = await env.call('GET', `/messages/${r.json.id}/parts/3`);
    assert.equal(img.status, 200);
    assert.equal(sha(img.bytes), sha(GIF));
    assert.equal(img.headers.get('content-type'), 'image/gif');
    assert.equal(img.headers.get('x-content-type-options'), 'nosniff');
    assert.match(img.headers.get('content-disposition') ?? '', /^attachment; filename="[^"<>]*"/);
    const missing = await env.call('GET', `/messages/${r.json.id}/parts/9`);
    assert.equal(missing.status, 404);
    assert.equal(missing.json.field, 'n');
  }));

test('every refusal of POST /messages names the field and queues nothing', () =>
  withApi(
    async (env) => {
      const form = (build: (f: FormData) => void): FormData => {
        const f = new FormData();
        build(f);
        return f;
      };
      const cases: [string, Parameters<typeof env.call>[2], number, string][] = [
        ['bad number', { json: { to: ['12'], text: 'x' } }, 422, 'to[0]'],
        ['second number bad', { json: { to: ['+15550100042', 'call me'], text: 'x' } }, 422, 'to[1]'],
        ['no recipients', { json: { to: [], text: 'x' } }, 422, 'to'],
        ['to not an array', { json: { to: '+15550100042', text: 'x' } }, 422, 'to'],
        ['number not a string', { json: { to: [15550100042], text: 'x' } }, 422, 'to[0]'],
        ['unknown field', { json: { to: ['+15550100042'], text: 'x', media: [] } }, 422, 'media'],
        ['text not a string', { json: { to: ['+15550100042'], text: 5 } }, 422, 'text'],
        ['empty', { json: { to: ['+15550100042'], text: '' } }, 422, 'text'],
        ['not an object', { json: ['+15550100042'] }, 400, 'body'],
        ['invalid JSON', { body: '{"to": [', headers: { 'content-type': 'application/json' } }, 400, 'body'],
        ['text/plain', { body: 'hello', headers: { 'content-type': 'text/plain' } }, 415, 'Content-Type'],
        ['too many numbers', { json: { to: Array.from({ length: 11 }, (_, i) => `+1555010${String(i).padStart(4, '0')}`), text: 'x' } }, 422, 'to'],
        ['too large JSON', { json: { to: ['+15550100042'], text: 'x'.repeat(70_000) } }, 413, 'body'],
        ['fake image', { body: form((f) => { f.append('to', '+15550100042'); f.append('media', new Blob([Buffer.from('<script>alert(1)</script>')], { type: 'image/jpeg' }), 'x.jpg'); }) }, 422, 'media'],
        ['file in wrong field', { body: form((f) => { f.append('to', '+15550100042'); f.append('photo', new Blob([GIF], { type: 'image/gif' }), 'a.gif'); }) }, 422, 'photo'],
        ['unknown form field', { body: form((f) => { f.append('to', '+15550100042'); f.append('text', 'x'); f.append('priority', 'high'); }) }, 422, 'priority'],
        ['two files together too large', { body: form((f) => { f.append('to', '+15550100042'); for (let i = 0; i < 2; i++) f.append('media', new Blob([Buffer.alloc(40_000)], { type: 'image/gif' }), `p${i}.gif`); }) }, 413, 'media'],
        ['too large upload', { body: form((f) => { f.append('to', '+15550100042'); f.append('media', new Blob([Buffer.alloc(80_000)], { type: 'image/gif' }), 'big.gif'); }) }, 413, 'body'],
      ];
      for (const [what, init, status, field] of cases) {
        const r = await env.call('POST', '/messages', init);
        assert.equal(r.status, status, `${what}: ${JSON.stringify(r.json)}`);
        assert.equal(r.json.field, field, what);
        assert.match(r.headers.get('content-type') ?? '', /^application\/problem\+json/, what);
      }
      assert.equal(env.store.messages.list({}).length, 0);
      assert.equal(env.store.jobs.list().length, 0);
    },
    { options: { maxBodyBytes: 64 * 1024 } },
  ));

test('GET /messages filters by direction, correspondent, state and since, and pages with a cursor', () =>
  withApi(async (env) => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await env.call('POST', '/messages', { json: { to: [`+1555010004${i % 2}`], text: `m${i}` } });
      ids.push(r.json.id);
    }
    const inbound = env.store.messages.insert({ direction: 'in', kind: 'sms', state: 'received', from: '+15550100040', to: ['+15550100001'] });
    const all = await env.call('GET', '/messages?limit=2');
    assert.equal(all.json.items.length, 2);
    assert.deepEqual(all.json.items.map((m: { id: number }) => m.id), [inbound.id, ids[4]]);
    const seen: number[] = [];
    let cursor: string | undefined = undefined;
    do {
      const page: Awaited<ReturnType<typeof env.call>> = await env.call('GET', `/messages?limit=2&direction=out${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200);
      seen.push(...page.json.items.map((m: { id: number }) => m.id));
      cursor = page.json.next;
    } while (cursor);
    assert.deepEqual(seen, [...ids].reverse());
    const corr = await env.call('GET', `/messages?correspondent=${encodeURIComponent('+15550100040')}`);
    assert.deepEqual(corr.json.items.map((m: { id: number }) => m.id), [inbound.id, ids[4], ids[2], ids[0]]);
    const st = await env.call('GET', '/messages?state=received');
    assert.deepEqual(st.json.items.map((m: { id: number }) => m.id), [inbound.id]);
    const future = await env.call('GET', `/messages?since=${new Date(Date.now() + 60_000).toISOString()}`);
    assert.deepEqual(future.json.items, []);
    const past = await env.call('GET', '/messages?since=2020-01-01');
    assert.equal(past.json.items.length, 6);
    for (const [q, field] of [['direction=sideways', 'direction'], ['state=lost', 'state'], ['since=yesterday', 'since'], ['cursor=zzz', 'cursor'], ['limit=0', 'limit'], ['limit=1000', 'limit'], ['colour=red', 'colour']]) {
      const r = await env.call('GET', `/messages?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(r.json.field, field, q);
    }
    assert.equal((await env.call('GET', '/messages/999999')).status, 404);
    assert.equal((await env.call('GET', '/messages/abc')).json.field, 'id');
  }));

test('rate limit per token: 429 with Retry-After once the burst is spent, other tokens unaffected', () =>
  withApi(
    async (env) => {
      for (let i = 0; i < 3; i++) assert.equal((await env.call('GET', '/messages')).status, 200);
      const r = await env.call('GET', '/messages');
      assert.equal(r.status, 429);
      assert.ok(Number(r.headers.get('retry-after')) >= 1);
      assert.equal((await env.call('GET', '/messages', { token: env.token.read })).status, 200);
    },
    { options: { rateLimit: { perMinute: 1, burst: 3 } } },
  ));

test('the OpenAPI document is valid OpenAPI 3.1 (checked by Python openapi-spec-validator)', async (t) => {
  const probe = spawnSync('python3', ['-c', 'import openapi_spec_validator'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    t.skip('python3 openapi-spec-validator is not installed (pip install openapi-spec-validator)');
    return;
  }
  await withApi(async (env) => {
    const doc = await env.call('GET', '/openapi.json');
    assert.equal(doc.status, 200);
    assert.equal(doc.json.openapi, '3.1.0');
    const script = 'import sys, json\nfrom openapi_spec_validator import validate\nvalidate(json.load(sys.stdin))\nprint("valid")';
    const r = spawnSync('python3', ['-c', script], { input: doc.bytes, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'valid');
  });
});
