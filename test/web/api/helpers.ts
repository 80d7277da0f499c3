/**
 * A real fastify server with the API plugin on a real SQLite store, and a checker that
 * validates every response against the served OpenAPI 3.1 document with ajv (JSON Schema
 * 2020-12), so a response the document does not describe fails the test.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsPkg from 'ajv-formats';
import Fastify, { type FastifyInstance } from 'fastify';
import { createSendService } from '../../../src/app/send.js';
import { demoConfigInput, parseConfig, type Config } from '../../../src/config/index.js';
import type { PipelineContext } from '../../../src/pipeline/context.js';
import { openStore, type NewJob, type Store } from '../../../src/store/index.js';
import { silentLogger } from '../../../src/util/log.js';
import { apiPlugin, TokensRepo, type ApiOptions } from '../../../src/web/api/index.js';

export interface ApiEnv {
  readonly base: string;
  readonly store: Store;
  readonly tokens: TokensRepo;
  readonly app: FastifyInstance;
  readonly config: Config;
  /** Tokens with every scope, and with one scope each. */
  readonly token: { all: string; send: string; read: string };
  call(method: string, path: string, init?: { token?: string | null; json?: unknown; body?: string | FormData; headers?: Record<string, string> }): Promise<Checked>;
}

export interface Checked {
  readonly status: number;
  readonly headers: Headers;
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly bytes: Buffer;
}

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>> };

const addFormats = addFormatsPkg.default;
let validator: { ajv: Ajv2020; doc: Doc } | undefined;

/** The operation of a concrete path in the document: `/messages/7/parts/2` → `/messages/{id}/parts/{n}`. */
function operationOf(doc: Doc, path: string, method: string): { template: string; op: Doc['paths'][string][string] } | undefined {
  const clean = path.split('?')[0] ?? path;
  for (const [template, ops] of Object.entries(doc.paths)) {
    const re = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    const op = ops[method.toLowerCase()];
    if (re.test(clean) && op) return { template, op };
  }
  return undefined;
}

export async function withApi(fn: (env: ApiEnv) => Promise<void>, o: { options?: Partial<ApiOptions>; configure?: (c: Config) => Config } = {}): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-api-'));
  const store = openStore({ stateDir: dir });
  const config = parseConfig({ ...demoConfigInput(), stateDir: dir });
  const ctx: PipelineContext = { store, log: silentLogger, enqueue: (job: NewJob) => void store.jobs.enqueue(job), now: Date.now, ownNumber: '+15550100001' };
  const app = Fastify({ logger: false });
  await app.register(apiPlugin, { prefix: '/api/v1', store, send: createSendService(config, ctx), rateLimit: { perMinute: 6000, burst: 1000 }, ...o.options });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  assert.ok(addr && typeof addr === 'object');
  const base = `http://127.0.0.1:${addr.port}/api/v1`;
  const tokens = new TokensRepo(store.db);
  const token = {
    all: tokens.create('all', ['send', 'read', 'admin']).token,
    send: tokens.create('sender', ['send']).token,
    read: tokens.create('reader', ['read']).token,
  };
  if (!validator) {
    const res = await fetch(`${base}/openapi.json`, { headers: { authorization: `Bearer ${token.all}` } });
    const doc = (await res.json()) as Doc & Record<string, unknown>;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ ...doc, $id: 'urn:mmsgw:openapi' });
    validator = { ajv, doc };
  }
  const v = validator;
  const env: ApiEnv = {
    base,
    store,
    tokens,
    app,
    config,
    token,
    async call(method, path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      const t = init.token === undefined ? token.all : init.token;
      if (t !== null) headers.authorization = `Bearer ${t}`;
      let body = init.body;
      if (init.json !== undefined) {
        body = JSON.stringify(init.json);
        headers['content-type'] = 'application/json';
      }
      const res = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
      const bytes = Buffer.from(await res.arrayBuffer());
      const type = res.headers.get('content-type') ?? '';
      const found = operationOf(v.doc, path, method);
      assert.ok(found, `${method} ${path} is not in the OpenAPI document`);
      const response = found.op.responses[String(res.status)];
      assert.ok(response, `${method} ${found.template} answered ${res.status}, which the document does not list`);
      let json: unknown;
      if (/json/.test(type)) {
        json = JSON.parse(bytes.toString('utf8'));
        const mediaType = type.split(';')[0]?.trim() ?? '';
        const media = response.content?.[mediaType];
        assert.ok(media, `${method} ${found.template} ${res.status} answered ${mediaType}, not in the document`);
        const pointer = `urn:mmsgw:openapi#/paths/${found.template.replace(/~/g, '~0').replace(/\//g, '~1').replace(/[{}]/g, (c) => encodeURIComponent(c))}/${method.toLowerCase()}/responses/${res.status}/content/${mediaType.replace(/\//g, '~1')}/schema`;
        const validate = v.ajv.getSchema(pointer);
        assert.ok(validate, `no schema at ${pointer}`);
        assert.ok(validate(json), `${method} ${path} ${res.status} does not match the document: ${JSON.stringify(validate.errors)}\n${JSON.stringify(json)}`);
      } else {
        assert.ok(response.content?.['*/*'] !== undefined, `${method} ${found.template} ${res.status} answered ${type}, not in the document`);
      }
      return { status: res.status, headers: res.headers, json, bytes };
    },
  };
  try {
    await fn(env);
  } finally {
    await app.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
