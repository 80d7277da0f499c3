/**
 * The user-data half of an outgoing TPDU (TP-DCS, TP-UDHI, TP-UDL, TP-UD), shared by the
 * SMS-SUBMIT and SMS-DELIVER encoders. 3GPP 23.040 §9.2.3.16 / §9.2.3.24, 23.038 §4.
 */
import { MmsgwError } from '../../util/errors.js';
import { encodeDcs } from './dcs.js';
import { packSeptets } from './gsm7.js';
import { planData, planText } from './segment.js';
import { SMS_ENCODE } from './reader.js';
import { buildUdh, type HeaderSpec } from './udh.js';
import type { AlphabetChoice, LanguageChoice, SmsAlphabet } from './types.js';

export interface UserDataPart {
  readonly dcs: number;
  readonly udhi: boolean;
  readonly udl: number;
  readonly ud: readonly number[];
}

export interface OutgoingContent {
  readonly text?: string;
  readonly data?: Uint8Array;
  readonly port?: { readonly dst: number; readonly src?: number };
  readonly reference?: number;
  readonly referenceBits?: 8 | 16;
  readonly alphabet?: AlphabetChoice;
  readonly nationalLanguage?: LanguageChoice;
  readonly messageClass?: 0 | 1 | 2 | 3;
}

function buildPart(alphabet: SmsAlphabet, values: readonly number[], header: HeaderSpec, messageClass?: 0 | 1 | 2 | 3): UserDataPart {
  const h = buildUdh(header);
  const dcs = encodeDcs(alphabet, messageClass);
  if (alphabet === 'gsm7') {
    // §9.2.3.24: fill bits after the header so the first septet starts on a septet boundary.
    const headerSeptets = Math.ceil((h.length * 8) / 7);
    const fill = headerSeptets * 7 - h.length * 8;
    return { dcs, udhi: h.length > 0, udl: headerSeptets + values.length, ud: [...h, ...packSeptets(values, fill)] };
  }
  if (alphabet === 'ucs2') {
    const ud = [...h];
    for (const u of values) ud.push(u >> 8, u & 0xff);
    return { dcs, udhi: h.length > 0, udl: ud.length, ud };
  }
  return { dcs, udhi: h.length > 0, udl: h.length + values.length, ud: [...h, ...values] };
}

function checkPort(p: number, name: string): void {
  if (!Number.isInteger(p) || p < 0 || p > 0xffff) throw new MmsgwError(SMS_ENCODE, `${name} port ${p} is not 0–65535`);
}

/** Splits the content and returns one user-data part per TPDU. */
export function userDataParts(c: OutgoingContent): UserDataPart[] {
  if ((c.text === undefined) === (c.data === undefined)) throw new MmsgwError(SMS_ENCODE, 'exactly one of text and data is required');
  const refBits = c.referenceBits ?? 8;
  const ref = c.reference ?? 0;
  if (!Number.isInteger(ref) || ref < 0 || ref >= 2 ** refBits) throw new MmsgwError(SMS_ENCODE, `concatenation reference ${ref} does not fit ${refBits} bits`);
  let port: { dst: number; src: number } | undefined;
  if (c.port) {
    checkPort(c.port.dst, 'destination');
    const src = c.port.src ?? c.port.dst;
    checkPort(src, 'source');
    port = { dst: c.port.dst, src };
  }
  let alphabet: SmsAlphabet;
  let parts: readonly (readonly number[])[];
  let lang: Pick<HeaderSpec, 'locking' | 'single'> = {};
  if (c.data !== undefined) {
    alphabet = '8bit';
    parts = planData(c.data, { ...(port ? { port } : {}), refBits });
  } else {
    const plan = planText(c.text ?? '', {
      ...(port ? { port } : {}),
      refBits,
      ...(c.alphabet ? { alphabet: c.alphabet } : {}),
      ...(c.nationalLanguage ? { nationalLanguage: c.nationalLanguage } : {}),
    });
    alphabet = plan.alphabet;
    parts = plan.parts;
    if (plan.alphabet === 'gsm7') lang = { ...(plan.locking ? { locking: plan.locking } : {}), ...(plan.single ? { single: plan.single } : {}) };
  }
  const total = parts.length;
  return parts.map((values, i) => {
    const header: HeaderSpec = {
      ...(total > 1 ? { concat: { ref, refBits, total, seq: i + 1 } } : {}),
      ...(port ? { port } : {}),
      ...lang,
    };
    return buildPart(alphabet, values, header, c.messageClass);
  });
}
