import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../src/config/index.js';
import { mailOutFromConfig, readAddressBook } from '../../../src/mail/out/from-config.js';
import { routeMessage } from '../../../src/mail/out/routing.js';
import { partyAddress } from '../../../src/mail/out/addresses.js';
import { ALICE, BOB, BOX, smsMessage } from './fixtures.js';

describe('settings from the configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-mailcfg-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('mail.out maps onto SMTP, rendering and routing settings', () => {
    const book = join(dir, 'contacts.yaml');
    writeFileSync(book, `"+49 151 12345678": Alice\n"${BOB}": Bob\n`);
    const config = parseConfig({
      mail: {
        out: {
          fromDomain: 'sms.example',
          fromNameFormat: '{name} ({number})',
          replyTo: 'box+{number}@company.example',
          smtp: { host: 'smtp.company.example', port: 465, secure: true, starttls: false, auth: { user: 'gw@company.example', oauth2: { clientId: 'c', clientSecret: 's', refreshToken: 'r' } } },
          routes: [{ from: '+49151*', mailboxes: ['family@company.example'] }, { to: BOX, mailboxes: ['box@company.example'] }],
          defaultMailbox: 'all@company.example',
          addressBook: book,
          attachRawMms: true,
        },
      },
    });
    const s = mailOutFromConfig(config);
    assert.deepEqual(s.smtp, {
      host: 'smtp.company.example', port: 465, secure: true, requireTLS: false, pool: true, maxConnections: 2,
      auth: { type: 'oauth2', user: 'gw@company.example', clientId: 'c', clientSecret: 's', refreshToken: 'r' },
    });
    assert.equal(s.render.attachRawMms, true);
    assert.equal(s.render.replyToPattern, 'box+{number}@company.example');
    assert.equal(partyAddress(ALICE, s.render).name, `Alice (${ALICE})`);
    assert.deepEqual(routeMessage(smsMessage({ from: ALICE }), s.routing), ['family@company.example']);
    assert.deepEqual(routeMessage(smsMessage({ from: BOB }), s.routing), ['box@company.example']);
    assert.deepEqual(routeMessage(smsMessage({ from: BOB, boxNumber: '+4930123' }), s.routing), ['all@company.example']);
  });

  test('an address book that is not a mapping of names is refused with its key', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, `- just\n- a list\n`);
    assert.throws(() => readAddressBook(bad), { code: 'CONFIG_INVALID', key: 'mail.out.addressBook' });
    assert.throws(() => readAddressBook(join(dir, 'missing.yaml')), { key: 'mail.out.addressBook' });
  });
});
