/**
 * The configuration process of `mmsgw run` (./isolated.ts): takes one request over the IPC
 * channel, validates the file with the full configuration layer (yaml, zod, the schemas), checks
 * what `mmsgw run` requires, sends the outcome as plain data and exits, so none of it stays in
 * the gateway's process.
 */
import { MmsgwError } from '../util/errors.js';
import { startupProblems } from './check.js';
import { ConfigInvalidError } from './issues.js';
import { loadConfigDetailed } from './load.js';
import type { WorkerAnswer, WorkerRequest } from './isolated.js';

function answer(req: WorkerRequest): WorkerAnswer {
  try {
    const loaded = loadConfigDetailed(req.path, req.env, req.text);
    return { ok: true, loaded, missing: req.startup ? startupProblems(loaded.config, loaded.input) : [] };
  } catch (e) {
    if (e instanceof ConfigInvalidError) return { ok: false, error: { kind: 'invalid', problems: e.problems, file: e.file } };
    if (e instanceof MmsgwError && e.code === 'CONFIG_INVALID' && typeof e.details.key === 'string') {
      const key = e.details.key;
      return { ok: false, error: { kind: 'config', key, message: e.message.startsWith(`${key}: `) ? e.message.slice(key.length + 2) : e.message } };
    }
    return { ok: false, error: { kind: 'other', code: e instanceof MmsgwError ? e.code : undefined, message: e instanceof Error ? e.message : String(e) } };
  }
}

// One request, one answer; then the channel is closed and the process ends. If the gateway has
// gone meanwhile, the channel closes by itself and the process ends just the same.
process.once('message', (req) => {
  process.send?.(answer(req as WorkerRequest), () => {
    if (process.connected) process.disconnect();
  });
});
