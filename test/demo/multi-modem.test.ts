import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli } from '../ops/fixture.js';

/** `mmsgw demo --modems 3 --messages N --json`: one JSON document, traffic over all three modems, nothing lost. */
test('demo --modems 3: the summary has one entry per modem, each of another vendor, all with traffic in and out', { timeout: 180_000 }, async () => {
  const r = await cli(['demo', '--modems', '3', '--messages', '6', '--baud', '0', '--json']);
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  const s = JSON.parse(r.stdout) as { messages: number; lost: number; duplicates: number; modems: { port: string; number: string; profile: string; in: number; out: number }[] };
  assert.equal(s.lost, 0);
  assert.equal(s.duplicates, 0);
  assert.equal(s.modems.length, 3);
  assert.equal(new Set(s.modems.map((m) => m.profile)).size, 3, 'three vendor profiles');
  assert.equal(new Set(s.modems.map((m) => m.number)).size, 3, 'three numbers');
  for (const m of s.modems) {
    assert.match(m.port, /modem\d\.pty$/);
    assert.ok(m.in > 0 && m.out > 0, `${m.profile}: in ${m.in}, out ${m.out}`);
  }
  // 6 SMS and 6 MMS in, 6 SMS out, spread over the modems.
  assert.equal(s.modems.reduce((a, m) => a + m.in, 0), 12);
  assert.equal(s.modems.reduce((a, m) => a + m.out, 0), 6);
});

test('demo --modems outside 1–6 is a usage error', async () => {
  for (const n of ['0', '7', 'x']) {
    const r = await cli(['demo', '--modems', n, '--messages', '1']);
    assert.equal(r.code, 2, `--modems ${n}`);
    assert.match(r.stderr, /--modems must be a whole number from 1 to 6/);
  }
});
