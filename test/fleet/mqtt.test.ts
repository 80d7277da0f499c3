import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type MqttClient } from 'mqtt';
import { createSendService, type SendService } from '../../src/app/send.js';
import { demoConfigInput, parseConfig } from '../../src/config/index.js';
import { MqttBridge } from '../../src/mqtt/bridge.js';
import type { PipelineContext } from '../../src/pipeline/context.js';
import { openStore, type NewJob, type Store } from '../../src/store/index.js';
import { silentLogger } from '../../src/util/log.js';
import { waitUntil } from '../helpers/e2e.js';
import { Broker, MOSQUITTO, SKIP_REASON } from './mosquitto.js';

/**
 * The MQTT bridge against a real Mosquitto (private instance, temp config, free port) and a
 * real SQLite store whose state outbox is fed by the store's triggers. What the broker carries
 * is read by a separate mqtt.js subscriber with its own persistent session.
 */
const skip = MOSQUITTO ? false : SKIP_REASON;
const PREFIX = 'mmsgw/test';

interface Got {
  readonly topic: string;
  readonly text: string;
  readonly retain: boolean;
}

class Observer {
  readonly got: Got[] = [];
  private constructor(readonly client: MqttClient) {}
  static async start(url: string, filter = `${PREFIX}/#`): Promise<Observer> {
    const client = connect(url, { clientId: `observer-${process.pid}-${Math.random().toString(36).slice(2)}`, clean: false, reconnectPeriod: 200 });
    const o = new Observer(client);
    client.on('message', (topic, payload, packet) => o.got.push({ topic, text: payload.toString('utf8'), retain: packet.retain }));
    client.on('error', () => undefined);
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    await client.subscribeAsync(filter, { qos: 1 });
    return o;
  }
  on(topic: string): Got[] {
    return this.got.filter((g) => g.topic === topic);
  }
  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

interface Rig {
  readonly store: Store;
  readonly dir: string;
  readonly send: SendService;
  bridge(o?: { send?: SendService; clientId?: string; onPublished?: (kind: string, id?: string) => void }): MqttBridge;
  close(): Promise<void>;
}

function rig(url: string): Rig {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-mqtt-'));
  const store = openStore({ stateDir: dir });
  const config = parseConfig({ ...demoConfigInput(), stateDir: dir });
  const ctx: PipelineContext = { store, log: silentLogger, enqueue: (job: NewJob) => void store.jobs.enqueue(job), now: Date.now, ownNumber: '+15550100001' };
  const send = createSendService(config, ctx);
  const bridges: MqttBridge[] = [];
  return {
    store,
    dir,
    send,
    bridge: (o = {}) => {
      const b = new MqttBridge({
        url,
        clientId: o.clientId ?? 'mmsgw-test',
        box: 'test',
        prefix: PREFIX,
        homeAssistant: { enabled: true, discoveryPrefix: 'homeassistant', notifyTo: ['+15550100042'] },
        apiBaseUrl: 'https://gw.example.net',
        stateIntervalMs: 60_000,
        store,
        send: o.send ?? send,
        modemStatus: () => undefined,
        log: silentLogger,
        version: 'test',
        reconnectPeriodMs: 200,
        ...(o.onPublished ? { onPublished: o.onPublished } : {}),
      });
      bridges.push(b);
      return b;
    },
    async close() {
      // Bridges a failed test left running must not keep the process alive.
      await Promise.all(bridges.map((b) => b.stop().catch(() => undefined)));
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const receive = (store: Store, text: string): number => {
  const m = store.messages.insert({ direction: 'in', kind: 'sms', state: 'received', from: '+15550100077', to: ['+15550100001'] });
  store.content.replaceParts(m.id, [{ contentType: 'text/plain', charset: 'utf-8', body: Buffer.from(text) }]);
  return m.id;
};

const events = (o: Observer): { id: string; type: string; message: { id: number; text: string; parts: { url: string }[] } }[] =>
  o.got.filter((g) => g.topic.startsWith(`${PREFIX}/event/`)).map((g) => JSON.parse(g.text) as never);

test('events, retained state and availability arrive; parts are links, not bodies', { skip, timeout: 60_000 }, async () => {
  const broker = await Broker.start();
  const r = rig(broker.url);
  const obs = await Observer.start(broker.url);
  try {
    const b = r.bridge();
    await waitUntil(() => obs.on(`${PREFIX}/status`).some((g) => g.text === 'online'), 10_000, 'online');
    const id = receive(r.store, 'Hello MQTT');
    const out = r.store.messages.insert({ direction: 'out', kind: 'sms', state: 'queued', from: 'api:x', to: ['+15550100042'] });
    r.store.messages.setState(out.id, 'sent');
    r.store.messages.setState(out.id, 'delivered');
    void b.drain();
    await waitUntil(() => events(obs).length >= 3, 10_000, 'three events', () => obs.got.map((g) => g.topic));
    const ev = events(obs);
    assert.deepEqual(ev.map((e) => e.type), ['message.received', 'message.sent', 'message.delivered']);
    assert.equal(ev[0]?.message.text, 'Hello MQTT');
    assert.equal(ev[0]?.message.parts[0]?.url, `https://gw.example.net/api/v1/messages/${id}/parts/1`);
    assert.ok(!obs.got.some((g) => g.topic.startsWith(`${PREFIX}/event/`) && g.retain), 'events are not retained');
    const ha = obs.on(`${PREFIX}/received`).map((g) => JSON.parse(g.text) as { event_type: string; text: string });
    assert.deepEqual(ha.map((h) => [h.event_type, h.text]), [['sms', 'Hello MQTT']]);
    await waitUntil(() => obs.on(`${PREFIX}/health`).length > 0 && obs.on(`${PREFIX}/modem`).length > 0, 10_000, 'state');
    // Retained: a subscriber arriving later gets state, availability and the last message at once.
    const late = await Observer.start(broker.url);
    await waitUntil(() => [`${PREFIX}/status`, `${PREFIX}/health`, `${PREFIX}/modem`, `${PREFIX}/last_message`].every((t) => late.on(t).some((g) => g.retain)), 10_000, 'retained state');
    assert.equal(JSON.parse(late.on(`${PREFIX}/last_message`)[0]!.text).text, 'Hello MQTT');
    await late.close();
    await b.stop();
    assert.equal(b.backlog(), 0);
    assert.equal(r.store.db.prepare('SELECT count(*) FROM state_changes WHERE dispatched = 0').pluck().get(), 4, 'the hooks reader, which has not run, still has every row to dispatch');
  } finally {
    await obs.close();
    await r.close();
    await broker.close();
  }
});

test('a send command is queued once, even when the broker delivers it again', { skip, timeout: 60_000 }, async () => {
  const broker = await Broker.start();
  const r = rig(broker.url);
  const obs = await Observer.start(broker.url);
  try {
    // The first attempt queues the message and then "crashes" before its PUBACK.
    let calls = 0;
    const flaky: SendService = {
      send: async (req) => {
        calls++;
        const res = await r.send.send(req);
        if (calls === 1) throw new Error('simulated crash after queueing');
        return res;
      },
    };
    const b = r.bridge({ send: flaky });
    await waitUntil(() => b.connected, 10_000, 'connected');
    const cmd = { to: '+15550100042', text: 'Door opened', idempotencyKey: 'evt-42' };
    await obs.client.publishAsync(`${PREFIX}/send`, JSON.stringify(cmd), { qos: 1 });
    await waitUntil(() => obs.on(`${PREFIX}/send/result`).length >= 1, 15_000, 'a result', () => calls);
    assert.ok(calls >= 2, 'the unacknowledged command came again');
    // A sender retrying with the same key (a second PUBLISH) is a replay too.
    await obs.client.publishAsync(`${PREFIX}/send`, JSON.stringify(cmd), { qos: 1 });
    await waitUntil(() => obs.on(`${PREFIX}/send/result`).length >= 2, 15_000, 'two results');
    const results = obs.on(`${PREFIX}/send/result`).map((g) => JSON.parse(g.text) as { ok: boolean; id: number; created: boolean; idempotencyKey: string });
    assert.ok(results.every((x) => x.ok && x.idempotencyKey === 'evt-42'));
    assert.equal(new Set(results.map((x) => x.id)).size, 1);
    const rows = r.store.db.prepare("SELECT count(*) FROM messages WHERE direction = 'out'").pluck().get();
    assert.equal(rows, 1, 'one message queued');
    assert.equal(r.store.jobs.getByKey(`send-sms:${results[0]!.id}`)?.state, 'queued');
    // A refused command is answered and acknowledged, and queues nothing.
    await obs.client.publishAsync(`${PREFIX}/send`, JSON.stringify({ to: 'nobody', text: 'x', idempotencyKey: 'k2' }), { qos: 1 });
    await obs.client.publishAsync(`${PREFIX}/send`, 'not json', { qos: 1 });
    await waitUntil(() => obs.on(`${PREFIX}/send/result`).length >= 4, 15_000, 'refusals');
    const refusals = obs.on(`${PREFIX}/send/result`).slice(2).map((g) => JSON.parse(g.text) as { ok: boolean; error: { code: string } });
    assert.deepEqual(refusals.map((x) => [x.ok, x.error.code]), [[false, 'bad-recipient'], [false, 'bad-command']]);
    assert.equal(r.store.db.prepare("SELECT count(*) FROM messages WHERE direction = 'out'").pluck().get(), 1);
    await b.stop();
  } finally {
    await obs.close();
    await r.close();
    await broker.close();
  }
});

test('Mosquitto stopped mid-traffic: every event arrives after it is back, in order', { skip, timeout: 120_000 }, async () => {
  const broker = await Broker.start();
  const r = rig(broker.url);
  const obs = await Observer.start(broker.url);
  try {
    const acked: string[] = [];
    const b = r.bridge({ onPublished: (_k, id) => id !== undefined && acked.push(id) });
    await waitUntil(() => b.connected, 10_000, 'connected');
    const ids: number[] = [];
    const N = 60;
    let ackedBeforeStop = new Set<string>();
    for (let i = 0; i < N; i++) {
      ids.push(receive(r.store, `burst ${i}`));
      void b.drain();
      if (i === 20) {
        await broker.stop();
        ackedBeforeStop = new Set(acked);
      }
      if (i === 45) await broker.resume();
      await new Promise((res) => setImmediate(res));
    }
    const seen = (id: number): boolean => events(obs).some((e) => e.message.id === id);
    // With its persistence working, Mosquitto keeps what it acknowledged across the stop: every event arrives.
    await waitUntil(() => ids.every(seen) && b.backlog() === 0, 60_000, 'all events', () => [ids.filter((id) => !seen(id)), b.backlog()]);
    const firstSeen: number[] = [];
    for (const e of events(obs)) if (!firstSeen.includes(e.message.id)) firstSeen.push(e.message.id);
    assert.deepEqual(firstSeen, ids, 'each event, in the order they happened');
    // The outage really came mid-traffic: events were still unacknowledged when the broker stopped.
    assert.ok(ackedBeforeStop.size < N, `${ackedBeforeStop.size} of ${N} acknowledged before the stop`);
    await b.stop();
  } finally {
    await obs.close();
    await r.close();
    await broker.close();
  }
});

test('a killed gateway leaves the last will: status "offline", retained', { skip, timeout: 60_000 }, async () => {
  const broker = await Broker.start();
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-mqtt-will-'));
  const obs = await Observer.start(broker.url, 'mmsgw/will/status');
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./mqtt-child.ts', import.meta.url).pathname, broker.url, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitUntil(() => out.includes('connected'), 30_000, 'the child on the broker');
    await waitUntil(() => obs.got.some((g) => g.text === 'online'), 10_000, 'online');
    child.kill('SIGKILL');
    await waitUntil(() => obs.got.at(-1)?.text === 'offline', 30_000, 'the last will', () => obs.got);
    const late = await Observer.start(broker.url, 'mmsgw/will/status');
    await waitUntil(() => late.got.some((g) => g.retain && g.text === 'offline'), 10_000, 'retained offline');
    await late.close();
  } finally {
    child.kill('SIGKILL');
    await obs.close();
    rmSync(dir, { recursive: true, force: true });
    await broker.close();
  }
});
