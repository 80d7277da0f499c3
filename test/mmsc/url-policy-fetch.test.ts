import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SystemBearer } from '../../src/bearer/index.js';
import { startMmscSim } from '../../src/sim/mmsc/index.js';
import { Mm1Client, defaultAllowedHosts, resolveCarrier, type UrlPolicy } from '../../src/mmsc/index.js';
import { InterfaceBearer } from '../../src/bearer/interface.js';
import { tempDir } from './helpers/gateway.js';

/** A real HTTP server standing for a service on the box or its LAN; counts what reaches it. */
async function victim(t: { after(fn: () => unknown): void }, host = '127.0.0.1', handler?: http.RequestListener): Promise<{ port: number; hits: string[] }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    if (handler) handler(req, res);
    else res.writeHead(200, { 'Content-Type': 'application/vnd.wap.mms-message' }).end(Buffer.from([0x8c, 0x84]));
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.address() as AddressInfo).port, hits };
}

const MMSC = 'http://mmsc.carrier.test/mms';
const policy = (extra: Partial<UrlPolicy> = {}): (() => UrlPolicy) => () => ({
  viaProxy: false,
  mmscUrl: MMSC,
  allowedHosts: [...defaultAllowedHosts(MMSC), 'localhost'],
  allowedNetworks: [],
  ownAddresses: [],
  ...extra,
});

const refused = (e: unknown): boolean => {
  assert.equal((e as { code: string }).code, 'MM1_LOCATION_REFUSED');
  assert.equal((e as { transient: boolean }).transient, false);
  return true;
};

test('a Content-Location naming loopback, credentials or another scheme is never requested', async (t) => {
  const v = await victim(t);
  const client = new Mm1Client(new SystemBearer(), resolveCarrier(undefined, { timeoutMs: 2_000 }), { mmscUrl: MMSC, urlPolicy: policy() });
  const dir = tempDir(t);
  for (const loc of [`http://127.0.0.1:${v.port}/admin`, `http://[::ffff:127.0.0.1]:${v.port}/`, `http://2130706433:${v.port}/`, `file:///etc/passwd`, `http://u:p@127.0.0.1:${v.port}/`]) {
    await assert.rejects(client.retrieve(loc, { destDir: dir }), refused, loc);
  }
  assert.deepEqual(v.hits, []);
});

test('an allowed host name that resolves to loopback is refused at connect time (system resolver and bearer hosts map)', async (t) => {
  const v = await victim(t);
  const dir = tempDir(t);
  const viaSystem = new Mm1Client(new SystemBearer(), resolveCarrier(undefined, { timeoutMs: 2_000 }), { mmscUrl: MMSC, urlPolicy: policy() });
  await assert.rejects(viaSystem.retrieve(`http://localhost:${v.port}/secret`, { destDir: dir }), (e: unknown) => refused(e) && /loopback/.test((e as Error).message));
  // The interface bearer resolves through its own DNS/hosts map: "evil.carrier.test" is in the
  // MMSC's domain, but it resolves to 127.0.0.1.
  const viaInterface = new Mm1Client(loopbackBearerHosts({ 'evil.carrier.test': '127.0.0.1' }), resolveCarrier(undefined, { timeoutMs: 2_000 }), { mmscUrl: MMSC, urlPolicy: policy() });
  await assert.rejects(viaInterface.retrieve(`http://evil.carrier.test:${v.port}/secret`, { destDir: dir }), refused);
  assert.deepEqual(v.hits, []);
});

test('a redirect from an allowed server to loopback is refused before it is followed', async (t) => {
  const inner = await victim(t);
  const outer = await victim(t, '127.0.0.2', (_req, res) => res.writeHead(302, { Location: `http://127.0.0.1:${inner.port}/internal`, 'Content-Length': '0' }).end());
  const client = new Mm1Client(new SystemBearer(), resolveCarrier(undefined, { timeoutMs: 2_000 }), { mmscUrl: MMSC, urlPolicy: policy({ allowedNetworks: ['127.0.0.2/32'] }) });
  await assert.rejects(client.retrieve(`http://127.0.0.2:${outer.port}/r/1`, { destDir: tempDir(t) }), refused);
  assert.equal(outer.hits.length, 1, 'the allowed server was asked');
  assert.deepEqual(inner.hits, [], 'the redirect target never was');
});

test('the configured MMSC origin is fetched as before', async (t) => {
  const sim = await startMmscSim({});
  t.after(() => sim.stop());
  const txid = await sim.submitFromHandset({ from: '+15551230001', to: '+15551239999', parts: [{ contentType: 'text/plain', text: 'hello' }] });
  const location = sim.message(txid)?.contentLocation ?? '';
  const client = new Mm1Client(new SystemBearer(), resolveCarrier(undefined, { timeoutMs: 2_000 }), {
    mmscUrl: sim.url,
    urlPolicy: () => ({ viaProxy: false, mmscUrl: sim.url, allowedHosts: defaultAllowedHosts(sim.url), allowedNetworks: [], ownAddresses: ['127.0.0.1'] }),
  });
  const r = await client.retrieve(location, { destDir: tempDir(t) });
  assert.equal(r.pdu.messageType, 'm-retrieve-conf');
  assert.equal(sim.fetches(txid), 1);
});

function loopbackBearerHosts(hosts: Record<string, string>): InterfaceBearer {
  return new InterfaceBearer({
    ifname: 'wwan0',
    routing: 'none',
    hosts,
    exec: (argv) => Promise.resolve(argv.includes('-j') ? JSON.stringify([{ ifname: 'wwan0', flags: ['UP'], addr_info: [{ family: 'inet', local: '127.0.0.1', scope: 'global' }] }]) : ''),
  });
}
