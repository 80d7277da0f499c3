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
  /** Most sends by all senders of one domain in the last hour / 24 hours (default 60 / 400). */
  readonly perDomainHour?: number;
  readonly perDomainDay?: number;
  /** Most sends of the whole box in the last hour / 24 hours (default 120 / 1000). */
  readonly perBoxHour?: number;
  readonly perBoxDay?: number;
}

export const DEFAULT_LIMITS = { maxRecipients: 10, perHour: 30, perDay: 200, perDomainHour: 60, perDomainDay: 400, perBoxHour: 120, perBoxDay: 1000 } as const;

/** Sends already accepted in the last hour and 24 hours, counted over the whole window. */
export interface WindowCount {
  readonly lastHour: number;
  readonly lastDay: number;
}

export interface SenderUsage extends WindowCount {
  /** Sends by every sender of the sender's domain. */
  readonly domain?: WindowCount;
  /** Sends of the whole box. */
  readonly box?: WindowCount;
}

/** Refuses a mail as a whole when its recipient count, or what it adds to the sender's, domain's or box's usage, exceeds a limit. */
export function checkLimits(recipients: number, usage: SenderUsage, limits: SendLimits = {}): Refusal | undefined {
  const max = limits.maxRecipients ?? DEFAULT_LIMITS.maxRecipients;
  if (recipients > max) {
    return refusal('MAIL_TOO_MANY_RECIPIENTS', `The mail is addressed to ${recipients} numbers; at most ${max} are allowed in one mail. Nothing was sent.`, { recipients, max });
  }
  const scopes: readonly [string, WindowCount | undefined, number, number][] = [
    ['You have', usage, limits.perHour ?? DEFAULT_LIMITS.perHour, limits.perDay ?? DEFAULT_LIMITS.perDay],
    ['Your domain has', usage.domain, limits.perDomainHour ?? DEFAULT_LIMITS.perDomainHour, limits.perDomainDay ?? DEFAULT_LIMITS.perDomainDay],
    ['The gateway has', usage.box, limits.perBoxHour ?? DEFAULT_LIMITS.perBoxHour, limits.perBoxDay ?? DEFAULT_LIMITS.perBoxDay],
  ];
  for (const [who, count, hour, day] of scopes) {
    // 0 is no limit (as documented for the configuration).
    if (!count) continue;
    if (hour > 0 && count.lastHour + recipients > hour) {
      return refusal('MAIL_RATE_LIMITED', `${who} reached the limit of ${hour} messages per hour; nothing was sent. Please try again later.`, { lastHour: count.lastHour, hour, scope: who });
    }
    if (day > 0 && count.lastDay + recipients > day) {
      return refusal('MAIL_RATE_LIMITED', `${who} reached the limit of ${day} messages per day; nothing was sent. Please try again tomorrow.`, { lastDay: count.lastDay, day, scope: who });
    }
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
    const t = now.getTime();
    const count = (match: (key: string) => boolean): WindowCount => {
      let lastHour = 0;
      let lastDay = 0;
      for (const [key, list] of this.#events) {
        if (!match(key)) continue;
        for (const e of list) {
          if (e.at > t - DAY_MS && e.at <= t) lastDay += e.count;
          if (e.at > t - HOUR_MS && e.at <= t) lastHour += e.count;
        }
      }
      return { lastHour, lastDay };
    };
    const key = sender.toLowerCase();
    const domain = key.slice(key.lastIndexOf('@') + 1);
    return { ...count((k) => k === key), domain: count((k) => k.slice(k.lastIndexOf('@') + 1) === domain), box: count(() => true) };
  }
}
