import { z } from 'zod';
import { bool, e164, int, oneOf, show } from './fields.js';

/**
 * `modems:` — several modems on one box, each with its own SIM: port, profile, PIN, own
 * number, bearer and MMSC (carrier settings per SIM), limits and recovery. The single
 * `modem:` of older configurations stays valid and means a list of one (src/config/modems.ts).
 */

export const MODEM_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
const MAX_MODEMS = 8;

const modemId = z
  .string({ error: (iss) => `expected a modem id (letters, digits, "_" or "-"), got ${show(iss.input)}` })
  .regex(MODEM_ID, { error: 'expected a modem id of 1–32 letters, digits, "_" or "-"' });

const limits = z
  .strictObject({
    /** SMS parts this modem submits per minute at most; 0: no limit. */
    smsPerMinute: int(0, 1000).default(0),
    /** false: this SIM only receives (never chosen to send). */
    send: bool().default(true),
  })
  .prefault({});

/** Fields a `modems` entry has beyond those of `modem` (its bearer and mmsc are added in schema.ts). */
export const modemEntryFields = {
  /** Names the modem in status, logs, the store and `outbound.modems.byPrefix`; default `modem<n>`. */
  id: modemId.nullable().default(null),
  /** The SIM's own number (E.164); null: from `box.numbers[].port`, else what the SIM tells (+CNUM). */
  number: e164().nullable().default(null),
  limits,
};

/** Fills the default ids (`modem1`, `modem2`, …). */
export function withModemIds<T extends { id: string | null }>(list: readonly T[]): (T & { id: string })[] {
  return list.map((m, i) => ({ ...m, id: m.id ?? `modem${i + 1}` }));
}

export const MAX_MODEMS_LIST = MAX_MODEMS;

/** `outbound.modems`: how a modem is chosen for a message that names no sender number. */
export const outboundModems = z
  .strictObject({
    /** round-robin: in turn; least-queued: the one with the fewest sends in flight; first: the first usable in list order. */
    policy: oneOf(['round-robin', 'least-queued', 'first']).default('round-robin'),
    /** Destinations starting with `prefix` go through these modems (first match wins), e.g. a SIM of the destination's network. */
    byPrefix: z
      .array(
        z.strictObject({
          prefix: z.string({ error: (iss) => `expected a number prefix like "+49", got ${show(iss.input)}` }).regex(/^\+\d{1,15}$/, { error: 'expected a number prefix like "+49"' }),
          modems: z.array(modemId).min(1, { error: 'needs at least one modem id' }),
        }),
      )
      .max(50)
      .default([]),
    /** A message to a correspondent goes out from the number they last wrote to (a reply keeps the conversation on one number). */
    replyFromReceivingNumber: bool().default(true),
  })
  .prefault({});

interface ModemsView {
  readonly modem: unknown;
  readonly modems: readonly { readonly id: string; readonly port: unknown; readonly number: string | null }[];
  readonly outbound: { readonly modems: { readonly byPrefix: readonly { readonly modems: readonly string[] }[] } };
}

/** Cross-field rules: unique ids, ports and numbers; `modem:` and `modems:` not both; prefix rules name known ids. */
export function modemsRefine(c: ModemsView, ctx: z.RefinementCtx, defaultModem: unknown): void {
  if (c.modems.length === 0) return;
  if (JSON.stringify(c.modem) !== JSON.stringify(defaultModem)) {
    ctx.addIssue({ code: 'custom', path: ['modem'], message: 'give either modem (one modem) or modems (a list), not both: move these settings into a modems entry' });
  }
  const seen = (key: 'id' | 'port' | 'number'): void => {
    const first = new Map<unknown, number>();
    c.modems.forEach((m, i) => {
      const v = m[key];
      if (v === null) return;
      const j = first.get(v);
      if (j !== undefined) ctx.addIssue({ code: 'custom', path: ['modems', i, key], message: `'${String(v)}' is already used by modems[${j}]` });
      else first.set(v, i);
    });
  };
  seen('id');
  seen('port');
  seen('number');
  const ids = new Set(c.modems.map((m) => m.id));
  c.outbound.modems.byPrefix.forEach((r, i) =>
    r.modems.forEach((id, j) => {
      if (!ids.has(id)) ctx.addIssue({ code: 'custom', path: ['outbound', 'modems', 'byPrefix', i, 'modems', j], message: `no modem with id '${id}' (modems: ${[...ids].join(', ')})` });
    }),
  );
}
