import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pppFiles } from '../../src/bearer/ppp-config.js';

const run = promisify(execFile);
const FAKE_IP = new URL('./fixtures/fake-ip.sh', import.meta.url).pathname;

/**
 * A DNS server answering A queries from a table, its answers assembled by hand (RFC 1035
 * §4.1.1 header, §4.1.2 question echoed, §4.1.3 answer with a compression pointer to offset 12).
 */
async function dnsServer(table: Record<string, string>): Promise<{ port: number; queries: string[]; close(): void }> {
  const sock = createSocket('udp4');
  const queries: string[] = [];
  sock.on('message', (msg, rinfo) => {
    const labels: string[] = [];
    let i = 12;
    while (msg[i] !== 0) {
      const len = msg[i] as number;
      labels.push(msg.subarray(i + 1, i + 1 + len).toString('ascii'));
      i += len + 1;
    }
    const qEnd = i + 5; // zero label, QTYPE, QCLASS
    const name = labels.join('.').toLowerCase();
    queries.push(name);
    const addr = table[name];
    const header = Buffer.from([msg[0] as number, msg[1] as number, 0x81, addr ? 0x80 : 0x83, 0, 1, 0, addr ? 1 : 0, 0, 0, 0, 0]);
    const question = msg.subarray(12, qEnd);
    const answer = addr ? Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...addr.split('.').map(Number)]) : Buffer.alloc(0);
    sock.send(Buffer.concat([header, question, answer]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  return { port: sock.address().port, queries, close: () => sock.close() };
}

test('the ppp ip-up hook routes the MMSC as well as the proxy, host names resolved through the link DNS; ip-down removes them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-ppp-names-'));
  const dns = await dnsServer({ 'proxy.mms.example': '10.20.30.40', 'mmsc.mms.example': '10.20.30.50' });
  try {
    const f = pppFiles({
      device: '/dev/ttyUSB0', baud: 460800, apn: 'mms', pdpType: 'IP', cid: 2, ifname: 'ppp-mms', runDir: dir,
      proxy: { host: 'proxy.mms.example', port: 8080 }, routeHosts: ['mmsc.mms.example', '192.0.2.7'], chatPath: '/usr/sbin/chat', ipPath: FAKE_IP,
    });
    for (const x of [f.ipUp, f.ipDown, f.resolver]) writeFileSync(x.path, x.text, { mode: 0o700 });
    const log = join(dir, 'ip.log');
    // pppd's hook arguments: interface tty speed local remote ipparam; DNS1/DNS2 from usepeerdns.
    const env = { ...process.env, FAKE_IP_LOG: log, DNS1: `127.0.0.1:${dns.port}`, DNS2: '' };
    // Asynchronously: the DNS server answers from this process's event loop.
    await run('/bin/sh', [f.ipUp.path, 'ppp-mms', '/dev/ttyUSB0', '460800', '127.0.0.1', '10.0.0.1', 'mmsgw-mms'], { env });
    assert.deepEqual(dns.queries.sort(), ['mmsc.mms.example', 'proxy.mms.example']);
    await run('/bin/sh', [f.ipDown.path, 'ppp-mms', '/dev/ttyUSB0', '460800', '127.0.0.1', '10.0.0.1', 'mmsgw-mms'], { env });
    assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), [
      `ip route replace 127.0.0.1:${dns.port}/32 dev ppp-mms`,
      'ip route replace 192.0.2.7/32 dev ppp-mms',
      'ip route replace 10.20.30.40/32 dev ppp-mms',
      'ip route replace 10.20.30.50/32 dev ppp-mms',
      'ip route del 192.0.2.7/32 dev ppp-mms',
      'ip route del 10.20.30.40/32 dev ppp-mms',
      'ip route del 10.20.30.50/32 dev ppp-mms',
    ]);
  } finally {
    dns.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
