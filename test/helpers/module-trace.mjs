// Preloaded with `node --import` (NODE_OPTIONS) into a child process: appends the URL of every
// module that process loads, ES modules through a loader hook and CommonJS through the module
// loader, one per line, to the file named by MMSGW_MODULE_TRACE. Used by
// test/app/lazy-modules.test.ts to see what the gateway loads at start. The preload runs again in
// every worker thread and every process the traced one starts (they inherit NODE_OPTIONS): a
// worker's modules go to `<file>.worker<threadId>`, another process's to `<file>.pid<pid>`, so the
// main file lists the first process's main thread only.
import Module, { register } from 'node:module';
import { appendFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';

const base = process.env.MMSGW_MODULE_TRACE;
if (base) {
  process.env.MMSGW_MODULE_TRACE_PID ??= String(process.pid);
  const file = process.env.MMSGW_MODULE_TRACE_PID === String(process.pid) ? base : `${base}.pid${process.pid}`;
  const out = threadId === 0 ? file : `${file}.worker${threadId}`;
  register(new URL('./module-trace-hooks.mjs', import.meta.url), { data: { out } });
  const compile = Module.prototype._compile;
  Module.prototype._compile = function (content, filename) {
    appendFileSync(out, `${pathToFileURL(filename).href}\n`);
    return compile.call(this, content, filename);
  };
}
