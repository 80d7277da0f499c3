/**
 * Sierra Wireless MC7455 (Qualcomm MDM9230) in its AT composition. Long revision string with
 * build date, MEID/IMEI/FSN lines in ATI; no boot banner on the AT port; SM/ME storage.
 */
import type { ModemProfile } from '../types.js';

const REVISION = 'SWI9X30C_02.24.05.06 r7040 CARMD-EV-FRMWR2 2017/05/19 23:00:00';

export const sierra: ModemProfile = {
  name: 'sierra',
  identity: { manufacturer: 'Sierra Wireless, Incorporated', model: 'MC7455', revision: REVISION, imei: '359072061234567' },
  ati: [
    'Manufacturer: Sierra Wireless, Incorporated',
    'Model: MC7455',
    `Revision: ${REVISION}`,
    'MEID: 35907206123456',
    'IMEI: 359072061234567',
    'IMEI SV: 11',
    'FSN: LQ640560321003',
    '+GCAP: +CGSM',
  ],
  prefixedIdentity: [],
  storage: { mems: ['SM', 'ME'], sizes: { SM: 30, ME: 255 }, indexBase: 0, defaults: ['SM', 'SM', 'SM'] },
  cnmi: { mode: [0, 1, 2], mt: [0, 1, 2, 3], bm: [0, 2], ds: [0, 1, 2], bfr: [0, 1], defaults: [1, 0, 0, 0, 0] },
  lte: true,
  bootUrcs: [],
  simUrcs: [],
  resetDropsUsb: true,
  bootMs: 800,
  maxContexts: 16,
};
