import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveCarrier, profileHeaders, retrieveUrl, plmnCandidates, DEFAULT_CARRIER, type CarrierEntry } from '../../src/mmsc/carriers/index.js';
import { parseProxy, normalizeHost } from '../../src/bearer/proxy.js';

test('an unknown carrier gets the defaults: a non-empty User-Agent and a UAProf', () => {
  const p = resolveCarrier('99999123456789');
  assert.equal(p.name, 'default');
  const h = profileHeaders(p, {});
  assert.ok((h['User-Agent'] ?? '').length > 0);
  assert.equal(h['x-wap-profile'], DEFAULT_CARRIER.uaProfUrl);
  assert.equal(resolveCarrier(undefined).name, 'default');
});

test('AT&T is found from the IMSI (3-digit MNC) and sends x-wap-profile; limit 1 MB', () => {
  const p = resolveCarrier('310410123456789');
  assert.equal(p.name, 'AT&T (US)');
  assert.equal(p.maxMessageSize, 1_048_576);
  assert.equal(p.proxy, 'proxy.mobile.att.net:80');
  const h = profileHeaders(p, { msisdn: '+12125550100' });
  assert.ok(h['x-wap-profile']?.startsWith('http://'));
  assert.ok(h['User-Agent']);
});

test('T-Mobile US from a +COPS numeric operator; no proxy', () => {
  const p = resolveCarrier('310260');
  assert.equal(p.name, 'T-Mobile (US)');
  assert.equal(p.proxy, undefined);
});

test('Verizon: MDN headers with the own number substituted, UAProf under "Profile"', () => {
  const p = resolveCarrier('311480000000001');
  const h = profileHeaders(p, { msisdn: '+1 (212) 555-0100' });
  assert.equal(h['X-VzW-MDN'], '12125550100');
  assert.equal(h['x-up-calling-line-id'], '12125550100');
  assert.equal(h['User-Agent'], 'vzmmms1.0');
  assert.equal(h['x-wap-profile'], undefined);
  assert.ok(h.Profile);
  // Without a known number the MDN headers are left out rather than sent empty.
  const h2 = profileHeaders(p, {});
  assert.equal(h2['X-VzW-MDN'], undefined);
});

test('two-digit MNCs match after three-digit candidates', () => {
  assert.deepEqual(plmnCandidates('262011234567890'), ['262011', '26201']);
  const table: CarrierEntry[] = [{ name: 'DE two-digit', plmns: ['26201'], userAgent: 'x' }];
  assert.equal(resolveCarrier('262011234567890', {}, table).name, 'DE two-digit');
});

test('quirks: {msisdnNational}, NAI suffix (Base64), transaction id appended, close connection, config overrides', () => {
  const table: CarrierEntry[] = [{
    name: 'Quirky', plmns: ['00101'], countryCode: '44',
    headers: { 'X-MSISDN': '{msisdn}', 'X-Local': '0{msisdnNational}' },
    naiSuffix: '@mms.quirky', naiHeader: 'X-Nai',
    transactionIdParam: 'tid', closeConnection: true, maxMessageSize: 300_000, proxy: '010.000.000.010:08080',
  }];
  const p = resolveCarrier('001011234567890', { userAgent: 'Configured/1.0' }, table);
  const h = profileHeaders(p, { msisdn: '+447700900123' });
  assert.equal(h['X-MSISDN'], '+447700900123');
  assert.equal(h['X-Local'], '07700900123');
  assert.equal(Buffer.from(h['X-Nai'] ?? '', 'base64').toString(), '447700900123@mms.quirky');
  assert.equal(h['User-Agent'], 'Configured/1.0');
  assert.equal(p.closeConnection, true);
  assert.equal(p.maxMessageSize, 300_000);
  assert.equal(p.proxy, '10.0.0.10:8080');
  assert.equal(retrieveUrl('http://mmsc/r/1?a=b', p, 'T42'), 'http://mmsc/r/1?a=b&tid=T42');
  assert.equal(retrieveUrl('http://mmsc/r/1', DEFAULT_CARRIER, 'T42'), 'http://mmsc/r/1');
});

test('proxy addresses normalise: zero-padded octets, schemes, IPv6, default port', () => {
  assert.deepEqual(parseProxy('010.000.000.010'), { host: '10.0.0.10', port: 8080 });
  assert.deepEqual(parseProxy('http://010.002.003.004:9201/'), { host: '10.2.3.4', port: 9201 });
  assert.deepEqual(parseProxy('[fd00::1]:80'), { host: 'fd00::1', port: 80 });
  assert.deepEqual(parseProxy('fd00::2'), { host: 'fd00::2', port: 8080 });
  assert.deepEqual(parseProxy('MMS.Proxy.Example:80'), { host: 'mms.proxy.example', port: 80 });
  assert.equal(parseProxy(''), undefined);
  assert.throws(() => parseProxy('1.2.3.4:99999'), RangeError);
  assert.equal(normalizeHost('300.1.1.1'), '300.1.1.1');
});
