import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hookOptions, startHooks, type Hooks } from '../../src/app/hooks.js';
import { demoConfigInput, parseConfig, type Config, type ConfigInput } from '../../src/config/index.js';
import { hookHandlers } from '../../src/hooks/index.js';
import type { PipelineContext } from '../../src/pipeline/context.js';
import { JobWorker } from '../../src/pipeline/worker.js';
import { openStore, type NewJob, type Store } from '../../src/store/index.js';
import { silentLogger } from '../../src/util/log.js';
import { waitUntil } from '../helpers/e2e.js';
import { cli } from '../ops/fixture.js';

/**
 * Webhooks and hooks.onReceive on real parts: a SQLite store whose state outbox is filled by
 * the migration's triggers, the real job worker, a real HTTP receiver that checks each
 * signature with its own HMAC computation, and real executables for the local hook.
 */
const SECRET = 'a-webhook-secret-of-some-length';

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly json: { id: string; type: string; createdAt: string; data: { message?: { id: number; state: string; text?: string }; previousState?: string | null } };
}

class Receiver {
  readonly got: Received[] = [];
  /** Every request, answered 2xx or not: `<webhook-id> <body>`. */
  readonly tries: string[] = [];
  /** Status to answer per request; the default is 204. */
  answer: () => number = () => 204;
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = this.answer();
        this.tries.push(`${String(req.headers['webhook-id'])} ${Buffer.concat(chunks).toString('utf8')}`);
        if (status >= 200 && status < 300) {
          const body = Buffer.concat(chunks).toString('utf8');
          this.got.push({ headers: req.headers, body, json: JSON.parse(body) as Received['json'] });
        }
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    const a = this.server.address();
    this.url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/hook`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise((r) => this.server?.close(r));
  }
}

/** The signature as a receiver computes it: HMAC-SHA256 over "<id>.<timestamp>.<body>" (Standard Webhooks). */
function verify(r: Received, secret: string): boolean {
  const id = String(r.headers['webhook-id']);
  const ts = String(r.headers['webhook-timestamp']);
  const expected = createHmac('sha256', secret).update(`${id}.${ts}.${r.body}`).digest('base64');
  return String(r.headers['webhook-signature']) === `v1,${expected}` && Math.abs(Date.now() / 1000 - Number(ts)) < 300;
}

interface Env {
  readonly store: Store;
  readonly ctx: PipelineContext;
  readonly worker: JobWorker;
  readonly hooks: Hooks;
  readonly dir: string;
  readonly config: Config;
}

async function withHooks(configure: (dir: string) => ConfigInput, fn: (env: Env) => Promise<void>, modem?: EventEmitter): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-hooks-'));
  const store = openStore({ stateDir: dir });
  const config = parseConfig({ ...demoConfigInput(), stateDir: dir, ...configure(dir) });
  const wake: { worker?: JobWorker } = {};
  const ctx: PipelineContext = { store, log: silentLogger, enqueue: (j: NewJob) => { store.jobs.enqueue(j); wake.worker?.poke(); }, now: Date.now, ownNumber: '+15550100001' };
  const worker = new JobWorker({ queue: store.jobs, handlers: hookHandlers({ ...hookOptions(config), backoff: { baseMs: 100, maxMs: 200, maxAttempts: 1000 } }), log: silentLogger, maxIdleMs: 50 });
  wake.worker = worker;
  worker.start();
  const hooks = startHooks(config, ctx, worker, modem as Parameters<typeof startHooks>[3]);
  try {
    await fn({ store, ctx, worker, hooks, dir, config });
  } finally {
    await hooks.stop();
    await worker.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const inboundSms = (store: Store, text: string): number => {
  const m = store.messages.insert({ direction: 'in', kind: 'sms', state: 'received', from: '+15550100077', to: ['+15550100001'] });
  store.content.replaceParts(m.id, [{ contentType: 'text/plain', charset: 'utf-8', body: Buffer.from(text) }]);
  return m.id;
};

test('message.received reaches the target once, signed; the receiver checks the HMAC itself', async () => {
  const rx = await new Receiver().start();
  try {
    await withHooks(() => ({ webhooks: { targets: [{ name: 'crm', url: rx.url, secret: SECRET }] } }), async ({ store }) => {
      const id = inboundSms(store, 'Hello from a handset');
      await waitUntil(() => rx.got.length === 1, 10_000, 'the webhook');
      const [r] = rx.got;
      assert.ok(r);
      assert.ok(verify(r, SECRET), 'signature verifies');
      assert.ok(!verify(r, 'another-secret-entirely'), 'a wrong secret does not');
      assert.equal(r.json.type, 'message.received');
      assert.equal(r.headers['mmsgw-event'], 'message.received');
      assert.equal(r.json.id, r.headers['webhook-id']);
      assert.equal(r.json.data.message?.id, id);
      assert.equal(r.json.data.message?.text, 'Hello from a handset');
      await waitUntil(() => store.jobs.getByKey(`webhook:crm:${r.json.id}`)?.state === 'done', 5000, 'the job to be done');
      // Another pass over the outbox adds nothing; nothing more arrives.
      await waitUntil(() => store.db.prepare('SELECT count(*) FROM state_changes WHERE dispatched = 0').pluck().get() === 0, 5000, 'the outbox to empty');
      assert.equal(rx.got.length, 1);
      // A later event, after the outbox emptied, gets a new id (never a handled row's id again).
      const second = inboundSms(store, 'later');
      await waitUntil(() => rx.got.length === 2, 10_000, 'the second webhook');
      assert.equal(rx.got[1]?.json.data.message?.id, second);
      assert.notEqual(rx.got[1]?.json.id, r.json.id);
    });
  } finally {
    await rx.stop();
  }
});

test('outbound lifecycle: sent, delivered and failed events, each once, filtered per target', async () => {
  const all = await new Receiver().start();
  const failures = await new Receiver().start();
  try {
    await withHooks(
      () => ({
        webhooks: {
          targets: [
            { name: 'all', url: all.url, secret: SECRET },
            { name: 'failures', url: failures.url, secret: SECRET, events: ['message.failed'] },
          ],
        },
      }),
      async ({ store }) => {
        const a = store.messages.insert({ direction: 'out', kind: 'sms', state: 'queued', from: 'api:x', to: ['+15550100042'] });
        const b = store.messages.insert({ direction: 'out', kind: 'mms', state: 'queued', from: 'api:x', to: ['+15550100043'] });
        store.messages.setState(a.id, 'submitting');
        store.messages.setState(a.id, 'sent');
        store.messages.setState(a.id, 'delivered');
        store.messages.setState(b.id, 'failed');
        await waitUntil(() => all.got.length >= 3 && failures.got.length >= 1, 10_000, 'the events', () => all.got.map((g) => g.json.type));
        const types = all.got.map((g) => `${g.json.data.message?.id}:${g.json.type}:${g.json.data.message?.state}`).sort();
        assert.deepEqual(types, [`${a.id}:message.delivered:delivered`, `${a.id}:message.sent:sent`, `${b.id}:message.failed:failed`].sort());
        assert.deepEqual(failures.got.map((g) => g.json.type), ['message.failed']);
        assert.equal(new Set(all.got.map((g) => g.json.id)).size, 3, 'distinct event ids');
        assert.ok(all.got.every((g) => verify(g, SECRET)));
      },
    );
  } finally {
    await all.stop();
    await failures.stop();
  }
});

test('a failing target is retried with backoff until it answers 2xx; the same event id and body every time', async () => {
  const rx = await new Receiver().start();
  let calls = 0;
  rx.answer = () => (++calls <= 3 ? 503 : 200);
  try {
    await withHooks(() => ({ webhooks: { targets: [{ name: 'flaky', url: rx.url, secret: SECRET }] } }), async ({ store }) => {
      inboundSms(store, 'retry me');
      await waitUntil(() => rx.got.length === 1, 15_000, 'the delivery after retries');
      assert.equal(calls, 4);
      assert.equal(new Set(rx.tries).size, 1, 'one event id and body across the retries');
      const key = `webhook:flaky:${rx.got[0]?.json.id ?? ''}`;
      const job = await waitUntil(() => (store.jobs.getByKey(key)?.state === 'done' ? store.jobs.getByKey(key) : undefined), 5000, 'the job to be done');
      assert.equal(job?.attempts, 4);
    });
  } finally {
    await rx.stop();
  }
});

test('a target that never answers 2xx is dead-lettered once the event is older than maxAge; visible with its error', async () => {
  const rx = await new Receiver().start();
  rx.answer = () => 500;
  try {
    await withHooks(() => ({ webhooks: { targets: [{ name: 'down', url: rx.url, secret: SECRET }], maxAgeHours: 1 } }), async ({ store, config, dir }) => {
      // Pretend the event is already old: the bound is checked against the job's createdAt.
      const id = inboundSms(store, 'nobody listens');
      await waitUntil(() => store.jobs.list().find((j) => j.kind === 'webhook'), 5000, 'the webhook job');
      const job = store.jobs.list().find((j) => j.kind === 'webhook');
      assert.ok(job);
      const p = job.payload as { createdAt: number };
      store.db.prepare('UPDATE jobs SET payload = ? WHERE id = ?').run(JSON.stringify({ ...p, createdAt: Date.now() - config.webhooks.maxAgeHours * 3_600_000 }), job.id);
      await waitUntil(() => store.jobs.get(job.id)?.state === 'dead', 10_000, 'the dead letter', () => store.jobs.get(job.id));
      assert.match(store.jobs.get(job.id)?.lastError ?? '', /HTTP 500/);
      assert.ok(id > 0);
      // The operator sees it where every dead job is listed.
      const listed = await cli(['jobs', '--dead', '--state-dir', dir, '--json']);
      assert.equal(listed.code, 0, listed.stderr);
      const dead = JSON.parse(listed.stdout) as { kind: string; key: string; lastError: string | null }[];
      assert.ok(dead.some((j) => j.kind === 'webhook' && j.key === job.key && /HTTP 500/.test(j.lastError ?? '')), listed.stdout);
    });
  } finally {
    await rx.stop();
  }
});

test('events survive a restart: outbox rows written while nothing dispatches are delivered later, once', async () => {
  const rx = await new Receiver().start();
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-hooks-restart-'));
  try {
    // Messages arrive while no dispatcher runs (the gateway is down between two commits).
    const s1 = openStore({ stateDir: dir });
    const ids = [inboundSms(s1, 'one'), inboundSms(s1, 'two')];
    s1.close();
    const cfg = parseConfig({ ...demoConfigInput(), stateDir: dir, webhooks: { targets: [{ name: 't', url: rx.url, secret: SECRET }] } });
    for (let round = 0; round < 2; round++) {
      const store = openStore({ stateDir: dir });
      store.jobs.recoverRunning();
      const worker = new JobWorker({ queue: store.jobs, handlers: hookHandlers(hookOptions(cfg)), log: silentLogger, maxIdleMs: 50 });
      const ctx: PipelineContext = { store, log: silentLogger, enqueue: (j) => void store.jobs.enqueue(j), now: Date.now, ownNumber: undefined };
      worker.start();
      const hooks = startHooks(cfg, ctx, worker);
      await waitUntil(() => rx.got.length >= 2, 10_000, 'both events');
      await hooks.drain();
      await hooks.stop();
      await worker.stop();
      store.close();
    }
    assert.deepEqual(rx.got.map((g) => g.json.data.message?.id).sort(), ids.sort());
  } finally {
    await rx.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hooks.onReceive runs the script with the message JSON on stdin; a failure is retried; a hang is killed', async () => {
  const scripts = mkdtempSync(join(tmpdir(), 'mmsgw-script-'));
  try {
    const out = join(scripts, 'out.json');
    const count = join(scripts, 'count');
    const script = join(scripts, 'on-receive.sh');
    // Fails on its first run, succeeds on the second.
    writeFileSync(script, `#!/bin/sh\nn=$(cat "${count}" 2>/dev/null || echo 0)\necho $((n+1)) > "${count}"\nif [ "$n" = 0 ]; then echo "first run fails" >&2; exit 3; fi\ncat > "${out}"\necho "$MMSGW_EVENT_TYPE $MMSGW_MESSAGE_ID" > "${out}.env"\n`);
    chmodSync(script, 0o755);
    await withHooks(() => ({ hooks: { onReceive: script, timeoutSeconds: 5 } }), async ({ store }) => {
      const id = inboundSms(store, 'to the script');
      await waitUntil(() => existsSync(`${out}.env`), 15_000, 'the script to succeed', () => store.jobs.list());
      const got = JSON.parse(readFileSync(out, 'utf8')) as Received['json'];
      assert.equal(got.type, 'message.received');
      assert.equal(got.data.message?.id, id);
      assert.equal(got.data.message?.text, 'to the script');
      assert.equal(readFileSync(`${out}.env`, 'utf8').trim(), `message.received ${id}`);
      const job = await waitUntil(() => store.jobs.list().find((j) => j.kind === 'hook-on-receive' && j.state === 'done'), 5000, 'the job to be done');
      assert.equal(job.attempts, 2);
    });
    const hang = join(scripts, 'hang.sh');
    writeFileSync(hang, '#!/bin/sh\nsleep 60\n');
    chmodSync(hang, 0o755);
    await withHooks(() => ({ hooks: { onReceive: hang, timeoutSeconds: 1 } }), async ({ store }) => {
      inboundSms(store, 'hang');
      await waitUntil(() => store.jobs.list().find((j) => j.kind === 'hook-on-receive' && j.attempts >= 1 && j.state !== 'running'), 15_000, 'the timeout');
      const job = store.jobs.list().find((j) => j.kind === 'hook-on-receive');
      assert.match(job?.lastError ?? '', /ran longer than 1000 ms and was killed/);
    });
  } finally {
    rmSync(scripts, { recursive: true, force: true });
  }
});

test('modem.state: a change of the modem state or registration is an event; repeats of the same state are not', async () => {
  const rx = await new Receiver().start();
  const modem = new EventEmitter();
  const status = (state: string, registration: string): unknown => ({ port: '/dev/ttyUSB2', state, sim: 'ready', registration: { state: registration }, operator: { name: 'Sim Net' }, technology: 'lte' });
  try {
    await withHooks(
      () => ({ webhooks: { targets: [{ name: 'ops', url: rx.url, secret: SECRET, events: ['modem.state'] }] } }),
      async ({ store }) => {
        modem.emit('status', status('ready', 'home'));
        modem.emit('status', status('ready', 'home'));
        modem.emit('status', status('ready', 'searching'));
        modem.emit('status', status('recovering', 'searching'));
        inboundSms(store, 'not for this target');
        await waitUntil(() => rx.got.length >= 3, 10_000, 'three modem.state events');
        await waitUntil(() => store.db.prepare('SELECT count(*) FROM state_changes WHERE dispatched = 0').pluck().get() === 0, 5000, 'the outbox to empty');
        const seen = rx.got.map((g) => g.json.data as unknown as { modem: { state: string; registration: string } }).map((d) => `${d.modem.state}/${d.modem.registration}`);
        assert.deepEqual(seen.sort(), ['ready/home', 'ready/searching', 'recovering/searching']);
        assert.ok(rx.got.every((g) => g.json.type === 'modem.state' && verify(g, SECRET)));
        assert.equal(new Set(rx.got.map((g) => g.json.id)).size, 3);
      },
      modem,
    );
  } finally {
    await rx.stop();
  }
});

test('a target that does not answer in time, or redirects, is a failure (the redirect is not followed)', async () => {
  const silent = createServer(() => undefined); // accepts, never answers
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const followed = await new Receiver().start();
  const redirect = createServer((_req, res) => res.writeHead(307, { location: followed.url }).end());
  await new Promise<void>((r) => redirect.listen(0, '127.0.0.1', r));
  const url = (s: Server): string => `http://127.0.0.1:${(s.address() as { port: number }).port}/hook`;
  try {
    await withHooks(
      () => ({ webhooks: { timeoutSeconds: 1, targets: [{ name: 'silent', url: url(silent), secret: SECRET }, { name: 'moved', url: url(redirect), secret: SECRET }] } }),
      async ({ store }) => {
        inboundSms(store, 'anyone there?');
        const failed = (name: string): string | undefined => store.jobs.list().find((j) => j.key.startsWith(`webhook:${name}:`) && j.attempts >= 1 && j.lastError !== null)?.lastError ?? undefined;
        const timeout = await waitUntil(() => failed('silent'), 15_000, 'the timeout');
        assert.match(timeout, /no answer within 1000 ms/);
        const moved = await waitUntil(() => failed('moved'), 15_000, 'the redirect failure');
        assert.match(moved, /HTTP 307/);
        assert.equal(followed.tries.length, 0, 'the redirect target never got the event');
      },
    );
  } finally {
    silent.closeAllConnections();
    await new Promise((r) => silent.close(r));
    await new Promise((r) => redirect.close(r));
    await followed.stop();
  }
});
