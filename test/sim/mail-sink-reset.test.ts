import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import nodemailer from 'nodemailer';
import { MailSink } from '../../src/sim/mail/sink.js';

/**
 * Opens an SMTP session and resets the connection (RST, as a killed sender's kernel does) in the
 * middle of a mail's DATA: smtp-server reports a reset inside a transaction on the server (one
 * before MAIL FROM it drops quietly).
 */
async function resetMidMail(port: number): Promise<void> {
  const s: Socket = connect(port, '127.0.0.1');
  const steps = ['EHLO killed.test', 'MAIL FROM:<a@test>', 'RCPT TO:<b@test>', 'DATA'];
  await new Promise<void>((resolve, reject) => {
    let buf = '';
    s.on('error', reject);
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      // One step per final reply line ("250 …", not "250-…").
      for (let nl = buf.indexOf('\r\n'); nl >= 0; nl = buf.indexOf('\r\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        if (/^\d{3}-/.test(line)) continue;
        if (line.startsWith('354')) {
          s.write('Subject: cut off\r\n\r\npart of a body');
          resolve();
          return;
        }
        const next = steps.shift();
        if (next) s.write(`${next}\r\n`);
      }
    });
  });
  await new Promise((r) => setTimeout(r, 50));
  s.resetAndDestroy();
}

/**
 * The crash tests SIGKILL a gateway that holds pooled SMTP connections to the sink: each one is
 * reset. The first reset used up the sink's start-up error listener and the second one threw in
 * the test process ("read ECONNRESET"). Three resets in a row, and the sink still takes mail.
 */
test('the mail sink survives senders that reset their connections, and keeps receiving', async () => {
  const sink = await new MailSink().start();
  try {
    for (let i = 0; i < 3; i++) await resetMidMail(sink.port);
    const deadline = Date.now() + 5_000;
    while (sink.connectionErrors < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(sink.connectionErrors, 3, 'each reset is counted');
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true });
    await t.sendMail({ from: 'a@test', to: 'b@test', subject: 'after the resets', text: 'still here' });
    t.close();
    assert.equal(sink.mails.length, 1);
  } finally {
    await sink.stop();
  }
});
