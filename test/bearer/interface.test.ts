import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InterfaceBearer, type InterfaceBearerOptions } from '../../src/bearer/interface.js';
import type { Executor } from '../../src/bearer/exec.js';
import { startDns } from './helpers/dns.js';

/** An executor that records argv and answers `ip -j addr show` with a fake interface. */
function fakeIp(addrs: { v4?: string; v6?: string; up?: boolean; missing?: boolean }): { exec: Executor; calls: string[][] } {
  const calls: string[][] = [];
  const exec: Executor = (argv) => {
    calls.push([...argv]);
    if (argv.includes('-j')) {
      if (addrs.missing) return Promise.reject(new Error('Device "wwan0" does not exist.'));
      const info = [
        ...(addrs.v4 ? [{ family: 'inet', local: addrs.v4, scope: 'global' }] : []),
        ...(addrs.v6 ? [{ family: 'inet6', local: addrs.v6, scope: 'global' }] : []),
        { family: 'inet6', local: 'fe80::1', scope: 'link' },
      ];
      return Promise.resolve(JSON.stringify([{ ifname: 'wwan0', flags: addrs.up === false ? ['POINTOPOINT'] : ['POINTOPOINT', 'UP'], addr_info: info }]));
    }
    return Promise.resolve('');
  };
  return { exec, calls };
}

async function server(host = '127.0.0.1'): Promise<{ port: number; seen: { url: string; remote: string }[]; close(): Promise<void> }> {
  const seen: { url: string; remote: string }[] = [];
  const s = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', remote: req.socket.remoteAddress ?? '' });
    res.end('mms');
  });
  await new Promise<void>((r) => s.listen(0, host, () => r()));
  return { port: (s.address() as AddressInfo).port, seen, close: () => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); }) };
}

const routeCalls = (calls: string[][]): string[] => calls.filter((c) => !c.includes('-j')).map((c) => c.join(' '));

test('host-route: a /32 to the proxy and to each DNS server via the gateway, removed exactly on close', async (t) => {
  const s = await server();
  t.after(() => s.close());
  const { exec, calls } = fakeIp({ v4: '10.64.0.2' });
  const bearer = new InterfaceBearer({ ifname: 'wwan0', proxy: `127.000.000.001:${s.port}`, gateway: '10.64.0.1', dns: ['10.11.12.13'], exec });
  const session = await bearer.open();
  const res = await session.request({ method: 'GET', url: 'http://mmsc.carrier.test/mms/r/1' });
  assert.equal(res.status, 200);
  assert.equal(s.seen[0]?.url, 'http://mmsc.carrier.test/mms/r/1');
  await session.request({ method: 'GET', url: 'http://mmsc.carrier.test/mms/r/2' });
  await session.close();
  assert.deepEqual(routeCalls(calls), [
    'ip route replace 10.11.12.13/32 via 10.64.0.1 dev wwan0',
    'ip route replace 127.0.0.1/32 via 10.64.0.1 dev wwan0',
    'ip route del 127.0.0.1/32 dev wwan0',
    'ip route del 10.11.12.13/32 dev wwan0',
  ]);
});

test('source-rule: own table default route + "ip rule add from <addr>", connections bound to that address', async (t) => {
  const s = await server();
  t.after(() => s.close());
  const { exec, calls } = fakeIp({ v4: '127.0.0.1' });
  const bearer = new InterfaceBearer({ ifname: 'wwan0', routing: 'source-rule', table: 1900, rulePriority: 1901, hosts: { 'mmsc.carrier.test': '127.0.0.1' }, exec });
  const session = await bearer.open();
  await session.request({ method: 'GET', url: `http://mmsc.carrier.test:${s.port}/r` });
  await session.close();
  assert.equal(s.seen[0]?.url, '/r');
  assert.equal(s.seen[0]?.remote, '127.0.0.1');
  assert.deepEqual(routeCalls(calls), [
    'ip route replace default dev wwan0 table 1900',
    'ip rule add from 127.0.0.1 table 1900 priority 1901',
    'ip rule del from 127.0.0.1 table 1900 priority 1901',
    'ip route del default dev wwan0 table 1900',
  ]);
});

test('names resolve through the bearer\'s DNS servers (not the system resolver); no DNS and no hosts entry is BEARER_DNS', async (t) => {
  const s = await server();
  const dns = await startDns({ 'mmsc.carrier.test': { A: ['127.0.0.1'] } });
  t.after(async () => { await s.close(); await dns.close(); });
  const { exec } = fakeIp({ v4: '10.64.0.2' });
  const session = await new InterfaceBearer({ ifname: 'wwan0', routing: 'none', dns: [dns.server], exec }).open();
  const res = await session.request({ method: 'GET', url: `http://mmsc.carrier.test:${s.port}/x` });
  assert.equal(res.status, 200);
  assert.deepEqual(dns.queries, ['mmsc.carrier.test']);
  await assert.rejects(session.request({ method: 'GET', url: `http://unknown.carrier.test:${s.port}/x` }), { code: 'BEARER_DNS' });
  await session.close();
  const bare = await new InterfaceBearer({ ifname: 'wwan0', routing: 'none', exec }).open();
  await assert.rejects(bare.request({ method: 'GET', url: 'http://mmsc.carrier.test/x' }), (e: unknown) => {
    assert.equal((e as { code: string }).code, 'BEARER_DNS');
    assert.match((e as Error).message, /no DNS servers/);
    return true;
  });
  await bare.close();
});

test('DNS servers can come from the PDP context (+CGCONTRDP); the context is released on close', async (t) => {
  const s = await server();
  const dns = await startDns({ 'mmsc.carrier.test': { A: ['127.0.0.1'] } });
  t.after(async () => { await s.close(); await dns.close(); });
  const events: string[] = [];
  const { exec } = fakeIp({ v4: '10.64.0.2' });
  const bearer = new InterfaceBearer({
    ifname: 'wwan0', routing: 'none', exec,
    context: { up: () => { events.push('up'); return Promise.resolve({ dns: [dns.server] }); }, down: () => { events.push('down'); return Promise.resolve(); } },
  });
  const session = await bearer.open();
  await session.request({ method: 'GET', url: `http://mmsc.carrier.test:${s.port}/x` });
  await session.close();
  assert.deepEqual(events, ['up', 'down']);
});

test('IPv6: AAAA through the bearer DNS, "ip -6 route replace <addr>/128"', async (t) => {
  const s = await server('::1');
  const dns = await startDns({ 'mmsc6.carrier.test': { AAAA: ['::1'] } });
  t.after(async () => { await s.close(); await dns.close(); });
  const { exec, calls } = fakeIp({ v6: '2001:db8::2' });
  const session = await new InterfaceBearer({ ifname: 'wwan0', family: 'ipv6', dns: [dns.server], exec }).open();
  const res = await session.request({ method: 'GET', url: `http://mmsc6.carrier.test:${s.port}/x` });
  assert.equal(res.status, 200);
  await session.close();
  assert.ok(routeCalls(calls).includes('ip -6 route replace ::1/128 dev wwan0'));
  assert.ok(routeCalls(calls).includes('ip -6 route del ::1/128 dev wwan0'));
});

test('leftovers of a crashed run are undone on the next start, from the journal', async (t) => {
  const s = await server();
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-journal-'));
  t.after(async () => { await s.close(); rmSync(dir, { recursive: true, force: true }); });
  const journalPath = join(dir, 'routes.json');
  const first = fakeIp({ v4: '10.64.0.2' });
  const opts: InterfaceBearerOptions = { ifname: 'wwan0', proxy: `127.0.0.1:${s.port}`, dns: ['10.11.12.13'], journalPath, exec: first.exec };
  const crashed = await new InterfaceBearer(opts).open();
  await crashed.request({ method: 'GET', url: 'http://mmsc.carrier.test/' });
  // never closed: the process "crashed" here
  assert.ok(readFileSync(journalPath, 'utf8').includes('127.0.0.1/32'));
  const second = fakeIp({ v4: '10.64.0.2' });
  const undone = await new InterfaceBearer({ ...opts, exec: second.exec }).cleanupLeftovers();
  assert.deepEqual(undone.map((c) => c.join(' ')), ['ip route del 127.0.0.1/32 dev wwan0', 'ip route del 10.11.12.13/32 dev wwan0']);
  assert.equal(readFileSync(journalPath, 'utf8'), '[]');
});

test('a missing or address-less interface is BEARER_NO_CONTEXT, and nothing is routed', async () => {
  const missing = fakeIp({ missing: true });
  await assert.rejects(new InterfaceBearer({ ifname: 'wwan0', exec: missing.exec }).open(), { code: 'BEARER_NO_CONTEXT' });
  const down = fakeIp({ v4: '10.64.0.2', up: false });
  await assert.rejects(new InterfaceBearer({ ifname: 'wwan0', exec: down.exec }).open(), { code: 'BEARER_NO_CONTEXT' });
  const v6only = fakeIp({ v6: '2001:db8::2' });
  await assert.rejects(new InterfaceBearer({ ifname: 'wwan0', family: 'ipv4', exec: v6only.exec }).open(), { code: 'BEARER_NO_CONTEXT' });
  assert.deepEqual(routeCalls([...missing.calls, ...down.calls, ...v6only.calls]), []);
});

test('IPv4v6 contexts resolve A before AAAA; hosts entries are normalised and win over DNS', async (t) => {
  const { BearerResolver } = await import('../../src/bearer/resolve.js');
  const dns = await startDns({ 'mmsc.carrier.test': { A: ['10.1.2.3'], AAAA: ['2001:db8::5'] } });
  t.after(() => dns.close());
  const r = new BearerResolver({ servers: [dns.server], family: 'ipv4v6', hosts: { 'MMS.Proxy.Test': '010.000.000.010' } });
  assert.deepEqual(await r.resolve('mmsc.carrier.test'), ['10.1.2.3', '2001:db8::5']);
  assert.deepEqual(await r.resolve('mms.proxy.test'), ['10.0.0.10']);
  assert.deepEqual(await new BearerResolver({ servers: [dns.server], family: 'ipv6' }).resolve('mmsc.carrier.test'), ['2001:db8::5']);
  assert.deepEqual(dns.queries, ['mmsc.carrier.test', 'mmsc.carrier.test', 'mmsc.carrier.test']);
});
