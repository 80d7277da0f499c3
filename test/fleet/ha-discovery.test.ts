import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { discoveryMessages } from '../../src/mqtt/discovery.js';
import { topics } from '../../src/mqtt/topics.js';

/**
 * Home Assistant MQTT discovery payloads checked with ajv against JSON schemas written for this
 * test from HA's documentation of each entity type used (home-assistant.io/integrations/
 * sensor.mqtt, notify.mqtt, event.mqtt, "Configuration Variables"; discovery topic format from
 * integrations/mqtt "Discovery topic"). Unknown options are rejected, as HA rejects them.
 */
const schema = (name: string): object => JSON.parse(readFileSync(new URL(`./ha-schemas/${name}.schema.json`, import.meta.url), 'utf8')) as object;
const ajv = new Ajv2020.default({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
const validators = { sensor: ajv.compile(schema('sensor')), notify: ajv.compile(schema('notify')), event: ajv.compile(schema('event')) };

const msgs = (notifyTo: string[] = ['+15550100042']) =>
  discoveryMessages({ discoveryPrefix: 'homeassistant', box: 'office-1', topics: topics('mmsgw/office-1'), notifyTo, version: '0.1.0' });

test('every discovery payload validates against the schema of its entity type', () => {
  const all = msgs();
  for (const m of all) {
    const v = validators[m.component];
    assert.ok(v(m.config), `${m.topic}: ${ajv.errorsText(v.errors)}`);
    // <discovery_prefix>/<component>/[<node_id>/]<object_id>/config; ids of [a-zA-Z0-9_-].
    const parts = m.topic.split('/');
    assert.equal(parts.length, 5, m.topic);
    assert.deepEqual([parts[0], parts[1], parts[4]], ['homeassistant', m.component, 'config']);
    for (const id of [parts[2], parts[3]]) assert.ok(id && [...id].every((c) => /[A-Za-z0-9_-]/.test(c)), `${m.topic}: id '${id}'`);
  }
  assert.deepEqual(
    all.map((m) => `${m.component}/${m.topic.split('/')[3]}`),
    ['sensor/signal', 'sensor/operator', 'sensor/registration', 'sensor/last_message', 'sensor/queue_depth', 'event/received', 'notify/sms'],
  );
  assert.equal(new Set(all.map((m) => m.config.unique_id)).size, all.length, 'unique ids');
  assert.ok(all.every((m) => m.config.availability_topic === 'mmsgw/office-1/status'));
});

test('the notify entity is announced only with numbers to send to, and commands the send topic', () => {
  assert.ok(!msgs([]).some((m) => m.component === 'notify'));
  const n = msgs(['+15550100042', '+15550100043']).find((m) => m.component === 'notify');
  assert.equal(n?.config.command_topic, 'mmsgw/office-1/send');
  // Rendered the way HA would for the message "Hi \"you\"" (value | tojson, then a timestamp).
  const rendered = String(n?.config.command_template)
    .replace('{{ value | tojson }}', JSON.stringify('Hi "you"'))
    .replace('{{ now().timestamp() }}', '1796600000.123456');
  assert.deepEqual(JSON.parse(rendered), { to: ['+15550100042', '+15550100043'], text: 'Hi "you"', idempotencyKey: 'ha-1796600000.123456' });
});

test('the schemas can fail: wrong options are rejected', () => {
  const signal = msgs()[0]!.config;
  assert.ok(!validators.sensor({ ...signal, unit_of_measurement: '%' }), 'signal_strength needs dB or dBm');
  assert.ok(!validators.sensor({ ...signal, stat_topic: 'x' }), 'unknown option');
  const { state_topic: _drop, ...noTopic } = signal;
  assert.ok(!validators.sensor(noTopic), 'state_topic is required');
  const ev = msgs().find((m) => m.component === 'event')!.config;
  assert.ok(!validators.event({ ...ev, event_types: [] }), 'an event entity needs event types');
  assert.ok(!validators.notify({ name: 'x' }), 'notify needs a command topic');
});
