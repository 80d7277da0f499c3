import { resolve } from 'node:path';
import type { ConfigInput } from './schema.js';

/**
 * The embedded configuration used when no file is given (`mmsgw demo`, `npm start`):
 * simulated modem and MMSC, everything bound to 127.0.0.1, state in ./.mmsgw-demo. It must
 * validate like any user file (a test checks it).
 */
export function demoConfigInput(cwd: string = process.cwd()): ConfigInput {
  return {
    stateDir: resolve(cwd, '.mmsgw-demo'),
    logLevel: 'info',
    box: { ownNumber: '+15550100001' },
    modem: { profile: 'generic', smsStorage: 'ME' },
    sms: { preferSmsForShortText: true, statusReports: true },
    bearer: { kind: 'system' },
    mmsc: { url: 'http://127.0.0.1:8514/mms', proxy: null, carrierProfile: 'generic', retrieval: 'immediate' },
    mail: {
      out: {
        smtp: { host: '127.0.0.1', port: 2526, secure: false, starttls: false },
        fromDomain: 'mmsgw.localhost',
        fromNameFormat: '{name} ({number})',
        replyTo: 'box+{number}@mmsgw.localhost',
        defaultMailbox: 'demo@mmsgw.localhost',
      },
      in: {
        smtpListener: { enabled: true, host: '127.0.0.1', port: 2525 },
        // The demo's traffic generator sends unsigned mail on loopback; a real box must not
        // trust From alone (the gateway warns about it at start).
        authorisation: { allowedDomains: ['mmsgw.localhost'], trustFromAlone: true },
        // The demo's own traffic generator sends thousands of mails from one sender.
        limits: { perSenderPerHour: 100_000, perSenderPerDay: 1_000_000, perDomainPerHour: 100_000, perDomainPerDay: 1_000_000, perBoxPerHour: 100_000, perBoxPerDay: 1_000_000 },
      },
    },
    web: { host: '127.0.0.1', port: 8080 },
    // The demo's traffic generator calls the REST API as fast as it can.
    api: { rateLimit: { perMinute: 60_000, burst: 1_000 } },
  };
}
