/**
 * The REST API in the demo: a demo token with every scope, the API's address and token in
 * `<state-dir>/endpoints.json` (key `api`), and the traffic driver's API part: N messages
 * sent through POST /messages (SMS as JSON, MMS as multipart with a picture), each followed
 * to the simulated network. The API is the gateway's own (on its web listener) when that
 * serves /api/v1; otherwise the demo serves it on a loopback listener of its own.
 */
import { mergeEndpoints } from './endpoints.js';
import Fastify, { type FastifyInstance } from 'fastify';
import { createSendService } from '../app/send.js';
import { apiPlugin } from '../web/api/index.js';
import { SCOPES, TokensRepo } from '../web/api/tokens.js';
import type { DemoCore } from './environment.js';
import { NetworkWatch } from './watch.js';

export const DEMO_TOKEN_NAME = 'demo';
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export interface DemoApi {
  readonly url: string;
  readonly token: string;
  stop(): Promise<void>;
}

/** Registers a fresh demo token (the secret of an earlier one cannot be shown again) and finds or starts the API. */
export async function startDemoApi(env: Pick<DemoCore, 'config' | 'gateway'>): Promise<DemoApi> {
  const tokens = new TokensRepo(env.gateway.store.db);
  tokens.revoke(DEMO_TOKEN_NAME);
  env.gateway.store.db.prepare('DELETE FROM api_tokens WHERE name = ? AND revoked_at IS NOT NULL').run(DEMO_TOKEN_NAME);
  const { token } = tokens.create(DEMO_TOKEN_NAME, SCOPES);
  const webUrl = (env.gateway as { webUrl?: string }).webUrl;
  let url: string | undefined;
  if (webUrl !== undefined) {
    const probe = await fetch(`${webUrl}/api/v1/openapi.json`, { headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
    if (probe?.status === 200) url = `${webUrl}/api/v1`;
    await probe?.body?.cancel().catch(() => undefined);
  }
  let own: FastifyInstance | undefined;
  if (url === undefined) {
    own = Fastify({ logger: false });
    await own.register(apiPlugin, {
      prefix: '/api/v1',
      store: env.gateway.store,
      send: createSendService(env.config, env.gateway.ctx),
      status: { modem: () => env.gateway.modemStatus() },
      rateLimit: env.config.api.rateLimit,
      maxBodyBytes: env.config.api.maxBodyBytes,
    });
    url = `${await own.listen({ host: '127.0.0.1', port: 0 })}/api/v1`;
  }
  mergeEndpoints(env.config.stateDir, { api: { url, token } });
  return { url, token, stop: async () => void (await own?.close()) };
}

export interface ApiDriveSummary {
  /** Requests made. */
  sent: number;
  /** Answered 202. */
  accepted: number;
  /** Accepted and seen by the simulated network (SMS-SUBMIT at the modem, m-send-req at the MMSC). */
  submitted: number;
}

/** Sends `n` messages through the API and waits (until `deadline`) for each to leave through the simulators. */
export async function driveApi(env: Pick<DemoCore, 'net'>, api: DemoApi, n: number, deadline: number): Promise<ApiDriveSummary> {
  const watch = new NetworkWatch(env.net);
  await watch.skipExisting();
  const seen = new Set<string>();
  const apiRe = /\[demo-api-\d+\]/;
  watch.on('mms', (s) => {
    const m = apiRe.exec(s.subject ?? '')?.[0];
    if (m) seen.add(m);
  });
  watch.on('sms', (text) => {
    const m = apiRe.exec(text)?.[0];
    if (m) seen.add(m);
  });
  const auth = { authorization: `Bearer ${api.token}` };
  const accepted = new Set<string>();
  for (let i = 0; i < n; i++) {
    const marker = `[demo-api-${i}]`;
    const to = `+1555050${String(i % 10000).padStart(4, '0')}`;
    let init: RequestInit;
    if (i % 2 === 0) {
      init = { method: 'POST', headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': `demo-${i}` }, body: JSON.stringify({ to: [to], text: `${marker} your order shipped` }) };
    } else {
      const form = new FormData();
      form.append('to', to);
      form.append('subject', `${marker} photo`);
      form.append('text', `${marker} picture attached`);
      form.append('media', new Blob([GIF], { type: 'image/gif' }), 'photo.gif');
      init = { method: 'POST', headers: { ...auth, 'idempotency-key': `demo-${i}` }, body: form };
    }
    const res = await fetch(`${api.url}/messages`, init).catch(() => undefined);
    if (res?.status === 202) accepted.add(marker);
    await res?.body?.cancel().catch(() => undefined);
  }
  let submitted = 0;
  try {
    for (;;) {
      await watch.poll();
      submitted = [...accepted].filter((m) => seen.has(m)).length;
      if (submitted >= accepted.size || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    watch.close();
  }
  return { sent: n, accepted: accepted.size, submitted };
}
