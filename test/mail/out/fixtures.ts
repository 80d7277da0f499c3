/** Messages for the outbound mail tests, built the way the pipeline maps stored messages. */
import type { RelayMessage, RelayPart, RenderConfig } from '../../../src/mail/out/types.js';

export const BOX = '+4917000000001';
export const ALICE = '+4915112345678';
export const BOB = '+4916098765432';
export const CAROL = '+4917612121212';
/** The same numbers as the mail shows them (ITU-T E.123 grouping from libphonenumber-js's metadata). */
export const ALICE_SHOWN = '+49 1511 2345678';
export const BOB_SHOWN = '+49 160 98765432';

export const renderConfig: RenderConfig = {
  addressDomain: 'sms.example',
  replyToPattern: 'box+{number}@company.example',
  addressBook: { '+49 151 12345678': 'Alice Müller' },
};

/** Deterministic bytes that exercise transfer encoding: NULs, CR, LF, dots at line start. */
export function binary(len: number, seed: number): Uint8Array {
  const out = new Uint8Array(len);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < len; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  out.set([0x0d, 0x0a, 0x2e, 0x0d, 0x0a, 0x00, 0x0a, 0x2e, 0x2e], Math.min(16, Math.max(0, len - 9)));
  return out;
}

export function smsMessage(overrides: Partial<RelayMessage> = {}): RelayMessage {
  return {
    id: 'sms-41',
    kind: 'sms',
    direction: 'incoming',
    boxNumber: BOX,
    from: ALICE,
    to: [BOX],
    cc: [],
    date: new Date('2026-03-01T10:20:30Z'),
    parts: [{ contentType: 'text/plain', params: {}, charset: 'utf-8', body: Buffer.from('Are we still on for 7? 👍', 'utf8') }],
    ...overrides,
  };
}

/** UTF-16 big-endian with a BOM, as handsets send `charset=utf-16` (RFC 2781). */
export function utf16be(s: string): Uint8Array {
  const le = Buffer.from(`\ufeff${s}`, 'utf16le');
  return le.swap16();
}

/** こんにちは in Shift_JIS. */
export const KONNICHIWA_SJIS = Uint8Array.from([0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd]);

export const IMAGE1 = binary(4096, 7);
export const IMAGE2 = binary(3001, 99);

export const SMIL = `<?xml version="1.0"?>
<smil xmlns="http://www.w3.org/2001/SMIL20/Language">
 <head><layout><root-layout width="320" height="480"/>
  <region id="Image" top="0" left="0" height="70%" width="100%"/>
  <region id="Text" top="70%" left="0" height="30%" width="100%"/></layout></head>
 <body>
  <par dur="5000ms"><img src="cid:photo-2" region="Image"/><text src="second.txt" region="Text"/></par>
  <par dur="5000ms"><img src="photo1.jpg" region="Image"/><text src="cid:txt1" region="Text"/></par>
 </body>
</smil>`;

export function mmsParts(): RelayPart[] {
  return [
    { contentType: 'application/smil', params: {}, contentId: '<smil>', contentLocation: 'smil.xml', body: Buffer.from(SMIL) },
    { contentType: 'image/jpeg', params: { name: 'photo1.jpg' }, name: 'photo1.jpg', contentLocation: 'photo1.jpg', body: IMAGE1 },
    { contentType: 'text/plain', params: { charset: 'utf-16' }, contentId: '<txt1>', contentLocation: 'first.txt', charset: '1015', body: utf16be('Grüße aus Köln — €5') },
    { contentType: 'image/png', params: {}, contentId: '<photo-2>', contentLocation: 'photo2.png', body: IMAGE2 },
    { contentType: 'text/plain', params: {}, contentLocation: 'second.txt', charset: 'shift_jis', body: KONNICHIWA_SJIS },
  ];
}

export function mmsMessage(overrides: Partial<RelayMessage> = {}): RelayMessage {
  return {
    id: 'mms-1001',
    kind: 'mms',
    direction: 'incoming',
    boxNumber: BOX,
    from: `${ALICE}/TYPE=PLMN`,
    to: [`${BOX}/TYPE=PLMN`],
    cc: [],
    date: new Date('2026-03-02T08:00:00Z'),
    subject: 'Holiday pictures',
    parts: mmsParts(),
    smilPartIndex: 0,
    rawMms: binary(512, 3),
    ...overrides,
  };
}
