/**
 * Limits against abuse and cost. The check is pure over counts the caller supplies (the
 * pipeline counts accepted sends in its store); `MemoryUsageCounter` is the in-process
 * counter for tests and single-process use. A send is counted once per destination number,
 * since each number costs one SMS or one MMS delivery.
 */
import { refusal } from './types.js';
import type { Refusal } from './types.js';

export interface SendLimits {
  /** Most destination numbers in one mail (default 10). */
  readonly maxRecipients?: number;
  /** Most sends per sender in the last rolling hour (default 30). */
  readonly perHour?: number;
  /** Most sends per sender in the last rolling 24 hours (default 200). */
  readonly perDay?: number;
}

export const DEFAULT_LIMITS = { maxRecipients: 10, perHour: 30, perDay: 200 } as const;

export interface SenderUsage {
  /** Sends accepted for this sender in the last hour. */
  readonly lastHour: number;
  /** Sends accepted for this sender in the last 24 hours. */
  readonly lastDay: number;
}

/** Refuses a mail as a whole when its recipient count, or what it adds to the sender's usage, exceeds a limit. */
export function checkLimits(recipients: number, usage: SenderUsage, limits: SendLimits = {}): Refusal | undefined {
  const max = limits.maxRecipients ?? DEFAULT_LIMITS.maxRecipients;
  if (recipients > max) {
    return refusal('MAIL_TOO_MANY_RECIPIENTS', `The mail is addressed to ${recipients} numbers; at most ${max} are allowed in one mail. Nothing was sent.`, { recipients, max });
  }
  const hour = limits.perHour ?? DEFAULT_LIMITS.perHour;
  if (usage.lastHour + recipients > hour) {
    return refusal('MAIL_RATE_LIMITED', `You have reached the limit of ${hour} messages per hour; nothing was sent. Please try again later.`, { ...usage, hour });
  }
  const day = limits.perDay ?? DEFAULT_LIMITS.perDay;
  if (usage.lastDay + recipients > day) {
    return refusal('MAIL_RATE_LIMITED', `You have reached the limit of ${day} messages per day; nothing was sent. Please try again tomorrow.`, { ...usage, day });
  }
  return undefined;
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** Sliding-window usage per sender, kept in memory (lost on restart; the store-backed one is not). */
export class MemoryUsageCounter {
  readonly #events = new Map<string, { at: number; count: number }[]>();

  record(sender: string, count: number, at: Date): void {
    const key = sender.toLowerCase();
    const list = this.#events.get(key) ?? [];
    list.push({ at: at.getTime(), count });
    this.#events.set(key, list.filter((e) => e.at > at.getTime() - DAY_MS));
  }

  usage(sender: string, now: Date): SenderUsage {
    const list = this.#events.get(sender.toLowerCase()) ?? [];
    const t = now.getTime();
    let lastHour = 0;
    let lastDay = 0;
    for (const e of list) {
      if (e.at > t - DAY_MS && e.at <= t) lastDay += e.count;
      if (e.at > t - HOUR_MS && e.at <= t) lastHour += e.count;
    }
    return { lastHour, lastDay };
  }
}
