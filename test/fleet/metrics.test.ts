import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { JOB } from '../../src/pipeline/context.js';
import type { ClaimedJob } from '../../src/pipeline/worker.js';
import { openStore } from '../../src/store/index.js';
import { TokensRepo } from '../../src/web/api/tokens.js';
import { Metrics, metricsPlugin } from '../../src/web/metrics.js';
import { parseExposition, type Family } from './exposition.js';

/**
 * /metrics on a real fastify listener over a real SQLite store. The text is checked with the
 * strict exposition reader in ./exposition.ts (promtool is not installed here), and the figures
 * against what the test put in the store.
 */
async function setup(token: string | null = null) {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-metrics-'));
  const store = openStore({ stateDir: dir });
  const metrics = new Metrics({
    store,
    modemStatus: () => ({ port: '/dev/ttyUSB2', state: 'ready', sim: 'ready', registration: { state: 'home' }, signal: { rssiDbm: -71 } }) as never,
  });
  const app = Fastify();
  await app.register(metricsPlugin, { metrics, tokens: new TokensRepo(store.db), token });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address() as { port: number };
  return {
    store,
    metrics,
    app,
    url: `http://127.0.0.1:${addr.port}/metrics`,
    async close() {
      await app.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const job = (kind: string): ClaimedJob => ({ id: 1, kind, key: `${kind}:1`, payload: null, attempts: 1 }) as unknown as ClaimedJob;
const value = (f: Family | undefined, labels: Record<string, string> = {}): number | undefined =>
  f?.samples.find((s) => s.name === f.name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

test('loopback scrape: valid exposition text with the store, job and modem figures', async () => {
  const t = await setup();
  try {
    const { store, metrics } = t;
    store.messages.insert({ direction: 'in', kind: 'sms', state: 'received', from: '+15550100077', to: ['+15550100001'] });
    store.messages.insert({ direction: 'in', kind: 'sms', state: 'received', from: '+15550100078', to: ['+15550100001'] });
    const out = store.messages.insert({ direction: 'out', kind: 'mms', state: 'queued', from: 'api:x', to: ['+15550100042'] });
    store.messages.setState(out.id, 'failed');
    const created = Date.now() - 90_000;
    store.jobs.enqueue({ kind: JOB.relay, key: 'relay:1', payload: { msgId: 1 } }, created);
    store.jobs.enqueue({ kind: JOB.sendSms, key: 'send-sms:9', payload: { msgId: 9 } }, created + 1000);
    const final = (): void => undefined;
    const handlers = metrics.instrument({
      [JOB.mmsRetrieve]: { run: () => new Promise<() => void>((r) => setTimeout(() => r(final), 30)) },
      [JOB.relay]: { run: () => Promise.reject(new Error('smtp 451')) },
    });
    // The job's last writes (JobFinal) pass through the timing wrapper to the worker.
    assert.equal(await handlers[JOB.mmsRetrieve]!.run(job(JOB.mmsRetrieve), new AbortController().signal), final);
    await assert.rejects(handlers[JOB.relay]!.run(job(JOB.relay), new AbortController().signal));
    metrics.modemStatusChanged({ state: 'ready' });
    metrics.modemStatusChanged({ state: 'recovering' });
    metrics.modemStatusChanged({ state: 'recovering' });
    metrics.modemStatusChanged({ state: 'ready' });

    const res = await fetch(t.url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const fams = parseExposition(await res.text());
    for (const f of fams.values()) {
      assert.ok(f.name.startsWith('mmsgw_'), `${f.name} has the mmsgw_ prefix`);
      assert.equal(f.type === 'counter', f.name.endsWith('_total'), `${f.name}: _total exactly on counters`);
      assert.ok(f.help.length > 0, `${f.name} has help`);
    }
    assert.equal(value(fams.get('mmsgw_messages_total'), { direction: 'in', kind: 'sms', state: 'received' }), 2);
    assert.equal(value(fams.get('mmsgw_messages_total'), { direction: 'out', kind: 'mms', state: 'failed' }), 1);
    assert.equal(value(fams.get('mmsgw_jobs_queued'), { kind: JOB.relay }), 1);
    const age = value(fams.get('mmsgw_jobs_oldest_age_seconds')) ?? 0;
    assert.ok(age >= 89 && age < 200, `oldest job age ${age}`);
    const hist = fams.get('mmsgw_job_duration_seconds');
    assert.equal(hist?.type, 'histogram');
    const count = hist?.samples.find((s) => s.name === 'mmsgw_job_duration_seconds_count' && s.labels.kind === JOB.mmsRetrieve && s.labels.result === 'ok');
    assert.equal(count?.value, 1);
    const sum = hist?.samples.find((s) => s.name === 'mmsgw_job_duration_seconds_sum' && s.labels.kind === JOB.mmsRetrieve);
    assert.ok((sum?.value ?? 0) >= 0.025, `retrieve took ${sum?.value}s`);
    assert.equal(value(fams.get('mmsgw_mail_errors_total'), { protocol: 'smtp' }), 1);
    assert.equal(value(fams.get('mmsgw_modem_recoveries_total')), 1);
    assert.equal(value(fams.get('mmsgw_modem_signal_dbm'), { measure: 'rssi' }), -71);
    assert.equal(value(fams.get('mmsgw_modem_up')), 1);
    assert.ok((value(fams.get('mmsgw_store_bytes'), { file: 'db' }) ?? 0) > 0);
  } finally {
    await t.close();
  }
});

test('a non-loopback caller needs metrics.token or an API token with read/admin scope', async () => {
  const t = await setup('metrics-secret-0123456789');
  try {
    const tokens = new TokensRepo(t.store.db);
    const reader = tokens.create('grafana', ['read']).token;
    const admin = tokens.create('ops', ['admin']).token;
    const sender = tokens.create('shop', ['send']).token;
    const remote = (authorization?: string) =>
      t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '192.0.2.7', headers: authorization ? { authorization } : {} });
    assert.equal((await remote()).statusCode, 401);
    assert.match((await remote()).headers['www-authenticate'] as string, /^Bearer /);
    assert.equal((await remote('Bearer wrong')).statusCode, 401);
    assert.equal((await remote(`Bearer ${sender}`)).statusCode, 401, 'send scope is not enough');
    assert.equal((await remote(`Bearer ${reader}`)).statusCode, 200);
    assert.equal((await remote(`Bearer ${admin}`)).statusCode, 200);
    assert.equal((await remote('Bearer metrics-secret-0123456789')).statusCode, 200);
    tokens.revoke('grafana');
    assert.equal((await remote(`Bearer ${reader}`)).statusCode, 401, 'revoked');
    // A proxy on the box forwarding a remote caller is not loopback.
    const proxied = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '198.51.100.3' } });
    assert.equal(proxied.statusCode, 401);
    assert.equal((await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' })).statusCode, 200);
  } finally {
    await t.close();
  }
});
