import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

/**
 * The configuration file of a gateway run as its own process (`mmsgw run --config`) against
 * the simulators: the modem simulator's pty, the MMSC simulator as MMSC and WAP proxy, mail out
 * to `smtpPort` (default 9: nothing listens, relays retry), the web listener off. `extra`
 * replaces or adds top-level sections. Returns the file's path (`<dir>/mmsgw.yaml`).
 */
export function writeGatewayConfig(
  dir: string,
  sims: { readonly modem: { readonly path: string }; readonly mmsc: { readonly url: string; readonly port: number } },
  o: { readonly ownNumber: string; readonly smtpPort?: number; readonly extra?: Record<string, unknown> },
): string {
  const path = join(dir, 'mmsgw.yaml');
  writeFileSync(
    path,
    stringify({
      stateDir: join(dir, 'state'),
      box: { ownNumber: o.ownNumber },
      modem: { port: sims.modem.path, profile: 'generic', smsStorage: 'ME' },
      bearer: { kind: 'system' },
      mmsc: { url: sims.mmsc.url, proxy: `127.0.0.1:${sims.mmsc.port}`, carrierProfile: 'generic', backoff: { initialSeconds: 1, maxSeconds: 2 } },
      mail: { out: { smtp: { host: '127.0.0.1', port: o.smtpPort ?? 9, secure: false, starttls: false }, fromDomain: 'sms.test', defaultMailbox: 'inbox@company.test' } },
      web: { enabled: false },
      ...o.extra,
    }),
  );
  return path;
}
