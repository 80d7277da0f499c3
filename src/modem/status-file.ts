import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModemStatus } from './status.js';

/**
 * The running gateway's view of its modem, kept in `<stateDir>/modem-status.json` for the
 * commands that run beside it (`mmsgw status`) and for health checks: the modem's port is
 * held by the gateway, so nothing else can ask the modem itself. Rewritten on every change
 * (at most once a second) and every `heartbeatMs`, atomically (temporary file, rename), 0600.
 */
export const MODEM_STATUS_FILE = 'modem-status.json';

export interface ModemStatusRecord {
  readonly status: ModemStatus;
  /** When this record was written (ms since the epoch). */
  readonly updatedAt: number;
  /** Since when the modem has been in `status.state`. */
  readonly stateSince: number;
  readonly pid: number;
}

export interface ModemHealth {
  readonly ok: boolean;
  /** What is wrong, for an operator; absent when ok. */
  readonly problem?: string;
}

/** Whether the modem can send and receive, and if not, why — for status, doctor and health. */
export function modemHealth(s: ModemStatus): ModemHealth {
  if (s.errorCode === 'MODEM_SIM_PIN_WRONG') return { ok: false, problem: `the SIM refused the configured PIN; fix modem.pin (${s.lastError ?? ''})` };
  if (s.state === 'absent') return { ok: false, problem: 'not plugged in (named by USB identity: picked up when it appears)' };
  if (s.responding === false) return { ok: false, problem: `the modem does not answer AT${s.lastError ? `: ${s.lastError}` : ''}` };
  if (s.state !== 'ready') return { ok: false, problem: `modem ${s.state}${s.lastError ? `: ${s.lastError}` : ''}` };
  return { ok: true };
}

export class ModemStatusWriter {
  private readonly path: string;
  private last: ModemStatus | undefined;
  private stateSince = Date.now();
  private pending: NodeJS.Timeout | undefined;
  private lastWrite = 0;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(stateDir: string, heartbeatMs = 30_000) {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    this.path = join(stateDir, MODEM_STATUS_FILE);
    this.heartbeat = setInterval(() => this.write(), heartbeatMs);
    this.heartbeat.unref();
  }

  update(s: ModemStatus): void {
    if (this.last?.state !== s.state) this.stateSince = Date.now();
    this.last = s;
    if (this.pending) return;
    const wait = Math.max(0, 1000 - (Date.now() - this.lastWrite));
    if (wait === 0) {
      this.write();
      return;
    }
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.write();
    }, wait);
    this.pending.unref();
  }

  /** Writes the last status now (and on close, so a stopped gateway leaves its last word). */
  flush(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = undefined;
    this.write();
  }

  close(): void {
    this.flush();
    clearInterval(this.heartbeat);
  }

  private write(): void {
    if (!this.last) return;
    this.lastWrite = Date.now();
    const record: ModemStatusRecord = { status: this.last, updatedAt: this.lastWrite, stateSince: this.stateSince, pid: process.pid };
    const tmp = `${this.path}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, `${JSON.stringify(record)}\n`, { mode: 0o600 });
      renameSync(tmp, this.path);
    } catch {
      // A full or read-only disk must not take the modem down; status will show it stale.
    }
  }
}

/** Reads the record the gateway wrote; undefined when there is none (or it is unreadable). */
export function readModemStatus(stateDir: string): ModemStatusRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(join(stateDir, MODEM_STATUS_FILE), 'utf8')) as ModemStatusRecord;
    return typeof r === 'object' && r !== null && typeof r.status === 'object' && typeof r.updatedAt === 'number' ? r : undefined;
  } catch {
    return undefined;
  }
}
