import type { ConfigInput } from '../config/index.js';
import { envLine } from '../config/env-file.js';

/** What setup learnt and was told; becomes the configuration file and the secrets file. */
export interface SetupAnswers {
  readonly port: string;
  readonly profile?: 'generic' | 'huawei' | 'quectel' | 'simcom' | 'sierra' | 'zte';
  readonly stateDir?: string;
  readonly pin?: string;
  readonly ownNumber?: string;
  readonly bearer: { kind: 'interface' | 'system' | 'ppp' | 'modem-http'; interface?: string; pppDataPort?: string };
  readonly apn?: string;
  readonly apnUser?: string;
  readonly apnPassword?: string;
  readonly mmscUrl?: string;
  readonly proxy?: string;
  readonly mail: {
    readonly mailbox: string;
    readonly smtp: { host: string; port: number; security: 'starttls' | 'tls' | 'none'; user?: string; password?: string };
    readonly fromDomain?: string;
    readonly inbound: { kind: 'none' } | { kind: 'smtp'; port: number; allowedDomains: string[]; allowedSenders: string[] };
  };
}

/** Secrets go to the 0600 file as the environment variables the configuration reads (docs/CONFIG.md). */
export function secretsOf(a: SetupAnswers): Record<string, string> {
  const s: Record<string, string> = {};
  if (a.pin) s.MMSGW_SIM_PIN = a.pin;
  if (a.apnPassword) s.MMSGW_APN_PASSWORD = a.apnPassword;
  if (a.mail.smtp.password) s.MMSGW_SMTP_PASSWORD = a.mail.smtp.password;
  return s;
}

export function secretsFileText(secrets: Record<string, string>, now: Date): string {
  return [`# mmsgw secrets, written by mmsgw setup ${now.toISOString()}. Keep this file mode 0600.`, ...Object.entries(secrets).map(([k, v]) => envLine(k, v)), ''].join('\n');
}

/** The configuration file's content (no secrets in it). */
export function configInput(a: SetupAnswers): ConfigInput {
  const m = a.mail;
  const s = m.smtp;
  const inbound = m.inbound;
  return {
    ...(a.stateDir ? { stateDir: a.stateDir } : {}),
    box: a.ownNumber ? { ownNumber: a.ownNumber } : {},
    modem: { port: a.port, ...(a.profile ? { profile: a.profile } : {}) },
    bearer: {
      kind: a.bearer.kind,
      ...(a.bearer.kind === 'interface' && a.bearer.interface ? { interface: a.bearer.interface } : {}),
      ...(a.apn ? { apn: a.apn } : {}),
      ...(a.apnUser ? { apnUser: a.apnUser } : {}),
      ...(a.bearer.kind === 'ppp' && a.bearer.pppDataPort ? { ppp: { dataPort: a.bearer.pppDataPort } } : {}),
    },
    mmsc: { ...(a.mmscUrl ? { url: a.mmscUrl } : {}), proxy: a.proxy ?? null },
    mail: {
      out: {
        smtp: { host: s.host, port: s.port, secure: s.security === 'tls', starttls: s.security === 'starttls', ...(s.user ? { auth: { user: s.user } } : {}) },
        ...(m.fromDomain ? { fromDomain: m.fromDomain, replyTo: `box+{number}@${m.fromDomain}` } : {}),
        defaultMailbox: m.mailbox,
      },
      ...(inbound.kind === 'smtp'
        ? {
            in: {
              smtpListener: { enabled: true, host: '127.0.0.1', port: inbound.port },
              // The listener setup writes binds to loopback: only programs on the box itself can
              // submit (a local MTA relaying for the office), so From is checked against the
              // allowed senders without asking for a login. Exposing the listener needs `users`
              // (the configuration refuses it otherwise), and then a login is asked for.
              authorisation: { allowedDomains: inbound.allowedDomains, allowedSenders: inbound.allowedSenders, trustFromAlone: true },
            },
          }
        : {}),
    },
  };
}
