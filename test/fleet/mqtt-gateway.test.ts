import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'mqtt';
import { encodeDeliver } from '../../src/codec/sms/index.js';
import { startE2e } from '../helpers/e2e.js';
import { waitUntil } from '../helpers/e2e.js';
import { Broker, MOSQUITTO, SKIP_REASON } from './mosquitto.js';

/**
 * The whole gateway with `mqtt.enabled` (demo environment: modem simulator on a pty, real
 * SQLite) against a private Mosquitto: an SMS the modem receives becomes a message.received
 * event; a send command is sent by the modem and reported as message.sent; retained modem
 * state and discovery are on the broker.
 */
test('gateway wiring: SMS in → MQTT event; MQTT command → SMS out', { skip: MOSQUITTO ? false : SKIP_REASON, timeout: 120_000 }, async () => {
  const broker = await Broker.start();
  const got: { topic: string; text: string }[] = [];
  const obs = connect(broker.url, { clientId: 'gw-observer', clean: false });
  await new Promise<void>((r) => obs.once('connect', () => r()));
  obs.on('message', (topic, payload) => got.push({ topic, text: payload.toString('utf8') }));
  await obs.subscribeAsync(['mmsgw/gw/#', 'homeassistant/#'], { qos: 1 });
  const env = await startE2e({ configure: (c) => ({ ...c, mqtt: { enabled: true, url: broker.url, box: 'gw' } }) });
  try {
    await waitUntil(() => got.some((g) => g.topic === 'mmsgw/gw/status' && g.text === 'online'), 30_000, 'online');
    for (const p of encodeDeliver({ from: '+15550300077', text: 'Hello from the modem', reference: 7 })) await env.modemSim.deliverSms(p.hex);
    const received = await waitUntil(
      () => got.find((g) => g.topic === 'mmsgw/gw/event/message.received'),
      60_000,
      'message.received',
      () => got.map((g) => g.topic),
    );
    const ev = JSON.parse(received.text) as { message: { from: string; text: string } };
    assert.equal(ev.message.from, '+15550300077');
    assert.equal(ev.message.text, 'Hello from the modem');
    assert.ok(got.some((g) => g.topic === 'homeassistant/sensor/mmsgw_gw/signal/config'));
    await obs.publishAsync('mmsgw/gw/send', JSON.stringify({ to: '+15550300088', text: 'Reply via MQTT', idempotencyKey: 'gw-1' }), { qos: 1 });
    await waitUntil(() => got.some((g) => g.topic === 'mmsgw/gw/event/message.sent'), 60_000, 'message.sent', () => got.map((g) => g.topic));
    const result = JSON.parse(got.find((g) => g.topic === 'mmsgw/gw/send/result')!.text) as { ok: boolean; created: boolean };
    assert.deepEqual([result.ok, result.created], [true, true]);
    assert.equal((await env.modemSim.sent()).length, 1, 'the modem submitted one SMS');
    const modem = JSON.parse(got.filter((g) => g.topic === 'mmsgw/gw/modem').at(-1)!.text) as { state: string };
    assert.equal(modem.state, 'ready');
    await env.stopGateway();
    await waitUntil(() => got.filter((g) => g.topic === 'mmsgw/gw/status').at(-1)?.text === 'offline', 10_000, 'offline on stop');
  } finally {
    await env.stop();
    await obs.endAsync(true);
    await broker.close();
  }
});
