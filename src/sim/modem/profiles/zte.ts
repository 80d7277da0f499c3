/**
 * ZTE MF667-class 3G stick: no +CEREG, ME/SM/MT storage with 0-based indices, +ZUSIMR and
 * +ZPASR (technology name) reporting in ZTE's style.
 */
import type { ModemProfile } from '../types.js';

const PASR: Readonly<Record<number, string>> = { 0: 'GSM', 2: 'UMTS', 3: 'EDGE', 4: 'HSDPA', 6: 'HSPA' };

export const zte: ModemProfile = {
  name: 'zte',
  identity: { manufacturer: 'ZTE INCORPORATED', model: 'MF667', revision: 'BD_TMOP673M3V1.0.0B07', imei: '861011021234567' },
  ati: ['Manufacturer: ZTE INCORPORATED', 'Model: MF667', 'Revision: BD_TMOP673M3V1.0.0B07', 'IMEI: 861011021234567', '+GCAP: +CGSM,+DS,+ES'],
  prefixedIdentity: [],
  storage: { mems: ['SM', 'ME', 'MT'], sizes: { SM: 30, ME: 100 }, indexBase: 0, defaults: ['SM', 'SM', 'SM'] },
  cnmi: { mode: [1, 2, 3], mt: [0, 1, 2, 3], bm: [0, 2], ds: [0, 1, 2], bfr: [0, 1], defaults: [1, 0, 0, 0, 0] },
  lte: false,
  bootUrcs: ['+ZUSIMR:2'],
  simUrcs: [],
  resetDropsUsb: true,
  bootMs: 800,
  modeUrc: (_state, act) => (PASR[act] === undefined ? undefined : `+ZPASR: "${PASR[act]}"`),
  simBusyMs: 1500,
  maxContexts: 8,
};
