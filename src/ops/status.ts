import type Database from 'better-sqlite3';
import { readdirSync, statfsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { JobState, RelayState } from '../store/index.js';
import type { Location } from './locate.js';
import { modemHealth, readModemReports, readModemStatus, type ModemHealth, type ModemReport, type ModemStatusRecord } from '../modem/index.js';
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
  /** Queued jobs by kind: the depth of each queue (relay, retrieve, submit, webhook …). */
  readonly queues: Readonly<Record<string, number>>;
  /** Part files under <stateDir>/blobs, and the free space of the file system holding them. */
  readonly storage: { readonly blobFiles: number; readonly blobBytes: number; readonly freeBytes: number | null; readonly totalBytes: number | null };
  /** The running gateway's last word on its modem (null when it never wrote one), and its health. */
  readonly modem: (ModemStatusRecord & { health: ModemHealth }) | null;
  /** Every modem the gateway listed (several SIMs; one entry for one modem), with messages received and sent through each. */
  readonly modems: readonly (ModemReport & { in: number; out: number })[];
}

/** Messages in and out per modem id (schema 9 and later; none before). */
function trafficByModem(db: Database.Database): Map<string, { in: number; out: number }> {
  const out = new Map<string, { in: number; out: number }>();
  if ((db.pragma('user_version', { simple: true }) as number) < 9) return out;
  const rows = db
    .prepare("SELECT modem, SUM(direction = 'in') AS i, SUM(direction = 'out' AND state IN ('sent','delivered','read')) AS o FROM messages WHERE modem IS NOT NULL GROUP BY modem")
    .all() as { modem: string; i: number; o: number }[];
  for (const r of rows) out.set(r.modem, { in: r.i, out: r.o });
  return out;
}

/** Files and bytes under `dir` (the content-addressed tree is two levels of fan-out deep). */
function treeSize(dir: string): { files: number; bytes: number } {
  let files = 0;
  let total = 0;
  const walk = (d: string, depth: number): void => {
    if (depth > 4) return;
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p, depth + 1);
      else if (e.isFile()) {
        files++;
        total += fileSize(p);
      }
    }
  };
  walk(dir, 0);
  return { files, bytes: total };
}

function freeSpace(dir: string): { freeBytes: number | null; totalBytes: number | null } {
  try {
    const st = statfsSync(dir);
    return { freeBytes: st.bavail * st.bsize, totalBytes: st.blocks * st.bsize };
  } catch {
    return { freeBytes: null, totalBytes: null };
  }
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
    const queues: Record<string, number> = {};
    for (const r of db.prepare("SELECT kind, count(*) AS n FROM jobs WHERE state IN ('queued', 'running') GROUP BY kind ORDER BY kind").all() as { kind: string; n: number }[]) queues[r.kind] = r.n;
    return {
      queues,
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
  const traffic = trafficByModem(db);
  const modems = readModemReports(loc.stateDir).map((m) => ({ ...m, ...(traffic.get(m.id) ?? { in: 0, out: 0 }) }));
  const blobs = treeSize(join(loc.stateDir, 'blobs'));
  return {
    database: loc.dbPath,
    ...read(),
    dbBytes: fileSize(loc.dbPath),
    walBytes: fileSize(`${loc.dbPath}-wal`),
    storage: { blobFiles: blobs.files, blobBytes: blobs.bytes, ...freeSpace(loc.stateDir) },
    modem: modem ? { ...modem, health: modemHealth(modem.status) } : null,
    modems,
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
  const st = s.storage;
  out.push(`storage    ${st.blobFiles} part files, ${bytes(st.blobBytes)}; ${st.freeBytes === null ? 'free space unknown' : `${bytes(st.freeBytes)} free of ${bytes(st.totalBytes)}`}`);
  const q = Object.entries(s.queues);
  out.push(`queues     ${q.length === 0 ? 'empty' : q.map(([k, n]) => `${clean(k)} ${n}`).join('  ')}`);
  out.push('', ...(s.modems.length > 1 ? renderModems(s.modems, now) : renderModem(s.modem, now)));
  return out.join('\n');
}

/** Several modems: one block per modem, headed by its id, number and port. */
function renderModems(list: StatusReport['modems'], now: number): string[] {
  const out: string[] = [`modems     ${list.length}`];
  for (const m of list) {
    out.push('', `${clean(m.id)}  ${clean(m.number ?? 'number unknown')}  ${clean(m.port)}${m.sends ? '' : '  (receive only)'}  in ${m.in}  out ${m.out}`);
    out.push(...renderModem(m.report, now).map((l) => `  ${l}`));
  }
  return out;
}

function renderModem(m: StatusReport['modem'], now: number): string[] {
  if (!m) return ['modem      no report from the gateway (not started yet?)'];
  const st = m.status;
  const what = st.identity ? `${clean(st.identity.manufacturer)} ${clean(st.identity.model)}` : '';
  const head = m.health.ok ? `modem      ${st.state} since ${time(m.stateSince)}${what ? ` (${what})` : ''}` : `modem      NOT WORKING since ${time(m.stateSince)}: ${clean(m.health.problem ?? st.state)}`;
  const sig = st.signal;
  const parts = sig === undefined ? [] : [sig.rssiDbm !== undefined ? `RSSI ${sig.rssiDbm} dBm` : '', sig.rsrpDbm !== undefined ? `RSRP ${sig.rsrpDbm} dBm` : '', sig.rsrqDb !== undefined ? `RSRQ ${sig.rsrqDb} dB` : '', sig.sinrDb !== undefined ? `SINR ${sig.sinrDb} dB` : ''].filter((x) => x !== '');
  const sms = st.smsStorage;
  const op = st.operator?.name ?? st.operator?.numeric;
  return [
    head,
    `  network  ${clean(st.registration.state)}${op ? `, ${clean(op)}` : ''}${st.technology ? ` (${clean(st.technology)})` : ''}`,
    `  signal   ${parts.length === 0 ? '-' : parts.join(', ')}`,
    `  SMS      ${sms === undefined ? '-' : `${sms.used} of ${sms.total} used in ${clean(sms.mem)}`}`,
    // The gateway rewrites its report every 30 s; an older one means it is not running.
    ...(now - m.updatedAt > 120_000 ? [`  report   ${ago(now - m.updatedAt)} old: is the gateway running?`] : []),
  ];
}

function ago(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}
