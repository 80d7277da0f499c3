import type { AtCommand } from '../../at/command.js';
import { TIMEOUTS } from './timeouts.js';

/**
 * 27.005 §3.4.1 +CNMI=<mode>,<mt>,<bm>,<ds>,<bfr>: how new messages are indicated.
 * <mt>=1 stores and sends +CMTI; <mt>=2 routes SMS-DELIVERs directly as +CMT (class 2 still
 * stored); <ds>=1 routes status reports as +CDS, <ds>=2 stores them with +CDSI.
 */
export interface CnmiSetting {
  readonly mode: number;
  readonly mt: number;
  readonly bm: number;
  readonly ds: number;
  readonly bfr: number;
}

export function formatCnmi(s: CnmiSetting): string {
  return `AT+CNMI=${s.mode},${s.mt},${s.bm},${s.ds},${s.bfr}`;
}

export function cnmi(s: CnmiSetting): AtCommand<void> {
  return { text: formatCnmi(s), timeoutMs: TIMEOUTS.local, parse: () => undefined };
}
