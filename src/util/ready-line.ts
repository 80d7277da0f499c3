import type { ChildProcess } from 'node:child_process';

/**
 * Waits for a child process to print `<mark><JSON>\n` on its stdout (a simulator announcing its
 * endpoints) and returns the parsed JSON. The child is killed if the mark does not come within
 * `timeoutMs`; an exit before it rejects with `exited(code)`. The caller keeps draining stdout
 * afterwards (pipe or resume) so that the child never blocks on a full pipe.
 */
export function readyLine<T>(child: ChildProcess, mark: string, timeoutMs: number, errors: { timeout: () => Error; exited: (code: number | null) => Error }): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let out = '';
    const fail = (e: Error): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.kill('SIGKILL');
      reject(e);
    };
    const timer = setTimeout(() => fail(errors.timeout()), timeoutMs);
    const onExit = (code: number | null): void => fail(errors.exited(code));
    const onData = (d: string): void => {
      out += d;
      const at = out.indexOf(mark);
      const nl = at >= 0 ? out.indexOf('\n', at) : -1;
      if (nl < 0) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout?.off('data', onData);
      resolve(JSON.parse(out.slice(at + mark.length, nl)) as T);
    };
    child.once('exit', onExit);
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', onData);
  });
}
