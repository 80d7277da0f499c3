import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomHandsetParts, type SimFault } from '../../src/sim/mmsc/index.js';
import { OWN_NUMBER, mailsWith, sleep, waitUntil, withE2e, type E2eEnv } from '../helpers/e2e.js';

/**
 * The MMSC misbehaving while the gateway fetches: every transient fault ends with the message
 * in the mailbox exactly once (fetched completely once, confirmed once as retrieved) after the
 * fault clears; a permanent retrieve status dead-letters the job with its reason, relays
 * nothing and keeps the raw notification. Backoff is shortened in the configuration
 * (mmsc.backoff.initialSeconds 1, maxSeconds 2).
 */

let seq = 0;

async function receiveThrough(env: E2eEnv, name: string, faults: SimFault[], o: { timeoutMs?: number; whileWaiting?: (requestsBefore: number) => Promise<void> } = {}): Promise<void> {
  const marker = `[fault-${name}-${seq++}]`;
  env.mmscSim.clearFaults();
  for (const f of faults) env.mmscSim.fault(f);
  const before = env.mmscSim.requests().length;
  try {
    const txid = await env.mmscSim.submitFromHandset({
      from: '+15550220001', to: OWN_NUMBER, subject: marker,
      parts: randomHandsetParts({ parts: 3, totalBytes: 30_000, seed: seq }),
    });
    if (o.whileWaiting) await o.whileWaiting(before);
    await waitUntil(async () => (await mailsWith(env.sink, marker)).length > 0, o.timeoutMs ?? 20_000, `${marker} at the mailbox`, () => ({
      jobs: env.gateway.store.jobs.list(undefined, 5).map((j) => ({ key: j.key, state: j.state, attempts: j.attempts, err: j.lastError })),
      requests: env.mmscSim.requests().slice(-6).map((r) => `${r.method} ${r.target} → ${r.status}`),
    }));
    await waitUntil(() => env.mmscSim.notifyResps().some((r) => r.transactionId === txid), 10_000, `${marker} notifyresp`);
    await sleep(300);
    assert.equal((await mailsWith(env.sink, marker)).length, 1, `${marker}: exactly one mail`);
    assert.equal(env.mmscSim.fetches(txid), 1, `${marker}: one complete fetch`);
    assert.deepEqual(env.mmscSim.notifyResps().filter((r) => r.transactionId === txid).map((r) => r.status), ['retrieved'], `${marker}: one notifyresp, retrieved`);
  } finally {
    env.mmscSim.clearFaults();
  }
}

test('transient MMSC faults: each message still arrives exactly once', { timeout: 85_000 }, async (t) => {
  await withE2e({}, async (env) => {
    await t.test('HTTP 503 twice', () => receiveThrough(env, '503', [{ kind: 'status', status: 503, on: 'retrieve', times: 2 }]));
    await t.test('connection reset', () => receiveThrough(env, 'reset', [{ kind: 'reset', on: 'retrieve', times: 1 }]));
    await t.test('truncated body', () => receiveThrough(env, 'truncate', [{ kind: 'truncate', fraction: 0.4, on: 'retrieve', times: 1 }]));
    await t.test('wrong content type', () => receiveThrough(env, 'ctype', [{ kind: 'content-type', contentType: 'text/html', on: 'retrieve', times: 1 }]));
    await t.test('retrieve-status error-transient-failure', () => receiveThrough(env, 'rs-transient', [{ kind: 'retrieve-status', status: 'error-transient-failure', on: 'retrieve', times: 1 }]));
    await t.test('slow link', () => receiveThrough(env, 'slow', [{ kind: 'slow', bytesPerSecond: 40_000, on: 'retrieve', times: 1 }]));
    await t.test('redirect twice', () => receiveThrough(env, 'redirect', [{ kind: 'redirect', hops: 2, on: 'retrieve', times: 1 }]));
    await t.test('chunked body', () => receiveThrough(env, 'chunked', [{ kind: 'chunked', on: 'retrieve', times: 1 }]));
    await t.test('m-notifyresp-ind answered 500 once', () => receiveThrough(env, 'post500', [{ kind: 'status', status: 500, on: 'post', times: 1 }]));
    await t.test('proxy demanding absolute URIs', async () => {
      env.mmscSim.configure({ demandAbsoluteUri: true });
      try {
        await receiveThrough(env, 'absolute', []);
        const recent = env.mmscSim.requests().slice(-2);
        assert.ok(recent.every((r) => r.absolute), 'requests went to the proxy in absolute-form');
      } finally {
        env.mmscSim.configure({ demandAbsoluteUri: false });
      }
    });
    // The carrier profile's HTTP timeout is 120 s and no configuration key shortens it (see
    // docs/TESTING.md), so a hung GET is ended by a gateway restart here, which aborts it.
    await t.test('hung GET, then a gateway restart', () => receiveThrough(env, 'hang', [{ kind: 'hang', on: 'retrieve', times: 1 }], {
      timeoutMs: 25_000,
      whileWaiting: async (since) => {
        await waitUntil(() => env.mmscSim.requests().slice(since).some((r) => r.method === 'GET' && r.status === undefined), 10_000, 'the hung GET');
        await env.restart();
      },
    }));
    assert.equal(env.gateway.store.jobs.counts().dead, 0, 'no job dead-lettered');
  });
});

test('a permanent retrieve status dead-letters the fetch with its reason; nothing relayed, notification kept, owner told', { timeout: 30_000 }, async () => {
  await withE2e({}, async (env) => {
    const marker = '[fault-permanent]';
    env.mmscSim.fault({ kind: 'retrieve-status', status: 'error-permanent-message-not-found', text: 'gone for good', on: 'retrieve' });
    const txid = await env.mmscSim.submitFromHandset({ from: '+15550220002', to: OWN_NUMBER, subject: marker, parts: randomHandsetParts({ parts: 2, totalBytes: 5_000 }) });
    const store = env.gateway.store;
    const dead = await waitUntil(() => store.jobs.list('dead').find((j) => j.kind === 'mms-retrieve'), 15_000, 'the dead mms-retrieve job', () => store.jobs.list(undefined, 5));
    assert.match(dead.lastError ?? '', /error-permanent-message-not-found/, 'the dead job names the retrieve status');
    assert.ok(dead.attempts <= 2, `a permanent error is not retried (${dead.attempts} attempts)`);
    const msg = store.messages.list({ direction: 'in', limit: 10 }).find((m) => m.transactionId === txid);
    assert.ok(msg, 'the message row exists');
    assert.notEqual(msg.state, 'relayed');
    const events = store.events.ofMessage(msg.id);
    assert.ok(events.some((e) => e.kind === 'fetch-attempt' && JSON.stringify(e.detail).includes('error-permanent-message-not-found')), `the events show the reason: ${JSON.stringify(events.map((e) => e.kind))}`);
    const raws = store.content.rawPdusOf(msg.id).map((r) => r.kind);
    assert.ok(raws.includes('wap-push'), `raw notification kept (${raws.join(', ')})`);
    await sleep(1500);
    const mails = await mailsWith(env.sink, marker);
    assert.equal(mails.filter((m) => !/^Undelivered MMS/.test(m.parsed.subject ?? '')).length, 0, 'nothing relayed');
    assert.equal(mails.length, 1, 'the owner is told, once');
    // error-permanent-message-not-found: the MMSC no longer holds it, so it counts as expired
    // (see mmsc-sim-fidelity.test.ts for the 404 an expired message gets).
    assert.equal(store.messages.get(msg.id)?.state, 'expired');
    assert.match(mails[0]?.parsed.text ?? '', /expired at the carrier/);
    assert.equal(env.mmscSim.fetches(txid), 0);
  });
});
