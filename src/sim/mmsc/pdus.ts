import { encodeMms } from '../../codec/mms/index.js';
import type { MmsAddress, MmsPart, MmsPdu } from '../../codec/mms/index.js';
import { APP_ID_MMS, PDU_PUSH, encodePush } from '../../codec/wsp/index.js';
import { encodeWapPushDeliver } from '../../codec/sms/index.js';

/** A PDU from scratch: the list fields every MmsPdu has, empty. */
export function mmsPdu(fields: Partial<MmsPdu> & Pick<MmsPdu, 'messageType'>): MmsPdu {
  return {
    to: [], cc: [], bcc: [], previouslySentBy: [], previouslySentDate: [], attributes: [], parts: [], unknownHeaders: [],
    ...fields,
  };
}

/** An address as a handset writes it: "+E.164/TYPE=PLMN" or an email address (OMA-TS-MMS_ENC §8). */
export function mmsAddress(addr: string): MmsAddress {
  if (addr.includes('@')) return { raw: addr, value: addr, type: 'email' };
  const value = addr.replace(/\/TYPE=PLMN$/i, '');
  const number = value.replace(/[^+\d]/g, '');
  return { raw: `${value}/TYPE=PLMN`, value, type: 'PLMN', number };
}

export interface SimPartInput {
  contentType: string;
  /** Text parts: the text (encoded in `charset`, default utf-8). */
  text?: string;
  charset?: string;
  body?: Uint8Array;
  name?: string;
  contentId?: string;
}

/** Turns handset-style part inputs into MmsParts (text encoded by its charset). */
export function toParts(inputs: readonly SimPartInput[]): MmsPart[] {
  return inputs.map((p, i) => {
    const charset = p.text !== undefined ? (p.charset ?? 'utf-8') : p.charset;
    const body = p.body ?? encodeCharset(p.text ?? '', charset ?? 'utf-8');
    const params: Record<string, string> = {};
    if (charset) params.charset = charset;
    const name = p.name ?? `part${i}`;
    params.name = name;
    return { contentType: p.contentType, params, name, charset, contentId: p.contentId ?? `<p${i}>`, contentLocation: name, body };
  });
}

function encodeCharset(text: string, charset: string): Uint8Array {
  switch (charset.toLowerCase()) {
    case 'us-ascii': return Buffer.from(text, 'ascii');
    case 'iso-8859-1': return Buffer.from(text, 'latin1');
    case 'utf-16':
    case 'iso-10646-ucs-2': {
      const le = Buffer.from(text, 'utf16le');
      return Buffer.concat([Buffer.from([0xfe, 0xff]), le.swap16()]);
    }
    default: return Buffer.from(text, 'utf8');
  }
}

/** The WAP Push carrying an MMS PDU (WAP-230-WSP §8.2.4.1, application id x-wap-application:mms.ua). */
export function wapPushFor(pdu: MmsPdu, tid: number): Uint8Array {
  return encodePush({
    transactionId: tid & 0xff,
    pduType: PDU_PUSH,
    contentType: { mediaType: 'application/vnd.wap.mms-message', params: {} },
    headers: [],
    applicationId: APP_ID_MMS,
    body: encodeMms(pdu),
  });
}

/**
 * SMS-DELIVER PDUs (hex, with SMSC) carrying a WAP Push as a carrier sends it: 8-bit data to
 * port 2948, concatenated with an 8-bit reference (3GPP 23.040 §9.2.3.24.1).
 */
export function pushPdus(push: Uint8Array, from: string, reference: number): string[] {
  return encodeWapPushDeliver(from, push, { reference: reference & 0xff }).map((p) => p.hex);
}
