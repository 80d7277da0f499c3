import type Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import type { JobState, RelayState } from '../store/index.js';
import type { Location } from './locate.js';
import { modemHealth, readModemStatus, type ModemHealth, type ModemStatusRecord } from '../modem/index.js';
import { bytes, clean, indent, table, time } from './text.js';

export interface StatusReport {
  readonly database: string;
  readonly schemaVersion: number;
  /** Counts by `direction`, `kind` and `state`. */
  readonly messages: readonly { direction: string; kind: string; state: string; count: number }[];
  readonly jobs: Readonly<Record<JobState, number>>;
  /** The queued job due first (overdue when `runAt` is in the past). */
  readonly oldestDueJob: { id: number; kind: string; key: string; runAt: number; attempts: number; lastError: string | null } | null;
  readonly relays: Readonly<Record<RelayState, number>>;
  readonly quarantined: number;
  readonly openSmsSegments: number;
  readonly lastReceivedAt: number | null;
  readonly lastRelayedAt: number | null;
  readonly dbBytes: number;
  readonly walBytes: number;
  /** The running gateway's last word on its modem (null when it never wrote one), and its health. */
  readonly modem: (ModemStatusRecord & { health: ModemHealth }) | null;
}

function fileSize(p: string): number {
  try {
    return statSync(p).size;
  } catch {
    return 0;
  }
}

/** What `mmsgw status` shows, read in one snapshot (one read transaction). */
export function collectStatus(db: Database.Database, loc: Location): StatusReport {
  const read = db.transaction(() => {
    const one = <T>(sql: string): T => db.prepare(sql).pluck().get() as T;
    const messages = db
      .prepare('SELECT direction, kind, state, count(*) AS count FROM messages GROUP BY direction, kind, state ORDER BY direction, kind, state')
      .all() as StatusReport['messages'];
    const jobs: Record<JobState, number> = { queued: 0, running: 0, done: 0, dead: 0 };
    for (const r of db.prepare('SELECT state, count(*) AS n FROM jobs GROUP BY state').all() as { state: JobState; n: number }[]) jobs[r.state] = r.n;
    const relays: Record<RelayState, number> = { pending: 0, sent: 0, failed: 0, dead: 0 };
    for (const r of db.prepare('SELECT state, count(*) AS n FROM relays GROUP BY state').all() as { state: RelayState; n: number }[]) relays[r.state] = r.n;
    const due = db
      .prepare("SELECT id, kind, key, run_at AS runAt, attempts, last_error AS lastError FROM jobs WHERE state = 'queued' ORDER BY run_at, id LIMIT 1")
      .get() as StatusReport['oldestDueJob'] | undefined;
    return {
      schemaVersion: db.pragma('user_version', { simple: true }) as number,
      messages,
      jobs,
      oldestDueJob: due ?? null,
      relays,
      quarantined: one<number>('SELECT count(*) FROM quarantine'),
      openSmsSegments: one<number>('SELECT count(*) FROM sms_segments WHERE consumed_by IS NULL'),
      lastReceivedAt: one<number | null>("SELECT max(created_at) FROM messages WHERE direction = 'in'"),
      lastRelayedAt: one<number | null>("SELECT max(updated_at) FROM relays WHERE state = 'sent'"),
    };
  });
  const modem = readModemStatus(loc.stateDir);
  return {
    database: loc.dbPath,
    ...read(),
    dbBytes: fileSize(loc.dbPath),
    walBytes: fileSize(`${loc.dbPath}-wal`),
    modem: modem ? { ...modem, health: modemHealth(modem.status) } : null,
  };
}

export function renderStatus(s: StatusReport, now: number): string {
  const out: string[] = [`mmsgw status — ${clean(s.database)} (schema ${s.schemaVersion})`, ''];
  out.push('messages');
  if (s.messages.length === 0) out.push('  none');
  else out.push(indent(table(['dir', 'kind', 'state', 'count'], s.messages.map((m) => [clean(m.direction), clean(m.kind), clean(m.state), String(m.count)]))));
  out.push('', `jobs       queued ${s.jobs.queued}  running ${s.jobs.running}  done ${s.jobs.done}  dead ${s.jobs.dead}`);
  const d = s.oldestDueJob;
  if (d) {
    const late = now - d.runAt;
    const when = late >= 0 ? `due since ${time(d.runAt)} (${ago(late)} ago)` : `due at ${time(d.runAt)} (in ${ago(-late)})`;
    out.push(`  next     #${d.id} ${clean(d.key)} ${when}, ${d.attempts} attempt(s)${d.lastError ? `, last error: ${clean(d.lastError)}` : ''}`);
  }
  out.push(`relays     pending ${s.relays.pending}  failed ${s.relays.failed}  dead ${s.relays.dead}  sent ${s.relays.sent}`);
  out.push(`quarantine ${s.quarantined}`);
  out.push(`segments   ${s.openSmsSegments} waiting for the rest of their SMS`);
  out.push(`received   ${time(s.lastReceivedAt)} (last message in)`);
  out.push(`relayed    ${time(s.lastRelayedAt)} (last email accepted)`);
  out.push(`database   ${bytes(s.dbBytes)}, WAL ${bytes(s.walBytes)}`);
  out.push(renderModem(s.modem, now));
  return out.join('\n');
}

function renderModem(m: StatusReport['modem'], now: number): string {
  if (!m) return 'modem      no report from the gateway (not started yet?)';
  const st = m.status;
  const what = [st.identity ? `${clean(st.identity.manufacturer)} ${clean(st.identity.model)}` : '', st.registration.state, st.signal?.rssiDbm !== undefined ? `RSSI ${st.signal.rssiDbm} dBm` : '']
    .filter(Boolean)
    .join(', ');
  const head = m.health.ok ? `modem      ${st.state} since ${time(m.stateSince)}${what ? ` (${what})` : ''}` : `modem      NOT WORKING since ${time(m.stateSince)}: ${clean(m.health.problem ?? st.state)}`;
  // The gateway rewrites its report every 30 s; an older one means it is not running.
  const stale = now - m.updatedAt > 120_000 ? `\n  report   ${ago(now - m.updatedAt)} old: is the gateway running?` : '';
  return head + stale;
}

function ago(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}
