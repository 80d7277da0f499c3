/**
 * Shared by bench/idle.ts and bench/footprint.ts: starts the modem simulator (`mmsgw sim`) and
 * the gateway (`mmsgw run`) as two separate processes, so that what is measured of the gateway's
 * process (CPU, wake-ups, RSS from /proc) contains none of the simulator. Linux only (/proc).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface Running {
  readonly gateway: ChildProcess;
  readonly sim: ChildProcess;
  readonly dir: string;
  stop(): Promise<void>;
}

function waitForLine(child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`no ${String(pattern)} within ${timeoutMs} ms; got: ${buf.slice(-2000)}`)), timeoutMs);
    child[stream]?.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = pattern.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${String(code)}) before ${String(pattern)}: ${buf.slice(-2000)}`));
    });
  });
}

async function ended(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * `root`: the checkout whose bin/mmsgw.mjs runs (this one by default; another revision for a
 * before/after in the same run). `extra` is merged into the gateway's configuration; `nodeArgs`
 * go to the gateway's node before the script (e.g. the systemd unit's V8 flag).
 */
export async function startGatewayAndSim(root: string, extra: Record<string, unknown> = {}, nodeArgs: readonly string[] = []): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-bench-'));
  const link = join(dir, 'modem.pty');
  const env = { ...process.env, MMSGW_LOG_LEVEL: 'info' };
  const sim = spawn(process.execPath, [join(root, 'bin/mmsgw.mjs'), 'sim', '--link', link, '--baud', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForLine(sim, 'stdout', /control: \S+/, 60_000);
  const configPath = join(dir, 'mmsgw.yaml');
  writeFileSync(configPath, stringify({
    stateDir: join(dir, 'state'),
    box: { ownNumber: '+15550100001' },
    modem: { port: link, profile: 'generic', smsStorage: 'ME' },
    bearer: { kind: 'system' },
    // Nothing is sent while measuring; the SMTP server need not exist.
    mail: { out: { smtp: { host: '127.0.0.1', port: 1, secure: false, starttls: false }, fromDomain: 'sms.test', defaultMailbox: 'inbox@company.test' } },
    web: { enabled: false },
    ...extra,
  }));
  const gateway = spawn(process.execPath, [...nodeArgs, join(root, 'bin/mmsgw.mjs'), 'run', '--config', configPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  gateway.stdout?.resume();
  await waitForLine(gateway, 'stderr', /gateway running/, 120_000);
  return {
    gateway, sim, dir,
    async stop() {
      await ended(gateway);
      await ended(sim);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** CPU seconds (user + system, all threads) of a process, from /proc/PID/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(f[11]) + Number(f[12]);
  return ticks / 100; // USER_HZ is 100 on Linux
}

/** Voluntary context switches summed over every thread: each is the thread going to sleep, i.e. one wake-up later. */
export function wakeups(pid: number): number {
  let n = 0;
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const m = /voluntary_ctxt_switches:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/task/${t}/status`, 'utf8'));
      n += Number(m?.[1] ?? 0);
    } catch {
      // thread ended meanwhile
    }
  }
  return n;
}

/** Resident set size in MB (VmRSS) and its high-water mark (VmHWM). */
export function rssMb(pid: number): { rss: number; hwm: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string): number => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}
