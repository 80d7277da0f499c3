/**
 * `mmsgw run` validates its configuration in a process of its own (src/config/isolated.ts) so that
 * the configuration layer does not stay loaded in the gateway's process. What it gives back —
 * the configuration, or the error — must be exactly what `loadConfigDetailed` (and, for the
 * start, `startupProblems`) gives in this thread: same values, same error class, key, message,
 * problems and lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigDetailed, type Env } from '../../src/config/index.js';
import { startupProblems } from '../../src/config/check.js';
import { ConfigInvalidError } from '../../src/config/issues.js';
import { loadConfigIsolated } from '../../src/config/isolated.js';
import { ConfigError } from '../../src/util/errors.js';

const EXAMPLE = new URL('../../config/mmsgw.example.yaml', import.meta.url).pathname;
const MINIMAL = 'modem:\n  port: /dev/ttyUSB2\nmail:\n  out:\n    defaultMailbox: inbox@example.com\n    smtp:\n      host: smtp.example.com\n';

/** What loading gives, as comparable data: the loaded configuration or the error's parts. */
function outcome(f: () => unknown): Promise<unknown> {
  return Promise.resolve()
    .then(f)
    .then(
      (v) => ({ ok: v }),
      (e: unknown) => ({
        error: e instanceof ConfigInvalidError ? 'ConfigInvalidError' : e instanceof ConfigError ? 'ConfigError' : String(e),
        code: (e as { code?: unknown }).code,
        key: (e as { key?: unknown }).key,
        message: (e as Error).message,
        problems: (e as { problems?: unknown }).problems,
      }),
    );
}

/** The same load in this thread, the way `mmsgw run` did it before. */
function inThread(path: string, env: Env): unknown {
  const loaded = loadConfigDetailed(path, env);
  const missing = startupProblems(loaded.config, loaded.input);
  if (missing.length > 0) throw new ConfigInvalidError(missing, loaded.file);
  return loaded;
}

async function same(path: string, env: Env = {}): Promise<unknown> {
  const here = await outcome(() => inThread(path, env));
  const there = await outcome(() => loadConfigIsolated(path, env, { startup: true }));
  assert.deepEqual(there, here, path);
  return there;
}

function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-isolated-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('the configuration process gives the same configuration as loading in this thread, frozen', { timeout: 60_000 }, async () => {
  const r = (await same(EXAMPLE, { MMSGW_IMAP_PASSWORD: 'secret', MMSGW_STATE_DIR: '/srv/mmsgw' })) as { ok?: { config: { stateDir: string; mail: { out: unknown } }; envApplied: unknown } };
  assert.ok(r.ok, JSON.stringify(r));
  assert.ok(Object.isFrozen(r.ok.config) && Object.isFrozen(r.ok.config.mail.out), 'the configuration is frozen');
  assert.equal(r.ok.config.stateDir, '/srv/mmsgw');
  assert.deepEqual(r.ok.envApplied, ['MMSGW_STATE_DIR', 'MMSGW_IMAP_PASSWORD']);
});

test('the configuration process reports every kind of configuration error exactly as this thread does', { timeout: 60_000 }, async () => {
  await withDir(async (dir) => {
    const cases: Record<string, string> = {
      wrongType: 'modem:\n  port: /dev/ttyUSB2\n  baudRate: fast\n',
      unknownKey: `${MINIMAL}simulate:\n  modem: true\n`,
      several: 'logLevel: loud\nmodem:\n  port: /dev/ttyUSB2\n  baudRate: fast\n',
      syntax: 'modem:\n  port: /dev/ttyUSB2\n mail: x\n',
      notAMapping: '- a\n- b\n',
      unsetReference: `${MINIMAL}box:\n  ownNumber: \${MMSGW_NOT_SET}\n`,
      missingForStart: '# nothing yet\n',
      secretMissing: `${MINIMAL}      auth:\n        user: box\n`,
    };
    for (const [name, yaml] of Object.entries(cases)) {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, yaml);
      const r = (await same(file)) as { error?: string; message?: string };
      assert.ok(r.error, `${name}: refused`);
      assert.notEqual(r.error.startsWith('Error'), true, `${name}: a configuration error (${r.message ?? ''})`);
    }
    const gone = (await same(join(dir, 'none.yaml'))) as { message?: string };
    assert.match(gone.message ?? '', /configuration file not found/);
  });
});

test('the file is read when the load is asked for, not later in the configuration process', { timeout: 60_000 }, async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'mmsgw.yaml');
    writeFileSync(file, MINIMAL);
    const pending = loadConfigIsolated(file, {}, { startup: true });
    rmSync(file);
    const loaded = await pending;
    assert.equal(loaded.config.mail.out.defaultMailbox, 'inbox@example.com');
  });
});
