/**
 * Connectionless WSP push (WAP-230-WSP §8.2.4.1, carried as WAP-251 PushMessage):
 *   TID(1) PDU-type(1: 0x06 Push, 0x07 ConfirmedPush) HeadersLen(uintvar) ContentType Headers Data
 * HeadersLen covers ContentType and Headers. X-Wap-Application-Id (WAP-251 §6.2.2.1) names the
 * user agent the push is for: 0x04 `x-wap-application:mms.ua` for MMS notifications.
 */
import type { DecodeError } from '../../util/errors.js';
import type { Result } from '../../util/result.js';
import { readContentType, writeContentType } from './content-type.js';
import { Cursor } from './cursor.js';
import { guard } from './guard.js';
import { makeHeader, readHeaders, writeHeaders } from './headers.js';
import { readIntegerValue, readTextString } from './primitives.js';
import type { WapPush, WspHeader } from './types.js';
import { FIELD, applicationIdCode } from './well-known.js';
import { Writer } from './writer.js';

export const PDU_PUSH = 0x06;
export const PDU_CONFIRMED_PUSH = 0x07;

export function decodePush(bytes: Uint8Array): Result<WapPush, DecodeError> {
  return guard('push', () => readPush(new Cursor(bytes)));
}

/** How far a push's HeadersLen may be off for the header block to be found anyway. */
export const MAX_HEADERS_LEN_SKEW = 8;

const MMS_TYPE = 'application/vnd.wap.mms-message';

export function readPush(c: Cursor): WapPush {
  const transactionId = c.u8('push.TID');
  const pduType = c.u8('push.PDU-Type');
  if (pduType !== PDU_PUSH && pduType !== PDU_CONFIRMED_PUSH) {
    c.fail('push.PDU-Type', `0x${pduType.toString(16)} is not a Push (0x06) or ConfirmedPush (0x07) PDU`, c.pos - 1);
  }
  const lenAt = c.pos;
  const headersLen = c.uintvar('push.HeadersLen');
  const after = c.pos;
  let fault: unknown;
  try {
    const p = headerBlock(c, headersLen);
    if (!looksMms(p) || startsMmsPdu(p.body)) return finish(transactionId, pduType, p);
  } catch (e) {
    fault = e;
  }
  // Robustness (WAP-230-WSP §8.2.4.1 says HeadersLen covers ContentType and Headers): some
  // senders count it a few octets off. For an MMS push the body must be an MMS PDU
  // (X-Mms-Message-Type first, OMA-TS-MMS_ENC §7.1), which tells where the header block really
  // ends: the nearest length within MAX_HEADERS_LEN_SKEW that parses and leaves such a body wins.
  for (let d = 1; d <= MAX_HEADERS_LEN_SKEW; d++) {
    for (const n of [headersLen - d, headersLen + d]) {
      if (n < 1) continue;
      const at = new Cursor(c.bytes, after, c.end, c.base);
      let p: HeaderBlock;
      try {
        p = headerBlock(at, n);
      } catch {
        continue;
      }
      if (!looksMms(p) || !startsMmsPdu(p.body)) continue;
      c.pos = at.pos;
      const warning = `push.HeadersLen at offset ${c.offset(lenAt)} says ${headersLen} octets, the header block has ${n} (WAP-230-WSP §8.2.4.1)`;
      return finish(transactionId, pduType, p, warning);
    }
  }
  if (fault !== undefined) throw fault;
  // No better reading: the push as its length says, its body for the MMS decoder to judge.
  c.pos = after;
  return finish(transactionId, pduType, headerBlock(c, headersLen));
}

interface HeaderBlock {
  contentType: WapPush['contentType'];
  headers: WspHeader[];
  body: Uint8Array;
}

function headerBlock(c: Cursor, headersLen: number): HeaderBlock {
  const h = c.sub(headersLen, 'push.Headers');
  const contentType = readContentType(h, 'push.ContentType');
  const headers = readHeaders(h, 'push.Headers');
  const body = c.take(c.remaining, 'push.Data');
  return { contentType, headers, body };
}

function looksMms(p: HeaderBlock): boolean {
  return p.contentType.mediaType === MMS_TYPE;
}

/** X-Mms-Message-Type (0x8C) and a message type value (0x80–0x97, OMA-TS-MMS_ENC §7.3.30). */
function startsMmsPdu(body: Uint8Array): boolean {
  const t = body[1] ?? 0;
  return body[0] === 0x8c && t >= 0x80 && t <= 0x97;
}

function finish(transactionId: number, pduType: number, p: HeaderBlock, warning?: string): WapPush {
  const app = p.headers.find((x) => x.code === FIELD.xWapApplicationId);
  const applicationId = app ? applicationIdOf(app) : undefined;
  return {
    transactionId,
    pduType,
    contentType: p.contentType,
    headers: p.headers,
    ...(applicationId === undefined ? {} : { applicationId }),
    body: p.body,
    ...(warning ? { warnings: [warning] } : {}),
  };
}

/** The id of an X-Wap-Application-Id header: its number, or its URN text. */
export function applicationIdOf(h: WspHeader): number | string | undefined {
  const c = new Cursor(h.raw);
  try {
    const b = c.peek('X-Wap-Application-Id');
    if (b >= 0x80 || b <= 30) return readIntegerValue(c, 'X-Wap-Application-Id').value;
    return readTextString(c, 'X-Wap-Application-Id').text;
  } catch {
    return undefined;
  }
}

/** True when the push is addressed to the MMS user agent (by number or by name). */
export function isMmsPush(p: WapPush): boolean {
  return p.applicationId === 0x04 || (typeof p.applicationId === 'string' && applicationIdCode(p.applicationId) === 0x04)
    || p.contentType.mediaType === 'application/vnd.wap.mms-message';
}

/**
 * Encodes a push. `applicationId` wins over a disagreeing X-Wap-Application-Id header; a push
 * built from scratch gets the header appended after the others.
 */
export function encodePush(push: WapPush): Uint8Array {
  const headers = withApplicationId(push.headers, push.applicationId);
  const h = new Writer();
  writeContentType(h, push.contentType);
  writeHeaders(h, headers);
  const head = h.finish();
  const w = new Writer();
  w.u8(push.transactionId).u8(push.pduType).uintvar(head.length).bytes(head).bytes(push.body);
  return w.finish();
}

function withApplicationId(headers: readonly WspHeader[], id: string | number | undefined): WspHeader[] {
  const out = [...headers];
  if (id === undefined) return out;
  const i = out.findIndex((x) => x.code === FIELD.xWapApplicationId);
  const current = i < 0 ? undefined : applicationIdOf(out[i] as WspHeader);
  if (current === id) return out;
  const made = makeHeader('X-Wap-Application-Id', id);
  if (i < 0) out.push(made);
  else out[i] = made;
  return out;
}
