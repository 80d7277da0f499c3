/**
 * The local hook (`hooks.onReceive`): runs an executable (no shell) with the event JSON on
 * stdin and MMSGW_EVENT_ID / MMSGW_EVENT_TYPE / MMSGW_MESSAGE_ID in its environment. Exit 0
 * is success; another exit, a signal or running past the time limit (the process group is
 * then killed) is a failure the job system retries.
 */
import { spawn } from 'node:child_process';
import { MmsgwError } from '../util/errors.js';

const STDERR_KEEP = 2048;

export interface ScriptRun {
  readonly path: string;
  readonly input: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

export function runScript(r: ScriptRun, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn(r.path, [], {
        stdio: ['pipe', 'ignore', 'pipe'],
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...r.env },
        detached: true,
      });
    } catch (e) {
      reject(new MmsgwError('HOOK_SCRIPT_FAILED', `onReceive ${r.path}: ${(e as Error).message}`, { cause: e }));
      return;
    }
    let stderr = '';
    let timedOut = false;
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, r.timeoutMs);
    const onAbort = (): void => killGroup();
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < STDERR_KEEP) stderr += d.toString('utf8').slice(0, STDERR_KEEP - stderr.length);
    });
    child.stdin.on('error', () => undefined); // a script that does not read its input
    child.stdin.end(r.input);
    child.on('error', (e) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(new MmsgwError('HOOK_SCRIPT_FAILED', `onReceive ${r.path}: ${e.message}`, { cause: e }));
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (code === 0 && !timedOut) return resolve();
      const why = timedOut ? `ran longer than ${r.timeoutMs} ms and was killed` : code !== null ? `exited with status ${code}` : `was killed by ${sig ?? 'a signal'}`;
      const tail = stderr.trim().replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(-300);
      reject(new MmsgwError('HOOK_SCRIPT_FAILED', `onReceive ${r.path} ${why}${tail ? `: ${tail}` : ''}`, { details: { code, signal: sig, timedOut } }));
    });
  });
}
