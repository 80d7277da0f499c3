import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { createMailer } from '../../src/app/mail-out.js';
import { parseConfig } from '../../src/config/index.js';
import type { RelayMessage } from '../../src/mail/out/types.js';

/** A real SMTP server that counts connections and messages. */
async function countingServer(): Promise<{ port: number; connections: () => number; messages: () => number; close: () => Promise<void> }> {
  let connections = 0;
  let messages = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onConnect(_session, cb) {
      connections++;
      cb();
    },
    onData(stream, _session, cb) {
      stream.resume();
      stream.on('end', () => {
        messages++;
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, connections: () => connections, messages: () => messages, close: () => new Promise((r) => server.close(() => r())) };
}

function sms(i: number): RelayMessage {
  return {
    id: `sms-${i}`, kind: 'sms', direction: 'incoming', boxNumber: '+15550100001', from: '+15550109999', to: [], cc: [],
    date: new Date(Date.UTC(2026, 0, 1, 0, 0, i)), parts: [{ contentType: 'text/plain', params: {}, charset: 'utf-8', body: new TextEncoder().encode(`message ${i}`) }],
  };
}

async function relayThree(smtp: Record<string, unknown>, port: number): Promise<void> {
  const config = parseConfig({ mail: { out: { smtp: { host: '127.0.0.1', port, secure: false, starttls: false, ...smtp }, fromDomain: 'sms.test', defaultMailbox: 'inbox@company.test' } } });
  const mailer = createMailer(config);
  try {
    for (let i = 0; i < 3; i++) {
      const r = await mailer.relay(sms(i), 'inbox@company.test');
      assert.equal(r.kind, 'accepted', JSON.stringify(r));
    }
  } finally {
    mailer.close();
  }
}

test('mail.out.smtp.pool is accepted and on by default: relays share one SMTP connection', { timeout: 30_000 }, async () => {
  const s = await countingServer();
  try {
    await relayThree({}, s.port);
    assert.equal(s.messages(), 3);
    assert.equal(s.connections(), 1, 'three relays over one pooled connection');
  } finally {
    await s.close();
  }
});

test('mail.out.smtp.pool: false opens one connection per relay', { timeout: 30_000 }, async () => {
  const s = await countingServer();
  try {
    await relayThree({ pool: false }, s.port);
    assert.equal(s.messages(), 3);
    assert.equal(s.connections(), 3);
  } finally {
    await s.close();
  }
});

test('mail.out.smtp.maxConnections is range-checked', () => {
  assert.throws(() => parseConfig({ mail: { out: { smtp: { maxConnections: 0 } } } }), /maxConnections/);
  assert.equal(parseConfig({}).mail.out.smtp.maxConnections, 2);
});
