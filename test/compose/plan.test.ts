import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { testImage } from './images.js';
import { cleanSubject, composeOutbound } from '../../src/compose/plan.js';
import type { MmsPlan, OutboundPlan } from '../../src/compose/types.js';

const ONE = ['+491701234567'];

function mms(plan: OutboundPlan): MmsPlan {
  assert.equal(plan.kind, 'mms');
  return plan as MmsPlan;
}

test('short GSM text for one number is one SMS', async () => {
  const r = await composeOutbound({ to: ONE, subject: 'Re: SMS from +491701234567', text: 'See you at 8 [bring €5]', attachments: [] });
  assert.ok(r.ok);
  assert.deepEqual(r.plan, { kind: 'sms', to: ONE, text: 'See you at 8 [bring €5]', segments: 1, alphabet: 'gsm7' });
});

test('UCS2 text is measured in UCS2; typographic quotes are folded to stay GSM', async () => {
  const r1 = await composeOutbound({ to: ONE, text: 'Привет, как дела?', attachments: [] });
  assert.ok(r1.ok && r1.plan.kind === 'sms');
  assert.equal(r1.plan.kind === 'sms' && r1.plan.alphabet, 'ucs2');
  const r2 = await composeOutbound({ to: ONE, text: 'It’s “ok”', attachments: [] });
  assert.ok(r2.ok && r2.plan.kind === 'sms' && r2.plan.alphabet === 'gsm7' && r2.plan.text === 'It\'s "ok"');
});

test('text over the SMS part limit, or for a group, becomes an MMS with a text slide', async () => {
  const long = 'word '.repeat(200).trim();
  const r = await composeOutbound({ to: ONE, subject: 'AW: Re: plans\r\nBcc: evil@example.com', text: long, attachments: [] }, { maxSmsParts: 3 });
  assert.ok(r.ok);
  const plan = mms(r.plan);
  assert.equal(plan.subject, 'plans Bcc: evil@example.com');
  assert.equal(plan.parts.length, 1);
  assert.equal(plan.parts[0]?.contentType, 'text/plain');
  assert.equal(plan.parts[0]?.charset, 'utf-8');
  assert.equal(new TextDecoder().decode(plan.parts[0]?.body), long);
  assert.match(plan.smil, /<text src="text.txt" region="Text"\/>/);

  const group = await composeOutbound({ to: ['+491701234567', '+491709999999'], text: 'hi all', attachments: [] });
  assert.ok(group.ok);
  assert.deepEqual(mms(group.plan).to, ['+491701234567', '+491709999999']);
});

test('a 4000×3000 photo is scaled and recompressed under a 300 KB limit', async () => {
  const photo = await testImage(4000, 3000, 'jpeg');
  assert.ok(photo.byteLength > 1_000_000, `test photo is ${photo.byteLength} bytes`);
  const limit = 300 * 1024;
  const r = await composeOutbound({ to: ONE, text: 'Look!', attachments: [{ filename: 'IMG 0001 (1).JPG', contentType: 'image/jpeg', content: photo }] }, { mmsMaxBytes: limit });
  assert.ok(r.ok, r.ok ? '' : r.refusal.reason);
  const plan = mms(r.plan);
  const img = plan.parts.find((p) => p.contentType === 'image/jpeg');
  assert.ok(img);
  assert.ok(img.body.byteLength < limit, `image is ${img.body.byteLength} bytes`);
  assert.ok(plan.estimatedSize <= limit, `message is about ${plan.estimatedSize} bytes`);
  const meta = await sharp(img.body).metadata();
  assert.equal(meta.format, 'jpeg');
  assert.ok((meta.width ?? 0) <= 1600 && (meta.width ?? 0) < 4000);
  assert.equal(img.contentLocation, 'IMG_0001_1.jpg');
  assert.match(plan.smil, /<img src="IMG_0001_1.jpg" region="Image"\/>\n<text src="text.txt" region="Text"\/>/);
});

test('PNG and WebP too big or unsupported become JPEG; a GIF that fits is kept byte for byte', async () => {
  const png = await testImage(1200, 900, 'png');
  const webp = await testImage(200, 100, 'webp');
  const gif = await testImage(64, 64, 'gif');
  const r = await composeOutbound(
    { to: ONE, attachments: [{ filename: 'a.png', contentType: 'image/png', content: png }, { filename: 'b.webp', contentType: 'image/webp', content: webp }, { filename: 'c.gif', contentType: 'image/gif', content: gif }] },
    { mmsMaxBytes: 200 * 1024 },
  );
  assert.ok(r.ok, r.ok ? '' : r.refusal.reason);
  const plan = mms(r.plan);
  assert.deepEqual(plan.parts.map((p) => [p.contentLocation, p.contentType]), [['a.jpg', 'image/jpeg'], ['b.jpg', 'image/jpeg'], ['c.gif', 'image/gif']]);
  assert.deepEqual(Buffer.from(plan.parts[2]?.body ?? []), gif);
  assert.equal((plan.smil.match(/<par /g) ?? []).length, 3);
});

test('programs and archives are refused whatever they are called', async () => {
  const exe = Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(100)]);
  const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100)]);
  const r = await composeOutbound({ to: ONE, text: 'pics', attachments: [{ filename: 'holiday.jpg', contentType: 'image/jpeg', content: exe }, { filename: 'all.zip', contentType: 'application/zip', content: zip }] });
  assert.equal(r.ok, false);
  assert.ok(!r.ok);
  assert.equal(r.refusal.code, 'MAIL_UNSUPPORTED_MEDIA');
  assert.match(r.refusal.reason, /"holiday\.jpg" \(a Windows program\)/);
  assert.match(r.refusal.reason, /"all\.zip" \(a ZIP archive/);
});

test('media that cannot shrink is refused when over the limit; broken images are refused', async () => {
  const amr = Buffer.concat([Buffer.from('#!AMR\n'), Buffer.alloc(400 * 1024, 0x3c)]);
  const r = await composeOutbound({ to: ONE, attachments: [{ filename: 'voice.amr', contentType: 'audio/amr', content: amr }] }, { mmsMaxBytes: 300 * 1024 });
  assert.ok(!r.ok);
  assert.equal(r.refusal.code, 'MAIL_MEDIA_TOO_LARGE');
  assert.match(r.refusal.reason, /"voice\.amr" is too large/);

  const broken = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500 * 1024, 7)]);
  const b = await composeOutbound({ to: ONE, attachments: [{ filename: 'x.jpg', contentType: 'image/jpeg', content: broken }] }, { mmsMaxBytes: 300 * 1024 });
  assert.ok(!b.ok);
  assert.equal(b.refusal.code, 'MAIL_UNSUPPORTED_MEDIA');
});

test('nothing to send is refused; small inline images (logos) are decoration', async () => {
  const quoteOnly = await composeOutbound({ to: ONE, text: '  \n> quoted only\n', attachments: [] });
  assert.ok(quoteOnly.ok && quoteOnly.plan.kind === 'sms');
  assert.equal(quoteOnly.plan.kind === 'sms' && quoteOnly.plan.text, '> quoted only', 'trimming never empties a message');
  const none = await composeOutbound({ to: ONE, text: '', attachments: [] });
  assert.ok(!none.ok);
  assert.equal(none.refusal.code, 'MAIL_EMPTY');
  const logo = await testImage(40, 20, 'gif');
  const r = await composeOutbound({ to: ONE, text: 'ok', attachments: [{ filename: 'logo.gif', contentType: 'image/gif', content: logo, related: true }] });
  assert.ok(r.ok);
  assert.equal(r.plan.kind, 'sms');
});

test('subjects lose reply prefixes, control characters and excess length', () => {
  assert.equal(cleanSubject('Re: AW: Fwd: hello'), 'hello');
  assert.equal(cleanSubject('Re: '), undefined);
  assert.equal(cleanSubject('a\r\nb\u0000c'), 'a b c');
  assert.equal([...(cleanSubject('x'.repeat(200)) ?? '')].length, 80);
});

test('images over the configured dimension are scaled even when their bytes fit', async () => {
  const wide = await sharp({ create: { width: 2000, height: 1000, channels: 3, background: { r: 10, g: 200, b: 30 } } }).jpeg({ quality: 50 }).toBuffer();
  const r = await composeOutbound({ to: ONE, attachments: [{ filename: 'w.jpg', contentType: 'image/jpeg', content: wide }] }, { imageMaxDimension: 640, jpegQuality: 70 });
  assert.ok(r.ok);
  const meta = await sharp(mms(r.plan).parts[0]?.body).metadata();
  assert.deepEqual([meta.width, meta.height], [640, 320]);
});
