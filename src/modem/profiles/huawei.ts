import { rssiToDbm } from '../commands/csq.js';
import { splitParams } from '../commands/params.js';
import type { ModemProfile } from './types.js';
import { CNMI_STORED, classifyCommonUrc, sendReset, standardSignal } from './common.js';

/** ^MODE: <sys_mode> values (Huawei AT interface spec): 3 GSM/GPRS, 5 WCDMA, 7 LTE, 15 TD-SCDMA. */
const SYS_MODE: Readonly<Record<string, string>> = { '0': 'none', '3': 'gsm', '5': 'utran', '7': 'e-utran', '15': 'td-scdma' };

/**
 * Huawei sticks in "stick" (serial) mode: E173, E3131, E3372 with stick firmware, ME909.
 * ^CURC=0 silences the periodic ^RSSI/^BOOT/^MODE flood (quirk huawei-curc); ^RSSI/^SIMST/
 * ^SMMEMFULL are still understood when a firmware ignores it. Reset is AT^RESET.
 */
export const huawei: ModemProfile = {
  id: 'huawei',
  name: 'Huawei (stick mode)',
  usbVendorIds: ['12d1'],
  manufacturerPattern: /huawei/i,
  urcPrefixes: ['^RSSI:', '^BOOT:', '^MODE:', '^SIMST:', '^SRVST:', '^HCSQ:', '^SMMEMFULL:', '^DSFLOWRPT:', '^RFSWITCH:', '^NDISSTAT:', '^STIN:'],
  smsStorage: ['ME', 'SM'],
  smsDelivery: 'stored',
  cnmi: CNMI_STORED,
  iccidCommand: 'AT^ICCID?',
  // Huawei AT interface spec: ^CPIN: <code>,[<times>],<puk_times>,<pin_times>,<puk2_times>,<pin2_times>
  pinCounter: { command: 'AT^CPIN?', prefix: '^CPIN:', field: 3 },
  initCommands: ['AT^CURC=0'],
  softReset: (channel, timeoutMs) => sendReset(channel, 'AT^RESET', timeoutMs),
  signalQuery: standardSignal,
  classifyUrc(urc) {
    switch (urc.name) {
      case '^RSSI': {
        const n = Number(urc.value);
        const dbm = Number.isInteger(n) ? rssiToDbm(n) : undefined;
        return { type: 'signal', signal: { csq: n, ...(dbm === undefined ? {} : { rssiDbm: dbm }) } };
      }
      case '^MODE': {
        const mode = SYS_MODE[splitParams(urc.value)[0] ?? ''];
        return mode === undefined ? undefined : { type: 'technology', technology: mode };
      }
      case '^SIMST': {
        const v = splitParams(urc.value)[0];
        if (v === '255' || v === '0') return { type: 'sim-absent' };
        if (v === '1') return { type: 'sim-ready' };
        return undefined;
      }
      case '^SMMEMFULL':
        return { type: 'sms-full' };
      default:
        return classifyCommonUrc(urc);
    }
  },
};
