import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fromRow, parseServiceProviders, SYSTEM_DATABASE, toRow } from '../../src/mmsc/carriers/mbpi.js';
import { SNAPSHOT } from '../../src/mmsc/carriers/mbpi-snapshot.js';
import { carrierDatabase, lookupCarrier, type CarrierDatabase } from '../../src/mmsc/carriers/lookup.js';
import { mmsSettings, withMmsSettings } from '../../src/app/carrier-settings.js';
import { parseConfig } from '../../src/config/index.js';

const MINI = new URL('./fixtures/serviceproviders-mini.xml', import.meta.url).pathname;
const mini: CarrierDatabase = { source: 'mini', entries: parseServiceProviders(readFileSync(MINI, 'utf8')) };

test('serviceproviders.xml: only MMS APNs with an MMSC are kept, with proxy, credentials and entities decoded', () => {
  assert.equal(mini.entries.length, 2);
  const big = mini.entries[0];
  assert.deepEqual(big, {
    name: 'Big & Co',
    country: 'xx',
    plmns: ['99901', '999011'],
    primary: true,
    apn: 'mms.big',
    mmsc: 'http://mmsc.big.example/mms',
    // A bare proxy host means port 80, as Android's apns-conf mmsport default.
    proxy: '10.0.0.10:80',
    username: 'mms',
    password: 'secret',
    auth: 'chap',
  });
  assert.equal(mini.entries[1]?.proxy, '10.1.1.1:9201');
  for (const e of mini.entries) assert.deepEqual(fromRow(toRow(e)), e);
});

test('lookup: three-digit MNC first, then two; SPN picks the MVNO; else the primary provider', () => {
  assert.equal(lookupCarrier({ imsi: '999011000000001' }, mini)?.plmn, '999011');
  const two = lookupCarrier({ imsi: '999012000000001' }, mini);
  assert.equal(two?.plmn, '99901');
  assert.equal(two?.entry.name, 'Big & Co');
  assert.match(two?.reason ?? '', /primary/);
  assert.equal(two?.ambiguous, false);
  const small = lookupCarrier({ imsi: '999012000000001', spn: 'SMALL mobile' }, mini);
  assert.equal(small?.entry.apn, 'mms.small');
  assert.match(small?.reason ?? '', /SPN/);
  assert.equal(lookupCarrier({ imsi: '999021234567890' }, mini), undefined, 'an APN without an MMSC is not an MMS setting');
  assert.equal(lookupCarrier({ plmn: '123' }, mini), undefined);
});

test('the shipped snapshot is what the generator makes of the system database', { skip: existsSync(SYSTEM_DATABASE) ? false : `${SYSTEM_DATABASE} absent (apt install mobile-broadband-provider-info)` }, () => {
  const fresh = parseServiceProviders(readFileSync(SYSTEM_DATABASE, 'utf8')).map(toRow);
  assert.deepEqual(SNAPSHOT, fresh, 'run `npm run carriers` to regenerate src/mmsc/carriers/mbpi-snapshot.ts');
  assert.equal(carrierDatabase({}).source, SYSTEM_DATABASE);
});

test('without the system file the snapshot answers: Orange FR, and Prixtel by its SPN on the same code', () => {
  const db = carrierDatabase({ MMSGW_CARRIER_DB: '/nonexistent/serviceproviders.xml' });
  assert.match(db.source, /snapshot/);
  // Published values (mobile-broadband-provider-info, country "fr", network-id 208/01).
  const orange = lookupCarrier({ imsi: '208011234567890' }, db);
  assert.equal(orange?.entry.mmsc, 'http://mms.orange.fr');
  assert.equal(orange?.entry.proxy, '192.168.10.200:8080');
  assert.equal(orange?.ambiguous, true);
  const prixtel = lookupCarrier({ imsi: '208011234567890', spn: 'Prixtel' }, db);
  assert.equal(prixtel?.entry.name, 'Prixtel');
  assert.equal(prixtel?.ambiguous, false);
});

test('explicit configuration wins; what it leaves out comes from the database, in groups, with sources', () => {
  const sim = { imsi: '999012000000001' };
  const none = parseConfig({});
  const s = mmsSettings(none, sim, mini);
  assert.equal(s.apn.value, 'mms.big');
  assert.equal(s.apnUser.value, 'mms');
  assert.equal(s.apnPassword.value, 'secret');
  assert.equal(s.mmscUrl.value, 'http://mmsc.big.example/mms');
  assert.equal(s.proxy.value, '10.0.0.10:80');
  assert.match(s.mmscUrl.source, /^mini: 'Big & Co' for 99901/);
  const eff = withMmsSettings(none, s);
  assert.equal(eff.bearer.apn, 'mms.big');
  assert.equal(eff.mmsc.proxy, '10.0.0.10:80');

  // The owner's APN comes with the owner's credentials (none), never the carrier's.
  const own = mmsSettings(parseConfig({ bearer: { apn: 'my.apn' } }), sim, mini);
  assert.deepEqual(own.apn, { value: 'my.apn', source: 'config' });
  assert.equal(own.apnPassword.value, undefined);
  assert.equal(own.mmscUrl.value, 'http://mmsc.big.example/mms');

  // The owner's MMSC URL comes with the owner's proxy: none means none.
  const url = mmsSettings(parseConfig({ mmsc: { url: 'http://mmsc.mine.example/' } }), sim, mini);
  assert.equal(url.mmscUrl.source, 'config');
  assert.equal(url.proxy.value, undefined);
  const both = mmsSettings(parseConfig({ mmsc: { proxy: '10.9.9.9:8080' } }), sim, mini);
  assert.deepEqual(both.proxy, { value: '10.9.9.9:8080', source: 'config' });
  assert.equal(both.mmscUrl.value, 'http://mmsc.big.example/mms');

  // A curated carrier profile comes before the database.
  const att = mmsSettings(none, { imsi: '310410123456789' }, mini);
  assert.equal(att.mmscUrl.source, "carrier profile 'AT&T (US)'");
  assert.equal(mmsSettings(none, {}, mini).mmscUrl.value, undefined);
});

test('the gateway logs each MMS setting with its source, and turns MMS off (with a warning) when no MMSC is known', async () => {
  const { default: pino } = await import('pino');
  const { Writable } = await import('node:stream');
  const { createMm1 } = await import('../../src/app/mmsc.js');
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => { lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>); done(); } });
  const log = pino({ level: 'info' }, sink);
  const modem = { status: () => ({ imsi: '238011234567890', profile: 'generic' }), channel: {} } as unknown as Parameters<typeof createMm1>[1];
  const wiring = await createMm1(parseConfig({ bearer: { kind: 'system' }, mmsc: { proxy: '127.0.0.1:9' } }), modem, log);
  assert.ok(wiring);
  await new Promise((r) => setImmediate(r));
  const settings = lines.find((l) => l.msg === 'MMS settings');
  assert.match(String(settings?.mmscUrl), /^http:\/\/\S+ \(from .*'(TDC|Telmore)' for 23801/);
  assert.equal(settings?.proxy, '127.0.0.1:9 (from config)');
  assert.match(String(settings?.apnPassword), /not set|<set>/);
  const none = await createMm1(parseConfig({ bearer: { kind: 'system' } }), { status: () => ({ imsi: '999991234567890' }), channel: {} } as unknown as Parameters<typeof createMm1>[1], log);
  assert.equal(none, undefined);
  await new Promise((r) => setImmediate(r));
  assert.ok(lines.some((l) => l.level === 40 && /no MMSC URL/.test(String(l.msg))));
});
