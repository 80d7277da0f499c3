/**
 * The demo's MM7 part: a demo VASP registered and listed in endpoints.json (owner-only file),
 * and `demo --messages N` counting its submissions, their MMS at the MMSC, their delivery
 * reports and the handset messages delivered to it — with a loss counted when one is missing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { drive } from '../../src/demo/drive.js';
import { startDemo } from '../../src/demo/environment.js';

describe('demo: MM7', { timeout: 180_000 }, () => {
  it('lists the demo VASP in endpoints.json and reports mm7 {submitted, delivered, reports, incoming} without loss', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmsgw-demo-mm7-'));
    const env = await startDemo({ stateDir: dir, baudRate: 0 });
    try {
      const file = join(dir, 'endpoints.json');
      const entry = (JSON.parse(readFileSync(file, 'utf8')) as { mm7: { url: string; vaspId: string; user: string; password: string } }).mm7;
      assert.equal(entry.url, env.mm7.url);
      assert.match(entry.url, /^http:\/\/127\.0\.0\.1:\d+\/mm7$/);
      assert.equal(entry.vaspId, 'demo-vasp');
      assert.ok(entry.password.length >= 12);
      assert.equal(statSync(file).mode & 0o077, 0, 'endpoints.json is readable by its owner only');
      const summary = await drive(env, { messages: 2, timeoutMs: 90_000 });
      assert.deepEqual(summary.mm7, { submitted: 2, delivered: 2, reports: 2, incoming: 4, duplicates: 0 });
      assert.equal(summary.lost, 0);
      assert.equal(summary.duplicates, 0);
      // A VASP that stops answering makes the next run count losses.
      await env.vasp.stop();
      const broken = await drive(env, { messages: 1, timeoutMs: 8_000, emailOut: false });
      assert.ok(broken.lost > 0, `a missing report or delivery counts as lost: ${JSON.stringify(broken)}`);
    } finally {
      await env.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
