/**
 * `mmsgw mail-test --to ADDRESS [--config FILE]`: sends one test mail with the configured
 * SMTP settings and prints the server's answer, or exactly what failed (connection refused,
 * TLS, authentication, rejection). Flags override the file, so settings can be tried before
 * they are written down.
 */
import { testMailMessage } from '../../mail/out/test-message.js';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../registry.js';
import { silentLogger } from '../../util/log.js';
import { MailRelay } from '../../mail/out/relay.js';
import { describeFailure } from '../../mail/out/smtp.js';
import type { RelayMessage, RenderConfig, SmtpConfig } from '../../mail/out/types.js';

const usage = `usage: mmsgw mail-test --to ADDRESS [--config FILE] [options]

Sends a test mail through the SMTP server of mail.out.smtp and prints the server's reply.

  --to ADDRESS        recipient (required)
  --config FILE       configuration file (default: $MMSGW_CONFIG; without either, flags only)
  --host HOST         SMTP server            --port N        SMTP port (default 587)
  --secure            implicit TLS (465)     --no-starttls   allow a plain connection
  --ca FILE           extra trusted CA certificate (PEM)
  --user USER         login                  --password PW   password (or $MMSGW_SMTP_PASSWORD)
  --from ADDRESS      envelope sender
  --domain DOMAIN     domain of the test sender address (default: mail.out.fromDomain)
  --timeout MS        connection timeout (default 15000)`;

interface Settings {
  smtp: SmtpConfig;
  render: RenderConfig;
}

async function fromConfigFile(path: string): Promise<Settings> {
  const { loadConfig } = await import('../../config/index.js');
  const { mailOutFromConfig } = await import('../../mail/out/from-config.js');
  const s = mailOutFromConfig(loadConfig(path, process.env));
  return { smtp: s.smtp, render: s.render };
}

type Flags = Partial<Record<string, string | boolean>>;

function str(flags: Flags, key: string): string | undefined {
  const v = flags[key];
  return typeof v === 'string' ? v : undefined;
}

function applyFlags(base: Settings | undefined, flags: Flags): Settings {
  const host = str(flags, 'host') ?? base?.smtp.host;
  if (host === undefined) throw new Error(`give --config FILE or --host HOST\n\n${usage}`);
  const portText = str(flags, 'port');
  const port = portText === undefined ? (base?.smtp.port ?? 587) : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port: expected 1..65535, got ${portText}`);
  const secure = flags['secure'] === true ? true : (base?.smtp.secure ?? false);
  const requireTLS = flags['no-starttls'] === true ? false : secure ? false : (base?.smtp.requireTLS ?? true);
  const caFile = str(flags, 'ca');
  const user = str(flags, 'user');
  const pass = str(flags, 'password') ?? process.env['MMSGW_SMTP_PASSWORD'];
  const auth: SmtpConfig['auth'] = user !== undefined && pass !== undefined ? { type: 'password', user, pass } : base?.smtp.auth;
  const timeout = Number(str(flags, 'timeout') ?? '15000');
  const from = str(flags, 'from') ?? base?.smtp.envelopeFrom;
  const smtp: SmtpConfig = {
    ...base?.smtp,
    host,
    port,
    secure,
    requireTLS,
    auth,
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : 15000,
    ...(caFile === undefined ? {} : { ca: readFileSync(caFile, 'utf8') }),
    ...(from === undefined ? {} : { envelopeFrom: from }),
  };
  const domain = str(flags, 'domain') ?? base?.render.addressDomain ?? 'localhost';
  return { smtp, render: { ...base?.render, addressDomain: domain } };
}

function testMessage(now: Date): RelayMessage {
  return testMailMessage({
    id: `mail-test-${now.getTime()}`,
    subject: 'mmsgw mail test',
    text: `This is a test mail from mmsgw, sent ${now.toISOString()}.\nIf you can read it, relaying SMS and MMS to this mailbox works.`,
    date: now,
  });
}

export const command: CliCommand = {
  summary: 'send a test mail with the configured SMTP settings',
  usage,
  async run(argv: string[]): Promise<number> {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        to: { type: 'string' },
        config: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        secure: { type: 'boolean' },
        'no-starttls': { type: 'boolean' },
        ca: { type: 'string' },
        user: { type: 'string' },
        password: { type: 'string' },
        from: { type: 'string' },
        domain: { type: 'string' },
        timeout: { type: 'string' },
      },
    });
    const to = values.to;
    if (to === undefined || !/^[^@\s]+@[^@\s]+$/.test(to)) {
      console.error(`mail-test: --to needs an email address\n\n${usage}`);
      return 2;
    }
    const configPath = values.config ?? process.env['MMSGW_CONFIG'];
    const settings = applyFlags(configPath === undefined ? undefined : await fromConfigFile(configPath), values);
    // The outcome is printed below; the relay's own log line would only repeat it.
    const relay = new MailRelay({ ...settings, log: silentLogger });
    try {
      const target = `${settings.smtp.host}:${settings.smtp.port}`;
      const rendered = await relay.render(testMessage(new Date()), to);
      const outcome = await relay.send(rendered, to);
      if (outcome.kind === 'accepted') {
        console.log(`accepted by ${target}: ${outcome.response}\nMessage-ID: ${outcome.messageId}`);
        return 0;
      }
      const verdict = outcome.kind === 'permanent' ? 'permanent failure' : 'temporary failure';
      console.error(`mail-test: ${verdict} at ${target}: ${describeFailure({ ...outcome, permanent: outcome.kind === 'permanent' })}`);
      return 1;
    } finally {
      relay.close();
    }
  },
};
