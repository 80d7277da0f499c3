/**
 * Quectel EC25 LTE module. Bare identity answers; boot reporting RDY, +CFUN, +CPIN, +QUSIM
 * and the +QIND SMS/PB DONE lines, after which SMS commands work; 0-based indices; ME/SM/MT.
 * firmware-notes: AT+CFUN=1,1 re-enumerates the USB composition (ttyUSB2 vanishes).
 */
import type { ModemProfile } from '../types.js';

export const quectel: ModemProfile = {
  name: 'quectel',
  identity: { manufacturer: 'Quectel', model: 'EC25', revision: 'EC25EFAR06A06M4G', imei: '866758041234567' },
  ati: ['Quectel', 'EC25', 'Revision: EC25EFAR06A06M4G'],
  prefixedIdentity: [],
  storage: { mems: ['SM', 'ME', 'MT'], sizes: { SM: 50, ME: 255 }, indexBase: 0, defaults: ['ME', 'ME', 'ME'] },
  cnmi: { mode: [0, 1, 2], mt: [0, 1, 2, 3], bm: [0, 2], ds: [0, 1, 2], bfr: [0, 1], defaults: [2, 1, 0, 0, 0] },
  lte: true,
  bootUrcs: ['RDY', '+CFUN: 1', '+CPIN: READY', '+QUSIM: 1', '+QIND: SMS DONE', '+QIND: PB DONE'],
  simUrcs: ['+CPIN: READY', '+QIND: SMS DONE', '+QIND: PB DONE'],
  resetDropsUsb: true,
  bootMs: 600,
  memoryFullUrc: (mem) => `+QIND: "smsfull","${mem}"`,
  simBusyMs: 2000,
  maxContexts: 16,
};
