/**
 * Hostile inputs of a chosen size, each shaped after a known way to make a parser or a
 * regular expression super-linear: long runs of one character before a mismatch, many
 * openers without closers, many headers that each trigger a scan of the whole input, deep
 * nesting. Shared by test/mail/in/adversarial.test.ts and bench/adversarial.ts.
 */
import { buildRetrieveConf, encodeMms } from '../../src/codec/mms/index.js';
import { APP_ID_MMS, PDU_PUSH, encodePush } from '../../src/codec/wsp/index.js';

export interface AdversarialCase {
  readonly name: string;
  /** What handles it (see bench/adversarial.ts TARGETS). */
  readonly target: 'mail' | 'mime' | 'text' | 'tidy' | 'html' | 'subject' | 'smil' | 'mms' | 'push' | 'sms';
  make(bytes: number): Buffer;
}

const FROM = 'anna@example.org';
const TO = 'box+491701234567@gw.example.org';

function repeatTo(unit: string, bytes: number): string {
  return unit.repeat(Math.max(1, Math.floor(bytes / unit.length)));
}

/** Headers of a mail from the authorised sender to one number. */
function mail(headers: string, body: string): Buffer {
  return Buffer.from(`From: ${FROM}\r\nTo: ${TO}\r\nSubject: test\r\nMessage-ID: <adv@example.org>\r\n${headers}\r\n${body}`, 'latin1');
}

/** Folds a long header value into 76-character lines (RFC 5322 §2.2.3). */
function folded(name: string, value: string): string {
  const lines: string[] = [];
  for (let i = 0; i < value.length; i += 76) lines.push(value.slice(i, i + 76));
  return `${name}: ${lines.join('\r\n ')}\r\n`;
}

function multipartFields(bytes: number): string {
  // Every field names a boundary that only occurs at the very end of the mail.
  const n = Math.floor(bytes / 90);
  const fields: string[] = [];
  const delimiters: string[] = [];
  for (let i = 0; i < n; i++) {
    fields.push(`Content-Type: multipart/mixed; boundary="b${i}"`);
    delimiters.push(`--b${i}`, `--b${i}--`);
  }
  return `${fields.join('\r\n')}\r\n${delimiters.join('\r\n')}\r\n`;
}

export const ADVERSARIAL: readonly AdversarialCase[] = [
  {
    name: 'mail: multipart fields, boundaries at the end',
    target: 'mail',
    make: (b) => mail('Content-Type: text/plain\r\n', multipartFields(b)),
  },
  {
    name: 'mail: run of spaces inside a line',
    target: 'mail',
    make: (b) => mail('Content-Type: text/plain\r\n', `x${' '.repeat(b)}y\r\n`),
  },
  {
    name: 'mail: run of tabs and spaces, many lines',
    target: 'mail',
    make: (b) => mail('Content-Type: text/plain\r\n', repeatTo(`a${' \t'.repeat(500)}b\r\n`, b)),
  },
  {
    name: 'mail: attribution verbs without colon',
    target: 'mail',
    make: (b) => mail('Content-Type: text/plain\r\n', `On Monday ${repeatTo('wrote ', b)}x\r\n`),
  },
  {
    name: 'mail: html unclosed comments',
    target: 'mail',
    make: (b) => mail('Content-Type: text/html\r\n', repeatTo('<!--', b)),
  },
  {
    name: 'mail: html unclosed script and tags',
    target: 'mail',
    make: (b) => mail('Content-Type: text/html\r\n', repeatTo('<script><', b)),
  },
  {
    name: 'mail: many header fields',
    target: 'mail',
    make: (b) => mail(repeatTo('X-Filler: some value here\r\n', b), 'hello\r\n'),
  },
  {
    name: 'mail: one long folded header',
    target: 'mail',
    make: (b) => mail(folded('X-Long', repeatTo('ab ', b)), 'hello\r\n'),
  },
  {
    name: 'mail: subject of reply prefixes',
    target: 'mail',
    make: (b) => mail(folded('Subject', repeatTo('Re: ', Math.min(b, 1024 * 1024))), repeatTo('text ', b)),
  },
  {
    name: 'mail: many tiny parts',
    target: 'mail',
    make: (b) => {
      const part = '--x\r\nContent-Type: application/octet-stream\r\n\r\nAAAA\r\n';
      return mail('MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="x"\r\n', `${repeatTo(part, b)}--x--\r\n`);
    },
  },
  {
    name: 'mail: deep multipart nesting',
    target: 'mail',
    make: (b) => {
      const depth = Math.floor(b / 80);
      let open = '';
      let close = '';
      for (let i = 0; i < depth; i++) {
        open += `--n${i}\r\nContent-Type: multipart/mixed; boundary="n${i + 1}"\r\n\r\n`;
        close = `--n${i}--\r\n${close}`;
      }
      return mail('MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="n0"\r\n', `${open}--n${depth}\r\nContent-Type: text/plain\r\n\r\nhi\r\n--n${depth}--\r\n${close}`);
    },
  },
  { name: 'mime: multipart fields, boundaries at the end', target: 'mime', make: (b) => Buffer.from(multipartFields(b), 'latin1') },
  { name: 'mime: unterminated multipart field fold', target: 'mime', make: (b) => Buffer.from(`Content-Type: multipart/mixed;${repeatTo('\r\n x', b)}`, 'latin1') },
  { name: 'text: run of spaces', target: 'tidy', make: (b) => Buffer.from(`x${' '.repeat(b)}y`) },
  { name: 'text: spaces before quotes', target: 'text', make: (b) => Buffer.from(`${' '.repeat(b)}x\n`) },
  { name: 'text: attribution verbs', target: 'text', make: (b) => Buffer.from(`On ${repeatTo('wrote ', b)}\n`) },
  { name: 'text: bare attribution lines', target: 'text', make: (b) => Buffer.from(repeatTo(`${'a'.repeat(100)} wrote :  x\n`, b)) },
  { name: 'text: outlook header lines', target: 'text', make: (b) => Buffer.from(repeatTo('From: x\nSent: y\n', b)) },
  { name: 'text: mobile footer prefix', target: 'text', make: (b) => Buffer.from(`von meinem ${'x '.repeat(b / 2)}\n`) },
  { name: 'html: unclosed comments', target: 'html', make: (b) => Buffer.from(repeatTo('<!--', b)) },
  { name: 'html: unclosed scripts', target: 'html', make: (b) => Buffer.from(repeatTo('<script>', b)) },
  { name: 'html: lone angle brackets', target: 'html', make: (b) => Buffer.from(repeatTo('<', b)) },
  { name: 'html: entities', target: 'html', make: (b) => Buffer.from(repeatTo('&amp;&#x41;&bogus', b)) },
  { name: 'html: nested blockquotes', target: 'html', make: (b) => Buffer.from(repeatTo('<blockquote>x', b)) },
  { name: 'subject: reply prefixes', target: 'subject', make: (b) => Buffer.from(repeatTo('Re: ', b)) },
  { name: 'subject: spaces', target: 'subject', make: (b) => Buffer.from(`a${' '.repeat(b)}b`) },
  { name: 'smil: tag of spaces', target: 'smil', make: (b) => Buffer.from(`<${' '.repeat(b)}1>`) },
  { name: 'smil: unclosed quote', target: 'smil', make: (b) => Buffer.from(`<par a="${'x'.repeat(b)}`) },
  { name: 'smil: many tags and attributes', target: 'smil', make: (b) => Buffer.from(repeatTo('<img src="cid:a" region=Image/>', b)) },
  { name: 'smil: slashes before the end of a tag', target: 'smil', make: (b) => Buffer.from(`<par ${'/ '.repeat(b / 2)}x>`) },
  {
    name: 'pdu: m-retrieve-conf with many parts',
    target: 'mms',
    make: (b) => {
      const parts = Array.from({ length: Math.floor(b / 40) }, (_, i) => ({ contentType: 'text/plain', name: `p${i}.txt`, body: new Uint8Array([0x41]) }));
      return Buffer.from(encodeMms(buildRetrieveConf({ transactionId: 't', date: new Date(0), from: '+15551230000', to: ['+15551239999'], parts })));
    },
  },
  {
    name: 'pdu: m-retrieve-conf truncated mid-part',
    target: 'mms',
    make: (b) => {
      const full = encodeMms(buildRetrieveConf({ transactionId: 't', date: new Date(0), parts: [{ contentType: 'image/jpeg', name: 'a.jpg', body: new Uint8Array(b) }] }));
      return Buffer.from(full.subarray(0, full.length - 10));
    },
  },
  { name: 'pdu: random bytes after 8C 84', target: 'mms', make: (b) => Buffer.from(Array.from({ length: b }, (_, i) => (i < 2 ? [0x8c, 0x84][i]! : (i * 2654435761) >>> 24))) },
  {
    name: 'pdu: WAP push with a large body',
    target: 'push',
    make: (b) => Buffer.from(encodePush({ transactionId: 1, pduType: PDU_PUSH, contentType: { mediaType: 'application/vnd.wap.mms-message', params: {} }, headers: [], applicationId: APP_ID_MMS, body: new Uint8Array(b) })),
  },
  { name: 'pdu: SMS hex of great length', target: 'sms', make: (b) => Buffer.from(`0791${'A'.repeat(b)}`, 'latin1') },
];
