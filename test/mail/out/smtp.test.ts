/**
 * The SMTP side against a real smtp-server: STARTTLS with a self-signed certificate, AUTH
 * PLAIN, AUTH XOAUTH2 with a token refresh over HTTP, and how replies map to outcomes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MailRelay } from '../../../src/mail/out/relay.js';
import type { SmtpConfig } from '../../../src/mail/out/types.js';
import { mmsMessage, renderConfig, smsMessage } from './fixtures.js';
import { makeSelfSignedCert, startSmtp, type SmtpHarness } from './harness.js';

const MAILBOX = 'user@company.example';

async function relayOnce(smtp: SmtpConfig, id = 'sms-1'): Promise<Awaited<ReturnType<MailRelay['relay']>>> {
  const relay = new MailRelay({ smtp: { timeoutMs: 10000, ...smtp }, render: renderConfig });
  try {
    return await relay.relay(smsMessage({ id }), MAILBOX);
  } finally {
    relay.close();
  }
}

const cert = makeSelfSignedCert();

describe('STARTTLS', { skip: cert === undefined ? 'openssl not installed' : false }, () => {
  let server: SmtpHarness;
  before(async () => {
    server = await startSmtp({ key: cert?.key, cert: cert?.cert, disabledCommands: [] });
  });
  after(() => server.close());

  test('upgrades with a custom CA and delivers; the session was encrypted', async () => {
    const outcome = await relayOnce({ host: '127.0.0.1', port: server.port, requireTLS: true, ca: cert?.cert });
    assert.equal(outcome.kind, 'accepted', JSON.stringify(outcome));
    assert.equal(server.received.length, 1);
    assert.equal(server.received[0]?.secure, true);
  });

  test('an untrusted certificate is a transient TLS failure and nothing is sent', async () => {
    const before = server.received.length;
    const outcome = await relayOnce({ host: '127.0.0.1', port: server.port, requireTLS: true });
    assert.equal(outcome.kind, 'transient');
    assert.equal(outcome.kind === 'transient' ? outcome.code : '', 'MAIL_TLS');
    assert.equal(server.received.length, before);
  });
});

describe('requireTLS against a server without STARTTLS', () => {
  test('refuses to send in clear text', async () => {
    const server = await startSmtp();
    try {
      const outcome = await relayOnce({ host: '127.0.0.1', port: server.port, requireTLS: true });
      assert.equal(outcome.kind, 'transient', JSON.stringify(outcome));
      assert.equal(outcome.kind === 'transient' ? outcome.code : '', 'MAIL_TLS');
      assert.equal(server.received.length, 0);
    } finally {
      await server.close();
    }
  });
});

describe('AUTH PLAIN', () => {
  let server: SmtpHarness;
  before(async () => {
    server = await startSmtp({
      authMethods: ['PLAIN'],
      authOptional: false,
      allowInsecureAuth: true,
      onAuth(auth, _session, cb) {
        if (auth.username === 'gw@company.example' && auth.password === 'app-password') cb(null, { user: auth.username });
        else cb(new Error('Invalid username or password'));
      },
    });
  });
  after(() => server.close());

  test('logs in with an app password; the login is the envelope sender', async () => {
    const outcome = await relayOnce({
      host: '127.0.0.1', port: server.port, requireTLS: false,
      auth: { type: 'password', user: 'gw@company.example', pass: 'app-password' },
    });
    assert.equal(outcome.kind, 'accepted', JSON.stringify(outcome));
    assert.equal(server.auths.at(-1)?.method, 'PLAIN');
    const got = server.received.at(-1);
    assert.equal(got?.user, 'gw@company.example');
    assert.equal(got?.from, 'gw@company.example');
  });

  test('a wrong password is an authentication failure, kept for retry', async () => {
    const before = server.received.length;
    const outcome = await relayOnce({
      host: '127.0.0.1', port: server.port, requireTLS: false,
      auth: { type: 'password', user: 'gw@company.example', pass: 'wrong' },
    });
    assert.equal(outcome.kind, 'transient');
    assert.equal(outcome.kind === 'transient' ? outcome.code : '', 'MAIL_AUTH');
    assert.equal(outcome.kind === 'transient' ? outcome.responseCode : 0, 535);
    assert.equal(server.received.length, before);
  });
});

describe('AUTH XOAUTH2', () => {
  let server: SmtpHarness;
  let tokenServer: Server;
  let tokenUrl = '';
  const tokenRequests: URLSearchParams[] = [];

  before(async () => {
    server = await startSmtp({
      authMethods: ['XOAUTH2'],
      authOptional: false,
      allowInsecureAuth: true,
      onAuth(auth, _session, cb) {
        if (auth.method === 'XOAUTH2' && auth.username === 'gw@gmail.example' && auth.accessToken === 'fresh-token') {
          cb(null, { user: auth.username });
          return;
        }
        // RFC 7628 §3.2.2: failure is reported as a JSON challenge.
        cb(null, { data: { status: '401', schemes: 'bearer', scope: 'https://mail.google.com/' } });
      },
    });
    tokenServer = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        tokenRequests.push(form);
        const good = form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === 'refresh-1' && form.get('client_secret') === 'secret-1';
        res.writeHead(good ? 200 : 400, { 'content-type': 'application/json' });
        res.end(JSON.stringify(good ? { access_token: 'fresh-token', expires_in: 3600, token_type: 'Bearer' } : { error: 'invalid_grant' }));
      });
    });
    await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
    tokenUrl = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token`;
  });
  after(async () => {
    await server.close();
    await new Promise<void>((resolve) => tokenServer.close(() => resolve()));
  });

  test('a stale access token is refreshed with the refresh token and the mail goes through', async () => {
    const outcome = await relayOnce({
      host: '127.0.0.1', port: server.port, requireTLS: false,
      auth: { type: 'oauth2', user: 'gw@gmail.example', clientId: 'client-1', clientSecret: 'secret-1', refreshToken: 'refresh-1', accessToken: 'stale-token', accessUrl: tokenUrl },
    });
    assert.equal(outcome.kind, 'accepted', JSON.stringify(outcome));
    assert.deepEqual(server.auths.map((a) => [a.method, a.accessToken]), [['XOAUTH2', 'stale-token'], ['XOAUTH2', 'fresh-token']]);
    assert.equal(tokenRequests.length, 1);
    assert.equal(tokenRequests[0]?.get('client_id'), 'client-1');
    assert.equal(server.received.at(-1)?.user, 'gw@gmail.example');
  });

  test('a refused refresh is an authentication failure', async () => {
    const before = server.received.length;
    const outcome = await relayOnce({
      host: '127.0.0.1', port: server.port, requireTLS: false,
      auth: { type: 'oauth2', user: 'gw@gmail.example', clientId: 'client-1', clientSecret: 'revoked', refreshToken: 'refresh-1', accessUrl: tokenUrl },
    });
    assert.equal(outcome.kind, 'transient', JSON.stringify(outcome));
    assert.equal(outcome.kind === 'transient' ? outcome.code : '', 'MAIL_AUTH');
    assert.equal(server.received.length, before);
  });
});

describe('reply codes', () => {
  test('4xx is transient, and the retry carries the same Message-ID', async () => {
    let attempts = 0;
    const server = await startSmtp({
      onRcptTo(_address, _session, cb) {
        attempts++;
        if (attempts === 1) {
          const e = Object.assign(new Error('Mailbox busy, try later'), { responseCode: 451 });
          cb(e);
        } else {
          cb();
        }
      },
    });
    const relay = new MailRelay({ smtp: { host: '127.0.0.1', port: server.port, requireTLS: false, timeoutMs: 10000 }, render: renderConfig });
    try {
      const first = await relay.relay(mmsMessage(), MAILBOX);
      assert.equal(first.kind, 'transient', JSON.stringify(first));
      assert.equal(first.kind === 'transient' ? first.responseCode : 0, 451);
      assert.equal(first.kind === 'transient' ? first.code : '', 'MAIL_DEFERRED');
      assert.equal(server.received.length, 0);
      const second = await relay.relay(mmsMessage(), MAILBOX);
      assert.equal(second.kind, 'accepted');
      assert.equal(second.messageId, first.messageId);
      assert.match(second.kind === 'accepted' ? second.response : '', /^250 .*queued as TEST1/);
      assert.ok(server.received[0]?.raw.toString().includes(`Message-ID: ${first.messageId}`));
    } finally {
      relay.close();
      await server.close();
    }
  });

  test('5xx is permanent', async () => {
    const server = await startSmtp({
      onRcptTo(_address, _session, cb) {
        cb(Object.assign(new Error('No such user here'), { responseCode: 550 }));
      },
    });
    try {
      const outcome = await relayOnce({ host: '127.0.0.1', port: server.port, requireTLS: false });
      assert.equal(outcome.kind, 'permanent', JSON.stringify(outcome));
      assert.equal(outcome.kind === 'permanent' ? outcome.responseCode : 0, 550);
      assert.equal(outcome.kind === 'permanent' ? outcome.code : '', 'MAIL_REJECTED');
      assert.match(outcome.kind === 'permanent' ? (outcome.response ?? '') : '', /No such user/);
    } finally {
      await server.close();
    }
  });

  test('5xx after DATA (content refused) is permanent', async () => {
    const server = await startSmtp({ size: 1000 });
    try {
      const relay = new MailRelay({ smtp: { host: '127.0.0.1', port: server.port, requireTLS: false, timeoutMs: 10000 }, render: renderConfig });
      try {
        const outcome = await relay.relay(mmsMessage(), MAILBOX);
        assert.equal(outcome.kind, 'permanent', JSON.stringify(outcome));
        assert.equal(outcome.kind === 'permanent' ? outcome.responseCode : 0, 552);
      } finally {
        relay.close();
      }
    } finally {
      await server.close();
    }
  });

  test('a refused connection is transient', async () => {
    const server = await startSmtp();
    const port = server.port;
    await server.close();
    const outcome = await relayOnce({ host: '127.0.0.1', port, requireTLS: false });
    assert.equal(outcome.kind, 'transient');
    assert.equal(outcome.kind === 'transient' ? outcome.code : '', 'MAIL_CONNECTION');
  });
});

describe('pooled connections', () => {
  test('several relays share one connection', async () => {
    let connections = 0;
    const server = await startSmtp({
      onConnect(_session, cb) {
        connections++;
        cb();
      },
    });
    const relay = new MailRelay({ smtp: { host: '127.0.0.1', port: server.port, requireTLS: false, pool: true, maxConnections: 1, timeoutMs: 10000 }, render: renderConfig });
    try {
      const outcomes = await Promise.all(['p1', 'p2', 'p3'].map((id) => relay.relay(smsMessage({ id }), MAILBOX)));
      assert.deepEqual(outcomes.map((o) => o.kind), ['accepted', 'accepted', 'accepted']);
      assert.equal(server.received.length, 3);
      assert.equal(connections, 1);
    } finally {
      relay.close();
      await server.close();
    }
  });
});
