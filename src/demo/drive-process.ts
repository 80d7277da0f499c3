/**
 * Runs the demo's traffic driver (./drive-main.ts) in a process of its own and returns its
 * summary: `mmsgw demo --messages N` measures the gateway's process with nothing else in it.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MmsgwError } from '../util/errors.js';
import { readyLine } from '../util/ready-line.js';
import type { ApiDriveSummary } from './api.js';
import type { DriveSummary } from './drive.js';
import type { SimulatorEndpoints } from './simulators.js';

/** The mark of the driver's summary line on its stdout. */
export const DRIVE_SUMMARY = 'MMSGW-DEMO-DRIVE-SUMMARY ';

export interface DriveProcessOptions {
  readonly endpoints: SimulatorEndpoints;
  /** The gateway's database, read-only. */
  readonly dbPath: string;
  readonly ownNumber: string | null;
  readonly smtpInPort: number;
  readonly api: { readonly url: string; readonly token: string };
  readonly messages: number;
  readonly seed: number;
  readonly timeoutMs: number;
}

export interface DriveProcessResult {
  readonly driven: DriveSummary;
  readonly api: ApiDriveSummary;
  /** The driver process's own peak RSS. */
  readonly peakRssMb: number | undefined;
}

function entryArgs(): string[] {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return ['--import', import.meta.resolve('tsx'), join(dirname(here), 'drive-main.ts')];
  return [join(dirname(here), 'drive-main.js')];
}

/** Drives the demo from a child process; rejects if it fails or outlives the timeout by a minute. */
export async function driveInProcess(o: DriveProcessOptions): Promise<DriveProcessResult> {
  const child = spawn(process.execPath, entryArgs(), { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, MMSGW_DEMO_DRIVE: JSON.stringify(o) } });
  try {
    // The driver's own deadline is o.timeoutMs for the streams and again for the API; a minute more for its start.
    const limitMs = 2 * o.timeoutMs + 60_000;
    return await readyLine<DriveProcessResult>(child, DRIVE_SUMMARY, limitMs, {
      timeout: () => new MmsgwError('DEMO_DRIVER_TIMEOUT', `the demo's driver gave no summary within ${Math.round(limitMs / 1000)} s`),
      exited: (code) => new MmsgwError('DEMO_DRIVER_EXITED', `the demo's driver exited (${code}) without a summary`),
    });
  } finally {
    child.stdin?.end();
  }
}
