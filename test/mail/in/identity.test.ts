import { test } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { emailIdentity } from '../../../src/mail/in/accept.js';

/** The raw bytes nodemailer writes for a mail, as a client would offer them over SMTP. */
async function encode(text: string, withPicture: boolean): Promise<Buffer> {
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const info = await t.sendMail({
    from: 'alice@example.com',
    to: 'box+15550100@mmsgw.localhost',
    subject: 'photo',
    messageId: '<same@example.com>',
    text,
    ...(withPicture ? { attachments: [{ filename: 'a.gif', content: Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'), contentType: 'image/gif' }] } : {}),
  });
  return info.message as Buffer;
}

test('a mail offered again, re-encoded with new MIME boundaries, keeps its identity', async () => {
  const first = await encode('hello', true);
  const again = await encode('hello', true);
  // The client picked new boundaries (RFC 2046 §5.1.1): the bytes differ, the content does not.
  assert.notDeepEqual(first, again);
  const id = (raw: Buffer): string => emailIdentity('<same@example.com>', 'alice@example.com', raw, 'photo');
  assert.equal(id(first), id(again));
});

test('another mail reusing the Message-ID gets another identity', async () => {
  const a = await encode('hello', true);
  const b = await encode('something else', true);
  const id = (raw: Buffer): string => emailIdentity('<same@example.com>', 'alice@example.com', raw, 'photo');
  assert.notEqual(id(a), id(b));
  assert.notEqual(id(a), emailIdentity('<same@example.com>', 'mallory@example.com', a, 'photo'));
});
