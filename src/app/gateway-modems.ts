import type { Config, ModemEntry } from '../config/index.js';
import type { PipelineDeps } from '../pipeline/handlers.js';
import type { RetrieveDeps } from '../pipeline/retrieve.js';
import type { SendDeps } from '../pipeline/send.js';
import type { Store } from '../store/index.js';
import type { Logger } from '../util/log.js';
import { ModemSelector } from './modem-select.js';
import type { ModemSet } from './modems.js';

/** Message states in which a send step still has something to send (pipeline/send.ts `ready`). */
const SENDABLE = new Set(['queued', 'submitting', 'held']);

/**
 * Opens every configured modem into the set: the first before the others (its status is the
 * one single-modem readers know), the rest side by side. A modem whose port is missing is
 * added all the same and waits for its port (Modem `waitForPort`).
 */
export async function openAll(set: ModemSet, entries: readonly ModemEntry[], log: Logger): Promise<void> {
  const [first, ...rest] = entries;
  if (first) await set.add(first);
  const results = await Promise.allSettled(rest.map((e) => set.add(e)));
  results.forEach((r, i) => {
    if (r.status === 'rejected') log.error({ err: r.reason, modem: rest[i]?.id }, 'modem not added; the others run');
  });
}

/**
 * The pipeline's per-modem sides: MMS retrieval through the MM1 client of the modem that
 * received the notification (its SIM's MMSC and bearer), and sending through the modem the
 * selector chooses at each attempt. With one modem (`modem:`), sending runs as before and only
 * records the modem.
 */
export function modemPipelineDeps(config: Config, set: ModemSet, store: Store, base: SendDeps, tmpDir: string, now: () => number, log: Logger): Pick<PipelineDeps, 'retrieveFor' | 'sendVia'> {
  const selector = new ModemSelector(set, store, config.outbound.modems, now);
  const multi = config.modems.length > 0;
  const retrieveFor = (msgId: number): RetrieveDeps | undefined => {
    const id = store.modemLinks.messageModem(msgId);
    const unit = id !== undefined ? set.get(id) : undefined;
    if (!unit?.mm1) return undefined;
    const m = unit.config.mmsc;
    return { mm1: unit.mm1.client, tmpDir, maxSize: m.maxMessageSize, retrieval: m.retrieval, reportAllowed: true };
  };
  const sendVia = async (msgId: number, kind: 'sms' | 'mms', run: (deps: SendDeps) => Promise<void>): Promise<void> => {
    const msg = store.messages.get(msgId);
    // A message with nothing left to send (done, expired) gets no modem: the step says so itself.
    if (!msg || !SENDABLE.has(msg.state) || (msg.expiry !== null && msg.expiry <= now())) return run(base);
    if (!multi) {
      // The step links the message to it, in the commit that marks it submitting.
      const unit = set.first();
      return run(unit ? { ...base, modem: unit.id } : base);
    }
    // A send that may have gone out through its modem and is to be held (outbound.uncertain:
    // hold) stays with that modem: the step holds it before anything is sent.
    const policy = base.uncertain?.[kind] ?? (kind === 'sms' ? 'resend' : 'hold');
    if (policy === 'hold' && store.submissions.ofMessage(msgId).some((r) => r.state === 'submitting' || (r.state === 'held' && r.resolution !== 'released'))) {
      return run(base);
    }
    const chosen = selector.choose(msgId, kind);
    const previous = store.modemLinks.messageModem(msgId);
    if (previous !== chosen.unit.id) {
      store.tx(() => {
        store.modemLinks.setMessageModem(msgId, chosen.unit.id, chosen.number);
        store.events.add(msgId, 'send-modem', { modem: chosen.unit.id, number: chosen.number ?? null, reason: chosen.reason, previous: previous ?? null }, now());
      });
      if (previous !== undefined) log.info({ msgId, modem: chosen.unit.id, previous }, 'send moved to another modem');
    }
    return selector.track(chosen.unit.id, () => run(selector.depsFor(base, chosen)));
  };
  return { ...(multi ? { retrieveFor } : {}), sendVia };
}
