import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Gateway } from '../../src/app/gateway.js';
import { parseConfig } from '../../src/config/index.js';
import { startModemSim, type ModemSimClient } from '../../src/sim/modem/client.js';

test('a modem that enumerates after the gateway started still gets its MMS settings from the carrier database', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-late-'));
  const link = join(dir, 'modem');
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, new Writable({ write: (c: Buffer, _e, done) => { lines.push(JSON.parse(c.toString()) as Record<string, unknown>); done(); } }));
  const config = parseConfig({ stateDir: join(dir, 'state'), modem: { port: link, profile: 'generic' }, bearer: { kind: 'system' }, mail: { out: { defaultMailbox: 'owner@example.com' } } });
  let sim: ModemSimClient | undefined;
  let gateway: Gateway | undefined;
  try {
    const starting = Gateway.start({ config, log });
    // The modem appears once the gateway is already waiting for its port.
    const deadline = Date.now() + 20_000;
    while (!lines.some((l) => /waiting for it/.test(String(l.msg))) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    sim = await startModemSim({ profile: 'generic', baudRate: 0, link, imsi: '238011234567890', spn: 'Telmore' });
    gateway = await starting;
    const settings = lines.find((l) => l.msg === 'MMS settings');
    assert.match(String(settings?.apn), /^mms(\.tdc\.fi)? \(from .* for 23801/);
    assert.ok(!lines.some((l) => /no SIM identity yet/.test(String(l.msg))));
  } finally {
    await gateway?.stop();
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
