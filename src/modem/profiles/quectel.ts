import { rssiToDbm } from '../commands/csq.js';
import { splitParams } from '../commands/params.js';
import type { ModemProfile } from './types.js';
import { CNMI_STORED, classifyCommonUrc, sendReset, standardSignal } from './common.js';

/**
 * Quectel EC25/EG25-G/EC21/EM06. URCs go to whichever port AT+QURCCFG names; we pin them to
 * the AT port we talk on ("usbat", quirk quectel-urcport). +QIND carries "SMS DONE",
 * "smsfull" (enabled with AT+QINDCFG) and "csq". Reset is AT+CFUN=1,1.
 */
export const quectel: ModemProfile = {
  id: 'quectel',
  name: 'Quectel',
  usbVendorIds: ['2c7c', '05c6'],
  manufacturerPattern: /quectel/i,
  urcPrefixes: ['+QIND:', '+QUSIM:', '+QSTK:', '+QNITZ:', 'POWERED DOWN'],
  smsStorage: ['ME', 'SM'],
  smsDelivery: 'stored',
  cnmi: CNMI_STORED,
  iccidCommand: 'AT+QCCID',
  // Quectel AT manual: +QPINC: "SC",<pincounter>,<pukcounter>
  pinCounter: { command: 'AT+QPINC="SC"', prefix: '+QPINC:', field: 1, match: 'SC' },
  initCommands: ['AT+QURCCFG="urcport","usbat"', 'AT+QINDCFG="smsfull",1', 'AT+QINDCFG="csq",0'],
  softReset: (channel, timeoutMs) => sendReset(channel, 'AT+CFUN=1,1', timeoutMs),
  signalQuery: standardSignal,
  classifyUrc(urc) {
    if (urc.name === 'POWERED DOWN') return { type: 'reboot' };
    if (urc.name !== '+QIND') return classifyCommonUrc(urc);
    const p = splitParams(urc.value);
    const kind = (p[0] ?? '').toUpperCase();
    if (kind === 'SMS DONE') return { type: 'sms-ready' };
    if (kind === 'SMSFULL') return { type: 'sms-full' };
    if (kind === 'CSQ') {
      const n = Number(p[1]);
      const dbm = Number.isInteger(n) ? rssiToDbm(n) : undefined;
      return { type: 'signal', signal: { csq: n, ...(dbm === undefined ? {} : { rssiDbm: dbm }) } };
    }
    return undefined;
  },
};
