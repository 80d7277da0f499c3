/**
 * The modem's status as a file, `<stateDir>/modem-status.json`, so `mmsgw status` — a
 * separate process that only reads — can show signal, registration, operator and SMS storage
 * of the running gateway. Written atomically (temp file, rename) on each status change, at
 * most once per second; `at` says how fresh it is.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModemStatus } from '../modem/index.js';

export const MODEM_STATUS_FILE = 'modem-status.json';
const MIN_INTERVAL_MS = 1000;

interface StatusSource {
  status(): ModemStatus;
  on(event: 'status', listener: (s: ModemStatus) => void): unknown;
}

export function modemStatusSnapshot(s: ModemStatus, at: number): Record<string, unknown> {
  return {
    at,
    port: s.port,
    state: s.state,
    sim: s.sim,
    registration: s.registration.state,
    operator: s.operator?.name ?? s.operator?.numeric ?? null,
    technology: s.technology ?? null,
    signal: s.signal ?? null,
    smsStorage: s.smsStorage ?? null,
    lastError: s.lastError ?? null,
  };
}

export function publishModemStatus(modem: StatusSource, stateDir: string, now: () => number = Date.now): void {
  const path = join(stateDir, MODEM_STATUS_FILE);
  let lastWrite = 0;
  let pending: NodeJS.Timeout | undefined;
  const write = (): void => {
    pending = undefined;
    lastWrite = now();
    try {
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(modemStatusSnapshot(modem.status(), lastWrite))}\n`, { mode: 0o640 });
      renameSync(tmp, path);
    } catch {
      // Best effort: the status file is a convenience for the CLI, never worth failing the gateway.
    }
  };
  modem.on('status', () => {
    if (pending !== undefined) return;
    const wait = Math.max(0, lastWrite + MIN_INTERVAL_MS - now());
    pending = setTimeout(write, wait);
    pending.unref();
  });
  write();
}
