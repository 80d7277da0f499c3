import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = new URL('../../scripts/build-if-stale.mjs', import.meta.url).pathname;

test('npm start does not rebuild when nothing changed, and rebuilds when a source is newer than dist/', () => {
  const root = mkdtempSync(join(tmpdir(), 'mmsgw-build-'));
  try {
    mkdirSync(join(root, 'src'), { recursive: true });
    mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
    writeFileSync(join(root, 'package.json'), '{}');
    writeFileSync(join(root, 'src', 'a.ts'), 'export {}');
    const log = join(root, 'compiled.log');
    // A stand-in compiler that records each call and writes the output, as tsc would.
    const fake = join(root, 'fake-tsc.sh');
    writeFileSync(fake, `#!/bin/sh\necho run >> ${log}\ntouch ${join(root, 'dist', 'cli', 'main.js')}\n`, { mode: 0o755 });
    const run = (): number => spawnSync(process.execPath, [SCRIPT], { env: { ...process.env, MMSGW_BUILD_ROOT: root, MMSGW_TSC: `sh ${fake}` }, encoding: 'utf8' }).status ?? -1;
    const runs = (): number => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0);

    assert.equal(run(), 0);
    assert.equal(runs(), 1, 'no dist/: builds');
    const past = new Date(Date.now() - 60_000);
    for (const f of [join(root, 'src', 'a.ts'), join(root, 'package.json')]) utimesSync(f, past, past);
    assert.equal(run(), 0);
    assert.equal(runs(), 1, 'nothing changed: no build');
    writeFileSync(join(root, 'src', 'a.ts'), 'export const x = 1;');
    utimesSync(join(root, 'src', 'a.ts'), new Date(Date.now() + 5_000), new Date(Date.now() + 5_000));
    assert.equal(run(), 0);
    assert.equal(runs(), 2, 'a newer source: builds');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('node-pty is an optional dependency, and nothing outside the simulator and its tests loads it', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as Record<string, Record<string, string> | undefined>;
  assert.equal(pkg.dependencies?.['node-pty'], undefined);
  assert.ok(pkg.optionalDependencies?.['node-pty']);
  const r = spawnSync('grep', ['-rl', 'node-pty', new URL('../../src', import.meta.url).pathname], { encoding: 'utf8' });
  const files = r.stdout.split('\n').filter(Boolean).map((f) => f.slice(f.indexOf('/src/') + 1));
  assert.deepEqual(files, ['src/sim/modem/pty.ts']);
});
