/**
 * Runs `fn` with a signal that aborts when `parent` does, or after `ms` with a DOMException named
 * TimeoutError (what AbortSignal.timeout gives).
 *
 * Not `AbortSignal.any([parent, AbortSignal.timeout(ms)])`: on Node 20 the composite holds its
 * sources weakly, and a timeout signal nothing else refers to can be garbage-collected before it
 * fires — the request then never times out (nodejs/node#57736; a webhook target that accepts
 * and never answers held its job forever). Here the timer holds the controller until `fn` ends.
 */
export async function withDeadline<T>(parent: AbortSignal | undefined, ms: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const onAbort = (): void => ac.abort(parent?.reason);
  if (parent?.aborted) ac.abort(parent.reason);
  else parent?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => ac.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')), ms);
  try {
    return await fn(ac.signal);
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener('abort', onAbort);
  }
}
