import { AtChannel, openTransport } from '../at/index.js';
import { synchronize } from '../modem/init.js';

/**
 * Whether a tty answers AT (V.250 §5.2.1: "AT" alone is answered with OK). Diagnostics, NMEA
 * and PPP-only ports stay silent or print non-AT data; each gets `timeoutMs` per try, two tries.
 */
export async function answersAt(path: string, timeoutMs = 1500): Promise<boolean> {
  const channel = new AtChannel({ defaultTimeoutMs: timeoutMs });
  try {
    channel.attach(await openTransport(path, {}));
    await synchronize(channel, 2);
    return true;
  } catch {
    return false;
  } finally {
    await channel.close().catch(() => undefined);
  }
}

/** The first of `paths` that answers AT, in order. */
export async function firstAtPort(paths: readonly string[], timeoutMs?: number): Promise<string | undefined> {
  for (const p of paths) if (await answersAt(p, timeoutMs)) return p;
  return undefined;
}
