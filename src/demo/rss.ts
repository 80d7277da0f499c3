import { readFileSync } from 'node:fs';

/**
 * The peak resident set size of a process in MB, as the kernel counts it (`VmHWM` in
 * /proc/<pid>/status, proc(5)): no sampling, nothing missed between samples. Undefined where
 * /proc is not there (not Linux) or the process is gone.
 */
export function peakRssMb(pid: number | 'self' = 'self'): number | undefined {
  try {
    const kb = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Math.round(Number(kb) / 102.4) / 10;
  } catch {
    return undefined;
  }
}
