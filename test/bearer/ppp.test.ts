import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PppBearer, type PppBearerOptions } from '../../src/bearer/ppp.js';
import { pppFiles } from '../../src/bearer/ppp-config.js';
import { startMmscSim } from '../../src/sim/mmsc/index.js';
import { Mm1Client, resolveCarrier } from '../../src/mmsc/index.js';
import { tempDir } from '../mmsc/helpers/gateway.js';

const fixtures = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures');

function options(dir: string, extra: Partial<PppBearerOptions> = {}): PppBearerOptions {
  return {
    device: '/dev/ttyUSB0', apn: 'mms.carrier', runDir: join(dir, 'run'), proxy: '010.000.000.010:8080',
    pppdPath: join(fixtures, 'fake-pppd.mjs'), ipPath: join(fixtures, 'fake-ip.sh'), startTimeoutMs: 5_000,
    env: { FAKE_IP_LOG: join(dir, 'ip.log'), FAKE_PPPD_STARTS: join(dir, 'starts.log') },
    ...extra,
  };
}

test('generated pppd configuration: MMS-only link, no default route, context in its own cid', () => {
  const f = pppFiles({ device: '/dev/ttyUSB0', baud: 460800, apn: 'mms.carrier', pdpType: 'IP', cid: 3, ifname: 'ppp-mms', runDir: '/run/mmsgw', proxy: { host: '10.0.0.10', port: 8080 }, routeHosts: [], user: 'u', password: 'p', chatPath: '/usr/sbin/chat', ipPath: '/sbin/ip' });
  const opts = f.options.text.split('\n');
  for (const o of ['/dev/ttyUSB0', 'nodetach', 'nodefaultroute', 'noipdefault', 'usepeerdns', 'ifname ppp-mms', 'noipv6', 'user "u"', 'password "p"', 'ip-up-script /run/mmsgw/mms-ip-up']) assert.ok(opts.includes(o), o);
  assert.ok(!opts.includes('defaultroute'));
  assert.ok(opts.some((l) => l.startsWith('connect "/usr/sbin/chat -v -f /run/mmsgw/mms.chat"')));
  assert.match(f.chat.text, /OK 'AT\+CGDCONT=3,"IP","mms\.carrier"'/);
  assert.match(f.chat.text, /OK ATD\*99\*\*\*3#/);
  assert.match(f.chat.text, /ABORT "NO CARRIER"/);
  assert.match(f.ipUp.text, /echo '10\.0\.0\.10' >> '\/run\/mmsgw\/mms-routes\.tmp'/);
  assert.match(f.ipUp.text, /'\/sbin\/ip' route replace "\$a\/32" dev "\$1"/);
  assert.match(f.ipDown.text, /'\/sbin\/ip' route del "\$a\/32" dev "\$1"/);
  assert.deepEqual(f.args, ['file', '/run/mmsgw/mms.options']);
});

test('pppd lifecycle: start, wait for ip-up, MM1 over the link, stop with SIGTERM and ip-down', async (t) => {
  const dir = tempDir(t);
  const sim = await startMmscSim({});
  t.after(() => sim.stop());
  const txid = await sim.submitFromHandset({ from: '+15551230001', to: '+15551239999', parts: [{ contentType: 'text/plain', text: 'over ppp' }] });
  const bearer = new PppBearer(options(dir, { proxy: sim.proxyUrl }));
  const client = new Mm1Client(bearer, resolveCarrier(undefined), { mmscUrl: sim.url });
  const r = await client.retrieve(sim.message(txid)?.contentLocation ?? '', { destDir: dir });
  assert.equal(r.pdu.parts.length, 1);
  assert.equal(sim.fetches(txid), 1);
  assert.equal(statSync(join(dir, 'run', 'mms.options')).mode & 0o777, 0o600);
  const ip = readFileSync(join(dir, 'ip.log'), 'utf8').trim().split('\n');
  // The DNS servers first (names resolve through the link), then the proxy; ip-down undoes the proxy route.
  assert.deepEqual(ip, [
    'ip route replace 10.11.12.13/32 dev ppp-mms',
    'ip route replace 10.11.12.14/32 dev ppp-mms',
    'ip route replace 127.0.0.1/32 dev ppp-mms',
    'ip route del 127.0.0.1/32 dev ppp-mms',
  ]);
  assert.ok(!existsSync(join(dir, 'run', 'mms-link.up')));
});

test('a failing connect script (APN refused) is BEARER_NO_CONTEXT', async (t) => {
  const dir = tempDir(t);
  const bearer = new PppBearer(options(dir, { env: { FAKE_PPPD_MODE: 'chat-fail', FAKE_IP_LOG: join(dir, 'ip.log') } }));
  await assert.rejects(bearer.open(), (e: unknown) => {
    assert.equal((e as { code: string }).code, 'BEARER_NO_CONTEXT');
    assert.match((e as Error).message, /connect script failed/);
    return true;
  });
});

test('pppd dying mid-session is restarted on the next request; restarts are bounded', async (t) => {
  const dir = tempDir(t);
  const sim = await startMmscSim({});
  t.after(() => sim.stop());
  const starts = join(dir, 'starts.log');
  const marker = join(dir, 'run', 'mms-link.up');
  const bearer = new PppBearer(options(dir, { proxy: sim.proxyUrl, maxRestarts: 1, env: { FAKE_PPPD_MODE: 'die-first-after:100', FAKE_IP_LOG: join(dir, 'ip.log'), FAKE_PPPD_STARTS: starts } }));
  const session = await bearer.open();
  t.after(() => session.close());
  // The first pppd loses the link: its ip-down hook removes the marker.
  for (let i = 0; i < 200 && existsSync(marker); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(!existsSync(marker));
  await new Promise((r) => setTimeout(r, 100));
  const res = await session.request({ method: 'GET', url: `${sim.url}/nothing` });
  assert.equal(res.status, 404);
  const pids = readFileSync(starts, 'utf8').trim().split('\n');
  assert.equal(pids.length, 2);
  // The restarted pppd dies too (killed): the session has used its one restart.
  process.kill(Number(pids[1]), 'SIGKILL');
  await new Promise((r) => setTimeout(r, 200));
  await assert.rejects(session.request({ method: 'GET', url: `${sim.url}/nothing` }), { code: 'BEARER_IO' });
});
