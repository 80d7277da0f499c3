import type { AtCommand } from '../../at/command.js';
import { TIMEOUTS } from './timeouts.js';

/** 27.005 §3.2.3 +CMGF=0: PDU mode, the only mode in which binary (WAP Push) SMS survive intact. */
export const cmgfPdu: AtCommand<void> = { text: 'AT+CMGF=0', timeoutMs: TIMEOUTS.local, parse: () => undefined };
