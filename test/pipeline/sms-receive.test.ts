import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { encodeDeliver, encodeWapPushDeliver } from '../../src/codec/sms/index.js';
import { encodePush } from '../../src/codec/wsp/index.js';
import { acceptSms } from '../../src/pipeline/sms-intake.js';
import { pipelineHandlers as receiveHandlers } from '../../src/pipeline/handlers.js';
import { harness, OWN_NUMBER } from './harness.js';

function handlersOf(h: Awaited<ReturnType<typeof harness>>) {
  return receiveHandlers(h.ctx, {
    assemble: { concatTimeoutMs: 60 * 60_000 },
    relay: { mailer: h.mailer, instanceId: 't1', attachRawMms: false },
  });
}

test('a plain SMS is stored and relayed to the default mailbox', async () => {
  const h = await harness();
  try {
    const [pdu] = encodeDeliver({ from: '+4915112345678', text: 'Hello from the field §€' });
    const r = acceptSms(h.ctx, { pdu: pdu!.hex, receivedAt: new Date(h.clock.now) });
    assert.equal(r.kind, 'recorded');
    await h.drain(handlersOf(h));
    assert.equal(h.sink.mails.length, 1);
    const mail = await simpleParser(h.sink.mails[0]!.raw);
    assert.equal(mail.text?.trim(), 'Hello from the field §€');
    assert.match(mail.from?.text ?? '', /\+4915112345678@sms\.test/);
    assert.deepEqual(h.sink.mails[0]!.envelopeTo, ['inbox@company.test']);
    const [msg] = h.store.messages.list({ direction: 'in' });
    assert.equal(msg?.state, 'relayed');
    assert.equal(msg?.box, OWN_NUMBER);
  } finally {
    await h.close();
  }
});

test('a concatenated SMS arriving out of order with an emoji across the split is joined before decoding', async () => {
  const h = await harness();
  try {
    // 66 UCS2 code units then a surrogate pair: the emoji straddles parts 1 and 2 if split naively.
    const text = `${'x'.repeat(66)}😀${'y'.repeat(80)}`;
    const parts = encodeDeliver({ from: '+4915112345678', text, reference: 77, alphabet: 'ucs2' });
    assert.ok(parts.length >= 3);
    for (const p of [...parts].reverse()) acceptSms(h.ctx, { pdu: p.hex, receivedAt: new Date(h.clock.now) });
    await h.drain(handlersOf(h));
    assert.equal(h.sink.mails.length, 1);
    const mail = await simpleParser(h.sink.mails[0]!.raw);
    assert.equal(mail.text?.trim(), text);
  } finally {
    await h.close();
  }
});

test('hand-assembled concatenated SMS (test/fixtures/inbound/*.sms.hex, no mmsgw encoder) arrive out of order and are joined as written', async () => {
  const fixture = (name: string): string[] => readFileSync(new URL(`../fixtures/inbound/${name}`, import.meta.url), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const cases = [
    { file: 'ucs2-2seg.sms.hex', text: 'Grüße aus Zürich — 你好, this UCS2 text needs two segments 👋 and keeps its emoji whole. Ende.' },
    { file: 'gsm7-2seg.sms.hex', text: 'GSM 7-bit fixture: @ £ $ é è ä ö ü ß Ä Ö Ü, extension € [x] {y} ~ | ^ \\. This text is longer than one segment, so it comes in two parts that the gateway joins again. End.' },
  ];
  for (const c of cases) {
    const h = await harness();
    try {
      for (const pdu of fixture(c.file).reverse()) acceptSms(h.ctx, { pdu, receivedAt: new Date(h.clock.now) });
      await h.drain(handlersOf(h));
      assert.equal(h.sink.mails.length, 1, c.file);
      const mail = await simpleParser(h.sink.mails[0]!.raw);
      assert.equal(mail.text?.trim(), c.text, c.file);
    } finally {
      await h.close();
    }
  }
});

test('an incomplete concatenated SMS is released flagged after the timeout, once', async () => {
  const h = await harness();
  try {
    const parts = encodeDeliver({ from: '+4915112345678', text: 'part '.repeat(70), reference: 9 });
    assert.ok(parts.length >= 2);
    acceptSms(h.ctx, { pdu: parts[0]!.hex, receivedAt: new Date(h.clock.now) });
    const handlers = handlersOf(h);
    await h.drain(handlers);
    assert.equal(h.sink.mails.length, 0, 'waits for the missing part');
    h.clock.now += 61 * 60_000;
    await h.drain(handlers);
    assert.equal(h.sink.mails.length, 1);
    const mail = await simpleParser(h.sink.mails[0]!.raw);
    assert.match(mail.subject ?? '', /incomplete/i);
    const [msg] = h.store.messages.list({ direction: 'in' });
    assert.equal(msg?.incomplete, true);
    // Re-running the timeout machinery after the release relays nothing more.
    h.clock.now += 1000;
    await h.drain(handlers);
    assert.equal(h.sink.mails.length, 1);
  } finally {
    await h.close();
  }
});

test('an undecodable PDU is quarantined with its bytes and the error; nothing is relayed', async () => {
  const h = await harness();
  try {
    const r = acceptSms(h.ctx, { pdu: '0791448720003023240DD0E474D81C0EBB010000111011315214000BE474D81C0EBB01', receivedAt: new Date(h.clock.now) });
    assert.equal(r.kind, 'quarantined');
    const [q] = h.store.intake.listQuarantine();
    assert.ok(q);
    assert.equal(q.source, 'sms');
    assert.ok(q.bytes.length > 10);
    assert.ok(q.errorField, 'names the field');
    assert.equal(typeof q.errorOffset, 'number');
    await h.drain(handlersOf(h));
    assert.equal(h.sink.mails.length, 0);
  } finally {
    await h.close();
  }
});

test('a WAP Push that is not MMS (Service Indication) is kept and reported unsupported', async () => {
  const h = await harness();
  try {
    const si = encodePush({ transactionId: 1, pduType: 6, contentType: { mediaType: 'application/vnd.wap.sic', params: {} }, headers: [], body: Uint8Array.from([0x02, 0x05, 0x6a, 0x00, 0x45, 0xc6, 0x01]) });
    for (const p of encodeWapPushDeliver('+4915112345678', si, { reference: 3 })) acceptSms(h.ctx, { pdu: p.hex, receivedAt: new Date(h.clock.now) });
    await h.drain(handlersOf(h));
    assert.equal(h.sink.mails.length, 0);
    const [msg] = h.store.messages.list({ direction: 'in' });
    assert.equal(msg?.state, 'rejected');
    assert.match(msg?.subject ?? '', /Unsupported WAP Push \(application\/vnd\.wap\.sic/);
    assert.ok(h.store.content.rawPdusOf(msg!.id).some((r) => r.kind === 'wap-push'), 'the push bytes are kept');
  } finally {
    await h.close();
  }
});
