import type { AtCommand } from '../../at/command.js';
import { crashPoint } from '../../util/crash-point.js';
import { MmsgwError } from '../../util/errors.js';
import { intParam, paramsOf } from './params.js';
import { TIMEOUTS } from './timeouts.js';

/**
 * 27.005 §3.5.1 +CMGS in PDU mode: `AT+CMGS=<length>` (TPDU octets, SMSC part excluded), the
 * `> ` prompt, the PDU in hex ended by Ctrl-Z, then `+CMGS: <mr>`. Failures are +CMS ERROR
 * (the RP cause from the network, e.g. 38, or the ME's own, e.g. 330).
 */
export function cmgs(pduHex: string, tpduLength: number): AtCommand<number> {
  if (!/^(?:[0-9A-Fa-f]{2})+$/.test(pduHex)) throw new MmsgwError('MODEM_SMS_PDU_INVALID', 'the PDU must be an even number of hex digits');
  if (!Number.isInteger(tpduLength) || tpduLength < 1 || tpduLength > 176) throw new MmsgwError('MODEM_SMS_PDU_INVALID', `TPDU length ${tpduLength} out of range`);
  const smscOctets = Number.parseInt(pduHex.slice(0, 2), 16) + 1;
  if (pduHex.length / 2 !== smscOctets + tpduLength) {
    throw new MmsgwError('MODEM_SMS_PDU_INVALID', `PDU is ${pduHex.length / 2} octets, expected SMSC ${smscOctets} + TPDU ${tpduLength}`);
  }
  return {
    text: `AT+CMGS=${tpduLength}`,
    prefixes: ['+CMGS:'],
    prompt: `${pduHex.toUpperCase()}\x1a`,
    // The window between "the PDU may be out" and "+CMGS recorded" (docs/PIPELINE.md).
    promptHooks: { beforeWrite: () => crashPoint('cmgs-before-pdu'), written: () => crashPoint('cmgs-after-pdu') },
    timeoutMs: TIMEOUTS.smsSend,
    parse: (r) => {
      const mr = intParam(paramsOf(r.lines, '+CMGS:'), 0);
      if (mr === undefined) throw new MmsgwError('AT_PARSE', 'no message reference in +CMGS');
      return mr;
    },
  };
}
