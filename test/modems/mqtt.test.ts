import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'mqtt';
import { waitUntil } from '../helpers/e2e.js';
import { startMulti } from '../helpers/multi-modem.js';
import { Broker, MOSQUITTO, SKIP_REASON } from '../fleet/mosquitto.js';

/**
 * A box with several modems publishes each one's state, retained, on `<prefix>/modem/<id>`
 * (docs/FLEET.md), besides `<prefix>/modem` for the first; read back from a real Mosquitto by
 * an observer that subscribes after the fact (so the retained flag is what delivers them).
 */
test('MQTT: each of two modems has its retained state topic', { skip: MOSQUITTO ? false : SKIP_REASON, timeout: 180_000 }, async () => {
  const broker = await Broker.start();
  const env = await startMulti(2, (c) => ({ ...c, mqtt: { enabled: true, url: broker.url, box: 'multi' } }));
  const obs = connect(broker.url, { clientId: 'multi-observer' });
  try {
    const gw = env.gateway;
    await waitUntil(() => gw.modemViews().length === 2 && gw.modemViews().every((v) => v.health.ok), 60_000, 'two modems ready');
    // A state refresh after both are ready (the bridge also publishes on every modem change).
    gw.mqtt?.publishState();
    const got = new Map<string, string>();
    obs.on('message', (topic, payload, packet) => {
      if (packet.retain) got.set(topic, payload.toString('utf8'));
    });
    await new Promise<void>((r) => obs.once('connect', () => r()));
    await obs.subscribeAsync('mmsgw/multi/modem/#', { qos: 1 });
    const ids = env.sims.map((s) => s.id);
    await waitUntil(
      () => ids.every((id) => (JSON.parse(got.get(`mmsgw/multi/modem/${id}`) ?? '{}') as { state?: string }).state === 'ready'),
      30_000,
      'a retained ready state per modem',
      () => [...got.keys()],
    );
    // `modem/#` also matches `<prefix>/modem` itself (MQTT 3.1.1 §4.7.1.2): the first modem's.
    assert.deepEqual([...got.keys()].filter((k) => k.startsWith('mmsgw/multi/modem/')).sort(), ids.map((id) => `mmsgw/multi/modem/${id}`).sort());
    assert.equal((JSON.parse(got.get('mmsgw/multi/modem') ?? '{}') as { state?: string }).state, 'ready');
  } finally {
    await obs.endAsync(true);
    await env.stop();
    await broker.close();
  }
});
