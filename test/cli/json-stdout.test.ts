/**
 * Every `--json` command prints exactly one JSON document on stdout, at every log level: logs
 * go to stderr. Each command is spawned (bin/mmsgw.mjs from the sources) with
 * MMSGW_LOG_LEVEL=debug and its stdout parsed strictly — the whole of it, as one document.
 * `doctor` probes the modem simulator over a real pty; `demo --messages 2` runs the embedded
 * gateway with its simulators; status, messages and jobs read a real state directory.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildNotificationInd, encodeMms } from '../../src/codec/mms/index.js';
import { startModemSim } from '../../src/sim/modem/client.js';
import { buildFixture, cli, type Fixture } from '../ops/fixture.js';

const DEBUG = { MMSGW_LOG_LEVEL: 'debug', MMSGW_TEST: '' };
let f: Fixture;
let dir = '';

before(async () => {
  f = await buildFixture();
  dir = mkdtempSync(join(tmpdir(), 'mmsgw-json-'));
  writeFileSync(join(dir, 'n.mms'), encodeMms(buildNotificationInd({ transactionId: 'J-1', contentLocation: 'http://mmsc.example/j1', messageSize: 10, expiry: 600 })));
});
after(() => {
  f.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** The whole of stdout as exactly one JSON document (JSON.parse refuses anything around it). */
function oneDocument(stdout: string, what: string): unknown {
  assert.notEqual(stdout.trim(), '', `${what}: stdout is empty`);
  try {
    return JSON.parse(stdout) as unknown;
  } catch (e) {
    assert.fail(`${what}: stdout is not exactly one JSON document (${(e as Error).message}):\n${stdout.slice(0, 600)}`);
  }
}

test('decode --json at debug level: one JSON document on stdout', async () => {
  const r = await cli(['decode', join(dir, 'n.mms'), '--json'], DEBUG);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((oneDocument(r.stdout, 'decode') as { transactionId: string }).transactionId, 'J-1');
});

for (const cmd of ['status', 'messages', 'jobs'] as const) {
  test(`${cmd} --json at debug level: one JSON document on stdout`, async () => {
    const r = await cli([cmd, '--state-dir', f.dir, '--json'], DEBUG);
    assert.equal(r.code, 0, r.stderr);
    oneDocument(r.stdout, cmd);
  });
}

test('doctor --json against the modem simulator at debug level: one JSON document on stdout, the logs on stderr', async () => {
  const sim = await startModemSim({ profile: 'generic', baudRate: 0 });
  try {
    const r = await cli(['doctor', '--port', sim.path, '--json'], DEBUG);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((oneDocument(r.stdout, 'doctor') as { responding: boolean }).responding, true);
    assert.match(r.stderr, /"level":20/, 'debug logs were written, to stderr');
  } finally {
    await sim.stop();
  }
});

test('demo --messages 2 --json at debug level: one JSON document on stdout, the logs on stderr', { timeout: 300_000 }, async () => {
  const state = mkdtempSync(join(tmpdir(), 'mmsgw-json-demo-'));
  try {
    const r = await cli(['demo', '--messages', '2', '--json', '--state-dir', state, '--timeout', '240'], DEBUG);
    assert.equal(r.code, 0, r.stderr.slice(-2000));
    oneDocument(r.stdout, 'demo');
    assert.match(r.stderr, /"level":20/, 'debug logs were written, to stderr');
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
});
