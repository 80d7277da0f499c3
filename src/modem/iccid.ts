import type { AtChannel } from '../at/channel.js';
import { ccid, crsmIccid } from './commands/ccid.js';
import { optional } from './identify.js';

/**
 * Reads the ICCID, in order: the profile's vendor command, AT+CCID, then EF_ICCID through
 * AT+CRSM (3GPP TS 51.011 §10.1.1 / TS 31.102 §4.1.1). A firmware that refuses one (every
 * vendor has units that do) still gives it by another. Undefined when none answers.
 */
export async function readIccid(channel: AtChannel, vendorCommand: string): Promise<string | undefined> {
  const commands = [ccid(vendorCommand), ...(vendorCommand.toUpperCase() === 'AT+CCID' ? [] : [ccid('AT+CCID')]), crsmIccid];
  for (const c of commands) {
    const v = await optional(channel, c);
    if (v !== undefined) return v;
  }
  return undefined;
}
