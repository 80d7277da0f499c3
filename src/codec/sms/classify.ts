/**
 * What a received SMS is: text, a WAP Push carrying an MMS notification, another kind of push
 * the gateway does not handle (SI, SL, provisioning…), other binary data, or a status report.
 *
 * WAP Push arrives on WDP port 2948 (WSP connectionless) or 2949 (WSP secure), WAP-259-WDP
 * Appendix B. Some carriers send it without a port header, so 8-bit data is also sniffed for
 * the shape of a connectionless push (WAP-230-WSP §8.2.4.1: TID, PDU type 0x06, uintvar
 * headers length, content type). Sniffing is self-contained: only the few octets needed.
 */
import type { AssembledMessage, PortPair, SmsClassification, SmsTpdu } from './types.js';

export const WAP_PUSH_PORT = 2948;
export const WAP_PUSH_SECURE_PORT = 2949;
export const WAP_PUSH_SOURCE_PORT = 9200;

/** WSP PDU type "Push", WAP-230-WSP Table 34. */
const PDU_PUSH = 0x06;

const MMS_CONTENT_TYPE = 'application/vnd.wap.mms-message';

/** Well-known content types a push may carry (WAP-230-WSP Table 40, OMNA registry). */
const CONTENT_TYPES: Readonly<Record<number, string>> = {
  0x2d: 'text/vnd.wap.si',
  0x2e: 'application/vnd.wap.sic',
  0x2f: 'text/vnd.wap.sl',
  0x30: 'application/vnd.wap.slc',
  0x31: 'text/vnd.wap.co',
  0x32: 'application/vnd.wap.coc',
  0x34: 'application/vnd.wap.sia',
  0x35: 'text/vnd.wap.connectivity-xml',
  0x36: 'application/vnd.wap.connectivity-wbxml',
  0x3e: MMS_CONTENT_TYPE,
  0x42: 'application/vnd.syncml.dm+wbxml',
  0x43: 'application/vnd.syncml.dm+xml',
  0x44: 'application/vnd.syncml.notification',
};

/** uintvar, WAP-230-WSP §8.1.2: at most 5 octets. */
function uintvar(b: Uint8Array, at: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    const o = b[at + i];
    if (o === undefined) return undefined;
    value = value * 128 + (o & 0x7f);
    if ((o & 0x80) === 0) return { value, next: at + i + 1 };
  }
  return undefined;
}

function text(b: Uint8Array, at: number, end: number): string | undefined {
  let s = '';
  for (let i = at; i < end; i++) {
    const o = b[i] as number;
    if (o === 0) return s;
    if (o < 0x20 || o > 0x7e) return undefined;
    s += String.fromCharCode(o);
  }
  return undefined;
}

/** Media type inside a content-type value (WAP-230-WSP §8.4.2.24): well-known number or text. */
function mediaType(b: Uint8Array, at: number, end: number): string | number | undefined {
  const o = b[at];
  if (o === undefined || at >= end) return undefined;
  if (o >= 0x80) return o & 0x7f;
  if (o >= 0x20) return text(b, at, end)?.toLowerCase();
  if (o >= 1 && o <= 4 && at + 1 + o <= end) {
    // Long-integer: a well-known code written in several octets.
    let v = 0;
    for (let i = 1; i <= o; i++) v = v * 256 + (b[at + i] as number);
    return v;
  }
  return undefined;
}

/** A push-shaped payload; `contentType` is absent when its octets could not be read. */
export interface PushShape {
  readonly contentType?: string | number;
}

/**
 * Whether the octets look like a connectionless push: TID, PDU type 0x06 and a headers length
 * that fits the payload (§8.2.4.1). The form without a TID that some senders use is accepted
 * only when its content type also reads, so random data starting with 0x06 is not a push.
 */
export function sniffPush(b: Uint8Array): PushShape | undefined {
  for (const start of [1, 0]) {
    if (b[start] !== PDU_PUSH) continue;
    const hl = uintvar(b, start + 1);
    if (!hl || hl.value === 0 || hl.next + hl.value > b.length) continue;
    const end = hl.next + hl.value;
    const first = b[hl.next] as number;
    let ct: string | number | undefined;
    if (first < 0x1f) ct = mediaType(b, hl.next + 1, Math.min(end, hl.next + 1 + first));
    else if (first === 0x1f) {
      const len = uintvar(b, hl.next + 1);
      ct = len ? mediaType(b, len.next, Math.min(end, len.next + len.value)) : undefined;
    } else ct = mediaType(b, hl.next, end);
    if (ct !== undefined) return { contentType: typeof ct === 'number' ? (CONTENT_TYPES[ct] ?? ct) : ct };
    if (start === 1) return {};
  }
  return undefined;
}

function octetsOf(input: SmsTpdu | AssembledMessage): Uint8Array | undefined {
  if (input.type === 'status-report') return undefined;
  return input.userData.unit === 'octets' ? input.userData.data : undefined;
}

/** Push content types the gateway recognises but does not handle: everything known but MMS. */
const UNSUPPORTED = new Set(Object.values(CONTENT_TYPES).filter((t) => t !== MMS_CONTENT_TYPE));

function pushResult(ct: string | number | undefined, payload: Uint8Array, ports: PortPair | undefined): SmsClassification {
  if (typeof ct === 'string' && UNSUPPORTED.has(ct)) return { kind: 'unsupported-push', contentType: ct, payload };
  const viaPort = ports !== undefined && (ports.dst === WAP_PUSH_PORT || ports.dst === WAP_PUSH_SECURE_PORT);
  return {
    kind: 'wap-push',
    secure: ports?.dst === WAP_PUSH_SECURE_PORT,
    ...(viaPort && ports ? { port: ports.dst } : {}),
    viaPort,
    ...(ct !== undefined ? { contentType: ct } : {}),
    payload,
  };
}

/**
 * Classifies a decoded SMS-DELIVER (single part) or a reassembled message. Everything sent to
 * port 2948/2949 is a WAP Push (the WSP decoder has the last word on its content) unless its
 * content type is a push the gateway does not handle (SI, SL, CO, provisioning, SyncML…), which
 * is `unsupported-push` with that type. Without a port header, 8-bit data that looks like a
 * connectionless push is treated the same way.
 */
export function classifyDeliver(input: SmsTpdu | AssembledMessage): SmsClassification {
  if (input.type === 'status-report') return { kind: 'status-report' };
  const ports = input.ports;
  const octets = octetsOf(input);
  const pushPort = ports !== undefined && (ports.dst === WAP_PUSH_PORT || ports.dst === WAP_PUSH_SECURE_PORT);
  if (octets && pushPort) return pushResult(sniffPush(octets)?.contentType, octets, ports);
  if (octets && ports === undefined && input.dcs.alphabet === '8bit') {
    const shape = sniffPush(octets);
    if (shape) return pushResult(shape.contentType, octets, undefined);
  }
  if (ports === undefined && input.text !== undefined) return { kind: 'text', text: input.text };
  const payload = octets ?? input.userData.data;
  return { kind: 'binary', ...(ports ? { ports } : {}), payload };
}
