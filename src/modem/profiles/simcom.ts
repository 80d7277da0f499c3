import type { ModemProfile } from './types.js';
import { CNMI_STORED, classifyCommonUrc, sendReset, standardSignal } from './common.js';

/**
 * SIMCom SIM7600/SIM7100/SIM7000. AT+CNMP=2 puts the radio in automatic mode selection
 * (quirk simcom-cnmp: some units ship locked to one RAT). Boot says RDY, +CPIN: READY,
 * SMS DONE, PB DONE. Reset is AT+CRESET.
 */
export const simcom: ModemProfile = {
  id: 'simcom',
  name: 'SIMCom',
  usbVendorIds: ['1e0e'],
  manufacturerPattern: /simcom/i,
  urcPrefixes: ['SMS DONE', 'PB DONE', '+CPSI:', '+SIMCARD:', '+STIN:', '+CNSMOD:'],
  smsStorage: ['ME', 'SM'],
  smsDelivery: 'stored',
  cnmi: CNMI_STORED,
  iccidCommand: 'AT+CICCID',
  // SIMCom AT manual: +SPIC: <pin1>,<puk1>,<pin2>,<puk2>
  pinCounter: { command: 'AT+SPIC', prefix: '+SPIC:', field: 0 },
  initCommands: ['AT+CNMP=2'],
  softReset: (channel, timeoutMs) => sendReset(channel, 'AT+CRESET', timeoutMs),
  signalQuery: standardSignal,
  classifyUrc(urc) {
    if (urc.name === '+SIMCARD' && /NOT AVAILABLE/i.test(urc.value)) return { type: 'sim-absent' };
    if (urc.name === 'PB DONE') return undefined;
    return classifyCommonUrc(urc);
  },
};
