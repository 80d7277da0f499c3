import { spawn } from 'node:child_process';
import { BearerError } from './errors.js';

/**
 * Runs a command (argv[0] looked up in PATH) and resolves with its stdout. Injected into the
 * bearers that change routing so tests can check the exact argv without root.
 */
export type Executor = (argv: readonly string[]) => Promise<string>;

export const spawnExecutor: Executor = (argv) =>
  new Promise((resolve, reject) => {
    const [cmd, ...args] = argv;
    if (cmd === undefined) { reject(new BearerError('BEARER_SETUP', 'empty command')); return; }
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let errText = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { errText += d; });
    child.on('error', (e) => reject(new BearerError('BEARER_SETUP', `${argv.join(' ')}: ${e.message}`, { cause: e })));
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new BearerError('BEARER_SETUP', `${argv.join(' ')} exited with ${code}: ${errText.trim()}`, { details: { argv: [...argv], code, stderr: errText.trim() } }));
    });
  });
