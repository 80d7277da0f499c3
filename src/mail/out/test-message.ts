import type { RelayMessage } from './types.js';

/**
 * The mail `mmsgw mail-test` and `mmsgw setup` send to check the SMTP settings: one text part,
 * rendered and relayed like a received SMS, so it takes the same path as the real thing.
 */
export function testMailMessage(o: { readonly id: string; readonly subject: string; readonly text: string; readonly date: Date }): RelayMessage {
  return {
    id: o.id,
    kind: 'sms',
    direction: 'incoming',
    boxNumber: 'mmsgw',
    from: 'mmsgw',
    to: [],
    cc: [],
    date: o.date,
    subject: o.subject,
    parts: [{ contentType: 'text/plain', params: {}, charset: 'utf-8', body: Buffer.from(o.text, 'utf8') }],
  };
}
