import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/index.js';
import type { Modem } from '../modem/index.js';
import { JOB, type PipelineContext } from '../pipeline/context.js';
import { pipelineHandlers, type PipelineDeps } from '../pipeline/handlers.js';
import { acceptSms } from '../pipeline/sms-intake.js';
import { JobWorker } from '../pipeline/worker.js';
import { openStore, type NewJob, type Store } from '../store/index.js';
import { logger, type Logger } from '../util/log.js';
import { sdNotify, startWatchdog } from '../util/sd-notify.js';
import { instanceId } from './instance.js';
import { createMailer } from './mail-out.js';
import { createMm1, type Mm1Wiring } from './mmsc.js';
import { needsSimIdentity, waitForSimIdentity } from './carrier-settings.js';

/** How long start waits for a modem that enumerates late when MMS settings come from the SIM. */
const SIM_IDENTITY_WAIT_MS = 60_000;
import { createNotifier } from './notifier.js';
import { openModem } from './modem.js';
import { startMailIn, type MailIn } from './mail-in.js';
import { hooksHandlers, startHooks } from './hooks.js';
import { createMm7, type Mm7Wiring } from './mm7.js';
import { Metrics } from '../web/metrics.js';
import type { MqttBridge } from '../mqtt/bridge.js';
import { startMqtt } from './mqtt.js';
import { createSendService } from './send.js';

export interface GatewayOptions {
  readonly config: Config;
  readonly log?: Logger;
  /** Clock for tests. */
  readonly now?: () => number;
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
  private modem: Modem | undefined;
  private mm1: Mm1Wiring | undefined;
  private mailIn: MailIn | undefined;
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
    const log = options.log ?? logger('gateway');
    const now = options.now ?? Date.now;
    mkdirSync(config.stateDir, { recursive: true });
    const tmpDir = join(config.stateDir, 'tmp');
    mkdirSync(tmpDir, { recursive: true });
    const store = openStore({ stateDir: config.stateDir, integrityCheck: config.storage.integrityCheck });
    const recovered = store.jobs.recoverRunning(now());
    if (recovered > 0) log.info({ recovered }, 'resuming jobs left running by the previous run');
    store.startMaintenance({ checkpointMs: config.storage.checkpointMinutes * 60_000, retentionDays: config.storage.retentionDays });
    const id = instanceId(config.stateDir);
    const ownNumber = config.box.ownNumber ?? config.box.numbers[0]?.number ?? undefined;

    // The worker is created after the context it serves; enqueue wakes it once it exists.
    const wake: { worker?: JobWorker; followups?: (job: NewJob) => NewJob[] } = {};
    const ctx: PipelineContext = {
      store,
      log: log.child({ ns: 'pipeline' }),
      enqueue: (job: NewJob) => {
        store.jobs.enqueue(job, now());
        // Jobs that follow this one (MM7 deliveries and reports), in the same transaction.
        for (const next of wake.followups?.(job) ?? []) store.jobs.enqueue(next, now());
        wake.worker?.poke();
      },
      now,
      ownNumber,
    };

    const mailer = createMailer(config);
    const notifier = createNotifier(config);
    const modem = await openModem(config, log.child({ ns: 'modem' }));
    // MMS settings left to the carrier database need the SIM: wait (bounded) for a late modem.
    if (needsSimIdentity(config) && !(await waitForSimIdentity(modem, SIM_IDENTITY_WAIT_MS))) log.warn({ waitedMs: SIM_IDENTITY_WAIT_MS }, 'no SIM identity yet: MMS settings cannot be looked up');
    const mm1 = createMm1(config, modem, log.child({ ns: 'mm1' }));

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
      send: { sms: modem, mms: mm1?.client, deliveryReports: config.sms.statusReports, instanceId: id },
      notify: { notifier, from: `mmsgw@${config.mail.out.fromDomain}`, reports: true },
    };
    const mm7 = createMm7(config, ctx, id, log.child({ ns: 'mm7' }));
    wake.followups = mm7?.followups;
    const metrics = new Metrics({ store, modemStatus: () => modem?.status() });
    const handlers = metrics.instrument({ ...pipelineHandlers(ctx, deps), ...hooksHandlers(config), ...mm7?.handlers });
    const worker = new JobWorker({ queue: store.jobs, handlers, log: log.child({ ns: 'jobs' }), now });
    wake.worker = worker;
    const gw = new Gateway(config, log, store, ctx, worker);
    gw.mm7 = mm7;
    gw.metrics = metrics;
    if (modem) {
      const onStatus = (st: ReturnType<Modem['status']>): void => metrics.modemStatusChanged(st);
      modem.on('status', onStatus);
      gw.closers.push(() => void modem.off('status', onStatus));
    }
    gw.modem = modem;
    gw.mm1 = mm1;
    gw.closers.push(() => mailer.close(), () => notifier.close());

    // A send that failed for good is told to its sender.
    worker.on('dead', (job: { kind: string; payload: unknown }, reason: string) => {
      if (job.kind !== JOB.sendSms && job.kind !== JOB.sendMms) return;
      const msgId = (job.payload as { msgId: number }).msgId;
      ctx.enqueue({ kind: JOB.notifySender, key: `notify-failed:${msgId}`, payload: { msgId, about: 'failed', reason } });
      store.messages.setState(msgId, 'failed', now());
    });

    worker.start();
    // Webhooks and hooks.onReceive: events from the store's state outbox, and the modem's state.
    const hooks = startHooks(config, ctx, worker, modem);
    gw.closers.unshift(() => hooks.stop());
    // MQTT: events from the same outbox (own cursor), modem/health state, send commands.
    const mqtt = startMqtt(config, { store, send: createSendService(config, ctx), modemStatus: () => modem?.status(), log: log.child({ ns: 'mqtt' }), onPublished: (k) => metrics.mqttPublish(k) });
    if (mqtt) {
      gw.mqtt = mqtt;
      const onDone = (): void => void mqtt.drain();
      const onStatus = (): void => mqtt.publishState();
      worker.on('done', onDone);
      modem?.on('status', onStatus);
      gw.closers.unshift(async () => {
        worker.off('done', onDone);
        modem?.off('status', onStatus);
        await mqtt.stop();
      });
    }
    if (modem) {
      modem.onSms(async (sms) => {
        acceptSms(ctx, { pdu: sms.pdu, receivedAt: sms.receivedAt, ...(sms.storage !== undefined ? { storage: sms.storage } : {}), ...(sms.index !== undefined ? { index: sms.index } : {}) });
        worker.poke();
      });
    }
    gw.mailIn = await startMailIn(config, ctx, log.child({ ns: 'mail-in' }));
    gw.stopWatchdog = startWatchdog(() => Date.now() - worker.lastTick < 60_000);
    await sdNotify('READY=1');
    log.info({ stateDir: config.stateDir, ownNumber, modem: modem?.status().port ?? 'none', mmsc: config.mmsc.url ?? 'none' }, 'gateway running');
    return gw;
  }

  /** The modem's status, for the CLI and the web interface. */
  modemStatus(): ReturnType<Modem['status']> | undefined {
    return this.modem?.status();
  }

  async stop(): Promise<void> {
    await sdNotify('STOPPING=1');
    this.stopWatchdog();
    await this.mailIn?.stop();
    await this.worker.stop();
    await this.modem?.close();
    await this.mm1?.close();
    for (const close of this.closers) await close();
    this.store.close();
    this.log.info('gateway stopped');
  }
}
