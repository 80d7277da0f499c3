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
import { createNotifier } from './notifier.js';
import { openModem } from './modem.js';
import { startMailIn, type MailIn } from './mail-in.js';
import { startWeb, type WebWiring } from './web.js';
import type { WebPlugin } from '../web/server.js';

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
  private modem: Modem | undefined;
  private mm1: Mm1Wiring | undefined;
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
    const wake: { worker?: JobWorker } = {};
    const ctx: PipelineContext = {
      store,
      log: log.child({ ns: 'pipeline' }),
      enqueue: (job: NewJob) => {
        store.jobs.enqueue(job, now());
        wake.worker?.poke();
      },
      now,
      ownNumber,
    };

    const mailer = createMailer(config);
    const notifier = createNotifier(config);
    const modem = await openModem(config, log.child({ ns: 'modem' }));
    const mm1 = config.mmsc.url ? createMm1(config, modem, log.child({ ns: 'mm1' })) : undefined;

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
    const worker = new JobWorker({ queue: store.jobs, handlers: pipelineHandlers(ctx, deps), log: log.child({ ns: 'jobs' }), now });
    wake.worker = worker;
    const gw = new Gateway(config, log, store, ctx, worker);
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
    if (modem) {
      modem.onSms(async (sms) => {
        acceptSms(ctx, { pdu: sms.pdu, receivedAt: sms.receivedAt, ...(sms.storage !== undefined ? { storage: sms.storage } : {}), ...(sms.index !== undefined ? { index: sms.index } : {}) });
        worker.poke();
      });
    }
    gw.mailIn = await startMailIn(config, ctx, log.child({ ns: 'mail-in' }));
    if (config.web.enabled) {
      // Messages keep flowing without the web interface (a port taken, a bad certificate): say so loudly, go on.
      try {
        const extra = typeof options.webPlugins === 'function' ? options.webPlugins({ store, ctx, modemStatus: () => modem?.status() }) : (options.webPlugins ?? []);
        const plugins = extra.filter((p): p is WebPlugin => p !== undefined);
        gw.web = await startWeb(config, { ctx, modem, log: log.child({ ns: 'web' }), plugins });
      } catch (e) {
        log.error({ err: e, host: config.web.host, port: config.web.port }, 'web interface not started; the gateway runs without it');
      }
    }
    gw.stopWatchdog = startWatchdog(() => Date.now() - worker.lastTick < 60_000);
    await sdNotify('READY=1');
    log.info({ stateDir: config.stateDir, ownNumber, modem: modem?.status().port ?? 'none', mmsc: config.mmsc.url ?? 'none' }, 'gateway running');
    return gw;
  }

  /** The modem's status, for the CLI and the web interface. */
  modemStatus(): ReturnType<Modem['status']> | undefined {
    return this.modem?.status();
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
    await this.modem?.close();
    await this.mm1?.close();
    for (const close of this.closers) await close();
    this.store.close();
    this.log.info('gateway stopped');
  }
}
