/**
 * Wires the MQTT bridge (src/mqtt) into the gateway from the `mqtt:` configuration: the box
 * name, topic prefix, credentials and TLS files. With `mqtt.enabled: false` the MQTT outbox
 * cursor is dropped so the state outbox is not kept for a reader that no longer runs.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Config } from '../config/index.js';
import { unregisterConsumer } from '../hooks/index.js';
import type { ModemStatus } from '../modem/status.js';
import { MQTT_CONSUMER, MqttBridge } from '../mqtt/bridge.js';
import type { Store } from '../store/index.js';
import type { Logger } from '../util/log.js';
import type { SendService } from './send.js';

const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The box's name in topics: `mqtt.box`, else the host name reduced to letters, digits, `_` and `-`. */
export function boxName(config: Config): string {
  return config.mqtt.box ?? (hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40) || 'mmsgw');
}

export interface MqttDeps {
  readonly store: Store;
  readonly send: SendService;
  readonly modemStatus: () => ModemStatus | undefined;
  readonly modems?: () => readonly { readonly id: string; readonly status: ModemStatus }[];
  readonly log: Logger;
  readonly onPublished?: (kind: string) => void;
  readonly reconnectPeriodMs?: number;
}

export function startMqtt(config: Config, deps: MqttDeps): MqttBridge | undefined {
  const m = config.mqtt;
  if (!m.enabled) {
    unregisterConsumer(deps.store.db, MQTT_CONSUMER);
    return undefined;
  }
  const box = boxName(config);
  const file = (p: string | null): Buffer | undefined => (p === null ? undefined : readFileSync(p));
  return new MqttBridge({
    url: m.url,
    clientId: m.clientId ?? `mmsgw-${box}`,
    ...(m.username !== null ? { username: m.username } : {}),
    ...(m.password !== null ? { password: m.password } : {}),
    tls: { ca: file(m.tls.ca), cert: file(m.tls.cert), key: file(m.tls.key) },
    box,
    prefix: m.prefix ?? `mmsgw/${box}`,
    homeAssistant: m.homeAssistant,
    apiBaseUrl: (m.apiBaseUrl ?? '').replace(/\/+$/, ''),
    stateIntervalMs: m.stateIntervalSeconds * 1000,
    store: deps.store,
    send: deps.send,
    modemStatus: deps.modemStatus,
    ...(deps.modems ? { modems: deps.modems } : {}),
    log: deps.log,
    version: PACKAGE_VERSION,
    ...(deps.reconnectPeriodMs !== undefined ? { reconnectPeriodMs: deps.reconnectPeriodMs } : {}),
    ...(deps.onPublished ? { onPublished: deps.onPublished } : {}),
  });
}
