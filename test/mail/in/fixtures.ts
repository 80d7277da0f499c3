/** Shared options and mail builders for the mail-in tests. */
import type { MailInOptions } from '../../../src/mail/in/types.js';

export const BOX = 'box@gw.example.org';
export const ANNA = 'anna@example.org';

export function mailInOptions(over: Partial<MailInOptions> = {}): MailInOptions {
  return {
    addressing: {
      mailbox: BOX,
      numberDomains: ['sms.example.org'],
      numbering: { defaultCountryCode: '49' },
      ownNumber: '+491500000000',
    },
    authorisation: {
      senders: [{ address: ANNA }, { address: '@family.example', numbers: ['+491701111111'] }],
      authservId: 'mx.gw.example.org',
    },
    limits: { maxRecipients: 10, perHour: 50, perDay: 100 },
    ...over,
  };
}

/** A raw RFC 5322 message with CRLF line ends. */
export function rawMail(headers: Record<string, string>, body = 'Hello from mail'): Buffer {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  if (!('Message-ID' in headers)) lines.push(`Message-ID: <${Math.random().toString(36).slice(2)}@example.org>`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body.replace(/\r?\n/g, '\r\n')}\r\n`);
}
