/**
 * The configuration of the long-running gateway (`mmsgw run`), validated in a process of its own.
 *
 * The configuration layer (yaml, zod, the schemas) is needed once, at start, and loading it
 * leaves ~21 MB of resident memory behind in a process (heap, compiled code, the pages of the
 * node binary its compilation touched); in a worker thread that ends, still ~9 MB. A child
 * process (./load-worker.ts) loads it, validates the file exactly as `loadConfigDetailed` does,
 * hands back the validated configuration as plain data over the IPC channel (V8 serialization,
 * the structured clone algorithm) and exits; nothing of it stays in the gateway's process.
 * Failures come back as data and are thrown here as the same ConfigInvalidError / ConfigError,
 * so `mmsgw run` says exactly what `mmsgw config check` says. Only this module and the zod-free
 * ones it imports (./issues.ts, ./plain.ts, ./read-file.ts) are loaded in the calling process.
 */
import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, MmsgwError } from '../util/errors.js';
import type { Env } from './env.js';
import { ConfigInvalidError, type ConfigProblem } from './issues.js';
import type { LoadedConfig } from './load.js';
import { deepFreeze } from './plain.js';
import { readConfigText } from './read-file.js';

export interface WorkerRequest {
  readonly path: string | undefined;
  /** The file's text, read by the caller before the child starts. */
  readonly text: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Also check what `mmsgw run` requires (startupProblems). */
  readonly startup: boolean;
}

export type WorkerError =
  | { readonly kind: 'invalid'; readonly problems: readonly ConfigProblem[]; readonly file: string | undefined }
  | { readonly kind: 'config'; readonly key: string; readonly message: string }
  | { readonly kind: 'other'; readonly code: string | undefined; readonly message: string };

export type WorkerAnswer = { readonly ok: true; readonly loaded: LoadedConfig; readonly missing: readonly ConfigProblem[] } | { readonly ok: false; readonly error: WorkerError };

/** The child's module beside this one: compiled (.js) or, under tsx, the TypeScript source. */
function childEntry(): { file: string; execArgv: string[] } {
  const self = import.meta.url;
  // This process's node options (V8 flags), without a debugger's: its port is taken.
  const execArgv = process.execArgv.filter((a) => !/^--(inspect|debug)/.test(a));
  if (self.endsWith('.ts')) return { file: fileURLToPath(new URL('./load-worker.ts', self)), execArgv: [...execArgv, '--import', import.meta.resolve('tsx')] };
  return { file: fileURLToPath(new URL('./load-worker.js', self)), execArgv };
}

function rethrow(e: WorkerError): never {
  if (e.kind === 'invalid') throw new ConfigInvalidError(e.problems, e.file);
  if (e.kind === 'config') throw new ConfigError(e.key, e.message);
  throw e.code === undefined ? new Error(e.message) : new MmsgwError(e.code, e.message);
}

/**
 * `loadConfigDetailed(path, env)` (and, with `startup`, the checks of `startupProblems`, thrown
 * as ConfigInvalidError) in a child process that has ended when this resolves.
 */
export async function loadConfigIsolated(path: string | undefined, env: Env, opts: { readonly startup?: boolean } = {}): Promise<LoadedConfig> {
  const file = path === undefined ? undefined : resolve(path);
  const request: WorkerRequest = { path: file, text: file === undefined ? undefined : readConfigText(file), env: { ...env }, startup: opts.startup ?? false };
  const entry = childEntry();
  // Plain data both ways over the IPC channel, V8-serialized (the structured clone algorithm).
  const child = fork(entry.file, [], { execArgv: entry.execArgv, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const answer = await new Promise<WorkerAnswer>((resolve, reject) => {
    let got: WorkerAnswer | undefined;
    child.once('message', (m) => (got = m as WorkerAnswer));
    child.once('error', reject);
    child.once('exit', (code, signal) => (got ? resolve(got) : reject(new Error(`the configuration check process ended (${signal ?? `exit code ${String(code)}`}) without an answer`))));
    child.send(request);
  });
  if (!answer.ok) rethrow(answer.error);
  if (answer.missing.length > 0) throw new ConfigInvalidError(answer.missing, answer.loaded.file);
  const { config, envApplied, input } = answer.loaded;
  return { config: deepFreeze(config), file: answer.loaded.file, envApplied, input };
}
