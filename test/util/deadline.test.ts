/**
 * withDeadline: the deadline fires however often the garbage collector runs. On Node 20,
 * AbortSignal.any([parent, AbortSignal.timeout(ms)]) holds the timeout signal weakly, and with
 * collections running it never fires (nodejs/node#57736): a webhook target that accepted and
 * never answered held its job until the test gave up. The check runs in a child process with
 * --expose-gc, forcing a collection every 10 ms.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withDeadline } from '../../src/util/deadline.js';

const deadlineModule = fileURLToPath(new URL('../../src/util/deadline.ts', import.meta.url));

/** Waits on a signal that only the deadline can abort, collecting garbage meanwhile; prints what happened. */
const PROBE = (kind: 'withDeadline' | 'any') => `
const { withDeadline } = await import(${JSON.stringify(deadlineModule)});
const parent = new AbortController().signal;
const t0 = Date.now();
const waitOn = (s) => new Promise((_, reject) => s.addEventListener('abort', () => reject(s.reason)));
const run = ${kind === 'any' ? '() => waitOn(AbortSignal.any([parent, AbortSignal.timeout(100)]))' : '() => withDeadline(parent, 100, waitOn)'};
const gcs = setInterval(() => globalThis.gc(), 10);
const outcome = await Promise.race([run().catch((e) => e.name + ' after ' + (Date.now() - t0) + ' ms'), new Promise((r) => setTimeout(() => r('no abort within 1500 ms'), 1500))]);
clearInterval(gcs);
console.log(outcome);
`;

function probe(kind: 'withDeadline' | 'any'): string {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', PROBE(kind)], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test('the deadline fires while the garbage collector runs every 10 ms', () => {
  assert.match(probe('withDeadline'), /^TimeoutError after \d+ ms$/);
});

test('the pattern it replaces does not fire, on a Node with the bug (so the check above can fail)', (t) => {
  const outcome = probe('any');
  if (outcome !== 'no abort within 1500 ms') {
    t.skip(`this Node keeps timeout signals in AbortSignal.any (${outcome})`);
    return;
  }
  assert.equal(outcome, 'no abort within 1500 ms');
});

test('the parent signal aborts it at once, with the parent reason; a finished fn clears the timer', async () => {
  const parent = new AbortController();
  const reason = new Error('closing');
  const p = withDeadline(parent.signal, 60_000, (s) => new Promise((_, reject) => s.addEventListener('abort', () => reject(s.reason))));
  parent.abort(reason);
  await assert.rejects(p, (e) => e === reason);
  assert.equal(await withDeadline(undefined, 60_000, async () => 'done'), 'done'); // the test ends: no timer left running
});
