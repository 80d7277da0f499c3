/**
 * The box on an MQTT broker (MQTT 3.1.1 / 5 via mqtt.js): message events from the store's
 * state outbox, published in order with QoS 1 and a durable cursor (a broker outage loses
 * nothing: the cursor only moves past an event once the broker acknowledged it, so after an
 * outage or a restart publishing resumes at the first unacknowledged event); retained modem,
 * health and availability state with an `offline` last will; Home Assistant discovery; and
 * send commands, acknowledged (PUBACK) only once the message is durably queued.
 *
 * Delivery is at least once: after a crash between the broker's PUBACK and the cursor's
 * commit an event is published again with the same `id` (`evt_<row>`), which consumers use
 * to deduplicate.
 */
import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { SendService } from '../app/send.js';
import { advanceConsumer, consumerCursor, pendingOutbox, registerConsumer } from '../hooks/index.js';
import { eventOf, type HookEvent } from '../hooks/events.js';
import type { ModemStatus } from '../modem/status.js';
import type { Store } from '../store/index.js';
import { errorMessage } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { discoveryMessages } from './discovery.js';
import { commandOf, type CommandResult } from './command.js';
import { OFFLINE, ONLINE, topics, type Topics } from './topics.js';
import { MQTT_CONSUMER } from './consumer.js';

export { MQTT_CONSUMER };
const BATCH = 100;

export interface MqttBridgeOptions {
  readonly url: string;
  readonly clientId: string;
  readonly username?: string;
  readonly password?: string;
  readonly tls?: { readonly ca?: Buffer; readonly cert?: Buffer; readonly key?: Buffer };
  readonly box: string;
  readonly prefix: string;
  readonly homeAssistant: { readonly enabled: boolean; readonly discoveryPrefix: string; readonly notifyTo: readonly string[] } | undefined;
  /** Start of the API part links (`<base>/api/v1/messages/<id>/parts/<n>`); '' for path-only links. */
  readonly apiBaseUrl: string;
  readonly stateIntervalMs: number;
  readonly store: Store;
  readonly send: SendService;
  readonly modemStatus: () => ModemStatus | undefined;
  /** Every modem with its id (multi-modem): each is published on `<prefix>/modem/<id>` too. */
  readonly modems?: () => readonly { readonly id: string; readonly status: ModemStatus }[];
  readonly log: Logger;
  readonly version: string;
  /** Seconds-scale in production; tests shorten it. */
  readonly reconnectPeriodMs?: number;
  /** Called for every event the broker acknowledged (metrics). */
  readonly onPublished?: (kind: string, eventId?: string) => void;
}

export class MqttBridge {
  readonly topics: Topics;
  private readonly client: MqttClient;
  private busy: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly timer: NodeJS.Timeout;
  private readonly startedAt = Date.now();

  constructor(private readonly o: MqttBridgeOptions) {
    this.topics = topics(o.prefix);
    registerConsumer(o.store.db, MQTT_CONSUMER);
    const options: IClientOptions = {
      clientId: o.clientId,
      // A persistent session: QoS 1 commands not yet acknowledged are delivered again after a reconnect.
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: o.reconnectPeriodMs ?? 5000,
      connectTimeout: 30_000,
      will: { topic: this.topics.status, payload: Buffer.from(OFFLINE), qos: 1, retain: true },
      ...(o.username !== undefined ? { username: o.username } : {}),
      ...(o.password !== undefined ? { password: o.password } : {}),
      ...(o.tls?.ca ? { ca: o.tls.ca } : {}),
      ...(o.tls?.cert ? { cert: o.tls.cert } : {}),
      ...(o.tls?.key ? { key: o.tls.key } : {}),
      rejectUnauthorized: true,
    };
    this.client = connect(o.url, options);
    this.client.handleMessage = (packet, done) => void this.onCommand(packet, done);
    this.client.on('connect', () => void this.onConnect());
    this.client.on('error', (e) => o.log.warn({ err: errorMessage(e) }, 'MQTT error'));
    this.client.on('offline', () => o.log.info({ url: o.url }, 'MQTT broker unreachable; events wait in the store'));
    this.timer = setInterval(() => {
      this.publishState();
      void this.drain();
    }, o.stateIntervalMs);
    this.timer.unref();
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /** Events not yet acknowledged by the broker. */
  backlog(): number {
    return this.o.store.db.prepare('SELECT count(*) FROM state_changes WHERE id > ?').pluck().get(consumerCursor(this.o.store.db, MQTT_CONSUMER)) as number;
  }

  private async onConnect(): Promise<void> {
    this.o.log.info({ url: this.o.url }, 'MQTT connected');
    try {
      await this.client.subscribeAsync(this.topics.send, { qos: 1 });
      await this.client.publishAsync(this.topics.status, ONLINE, { qos: 1, retain: true });
      if (this.o.homeAssistant?.enabled) {
        const msgs = discoveryMessages({ discoveryPrefix: this.o.homeAssistant.discoveryPrefix, box: this.o.box, topics: this.topics, notifyTo: this.o.homeAssistant.notifyTo, version: this.o.version });
        for (const m of msgs) await this.client.publishAsync(m.topic, JSON.stringify(m.config), { qos: 1, retain: true });
      }
    } catch (e) {
      this.o.log.warn({ err: errorMessage(e) }, 'MQTT setup after connect failed');
    }
    this.publishState();
    void this.drain();
  }

  /** Publishes pending events now (also called on a timer and on every connect). */
  drain(): Promise<void> {
    if (this.busy) {
      this.again = true;
      return this.busy;
    }
    this.busy = this.pass()
      .catch((e: unknown) => this.o.log.warn({ err: errorMessage(e) }, 'MQTT event pass stopped; resuming later'))
      .finally(() => {
        this.busy = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          void this.drain();
        }
      });
    return this.busy;
  }

  private async pass(): Promise<void> {
    const db = this.o.store.db;
    while (!this.stopped && this.client.connected) {
      const rows = pendingOutbox(db, BATCH, consumerCursor(db, MQTT_CONSUMER));
      if (rows.length === 0) return;
      for (const row of rows) {
        if (this.stopped || !this.client.connected) return;
        const event = await eventOf(this.o.store, row);
        // In order: the next event goes out only after the broker acknowledged this one.
        if (event) await this.publishEvent(event);
        this.o.store.tx(() => advanceConsumer(db, MQTT_CONSUMER, row.id));
      }
    }
  }

  private async publishEvent(e: HookEvent): Promise<void> {
    const message = this.withLinks(e.data.message as Record<string, unknown>);
    const payload = { id: e.id, type: e.type, createdAt: e.createdAt, box: this.o.box, message, previousState: e.data.previousState ?? null };
    await this.client.publishAsync(this.topics.event(e.type), JSON.stringify(payload), { qos: 1 });
    this.o.onPublished?.('event', e.id);
    if (e.type !== 'message.received') return;
    const m = message as { id: number; kind: string; from: string | null; subject: string | null; text: string };
    const summary = { id: m.id, kind: m.kind, from: m.from, subject: m.subject, text: m.text.slice(0, 255), at: e.createdAt };
    await this.client.publishAsync(this.topics.received, JSON.stringify({ event_type: m.kind, ...summary }), { qos: 1 });
    await this.client.publishAsync(this.topics.lastMessage, JSON.stringify(summary), { qos: 1, retain: true });
  }

  /** Parts as links to the API (`GET /api/v1/messages/{id}/parts/{n}`), never their bodies. */
  private withLinks(m: Record<string, unknown>): Record<string, unknown> {
    const parts = (m.parts as { n: number }[] | undefined) ?? [];
    return { ...m, parts: parts.map((p) => ({ ...p, url: `${this.o.apiBaseUrl}/api/v1/messages/${String(m.id)}/parts/${p.n}` })) };
  }

  /** Retained modem and health state (fire and forget: the next one supersedes it). */
  publishState(): void {
    if (!this.client.connected) return;
    const modem = modemState(this.o.modemStatus());
    const jobs = this.o.store.jobs.counts();
    const oldest = this.o.store.db.prepare("SELECT min(created_at) FROM jobs WHERE state IN ('queued','running')").pluck().get() as number | null;
    const health = {
      status: 'ok',
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      queue: { queued: jobs.queued, running: jobs.running, dead: jobs.dead },
      oldestJobAgeSeconds: oldest === null ? 0 : Math.round((Date.now() - oldest) / 1000),
      eventsBehind: this.backlog(),
    };
    const warn = (e: unknown): void => this.o.log.debug({ err: errorMessage(e) }, 'MQTT state not published');
    this.client.publishAsync(this.topics.modem, JSON.stringify(modem), { qos: 1, retain: true }).catch(warn);
    this.client.publishAsync(this.topics.health, JSON.stringify(health), { qos: 1, retain: true }).catch(warn);
    for (const { id, status } of this.o.modems?.() ?? []) this.client.publishAsync(this.topics.modemOf(id), JSON.stringify(modemState(status)), { qos: 1, retain: true }).catch(warn);
  }

  /**
   * A send command. mqtt.js sends the PUBACK when `done` is called, so it is called only after
   * the message is durably queued (or the command refused for good). A store failure leaves
   * the command unacknowledged and drops the connection: the broker delivers it again.
   */
  private async onCommand(packet: IPublishPacket, done: (err?: Error) => void): Promise<void> {
    if (packet.topic !== this.topics.send) return done();
    const parsed = commandOf(packet.payload);
    let result: CommandResult;
    if (!parsed.ok) result = { ok: false, idempotencyKey: parsed.idempotencyKey, error: parsed.error };
    else {
      try {
        const r = await this.o.send.send({ ...parsed.request, origin: 'mqtt' });
        result = r.ok
          ? { ok: true, idempotencyKey: parsed.request.idempotencyKey, id: r.id, created: r.created, kind: r.kind, to: r.to }
          : { ok: false, idempotencyKey: parsed.request.idempotencyKey, error: r.error };
      } catch (e) {
        this.o.log.error({ err: errorMessage(e) }, 'MQTT send command not queued; the broker will deliver it again');
        this.client.stream.destroy();
        return;
      }
    }
    // Not awaited: the broker's PUBACK for it arrives on the stream this handler is holding.
    this.client.publishAsync(this.topics.sendResult, JSON.stringify(result), { qos: 1 }).catch((e: unknown) => this.o.log.warn({ err: errorMessage(e) }, 'MQTT send result not published'));
    done();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    // A pass waiting for a broker that is gone must not hold the shutdown; its event stays unacknowledged in the store.
    const settled = (p: Promise<unknown> | undefined, ms: number): Promise<unknown> => Promise.race([p, new Promise((r) => setTimeout(r, ms).unref())]);
    await settled(this.busy, 5000);
    if (this.client.connected) await settled(this.client.publishAsync(this.topics.status, OFFLINE, { qos: 1, retain: true }).catch(() => undefined), 5000);
    await this.client.endAsync(!this.client.connected);
  }
}

/** A modem's retained state payload; `absent` when there is no modem. */
function modemState(s: ModemStatus | undefined): Record<string, unknown> {
  if (!s) return { state: 'absent', registration: 'unknown', operator: null, technology: null, signal_dbm: null, signal: null, storage: null };
  const sig = s.signal;
  return {
    state: s.state,
    registration: s.registration.state,
    operator: s.operator?.name ?? s.operator?.numeric ?? null,
    technology: s.technology ?? null,
    signal_dbm: sig?.rsrpDbm ?? sig?.rssiDbm ?? null,
    signal: sig ?? null,
    storage: s.smsStorage ?? null,
  };
}
