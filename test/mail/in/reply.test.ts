import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { buildReply, noReplyReason } from '../../../src/mail/in/reply.js';
import { BOX } from './fixtures.js';

test('the reply is a ready-to-send RFC 3834 auto-reply: null return path, threading, one-line subject', async () => {
  const reply = buildReply({
    to: 'anna@example.org',
    from: BOX,
    refusal: { code: 'MAIL_SENDER_UNKNOWN', reason: 'anna@example.org is not allowed to send text messages through this gateway.' },
    originalSubject: 'hello\r\nBcc: evil@example.com',
    originalMessageId: '<orig-1@example.org>',
    originalReferences: ['<older@example.org>', 'not a msg-id'],
    numbers: ['+491701234567'],
  });
  const received: { from: string | false; to: string[]; raw: Buffer }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const mf = session.envelope.mailFrom;
        received.push({ from: mf === false ? false : mf.address, to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks) });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.server.address() as AddressInfo).port;
    await nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true }).sendMail(reply);
    assert.equal(received.length, 1);
    const got = received[0];
    assert.ok(got);
    assert.equal(got.from, '', 'MAIL FROM:<> (RFC 5321 §4.5.5)');
    assert.deepEqual(got.to, ['anna@example.org']);
    const parsed = await simpleParser(got.raw);
    assert.equal(parsed.headers.get('auto-submitted'), 'auto-replied');
    assert.equal(parsed.inReplyTo, '<orig-1@example.org>');
    assert.deepEqual(parsed.references, ['<older@example.org>', '<orig-1@example.org>']);
    assert.equal(parsed.subject, 'Not sent: hello Bcc: evil@example.com');
    assert.equal(parsed.bcc, undefined, 'the injected Bcc stayed inside the subject');
    assert.match(parsed.text ?? '', /Your message to \+491701234567 was not sent\./);
    assert.match(parsed.text ?? '', /is not allowed to send text messages/);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('loop rules: an auto-reply to our own auto-reply is never answered', () => {
  const reply = buildReply({ to: 'anna@example.org', from: BOX, refusal: { code: 'MAIL_EMPTY', reason: 'empty' } });
  const asReceived = (name: string): string | undefined => (name === 'auto-submitted' ? reply.headers['Auto-Submitted'] : undefined);
  assert.match(noReplyReason({ header: asReceived, contentType: 'text/plain', envelopeFrom: null, fromAddress: BOX, ownMailbox: BOX }) ?? '', /Auto-Submitted/);
  assert.equal(noReplyReason({ header: () => undefined, contentType: 'text/plain', envelopeFrom: 'anna@example.org', fromAddress: 'anna@example.org', ownMailbox: BOX }), undefined);
  assert.match(noReplyReason({ header: () => undefined, contentType: undefined, envelopeFrom: 'list-request@example.org', fromAddress: 'x@example.org', ownMailbox: BOX }) ?? '', /automatic sender/);
  assert.match(noReplyReason({ header: () => undefined, contentType: undefined, envelopeFrom: 'x@example.org', fromAddress: BOX, ownMailbox: BOX }) ?? '', /gateway itself/);
  assert.match(noReplyReason({ header: (n) => (n === 'auto-submitted' ? 'no' : n === 'x-auto-response-suppress' ? 'OOF, AutoReply' : undefined), contentType: undefined, envelopeFrom: 'x@example.org', fromAddress: 'x@example.org', ownMailbox: BOX }) ?? '', /X-Auto-Response-Suppress/);
});
