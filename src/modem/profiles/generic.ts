import type { ModemProfile } from './types.js';
import { CNMI_STORED, classifyCommonUrc, sendReset, standardSignal } from './common.js';

/** Any 27.005/27.007 modem: storage indications, +CFUN=1,1 reset, +CSQ/+CESQ. */
export const generic: ModemProfile = {
  id: 'generic',
  name: 'Generic 3GPP modem',
  usbVendorIds: [],
  manufacturerPattern: undefined,
  urcPrefixes: ['SMS DONE'],
  smsStorage: ['ME', 'SM'],
  smsDelivery: 'stored',
  cnmi: CNMI_STORED,
  iccidCommand: 'AT+CCID',
  initCommands: [],
  softReset: (channel, timeoutMs) => sendReset(channel, 'AT+CFUN=1,1', timeoutMs),
  signalQuery: standardSignal,
  classifyUrc: classifyCommonUrc,
};
