/**
 * The zod-free part of the configuration layer: what the running gateway needs of it (error
 * text, loopback check, freezing) without loading the schemas. `mmsgw run` validates in a
 * worker (./isolated.ts), so its own isolate must reach only modules like this one.
 */

/** How a configuration value is shown in an error: strings quoted, the rest as JSON. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return `'${v.length > 60 ? `${v.slice(0, 57)}...` : v}'`;
  try {
    const s = JSON.stringify(v);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return String(v);
  }
}

/** True for addresses only this machine can reach. */
export function isLoopback(h: string): boolean {
  const v = h.toLowerCase().replace(/^\[|\]$/g, '');
  return v === 'localhost' || v === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v) || v === '::ffff:127.0.0.1';
}

/** Freezes an object graph in place (a validated configuration is never changed). */
export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}
