import type { Config } from '../config/index.js';
import { modemHealth } from '../modem/index.js';
import type { SendDeps, SmsSender } from '../pipeline/send.js';
import type { Store } from '../store/index.js';
import { MmsgwError } from '../util/errors.js';
import type { ModemSet, ModemUnit } from './modems.js';

/** A rate limit's window (limits.smsPerMinute). */
const MINUTE_MS = 60_000;

export interface ChosenModem {
  readonly unit: ModemUnit;
  readonly number: string | undefined;
  /** Why this one: `sender` (asked for), `continues` (parts already sent through it), `reply`, `prefix`, or the policy. */
  readonly reason: string;
}

/**
 * Chooses the modem that sends a message, each time its send job runs (so a queued message
 * moves to another modem when its modem fails, is deregistered or unplugged):
 *
 * 1. a sender number asked for (`messages.via`, API `from`): only the modem holding it;
 * 2. a message with parts already sent: the modem that sent them (a concatenated SMS must come
 *    from one number to be joined, 3GPP 23.040 §9.2.3.24.1);
 * 3. `outbound.modems.replyFromReceivingNumber`: the number the correspondent last wrote to;
 * 4. `outbound.modems.byPrefix`: the modems named for the destination's prefix;
 * 5. `outbound.modems.policy` among the rest.
 *
 * Only modems that can send now are chosen: ready and registered (modemHealth), `limits.send`,
 * under `limits.smsPerMinute`, and with an MMSC for MMS. In 1 and 2 nothing else is allowed: the
 * job waits (transient error) for that modem. In 3 and 4 the other modems take over.
 * Whether a part sent before may have gone out already is not this class's business: the
 * send steps resolve it by `outbound.uncertain` before sending anything (pipeline/send.ts).
 */
export class ModemSelector {
  private turn = 0;
  private readonly inFlight = new Map<string, number>();
  private readonly sentAt = new Map<string, number[]>();

  constructor(
    private readonly set: ModemSet,
    private readonly store: Store,
    private readonly policy: Config['outbound']['modems'],
    private readonly now: () => number = Date.now,
  ) {}

  choose(msgId: number, kind: 'sms' | 'mms'): ChosenModem {
    const links = this.store.modemLinks;
    const usable = (u: ModemUnit): boolean => u.entry.limits.send && modemHealth(u.modem.status()).ok && (kind === 'sms' || u.mm1 !== undefined) && this.underLimit(u);
    const pick = (list: readonly ModemUnit[], reason: string): ChosenModem | undefined => {
      const ok = list.filter(usable);
      const u = ok.length <= 1 ? ok[0] : this.byPolicy(ok);
      return u ? { unit: u, number: this.set.numberOf(u.id), reason } : undefined;
    };
    const all = this.set.list();
    const via = links.via(msgId);
    if (via !== undefined) {
      const holder = all.filter((u) => this.set.numberOf(u.id) === via);
      return pick(holder, 'sender') ?? unavailable(`the modem of ${via} (asked for as the sender)`, holder.length === 0);
    }
    const previous = links.messageModem(msgId);
    if (previous !== undefined && this.store.submissions.ofMessage(msgId).some((s) => s.state === 'sent')) {
      const same = all.filter((u) => u.id === previous);
      return pick(same, 'continues') ?? unavailable(`modem '${previous}', which sent the first parts`, same.length === 0);
    }
    const to = this.store.messages.addresses(msgId).filter((a) => a.role === 'to').map((a) => a.normalized);
    const dest = to[0];
    if (this.policy.replyFromReceivingNumber && to.length === 1 && dest !== undefined) {
      const wrote = links.lastReceivingNumber(dest);
      const r = wrote !== undefined ? pick(all.filter((u) => this.set.numberOf(u.id) === wrote), 'reply') : undefined;
      if (r) return r;
    }
    const rule = dest === undefined ? undefined : this.policy.byPrefix.find((r) => dest.startsWith(r.prefix));
    if (rule) {
      const r = pick(all.filter((u) => rule.modems.includes(u.id)), `prefix ${rule.prefix}`);
      if (r) return r;
    }
    return pick(all, this.policy.policy) ?? unavailable('any modem that can send', all.length === 0);
  }

  /** The send steps' dependencies for the chosen modem; its sends are counted while in flight. */
  depsFor(base: SendDeps, chosen: ChosenModem): SendDeps {
    const u = chosen.unit;
    const sms: SmsSender = {
      sendSmsPdu: async (hex, tpduLength) => {
        this.noteSent(u.id);
        return u.modem.sendSmsPdu(hex, tpduLength);
      },
    };
    return { ...base, sms, mms: u.mm1?.client, modem: u.id };
  }

  /** Runs `fn` counted as a send in flight on `id` (least-queued). */
  async track<T>(id: string, fn: () => Promise<T>): Promise<T> {
    this.inFlight.set(id, (this.inFlight.get(id) ?? 0) + 1);
    try {
      return await fn();
    } finally {
      this.inFlight.set(id, (this.inFlight.get(id) ?? 1) - 1);
    }
  }

  private byPolicy(list: readonly ModemUnit[]): ModemUnit | undefined {
    switch (this.policy.policy) {
      case 'first':
        return list[0];
      case 'least-queued':
        return [...list].sort((a, b) => (this.inFlight.get(a.id) ?? 0) - (this.inFlight.get(b.id) ?? 0))[0];
      case 'round-robin':
        return list[this.turn++ % list.length];
    }
  }

  private underLimit(u: ModemUnit): boolean {
    const max = u.entry.limits.smsPerMinute;
    if (max === 0) return true;
    const since = this.now() - MINUTE_MS;
    const recent = (this.sentAt.get(u.id) ?? []).filter((t) => t > since);
    this.sentAt.set(u.id, recent);
    return recent.length < max;
  }

  private noteSent(id: string): void {
    this.sentAt.set(id, [...(this.sentAt.get(id) ?? []), this.now()]);
  }
}

/** No modem may send this now: a transient error, so the job is retried (and expires by its time-to-live). */
function unavailable(what: string, absent: boolean): never {
  throw new MmsgwError('OUTBOUND_NO_MODEM', `${what} ${absent ? 'is not attached' : 'cannot send now (not ready, not registered or at its limit)'}; the message waits for it`);
}
