/**
 * The simulated modem's own HTTP client: Quectel AT+QICSGP/QIACT/QIDEACT + AT+QHTTP* and
 * SIMCom AT+HTTP*. Requests are made for real (node:http) to whatever the URL or proxy names —
 * in tests the MMSC simulator — so the modem-http bearer is exercised end to end over the pty.
 * Loaded by ./handlers.ts; a profile gets only its own vendor's commands.
 */
import http from 'node:http';
import { intParam, strParam } from './parser.js';
import { cme, error, ok, q } from './reply.js';
import { registered, type ModemState } from './state.js';
import type { CommandContext, CommandHandler, HandlerTable, ModemProfile, Reply } from './types.js';

interface HttpResult {
  status: number;
  body: Buffer;
}

interface StackState {
  // Quectel
  url?: string;
  contextId: number;
  requestHeader: boolean;
  // SIMCom
  initialised: boolean;
  params: Record<string, string>;
  data?: Buffer;
  // both
  result?: HttpResult;
}

const stacks = new WeakMap<ModemState, StackState>();

function stack(state: ModemState): StackState {
  let s = stacks.get(state);
  if (!s) {
    s = { contextId: 1, requestHeader: false, initialised: false, params: {} };
    stacks.set(state, s);
  }
  return s;
}

/** Performs the exchange; rejects with an Error whose `code` is the socket error. */
function perform(target: { host: string; port: number }, method: string, path: string, headers: Record<string, string>, body: Buffer | undefined, timeoutMs: number): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: target.host, port: target.port, method, path, headers, agent: false, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.complete ? resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }) : reject(Object.assign(new Error('closed'), { code: 'ECONNRESET' }))));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}

function hostPort(u: URL): { host: string; port: number } {
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : 80 };
}

/** A raw request as the host wrote it with "requestheader" on: request line, headers, body. */
function parseRaw(raw: Buffer): { method: string; path: string; headers: Record<string, string>; body: Buffer } | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [line = '', ...rest] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const [method = '', path = ''] = line.split(' ');
  const headers: Record<string, string> = {};
  for (const h of rest) {
    const c = h.indexOf(':');
    if (c > 0) headers[h.slice(0, c).trim()] = h.slice(c + 1).trim();
  }
  return { method, path, headers, body: raw.subarray(end + 4) };
}

function contextActive(state: ModemState, cid: number): boolean {
  return state.contexts.get(cid)?.active === true;
}

// ---------------------------------------------------------------- Quectel

const QUECTEL_TYPES: Readonly<Record<number, string>> = { 1: 'IP', 2: 'IPV6', 3: 'IPV4V6' };

/** Quectel error code for a socket failure (HTTP(S) AT Commands Manual error summary). */
function quectelCode(e: unknown): number {
  const code = (e as { code?: string }).code;
  if (code === 'ETIMEDOUT') return 728;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 714;
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 716;
  return 717;
}

const qicsgp: CommandHandler = (ctx, cmd) => {
  if (cmd.kind !== 'set') return error();
  const cid = intParam(cmd.params, 0);
  if (!(cid >= 1 && cid <= ctx.profile.maxContexts)) return cme(50);
  const existing = ctx.state.contexts.get(cid);
  if (cmd.params.length === 1) return ok([`+QICSGP: ${QUECTEL_TYPES[1] === existing?.pdpType ? 1 : 3},${q(existing?.apn ?? '')},"","",0`]);
  if (existing?.active) return cme(3);
  const type = QUECTEL_TYPES[intParam(cmd.params, 1, 1)];
  if (!type) return cme(50);
  ctx.state.contexts.set(cid, { cid, pdpType: type, apn: strParam(cmd.params, 2) ?? '', active: false, address: '0.0.0.0' });
  return ok();
};

const qiact: CommandHandler = async (ctx, cmd) => {
  if (cmd.kind === 'read') {
    return ok([...ctx.state.contexts.values()].filter((c) => c.active).map((c) => `+QIACT: ${c.cid},1,${c.pdpType === 'IPV6' ? 2 : 1},${q(c.address)}`));
  }
  if (cmd.kind !== 'set') return error();
  const c = ctx.state.contexts.get(intParam(cmd.params, 0));
  if (!c) return cme(50);
  if (!registered(ctx.state)) return cme(30);
  await new Promise((r) => setTimeout(r, 20));
  if (!c.active) {
    c.active = true;
    c.address = c.pdpType === 'IPV6' ? `fd00:0:0:${c.cid}::1` : `10.64.${c.cid}.2`;
    ctx.emit('pdp', { cid: c.cid, active: true, apn: c.apn, address: c.address });
  }
  return ok();
};

const qideact: CommandHandler = (ctx, cmd) => {
  if (cmd.kind !== 'set') return error();
  const c = ctx.state.contexts.get(intParam(cmd.params, 0));
  if (!c) return cme(50);
  if (c.active) {
    c.active = false;
    c.address = '0.0.0.0';
    ctx.emit('pdp', { cid: c.cid, active: false });
  }
  return ok();
};

const qhttpcfg: CommandHandler = (ctx, cmd) => {
  if (cmd.kind !== 'set') return error();
  const s = stack(ctx.state);
  const name = strParam(cmd.params, 0)?.toLowerCase();
  const v = intParam(cmd.params, 1);
  if (name === 'contextid' && v >= 1 && v <= ctx.profile.maxContexts) s.contextId = v;
  else if (name === 'requestheader' && (v === 0 || v === 1)) s.requestHeader = v === 1;
  else if (name === 'responseheader' && v === 0) { /* body only: the only mode this stack offers */ } else return cme(730);
  return ok();
};

/** CONNECT, then exactly n octets from the host, as the Quectel data phase works. */
async function dataPhase(ctx: CommandContext, n: number, seconds: number): Promise<Buffer | undefined> {
  ctx.writeRaw('\r\nCONNECT\r\n');
  const b = await ctx.readBytes(n, seconds * 1000);
  return b ? Buffer.from(b) : undefined;
}

const qhttpurl: CommandHandler = async (ctx, cmd) => {
  if (cmd.kind !== 'set') return error();
  const len = intParam(cmd.params, 0);
  if (!(len > 0 && len <= 700)) return cme(730);
  const url = await dataPhase(ctx, len, intParam(cmd.params, 1, 60));
  if (!url) return cme(726);
  stack(ctx.state).url = url.toString('latin1');
  return ok();
};

function quectelRequest(method: 'GET' | 'POST'): CommandHandler {
  return async (ctx, cmd) => {
    if (cmd.kind !== 'set') return error();
    const s = stack(ctx.state);
    if (!s.url) return cme(712);
    if (!contextActive(ctx.state, s.contextId)) return cme(709);
    // QHTTPGET=<rsptime>[,<data_length>[,<input_time>]]; QHTTPPOST=<data_length>,<input_time>,<rsptime>
    const dataLen = method === 'GET' ? intParam(cmd.params, 1, 0) : intParam(cmd.params, 0);
    const rspSecs = method === 'GET' ? intParam(cmd.params, 0, 60) : intParam(cmd.params, 2, 60);
    const inputSecs = method === 'GET' ? intParam(cmd.params, 2, 60) : intParam(cmd.params, 1, 60);
    if (Number.isNaN(dataLen) || Number.isNaN(rspSecs)) return cme(730);
    let raw: Buffer | undefined;
    if (dataLen > 0) {
      raw = await dataPhase(ctx, dataLen, inputSecs);
      if (!raw) return cme(726);
    }
    const u = new URL(s.url);
    const urcName = method === 'GET' ? '+QHTTPGET' : '+QHTTPPOST';
    const parsed = raw && s.requestHeader ? parseRaw(raw) : undefined;
    if (raw && s.requestHeader && !parsed) return cme(720);
    s.result = undefined;
    const run = parsed
      ? perform(hostPort(u), parsed.method, parsed.path, parsed.headers, parsed.body.length ? parsed.body : undefined, rspSecs * 1000)
      : perform(hostPort(u), method, `${u.pathname}${u.search}`, { Host: u.host }, raw, rspSecs * 1000);
    return ok([], () => {
      run.then(
        (r) => { s.result = r; ctx.urc(`${urcName}: 0,${r.status},${r.body.length}`); },
        (e: unknown) => ctx.urc(`${urcName}: ${quectelCode(e)}`),
      );
    });
  };
}

const qhttpread: CommandHandler = (ctx, cmd) => {
  if (cmd.kind !== 'set' && cmd.kind !== 'exec') return error();
  const r = stack(ctx.state).result;
  if (!r) return cme(705);
  ctx.writeRaw('\r\nCONNECT\r\n');
  ctx.writeRaw(r.body);
  return ok([], () => ctx.urc('+QHTTPREAD: 0'));
};

const quectelHandlers: HandlerTable = {
  '+QICSGP': qicsgp,
  '+QIACT': qiact,
  '+QIDEACT': qideact,
  '+QHTTPCFG': qhttpcfg,
  '+QHTTPURL': qhttpurl,
  '+QHTTPGET': quectelRequest('GET'),
  '+QHTTPPOST': quectelRequest('POST'),
  '+QHTTPREAD': qhttpread,
};

// ---------------------------------------------------------------- SIMCom

const httpinit: CommandHandler = (ctx) => {
  const s = stack(ctx.state);
  if (s.initialised) return error();
  Object.assign(s, { initialised: true, params: {}, data: undefined, result: undefined });
  return ok();
};

const httpterm: CommandHandler = (ctx) => {
  const s = stack(ctx.state);
  if (!s.initialised) return error();
  s.initialised = false;
  return ok();
};

const httppara: CommandHandler = (ctx, cmd) => {
  const s = stack(ctx.state);
  if (!s.initialised || cmd.kind !== 'set') return error();
  const name = strParam(cmd.params, 0)?.toUpperCase();
  const value = cmd.params[1]?.value;
  if (!name || value === undefined || !['CID', 'URL', 'PROIP', 'PROPORT', 'CONTENT', 'USERDATA', 'UA'].includes(name)) return error();
  s.params[name] = value;
  return ok();
};

const httpdata: CommandHandler = async (ctx, cmd) => {
  const s = stack(ctx.state);
  if (!s.initialised || cmd.kind !== 'set') return error();
  const n = intParam(cmd.params, 0);
  if (!(n >= 0)) return error();
  ctx.writeRaw('\r\nDOWNLOAD\r\n');
  const b = await ctx.readBytes(n, intParam(cmd.params, 1, 10_000));
  if (!b) return error();
  s.data = Buffer.from(b);
  return ok();
};

/** SIMCom HTTPACTION status for a socket failure: 601 network error, 603 DNS error. */
function simcomCode(e: unknown): number {
  const code = (e as { code?: string }).code;
  return code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 603 : 601;
}

const httpaction: CommandHandler = (ctx, cmd) => {
  const s = stack(ctx.state);
  if (!s.initialised || cmd.kind !== 'set' || !s.params.URL) return error();
  const m = intParam(cmd.params, 0);
  if (m !== 0 && m !== 1) return error();
  const url = new URL(s.params.URL);
  const headers: Record<string, string> = { Host: url.host };
  if (s.params.UA) headers['User-Agent'] = s.params.UA;
  for (const line of (s.params.USERDATA ?? '').split('\\r\\n')) {
    const c = line.indexOf(':');
    if (c > 0) headers[line.slice(0, c).trim()] = line.slice(c + 1).trim();
  }
  if (m === 1 && s.params.CONTENT) headers['Content-Type'] = s.params.CONTENT;
  const proxied = s.params.PROIP !== undefined;
  const target = proxied ? { host: s.params.PROIP ?? '', port: Number(s.params.PROPORT ?? 80) } : hostPort(url);
  const cid = Number(s.params.CID ?? 1);
  const reply: Reply = ok([], () => {
    if (!contextActive(ctx.state, cid)) { ctx.urc(`+HTTPACTION: ${m},601,0`); return; }
    perform(target, m === 0 ? 'GET' : 'POST', proxied ? url.href : `${url.pathname}${url.search}`, headers, m === 1 ? s.data ?? Buffer.alloc(0) : undefined, 60_000).then(
      (r) => { s.result = r; ctx.urc(`+HTTPACTION: ${m},${r.status},${r.body.length}`); },
      (e: unknown) => ctx.urc(`+HTTPACTION: ${m},${simcomCode(e)},0`),
    );
  });
  return reply;
};

const httpread: CommandHandler = (ctx, cmd) => {
  const s = stack(ctx.state);
  const r = s.result;
  if (!s.initialised || !r) return error();
  const start = cmd.kind === 'set' ? intParam(cmd.params, 0) : 0;
  const size = cmd.kind === 'set' ? intParam(cmd.params, 1) : r.body.length;
  if (!(start >= 0 && size >= 0)) return error();
  const slice = r.body.subarray(start, start + size);
  ctx.writeRaw(`\r\n+HTTPREAD: ${slice.length}\r\n`);
  ctx.writeRaw(slice);
  return ok();
};

const simcomHandlers: HandlerTable = {
  '+HTTPINIT': httpinit,
  '+HTTPTERM': httpterm,
  '+HTTPPARA': httppara,
  '+HTTPDATA': httpdata,
  '+HTTPACTION': httpaction,
  '+HTTPREAD': httpread,
};

/** The HTTP stack of a profile: Quectel or SIMCom commands, none for other vendors. */
export function httpStackHandlers(profile: ModemProfile): HandlerTable {
  if (profile.name === 'quectel') return quectelHandlers;
  if (profile.name === 'simcom') return simcomHandlers;
  return {};
}
