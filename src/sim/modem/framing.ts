/**
 * How the modem frames what it writes (ITU-T V.250 §5.7): information text and final result
 * codes with CR LF around them in verbose mode (ATV1), bare text and a numeric code ended by CR
 * in numeric mode (ATV0); +CME/+CMS ERROR per +CMEE (27.007 §9.1, 27.005 §3.2.5); URCs
 * placed inside the reply where `spots` says (./interleave.ts).
 */
import { CME_ERRORS, CMS_ERRORS } from '../../at/error-codes.js';
import type { Settings } from './state.js';
import type { FinalResult } from './types.js';

type Framing = Pick<Settings, 'verbose' | 'quiet' | 'cmee'>;

export function frameUrc(line: string, s: Framing): string {
  return s.verbose ? `\r\n${line}\r\n` : `${line}\r\n`;
}

export function finalText(final: FinalResult, s: Framing): string | undefined {
  switch (final.kind) {
    case 'ok':
      return s.verbose ? 'OK' : '0';
    case 'error':
      return s.verbose ? 'ERROR' : '4';
    case 'cme':
      if (s.cmee === 0) return s.verbose ? 'ERROR' : '4';
      return `+CME ERROR: ${s.cmee === 2 ? (CME_ERRORS[final.code] ?? String(final.code)) : final.code}`;
    case 'cms':
      // 27.005 §3.2.5: +CMS ERROR is reported whatever +CMEE says; +CMEE=2 makes it verbose.
      return `+CMS ERROR: ${s.cmee === 2 ? (CMS_ERRORS[final.code] ?? String(final.code)) : final.code}`;
    case 'text':
      return final.text;
    case 'none':
      return undefined;
  }
}

export interface ReplyUrcs {
  /** URC lines to put inside the reply, with where each goes (Interleaver.place). */
  readonly inside: readonly string[];
  readonly spots: readonly { block: number; line: number }[];
  /** The urcInsideNextResponse fault: after the first information block. */
  readonly fault?: string;
}

/** The bytes of one reply: information blocks (one per command of the line), URCs, final result. */
export function frameReply(blocks: readonly (readonly string[])[], final: FinalResult, s: Framing, urcs: ReplyUrcs): string {
  const frameBlock = (b: readonly string[]): string => (s.verbose ? `\r\n${b.join('\r\n')}\r\n` : `${b.join('\r\n')}\r\n`);
  const at = (block: number, line: number): string[] =>
    urcs.inside.filter((_, i) => urcs.spots[i]?.block === block && urcs.spots[i]?.line === line).map((u) => frameUrc(u, s));
  const parts: string[] = [];
  blocks.forEach((b, j) => {
    let start = 0;
    for (let line = 0; line < b.length; line++) {
      const here = at(j, line);
      if (here.length === 0) continue;
      if (line > start) parts.push(frameBlock(b.slice(start, line)));
      parts.push(...here);
      start = line;
    }
    parts.push(frameBlock(b.slice(start)));
  });
  if (urcs.fault !== undefined) parts.splice(Math.min(1, parts.length), 0, frameUrc(urcs.fault, s));
  parts.push(...at(blocks.length, 0));
  const text = s.quiet ? undefined : finalText(final, s);
  if (text !== undefined) {
    const framed = s.verbose || final.kind === 'cme' || final.kind === 'cms' || final.kind === 'text';
    parts.push(framed ? (s.verbose ? `\r\n${text}\r\n` : `${text}\r\n`) : `${text}\r`);
  }
  return parts.join('');
}
