import type { AtCommand } from '../../at/command.js';
import { textAnswer } from './params.js';
import { TIMEOUTS } from './timeouts.js';

/** Identity queries answer in bare text (27.007 §5.1–§5.3, V.250 §6.1.3 ATI). */
function textCommand(text: string, prefixes: readonly string[]): AtCommand<string> {
  return { text, timeoutMs: TIMEOUTS.identity, parse: (r) => textAnswer(r.lines, prefixes) };
}

/** ATI: all lines joined (vendors print manufacturer, model, revision). V.250 §6.1.3. */
export const ati: AtCommand<string> = { text: 'ATI', timeoutMs: TIMEOUTS.identity, parse: (r) => r.lines.join('\n') };
/** 27.007 §5.1 +CGMI manufacturer. */
export const cgmi = textCommand('AT+CGMI', ['+CGMI:']);
/** 27.007 §5.2 +CGMM model. */
export const cgmm = textCommand('AT+CGMM', ['+CGMM:']);
/** 27.007 §5.3 +CGMR revision. */
export const cgmr = textCommand('AT+CGMR', ['+CGMR:', 'Revision:']);
