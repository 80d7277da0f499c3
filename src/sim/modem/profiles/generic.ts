/**
 * A plain 27.005/27.007 modem with no vendor dialect: 'RDY' at power-up, 1-based message
 * indices, every +CNMI combination the spec defines, and a reset that keeps the tty.
 */
import type { ModemProfile } from '../types.js';

export const generic: ModemProfile = {
  name: 'generic',
  identity: { manufacturer: 'Generic', model: 'GSM Modem', revision: '1.0.0', imei: '490154203237518' },
  ati: ['Manufacturer: Generic', 'Model: GSM Modem', 'Revision: 1.0.0', 'IMEI: 490154203237518', '+GCAP: +CGSM,+DS,+ES'],
  prefixedIdentity: [],
  storage: { mems: ['SM', 'ME'], sizes: { SM: 30, ME: 100 }, indexBase: 1, defaults: ['SM', 'SM', 'SM'] },
  cnmi: { mode: [0, 1, 2, 3], mt: [0, 1, 2, 3], bm: [0, 1, 2, 3], ds: [0, 1, 2], bfr: [0, 1], defaults: [0, 0, 0, 0, 0] },
  lte: true,
  bootUrcs: ['RDY'],
  simUrcs: [],
  resetDropsUsb: false,
  bootMs: 300,
  maxContexts: 8,
};
