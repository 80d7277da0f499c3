/**
 * Unsolicited result codes: which prefixes announce a notification rather than an answer, and
 * the record a subscriber gets. The rule that decides, for every line, between final result,
 * response and notification (and in which order) is ./route.ts.
 */
export interface Urc {
  /** The prefix without the trailing colon (`+CMTI`, `^RSSI`, `RING`, `RDY`). */
  readonly name: string;
  /** The whole line. */
  readonly line: string;
  /** What follows `name:` trimmed ('' for bare codes like RING). */
  readonly value: string;
  /** The PDU line that followed (+CMT, +CDS, +CBM). */
  readonly pdu?: string;
  /** True when the line matched no known notification (rule 5 of ./route.ts). */
  readonly unexpected?: boolean;
}

/** Notifications from 3GPP 27.005 §3.4.1 / 27.007 and the common vendor ones. */
export const STANDARD_URC_PREFIXES: readonly string[] = [
  '+CMTI:', '+CMT:', '+CDS:', '+CDSI:', '+CBM:', '+CBMI:', // 27.005 §3.4.1
  '+CREG:', '+CGREG:', '+CEREG:', '+C5GREG:', // 27.007 §7.2, §10.1.20, §10.1.22
  '+CPIN:', '+CUSD:', '+CIEV:', '+CRING:', '+CLIP:', '+CCWA:', '+CGEV:', '+CTZV:', '+CTZE:', '+CMEREADY', '+CSSI:', '+CSSU:',
  'RING', 'NO CARRIER', 'RDY', '+PBREADY', 'SMS READY', 'Call Ready',
];

/** Bare codes that are notifications on their own (no colon). */
const BARE = new Set(['RING', 'NO CARRIER', 'RDY', '+PBREADY', 'SMS READY', 'Call Ready', '+CMEREADY']);

/** Notifications whose next line is a PDU (27.005 §3.4.1). */
export const PDU_URCS: ReadonlySet<string> = new Set(['+CMT', '+CDS', '+CBM']);

/** Registration prefixes whose URC form and query-response form share the prefix. */
export const REGISTRATION_PREFIXES: ReadonlySet<string> = new Set(['+CREG:', '+CGREG:', '+CEREG:', '+C5GREG:']);

export class UrcTable {
  private readonly prefixes: string[] = [...STANDARD_URC_PREFIXES];

  add(prefixes: readonly string[]): void {
    for (const p of prefixes) if (!this.prefixes.includes(p)) this.prefixes.push(p);
  }

  /** The known notification prefix a line starts with, if any. */
  match(line: string): string | undefined {
    for (const p of this.prefixes) {
      if (BARE.has(p) ? line === p : line.startsWith(p)) return p;
    }
    return undefined;
  }
}

/** Builds the Urc record for a line (prefix known or not). */
export function toUrc(line: string, prefix: string | undefined, pdu?: string): Urc {
  if (prefix !== undefined && BARE.has(prefix)) return { name: prefix, line, value: '' };
  const colon = line.indexOf(':');
  const name = colon > 0 ? line.slice(0, colon) : line;
  const value = colon > 0 ? line.slice(colon + 1).trim() : '';
  const base = { name, line, value, ...(pdu === undefined ? {} : { pdu }) };
  return prefix === undefined ? { ...base, unexpected: true } : base;
}

/**
 * 3GPP 27.007 §7.2: the read command answers `+CREG: <n>,<stat>[,<lac>,<ci>[,<AcT>]]` while
 * the URC is `+CREG: <stat>[,<lac>,<ci>[,<AcT>]]`. The answer's second field is a bare
 * number; the URC's second field is absent or a quoted <lac>. Same for +CGREG/+CEREG.
 */
export function isRegistrationQueryResponse(line: string): boolean {
  const colon = line.indexOf(':');
  if (colon < 0) return false;
  const fields = line.slice(colon + 1).split(',').map((f) => f.trim());
  return fields.length >= 2 && /^\d+$/.test(fields[0] ?? '') && /^\d+$/.test(fields[1] ?? '');
}
