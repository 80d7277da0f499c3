/**
 * Child process of log-secrets.test.ts: a gateway at debug level on real parts (modem
 * simulator with a SIM PIN, MMSC simulator, an SMTP relay that demands a login, the box's
 * SMTP listener with a user) with every secret of the configuration set, and traffic through
 * it: an SMS received and mailed on, a mail sent in with a login and sent out as an SMS.
 * Everything it logs goes to stderr, which the test searches for the secrets.
 */
import nodemailer from 'nodemailer';
import { encodeDeliver } from '../../src/codec/sms/index.js';
import { startE2e, waitUntil } from '../helpers/e2e.js';
import { startSmtp } from '../mail/out/harness.js';

const S = JSON.parse(process.env['SECRETS'] ?? '{}') as Record<string, string>;
const need = (k: string): string => {
  const v = S[k];
  if (v === undefined) throw new Error(`missing secret ${k}`);
  return v;
};

const relay = await startSmtp({
  authMethods: ['PLAIN', 'LOGIN'],
  onAuth(auth, _session, cb) {
    if (auth.username === 'relay-user' && auth.password === need('smtpPassword')) cb(null, { user: auth.username });
    else cb(new Error('Invalid username or password'));
  },
});
const env = await startE2e({
  pin: need('pin'),
  configure: (c) => ({
    ...c,
    logLevel: 'debug',
    modem: { ...c.modem, pin: need('pin') },
    bearer: { ...c.bearer, apnUser: 'apn-user', apnPassword: need('apnPassword') },
    mail: {
      ...c.mail,
      out: { ...c.mail?.out, smtp: { host: '127.0.0.1', port: relay.port, secure: false, starttls: false, auth: { user: 'relay-user', password: need('smtpPassword') } } },
      in: {
        ...c.mail?.in,
        imap: { enabled: false, password: need('imapPassword') },
        smtpListener: { ...c.mail?.in?.smtpListener, allowInsecureAuth: true, users: [{ user: 'sender', password: need('listenerPassword') }] },
      },
    },
    web: { enabled: false, username: 'admin', password: need('webPassword') },
    webhooks: { targets: [{ url: 'http://127.0.0.1:9/hook', secret: need('webhookSecret') }] },
  }),
});
try {
  for (const p of encodeDeliver({ from: '+15550301234', text: 'secret test: hello', reference: 7 })) await env.modemSim.deliverSms(p.hex);
  await waitUntil(() => relay.received.length > 0, 30_000, 'the SMS mailed on through the relay');
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: env.smtpInPort, secure: false, ignoreTLS: true, auth: { user: 'sender', pass: need('listenerPassword') } });
  await t.sendMail({ from: 'alice@mmsgw.localhost', to: '+15550307777@mmsgw.localhost', subject: 'out', text: 'an SMS from a mail' });
  t.close();
  await waitUntil(async () => (await env.modemSim.sent()).length > 0, 30_000, 'the mail sent out as an SMS');
  process.stdout.write('traffic done\n');
} finally {
  await env.stop();
  await relay.close();
}
