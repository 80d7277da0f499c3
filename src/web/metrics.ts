/**
 * Prometheus metrics (`GET /metrics`, text exposition format 0.0.4) with prom-client.
 *
 * Names follow the Prometheus naming conventions (prometheus.io/docs/practices/naming):
 * `mmsgw_` prefix, base units (`_seconds`, `_bytes`), `_total` on counters. Figures that live
 * in the store (messages, jobs, store size) are read at scrape time, so they are right after
 * a restart; what only the running process sees (job durations, recoveries, mail errors) is
 * counted in memory from the moment it started.
 *
 * Who may scrape: loopback callers without credentials; anyone else with
 * `Authorization: Bearer <token>` where the token is `metrics.token` or an API token with the
 * `read` or `admin` scope (RFC 6750 §2.1).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isLoopback } from '../config/plain.js';
import type { ModemStatus } from '../modem/status.js';
import { JOB } from '../pipeline/context.js';
import type { ClaimedJob, JobHandler } from '../pipeline/worker.js';
import type { Store } from '../store/index.js';
import { allows, type TokensRepo } from './api/tokens.js';

/** Latency buckets for MMSC retrieve/submit and SMS submit: 50 ms … 5 min. */
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export interface MetricsSource {
  readonly store: Store;
  /** The modem's status now, when there is a modem. */
  modemStatus?(): ModemStatus | undefined;
  /** Every modem of a multi-modem box with its id (`modems:`); when absent, `modemStatus` as `modem1`. */
  modems?(): readonly { readonly id: string; readonly status: ModemStatus }[];
}

/** The id a single modem has in a list of one (src/config/modems.ts). */
const SINGLE_MODEM_ID = 'modem1';

export class Metrics {
  readonly registry = new Registry();
  private readonly jobDuration: Histogram<'kind' | 'result'>;
  private readonly recoveries: Counter<'modem'>;
  private readonly mailErrors: Counter<'protocol'>;
  private readonly mqttPublished: Counter<'topic'>;
  private readonly lastModemState = new Map<string, string>();

  constructor(private readonly source: MetricsSource) {
    const r = this.registry;
    const store = source.store;
    new Counter({
      name: 'mmsgw_messages_total',
      help: 'Messages in the store by direction (in/out), kind (sms/mms) and state; pruning by storage.retentionDays shows as a counter reset',
      labelNames: ['direction', 'kind', 'state'],
      registers: [r],
      collect() {
        this.reset();
        for (const [key, n] of Object.entries(store.stats().messages)) {
          const [direction = '', kind = '', state = ''] = key.split(':');
          this.inc({ direction, kind, state }, n);
        }
      },
    });
    new Gauge({
      name: 'mmsgw_jobs',
      help: 'Jobs by state (queued, running, dead)',
      labelNames: ['state'],
      registers: [r],
      collect() {
        this.reset();
        for (const [state, n] of Object.entries(store.jobs.counts())) if (state !== 'done') this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'mmsgw_jobs_queued',
      help: 'Jobs waiting to run, by kind',
      labelNames: ['kind'],
      registers: [r],
      collect() {
        this.reset();
        const rows = store.db.prepare("SELECT kind, count(*) AS n FROM jobs WHERE state = 'queued' GROUP BY kind").all() as { kind: string; n: number }[];
        for (const row of rows) this.set({ kind: row.kind }, row.n);
      },
    });
    new Gauge({
      name: 'mmsgw_jobs_oldest_age_seconds',
      help: 'Age of the oldest job that is queued or running (0 when none)',
      registers: [r],
      collect() {
        const oldest = store.db.prepare("SELECT min(created_at) FROM jobs WHERE state IN ('queued','running')").pluck().get() as number | null;
        this.set(oldest === null ? 0 : Math.max(0, (Date.now() - oldest) / 1000));
      },
    });
    this.jobDuration = new Histogram({
      name: 'mmsgw_job_duration_seconds',
      help: 'Time one attempt of a job took, by kind (mms-retrieve = MMSC retrieve, send-mms / send-sms = submit) and result (ok/error)',
      labelNames: ['kind', 'result'],
      buckets: LATENCY_BUCKETS,
      registers: [r],
    });
    new Gauge({
      name: 'mmsgw_store_bytes',
      help: 'Size of the SQLite database by file (db, wal)',
      labelNames: ['file'],
      registers: [r],
      collect() {
        const s = store.stats();
        this.set({ file: 'db' }, s.dbBytes);
        this.set({ file: 'wal' }, s.walBytes);
      },
    });
    new Gauge({
      name: 'mmsgw_store_free_bytes',
      help: 'Free space on the state directory filesystem',
      registers: [r],
      collect() {
        const free = store.stats().freeBytes;
        if (free !== null) this.set(free);
      },
    });
    const modems = (): readonly { readonly id: string; readonly status: ModemStatus }[] => {
      if (source.modems) return source.modems();
      const s = source.modemStatus?.();
      return s ? [{ id: SINGLE_MODEM_ID, status: s }] : [];
    };
    new Gauge({
      name: 'mmsgw_modem_signal_dbm',
      help: 'Modem received signal strength (RSSI, or RSRP on LTE) in dBm',
      labelNames: ['modem', 'measure'],
      registers: [r],
      collect() {
        this.reset();
        for (const { id: modem, status } of modems()) {
          const s = status.signal;
          if (s?.rssiDbm !== undefined) this.set({ modem, measure: 'rssi' }, s.rssiDbm);
          if (s?.rsrpDbm !== undefined) this.set({ modem, measure: 'rsrp' }, s.rsrpDbm);
          if (s?.rscpDbm !== undefined) this.set({ modem, measure: 'rscp' }, s.rscpDbm);
        }
      },
    });
    new Gauge({
      name: 'mmsgw_modem_up',
      help: '1 when the modem is ready and registered (home or roaming), else 0 (one sample per modem; 0 without a label when the box has none)',
      labelNames: ['modem'],
      registers: [r],
      collect() {
        this.reset();
        const list = modems();
        if (list.length === 0) this.set(0);
        for (const { id: modem, status: s } of list) this.set({ modem }, s.state === 'ready' && (s.registration.state === 'home' || s.registration.state === 'roaming') ? 1 : 0);
      },
    });
    this.recoveries = new Counter({ name: 'mmsgw_modem_recoveries_total', help: 'Times a modem\'s recovery ladder started', labelNames: ['modem'], registers: [r] });
    this.mailErrors = new Counter({
      name: 'mmsgw_mail_errors_total',
      help: 'Failed mail attempts by protocol (smtp: relays to mailboxes and notices to senders; imap: connections, hand-offs and flagging of mail read from the box mailbox)',
      labelNames: ['protocol'],
      registers: [r],
    });
    this.mqttPublished = new Counter({ name: 'mmsgw_mqtt_published_total', help: 'MQTT messages the broker acknowledged, by topic kind', labelNames: ['topic'], registers: [r] });
    // Present from the first scrape, so rate() works from zero.
    this.mailErrors.inc({ protocol: 'smtp' }, 0);
    this.mailErrors.inc({ protocol: 'imap' }, 0);
  }

  /** An IMAP intake failure (connect, hand-off, flagging) the intake recovers from by retrying. */
  imapError(): void {
    this.mailErrors.inc({ protocol: 'imap' });
  }

  /** Wraps job handlers so every attempt's duration is observed (and SMTP failures counted). */
  instrument(handlers: Readonly<Record<string, JobHandler>>): Record<string, JobHandler> {
    const out: Record<string, JobHandler> = {};
    for (const [kind, h] of Object.entries(handlers)) {
      out[kind] = {
        ...h,
        run: async (job: ClaimedJob, signal: AbortSignal) => {
          const end = this.jobDuration.startTimer({ kind });
          try {
            const final = await h.run(job, signal);
            end({ result: 'ok' });
            return final;
          } catch (e) {
            end({ result: 'error' });
            if (kind === JOB.relay || kind === JOB.notifySender) this.mailErrors.inc({ protocol: 'smtp' });
            throw e;
          }
        },
        ...(h.deadline ? { deadline: (job: ClaimedJob) => h.deadline?.(job) } : {}),
      };
    }
    return out;
  }

  /** Feed of the modem's status changes: counts entries into `recovering`. */
  modemStatusChanged(s: Pick<ModemStatus, 'state'>, modem: string = SINGLE_MODEM_ID): void {
    if (s.state === 'recovering' && this.lastModemState.get(modem) !== 'recovering') this.recoveries.inc({ modem });
    this.lastModemState.set(modem, s.state);
  }

  mqttPublish(topic: string): void {
    this.mqttPublished.inc({ topic });
  }
}

export interface MetricsPluginOptions {
  readonly metrics: Metrics;
  /** API tokens: a token with the `read` or `admin` scope may scrape. */
  readonly tokens?: TokensRepo;
  /** `metrics.token`: a fixed bearer token for the scraper. */
  readonly token?: string | null;
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function authorised(req: FastifyRequest, opts: MetricsPluginOptions): boolean {
  // The socket's peer, not a forwarded header: a proxy on the box would otherwise make everyone loopback.
  if (isLoopback(req.socket.remoteAddress ?? '') && req.headers['x-forwarded-for'] === undefined) return true;
  const m = BEARER.exec(req.headers.authorization ?? '');
  if (!m?.[1]) return false;
  if (opts.token && sameSecret(m[1], opts.token)) return true;
  const row = opts.tokens?.verify(m[1]);
  return row !== undefined && allows(row.scopes, 'read');
}

/** `GET /metrics` on the listener it is registered with. */
export const metricsPlugin: FastifyPluginAsync<MetricsPluginOptions> = async (app: FastifyInstance, opts) => {
  app.get('/metrics', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!authorised(req, opts)) {
      return reply
        .code(401)
        .header('WWW-Authenticate', 'Bearer realm="mmsgw-metrics"')
        .type('text/plain; charset=utf-8')
        .send('metrics need "Authorization: Bearer <token>" (metrics.token, or an API token with the read scope)\n');
    }
    const text = await opts.metrics.registry.metrics();
    return reply.type(opts.metrics.registry.contentType).send(text);
  });
};
