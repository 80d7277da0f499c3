/**
 * A private Mosquitto broker for tests: a temp config listening on a free 127.0.0.1 port,
 * with persistence (sessions and retained messages survive a stop/start, as on a real box).
 * `MOSQUITTO` is undefined when /usr/sbin/mosquitto is absent; tests then skip with a message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = '/usr/sbin/mosquitto';
export const MOSQUITTO: string | undefined = existsSync(BIN) ? BIN : undefined;
export const SKIP_REASON = `Mosquitto not installed (${BIN}; Debian package "mosquitto")`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const c = tcpConnect(port, '127.0.0.1');
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });

export class Broker {
  private proc: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** `extra` replaces anonymous access with its own lines (TLS files, password_file, …). */
  static async start(extra?: (dir: string) => string[]): Promise<Broker> {
    const dir = mkdtempSync(join(tmpdir(), 'mmsgw-mosquitto-'));
    const b = new Broker(await freePort(), dir);
    writeFileSync(
      join(dir, 'mosquitto.conf'),
      [
        // Run as root, Mosquitto would switch to user 'mosquitto', which cannot use the temp directory.
        ...(process.getuid?.() === 0 ? ['user root'] : []),
        `listener ${b.port} 127.0.0.1`,
        ...(extra ? extra(dir) : ['allow_anonymous true']), 'persistence true', `persistence_location ${dir}/`, 'autosave_interval 1', 'log_dest stderr', 'log_type error'].join('\n') + '\n',
    );
    await b.resume();
    return b;
  }

  /** Starts the broker (again) and waits until it accepts connections. */
  async resume(): Promise<void> {
    const p = spawn(MOSQUITTO ?? BIN, ['-c', join(this.dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    this.proc = p;
    const until = Date.now() + 15_000;
    while (!(await canConnect(this.port))) {
      if (p.exitCode !== null) throw new Error(`mosquitto exited: ${err}`);
      if (Date.now() > until) throw new Error(`mosquitto did not listen on ${this.port}: ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGTERM (Mosquitto saves its persistence file) and waits for the exit. */
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
    this.proc = undefined;
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
