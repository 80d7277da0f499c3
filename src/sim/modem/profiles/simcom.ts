/**
 * SIMCom SIM7600E-H LTE module. Identity with the manufacturer and model spelled as SIMCom
 * does, and +CGMR answered with its prefix; boot reporting RDY, +CPIN: READY, SMS DONE,
 * PB DONE; SM/ME storage with 0-based indices.
 */
import type { ModemProfile } from '../types.js';

export const simcom: ModemProfile = {
  name: 'simcom',
  identity: { manufacturer: 'SIMCOM INCORPORATED', model: 'SIMCOM_SIM7600E-H', revision: 'LE20B04SIM7600M22', imei: '862636051234567' },
  ati: ['Manufacturer: SIMCOM INCORPORATED', 'Model: SIMCOM_SIM7600E-H', 'Revision: SIM7600M22_V2.0', 'IMEI: 862636051234567', '+GCAP: +CGSM'],
  prefixedIdentity: ['+CGMR'],
  storage: { mems: ['SM', 'ME'], sizes: { SM: 50, ME: 255 }, indexBase: 0, defaults: ['SM', 'SM', 'SM'] },
  cnmi: { mode: [0, 1, 2, 3], mt: [0, 1, 2, 3], bm: [0, 2], ds: [0, 1, 2], bfr: [0, 1], defaults: [2, 1, 0, 0, 0] },
  lte: true,
  bootUrcs: ['RDY', '+CPIN: READY', 'SMS DONE', 'PB DONE'],
  simUrcs: ['+CPIN: READY', 'SMS DONE', 'PB DONE'],
  resetDropsUsb: true,
  bootMs: 600,
  simBusyMs: 1500,
  maxContexts: 24,
};
