import { readFileSync } from 'node:fs';
import type { Config } from '../config/index.js';
import type { Modem } from '../modem/index.js';
import type { ModemStatus } from '../modem/status.js';
import type { PipelineContext } from '../pipeline/context.js';
import { SignalRepo } from '../store/index.js';
import type { Logger } from '../util/log.js';
import { startWebServer, type WebPlugin, type WebServer } from '../web/server.js';
import type { ModemTransition, SelfCheck, WebModem, WebServices } from '../web/services.js';
import { composeOutbound } from '../compose/plan.js';
import { normalizeNumber } from '../mail/in/numbers.js';
import { acceptSms } from '../pipeline/sms-intake.js';
import { deleteQuarantine, quarantineEntry } from '../ops/quarantine.js';
import { countryOf, mailInOptions } from './mail-in.js';
import { createSendService } from './send.js';

/** How often the modem's signal is sampled for the 24-hour chart, and how long samples are kept. */
const SIGNAL_SAMPLE_MS = 5 * 60_000;
const SIGNAL_KEEP_MS = 7 * 24 * 3600_000;

const SECRET_KEY = /pass(word)?|secret|token|pin$|^key$|apiKey|credentials?/i;

/** A copy of `value` with every secret-looking key's value replaced (for the settings page). */
export function redact(value: unknown, key = ''): unknown {
  if (value === null || value === undefined) return value;
  if (SECRET_KEY.test(key) && typeof value !== 'object') return '(redacted)';
  if (Array.isArray(value)) return value.map((v) => redact(v, ''));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) && v !== null && typeof v !== 'object' ? '(redacted)' : redact(v, k);
    return out;
  }
  return value;
}

/**
 * Release of a quarantined SMS: its PDU goes through the receive path again (acceptSms, with
 * the decoder of this version — after a fix, what failed may decode now). Recorded: the entry
 * is deleted and the SMS continues like any other. Still undecodable: the entry stays, and the
 * second entry the attempt made is removed. Only `sms` entries: other sources (mail, WAP Push)
 * are refused by checks that releasing would bypass.
 */
export function releaseQuarantined(ctx: PipelineContext, id: number): { ok: boolean; detail: string } {
  const q = quarantineEntry(ctx.store.db, id);
  if (q.source !== 'sms') return { ok: false, detail: `only SMS entries can be released; this one came from ${q.source}` };
  const r = acceptSms(ctx, { pdu: Buffer.from(q.bytes).toString('hex').toUpperCase(), receivedAt: new Date(q.createdAt) });
  if (r.kind === 'quarantined') {
    deleteQuarantine(ctx.store.db, r.quarantineId);
    return { ok: false, detail: `still undecodable: ${r.reason}` };
  }
  deleteQuarantine(ctx.store.db, id);
  return { ok: true, detail: r.duplicate ? 'already received earlier; entry removed' : `received again as raw PDU ${r.rawPduId}` };
}

/** What the gateway can tell about itself right now, for the settings page. */
export function selfChecks(config: Config, ctx: PipelineContext, modem: Modem | undefined): SelfCheck[] {
  const stats = ctx.store.stats();
  const s = modem?.status();
  const free = stats.freeBytes;
  return [
    { name: 'store', ok: true, detail: `schema ${stats.schemaVersion}, integrity check at start: ${config.storage.integrityCheck}` },
    { name: 'disk', ok: free === null || free > 100 * 1024 * 1024, detail: free === null ? 'free space unknown' : `${Math.round(free / 1048576)} MB free in ${config.stateDir}` },
    { name: 'modem', ok: s !== undefined && s.state === 'ready', detail: s ? `${s.state}, ${s.registration.state}${s.lastError ? `, last error: ${s.lastError}` : ''}` : 'no modem' },
    { name: 'mmsc', ok: config.mmsc.url !== null, detail: config.mmsc.url ?? 'mmsc.url is not set: MMS cannot be fetched or sent' },
    { name: 'queue', ok: stats.jobs.dead === 0, detail: `${stats.jobs.queued} queued, ${stats.jobs.dead} dead, ${stats.quarantined} quarantined` },
    {
      name: 'web',
      ok: true,
      detail: `${config.web.host}:${config.web.port}${config.web.tls ? ' over TLS' : ''}${config.web.password !== null || config.web.passwordHash !== null ? ', login required' : ', no login (loopback)'}`,
    },
  ];
}

export interface WebWiring {
  readonly server: WebServer;
  close(): Promise<void>;
}

/**
 * Starts the web interface from `web.*` with the services the CLI uses too: the store, the
 * modem's status, and the shared send service (src/app/send.ts). Also samples the modem's
 * signal every five minutes into the store for the 24-hour chart.
 */
export async function startWeb(
  config: Config,
  deps: { ctx: PipelineContext; modem: Modem | undefined; log: Logger; plugins?: readonly WebPlugin[]; selfChecks?: () => readonly SelfCheck[]; modems?: () => readonly WebModem[] },
): Promise<WebWiring> {
  const w = config.web;
  const { ctx, modem } = deps;
  const sender = createSendService(config, ctx);
  const own = [...new Set([config.box.ownNumber, ...config.box.numbers.map((n) => n.number), ...config.modems.map((m) => m.number)].filter((n): n is string => n !== null))];
  const region = countryOf(config, modem?.status().imsi);
  // Modem state transitions (the recovery ladder's steps show as `recovering` / `failed`), newest first.
  const history: ModemTransition[] = [];
  let lastState = modem?.status().state;
  const onStatus = (st: ModemStatus): void => {
    if (st.state === lastState) return;
    lastState = st.state;
    history.unshift({ at: ctx.now(), state: st.state, detail: st.lastError ?? '' });
    history.length = Math.min(history.length, 50);
  };
  modem?.on('status', onStatus);
  const services: WebServices = {
    store: ctx.store,
    box: {
      ownNumbers: own,
      ...(region ? { region } : {}),
      timeZone: process.env.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
      mmsMaxBytes: config.mmsc.maxMessageSize,
      maxSmsParts: config.compose.maxSmsParts,
      bearer: `${config.bearer.kind}${config.bearer.kind === 'interface' ? ` ${config.bearer.interface}` : ''}${config.bearer.apn ? `, APN ${config.bearer.apn}` : ''}${config.mmsc.proxy ? `, proxy ${config.mmsc.proxy}` : ''}`,
    },
    modemStatus: () => modem?.status(),
    ...(deps.modems ? { modems: deps.modems } : {}),
    onModemStatus: (listener) => {
      if (!modem) return () => undefined;
      const l = (s: ModemStatus): void => listener(s);
      modem.on('status', l);
      return () => modem.off('status', l);
    },
    async send(req) {
      const r = await sender.send({
        to: req.to,
        text: req.text,
        ...(req.subject !== undefined ? { subject: req.subject } : {}),
        media: (req.media ?? []).map((m) => ({ contentType: m.contentType, content: m.content, ...(m.filename !== undefined ? { filename: m.filename } : {}) })),
        origin: req.origin,
        ...(req.idempotencyKey !== undefined ? { idempotencyKey: req.idempotencyKey } : {}),
      });
      return r.ok ? { ok: true, msgId: r.id, kind: r.kind, created: r.created } : { ok: false, code: r.error.code, field: r.error.field, reason: r.error.reason };
    },
    async preview(req) {
      // The composition src/app/send.ts runs, without the hand-off to the pipeline.
      const opts = mailInOptions(config, ctx);
      const to: string[] = [];
      for (const [i, raw] of req.to.entries()) {
        const n = normalizeNumber(raw, opts.addressing.numbering);
        if (!n.ok) return { ok: false, code: 'bad-recipient', field: `to[${i}]`, reason: n.reason };
        if (!to.includes(n.e164)) to.push(n.e164);
      }
      if (to.length === 0) return { ok: false, code: 'no-recipient', field: 'to', reason: 'at least one phone number is needed' };
      const r = await composeOutbound(
        {
          to,
          text: req.text,
          ...(req.subject !== undefined ? { subject: req.subject } : {}),
          attachments: (req.media ?? []).map((m) => ({ contentType: m.contentType.split(';')[0]?.trim().toLowerCase() ?? '', content: m.content, ...(m.filename !== undefined ? { filename: m.filename } : {}) })),
        },
        { ...opts.compose, trim: { quotes: false, signature: false } },
      );
      if (!r.ok) return { ok: false, code: r.refusal.code, field: 'media', reason: r.refusal.reason };
      const plan = r.plan;
      return plan.kind === 'sms'
        ? { ok: true, kind: 'sms', to, segments: plan.segments, text: plan.text, parts: [] }
        : {
            ok: true,
            kind: 'mms',
            to,
            estimatedSize: plan.estimatedSize,
            text: plan.parts.filter((p) => p.contentType === 'text/plain').map((p) => new TextDecoder().decode(p.body)).join('\n'),
            parts: plan.parts.filter((p) => p.contentType !== 'text/plain').map((p) => ({ contentType: p.contentType, name: p.contentLocation, body: p.body })),
          };
    },
    releaseQuarantined: async (id) => releaseQuarantined(ctx, id),
    settings: () => redact(config),
    modemHistory: () => history,
    selfChecks: deps.selfChecks ?? (() => selfChecks(config, ctx, modem)),
  };
  const server = await startWebServer(
    {
      host: w.host,
      port: w.port,
      username: w.username,
      passwordHash: w.passwordHash,
      password: w.password,
      sessionHours: w.sessionHours,
      ...(w.tls ? { tls: { cert: readFileSync(w.tls.cert), key: readFileSync(w.tls.key) } } : {}),
      log: deps.log,
      now: ctx.now,
    },
    services,
    deps.plugins ?? [],
  );

  const signals = new SignalRepo(ctx.store.db);
  const sample = (): void => {
    const s = modem?.status();
    if (!s) return;
    try {
      const now = ctx.now();
      signals.add({
        at: now,
        rssiDbm: s.signal?.rssiDbm ?? null,
        rsrpDbm: s.signal?.rsrpDbm ?? null,
        technology: s.technology ?? null,
        registration: s.registration.state,
      });
      signals.prune(now - SIGNAL_KEEP_MS);
    } catch (e) {
      deps.log.warn({ err: e }, 'signal sample not stored');
    }
  };
  const first = setTimeout(sample, 3_000);
  first.unref();
  const timer = setInterval(sample, SIGNAL_SAMPLE_MS);
  timer.unref();
  return {
    server,
    async close() {
      clearTimeout(first);
      clearInterval(timer);
      modem?.off('status', onStatus);
      await server.close();
    },
  };
}
