/**
 * The carrier lookup at start parses only the providers serving the SIM's network codes
 * (src/mmsc/carriers/mbpi-select.ts). Checked against the full parse: for every network code in
 * the system's mobile-broadband-provider-info (when installed), and on hand-written XML with
 * comments, single quotes and attributes in either order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { parseServiceProviders, SYSTEM_DATABASE } from '../../src/mmsc/carriers/mbpi.js';
import { selectProviders } from '../../src/mmsc/carriers/mbpi-select.js';
import { lookupCarrier } from '../../src/mmsc/carriers/lookup.js';

const XML = `<?xml version="1.0"?>
<!-- <provider><name>In a comment</name><gsm><network-id mcc="001" mnc="01"/></gsm></provider> -->
<serviceproviders format="2.0">
<country code="xx">
  <provider primary="true"><name>Alpha &amp; Co</name><gsm>
    <network-id mnc='01' mcc='001'/>
    <apn value="mms.alpha"><usage type="mms"/><mmsc>http://mmsc.alpha/</mmsc></apn></gsm></provider>
  <provider><name>Beta</name><gsm><network-id mcc="001" mnc="02"/>
    <apn value="mms.beta"><usage type="mms"/><mmsc>http://mmsc.beta/</mmsc></apn></gsm></provider>
</country>
<country code="yy">
  <!-- <provider><name>Commented</name><gsm><network-id mcc="002" mnc="01"/></gsm></provider> -->
  <provider><name>Gamma</name><gsm><network-id mcc="002" mnc="01"/><network-id mcc="001" mnc="01"/>
    <apn value="mms.gamma"><usage type="mms"/><mmsc>http://mmsc.gamma/</mmsc></apn></gsm></provider>
</country>
</serviceproviders>`;

test('only providers serving the network codes are selected; comments are not providers', () => {
  const names = (plmns: string[]): string[] => {
    const fromText = parseServiceProviders(selectProviders(XML, plmns)).map((e) => `${e.country}:${e.name}`);
    // The gateway scans the file's bytes (UTF-8) without decoding it: the same selection.
    assert.deepEqual(parseServiceProviders(selectProviders(Buffer.from(XML, 'utf8'), plmns)).map((e) => `${e.country}:${e.name}`), fromText, plmns.join());
    return fromText;
  };
  assert.deepEqual(names(['00101']), ['xx:Alpha & Co', 'yy:Gamma']);
  assert.deepEqual(names(['00102']), ['xx:Beta']);
  assert.deepEqual(names(['00201']), ['yy:Gamma']);
  assert.deepEqual(names(['99999']), []);
  assert.deepEqual(names(['00101', '00102']), ['xx:Alpha & Co', 'xx:Beta', 'yy:Gamma']);
});

test('for every network code of the system database, the selected parse gives the same lookup as the full one', (t) => {
  if (!existsSync(SYSTEM_DATABASE)) return t.skip(`${SYSTEM_DATABASE} absent (Debian package mobile-broadband-provider-info)`);
  const xml = readFileSync(SYSTEM_DATABASE, 'utf8');
  const bytes = readFileSync(SYSTEM_DATABASE);
  const full = { source: 'full', entries: parseServiceProviders(xml) };
  const plmns = [...new Set(full.entries.flatMap((e) => e.plmns))];
  assert.ok(plmns.length > 50, `the database names network codes (${plmns.length})`);
  for (const plmn of plmns) {
    const selected = { source: 'full', entries: parseServiceProviders(selectProviders(bytes, [plmn])) };
    assert.deepEqual(lookupCarrier({ plmn, spn: 'x' }, selected), lookupCarrier({ plmn, spn: 'x' }, full), plmn);
    assert.deepEqual(lookupCarrier({ plmn }, selected), lookupCarrier({ plmn }, full), plmn);
  }
});
