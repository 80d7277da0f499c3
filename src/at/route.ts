import type { AtCommand } from './command.js';
import { finalKind, type FinalKind } from './errors.js';
import { REGISTRATION_PREFIXES, isRegistrationQueryResponse, type UrcTable } from './urc.js';

/**
 * Whose a line is: the rule the channel applies to every line, in this order (docs/MODEM.md).
 * Pure: it decides; the channel acts.
 *
 *  0. Echo (V.250 §6.2.4 ATE1): the command line coming back is skipped.
 *  1. A final result code ends the command in flight. The call-progress codes (NO CARRIER,
 *     BUSY, NO ANSWER, NO DIALTONE) do so only for ATD/ATA/ATO/+CGDATA or a command with a data
 *     phase; otherwise, and with no command in flight, NO CARRIER is a notification. A stray
 *     OK/ERROR with no command in flight is the late answer of an abandoned one: dropped.
 *  2. A line with a prefix the running command declared is a response, unless that prefix
 *     is also a notification and the command's `isResponse` (for registration: the query
 *     form, 3GPP 27.007 §7.2) rejects the line.
 *  3. A line that matches a notification prefix (./urc.ts, or one a profile added) is a URC.
 *  4. A command that declared no prefixes (ATI, +CGMI, +CGSN: bare text answers) takes
 *     any other line as a response.
 *  5. Anything else is unexpected: logged and offered to subscribers as a URC named by its
 *     prefix, never given to a command.
 */
export type LineRoute =
  | { readonly to: 'echo' }
  /** CONNECT of a command with a data phase (`rawAfter`): a line of its answer, not its end. */
  | { readonly to: 'connect' }
  | { readonly to: 'final'; readonly kind: FinalKind }
  | { readonly to: 'response' }
  | { readonly to: 'urc'; readonly prefix: string }
  | { readonly to: 'unexpected' }
  /** A final result with no command in flight (rule 1). */
  | { readonly to: 'stray-final' };

/** V.250 §6.3 call-progress results: final only for commands that place or resume a call. */
const CALL_PROGRESS: ReadonlySet<FinalKind> = new Set(['AT_NO_CARRIER', 'AT_BUSY', 'AT_NO_ANSWER', 'AT_NO_DIALTONE']);

function takesCallProgress(command: AtCommand<unknown>): boolean {
  return command.callProgress ?? (/^AT(D|A$|O\d?$|\+CGDATA)/i.test(command.text) || command.rawAfter !== undefined);
}

/** Routes `line`, given the command in flight (undefined: none) and the notification prefixes. */
export function routeLine(line: string, command: AtCommand<unknown> | undefined, urcs: UrcTable): LineRoute {
  if (/^AT/i.test(line) && (!command || line.toUpperCase() === command.text.toUpperCase())) return { to: 'echo' };
  const kind = finalKind(line);
  if (command) {
    if (kind === 'connect' && command.rawAfter) return { to: 'connect' };
    if (kind !== undefined && (!CALL_PROGRESS.has(kind) || takesCallProgress(command))) return { to: 'final', kind };
    const urcPrefix = urcs.match(line);
    if (command.prefixes?.some((p) => line.startsWith(p)) && (urcPrefix === undefined || answers(command, line, urcPrefix))) return { to: 'response' };
    if (urcPrefix !== undefined) return { to: 'urc', prefix: urcPrefix };
    if (!command.prefixes) return { to: 'response' };
    return { to: 'unexpected' };
  }
  if (kind !== undefined && kind !== 'AT_NO_CARRIER') return { to: 'stray-final' };
  const urcPrefix = urcs.match(line);
  return urcPrefix === undefined ? { to: 'unexpected' } : { to: 'urc', prefix: urcPrefix };
}

function answers(command: AtCommand<unknown>, line: string, urcPrefix: string): boolean {
  if (command.isResponse) return command.isResponse(line);
  if (REGISTRATION_PREFIXES.has(urcPrefix)) return isRegistrationQueryResponse(line);
  return true;
}
