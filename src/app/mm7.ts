import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config/index.js';
import type { PipelineContext } from '../pipeline/context.js';
import type { JobHandler } from '../pipeline/worker.js';
import type { NewJob } from '../store/index.js';
import type { Logger } from '../util/log.js';
import type { VaspAccount } from '../web/mm7/auth.js';
import { mm7Plugin, type Mm7PluginOptions } from '../web/mm7/index.js';
import { releaseByName, REL6 } from '../web/mm7/ns.js';
import { MM7_JOB, mm7Followups, mm7Handlers } from '../web/mm7/outbound.js';
import { Mm7Service } from '../web/mm7/service.js';
import { createSendService } from './send.js';

/** MM7 as the gateway runs it: the plugin's options for the web server, the jobs towards the VASPs, and the hook that creates them. */
export interface Mm7Wiring {
  /** For `app.register(mm7Plugin, { prefix: '/mm7', ...pluginOptions })`. */
  readonly pluginOptions: Mm7PluginOptions;
  /** The same, bound to its options, for the web listener's plugin list (`{ prefix, plugin }`). */
  readonly webPlugin: { readonly prefix: '/mm7'; readonly plugin: FastifyPluginAsync };
  readonly handlers: Readonly<Record<string, JobHandler>>;
  /** MM7 jobs that follow a pipeline job (enqueued in the same transaction). */
  followups(job: NewJob): NewJob[];
  /** Job kinds that hold a whole message in memory (./job-limits.ts): a DeliverReq with its content. */
  readonly wholeMessageKinds: readonly string[];
}

export function vaspAccounts(config: Config): VaspAccount[] {
  return config.mm7.vasps.map((v) => ({
    vaspId: v.vaspId,
    user: v.user,
    deliverIncoming: v.deliverIncoming,
    release: releaseByName(v.version) ?? REL6,
    ...(v.vasId !== null ? { vasId: v.vasId } : {}),
    ...(v.password !== null ? { password: v.password } : {}),
    ...(v.passwordHash !== null ? { passwordHash: v.passwordHash } : {}),
    ...(v.url !== null ? { url: v.url } : {}),
    ...(v.urlUser !== null ? { urlUser: v.urlUser } : {}),
    ...(v.urlPassword !== null ? { urlPassword: v.urlPassword } : {}),
  }));
}

/** Undefined when `mm7.enabled` is false. */
export function createMm7(config: Config, ctx: PipelineContext, instanceId: string, log: Logger): Mm7Wiring | undefined {
  if (!config.mm7.enabled) return undefined;
  const vasps = vaspAccounts(config);
  const service = new Mm7Service({ ctx, sender: createSendService(config, ctx), messageIdPrefix: `mmsgw-${instanceId}` });
  const pluginOptions: Mm7PluginOptions = { vasps, service, maxRequestBytes: config.mm7.maxRequestBytes, log };
  return {
    pluginOptions,
    webPlugin: { prefix: '/mm7', plugin: async (app) => app.register(mm7Plugin, pluginOptions) },
    handlers: mm7Handlers(ctx, {
      vasps,
      relayServerId: config.mm7.relayServerId,
      ownNumber: ctx.ownNumber,
      backoff: { baseMs: config.mm7.retry.initialSeconds * 1000, maxMs: config.mm7.retry.maxSeconds * 1000, maxAttempts: config.mm7.retry.maxAttempts },
    }),
    followups: (job) => mm7Followups(ctx, vasps, job),
    wholeMessageKinds: [MM7_JOB.deliver],
  };
}
