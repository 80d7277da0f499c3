import type { ModemProfile } from './types.js';
import { CNMI_DIRECT, classifyCommonUrc, sendReset, standardSignal } from './common.js';

/**
 * ZTE MF823/MF831/MF190 in stick (serial) mode. The mode switch (CD-ROM → modem ports) is
 * kept off with AT+ZCDRUN=8 once per unit (firmware-notes/zte.md). Stored indications are
 * unreliable on several MF firmwares for 8-bit class-less SMS, so the profile routes SMS
 * directly with +CNMI=2,2,0,1,0 and acknowledges with +CNMA (quirk zte-direct-sms).
 */
export const zte: ModemProfile = {
  id: 'zte',
  name: 'ZTE (stick mode)',
  usbVendorIds: ['19d2'],
  manufacturerPattern: /\bzte\b/i,
  urcPrefixes: ['+ZPASR:', '+ZUSIMR:', '+ZEND', '+ZDONR:', '+ZSTR:'],
  smsStorage: ['ME', 'SM'],
  smsDelivery: 'direct',
  cnmi: CNMI_DIRECT,
  iccidCommand: 'AT+ZGETICCID',
  // ZTE: +ZPINPUK: <pin>,<puk>
  pinCounter: { command: 'AT+ZPINPUK=?', prefix: '+ZPINPUK:', field: 0 },
  initCommands: [],
  softReset: (channel, timeoutMs) => sendReset(channel, 'AT+CFUN=1,1', timeoutMs),
  signalQuery: standardSignal,
  classifyUrc(urc) {
    if (urc.name === '+ZUSIMR' && urc.value === '2') return { type: 'sim-absent' };
    if (urc.name === '+ZPASR') {
      const v = urc.value.replace(/"/g, '').toUpperCase();
      const tech = v === 'LTE' ? 'e-utran' : v.includes('UMTS') || v.includes('HSPA') || v.includes('WCDMA') ? 'utran' : v === 'GSM' || v === 'EDGE' || v === 'GPRS' ? 'gsm' : undefined;
      return tech === undefined ? undefined : { type: 'technology', technology: tech };
    }
    return classifyCommonUrc(urc);
  },
};
