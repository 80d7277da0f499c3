import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigInvalidError, configForModem, modemEntries, parseConfig } from '../../src/config/index.js';

/** `modems:` as a list, and the single `modem:` as a list of one (docs/CONFIG.md "modems"). */

test('a single modem: is a list of one with the top-level bearer and mmsc', () => {
  const c = parseConfig({ modem: { port: '/dev/ttyUSB5', pin: '1234' }, box: { ownNumber: '+15550100001' }, mmsc: { url: 'http://mmsc.example/' } });
  const [e, ...rest] = modemEntries(c);
  assert.equal(rest.length, 0);
  assert.ok(e);
  assert.equal(e.id, 'modem1');
  assert.equal(e.primary, true);
  assert.equal(e.modem.port, '/dev/ttyUSB5');
  assert.equal(e.modem.pin, '1234');
  assert.equal(e.number, '+15550100001');
  assert.equal(e.mmsc.url, 'http://mmsc.example/');
  const view = configForModem(c, e);
  assert.equal(view.stateDir, c.stateDir, 'the first modem keeps the top-level state files');
});

test('modems: each entry has its own port, profile, PIN, number, bearer and MMSC; numbers by box.numbers[].port', () => {
  const c = parseConfig({
    stateDir: '/tmp/x',
    mmsc: { url: 'http://shared.example/' },
    bearer: { kind: 'system' },
    box: { numbers: [{ number: '+15550100003', port: '/dev/ttyUSB8' }] },
    modems: [
      { port: '/dev/ttyUSB2', profile: 'huawei', pin: '1111', number: '+15550100001' },
      { id: 'work', port: '/dev/ttyUSB5', profile: 'quectel', number: '+15550100002', mmsc: { url: 'http://other.example/' }, bearer: { kind: 'modem-http', apn: 'mms' }, limits: { smsPerMinute: 10 } },
      { port: '/dev/ttyUSB8', profile: 'simcom' },
    ],
  });
  const es = modemEntries(c);
  assert.deepEqual(es.map((e) => e.id), ['modem1', 'work', 'modem3']);
  assert.deepEqual(es.map((e) => e.number), ['+15550100001', '+15550100002', '+15550100003']);
  assert.deepEqual(es.map((e) => e.modem.profile), ['huawei', 'quectel', 'simcom']);
  assert.equal(es[0]?.modem.pin, '1111');
  assert.equal(es[0]?.mmsc.url, 'http://shared.example/');
  assert.equal(es[1]?.mmsc.url, 'http://other.example/');
  assert.equal(es[1]?.bearer.kind, 'modem-http');
  assert.equal(es[2]?.bearer.kind, 'system');
  assert.equal(es[1]?.limits.smsPerMinute, 10);
  const v = configForModem(c, es[1]!);
  assert.equal(v.stateDir, '/tmp/x/modems/work');
  assert.equal(v.modem.port, '/dev/ttyUSB5');
  assert.equal(v.box.ownNumber, '+15550100002');
  assert.equal(v.mmsc.url, 'http://other.example/');
});

test('modems: duplicate ids, ports and numbers, modem: beside modems:, unknown ids in byPrefix are refused by name', () => {
  const bad = (input: Record<string, unknown>, path: string): void => {
    assert.throws(() => parseConfig(input), (e: unknown) => {
      assert.ok(e instanceof ConfigInvalidError, String(e));
      assert.ok(e.problems.some((p) => p.key === path), `${path} in ${JSON.stringify(e.problems)}`);
      return true;
    });
  };
  bad({ modems: [{ port: '/dev/a' }, { port: '/dev/a' }] }, 'modems[1].port');
  bad({ modems: [{ port: '/dev/a', id: 'x' }, { port: '/dev/b', id: 'x' }] }, 'modems[1].id');
  bad({ modems: [{ port: '/dev/a', number: '+15550100001' }, { port: '/dev/b', number: '+15550100001' }] }, 'modems[1].number');
  bad({ modem: { port: '/dev/c' }, modems: [{ port: '/dev/a' }] }, 'modem');
  bad({ modems: [{ port: '/dev/a' }], outbound: { modems: { byPrefix: [{ prefix: '+49', modems: ['nope'] }] } } }, 'outbound.modems.byPrefix[0].modems[0]');
  // A route may name any modem's number.
  const ok = parseConfig({ modems: [{ port: '/dev/a', number: '+15550100001' }, { port: '/dev/b', number: '+15550100002' }], mail: { out: { routes: [{ to: '+15550100002', mailboxes: ['b@example.org'] }] } } });
  assert.equal(ok.mail.out.routes[0]?.to, '+15550100002');
});

test('mail addressing: box+<numbers>=<own number> asks to send from that number of the box; a number not the box\'s is refused', async () => {
  const { classifyAddress, resolveRecipients } = await import('../../src/mail/in/addressing.js');
  const opts = { mailbox: 'box@gw.example.org', numbering: { defaultCountryCode: '49' }, ownNumber: '+4917600000001', ownNumbers: ['+4917600000001', '+4917600000002'] };
  assert.deepEqual(classifyAddress('box+491701234567=4917600000002@gw.example.org', opts), { kind: 'numbers', numbers: ['+491701234567'], via: '+4917600000002' });
  assert.deepEqual(classifyAddress('491701234567_491701234568=+4917600000001@gw.example.org', { ...opts, numberDomains: ['gw.example.org'] }), { kind: 'numbers', numbers: ['+491701234567', '+491701234568'], via: '+4917600000001' });
  const foreign = classifyAddress('box+491701234567=4915199999999@gw.example.org', opts);
  assert.equal(foreign.kind, 'invalid');
  assert.equal(classifyAddress('box+491701234567=4917600000001=4917600000002@gw.example.org', opts).kind, 'invalid');
  const two = resolveRecipients(['box+491701234567=4917600000001@gw.example.org', 'box+491701234568=4917600000002@gw.example.org'], opts);
  assert.ok(!two.ok && two.refusal.code === 'MAIL_BAD_RECIPIENT');
  const one = resolveRecipients(['box+491701234567=4917600000002@gw.example.org', 'box+491701234568@gw.example.org'], opts);
  assert.deepEqual(one, { ok: true, numbers: ['+491701234567', '+491701234568'], via: '+4917600000002' });
  // Another own number is never a destination (it would loop back to email).
  const loop = resolveRecipients(['box+4917600000002@gw.example.org'], opts);
  assert.ok(!loop.ok && loop.refusal.code === 'MAIL_NO_RECIPIENT');
});
