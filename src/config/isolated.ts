/**
 * The configuration of the long-running gateway (`mmsgw run`), validated in a worker thread.
 *
 * The configuration layer (yaml, zod, the schemas: about 5 MB of heap and 8 MB of resident
 * memory) is needed once, at start. The worker loads it, validates the file exactly as
 * `loadConfigDetailed` does (./load-worker.ts), hands back the validated configuration as plain
 * data (structured clone) and ends; its isolate and everything it loaded go with it. Failures
 * come back as data and are thrown here as the same ConfigInvalidError / ConfigError, so
 * `mmsgw run` says exactly what `mmsgw config check` says. Only this module and the zod-free ones
 * it imports (./issues.ts, ./plain.ts) are loaded in the calling isolate.
 */
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ConfigError, MmsgwError } from '../util/errors.js';
import type { Env } from './env.js';
import { ConfigInvalidError, type ConfigProblem } from './issues.js';
import type { LoadedConfig } from './load.js';
import { deepFreeze } from './plain.js';
import { readConfigText } from './read-file.js';

export interface WorkerRequest {
  readonly path: string | undefined;
  /** The file's text, read by the caller before the worker starts. */
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

/** The worker's module beside this one: compiled (.js) or, under tsx, the TypeScript source. */
function workerEntry(): { code: string; eval: boolean } {
  const self = import.meta.url;
  if (self.endsWith('.ts')) {
    // Node 20 runs a worker's entry without the parent's loader hooks: register tsx first.
    const url = new URL('./load-worker.ts', self).href;
    const api = import.meta.resolve('tsx/esm/api');
    return { code: `import(${JSON.stringify(api)}).then((m) => m.register()).then(() => import(${JSON.stringify(url)}))`, eval: true };
  }
  return { code: new URL('./load-worker.js', self).href, eval: false };
}

function rethrow(e: WorkerError): never {
  if (e.kind === 'invalid') throw new ConfigInvalidError(e.problems, e.file);
  if (e.kind === 'config') throw new ConfigError(e.key, e.message);
  throw e.code === undefined ? new Error(e.message) : new MmsgwError(e.code, e.message);
}

/**
 * `loadConfigDetailed(path, env)` (and, with `startup`, the checks of `startupProblems`, thrown
 * as ConfigInvalidError) in a worker thread that ends before this resolves.
 */
export async function loadConfigIsolated(path: string | undefined, env: Env, opts: { readonly startup?: boolean } = {}): Promise<LoadedConfig> {
  const file = path === undefined ? undefined : resolve(path);
  const request: WorkerRequest = { path: file, text: file === undefined ? undefined : readConfigText(file), env: { ...env }, startup: opts.startup ?? false };
  const entry = workerEntry();
  const worker = new Worker(entry.eval ? entry.code : new URL(entry.code), { eval: entry.eval, workerData: request, stdout: false, stderr: false });
  const answer = await new Promise<WorkerAnswer>((resolve, reject) => {
    let got: WorkerAnswer | undefined;
    worker.once('message', (m: WorkerAnswer) => (got = m));
    worker.once('error', reject);
    worker.once('exit', (code) => (got ? resolve(got) : reject(new Error(`the configuration worker ended (exit code ${code}) without an answer`))));
  });
  if (!answer.ok) rethrow(answer.error);
  if (answer.missing.length > 0) throw new ConfigInvalidError(answer.missing, answer.loaded.file);
  const { config, envApplied, input } = answer.loaded;
  return { config: deepFreeze(config), file: answer.loaded.file, envApplied, input };
}
