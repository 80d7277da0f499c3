import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixtures = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures');
const tsx = import.meta.resolve('tsx');

function whyNot(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces';
  const r = spawnSync('ip', ['netns', 'list']);
  if (r.status !== 0) return 'iproute2 with netns support is not available';
  return undefined;
}

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
}

/** Lines of JSON from a child, one per request. */
function jsonLines(child: ChildProcess): () => Promise<Record<string, unknown>> {
  const queue: Record<string, unknown>[] = [];
  const waiters: ((v: Record<string, unknown>) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    if (!l.startsWith('{')) return;
    const v = JSON.parse(l) as Record<string, unknown>;
    const w = waiters.shift();
    if (w) w(v);
    else queue.push(v);
  });
  return () => {
    const v = queue.shift();
    return v ? Promise.resolve(v) : new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('child gave no answer')), 20_000);
      waiters.push((x) => { clearTimeout(timer); resolve(x); });
    });
  };
}

const skip = whyNot();

test('interface bearer routes MMS traffic through a real "wwan0" into a carrier namespace', { skip }, async (t) => {
  const id = `${process.pid}`;
  const gw = `mmsgw-gw-${id}`;
  const mc = `mmsgw-mc-${id}`;
  const children: ChildProcess[] = [];
  t.after(() => {
    for (const c of children) c.kill('SIGKILL');
    spawnSync('ip', ['netns', 'del', gw]);
    spawnSync('ip', ['netns', 'del', mc]);
  });
  ip('netns', 'add', gw);
  ip('netns', 'add', mc);
  ip('link', 'add', 'wwan0', 'netns', gw, 'type', 'veth', 'peer', 'name', 'mmsc0', 'netns', mc);
  ip('-n', gw, 'link', 'set', 'lo', 'up');
  ip('-n', gw, 'addr', 'add', '10.200.0.2/30', 'dev', 'wwan0');
  ip('-n', gw, 'link', 'set', 'wwan0', 'up');
  ip('-n', mc, 'link', 'set', 'lo', 'up');
  ip('-n', mc, 'addr', 'add', '10.200.0.1/30', 'dev', 'mmsc0');
  ip('-n', mc, 'addr', 'add', '192.0.2.80/32', 'dev', 'lo');
  ip('-n', mc, 'link', 'set', 'mmsc0', 'up');

  const mmsc = spawn('ip', ['netns', 'exec', mc, process.execPath, '--import', tsx, join(fixtures, 'netns-mmsc.ts'), '192.0.2.80', '8080'], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(mmsc);
  const fromMmsc = jsonLines(mmsc);
  const ready = await fromMmsc();
  assert.equal(ready.ready, true);

  for (const mode of ['host-route', 'source-rule'] as const) {
    const probe = spawn('ip', ['netns', 'exec', gw, process.execPath, '--import', tsx, join(fixtures, 'netns-probe.ts'), mode, String(ready.contentLocation), String(ready.url), String(ready.txid)], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(probe);
    const r = await jsonLines(probe)();
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    assert.equal(r.before, 'BEARER_NO_ROUTE', 'without the bearer the carrier is unreachable');
    assert.equal(r.subject, 'netns');
    assert.equal(r.parts, 1);
    const during = r.during as { routes: string; rules: string };
    const after = r.after as { routes: string; rules: string };
    if (mode === 'host-route') {
      assert.match(during.routes, /192\.0\.2\.80 via 10\.200\.0\.1 dev wwan0/);
      assert.doesNotMatch(after.routes, /192\.0\.2\.80/);
    } else {
      assert.match(during.rules, /from 10\.200\.0\.2 lookup 1847/);
      assert.match(during.routes, /default via 10\.200\.0\.1 dev wwan0 table 1847/);
      assert.doesNotMatch(after.rules, /1847/);
      assert.doesNotMatch(after.routes, /table 1847/);
    }
    assert.doesNotMatch(after.routes, /^default/m, 'the gateway namespace never got a default route');
  }
  mmsc.stdin?.write('state\n');
  const state = await fromMmsc();
  assert.equal(state.fetches, 2);
  assert.equal((state.notifyResps as unknown[]).length, 2);
  mmsc.stdin?.end();
});
