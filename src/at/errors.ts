import { MmsgwError } from '../util/errors.js';
import { decodeCmeError, decodeCmsError } from './error-codes.js';

/** Every way an AT transaction can fail. The spec number (+CME/+CMS) travels in `specCode`. */
export type AtErrorCode =
  | 'AT_ERROR'
  | 'AT_CME_ERROR'
  | 'AT_CMS_ERROR'
  | 'AT_NO_CARRIER'
  | 'AT_BUSY'
  | 'AT_NO_ANSWER'
  | 'AT_NO_DIALTONE'
  | 'AT_TIMEOUT'
  | 'AT_PORT_CLOSED'
  | 'AT_ABORTED'
  | 'AT_PARSE';

export class AtError extends MmsgwError {
  declare readonly code: AtErrorCode;
  /** The command line that failed (without the trailing CR), when there was one. */
  readonly command: string | undefined;

  constructor(code: AtErrorCode, message: string, options?: { command?: string; specCode?: number; cause?: unknown; details?: Record<string, unknown> }) {
    super(code, options?.command ? `${options.command}: ${message}` : message, {
      specCode: options?.specCode,
      cause: options?.cause,
      details: { ...options?.details, command: options?.command },
    });
    this.command = options?.command;
  }
}

export function isAtError(e: unknown, code?: AtErrorCode): e is AtError {
  return e instanceof AtError && (code === undefined || e.code === code);
}

/** The final result codes of V.250 §5.7.1 plus the 27.007/27.005 extended error forms. */
export type FinalKind = 'ok' | 'connect' | AtErrorCode;

const FIXED: Readonly<Record<string, FinalKind>> = {
  OK: 'ok',
  ERROR: 'AT_ERROR',
  'NO CARRIER': 'AT_NO_CARRIER',
  BUSY: 'AT_BUSY',
  'NO ANSWER': 'AT_NO_ANSWER',
  'NO DIALTONE': 'AT_NO_DIALTONE',
  'NO DIAL TONE': 'AT_NO_DIALTONE',
};

/**
 * Classifies a line as a final result code, or undefined when it is not one.
 * `CONNECT[ <text>]` is reported as 'connect' (V.250 §5.7.1); whether it ends a command or
 * starts a data phase is the command's business.
 */
export function finalKind(line: string): FinalKind | undefined {
  const fixed = FIXED[line];
  if (fixed) return fixed;
  if (line.startsWith('+CME ERROR:')) return 'AT_CME_ERROR';
  if (line.startsWith('+CMS ERROR:')) return 'AT_CMS_ERROR';
  if (line === 'CONNECT' || line.startsWith('CONNECT ')) return 'connect';
  return undefined;
}

/** Builds the typed error for a failing final result line. */
export function errorFromFinal(line: string, command: string | undefined): AtError {
  const kind = finalKind(line);
  if (kind === 'AT_CME_ERROR') {
    const e = decodeCmeError(line.slice('+CME ERROR:'.length));
    return new AtError('AT_CME_ERROR', `+CME ERROR ${e.code ?? '?'}: ${e.text}`, { command, specCode: e.code, details: { final: line } });
  }
  if (kind === 'AT_CMS_ERROR') {
    const e = decodeCmsError(line.slice('+CMS ERROR:'.length));
    return new AtError('AT_CMS_ERROR', `+CMS ERROR ${e.code ?? '?'}: ${e.text}`, { command, specCode: e.code, details: { final: line } });
  }
  const code: AtErrorCode = kind === undefined || kind === 'ok' || kind === 'connect' ? 'AT_ERROR' : kind;
  return new AtError(code, line, { command, details: { final: line } });
}
