import type { IncomingSms } from '../../src/modem/index.js';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 8000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** A handler that records messages and fails while `failing` is set. */
export function recorder(): { got: IncomingSms[]; failing: boolean; handler: (s: IncomingSms) => Promise<void> } {
  const r = {
    got: [] as IncomingSms[],
    failing: false,
    handler: async (s: IncomingSms): Promise<void> => {
      if (r.failing) throw new Error('store unavailable');
      r.got.push(s);
    },
  };
  return r;
}

/** SMS-DELIVERs (SMSC + TPDU, hex) from 3GPP 23.040 examples, "hellohello" in GSM 7-bit. */
export const DELIVER_1 = '07911326040000F0040B911346610089F60000208062917314800CC8F71D14969741F977FD07';
export const DELIVER_2 = '07911326040000F0040B911346610089F600002080629173148005E8329BFD06';
/** An SMS-STATUS-REPORT (TP-MTI 2) with an empty SMSC field. */
export const STATUS_REPORT = '000603069121436587F9208062917314802080629173248000';
