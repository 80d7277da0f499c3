import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSmsPdu, reassemble, classifyDeliver } from '../../../src/codec/sms/index.js';
import type { StoredSegment } from '../../../src/codec/sms/index.js';
import { decodePush } from '../../../src/codec/wsp/index.js';
import { decodeMms, type MmsPdu } from '../../../src/codec/mms/index.js';
import { InterfaceBearer } from '../../../src/bearer/interface.js';
import type { Executor } from '../../../src/bearer/exec.js';
import { unwrap } from '../../../src/util/result.js';

/**
 * The receive path as the gateway runs it, reduced to the codecs: SMS-DELIVER PDUs →
 * concatenation → WAP Push → MMS PDU.
 */
export function pushedPdus(hexes: readonly string[]): MmsPdu[] {
  const segments: StoredSegment[] = hexes.map((hex, i) => {
    const t = unwrap(decodeSmsPdu(hex));
    if (t.type !== 'deliver') throw new Error(`expected SMS-DELIVER, got ${t.type}`);
    return { id: String(i).padStart(4, '0'), deliver: t, receivedAt: new Date() };
  });
  const { messages, waiting } = reassemble(segments, { now: new Date(), timeoutMs: 60_000 });
  if (waiting.length > 0) throw new Error('incomplete WAP Push');
  return messages.map((m) => {
    const c = classifyDeliver(m);
    if (c.kind !== 'wap-push') throw new Error(`not a WAP Push: ${c.kind}`);
    const push = unwrap(decodePush(c.payload));
    return unwrap(decodeMms(push.body));
  });
}

/** An `interface` bearer over loopback: the executor reports a wwan0 holding 127.0.0.1, no routing. */
export function loopbackBearer(proxy?: string): InterfaceBearer {
  const exec: Executor = (argv) =>
    Promise.resolve(argv.includes('-j') ? JSON.stringify([{ ifname: 'wwan0', flags: ['UP'], addr_info: [{ family: 'inet', local: '127.0.0.1', scope: 'global' }] }]) : '');
  return new InterfaceBearer({ ifname: 'wwan0', routing: 'none', proxy, exec, hosts: { 'mmsc.sim.test': '127.0.0.1' } });
}

export function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-mm1-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
