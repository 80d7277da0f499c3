/**
 * The REST API as the web listener mounts it: `{ prefix: '/api/v1', plugin }`, the shape of
 * the web server's extra interfaces, with the gateway's store, pipeline context and modem
 * status bound in. Undefined when `api.enabled` is false.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config/index.js';
import type { PipelineContext } from '../pipeline/context.js';
import type { Store } from '../store/index.js';
import { apiPlugin } from '../web/api/index.js';
import { createSendService } from './send.js';

export const API_PREFIX = '/api/v1';

export interface ApiWiring {
  readonly store: Store;
  readonly ctx: PipelineContext;
  modemStatus(): unknown;
  /** Every modem (several SIMs); absent: only `modemStatus`. */
  modemViews?(): readonly unknown[];
}

export function apiWebPlugin(config: Config, gw: ApiWiring): { readonly prefix: string; readonly plugin: FastifyPluginAsync } | undefined {
  if (!config.api.enabled) return undefined;
  const plugin: FastifyPluginAsync = async (app) => {
    await app.register(apiPlugin, {
      store: gw.store,
      send: createSendService(config, gw.ctx),
      status: { modem: () => gw.modemStatus(), ...(gw.modemViews ? { modems: () => gw.modemViews!() } : {}) },
      rateLimit: config.api.rateLimit,
      maxBodyBytes: config.api.maxBodyBytes,
    });
  };
  return { prefix: API_PREFIX, plugin };
}
