import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signalChart } from '../../src/web/pages/health.js';

/** The 24-hour signal chart: one polyline per run of samples, broken at gaps, points inside the plot. */
test('signal chart: points scaled into the plot, a gap breaks the line, old samples fall outside', () => {
  const now = Date.UTC(2026, 11, 7, 12);
  const at = (hAgo: number): number => now - hAgo * 3600_000;
  const samples = [
    ...[20, 19.75, 19.5].map((h) => ({ at: at(h), rssiDbm: -70, rsrpDbm: null, technology: null, registration: 'home' })),
    ...[2, 1.75, 1.5, 1.25].map((h) => ({ at: at(h), rssiDbm: -110, rsrpDbm: null, technology: null, registration: 'home' })),
  ];
  const svg = signalChart(samples, now, 'UTC').value;
  const lines = [...svg.matchAll(/<polyline class="line" points="([^"]+)"\/>/g)].map((m) => m[1]!.split(' ').map((p) => p.split(',').map(Number)));
  assert.equal(lines.length, 2, 'the 17-hour gap breaks the line');
  assert.equal(lines[0]!.length, 3);
  assert.equal(lines[1]!.length, 4);
  const ys = lines.map((l) => l[0]![1]!);
  assert.ok(ys[0]! < ys[1]!, '-70 dBm is drawn above -110 dBm');
  for (const [x, y] of lines.flat()) assert.ok(x! >= 40 && x! <= 595 && y! >= 5 && y! <= 140, `${x},${y} inside the plot`);
  assert.doesNotMatch(signalChart([], now, 'UTC').value, /polyline/);
});
