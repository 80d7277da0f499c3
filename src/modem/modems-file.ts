import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { modemHealth, readModemStatus, type ModemHealth, type ModemStatusRecord } from './status-file.js';

/**
 * `<stateDir>/modems.json`: the running gateway's modems (several SIMs) — id, port, own number
 * and the directory of each one's `modem-status.json` — for the commands that run beside it
 * (`mmsgw status`, `mmsgw doctor`). Rewritten atomically whenever a modem is added or removed.
 */
export const MODEMS_FILE = 'modems.json';

export interface ModemsIndexEntry {
  readonly id: string;
  readonly port: string;
  readonly number: string | null;
  /** Where its modem-status.json is. */
  readonly statusDir: string;
  /** false: a receive-only SIM (limits.send). */
  readonly sends: boolean;
  /** A modem named by USB identity that is not plugged in: no status of its own (an old file in statusDir is not its state). */
  readonly absent?: boolean;
}

export interface ModemsIndex {
  readonly pid: number;
  readonly updatedAt: number;
  readonly modems: readonly ModemsIndexEntry[];
}

export function writeModemsIndex(stateDir: string, modems: readonly ModemsIndexEntry[]): void {
  const path = join(stateDir, MODEMS_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  const index: ModemsIndex = { pid: process.pid, updatedAt: Date.now(), modems };
  writeFileSync(tmp, `${JSON.stringify(index)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

export function readModemsIndex(stateDir: string): ModemsIndex | undefined {
  try {
    const r = JSON.parse(readFileSync(join(stateDir, MODEMS_FILE), 'utf8')) as ModemsIndex;
    return typeof r === 'object' && r !== null && Array.isArray(r.modems) ? r : undefined;
  } catch {
    return undefined;
  }
}

/** One modem as the commands beside the gateway see it: its index entry, its last status report and health. */
export interface ModemReport extends ModemsIndexEntry {
  readonly report: (ModemStatusRecord & { health: ModemHealth }) | null;
}

/** Every modem the gateway listed, with its status file; empty when the gateway wrote no list (one modem: see readModemStatus). */
export function readModemReports(stateDir: string): ModemReport[] {
  const index = readModemsIndex(stateDir);
  return (index?.modems ?? []).map((m) => {
    if (m.absent === true) {
      const status = { port: m.port, state: 'absent', sim: 'unknown', registration: { state: 'unknown' } } as const;
      return { ...m, report: { status, updatedAt: Date.now(), stateSince: index?.updatedAt ?? Date.now(), pid: index?.pid ?? 0, health: modemHealth(status) } };
    }
    const r = readModemStatus(m.statusDir);
    return { ...m, report: r ? { ...r, health: modemHealth(r.status) } : null };
  });
}
