import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLocation, checkResolvedAddress, classifyAddress, defaultAllowedHosts, pushSourceAllowed, type UrlPolicy } from '../../src/mmsc/index.js';

const direct: UrlPolicy = {
  viaProxy: false,
  mmscUrl: 'http://mmsc.carrier.example:8002/mms',
  allowedHosts: [...defaultAllowedHosts('http://mmsc.carrier.example:8002/mms'), 'media.partner.example'],
  allowedNetworks: ['10.20.0.0/16'],
  ownAddresses: ['192.168.1.50', 'fe80::1', '10.64.3.7'],
};
const proxied: UrlPolicy = { ...direct, viaProxy: true, allowedHosts: [] };
const code = (url: string, p: UrlPolicy): string => {
  const v = checkLocation(url, p);
  return v.ok ? 'ok' : v.code;
};

test('address classes follow RFC 6890, including IPv4-mapped IPv6 and odd IPv4 spellings the URL parser folds', () => {
  assert.equal(classifyAddress('127.0.0.1'), 'loopback');
  assert.equal(classifyAddress('127.255.1.2'), 'loopback');
  assert.equal(classifyAddress('::1'), 'loopback');
  assert.equal(classifyAddress('[::ffff:7f00:1]'), 'loopback');
  assert.equal(classifyAddress('169.254.169.254'), 'link-local');
  assert.equal(classifyAddress('fe80::abcd%wwan0'), 'link-local');
  assert.equal(classifyAddress('10.1.2.3'), 'private');
  assert.equal(classifyAddress('172.31.255.255'), 'private');
  assert.equal(classifyAddress('172.32.0.1'), 'public');
  assert.equal(classifyAddress('192.168.0.1'), 'private');
  assert.equal(classifyAddress('100.64.0.1'), 'private');
  assert.equal(classifyAddress('fd12::1'), 'private');
  assert.equal(classifyAddress('0.0.0.0'), 'unspecified');
  assert.equal(classifyAddress('224.0.0.1'), 'multicast');
  assert.equal(classifyAddress('8.8.8.8'), 'public');
  assert.equal(classifyAddress('2a00:1450::1'), 'public');
  // WHATWG URL folds decimal and hex IPv4 forms to dotted quads before the check.
  assert.equal(code('http://2130706433:8080/', proxied), 'LOCATION_ADDRESS');
  assert.equal(code('http://0x7f.1/', proxied), 'LOCATION_ADDRESS');
  assert.equal(code('http://[::ffff:127.0.0.1]/', proxied), 'LOCATION_ADDRESS');
});

test('only http and https, never credentials, never garbage', () => {
  assert.equal(code('file:///etc/passwd', proxied), 'LOCATION_SCHEME');
  assert.equal(code('gopher://mmsc.carrier.example/', direct), 'LOCATION_SCHEME');
  assert.equal(code('ftp://mmsc.carrier.example/x', direct), 'LOCATION_SCHEME');
  assert.equal(code('http://user:secret@mmsc.carrier.example/x', direct), 'LOCATION_CREDENTIALS');
  assert.equal(code('http://user@mmsc.carrier.example/x', proxied), 'LOCATION_CREDENTIALS');
  assert.equal(code('not a url', direct), 'LOCATION_INVALID');
  assert.equal(code('', direct), 'LOCATION_INVALID');
});

test('without a proxy: the MMSC host, its domain and the listed hosts only', () => {
  assert.equal(code('http://mmsc.carrier.example:8002/r/1', direct), 'ok');
  assert.equal(code('http://mmsc.carrier.example/r/1', direct), 'ok');
  assert.equal(code('https://store.carrier.example/r/1', direct), 'ok');
  assert.equal(code('http://CARRIER.example./r/1', direct), 'ok');
  assert.equal(code('http://media.partner.example/r', direct), 'ok');
  assert.equal(code('http://evil.example/r', direct), 'LOCATION_HOST');
  assert.equal(code('http://carrier.example.evil.test/r', direct), 'LOCATION_HOST');
  assert.equal(code('http://localhost:8080/', direct), 'LOCATION_HOST');
  assert.equal(code('http://127.0.0.1:8080/', direct), 'LOCATION_ADDRESS');
  assert.equal(code('http://192.168.1.50/', direct), 'LOCATION_ADDRESS');
  assert.equal(code('http://[fe80::1]/', direct), 'LOCATION_ADDRESS');
  assert.equal(code('http://8.8.8.8/', direct), 'LOCATION_HOST');
  // A listed network is allowed even though it is private.
  assert.equal(code('http://10.20.1.1/r', direct), 'ok');
  assert.equal(code('http://10.21.1.1/r', direct), 'LOCATION_ADDRESS');
  // The parent domain is never a bare TLD.
  assert.deepEqual(defaultAllowedHosts('http://mms.vtext.com/servlets/mms'), ['mms.vtext.com', '.vtext.com']);
  assert.deepEqual(defaultAllowedHosts('http://vtext.com/'), ['vtext.com']);
  assert.deepEqual(defaultAllowedHosts('http://10.0.0.1/mms'), ['10.0.0.1']);
});

test('without a proxy the resolved addresses are checked too; the MMSC host may resolve into private ranges', () => {
  const ok = (url: string, addr: string): boolean => checkResolvedAddress(url, addr, direct).ok;
  assert.equal(ok('http://store.carrier.example/r', '127.0.0.1'), false);
  assert.equal(ok('http://store.carrier.example/r', '::1'), false);
  assert.equal(ok('http://store.carrier.example/r', '169.254.169.254'), false);
  assert.equal(ok('http://store.carrier.example/r', '10.9.9.9'), false);
  assert.equal(ok('http://store.carrier.example/r', '10.20.9.9'), true);
  assert.equal(ok('http://store.carrier.example/r', '192.168.1.50'), false);
  assert.equal(ok('http://store.carrier.example/r', '93.184.216.34'), true);
  assert.equal(ok('http://mmsc.carrier.example/r', '10.9.9.9'), true);
  assert.equal(ok('http://mmsc.carrier.example/r', '127.0.0.1'), false);
  assert.equal(ok('http://mmsc.carrier.example:8002/r', '127.0.0.1'), true, 'the configured MMSC origin is the operator\'s choice');
  assert.equal(ok('http://mmsc.carrier.example/r', '10.64.3.7'), false, 'an address of this box');
  assert.equal(checkResolvedAddress('http://x.example/', '127.0.0.1', proxied).ok, true, 'a proxy resolves for itself');
});

test('through a proxy: carrier-private literals pass, this box never does', () => {
  assert.equal(code('http://10.1.2.3/mms/r/1', proxied), 'ok');
  assert.equal(code('http://any.host.example/r', proxied), 'ok');
  assert.equal(code('http://127.0.0.1:22/', proxied), 'LOCATION_ADDRESS');
  assert.equal(code('http://[::1]/', proxied), 'LOCATION_ADDRESS');
  assert.equal(code('http://169.254.169.254/latest/meta-data', proxied), 'LOCATION_ADDRESS');
  assert.equal(code('http://192.168.1.50/', proxied), 'LOCATION_ADDRESS');
  assert.equal(code('http://0.0.0.0/', proxied), 'LOCATION_ADDRESS');
  assert.equal(code('http://localhost/', proxied), 'LOCATION_HOST');
  assert.equal(code('http://a.localhost/', proxied), 'LOCATION_HOST');
  // The configured MMSC origin stays allowed even on loopback (the embedded demo).
  const demo: UrlPolicy = { viaProxy: true, mmscUrl: 'http://127.0.0.1:8514/mms', allowedHosts: [], allowedNetworks: [], ownAddresses: ['127.0.0.1'] };
  assert.equal(code('http://127.0.0.1:8514/mms/r/abc', demo), 'ok');
  assert.equal(code('http://127.0.0.1:8080/', demo), 'LOCATION_ADDRESS');
});

test('push sources: numbers on digits, prefixes, alphanumeric names; an empty list allows all', () => {
  assert.equal(pushSourceAllowed('+491234', undefined), true);
  assert.equal(pushSourceAllowed('+491234', []), true);
  assert.equal(pushSourceAllowed('+491234', ['00491234']), true);
  assert.equal(pushSourceAllowed('+491235', ['+491234']), false);
  assert.equal(pushSourceAllowed('+4912345', ['+49123*']), true);
  assert.equal(pushSourceAllowed('+4812345', ['+49123*']), false);
  assert.equal(pushSourceAllowed('6245', ['6245']), true);
  assert.equal(pushSourceAllowed('Vodafone', ['vodafone']), true);
  assert.equal(pushSourceAllowed('Vodafone', ['6245']), false);
});
