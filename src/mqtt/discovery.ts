/**
 * Home Assistant MQTT discovery (home-assistant.io/integrations/mqtt, "MQTT Discovery"):
 * one retained config message per entity at
 * `<discoveryPrefix>/<component>/<node_id>/<object_id>/config`, all grouped under one device.
 * Entity options follow the MQTT sensor, notify and event integration pages.
 */
import { ONLINE, OFFLINE, type Topics } from './topics.js';

export interface DiscoveryOptions {
  readonly discoveryPrefix: string;
  /** Names the box (letters, digits, `_`, `-`). */
  readonly box: string;
  readonly topics: Topics;
  /** Numbers the notify entity sends to; none: no notify entity. */
  readonly notifyTo: readonly string[];
  readonly version: string;
}

export interface DiscoveryMessage {
  readonly component: 'sensor' | 'notify' | 'event';
  readonly topic: string;
  readonly config: Record<string, unknown>;
}

export function discoveryMessages(o: DiscoveryOptions): DiscoveryMessage[] {
  const node = `mmsgw_${o.box}`.replace(/-/g, '_');
  const t = o.topics;
  const common = {
    availability_topic: t.status,
    payload_available: ONLINE,
    payload_not_available: OFFLINE,
    device: { identifiers: [node], name: `mmsgw ${o.box}`, manufacturer: 'mmsgw', model: 'SMS/MMS gateway', sw_version: o.version },
    origin: { name: 'mmsgw', sw_version: o.version },
  };
  const entity = (component: DiscoveryMessage['component'], object: string, config: Record<string, unknown>): DiscoveryMessage => ({
    component,
    topic: `${o.discoveryPrefix}/${component}/${node}/${object}/config`,
    config: { ...config, unique_id: `${node}_${object}`, ...common },
  });
  const out: DiscoveryMessage[] = [
    entity('sensor', 'signal', {
      name: 'Signal',
      state_topic: t.modem,
      value_template: '{{ value_json.signal_dbm }}',
      device_class: 'signal_strength',
      unit_of_measurement: 'dBm',
      state_class: 'measurement',
      entity_category: 'diagnostic',
    }),
    entity('sensor', 'operator', { name: 'Operator', state_topic: t.modem, value_template: '{{ value_json.operator }}', icon: 'mdi:antenna' }),
    entity('sensor', 'registration', { name: 'Registration', state_topic: t.modem, value_template: '{{ value_json.registration }}', icon: 'mdi:sim' }),
    entity('sensor', 'last_message', {
      name: 'Last message',
      state_topic: t.lastMessage,
      value_template: '{{ value_json.at }}',
      device_class: 'timestamp',
      json_attributes_topic: t.lastMessage,
      icon: 'mdi:message-text',
    }),
    entity('sensor', 'queue_depth', {
      name: 'Queue depth',
      state_topic: t.health,
      value_template: '{{ value_json.queue.queued }}',
      unit_of_measurement: 'jobs',
      state_class: 'measurement',
      icon: 'mdi:tray-full',
    }),
    entity('event', 'received', { name: 'Received', state_topic: t.received, event_types: ['sms', 'mms'], icon: 'mdi:message-arrow-left' }),
  ];
  if (o.notifyTo.length > 0) {
    // HA renders the template with the message as `value`; the instant makes the idempotency key of one notify call.
    const to = JSON.stringify(o.notifyTo);
    out.push(
      entity('notify', 'sms', {
        name: 'SMS',
        command_topic: t.send,
        command_template: `{"to": ${to}, "text": {{ value | tojson }}, "idempotencyKey": "ha-{{ now().timestamp() }}"}`,
        qos: 1,
        icon: 'mdi:message-arrow-right',
      }),
    );
  }
  return out;
}
