import type { AtChannel } from '../../at/channel.js';
import { isAtError } from '../../at/errors.js';
import type { Urc } from '../../at/urc.js';
import { raw } from '../commands/basic.js';
import { cesq } from '../commands/cesq.js';
import { cnmi, type CnmiSetting } from '../commands/cnmi.js';
import { csq } from '../commands/csq.js';
import { splitParams } from '../commands/params.js';
import type { ProfileEvent, Signal } from './types.js';

/** +CNMI=2,1,0,2,0: store every SMS and report with +CMTI; store reports, +CDSI (27.005 §3.4.1). */
export const CNMI_STORED: CnmiSetting = { mode: 2, mt: 1, bm: 0, ds: 2, bfr: 0 };
/** +CNMI=2,2,0,1,0: route SMS-DELIVER as +CMT and reports as +CDS; acknowledged with +CNMA. */
export const CNMI_DIRECT: CnmiSetting = { mode: 2, mt: 2, bm: 0, ds: 1, bfr: 0 };

export { cnmi };

/** A reset command answers OK before the firmware restarts (V.250 §5.7); silence means a hung modem. */
export const RESET_TIMEOUT_MS = 3_000;

/**
 * Sends a reset command. The modem may drop the port before it answers, so a timeout or a
 * closed port counts as done; a real ERROR does not.
 */
export async function sendReset(channel: AtChannel, text: string, timeoutMs: number = RESET_TIMEOUT_MS): Promise<void> {
  try {
    await channel.run(raw(text, timeoutMs));
  } catch (e) {
    if (isAtError(e, 'AT_TIMEOUT') || isAtError(e, 'AT_PORT_CLOSED')) return;
    throw e;
  }
}

/** +CSQ, then +CESQ where the firmware has it (27.007 §8.5, §8.69). */
export async function standardSignal(channel: AtChannel): Promise<Signal> {
  const q = await channel.run(csq);
  let extra: Signal = {};
  try {
    const e = await channel.run(cesq);
    extra = {
      ...(e.lteRsrpDbm === undefined ? {} : { rsrpDbm: e.lteRsrpDbm }),
      ...(e.lteRsrqDb === undefined ? {} : { rsrqDb: e.lteRsrqDb }),
      ...(e.umtsRscpDbm === undefined ? {} : { rscpDbm: e.umtsRscpDbm }),
      ...(e.umtsEcnoDb === undefined ? {} : { ecnoDb: e.umtsEcnoDb }),
    };
  } catch (e) {
    if (!isAtError(e)) throw e;
  }
  return { csq: q.rssi, ...(q.dbm === undefined ? {} : { rssiDbm: q.dbm }), ...extra };
}

/**
 * Notifications every family may send: RDY (boot), +CPIN: READY / NOT INSERTED, +CIEV with a
 * named "SMSFULL"/"MESSAGE" indicator (27.007 §8.9 names indicators in +CIND=?), SMS DONE.
 */
export function classifyCommonUrc(urc: Urc): ProfileEvent | undefined {
  switch (urc.name) {
    case 'RDY':
      return { type: 'reboot' };
    case 'SMS READY':
    case 'SMS DONE':
      return { type: 'sms-ready' };
    case '+CPIN': {
      const v = urc.value.toUpperCase();
      if (v === 'READY') return { type: 'sim-ready' };
      if (v.includes('NOT INSERTED') || v.includes('NOT READY')) return { type: 'sim-absent' };
      return undefined;
    }
    case '+CIEV': {
      const p = splitParams(urc.value);
      if ((p[0] ?? '').toUpperCase() === 'SMSFULL' && p[1] === '1') return { type: 'sms-full' };
      return undefined;
    }
    default:
      return undefined;
  }
}
