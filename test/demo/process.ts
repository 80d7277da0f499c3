/**
 * Test helpers for a real demo process: start `mmsgw demo` (or `npm start`) as the leader of a
 * process group of its own, as a terminal would, wait for its banner, and find every process
 * left in that group (from /proc, so nothing of the demo's own bookkeeping is trusted).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const MMSGW = `${ROOT}bin/mmsgw.mjs`;
export const ENV = { ...process.env, MMSGW_DEV: '1', MMSGW_LOG_LEVEL: 'warn' };

export interface Running {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `cmd args` detached (its own process group) and waits until stdout shows `ready`. */
export async function startDetached(cmd: string, args: string[], ready: RegExp, timeoutMs = 120_000): Promise<Running> {
  const child = spawn(cmd, args, { cwd: ROOT, env: ENV, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${String(ready)} within ${timeoutMs} ms; stdout: ${out.slice(-2000)} stderr: ${err.slice(-2000)}`)), timeoutMs);
    const check = (): void => {
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before it was ready: ${err.slice(-3000)}`));
    });
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** The processes (pid and command line) whose process group is `pgid`. */
export function processGroup(pgid: number): { pid: number; cmd: string }[] {
  const found: { pid: number; cmd: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // proc(5): pid (comm) state ppid pgrp …; comm may contain spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      const state = fields[0];
      if (state === 'Z') continue;
      found.push({ pid: Number(entry), cmd: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim() });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Polls until the group is empty (true) or the time is up (false). */
export async function groupEmpties(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (processGroup(pgid).length === 0) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return processGroup(pgid).length === 0;
}

/** Kills whatever is left of a group (test cleanup). */
export function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Runs `mmsgw args` to the end. */
export function mmsgw(args: string[], timeoutMs = 120_000): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [MMSGW, ...args], { cwd: ROOT, env: ENV, encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Python's email package's view of a mail file (test/mail/out/parse_mail.py). */
export function pythonParse(raw: Buffer): { headers: Record<string, string[]>; parts: { content_type: string; filename: string | null; sha256: string; size: number; text?: string }[]; defects: string[] } {
  const script = fileURLToPath(new URL('../mail/out/parse_mail.py', import.meta.url));
  const r = spawnSync('python3', [script], { input: Buffer.concat([Buffer.from(`${raw.length}\n`), raw]), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`parse_mail.py: ${r.stderr}`);
  return JSON.parse(r.stdout.trim()) as ReturnType<typeof pythonParse>;
}
