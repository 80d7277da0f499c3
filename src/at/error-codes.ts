/**
 * The spec's error numbers and their verbose texts, both ways. A modem answers with the
 * number after AT+CMEE=1 and with the text after AT+CMEE=2 (3GPP 27.007 §9.1); some
 * firmwares ignore the setting, so both forms are mapped back to the number here.
 */

/** 3GPP 27.007 §9.2.1 (general) and §9.2.2 (GPRS/EPS) +CME ERROR values. */
export const CME_ERRORS: Readonly<Record<number, string>> = {
  0: 'phone failure',
  1: 'no connection to phone',
  2: 'phone-adaptor link reserved',
  3: 'operation not allowed',
  4: 'operation not supported',
  5: 'PH-SIM PIN required',
  6: 'PH-FSIM PIN required',
  7: 'PH-FSIM PUK required',
  10: 'SIM not inserted',
  11: 'SIM PIN required',
  12: 'SIM PUK required',
  13: 'SIM failure',
  14: 'SIM busy',
  15: 'SIM wrong',
  16: 'incorrect password',
  17: 'SIM PIN2 required',
  18: 'SIM PUK2 required',
  20: 'memory full',
  21: 'invalid index',
  22: 'not found',
  23: 'memory failure',
  24: 'text string too long',
  25: 'invalid characters in text string',
  26: 'dial string too long',
  27: 'invalid characters in dial string',
  30: 'no network service',
  31: 'network timeout',
  32: 'network not allowed - emergency calls only',
  40: 'network personalization PIN required',
  41: 'network personalization PUK required',
  42: 'network subset personalization PIN required',
  43: 'network subset personalization PUK required',
  44: 'service provider personalization PIN required',
  45: 'service provider personalization PUK required',
  46: 'corporate personalization PIN required',
  47: 'corporate personalization PUK required',
  48: 'hidden key required',
  49: 'EAP method not supported',
  50: 'incorrect parameters',
  100: 'unknown',
  103: 'illegal MS',
  106: 'illegal ME',
  107: 'GPRS services not allowed',
  111: 'PLMN not allowed',
  112: 'location area not allowed',
  113: 'roaming not allowed in this location area',
  132: 'service option not supported',
  133: 'requested service option not subscribed',
  134: 'service option temporarily out of order',
  148: 'unspecified GPRS error',
  149: 'PDP authentication failure',
  150: 'invalid mobile class',
};

/**
 * 3GPP 27.005 §3.2.5 +CMS ERROR values. 0…127 are the RP causes of 3GPP 24.011 Annex E-2,
 * 128…255 the TP-Failure-Cause values of 3GPP 23.040 §9.2.3.22, 300… are the ME/TA's own.
 */
export const CMS_ERRORS: Readonly<Record<number, string>> = {
  1: 'unassigned (unallocated) number',
  8: 'operator determined barring',
  10: 'call barred',
  17: 'network failure',
  21: 'short message transfer rejected',
  22: 'memory capacity exceeded',
  27: 'destination out of service',
  28: 'unidentified subscriber',
  29: 'facility rejected',
  30: 'unknown subscriber',
  38: 'network out of order',
  41: 'temporary failure',
  42: 'congestion',
  47: 'resources unavailable, unspecified',
  50: 'requested facility not subscribed',
  69: 'requested facility not implemented',
  81: 'invalid short message transfer reference value',
  95: 'invalid message, unspecified',
  96: 'invalid mandatory information',
  97: 'message type non-existent or not implemented',
  98: 'message not compatible with short message protocol state',
  99: 'information element non-existent or not implemented',
  111: 'protocol error, unspecified',
  127: 'interworking, unspecified',
  128: 'telematic interworking not supported',
  129: 'short message type 0 not supported',
  130: 'cannot replace short message',
  143: 'unspecified TP-PID error',
  144: 'data coding scheme (alphabet) not supported',
  145: 'message class not supported',
  159: 'unspecified TP-DCS error',
  160: 'command cannot be actioned',
  161: 'command unsupported',
  175: 'unspecified TP-Command error',
  176: 'TPDU not supported',
  192: 'SC busy',
  193: 'no SC subscription',
  194: 'SC system failure',
  195: 'invalid SME address',
  196: 'destination SME barred',
  197: 'SM rejected-duplicate SM',
  198: 'TP-VPF not supported',
  199: 'TP-VP not supported',
  208: '(U)SIM SMS storage full',
  209: 'no SMS storage capability in (U)SIM',
  210: 'error in MS',
  211: 'memory capacity exceeded',
  212: '(U)SIM application toolkit busy',
  213: '(U)SIM data download error',
  255: 'unspecified error cause',
  300: 'ME failure',
  301: 'SMS service of ME reserved',
  302: 'operation not allowed',
  303: 'operation not supported',
  304: 'invalid PDU mode parameter',
  305: 'invalid text mode parameter',
  310: '(U)SIM not inserted',
  311: '(U)SIM PIN required',
  312: 'PH-(U)SIM PIN required',
  313: '(U)SIM failure',
  314: '(U)SIM busy',
  315: '(U)SIM wrong',
  316: '(U)SIM PUK required',
  317: '(U)SIM PIN2 required',
  318: '(U)SIM PUK2 required',
  320: 'memory failure',
  321: 'invalid memory index',
  322: 'memory full',
  330: 'SMSC address unknown',
  331: 'no network service',
  332: 'network timeout',
  340: 'no +CNMA acknowledgement expected',
  500: 'unknown error',
};

/** Verbose texts seen from firmwares that differ from the spec's wording, by number. */
const CME_ALIASES: Readonly<Record<string, number>> = {
  'sim not inserted': 10,
  'sim not present': 10,
  'no sim': 10,
  'sim pin necessary': 11,
  'sim puk necessary': 12,
  'unknown error': 100,
};

const CMS_ALIASES: Readonly<Record<string, number>> = {
  'sim not inserted': 310,
  'sim pin required': 311,
  'sim puk required': 316,
  'sim failure': 313,
  'sim busy': 314,
  'invalid memory index': 321,
  'unknown': 500,
};

function normalize(text: string): string {
  return text.trim().replace(/^"|"$/g, '').replace(/\s+/g, ' ').toLowerCase();
}

function reverse(table: Readonly<Record<number, string>>, aliases: Readonly<Record<string, number>>): Map<string, number> {
  const map = new Map<string, number>();
  for (const [num, text] of Object.entries(table)) map.set(normalize(text), Number(num));
  for (const [text, num] of Object.entries(aliases)) if (!map.has(text)) map.set(text, num);
  return map;
}

const CME_BY_TEXT = reverse(CME_ERRORS, CME_ALIASES);
const CMS_BY_TEXT = reverse(CMS_ERRORS, CMS_ALIASES);

export interface SpecError {
  /** The spec number, or undefined when a verbose text is not in the table. */
  readonly code: number | undefined;
  /** The spec's meaning (or the modem's own text when the number is unknown to us). */
  readonly text: string;
}

function decode(raw: string, table: Readonly<Record<number, string>>, byText: Map<string, number>): SpecError {
  const value = raw.trim();
  if (/^\d+$/.test(value)) {
    const code = Number(value);
    return { code, text: table[code] ?? `error ${code}` };
  }
  const code = byText.get(normalize(value));
  return { code, text: code === undefined ? value : (table[code] ?? value) };
}

/** "+CME ERROR: 10" / "+CME ERROR: SIM not inserted" → { code: 10, text }. 3GPP 27.007 §9.2. */
export function decodeCmeError(value: string): SpecError {
  return decode(value, CME_ERRORS, CME_BY_TEXT);
}

/** "+CMS ERROR: 500" / "+CMS ERROR: unknown error" → { code: 500, text }. 3GPP 27.005 §3.2.5. */
export function decodeCmsError(value: string): SpecError {
  return decode(value, CMS_ERRORS, CMS_BY_TEXT);
}
