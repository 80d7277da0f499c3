import type { CliCommand } from '../registry.js';
import { hashPassword } from '../../web/auth.js';

const usage = `usage: mmsgw web-password < password-file

Reads a password (the first line of standard input, at least 8 characters) and prints its
scrypt hash for web.passwordHash in the configuration file. Reading from standard input keeps
the password out of the shell history and the process list:

  printf '%s' 'my long password' | mmsgw web-password`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of process.stdin) {
    const b = c as Buffer;
    size += b.length;
    if (size > 4096) break;
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

export const command: CliCommand = {
  summary: 'print the scrypt hash of a web interface password (for web.passwordHash)',
  usage,
  async run(argv) {
    if (argv.length > 0) {
      console.error(usage);
      return 2;
    }
    const password = await readStdin();
    if (password.length < 8) {
      console.error('mmsgw web-password: the password must be at least 8 characters (read from standard input)');
      return 2;
    }
    console.log(await hashPassword(password));
    return 0;
  },
};
