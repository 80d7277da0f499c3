import { AtChannel, type AtChannelOptions } from '../../../src/at/channel.js';
import { openTransport } from '../../../src/at/transport.js';
import type { Urc } from '../../../src/at/urc.js';
import { PtyPeer, type Responder } from './pty-peer.js';

export interface Rig {
  readonly peer: PtyPeer;
  readonly channel: AtChannel;
  readonly urcs: Urc[];
  done(): Promise<void>;
}

/** A channel over a real pty, with a scripted peer on the other end. */
export async function rig(responder: Responder, options: AtChannelOptions = {}): Promise<Rig> {
  const peer = new PtyPeer(responder);
  const transport = await openTransport(peer.path, {});
  const channel = new AtChannel({ defaultTimeoutMs: 1000, settleMs: 100, ...options });
  channel.attach(transport);
  const urcs: Urc[] = [];
  channel.onUrc('*', (u) => urcs.push(u));
  return {
    peer,
    channel,
    urcs,
    async done() {
      await channel.close();
      peer.close();
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function until(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
}
