import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { conversationKey, messageIdFor, numberLocalPart, partyAddress, relayIdFromMessageId, replyToAddress } from '../../../src/mail/out/addresses.js';
import { escapeHtml } from '../../../src/mail/out/body.js';
import { decodeText } from '../../../src/mail/out/charset.js';
import { attachmentFileName, safeMediaType, sanitizeFileName } from '../../../src/mail/out/filename.js';
import { layoutSlides, scanTags } from '../../../src/mail/out/smil.js';
import { buildSubject, truncateText } from '../../../src/mail/out/subject.js';
import { renderMail } from '../../../src/mail/out/render.js';
import type { RelayPart } from '../../../src/mail/out/types.js';
import { ALICE, BOB, BOX, CAROL, KONNICHIWA_SJIS, renderConfig, smsMessage, utf16be } from './fixtures.js';
import { parseWithMailparser } from './harness.js';

describe('charsets', () => {
  test('names and MIBenum numbers, BOM handling, RFC 2781 big-endian default', () => {
    assert.equal(decodeText(KONNICHIWA_SJIS, 'shift_jis'), 'こんにちは');
    assert.equal(decodeText(KONNICHIWA_SJIS, '17'), 'こんにちは');
    assert.equal(decodeText(utf16be('Grüße'), 'utf-16'), 'Grüße');
    assert.equal(decodeText(Buffer.from([0x00, 0x41, 0x00, 0xe9]), 'utf-16'), 'Aé', 'no BOM: big-endian');
    assert.equal(decodeText(Buffer.from('\ufeffhi', 'utf16le'), '1015'), 'hi', 'little-endian BOM honoured');
    assert.equal(decodeText(Buffer.from([0x00, 0x41]), 'iso-10646-ucs-2'), 'A');
    assert.equal(decodeText(Buffer.from([0xa4]), 'iso-8859-15'), '€');
    assert.equal(decodeText(Buffer.from([0xc4, 0xe3, 0xba, 0xc3]), 'gbk'), '你好');
    assert.equal(decodeText(Buffer.from([0xa7, 0x41, 0xa6, 0x6e]), 'big5'), '你好');
    assert.equal(decodeText(Buffer.from('plain'), 'us-ascii'), 'plain');
    assert.equal(decodeText(Buffer.from([0xff, 0x41]), 'x-unknown-charset'), '\ufffdA', 'unknown: utf-8, bad bytes replaced');
  });
});

describe('file names', () => {
  test('no directories, controls, reserved names or leading dots', () => {
    assert.equal(sanitizeFileName('../../etc/passwd'), 'passwd');
    assert.equal(sanitizeFileName('..\\..\\boot.ini'), 'boot.ini');
    assert.equal(sanitizeFileName('NUL.txt'), '_NUL.txt');
    assert.equal(sanitizeFileName('com1'), '_com1');
    assert.equal(sanitizeFileName('.htaccess'), 'htaccess');
    assert.equal(sanitizeFileName('a\u0000b\r\nc.jpg'), 'abc.jpg');
    assert.equal(sanitizeFileName('what?<>|.png'), 'what____.png');
    assert.equal(sanitizeFileName('..'), '');
    const long = sanitizeFileName(`${'x'.repeat(300)}.jpeg`);
    assert.equal(long.length, 120);
    assert.ok(long.endsWith('.jpeg'));
  });

  test('fallback names from the media type', () => {
    assert.equal(attachmentFileName({ contentType: 'image/jpeg' }, 2), 'part-3.jpg');
    assert.equal(attachmentFileName({ contentType: 'audio/amr', name: '../' }, 0), 'part-1.amr');
    assert.equal(attachmentFileName({ contentType: 'image/png', contentLocation: 'pic' }, 0), 'pic.png');
    assert.equal(safeMediaType('IMAGE/JPEG; name=x'), 'image/jpeg');
    assert.equal(safeMediaType('text/html\r\nX-Evil: 1'), 'application/octet-stream');
  });
});

describe('SMIL', () => {
  const part = (contentType: string, extra: Partial<RelayPart>): RelayPart => ({ contentType, params: {}, body: new Uint8Array(1), ...extra });
  const parts = [
    part('application/smil', {}),
    part('image/jpeg', { contentLocation: 'a.jpg' }),
    part('text/plain', { contentId: '<t 1>' }),
    part('image/gif', { contentLocation: 'B.GIF' }),
    part('audio/amr', { name: 'voice.amr' }),
  ];
  const withSmil = (smil: string): RelayPart[] => [part('application/smil', { body: Buffer.from(smil) }), ...parts.slice(1)];

  test('slides in <par> order, cid: (percent-encoded) and Content-Location, case-insensitive fallback', () => {
    const smil = '<smil><body><par><img src="b.gif"/><text src="cid:t%201"/></par><par><img src="a.jpg"/><audio src="voice.amr"/></par></body></smil>';
    assert.deepEqual(layoutSlides(withSmil(smil), 0), [{ parts: [3, 2] }, { parts: [1, 4] }]);
  });

  test('broken SMIL falls back to part order; unreferenced parts are appended', () => {
    assert.deepEqual(layoutSlides(withSmil('<smil><body><par><img src="a.jpg"'), 0), [{ parts: [1] }, { parts: [2, 3, 4] }], 'truncated');
    assert.deepEqual(layoutSlides(withSmil('\u0000\uffffnot SMIL at all'), 0), [{ parts: [1, 2, 3, 4] }]);
    assert.deepEqual(layoutSlides(withSmil('<smil><body><par><img src="a.jpg"/></par></body></smil>'), 0), [{ parts: [1] }, { parts: [2, 3, 4] }]);
    assert.deepEqual(layoutSlides(parts, undefined), [{ parts: [1, 2, 3, 4] }], 'no SMIL index: the SMIL part is still not content');
  });

  test('javascript: and unknown sources resolve to nothing; an unclosed quote does not hang', () => {
    assert.deepEqual(layoutSlides(withSmil('<smil><body><par><img src="javascript:alert(1)"/></par></body></smil>'), 0), [{ parts: [1, 2, 3, 4] }]);
    const hostile = `<smil><body>${'<par a="'.repeat(20000)}`;
    const t0 = Date.now();
    scanTags(hostile);
    assert.ok(Date.now() - t0 < 1000);
  });
});

describe('subjects and addresses', () => {
  test('truncation keeps whole graphemes and prefers a word break', () => {
    assert.equal(truncateText('short', 10), 'short');
    assert.equal(truncateText('alpha beta gamma delta', 20), 'alpha beta gamma…');
    assert.equal(truncateText('one two three four five', 12), 'one two thr…', 'no word break near the end: cut mid-word');
    assert.equal(truncateText('👍🏽'.repeat(20), 5), '👍🏽👍🏽👍🏽👍🏽…');
    assert.equal(buildSubject({ subject: ' \r\n ', firstText: 'Hi\r\nthere', fallback: 'x', incomplete: false }), 'Hi there');
    assert.equal(buildSubject({ fallback: 'SMS from +49', incomplete: true }), '[incomplete] SMS from +49');
  });

  test('numbers as local parts, names from the address book, Reply-To pattern', () => {
    assert.equal(numberLocalPart('+49 (151) 123-45678/TYPE=PLMN'), '+4915112345678');
    assert.equal(numberLocalPart('004915112345678'), '+4915112345678');
    assert.equal(numberLocalPart('DHL Paket'), 'dhl-paket');
    assert.equal(numberLocalPart('\r\n'), 'unknown');
    assert.deepEqual(partyAddress(ALICE, renderConfig), { name: `Alice Müller (${ALICE})`, address: `${ALICE}@sms.example` });
    assert.deepEqual(partyAddress(BOB, { ...renderConfig, addressBook: { [BOB]: 'Evil\r\nBcc: x@y' } }).name, `Evil Bcc: x@y (${BOB})`);
    assert.equal(replyToAddress(`${ALICE}/TYPE=PLMN`, BOX, 'sms-{box}+{number}@company.example'), `sms-${BOX}+${ALICE}@company.example`);
  });

  test('Message-ID from the id and box only; conversation key from the sorted participants', () => {
    const a = smsMessage({ id: 'x/../y z' });
    assert.match(messageIdFor(a, renderConfig), /^<mmsgw\.sms\.h\.[0-9a-f]{32}\.4917000000001@sms\.example>$/);
    assert.equal(relayIdFromMessageId(messageIdFor(a, renderConfig)), undefined, 'hashed ids are not reversible');
    assert.deepEqual(relayIdFromMessageId(messageIdFor(smsMessage({ id: 'Ab_9-x' }), renderConfig)), { kind: 'sms', id: 'Ab_9-x', box: '4917000000001' });
    assert.equal(relayIdFromMessageId('<something@else.example>'), undefined);
    assert.equal(messageIdFor(a, renderConfig), messageIdFor(smsMessage({ id: 'x/../y z', subject: 'other' }), renderConfig));
    const g1 = smsMessage({ from: ALICE, to: [BOX, BOB], cc: [CAROL] });
    const g2 = smsMessage({ from: CAROL, to: [`${BOB}/TYPE=PLMN`, ALICE], cc: [BOX] });
    assert.equal(conversationKey(g1), conversationKey(g2));
    assert.equal(conversationKey(g1), `${BOX}|${[ALICE, BOB, CAROL].sort().join(',')}`);
  });

  test('HTML escaping covers attribute breakers', () => {
    assert.equal(escapeHtml(`<a href="x" onclick='y'>&\``), '&lt;a href&#x3D;&quot;x&quot; onclick&#x3D;&#x27;y&#x27;&gt;&amp;&#x60;');
  });
});

describe('outgoing copies', () => {
  test('from the box, to the recipients, Reply-To the recipients', async () => {
    const msg = smsMessage({ id: 'out-1', direction: 'outgoing', from: BOX, to: [BOB], parts: [] });
    const r = await renderMail(msg, 'me@company.example', renderConfig);
    const mail = await parseWithMailparser(r.raw);
    assert.deepEqual(mail.from?.value.map((a) => a.address), [`${BOX}@sms.example`]);
    const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
    assert.deepEqual(to.flatMap((t) => t.value.map((a) => a.address)), ['me@company.example', `${BOB}@sms.example`]);
    assert.deepEqual(mail.replyTo?.value.map((a) => a.address), [`box+${BOB}@company.example`]);
    assert.equal(mail.subject, `SMS to ${BOB}`);
  });
});
