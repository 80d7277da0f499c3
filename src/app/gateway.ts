import { join } from 'node:path';
import type { Config } from '../config/index.js';
import { modemHealth, type Modem, type ModemHealth } from '../modem/index.js';
import { JOB, type PipelineContext, type PushPolicy } from '../pipeline/context.js';
import { pipelineHandlers, type PipelineDeps } from '../pipeline/handlers.js';
import { acceptSms } from '../pipeline/sms-intake.js';
import { DiskGuard, isDiskFull } from '../pipeline/disk-guard.js';
import { JobWorker } from '../pipeline/worker.js';
import { jobLimits } from './job-limits.js';
import { mkdirPrivate, openStore, type NewJob, type Store } from '../store/index.js';
import { areaLogger, logger, type Logger } from '../util/log.js';
import { maskConfigSecrets } from './secrets.js';
import { crashPoint } from '../util/crash-point.js';
import { sdNotify, startWatchdog, storeAnswers } from '../util/sd-notify.js';
import { instanceId } from './instance.js';
import { createMailer } from './mail-out.js';
import { carrierProfile } from './mmsc.js';
import { pushPolicyOf } from './push-policy.js';
import { modemEntries } from '../config/modems.js';
import { ModemSet, type ModemView } from './modems.js';
import { modemPipelineDeps, openAll } from './gateway-modems.js';
import { startHotplug, type Hotplug } from './hotplug.js';
import { createNotifier } from './notifier.js';
import { startMailIn, type MailIn } from './mail-in.js';
import { hooksHandlers, startHooks } from './hooks.js';
import type { WebWiring } from './web.js';
import type { WebPlugin } from '../web/server.js';
import { watchDatabase } from './db-wake.js';
import type { Mm7Wiring } from './mm7.js';

/**
 * Longest the job worker and the hooks outbox sleep without a wake-up: a safety net for a lost
 * file-system event or a clock jump. Work normally starts on enqueue or on a database change.
 */
const IDLE_SAFETY_MS = 30_000;
import type { Metrics } from '../web/metrics.js';
import type { MqttBridge } from '../mqtt/bridge.js';
import { MQTT_CONSUMER } from '../mqtt/consumer.js';
import { unregisterConsumer } from '../hooks/index.js';

export interface GatewayOptions {
  readonly config: Config;
  readonly log?: Logger;
  /** Clock for tests. */
  readonly now?: () => number;
  /**
   * Served on the web listener beside the pages (REST API under /api/v1, MM7 under /mm7): a
   * list, or a function given the gateway's store, pipeline context and modem status once
   * they exist.
   */
  readonly webPlugins?: readonly WebPlugin[] | ((wiring: GatewayWiring) => readonly (WebPlugin | undefined)[]);
}

/** What an extra web interface needs of the running gateway. */
export interface GatewayWiring {
  readonly store: Store;
  readonly ctx: PipelineContext;
  modemStatus(): ReturnType<Modem['status']> | undefined;
  /** Every modem of the box (several SIMs), in configuration order. */
  modemViews(): ModemView[];
}

/**
 * The running gateway: store, modem, MM1 client, mail out and in, and the job worker that
 * moves every message through the pipeline. `start` resumes whatever a previous run left
 * unfinished; `stop` lets running jobs finish and closes everything.
 */
export class Gateway {
  readonly store: Store;
  readonly worker: JobWorker;
  readonly ctx: PipelineContext;
  /** MM7 (when `mm7.enabled`): the web server registers `mm7Plugin` with `mm7.pluginOptions`. */
  mm7: Mm7Wiring | undefined;
  /** Prometheus metrics: the web server registers `metricsPlugin` with `{ metrics }` when `metrics.enabled` (src/web/metrics.ts). */
  metrics: Metrics | undefined;
  /** The MQTT bridge when `mqtt.enabled` (src/mqtt). */
  mqtt: MqttBridge | undefined;
  /** The box's modems (one per `modems:` entry, or the one `modem:`); add/remove at run time. */
  modems!: ModemSet;
  private modem: Modem | undefined;
  private hotplug: Hotplug | undefined;
  private mailIn: MailIn | undefined;
  private web: WebWiring | undefined;
  private stopWatchdog: () => void = () => undefined;
  private readonly closers: (() => Promise<void> | void)[] = [];

  private constructor(
    readonly config: Config,
    private readonly log: Logger,
    store: Store,
    ctx: PipelineContext,
    worker: JobWorker,
  ) {
    this.store = store;
    this.ctx = ctx;
    this.worker = worker;
  }

  static async start(options: GatewayOptions): Promise<Gateway> {
    const { config } = options;
    maskConfigSecrets(config);
    const log = options.log ?? logger('gateway');
    const now = options.now ?? Date.now;
    mkdirPrivate(config.stateDir);
    const tmpDir = join(config.stateDir, 'tmp');
    mkdirPrivate(tmpDir);
    const store = openStore({ stateDir: config.stateDir, integrityCheck: config.storage.integrityCheck, durability: config.storage.durability });
    let recovered = 0;
    try {
      recovered = store.jobs.recoverRunning(now());
    } catch (e) {
      // A full disk must not become a restart loop: start paused (DiskGuard), recover on resume.
      if (!isDiskFull(e)) throw e;
      log.error({ err: e }, 'disk full at start: jobs left running are resumed once space returns');
    }
    if (recovered > 0) log.info({ recovered }, 'resuming jobs left running by the previous run');
    store.startMaintenance({ checkpointMs: config.storage.checkpointMinutes * 60_000, retentionDays: config.storage.retentionDays });
    const id = instanceId(config.stateDir);
    const ownNumber = config.box.ownNumber ?? config.box.numbers[0]?.number ?? undefined;

    const mailer = createMailer(config);
    const notifier = createNotifier(config);
    const disk = new DiskGuard({
      stateDir: config.stateDir,
      minFreeBytes: config.storage.minFreeMegabytes * 1_048_576,
      log: areaLogger(log, 'disk'),
      alert: async (text) => {
        const to = config.mail.out.defaultMailbox ?? config.mail.out.routes[0]?.mailboxes[0];
        if (!to) return;
        await notifier.send({ envelope: { from: '', to }, from: `mmsgw@${config.mail.out.fromDomain}`, to, subject: 'mmsgw: disk full, intake paused', text, headers: { 'Auto-Submitted': 'auto-generated' } });
      },
    });
    // Set once the worker runs (`modems.rearm()`); SMS wait on the SIMs until then.
    const onSmsRef: { fn?: (unit: string, sms: Parameters<Parameters<Modem['onSms']>[0]>[0]) => Promise<void> } = {};
    const modems = new ModemSet({
      config,
      log,
      onSms: async (unit, sms) => {
        if (!onSmsRef.fn) throw new Error('the gateway is starting');
        await onSmsRef.fn(unit.id, sms);
      },
    });
    // The worker is created after the context it serves; enqueue wakes it once it exists.
    const wake: { worker?: JobWorker; followups?: (job: NewJob) => NewJob[] } = {};
    // Known once the modem told the SIM's IMSI (carrier profile); refuses nothing before.
    const push: { policy?: PushPolicy } = {};
    const ctx: PipelineContext = {
      get pushPolicy() {
        return push.policy;
      },
      store,
      log: areaLogger(log, 'pipeline'),
      enqueue: (job: NewJob) => {
        // The job and those that follow it (MM7 deliveries and reports) in one transaction: the
        // caller's, or one of their own (one commit, and never the job without its followers).
        store.tx(() => {
          store.jobs.enqueue(job, now());
          for (const next of wake.followups?.(job) ?? []) store.jobs.enqueue(next, now());
        });
        wake.worker?.poke();
      },
      now,
      ownNumber,
      pushPolicyFor: (m: string) => {
        const u = config.modems.length > 0 ? modems.get(m) : undefined;
        return u ? pushPolicyOf(u.config, u.mm1?.carrier ?? carrierProfile(u.config, u.modem.status().imsi)) : undefined;
      },
      modems: { several: config.modems.length > 0, numberOf: (m: string) => modems.numberOf(m), numbers: () => modems.list().map((u) => modems.numberOf(u.id)).filter((n): n is string => n !== undefined) },
      disk,
    };

    const entries = modemEntries(config);
    await openAll(modems, entries.filter((e) => e.usb === null), log);
    // Modems named by USB identity: opened when plugged in, released when pulled (no watcher without them).
    const hotplug = await startHotplug(modems, entries, log);
    const firstUnit = modems.first();
    const modem = firstUnit?.modem;
    const mm1 = firstUnit?.mm1;
    push.policy = pushPolicyOf(config, mm1?.carrier ?? carrierProfile(config, modem?.status().imsi));

    const deps: PipelineDeps = {
      assemble: { concatTimeoutMs: config.sms.concatTimeoutMinutes * 60_000 },
      relay: { mailer, instanceId: id, attachRawMms: config.mail.out.attachRawMms },
      ...(mm1
        ? {
            retrieve: { mm1: mm1.client, tmpDir, maxSize: config.mmsc.maxMessageSize, retrieval: config.mmsc.retrieval, reportAllowed: true },
            retrieveBackoff: {
              baseMs: config.mmsc.backoff.initialSeconds * 1000,
              maxMs: config.mmsc.backoff.maxSeconds * 1000,
              maxAttempts: config.mmsc.fetchRetries + 1,
            },
          }
        : {}),
      send: { sms: modem, mms: mm1?.client, deliveryReports: config.sms.statusReports, instanceId: id, uncertain: config.outbound.uncertain },
      notify: { notifier, from: `mmsgw@${config.mail.out.fromDomain}`, reports: true },
    };
    const perModem = modemPipelineDeps(config, modems, store, deps.send!, tmpDir, now, areaLogger(log, 'modems'));
    Object.assign(deps, perModem);
    // MM7 (its SOAP/XML stack and the compose layer behind it) is loaded only when enabled.
    const mm7 = config.mm7.enabled ? (await import('./mm7.js')).createMm7(config, ctx, id, areaLogger(log, 'mm7')) : undefined;
    wake.followups = mm7?.followups;
    // Optional interfaces (metrics, web, MQTT) and their libraries are loaded only when enabled:
    // a box that does not use them does not carry them (test/app/lazy-modules.test.ts).
    // Metrics are served on the web listener only: without it they would be counted for no one.
    const metrics = config.metrics.enabled && config.web.enabled ? new (await import('../web/metrics.js')).Metrics({ store, modemStatus: () => modem?.status(), modems: () => modems.list().map((u) => ({ id: u.id, status: u.modem.status() })) }) : undefined;
    const allHandlers = { ...pipelineHandlers(ctx, deps), ...hooksHandlers(config), ...mm7?.handlers };
    const handlers = metrics ? metrics.instrument(allHandlers) : allHandlers;
    const worker = new JobWorker({ queue: store.jobs, handlers, log: areaLogger(log, 'jobs'), now, storeFailure: (e) => disk.observe(e), maxIdleMs: IDLE_SAFETY_MS, gatherMs: store.durability === 'acknowledge' ? 0 : undefined, kindLimits: () => jobLimits(modems.list().length, mm7?.wholeMessageKinds) });
    wake.worker = worker;
    const gw = new Gateway(config, log, store, ctx, worker);
    gw.mm7 = mm7;
    gw.metrics = metrics;
    if (metrics) {
      // Every modem's recovery ladder, also of modems added at run time.
      const onStatus = (unit: { id: string }, st: ReturnType<Modem['status']>): void => metrics.modemStatusChanged(st, unit.id);
      modems.on('status', onStatus);
      gw.closers.push(() => void modems.off('status', onStatus));
    }
    gw.modem = modem;
    gw.modems = modems;
    gw.hotplug = hotplug;
    gw.closers.push(() => mailer.close(), () => notifier.close());

    // A send that failed for good is told to its sender.
    worker.on('dead', (job: { kind: string; payload: unknown }, reason: string) => {
      if (job.kind !== JOB.sendSms && job.kind !== JOB.sendMms) return;
      const msgId = (job.payload as { msgId: number }).msgId;
      if (store.messages.get(msgId)?.state === 'held') return; // uncertain, held: the sender was told already
      ctx.enqueue({ kind: JOB.notifySender, key: `notify-failed:${msgId}`, payload: { msgId, about: 'failed', reason } });
      store.messages.setState(msgId, 'failed', now());
    });

    worker.start();
    // Webhooks and hooks.onReceive: events from the store's state history, and the modem's state.
    const hooks = startHooks(config, ctx, worker, modem, IDLE_SAFETY_MS);
    gw.closers.unshift(() => hooks.stop());
    // No polling: every commit (ours or another process's) wakes the worker and the outbox.
    const dbWake = watchDatabase(store.path, () => {
      worker.poke();
      void hooks.drain();
    }, log);
    gw.closers.unshift(() => dbWake.close());
    onSmsRef.fn = async (unit, sms): Promise<void> => {
      crashPoint('sms-read');
      // The messages of one sweep of the modem's storage share one commit (their handlers are
      // called in one turn). The modem deletes (or +CNMA-acknowledges) the SMS when this
      // returns: committed first, and on disk.
      await store
        .inTurnCommit(() => acceptSms(ctx, { pdu: sms.pdu, receivedAt: sms.receivedAt, modem: unit, ...(sms.storage !== undefined ? { storage: sms.storage } : {}), ...(sms.index !== undefined ? { index: sms.index } : {}) }))
        .catch((e: unknown) => {
          disk.observe(e);
          throw e;
        });
      await store.durable();
      crashPoint('sms-stored');
      worker.poke();
    };
    modems.rearm();
    disk.on('pause', () => worker.pause());
    disk.on('resume', () => {
      void (async () => {
        await worker.idle();
        // Outcomes that could not be written left their jobs `running`.
        store.jobs.recoverRunning(now());
        worker.resume();
        modems.rearm(); // drains what stayed on the SIMs
      })().catch((e: unknown) => log.error({ err: e }, 'resuming after disk full failed'));
    });
    disk.start();
    gw.closers.push(() => disk.stop());
    gw.mailIn = await startMailIn(config, ctx, areaLogger(log, 'mail-in'), modem?.status().imsi, () => metrics?.imapError());
    // MQTT: events from the same outbox (own cursor), modem/health state, send commands.
    const mqtt = config.mqtt.enabled ? await startMqttLazily(config, ctx, () => modem?.status(), () => modems.list().map((u) => ({ id: u.id, status: u.modem.status() })), areaLogger(log, 'mqtt'), metrics) : undefined;
    if (!config.mqtt.enabled) unregisterConsumer(store.db, MQTT_CONSUMER);
    if (mqtt) {
      gw.mqtt = mqtt;
      const onDone = (): void => void mqtt.drain();
      const onStatus = (): void => mqtt.publishState();
      worker.on('done', onDone);
      modems.on('status', onStatus);
      gw.closers.unshift(async () => {
        worker.off('done', onDone);
        modems.off('status', onStatus);
        await mqtt.stop();
      });
    }
    if (config.web.enabled) {
      // Messages keep flowing without the web interface (a port taken, a bad certificate): say so loudly, go on.
      try {
        // The gateway's own interfaces on the same listener (REST API, MM7), then any the caller adds.
        const wiring = { store, ctx, modemStatus: () => modem?.status(), modemViews: () => modems.views() };
        const extra = typeof options.webPlugins === 'function' ? options.webPlugins(wiring) : (options.webPlugins ?? []);
        const [{ startWeb }, { apiWebPlugin }] = await Promise.all([import('./web.js'), import('./api.js')]);
        const metricsWeb = metrics ? await metricsWebPlugin(config, store, metrics) : undefined;
        const plugins = [apiWebPlugin(config, wiring), mm7?.webPlugin, metricsWeb, ...extra].filter((p): p is WebPlugin => p !== undefined);
        gw.web = await startWeb(config, { ctx, modem, modems: () => modems.views(), log: areaLogger(log, 'web'), plugins });
      } catch (e) {
        log.error({ err: e, host: config.web.host, port: config.web.port }, 'web interface not started; the gateway runs without it');
      }
    }
    // Liveness = the event loop and the store answer; long jobs (a slow bearer) are not a hang.
    gw.stopWatchdog = startWatchdog(() => storeAnswers(() => store.db.prepare('SELECT 1').get()));
    await sdNotify('READY=1');
    log.info({ stateDir: config.stateDir, ownNumber, modem: modem?.status().port ?? 'none', modems: modems.list().map((u) => u.id), mmsc: config.mmsc.url ?? 'none' }, 'gateway running');
    return gw;
  }

  /** The modem's status, for the CLI and the web interface. */
  modemStatus(): ReturnType<Modem['status']> | undefined {
    return this.modem?.status();
  }

  /** Every modem: id, number, port, profile, status and health. */
  modemViews(): ModemView[] {
    return this.modems.views();
  }

  /** Health for a health endpoint: the store answers and the modem can send and receive. */
  health(): { ok: boolean; store: boolean; modem: ModemHealth | undefined; modems: { id: string; ok: boolean; problem?: string }[] } {
    const store = storeAnswers(() => this.store.db.prepare('SELECT 1').get());
    const modem = this.modem ? modemHealth(this.modem.status()) : undefined;
    const modems = this.modems.views().map((v) => ({ id: v.id, ...v.health }));
    return { ok: store && (modem?.ok ?? true), store, modem, modems };
  }

  /** Base URL of the web interface, when it runs. */
  get webUrl(): string | undefined {
    return this.web?.server.url;
  }

  async stop(): Promise<void> {
    await sdNotify('STOPPING=1');
    this.stopWatchdog();
    await this.web?.close();
    await this.mailIn?.stop();
    await this.worker.stop();
    await this.hotplug?.close();
    await this.modems.closeAll();
    for (const close of this.closers) await close();
    this.store.close();
    this.log.info('gateway stopped');
  }
}

/** `/metrics` on the web listener (src/web/metrics.ts), loaded with the web interface. */
async function metricsWebPlugin(config: Config, store: Store, metrics: Metrics): Promise<WebPlugin> {
  const [{ metricsPlugin }, { TokensRepo }] = await Promise.all([import('../web/metrics.js'), import('../web/api/tokens.js')]);
  return { prefix: '', plugin: async (app: Parameters<typeof metricsPlugin>[0]) => app.register(metricsPlugin, { metrics, tokens: new TokensRepo(store.db), ...(config.metrics.token ? { token: config.metrics.token } : {}) }) };
}

/** The MQTT bridge (src/mqtt) with the send service behind its commands, loaded only when `mqtt.enabled`. */
async function startMqttLazily(
  config: Config,
  ctx: PipelineContext,
  modemStatus: () => ReturnType<Modem['status']> | undefined,
  modems: () => readonly { readonly id: string; readonly status: ReturnType<Modem['status']> }[],
  log: Logger,
  metrics: Metrics | undefined,
): Promise<MqttBridge | undefined> {
  const [{ startMqtt }, { createSendService }] = await Promise.all([import('./mqtt.js'), import('./send.js')]);
  return startMqtt(config, { store: ctx.store, send: createSendService(config, ctx), modemStatus, modems, log, onPublished: (k) => metrics?.mqttPublish(k) });
}
