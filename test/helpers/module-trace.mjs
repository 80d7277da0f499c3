// Preloaded with `node --import` (NODE_OPTIONS) into a child process: appends the URL of every
// module that process loads, ES modules through a loader hook and CommonJS through the module
// loader, one per line, to the file named by MMSGW_MODULE_TRACE. Used by
// test/app/lazy-modules.test.ts to see what the gateway loads at start. The preload runs again in
// every worker thread; a worker's modules go to `<file>.worker<threadId>`, so the main file lists
// the main isolate's modules only.
import Module, { register } from 'node:module';
import { appendFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';

const base = process.env.MMSGW_MODULE_TRACE;
if (base) {
  const out = threadId === 0 ? base : `${base}.worker${threadId}`;
  register(new URL('./module-trace-hooks.mjs', import.meta.url), { data: { out } });
  const compile = Module.prototype._compile;
  Module.prototype._compile = function (content, filename) {
    appendFileSync(out, `${pathToFileURL(filename).href}\n`);
    return compile.call(this, content, filename);
  };
}
