/**
 * A private Dovecot IMAP server for tests: its own config in a temporary directory, listening on
 * a free 127.0.0.1 port, users from a static passwd-file, mail in Maildirs owned by `nobody`.
 * Needs root (Dovecot drops privileges to mail_uid itself) and Dovecot 2.3's configuration
 * syntax; `startDovecot` resolves to a reason string when the server cannot be used here.
 */
import { spawn, execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BINARY = '/usr/sbin/dovecot';
const NOBODY = 65534;

export interface Dovecot {
  readonly port: number;
  readonly users: readonly string[];
  readonly password: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`dovecot exited (${child.exitCode ?? child.signalCode})`);
    const open = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`dovecot did not listen on port ${port} within ${timeoutMs} ms`);
}

function config(dir: string, port: number): string {
  return `# mmsgw test instance
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%u
mail_uid = ${NOBODY}
mail_gid = ${NOBODY}
first_valid_uid = 1
first_valid_gid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${NOBODY} gid=${NOBODY} home=${dir}/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
}
service anvil {
  chroot =
}
namespace inbox {
  inbox = yes
  separator = /
}
`;
}

export async function startDovecot(users: readonly string[]): Promise<Dovecot | string> {
  if (!existsSync(BINARY)) return 'dovecot is not installed (run .ci/install-packages.sh)';
  if (process.getuid?.() !== 0) return 'the Dovecot test instance needs root';
  const version = execFileSync(BINARY, ['--version'], { encoding: 'utf8' }).trim();
  if (!version.startsWith('2.3.')) return `Dovecot ${version} found; the test instance is written for 2.3`;

  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-dovecot-'));
  chmodSync(dir, 0o755);
  for (const d of ['run', 'state', 'mail', 'home']) mkdirSync(join(dir, d));
  chownSync(join(dir, 'mail'), NOBODY, NOBODY);
  chownSync(join(dir, 'home'), NOBODY, NOBODY);
  const password = 'test-password';
  writeFileSync(join(dir, 'passwd'), users.map((u) => `${u}:{PLAIN}${password}::::::`).join('\n') + '\n');
  const port = await freePort();
  writeFileSync(join(dir, 'dovecot.conf'), config(dir, port));
  const child = spawn(BINARY, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: 'ignore' });
  try {
    await waitForPort(port, child, 10_000);
  } catch (e) {
    child.kill('SIGKILL');
    const log = existsSync(join(dir, 'dovecot.log')) ? readFileSync(join(dir, 'dovecot.log'), 'utf8') : '';
    rmSync(dir, { recursive: true, force: true });
    return `dovecot did not start: ${(e as Error).message}\n${log}`;
  }
  return {
    port,
    users,
    password,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
